//! A real `tokenbench serve` for the live tests: started on a free loopback port, stopped
//! (killed and reaped) when dropped, with a login helper. Shared by `tests/live_probe.rs` and
//! `tests/live_load.rs` through `#[path]`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// A running server.
pub struct Serve {
    child: Child,
    /// Its base URL, `http://127.0.0.1:PORT`, as it printed it.
    pub url: String,
}

impl Serve {
    /// Starts `tokenbench serve --listen 127.0.0.1:0 --for 120` with `args` and waits for its
    /// ready line.
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tokenbench"))
            .args(["serve", "--listen", "127.0.0.1:0", "--for", "120"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let ready: Value = serde_json::from_str(&line).unwrap_or_else(|e| {
            let _ = child.kill();
            panic!("serve {args:?} printed no ready line ({e}): {line:?}")
        });
        let url = ready["url"].as_str().unwrap().to_owned();
        Self { child, url }
    }

    /// Logs `user` in (password: the name) and returns the JSON body (jwt and hybrid modes).
    pub fn login_json(&self, user: &str) -> Value {
        let mut response = ureq::post(&format!("{}/login", self.url))
            .header("Content-Type", "application/json")
            .send(format!(r#"{{"user": "{user}", "password": "{user}"}}"#))
            .unwrap();
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap()
    }

    /// A JWT access token for `user`.
    pub fn access_token(&self, user: &str) -> String {
        self.login_json(user)["access_token"].as_str().unwrap().to_owned()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
