//! The `simulate flow` contract: the exact JSON keys, the figures of each rule through the
//! binary, the token file, and every exit code; and the Flows lab's nine scenarios and its
//! sweep, whose figures through the binary are the ones the window's model holds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::{bin, code, json_out, stderr, stdout, temp};
use serde_json::Value;
use tokenbench::core::labs::flows::credential::TYPICAL_TOKEN_BYTES;

/// Runs `tokenbench simulate flow` with `args`.
fn run(args: &[&str]) -> Output {
    bin().arg("simulate").arg("flow").args(args).output().unwrap()
}

/// The JSON of `simulate flow` with `args` and `--json`, which must succeed.
fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let o = run(&all);
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    json_out(&o)
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

/// A temporary file `name` holding `content`.
fn file(name: &str, content: &[u8]) -> PathBuf {
    let p = temp(name);
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
            "store_outage_failures",
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
    let file = file("token.jwt", format!("Bearer {token}\n").as_bytes());
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
    let file = file("at-token.jwt", token.as_bytes());
    let at_file = format!("@{}", file.to_str().unwrap());
    for form in [token, at_file.as_str()] {
        let v = json(&[&base[..], &["--token", form]].concat());
        assert_eq!(v["bytes_per_request"], 22 + token.len(), "{form}");
    }
    let mut child = bin()
        .args(["simulate", "flow"])
        .args(base)
        .args(["--token", "-", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("Bearer {token}\n").as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 0);
    let v = json_out(&o);
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
    assert_eq!(code(&o), 0);
    assert!(stderr(&o).contains("--token is not used in session mode"));
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
    let first = figures(&json(&args));
    assert_eq!(first, figures(&json(&args)));
    // Worked out from the flags: 1 + 2 lookups per request; server 0 held users 0, 7, … 98 (15
    // of 101), whose 559 requests from #1234 on find no session.
    assert_eq!(first, [5000, 34, 15_000, 0, 559, 15, 0]);
}

#[test]
fn text_output_names_every_figure() {
    let o = run(&["--mode", "jwt", "--servers", "2", "--users", "2", "--requests", "4", "--revocation", "denylist"]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    for name in
        ["requests", "bytes per request", "store lookups", "signature verifications", "sessions lost", "elapsed"]
    {
        assert!(text.contains(name), "{name} in {text}");
    }
}

fn refused(args: &[&str], message: &str) {
    let o = run(args);
    let err = stderr(&o);
    assert_eq!(code(&o), 2, "{args:?}: {err}");
    assert!(err.contains(message), "{args:?}: {err:?} should say {message:?}");
    assert!(o.stdout.is_empty(), "nothing on stdout: {}", stdout(&o));
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
    // A JWS JSON file is a token, but not one a header carries: the message names the flag.
    let jws_json =
        file("jws.json", br#"{"payload":"e30","signatures":[{"protected":"eyJhbGciOiJIUzI1NiJ9","signature":"abc"}]}"#);
    let jwt = ["--mode", "jwt", "--servers", "2", "--users", "2", "--requests", "2", "--token"];
    let at = format!("@{}", jws_json.to_str().unwrap());
    let o = run(&[&jwt[..], &[at.as_str()]].concat());
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        format!(
            "tokenbench: --token: the token file {} holds a JWS JSON serialization; a header carries a compact \
             token\n",
            jws_json.display()
        )
    );
    let junk = file("junk.jwt", b"not a token at all");
    refused(&strs(&with(&["--token", junk.to_str().unwrap()])), "does not hold a token");
    let binary = file("binary.jwt", &[0xff, 0xfe, 0x00, 0x01]);
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
    use tokenbench::core::labs::flows::{FlowCommand, FlowScenario, FlowsLab, SessionVariant};
    let mut lab = FlowsLab::default();
    let handle = |lab: &mut FlowsLab, c: FlowCommand| lab.handle(c, None, &[], 1_700_000_000.0);
    handle(&mut lab, FlowCommand::UseLoaded);
    handle(&mut lab, FlowCommand::Users(37));
    handle(&mut lab, FlowCommand::Requests(1_001));
    let mut compared = 0;
    let setups: [(FlowScenario, Option<SessionVariant>); 7] = [
        (FlowScenario::Scalability, Some(SessionVariant::Sticky)),
        (FlowScenario::Scalability, Some(SessionVariant::Shared)),
        (FlowScenario::Scalability, Some(SessionVariant::Replicated)),
        (FlowScenario::Failover, None),
        (FlowScenario::Overhead, None),
        (FlowScenario::Microservices, None),
        (FlowScenario::Hybrid, None),
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
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(!err.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']), "{err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err:?}");
}

// The Flows lab's scenarios and sweep: what `--scenario` and `--sweep-servers` print is what the
// window's model (the core `FlowsLab`) holds after the same commands.

mod lab {
    use serde_json::Value;
    use tokenbench::core::labs::flows::credential::network_wait;
    use tokenbench::core::labs::flows::lab::{
        CostPoint, DOZENS_OF_SERVICES, FanOutPoint, REALITY_CHECK, crossover, crossover_text, fan_out_text,
        revocation_delay_text, savings, savings_text,
    };
    use tokenbench::core::labs::flows::{
        FailoverVariant, FlowCommand, FlowScenario, FlowsLab, Revocation, SessionVariant,
    };

    use super::{json, refused, run};
    use crate::common::{code, stdout};

    /// The simulated clock the lab is driven at (it only dates the typical token).
    const NOW: f64 = 1_700_000_000.0;

    /// The revocation lab's default token-ttl, which the window passes for a lifetime that
    /// cannot be told (the CLI uses the same).
    const FALLBACK_TTL: i64 = 3600;

    /// The lab as the window holds it after `commands`: its JWT built from nothing loaded
    /// (the typical token, as the view asks on its first frame), then played to the end.
    fn lab_after(commands: &[FlowCommand]) -> FlowsLab {
        let mut lab = FlowsLab::default();
        lab.handle(FlowCommand::UseLoaded, None, &[], NOW);
        for c in commands {
            lab.handle(*c, None, &[], NOW);
        }
        lab.handle(FlowCommand::RunToEnd, None, &[], NOW);
        lab
    }

    /// Every figure the window's lanes show (the measured CPU times aside), field by field.
    fn assert_same(v: &Value, lab: &FlowsLab) {
        let p = lab.params;
        assert_eq!(v["scenario"], lab.scenario.name());
        assert_eq!((v["servers"].as_u64(), v["users"].as_u64()), (Some(p.servers.into()), Some(p.users.into())));
        assert_eq!((v["requests"].as_u64(), v["services"].as_u64()), (Some(p.requests), Some(p.services.into())));
        assert_eq!(v["store_latency_ms"].as_f64(), Some(p.store_latency_ms));
        let lanes = v["lanes"].as_array().unwrap();
        assert_eq!(lanes.len(), 2, "both lanes");
        for (i, (shown, lane)) in lanes.iter().zip(&lab.lanes).enumerate() {
            let what = format!("{} lane {i}", lab.scenario.name());
            let (c, t) = (&lane.cfg, lane.flow.totals());
            assert_eq!(shown["title"], lane.title(), "{what}");
            let cfg = &shown["config"];
            assert_eq!(cfg["mode"], c.mode.name(), "{what}");
            assert_eq!(cfg["store"], c.store.name(), "{what}");
            assert_eq!(cfg["sticky"], c.sticky, "{what}");
            assert_eq!(cfg["revocation"], c.revocation.name(), "{what}");
            assert_eq!(cfg["fail_server_at"].as_u64(), c.fail_server_at, "{what}");
            assert_eq!(cfg["client"], c.client.name(), "{what}");
            assert_eq!(cfg["cross_site_every"], c.cross_site_every, "{what}");
            assert_eq!(cfg["serverless"], c.serverless, "{what}");
            assert_eq!(cfg["token_bytes"], c.token_bytes, "{what}");
            assert_eq!(cfg["logout"]["user"].as_u64(), c.logout.map(|l| u64::from(l.user)), "{what}");
            assert_eq!(cfg["logout"]["before_request"].as_u64(), c.logout.map(|l| l.before_request), "{what}");
            for (key, value) in [("servers", u64::from(c.servers)), ("users", c.users.into()), ("requests", c.requests)]
            {
                assert_eq!(cfg[key].as_u64(), Some(value), "{what}: {key}");
            }
            assert_eq!(cfg["services"].as_u64(), Some(c.services.into()), "{what}");
            assert_eq!(shown["bytes_per_request"], c.bytes_per_request(), "{what}");
            let totals = &shown["totals"];
            let counts = [
                ("requests", t.requests),
                ("failed_requests", t.failed_requests),
                ("store_outage_failures", t.store_outage_failures),
                ("store_lookups", t.store_lookups),
                ("remote_lookups", t.remote_lookups),
                ("signature_verifications", t.signature_verifications),
                ("sessions_lost", t.sessions_lost),
                ("replication_messages", t.replication_messages),
                ("logins", t.logins),
                ("tokens_signed", t.tokens_signed),
                ("client_bytes", t.client_bytes),
                ("service_bytes", t.service_bytes),
                ("rejected_after_logout", t.rejected_after_logout),
                ("accepted_after_logout", t.accepted_after_logout),
                ("cross_site_calls", t.cross_site_calls),
                ("cross_site_failed", t.cross_site_failed),
                ("preflights", t.preflights),
                ("logouts_failed", t.logouts_failed),
                ("store_connections", t.store_connections),
            ];
            for (key, value) in counts {
                assert_eq!(totals[key].as_u64(), Some(value), "{what}: {key}");
            }
            assert_eq!(totals.as_object().unwrap().len(), counts.len(), "{what}: every total compared");
            // One store round trip per remote lookup, two more per new connection.
            let wait_ms = (t.remote_lookups + 2 * t.store_connections) as f64 * p.store_latency_ms;
            assert!((shown["network_wait_ms"].as_f64().unwrap() - wait_ms).abs() < 1e-6, "{what}: {shown}");
            let window_wait = network_wait(t, p.store_latency_ms).as_secs_f64() * 1000.0;
            assert!((window_wait - wait_ms).abs() < 1e-6, "{what}: the window's wait");
            let delay = lab.revocation_delay(i, FALLBACK_TTL);
            assert_eq!(shown["revocation_delay_seconds"].as_f64(), delay, "{what}");
            assert_eq!(shown["revocation_takes_effect"], revocation_delay_text(delay), "{what}");
        }
    }

    fn the_window_and_the_cli_agree_on(scenario: FlowScenario) {
        let v = json(&["--scenario", scenario.name()]);
        assert_same(&v, &lab_after(&[FlowCommand::Scenario(scenario)]));
    }

    #[test]
    fn scalability() {
        the_window_and_the_cli_agree_on(FlowScenario::Scalability);
    }

    #[test]
    fn failover() {
        the_window_and_the_cli_agree_on(FlowScenario::Failover);
    }

    #[test]
    fn revocation() {
        the_window_and_the_cli_agree_on(FlowScenario::Revocation);
    }

    #[test]
    fn request_overhead() {
        the_window_and_the_cli_agree_on(FlowScenario::Overhead);
    }

    #[test]
    fn cross_domain() {
        the_window_and_the_cli_agree_on(FlowScenario::CrossDomain);
    }

    #[test]
    fn mobile() {
        the_window_and_the_cli_agree_on(FlowScenario::Mobile);
    }

    #[test]
    fn microservices() {
        the_window_and_the_cli_agree_on(FlowScenario::Microservices);
    }

    #[test]
    fn serverless() {
        the_window_and_the_cli_agree_on(FlowScenario::Serverless);
    }

    #[test]
    fn hybrid() {
        the_window_and_the_cli_agree_on(FlowScenario::Hybrid);
    }

    #[test]
    fn a_scenario_starts_from_the_labs_settings() {
        // Not only equal to the lab: the lab's own starting point, said in numbers.
        let v = json(&["--scenario", "failover"]);
        assert_eq!(
            (v["servers"].as_u64(), v["users"].as_u64(), v["requests"].as_u64()),
            (Some(4), Some(12), Some(240))
        );
        let [session, jwt] = [&v["lanes"][0], &v["lanes"][1]];
        assert_eq!(session["title"], "Session · local store, sticky");
        assert_eq!(session["config"]["fail_server_at"], 120, "server 0 dies halfway");
        // Users 0, 4 and 8 logged in on server 0: their 60 requests from the 120th on fail.
        assert_eq!(
            (session["totals"]["sessions_lost"].as_u64(), session["totals"]["failed_requests"].as_u64()),
            (Some(3), Some(30))
        );
        assert_eq!(jwt["totals"]["failed_requests"], 0);
    }

    #[test]
    fn an_explicit_flag_overrides_the_scenarios_setting() {
        // The microservices scenario fans out to 4 services; --services 2 wins, as the lab's
        // own field would.
        let v = json(&["--scenario", "microservices", "--services", "2", "--users", "30"]);
        assert_eq!(v["services"], 2);
        assert_eq!(v["lanes"][0]["totals"]["store_lookups"], 3 * 240, "1 + 2 lookups per request");
        assert_same(
            &v,
            &lab_after(&[
                FlowCommand::Scenario(FlowScenario::Microservices),
                FlowCommand::Services(2),
                FlowCommand::Users(30),
            ]),
        );
        // The scenario's option flags are the lab's options.
        let v = json(&["--scenario", "revocation", "--revocation", "denylist"]);
        assert_same(
            &v,
            &lab_after(&[
                FlowCommand::Scenario(FlowScenario::Revocation),
                FlowCommand::JwtRevocation(Revocation::Denylist),
            ]),
        );
        assert_eq!(v["lanes"][1]["totals"]["accepted_after_logout"], 0);
        let v = json(&["--scenario", "scalability", "--store", "replicated"]);
        assert_same(&v, &lab_after(&[FlowCommand::Variant(SessionVariant::Replicated)]));
        // A flag the lab has no field for still wins over the scenario's setting.
        let v = json(&["--scenario", "failover", "--fail-server-at", "10"]);
        assert_eq!(
            (v["lanes"][0]["config"]["fail_server_at"].as_u64(), v["lanes"][1]["config"]["fail_server_at"].as_u64()),
            (Some(10), Some(10))
        );
        // --mode keeps the lane of that mode.
        let v = json(&["--scenario", "hybrid", "--mode", "hybrid"]);
        assert_eq!(v["lanes"].as_array().unwrap().len(), 1);
        assert_eq!(v["lanes"][0]["title"], "Hybrid · shared store");
    }

    #[test]
    fn the_labs_scenario_command_line_gives_its_lanes() {
        let lab = lab_after(&[
            FlowCommand::Scenario(FlowScenario::Scalability),
            FlowCommand::Variant(SessionVariant::Sticky),
            FlowCommand::Servers(7),
            FlowCommand::Requests(500),
        ]);
        let args = lab.scenario_cli_args().unwrap();
        assert_same(&json(&args.iter().map(String::as_str).collect::<Vec<_>>()), &lab);
    }

    #[test]
    fn the_failover_store_outage_command_lines_give_the_lanes() {
        for (variant, check) in [
            (FailoverVariant::Shared, Revocation::None),
            (FailoverVariant::Sticky, Revocation::Denylist),
            (FailoverVariant::Shared, Revocation::Version),
        ] {
            let lab = lab_after(&[
                FlowCommand::Scenario(FlowScenario::Failover),
                FlowCommand::FailoverVariant(variant),
                FlowCommand::JwtRevocation(check),
                FlowCommand::StoreDown(Some(180)),
            ]);
            let args = lab.scenario_cli_args().unwrap();
            assert!(args.windows(2).any(|w| w == ["--store-fail-at", "180"]), "{args:?}");
            assert_same(&json(&args.iter().map(String::as_str).collect::<Vec<_>>()), &lab);
            // Each lane's own command line too, with the model's flags alone.
            for i in 0..2 {
                let lane = lab.cli_args(i).unwrap();
                let v = json(&lane.iter().map(String::as_str).collect::<Vec<_>>());
                let t = lab.lanes[i].flow.totals();
                assert_eq!(
                    (v["failed_requests"].as_u64(), v["store_outage_failures"].as_u64()),
                    (Some(t.failed_requests), Some(t.store_outage_failures)),
                    "{lane:?}"
                );
            }
        }
        // The shared store survives server 0 and fails the 60 requests of the outage.
        let lab = lab_after(&[
            FlowCommand::Scenario(FlowScenario::Failover),
            FlowCommand::FailoverVariant(FailoverVariant::Shared),
            FlowCommand::StoreDown(Some(180)),
        ]);
        let t = lab.lanes[0].flow.totals();
        assert_eq!((t.sessions_lost, t.failed_requests, t.store_outage_failures), (0, 60, 60));
    }

    #[test]
    fn the_sweep_is_the_one_the_window_plots() {
        let v = json(&["--sweep-servers", "1..50"]);
        let lab = FlowsLab::default();
        let points = lab.sweep.as_ref().expect("the lab sweeps its default sizes");
        assert_eq!(
            (v["users"].as_u64(), v["requests"].as_u64(), v["services"].as_u64()),
            (Some(12), Some(240), Some(0))
        );
        let shown = v["points"].as_array().unwrap();
        assert_eq!(shown.len(), points.len());
        for (s, p) in shown.iter().zip(points) {
            assert_eq!(s["servers"].as_u64(), Some(p.servers.into()));
            assert_eq!(s["shared_round_trips"].as_u64(), Some(p.shared_round_trips), "{s}");
            assert_eq!(s["replication_messages"].as_u64(), Some(p.replication_messages), "{s}");
            assert_eq!(s["sticky_sessions_lost"].as_u64(), Some(p.sticky_sessions_lost), "{s}");
            assert_eq!(s["jwt_verifications"].as_u64(), Some(p.jwt_verifications), "{s}");
        }
        // With one server, nowhere is left when it dies: all 12 sessions are lost.
        assert_eq!(shown[0]["sticky_sessions_lost"], 12);
        // A part of the range, and the scenario's sizes overridden: the same points.
        let part = json(&["--sweep-servers", "3..5", "--users", "20"]);
        let mut lab = FlowsLab::default();
        lab.handle(FlowCommand::Users(20), None, &[], NOW);
        let points = lab.sweep.as_ref().unwrap();
        let servers: Vec<u64> =
            part["points"].as_array().unwrap().iter().map(|p| p["servers"].as_u64().unwrap()).collect();
        assert_eq!(servers, [3, 4, 5]);
        for (s, p) in part["points"].as_array().unwrap().iter().zip(&points[2..5]) {
            assert_eq!(s["replication_messages"].as_u64(), Some(p.replication_messages), "{s}");
            assert_eq!(s["sticky_sessions_lost"].as_u64(), Some(p.sticky_sessions_lost), "{s}");
        }
    }

    #[test]
    fn the_text_names_each_lane_and_its_figures() {
        let o = run(&["--scenario", "cross-domain"]);
        assert_eq!(code(&o), 0);
        let text = stdout(&o);
        assert!(text.starts_with("Cross-domain: 4 servers, 12 users, 240 requests, 0 services per request"), "{text}");
        for line in ["Session · shared store", "JWT · no revocation check", "cross-site calls", "CORS preflights"] {
            assert!(text.contains(line), "{line} in {text}");
        }
        let said = |name: &str, value: &str| text.lines().any(|l| l.starts_with(name) && l.ends_with(value));
        assert!(
            said("revocation takes effect", "at the next request")
                && said("revocation takes effect", "after up to 15 min"),
            "{text}"
        );
        let o = run(&["--sweep-servers", "1..2"]);
        assert_eq!(code(&o), 0);
        let text = stdout(&o);
        // The table, then the cost per request, where the curves cross, and the reality check.
        assert_eq!(text.lines().count(), 10, "{text}");
        assert!(text.lines().nth(2).unwrap().split_whitespace().eq(["1", "240", "0", "12", "240"]), "{text}");
        assert_eq!(
            text.lines().nth(5),
            Some("Cost per request on the operations measured here (store round trip 0.5 ms):")
        );
        let crossing = text.lines().nth(6).unwrap();
        assert!(
            crossing.starts_with("Per request, the curves cross at ")
                || crossing.starts_with("No crossover in 1..2 servers")
        );
        assert!(text.lines().nth(7).unwrap().starts_with("Per user request fanning out to 0..50 services: "), "{text}");
        assert!(text.lines().nth(8).unwrap().starts_with("What a JWT saves per user request: "), "{text}");
        assert_eq!(text.lines().nth(9), Some(REALITY_CHECK));
    }

    #[test]
    fn the_sweeps_crossover_is_the_labs_words_on_its_measured_costs() {
        let v = json(&["--sweep-servers", "1..50"]);
        let costs: Vec<CostPoint> = v["cost_per_request"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| CostPoint {
                servers: u32::try_from(c["servers"].as_u64().unwrap()).unwrap(),
                session_ns: c["session_ns"].as_f64().unwrap(),
                jwt_ns: c["jwt_ns"].as_f64().unwrap(),
                jwt_denylist_ns: c["jwt_denylist_ns"].as_f64().unwrap(),
            })
            .collect();
        assert_eq!(costs.len(), 50);
        // The same function the window's sweep says it with, on the figures measured here.
        assert_eq!(v["crossover"].as_str(), Some(crossover_text(&costs).as_str()));
        assert_eq!(v["crossover_servers"].as_u64(), crossover(&costs).map(u64::from));
        // The fan-out sweep: 0 to 50 services per user request, in the lab's words.
        let fan_out: Vec<FanOutPoint> = v["cost_per_request_by_services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| FanOutPoint {
                services: u32::try_from(c["services"].as_u64().unwrap()).unwrap(),
                session_ns: c["session_ns"].as_f64().unwrap(),
                jwt_ns: c["jwt_ns"].as_f64().unwrap(),
                jwt_denylist_ns: c["jwt_denylist_ns"].as_f64().unwrap(),
                serverless_session_ns: c["serverless_session_ns"].as_f64().unwrap(),
            })
            .collect();
        assert_eq!(fan_out.iter().map(|p| p.services).collect::<Vec<_>>(), (0..=50).collect::<Vec<_>>());
        assert_eq!(v["fan_out"].as_str(), Some(fan_out_text(&fan_out).as_str()));
        // The reality check's saving, at a single app and at two dozen services, in the lab's words.
        assert_eq!(v["savings_text"].as_str(), Some(savings_text(&fan_out).as_str()));
        let (one, many) = savings(&fan_out).unwrap();
        assert_eq!(v["savings"][1]["services"].as_u64(), Some(u64::from(DOZENS_OF_SERVICES)));
        assert!((v["savings"][0]["jwt_saves_ns"].as_f64().unwrap() - one.jwt_saves_ns).abs() < 1e-6);
        assert!((many.jwt_saves_ns - (fan_out[24].session_ns - fan_out[24].jwt_ns)).abs() < 1e-6);
        // From serverless functions each of the 1 + M lookups pays 2 more round trips of 0.5 ms.
        for p in &fan_out {
            let extra = f64::from(1 + p.services) * 2.0 * 500_000.0;
            assert!((p.serverless_session_ns - p.session_ns - extra).abs() < 1.0, "{p:?}");
        }
        // 1 + M lookups against 1 + M verifications: both grow by the same step every service.
        let step = |f: fn(&FanOutPoint) -> f64| f(&fan_out[1]) - f(&fan_out[0]);
        for w in fan_out.windows(2) {
            assert!((w[1].session_ns - w[0].session_ns - step(|p| p.session_ns)).abs() < 1.0, "{w:?}");
            assert!((w[1].jwt_ns - w[0].jwt_ns - step(|p| p.jwt_ns)).abs() < 1.0, "{w:?}");
            assert!((w[1].jwt_denylist_ns - w[0].jwt_denylist_ns - step(|p| p.jwt_denylist_ns)).abs() < 1.0, "{w:?}");
        }
        // A JWT with a denylist pays both: each of its 1 + M hops a verification and a lookup.
        for p in &fan_out {
            let both = p.jwt_ns + p.session_ns;
            assert!((p.jwt_denylist_ns - both).abs() < 1.0, "{p:?}");
        }
        // One server keeps its sessions in memory: an in-process lookup, no round trip; from two
        // a shared store costs its 0.5 ms round trip per request; a JWT costs the same throughout.
        assert!(costs[0].session_ns < 500_000.0 && costs[1].session_ns >= 500_000.0, "{costs:?}");
        let same = |a: f64, b: f64| (a - b).abs() < 1e-6;
        assert!(costs.iter().all(|c| same(c.jwt_ns, costs[0].jwt_ns)), "{costs:?}");
        // A JWT that honours a logout pays the shared store's round trip and its verification:
        // above sessions at every count.
        assert!(costs.iter().all(|c| (c.jwt_denylist_ns - c.jwt_ns - costs[1].session_ns).abs() < 1.0), "{costs:?}");
        assert!(costs.iter().all(|c| c.jwt_denylist_ns > c.session_ns), "{costs:?}");
        assert!(costs[1..].iter().all(|c| same(c.session_ns, costs[1].session_ns)), "{costs:?}");
    }

    #[test]
    fn a_bad_scenario_or_range_is_refused_naming_the_flag_and_the_allowed_values() {
        refused(
            &["--scenario", "overhead"],
            "'--scenario <NAME>': \"overhead\" is not one of scalability, failover, revocation, request-overhead, \
             cross-domain, mobile, microservices, serverless, hybrid",
        );
        for range in ["0..50", "1..51", "9..3", "1-50"] {
            refused(&["--sweep-servers", range], "'--sweep-servers <FROM..TO>'");
            refused(&["--sweep-servers", range], "from 1 to 50 with FROM <= TO");
        }
        refused(
            &["--scenario", "failover", "--servers", "1"],
            "--servers 1 is fewer than the 2 the failover scenario needs",
        );
        refused(
            &["--scenario", "mobile", "--users", "100001"],
            "--users 100001 is more than the 100000 users the Flows lab allows",
        );
        refused(&["--scenario", "mobile", "--requests", "0"], "--requests must be at least 1");
        refused(
            &["--scenario", "hybrid", "--mode", "jwt"],
            "--mode jwt: the hybrid scenario's lanes are session and hybrid",
        );
        refused(
            &["--sweep-servers", "1..5", "--scenario", "failover"],
            "--sweep-servers is the scalability scenario's sweep",
        );
        refused(&["--sweep-servers", "1..5", "--mode", "jwt"], "--mode");
        refused(&["--mode", "session", "--users", "2", "--requests", "2"], "--servers");
    }
}

#[test]
fn the_store_latency_sets_each_lanes_network_wait() {
    let v = json(&["--scenario", "scalability", "--latency-ms", "2"]);
    assert_eq!(v["store_latency_ms"], 2.0);
    // The shared-store session lane: 240 lookups over the network, 2 ms each.
    let lane = &v["lanes"][0];
    assert_eq!(lane["totals"]["remote_lookups"], 240);
    assert_eq!(lane["network_wait_ms"], 480.0);
    for bad in ["-1", "nan", "inf"] {
        let o = run(&["--scenario", "scalability", "--latency-ms", bad]);
        assert_eq!(code(&o), 2, "{bad}");
        assert!(stderr(&o).contains("--latency-ms"), "{bad}: {}", stderr(&o));
    }
    let o = run(&["--mode", "session", "--servers", "1", "--users", "1", "--requests", "1", "--latency-ms", "2"]);
    assert_eq!(code(&o), 0);
    assert!(stderr(&o).contains("note: --latency-ms applies with --scenario or --sweep-servers"), "{}", stderr(&o));
}
