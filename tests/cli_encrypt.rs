//! `tokenbench encrypt`: what the built binary prints decrypts with the library's `decrypt` to
//! the plaintext given (literal, `@FILE`, stdin), for key files, secrets and passwords; every
//! unusable input exits 2 with a message naming the flag, and prints nothing on stdout.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{asset, code, key, run, stderr, stdout, temp};
use serde_json::{Value, json};
use tokenbench::core::engine::jwe::decrypt;
use tokenbench::core::engine::keys::{self, Key};
use tokenbench::core::engine::token::{decode_b64url, encode_b64url};

fn path(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

/// The protected header of a compact JWE.
fn header(jwe: &str) -> Value {
    serde_json::from_slice(&decode_b64url(jwe.split('.').next().unwrap()).unwrap()).unwrap()
}

/// Runs `tokenbench encrypt ARGS`, expects exit 0 and one JWE line, and returns it.
fn encrypt_ok(args: &[&str]) -> String {
    let mut all = vec!["encrypt"];
    all.extend_from_slice(args);
    let o = run(&all);
    assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
    let out = stdout(&o);
    assert!(out.ends_with('\n') && out.matches('\n').count() == 1, "{out:?}");
    assert_eq!(out.trim_end().split('.').count(), 5, "{out}");
    out.trim_end().to_owned()
}

/// A fresh X25519 private key as a JWK file; returns (its path, the loaded key).
fn x25519_jwk_file(name: &str) -> (std::path::PathBuf, Key) {
    use aws_lc_rs::agreement;
    let mut d = [0u8; 32];
    aws_lc_rs::rand::fill(&mut d).unwrap();
    let x = agreement::PrivateKey::from_private_key(&agreement::X25519, &d).unwrap().compute_public_key().unwrap();
    let private =
        json!({"kty": "OKP", "crv": "X25519", "kid": "bob", "d": encode_b64url(&d), "x": encode_b64url(x.as_ref())});
    let public = json!({"kty": "OKP", "crv": "X25519", "kid": "bob", "x": encode_b64url(x.as_ref())});
    let file = temp(name);
    std::fs::write(&file, public.to_string()).unwrap();
    (file, keys::load(private.to_string().as_bytes(), "bob").unwrap().remove(0))
}

#[test]
fn what_encrypt_prints_decrypts_with_the_library_for_keys_secrets_and_passwords() {
    let rsa_private = key("rsa2048-pkcs8.pem");
    let p384_private = key("ec-p384-pkcs8.pem");
    let (x25519_file, x25519_private) = x25519_jwk_file("encrypt-x25519.jwk");

    let jwe =
        encrypt_ok(&["--key", path(&asset("rsa2048-spki.pem")), "--alg", "RSA-OAEP-256", "--enc", "A256GCM", "hi"]);
    assert_eq!(header(&jwe), json!({"alg": "RSA-OAEP-256", "enc": "A256GCM"}));
    assert_eq!(decrypt(&jwe, std::slice::from_ref(&rsa_private), None).unwrap().plaintext, b"hi");

    let jwe = encrypt_ok(&[
        "--key",
        path(&asset("ec-p384-spki.pem")),
        "--alg",
        "ECDH-ES+A256KW",
        "--enc",
        "A192CBC-HS384",
        "--kid",
        "p384",
        "--zip",
        "compress me compress me compress me",
    ]);
    let h = header(&jwe);
    assert_eq!(
        (h["kid"].as_str(), h["zip"].as_str(), h["epk"]["crv"].as_str()),
        (Some("p384"), Some("DEF"), Some("P-384"))
    );
    assert_eq!(decrypt(&jwe, &[p384_private], None).unwrap().plaintext, b"compress me compress me compress me");

    // An X25519 public JWK; its kid is the header's by default.
    let jwe = encrypt_ok(&["--key", path(&x25519_file), "--alg", "ECDH-ES", "--enc", "A128GCM", "to bob"]);
    assert_eq!(header(&jwe)["kid"], "bob");
    assert!(jwe.split('.').nth(1).unwrap().is_empty(), "ECDH-ES has no encrypted key");
    assert_eq!(decrypt(&jwe, &[x25519_private], None).unwrap().plaintext, b"to bob");

    // Secrets: text for dir, base64 for AES-GCM key wrap, a raw file for AES Key Wrap.
    let text = "0123456789abcdef0123456789abcdef";
    let jwe = encrypt_ok(&["--secret", text, "--alg", "dir", "--enc", "A128CBC-HS256", "--cty", "JWT", "a.b.c"]);
    assert_eq!(header(&jwe)["cty"], "JWT");
    let oct = keys::load_secret(text.as_bytes(), keys::SecretEncoding::Utf8, "t").unwrap();
    assert_eq!(decrypt(&jwe, &[oct], None).unwrap().plaintext, b"a.b.c");
    let raw24 = [0x42u8; 24];
    let jwe =
        encrypt_ok(&["--secret-base64", &encode_b64url(&raw24), "--alg", "A192GCMKW", "--enc", "A256GCM", "gcmkw"]);
    let oct = keys::load_secret(&raw24, keys::SecretEncoding::Raw, "t").unwrap();
    assert_eq!(decrypt(&jwe, std::slice::from_ref(&oct), None).unwrap().plaintext, b"gcmkw");
    let secret_file = temp("encrypt-secret.bin");
    std::fs::write(&secret_file, raw24).unwrap();
    let jwe = encrypt_ok(&["--secret-file", path(&secret_file), "--alg", "A192KW", "--enc", "A128GCM", "kw"]);
    assert_eq!(decrypt(&jwe, &[oct], None).unwrap().plaintext, b"kw");

    // A password, with the iteration count given and by default.
    let jwe = encrypt_ok(&[
        "--password",
        "hunter2",
        "--p2c",
        "2000",
        "--alg",
        "PBES2-HS384+A192KW",
        "--enc",
        "A192GCM",
        "pw",
    ]);
    assert_eq!(header(&jwe)["p2c"], 2000);
    assert_eq!(decrypt(&jwe, &[], Some(b"hunter2")).unwrap().plaintext, b"pw");
    let jwe = encrypt_ok(&["--password", "hunter2", "--alg", "PBES2-HS256+A128KW", "--enc", "A128GCM", "pw"]);
    assert_eq!(header(&jwe)["p2c"], 310_000);
    assert_eq!(decrypt(&jwe, &[], Some(b"hunter2")).unwrap().plaintext, b"pw");
}

#[test]
fn the_plaintext_comes_from_a_file_or_stdin_as_bytes() {
    let rsa_private = key("rsa2048-pkcs8.pem");
    let binary: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
    let file = temp("encrypt-plaintext.bin");
    std::fs::write(&file, &binary).unwrap();
    let at_file = format!("@{}", path(&file));
    let jwe =
        encrypt_ok(&["--key", path(&asset("rsa2048-pkcs8.pem")), "--alg", "RSA-OAEP", "--enc", "A256GCM", &at_file]);
    assert_eq!(decrypt(&jwe, std::slice::from_ref(&rsa_private), None).unwrap().plaintext, binary);

    let mut child = common::bin()
        .args(["encrypt", "--key", path(&asset("rsa2048-spki.pem")), "--alg", "RSA-OAEP", "--enc", "A128GCM", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"from stdin\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let jwe = stdout(&o);
    assert_eq!(decrypt(jwe.trim_end(), &[rsa_private], None).unwrap().plaintext, b"from stdin\n");
}

#[test]
fn a_jwks_of_several_keys_needs_kid_to_choose() {
    let mut a = key("ec-p256-spki.pem").public_jwk();
    a.insert("kid".into(), "a".into());
    let mut b = key("ec-p384-spki.pem").public_jwk();
    b.insert("kid".into(), "b".into());
    let jwks = temp("encrypt-two.jwks");
    std::fs::write(&jwks, json!({"keys": [a, b]}).to_string()).unwrap();
    let o = run(&["encrypt", "--key", path(&jwks), "--alg", "ECDH-ES", "--enc", "A128GCM", "x"]);
    assert_eq!(code(&o), 2);
    assert!(stdout(&o).is_empty());
    assert_eq!(
        stderr(&o).trim_end(),
        "tokenbench: --key: it holds 2 keys; choose one with --kid (those that can encrypt to \"ECDH-ES\": \"a\" (EC \
         P-256), \"b\" (EC P-384))"
    );
    let jwe = encrypt_ok(&["--key", path(&jwks), "--kid", "b", "--alg", "ECDH-ES", "--enc", "A128GCM", "x"]);
    assert_eq!(header(&jwe)["kid"], "b");
    assert_eq!(header(&jwe)["epk"]["crv"], "P-384");
    assert_eq!(decrypt(&jwe, &[key("ec-p384-pkcs8.pem")], None).unwrap().plaintext, b"x");
    let o = run(&["encrypt", "--key", path(&jwks), "--kid", "c", "--alg", "ECDH-ES", "--enc", "A128GCM", "x"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--key: none of its 2 keys has kid \"c\""), "{}", stderr(&o));
}

#[test]
fn every_unusable_input_exits_2_naming_the_flag() {
    let rsa = asset("rsa2048-spki.pem");
    let p256 = asset("ec-p256-spki.pem");
    let missing = temp("encrypt-does-not-exist.pem");
    let missing_at = format!("@{}", path(&missing));
    let existing = temp("encrypt-claims.json");
    std::fs::write(&existing, "{}").unwrap();
    let file_named = format!("PLAINTEXT: {0} is a file: give it as @{0} to encrypt its contents", path(&existing));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--key", path(&rsa), "--alg", "RSA-OAEP-384", "--enc", "A128GCM", "x"],
            "--alg: \"RSA-OAEP-384\" is not supported; one of: dir,",
        ),
        (
            vec!["--key", path(&rsa), "--alg", "RSA-OAEP", "--enc", "A128CBC", "x"],
            "--enc: \"A128CBC\" is not supported; one of: A128GCM,",
        ),
        (vec!["--key", path(&rsa), "--alg", "RSA1_5", "--enc", "A128GCM", "x"], "--alg: \"RSA1_5\" is decrypt only"),
        (
            vec!["--key", path(&p256), "--alg", "RSA-OAEP", "--enc", "A128GCM", "x"],
            "--key: \"RSA-OAEP\" needs an RSA public key of 2048 to 8192 bits (a private key's public part serves); the key is EC P-256",
        ),
        (
            vec!["--secret", "short", "--alg", "A128KW", "--enc", "A128GCM", "x"],
            "--secret: \"A128KW\" needs an oct key of 16 bytes; the key is an oct key of 5 bytes",
        ),
        (
            vec!["--secret-base64", "AAAA", "--alg", "dir", "--enc", "A256GCM", "x"],
            "--secret-base64: \"dir\" needs an oct key of 32 bytes (the key length of A256GCM); the key is an oct key of 3 bytes",
        ),
        // The flag named once, though the secret's own error names it too.
        (
            vec!["--secret-base64", "!!!", "--alg", "A128KW", "--enc", "A128GCM", "x"],
            "--secret-base64: not valid base64",
        ),
        (vec!["--key", path(&missing), "--alg", "RSA-OAEP", "--enc", "A128GCM", "x"], "--key: cannot read"),
        (vec!["--key", path(&rsa), "--alg", "RSA-OAEP", "--enc", "A128GCM", &missing_at], "PLAINTEXT: cannot read"),
        (vec!["--key", path(&rsa), "--alg", "RSA-OAEP", "--enc", "A128GCM", path(&existing)], &file_named),
        (vec!["--alg", "dir", "--enc", "A128GCM", "x"], "no recipient: give --key FILE"),
        (
            vec!["--key", path(&rsa), "--key", path(&p256), "--alg", "RSA-OAEP", "--enc", "A128GCM", "x"],
            "--key: a JWE is encrypted to one recipient here, and 2 key options were given",
        ),
        (
            vec!["--password", "pw", "--alg", "A128KW", "--enc", "A128GCM", "x"],
            "--password: a password serves only PBES2",
        ),
        (
            vec!["--password", "", "--alg", "PBES2-HS256+A128KW", "--enc", "A128GCM", "--p2c", "1000", "x"],
            "--password: it is empty",
        ),
        (
            vec!["--key", path(&rsa), "--alg", "PBES2-HS256+A128KW", "--enc", "A128GCM", "x"],
            "--key: \"PBES2-HS256+A128KW\" encrypts to a password, not a key",
        ),
        (
            vec!["--password", "pw", "--alg", "PBES2-HS256+A128KW", "--enc", "A128GCM", "--p2c", "1000001", "x"],
            "--p2c: 1000001 is over the cap of 1000000 PBES2 iterations",
        ),
        (
            vec!["--password", "pw", "--alg", "PBES2-HS256+A128KW", "--enc", "A128GCM", "--p2c", "10", "x"],
            "--p2c: 10 is under 1000",
        ),
        (
            vec!["--key", path(&rsa), "--alg", "RSA-OAEP", "--enc", "A128GCM", "--p2c", "5000", "x"],
            "--p2c: it applies to PBES2 only, not to \"RSA-OAEP\"",
        ),
        (vec!["--key", path(&rsa), "--alg", "RSA-OAEP", "--enc", "A128GCM"], "<PLAINTEXT>"),
        (vec!["--key", path(&rsa), "--alg", "RSA-OAEP", "x"], "--enc <ENC>"),
        (
            vec!["--key", path(&rsa), "--password", "pw", "--alg", "RSA-OAEP", "--enc", "A128GCM", "x"],
            "'--key <FILE>' cannot be used with '--password <TEXT>'",
        ),
        (
            vec!["--password", "pw", "--alg", "PBES2-HS256+A128KW", "--enc", "A128GCM", "--p2c", "many", "x"],
            "'many' for '--p2c <N>'",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["encrypt"];
        all.extend_from_slice(&args);
        let o = run(&all);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
        assert!(stderr(&o).contains(expected), "{args:?}: expected {expected:?} in {}", stderr(&o));
        assert!(!stderr(&o).contains(&format!("{0}: {0}:", args[0])), "the flag named twice: {}", stderr(&o));
    }
}
