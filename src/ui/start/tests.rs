//! "Start here": a first start opens it; its lines are the CLI's; every button opens its lab,
//! at 1280x800 and at the smallest window.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::*;
use crate::core::labs::fit::FitPage;
use crate::ui::app::{Settings, TokenbenchApp};
use crate::ui::platform::FakePlatform;

fn first_start(size: egui::Vec2) -> Harness<'static, TokenbenchApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::first_start()));
    h.run();
    h
}

fn press(h: &mut Harness<'_, TokenbenchApp>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    h.run();
}

#[test]
fn a_first_start_opens_here_with_the_cli_figures() {
    let h = first_start(egui::vec2(1280.0, 800.0));
    assert_eq!(h.state().state.tab, Tab::Start);
    assert_eq!(Tab::ALL[0], Tab::Start);
    for shown in [HEADING, CAPTION, SESSION_STATE, JWT_STATE] {
        assert!(h.query_by_label(shown).is_some(), "{shown}");
    }
    let figures = h.state().state.fit.start.clone().unwrap().unwrap();
    let cli = crate::cli::fit::payload_text(0).unwrap();
    for line in figures.lines() {
        assert!(h.query_by_label(&line).is_some(), "shown: {line}");
        assert!(cli.lines().any(|l| l == line), "printed: {line}");
    }
    // The flows side by side carry the real lines and their sizes.
    assert!(h.query_by_label(&format!("{} (34 B)", figures.cookie_line)).is_some());
    assert!(h.query_by_label_contains("(834 B)").is_some());
}

#[test]
fn every_button_opens_its_lab_even_at_the_smallest_window() {
    for size in [egui::vec2(1280.0, 800.0), egui::vec2(800.0, 480.0)] {
        let mut h = first_start(size);
        for tab in Tab::ALL.into_iter().filter(|t| *t != Tab::Start) {
            h.state_mut().apply(vec![Command::SelectTab(Tab::Start)]);
            h.run();
            press(&mut h, &open_label(tab));
            assert_eq!(h.state().state.tab, tab, "{size:?}");
        }
        for page in FitPage::ALL {
            h.state_mut().apply(vec![Command::SelectTab(Tab::Start)]);
            h.run();
            press(&mut h, page.title());
            assert_eq!((h.state().state.tab, h.state().state.fit.page), (Tab::Fit, page), "{size:?}");
        }
    }
}

#[test]
fn the_tab_bar_shows_every_tab_at_the_smallest_window() {
    let h = first_start(egui::vec2(800.0, 480.0));
    for tab in Tab::ALL {
        // The tab bar's entry is the topmost node with the tab's name.
        let entry = h.query_all_by_label(tab.label()).map(|n| n.rect()).min_by(|a, b| a.min.y.total_cmp(&b.min.y));
        let rect = entry.unwrap_or_else(|| panic!("{} is in the tab bar", tab.label()));
        assert!(rect.max.x <= 800.0 && rect.min.y < 40.0, "{}: {rect:?}", tab.label());
    }
}

#[test]
fn nothing_runs_past_the_right_edge_at_the_smallest_window() {
    use egui_kittest::kittest::{By, NodeT};
    let mut views = vec![vec![Command::SelectTab(Tab::Start)]];
    views.extend(FitPage::ALL.map(|p| vec![Command::SelectTab(Tab::Fit), Command::Fit(FitCommand::Page(p))]));
    for commands in views {
        let mut h = first_start(egui::vec2(800.0, 480.0));
        h.state_mut().apply(commands);
        h.run();
        for node in h.query_all(By::new().include_labels()) {
            let access = node.accesskit_node();
            let Some(rect) = access.bounding_box() else { continue };
            let text = access.value().or(access.label()).unwrap_or_default();
            assert!(rect.x1 <= 800.5, "{:?} {text:?}: {rect:?}", h.state().state.fit.page);
        }
    }
}
