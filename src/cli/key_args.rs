//! The key options every subcommand that judges a token with keys shares (`verify`, `open`,
//! `audit`, `compare`): `--key FILE`..., `--secret TEXT`, `--secret-base64 B64` and
//! `--secret-file FILE`. One definition, so each of them takes a secret in the same three forms
//! (`crack` prints a non-text secret as the `--secret-base64` that gives it back) and loads it
//! the same way.

use std::path::PathBuf;

use clap::Args;

use crate::core::engine::error::Error;
use crate::core::engine::keys::{self, Key, SecretEncoding};
use crate::core::engine::limits;

/// The key and secret options, flattened into a subcommand's arguments.
#[derive(Debug, Clone, Default, Args)]
pub struct KeyArgs {
    /// A key file (PEM, DER, X.509 certificate, JWK, JWKS or OpenSSH public key); repeat for
    /// several.
    #[arg(long = "key", value_name = "FILE")]
    pub keys: Vec<PathBuf>,
    /// A secret as UTF-8 text: an HMAC key (an AES key for `decrypt`).
    #[arg(long, value_name = "TEXT")]
    pub secret: Option<String>,
    /// A secret in base64 or base64url: an HMAC key (an AES key for `decrypt`).
    #[arg(long, value_name = "B64")]
    pub secret_base64: Option<String>,
    /// A secret as the raw bytes of a file: an HMAC key (an AES key for `decrypt`).
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
}

impl KeyArgs {
    /// Loads every key file, then the secrets, in the order of the options above. The first
    /// that cannot be loaded is the error (exit 2), naming the file or the option.
    ///
    /// # Errors
    /// A key file or secret file that cannot be read or parsed, or a secret that is not valid
    /// in its encoding.
    pub fn load(&self) -> Result<Vec<Key>, Error> {
        let mut out = Vec::new();
        for path in &self.keys {
            out.extend(keys::load_file(path)?);
        }
        if let Some(text) = &self.secret {
            out.push(keys::load_secret(text.as_bytes(), SecretEncoding::Utf8, "--secret")?);
        }
        if let Some(b64) = &self.secret_base64 {
            out.push(keys::load_secret(b64.as_bytes(), SecretEncoding::Base64, "--secret-base64")?);
        }
        if let Some(path) = &self.secret_file {
            let bytes = limits::read_file(path)?;
            out.push(keys::load_secret(&bytes, SecretEncoding::Raw, &path.display().to_string())?);
        }
        Ok(out)
    }
}
