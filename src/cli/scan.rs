//! `tokenbench scan`: every JWS and JWE in files and folders, where it sits and whether it still
//! works, never the token itself. Exit 1 when a token found may be live at `--at` (a JWE, whose
//! claims are encrypted, counts), 0 when none is, 2 for unusable input (no path, a bad `--at`,
//! a key that cannot be loaded, or a path that could not be read in full: no green for what
//! was not read).

use std::path::PathBuf;

use clap::Args;

use super::key_args::KeyArgs;
use super::{out, out_json, say};
use crate::core::engine::clock::system_now;
use crate::core::engine::error::Error;
use crate::core::engine::limits;
use crate::core::engine::scan::{self, ScanOptions, report};

/// Arguments of `tokenbench scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Keys and secrets to verify each token found with (a verdict per token).
    #[command(flatten)]
    pub key: KeyArgs,
    /// Judge liveness and time claims at this instant (Unix seconds, years 1 to 9999); default:
    /// now.
    #[arg(long, value_name = "UNIX_SECONDS", value_parser = limits::parse_instant, allow_hyphen_values = true)]
    pub at: Option<f64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Files and folders to scan (folders recursively, hidden and ignored files included, links
    /// not followed; gzip decompressed, UTF-16 decoded, binary files read too); `-` reads
    /// standard input, a named pipe (`<(cmd)`) is read to its end.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

pub(super) fn scan_cmd(args: &ScanArgs) -> Result<u8, Error> {
    let keys = args.key.load()?;
    let now = args.at.unwrap_or_else(system_now);
    let report = scan::scan(&args.paths, &ScanOptions { keys: &keys, now, threads: 0, progress: None });
    if args.json {
        out_json(&report::scan_json(&report));
    } else {
        out(&report::scan_text(&report));
    }
    if report.any_live() {
        return Ok(1);
    }
    if report.incomplete() {
        say(&format!(
            "{} could not be read, or only in part: the scan cannot say {} no live token",
            crate::core::text::count(report.unreadable.len(), "path", "paths"),
            if report.unreadable.len() == 1 { "it holds" } else { "they hold" }
        ));
        return Ok(2);
    }
    Ok(0)
}
