//! The Compare tab on points of the sessions-vs-JWT story a learner checks against the other
//! labs: the modern-choice card's framework defaults and its link, one lifetime for a copied JWT
//! across Compare, Leaks and Session risks, and Scalability's Show me reproducing the row's
//! figures whatever scenario ran before.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::*;
use crate::core::labs::compare::Myth;
use crate::core::labs::flows::{FlowCommand, FlowScenario};
use crate::ui::app::{Settings, TokenbenchApp};
use crate::ui::platform::FakePlatform;
use crate::ui::state::{ClockCommand, Tab};

fn app(size: egui::Vec2) -> Harness<'static, TokenbenchApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
    h.state_mut().apply(vec![Command::Clock(ClockCommand::Set(1_800_000_000.0))]);
    h.run();
    h
}

/// Scrolls a widget into view, then clicks it.
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
fn the_modern_choice_card_states_the_frameworks_defaults_and_opens_their_page() {
    let mut h = app(egui::vec2(1280.0, 800.0));
    h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
    h.run();
    let summary = crate::core::labs::fit::defaults::frameworks_summary();
    // The same data as the Framework defaults page: every framework it lists, by name.
    for f in crate::core::labs::fit::defaults::FRAMEWORKS {
        assert!(summary.contains(f.name) && summary.contains(f.in_short), "{summary}");
    }
    assert_eq!(comparison(&h).myth(Myth::JwtAlwaysModern).context.as_deref(), Some(summary.as_str()));
    assert!(h.query_by_label(&summary).is_some(), "the card states it");
    press(&mut h, DEFAULTS_LINK);
    let s = &h.state().state;
    assert_eq!((s.tab, s.fit.page), (Tab::Fit, crate::core::labs::fit::FitPage::Defaults));
    assert!(s.fit.defaults.is_some(), "the page's figures are made");
}

#[test]
fn compare_leaks_and_session_risks_take_one_lifetime_for_a_copied_jwt() {
    use crate::core::engine::audit::human_duration;
    use crate::core::labs::security::{leakage, session_risk};
    let now = 1_800_000_000.0;
    // (Compare's leakage reason, what Leaks says a copy replayed after its delay has left plus
    // that delay, what Session risks takes as the JWT's lifetime left.)
    let figures = |h: &Harness<'_, TokenbenchApp>| {
        let s = &h.state().state;
        let reason = comparison(h).surface.jwt.iter().find(|i| i.id == "leakage").unwrap().reason.clone();
        let token = s.parsed().cloned();
        let leak = leakage::leakage(token.as_ref(), now, &s.security.leak).unwrap();
        let left = leak.copy.remaining.unwrap() + s.security.leak.read_after as f64;
        (reason, left, s.security.lifetimes(token.as_ref(), now).0.jwt_remaining)
    };
    let mut h = app(egui::vec2(1280.0, 800.0));
    h.state_mut().apply(vec![Command::SelectTab(Tab::Compare)]);
    h.run();
    // No token loaded: the one typical token every lab assumes, 15 minutes.
    let typical = crate::core::labs::flows::credential::TYPICAL_LIFETIME as f64;
    let (reason, leak, risk) = figures(&h);
    assert_eq!((leak, risk), (typical, typical));
    assert_eq!(reason, format!("a copy from a log or a URL works for {} more", human_duration(typical)));
    // A loaded token with 40 min left: all three take its exp.
    let key = crate::core::engine::keys::load_secret(
        b"a-long-enough-secret-for-hs256-ok",
        crate::core::engine::keys::SecretEncoding::Raw,
        "s",
    )
    .unwrap();
    let mut claims = crate::core::engine::token::JsonObject::new();
    claims.insert("sub".into(), "u1".into());
    claims.insert("iat".into(), 1_799_999_000.into());
    claims.insert("exp".into(), 1_800_002_400.into());
    let token = crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &claims, "HS256", &key)
        .unwrap();
    h.state_mut().apply(vec![Command::SetToken(token)]);
    h.run();
    let (reason, leak, risk) = figures(&h);
    assert_eq!((leak, risk), (2400.0, 2400.0));
    assert_eq!(reason, format!("a copy from a log or a URL works for {} more", human_duration(2400.0)));
    assert!((session_risk::FALLBACK_TOKEN_LIFETIME - typical).abs() < f64::EPSILON);
}

#[test]
fn scalabilitys_show_me_sets_every_parameter_of_the_rows_figures_after_another_scenario() {
    let mut h = app(egui::vec2(1280.0, 800.0));
    // The learner's path: the Hybrid scenario (a fan-out of 3) and a slower store, then Compare.
    h.state_mut().apply(vec![
        Command::SelectTab(Tab::Flows),
        Command::Flow(FlowCommand::Scenario(FlowScenario::Hybrid)),
        Command::Flow(FlowCommand::StoreLatency(2.0)),
        Command::Flow(FlowCommand::RunToEnd),
        Command::SelectTab(Tab::Compare),
    ]);
    h.run();
    let c = comparison(&h);
    let row = c.row(Factor::Scalability).clone();
    let at = c.rows.iter().position(|r| r.factor == Factor::Scalability).unwrap();
    h.query_all_by_label("Show me").nth(at).unwrap().scroll_to_me();
    h.run();
    h.query_all_by_label("Show me").nth(at).unwrap().click();
    h.run();
    let s = &h.state().state;
    assert_eq!((s.tab, s.flows.scenario), (Tab::Flows, FlowScenario::Failover));
    // Every setting the row was computed on, in the lab.
    let (lab, row_flow) = (s.flows.params, c.flow);
    assert_eq!(
        (lab.servers, lab.users, lab.requests, lab.services),
        (row_flow.servers.max(2), row_flow.users, row_flow.requests, row_flow.services)
    );
    assert!((lab.store_latency_ms - row_flow.store_latency_ms).abs() < f64::EPSILON);
    // Every figure of the row's store outage a lane shows, equal.
    let [session, jwt] = [0, 1].map(|i| *s.flows.lanes[i].flow.totals());
    assert_eq!(row.sessions.figures["store_down_failed_requests"], session.failed_requests);
    assert_eq!(row.sessions.figures["store_down_lookups"], session.store_lookups);
    assert_eq!(row.jwt.figures["denylist_store_down_failed_requests"], jwt.failed_requests);
    assert!(
        row.sessions.text.contains(&format!("({} store lookups in all)", session.store_lookups)),
        "{}",
        row.sessions.text
    );
    // A shared store needs no sticky routing: the lane is the row's, and says so.
    assert_eq!(s.flows.lanes[0].title(), "Session · shared store");
    assert!(h.query_all_by_label("Session · shared store").next().is_some());
    assert!(!s.flows.lanes[0].cfg.sticky);
}
