//! Entry point: parse the command line; no subcommand opens the desktop window (on a token file
//! when a path is the only argument, as a file manager passes it).

use std::process::ExitCode;

use clap::Parser;
use tokenbench::cli::{self, Cli};

fn main() -> ExitCode {
    let raw: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let parsed = match Cli::try_parse_from(&raw) {
        Ok(parsed) => parsed,
        // Clap's error echoes argument values: printed through the CLI's escaping.
        Err(e) => return cli::parse_error(&e, &raw),
    };
    match parsed.command {
        Some(command) => cli::run(command),
        None => cli::open::open_file(parsed.file.as_deref()),
    }
}
