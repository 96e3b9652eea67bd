//! Bad input never panics and never verifies: 10 MB tokens, hostile JSON, and deterministic
//! mutation fuzzing of tokens and key files through the parser, the key store and the verifier,
//! of claims payloads with non-standard JSON (which must never come out valid) and of policy
//! values and instants (NaN, infinities, durations beyond the calendar).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use serde_json::json;
use tokenbench::core::engine::keys::{self, SecretEncoding};
use tokenbench::core::engine::sign::{sign, sign_payload};
use tokenbench::core::engine::token::{self, MAX_TOKEN_BYTES, encode_b64url};
use tokenbench::core::engine::verify::{Policy, verify};

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
        audience: vec!["a".into()],
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
    assert!(loaded > 50, "the fuzz must reach the key parsers' success paths too: {loaded}");
}

/// Non-standard JSON constructs that lenient parsers (or other languages' encoders) produce.
const NON_STANDARD: [&str; 18] = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1e400",
    "\"\\ud800\"",
    "\"\\udfff x\"",
    "01",
    "+1",
    "0x10",
    ".5",
    "1.",
    "'single'",
    "undefined",
    "\"raw\ncontrol\"",
    "[1,]",
    "{\"a\":1,}",
    "/* comment */ 1",
];

/// A claims payload with one non-standard construct, or a structural flaw, at a random place.
fn hostile_claims(rng: &mut Rng, exp: i64) -> Vec<u8> {
    let construct = NON_STANDARD[rng.below(NON_STANDARD.len())];
    let base = format!(r#"{{"iss":"i","exp":{exp},"sub":"s","x":1}}"#);
    let s = match rng.below(8) {
        0 => base.replacen("\"x\":1", &format!("\"x\":{construct}"), 1),
        1 => base.replacen(&format!("{exp}"), construct, 1),
        2 => format!("\u{feff}{base}"),
        3 => format!("{base} {}", ["x", "{}", "null", "1"][rng.below(4)]),
        4 => base.replacen('}', ",}", 1),
        5 => base.replacen("\"sub\"", "sub", 1),
        // A duplicate member: valid JSON, the last one wins, and it must be said.
        6 => base.replacen("\"x\":1", &format!("\"exp\":{}", exp - 10_000), 1),
        _ => String::from_utf8_lossy(&mutate(rng, base.as_bytes())).into_owned(),
    };
    s.into_bytes()
}

#[test]
fn non_standard_claims_never_verify_as_valid() {
    let secret = keys::load_secret(&[3u8; 32], SecretEncoding::Raw, "s").unwrap();
    let header = serde_json::Map::new();
    let mut rng = Rng(0x0bad_c1a1_5eed_0003);
    let now = 1_000_000.0;
    let (mut refused, mut accepted) = (0, 0);
    for _ in 0..3000 {
        let exp = if rng.below(2) == 0 { 2_000_000 } else { 10 };
        let payload = hostile_claims(&mut rng, exp);
        let t = token::parse(&sign_payload(&header, &payload, "HS256", &secret).unwrap()).unwrap();
        let v = verify(&t, std::slice::from_ref(&secret), &Policy::default(), now);
        let _ = (v.summary(), serde_json::to_string(&v).unwrap(), t.warnings());
        assert_eq!(v.signature, tokenbench::core::engine::verify::SignatureVerdict::Valid);
        let strict = serde_json::from_slice::<serde_json::Value>(&payload);
        let meant_as_claims = payload.iter().find(|b| !b" \t\r\n".contains(b)) == Some(&b'{')
            || String::from_utf8_lossy(&payload).trim_start().starts_with('\u{feff}');
        let text = String::from_utf8_lossy(&payload);
        match (&strict, meant_as_claims) {
            (Err(_), true) => {
                assert!(!v.valid, "{text:?} is not strict JSON yet verified as valid");
                let claims = v.checks.iter().find(|c| c.name == "claims").unwrap_or_else(|| panic!("{text:?}"));
                assert!(claims.reason.to_string().contains("byte"), "{text:?}: {}", claims.reason);
                refused += 1;
            }
            (Ok(serde_json::Value::Object(map)), _) => {
                // Readable claims: judged exactly as the last member says.
                let exp_value = map.get("exp").and_then(serde_json::Value::as_f64);
                if v.valid {
                    assert!(exp_value.is_none_or(|e| now < e), "{text:?} valid past its exp");
                    accepted += 1;
                }
                if payload.windows(5).filter(|w| w == b"\"exp\"").count() > 1 {
                    assert!(v.warnings.iter().any(|w| w.contains("duplicate member \"exp\"")), "{text:?}");
                }
            }
            _ => {}
        }
        // The decode view agrees with the verifier on whether the claims are readable.
        assert_eq!(t.claims().is_some(), matches!(strict, Ok(serde_json::Value::Object(_))), "{text:?}");
    }
    println!("non-standard claims: {refused} refused as unreadable, {accepted} readable and in time accepted");
    assert!(refused > 1000 && accepted > 100, "{refused} {accepted}");
}

#[test]
fn hostile_policy_values_never_panic_or_fail_open() {
    use tokenbench::core::engine::limits::{EARLIEST, LATEST, MAX_DURATION_SECONDS};
    let secret = keys::load_secret(&[4u8; 32], SecretEncoding::Raw, "s").unwrap();
    let mut rng = Rng(0x0f01_1c1e_5eed_0004);
    let instants =
        [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MAX, f64::MIN, -0.0, 1e300, EARLIEST, LATEST, 1_000_000.0];
    let seconds = [0, 1, 3600, MAX_DURATION_SECONDS, MAX_DURATION_SECONDS + 1, u64::MAX / 2, u64::MAX];
    let dates = [json!(1_000_100), json!(1e300), json!(-1e300), json!(f64::MAX), json!(u64::MAX), json!(0), json!(-5)];
    let mut valid = 0;
    for _ in 0..3000 {
        let mut claims = serde_json::Map::new();
        for name in ["exp", "nbf", "iat"] {
            if rng.below(3) > 0 {
                let date = if rng.below(2) == 0 {
                    json!(999_500 + rng.below(1000))
                } else {
                    dates[rng.below(dates.len())].clone()
                };
                claims.insert(name.into(), date);
            }
        }
        let t = token::parse(&sign(&serde_json::Map::new(), &claims, "HS256", &secret).unwrap()).unwrap();
        let policy = Policy {
            leeway: seconds[rng.below(seconds.len())],
            max_lifetime: (rng.below(2) == 0).then(|| seconds[rng.below(seconds.len())]),
            required_claims: (0..rng.below(6).saturating_sub(3))
                .map(|i| ["exp", "iat", "x", "\u{202e}"][i + rng.below(2)].into())
                .collect(),
            typ: (rng.below(4) == 0).then(|| "JWT".into()),
            algorithms: (0..rng.below(6).saturating_sub(3))
                .map(|_| ["HS256", "RS256", "none", ""][rng.below(4)].into())
                .collect(),
            ..Policy::default()
        };
        let now =
            if rng.below(2) == 0 { instants[rng.below(instants.len())] } else { 999_000.0 + rng.below(2000) as f64 };
        let v = verify(&t, std::slice::from_ref(&secret), &policy, now);
        let _ = (v.summary(), serde_json::to_string(&v).unwrap());
        if v.valid {
            valid += 1;
            assert!(now.is_finite() && (EARLIEST..=LATEST).contains(&now), "{now}");
            assert!(
                policy.leeway <= MAX_DURATION_SECONDS && policy.max_lifetime.is_none_or(|m| m <= MAX_DURATION_SECONDS)
            );
            let leeway = policy.leeway as f64;
            if let Some(exp) = claims.get("exp").and_then(serde_json::Value::as_f64) {
                assert!(now < exp + leeway, "exp {exp} now {now} leeway {leeway}");
            }
            for name in ["nbf", "iat"] {
                if let Some(t) = claims.get(name).and_then(serde_json::Value::as_f64) {
                    assert!(now + leeway >= t, "{name} {t} now {now} leeway {leeway}");
                }
            }
        }
    }
    println!("policy mutation: 3000 verifications, {valid} valid, none panicked");
    assert!(valid > 100, "{valid}");
}
