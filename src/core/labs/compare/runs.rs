//! What the rows share: the token's lifetime in the revocation model, the two audits, and the
//! flow-model runs (each run once per comparison, however many rows read it).

use crate::core::engine::audit::{self, Finding, TokenAuditOptions};
use crate::core::engine::timeline::TokenTimeline;
use crate::core::engine::token::{self, Token};
use crate::core::labs::flows::{self, Client, Config, Logout, Mode, Revocation, Store, Totals};
use crate::core::labs::revocation::{Event, EventKind, RevocationScenario, TokenLifetime};
use crate::core::labs::security::surface::{Surface, attack_surface};

use super::{CROSS_SITE_EVERY, FlowSettings, Inputs, well_set_cookie};
use crate::core::engine::audit::INSTANT_WORDLIST_LIMIT;

/// Where the lifetime the revocation figures use comes from.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum LifetimeKind {
    /// The token's own (`exp` - `nbf`/`iat`; 0 s for a token that is never valid).
    Token,
    /// The token has no `exp`: it never expires. No figure uses the lab's token-ttl for it:
    /// a plain JWT is exposed until the key is rotated, a denylist keeps its entries as long.
    NoExp,
    /// The token's lifetime is beyond the revocation model's range (an `exp` past its last
    /// instant, or longer than it holds): treated as [`LifetimeKind::NoExp`], and said.
    Beyond,
    /// The lab's token-ttl, for this reason.
    Lab(String),
}

/// The revocation lab's scenario on the token's lifetime, revoked right after issue: the worst
/// case, in which the whole lifetime is exposed.
#[derive(Debug, Clone)]
pub(super) struct Lifetime {
    pub(super) scenario: RevocationScenario,
    pub(super) kind: LifetimeKind,
    /// The rule's verdict on the token ([`TokenLifetime`]).
    pub(super) rule: TokenLifetime,
}

impl Lifetime {
    /// The lab's scenario on the token's lifetime, by the one rule ([`TokenLifetime`]).
    pub(super) fn of(lab: &RevocationScenario, t: &Token) -> Self {
        let rule = TokenLifetime::of(t);
        let (scenario, kind) = match &rule {
            TokenLifetime::Unknown { reason } => (lab.clone(), LifetimeKind::Lab(reason.clone())),
            TokenLifetime::NeverExpires => (lab.clone(), LifetimeKind::NoExp),
            TokenLifetime::BeyondModel { .. } => (lab.clone(), LifetimeKind::Beyond),
            TokenLifetime::Bounded { .. } | TokenLifetime::NeverValid { .. } => {
                let timeline = TokenTimeline::from_token(t, 0);
                match timeline.map(|tl| lab.with_tokens(&tl, None)) {
                    Some(Ok(s)) => (s, LifetimeKind::Token),
                    Some(Err(e)) => (lab.clone(), LifetimeKind::Lab(e)),
                    None => (lab.clone(), LifetimeKind::Lab("the token's claims cannot be read".into())),
                }
            }
        };
        let mut scenario = scenario;
        scenario.event = Event { kind: EventKind::Logout, at: scenario.login_at, stolen_at: None };
        Self { scenario, kind, rule }
    }

    /// Whether no `exp` ends the token in the model (none, or beyond its range).
    pub(super) fn endless(&self) -> bool {
        matches!(self.kind, LifetimeKind::NoExp | LifetimeKind::Beyond)
    }

    /// Why the token is treated as never expiring: "never expires (no exp)", "treated as never
    /// expiring (lifetime 7976.0 years, beyond the revocation model's range)".
    pub(super) fn endless_words(&self) -> String {
        match &self.rule {
            TokenLifetime::BeyondModel { start, exp, .. } => format!(
                "treated as never expiring (lifetime {}, beyond the revocation model's range)",
                crate::core::text::lifetime_words(exp - start)
            ),
            _ => "never expires (no exp)".into(),
        }
    }

    /// The same as a clause: "it never expires (no exp)", "it is treated as never expiring (…)".
    pub(super) fn endless_clause(&self) -> String {
        if self.kind == LifetimeKind::Beyond {
            format!("it is {}", self.endless_words())
        } else {
            format!("it {}", self.endless_words())
        }
    }

    /// The same, short, for a parenthesis: "no exp", "exp beyond the revocation model's range".
    pub(super) fn endless_short(&self) -> &'static str {
        if self.kind == LifetimeKind::Beyond { "exp beyond the revocation model's range" } else { "no exp" }
    }

    /// The scenario with another event at the login.
    pub(super) fn with_event(&self, kind: EventKind) -> RevocationScenario {
        let mut s = self.scenario.clone();
        s.event = Event { kind, at: s.login_at, stolen_at: None };
        s
    }
}

/// The audit of the token and of the well-set cookie.
#[derive(Debug)]
pub(super) struct Audits {
    /// The token's findings.
    pub(super) token: Vec<Finding>,
    /// Which token was audited, in words.
    pub(super) token_what: &'static str,
    /// The well-set cookie's findings.
    pub(super) cookie: Vec<Finding>,
    /// The cookie audited.
    pub(super) cookie_line: String,
    /// The session risks and the JWT pitfalls that apply to this token and this verifier.
    pub(super) surface: Surface,
}

impl Audits {
    pub(super) fn run(inp: &Inputs<'_>, credential: &Token) -> Self {
        // The loaded token as it is; without one, the typical token as issued (judged at its iat,
        // so its figures do not change as the minutes pass).
        let (t, now, token_what) = if let Some(t) = inp.token {
            (t, inp.now, "your token")
        } else {
            let iat = credential.claims().and_then(|c| token::numeric_date(c, "iat").ok().flatten());
            (credential, iat.unwrap_or(inp.now), "the typical token")
        };
        let huge = t.signatures.first().is_some_and(|s| s.signing_input().len() > INSTANT_WORDLIST_LIMIT);
        // The typical token is the model's, not signed by the loaded keys: judged without them
        // (with them, its signature would be "bad" against keys that never made it).
        let keys = if inp.token.is_some() { inp.keys } else { &[] };
        let opts = TokenAuditOptions { keys, now, skip_wordlist: huge, ..TokenAuditOptions::default() };
        // Without a wordlist file nothing can fail to be read.
        let mut token = audit::audit_token(t, &opts).unwrap_or_default();
        // The row counts the pitfalls of the token and its verifier; a key the comparison was
        // not given is not one of them.
        token.retain(|f| f.id != "signature-not-judged");
        let cookie_line = well_set_cookie();
        let cookie = audit::audit_cookie(&cookie_line, now).map(|(_, f)| f).unwrap_or_default();
        let surface = attack_surface(t, &token, &cookie, now);
        Self { token, token_what, cookie, cookie_line, surface }
    }
}

/// The flow-model runs the rows share, each made once.
#[derive(Debug)]
pub(super) struct Runs {
    /// The Flows lab's parameters.
    pub(super) settings: FlowSettings,
    /// Servers for the runs where one dies (a failure needs one left).
    pub(super) failover_servers: u32,
    /// The session config every run starts from.
    pub(super) session: Config,
    /// The JWT config every run starts from.
    pub(super) jwt: Config,
    /// Server 0 dies halfway: sticky local store, shared store, replicated store, JWT.
    pub(super) failover: [Totals; 4],
    /// The store is down for the second half of the run (no server dies): shared session
    /// store, JWT with a denylist check.
    pub(super) store_down: [Totals; 2],
    /// A browser calls another site: session, JWT.
    pub(super) browser: [Totals; 2],
    /// A native app, cross-site calls included: session, JWT.
    pub(super) mobile: [Totals; 2],
    /// No fan-out: session, JWT.
    pub(super) direct: [Totals; 2],
    /// The microservices row's fan-out: session, JWT.
    pub(super) fanned: [Totals; 2],
    /// User 0 logs out a quarter of the way in: session, JWT without a check.
    pub(super) logout: [Totals; 2],
}

/// Runs a config (validated up front: the settings were checked, and every change here keeps
/// them valid).
fn run(cfg: &Config) -> Totals {
    flows::simulate(cfg).unwrap_or_default()
}

impl Runs {
    pub(super) fn new(settings: FlowSettings, token_bytes: usize) -> Self {
        let session = settings.base(token_bytes);
        let jwt = Config { mode: Mode::Jwt, ..session };
        let failover_servers = settings.servers.max(2);
        let dies = Config { servers: failover_servers, fail_server_at: Some(settings.requests / 2), ..session };
        let cross = |client: Client| {
            let with = |c: Config| Config { client, cross_site_every: CROSS_SITE_EVERY, ..c };
            [run(&with(session)), run(&with(jwt))]
        };
        let fan = |services: u32| {
            let at = |c: Config| Config { services, requests: c.requests.max(1), ..c };
            [run(&at(session)), run(&at(jwt))]
        };
        let logout = Some(Logout { user: 0, before_request: settings.requests / 4 });
        // Compare refuses 0 requests, so request R/2 is one of the run's.
        let down = Config { servers: failover_servers, store_fail_at: Some(settings.requests / 2), ..session };
        Self {
            settings,
            failover_servers,
            session,
            jwt,
            failover: [
                run(&Config { store: Store::Local, sticky: true, ..dies }),
                run(&dies),
                run(&Config { store: Store::Replicated, ..dies }),
                run(&Config { mode: Mode::Jwt, sticky: true, ..dies }),
            ],
            store_down: [run(&down), run(&Config { mode: Mode::Jwt, revocation: Revocation::Denylist, ..down })],
            browser: cross(Client::Browser),
            mobile: cross(Client::Mobile),
            direct: fan(0),
            fanned: fan(settings.fan_out()),
            logout: [run(&Config { logout, ..session }), run(&Config { logout, ..jwt })],
        }
    }
}
