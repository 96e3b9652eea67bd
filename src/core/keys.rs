//! The key store: reads every key format by its content (never its file name), derives the
//! public part of private keys, computes RFC 7638 thumbprints and lints each key.
//!
//! Formats: PEM and DER of SPKI, PKCS#1 (public and private), PKCS#8, SEC1 and X.509
//! certificates; JWK and JWKS (RSA, EC, OKP, oct); HMAC secrets as text, base64/base64url, hex
//! or raw bytes. Everything is normalised to [`KeyMaterial`] so the verifier never cares where a
//! key came from. Private material stays in memory; nothing here writes to disk.

use std::fmt;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use der::asn1::{ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, Encode};
use std::sync::{Arc, OnceLock};

use aws_lc_rs::signature::{self as lc, ParsedPublicKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::core::error::{Error, Result};
use crate::core::token::{decode_b64url, encode_b64url};

pub(crate) const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
pub(crate) const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const OID_SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
const OID_X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
pub(crate) const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");

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

    fn from_oid(oid: ObjectIdentifier) -> std::result::Result<Self, String> {
        if let Some(curve) = [Self::P256, Self::P384, Self::P521].into_iter().find(|c| c.oid() == oid) {
            return Ok(curve);
        }
        if oid == OID_SECP256K1 {
            return Err("curve secp256k1 (ES256K) is not supported".into());
        }
        Err(format!("unsupported elliptic curve (OID {oid})"))
    }

    fn from_jwk(crv: &str) -> std::result::Result<Self, String> {
        match crv {
            "P-256" => Ok(Self::P256),
            "P-384" => Ok(Self::P384),
            "P-521" => Ok(Self::P521),
            other => Err(format!("EC curve {other:?} is not supported (P-256, P-384, P-521)")),
        }
    }
}

/// Runs `$body` with `$m` bound to the RustCrypto crate of `$curve`.
macro_rules! with_curve {
    ($curve:expr, $m:ident => $body:expr) => {
        match $curve {
            Curve::P256 => {
                use p256 as $m;
                $body
            }
            Curve::P384 => {
                use p384 as $m;
                $body
            }
            Curve::P521 => {
                use p521 as $m;
                $body
            }
        }
    };
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
            Self::Oct { k } => format!("HMAC secret ({} bits)", k.len() * 8),
        }
    }

    /// The JWK `kty`.
    #[must_use]
    pub fn kty(&self) -> &'static str {
        match self {
            Self::Rsa { .. } => "RSA",
            Self::Ec { .. } => "EC",
            Self::Ed25519 { .. } => "OKP",
            Self::Oct { .. } => "oct",
        }
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url).
    #[must_use]
    pub fn thumbprint(&self) -> String {
        // Required members only, in lexicographic order, no whitespace (RFC 7638 §3.2).
        let canonical = match self {
            Self::Rsa { n, e } => {
                format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, encode_b64url(e), encode_b64url(n))
            }
            Self::Ec { curve, x, y } => format!(
                r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
                curve.name(),
                encode_b64url(x),
                encode_b64url(y)
            ),
            Self::Ed25519 { x } => format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, encode_b64url(x)),
            Self::Oct { k } => format!(r#"{{"k":"{}","kty":"oct"}}"#, encode_b64url(k)),
        };
        encode_b64url(&Sha256::digest(canonical.as_bytes()))
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
}

/// One key in the store.
#[derive(Clone)]
pub struct Key {
    /// Where it came from: a file name, "pasted text", "--secret"…
    pub source: String,
    /// The container and structure it was read from, e.g. "PEM PKCS#8 private key".
    pub format: String,
    /// A name the user gave the key (shown instead of `source`).
    pub name: Option<String>,
    /// `kid`, from a JWK (or set by the user).
    pub kid: Option<String>,
    /// `alg` from a JWK.
    pub alg: Option<String>,
    /// `use` from a JWK.
    pub key_use: Option<String>,
    /// `key_ops` from a JWK.
    pub key_ops: Option<Vec<String>>,
    /// The public (or secret) material.
    pub material: KeyMaterial,
    /// The private part, when the input had one.
    pub private: Option<PrivateMaterial>,
    /// Certificate details, when loaded from an X.509 certificate.
    pub certificate: Option<CertificateInfo>,
    /// RFC 7638 thumbprint (SHA-256, base64url).
    pub thumbprint: String,
    /// Lints: weak sizes, odd exponents, contradictory metadata…
    pub warnings: Vec<String>,
    /// Verification keys parsed once per algorithm on first use, shared by clones.
    verifiers: Arc<[OnceLock<std::result::Result<Verifier, String>>; VERIFIER_SLOTS]>,
}

/// One cached verifier per supported algorithm (`Ed25519` uses `EdDSA`'s slot).
const VERIFIER_SLOTS: usize = SUPPORTED_ALGORITHMS.len();

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

fn build_verifier(material: &KeyMaterial, alg: &str) -> std::result::Result<Verifier, String> {
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

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("source", &self.source)
            .field("format", &self.format)
            .field("kid", &self.kid)
            .field("material", &self.material)
            .field("private", &self.private.is_some())
            .field("thumbprint", &self.thumbprint)
            .finish_non_exhaustive()
    }
}

impl Key {
    /// Builds a key from normalised material, computing thumbprint, lints and the cached
    /// verification key.
    #[must_use]
    pub fn new(material: KeyMaterial, private: Option<PrivateMaterial>, source: &str, format: &str) -> Self {
        let mut key = Self {
            source: source.to_owned(),
            format: format.to_owned(),
            name: None,
            kid: None,
            alg: None,
            key_use: None,
            key_ops: None,
            thumbprint: material.thumbprint(),
            material,
            private,
            certificate: None,
            warnings: Vec::new(),
            verifiers: Arc::new(std::array::from_fn(|_| OnceLock::new())),
        };
        key.warnings = intrinsic_warnings(&key.material);
        key
    }

    /// The verifier for `alg` (`Ed25519` shares `EdDSA`'s), parsed on first use.
    pub(crate) fn verifier(&self, alg: &str) -> std::result::Result<&Verifier, String> {
        let alg = if alg == "Ed25519" { "EdDSA" } else { alg };
        let slot = SUPPORTED_ALGORITHMS
            .iter()
            .position(|a| *a == alg)
            .ok_or_else(|| format!("{alg} is not a supported algorithm"))?;
        self.verifiers[slot].get_or_init(|| build_verifier(&self.material, alg)).as_ref().map_err(Clone::clone)
    }

    /// A short name for lists: the kid if any, with the user's name for the key or its source.
    #[must_use]
    pub fn label(&self) -> String {
        let name = self.name.as_deref().unwrap_or(&self.source);
        match &self.kid {
            Some(kid) => format!("kid {kid:?} ({name})"),
            None => name.to_owned(),
        }
    }

    /// True when the key holds private material (or is an HMAC secret).
    #[must_use]
    pub fn is_secret(&self) -> bool {
        self.private.is_some() || matches!(self.material, KeyMaterial::Oct { .. })
    }

    /// The public part as a JWK (never includes private members).
    #[must_use]
    pub fn public_jwk(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("kty".into(), self.material.kty().into());
        match &self.material {
            KeyMaterial::Rsa { n, e } => {
                m.insert("n".into(), encode_b64url(n).into());
                m.insert("e".into(), encode_b64url(e).into());
            }
            KeyMaterial::Ec { curve, x, y } => {
                m.insert("crv".into(), curve.name().into());
                m.insert("x".into(), encode_b64url(x).into());
                m.insert("y".into(), encode_b64url(y).into());
            }
            KeyMaterial::Ed25519 { x } => {
                m.insert("crv".into(), "Ed25519".into());
                m.insert("x".into(), encode_b64url(x).into());
            }
            KeyMaterial::Oct { k } => {
                m.insert("k".into(), encode_b64url(k).into());
            }
        }
        if let Some(kid) = &self.kid {
            m.insert("kid".into(), kid.clone().into());
        }
        if let Some(alg) = &self.alg {
            m.insert("alg".into(), alg.clone().into());
        }
        if let Some(u) = &self.key_use {
            m.insert("use".into(), u.clone().into());
        }
        m
    }
}

/// How an HMAC secret given as text should be turned into bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SecretEncoding {
    /// The UTF-8 bytes of the text, as typed.
    Utf8,
    /// Base64 or base64url, padded or not.
    Base64,
    /// Hexadecimal (whitespace and `0x` ignored).
    Hex,
    /// Raw bytes (a file's exact content).
    Raw,
}

/// Builds an HMAC secret key.
///
/// # Errors
/// When the secret is empty or does not decode in the chosen encoding.
pub fn load_secret(input: &[u8], encoding: SecretEncoding, source: &str) -> Result<Key> {
    let bytes = match encoding {
        SecretEncoding::Utf8 | SecretEncoding::Raw => input.to_vec(),
        SecretEncoding::Base64 => {
            let text = std::str::from_utf8(input).map_err(|_| Error::key(source, "base64 secret is not text"))?;
            decode_lenient_base64(text).map_err(|reason| Error::key(source, reason))?
        }
        SecretEncoding::Hex => {
            let text = std::str::from_utf8(input).map_err(|_| Error::key(source, "hex secret is not text"))?;
            decode_hex(text).map_err(|reason| Error::key(source, reason))?
        }
    };
    if bytes.is_empty() {
        return Err(Error::key(source, "the HMAC secret is empty; an empty key is no key"));
    }
    let format = match encoding {
        SecretEncoding::Utf8 => "HMAC secret (UTF-8 text)",
        SecretEncoding::Base64 => "HMAC secret (base64)",
        SecretEncoding::Hex => "HMAC secret (hex)",
        SecretEncoding::Raw => "HMAC secret (raw bytes)",
    };
    let mut key = Key::new(KeyMaterial::Oct { k: bytes }, None, source, format);
    if encoding == SecretEncoding::Raw && input.last().is_some_and(|b| *b == b'\n') {
        key.warnings.push(
            "the secret ends with a newline, which is part of the key; if the file was written with \
             `echo`, the signer probably used the secret without it"
                .into(),
        );
    }
    Ok(key)
}

/// Accepts standard and URL-safe base64, with or without padding, ignoring whitespace.
fn decode_lenient_base64(text: &str) -> std::result::Result<Vec<u8>, String> {
    const LENIENT: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let url = cleaned.contains(['-', '_']);
    let engine =
        GeneralPurpose::new(if url { &base64::alphabet::URL_SAFE } else { &base64::alphabet::STANDARD }, LENIENT);
    engine.decode(&cleaned).map_err(|e| format!("not valid base64: {e}"))
}

fn decode_hex(text: &str) -> std::result::Result<Vec<u8>, String> {
    let cleaned: String =
        text.trim().trim_start_matches("0x").chars().filter(|c| !c.is_whitespace() && *c != ':').collect();
    if !cleaned.len().is_multiple_of(2) {
        return Err(format!("hex has an odd number of digits ({})", cleaned.len()));
    }
    (0..cleaned.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&cleaned[i..i + 2], 16)
                .map_err(|_| format!("{:?} at position {i} is not a hex byte", &cleaned[i..i + 2]))
        })
        .collect()
}

/// Reads a key file and loads whatever it holds.
///
/// # Errors
/// When the file cannot be read or holds no key.
pub fn load_file(path: &std::path::Path) -> Result<Vec<Key>> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::Io { path: path.display().to_string(), reason: e.to_string() })?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    load(&bytes, &name)
}

/// Detects the format of `bytes` by content and loads every key in it (a JWKS or a PEM bundle
/// yields several). HMAC secrets are not guessed here: use [`load_secret`].
///
/// # Errors
/// When nothing in the input is a usable key; the message says what the input looked like.
pub fn load(bytes: &[u8], source: &str) -> Result<Vec<Key>> {
    if bytes.is_empty() {
        return Err(Error::key(source, "empty input"));
    }
    let text = std::str::from_utf8(bytes).ok();
    let trimmed = text.map(str::trim);
    let mut keys = match trimmed {
        Some(t) if t.contains("-----BEGIN ") => load_pem_bundle(t, source)?,
        Some(t) if t.starts_with('{') => load_json(t, source)?,
        Some(t) if looks_like_base64_der(t) => {
            // A PEM body without its armour, as pasted from some consoles.
            let der = decode_lenient_base64(t).map_err(|e| Error::key(source, e))?;
            load_der(&der, source, "base64 DER")?
        }
        _ if bytes.first() == Some(&0x30) => load_der(bytes, source, "DER")?,
        Some(_) => {
            return Err(Error::key(
                source,
                "not a key: no PEM block, JSON (JWK/JWKS) or DER found; for an HMAC secret use the secret input",
            ));
        }
        None => {
            return Err(Error::key(
                source,
                format!(
                    "binary data ({} bytes) that is not DER (first byte 0x{:02x}, a DER key starts with 0x30); \
                     for a raw HMAC secret use the secret-file input",
                    bytes.len(),
                    bytes[0]
                ),
            ));
        }
    };
    lint_set(&mut keys);
    Ok(keys)
}

fn looks_like_base64_der(t: &str) -> bool {
    // "MII…" / "MF…" / "MC…" are the base64 of a DER SEQUENCE header.
    t.len() > 40 && t.starts_with('M') && t.chars().all(|c| c.is_ascii_alphanumeric() || "+/=-_\r\n ".contains(c))
}

fn load_pem_bundle(text: &str, source: &str) -> Result<Vec<Key>> {
    let mut keys = Vec::new();
    let mut problems = Vec::new();
    let mut rest = text;
    let mut index = 0;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block_and_after = &rest[start..];
        let Some(label_end) = block_and_after[11..].find("-----") else {
            problems.push("a BEGIN line is not closed by -----".to_owned());
            break;
        };
        let label = &block_and_after[11..11 + label_end];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = block_and_after.find(&end_marker) else {
            problems.push(format!("the {label} block has no matching END line"));
            break;
        };
        let block = &block_and_after[..end + end_marker.len()];
        rest = &block_and_after[end + end_marker.len()..];
        index += 1;
        let name = if index == 1 { source.to_owned() } else { format!("{source} (block {index})") };
        match load_pem_block(block, label, &name) {
            Ok(Some(key)) => keys.push(key),
            Ok(None) => {}
            Err(e) => problems.push(e.to_string()),
        }
    }
    if keys.is_empty() {
        let detail = if problems.is_empty() { "no key block found".to_owned() } else { problems.join("; ") };
        return Err(Error::key(source, detail));
    }
    if !problems.is_empty() {
        for key in &mut keys {
            key.warnings.push(format!("other blocks of this file were skipped: {}", problems.join("; ")));
        }
    }
    Ok(keys)
}

fn load_pem_block(block: &str, label: &str, source: &str) -> Result<Option<Key>> {
    if block.contains("Proc-Type: 4,ENCRYPTED") || label == "ENCRYPTED PRIVATE KEY" {
        return Err(Error::key(
            source,
            "the private key is password-protected; decrypt it first (openssl pkey -in key.pem -out plain.pem)",
        ));
    }
    if label == "EC PARAMETERS" {
        return Ok(None);
    }
    let (_, der) = der::pem::decode_vec(block.as_bytes())
        .map_err(|e| Error::key(source, format!("the {label} PEM block is damaged: {e}")))?;
    let key = match label {
        "PUBLIC KEY" => from_spki(&der, source, "PEM SPKI public key")?,
        "RSA PUBLIC KEY" => from_pkcs1_public(&der, source, "PEM PKCS#1 RSA public key")?,
        "RSA PRIVATE KEY" => from_pkcs1_private(&der, source, "PEM PKCS#1 RSA private key")?,
        "PRIVATE KEY" => from_pkcs8(&der, source, "PEM PKCS#8 private key")?,
        "EC PRIVATE KEY" => from_sec1(&der, None, source, "PEM SEC1 EC private key")?,
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
            from_certificate(&der, source, "PEM X.509 certificate")?
        }
        other => {
            return Err(Error::key(source, format!("a PEM block labelled {other:?} holds no signing key")));
        }
    };
    Ok(Some(key))
}

/// Tries every DER structure in turn; the first that parses wins.
fn load_der(der: &[u8], source: &str, container: &str) -> Result<Vec<Key>> {
    type Loader = fn(&[u8], &str, &str) -> Result<Key>;
    let attempts: [(&str, Loader); 5] = [
        ("X.509 certificate", from_certificate),
        ("SPKI public key", from_spki),
        ("PKCS#8 private key", from_pkcs8),
        ("PKCS#1 RSA private key", from_pkcs1_private),
        ("PKCS#1 RSA public key", from_pkcs1_public),
    ];
    for (what, loader) in attempts {
        if let Ok(key) = loader(der, source, &format!("{container} {what}")) {
            return Ok(vec![key]);
        }
    }
    if let Ok(key) = from_sec1(der, None, source, &format!("{container} SEC1 EC private key")) {
        return Ok(vec![key]);
    }
    // Parse again with the most likely structure to give a precise message.
    let detail = match spki::SubjectPublicKeyInfoRef::from_der(der) {
        Ok(_) => "an SPKI structure with an unusable key".to_owned(),
        Err(_) => match from_spki(der, source, "") {
            Err(Error::Key { reason, .. }) => reason,
            _ => "unknown structure".to_owned(),
        },
    };
    Err(Error::key(
        source,
        format!(
            "{} bytes of {container} that are not a certificate, SPKI, PKCS#8, PKCS#1 or SEC1 key ({detail})",
            der.len()
        ),
    ))
}

fn from_spki(der: &[u8], source: &str, format: &str) -> Result<Key> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(der)
        .map_err(|e| Error::key(source, format!("not an SPKI public key: {e}")))?;
    let bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| Error::key(source, "the public key bit string has unused bits"))?;
    let oid = spki.algorithm.oid;
    let material = if oid == OID_RSA || oid == OID_RSA_PSS {
        rsa_public_material(bits, source)?
    } else if oid == OID_EC {
        let params = spki.algorithm.parameters.ok_or_else(|| Error::key(source, "EC key without curve parameters"))?;
        let curve_oid: ObjectIdentifier = params
            .decode_as()
            .map_err(|_| Error::key(source, "EC key with explicit (non-named) curve parameters is not supported"))?;
        let curve = Curve::from_oid(curve_oid).map_err(|e| Error::key(source, e))?;
        ec_material_from_point(curve, bits).map_err(|e| Error::key(source, e))?
    } else if oid == OID_ED25519 {
        let x: [u8; 32] = bits.try_into().map_err(|_| Error::key(source, "an Ed25519 public key must be 32 bytes"))?;
        ed25519_dalek::VerifyingKey::from_bytes(&x)
            .map_err(|_| Error::key(source, "the Ed25519 public key is not a valid curve point"))?;
        KeyMaterial::Ed25519 { x }
    } else {
        return Err(Error::key(source, unsupported_oid(oid)));
    };
    let mut key = Key::new(material, None, source, format);
    if oid == OID_RSA_PSS {
        key.warnings.push("the key is marked RSASSA-PSS only: it cannot verify RS256/384/512".into());
        key.alg = Some("PS256".into());
    }
    Ok(key)
}

fn unsupported_oid(oid: ObjectIdentifier) -> String {
    match oid {
        o if o == OID_ED448 => "Ed448 keys are not supported (no JOSE library verifies them)".into(),
        o if o == OID_X25519 => "X25519 is a key-agreement key; it cannot verify signatures".into(),
        o => format!("unsupported key algorithm (OID {o})"),
    }
}

fn rsa_public_material(pkcs1_der: &[u8], source: &str) -> Result<KeyMaterial> {
    let pk = pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(pkcs1_der)
        .map_err(|e| Error::key(source, format!("not a PKCS#1 RSA public key: {e}")))?;
    rsa_material(pk.modulus.as_bytes(), pk.public_exponent.as_bytes(), source)
}

fn rsa_material(n: &[u8], e: &[u8], source: &str) -> Result<KeyMaterial> {
    let n = strip_leading_zeros(n);
    let e = strip_leading_zeros(e);
    if n.is_empty() || bit_len(n) < 512 {
        return Err(Error::key(source, format!("RSA modulus of {} bits is not a usable key", bit_len(n))));
    }
    if n.last().is_some_and(|b| b & 1 == 0) {
        return Err(Error::key(source, "RSA modulus is even, so it is not a product of two primes"));
    }
    if e == [1] || e.is_empty() {
        return Err(Error::key(source, "RSA public exponent e=1 makes every signature forgeable"));
    }
    if e.last().is_some_and(|b| b & 1 == 0) {
        return Err(Error::key(source, "RSA public exponent is even, which is not a valid RSA key"));
    }
    Ok(KeyMaterial::Rsa { n: n.to_vec(), e: e.to_vec() })
}

fn from_pkcs1_public(der: &[u8], source: &str, format: &str) -> Result<Key> {
    Ok(Key::new(rsa_public_material(der, source)?, None, source, format))
}

fn from_pkcs1_private(der: &[u8], source: &str, format: &str) -> Result<Key> {
    let sk = pkcs1::RsaPrivateKey::<UintRef<'_>>::from_der(der)
        .map_err(|e| Error::key(source, format!("not a PKCS#1 RSA private key: {e}")))?;
    let material = rsa_material(sk.modulus.as_bytes(), sk.public_exponent.as_bytes(), source)?;
    Ok(Key::new(material, Some(PrivateMaterial::RsaPkcs1(der.to_vec())), source, format))
}

fn from_pkcs8(der: &[u8], source: &str, format: &str) -> Result<Key> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(der)
        .map_err(|e| Error::key(source, format!("not a PKCS#8 private key: {e}")))?;
    let oid = info.algorithm.oid;
    let inner = info.private_key.as_bytes();
    if oid == OID_RSA || oid == OID_RSA_PSS {
        from_pkcs1_private(inner, source, format)
    } else if oid == OID_EC {
        let curve = match info.algorithm.parameters {
            Some(params) => Some(
                Curve::from_oid(params.decode_as().map_err(|_| Error::key(source, "EC key without a named curve"))?)
                    .map_err(|e| Error::key(source, e))?,
            ),
            None => None,
        };
        from_sec1(inner, curve, source, format)
    } else if oid == OID_ED25519 {
        let seed_octets = <&OctetStringRef>::from_der(inner)
            .map_err(|e| Error::key(source, format!("Ed25519 private key is damaged: {e}")))?;
        let seed: [u8; 32] = seed_octets
            .as_bytes()
            .try_into()
            .map_err(|_| Error::key(source, "an Ed25519 private key must be a 32-byte seed"))?;
        Ok(ed25519_from_seed(seed, None, source, format)?)
    } else {
        Err(Error::key(source, unsupported_oid(oid)))
    }
}

fn from_sec1(der: &[u8], curve_hint: Option<Curve>, source: &str, format: &str) -> Result<Key> {
    let sk =
        sec1::EcPrivateKey::from_der(der).map_err(|e| Error::key(source, format!("not a SEC1 EC private key: {e}")))?;
    let curve = match (sk.parameters.and_then(sec1::EcParameters::named_curve), curve_hint) {
        (Some(oid), _) => Curve::from_oid(oid).map_err(|e| Error::key(source, e))?,
        (None, Some(c)) => c,
        (None, None) => return Err(Error::key(source, "EC private key does not say which curve it is on")),
    };
    let key = ec_from_scalar(curve, sk.private_key, source, format)?;
    if let (Some(public), KeyMaterial::Ec { x, y, .. }) = (sk.public_key, &key.material) {
        let embedded = ec_material_from_point(curve, public).map_err(|e| Error::key(source, e))?;
        if embedded != (KeyMaterial::Ec { curve, x: x.clone(), y: y.clone() }) {
            return Err(Error::key(source, "the embedded public key does not match the private key"));
        }
    }
    Ok(key)
}

/// An EC key from its private scalar: derives the public point and the PKCS#8 DER.
fn ec_from_scalar(curve: Curve, d: &[u8], source: &str, format: &str) -> Result<Key> {
    use pkcs8::EncodePrivateKey;
    let len = curve.coordinate_len();
    if d.len() > len {
        return Err(Error::key(
            source,
            format!("EC private scalar is {} bytes, more than {len} for {}", d.len(), curve.name()),
        ));
    }
    let mut padded = vec![0u8; len - d.len()];
    padded.extend_from_slice(d);
    let (point, pkcs8) = with_curve!(curve, m => {
        let sk = m::SecretKey::from_slice(&padded)
            .map_err(|_| Error::key(source, format!("the private scalar is not valid for {}", curve.name())))?;
        let point = sk.public_key().to_sec1_bytes().to_vec();
        let pkcs8 = sk.to_pkcs8_der().map_err(|e| Error::key(source, format!("cannot re-encode the key: {e}")))?;
        (point, pkcs8.as_bytes().to_vec())
    });
    let material = ec_material_from_point(curve, &point).map_err(|e| Error::key(source, e))?;
    Ok(Key::new(material, Some(PrivateMaterial::Ec { d: padded, pkcs8 }), source, format))
}

/// Validates a SEC1 point (compressed or not) and returns full-length affine coordinates.
fn ec_material_from_point(curve: Curve, point: &[u8]) -> std::result::Result<KeyMaterial, String> {
    let uncompressed = with_curve!(curve, m => {
        m::PublicKey::from_sec1_bytes(point)
            .map_err(|_| format!("the public key is not a valid point on {}", curve.name()))?
            .to_sec1_bytes()
            .to_vec()
    });
    let len = curve.coordinate_len();
    if uncompressed.len() != 1 + 2 * len || uncompressed[0] != 0x04 {
        return Err(format!("unexpected encoding of a {} point", curve.name()));
    }
    Ok(KeyMaterial::Ec { curve, x: uncompressed[1..=len].to_vec(), y: uncompressed[1 + len..].to_vec() })
}

fn ed25519_from_seed(seed: [u8; 32], expect_x: Option<&[u8]>, source: &str, format: &str) -> Result<Key> {
    use pkcs8::EncodePrivateKey;
    let sk = ed25519_dalek::SigningKey::from_bytes(&seed);
    let x = sk.verifying_key().to_bytes();
    if expect_x.is_some_and(|e| e != x) {
        return Err(Error::key(source, "the Ed25519 public key \"x\" does not match the private key \"d\""));
    }
    let pkcs8 = sk
        .to_pkcs8_der()
        .map_err(|e| Error::key(source, format!("cannot re-encode the key: {e}")))?
        .as_bytes()
        .to_vec();
    Ok(Key::new(KeyMaterial::Ed25519 { x }, Some(PrivateMaterial::Ed25519 { seed, pkcs8 }), source, format))
}

fn from_certificate(der: &[u8], source: &str, format: &str) -> Result<Key> {
    let cert = x509_cert::Certificate::from_der(der)
        .map_err(|e| Error::key(source, format!("not an X.509 certificate: {e}")))?;
    let tbs = cert.tbs_certificate();
    let spki_der = tbs
        .subject_public_key_info()
        .to_der()
        .map_err(|e| Error::key(source, format!("certificate public key unreadable: {e}")))?;
    let mut key = from_spki(&spki_der, source, format)?;
    let validity = tbs.validity();
    let secs = |t: x509_cert::time::Time| i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    let info = CertificateInfo {
        subject: tbs.subject().to_string(),
        issuer: tbs.issuer().to_string(),
        not_before: secs(validity.not_before),
        not_after: secs(validity.not_after),
        serial: tbs.serial_number().as_bytes().iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"),
    };
    let now = chrono::Utc::now().timestamp();
    if info.not_after < now {
        key.warnings
            .push(format!("the certificate expired on {}", crate::core::clock::format_utc(info.not_after as f64)));
    } else if info.not_before > now {
        key.warnings.push(format!(
            "the certificate is not valid before {}",
            crate::core::clock::format_utc(info.not_before as f64)
        ));
    }
    key.certificate = Some(info);
    Ok(key)
}

fn load_json(text: &str, source: &str) -> Result<Vec<Key>> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| Error::key(source, format!("looks like JSON but is not: {e}")))?;
    let Value::Object(obj) = value else {
        return Err(Error::key(source, "JSON that is not an object"));
    };
    if let Some(keys) = obj.get("keys") {
        let Value::Array(entries) = keys else {
            return Err(Error::key(source, "JWKS \"keys\" must be an array"));
        };
        let mut loaded = Vec::new();
        let mut skipped = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let name = format!("{source} [keys {i}]");
            match entry.as_object() {
                Some(jwk) => match from_jwk(jwk, &name, "JWKS entry") {
                    Ok(k) => loaded.push(k),
                    Err(e) => skipped.push(e.to_string()),
                },
                None => skipped.push(format!("{name}: not an object")),
            }
        }
        if loaded.is_empty() {
            let why = if skipped.is_empty() { "the JWKS has no keys".to_owned() } else { skipped.join("; ") };
            return Err(Error::key(source, why));
        }
        for key in &mut loaded {
            for s in &skipped {
                key.warnings.push(format!("another key of this JWKS was unusable: {s}"));
            }
        }
        return Ok(loaded);
    }
    if obj.contains_key("kty") {
        return Ok(vec![from_jwk(&obj, source, "JWK")?]);
    }
    Err(Error::key(source, "JSON without \"kty\" (JWK) or \"keys\" (JWKS)"))
}

fn jwk_str<'a>(jwk: &'a Map<String, Value>, name: &str, source: &str) -> Result<Option<&'a str>> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::key(source, format!("JWK member \"{name}\" must be a string"))),
    }
}

fn jwk_bytes(jwk: &Map<String, Value>, name: &str, source: &str) -> Result<Option<Vec<u8>>> {
    jwk_str(jwk, name, source)?
        .map(|s| {
            decode_b64url(s).map_err(|(at, why)| {
                Error::key(source, format!("JWK member \"{name}\" is not base64url at character {at}: {why}"))
            })
        })
        .transpose()
}

fn jwk_required(jwk: &Map<String, Value>, name: &str, kty: &str, source: &str) -> Result<Vec<u8>> {
    jwk_bytes(jwk, name, source)?
        .ok_or_else(|| Error::key(source, format!("a {kty} JWK needs \"{name}\" (RFC 7518 §6)")))
}

/// Loads one JWK object.
///
/// # Errors
/// When required members are missing, malformed or inconsistent.
pub fn from_jwk(jwk: &Map<String, Value>, source: &str, format: &str) -> Result<Key> {
    let kty = jwk_str(jwk, "kty", source)?.ok_or_else(|| Error::key(source, "a JWK needs \"kty\""))?;
    let mut key = match kty {
        "RSA" => {
            let n = jwk_required(jwk, "n", kty, source)?;
            let e = jwk_required(jwk, "e", kty, source)?;
            let material = rsa_material(&n, &e, source)?;
            let private = match jwk_bytes(jwk, "d", source)? {
                None => None,
                Some(d) => Some(rsa_private_from_jwk(jwk, &n, &e, &d, source)?),
            };
            Key::new(material, private, source, format)
        }
        "EC" => {
            let crv = jwk_str(jwk, "crv", source)?.ok_or_else(|| Error::key(source, "an EC JWK needs \"crv\""))?;
            let curve = Curve::from_jwk(crv).map_err(|e| Error::key(source, e))?;
            let x = jwk_required(jwk, "x", kty, source)?;
            let y = jwk_required(jwk, "y", kty, source)?;
            let len = curve.coordinate_len();
            if x.len() != len || y.len() != len {
                return Err(Error::key(
                    source,
                    format!(
                        "{crv} coordinates must be {len} bytes each (RFC 7518 §6.2.1.2); x is {} and y is {}",
                        x.len(),
                        y.len()
                    ),
                ));
            }
            let mut point = vec![0x04];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            let material = ec_material_from_point(curve, &point).map_err(|e| Error::key(source, e))?;
            match jwk_bytes(jwk, "d", source)? {
                Some(d) => {
                    let key = ec_from_scalar(curve, &d, source, format)?;
                    if key.material != material {
                        return Err(Error::key(source, "the EC public point does not match the private key \"d\""));
                    }
                    key
                }
                None => Key::new(material, None, source, format),
            }
        }
        "OKP" => {
            let crv = jwk_str(jwk, "crv", source)?.ok_or_else(|| Error::key(source, "an OKP JWK needs \"crv\""))?;
            match crv {
                "Ed25519" => {}
                "X25519" | "X448" => {
                    return Err(Error::key(
                        source,
                        format!("{crv} is a key-agreement key; it cannot verify signatures"),
                    ));
                }
                other => return Err(Error::key(source, format!("OKP curve {other:?} is not supported (Ed25519 is)"))),
            }
            let x = jwk_required(jwk, "x", kty, source)?;
            let x32: [u8; 32] =
                x.as_slice().try_into().map_err(|_| Error::key(source, "an Ed25519 \"x\" must be 32 bytes"))?;
            ed25519_dalek::VerifyingKey::from_bytes(&x32)
                .map_err(|_| Error::key(source, "the Ed25519 public key is not a valid curve point"))?;
            match jwk_bytes(jwk, "d", source)? {
                Some(d) => {
                    let seed: [u8; 32] =
                        d.as_slice().try_into().map_err(|_| Error::key(source, "an Ed25519 \"d\" must be 32 bytes"))?;
                    ed25519_from_seed(seed, Some(&x32), source, format)?
                }
                None => Key::new(KeyMaterial::Ed25519 { x: x32 }, None, source, format),
            }
        }
        "oct" => {
            let k = jwk_bytes(jwk, "k", source)?.ok_or_else(|| Error::key(source, "an oct JWK needs \"k\""))?;
            if k.is_empty() {
                return Err(Error::key(source, "the oct key \"k\" is empty; an empty HMAC key is no key"));
            }
            Key::new(KeyMaterial::Oct { k }, None, source, format)
        }
        other => return Err(Error::key(source, format!("unknown JWK key type \"kty\": {other:?}"))),
    };
    key.kid = jwk_str(jwk, "kid", source)?.map(str::to_owned);
    key.alg = jwk_str(jwk, "alg", source)?.map(str::to_owned);
    key.key_use = jwk_str(jwk, "use", source)?.map(str::to_owned);
    key.key_ops = match jwk.get("key_ops") {
        None => None,
        Some(Value::Array(ops)) => Some(
            ops.iter()
                .map(|o| o.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| Error::key(source, "\"key_ops\" must be an array of strings"))?,
        ),
        Some(_) => return Err(Error::key(source, "\"key_ops\" must be an array of strings")),
    };
    key.warnings.extend(metadata_warnings(&key));
    Ok(key)
}

fn uint<'a>(b: &'a [u8], source: &str) -> Result<UintRef<'a>> {
    UintRef::new(strip_leading_zeros(b)).map_err(|e| Error::key(source, format!("bad RSA integer: {e}")))
}

// The names are RFC 7518 §6.3's JWK members.
#[allow(clippy::many_single_char_names)]
fn rsa_private_from_jwk(
    jwk: &Map<String, Value>,
    n: &[u8],
    e: &[u8],
    d: &[u8],
    source: &str,
) -> Result<PrivateMaterial> {
    let part = |name: &str| jwk_required(jwk, name, "private RSA", source);
    let (p, q, dp, dq, qi) = (part("p")?, part("q")?, part("dp")?, part("dq")?, part("qi")?);
    let sk = pkcs1::RsaPrivateKey {
        modulus: uint(n, source)?,
        public_exponent: uint(e, source)?,
        private_exponent: uint(d, source)?,
        prime1: uint(&p, source)?,
        prime2: uint(&q, source)?,
        exponent1: uint(&dp, source)?,
        exponent2: uint(&dq, source)?,
        coefficient: uint(&qi, source)?,
        other_prime_infos: None,
    };
    let der = sk.to_der().map_err(|e| Error::key(source, format!("cannot encode the RSA private key: {e}")))?;
    Ok(PrivateMaterial::RsaPkcs1(der))
}

/// Every signature algorithm the engine implements, in the order menus show them.
pub const SUPPORTED_ALGORITHMS: [&str; 14] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
    "EdDSA", "Ed25519",
];

/// The key type (`kty`) a JWS algorithm needs, if the algorithm is a supported signature
/// algorithm (`none` and unknown names have none).
#[must_use]
pub fn kty_for_alg(alg: &str) -> Option<&'static str> {
    if !SUPPORTED_ALGORITHMS.contains(&alg) {
        return None;
    }
    Some(match alg.get(..2) {
        Some("HS") => "oct",
        Some("RS" | "PS") => "RSA",
        Some("ES") => "EC",
        _ => "OKP",
    })
}

fn metadata_warnings(key: &Key) -> Vec<String> {
    let mut w = Vec::new();
    if let Some(alg) = &key.alg {
        match kty_for_alg(alg) {
            Some(kty) if kty != key.material.kty() => w.push(format!(
                "the key says \"alg\": {alg:?}, which needs a {kty} key, but this is a {} key",
                key.material.kty()
            )),
            Some(_) => {
                if let KeyMaterial::Ec { curve, .. } = key.material
                    && alg != curve.jws_alg()
                {
                    w.push(format!(
                        "the key says \"alg\": {alg:?} but its curve {} is for {}",
                        curve.name(),
                        curve.jws_alg()
                    ));
                }
            }
            None => w.push(format!("\"alg\": {alg:?} is not a JWS signature algorithm (RFC 7518 §3.1)")),
        }
    }
    if let Some(u) = &key.key_use
        && u != "sig"
        && u != "enc"
    {
        w.push(format!("\"use\": {u:?} is neither \"sig\" nor \"enc\" (RFC 7517 §4.2)"));
    }
    if let Some(ops) = &key.key_ops {
        const KNOWN: [&str; 8] =
            ["sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey", "deriveKey", "deriveBits"];
        for op in ops.iter().filter(|o| !KNOWN.contains(&o.as_str())) {
            w.push(format!("\"key_ops\" holds {op:?}, which is not a registered operation (RFC 7517 §4.3)"));
        }
        if key.key_use.is_some() {
            w.push("the key has both \"use\" and \"key_ops\" (RFC 7517 §4.3 says SHOULD NOT)".into());
        }
    }
    w
}

fn intrinsic_warnings(material: &KeyMaterial) -> Vec<String> {
    let mut w = Vec::new();
    match material {
        KeyMaterial::Rsa { n, e } => {
            let bits = bit_len(n);
            if bits < 2048 {
                w.push(format!("RSA modulus is {bits} bits; RFC 7518 §3.3 requires at least 2048"));
            }
            if e.as_slice() != [1, 0, 1] {
                w.push(format!("RSA public exponent is {}, not the usual 65537", be_to_string(e)));
            }
            if is_roca_vulnerable(n) {
                w.push(
                    "this RSA key has the ROCA fingerprint (CVE-2017-15361, Infineon keys): its private key can be \
                     recovered; replace it"
                        .into(),
                );
            }
        }
        KeyMaterial::Oct { k } if k.len() < 32 => {
            w.push(format!(
                "HMAC secret is {} bits; HS256 needs at least 256 (RFC 7518 §3.2) and is brute-forceable when short",
                k.len() * 8
            ));
        }
        _ => {}
    }
    w
}

/// Lints across the keys of one input (a JWKS or a PEM bundle).
fn lint_set(keys: &mut [Key]) {
    if keys.len() < 2 {
        return;
    }
    let has_secret = keys.iter().any(|k| matches!(k.material, KeyMaterial::Oct { .. }));
    let has_asym = keys.iter().any(|k| !matches!(k.material, KeyMaterial::Oct { .. }));
    let has_private = keys.iter().any(|k| k.private.is_some());
    let has_public_only = keys.iter().any(|k| k.private.is_none() && !matches!(k.material, KeyMaterial::Oct { .. }));
    let kids: Vec<Option<String>> = keys.iter().map(|k| k.kid.clone()).collect();
    for (i, key) in keys.iter_mut().enumerate() {
        if has_secret && has_asym {
            key.warnings.push(
                "this key set mixes HMAC secrets with asymmetric keys: a verifier that picks keys by kid alone can \
                 be tricked into algorithm confusion"
                    .into(),
            );
        }
        if has_private && has_public_only {
            key.warnings.push("this key set mixes private and public keys".into());
        }
        if let Some(kid) = &kids[i]
            && kids.iter().enumerate().any(|(j, other)| j != i && other.as_ref() == Some(kid))
        {
            key.warnings.push(format!("another key in the same set has the same kid {kid:?}: selection is ambiguous"));
        }
    }
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
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

fn be_to_string(e: &[u8]) -> String {
    if e.len() <= 8 {
        let mut v: u64 = 0;
        for b in e {
            v = (v << 8) | u64::from(*b);
        }
        v.to_string()
    } else {
        format!("a {}-bit number", bit_len(e))
    }
}

/// The ROCA fingerprint test (Nemec et al., CCS 2017): moduli made by the vulnerable Infineon
/// library are, modulo each small prime below, in the subgroup generated by 65537. A random
/// modulus passes all 38 tests with negligible probability.
fn is_roca_vulnerable(n: &[u8]) -> bool {
    const PRIMES: [u32; 38] = [
        3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107,
        109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
    ];
    PRIMES.iter().all(|&p| {
        let residue = n.iter().fold(0u32, |acc, &b| (acc * 256 + u32::from(b)) % p);
        // Walk the subgroup generated by 65537 mod p until it cycles back to 1.
        let g = 65537 % p;
        let mut x = 1u32;
        loop {
            if x == residue {
                return true;
            }
            x = x * g % p;
            if x == 1 {
                return false;
            }
        }
    })
}

/// The user's loaded keys, in the order they were added.
#[derive(Debug, Clone, Default)]
pub struct KeyStore {
    keys: Vec<Key>,
}

impl KeyStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds keys at the end.
    pub fn extend(&mut self, keys: impl IntoIterator<Item = Key>) {
        self.keys.extend(keys);
    }

    /// Adds one key at the end.
    pub fn push(&mut self, key: Key) {
        self.keys.push(key);
    }

    /// Removes the key at `index`, if there is one.
    pub fn remove(&mut self, index: usize) -> Option<Key> {
        (index < self.keys.len()).then(|| self.keys.remove(index))
    }

    /// The key at `index`, to change its metadata (a name; a kid the window sets when signing).
    pub fn get_mut(&mut self, index: usize) -> Option<&mut Key> {
        self.keys.get_mut(index)
    }

    /// All keys.
    #[must_use]
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// Number of keys.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when no key is loaded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/assets/keys/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn one(name: &str) -> Key {
        let mut keys = load(&asset(name), name).unwrap();
        assert_eq!(keys.len(), 1, "{name}");
        keys.remove(0)
    }

    #[test]
    fn every_rsa_form_gives_the_same_public_key() {
        let reference = one("rsa2048-spki.pem");
        assert_eq!(reference.material.describe(), "RSA 2048");
        assert!(reference.warnings.is_empty(), "{:?}", reference.warnings);
        for name in [
            "rsa2048-pkcs8.pem",
            "rsa2048-pkcs1.pem",
            "rsa2048-pkcs1-public.pem",
            "rsa2048-spki.der",
            "rsa2048-pkcs8.der",
            "rsa2048-cert.pem",
            "rsa2048-cert.der",
        ] {
            let k = one(name);
            assert_eq!(k.material, reference.material, "{name}");
            assert_eq!(k.thumbprint, reference.thumbprint, "{name}");
        }
        assert!(one("rsa2048-pkcs8.pem").private.is_some());
        assert!(one("rsa2048-spki.pem").private.is_none());
        let cert = one("rsa2048-cert.pem").certificate.unwrap();
        assert!(cert.subject.contains("CN=Token Workbench sample"), "{}", cert.subject);
        assert!(cert.not_after > cert.not_before);
    }

    #[test]
    fn ec_forms_agree_and_private_derives_public() {
        for (curve, desc) in [("p256", "EC P-256"), ("p384", "EC P-384"), ("p521", "EC P-521")] {
            let public = one(&format!("ec-{curve}-spki.pem"));
            assert_eq!(public.material.describe(), desc);
            for form in ["pkcs8", "sec1"] {
                let k = one(&format!("ec-{curve}-{form}.pem"));
                assert_eq!(k.material, public.material, "{curve} {form}");
                assert!(k.private.is_some());
            }
        }
        assert_eq!(one("ec-p256-spki-compressed.pem").material, one("ec-p256-spki.pem").material);
        assert_eq!(one("ec-p256-sec1.der").material, one("ec-p256-spki.der").material);
    }

    #[test]
    fn ed25519_forms_agree() {
        let public = one("ed25519-spki.pem");
        assert_eq!(one("ed25519-pkcs8.pem").material, public.material);
        assert_eq!(one("ed25519-pkcs8.der").material, public.material);
    }

    #[test]
    fn rfc7638_thumbprint_example() {
        // RFC 7638 §3.1.
        let jwk: Map<String, Value> = serde_json::from_str(r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#).unwrap();
        let key = from_jwk(&jwk, "rfc7638", "JWK").unwrap();
        assert_eq!(key.thumbprint, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
        assert_eq!(key.kid.as_deref(), Some("2011-04-29"));
    }

    #[test]
    fn secrets_in_every_encoding() {
        let a = load_secret(b"secret", SecretEncoding::Utf8, "t").unwrap();
        let b = load_secret(b"c2VjcmV0", SecretEncoding::Base64, "t").unwrap();
        let c = load_secret(b"73 65 63 72 65 74", SecretEncoding::Hex, "t").unwrap();
        assert_eq!(a.material, b.material);
        assert_eq!(a.material, c.material);
        assert!(a.warnings[0].contains("48 bits"));
        assert!(load_secret(b"", SecretEncoding::Utf8, "t").is_err());
        assert!(load_secret(b"abc", SecretEncoding::Hex, "t").is_err());
        let raw = load_secret(b"secret\n", SecretEncoding::Raw, "t").unwrap();
        assert!(raw.warnings.iter().any(|w| w.contains("newline")));
    }

    #[test]
    fn weak_rsa_is_flagged_not_refused() {
        let k = one("rsa1024-pkcs8.pem");
        assert!(k.warnings.iter().any(|w| w.contains("1024 bits")), "{:?}", k.warnings);
    }

    #[test]
    fn garbage_gets_a_clear_message() {
        let err = load(&[0xff, 0xfe, 0x00, 0x01], "blob.bin").unwrap_err().to_string();
        assert!(err.contains("binary data") && err.contains("0xff"), "{err}");
        let err = load(&[0x30, 0x03, 0x02, 0x01, 0x05], "x.der").unwrap_err().to_string();
        assert!(err.contains("not a certificate, SPKI"), "{err}");
        let err = load(b"hello world", "x.txt").unwrap_err().to_string();
        assert!(err.contains("not a key"), "{err}");
        let err =
            load(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "p.pem").unwrap_err().to_string();
        assert!(err.contains("p.pem"), "{err}");
        let err = load(br#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#, "j").unwrap_err().to_string();
        assert!(err.contains("32 bytes"), "{err}");
    }

    #[test]
    fn jwks_lints_duplicate_kids_and_mixed_sets() {
        let jwks = r#"{"keys":[{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","kid":"a"},
            {"kty":"oct","k":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","kid":"a"}]}"#;
        let keys = load(jwks.as_bytes(), "set").unwrap();
        assert!(keys.iter().all(|k| k.warnings.iter().any(|w| w.contains("same kid"))));
        let pem_and_secret = load(&asset("rsa2048-pkcs1.pem"), "x").unwrap();
        assert_eq!(pem_and_secret.len(), 1);
    }

    #[test]
    fn key_type_of_each_algorithm() {
        let expect = [
            ("HS384", "oct"),
            ("RS512", "RSA"),
            ("PS256", "RSA"),
            ("ES512", "EC"),
            ("EdDSA", "OKP"),
            ("Ed25519", "OKP"),
        ];
        for (alg, kty) in expect {
            assert_eq!(kty_for_alg(alg), Some(kty), "{alg}");
        }
        for not_a_signature in ["none", "RSA1_5", "A256GCM", "ES521", "HS1024", ""] {
            assert_eq!(kty_for_alg(not_a_signature), None, "{not_a_signature}");
        }
        assert!(SUPPORTED_ALGORITHMS.iter().all(|a| kty_for_alg(a).is_some()));
    }

    #[test]
    fn bit_length_and_roca_negative() {
        assert_eq!(bit_len(&[0, 0x01, 0xff]), 9);
        let k = one("rsa2048-spki.pem");
        let KeyMaterial::Rsa { n, .. } = &k.material else { panic!() };
        assert!(!is_roca_vulnerable(n));
    }
}
