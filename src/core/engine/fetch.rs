//! Fetching keys over the network, only when the user asks: a JWKS URL, an OpenID Connect
//! discovery document, or an issuer URL (its `/.well-known/openid-configuration` is read and
//! its `jwks_uri` followed). Never triggered by a token's own `jku` or `x5u`.
//!
//! Every fetch has a deadline and a size limit, and every failure says which URL did what.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::core::engine::error::{Error, Result};
use crate::core::engine::keys::{self, Key};

/// The largest response accepted (a JWKS is a few kilobytes).
pub const MAX_RESPONSE_BYTES: u64 = 1024 * 1024;

/// The default deadline for each request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// What a fetch found.
#[derive(Debug)]
pub struct Fetched {
    /// The keys of the JWKS.
    pub keys: Vec<Key>,
    /// The URL the JWKS came from.
    pub jwks_url: String,
    /// The issuer named by the discovery document, when one was read.
    pub issuer: Option<String>,
}

fn fail(url: &str, reason: impl Into<String>) -> Error {
    Error::Key { source_name: url.to_owned(), reason: reason.into() }
}

fn agent(timeout: Duration) -> ureq::Agent {
    // TLS on the same aws-lc backend as the rest of the app; Mozilla's roots built in.
    let tls = ureq::tls::TlsConfig::builder()
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .build();
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .tls_config(tls)
        .max_redirects(3)
        .build()
        .new_agent()
}

fn get_json(agent: &ureq::Agent, url: &str, timeout: Duration) -> Result<Value> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(fail(url, "only http:// and https:// URLs can be fetched"));
    }
    let response = agent.get(url).header("Accept", "application/json").call().map_err(|e| match e {
        ureq::Error::Timeout(_) => fail(url, format!("no answer within {} s", timeout.as_secs_f64())),
        other => fail(url, format!("cannot fetch: {other}")),
    })?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(url, format!("the server answered HTTP {status}")));
    }
    let mut body = Vec::new();
    response
        .into_body()
        .into_reader()
        .take(MAX_RESPONSE_BYTES + 1)
        .read_to_end(&mut body)
        .map_err(|e| fail(url, format!("the response broke off: {e}")))?;
    if body.len() as u64 > MAX_RESPONSE_BYTES {
        return Err(fail(url, format!("the response is larger than {MAX_RESPONSE_BYTES} bytes")));
    }
    serde_json::from_slice(&body).map_err(|e| fail(url, format!("the response is not JSON: {e}")))
}

/// The discovery document URL for an issuer URL (RFC 8414 §3 / OpenID Connect Discovery §4).
#[must_use]
pub fn discovery_url(issuer: &str) -> String {
    format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'))
}

/// Fetches keys from `url`: a JWKS, a discovery document, or an issuer whose discovery
/// document is then read.
///
/// # Errors
/// Network failures, timeouts, HTTP errors, non-JSON or oversized answers, a discovery document
/// without `jwks_uri`, a JWKS without usable keys; each names the URL.
pub fn fetch_keys(url: &str, timeout: Duration) -> Result<Fetched> {
    let url = url.trim();
    let agent = agent(timeout);
    let first = match get_json(&agent, url, timeout) {
        Ok(v) => v,
        // An issuer URL: look for its discovery document; if that fails too, the first
        // failure is the one worth reporting.
        Err(first) if !url.contains("/.well-known/") && !url.to_ascii_lowercase().ends_with(".json") => {
            get_json(&agent, &discovery_url(url), timeout).map_err(|_| first)?
        }
        Err(e) => return Err(e),
    };
    let (jwks, jwks_url, issuer) = if first.get("keys").is_some() {
        (first, url.to_owned(), None)
    } else if let Some(jwks_uri) = first.get("jwks_uri").and_then(Value::as_str) {
        let issuer = first.get("issuer").and_then(Value::as_str).map(str::to_owned);
        (get_json(&agent, jwks_uri, timeout)?, jwks_uri.to_owned(), issuer)
    } else {
        return Err(fail(url, "neither a JWKS (\"keys\") nor a discovery document (\"jwks_uri\")"));
    };
    let keys = keys::load(jwks.to_string().as_bytes(), &jwks_url)?;
    Ok(Fetched { keys, jwks_url, issuer })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    /// A one-file HTTP server on 127.0.0.1 answering each path from a table, for `count`
    /// connections; paths not in the table get 404.
    fn serve(routes: Vec<(&'static str, String)>, count: usize) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let base_for_thread = base.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(count) {
                let mut stream = stream.unwrap();
                let mut buf = [0u8; 4096];
                let n = stream.read(&mut buf).unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let (status, body) =
                    routes.iter().find(|(p, _)| *p == path).map_or(("404 Not Found", String::new()), |(_, b)| {
                        ("200 OK", b.replace("{base}", &base_for_thread))
                    });
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        base
    }

    fn jwks() -> String {
        let pem = std::fs::read(format!("{}/assets/keys/ec-p256-spki.pem", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let mut jwk = keys::load(&pem, "k").unwrap()[0].public_jwk();
        jwk.insert("kid".into(), "k1".into());
        serde_json::json!({ "keys": [jwk] }).to_string()
    }

    #[test]
    fn jwks_url_discovery_document_and_issuer() {
        let discovery = r#"{"issuer":"{base}","jwks_uri":"{base}/jwks.json"}"#.to_owned();
        let base = serve(vec![("/jwks.json", jwks()), ("/.well-known/openid-configuration", discovery)], 6);
        let direct = fetch_keys(&format!("{base}/jwks.json"), Duration::from_secs(5)).unwrap();
        assert_eq!(direct.keys[0].kid.as_deref(), Some("k1"));
        let via_doc = fetch_keys(&discovery_url(&base), Duration::from_secs(5)).unwrap();
        assert_eq!(via_doc.jwks_url, format!("{base}/jwks.json"));
        assert_eq!(via_doc.issuer.as_deref(), Some(base.as_str()));
        // The bare issuer: / is a 404, then its discovery document is read.
        let via_issuer = fetch_keys(&base, Duration::from_secs(5)).unwrap();
        assert_eq!(via_issuer.keys[0].thumbprint, direct.keys[0].thumbprint);
    }

    #[test]
    fn failures_are_named() {
        let base = serve(vec![("/not-json", "hello".into()), ("/empty", "{}".into())], 4);
        let e = fetch_keys(&format!("{base}/missing.json"), Duration::from_secs(5)).unwrap_err().to_string();
        assert!(e.contains("HTTP 404") && e.contains("missing.json"), "{e}");
        let e = fetch_keys(&format!("{base}/not-json"), Duration::from_secs(5)).unwrap_err().to_string();
        assert!(e.contains("not JSON") && e.contains("/not-json"), "{e}");
        let e = fetch_keys("ftp://example.com/jwks", Duration::from_secs(5)).unwrap_err().to_string();
        assert!(e.contains("only http"), "{e}");
    }

    #[test]
    fn a_silent_server_times_out() {
        // Accepts the connection and never answers.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
        let holder = std::thread::spawn(move || {
            let conn = listener.accept();
            std::thread::sleep(Duration::from_millis(1500));
            drop(conn);
        });
        let started = std::time::Instant::now();
        let e = fetch_keys(&url, Duration::from_millis(500)).unwrap_err().to_string();
        assert!(e.contains("no answer within 0.5 s"), "{e}");
        assert!(started.elapsed() < Duration::from_millis(1400), "the deadline holds");
        holder.join().unwrap();
    }
}
