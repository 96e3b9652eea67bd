//! The probe: what `jwt_tool`'s all-attacks mode does, against one endpoint. It sends the honest
//! token (which must be accepted), a garbage token (which must be refused), then every forgery
//! of [`crate::core::engine::forge`] built from the honest token, and reports per attack the
//! status and whether the endpoint accepted it: a 2xx where garbage was refused.
//!
//! Bounded by design: one request per attack plus two baselines (ten in all), each within
//! [`client::REQUEST_TIMEOUT`], only to the host the user named, no redirect followed. For the
//! `jku` attack the probe itself serves the attacker's JWKS on `127.0.0.1:0` for as long as the
//! probe runs: the forged token names that loopback URL, so a verifier that fetches keys from
//! `jku` fetches them from the probe.

use std::sync::atomic::{AtomicBool, Ordering};

use hyper::header::{AUTHORIZATION, COOKIE, HOST, HeaderName, HeaderValue};
use hyper::{Method, Request};
use serde_json::{Value, json};

use super::client::{self, Connection, Target};
use crate::core::engine::forge::{self, Attack, ForgeError};
use crate::core::engine::token;

/// The garbage token: base64url segments that decode to no JSON, refused by any verifier, and
/// neither `alg: none` nor a tampered real token (either could be accepted by a vulnerable one).
pub const GARBAGE_TOKEN: &str = "Z2FyYmFnZQ.Z2FyYmFnZQ.Z2FyYmFnZQ";

/// Where the token goes in each request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// `Authorization: Bearer TOKEN` (the default).
    Bearer,
    /// `NAME: TOKEN`.
    Header(String),
    /// `Cookie: NAME=TOKEN`.
    Cookie(String),
}

impl Placement {
    /// Checks the header or cookie name; `flag` errors name `--header` or `--cookie`.
    ///
    /// # Errors
    /// A message naming the flag when the name is not a valid header name or cookie name.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Self::Bearer => Ok(()),
            Self::Header(name) => HeaderName::from_bytes(name.as_bytes()).map(|_| ()).map_err(|_| {
                format!("--header {name:?} is not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)")
            }),
            Self::Cookie(name) => {
                let ok = !name.is_empty()
                    && name.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
                if ok {
                    Ok(())
                } else {
                    Err(format!("--cookie {name:?} is not a cookie name (RFC 6265: no spaces, separators or controls)"))
                }
            }
        }
    }

    /// The header that carries `token`.
    fn header(&self, token: &str) -> Result<(HeaderName, HeaderValue), String> {
        let (name, value) = match self {
            Self::Bearer => (AUTHORIZATION, format!("Bearer {token}")),
            Self::Header(name) => (
                HeaderName::from_bytes(name.as_bytes()).map_err(|e| format!("--header {name:?}: {e}"))?,
                token.to_owned(),
            ),
            Self::Cookie(name) => (COOKIE, format!("{name}={token}")),
        };
        let value = HeaderValue::from_str(&value).map_err(|_| {
            "--token holds a character an HTTP header cannot carry (a control or non-ASCII byte)".to_owned()
        })?;
        Ok((name, value))
    }

    /// How reports name the placement.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Bearer => "Authorization: Bearer".to_owned(),
            Self::Header(name) => format!("header {name}"),
            Self::Cookie(name) => format!("cookie {name}"),
        }
    }
}

/// What the probe needs.
#[derive(Debug, Clone)]
pub struct ProbeConfig {
    /// The endpoint, `http://HOST:PORT/PATH`: every request is a GET of exactly this URL.
    pub url: String,
    /// The honest token, accepted by the endpoint.
    pub token: String,
    /// Where the token goes.
    pub placement: Placement,
    /// The issuer's public key file, byte for byte (the confusion attack); `None` skips it.
    pub public_key_file: Option<Vec<u8>>,
}

/// One attack's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttackOutcome {
    /// The attack.
    pub attack: Attack,
    /// The HTTP status the forgery got; `None` when it was not sent.
    pub status: Option<u16>,
    /// True when the endpoint accepted the forgery: a 2xx where garbage was refused.
    pub accepted: bool,
    /// Why the attack was not sent (confusion without the issuer's public key).
    pub skipped: Option<String>,
}

/// The probe's findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeReport {
    /// The URL probed.
    pub url: String,
    /// The status of the honest token (a 2xx).
    pub baseline: u16,
    /// The status of the garbage token (not a 2xx).
    pub rejected_status: u16,
    /// One entry per attack of [`Attack::ALL`], in that order.
    pub attacks: Vec<AttackOutcome>,
    /// How many requests were sent.
    pub requests: usize,
}

impl ProbeReport {
    /// The attacks the endpoint accepted.
    #[must_use]
    pub fn accepted(&self) -> Vec<Attack> {
        self.attacks.iter().filter(|a| a.accepted).map(|a| a.attack).collect()
    }

    /// The report as JSON: `{"baseline", "rejected_status", "attacks": [{"attack", "status",
    /// "accepted"}]}`, a skipped attack with `"skipped": true` and its `"reason"`.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let attacks: Vec<Value> = self
            .attacks
            .iter()
            .map(|a| {
                let mut o = json!({"attack": a.attack.name(), "status": a.status, "accepted": a.accepted});
                if let (Some(reason), Some(map)) = (&a.skipped, o.as_object_mut()) {
                    map.insert("skipped".into(), json!(true));
                    map.insert("reason".into(), json!(reason));
                }
                o
            })
            .collect();
        json!({"baseline": self.baseline, "rejected_status": self.rejected_status, "attacks": attacks})
    }

    /// The report as text, one line per attack.
    #[must_use]
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = format!(
            "probe {}\n  honest token: HTTP {} (accepted)\n  garbage token: HTTP {} (refused)\n",
            self.url, self.baseline, self.rejected_status
        );
        for a in &self.attacks {
            let line = match (&a.skipped, a.status) {
                (Some(reason), _) => format!("skipped: {reason}"),
                (None, Some(status)) if a.accepted => format!("HTTP {status}  ACCEPTED: {}", a.attack.vulnerable()),
                (None, Some(status)) => format!("HTTP {status}  refused"),
                (None, None) => "not sent".to_owned(),
            };
            let _ = writeln!(s, "  {:<14} {line}", a.attack.name());
        }
        let accepted = self.accepted();
        if accepted.is_empty() {
            let _ = writeln!(s, "No forgery accepted ({} requests).", self.requests);
        } else {
            let names: Vec<&str> = accepted.iter().map(|a| a.name()).collect();
            let _ = writeln!(
                s,
                "{} forger{} ACCEPTED: {}",
                names.len(),
                if names.len() == 1 { "y" } else { "ies" },
                names.join(", ")
            );
        }
        s
    }
}

/// Why the probe could not judge the endpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    /// A flag's value is unusable (the message names the flag).
    #[error("{0}")]
    Input(String),
    /// The endpoint could not be reached or answered no complete response.
    #[error("{what}: {reason}")]
    Unreachable {
        /// Which request.
        what: String,
        /// Why.
        reason: String,
    },
    /// The honest token was refused: nothing can be judged.
    #[error(
        "baseline not accepted: the honest token (--token, sent as {placement}) got HTTP {status} from {url}; probe needs a token the endpoint accepts"
    )]
    BaselineNotAccepted {
        /// The status.
        status: u16,
        /// The URL.
        url: String,
        /// Where the token went.
        placement: String,
    },
    /// A garbage token was accepted: the endpoint does not check tokens, so acceptance means nothing.
    #[error(
        "a garbage token got HTTP {status} from {url}: the endpoint accepts anything there, so no forgery can be judged (is the token checked at this URL and in this place?)"
    )]
    GarbageAccepted {
        /// The status.
        status: u16,
        /// The URL.
        url: String,
    },
    /// The cancel flag was raised.
    #[error("the probe was cancelled")]
    Cancelled,
}

/// Runs the probe on a runtime of its own, checking `cancel` between requests.
///
/// # Errors
/// [`ProbeError`]: bad input, an unreachable endpoint, a refused honest token, an accepted
/// garbage token, or cancellation.
pub fn probe(config: &ProbeConfig, cancel: &AtomicBool) -> Result<ProbeReport, ProbeError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ProbeError::Input(format!("cannot start the network runtime: {e}")))?;
    runtime.block_on(probe_async(config, cancel))
}

/// [`probe`] on the caller's runtime.
///
/// # Errors
/// As [`probe`].
pub async fn probe_async(config: &ProbeConfig, cancel: &AtomicBool) -> Result<ProbeReport, ProbeError> {
    let target = Target::parse(&config.url, "URL").map_err(ProbeError::Input)?;
    config.placement.check().map_err(ProbeError::Input)?;
    let honest = token::parse(&config.token).map_err(|e| ProbeError::Input(format!("--token: {e}")))?;
    // Checked before any request: a token no header can carry is the user's input to fix.
    config.placement.header(&config.token).map_err(ProbeError::Input)?;

    // The attacker's JWKS server lives until the probe returns (dropping the handle stops it).
    let jwks = JwksServer::start().await.map_err(ProbeError::Input)?;
    let mut forgeries: Vec<(Attack, Result<String, String>)> = Vec::new();
    for attack in Attack::ALL {
        let made = forge::forge_with_jku(&honest, attack, config.public_key_file.as_deref(), &[], &jwks.url);
        let outcome = match made {
            Ok(f) => {
                if let Some(set) = f.attacker_jwks {
                    jwks.publish(set);
                }
                Ok(f.token)
            }
            Err(ForgeError::NeedsKey(_)) => {
                Err("needs the issuer's public key file (--key FILE) to key HMAC with it".to_owned())
            }
            Err(ForgeError::NotPublicKey(why)) => return Err(ProbeError::Input(format!("--key: {why}"))),
            Err(ForgeError::NotJws) => {
                return Err(ProbeError::Input(
                    "--token is an encrypted token (JWE): only a signed token (JWS) can be forged".into(),
                ));
            }
            Err(e) => Err(e.to_string()),
        };
        forgeries.push((attack, outcome));
    }

    let mut sender = Sender { target: &target, placement: &config.placement, conn: None, requests: 0 };
    let check = || if cancel.load(Ordering::Relaxed) { Err(ProbeError::Cancelled) } else { Ok(()) };
    check()?;
    let baseline = sender.status(&config.token, "the honest token's request").await?;
    if !is_2xx(baseline) {
        return Err(ProbeError::BaselineNotAccepted {
            status: baseline,
            url: target.url.clone(),
            placement: config.placement.describe(),
        });
    }
    check()?;
    let rejected_status = sender.status(GARBAGE_TOKEN, "the garbage token's request").await?;
    if is_2xx(rejected_status) {
        return Err(ProbeError::GarbageAccepted { status: rejected_status, url: target.url.clone() });
    }
    let mut attacks = Vec::with_capacity(forgeries.len());
    for (attack, forged) in forgeries {
        check()?;
        attacks.push(match forged {
            Ok(token) => {
                let status = sender.status(&token, &format!("the {} forgery's request", attack.name())).await?;
                AttackOutcome { attack, status: Some(status), accepted: is_2xx(status), skipped: None }
            }
            Err(reason) => AttackOutcome { attack, status: None, accepted: false, skipped: Some(reason) },
        });
    }
    Ok(ProbeReport { url: target.url.clone(), baseline, rejected_status, attacks, requests: sender.requests })
}

fn is_2xx(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Sends GETs of the target, reusing one keep-alive connection while the server keeps it open.
struct Sender<'a> {
    target: &'a Target,
    placement: &'a Placement,
    conn: Option<Connection>,
    requests: usize,
}

impl Sender<'_> {
    async fn status(&mut self, token: &str, what: &str) -> Result<u16, ProbeError> {
        let unreachable =
            |reason: String| ProbeError::Unreachable { what: format!("{what} to {}", self.target.url), reason };
        let (name, value) = self.placement.header(token).map_err(ProbeError::Input)?;
        let request = Request::builder()
            .method(Method::GET)
            .uri(self.target.path_and_query.as_str())
            .header(HOST, self.target.authority.as_str())
            .header(name, value)
            .body(client::no_body())
            .map_err(|e| ProbeError::Input(format!("URL: cannot build a request: {e}")))?;
        let mut conn = match self.conn.take() {
            Some(c) if c.is_open() => c,
            _ => Connection::open(self.target, client::ByteCounter::default()).await.map_err(unreachable)?,
        };
        self.requests += 1;
        let (response, _) = conn.send(request).await.map_err(unreachable)?;
        self.conn = Some(conn);
        Ok(response.status().as_u16())
    }
}

/// The attacker's JWKS, served on `127.0.0.1:0` at `/jwks.json` while the probe runs.
struct JwksServer {
    url: String,
    keys: std::sync::Arc<std::sync::Mutex<Value>>,
    task: tokio::task::JoinHandle<()>,
}

impl JwksServer {
    async fn start() -> Result<Self, String> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| format!("cannot open the attacker's JWKS server on 127.0.0.1 for the jku attack: {e}"))?;
        let port = listener.local_addr().map_err(|e| format!("the attacker's JWKS server has no port: {e}"))?.port();
        let keys = std::sync::Arc::new(std::sync::Mutex::new(json!({"keys": []})));
        let shared = keys.clone();
        let app = axum::Router::new().route(
            "/jwks.json",
            axum::routing::get(move || {
                let shared = shared.clone();
                async move {
                    let body = shared.lock().map_or_else(|p| p.into_inner().clone(), |v| v.clone());
                    axum::Json(body)
                }
            }),
        );
        let task = tokio::spawn(async move {
            // Ends with the probe (the task is aborted); an accept error only ends the server.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { url: format!("http://127.0.0.1:{port}/jwks.json"), keys, task })
    }

    fn publish(&self, jwks: Value) {
        match self.keys.lock() {
            Ok(mut slot) => *slot = jwks,
            Err(poisoned) => *poisoned.into_inner() = jwks,
        }
    }
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use hyper::body::Bytes;

    use super::*;

    /// The status and body of a GET, for tests of the JWKS server.
    async fn get(url: &str) -> (u16, Bytes) {
        let target = Target::parse(url, "URL").unwrap();
        let mut conn = Connection::open(&target, client::ByteCounter::default()).await.unwrap();
        let request = Request::get(target.path_and_query.as_str())
            .header(HOST, target.authority.as_str())
            .body(client::no_body())
            .unwrap();
        let (response, body) = conn.send(request).await.unwrap();
        (response.status().as_u16(), body)
    }

    #[test]
    fn placements_carry_the_token_and_refuse_bad_names() {
        let (n, v) = Placement::Bearer.header("a.b.c").unwrap();
        assert_eq!((n.as_str(), v.to_str().unwrap()), ("authorization", "Bearer a.b.c"));
        let (n, v) = Placement::Header("X-Token".into()).header("a.b.c").unwrap();
        assert_eq!((n.as_str(), v.to_str().unwrap()), ("x-token", "a.b.c"));
        let (n, v) = Placement::Cookie("jwt".into()).header("a.b.c").unwrap();
        assert_eq!((n.as_str(), v.to_str().unwrap()), ("cookie", "jwt=a.b.c"));
        assert!(Placement::Header("bad name".into()).check().unwrap_err().starts_with("--header"));
        assert!(Placement::Cookie("a;b".into()).check().unwrap_err().starts_with("--cookie"));
        assert!(Placement::Cookie(String::new()).check().unwrap_err().starts_with("--cookie"));
        assert!(Placement::Bearer.header("a\nb").unwrap_err().starts_with("--token"));
    }

    #[test]
    fn the_report_has_the_promised_json_shape_and_text() {
        let report = ProbeReport {
            url: "http://127.0.0.1:1/me".into(),
            baseline: 200,
            rejected_status: 401,
            attacks: vec![
                AttackOutcome { attack: Attack::None, status: Some(200), accepted: true, skipped: None },
                AttackOutcome { attack: Attack::Tamper, status: Some(401), accepted: false, skipped: None },
                AttackOutcome {
                    attack: Attack::Confusion,
                    status: None,
                    accepted: false,
                    skipped: Some("no key".into()),
                },
            ],
            requests: 4,
        };
        assert_eq!(
            report.to_json(),
            json!({"baseline": 200, "rejected_status": 401, "attacks": [
                {"attack": "none", "status": 200, "accepted": true},
                {"attack": "tamper", "status": 401, "accepted": false},
                {"attack": "confusion", "status": null, "accepted": false, "skipped": true, "reason": "no key"},
            ]})
        );
        assert_eq!(report.accepted(), vec![Attack::None]);
        let text = report.to_text();
        assert!(text.contains("none           HTTP 200  ACCEPTED"), "{text}");
        assert!(text.contains("confusion      skipped: no key"), "{text}");
        assert!(text.contains("1 forgery ACCEPTED: none"), "{text}");
    }

    #[test]
    fn the_jwks_server_serves_what_it_is_given_on_loopback() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let server = JwksServer::start().await.unwrap();
            assert!(server.url.starts_with("http://127.0.0.1:"), "{}", server.url);
            let (status, body) = get(&server.url).await;
            assert_eq!((status, serde_json::from_slice::<Value>(&body).unwrap()), (200, json!({"keys": []})));
            server.publish(json!({"keys": [{"kty": "EC"}]}));
            let (_, body) = get(&server.url).await;
            assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), json!({"keys": [{"kty": "EC"}]}));
        });
    }

    #[test]
    fn an_unreachable_endpoint_and_bad_input_are_errors_naming_what() {
        // A port just released by the OS: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let config = |url: &str, token: &str| ProbeConfig {
            url: url.to_owned(),
            token: token.to_owned(),
            placement: Placement::Bearer,
            public_key_file: None,
        };
        let good = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";
        let cancel = AtomicBool::new(false);
        match probe(&config(&format!("http://127.0.0.1:{port}/me"), good), &cancel) {
            Err(ProbeError::Unreachable { what, reason }) => {
                assert!(what.contains("honest token"), "{what}");
                assert!(reason.contains("cannot connect"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        let e = probe(&config("https://127.0.0.1/me", good), &cancel).unwrap_err();
        assert!(e.to_string().starts_with("URL "), "{e}");
        let e = probe(&config("http://127.0.0.1/me", "not-a-token"), &cancel).unwrap_err();
        assert!(e.to_string().starts_with("--token: "), "{e}");
        let mut with_secret = config("http://127.0.0.1/me", good);
        with_secret.public_key_file = Some(b"a-secret-of-the-issuer-32-bytes!".to_vec());
        let e = probe(&with_secret, &cancel).unwrap_err();
        assert!(e.to_string().starts_with("--key: "), "{e}");
        cancel.store(true, Ordering::Relaxed);
        assert_eq!(probe(&config(&format!("http://127.0.0.1:{port}/me"), good), &cancel), Err(ProbeError::Cancelled));
    }
}
