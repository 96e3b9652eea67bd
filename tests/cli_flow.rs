//! The `simulate flow` contract: the exact JSON keys, the figures of each rule through the
//! binary, the token file, and every exit code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use tokenbench::core::labs::flows::credential::TYPICAL_TOKEN_BYTES;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tokenbench")).arg("simulate").arg("flow").args(args).output().unwrap()
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let o = run(&all);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The contract's figures, `elapsed_ms` left out (it is a measurement).
fn figures(v: &Value) -> [u64; 7] {
    let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} missing or not a count in {v}"));
    [
        n("requests"),
        n("bytes_per_request"),
        n("store_lookups"),
        n("signature_verifications"),
        n("failed_requests"),
        n("sessions_lost"),
        n("replication_messages"),
    ]
}

fn temp(name: &str, content: &[u8]) -> PathBuf {
    let p = std::env::temp_dir().join(format!("tokenbench-cli-flow-{}-{name}", std::process::id()));
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn json_has_exactly_the_contract_keys() {
    let v = json(&["--mode", "session", "--servers", "2", "--users", "3", "--requests", "5"]);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "requests",
            "bytes_per_request",
            "store_lookups",
            "signature_verifications",
            "failed_requests",
            "sessions_lost",
            "replication_messages",
            "elapsed_ms"
        ]
    );
    assert!(v["elapsed_ms"].as_f64().unwrap() >= 0.0);
}

#[test]
fn session_with_a_shared_store_by_default() {
    // 1 + M lookups per request, 34-byte cookie line, nothing lost when server 0 dies.
    let args = ["--mode", "session", "--servers", "4", "--users", "10", "--requests", "100", "--services", "2"];
    assert_eq!(figures(&json(&args)), [100, 34, 300, 0, 0, 0, 0]);
    let mut failing = args.to_vec();
    failing.extend(["--fail-server-at", "50"]);
    assert_eq!(figures(&json(&failing)), [100, 34, 300, 0, 0, 0, 0]);
    let mut shared = args.to_vec();
    shared.extend(["--store", "shared"]);
    assert_eq!(figures(&json(&shared)), figures(&json(&args)), "--store defaults to shared");
}

#[test]
fn sticky_local_store_loses_the_dead_servers_sessions() {
    // Users 0, 3, 6, 9 logged in on server 0; from request 5 their requests are re-pinned to
    // server 1, miss and fail: requests 6, 9, 10, 13, 16, 19.
    let v = json(&[
        "--mode",
        "session",
        "--store",
        "local",
        "--sticky",
        "--servers",
        "3",
        "--users",
        "10",
        "--requests",
        "20",
        "--fail-server-at",
        "5",
        "--services",
        "1",
    ]);
    assert_eq!(figures(&v), [20, 34, 40, 0, 6, 4, 0]);
}

#[test]
fn round_robin_over_local_stores_misses() {
    // U = 3, N = 2: requests 3, 4, 5 land on the other server.
    let v = json(&["--mode", "session", "--store", "local", "--servers", "2", "--users", "3", "--requests", "6"]);
    assert_eq!(figures(&v), [6, 34, 6, 0, 3, 0, 0]);
}

#[test]
fn replicated_logins_cost_n_minus_1_messages() {
    let v = json(&[
        "--mode",
        "session",
        "--store",
        "replicated",
        "--servers",
        "5",
        "--users",
        "7",
        "--requests",
        "10",
        "--fail-server-at",
        "3",
    ]);
    assert_eq!(figures(&v), [10, 34, 10, 0, 0, 0, 28]);
}

#[test]
fn jwt_verifies_1_plus_m_times_and_looks_up_only_with_revocation() {
    let bytes = 22 + TYPICAL_TOKEN_BYTES as u64;
    let base = ["--mode", "jwt", "--servers", "3", "--users", "5", "--requests", "40", "--services", "3"];
    assert_eq!(figures(&json(&base)), [40, bytes, 0, 160, 0, 0, 0]);
    for revocation in ["denylist", "version"] {
        let mut a = base.to_vec();
        a.extend(["--revocation", revocation, "--fail-server-at", "10", "--sticky"]);
        assert_eq!(figures(&json(&a)), [40, bytes, 160, 160, 0, 0, 0], "{revocation}");
    }
}

#[test]
fn hybrid_looks_up_once_then_verifies_m_times_when_it_hits() {
    let v = json(&[
        "--mode",
        "hybrid",
        "--store",
        "local",
        "--servers",
        "2",
        "--users",
        "3",
        "--requests",
        "6",
        "--services",
        "2",
    ]);
    assert_eq!(figures(&v), [6, 34, 6, 6, 3, 0, 0]);
}

#[test]
fn the_token_file_sets_the_jwt_bytes() {
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
    let file = temp("token.jwt", format!("Bearer {token}\n").as_bytes());
    let v = json(&[
        "--mode",
        "jwt",
        "--servers",
        "1",
        "--users",
        "1",
        "--requests",
        "1",
        "--token",
        file.to_str().unwrap(),
    ]);
    assert_eq!(v["bytes_per_request"], 22 + token.len());
    let session = json(&[
        "--mode",
        "session",
        "--servers",
        "1",
        "--users",
        "1",
        "--requests",
        "1",
        "--token",
        file.to_str().unwrap(),
    ]);
    assert_eq!(session["bytes_per_request"], 34, "a session carries its cookie whatever the token");
}

#[test]
fn the_token_is_read_like_every_token_and_must_be_signed() {
    use std::io::Write as _;
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
    let base = ["--mode", "jwt", "--servers", "1", "--users", "1", "--requests", "1"];
    let file = temp("at-token.jwt", token.as_bytes());
    let at_file = format!("@{}", file.to_str().unwrap());
    for form in [token, at_file.as_str()] {
        let v = json(&[&base[..], &["--token", form]].concat());
        assert_eq!(v["bytes_per_request"], 22 + token.len(), "{form}");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_tokenbench"))
        .args(["simulate", "flow"])
        .args(base)
        .args(["--token", "-", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("Bearer {token}\n").as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["bytes_per_request"], 22 + token.len(), "stdin");
    // Unsigned and encrypted tokens have no signature to verify on each request.
    let none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.";
    let jwe = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.AAAA.AAAAAAAAAAAAAAAA.AAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA";
    refused(&[&base[..], &["--token", none]].concat(), "unsigned (alg \"none\")");
    refused(&[&base[..], &["--token", jwe]].concat(), "encrypted token (JWE)");
    refused(
        &[&base[..], &["--token", "@/nonexistent/t.jwt"]].concat(),
        "cannot read the token file /nonexistent/t.jwt",
    );
    // Session mode carries a cookie: the token is not used, and stderr says so.
    let o = run(&["--mode", "session", "--servers", "1", "--users", "1", "--requests", "1", "--token", token]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--token is not used in session mode"));
}

#[test]
fn identical_inputs_give_identical_figures() {
    let args = [
        "--mode",
        "session",
        "--store",
        "local",
        "--sticky",
        "--servers",
        "7",
        "--users",
        "101",
        "--requests",
        "5000",
        "--services",
        "2",
        "--fail-server-at",
        "1234",
    ];
    assert_eq!(figures(&json(&args)), figures(&json(&args)));
}

#[test]
fn text_output_names_every_figure() {
    let o = run(&["--mode", "jwt", "--servers", "2", "--users", "2", "--requests", "4", "--revocation", "denylist"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    for name in
        ["requests", "bytes per request", "store lookups", "signature verifications", "sessions lost", "elapsed"]
    {
        assert!(text.contains(name), "{name} in {text}");
    }
}

fn refused(args: &[&str], message: &str) {
    let o = run(args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(message), "{args:?}: {stderr:?} should say {message:?}");
    assert!(o.stdout.is_empty(), "nothing on stdout: {}", String::from_utf8_lossy(&o.stdout));
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn exit_2_for_unusable_arguments() {
    let ok = ["--mode", "session", "--servers", "2", "--users", "2", "--requests", "2"];
    let with = |extra: &[&str]| -> Vec<String> { ok.iter().chain(extra).map(|s| (*s).to_owned()).collect() };
    refused(
        &["--mode", "session", "--servers", "0", "--users", "2", "--requests", "2"],
        "--servers must be at least 1",
    );
    refused(&["--mode", "jwt", "--servers", "2", "--users", "0", "--requests", "2"], "--users must be at least 1");
    refused(
        &["--mode", "session", "--servers", "1", "--users", "2", "--requests", "2", "--fail-server-at", "1"],
        "--fail-server-at needs at least 2 servers",
    );
    refused(&["--mode", "jwt", "--store", "shared", "--servers", "2", "--users", "2", "--requests", "2"], "--store");
    refused(&strs(&with(&["--token", "/nonexistent/token.jwt"])), "cannot read the token file /nonexistent/token.jwt");
    let junk = temp("junk.jwt", b"not a token at all");
    refused(&strs(&with(&["--token", junk.to_str().unwrap()])), "does not hold a token");
    let binary = temp("binary.jwt", &[0xff, 0xfe, 0x00, 0x01]);
    refused(&strs(&with(&["--token", binary.to_str().unwrap()])), "not UTF-8");
    refused(
        &["--mode", "session", "--servers", "2", "--users", "2", "--requests", "1000000000000"],
        "--requests 1000000000000 is more than the 10000000000 requests the model runs (10^10, about a minute",
    );
    // clap's own usage errors are exit 2 too.
    refused(&["--mode", "session", "--servers", "-1", "--users", "2", "--requests", "2"], "--servers");
    refused(&["--mode", "cookie", "--servers", "2", "--users", "2", "--requests", "2"], "--mode");
    refused(&["--mode", "session", "--users", "2", "--requests", "2"], "--servers");
}

#[test]
fn zero_requests_is_a_valid_run() {
    let v = json(&["--mode", "session", "--store", "replicated", "--servers", "3", "--users", "4", "--requests", "0"]);
    assert_eq!(figures(&v), [0, 34, 0, 0, 0, 0, 8], "logins still replicate");
}

#[test]
fn the_gui_lanes_and_the_cli_give_the_same_numbers() {
    use tokenbench::ui::flows::{FlowCommand, FlowsLab, Scenario, SessionVariant};
    let mut lab = FlowsLab::default();
    let handle = |lab: &mut FlowsLab, c: FlowCommand| lab.handle(c, None, &[], 1_700_000_000.0);
    handle(&mut lab, FlowCommand::UseLoaded);
    handle(&mut lab, FlowCommand::Users(37));
    handle(&mut lab, FlowCommand::Requests(1_001));
    let mut compared = 0;
    let setups: [(Scenario, Option<SessionVariant>); 7] = [
        (Scenario::Scalability, Some(SessionVariant::Sticky)),
        (Scenario::Scalability, Some(SessionVariant::Shared)),
        (Scenario::Scalability, Some(SessionVariant::Replicated)),
        (Scenario::Failover, None),
        (Scenario::Overhead, None),
        (Scenario::Microservices, None),
        (Scenario::Hybrid, None),
    ];
    for (scenario, variant) in setups {
        handle(&mut lab, FlowCommand::Scenario(scenario));
        handle(&mut lab, FlowCommand::Servers(5));
        if let Some(v) = variant {
            handle(&mut lab, FlowCommand::Variant(v));
        }
        // Animate a little, as the view does, then play the rest at once.
        for _ in 0..50 {
            handle(&mut lab, FlowCommand::Step);
        }
        handle(&mut lab, FlowCommand::RunToEnd);
        for lane in 0..2 {
            let args = lab.cli_args(lane).unwrap_or_else(|e| panic!("{scenario:?} lane {lane}: {e}"));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let v = json(&args);
            let t = lab.lanes[lane].flow.totals();
            let gui = [
                t.requests,
                lab.lanes[lane].cfg.bytes_per_request() as u64,
                t.store_lookups,
                t.signature_verifications,
                t.failed_requests,
                t.sessions_lost,
                t.replication_messages,
            ];
            assert_eq!(figures(&v), gui, "{scenario:?} {variant:?} lane {lane}: {args:?}");
            compared += 1;
        }
    }
    assert_eq!(compared, 14);
    // A lane changed by a click has no CLI equivalent, and says so.
    handle(&mut lab, FlowCommand::Kill(2));
    assert!(lab.cli_args(0).is_err());
}

#[test]
fn a_hostile_token_file_name_is_escaped_on_stderr() {
    let name = "/nonexistent/\u{1b}]0;pwned\u{7}\u{9b}31m\u{202e}gnp\n[HIGH  ] fake";
    let o =
        run(&["--mode", "jwt", "--servers", "2", "--users", "2", "--requests", "2", "--token", &format!("@{name}")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']), "{err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err:?}");
}
