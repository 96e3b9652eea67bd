//! The judgment's contract: what `audit` with keys, `verify` and the banner agree on.

use super::*;
use crate::core::engine::keys::{self, SecretEncoding, load_secret};
use crate::core::engine::token::{JsonObject, parse};

fn asset(path: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn sign(header: &str, claims: &str, alg: &str, key: &crate::core::engine::keys::Key) -> Token {
    let header: JsonObject = serde_json::from_str(header).unwrap();
    let claims: JsonObject = serde_json::from_str(claims).unwrap();
    parse(&crate::core::engine::sign::sign(&header, &claims, alg, key).unwrap()).unwrap()
}

fn judged(token: &Token, keys: &[crate::core::engine::keys::Key], now: f64) -> Judgment {
    let opts = TokenAuditOptions { keys, now, ..TokenAuditOptions::default() };
    judge(token, &Policy::default(), &opts).unwrap()
}

fn ids(j: &Judgment) -> Vec<&'static str> {
    j.findings.iter().map(|f| f.id).collect()
}

/// A token signed with "secret" for ten years is valid, but never green: the title names the
/// wordlist hit and the lifetime.
#[test]
fn a_valid_token_with_concerns_is_cautioned_and_names_them() {
    let key = load_secret(b"secret", SecretEncoding::Utf8, "s").unwrap();
    let t = sign("{}", r#"{"sub":"a","aud":"api","iat":1700000000,"exp":2015360000}"#, "HS256", &key);
    let j = judged(&t, std::slice::from_ref(&key), 1_700_000_100.0);
    assert!(j.verification.valid);
    assert!(j.cautioned());
    let title = j.title();
    assert!(title.starts_with("VALID, but: the HMAC secret is in a public wordlist ("), "{title}");
    assert!(title.contains("; lifetime 10.0 years (exp - iat)"), "{title}");
    assert!(!j.summary().contains("every check passed"), "{}", j.summary());
    assert_eq!(ids(&j).iter().filter(|id| **id == "weak-secret").count(), 1, "one weak secret, one finding: {j:?}");
}

/// Audit with the key judges the signature: a claims-tampered RS256 token is a high finding.
#[test]
fn audit_with_keys_flags_a_tampered_signature() {
    let private = keys::load_file(&asset("assets/keys/rsa2048-pkcs8.pem")).unwrap();
    let t = sign("{}", r#"{"sub":"a","aud":"api","exp":1700000900,"iat":1700000000}"#, "RS256", &private[0]);
    let parts: Vec<&str> = t.text.split('.').collect();
    let other =
        crate::core::engine::token::encode_b64url(br#"{"sub":"admin","aud":"api","exp":1700000900,"iat":1700000000}"#);
    let tampered = parse(&format!("{}.{other}.{}", parts[0], parts[2])).unwrap();
    let public = keys::load_file(&asset("assets/keys/rsa2048-spki.pem")).unwrap();
    let j = judged(&tampered, &public, 1_700_000_100.0);
    assert!(!j.verification.valid);
    let bad = j.findings.iter().find(|f| f.id == "bad-signature").expect("bad signature");
    assert_eq!(bad.severity, Severity::High);
    assert!(audit::any_failing(&j.findings));
    // The genuine one: no signature finding, and nothing failing.
    let j = judged(&t, &public, 1_700_000_100.0);
    assert!(j.verification.valid && !audit::any_failing(&j.findings), "{:?}", j.findings);
    // Without keys: said once, as info.
    let j = judged(&tampered, &[], 1_700_000_100.0);
    assert_eq!(ids(&j).iter().filter(|id| **id == "signature-not-judged").count(), 1);
    assert!(!audit::any_failing(&j.findings), "{:?}", j.findings);
}

/// Headers no verifier may accept are high findings with or without keys.
#[test]
fn unusable_algorithms_are_high_findings() {
    for header in ["{}", r#"{"alg":""}"#, r#"{"alg":"none "}"#, r#"{"alg":null}"#, r#"{"alg":"NONE"}"#] {
        let h = crate::core::engine::token::encode_b64url(header.as_bytes());
        let t = parse(&format!("{h}.eyJzdWIiOiJhIn0.AAAA")).unwrap();
        let j = judged(&t, &[], 0.0);
        assert!(audit::any_failing(&j.findings), "{header}: {:?}", j.findings);
        assert!(ids(&j).iter().any(|id| SIGNATURE_IDS.contains(id)), "{header}: {:?}", j.findings);
    }
}

/// The all-zero ES256 signature is named without a key, and fails the audit.
#[test]
fn the_psychic_signature_is_found_without_keys() {
    let h = crate::core::engine::token::encode_b64url(br#"{"alg":"ES256"}"#);
    let sig = crate::core::engine::token::encode_b64url(&[0; 64]);
    let t = parse(&format!("{h}.eyJzdWIiOiJhIn0.{sig}")).unwrap();
    let j = judged(&t, &[], 0.0);
    assert!(ids(&j).contains(&"psychic-signature"), "{:?}", j.findings);
    assert_eq!(psychic_signature(&t), Some("r and s are"));
}

/// A token without iat or nbf whose exp is ten years away is as long-lived as one with them.
#[test]
fn long_lifetime_is_judged_from_the_clock_without_iat() {
    let key = load_secret(&[7; 32], SecretEncoding::Raw, "k").unwrap();
    let t = sign("{}", r#"{"sub":"a","aud":"x","exp":2015360000}"#, "HS256", &key);
    let j = judged(&t, std::slice::from_ref(&key), 1_700_000_000.0);
    let f = j.findings.iter().find(|f| f.id == "long-lifetime").expect("long lifetime");
    assert!(f.message.contains("from the clock's now"), "{}", f.message);
}

/// An x5c header is named as jwk, jku and x5u are.
#[test]
fn an_embedded_certificate_chain_is_flagged() {
    let key = load_secret(&[7; 32], SecretEncoding::Raw, "k").unwrap();
    let t = sign(r#"{"x5c":["MIIB"]}"#, r#"{"sub":"a","aud":"x","exp":1700000900}"#, "HS256", &key);
    let j = judged(&t, std::slice::from_ref(&key), 1_700_000_000.0);
    assert!(ids(&j).contains(&"header-x5c"), "{:?}", j.findings);
}

mod agreement {
    use proptest::prelude::*;

    use super::*;

    /// The keys the property signs and verifies with: an HMAC secret, an RSA and an EC key
    /// (private, so they sign and verify).
    fn keys() -> Vec<crate::core::engine::keys::Key> {
        let mut out = vec![load_secret(&[42; 32], SecretEncoding::Raw, "hs").unwrap()];
        out.extend(keys::load_file(&asset("assets/keys/rsa2048-pkcs8.pem")).unwrap());
        out.extend(keys::load_file(&asset("assets/keys/ec-p256-pkcs8.pem")).unwrap());
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        /// For random tokens, keys, damage and clocks: `audit` with keys reports a signature
        /// finding of high severity exactly when `verify` rejects the signature.
        #[test]
        fn audit_with_keys_flags_the_signature_exactly_when_verify_rejects_it(
            signer in 0usize..3,
            verifier in 0usize..3,
            damage in 0u8..4,
            iat in 1_600_000_000i64..1_900_000_000,
            life in 1i64..400_000_000,
            clock in 1_500_000_000f64..2_400_000_000.0,
            sub in "[a-z]{1,12}",
        ) {
            let all = keys();
            let alg = ["HS256", "RS256", "ES256"][signer];
            let claims = format!(r#"{{"sub":"{sub}","aud":"api","iat":{iat},"exp":{}}}"#, iat + life);
            let t = sign("{}", &claims, alg, &all[signer]);
            let parts: Vec<&str> = t.text.split('.').collect();
            let text = match damage {
                // A claim changed under the old signature.
                1 => format!("{}.{}.{}", parts[0], crate::core::engine::token::encode_b64url(claims.replace(&sub, "admin").as_bytes()), parts[2]),
                // One bit of the signature flipped.
                2 => {
                    let mut sig = crate::core::engine::token::decode_b64url(parts[2]).unwrap();
                    sig[0] ^= 1;
                    format!("{}.{}.{}", parts[0], parts[1], crate::core::engine::token::encode_b64url(&sig))
                }
                // The alg swapped for another the key could have.
                3 => format!("{}.{}.{}", crate::core::engine::token::encode_b64url(format!(r#"{{"alg":"{}"}}"#, ["HS384", "RS384", "PS256"][signer]).as_bytes()), parts[1], parts[2]),
                _ => t.text.clone(),
            };
            let token = parse(&text).unwrap();
            let given = [all[verifier].clone()];
            let opts = TokenAuditOptions { keys: &given, now: clock, ..TokenAuditOptions::default() };
            let findings = audit::audit_token(&token, &opts).unwrap();
            let flagged = findings.iter().any(|f| SIGNATURE_IDS.contains(&f.id) && f.severity == Severity::High);
            let v = verify::verify(&token, &given, &Policy::default(), clock);
            prop_assert_eq!(flagged, v.signature != verify::SignatureVerdict::Valid, "{:?} / {}", findings, v.summary());
        }
    }
}
