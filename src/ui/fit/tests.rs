//! The "Which fits" lab through the window: each page's lines are the CLI's, its controls
//! work, and everything is reachable at the smallest window.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::*;
use crate::cli::fit as cli;
use crate::ui::app::{Settings, TokenbenchApp};
use crate::ui::platform::FakePlatform;
use crate::ui::state::Tab;

fn lab(size: egui::Vec2, page: FitPage) -> Harness<'static, TokenbenchApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
    h.run();
    // The tab bar's entry (the first screen lists the labs too).
    h.query_all_by_label(Tab::Fit.label()).next().unwrap().click();
    h.run();
    h.get_by_label(page.title()).click();
    h.run();
    assert_eq!((h.state().state.tab, h.state().state.fit.page), (Tab::Fit, page));
    h
}

fn press(h: &mut Harness<'_, TokenbenchApp>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    h.run();
}

/// Every line is a label in the window and a line of the CLI's text (indented or not).
fn shown_and_printed(h: &Harness<'_, TokenbenchApp>, lines: &[String], cli: &str) {
    for line in lines {
        assert!(h.query_all_by_label(line).next().is_some(), "shown: {line}");
        assert!(cli.lines().any(|l| l.trim_start() == line), "printed: {line}\n{cli}");
    }
}

#[test]
fn payload_lines_follow_the_buttons_and_match_the_cli() {
    let mut h = lab(egui::vec2(1280.0, 800.0), FitPage::Payload);
    let r = h.state().state.fit.payload.clone().unwrap().unwrap();
    shown_and_printed(&h, &r.lines(), &cli::payload_text(0).unwrap());
    assert!(h.query_by_label(FitPage::Payload.caption()).is_some());
    assert!(h.query_by_label("tokenbench simulate payload --claims 0").is_some());
    let add = h.get_by_label("Add 25 claims").rect();
    press(&mut h, "Add 25 claims");
    press(&mut h, "Add 25 claims");
    assert_eq!(h.get_by_label("Add 25 claims").rect(), add, "the button stays under the pointer");
    let r = h.state().state.fit.payload.clone().unwrap().unwrap();
    assert_eq!(r.point.added, 50);
    shown_and_printed(&h, &r.lines(), &cli::payload_text(50).unwrap());
    assert!(h.query_by_label("tokenbench simulate payload --claims 50").is_some());
    press(&mut h, "Remove 25");
    assert_eq!(h.state().state.fit.added, 25);
}

#[test]
fn hybrids_and_defaults_match_the_cli() {
    let h = lab(egui::vec2(1280.0, 800.0), FitPage::Hybrids);
    let r = h.state().state.fit.hybrids.clone().unwrap().unwrap();
    let printed = cli::hybrids_text().unwrap();
    for hybrid in [&r.refresh, &r.split] {
        assert!(h.query_by_label(hybrid.name).is_some());
        shown_and_printed(&h, &hybrid.lines(), &printed);
    }
    let h = lab(egui::vec2(1280.0, 800.0), FitPage::Defaults);
    let r = h.state().state.fit.defaults.clone().unwrap();
    let printed = cli::defaults_text();
    shown_and_printed(&h, &r.framework_lines(), &printed);
    shown_and_printed(&h, &r.design_lines(), &printed);
    shown_and_printed(&h, &[r.conclusion(), crate::core::labs::fit::defaults::scenario_line()], &printed);
}

#[test]
fn the_sso_flow_steps_through_and_matches_the_cli() {
    let mut h = lab(egui::vec2(1280.0, 800.0), FitPage::Sso);
    let r = h.state().state.fit.sso.clone().unwrap().unwrap();
    let printed = cli::sso_text().unwrap();
    assert!(h.query_by_label("Step 1 of 7").is_some());
    for (i, step) in r.steps.iter().enumerate() {
        assert_eq!(h.state().state.fit.sso_step, i);
        shown_and_printed(&h, &step.lines(), &printed);
        if i + 1 < r.steps.len() {
            press(&mut h, "Next");
        }
    }
    assert!(h.query_by_label("Refused at https://forum.example").is_some());
    press(&mut h, "Back");
    assert_eq!(h.state().state.fit.sso_step, 5);
}

#[test]
fn every_page_is_reachable_at_the_smallest_window() {
    for page in FitPage::ALL {
        let mut h = lab(egui::vec2(800.0, 480.0), page);
        // The page's last control, under its figures, can be scrolled to and clicked.
        h.get_by_label("Copy the command").scroll_to_me();
        h.run();
        let button = h.get_by_label("Copy the command").rect();
        assert!(button.max.y <= 480.0 && button.min.y >= 0.0, "{page:?}: {button:?}");
        h.get_by_label("Copy the command").click();
        h.run();
        let copied = h.state().state.message.clone().unwrap().1;
        assert!(copied.starts_with("copied"), "{page:?}: {copied}");
        // The page bar stays in view.
        for other in FitPage::ALL {
            assert!(h.get_by_label(other.title()).rect().max.y < 480.0);
        }
    }
}

#[test]
fn the_payload_plot_stays_put_while_the_claims_grow_in_the_smallest_window() {
    let mut h = lab(egui::vec2(800.0, 480.0), FitPage::Payload);
    // Against the Add button: what counts is the layout, not where the page is scrolled.
    let below_plot = |h: &Harness<'_, TokenbenchApp>| {
        h.get_by_label(payload::KEY).rect().min - h.get_by_label("Add 25 claims").rect().min
    };
    let before = below_plot(&h);
    // 0 claims fits every limit; 100 is over the cookie's; 600 is over them all: lines re-word.
    for added in [100, 600, 0] {
        h.state_mut().apply(vec![Command::Fit(FitCommand::SetAdded(added))]);
        h.run();
        assert_eq!(h.state().state.fit.added, added);
        let now = below_plot(&h);
        assert!((now - before).length() < 0.5, "{added} claims moved the plot: {before:?} -> {now:?}");
    }
}

#[test]
fn the_admin_panel_hybrid_steps_through_and_matches_the_cli() {
    let mut h = lab(egui::vec2(1280.0, 800.0), FitPage::Hybrids);
    let r = h.state().state.fit.hybrids.clone().unwrap().unwrap();
    let printed = cli::hybrids_text().unwrap();
    assert!(printed.contains(crate::core::labs::fit::hybrids::ADMIN_PANEL_HEADING));
    assert!(h.query_by_label("Step 1 of 7").is_some());
    let next = h.get_by_label("Next").rect();
    for (i, step) in r.admin_panel.iter().enumerate() {
        assert_eq!(h.state().state.fit.admin_step, i);
        shown_and_printed(&h, &step.lines(), &printed);
        if let Some(a) = &step.answer {
            let word = if a.accepted { "Accepted" } else { "Refused" };
            assert!(h.query_by_label(&format!("{word} by the {}", a.who)).is_some(), "step {i}");
        }
        if i + 1 < r.admin_panel.len() {
            press(&mut h, "Next");
            assert_eq!(h.get_by_label("Next").rect(), next, "Next stays under the pointer");
        }
    }
    // The logout's two outcomes: the API accepts the copy, the admin panel refuses the cookie.
    assert!(r.admin_panel[4].answer.as_ref().unwrap().accepted);
    assert!(!r.admin_panel[5].answer.as_ref().unwrap().accepted);
    press(&mut h, "Previous");
    assert_eq!(h.state().state.fit.admin_step, 5);
    // The other hybrid is animated in Flows.
    press(&mut h, super::pages::FLOWS_HYBRID_LINK);
    assert_eq!(h.state().state.tab, Tab::Flows);
    assert_eq!(h.state().state.flows.scenario, crate::core::labs::flows::lab::FlowScenario::Hybrid);
}

#[test]
fn the_payload_plot_names_its_limit_lines_with_one_label_for_apache_and_nginx() {
    let labels: Vec<String> = crate::core::labs::fit::payload::limit_labels().into_iter().map(|(_, l)| l).collect();
    assert_eq!(labels, ["Browser cookie 4096 B", "Apache 8190 B and nginx 8192 B", "Node.js 16384 B"]);
    for size in [egui::vec2(1280.0, 800.0), egui::vec2(800.0, 480.0)] {
        let mut h = lab(size, FitPage::Payload);
        h.get_by_label(payload::KEY).scroll_to_me();
        h.run();
        // The texts painted in the window: each label once, on the plot.
        let mut painted = Vec::new();
        let mut stack: Vec<egui::Shape> = h.output().shapes.iter().map(|c| c.shape.clone()).collect();
        while let Some(shape) = stack.pop() {
            match shape {
                egui::Shape::Vec(v) => stack.extend(v),
                egui::Shape::Text(t) => painted.push(t.galley.text().to_owned()),
                _ => {}
            }
        }
        for label in &labels {
            assert_eq!(painted.iter().filter(|t| *t == label).count(), 1, "{label} at {size:?}: {painted:?}");
        }
    }
}
