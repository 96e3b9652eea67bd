//! The Flows view on the points of the sessions-vs-JWT story it teaches: the failover scenario's
//! shared store and store outage, the note that a JWT check brings the store back, the reality
//! check under the sweep, and the diagrams after "Run to end".
#![allow(clippy::unwrap_used)]

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::view;
use crate::core::labs::flows::credential::Measured;
use crate::core::labs::flows::lab::{
    DOZENS_OF_SERVICES, FailoverVariant, FlowCommand, FlowScenario, FlowsLab, MAX_SERVERS, REALITY_CHECK, cost_curves,
    crossover_text, fan_out_curves, fan_out_text, savings, savings_text,
};
use crate::core::labs::flows::{Revocation, Step};
use crate::ui::state::Command;

/// The panel alone on a lab; the lab's commands are handled after each frame, as the router does.
struct Panel {
    lab: FlowsLab,
    emitted: Vec<Command>,
}

fn panel(lab: FlowsLab, size: egui::Vec2) -> Harness<'static, Panel> {
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
    h.set_size(size);
    h.run();
    h
}

fn failover() -> FlowsLab {
    let mut lab = FlowsLab::default();
    lab.handle(FlowCommand::Scenario(FlowScenario::Failover), None, &[], 0.0);
    lab
}

fn big() -> egui::Vec2 {
    egui::vec2(1280.0, 900.0)
}

#[test]
fn failover_offers_a_shared_store_and_the_store_down_control() {
    let mut h = panel(failover(), big());
    h.get_by_label("shared store").click();
    h.run();
    assert!(h.state().emitted.contains(&Command::Flow(FlowCommand::FailoverVariant(FailoverVariant::Shared))));
    assert!(h.query_all_by_label("Session · shared store").next().is_some(), "the lane's new title");
    h.get_by_label("Store down from request").click();
    h.run();
    // Down from three quarters of the run: requests 180 to 239.
    assert!(h.state().emitted.contains(&Command::Flow(FlowCommand::StoreDown(Some(180)))));
    let note = h.state().lab.option_note().unwrap();
    assert!(note.starts_with("The store is down from request 180 to the end: in Session · shared store"));
    assert!(note.contains("every one of those 60 requests fails"), "{note}");
    assert!(h.query_by_label(&note).is_some(), "the note under the options is the lab's");
    let line = "tokenbench simulate flow --scenario failover --servers 4 --users 12 --requests 240 --services 0 \
                --store shared --store-fail-at 180";
    assert!(h.query_by_label(line).is_some(), "the command line reproduces the run");
}

#[test]
fn a_jwt_check_in_failover_brings_the_store_back_and_fails_with_it() {
    let mut lab = failover();
    lab.handle(FlowCommand::StoreDown(Some(180)), None, &[], 0.0);
    let mut h = panel(lab, big());
    assert!(h.state().lab.option_note().unwrap().starts_with("No lane uses a store"), "sticky and a plain JWT");
    h.get_by_label("denylist").click();
    h.run();
    let lab = &h.state().lab;
    assert_eq!(lab.revocation, Revocation::Denylist);
    let note = lab.option_note().unwrap();
    assert!(note.contains("in JWT · denylist check every one of those 60 requests fails"), "{note}");
    assert!(note.ends_with(crate::core::labs::revocation::SERVER_STATE_BACK), "{note}");
    assert!(h.query_by_label(&note).is_some());
    h.get_by_label("Run to end").click();
    h.run();
    let [session, jwt] = h.state().lab.lanes.each_ref().map(|l| *l.flow.totals());
    // Sticky in-memory sessions: server 0's 3 users fail from request 120 on (30 requests); the
    // store outage does not touch them. The JWT lane fails the outage's 60 requests, closed.
    assert_eq!((session.failed_requests, session.store_outage_failures, session.sessions_lost), (30, 0, 3));
    assert_eq!((jwt.failed_requests, jwt.store_outage_failures, jwt.sessions_lost), (60, 60, 0));
    let line = "tokenbench simulate flow --scenario failover --servers 4 --users 12 --requests 240 --services 0 \
                --revocation denylist --store-fail-at 180";
    assert!(h.query_by_label(line).is_some(), "the command line reproduces the run");
}

#[test]
fn run_to_end_keeps_the_last_requests_diagram() {
    let mut h = panel(failover(), big());
    h.get_by_label("Run to end").click();
    h.run();
    let lab = &h.state().lab;
    assert!(lab.finished());
    for lane in &lab.lanes {
        let (step, drawn) = lane.shown.as_ref().unwrap();
        assert!(matches!(step, Step::Request(r) if r.index == 239), "{step:?}");
        assert!(!drawn.is_empty());
    }
    assert_eq!(
        h.query_all_by_label_contains("Request #239 by user 11").count(),
        2,
        "each lane's event line says which"
    );
}

#[test]
fn the_reality_check_shows_the_crossover_the_cli_prints() {
    let mut lab = FlowsLab::default();
    // A measurement of the lab's own shape, fixed so the figures are known: 40 µs a
    // verification, 100 ns an in-process lookup.
    lab.measured = Some(Measured {
        verify: std::time::Duration::from_micros(40),
        sign: None,
        lookup: std::time::Duration::from_nanos(100),
        valid: true,
    });
    lab.handle(FlowCommand::Restart, None, &[], 0.0);
    let curves = lab.costs.clone().unwrap();
    assert_eq!(curves, cost_curves(&lab.params, lab.measured.as_ref().unwrap(), 1..=MAX_SERVERS));
    let text = crossover_text(&curves);
    assert_eq!(
        text,
        "Per request, the curves cross at 2 servers: sessions cost 100 ns at 1 server (in memory), 500.1 µs at 2; a \
         JWT costs 40.0 µs throughout (verified on each server). A JWT that honours a logout (a denylist lookup in \
         the store) costs 540.1 µs: at or above sessions at every count."
    );
    let h = panel(lab.clone(), big());
    assert!(h.query_by_label(&text).is_some(), "the view says the core's words");
    assert!(h.query_by_label(REALITY_CHECK).is_some());
    // The command line's sweep text prints the same sentence for the same curves.
    let run = crate::core::labs::flows::lab::command_line::ScenarioRun::new(
        FlowScenario::Scalability,
        &crate::core::labs::flows::lab::command_line::Overrides::default(),
    )
    .unwrap();
    // The fan-out sweep: per user request, 1 + M lookups of 500.1 µs against 1 + M
    // verifications of 40 µs, for M = 0 to 50 services.
    let fan_out = lab.fan_out.clone().unwrap();
    assert_eq!(fan_out, fan_out_curves(&lab.params, lab.measured.as_ref().unwrap(), 0..=50));
    assert_eq!(
        (
            fan_out[50].services,
            fan_out[50].session_ns.round(),
            fan_out[50].jwt_ns.round(),
            fan_out[50].jwt_denylist_ns.round()
        ),
        (50, 25_505_100.0, 2_040_000.0, 27_545_100.0)
    );
    let fan_text = fan_out_text(&fan_out);
    assert_eq!(
        fan_text,
        "Per user request fanning out to 0..50 services: sessions in a shared store cost 500.1 µs to 25.51 ms (1 + M \
         lookups), a JWT 40.0 µs to 2.04 ms (1 + M verifications); a JWT stays cheaper throughout, and the gap grows \
         with every service. A JWT with a denylist check costs 540.1 µs to 27.55 ms: its verifications plus the \
         lookups sessions make."
    );
    assert!(h.query_by_label(&fan_text).is_some(), "the view says the core's fan-out words");
    let cli = crate::cli::flows_sweep_text(&run, &lab.sweep.clone().unwrap(), &curves, &fan_out);
    let saving_text = savings_text(&fan_out);
    assert!(cli.contains(&format!("{text}\n{fan_text}\n{saving_text}\n{REALITY_CHECK}\n")), "{cli}");
    // With no round trip to pay, a shared store's lookup stays cheaper than a verification.
    let mut free = lab;
    free.handle(FlowCommand::StoreLatency(0.0), None, &[], 0.0);
    assert_eq!(
        crossover_text(free.costs.as_ref().unwrap()),
        "No crossover in 1..50 servers: sessions stay cheaper per request, sessions 100 ns against a JWT's 40.0 µs; \
         past one server, adding servers changes neither side's cost. A JWT that honours a logout (a denylist \
         lookup in the store) costs 40.1 µs: at or above sessions at every count."
    );
}

#[test]
fn the_fan_out_plot_shows_what_a_jwt_saves_and_the_serverless_case_the_cli_prints() {
    let mut lab = FlowsLab::default();
    // Fixed costs, so the figures are known: 40 µs a verification, 100 ns an in-process lookup,
    // the lab's 0.5 ms store round trip.
    lab.measured = Some(Measured {
        verify: std::time::Duration::from_micros(40),
        sign: None,
        lookup: std::time::Duration::from_nanos(100),
        valid: true,
    });
    lab.handle(FlowCommand::Restart, None, &[], 0.0);
    let fan_out = lab.fan_out.clone().unwrap();
    // Serverless: each of the 1 + M lookups opens a connection first, 2 more round trips.
    let at = |m: usize| (fan_out[m].session_ns.round(), fan_out[m].serverless_session_ns.round());
    assert_eq!(at(0), (500_100.0, 1_500_100.0));
    assert_eq!(at(24), (12_502_500.0, 37_502_500.0));
    let (one, many) = savings(&fan_out).unwrap();
    assert_eq!((one.services, many.services), (0, DOZENS_OF_SERVICES));
    assert_eq!((one.jwt_saves_ns.round(), many.jwt_saves_ns.round()), (460_100.0, 11_502_500.0));
    assert_eq!(
        (one.label(), many.label()),
        ("JWT saves 460.1 µs at M = 0".into(), "JWT saves 11.50 ms at M = 24".into())
    );
    assert_eq!(many.serverless_label(), "serverless sessions: 37.50 ms");
    let text = savings_text(&fan_out);
    assert_eq!(
        text,
        "What a JWT saves per user request: 460.1 µs in a single app (M = 0, 500.1 µs against 40.0 µs); 11.50 ms \
         when it fans out to 24 services. From serverless functions, where every lookup opens a store connection (2 \
         more round trips), sessions cost 1.50 ms at M = 0 and 37.50 ms at M = 24 against a JWT's 1.00 ms: that is \
         where a JWT pays off."
    );
    let h = panel(lab.clone(), big());
    assert!(h.query_by_label(&text).is_some(), "the view says the core's saving");
    // The command line prints the same sentence after the fan-out sweep's.
    let run = crate::core::labs::flows::lab::command_line::ScenarioRun::new(
        FlowScenario::Scalability,
        &crate::core::labs::flows::lab::command_line::Overrides::default(),
    )
    .unwrap();
    let cli = crate::cli::flows_sweep_text(&run, &lab.sweep.clone().unwrap(), lab.costs.as_ref().unwrap(), &fan_out);
    assert!(cli.contains(&format!("{}\n{text}\n", fan_out_text(&fan_out))), "{cli}");
    let json = crate::cli::flows_sweep_json(&run, &lab.sweep.clone().unwrap(), lab.costs.as_ref().unwrap(), &fan_out);
    assert_eq!(json["savings_text"].as_str(), Some(text.as_str()));
    assert_eq!(json["savings"][1]["serverless_session_ns"].as_f64().map(f64::round), Some(37_502_500.0));
}

#[test]
fn the_failover_options_fit_800_by_480() {
    let mut lab = failover();
    lab.handle(FlowCommand::StoreDown(Some(100)), None, &[], 0.0);
    let mut h = panel(lab, egui::vec2(800.0, 480.0));
    // Folded in a short window: the options are under "Parameters", one click away.
    assert!(h.query_by_label("Store down from request").is_none());
    h.get_by_label("Parameters").click();
    h.run();
    for control in ["sticky, in-memory sessions", "shared store", "denylist", "Store down from request"] {
        assert!(h.query_by_label(control).is_some(), "{control}");
    }
}

#[test]
fn a_logout_while_the_store_is_down_is_shown_failing_in_both_lanes() {
    let mut lab = FlowsLab::default();
    lab.handle(FlowCommand::Scenario(FlowScenario::Revocation), None, &[], 0.0);
    lab.handle(FlowCommand::JwtRevocation(crate::core::labs::flows::Revocation::Denylist), None, &[], 0.0);
    // The store down from request 50 to the end: the logout before request 60 fails in both lanes.
    lab.handle(FlowCommand::StoreDown(Some(50)), None, &[], 0.0);
    lab.handle(FlowCommand::RunToRequest(60), None, &[], 0.0);
    lab.handle(FlowCommand::Step, None, &[], 0.0);
    let mut h = panel(lab, big());
    h.run();
    let shown: Vec<_> = h.state().lab.lanes.iter().map(|l| *l.flow.totals()).collect();
    assert_eq!(shown.iter().map(|t| t.logouts_failed).collect::<Vec<_>>(), [1, 1]);
    assert_eq!(
        h.query_all_by_label("User 0 logs out: 503, the store is down, the credential keeps working").count(),
        2,
        "each lane says its logout failed"
    );
    assert_eq!(h.query_all_by_label("logout failed, store down").count(), 2, "a row per lane");
    // The command line the view gives runs the same outage.
    let args = h.state().lab.scenario_cli_args().unwrap();
    assert!(args.windows(2).any(|w| w == ["--store-fail-at", "50"]), "{args:?}");
}

#[test]
fn ticking_an_option_leaves_the_lanes_where_they_are() {
    for (scenario, size) in [
        (FlowScenario::Failover, egui::vec2(1280.0, 800.0)),
        (FlowScenario::Failover, egui::vec2(1000.0, 800.0)),
        (FlowScenario::Revocation, egui::vec2(1280.0, 800.0)),
    ] {
        let mut lab = FlowsLab::default();
        lab.handle(FlowCommand::Scenario(scenario), None, &[], 0.0);
        let mut h = panel(lab, size);
        let lane_top = |h: &Harness<'static, Panel>| h.query_all_by_label("Press Play or Step").next().unwrap().rect();
        let before = lane_top(&h);
        let mut clicks = vec!["denylist", "version", "none"];
        if scenario == FlowScenario::Failover {
            clicks.extend(["Store down from request", "shared store", "denylist", "Store down from request"]);
        }
        for label in clicks {
            h.get_by_label(label).click();
            h.run();
            assert_eq!(lane_top(&h), before, "{scenario:?} at {size:?} after {label}");
            // The note, when there is one, is the lab's, whole.
            if let Some(note) = h.state().lab.option_note() {
                assert!(h.query_by_label(&note).is_some(), "{note}");
            }
        }
        assert!(h.state().lab.option_note_room().is_some());
    }
}

#[test]
fn a_message_cut_to_fit_the_lane_is_whole_on_hover_at_800_by_480() {
    let mut lab = failover();
    lab.handle(FlowCommand::FailoverVariant(FailoverVariant::Shared), None, &[], 0.0);
    lab.handle(FlowCommand::StoreDown(Some(180)), None, &[], 0.0);
    lab.handle(FlowCommand::RunToEnd, None, &[], 0.0);
    let mut h = panel(lab, egui::vec2(800.0, 480.0));
    h.run();
    // The session lane's last request: its lookup gets no answer while the store is down.
    let (step, drawn) = h.state().lab.lanes[0].shown.clone().unwrap();
    assert!(matches!(step, Step::Request(r) if r.index == 239));
    let whole = drawn.iter().map(|d| d.text.clone()).find(|t| t.starts_with("(no answer")).unwrap();
    let node = h.get_by_label(&whole);
    node.scroll_to_me();
    h.run();
    let rect = h.get_by_label(&whole).rect();
    assert!(rect.max.x <= 800.0, "the message is in the window: {rect:?}");
    h.get_by_label(&whole).hover();
    h.run();
    h.run();
    // The tooltip: the whole message, as a label of its own beside the painted one.
    assert!(h.query_all_by_label(&whole).count() >= 2, "{whole} on hover");
}
