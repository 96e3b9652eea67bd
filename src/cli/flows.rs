//! `tokenbench simulate flow`: the request-flow model ([`crate::core::labs::flows`]) on the command
//! line, with an exact JSON contract.
//!
//! `--json` prints exactly `{"requests", "bytes_per_request", "store_lookups",
//! "signature_verifications", "failed_requests", "sessions_lost", "replication_messages",
//! "elapsed_ms"}`. Exit 0, or 2 with a message for unusable arguments (N < 1, U < 1,
//! `--fail-server-at` with one server, `--store` with `--mode jwt`, an unreadable token file).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::{out, read_token_arg};
use crate::core::engine::clock::system_now;
use crate::core::engine::error::Error;
use crate::core::engine::limits;
use crate::core::engine::token;
use crate::core::labs::flows::{Config, Flow, Mode, Revocation, Store, Totals, credential};
use crate::core::text::visible;

/// `--mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// A session id in a cookie, a store lookup per request.
    Session,
    /// A signed token in the Authorization header, a verification per request.
    Jwt,
    /// A session at the edge, short-lived JWTs to the services.
    Hybrid,
}

/// `--store`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreArg {
    /// One store every server reaches over the network.
    Shared,
    /// Each server keeps the sessions it created.
    Local,
    /// Every server keeps every session; logins are copied to all.
    Replicated,
}

/// `--revocation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RevocationArg {
    /// No check: a token is valid until it expires.
    None,
    /// Look the token's jti up in a denylist on every verification.
    Denylist,
    /// Compare the token's version with the user's on every verification.
    Version,
}

/// Arguments of `tokenbench simulate flow`.
#[derive(Debug, Args)]
pub struct FlowArgs {
    /// Where the authentication state lives.
    #[arg(long, value_enum)]
    pub mode: ModeArg,
    /// Where sessions are kept (session and hybrid mode; default shared).
    #[arg(long, value_enum)]
    pub store: Option<StoreArg>,
    /// Route each user to the server that served its login.
    #[arg(long)]
    pub sticky: bool,
    /// App servers (N >= 1).
    #[arg(long, value_name = "N")]
    pub servers: u32,
    /// Users, all logged in before the first request (U >= 1).
    #[arg(long, value_name = "U")]
    pub users: u32,
    /// Requests after the logins; request j is made by user j mod U.
    #[arg(long, value_name = "R")]
    pub requests: u64,
    /// Downstream services every request fans out to.
    #[arg(long, value_name = "M", default_value_t = 0)]
    pub services: u32,
    /// JWT mode's revocation check (adds 1 + M lookups per request).
    #[arg(long, value_enum, default_value = "none")]
    pub revocation: RevocationArg,
    /// Server 0 dies just before request I (needs N >= 2).
    #[arg(long, value_name = "I")]
    pub fail_server_at: Option<u64>,
    /// The JWT to carry: the token, `-` for stdin, `@FILE`, or a file's path (default: a
    /// generated typical access token, 812 bytes).
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

impl FlowArgs {
    /// The model config these arguments describe, the token's length given.
    ///
    /// # Errors
    /// The message for `--store` with `--mode jwt`.
    pub fn config(&self, token_bytes: usize) -> Result<Config, String> {
        let mode = match self.mode {
            ModeArg::Session => Mode::Session,
            ModeArg::Jwt => Mode::Jwt,
            ModeArg::Hybrid => Mode::Hybrid,
        };
        if mode == Mode::Jwt && self.store.is_some() {
            return Err("--store applies to session and hybrid mode: JWT mode keeps no session store (a \
                        revocation store is chosen with --revocation)"
                .into());
        }
        let store = match self.store {
            None | Some(StoreArg::Shared) => Store::Shared,
            Some(StoreArg::Local) => Store::Local,
            Some(StoreArg::Replicated) => Store::Replicated,
        };
        let revocation = match self.revocation {
            RevocationArg::None => Revocation::None,
            RevocationArg::Denylist => Revocation::Denylist,
            RevocationArg::Version => Revocation::Version,
        };
        Ok(Config {
            mode,
            store,
            sticky: self.sticky,
            servers: self.servers,
            users: self.users,
            requests: self.requests,
            services: self.services,
            revocation,
            fail_server_at: self.fail_server_at,
            token_bytes,
            ..Config::default()
        })
    }
}

/// Reads `--token`: `-` (stdin) and `@FILE` as every TOKEN argument; else a path to an existing
/// file (the original form), else the token itself. Returns the cleaned compact token
/// (whitespace and a `Bearer` prefix removed), which must be a signed JWS: a flow verifies a
/// signature on every request, and `alg: none` or an encrypted token has none to verify.
fn read_flow_token(arg: &str) -> Result<String, String> {
    let file = arg.strip_prefix('@').unwrap_or(arg);
    let (text, source) = if arg == "-" {
        (read_token_arg(arg).map_err(|e| e.to_string())?, "the token on stdin".to_owned())
    } else if arg.starts_with('@') || Path::new(arg).exists() || token::parse(arg).is_err() {
        let shown = visible(file);
        let bytes = limits::read_file(Path::new(file)).map_err(|e| match e {
            Error::Io { reason, .. } => format!("cannot read the token file {shown}: {reason}"),
            other => other.to_string(),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| format!("the token file {shown} is not UTF-8 text"))?;
        (text, format!("the token file {shown}"))
    } else {
        (arg.to_owned(), "--token".to_owned())
    };
    let parsed = token::parse(&text).map_err(|e| format!("{source} does not hold a token: {e}"))?;
    if parsed.serialization != token::Serialization::Compact {
        return Err(format!("{source} holds a JWS JSON serialization; a header carries a compact token"));
    }
    if parsed.kind == token::Kind::Jwe {
        return Err(format!("{source} holds an encrypted token (JWE); a flow needs a signed JWS to verify"));
    }
    if let Some(alg) = parsed.alg().filter(|a| a.eq_ignore_ascii_case("none")) {
        return Err(format!("{source} is unsigned (alg {alg:?}); a flow needs a signed JWS to verify"));
    }
    Ok(parsed.text)
}

/// The JSON object of the contract.
#[must_use]
pub fn flow_json(totals: &Totals, bytes_per_request: usize, elapsed_ms: f64) -> Value {
    json!({
        "requests": totals.requests,
        "bytes_per_request": bytes_per_request,
        "store_lookups": totals.store_lookups,
        "signature_verifications": totals.signature_verifications,
        "failed_requests": totals.failed_requests,
        "sessions_lost": totals.sessions_lost,
        "replication_messages": totals.replication_messages,
        "elapsed_ms": (elapsed_ms * 1000.0).round() / 1000.0,
    })
}

fn fail(message: &str) -> u8 {
    super::say(message);
    2
}

/// Runs `simulate flow`; returns the exit code.
///
/// # Errors
/// Never: unusable arguments print their message and return exit code 2.
pub(crate) fn run(args: &FlowArgs) -> Result<u8, Error> {
    let token_bytes = match &args.token {
        Some(arg) => match read_flow_token(arg) {
            Ok(t) => t.len(),
            Err(message) => return Ok(fail(&message)),
        },
        #[allow(clippy::cast_possible_truncation)]
        None => credential::typical_token(system_now().floor() as i64)?.len(),
    };
    let cfg = match args.config(token_bytes) {
        Ok(c) => c,
        Err(message) => return Ok(fail(&message)),
    };
    let mut model = match Flow::new(cfg) {
        Ok(m) => m,
        Err(e) => return Ok(fail(&e.to_string())),
    };
    if cfg.mode == Mode::Session && args.token.is_some() {
        super::say("note: --token is not used in session mode: every request carries the session cookie");
    }
    if cfg.mode != Mode::Jwt && args.revocation != RevocationArg::None {
        super::say("note: --revocation applies to JWT mode; a session is revoked by deleting it");
    }
    let start = Instant::now();
    let totals = model.run();
    let elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    let bytes = cfg.bytes_per_request();
    if args.json {
        out(&format!("{}\n", flow_json(&totals, bytes, elapsed_ms)));
    } else {
        out(&text(&cfg, &totals, elapsed_ms));
    }
    Ok(0)
}

fn text(cfg: &Config, t: &Totals, elapsed_ms: f64) -> String {
    let mut s = String::new();
    let store = if cfg.mode == Mode::Jwt {
        format!("revocation {}", cfg.revocation.name())
    } else {
        format!("{} store", cfg.store.name())
    };
    let _ = writeln!(
        s,
        "{} mode, {store}{}, {}, {}, {} per request",
        cfg.mode.name(),
        if cfg.sticky { ", sticky" } else { "" },
        crate::core::text::count(cfg.servers, "server", "servers"),
        crate::core::text::count(cfg.users, "user", "users"),
        crate::core::text::count(cfg.services, "service", "services")
    );
    let rows: [(&str, String); 10] = [
        ("requests", t.requests.to_string()),
        ("bytes per request", cfg.bytes_per_request().to_string()),
        ("store lookups", t.store_lookups.to_string()),
        ("  over the network", t.remote_lookups.to_string()),
        ("signature verifications", t.signature_verifications.to_string()),
        ("failed requests", t.failed_requests.to_string()),
        ("sessions lost", t.sessions_lost.to_string()),
        ("replication messages", t.replication_messages.to_string()),
        ("credential bytes sent", t.client_bytes.to_string()),
        ("elapsed", format!("{elapsed_ms:.3} ms")),
    ];
    for (name, value) in rows {
        let _ = writeln!(s, "{name:<24} {value}");
    }
    if elapsed_ms > 0.0 && t.requests > 0 {
        let rate = t.requests as f64 / elapsed_ms / 1000.0;
        let _ = writeln!(s, "{:<24} {rate:.1} million requests/s simulated", "speed");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_ms_is_rounded_to_microseconds_and_counts_are_the_models() {
        // The key list itself is tested through the binary (tests/cli_flow.rs).
        let t = crate::core::labs::flows::simulate(&Config { requests: 3, ..Config::default() }).unwrap();
        let v = flow_json(&t, 34, 1.234_56);
        assert_eq!(v["elapsed_ms"], 1.235);
        assert_eq!((v["requests"].as_u64(), v["store_lookups"].as_u64()), (Some(3), Some(3)));
    }
}
