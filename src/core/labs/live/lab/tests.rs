//! The Live tab's state machine against real servers on loopback: jobs run in place and their
//! results are fed back, as the window's runner does.

use super::*;
use crate::core::engine::forge::Attack;
use crate::core::labs::live::Revocation;

/// Applies `command` and runs every job it asks for, feeding the results back, until none is
/// left; then takes the balancer's log.
fn drive(lab: &mut LiveLab, command: LiveCommand) -> Vec<f64> {
    let mut round_trips = Vec::new();
    let mut queue = vec![command];
    while let Some(c) = queue.pop() {
        for effect in lab.handle(c) {
            match effect {
                LiveEffect::Spawn(job) => queue.push(job.run()),
                LiveEffect::UseRoundTrip(ms) => round_trips.push(ms),
            }
        }
    }
    lab.handle(LiveCommand::Poll);
    round_trips
}

fn started(settings: Settings) -> LiveLab {
    let mut lab = LiveLab::default();
    drive(&mut lab, LiveCommand::Settings(settings));
    drive(&mut lab, LiveCommand::Start);
    assert!(lab.running(), "{:?}", lab.error);
    assert!(!lab.busy());
    lab
}

fn check(lab: &LiveLab, situation: Situation) -> &Check {
    lab.checks.iter().find(|c| c.situation == situation).unwrap()
}

fn last(lab: &LiveLab) -> &Exchange {
    lab.exchanges.back().unwrap()
}

#[test]
fn a_shared_store_survives_its_login_server_and_a_logout_refuses_the_session() {
    let mut lab = started(Settings { servers: 2, ..Settings::default() });
    drive(&mut lab, LiveCommand::Send(Action::Login));
    assert_eq!(last(&lab).status, Some(200));
    assert!(lab.held.cookie_header().unwrap().starts_with("sid="));
    let login_server = lab.login_server.unwrap();
    for _ in 0..3 {
        drive(&mut lab, LiveCommand::Send(Action::Me));
        assert_eq!(last(&lab).status, Some(200), "{:?}", last(&lab));
    }
    let served = check(&lab, Situation::Served);
    assert_eq!(served.measured, Some(Observed { served: 3, sent: 3, last_status: Some(200) }));
    assert!(served.measured.unwrap().agrees(&served.predicted));

    drive(&mut lab, LiveCommand::StopServer(login_server));
    assert!(!lab.run.as_ref().unwrap().server.running()[login_server]);
    drive(&mut lab, LiveCommand::Send(Action::Me));
    assert_eq!(last(&lab).server, Some(1 - login_server), "the other server answers");
    let down = check(&lab, Situation::LoginServerDown);
    assert!(down.predicted.served, "{}", down.predicted.text);
    assert!(down.measured.unwrap().agrees(&down.predicted), "{:?}", down.measured);

    drive(&mut lab, LiveCommand::Send(Action::Logout));
    assert_eq!(last(&lab).status, Some(200), "{:?}", last(&lab));
    assert_eq!(lab.held, Credentials::default(), "the client forgets at logout");
    drive(&mut lab, LiveCommand::Send(Action::Me));
    assert_eq!(last(&lab).status, Some(401), "nothing held, nothing sent");
    assert_eq!(check(&lab, Situation::AfterLogout).measured, None, "a request without credentials proves nothing");
    drive(&mut lab, LiveCommand::Replay);
    assert!(last(&lab).copy && last(&lab).sent[0].starts_with("Cookie: sid="), "{:?}", last(&lab));
    assert_eq!(last(&lab).status, Some(401));
    let after = check(&lab, Situation::AfterLogout);
    assert!(!after.predicted.served);
    assert!(after.measured.unwrap().agrees(&after.predicted));

    // Every request the tab sent went through the balancer's log.
    assert!(lab.logged >= 7, "{}", lab.logged);
    assert!(lab.log.iter().any(|e| e.path == "/logout" && e.status == 200));
    drive(&mut lab, LiveCommand::StartServer(login_server));
    assert!(lab.run.as_ref().unwrap().server.running().iter().all(|&r| r));
}

#[test]
fn sticky_per_server_sessions_die_with_their_server_as_the_model_says() {
    let mut lab = started(Settings { store: StoreChoice::PerServer, sticky: true, servers: 2, ..Settings::default() });
    drive(&mut lab, LiveCommand::Send(Action::Login));
    assert!(lab.held.cookies.iter().any(|(n, _)| n == "lb"), "{:?}", lab.held);
    drive(&mut lab, LiveCommand::Send(Action::Me));
    assert_eq!(last(&lab).status, Some(200));
    let login_server = lab.login_server.unwrap();
    drive(&mut lab, LiveCommand::StopServer(login_server));
    drive(&mut lab, LiveCommand::Send(Action::Me));
    assert_eq!(last(&lab).status, Some(401), "{:?}", last(&lab));
    let down = check(&lab, Situation::LoginServerDown);
    assert!(!down.predicted.served, "{}", down.predicted.text);
    assert!(down.measured.unwrap().agrees(&down.predicted));
}

#[test]
fn a_plain_jwt_outlives_its_logout_and_a_denylist_does_not() {
    for (revocation, refused) in [(Revocation::None, false), (Revocation::Denylist, true), (Revocation::Version, true)]
    {
        let mut lab = started(Settings { mode: Mode::Jwt, revocation, ..Settings::default() });
        drive(&mut lab, LiveCommand::Send(Action::Login));
        assert!(lab.held.access.is_some() && lab.held.refresh.is_some());
        drive(&mut lab, LiveCommand::Replay);
        assert_eq!(lab.error.as_deref(), Some("log out first: the copy is made at logout"));
        drive(&mut lab, LiveCommand::Send(Action::Logout));
        assert_eq!(last(&lab).status, Some(200), "{:?}", last(&lab));
        drive(&mut lab, LiveCommand::Replay);
        assert_eq!(last(&lab).status == Some(401), refused, "{revocation:?}: {:?}", last(&lab));
        let after = check(&lab, Situation::AfterLogout);
        assert_eq!(after.predicted.served, !refused);
        assert!(after.measured.unwrap().agrees(&after.predicted), "{revocation:?}");
    }
}

#[test]
fn refresh_rotates_the_refresh_token() {
    let mut lab = started(Settings { mode: Mode::Jwt, ..Settings::default() });
    drive(&mut lab, LiveCommand::Send(Action::Login));
    let first = lab.held.refresh.clone().unwrap();
    drive(&mut lab, LiveCommand::Send(Action::Refresh));
    assert_eq!(last(&lab).status, Some(200), "{:?}", last(&lab));
    assert_ne!(lab.held.refresh.as_deref(), Some(first.as_str()));
}

#[test]
fn load_probe_and_measurement_report_on_the_run() {
    let mut lab = started(Settings { mode: Mode::Jwt, accept_attacks: vec![Attack::None], ..Settings::default() });
    drive(&mut lab, LiveCommand::LoadSize(LoadSettings { users: 2, requests: 200, concurrency: 4 }));
    drive(&mut lab, LiveCommand::RunLoad);
    let report = lab.load.clone().unwrap().unwrap();
    assert_eq!((report.requests, report.ok, report.failed), (200, 200, 0));
    assert_eq!(report.histogram.iter().map(|b| b.count).sum::<u64>(), 200);

    drive(&mut lab, LiveCommand::Probe);
    assert!(lab.error.as_deref().unwrap().contains("needs an access token"));
    drive(&mut lab, LiveCommand::Send(Action::Login));
    drive(&mut lab, LiveCommand::Probe);
    let probe = lab.probe.clone().unwrap().unwrap();
    assert_eq!(probe.accepted(), vec![Attack::None], "exactly the open door");

    assert!(drive(&mut lab, LiveCommand::UseRoundTrip).is_empty(), "nothing measured yet");
    drive(&mut lab, LiveCommand::Measure);
    let figures = lab.figures.clone().unwrap().unwrap();
    assert!(figures.round_trip > Duration::ZERO && figures.verify.is_some_and(|v| v > Duration::ZERO));
    let cost = lab.predicted_auth_cost().unwrap();
    assert_eq!(cost, figures.verify.unwrap(), "plain JWT: one verification, no store");
    let ms = drive(&mut lab, LiveCommand::UseRoundTrip);
    assert_eq!(ms, vec![figures.round_trip.as_secs_f64() * 1e3]);
}

#[test]
fn results_of_a_stopped_run_are_dropped_and_bad_settings_named() {
    let mut lab = started(Settings::default());
    let effects = lab.handle(LiveCommand::Send(Action::Login));
    assert!(lab.busy());
    drive(&mut lab, LiveCommand::Stop);
    assert!(!lab.running() && !lab.busy());
    for effect in effects {
        if let LiveEffect::Spawn(job) = effect {
            lab.handle(job.run());
        }
    }
    assert!(lab.exchanges.is_empty(), "an answer for the stopped run is dropped");

    drive(
        &mut lab,
        LiveCommand::Settings(Settings {
            store: StoreChoice::Redis,
            redis_url: "redis://nohost".into(),
            ..Settings::default()
        }),
    );
    drive(&mut lab, LiveCommand::Start);
    assert!(!lab.running());
    assert!(lab.error.as_deref().unwrap().starts_with("Redis URL"), "{:?}", lab.error);
    drive(&mut lab, LiveCommand::Settings(Settings { servers: 9, ..Settings::default() }));
    drive(&mut lab, LiveCommand::Start);
    assert!(lab.error.as_deref().unwrap().contains("servers: 9"), "{:?}", lab.error);
    drive(&mut lab, LiveCommand::Send(Action::Me));
    assert_eq!(lab.error.as_deref(), Some("start the servers first"));
}

#[test]
fn the_command_line_starts_the_same_run() {
    let s = Settings {
        mode: Mode::Jwt,
        store: StoreChoice::PerServer,
        revocation: Revocation::Denylist,
        servers: 3,
        sticky: true,
        accept_attacks: vec![Attack::None, Attack::Tamper],
        ..Settings::default()
    };
    assert_eq!(
        s.command_line(),
        "tokenbench serve --mode jwt --servers 3 --store per-server --revocation denylist --sticky --accept-attacks none,tamper"
    );
}

#[test]
fn session_mode_drops_the_jwt_only_settings() {
    let s = Settings {
        revocation: Revocation::Denylist,
        accept_attacks: vec![Attack::None, Attack::Jku],
        servers: 1,
        ..Settings::default()
    };
    assert_eq!(s.command_line(), "tokenbench serve --mode session --servers 1");
    let c = s.config().unwrap();
    assert!(c.accept_attacks.is_empty() && c.revocation == Revocation::None);
    let mut lab = started(s);
    let run = lab.run.as_ref().unwrap();
    assert!(run.server.config().accept_attacks.is_empty(), "no door opened in session mode");
    drive(&mut lab, LiveCommand::Stop);
}

#[test]
fn a_failed_restart_keeps_the_run_and_a_restarted_server_ends_its_row() {
    let mut lab = started(Settings { servers: 1, ..Settings::default() });
    let url = lab.url().unwrap().to_owned();
    drive(&mut lab, LiveCommand::Send(Action::Login));
    // One server stopped: nothing answers (503), as the model says; back up, the row is closed.
    drive(&mut lab, LiveCommand::StopServer(0));
    drive(&mut lab, LiveCommand::Send(Action::Me));
    assert_eq!(last(&lab).status, Some(503), "{:?}", last(&lab));
    drive(&mut lab, LiveCommand::StartServer(0));
    drive(&mut lab, LiveCommand::Send(Action::Me));
    assert_eq!(last(&lab).status, Some(200));
    let down = check(&lab, Situation::LoginServerDown);
    assert_eq!(
        down.measured,
        Some(Observed { served: 0, sent: 1, last_status: Some(503) }),
        "after the restart, not counted"
    );
    assert!(down.measured.unwrap().agrees(&down.predicted));

    // A new login starts every row afresh.
    drive(&mut lab, LiveCommand::Send(Action::Login));
    assert!(lab.checks.iter().all(|c| c.measured.is_none()), "{:?}", lab.checks);

    // A Redis that does not answer: the start fails and the run before keeps running.
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap();
    let redis = format!("redis://127.0.0.1:{port}");
    drive(
        &mut lab,
        LiveCommand::Settings(Settings { store: StoreChoice::Redis, redis_url: redis, ..Settings::default() }),
    );
    drive(&mut lab, LiveCommand::Start);
    assert_eq!(lab.url(), Some(url.as_str()), "the old run is kept");
    assert!(lab.error.as_deref().unwrap().ends_with("(the run before keeps running)"), "{:?}", lab.error);
    drive(&mut lab, LiveCommand::Send(Action::Me));
    assert_eq!(last(&lab).status, Some(200));
}

#[test]
fn a_replay_no_server_answers_says_nothing_about_the_logout() {
    let mut lab = started(Settings { mode: Mode::Jwt, servers: 1, ..Settings::default() });
    drive(&mut lab, LiveCommand::Send(Action::Login));
    drive(&mut lab, LiveCommand::Send(Action::Logout));
    drive(&mut lab, LiveCommand::StopServer(0));
    drive(&mut lab, LiveCommand::Replay);
    assert_eq!(last(&lab).status, Some(503));
    assert_eq!(check(&lab, Situation::AfterLogout).measured, None, "a 503 is not a refusal");
    drive(&mut lab, LiveCommand::StartServer(0));
    drive(&mut lab, LiveCommand::Replay);
    let after = check(&lab, Situation::AfterLogout);
    assert_eq!(after.measured, Some(Observed { served: 1, sent: 1, last_status: Some(200) }), "a plain JWT lives on");
    assert!(after.measured.unwrap().agrees(&after.predicted));
}

#[test]
fn a_hybrid_run_is_loaded_with_its_session_cookie() {
    let mut lab = started(Settings { mode: Mode::Hybrid, ..Settings::default() });
    drive(&mut lab, LiveCommand::LoadSize(LoadSettings { users: 1, requests: 20, concurrency: 2 }));
    drive(&mut lab, LiveCommand::RunLoad);
    let report = lab.load.clone().unwrap().unwrap();
    assert_eq!((report.mode, report.ok), (Mode::Session, 20));
    drive(&mut lab, LiveCommand::Send(Action::Login));
    drive(&mut lab, LiveCommand::Send(Action::Refresh));
    let refresh = last(&lab);
    assert_eq!(refresh.status, Some(200), "{refresh:?}");
    assert!(refresh.sent.iter().any(|l| l.starts_with("body: refresh_token")), "{:?}", refresh.sent);
    assert!(!refresh.sent.iter().any(|l| l.starts_with("Authorization")), "the refresh token goes in the body");
}
