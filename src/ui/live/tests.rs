//! The Live tab drawn alone (`Harness::build_ui_state`, as `egui_demo_lib` tests a panel) over
//! real servers on loopback: each frame draws the tab, hands its commands and finished jobs to
//! the state, as the app does.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::core::engine::forge::Attack;
use crate::core::labs::live::lab::exchange::Action;
use crate::core::labs::live::lab::{LiveCommand, LoadSettings, Settings};
use crate::core::labs::live::{Mode, Revocation};
use crate::ui::panel_harness::{self, World, click, settle};
use crate::ui::platform::FakePlatform;
use crate::ui::state::Command;

fn panel(settings: Settings, size: egui::Vec2) -> Harness<'static, World> {
    let setup = [Command::Live(LiveCommand::Settings(settings))];
    panel_harness::panel(World::new(FakePlatform::default(), setup), size, super::ui)
}

fn send(h: &mut Harness<'static, World>, command: LiveCommand) {
    let world = h.state_mut();
    world.state.handle(Command::Live(command), &mut world.platform);
    settle(h);
}

const WIDE: egui::Vec2 = egui::vec2(1280.0, 1800.0);

#[test]
fn start_log_in_fail_over_and_log_out_fill_the_models_rows() {
    let mut h = panel(Settings { servers: 2, ..Settings::default() }, WIDE);
    h.run();
    assert!(h.query_by_label_contains("No servers running").is_some());
    click(&mut h, "Start");
    assert!(h.state().state.live.running(), "{:?}", h.state().state.live.error);
    let url = h.state().state.live.url().unwrap().to_owned();
    assert!(h.query_by_label_contains(&format!("Running at {url}")).is_some());
    assert_eq!(h.query_all_by_label("not tried yet").count(), 3);

    click(&mut h, "Log in");
    click(&mut h, "GET /me");
    assert!(h.query_by_label_contains("GET /me as alice -> 200").is_some(), "the exchange is listed");
    assert!(h.query_by_label("all 48 requests served").is_some());
    assert!(h.query_by_label("1 of 1 served (last: 200)").is_some());

    let login = h.state().state.live.login_server.unwrap();
    assert!(h.query_by_label_contains(&format!("server {login}: running (your login)")).is_some());
    click(&mut h, &format!("Stop server {login}"));
    assert!(h.query_by_label_contains(&format!("server {login}: stopped")).is_some());
    click(&mut h, "GET /me");
    assert!(h.query_by_label_contains("survives").is_some());

    click(&mut h, "Log out");
    click(&mut h, "Replay a copy");
    assert!(h.query_by_label_contains("with a copy from before logout -> 401").is_some());
    assert!(h.query_by_label_contains("refused: ").is_some());
    assert!(h.query_by_label("0 of 1 served (last: 401)").is_some());
    assert_eq!(h.query_all_by_label("as predicted").count(), 3, "each situation as the model said");
    assert!(h.query_all_by_label("differs").next().is_none());
    // The balancer's log lists the tab's requests.
    assert!(
        h.query_all_by_label_contains("POST /logout Cookie: sid=").next().is_some(),
        "{}",
        h.state().state.live.logged
    );

    click(&mut h, &format!("Start server {login}"));
    assert!(h.state().state.live.run.as_ref().unwrap().server.running().iter().all(|&up| up));
    click(&mut h, "Stop everything");
    assert!(!h.state().state.live.running());
}

#[test]
fn load_probe_and_the_measured_round_trip_reach_flows_and_compare() {
    let settings = Settings {
        mode: Mode::Jwt,
        revocation: Revocation::Denylist,
        accept_attacks: vec![Attack::None],
        ..Settings::default()
    };
    let mut h = panel(settings, WIDE);
    h.run();
    click(&mut h, "Start");
    assert!(h.query_by_label_contains("Vulnerable on purpose: this verifier accepts none").is_some());
    send(&mut h, LiveCommand::LoadSize(LoadSettings { users: 2, requests: 300, concurrency: 4 }));
    click(&mut h, "Run load");
    let report = h.state().state.live.load.clone().unwrap().unwrap();
    assert_eq!(report.ok, 300);
    // The figures shown are the report's own words, the first lines `tokenbench load` prints.
    assert!(h.query_by_label(&report.summary()).is_some());
    assert!(report.to_text().starts_with(&report.summary()));

    click(&mut h, "Log in");
    click(&mut h, "Probe GET /me with every forgery");
    assert!(h.query_by_label_contains("ACCEPTED: ").is_some());
    assert_eq!(h.query_all_by_label_contains("ACCEPTED: ").count(), 1, "only the open door");
    assert_eq!(h.query_all_by_label("refused").count(), Attack::ALL.len() - 1);

    click(&mut h, "Measure the store and the verification");
    let figures = h.state().state.live.figures.clone().unwrap().unwrap();
    assert!(h.query_by_label_contains("Store round trip (embedded)").is_some());
    let cost = h.state().state.live.predicted_auth_cost().unwrap();
    assert_eq!(cost, figures.verify.unwrap() + figures.round_trip, "JWT + denylist: verification and one lookup");
    assert!(h.query_by_label_contains("the model puts").is_some(), "the load's median beside the model's cost");
    click(&mut h, "Use this round trip in Flows and Compare");
    let ms = h.state().state.flows.params.store_latency_ms;
    assert!((ms - figures.round_trip.as_secs_f64() * 1e3).abs() < 1e-12, "{ms}");
    send(&mut h, LiveCommand::Stop);
}

#[test]
fn the_tab_fits_a_small_window_and_a_bad_setting_is_named() {
    let mut h = panel(
        Settings {
            store: crate::core::labs::live::lab::StoreChoice::Redis,
            redis_url: "redis://nohost".into(),
            ..Settings::default()
        },
        egui::vec2(800.0, 480.0),
    );
    h.run();
    click(&mut h, "Start");
    assert!(!h.state().state.live.running());
    assert!(h.query_by_label_contains("Redis URL").is_some(), "the message names the setting");
    // Without servers, sending is refused with a message, never a panic.
    send(&mut h, LiveCommand::Send(Action::Me));
    assert_eq!(h.state().state.live.error.as_deref(), Some("start the servers first"));
}

#[test]
fn every_server_switch_is_reachable_at_800_wide() {
    let mut h = panel(Settings { servers: 4, ..Settings::default() }, egui::vec2(800.0, 1400.0));
    h.run();
    click(&mut h, "Start");
    for i in 0..4 {
        let label = format!("Stop server {i}");
        let rect = h.get_by_label(&label).rect();
        assert!(rect.max.x <= 800.0, "server {i}'s switch ends at {}", rect.max.x);
    }
    send(&mut h, LiveCommand::Stop);
}
