//! jwcrypto (Python), a test-only peer, decrypts what `tokenbench encrypt` prints, for every
//! `alg` x `enc` pair both support (all 168: 16 algs, the four ECDH-ES on P-256, P-384, P-521
//! and X25519, with all six `enc`s), and the library decrypts what jwcrypto encrypts for a few.
//! The peer is `tests/peers/jwcrypto_peer.py`, run once per direction with a batch. A missing
//! `python3` or jwcrypto fails the test (`.ci/run` installs jwcrypto); it never skips.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{asset, code, key, run, stderr, stdout, temp};
use serde_json::{Value, json};
use tokenbench::core::engine::jwe::{SUPPORTED_CONTENT_ALGORITHMS, decrypt};
use tokenbench::core::engine::keys::{self, Key};
use tokenbench::core::engine::token::{decode_b64url, encode_b64url};

/// jwcrypto's default cap on PBES2 iterations (`jwa.default_max_pbkdf2_iterations`): it
/// refuses more, so the PBES2 JWEs for it are made with this `--p2c`.
const JWCRYPTO_MAX_P2C: &str = "16384";

/// Runs the peer with one request and returns its answer; panics, naming the cause, when
/// python3 or jwcrypto is missing.
fn peer(request: &Value) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/jwcrypto_peer.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("python3 is needed for the jwcrypto peer test and cannot be run: {e}"));
    child.stdin.take().unwrap().write_all(request.to_string().as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "the jwcrypto peer failed (is jwcrypto installed? pip install jwcrypto): {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A recipient: the `tokenbench encrypt` options naming it, and the key jwcrypto decrypts with.
struct Recipient {
    /// What it is, for messages.
    name: String,
    /// `--key FILE`, `--secret-base64 B64` or `--password TEXT` (with `--p2c`).
    args: Vec<String>,
    /// The peer's KEY: `{"pem": ...}`, `{"jwk": ...}` or `{"password": ...}`.
    peer_key: Value,
}

fn pem_recipient(name: &str, public: &str, private: &str) -> Recipient {
    Recipient {
        name: name.into(),
        args: vec!["--key".into(), asset(public).to_str().unwrap().into()],
        peer_key: json!({"pem": std::fs::read_to_string(asset(private)).unwrap()}),
    }
}

/// A fresh X25519 key: its public JWK written to the file `name` for `--key` (one name per
/// test: the tests of this file run in parallel in one process and share its temporary
/// folder), the private JWK for the peer, and the key loaded for the library.
fn x25519(name: &str) -> (Recipient, Key, PathBuf) {
    use aws_lc_rs::agreement;
    let mut d = [0u8; 32];
    aws_lc_rs::rand::fill(&mut d).unwrap();
    let x = agreement::PrivateKey::from_private_key(&agreement::X25519, &d).unwrap().compute_public_key().unwrap();
    let x = encode_b64url(x.as_ref());
    let private = json!({"kty": "OKP", "crv": "X25519", "x": x, "d": encode_b64url(&d)});
    let file = temp(name);
    std::fs::write(&file, json!({"kty": "OKP", "crv": "X25519", "x": x}).to_string()).unwrap();
    let loaded = keys::load(private.to_string().as_bytes(), "x25519").unwrap().remove(0);
    let recipient = Recipient {
        name: "X25519".into(),
        args: vec!["--key".into(), file.to_str().unwrap().into()],
        peer_key: json!({"jwk": private}),
    };
    (recipient, loaded, file)
}

fn oct_recipient(k: &[u8]) -> Recipient {
    Recipient {
        name: format!("oct {} bytes", k.len()),
        args: vec!["--secret-base64".into(), encode_b64url(k)],
        peer_key: json!({"jwk": {"kty": "oct", "k": encode_b64url(k)}}),
    }
}

fn enc_key_len(enc: &str) -> usize {
    match enc {
        "A128GCM" => 16,
        "A192GCM" => 24,
        "A256GCM" | "A128CBC-HS256" => 32,
        "A192CBC-HS384" => 48,
        _ => 64,
    }
}

/// Every (alg, enc, recipient) pair: 6 enc x (2 RSA + 3 KW + 3 GCMKW + dir + 4 ECDH-ES x 4
/// curves + 3 PBES2).
fn pairs(x25519: &Recipient) -> Vec<(String, &'static str, Recipient)> {
    let mut out = Vec::new();
    for enc in SUPPORTED_CONTENT_ALGORITHMS {
        for alg in ["RSA-OAEP", "RSA-OAEP-256"] {
            out.push((alg.to_owned(), enc, pem_recipient("RSA 2048", "rsa2048-spki.pem", "rsa2048-pkcs8.pem")));
        }
        for (bits, len) in [(128, 16), (192, 24), (256, 32)] {
            let k = vec![u8::try_from(len + 1).unwrap(); len];
            out.push((format!("A{bits}KW"), enc, oct_recipient(&k)));
            out.push((format!("A{bits}GCMKW"), enc, oct_recipient(&k)));
            let password = Recipient {
                name: "password".into(),
                args: ["--password", "Thus from my lips", "--p2c", JWCRYPTO_MAX_P2C].map(String::from).to_vec(),
                peer_key: json!({"password": "Thus from my lips"}),
            };
            out.push((format!("PBES2-HS{}+A{bits}KW", bits * 2), enc, password));
        }
        out.push(("dir".to_owned(), enc, oct_recipient(&vec![0x3c; enc_key_len(enc)])));
        for alg in ["ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"] {
            for (curve, public, private) in [
                ("P-256", "ec-p256-spki.pem", "ec-p256-pkcs8.pem"),
                ("P-384", "ec-p384-spki.pem", "ec-p384-pkcs8.pem"),
                ("P-521", "ec-p521-spki.pem", "ec-p521-pkcs8.pem"),
            ] {
                out.push((alg.to_owned(), enc, pem_recipient(curve, public, private)));
            }
            let same =
                Recipient { name: x25519.name.clone(), args: x25519.args.clone(), peer_key: x25519.peer_key.clone() };
            out.push((alg.to_owned(), enc, same));
        }
    }
    out
}

#[test]
fn jwcrypto_decrypts_what_encrypt_prints_for_every_alg_and_enc_pair() {
    let (x25519, _, _) = x25519("jwcrypto-decrypts-x25519.jwk");
    let pairs = pairs(&x25519);
    assert_eq!(pairs.len(), 168);
    let mut requests = Vec::new();
    let mut expected = Vec::new();
    for (i, (alg, enc, recipient)) in pairs.iter().enumerate() {
        let zip = i % 3 == 0;
        let plaintext = format!("pair {i}: {alg} {enc} to {} {}", recipient.name, "zip ".repeat(usize::from(zip) * 8));
        let mut args: Vec<&str> = vec!["encrypt", "--alg", alg, "--enc", enc];
        args.extend(recipient.args.iter().map(String::as_str));
        if zip {
            args.push("--zip");
        }
        args.push(&plaintext);
        let o = run(&args);
        assert_eq!(code(&o), 0, "{alg} {enc} {}: {}", recipient.name, stderr(&o));
        let jwe = stdout(&o).trim_end().to_owned();
        requests.push(json!({"id": i.to_string(), "jwe": jwe, "key": recipient.peer_key}));
        expected.push((format!("{alg} {enc} {} zip={zip}", recipient.name), plaintext));
    }
    let answer = peer(&json!({"decrypt": requests}));
    let decrypted = answer["decrypted"].as_array().unwrap();
    assert_eq!(decrypted.len(), expected.len());
    let mut failures = Vec::new();
    for (got, (what, plaintext)) in decrypted.iter().zip(&expected) {
        match got["plaintext_b64u"].as_str() {
            Some(p) if decode_b64url(p).unwrap() == plaintext.as_bytes() => {}
            Some(p) => failures.push(format!("{what}: jwcrypto decrypted another plaintext {p}")),
            None => failures.push(format!("{what}: {}", got["error"])),
        }
    }
    assert!(
        failures.is_empty(),
        "jwcrypto {} refused {} of 168:\n{}",
        answer["jwcrypto"],
        failures.len(),
        failures.join("\n")
    );
}

/// One JWE jwcrypto makes and the library opens.
struct FromPeer {
    alg: &'static str,
    enc: &'static str,
    zip: bool,
    /// The key jwcrypto encrypts to (the private key's public part for RSA and ECDH-ES).
    peer_key: Value,
    /// The library's keys, or its password.
    keys: Vec<Key>,
    password: Option<&'static [u8]>,
}

#[test]
fn the_library_decrypts_what_jwcrypto_encrypts() {
    let (x25519, x25519_key, _) = x25519("jwcrypto-encrypts-x25519.jwk");
    let rsa = pem_recipient("RSA 2048", "rsa2048-spki.pem", "rsa2048-pkcs8.pem").peer_key;
    let p521 = pem_recipient("P-521", "ec-p521-spki.pem", "ec-p521-pkcs8.pem").peer_key;
    let oct = |k: &[u8]| {
        (
            json!({"jwk": {"kty": "oct", "k": encode_b64url(k)}}),
            vec![keys::load_secret(k, keys::SecretEncoding::Raw, "oct").unwrap()],
        )
    };
    let case =
        |alg, enc, zip, (peer_key, keys): (Value, Vec<Key>)| FromPeer { alg, enc, zip, peer_key, keys, password: None };
    let cases = [
        case("RSA-OAEP-256", "A256GCM", false, (rsa.clone(), vec![key("rsa2048-pkcs8.pem")])),
        case("RSA-OAEP", "A128CBC-HS256", true, (rsa, vec![key("rsa2048-pkcs8.pem")])),
        case("ECDH-ES+A192KW", "A192GCM", false, (p521.clone(), vec![key("ec-p521-pkcs8.pem")])),
        case("ECDH-ES", "A256CBC-HS512", false, (p521, vec![key("ec-p521-pkcs8.pem")])),
        case("ECDH-ES+A256KW", "A128GCM", true, (x25519.peer_key, vec![x25519_key])),
        case("A192KW", "A192CBC-HS384", false, oct(&[0x24; 24])),
        case("A192GCMKW", "A256GCM", false, oct(&[0x24; 24])),
        case("dir", "A256CBC-HS512", false, oct(&[0x64; 64])),
        FromPeer {
            password: Some(b"Thus from my lips"),
            ..case("PBES2-HS512+A256KW", "A256GCM", true, (json!({"password": "Thus from my lips"}), vec![]))
        },
    ];
    let plaintext = |i: usize, c: &FromPeer| format!("from jwcrypto, case {i}: {} {}", c.alg, c.enc);
    let requests: Vec<Value> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let plaintext_b64u = encode_b64url(plaintext(i, c).as_bytes());
            json!({
                "id": i.to_string(), "alg": c.alg, "enc": c.enc, "zip": c.zip,
                "key": c.peer_key, "plaintext_b64u": plaintext_b64u
            })
        })
        .collect();
    let answer = peer(&json!({"encrypt": requests}));
    let encrypted = answer["encrypted"].as_array().unwrap();
    assert_eq!(encrypted.len(), cases.len());
    for (i, (got, c)) in encrypted.iter().zip(&cases).enumerate() {
        let what = format!("{} {}", c.alg, c.enc);
        let jwe = got["jwe"].as_str().unwrap_or_else(|| panic!("jwcrypto {what}: {}", got["error"]));
        let opened = decrypt(jwe, &c.keys, c.password).unwrap_or_else(|e| panic!("{what} from jwcrypto: {e}"));
        assert_eq!(opened.plaintext, plaintext(i, c).as_bytes(), "{what}");
        assert_eq!(opened.header["alg"], c.alg, "{what}");
        assert_eq!(opened.header.get("zip").and_then(Value::as_str), c.zip.then_some("DEF"), "{what}");
    }
}
