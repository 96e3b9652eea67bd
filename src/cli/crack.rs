//! `tokenbench crack`: the HMAC secret of an HS256/384/512 token against a wordlist, on every
//! core. Exit 0 with the secret on stdout when found, 1 when not, 2 for unusable input.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::{out, out_json, read_token_arg, say};
use crate::core::engine::crack::{self, CrackError, Progress, Rules, Target};
use crate::core::engine::error::Error;
use crate::core::engine::token;
use crate::core::text::{count, visible};

/// Arguments of `tokenbench crack`.
#[derive(Debug, Args)]
pub struct CrackArgs {
    /// The wordlist (one candidate per line, any size, streamed); default: the bundled list of
    /// published default secrets.
    #[arg(long, value_name = "FILE")]
    pub wordlist: Option<PathBuf>,
    /// Also try case variants, appended digits 0-99 and appended years 1990-2035.
    #[arg(long)]
    pub rules: bool,
    /// Worker threads, 1 to 256 (default: every core).
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Print `{"found", "secret", "candidates", "elapsed_ms", "candidates_per_second",
    /// "secret_hex", "secret_base64url"}` (`candidates_per_second` is null for a run too short
    /// to rate).
    #[arg(long)]
    pub json: bool,
    /// The token, `-` for stdin, or `@FILE`.
    pub token: String,
}

/// `--threads`: a whole number from 1 to [`crack::MAX_THREADS`].
fn parse_threads(text: &str) -> Result<usize, String> {
    let cores = crack::default_threads();
    let n: usize = text.trim().parse().map_err(|_| {
        format!(
            "{text:?} is not a whole number of threads (1 to {}; this machine has {cores} cores)",
            crack::MAX_THREADS
        )
    })?;
    match n {
        0 => Err("at least 1 thread is needed".into()),
        n if n > crack::MAX_THREADS => Err(format!(
            "{n} is more than the {} worker threads a crack runs (this machine has {cores} cores)",
            crack::MAX_THREADS
        )),
        n => Ok(n),
    }
}

/// Unusable input that is not a token or key error: said on stderr, exit 2.
fn unusable(e: &CrackError) -> u8 {
    say(&e.to_string());
    2
}

pub(super) fn crack_cmd(args: &CrackArgs) -> Result<u8, Error> {
    let token = token::parse(&read_token_arg(&args.token)?)?;
    let target = match Target::from_token(&token) {
        Ok(t) => t,
        Err(e) => return Ok(unusable(&e)),
    };
    let rules = if args.rules { Rules::ALL } else { Rules::NONE };
    let threads = args.threads.unwrap_or_else(crack::default_threads);
    let progress = Progress::default();
    let report = match match &args.wordlist {
        Some(path) => crack::crack_file(&target, path, rules, threads, &progress),
        None => crack::crack_bundled(&target, rules, threads, &progress),
    } {
        Ok(r) => r,
        Err(e) => return Ok(unusable(&e)),
    };
    let secret = report.secret_text();
    let exact = report.secret.as_deref();
    if args.json {
        let value = json!({
            "found": secret.is_some(),
            "secret": secret,
            "candidates": report.candidates,
            "elapsed_ms": u64::try_from(report.elapsed.as_millis()).unwrap_or(u64::MAX),
            // Null for a run too short to rate, as the text says ("too short to rate").
            "candidates_per_second": report.measured_rate().map(report_rate_u64),
            "secret_hex": exact.map(crack::to_hex),
            "secret_base64url": exact.map(token::encode_b64url),
        });
        out_json(&value);
    } else {
        let stats = format!(
            "{} in {:.2} s ({}, {})",
            count(report.candidates, "candidate", "candidates"),
            report.elapsed.as_secs_f64(),
            crack::rate_text(report.candidates, report.elapsed),
            count(threads, "thread", "threads")
        );
        match (&secret, exact) {
            (Some(s), Some(bytes)) => {
                out(&format!("{}\n", visible(s)));
                say(&format!("found the {} secret: {stats}", target.alg.name()));
                if bytes.is_empty() {
                    say("the secret is EMPTY (zero bytes): the line above is empty");
                } else if !crack::secret_is_text(bytes) {
                    say(&format!(
                        "the secret is not plain text, so it is shown in hex; give it back as --secret-base64 {}",
                        token::encode_b64url(bytes)
                    ));
                }
            }
            _ => say(&format!("not found: {stats}")),
        }
        if report.skipped_lines > 0 {
            say(&format!(
                "skipped {} longer than {} bytes",
                count(report.skipped_lines, "line", "lines"),
                crack::MAX_CANDIDATE_BYTES
            ));
        }
    }
    Ok(u8::from(secret.is_none()))
}

/// A rate as a whole number for the JSON (rates are never negative; huge ones saturate).
fn report_rate_u64(rate: f64) -> u64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let whole = rate.round().clamp(0.0, u64::MAX as f64) as u64;
    whole
}
