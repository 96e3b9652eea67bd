//! One judgment through the binary: `verify` and `audit` agree on every token, `verify` names
//! the findings under a valid verdict and `--fail-on` fails on them, and `audit` judges the
//! signature when it is given keys, a JWT inside a cookie, and headers no verifier may accept.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use std::process::Output;

use common::{asset, code, key, obj, run, stdout};
use serde_json::{Value, json};
use tokenbench::core::engine::keys::{SecretEncoding, load_secret};
use tokenbench::core::engine::sign::sign;
use tokenbench::core::engine::token::encode_b64url;

const AT: &str = "1700000100";

fn ids(o: &Output) -> Vec<String> {
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_owned()).collect()
}

fn hs(secret: &[u8], claims: &Value) -> String {
    let k = load_secret(secret, SecretEncoding::Raw, "s").unwrap();
    sign(&obj(json!({"typ": "JWT"})), &obj(claims.clone()), "HS256", &k).unwrap()
}

fn rs(claims: &Value) -> String {
    sign(&obj(json!({"typ": "JWT"})), &obj(claims.clone()), "RS256", &key("rsa2048-pkcs8.pem")).unwrap()
}

fn rsa_public() -> String {
    asset("rsa2048-spki.pem").display().to_string()
}

/// A token signed with "secret" for ten years: `verify` says VALID, but names both, exits 0;
/// `--fail-on medium` and `--fail-on high` fail it; a clean token passes both.
#[test]
fn verify_names_the_findings_and_fail_on_gates_them() {
    let t = hs(b"secret", &json!({"sub": "a", "aud": "api", "iat": 1_700_000_000, "exp": 2_015_360_000}));
    let o = run(&["verify", "--at", AT, "--secret", "secret", &t]);
    assert_eq!(code(&o), 0, "validity decides the exit code: {}", stdout(&o));
    let text = stdout(&o);
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("VALID, but: the HMAC secret is in a public wordlist ("), "{first}");
    assert!(first.contains("lifetime 10.0 years (exp - iat)"), "{first}");
    assert!(!text.contains("every check passed"), "{text}");
    assert!(text.contains("\nFindings (medium and high"), "{text}");
    assert!(text.contains("[HIGH  ] weak-secret: ") && text.contains("[MEDIUM] long-lifetime: "), "{text}");
    for level in ["medium", "high"] {
        let o = run(&["verify", "--at", AT, "--secret", "secret", "--fail-on", level, &t]);
        assert_eq!(code(&o), 1, "--fail-on {level}");
    }
    let json: Value =
        serde_json::from_slice(&run(&["verify", "--json", "--at", AT, "--secret", "secret", &t]).stdout).unwrap();
    assert_eq!(json["valid"], true);
    assert!(json["findings"].as_array().unwrap().iter().any(|f| f["id"] == "weak-secret"), "{json}");

    // A clean RS256 token with a 15-minute life: nothing at medium or above.
    let clean = rs(&json!({"sub": "a", "aud": "api", "iat": 1_700_000_000, "exp": 1_700_000_900}));
    let o = run(&["verify", "--at", AT, "--key", &rsa_public(), "--fail-on", "medium", &clean]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).starts_with("VALID: "), "{}", stdout(&o));
    // Nothing was expected of alg and aud: named, never "every check passed".
    assert!(stdout(&o).lines().next().unwrap().ends_with("not checked (nothing expected): alg, aud"), "{}", stdout(&o));
    let o = run(&["verify", "--at", AT, "--key", &rsa_public(), "--iss", "x", "--fail-on", "bogus", &clean]);
    assert_eq!(code(&o), 2, "an unknown level is a usage error");
}

/// `audit` with the honest key flags what `verify` rejects: a claims-tampered RS256 token, and
/// every forgery `tokenbench forge` makes.
#[test]
fn audit_with_the_key_fails_every_forgery_verify_rejects() {
    let honest = rs(&json!({"sub": "a", "aud": "api", "iat": 1_700_000_000, "exp": 1_700_000_900}));
    let parts: Vec<&str> = honest.split('.').collect();
    let claims = encode_b64url(br#"{"sub":"admin","aud":"api","iat":1700000000,"exp":1700000900}"#);
    let tampered = format!("{}.{claims}.{}", parts[0], parts[2]);
    let o = run(&["audit", "--json", "--at", AT, "--key", &rsa_public(), &tampered]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert_eq!(ids(&o)[0], "bad-signature");
    // The honest token with its key: exit 0, no signature finding.
    let o = run(&["audit", "--json", "--at", AT, "--key", &rsa_public(), &honest]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    for attack in ["none", "none-case", "confusion", "embedded-jwk", "jku", "kid-traversal", "psychic", "tamper"] {
        let forged = run(&["forge", "--attack", attack, "--key", &rsa_public(), &honest]);
        let forged = stdout(&forged).trim().to_owned();
        let v = run(&["verify", "--at", AT, "--key", &rsa_public(), &forged]);
        let a = run(&["audit", "--json", "--at", AT, "--key", &rsa_public(), &forged]);
        assert_eq!((code(&v), code(&a)), (1, 1), "{attack}: {}", stdout(&a));
    }
    // The psychic signature is named even without a key.
    let psychic = stdout(&run(&["forge", "--attack", "psychic", &honest])).trim().to_owned();
    let o = run(&["audit", "--json", "--at", AT, &psychic]);
    assert_eq!(code(&o), 1);
    assert!(ids(&o).contains(&"psychic-signature".to_owned()), "{:?}", ids(&o));
}

/// Headers that `verify` rejects whatever the key fail the audit too.
#[test]
fn audit_fails_headers_no_verifier_may_accept() {
    for header in ["{}", r#"{"alg":""}"#, r#"{"alg":"none "}"#, r#"{"alg":null}"#] {
        let t = format!("{}.{}.AAAA", encode_b64url(header.as_bytes()), encode_b64url(br#"{"sub":"a"}"#));
        let a = run(&["audit", "--json", "--at", AT, &t]);
        let v = run(&["verify", "--at", AT, "--secret", "whatever-secret-of-32-bytes-or-so", &t]);
        assert_eq!((code(&a), code(&v)), (1, 1), "{header}: {}", stdout(&a));
        assert!(ids(&a).iter().any(|id| id == "alg-invalid" || id == "alg-none"), "{header}: {:?}", ids(&a));
    }
}

/// A well-flagged cookie carrying an unsigned or default-secret JWT is judged by its token.
#[test]
fn a_jwt_inside_a_cookie_is_audited_as_a_token() {
    let none = format!("{}.{}.", encode_b64url(br#"{"alg":"none"}"#), encode_b64url(br#"{"sub":"admin"}"#));
    let weak = hs(b"secret", &json!({"sub": "a", "aud": "api", "exp": 1_700_000_900}));
    for (value, id) in [(none, "alg-none"), (weak, "weak-secret")] {
        let cookie = format!("Set-Cookie: session={value}; HttpOnly; Secure; SameSite=Lax; Path=/");
        let o = run(&["audit", "--json", "--at", AT, "--cookie", &cookie]);
        assert_eq!(code(&o), 1, "{}", stdout(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let f = v["findings"].as_array().unwrap().iter().find(|f| f["id"] == id).unwrap();
        assert!(f["message"].as_str().unwrap().starts_with("the cookie \"session\" carries a JWT: "), "{f}");
    }
}

/// A ten-year token without iat or nbf is as long-lived as one with them.
#[test]
fn a_long_lifetime_without_iat_is_flagged() {
    let t = rs(&json!({"sub": "a", "aud": "api", "exp": 2_015_360_000}));
    let o = run(&["audit", "--json", "--at", AT, &t]);
    assert_eq!(code(&o), 1);
    assert!(ids(&o).contains(&"long-lifetime".to_owned()), "{:?}", ids(&o));
}

/// `{"alg":"none","alg":"HS256"}` reads as none to one parser and HS256 to another: refused by
/// verify (it used to be VALID) and by the audit.
#[test]
fn a_repeated_alg_is_refused_by_both_judges() {
    let k = load_secret(&[7; 32], SecretEncoding::Raw, "s").unwrap();
    let t = sign(&obj(json!({})), &obj(json!({"sub": "a", "aud": "api", "exp": 1_700_000_900})), "HS256", &k).unwrap();
    let parts: Vec<&str> = t.split('.').collect();
    let header = encode_b64url(br#"{"alg":"none","alg":"HS256"}"#);
    // The MAC over the new header, with the same secret: only the repeat is wrong.
    let input = format!("{header}.{}", parts[1]);
    let tag = {
        let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &[7; 32]);
        encode_b64url(aws_lc_rs::hmac::sign(&key, input.as_bytes()).as_ref())
    };
    let dup = format!("{input}.{tag}");
    let secret = encode_b64url(&[7; 32]);
    let v = run(&["verify", "--at", AT, "--secret-base64", &secret, &dup]);
    assert_eq!(code(&v), 1, "{}", stdout(&v));
    assert!(stdout(&v).contains("repeats \"alg\""), "{}", stdout(&v));
    let a = run(&["audit", "--json", "--at", AT, "--secret-base64", &secret, &dup]);
    assert_eq!(code(&a), 1);
    assert!(ids(&a).contains(&"alg-none".to_owned()) && ids(&a).contains(&"alg-invalid".to_owned()), "{:?}", ids(&a));
}

/// The JWS JSON serialization: the default verify refuses it, and the audit names it (medium,
/// exit 1) rather than calling its signature bad; a jku in its unprotected header is found.
#[test]
fn the_json_serialization_fails_both_judges_and_its_unprotected_header_is_read() {
    let t = rs(&json!({"sub": "a", "aud": "api", "iat": 1_700_000_000, "exp": 1_700_000_900}));
    let p: Vec<&str> = t.split('.').collect();
    let flat =
        json!({"payload": p[1], "protected": p[0], "header": {"jku": "https://evil.example/k"}, "signature": p[2]})
            .to_string();
    let v = run(&["verify", "--at", AT, "--key", &rsa_public(), &flat]);
    assert_eq!(code(&v), 1, "{} {}", stdout(&v), common::stderr(&v));
    let a = run(&["audit", "--json", "--at", AT, "--key", &rsa_public(), &flat]);
    assert_eq!(code(&a), 1, "{}", stdout(&a));
    let found = ids(&a);
    assert!(found.contains(&"json-serialization".to_owned()) && found.contains(&"header-jku".to_owned()), "{found:?}");
    assert!(!found.contains(&"bad-signature".to_owned()), "the signature does verify: {found:?}");
    // Accepted on purpose, it is valid, but the findings stand.
    let v = run(&[
        "verify",
        "--at",
        AT,
        "--allow-json-serialization",
        "--fail-on",
        "medium",
        "--key",
        &rsa_public(),
        &flat,
    ]);
    assert_eq!(code(&v), 1, "{}", stdout(&v));
    assert!(stdout(&v).starts_with("VALID, but: "), "{}", stdout(&v));
}

/// A JWE header no recipient may accept is high without a key.
#[test]
fn an_unacceptable_jwe_header_fails_the_audit() {
    let parts = ["", "AAAA", "AAAA", "AAAA", "AAAA"];
    for header in [
        r#"{"enc":"A128GCM"}"#,
        r#"{"alg":"RS256","enc":"A128GCM"}"#,
        r#"{"alg":"dir","enc":"A128GCM","crit":["zzz"],"zzz":1}"#,
    ] {
        let t = format!("{}{}", encode_b64url(header.as_bytes()), parts.join("."));
        let a = run(&["audit", "--json", "--at", AT, &t]);
        assert_eq!(code(&a), 1, "{header}: {}", stdout(&a));
        assert!(ids(&a).contains(&"alg-invalid".to_owned()), "{header}: {:?}", ids(&a));
    }
    // The RFC 7516 example wraps its key with RSA1_5, open to padding oracles: medium.
    let rfc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/samples/07-jwe-rfc7516.jwt")).unwrap();
    let a = run(&["audit", "--json", "--at", AT, rfc.trim()]);
    assert_eq!(code(&a), 1);
    assert!(ids(&a).contains(&"jwe-weak-alg".to_owned()), "{:?}", ids(&a));
}

/// One problem, one finding: the psychic signature stands for the bad signature; a weak key in
/// the set that did not verify the token is not this token's key.
#[test]
fn a_problem_is_one_finding_and_only_the_verifying_key_is_judged() {
    let honest = rs(&json!({"sub": "a", "aud": "api", "iat": 1_700_000_000, "exp": 1_700_000_900}));
    let psychic = stdout(&run(&["forge", "--attack", "psychic", &honest])).trim().to_owned();
    let ec = asset("ec-p256-spki.pem").display().to_string();
    let a = run(&["audit", "--json", "--at", AT, "--key", &ec, &psychic]);
    assert_eq!(
        ids(&a).iter().filter(|id| id.as_str() == "psychic-signature" || id.as_str() == "bad-signature").count(),
        1,
        "{:?}",
        ids(&a)
    );
    let weak = asset("rsa1024-pkcs8.pem").display().to_string();
    let v = run(&["verify", "--at", AT, "--fail-on", "high", "--key", &weak, "--key", &rsa_public(), &honest]);
    assert_eq!(code(&v), 0, "key #2 verified; key #1 is not this token's: {}", stdout(&v));
    // Given alone, the weak key is judged, the weakness first (the banner's short form).
    let a = run(&["audit", "--json", "--at", AT, "--key", &weak, &honest]);
    let v: Value = serde_json::from_slice(&a.stdout).unwrap();
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["id"] == "weak-key").unwrap().clone();
    let message = f["message"].as_str().unwrap();
    assert!(message.contains("1024") && !message.starts_with("the loaded key"), "{message}");
}

/// `--json` says why `--fail-on` failed a valid token.
#[test]
fn the_json_says_when_fail_on_tripped() {
    let t = hs(b"secret", &json!({"sub": "a", "aud": "api", "exp": 1_700_000_900}));
    let o = run(&["verify", "--json", "--at", AT, "--secret", "secret", "--fail-on", "high", &t]);
    assert_eq!(code(&o), 1);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((v["valid"].clone(), v["fail_on"].clone()), (json!(true), json!({"level": "high", "failed": true})));
}

/// A kid that names a loaded key of another type pins that key: no other key verifies in its
/// place, and the message names the key, never "no loaded key has kid".
#[test]
fn a_kid_naming_an_incompatible_key_is_not_served_by_another() {
    let dir = std::env::temp_dir().join(format!("tokenbench-kid-pin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jwks = dir.join("set.json");
    let mut rsa = key("rsa2048-pkcs8.pem").public_jwk();
    rsa.insert("kid".into(), json!("B"));
    let mut p256 = key("ec-p256-pkcs8.pem").public_jwk();
    p256.insert("kid".into(), json!("A"));
    std::fs::write(&jwks, json!({"keys": [p256, rsa]}).to_string()).unwrap();
    let t = sign(
        &obj(json!({"kid": "A"})),
        &obj(json!({"sub": "a", "aud": "api", "exp": 1_700_000_900})),
        "RS256",
        &key("rsa2048-pkcs8.pem"),
    )
    .unwrap();
    let v = run(&["verify", "--at", AT, "--key", &jwks.display().to_string(), &t]);
    assert_eq!(code(&v), 1, "{}", stdout(&v));
    assert!(stdout(&v).contains("the key with kid \"A\" (key #1"), "{}", stdout(&v));
    assert!(!stdout(&v).contains("no loaded key has kid"), "{}", stdout(&v));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every token of a URL is judged: an alg-none ID token beside a good access token fails the
/// audit, and a token in a reset link's path is found.
#[test]
fn every_token_in_a_url_is_judged() {
    let ok = rs(&json!({"sub": "a", "aud": "api", "iat": 1_700_000_000, "exp": 1_700_000_900}));
    let none = format!("{}.{}.", encode_b64url(br#"{"alg":"none"}"#), encode_b64url(br#"{"sub":"admin"}"#));
    let o = run(&[
        "audit",
        "--json",
        "--at",
        AT,
        "--key",
        &rsa_public(),
        &format!("https://x/cb#access_token={ok}&id_token={none}"),
    ]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let alg_none =
        v["findings"].as_array().unwrap().iter().find(|f| f["id"] == "alg-none").expect("the ID token judged");
    assert!(
        alg_none["message"].as_str().unwrap().starts_with("the token in the URL's fragment parameter \"id_token\": "),
        "{alg_none}"
    );
    let o = run(&["audit", "--json", "--at", AT, &format!("https://x/reset/{none}/confirm")]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let in_url = v["findings"].as_array().unwrap().iter().find(|f| f["id"] == "token-in-url").unwrap();
    assert!(in_url["message"].as_str().unwrap().contains("the URL's path, after /reset/"), "{in_url}");
}

/// The public key's own file (PKCS#1 PEM, certificate, JWK) MACs a forgery as surely as its SPKI
/// form: FORGERY with the file given as --key; an oct JWK whose k is those bytes never verifies.
#[test]
fn forgeries_from_the_key_file_as_loaded_are_named() {
    let honest = rs(&json!({"sub": "a", "aud": "api", "iat": 1_700_000_000, "exp": 1_700_000_900}));
    for file in ["rsa2048-pkcs1-public.pem", "rsa2048-cert.pem"] {
        let path = asset(file).display().to_string();
        let forged = stdout(&run(&["forge", "--attack", "confusion", "--key", &path, &honest])).trim().to_owned();
        let v = run(&["verify", "--at", AT, "--key", &path, &forged]);
        assert_eq!(code(&v), 1, "{file}");
        assert!(stdout(&v).starts_with("FORGERY: algorithm confusion"), "{file}: {}", stdout(&v));
        let a = run(&["audit", "--json", "--at", AT, "--key", &path, &forged]);
        assert!(ids(&a).first().is_some_and(|id| id == "alg-confusion"), "{file}: {:?}", ids(&a));
    }
    let pem = std::fs::read(asset("rsa2048-spki.pem")).unwrap();
    let dir = std::env::temp_dir().join(format!("tokenbench-oct-pem-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jwk = dir.join("oct.jwk");
    std::fs::write(&jwk, json!({"kty": "oct", "k": encode_b64url(&pem)}).to_string()).unwrap();
    let forged = stdout(&run(&["forge", "--attack", "confusion", "--key", &rsa_public(), &honest])).trim().to_owned();
    let v = run(&["verify", "--at", AT, "--key", &jwk.display().to_string(), &forged]);
    assert_eq!(code(&v), 1, "{}", stdout(&v));
    assert!(stdout(&v).starts_with("FORGERY: algorithm confusion"), "{}", stdout(&v));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A JWT cookie value percent-encoded with a Bearer prefix is judged as the server reads it.
#[test]
fn a_percent_encoded_jwt_cookie_is_judged() {
    let none = format!("{}.{}.", encode_b64url(br#"{"alg":"none"}"#), encode_b64url(br#"{"sub":"admin"}"#));
    let cookie = format!("Set-Cookie: session=Bearer%20{}; HttpOnly; Secure; SameSite=Lax", none.replace('.', "%2E"));
    let o = run(&["audit", "--json", "--at", AT, "--cookie", &cookie]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(ids(&o).contains(&"alg-none".to_owned()), "{:?}", ids(&o));
}

/// The text says why --fail-on failed a valid token.
#[test]
fn the_text_says_when_fail_on_tripped() {
    let t = hs(b"secret", &json!({"sub": "a", "aud": "api", "exp": 1_700_000_900}));
    let o = run(&["verify", "--at", AT, "--secret", "secret", "--fail-on", "high", &t]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).trim_end().ends_with("Failed: --fail-on high: a finding of high severity or worse stands"),
        "{}",
        stdout(&o)
    );
}
