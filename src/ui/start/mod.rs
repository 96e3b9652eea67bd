//! "Start here", the first start's screen: the core difference between sessions and JWTs
//! (where the state lives), login, request and logout of each side by side with the real
//! credential lines and their sizes ([`crate::core::labs::fit::start`]), then a button to each
//! lab. The dense comparison table comes after, on Compare.

use egui::{RichText, Ui};

use crate::core::labs::fit::start::{FlowStep, JWT_STATE, SESSION_STATE, StartFigures};
use crate::core::labs::fit::{FitCommand, FitPage};
use crate::ui::state::{AppState, Command, Tab};

/// The screen's heading.
pub const HEADING: &str = "Start here: sessions or JWTs?";
/// The one-line caption under it.
pub const CAPTION: &str = "Both answer \"who is this request from?\"; they differ in where the state lives. Then each lab shows one consequence happen.";

/// The button that opens `tab` from this screen.
#[must_use]
pub fn open_label(tab: Tab) -> String {
    format!("Open {}", tab.label())
}

/// Draws the screen.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    egui::ScrollArea::vertical().id_salt("start-scroll").auto_shrink([false, false]).show(ui, |ui| {
        egui::Frame::new()
            .inner_margin(egui::Margin { right: 14, ..egui::Margin::ZERO })
            .show(ui, |ui| body(ui, state.fit.start.as_ref(), out));
    });
}

fn body(ui: &mut Ui, figures: Option<&Result<StartFigures, String>>, out: &mut Vec<Command>) {
    ui.heading(HEADING);
    ui.label(CAPTION);
    ui.add_space(6.0);
    ui.label(RichText::new("The core difference: where the state lives").strong());
    ui.label(SESSION_STATE);
    ui.label(JWT_STATE);
    ui.add_space(6.0);
    match figures {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Signing the example token...");
            });
        }
        Some(Err(e)) => {
            ui.label(
                RichText::new(format!("The example token could not be signed: {e}")).color(ui.visuals().error_fg_color),
            );
        }
        Some(Ok(f)) => flows(ui, f),
    }
    ui.add_space(8.0);
    labs(ui, out);
}

fn flows(ui: &mut Ui, f: &StartFigures) {
    ui.label(RichText::new("The two flows side by side").strong());
    ui.columns(2, |cols| {
        side(&mut cols[0], "Session", &f.session);
        side(&mut cols[1], "JWT", &f.jwt);
    });
    ui.add_space(4.0);
    for line in f.lines() {
        ui.label(RichText::new(line).monospace());
    }
    ui.weak("The JWT is a typical OpenID Connect access token, signed RS256 with the bundled demo key; tokenbench simulate payload prints these lines.");
}

fn side(ui: &mut Ui, title: &str, steps: &[FlowStep]) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        crate::ui::widgets::left_aligned(ui, |ui| steps_ui(ui, title, steps));
    });
}

fn steps_ui(ui: &mut Ui, title: &str, steps: &[FlowStep]) {
    ui.label(RichText::new(title).heading());
    for s in steps {
        ui.label(RichText::new(s.step).strong());
        ui.label(RichText::new(&s.sends).monospace());
        ui.label(&s.server);
    }
}

/// Which lab shows which point, and its button.
fn labs(ui: &mut Ui, out: &mut Vec<Command>) {
    ui.label(RichText::new("Then see each consequence happen").strong());
    for tab in Tab::ALL.into_iter().filter(|t| *t != Tab::Start) {
        ui.horizontal_wrapped(|ui| {
            if ui.button(open_label(tab)).clicked() {
                out.push(Command::SelectTab(tab));
            }
            ui.label(tab.caption());
        });
    }
    ui.label(RichText::new("Or go straight to a point of \"Which fits\"").strong());
    ui.horizontal_wrapped(|ui| {
        for page in FitPage::ALL {
            if ui.button(page.title()).on_hover_text(page.caption()).clicked() {
                out.push(Command::SelectTab(Tab::Fit));
                out.push(Command::Fit(FitCommand::Page(page)));
            }
        }
    });
}

#[cfg(test)]
mod tests;
