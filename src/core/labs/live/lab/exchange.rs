//! One request the Live tab sends on the user's behalf (log in, `GET /me`, refresh, log out)
//! with the credentials its client holds, and what came back: status, the server that
//! answered, the latency, and the credentials the answer hands out. Blocking: it runs as a job.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::core::labs::live::Mode;

/// How long one request may take before the tab reports it unanswered.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The most characters of a response body the tab keeps.
pub const BODY_CHARS: usize = 400;

/// What the tab can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `POST /login` with the user's name as password.
    Login,
    /// `GET /me` with the credentials held.
    Me,
    /// `POST /refresh` with the refresh token held.
    Refresh,
    /// `POST /logout` with the credentials held.
    Logout,
}

impl Action {
    /// Every action, in the order of the tab's buttons.
    pub const ALL: [Action; 4] = [Action::Login, Action::Me, Action::Refresh, Action::Logout];

    /// The method and path.
    #[must_use]
    pub fn route(self) -> (&'static str, &'static str) {
        match self {
            Self::Login => ("POST", "/login"),
            Self::Me => ("GET", "/me"),
            Self::Refresh => ("POST", "/refresh"),
            Self::Logout => ("POST", "/logout"),
        }
    }
}

/// The credentials the tab's client holds, as a browser or an API client would.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    /// Cookies set by the server (`sid`, and `lb` when sticky), in the order first set.
    pub cookies: Vec<(String, String)>,
    /// The access token (JWT and hybrid modes).
    pub access: Option<String>,
    /// The refresh token (JWT and hybrid modes).
    pub refresh: Option<String>,
}

impl Credentials {
    /// The `Cookie` header value, when any cookie is held.
    #[must_use]
    pub fn cookie_header(&self) -> Option<String> {
        (!self.cookies.is_empty())
            .then(|| self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; "))
    }

    /// Applies what an answer handed out: cookies replace those of the same name (an empty
    /// value or `Max-Age=0` deletes), tokens replace the held ones.
    pub fn apply(&mut self, handed: &Handed) {
        for (name, value) in &handed.cookies {
            self.cookies.retain(|(n, _)| n != name);
            if let Some(v) = value {
                self.cookies.push((name.clone(), v.clone()));
            }
        }
        if let Some(a) = &handed.access {
            self.access = Some(a.clone());
        }
        if let Some(r) = &handed.refresh {
            self.refresh = Some(r.clone());
        }
    }
}

/// What one answer handed out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handed {
    /// Cookies set (`Some`) or deleted (`None`).
    pub cookies: Vec<(String, Option<String>)>,
    /// A new access token.
    pub access: Option<String>,
    /// A new refresh token.
    pub refresh: Option<String>,
}

/// One request and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// What was sent.
    pub action: Action,
    /// The user it was sent as.
    pub user: String,
    /// The credential lines sent (`Cookie: …`, `Authorization: Bearer …`), each shortened.
    pub sent: Vec<String>,
    /// The status; `None` when no answer came (the message is in `error`).
    pub status: Option<u16>,
    /// The app server that answered (`x-tokenbench-server`); `None`: the balancer itself.
    pub server: Option<usize>,
    /// Microseconds from sending to the whole answer, measured by the client.
    pub latency_us: u64,
    /// The start of the body, escaped for display.
    pub body: String,
    /// Why there is no answer.
    pub error: Option<String>,
    /// What the answer handed out.
    pub handed: Handed,
    /// True when it carried a copy of credentials from before a logout, not the held ones.
    pub copy: bool,
}

impl Exchange {
    /// True for a 2xx answer.
    #[must_use]
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// One line: `GET /me -> 200 (server 1, 412 us)`.
    #[must_use]
    pub fn line(&self) -> String {
        let (method, path) = self.action.route();
        let outcome = match (self.status, &self.error) {
            (Some(s), _) => s.to_string(),
            (None, Some(e)) => format!("no answer: {e}"),
            (None, None) => "no answer".to_owned(),
        };
        let server = self.server.map_or_else(|| "balancer".to_owned(), |s| format!("server {s}"));
        let copy = if self.copy { " with a copy from before logout" } else { "" };
        format!("{method} {path} as {}{copy} -> {outcome} ({server}, {} us)", self.user, self.latency_us)
    }
}

/// Shortens a credential line for display: the first 24 and last 6 characters of long values.
#[must_use]
pub fn shorten(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= 48 {
        return line.to_owned();
    }
    let head: String = chars[..36].iter().collect();
    let tail: String = chars[chars.len() - 6..].iter().collect();
    format!("{head}...{tail}")
}

/// Sends `action` as `user` to the balancer at `base` with `held`, the way `mode` carries
/// credentials: the cookie jar always (a browser), the bearer token in JWT and hybrid modes.
#[must_use]
pub fn send(base: &str, mode: Mode, action: Action, user: &str, held: &Credentials) -> Exchange {
    let (method, path) = action.route();
    let mut sent = Vec::new();
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .new_agent();
    let mut builder = ureq::http::Request::builder().method(method).uri(format!("{base}{path}"));
    // The refresh token goes in the body; the access token rides every other request.
    if mode.tokens()
        && matches!(action, Action::Me | Action::Logout)
        && let Some(token) = &held.access
    {
        let value = format!("Bearer {token}");
        sent.push(shorten(&format!("Authorization: {value}")));
        builder = builder.header("authorization", value);
    }
    if let Some(cookie) = held.cookie_header() {
        sent.push(shorten(&format!("Cookie: {cookie}")));
        builder = builder.header("cookie", cookie);
    }
    if action == Action::Refresh
        && let Some(r) = &held.refresh
    {
        sent.push(shorten(&format!("body: refresh_token {r}")));
    }
    let body = match action {
        Action::Login => Some(json!({"user": user, "password": user})),
        Action::Refresh => held.refresh.as_ref().map(|r| json!({"refresh_token": r})),
        Action::Me | Action::Logout => None,
    };
    let started = Instant::now();
    let result = match (body, builder) {
        (Some(b), builder) => builder
            .header("content-type", "application/json")
            .body(b.to_string())
            .map_err(|e| e.to_string())
            .and_then(|r| agent.run(r).map_err(|e| e.to_string())),
        (None, builder) => {
            builder.body(()).map_err(|e| e.to_string()).and_then(|r| agent.run(r).map_err(|e| e.to_string()))
        }
    };
    let mut exchange = Exchange {
        action,
        user: user.to_owned(),
        sent,
        status: None,
        server: None,
        latency_us: 0,
        body: String::new(),
        error: None,
        handed: Handed::default(),
        copy: false,
    };
    match result {
        Err(e) => {
            exchange.latency_us = micros(started.elapsed());
            exchange.error = Some(e);
        }
        Ok(mut response) => {
            let text = response.body_mut().with_config().limit(64 * 1024).read_to_string().unwrap_or_default();
            exchange.latency_us = micros(started.elapsed());
            exchange.status = Some(response.status().as_u16());
            exchange.server = response
                .headers()
                .get("x-tokenbench-server")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok());
            exchange.handed =
                handed(response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()), &text);
            exchange.body = text.chars().take(BODY_CHARS).flat_map(char::escape_default).collect();
        }
    }
    exchange
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Reads the cookies and tokens an answer hands out.
fn handed<'a>(set_cookies: impl Iterator<Item = &'a str>, body: &str) -> Handed {
    let mut out = Handed::default();
    for line in set_cookies {
        let mut parts = line.split(';').map(str::trim);
        let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else { continue };
        let expired = parts.any(|a| a.eq_ignore_ascii_case("max-age=0"));
        let value = (!expired && !value.is_empty()).then(|| value.to_owned());
        out.cookies.push((name.to_owned(), value));
    }
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        out.access = v.get("access_token").and_then(Value::as_str).map(str::to_owned);
        out.refresh = v.get("refresh_token").and_then(Value::as_str).map(str::to_owned);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_and_tokens_are_taken_replaced_and_deleted() {
        let h = handed(
            ["sid=abc; HttpOnly; Secure; SameSite=Lax; Path=/", "lb=1; Path=/"].into_iter(),
            r#"{"access_token": "a.b.c", "refresh_token": "r1"}"#,
        );
        let mut held = Credentials::default();
        held.apply(&h);
        assert_eq!(held.cookie_header().as_deref(), Some("sid=abc; lb=1"));
        assert_eq!((held.access.as_deref(), held.refresh.as_deref()), (Some("a.b.c"), Some("r1")));
        held.apply(&handed(["sid=; Max-Age=0; Path=/"].into_iter(), "not json"));
        assert_eq!(held.cookie_header().as_deref(), Some("lb=1"));
        assert_eq!(held.access.as_deref(), Some("a.b.c"), "an answer without tokens keeps them");
    }

    #[test]
    fn long_lines_are_shortened_short_ones_kept() {
        assert_eq!(shorten("Cookie: sid=abc"), "Cookie: sid=abc");
        let long = format!("Authorization: Bearer {}", "x".repeat(100));
        let s = shorten(&long);
        assert!(s.starts_with("Authorization: Bearer xxxxxxxxxxxxxx...") && s.ends_with("xxxxxx"), "{s}");
        assert!(s.chars().count() < 50);
    }

    #[test]
    fn nothing_listening_is_reported_not_panicked() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap();
        let e = send(&format!("http://127.0.0.1:{port}"), Mode::Jwt, Action::Me, "alice", &Credentials::default());
        assert_eq!(e.status, None);
        assert!(e.error.is_some());
        assert!(!e.ok());
        assert!(e.line().contains("no answer"), "{}", e.line());
    }
}
