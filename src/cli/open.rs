//! `tokenbench open [--key FILE]... [--secret…] [TOKEN]` and `tokenbench FILE.jwt`: the window,
//! with those keys and that token loaded, on the verdict. Bad input never stops the window: a
//! token that cannot be read is shown where the token would be, a key that cannot be loaded
//! where the key would be.
//!
//! Without a display (no `DISPLAY`, `WAYLAND_DISPLAY` or `WAYLAND_SOCKET`) there is no window to
//! show them in: the argument problems are printed on stderr first, each naming its file or
//! option, then one plain sentence saying the window needs a display (exit 2). The toolkit's own
//! error for that case names a source file of a dependency, which tells a user nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::key_args::KeyArgs;

use super::read_token_arg;
use crate::core::engine::error::Error;
use crate::core::engine::keys::{self, SecretEncoding};
use crate::core::engine::{limits, token};
use crate::ui::state::{Command, Tab};

/// Arguments of `tokenbench open`.
#[derive(Debug, Clone, Default, Args)]
pub struct OpenArgs {
    /// The keys and secrets loaded before the token.
    #[command(flatten)]
    pub key: KeyArgs,
    /// The token, `-` for stdin, `@FILE`, or the path of a file holding it.
    pub token: Option<String>,
}

/// What the window applies when it opens, in order: keys first (so the token is judged with
/// them), then the token, then the Decode tab.
#[must_use]
pub fn startup_commands(args: &OpenArgs) -> Vec<Command> {
    let mut out: Vec<Command> = args.key.keys.iter().map(|k| Command::LoadKeyFiles(vec![k.clone()])).collect();
    if let Some(text) = &args.key.secret {
        out.push(Command::AddSecret { text: text.clone(), encoding: SecretEncoding::Utf8 });
    }
    if let Some(b64) = &args.key.secret_base64 {
        out.push(Command::AddSecret { text: b64.clone(), encoding: SecretEncoding::Base64 });
    }
    if let Some(path) = &args.key.secret_file {
        out.push(Command::LoadSecretFile(path.clone()));
    }
    if let Some(token) = &args.token {
        // A plain path is a file to open, as a file manager passes it; otherwise TOKEN reads as
        // everywhere else (text, `-`, `@FILE`).
        let is_file = token != "-" && !token.starts_with('@') && Path::new(token).is_file();
        out.push(if is_file {
            Command::LoadTokenFile(PathBuf::from(token))
        } else {
            match read_token_arg(token) {
                Ok(text) => Command::SetToken(text),
                Err(e) => Command::TokenError(e),
            }
        });
        out.push(Command::SelectTab(Tab::Decode));
    }
    out
}

/// The sentence for a machine with no display to open the window on.
pub const NO_DISPLAY: &str = "cannot open the window: no display is set (DISPLAY, WAYLAND_DISPLAY and WAYLAND_SOCKET \
                              are empty or unset), so run it in a desktop session, or use a subcommand such as \
                              `tokenbench verify` (see `tokenbench --help`)";

/// Whether the environment names a display server, read as the windowing library reads it: a
/// non-empty `WAYLAND_DISPLAY`, `WAYLAND_SOCKET` or `DISPLAY`. macOS and Windows always have
/// their own.
#[must_use]
pub fn display_available() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return true;
    }
    ["WAYLAND_DISPLAY", "WAYLAND_SOCKET", "DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}

/// What the window would show as errors about its arguments, in their order: keys and secrets
/// that cannot be loaded, a token that cannot be read or is not a token. Each names the file or
/// option at fault.
#[must_use]
pub fn argument_problems(args: &OpenArgs) -> Vec<String> {
    let mut problems: Vec<String> = Vec::new();
    for path in &args.key.keys {
        if let Err(e) = keys::load_file(path) {
            problems.push(e.to_string());
        }
    }
    if let Some(text) = &args.key.secret
        && let Err(e) = keys::load_secret(text.as_bytes(), SecretEncoding::Utf8, "--secret")
    {
        problems.push(e.to_string());
    }
    if let Some(b64) = &args.key.secret_base64
        && let Err(e) = keys::load_secret(b64.as_bytes(), SecretEncoding::Base64, "--secret-base64")
    {
        problems.push(e.to_string());
    }
    if let Some(path) = &args.key.secret_file {
        let loaded = limits::read_file(path)
            .and_then(|bytes| keys::load_secret(&bytes, SecretEncoding::Raw, &path.display().to_string()));
        if let Err(e) = loaded {
            problems.push(e.to_string());
        }
    }
    if let Some(arg) = &args.token {
        let is_file = arg != "-" && !arg.starts_with('@') && Path::new(arg).is_file();
        let text = if is_file { token_file(Path::new(arg)) } else { read_token_arg(arg) };
        if let Err(e) = text.and_then(|t| token::parse(&t).map(|_| ())) {
            problems.push(format!("the token: {e}"));
        }
    }
    problems
}

/// A token file's text, read as the window reads it (at most 10 MiB, UTF-8).
fn token_file(path: &Path) -> Result<String, Error> {
    let bytes = limits::read_file(path)?;
    String::from_utf8(bytes)
        .map_err(|_| Error::Io { path: path.display().to_string(), reason: "the file is not UTF-8 text".into() })
}

/// Without a display: the argument problems, then [`NO_DISPLAY`]; exit 2.
fn no_display(problems: &[String]) -> ExitCode {
    for p in problems {
        super::say(p);
    }
    super::say(NO_DISPLAY);
    ExitCode::from(2)
}

/// Opens the window as `args` say and runs until it is closed.
#[must_use]
pub fn open(args: &OpenArgs) -> ExitCode {
    if !display_available() {
        return no_display(&argument_problems(args));
    }
    match crate::ui::try_run_with(startup_commands(args)) {
        Ok(()) => ExitCode::SUCCESS,
        // The window never showed the argument problems it was given: they come first here.
        Err(why) => {
            for p in argument_problems(args) {
                super::say(&p);
            }
            super::say(&format!("cannot open the window: {why}"));
            ExitCode::from(2)
        }
    }
}

/// `tokenbench [FILE]`: the window, with the token in FILE when one is given.
#[must_use]
pub fn open_file(file: Option<&Path>) -> ExitCode {
    if !display_available() {
        let problem = file.and_then(|path| {
            token_file(path).and_then(|t| token::parse(&t).map(|_| ())).err().map(|e| format!("the token: {e}"))
        });
        return no_display(&problem.into_iter().collect::<Vec<_>>());
    }
    match file {
        None => crate::ui::run(),
        Some(path) => {
            crate::ui::run_with(vec![Command::LoadTokenFile(path.to_path_buf()), Command::SelectTab(Tab::Decode)])
        }
    }
}
