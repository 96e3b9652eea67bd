//! Encode and re-sign: header and claims JSON with validation, time buttons, algorithm and key,
//! the resulting token with copy and "decode it".

use egui::{RichText, Ui};

use crate::core::verify::SUPPORTED_ALGORITHMS;
use crate::ui::state::{AppState, Command};
use crate::ui::widgets::copy_button;

const OFFSETS: [(&str, i64); 5] = [("now", 0), ("+5 min", 300), ("+15 min", 900), ("+1 h", 3600), ("+1 day", 86_400)];

/// Draws the signing editor.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let s = &state.sign;
    ui.heading("Sign");
    ui.label("Edit the header and claims, pick an algorithm and a key, and sign. \"Edit this token\" on the Decode tab fills these in, claim order kept.");
    json_editor(ui, "Header", &s.header_text, s.header().err(), out, Command::SetSignHeader);
    json_editor(ui, "Claims", &s.claims_text, s.claims().err(), out, Command::SetSignClaims);
    for claim in ["iat", "nbf", "exp"] {
        ui.horizontal(|ui| {
            ui.label(RichText::new(claim).monospace().strong());
            for (label, offset) in OFFSETS {
                if ui
                    .small_button(format!("{claim} {label}"))
                    .on_hover_text(format!("Set {claim} to the simulated clock {label}"))
                    .clicked()
                {
                    out.push(Command::SetTimeClaim { claim, offset });
                }
            }
        });
    }
    ui.horizontal(|ui| {
        egui::ComboBox::new("sign-alg", "Algorithm").selected_text(&s.alg).show_ui(ui, |ui| {
            for alg in SUPPORTED_ALGORITHMS {
                if ui.selectable_label(s.alg == alg, alg).clicked() {
                    out.push(Command::SetSignAlg(alg.to_owned()));
                }
            }
        });
        let current = s
            .key
            .and_then(|i| state.keys.keys().get(i))
            .map_or_else(|| "choose…".to_owned(), crate::core::keys::Key::label);
        egui::ComboBox::new("sign-key", "Signing key").selected_text(current).show_ui(ui, |ui| {
            for (i, key) in state.keys.keys().iter().enumerate() {
                let usable = key.material.algorithms().contains(&s.alg.as_str()) && key.is_secret();
                let text = format!("#{} {} ({})", i + 1, key.label(), key.material.describe());
                if ui.add_enabled(usable, egui::Button::selectable(s.key == Some(i), text)).clicked() {
                    out.push(Command::SetSignKey(Some(i)));
                }
            }
        });
    });
    if ui.button(RichText::new("Sign token").strong()).clicked() {
        out.push(Command::Sign);
    }
    match &s.output {
        None => {}
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        Some(Ok(token)) => {
            ui.add(egui::Label::new(RichText::new(token).monospace()).wrap());
            ui.horizontal(|ui| {
                copy_button(ui, "Copy token", token, out);
                if ui.button("Save token…").clicked() {
                    out.push(Command::SaveSigned);
                }
                if ui.button("Decode and verify it").clicked() {
                    out.push(Command::UseSignedToken);
                }
            });
        }
    }
}

fn json_editor(
    ui: &mut Ui,
    title: &str,
    text: &str,
    error: Option<String>,
    out: &mut Vec<Command>,
    make: fn(String) -> Command,
) {
    let label = ui.label(RichText::new(format!("{title} JSON")).strong());
    let mut buf = text.to_owned();
    let response = ui
        .add(egui::TextEdit::multiline(&mut buf).code_editor().desired_rows(5).desired_width(f32::INFINITY))
        .labelled_by(label.id);
    if response.changed() {
        out.push(make(buf));
    }
    if let Some(e) = error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
}
