//! The reverse proxy in front of the app servers: round robin over the running ones, or, with
//! `--sticky`, pinned by an `lb` cookie to the server that answered first (a pinned client
//! whose server stopped is sent to another, which may not know its session). It logs every
//! request and answers the loopback-only admin routes that stop and start a server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{COOKIE, HOST, HeaderName, HeaderValue, SET_COOKIE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use super::app::credential_line;
use super::config::VULNERABLE_HEADER;
use super::http::{Resp, error, json as json_resp, read_body};
use super::log::{LogEntry, RequestLog};
use super::server::Cluster;

/// Largest app server response the balancer relays.
const MAX_UPSTREAM_BODY: usize = 1024 * 1024;

/// Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The balancer of one run.
pub struct Balancer {
    cluster: Arc<Cluster>,
    client: Client<HttpConnector, Full<Bytes>>,
    next: AtomicUsize,
    sticky: bool,
    log: Arc<RequestLog>,
    vulnerable: Option<HeaderValue>,
    max_body: usize,
}

impl std::fmt::Debug for Balancer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Balancer").field("sticky", &self.sticky).finish_non_exhaustive()
    }
}

/// The server an `lb` cookie pins to.
fn pinned(req: &Request<Incoming>) -> Option<usize> {
    req.headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| line.split(';').find_map(|pair| pair.trim().strip_prefix("lb=").and_then(|v| v.parse().ok())))
}

impl Balancer {
    /// A balancer over `cluster`'s servers.
    #[must_use]
    pub fn new(
        cluster: Arc<Cluster>,
        sticky: bool,
        log: Arc<RequestLog>,
        vulnerable: Option<HeaderValue>,
        max_body: usize,
    ) -> Self {
        let client = Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
        Self { cluster, client, next: AtomicUsize::new(0), sticky, log, vulnerable, max_body }
    }

    /// Answers one request and logs it.
    pub async fn handle(self: Arc<Self>, req: Request<Incoming>, peer: SocketAddr) -> Resp {
        let started = Instant::now();
        let method = req.method().to_string();
        let path = req.uri().path().to_owned();
        let credential = credential_line(&req);
        let (mut resp, server) = if path.starts_with("/admin/") {
            (self.admin(req.method().clone(), &path, peer, req.headers()).await, None)
        } else {
            self.forward(req, peer).await
        };
        if let Some(v) = &self.vulnerable {
            resp.headers_mut().insert(HeaderName::from_static(VULNERABLE_HEADER), v.clone());
        }
        let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.log.push(LogEntry { method, path, credential, status: resp.status().as_u16(), server, latency_us });
        resp
    }

    /// `GET /admin/servers`, `POST /admin/servers/I/stop`, `POST /admin/servers/I/start`:
    /// answered only to a loopback peer.
    async fn admin(&self, method: Method, path: &str, peer: SocketAddr, headers: &hyper::HeaderMap) -> Resp {
        if !peer.ip().is_loopback() {
            return error(StatusCode::FORBIDDEN, "the admin routes answer only on loopback");
        }
        // A page on another site (or a DNS-rebinding one) can make a browser on this machine
        // send the request from loopback: its Host or Origin names that site, not this one.
        if !headers_name_loopback(headers) {
            return error(StatusCode::FORBIDDEN, "the admin routes answer only to requests addressed to loopback");
        }
        if path == "/admin/servers" && method == Method::GET {
            return json_resp(StatusCode::OK, &json!({"servers": self.cluster.status()}));
        }
        let Some(rest) = path.strip_prefix("/admin/servers/") else {
            return error(StatusCode::NOT_FOUND, &format!("no admin route {path}"));
        };
        let Some((index, action)) = rest.split_once('/') else {
            return error(
                StatusCode::NOT_FOUND,
                &format!("no admin route {path}: use /admin/servers/I/stop or /start"),
            );
        };
        let Ok(index) = index.parse::<usize>() else {
            return error(StatusCode::BAD_REQUEST, &format!("{path}: {index:?} is not a server index"));
        };
        if method != Method::POST {
            return error(StatusCode::METHOD_NOT_ALLOWED, &format!("{path} takes POST"));
        }
        let result = match action {
            "stop" => self.cluster.stop(index).await,
            "start" => self.cluster.start(index).await,
            other => return error(StatusCode::NOT_FOUND, &format!("{path}: {other:?} is not stop or start")),
        };
        match result {
            Ok(()) => json_resp(StatusCode::OK, &json!({"servers": self.cluster.status()})),
            Err(e) => error(StatusCode::BAD_REQUEST, &e),
        }
    }

    /// The server for this request: its pin when sticky and running, else the next running
    /// one in turn.
    fn choose(&self, pin: Option<usize>) -> Option<usize> {
        if let Some(i) = pin.filter(|i| self.sticky && self.cluster.is_running(*i)) {
            return Some(i);
        }
        let n = self.cluster.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..n).map(|k| (start + k) % n).find(|i| self.cluster.is_running(*i))
    }

    async fn forward(&self, req: Request<Incoming>, peer: SocketAddr) -> (Resp, Option<usize>) {
        let pin = pinned(&req);
        let Some(index) = self.choose(pin) else {
            return (error(StatusCode::SERVICE_UNAVAILABLE, "no app server is running"), None);
        };
        let addr = self.cluster.addr(index);
        let (parts, body) = req.into_parts();
        let body = match read_body(body, self.max_body).await {
            Ok(b) => b,
            Err(r) => return (r, None),
        };
        let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let uri = match format!("http://{addr}{path_and_query}").parse::<hyper::Uri>() {
            Ok(u) => u,
            Err(e) => return (error(StatusCode::BAD_REQUEST, &format!("the request target is not a path: {e}")), None),
        };
        let mut upstream = Request::new(Full::new(body));
        *upstream.method_mut() = parts.method;
        *upstream.uri_mut() = uri;
        for (name, value) in &parts.headers {
            if !HOP_BY_HOP.contains(&name.as_str()) && name != HOST {
                upstream.headers_mut().append(name, value.clone());
            }
        }
        if let Ok(v) = HeaderValue::from_str(&peer.ip().to_string()) {
            upstream.headers_mut().insert(HeaderName::from_static("x-forwarded-for"), v);
        }
        let answer = match self.client.request(upstream).await {
            Ok(a) => a,
            Err(e) => {
                return (
                    error(StatusCode::BAD_GATEWAY, &format!("app server {index} did not answer: {e}")),
                    Some(index),
                );
            }
        };
        let (parts, body) = answer.into_parts();
        let body = match Limited::new(body, MAX_UPSTREAM_BODY).collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) => {
                return (
                    error(StatusCode::BAD_GATEWAY, &format!("app server {index}'s answer broke off: {e}")),
                    Some(index),
                );
            }
        };
        let mut resp = Response::new(Full::new(body));
        *resp.status_mut() = parts.status;
        for (name, value) in &parts.headers {
            if !HOP_BY_HOP.contains(&name.as_str()) {
                resp.headers_mut().append(name, value.clone());
            }
        }
        if self.sticky
            && pin != Some(index)
            && let Ok(v) = HeaderValue::from_str(&format!("lb={index}; HttpOnly; SameSite=Lax; Path=/"))
        {
            resp.headers_mut().append(SET_COOKIE, v);
        }
        (resp, Some(index))
    }
}

/// True when the `Host` (required) and any `Origin` name a loopback host: `127.0.0.1`,
/// `[::1]` or `localhost`, with any port.
fn headers_name_loopback(headers: &hyper::HeaderMap) -> bool {
    let loopback = |authority: &str| {
        let host = if let Some(rest) = authority.strip_prefix('[') {
            rest.split(']').next().unwrap_or_default()
        } else {
            authority.rsplit_once(':').map_or(authority, |(h, _)| h)
        };
        host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    };
    let host = headers.get(HOST).and_then(|v| v.to_str().ok());
    let origin_ok = headers
        .get(hyper::header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|o| o.split_once("://").is_some_and(|(_, authority)| loopback(authority.trim_end_matches('/'))));
    host.is_some_and(loopback) && origin_ok
}
