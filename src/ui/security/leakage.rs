//! The Security tab's Leaks view: the current token (or a sample) sent in a URL's query, the
//! access log line and the `Referer` header built from it, what a copy read from them can still
//! do at the lab clock, and each defence with the outcome it gives; every figure from
//! [`crate::core::labs::security::leakage`], as `tokenbench simulate leakage` prints it.

use egui::{RichText, Ui};

use super::{cmd, frame_token};
use crate::core::labs::security::lab::SecurityCommand;
use crate::core::labs::security::leakage::{self, CopyStatus, LeakDefence, LeakSettings, ReferrerPolicy};
use crate::ui::state::{AppState, Command};
use crate::ui::theme::verdict_colour;

/// The caption under the view's title.
pub(super) const CAPTION: &str = "A token in a URL is written wherever URLs go: the server's access log and the \
                                  Referer sent to other sites. Switch the defences and watch what a copy can still do.";

pub(super) fn leakage_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let s = state.security.leak;
    ui.label(RichText::new("Leaks via logs and URLs").strong());
    ui.label(CAPTION);
    // From the lesson to the tool: the same leak, looked for in the user's own logs.
    if ui.link("Scan your logs for tokens: Leaks tab").clicked() {
        out.push(Command::SelectTab(crate::ui::state::Tab::Leaks));
    }
    controls(ui, s, out);
    let token = frame_token(state).ok();
    let leak = match leakage::leakage(token.as_deref(), state.clock.now(), &s) {
        Ok(l) => l,
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
            return;
        }
    };
    ui.label(RichText::new(&leak.token_source).weak());
    ui.separator();
    let dark = ui.visuals().dark_mode;
    let line = |ui: &mut Ui, title: &str, text: Option<&str>, has_token: Option<bool>| {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(title).strong());
            if let Some(has) = has_token {
                let tag = if has { "holds the token" } else { "without the token" };
                ui.label(RichText::new(tag).strong().color(verdict_colour(Some(!has), dark)));
            }
        });
        match text {
            Some(t) => ui.add(egui::Label::new(RichText::new(leak.shown(t)).monospace()).wrap()),
            None => ui.label(RichText::new("(none: the policy sends no Referer)").weak()),
        };
        ui.add_space(4.0);
    };
    line(ui, "The request", Some(&leak.request_line), None);
    if let Some(a) = &leak.authorization {
        line(ui, "Its header (not logged)", Some(a), None);
    }
    line(ui, "app.example's access log", Some(&leak.access_log), Some(leak.log_has_token));
    line(ui, "Referer sent to analytics.example", leak.referer.as_deref(), Some(leak.referer_has_token));
    line(ui, "analytics.example's access log", Some(&leak.third_party_log), Some(leak.referer_has_token));
    ui.separator();
    ui.label(RichText::new("What a copy can still do").strong());
    ui.colored_label(verdict_colour(Some(refused(leak.copy.status)), dark), RichText::new(&leak.copy.text).strong());
    ui.add_space(6.0);
    ui.label(RichText::new("Each defence, switched the other way").strong());
    for d in &leak.defences {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(if d.on { "on" } else { "off" }).monospace().strong());
            ui.label(&d.label);
        });
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(if d.on { "Off:" } else { "On:" }).weak());
            ui.colored_label(verdict_colour(Some(refused(d.if_switched.status)), dark), &d.if_switched.text);
        });
    }
}

/// True when no copy works (the good outcome).
fn refused(status: CopyStatus) -> bool {
    matches!(status, CopyStatus::NothingLeaked | CopyStatus::Expired | CopyStatus::NotYetValid | CopyStatus::Revoked)
}

fn controls(ui: &mut Ui, s: LeakSettings, out: &mut Vec<Command>) {
    let mut next = s;
    let mut header = s.in_header;
    if ui.checkbox(&mut header, LeakDefence::Header.label()).changed() {
        next.in_header = header;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Referrer-Policy:");
        for p in ReferrerPolicy::ALL {
            if ui.radio(s.referrer_policy == p, p.name()).clicked() {
                next.referrer_policy = p;
            }
        }
    });
    let mut short = s.short_lifetime;
    if ui.checkbox(&mut short, LeakDefence::ShortLifetime.label()).changed() {
        next.short_lifetime = short;
    }
    let mut check = s.revocation_check;
    if ui.checkbox(&mut check, LeakDefence::RevocationCheck.label()).changed() {
        next.revocation_check = check;
    }
    ui.horizontal_wrapped(|ui| {
        let mut minutes = s.read_after as f64 / 60.0;
        let l = ui.label("Someone reads the log and replays the copy after (min)");
        let max = leakage::MAX_READ_AFTER as f64 / 60.0;
        if ui.add(egui::DragValue::new(&mut minutes).range(0.0..=max).speed(1.0)).labelled_by(l.id).changed() {
            #[allow(clippy::cast_possible_truncation)]
            let seconds = (minutes * 60.0).round() as i64;
            next.read_after = seconds;
        }
        ui.label(
            RichText::new(format!(
                "(the victim logs out {} after the request)",
                crate::core::engine::audit::human_duration(leakage::LOGOUT_AFTER as f64)
            ))
            .weak(),
        );
    });
    if next != s {
        out.push(cmd(SecurityCommand::SetLeakSettings(next)));
    }
}
