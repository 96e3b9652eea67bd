//! The Live tab's results: the Flows model's predictions beside what the servers did, the
//! measured store round trip and verification (which Flows and Compare can adopt), a load with
//! its latency histogram, a probe with every forgery, and the balancer's request log.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Plot};

use super::{cmd, fixed_height, rows_height};
use crate::core::labs::live::lab::{LiveCommand, LiveLab, LoadSettings};
use crate::core::labs::live::load::{MAX_CONCURRENCY, MAX_REQUESTS, MAX_USERS, bucket_labels};
use crate::core::labs::live::server::STORE_SAMPLES;
use crate::core::text::micros;
use crate::ui::state::Command;
use crate::ui::theme::{palette, part_colour, readable_axes};

/// Log rows shown, newest first.
const LOG_SHOWN: usize = 12;
/// The height of the latency histogram.
const HISTOGRAM_HEIGHT: f32 = 160.0;

/// What the model predicted, what happened, and the measured figures.
pub(super) fn checks_ui(ui: &mut Ui, lab: &LiveLab, flows_ms: f64, out: &mut Vec<Command>) {
    ui.label(RichText::new("The Flows model's prediction beside what these servers did").strong());
    ui.label(
        RichText::new(
            "Log in, send GET /me, stop the server that answered your login, log out and replay a copy: each \
             row fills with the answers.",
        )
        .weak(),
    );
    let p = palette(ui.visuals().dark_mode);
    egui::Grid::new("live-checks").striped(true).num_columns(4).show(ui, |ui| {
        ui.label(RichText::new("Situation").strong());
        ui.label(RichText::new("Flows model, same settings").strong());
        ui.label(RichText::new("Measured here").strong());
        ui.label("");
        ui.end_row();
        for c in &lab.checks {
            ui.label(c.situation.title());
            ui.label(&c.predicted.text);
            match &c.measured {
                None => {
                    ui.label(RichText::new("not tried yet").weak());
                    ui.label("");
                }
                Some(o) => {
                    ui.label(o.text());
                    let agrees = o.agrees(&c.predicted);
                    ui.label(RichText::new(if agrees { "as predicted" } else { "differs" }).color(if agrees {
                        p.good
                    } else {
                        p.bad
                    }));
                }
            }
            ui.end_row();
        }
    });
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Measure the store and the verification")
            .on_hover_text(format!(
                "The median of {STORE_SAMPLES} store lookups, and of as many verifications of the token you hold"
            ))
            .clicked()
        {
            out.push(cmd(LiveCommand::Measure));
        }
        let measured = matches!(lab.figures, Some(Ok(_)));
        if ui.add_enabled(measured, egui::Button::new("Use this round trip in Flows and Compare")).clicked() {
            out.push(cmd(LiveCommand::UseRoundTrip));
        }
    });
    let text = match &lab.figures {
        None => "Not measured yet.".to_owned(),
        Some(Err(e)) => format!("Could not measure: {e}"),
        Some(Ok(f)) => {
            let store = lab.run.as_ref().map_or_else(String::new, |r| r.server.config().store.name());
            let verify = f.verify.map_or_else(
                || "no token held to verify (log in, in jwt or hybrid mode)".to_owned(),
                |v| format!("one verification {}", micros(v)),
            );
            let cost = lab
                .predicted_auth_cost()
                .map_or_else(String::new, |c| format!(" · the model's authentication work per GET /me: {}", micros(c)));
            // Said here, not only in the fading status line: whether Flows and Compare use it.
            let in_use = if (f.round_trip.as_secs_f64() * 1e3 - flows_ms).abs() < 1e-12 {
                " · in use in Flows and Compare"
            } else {
                ""
            };
            format!("Store round trip ({store}): {} · {verify}{cost}{in_use}", micros(f.round_trip))
        }
    };
    crate::ui::widgets::reserved_label(ui, text, 2);
}

/// The load's size, its run, its figures and histogram.
pub(super) fn load_ui(ui: &mut Ui, lab: &LiveLab, out: &mut Vec<Command>) {
    ui.label(RichText::new("Load").strong());
    let mut size = lab.load_size;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Users");
        ui.add(egui::DragValue::new(&mut size.users).range(1..=MAX_USERS)).labelled_by(label.id);
        let label = ui.label("Requests");
        ui.add(egui::DragValue::new(&mut size.requests).range(1..=MAX_REQUESTS).speed(50)).labelled_by(label.id);
        let label = ui.label("In flight");
        ui.add(egui::DragValue::new(&mut size.concurrency).range(1..=MAX_CONCURRENCY)).labelled_by(label.id);
        if lab.loading.is_some() {
            if ui.button("Cancel").clicked() {
                out.push(cmd(LiveCommand::CancelLoad));
            }
            ui.spinner();
        } else if ui.button("Run load").clicked() {
            out.push(cmd(LiveCommand::RunLoad));
        }
    });
    if size != lab.load_size {
        out.push(cmd(LiveCommand::LoadSize(LoadSettings { ..size })));
    }
    // The summary, the model's share and the histogram: a fixed height, so the probe below
    // stays where it was when a load ends.
    let height = rows_height(ui, 4) + HISTOGRAM_HEIGHT;
    fixed_height(ui, height, |ui| load_result_ui(ui, lab));
}

fn load_result_ui(ui: &mut Ui, lab: &LiveLab) {
    if lab.loading.is_some() {
        let s = lab.load_size;
        ui.label(format!("Sending {} requests from {} users, {} in flight...", s.requests, s.users, s.concurrency));
        return;
    }
    match &lab.load {
        None => {
            ui.label(RichText::new("No load run yet: its figures and a latency histogram appear here.").weak());
        }
        Some(Err(e)) => {
            ui.label(RichText::new(format!("The load could not run: {e}")).color(palette(ui.visuals().dark_mode).bad));
        }
        Some(Ok(report)) => {
            ui.label(report.summary());
            if let Some(why) = &report.stopped {
                ui.label(
                    RichText::new(format!("Stopped before all requests were sent: {why}."))
                        .color(palette(ui.visuals().dark_mode).bad),
                );
            }
            if report.cancelled {
                ui.label(
                    RichText::new("Cancelled before all requests were sent.")
                        .color(palette(ui.visuals().dark_mode).warn),
                );
            }
            if let Some(f) = &report.first_failure {
                ui.label(RichText::new(format!("First failure: {f}")).color(palette(ui.visuals().dark_mode).bad));
            }
            if let Some(cost) = lab.predicted_auth_cost() {
                #[allow(clippy::cast_precision_loss)]
                let share = cost.as_secs_f64() * 1e6 / report.p50_us.max(1) as f64 * 100.0;
                ui.label(format!(
                    "Of the median {} µs, the model puts {} on authentication ({share:.1}%); the rest is HTTP \
                     through the balancer to a server and back.",
                    report.p50_us,
                    micros(cost)
                ));
            } else {
                ui.label(
                    RichText::new("Measure the store and the verification to set the model's share beside this.")
                        .weak(),
                );
            }
            histogram(ui, report);
        }
    }
}

fn histogram(ui: &mut Ui, report: &crate::core::labs::live::load::LoadReport) {
    let dark = ui.visuals().dark_mode;
    let labels = bucket_labels(&report.histogram);
    // Only the buckets from the first to the last one used: the rest would be empty bars.
    let used: Vec<usize> = report.histogram.iter().enumerate().filter(|(_, b)| b.count > 0).map(|(i, _)| i).collect();
    let (Some(&first), Some(&last)) = (used.first(), used.last()) else { return };
    #[allow(clippy::cast_precision_loss)]
    let bars: Vec<Bar> = (first..=last)
        .map(|i| Bar::new((i - first) as f64, report.histogram[i].count as f64).width(0.8).name(&labels[i]))
        .collect();
    // The axis names each bucket by its upper bound (short enough not to overlap); the bar's
    // hover names its whole range, as the text report does.
    let shown: Vec<String> = report.histogram[first..=last].iter().map(|b| bound(b.le_us)).collect();
    readable_axes(Plot::new("live-histogram"), dark)
        .height(HISTOGRAM_HEIGHT)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .include_y(0.0)
        .include_x(-0.6)
        .include_x((last - first) as f64 + 0.6)
        .show_grid([false, true])
        .x_axis_label("latency, up to")
        .y_axis_label("requests")
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            shown.get(i as usize).cloned().unwrap_or_default()
        })
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new("requests by latency", bars)
                    .color(part_colour(crate::core::engine::token::Part::Payload, dark)),
            );
        });
}

/// A bucket's upper bound in few characters: `500 µs`, `2 ms`, `more` for the last.
fn bound(le_us: Option<u64>) -> String {
    match le_us {
        None => "more".to_owned(),
        Some(us) if us >= 1_000_000 => format!("{} s", us / 1_000_000),
        Some(us) if us >= 1_000 => format!("{} ms", us / 1_000),
        Some(us) => format!("{us} µs"),
    }
}

/// The probe: every forgery against `GET /me`.
pub(super) fn probe_ui(ui: &mut Ui, lab: &LiveLab, out: &mut Vec<Command>) {
    ui.label(RichText::new("Probe").strong());
    ui.horizontal_wrapped(|ui| {
        let can = lab.held.access.is_some() && !lab.probing;
        if ui
            .add_enabled(can, egui::Button::new("Probe GET /me with every forgery"))
            .on_disabled_hover_text("Needs an access token: start in jwt or hybrid mode and log in")
            .clicked()
        {
            out.push(cmd(LiveCommand::Probe));
        }
        if lab.probing {
            ui.spinner();
        }
    });
    let p = palette(ui.visuals().dark_mode);
    match &lab.probe {
        None => {
            ui.label(
                RichText::new("Forges each attack from the token you hold and reports which ones the server accepts.")
                    .weak(),
            );
        }
        Some(Err(e)) => {
            ui.label(RichText::new(format!("The probe could not judge the server: {e}")).color(p.bad));
        }
        Some(Ok(report)) => {
            ui.label(format!(
                "Honest token: HTTP {} · garbage: HTTP {} · {} requests",
                report.baseline, report.rejected_status, report.requests
            ));
            // One wrapped line per attack: the explanations are long, and wrap at any width.
            for a in &report.attacks {
                let status = a.status.map_or_else(|| "not sent".to_owned(), |s| format!("HTTP {s}"));
                let (text, colour) = match (&a.skipped, a.accepted) {
                    (Some(reason), _) => (format!("skipped: {reason}"), None),
                    (None, true) => (format!("ACCEPTED: {}", a.attack.vulnerable()), Some(p.bad)),
                    (None, false) => ("refused".to_owned(), Some(p.good)),
                };
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!("{:<14}", a.attack.name())).monospace());
                    ui.label(status);
                    let mut t = RichText::new(text);
                    if let Some(c) = colour {
                        t = t.color(c);
                    }
                    ui.label(t);
                });
            }
        }
    }
}

/// The balancer's log, newest first.
pub(super) fn log_ui(ui: &mut Ui, lab: &LiveLab) {
    ui.label(
        RichText::new(format!(
            "Requests the balancer saw: {} (the newest {} kept)",
            lab.logged,
            crate::core::labs::live::lab::LOG_KEPT
        ))
        .strong(),
    );
    // Every entry kept (the newest ones), newest first; older ones a scroll away.
    let height = rows_height(ui, LOG_SHOWN);
    egui::ScrollArea::vertical().id_salt("live-log").max_height(height).auto_shrink([false, true]).show(ui, |ui| {
        for e in lab.log.iter().rev() {
            ui.add(egui::Label::new(RichText::new(e.line()).monospace()).truncate()).on_hover_text(e.line());
        }
    });
}
