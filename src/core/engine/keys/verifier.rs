//! Verification keys parsed once per algorithm: aws-lc-rs for RSA, P-256, P-384, Ed25519 and
//! HMAC, RustCrypto `p521` for ES512, and RustCrypto `rsa` for the RSA keys aws-lc refuses
//! (under 2,048 bits except RS256/RS512, over 8,192 bits), so every size the key store accepts
//! verifies every RSA algorithm.

use aws_lc_rs::signature::{self as lc, ParsedPublicKey};
use der::Encode;

use super::{Curve, KeyMaterial, bit_len, uint};
use crate::core::engine::error::{Error, Result};

/// A public key (or HMAC key) ready to verify one algorithm.
#[derive(Clone)]
pub(crate) enum Verifier {
    /// RSA, ECDSA P-256/P-384 and Ed25519 through aws-lc-rs, parsed once.
    Parsed(ParsedPublicKey),
    /// HMAC through aws-lc-rs.
    Hmac(Box<aws_lc_rs::hmac::Key>),
    /// ECDSA P-521 (ES512) through RustCrypto `p521`.
    P521(Box<p521::ecdsa::VerifyingKey>),
    /// RSA outside aws-lc's sizes, through RustCrypto `rsa`.
    Rsa(Box<RsaVerifier>),
}

/// One RSA scheme and hash over a RustCrypto public key (PSS with the salt as long as the hash,
/// RFC 7518 §3.5).
#[derive(Clone)]
pub(crate) enum RsaVerifier {
    Rs256(rsa::pkcs1v15::VerifyingKey<sha2::Sha256>),
    Rs384(rsa::pkcs1v15::VerifyingKey<sha2::Sha384>),
    Rs512(rsa::pkcs1v15::VerifyingKey<sha2::Sha512>),
    Ps256(rsa::pss::VerifyingKey<sha2::Sha256>),
    Ps384(rsa::pss::VerifyingKey<sha2::Sha384>),
    Ps512(rsa::pss::VerifyingKey<sha2::Sha512>),
}

impl RsaVerifier {
    fn new(n: &[u8], e: &[u8], alg: &str) -> Result<Self> {
        use rsa::BoxedUint;
        let unusable = |reason: String| Error::KeyUnusable { alg: alg.to_owned(), reason };
        let bits = u32::try_from(n.len() * 8).map_err(|_| unusable("the RSA modulus is too large".to_owned()))?;
        let n = BoxedUint::from_be_slice(n, bits).map_err(|e| unusable(format!("the RSA modulus is unusable: {e}")))?;
        let e = BoxedUint::from_be_slice_vartime(e);
        let key = rsa::PublicKey::new_with_size_limits(n, e, 512..=super::formats::MAX_RSA_BITS)
            .map_err(|e| unusable(format!("the RSA key is refused: {e}")))?;
        Ok(match alg {
            "RS256" => Self::Rs256(rsa::pkcs1v15::VerifyingKey::new(key)),
            "RS384" => Self::Rs384(rsa::pkcs1v15::VerifyingKey::new(key)),
            "RS512" => Self::Rs512(rsa::pkcs1v15::VerifyingKey::new(key)),
            "PS256" => Self::Ps256(rsa::pss::VerifyingKey::new(key)),
            "PS384" => Self::Ps384(rsa::pss::VerifyingKey::new(key)),
            "PS512" => Self::Ps512(rsa::pss::VerifyingKey::new(key)),
            other => return Err(unusable(format!("{other} is not an RSA algorithm"))),
        })
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        use rsa::signature::Verifier as _;
        // The default decoding limit stops at 8,192 bits; the exact length is checked against
        // the key during verification.
        let max = super::formats::MAX_RSA_BITS / 8;
        let pkcs1 = || rsa::pkcs1v15::Signature::from_bytes_with_max_len(signature, max);
        let pss = || rsa::pss::Signature::from_bytes_with_max_len(signature, max);
        match self {
            Self::Rs256(k) => pkcs1().is_ok_and(|s| k.verify(message, &s).is_ok()),
            Self::Rs384(k) => pkcs1().is_ok_and(|s| k.verify(message, &s).is_ok()),
            Self::Rs512(k) => pkcs1().is_ok_and(|s| k.verify(message, &s).is_ok()),
            Self::Ps256(k) => pss().is_ok_and(|s| k.verify(message, &s).is_ok()),
            Self::Ps384(k) => pss().is_ok_and(|s| k.verify(message, &s).is_ok()),
            Self::Ps512(k) => pss().is_ok_and(|s| k.verify(message, &s).is_ok()),
        }
    }
}

impl Verifier {
    /// Checks `signature` over `message`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            Self::Parsed(key) => key.verify_sig(message, signature).is_ok(),
            Self::Hmac(key) => aws_lc_rs::hmac::verify(key, message, signature).is_ok(),
            Self::P521(vk) => {
                use p521::ecdsa::signature::Verifier as _;
                p521::ecdsa::Signature::from_slice(signature).is_ok_and(|sig| vk.verify(message, &sig).is_ok())
            }
            Self::Rsa(rsa) => rsa.verify(message, signature),
        }
    }
}

/// Parses `material` into the verifier of `alg`.
///
/// # Errors
/// [`Error::KeyUnusable`] when the key cannot verify `alg` (a malformed point, a refused size).
pub(super) fn build_verifier(material: &KeyMaterial, alg: &str) -> Result<Verifier> {
    let unusable = |reason: String| Error::KeyUnusable { alg: alg.to_owned(), reason };
    let rejected = |e: aws_lc_rs::error::KeyRejected| unusable(e.to_string());
    match material {
        KeyMaterial::Oct { k } => {
            let algorithm = match alg {
                "HS256" => aws_lc_rs::hmac::HMAC_SHA256,
                "HS384" => aws_lc_rs::hmac::HMAC_SHA384,
                _ => aws_lc_rs::hmac::HMAC_SHA512,
            };
            Ok(Verifier::Hmac(Box::new(aws_lc_rs::hmac::Key::new(algorithm, k))))
        }
        KeyMaterial::Rsa { n, e } => {
            // aws-lc verifies 2,048 to 8,192 bits, and RS256/RS512 from 1,024 with its legacy
            // parameters; every other size goes to RustCrypto. Weak keys carry a warning.
            let bits = bit_len(n);
            let params: &'static lc::RsaParameters = match (alg, bits) {
                ("RS256", 2048..=8192) => &lc::RSA_PKCS1_2048_8192_SHA256,
                ("RS384", 2048..=8192) => &lc::RSA_PKCS1_2048_8192_SHA384,
                ("RS512", 2048..=8192) => &lc::RSA_PKCS1_2048_8192_SHA512,
                ("PS256", 2048..=8192) => &lc::RSA_PSS_2048_8192_SHA256,
                ("PS384", 2048..=8192) => &lc::RSA_PSS_2048_8192_SHA384,
                ("PS512", 2048..=8192) => &lc::RSA_PSS_2048_8192_SHA512,
                ("RS256", 1024..=2047) => &lc::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                ("RS512", 1024..=2047) => &lc::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
                _ => return RsaVerifier::new(n, e, alg).map(|v| Verifier::Rsa(Box::new(v))),
            };
            let der = pkcs1::RsaPublicKey {
                modulus: uint(n, "").map_err(|e| unusable(e.to_string()))?,
                public_exponent: uint(e, "").map_err(|e| unusable(e.to_string()))?,
            }
            .to_der()
            .map_err(|e| unusable(e.to_string()))?;
            ParsedPublicKey::new(params, der).map(Verifier::Parsed).map_err(rejected)
        }
        KeyMaterial::Ec { curve, x, y } => {
            let mut point = Vec::with_capacity(1 + x.len() + y.len());
            point.push(0x04);
            point.extend_from_slice(x);
            point.extend_from_slice(y);
            match curve {
                Curve::P256 => {
                    ParsedPublicKey::new(&lc::ECDSA_P256_SHA256_FIXED, point).map(Verifier::Parsed).map_err(rejected)
                }
                Curve::P384 => {
                    ParsedPublicKey::new(&lc::ECDSA_P384_SHA384_FIXED, point).map(Verifier::Parsed).map_err(rejected)
                }
                Curve::P521 => p521::ecdsa::VerifyingKey::from_sec1_bytes(&point)
                    .map(|vk| Verifier::P521(Box::new(vk)))
                    .map_err(|_| unusable("the P-521 key is not valid".to_owned())),
            }
        }
        KeyMaterial::Ed25519 { x } => ParsedPublicKey::new(&lc::ED25519, x).map(Verifier::Parsed).map_err(rejected),
        KeyMaterial::X25519 { .. } => {
            Err(unusable("X25519 is a key-agreement key (JWE ECDH-ES); it cannot verify signatures".to_owned()))
        }
    }
}
