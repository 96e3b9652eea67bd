//! The Security tab's Forge view: each attack built from the current token, what a vulnerable
//! verifier does with it, this workbench's verdict in the verdict panel's words, and the defence.

use egui::{RichText, Ui};

use super::cmd;
use crate::core::engine::forge::{self, Attack};
use crate::core::labs::security::lab::{ForgeView, SecurityCommand};
use crate::ui::state::{AppState, Command};
use crate::ui::theme::verdict_colour;
use crate::ui::widgets::prose;

pub(super) fn forge_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.security;
    ui.label(RichText::new("Attack forgeries").strong());
    ui.label("Each attack is built from the current token. The forged token is then judged by this workbench's verifier with your loaded keys and policy, beside what a vulnerable verifier would do.");
    ui.horizontal(|ui| {
        let label = ui.label("Claim changes");
        let mut text = lab.claim_changes.clone();
        if ui
            .add(egui::TextEdit::singleline(&mut text).hint_text("sub=admin, admin=true").desired_width(f32::INFINITY))
            .labelled_by(label.id)
            .on_hover_text("CLAIM=VALUE, comma-separated; VALUE as JSON when it parses, else a string")
            .changed()
        {
            out.push(cmd(SecurityCommand::SetClaimChanges(text)));
        }
    });
    ui.horizontal_wrapped(|ui| {
        for a in Attack::ALL {
            let open = lab.forged.as_ref().is_some_and(|(x, _)| *x == a);
            if ui.selectable_label(open, a.title()).clicked() {
                out.push(cmd(SecurityCommand::OpenAttack(a)));
            }
        }
    });
    let Some((attack, view)) = &lab.forged else {
        ui.label("Pick an attack.");
        return;
    };
    ui.separator();
    ui.label(RichText::new(attack.title()).heading());
    ui.label(attack.how());
    match view {
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        Ok(v) => forge_view(ui, *attack, v, state, out),
    }
}

fn forge_view(ui: &mut Ui, attack: Attack, v: &ForgeView, state: &AppState, out: &mut Vec<Command>) {
    let dark = ui.visuals().dark_mode;
    if let Some(k) = &v.key_used {
        ui.label(format!("HMAC secret used: {k}."));
    }
    ui.add(egui::Label::new(RichText::new(&v.forged.token).monospace().small()).wrap());
    ui.horizontal_wrapped(|ui| {
        if ui.small_button("Copy forged token").clicked() {
            out.push(Command::Copy(v.forged.token.clone()));
        }
        if ui.small_button("Open it in Decode").on_hover_text("Replaces the current token").clicked() {
            out.push(Command::SetToken(v.forged.token.clone()));
            out.push(Command::SelectTab(crate::ui::state::Tab::Decode));
        }
    });
    ui.label(
        RichText::new(format!("Header: {}", serde_json::Value::Object(v.forged.header.clone()))).monospace().small(),
    );
    if let Some(jwks) = &v.forged.attacker_jwks {
        ui.label(RichText::new(format!("The attacker serves at {}: {jwks}", forge::ATTACKER_JKU)).monospace().small());
    }
    ui.add_space(4.0);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new("A vulnerable verifier").strong().color(verdict_colour(Some(false), dark)));
        ui.label(attack.vulnerable());
    });
    let ver = &v.verification;
    let rejected = !ver.valid;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        let verdict = if rejected { "This workbench: REJECTED" } else { "This workbench: ACCEPTED" };
        ui.label(RichText::new(verdict).strong().color(verdict_colour(Some(rejected), dark)));
        // The same words as the verdict panel would give this token.
        let (title, detail) = (ver.title(), ver.detail());
        ui.label(RichText::new(title).strong());
        prose(ui, &detail, None);
        for w in &ver.warnings {
            ui.label(RichText::new(format!("warning: {w}")).small());
        }
        if state.keys.is_empty() {
            ui.label(
                RichText::new("No key is loaded: load the original token's key to see the real verdict.").italics(),
            );
        }
        ui.label(RichText::new(format!("Why: {}", attack.why_rejected())).strong());
    });
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new("Defence").strong());
        ui.label(attack.defence());
        ui.label(RichText::new(attack.reference()).weak().small());
    });
}
