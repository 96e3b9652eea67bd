//! JWE encryption (RFC 7516 §5.1) to one recipient, in the compact serialization: a key's
//! public part (RSA-OAEP, ECDH-ES), a shared `oct` key (`dir`, AES Key Wrap, AES-GCM key wrap)
//! or a password (PBES2), with any of the six `enc`s and optional DEFLATE.
//!
//! Every check on the options and the key comes before any cryptography, and each refusal
//! names the option ([`EncryptInput`]) and what it needs. `RSA1_5` is decrypt only: RFC 8725
//! §3.2 and the Bleichenbacher attacks make a new JWE with it a mistake, so none is made.

use std::fmt;
use std::io::Write as _;
use std::num::NonZeroU32;

use super::content::{self, Enc};
use super::key_management::{RSA_DECRYPTION_BITS, aes_key_len};
use super::key_wrapping::{self, AgreementPeer, random_bytes};
use super::{JweError, SUPPORTED_CONTENT_ALGORITHMS};
use crate::core::engine::keys::{Key, KeyMaterial, bit_len};
use crate::core::engine::limits;
use crate::core::engine::token::{JsonObject, encode_b64url};

/// Every `alg` this engine encrypts with: the ones it decrypts, less `RSA1_5`.
pub const ENCRYPTION_ALGORITHMS: [&str; 16] = [
    "dir",
    "A128KW",
    "A192KW",
    "A256KW",
    "A128GCMKW",
    "A192GCMKW",
    "A256GCMKW",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A192KW",
    "ECDH-ES+A256KW",
    "PBES2-HS256+A128KW",
    "PBES2-HS384+A192KW",
    "PBES2-HS512+A256KW",
];

/// The PBES2 iteration count (`p2c`) when none is given: OWASP's 2021 figure for
/// PBKDF2-HMAC-SHA256. Some decryptors cap `p2c` lower by default (jwcrypto at 16,384, panva's
/// jose at 10,000): give `p2c` for them.
pub const DEFAULT_PBES2_ITERATIONS: u32 = 310_000;

/// The fewest PBES2 iterations accepted: RFC 7518 §4.8.1.2 recommends at least 1000.
pub const MIN_PBES2_ITERATIONS: u32 = 1000;

/// Whom a JWE is encrypted to.
#[derive(Debug, Clone, Copy)]
pub enum Recipient<'a> {
    /// A key: its public part for RSA and ECDH-ES, the secret of an `oct` key otherwise.
    Key(&'a Key),
    /// A password, for PBES2.
    Password(&'a [u8]),
}

/// How to encrypt.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EncryptOptions {
    /// The key management algorithm (`alg`), one of [`ENCRYPTION_ALGORITHMS`].
    pub alg: String,
    /// The content encryption algorithm (`enc`), one of [`SUPPORTED_CONTENT_ALGORITHMS`].
    pub enc: String,
    /// The `kid` header member; the key's own kid when `None`.
    pub kid: Option<String>,
    /// The `cty` header member (`"JWT"` for a nested JWT).
    pub cty: Option<String>,
    /// Compress the plaintext with DEFLATE and say `"zip": "DEF"`.
    pub zip: bool,
    /// PBES2 iterations; [`DEFAULT_PBES2_ITERATIONS`] when `None`. PBES2 only.
    pub p2c: Option<u32>,
}

/// Which input of [`encrypt`] a [`JweError::CannotEncrypt`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncryptInput {
    /// [`EncryptOptions::alg`].
    Alg,
    /// [`EncryptOptions::enc`].
    Enc,
    /// The recipient key.
    Key,
    /// The recipient password.
    Password,
    /// [`EncryptOptions::p2c`].
    P2c,
    /// The plaintext.
    Plaintext,
}

impl fmt::Display for EncryptInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Alg => "\"alg\"",
            Self::Enc => "\"enc\"",
            Self::Key => "the key",
            Self::Password => "the password",
            Self::P2c => "\"p2c\"",
            Self::Plaintext => "the plaintext",
        })
    }
}

fn refuse(input: EncryptInput, reason: impl Into<String>) -> JweError {
    JweError::CannotEncrypt { input, reason: reason.into() }
}

/// Encrypts `plaintext` to `to` and returns the compact JWE (RFC 7516 §7.1).
///
/// The protected header holds `alg`, `enc`, `kid` (the option's, else the key's), `cty` and
/// `zip` when asked for, and what the key management adds: `epk` for ECDH-ES, `iv` and `tag`
/// for AES-GCM key wrap, `p2s` and `p2c` for PBES2. The CEK and the IVs come from aws-lc-rs's
/// system random source.
///
/// # Errors
/// [`JweError::CannotEncrypt`] naming the option that is unusable: an unknown `alg` or `enc`
/// (listing the supported ones), `RSA1_5`, a key that cannot serve `alg` (what it needs, what
/// the key is), a password for a key algorithm or a key for PBES2, `p2c` out of bounds or given
/// for another `alg`, a plaintext too large; [`JweError::EncryptionFailed`] when aws-lc-rs fails.
pub fn encrypt(plaintext: &[u8], to: Recipient<'_>, options: &EncryptOptions) -> Result<String, JweError> {
    let (alg, enc) = check_algorithms(options)?;
    if plaintext.len() > limits::MAX_INPUT_BYTES {
        return Err(refuse(
            EncryptInput::Plaintext,
            format!("it is {} bytes, over the {}-byte limit", plaintext.len(), limits::MAX_INPUT_BYTES),
        ));
    }
    let iterations = pbes2_iterations(alg, options.p2c)?;
    let mut header = JsonObject::new();
    header.insert("alg".into(), alg.into());
    header.insert("enc".into(), enc.name().into());
    let key_kid = match to {
        Recipient::Key(key) => key.kid.clone(),
        Recipient::Password(_) => None,
    };
    if let Some(kid) = options.kid.clone().or(key_kid) {
        header.insert("kid".into(), kid.into());
    }
    if let Some(cty) = &options.cty {
        header.insert("cty".into(), cty.clone().into());
    }
    if options.zip {
        header.insert("zip".into(), "DEF".into());
    }
    let (cek, encrypted_key) = match to {
        Recipient::Key(key) => {
            if alg.starts_with("PBES2") {
                return Err(refuse(
                    EncryptInput::Key,
                    format!("{alg:?} encrypts to a password, not a key; give a password instead"),
                ));
            }
            check_key(alg, enc, key)?;
            wrap_with_key(alg, enc, key, &mut header)?
        }
        Recipient::Password(password) => {
            let Some(iterations) = iterations else {
                return Err(refuse(
                    EncryptInput::Password,
                    format!("a password serves only PBES2 (PBES2-HS256+A128KW…); {alg:?} needs {}", needs(alg, enc)),
                ));
            };
            if password.is_empty() {
                return Err(refuse(EncryptInput::Password, "it is empty"));
            }
            let cek = random_bytes(enc.key_len(), "CEK")?;
            let wrapped = key_wrapping::pbes2_wrap(alg, password, iterations, &cek, &mut header)?;
            (cek, wrapped)
        }
    };
    let protected_b64 = encode_b64url(serde_json::Value::Object(header).to_string().as_bytes());
    let deflated;
    let content_plaintext = if options.zip {
        deflated = deflate(plaintext)?;
        &deflated
    } else {
        plaintext
    };
    // RFC 7516 §5.1 step 14: the AAD is the protected header as encoded.
    let sealed = content::encrypt(enc, &cek, protected_b64.as_bytes(), content_plaintext)
        .map_err(|_| key_wrapping::failed("content encryption"))?;
    let jwe = format!(
        "{protected_b64}.{}.{}.{}.{}",
        encode_b64url(&encrypted_key),
        encode_b64url(&sealed.iv),
        encode_b64url(&sealed.ciphertext),
        encode_b64url(&sealed.tag)
    );
    if jwe.len() > limits::MAX_INPUT_BYTES {
        return Err(refuse(
            EncryptInput::Plaintext,
            format!(
                "the JWE would be {} bytes, over the {}-byte limit a JWE is decrypted within",
                jwe.len(),
                limits::MAX_INPUT_BYTES
            ),
        ));
    }
    Ok(jwe)
}

/// The `alg` (checked to be one this engine encrypts with) and the `enc` of `options`.
fn check_algorithms(options: &EncryptOptions) -> Result<(&str, Enc), JweError> {
    let alg = options.alg.as_str();
    if alg == "RSA1_5" {
        return Err(refuse(
            EncryptInput::Alg,
            "\"RSA1_5\" is decrypt only: RSAES-PKCS1-v1_5 key encryption is open to Bleichenbacher's \
             padding-oracle attacks, and RFC 8725 §3.2 says not to use it; use \"RSA-OAEP-256\"",
        ));
    }
    if !ENCRYPTION_ALGORITHMS.contains(&alg) {
        return Err(refuse(
            EncryptInput::Alg,
            format!("{alg:?} is not supported; one of: {}", ENCRYPTION_ALGORITHMS.join(", ")),
        ));
    }
    let enc = Enc::from_name(&options.enc).ok_or_else(|| {
        refuse(
            EncryptInput::Enc,
            format!("{:?} is not supported; one of: {}", options.enc, SUPPORTED_CONTENT_ALGORITHMS.join(", ")),
        )
    })?;
    Ok((alg, enc))
}

/// The PBES2 iteration count for `alg` (`None` for the other algorithms), within
/// [`MIN_PBES2_ITERATIONS`] and [`limits::MAX_PBES2_ITERATIONS`].
fn pbes2_iterations(alg: &str, p2c: Option<u32>) -> Result<Option<NonZeroU32>, JweError> {
    if !alg.starts_with("PBES2") {
        return match p2c {
            Some(_) => Err(refuse(EncryptInput::P2c, format!("it applies to PBES2 only, not to {alg:?}"))),
            None => Ok(None),
        };
    }
    let count = p2c.unwrap_or(DEFAULT_PBES2_ITERATIONS);
    if count > limits::MAX_PBES2_ITERATIONS {
        return Err(refuse(
            EncryptInput::P2c,
            format!(
                "{count} is over the cap of {} PBES2 iterations (this engine refuses to decrypt above it)",
                limits::MAX_PBES2_ITERATIONS
            ),
        ));
    }
    if count < MIN_PBES2_ITERATIONS {
        return Err(refuse(
            EncryptInput::P2c,
            format!("{count} is under {MIN_PBES2_ITERATIONS}, the minimum RFC 7518 §4.8.1.2 recommends"),
        ));
    }
    Ok(NonZeroU32::new(count))
}

/// What a recipient of `alg` must give, in words.
fn needs(alg: &str, enc: Enc) -> String {
    match alg {
        "dir" => format!("an oct key of {} bytes (the key length of {})", enc.key_len(), enc.name()),
        a if a.starts_with("PBES2") => "a password".to_owned(),
        a if a.starts_with("RSA") => format!(
            "an RSA public key of {} to {} bits (a private key's public part serves)",
            RSA_DECRYPTION_BITS.0, RSA_DECRYPTION_BITS.1
        ),
        a if a.starts_with("ECDH-ES") => "an EC public key on P-256, P-384 or P-521, or an X25519 public key \
                                          (a private key's public part serves)"
            .to_owned(),
        a => format!("an oct key of {} bytes", aes_key_len(a).unwrap_or_default()),
    }
}

/// Checks that `key` can serve `alg` with `enc`: its type and size, its JWK metadata (the same
/// rules decryption applies, so what is made here can be opened with the same key), and that a
/// secret is not a public key's bytes.
fn check_key(alg: &str, enc: Enc, key: &Key) -> Result<(), JweError> {
    let bad = |reason: String| refuse(EncryptInput::Key, reason);
    if let Some(what) = &key.public_key_bytes {
        return Err(bad(format!(
            "it is a secret whose bytes are a {what}: anyone has those bytes, so it protects nothing"
        )));
    }
    if key.key_use.as_deref() == Some("sig") {
        return Err(bad("it is marked \"use\": \"sig\"; a signing key encrypts nothing".to_owned()));
    }
    if let Some(why) = super::key_management::key_ops_refusal(key, super::key_management::JWE_KEY_OPS) {
        return Err(bad(format!("it {why}")));
    }
    if let Some(key_alg) = key.alg.as_deref()
        && key_alg != alg
        && !(alg == "dir" && key_alg == enc.name())
    {
        return Err(bad(format!("its JWK \"alg\" is {key_alg:?}, not {alg:?}")));
    }
    let fits = match &key.material {
        KeyMaterial::Oct { k } => match alg {
            "dir" => k.len() == enc.key_len(),
            a if a.starts_with('A') => aes_key_len(a) == Some(k.len()),
            _ => false,
        },
        KeyMaterial::Rsa { n, .. } if alg.starts_with("RSA-OAEP") => {
            let bits = bit_len(n);
            if !(RSA_DECRYPTION_BITS.0..=RSA_DECRYPTION_BITS.1).contains(&bits) {
                return Err(bad(format!("{alg:?} needs {}; the key is RSA {bits}", needs(alg, enc))));
            }
            true
        }
        KeyMaterial::Ec { .. } | KeyMaterial::X25519 { .. } => alg.starts_with("ECDH-ES"),
        _ => false,
    };
    if fits {
        return Ok(());
    }
    let what = match &key.material {
        KeyMaterial::Oct { k } => format!("an oct key of {} bytes", k.len()),
        other => other.describe(),
    };
    Err(bad(format!("{alg:?} needs {}; the key is {what}", needs(alg, enc))))
}

/// Key management with a key that [`check_key`] passed: (CEK, encrypted key).
fn wrap_with_key(alg: &str, enc: Enc, key: &Key, header: &mut JsonObject) -> Result<(Vec<u8>, Vec<u8>), JweError> {
    match &key.material {
        KeyMaterial::Oct { k } if alg == "dir" => Ok((k.clone(), Vec::new())),
        KeyMaterial::Oct { k } => {
            let cek = random_bytes(enc.key_len(), "CEK")?;
            let wrapped = if alg.ends_with("GCMKW") {
                key_wrapping::gcm_wrap(k, &cek, header)?
            } else {
                key_wrapping::aes_kw_wrap(k, &cek)?
            };
            Ok((cek, wrapped))
        }
        KeyMaterial::Rsa { n, e } => {
            let cek = random_bytes(enc.key_len(), "CEK")?;
            let wrapped = key_wrapping::rsa_oaep_wrap(alg, n, e, &cek)?;
            Ok((cek, wrapped))
        }
        KeyMaterial::Ec { curve, x, y } => {
            key_wrapping::ecdh_es_wrap(alg, enc, &AgreementPeer::nist(*curve, x, y), header)
        }
        KeyMaterial::X25519 { x } => key_wrapping::ecdh_es_wrap(alg, enc, &AgreementPeer::x25519(x), header),
        KeyMaterial::Ed25519 { .. } => Err(refuse(EncryptInput::Key, "an Ed25519 key encrypts nothing")),
    }
}

/// Raw DEFLATE (RFC 1951), as `"zip": "DEF"` means (RFC 7516 §4.1.3).
fn deflate(plaintext: &[u8]) -> Result<Vec<u8>, JweError> {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(plaintext)
        .and_then(|()| encoder.finish())
        .map_err(|e| key_wrapping::failed(&format!("DEFLATE: {e}")))
}

/// The `alg`s `key` can encrypt to, with some `enc` (the public part suffices for RSA and
/// ECDH-ES): RSA-OAEP and RSA-OAEP-256 for an RSA key of 2048 to 8192 bits, the four ECDH-ES
/// for an EC or X25519 key, and for an `oct` key the AES Key Wraps of its length and `dir` when
/// its length is an `enc`'s. PBES2 takes a password, so it is never listed; a key marked
/// `"use": "sig"` or whose JWK `alg` names another algorithm lists only what that allows.
#[must_use]
pub fn encryption_algorithms(key: &Key) -> Vec<&'static str> {
    ENCRYPTION_ALGORITHMS
        .into_iter()
        .filter(|alg| !alg.starts_with("PBES2"))
        .filter(|alg| {
            SUPPORTED_CONTENT_ALGORITHMS
                .iter()
                .filter_map(|name| Enc::from_name(name))
                .any(|enc| check_key(alg, enc, key).is_ok())
        })
        .collect()
}
