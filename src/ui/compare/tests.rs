//! The Compare tab's tests: its figures, Show me and Run it, and the advisor, through the window.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::*;
use crate::core::labs::compare::Myth;
use crate::core::labs::compare::lab::REPORT_FILE;
use crate::core::labs::compare::report::{self, Report};
use crate::core::labs::flows::{FlowCommand, FlowScenario, RequestOutcome, Revocation, SessionVariant, Step, Store};
use crate::core::labs::revocation::EventKind;
use crate::ui::app::{Settings, TokenbenchApp};
use crate::ui::platform::FakePlatform;
use crate::ui::state::ClockCommand;
use crate::ui::state::{Level, Tab};

fn app(size: egui::Vec2) -> Harness<'static, TokenbenchApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
    h.state_mut().apply(vec![Command::Clock(ClockCommand::Set(1_800_000_000.0))]);
    h.run();
    h
}

/// Scrolls a widget into view, then clicks it (a click outside the scroll area's view is
/// not a click).
fn press(h: &mut Harness<'_, TokenbenchApp>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    h.run();
}

fn comparison(h: &Harness<'_, TokenbenchApp>) -> Comparison {
    h.state().state.compare.comparison.clone().unwrap().unwrap()
}

#[test]
fn the_tab_is_first_among_the_labs_and_computes_once() {
    assert_eq!(Tab::ALL[3], Tab::Compare);
    let mut h = app(egui::vec2(1280.0, 800.0));
    h.query_all_by_label("Compare").next().unwrap().click();
    h.run();
    assert_eq!(h.state().state.tab, Tab::Compare);
    let c = comparison(&h);
    assert!(c.token.typical);
    for row in &c.rows {
        for shown in [row.factor.title(), row.caption, &row.sessions.text, &row.jwt.text, &row.jwt.source] {
            assert!(h.query_all_by_label(shown).next().is_some(), "{shown}");
        }
    }
    assert_eq!(h.query_all_by_label("Show me").count(), 9, "one per row");
    // The figures are computed once: an idle tab asks for no more frames.
    assert!(h.try_run().is_ok(), "an idle Compare tab asks for no frames");
    // The JWT's verification was measured once, by the Flows lab, and shown in both tabs.
    let verify = h.state().state.flows.measured.unwrap().verify;
    let shown = c.row(Factor::RequestOverhead).jwt.figures["verify_ns"].as_f64().unwrap();
    assert!((shown - verify.as_secs_f64() * 1e9).abs() < 1.0);
}

#[test]
fn a_first_start_opens_on_start_here_which_leads_to_compare() {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::first_start()));
    h.run();
    assert_eq!(h.state().state.tab, Tab::Start);
    assert!(h.query_by_label(crate::ui::start::HEADING).is_some());
    press(&mut h, &crate::ui::start::open_label(Tab::Compare));
    assert!(h.query_by_label("Compare and decide: sessions or JWTs?").is_some());
    // A token from the command line still lands on its verdict.
    h.state_mut().apply(crate::cli::open::startup_commands(&crate::cli::open::OpenArgs {
        token: Some(crate::ui::state::SAMPLES[0].1.to_owned()),
        ..Default::default()
    }));
    h.run();
    assert_eq!(h.state().state.tab, Tab::Decode);
}

#[test]
fn the_first_screen_points_to_compare() {
    let mut h = app(egui::vec2(1280.0, 800.0));
    press(&mut h, "Compare them on your own numbers");
    assert_eq!(h.state().state.tab, Tab::Compare);
    assert!(h.query_by_label("Compare and decide: sessions or JWTs?").is_some());
}

#[test]
fn loading_a_token_and_keys_recomputes_the_figures() {
    let mut h = app(egui::vec2(1280.0, 800.0));
    h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
    h.run();
    let before = comparison(&h);
    h.state_mut().apply(vec![Command::LoadSampleKeys, Command::LoadSample(0)]);
    h.run();
    let after = comparison(&h);
    assert!(!after.token.typical && after.token.source.starts_with("your token, verified with"));
    let sample = crate::ui::state::SAMPLES[0].1.trim();
    assert_eq!(after.token.bytes, sample.len());
    assert_ne!(before.row(Factor::State).jwt, after.row(Factor::State).jwt);
    assert!(h.query_by_label_contains("Figures for your token").is_some());
    // Settings of the labs reach it too.
    h.state_mut().apply(vec![Command::Flow(FlowCommand::Services(6))]);
    h.run();
    assert!(comparison(&h).row(Factor::Microservices).jwt.text.starts_with("1 + 6 = 7"));
}

#[test]
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn show_me_lands_in_the_lab_with_the_scenario_preset() {
    let mut h = app(egui::vec2(1280.0, 800.0));
    h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
    h.run();
    let rows: Vec<Factor> = comparison(&h).rows.iter().map(|r| r.factor).collect();
    let click = |h: &mut Harness<'_, TokenbenchApp>, f: Factor| {
        h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
        h.run();
        let i = rows.iter().position(|r| *r == f).unwrap();
        h.query_all_by_label("Show me").nth(i).unwrap().scroll_to_me();
        h.run();
        h.query_all_by_label("Show me").nth(i).unwrap().click();
        h.run();
    };
    click(&mut h, Factor::Microservices);
    let s = &h.state().state;
    assert_eq!(s.tab, Tab::Flows);
    assert_eq!(s.flows.scenario, FlowScenario::Microservices);
    assert_eq!(s.flows.lanes[0].cfg.services, compare::DEFAULT_FAN_OUT);
    click(&mut h, Factor::CrossDomain);
    assert_eq!(h.state().state.flows.scenario, FlowScenario::CrossDomain);
    // Scalability: the row's failover with the shared store, taken down from the request the
    // row states, played to the end: both lanes fail the row's 120 of 240 requests.
    click(&mut h, Factor::Scalability);
    let s = &h.state().state;
    assert_eq!((s.tab, s.flows.scenario), (Tab::Flows, FlowScenario::Failover));
    let row = comparison(&h).row(Factor::Scalability).clone();
    assert!(
        row.sessions.text.contains("the store down from request 120, 120 of 240 requests fail"),
        "{}",
        row.sessions.text
    );
    assert_eq!(row.sessions.figures["store_down_from"], 120);
    let cfgs = [0, 1].map(|i| s.flows.lanes[i].cfg);
    assert_eq!(cfgs.map(|c| (c.store_fail_at, c.store_back_at)), [(Some(120), None); 2]);
    assert_eq!((cfgs[0].store, cfgs[1].revocation), (Store::Shared, Revocation::Denylist));
    let [session, jwt] = [0, 1].map(|i| *s.flows.lanes[i].flow.totals());
    assert_eq!((session.requests, session.failed_requests, session.sessions_lost), (240, 120, 0));
    assert_eq!((jwt.requests, jwt.failed_requests, jwt.store_outage_failures), (240, 120, 120));
    assert_eq!(row.sessions.figures["store_down_failed_requests"], session.failed_requests);
    assert_eq!(row.jwt.figures["denylist_store_down_failed_requests"], jwt.failed_requests);
    let shown = |i: usize| s.flows.lanes[i].shown.as_ref().map(|(step, _)| *step);
    match (shown(0), shown(1)) {
        (Some(Step::Request(a)), Some(Step::Request(b))) => {
            assert_eq!(
                (a.index, a.outcome, b.outcome),
                (239, RequestOutcome::StoreUnreachable, RequestOutcome::StoreUnreachable)
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.query_all_by_label_contains("503: the store is down").count(), 2, "shown in both lanes");
    // Revocation: a logout right after login, on the (typical) token's lifetime: the lab
    // shows the same exposure as the row.
    click(&mut h, Factor::Revocation);
    let s = &h.state().state;
    assert_eq!(s.tab, Tab::Revocation);
    let sc = s.revocation.scenario();
    assert_eq!((sc.event.kind, sc.event.at), (EventKind::Logout, sc.login_at));
    let jwt = s.revocation.simulation().outcome(crate::core::labs::revocation::Strategy::Jwt).exposure_seconds;
    assert_eq!(comparison(&h).row(Factor::Revocation).jwt.figures["exposure_seconds"], jwt);
    assert_eq!(jwt, crate::core::labs::flows::credential::TYPICAL_LIFETIME);
    // Storage: the at-scale view, scrolled to, with the same records.
    let focus = h.state().state.revocation.scale_focus;
    click(&mut h, Factor::Storage);
    assert_eq!(h.state().state.revocation.scale_focus, focus + 1);
    assert!(h.query_by_label("Lookups/s").is_some(), "the at-scale table is shown");
    let entries = h.state().state.revocation.scale_rows()[0].entries;
    assert_eq!(
        comparison(&h).row(Factor::Storage).sessions.figures["entries"],
        entries.round() as u64,
        "the lab shows the same"
    );
    // Complexity: the Security tab's audit, with the well-set cookie audited beside it.
    click(&mut h, Factor::Complexity);
    let s = &h.state().state;
    assert_eq!(s.tab, Tab::Security);
    assert_eq!(s.security.cookie_text, compare::well_set_cookie());
    assert!(matches!(&s.security.cookie_audit, Some(Ok((_, f))) if f.is_empty()));
    assert!(s.parsed().is_some(), "the typical token is in the decoder for the audit");
}

#[test]
fn show_me_lands_at_the_top_of_the_lab_wherever_it_was_scrolled() {
    for size in [egui::vec2(1280.0, 800.0), egui::vec2(800.0, 480.0)] {
        let mut h = app(size);
        h.state_mut().apply(vec![Command::SelectTab(Tab::Flows)]);
        h.run();
        // Scrolled to the bottom of the lab, then off to Compare.
        h.get_by_label("The same numbers from the command line").scroll_to_me();
        h.run();
        assert!(h.get_by_label("Step").rect().max.y < 0.0, "scrolled past the controls");
        h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
        h.run();
        let i = comparison(&h).rows.iter().position(|r| r.factor == Factor::Scalability).unwrap();
        h.query_all_by_label("Show me").nth(i).unwrap().scroll_to_me();
        h.run();
        h.query_all_by_label("Show me").nth(i).unwrap().click();
        h.run();
        assert_eq!(h.state().state.tab, Tab::Flows);
        let step = h.get_by_label("Step").rect();
        assert!(step.min.y > 0.0 && step.max.y < 100.0, "the controls are in view at {size:?}: {step:?}");
        let lane = h.query_all_by_label_contains("503: the store is down").next().unwrap().rect();
        assert!(lane.max.y < size.y, "the failed request is in view at {size:?}: {lane:?}");
        // The revocation row lands at the top of the revocation lab, its table in view.
        h.state_mut().apply(vec![Command::SelectTab(Tab::Revocation)]);
        h.run();
        h.get_by_label_contains("Log scale.").scroll_to_me();
        h.run();
        let intro = "One user signs in, one event happens";
        assert!(h.get_by_label_contains(intro).rect().max.y < 0.0, "scrolled down");
        h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
        h.run();
        let i = comparison(&h).rows.iter().position(|r| r.factor == Factor::Revocation).unwrap();
        h.query_all_by_label("Show me").nth(i).unwrap().scroll_to_me();
        h.run();
        h.query_all_by_label("Show me").nth(i).unwrap().click();
        h.run();
        let title = h.get_by_label_contains(intro).rect();
        assert!(title.min.y > 0.0 && title.max.y < 100.0, "at the lab's top at {size:?}: {title:?}");
    }
}

#[test]
fn a_token_without_exp_is_shown_by_the_key_rotation_that_ends_it() {
    let mut h = app(egui::vec2(1280.0, 800.0));
    let secret = "a-long-enough-secret-for-hs256-0123456789";
    let key =
        crate::core::engine::keys::load_secret(secret.as_bytes(), crate::core::engine::keys::SecretEncoding::Utf8, "s")
            .unwrap();
    let mut claims = crate::core::engine::token::JsonObject::new();
    claims.insert("sub".into(), "u1".into());
    claims.insert("iat".into(), 1_799_990_000.into());
    let token = crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &claims, "HS256", &key)
        .unwrap();
    h.state_mut().apply(vec![
        Command::AddSecret { text: secret.into(), encoding: crate::core::engine::keys::SecretEncoding::Utf8 },
        Command::SetToken(token),
        Command::SelectTab(Tab::Compare),
    ]);
    h.run();
    let c = comparison(&h);
    assert!(c.token.never_expires());
    let rule = crate::core::labs::revocation::TokenLifetime::NeverExpires.describe();
    assert!(h.query_by_label_contains(&rule).is_some(), "the inputs line says it in the rule's words");
    assert!(h.query_by_label_contains("for never").is_none() && h.query_by_label_contains("never:").is_none());
    let i = c.rows.iter().position(|r| r.factor == Factor::Revocation).unwrap();
    h.query_all_by_label("Show me").nth(i).unwrap().scroll_to_me();
    h.run();
    h.query_all_by_label("Show me").nth(i).unwrap().click();
    h.run();
    let s = &h.state().state;
    assert_eq!(s.tab, Tab::Revocation);
    let sc = s.revocation.scenario();
    assert_eq!(sc.event.kind, EventKind::KeyRotated);
    assert_eq!(sc.login_at, 1_799_990_000, "the login at the token's iat");
    assert!(sc.event.at > sc.login_at, "the rotation comes after the login: the copy works until it");
    let jwt = s.revocation.simulation().outcome(crate::core::labs::revocation::Strategy::Jwt);
    assert_eq!(jwt.accepted_until, sc.event.at, "accepted until the rotation, refused from it");
    let note = s.revocation.endless_note().unwrap();
    assert!(note.contains(&rule) && note.contains("cannot run one that never ends"), "{note}");
    assert!(h.query_by_label_contains("cannot run one that never ends").is_some(), "said in the lab");
}

/// Every Show me and Run it into the revocation lab: the tab, and what the lab then shows.
fn into_the_lab(
    h: &mut Harness<'_, TokenbenchApp>,
) -> Vec<(String, Option<i64>, crate::core::labs::revocation::RevocationLab)> {
    let mut out = Vec::new();
    for (i, factor) in [Factor::State, Factor::Storage, Factor::Revocation].into_iter().enumerate() {
        h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
        h.run();
        let c = comparison(h);
        let at = c.rows.iter().position(|r| r.factor == factor).unwrap();
        h.query_all_by_label("Show me").nth(at).unwrap().scroll_to_me();
        h.run();
        h.query_all_by_label("Show me").nth(at).unwrap().click();
        h.run();
        assert_eq!(h.state().state.tab, Tab::Revocation, "{factor:?}");
        let said = c.row(Factor::Revocation).jwt.figures["exposure_seconds"].as_i64();
        out.push((format!("Show me {i}"), said, h.state().state.revocation.clone()));
    }
    h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
    h.run();
    let said = comparison(h).myth(Myth::JwtMoreSecure).figures["stolen_jwt_seconds"].as_i64();
    press(h, "Run it: JWT is more secure");
    assert_eq!(h.state().state.tab, Tab::Revocation);
    out.push(("Run it".into(), said, h.state().state.revocation.clone()));
    out
}

#[test]
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn every_show_me_and_run_it_into_the_lab_shows_the_exposure_the_tab_says() {
    let secret = "a-long-enough-secret-for-hs256-0123456789";
    let key =
        crate::core::engine::keys::load_secret(secret.as_bytes(), crate::core::engine::keys::SecretEncoding::Utf8, "s")
            .unwrap();
    let signed = |claims: serde_json::Value| {
        let serde_json::Value::Object(c) = claims else { unreachable!() };
        crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &c, "HS256", &key).unwrap()
    };
    // A fresh start (the typical token), a 2-hour token, one that is never valid.
    let tokens = [
        None,
        Some(signed(serde_json::json!({"sub": "u", "iat": 1_799_999_000, "exp": 1_800_006_200}))),
        Some(signed(serde_json::json!({"sub": "u", "iat": 1_799_999_000, "exp": 1_799_999_000}))),
    ];
    for token in tokens {
        let mut h = app(egui::vec2(1280.0, 800.0));
        if let Some(t) = &token {
            h.state_mut().apply(vec![
                Command::AddSecret { text: secret.into(), encoding: crate::core::engine::keys::SecretEncoding::Utf8 },
                Command::SetToken(t.clone()),
            ]);
        }
        for (what, said, lab) in into_the_lab(&mut h) {
            let sc = lab.scenario();
            let jwt = lab.simulation().outcome(crate::core::labs::revocation::Strategy::Jwt).exposure_seconds;
            assert_eq!(Some(jwt), said, "{what} {token:?}: the lab's jwt exposure is the tab's");
            assert!(
                sc.event.at - sc.login_at < sc.token_ttl || sc.token_ttl == 0,
                "{what}: the event falls inside the lifetime, not after everything expired: {sc:?}"
            );
            assert!(lab.endless_note().is_none(), "{what}");
            let entries = lab.scale_rows()[3].entries.round() as u64;
            assert_eq!(comparison(&h).row(Factor::Storage).jwt.figures["denylist_entries"], entries, "{what}");
        }
    }
}

#[test]
fn a_token_no_exp_ends_is_shown_by_its_key_rotation_from_every_button() {
    // The jwt.io sample (no exp), and an exp in the year 9999, beyond the model's range.
    let jwt_io = include_str!("../../../assets/samples/03-jwt-io-hs256.jwt").trim().to_owned();
    let secret = "a-long-enough-secret-for-hs256-0123456789";
    let key =
        crate::core::engine::keys::load_secret(secret.as_bytes(), crate::core::engine::keys::SecretEncoding::Utf8, "s")
            .unwrap();
    let mut claims = crate::core::engine::token::JsonObject::new();
    claims.insert("iat".into(), 1_700_000_000.into());
    claims.insert("exp".into(), 253_402_300_799_i64.into());
    let far = crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &claims, "HS256", &key)
        .unwrap();
    for (token, words) in [(jwt_io, "never expires (no exp)"), (far, "beyond the revocation model's range")] {
        let mut h = app(egui::vec2(1280.0, 800.0));
        h.state_mut().apply(vec![Command::SetToken(token)]);
        let before = h.state().state.revocation.scenario().token_ttl;
        for (what, said, lab) in into_the_lab(&mut h) {
            assert_eq!(said, None, "{what}: the tab says until the key is rotated");
            let sc = lab.scenario();
            if what == "Run it" {
                // The claim is that a stolen JWT keeps working: a theft, on the lab's
                // token-ttl, where the plain JWT is exposed and the session is not.
                assert_eq!((sc.event.kind, sc.token_ttl), (EventKind::TokenStolen, before), "{what}");
                let sim = lab.simulation();
                assert!(sim.outcome(crate::core::labs::revocation::Strategy::Jwt).exposure_seconds > 0, "{sc:?}");
                assert_eq!(sim.outcome(crate::core::labs::revocation::Strategy::Session).exposure_seconds, 0);
                assert!(lab.endless_note().unwrap().contains("is the lab's, not your token's"), "{what}");
                continue;
            }
            assert_eq!(sc.event.kind, EventKind::KeyRotated, "{what}");
            assert_eq!(sc.token_ttl, before, "{what}: no lifetime made up (900 s or any other)");
            assert_eq!(sc.event.at - sc.login_at, sc.token_ttl / 3, "{what}: the rotation inside the lab's run");
            let jwt = lab.simulation().outcome(crate::core::labs::revocation::Strategy::Jwt);
            assert_eq!(jwt.accepted_until, sc.event.at, "{what}: the copy works until the rotation");
            let note = lab.endless_note().unwrap();
            assert!(note.contains(words) && note.contains("is the lab's"), "{what}: {note}");
        }
        assert!(h.query_by_label_contains(words).is_some(), "the note is in the window");
    }
}

/// Show me and Run it wait while the figures are another token's: after the token is
/// cleared they are disabled until the comparison of the typical token arrives (computed in
/// the background for a large run; a small one is computed before the frame draws).
#[test]
fn buttons_wait_for_the_figures_of_the_current_token() {
    use egui_kittest::kittest::NodeT as _;
    let settle = |h: &mut Harness<'_, TokenbenchApp>| {
        h.step();
        while h.state().state.compare.busy() {
            std::thread::sleep(std::time::Duration::from_millis(20));
            h.step();
        }
        h.run();
    };
    let mut h = app(egui::vec2(1280.0, 800.0));
    h.state_mut().apply(vec![
        Command::TryExample(0),
        Command::Flow(FlowCommand::Requests(60_000)),
        Command::SelectTab(Tab::Compare),
    ]);
    settle(&mut h);
    let run_it = "Run it: JWT is more secure";
    assert!(!h.get_by_label(run_it).accesskit_node().is_disabled(), "current figures");
    h.state_mut().apply(vec![Command::ClearToken]);
    h.step();
    assert!(h.state().state.compare.busy(), "a large run is computed in the background");
    assert!(h.get_by_label(run_it).accesskit_node().is_disabled(), "the figures are the cleared token's");
    settle(&mut h);
    assert!(!h.get_by_label(run_it).accesskit_node().is_disabled(), "the typical token's figures arrived");
}

#[test]
fn run_it_presets_each_experiment() {
    let mut h = app(egui::vec2(1280.0, 800.0));
    h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
    h.run();
    press(&mut h, "Run it: Sessions don't scale");
    let s = &h.state().state;
    assert_eq!(
        (s.tab, s.flows.scenario, s.flows.variant),
        (Tab::Flows, FlowScenario::Scalability, SessionVariant::Shared)
    );
    // Server 0 was killed halfway and the run played out: the myth's figures, in the lanes.
    let t = *s.flows.lanes[0].flow.totals();
    let m = comparison(&h).myth(Myth::SessionsDontScale).clone();
    assert_eq!(s.flows.lanes[0].flow.alive_servers().len() + 1, s.flows.lanes[0].flow.server_count() as usize);
    assert_eq!(m.figures["shared_failed_requests"], t.failed_requests);
    assert_eq!(m.figures["shared_sessions_lost"], t.sessions_lost);
    assert_eq!(m.figures["round_trips_per_request"], t.remote_lookups as f64 / t.requests as f64);
    assert_eq!(t.requests, s.flows.params.requests, "played to the end");
    h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
    h.run();
    press(&mut h, "Run it: JWT is more secure");
    let s = &h.state().state;
    assert_eq!(s.tab, Tab::Revocation);
    let theft = s.revocation.simulation().outcome(crate::core::labs::revocation::Strategy::Jwt).exposure_seconds;
    assert_eq!(comparison(&h).myth(Myth::JwtMoreSecure).figures["stolen_jwt_seconds"], theft);
    h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
    h.run();
    press(&mut h, "Run it: JWT is always the modern choice");
    h.state_mut().apply(vec![Command::Flow(FlowCommand::RunToEnd)]);
    let s = &h.state().state;
    assert_eq!(s.flows.scenario, FlowScenario::Revocation);
    let accepted = s.flows.lanes[1].flow.totals().accepted_after_logout;
    assert_eq!(comparison(&h).myth(Myth::JwtAlwaysModern).figures["jwt_accepted_after_logout"], accepted);
}

#[test]
fn answer_the_advisor_and_follow_a_reason_to_its_row() {
    let mut h = app(egui::vec2(1280.0, 800.0));
    h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
    h.run();
    assert!(h.query_by_label("Answer: Sessions").is_some(), "no answers: sessions");
    press(&mut h, "Mobile app");
    assert!(h.query_by_label("Answer: JWT").is_some());
    press(&mut h, Question::InstantRevocation.label());
    assert!(h.query_by_label("Answer: Hybrid").is_some());
    assert!(h.query_by_label_contains("Refresh tokens tracked on the server").is_some(), "its configuration");
    let cs = &h.state().state.compare;
    assert_eq!(cs.answers, Answers { app: Some(AppKind::Mobile), instant_revocation: true, ..Answers::default() });
    press(&mut h, "Revocation row");
    let cs = &h.state().state.compare;
    assert_eq!((cs.highlight, cs.focus_serial), (Some(Factor::Revocation), 1));
    assert!(h.try_run().is_ok(), "scrolled once, then idle");
}

#[test]
fn the_report_goes_to_the_clipboard_and_a_file_without_the_token_unless_ticked() {
    let dir = std::env::temp_dir().join(format!("tokenbench-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(REPORT_FILE);
    let platform = FakePlatform { save_to: Some(file.clone()), ..FakePlatform::default() };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| TokenbenchApp::with_platform(Box::new(platform), Settings::default()));
    let secret = "keyboard cat";
    h.state_mut().apply(vec![
        Command::AddSecret { text: secret.into(), encoding: crate::core::engine::keys::SecretEncoding::Utf8 },
        Command::LoadSample(2),
        Command::SelectTab(Tab::Compare),
    ]);
    h.run();
    let token = crate::ui::state::SAMPLES[2].1.trim();
    press(&mut h, "Copy the report");
    press(&mut h, "Save the report…");
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.starts_with("# Sessions or JWTs"), "{saved}");
    assert!(!saved.contains(token.split('.').nth(1).unwrap()) && !saved.contains(secret), "{saved}");
    press(&mut h, "Include the token in the report");
    press(&mut h, "Save the report…");
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.contains(token) && !saved.contains(secret));
    assert!(h.state().state.message.as_ref().unwrap().1.starts_with("saved "));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_save_without_a_file_dialog_says_so() {
    let platform = FakePlatform { no_dialogs: true, ..FakePlatform::default() };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| TokenbenchApp::with_platform(Box::new(platform), Settings::default()));
    h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
    h.run();
    press(&mut h, "Save the report…");
    let (level, text) = h.state().state.message.clone().unwrap();
    assert_eq!(level, Level::Error);
    assert!(text.contains("no file dialog is available here: use Copy the report instead"), "{text}");
}

#[test]
fn large_runs_are_compared_in_the_background() {
    let mut h = app(egui::vec2(1280.0, 800.0));
    h.state_mut().apply(vec![
        Command::Flow(FlowCommand::Users(20_000)),
        Command::Flow(FlowCommand::Requests(200_000)),
        Command::SelectTab(Tab::Compare),
    ]);
    let started = std::time::Instant::now();
    h.step();
    h.step();
    assert!(h.state().state.compare.busy(), "computed off the UI thread");
    assert!(h.state().next_repaint().is_some_and(|d| d <= std::time::Duration::from_millis(100)));
    while h.state().state.compare.busy() && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    let c = comparison(&h);
    assert_eq!(c.flow.requests, 200_000);
    assert_eq!(c.row(Factor::Scalability).jwt.figures["verifications"], 200_000);
    h.run();
    assert!(h.query_all_by_label_contains("20,000 users, 200,000 requests").next().is_some());
    assert!(h.try_run().is_ok(), "idle once done");
}

#[test]
fn nothing_is_clipped_at_the_minimum_window() {
    let mut h = app(egui::vec2(800.0, 480.0));
    h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
    h.run();
    // Every row's button sits inside the window's width, and the advisor is reachable by
    // scrolling.
    for b in h.query_all_by_label("Show me") {
        assert!(b.rect().max.x <= 800.0, "{:?}", b.rect());
    }
    press(&mut h, "Serverless or edge");
    assert_eq!(h.state().state.compare.answers.app, Some(AppKind::Serverless));
}
#[test]
fn the_copied_report_is_the_saved_report_and_the_tabs_figures() {
    let dir = std::env::temp_dir().join(format!("tokenbench-compare-copy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(REPORT_FILE);
    let platform = FakePlatform { save_to: Some(file.clone()), ..FakePlatform::default() };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| TokenbenchApp::with_platform(Box::new(platform), Settings::default()));
    let secret = "keyboard cat";
    // A fixed clock: the report says when it was judged, and the copy and the file must agree.
    h.state_mut().apply(vec![
        Command::Clock(ClockCommand::Set(1_800_000_000.0)),
        Command::AddSecret { text: secret.into(), encoding: crate::core::engine::keys::SecretEncoding::Utf8 },
        Command::LoadSample(2),
        Command::SelectTab(Tab::Compare),
    ]);
    h.run();
    let token = crate::ui::state::SAMPLES[2].1.trim();
    for include in [false, true] {
        h.state_mut().platform.write_clipboard("").unwrap();
        press(&mut h, "Copy the report");
        let copied = h.state_mut().platform.read_clipboard().unwrap();
        let (_, said) = h.state().state.message.clone().unwrap();
        assert_eq!(said, format!("copied the report ({} lines of Markdown)", copied.lines().count()));
        press(&mut h, "Save the report…");
        let saved = std::fs::read_to_string(&file).unwrap();
        assert_eq!(copied, saved, "the clipboard gets the file's Markdown");
        // Both are the core's report on the figures the tab shows.
        let s = &h.state().state;
        let expected = report::markdown(&Report {
            comparison: &comparison(&h),
            answers: &s.compare.answers,
            advice: &s.compare.advice,
            keys: s.keys.keys(),
            now: s.clock.now(),
            token: include.then_some(token),
        });
        assert_eq!(copied, expected);
        // What a reader finds in it, independently of the formatter.
        assert!(copied.starts_with("# Sessions or JWTs"), "{copied}");
        assert_eq!(copied.matches("\n| **").count(), 9, "one row per factor");
        assert!(copied.contains("\n**Recommendation: sessions**\n"), "no answer given: sessions");
        assert!(copied.contains("HMAC secret (96 bits); the secret is not written"), "the key, never its secret");
        assert!(!copied.contains(secret), "never the secret");
        assert_eq!(copied.contains(token), include, "the token only when ticked");
        assert_eq!(copied.contains(token.split('.').nth(2).unwrap()), include, "not even its signature");
        if !include {
            press(&mut h, "Include the token in the report");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The panel alone, on a lab computed by the core from the typical token, as the CLI computes it.
fn computed_lab() -> (CompareLab, String) {
    use crate::core::labs::compare::lab::CompareContext;
    use crate::core::labs::flows::FlowsLab;
    use crate::core::labs::revocation::RevocationLab;
    let at = 1_800_000_000.0;
    let mut flows = FlowsLab::default();
    flows.handle(FlowCommand::UseLoaded, None, &[], at);
    let revocation = RevocationLab::starting_at(at);
    let mut lab = CompareLab::default();
    let cx = CompareContext { token: None, keys: &[], now: at, flows: &flows, revocation: &revocation };
    assert!(lab.handle(CompareCommand::Refresh, cx).is_empty(), "a small run is computed in place");
    (lab, flows.credential.unwrap().token)
}

type PanelState = (CompareLab, bool, String, Vec<Command>);

fn panel_harness(lab: CompareLab, current: bool, typical: String) -> Harness<'static, PanelState> {
    let mut h = Harness::builder().with_size(egui::vec2(1280.0, 4000.0)).build_ui_state(
        |ui, (lab, current, typical, out): &mut PanelState| {
            let shown = Shown { current: *current, token_loaded: false, typical_token: Some(typical.as_str()) };
            panel(ui, lab, shown, out);
        },
        (lab, current, typical, Vec::new()),
    );
    h.run();
    h
}

#[test]
fn the_panel_shows_every_row_of_the_comparison_and_emits_its_commands() {
    let (lab, typical) = computed_lab();
    let c = lab.comparison.clone().unwrap().unwrap();
    let mut h = panel_harness(lab, true, typical.clone());
    assert_eq!(c.rows.len(), 9);
    for row in &c.rows {
        // (A factor's title is also an advisor's answer.)
        assert!(h.query_all_by_label(row.factor.title()).next().is_some(), "{}", row.factor.title());
        assert!(h.query_all_by_label(&row.sessions.text).next().is_some(), "{}", row.sessions.text);
        assert!(h.query_all_by_label(&row.jwt.text).next().is_some(), "{}", row.jwt.text);
    }
    assert_eq!(h.query_all_by_label("Show me").count(), 9);
    // Show me on Complexity: the audit needs a token, so the typical one is loaded first.
    h.query_all_by_label("Show me").last().unwrap().click();
    h.run();
    let out = std::mem::take(&mut h.state_mut().3);
    assert_eq!(out.first(), Some(&Command::SetToken(typical)));
    assert_eq!(out.last(), Some(&Command::SelectTab(Tab::Security)));
    h.get_by_label("Copy the report").click();
    h.run();
    assert_eq!(h.state().3, [Command::Compare(CompareCommand::CopyReport)]);
    h.state_mut().3.clear();
    h.get_by_label("Include the token in the report").click();
    h.run();
    assert_eq!(h.state().3, [Command::Compare(CompareCommand::IncludeToken(true))]);
}

#[test]
fn the_panel_waits_while_the_figures_are_not_current() {
    use egui_kittest::kittest::NodeT as _;
    let (lab, typical) = computed_lab();
    let mut h = panel_harness(lab, false, typical);
    assert!(h.get_by_label("Run it: JWT is more secure").accesskit_node().is_disabled());
    h.get_by_label("Run it: JWT is more secure").click();
    h.run();
    assert!(h.state().3.is_empty(), "a disabled button emits nothing");
    // The advisor and the report are not about the figures: they stay usable.
    assert!(!h.get_by_label("Copy the report").accesskit_node().is_disabled());
}

#[test]
fn the_panel_says_why_there_is_nothing_to_compare() {
    let mut lab = CompareLab::default();
    lab.comparison = Some(Err("the flows' JWT does not parse".into()));
    let h = panel_harness(lab, true, String::new());
    assert!(h.query_by_label("Nothing to compare: the flows' JWT does not parse").is_some());
    assert_eq!(h.query_all_by_label("Show me").count(), 0);
}

#[test]
fn the_scalability_row_shows_the_shared_stores_outage_as_the_cli_prints_it() {
    let mut h = app(egui::vec2(1280.0, 800.0));
    h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
    h.run();
    let c = comparison(&h);
    let row = c.row(crate::core::labs::compare::advise::Factor::Scalability);
    // The same words `tokenbench compare` prints (tests/cli_compare.rs), from the model's runs.
    let said = "a shared store loses none (240 store round trips), but it is a dependency: the store down from \
                request 120, 120 of 240 requests fail";
    assert!(row.sessions.text.contains(said), "{}", row.sessions.text);
    assert!(h.query_by_label(&row.sessions.text).is_some(), "the tab shows the row's text whole");
    assert!(h.query_by_label(&row.jwt.text).is_some());
    assert!(
        row.jwt
            .text
            .ends_with("(a denylist check shares the store again: the store down from request 120, 120 of 240 fail)")
    );
}

#[test]
fn the_complexity_row_lists_each_risk_and_pitfall_with_a_link_to_its_demonstration() {
    use crate::core::labs::security::surface::SecurityDemo;
    let (lab, typical) = computed_lab();
    let c = lab.comparison.clone().unwrap().unwrap();
    let mut h = panel_harness(lab, true, typical.clone());
    // The row's counts and every item with why, as `tokenbench compare --json` lists them.
    let row = c.row(Factor::Complexity);
    assert_eq!(row.jwt.figures["items"], serde_json::to_value(&c.surface.jwt).unwrap());
    assert!(h.query_by_label(&row.sessions.text).is_some());
    assert!(h.query_by_label(&row.jwt.text).is_some());
    for item in c.surface.sessions.iter().chain(&c.surface.jwt) {
        assert!(h.query_all_by_label(item.name).next().is_some(), "{}", item.name);
        assert!(h.query_all_by_label(&item.reason).next().is_some(), "{}", item.reason);
        assert!(h.query_by_label(item.demo.place()).is_some(), "{}", item.demo.place());
    }
    assert_eq!(h.query_all_by_label("applies").count(), 2 + 3, "both session risks, three pitfalls");
    assert_eq!(h.query_all_by_label("does not apply").count(), 2);
    // Each link opens its demonstration: the leak's is the Security lab's leak section.
    for demo in [SecurityDemo::Leakage, SecurityDemo::Fixation, SecurityDemo::NoneAlg] {
        h.get_by_label(demo.place()).click();
        h.run();
        let out = std::mem::take(&mut h.state_mut().3);
        let expected: Vec<Command> =
            demo::security_demo(demo, false, Some(&typical)).into_iter().map(Command::from).collect();
        assert_eq!(out, expected, "{demo:?}");
        assert_eq!(out.last(), Some(&Command::SelectTab(Tab::Security)));
        let loads = out[0] == Command::SetToken(typical.clone());
        // Forge works on the decoder's token; the leak and session views issue their own sample
        // at the lab clock (a typical token loaded for them would go stale).
        assert_eq!(loads, demo == SecurityDemo::NoneAlg, "{demo:?}");
    }
    // Routed through the app: the link lands on the Security tab's leak section.
    let mut state = crate::ui::state::AppState::default();
    let mut p = FakePlatform::default();
    for c in demo::security_demo(SecurityDemo::Hijacking, false, Some(&typical)) {
        state.handle(Command::from(c), &mut p);
    }
    assert_eq!(state.tab, Tab::Security);
    assert_eq!(state.security.section, crate::core::labs::security::lab::Section::Sessions);
    assert_eq!(state.security.scenario, crate::core::labs::security::session_risk::ScenarioKind::CookieTheft);
    // The confusion link loads the typical token with the key that verifies it: Decode finds it
    // valid, and the attack has the issuer's public key, so the demonstration runs.
    let mut state = crate::ui::state::AppState::default();
    for c in demo::security_demo(SecurityDemo::AlgConfusion, false, Some(&typical)) {
        state.handle(Command::from(c), &mut p);
    }
    assert_eq!(state.keys.len(), 1);
    let loaded = state.parsed().unwrap().clone();
    let policy = crate::core::engine::verify::Policy::default();
    let verdict = crate::core::engine::verify::verify(&loaded, state.keys.keys(), &policy, 0.0);
    assert_eq!(verdict.signature, crate::core::engine::verify::SignatureVerdict::Valid);
    let (attack, made) = state.security.forged.as_ref().unwrap();
    assert_eq!(*attack, crate::core::engine::forge::Attack::Confusion);
    assert!(made.is_ok(), "{made:?}");
}

/// A figure of a cell as a picture reads it: a number, or `null` (no end).
fn figure_of(cell: &compare::Cell, name: &str) -> pictures::Figure {
    match &cell.figures[name] {
        serde_json::Value::Null => pictures::Figure::Endless,
        v => pictures::Figure::Value(v.as_f64().unwrap()),
    }
}

#[test]
fn each_rows_picture_draws_the_figures_its_sentences_state() {
    use pictures::Figure;
    let (lab, typical) = computed_lab();
    let c = lab.comparison.clone().unwrap().unwrap();
    // Which figure each row's bars draw, sessions then JWT.
    let drawn = [
        (Factor::State, "record_bytes", "token_bytes"),
        (Factor::Storage, "bytes", "denylist_bytes"),
        (Factor::Scalability, "local_failed_requests", "failed_requests"),
        (Factor::Revocation, "exposure_seconds", "exposure_seconds"),
        (Factor::RequestOverhead, "bytes", "bytes"),
        (Factor::CrossDomain, "failed", "failed"),
        (Factor::Mobile, "credential_bytes", "credential_bytes"),
        (Factor::Microservices, "lookups_per_request", "verifications_per_request"),
    ];
    for (factor, s, j) in drawn {
        let row = c.row(factor);
        let p = pictures::picture(row);
        assert_eq!(p.sessions, figure_of(&row.sessions, s), "{factor:?} sessions");
        assert_eq!(p.jwt, figure_of(&row.jwt, j), "{factor:?} JWT");
    }
    // Complexity: what applies, 2 session risks against 3 JWT pitfalls on the typical token.
    let p = pictures::picture(c.row(Factor::Complexity));
    assert_eq!((p.sessions, p.jwt), (Figure::Value(2.0), Figure::Value(3.0)));
    // The story's figures on the typical token: a session is refused at once, a 34 B cookie.
    let revocation = pictures::picture(c.row(Factor::Revocation));
    assert_eq!(revocation.sessions, Figure::Value(0.0));
    assert!(matches!(revocation.jwt, Figure::Value(s) if s > 0.0), "{revocation:?}");
    assert_eq!(pictures::picture(c.row(Factor::RequestOverhead)).sessions, Figure::Value(34.0));
    // Every picture is in the panel, named by its figures (its hover text).
    let h = panel_harness(lab, true, typical);
    for row in &c.rows {
        let words = pictures::picture(row).describe();
        assert!(h.query_by_label(&words).is_some(), "{words}");
    }
}

#[test]
fn a_token_without_exp_draws_its_revocation_bar_without_an_end() {
    let mut h = app(egui::vec2(1280.0, 800.0));
    let secret = "a-long-enough-secret-for-hs256-0123456789";
    let key =
        crate::core::engine::keys::load_secret(secret.as_bytes(), crate::core::engine::keys::SecretEncoding::Utf8, "s")
            .unwrap();
    let mut claims = crate::core::engine::token::JsonObject::new();
    claims.insert("sub".into(), "u1".into());
    claims.insert("iat".into(), 1_799_990_000.into());
    let token = crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &claims, "HS256", &key)
        .unwrap();
    h.state_mut().apply(vec![Command::SetToken(token), Command::SelectTab(Tab::Compare)]);
    h.run();
    let c = comparison(&h);
    let p = pictures::picture(c.row(Factor::Revocation));
    assert_eq!((p.sessions, p.jwt), (pictures::Figure::Value(0.0), pictures::Figure::Endless));
    assert_eq!(pictures::lengths(&p), [Some(0.0), Some(1.0)]);
    assert_eq!(pictures::picture(c.row(Factor::Storage)).jwt, pictures::Figure::Endless, "the denylist only grows");
    assert!(h.query_by_label(&p.describe()).is_some());
}
