//! Sessions against JWTs on the user's own numbers: the nine factor rows of the Compare tab
//! (in [`Factor::ALL`] order) and the three misconceptions, every figure computed here by the
//! labs' models from the current token, keys and lab settings.
//!
//! Nothing in a cell is a constant: state and storage come from the revocation model's record
//! layout and its at-scale view ([`crate::core::labs::revocation`]); scalability, cross-domain, mobile and
//! microservices from runs of the request-flow model ([`crate::core::labs::flows`]) with the Flows
//! lab's parameters; revocation from the revocation model on the token's own lifetime; request
//! overhead from the credential line's bytes and the costs measured by
//! [`crate::core::labs::flows::credential`] (once per token or key change, by the caller); complexity
//! from the attack surface ([`crate::core::labs::security::surface`]) of the token and of sessions,
//! with the audit ([`crate::core::engine::audit`]) of the token and of a well-set session cookie.
//! [`compare`] is pure given its [`Inputs`]: the GUI and `tokenbench compare` call it with the
//! same inputs and print the same numbers.

pub mod advise;
pub mod demo;
pub mod lab;
pub mod report;
mod rows;
mod runs;
#[cfg(test)]
mod tests;

use crate::core::text::thousands;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::core::engine::keys::Key;
use crate::core::engine::token::{self, Token};
use crate::core::labs::compare::advise::Factor;
use crate::core::labs::flows::credential::{Credential, Measured, Source};
use crate::core::labs::flows::{self, Config};
use crate::core::labs::revocation::{RevocationScenario, ScaleInputs, ScenarioError, TokenLifetime};
use rows::Cx;
use runs::{Audits, Lifetime, LifetimeKind, Runs};

/// The fan-out the microservices row uses when the Flows lab has none (its microservices
/// scenario starts with this many services).
pub const DEFAULT_FAN_OUT: u32 = 4;
/// In the cross-domain and mobile runs, after every k-th request the page calls another site
/// (the Flows lab's scenarios use the same).
pub const CROSS_SITE_EVERY: u64 = 3;

/// The Flows lab's parameters (`flows::lab::Params` is this type): what the flow runs use.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FlowSettings {
    /// App servers (N).
    pub servers: u32,
    /// Users (U).
    pub users: u32,
    /// Requests (R).
    pub requests: u64,
    /// Services each request fans out to (M; 0 in most of the lab's scenarios).
    pub services: u32,
    /// Round trip to a remote session store, milliseconds.
    pub store_latency_ms: f64,
}

impl Default for FlowSettings {
    /// The Flows lab's defaults.
    fn default() -> Self {
        Self { servers: 4, users: 12, requests: 240, services: 0, store_latency_ms: 0.5 }
    }
}

impl FlowSettings {
    /// The fan-out of the microservices row: the lab's, or [`DEFAULT_FAN_OUT`] when it has none.
    #[must_use]
    pub fn fan_out(&self) -> u32 {
        if self.services > 0 { self.services } else { DEFAULT_FAN_OUT }
    }

    /// The config every run starts from (a session, a shared store, no event).
    fn base(&self, token_bytes: usize) -> Config {
        Config {
            servers: self.servers,
            users: self.users,
            requests: self.requests,
            services: self.services,
            token_bytes,
            ..Config::default()
        }
    }

    /// Checks that every run can be made.
    ///
    /// # Errors
    /// The flow model's message for a parameter out of range, or a latency that is not a
    /// number >= 0.
    pub fn validate(&self) -> Result<(), String> {
        if !self.store_latency_ms.is_finite() || self.store_latency_ms < 0.0 {
            return Err(format!("the store latency must be a number of ms >= 0, got {}", self.store_latency_ms));
        }
        if self.requests == 0 {
            return Err("--requests must be at least 1: every row's runs play requests".into());
        }
        let base = self.base(0);
        base.validate().map_err(|e| e.to_string())?;
        Config { services: self.fan_out(), ..base }.validate().map_err(|e| e.to_string())
    }
}

/// Everything the comparison reads.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The loaded token, audited as it is (none: the typical token is).
    pub token: Option<&'a Token>,
    /// The loaded keys.
    pub keys: &'a [Key],
    /// The clock's now.
    pub now: f64,
    /// The JWT the figures are about: the Flows lab's credential (the loaded token, its claims
    /// re-signed, or the typical token when nothing usable is loaded).
    pub credential: &'a Credential,
    /// What it costs on this machine, when measured.
    pub measured: Option<&'a Measured>,
    /// The Flows lab's parameters.
    pub flow: FlowSettings,
    /// The revocation lab's scenario: its access-ttl, leeway and at-scale inputs are used; the
    /// token's lifetime replaces its token-ttl.
    pub revocation: &'a RevocationScenario,
}

/// One side of a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// The figure, in one sentence.
    pub text: String,
    /// Where it comes from.
    pub source: String,
    /// The numbers behind it, by name (`*_ns` names are measurements of this run).
    pub figures: Map<String, Value>,
}

/// One factor: sessions and JWT side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The factor.
    pub factor: Factor,
    /// What the row shows, in one line.
    pub caption: &'static str,
    /// Server-side sessions.
    pub sessions: Cell,
    /// Self-contained tokens.
    pub jwt: Cell,
}

/// What the figures are about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenFacts {
    /// Where the JWT came from, in words.
    pub source: String,
    /// True when nothing usable was loaded and the typical token stands in.
    pub typical: bool,
    /// Its `alg`.
    pub alg: String,
    /// Its length in bytes.
    pub bytes: usize,
    /// Its lifetime (`exp` - `nbf`/`iat`, [`TokenLifetime`]) in seconds; `None` without `exp`
    /// (it never expires), or when it cannot be told (then the revocation lab's token-ttl is
    /// used); `lifetime_note` says which.
    pub lifetime_seconds: Option<i64>,
    /// Why the lifetime is not the token's, when it is not; or, for a token that is never
    /// valid (lifetime 0 s), that it is never valid.
    pub lifetime_note: Option<String>,
    /// True when no `exp` ends the token in the models (none, or beyond the revocation model's
    /// range, [`TokenLifetime::endless`]): the figures say "until the signing key is rotated".
    pub endless: bool,
}

impl TokenFacts {
    /// Whether no `exp` ends the token in the models (it has none, or one beyond the
    /// revocation model's range): only rotating the signing key ends a copy.
    #[must_use]
    pub fn never_expires(&self) -> bool {
        self.endless
    }

    /// The lifetime in one phrase, as the tab, the report and `tokenbench compare` print it:
    /// "lifetime 15 min" (the shared human duration, as Decode says it), or the note saying why
    /// it is not the token's, or that the token is never valid.
    #[must_use]
    pub fn lifetime_text(&self) -> String {
        match (self.lifetime_seconds, &self.lifetime_note) {
            (_, Some(note)) => note.clone(),
            (Some(s), None) => format!("lifetime {}", crate::core::text::lifetime_words(s as f64)),
            (None, None) => "lifetime unknown".into(),
        }
    }
}

/// The three common misconceptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Myth {
    /// "JWT is more secure."
    JwtMoreSecure,
    /// "Sessions don't scale."
    SessionsDontScale,
    /// "JWT is always the modern choice."
    JwtAlwaysModern,
}

impl Myth {
    /// Every myth, in the tab's order.
    pub const ALL: [Myth; 3] = [Myth::JwtMoreSecure, Myth::SessionsDontScale, Myth::JwtAlwaysModern];

    /// The claim.
    #[must_use]
    pub fn claim(self) -> &'static str {
        match self {
            Myth::JwtMoreSecure => "JWT is more secure",
            Myth::SessionsDontScale => "Sessions don't scale",
            Myth::JwtAlwaysModern => "JWT is always the modern choice",
        }
    }

    /// The experiment that tests it.
    #[must_use]
    pub fn experiment(self) -> &'static str {
        match self {
            Myth::JwtMoreSecure => {
                "Steal the credential right after login and report the theft at once (revocation lab, token stolen, on \
                 your token's lifetime); audit your token and a well-set session cookie."
            }
            Myth::SessionsDontScale => {
                "Kill a server under load with a shared session store (Flows lab, scalability, shared store: server 0 \
                 killed halfway through the requests; the sweep runs 1 to 50 servers)."
            }
            Myth::JwtAlwaysModern => {
                "Log a user out and keep sending their requests (Flows lab, revocation, JWT without a check)."
            }
        }
    }
}

/// A misconception with the figure its experiment gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MythResult {
    /// Which.
    #[serde(rename = "id")]
    pub myth: Myth,
    /// The claim.
    pub claim: &'static str,
    /// The experiment.
    pub experiment: &'static str,
    /// What it gives, with the user's numbers.
    pub result: String,
    /// The numbers, by name.
    pub figures: Map<String, Value>,
    /// What the claim meets before any experiment, when there is such a fact (the frameworks'
    /// defaults for "JWT is always the modern choice").
    pub context: Option<String>,
}

/// The comparison: nine rows and three myths.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The token the figures are about.
    pub token: TokenFacts,
    /// The Flows lab's parameters used.
    pub flow: FlowSettings,
    /// The revocation lab's at-scale inputs used.
    pub scale: ScaleInputs,
    /// The revocation lab's access-ttl (after the token's lifetime caps it).
    pub access_ttl: i64,
    /// The revocation lab's leeway.
    pub leeway: i64,
    /// One row per factor, in [`Factor::ALL`] order.
    pub rows: Vec<Row>,
    /// One per myth, in [`Myth::ALL`] order.
    pub myths: Vec<MythResult>,
    /// The Complexity row's items: the session risks and JWT pitfalls, each linked to its
    /// demonstration in the Security lab (the row's figures list the same).
    pub surface: crate::core::labs::security::surface::Surface,
}

impl Comparison {
    /// The row of a factor.
    #[must_use]
    pub fn row(&self, factor: Factor) -> &Row {
        let i = Factor::ALL.iter().position(|f| *f == factor).unwrap_or(0);
        &self.rows[i]
    }

    /// The result of a myth.
    #[must_use]
    pub fn myth(&self, myth: Myth) -> &MythResult {
        let i = Myth::ALL.iter().position(|m| *m == myth).unwrap_or(0);
        &self.myths[i]
    }
}

/// The session cookie the complexity row audits: a 128-bit id (22 base64url characters) with
/// every attribute a session cookie should have.
#[must_use]
pub fn well_set_cookie() -> String {
    format!("Set-Cookie: sid={}{}; Path=/", flows::sequence::session_id(0), flows::SET_COOKIE_ATTRIBUTES)
}

/// Computes the comparison.
///
/// # Errors
/// Flow settings the model cannot run ([`FlowSettings::validate`]).
pub fn compare(inp: &Inputs<'_>) -> Result<Comparison, String> {
    inp.flow.validate()?;
    let cred = inp.credential;
    let parsed = token::parse(&cred.token).map_err(|e| format!("the flows' JWT does not parse: {e}"))?;
    let life = Lifetime::of(inp.revocation, &parsed);
    let source = match (cred.source == Source::Typical, inp.token) {
        (true, Some(t)) => {
            format!("{}, since your token {}", cred.source.describe(), flows::credential::unusable_reason(t))
        }
        _ => cred.source.describe(),
    };
    let facts = TokenFacts {
        source,
        typical: cred.source == Source::Typical,
        alg: cred.alg.clone(),
        bytes: cred.len(),
        lifetime_seconds: match &life.kind {
            LifetimeKind::Token => Some(life.scenario.token_ttl),
            LifetimeKind::NoExp | LifetimeKind::Beyond | LifetimeKind::Lab(_) => None,
        },
        lifetime_note: match &life.kind {
            LifetimeKind::Token if matches!(life.rule, TokenLifetime::NeverValid { .. }) => Some(life.rule.describe()),
            LifetimeKind::Token => None,
            LifetimeKind::NoExp | LifetimeKind::Beyond => Some(life.rule.describe()),
            LifetimeKind::Lab(why) => Some(format!(
                "lifetime unknown ({why}): the revocation lab's token-ttl {} is used",
                crate::core::text::lifetime_words(life.scenario.token_ttl as f64)
            )),
        },
        endless: life.endless(),
    };
    let audits = Audits::run(inp, &parsed);
    let runs = Runs::new(inp.flow, cred.len());
    let cx = Cx { inp, life: &life, audits: &audits, runs: &runs };
    let rows = vec![
        cx.state(),
        cx.storage(),
        cx.scalability(),
        cx.revocation(),
        cx.overhead(),
        cx.cross_domain(),
        cx.mobile(),
        cx.microservices(),
        cx.complexity(),
    ];
    let myths = vec![cx.jwt_more_secure(), cx.sessions_dont_scale(), cx.jwt_always_modern()];
    Ok(Comparison {
        token: facts,
        flow: inp.flow,
        scale: life.scenario.scale.unwrap_or_default(),
        access_ttl: life.scenario.access_ttl,
        leeway: life.scenario.leeway,
        rows,
        myths,
        surface: audits.surface.clone(),
    })
}

/// An at-scale input `tokenbench compare` refuses, in its own words: the flag at fault
/// (`--signed-in`, `--revocations-per-day`) and what limits it, counts with separators.
#[must_use]
pub fn scale_flag_error(e: &ScenarioError, inputs: &ScaleInputs) -> String {
    match e.field.as_str() {
        "scale.active_users" => format!(
            "--signed-in: {} is more than the {} registered users of the revocation lab's at-scale view: at most {} \
             can be signed in",
            thousands(inputs.active_users),
            thousands(inputs.users),
            thousands(inputs.users)
        ),
        "scale.revocations_per_day" => {
            let v = inputs.revocations_per_day;
            if v.is_finite() && v >= 0.0 {
                format!(
                    "--revocations-per-day: {v:e} is more than the revocation model takes: at most {} revocations \
                     per day",
                    thousands(whole(crate::core::labs::revocation::MAX_REVOCATIONS_PER_DAY))
                )
            } else {
                format!("--revocations-per-day: must be a finite number of revocations per day >= 0, got {v}")
            }
        }
        _ => e.to_string(),
    }
}

/// A steady-state count, rounded to a whole record.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub(super) fn whole(x: f64) -> u64 {
    if x.is_finite() && x > 0.0 { x.round() as u64 } else { 0 }
}
