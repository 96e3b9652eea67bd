//! The lab's table (each strategy at the clock's time) and what each strategy trades.

use egui::{RichText, Ui};

use super::RevocationLab;
use crate::core::clock::{UnixSeconds, format_utc};
use crate::core::revoke::{Holder, Outcome, Seconds, Status, duration_text};
use crate::ui::theme::verdict_colour;

/// Width of a status cell: long reasons wrap instead of widening the table past a small window.
const STATUS_WIDTH: f32 = 170.0;

fn status_label(ui: &mut Ui, status: &Status, dark: bool) {
    let word = if status.accepted { "accepted" } else { "refused" };
    let text = RichText::new(format!("{word}: {}", status.reason)).color(verdict_colour(Some(status.accepted), dark));
    ui.add(egui::Label::new(text).wrap());
}

/// An instant in the table: the time of day when it falls on the login's date, else the date too.
pub(super) fn table_time(t: Seconds, login: Seconds) -> String {
    #[allow(clippy::cast_precision_loss)]
    let (full, day) = (format_utc(t as f64), format_utc(login as f64));
    if full.get(..10) == day.get(..10) {
        full.get(11..19).unwrap_or(&full).to_owned()
    } else {
        full.replace(" UTC", "")
    }
}

/// A holder's status at `now`, naming the access token for jwt-refresh.
fn status_of(o: &Outcome, now: UnixSeconds, holder: Holder) -> Status {
    let mut status = if holder == Holder::User { o.user_status(now) } else { o.subject_status(now) };
    if status.accepted
        && let Some(tok) = o.access_token_at(now, holder)
    {
        let whose = if holder == Holder::User { "" } else { "attacker's " };
        status.reason = format!("{whose}access token #{} (exp {})", tok.number, table_time(tok.exp, o.login_at));
    }
    status
}

pub(super) fn table(ui: &mut Ui, lab: &RevocationLab, now: UnixSeconds) {
    let dark = ui.visuals().dark_mode;
    let sim = lab.simulation();
    let subject = sim.scenario.event.kind.subject();
    egui::ScrollArea::horizontal().id_salt("revocation-table-scroll").show(ui, |ui| {
        let grid = egui::Grid::new("revocation-table").striped(true).num_columns(8).spacing([10.0, 4.0]);
        grid.max_col_width(STATUS_WIDTH).show(ui, |ui| {
            for title in [
                "Strategy",
                "User now",
                &format!("{subject} now"),
                "Accepted\nuntil",
                "Exposure",
                "Records\nnow",
                "Lookups/\nrequest",
                "Max\nrecords",
            ] {
                ui.label(RichText::new(title).strong());
            }
            ui.end_row();
            for o in &sim.outcomes {
                ui.label(RichText::new(o.strategy.name()).monospace().strong()).on_hover_text(o.strategy.caption());
                status_label(ui, &status_of(o, now, Holder::User), dark);
                status_label(ui, &status_of(o, now, Holder::Other), dark);
                ui.label(table_time(o.accepted_until, o.login_at)).on_hover_text(format!(
                    "{} ({}), {} after the login",
                    format_utc(o.accepted_until as f64),
                    o.accepted_until,
                    duration_text(o.accepted_until - o.login_at)
                ));
                let exposure = RichText::new(duration_text(o.exposure_seconds));
                let exposure = if o.exposure_seconds > 0 {
                    exposure.color(verdict_colour(Some(false), dark)).strong()
                } else {
                    exposure
                };
                ui.label(exposure).on_hover_text(format!("{} s", o.exposure_seconds));
                let records = o.records_at(now);
                let bytes = o.bytes_at(now);
                let record_text = if records == 0 { "0".to_owned() } else { format!("{records} ({bytes} B)") };
                let hover = o.record.as_ref().map_or_else(
                    || "Nothing is stored".to_owned(),
                    |r| format!("One record: {} = {} ({} B)", r.key, r.value, r.bytes()),
                );
                ui.label(record_text).on_hover_text(hover);
                ui.label(o.lookups_per_request.to_string());
                ui.label(o.server_state_entries.to_string());
                ui.end_row();
            }
        });
    });
}

pub(super) fn trades(ui: &mut Ui, lab: &RevocationLab) {
    ui.label(RichText::new("What each strategy trades, and what it did here").strong());
    for o in &lab.simulation().outcomes {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("{}:", o.strategy.name())).monospace().strong());
            ui.label(o.strategy.caption());
            ui.weak(&o.summary);
        });
    }
}
