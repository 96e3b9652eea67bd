//! Weak-secret cracking speed: candidates per second on one core (the engine alone and the whole
//! streamed pipeline) and on all cores, for HS256/HS384/HS512 on a typical token; then, in the
//! same run, the hardware limit the issue defines and a plain Python `hmac` loop.
//!
//! `CARGO_TARGET_DIR=/work/bench-target cargo bench --bench crack`
//!
//! The limit: `openssl speed -bytes 16384 sha256` gives SHA-256 bytes/s on one core; /64 is the
//! compression rate; a candidate costs `ceil((L + 9) / 64) + 3` compressions for a signing input
//! of L bytes. The summary after criterion's output prints our rates beside it
//! (`TOKENBENCH_CRACK_SUMMARY_ONLY=1` prints only the summary).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group};
use serde_json::json;
use tokenbench::core::engine::crack::{self, Progress, Rules, Target};
use tokenbench::core::engine::keys::{self, SecretEncoding};
use tokenbench::core::engine::sign::sign;
use tokenbench::core::engine::token::{JsonObject, parse};

/// The same typical token as the engine benchmark: an OIDC-style access token, 10 claims, a kid.
fn typical_token(alg: &str) -> String {
    let header: JsonObject = json!({"typ": "JWT", "kid": "bench-key"}).as_object().unwrap().clone();
    let claims: JsonObject = json!({
        "iss": "https://issuer.example.com/", "sub": "user-8c2f41", "aud": "api.example.com",
        "iat": 1_699_999_900, "nbf": 1_699_999_900, "exp": 2_082_758_400, "jti": "2f1c9a7e-0c55-4d1b-9c1e-7b6f5a1d2e3f",
        "scope": "read:orders write:orders", "email": "user@example.com", "email_verified": true
    })
    .as_object()
    .unwrap()
    .clone();
    // A secret that is in no list: every candidate is tested, as in a failed crack.
    let key = keys::load_secret(b"bench-secret-not-in-any-wordlist-3f9c", SecretEncoding::Raw, "bench").unwrap();
    sign(&header, &claims, alg, &key).unwrap()
}

fn target(alg: &str) -> Target {
    Target::from_token(&parse(&typical_token(alg)).unwrap()).unwrap()
}

/// Candidates like a real wordlist's: 6 to 20 bytes.
fn candidates(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("candidate-{i}-{}", "x".repeat(i % 8)).into_bytes()).collect()
}

fn wordlist(n: usize) -> Vec<u8> {
    let mut list = Vec::with_capacity(n * 20);
    for c in candidates(n) {
        list.extend_from_slice(&c);
        list.push(b'\n');
    }
    list
}

fn bench(c: &mut Criterion) {
    let batch = candidates(10_000);
    let mut group = c.benchmark_group("crack");
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.measurement_time(Duration::from_secs(4));
    for alg in ["HS256", "HS384", "HS512"] {
        let t = target(alg);
        let engine = t.engine();
        // Two candidates at a time, as the workers test them.
        group.bench_function(format!("{alg} engine, one core"), |b| {
            b.iter(|| {
                let mut hits = 0u32;
                for pair in batch.chunks_exact(2) {
                    let [x, y] = engine.test_pair(black_box(&pair[0]), black_box(&pair[1]));
                    hits += u32::from(x) + u32::from(y);
                }
                assert_eq!(hits, 0);
            });
        });
    }
    let list = wordlist(200_000);
    group.throughput(Throughput::Elements(200_000));
    let t = target("HS256");
    for threads in [1, crack::default_threads()] {
        group.bench_function(format!("HS256 streamed wordlist, {threads} thread(s)"), |b| {
            b.iter(|| {
                let r = crack::crack(&t, black_box(&list[..]), Rules::NONE, threads, &Progress::default()).unwrap();
                assert_eq!(r.candidates, 200_001, "the empty secret, then the list");
            });
        });
    }
    group.finish();
}

/// Runs of each measurement; the best is kept. This machine is shared (other builds run on the
/// same 2 cores): the best of several short runs is the rate of a run that had its core to
/// itself, for our code and for openssl alike.
const RUNS: usize = 7;

/// SHA bytes per second on one core, the best of [`RUNS`] runs of
/// `openssl speed -mr -seconds 1 -bytes 16384 ALGO`.
fn openssl_sha_bytes_per_second(algo: &str) -> Option<f64> {
    (0..RUNS)
        .filter_map(|_| {
            let out = Command::new("openssl")
                .args(["speed", "-mr", "-seconds", "1", "-bytes", "16384", algo])
                .output()
                .ok()?;
            let text = String::from_utf8_lossy(&out.stdout);
            // "+F:6:sha256:1974224163.50" (bytes per second for the one size asked).
            text.lines()
                .find_map(|l| l.strip_prefix("+F:"))
                .and_then(|rest| rest.rsplit(':').next()?.trim().parse::<f64>().ok())
        })
        .reduce(f64::max)
}

/// Candidates per second of the engine alone on this thread (pairs, as the workers test them),
/// the best of [`RUNS`] runs of 0.5 s.
fn engine_rate(t: &Target) -> f64 {
    let batch = candidates(20_000);
    let engine = t.engine();
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let mut n = 0u64;
            while start.elapsed().as_secs_f64() < 0.5 {
                for pair in batch.chunks_exact(2) {
                    black_box(engine.test_pair(black_box(&pair[0]), black_box(&pair[1])));
                }
                n += batch.len() as u64;
            }
            n as f64 / start.elapsed().as_secs_f64()
        })
        .fold(0.0, f64::max)
}

/// Candidates per second of the whole streamed crack (a 1,000,000-line in-memory list), the
/// best of [`RUNS`] runs.
fn crack_rate(t: &Target, threads: usize) -> f64 {
    let list = wordlist(1_000_000);
    (0..RUNS)
        .map(|_| crack::crack(t, &list[..], Rules::NONE, threads, &Progress::default()).unwrap().rate())
        .fold(0.0, f64::max)
}

/// The sha2 crate's own streaming compression rate on one core (bytes/s over 16 KiB buffers, as
/// openssl measures), best of [`RUNS`]: what the engine is built on.
fn sha2_bytes_per_second(block: usize) -> f64 {
    use sha2::block_api::{compress256, compress512};
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let mut bytes = 0u64;
            if block == 64 {
                let buf = vec![[7u8; 64]; 256];
                let mut state = [0u32; 8];
                while start.elapsed().as_secs_f64() < 0.3 {
                    compress256(&mut state, black_box(&buf));
                    bytes += 16_384;
                }
                black_box(state);
            } else {
                let buf = vec![[7u8; 128]; 128];
                let mut state = [0u64; 8];
                while start.elapsed().as_secs_f64() < 0.3 {
                    compress512(&mut state, black_box(&buf));
                    bytes += 16_384;
                }
                black_box(state);
            }
            bytes as f64 / start.elapsed().as_secs_f64()
        })
        .fold(0.0, f64::max)
}

const PYTHON: &str = r"
import hashlib, hmac, sys, time
msg = sys.argv[1].encode()
sig = bytes.fromhex(sys.argv[2])
digest = {'HS256': hashlib.sha256, 'HS384': hashlib.sha384, 'HS512': hashlib.sha512}[sys.argv[3]]
words = [('candidate-%d-%s' % (i, 'x' * (i % 8))).encode() for i in range(200000)]
def plain():
    n = 0
    for w in words:
        if hmac.compare_digest(hmac.new(w, msg, digest).digest(), sig):
            print('found', w)
        n += 1
    return n
def oneshot():
    n = 0
    name = sys.argv[3].replace('HS', 'sha')
    for w in words:
        if hmac.compare_digest(hmac.digest(w, msg, name), sig):
            print('found', w)
        n += 1
    return n
for f in (plain, oneshot):
    t = time.perf_counter(); n = f(); print(n / (time.perf_counter() - t))
";

/// (`hmac.new` loop, `hmac.digest` loop) candidates per second in `CPython` on the same token.
fn python_rates(alg: &str) -> Option<(f64, f64)> {
    let token = typical_token(alg);
    let t = parse(&token).unwrap();
    let sig = &t.signatures[0];
    let hex: String = sig.signature.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    });
    let input = String::from_utf8(sig.signing_input().to_vec()).unwrap();
    // Best of 3 runs, as for our rates.
    (0..3)
        .filter_map(|_| {
            let out = Command::new("python3").args(["-c", PYTHON, &input, &hex, alg]).output().ok()?;
            let text = String::from_utf8_lossy(&out.stdout);
            let mut rates = text.lines().filter_map(|l| l.trim().parse::<f64>().ok());
            Some((rates.next()?, rates.next()?))
        })
        .reduce(|a, b| (a.0.max(b.0), a.1.max(b.1)))
}

fn load_note() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(|_| "unknown".into(), |s| s.trim().to_owned())
}

fn human(rate: f64) -> String {
    if rate >= 1e6 { format!("{:.2}M/s", rate / 1e6) } else { format!("{:.0}k/s", rate / 1e3) }
}

/// The README table, measured now.
fn summary() {
    let cores = crack::default_threads();
    println!("\n== crack summary (load average before: {}) ==", load_note());
    let sha256 = openssl_sha_bytes_per_second("sha256");
    let sha512 = openssl_sha_bytes_per_second("sha512");
    println!(
        "| alg | L (bytes) | compressions per candidate | limit per core (openssl) | sha2 crate's own limit | engine, 1 core | streamed, 1 thread | streamed, {cores} threads (vs {cores} x limit) | Python hmac.new | Python hmac.digest |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for alg in ["HS256", "HS384", "HS512"] {
        let t = target(alg);
        let per = t.compressions_per_candidate();
        let block = t.alg.block_len() as f64;
        let limit = if alg == "HS256" { sha256 } else { sha512 }.map(|bps| bps / block / per as f64);
        let sha2_limit = sha2_bytes_per_second(t.alg.block_len()) / block / per as f64;
        let engine = engine_rate(&t);
        let one = crack_rate(&t, 1);
        let all = crack_rate(&t, cores);
        let py = python_rates(alg);
        let vs = |rate: f64, n: usize| {
            limit.map_or_else(|| human(rate), |l| format!("{} ({:.2}x)", human(rate), rate / (l * n as f64)))
        };
        println!(
            "| {alg} | {} | {per} | {} | {} | {} | {} | {} | {} | {} |",
            t.signing_input.len(),
            limit.map_or_else(|| "openssl missing".into(), human),
            human(sha2_limit),
            vs(engine, 1),
            vs(one, 1),
            vs(all, cores),
            py.map_or_else(|| "python3 missing".into(), |p| human(p.0)),
            py.map_or_else(|| "-".into(), |p| human(p.1)),
        );
    }
    println!(
        "openssl speed -bytes 16384: sha256 {} MB/s, sha512 {} MB/s; load average after: {}",
        sha256.map_or_else(|| "?".into(), |b| format!("{:.0}", b / 1e6)),
        sha512.map_or_else(|| "?".into(), |b| format!("{:.0}", b / 1e6)),
        load_note()
    );
}

criterion_group!(benches, bench);

fn main() {
    // TOKENBENCH_CRACK_SUMMARY_ONLY=1 prints only the table (a quick re-measure on a quiet machine).
    if std::env::var_os("TOKENBENCH_CRACK_SUMMARY_ONLY").is_none() {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
    summary();
}
