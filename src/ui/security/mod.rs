//! The Security tab's views: the audit of the current token (and of a session cookie),
//! weak-secret cracking in the background with progress and cancel, the attack forgeries judged
//! by our own verifier, the session risks stepped through, and a token leaking through an
//! access log and a `Referer` header.
//!
//! The lab is [`crate::core::labs::security::lab::SecurityLab`], reached through
//! `Command::Security`; each view here draws its state and emits its commands, nothing more.

mod audit;
mod crack;
mod forge;
mod leakage;
mod sessions;

use egui::Ui;

use crate::core::engine::audit as findings;
use crate::core::engine::token::{self, Token};
use crate::core::labs::security::lab::{Section, SecurityCommand};
use crate::ui::state::{AppState, Command};

/// The token a frame draws from: the app's parsed token (parsed once per change, never per
/// frame), or one read out of a URL in the input.
fn frame_token(state: &AppState) -> Result<std::borrow::Cow<'_, Token>, String> {
    if let Some(t) = state.parsed() {
        return Ok(std::borrow::Cow::Borrowed(t));
    }
    match findings::token_from_url(&state.input) {
        Some((text, _)) => token::parse(&text).map(std::borrow::Cow::Owned).map_err(|e| e.to_string()),
        None => Err(match &state.token {
            Some(Err(e)) => e.to_string(),
            _ => "no token: paste one on the Decode tab (or a URL carrying one)".to_owned(),
        }),
    }
}

/// Wraps a lab command.
fn cmd(c: SecurityCommand) -> Command {
    Command::Security(c)
}

/// Draws the Security tab.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.security;
    // The sections' row stays put above the scroll area, so a section is one click away however
    // far the page is scrolled; each section keeps its own scroll offset (a new one opens at its
    // top). The heading scrolls with the page: at 800x480 the centre is short.
    ui.horizontal_wrapped(|ui| {
        for s in Section::ALL {
            if ui.selectable_label(lab.section == s, s.label()).clicked() {
                out.push(cmd(SecurityCommand::Show(s)));
            }
        }
    });
    ui.separator();
    egui::ScrollArea::vertical().id_salt(("security-scroll", lab.section.label())).auto_shrink([false, false]).show(
        ui,
        |ui| {
            ui.heading("Security lab");
            ui.label("JWT's attack surface and the session's, on your own token, each with its defence.");
            ui.separator();
            section_ui(ui, lab.section, state, out);
        },
    );
}

/// Draws one part of the lab (a panel test draws one alone).
pub fn section_ui(ui: &mut Ui, section: Section, state: &AppState, out: &mut Vec<Command>) {
    match section {
        Section::Audit => audit::audit_ui(ui, state, out),
        Section::Crack => crack::crack_ui(ui, state, out),
        Section::Forge => forge::forge_ui(ui, state, out),
        Section::Sessions => sessions::sessions_ui(ui, state, out),
        Section::Leakage => leakage::leakage_ui(ui, state, out),
    }
}

#[cfg(test)]
mod tests;
