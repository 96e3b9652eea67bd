//! Issue 15, "one judgment", through the binary: RSA keys anyone can factor, or with an exponent no
//! verifier takes, are refused alike by `key inspect` and `verify`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::path::PathBuf;
use std::process::Output;

mod common;
use common::{code, run, stderr};

const AT: &str = "1700000000";

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
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
