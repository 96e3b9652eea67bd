//! Lints: what is weak or contradictory about one key, and across the keys of one input.

use std::collections::HashMap;

use super::modulus::is_roca_vulnerable;
use super::{Key, KeyMaterial, bit_len, kty_for_alg};

pub(super) fn metadata_warnings(key: &Key) -> Vec<String> {
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
            None => match jwe_kty(alg) {
                Some(kty) if kty.contains(&key.material.kty()) => {}
                Some(kty) => w.push(format!(
                    "the key says \"alg\": {alg:?}, which needs a {} key, but this is a {} key",
                    kty.join(" or "),
                    key.material.kty()
                )),
                None => {
                    w.push(format!(
                        "\"alg\": {alg:?} is neither a JWS nor a JWE algorithm (RFC 7518 §3.1, §4.1, §5.1)"
                    ));
                }
            },
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

/// The key types a JWE algorithm takes (a `dir` key may name its `enc`), or `None` when `alg`
/// is no JWE algorithm.
fn jwe_kty(alg: &str) -> Option<&'static [&'static str]> {
    use crate::core::engine::jwe::{SUPPORTED_CONTENT_ALGORITHMS, SUPPORTED_KEY_ALGORITHMS};
    if alg.starts_with("RSA") && SUPPORTED_KEY_ALGORITHMS.contains(&alg) {
        Some(&["RSA"])
    } else if alg.starts_with("ECDH-ES") && SUPPORTED_KEY_ALGORITHMS.contains(&alg) {
        Some(&["EC", "OKP"])
    } else if SUPPORTED_KEY_ALGORITHMS.contains(&alg) || SUPPORTED_CONTENT_ALGORITHMS.contains(&alg) {
        Some(&["oct"])
    } else {
        None
    }
}

/// True for a key published for encryption (`use: enc`, or a JWE `alg`): an `oct` one is an
/// AES key, not an HMAC secret.
pub(super) fn for_encryption(key: &Key) -> bool {
    key.key_use.as_deref() == Some("enc") || key.alg.as_deref().is_some_and(|a| jwe_kty(a).is_some())
}

pub(super) fn intrinsic_warnings(material: &KeyMaterial) -> Vec<String> {
    judged(material).into_iter().map(|(_, w)| w).collect()
}

/// The warnings of [`intrinsic_warnings`] that make the key breakable (an RSA modulus under
/// 2048 bits, the ROCA fingerprint, an HMAC secret under 256 bits), in the same words.
pub(super) fn weaknesses(material: &KeyMaterial) -> Vec<String> {
    judged(material).into_iter().filter_map(|(weak, w)| weak.then_some(w)).collect()
}

/// Each intrinsic warning, with whether it makes the key breakable.
fn judged(material: &KeyMaterial) -> Vec<(bool, String)> {
    let mut w = Vec::new();
    match material {
        KeyMaterial::Rsa { n, e } => {
            let bits = bit_len(n);
            if bits < 2048 {
                w.push((true, format!("RSA modulus is {bits} bits; RFC 7518 §3.3 requires at least 2048")));
            }
            if e.as_slice() != [1, 0, 1] {
                w.push((false, format!("RSA public exponent is {}, not the usual 65537", be_to_string(e))));
            }
            if is_roca_vulnerable(n) {
                w.push((
                    true,
                    "this RSA key has the ROCA fingerprint (CVE-2017-15361, Infineon keys): its private key can be \
                     recovered; replace it"
                        .into(),
                ));
            }
        }
        KeyMaterial::Oct { k } if k.len() < 32 => {
            w.push((
                true,
                format!(
                    "HMAC secret is {} bits; HS256 needs at least 256 (RFC 7518 §3.2) and is brute-forceable when \
                     short",
                    k.len() * 8
                ),
            ));
        }
        _ => {}
    }
    w
}

/// Lints across the keys of one input (a JWKS or a PEM bundle). What concerns the set is said
/// once, on its first key; duplicate kids are found with a map (a 100,000-key set took 40 s
/// with pairwise comparison).
pub(super) fn lint_set(keys: &mut [Key]) {
    if keys.len() < 2 {
        return;
    }
    // HMAC secrets, that is: an AES key of a JWE key set confuses no signature verifier.
    let has_secret = keys.iter().any(|k| matches!(k.material, KeyMaterial::Oct { .. }) && !for_encryption(k));
    let has_asym = keys.iter().any(|k| !matches!(k.material, KeyMaterial::Oct { .. }));
    let has_private = keys.iter().any(|k| k.private.is_some());
    let has_public_only = keys.iter().any(|k| k.private.is_none() && !matches!(k.material, KeyMaterial::Oct { .. }));
    let mut set_warnings = Vec::new();
    if has_secret && has_asym {
        set_warnings.push(
            "this key set mixes HMAC secrets with asymmetric keys: a verifier that picks keys by kid alone can be \
             tricked into algorithm confusion"
                .to_owned(),
        );
    }
    if has_private && has_public_only {
        set_warnings.push("this key set mixes private and public keys".to_owned());
    }
    let mut kid_count: HashMap<&str, usize> = HashMap::with_capacity(keys.len());
    for kid in keys.iter().filter_map(|k| k.kid.as_deref()) {
        *kid_count.entry(kid).or_default() += 1;
    }
    let shared: Vec<bool> = keys.iter().map(|k| k.kid.as_deref().is_some_and(|kid| kid_count[kid] > 1)).collect();
    for (key, shared) in keys.iter_mut().zip(shared) {
        if shared {
            let kid = key.kid.clone().unwrap_or_default();
            key.warnings.push(format!("another key in the same set has the same kid {kid:?}: selection is ambiguous"));
        }
    }
    keys[0].warnings.extend(set_warnings);
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

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::is_roca_vulnerable;

    fn asset(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/assets/keys/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn one(name: &str) -> Key {
        let mut keys = load(&asset(name), name).unwrap();
        assert_eq!(keys.len(), 1, "{name}");
        keys.remove(0)
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
    fn bit_length_and_roca_negative() {
        assert_eq!(bit_len(&[0, 0x01, 0xff]), 9);
        let k = one("rsa2048-spki.pem");
        let KeyMaterial::Rsa { n, .. } = &k.material else { panic!() };
        assert!(!is_roca_vulnerable(n));
    }

    /// A JWE key set (RFC 7520 §5.13's: RSA and EC keys and an AES key, all `use: enc`) is
    /// linted as one: JWE algorithms are no strangers, the AES key is no HMAC secret, and a
    /// JWE alg on the wrong key type is named.
    #[test]
    fn a_jwe_key_set_is_linted_as_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/vectors/rfc7520_cookbook/jwe/5_13.encrypting_to_multiple_recipients.json");
        let example: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let keys = crate::core::engine::keys::load(example["input"]["key"].to_string().as_bytes(), "5_13").unwrap();
        let all: Vec<&String> = keys.iter().flat_map(|k| &k.warnings).collect();
        assert!(!all.iter().any(|w| w.contains("mixes HMAC secrets")), "{all:?}");
        assert!(!all.iter().any(|w| w.contains("is not a JWS") || w.contains("neither a JWS")), "{all:?}");
        assert_eq!(keys[2].kind(), "AES key (256 bits)");
        let misfit = r#"{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAA","alg":"RSA-OAEP-256"}"#;
        let key = crate::core::engine::keys::load(misfit.as_bytes(), "misfit").unwrap().remove(0);
        assert!(
            key.warnings.iter().any(|w| w.contains("which needs a RSA key, but this is a oct key")),
            "{:?}",
            key.warnings
        );
        let odd = r#"{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAA","alg":"XYZ"}"#;
        let key = crate::core::engine::keys::load(odd.as_bytes(), "odd").unwrap().remove(0);
        assert!(key.warnings.iter().any(|w| w.contains("neither a JWS nor a JWE algorithm")), "{:?}", key.warnings);
    }
}
