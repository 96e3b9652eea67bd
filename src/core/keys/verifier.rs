//! Verification keys parsed once per algorithm: aws-lc-rs for RSA, P-256, P-384, Ed25519 and
//! HMAC, RustCrypto `p521` for ES512.

use aws_lc_rs::signature::{self as lc, ParsedPublicKey};
use der::Encode;

use super::{Curve, KeyMaterial, bit_len, uint};

/// A public key (or HMAC key) ready to verify one algorithm.
#[derive(Clone)]
pub(crate) enum Verifier {
    /// RSA, ECDSA P-256/P-384 and Ed25519 through aws-lc-rs, parsed once.
    Parsed(ParsedPublicKey),
    /// HMAC through aws-lc-rs.
    Hmac(Box<aws_lc_rs::hmac::Key>),
    /// ECDSA P-521 (ES512) through RustCrypto `p521`.
    P521(Box<p521::ecdsa::VerifyingKey>),
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
        }
    }
}

pub(super) fn build_verifier(material: &KeyMaterial, alg: &str) -> std::result::Result<Verifier, String> {
    let rejected = |e: aws_lc_rs::error::KeyRejected| format!("the key cannot be used for {alg}: {e}");
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
            // Keys under 2048 bits verify with aws-lc's legacy parameters; the key carries a
            // warning. aws-lc has no legacy RS384 or PSS for them.
            let weak = bit_len(n) < 2048;
            let params: &'static lc::RsaParameters = match (alg, weak) {
                ("RS256", false) => &lc::RSA_PKCS1_2048_8192_SHA256,
                ("RS384", false) => &lc::RSA_PKCS1_2048_8192_SHA384,
                ("RS512", false) => &lc::RSA_PKCS1_2048_8192_SHA512,
                ("PS256", false) => &lc::RSA_PSS_2048_8192_SHA256,
                ("PS384", false) => &lc::RSA_PSS_2048_8192_SHA384,
                ("PS512", false) => &lc::RSA_PSS_2048_8192_SHA512,
                ("RS256", true) => &lc::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                ("RS512", true) => &lc::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
                _ => return Err(format!("{alg} is not available for an RSA key of {} bits", bit_len(n))),
            };
            let der = pkcs1::RsaPublicKey {
                modulus: uint(n, "").map_err(|e| e.to_string())?,
                public_exponent: uint(e, "").map_err(|e| e.to_string())?,
            }
            .to_der()
            .map_err(|e| e.to_string())?;
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
                    .map_err(|_| "the P-521 key is not valid".to_owned()),
            }
        }
        KeyMaterial::Ed25519 { x } => ParsedPublicKey::new(&lc::ED25519, x).map(Verifier::Parsed).map_err(rejected),
    }
}
