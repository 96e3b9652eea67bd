//! JWE decryption and encryption (RFC 7516, RFC 7518 §4–5). [`decrypt`] reads the compact,
//! flattened and general JSON serializations and tries every recipient with every loaded key
//! that fits its `alg`; [`encrypt()`] encrypts to one key or password in the compact
//! serialization.
//!
//! Concerns: [`serialization`] reads the three forms and merges headers, `key_management`
//! recovers the Content Encryption Key per `alg`, `content` encrypts and decrypts per `enc`,
//! `key_wrapping` delivers the CEK per `alg` when encrypting, `encrypt` checks the options and
//! assembles the JWE. Once a key has been applied, every decryption failure (a bad tag, bad
//! padding, a CEK of the wrong length, an RSA padding error) is the one
//! [`JweError::CannotDecrypt`], so the messages are no decryption oracle. Errors before that
//! point name what is wrong and where.

mod content;
mod encrypt;
#[cfg(test)]
mod encrypt_tests;
mod fitting;
#[cfg(test)]
mod hostile_tests;
pub mod inner;
mod key_management;
mod key_wrapping;
mod serialization;
#[cfg(test)]
mod tests;

use std::io::Read;

use serde_json::Value;

use self::content::Enc;
pub use self::encrypt::{
    DEFAULT_PBES2_ITERATIONS, ENCRYPTION_ALGORITHMS, EncryptInput, EncryptOptions, MIN_PBES2_ITERATIONS, Recipient,
    encrypt, encryption_algorithms,
};
pub use self::fitting::{Fitting, RecipientFit, fitting};
pub use self::key_management::SUPPORTED_KEY_ALGORITHMS;
use self::key_management::Unwrap;
use self::serialization::recipient_place;
use crate::core::engine::keys::Key;
use crate::core::engine::limits;
use crate::core::engine::token::JsonObject;

/// Every `enc` this engine decrypts.
pub const SUPPORTED_CONTENT_ALGORITHMS: [&str; 6] =
    ["A128GCM", "A192GCM", "A256GCM", "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512"];

/// A decrypted JWE.
#[derive(Debug, Clone, PartialEq)]
pub struct Decrypted {
    /// The integrity-protected header (empty when the JWE has none).
    pub protected_header: JsonObject,
    /// The header that applied to the recipient that decrypted: protected, shared unprotected
    /// and per-recipient members together.
    pub header: JsonObject,
    /// Which key decrypted it: an index into the keys given, or `keys.len()` for the password.
    pub key_index: usize,
    /// Which recipient (0 for compact and flattened JWEs).
    pub recipient: usize,
    /// The plaintext, inflated when the header says `"zip": "DEF"`.
    pub plaintext: Vec<u8>,
}

/// Why a JWE was not decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JweError {
    /// The input is larger than [`limits::MAX_INPUT_BYTES`].
    #[error("the JWE is {size} bytes, larger than the {limit}-byte limit")]
    InputTooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A segment, member or header is not what the RFCs require.
    #[error("{at}: {reason}")]
    Malformed {
        /// Where: "the IV (segment 3)", "recipient #2"…
        at: String,
        /// What is wrong.
        reason: String,
    },
    /// An algorithm, compression or critical header this engine does not implement.
    #[error("{at}: {what} is not supported")]
    Unsupported {
        /// Where.
        at: String,
        /// What, e.g. `"alg" "RSA-OAEP-384"`.
        what: String,
    },
    /// No loaded key (or password) fits any recipient.
    #[error("no loaded key fits this JWE: {needs}")]
    NoFittingKey {
        /// What each recipient needs.
        needs: String,
    },
    /// A PBES2 iteration count over [`limits::MAX_PBES2_ITERATIONS`].
    #[error("{at}: header member \"p2c\" is {p2c}, over the cap of {cap} PBES2 iterations")]
    IterationsOverCap {
        /// Which recipient.
        at: String,
        /// The count asked for.
        p2c: u64,
        /// The cap.
        cap: u32,
    },
    /// The PBES2 recipients together ask for more than [`limits::MAX_PBES2_ITERATIONS_TOTAL`]
    /// iterations; those past it were not tried.
    #[error("the PBES2 recipients ask for more than {budget} iterations in all; those past it were not tried")]
    Pbes2OverBudget {
        /// The budget.
        budget: u64,
    },
    /// More recipients than [`limits::MAX_RECIPIENTS`].
    #[error("the JWE has {count} recipients; at most {limit} are tried")]
    TooManyRecipients {
        /// How many it has.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// [`limits::MAX_KEY_ATTEMPTS`] keys were applied without opening it; the rest were not tried.
    #[error("{limit} key attempts opened nothing; the remaining keys were not tried")]
    TooManyAttempts {
        /// The limit.
        limit: usize,
    },
    /// The `zip: DEF` plaintext inflates past [`limits::MAX_INPUT_BYTES`].
    #[error("the plaintext (\"zip\": \"DEF\") inflates past the {limit}-byte limit")]
    DecompressedTooLarge {
        /// The limit.
        limit: usize,
    },
    /// Keys fitted but none opened it; deliberately says nothing more.
    #[error("the JWE cannot be decrypted with these keys")]
    CannotDecrypt,
    /// [`encrypt()`] cannot proceed with this input: which one, and what is wrong with it.
    #[error("{input}: {reason}")]
    CannotEncrypt {
        /// The option, key, password or plaintext at fault.
        input: EncryptInput,
        /// What is wrong and what it needs.
        reason: String,
    },
    /// aws-lc-rs failed during [`encrypt()`] where the checked input should not fail.
    #[error("encryption failed in aws-lc-rs: {step}")]
    EncryptionFailed {
        /// The step that failed.
        step: String,
    },
}

/// Decrypts `input` (any serialization) with the first of `keys` (or the PBES2 `password`)
/// that opens one of its recipients.
///
/// # Errors
/// [`JweError`]: what is wrong and where before any key is applied;
/// [`JweError::CannotDecrypt`] when keys fitted and none opened it.
pub fn decrypt(input: &str, keys: &[Key], password: Option<&[u8]>) -> Result<Decrypted, JweError> {
    let jwe = serialization::parse(input)?;
    let aad = jwe.aad();
    let mut attempts = Attempts::default();
    let mut first_error = None;
    for r in 0..jwe.recipients.len() {
        match try_recipient(&jwe, r, &aad, keys, password, &mut attempts) {
            Ok(Some(opened)) => {
                let plaintext = if opened.inflate { inflate_deflate(&opened.plain)? } else { opened.plain };
                return Ok(Decrypted {
                    protected_header: jwe.protected.clone(),
                    header: opened.header,
                    key_index: opened.key_index,
                    recipient: r,
                    plaintext,
                });
            }
            Ok(None) => {}
            // One recipient's problem does not stop the others from being tried.
            Err(e) if jwe.recipients.len() > 1 => {
                first_error.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    if attempts.stopped {
        return Err(JweError::TooManyAttempts { limit: limits::MAX_KEY_ATTEMPTS });
    }
    if attempts.pbes2_over {
        return Err(JweError::Pbes2OverBudget { budget: limits::MAX_PBES2_ITERATIONS_TOTAL });
    }
    if attempts.count > 0 {
        return Err(JweError::CannotDecrypt);
    }
    match first_error {
        Some(e) => Err(e),
        None => Err(JweError::NoFittingKey { needs: attempts.needs.join("; ") }),
    }
}

/// What the recipients tried so far tell about the keys.
#[derive(Default)]
struct Attempts {
    /// How many times a key (or the password) was applied, across recipients.
    count: usize,
    /// Keys were left untried at [`limits::MAX_KEY_ATTEMPTS`].
    stopped: bool,
    /// Per recipient not opened: what it needs, and the keys its metadata ruled out.
    needs: Vec<String>,
    /// PBES2 iterations spent (asked for) so far, across recipients.
    pbes2_iterations: u64,
    /// A PBES2 recipient was left untried at [`limits::MAX_PBES2_ITERATIONS_TOTAL`].
    pbes2_over: bool,
}

/// A recipient opened: its content still compressed when `inflate`.
struct Opened {
    header: JsonObject,
    key_index: usize,
    plain: Vec<u8>,
    inflate: bool,
}

/// Tries every fitting key (or the password) on recipient `r`.
fn try_recipient(
    jwe: &serialization::Jwe,
    r: usize,
    aad: &[u8],
    keys: &[Key],
    password: Option<&[u8]>,
    attempts: &mut Attempts,
) -> Result<Option<Opened>, JweError> {
    let Checked { header, at, alg, enc_name, enc, inflate } = checked_recipient(jwe, r)?;
    let (alg, enc_name) = (alg.as_str(), enc_name.as_str());
    let encrypted_key = &jwe.recipients[r].encrypted_key;
    // The CEK a key recovered opens the content, or the key simply did not fit this JWE.
    let open = |cek: Result<Vec<u8>, Unwrap>| match cek {
        Ok(cek) => Ok(content::decrypt(enc, &cek, &jwe.iv, aad, &jwe.ciphertext, &jwe.tag).ok()),
        Err(Unwrap::Refused(e)) => Err(e),
        Err(Unwrap::Failed) => Ok(None),
    };
    let mut ruled_out = Vec::new();
    if alg.starts_with("PBES2") {
        if let Some(password) = password {
            if attempts.count >= limits::MAX_KEY_ATTEMPTS {
                attempts.stopped = true;
                return Ok(None);
            }
            // Each recipient's count is capped; so is their sum, or sixteen recipients at the
            // cap would cost sixteen times the work.
            let p2c = header.get("p2c").and_then(Value::as_u64).unwrap_or(0);
            if p2c > u64::from(limits::MAX_PBES2_ITERATIONS) {
                // Named as this recipient's own count over the cap, before the sum is.
                return Err(JweError::IterationsOverCap { at, p2c, cap: limits::MAX_PBES2_ITERATIONS });
            }
            if attempts.pbes2_iterations.saturating_add(p2c) > limits::MAX_PBES2_ITERATIONS_TOTAL {
                attempts.pbes2_over = true;
                return Ok(None);
            }
            attempts.pbes2_iterations += p2c;
            attempts.count += 1;
            if let Some(plain) = open(key_management::unwrap_with_password(alg, &header, encrypted_key, password, r))? {
                return Ok(Some(Opened { header, key_index: keys.len(), plain, inflate }));
            }
        }
    } else {
        // Keys whose kid is the header's are tried first: the kid is a hint, not a filter, but
        // it spends the attempts where they are likely to succeed.
        let kid = header.get("kid").and_then(Value::as_str);
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by_key(|&i| kid.is_none() || keys[i].kid.as_deref() != kid);
        for index in order {
            let key = &keys[index];
            if !key_management::material_fits(alg, enc, &header, key) {
                continue;
            }
            if let Some(why) = key_management::refusal(alg, enc_name, key) {
                ruled_out.push(format!("key #{} {why}", index + 1));
                continue;
            }
            if attempts.count >= limits::MAX_KEY_ATTEMPTS {
                attempts.stopped = true;
                return Ok(None);
            }
            attempts.count += 1;
            if let Some(plain) = open(key_management::unwrap_with_key(alg, enc, &header, encrypted_key, key, r))? {
                return Ok(Some(Opened { header, key_index: index, plain, inflate }));
            }
        }
    }
    let not_tried =
        if ruled_out.is_empty() { String::new() } else { format!(" (not tried: {})", ruled_out.join(", ")) };
    attempts.needs.push(format!("{at} ({alg}) needs {}{not_tried}", key_management::needs(alg, enc)));
    Ok(None)
}

/// A recipient's header, checked as far as it can be before any key is applied.
struct Checked {
    /// The header that applies to it (protected, shared and its own members).
    header: JsonObject,
    /// "recipient #N", for messages.
    at: String,
    /// Its key management algorithm, one this engine implements.
    alg: String,
    /// Its content encryption algorithm as named.
    enc_name: String,
    /// That content encryption algorithm.
    enc: Enc,
    /// The plaintext is to be inflated (`"zip": "DEF"`).
    inflate: bool,
}

/// Recipient `r`'s header, refused for what no key can mend: an `alg` or `enc` not
/// implemented, a `crit`, a `zip` outside the protected header, an ECDH-ES `epk` missing or
/// odd (before any key is matched to its curve, so it is named as the JWE's fault).
/// Decryption and the window's list of fitting keys both read recipients through this, so a
/// JWE is never offered for a decryption that can only be refused.
fn checked_recipient(jwe: &serialization::Jwe, r: usize) -> Result<Checked, JweError> {
    let header = jwe.merged_header(r)?;
    let at = recipient_place(r);
    let alg = header_str(&header, "alg", &at)?.to_owned();
    let enc_name = header_str(&header, "enc", &at)?.to_owned();
    let enc = Enc::from_name(&enc_name)
        .ok_or_else(|| JweError::Unsupported { at: at.clone(), what: format!("\"enc\" {enc_name:?}") })?;
    if !SUPPORTED_KEY_ALGORITHMS.contains(&alg.as_str()) {
        return Err(JweError::Unsupported { at, what: format!("\"alg\" {alg:?}") });
    }
    check_crit(&jwe.protected, &header, &at)?;
    let inflate = check_zip(&jwe.protected, &header, &at)?;
    if alg.starts_with("ECDH-ES") {
        key_management::check_epk(&header, &at)?;
    }
    Ok(Checked { header, at, alg, enc_name, enc, inflate })
}

/// A string header member that must be there.
fn header_str<'a>(header: &'a JsonObject, name: &str, at: &str) -> Result<&'a str, JweError> {
    match header.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => {
            Err(JweError::Malformed { at: at.to_owned(), reason: format!("header member {name:?} must be a string") })
        }
        None => Err(JweError::Malformed { at: at.to_owned(), reason: format!("header member {name:?} is missing") }),
    }
}

/// `crit` (RFC 7516 §4.1.13, RFC 7515 §4.1.11): it must be in the protected header, and this
/// engine understands no extension, so any member it lists is refused.
fn check_crit(protected: &JsonObject, header: &JsonObject, at: &str) -> Result<(), JweError> {
    let Some(crit) = header.get("crit") else {
        return Ok(());
    };
    if !protected.contains_key("crit") {
        return Err(JweError::Malformed {
            at: at.to_owned(),
            reason: "header member \"crit\" must be integrity protected (RFC 7515 §4.1.11)".into(),
        });
    }
    let names: Vec<&str> = match crit {
        Value::Array(list) if !list.is_empty() && list.iter().all(Value::is_string) => {
            list.iter().filter_map(Value::as_str).collect()
        }
        _ => {
            return Err(JweError::Malformed {
                at: at.to_owned(),
                reason: "header member \"crit\" must be a non-empty array of strings".into(),
            });
        }
    };
    Err(JweError::Unsupported { at: at.to_owned(), what: format!("the critical header member(s) {names:?}") })
}

/// `zip` (RFC 7516 §4.1.3): only `DEF`, and only in the protected header. True to inflate.
fn check_zip(protected: &JsonObject, header: &JsonObject, at: &str) -> Result<bool, JweError> {
    match header.get("zip") {
        None => Ok(false),
        Some(_) if !protected.contains_key("zip") => Err(JweError::Malformed {
            at: at.to_owned(),
            reason: "header member \"zip\" must be integrity protected (RFC 7516 §4.1.3)".into(),
        }),
        Some(Value::String(z)) if z == "DEF" => Ok(true),
        Some(other) => Err(JweError::Unsupported { at: at.to_owned(), what: format!("\"zip\" {other}") }),
    }
}

/// Inflates raw DEFLATE (RFC 1951), stopping at [`limits::MAX_INPUT_BYTES`].
fn inflate_deflate(compressed: &[u8]) -> Result<Vec<u8>, JweError> {
    let limit = limits::MAX_INPUT_BYTES;
    let mut out = Vec::new();
    let mut decoder = flate2::read::DeflateDecoder::new(compressed);
    (&mut decoder).take(limit as u64 + 1).read_to_end(&mut out).map_err(|e| JweError::Malformed {
        at: "the plaintext".into(),
        reason: format!("\"zip\": \"DEF\" but it is not DEFLATE data: {e}"),
    })?;
    if out.len() > limit {
        return Err(JweError::DecompressedTooLarge { limit });
    }
    // Bytes after the end of the DEFLATE stream were encrypted and authenticated, yet no
    // inflater would show them: refused rather than dropped unseen.
    if decoder.total_in() != compressed.len() as u64 {
        return Err(JweError::Malformed {
            at: "the plaintext".into(),
            reason: format!(
                "\"zip\": \"DEF\" but {} follow the end of the DEFLATE data",
                crate::core::text::count(
                    usize::try_from(compressed.len() as u64 - decoder.total_in()).unwrap_or(usize::MAX),
                    "byte",
                    "bytes"
                )
            ),
        });
    }
    Ok(out)
}
