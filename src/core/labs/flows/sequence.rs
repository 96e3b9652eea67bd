//! The messages of one played event, as a sequence diagram draws them: who sends what to whom,
//! with the real header lines. Derived from the model's [`Step`] and [`Config`] only, so the
//! diagram's lookups and verifications are exactly the ones the totals count.
//!
//! Built per event shown, never on the simulation's hot path.

use crate::core::engine::token::encode_b64url;
use crate::core::labs::flows::{
    BEARER_PREFIX, COOKIE_PREFIX, Client, Config, CrossSiteStep, HYBRID_INTERNAL_TOKEN_LIFETIME, Mode, RequestOutcome,
    RequestStep, Revocation, SET_COOKIE_ATTRIBUTES, Step, Store,
};

/// A lifeline of the diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The browser or app.
    Client,
    /// The load balancer.
    Balancer,
    /// App server `n`.
    Server(u32),
    /// The session store, or the JWT revocation store.
    Store,
    /// The auth server that signs tokens.
    Auth,
    /// Downstream service `i`.
    Service(u32),
    /// Another site's API (a different registrable domain).
    OtherSite,
}

/// What a message is, for colour: lookups and verifications are highlighted, failures red.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Emphasis {
    /// An ordinary hop.
    Plain,
    /// A store lookup (counted in `store_lookups`).
    Lookup,
    /// A signature verification (counted in `signature_verifications`).
    Verify,
    /// A token signed.
    Sign,
    /// A copy between servers.
    Replication,
    /// Something failed that should have worked.
    Failure,
    /// Refused as it should be (after a logout).
    Refused,
    /// Got through although it should not have (a logged-out user's token).
    Warning,
}

/// What a message says. [`Label::text`] renders it with the real header lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// `POST /login`.
    LoginRequest,
    /// The balancer passes the request on.
    Forward,
    /// A session record is written.
    StoreWrite,
    /// A session change is copied to every other live server.
    Replicate(u32),
    /// `Set-Cookie: sid=…; HttpOnly; Secure; SameSite=Lax`.
    SetCookie,
    /// A native app keeps the cookie value itself.
    KeepsCookieByHand,
    /// The server asks the auth server for a token.
    SignRequest,
    /// The auth server signs the claims.
    Sign,
    /// `200 {"access_token": …}`.
    TokenIssued,
    /// An API request with the session cookie.
    RequestCookie,
    /// An API request with the bearer token.
    RequestBearer,
    /// `GET sess:<sid>`.
    SessionLookup,
    /// The record exists.
    SessionFound,
    /// No record here.
    SessionNotFound,
    /// The record was deleted at logout.
    SessionDeleted,
    /// The store does not answer (it is down).
    StoreNoAnswer,
    /// A signature check with the cached key (public key, or HMAC secret for HS tokens).
    Verify,
    /// `EXISTS deny:<jti>` or `GET ver:<sub>`.
    RevocationLookup,
    /// Not revoked.
    NotRevoked,
    /// Revoked.
    Revoked,
    /// A call to a service carrying the cookie.
    ServiceCookie,
    /// A call to a service carrying the token.
    ServiceBearer,
    /// The hybrid edge signs a short-lived internal token.
    MintInternal,
    /// `200 OK`.
    Ok200,
    /// `200 OK` although the user logged out.
    Ok200AfterLogout,
    /// `401 Unauthorized`.
    Unauthorized401,
    /// `503 Service Unavailable`: the store is down, the request fails closed.
    Unavailable503,
    /// `POST /logout` with the cookie.
    LogoutCookie,
    /// `POST /logout` with the token.
    LogoutBearer,
    /// `DEL sess:<sid>`.
    StoreDelete,
    /// `SADD deny <jti>`.
    DenylistAdd,
    /// `INCR ver:<sub>`.
    VersionBump,
    /// The client drops the token; no server hears of it.
    ClientForgets,
    /// `Set-Cookie: sid=; Max-Age=0`.
    ExpireCookie,
    /// A cross-site request the browser sends without the cookie.
    CrossSiteNoCookie,
    /// A cross-site request with the cookie (native app).
    CrossSiteCookie,
    /// A CORS preflight.
    Preflight,
    /// The preflight's answer.
    PreflightOk,
    /// A cross-site request with the token.
    CrossSiteBearer,
    /// A server died with this many sessions.
    ServerDown(u64),
    /// A server joined and received this many sessions.
    ServerUp(u64),
}

/// One arrow of the diagram (`from == to`: a step inside one actor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// Sender.
    pub from: Actor,
    /// Receiver.
    pub to: Actor,
    /// What it says.
    pub label: Label,
    /// How it is highlighted.
    pub emphasis: Emphasis,
}

fn msg(from: Actor, to: Actor, label: Label, emphasis: Emphasis) -> Message {
    Message { from, to, label, emphasis }
}

/// The most messages any event of `cfg` can have: a view sizes its diagram by it, so the
/// diagram does not jump from event to event.
#[must_use]
pub fn max_messages(cfg: &Config) -> usize {
    let m = cfg.services as usize;
    let checked = usize::from(cfg.revocation != Revocation::None && cfg.mode == Mode::Jwt);
    let request = match cfg.mode {
        // request, forward, lookup, answer, 3 per service, response
        Mode::Session => 5 + 3 * m,
        // request, forward, verify, [lookup, answer], per service: call, verify, [lookup, answer], response
        Mode::Jwt => 4 + 2 * checked + m * (2 + 2 * checked),
        // request, forward, lookup, answer, mint, 2 per service, response
        Mode::Hybrid => 6 + 2 * m,
    };
    // Login: at most 6 (session with replication and a native app); logout 5; cross-site 7.
    request.max(7)
}

/// The messages of one played event, in order.
#[must_use]
pub fn messages(cfg: &Config, step: &Step) -> Vec<Message> {
    use Actor::{Auth, Balancer, Client as C, Server};
    use Emphasis::{Failure, Plain, Replication};
    let mut out = Vec::with_capacity(8 + 4 * cfg.services as usize);
    match *step {
        Step::Login { server, replication_messages, .. } => {
            let s = Server(server);
            out.push(msg(C, Balancer, Label::LoginRequest, Plain));
            out.push(msg(Balancer, s, Label::Forward, Plain));
            if cfg.has_sessions() {
                out.push(msg(s, Actor::Store, Label::StoreWrite, Plain));
                if replication_messages > 0 {
                    out.push(msg(s, s, Label::Replicate(replication_messages), Replication));
                }
                out.push(msg(s, C, Label::SetCookie, Plain));
                if cfg.client == Client::Mobile {
                    out.push(msg(C, C, Label::KeepsCookieByHand, Plain));
                }
            } else {
                out.push(msg(s, Auth, Label::SignRequest, Plain));
                out.push(msg(Auth, Auth, Label::Sign, Emphasis::Sign));
                out.push(msg(Auth, s, Label::TokenIssued, Plain));
                out.push(msg(s, C, Label::TokenIssued, Plain));
            }
        }
        Step::Request(r) => request(cfg, &r, &mut out),
        Step::CrossSite(c) => cross_site(cfg, &c, &mut out),
        Step::Logout { server, replication_messages, failed, .. } => {
            let s = Server(server);
            match (cfg.mode, cfg.revocation) {
                _ if failed => {
                    let (ask, write) = match (cfg.mode, cfg.revocation) {
                        (Mode::Jwt, Revocation::Denylist) => (Label::LogoutBearer, Label::DenylistAdd),
                        (Mode::Jwt, _) => (Label::LogoutBearer, Label::VersionBump),
                        _ => (Label::LogoutCookie, Label::StoreDelete),
                    };
                    out.push(msg(C, Balancer, ask, Plain));
                    out.push(msg(Balancer, s, Label::Forward, Plain));
                    out.push(msg(s, Actor::Store, write, Plain));
                    out.push(msg(Actor::Store, s, Label::StoreNoAnswer, Emphasis::Failure));
                    out.push(msg(s, C, Label::Unavailable503, Emphasis::Failure));
                }
                (Mode::Jwt, Revocation::None) => out.push(msg(C, C, Label::ClientForgets, Emphasis::Warning)),
                (Mode::Jwt, revocation) => {
                    out.push(msg(C, Balancer, Label::LogoutBearer, Plain));
                    out.push(msg(Balancer, s, Label::Forward, Plain));
                    let write =
                        if revocation == Revocation::Denylist { Label::DenylistAdd } else { Label::VersionBump };
                    out.push(msg(s, Actor::Store, write, Plain));
                    out.push(msg(s, C, Label::Ok200, Plain));
                }
                _ => {
                    out.push(msg(C, Balancer, Label::LogoutCookie, Plain));
                    out.push(msg(Balancer, s, Label::Forward, Plain));
                    out.push(msg(s, Actor::Store, Label::StoreDelete, Plain));
                    if replication_messages > 0 {
                        out.push(msg(s, s, Label::Replicate(replication_messages), Replication));
                    }
                    out.push(msg(s, C, Label::ExpireCookie, Plain));
                }
            }
        }
        Step::ServerDied { server, sessions_lost } => {
            // Red only when something died with it.
            let e = if sessions_lost > 0 { Failure } else { Plain };
            out.push(msg(Server(server), Server(server), Label::ServerDown(sessions_lost), e));
        }
        Step::ServerAdded { server, sessions_copied } => {
            let e = if sessions_copied > 0 { Replication } else { Plain };
            out.push(msg(Server(server), Server(server), Label::ServerUp(sessions_copied), e));
        }
    }
    out
}

/// The answer to a session lookup: found, refused after a logout, or a failure.
fn session_answer(outcome: RequestOutcome) -> (Label, Emphasis) {
    match outcome {
        RequestOutcome::Ok | RequestOutcome::AcceptedAfterLogout => (Label::SessionFound, Emphasis::Plain),
        RequestOutcome::RejectedAfterLogout => (Label::SessionDeleted, Emphasis::Refused),
        RequestOutcome::SessionMissing | RequestOutcome::CookieNotSent => (Label::SessionNotFound, Emphasis::Failure),
        RequestOutcome::StoreUnreachable => (Label::StoreNoAnswer, Emphasis::Failure),
    }
}

fn response(outcome: RequestOutcome) -> (Label, Emphasis) {
    match outcome {
        RequestOutcome::Ok => (Label::Ok200, Emphasis::Plain),
        RequestOutcome::AcceptedAfterLogout => (Label::Ok200AfterLogout, Emphasis::Warning),
        RequestOutcome::RejectedAfterLogout => (Label::Unauthorized401, Emphasis::Refused),
        RequestOutcome::SessionMissing | RequestOutcome::CookieNotSent => (Label::Unauthorized401, Emphasis::Failure),
        RequestOutcome::StoreUnreachable => (Label::Unavailable503, Emphasis::Failure),
    }
}

fn revocation_check(by: Actor, outcome: RequestOutcome, out: &mut Vec<Message>) {
    out.push(msg(by, Actor::Store, Label::RevocationLookup, Emphasis::Lookup));
    let answer = match outcome {
        RequestOutcome::RejectedAfterLogout => (Label::Revoked, Emphasis::Refused),
        RequestOutcome::StoreUnreachable => (Label::StoreNoAnswer, Emphasis::Failure),
        _ => (Label::NotRevoked, Emphasis::Plain),
    };
    out.push(msg(Actor::Store, by, answer.0, answer.1));
}

/// A request with the cookie reaches server `s`, which looks the session up; returns the answer.
fn edge_lookup(s: Actor, outcome: RequestOutcome, out: &mut Vec<Message>) -> (Label, Emphasis) {
    out.push(msg(Actor::Client, Actor::Balancer, Label::RequestCookie, Emphasis::Plain));
    out.push(msg(Actor::Balancer, s, Label::Forward, Emphasis::Plain));
    let answer = session_answer(outcome);
    out.push(msg(s, Actor::Store, Label::SessionLookup, Emphasis::Lookup));
    out.push(msg(Actor::Store, s, answer.0, answer.1));
    answer
}

fn request(cfg: &Config, r: &RequestStep, out: &mut Vec<Message>) {
    use Actor::{Balancer, Client as C, Server, Service};
    use Emphasis::{Lookup, Plain, Verify};
    let s = Server(r.server);
    let services = (0..cfg.services).map(Service);
    let down = r.outcome == RequestOutcome::StoreUnreachable;
    match cfg.mode {
        Mode::Session | Mode::Hybrid if down => {
            // The edge's lookup gets no answer: no service is called.
            edge_lookup(s, r.outcome, out);
        }
        Mode::Jwt if down => {
            out.push(msg(C, Balancer, Label::RequestBearer, Plain));
            out.push(msg(Balancer, s, Label::Forward, Plain));
            out.push(msg(s, s, Label::Verify, Verify));
            revocation_check(s, r.outcome, out);
        }
        Mode::Session => {
            let answer = edge_lookup(s, r.outcome, out);
            // Each service receives the cookie and looks the session up itself.
            for svc in services {
                out.push(msg(s, svc, Label::ServiceCookie, Plain));
                out.push(msg(svc, Actor::Store, Label::SessionLookup, Lookup));
                out.push(msg(Actor::Store, svc, answer.0, answer.1));
            }
        }
        Mode::Jwt => {
            out.push(msg(C, Balancer, Label::RequestBearer, Plain));
            out.push(msg(Balancer, s, Label::Forward, Plain));
            let checked = cfg.revocation != Revocation::None;
            out.push(msg(s, s, Label::Verify, Verify));
            if checked {
                revocation_check(s, r.outcome, out);
            }
            // Each service verifies (and checks revocation) itself, in parallel with the edge.
            for svc in services {
                out.push(msg(s, svc, Label::ServiceBearer, Plain));
                out.push(msg(svc, svc, Label::Verify, Verify));
                if checked {
                    revocation_check(svc, r.outcome, out);
                }
            }
        }
        Mode::Hybrid => {
            edge_lookup(s, r.outcome, out);
            if r.outcome.served() {
                if r.minted {
                    out.push(msg(s, s, Label::MintInternal, Emphasis::Sign));
                }
                for svc in services {
                    out.push(msg(s, svc, Label::ServiceBearer, Plain));
                    out.push(msg(svc, svc, Label::Verify, Verify));
                }
            }
        }
    }
    let (label, e) = response(r.outcome);
    out.push(msg(s, C, label, e));
}

fn cross_site(cfg: &Config, c: &CrossSiteStep, out: &mut Vec<Message>) {
    use Actor::{Client as C, OtherSite as O};
    use Emphasis::{Failure, Lookup, Plain, Verify};
    if !c.credential_sent {
        out.push(msg(C, O, Label::CrossSiteNoCookie, Failure));
        out.push(msg(O, C, Label::Unauthorized401, Failure));
        return;
    }
    if cfg.mode == Mode::Jwt {
        if c.preflight {
            out.push(msg(C, O, Label::Preflight, Plain));
            out.push(msg(O, C, Label::PreflightOk, Plain));
        }
        out.push(msg(C, O, Label::CrossSiteBearer, Plain));
        out.push(msg(O, O, Label::Verify, Verify));
        if c.lookups > 0 {
            revocation_check(O, c.outcome, out);
        }
    } else {
        out.push(msg(C, O, Label::CrossSiteCookie, Plain));
        out.push(msg(O, Actor::Store, Label::SessionLookup, Lookup));
        let answer = session_answer(c.outcome);
        out.push(msg(Actor::Store, O, answer.0, answer.1));
    }
    let (label, e) = response(c.outcome);
    out.push(msg(O, C, label, e));
}

/// The session id of `user`: 128 bits from a fixed-seed generator (the model is deterministic;
/// a real server draws them from the OS), as 22 base64url characters.
#[must_use]
pub fn session_id(user: u32) -> String {
    let a = splitmix64(0x5EED_F10E ^ u64::from(user));
    let b = splitmix64(a);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_be_bytes());
    bytes[8..].copy_from_slice(&b.to_be_bytes());
    encode_b64url(&bytes)
}

/// One step of the splitmix64 generator (Steele, Lea, Flood 2014).
#[must_use]
pub(crate) fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `Cookie: sid=<22 chars>`.
#[must_use]
pub fn cookie_line(user: u32) -> String {
    format!("{COOKIE_PREFIX}{}", session_id(user))
}

/// `Authorization: Bearer <token>`.
#[must_use]
pub fn bearer_line(token: &str) -> String {
    format!("{BEARER_PREFIX}{token}")
}

/// What a label needs to be written out: the user and server of the event, and the token.
#[derive(Debug, Clone, Copy)]
pub struct LabelContext<'a> {
    /// The mode (for the store's key names).
    pub cfg: &'a Config,
    /// The event's user.
    pub user: u32,
    /// The JWT every JWT-mode request carries.
    pub token: &'a str,
    /// The token's `jti` (or a stand-in) for the denylist key.
    pub jti: &'a str,
    /// The token's signature algorithm.
    pub alg: &'a str,
}

impl Label {
    /// The message as a line of protocol text: request lines and the real credential header.
    #[must_use]
    pub fn text(self, cx: &LabelContext<'_>) -> String {
        let sid = || session_id(cx.user);
        let where_store = match (cx.cfg.mode, cx.cfg.store) {
            (Mode::Jwt, _) => "",
            (_, Store::Shared) => " (over the network)",
            (_, Store::Local) => " (this server's memory)",
            (_, Store::Replicated) => " (this server's copy)",
        };
        match self {
            Self::LoginRequest => "POST /login  (credentials)".into(),
            Self::Forward => "forward the request unchanged".into(),
            Self::StoreWrite => format!("SET sess:{} user={}{where_store}", sid(), cx.user),
            Self::Replicate(n) => format!("replicate sess:{} to {n} other server{}", sid(), plural(u64::from(n))),
            Self::SetCookie => format!("Set-Cookie: sid={}{SET_COOKIE_ATTRIBUTES}", sid()),
            Self::KeepsCookieByHand => "the app stores sid itself (no cookie jar outside a browser)".into(),
            Self::SignRequest => format!("issue a token for user {}", cx.user),
            Self::Sign => format!("sign the claims ({})", cx.alg),
            Self::TokenIssued => format!("200 {{\"access_token\": \"{}\"}}", cx.token),
            Self::RequestCookie => format!("GET /api/orders  {}", cookie_line(cx.user)),
            Self::RequestBearer => format!("GET /api/orders  {}", bearer_line(cx.token)),
            Self::SessionLookup => format!("GET sess:{}{where_store}", sid()),
            Self::SessionFound => format!("user={} (session found)", cx.user),
            Self::SessionNotFound => "(nil): no such session here".into(),
            Self::SessionDeleted => "(nil): the session was deleted at logout".into(),
            Self::StoreNoAnswer => "(no answer: the store is down; fail closed)".into(),
            Self::Verify => {
                let key = crate::core::engine::keys::verification_key_words(cx.alg).trim_start_matches("the ");
                format!("verify the {} signature with the cached {key}", cx.alg)
            }
            Self::RevocationLookup => match cx.cfg.revocation {
                Revocation::Version => format!("GET ver:user-{} (compare with the token's version)", cx.user),
                _ => format!("EXISTS deny:{}", cx.jti),
            },
            Self::NotRevoked => "not revoked".into(),
            Self::Revoked => "revoked: reject".into(),
            Self::ServiceCookie => format!("GET /internal/stock  {}", cookie_line(cx.user)),
            Self::ServiceBearer if cx.cfg.mode == Mode::Hybrid => format!(
                "GET /internal/stock  {} (internal, {HYBRID_INTERNAL_TOKEN_LIFETIME:.0} s)",
                bearer_line(cx.token)
            ),
            Self::ServiceBearer => format!("GET /internal/stock  {}", bearer_line(cx.token)),
            Self::MintInternal => {
                format!("sign a {HYBRID_INTERNAL_TOKEN_LIFETIME:.0}-second internal token ({})", cx.alg)
            }
            Self::Ok200 => "200 OK".into(),
            Self::Ok200AfterLogout => "200 OK (the user logged out, but the token is still valid)".into(),
            Self::Unauthorized401 => "401 Unauthorized".into(),
            Self::Unavailable503 => "503 Service Unavailable (the store is down)".into(),
            Self::LogoutCookie => format!("POST /logout  {}", cookie_line(cx.user)),
            Self::LogoutBearer => format!("POST /logout  {}", bearer_line(cx.token)),
            Self::StoreDelete => format!("DEL sess:{}{where_store}", sid()),
            Self::DenylistAdd => format!("SADD deny {} (until it expires)", cx.jti),
            Self::VersionBump => format!("INCR ver:user-{}", cx.user),
            Self::ClientForgets => "drops the token; no server is told, it stays valid until exp".into(),
            Self::ExpireCookie => "Set-Cookie: sid=; Max-Age=0".into(),
            Self::CrossSiteNoCookie => {
                "GET https://api.partner.example/v1/me  (no Cookie: the cookie belongs to another site)".into()
            }
            Self::CrossSiteCookie => format!("GET https://api.partner.example/v1/me  {}", cookie_line(cx.user)),
            Self::Preflight => {
                "OPTIONS https://api.partner.example/v1/me  Access-Control-Request-Headers: authorization".into()
            }
            Self::PreflightOk => "204  Access-Control-Allow-Headers: Authorization".into(),
            Self::CrossSiteBearer => format!("GET https://api.partner.example/v1/me  {}", bearer_line(cx.token)),
            Self::ServerDown(0) => "dies; no session state on it: nothing lost".into(),
            Self::ServerDown(n) => format!("dies; {n} session{} lost with it", plural(n)),
            Self::ServerUp(0) => "server joins".into(),
            Self::ServerUp(n) => format!("server joins; {n} session{} copied to it", plural(n)),
        }
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}
