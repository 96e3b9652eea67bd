//! The `tokenbench` command line: one file per subcommand over the core engine.
//!
//! Exit codes are a contract scripts depend on: 0 valid (or decoded), 1 invalid token,
//! 2 unusable input (malformed token, unreadable key, bad arguments). This file holds the
//! argument tree, the dispatcher and what every subcommand shares (reading TOKEN, writing to
//! the terminal safely).

mod audit;
mod crack;
mod decode;
mod forge;
mod key;
mod verify;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::core::error::Error;
use crate::core::token;

pub use audit::{AuditArgs, findings_text};
pub use crack::CrackArgs;
pub use decode::decoded_json;
pub use forge::ForgeArgs;
pub use key::key_json;
pub use verify::{VerifyArgs, verification_json, verification_text};

/// Token Workbench: decode, verify and study JWTs. With no subcommand, opens the desktop app.
#[derive(Debug, Parser)]
#[command(name = "tokenbench", version, about, long_about = None)]
pub struct Cli {
    /// What to do; omit to open the desktop window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show a token's header, claims (with human times) and signature.
    Decode {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// The token, `-` for stdin, or `@FILE`.
        token: String,
    },
    /// Verify a token's signature and claims; exit 0 valid, 1 invalid, 2 unusable input.
    Verify(Box<VerifyArgs>),
    /// Security findings on a token (or a URL carrying one) or a Set-Cookie header; exit 0 when
    /// nothing high or medium is found, 1 otherwise, 2 for unusable input.
    Audit(Box<AuditArgs>),
    /// Recover a weak HS256/384/512 secret from a wordlist; exit 0 and the secret when found, 1
    /// when not, 2 for unusable input.
    Crack(Box<CrackArgs>),
    /// Print the token an attack would send (none, none-case, confusion, embedded-jwk, jku,
    /// kid-traversal, psychic, tamper), built from a real one.
    Forge(Box<ForgeArgs>),
    /// Work with keys.
    Key {
        /// The key subcommand.
        #[command(subcommand)]
        command: KeyCommand,
    },
}

/// `tokenbench key …`.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Show what the key store sees in a file (format, kind, size, kid, thumbprint, warnings).
    Inspect {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// The key file (PEM, DER, certificate, JWK or JWKS).
        file: PathBuf,
    },
}

/// Runs a subcommand and returns the process exit code.
#[must_use]
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Decode { json, token } => decode::decode(&token, json),
        Command::Verify(args) => verify::verify_cmd(&args),
        Command::Key { command: KeyCommand::Inspect { json, file } } => key::inspect(&file, json),
        Command::Audit(args) => audit::audit_cmd(&args),
        Command::Crack(args) => crack::crack_cmd(&args),
        Command::Forge(args) => forge::forge_cmd(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("tokenbench: {e}");
            ExitCode::from(2)
        }
    }
}

/// Reads TOKEN: literal text, `-` for stdin, `@FILE` for a file.
pub(crate) fn read_token_arg(arg: &str) -> Result<String, Error> {
    if arg == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(token::MAX_TOKEN_BYTES as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::Io { path: "-".into(), reason: e.to_string() })?;
        return String::from_utf8(buf)
            .map_err(|_| Error::Io { path: "-".into(), reason: "stdin is not UTF-8 text".into() });
    }
    if let Some(path) = arg.strip_prefix('@') {
        let bytes = std::fs::read(path).map_err(|e| Error::Io { path: path.into(), reason: e.to_string() })?;
        return String::from_utf8(bytes)
            .map_err(|_| Error::Io { path: path.into(), reason: "the file is not UTF-8 text".into() });
    }
    Ok(arg.to_owned())
}

/// Writes to stdout, ignoring a closed pipe.
fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Escapes control characters (ANSI escape sequences, carriage returns…) except newlines.
pub(crate) fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Wraps `text` in an ANSI colour when stdout is a terminal and `NO_COLOR` is unset.
pub(crate) fn colour(code: &str, text: &str) -> String {
    if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}
