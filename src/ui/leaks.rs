//! The Leaks tab: files and folders to scan (dialogs or a drop), Scan and Cancel with the bytes
//! and files read so far, then the findings of `tokenbench scan` on them, live first, with the
//! paths that could not be read and a plot of live against expired tokens by issuer. A finding
//! opens in Decode by reading its token again from its file; the table shows fingerprints and
//! decoded claims only, never a token or a signature.
//!
//! The lab is [`crate::core::labs::scan::ScanLab`] (`AppState::scan`), reached through
//! `Command::Scan`. The controls and the status line sit above the results at fixed heights, so
//! no button moves when the findings arrive.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};

use crate::core::engine::clock::{format_relative, format_utc};
use crate::core::engine::scan::report::liveness;
use crate::core::engine::scan::{Leak, ScanReport};
use crate::core::engine::token::Kind;
use crate::core::labs::scan::{ScanCommand, ScanLab, place_text};
use crate::core::text::{count, thousands, visible};
use crate::ui::state::{AppState, Command};
use crate::ui::theme::palette;
use crate::ui::widgets::reserved_label;

/// Paths in view at once in the list (the rest scroll).
const PATHS_SHOWN: f32 = 3.0;
/// The height of the summary plot.
const PLOT_HEIGHT: f32 = 150.0;

fn cmd(c: ScanCommand) -> Command {
    Command::Scan(c)
}

/// Draws the Leaks tab.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.scan;
    ui.heading("Leak scan");
    ui.label("Every JWS and JWE in the files and folders you add or drop here, and whether it still works.");
    controls(ui, lab, state.clock.now(), out);
    typed_path(ui, lab, out);
    paths(ui, lab, out);
    status(ui, lab);
    ui.separator();
    egui::ScrollArea::vertical().id_salt("leaks-results").auto_shrink([false, false]).show(ui, |ui| {
        if let Some(report) = &lab.report {
            results(ui, lab, report, out);
        } else {
            ui.label(RichText::new("No scan yet: add files or a folder and press Scan.").weak());
        }
    });
}

fn controls(ui: &mut Ui, lab: &ScanLab, now: f64, out: &mut Vec<Command>) {
    let idle = lab.running.is_none();
    ui.horizontal_wrapped(|ui| {
        if ui.add_enabled(idle, egui::Button::new("Add files")).clicked() {
            out.push(cmd(ScanCommand::PickFiles));
        }
        if ui.add_enabled(idle, egui::Button::new("Add a folder")).clicked() {
            out.push(cmd(ScanCommand::PickFolder));
        }
        if ui.add_enabled(idle && !lab.paths.is_empty(), egui::Button::new("Clear")).clicked() {
            out.push(cmd(ScanCommand::Clear));
        }
        ui.separator();
        if ui.add_enabled(idle && !lab.paths.is_empty(), egui::Button::new(RichText::new("Scan").strong())).clicked() {
            out.push(cmd(ScanCommand::Start));
        }
        if ui.add_enabled(!idle, egui::Button::new("Cancel")).clicked() {
            out.push(cmd(ScanCommand::Cancel));
        }
        ui.separator();
        let label = ui.label("Judge at");
        let mut fixed = lab.at.is_some();
        if ui.checkbox(&mut fixed, "a fixed instant").labelled_by(label.id).changed() {
            out.push(cmd(ScanCommand::SetAt(fixed.then(|| now.floor()))));
        }
        match lab.at {
            Some(at) => {
                let mut secs = at;
                if ui
                    .add(egui::DragValue::new(&mut secs).range(-62_135_596_800.0..=253_402_300_799.0).speed(60.0))
                    .on_hover_text(format!("Unix seconds: {}, as tokenbench scan --at", format_utc(at)))
                    .changed()
                {
                    out.push(cmd(ScanCommand::SetAt(Some(secs))));
                }
            }
            None => {
                ui.label(RichText::new("the app's clock").weak());
            }
        }
    });
}

/// A path typed by hand: where no file dialog can be shown (no desktop portal, no zenity) and
/// nothing can be dropped, the only way in. The text is the view's, kept in egui's memory.
fn typed_path(ui: &mut Ui, lab: &ScanLab, out: &mut Vec<Command>) {
    let id = ui.make_persistent_id("leaks-typed-path");
    let mut text: String = ui.data_mut(|d| d.get_temp(id)).unwrap_or_default();
    ui.horizontal(|ui| {
        let label = ui.label("Or type a path");
        let edit = ui.add(
            egui::TextEdit::singleline(&mut text).desired_width(360.0).hint_text("/var/log/nginx or ./support-bundle"),
        );
        let edit = edit.labelled_by(label.id);
        let entered = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let add = ui.add_enabled(lab.running.is_none() && !text.trim().is_empty(), egui::Button::new("Add this path"));
        if (add.clicked() || entered) && !text.trim().is_empty() && lab.running.is_none() {
            out.push(cmd(ScanCommand::AddPaths(vec![std::path::PathBuf::from(text.trim())])));
            text.clear();
        }
    });
    ui.data_mut(|d| d.insert_temp(id, text));
}

fn paths(ui: &mut Ui, lab: &ScanLab, out: &mut Vec<Command>) {
    let row = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
    egui::ScrollArea::vertical()
        .id_salt("leaks-paths")
        .max_height(row * PATHS_SHOWN)
        .min_scrolled_height(row * PATHS_SHOWN)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if lab.paths.is_empty() {
                ui.label(RichText::new("Nothing to scan yet.").weak());
            }
            for (i, p) in lab.paths.iter().enumerate() {
                ui.horizontal(|ui| {
                    let remove = ui
                        .add_enabled(lab.running.is_none(), egui::Button::new("Remove").small())
                        .on_hover_text("Take it off the list");
                    if remove.clicked() {
                        out.push(cmd(ScanCommand::RemovePath(i)));
                    }
                    ui.label(RichText::new(visible(&p.display().to_string())).monospace());
                });
            }
        });
}

/// One line of fixed height: the progress while a scan runs, else the last note or the totals.
fn status(ui: &mut Ui, lab: &ScanLab) {
    let height = ui.spacing().interact_size.y.max(ui.text_style_height(&egui::TextStyle::Body));
    let size = egui::vec2(ui.available_width(), height);
    ui.allocate_ui_with_layout(size, egui::Layout::left_to_right(egui::Align::Center), |ui| {
        ui.set_min_size(size);
        if let Some(run) = &lab.running {
            let p = &run.progress;
            let text = format!(
                "Scanning {}: {} read, {} bytes",
                count(run.paths, "path", "paths"),
                count(p.files(), "file", "files"),
                thousands(p.bytes())
            );
            // The total is not known before the walk ends, so the bar carries the figures, not a
            // fraction; not animated, as an animation repaints every frame and takes a core from
            // the scan (the app repaints every 100 ms while a job runs).
            ui.add(egui::ProgressBar::new(0.0).text(text).desired_width(ui.available_width()));
        } else if let Some(note) = &lab.note {
            let colour = palette(ui.visuals().dark_mode).bad;
            reserved_label(ui, RichText::new(note).color(colour), 1);
        } else if lab.opening {
            reserved_label(ui, "Reading the token again from its file...", 1);
        } else if let Some(r) = &lab.report {
            reserved_label(ui, totals(r), 1);
        } else {
            reserved_label(ui, "", 1);
        }
    });
}

/// The report's figures in one line: tokens, live, expired, files and bytes.
#[must_use]
pub fn totals(r: &ScanReport) -> String {
    let live = r.leaks.iter().filter(|l| l.live == Some(true)).count();
    let encrypted = r.leaks.iter().filter(|l| l.live.is_none()).count();
    let not_live = r.leaks.len() - live - encrypted;
    format!(
        "{} ({live} live, {encrypted} encrypted, {not_live} expired or not yet valid) in {} ({} bytes), judged at {}",
        count(r.leaks.len(), "token", "tokens"),
        count(r.files_scanned, "file", "files"),
        thousands(r.bytes_scanned),
        format_utc(r.now)
    )
}

fn results(ui: &mut Ui, lab: &ScanLab, report: &ScanReport, out: &mut Vec<Command>) {
    if !report.unreadable.is_empty() {
        ui.label(RichText::new(format!("Unreadable ({})", report.unreadable.len())).strong());
        for u in &report.unreadable {
            ui.label(format!("{}: {}", visible(&u.path), visible(&u.reason)));
        }
        ui.separator();
    }
    if report.leaks.is_empty() {
        ui.label(format!(
            "No token found in {}. The scan looks for compact JWS and JWE (eyJ...) with an alg in the header.",
            count(report.files_scanned, "file", "files")
        ));
        return;
    }
    plot(ui, lab);
    ui.add_space(6.0);
    table(ui, report, out);
}

fn plot(ui: &mut Ui, lab: &ScanLab) {
    let counts = lab.by_issuer();
    let p = palette(ui.visuals().dark_mode);
    #[allow(clippy::cast_precision_loss)]
    let bars = |pick: fn(&crate::core::labs::scan::IssuerCount) -> usize, offset: f64| -> Vec<Bar> {
        counts.iter().enumerate().map(|(i, c)| Bar::new(i as f64 + offset, pick(c) as f64).width(0.38)).collect()
    };
    let live = BarChart::new("live, or encrypted (cannot tell)", bars(|c| c.live, -0.2)).color(p.bad);
    // Not live is the good outcome: a copy no longer works.
    let expired = BarChart::new("expired or not yet valid", bars(|c| c.expired, 0.2)).color(p.good);
    let names: Vec<String> = counts.iter().map(|c| c.issuer.clone()).collect();
    #[allow(clippy::cast_precision_loss)]
    let slots = names.len() as f64;
    #[allow(clippy::cast_precision_loss)]
    let tallest = counts.iter().map(|c| c.live.max(c.expired)).max().unwrap_or(1) as f64;
    ui.label(RichText::new("Live and expired tokens by issuer").strong());
    Plot::new("leaks-by-issuer")
        .height(PLOT_HEIGHT)
        .legend(Legend::default())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show_grid([false, true])
        .include_y(0.0)
        .include_y(tallest * 1.5)
        // Half a slot either side, so the outer bars are not cut by the frame.
        .include_x(-0.6)
        .include_x(slots - 0.4)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            names.get(i as usize).cloned().unwrap_or_default()
        })
        .show(ui, |plot| {
            plot.bar_chart(live);
            plot.bar_chart(expired);
        });
}

fn claim(v: Option<&serde_json::Value>) -> String {
    match v {
        Some(serde_json::Value::String(s)) => visible(s).into_owned(),
        Some(other) => visible(&other.to_string()).into_owned(),
        None => "-".into(),
    }
}

fn table(ui: &mut Ui, report: &ScanReport, out: &mut Vec<Command>) {
    let p = palette(ui.visuals().dark_mode);
    egui::ScrollArea::horizontal().id_salt("leaks-table").show(ui, |ui| {
        egui::Grid::new("leaks-grid").striped(true).num_columns(9).show(ui, |ui| {
            for h in ["", "Status", "alg", "iss", "sub", "Fingerprint", "First place", "Context", "Places"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for (i, leak) in report.leaks.iter().enumerate() {
                if ui.button("Open in Decode").on_hover_text(open_hint(leak)).clicked() {
                    out.push(cmd(ScanCommand::Open(i)));
                }
                let status = liveness(leak, report.now);
                let colour = if leak.may_be_live() { p.bad } else { p.muted };
                let status = ui.label(RichText::new(status).strong().color(colour));
                if let Some(exp) = leak.exp {
                    status.on_hover_text(format!("exp {} ({})", format_utc(exp), format_relative(exp, report.now)));
                }
                ui.label(leak.alg.as_deref().map_or_else(|| "-".to_owned(), |a| visible(a).into_owned()));
                if leak.kind == Kind::Jwe {
                    ui.label(RichText::new("(encrypted)").weak());
                    ui.label(RichText::new("(encrypted)").weak());
                } else {
                    ui.label(claim(leak.iss.as_ref()));
                    ui.label(claim(leak.sub.as_ref()));
                }
                ui.label(RichText::new(&leak.fingerprint).monospace());
                let first = leak.places.first();
                ui.label(RichText::new(first.map(place_text).unwrap_or_default()).monospace());
                ui.label(first.map(|f| visible(&f.context).into_owned()).unwrap_or_default());
                ui.label(leak.places.len().to_string());
                ui.end_row();
            }
        });
    });
}

fn open_hint(leak: &Leak) -> String {
    match leak.places.first() {
        Some(p) => format!(
            "Reads the token again from {} and opens it in Decode if it still has fingerprint {}",
            place_text(p),
            leak.fingerprint
        ),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
