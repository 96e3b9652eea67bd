//! Request-flow model benchmarks: simulated requests per second on one core for each mode and
//! store (100,000 users, 50 servers, fan-out 0 and 4), and the CLI's own figure, 10 million
//! requests timed as `simulate flow` times them. Target: at least 5 million requests/s.
//!
//! `CARGO_TARGET_DIR=/work/bench-target cargo bench --bench flow`; throughput is printed as
//! elements/s (one element = one simulated request).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tokenbench::core::labs::flows::{Config, Flow, Mode, Revocation, Store};

const USERS: u32 = 100_000;
const SERVERS: u32 = 50;
const REQUESTS: u64 = 2_000_000;

fn config(mode: Mode, store: Store, sticky: bool, services: u32, revocation: Revocation) -> Config {
    Config {
        mode,
        store,
        sticky,
        servers: SERVERS,
        users: USERS,
        requests: REQUESTS,
        services,
        revocation,
        fail_server_at: Some(REQUESTS / 2),
        ..Config::default()
    }
}

fn bench(c: &mut Criterion) {
    let cases = [
        ("session_shared", config(Mode::Session, Store::Shared, false, 0, Revocation::None)),
        ("session_local_sticky", config(Mode::Session, Store::Local, true, 0, Revocation::None)),
        ("session_replicated", config(Mode::Session, Store::Replicated, false, 0, Revocation::None)),
        ("session_shared_fanout4", config(Mode::Session, Store::Shared, false, 4, Revocation::None)),
        ("jwt", config(Mode::Jwt, Store::Shared, false, 0, Revocation::None)),
        ("jwt_denylist_fanout4", config(Mode::Jwt, Store::Shared, false, 4, Revocation::Denylist)),
        ("hybrid_local_sticky_fanout4", config(Mode::Hybrid, Store::Local, true, 4, Revocation::None)),
    ];
    let mut group = c.benchmark_group("flow");
    group.sample_size(10).measurement_time(Duration::from_secs(3)).throughput(Throughput::Elements(REQUESTS));
    for (name, cfg) in cases {
        group.bench_function(name, |b| b.iter(|| black_box(Flow::new(black_box(cfg)).unwrap().run())));
    }
    group.finish();

    // The CLI's figure: `simulate flow --mode session --servers 50 --users 100000 --requests
    // 10000000` times `Flow::run` only (logins included), exactly like this.
    for (name, mode) in [("session", Mode::Session), ("jwt", Mode::Jwt), ("hybrid", Mode::Hybrid)] {
        let cfg = Config {
            requests: 10_000_000,
            fail_server_at: None,
            ..config(mode, Store::Shared, false, 0, Revocation::None)
        };
        let mut best = Duration::MAX;
        for _ in 0..5 {
            let mut flow = Flow::new(cfg).unwrap();
            let start = Instant::now();
            black_box(flow.run());
            best = best.min(start.elapsed());
        }
        println!(
            "simulate flow --mode {name} --servers 50 --users 100000 --requests 10000000: elapsed_ms {:.1} ({:.1} million requests/s)",
            best.as_secs_f64() * 1000.0,
            10.0 / best.as_secs_f64()
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
