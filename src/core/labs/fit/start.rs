//! The first screen's figures: where the state lives, and login, request and logout for a
//! session and for a JWT, with the real credential lines and their byte sizes.

use serde::Serialize;

use crate::core::engine::error::Result;
use crate::core::labs::flows::credential;
use crate::core::labs::flows::sequence::{bearer_line, cookie_line, session_id};
use crate::core::labs::flows::{COOKIE_LINE_BYTES, SET_COOKIE_ATTRIBUTES};

/// One step of a flow: what the client sends and what the server does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowStep {
    /// Login, request or logout.
    pub step: &'static str,
    /// What travels (a request line, the credential header), shortened to be read.
    pub sends: String,
    /// What the server does with it.
    pub server: String,
}

/// Both flows with their credential lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StartFigures {
    /// `Cookie: sid=<22 chars>`.
    pub cookie_line: String,
    /// Its length in bytes (34).
    pub cookie_bytes: usize,
    /// `Authorization: Bearer <token>`, the whole line.
    pub bearer_line: String,
    /// Its length in bytes.
    pub bearer_bytes: usize,
    /// The JWT's own length.
    pub token_bytes: usize,
    /// How many claims the JWT carries.
    pub claims: usize,
    /// Session: login, request, logout.
    pub session: Vec<FlowStep>,
    /// JWT: login, request, logout.
    pub jwt: Vec<FlowStep>,
}

/// Where the state lives, for sessions: one line.
pub const SESSION_STATE: &str =
    "Session: the state lives on the server, in a session store; the browser holds only a random id in a cookie.";
/// Where the state lives, for JWTs: one line.
pub const JWT_STATE: &str =
    "JWT: the state lives in the signed token the client carries; the server keeps nothing and checks the signature.";

/// The figures, with the typical OIDC access token ([`credential::typical_token`]) issued at
/// [`super::FLOW_AT`].
///
/// # Errors
/// When the bundled key fails to sign (it does not).
pub fn figures() -> Result<StartFigures> {
    let token = credential::typical_token(super::FLOW_AT)?;
    let cookie = cookie_line(0);
    let bearer = bearer_line(&token);
    let claims = credential::typical_claims(super::FLOW_AT).len();
    let sid = session_id(0);
    let session = vec![
        FlowStep {
            step: "Log in",
            sends: "POST /login (user name, password)".into(),
            server: format!(
                "checks the password, writes a session record in its store, answers Set-Cookie: sid={sid}{SET_COOKIE_ATTRIBUTES}"
            ),
        },
        FlowStep {
            step: "Request",
            sends: format!("{cookie} ({} B)", cookie.len()),
            server: "looks sid up in the store (1 lookup) and reads the user from the record".into(),
        },
        FlowStep {
            step: "Log out",
            sends: format!("POST /logout with {cookie}"),
            server: "deletes the record: the id is worthless from the next request on".into(),
        },
    ];
    let jwt = vec![
        FlowStep {
            step: "Log in",
            sends: "POST /login (user name, password)".into(),
            server: format!(
                "checks the password, signs a JWT of {claims} claims ({} B, RS256) and returns it; stores nothing",
                token.len()
            ),
        },
        FlowStep {
            step: "Request",
            sends: format!("{} ({} B)", super::shortened(&bearer, 48), bearer.len()),
            server: "verifies the signature with its key (0 lookups) and reads the user from the claims".into(),
        },
        FlowStep {
            step: "Log out",
            sends: "the client forgets the token".into(),
            server: format!(
                "has nothing to delete: a copy of the token works until exp ({} s), unless a denylist brings state back",
                credential::TYPICAL_LIFETIME
            ),
        },
    ];
    Ok(StartFigures {
        cookie_bytes: COOKIE_LINE_BYTES,
        bearer_bytes: bearer.len(),
        token_bytes: token.len(),
        claims,
        cookie_line: cookie,
        bearer_line: bearer,
        session,
        jwt,
    })
}

impl StartFigures {
    /// The figures as lines, as the window shows them and `simulate payload` prints them first.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        vec![
            format!("Session per request: {} = {} B, plus 1 store lookup", self.cookie_line, self.cookie_bytes),
            format!(
                "JWT per request: Authorization: Bearer <{} B token, {} claims> = {} B, 0 lookups",
                self.token_bytes, self.claims, self.bearer_bytes
            ),
        ]
    }
}
