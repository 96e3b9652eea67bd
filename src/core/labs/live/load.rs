//! The load generator: logs U demo users in with `POST /login`, then sends R authenticated
//! `GET /me` with C in flight, each of the C workers on its own keep-alive connection (as `wrk`
//! does), and measures every request: counts, percentiles, throughput, the bytes that went on
//! the wire and a latency histogram. Bounded: every size is checked against a limit, every
//! request has a timeout, and a raised cancel flag stops the workers after their current request.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HOST, HeaderValue, SET_COOKIE};
use hyper::{Method, Request, Uri};
use serde_json::{Value, json};

use super::client::{ByteCounter, Connection, Target};
use super::config::{DEMO_USERS, Mode};

/// The most users one run logs in.
pub const MAX_USERS: usize = 10_000;
/// The most requests one run sends (each keeps a 4-byte latency until the report).
pub const MAX_REQUESTS: usize = 5_000_000;
/// The most requests in flight (one connection each).
pub const MAX_CONCURRENCY: usize = 1_024;

/// The upper bounds of the latency histogram's buckets, in microseconds; a last bucket (no
/// bound) holds the slower ones. Loopback requests take tens to hundreds of microseconds, so
/// the buckets are finest there.
pub const HISTOGRAM_BOUNDS_US: [u64; 14] =
    [25, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1_000_000, 10_000_000];

/// What one run does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadConfig {
    /// The server's base URL, `http://HOST:PORT` (`/login` and `/me` are appended to its path).
    pub url: String,
    /// Session cookies or bearer tokens.
    pub mode: Mode,
    /// How many users log in (1..=[`MAX_USERS`]).
    pub users: usize,
    /// How many `GET /me` are sent (1..=[`MAX_REQUESTS`]).
    pub requests: usize,
    /// How many are in flight at once (1..=[`MAX_CONCURRENCY`]; never more than `requests`).
    pub concurrency: usize,
    /// Runtime worker threads (at least 1).
    pub threads: usize,
}

impl LoadConfig {
    /// A run with the machine's parallelism as its thread count.
    #[must_use]
    pub fn new(url: &str, mode: Mode, users: usize, requests: usize, concurrency: usize) -> Self {
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Self { url: url.to_owned(), mode, users, requests, concurrency, threads }
    }

    /// Checks every bound; the message names the flag and its range.
    ///
    /// # Errors
    /// The first value out of range.
    pub fn check(&self) -> Result<Target, String> {
        let target = Target::parse(&self.url, "URL")?;
        for (flag, value, max) in [
            ("--users", self.users, MAX_USERS),
            ("--requests", self.requests, MAX_REQUESTS),
            ("--concurrency", self.concurrency, MAX_CONCURRENCY),
        ] {
            if !(1..=max).contains(&value) {
                return Err(format!("{flag} {value} is out of range: give 1 to {max}"));
            }
        }
        if self.threads == 0 {
            return Err("the thread count must be at least 1".into());
        }
        Ok(target)
    }
}

/// One histogram bucket: the requests whose latency is above the previous bound and at most
/// `le_us` (`None`: above the last bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// The upper bound in microseconds, inclusive; `None` for the last bucket.
    pub le_us: Option<u64>,
    /// How many requests fell in it.
    pub count: u64,
}

/// A run's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadReport {
    /// The mode.
    pub mode: Mode,
    /// Users logged in.
    pub users: usize,
    /// Workers (connections) used.
    pub concurrency: usize,
    /// `GET /me` sent (fewer than asked only when cancelled).
    pub requests: u64,
    /// Answered 2xx.
    pub ok: u64,
    /// Answered otherwise, or failed on the way.
    pub failed: u64,
    /// Median latency, microseconds.
    pub p50_us: u64,
    /// 99th percentile latency, microseconds.
    pub p99_us: u64,
    /// Requests completed per second over the request phase.
    pub req_per_s: f64,
    /// Bytes written to the sockets during the request phase.
    pub bytes_sent: u64,
    /// The request phase's duration, seconds.
    pub elapsed_s: f64,
    /// The latency histogram.
    pub histogram: Vec<Bucket>,
    /// What the first failure was, when there was one.
    pub first_failure: Option<String>,
    /// True when the cancel flag stopped the run early.
    pub cancelled: bool,
    /// Why the run stopped by itself before all requests were sent: the server stopped
    /// answering ([`GIVE_UP_AFTER`] requests in a row without an answer).
    pub stopped: Option<String>,
}

impl LoadReport {
    /// The report as JSON: `{"requests", "ok", "failed", "p50_us", "p99_us", "req_per_s",
    /// "bytes_sent", "histogram": [{"le_us", "count"}], ...}`; the last bucket's `le_us` is null.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let histogram: Vec<Value> =
            self.histogram.iter().map(|b| json!({"le_us": b.le_us, "count": b.count})).collect();
        json!({
            "requests": self.requests,
            "ok": self.ok,
            "failed": self.failed,
            "p50_us": self.p50_us,
            "p99_us": self.p99_us,
            "req_per_s": (self.req_per_s * 10.0).round() / 10.0,
            "bytes_sent": self.bytes_sent,
            "histogram": histogram,
            "mode": self.mode.name(),
            "users": self.users,
            "concurrency": self.concurrency,
            "elapsed_s": self.elapsed_s,
            "first_failure": self.first_failure,
            "stopped": self.stopped,
            "cancelled": self.cancelled,
        })
    }

    /// The report as text, with the histogram as bars.
    #[must_use]
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = self.summary();
        s.push('\n');
        if let Some(f) = &self.first_failure {
            let _ = writeln!(s, "first failure: {f}");
        }
        if self.cancelled {
            s.push_str("cancelled before all requests were sent\n");
        }
        if let Some(why) = &self.stopped {
            let _ = writeln!(s, "stopped before all requests were sent: {why}");
        }
        s.push_str("latency histogram:\n");
        let most = self.histogram.iter().map(|b| b.count).max().unwrap_or(0).max(1);
        for (b, label) in self.histogram.iter().zip(bucket_labels(&self.histogram)) {
            let bar = usize::try_from(b.count * 40 / most).unwrap_or(40);
            let _ = writeln!(s, "  {label:>20} {:>9} {}", b.count, "#".repeat(bar));
        }
        s
    }

    /// The report's first two lines: counts, then throughput and latency (the window shows
    /// them as the text report starts).
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "{} requests ({} mode, {} users, {} in flight) in {:.3} s: {} ok, {} failed\n\
             {:.0} req/s, p50 {} us, p99 {} us, {} bytes sent",
            self.requests,
            self.mode.name(),
            self.users,
            self.concurrency,
            self.elapsed_s,
            self.ok,
            self.failed,
            self.req_per_s,
            self.p50_us,
            self.p99_us,
            self.bytes_sent
        )
    }
}

/// Each bucket's range in words, `"100-200 us"`, the last `"> 10000000 us"`: the text report's
/// and the window's histogram labels.
#[must_use]
pub fn bucket_labels(histogram: &[Bucket]) -> Vec<String> {
    let mut previous = 0;
    histogram
        .iter()
        .map(|b| {
            let label = match b.le_us {
                Some(le) => format!("{previous}-{le} us"),
                None => format!("> {previous} us"),
            };
            previous = b.le_us.unwrap_or(previous);
            label
        })
        .collect()
}

/// Why a run could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// A flag's value is unusable (the message names the flag).
    #[error("{0}")]
    Input(String),
    /// A login failed: the run needs every user's credential.
    #[error("login of user {user:?} at {url} failed: {reason}")]
    Login {
        /// The user.
        user: String,
        /// The login URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The cancel flag was raised before the requests began.
    #[error("the load was cancelled")]
    Cancelled,
}

/// Runs the load on a runtime of its own with `config.threads` workers. `cancel` is shared
/// with the worker tasks, hence an `Arc`: raising it stops them after their current request.
///
/// # Errors
/// [`LoadError`]: a bound out of range, a bad URL, a failed login, or cancellation during the
/// logins. Failed requests are figures in the report, not errors.
pub fn load(config: &LoadConfig, cancel: &Arc<AtomicBool>) -> Result<LoadReport, LoadError> {
    config.check().map_err(LoadError::Input)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.threads)
        .enable_all()
        .build()
        .map_err(|e| LoadError::Input(format!("cannot start the network runtime: {e}")))?;
    runtime.block_on(load_async(config, cancel.clone()))
}

async fn load_async(config: &LoadConfig, cancel: Arc<AtomicBool>) -> Result<LoadReport, LoadError> {
    let target = Arc::new(config.check().map_err(LoadError::Input)?);
    let credentials = log_in(config, &target, &cancel).await?;
    let credentials: Arc<Vec<(hyper::header::HeaderName, HeaderValue)>> = Arc::new(credentials);
    let me: Uri = target.join("me").parse().map_err(|e| LoadError::Input(format!("URL: no /me path under it: {e}")))?;
    let host = HeaderValue::from_str(&target.authority).map_err(|e| LoadError::Input(format!("URL: host: {e}")))?;
    let workers = config.concurrency.min(config.requests);
    let next = Arc::new(AtomicUsize::new(0));
    let sent = ByteCounter::default();
    let started = Instant::now();
    let mut handles = Vec::with_capacity(workers);
    for _ in 0..workers {
        let job = Worker {
            target: target.clone(),
            credentials: credentials.clone(),
            me: me.clone(),
            host: host.clone(),
            next: next.clone(),
            total: config.requests,
            sent: sent.clone(),
            cancel: cancel.clone(),
        };
        handles.push(tokio::spawn(job.run()));
    }
    let mut latencies = Vec::with_capacity(config.requests);
    let (mut ok, mut failed, mut first_failure, mut stopped) = (0u64, 0u64, None, None);
    for handle in handles {
        let tally = handle.await.map_err(|e| LoadError::Input(format!("a load worker stopped: {e}")))?;
        latencies.extend(tally.latencies_us);
        ok += tally.ok;
        failed += tally.failed;
        if first_failure.is_none() {
            first_failure = tally.first_failure;
        }
        if stopped.is_none() {
            stopped = tally.gave_up;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let requests = ok + failed;
    latencies.sort_unstable();
    Ok(LoadReport {
        mode: config.mode,
        users: config.users,
        concurrency: workers,
        requests,
        ok,
        failed,
        p50_us: percentile(&latencies, 50),
        p99_us: percentile(&latencies, 99),
        req_per_s: if elapsed > 0.0 { requests as f64 / elapsed } else { 0.0 },
        bytes_sent: sent.load(Ordering::Relaxed),
        elapsed_s: elapsed,
        histogram: histogram(&latencies),
        first_failure,
        cancelled: requests < config.requests as u64 && stopped.is_none(),
        stopped,
    })
}

/// Logs every user in, `concurrency` at a time, and returns the header each one's requests carry.
async fn log_in(
    config: &LoadConfig,
    target: &Arc<Target>,
    cancel: &Arc<AtomicBool>,
) -> Result<Vec<(hyper::header::HeaderName, HeaderValue)>, LoadError> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    for _ in 0..config.concurrency.min(config.users) {
        let (target, next, cancel, mode, users) =
            (target.clone(), next.clone(), cancel.clone(), config.mode, config.users);
        handles.push(tokio::spawn(async move {
            let mut got = Vec::new();
            let mut conn: Option<Connection> = None;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= users {
                    return Ok(got);
                }
                if cancel.load(Ordering::Relaxed) {
                    return Err(LoadError::Cancelled);
                }
                // More users than the demo list reuse the names round robin: each login is its
                // own session or token all the same.
                let user = DEMO_USERS[i % DEMO_USERS.len()];
                let login_url = format!("{}://{}{}", "http", target.authority, target.join("login"));
                let fail = |reason: String| LoadError::Login { user: user.to_owned(), url: login_url.clone(), reason };
                let mut c = match conn.take() {
                    Some(c) if c.is_open() => c,
                    _ => Connection::open(&target, ByteCounter::default()).await.map_err(fail)?,
                };
                let body =
                    serde_json::to_vec(&json!({"user": user, "password": user})).map_err(|e| fail(e.to_string()))?;
                let request = Request::builder()
                    .method(Method::POST)
                    .uri(target.join("login"))
                    .header(HOST, target.authority.as_str())
                    .header(CONTENT_TYPE, "application/json")
                    .body(Full::new(Bytes::from(body)))
                    .map_err(|e| fail(e.to_string()))?;
                let (response, body) = c.send(request).await.map_err(fail)?;
                conn = Some(c);
                got.push((i, credential(mode, &response, &body).map_err(fail)?));
            }
        }));
    }
    let mut all = Vec::with_capacity(config.users);
    for handle in handles {
        all.extend(handle.await.map_err(|e| LoadError::Input(format!("a login worker stopped: {e}")))??);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, c)| c).collect())
}

/// The header a logged-in user's requests carry, from the login's response.
fn credential(
    mode: Mode,
    response: &hyper::Response<()>,
    body: &[u8],
) -> Result<(hyper::header::HeaderName, HeaderValue), String> {
    let status = response.status();
    if !status.is_success() {
        let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
        return Err(format!("HTTP {} {}", status.as_u16(), text.trim()));
    }
    match mode {
        Mode::Session => {
            // Every cookie the login set, as a browser would send them back.
            let pairs: Vec<&str> = response
                .headers()
                .get_all(SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .filter_map(|v| v.split(';').next())
                .map(str::trim)
                .filter(|p| p.contains('='))
                .collect();
            if pairs.is_empty() {
                return Err("the response set no cookie (is the server in session mode? try --mode jwt)".into());
            }
            let value =
                HeaderValue::from_str(&pairs.join("; ")).map_err(|e| format!("the Set-Cookie is unusable: {e}"))?;
            Ok((COOKIE, value))
        }
        // A hybrid server answers both; the requests carry its bearer token.
        Mode::Jwt | Mode::Hybrid => {
            let parsed: Value = serde_json::from_slice(body).map_err(|_| {
                "the response is not JSON with an access_token (is the server in jwt mode? try --mode session)"
                    .to_owned()
            })?;
            let token = parsed.get("access_token").and_then(Value::as_str).ok_or_else(|| {
                "the response has no access_token (is the server in jwt mode? try --mode session)".to_owned()
            })?;
            let value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|e| format!("the access_token cannot go in a header: {e}"))?;
            Ok((AUTHORIZATION, value))
        }
    }
}

/// One in-flight slot: its own keep-alive connection, taking request numbers until none are left.
struct Worker {
    target: Arc<Target>,
    credentials: Arc<Vec<(hyper::header::HeaderName, HeaderValue)>>,
    me: Uri,
    host: HeaderValue,
    next: Arc<AtomicUsize>,
    total: usize,
    sent: ByteCounter,
    cancel: Arc<AtomicBool>,
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    ok: u64,
    failed: u64,
    first_failure: Option<String>,
    gave_up: Option<String>,
}

/// Requests in a row one worker sends without getting any answer before the whole run stops:
/// a server that stopped answering would otherwise cost every remaining request its timeout.
pub const GIVE_UP_AFTER: u32 = 3;

impl Worker {
    async fn run(self) -> Tally {
        let mut tally = Tally::default();
        let mut conn: Option<Connection> = None;
        let mut unanswered = 0u32;
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.total || self.cancel.load(Ordering::Relaxed) {
                return tally;
            }
            let (name, value) = &self.credentials[i % self.credentials.len()];
            let mut request = Request::new(Full::new(Bytes::new()));
            *request.uri_mut() = self.me.clone();
            request.headers_mut().insert(HOST, self.host.clone());
            request.headers_mut().insert(name.clone(), value.clone());
            let started = Instant::now();
            let outcome = match conn.take() {
                Some(c) if c.is_open() => Ok(c),
                _ => Connection::open(&self.target, self.sent.clone()).await,
            };
            let outcome = match outcome {
                Ok(mut c) => {
                    let answered = c.send(request).await;
                    if answered.is_ok() {
                        conn = Some(c);
                    }
                    answered.map(|(response, _)| response.status())
                }
                Err(e) => Err(e),
            };
            let micros = u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX);
            tally.latencies_us.push(micros);
            match outcome {
                Ok(status) if status.is_success() => {
                    tally.ok += 1;
                    unanswered = 0;
                }
                Ok(status) => {
                    tally.failed += 1;
                    unanswered = 0;
                    tally.first_failure.get_or_insert_with(|| format!("GET /me answered HTTP {}", status.as_u16()));
                }
                Err(e) => {
                    tally.failed += 1;
                    unanswered += 1;
                    if unanswered >= GIVE_UP_AFTER {
                        tally.gave_up = Some(format!("{GIVE_UP_AFTER} requests in a row got no answer ({e})"));
                        self.cancel.store(true, Ordering::Relaxed);
                    }
                    tally.first_failure.get_or_insert(e);
                }
            }
        }
    }
}

/// The nearest-rank percentile `p` (0..=100) of sorted values; 0 for none.
#[must_use]
pub fn percentile(sorted_us: &[u32], p: u32) -> u64 {
    if sorted_us.is_empty() {
        return 0;
    }
    let n = sorted_us.len();
    // Nearest rank: the smallest value with at least p% of the values at or below it.
    let rank = (n * p as usize).div_ceil(100).clamp(1, n);
    u64::from(sorted_us[rank - 1])
}

/// Counts sorted latencies into [`HISTOGRAM_BOUNDS_US`]'s buckets plus the last, unbounded one.
#[must_use]
pub fn histogram(sorted_us: &[u32]) -> Vec<Bucket> {
    let mut buckets: Vec<Bucket> = HISTOGRAM_BOUNDS_US.iter().map(|&le| Bucket { le_us: Some(le), count: 0 }).collect();
    buckets.push(Bucket { le_us: None, count: 0 });
    for &v in sorted_us {
        let at = HISTOGRAM_BOUNDS_US.partition_point(|&le| le < u64::from(v));
        buckets[at].count += 1;
    }
    buckets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!((percentile(&v, 50), percentile(&v, 99), percentile(&v, 100)), (50, 99, 100));
        assert_eq!((percentile(&[7], 50), percentile(&[7], 99)), (7, 7));
        assert_eq!(percentile(&[1, 2, 3], 50), 2);
        assert_eq!(percentile(&[], 50), 0);
    }

    #[test]
    fn the_histogram_counts_each_latency_once_in_its_bucket() {
        let v = [1, 25, 26, 50, 999, 1_000, 1_001, 20_000_000];
        let h = histogram(&v);
        assert_eq!(h.len(), HISTOGRAM_BOUNDS_US.len() + 1);
        assert_eq!(h.iter().map(|b| b.count).sum::<u64>(), v.len() as u64);
        let count = |le: Option<u64>| h.iter().find(|b| b.le_us == le).unwrap().count;
        assert_eq!((count(Some(25)), count(Some(50)), count(Some(1_000)), count(Some(2_000))), (2, 2, 2, 1));
        assert_eq!(count(None), 1);
    }

    #[test]
    fn bounds_name_the_flag_and_range() {
        let ok = LoadConfig::new("http://127.0.0.1:8080", Mode::Jwt, 2, 10, 2);
        assert!(ok.check().is_ok());
        for (config, says) in [
            (LoadConfig { users: 0, ..ok.clone() }, "--users 0 is out of range: give 1 to 10000"),
            (
                LoadConfig { requests: MAX_REQUESTS + 1, ..ok.clone() },
                "--requests 5000001 is out of range: give 1 to 5000000",
            ),
            (LoadConfig { concurrency: 0, ..ok.clone() }, "--concurrency 0 is out of range: give 1 to 1024"),
            (LoadConfig { url: "ftp://x/".into(), ..ok.clone() }, "URL \"ftp://x/\" has the scheme"),
        ] {
            let e = config.check().unwrap_err();
            assert!(e.starts_with(says), "{e}");
            assert_eq!(load(&config, &Arc::new(AtomicBool::new(false))).unwrap_err(), LoadError::Input(e));
        }
    }

    #[test]
    fn credentials_come_from_the_login_response() {
        let response = hyper::Response::builder()
            .status(200)
            .header(SET_COOKIE, "sid=abc; HttpOnly; Secure; SameSite=Lax; Path=/")
            .body(())
            .unwrap();
        let (name, value) = credential(Mode::Session, &response, b"").unwrap();
        assert_eq!((name, value.to_str().unwrap()), (COOKIE, "sid=abc"));
        let body = br#"{"access_token":"a.b.c","token_type":"Bearer"}"#;
        let (name, value) = credential(Mode::Jwt, &response, body).unwrap();
        assert_eq!((name, value.to_str().unwrap()), (AUTHORIZATION, "Bearer a.b.c"));
        let plain = hyper::Response::builder().status(200).body(()).unwrap();
        assert!(credential(Mode::Session, &plain, b"").unwrap_err().contains("set no cookie"));
        assert!(credential(Mode::Jwt, &plain, b"{}").unwrap_err().contains("no access_token"));
        let refused = hyper::Response::builder().status(401).body(()).unwrap();
        assert_eq!(credential(Mode::Jwt, &refused, b"bad password").unwrap_err(), "HTTP 401 bad password");
    }

    #[test]
    fn an_unreachable_server_fails_the_login_naming_the_user_and_url() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let config = LoadConfig::new(&format!("http://127.0.0.1:{port}"), Mode::Session, 1, 5, 1);
        match load(&config, &Arc::new(AtomicBool::new(false))) {
            Err(LoadError::Login { user, url, reason }) => {
                assert_eq!((user.as_str(), url), ("alice", format!("http://127.0.0.1:{port}/login")));
                assert!(reason.contains("cannot connect"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    /// A server that answers the login, then closes every connection without an answer: the
    /// run stops after `GIVE_UP_AFTER` requests in a row without one, not after all 100,000.
    #[test]
    fn a_server_that_stops_answering_stops_the_run() {
        use std::io::{Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { return };
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                if n == 0 {
                    let body = r#"{"access_token": "a.b.c"}"#;
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                }
                // Later connections: read the request, close without a word.
            }
        });
        let config = LoadConfig::new(&format!("http://127.0.0.1:{port}"), Mode::Jwt, 1, 100_000, 1);
        let report = load(&config, &Arc::new(AtomicBool::new(false))).unwrap();
        assert_eq!(report.requests, u64::from(GIVE_UP_AFTER), "{report:?}");
        assert_eq!(report.ok, 0);
        assert!(!report.cancelled);
        assert!(report.stopped.as_deref().unwrap().starts_with("3 requests in a row got no answer"), "{report:?}");
        assert!(report.to_text().contains("stopped before all requests were sent"));
        assert_eq!(report.to_json()["stopped"], report.stopped.clone().unwrap());
    }
}
