//! Hostile-input benchmarks (issue 6): each shape that used to cost seconds to minutes or
//! gigabytes, timed through the same core functions the CLI and the window call.
//!
//! - key sets: a JWKS of 4,000 good + 4,000 unusable entries, 5,000 + 5,000, and 100,000 `oct`
//!   keys with distinct kids; verifying a kid-less token against those 100,000 keys;
//! - many signatures: a 10 MB JWS JSON token of 44,500 ES512 signatures (parse, then verify with
//!   and without `allow_json_serialization`), and 16 signatures, the most that are judged;
//! - big files: reading at the 10 MiB limit, a 1 GiB file and `/dev/zero` (both refused), and
//!   parsing and verifying a 10 MB token.
//!
//! `cargo bench --bench robustness`. The inputs are also written to
//! `$TMPDIR/tokenbench-hostile/` so the CLI's peak memory can be measured on them
//! (`/usr/bin/time -v tokenbench key inspect …`).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use tokenbench::core::engine::keys::Curve;
use tokenbench::core::engine::keys::{self, Key, SecretEncoding};
use tokenbench::core::engine::limits::{self, MAX_INPUT_BYTES};
use tokenbench::core::engine::sign::{self, KeySpec, sign};
use tokenbench::core::engine::token::{self, JsonObject, encode_b64url};
use tokenbench::core::engine::verify::{Policy, verify};

const NOW: f64 = 1_700_000_000.0;

fn out_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("tokenbench-hostile");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = out_dir().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A JWKS of `good` usable HMAC keys and `bad` entries that fail to load (an EC key without
/// coordinates), interleaved as an attacker would.
fn mixed_jwks(good: usize, bad: usize) -> String {
    let mut keys = Vec::with_capacity(good + bad);
    for i in 0..good.max(bad) {
        if i < good {
            keys.push(json!({"kty": "oct", "k": encode_b64url(&(i as u64).to_be_bytes().repeat(4))}));
        }
        if i < bad {
            keys.push(json!({"kty": "EC", "crv": "P-256"}));
        }
    }
    json!({ "keys": keys }).to_string()
}

fn oct_kids(n: usize) -> String {
    let keys: Vec<Value> = (0..n)
        .map(|i| json!({"kty": "oct", "kid": format!("kid-{i}"), "k": encode_b64url(&(i as u64).to_be_bytes().repeat(4))}))
        .collect();
    json!({ "keys": keys }).to_string()
}

/// A general JWS JSON token of `n` ES512 signatures, each a real signature by another P-521
/// key: well-formed, so every one judged costs a full verification, and none verifies.
fn many_signatures(n: usize) -> String {
    let other = sign::generate(KeySpec::Ec(Curve::P521)).unwrap();
    let compact = sign(
        &JsonObject::new(),
        json!({"sub": "alice", "exp": 4_102_444_800_u64}).as_object().unwrap(),
        "ES512",
        &other,
    )
    .unwrap();
    let mut parts = compact.split('.');
    let (protected, payload, signature) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    let sigs: Vec<Value> = (0..n).map(|_| json!({"protected": protected, "signature": signature})).collect();
    json!({"payload": payload, "signatures": sigs}).to_string()
}

fn asset(name: &str) -> Key {
    keys::load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/keys").join(name)).unwrap().remove(0)
}

fn key_sets(c: &mut Criterion) {
    let mut g = c.benchmark_group("robustness");
    g.sample_size(10).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    for (good, bad) in [(4_000, 4_000), (5_000, 5_000)] {
        let text = mixed_jwks(good, bad);
        write(&format!("jwks-{good}-good-{bad}-bad.json"), text.as_bytes());
        let loaded = keys::load(text.as_bytes(), "set").unwrap();
        let warnings: usize = loaded.iter().map(|k| k.warnings.len()).sum();
        println!("{good} + {bad} JWKS: {} bytes, {} keys, {warnings} warnings in all", text.len(), loaded.len());
        g.bench_function(format!("jwks_load_{good}_good_{bad}_bad"), |b| {
            b.iter(|| keys::load(black_box(text.as_bytes()), "set").unwrap());
        });
    }
    let text = oct_kids(100_000);
    write("jwks-100000-oct-kids.json", text.as_bytes());
    println!("100,000 oct kids: {} bytes", text.len());
    g.bench_function("jwks_load_100000_oct_kids", |b| {
        b.iter(|| keys::load(black_box(text.as_bytes()), "kids").unwrap());
    });
    // A kid-less HS256 token that none of them verifies: at most 64 verifications run.
    let many = keys::load(text.as_bytes(), "kids").unwrap();
    let stranger = keys::load_secret(&[0xee; 32], SecretEncoding::Raw, "stranger").unwrap();
    let t = token::parse(&sign(&JsonObject::new(), &JsonObject::new(), "HS256", &stranger).unwrap()).unwrap();
    g.bench_function("verify_kidless_token_against_100000_keys", |b| {
        b.iter(|| verify(black_box(&t), &many, &Policy::default(), NOW));
    });
    g.finish();
}

fn signatures(c: &mut Criterion) {
    let mut g = c.benchmark_group("robustness");
    g.sample_size(10).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    let p521 = vec![asset("ec-p521-spki.pem")];
    let big = many_signatures(44_500);
    write("jws-json-44500-es512.json", big.as_bytes());
    println!("44,500 ES512 signatures: {} bytes", big.len());
    assert!(big.len() <= MAX_INPUT_BYTES);
    g.bench_function("jws_json_44500_es512_parse", |b| b.iter(|| token::parse(black_box(&big)).unwrap()));
    let parsed = token::parse(&big).unwrap();
    let allow = Policy { allow_json_serialization: true, ..Policy::default() };
    for (name, policy) in [("default_policy", Policy::default()), ("json_allowed", allow.clone())] {
        g.bench_function(format!("jws_json_44500_es512_verify_{name}"), |b| {
            b.iter(|| verify(black_box(&parsed), &p521, &policy, NOW));
        });
    }
    // The most signatures judged: 16 well-formed ES512 signatures, each verified with P-521.
    let sixteen = token::parse(&many_signatures(limits::MAX_SIGNATURES)).unwrap();
    g.bench_function("jws_json_16_es512_verify_json_allowed", |b| {
        b.iter(|| verify(black_box(&sixteen), &p521, &allow, NOW));
    });
    g.finish();
}

fn big_files(c: &mut Criterion) {
    let mut g = c.benchmark_group("robustness");
    g.sample_size(10).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    let at_limit = write("at-limit-10MiB.txt", &vec![b'A'; MAX_INPUT_BYTES]);
    let huge = out_dir().join("sparse-1GiB.bin");
    std::fs::File::create(&huge).unwrap().set_len(1 << 30).unwrap();
    g.bench_function("read_10MiB_file_at_the_limit", |b| b.iter(|| limits::read_file(black_box(&at_limit)).unwrap()));
    g.bench_function("read_1GiB_file_refused", |b| b.iter(|| limits::read_file(black_box(&huge)).unwrap_err()));
    g.bench_function("read_dev_zero_refused", |b| {
        b.iter(|| limits::read_file(black_box(Path::new("/dev/zero"))).unwrap_err());
    });
    // A 10 MB token: a 7 MB claim signed with HS256, just under the limit.
    let secret = keys::load_secret(&[9u8; 32], SecretEncoding::Raw, "s").unwrap();
    let claims = json!({"sub": "big", "exp": 4_102_444_800_u64, "blob": "x".repeat(7 * 1024 * 1024)});
    let t = sign(&JsonObject::new(), claims.as_object().unwrap(), "HS256", &secret).unwrap();
    write("token-10MB.jwt", t.as_bytes());
    let keys = vec![secret];
    g.bench_function("token_10MB_parse_and_verify", |b| {
        b.iter(|| {
            let parsed = token::parse(black_box(&t)).unwrap();
            assert!(verify(&parsed, &keys, &Policy::default(), NOW).valid);
        });
    });
    g.finish();
}

criterion_group!(benches, key_sets, signatures, big_files);
criterion_main!(benches);
