//! The CLI contract: every exit code, every key format, `-` and `@FILE` token arguments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use tokenbench::core::keys::{self, Key, SecretEncoding};
use tokenbench::core::sign::sign;
use tokenbench::core::token::{JsonObject, encode_b64url};

const AT: &str = "1700000000";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tokenbench"));
    c.env("NO_COLOR", "1");
    c
}

fn asset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/keys").join(name)
}

fn key(name: &str) -> Key {
    keys::load_file(&asset(name)).unwrap().remove(0)
}

fn obj(v: Value) -> JsonObject {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

/// A typical token: issued at AT - 60, expires an hour later.
fn claims() -> JsonObject {
    obj(json!({"iss": "https://issuer.example", "sub": "alice", "aud": ["api", "web"],
               "iat": 1_699_999_940, "nbf": 1_699_999_940, "exp": 1_700_003_540}))
}

fn token(alg: &str, key_file: &str, kid: Option<&str>) -> String {
    let header = kid.map_or_else(|| obj(json!({"typ": "JWT"})), |k| obj(json!({"typ": "JWT", "kid": k})));
    sign(&header, &claims(), alg, &key(key_file)).unwrap()
}

fn hs256(secret: &[u8], claims: &JsonObject) -> String {
    let k = keys::load_secret(secret, SecretEncoding::Raw, "t").unwrap();
    sign(&obj(json!({"typ": "JWT"})), claims, "HS256", &k).unwrap()
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn verify_with(key_args: &[&str], token: &str) -> Output {
    let mut args = vec!["verify", "--at", AT];
    args.extend_from_slice(key_args);
    args.push(token);
    run(&args)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tokenbench-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn decode_text_shows_claims_and_human_times() {
    let t = token("RS256", "rsa2048-pkcs8.pem", Some("k1"));
    let o = run(&["decode", &t]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("\"alg\": \"RS256\""), "{out}");
    assert!(out.contains("\"sub\": \"alice\""), "{out}");
    assert!(out.contains("// 2023-11-14 23:12:20 UTC"), "exp shown in UTC beside the number: {out}");
    assert!(out.contains("Signature (256 bytes)"), "{out}");
}

#[test]
fn decode_json_keeps_header_and_claims_exactly() {
    let t = token("ES256", "ec-p256-pkcs8.pem", None);
    let o = run(&["decode", "--json", &t]);
    assert_eq!(code(&o), 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["header"], json!({"alg": "ES256", "typ": "JWT"}));
    assert_eq!(Value::Object(v["claims"].as_object().unwrap().clone()), Value::Object(claims()));
    let keys: Vec<&String> = v["claims"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["iss", "sub", "aud", "iat", "nbf", "exp"], "token order kept");
    assert_eq!(v["signature"].as_str().unwrap(), t.rsplit('.').next().unwrap());
    assert_eq!(v["times"]["exp"]["utc"], "2023-11-14 23:12:20 UTC");
}

#[test]
fn token_from_stdin_and_file_and_bearer() {
    let t = token("EdDSA", "ed25519-pkcs8.pem", None);
    let mut child = bin().args(["decode", "--json", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(format!("Authorization: Bearer {t}\n").as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("\"EdDSA\""));
    let dir = temp_dir("file");
    let path = dir.join("token.txt");
    std::fs::write(&path, format!("{t}\n")).unwrap();
    let arg = format!("@{}", path.display());
    let o = verify_with(&["--key", asset("ed25519-spki.pem").to_str().unwrap()], &arg);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn decode_never_prints_raw_control_characters() {
    let t = format!("{}.{}.AAAA", encode_b64url(br#"{"alg":"HS256"}"#), encode_b64url(b"hi\x1b[2J\rthere"));
    let o = run(&["decode", &t]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(!out.contains('\x1b') && !out.contains('\r'), "{out:?}");
    assert!(out.contains("hi\\u{1b}[2J\\rthere"), "{out}");
}

#[test]
fn decode_malformed_exits_2_with_a_precise_message() {
    let o = run(&["decode", "eyJhbGciOiJIUzI1NiJ9.e30=.AAAA"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("payload segment") && err.contains("byte 24"), "{err}");
    let o = run(&["decode", "only.two"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("has 2"), "{}", stderr(&o));
    let o = run(&["decode", "@/nonexistent/token"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn every_key_format_verifies_exit_0() {
    let rs = token("RS256", "rsa2048-pkcs1.pem", None);
    for file in [
        "rsa2048-spki.pem",
        "rsa2048-spki.der",
        "rsa2048-pkcs1-public.pem",
        "rsa2048-pkcs1.pem",
        "rsa2048-pkcs8.pem",
        "rsa2048-pkcs8.der",
        "rsa2048-cert.pem",
        "rsa2048-cert.der",
    ] {
        let o = verify_with(&["--key", asset(file).to_str().unwrap()], &rs);
        assert_eq!(code(&o), 0, "{file}: {}{}", stdout(&o), stderr(&o));
    }
    for (alg, signer, verifiers) in [
        (
            "ES256",
            "ec-p256-pkcs8.pem",
            &[
                "ec-p256-spki.pem",
                "ec-p256-sec1.pem",
                "ec-p256-sec1.der",
                "ec-p256-spki.der",
                "ec-p256-spki-compressed.pem",
            ][..],
        ),
        ("ES384", "ec-p384-sec1.pem", &["ec-p384-spki.pem", "ec-p384-pkcs8.pem"][..]),
        ("ES512", "ec-p521-sec1.pem", &["ec-p521-spki.pem", "ec-p521-pkcs8.pem"][..]),
        ("EdDSA", "ed25519-pkcs8.pem", &["ed25519-spki.pem", "ed25519-pkcs8.der"][..]),
    ] {
        let t = token(alg, signer, None);
        for file in verifiers {
            let o = verify_with(&["--key", asset(file).to_str().unwrap()], &t);
            assert_eq!(code(&o), 0, "{alg} {file}: {}{}", stdout(&o), stderr(&o));
        }
    }
}

#[test]
fn jwk_and_jwks_with_and_without_kid() {
    let dir = temp_dir("jwk");
    let rsa = key("rsa2048-spki.pem");
    let ec = key("ec-p256-spki.pem");
    let mut rsa_jwk = rsa.public_jwk();
    rsa_jwk.insert("kid".into(), json!("rsa-1"));
    let mut ec_jwk = ec.public_jwk();
    ec_jwk.insert("kid".into(), json!("ec-1"));
    let jwk_path = dir.join("rsa.jwk.json");
    std::fs::write(&jwk_path, Value::Object(rsa_jwk.clone()).to_string()).unwrap();
    let jwks_path = dir.join("set.jwks");
    std::fs::write(&jwks_path, json!({"keys": [ec_jwk, rsa_jwk]}).to_string()).unwrap();

    let with_kid = token("RS256", "rsa2048-pkcs8.pem", Some("rsa-1"));
    assert_eq!(code(&verify_with(&["--key", jwk_path.to_str().unwrap()], &with_kid)), 0);
    let o = run(&["verify", "--json", "--at", AT, "--key", jwks_path.to_str().unwrap(), &with_kid]);
    assert_eq!(code(&o), 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["selection"], "kid");
    assert_eq!(v["matched_key"], 1);

    // A JWKS and a token without kid: every compatible key is tried.
    let without_kid = token("ES256", "ec-p256-pkcs8.pem", None);
    let o = run(&["verify", "--json", "--at", AT, "--key", jwks_path.to_str().unwrap(), &without_kid]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["selection"], "no_kid");

    // A kid that selects nothing still verifies with a compatible key, with a warning.
    let other_kid = token("ES256", "ec-p256-pkcs8.pem", Some("rotated-away"));
    let o = run(&["verify", "--json", "--at", AT, "--key", jwks_path.to_str().unwrap(), &other_kid]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("did not select"), "{}", stdout(&o));
}

#[test]
fn hmac_secrets_text_base64_and_file() {
    let secret = b"0123456789abcdef0123456789abcdef";
    let t = hs256(secret, &claims());
    assert_eq!(code(&verify_with(&["--secret", "0123456789abcdef0123456789abcdef"], &t)), 0);
    let b64 = encode_b64url(secret);
    assert_eq!(code(&verify_with(&["--secret-base64", &b64], &t)), 0);
    let dir = temp_dir("secret");
    let path = dir.join("secret.bin");
    std::fs::write(&path, secret).unwrap();
    assert_eq!(code(&verify_with(&["--secret-file", path.to_str().unwrap()], &t)), 0);
    let binary = [
        0u8, 255, 1, 254, 2, 253, 3, 252, 4, 251, 5, 250, 6, 249, 7, 248, 8, 247, 9, 246, 10, 245, 11, 244, 12, 243,
        13, 242, 14, 241, 15, 240,
    ];
    std::fs::write(&path, binary).unwrap();
    assert_eq!(code(&verify_with(&["--secret-file", path.to_str().unwrap()], &hs256(&binary, &claims()))), 0);
    assert_eq!(code(&verify_with(&["--secret", "wrong secret, long enough to not be weak"], &t)), 1);
}

#[test]
fn invalid_tokens_exit_1() {
    let rsa_pub = asset("rsa2048-spki.pem");
    let k = ["--key", rsa_pub.to_str().unwrap()];
    let good = token("RS256", "rsa2048-pkcs8.pem", None);
    assert_eq!(code(&verify_with(&k, &good)), 0);

    // Bad signature.
    let mut parts: Vec<&str> = good.split('.').collect();
    let tampered_sig = format!("{}A", &parts[2][..parts[2].len() - 1]);
    let tampered_sig =
        if tampered_sig == parts[2] { format!("{}B", &parts[2][..parts[2].len() - 1]) } else { tampered_sig };
    parts[2] = &tampered_sig;
    assert_eq!(code(&verify_with(&k, &parts.join("."))), 1);
    // No key verifies (another RSA key).
    let other = asset("rsa1024-pkcs8.pem");
    assert_eq!(code(&verify_with(&["--key", other.to_str().unwrap()], &good)), 1);
    // No key at all.
    assert_eq!(code(&run(&["verify", "--at", AT, &good])), 1);
    // alg none, even with an empty signature.
    let none = format!("{}.{}.", encode_b64url(br#"{"alg":"none"}"#), good.split('.').nth(1).unwrap());
    let o = verify_with(&k, &none);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("none"), "{}", stdout(&o));
    // Empty signature with a real alg.
    let empty = format!("{}.{}.", good.split('.').next().unwrap(), good.split('.').nth(1).unwrap());
    assert_eq!(code(&verify_with(&k, &empty)), 1);
    // Unknown alg.
    let unknown = format!("{}.{}.AAAA", encode_b64url(br#"{"alg":"XS256"}"#), good.split('.').nth(1).unwrap());
    assert_eq!(code(&verify_with(&k, &unknown)), 1);
    // Expired, then valid with leeway, then not yet valid.
    let late = ["verify", "--at", "1700003600", "--key", rsa_pub.to_str().unwrap(), &good];
    assert_eq!(code(&run(&late)), 1);
    let late_leeway = ["verify", "--at", "1700003600", "--leeway", "120", "--key", rsa_pub.to_str().unwrap(), &good];
    assert_eq!(code(&run(&late_leeway)), 0);
    let early = ["verify", "--at", "1699990000", "--key", rsa_pub.to_str().unwrap(), &good];
    let o = run(&early);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("not valid before"), "{}", stdout(&o));
    // iss and aud.
    let iss_ok = [
        "verify",
        "--at",
        AT,
        "--iss",
        "https://issuer.example",
        "--aud",
        "api",
        "--key",
        rsa_pub.to_str().unwrap(),
        &good,
    ];
    assert_eq!(code(&run(&iss_ok)), 0);
    let iss_bad = ["verify", "--at", AT, "--iss", "https://evil.example", "--key", rsa_pub.to_str().unwrap(), &good];
    assert_eq!(code(&run(&iss_bad)), 1);
    let aud_bad = ["verify", "--at", AT, "--aud", "billing", "--key", rsa_pub.to_str().unwrap(), &good];
    assert_eq!(code(&run(&aud_bad)), 1);
    // Disallowed algorithm.
    let alg_bad = ["verify", "--at", AT, "--alg", "ES256", "--alg", "PS256", "--key", rsa_pub.to_str().unwrap(), &good];
    assert_eq!(code(&run(&alg_bad)), 1);
    let alg_ok = ["verify", "--at", AT, "--alg", "RS256", "--key", rsa_pub.to_str().unwrap(), &good];
    assert_eq!(code(&run(&alg_ok)), 0);
    // A wrongly typed exp is an error, never treated as absent.
    let mut c = claims();
    c.insert("exp".into(), json!("1700003540"));
    let o =
        verify_with(&["--secret", "0123456789abcdef0123456789abcdef"], &hs256(b"0123456789abcdef0123456789abcdef", &c));
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("must be a NumericDate"), "{}", stdout(&o));
}

#[test]
fn algorithm_confusion_is_refused() {
    // HS256 signed with the RSA public key's PEM bytes as the secret: the classic attack.
    let pem = std::fs::read(asset("rsa2048-spki.pem")).unwrap();
    let forged = hs256(&pem, &claims());
    let o = run(&["verify", "--json", "--at", AT, "--key", asset("rsa2048-spki.pem").to_str().unwrap(), &forged]);
    assert_eq!(code(&o), 1);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["signature"], "no_matching_key");
    assert!(v["warnings"].to_string().contains("algorithm confusion"), "{v}");
}

#[test]
fn unusable_input_exits_2() {
    let good = token("RS256", "rsa2048-pkcs8.pem", None);
    // Malformed token.
    assert_eq!(code(&verify_with(&["--secret", "x"], "abc.def.ghi.jkl")), 2);
    assert_eq!(code(&verify_with(&["--secret", "x"], "eyJhbGciOiJIUzI1NiJ9.eyJ?.AAAA")), 2);
    // Unreadable key file.
    let o = verify_with(&["--key", "/nonexistent/key.pem"], &good);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("/nonexistent/key.pem"), "{}", stderr(&o));
    // Unparseable key files: text, binary, damaged PEM.
    let dir = temp_dir("bad-keys");
    for (name, bytes) in [
        ("notes.txt", b"just some words".to_vec()),
        ("random.bin", vec![0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]),
        ("broken.pem", b"-----BEGIN PUBLIC KEY-----\nMIIB!!!\n-----END PUBLIC KEY-----\n".to_vec()),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let o = verify_with(&["--key", path.to_str().unwrap()], &good);
        assert_eq!(code(&o), 2, "{name}");
        assert!(stderr(&o).contains(name), "{name}: {}", stderr(&o));
    }
    // Empty secret.
    assert_eq!(code(&verify_with(&["--secret", ""], &good)), 2);
}

#[test]
fn key_inspect_reports_each_format() {
    for (file, kind, format) in [
        ("rsa2048-spki.pem", "RSA 2048", "PEM SPKI public key"),
        ("rsa2048-pkcs1.pem", "RSA 2048", "PEM PKCS#1 RSA private key"),
        ("rsa2048-cert.der", "RSA 2048", "DER X.509 certificate"),
        ("ec-p384-sec1.pem", "EC P-384", "PEM SEC1 EC private key"),
        ("ec-p521-pkcs8.pem", "EC P-521", "PEM PKCS#8 private key"),
        ("ed25519-pkcs8.der", "Ed25519", "DER PKCS#8 private key"),
    ] {
        let o = run(&["key", "inspect", "--json", asset(file).to_str().unwrap()]);
        assert_eq!(code(&o), 0, "{file}: {}", stderr(&o));
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v[0]["kind"], kind, "{file}");
        assert_eq!(v[0]["format"], format, "{file}");
        assert_eq!(v[0]["thumbprint"].as_str().unwrap().len(), 43, "{file}");
    }
    let o = run(&["key", "inspect", asset("rsa2048-cert.pem").to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.contains("subject") && out.contains("Token Workbench sample"), "{out}");
    let o = run(&["key", "inspect", asset("rsa1024-pkcs8.pem").to_str().unwrap()]);
    assert!(stdout(&o).contains("1024 bits"), "{}", stdout(&o));
    let o = run(&["key", "inspect", asset("hs256-secret.bin").to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("secret"), "{}", stderr(&o));
}
