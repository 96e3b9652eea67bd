//! Entry point: parse the command line; no subcommand opens the desktop window (on a token file
//! when a path is the only argument, as a file manager passes it).

use std::process::ExitCode;

use clap::Parser;
use tokenbench::cli::{self, Cli};

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(command) => cli::run(command),
        None => cli::open::open_file(args.file.as_deref()),
    }
}
