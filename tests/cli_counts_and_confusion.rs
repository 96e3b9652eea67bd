//! The command line's side of what the window shows: the `alg-confusion` audit finding, crack
//! rates only for runs long enough to measure, and counts written in the right number.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use serde_json::{Value, json};
use tokenbench::core::engine::keys::{self, SecretEncoding};
use tokenbench::core::engine::sign::sign;

mod common;
use common::{asset, obj, run};

fn hs256(secret: &[u8], header: Value) -> String {
    let k = keys::load_secret(secret, SecretEncoding::Raw, "t").unwrap();
    sign(&obj(header), &obj(json!({"sub": "admin", "aud": "api", "exp": 4_000_000_000u64})), "HS256", &k).unwrap()
}

#[test]
fn audit_finds_the_confusion_forgery_with_the_public_key() {
    let pem = asset("rsa2048-spki.pem");
    let forged = hs256(&std::fs::read(&pem).unwrap(), json!({"typ": "JWT"}));
    let o = run(&["audit", "--json", "--key", pem.to_str().unwrap(), &forged]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!((f["id"].as_str(), f["severity"].as_str()), (Some("alg-confusion"), Some("high")), "{v}");
    assert!(f["message"].as_str().unwrap().contains("PEM of key #1"), "{f}");
    // Without the public key there is nothing to prove it with.
    let o = run(&["audit", "--json", &forged]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!v.to_string().contains("alg-confusion"), "{v}");
    // `verify` names the same forgery with the same key.
    let o = run(&["verify", "--json", "--key", pem.to_str().unwrap(), &forged]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["warnings"].to_string().contains("algorithm confusion: the token's HS256 MAC verifies"), "{v}");
}

#[test]
fn a_tiny_crack_gives_no_rate_and_counts_in_the_right_number() {
    let dir = std::env::temp_dir().join(format!("tokenbench-cli-ux-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("one.txt");
    std::fs::write(&list, "hunter2\n").unwrap();
    let t = hs256(b"hunter2", json!({}));
    let o = run(&["crack", "--threads", "1", "--wordlist", list.to_str().unwrap(), &t]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("too short to rate") && err.contains("1 thread)"), "{err}");
    assert!(!err.contains("(s)") && !err.contains("/s,"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn verify_counts_keys_in_the_right_number() {
    let t = hs256(b"0123456789abcdef0123456789abcdef", json!({}));
    let o = run(&["verify", "--secret", "another-secret-of-32-bytes-long!", &t]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(text.contains("any of the 1 compatible key") || text.contains("the 1 compatible key"), "{text}");
    assert!(!text.contains("(s)"), "{text}");
}
