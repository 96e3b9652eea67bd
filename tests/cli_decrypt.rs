//! `tokenbench decrypt` through the built binary: every Wycheproof JWE test decided as RFC 7516
//! says, every RFC 7520 §5 example in every serialization for every recipient key (and the
//! password), the exit codes, and messages that tell nothing about why a key failed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use std::path::{Path, PathBuf};

use common::{code, json_out, run, stderr, stdout, temp_dir};
use serde_json::Value;
use tokenbench::core::engine::token::decode_b64url;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// Writes `value` to a file in this test's folder and returns its path as text.
fn write(dir: &Path, name: &str, value: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, value).unwrap();
    path.to_str().unwrap().to_owned()
}

/// How the message starts when keys were applied and none opened it (what follows names the
/// keys tried, from the metadata alone).
const CANNOT: &str = "tokenbench: the JWE cannot be decrypted with these keys: tried ";

/// tcId 22 carries no `pt`: it is tcId 1's JWE (the same five parts) in the flattened JSON
/// serialization, so its plaintext is tcId 1's.
fn same_parts_as_tc1<'a>(group: &'a Value, flattened: &str) -> &'a str {
    let tc1 = group["tests"].as_array().unwrap().iter().find(|t| t["tcId"] == 1).unwrap();
    let json: Value = serde_json::from_str(flattened).unwrap();
    let parts: Vec<&str> =
        ["protected", "encrypted_key", "iv", "ciphertext", "tag"].iter().map(|m| json[*m].as_str().unwrap()).collect();
    assert_eq!(parts.join("."), tc1["jwe"].as_str().unwrap(), "tcId 22 is tcId 1 in JSON");
    tc1["pt"].as_str().unwrap()
}

/// Every valid test decrypts to `pt` through the CLI; every invalid one is refused (exit 1 or
/// 2, no plaintext on stdout), except tcId 22: a well-formed flattened JSON JWE that Wycheproof
/// marks invalid only for compact-only APIs, which RFC 7516 §7.2 decrypts.
#[test]
fn every_wycheproof_jwe_test_is_decided_through_the_cli() {
    let suite = read_json(&vectors().join("wycheproof_json_web_encryption_test.json"));
    let dir = temp_dir("decrypt-wycheproof");
    let (mut opened, mut refused, mut cannot) = (0, 0, 0);
    for (g, group) in suite["testGroups"].as_array().unwrap().iter().enumerate() {
        let key = write(&dir, &format!("group{g}.jwk"), &group["private"].to_string());
        for test in group["tests"].as_array().unwrap() {
            let id = test["tcId"].as_u64().unwrap();
            let jwe = match &test["jwe"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let input = write(&dir, &format!("tc{id}.jwe"), &jwe);
            let o = run(&["decrypt", "--json", "--key", &key, &format!("@{input}")]);
            let expect_open = test["result"] == "valid" || id == 22;
            if expect_open {
                assert_eq!(code(&o), 0, "tcId {id} {}: {}", test["comment"], stderr(&o));
                let got = decode_b64url(json_out(&o)["plaintext_b64u"].as_str().unwrap()).unwrap();
                let expected = if id == 22 { same_parts_as_tc1(group, &jwe) } else { test["pt"].as_str().unwrap() };
                assert_eq!(got, hex(expected), "tcId {id}");
                opened += 1;
            } else {
                let exit = code(&o);
                assert!(exit == 1 || exit == 2, "tcId {id} {}: exit {exit}", test["comment"]);
                assert_eq!(json_out(&o)["decrypted"], false, "tcId {id}");
                assert!(!stdout(&o).contains("plaintext"), "tcId {id}: {}", stdout(&o));
                if exit == 1 {
                    // Once a key is applied, a bad tag, bad padding or a wrong-length CEK all
                    // read the same: no decryption oracle.
                    let err = stderr(&o);
                    assert!(
                        err.starts_with(CANNOT) || err.starts_with("tokenbench: no loaded key fits"),
                        "tcId {id}: {err}"
                    );
                    cannot += usize::from(err.starts_with(CANNOT));
                }
                refused += 1;
            }
        }
    }
    assert_eq!((opened, refused), (66, 73), "65 valid + tcId 22; 74 invalid - tcId 22");
    assert!(cannot > 20, "most invalid tests apply the key and fail opaquely ({cannot})");
}

/// Each RFC 7520 §5 example, in each serialization it is given in, opens with each recipient's
/// key alone (and 5.3 with its password), and the text names the key or the password.
#[test]
fn every_rfc7520_example_decrypts_through_the_cli() {
    let folder = vectors().join("rfc7520_cookbook/jwe");
    let dir = temp_dir("decrypt-rfc7520");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut decrypted = 0;
    for (f, file) in files.iter().enumerate() {
        let example = read_json(file);
        let expected = example["input"]["plaintext"].as_str().unwrap();
        let keys: Vec<Value> = match &example["input"]["key"] {
            Value::Array(list) => list.clone(),
            Value::Object(_) => vec![example["input"]["key"].clone()],
            _ => Vec::new(),
        };
        let output = &example["output"];
        let forms: Vec<String> = [output["compact"].as_str().map(str::to_owned), Some(output["json"].to_string()), {
            Some(output["json_flat"].to_string())
        }]
        .into_iter()
        .flatten()
        .filter(|s| s != "null")
        .collect();
        for (s, form) in forms.iter().enumerate() {
            let input = format!("@{}", write(&dir, &format!("{f}-{s}.jwe"), form));
            if let Some(password) = example["input"]["pwd"].as_str() {
                let o = run(&["decrypt", "--password", password, &input]);
                assert_eq!(code(&o), 0, "{}: {}", file.display(), stderr(&o));
                assert!(stdout(&o).contains("with the --password"), "{}", stdout(&o));
                assert!(stdout(&o).contains("Plaintext ("), "{}", stdout(&o));
                decrypted += 1;
            }
            for (k, key) in keys.iter().enumerate() {
                let path = write(&dir, &format!("{f}-key{k}.jwk"), &key.to_string());
                let o = run(&["decrypt", "--json", "--key", &path, &input]);
                assert_eq!(code(&o), 0, "{} form {s} key {k}: {}", file.display(), stderr(&o));
                let v = json_out(&o);
                let got = decode_b64url(v["plaintext_b64u"].as_str().unwrap()).unwrap();
                assert_eq!(got, expected.as_bytes(), "{}", file.display());
                assert_eq!(v["key_index"], 0);
                if keys.len() > 1 {
                    assert_eq!(v["recipient_index"], k, "{}: key {k} opens its own recipient", file.display());
                }
                decrypted += 1;
            }
        }
    }
    assert!(decrypted >= 36, "{decrypted} decryptions");
}

/// The exit codes and what each message names.
#[test]
fn refusals_name_what_is_wrong_and_exit_as_documented() {
    let example =
        read_json(&vectors().join("rfc7520_cookbook/jwe/5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json"));
    let dir = temp_dir("decrypt-refusals");
    let key = write(&dir, "rsa.jwk", &example["input"]["key"].to_string());
    let compact = example["output"]["compact"].as_str().unwrap().to_owned();

    // No key at all: unusable (2), saying which options give one.
    let o = run(&["decrypt", &compact]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--password"), "{}", stderr(&o));

    // A JWS: nothing to decrypt (2), pointing at verify.
    let jws = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlYnl0ZXNoZXJlMDEyMzQ1Njc4OWFiY2RlZg";
    let o = run(&["decrypt", "--secret", "k", jws]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("tokenbench verify"), "{}", stderr(&o));

    // No loaded key fits the recipient's alg: 1, naming what it needs.
    let o = run(&["decrypt", "--secret", "0123456789abcdef", &compact]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("recipient #1 (RSA-OAEP) needs an RSA private key"), "{}", stderr(&o));

    // A flipped encrypted key, IV, ciphertext or tag byte: 1, the same words every time,
    // naming the key tried and the recipient (metadata), never what failed.
    let mut parts: Vec<String> = compact.split('.').map(str::to_owned).collect();
    let mut messages = Vec::new();
    for segment in [1, 2, 3, 4] {
        let mut bytes = decode_b64url(&parts[segment]).unwrap();
        bytes[0] ^= 1;
        let saved = std::mem::replace(&mut parts[segment], tokenbench::core::engine::token::encode_b64url(&bytes));
        let o = run(&["decrypt", "--key", &key, &parts.join(".")]);
        assert_eq!(code(&o), 1, "segment {segment}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
        messages.push(stderr(&o));
        parts[segment] = saved;
    }
    assert!(messages.iter().all(|m| *m == messages[0]), "{messages:?}");
    assert_eq!(
        messages[0],
        format!("{CANNOT}recipient #1 (RSA-OAEP, kid \"samwise.gamgee@hobbiton.example\"): key #1\n")
    );

    // A malformed IV segment: 2, naming the segment.
    let mut broken: Vec<&str> = compact.split('.').collect();
    broken[2] = "not*base64";
    let o = run(&["decrypt", "--key", &key, &broken.join(".")]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("IV"), "{}", stderr(&o));

    // An alg this engine does not implement: 2, naming it.
    let header = tokenbench::core::engine::token::encode_b64url(br#"{"alg":"RSA-OAEP-384","enc":"A256GCM"}"#);
    let odd = format!("{header}.{}", compact.split_once('.').unwrap().1);
    let o = run(&["decrypt", "--key", &key, &odd]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("\"alg\" \"RSA-OAEP-384\" is not supported"), "{}", stderr(&o));

    // --json on a refusal: one object saying so.
    let o = run(&["decrypt", "--json", "--secret", "0123456789abcdef", &compact]);
    assert_eq!(code(&o), 1);
    assert_eq!(json_out(&o)["decrypted"], false);
    assert!(json_out(&o)["error"].as_str().unwrap().contains("needs an RSA private key"));
}

/// `RSA1_5` decrypts (RFC 7520 §5.1) with a warning naming the attack, in text and JSON.
#[test]
fn rsa1_5_decrypts_with_a_warning() {
    let example =
        read_json(&vectors().join("rfc7520_cookbook/jwe/5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json"));
    let dir = temp_dir("decrypt-rsa15");
    let key = write(&dir, "rsa.jwk", &example["input"]["key"].to_string());
    let compact = example["output"]["compact"].as_str().unwrap();
    let o = run(&["decrypt", "--key", &key, compact]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("DECRYPTED (RSA1_5, A128CBC-HS256) with key #1"), "{}", stdout(&o));
    assert!(stdout(&o).contains("Bleichenbacher"), "{}", stdout(&o));
    let o = run(&["decrypt", "--json", "--key", &key, compact]);
    let warnings = json_out(&o)["warnings"].to_string();
    assert!(warnings.contains("RFC 8725 §3.2"), "{warnings}");
}

/// The nested-JWT sample: the CLI decrypts it with the sample keys and judges the ID token
/// inside (exit 0, valid); the window, given the same keys and clock, shows the same plaintext
/// and the same verdict. Without the signing key the nested JWT is not valid: exit 1.
#[test]
fn the_nested_sample_is_judged_alike_by_the_cli_and_the_window() {
    use tokenbench::ui::platform::FakePlatform;
    use tokenbench::ui::state::{AppState, Command, DecryptCommand};

    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let nested = format!("@{}", samples.join("samples/08-nested-jwt-rsa-oaep-256.jwt").display());
    let enc_key = samples.join("keys/rfc7516-a2-private.jwk").display().to_string();
    let jwks = samples.join("keys/sample-jwks.json").display().to_string();
    let at = "1800000000";
    let o = run(&["decrypt", "--json", "--at", at, "--key", &enc_key, "--key", &jwks, &nested]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let cli = json_out(&o);
    assert_eq!(cli["plaintext_kind"], "jws");
    assert_eq!(cli["nested"]["valid"], true);
    assert_eq!(cli["verified"], true);
    assert!(cli.get("not_verified").is_none());
    assert_eq!(cli["nested"]["claims"]["name"], "Jane Doe");
    let text = stdout(&run(&["decrypt", "--at", at, "--key", &enc_key, "--key", &jwks, &nested]));
    assert!(text.contains("with key #1 kid \"rfc7516-a2-encryption\""), "{text}");

    let mut platform = FakePlatform::default();
    let mut state = AppState::default();
    for c in [
        Command::Clock(tokenbench::ui::state::ClockCommand::Set(1_800_000_000.0)),
        Command::LoadTokenFile(samples.join("samples/08-nested-jwt-rsa-oaep-256.jwt")),
        Command::LoadKeyFiles(vec![enc_key.clone().into(), jwks.clone().into()]),
        Command::Decrypt(DecryptCommand::WithKey(0)),
    ] {
        state.handle(c, &mut platform);
    }
    let start = std::time::Instant::now();
    while state.decryption.opened.is_none() && start.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(5));
        state.tick(&mut platform);
    }
    let (opened, _) = state.decryption.opened.as_ref().expect("the window decrypted it");
    let plaintext = decode_b64url(cli["plaintext_b64u"].as_str().unwrap()).unwrap();
    assert_eq!(opened.decrypted.plaintext, plaintext);
    let window = state.judgment.as_ref().unwrap();
    assert_eq!(window.verification.valid, cli["nested"]["valid"].as_bool().unwrap());
    assert!(text.contains(&window.title()), "the CLI prints the window's verdict {:?}:\n{text}", window.title());

    // Without the key that signed it, the nested JWT is not valid, and decrypt says so.
    let o = run(&["decrypt", "--at", at, "--key", &enc_key, &nested]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("Nested JWT"), "{}", stdout(&o));
}

/// What the exit code promises: claims nobody signed are not a pass when `--iss`/`--aud` ask
/// who made them or the header says JWT; a JWE inside opens with the keys given and its
/// content is judged; a `Bearer ` prefix is read as decode reads it.
#[test]
fn unsigned_or_unopened_content_is_never_a_pass() {
    use tokenbench::core::engine::jwe::{EncryptOptions, Recipient, encrypt};
    use tokenbench::core::engine::keys;

    let dir = temp_dir("decrypt-unverified");
    let jwk = |k: &[u8], kid: &str| serde_json::json!({"kty": "oct", "k": tokenbench::core::engine::token::encode_b64url(k), "kid": kid});
    let outer = jwk(&[1; 32], "outer");
    let inner = jwk(&[2; 16], "inner");
    let outer_path = write(&dir, "outer.jwk", &outer.to_string());
    let inner_path = write(&dir, "inner.jwk", &inner.to_string());
    let key = |v: &Value| keys::load(v.to_string().as_bytes(), "k").unwrap().remove(0);
    let dir_opts = |enc: &str, cty: Option<&str>| EncryptOptions {
        alg: "dir".into(),
        enc: enc.into(),
        cty: cty.map(str::to_owned),
        ..EncryptOptions::default()
    };
    let claims = br#"{"sub":"admin","iss":"https://evil.example/","exp":1000}"#;

    // Claims, no cty, nothing asked of them: decrypted, exit 0, with the not-signed warning.
    let plain = encrypt(claims, Recipient::Key(&key(&outer)), &dir_opts("A256GCM", None)).unwrap();
    let o = run(&["decrypt", "--key", &outer_path, &plain]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("encrypted but not signed"), "{}", stdout(&o));
    // Exit 0 (decrypted, nothing asked of it), but never "verified": nobody signed it.
    let v = json_out(&run(&["decrypt", "--json", "--key", &outer_path, &plain]));
    assert_eq!(v["verified"], false);
    assert!(v["not_verified"].as_str().unwrap().contains("a JSON object, not a signed JWT"), "{v}");
    // The same with --iss: nothing says who made them, exit 1.
    let o = run(&["decrypt", "--json", "--iss", "https://id.example.com/", "--key", &outer_path, &plain]);
    assert_eq!(code(&o), 1);
    let v = json_out(&o);
    assert_eq!((v["decrypted"].as_bool(), v["verified"].as_bool()), (Some(true), Some(false)));
    assert!(v["not_verified"].as_str().unwrap().contains("an issuer or audience was asked for"), "{v}");
    // cty JWT over claims: exit 1 without being asked, and the text says why.
    let as_jwt = encrypt(claims, Recipient::Key(&key(&outer)), &dir_opts("A256GCM", Some("JWT"))).unwrap();
    let o = run(&["decrypt", "--key", &outer_path, &as_jwt]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("NOT VERIFIED: the header says \"cty\": \"JWT\""), "{}", stdout(&o));

    // A JWE inside a JWE around an alg:none JWT: with both keys it is opened and judged
    // (invalid: unsigned); with the outer key only it stays a JWE, exit 1.
    let none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.";
    let inner_jwe = encrypt(none.as_bytes(), Recipient::Key(&key(&inner)), &dir_opts("A128GCM", None)).unwrap();
    let nested =
        encrypt(inner_jwe.as_bytes(), Recipient::Key(&key(&outer)), &dir_opts("A256GCM", Some("JWT"))).unwrap();
    let o = run(&["decrypt", "--json", "--key", &outer_path, "--key", &inner_path, &nested]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v = json_out(&o);
    assert_eq!(v["inner_jwes"][0]["key_index"], 1);
    assert_eq!(v["plaintext_kind"], "jws");
    assert_eq!(v["nested"]["valid"], false);
    let o = run(&["decrypt", "--key", &outer_path, &nested]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("NOT VERIFIED: the plaintext is another JWE, which these keys do not open"));

    // Read as decode reads it: a Bearer prefix and an Authorization header.
    for framed in [format!("Bearer {plain}"), format!("Authorization: Bearer {plain}")] {
        let o = run(&["decrypt", "--key", &outer_path, &framed]);
        assert_eq!(code(&o), 0, "{framed}: {}", stderr(&o));
    }
}
