//! The Leaks tab: files and folders to scan (dialogs or a drop), Scan and Cancel with the bytes
//! and files read so far, then the findings of `tokenbench scan` on them, live first, with the
//! paths that could not be read and a plot of tokens that may be live against the others by
//! issuer. Each token is a block: its status (the CLI's word), alg and fingerprint, its claims
//! and time claims, its first places (the rest in a list that opens), and its findings. A
//! finding opens in Decode by reading its token again from its file; the tab shows fingerprints
//! and decoded claims only, never a token or a signature. Long cells are cut with "…" and shown
//! whole on hover, so nothing leaves the window at 800x480.
//!
//! The lab is [`crate::core::labs::scan::ScanLab`] (`AppState::scan`), reached through
//! `Command::Scan`. The controls and the status line sit above the results at fixed heights, so
//! no button moves when the findings arrive. The status line holds the progress or the last
//! note (an error); the totals head the results, so an error never hides them.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};

use crate::core::engine::clock::format_utc;
use crate::core::engine::scan::report::{self, PLACES_SHOWN};
use crate::core::engine::scan::{Leak, Place, ScanReport, Status, Unreadable};
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
/// The widest an `alg` is shown before it is cut (full text on hover).
const ALG_WIDTH: f32 = 110.0;
/// The widest a claim (`iss`, `sub`, `aud`) is shown before it is cut.
const CLAIM_WIDTH: f32 = 260.0;
/// The longest issuer the plot's axis names, in characters, before it is cut with "…".
const AXIS_CHARS: usize = 24;
/// Places listed at once in a token's list of further places (the rest scroll).
const MORE_PLACES_SHOWN: f32 = 8.0;

fn cmd(c: ScanCommand) -> Command {
    Command::Scan(c)
}

/// Draws the Leaks tab.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.scan;
    ui.heading("Leak scan");
    ui.label("Every JWS and JWE in the files and folders you add or drop here, and whether it still works.");
    controls(ui, lab, out);
    judge_at(ui, lab, state.clock.now(), out);
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

fn controls(ui: &mut Ui, lab: &ScanLab, out: &mut Vec<Command>) {
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
    });
}

/// The instant tokens are judged at, on its own row: the fixed instant shows its UTC date-time
/// beside the editable seconds, and the row's height does not change when it is ticked.
fn judge_at(ui: &mut Ui, lab: &ScanLab, now: f64, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
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
                ui.label(format!("Unix seconds = {}", format_utc(at)));
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

/// One line of fixed height: the progress while a scan runs, else the last note (an error, in
/// red) or the re-read under way. The totals are not here but above the findings, so a note
/// never hides them.
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
        } else {
            reserved_label(ui, "", 1);
        }
    });
}

/// The report's figures in one line: tokens, each status with its count (as `tokenbench scan`
/// prints them, [`report::tally`]), files, bytes and the instant.
#[must_use]
pub fn totals(r: &ScanReport) -> String {
    let places: u64 = r.leaks.iter().map(|l| l.occurrences).sum();
    format!(
        "{} ({}) in {}; {} scanned{} ({} bytes), judged at {}",
        count(r.leaks.len(), "token", "tokens"),
        report::tally(r),
        count(places, "place", "places"),
        count(r.files_scanned, "file", "files"),
        match r.files_partly {
            0 => String::new(),
            n => format!(", {} in part", count(n, "file", "files")),
        },
        thousands(r.bytes_scanned),
        format_utc(r.now)
    )
}

/// Paths listed under a heading that opens, at most this many (the CLI's `--json` lists all).
const LISTED: usize = 50;

fn listed(ui: &mut Ui, title: &str, items: &[Unreadable], open: bool) {
    if items.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(RichText::new(format!("{title} ({})", items.len())).strong())
        .id_salt(title)
        .default_open(open)
        .show(ui, |ui| {
            for u in items.iter().take(LISTED) {
                ui.add(egui::Label::new(format!("{}: {}", visible(&u.path), visible(&u.reason))).wrap());
            }
            if items.len() > LISTED {
                ui.label(format!("and {} more (tokenbench scan --json lists them)", items.len() - LISTED));
            }
        });
}

fn results(ui: &mut Ui, lab: &ScanLab, report: &ScanReport, out: &mut Vec<Command>) {
    if lab.stale() {
        let colour = palette(ui.visuals().dark_mode).warn;
        ui.add(
            egui::Label::new(
                RichText::new(
                    "The paths or the instant changed since this scan: these results answer the last scan's \
                     question until you press Scan again.",
                )
                .color(colour),
            )
            .wrap(),
        );
    }
    ui.add(egui::Label::new(RichText::new(totals(report)).strong()).wrap());
    // The words of `tokenbench scan`: what was not read makes the scan's answer incomplete.
    listed(ui, "Not read, or read in part", &report.unreadable, true);
    listed(ui, "Skipped (not content; not read)", &report.skipped, false);
    if report.leaks.is_empty() {
        ui.label(format!(
            "No token found in {}. The scan looks for compact JWS and JWE (eyJ...) with an alg in the header.",
            count(report.files_scanned, "file", "files")
        ));
        return;
    }
    plot(ui, lab);
    ui.add_space(6.0);
    for (i, leak) in report.leaks.iter().enumerate() {
        token_block(ui, i, leak, report.now, out);
    }
}

fn plot(ui: &mut Ui, lab: &ScanLab) {
    let counts = lab.by_issuer();
    let p = palette(ui.visuals().dark_mode);
    #[allow(clippy::cast_precision_loss)]
    let bars = |pick: fn(&crate::core::labs::scan::IssuerCount) -> usize, offset: f64| -> Vec<Bar> {
        counts.iter().enumerate().map(|(i, c)| Bar::new(i as f64 + offset, pick(c) as f64).width(0.38)).collect()
    };
    let live = BarChart::new("may be live", bars(|c| c.live, -0.2)).color(p.bad);
    // Not live is the good outcome: a copy no longer works.
    let expired = BarChart::new("not live", bars(|c| c.expired, 0.2)).color(p.good);
    // An axis label has no room to be cut by egui: a long issuer is cut here (its whole text is
    // in the token's block below).
    let names: Vec<String> = counts.iter().map(|c| short(&c.issuer, AXIS_CHARS)).collect();
    #[allow(clippy::cast_precision_loss)]
    let slots = names.len() as f64;
    #[allow(clippy::cast_precision_loss)]
    let tallest = counts.iter().map(|c| c.live.max(c.expired)).max().unwrap_or(1) as f64;
    ui.label(
        RichText::new("Tokens by issuer: may be live (live, encrypted, unsigned, a time claim not a number) or not")
            .strong(),
    );
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

/// `text` cut to `max` characters, "…" ending what was cut.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn claim(v: Option<&serde_json::Value>) -> String {
    v.map_or_else(|| "-".to_owned(), report::claim_text)
}

/// A label at most `max` points wide (and no wider than the room left), cut with "…" past it;
/// egui shows the whole text on hover when it is cut.
fn cut(ui: &mut Ui, text: impl Into<egui::WidgetText>, max: f32) -> egui::Response {
    let width = max.min(ui.available_width()).max(8.0);
    let height = ui.text_style_height(&egui::TextStyle::Body).max(ui.spacing().interact_size.y);
    ui.allocate_ui(egui::vec2(width, height), |ui| ui.add(egui::Label::new(text).truncate())).inner
}

/// The colour of a status: red for what may still work and for a forgery (someone made it),
/// muted for what no longer works.
fn status_colour(ui: &Ui, status: Status) -> egui::Color32 {
    let p = palette(ui.visuals().dark_mode);
    if status.may_be_live() || status == Status::Forged { p.bad } else { p.muted }
}

/// One token: its status, alg, fingerprint and number of places; its claims and time claims;
/// its verdict with keys; its first places and the rest in a list that opens; its findings,
/// those of medium or high severity named in the header that opens them.
fn token_block(ui: &mut Ui, i: usize, leak: &Leak, now: f64, out: &mut Vec<Command>) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            if ui.button("Open in Decode").on_hover_text(open_hint(leak)).clicked() {
                out.push(cmd(ScanCommand::Open(i)));
            }
            let word = RichText::new(leak.status.word()).strong().color(status_colour(ui, leak.status));
            ui.label(word).on_hover_text(status_hint(leak.status));
            let kind = if leak.kind == Kind::Jwe { "jwe" } else { "jws" };
            ui.label(RichText::new(kind).weak());
            let alg = leak.alg.as_deref().map_or_else(|| "(alg not a string)".to_owned(), |a| visible(a).into_owned());
            cut(ui, alg, ALG_WIDTH);
            ui.label(RichText::new(&leak.fingerprint).monospace())
                .on_hover_text("fingerprint: SHA-256 of the token, cut");
            cut(ui, count(leak.occurrences, "place", "places"), 200.0);
        });
        if leak.kind == Kind::Jwe {
            ui.label(RichText::new("(encrypted)").weak());
        } else {
            ui.horizontal(|ui| {
                for (name, value) in [("iss", &leak.iss), ("sub", &leak.sub), ("aud", &leak.aud)] {
                    ui.label(RichText::new(name).weak());
                    cut(ui, claim(value.as_ref()), CLAIM_WIDTH);
                }
            });
        }
        for line in report::time_lines(leak, now) {
            cut(ui, line, f32::INFINITY);
        }
        if let Some(v) = &leak.verdict {
            cut(ui, format!("verdict: {}", visible(&v.summary)), f32::INFINITY);
        }
        for p in leak.places.iter().take(PLACES_SHOWN) {
            place_row(ui, p);
        }
        more_places(ui, leak);
        findings(ui, leak);
    });
    ui.add_space(4.0);
}

/// Why a status is what it is, in a sentence, on hover.
fn status_hint(status: Status) -> &'static str {
    match status {
        Status::Live => "Within its lifetime at the instant judged: a copy still works",
        Status::Expired => "Its exp has passed: a copy no longer works",
        Status::NotYetValid => "Its nbf or iat is still ahead: a copy works later",
        Status::Encrypted => "A JWE: its claims are encrypted, so the scan cannot tell; counted as may be live",
        Status::Unsigned => {
            "alg none within its lifetime: accepted only where a verifier allows alg none; counted as may be live"
        }
        Status::Forged => "The signature fails with the key given for it: a verifier holding that key refuses it",
        Status::NotANumber(_) => {
            "A time claim is not a number: a strict verifier refuses the token, a lax one ignores the claim; \
             counted as may be live"
        }
    }
}

/// A place and its context on one line, each cut to its share of the width.
fn place_row(ui: &mut Ui, p: &Place) {
    ui.horizontal(|ui| {
        let room = ui.available_width();
        cut(ui, RichText::new(place_text(p)).monospace(), room * 0.65);
        cut(ui, visible(&p.context).into_owned(), f32::INFINITY);
    });
}

/// The places past the first [`PLACES_SHOWN`], in a list that opens ("and 7 more places"),
/// drawn a screenful at a time so a token seen 100,000 times costs only the rows in view.
fn more_places(ui: &mut Ui, leak: &Leak) {
    let Some(rest) = leak.places.get(PLACES_SHOWN..).filter(|r| !r.is_empty()) else { return };
    let title =
        format!("and {} more {}", thousands(rest.len() as u64), if rest.len() == 1 { "place" } else { "places" });
    egui::CollapsingHeader::new(title).id_salt(("leak-places", &leak.fingerprint)).show(ui, |ui| {
        let row = ui.text_style_height(&egui::TextStyle::Monospace).max(ui.spacing().interact_size.y)
            + ui.spacing().item_spacing.y;
        egui::ScrollArea::vertical()
            .id_salt(("leak-places-list", &leak.fingerprint))
            .max_height(row * MORE_PLACES_SHOWN)
            .auto_shrink([false, true])
            .show_rows(ui, row - ui.spacing().item_spacing.y, rest.len(), |ui, range| {
                for p in &rest[range] {
                    place_row(ui, p);
                }
            });
    });
}

/// The findings: each of medium or high severity named on its own line (cut to the width, whole
/// on hover), then a header that opens every finding with its whole message, the low and info
/// ones included.
fn findings(ui: &mut Ui, leak: &Leak) {
    if leak.findings.is_empty() {
        return;
    }
    let bad = palette(ui.visuals().dark_mode).bad;
    for f in leak.findings.iter().filter(|f| f.severity.fails()) {
        let text = format!("[{}] {}: {}", f.severity.name(), f.id, visible(&f.message));
        cut(ui, RichText::new(text).color(bad), f32::INFINITY);
    }
    let others = leak.findings.iter().filter(|f| !f.severity.fails()).count();
    let title = format!(
        "All {} ({} of low or info severity)",
        count(leak.findings.len(), "finding", "findings"),
        thousands(others as u64)
    );
    egui::CollapsingHeader::new(title).id_salt(("leak-findings", &leak.fingerprint)).show(ui, |ui| {
        for f in &leak.findings {
            let text = format!("[{}] {}: {}", f.severity.name(), f.id, visible(&f.message));
            ui.add(egui::Label::new(text).wrap());
        }
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
