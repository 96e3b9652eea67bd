//! Small widgets shared by the panels: copy buttons and a collapsible JSON tree with claim
//! descriptions and human times.

use egui::{RichText, Ui};
use serde_json::Value;

use crate::core::clock::{UnixSeconds, format_local, format_relative, format_utc};
use crate::core::{docs, text};
use crate::ui::state::Command;

/// A small "Copy" button that emits a copy command.
pub fn copy_button(ui: &mut Ui, label: &str, text: &str, out: &mut Vec<Command>) {
    if ui.small_button(label).on_hover_text("Copy to the clipboard").clicked() {
        out.push(Command::Copy(text.to_owned()));
    }
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
        Vocabulary::Header => docs::header(name),
        Vocabulary::Claims => docs::claim(name),
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
    let json = v.to_string();
    let s = text::visible(&json);
    if s.chars().count() > max { format!("{}…", s.chars().take(max).collect::<String>()) } else { s.into_owned() }
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
}
