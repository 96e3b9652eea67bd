//! Encoding and signing compact JWS tokens with a key from the store.
//!
//! Header and claims are serialized in the order given (`serde_json` with `preserve_order`), so
//! "edit this token" keeps the claim order. jsonwebtoken signs everything it supports;
//! ES512 uses the RustCrypto `p521` crate.

use std::str::FromStr;

use jsonwebtoken::EncodingKey;
use serde_json::Value;

use crate::core::error::{Error, Result};
use crate::core::keys::{Curve, Key, KeyMaterial, PrivateMaterial};
use crate::core::token::{JsonObject, encode_b64url};
use crate::core::verify::SUPPORTED_ALGORITHMS;

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
        return Err(Error::Sign(format!("a {} key cannot sign {alg}", key.material.describe())));
    }
    let mut header = header.clone();
    if let Some(slot) = header.get_mut("alg") {
        *slot = Value::String(alg.to_owned());
    } else {
        let mut with_alg = JsonObject::new();
        with_alg.insert("alg".into(), Value::String(alg.to_owned()));
        with_alg.extend(header);
        header = with_alg;
    }
    let header_json = serde_json::to_vec(&header).map_err(|e| Error::Sign(e.to_string()))?;
    let signing_input = format!("{}.{}", encode_b64url(&header_json), encode_b64url(payload));
    let signature = signature_b64(signing_input.as_bytes(), alg, key)?;
    Ok(format!("{signing_input}.{signature}"))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::keys::{SecretEncoding, load, load_secret};
    use crate::core::token::parse;
    use crate::core::verify::{Policy, verify};

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
    fn public_keys_and_wrong_types_cannot_sign() {
        let err = sign(&JsonObject::new(), &JsonObject::new(), "RS256", &key("rsa2048-spki.pem")).unwrap_err();
        assert!(err.to_string().contains("only a public key"), "{err}");
        let err = sign(&JsonObject::new(), &JsonObject::new(), "HS256", &key("rsa2048-pkcs8.pem")).unwrap_err();
        assert!(err.to_string().contains("cannot sign HS256"), "{err}");
        let err = sign(&JsonObject::new(), &JsonObject::new(), "none", &key("rsa2048-pkcs8.pem")).unwrap_err();
        assert!(err.to_string().contains("not a supported"), "{err}");
    }
}
