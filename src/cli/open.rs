//! `tokenbench open [--key FILE]... [--secret…] [TOKEN]` and `tokenbench FILE.jwt`: the window,
//! with those keys and that token loaded, on the verdict. Bad input never stops the window: a
//! token that cannot be read is shown where the token would be, a key that cannot be loaded
//! where the key would be.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::key_args::KeyArgs;

use super::read_token_arg;
use crate::core::keys::SecretEncoding;
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

/// Opens the window as `args` say and runs until it is closed.
#[must_use]
pub fn open(args: &OpenArgs) -> ExitCode {
    crate::ui::run_with(startup_commands(args))
}

/// `tokenbench [FILE]`: the window, with the token in FILE when one is given.
#[must_use]
pub fn open_file(file: Option<&Path>) -> ExitCode {
    match file {
        None => crate::ui::run(),
        Some(path) => {
            crate::ui::run_with(vec![Command::LoadTokenFile(path.to_path_buf()), Command::SelectTab(Tab::Decode)])
        }
    }
}
