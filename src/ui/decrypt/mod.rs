//! The Decode tab's "Decrypt" section for a JWE: a button per loaded key that fits ("Decrypt
//! with key #N"), a password field for a PBES2 recipient, then who opened it, the warnings and
//! the plaintext. A nested JWS is drawn below it in the usual sections by the Decode panel, and
//! judged in the Verify panel. What fits and what decryption gave come from the state; this view
//! only draws them and emits commands.

use egui::{RichText, Ui};

use crate::core::engine::clock::UnixSeconds;
use crate::core::engine::jwe::inner::{self, Inner, Opened};
use crate::core::engine::token::encode_b64url;
use crate::core::text;
use crate::ui::state::{AppState, Command, DecryptCommand};
use crate::ui::theme::palette;
use crate::ui::widgets::{Vocabulary, copy_button, json_tree};

/// Plaintext shown in the window is cut here (copy gives all of it).
const SHOWN_CHARS: usize = 10_000;

/// Draws the section. `password` is the panel's password field (memory only, emptied when used).
pub fn section_ui(ui: &mut Ui, state: &AppState, password: &mut String, now: UnixSeconds, out: &mut Vec<Command>) {
    let d = &state.decryption;
    let p = palette(ui.visuals().dark_mode);
    if let Some((opened, opener)) = &d.opened {
        opened_ui(ui, state, opened, opener, now, out);
        return;
    }
    match &d.fitting {
        Some(Ok(fit)) => {
            if fit.keys.is_empty() && !fit.password {
                ui.label(format!(
                    "No loaded key fits: {}. Load the recipient's private key (or the AES key) in the Keys panel.",
                    text::visible(&fit.needs)
                ));
            }
            ui.horizontal_wrapped(|ui| {
                for &i in &fit.keys {
                    let Some(key) = state.keys.keys().get(i) else { continue };
                    let words = format!("{}\nfits {}", inner::key_words(i, key), fit.recipients_of(i));
                    let label = format!("Decrypt with key #{}", i + 1);
                    if ui.add_enabled(d.busy.is_none(), egui::Button::new(label)).on_hover_text(&words).clicked() {
                        out.push(Command::Decrypt(DecryptCommand::WithKey(i)));
                    }
                }
            });
            if fit.password {
                ui.horizontal_wrapped(|ui| {
                    let label = ui.label("Password (PBES2):");
                    let field = ui
                        .add(
                            egui::TextEdit::singleline(password)
                                .password(true)
                                .desired_width(180.0)
                                .hint_text("kept in memory only"),
                        )
                        .labelled_by(label.id);
                    let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    let click = ui.add_enabled(d.busy.is_none(), egui::Button::new("Decrypt with the password"));
                    if (click.clicked() || enter) && d.busy.is_none() {
                        out.push(Command::Decrypt(DecryptCommand::WithPassword(std::mem::take(password))));
                    }
                });
            }
        }
        Some(Err(e)) => {
            ui.label(RichText::new(format!("It cannot be decrypted: {}", text::visible(&e.to_string()))).color(p.bad));
        }
        None => {}
    }
    if let Some(who) = &d.busy {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!("Decrypting with {who}…"));
        });
    }
    if let Some(e) = &d.error {
        ui.label(RichText::new(format!("Not decrypted: {}", text::visible(e))).color(p.bad));
    }
}

/// What decryption gave: who opened it, warnings, the plaintext.
fn opened_ui(
    ui: &mut Ui,
    state: &AppState,
    opened: &Opened,
    who_opened: &str,
    now: UnixSeconds,
    out: &mut Vec<Command>,
) {
    let d = &state.decryption;
    let p = palette(ui.visuals().dark_mode);
    let several = d.fitting.as_ref().is_some_and(|f| f.as_ref().is_ok_and(|f| f.recipients.len() > 1));
    let whose = if several { format!(", for recipient #{}", opened.decrypted.recipient + 1) } else { String::new() };
    ui.label(RichText::new(format!("Decrypted with {who_opened}{whose}")).strong().color(p.good));
    if several {
        // The Header section shows recipient #1's; this one's is what applied.
        egui::CollapsingHeader::new(format!("Header that applied (recipient #{})", opened.decrypted.recipient + 1))
            .id_salt("applied-header")
            .show(ui, |ui| json_tree(ui, "applied-header", &opened.decrypted.header, Vocabulary::Header, now, out));
    }
    for layer in &opened.layers {
        let who = state
            .keys
            .keys()
            .get(layer.key_index)
            .map_or_else(|| "the password".to_owned(), |_| format!("key #{}", layer.key_index + 1));
        let alg = layer.header.get("alg").and_then(serde_json::Value::as_str).unwrap_or("?");
        ui.label(format!("Its plaintext was a JWE too ({alg}): opened with {who}"));
    }
    if let Some(why) = opened.unverified(state.policy.issuer.is_some() || !state.policy.audience.is_empty()) {
        ui.label(RichText::new(format!("Not verified: {}", text::visible(&why))).color(p.warn));
    }
    for w in &opened.warnings {
        ui.label(RichText::new(format!("Warning: {}", text::visible(w))).color(ui.visuals().warn_fg_color));
    }
    let plaintext = &opened.decrypted.plaintext;
    let what = match &opened.inner {
        Inner::Jws(_) => "a nested JWT: its parts are below, its verdict in the Verify panel",
        Inner::Jwe(_) => "another JWE: open it to decrypt it with its own key",
        Inner::Json(_) => "a JSON object",
        Inner::Text(_) => "text",
        Inner::Binary => "bytes, shown as base64url",
    };
    ui.label(format!("Plaintext ({} bytes): {what}", plaintext.len()));
    ui.horizontal_wrapped(|ui| {
        let as_text = match &opened.inner {
            Inner::Binary => encode_b64url(plaintext),
            _ => String::from_utf8_lossy(plaintext).into_owned(),
        };
        copy_button(ui, "Copy plaintext", &as_text, out);
        if let Inner::Jws(t) | Inner::Jwe(t) = &opened.inner
            && ui.button("Open it on its own").on_hover_text("Load the inner token in Decode").clicked()
        {
            out.push(Command::SetToken(t.text.clone()));
        }
        if ui.button("Forget the plaintext").on_hover_text("Drop it from memory; decrypt again to see it").clicked() {
            out.push(Command::Decrypt(DecryptCommand::Forget));
        }
    });
    match &opened.inner {
        Inner::Json(object) => json_tree(ui, "plaintext", object, Vocabulary::Claims, now, out),
        Inner::Binary => shown(ui, &encode_b64url(plaintext)),
        Inner::Jws(t) | Inner::Jwe(t) => shown(ui, &t.text),
        Inner::Text(s) => shown(ui, s),
    }
}

/// Attacker-controlled text, escaped and cut.
fn shown(ui: &mut Ui, s: &str) {
    let cut: String = s.chars().take(SHOWN_CHARS).collect();
    crate::ui::widgets::long_text(ui, &text::visible_lines(&cut));
    let total = s.chars().count();
    if total > SHOWN_CHARS {
        ui.label(format!("… {} more characters; copy the plaintext for all of it.", total - SHOWN_CHARS));
    }
}

#[cfg(test)]
mod tests;
