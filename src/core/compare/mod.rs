//! Sessions against JWTs on the user's own numbers: the nine factor rows of the Compare tab
//! (in [`Factor::ALL`] order) and the three misconceptions, every figure computed here by the
//! labs' models from the current token, keys and lab settings.
//!
//! Nothing in a cell is a constant: state and storage come from the revocation model's record
//! layout and its at-scale view ([`crate::core::revoke`]); scalability, cross-domain, mobile and
//! microservices from runs of the request-flow model ([`crate::core::flow`]) with the Flows
//! lab's parameters; revocation from the revocation model on the token's own lifetime; request
//! overhead from the credential line's bytes and the costs measured by
//! [`crate::core::flow::credential`] (once per token or key change, by the caller); complexity
//! from the audit ([`crate::core::audit`]) of the token and of a well-set session cookie.
//! [`compare`] is pure given its [`Inputs`]: the GUI and `tokenbench compare` call it with the
//! same inputs and print the same numbers.

pub mod report;
#[cfg(test)]
mod tests;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::core::advise::Factor;
use crate::core::audit::{self, Finding, Severity, TokenAuditOptions};
use crate::core::flow::credential::{Credential, Measured, Source};
use crate::core::flow::{self, Client, Config, Logout, Mode, Store, Totals};
use crate::core::keys::Key;
use crate::core::revoke::{self, Event, EventKind, ScaleInputs, ScaleRow, Scenario, Strategy, duration_text};
use crate::core::timeline::TokenTimeline;
use crate::core::token::{self, Token};

/// The fan-out the microservices row uses when the Flows lab has none (its microservices
/// scenario starts with this many services).
pub const DEFAULT_FAN_OUT: u32 = 4;
/// In the cross-domain and mobile runs, after every k-th request the page calls another site
/// (the Flows lab's scenarios use the same).
pub const CROSS_SITE_EVERY: u64 = 3;
/// Tokens whose signing input is longer than this are not tried against the wordlist by the
/// audit here (as on the Security tab: every guess would cost thousands of compressions).
pub const AUDIT_WORDLIST_LIMIT: usize = 64 * 1024;

/// The Flows lab's parameters the flow runs use.
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
    pub revocation: &'a Scenario,
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
    /// Its lifetime (`exp` - `nbf`/`iat`) in seconds; `None` without `exp`, or when it cannot
    /// be read (then the revocation lab's token-ttl is used, and `lifetime_note` says why).
    pub lifetime_seconds: Option<i64>,
    /// Why the lifetime is not the token's, when it is not.
    pub lifetime_note: Option<String>,
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
                "Kill a server under load with a shared session store (Flows lab, scalability, shared store; the sweep \
                 runs 1 to 50 servers)."
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
    format!("Set-Cookie: sid={}{}; Path=/", flow::sequence::session_id(0), flow::SET_COOKIE_ATTRIBUTES)
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
    let facts = TokenFacts {
        source: cred.source.describe(),
        typical: cred.source == Source::Typical,
        alg: cred.alg.clone(),
        bytes: cred.len(),
        lifetime_seconds: match &life.kind {
            LifetimeKind::Token => Some(life.scenario.token_ttl),
            LifetimeKind::NoExp | LifetimeKind::Lab(_) => None,
        },
        lifetime_note: match &life.kind {
            LifetimeKind::Token => None,
            LifetimeKind::NoExp => Some("the token has no exp".into()),
            LifetimeKind::Lab(why) => Some(format!("{why}: the revocation lab's token-ttl is used")),
        },
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
    })
}

/// Where the lifetime the revocation figures use comes from.
#[derive(Debug, Clone, PartialEq)]
enum LifetimeKind {
    /// The token's own (`exp` - `nbf`/`iat`).
    Token,
    /// The token has no `exp`: it never expires (the lab's token-ttl stands in for storage).
    NoExp,
    /// The lab's token-ttl, for this reason.
    Lab(String),
}

/// The revocation lab's scenario on the token's lifetime, revoked right after issue: the worst
/// case, in which the whole lifetime is exposed.
#[derive(Debug, Clone)]
struct Lifetime {
    scenario: Scenario,
    kind: LifetimeKind,
}

impl Lifetime {
    fn of(lab: &Scenario, t: &Token) -> Self {
        let timeline = TokenTimeline::from_token(t, 0);
        let (scenario, kind) = match timeline {
            None => (lab.clone(), LifetimeKind::Lab("the token's claims cannot be read".into())),
            Some(tl) if tl.exp.is_none() => (lab.clone(), LifetimeKind::NoExp),
            Some(tl) => match lab.with_tokens(&tl, None) {
                Ok(s) => (s, LifetimeKind::Token),
                Err(e) => (lab.clone(), LifetimeKind::Lab(e)),
            },
        };
        let mut scenario = scenario;
        scenario.event = Event { kind: EventKind::Logout, at: scenario.login_at, stolen_at: None };
        Self { scenario, kind }
    }

    /// The scenario with another event at the login.
    fn with_event(&self, kind: EventKind) -> Scenario {
        let mut s = self.scenario.clone();
        s.event = Event { kind, at: s.login_at, stolen_at: None };
        s
    }
}

/// The audit of the token and of the well-set cookie.
#[derive(Debug)]
struct Audits {
    token: Vec<Finding>,
    token_what: &'static str,
    cookie: Vec<Finding>,
    cookie_line: String,
}

impl Audits {
    fn run(inp: &Inputs<'_>, credential: &Token) -> Self {
        // The loaded token as it is; without one, the typical token as issued (judged at its iat,
        // so its figures do not change as the minutes pass).
        let (t, now, token_what) = if let Some(t) = inp.token {
            (t, inp.now, "your token")
        } else {
            let iat = credential.claims().and_then(|c| token::numeric_date(c, "iat").ok().flatten());
            (credential, iat.unwrap_or(inp.now), "the typical token")
        };
        let huge = t.signatures.first().is_some_and(|s| s.signing_input().len() > AUDIT_WORDLIST_LIMIT);
        let opts = TokenAuditOptions { keys: inp.keys, now, skip_wordlist: huge, ..TokenAuditOptions::default() };
        // Without a wordlist file nothing can fail to be read.
        let token = audit::audit_token(t, &opts).unwrap_or_default();
        let cookie_line = well_set_cookie();
        let cookie = audit::audit_cookie(&cookie_line, now).map(|(_, f)| f).unwrap_or_default();
        Self { token, token_what, cookie, cookie_line }
    }
}

/// The flow-model runs the rows share.
#[derive(Debug)]
struct Runs {
    settings: FlowSettings,
    /// Servers for the runs where one dies (a failure needs one left).
    failover_servers: u32,
    session: Config,
    jwt: Config,
}

impl Runs {
    fn new(settings: FlowSettings, token_bytes: usize) -> Self {
        let session = settings.base(token_bytes);
        Self {
            settings,
            failover_servers: settings.servers.max(2),
            session,
            jwt: Config { mode: Mode::Jwt, ..session },
        }
    }

    /// Runs a config (validated up front: the settings were checked, and every change here keeps
    /// them valid).
    fn run(cfg: &Config) -> Totals {
        flow::simulate(cfg).unwrap_or_default()
    }

    /// Session and JWT with server 0 dying halfway: sticky local store, shared, replicated, JWT.
    fn failover(&self) -> [Totals; 4] {
        let fail = Some(self.settings.requests / 2);
        let n = self.failover_servers;
        let s = Config { servers: n, fail_server_at: fail, ..self.session };
        [
            Self::run(&Config { store: Store::Local, sticky: true, ..s }),
            Self::run(&s),
            Self::run(&Config { store: Store::Replicated, ..s }),
            Self::run(&Config { mode: Mode::Jwt, sticky: true, ..s }),
        ]
    }

    /// Session and JWT with cross-site calls from a client.
    fn cross_site(&self, client: Client) -> [Totals; 2] {
        let with = |c: Config| Config { client, cross_site_every: CROSS_SITE_EVERY, ..c };
        [Self::run(&with(self.session)), Self::run(&with(self.jwt))]
    }

    /// Session and JWT with `services` downstream services.
    fn fan_out(&self, services: u32) -> [Totals; 2] {
        let at = |c: Config| Config { services, requests: c.requests.max(1), ..c };
        [Self::run(&at(self.session)), Self::run(&at(self.jwt))]
    }

    /// Session and JWT when user 0 logs out a quarter of the way in.
    fn logout(&self) -> [Totals; 2] {
        let logout = Some(Logout { user: 0, before_request: self.settings.requests / 4 });
        [Self::run(&Config { logout, ..self.session }), Self::run(&Config { logout, ..self.jwt })]
    }
}

/// What a row builder reads.
struct Cx<'a> {
    inp: &'a Inputs<'a>,
    life: &'a Lifetime,
    audits: &'a Audits,
    runs: &'a Runs,
}

fn figures(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn cell(text: String, source: impl Into<String>, pairs: &[(&str, Value)]) -> Cell {
    Cell { text, source: source.into(), figures: figures(pairs) }
}

/// "12,345".
#[must_use]
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A steady-state count, rounded to a whole record.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn whole(x: f64) -> u64 {
    if x.is_finite() && x > 0.0 { x.round() as u64 } else { 0 }
}

/// "812 B", "8.20 MiB" (as the revocation lab writes them).
#[must_use]
pub fn bytes(x: f64) -> String {
    const K: f64 = 1024.0;
    if x >= K * K * K {
        format!("{:.2} GiB", x / (K * K * K))
    } else if x >= K * K {
        format!("{:.2} MiB", x / (K * K))
    } else if x >= K {
        format!("{:.1} KiB", x / K)
    } else {
        format!("{x:.0} B")
    }
}

/// "45 ns", "48.2 µs", "1.25 ms".
#[must_use]
pub fn time(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.0} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.1} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

fn ms(latency_ms: f64) -> String {
    format!("{latency_ms} ms")
}

/// A duration of the revocation model: exact, or "never".
fn exposure(seconds: Option<i64>) -> String {
    seconds.map_or_else(|| "never".into(), duration_text)
}

/// "2 findings: 1 medium, 1 low (+1 info)", or "no findings".
fn findings_text(findings: &[Finding]) -> String {
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let counted: Vec<String> = [Severity::High, Severity::Medium, Severity::Low]
        .into_iter()
        .filter(|s| n(*s) > 0)
        .map(|s| format!("{} {}", n(s), s.name()))
        .collect();
    let info = n(Severity::Info);
    let info_text = if info > 0 { format!(" (+{info} info)") } else { String::new() };
    if counted.is_empty() {
        return format!("no findings{info_text}");
    }
    let total = findings.len() - info;
    format!("{total} finding{}: {}{info_text}", if total == 1 { "" } else { "s" }, counted.join(", "))
}

fn severity_figures(findings: &[Finding]) -> Vec<(&'static str, Value)> {
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    vec![
        ("high", json!(n(Severity::High))),
        ("medium", json!(n(Severity::Medium))),
        ("low", json!(n(Severity::Low))),
        ("info", json!(n(Severity::Info))),
        ("ids", json!(findings.iter().map(|f| f.id).collect::<Vec<_>>())),
    ]
}

/// Per-request time of a run's totals with the measured costs, in nanoseconds: lookups,
/// verifications and round trips (the signatures made at login are not a request's cost).
fn per_request_ns(m: &Measured, t: &Totals, latency_ms: f64) -> f64 {
    let requests_only = Totals { tokens_signed: 0, ..*t };
    let e = m.estimate(&requests_only, latency_ms);
    (e.cpu + e.network).as_secs_f64() * 1e9 / t.requests.max(1) as f64
}

fn ns(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e9
}

fn ratio(a: u64, b: u64) -> f64 {
    a as f64 / b.max(1) as f64
}

impl Cx<'_> {
    fn scale_row(&self, strategy: Strategy) -> ScaleRow {
        let rows = revoke::at_scale(&self.life.scenario);
        let i = Strategy::ALL.iter().position(|s| *s == strategy).unwrap_or(0);
        rows[i].clone()
    }

    fn state(&self) -> Row {
        let record = revoke::record(Strategy::Session, &self.life.scenario);
        let record_bytes = record.as_ref().map_or(0, revoke::Record::bytes);
        let per_user = Strategy::Session.server_state_entries();
        let key = record.as_ref().map_or("", |r| r.key.split(':').next().unwrap_or(""));
        let sessions = cell(
            format!(
                "{per_user} server record per signed-in user, {record_bytes} B; the request carries only the \
                 session id"
            ),
            format!("revocation model's record layout: key {key}:<256-bit id>, value {{sub, iat, exp}} as JSON"),
            &[("records_per_user", json!(per_user)), ("record_bytes", json!(record_bytes))],
        );
        let jwt_records = Strategy::Jwt.server_state_entries();
        let token_bytes = self.inp.credential.len();
        let jwt = cell(
            format!("{jwt_records} server records; the state travels in every request: the token's {token_bytes} B"),
            self.inp.credential.source.describe(),
            &[("records_per_user", json!(jwt_records)), ("token_bytes", json!(token_bytes))],
        );
        Row { factor: Factor::State, caption: "Where the signed-in state lives, and its size", sessions, jwt }
    }

    fn storage(&self) -> Row {
        let s = self.scale_row(Strategy::Session);
        let j = self.scale_row(Strategy::Jwt);
        let d = self.scale_row(Strategy::JwtDenylist);
        let scale = self.life.scenario.scale.unwrap_or_default();
        let sessions = cell(
            format!(
                "{} records, {} for {} signed-in users; {} store lookups/s",
                count(whole(s.entries)),
                bytes(s.bytes),
                count(scale.active_users),
                count(whole(s.lookups_per_second))
            ),
            format!("revocation lab at scale: grows with {}", s.grows_with),
            &[
                ("entries", json!(whole(s.entries))),
                ("bytes", json!(whole(s.bytes))),
                ("lookups_per_second", json!(s.lookups_per_second)),
            ],
        );
        let jwt = cell(
            format!(
                "{} records, {}; to revoke, a denylist: {} records, {} ({} revocations/day x token-ttl {})",
                count(whole(j.entries)),
                bytes(j.bytes),
                count(whole(d.entries)),
                bytes(d.bytes),
                count(whole(scale.revocations_per_day)),
                duration_text(self.life.scenario.token_ttl)
            ),
            format!("revocation lab at scale: a plain JWT grows with {}", j.grows_with),
            &[
                ("entries", json!(whole(j.entries))),
                ("bytes", json!(whole(j.bytes))),
                ("denylist_entries", json!(whole(d.entries))),
                ("denylist_bytes", json!(whole(d.bytes))),
            ],
        );
        Row { factor: Factor::Storage, caption: "What the servers keep for the whole population", sessions, jwt }
    }

    fn scalability(&self) -> Row {
        let [local, shared, replicated, jwt] = self.runs.failover();
        let st = self.runs.settings;
        let n = self.runs.failover_servers;
        let source = format!(
            "flow model: {n} servers, {} users, {} requests, server 0 dies before request {}",
            st.users,
            st.requests,
            st.requests / 2
        );
        let sessions = cell(
            format!(
                "a server dies: in-memory sticky sessions lose {} of {} users, {} of {} requests fail; a shared store \
                 loses none ({} store round trips); replication copies every login ({} messages)",
                local.sessions_lost,
                st.users,
                local.failed_requests,
                local.requests,
                shared.remote_lookups,
                replicated.replication_messages
            ),
            source.clone(),
            &[
                ("local_sessions_lost", json!(local.sessions_lost)),
                ("local_failed_requests", json!(local.failed_requests)),
                ("shared_failed_requests", json!(shared.failed_requests)),
                ("shared_round_trips", json!(shared.remote_lookups)),
                ("replication_messages", json!(replicated.replication_messages)),
            ],
        );
        let jwt_cell = cell(
            format!(
                "a server dies: {} of {} requests fail, {} sessions lost; {} verifications on whichever server, nothing \
                 shared",
                jwt.failed_requests, jwt.requests, jwt.sessions_lost, jwt.signature_verifications
            ),
            source,
            &[
                ("failed_requests", json!(jwt.failed_requests)),
                ("sessions_lost", json!(jwt.sessions_lost)),
                ("verifications", json!(jwt.signature_verifications)),
            ],
        );
        Row { factor: Factor::Scalability, caption: "Adding servers, and losing one", sessions, jwt: jwt_cell }
    }

    /// Exposure of one strategy in a scenario; `None` when the token never expires (plain JWT).
    fn exposure(&self, scenario: &Scenario, strategy: Strategy) -> Option<i64> {
        if self.life.kind == LifetimeKind::NoExp && matches!(strategy, Strategy::Jwt | Strategy::JwtRefresh) {
            return None;
        }
        Some(revoke::simulate(scenario).outcome(strategy).exposure_seconds)
    }

    fn revocation(&self) -> Row {
        let s = &self.life.scenario;
        let session = self.exposure(s, Strategy::Session);
        let jwt = self.exposure(s, Strategy::Jwt);
        let deny = self.exposure(s, Strategy::JwtDenylist);
        let lookups = Strategy::JwtDenylist.lookups_per_request();
        let lifetime = match &self.life.kind {
            LifetimeKind::Token => format!("the token's lifetime, {}", duration_text(s.token_ttl)),
            LifetimeKind::NoExp => "the token has no exp".into(),
            LifetimeKind::Lab(why) => format!("{why}: the revocation lab's token-ttl {}", duration_text(s.token_ttl)),
        };
        let leeway = if s.leeway > 0 { format!(" + {} leeway", duration_text(s.leeway)) } else { String::new() };
        let sessions = cell(
            format!("{}: deleting the record refuses the very next request", exposure(session)),
            "revocation model, logout right after login",
            &[("exposure_seconds", json!(session))],
        );
        let jwt_text = if jwt.is_none() {
            format!(
                "never: without exp nothing stops it; a denylist brings it to {} for {lookups} lookup per request",
                exposure(deny)
            )
        } else {
            format!(
                "{}: accepted until exp{leeway}, nothing can recall it; a denylist brings it to {} for {lookups} \
                 lookup per request",
                exposure(jwt),
                exposure(deny)
            )
        };
        let jwt_cell = cell(
            jwt_text,
            format!("revocation model, logout right after issue ({lifetime})"),
            &[("exposure_seconds", json!(jwt)), ("denylist_exposure_seconds", json!(deny))],
        );
        Row {
            factor: Factor::Revocation,
            caption: "How long a revoked credential keeps working (worst case: revoked right after issue)",
            sessions,
            jwt: jwt_cell,
        }
    }

    fn overhead(&self) -> Row {
        let [session, jwt] = self.runs.fan_out(0);
        let cookie_bytes = self.runs.session.bytes_per_request();
        let bearer_bytes = self.runs.jwt.bytes_per_request();
        let lookups = ratio(session.store_lookups, session.requests);
        let verifications = ratio(jwt.signature_verifications, jwt.requests);
        let latency = self.runs.settings.store_latency_ms;
        let alg = &self.inp.credential.alg;
        let (sessions, jwt_cell) = match self.inp.measured {
            Some(m) => {
                let s_ns = per_request_ns(m, &session, latency);
                let j_ns = per_request_ns(m, &jwt, latency);
                (
                    cell(
                        format!(
                            "Cookie: sid=… {cookie_bytes} B + {lookups} store lookup: {} in-process + {} round \
                             trip = {} per request",
                            time(ns(m.lookup)),
                            ms(latency),
                            time(s_ns)
                        ),
                        "flow model; lookup measured here in an in-process store, round trip as set in the Flows lab",
                        &[
                            ("bytes", json!(cookie_bytes)),
                            ("lookups_per_request", json!(lookups)),
                            ("latency_ms", json!(latency)),
                            ("lookup_ns", json!(ns(m.lookup).round())),
                            ("per_request_ns", json!(s_ns.round())),
                        ],
                    ),
                    cell(
                        format!(
                            "Authorization: Bearer … {bearer_bytes} B + {verifications} {alg} verification: {} \
                             measured here",
                            time(j_ns)
                        ),
                        format!("flow model; {} verified by this verifier", self.inp.credential.source.describe()),
                        &[
                            ("bytes", json!(bearer_bytes)),
                            ("verifications_per_request", json!(verifications)),
                            ("verify_ns", json!(ns(m.verify).round())),
                            ("per_request_ns", json!(j_ns.round())),
                        ],
                    ),
                )
            }
            None => (
                cell(
                    format!(
                        "Cookie: sid=… {cookie_bytes} B + {lookups} store lookup ({} round trip; not measured yet)",
                        ms(latency)
                    ),
                    "flow model",
                    &[
                        ("bytes", json!(cookie_bytes)),
                        ("lookups_per_request", json!(lookups)),
                        ("latency_ms", json!(latency)),
                    ],
                ),
                cell(
                    format!(
                        "Authorization: Bearer … {bearer_bytes} B + {verifications} {alg} verification (not \
                         measured yet)"
                    ),
                    "flow model",
                    &[("bytes", json!(bearer_bytes)), ("verifications_per_request", json!(verifications))],
                ),
            ),
        };
        Row {
            factor: Factor::RequestOverhead,
            caption: "What every request carries and costs",
            sessions,
            jwt: jwt_cell,
        }
    }

    fn cross_domain(&self) -> Row {
        let [s, j] = self.runs.cross_site(Client::Browser);
        let source = format!(
            "flow model: after every {CROSS_SITE_EVERY} of {} requests the page calls another site's API",
            self.runs.settings.requests
        );
        let sessions = cell(
            format!(
                "cookie not sent: {} of {} calls to another site fail (the browser keeps it for its own site)",
                s.cross_site_failed, s.cross_site_calls
            ),
            source.clone(),
            &[("calls", json!(s.cross_site_calls)), ("failed", json!(s.cross_site_failed))],
        );
        let jwt = cell(
            format!(
                "header sent: {} of {} calls served, after {} CORS preflights (one per calling user, then cached)",
                j.cross_site_calls - j.cross_site_failed,
                j.cross_site_calls,
                j.preflights
            ),
            source,
            &[
                ("calls", json!(j.cross_site_calls)),
                ("failed", json!(j.cross_site_failed)),
                ("preflights", json!(j.preflights)),
            ],
        );
        Row { factor: Factor::CrossDomain, caption: "Calling an API on another site from the browser", sessions, jwt }
    }

    fn mobile(&self) -> Row {
        let [s, j] = self.runs.cross_site(Client::Mobile);
        let served = |t: &Totals| (t.requests - t.failed_requests) + (t.cross_site_calls - t.cross_site_failed);
        let total = |t: &Totals| t.requests + t.cross_site_calls;
        let source = "flow model: a native app, no cookie jar and no browser rules, cross-site calls included";
        let sessions = cell(
            format!(
                "the app stores Set-Cookie and sends it by hand: {} of {} requests served, {} of credentials sent",
                count(served(&s)),
                count(total(&s)),
                bytes(s.client_bytes as f64)
            ),
            source,
            &[
                ("served", json!(served(&s))),
                ("requests", json!(total(&s))),
                ("credential_bytes", json!(s.client_bytes)),
            ],
        );
        let jwt = cell(
            format!(
                "a header, as for any API: {} of {} requests served, {} of credentials sent ({:.1}x the cookie's on \
                 a metered link)",
                count(served(&j)),
                count(total(&j)),
                bytes(j.client_bytes as f64),
                ratio(j.client_bytes, s.client_bytes)
            ),
            source,
            &[
                ("served", json!(served(&j))),
                ("requests", json!(total(&j))),
                ("credential_bytes", json!(j.client_bytes)),
            ],
        );
        Row { factor: Factor::Mobile, caption: "A native app instead of a browser", sessions, jwt }
    }

    fn microservices(&self) -> Row {
        let fan_out = self.runs.settings.fan_out();
        let [session, jwt] = self.runs.fan_out(fan_out);
        let lookups = ratio(session.store_lookups, session.requests);
        let verifications = ratio(jwt.signature_verifications, jwt.requests);
        let latency = self.runs.settings.store_latency_ms;
        let source = format!(
            "flow model: each request fans out to M = {fan_out} services{}",
            if self.runs.settings.services == 0 { " (the Flows lab's microservices scenario)" } else { "" }
        );
        let (s_time, j_time, mut s_fig, mut j_fig) = match self.inp.measured {
            Some(measured) => {
                let store = per_request_ns(measured, &session, latency);
                let cpu = per_request_ns(measured, &jwt, latency);
                (
                    format!(": {} of lookups and round trips per request", time(store)),
                    format!(": {} of CPU per request, measured here", time(cpu)),
                    vec![("per_request_ns", json!(store.round()))],
                    vec![("per_request_ns", json!(cpu.round()))],
                )
            }
            None => (String::new(), String::new(), Vec::new(), Vec::new()),
        };
        s_fig.extend([("fan_out", json!(fan_out)), ("lookups_per_request", json!(lookups))]);
        j_fig.extend([("fan_out", json!(fan_out)), ("verifications_per_request", json!(verifications))]);
        let sessions_cell = cell(
            format!("1 + {fan_out} = {lookups} lookups per request, all on one shared store{s_time}"),
            source.clone(),
            &s_fig,
        );
        let jwt_cell = cell(
            format!(
                "1 + {fan_out} = {verifications} verifications per request, each service with the public key{j_time}"
            ),
            source,
            &j_fig,
        );
        Row {
            factor: Factor::Microservices,
            caption: "Many services checking one user's credential",
            sessions: sessions_cell,
            jwt: jwt_cell,
        }
    }

    fn complexity(&self) -> Row {
        let a = self.audits;
        let sessions = cell(
            format!("{} for a well-set session cookie", findings_text(&a.cookie)),
            format!("cookie audit of {}", a.cookie_line),
            &severity_figures(&a.cookie),
        );
        let ids: Vec<&str> = a.token.iter().map(|f| f.id).collect();
        let jwt = cell(
            format!("{} for {}", findings_text(&a.token), a.token_what),
            if ids.is_empty() { "token audit".to_owned() } else { format!("token audit: {}", ids.join(", ")) },
            &severity_figures(&a.token),
        );
        Row { factor: Factor::Complexity, caption: "What a team must get right: the audit's findings", sessions, jwt }
    }

    fn jwt_more_secure(&self) -> MythResult {
        let theft = self.life.with_event(EventKind::TokenStolen);
        let jwt = self.exposure(&theft, Strategy::Jwt);
        let session = self.exposure(&theft, Strategy::Session);
        let a = self.audits;
        let result = format!(
            "A stolen JWT keeps working for {} after the theft is reported; a stolen session stops at once ({}). \
             Audit: {} for {}, {} for a well-set session cookie. A signature proves who issued a token, not that its \
             holder should still have it.",
            exposure(jwt),
            exposure(session),
            findings_text(&a.token),
            a.token_what,
            findings_text(&a.cookie)
        );
        let fail = |f: &[Finding]| f.iter().filter(|x| x.severity.fails()).count();
        MythResult {
            myth: Myth::JwtMoreSecure,
            claim: Myth::JwtMoreSecure.claim(),
            experiment: Myth::JwtMoreSecure.experiment(),
            result,
            figures: figures(&[
                ("stolen_jwt_seconds", json!(jwt)),
                ("stolen_session_seconds", json!(session)),
                ("token_high_or_medium", json!(fail(&a.token))),
                ("cookie_high_or_medium", json!(fail(&a.cookie))),
            ]),
        }
    }

    fn sessions_dont_scale(&self) -> MythResult {
        let [local, shared, _, _] = self.runs.failover();
        let st = self.runs.settings;
        let per_request = ratio(shared.remote_lookups, shared.requests);
        let result = format!(
            "With a shared store, {} servers served {} of {} requests with one of them dead: {} failed, {} sessions \
             lost, for {per_request} store round trip per request ({} each). Only sessions kept in one server's \
             memory are lost ({} of {} users).",
            self.runs.failover_servers,
            shared.requests - shared.failed_requests,
            shared.requests,
            shared.failed_requests,
            shared.sessions_lost,
            ms(st.store_latency_ms),
            local.sessions_lost,
            st.users
        );
        MythResult {
            myth: Myth::SessionsDontScale,
            claim: Myth::SessionsDontScale.claim(),
            experiment: Myth::SessionsDontScale.experiment(),
            result,
            figures: figures(&[
                ("servers", json!(self.runs.failover_servers)),
                ("shared_failed_requests", json!(shared.failed_requests)),
                ("shared_sessions_lost", json!(shared.sessions_lost)),
                ("round_trips_per_request", json!(per_request)),
                ("local_sessions_lost", json!(local.sessions_lost)),
            ]),
        }
    }

    fn jwt_always_modern(&self) -> MythResult {
        let [s, j] = self.runs.logout();
        let delay = self.exposure(&self.life.scenario, Strategy::Jwt);
        let result = format!(
            "After user 0 logs out, a JWT without a revocation check still gets {} of their requests through (it \
             stays valid for up to {} after a logout); the session refuses all {}. Adding the check brings back a \
             lookup per request: most production systems pair them, sessions at the browser edge and short-lived \
             JWTs between services (the hybrid).",
            j.accepted_after_logout,
            exposure(delay),
            s.rejected_after_logout
        );
        MythResult {
            myth: Myth::JwtAlwaysModern,
            claim: Myth::JwtAlwaysModern.claim(),
            experiment: Myth::JwtAlwaysModern.experiment(),
            result,
            figures: figures(&[
                ("jwt_accepted_after_logout", json!(j.accepted_after_logout)),
                ("session_rejected_after_logout", json!(s.rejected_after_logout)),
                ("session_accepted_after_logout", json!(s.accepted_after_logout)),
                ("jwt_exposure_seconds", json!(delay)),
            ]),
        }
    }
}
