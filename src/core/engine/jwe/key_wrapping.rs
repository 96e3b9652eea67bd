//! Key management per `alg` for encryption (RFC 7518 §4): how the Content Encryption Key
//! reaches the recipient. The counterpart of `key_management`'s unwrapping, on the same
//! aws-lc-rs primitives: AES Key Wrap (AES-192 as RFC 3394 over single-block AES, which
//! aws-lc-rs's `key_wrap` lacks), AES-GCM key wrap, RSA-OAEP, ECDH-ES with an ephemeral key on
//! the NIST curves and X25519, and PBES2.
//!
//! The option checks (does the key fit `alg`?) happen before any of this, in `encrypt`; a
//! failure here is aws-lc-rs refusing what it was given, which the checks should have ruled out.

use std::num::NonZeroU32;

use aws_lc_rs::{agreement, cipher, key_wrap, pbkdf2, rand, rsa};
use serde_json::Value;

use super::content::{self, Enc};
use super::key_management::{AgreementCurve, KW_IV, aes_key_len, concat_kdf};
use super::{EncryptInput, JweError};
use crate::core::engine::keys::{Curve, OID_RSA};
use crate::core::engine::token::{JsonObject, encode_b64url};

/// aws-lc-rs failed at `step`.
pub(super) fn failed(step: &str) -> JweError {
    JweError::EncryptionFailed { step: step.to_owned() }
}

/// `len` bytes from aws-lc-rs's system random source.
pub(super) fn random_bytes(len: usize, what: &str) -> Result<Vec<u8>, JweError> {
    let mut out = vec![0; len];
    rand::fill(&mut out).map_err(|_| failed(&format!("drawing the random {what}")))?;
    Ok(out)
}

/// AES Key Wrap (RFC 3394, RFC 7518 §4.4) of `cek` under a 128, 192 or 256-bit `kek`.
pub(super) fn aes_kw_wrap(kek: &[u8], cek: &[u8]) -> Result<Vec<u8>, JweError> {
    use key_wrap::KeyWrap;
    let block = match kek.len() {
        16 => &key_wrap::AES_128,
        32 => &key_wrap::AES_256,
        24 => return aes192_kw_wrap(kek, cek),
        _ => return Err(failed(&format!("AES Key Wrap with a {}-byte key", kek.len()))),
    };
    let kek = key_wrap::AesKek::new(block, kek).map_err(|_| failed("building the AES Key Wrap key"))?;
    let mut out = vec![0; cek.len() + 8];
    let len = kek.wrap(cek, &mut out).map_err(|_| failed("AES Key Wrap"))?.len();
    out.truncate(len);
    Ok(out)
}

/// RFC 3394 §2.2.1 wrapping over single-block AES-192 (ECB on one block is the raw cipher).
pub(super) fn aes192_kw_wrap(kek: &[u8], cek: &[u8]) -> Result<Vec<u8>, JweError> {
    if cek.len() < 16 || !cek.len().is_multiple_of(8) {
        return Err(failed(&format!("AES Key Wrap of {} bytes (a multiple of 8, at least 16)", cek.len())));
    }
    let key = cipher::UnboundCipherKey::new(&cipher::AES_192, kek)
        .and_then(cipher::EncryptingKey::ecb)
        .map_err(|_| failed("building the AES-192 key"))?;
    let n = cek.len() / 8;
    let mut a = KW_IV;
    let mut r: Vec<[u8; 8]> = cek.chunks_exact(8).map(|c| c.try_into().unwrap_or([0; 8])).collect();
    for j in 0..6u64 {
        for i in 1..=n {
            let mut block = [0u8; 16];
            block[..8].copy_from_slice(&a);
            block[8..].copy_from_slice(&r[i - 1]);
            key.encrypt(&mut block).map_err(|_| failed("AES-192 block encryption"))?;
            let t = (n as u64) * j + i as u64;
            for (x, (b, y)) in a.iter_mut().zip(block[..8].iter().zip(t.to_be_bytes())) {
                *x = b ^ y;
            }
            r[i - 1].copy_from_slice(&block[8..]);
        }
    }
    let mut out = a.to_vec();
    out.extend(r.concat());
    Ok(out)
}

/// AES-GCM key wrapping (RFC 7518 §4.7): the wrapped CEK, and the `iv` and `tag` header members.
pub(super) fn gcm_wrap(kek: &[u8], cek: &[u8], header: &mut JsonObject) -> Result<Vec<u8>, JweError> {
    let sealed = content::gcm_seal(kek, &[], cek).map_err(|_| failed("AES-GCM key wrapping"))?;
    header.insert("iv".into(), encode_b64url(&sealed.iv).into());
    header.insert("tag".into(), encode_b64url(&sealed.tag).into());
    Ok(sealed.ciphertext)
}

/// RSA-OAEP (SHA-1) or RSA-OAEP-256 (RFC 7518 §4.3) of `cek` to the public key `n`, `e`.
pub(super) fn rsa_oaep_wrap(alg: &str, n: &[u8], e: &[u8], cek: &[u8]) -> Result<Vec<u8>, JweError> {
    let spki = rsa_spki(n, e).ok_or_else(|| failed("encoding the RSA public key"))?;
    let public = rsa::PublicEncryptingKey::from_der(&spki).map_err(|e| failed(&format!("reading the RSA key: {e}")))?;
    let key = rsa::OaepPublicEncryptingKey::new(public).map_err(|_| failed("building the RSA-OAEP key"))?;
    let padding = if alg == "RSA-OAEP" { &rsa::OAEP_SHA1_MGF1SHA1 } else { &rsa::OAEP_SHA256_MGF1SHA256 };
    let mut out = vec![0; key.ciphertext_size()];
    let len = key.encrypt(padding, cek, &mut out, None).map_err(|_| failed("RSA-OAEP encryption"))?.len();
    out.truncate(len);
    Ok(out)
}

/// The X.509 `SubjectPublicKeyInfo` DER of an RSA public key (aws-lc-rs reads that form).
fn rsa_spki(n: &[u8], e: &[u8]) -> Option<Vec<u8>> {
    use der::Encode;
    let pkcs1 = pkcs1::RsaPublicKey {
        modulus: der::asn1::UintRef::new(n).ok()?,
        public_exponent: der::asn1::UintRef::new(e).ok()?,
    }
    .to_der()
    .ok()?;
    spki::SubjectPublicKeyInfoOwned {
        algorithm: spki::AlgorithmIdentifierOwned {
            oid: OID_RSA,
            parameters: Some(der::asn1::Any::from(der::asn1::AnyRef::NULL)),
        },
        subject_public_key: der::asn1::BitString::from_bytes(&pkcs1).ok()?,
    }
    .to_der()
    .ok()
}

/// The recipient of an ECDH-ES encryption: its curve and its public key as aws-lc-rs reads it
/// (the uncompressed point of an EC key, the 32 bytes of an X25519 key).
pub(super) struct AgreementPeer {
    /// The curve.
    pub curve: AgreementCurve,
    /// The public key bytes.
    pub point: Vec<u8>,
}

impl AgreementPeer {
    /// An EC public key on a NIST curve.
    pub fn nist(curve: Curve, x: &[u8], y: &[u8]) -> Self {
        let mut point = Vec::with_capacity(1 + x.len() + y.len());
        point.push(0x04);
        point.extend_from_slice(x);
        point.extend_from_slice(y);
        Self { curve: AgreementCurve::Nist(curve), point }
    }

    /// An X25519 public key.
    pub fn x25519(x: &[u8; 32]) -> Self {
        Self { curve: AgreementCurve::X25519, point: x.to_vec() }
    }
}

/// ECDH-ES and ECDH-ES+A*KW (RFC 7518 §4.6, RFC 8037 §3.2): agrees on Z with a fresh ephemeral
/// key, puts that key in the header as `epk`, and returns (CEK, encrypted key). Direct ECDH-ES
/// derives the CEK itself (no encrypted key); the key-wrap variants derive a KEK that wraps a
/// random CEK. `apu` and `apv` are left out, so the Concat KDF's `PartyUInfo` and `PartyVInfo` are
/// empty.
pub(super) fn ecdh_es_wrap(
    alg: &str,
    enc: Enc,
    peer: &AgreementPeer,
    header: &mut JsonObject,
) -> Result<(Vec<u8>, Vec<u8>), JweError> {
    let algorithm = peer.curve.algorithm();
    let rng = rand::SystemRandom::new();
    let ephemeral = agreement::EphemeralPrivateKey::generate(algorithm, &rng)
        .map_err(|_| failed("generating the ephemeral key"))?;
    let public = ephemeral.compute_public_key().map_err(|_| failed("computing the ephemeral public key"))?;
    header.insert("epk".into(), Value::Object(epk_jwk(peer.curve, public.as_ref())));
    let z = agreement::agree_ephemeral(ephemeral, agreement::UnparsedPublicKey::new(algorithm, &peer.point), (), |z| {
        Ok(z.to_vec())
    })
    // aws-lc refuses a point off the curve and an X25519 key of low order (all-zero secret):
    // the recipient's key is unusable, not the library.
    .map_err(|()| JweError::CannotEncrypt {
        input: EncryptInput::Key,
        reason: format!(
            "its {} public key gives no usable shared secret (a low-order or invalid point)",
            peer.curve.name()
        ),
    })?;
    if alg == "ECDH-ES" {
        return Ok((concat_kdf(&z, enc.name(), &[], &[], enc.key_len()), Vec::new()));
    }
    let kek_len = aes_key_len(alg).ok_or_else(|| failed(&format!("the KEK length of {alg}")))?;
    let kek = concat_kdf(&z, alg, &[], &[], kek_len);
    let cek = random_bytes(enc.key_len(), "CEK")?;
    let wrapped = aes_kw_wrap(&kek, &cek)?;
    Ok((cek, wrapped))
}

/// The `epk` JWK of an ephemeral public key: `kty`, `crv`, `x` (and `y` on a NIST curve).
fn epk_jwk(curve: AgreementCurve, public: &[u8]) -> JsonObject {
    let mut jwk = JsonObject::new();
    match curve {
        AgreementCurve::Nist(nist) => {
            // aws-lc-rs gives the uncompressed point: 0x04, then x and y of equal length.
            let coordinates = public.get(1..).unwrap_or_default();
            let (x, y) = coordinates.split_at(coordinates.len() / 2);
            jwk.insert("kty".into(), "EC".into());
            jwk.insert("crv".into(), nist.name().into());
            jwk.insert("x".into(), encode_b64url(x).into());
            jwk.insert("y".into(), encode_b64url(y).into());
        }
        AgreementCurve::X25519 => {
            jwk.insert("kty".into(), "OKP".into());
            jwk.insert("crv".into(), "X25519".into());
            jwk.insert("x".into(), encode_b64url(public).into());
        }
    }
    jwk
}

/// PBES2 (RFC 7518 §4.8): a random 16-byte `p2s`, `p2c` iterations of PBKDF2 over the password
/// and the salt `alg || 0x00 || p2s`, and the CEK wrapped with the derived key. Sets `p2s` and
/// `p2c` in the header and returns the encrypted key.
pub(super) fn pbes2_wrap(
    alg: &str,
    password: &[u8],
    iterations: NonZeroU32,
    cek: &[u8],
    header: &mut JsonObject,
) -> Result<Vec<u8>, JweError> {
    let (prf, kek_len) = match alg {
        "PBES2-HS256+A128KW" => (pbkdf2::PBKDF2_HMAC_SHA256, 16),
        "PBES2-HS384+A192KW" => (pbkdf2::PBKDF2_HMAC_SHA384, 24),
        "PBES2-HS512+A256KW" => (pbkdf2::PBKDF2_HMAC_SHA512, 32),
        _ => return Err(failed(&format!("PBES2 with {alg}"))),
    };
    let p2s = random_bytes(16, "PBES2 salt")?;
    let mut salt = alg.as_bytes().to_vec();
    salt.push(0);
    salt.extend_from_slice(&p2s);
    let mut kek = vec![0; kek_len];
    pbkdf2::derive(prf, iterations, &salt, password, &mut kek);
    header.insert("p2s".into(), encode_b64url(&p2s).into());
    header.insert("p2c".into(), iterations.get().into());
    aes_kw_wrap(&kek, cek)
}
