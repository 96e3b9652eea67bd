//! Small widgets shared by the panels: copy buttons and a collapsible JSON tree with claim
//! descriptions and human times.

use egui::{RichText, Ui};
use serde_json::Value;

use crate::core::engine::clock::{UnixSeconds, format_local, format_relative, format_utc};
use crate::core::engine::registry;
use crate::core::text;
use crate::ui::state::Command;

/// A small "Copy" button that emits a copy command.
pub fn copy_button(ui: &mut Ui, label: &str, text: &str, out: &mut Vec<Command>) {
    if ui.small_button(label).on_hover_text("Copy to the clipboard").clicked() {
        out.push(Command::Copy(text.to_owned()));
    }
}

/// Text written for the command line and Markdown as well (core's messages), laid out for the
/// window: each `code` span in backticks becomes monospace text without its backticks. A lone
/// backtick (no closing one) is kept as it is. `format` is the text's look; code spans keep its
/// colour in the monospace font.
#[must_use]
pub fn prose_job(ui: &Ui, text: &str, format: &egui::TextFormat) -> egui::text::LayoutJob {
    let mut job = egui::text::LayoutJob::default();
    append_prose(ui, &mut job, text, format);
    job
}

/// Appends `text` to `job` as [`prose_job`] lays it out.
pub fn append_prose(ui: &Ui, job: &mut egui::text::LayoutJob, text: &str, format: &egui::TextFormat) {
    let code = egui::TextFormat {
        font_id: egui::FontId::monospace(egui::TextStyle::Monospace.resolve(ui.style()).size.min(format.font_id.size)),
        ..format.clone()
    };
    for (i, span) in prose_spans(text).into_iter().enumerate() {
        if !span.is_empty() {
            job.append(span, 0.0, if i % 2 == 1 { code.clone() } else { format.clone() });
        }
    }
}

/// `text` cut at its backtick pairs: plain, code, plain, code, … (a last, unpaired backtick
/// stays in the plain text).
#[must_use]
pub fn prose_spans(text: &str) -> Vec<&str> {
    let mut spans = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(close) = rest[open + 1..].find('`') else { break };
        spans.push(&rest[..open]);
        spans.push(&rest[open + 1..open + 1 + close]);
        rest = &rest[open + 2 + close..];
    }
    spans.push(rest);
    spans
}

/// A wrapping label of [`prose_job`] text in the body style and `colour` (the text colour when
/// `None`).
pub fn prose(ui: &mut Ui, text: &str, colour: Option<egui::Color32>) -> egui::Response {
    let format = egui::TextFormat {
        font_id: egui::TextStyle::Body.resolve(ui.style()),
        color: colour.unwrap_or_else(|| ui.visuals().text_color()),
        ..Default::default()
    };
    let job = prose_job(ui, text, &format);
    ui.add(egui::Label::new(job).wrap())
}

/// Lays `add` out top-down and left-aligned. Inside `ui.columns` every label is justified, so a
/// wrapped line before a long token or header line is spread letter by letter; this keeps it
/// ragged, as prose and code are read.
pub fn left_aligned<R>(ui: &mut Ui, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.with_layout(egui::Layout::top_down(egui::Align::LEFT), add).inner
}

/// A label that always takes `lines` rows of its text's height across the available width,
/// whatever it says (nothing included): what is below it never moves when its text changes.
/// Text longer than that is cut with "…" and shown whole on hover.
pub fn reserved_label(ui: &mut Ui, text: impl Into<egui::WidgetText>, lines: usize) -> egui::Response {
    let mut job = std::sync::Arc::unwrap_or_clone(text.into().into_layout_job(
        ui.style(),
        egui::FontSelection::Default,
        egui::Align::Min,
    ));
    job.wrap.max_rows = lines.max(1);
    let font =
        job.sections.first().map_or_else(|| egui::TextStyle::Body.resolve(ui.style()), |s| s.format.font_id.clone());
    let row = ui.fonts_mut(|f| f.row_height(&font));
    // Whole pixels: a fractional height would shift what follows by a rounding step.
    let size = egui::vec2(ui.available_width(), (row * lines.max(1) as f32).ceil());
    ui.allocate_ui_with_layout(size, egui::Layout::top_down(egui::Align::Min), |ui| {
        ui.set_min_size(size);
        ui.set_max_size(size);
        ui.add(egui::Label::new(job).wrap())
    })
    .inner
}

/// Which descriptions to show on hover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    /// JOSE header parameters.
    Header,
    /// JWT / OpenID Connect claims.
    Claims,
}

/// The top-level claims shown as times (UTC, local, relative). Nested members are not
/// NumericDates by any specification, so a nested "exp" is shown as the number it is.
pub const DATE_CLAIMS: [&str; 5] = ["exp", "nbf", "iat", "auth_time", "updated_at"];

/// Objects with more members than this are shown as flat virtualised rows.
const FLAT_ABOVE: usize = 200;

/// A JSON object as a collapsible tree: one row per member, nested values foldable, a
/// description on hover for known names, human times beside NumericDates, a copy button each.
pub fn json_tree(
    ui: &mut Ui,
    id: &str,
    obj: &serde_json::Map<String, Value>,
    vocab: Vocabulary,
    now: UnixSeconds,
    out: &mut Vec<Command>,
) {
    if obj.len() > FLAT_ABOVE {
        flat_rows(ui, id, obj, vocab, now, out);
        return;
    }
    for (k, v) in obj {
        member_row(ui, id, k, v, vocab, false, now, out);
    }
}

/// A large object as virtualised rows in a list of its own: the panel's full width, most of
/// the visible height, a scroll bar beside the rows (not over them), and rows of one fixed
/// height, so the scroll range is exact and the last member is reachable.
fn flat_rows(
    ui: &mut Ui,
    id: &str,
    obj: &serde_json::Map<String, Value>,
    vocab: Vocabulary,
    now: UnixSeconds,
    out: &mut Vec<Command>,
) {
    let row_height = flat_row_height(ui);
    // Inside the centre's scroll area the clip rectangle is what is visible of it.
    let visible = ui.clip_rect().height().min(ui.ctx().content_rect().height());
    ui.label(RichText::new(format!("{} members (scroll the list)", obj.len())).weak());
    ui.scope(|ui| {
        ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
        egui::ScrollArea::vertical()
            .id_salt(format!("{id}-flat"))
            .auto_shrink([false, true])
            .max_height((visible * 0.8).max(6.0 * row_height))
            .show_rows(ui, row_height, obj.len(), |ui, range| {
                for (k, v) in obj.iter().skip(range.start).take(range.len()) {
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(ui.available_width(), row_height), egui::Sense::hover());
                    let mut row = ui.new_child(
                        egui::UiBuilder::new().max_rect(rect).layout(egui::Layout::left_to_right(egui::Align::Center)),
                    );
                    row.set_clip_rect(rect.intersect(ui.clip_rect()));
                    name_label(&mut row, k, vocab);
                    copy_button(&mut row, "Copy", &value_text(v), out);
                    let mut text = compact(v, 120);
                    if let Some(note) = time_text(k, v, vocab, false, now) {
                        text = format!("{text}  {note}");
                    }
                    // Shown whole on hover when cut (egui's tooltip for an elided label).
                    row.add(egui::Label::new(RichText::new(&text).monospace()).truncate());
                }
            });
    });
}

/// The height of one flat row: a button's, or a monospace line's if taller.
#[must_use]
pub fn flat_row_height(ui: &Ui) -> f32 {
    ui.spacing().interact_size.y.max(ui.text_style_height(&egui::TextStyle::Monospace) + 4.0)
}

#[allow(clippy::too_many_arguments)]
fn member_row(
    ui: &mut Ui,
    id: &str,
    k: &str,
    v: &Value,
    vocab: Vocabulary,
    nested: bool,
    now: UnixSeconds,
    out: &mut Vec<Command>,
) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            egui::CollapsingHeader::new(RichText::new(format!("{k}: {{{}}}", map.len())).monospace())
                .id_salt(format!("{id}/{k}"))
                .default_open(map.len() <= 12)
                .show(ui, |ui| {
                    for (ck, cv) in map {
                        member_row(ui, &format!("{id}/{k}"), ck, cv, Vocabulary::Claims, true, now, out);
                    }
                });
        }
        Value::Array(items) if !items.is_empty() && items.iter().any(|i| i.is_object() || i.is_array()) => {
            egui::CollapsingHeader::new(RichText::new(format!("{k}: [{}]", items.len())).monospace())
                .id_salt(format!("{id}/{k}"))
                .default_open(items.len() <= 12)
                .show(ui, |ui| {
                    for (i, item) in items.iter().enumerate() {
                        member_row(ui, &format!("{id}/{k}"), &i.to_string(), item, Vocabulary::Claims, true, now, out);
                    }
                });
        }
        _ => {
            ui.horizontal_wrapped(|ui| {
                name_label(ui, k, vocab);
                ui.monospace(compact(v, 1000));
                copy_button(ui, "Copy", &value_text(v), out);
                time_note(ui, k, v, vocab, nested, now);
            });
        }
    }
}

fn name_label(ui: &mut Ui, name: &str, vocab: Vocabulary) {
    let known = match vocab {
        Vocabulary::Header => registry::header(name),
        Vocabulary::Claims => registry::claim(name),
    };
    let label = ui.label(RichText::new(format!("{}:", text::visible(name))).monospace().strong());
    if let Some((desc, spec)) = known {
        label.on_hover_text(format!("{desc} ({spec})"));
    }
}

/// "UTC · local · relative" for a top-level NumericDate claim.
fn time_text(name: &str, v: &Value, vocab: Vocabulary, nested: bool, now: UnixSeconds) -> Option<String> {
    let is_date = vocab == Vocabulary::Claims && !nested && DATE_CLAIMS.contains(&name);
    let t = v.as_f64().filter(|_| is_date)?;
    Some(format!("{} · {} · {}", format_utc(t), format_local(t), format_relative(t, now)))
}

fn time_note(ui: &mut Ui, name: &str, v: &Value, vocab: Vocabulary, nested: bool, now: UnixSeconds) {
    if let Some(text) = time_text(name, v, vocab, nested, now) {
        ui.label(RichText::new(text).weak()).on_hover_text("UTC · local time · relative to the simulated clock");
    }
}

/// The value as it would be copied: strings without quotes, everything else as JSON.
#[must_use]
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One-line JSON, shortened to `max` characters, control and bidi characters shown as escapes.
#[must_use]
pub fn compact(v: &Value, max: usize) -> String {
    // A long string is cut before it is written: escaping only lengthens text, so the first
    // `max` characters of its first `max + 1` characters' JSON are those of the whole string's,
    // and a 1 MB claim is not written and escaped whole every frame to show 60 characters.
    if let Value::String(long) = v
        && let Some((cut, _)) = long.char_indices().nth(max + 1)
    {
        return compact(&Value::String(long[..cut].to_owned()), max);
    }
    let json = v.to_string();
    let s = text::visible(&json);
    if s.chars().count() > max { format!("{}…", s.chars().take(max).collect::<String>()) } else { s.into_owned() }
}

/// A token or other long unbroken text, in monospace, wrapped at any character within the
/// panel: egui's word wrap leaves a token's first run of letters on one line past the edge.
pub fn long_text(ui: &mut Ui, text: &str) -> egui::Response {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    // Less a scroll bar's width: in a scroll area the last character sat under the bar.
    let width = (ui.available_width() - ui.spacing().scroll.allocated_width()).max(60.0);
    let mut job = egui::text::LayoutJob::simple(text.to_owned(), font, ui.visuals().text_color(), width);
    job.wrap.break_anywhere = true;
    ui.label(job)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_strings_show_control_and_bidi_characters_visibly() {
        let shown = compact(&Value::String("evil\u{9b}2J\u{202e}gnp.exe\u{1b}]0;x".into()), 100);
        assert!(!shown.contains(['\u{9b}', '\u{202e}', '\u{1b}']), "{shown:?}");
        assert!(shown.contains("\\u{202e}") && shown.contains("\\u{9b}"), "{shown}");
        assert_eq!(compact(&Value::String("café".into()), 100), "\"café\"");
    }

    #[test]
    fn a_long_string_reads_as_if_written_whole() {
        let whole = |v: &Value, max: usize| {
            let json = v.to_string();
            let s = text::visible(&json).into_owned();
            if s.chars().count() > max { format!("{}…", s.chars().take(max).collect::<String>()) } else { s }
        };
        for text in ["a".repeat(1_000_000), "é\u{202e}\"\n".repeat(50), "x".repeat(59), "x".repeat(60), "x".repeat(61)]
        {
            let v = Value::String(text);
            for max in [1, 58, 59, 60, 61, 200] {
                assert_eq!(compact(&v, max), whole(&v, max), "max {max}");
            }
        }
    }

    #[test]
    fn backtick_spans_lose_their_backticks() {
        use egui_kittest::kittest::Queryable;

        assert_eq!(
            prose_spans("run `tokenbench crack --wordlist FILE` to search"),
            ["run ", "tokenbench crack --wordlist FILE", " to search"]
        );
        assert_eq!(prose_spans("no code"), ["no code"]);
        assert_eq!(prose_spans("`a` and `b`"), ["", "a", " and ", "b", ""]);
        assert_eq!(prose_spans("a lone ` stays"), ["a lone ` stays"]);
        let mut h = egui_kittest::Harness::new_ui(|ui| {
            let job = prose_job(ui, "written with `echo`, the signer", &egui::TextFormat::default());
            assert_eq!(job.text, "written with echo, the signer");
            assert_eq!(job.sections.len(), 3);
            assert_eq!(job.sections[1].format.font_id.family, egui::FontFamily::Monospace);
            prose(ui, "run `tokenbench crack` now", None);
        });
        h.run();
        assert!(h.query_by_label("run tokenbench crack now").is_some());
    }
}
