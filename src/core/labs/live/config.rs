//! What a live lab run is: the mode, the store, the revocation strategy, the signing key, the
//! forgeries a vulnerable-on-purpose verifier accepts, and the bounds every server keeps.
//!
//! Parsing lives here (not in the CLI) so the window builds the same [`Config`] from its
//! controls and gets the same messages naming the setting that is wrong.

use std::net::SocketAddr;
use std::time::Duration;

use crate::core::engine::forge::Attack;
use crate::core::engine::keys::Key;
/// The same designs the Flows model runs: the live lab serves what the model predicts.
pub use crate::core::labs::flows::{Mode, Revocation};

/// The demo users: each one's password is its own name. Anyone else gets 401.
pub const DEMO_USERS: [&str; 4] = ["alice", "bob", "carol", "dave"];

/// The `iss` of every token the live servers issue.
pub const ISSUER: &str = "tokenbench-live";

/// The `aud` of every token the live servers issue.
pub const AUDIENCE: &str = "tokenbench-live-api";

/// The response header every response of a vulnerable-on-purpose server carries.
pub const VULNERABLE_HEADER: &str = "x-tokenbench-vulnerable";

/// Where sessions, denylist entries, version counters and refresh tokens live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreKind {
    /// In-process memory shared by every app server: nothing to install.
    Embedded,
    /// In-process memory, one per app server: what `--sticky` demos, since a server's
    /// sessions die with it.
    PerServer,
    /// A real Redis at this `redis://HOST:PORT` URL.
    Redis(String),
}

impl StoreKind {
    /// The CLI spelling.
    #[must_use]
    pub fn name(&self) -> String {
        match self {
            Self::Embedded => "embedded".into(),
            Self::PerServer => "per-server".into(),
            Self::Redis(url) => url.clone(),
        }
    }
}

impl std::str::FromStr for StoreKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "embedded" => Ok(Self::Embedded),
            "per-server" => Ok(Self::PerServer),
            url if url.starts_with("redis://") => {
                let host_port = url.trim_start_matches("redis://").split('/').next().unwrap_or_default();
                // Never a user or password: the lab's Redis is a local one, and a password in a
                // URL would be echoed by every message that names the store.
                if host_port.contains('@') {
                    return Err("--store: a Redis URL here is redis://HOST:PORT, without a user or password".to_owned());
                }
                let ok = host_port
                    .rsplit_once(':')
                    .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p != 0));
                if ok {
                    Ok(Self::Redis(url.to_owned()))
                } else {
                    Err(format!("--store {url:?}: a Redis store is redis://HOST:PORT (e.g. redis://127.0.0.1:6379)"))
                }
            }
            other => Err(format!("--store {other:?} is not embedded, per-server or redis://HOST:PORT")),
        }
    }
}

/// Parses `--accept-attacks LIST`: comma-separated attack names, each once.
///
/// # Errors
/// Names the unknown or repeated entry.
pub fn parse_attacks(list: &str) -> Result<Vec<Attack>, String> {
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim) {
        let attack = Attack::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = Attack::ALL.iter().map(|a| a.name()).collect();
            format!("--accept-attacks: {name:?} is not an attack; the list takes {}", names.join(", "))
        })?;
        if out.contains(&attack) {
            return Err(format!("--accept-attacks: {name:?} is listed twice"));
        }
        out.push(attack);
    }
    Ok(out)
}

/// The bounds every listener keeps: a server on the user's machine must not be exhausted by one
/// slow or greedy client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Largest request head (request line and headers), bytes.
    pub max_header_bytes: usize,
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Connections served at once per listener; more wait for a free slot.
    pub max_connections: usize,
    /// Time to receive a request's head.
    pub header_timeout: Duration,
    /// Time to answer one request (the balancer's wait for an app server included).
    pub request_timeout: Duration,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            max_header_bytes: 16 * 1024,
            max_body_bytes: 16 * 1024,
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// Everything a live lab run needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the load balancer listens (port 0: the OS chooses).
    pub listen: SocketAddr,
    /// Accept a non-loopback `listen` (never with `accept_attacks`).
    pub allow_remote: bool,
    /// How many app servers stand behind the balancer (1 to 16).
    pub servers: usize,
    /// Session, JWT or hybrid.
    pub mode: Mode,
    /// Where server-side state lives.
    pub store: StoreKind,
    /// How a JWT logout is honoured.
    pub revocation: Revocation,
    /// Pin each client to one app server by a cookie.
    pub sticky: bool,
    /// The signing key (with its private part); `None` generates an EC P-256 key in memory.
    pub key: Option<Key>,
    /// The forgeries the verifier accepts on purpose; empty: the project's strict verifier.
    pub accept_attacks: Vec<Attack>,
    /// Lifetime of an access token, seconds.
    pub access_ttl: u64,
    /// Lifetime of a session and of a refresh token, seconds.
    pub session_ttl: u64,
    /// Listener bounds.
    pub bounds: Bounds,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            allow_remote: false,
            servers: 2,
            mode: Mode::Session,
            store: StoreKind::Embedded,
            revocation: Revocation::None,
            sticky: false,
            key: None,
            accept_attacks: Vec::new(),
            access_ttl: 300,
            session_ttl: 1800,
            bounds: Bounds::default(),
        }
    }
}

/// Most app servers one run starts.
pub const MAX_SERVERS: usize = 16;

impl Config {
    /// Why this configuration cannot run, naming the setting.
    ///
    /// # Errors
    /// A non-loopback listen address without `allow_remote`, or with attacks accepted; a server
    /// count outside 1..=16; a zero lifetime; a signing key without its private part.
    pub fn validate(&self) -> Result<(), String> {
        let loopback = self.listen.ip().is_loopback();
        if !loopback && !self.accept_attacks.is_empty() {
            return Err(format!(
                "--listen {}: a server that accepts forged tokens (--accept-attacks) listens on loopback only",
                self.listen
            ));
        }
        if !loopback && !self.allow_remote {
            return Err(format!(
                "--listen {}: not a loopback address; pass --allow-remote to expose the lab beyond this machine",
                self.listen
            ));
        }
        if self.servers == 0 || self.servers > MAX_SERVERS {
            return Err(format!("--servers {}: between 1 and {MAX_SERVERS}", self.servers));
        }
        if self.access_ttl == 0 {
            return Err("--access-ttl: must be at least 1 second".into());
        }
        if self.session_ttl == 0 {
            return Err("--session-ttl: must be at least 1 second".into());
        }
        if let Some(key) = &self.key
            && !key.is_secret()
        {
            return Err(format!("--key: {} holds no private key to sign with", key.label()));
        }
        Ok(())
    }
}
