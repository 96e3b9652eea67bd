//! The two hybrids side by side: (a) short-lived JWTs with refresh tokens the server tracks,
//! (b) JWTs for the API with sessions for a browser admin panel. What each request carries,
//! where the state lives, and how long a logout takes, from the revocation lab's model
//! ([`crate::core::labs::revocation::simulate`]) and the flows lab's credential lines.

use serde::Serialize;
use serde_json::Value;

use crate::core::engine::error::Result;
use crate::core::engine::sign;
use crate::core::labs::flows::credential;
use crate::core::labs::flows::sequence::{bearer_line, cookie_line};
use crate::core::labs::revocation::{self, Event, EventKind, RevocationScenario, Strategy};
use crate::core::text::count;

/// The short access token's lifetime in hybrid (a): 5 minutes.
pub const SHORT_ACCESS_TTL: i64 = 300;
/// The refresh token's lifetime in hybrid (a), and the admin session's in (b): 8 hours.
pub const LOGIN_TTL: i64 = 8 * 3600;
/// The API token's lifetime in hybrid (b): the typical 15 minutes.
pub const API_TOKEN_TTL: i64 = credential::TYPICAL_LIFETIME;
/// A refresh token as servers issue it: 32 random bytes, 43 base64url characters (a fixed
/// stand-in: the model is deterministic).
pub const REFRESH_TOKEN: &str = "tGzv3JOkF0XG5Qx2TlKWIA7bQ3nxT8yVd9p1Mm2cRqE";

/// The heading of hybrid (b) stepped through, in the window and in `simulate hybrids`.
pub const ADMIN_PANEL_HEADING: &str = "Step through (b): one login, then a logout the API does not hear about";

/// What one kind of request carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Carry {
    /// Who sends it and when.
    pub who: &'static str,
    /// The credential line, shortened for display.
    pub line: String,
    /// Its full length in bytes.
    pub bytes: usize,
    /// Store lookups it costs.
    pub lookups: u32,
    /// How often it is sent.
    pub how_often: String,
}

/// One hybrid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hybrid {
    /// Its name.
    pub name: &'static str,
    /// What each request carries.
    pub carries: Vec<Carry>,
    /// Where the state lives.
    pub state_lives: &'static str,
    /// Records the server keeps per login (the revocation model's count).
    pub server_records: u32,
    /// How long each client's credential keeps working after a logout (the worst case:
    /// right after login), seconds, with the client it is about.
    pub logout_delays: Vec<(&'static str, i64)>,
}

/// Both hybrids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HybridsReport {
    /// (a) short JWTs with server-tracked refresh tokens.
    pub refresh: Hybrid,
    /// (b) JWT for the API, sessions for the admin panel.
    pub split: Hybrid,
    /// (b) stepped through: login, API call, admin page, logout, and what each still accepts.
    pub admin_panel: Vec<super::admin_panel::AdminStep>,
}

/// The revocation model's outcome of a logout right after login.
fn logout_outcome(strategy: Strategy, token_ttl: i64, access_ttl: i64) -> revocation::StrategyOutcome {
    let scenario = RevocationScenario {
        name: String::new(),
        description: String::new(),
        login_at: super::FLOW_AT,
        token_ttl,
        access_ttl,
        leeway: 0,
        event: Event { kind: EventKind::Logout, at: super::FLOW_AT, stolen_at: None },
        scale: None,
    };
    revocation::simulate(&scenario).outcome(strategy).clone()
}

/// The typical access token living `ttl` seconds, signed with the demo key.
fn access_token(ttl: i64) -> Result<String> {
    let mut claims = credential::typical_claims(super::FLOW_AT);
    claims.insert("exp".into(), Value::from(super::FLOW_AT + ttl));
    sign::sign(&credential::typical_header(), &claims, "RS256", &credential::demo_key()?)
}

/// Both hybrids' figures.
///
/// # Errors
/// When the bundled key fails to sign (it does not).
pub fn report() -> Result<HybridsReport> {
    let short = bearer_line(&access_token(SHORT_ACCESS_TTL)?);
    let api = bearer_line(&access_token(API_TOKEN_TTL)?);
    let cookie = cookie_line(0);
    let refresh_body = format!("grant_type=refresh_token&refresh_token={REFRESH_TOKEN}");
    let a = logout_outcome(Strategy::JwtRefresh, LOGIN_TTL, SHORT_ACCESS_TTL);
    let jwt = logout_outcome(Strategy::Jwt, API_TOKEN_TTL, API_TOKEN_TTL);
    let session = logout_outcome(Strategy::Session, LOGIN_TTL, LOGIN_TTL);
    let refresh = Hybrid {
        name: "(a) Short JWTs + server-tracked refresh tokens",
        carries: vec![
            Carry {
                who: "Every API request",
                line: super::shortened(&short, 40),
                bytes: short.len(),
                lookups: a.lookups_per_request,
                how_often: "every request".into(),
            },
            Carry {
                who: "Renewal: POST /token",
                line: super::shortened(&refresh_body, 40),
                bytes: refresh_body.len(),
                lookups: 1,
                how_often: format!("every {SHORT_ACCESS_TTL} s: {} an hour", 3600 / SHORT_ACCESS_TTL),
            },
        ],
        state_lives: "in the token for requests; the refresh token's record (rotated at each renewal) in the server's store",
        server_records: a.server_state_entries,
        logout_delays: vec![("API client", a.exposure_seconds)],
    };
    let split = Hybrid {
        name: "(b) JWT for the API + sessions for the admin panel",
        carries: vec![
            Carry {
                who: "API client (mobile, SPA, service)",
                line: super::shortened(&api, 40),
                bytes: api.len(),
                lookups: jwt.lookups_per_request,
                how_often: "every API request".into(),
            },
            Carry {
                who: "Admin panel (browser)",
                line: cookie.clone(),
                bytes: cookie.len(),
                lookups: session.lookups_per_request,
                how_often: "every admin page".into(),
            },
        ],
        state_lives: "for the API, in the tokens, nothing on the server; admin panel: session records in the server's store",
        server_records: session.server_state_entries,
        logout_delays: vec![("API client", jwt.exposure_seconds), ("Admin panel", session.exposure_seconds)],
    };
    Ok(HybridsReport { refresh, split, admin_panel: super::admin_panel::steps()? })
}

impl Hybrid {
    /// The lines the window shows and `simulate hybrids` prints for this hybrid.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.carries {
            out.push(format!(
                "{}: {} ({} B, {}), {}",
                c.who,
                c.line,
                c.bytes,
                count(c.lookups, "lookup", "lookups"),
                c.how_often
            ));
        }
        out.push(format!("State: {}", self.state_lives));
        out.push(format!("Server records per login: {}", self.server_records));
        for (who, s) in &self.logout_delays {
            out.push(format!("Logout stops the {who}'s credential after {s} s"));
        }
        out
    }
}
