//! Normalised key material: what every format is read into, so the verifier never cares where
//! a key came from. Also the curve table and the integer helpers the formats share.

use std::fmt;

use der::asn1::{ObjectIdentifier, UintRef};

use crate::core::engine::error::{Error, Result};

pub(crate) const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
pub(super) const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
pub(crate) const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const OID_SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
pub(crate) const OID_X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
pub(crate) const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
pub(super) const OID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");

/// A NIST curve usable with ECDSA in JOSE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Curve {
    /// P-256 (ES256).
    #[serde(rename = "P-256")]
    P256,
    /// P-384 (ES384).
    #[serde(rename = "P-384")]
    P384,
    /// P-521 (ES512).
    #[serde(rename = "P-521")]
    P521,
}

impl Curve {
    /// The JWK `crv` name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
            Self::P521 => "P-521",
        }
    }

    /// Bytes per coordinate (and per half of a raw ECDSA signature, RFC 7518 §3.4).
    #[must_use]
    pub fn coordinate_len(self) -> usize {
        match self {
            Self::P256 => 32,
            Self::P384 => 48,
            Self::P521 => 66,
        }
    }

    /// The JWS algorithm that uses this curve.
    #[must_use]
    pub fn jws_alg(self) -> &'static str {
        match self {
            Self::P256 => "ES256",
            Self::P384 => "ES384",
            Self::P521 => "ES512",
        }
    }

    /// The named-curve OID (RFC 5480 §2.1.1.1).
    #[must_use]
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::P256 => OID_P256,
            Self::P384 => OID_P384,
            Self::P521 => OID_P521,
        }
    }

    /// The curve a named-curve OID stands for, in a key read from `source`.
    pub(super) fn from_oid(oid: ObjectIdentifier, source: &str) -> Result<Self> {
        if let Some(curve) = [Self::P256, Self::P384, Self::P521].into_iter().find(|c| c.oid() == oid) {
            return Ok(curve);
        }
        if oid == OID_SECP256K1 {
            return Err(Error::key(source, "curve secp256k1 (ES256K) is not supported"));
        }
        Err(Error::key(source, format!("unsupported elliptic curve (OID {oid})")))
    }

    /// The curve a JWK's `crv` names, in a key read from `source`.
    pub(super) fn from_jwk(crv: &str, source: &str) -> Result<Self> {
        match crv {
            "P-256" => Ok(Self::P256),
            "P-384" => Ok(Self::P384),
            "P-521" => Ok(Self::P521),
            other => Err(Error::key(source, format!("EC curve {other:?} is not supported (P-256, P-384, P-521)"))),
        }
    }
}

/// The public (or, for HMAC, secret) material of a key, normalised.
#[derive(Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    /// RSA public key: big-endian modulus and exponent without leading zeros.
    Rsa {
        /// Modulus.
        n: Vec<u8>,
        /// Public exponent.
        e: Vec<u8>,
    },
    /// EC public key on a NIST curve: affine coordinates, each full length.
    Ec {
        /// The curve.
        curve: Curve,
        /// X coordinate.
        x: Vec<u8>,
        /// Y coordinate.
        y: Vec<u8>,
    },
    /// Ed25519 public key.
    Ed25519 {
        /// The 32-byte public key.
        x: [u8; 32],
    },
    /// X25519 public key (RFC 8037): a key-agreement key for JWE ECDH-ES; it verifies nothing.
    X25519 {
        /// The 32-byte public key (u-coordinate).
        x: [u8; 32],
    },
    /// HMAC secret.
    Oct {
        /// The secret bytes.
        k: Vec<u8>,
    },
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print secret bytes, even in debug output.
        f.write_str(&self.describe())
    }
}

impl KeyMaterial {
    /// "RSA 2048", "EC P-256", "Ed25519", "HMAC secret (256 bits)".
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Rsa { n, .. } => format!("RSA {}", bit_len(n)),
            Self::Ec { curve, .. } => format!("EC {}", curve.name()),
            Self::Ed25519 { .. } => "Ed25519".into(),
            Self::X25519 { .. } => "X25519 (key agreement)".into(),
            Self::Oct { k } => format!("HMAC secret ({} bits)", k.len() * 8),
        }
    }

    /// The JWK `kty`.
    #[must_use]
    pub fn kty(&self) -> &'static str {
        match self {
            Self::Rsa { .. } => "RSA",
            Self::Ec { .. } => "EC",
            Self::Ed25519 { .. } | Self::X25519 { .. } => "OKP",
            Self::Oct { .. } => "oct",
        }
    }

    /// The JWS algorithms this key can verify.
    #[must_use]
    pub fn algorithms(&self) -> &'static [&'static str] {
        match self {
            Self::Rsa { .. } => &["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"],
            Self::Ec { curve: Curve::P256, .. } => &["ES256"],
            Self::Ec { curve: Curve::P384, .. } => &["ES384"],
            Self::Ec { curve: Curve::P521, .. } => &["ES512"],
            Self::Ed25519 { .. } => &["EdDSA", "Ed25519"],
            // A key-agreement key: it decrypts JWEs (ECDH-ES) and verifies no signature.
            Self::X25519 { .. } => &[],
            Self::Oct { .. } => &["HS256", "HS384", "HS512"],
        }
    }
}

/// Private key material, kept only in memory, in the DER forms the signer needs.
#[derive(Clone, PartialEq, Eq)]
pub enum PrivateMaterial {
    /// RSA private key as PKCS#1 DER.
    RsaPkcs1(Vec<u8>),
    /// EC private scalar `d` (big-endian, full length) and its PKCS#8 DER.
    Ec {
        /// The scalar.
        d: Vec<u8>,
        /// PKCS#8 DER of the key.
        pkcs8: Vec<u8>,
    },
    /// X25519 private key (RFC 8037 `d`, the RFC 7748 scalar as 32 bytes).
    X25519 {
        /// The 32-byte private key.
        d: [u8; 32],
    },
    /// Ed25519 seed and its PKCS#8 DER.
    Ed25519 {
        /// The 32-byte seed.
        seed: [u8; 32],
        /// PKCS#8 DER of the key.
        pkcs8: Vec<u8>,
    },
}

impl fmt::Debug for PrivateMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateMaterial([redacted])")
    }
}

/// What the certificate a key came from says about itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertificateInfo {
    /// Subject distinguished name (RFC 4514 string).
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Start of validity, seconds since the epoch.
    pub not_before: i64,
    /// End of validity, seconds since the epoch.
    pub not_after: i64,
    /// Serial number, hex.
    pub serial: String,
    /// When the file held the certificates above this one: their subjects, from its issuer up
    /// to the root. Their keys are not loaded.
    pub chain: Vec<String>,
}

pub(super) fn uint<'a>(b: &'a [u8], source: &str) -> Result<UintRef<'a>> {
    UintRef::new(strip_leading_zeros(b)).map_err(|e| Error::key(source, format!("bad RSA integer: {e}")))
}

pub(super) fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    &b[first..]
}

/// Number of significant bits of a big-endian unsigned integer.
#[must_use]
pub fn bit_len(b: &[u8]) -> usize {
    let b = strip_leading_zeros(b);
    match b.first() {
        None => 0,
        Some(top) => (b.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}
