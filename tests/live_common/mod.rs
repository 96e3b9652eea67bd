//! Helpers the live-lab test files share: start `tokenbench serve` and read its ready line,
//! talk HTTP to it over loopback, start a private Redis. Each file includes this module and
//! uses what it needs (hence `dead_code` allowed here).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A running `tokenbench serve`, killed when dropped.
pub struct Serve {
    /// The child process.
    pub child: Child,
    /// The balancer's URL.
    pub url: String,
    /// The app servers' URLs.
    pub servers: Vec<String>,
    /// The whole ready line.
    pub ready: Value,
    /// Everything written to stderr so far.
    pub stderr: Arc<Mutex<String>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The tokenbench binary.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tokenbench"));
    c.env("NO_COLOR", "1");
    c
}

/// Starts `tokenbench serve --listen 127.0.0.1:0 ARGS` and waits for its ready line.
pub fn serve(args: &[&str]) -> Serve {
    let mut child = bin()
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = Arc::new(Mutex::new(String::new()));
    let mut err_pipe = child.stderr.take().unwrap();
    let sink = stderr.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = err_pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_mins(1)).unwrap_or_default();
    let Ok(ready) = serde_json::from_str::<Value>(&line) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("no ready line from serve {args:?}: stdout {line:?}, stderr {:?}", stderr.lock().unwrap());
    };
    let url = ready["url"].as_str().unwrap().to_owned();
    let servers = ready["servers"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect();
    Serve { child, url, servers, ready, stderr }
}

/// One HTTP answer.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// Header lines, names lowercased, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    /// Every value of a header.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.all(name).first().copied()
    }

    /// The value a Set-Cookie gave the cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.all("set-cookie").iter().find_map(|c| {
            c.split(';').next().and_then(|pair| pair.trim().strip_prefix(&format!("{name}="))).map(str::to_owned)
        })
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(20)))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .new_agent()
}

/// Sends one request: `headers` as given, `body` as JSON when present.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&Value>) -> Answer {
    let agent = agent();
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    for (n, v) in headers {
        builder = builder.header(*n, *v);
    }
    let result = match body {
        Some(b) => {
            let req = builder.header("content-type", "application/json").body(b.to_string()).unwrap();
            agent.run(req)
        }
        None => agent.run(builder.body(()).unwrap()),
    };
    let mut resp = result.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_ascii_lowercase(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    Answer { status, headers, body }
}

/// `GET url+path` with headers.
pub fn get(base: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
    request("GET", &format!("{base}{path}"), headers, None)
}

/// `POST url+path` with headers and a JSON body.
pub fn post(base: &str, path: &str, headers: &[(&str, &str)], body: Option<&Value>) -> Answer {
    request("POST", &format!("{base}{path}"), headers, body)
}

/// Logs `user` in with its demo password.
pub fn login(base: &str, user: &str) -> Answer {
    post(base, "/login", &[], Some(&json!({"user": user, "password": user})))
}

/// Logs `user` in (jwt or hybrid mode) and returns its access token.
pub fn access_token(base: &str, user: &str) -> String {
    let answer = login(base, user);
    assert_eq!(answer.status, 200, "login {user}: {}", answer.body);
    answer.json()["access_token"].as_str().unwrap().to_owned()
}

/// `Authorization: Bearer T`.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// `GET /me` with the bearer token.
pub fn me_bearer(base: &str, token: &str) -> Answer {
    get(base, "/me", &[("authorization", &bearer(token))])
}

/// `GET /me` with a Cookie line.
pub fn me_cookie(base: &str, cookie: &str) -> Answer {
    get(base, "/me", &[("cookie", cookie)])
}

/// A TCP port free right now on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A private Redis on a free loopback port, stopped when dropped. A missing redis-server is a
/// test failure, never a skip.
pub struct Redis {
    child: Child,
    /// `redis://127.0.0.1:PORT`.
    pub url: String,
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `redis-server --port P --save '' --appendonly no` and waits until it answers PING.
pub fn start_redis() -> Redis {
    let port = free_port();
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("redis-server could not be started ({e}); install it (Debian: apt-get install redis-server)")
        });
    let url = format!("redis://127.0.0.1:{port}");
    let r = Redis { child, url };
    let client = redis::Client::open(r.url.as_str()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(mut con) = client.get_connection()
            && redis::cmd("PING").query::<String>(&mut con).is_ok()
        {
            return r;
        }
        assert!(Instant::now() < deadline, "redis-server on port {port} never answered PING");
        std::thread::sleep(Duration::from_millis(50));
    }
}
