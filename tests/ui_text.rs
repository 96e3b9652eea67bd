//! What every view of the workbench's own panels says and shows on hover, read through the
//! accessibility tree the way a screen reader would: counts in the right number ("1 key", never
//! "key(s)"), no Markdown backticks, no "public key" for an HMAC token, and never two tooltips
//! at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};
use tokenbench::core::labs::fit::{FitCommand, FitPage};
use tokenbench::core::labs::security::lab::{Section, SecurityCommand};
use tokenbench::ui::app::{Settings, Tab, TokenbenchApp};
use tokenbench::ui::platform::FakePlatform;
use tokenbench::ui::state::Command;

fn app(size: egui::Vec2, commands: Vec<Command>) -> Harness<'static, TokenbenchApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
    h.state_mut().apply(commands);
    h.run();
    h
}

fn fit(page: FitPage) -> Vec<Command> {
    vec![Command::SelectTab(Tab::Fit), Command::Fit(FitCommand::Page(page))]
}

fn security(section: Section, token: Command) -> Vec<Command> {
    vec![token, Command::SelectTab(Tab::Security), Command::Security(SecurityCommand::Show(section))]
}

/// The views of the workbench's panels and labs, with an HS256 token and its secret, and the
/// sample keys.
fn views() -> Vec<(&'static str, egui::Vec2, Vec<Command>)> {
    let big = egui::vec2(1280.0, 800.0);
    let small = egui::vec2(800.0, 480.0);
    let hs = || Command::LoadSample(2);
    vec![
        ("decode, HS256 without a key", small, vec![hs()]),
        ("decode, HS256 with the sample keys", small, vec![Command::LoadSampleKeys, hs()]),
        ("decode, JWE", small, vec![Command::LoadSample(6)]),
        ("sign", big, vec![Command::LoadSampleKeys, hs(), Command::EditThisToken]),
        ("security audit", big, security(Section::Audit, hs())),
        ("security crack", big, security(Section::Crack, hs())),
        ("security forge", big, security(Section::Forge, hs())),
        ("security sessions", big, security(Section::Sessions, hs())),
        ("security leaks", small, security(Section::Leakage, hs())),
        ("decode with its timeline", big, vec![Command::LoadSampleKeys, Command::LoadSample(0)]),
        ("compare", big, vec![Command::LoadSampleKeys, hs(), Command::SelectTab(Tab::Compare)]),
        ("revocation lab", big, vec![Command::SelectTab(Tab::Revocation)]),
        ("flows lab", big, vec![Command::SelectTab(Tab::Flows)]),
        ("start here", small, vec![Command::SelectTab(Tab::Start)]),
        ("which fits: payload", small, fit(FitPage::Payload)),
        ("which fits: hybrids", small, fit(FitPage::Hybrids)),
        ("which fits: sso", small, fit(FitPage::Sso)),
        ("which fits: defaults", small, fit(FitPage::Defaults)),
    ]
}

/// Every text the window shows or names a widget by (a label's text is its accessible value).
fn labels(h: &Harness<'static, TokenbenchApp>) -> Vec<String> {
    h.query_all(By::new().include_labels())
        .filter_map(|n| {
            let node = n.accesskit_node();
            if node.role() == egui::accesskit::Role::Label { node.value() } else { node.label() }
        })
        .collect()
}

#[test]
fn counts_are_words_not_markdown() {
    for (name, size, commands) in views() {
        let h = app(size, commands);
        for label in labels(&h) {
            assert!(!label.contains("(s)"), "{name}: {label:?}");
            assert!(!label.contains('`'), "{name}: {label:?}");
        }
    }
}

#[test]
fn an_hmac_token_is_never_said_to_need_a_public_key() {
    for (name, size, commands) in views().into_iter().filter(|(name, ..)| name.contains("HS256")) {
        let h = app(size, commands);
        for label in labels(&h) {
            assert!(!label.contains("public key"), "{name}: {label:?}");
        }
        assert!(
            h.query_all_by_label_contains("HMAC secret shared with the issuer").next().is_some()
                || name.contains("keys")
        );
    }
}

#[test]
fn an_encrypted_token_is_called_one_everywhere() {
    let jwe = || Command::LoadSample(6);
    let mut forge = security(Section::Forge, jwe());
    forge.push(Command::Security(SecurityCommand::OpenAttack(tokenbench::core::engine::forge::Attack::None)));
    for (name, commands) in [
        ("decode", vec![jwe()]),
        ("sign", vec![jwe(), Command::SelectTab(Tab::Sign)]),
        ("audit", security(Section::Audit, jwe())),
        ("crack", security(Section::Crack, jwe())),
        ("forge", forge),
        ("sessions", security(Section::Sessions, jwe())),
        ("leaks", security(Section::Leakage, jwe())),
    ] {
        let h = app(egui::vec2(1280.0, 800.0), commands);
        let all = labels(&h);
        for label in &all {
            let lower = label.to_lowercase();
            assert!(!lower.contains("no token") && !lower.contains("no claims"), "{name}: {label:?}");
        }
        assert!(all.iter().any(|l| l.to_lowercase().contains("encrypted (jwe")), "{name}: {all:?}");
    }
}

#[test]
fn never_two_tooltips_at_once() {
    let tooltips = |h: &Harness<'static, TokenbenchApp>| {
        h.ctx.memory(|m| m.areas().visible_layer_ids().into_iter().filter(|l| l.order == egui::Order::Tooltip).count())
    };
    for (name, size, commands) in views() {
        let mut h = app(size, commands);
        h.ctx.all_styles_mut(|s| s.interaction.tooltip_delay = 0.0);
        let widgets: Vec<(String, egui::Rect)> = h
            .query_all(By::new().include_labels())
            .filter(|n| n.accesskit_node().bounding_box().is_some())
            .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()))
            .filter(|(_, r)| r.width() > 0.0 && r.height() > 0.0)
            .collect();
        assert!(widgets.len() > 10, "{name}");
        for (label, rect) in widgets {
            h.hover_at(rect.center());
            h.run_steps(3);
            assert!(tooltips(&h) <= 1, "{name}: {} tooltips over {label:?} at {rect:?}", tooltips(&h));
        }
    }
}
