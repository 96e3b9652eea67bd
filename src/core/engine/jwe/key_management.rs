//! Key management per `alg` (RFC 7518 §4): how each recipient's Content Encryption Key is
//! recovered. `dir`, AES Key Wrap, AES-GCM key wrap, RSA-OAEP, `RSA1_5`, ECDH-ES (with and
//! without key wrap) on the NIST curves and X25519, and PBES2, all on aws-lc-rs. AES-192 Key Wrap, which
//! aws-lc-rs's `key_wrap` lacks, is RFC 3394 over aws-lc-rs's single-block AES-192.
//!
//! After a key is applied, every failure is the opaque [`Unwrap::Failed`]: the caller turns it
//! into the one "cannot be decrypted with these keys" error.

use std::num::NonZeroU32;

use aws_lc_rs::{agreement, cipher, constant_time, digest, key_wrap, pbkdf2, rand, rsa};
use serde_json::Value;

use super::JweError;
use super::content::{self, Enc};
use super::serialization::recipient_place;
use crate::core::engine::keys::{Curve, Key, KeyMaterial, OID_RSA, PrivateMaterial, bit_len};
use crate::core::engine::limits;
use crate::core::engine::token::{JsonObject, decode_b64url};

/// Why no CEK came out of a recipient.
pub(super) enum Unwrap {
    /// The key did not open it; deliberately says nothing more (no oracle).
    Failed,
    /// The header is unusable for this algorithm; the error names the member.
    Refused(JweError),
}

impl From<JweError> for Unwrap {
    fn from(e: JweError) -> Self {
        Self::Refused(e)
    }
}

/// Every `alg` this engine decrypts.
pub const SUPPORTED_KEY_ALGORITHMS: [&str; 17] = [
    "dir",
    "A128KW",
    "A192KW",
    "A256KW",
    "A128GCMKW",
    "A192GCMKW",
    "A256GCMKW",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "RSA1_5",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A192KW",
    "ECDH-ES+A256KW",
    "PBES2-HS256+A128KW",
    "PBES2-HS384+A192KW",
    "PBES2-HS512+A256KW",
];

/// What a recipient of `alg` needs, in words, for the "no key fits" message.
pub(super) fn needs(alg: &str, enc: Enc) -> String {
    match alg {
        "dir" => format!("an oct key of {} bytes", enc.key_len()),
        a if a.starts_with("PBES2") => "a password".to_owned(),
        a if a.starts_with("RSA") => "an RSA private key".to_owned(),
        a if a.starts_with("ECDH-ES") => "an EC or X25519 private key on the curve of \"epk\"".to_owned(),
        a => format!("an oct key of {} bytes", aes_key_len(a).unwrap_or_default()),
    }
}

/// The AES key length of `A128KW`, `A192GCMKW`, `ECDH-ES+A256KW`, `PBES2-HS256+A128KW`…
pub(super) fn aes_key_len(alg: &str) -> Option<usize> {
    let tail = alg.rsplit('+').next().unwrap_or(alg);
    match tail.get(..4) {
        Some("A128") => Some(16),
        Some("A192") => Some(24),
        Some("A256") => Some(32),
        _ => None,
    }
}

/// Why a key whose material would fit is still not tried for `alg`, if it is not: a JWK `alg`
/// naming another algorithm (Wycheproof refuses an A128GCMKW key used for A128KW and an
/// RSA-OAEP key used for `RSA1_5`; for `dir` the key's `alg` may name the `enc`), a key
/// marked `"use": "sig"`, or an RSA key of a size aws-lc-rs does not decrypt with.
pub(super) fn refusal(alg: &str, enc_name: &str, key: &Key) -> Option<String> {
    if key.key_use.as_deref() == Some("sig") {
        return Some("is marked \"use\": \"sig\"".to_owned());
    }
    if let Some(ops) = key_ops_refusal(key, JWE_KEY_OPS) {
        return Some(ops);
    }
    if let KeyMaterial::Rsa { n, .. } = &key.material {
        let bits = bit_len(n);
        if !(RSA_DECRYPTION_BITS.0..=RSA_DECRYPTION_BITS.1).contains(&bits) {
            return Some(format!(
                "is RSA {bits}: RSA decryption here takes {} to {} bits",
                RSA_DECRYPTION_BITS.0, RSA_DECRYPTION_BITS.1
            ));
        }
    }
    match key.alg.as_deref() {
        Some(key_alg) if key_alg != alg && !(alg == "dir" && key_alg == enc_name) => {
            Some(format!("has JWK \"alg\" {key_alg:?}, not {alg:?}"))
        }
        _ => None,
    }
}

/// The RSA modulus sizes aws-lc-rs decrypts and encrypts with (`PrivateDecryptingKey` and
/// `PublicEncryptingKey` refuse the others).
pub(super) const RSA_DECRYPTION_BITS: (usize, usize) = (2048, 8192);

/// True when the material of `key` can serve a recipient of `alg`/`enc` with this header: the
/// right type and size, private where it must be, the curve of `epk` for ECDH-ES. A secret
/// whose bytes are a public key is never used (anyone has those bytes).
pub(super) fn material_fits(alg: &str, enc: Enc, header: &JsonObject, key: &Key) -> bool {
    if key.public_key_bytes.is_some() {
        return false;
    }
    match (&key.material, &key.private) {
        (KeyMaterial::Oct { k }, _) => match alg {
            "dir" => k.len() == enc.key_len(),
            a if a.starts_with('A') => aes_key_len(a) == Some(k.len()),
            _ => false,
        },
        (KeyMaterial::Rsa { .. }, Some(PrivateMaterial::RsaPkcs1(_))) => alg.starts_with("RSA"),
        (KeyMaterial::Ec { curve, .. }, Some(PrivateMaterial::Ec { .. })) => {
            alg.starts_with("ECDH-ES") && epk_curve(header) == Some(curve.name())
        }
        (KeyMaterial::X25519 { .. }, Some(PrivateMaterial::X25519 { .. })) => {
            alg.starts_with("ECDH-ES") && epk_curve(header) == Some("X25519")
        }
        _ => false,
    }
}

/// The `key_ops` (RFC 7517 §4.3) of a key that takes part in a JWE, either way: a key
/// published for these operations may encrypt or decrypt (a private key's list names its own
/// side, its public half the other).
pub(super) const JWE_KEY_OPS: &[&str] = &["encrypt", "decrypt", "wrapKey", "unwrapKey", "deriveKey", "deriveBits"];

/// A key whose JWK `key_ops` (RFC 7517 §4.3) lists none of `allowed`: "is for \"sign\",
/// \"verify\" only".
pub(super) fn key_ops_refusal(key: &Key, allowed: &[&str]) -> Option<String> {
    let ops = key.key_ops.as_ref()?;
    if ops.iter().any(|op| allowed.contains(&op.as_str())) {
        return None;
    }
    let listed: Vec<String> = ops.iter().map(|op| format!("{op:?}")).collect();
    Some(format!("has \"key_ops\" [{}], none of {allowed:?}", listed.join(", ")))
}

/// An ECDH-ES recipient's `epk` (RFC 7518 §4.6.1.1): a JWK object naming a curve this engine
/// agrees on. Checked before keys are matched to its curve, so a missing or odd `epk` is named
/// as the JWE's fault rather than read as "no key fits".
pub(super) fn check_epk(header: &JsonObject, at: &str) -> Result<(), JweError> {
    let malformed = |reason: &str| JweError::Malformed { at: at.to_owned(), reason: reason.to_owned() };
    match header.get("epk") {
        None => Err(malformed("header member \"epk\" is missing (RFC 7518 §4.6.1.1)")),
        Some(Value::Object(epk)) => match epk.get("crv") {
            Some(Value::String(crv)) if ["P-256", "P-384", "P-521", "X25519"].contains(&crv.as_str()) => {
                // Each coordinate the curve's size, so a point of another curve is the JWE's
                // fault whichever keys are loaded (the point itself is checked when agreeing).
                let (size, coordinates): (usize, &[&str]) = match crv.as_str() {
                    "P-256" => (32, &["x", "y"]),
                    "P-384" => (48, &["x", "y"]),
                    "P-521" => (66, &["x", "y"]),
                    _ => (32, &["x"]),
                };
                for name in coordinates {
                    let len =
                        epk.get(*name).and_then(Value::as_str).and_then(|c| decode_b64url(c).ok()).map(|b| b.len());
                    if len != Some(size) {
                        return Err(JweError::Malformed {
                            at: at.to_owned(),
                            reason: format!(
                                "the \"epk\" coordinate {name:?} must be {size} bytes of base64url on {crv} (RFC 7518 \
                                 §6.2.1)"
                            ),
                        });
                    }
                }
                Ok(())
            }
            Some(Value::String(crv)) => {
                Err(JweError::Unsupported { at: at.to_owned(), what: format!("the \"epk\" curve {crv:?}") })
            }
            _ => Err(malformed("header member \"epk\" has no string \"crv\" (RFC 7518 §6.2.1.1)")),
        },
        Some(_) => Err(malformed("header member \"epk\" must be a JWK object (RFC 7518 §4.6.1.1)")),
    }
}

/// The `crv` of the `epk` header member.
fn epk_curve(header: &JsonObject) -> Option<&str> {
    header.get("epk").and_then(|e| e.get("crv")).and_then(Value::as_str)
}

/// The curve of an ECDH-ES recipient's private key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AgreementCurve {
    /// P-256, P-384 or P-521.
    Nist(Curve),
    /// X25519 (RFC 8037).
    X25519,
}

impl AgreementCurve {
    /// The JWK `crv` name.
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Nist(c) => c.name(),
            Self::X25519 => "X25519",
        }
    }

    /// The aws-lc-rs key agreement on this curve.
    pub(super) fn algorithm(self) -> &'static agreement::Algorithm {
        match self {
            Self::Nist(Curve::P256) => &agreement::ECDH_P256,
            Self::Nist(Curve::P384) => &agreement::ECDH_P384,
            Self::Nist(Curve::P521) => &agreement::ECDH_P521,
            Self::X25519 => &agreement::X25519,
        }
    }
}

/// Recovers the CEK of one recipient with a loaded key that [`key_fits`].
pub(super) fn unwrap_with_key(
    alg: &str,
    enc: Enc,
    header: &JsonObject,
    encrypted_key: &[u8],
    key: &Key,
    recipient: usize,
) -> Result<Vec<u8>, Unwrap> {
    match (&key.material, &key.private) {
        (KeyMaterial::Oct { k }, _) => match alg {
            "dir" => {
                empty_encrypted_key(alg, encrypted_key, recipient)?;
                Ok(k.clone())
            }
            a if a.ends_with("GCMKW") => {
                let iv = header_bytes(header, "iv", recipient)?;
                let tag = header_bytes(header, "tag", recipient)?;
                content::gcm_open(k, &iv, &[], encrypted_key, &tag).map_err(|_| Unwrap::Failed)
            }
            _ => aes_kw_unwrap(k, encrypted_key),
        },
        (KeyMaterial::Rsa { .. }, Some(PrivateMaterial::RsaPkcs1(pkcs1))) => rsa_unwrap(alg, enc, pkcs1, encrypted_key),
        (KeyMaterial::Ec { curve, .. }, Some(PrivateMaterial::Ec { d, .. })) => {
            ecdh_es(alg, enc, header, encrypted_key, AgreementCurve::Nist(*curve), d, recipient)
        }
        (KeyMaterial::X25519 { .. }, Some(PrivateMaterial::X25519 { d })) => {
            ecdh_es(alg, enc, header, encrypted_key, AgreementCurve::X25519, d, recipient)
        }
        _ => Err(Unwrap::Failed),
    }
}

/// Recovers the CEK of a PBES2 recipient (RFC 7518 §4.8) with a password.
pub(super) fn unwrap_with_password(
    alg: &str,
    header: &JsonObject,
    encrypted_key: &[u8],
    password: &[u8],
    recipient: usize,
) -> Result<Vec<u8>, Unwrap> {
    let at = recipient_place(recipient);
    let p2s = header_bytes(header, "p2s", recipient)?;
    if p2s.len() < 8 {
        return Err(JweError::Malformed {
            at,
            reason: format!("header member \"p2s\" is {} bytes; RFC 7518 §4.8.1.1 requires at least 8", p2s.len()),
        }
        .into());
    }
    let p2c = match header.get("p2c") {
        Some(Value::Number(n)) => n.as_u64(),
        None => {
            return Err(JweError::Malformed {
                at,
                reason: "header member \"p2c\" is missing (RFC 7518 §4.8.1.2)".into(),
            }
            .into());
        }
        Some(_) => None,
    }
    .ok_or_else(|| JweError::Malformed {
        at: at.clone(),
        reason: "header member \"p2c\" is not a positive integer".into(),
    })?;
    if p2c > u64::from(limits::MAX_PBES2_ITERATIONS) {
        return Err(JweError::IterationsOverCap { at, p2c, cap: limits::MAX_PBES2_ITERATIONS }.into());
    }
    let iterations = u32::try_from(p2c)
        .ok()
        .and_then(NonZeroU32::new)
        .ok_or_else(|| JweError::Malformed { at: at.clone(), reason: "header member \"p2c\" is 0".into() })?;
    let (prf, kek_len) = match alg {
        "PBES2-HS256+A128KW" => (pbkdf2::PBKDF2_HMAC_SHA256, 16),
        "PBES2-HS384+A192KW" => (pbkdf2::PBKDF2_HMAC_SHA384, 24),
        "PBES2-HS512+A256KW" => (pbkdf2::PBKDF2_HMAC_SHA512, 32),
        _ => return Err(Unwrap::Failed),
    };
    // The salt is the algorithm name, a zero byte and p2s (RFC 7518 §4.8.1.1).
    let mut salt = alg.as_bytes().to_vec();
    salt.push(0);
    salt.extend_from_slice(&p2s);
    let mut kek = vec![0; kek_len];
    pbkdf2::derive(prf, iterations, &salt, password, &mut kek);
    aes_kw_unwrap(&kek, encrypted_key)
}

fn empty_encrypted_key(alg: &str, encrypted_key: &[u8], recipient: usize) -> Result<(), JweError> {
    if encrypted_key.is_empty() {
        Ok(())
    } else {
        Err(JweError::Malformed {
            at: recipient_place(recipient),
            reason: format!("the encrypted key must be empty with \"alg\" {alg:?} (RFC 7518 §4.5, §4.6)"),
        })
    }
}

/// A base64url header member that must be there.
fn header_bytes(header: &JsonObject, name: &str, recipient: usize) -> Result<Vec<u8>, JweError> {
    let at = recipient_place(recipient);
    match header.get(name) {
        Some(Value::String(s)) => decode_b64url(s).map_err(|(pos, why)| JweError::Malformed {
            at,
            reason: format!("header member {name:?} is not base64url at character {pos}: {why}"),
        }),
        Some(_) => Err(JweError::Malformed { at, reason: format!("header member {name:?} must be a string") }),
        None => Err(JweError::Malformed { at, reason: format!("header member {name:?} is missing") }),
    }
}

/// A base64url header member that may be absent (`apu`, `apv`): empty then.
fn optional_header_bytes(header: &JsonObject, name: &str, recipient: usize) -> Result<Vec<u8>, JweError> {
    if header.contains_key(name) { header_bytes(header, name, recipient) } else { Ok(Vec::new()) }
}

/// AES Key Wrap unwrapping (RFC 3394, RFC 7518 §4.4) with a 128, 192 or 256-bit KEK.
pub(super) fn aes_kw_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<Vec<u8>, Unwrap> {
    use key_wrap::KeyWrap;
    if wrapped.len() < 24 || !wrapped.len().is_multiple_of(8) {
        return Err(Unwrap::Failed);
    }
    let block = match kek.len() {
        16 => &key_wrap::AES_128,
        32 => &key_wrap::AES_256,
        24 => return aes192_kw_unwrap(kek, wrapped),
        _ => return Err(Unwrap::Failed),
    };
    let kek = key_wrap::AesKek::new(block, kek).map_err(|_| Unwrap::Failed)?;
    let mut out = vec![0; wrapped.len()];
    let len = kek.unwrap(wrapped, &mut out).map_err(|_| Unwrap::Failed)?.len();
    out.truncate(len);
    Ok(out)
}

/// The initial value of RFC 3394 §2.2.3.1.
pub(super) const KW_IV: [u8; 8] = [0xA6; 8];

/// RFC 3394 §2.2.2 unwrapping over single-block AES-192 (ECB on one block is the raw cipher).
fn aes192_kw_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<Vec<u8>, Unwrap> {
    let key =
        cipher::DecryptingKey::ecb(cipher::UnboundCipherKey::new(&cipher::AES_192, kek).map_err(|_| Unwrap::Failed)?)
            .map_err(|_| Unwrap::Failed)?;
    let n = wrapped.len() / 8 - 1;
    let mut a: [u8; 8] = wrapped[..8].try_into().map_err(|_| Unwrap::Failed)?;
    let mut r: Vec<[u8; 8]> = wrapped[8..].chunks_exact(8).map(|c| c.try_into().unwrap_or([0; 8])).collect();
    for j in (0..6u64).rev() {
        for i in (1..=n).rev() {
            let t = (n as u64) * j + i as u64;
            let mut block = [0u8; 16];
            for (b, (x, y)) in block[..8].iter_mut().zip(a.iter().zip(t.to_be_bytes())) {
                *b = x ^ y;
            }
            block[8..].copy_from_slice(&r[i - 1]);
            key.decrypt(&mut block, cipher::DecryptionContext::None).map_err(|_| Unwrap::Failed)?;
            a.copy_from_slice(&block[..8]);
            r[i - 1].copy_from_slice(&block[8..]);
        }
    }
    constant_time::verify_slices_are_equal(&a, &KW_IV).map_err(|_| Unwrap::Failed)?;
    Ok(r.concat())
}

/// RSA-OAEP, RSA-OAEP-256 and `RSA1_5` (RFC 7518 §4.2, §4.3).
fn rsa_unwrap(alg: &str, enc: Enc, pkcs1: &[u8], encrypted_key: &[u8]) -> Result<Vec<u8>, Unwrap> {
    let private = rsa_private_key(pkcs1).ok_or(Unwrap::Failed)?;
    match alg {
        "RSA-OAEP" | "RSA-OAEP-256" => {
            let padding = if alg == "RSA-OAEP" { &rsa::OAEP_SHA1_MGF1SHA1 } else { &rsa::OAEP_SHA256_MGF1SHA256 };
            let key = rsa::OaepPrivateDecryptingKey::new(private).map_err(|_| Unwrap::Failed)?;
            let mut out = vec![0; key.min_output_size()];
            let len = key.decrypt(padding, encrypted_key, &mut out, None).map_err(|_| Unwrap::Failed)?.len();
            out.truncate(len);
            Ok(out)
        }
        "RSA1_5" => {
            // RFC 7516 §11.5 and RFC 3218 §2.3.2: a random CEK is drawn first and used whenever
            // the padding is wrong or the key has the wrong length, so the content decryption
            // runs, and fails the same way, whatever went wrong (no Bleichenbacher oracle).
            let mut random = vec![0; enc.key_len()];
            rand::fill(&mut random).map_err(|_| Unwrap::Failed)?;
            let key = rsa::Pkcs1PrivateDecryptingKey::new(private).map_err(|_| Unwrap::Failed)?;
            let mut out = vec![0; key.min_output_size()];
            let recovered = key.decrypt(encrypted_key, &mut out).map(|p| p.len());
            match recovered {
                Ok(len) if len == enc.key_len() => {
                    out.truncate(len);
                    Ok(out)
                }
                _ => {
                    #[cfg(test)]
                    super::tests::probe::random_cek();
                    Ok(random)
                }
            }
        }
        _ => Err(Unwrap::Failed),
    }
}

/// The aws-lc-rs decrypting key of a PKCS#1 RSA private key (aws-lc-rs reads PKCS#8).
fn rsa_private_key(pkcs1: &[u8]) -> Option<rsa::PrivateDecryptingKey> {
    use der::Encode;
    let info = pkcs8::PrivateKeyInfoRef {
        algorithm: spki::AlgorithmIdentifierRef { oid: OID_RSA, parameters: Some(der::asn1::AnyRef::NULL) },
        private_key: der::asn1::OctetStringRef::new(pkcs1).ok()?,
        public_key: None,
    };
    rsa::PrivateDecryptingKey::from_pkcs8(&info.to_der().ok()?).ok()
}

/// ECDH-ES and ECDH-ES+A*KW (RFC 7518 §4.6, RFC 8037 §3.2) with the recipient's private key
/// `d` (an EC scalar or an X25519 key).
fn ecdh_es(
    alg: &str,
    enc: Enc,
    header: &JsonObject,
    encrypted_key: &[u8],
    curve: AgreementCurve,
    d: &[u8],
    recipient: usize,
) -> Result<Vec<u8>, Unwrap> {
    let at = recipient_place(recipient);
    let point = ephemeral_point(header, curve, recipient)?;
    let agreement_alg = curve.algorithm();
    let private = agreement::PrivateKey::from_private_key(agreement_alg, d).map_err(|_| Unwrap::Failed)?;
    let peer = agreement::UnparsedPublicKey::new(agreement_alg, point);
    // aws-lc checks that the point is on the curve: a point off it is the invalid-curve
    // attack, which would leak the private scalar bit by bit. For X25519 it refuses the
    // low-order points whose shared secret is all zeros (RFC 7748 §6.1).
    let z = agreement::agree(&private, &peer, (), |z| Ok(z.to_vec())).map_err(|()| JweError::Malformed {
        at,
        reason: format!(
            "header member \"epk\" is not a usable point on {}: refused (invalid-curve or low-order point)",
            curve.name()
        ),
    })?;
    let apu = optional_header_bytes(header, "apu", recipient)?;
    let apv = optional_header_bytes(header, "apv", recipient)?;
    if alg == "ECDH-ES" {
        empty_encrypted_key(alg, encrypted_key, recipient)?;
        return Ok(concat_kdf(&z, enc.name(), &apu, &apv, enc.key_len()));
    }
    let kek_len = aes_key_len(alg).ok_or(Unwrap::Failed)?;
    let kek = concat_kdf(&z, alg, &apu, &apv, kek_len);
    aes_kw_unwrap(&kek, encrypted_key)
}

/// The public key of `epk` as aws-lc-rs reads it (the uncompressed point of an EC key, the
/// 32 bytes of an X25519 key), checked to be a JWK of the key's curve with members of the
/// curve's length.
fn ephemeral_point(header: &JsonObject, curve: AgreementCurve, recipient: usize) -> Result<Vec<u8>, JweError> {
    let at = recipient_place(recipient);
    let bad = |reason: String| JweError::Malformed { at: at.clone(), reason };
    let Some(Value::Object(epk)) = header.get("epk") else {
        return Err(bad("header member \"epk\" is missing or not a JSON object (RFC 7518 §4.6.1.1)".into()));
    };
    let member = |name: &str| -> Result<Vec<u8>, JweError> {
        let s = epk.get(name).and_then(Value::as_str).ok_or_else(|| bad(format!("\"epk\" has no string {name:?}")))?;
        decode_b64url(s)
            .map_err(|(pos, why)| bad(format!("\"epk\" member {name:?} is not base64url at character {pos}: {why}")))
    };
    let kty = if curve == AgreementCurve::X25519 { "OKP" } else { "EC" };
    if epk.get("kty").and_then(Value::as_str) != Some(kty) {
        return Err(bad(format!("\"epk\" must have \"kty\": {kty:?} for a {} key", curve.name())));
    }
    let crv = epk.get("crv").and_then(Value::as_str).unwrap_or_default();
    if crv != curve.name() {
        return Err(bad(format!("\"epk\" is on {crv:?}, the key on {}", curve.name())));
    }
    let x = member("x")?;
    let AgreementCurve::Nist(nist) = curve else {
        if x.len() != 32 {
            return Err(bad(format!("an X25519 \"epk\" \"x\" must be 32 bytes; it is {}", x.len())));
        }
        return Ok(x);
    };
    let y = member("y")?;
    let len = nist.coordinate_len();
    if x.len() != len || y.len() != len {
        return Err(bad(format!(
            "\"epk\" coordinates must be {len} bytes each on {}; x is {} and y is {}",
            nist.name(),
            x.len(),
            y.len()
        )));
    }
    let mut point = Vec::with_capacity(1 + 2 * len);
    point.push(0x04);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    Ok(point)
}

/// The Concat KDF of NIST SP 800-56A §5.8.1 as RFC 7518 §4.6.2 uses it, over SHA-256.
pub(super) fn concat_kdf(z: &[u8], algorithm_id: &str, apu: &[u8], apv: &[u8], key_len: usize) -> Vec<u8> {
    let mut other_info = Vec::new();
    for field in [algorithm_id.as_bytes(), apu, apv] {
        other_info.extend_from_slice(&u32::try_from(field.len()).unwrap_or(u32::MAX).to_be_bytes());
        other_info.extend_from_slice(field);
    }
    other_info.extend_from_slice(&u32::try_from(key_len * 8).unwrap_or(u32::MAX).to_be_bytes());
    let mut out = Vec::with_capacity(key_len + digest::SHA256_OUTPUT_LEN);
    let mut counter: u32 = 1;
    while out.len() < key_len {
        let mut ctx = digest::Context::new(&digest::SHA256);
        ctx.update(&counter.to_be_bytes());
        ctx.update(z);
        ctx.update(&other_info);
        out.extend_from_slice(ctx.finish().as_ref());
        counter += 1;
    }
    out.truncate(key_len);
    out
}
