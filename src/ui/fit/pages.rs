//! The hybrids, SSO and framework-defaults pages of the "Which fits" lab: each draws the lines
//! its core report writes, the ones `tokenbench simulate hybrids|sso|defaults` prints.

use egui::{RichText, Ui};

use super::waiting;
use crate::core::labs::fit::hybrids::{self, Hybrid};
use crate::core::labs::fit::{FitCommand, FitLab, defaults};
use crate::core::labs::flows::lab::{FlowCommand, FlowScenario};
use crate::ui::state::Command;
use crate::ui::theme::palette;

/// The label of the link to the Flows lab's Hybrid scenario: a third hybrid, animated there (a
/// session at the edge, short-lived JWTs between the services), not (a) or (b) of this page.
pub const FLOWS_HYBRID_LINK: &str =
    "A third hybrid, animated: Flows' Hybrid scenario (a session at the edge, short JWTs between services)";

/// The two hybrids side by side, then (b) one step at a time.
pub fn hybrids(ui: &mut Ui, lab: &FitLab, out: &mut Vec<Command>) {
    let Some(r) = waiting(ui, lab.hybrids.as_ref()) else { return };
    ui.columns(2, |cols| {
        crate::ui::widgets::left_aligned(&mut cols[0], |ui| hybrid(ui, &r.refresh));
        crate::ui::widgets::left_aligned(&mut cols[1], |ui| hybrid(ui, &r.split));
    });
    ui.weak(
        "Logout delays come from the revocation lab's model, a logout right after login; the credential lines are \
         really signed (RS256, the bundled demo key).",
    );
    if ui
        .link(FLOWS_HYBRID_LINK)
        .on_hover_text("Short JWTs renewed with a server-tracked refresh token, request by request")
        .clicked()
    {
        out.push(Command::SelectTab(crate::ui::state::Tab::Flows));
        out.push(Command::Flow(FlowCommand::Scenario(FlowScenario::Hybrid)));
    }
    ui.add_space(6.0);
    ui.label(RichText::new(hybrids::ADMIN_PANEL_HEADING).strong());
    let last = r.admin_panel.len().saturating_sub(1);
    // Previous and Next first, at fixed places: they never move as the steps change.
    ui.horizontal(|ui| {
        if ui.add_enabled(lab.admin_step > 0, egui::Button::new("Previous")).clicked() {
            out.push(Command::Fit(FitCommand::AdminBack));
        }
        if ui.add_enabled(lab.admin_step < last, egui::Button::new("Next")).clicked() {
            out.push(Command::Fit(FitCommand::AdminNext));
        }
        ui.label(format!("Step {} of {}", lab.admin_step + 1, r.admin_panel.len()));
    });
    let Some(step) = r.admin_panel.get(lab.admin_step) else { return };
    for (i, line) in step.lines().into_iter().enumerate() {
        let text = match i {
            0 => RichText::new(line).strong(),
            1 => RichText::new(line),
            _ => RichText::new(line).monospace(),
        };
        ui.label(text);
    }
    if let Some(a) = &step.answer {
        let colour = crate::ui::theme::verdict_colour(Some(a.accepted), ui.visuals().dark_mode);
        let word = if a.accepted { "Accepted" } else { "Refused" };
        ui.label(RichText::new(format!("{word} by the {}", a.who)).strong().color(colour));
    }
}

fn hybrid(ui: &mut Ui, h: &Hybrid) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(h.name).strong());
        for line in h.lines() {
            ui.label(line);
        }
    });
}

/// The SSO flow, one step at a time.
pub fn sso(ui: &mut Ui, lab: &FitLab, out: &mut Vec<Command>) {
    let Some(r) = waiting(ui, lab.sso.as_ref()) else { return };
    let last = r.steps.len().saturating_sub(1);
    // Back and Next first, at fixed places: they never move as the steps change.
    ui.horizontal(|ui| {
        if ui.add_enabled(lab.sso_step > 0, egui::Button::new("Back")).clicked() {
            out.push(Command::Fit(FitCommand::SsoBack));
        }
        if ui.add_enabled(lab.sso_step < last, egui::Button::new("Next")).clicked() {
            out.push(Command::Fit(FitCommand::SsoNext));
        }
        ui.label(format!("Step {} of {}", lab.sso_step + 1, r.steps.len()));
    });
    let Some(step) = r.steps.get(lab.sso_step) else { return };
    let dark = ui.visuals().dark_mode;
    for (i, line) in step.lines().into_iter().enumerate() {
        let text = match i {
            0 => RichText::new(line).strong(),
            1 => RichText::new(line),
            _ => RichText::new(line).monospace(),
        };
        ui.label(text);
    }
    for c in &step.checks {
        let colour = crate::ui::theme::verdict_colour(Some(c.valid), dark);
        let word = if c.valid { "Accepted" } else { "Refused" };
        ui.label(RichText::new(format!("{word} at {}", c.site)).strong().color(colour));
    }
    ui.weak(format!(
        "The provider publishes {} B of JWKS (kid {}); each site verifies with it alone. Cookies stay on the domain that set them.",
        r.jwks_bytes,
        r.jwks_kids.join(", ")
    ));
}

/// The frameworks' defaults and the typical server-rendered app.
pub fn defaults(ui: &mut Ui, lab: &FitLab) {
    let Some(r) = lab.defaults.as_ref() else {
        ui.spinner();
        return;
    };
    ui.label(RichText::new("What the frameworks use by default").strong());
    for line in r.framework_lines() {
        ui.label(line);
    }
    ui.add_space(6.0);
    ui.label(RichText::new(defaults::scenario_line()).strong());
    for line in r.design_lines() {
        ui.label(line);
    }
    ui.add_space(4.0);
    ui.label(RichText::new(r.conclusion()).color(palette(ui.visuals().dark_mode).good));
}
