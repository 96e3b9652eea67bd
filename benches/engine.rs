//! Engine benchmarks: decode, and the full verify (parse + key selection + signature + every
//! claim check) of a typical token for HS256, RS256 (2048), ES256 and EdDSA.
//!
//! `cargo bench --bench engine`; ops/s = 1 / the reported time.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;
use tokenbench::core::engine::keys::{self, Key, SecretEncoding};
use tokenbench::core::engine::sign::sign;
use tokenbench::core::engine::token::{JsonObject, parse};
use tokenbench::core::engine::verify::{Policy, verify};

const NOW: f64 = 1_700_000_000.0;

fn asset(name: &str) -> Key {
    keys::load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/keys").join(name)).unwrap().remove(0)
}

fn typical_claims() -> JsonObject {
    let v = json!({
        "iss": "https://issuer.example.com/", "sub": "user-8c2f41", "aud": "api.example.com",
        "iat": 1_699_999_900, "nbf": 1_699_999_900, "exp": 2_082_758_400, "jti": "2f1c9a7e-0c55-4d1b-9c1e-7b6f5a1d2e3f",
        "scope": "read:orders write:orders", "email": "user@example.com", "email_verified": true
    });
    v.as_object().unwrap().clone()
}

/// The claims a jsonwebtoken user would declare for the typical token.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct PeerClaims {
    iss: String,
    sub: String,
    aud: String,
    iat: u64,
    nbf: u64,
    exp: u64,
    jti: String,
    scope: String,
    email: String,
    email_verified: bool,
}

/// The jsonwebtoken key a peer would build once from the same material.
fn primitive_key(key: &Key) -> jsonwebtoken::DecodingKey {
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(serde_json::Value::Object(key.public_jwk())).unwrap();
    match &key.material {
        keys::KeyMaterial::Oct { k } => jsonwebtoken::DecodingKey::from_secret(k),
        _ => jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap(),
    }
}

fn bench(c: &mut Criterion) {
    let header: JsonObject = json!({"typ": "JWT", "kid": "bench-key"}).as_object().unwrap().clone();
    let policy = Policy {
        issuer: Some("https://issuer.example.com/".into()),
        audience: vec!["api.example.com".into()],
        leeway: 30,
        ..Policy::default()
    };
    let secret = keys::load_secret(&[42u8; 32], SecretEncoding::Raw, "bench").unwrap();
    let cases = [
        ("HS256", secret.clone(), secret),
        ("RS256", asset("rsa2048-pkcs8.pem"), asset("rsa2048-spki.pem")),
        ("ES256", asset("ec-p256-pkcs8.pem"), asset("ec-p256-spki.pem")),
        ("EdDSA", asset("ed25519-pkcs8.pem"), asset("ed25519-spki.pem")),
    ];

    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(1));
    let hs = sign(&header, &typical_claims(), "HS256", &cases[0].1).unwrap();
    // Decoding is what the user sees: the header and the whole claims map, in token order.
    group.bench_function("decode", |b| {
        b.iter(|| {
            let t = parse(black_box(&hs)).unwrap();
            assert!(t.claims().is_some());
            t
        });
    });
    for (alg, signer, verifier) in cases {
        let mut verifier = verifier;
        verifier.kid = Some("bench-key".into());
        let token = sign(&header, &typical_claims(), alg, &signer).unwrap();
        let keys = vec![verifier];
        assert!(verify(&parse(&token).unwrap(), &keys, &policy, NOW).valid);
        // The parts, to see where time goes: verify on a parsed token, and the bare primitive.
        let parsed = parse(&token).unwrap();
        group.bench_function(format!("checks_only_{alg}"), |b| {
            b.iter(|| verify(black_box(&parsed), black_box(&keys), &policy, NOW));
        });
        let sig = &parsed.signatures[0];
        let decoding = primitive_key(&keys[0]);
        let jwt_alg: jsonwebtoken::Algorithm = alg.parse().unwrap();
        group.bench_function(format!("primitive_{alg}"), |b| {
            b.iter(|| {
                assert!(
                    jsonwebtoken::crypto::verify(
                        &sig.signature_b64,
                        black_box(sig.signing_input()),
                        &decoding,
                        jwt_alg
                    )
                    .unwrap()
                );
            });
        });
        // The peer, on the same token in the same run: jsonwebtoken::decode (aws-lc backend) with
        // typed claims and the same iss/aud/leeway validation, exp/nbf against the system clock.
        let mut validation = jsonwebtoken::Validation::new(jwt_alg);
        validation.set_issuer(&["https://issuer.example.com/"]);
        validation.set_audience(&["api.example.com"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        assert!(jsonwebtoken::decode::<PeerClaims>(&token, &decoding, &validation).is_ok());
        group.bench_function(format!("peer_jsonwebtoken_decode_{alg}"), |b| {
            b.iter(|| jsonwebtoken::decode::<PeerClaims>(black_box(&token), &decoding, &validation).unwrap());
        });
        group.bench_function(format!("verify_{alg}"), |b| {
            b.iter(|| {
                let t = parse(black_box(&token)).unwrap();
                let v = verify(&t, black_box(&keys), &policy, NOW);
                assert!(v.valid);
                v
            });
        });
    }
    // jwt.io's example token (4 claims, no kid), for comparison on a well-known input.
    let jwtio = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30";
    let jwtio_key =
        vec![keys::load_secret(b"a-string-secret-at-least-256-bits-long", SecretEncoding::Utf8, "jwt.io").unwrap()];
    group.bench_function("verify_HS256_jwtio_example", |b| {
        b.iter(|| {
            let v = verify(&parse(black_box(jwtio)).unwrap(), &jwtio_key, &Policy::default(), NOW);
            assert!(v.valid);
            v
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
