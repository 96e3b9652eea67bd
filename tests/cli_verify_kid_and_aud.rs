//! `tokenbench verify` and kids and audiences: a kid no loaded key has is named as such (not
//! blamed on the keys tried in its place), and `--aud` takes several accepted audiences.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tokenbench::core::engine::keys;
use tokenbench::core::engine::sign::sign;

mod common;
use common::{asset, obj, run, stdout};

const AT: &str = "1700000000";

/// An RS256 token from the sample RSA private key, under `kid`, valid at `AT`.
fn rs256(kid: &str) -> String {
    let key = keys::load_file(&asset("rsa2048-pkcs8.pem")).unwrap().remove(0);
    let claims = obj(json!({"sub": "alice", "aud": ["api", "web"], "iat": 1_699_999_940, "exp": 1_700_003_540}));
    sign(&obj(json!({"kid": kid})), &claims, "RS256", &key).unwrap()
}

/// A JWK file of another RSA key (the 9216-bit fixture) under `kid`.
fn other_key_with_kid(kid: &str) -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rsa9216.spki.pem");
    let mut jwk = keys::load_file(&fixture).unwrap().remove(0).public_jwk();
    jwk.insert("kid".into(), json!(kid));
    let path = std::env::temp_dir().join(format!("tokenbench-other-{kid}-{}.jwk", std::process::id()));
    std::fs::write(&path, Value::Object(jwk).to_string()).unwrap();
    path
}

#[test]
fn a_kid_no_loaded_key_has_is_named_with_exit_1() {
    // The token's key is not loaded: another RSA key, under another kid, is.
    let token = rs256("removed-key");
    let other = other_key_with_kid("another-key");
    let o = run(&["verify", "--at", AT, "--key", other.to_str().unwrap(), &token]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let first = stdout(&o).lines().next().unwrap_or_default().to_owned();
    assert!(first.starts_with("NO MATCHING KEY: no loaded key has kid \"removed-key\""), "{first}");
    assert!(first.contains("1 other compatible key was tried"), "{first}");
    let o = run(&["verify", "--json", "--at", AT, "--key", other.to_str().unwrap(), &token]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["signature"], "no_matching_key", "{v}");
    assert_eq!(v["selection"], "kid_fallback", "{v}");
    assert_eq!(v["attempts"][0]["outcome"], "wrong_signature", "the other key was still tried: {v}");

    // A key without a kid may be the token's own key: failing with it is an invalid signature,
    // with a warning that the kid selected nothing.
    let kidless = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rsa9216.spki.pem");
    let o = run(&["verify", "--json", "--at", AT, "--key", kidless.to_str().unwrap(), &token]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["signature"], "invalid", "{v}");
    assert!(v["warnings"].to_string().contains("no loaded key has kid \\\"removed-key\\\""), "{v}");

    // With the right key loaded too it is valid (the key file has no kid: found by trying).
    let public = asset("rsa2048-spki.pem");
    let o = run(&["verify", "--at", AT, "--key", other.to_str().unwrap(), "--key", public.to_str().unwrap(), &token]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let _ = std::fs::remove_file(other);
}

#[test]
fn aud_is_repeatable_and_any_one_must_match() {
    let token = rs256("k");
    let public = asset("rsa2048-spki.pem");
    let key = public.to_str().unwrap();
    let verify = |auds: &[&str]| {
        let mut args = vec!["verify", "--at", AT, "--key", key];
        for a in auds {
            args.extend(["--aud", a]);
        }
        args.push(&token);
        run(&args)
    };
    assert_eq!(verify(&["billing", "web"]).status.code(), Some(0), "web is in aud");
    let o = verify(&["billing", "admin"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains(r#"does not include one of ["billing", "admin"]"#), "{}", stdout(&o));
    let o = verify(&["billing"]);
    assert!(stdout(&o).contains(r#"does not include "billing""#), "one audience reads as before: {}", stdout(&o));
}
