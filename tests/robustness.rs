//! Bad input never panics: 10 MB tokens, hostile JSON, and deterministic mutation fuzzing of
//! tokens and key files through the parser, the key store and the verifier.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use serde_json::json;
use tokenbench::core::keys::{self, SecretEncoding};
use tokenbench::core::sign::sign;
use tokenbench::core::token::{self, MAX_TOKEN_BYTES, encode_b64url};
use tokenbench::core::verify::{Policy, verify};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n as u64)).unwrap()
    }
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let pos = rng.below(out.len().max(1));
        match rng.below(5) {
            0 if !out.is_empty() => out[pos] = u8::try_from(rng.below(256)).unwrap(),
            1 if !out.is_empty() => {
                out.remove(pos);
            }
            2 => {
                const NASTY: &[u8] = b"=.?+/ {}[]\"\\\n\x00";
                out.insert(pos.min(out.len()), NASTY[rng.below(NASTY.len())]);
            }
            3 if !out.is_empty() => {
                let end = (pos + rng.below(16)).min(out.len());
                let chunk = out[pos..end].to_vec();
                out.splice(pos..pos, chunk);
            }
            _ => out.truncate(pos),
        }
    }
    out
}

#[test]
fn a_10_mb_token_parses_and_verifies() {
    let secret = keys::load_secret(&[9u8; 32], SecretEncoding::Raw, "s").unwrap();
    // A 7 MB claim becomes about 9.4 MB of base64url: just under the 10 MiB limit.
    let big = "x".repeat(7 * 1024 * 1024);
    let claims = json!({"sub": "big", "blob": big}).as_object().unwrap().clone();
    let t = sign(&serde_json::Map::new(), &claims, "HS256", &secret).unwrap();
    assert!(t.len() > 9 * 1024 * 1024 && t.len() <= MAX_TOKEN_BYTES, "{}", t.len());
    let parsed = token::parse(&t).unwrap();
    assert!(verify(&parsed, &[secret], &Policy::default(), 0.0).valid);
    assert_eq!(parsed.claims().unwrap()["sub"], "big");
    let too_big = format!("{t}{}", "A".repeat(MAX_TOKEN_BYTES));
    assert!(matches!(token::parse(&too_big), Err(tokenbench::Error::TooLarge { .. })));
}

#[test]
fn hostile_json_is_an_error_not_a_crash() {
    let deep_payload = format!("{{\"a\":{}1{}}}", "[".repeat(5000), "]".repeat(5000));
    let t = format!("{}.{}.AAAA", encode_b64url(br#"{"alg":"HS256"}"#), encode_b64url(deep_payload.as_bytes()));
    let parsed = token::parse(&t).unwrap();
    assert!(parsed.claims().is_none());
    assert!(parsed.payload_note().unwrap().contains("deeper"), "{:?}", parsed.payload_note());
    // Verification still judges the signature and says the payload is unreadable.
    let key = keys::load_secret(&[1u8; 32], SecretEncoding::Raw, "k").unwrap();
    assert!(!verify(&parsed, &[key], &Policy::default(), 0.0).valid);
    // Many members and long strings are fine.
    let wide: serde_json::Map<String, serde_json::Value> = (0..10_000).map(|i| (format!("c{i}"), json!(i))).collect();
    let t = format!(
        "{}.{}.AAAA",
        encode_b64url(br#"{"alg":"HS256"}"#),
        encode_b64url(serde_json::to_vec(&wide).unwrap().as_slice())
    );
    assert_eq!(token::parse(&t).unwrap().claims().unwrap().len(), 10_000);
}

#[test]
fn mutated_tokens_never_panic() {
    let secret = keys::load_secret(&[3u8; 32], SecretEncoding::Raw, "s").unwrap();
    let claims = json!({"iss": "i", "aud": ["a"], "exp": 2, "nbf": 1, "iat": 1, "sub": "s"});
    let header = json!({"typ": "JWT", "kid": "k", "crit": ["b64"], "b64": true});
    let base = sign(header.as_object().unwrap(), claims.as_object().unwrap(), "HS256", &secret).unwrap();
    let json_form = format!(
        r#"{{"payload":"{}","signatures":[{{"protected":"{}","header":{{"kid":"k"}},"signature":"{}"}}]}}"#,
        base.split('.').nth(1).unwrap(),
        base.split('.').next().unwrap(),
        base.split('.').nth(2).unwrap()
    );
    let policy = Policy {
        issuer: Some("i".into()),
        audience: Some("a".into()),
        required_claims: vec!["sub".into()],
        max_lifetime: Some(10),
        ..Policy::default()
    };
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let (mut parsed, mut total) = (0, 0);
    for seed in [base.as_bytes(), json_form.as_bytes()] {
        for _ in 0..3000 {
            total += 1;
            let input = String::from_utf8_lossy(&mutate(&mut rng, seed)).into_owned();
            if let Ok(t) = token::parse(&input) {
                parsed += 1;
                let v = verify(&t, std::slice::from_ref(&secret), &policy, 1.5);
                let _ = (v.summary(), t.claims(), t.payload_note(), serde_json::to_string(&v).unwrap());
            }
        }
    }
    println!("mutation fuzz: {total} tokens, {parsed} still parsed, none panicked");
    assert!(parsed > 100, "the fuzz must reach the verifier too");
}

#[test]
fn mutated_key_files_never_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/keys");
    let mut rng = Rng(0x00c0_ffee_0000_0002);
    let mut loaded = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        for _ in 0..150 {
            if let Ok(keys) = keys::load(&mutate(&mut rng, &bytes), "fuzz") {
                loaded += keys.len();
                for k in &keys {
                    let _ = (k.material.describe(), k.public_jwk(), &k.thumbprint);
                }
            }
        }
    }
    let jwk = keys::load_file(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/keys/ec-p256-pkcs8.pem"))
        .unwrap()[0]
        .public_jwk();
    let jwk_text = serde_json::to_vec(&json!({"keys": [jwk]})).unwrap();
    for _ in 0..1000 {
        let _ = keys::load(&mutate(&mut rng, &jwk_text), "fuzz");
    }
    println!("key fuzz: {loaded} keys still loaded from mutated files, none panicked");
}
