//! Tests of JWE decryption on the RFC 7520 §5 cookbook and the Wycheproof JWE vectors, read in
//! place from `../shared/vectors`, plus the `RSA1_5` countermeasure and the refusals.

/// Counters the engine bumps in test builds, so a test can see which steps ran.
pub(super) mod probe {
    use std::cell::Cell;

    thread_local! {
        static CONTENT_STEPS: Cell<usize> = const { Cell::new(0) };
        static RANDOM_CEKS: Cell<usize> = const { Cell::new(0) };
    }

    /// The content decryption step ran.
    pub fn content_step() {
        CONTENT_STEPS.with(|c| c.set(c.get() + 1));
    }

    /// `RSA1_5` substituted a random CEK.
    pub fn random_cek() {
        RANDOM_CEKS.with(|c| c.set(c.get() + 1));
    }

    /// (content steps, random CEKs) so far on this thread.
    pub fn counts() -> (usize, usize) {
        (CONTENT_STEPS.with(Cell::get), RANDOM_CEKS.with(Cell::get))
    }
}

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{JweError, decrypt};
use crate::core::engine::keys::{self, Key};
use crate::core::engine::limits;
use crate::core::engine::token::encode_b64url;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Loads a JWK through the project's key loader, as a user's key file would be.
fn load_jwk(jwk: &Value, source: &str) -> Key {
    let mut loaded = keys::load(jwk.to_string().as_bytes(), source).unwrap_or_else(|e| panic!("{source}: {e}"));
    assert_eq!(loaded.len(), 1, "{source}");
    loaded.remove(0)
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// (input as text, serialization name) for every serialization an RFC 7520 example gives.
fn serializations(example: &Value) -> Vec<(String, &'static str)> {
    let output = &example["output"];
    let mut out = Vec::new();
    if let Some(compact) = output["compact"].as_str() {
        out.push((compact.to_owned(), "compact"));
    }
    if output["json"].is_object() {
        out.push((output["json"].to_string(), "general JSON"));
    }
    if output["json_flat"].is_object() {
        out.push((output["json_flat"].to_string(), "flattened JSON"));
    }
    out
}

#[test]
fn every_rfc7520_example_decrypts_in_every_serialization_for_every_recipient_key() {
    let dir = vectors().join("rfc7520_cookbook/jwe");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 13, "RFC 7520 §5.1-5.13");
    let mut decrypted = 0;
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let example = read_json(file);
        let expected = example["input"]["plaintext"].as_str().unwrap().as_bytes().to_vec();
        let password = example["input"]["pwd"].as_str().map(str::as_bytes);
        let keys: Vec<Key> = match &example["input"]["key"] {
            Value::Array(list) => list.iter().map(|k| load_jwk(k, &name)).collect(),
            Value::Object(_) => vec![load_jwk(&example["input"]["key"], &name)],
            _ => Vec::new(),
        };
        let forms = serializations(&example);
        assert!(!forms.is_empty(), "{name}");
        for (input, form) in &forms {
            if password.is_some() {
                let got = decrypt(input, &[], password).unwrap_or_else(|e| panic!("{name} {form}: {e}"));
                assert_eq!(got.plaintext, expected, "{name} {form}");
                assert_eq!(got.key_index, 0, "{name} {form}: the password is index keys.len()");
                decrypted += 1;
            }
            // Each recipient key alone opens the JWE, through its own recipient.
            let mut recipients_opened = Vec::new();
            for (i, key) in keys.iter().enumerate() {
                let got = decrypt(input, std::slice::from_ref(key), None)
                    .unwrap_or_else(|e| panic!("{name} {form} key {i}: {e}"));
                assert_eq!(got.plaintext, expected, "{name} {form} key {i}");
                assert_eq!(got.key_index, 0);
                recipients_opened.push(got.recipient);
                decrypted += 1;
            }
            if keys.len() > 1 {
                assert_eq!(recipients_opened, (0..keys.len()).collect::<Vec<_>>(), "{name} {form}");
            }
        }
    }
    // 5.1-5.8 give 3 forms each (24), 5.9 3, 5.10-5.12 two each (6), 5.13 one form with three
    // keys (3): 36 decryptions.
    assert_eq!(decrypted, 36);
}

#[test]
fn rfc7520_jwe_with_a_wrong_password_or_key_cannot_be_decrypted() {
    let dir = vectors().join("rfc7520_cookbook/jwe");
    let pbes2 = read_json(&dir.join("5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json"));
    let compact = pbes2["output"]["compact"].as_str().unwrap();
    assert_eq!(decrypt(compact, &[], Some(b"not the password")), Err(JweError::CannotDecrypt));
    let err = decrypt(compact, &[], None).unwrap_err();
    assert!(matches!(&err, JweError::NoFittingKey { needs } if needs.contains("a password")), "{err}");
    // An A128KW key with other bytes fits the recipient, and fails like any other key.
    let kw = read_json(&dir.join("5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json"));
    let mut jwk = kw["input"]["key"].clone();
    jwk["k"] = Value::String(encode_b64url(&[7u8; 16]));
    let wrong = load_jwk(&jwk, "wrong key");
    assert_eq!(decrypt(kw["output"]["compact"].as_str().unwrap(), &[wrong], None), Err(JweError::CannotDecrypt));
}

/// The JWE `alg` of a Wycheproof test, from its protected header.
fn wycheproof_alg(jwe: &str) -> String {
    let protected = if jwe.starts_with('{') {
        serde_json::from_str::<Value>(jwe).unwrap()["protected"].as_str().unwrap_or_default().to_owned()
    } else {
        jwe.split('.').next().unwrap_or_default().to_owned()
    };
    crate::core::engine::token::decode_b64url(&protected)
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|h| h["alg"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "(no header)".to_owned())
}

/// tcId 22 carries no `pt`: it is tcId 1's JWE (same protected header, encrypted key, IV,
/// ciphertext and tag) in the flattened JSON serialization, so its plaintext is tcId 1's.
fn same_parts_as_tc1(group: &Value, flattened: &str) -> Option<Vec<u8>> {
    let tc1 = group["tests"].as_array()?.iter().find(|t| t["tcId"] == 1)?;
    let json: Value = serde_json::from_str(flattened).ok()?;
    let parts: Vec<&str> =
        ["protected", "encrypted_key", "iv", "ciphertext", "tag"].iter().filter_map(|m| json[*m].as_str()).collect();
    (parts.join(".") == tc1["jwe"].as_str()?).then(|| hex(tc1["pt"].as_str().unwrap_or_default()))
}

#[test]
fn every_wycheproof_jwe_test_is_decided_as_rfc_7516_says() {
    let file = read_json(&vectors().join("wycheproof_json_web_encryption_test.json"));
    let mut passed: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    for group in file["testGroups"].as_array().unwrap() {
        let key = load_jwk(&group["private"], "wycheproof private");
        for test in group["tests"].as_array().unwrap() {
            let id = test["tcId"].as_u64().unwrap();
            let jwe = test["jwe"].as_str().unwrap();
            // tcId 22 is a well-formed flattened JSON serialization, labelled invalid only
            // because Wycheproof tests compact-only APIs; RFC 7516 §7.2 decrypts it.
            let should_decrypt = test["result"] == "valid" || id == 22;
            let expected = if id == 22 { same_parts_as_tc1(group, jwe) } else { test["pt"].as_str().map(hex) };
            let outcome = decrypt(jwe, std::slice::from_ref(&key), None);
            // A key of another algorithm (WrongCipher, Pkcs15WithOaepKey) is never tried: the
            // refusal names its JWK "alg" instead of trying it.
            let wrong_primitive = test["flags"]
                .as_array()
                .is_some_and(|f| f.iter().any(|x| x == "WrongCipher" || x == "Pkcs15WithOaepKey"));
            let ok = match (&outcome, should_decrypt) {
                (Ok(d), true) => expected.is_some_and(|pt| d.plaintext == pt),
                (Err(JweError::NoFittingKey { needs }), false) if wrong_primitive => needs.contains("has JWK \"alg\""),
                (Err(e), false) => !wrong_primitive && !matches!(e, JweError::NoFittingKey { .. }),
                _ => false,
            };
            if test["result"] == "valid" {
                valid += 1;
            } else {
                invalid += 1;
            }
            if ok {
                *passed.entry(wycheproof_alg(jwe)).or_default() += 1;
            } else {
                failures.push(format!("tcId {id} ({}): {:?}", test["comment"], outcome.map(|d| d.plaintext.len())));
            }
        }
    }
    assert_eq!((valid, invalid), (65, 74), "the file's 139 tests");
    assert!(failures.is_empty(), "{failures:#?}");
    let total: usize = passed.values().sum();
    assert_eq!(total, 139, "{passed:?}");
    println!("Wycheproof JWE passed per alg: {passed:?}");
}

#[test]
fn the_invalid_curve_point_is_refused_by_name() {
    let file = read_json(&vectors().join("wycheproof_json_web_encryption_test.json"));
    let group = &file["testGroups"][1];
    let test = group["tests"].as_array().unwrap().iter().find(|t| t["tcId"] == 51).unwrap();
    assert_eq!(test["comment"], "rejectsInvalidCurvePoint");
    let key = load_jwk(&group["private"], "wycheproof EC");
    let err = decrypt(test["jwe"].as_str().unwrap(), &[key], None).unwrap_err();
    assert!(
        matches!(&err, JweError::Malformed { at, reason } if at == "recipient #1" && reason.contains("\"epk\" is not a usable point on P-256")),
        "{err}"
    );
}

#[test]
fn rsa1_5_reaches_the_content_step_with_a_random_cek_whatever_the_padding() {
    let file = read_json(&vectors().join("wycheproof_json_web_encryption_test.json"));
    let group = file["testGroups"].as_array().unwrap().iter().find(|g| g["tests"][0]["tcId"] == 112).unwrap();
    let key = load_jwk(&group["private"], "wycheproof rsa1_5");
    let jwe_of = |id: u64| {
        group["tests"].as_array().unwrap().iter().find(|t| t["tcId"] == id).unwrap()["jwe"].as_str().unwrap().to_owned()
    };
    // 112: valid padding; 116: invalid padding; 117: first byte not zero; 114: a key of the
    // wrong size inside valid padding.
    let (steps, randoms) = probe::counts();
    assert!(decrypt(&jwe_of(112), std::slice::from_ref(&key), None).is_ok());
    assert_eq!(probe::counts(), (steps + 1, randoms), "valid padding: its own CEK, one content step");
    for id in [116, 117, 114] {
        let (steps, randoms) = probe::counts();
        assert_eq!(decrypt(&jwe_of(id), std::slice::from_ref(&key), None), Err(JweError::CannotDecrypt), "tcId {id}");
        assert_eq!(probe::counts(), (steps + 1, randoms + 1), "tcId {id}: a random CEK reached the content step");
    }
}

#[test]
fn aes192_key_wrap_matches_rfc_3394_section_4_3() {
    let kek = hex("000102030405060708090A0B0C0D0E0F1011121314151617");
    let wrapped = hex("96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D");
    let Ok(key) = super::key_management::aes_kw_unwrap(&kek, &wrapped) else { panic!("RFC 3394 §4.3 unwraps") };
    assert_eq!(key, hex("00112233445566778899AABBCCDDEEFF"));
    let mut tampered = wrapped.clone();
    tampered[5] ^= 1;
    assert!(super::key_management::aes_kw_unwrap(&kek, &tampered).is_err());
}

#[test]
fn concat_kdf_matches_rfc_7518_appendix_c() {
    // RFC 7518 Appendix C: Z, "A128GCM", apu "Alice", apv "Bob", 128 bits.
    let z = [
        158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49, 110, 163, 218, 128, 106,
        72, 246, 218, 167, 121, 140, 254, 144, 196,
    ];
    let key = super::key_management::concat_kdf(&z, "A128GCM", b"Alice", b"Bob", 16);
    assert_eq!(key, [86, 170, 141, 234, 248, 35, 109, 32, 92, 34, 40, 205, 113, 167, 16, 26]);
}

/// A compact `dir` + A128GCM JWE of `plaintext` under `key` with the given protected header.
fn seal_dir(header: &Value, key: &[u8; 16], plaintext: &[u8]) -> String {
    seal_gcm(header, &[], key, plaintext)
}

/// A compact JWE of `plaintext` sealed with AES-GCM under `cek` (16 or 32 bytes), carrying
/// `encrypted_key`.
fn seal_gcm(header: &Value, encrypted_key: &[u8], cek: &[u8], plaintext: &[u8]) -> String {
    use aws_lc_rs::aead;
    let protected = encode_b64url(header.to_string().as_bytes());
    let iv = [3u8; 12];
    let algorithm = if cek.len() == 16 { &aead::AES_128_GCM } else { &aead::AES_256_GCM };
    let sealing = aead::LessSafeKey::new(aead::UnboundKey::new(algorithm, cek).unwrap());
    let mut buffer = plaintext.to_vec();
    let tag = sealing
        .seal_in_place_separate_tag(
            aead::Nonce::assume_unique_for_key(iv),
            aead::Aad::from(protected.as_bytes()),
            &mut buffer,
        )
        .unwrap();
    format!(
        "{protected}.{}.{}.{}.{}",
        encode_b64url(encrypted_key),
        encode_b64url(&iv),
        encode_b64url(&buffer),
        encode_b64url(tag.as_ref())
    )
}

/// RFC 7748 §6.1 (the keys RFC 8037 Appendix A.6 uses): Bob's X25519 key pair, Alice's
/// ephemeral public key, and the shared secret they agree on.
const BOB_X25519_D: &str = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
const BOB_X25519_X: &str = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
const ALICE_X25519_X: &str = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
const X25519_SHARED: &str = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

fn bob_x25519() -> Key {
    load_jwk(
        &serde_json::json!({"kty": "OKP", "crv": "X25519", "kid": "Bob", "d": encode_b64url(&hex(BOB_X25519_D)), "x": encode_b64url(&hex(BOB_X25519_X))}),
        "RFC 8037 A.6 Bob",
    )
}

fn x25519_header(alg: &str, enc: &str, epk_x: &[u8]) -> Value {
    serde_json::json!({"alg": alg, "enc": enc, "epk": {"kty": "OKP", "crv": "X25519", "x": encode_b64url(epk_x)}, "apu": encode_b64url(b"Alice"), "apv": encode_b64url(b"Bob")})
}

#[test]
fn ecdh_es_on_x25519_agrees_on_the_rfc_7748_secret() {
    use aws_lc_rs::key_wrap::{AES_256, AesKek, KeyWrap};
    // The CEK is derived here from the RFC's shared secret, not from the engine's agreement:
    // decrypting proves the engine computes the same X25519 secret from Bob's key and `epk`.
    let z = hex(X25519_SHARED);
    let header = x25519_header("ECDH-ES", "A128GCM", &hex(ALICE_X25519_X));
    let cek = super::key_management::concat_kdf(&z, "A128GCM", b"Alice", b"Bob", 16);
    let jwe = seal_gcm(&header, &[], &cek, b"to Bob, from an ephemeral Alice");
    let got = decrypt(&jwe, &[bob_x25519()], None).unwrap();
    assert_eq!(got.plaintext, b"to Bob, from an ephemeral Alice");

    // ECDH-ES+A256KW: the derived key wraps a CEK (aws-lc-rs AES key wrap).
    let header = x25519_header("ECDH-ES+A256KW", "A256GCM", &hex(ALICE_X25519_X));
    let kek = super::key_management::concat_kdf(&z, "ECDH-ES+A256KW", b"Alice", b"Bob", 32);
    let cek = [0x5a; 32];
    let mut wrapped = [0u8; 40];
    AesKek::new(&AES_256, &kek).unwrap().wrap(&cek, &mut wrapped).unwrap();
    let jwe = seal_gcm(&header, &wrapped, &cek, b"wrapped for Bob");
    assert_eq!(decrypt(&jwe, &[bob_x25519()], None).unwrap().plaintext, b"wrapped for Bob");
}

#[test]
fn ecdh_es_on_x25519_refuses_a_low_order_point_and_another_curve() {
    // The all-zero u-coordinate is a low-order point: the shared secret would be zero.
    let header = x25519_header("ECDH-ES", "A128GCM", &[0; 32]);
    let jwe = seal_gcm(&header, &[], &[1; 16], b"x");
    let err = decrypt(&jwe, &[bob_x25519()], None).unwrap_err();
    assert!(
        matches!(&err, JweError::Malformed { reason, .. } if reason.contains("not a usable point on X25519")),
        "{err}"
    );
    // A P-256 epk is not for an X25519 key: the key is not tried, and the message says what
    // the recipient needs.
    let mut header = x25519_header("ECDH-ES", "A128GCM", &hex(ALICE_X25519_X));
    header["epk"] =
        serde_json::json!({"kty": "EC", "crv": "P-256", "x": encode_b64url(&[1; 32]), "y": encode_b64url(&[2; 32])});
    let jwe = seal_gcm(&header, &[], &[1; 16], b"x");
    let err = decrypt(&jwe, &[bob_x25519()], None).unwrap_err();
    assert!(matches!(&err, JweError::NoFittingKey { needs } if needs.contains("curve of \"epk\"")), "{err}");
}

fn oct_key(k: &[u8]) -> Key {
    load_jwk(&serde_json::json!({"kty": "oct", "k": encode_b64url(k)}), "test oct")
}

#[test]
fn zip_def_inflates_within_the_limit_and_names_the_limit_past_it() {
    use std::io::Write;
    let key = [9u8; 16];
    let deflate = |data: &[u8]| {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    };
    let header = serde_json::json!({"alg": "dir", "enc": "A128GCM", "zip": "DEF"});
    let small = seal_dir(&header, &key, &deflate(b"hello hello hello"));
    assert_eq!(decrypt(&small, &[oct_key(&key)], None).unwrap().plaintext, b"hello hello hello");
    let bomb = seal_dir(&header, &key, &deflate(&vec![0u8; limits::MAX_INPUT_BYTES + 1]));
    assert_eq!(
        decrypt(&bomb, &[oct_key(&key)], None),
        Err(JweError::DecompressedTooLarge { limit: limits::MAX_INPUT_BYTES })
    );
}

#[test]
fn crit_and_unprotected_zip_are_refused_by_name() {
    let key = [9u8; 16];
    let crit = seal_dir(&serde_json::json!({"alg": "dir", "enc": "A128GCM", "crit": ["exp"], "exp": 1}), &key, b"x");
    let err = decrypt(&crit, &[oct_key(&key)], None).unwrap_err();
    assert!(matches!(&err, JweError::Unsupported { what, .. } if what.contains("\"exp\"")), "{err}");
    let flattened = |protected: &str, unprotected: &Value| {
        serde_json::json!({"protected": protected, "unprotected": unprotected, "iv": "AAAAAAAAAAAAAAAA", "ciphertext": "AA", "tag": "AAAAAAAAAAAAAAAAAAAAAA"}).to_string()
    };
    let protected = encode_b64url(br#"{"enc":"A128GCM"}"#);
    let zip = flattened(&protected, &serde_json::json!({"alg": "dir", "zip": "DEF"}));
    let err = decrypt(&zip, &[oct_key(&key)], None).unwrap_err();
    assert!(
        matches!(&err, JweError::Malformed { reason, .. } if reason.contains("\"zip\" must be integrity protected")),
        "{err}"
    );
}

#[test]
fn a_member_in_two_headers_is_refused_naming_it() {
    let protected = encode_b64url(br#"{"alg":"dir","enc":"A128GCM"}"#);
    let jwe = serde_json::json!({"protected": protected, "unprotected": {"enc": "A256GCM"}, "iv": "AA", "ciphertext": "AA", "tag": "AA"});
    let err = decrypt(&jwe.to_string(), &[oct_key(&[1; 16])], None).unwrap_err();
    assert!(
        matches!(&err, JweError::Malformed { reason, .. } if reason.contains("\"enc\"") && reason.contains("disjoint")),
        "{err}"
    );
}

#[test]
fn pbes2_iteration_cap_and_salt_length_are_named() {
    let dir = vectors().join("rfc7520_cookbook/jwe");
    let pbes2 = read_json(&dir.join("5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json"));
    let compact = pbes2["output"]["compact"].as_str().unwrap();
    let (header_b64, rest) = compact.split_once('.').unwrap();
    let header: Value =
        serde_json::from_slice(&crate::core::engine::token::decode_b64url(header_b64).unwrap()).unwrap();
    let with = |name: &str, value: Value| {
        let mut h = header.clone();
        h[name] = value;
        format!("{}.{rest}", encode_b64url(h.to_string().as_bytes()))
    };
    let over = with("p2c", Value::from(u64::from(limits::MAX_PBES2_ITERATIONS) + 1));
    assert_eq!(
        decrypt(&over, &[], Some(b"pw")),
        Err(JweError::IterationsOverCap {
            at: "recipient #1".into(),
            p2c: u64::from(limits::MAX_PBES2_ITERATIONS) + 1,
            cap: limits::MAX_PBES2_ITERATIONS
        })
    );
    let short = with("p2s", Value::from(encode_b64url(&[1; 7])));
    let err = decrypt(&short, &[], Some(b"pw")).unwrap_err();
    assert!(matches!(&err, JweError::Malformed { reason, .. } if reason.contains("\"p2s\" is 7 bytes")), "{err}");
}

#[test]
fn malformed_input_names_the_segment() {
    let err = decrypt("a.b.c", &[], None).unwrap_err();
    assert!(err.to_string().contains("5 segments"), "{err}");
    let err = decrypt("eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..!!.AA.AA", &[], None).unwrap_err();
    assert!(err.to_string().starts_with("the IV (segment 3)"), "{err}");
    let header = encode_b64url(br#"{"alg":"RSA-OAEP-384","enc":"A128GCM"}"#);
    let err = decrypt(&format!("{header}.AA.AA.AA.AA"), &[], None).unwrap_err();
    assert_eq!(err, JweError::Unsupported { at: "recipient #1".into(), what: "\"alg\" \"RSA-OAEP-384\"".into() });
}

#[test]
fn the_cookbook_curve25519_ecdh_es_example_decrypts_in_every_serialization() {
    let example = read_json(&vectors().join("rfc7520_cookbook/curve25519/ecdh-es.json"));
    let key = load_jwk(&example["input"]["key"], "cookbook curve25519 Bob");
    let expected = example["input"]["plaintext"].as_str().unwrap().as_bytes();
    let forms = serializations(&example);
    assert_eq!(forms.len(), 3);
    for (input, form) in &forms {
        let got = decrypt(input, std::slice::from_ref(&key), None).unwrap_or_else(|e| panic!("{form}: {e}"));
        assert_eq!(got.plaintext, expected, "{form}");
    }
}

/// The compact form of a JWE given as a string or as a flattened JSON object (its protected
/// header, encrypted key, IV, ciphertext and tag joined by dots).
fn compact_parts(jwe: &Value) -> String {
    match jwe {
        Value::String(s) => s.clone(),
        _ => ["protected", "encrypted_key", "iv", "ciphertext", "tag"]
            .iter()
            .map(|m| jwe[*m].as_str().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("."),
    }
}

#[test]
fn the_wycheproof_json_web_crypto_jwe_tests_are_decided_like_their_twins() {
    // Each JWE of json_web_crypto_test is one of json_web_encryption_test (same parts); the
    // crypto file gives no `pt`, so the plaintext expected is its twin's.
    let encryption = read_json(&vectors().join("wycheproof_json_web_encryption_test.json"));
    let twins: BTreeMap<String, &Value> = encryption["testGroups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["tests"].as_array().unwrap())
        .map(|t| (compact_parts(&t["jwe"]), t))
        .collect();
    let crypto = read_json(&vectors().join("wycheproof_json_web_crypto_test.json"));
    let (mut decrypted, mut refused, mut failures) = (0, 0, Vec::new());
    for group in crypto["testGroups"].as_array().unwrap() {
        let jwe_tests: Vec<&Value> =
            group["tests"].as_array().unwrap().iter().filter(|t| t.get("jwe").is_some()).collect();
        if jwe_tests.is_empty() {
            continue;
        }
        let key = load_jwk(&group["private"], "wycheproof crypto private");
        for test in jwe_tests {
            let id = test["tcId"].as_u64().unwrap();
            let input = match &test["jwe"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let twin = twins.get(&compact_parts(&test["jwe"])).unwrap_or_else(|| panic!("tcId {id} has no twin"));
            // The JSON serialization (labelled invalid for compact-only APIs) decrypts (RFC 7516 §7.2).
            let json_serialization =
                test["flags"].as_array().is_some_and(|f| f.iter().any(|x| x == "JsonSerialization"));
            let outcome = decrypt(&input, std::slice::from_ref(&key), None);
            match (outcome, test["result"] == "valid" || json_serialization) {
                (Ok(d), true) if twin["pt"].as_str().is_some_and(|pt| d.plaintext == hex(pt)) => decrypted += 1,
                (Err(_), false) => refused += 1,
                (outcome, _) => failures.push(format!("tcId {id}: {:?}", outcome.map(|d| d.plaintext))),
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!((decrypted, refused), (3, 31), "34 JWE tests: 2 valid, tcId 66 (JSON), 31 invalid");
}

#[test]
fn recipients_and_key_attempts_are_capped_and_the_cap_named() {
    let dir = vectors().join("rfc7520_cookbook/jwe");
    let kw = read_json(&dir.join("5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json"));
    let compact = kw["output"]["compact"].as_str().unwrap();
    // Without its kid, the right key gets no priority (see the_key_named_by_kid_is_tried_first).
    let mut jwk = kw["input"]["key"].clone();
    jwk.as_object_mut().unwrap().remove("kid");
    let right = load_jwk(&jwk, "5.8 key without kid");
    let wrong: Vec<Key> = (0..=limits::MAX_KEY_ATTEMPTS).map(|i| oct_key(&[u8::try_from(i).unwrap(); 16])).collect();
    // Exactly the cap of wrong keys: all tried, none opened it.
    assert_eq!(decrypt(compact, &wrong[..limits::MAX_KEY_ATTEMPTS], None), Err(JweError::CannotDecrypt));
    // One more, and the right key after them: the cap stops before it, and says so.
    let mut keys = wrong.clone();
    keys.push(right.clone());
    assert_eq!(decrypt(compact, &keys, None), Err(JweError::TooManyAttempts { limit: limits::MAX_KEY_ATTEMPTS }));
    // The right key within the cap opens it.
    let mut keys = wrong[..limits::MAX_KEY_ATTEMPTS - 1].to_vec();
    keys.push(right);
    assert_eq!(decrypt(compact, &keys, None).unwrap().key_index, limits::MAX_KEY_ATTEMPTS - 1);

    let general = &read_json(&dir.join("5_13.encrypting_to_multiple_recipients.json"))["output"]["json"];
    let mut many = general.clone();
    let first = general["recipients"][0].clone();
    many["recipients"] = Value::Array(vec![first; limits::MAX_RECIPIENTS + 1]);
    assert_eq!(
        decrypt(&many.to_string(), &[], None),
        Err(JweError::TooManyRecipients { count: limits::MAX_RECIPIENTS + 1, limit: limits::MAX_RECIPIENTS })
    );
}

#[test]
fn an_rsa_key_aws_lc_cannot_decrypt_with_is_named_not_tried() {
    let dir = vectors().join("rfc7520_cookbook/jwe");
    let oaep = read_json(&dir.join("5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json"));
    let pem = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/keys/rsa1024-pkcs8.pem")).unwrap();
    let small = keys::load(&pem, "rsa1024-pkcs8.pem").unwrap().remove(0);
    let err = decrypt(oaep["output"]["compact"].as_str().unwrap(), &[small], None).unwrap_err();
    assert!(
        matches!(&err, JweError::NoFittingKey { needs } if needs.contains("key #1 is RSA 1024: RSA decryption here takes 2048 to 8192 bits")),
        "{err}"
    );
}

#[test]
fn an_x25519_key_exports_and_reloads_as_itself() {
    use crate::core::engine::sign::{ExportFormat, default_alg, export};
    let key = bob_x25519();
    assert_eq!(default_alg(&key), "ECDH-ES");
    let pem = export(&key, ExportFormat::Pem, true).unwrap();
    let from_pem = keys::load(pem.as_bytes(), "exported.pem").unwrap().remove(0);
    assert_eq!((&from_pem.material, &from_pem.private), (&key.material, &key.private));
    let jwk = export(&key, ExportFormat::Jwk, true).unwrap();
    let from_jwk = keys::load(jwk.as_bytes(), "exported.jwk").unwrap().remove(0);
    assert_eq!((&from_jwk.material, &from_jwk.private), (&key.material, &key.private));
    assert_eq!(from_jwk.key_use.as_deref(), Some("enc"));
    let public = export(&key, ExportFormat::Pem, false).unwrap();
    assert_eq!(keys::load(public.as_bytes(), "public.pem").unwrap().remove(0).material, key.material);
}

#[test]
fn a_modified_aad_or_shared_header_member_fails_authentication() {
    let dir = vectors().join("rfc7520_cookbook/jwe");
    let example = read_json(&dir.join("5_10.including_additional_authentication_data.json"));
    let key = load_jwk(&example["input"]["key"], "5.10 key");
    let flat = &example["output"]["json_flat"];
    assert!(decrypt(&flat.to_string(), std::slice::from_ref(&key), None).is_ok());
    let mut modified = flat.clone();
    modified["aad"] = Value::from(encode_b64url(b"another AAD"));
    assert_eq!(decrypt(&modified.to_string(), std::slice::from_ref(&key), None), Err(JweError::CannotDecrypt));
    modified["aad"] = Value::from("not base64url!");
    let err = decrypt(&modified.to_string(), std::slice::from_ref(&key), None).unwrap_err();
    assert!(err.to_string().starts_with("the \"aad\" member: not base64url"), "{err}");
    // 5.12 protects the content only: its `enc` is in the shared unprotected header, and an
    // `enc` changed there decrypts nothing.
    let example = read_json(&dir.join("5_12.protecting_content_only.json"));
    let key = load_jwk(&example["input"]["key"], "5.12 key");
    let mut modified = example["output"]["json_flat"].clone();
    assert_eq!(modified["unprotected"]["enc"], "A128GCM");
    modified["unprotected"]["enc"] = Value::from("A256GCM");
    assert_eq!(decrypt(&modified.to_string(), std::slice::from_ref(&key), None), Err(JweError::CannotDecrypt));
}

#[test]
fn the_key_named_by_kid_is_tried_first() {
    let dir = vectors().join("rfc7520_cookbook/jwe");
    let kw = read_json(&dir.join("5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json"));
    let compact = kw["output"]["compact"].as_str().unwrap();
    let right = load_jwk(&kw["input"]["key"], "5.8 key");
    assert!(right.kid.is_some());
    // More wrong keys than the attempt cap, then the key the header's kid names: it is found.
    let mut keys: Vec<Key> = (0..=limits::MAX_KEY_ATTEMPTS).map(|i| oct_key(&[u8::try_from(i).unwrap(); 16])).collect();
    keys.push(right);
    let (steps, _) = probe::counts();
    let got = decrypt(compact, &keys, None).unwrap();
    assert_eq!(got.key_index, limits::MAX_KEY_ATTEMPTS + 1);
    assert_eq!(probe::counts().0, steps + 1, "only the named key reached the content step");
}
