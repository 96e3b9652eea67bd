//! Tests of JWE encryption: every `alg` x `enc` pair round trips through [`decrypt`] (with and
//! without DEFLATE), the header carries what RFC 7518 says, our own output tampered with or
//! opened with the wrong key is refused, and each unusable option is refused by name.

use std::path::Path;

use aws_lc_rs::agreement;
use serde_json::{Value, json};

use super::{
    DEFAULT_PBES2_ITERATIONS, ENCRYPTION_ALGORITHMS, EncryptInput, EncryptOptions, JweError, MIN_PBES2_ITERATIONS,
    Recipient, SUPPORTED_CONTENT_ALGORITHMS, decrypt, encrypt, encryption_algorithms,
};
use crate::core::engine::keys::{self, Key};
use crate::core::engine::limits;
use crate::core::engine::token::{decode_b64url, encode_b64url};

/// The first key of a file of assets/keys.
fn asset_key(name: &str) -> Key {
    keys::load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/keys").join(name)).unwrap().remove(0)
}

fn load_jwk(jwk: &Value) -> Key {
    let mut loaded = keys::load(jwk.to_string().as_bytes(), "test JWK").unwrap();
    assert_eq!(loaded.len(), 1);
    loaded.remove(0)
}

fn oct_key(k: &[u8]) -> Key {
    load_jwk(&json!({"kty": "oct", "k": encode_b64url(k)}))
}

/// A fresh X25519 key pair as a private JWK, its public part derived by aws-lc-rs.
fn x25519_private(kid: &str) -> Key {
    let mut d = [0u8; 32];
    aws_lc_rs::rand::fill(&mut d).unwrap();
    let private = agreement::PrivateKey::from_private_key(&agreement::X25519, &d).unwrap();
    let x = private.compute_public_key().unwrap();
    load_jwk(
        &json!({"kty": "OKP", "crv": "X25519", "kid": kid, "d": encode_b64url(&d), "x": encode_b64url(x.as_ref())}),
    )
}

/// The public half of a key, as a peer would publish it.
fn public_only(key: &Key) -> Key {
    load_jwk(&Value::Object(key.public_jwk()))
}

/// (private key, the public key to encrypt to) per curve.
fn agreement_keys() -> Vec<(&'static str, Key, Key)> {
    let x25519 = x25519_private("x25519 kid");
    let x25519_public = public_only(&x25519);
    let mut out: Vec<(&'static str, Key, Key)> = [
        ("P-256", "ec-p256-pkcs8.pem", "ec-p256-spki.pem"),
        ("P-384", "ec-p384-pkcs8.pem", "ec-p384-spki.pem"),
        ("P-521", "ec-p521-pkcs8.pem", "ec-p521-spki.pem"),
    ]
    .into_iter()
    .map(|(curve, private, public)| (curve, asset_key(private), asset_key(public)))
    .collect();
    out.push(("X25519", x25519, x25519_public));
    out
}

fn options(alg: &str, enc: &str) -> EncryptOptions {
    EncryptOptions { alg: alg.into(), enc: enc.into(), ..EncryptOptions::default() }
}

/// The five segments of a compact JWE, the header decoded.
fn segments(jwe: &str) -> (serde_json::Map<String, Value>, Vec<Vec<u8>>) {
    let parts: Vec<&str> = jwe.split('.').collect();
    assert_eq!(parts.len(), 5, "{jwe}");
    let header: Value = serde_json::from_slice(&decode_b64url(parts[0]).unwrap()).unwrap();
    let Value::Object(header) = header else { panic!("header is not an object") };
    (header, parts[1..].iter().map(|p| decode_b64url(p).unwrap()).collect())
}

fn enc_key_len(enc: &str) -> usize {
    match enc {
        "A128GCM" => 16,
        "A192GCM" => 24,
        "A256GCM" | "A128CBC-HS256" => 32,
        "A192CBC-HS384" => 48,
        "A256CBC-HS512" => 64,
        other => panic!("{other}"),
    }
}

/// Checks the header members and segments RFC 7518 requires for `alg`, whatever the key.
fn assert_rfc7518_shape(alg: &str, enc: &str, jwe: &str, zip: bool, what: &str) {
    let (header, parts) = segments(jwe);
    assert_eq!(header["alg"], alg, "{what}");
    assert_eq!(header["enc"], enc, "{what}");
    assert_eq!(header.get("zip").and_then(Value::as_str), zip.then_some("DEF"), "{what}");
    let iv_len = if enc.contains("GCM") { 12 } else { 16 };
    assert_eq!(parts[1].len(), iv_len, "{what}: IV");
    let tag_len = if enc.contains("GCM") { 16 } else { enc_key_len(enc) / 2 };
    assert_eq!(parts[3].len(), tag_len, "{what}: tag");
    // dir and direct ECDH-ES have no encrypted key (RFC 7518 §4.5, §4.6).
    let direct = alg == "dir" || alg == "ECDH-ES";
    assert_eq!(parts[0].is_empty(), direct, "{what}: encrypted key");
    assert_eq!(header.contains_key("epk"), alg.starts_with("ECDH-ES"), "{what}: epk");
    if alg.ends_with("GCMKW") {
        assert_eq!(decode_b64url(header["iv"].as_str().unwrap()).unwrap().len(), 12, "{what}: header iv");
        assert_eq!(decode_b64url(header["tag"].as_str().unwrap()).unwrap().len(), 16, "{what}: header tag");
    } else {
        assert!(!header.contains_key("iv") && !header.contains_key("tag"), "{what}");
    }
    if alg.starts_with("PBES2") {
        assert_eq!(decode_b64url(header["p2s"].as_str().unwrap()).unwrap().len(), 16, "{what}: p2s");
        assert!(header["p2c"].as_u64().is_some(), "{what}: p2c");
    } else {
        assert!(!header.contains_key("p2s") && !header.contains_key("p2c"), "{what}");
    }
    if !direct && !alg.starts_with("RSA") {
        // AES Key Wrap output is the CEK plus 8 bytes; GCM key wrap output is the CEK's length.
        let extra = if alg.ends_with("GCMKW") { 0 } else { 8 };
        assert_eq!(parts[0].len(), enc_key_len(enc) + extra, "{what}: wrapped CEK");
    }
}

#[test]
fn every_alg_and_enc_pair_round_trips_through_decrypt() {
    let rsa_private = asset_key("rsa2048-pkcs8.pem");
    let rsa_public = asset_key("rsa2048-spki.pem");
    let curves = agreement_keys();
    let plaintext = b"{\"sub\":\"alice\",\"note\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}";
    let password = b"correct horse battery staple";
    let mut round_trips = 0;
    let mut zipped = 0;
    let mut algs_seen = std::collections::BTreeSet::new();
    for enc in SUPPORTED_CONTENT_ALGORITHMS {
        // (alg, key to encrypt to, key that decrypts, what) for this enc; the password for PBES2.
        let mut cases: Vec<(String, Option<Key>, Option<Key>, String)> = vec![
            ("RSA-OAEP".into(), Some(rsa_public.clone()), Some(rsa_private.clone()), "RSA 2048".into()),
            ("RSA-OAEP-256".into(), Some(rsa_public.clone()), Some(rsa_private.clone()), "RSA 2048".into()),
        ];
        for (bits, len) in [(128, 16), (192, 24), (256, 32)] {
            let k = oct_key(&vec![u8::try_from(len).unwrap(); len]);
            cases.push((format!("A{bits}KW"), Some(k.clone()), Some(k.clone()), format!("oct {len}")));
            cases.push((format!("A{bits}GCMKW"), Some(k.clone()), Some(k), format!("oct {len}")));
            cases.push((format!("PBES2-HS{}+A{bits}KW", bits * 2), None, None, "password".into()));
        }
        let dir = oct_key(&vec![7; enc_key_len(enc)]);
        cases.push(("dir".into(), Some(dir.clone()), Some(dir), format!("oct {}", enc_key_len(enc))));
        for (curve, private, public) in &curves {
            for alg in ["ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"] {
                cases.push((alg.into(), Some(public.clone()), Some(private.clone()), (*curve).into()));
            }
        }
        for (alg, to, with, what) in cases {
            let zip = round_trips % 2 == 1;
            let what = format!("{alg} {enc} {what} zip={zip}");
            let opts = EncryptOptions {
                zip,
                p2c: alg.starts_with("PBES2").then_some(MIN_PBES2_ITERATIONS),
                ..options(&alg, enc)
            };
            let recipient = match &to {
                Some(key) => Recipient::Key(key),
                None => Recipient::Password(password),
            };
            let jwe = encrypt(plaintext, recipient, &opts).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_rfc7518_shape(&alg, enc, &jwe, zip, &what);
            let keys: Vec<Key> = with.into_iter().collect();
            let pw = to.is_none().then_some(&password[..]);
            let got = decrypt(&jwe, &keys, pw).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(got.plaintext, plaintext, "{what}");
            assert_eq!(got.protected_header, segments(&jwe).0, "{what}");
            // The same plaintext encrypted again differs: a fresh CEK or IV each time.
            let again = encrypt(plaintext, recipient, &opts).unwrap();
            assert_ne!(again, jwe, "{what}");
            round_trips += 1;
            zipped += usize::from(zip);
            algs_seen.insert(alg);
        }
    }
    // 6 enc x (2 RSA + 3 KW + 3 GCMKW + dir + 4 ECDH-ES x 4 curves + 3 PBES2).
    assert_eq!(round_trips, 6 * (2 + 3 + 3 + 1 + 4 * 4 + 3));
    assert_eq!(round_trips, 168);
    assert_eq!(zipped, 84);
    assert_eq!(algs_seen.len(), ENCRYPTION_ALGORITHMS.len());
}

/// The two lists stay one: every `alg` decrypted is encrypted with, in the same order, but
/// `RSA1_5` (decrypt only).
#[test]
fn every_decrypted_alg_but_rsa1_5_is_encrypted_with() {
    let decrypted: Vec<&str> = super::SUPPORTED_KEY_ALGORITHMS.into_iter().filter(|alg| *alg != "RSA1_5").collect();
    assert_eq!(ENCRYPTION_ALGORITHMS.to_vec(), decrypted);
}

#[test]
fn the_ephemeral_key_is_fresh_on_the_recipients_curve() {
    for (curve, private, public) in agreement_keys() {
        let jwe1 = encrypt(b"x", Recipient::Key(&public), &options("ECDH-ES", "A256GCM")).unwrap();
        let jwe2 = encrypt(b"x", Recipient::Key(&private), &options("ECDH-ES", "A256GCM")).unwrap();
        let (h1, _) = segments(&jwe1);
        let (h2, _) = segments(&jwe2);
        let epk = h1["epk"].as_object().unwrap();
        assert_eq!(epk["crv"], curve);
        assert_eq!(epk["kty"], if curve == "X25519" { "OKP" } else { "EC" });
        assert_eq!(epk.contains_key("y"), curve != "X25519", "{curve}");
        assert!(!epk.contains_key("d"), "{curve}: the ephemeral private key never leaves");
        let public_jwk = public.public_jwk();
        assert_ne!(epk["x"], public_jwk["x"], "{curve}: epk is not the recipient's key");
        assert_ne!(h1["epk"], h2["epk"], "{curve}: a new ephemeral key per JWE");
        // A private key's public part serves as well as the public key itself.
        assert_eq!(decrypt(&jwe2, &[private], None).unwrap().plaintext, b"x");
    }
}

#[test]
fn kid_cty_and_zip_land_in_the_protected_header() {
    let key = load_jwk(&json!({"kty": "oct", "k": encode_b64url(&[3; 16]), "kid": "k-1"}));
    let jwe = encrypt(b"hi", Recipient::Key(&key), &options("A128KW", "A128GCM")).unwrap();
    assert_eq!(segments(&jwe).0["kid"], "k-1", "the key's kid by default");
    let opts = EncryptOptions {
        kid: Some("chosen".into()),
        cty: Some("JWT".into()),
        zip: true,
        ..options("A128KW", "A128GCM")
    };
    let jwe = encrypt(b"hi", Recipient::Key(&key), &opts).unwrap();
    let (header, _) = segments(&jwe);
    assert_eq!(header["kid"], "chosen");
    assert_eq!(header["cty"], "JWT");
    assert_eq!(header["zip"], "DEF");
    let no_kid = oct_key(&[3; 16]);
    let jwe = encrypt(b"hi", Recipient::Key(&no_kid), &options("A128KW", "A128GCM")).unwrap();
    assert!(!segments(&jwe).0.contains_key("kid"));
    // A password has no kid of its own.
    let opts = EncryptOptions { p2c: Some(1000), ..options("PBES2-HS256+A128KW", "A128GCM") };
    let jwe = encrypt(b"hi", Recipient::Password(b"pw"), &opts).unwrap();
    assert!(!segments(&jwe).0.contains_key("kid"));
    assert_eq!(segments(&jwe).0["p2c"], 1000);
}

#[test]
fn zip_compresses_what_repeats() {
    let key = oct_key(&[1; 32]);
    let plaintext = vec![b'a'; 10_000];
    let plain = encrypt(&plaintext, Recipient::Key(&key), &options("dir", "A256GCM")).unwrap();
    let opts = EncryptOptions { zip: true, ..options("dir", "A256GCM") };
    let zipped = encrypt(&plaintext, Recipient::Key(&key), &opts).unwrap();
    assert!(segments(&zipped).1[2].len() < 200, "10,000 'a's deflate to a few bytes");
    assert_eq!(segments(&plain).1[2].len(), 10_000);
    assert_eq!(decrypt(&zipped, &[key], None).unwrap().plaintext, plaintext);
}

/// `jwe` with one byte of segment `index` (0-based) flipped.
fn flip(jwe: &str, index: usize) -> String {
    let mut parts: Vec<String> = jwe.split('.').map(str::to_owned).collect();
    let mut bytes = decode_b64url(&parts[index]).unwrap();
    bytes[0] ^= 1;
    parts[index] = encode_b64url(&bytes);
    parts.join(".")
}

#[test]
fn our_output_tampered_with_is_refused() {
    let rsa_private = asset_key("rsa2048-pkcs8.pem");
    let oct = oct_key(&[5; 32]);
    let x25519 = x25519_private("t");
    let cases: [(&str, &str, &Key); 4] = [
        ("RSA-OAEP-256", "A128CBC-HS256", &rsa_private),
        ("A256KW", "A256GCM", &oct),
        ("A256GCMKW", "A128CBC-HS256", &oct),
        ("ECDH-ES", "A192CBC-HS384", &x25519),
    ];
    for (alg, enc, key) in cases {
        let jwe = encrypt(b"payload", Recipient::Key(key), &options(alg, enc)).unwrap();
        assert!(decrypt(&jwe, std::slice::from_ref(key), None).is_ok());
        // Segments 2-5: encrypted key (when there is one), IV, ciphertext, tag.
        let first = if alg == "ECDH-ES" { 2 } else { 1 };
        for index in first..5 {
            let tampered = flip(&jwe, index);
            assert_eq!(
                decrypt(&tampered, std::slice::from_ref(key), None),
                Err(JweError::CannotDecrypt),
                "{alg} {enc} segment {index}"
            );
        }
        // The protected header is the AAD: a changed member fails authentication.
        let (mut header, _) = segments(&jwe);
        header.insert("kid".into(), "swapped".into());
        let rest = jwe.split_once('.').unwrap().1;
        let rewritten = format!("{}.{rest}", encode_b64url(Value::Object(header).to_string().as_bytes()));
        assert_eq!(decrypt(&rewritten, std::slice::from_ref(key), None), Err(JweError::CannotDecrypt), "{alg}");
    }
    // The AES-GCM key wrap's own tag, in the header.
    let jwe = encrypt(b"payload", Recipient::Key(&oct), &options("A256GCMKW", "A256GCM")).unwrap();
    let (mut header, _) = segments(&jwe);
    let mut tag = decode_b64url(header["tag"].as_str().unwrap()).unwrap();
    tag[0] ^= 1;
    header.insert("tag".into(), encode_b64url(&tag).into());
    let rest = jwe.split_once('.').unwrap().1;
    let rewritten = format!("{}.{rest}", encode_b64url(Value::Object(header).to_string().as_bytes()));
    assert_eq!(decrypt(&rewritten, &[oct], None), Err(JweError::CannotDecrypt));
}

#[test]
fn the_wrong_key_or_password_is_refused() {
    let opts = options("A128KW", "A128GCM");
    let jwe = encrypt(b"secret", Recipient::Key(&oct_key(&[1; 16])), &opts).unwrap();
    assert_eq!(decrypt(&jwe, &[oct_key(&[2; 16])], None), Err(JweError::CannotDecrypt));
    let jwe = encrypt(b"secret", Recipient::Key(&oct_key(&[1; 16])), &options("dir", "A128GCM")).unwrap();
    assert_eq!(decrypt(&jwe, &[oct_key(&[2; 16])], None), Err(JweError::CannotDecrypt));
    let (alice, bob) = (x25519_private("a"), x25519_private("b"));
    for alg in ["ECDH-ES", "ECDH-ES+A256KW"] {
        let jwe = encrypt(b"secret", Recipient::Key(&alice), &options(alg, "A256GCM")).unwrap();
        assert_eq!(decrypt(&jwe, std::slice::from_ref(&bob), None), Err(JweError::CannotDecrypt), "{alg}");
    }
    // Another P-256 key: the RFC 7520 cookbook's.
    let cookbook = asset_key("ec-p256-pkcs8.pem");
    let other = load_jwk(&json!({
        "kty": "EC", "crv": "P-256",
        "x": "Ze2loSV3wrroKUN_4zhwGhCqo3Xhu1td4QjeQ5wIVR0",
        "y": "HlLtdXARY_f55A3fnzQbPcm6hgr34Mp8p-nuzQCE0Zw",
        "d": "r_kHyZ-a06rmxM3yESK84r1otSg-aQcVStkRhA-iCM8"
    }));
    let jwe = encrypt(b"secret", Recipient::Key(&cookbook), &options("ECDH-ES+A128KW", "A128GCM")).unwrap();
    assert_eq!(decrypt(&jwe, &[other], None), Err(JweError::CannotDecrypt));
    let opts = EncryptOptions { p2c: Some(1000), ..options("PBES2-HS512+A256KW", "A256CBC-HS512") };
    let jwe = encrypt(b"secret", Recipient::Password(b"right"), &opts).unwrap();
    assert_eq!(decrypt(&jwe, &[], Some(b"wrong")), Err(JweError::CannotDecrypt));
    assert_eq!(decrypt(&jwe, &[], Some(b"right")).unwrap().plaintext, b"secret");
}

fn refusal(result: Result<String, JweError>) -> (EncryptInput, String) {
    match result {
        Err(JweError::CannotEncrypt { input, reason }) => (input, reason),
        other => panic!("not a CannotEncrypt refusal: {other:?}"),
    }
}

#[test]
fn rsa1_5_is_refused_for_encryption_naming_why() {
    let rsa = asset_key("rsa2048-spki.pem");
    let (input, reason) = refusal(encrypt(b"x", Recipient::Key(&rsa), &options("RSA1_5", "A128GCM")));
    assert_eq!(input, EncryptInput::Alg);
    assert!(
        reason.contains("decrypt only") && reason.contains("Bleichenbacher") && reason.contains("RFC 8725"),
        "{reason}"
    );
    assert!(!encryption_algorithms(&rsa).contains(&"RSA1_5"));
}

#[test]
fn unknown_alg_and_enc_list_the_supported_ones() {
    let key = oct_key(&[1; 16]);
    let (input, reason) = refusal(encrypt(b"x", Recipient::Key(&key), &options("RSA-OAEP-384", "A128GCM")));
    assert_eq!(input, EncryptInput::Alg);
    assert!(reason.starts_with("\"RSA-OAEP-384\" is not supported; one of: dir, A128KW"), "{reason}");
    assert!(reason.contains("PBES2-HS512+A256KW"), "{reason}");
    let (input, reason) = refusal(encrypt(b"x", Recipient::Key(&key), &options("A128KW", "A128CBC")));
    assert_eq!(input, EncryptInput::Enc);
    assert_eq!(
        reason,
        "\"A128CBC\" is not supported; one of: A128GCM, A192GCM, A256GCM, A128CBC-HS256, A192CBC-HS384, A256CBC-HS512"
    );
    let err = encrypt(b"x", Recipient::Key(&key), &options("A128KW", "A128CBC")).unwrap_err();
    assert!(err.to_string().starts_with("\"enc\": \"A128CBC\" is not supported"), "{err}");
}

#[test]
fn a_key_that_cannot_serve_the_alg_is_named_with_what_the_alg_needs() {
    let rsa = asset_key("rsa2048-spki.pem");
    let p256 = asset_key("ec-p256-spki.pem");
    let ed25519 = asset_key("ed25519-pkcs8.pem");
    let rsa1024 = asset_key("rsa1024-pkcs8.pem");
    let cases: Vec<(&Key, &str, &str, &str)> = vec![
        (&p256, "RSA-OAEP", "A128GCM", "\"RSA-OAEP\" needs an RSA public key of 2048 to 8192 bits"),
        (&p256, "RSA-OAEP", "A128GCM", "the key is EC P-256"),
        (&rsa, "ECDH-ES", "A128GCM", "the key is RSA 2048"),
        (&rsa1024, "RSA-OAEP-256", "A128GCM", "the key is RSA 1024"),
        (&ed25519, "ECDH-ES", "A128GCM", "needs an EC public key on P-256, P-384 or P-521, or an X25519"),
        (&rsa, "A128KW", "A128GCM", "\"A128KW\" needs an oct key of 16 bytes; the key is RSA 2048"),
    ];
    for (key, alg, enc, expected) in cases {
        let (input, reason) = refusal(encrypt(b"x", Recipient::Key(key), &options(alg, enc)));
        assert_eq!(input, EncryptInput::Key, "{alg}");
        assert!(reason.contains(expected), "{alg}: {reason}");
    }
    let (_, reason) = refusal(encrypt(b"x", Recipient::Key(&oct_key(&[1; 24])), &options("A128KW", "A128GCM")));
    assert_eq!(reason, "\"A128KW\" needs an oct key of 16 bytes; the key is an oct key of 24 bytes");
    let (_, reason) = refusal(encrypt(b"x", Recipient::Key(&oct_key(&[1; 16])), &options("dir", "A256GCM")));
    assert_eq!(
        reason,
        "\"dir\" needs an oct key of 32 bytes (the key length of A256GCM); the key is an oct key of 16 bytes"
    );
    // JWK metadata: a signing key, or one whose alg is another.
    let sig = load_jwk(&json!({"kty": "oct", "k": encode_b64url(&[1; 16]), "use": "sig"}));
    let (_, reason) = refusal(encrypt(b"x", Recipient::Key(&sig), &options("A128KW", "A128GCM")));
    assert!(reason.contains("\"use\": \"sig\""), "{reason}");
    let other_alg = load_jwk(&json!({"kty": "oct", "k": encode_b64url(&[1; 16]), "alg": "A128GCMKW"}));
    let (_, reason) = refusal(encrypt(b"x", Recipient::Key(&other_alg), &options("A128KW", "A128GCM")));
    assert_eq!(reason, "its JWK \"alg\" is \"A128GCMKW\", not \"A128KW\"");
    let dir_for_enc = load_jwk(&json!({"kty": "oct", "k": encode_b64url(&[1; 16]), "alg": "A128GCM"}));
    assert!(encrypt(b"x", Recipient::Key(&dir_for_enc), &options("dir", "A128GCM")).is_ok());
    // A secret whose bytes are a public key protects nothing.
    let pem = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/keys/rsa2048-spki.pem")).unwrap();
    let public_bytes = keys::load_secret(&pem, keys::SecretEncoding::Raw, "pem as secret").unwrap();
    assert!(public_bytes.public_key_bytes.is_some());
    let (_, reason) = refusal(encrypt(b"x", Recipient::Key(&public_bytes), &options("dir", "A256GCM")));
    assert!(reason.contains("anyone has those bytes"), "{reason}");
}

#[test]
fn a_password_and_a_key_are_each_refused_where_the_other_is_needed() {
    let key = oct_key(&[1; 16]);
    let (input, reason) = refusal(encrypt(b"x", Recipient::Key(&key), &options("PBES2-HS256+A128KW", "A128GCM")));
    assert_eq!(input, EncryptInput::Key);
    assert!(reason.contains("encrypts to a password, not a key"), "{reason}");
    let (input, reason) = refusal(encrypt(b"x", Recipient::Password(b"pw"), &options("A128KW", "A128GCM")));
    assert_eq!(input, EncryptInput::Password);
    assert!(reason.contains("serves only PBES2") && reason.contains("an oct key of 16 bytes"), "{reason}");
    let opts = EncryptOptions { p2c: Some(1000), ..options("PBES2-HS256+A128KW", "A128GCM") };
    let (input, reason) = refusal(encrypt(b"x", Recipient::Password(b""), &opts));
    assert_eq!((input, reason.as_str()), (EncryptInput::Password, "it is empty"));
}

#[test]
fn p2c_is_bounded_and_only_for_pbes2() {
    let pbes2 = |p2c| EncryptOptions { p2c, ..options("PBES2-HS256+A128KW", "A128GCM") };
    let (input, reason) =
        refusal(encrypt(b"x", Recipient::Password(b"pw"), &pbes2(Some(limits::MAX_PBES2_ITERATIONS + 1))));
    assert_eq!(input, EncryptInput::P2c);
    assert!(reason.contains("over the cap of 1000000 PBES2 iterations"), "{reason}");
    let (_, reason) = refusal(encrypt(b"x", Recipient::Password(b"pw"), &pbes2(Some(999))));
    assert!(reason.contains("under 1000") && reason.contains("RFC 7518 §4.8.1.2"), "{reason}");
    let (input, reason) = refusal(encrypt(
        b"x",
        Recipient::Key(&oct_key(&[1; 16])),
        &EncryptOptions { p2c: Some(5000), ..options("A128KW", "A128GCM") },
    ));
    assert_eq!(input, EncryptInput::P2c);
    assert!(reason.contains("PBES2 only"), "{reason}");
    // The cap itself is allowed, and decryption takes it.
    let at_cap = encrypt(b"x", Recipient::Password(b"pw"), &pbes2(Some(limits::MAX_PBES2_ITERATIONS))).unwrap();
    assert_eq!(segments(&at_cap).0["p2c"], limits::MAX_PBES2_ITERATIONS);
    assert_eq!(decrypt(&at_cap, &[], Some(b"pw")).unwrap().plaintext, b"x");
    let default = encrypt(b"x", Recipient::Password(b"pw"), &pbes2(None)).unwrap();
    assert_eq!(segments(&default).0["p2c"], DEFAULT_PBES2_ITERATIONS);
}

#[test]
fn encryption_algorithms_list_what_each_key_can_encrypt_to() {
    let rsa_public = asset_key("rsa2048-spki.pem");
    assert_eq!(encryption_algorithms(&rsa_public), ["RSA-OAEP", "RSA-OAEP-256"]);
    assert_eq!(encryption_algorithms(&asset_key("rsa2048-pkcs8.pem")), ["RSA-OAEP", "RSA-OAEP-256"]);
    assert!(encryption_algorithms(&asset_key("rsa1024-pkcs8.pem")).is_empty());
    let ecdh = ["ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"];
    for (_, private, public) in agreement_keys() {
        assert_eq!(encryption_algorithms(&private), ecdh);
        assert_eq!(encryption_algorithms(&public), ecdh);
    }
    assert!(encryption_algorithms(&asset_key("ed25519-pkcs8.pem")).is_empty());
    assert_eq!(encryption_algorithms(&oct_key(&[1; 16])), ["dir", "A128KW", "A128GCMKW"]);
    assert_eq!(encryption_algorithms(&oct_key(&[1; 24])), ["dir", "A192KW", "A192GCMKW"]);
    assert_eq!(encryption_algorithms(&oct_key(&[1; 32])), ["dir", "A256KW", "A256GCMKW"]);
    assert_eq!(encryption_algorithms(&oct_key(&[1; 64])), ["dir"]);
    assert!(encryption_algorithms(&oct_key(&[1; 20])).is_empty());
    let pinned = load_jwk(&json!({"kty": "oct", "k": encode_b64url(&[1; 16]), "alg": "A128KW"}));
    assert_eq!(encryption_algorithms(&pinned), ["A128KW"]);
    // Every listed alg really encrypts with that key.
    for alg in encryption_algorithms(&rsa_public) {
        assert!(encrypt(b"x", Recipient::Key(&rsa_public), &options(alg, "A256GCM")).is_ok(), "{alg}");
    }
}

#[test]
fn aes192_key_wrap_matches_rfc_3394_sections_4_2_and_4_4() {
    let hex = |s: &str| -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    };
    let kek = hex("000102030405060708090A0B0C0D0E0F1011121314151617");
    // RFC 3394 §4.2: 128 bits of key data under a 192-bit KEK.
    let key_data = hex("00112233445566778899AABBCCDDEEFF");
    let wrapped = super::key_wrapping::aes192_kw_wrap(&kek, &key_data).unwrap();
    assert_eq!(wrapped, hex("96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D"));
    // RFC 3394 §4.4: 192 bits of key data under a 192-bit KEK.
    let key_data = hex("00112233445566778899AABBCCDDEEFF0001020304050607");
    let wrapped = super::key_wrapping::aes_kw_wrap(&kek, &key_data).unwrap();
    assert_eq!(wrapped, hex("031D33264E15D33268F24EC260743EDCE1C6C7DDEE725A936BA814915C6762D2"));
}

#[test]
fn an_x25519_key_of_low_order_is_refused_as_the_key() {
    // The all-zero u-coordinate has order 1: every shared secret with it is zero (RFC 7748 §6.1).
    let low_order = load_jwk(&json!({"kty": "OKP", "crv": "X25519", "x": encode_b64url(&[0; 32])}));
    let (input, reason) = refusal(encrypt(b"x", Recipient::Key(&low_order), &options("ECDH-ES", "A128GCM")));
    assert_eq!(input, EncryptInput::Key);
    assert_eq!(reason, "its X25519 public key gives no usable shared secret (a low-order or invalid point)");
}

#[test]
fn a_jwe_past_the_input_limit_is_refused_naming_the_limit() {
    let key = oct_key(&[1; 16]);
    let opts = options("dir", "A128GCM");
    // 8 MiB of plaintext is over 10 MiB once base64url-encoded: decrypt would refuse it.
    let plaintext = vec![b'a'; 8 * 1024 * 1024];
    let (input, reason) = refusal(encrypt(&plaintext, Recipient::Key(&key), &opts));
    assert_eq!(input, EncryptInput::Plaintext);
    assert!(reason.contains("over the 10485760-byte limit a JWE is decrypted within"), "{reason}");
    // Deflated, the same plaintext fits, and decrypts back.
    let zipped = encrypt(&plaintext, Recipient::Key(&key), &EncryptOptions { zip: true, ..opts.clone() }).unwrap();
    assert_eq!(decrypt(&zipped, std::slice::from_ref(&key), None).unwrap().plaintext, plaintext);
    let too_long = vec![0u8; limits::MAX_INPUT_BYTES + 1];
    let (input, reason) = refusal(encrypt(&too_long, Recipient::Key(&key), &opts));
    assert_eq!(input, EncryptInput::Plaintext);
    assert_eq!(reason, "it is 10485761 bytes, over the 10485760-byte limit");
}
