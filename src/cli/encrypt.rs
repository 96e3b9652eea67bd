//! `tokenbench encrypt`: a compact JWE of the plaintext to one recipient (a key file, an `oct`
//! secret or a PBES2 password), printed on stdout with a newline. Exit 0 encrypted, 2 for
//! unusable input, the message naming the flag at fault.

use std::io::Read;

use clap::Args;

use super::key_args::KeyArgs;
use super::{out, say};
use crate::core::engine::jwe::{self, EncryptInput, EncryptOptions, JweError, Recipient};
use crate::core::engine::keys::Key;
use crate::core::engine::limits;
use crate::core::text;

/// Arguments of `tokenbench encrypt`.
#[derive(Debug, Args)]
// The shared key options, worded for a recipient rather than a verification key.
#[command(
    mut_arg("keys", |a| a.help(
        "The recipient's key file: RSA, EC or X25519, public or private (PEM, DER, certificate, JWK, \
         JWKS or OpenSSH public key; --kid picks one of several)"
    )),
    mut_arg("secret", |a| a.help("An oct key for dir, A*KW or A*GCMKW, as UTF-8 text")),
    mut_arg("secret_base64", |a| a.help("An oct key for dir, A*KW or A*GCMKW, in base64 or base64url")),
    mut_arg("secret_file", |a| a.help("An oct key for dir, A*KW or A*GCMKW, as the raw bytes of a file")),
)]
pub struct EncryptArgs {
    /// The recipient: a key file (`--key`; RSA or EC/X25519 public or private, a JWK or JWKS),
    /// or an oct key for dir, A*KW and A*GCMKW (`--secret`, `--secret-base64`, `--secret-file`).
    #[command(flatten)]
    pub keys: KeyArgs,
    /// A password for PBES2-HS256+A128KW, PBES2-HS384+A192KW or PBES2-HS512+A256KW.
    #[arg(long, value_name = "TEXT", conflicts_with_all = ["keys", "secret", "secret_base64", "secret_file"])]
    pub password: Option<String>,
    /// The key management algorithm: dir, A128KW, A192KW, A256KW, A128GCMKW, A192GCMKW,
    /// A256GCMKW, RSA-OAEP, RSA-OAEP-256, ECDH-ES, ECDH-ES+A128KW, ECDH-ES+A192KW,
    /// ECDH-ES+A256KW, PBES2-HS256+A128KW, PBES2-HS384+A192KW or PBES2-HS512+A256KW.
    #[arg(long, value_name = "ALG")]
    pub alg: String,
    /// The content encryption algorithm: A128GCM, A192GCM, A256GCM, A128CBC-HS256,
    /// A192CBC-HS384 or A256CBC-HS512.
    #[arg(long, value_name = "ENC")]
    pub enc: String,
    /// The `kid` header member (the key's own kid by default); with a JWKS of several keys, also
    /// which key to encrypt to.
    #[arg(long, value_name = "K")]
    pub kid: Option<String>,
    /// The `cty` header member, e.g. JWT when the plaintext is a signed JWT (a nested JWT).
    #[arg(long, value_name = "TYPE")]
    pub cty: Option<String>,
    /// Compress the plaintext with DEFLATE first (`"zip": "DEF"`).
    #[arg(long)]
    pub zip: bool,
    /// PBES2 iterations (default 310000, 1000 to 1000000). Some decryptors refuse more than
    /// theirs by default (jwcrypto 16384, panva's jose 10000).
    #[arg(long, value_name = "N")]
    pub p2c: Option<u32>,
    /// The plaintext: literal text, `-` for stdin, or `@FILE` (any bytes).
    #[arg(value_name = "PLAINTEXT")]
    pub plaintext: String,
}

pub(super) fn encrypt_cmd(args: &EncryptArgs) -> u8 {
    let plaintext = match read_plaintext(&args.plaintext) {
        Ok(p) => p,
        Err(e) => {
            say(&format!("PLAINTEXT: {e}"));
            return 2;
        }
    };
    let options = EncryptOptions {
        alg: args.alg.clone(),
        enc: args.enc.clone(),
        kid: args.kid.clone(),
        cty: args.cty.clone(),
        zip: args.zip,
        p2c: args.p2c,
    };
    let key_flag = key_flag(&args.keys);
    let key;
    let recipient = match (&args.password, key_flag) {
        (Some(password), _) => Recipient::Password(password.as_bytes()),
        (None, Some(flag)) => {
            key = match recipient_key(&args.keys, args.kid.as_deref(), &args.alg) {
                Ok(k) => k,
                Err(message) => {
                    // A secret's own error already starts with its flag.
                    let prefix = format!("{flag}: ");
                    say(&if message.starts_with(&prefix) { message } else { format!("{prefix}{message}") });
                    return 2;
                }
            };
            Recipient::Key(&key)
        }
        (None, None) => {
            say("no recipient: give --key FILE (RSA, EC or X25519; a JWK or JWKS), --secret TEXT / --secret-base64 \
                 B64 / --secret-file FILE (an oct key for dir, A*KW, A*GCMKW), or --password TEXT (PBES2)");
            return 2;
        }
    };
    match jwe::encrypt(&plaintext, recipient, &options) {
        Ok(token) => {
            out(&format!("{token}\n"));
            0
        }
        Err(JweError::CannotEncrypt { input, reason }) => {
            let flag = match input {
                EncryptInput::Alg => "--alg",
                EncryptInput::Enc => "--enc",
                EncryptInput::Key => key_flag.unwrap_or("--key"),
                EncryptInput::Password => "--password",
                EncryptInput::P2c => "--p2c",
                EncryptInput::Plaintext => "PLAINTEXT",
            };
            say(&format!("{flag}: {reason}"));
            2
        }
        Err(e) => {
            say(&e.to_string());
            2
        }
    }
}

/// The flag the recipient key comes from, or `None` when no key option was given. More than
/// one is refused when loading.
fn key_flag(keys: &KeyArgs) -> Option<&'static str> {
    if !keys.keys.is_empty() {
        Some("--key")
    } else if keys.secret.is_some() {
        Some("--secret")
    } else if keys.secret_base64.is_some() {
        Some("--secret-base64")
    } else if keys.secret_file.is_some() {
        Some("--secret-file")
    } else {
        None
    }
}

/// The one key to encrypt to: the only key given, or the one of a JWKS that `--kid` names.
fn recipient_key(keys: &KeyArgs, kid: Option<&str>, alg: &str) -> Result<Key, String> {
    let sources = keys.keys.len()
        + usize::from(keys.secret.is_some())
        + usize::from(keys.secret_base64.is_some())
        + usize::from(keys.secret_file.is_some());
    if sources > 1 {
        return Err(format!(
            "a JWE is encrypted to one recipient here, and {sources} key options were given; give one --key or \
             one secret"
        ));
    }
    let mut loaded = keys.load().map_err(|e| e.to_string())?;
    if loaded.len() == 1 {
        return Ok(loaded.remove(0));
    }
    let describe = |k: &Key| match &k.kid {
        Some(kid) => format!("{kid:?} ({})", k.material.describe()),
        None => format!("no kid ({})", k.material.describe()),
    };
    if let Some(kid) = kid {
        let mut matching: Vec<Key> = loaded.iter().filter(|k| k.kid.as_deref() == Some(kid)).cloned().collect();
        return match matching.len() {
            1 => Ok(matching.remove(0)),
            0 => Err(format!(
                "none of its {} keys has kid {kid:?}; its keys: {}",
                loaded.len(),
                loaded.iter().map(describe).collect::<Vec<_>>().join(", ")
            )),
            n => Err(format!("{n} of its keys have kid {kid:?}; the JWE would not say which")),
        };
    }
    let fitting: Vec<String> =
        loaded.iter().filter(|k| jwe::encryption_algorithms(k).contains(&alg)).map(describe).collect();
    let fits = if fitting.is_empty() {
        format!("none of them can encrypt to {alg:?}")
    } else {
        format!("those that can encrypt to {alg:?}: {}", fitting.join(", "))
    };
    Err(format!("it holds {} keys; choose one with --kid ({fits})", loaded.len()))
}

/// Reads PLAINTEXT: literal text, `-` for stdin, `@FILE` for a file, as bytes. A literal that
/// names an existing file is refused, pointing at `@FILE`.
fn read_plaintext(arg: &str) -> Result<Vec<u8>, String> {
    if arg == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(limits::MAX_INPUT_BYTES as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        if buf.len() > limits::MAX_INPUT_BYTES {
            return Err(format!("stdin is larger than the {}-byte limit", limits::MAX_INPUT_BYTES));
        }
        return Ok(buf);
    }
    if let Some(path) = arg.strip_prefix('@') {
        return limits::read_file(std::path::Path::new(path)).map_err(|e| e.to_string());
    }
    // `encrypt … claims.json` meant the file: encrypting its name instead would go unnoticed.
    if std::path::Path::new(arg).is_file() {
        return Err(format!("{0} is a file: give it as @{0} to encrypt its contents", text::visible(arg)));
    }
    Ok(arg.as_bytes().to_vec())
}
