//! The lab's rules without a window: what each scenario sets, the sweep, the command line's
//! flags over a scenario, and the lanes' labels for a huge token.

use std::time::Duration;

use super::command_line::{Overrides, ScenarioRun};
use super::*;
use crate::core::labs::flows::credential::{self, TYPICAL_TOKEN_BYTES};
use crate::core::labs::flows::{Client, Logout, Store};

fn lab_on(s: FlowScenario) -> FlowsLab {
    let mut lab = FlowsLab::default();
    lab.handle(FlowCommand::Scenario(s), None, &[], 0.0);
    lab
}

#[test]
fn the_lab_starts_on_scalability_with_4_servers_12_users_240_requests() {
    let lab = FlowsLab::default();
    assert_eq!(lab.scenario, FlowScenario::Scalability);
    let p = lab.params;
    assert_eq!((p.servers, p.users, p.requests, p.services), (4, 12, 240, 0));
    assert!((lab.speed - 2.5).abs() < f32::EPSILON);
    assert_eq!(lab.lanes.each_ref().map(|l| l.cfg.mode), [Mode::Session, Mode::Jwt]);
    assert_eq!(lab.lanes[1].cfg.token_bytes, TYPICAL_TOKEN_BYTES);
}

#[test]
fn each_scenario_sets_its_own_lanes() {
    let configs = |s| lab_on(s).lane_configs();
    let [session, jwt] = configs(FlowScenario::Scalability);
    assert_eq!((session.store, session.sticky, jwt.mode), (Store::Shared, false, Mode::Jwt));
    let [session, jwt] = configs(FlowScenario::Failover);
    assert_eq!((session.store, session.sticky, session.fail_server_at), (Store::Local, true, Some(120)));
    assert_eq!((jwt.sticky, jwt.fail_server_at), (true, Some(120)));
    let [session, jwt] = configs(FlowScenario::Revocation);
    let logout = Some(Logout { user: 0, before_request: 60 });
    assert_eq!((session.logout, jwt.logout, jwt.revocation), (logout, logout, Revocation::None));
    for s in [FlowScenario::CrossDomain, FlowScenario::Mobile] {
        let [session, jwt] = configs(s);
        assert_eq!((session.cross_site_every, jwt.cross_site_every), (3, 3), "{s:?}");
        let client = if s == FlowScenario::Mobile { Client::Mobile } else { Client::Browser };
        assert_eq!((session.client, jwt.client), (client, client), "{s:?}");
    }
    let [session, jwt] = configs(FlowScenario::Microservices);
    assert_eq!((session.services, jwt.services), (4, 4));
    let [session, jwt] = configs(FlowScenario::Serverless);
    assert!(session.serverless && jwt.serverless);
    let [session, hybrid] = configs(FlowScenario::Hybrid);
    assert_eq!((session.mode, hybrid.mode, hybrid.services), (Mode::Session, Mode::Hybrid, 3));
    let [session, jwt] = configs(FlowScenario::Overhead);
    assert_eq!((session, jwt), (Config { mode: Mode::Session, ..session }, Config { mode: Mode::Jwt, ..session }));
}

#[test]
fn failover_needs_two_servers_and_the_caps_hold() {
    let mut lab = FlowsLab::default();
    lab.handle(FlowCommand::Servers(1), None, &[], 0.0);
    lab.handle(FlowCommand::Scenario(FlowScenario::Failover), None, &[], 0.0);
    assert_eq!(lab.params.servers, 2);
    lab.handle(FlowCommand::Servers(1), None, &[], 0.0);
    assert_eq!(lab.params.servers, 2, "server 0 dies: one more must be left");
    lab.handle(FlowCommand::Servers(500), None, &[], 0.0);
    lab.handle(FlowCommand::Services(500), None, &[], 0.0);
    assert_eq!((lab.params.servers, lab.params.services), (50, 8));
}

#[test]
fn scenario_names_round_trip_and_a_wrong_one_lists_them_all() {
    for s in FlowScenario::ALL {
        assert_eq!(s.name().parse::<FlowScenario>(), Ok(s));
    }
    let e = "overhead".parse::<FlowScenario>().unwrap_err();
    assert_eq!(
        e,
        "\"overhead\" is not one of scalability, failover, revocation, request-overhead, cross-domain, mobile, \
         microservices, serverless, hybrid"
    );
}

#[test]
fn the_sweep_counts_every_session_lost_with_one_server_and_runs_the_model_from_two() {
    let lab = FlowsLab::default();
    let points = lab.sweep.as_ref().unwrap();
    assert_eq!(points.len(), 50);
    assert_eq!(points.iter().map(|p| p.servers).collect::<Vec<_>>(), (1..=50).collect::<Vec<_>>());
    // One server: nowhere left to route when it dies, so all 12 sessions count as lost.
    assert_eq!(points[0].sticky_sessions_lost, 12);
    // Two servers: server 0 held users 0, 2, 4, 6, 8, 10.
    assert_eq!(points[1].sticky_sessions_lost, 6);
    // 240 requests: a shared store is one round trip each, a JWT one verification each;
    // replication copies each of 12 logins to N - 1 servers.
    assert!(points.iter().all(|p| p.shared_round_trips == 240 && p.jwt_verifications == 240));
    assert_eq!(points[9].replication_messages, 12 * 9);
    let big = FlowCommand::Requests(20_000);
    let mut lab = FlowsLab::default();
    lab.handle(big, None, &[], 0.0);
    assert_eq!(lab.sweep, None, "too large to run on every change");
    assert_eq!(lab_on(FlowScenario::Failover).sweep, None, "only the scalability scenario sweeps");
}

#[test]
fn a_servers_range_is_from_1_to_50_both_ends_included() {
    assert_eq!(parse_servers_range("1..50"), Ok(1..=50));
    assert_eq!(parse_servers_range("3..=7"), Ok(3..=7));
    assert_eq!(parse_servers_range("5..5"), Ok(5..=5));
    for bad in ["0..5", "5..3", "1..51", "1-50", "a..b", "..", "1..", "-1..4"] {
        let e = parse_servers_range(bad).unwrap_err();
        assert!(e.contains("FROM..TO") && e.contains("from 1 to 50"), "{bad}: {e}");
    }
}

#[test]
fn flags_over_a_scenario_win_and_go_through_the_labs_commands() {
    let o = Overrides { services: Some(2), users: Some(30), ..Overrides::default() };
    let run = ScenarioRun::new(FlowScenario::Microservices, &o).unwrap();
    assert_eq!((run.lab.params.services, run.lab.params.users), (2, 30));
    assert_eq!(run.lanes.iter().map(|c| (c.services, c.users)).collect::<Vec<_>>(), [(2, 30), (2, 30)]);
    // A store for the lanes that keep sessions, a check for the JWT lanes.
    let o = Overrides { store: Some(Store::Replicated), revocation: Some(Revocation::Version), ..Overrides::default() };
    let run = ScenarioRun::new(FlowScenario::Failover, &o).unwrap();
    assert_eq!((run.lanes[0].store, run.lanes[0].revocation), (Store::Replicated, Revocation::None));
    assert_eq!((run.lanes[1].store, run.lanes[1].revocation), (Store::Shared, Revocation::Version));
    // --mode picks a lane.
    let o = Overrides { mode: Some(Mode::Hybrid), ..Overrides::default() };
    let run = ScenarioRun::new(FlowScenario::Hybrid, &o).unwrap();
    assert_eq!(run.lanes.iter().map(|c| c.mode).collect::<Vec<_>>(), [Mode::Hybrid]);
    let e = ScenarioRun::new(FlowScenario::Scalability, &o).unwrap_err();
    assert_eq!(e, "--mode hybrid: the scalability scenario's lanes are session and jwt (--mode picks one of them)");
}

#[test]
fn flags_outside_the_labs_range_are_refused_naming_the_flag() {
    let refused = |s: FlowScenario, o: Overrides| ScenarioRun::new(s, &o).unwrap_err();
    let e = refused(FlowScenario::Failover, Overrides { servers: Some(1), ..Overrides::default() });
    assert!(e.starts_with("--servers 1 is fewer than the 2 the failover scenario needs"), "{e}");
    let e = refused(FlowScenario::Overhead, Overrides { servers: Some(51), ..Overrides::default() });
    assert!(e.starts_with("--servers 51 is more than the 50 servers the Flows lab allows"), "{e}");
    let e = refused(FlowScenario::Overhead, Overrides { requests: Some(0), ..Overrides::default() });
    assert!(e.starts_with("--requests must be at least 1"), "{e}");
    let e = refused(FlowScenario::Overhead, Overrides { users: Some(0), ..Overrides::default() });
    assert_eq!(e, "--users must be at least 1");
    let e = refused(
        FlowScenario::Scalability,
        Overrides { mode: Some(Mode::Jwt), store: Some(Store::Local), ..Overrides::default() },
    );
    assert!(e.starts_with("--store applies to session and hybrid mode"), "{e}");
    let e = refused(
        FlowScenario::Scalability,
        Overrides { servers: Some(1), fail_server_at: Some(3), ..Overrides::default() },
    );
    assert!(e.starts_with("--fail-server-at needs at least 2 servers"), "{e}");
}

#[test]
fn the_scenario_command_line_rebuilds_the_labs_lanes() {
    let mut lab = FlowsLab::default();
    for c in [
        FlowCommand::Scenario(FlowScenario::Revocation),
        FlowCommand::Users(20),
        FlowCommand::JwtRevocation(Revocation::Denylist),
    ] {
        lab.handle(c, None, &[], 0.0);
    }
    let args = lab.scenario_cli_args().unwrap();
    assert_eq!(
        args.join(" "),
        "--scenario revocation --servers 4 --users 20 --requests 240 --services 0 --revocation denylist"
    );
    let o = Overrides {
        servers: Some(4),
        users: Some(20),
        requests: Some(240),
        services: Some(0),
        revocation: Some(Revocation::Denylist),
        ..Overrides::default()
    };
    assert_eq!(ScenarioRun::new(FlowScenario::Revocation, &o).unwrap().lanes, lab.lane_configs().to_vec());
    // The store latency behind the lanes' network wait is a flag too, once changed.
    lab.handle(FlowCommand::StoreLatency(2.0), None, &[], 0.0);
    let args = lab.scenario_cli_args().unwrap().join(" ");
    assert!(args.contains("--services 0 --latency-ms 2 --revocation denylist"), "{args}");
    let o = Overrides { store_latency_ms: Some(2.0), ..o };
    assert_eq!(ScenarioRun::new(FlowScenario::Revocation, &o).unwrap().lab.params, lab.params);
    lab.handle(FlowCommand::Kill(1), None, &[], 0.0);
    assert!(lab.scenario_cli_args().is_err(), "a click has no flag");
}

#[test]
fn a_revocation_delay_is_said_in_words() {
    assert_eq!(revocation_delay_text(None), "at key rotation (no exp)");
    assert_eq!(revocation_delay_text(Some(0.0)), "at the next request");
    assert_eq!(revocation_delay_text(Some(900.0)), "after up to 15 min");
}

#[test]
fn a_one_megabyte_token_is_carried_but_labelled_by_its_ends() {
    use crate::core::engine::keys::{self, SecretEncoding};
    let key = keys::load_secret(&[7u8; 32], SecretEncoding::Raw, "k").unwrap();
    let mut claims = credential::typical_claims(1_700_000_000);
    claims.insert("blob".into(), "x".repeat(750 * 1024).into());
    let big = crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &claims, "HS256", &key)
        .unwrap();
    let parsed = crate::core::engine::token::parse(&big).unwrap();
    let mut lab = FlowsLab::default();
    let started = std::time::Instant::now();
    lab.handle(FlowCommand::UseLoaded, Some(&parsed), std::slice::from_ref(&key), 1_700_000_100.0);
    lab.handle(FlowCommand::Scenario(FlowScenario::Microservices), Some(&parsed), std::slice::from_ref(&key), 0.0);
    assert!(started.elapsed() < Duration::from_secs(5), "measuring a huge token stays short");
    assert_eq!(lab.lanes[1].cfg.bytes_per_request(), 22 + big.len(), "the model counts every byte");
    for _ in 0..14 {
        lab.handle(FlowCommand::Step, None, &[], 0.0);
    }
    let (step, drawn) = lab.lanes[1].shown.as_ref().unwrap();
    assert!(matches!(step, Step::Request(_)), "{step:?}");
    assert!(drawn.iter().all(|d| d.text.len() < 20_000), "labels show the token's ends only");
    assert!(drawn.iter().any(|d| d.text.contains("bytes not shown")));
}

#[test]
fn run_until_failure_stops_both_lanes_at_the_first_failed_request() {
    let mut lab = lab_on(FlowScenario::Failover);
    lab.handle(FlowCommand::RunUntilFailure, None, &[], 0.0);
    assert!(lab.shows_failure() && !lab.playing);
    // Server 0 dies before request 120; its first user after that is user 0 at request 120.
    let Some((Step::Request(r), _)) = lab.lanes[0].shown.as_ref() else { panic!("{:?}", lab.lanes[0].shown) };
    assert_eq!((r.index, r.user, r.outcome), (120, 0, crate::core::labs::flows::RequestOutcome::SessionMissing));
    assert_eq!(lab.lanes[1].flow.requests_done(), lab.lanes[0].flow.requests_done(), "both lanes at one event");
}

/// A token whose key is not loaded is carried re-signed: the command line names the lanes' own
/// JWT, and that JWT given as `--token` rebuilds the same lanes.
#[test]
fn a_re_signed_token_is_the_one_the_command_line_names() {
    let secret = crate::core::engine::keys::load_secret(
        b"a-long-enough-secret-for-hs256-0123456789",
        crate::core::engine::keys::SecretEncoding::Utf8,
        "s",
    )
    .unwrap();
    let claims = crate::core::labs::flows::credential::typical_claims(1_800_000_000);
    let mine = crate::core::engine::sign::sign(&serde_json::Map::new(), &claims, "HS256", &secret).unwrap();
    let token = crate::core::engine::token::parse(&mine).unwrap();
    let mut lab = FlowsLab::default();
    lab.handle(FlowCommand::Scenario(FlowScenario::Revocation), None, &[], 0.0);
    lab.handle(FlowCommand::UseLoaded, Some(&token), &[], 1_800_000_000.0);
    let lanes_jwt = lab.lanes_jwt().expect("no key: the claims are re-signed").to_owned();
    assert_ne!(lanes_jwt.len(), mine.len(), "another length than the loaded token");
    assert!(lab.scenario_cli_args().unwrap().join(" ").ends_with("--token lanes-jwt.jwt"));
    let o = Overrides { token_bytes: Some(lanes_jwt.len()), ..Overrides::default() };
    assert_eq!(ScenarioRun::new(FlowScenario::Revocation, &o).unwrap().lanes, lab.lane_configs().to_vec());
    // With its key loaded the token is carried as it is.
    lab.handle(FlowCommand::UseLoaded, Some(&token), std::slice::from_ref(&secret), 1_800_000_000.0);
    assert_eq!(lab.lanes_jwt(), None);
    assert!(lab.scenario_cli_args().unwrap().join(" ").ends_with("--token your-token.jwt"));
}
