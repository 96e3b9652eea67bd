//! The "Which fits" lab: four pages on when sessions fit and when JWTs do. Payload size
//! (`payload.rs`: bytes per request against the cookie and header limits, with a plot), the
//! two hybrids, cross-domain SSO stepped through, and the frameworks' defaults (`pages.rs`).
//! Figures come from [`crate::core::labs::fit`]; each page names the CLI command printing them.

mod pages;
mod payload;

use egui::{RichText, Ui};

use crate::core::labs::fit::{FitCommand, FitLab, FitPage};
use crate::ui::state::{AppState, Command};

/// The tab's heading.
pub const HEADING: &str = "Which fits: sessions or JWTs?";

/// The command line printing the page's figures.
#[must_use]
pub fn command_line(lab: &FitLab) -> String {
    match lab.page {
        FitPage::Payload => format!("tokenbench simulate payload --claims {}", lab.added),
        page => format!("tokenbench simulate {}", page.command()),
    }
}

/// Draws the lab.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.fit;
    ui.heading(HEADING);
    // The page bar stays put above the scrolled page: its buttons never move.
    ui.horizontal_wrapped(|ui| {
        for page in FitPage::ALL {
            if ui.selectable_label(lab.page == page, page.title()).on_hover_text(page.caption()).clicked() {
                out.push(Command::Fit(FitCommand::Page(page)));
            }
        }
    });
    ui.label(lab.page.caption());
    ui.separator();
    egui::ScrollArea::vertical().id_salt("fit-scroll").auto_shrink([false, false]).show(ui, |ui| {
        egui::Frame::new().inner_margin(egui::Margin { right: 14, ..egui::Margin::ZERO }).show(ui, |ui| {
            match lab.page {
                FitPage::Payload => payload::ui(ui, lab, out),
                FitPage::Hybrids => pages::hybrids(ui, lab, out),
                FitPage::Sso => pages::sso(ui, lab, out),
                FitPage::Defaults => pages::defaults(ui, lab),
            }
            ui.add_space(8.0);
            ui.label(RichText::new("The same figures from the command line").strong());
            ui.horizontal_wrapped(|ui| {
                let line = command_line(lab);
                ui.label(RichText::new(&line).monospace());
                if ui.button("Copy the command").clicked() {
                    out.push(Command::Copy(line));
                }
            });
        });
    });
}

/// A page's figures while they are made, or why they could not be.
fn waiting<'a, T>(ui: &mut Ui, figures: Option<&'a Result<T, String>>) -> Option<&'a T> {
    match figures {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Signing the tokens...");
            });
            None
        }
        Some(Err(e)) => {
            ui.label(RichText::new(format!("The tokens could not be signed: {e}")).color(ui.visuals().error_fg_color));
            None
        }
        Some(Ok(f)) => Some(f),
    }
}

#[cfg(test)]
mod tests;
