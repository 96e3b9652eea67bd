//! JWK and JWKS (RFC 7517, RFC 7518 §6): RSA, EC, OKP and oct keys with their metadata.

use der::Encode;
use serde_json::{Map, Value};

use super::formats::{
    ec_from_scalar, ec_material_from_point, ed25519_from_seed, ed25519_public, reason_of, rsa_material, summary,
    x25519_key,
};
use super::lints::metadata_warnings;
use super::{Curve, Key, KeyMaterial, PrivateMaterial, uint};
use crate::core::engine::error::{Error, Result};
use crate::core::engine::token::decode_b64url;

pub(super) fn load_json(text: &str, source: &str) -> Result<Vec<Key>> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| Error::key(source, format!("looks like JSON but is not: {e}")))?;
    let obj = match value {
        Value::Object(obj) => obj,
        // A bare array of JWKs (RFC 7520 §5.13 gives its recipients' keys so): read as the
        // JWKS it would be inside {"keys": [...]}.
        Value::Array(entries) => return load_entries(&entries, source, "array"),
        _ => return Err(Error::key(source, "JSON that is neither a JWK, a JWKS nor an array of JWKs")),
    };
    if let Some(keys) = obj.get("keys") {
        let Value::Array(entries) = keys else {
            return Err(Error::key(source, "JWKS \"keys\" must be an array"));
        };
        return load_entries(entries, source, "JWKS");
    }
    if obj.contains_key("kty") {
        return Ok(vec![from_jwk(&obj, source, "JWK")?]);
    }
    Err(Error::key(source, "JSON without \"kty\" (JWK) or \"keys\" (JWKS)"))
}

/// The keys of a JWKS's `keys` (or of a bare array of JWKs: `what` says which); unusable
/// entries are named once, on the first key.
fn load_entries(entries: &[Value], source: &str, what: &str) -> Result<Vec<Key>> {
    let mut loaded = Vec::new();
    let mut skipped = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let name = format!("{source} [keys {i}]");
        match entry.as_object() {
            Some(jwk) => match from_jwk(jwk, &name, &format!("{what} entry")) {
                Ok(k) => loaded.push(k),
                Err(e) => skipped.push(format!("[keys {i}] {}", reason_of(e))),
            },
            None => skipped.push(format!("[keys {i}] not an object")),
        }
    }
    let Some(first) = loaded.first_mut() else {
        let why = if skipped.is_empty() { format!("the {what} has no keys") } else { summary(&skipped) };
        return Err(Error::key(source, why));
    };
    // Once per set, on its first key (every key repeating every skipped entry made a
    // 4,000 + 4,000 JWKS cost 3.2 GB).
    if !skipped.is_empty() {
        first.warnings.push(format!("{} entries of this {what} were unusable: {}", skipped.len(), summary(&skipped)));
    }
    Ok(loaded)
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
    let key = match kty {
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
            let curve = Curve::from_jwk(crv, source)?;
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
            let material = ec_material_from_point(curve, &point, source)?;
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
                "X25519" => {
                    return x25519_from_jwk(jwk, source, format).and_then(|key| with_metadata(key, jwk, source));
                }
                "X448" => {
                    return Err(Error::key(source, "X448 is not supported (X25519 is, for JWE ECDH-ES)"));
                }
                other => return Err(Error::key(source, format!("OKP curve {other:?} is not supported (Ed25519 is)"))),
            }
            let x = jwk_required(jwk, "x", kty, source)?;
            let x32: [u8; 32] =
                x.as_slice().try_into().map_err(|_| Error::key(source, "an Ed25519 \"x\" must be 32 bytes"))?;
            let material = ed25519_public(x32, source)?;
            match jwk_bytes(jwk, "d", source)? {
                Some(d) => {
                    let seed: [u8; 32] =
                        d.as_slice().try_into().map_err(|_| Error::key(source, "an Ed25519 \"d\" must be 32 bytes"))?;
                    ed25519_from_seed(seed, Some(&x32), source, format)?
                }
                None => Key::new(material, None, source, format),
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
    with_metadata(key, jwk, source)
}

/// Sets the JWK metadata members (`kid`, `alg`, `use`, `key_ops`) and their lints on `key`.
fn with_metadata(mut key: Key, jwk: &Map<String, Value>, source: &str) -> Result<Key> {
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

/// An X25519 JWK (RFC 8037 §2): a key-agreement key for JWE ECDH-ES. With `d`, the public `x`
/// must be the one `d` gives.
fn x25519_from_jwk(jwk: &Map<String, Value>, source: &str, format: &str) -> Result<Key> {
    let x = jwk_required(jwk, "x", "OKP", source)?;
    let x: [u8; 32] = x.as_slice().try_into().map_err(|_| Error::key(source, "an X25519 \"x\" must be 32 bytes"))?;
    let d = jwk_bytes(jwk, "d", source)?
        .map(|d| <[u8; 32]>::try_from(d.as_slice()))
        .transpose()
        .map_err(|_| Error::key(source, "an X25519 \"d\" must be 32 bytes"))?;
    x25519_key(d, Some(x), source, format)
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::from_jwk;
    use crate::core::engine::keys::{KeyMaterial, PrivateMaterial};
    use crate::core::engine::token::encode_b64url;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// RFC 7748 §6.1 Bob: private key and the public key it gives.
    const BOB_D: &str = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    const BOB_X: &str = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";

    fn load(jwk: &Value) -> crate::core::engine::error::Result<crate::core::engine::keys::Key> {
        from_jwk(jwk.as_object().unwrap(), "test", "JWK")
    }

    #[test]
    fn an_x25519_jwk_loads_as_a_key_agreement_key() {
        let jwk = json!({"kty": "OKP", "crv": "X25519", "kid": "Bob", "alg": "ECDH-ES", "d": encode_b64url(&hex(BOB_D)), "x": encode_b64url(&hex(BOB_X))});
        let key = load(&jwk).unwrap();
        assert_eq!(key.material, KeyMaterial::X25519 { x: hex(BOB_X).try_into().unwrap() });
        assert_eq!(key.private, Some(PrivateMaterial::X25519 { d: hex(BOB_D).try_into().unwrap() }));
        assert_eq!((key.kid.as_deref(), key.alg.as_deref()), (Some("Bob"), Some("ECDH-ES")));
        assert_eq!(key.material.kty(), "OKP");
        assert!(key.material.algorithms().is_empty(), "it verifies no signature");
        let public = key.public_jwk();
        assert_eq!(public["crv"], "X25519");
        assert!(!public.contains_key("d"));
        let Err(err) = key.verifier("EdDSA") else { panic!("an X25519 key verified EdDSA") };
        let err = err.to_string();
        assert!(err.contains("key-agreement"), "{err}");
        // The public half alone loads too (an encryption target).
        let public_only = load(&json!({"kty": "OKP", "crv": "X25519", "x": encode_b64url(&hex(BOB_X))})).unwrap();
        assert!(public_only.private.is_none());
        assert_eq!(public_only.thumbprint, key.thumbprint);
    }

    #[test]
    fn a_bad_x25519_jwk_is_refused_naming_the_member() {
        let d = encode_b64url(&hex(BOB_D));
        let wrong_x = encode_b64url(&[9; 32]);
        let err = load(&json!({"kty": "OKP", "crv": "X25519", "d": d, "x": wrong_x})).unwrap_err().to_string();
        assert!(err.contains("\"x\" does not match the private key \"d\""), "{err}");
        let err = load(&json!({"kty": "OKP", "crv": "X25519", "x": encode_b64url(&[9; 31])})).unwrap_err().to_string();
        assert!(err.contains("\"x\" must be 32 bytes"), "{err}");
        let err =
            load(&json!({"kty": "OKP", "crv": "X25519", "x": encode_b64url(&[9; 32]), "d": encode_b64url(&[1; 33])}))
                .unwrap_err()
                .to_string();
        assert!(err.contains("\"d\" must be 32 bytes"), "{err}");
        let err = load(&json!({"kty": "OKP", "crv": "X448", "x": "AA"})).unwrap_err().to_string();
        assert!(err.contains("X448 is not supported"), "{err}");
    }

    /// RFC 7520 §5.13 gives its three recipients' keys as a bare JSON array: read as a JWKS,
    /// each key with its place; an array of nothing usable says what it is.
    #[test]
    fn a_bare_array_of_jwks_is_read_as_a_key_set() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/vectors/rfc7520_cookbook/jwe/5_13.encrypting_to_multiple_recipients.json");
        let example: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let array = example["input"]["key"].to_string();
        let keys = super::super::load(array.as_bytes(), "5_13.jwk").unwrap();
        assert_eq!(keys.len(), 3);
        assert_eq!(keys[1].source, "5_13.jwk [keys 1]");
        assert_eq!(keys.iter().filter(|k| k.private.is_some()).count(), 2, "the RSA and EC private keys");
        assert!(matches!(keys[2].material, KeyMaterial::Oct { .. }), "and the AES key");
        let err = super::super::load(b"[1, 2]", "odd.json").unwrap_err().to_string();
        assert!(err.contains("[keys 0] not an object"), "{err}");
        let err = super::super::load(b"[]", "empty.json").unwrap_err().to_string();
        assert!(err.contains("the array has no keys"), "{err}");
    }
}
