//! The `tokenbench` command line: one file per subcommand over the core engine.
//!
//! Exit codes are a contract scripts depend on: 0 valid (or decoded), 1 invalid token,
//! 2 unusable input (malformed token, unreadable key, bad arguments). This file holds the
//! argument tree, the dispatcher and what every subcommand shares (reading TOKEN, writing to
//! the terminal safely).

mod advise;
mod audit;
mod compare;
mod crack;
mod decode;
mod decrypt;
mod encrypt;
pub mod fit;
mod flows;
mod forge;
mod key;
mod key_args;
mod leakage;
mod load;
pub mod open;
mod probe;
mod revocation;
mod scan;
mod serve;
mod session_risk;
mod simulate;
mod verify;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::core::engine::error::Error;
use crate::core::engine::{limits, token};
use crate::core::text;

pub use advise::{AdviseArgs, advice_text};
pub use audit::{AuditArgs, findings_text};
pub use compare::CompareArgs;
pub use crack::CrackArgs;
pub use decode::decoded_json;
pub use decrypt::DecryptArgs;
pub use encrypt::EncryptArgs;
pub use flows::{FlowArgs, flow_json, sweep_json as flows_sweep_json, sweep_text as flows_sweep_text};
pub use forge::ForgeArgs;
pub use key::key_json;
pub use leakage::leakage_json;
pub use load::LoadArgs;
pub use probe::ProbeArgs;
pub use revocation::{Report, RevocationArgs, report_json, revocation_json, revocation_text, scale_json};
pub use scan::ScanArgs;
pub use serve::ServeArgs;
pub use simulate::SimulateCommand;
pub use verify::{VerifyArgs, judgment_json, judgment_text, verification_json, verification_text};

/// Token Workbench: decode, verify and study JWTs. With no subcommand, opens the desktop app.
#[derive(Debug, Parser)]
#[command(name = "tokenbench", version, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; omit to open the desktop window.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A token file (e.g. token.jwt) to open in the window, as a file manager passes it.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
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
    /// Decrypt a JWE with private keys, AES keys or a password; judge a nested JWT inside; exit 0
    /// decrypted, 1 not decrypted with these keys (or its nested JWT is invalid), 2 unusable input.
    Decrypt(Box<DecryptArgs>),
    /// Open the window with these keys and this token loaded, on the verdict.
    Open(Box<open::OpenArgs>),
    /// Security findings on a token (or a URL carrying one) or a Set-Cookie header; exit 0 when
    /// nothing high or medium is found, 1 otherwise, 2 for unusable input.
    Audit(Box<AuditArgs>),
    /// Recover a weak HS256/384/512 secret from a wordlist; exit 0 and the secret when found, 1
    /// when not, 2 for unusable input.
    Crack(Box<CrackArgs>),
    /// Print the token an attack would send (none, none-case, confusion, embedded-jwk, jku,
    /// kid-traversal, psychic, tamper), built from a real one.
    Forge(Box<ForgeArgs>),
    /// Encrypt a plaintext (a signed JWT for a nested JWT) to a key, secret or password and print
    /// the compact JWE (exit 0; 2 for unusable input).
    Encrypt(Box<EncryptArgs>),
    /// Send the honest token, a garbage token and every forgery of it to an endpoint; exit 0
    /// when none is accepted, 1 when any is, 2 for unusable input.
    Probe(Box<ProbeArgs>),
    /// Log demo users in and send authenticated GET /me at a server with C in flight: counts,
    /// percentiles, req/s, bytes sent and a latency histogram (exit 1 when any request failed).
    Load(Box<LoadArgs>),
    /// Work with keys.
    Key {
        /// The key subcommand.
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Sessions, JWT or hybrid: the decision rule over a team's answers (exit 0; 2 for an unknown value).
    Advise(AdviseArgs),
    /// Sessions vs JWT side by side on your token, keys and lab settings: nine factors, three
    /// misconceptions tested, and the advice (exit 0; 2 for unusable input).
    Compare(Box<CompareArgs>),
    /// Run a lab's model (revocation strategies on one clock, request flows) and print its figures.
    Simulate {
        /// The simulation.
        #[command(subcommand)]
        command: SimulateCommand,
    },
    /// The live lab: app servers behind a load balancer on loopback, with a real session store;
    /// prints one JSON line when ready, then logs requests to stderr (exit 0 when stopped, 2
    /// when it cannot start).
    Serve(Box<ServeArgs>),
    /// Find every JWS and JWE in files and folders (logs, HAR, gzip): where each sits, its
    /// claims and whether it still works, never the token; exit 1 when one may be live, 0 when
    /// none is, 2 for unusable input or a path not read in full.
    Scan(Box<ScanArgs>),
}

/// `tokenbench key …`.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Show what the key store sees in a file (format, kind, size, kid, thumbprint, warnings).
    Inspect {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// The key file (PEM, DER, certificate, JWK, JWKS or OpenSSH public key).
        file: PathBuf,
    },
}

/// Runs a subcommand and returns the process exit code.
#[must_use]
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Decode { json, token } => decode::decode(&token, json),
        Command::Verify(args) => verify::verify_cmd(&args),
        Command::Decrypt(args) => decrypt::decrypt_cmd(&args),
        Command::Key { command: KeyCommand::Inspect { json, file } } => key::inspect(&file, json),
        Command::Open(args) => return open::open(&args),
        Command::Advise(args) => Ok(advise::advise_cmd(&args)),
        Command::Compare(args) => compare::compare_cmd(&args),
        Command::Simulate { command } => simulate::run(command),
        Command::Audit(args) => audit::audit_cmd(&args),
        Command::Crack(args) => crack::crack_cmd(&args),
        Command::Forge(args) => forge::forge_cmd(&args),
        Command::Encrypt(args) => Ok(encrypt::encrypt_cmd(&args)),
        Command::Probe(args) => Ok(probe::probe_cmd(&args)),
        Command::Load(args) => Ok(load::load_cmd(&args)),
        Command::Serve(args) => serve::serve_cmd(&args),
        Command::Scan(args) => scan::scan_cmd(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            say(&e.to_string());
            ExitCode::from(2)
        }
    }
}

/// Prints a command-line parsing error (or `--help`, `--version`) as clap would, with the same
/// exit code, but never an argument's control, bidi or invisible character raw. Clap echoes
/// argument values, and a line feed inside one cannot be told from clap's own line breaks once
/// rendered; so when an argument holds such a character, the arguments are parsed again with
/// each one escaped ([`text::visible`]) and that error, which names the escaped value, is
/// printed.
#[must_use]
pub fn parse_error(e: &clap::Error, args: &[std::ffi::OsString]) -> ExitCode {
    let code = ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
    if !e.use_stderr() {
        // Help and version text hold no argument value: printed as clap prints them.
        let _ = e.print();
        return code;
    }
    let hostile = args.iter().any(|a| a.to_string_lossy().chars().any(text::is_hostile));
    let rendered = if hostile {
        let escaped = args.iter().map(|a| text::visible(&a.to_string_lossy()).into_owned());
        match Cli::try_parse_from(escaped) {
            Err(again) if again.use_stderr() => text::visible_lines(&again.render().to_string()).into_owned(),
            // Escaping changed the outcome: the original error, on one line.
            _ => format!("{}\n", text::visible(e.render().to_string().trim_end())),
        }
    } else {
        text::visible_lines(&e.render().to_string()).into_owned()
    };
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(rendered.as_bytes());
    let _ = stderr.flush();
    code
}

/// Writes one message to stderr as `tokenbench: …`. Messages quote file names, token text and
/// argument values, so every control, bidi or invisible character in one is shown as an
/// escape (`\u{1b}`, `\n`): a message is one line and cannot drive the terminal.
pub(crate) fn say(message: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "tokenbench: {}", text::visible(message));
}

/// Writes lines of our own making to stderr: each is escaped as in [`say`], and only the line
/// feeds between them are kept.
pub(crate) fn say_lines(lines: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{}", text::visible_lines(lines));
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
        let bytes = limits::read_file(std::path::Path::new(path))?;
        return String::from_utf8(bytes)
            .map_err(|_| Error::Io { path: path.into(), reason: "the file is not UTF-8 text".into() });
    }
    // `decode far.jwt` meant the file: say so, rather than that "far.jwt" has two segments.
    if std::path::Path::new(arg).is_file() && token::parse(arg).is_err() {
        return Err(Error::FileNotToken { path: text::visible(arg).into_owned() });
    }
    Ok(arg.to_owned())
}

/// Writes report text to stdout, ignoring a closed pipe. Token and key content is
/// attacker-controlled: whatever control or bidi character a report still holds is shown as a
/// visible escape here, the last gate before the terminal (the report's own line feeds stay).
fn out(report: &str) {
    write_stdout(&text::visible_lines(report));
}

/// Writes a JSON value, pretty, with C1 controls and bidi characters as `\uXXXX` escapes (the
/// same JSON, safe in a terminal).
fn out_json(value: &serde_json::Value) {
    let mut json = serde_json::to_string_pretty(value).unwrap_or_default();
    json.push('\n');
    write_stdout(&text::json_ascii_controls(&json));
}

fn write_stdout(s: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = stdout.write_all(s.as_bytes());
    let _ = stdout.flush();
}

/// True when stdout is a terminal and `NO_COLOR` is unset.
fn use_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Wraps `text` in an ANSI colour. Only for text that is already escaped: the escape
/// sequence is ours and must not be neutralised by [`out`].
fn colour(code: &str, text: &str) -> String {
    format!("\x1b[{code}m{text}\x1b[0m")
}
