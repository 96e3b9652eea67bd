//! `tokenbench probe URL --token T`: sends the honest token, a garbage token and every forgery
//! built from the honest one to an endpoint, and reports which forgeries it accepts. Exit 0
//! when none is accepted, 1 when any is, 2 for unusable input (a bad URL or flag, an
//! unreachable endpoint, a refused honest token).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use clap::Args;

use super::{out, out_json, read_token_arg, say};
use crate::core::engine::limits;
use crate::core::labs::live::probe::{self, Placement, ProbeConfig};

/// Arguments of `tokenbench probe`.
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The endpoint, http://HOST:PORT/PATH: every request is a GET of exactly this URL, no
    /// redirect followed.
    #[arg(value_name = "URL")]
    pub url: String,
    /// The honest token the endpoint accepts (`-` for stdin, `@FILE` for a file).
    #[arg(long, value_name = "T")]
    pub token: String,
    /// Send the token in this header, as its whole value (default: Authorization: Bearer).
    #[arg(long, value_name = "NAME", conflicts_with = "cookie")]
    pub header: Option<String>,
    /// Send the token as this cookie (Cookie: NAME=T).
    #[arg(long, value_name = "NAME")]
    pub cookie: Option<String>,
    /// The issuer's public key file, for the confusion attack (skipped without it).
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn probe_cmd(args: &ProbeArgs) -> u8 {
    // Each unreadable input is named by its flag.
    let token = match read_token_arg(&args.token) {
        Ok(t) => t.trim().to_owned(),
        Err(e) => {
            say(&format!("--token: {e}"));
            return 2;
        }
    };
    let public_key_file = match &args.key {
        Some(path) => match limits::read_file(path) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                say(&format!("--key: {e}"));
                return 2;
            }
        },
        None => None,
    };
    let placement = match (&args.header, &args.cookie) {
        (Some(name), _) => Placement::Header(name.clone()),
        (None, Some(name)) => Placement::Cookie(name.clone()),
        (None, None) => Placement::Bearer,
    };
    let config = ProbeConfig { url: args.url.clone(), token, placement, public_key_file };
    match probe::probe(&config, &AtomicBool::new(false)) {
        Ok(report) => {
            if args.json {
                out_json(&report.to_json());
            } else {
                out(&report.to_text());
            }
            u8::from(!report.accepted().is_empty())
        }
        Err(e) => {
            say(&e.to_string());
            2
        }
    }
}
