//! The Security tab's Audit view: the one judgment's findings on the current token (the same as
//! `tokenbench audit`), and the audit of a pasted `Set-Cookie` header.

use egui::{Color32, RichText, Ui};

use super::cmd;
use crate::core::engine::audit::{self, Finding, Severity, human_duration};
use crate::core::labs::security::lab::SecurityCommand;
use crate::core::text::count;
use crate::ui::state::{AppState, Command};
use crate::ui::theme::verdict_colour;
use crate::ui::widgets::prose;

pub(super) fn severity_colour(s: Severity, dark: bool) -> Color32 {
    match s {
        Severity::High => verdict_colour(Some(false), dark),
        Severity::Medium => verdict_colour(None, dark),
        Severity::Low => {
            if dark {
                Color32::from_rgb(0x4f, 0xc3, 0xf7)
            } else {
                Color32::from_rgb(0x00, 0x6f, 0xa8)
            }
        }
        // The theme's weak text: Color32::GRAY was 2.46:1 on the light panel.
        Severity::Info => crate::ui::theme::visuals(dark).weak_text_color(),
    }
}

fn findings_list(ui: &mut Ui, findings: &[Finding]) {
    let dark = ui.visuals().dark_mode;
    if findings.is_empty() {
        ui.colored_label(verdict_colour(Some(true), dark), "No findings.");
    }
    for f in findings {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(f.severity.name().to_uppercase()).strong().color(severity_colour(f.severity, dark)));
            ui.label(RichText::new(f.id).monospace().strong());
            prose(ui, &f.message, None);
            ui.label(RichText::new(f.reference).weak().small());
        });
    }
}

/// The one-click key for a secret the crack recovered (the finding itself is the judgment's).
pub(super) fn add_found_secret_button(ui: &mut Ui, out: &mut Vec<Command>) {
    if ui.button("Add as a key").on_hover_text("Add the recovered secret to the key list").clicked() {
        out.push(cmd(SecurityCommand::AddFoundSecret));
    }
}

pub(super) fn audit_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.security;
    ui.label(RichText::new("Token audit").strong());
    ui.label("Checks the token in the Decode tab (or a URL carrying one) and the loaded keys: unsigned or weakly keyed tokens, lifetimes, headers a naive verifier would follow, injection in kid, personal data in claims.");
    // The audit follows the token: a new token is judged as soon as this view shows it.
    let outdated = lab.audit.as_ref().is_none_or(|(text, _)| *text != state.input);
    if outdated && !state.input.trim().is_empty() {
        out.push(cmd(SecurityCommand::RunAudit));
    }
    if ui.button("Run the audit").on_hover_text("Again, e.g. after loading keys or moving the clock").clicked() {
        out.push(cmd(SecurityCommand::RunAudit));
    }
    match &lab.audit {
        None => {
            ui.label("Paste a token on the Decode tab (or a URL carrying one) to audit it.");
        }
        Some((_, Err(e))) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        Some((_, Ok(findings))) => {
            let (verdict, exit) = if audit::any_failing(findings) {
                ("High or medium findings: ", "1")
            } else {
                ("Nothing high or medium: ", "0")
            };
            ui.horizontal_wrapped(|ui| {
                ui.spacing_mut().item_spacing.x = 0.0;
                ui.label(RichText::new(verdict).strong());
                ui.label(RichText::new("tokenbench audit").code());
                ui.label(RichText::new(format!(" would exit {exit}")).strong());
            });
            findings_list(ui, findings);
        }
    }
    if lab.found_secret().is_some() {
        add_found_secret_button(ui, out);
    }
    ui.add_space(8.0);
    ui.separator();
    cookie_audit_ui(ui, state, out);
}

fn cookie_audit_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.security;
    ui.label(RichText::new("Session cookie audit").strong());
    ui.label("Paste a Set-Cookie header: its flags, lifetime and the session id's entropy.");
    let mut text = lab.cookie_text.clone();
    let label = ui.label("Set-Cookie header");
    if ui
        .add(egui::TextEdit::singleline(&mut text).desired_width(f32::INFINITY).code_editor())
        .labelled_by(label.id)
        .changed()
    {
        out.push(cmd(SecurityCommand::SetCookieText(text)));
    }
    if ui.button("Audit the cookie").clicked() {
        out.push(cmd(SecurityCommand::AuditCookie));
    }
    match &lab.cookie_audit {
        None => {}
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        Some(Ok((cookie, findings))) => {
            ui.label(format!(
                "{:?}: HttpOnly {}, Secure {}, SameSite {:?}, kept for {}; value of {}, about {:.0} bits",
                cookie.name,
                yes_no(cookie.http_only),
                yes_no(cookie.secure),
                cookie.same_site,
                cookie.lifetime(state.clock.now()).map_or_else(|| "the browser session".into(), human_duration),
                count(cookie.value.chars().count(), "character", "characters"),
                audit::estimated_entropy_bits(&cookie.value)
            ));
            findings_list(ui, findings);
        }
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
