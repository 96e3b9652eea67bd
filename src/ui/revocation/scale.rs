//! The lab's at-scale view: the population's inputs, the steady state per strategy, and server
//! state against token-ttl.

use crate::core::text::exact_duration;
use crate::core::text::human_bytes;
use crate::core::text::short_count;
use egui::{RichText, Ui};
use egui_plot::{GridMark, Line, LineStyle, Plot, VLine};

use super::lab_cmd;
use crate::core::labs::revocation::{MAX_REQUESTS_PER_SECOND, MAX_REVOCATIONS_PER_DAY, MAX_SCALE_USERS};
use crate::core::labs::revocation::{RevocationCommand, RevocationLab, ScaleMeasure};
use crate::ui::state::Command;

pub(super) fn at_scale_ui(ui: &mut Ui, lab: &RevocationLab, out: &mut Vec<Command>) {
    let s = lab.scenario();
    let inputs = s.scale.unwrap_or_default();
    ui.horizontal_wrapped(|ui| {
        let mut next = inputs;
        let mut changed = false;
        ui.label("users");
        changed |= ui
            .add(egui::DragValue::new(&mut next.users).range(1..=MAX_SCALE_USERS).speed(1000.0))
            .on_hover_text("Registered users")
            .changed();
        ui.label("signed in");
        changed |= ui
            .add(egui::DragValue::new(&mut next.active_users).range(0..=next.users).speed(100.0))
            .on_hover_text("Users signed in at any moment")
            .changed();
        ui.label("requests/s");
        changed |= ui
            .add(egui::DragValue::new(&mut next.requests_per_second).range(0.0..=MAX_REQUESTS_PER_SECOND).speed(10.0))
            .on_hover_text("Authenticated requests per second")
            .changed();
        ui.label("revocations/day");
        changed |= ui
            .add(egui::DragValue::new(&mut next.revocations_per_day).range(0.0..=MAX_REVOCATIONS_PER_DAY).speed(100.0))
            .on_hover_text("Logouts, password changes, suspensions per day")
            .changed();
        if changed {
            next.active_users = next.active_users.min(next.users);
            out.push(lab_cmd(RevocationCommand::SetScale(next)));
        }
    });
    ui.weak(format!(
        "Steady state for token-ttl {} and access-ttl {}: sessions and refresh families = signed-in users, denylist = \
         revocations x token-ttl (each entry kept until its token's exp), version counters = users.",
        exact_duration(s.token_ttl),
        exact_duration(s.access_ttl)
    ));
    egui::Grid::new("scale-table").striped(true).num_columns(5).spacing([14.0, 4.0]).show(ui, |ui| {
        for title in ["Strategy ", "Records", "Bytes", "Lookups/s", "Grows with"] {
            ui.label(RichText::new(title).strong());
        }
        ui.end_row();
        for r in lab.scale_rows() {
            ui.label(RichText::new(format!("{} ", r.strategy.name())).monospace());
            // Records are whole things: a steady-state average is shown rounded (exact on hover).
            ui.label(short_count(r.entries.round())).on_hover_text(format!("{} records on average", r.entries));
            ui.label(human_bytes(r.bytes)).on_hover_text(format!("{} bytes", r.bytes));
            ui.label(short_count(r.lookups_per_second))
                .on_hover_text(format!("{} lookups per second", r.lookups_per_second));
            ui.label(r.grows_with);
            ui.end_row();
        }
    });
    scale_plot(ui, lab, out);
}

/// One colour per strategy in the at-scale plot and its legend.
fn series_colour(name: &str) -> egui::Color32 {
    match name {
        "session" => egui::Color32::from_rgb(0x4e, 0x9a, 0xe6),
        "jwt-refresh" => egui::Color32::from_rgb(0x43, 0xa0, 0x47),
        "jwt-denylist" => egui::Color32::from_rgb(0xe0, 0x6c, 0x3c),
        "jwt-version" => egui::Color32::from_rgb(0xb0, 0x5a, 0xc8),
        _ => egui::Color32::GRAY,
    }
}

/// The memory id of the at-scale plot.
#[must_use]
pub fn scale_plot_id() -> egui::Id {
    egui::Id::unique("revocation-scale-plot")
}

/// Records or bytes of every strategy against token-ttl, on a log scale.
fn scale_plot(ui: &mut Ui, lab: &RevocationLab, out: &mut Vec<Command>) {
    let s = lab.scenario();
    ui.horizontal(|ui| {
        ui.label("Plot");
        for (m, label) in [(ScaleMeasure::Entries, "records"), (ScaleMeasure::Bytes, "bytes")] {
            if ui.radio(lab.scale_measure == m, label).clicked() {
                out.push(lab_cmd(RevocationCommand::SetScaleMeasure(m)));
            }
        }
        ui.label("against token-ttl");
    });
    let measure = lab.scale_measure;
    let column = if measure == ScaleMeasure::Bytes { 2 } else { 1 };
    let current = s.token_ttl as f64 / 3600.0;
    // A log scale: a million version counters and a few hundred denylist entries on one plot.
    let lines: Vec<(&'static str, Vec<[f64; 2]>)> = lab
        .series()
        .iter()
        .filter(|series| series.points.iter().any(|p| p[column] > 0.0))
        .map(|series| {
            let points = series.points.iter().map(|p| [p[0] / 3600.0, p[column].max(1e-3).log10()]).collect();
            (series.strategy.name(), points)
        })
        .collect();
    let (lo, hi) = lines
        .iter()
        .flat_map(|(_, points)| points.iter().map(|p| p[1]))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let (lo, hi) = if lo.is_finite() { (lo.floor() - 0.5, hi.ceil() + 1.5) } else { (0.0, 1.0) };
    // Fitted again whenever what it draws changes: its y range is set, not automatic, and
    // would otherwise stay on the first scenario's.
    let model = (
        measure == ScaleMeasure::Bytes,
        crate::ui::plot_fit::bits([lo, hi, current]),
        lines.iter().map(|(_, p)| crate::ui::plot_fit::bits(p.iter().flatten().copied())).collect::<Vec<_>>(),
    );
    let plot = crate::ui::theme::readable_axes(Plot::new("scale-plot"), ui.visuals().dark_mode);
    crate::ui::plot_fit::fit_on_change(ui, plot, scale_plot_id(), model)
        .height(220.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .x_axis_label("token-ttl (hours)")
        .y_axis_label(if measure == ScaleMeasure::Bytes { "bytes (log)" } else { "records (log)" })
        .y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
        .y_axis_formatter(move |mark: GridMark, _| {
            let v = 10f64.powf(mark.value);
            if measure == ScaleMeasure::Bytes { human_bytes(v) } else { short_count(v) }
        })
        .default_y_bounds(lo, hi)
        .show(ui, |plot_ui| {
            for (name, points) in &lines {
                plot_ui.line(Line::new(*name, points.clone()).width(2.0).color(series_colour(name)));
            }
            plot_ui.vline(VLine::new("this scenario's token-ttl", current).style(LineStyle::dashed_loose()));
        })
        .response
        .on_hover_text("Server state against token-ttl");
    // The legend under the plot, never over its lines.
    ui.horizontal_wrapped(|ui| {
        for (name, _) in &lines {
            let (swatch, _) = ui.allocate_exact_size(egui::vec2(12.0, 4.0), egui::Sense::hover());
            ui.painter().rect_filled(swatch, 1.0, series_colour(name));
            ui.label(RichText::new(*name).monospace());
            ui.add_space(8.0);
        }
        ui.label(RichText::new("- - this scenario's token-ttl").weak());
    });
    ui.weak(
        "Log scale. Only the denylist grows with token-ttl; sessions and refresh families follow the signed-in users \
         (their record lines overlap), version counters all users; jwt stores nothing and is not drawn. Lookups per \
         request: session, jwt-denylist and jwt-version 1, jwt and jwt-refresh 0 (jwt-refresh pays one per renewal).",
    );
}
