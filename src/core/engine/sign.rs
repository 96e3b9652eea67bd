//! Encoding and signing compact JWS tokens with a key from the store; generating keys and
//! exporting them as PEM, JWK or JWKS.
//!
//! Header and claims are serialized in the order given (`serde_json` with `preserve_order`), so
//! "edit this token" keeps the claim order. A key's `kid` is its own, else its RFC 7638
//! thumbprint ([`kid_for`]); generated keys carry it, and JWK exports carry `kid`, `alg` and
//! `use`, so an exported JWKS can be published as it is. jsonwebtoken signs everything it supports;
//! ES512 uses the RustCrypto `p521` crate. Generation uses RustCrypto with the OS RNG, then
//! goes through the key store's own parser, so a generated key is exactly what loading it would
//! give.

use std::str::FromStr;

use jsonwebtoken::EncodingKey;
use serde_json::Value;

use crate::core::engine::error::{Error, Result};
use crate::core::engine::keys::{
    self, Curve, Key, KeyMaterial, OID_EC, OID_ED25519, OID_RSA, OID_X25519, PrivateMaterial, SecretEncoding,
};
use crate::core::engine::token::{JsonObject, encode_b64url};
use crate::core::engine::verify::SUPPORTED_ALGORITHMS;

/// Signs `claims` under `header` with `key`, setting the header's `alg` to `alg` (kept in its
/// position when present, else first).
///
/// # Errors
/// When the algorithm is unknown, the key cannot sign (public only, wrong type) or signing fails.
pub fn sign(header: &JsonObject, claims: &JsonObject, alg: &str, key: &Key) -> Result<String> {
    let payload = serde_json::to_vec(claims).map_err(|e| Error::Sign(e.to_string()))?;
    sign_payload(header, &payload, alg, key)
}

/// Like [`sign`] for an arbitrary payload (a JWS need not carry JSON).
///
/// # Errors
/// As [`sign`].
pub fn sign_payload(header: &JsonObject, payload: &[u8], alg: &str, key: &Key) -> Result<String> {
    if !SUPPORTED_ALGORITHMS.contains(&alg) {
        return Err(Error::Sign(format!("{alg:?} is not a supported signature algorithm")));
    }
    if !key.material.algorithms().contains(&alg) {
        return Err(Error::Sign(format!(
            "{} cannot sign {alg}; it signs {}",
            a_key(key),
            key.material.algorithms().join(", ")
        )));
    }
    let mut header = header.clone();
    set_header_member(&mut header, "alg", Value::String(alg.to_owned()));
    let header_json = serde_json::to_vec(&header).map_err(|e| Error::Sign(e.to_string()))?;
    let signing_input = format!("{}.{}", encode_b64url(&header_json), encode_b64url(payload));
    let signature = signature_b64(signing_input.as_bytes(), alg, key)?;
    Ok(format!("{signing_input}.{signature}"))
}

/// "an RSA 2048 key", "an EC P-256 key", "an HMAC secret": every kind starts with a vowel sound.
#[must_use]
pub fn a_key(key: &Key) -> String {
    match key.material {
        KeyMaterial::Oct { .. } => "an HMAC secret".into(),
        _ => format!("an {} key", key.material.describe()),
    }
}

/// The `kid` a token signed with `key` should carry: the key's own, else its RFC 7638 thumbprint
/// (which anyone holding the public key can recompute).
#[must_use]
pub fn kid_for(key: &Key) -> String {
    key.kid.clone().unwrap_or_else(|| key.thumbprint.clone())
}

/// The algorithm to sign with `key` when nothing else is said: the key's own `alg` when it can
/// sign with it, else the first it supports (RS256, ES256/384/512, EdDSA, HS256). An X25519
/// key signs nothing: its algorithm is the JWE key agreement it serves, `ECDH-ES`.
#[must_use]
pub fn default_alg(key: &Key) -> &'static str {
    let algs = key.material.algorithms();
    let own = key.alg.as_deref().and_then(|a| algs.iter().find(|x| **x == a)).copied();
    own.or_else(|| algs.first().copied()).unwrap_or("ECDH-ES")
}

/// Sets a header member: in place when present; otherwise `alg` goes first and anything else
/// right after `alg` (so `kid` sits beside it, as issuers write it).
pub fn set_header_member(header: &mut JsonObject, name: &str, value: Value) {
    if let Some(slot) = header.get_mut(name) {
        *slot = value;
    } else {
        let at = if name == "alg" { 0 } else { header.keys().position(|k| k == "alg").map_or(header.len(), |i| i + 1) };
        header.shift_insert(at, name.to_owned(), value);
    }
}

/// Why signing `header` with a key known by `want` (see [`kid_for`]) would give a token that
/// does not verify by its `kid`, if it would: the header names another key, so a verifier
/// selecting keys by kid picks the wrong one.
#[must_use]
pub fn kid_warning(header: &JsonObject, want: &str) -> Option<String> {
    match header.get("kid") {
        Some(Value::String(kid)) if *kid == want => None,
        Some(Value::String(kid)) => Some(format!(
            "the header's kid {kid:?} is not the signing key's ({want:?}): a verifier that selects keys by kid \
             will try the wrong key and reject the token"
        )),
        Some(_) => Some("the header's kid is not a string (RFC 7515 §4.1.4)".into()),
        None => None,
    }
}

/// Why `header` cannot be signed as a JWS, if it cannot: a JWE header (it has `enc`) describes
/// an encrypted token, and a signature would not encrypt anything.
#[must_use]
pub fn jws_header_problem(header: &JsonObject) -> Option<String> {
    header.contains_key("enc").then(|| {
        "the header has \"enc\": it describes an encrypted token (JWE), which is decrypted, not re-signed; \
         remove \"enc\" to sign a JWS"
            .to_owned()
    })
}

fn signature_b64(input: &[u8], alg: &str, key: &Key) -> Result<String> {
    let no_private = || Error::Sign(format!("{} holds only a public key; load its private key to sign", key.label()));
    let encoding = match (&key.material, &key.private) {
        (KeyMaterial::Oct { k }, _) => EncodingKey::from_secret(k),
        (KeyMaterial::Rsa { .. }, Some(PrivateMaterial::RsaPkcs1(der))) => EncodingKey::from_rsa_der(der),
        (KeyMaterial::Ec { curve: Curve::P521, .. }, Some(PrivateMaterial::Ec { d, .. })) => {
            return sign_es512(d, input);
        }
        (KeyMaterial::Ec { .. }, Some(PrivateMaterial::Ec { pkcs8, .. })) => EncodingKey::from_ec_der(pkcs8),
        (KeyMaterial::Ed25519 { .. }, Some(PrivateMaterial::Ed25519 { pkcs8, .. })) => EncodingKey::from_ed_der(pkcs8),
        _ => return Err(no_private()),
    };
    let jwt_alg = if alg == "Ed25519" { "EdDSA" } else { alg };
    let algorithm = jsonwebtoken::Algorithm::from_str(jwt_alg).map_err(|e| Error::Sign(e.to_string()))?;
    jsonwebtoken::crypto::sign(input, &encoding, algorithm).map_err(|e| Error::Sign(e.to_string()))
}

fn sign_es512(d: &[u8], input: &[u8]) -> Result<String> {
    use p521::ecdsa::signature::Signer;
    let sk = p521::ecdsa::SigningKey::from_slice(d).map_err(|e| Error::Sign(format!("P-521 key: {e}")))?;
    let sig: p521::ecdsa::Signature = sk.sign(input);
    Ok(encode_b64url(&sig.to_bytes()))
}

/// A key to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    /// RSA with this many modulus bits (2048, 3072, 4096).
    Rsa(usize),
    /// EC on a NIST curve.
    Ec(Curve),
    /// Ed25519.
    Ed25519,
    /// An HMAC secret of this many bits (256, 384, 512).
    Hmac(usize),
}

impl KeySpec {
    /// Everything the Generate menu offers.
    pub const ALL: [Self; 10] = [
        Self::Rsa(2048),
        Self::Rsa(3072),
        Self::Rsa(4096),
        Self::Ec(Curve::P256),
        Self::Ec(Curve::P384),
        Self::Ec(Curve::P521),
        Self::Ed25519,
        Self::Hmac(256),
        Self::Hmac(384),
        Self::Hmac(512),
    ];

    /// "RSA 2048", "EC P-256", "Ed25519", "HMAC 256-bit".
    #[must_use]
    pub fn label(self) -> String {
        match self {
            Self::Rsa(bits) => format!("RSA {bits}"),
            Self::Ec(c) => format!("EC {}", c.name()),
            Self::Ed25519 => "Ed25519".into(),
            Self::Hmac(bits) => format!("HMAC {bits}-bit"),
        }
    }
}

/// Generates a fresh key (private part included, memory only) with the OS random generator.
///
/// # Errors
/// When the OS has no randomness or the size is not offered.
pub fn generate(spec: KeySpec) -> Result<Key> {
    use p256::elliptic_curve::Generate;
    use pkcs8::EncodePrivateKey;
    let source = format!("generated {}", spec.label());
    let rng_error = |e: &dyn std::fmt::Display| Error::Sign(format!("no randomness from the OS: {e}"));
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let der = match spec {
        KeySpec::Rsa(bits @ (2048 | 3072 | 4096)) => {
            use rsa::pkcs1::EncodeRsaPrivateKey;
            let key = rsa::PrivateKey::new(&mut getrandom::SysRng, bits).map_err(|e| rng_error(&e))?;
            Ok(key.to_pkcs1_der().map_err(|e| Error::Sign(e.to_string()))?.as_bytes().to_vec())
        }
        KeySpec::Ec(Curve::P256) => {
            p256::SecretKey::generate_from_rng(&mut rng).to_pkcs8_der().map(|d| d.as_bytes().to_vec())
        }
        KeySpec::Ec(Curve::P384) => {
            p384::SecretKey::generate_from_rng(&mut rng).to_pkcs8_der().map(|d| d.as_bytes().to_vec())
        }
        KeySpec::Ec(Curve::P521) => {
            p521::SecretKey::generate_from_rng(&mut rng).to_pkcs8_der().map(|d| d.as_bytes().to_vec())
        }
        KeySpec::Ed25519 => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| rng_error(&e))?;
            ed25519_dalek::SigningKey::from_bytes(&seed).to_pkcs8_der().map(|d| d.as_bytes().to_vec())
        }
        KeySpec::Hmac(bits @ (256 | 384 | 512)) => {
            let mut secret = vec![0u8; bits / 8];
            getrandom::fill(&mut secret).map_err(|e| rng_error(&e))?;
            let mut key = keys::load_secret(&secret, SecretEncoding::Raw, &source)?;
            key.format = "generated".into();
            return Ok(publishable(key));
        }
        other => return Err(Error::Sign(format!("{} is not offered", other.label()))),
    }
    .map_err(|e| Error::Sign(format!("cannot encode the new key: {e}")))?;
    let mut key = keys::load(&der, &source)?.remove(0);
    key.format = "generated".into();
    Ok(publishable(key))
}

/// A new key's metadata: kid = its thumbprint, its default algorithm, `use: sig`.
fn publishable(mut key: Key) -> Key {
    key.kid = Some(key.thumbprint.clone());
    key.alg = Some(default_alg(&key).to_owned());
    key.key_use = Some("sig".into());
    key
}

/// How to write a key out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// PEM: SPKI `PUBLIC KEY`, or PKCS#8 `PRIVATE KEY`.
    Pem,
    /// One JWK.
    Jwk,
    /// A JWKS holding the one key.
    Jwks,
}

/// Exports a key. `private` asks for the private part (an error when the key has none); an HMAC
/// secret is always private and has no PEM form.
///
/// # Errors
/// When the key cannot be written in that form.
pub fn export(key: &Key, format: ExportFormat, private: bool) -> Result<String> {
    let is_oct = matches!(key.material, KeyMaterial::Oct { .. });
    if is_oct && !private {
        return Err(Error::Sign("an HMAC secret has no public part: export it as a private JWK".into()));
    }
    if private && !is_oct && key.private.is_none() {
        return Err(Error::Sign(format!("{} holds no private key", key.label())));
    }
    match format {
        ExportFormat::Pem if is_oct => Err(Error::Sign("an HMAC secret has no PEM form: export it as a JWK".into())),
        ExportFormat::Pem => {
            let (label, der) =
                if private { ("PRIVATE KEY", private_pkcs8(key)?) } else { ("PUBLIC KEY", spki_der(key)?) };
            der::pem::encode_string(label, der::pem::LineEnding::LF, &der).map_err(|e| Error::Sign(e.to_string()))
        }
        ExportFormat::Jwk | ExportFormat::Jwks => {
            let mut jwk = key.public_jwk();
            // What a JWKS consumer selects and restricts keys by (RFC 7517 §4): kid, alg, use.
            // A key-agreement key (X25519) is for encryption; every other exported key signs.
            let key_use = if key.material.algorithms().is_empty() { "enc" } else { "sig" };
            for (name, value) in [("kid", kid_for(key)), ("alg", default_alg(key).to_owned()), ("use", key_use.into())]
            {
                if !jwk.contains_key(name) {
                    jwk.insert(name.into(), Value::String(value));
                }
            }
            if private {
                add_private_members(key, &mut jwk)?;
            } else if is_oct {
                jwk.remove("k");
            }
            let value = if format == ExportFormat::Jwk {
                Value::Object(jwk)
            } else {
                serde_json::json!({ "keys": [Value::Object(jwk)] })
            };
            serde_json::to_string_pretty(&value).map_err(|e| Error::Sign(e.to_string()))
        }
    }
}

/// The byte forms in which a public key is published, each as an algorithm-confusion attacker
/// would feed it to HMAC as the secret: the SPKI PEM as files hold it (ending in a newline), the
/// same without the newline, and its DER. Empty for an HMAC secret (it has no public form).
#[must_use]
pub fn public_key_forms(key: &Key) -> Vec<(&'static str, Vec<u8>)> {
    let Ok(der) = spki_der(key) else { return Vec::new() };
    let Ok(pem) = der::pem::encode_string("PUBLIC KEY", der::pem::LineEnding::LF, &der) else { return Vec::new() };
    let trimmed = pem.trim_end().as_bytes().to_vec();
    let mut forms = vec![("PEM", pem.into_bytes()), ("PEM without its final newline", trimmed), ("DER", der)];
    // The file as the user loaded it (a PKCS#1 PEM, a certificate, a JWK, an OpenSSH line…):
    // `forge --attack confusion` and real attackers MAC with exactly those bytes.
    if let Some(bytes) = key.loaded_from.as_deref().filter(|b| b.len() <= 64 * 1024) {
        let trimmed = bytes.trim_ascii_end();
        forms.push(("file as loaded", bytes.to_vec()));
        if trimmed.len() != bytes.len() {
            forms.push(("file as loaded, without its final newline", trimmed.to_vec()));
        }
    }
    forms
}

fn spki_der(key: &Key) -> Result<Vec<u8>> {
    use der::Encode;
    let enc = |e: der::Error| Error::Sign(format!("cannot encode the public key: {e}"));
    let (oid, params, bits) = match &key.material {
        KeyMaterial::Rsa { n, e } => {
            let pk = rsa::pkcs1::RsaPublicKey {
                modulus: der::asn1::UintRef::new(n).map_err(enc)?,
                public_exponent: der::asn1::UintRef::new(e).map_err(enc)?,
            };
            (OID_RSA, Some(der::asn1::Any::from(der::asn1::AnyRef::NULL)), pk.to_der().map_err(enc)?)
        }
        KeyMaterial::Ec { curve, x, y } => {
            let mut point = vec![0x04];
            point.extend_from_slice(x);
            point.extend_from_slice(y);
            (OID_EC, Some(der::asn1::Any::encode_from(&curve.oid()).map_err(enc)?), point)
        }
        KeyMaterial::Ed25519 { x } => (OID_ED25519, None, x.to_vec()),
        KeyMaterial::X25519 { x } => (OID_X25519, None, x.to_vec()),
        KeyMaterial::Oct { .. } => return Err(Error::Sign("an HMAC secret has no public key".into())),
    };
    spki::SubjectPublicKeyInfoOwned {
        algorithm: spki::AlgorithmIdentifierOwned { oid, parameters: params },
        subject_public_key: der::asn1::BitString::from_bytes(&bits).map_err(enc)?,
    }
    .to_der()
    .map_err(enc)
}

fn private_pkcs8(key: &Key) -> Result<Vec<u8>> {
    use der::Encode;
    match &key.private {
        Some(PrivateMaterial::RsaPkcs1(pkcs1)) => {
            let info = pkcs8::PrivateKeyInfoRef {
                algorithm: spki::AlgorithmIdentifierRef { oid: OID_RSA, parameters: Some(der::asn1::AnyRef::NULL) },
                private_key: der::asn1::OctetStringRef::new(pkcs1).map_err(|e| Error::Sign(e.to_string()))?,
                public_key: None,
            };
            info.to_der().map_err(|e| Error::Sign(e.to_string()))
        }
        Some(PrivateMaterial::Ec { pkcs8, .. } | PrivateMaterial::Ed25519 { pkcs8, .. }) => Ok(pkcs8.clone()),
        Some(PrivateMaterial::X25519 { d }) => {
            // RFC 8410 §7: the private key is a CurvePrivateKey, itself an OCTET STRING.
            let curve_private_key = der::asn1::OctetStringRef::new(d).and_then(|o| o.to_der());
            let curve_private_key = curve_private_key.map_err(|e| Error::Sign(e.to_string()))?;
            let info = pkcs8::PrivateKeyInfoRef {
                algorithm: spki::AlgorithmIdentifierRef { oid: OID_X25519, parameters: None },
                private_key: der::asn1::OctetStringRef::new(&curve_private_key)
                    .map_err(|e| Error::Sign(e.to_string()))?,
                public_key: None,
            };
            info.to_der().map_err(|e| Error::Sign(e.to_string()))
        }
        None => Err(Error::Sign(format!("{} holds no private key", key.label()))),
    }
}

fn add_private_members(key: &Key, jwk: &mut JsonObject) -> Result<()> {
    use der::Decode;
    match (&key.material, &key.private) {
        (KeyMaterial::Oct { .. }, _) => {} // `k` is already there
        (_, Some(PrivateMaterial::RsaPkcs1(der))) => {
            let sk = rsa::pkcs1::RsaPrivateKey::<der::asn1::UintRef<'_>>::from_der(der)
                .map_err(|e| Error::Sign(format!("the RSA private key is damaged: {e}")))?;
            for (name, v) in [
                ("d", sk.private_exponent),
                ("p", sk.prime1),
                ("q", sk.prime2),
                ("dp", sk.exponent1),
                ("dq", sk.exponent2),
                ("qi", sk.coefficient),
            ] {
                jwk.insert(name.into(), Value::String(encode_b64url(v.as_bytes())));
            }
        }
        (_, Some(PrivateMaterial::Ec { d, .. })) => {
            jwk.insert("d".into(), Value::String(encode_b64url(d)));
        }
        (_, Some(PrivateMaterial::Ed25519 { seed, .. })) => {
            jwk.insert("d".into(), Value::String(encode_b64url(seed)));
        }
        (_, Some(PrivateMaterial::X25519 { d })) => {
            jwk.insert("d".into(), Value::String(encode_b64url(d)));
        }
        (_, None) => return Err(Error::Sign(format!("{} holds no private key", key.label()))),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::keys::{SecretEncoding, load, load_secret};
    use crate::core::engine::token::parse;
    use crate::core::engine::verify::{Policy, verify};

    fn key(name: &str) -> Key {
        let bytes = std::fs::read(format!("{}/assets/keys/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        load(&bytes, name).unwrap().remove(0)
    }

    fn obj(s: &str) -> JsonObject {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn every_algorithm_round_trips() {
        let cases = [
            ("HS256", None),
            ("HS512", None),
            ("RS256", Some("rsa2048-pkcs1.pem")),
            ("PS384", Some("rsa2048-pkcs8.pem")),
            ("ES256", Some("ec-p256-sec1.pem")),
            ("ES384", Some("ec-p384-pkcs8.pem")),
            ("ES512", Some("ec-p521-pkcs8.pem")),
            ("EdDSA", Some("ed25519-pkcs8.pem")),
            ("Ed25519", Some("ed25519-pkcs8.pem")),
        ];
        let secret = load_secret(&[7u8; 64], SecretEncoding::Raw, "s").unwrap();
        for (alg, file) in cases {
            let k = file.map_or_else(|| secret.clone(), key);
            let header = obj(r#"{"typ":"JWT","kid":"k1"}"#);
            let claims = obj(r#"{"sub":"alice","z":1,"a":2}"#);
            let token = sign(&header, &claims, alg, &k).unwrap();
            let parsed = parse(&token).unwrap();
            assert_eq!(parsed.alg(), Some(alg));
            let order: Vec<&String> = parsed.claims().unwrap().keys().collect();
            assert_eq!(order, ["sub", "z", "a"], "claim order kept");
            let v = verify(&parsed, &[k], &Policy::default(), 0.0);
            assert!(v.valid, "{alg}: {}", v.summary());
        }
    }

    #[test]
    fn generated_keys_sign_and_export_round_trips() {
        // RSA 2048 only here: larger sizes take seconds and run in the UI's background thread.
        for spec in KeySpec::ALL.into_iter().filter(|s| !matches!(s, KeySpec::Rsa(bits) if *bits > 2048)) {
            let key = generate(spec).unwrap();
            assert!(key.is_secret(), "{spec:?}");
            let alg = key.material.algorithms()[0];
            let token = sign(&JsonObject::new(), &obj(r#"{"sub":"x"}"#), alg, &key).unwrap();
            let parsed = parse(&token).unwrap();
            if matches!(spec, KeySpec::Hmac(_)) {
                let jwk = load(export(&key, ExportFormat::Jwk, true).unwrap().as_bytes(), "jwk").unwrap().remove(0);
                assert_eq!(jwk.material, key.material);
                assert!(export(&key, ExportFormat::Pem, true).is_err());
                assert!(export(&key, ExportFormat::Jwk, false).is_err(), "a secret never exports as public");
            } else {
                for format in [ExportFormat::Pem, ExportFormat::Jwk, ExportFormat::Jwks] {
                    // The public export verifies; the private export reloads to the same key and signs.
                    let public = load(export(&key, format, false).unwrap().as_bytes(), "public").unwrap().remove(0);
                    assert_eq!(public.material, key.material, "{spec:?} {format:?}");
                    assert!(public.private.is_none());
                    assert!(verify(&parsed, &[public], &Policy::default(), 0.0).valid, "{spec:?} {format:?}");
                    let private = load(export(&key, format, true).unwrap().as_bytes(), "private").unwrap().remove(0);
                    assert_eq!(private.thumbprint, key.thumbprint);
                    let again = sign(&JsonObject::new(), &obj("{}"), alg, &private).unwrap();
                    assert!(verify(&parse(&again).unwrap(), std::slice::from_ref(&key), &Policy::default(), 0.0).valid);
                }
            }
        }
        let a = generate(KeySpec::Hmac(256)).unwrap();
        let b = generate(KeySpec::Hmac(256)).unwrap();
        assert_ne!(a.thumbprint, b.thumbprint, "fresh randomness");
    }

    #[test]
    fn exports_match_openssl_forms() {
        // The SPKI PEM we write for a loaded key is byte-identical to OpenSSL's.
        for name in ["rsa2048-spki.pem", "ec-p384-spki.pem", "ed25519-spki.pem"] {
            let k = key(name);
            let ours = export(&k, ExportFormat::Pem, false).unwrap();
            let theirs = std::fs::read_to_string(format!("{}/assets/keys/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
            assert_eq!(ours.trim(), theirs.trim(), "{name}");
        }
        let pkcs8 = export(&key("ec-p256-sec1.pem"), ExportFormat::Pem, true).unwrap();
        assert!(pkcs8.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert!(export(&key("rsa2048-spki.pem"), ExportFormat::Jwk, true).is_err());
    }

    #[test]
    fn public_keys_and_wrong_types_cannot_sign() {
        let err = sign(&JsonObject::new(), &JsonObject::new(), "RS256", &key("rsa2048-spki.pem")).unwrap_err();
        assert!(err.to_string().contains("only a public key"), "{err}");
        let err = sign(&JsonObject::new(), &JsonObject::new(), "HS256", &key("rsa2048-pkcs8.pem")).unwrap_err();
        assert!(err.to_string().contains("cannot sign HS256"), "{err}");
        let err = sign(&JsonObject::new(), &JsonObject::new(), "none", &key("rsa2048-pkcs8.pem")).unwrap_err();
        assert!(err.to_string().contains("not a supported"), "{err}");
    }

    #[test]
    fn kid_and_alg_come_from_the_key() {
        let mut ec = key("ec-p256-pkcs8.pem");
        assert_eq!(kid_for(&ec), ec.thumbprint, "no kid: the RFC 7638 thumbprint");
        assert_eq!(default_alg(&ec), "ES256");
        ec.kid = Some("mine".into());
        assert_eq!(kid_for(&ec), "mine");
        let mut rsa = key("rsa2048-pkcs8.pem");
        assert_eq!(default_alg(&rsa), "RS256");
        rsa.alg = Some("PS384".into());
        assert_eq!(default_alg(&rsa), "PS384", "the key's own alg wins when it can sign it");
        rsa.alg = Some("ES256".into());
        assert_eq!(default_alg(&rsa), "RS256", "an alg the key cannot sign is ignored");
        let err = sign(&JsonObject::new(), &JsonObject::new(), "HS256", &ec).unwrap_err();
        assert_eq!(err.to_string(), "cannot sign: an EC P-256 key cannot sign HS256; it signs ES256");
    }

    #[test]
    fn header_members_keep_their_place_and_kid_sits_beside_alg() {
        let mut h = obj(r#"{"typ":"JWT","x":1}"#);
        set_header_member(&mut h, "alg", "ES256".into());
        set_header_member(&mut h, "kid", "k".into());
        assert_eq!(h.keys().collect::<Vec<_>>(), ["alg", "kid", "typ", "x"]);
        set_header_member(&mut h, "alg", "RS256".into());
        assert_eq!(serde_json::to_string(&h).unwrap(), r#"{"alg":"RS256","kid":"k","typ":"JWT","x":1}"#);
    }

    #[test]
    fn kid_and_jwe_warnings_before_signing() {
        let ec = key("ec-p256-pkcs8.pem");
        let want = kid_for(&ec);
        assert!(kid_warning(&obj(r#"{"kid":"sample-rsa-2048"}"#), &want).unwrap().contains("wrong key"));
        assert_eq!(kid_warning(&obj(&format!(r#"{{"kid":"{}"}}"#, ec.thumbprint)), &want), None);
        assert_eq!(kid_warning(&obj("{}"), &want), None);
        assert!(jws_header_problem(&obj(r#"{"alg":"RSA1_5","enc":"A128CBC-HS256"}"#)).unwrap().contains("JWE"));
        assert_eq!(jws_header_problem(&obj(r#"{"alg":"HS256"}"#)), None);
    }

    #[test]
    fn generated_keys_and_exports_are_publishable() {
        let k = generate(KeySpec::Ec(Curve::P256)).unwrap();
        assert_eq!(k.kid.as_deref(), Some(k.thumbprint.as_str()));
        assert_eq!((k.alg.as_deref(), k.key_use.as_deref()), (Some("ES256"), Some("sig")));
        // A loaded key without metadata exports with kid (thumbprint), alg and use.
        let loaded = key("ed25519-pkcs8.pem");
        let jwks: Value = serde_json::from_str(&export(&loaded, ExportFormat::Jwks, false).unwrap()).unwrap();
        let jwk = &jwks["keys"][0];
        assert_eq!(jwk["kid"], loaded.thumbprint.as_str());
        assert_eq!((jwk["alg"].as_str(), jwk["use"].as_str()), (Some("EdDSA"), Some("sig")));
        // Published as is, it verifies a token signed with the key, selected by kid.
        let mut header = JsonObject::new();
        set_header_member(&mut header, "kid", kid_for(&loaded).into());
        let token = sign(&header, &obj(r#"{"sub":"x"}"#), "EdDSA", &loaded).unwrap();
        let published = load(jwks.to_string().as_bytes(), "jwks").unwrap();
        let v = verify(&parse(&token).unwrap(), &published, &Policy::default(), 0.0);
        assert!(v.valid, "{}", v.summary());
        assert_eq!(v.selection, Some(crate::core::engine::verify::Selection::Kid));
        // A key's own metadata is kept.
        let mut named = loaded.clone();
        named.kid = Some("edge-1".into());
        let jwk: Value = serde_json::from_str(&export(&named, ExportFormat::Jwk, false).unwrap()).unwrap();
        assert_eq!(jwk["kid"], "edge-1");
    }
}
