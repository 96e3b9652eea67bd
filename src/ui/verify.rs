//! The verdict: a banner that cannot be misread, each key tried and why, each check with its
//! reason and RFC section, warnings; and the policy editor.

use egui::{RichText, Ui};

use crate::core::verify::{Outcome, Policy, SUPPORTED_ALGORITHMS, SignatureVerdict, Verification};
use crate::ui::state::{AppState, Command};
use crate::ui::theme::{check_mark, signature_good, verdict_colour};

/// The banner's headline for a verification.
#[must_use]
pub fn headline(v: &Verification) -> &'static str {
    match v.signature {
        _ if v.valid => "VALID",
        SignatureVerdict::Valid => "INVALID: claims",
        SignatureVerdict::Invalid => "INVALID SIGNATURE",
        SignatureVerdict::NoMatchingKey => "NO MATCHING KEY",
        SignatureVerdict::UnsupportedAlgorithm => "UNSUPPORTED ALGORITHM",
        SignatureVerdict::AlgNone => "NEVER VALID: alg none",
        SignatureVerdict::Malformed => "INVALID HEADER",
        SignatureVerdict::RefusedByPolicy => "REFUSED BY POLICY",
        SignatureVerdict::Encrypted => "ENCRYPTED (JWE)",
    }
}

/// Draws the verdict and the policy editor.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    ui.heading("Verify");
    let dark = ui.visuals().dark_mode;
    match &state.verification {
        None => {
            ui.label("Decode a token to see whether it verifies.");
        }
        Some(v) => verdict(ui, v, state, dark),
    }
    ui.separator();
    policy_editor(ui, &state.policy, out);
}

fn verdict(ui: &mut Ui, v: &Verification, state: &AppState, dark: bool) {
    let good = if v.valid { Some(true) } else { signature_good(v.signature).and(Some(false)).or(Some(false)) };
    let good = if v.signature == SignatureVerdict::NoMatchingKey || v.signature == SignatureVerdict::Encrypted {
        None
    } else {
        good
    };
    egui::Frame::new().fill(verdict_colour(good, dark)).inner_margin(10.0).corner_radius(6.0).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(headline(v)).size(22.0).strong().color(egui::Color32::WHITE));
        ui.label(RichText::new(v.summary()).color(egui::Color32::WHITE));
    });
    egui::ScrollArea::vertical().id_salt("verdict").max_height(ui.available_height() * 0.6).show(ui, |ui| {
        ui.label(RichText::new("Keys").strong());
        if v.attempts.is_empty() {
            ui.label(if state.keys.is_empty() { "No key loaded." } else { "Not tried." });
        }
        for a in &v.attempts {
            let (mark, good) = match a.outcome {
                Outcome::Verified => ("verified", Some(true)),
                Outcome::WrongSignature => ("no match", Some(false)),
                Outcome::Skipped => ("skipped", None),
                Outcome::Rejected => ("rejected", Some(false)),
            };
            let key = &state.keys.keys()[a.index];
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(mark).color(verdict_colour(good, dark)).strong());
                ui.label(format!("#{} {} ({}): {}", a.index + 1, key.label(), key.material.describe(), a.reason));
            });
        }
        ui.add_space(4.0);
        ui.label(RichText::new(format!("Checks (leeway {} s)", v.leeway)).strong());
        for c in &v.checks {
            let (mark, good) = check_mark(c.status);
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(mark).color(verdict_colour(good, dark)).strong());
                ui.label(format!("{}: {}", c.name, c.reason)).on_hover_text(c.rfc);
            });
        }
        if !v.warnings.is_empty() {
            ui.add_space(4.0);
            ui.label(RichText::new("Warnings").strong());
            for w in &v.warnings {
                ui.label(RichText::new(format!("Warning: {w}")).color(verdict_colour(None, dark)));
            }
        }
    });
}

/// A labelled text field for an optional policy value; returns whether it changed.
fn text_option(ui: &mut Ui, label: &str, value: &mut Option<String>, hint: &str) -> bool {
    let mut text = value.clone().unwrap_or_default();
    let changed = ui
        .horizontal(|ui| {
            let label = ui.label(label);
            ui.add(egui::TextEdit::singleline(&mut text).hint_text(hint).desired_width(170.0))
                .labelled_by(label.id)
                .changed()
        })
        .inner;
    if changed {
        *value = (!text.trim().is_empty()).then(|| text.trim().to_owned());
    }
    changed
}

fn policy_editor(ui: &mut Ui, policy: &Policy, out: &mut Vec<Command>) {
    egui::CollapsingHeader::new(RichText::new("Policy").strong()).id_salt("policy").default_open(false).show(
        ui,
        |ui| {
            let mut p = policy.clone();
            let mut changed = false;
            changed |= text_option(ui, "Issuer", &mut p.issuer, "expected iss (not checked when empty)");
            changed |= text_option(ui, "Audience", &mut p.audience, "expected aud (not checked when empty)");
            changed |= text_option(ui, "typ", &mut p.typ, "e.g. JWT or at+jwt");
            let mut required = p.required_claims.join(", ");
            ui.horizontal(|ui| {
                ui.label("Required");
                if ui
                    .add(egui::TextEdit::singleline(&mut required).hint_text("exp, sub").desired_width(170.0))
                    .changed()
                {
                    p.required_claims =
                        required.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
                    changed = true;
                }
            });
            ui.horizontal(|ui| {
                ui.label("Leeway (s)");
                changed |= ui
                    .add(egui::DragValue::new(&mut p.leeway).range(0..=86_400))
                    .on_hover_text("Leeway in seconds")
                    .changed();
            });
            ui.horizontal(|ui| {
                let mut limit = p.max_lifetime.is_some();
                if ui.checkbox(&mut limit, "Max lifetime (s)").changed() {
                    p.max_lifetime = limit.then_some(3600);
                    changed = true;
                }
                if let Some(max) = &mut p.max_lifetime {
                    changed |= ui
                        .add(egui::DragValue::new(max).range(1..=31_536_000))
                        .on_hover_text("Maximum lifetime in seconds")
                        .changed();
                }
            });
            changed |= ui.checkbox(&mut p.allow_json_serialization, "Accept JWS JSON serialization").changed();
            ui.label("Allowed algorithms (none ticked: all)");
            ui.horizontal_wrapped(|ui| {
                for alg in SUPPORTED_ALGORITHMS {
                    let mut on = p.algorithms.iter().any(|a| a == alg);
                    if ui.checkbox(&mut on, alg).changed() {
                        if on {
                            p.algorithms.push(alg.to_owned());
                        } else {
                            p.algorithms.retain(|a| a != alg);
                        }
                        changed = true;
                    }
                }
            });
            if ui.button("Reset policy").clicked() {
                p = Policy::default();
                changed = true;
            }
            if changed {
                out.push(Command::SetPolicy(p));
            }
        },
    );
}
