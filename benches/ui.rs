//! Headless UI benchmarks (`egui_kittest`, no GPU): frame CPU time of the decode view, paste to
//! decoded for a typical and a 1 MB token, a 10,000-claim token, the revocation lab, the flows
//! lab animating 50 servers, the Compare tab, and when an idle window wakes up (the status
//! clock's next minute; a token's next relative-time tick; never when paused).
//! `cargo bench --bench ui`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde_json::{Map, Value, json};
use tokenbench::core::engine::keys::{self, SecretEncoding};
use tokenbench::core::engine::sign::sign;
use tokenbench::core::labs::flows::{FlowCommand, FlowScenario};
use tokenbench::core::labs::revocation::RevocationCommand;
use tokenbench::ui::app::{Settings, TokenbenchApp};
use tokenbench::ui::platform::FakePlatform;
use tokenbench::ui::state::{ClockCommand, Command, SAMPLES};

fn harness() -> Harness<'static, TokenbenchApp> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()))
}

fn hs256(claims: &Map<String, Value>) -> String {
    let key = keys::load_secret(&[5u8; 32], SecretEncoding::Raw, "k").unwrap();
    sign(&Map::new(), claims, "HS256", &key).unwrap()
}

/// Time from the paste command to the end of the first frame that shows the result.
fn paste_to_decoded(token: &str, label: &str) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let mut h = harness();
        h.run();
        let start = Instant::now();
        h.state_mut().apply(vec![Command::SetToken(token.to_owned())]);
        h.step();
        let took = start.elapsed();
        assert!(h.query_by_label_contains(label).is_some(), "{label} shown after one frame");
        best = best.min(took);
    }
    best
}

fn bench(c: &mut Criterion) {
    let typical = SAMPLES[0].1.trim().to_owned();
    let mut big_claims = Map::new();
    big_claims.insert("sub".into(), json!("big"));
    big_claims.insert("blob".into(), json!("x".repeat(750 * 1024)));
    let one_mb = hs256(&big_claims);
    let wide: Map<String, Value> = (0..10_000).map(|i| (format!("claim{i:05}"), json!(i))).collect();
    let wide_token = hs256(&wide);

    let mut group = c.benchmark_group("ui");
    group.sample_size(30).measurement_time(Duration::from_secs(4));
    for (name, token) in [("typical", &typical), ("1MB", &one_mb), ("10k_claims", &wide_token)] {
        let mut h = harness();
        h.state_mut().apply(vec![Command::LoadSampleKeys, Command::SetToken(token.clone())]);
        h.run();
        group.bench_function(format!("frame_decode_{name}"), |b| b.iter(|| h.step()));
    }
    // The flows lab animating 50 servers with a fan-out of 4 (the largest diagrams): target 2 ms.
    let mut h = harness();
    h.state_mut().apply(
        [
            Command::SelectTab(tokenbench::ui::app::Tab::Flows),
            Command::Flow(FlowCommand::Scenario(FlowScenario::Microservices)),
            Command::Flow(FlowCommand::Servers(50)),
            Command::Flow(FlowCommand::Users(1000)),
            Command::Flow(FlowCommand::Requests(1_000_000)),
            Command::Flow(FlowCommand::Speed(40.0)),
        ]
        .into(),
    );
    // The first frame builds and measures the lanes' JWT (and restarts the lanes); then play.
    h.step();
    h.state_mut().apply(vec![Command::Flow(FlowCommand::Play)]);
    h.step();
    assert!(h.state().state.flows.playing);
    group.bench_function("frame_flows_50_servers_playing", |b| b.iter(|| h.step()));
    assert!(h.state().state.flows.playing, "still animating after the measurement");
    // The revocation lab: table, timeline with chains, at-scale table and plot, on a paused and
    // on a running clock.
    for (name, clock) in [("paused", ClockCommand::Pause), ("running", ClockCommand::Run(60.0))] {
        let mut h = harness();
        h.state_mut().apply(vec![
            Command::SelectTab(tokenbench::ui::state::Tab::Revocation),
            Command::Revocation(RevocationCommand::LoadSample(6)),
            Command::Clock(ClockCommand::Set(1_700_001_100.0)),
            Command::Clock(clock),
        ]);
        h.run_steps(3);
        assert!(h.query_by_label("Make it happen now").is_some());
        group.bench_function(format!("frame_revocation_lab_{name}"), |b| b.iter(|| h.step()));
    }
    // The Compare tab on the sample token and keys, idle (the figures computed once): target 1 ms.
    let mut h = harness();
    h.state_mut().apply(vec![
        Command::LoadSampleKeys,
        Command::LoadSample(0),
        Command::Clock(ClockCommand::Pause),
        Command::SelectTab(tokenbench::ui::state::Tab::Compare),
    ]);
    h.run();
    assert!(h.query_by_label("Compare and decide: sessions or JWTs?").is_some());
    assert!(h.state().state.compare.comparison.as_ref().is_some_and(Result::is_ok));
    assert!(h.state().next_repaint().is_none(), "an idle Compare tab on a paused clock asks for no repaint");
    group.bench_function("frame_compare", |b| b.iter(|| h.step()));

    // A JWKS of 100,000 HMAC keys (8.6 MB, under the 10 MiB limit) beside a token: the Keys
    // panel shows a page of 50 and the verdict 50 attempts, so a frame stays small.
    let mut jwks = String::from(r#"{"keys":["#);
    for i in 0..100_000u32 {
        let mut secret = [7u8; 32];
        secret[..4].copy_from_slice(&i.to_be_bytes());
        let sep = if i == 0 { "" } else { "," };
        let k = tokenbench::core::engine::token::encode_b64url(&secret);
        let _ = write!(jwks, r#"{sep}{{"kty":"oct","kid":"k{i}","k":"{k}"}}"#);
    }
    jwks.push_str("]}");
    let mut h = harness();
    let started = Instant::now();
    h.state_mut().apply(vec![
        Command::AddKeyText(jwks),
        Command::SetToken(typical.clone()),
        Command::Clock(ClockCommand::Pause),
    ]);
    h.run();
    println!("100,000-key JWKS: loaded, verified and drawn in {:?}", started.elapsed());
    assert_eq!(h.state().state.keys.len(), 100_000);
    group.bench_function("frame_decode_100k_keys", |b| b.iter(|| h.step()));
    group.finish();

    println!("paste-to-decoded, typical token ({} B): {:?}", typical.len(), paste_to_decoded(&typical, "Jane Doe"));
    println!("paste-to-decoded, 1 MB token ({} B): {:?}", one_mb.len(), paste_to_decoded(&one_mb, "big"));

    let mut h = harness();
    h.run();
    let idle_empty = h.state().next_repaint();
    h.state_mut().apply(vec![Command::SetToken(typical.clone())]);
    h.run();
    let idle_token = h.state().next_repaint();
    h.state_mut().apply(vec![Command::Clock(ClockCommand::Pause)]);
    h.run();
    let idle_paused = h.state().next_repaint();
    h.state_mut().apply(vec![Command::SelectTab(tokenbench::ui::state::Tab::Revocation)]);
    h.run();
    let idle_lab_paused = h.state().next_repaint();
    println!(
        "idle window asks for a repaint: empty {idle_empty:?}, token shown in real time {idle_token:?}, paused {idle_paused:?}, revocation lab paused {idle_lab_paused:?}"
    );
    let minute = Duration::from_secs_f64(60.1);
    assert!(idle_empty.is_some_and(|d| d <= minute), "the status clock shows minutes");
    assert!(idle_token.is_some_and(|d| d <= minute));
    assert!(idle_paused.is_none(), "a paused clock changes nothing");
    assert!(idle_lab_paused.is_none(), "the lab on a paused clock changes nothing");
}

criterion_group!(benches, bench);
criterion_main!(benches);
