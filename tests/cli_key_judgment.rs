//! Issue 15, "one judgment", through the binary: a public key given as the HMAC secret is the
//! proven algorithm-confusion forgery and never verifies; an HMAC token merely aimed at a public
//! key is not called a forgery; RSA keys anyone can factor, or with an exponent no verifier
//! takes, are refused alike by `key inspect` and `verify`; a wordlist's byte-order mark does not
//! hide its first word from `crack` or `audit`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::path::PathBuf;

use serde_json::{Value, json};
use tokenbench::core::engine::keys::{self, SecretEncoding};
use tokenbench::core::engine::sign::sign;

mod common;
use common::{asset, code, obj, run, stderr, stdout, temp};

const AT: &str = "1700000000";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// An HS256 token with `secret` as its HMAC key and `header` in its header.
fn hs256(secret: &[u8], header: Value) -> String {
    let k = keys::load_secret(secret, SecretEncoding::Raw, "forger").unwrap();
    sign(&obj(header), &obj(json!({"sub": "admin", "exp": 4_102_444_800_u64})), "HS256", &k).unwrap()
}

#[test]
fn the_public_key_file_as_the_secret_is_the_proven_forgery() {
    let pem_path = asset("rsa2048-spki.pem");
    let pem = pem_path.to_str().unwrap();
    let forged = hs256(&std::fs::read(&pem_path).unwrap(), json!({}));
    // `--secret=`: a value that starts with dashes would be read as an option.
    let text = format!("--secret={}", std::fs::read_to_string(&pem_path).unwrap());
    for args in [
        vec!["verify", "--at", AT, "--key", pem, "--secret-file", pem, &forged],
        vec!["verify", "--at", AT, "--secret-file", pem, &forged],
        vec!["verify", "--at", AT, &text, &forged],
    ] {
        let o = run(&args);
        assert_eq!(code(&o), 1, "{args:?}: {}", stdout(&o));
        assert!(stdout(&o).starts_with("FORGERY: algorithm confusion"), "{args:?}: {}", stdout(&o));
    }
    let o = run(&["verify", "--json", "--at", AT, "--key", pem, "--secret-file", pem, &forged]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(
        (v["attempts"][0]["outcome"].as_str(), v["attempts"][1]["outcome"].as_str()),
        (Some("skipped"), Some("rejected"))
    );
    let reason = v["attempts"][1]["reason"].as_str().unwrap();
    assert!(reason.contains("PEM SPKI public key (RSA 2048)") && reason.contains("RFC 8725 §2.1"), "{reason}");
}

#[test]
fn an_hmac_token_aimed_at_a_public_key_is_not_called_a_forgery() {
    let jwks = asset("sample-jwks.json");
    let token = hs256(b"a secret that is not any public key", json!({"kid": "sample-rsa-2048"}));
    let o = run(&["verify", "--at", AT, "--key", jwks.to_str().unwrap(), &token]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.starts_with("NO MATCHING KEY: no HMAC secret loaded"), "{out}");
    assert!(!out.contains("FORGERY"), "{out}");
    assert!(out.contains("what the algorithm-confusion forgery looks like"), "{out}");
}

/// Each fixture comes with an RS256 token forged from the public key alone (see
/// tests/fixtures/make-broken-rsa.py); the key is refused, so nothing verifies with it.
#[test]
fn rsa_keys_anyone_can_factor_are_refused_by_inspect_and_verify() {
    for (name, says) in [
        ("rsa-prime-modulus", "the RSA modulus is a prime number"),
        ("rsa-factor3-modulus", "the RSA modulus is divisible by 3: not a product of two large primes"),
        ("rsa-41-bit-exponent", "the RSA public exponent is a 41-bit number; verifiers accept at most 33 bits"),
    ] {
        let jwk = fixture(&format!("{name}.jwk"));
        let token = format!("@{}", fixture(&format!("{name}.jwt")).display());
        let o = run(&["verify", "--at", AT, "--key", jwk.to_str().unwrap(), &token]);
        assert_eq!(code(&o), 2, "{name}: {}", stdout(&o));
        assert!(stderr(&o).contains(says), "{name}: {}", stderr(&o));
        let o = run(&["key", "inspect", jwk.to_str().unwrap()]);
        assert_eq!(code(&o), 2, "{name}: {}", stdout(&o));
        assert!(stderr(&o).contains(says), "{name}: {}", stderr(&o));
    }
    let o = run(&["key", "inspect", fixture("rsa-roca.jwk").to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stderr(&o).contains("ROCA fingerprint"), "{}", stderr(&o));
}

#[test]
fn a_wordlist_with_a_byte_order_mark_gives_up_its_first_word() {
    let list = temp("bom.txt");
    std::fs::write(&list, b"\xef\xbb\xbfcorp-2019-signing\r\nsomething else\r\n").unwrap();
    let token = hs256(b"corp-2019-signing", json!({"typ": "JWT"}));
    let o = run(&["crack", "--json", "--wordlist", list.to_str().unwrap(), &token]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["secret"], "corp-2019-signing");
    let o = run(&["audit", "--json", "--at", AT, "--wordlist", list.to_str().unwrap(), &token]);
    std::fs::remove_file(&list).unwrap();
    assert!(stdout(&o).contains("\\\"corp-2019-signing\\\", found in the given wordlist"), "{}", stdout(&o));
}
