//! The CLI contract: every exit code, every key format, `-` and `@FILE` token arguments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use serde_json::{Value, json};
use tokenbench::core::engine::keys::{self, SecretEncoding};
use tokenbench::core::engine::sign::sign;
use tokenbench::core::engine::token::{JsonObject, encode_b64url};

mod common;
use common::{asset, bin, code, json_out, key, obj, run, stderr, stdout, temp_dir};

const AT: &str = "1700000000";

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

fn verify_with(key_args: &[&str], token: &str) -> Output {
    let mut args = vec!["verify", "--at", AT];
    args.extend_from_slice(key_args);
    args.push(token);
    run(&args)
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

// ---------------------------------------------------------------------------------------------
// Hardening (issue 6): fail closed on unreadable claims, never panic, bounded cost.

const SECRET: &str = "0123456789abcdef0123456789abcdef";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// HS256 over exactly these header and payload bytes (no re-serialisation), with [`SECRET`].
fn hs256_raw(header: &[u8], payload: &[u8]) -> String {
    let input = format!("{}.{}", encode_b64url(header), encode_b64url(payload));
    hs256_over(&input)
}

fn hs256_over(signing_input: &str) -> String {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, SECRET.as_bytes());
    let tag = aws_lc_rs::hmac::sign(&key, signing_input.as_bytes());
    format!("{signing_input}.{}", encode_b64url(tag.as_ref()))
}

fn verify_secret(extra: &[&str], token: &str) -> Output {
    let mut args = vec!["verify", "--at", AT, "--secret", SECRET];
    args.extend_from_slice(extra);
    args.push(token);
    run(&args)
}

#[test]
fn unreadable_claims_fail_closed_with_the_byte_where_json_breaks() {
    // Each payload would be valid but for one non-standard JSON construct; exp is far in the
    // future, so the only reason to refuse is that the claims cannot be read.
    let cases: [(&[u8], &str); 9] = [
        (br#"{"exp":4102444800,"score":NaN}"#, "NaN"),
        (br#"{"exp":4102444800,"score":Infinity}"#, "Infinity"),
        (br#"{"exp":4102444800,"name":"\ud800"}"#, "\\ud800"),
        (br#"{"exp":4102444800,"x":1e400}"#, "1e400"),
        (br#"{"exp":4102444800,"x":-1e400}"#, "-1e400"),
        (br#"{"exp":4102444800,}"#, "}"),
        (b"\xef\xbb\xbf{\"exp\":4102444800}", "\u{feff}"),
        (br#"{"exp":4102444800} {"exp":1}"#, "{\"exp\":1}"),
        (br#"{"exp":4102444800,"exp":1e400}"#, "1e400"),
    ];
    for (payload, culprit) in cases {
        let shown = String::from_utf8_lossy(payload);
        let at = shown.find(culprit).unwrap();
        let t = hs256_raw(br#"{"alg":"HS256","typ":"JWT"}"#, payload);
        let o = verify_secret(&["--json"], &t);
        assert_eq!(code(&o), 1, "{shown}: {}", stdout(&o));
        let v = json_out(&o);
        assert_eq!(v["signature"], "valid", "{shown}");
        let claims = v["checks"].as_array().unwrap().iter().find(|c| c["name"] == "claims").unwrap();
        assert_eq!(claims["status"], "failed", "{shown}");
        let reason = claims["reason"].as_str().unwrap();
        // The offset falls on the culprit (serde_json reports where it stopped reading).
        assert!(
            (at..=at + culprit.len()).any(|b| reason.contains(&format!("byte {b} "))),
            "{shown}: byte {at} expected in {reason}"
        );
        // The text banner says so too: this line is what the GUI banner shows.
        let o = verify_secret(&[], &t);
        assert_eq!(code(&o), 1);
        let banner = stdout(&o).lines().next().unwrap().to_owned();
        assert!(banner.starts_with("INVALID CLAIMS: the claims are not") && banner.contains("byte"), "{banner}");
        // decode still shows the token, with the same note.
        let o = run(&["decode", "--json", &t]);
        assert_eq!(code(&o), 0, "{shown}");
        assert!(json_out(&o)["payload_note"].as_str().unwrap().contains("byte"), "{shown}");
    }
    // A payload that is not meant as claims (prose) still verifies with a warning: a JWS may
    // sign any bytes (RFC 7515); only JSON objects are claims.
    let prose = hs256_raw(br#"{"alg":"HS256"}"#, b"It's a dangerous business");
    let o = verify_secret(&[], &prose);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("only the signature was checked"), "{}", stdout(&o));
    // The verdict line says so itself, never "every check passed" (Wycheproof's valid JWS cases
    // sign prose, binary and the JSON number 123400, so such a payload cannot simply fail).
    let first = stdout(&o).lines().next().unwrap_or_default().to_owned();
    // Nothing bounds its lifetime, which the audit flags (medium): valid, but named.
    assert!(
        first.starts_with("VALID, but: the payload is text")
            && first.contains("not a JSON object, so it is not a JWT claims set"),
        "{first}"
    );
    assert!(!first.contains("every check passed"), "{first}");
    for payload in [&b"\"exp\""[..], b"[1]", b"123400"] {
        let o = verify_secret(&[], &hs256_raw(br#"{"alg":"HS256"}"#, payload));
        let first = stdout(&o).lines().next().unwrap_or_default().to_owned();
        assert!(first.contains("only the signature was judged"), "{first}");
    }
    // ... unless the header says it is a JWT (RFC 7519 §7.2 step 10).
    let o = verify_secret(&[], &hs256_raw(br#"{"alg":"HS256","typ":"JWT"}"#, b"[1,2]"));
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("7.2"), "{}", stdout(&o));
    // ... or the policy asks anything of the claims.
    let o = verify_secret(&["--require", "exp"], &prose);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
}

#[test]
fn unencoded_payload_without_crit_is_invalid() {
    // RFC 7797 §6: "b64": false changes what is signed, so it must be listed in "crit".
    let header = br#"{"alg":"HS256","b64":false}"#;
    let t = hs256_over(&format!("{}.$02", encode_b64url(header)));
    let o = verify_secret(&["--json"], &t);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let v = json_out(&o);
    assert_eq!(v["signature"], "malformed");
    assert!(v["signature_reason"].as_str().unwrap().contains("RFC 7797"), "{v}");
    let with_crit = br#"{"alg":"HS256","b64":false,"crit":["b64"]}"#;
    let t = hs256_over(&format!("{}.$02", encode_b64url(with_crit)));
    assert_eq!(code(&verify_secret(&[], &t)), 0);
}

/// A general JWS JSON token from (protected header, signature) pairs over one payload.
fn general_json(payload: &str, sigs: &[(String, String)]) -> String {
    let list: Vec<Value> = sigs.iter().map(|(p, s)| json!({"protected": p, "signature": s})).collect();
    json!({"payload": payload, "signatures": list}).to_string()
}

#[test]
fn each_json_signature_is_judged_with_its_own_header() {
    let payload = encode_b64url(br#"{"sub":"alice","exp":4102444800}"#);
    let rs = encode_b64url(br#"{"alg":"RS256","typ":"at+jwt"}"#);
    let hs = encode_b64url(br#"{"alg":"HS256"}"#);
    let hs_sig = hs256_over(&format!("{hs}.{payload}")).rsplit('.').next().unwrap().to_owned();
    let token = general_json(&payload, &[(rs, encode_b64url(&[7u8; 256])), (hs, hs_sig)]);
    let rsa = asset("rsa2048-spki.pem");
    let base = ["verify", "--json", "--at", AT, "--allow-json-serialization", "--secret", SECRET];
    // Before: the RS256 header answered --alg and --typ while the HS256 signature verified.
    let mut args = base.to_vec();
    args.extend(["--key", rsa.to_str().unwrap(), "--alg", "RS256", "--typ", "at+jwt", &token]);
    let o = run(&args);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let v = json_out(&o);
    // The verdict is about the RS256 signature the policy accepts, which does not verify; the
    // HS256 one is not even tried, and the report says why.
    assert_eq!(v["signature"], "invalid", "{v}");
    assert_eq!(v["alg"], "RS256", "{v}");
    let warnings = v["warnings"].to_string();
    assert!(warnings.contains("signature 2 of 2 (HS256): not verified"), "{warnings}");
    assert!(warnings.contains("HS256 is not among the allowed algorithms"), "{warnings}");
    assert!(v["attempts"].as_array().unwrap().iter().all(|a| a["outcome"] != "verified"), "{v}");
    // The HS256 signature alone passes when its own header satisfies the policy.
    let mut args = base.to_vec();
    args.extend(["--alg", "HS256", &token]);
    assert_eq!(code(&run(&args)), 0);
    let mut args = base.to_vec();
    args.extend(["--alg", "HS256", "--typ", "at+jwt", &token]);
    let o = run(&args);
    assert_eq!(code(&o), 1);
    assert_eq!(json_out(&o)["signature"], "refused_by_policy");
}

#[test]
fn too_many_json_signatures_are_refused_before_any_is_verified() {
    let payload = encode_b64url(br#"{"sub":"alice"}"#);
    let es = encode_b64url(br#"{"alg":"ES512"}"#);
    let sigs: Vec<(String, String)> = (0..40).map(|_| (es.clone(), encode_b64url(&[1u8; 132]))).collect();
    let token = general_json(&payload, &sigs);
    let p521 = asset("ec-p521-spki.pem");
    let o =
        run(&["verify", "--json", "--at", AT, "--allow-json-serialization", "--key", p521.to_str().unwrap(), &token]);
    assert_eq!(code(&o), 1);
    let v = json_out(&o);
    assert_eq!(v["signature"], "malformed", "{v}");
    assert!(v["signature_reason"].as_str().unwrap().contains("40 signatures"), "{v}");
    assert!(v["attempts"].as_array().unwrap().iter().all(|a| a["outcome"] != "wrong_signature"), "{v}");
    // Without --allow-json-serialization nothing is verified either: the policy refuses first.
    let few = general_json(&payload, &sigs[..3]);
    let o = run(&["verify", "--json", "--at", AT, "--key", p521.to_str().unwrap(), &few]);
    assert_eq!(code(&o), 1);
    let v = json_out(&o);
    assert!(v["attempts"].as_array().unwrap().iter().all(|a| a["outcome"] != "wrong_signature"), "{v}");
}

/// The eight small-order points of Curve25519 in Edwards form (the identity, order 2, 4, 8).
const SMALL_ORDER_ED25519: [&str; 8] = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
];

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn small_order_ed25519_keys_are_refused() {
    let dir = temp_dir("small-order");
    // R = identity, S = 0 "verifies" any message under the identity key.
    let mut forged_sig = hex(SMALL_ORDER_ED25519[0]);
    forged_sig.extend([0u8; 32]);
    let forged = format!(
        "{}.{}.{}",
        encode_b64url(br#"{"alg":"EdDSA"}"#),
        encode_b64url(br#"{"sub":"admin"}"#),
        encode_b64url(&forged_sig)
    );
    for point in SMALL_ORDER_ED25519 {
        let path = dir.join(format!("{point}.jwk"));
        let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": encode_b64url(&hex(point))});
        std::fs::write(&path, jwk.to_string()).unwrap();
        let o = run(&["key", "inspect", path.to_str().unwrap()]);
        assert_eq!(code(&o), 2, "{point}: {}", stdout(&o));
        assert!(stderr(&o).contains("small order") || stderr(&o).contains("not a valid curve point"), "{}", stderr(&o));
        let o = verify_with(&["--key", path.to_str().unwrap()], &forged);
        assert_eq!(code(&o), 2, "{point}");
    }
    // The same point as an SPKI public key.
    let mut spki = hex("302a300506032b6570032100");
    spki.extend(hex(SMALL_ORDER_ED25519[0]));
    let path = dir.join("identity.der");
    std::fs::write(&path, spki).unwrap();
    let o = run(&["key", "inspect", path.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stderr(&o).contains("small order"), "{}", stderr(&o));
}

#[test]
fn non_finite_or_out_of_range_times_are_unusable_input() {
    let t = hs256(SECRET.as_bytes(), &claims());
    for at in ["nan", "NaN", "inf", "-inf", "infinity", "1e400", "-1e400", "1e300"] {
        let o = run(&["verify", "--secret", SECRET, "--at", at, &t]);
        assert_eq!(code(&o), 2, "--at {at}: {}", stdout(&o));
        assert!(stderr(&o).contains("--at"), "--at {at}: {}", stderr(&o));
        assert!(!stderr(&o).contains("unexpected argument"), "--at {at} read as a flag: {}", stderr(&o));
    }
    for (flag, value) in [
        ("--leeway", "18446744073709551615"),
        ("--max-lifetime", "18446744073709551615"),
        ("--leeway", "-1"),
        ("--max-lifetime", "nan"),
    ] {
        let o = run(&["verify", "--at", AT, "--secret", SECRET, flag, value, &t]);
        assert_eq!(code(&o), 2, "{flag} {value}: {}{}", stdout(&o), stderr(&o));
        assert!(stderr(&o).contains(flag), "{flag} {value}: {}", stderr(&o));
    }
    // Negative instants are fine (before 1970), and so are fractional ones.
    assert_eq!(code(&run(&["verify", "--secret", SECRET, "--at", "-1.5", &t])), 1);
}

#[test]
fn lifetime_arithmetic_never_panics() {
    let unsigned =
        |claims: &str| format!("{}.{}.", encode_b64url(br#"{"alg":"none"}"#), encode_b64url(claims.as_bytes()));
    for claims in [
        r#"{"iat":0,"exp":1e300}"#,
        r#"{"iat":1e300,"exp":-1e300}"#,
        r#"{"iat":-1.7976931348623157e308,"exp":1.7976931348623157e308}"#,
        r#"{"iat":0,"exp":18446744073709551615}"#,
    ] {
        for max in ["1", "3600", "315537897599"] {
            let o = run(&["verify", "--at", AT, "--max-lifetime", max, &unsigned(claims)]);
            assert_eq!(code(&o), 1, "{claims} {max}: {}{}", stdout(&o), stderr(&o));
        }
        let signed = hs256_raw(br#"{"alg":"HS256"}"#, claims.as_bytes());
        let o = verify_secret(&["--max-lifetime", "3600", "--leeway", "315537897599"], &signed);
        assert!(code(&o) <= 1, "{claims}: {}", stderr(&o));
    }
}

#[test]
fn key_set_warnings_are_once_per_set() {
    let dir = temp_dir("quadratic");
    let good: Vec<Value> = (0..300)
        .map(|i: u32| json!({"kty": "oct", "kid": format!("g{i}"), "k": encode_b64url(&i.to_be_bytes().repeat(8))}))
        .collect();
    let bad: Vec<Value> = (0..300).map(|i| json!({"kty": "EC", "kid": format!("b{i}"), "crv": "P-256"})).collect();
    let path = dir.join("mixed.jwks");
    let all = [good, bad].concat();
    std::fs::write(&path, json!({"keys": all}).to_string()).unwrap();
    let o = run(&["key", "inspect", "--json", path.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json_out(&o);
    assert_eq!(v.as_array().unwrap().len(), 300);
    let warnings: usize = v.as_array().unwrap().iter().map(|k| k["warnings"].as_array().unwrap().len()).sum();
    assert!(warnings <= 5, "{warnings} warnings for one set");
    assert!(v.to_string().contains("300 entries of this JWKS were unusable"), "{}", v[0]["warnings"]);
    // The same for a PEM bundle with unusable blocks.
    let pem = std::fs::read_to_string(asset("ec-p256-spki.pem")).unwrap();
    let mut bundle = String::new();
    for _ in 0..50 {
        bundle.push_str(&pem);
        bundle.push_str("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    }
    let path = dir.join("bundle.pem");
    std::fs::write(&path, bundle).unwrap();
    let v = json_out(&run(&["key", "inspect", "--json", path.to_str().unwrap()]));
    let warnings: usize = v.as_array().unwrap().iter().map(|k| k["warnings"].as_array().unwrap().len()).sum();
    assert!(warnings <= 5, "{warnings} warnings for one bundle");
}

#[test]
fn duplicate_kids_are_flagged_exactly() {
    let dir = temp_dir("kids");
    let mut set: Vec<Value> =
        (0..2000).map(|i| json!({"kty": "oct", "kid": format!("k{i}"), "k": encode_b64url(&[1u8; 32])})).collect();
    set.push(json!({"kty": "oct", "kid": "k7", "k": encode_b64url(&[2u8; 32])}));
    let path = dir.join("kids.jwks");
    std::fs::write(&path, json!({"keys": set}).to_string()).unwrap();
    let v = json_out(&run(&["key", "inspect", "--json", path.to_str().unwrap()]));
    let flagged: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["warnings"].to_string().contains("same kid"))
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(flagged, ["k7", "k7"]);
}

/// A sparse file of `len` bytes (no disk blocks used).
fn sparse(dir: &Path, name: &str, len: u64) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path).unwrap().set_len(len).unwrap();
    path
}

#[test]
fn files_over_the_limit_are_refused_before_being_read() {
    let dir = temp_dir("big-files");
    let big = sparse(&dir, "big.bin", 11 * 1024 * 1024);
    let big = big.to_str().unwrap();
    let t = hs256(SECRET.as_bytes(), &claims());
    for args in [
        vec!["decode".to_owned(), format!("@{big}")],
        vec!["verify".into(), "--key".into(), big.into(), t.clone()],
        vec!["verify".into(), "--secret-file".into(), big.into(), t.clone()],
        vec!["key".into(), "inspect".into(), big.into()],
        // A device that never ends: read up to the limit, never to the end.
        vec!["verify".into(), "--key".into(), "/dev/zero".into(), t.clone()],
        vec!["verify".into(), "--secret-file".into(), "/dev/zero".into(), t.clone()],
        vec!["decode".into(), "@/dev/zero".into()],
    ] {
        let o = bin().args(&args).output().unwrap();
        assert_eq!(code(&o), 2, "{args:?}: {}", stdout(&o));
        let err = stderr(&o);
        assert!(err.contains("10 MiB") || err.contains("10485760"), "{args:?}: {err}");
    }
}

#[test]
fn weak_rsa_keys_verify_every_rsa_algorithm_with_a_warning() {
    let key = asset("rsa1024-pkcs8.pem");
    for alg in ["RS384", "PS256", "PS384"] {
        let t = std::fs::read_to_string(fixture(&format!("rsa1024-{alg}.jwt"))).unwrap();
        let o = verify_with(&["--key", key.to_str().unwrap()], t.trim());
        assert_eq!(code(&o), 0, "{alg}: {}", stdout(&o));
        assert!(stdout(&o).contains("1024 bits"), "{alg}: {}", stdout(&o));
    }
}

#[test]
fn rsa_keys_over_8192_bits_verify() {
    let key = fixture("rsa9216.spki.pem");
    for alg in ["RS256", "PS256"] {
        let t = std::fs::read_to_string(fixture(&format!("rsa9216-{alg}.jwt"))).unwrap();
        let o = verify_with(&["--key", key.to_str().unwrap()], t.trim());
        assert_eq!(code(&o), 0, "{alg}: {}", stdout(&o));
        // A wrong signature is still wrong.
        let tampered = format!("{}A", &t.trim()[..t.trim().len() - 1]);
        let tampered = if tampered == t.trim() { format!("{}B", &t.trim()[..t.trim().len() - 1]) } else { tampered };
        assert_eq!(code(&verify_with(&["--key", key.to_str().unwrap()], &tampered)), 1);
    }
}

#[test]
fn a_key_labelled_ed25519_verifies_eddsa_tokens() {
    let dir = temp_dir("ed-label");
    let mut jwk = key("ed25519-spki.pem").public_jwk();
    jwk.insert("alg".into(), json!("Ed25519"));
    let path = dir.join("ed.jwk");
    std::fs::write(&path, Value::Object(jwk).to_string()).unwrap();
    let t = token("EdDSA", "ed25519-pkcs8.pem", None);
    let o = verify_with(&["--key", path.to_str().unwrap()], &t);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("RFC 9864"), "{}", stdout(&o));
}

const HOSTILE: [char; 9] =
    ['\u{1b}', '\u{9b}', '\u{7}', '\r', '\u{202e}', '\u{2066}', '\u{2069}', '\u{202a}', '\u{200f}'];

fn assert_no_hostile(out: &str, what: &str) {
    for c in HOSTILE {
        assert!(!out.contains(c), "{what}: raw U+{:04X} reached the terminal: {out:?}", u32::from(c));
    }
}

#[test]
fn terminal_escapes_never_reach_the_terminal() {
    let dir = temp_dir("escapes");
    let mut jwk = key("ec-p256-spki.pem").public_jwk();
    jwk.insert("kid".into(), json!("\u{1b}]0;pwned\u{7}\u{1b}[2Jkid\u{202e}txt.exe"));
    jwk.insert("alg".into(), json!("\u{9b}31mES256"));
    jwk.insert("use".into(), json!("sig\u{2066}x\u{2069}"));
    jwk.insert("key_ops".into(), json!(["verify\r\u{200f}"]));
    let path = dir.join("hostile.jwk");
    std::fs::write(&path, Value::Object(jwk).to_string()).unwrap();
    let o = run(&["key", "inspect", path.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_no_hostile(&stdout(&o), "key inspect");
    assert!(stdout(&o).contains("\\u{1b}]0;pwned"), "{}", stdout(&o));
    assert!(stdout(&o).contains("\\u{202e}"), "{}", stdout(&o));
    let o = run(&["key", "inspect", "--json", path.to_str().unwrap()]);
    assert_no_hostile(&stdout(&o), "key inspect --json");
    // The JSON stays exact: the escapes are JSON's own.
    assert_eq!(json_out(&o)[0]["use"], "sig\u{2066}x\u{2069}");

    let claims = json!({"sub": "evil\u{9b}2J\u{202e}gnp.exe", "name": "\u{2067}x\u{2069}", "exp": 4_102_444_800_u64});
    let t = hs256(SECRET.as_bytes(), &obj(claims));
    for args in [vec!["decode", &t], vec!["decode", "--json", &t]] {
        let o = run(&args);
        assert_eq!(code(&o), 0);
        assert_no_hostile(&stdout(&o), &format!("{args:?}"));
    }
    assert_eq!(json_out(&run(&["decode", "--json", &t]))["claims"]["sub"], "evil\u{9b}2J\u{202e}gnp.exe");
    let prose = hs256_raw(br#"{"alg":"HS256","kid":"a\u202eb"}"#, "tail \u{9b}\u{202e}".as_bytes());
    let o = run(&["decode", &prose]);
    assert_no_hostile(&stdout(&o), "decode prose");
    assert!(stdout(&o).contains("\\u{9b}"), "{}", stdout(&o));
    let o = run(&["verify", "--at", AT, "--key", path.to_str().unwrap(), &prose]);
    assert_no_hostile(&stdout(&o), "verify");
}

#[test]
fn key_formats_are_named_not_guessed() {
    for (file, words) in [
        ("enc-pkcs8.der", &["encrypted PKCS#8", "password"][..]),
        ("pkcs12.p12", &["PKCS#12"][..]),
        ("ssh-ed25519.openssh", &["OpenSSH private key", ".pub"][..]),
        ("ssh-ed25519-encrypted.openssh", &["OpenSSH private key", "passphrase"][..]),
    ] {
        let o = run(&["key", "inspect", fixture(file).to_str().unwrap()]);
        assert_eq!(code(&o), 2, "{file}");
        for w in words {
            assert!(stderr(&o).contains(w), "{file}: {w:?} not in {}", stderr(&o));
        }
        assert!(!stderr(&o).contains("damaged"), "{file}: {}", stderr(&o));
    }
}

#[test]
fn openssh_public_keys_verify() {
    for (name, alg, kind) in [
        ("ed25519", "EdDSA", "Ed25519"),
        ("p256", "ES256", "EC P-256"),
        ("p384", "ES384", "EC P-384"),
        ("p521", "ES512", "EC P-521"),
        ("rsa", "RS256", "RSA 2048"),
    ] {
        let signer = keys::load_file(&fixture(&format!("ssh-{name}.pkcs8.pem"))).unwrap().remove(0);
        let t = sign(&obj(json!({"typ": "JWT"})), &claims(), alg, &signer).unwrap();
        let mut forms = vec![format!("ssh-{name}.pub")];
        if ["p256", "rsa"].contains(&name) {
            forms.push(format!("ssh-{name}.rfc4716"));
        }
        for form in forms {
            let path = fixture(&form);
            let o = verify_with(&["--key", path.to_str().unwrap()], &t);
            assert_eq!(code(&o), 0, "{form}: {}{}", stdout(&o), stderr(&o));
            let v = json_out(&run(&["key", "inspect", "--json", path.to_str().unwrap()]));
            assert_eq!(v[0]["kind"], kind, "{form}");
            assert_eq!(v[0]["thumbprint"], signer.thumbprint, "{form}");
            assert!(v[0]["format"].as_str().unwrap().contains("SSH"), "{form}: {}", v[0]["format"]);
        }
    }
}

#[test]
fn a_certificate_chain_loads_the_leaf_and_shows_the_rest() {
    let leaf_signer = keys::load_file(&fixture("chain-leaf.pkcs8.pem")).unwrap().remove(0);
    let root_signer = keys::load_file(&fixture("chain-root.pkcs8.pem")).unwrap().remove(0);
    let by_leaf = sign(&obj(json!({})), &claims(), "ES256", &leaf_signer).unwrap();
    let by_root = sign(&obj(json!({})), &claims(), "ES256", &root_signer).unwrap();
    for file in ["chain-leaf-first.pem", "chain-root-first.pem"] {
        let path = fixture(file);
        let v = json_out(&run(&["key", "inspect", "--json", path.to_str().unwrap()]));
        assert_eq!(v.as_array().unwrap().len(), 1, "{file}: {v}");
        assert!(v[0]["certificate"]["subject"].as_str().unwrap().contains("tokens.example.com"), "{file}");
        let chain = v[0]["certificate"]["chain"].to_string();
        assert!(chain.contains("Intermediate") && chain.contains("Root"), "{file}: {chain}");
        assert_eq!(code(&verify_with(&["--key", path.to_str().unwrap()], &by_leaf)), 0, "{file}");
        assert_eq!(code(&verify_with(&["--key", path.to_str().unwrap()], &by_root)), 1, "{file}");
        let text = stdout(&run(&["key", "inspect", path.to_str().unwrap()]));
        assert!(text.contains("chain") && text.contains("Tokenbench Test Root"), "{file}: {text}");
    }
}

#[test]
fn messages_name_the_file_once() {
    let dir = temp_dir("once");
    let path = dir.join("a.pem");
    std::fs::write(&path, "-----BEGIN PUBLIC KEY-----\nMIIB!!!\n-----END PUBLIC KEY-----\n").unwrap();
    let o = run(&["key", "inspect", path.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert_eq!(stderr(&o).matches("a.pem").count(), 1, "{}", stderr(&o));
    let path = dir.join("b.jwks");
    std::fs::write(&path, r#"{"keys":[{"kty":"EC"},{"kty":"RSA"}]}"#).unwrap();
    let o = run(&["key", "inspect", path.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert_eq!(stderr(&o).matches("b.jwks").count(), 1, "{}", stderr(&o));
}

#[test]
fn duplicate_members_are_reported_and_the_last_wins() {
    let header = br#"{"alg":"HS256","typ":"JWT","typ":"JWT"}"#;
    let payload = br#"{"sub":"alice","exp":1,"exp":4102444800,"cnf":{"jkt":"a","jkt":"b"}}"#;
    let t = hs256_raw(header, payload);
    let o = run(&["decode", &t]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for member in ["\"typ\"", "\"exp\"", "\"cnf.jkt\""] {
        assert!(out.contains(&format!("duplicate member {member}")), "{member}: {out}");
    }
    let v = json_out(&run(&["decode", "--json", &t]));
    assert_eq!(v["claims"]["exp"], 4_102_444_800_u64, "the last one wins");
    assert_eq!(v["warnings"].as_array().unwrap().len(), 3, "{v}");
    let o = verify_secret(&["--json"], &t);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let warnings = json_out(&o)["warnings"].to_string();
    assert!(warnings.contains("duplicate member \\\"exp\\\"") && warnings.contains("\\\"typ\\\""), "{warnings}");
    // The last one wins for verification too: expired.
    let expired = hs256_raw(br#"{"alg":"HS256"}"#, br#"{"exp":4102444800,"exp":1}"#);
    assert_eq!(code(&verify_secret(&[], &expired)), 1);
}
