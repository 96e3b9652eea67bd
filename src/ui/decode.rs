//! The token editor and the decoded view: segments coloured alike in both (five for a JWE), the
//! bad character of a malformed token marked in the editor itself, header and claims as a tree
//! or raw JSON, copy buttons. With no token, a first screen for someone who has never seen a
//! JWT: what its three parts are, that encoded is not encrypted, three examples to try, and the
//! labs.

use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, RichText, Ui};
use serde_json::Value;

use crate::core::engine::error::Error;
use crate::core::engine::token::{self, Kind, Part, Token};
use crate::core::text;
use crate::ui::state::{AppState, Command, EXAMPLES, Tab};
use crate::ui::theme::{palette, part_colour};
use crate::ui::widgets::{Vocabulary, copy_button, json_tree};

/// Above this size the token is shown as a coloured preview, not a live editor: laying out a
/// megabyte of glyphs every frame would freeze the window.
pub const LARGE_INPUT: usize = 64 * 1024;

/// Raw JSON views are cut at this many bytes (the tree view is virtualised instead).
const RAW_JSON_LIMIT: usize = 64 * 1024;

/// The head and tail of a large token with the middle elided.
#[must_use]
pub fn preview(text: &str) -> String {
    let head = text.floor_char_boundary(3000);
    let tail = text.floor_char_boundary(text.len().saturating_sub(1000)).max(head);
    format!("{} … [{} bytes not shown] … {}", &text[..head], tail - head, &text[tail..])
}

/// Below this height (points) the centre starts with the timeline folded, so the header and
/// claims show without scrolling past it.
const SHORT_WINDOW: f32 = 560.0;

/// The decode panel's own view state.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DecodePanel {
    /// Show raw pretty JSON instead of trees.
    pub raw_json: bool,
    /// The token serial the scroll position belongs to (a new token starts at the top).
    #[serde(skip)]
    scrolled_for: Option<u64>,
    /// A PBES2 password as typed: memory only, never saved, emptied when used.
    #[serde(skip)]
    password: String,
}

/// Colours the token text by segment; text outside the token (a `Bearer ` prefix…) stays plain.
/// `bad` is the byte offset (in `text`) of a character to mark as the error.
#[must_use]
pub fn coloured_job(
    text: &str,
    dark: bool,
    font: &FontId,
    wrap_width: f32,
    plain: Color32,
    bad: Option<usize>,
) -> LayoutJob {
    let mut job = LayoutJob::default();
    job.wrap.max_width = wrap_width;
    job.wrap.break_anywhere = true;
    let (clean, start) = token::clean_input(text);
    let bad = bad.filter(|b| text.is_char_boundary(*b) && *b < text.len()).map(|b| {
        let len = text[b..].chars().next().map_or(1, char::len_utf8);
        b..b + len
    });
    let p = palette(dark);
    let mut append = |range: std::ops::Range<usize>, color: Color32| {
        let fmt = |color, background| TextFormat { font_id: font.clone(), color, background, ..TextFormat::default() };
        match &bad {
            Some(b) if b.start >= range.start && b.end <= range.end => {
                job.append(&text[range.start..b.start], 0.0, fmt(color, Color32::TRANSPARENT));
                job.append(&text[b.clone()], 0.0, fmt(p.on_fill, p.bad_fill));
                job.append(&text[b.end..range.end], 0.0, fmt(color, Color32::TRANSPARENT));
            }
            _ => job.append(&text[range], 0.0, fmt(color, Color32::TRANSPARENT)),
        }
    };
    if clean.starts_with('{') || clean.is_empty() {
        append(0..text.len(), plain);
        return job;
    }
    append(0..start, plain);
    let parts: &[Part] = match clean.matches('.').count() {
        4 => &[Part::Header, Part::EncryptedKey, Part::Iv, Part::Ciphertext, Part::Tag],
        _ => &[Part::Header, Part::Payload, Part::Signature],
    };
    let mut at = start;
    for (i, segment) in clean.split('.').enumerate() {
        if i > 0 {
            append(at..at + 1, plain);
            at += 1;
        }
        let colour = parts.get(i).map_or(plain, |p| part_colour(*p, dark));
        append(at..at + segment.len(), colour);
        at += segment.len();
    }
    append(at..text.len(), plain);
    job
}

/// Where, in the input as typed, the decoder found a bad character (for marking it).
#[must_use]
pub fn bad_char_offset(state: &AppState) -> Option<usize> {
    match &state.token {
        Some(Err(Error::Base64 { offset, .. })) => Some(token::clean_input(&state.input).1 + offset),
        _ => None,
    }
}

/// "…eyJh[?]bGci…": a few characters either side of a byte offset of the cleaned token.
#[must_use]
pub fn error_snippet(clean: &str, offset: usize) -> String {
    let at = clean.floor_char_boundary(offset);
    let before: String = clean[..at].chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
    let mut rest = clean[at..].chars();
    let bad = rest.next().map_or_else(|| "<end>".to_owned(), |c| c.escape_debug().to_string());
    let after: String = rest.take(12).collect();
    format!("…{before}[{bad}]{after}…")
}

impl DecodePanel {
    /// Draws the token editor and what it decodes to, in one scroll area: at any window size
    /// the header and claims are reached by scrolling the column (the plot scrolls with the
    /// page and zooms with Ctrl+wheel). A new token starts at the top.
    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
        let tall = ui.available_height() >= SHORT_WINDOW;
        let mut area = egui::ScrollArea::vertical().id_salt("decode-scroll").auto_shrink([false, false]);
        if self.scrolled_for != Some(state.token_serial) {
            area = area.vertical_scroll_offset(0.0);
            self.scrolled_for = Some(state.token_serial);
        }
        area.show(ui, |ui| self.column(ui, state, tall, out));
    }

    fn column(&mut self, ui: &mut Ui, state: &AppState, tall: bool, out: &mut Vec<Command>) {
        ui.horizontal_wrapped(|ui| {
            ui.heading("Token");
            if ui.button("Paste").on_hover_text("Paste a token from the clipboard (Ctrl+V)").clicked() {
                out.push(Command::PasteToken);
            }
            if ui.button("Open…").on_hover_text("Open a file holding a token (Ctrl+O)").clicked() {
                out.push(Command::OpenTokenFile);
            }
            if ui.button("Clear").clicked() {
                out.push(Command::ClearToken);
            }
            if let Some(t) = state.parsed() {
                let jwe = t.kind == Kind::Jwe;
                let hover = if jwe {
                    "An encrypted token (JWE) cannot be re-signed as a JWS: its content is unreadable"
                } else {
                    "Copy its header and claims into the Sign tab"
                };
                if ui
                    .add_enabled(!jwe, egui::Button::new("Edit this token"))
                    .on_hover_text(hover)
                    .on_disabled_hover_text(hover)
                    .clicked()
                {
                    out.push(Command::EditThisToken);
                }
            }
        });
        let dark = ui.visuals().dark_mode;
        let plain = ui.visuals().text_color();
        if state.input.len() > LARGE_INPUT {
            large_input(ui, state, dark, plain, out);
        } else {
            Self::editor(ui, state, dark, plain, out);
        }
        ui.add_space(6.0);
        match &state.token {
            None => welcome(ui, out),
            Some(Err(e)) => error_view(ui, e, &state.input),
            Some(Ok(t)) => {
                // A JWE's timeline is its nested JWT's, drawn with it below the Decrypt section:
                // decrypting never pushes that section down under the pointer.
                if t.kind != Kind::Jwe {
                    crate::ui::timeline::token_ui(ui, state, tall, out);
                }
                self.decoded(ui, t, state, out);
            }
        }
    }

    fn editor(ui: &mut Ui, state: &AppState, dark: bool, plain: Color32, out: &mut Vec<Command>) {
        let mut text = state.input.clone();
        let bad = bad_char_offset(state);
        let mut layouter = |ui: &Ui, buf: &dyn egui::TextBuffer, wrap_width: f32| -> Arc<egui::Galley> {
            let font = egui::TextStyle::Monospace.resolve(ui.style());
            // The mark belongs to the text it was found in, not to what is being typed.
            let bad = bad.filter(|_| buf.as_str() == state.input);
            ui.painter().layout_job(coloured_job(buf.as_str(), dark, &font, wrap_width, plain, bad))
        };
        let edit = egui::TextEdit::multiline(&mut text)
            .hint_text("Paste a JWT, an Authorization header, a JWS JSON object or a JWE")
            .desired_rows(4)
            .desired_width(f32::INFINITY)
            .layouter(&mut layouter);
        let response =
            egui::ScrollArea::vertical().id_salt("token-input").max_height(160.0).show(ui, |ui| ui.add(edit)).inner;
        let response = response.on_hover_text("Token input");
        if response.changed() {
            out.push(Command::SetToken(text));
        }
    }

    fn decoded(&mut self, ui: &mut Ui, t: &Token, state: &AppState, out: &mut Vec<Command>) {
        let now = state.clock.now();
        let dark = ui.visuals().dark_mode;
        ui.horizontal(|ui| {
            let form = match (t.kind, t.serialization) {
                (Kind::Jwe, _) => "JWE (encrypted)",
                (Kind::Jws, token::Serialization::Compact) => "JWS, compact",
                (Kind::Jws, token::Serialization::JsonFlattened) => "JWS, flattened JSON",
                (Kind::Jws, token::Serialization::JsonGeneral) => "JWS, general JSON",
            };
            ui.label(RichText::new(form).strong());
            ui.checkbox(&mut self.raw_json, "Raw JSON");
        });
        ui.vertical(|ui| {
            // Duplicate members and other parse notes, scrolled with the rest (a hostile token
            // may carry many).
            for w in t.warnings() {
                ui.label(RichText::new(format!("Warning: {}", text::visible(&w))).color(ui.visuals().warn_fg_color));
            }
            section(ui, "Header", part_colour(Part::Header, dark), |ui| {
                ui.horizontal(|ui| {
                    copy_button(ui, "Copy JSON", &pretty(t.header()), out);
                    if let Some(sig) = t.signatures.first() {
                        copy_button(ui, "Copy segment", sig.protected_b64(), out);
                    }
                });
                if self.raw_json {
                    raw(ui, &pretty(t.header()));
                } else {
                    json_tree(ui, "header", t.header(), Vocabulary::Header, now, out);
                }
            });
            if let Some(jwe) = &t.jwe {
                section(ui, "Encrypted content", part_colour(Part::Ciphertext, dark), |ui| {
                    ui.label("This token is encrypted (JWE). Its content can only be read with the recipient's key; without it only the header above is visible.");
                    ui.monospace(format!(
                        "encrypted key {} B · IV {} B · ciphertext {} B · tag {} B",
                        jwe.encrypted_key_len, jwe.iv_len, jwe.ciphertext_len, jwe.tag_len
                    ));
                });
                section(ui, "Decrypt", part_colour(Part::Ciphertext, dark), |ui| {
                    crate::ui::decrypt::section_ui(ui, state, &mut self.password, now, out);
                });
                // The nested JWS (a JWS: this branch is not reached again for it).
                if let Some(inner) = state.decryption.nested() {
                    ui.push_id("nested-jwt", |ui| {
                        ui.add_space(6.0);
                        ui.label(RichText::new("Nested JWT (the decrypted plaintext)").heading());
                        crate::ui::timeline::token_ui(ui, state, true, out);
                        self.decoded(ui, inner, state, out);
                    });
                }
                return;
            }
            section(ui, "Payload", part_colour(Part::Payload, dark), |ui| {
                ui.horizontal(|ui| {
                    if let Some(c) = t.claims() {
                        copy_button(ui, "Copy JSON", &pretty(c), out);
                    }
                    copy_button(ui, "Copy segment", t.payload_b64(), out);
                });
                match t.claims() {
                    Some(c) if self.raw_json => raw(ui, &pretty(c)),
                    Some(c) => json_tree(ui, "claims", c, Vocabulary::Claims, now, out),
                    None => {
                        ui.label(t.payload_note().unwrap_or(""));
                        if let Some(text) = t.payload_text() {
                            ui.monospace(text::visible_lines(&text.chars().take(10_000).collect::<String>()));
                        }
                    }
                }
            });
            for (i, sig) in t.signatures.iter().enumerate() {
                let title = if t.signatures.len() > 1 { format!("Signature {}", i + 1) } else { "Signature".to_owned() };
                section(ui, &title, part_colour(Part::Signature, dark), |ui| {
                    ui.horizontal(|ui| {
                        ui.label(format!("{} bytes", sig.signature.len()));
                        copy_button(ui, "Copy segment", &sig.signature_b64, out);
                    });
                    ui.add(egui::Label::new(RichText::new(&sig.signature_b64).monospace()).wrap());
                    if let Some(u) = &sig.unprotected {
                        ui.label("Unprotected header (not covered by the signature):");
                        ui.monospace(pretty(u));
                    }
                });
            }
        });
    }
}

/// A large token: a coloured, read-only preview of its ends, with its size.
fn large_input(ui: &mut Ui, state: &AppState, dark: bool, plain: Color32, out: &mut Vec<Command>) {
    ui.label(format!(
        "A large token ({:.1} MB): shown as a preview; the decoded view below is complete.",
        state.input.len() as f64 / 1_048_576.0
    ));
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let job = coloured_job(&preview(&state.input), dark, &font, ui.available_width(), plain, None);
    egui::ScrollArea::vertical().id_salt("token-preview").max_height(160.0).show(ui, |ui| ui.label(job));
    copy_button(ui, "Copy the whole token", &state.input, out);
}

/// Pretty JSON, cut at [`RAW_JSON_LIMIT`] bytes.
fn raw(ui: &mut Ui, json: &str) {
    let json: &str = &text::json_ascii_controls(json);
    if json.len() <= RAW_JSON_LIMIT {
        ui.monospace(json);
        return;
    }
    let cut = json.floor_char_boundary(RAW_JSON_LIMIT);
    ui.monospace(&json[..cut]);
    ui.label(format!("… {} more bytes; switch off Raw JSON for the full tree, or copy the JSON.", json.len() - cut));
}

fn section(ui: &mut Ui, title: &str, colour: Color32, body: impl FnOnce(&mut Ui)) {
    egui::CollapsingHeader::new(RichText::new(title).color(colour).strong())
        .id_salt(title)
        .default_open(true)
        .show(ui, body);
}

fn pretty(obj: &serde_json::Map<String, Value>) -> String {
    serde_json::to_string_pretty(obj).unwrap_or_default()
}

/// The first screen: what a JWT is, three examples, the labs.
fn welcome(ui: &mut Ui, out: &mut Vec<Command>) {
    let dark = ui.visuals().dark_mode;
    ui.heading("New to JWTs? Start here");
    ui.horizontal_wrapped(|ui| {
        ui.label("A JWT is three base64url parts joined by dots:");
        for (i, part) in [Part::Header, Part::Payload, Part::Signature].into_iter().enumerate() {
            if i > 0 {
                ui.monospace(".");
            }
            ui.label(RichText::new(part.name()).monospace().strong().color(part_colour(part, dark)));
        }
    });
    for (part, what) in [
        (Part::Header, "says how it was signed: the algorithm (alg) and which key (kid)."),
        (
            Part::Payload,
            "holds the claims: who it is about (sub), who issued it (iss), for whom (aud), until when (exp).",
        ),
        (Part::Signature, "proves the issuer signed header and payload; only the issuer's key verifies it."),
    ] {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(part.name()).strong().color(part_colour(part, dark)));
            ui.label(what);
        });
    }
    ui.add_space(4.0);
    ui.label(RichText::new("Encoded is not encrypted.").strong());
    ui.label("Anyone holding a JWT can read its claims, as this window does: never put secrets in one. The signature stops changes, not reading.");
    ui.add_space(8.0);
    ui.label(RichText::new("Try one (the keys that verify them are loaded with it):").strong());
    ui.horizontal_wrapped(|ui| {
        for (label, sample) in EXAMPLES {
            if ui.button(label).clicked() {
                out.push(Command::TryExample(sample));
            }
        }
    });
    ui.label("Or paste a token above, drop a file on the window, or pick one from Samples.");
    ui.add_space(8.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Choosing between sessions and JWTs?").strong());
        if ui.button("Compare them on your own numbers").clicked() {
            out.push(Command::SelectTab(Tab::Compare));
        }
    });
    let labs: Vec<Tab> = Tab::ALL.into_iter().filter(|t| !matches!(t, Tab::Decode | Tab::Start)).collect();
    if !labs.is_empty() {
        ui.add_space(8.0);
        ui.label(RichText::new("Then explore:").strong());
        for tab in labs {
            ui.horizontal_wrapped(|ui| {
                if ui.button(tab.label()).clicked() {
                    out.push(Command::SelectTab(tab));
                }
                ui.label(tab.caption());
            });
        }
    }
}

fn error_view(ui: &mut Ui, e: &Error, input: &str) {
    let colour = ui.visuals().error_fg_color;
    let heading = if matches!(e, Error::Io { .. }) { "Could not open the token" } else { "Not a token" };
    ui.label(RichText::new(heading).color(colour).strong());
    ui.label(RichText::new(e.to_string()).color(colour));
    if let Error::Base64 { offset, .. } = e {
        let (clean, _) = token::clean_input(input);
        ui.monospace(error_snippet(clean, *offset));
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use super::*;
    use crate::ui::app::{Settings, TokenbenchApp};
    use crate::ui::platform::FakePlatform;
    use crate::ui::timeline::{plot_bounds, token_plot_id};

    fn app(w: f32, h: f32) -> Harness<'static, TokenbenchApp> {
        Harness::builder()
            .with_size(egui::vec2(w, h))
            // A wheel notch scrolls smoothly over a few frames.
            .with_max_steps(32)
            .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()))
    }

    /// One notch of the mouse wheel (content moves up: the view goes down) at `at`.
    fn wheel_down(h: &mut Harness<'_, TokenbenchApp>, at: egui::Pos2, points: f32) {
        h.hover_at(at);
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -points),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        h.run();
    }

    /// The bottom of what the centre shows: above the status line.
    fn visible_bottom(h: &Harness<'_, TokenbenchApp>) -> f32 {
        h.get_by_label("Back to now").rect().min.y - 30.0
    }

    #[test]
    fn at_800x480_one_scroll_reaches_the_claims_and_the_wheel_over_the_plot_scrolls_the_page() {
        let mut h = app(800.0, 480.0);
        h.state_mut().apply(vec![Command::TryExample(0)]);
        h.run();
        // A short window starts with the timeline folded: the header shows at once.
        assert!(plot_bounds(&h.ctx, token_plot_id()).is_none(), "the timeline starts folded");
        h.get_by_label("Timeline").click();
        h.run();
        let frame = egui_plot::PlotMemory::load(&h.ctx, token_plot_id()).unwrap().transform().frame().to_owned();
        // Ctrl+wheel (a zoom to egui) over the plot zooms it.
        let before = plot_bounds(&h.ctx, token_plot_id()).unwrap();
        h.hover_at(frame.center());
        h.event(egui::Event::Zoom(1.5));
        h.run();
        let bounds = plot_bounds(&h.ctx, token_plot_id()).unwrap();
        assert!(bounds.width() < before.width() * 0.8, "zoomed: {} then {}", before.width(), bounds.width());
        let paste = h.get_by_label("Paste").rect().min.y;
        // The wheel over the plot scrolls the page and leaves the plot's view alone.
        wheel_down(&mut h, frame.center(), 120.0);
        assert!(h.get_by_label("Paste").rect().min.y < paste - 60.0, "the page scrolled");
        let after = plot_bounds(&h.ctx, token_plot_id()).unwrap();
        assert!((after.min()[0] - bounds.min()[0]).abs() < 1e-6, "the plot did not pan");
        // The claims come into view by scrolling the same column.
        let centre = h.get_by_label("Paste").rect().center();
        for _ in 0..12 {
            if h.get_by_label_contains("248289761001").rect().max.y < visible_bottom(&h) {
                break;
            }
            wheel_down(&mut h, egui::pos2(centre.x, 300.0), 120.0);
        }
        let sub = h.get_by_label_contains("248289761001").rect();
        assert!(sub.min.y > 30.0 && sub.max.y < visible_bottom(&h), "the claim sub is on screen: {sub:?}");
    }

    #[test]
    fn a_new_token_starts_the_decoded_view_at_the_top() {
        let mut h = app(800.0, 480.0);
        h.state_mut().apply(vec![Command::TryExample(0)]);
        h.run();
        let top = h.get_by_label("Paste").rect().min.y;
        let at = egui::pos2(h.get_by_label("Paste").rect().center().x, 300.0);
        for _ in 0..3 {
            wheel_down(&mut h, at, 120.0);
        }
        assert!(h.get_by_label("Paste").rect().min.y < top - 100.0, "scrolled down");
        h.state_mut().apply(vec![Command::LoadSample(1)]);
        h.run();
        assert!((h.get_by_label("Paste").rect().min.y - top).abs() < 1.0, "back at the top for the new token");
    }

    #[test]
    fn ten_thousand_claims_fill_the_width_and_the_last_one_is_reachable() {
        let mut claims = serde_json::Map::new();
        for i in 0..10_000 {
            claims.insert(format!("m{i}"), Value::from(i));
        }
        let header = token::encode_b64url(br#"{"alg":"HS256"}"#);
        let payload = token::encode_b64url(serde_json::to_string(&claims).unwrap().as_bytes());
        let mut h = app(1280.0, 800.0);
        h.state_mut().apply(vec![Command::SetToken(format!("{header}.{payload}.AAAA"))]);
        h.run();
        let first = h.get_by_label("m0:").rect();
        let centre_right = h.get_by_label("Verify").rect().min.x;
        // The wheel at the right of the centre, level with the rows, scrolls the list: it is as
        // wide as the column.
        let right = egui::pos2(centre_right - 40.0, first.center().y + 40.0);
        wheel_down(&mut h, right, 300.0);
        assert!(h.query_by_label("m0:").is_none(), "the list scrolled (its first rows left the view)");
        // Far down, the last member shows whole, inside the list's view.
        for _ in 0..400 {
            if h.query_by_label("m9999:").is_some() {
                break;
            }
            wheel_down(&mut h, right, 2000.0);
        }
        for _ in 0..3 {
            wheel_down(&mut h, right, 2000.0);
        }
        let last = h.get_by_label("m9999:").rect();
        assert!(last.max.y < visible_bottom(&h), "the last member is in view: {last:?}");
        let copy =
            h.get_all_by_label("Copy").map(|n| n.rect()).filter(|r| (r.center().y - last.center().y).abs() < 2.0);
        assert_eq!(copy.count(), 1, "its Copy button too");
    }

    #[test]
    fn the_side_panels_give_way_when_the_window_shrinks() {
        let mut h = app(1280.0, 800.0);
        h.state_mut().apply(vec![Command::TryExample(0)]);
        h.run();
        h.set_size(egui::vec2(800.0, 480.0));
        h.run();
        let centre = h.get_by_label("Verify").rect().min.x - h.get_by_label("Token").rect().min.x;
        assert!(centre >= 340.0, "the centre keeps its share at 800 px: {centre}");
    }

    #[test]
    fn colours_follow_segments() {
        let job = coloured_job("Bearer aaa.bbb.ccc", true, &FontId::monospace(12.0), 100.0, Color32::WHITE, None);
        let texts: Vec<&str> =
            job.sections.iter().map(|s| &job.text[s.byte_range.start.0..s.byte_range.end.0]).collect();
        assert_eq!(texts, ["Bearer ", "aaa", ".", "bbb", ".", "ccc", ""]);
        assert_eq!(job.sections[1].format.color, part_colour(Part::Header, true));
        assert_eq!(job.sections[5].format.color, part_colour(Part::Signature, true));
    }

    #[test]
    fn a_jwe_gets_five_colours_and_a_bad_character_is_marked() {
        let job = coloured_job("a.b.c.d.e", false, &FontId::monospace(12.0), 100.0, Color32::BLACK, None);
        let colours: std::collections::HashSet<Color32> = job
            .sections
            .iter()
            .filter(|s| {
                let text = &job.text[s.byte_range.start.0..s.byte_range.end.0];
                text.len() == 1 && text != "."
            })
            .map(|s| s.format.color)
            .collect();
        assert_eq!(colours.len(), 5);
        // The "?" at byte 5 of "aaa.b?b.ccc" gets the error background, alone.
        let job = coloured_job("aaa.b?b.ccc", true, &FontId::monospace(12.0), 100.0, Color32::WHITE, Some(5));
        let marked: Vec<&str> = job
            .sections
            .iter()
            .filter(|s| s.format.background == palette(true).bad_fill)
            .map(|s| &job.text[s.byte_range.start.0..s.byte_range.end.0])
            .collect();
        assert_eq!(marked, ["?"]);
    }

    #[test]
    fn large_tokens_are_previewed_by_their_ends() {
        let big = format!("{}.{}.{}", "h".repeat(100), "p".repeat(200_000), "s".repeat(50));
        let p = preview(&big);
        assert!(p.len() < 4200, "{}", p.len());
        assert!(p.starts_with("hhhh") && p.ends_with("ssss"));
        assert!(p.contains("bytes not shown"));
        assert_eq!(preview("ab"), "ab … [0 bytes not shown] … ");
    }

    #[test]
    fn the_bad_character_is_found_in_the_input_as_typed() {
        let mut s = AppState::default();
        let mut p = crate::ui::platform::FakePlatform::default();
        let typed = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIi?In0.AAAA";
        s.handle(Command::SetToken(typed.into()), &mut p);
        let at = bad_char_offset(&s).unwrap();
        assert_eq!(&typed[at..=at], "?");
    }

    #[test]
    fn snippets_point_at_the_bad_character() {
        assert_eq!(error_snippet("abc?def", 3), "…abc[?]def…");
        assert_eq!(error_snippet("ab", 2), "…ab[<end>]…");
        assert_eq!(error_snippet("é?", 1), "…[é]?…");
    }
}
