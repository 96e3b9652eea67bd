//! `tokenbench serve`: the live lab's servers. Starts N app servers behind a round-robin
//! reverse proxy on loopback, prints one JSON line on stdout when ready, then logs every
//! request to stderr until `--for` runs out or the process is interrupted. Exit 0 after a clean
//! stop, 2 when the flags or the environment (a port in use, a Redis that does not answer)
//! make it impossible to start.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use tokio::sync::broadcast::error::RecvError;

use super::{say, say_lines};
use crate::core::engine::error::Error;
use crate::core::engine::forge::Attack;
use crate::core::engine::keys;
use crate::core::labs::live::config::{self, Config, MAX_SERVERS, Mode, Revocation, StoreKind};
use crate::core::labs::live::server;

/// Arguments of `tokenbench serve`.
#[derive(Debug, Args)]
#[command(after_help = "Demo users: alice, bob, carol and dave; each one's password is its own name \
    (anyone else gets 401).\n\nEndpoints: POST /login {\"user\", \"password\"}, GET /me, POST /logout, \
    POST /refresh {\"refresh_token\"}, GET /.well-known/jwks.json, GET /.well-known/public-key.pem; \
    on loopback only: GET /admin/servers, POST /admin/servers/I/stop, POST /admin/servers/I/start.")]
pub struct ServeArgs {
    /// session (a sid cookie), jwt (a bearer access token and a refresh token) or hybrid (both).
    #[arg(long, value_name = "MODE", value_parser = parse_mode)]
    pub mode: Mode,
    /// Where the load balancer listens; port 0 lets the OS choose.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    pub listen: SocketAddr,
    /// Listen on a non-loopback --listen address (the lab is then reachable from the network).
    #[arg(long)]
    pub allow_remote: bool,
    /// How many app servers stand behind the balancer (1 to 16).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = parse_servers)]
    pub servers: usize,
    /// embedded (in-process, shared by the servers), per-server (each server its own memory,
    /// for --sticky demos) or redis://HOST:PORT.
    #[arg(long, value_name = "STORE", default_value = "embedded", value_parser = parse_store)]
    pub store: StoreKind,
    /// How a JWT logout is honoured: none (valid until exp), denylist (the jti) or version (a
    /// per-user counter).
    #[arg(long, value_name = "STRATEGY", default_value = "none", value_parser = parse_revocation)]
    pub revocation: Revocation,
    /// Pin each client to the app server that answered it first, by an lb cookie.
    #[arg(long)]
    pub sticky: bool,
    /// The signing key file (a private key: PEM, DER or JWK); default: a fresh EC P-256 key made
    /// in memory.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Make the JWT verifier accept these forgeries ON PURPOSE, as vulnerable libraries did:
    /// a comma-separated list of none, none-case, confusion, embedded-jwk, jku, kid-traversal,
    /// psychic, tamper. Loopback only; every response then says so in X-Tokenbench-Vulnerable.
    #[arg(long, value_name = "LIST", value_parser = parse_attacks)]
    pub accept_attacks: Option<AttackList>,
    /// Stop by itself after this many seconds (default: run until interrupted).
    #[arg(long = "for", value_name = "SECONDS", value_parser = parse_seconds, allow_hyphen_values = true)]
    pub run_for: Option<f64>,
    /// Lifetime of an access token, seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300, value_parser = parse_ttl)]
    pub access_ttl: u64,
    /// Lifetime of a session and of a refresh token, seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 1800, value_parser = parse_ttl)]
    pub session_ttl: u64,
}

/// The parsed `--accept-attacks` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttackList(pub Vec<Attack>);

fn parse_mode(s: &str) -> Result<Mode, String> {
    s.parse().map_err(|e| format!("--mode {e}"))
}

fn parse_store(s: &str) -> Result<StoreKind, String> {
    s.parse()
}

fn parse_revocation(s: &str) -> Result<Revocation, String> {
    s.parse().map_err(|e| format!("--revocation {e}"))
}

fn parse_attacks(s: &str) -> Result<AttackList, String> {
    config::parse_attacks(s).map(AttackList)
}

fn parse_listen(s: &str) -> Result<SocketAddr, String> {
    s.parse().map_err(|_| format!("--listen {s:?} is not ADDR:PORT (e.g. 127.0.0.1:8080, [::1]:0)"))
}

fn parse_servers(s: &str) -> Result<usize, String> {
    s.parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_SERVERS).contains(n))
        .ok_or_else(|| format!("--servers {s:?}: a whole number from 1 to {MAX_SERVERS}"))
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x > 0.0 && *x <= 31_536_000.0)
        .ok_or_else(|| format!("--for {s:?}: a number of seconds above 0 (at most a year)"))
}

fn parse_ttl(s: &str) -> Result<u64, String> {
    s.parse::<u64>()
        .ok()
        .filter(|x| (1..=31_536_000).contains(x))
        .ok_or_else(|| format!("{s:?}: a whole number of seconds from 1 to 31536000"))
}

pub(super) fn serve_cmd(args: &ServeArgs) -> Result<u8, Error> {
    let key = match &args.key {
        Some(path) => {
            let loaded = keys::load_file(path)?;
            let Some(k) = loaded.into_iter().find(keys::Key::is_secret) else {
                say(&format!("--key {}: holds no private key to sign with", path.display()));
                return Ok(2);
            };
            Some(k)
        }
        None => None,
    };
    let accept_attacks = args.accept_attacks.clone().map(|l| l.0).unwrap_or_default();
    if !accept_attacks.is_empty() && !args.mode.tokens() {
        say("--accept-attacks: session mode verifies no token; use --mode jwt or hybrid");
        return Ok(2);
    }
    if args.revocation != Revocation::None && !args.mode.tokens() {
        say("--revocation: session mode revokes by deleting the session; the strategies are for --mode jwt or hybrid");
        return Ok(2);
    }
    let config = Config {
        listen: args.listen,
        allow_remote: args.allow_remote,
        servers: args.servers,
        mode: args.mode,
        store: args.store.clone(),
        revocation: args.revocation,
        sticky: args.sticky,
        key,
        accept_attacks,
        access_ttl: args.access_ttl,
        session_ttl: args.session_ttl,
        ..Config::default()
    };
    let running = match server::start(config) {
        Ok(r) => r,
        Err(e) => {
            say(&e);
            return Ok(2);
        }
    };
    // Following the log starts before the ready line is printed: a client that sends its first
    // request the moment it reads that line finds it logged.
    let mut entries = running.subscribe();
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{}", running.ready_line());
        let _ = stdout.flush();
    }
    if args.accept_attacks.is_some() {
        say("WARNING: this server accepts forged tokens on purpose (--accept-attacks); loopback only");
    }
    // Request lines go to stderr as they happen; stdout holds only the ready line.
    std::thread::spawn(move || {
        loop {
            match entries.blocking_recv() {
                Ok(entry) => say_lines(&entry.line()),
                Err(RecvError::Lagged(n)) => say(&format!("{n} requests not shown: the log fell behind")),
                Err(RecvError::Closed) => break,
            }
        }
    });
    running.wait(args.run_for.map(Duration::from_secs_f64));
    running.shutdown();
    Ok(0)
}
