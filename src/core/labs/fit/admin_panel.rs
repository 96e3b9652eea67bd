//! Hybrid (b) stepped through: JWTs for the API and a session for the browser admin panel.
//! One login gives both; a logout deletes the session record, so the admin panel refuses the
//! old cookie at the next page, while the API keeps accepting a copy of the JWT until its
//! `exp` (no denylist: the API keeps no state). The API's verdicts are the real verifier's on
//! a token signed with the bundled demo key; the admin panel's, the record count and the
//! logout delays are the revocation lab's model ([`crate::core::labs::revocation::simulate`]).

use serde::Serialize;

use crate::core::engine::error::Result;
use crate::core::engine::keys::{self, Key};
use crate::core::engine::sign::{self, ExportFormat};
use crate::core::engine::token;
use crate::core::engine::verify::{self, Policy};
use crate::core::labs::flows::credential;
use crate::core::labs::flows::sequence::{bearer_line, cookie_line, session_id};
use crate::core::labs::revocation::{self, Event, EventKind, RevocationScenario, StrategyOutcome};

use super::hybrids::{API_TOKEN_TTL, LOGIN_TTL};

/// Seconds after login of each step: the first API call, the first admin page, the logout,
/// the API call after it, the admin page after it.
pub const API_CALL_AT: i64 = 10;
/// The first admin page.
pub const ADMIN_PAGE_AT: i64 = 20;
/// The logout.
pub const LOGOUT_AT: i64 = 60;
/// The API call with a copy of the JWT after the logout.
pub const API_AFTER_AT: i64 = 70;
/// The admin page with the old cookie after the logout.
pub const ADMIN_AFTER_AT: i64 = 75;

/// Who answers a request at a step, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// "API" or "Admin panel".
    pub who: &'static str,
    /// Whether it is accepted.
    pub accepted: bool,
    /// Why: the verifier's verdict, or the session store's.
    pub why: String,
    /// Store lookups the request cost.
    pub lookups: u32,
}

/// One step of the flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdminStep {
    /// What happens, with the second it happens at.
    pub title: String,
    /// Why it matters.
    pub note: String,
    /// What travels.
    pub wire: Vec<String>,
    /// Session records on the server after the step.
    pub server_records: u32,
    /// The answer to the step's request, if it makes one.
    pub answer: Option<Answer>,
}

impl AdminStep {
    /// The lines the window shows for this step and `simulate hybrids` prints.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![self.title.clone(), self.note.clone()];
        out.extend(self.wire.iter().cloned());
        out.push(format!("Session records on the server: {}", self.server_records));
        if let Some(a) = &self.answer {
            let verdict = if a.accepted { "accepts" } else { "refuses" };
            let lookups = crate::core::text::count(a.lookups, "store lookup", "store lookups");
            out.push(format!("{} {verdict} ({lookups}): {}", a.who, a.why));
        }
        out
    }
}

/// The revocation model's outcome of a logout [`LOGOUT_AT`] seconds after login.
fn logout(strategy: revocation::Strategy, token_ttl: i64) -> StrategyOutcome {
    let scenario = RevocationScenario {
        name: String::new(),
        description: String::new(),
        login_at: super::FLOW_AT,
        token_ttl,
        access_ttl: token_ttl,
        leeway: 0,
        event: Event { kind: EventKind::Logout, at: super::FLOW_AT + LOGOUT_AT, stolen_at: None },
        scale: None,
    };
    revocation::simulate(&scenario).outcome(strategy).clone()
}

/// The API's verdict on `jwt` at `at` seconds after login: the real verifier, the public key
/// the API holds, the token's issuer and audience expected.
fn api_answer(jwt: &str, at: i64, published: &[Key], lookups: u32) -> Result<Answer> {
    let claims = credential::typical_claims(super::FLOW_AT);
    let text = |k: &str| claims.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let policy = Policy {
        issuer: text("iss"),
        audience: text("aud").into_iter().collect(),
        algorithms: vec!["RS256".into()],
        ..Policy::default()
    };
    let v = verify::verify(&token::parse(jwt)?, published, &policy, (super::FLOW_AT + at) as f64);
    Ok(Answer { who: "API", accepted: v.valid, why: v.summary(), lookups })
}

/// The admin panel's answer at `at` seconds after login: the model's session store.
fn admin_answer(session: &StrategyOutcome, at: i64) -> Answer {
    let t = (super::FLOW_AT + at) as f64;
    // Before the logout the cookie is the user's; after it, the copy the logout targets.
    let status = if at < LOGOUT_AT { session.user_status(t) } else { session.subject_status(t) };
    // The model names what is presented ("session") when accepted: say what the lookup found.
    let why =
        if status.accepted { format!("the store holds the record of sid={}", session_id(0)) } else { status.reason };
    Answer { who: "Admin panel", accepted: status.accepted, why, lookups: session.lookups_per_request }
}

/// Steps through hybrid (b).
///
/// # Errors
/// When the bundled key fails to sign or its JWKS to load (they do not).
pub fn steps() -> Result<Vec<AdminStep>> {
    let key = credential::demo_key()?;
    let published = keys::load(sign::export(&key, ExportFormat::Jwks, false)?.as_bytes(), "the API's JWKS")?;
    let claims = credential::typical_claims(super::FLOW_AT);
    let jwt = sign::sign(&credential::typical_header(), &claims, "RS256", &key)?;
    let (api_line, cookie) = (bearer_line(&jwt), cookie_line(0));
    let jwt_model = logout(revocation::Strategy::Jwt, API_TOKEN_TTL);
    let session = logout(revocation::Strategy::Session, LOGIN_TTL);
    let exp = jwt_model.accepted_until - super::FLOW_AT;
    // The records the model's server holds at a second after login, the API's (none) included.
    let held = |s: i64| {
        let t = (super::FLOW_AT + s) as f64;
        u32::try_from(session.records_at(t) + jwt_model.records_at(t)).unwrap_or(u32::MAX)
    };
    let at = |s: i64| format!("t = {s} s");
    let api_request = |s: i64| format!("GET https://api.example.com/orders at {}", at(s));
    let admin_request = |s: i64| format!("GET https://admin.example.com/users at {}", at(s));
    Ok(vec![
        AdminStep {
            title: "1. Log in once: a JWT for the API, a session for the admin panel".into(),
            note: format!(
                "The server signs an API token (RS256, {} B, exp at {}) for the API client and writes {} for the \
                 browser's admin panel.",
                jwt.len(),
                at(exp),
                crate::core::text::count(held(0), "session record", "session records")
            ),
            wire: vec![
                "POST /login (user name, password) at t = 0 s".into(),
                format!("access_token={}", super::shortened(&jwt, 40)),
                format!("Set-Cookie: sid={}; HttpOnly; Secure; SameSite=Lax", session_id(0)),
            ],
            server_records: held(0),
            answer: None,
        },
        AdminStep {
            title: format!("2. API call with the JWT ({})", at(API_CALL_AT)),
            note: "The API checks the signature with the public key and reads the claims: no store, nothing on the \
                   server."
                .into(),
            wire: vec![api_request(API_CALL_AT), format!("{} ({} B)", super::shortened(&api_line, 40), api_line.len())],
            server_records: held(API_CALL_AT),
            answer: Some(api_answer(&jwt, API_CALL_AT, &published, jwt_model.lookups_per_request)?),
        },
        AdminStep {
            title: format!("3. Admin page with the session cookie ({})", at(ADMIN_PAGE_AT)),
            note: "The admin panel looks the cookie's id up in the session store and reads the user from the record."
                .into(),
            wire: vec![admin_request(ADMIN_PAGE_AT), format!("{cookie} ({} B)", cookie.len())],
            server_records: held(ADMIN_PAGE_AT),
            answer: Some(admin_answer(&session, ADMIN_PAGE_AT)),
        },
        AdminStep {
            title: format!("4. Log out ({})", at(LOGOUT_AT)),
            note: "The server deletes the session record. The API client forgets its JWT, but the API keeps no list \
                   of tokens: a copy of it stays valid."
                .into(),
            wire: vec![format!("POST /logout with {cookie}"), "Set-Cookie: sid=; Max-Age=0".into()],
            server_records: held(LOGOUT_AT),
            answer: None,
        },
        AdminStep {
            title: format!("5. The next API call with a copy of the JWT ({}): still accepted", at(API_AFTER_AT)),
            note: format!(
                "Nothing tells the API about the logout: it accepts the copy until exp at {}, {} s after the logout.",
                at(exp),
                jwt_model.exposure_seconds
            ),
            wire: vec![
                api_request(API_AFTER_AT),
                format!("{} ({} B)", super::shortened(&api_line, 40), api_line.len()),
            ],
            server_records: held(API_AFTER_AT),
            answer: Some(api_answer(&jwt, API_AFTER_AT, &published, jwt_model.lookups_per_request)?),
        },
        AdminStep {
            title: format!("6. The admin page with the old cookie ({}): refused at once", at(ADMIN_AFTER_AT)),
            note: format!(
                "The record is gone, so the lookup finds nothing: the admin panel stopped accepting the cookie {} s \
                 after the logout.",
                session.exposure_seconds
            ),
            wire: vec![admin_request(ADMIN_AFTER_AT), format!("{cookie} ({} B)", cookie.len())],
            server_records: held(ADMIN_AFTER_AT),
            answer: Some(admin_answer(&session, ADMIN_AFTER_AT)),
        },
        AdminStep {
            title: format!("7. The API call at exp ({}): refused at last", at(exp)),
            note: "The copy expires on its own: a short API token bounds how long a logout takes there; a denylist \
                   would end it at once, at the price of a store lookup per call."
                .into(),
            wire: vec![api_request(exp), format!("{} ({} B)", super::shortened(&api_line, 40), api_line.len())],
            server_records: held(exp),
            answer: Some(api_answer(&jwt, exp, &published, jwt_model.lookups_per_request)?),
        },
    ])
}
