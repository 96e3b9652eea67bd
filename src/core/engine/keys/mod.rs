//! The key store: reads every key format by its content (never its file name), derives the
//! public part of private keys, computes RFC 7638 thumbprints and lints each key.
//!
//! Formats: PEM and DER of SPKI, PKCS#1 (public and private), PKCS#8, SEC1 and X.509
//! certificates (a chain yields its leaf); JWK and JWKS (RSA, EC, OKP, oct); OpenSSH public keys
//! (one-line and RFC 4716); HMAC secrets as text, base64/base64url, hex or raw bytes. Encrypted
//! PKCS#8, PKCS#12 and OpenSSH private keys are named, not guessed. Everything is normalised to [`KeyMaterial`] so the verifier never cares where a
//! key came from. Private material stays in memory; nothing here writes to disk.

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

mod formats;
mod jwk;
mod lints;
mod material;
mod modulus;
mod secret;
mod ssh;
mod thumbprint;
mod verifier;

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value};

pub use self::jwk::from_jwk;
pub use self::material::{CertificateInfo, Curve, KeyMaterial, PrivateMaterial, bit_len};
pub(crate) use self::material::{OID_EC, OID_ED25519, OID_RSA, OID_X25519};
use self::material::{strip_leading_zeros, uint};
pub use self::secret::{SecretEncoding, load_secret};
pub(crate) use self::verifier::Verifier;
use crate::core::engine::error::{Error, Result};
use crate::core::engine::limits;
use crate::core::engine::token::encode_b64url;

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
    /// For an HMAC secret whose bytes are a public key, a certificate or a JWK/JWKS holding one:
    /// what the bytes are ("PEM SPKI public key (RSA 2048)"). Anyone can download those bytes,
    /// so such a secret is shown but never verifies anything: a token whose MAC it verifies is
    /// the algorithm-confusion forgery (RFC 8725 §2.1).
    pub public_key_bytes: Option<String>,
    /// The bytes a public key was loaded from (a PEM, certificate, JWK or OpenSSH file as
    /// given), shared by every key of that input: an attacker who forges an HMAC token from the
    /// published key uses those exact bytes, so the confusion check tries them too.
    pub loaded_from: Option<Arc<[u8]>>,
    /// Verification keys parsed once per algorithm on first use, shared by clones.
    verifiers: Arc<[OnceLock<Result<Verifier>>; VERIFIER_SLOTS]>,
}

/// One cached verifier per supported algorithm (`Ed25519` uses `EdDSA`'s slot).
const VERIFIER_SLOTS: usize = SUPPORTED_ALGORITHMS.len();

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("source", &self.source)
            .field("format", &self.format)
            .field("kid", &self.kid)
            .field("material", &self.material)
            .field("private", &self.private.is_some())
            .field("thumbprint", &self.thumbprint)
            .field("public_key_bytes", &self.public_key_bytes)
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
            public_key_bytes: None,
            loaded_from: None,
            verifiers: Arc::new(std::array::from_fn(|_| OnceLock::new())),
        };
        key.warnings = lints::intrinsic_warnings(&key.material);
        key
    }

    /// The verifier for `alg` (`Ed25519` shares `EdDSA`'s), parsed on first use.
    ///
    /// # Errors
    /// [`Error::PublicKeyAsSecret`], [`Error::UnsupportedAlgorithm`], or why the key cannot
    /// verify `alg` ([`Error::KeyUnusable`]).
    pub(crate) fn verifier(&self, alg: &str) -> Result<&Verifier> {
        // The verdict rejects such a secret first, with its reason; this keeps any other caller
        // from verifying with a public key's bytes.
        if let Some(what) = &self.public_key_bytes {
            return Err(Error::PublicKeyAsSecret { what: what.clone() });
        }
        let alg = if alg == "Ed25519" { "EdDSA" } else { alg };
        let slot = SUPPORTED_ALGORITHMS
            .iter()
            .position(|a| *a == alg)
            .ok_or_else(|| Error::UnsupportedAlgorithm { alg: alg.to_owned() })?;
        self.verifiers[slot]
            .get_or_init(|| verifier::build_verifier(&self.material, alg))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// A short name for lists: the kid if any, else the source.
    #[must_use]
    pub fn label(&self) -> String {
        // Debug quoting escapes the kid's controls; the name or source is shown the same way.
        let name = crate::core::text::visible(self.name.as_deref().unwrap_or(&self.source));
        match &self.kid {
            Some(kid) => format!("kid {kid:?} ({name})"),
            None => name.into_owned(),
        }
    }

    /// What makes this key breakable, in the words of its warnings: an RSA modulus under 2048
    /// bits, the ROCA fingerprint, an HMAC secret under 256 bits. The other warnings (an
    /// unusual exponent, contradictory metadata, a shared kid…) are worth a look, not a break.
    #[must_use]
    pub fn weaknesses(&self) -> Vec<String> {
        lints::weaknesses(&self.material)
    }

    /// True when the key holds private material (or is an HMAC secret).
    #[must_use]
    pub fn is_secret(&self) -> bool {
        self.private.is_some() || matches!(self.material, KeyMaterial::Oct { .. })
    }

    /// What the key is, in words: its material's description, but an `oct` key published for
    /// encryption (`use: enc`, a JWE `alg`) is an AES key, not an HMAC secret.
    #[must_use]
    pub fn kind(&self) -> String {
        match &self.material {
            KeyMaterial::Oct { k } if lints::for_encryption(self) => format!("AES key ({} bits)", k.len() * 8),
            other => other.describe(),
        }
    }

    /// It can sign and is meant to: a private or secret key not published for encryption only
    /// (`"use": "enc"`, RFC 7517 §4.2), which the window never offers or preselects to sign.
    #[must_use]
    pub fn signs(&self) -> bool {
        self.is_secret() && self.key_use.as_deref() != Some("enc")
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
            KeyMaterial::X25519 { x } => {
                m.insert("crv".into(), "X25519".into());
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

/// Reads a key file and loads whatever it holds.
///
/// # Errors
/// When the file cannot be read or holds no key.
pub fn load_file(path: &std::path::Path) -> Result<Vec<Key>> {
    let bytes = limits::read_file(path)?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    load(&bytes, &name)
}

/// Detects the format of `bytes` by content and loads every key in it (a JWKS or a PEM bundle
/// yields several). HMAC secrets are not guessed here: use [`load_secret`].
///
/// # Errors
/// When nothing in the input is a usable key; the message says what the input looked like.
pub fn load(bytes: &[u8], source: &str) -> Result<Vec<Key>> {
    modulus::with_budget(|| load_within_budget(bytes, source))
}

/// [`load`], inside the input's budget of RSA modulus tests.
fn load_within_budget(bytes: &[u8], source: &str) -> Result<Vec<Key>> {
    if bytes.is_empty() {
        return Err(Error::key(source, "empty input"));
    }
    if bytes.len() > limits::MAX_INPUT_BYTES {
        return Err(Error::key(source, too_large(bytes.len())));
    }
    let text = std::str::from_utf8(bytes).ok();
    let trimmed = text.map(str::trim);
    let mut keys = match trimmed {
        Some(t) if ssh::looks_like_rfc4716(t) => ssh::load_rfc4716(t, source)?,
        Some(t) if t.contains("-----BEGIN ") => formats::load_pem_bundle(t, source)?,
        Some(t) if ssh::looks_like_openssh_public(t) => ssh::load_openssh_public(t, source)?,
        Some(t) if t.starts_with('{') || t.starts_with('[') => jwk::load_json(t, source)?,
        Some(t) if formats::looks_like_base64_der(t) => {
            // A PEM body without its armour, as pasted from some consoles.
            let der = secret::decode_lenient_base64(t, source)?;
            formats::load_der(&der, source, "base64 DER")?
        }
        _ if bytes.first() == Some(&0x30) => formats::load_der(bytes, source, "DER")?,
        Some(_) => {
            return Err(Error::key(
                source,
                "not a key: no PEM block, JSON (JWK/JWKS), OpenSSH public key or DER found; an HMAC secret is given \
                 as a secret (--secret or --secret-file; the Secret field in the window)",
            ));
        }
        None => {
            return Err(Error::key(
                source,
                format!(
                    "binary data ({} bytes) that is not DER (first byte 0x{:02x}, a DER key starts with 0x30); \
                     a raw HMAC secret is given as a secret file (--secret-file; the window's secret file)",
                    bytes.len(),
                    bytes[0]
                ),
            ));
        }
    };
    lints::lint_set(&mut keys);
    // One copy of the input, shared by its public keys, made only when it holds one.
    let mut shared: Option<Arc<[u8]>> = None;
    for key in &mut keys {
        match key.material {
            // An oct JWK whose k is a public key's bytes is marked as a pasted secret is.
            KeyMaterial::Oct { .. } if key.public_key_bytes.is_none() => secret::mark_public_bytes(key),
            KeyMaterial::Oct { .. } => {}
            _ => key.loaded_from = Some(Arc::clone(shared.get_or_insert_with(|| Arc::from(bytes)))),
        }
    }
    Ok(keys)
}

/// The message for key input over [`limits::MAX_INPUT_BYTES`].
pub(crate) fn too_large(size: usize) -> String {
    format!("{size} bytes is larger than the 10 MiB limit ({} bytes) for key input", limits::MAX_INPUT_BYTES)
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

/// What a verifier of `alg` holds, in words: "the shared HMAC secret" for HS256/384/512 (the
/// same secret signs), "the public key" for the asymmetric algorithms.
#[must_use]
pub fn verification_key_words(alg: &str) -> &'static str {
    if kty_for_alg(alg) == Some("oct") { "the shared HMAC secret" } else { "the public key" }
}

/// The user's loaded keys, in the order they were added.
#[derive(Debug, Clone, Default)]
pub struct KeyStore {
    keys: Vec<Key>,
    /// Positions of the keys by RFC 7638 thumbprint: the duplicate check of a 100,000-key set
    /// is a lookup per key, not a scan of the list (which took 31 s).
    by_thumbprint: std::collections::HashMap<String, Vec<usize>>,
}

impl KeyStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds keys at the end.
    pub fn extend(&mut self, keys: impl IntoIterator<Item = Key>) {
        for key in keys {
            self.push(key);
        }
    }

    /// The loaded key that `key` would only repeat: the same material (RFC 7638 thumbprint, so
    /// the same secret bytes for an HMAC secret), and nothing new in it: no private part or
    /// certificate the loaded key lacks, no other kid. A private key whose public half is loaded,
    /// the certificate of a loaded key, or the same key under a second kid, is not a duplicate.
    #[must_use]
    pub fn duplicate_of(&self, key: &Key) -> Option<usize> {
        let same_thumbprint = self.by_thumbprint.get(&key.thumbprint)?;
        same_thumbprint.iter().copied().find(|&i| {
            let k = &self.keys[i];
            k.material == key.material
                && (key.private.is_none() || k.private.is_some())
                && (key.certificate.is_none() || k.certificate.is_some())
                && (key.kid.is_none() || key.kid == k.kid)
        })
    }

    /// Adds one key at the end.
    pub fn push(&mut self, key: Key) {
        self.by_thumbprint.entry(key.thumbprint.clone()).or_default().push(self.keys.len());
        self.keys.push(key);
    }

    /// Removes the key at `index`, if there is one.
    pub fn remove(&mut self, index: usize) -> Option<Key> {
        if index >= self.keys.len() {
            return None;
        }
        let removed = self.keys.remove(index);
        // Later keys moved down one place: rebuild the index (a removal is a user's click).
        self.by_thumbprint.clear();
        for (i, k) in self.keys.iter().enumerate() {
            self.by_thumbprint.entry(k.thumbprint.clone()).or_default().push(i);
        }
        Some(removed)
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
}
