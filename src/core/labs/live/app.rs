//! One app server's routes: `POST /login`, `GET /me`, `POST /logout`, `POST /refresh`,
//! `GET /.well-known/jwks.json` (and the public key as PEM, what the confusion attack keys HMAC
//! with), each answering per the run's mode and revocation strategy from the shared store.
//!
//! Store keys, each with the lifetime of the credential it backs: `sess:SID` (the session),
//! `deny:JTI` (until the token's `exp`), `ver:USER` (kept as long as the last token carrying it),
//! `rt:TOKEN` and `rt-used:TOKEN` (the refresh token, and its one use), `rt-family:ID` (a
//! family revoked after a reuse).

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, COOKIE, HeaderMap, HeaderName, HeaderValue, SET_COOKIE, WWW_AUTHENTICATE};
use hyper::{Method, Request, StatusCode};
use serde_json::{Value, json};

use super::config::{AUDIENCE, Config, DEMO_USERS, ISSUER, Mode, Revocation, VULNERABLE_HEADER};
use super::http::{Resp, error, json as json_resp, read_body};
use super::store::{Store, StoreError};
use super::verifier::{Admission, TokenClaims, Verifier};
use crate::core::engine::clock::system_now;
use crate::core::engine::sign;
use crate::core::engine::token::{JsonObject, encode_b64url};

/// What every app server of a run shares.
pub struct Shared {
    /// The run's settings.
    pub config: Config,
    /// The token verifier (strict, or with doors open on purpose).
    pub verifier: Verifier,
    /// The public key as a JWKS document.
    pub jwks: String,
    /// The public key as SPKI PEM.
    pub public_pem: String,
    /// The vulnerable-on-purpose header value, when attacks are accepted.
    pub vulnerable: Option<HeaderValue>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("verifier", &self.verifier).finish_non_exhaustive()
    }
}

/// The value of the vulnerable-on-purpose header for these attacks.
#[must_use]
pub fn vulnerable_header_value(attacks: &[crate::core::engine::forge::Attack]) -> String {
    let names: Vec<&str> = attacks.iter().map(|a| a.name()).collect();
    format!("vulnerable on purpose; accepts forged tokens: {}", names.join(","))
}

/// One app server: its index, its store and what the run shares.
#[derive(Debug)]
pub struct App {
    /// Its index among the run's servers.
    pub index: usize,
    /// Its store (shared with the others, or its own).
    pub store: Store,
    /// The run's shared parts.
    pub shared: Arc<Shared>,
}

/// The credential a request carried, once accepted.
struct Caller {
    sub: String,
    session: Option<String>,
    token: Option<TokenClaims>,
    admission: Option<Admission>,
}

fn random_id() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness from the OS: {e}"))?;
    Ok(encode_b64url(&bytes))
}

fn store_failed(e: &StoreError) -> Resp {
    error(StatusCode::SERVICE_UNAVAILABLE, &e.to_string())
}

fn unauthorized(message: &str) -> Resp {
    let mut r = error(StatusCode::UNAUTHORIZED, message);
    r.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"tokenbench-live\""));
    r
}

/// Whole seconds from `now` until `exp`, at least one (a store lifetime).
fn seconds_until(exp: f64, now: f64) -> u64 {
    // Clamped to 1 s..=1 year: the cast cannot truncate or lose a sign.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let left = (exp - now).ceil().clamp(1.0, 31_536_000.0) as u64;
    left
}

/// The system clock in whole Unix seconds (the `iat` of a new token).
fn unix_seconds() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The `sid` cookie's value in the request's Cookie headers.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| line.split(';').find_map(|pair| pair.trim().strip_prefix("sid=").map(str::to_owned)))
}

/// The bearer token in the Authorization header.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

impl App {
    /// Answers one request.
    pub async fn handle(self: Arc<Self>, req: Request<Incoming>, _peer: SocketAddr) -> Resp {
        let mut resp = self.route(req).await;
        resp.headers_mut().insert(HeaderName::from_static("x-tokenbench-server"), HeaderValue::from(self.index));
        if let Some(v) = &self.shared.vulnerable {
            resp.headers_mut().insert(HeaderName::from_static(VULNERABLE_HEADER), v.clone());
        }
        resp
    }

    async fn route(&self, req: Request<Incoming>) -> Resp {
        let path = req.uri().path().to_owned();
        match (req.method(), path.as_str()) {
            (&Method::POST, "/login") => self.login(req).await,
            (&Method::GET, "/me") => self.me(req).await,
            (&Method::POST, "/logout") => self.logout(req).await,
            (&Method::POST, "/refresh") => self.refresh(req).await,
            (&Method::GET, "/.well-known/jwks.json") => {
                let mut r = json_resp(StatusCode::OK, &Value::Null);
                *r.body_mut() = self.shared.jwks.clone().into();
                r
            }
            (&Method::GET, "/.well-known/public-key.pem") => {
                let mut r = hyper::Response::new(self.shared.public_pem.clone().into());
                r.headers_mut().insert(hyper::header::CONTENT_TYPE, HeaderValue::from_static("application/x-pem-file"));
                r
            }
            (&Method::GET, "/health") => json_resp(StatusCode::OK, &json!({"server": self.index})),
            (_, "/login" | "/me" | "/logout" | "/refresh" | "/.well-known/jwks.json") => {
                error(StatusCode::METHOD_NOT_ALLOWED, &format!("{} is not allowed on {path}", req.method()))
            }
            _ => error(StatusCode::NOT_FOUND, &format!("no route {path}")),
        }
    }

    async fn json_body(&self, req: Request<Incoming>) -> Result<JsonObject, Resp> {
        // JSON only, declared as such: a cross-site form can send text/plain or a form
        // encoding without asking, never application/json (the browser preflights it first).
        let json =
            req.headers().get(hyper::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
            });
        if !json {
            return Err(error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the body must be JSON sent with Content-Type: application/json",
            ));
        }
        let body = read_body(req.into_body(), self.shared.config.bounds.max_body_bytes).await?;
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(o)) => Ok(o),
            Ok(_) => Err(error(StatusCode::BAD_REQUEST, "the body is JSON but not an object")),
            Err(e) => Err(error(StatusCode::BAD_REQUEST, &format!("the body is not JSON: {e}"))),
        }
    }

    async fn login(&self, req: Request<Incoming>) -> Resp {
        let body = match self.json_body(req).await {
            Ok(b) => b,
            Err(r) => return r,
        };
        let field = |name: &str| body.get(name).and_then(Value::as_str);
        let (Some(user), Some(password)) = (field("user"), field("password")) else {
            return error(StatusCode::BAD_REQUEST, "the body needs string fields \"user\" and \"password\"");
        };
        if !DEMO_USERS.contains(&user) || password != user {
            return unauthorized("unknown user or wrong password");
        }
        let config = &self.shared.config;
        let mut answer = json!({"sub": user, "server": self.index});
        let mut cookie = None;
        if config.mode.sessions() {
            let sid = match random_id() {
                Ok(s) => s,
                Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, &e),
            };
            if let Err(e) = self.store.put(&format!("sess:{sid}"), user, config.session_ttl).await {
                return store_failed(&e);
            }
            answer["session_expires_in"] = json!(config.session_ttl);
            cookie = Some(format!("sid={sid}; HttpOnly; Secure; SameSite=Lax; Path=/"));
        }
        if config.mode.tokens() {
            let family = match random_id() {
                Ok(f) => f,
                Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, &e),
            };
            match self.issue_tokens(user, &family).await {
                Ok(tokens) => {
                    for (k, v) in tokens {
                        answer[k] = v;
                    }
                }
                Err(r) => return r,
            }
        }
        let mut r = json_resp(StatusCode::OK, &answer);
        if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
            r.headers_mut().insert(SET_COOKIE, c);
        }
        r
    }

    /// A fresh access token and a refresh token in `family`.
    async fn issue_tokens(&self, user: &str, family: &str) -> Result<Vec<(&'static str, Value)>, Resp> {
        let config = &self.shared.config;
        let now = unix_seconds();
        let exp = now + config.access_ttl;
        let jti = random_id().map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, &e))?;
        let mut claims = JsonObject::new();
        for (k, v) in [
            ("iss", json!(ISSUER)),
            ("sub", json!(user)),
            ("aud", json!(AUDIENCE)),
            ("iat", json!(now)),
            ("exp", json!(exp)),
            ("jti", json!(jti)),
        ] {
            claims.insert(k.into(), v);
        }
        if config.mode.tokens() && config.revocation == Revocation::Version {
            let key = format!("ver:{user}");
            let ver = match self.store.get(&key).await {
                Ok(v) => v.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0),
                Err(e) => return Err(store_failed(&e)),
            };
            // The counter must outlive every token that carries it.
            self.store.keep_for(&key, config.access_ttl).await.map_err(|e| store_failed(&e))?;
            claims.insert("ver".into(), json!(ver));
        }
        let verifier = &self.shared.verifier;
        let key = verifier.key();
        let mut header = JsonObject::new();
        header.insert("typ".into(), json!("JWT"));
        header.insert("kid".into(), json!(sign::kid_for(key)));
        let access = sign::sign(&header, &claims, verifier.alg(), key)
            .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, &format!("signing failed: {e}")))?;
        verifier.issued(&access);
        let refresh = random_id().map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, &e))?;
        self.store
            .put(&format!("rt:{refresh}"), &format!("{user} {family}"), config.session_ttl)
            .await
            .map_err(|e| store_failed(&e))?;
        Ok(vec![
            ("access_token", json!(access)),
            ("refresh_token", json!(refresh)),
            ("token_type", json!("Bearer")),
            ("expires_in", json!(config.access_ttl)),
        ])
    }

    /// The caller behind the request's credential, or the 401 (503 when the store fails).
    async fn caller(&self, headers: &HeaderMap) -> Result<Caller, Resp> {
        let mode = self.shared.config.mode;
        let sid = if mode.sessions() { session_cookie(headers) } else { None };
        let token = if mode.tokens() { bearer(headers) } else { None };
        if let Some(sid) = sid {
            return match self.store.get(&format!("sess:{sid}")).await {
                Ok(Some(sub)) => Ok(Caller { sub, session: Some(sid), token: None, admission: None }),
                Ok(None) => Err(unauthorized("no such session (expired, logged out, or held by another server)")),
                Err(e) => Err(store_failed(&e)),
            };
        }
        let Some(text) = token else {
            let wanted = match mode {
                Mode::Session => "a sid cookie",
                Mode::Jwt => "an Authorization: Bearer token",
                Mode::Hybrid => "a sid cookie or an Authorization: Bearer token",
            };
            return Err(unauthorized(&format!("no credential: send {wanted}")));
        };
        let now = system_now();
        let verifier_result = if self.shared.verifier.may_fetch() {
            let shared = self.shared.clone();
            tokio::task::spawn_blocking(move || shared.verifier.check(&text, now))
                .await
                .unwrap_or_else(|e| Err(format!("verification stopped: {e}")))
        } else {
            self.shared.verifier.check(&text, now)
        };
        let (claims, admission) = verifier_result.map_err(|why| unauthorized(&format!("token refused: {why}")))?;
        self.still_valid(&claims).await?;
        Ok(Caller { sub: claims.sub.clone(), session: None, token: Some(claims), admission: Some(admission) })
    }

    /// The revocation strategy's lookup for a token whose signature and claims passed.
    async fn still_valid(&self, claims: &TokenClaims) -> Result<(), Resp> {
        match self.shared.config.revocation {
            Revocation::None => Ok(()),
            Revocation::Denylist => {
                let Some(jti) = &claims.jti else { return Err(unauthorized("token refused: no jti to check")) };
                match self.store.get(&format!("deny:{jti}")).await {
                    Ok(None) => Ok(()),
                    Ok(Some(_)) => Err(unauthorized("token revoked: its jti is on the denylist")),
                    Err(e) => Err(store_failed(&e)),
                }
            }
            Revocation::Version => {
                let current = match self.store.get(&format!("ver:{}", claims.sub)).await {
                    Ok(v) => v.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0),
                    Err(e) => return Err(store_failed(&e)),
                };
                if claims.ver == Some(current) {
                    Ok(())
                } else {
                    Err(unauthorized(&format!(
                        "token revoked: it carries version {}, the user's is {current}",
                        claims.ver.map_or_else(|| "none".to_owned(), |v| v.to_string())
                    )))
                }
            }
        }
    }

    async fn me(&self, req: Request<Incoming>) -> Resp {
        let (parts, _) = req.into_parts();
        match self.caller(&parts.headers).await {
            Ok(c) => {
                let mut body = json!({"sub": c.sub, "server": self.index});
                body["via"] = json!(if c.session.is_some() { "session" } else { "token" });
                if let Some(Admission::Forgery(a)) = c.admission {
                    body["forgery_accepted"] = json!(a.name());
                }
                json_resp(StatusCode::OK, &body)
            }
            Err(r) => r,
        }
    }

    async fn logout(&self, req: Request<Incoming>) -> Resp {
        let (parts, _) = req.into_parts();
        let caller = match self.caller(&parts.headers).await {
            Ok(c) => c,
            Err(r) => return r,
        };
        let config = &self.shared.config;
        let mut done = String::new();
        if let Some(sid) = &caller.session {
            if let Err(e) = self.store.delete(&format!("sess:{sid}")).await {
                return store_failed(&e);
            }
            done.push_str("session deleted");
        }
        if let Some(claims) = &caller.token {
            let outcome = match config.revocation {
                Revocation::None => Ok("the access token stays valid until its exp (revocation none)".to_owned()),
                Revocation::Denylist => match &claims.jti {
                    Some(jti) => self
                        .store
                        .put(&format!("deny:{jti}"), "1", seconds_until(claims.exp, system_now()))
                        .await
                        .map(|()| "the access token's jti is on the denylist until its exp".to_owned()),
                    None => Ok("the token has no jti to deny".to_owned()),
                },
                Revocation::Version => self
                    .store
                    .increment(&format!("ver:{}", caller.sub), config.access_ttl)
                    .await
                    .map(|v| format!("the user's version is now {v}: every older token is refused")),
            };
            match outcome {
                Ok(s) => {
                    if !done.is_empty() {
                        done.push_str("; ");
                    }
                    done.push_str(&s);
                }
                Err(e) => return store_failed(&e),
            }
        }
        let mut r = json_resp(StatusCode::OK, &json!({"logged_out": caller.sub, "revocation": done}));
        if caller.session.is_some() {
            r.headers_mut().insert(
                SET_COOKIE,
                HeaderValue::from_static("sid=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0"),
            );
        }
        r
    }

    async fn refresh(&self, req: Request<Incoming>) -> Resp {
        if !self.shared.config.mode.tokens() {
            return error(StatusCode::NOT_FOUND, "session mode issues no refresh tokens (use --mode jwt or hybrid)");
        }
        let body = match self.json_body(req).await {
            Ok(b) => b,
            Err(r) => return r,
        };
        let Some(presented) = body.get("refresh_token").and_then(Value::as_str) else {
            return error(StatusCode::BAD_REQUEST, "the body needs a string field \"refresh_token\"");
        };
        let record = match self.store.get(&format!("rt:{presented}")).await {
            Ok(Some(r)) => r,
            Ok(None) => return unauthorized("unknown or expired refresh token"),
            Err(e) => return store_failed(&e),
        };
        let Some((user, family)) = record.split_once(' ') else {
            return error(StatusCode::INTERNAL_SERVER_ERROR, "a refresh token record in the store is malformed");
        };
        let ttl = self.shared.config.session_ttl;
        match self.store.get(&format!("rt-family:{family}")).await {
            Ok(Some(_)) => return unauthorized("refresh token family revoked after a reuse"),
            Ok(None) => {}
            Err(e) => return store_failed(&e),
        }
        let left = match self.store.ttl(&format!("rt:{presented}")).await {
            Ok(t) => t.unwrap_or(1),
            Err(e) => return store_failed(&e),
        };
        match self.store.put_new(&format!("rt-used:{presented}"), "1", left).await {
            Ok(true) => {}
            Ok(false) => {
                // A second use: the token was stolen or replayed; no one can tell the thief from
                // the user, so every token of the family dies (RFC 9700 §4.14.2).
                return match self.store.put(&format!("rt-family:{family}"), "reused", ttl).await {
                    Ok(()) => unauthorized("refresh token reused: its whole family is revoked"),
                    Err(e) => store_failed(&e),
                };
            }
            Err(e) => return store_failed(&e),
        }
        match self.issue_tokens(user, family).await {
            Ok(tokens) => {
                let mut answer = json!({"sub": user, "server": self.index});
                for (k, v) in tokens {
                    answer[k] = v;
                }
                json_resp(StatusCode::OK, &answer)
            }
            Err(r) => r,
        }
    }
}

/// The credential line a log shows for a request: the `Cookie` or `Authorization` header,
/// shortened (the full value stays out of logs).
#[must_use]
pub fn credential_line(req: &Request<Incoming>) -> String {
    let mut line = String::new();
    for (name, label) in [(AUTHORIZATION, "Authorization"), (COOKIE, "Cookie")] {
        if let Some(v) = req.headers().get(&name).and_then(|v| v.to_str().ok()) {
            let short: String = v.chars().take(40).collect();
            let more = if v.chars().count() > 40 { "..." } else { "" };
            if !line.is_empty() {
                line.push_str("; ");
            }
            let _ = write!(line, "{label}: {short}{more}");
        }
    }
    line
}
