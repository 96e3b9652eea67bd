//! The Flows view's tests: its panel alone on a lab ([`view::panel`], as `egui_demo_lib` tests a
//! panel), and the lab through the whole window (scenarios, lanes, sweeps, frame pacing).

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use super::*;
use crate::core::labs::flows::credential::{self, TYPICAL_TOKEN_BYTES};
use crate::core::labs::flows::lab::{EVENT_GAP, FlowCommand, FlowScenario, MAX_SERVERS};
use crate::core::labs::flows::{self, Config, Flow, Mode, Revocation, Store, sequence};
use crate::ui::app::{Settings, Tab, TokenbenchApp};
use crate::ui::platform::FakePlatform;
use crate::ui::state::Command;

fn app() -> Harness<'static, TokenbenchApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
    h.state_mut().apply(vec![Command::SelectTab(Tab::Flows)]);
    h.run();
    h
}

/// The value of the metric row `name` in each lane, left then right: the cell after the
/// name's in the totals grid.
fn metric<S>(h: &Harness<'_, S>, name: &str) -> Vec<u64> {
    h.query_all_by_label(name)
        .filter_map(|n| {
            let cells: Vec<_> = n.parent()?.children().collect();
            let at = cells.iter().position(|c| c.accesskit_node().id() == n.accesskit_node().id())?;
            let value = cells.get(at + 1)?.accesskit_node();
            let text = value.label().or_else(|| value.value())?;
            text.split_whitespace().next()?.parse().ok()
        })
        .collect()
}

/// The text of the cell beside each metric row named `name`, left lane then right.
fn cells<S>(h: &Harness<'_, S>, name: &str) -> Vec<String> {
    h.query_all_by_label(name)
        .filter_map(|n| {
            let cells: Vec<_> = n.parent()?.children().collect();
            let i = cells.iter().position(|c| c.accesskit_node().id() == n.accesskit_node().id())?;
            let value = cells.get(i + 1)?.accesskit_node();
            value.label().or_else(|| value.value())
        })
        .collect()
}

#[test]
fn the_cpu_per_request_is_the_compare_tabs() {
    use crate::core::labs::compare::advise::Factor;
    use crate::core::labs::compare::lab::CompareCommand;
    let mut h = app();
    for (scenario, factor) in
        [(FlowScenario::Overhead, Factor::RequestOverhead), (FlowScenario::Microservices, Factor::Microservices)]
    {
        h.state_mut().apply(vec![
            Command::Flow(FlowCommand::Scenario(scenario)),
            Command::Flow(FlowCommand::RunToEnd),
            Command::Compare(CompareCommand::Refresh),
        ]);
        h.run();
        let shown = cells(&h, "CPU for requests");
        assert_eq!(shown.len(), 2, "{shown:?}");
        let per_request = |t: &str| t.split(" · ").nth(1).unwrap().trim_end_matches("/req").to_owned();
        let c = h.state().state.compare.comparison.clone().unwrap().unwrap();
        let jwt_ns = c.row(factor).jwt.figures["per_request_ns"].as_f64().unwrap();
        assert_eq!(per_request(&shown[1]), crate::core::text::measured_time(jwt_ns), "{scenario:?}");
        // Logins are counted apart: 12 signatures, not spread over the requests.
        let logins = cells(&h, "CPU for logins");
        let m = h.state().state.flows.measured.unwrap();
        let signing = m.sign.unwrap() * h.state().state.flows.params.users;
        assert!(logins[1].starts_with(&crate::core::text::measured_time(signing.as_secs_f64() * 1e9)), "{logins:?}");
    }
}

#[test]
fn the_sweep_plot_fits_the_new_range_when_the_parameters_change() {
    let mut h = app();
    let top = |h: &mut Harness<'_, TokenbenchApp>| {
        h.get_by_label_contains("What each design pays as servers are added").scroll_to_me();
        h.run();
        let m = egui_plot::PlotMemory::load(&h.ctx, view::sweep_plot_id()).expect("the sweep was drawn");
        let most = h.state().state.flows.sweep.as_ref().unwrap().iter().map(|p| p.replication_messages).max();
        (m.bounds().max()[1], most.unwrap() as f64)
    };
    // The y axis reaches twice the highest line: the top half is the legend's.
    let (before, most) = top(&mut h);
    assert!(before >= 2.0 * most && before < 3.0 * most, "fitted: {before} for {most}");
    h.state_mut().apply(vec![Command::Flow(FlowCommand::Users(100)), Command::Flow(FlowCommand::Requests(2000))]);
    let (grown, most) = top(&mut h);
    assert!(grown >= 2.0 * most && grown < 3.0 * most, "fitted to the larger run: {grown} for {most}");
    h.state_mut().apply(vec![Command::Flow(FlowCommand::Users(12)), Command::Flow(FlowCommand::Requests(240))]);
    let (back, _) = top(&mut h);
    assert!((back - before).abs() < 1e-6, "back on the small range: {back} vs {before}");
}

#[test]
fn choose_a_scenario_step_kill_a_server_read_the_metrics() {
    let mut h = app();
    h.get_by_label("Failover").click();
    h.run();
    assert_eq!(h.state().state.flows.scenario, FlowScenario::Failover);
    assert!(h.query_by_label_contains("Server 0 dies halfway").is_some(), "the caption is shown");
    let users = h.state().state.flows.params.users;
    for _ in 0..users + 3 {
        h.get_by_label("Step").click();
        h.run();
    }
    assert_eq!(h.query_all_by_label_contains("Request #2 by user 2").count(), 2, "the third request, in both lanes");
    assert_eq!(metric(&h, "requests"), [3, 3]);
    assert_eq!(metric(&h, "store lookups"), [3, 0]);
    assert_eq!(metric(&h, "signature verifications"), [0, 3]);
    // Kill server 1 by clicking it: its in-memory sessions are lost in the session lane only.
    h.get_by_label("Kill server 1").click();
    h.run();
    let on_1 = (0..users).filter(|u| u % 4 == 1).count() as u64;
    assert_eq!(metric(&h, "sessions lost"), [on_1, 0]);
    assert!(h.query_by_label("Server 1 is down").is_some());
    assert_eq!(h.query_all_by_label_contains("Server 1 died").count(), 2, "shown in both lanes");
    let lab = &h.state().state.flows;
    assert!(lab.progress >= 1.0, "paused: the event is drawn whole, not waiting for an animation");
    // Play the rest: the session lane fails requests, the JWT lane none.
    h.get_by_label("Run to end").click();
    h.run();
    let failed = metric(&h, "failed requests");
    assert!(failed[0] > 0 && failed[1] == 0, "{failed:?}");
    let t = *h.state().state.flows.lanes[0].flow.totals();
    assert_eq!(failed[0], t.failed_requests);
    assert_eq!(metric(&h, "requests")[0], h.state().state.flows.params.requests);
}

fn small() -> Harness<'static, TokenbenchApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(800.0, 480.0))
        .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
    h.state_mut().apply(vec![Command::SelectTab(Tab::Flows)]);
    h.run();
    h
}

#[test]
fn at_800x480_the_controls_stay_put_the_totals_align_and_the_diagrams_show() {
    let mut h = small();
    let mut at = Vec::new();
    for s in FlowScenario::ALL {
        h.state_mut().apply(vec![Command::Flow(FlowCommand::Scenario(s))]);
        h.run();
        at.push((h.get_by_label("Step").rect().min.y, h.get_by_label("Add a server").rect().min.y));
    }
    assert!(at.windows(2).all(|w| w[0] == w[1]), "Play/Step and the strip at one place: {at:?}");
    // The lanes start high enough for a whole diagram above the status line.
    h.state_mut().apply(vec![Command::Flow(FlowCommand::Scenario(FlowScenario::Scalability))]);
    h.run();
    let lane = h.query_all_by_label_contains("Session · shared store").next().unwrap().rect();
    let status = h.get_by_label("Back to now").rect().min.y;
    let rows = sequence::max_messages(&h.state().state.flows.lanes[0].cfg) as f32;
    let diagram = 2.0 * 18.0 + 34.0 + diagram::ROW_HEIGHT * rows + 8.0;
    assert!(
        lane.min.y + diagram <= status,
        "the diagram fits: lane at {}, {diagram} tall, status at {status}",
        lane.min.y
    );
    // Each total on one line, its value in the column beside its name.
    h.state_mut().apply(vec![Command::Flow(FlowCommand::RunToEnd)]);
    h.run();
    for name in h.query_all_by_label("CPU for requests") {
        let cells: Vec<_> = name.parent().unwrap().children().collect();
        let i = cells.iter().position(|c| c.accesskit_node().id() == name.accesskit_node().id()).unwrap();
        let value = cells[i + 1].rect();
        assert!((value.center().y - name.rect().center().y).abs() < 1.0, "same row");
        assert!(value.height() <= name.rect().height() + 1.0, "one line: {value:?}");
    }
}

#[test]
fn at_800x480_the_server_strip_stays_put_as_ten_million_requests_are_counted() {
    let mut h = small();
    h.state_mut().apply(vec![Command::Flow(FlowCommand::Requests(10_000_000))]);
    h.run();
    let strip =
        |h: &Harness<'_, TokenbenchApp>| (h.get_by_label("Servers").rect(), h.get_by_label("Add a server").rect());
    let (before, line) = (strip(&h), h.get_by_label_contains("requests        0/10000000").rect());
    h.state_mut().apply(vec![Command::Flow(FlowCommand::RunToEnd)]);
    h.run();
    let after = h.get_by_label_contains("requests 10000000/10000000").rect();
    assert_eq!(strip(&h), before, "the server strip did not move");
    assert_eq!(after, line, "the counter kept its place and size");
    assert!(line.height() < 20.0, "one line: {line:?}");
}

#[test]
fn an_added_server_holds_sessions_and_a_missing_signing_key_is_not_called_free() {
    let mut h = app();
    h.get_by_label("Failover").click();
    h.run();
    assert!(h.query_by_label_contains("logs no one in again").is_some(), "the caption says what the model does");
    h.get_by_label("Add a server").click();
    h.run();
    assert!(h.query_by_label("5 up of 5 (4 at start, 1 added)").is_some());
    assert!(field(&h, "Servers at start").value().is_some());
    h.get_by_label("Run to end").click();
    h.run();
    assert!(h.state().state.flows.lanes[0].flow.sessions_on(4) > 0, "logins went to the new server too");
    // Only public keys loaded: the JWT cannot be re-signed here, so logins are not measured.
    h.state_mut().apply(vec![Command::LoadSampleKeys, Command::LoadSample(0), Command::RemoveKey(3)]);
    h.run();
    assert!(h.state().state.flows.measured.is_some_and(|m| m.sign.is_none()));
    h.state_mut().apply(vec![Command::Flow(FlowCommand::Step)]);
    h.run();
    let cells: Vec<String> = h
        .query_all_by_label("CPU for logins")
        .filter_map(|n| {
            let cells: Vec<_> = n.parent()?.children().collect();
            let i = cells.iter().position(|c| c.accesskit_node().id() == n.accesskit_node().id())?;
            let value = cells[i + 1].accesskit_node();
            value.label().or_else(|| value.value())
        })
        .collect();
    assert!(cells.iter().any(|c| c == "not measured (no private key)"), "{cells:?}");
}

#[test]
fn the_lanes_agree_with_the_model_run_at_once() {
    let mut h = app();
    for s in FlowScenario::ALL {
        h.state_mut().apply(vec![Command::Flow(FlowCommand::Scenario(s))]);
        for _ in 0..40 {
            h.state_mut().apply(vec![Command::Flow(FlowCommand::Step)]);
        }
        h.state_mut().apply(vec![Command::Flow(FlowCommand::RunToEnd)]);
        h.run();
        let lab = &h.state().state.flows;
        for (i, lane) in lab.lanes.iter().enumerate() {
            let whole = flows::simulate(&lane.cfg).unwrap();
            assert_eq!(*lane.flow.totals(), whole, "{s:?} lane {i}");
        }
        assert_eq!(
            metric(&h, "store lookups"),
            lab.lanes.iter().map(|l| l.flow.totals().store_lookups).collect::<Vec<_>>()
        );
    }
}

#[test]
fn no_repaint_while_paused_and_while_playing_only_when_the_view_changes() {
    let mut h = app();
    h.state_mut().apply(vec![Command::Clock(crate::ui::state::ClockCommand::Pause)]);
    assert!(h.try_run().is_ok(), "an idle lab asks for no frames");
    assert_eq!(h.state().next_repaint(), None);
    let play = h.get_by_label("Play lanes").rect();
    let step = h.get_by_label("Step").rect();
    h.get_by_label("Play lanes").click();
    h.step();
    h.step();
    assert!(h.state().state.flows.playing);
    // Play and Pause are one width: nothing beside them moves.
    assert_eq!(h.get_by_label("Pause lanes").rect(), play);
    assert_eq!(h.get_by_label("Step").rect(), step);
    // The app sleeps until the growing message's next step, never sooner than 30 fps.
    let wait = h.state().next_repaint().expect("playing asks for a frame");
    assert_eq!(Some(wait), next_frame_in(&h.state().state.flows));
    assert!(wait.as_secs_f32() >= 1.0 / MAX_ANIMATION_FPS - 1e-6, "{wait:?}");
    assert!(h.try_run().is_ok(), "no frame is asked for at once: the next comes after {wait:?}");
    h.get_by_label("Pause lanes").click();
    h.step();
    h.step();
    assert_eq!(h.state().next_repaint(), None, "paused: no more frames");
    assert!(h.state().state.flows.lanes[0].flow.logins_done() >= 1, "the animation advanced while playing");
}

#[test]
fn playing_asks_for_a_frame_per_visible_change_not_per_screen_refresh() {
    let run = |frames_at: &dyn Fn(&FlowsLab) -> Duration| {
        let mut lab = FlowsLab::default();
        lab.handle(FlowCommand::Play, None, &[], 0.0);
        let (mut t, mut frames) = (0.0, 0);
        while t < 5.0 {
            let dt = frames_at(&lab).as_secs_f32();
            lab.handle(FlowCommand::Advance(dt), None, &[], 0.0);
            t += dt;
            frames += 1;
        }
        (frames, lab.lanes[0].flow.logins_done(), lab.progress)
    };
    let (scheduled, logins, _) = run(&|lab| next_frame_in(lab).unwrap());
    let (every_frame, logins_60, _) = run(&|_| Duration::from_secs_f32(1.0 / 60.0));
    // At x1 a message grows in 8 steps of 0.05 s and the lanes rest 0.6 s between events.
    assert!(scheduled <= 5 * 20, "{scheduled} frames in 5 s");
    assert!(every_frame >= 299, "{every_frame}");
    assert_eq!(logins, logins_60, "the same events are played in the same time");
    // In the rest between events, one frame at its end.
    let mut lab = FlowsLab::default();
    lab.handle(FlowCommand::Play, None, &[], 0.0);
    lab.handle(FlowCommand::Advance(0.01), None, &[], 0.0);
    lab.progress = lab.shown_len() + 0.25;
    let rest = next_frame_in(&lab).unwrap().as_secs_f32();
    assert!((rest - (EVENT_GAP - 0.25) / lab.speed).abs() < 1e-4, "{rest}");
    // Fast: capped at 30 frames a second.
    lab.handle(FlowCommand::Speed(250.0), None, &[], 0.0);
    lab.progress = 0.0;
    assert_eq!(next_frame_in(&lab), Some(Duration::from_secs_f32(1.0 / MAX_ANIMATION_FPS)));
}

/// The number field labelled `name` (its label is a separate node with the same text).
fn field<'a>(h: &'a Harness<'_, TokenbenchApp>, name: &'a str) -> egui_kittest::Node<'a> {
    h.query_all_by_label(name).find(|n| n.accesskit_node().role() == egui::accesskit::Role::SpinButton).unwrap()
}

#[test]
fn parameters_are_editable_and_restart_the_lanes() {
    let mut h = app();
    // Through the widgets themselves.
    field(&h, "Users").set_value_accesskit(30.0);
    h.run();
    field(&h, "Requests").set_value_accesskit(90.0);
    h.run();
    field(&h, "Fan-out").increment_accesskit();
    h.run();
    let p = h.state().state.flows.params;
    assert_eq!((p.users, p.requests, p.services), (30, 90, 1));
    assert_eq!(h.state().state.flows.lanes[0].cfg.users, 30, "the lanes restarted with the new values");
    h.state_mut().apply(vec![Command::Flow(FlowCommand::Servers(50)), Command::Flow(FlowCommand::Users(1000))]);
    h.run();
    assert!(h.query_by_label("Kill server 49").is_some(), "50 servers in the strip");
    h.get_by_label("Add a server").click();
    h.run();
    assert!(h.query_by_label("Kill server 50").is_some());
    h.state_mut().apply(vec![Command::Flow(FlowCommand::Scenario(FlowScenario::Microservices))]);
    h.run();
    assert_eq!(h.state().state.flows.lanes[0].cfg.services, 4, "microservices fan out");
    h.state_mut().apply(vec![Command::Flow(FlowCommand::RunToEnd)]);
    h.run();
    let r = h.state().state.flows.params.requests;
    assert_eq!(metric(&h, "store lookups"), [5 * r, 0]);
    assert_eq!(metric(&h, "signature verifications"), [0, 5 * r]);
}

#[test]
fn the_loaded_token_and_key_become_the_lanes_jwt() {
    let mut h = app();
    let typical = h.state().state.flows.credential.clone().unwrap();
    assert_eq!(typical.source, credential::Source::Typical);
    assert_eq!(metric(&h, "bytes per request"), [34, 22 + TYPICAL_TOKEN_BYTES as u64]);
    h.state_mut().apply(vec![Command::LoadSampleKeys, Command::LoadSample(2)]);
    h.run();
    let c = h.state().state.flows.credential.clone().unwrap();
    assert!(matches!(c.source, credential::Source::YourToken { .. }), "{:?}", c.source);
    let sample = crate::ui::state::SAMPLES[2].1.trim();
    assert_eq!(c.token, sample);
    assert_eq!(metric(&h, "bytes per request"), [34, 22 + sample.len() as u64]);
    assert!(h.query_by_label_contains("your token, verified with").is_some());
    assert!(h.state().state.flows.measured.is_some_and(|m| m.valid));
}

#[test]
fn revocation_scenario_shows_a_logged_out_token_still_accepted() {
    let mut h = app();
    h.state_mut().apply(vec![
        Command::Flow(FlowCommand::Scenario(FlowScenario::Revocation)),
        Command::Flow(FlowCommand::RunToEnd),
    ]);
    h.run();
    let refused = metric(&h, "after logout refused");
    let accepted = metric(&h, "after logout accepted");
    assert!(refused[0] > 0 && accepted[0] == 0, "session: refused {refused:?}");
    assert!(accepted[1] > 0 && refused[1] == 0, "JWT without a check: accepted {accepted:?}");
    assert!(h.query_by_label_contains("after up to 15 min").is_some(), "until exp of the 900 s token");
    h.state_mut().apply(vec![
        Command::Flow(FlowCommand::JwtRevocation(Revocation::Denylist)),
        Command::Flow(FlowCommand::RunToEnd),
    ]);
    h.run();
    assert_eq!(metric(&h, "after logout accepted"), [0, 0]);
}

#[test]
fn a_token_without_exp_is_revoked_only_by_rotating_the_key() {
    use crate::core::engine::keys::{self, SecretEncoding};
    let mut h = app();
    let secret = "a-long-enough-secret-for-hs256-0123456789";
    let key = keys::load_secret(secret.as_bytes(), SecretEncoding::Utf8, "s").unwrap();
    let mut claims = credential::typical_claims(1_700_000_000);
    claims.remove("exp");
    let token = crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &claims, "HS256", &key)
        .unwrap();
    h.state_mut().apply(vec![
        Command::AddSecret { text: secret.into(), encoding: SecretEncoding::Utf8 },
        Command::SetToken(token),
        Command::Flow(FlowCommand::Scenario(FlowScenario::Revocation)),
    ]);
    h.run();
    assert!(h.state().state.flows.credential.as_ref().unwrap().lifetime.never_expires());
    assert_eq!(cells(&h, "revocation takes effect"), ["at the next request", "at key rotation (no exp)"]);
    h.state_mut().apply(vec![Command::Flow(FlowCommand::JwtRevocation(Revocation::Denylist))]);
    h.run();
    assert_eq!(cells(&h, "revocation takes effect"), ["at the next request", "at the next request"]);
}

#[test]
fn a_header_line_cut_to_fit_shows_whole_on_hover() {
    let mut h = app();
    h.state_mut().apply(vec![Command::Flow(FlowCommand::Scenario(FlowScenario::Overhead))]);
    // Past the logins, to a request: the JWT lane sends its Authorization line.
    let users = h.state().state.flows.params.users;
    for _ in 0..=users {
        h.state_mut().apply(vec![Command::Flow(FlowCommand::Step)]);
    }
    h.run();
    let lab = &h.state().state.flows;
    let token = lab.credential.as_ref().unwrap().token.clone();
    let (_, drawn) = lab.lanes[1].shown.clone().unwrap();
    let full = drawn.iter().find(|d| d.text.contains(&token)).expect("a message carries the token").text.clone();
    assert!(full.contains(&format!("Authorization: Bearer {token}")), "{full}");
    let label = h.get_by_label(&full);
    let cut = label.rect();
    // The diagram shows it on one row, cut: far narrower than the whole line.
    let whole_width = h
        .ctx
        .fonts_mut(|f| f.layout_no_wrap(full.clone(), egui::FontId::monospace(11.0), egui::Color32::WHITE).size().x);
    assert!(cut.height() <= diagram::ROW_HEIGHT + 1.0 && cut.width() < whole_width / 2.0, "{cut:?}");
    assert_eq!(h.query_all_by_label(&full).count(), 1, "no tooltip yet");
    label.hover();
    h.run();
    let shown: Vec<_> = h.query_all_by_label(&full).map(|n| n.rect()).collect();
    assert_eq!(shown.len(), 2, "hovering shows the whole line");
    let tip = shown.iter().find(|r| **r != cut).unwrap();
    assert!(tip.height() > 2.0 * cut.height(), "the whole token, wrapped over several lines: {tip:?}");
}

#[test]
fn the_speed_buttons_set_the_speed_and_how_far_a_frame_plays() {
    let mut h = app();
    let dt = 0.9;
    let mut played = Vec::new();
    for (speed, label) in SPEEDS {
        h.state_mut().apply(vec![Command::Flow(FlowCommand::Restart)]);
        h.run();
        // The lab's button, beside Step (the clock has speed buttons of its own).
        let button = |h: &'_ Harness<'_, TokenbenchApp>| {
            let beside_step = |n: &egui_kittest::Node<'_>| {
                n.parent().is_some_and(|p| p.children().any(|c| c.accesskit_node().label().as_deref() == Some("Step")))
            };
            let found: Vec<_> = h.query_all_by_label(label).filter(beside_step).collect();
            assert_eq!(found.len(), 1, "{label}");
            found[0].accesskit_node().id()
        };
        let id = button(&h);
        h.query_all_by_label(label).find(|n| n.accesskit_node().id() == id).unwrap().click();
        h.run();
        let lab = &h.state().state.flows;
        assert!((lab.speed - speed).abs() < f32::EPSILON, "{label}: {}", lab.speed);
        let id = button(&h);
        let chosen = h.query_all_by_label(label).find(|n| n.accesskit_node().id() == id).unwrap();
        assert_eq!(chosen.accesskit_node().toggled(), Some(egui::accesskit::Toggled::True), "{label} shows as chosen");
        h.state_mut().apply(vec![Command::Flow(FlowCommand::Play), Command::Flow(FlowCommand::Advance(dt))]);
        let lab = &h.state().state.flows;
        let events = u64::from(lab.lanes[0].flow.logins_done()) + lab.lanes[0].flow.requests_done();
        // The model's events one by one: each takes its messages (the longer lane's), then
        // the pause between events; the frame's speed x dt message times go to the first
        // pause, then whole events, and what is left is the progress into the last.
        let mut flows = lab.lanes.clone().map(|l| Flow::new(l.cfg).unwrap());
        let mut budget = dt * speed - EVENT_GAP;
        let mut expected = 0;
        loop {
            let steps: Vec<_> = flows.iter_mut().map(|f| (*f.config(), f.step())).collect();
            expected += 1;
            let len =
                steps.iter().map(|(cfg, s)| s.as_ref().map_or(0, |s| sequence::messages(cfg, s).len())).max().unwrap()
                    as f32;
            if budget < len + EVENT_GAP {
                assert!((lab.progress - budget.max(0.0)).abs() < 1e-3, "{label}: {} vs {budget}", lab.progress);
                break;
            }
            budget -= len + EVENT_GAP;
        }
        assert_eq!(events, expected, "{label}: events played in {dt} s");
        played.push(events);
    }
    assert!(played.windows(2).all(|w| w[0] < w[1]), "each speed plays more: {played:?}");
}

#[test]
fn the_store_latency_reaches_the_network_wait_estimate() {
    let mut h = app();
    h.state_mut().apply(vec![Command::Flow(FlowCommand::RunToEnd)]);
    h.run();
    let shown = |h: &Harness<'_, TokenbenchApp>| cells(h, "network wait");
    let expected = |h: &Harness<'_, TokenbenchApp>| {
        let lab = &h.state().state.flows;
        let ms = lab.params.store_latency_ms;
        lab.lanes
            .iter()
            .map(|l| {
                let t = flows::simulate(&l.cfg).unwrap();
                // Each network round trip to the store costs the latency.
                let ns = t.remote_lookups as f64 * ms * 1e6;
                let per = ns / t.requests as f64;
                format!("{} · {}/req", crate::core::text::measured_time(ns), crate::core::text::measured_time(per))
            })
            .collect::<Vec<_>>()
    };
    let before = shown(&h);
    assert_eq!(before, expected(&h));
    assert!(h.state().state.flows.lanes[0].flow.totals().remote_lookups > 0, "the session lane uses the network");
    field(&h, "Store latency (ms)").set_value_accesskit(2.0);
    h.run();
    assert!((h.state().state.flows.params.store_latency_ms - 2.0).abs() < f64::EPSILON);
    assert!(h.state().state.flows.finished(), "only the estimate changes: the lanes are not restarted");
    let after = shown(&h);
    assert_eq!(after, expected(&h));
    assert_ne!(after[0], before[0], "the session lane's wait grows with the latency");
    assert_eq!(after[1], before[1], "the JWT lane never waits on the store");
}

/// What was painted inside the plot `id`'s frame, in plot coordinates: rectangles (as
/// min and max corners), polylines and line segments with their widths.
#[allow(clippy::type_complexity)]
fn painted(
    h: &Harness<'_, TokenbenchApp>,
    id: egui::Id,
) -> (Vec<[[f64; 2]; 2]>, Vec<Vec<[f64; 2]>>, Vec<([[f64; 2]; 2], f32)>) {
    let t = egui_plot::PlotMemory::load(&h.ctx, id).expect("the plot was drawn").transform();
    let frame = t.frame().expand(1.0);
    let at = |p: egui::Pos2| {
        let v = t.value_from_position(p);
        [v.x, v.y]
    };
    let (mut rects, mut paths, mut segments) = (Vec::new(), Vec::new(), Vec::new());
    let mut stack: Vec<egui::Shape> = h.output().shapes.iter().map(|c| c.shape.clone()).collect();
    while let Some(shape) = stack.pop() {
        match shape {
            egui::Shape::Vec(v) => stack.extend(v),
            egui::Shape::Rect(r) if frame.contains_rect(r.rect) => {
                rects.push([at(r.rect.left_bottom()), at(r.rect.right_top())]);
            }
            egui::Shape::Path(p) if p.points.iter().all(|q| frame.contains(*q)) => {
                paths.push(p.points.iter().map(|q| at(*q)).collect());
            }
            egui::Shape::LineSegment { points, stroke } if points.iter().all(|q| frame.contains(*q)) => {
                segments.push(([at(points[0]), at(points[1])], stroke.width));
            }
            _ => {}
        }
    }
    (rects, paths, segments)
}

#[test]
fn the_totals_chart_draws_each_lanes_model_totals() {
    let mut h = app();
    h.state_mut().apply(vec![
        Command::Flow(FlowCommand::Scenario(FlowScenario::Failover)),
        Command::Flow(FlowCommand::RunToEnd),
    ]);
    h.run();
    h.get_by_label("Totals so far").scroll_to_me();
    h.run();
    let (rects, _, _) = painted(&h, view::totals_plot_id());
    let lab = &h.state().state.flows;
    let mut checked = 0;
    for (i, lane) in lab.lanes.iter().enumerate() {
        let t = flows::simulate(&lane.cfg).unwrap();
        let model = [
            t.store_lookups as f64,
            t.signature_verifications as f64,
            t.replication_messages as f64,
            (t.failed_requests + t.cross_site_failed) as f64,
            t.sessions_lost as f64,
            t.client_bytes as f64 / 1024.0,
        ];
        let top = model.iter().copied().fold(1.0, f64::max);
        for (k, value) in model.into_iter().enumerate() {
            let x = k as f64 + if i == 0 { -0.2 } else { 0.2 };
            // The bar at that place: 0.38 wide, from 0 up to its value.
            let bars: Vec<_> = rects
                .iter()
                .filter(|[lo, hi]| {
                    (f64::midpoint(lo[0], hi[0]) - x).abs() < 0.01 && (hi[0] - lo[0] - 0.38).abs() < 0.01
                })
                .collect();
            assert_eq!(bars.len(), 1, "lane {i}, category {k}: {bars:?}");
            let [lo, hi] = bars[0];
            assert!(lo[1].abs() < top * 1e-3, "from zero: {lo:?}");
            assert!((hi[1] - value).abs() < top * 1e-3, "lane {i}, category {k}: drawn {} for {value}", hi[1]);
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
    let failed = lab.lanes[0].flow.totals().failed_requests;
    assert!(failed > 0, "the failover run has something to show");
}

#[test]
fn the_sweep_plot_draws_the_models_runs_for_1_to_50_servers() {
    let mut h = app();
    h.get_by_label_contains("What each design pays as servers are added").scroll_to_me();
    h.run();
    let (_, paths, segments) = painted(&h, view::sweep_plot_id());
    let params = h.state().state.flows.params;
    let base =
        Config { users: params.users, requests: params.requests, services: params.services, ..Config::default() };
    let run = |cfg: Config| flows::simulate(&cfg).unwrap();
    let series = |value_of: &dyn Fn(Config) -> u64| -> Vec<[f64; 2]> {
        (1..=MAX_SERVERS).map(|n| [f64::from(n), value_of(Config { servers: n, ..base }) as f64]).collect()
    };
    let shared = series(&|cfg| run(cfg).remote_lookups);
    let replicated = series(&|cfg| run(Config { store: Store::Replicated, ..cfg }).replication_messages);
    let lost = series(&|cfg| {
        if cfg.servers < 2 {
            u64::from(cfg.users)
        } else {
            run(Config { store: Store::Local, sticky: true, fail_server_at: Some(cfg.requests / 2), ..cfg })
                .sessions_lost
        }
    });
    let jwt = series(&|cfg| run(Config { mode: Mode::Jwt, ..cfg }).signature_verifications);
    let top = replicated.iter().map(|point| point[1]).fold(1.0, f64::max);
    let close = |a: &[f64; 2], b: &[f64; 2]| (a[0] - b[0]).abs() < 1e-3 && (a[1] - b[1]).abs() < top * 1e-3;
    for (name, model) in [("shared store", &shared), ("replicated", &replicated), ("sticky", &lost)] {
        assert!(
            paths.iter().any(|drawn| drawn.len() == model.len() && drawn.iter().zip(model).all(|(a, b)| close(a, b))),
            "{name}: a line through the model's 50 points {model:?}"
        );
    }
    assert!(replicated.iter().any(|point| point[1] > 0.0) && lost[1][1] > 0.0, "the series are not all zero");
    // The JWT line is dashed: each dash lies on the model's line.
    let on_jwt = |end: &[f64; 2]| {
        // The model's segment under the dash's end.
        let i = jwt.windows(2).position(|w| end[0] <= w[1][0]).unwrap_or(jwt.len() - 2);
        let (from, to) = (jwt[i], jwt[i + 1]);
        let y = from[1] + (to[1] - from[1]) * (end[0] - from[0]);
        (y - end[1]).abs() < top * 1e-3
    };
    let dashes: Vec<_> = segments.iter().filter(|(_, w)| (*w - 2.0).abs() < f32::EPSILON).collect();
    assert!(dashes.len() > 10, "{} dashes", dashes.len());
    assert!(dashes.iter().all(|(ends, _)| ends.iter().all(on_jwt)), "every dash on the JWT model line");
    let reach = dashes.iter().flat_map(|(ends, _)| ends.iter().map(|end| end[0])).fold(0.0, f64::max);
    assert!(reach > 45.0, "the dashes run to 50 servers: {reach}");
}

#[test]
fn the_fan_out_plot_draws_the_cores_curve_on_a_log_axis() {
    let mut h = app();
    h.get_by_label_contains("Per user request fanning out to 0..50 services").scroll_to_me();
    h.run();
    let fan_out = h.state().state.flows.fan_out.clone().unwrap();
    assert_eq!(fan_out.len(), 51);
    let (_, paths, _) = painted(&h, super::cost_plots::fan_out_plot_id());
    // y is log10 of µs: the session line through the core's 51 points.
    let session: Vec<[f64; 2]> =
        fan_out.iter().map(|p| [f64::from(p.services), (p.session_ns / 1000.0).log10()]).collect();
    let close = |a: &[f64; 2], b: &[f64; 2]| (a[0] - b[0]).abs() < 1e-2 && (a[1] - b[1]).abs() < 1e-2;
    assert!(
        paths.iter().any(|d| d.len() == 51 && d.iter().zip(&session).all(|(a, b)| close(a, b))),
        "a line through {session:?}"
    );
}

/// The panel alone on a lab, as `egui_demo_lib` tests a panel: what it emits is kept, and the
/// lab's commands are handled after each frame, as the app's router does.
struct Panel {
    lab: FlowsLab,
    emitted: Vec<Command>,
}

fn panel(lab: FlowsLab) -> Harness<'static, Panel> {
    let mut h = Harness::new_ui_state(
        |ui, p: &mut Panel| {
            let mut out = Vec::new();
            view::panel(ui, &p.lab, 3600, &mut out);
            for c in out {
                if let Command::Flow(f) = &c {
                    p.lab.handle(*f, None, &[], 1_700_000_000.0);
                }
                p.emitted.push(c);
            }
        },
        Panel { lab, emitted: Vec::new() },
    );
    h.set_size(egui::vec2(1280.0, 900.0));
    h.run();
    h
}

fn lab_on(scenario: FlowScenario) -> FlowsLab {
    let mut lab = FlowsLab::default();
    lab.handle(FlowCommand::Scenario(scenario), None, &[], 0.0);
    lab
}

#[test]
fn the_panel_emits_the_scenario_a_click_chooses_and_shows_its_caption() {
    let mut h = panel(FlowsLab::default());
    assert!(h.query_by_label_contains("Server 0 dies halfway").is_none());
    h.get_by_label("Failover").click();
    h.run();
    assert!(h.state().emitted.contains(&Command::Flow(FlowCommand::Scenario(FlowScenario::Failover))));
    assert_eq!(h.state().lab.scenario, FlowScenario::Failover);
    assert!(h.query_by_label_contains("Server 0 dies halfway").is_some(), "the caption is the new scenario's");
    assert!(h.query_all_by_label("Session · local store, sticky").next().is_some(), "the session lane's title");
}

#[test]
fn the_panel_shows_each_lanes_totals_played_to_the_end() {
    let mut lab = FlowsLab::default();
    lab.handle(FlowCommand::RunToEnd, None, &[], 0.0);
    let h = panel(lab);
    // 240 requests of 12 users on a shared store (one round trip each) and with a JWT (one
    // verification each); the typical token is 812 bytes after "Authorization: Bearer ".
    assert_eq!(metric(&h, "requests"), [240, 240]);
    assert_eq!(metric(&h, "store lookups"), [240, 0]);
    assert_eq!(metric(&h, "lookups over the network"), [240, 0]);
    assert_eq!(metric(&h, "signature verifications"), [0, 240]);
    assert_eq!(metric(&h, "bytes per request"), [34, 22 + TYPICAL_TOKEN_BYTES as u64]);
    assert_eq!(metric(&h, "tokens signed"), [0, 12]);
    assert_eq!(cells(&h, "revocation takes effect"), ["at the next request", "after up to 15 min"]);
    assert!(h.state().emitted.is_empty(), "drawing a paused lab asks for nothing");
}

#[test]
fn the_panel_gives_the_command_line_of_both_lanes_until_a_click() {
    let mut h = panel(lab_on(FlowScenario::Revocation));
    let line = "tokenbench simulate flow --scenario revocation --servers 4 --users 12 --requests 240 --services 0";
    assert!(h.query_by_label(line).is_some(), "the scenario's command");
    assert!(h.query_by_label_contains("--mode").is_none(), "a logout has no flag of the model's own");
    h.get_by_label("Kill server 2").click();
    h.run();
    assert!(h.state().emitted.contains(&Command::Flow(FlowCommand::Kill(2))));
    assert!(h.query_by_label("Both lanes: no CLI equivalent (servers were killed or added by hand)").is_some());
}

#[test]
fn the_panel_asks_the_lab_to_advance_only_while_playing() {
    let mut h = panel(FlowsLab::default());
    h.get_by_label("Play lanes").click();
    h.run();
    assert!(h.state().lab.playing);
    let advances = |h: &Harness<'_, Panel>| {
        h.state().emitted.iter().filter(|c| matches!(c, Command::Flow(FlowCommand::Advance(_)))).count()
    };
    let before = advances(&h);
    h.step();
    assert!(advances(&h) > before, "each frame while playing moves the lanes on");
    h.get_by_label("Pause lanes").click();
    h.run();
    let paused = advances(&h);
    h.step();
    assert_eq!(advances(&h), paused, "no time passes for a paused lab");
}

#[test]
fn the_totals_chart_starts_at_0_and_leaves_the_legend_room_above_the_bars() {
    for size in [egui::vec2(1280.0, 800.0), egui::vec2(800.0, 480.0)] {
        let mut h = app();
        h.set_size(size);
        h.run();
        let bounds = |h: &mut Harness<'static, TokenbenchApp>| {
            h.get_by_label("Totals so far").scroll_to_me();
            h.run();
            *egui_plot::PlotMemory::load(&h.ctx, view::totals_plot_id()).expect("the chart was drawn").bounds()
        };
        // Before any run: from 0, not a -3..3 axis around nothing.
        let b = bounds(&mut h);
        assert!(b.min()[1].abs() < 1e-9 && b.max()[1] >= 1.0, "{size:?}: {b:?}");
        h.state_mut().apply(vec![
            Command::Flow(FlowCommand::Scenario(FlowScenario::Failover)),
            Command::Flow(FlowCommand::RunToEnd),
        ]);
        h.run();
        let b = bounds(&mut h);
        let tallest = h
            .state()
            .state
            .flows
            .lanes
            .iter()
            .map(|l| {
                let t = l.flow.totals();
                [t.store_lookups, t.signature_verifications, t.client_bytes / 1024].into_iter().max().unwrap() as f64
            })
            .fold(0.0, f64::max);
        assert!(tallest > 0.0);
        assert!(b.min()[1].abs() < 1e-9, "{size:?}: {b:?}");
        assert!(b.max()[1] >= tallest * view::TOTALS_HEADROOM - 1e-9, "{size:?}: room for the legend: {b:?}");
    }
}
