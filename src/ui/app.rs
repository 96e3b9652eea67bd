//! The app state and its window. Every state change goes through [`AppState::handle`], so the
//! tests drive the same transitions the buttons do.

use crate::core::clock::{format_relative, format_utc, system_now};
use crate::core::error::Error;
use crate::core::token::{self, Token};

/// Everything that changes the app's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Replace the token text (typing, paste, drop) and decode it.
    SetToken(String),
    /// Empty the token input.
    Clear,
}

/// The state shared by every panel.
#[derive(Debug, Default)]
pub struct AppState {
    /// The token text as the user typed it.
    pub input: String,
    /// The decoding of `input`, when it is not empty.
    pub decoded: Option<Result<Token, Error>>,
}

impl AppState {
    /// Applies one action.
    pub fn handle(&mut self, action: Action) {
        match action {
            Action::SetToken(text) => {
                self.decoded = if text.trim().is_empty() { None } else { Some(token::parse(&text)) };
                self.input = text;
            }
            Action::Clear => {
                self.input.clear();
                self.decoded = None;
            }
        }
    }
}

/// The eframe application.
#[derive(Debug, Default)]
pub struct TokenbenchApp {
    /// The state.
    pub state: AppState,
}

impl eframe::App for TokenbenchApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut actions = Vec::new();
        egui::Panel::top("top").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("Token Workbench");
                if ui.button("Clear").clicked() {
                    actions.push(Action::Clear);
                }
            });
        });
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label("Token (paste a JWT, a Bearer header or a JWS JSON object)");
            let mut text = self.state.input.clone();
            let response = ui.add(
                egui::TextEdit::multiline(&mut text)
                    .desired_rows(4)
                    .desired_width(f32::INFINITY)
                    .font(egui::TextStyle::Monospace),
            );
            if response.changed() {
                actions.push(Action::SetToken(text));
            }
            ui.separator();
            egui::ScrollArea::vertical().show(ui, |ui| match &self.state.decoded {
                None => {
                    ui.label("Paste a token above to decode it.");
                }
                Some(Err(e)) => {
                    ui.colored_label(ui.visuals().error_fg_color, e.to_string());
                }
                Some(Ok(t)) => decoded_view(ui, t),
            });
        });
        for action in actions {
            self.state.handle(action);
        }
    }
}

fn decoded_view(ui: &mut egui::Ui, t: &Token) {
    ui.strong("Header");
    ui.monospace(serde_json::to_string_pretty(t.header()).unwrap_or_default());
    if let Some(claims) = t.claims() {
        ui.strong("Claims");
        ui.monospace(serde_json::to_string_pretty(claims).unwrap_or_default());
        let now = system_now();
        for name in ["exp", "nbf", "iat"] {
            if let Ok(Some(v)) = token::numeric_date(claims, name) {
                ui.label(format!("{name}: {} ({})", format_utc(v), format_relative(v, now)));
            }
        }
    } else if let Some(note) = t.payload_note() {
        ui.strong("Payload");
        ui.label(note);
    }
    if let Some(sig) = t.signatures.first() {
        ui.strong(format!("Signature ({} bytes)", sig.signature.len()));
        ui.monospace(&sig.signature_b64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_token_decodes_and_clear_resets() {
        let mut s = AppState::default();
        s.handle(Action::SetToken("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA".into()));
        assert!(matches!(&s.decoded, Some(Ok(t)) if t.claims().unwrap()["sub"] == "x"));
        s.handle(Action::SetToken("not.a".into()));
        assert!(matches!(s.decoded, Some(Err(_))));
        s.handle(Action::Clear);
        assert!(s.decoded.is_none() && s.input.is_empty());
    }
}
