//! `tokenbench load URL --mode session|jwt --users U --requests R [--concurrency C]`: logs U
//! demo users in, sends R authenticated `GET /me` with C in flight and reports counts,
//! percentiles, throughput, bytes sent and a latency histogram. Exit 0 when every request got
//! a 2xx, 1 when any failed, 2 for unusable input (a bad URL or flag, a failed login).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clap::Args;

use super::{out, out_json, say};
use crate::core::labs::live::Mode;
use crate::core::labs::live::load::{self, LoadConfig, MAX_CONCURRENCY, MAX_REQUESTS, MAX_USERS};

/// Arguments of `tokenbench load`.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// The server's base URL, http://HOST:PORT (as `tokenbench serve` prints it).
    #[arg(value_name = "URL")]
    pub url: String,
    /// session (cookies) or jwt (bearer tokens): what the server hands out at login.
    #[arg(long, value_name = "MODE", value_parser = mode_name)]
    pub mode: Mode,
    /// How many users log in (1 to 10000; demo names reused round robin).
    #[arg(long, value_name = "U", allow_hyphen_values = true, value_parser = |s: &str| count(s, "--users", MAX_USERS))]
    pub users: usize,
    /// How many authenticated GET /me to send (1 to 5000000).
    #[arg(long, value_name = "R", allow_hyphen_values = true, value_parser = |s: &str| count(s, "--requests", MAX_REQUESTS))]
    pub requests: usize,
    /// How many requests in flight, one keep-alive connection each (1 to 1024).
    #[arg(long, value_name = "C", default_value_t = 16, allow_hyphen_values = true, value_parser = |s: &str| count(s, "--concurrency", MAX_CONCURRENCY))]
    pub concurrency: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A whole number from 1 to `max`; the message names the flag and the range.
fn count(s: &str, flag: &str, max: usize) -> Result<usize, String> {
    // The same words as the core's range check, so a flag reads alike however it is wrong.
    match s.trim().parse::<i128>() {
        Ok(n) if n >= 1 && n <= max as i128 => usize::try_from(n).map_err(|_| format!("{flag} {s} is out of range")),
        Ok(_) => Err(format!("{flag} {s} is out of range: give 1 to {max}")),
        Err(_) => Err(format!("{flag} {s:?} is not a whole number: give 1 to {max}")),
    }
}

fn mode_name(name: &str) -> Result<Mode, String> {
    // The credential the requests carry: a cookie or a bearer token (a hybrid server takes
    // either, so it is loaded as one or the other).
    match name.parse::<Mode>() {
        Ok(mode @ (Mode::Session | Mode::Jwt)) => Ok(mode),
        _ => Err(format!("unknown mode {name:?}; one of: session, jwt")),
    }
}

pub(super) fn load_cmd(args: &LoadArgs) -> u8 {
    let config = LoadConfig::new(&args.url, args.mode, args.users, args.requests, args.concurrency);
    match load::load(&config, &Arc::new(AtomicBool::new(false))) {
        Ok(report) => {
            if args.json {
                out_json(&report.to_json());
            } else {
                out(&report.to_text());
            }
            u8::from(report.failed > 0)
        }
        Err(e) => {
            say(&e.to_string());
            2
        }
    }
}
