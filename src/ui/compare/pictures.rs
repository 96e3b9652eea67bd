//! A small picture per Compare row, for those who would rather look than read: two bars to
//! one scale, sessions above and JWT below, drawn from the same figures the row's sentences
//! state (the cells' `figures`, as `tokenbench compare --json` prints them). A figure with no
//! end (a token nothing expires) runs off the bar's end; a figure the row does not have is an
//! empty dashed box.

use egui::{Color32, Pos2, Rect, Sense, Stroke, Ui, pos2, vec2};

use crate::core::engine::token::Part;
use crate::core::labs::compare::advise::Factor;
use crate::core::labs::compare::{Cell, Row};
use crate::core::text::{human_bytes, lifetime_words, thousands};
use crate::ui::theme::part_colour;

/// The picture's size, points.
pub const SIZE: egui::Vec2 = egui::vec2(96.0, 24.0);

/// One side's figure as the picture draws it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// A number, in the picture's unit.
    Value(f64),
    /// No end: a token nothing expires stays usable until the signing key is rotated (the
    /// row's figure is `null` where the model has no number for "never").
    Endless,
    /// The row has no such figure (not measured, or another kind of row).
    Absent,
}

/// What a picture's numbers count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Bytes.
    Bytes,
    /// Seconds.
    Seconds,
    /// A plain count (requests, lookups, findings).
    Count,
}

impl Unit {
    /// A figure in words, as the row's sentences say it.
    #[must_use]
    pub fn words(self, figure: Figure) -> String {
        match figure {
            Figure::Absent => "no figure".into(),
            Figure::Endless => "no end (until the signing key is rotated)".into(),
            Figure::Value(v) => match self {
                Unit::Bytes => human_bytes(v),
                Unit::Seconds => lifetime_words(v),
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Unit::Count if v.fract() == 0.0 && (0.0..1e15).contains(&v) => thousands(v as u64),
                Unit::Count => format!("{v}"),
            },
        }
    }
}

/// A row's picture: what it shows and each side's figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    /// What the bars measure, in words.
    pub what: &'static str,
    /// The unit of both figures.
    pub unit: Unit,
    /// Sessions' figure (the upper bar).
    pub sessions: Figure,
    /// JWT's figure (the lower bar).
    pub jwt: Figure,
}

impl Picture {
    /// The picture in words: its hover text and its name for screen readers.
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "{}: sessions {}, JWT {} (upper bar sessions, lower JWT, one scale)",
            self.what,
            self.unit.words(self.sessions),
            self.unit.words(self.jwt)
        )
    }
}

/// Which figures a row's picture draws: its words, its unit, and each side's figure names
/// (summed when more than one).
fn spec(factor: Factor) -> (&'static str, Unit, &'static [&'static str], &'static [&'static str]) {
    match factor {
        Factor::State => {
            ("State per signed-in user (server record; token)", Unit::Bytes, &["record_bytes"], &["token_bytes"])
        }
        Factor::Storage => (
            "Kept on the servers for all users (sessions; a JWT's denylist)",
            Unit::Bytes,
            &["bytes"],
            &["denylist_bytes"],
        ),
        Factor::Scalability => (
            "Requests failing when a server dies (sticky in-memory sessions; JWT)",
            Unit::Count,
            &["local_failed_requests"],
            &["failed_requests"],
        ),
        Factor::Revocation => {
            ("A revoked credential still works for", Unit::Seconds, &["exposure_seconds"], &["exposure_seconds"])
        }
        Factor::RequestOverhead => ("Credential bytes in every request", Unit::Bytes, &["bytes"], &["bytes"]),
        Factor::CrossDomain => ("Calls to another site that fail", Unit::Count, &["failed"], &["failed"]),
        Factor::Mobile => {
            ("Credential bytes a native app sends", Unit::Bytes, &["credential_bytes"], &["credential_bytes"])
        }
        Factor::Microservices => (
            "Checks per request (store lookups; signature verifications)",
            Unit::Count,
            &["lookups_per_request"],
            &["verifications_per_request"],
        ),
        Factor::Complexity => {
            ("Attack surface that applies (session risks; JWT pitfalls)", Unit::Count, &["apply"], &["apply"])
        }
    }
}

/// A cell's figure by `names`: their sum; `Endless` when one is `null` (the models' "never"),
/// `Absent` when one is missing or not a number.
fn figure(cell: &Cell, names: &[&str]) -> Figure {
    let mut sum = 0.0;
    for name in names {
        match cell.figures.get(*name) {
            None => return Figure::Absent,
            Some(serde_json::Value::Null) => return Figure::Endless,
            Some(v) => match v.as_f64() {
                Some(x) if x.is_finite() => sum += x,
                _ => return Figure::Absent,
            },
        }
    }
    Figure::Value(sum)
}

/// A row's picture, from the row's own figures.
#[must_use]
pub fn picture(row: &Row) -> Picture {
    let (what, unit, s, j) = spec(row.factor);
    Picture { what, unit, sessions: figure(&row.sessions, s), jwt: figure(&row.jwt, j) }
}

/// The share of the bar's width a finite figure takes. With an endless figure beside it, the
/// largest finite one takes 80 % so the endless bar is seen to go further.
#[must_use]
pub fn lengths(p: &Picture) -> [Option<f32>; 2] {
    let finite = |f: Figure| if let Figure::Value(v) = f { Some(v.max(0.0)) } else { None };
    let max = [p.sessions, p.jwt].into_iter().filter_map(finite).fold(0.0_f64, f64::max);
    let endless = p.sessions == Figure::Endless || p.jwt == Figure::Endless;
    let full = if endless { 0.8 } else { 1.0 };
    #[allow(clippy::cast_possible_truncation)]
    [p.sessions, p.jwt].map(|f| match f {
        Figure::Value(v) if max > 0.0 => Some((v.max(0.0) / max) as f32 * full),
        Figure::Value(_) => Some(0.0),
        Figure::Endless => Some(1.0),
        Figure::Absent => None,
    })
}

/// Draws `row`'s picture; hovering it says the figures in words.
pub fn show(ui: &mut Ui, row: &Row) -> egui::Response {
    let p = picture(row);
    let (rect, response) = ui.allocate_exact_size(SIZE, Sense::hover());
    let words = p.describe();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &words));
    if ui.is_rect_visible(rect) {
        let dark = ui.visuals().dark_mode;
        let colours = [part_colour(Part::Header, dark), part_colour(Part::Signature, dark)];
        let figures = [p.sessions, p.jwt];
        let bar_h = (rect.height() - 4.0) / 2.0;
        for (i, length) in lengths(&p).into_iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let top = rect.top() + 1.0 + i as f32 * (bar_h + 2.0);
            let lane = Rect::from_min_size(pos2(rect.left(), top), vec2(rect.width(), bar_h));
            draw_bar(ui, lane, figures[i], length, colours[i]);
        }
    }
    response.on_hover_text(words)
}

fn draw_bar(ui: &Ui, lane: Rect, figure: Figure, length: Option<f32>, colour: Color32) {
    let painter = ui.painter();
    match (figure, length) {
        (Figure::Absent, _) | (_, None) => {
            // An empty dashed box: nothing to draw.
            let stroke = Stroke::new(1.0, ui.visuals().weak_text_color());
            let r = lane.shrink(0.5);
            let corners = [r.left_top(), r.right_top(), r.right_bottom(), r.left_bottom(), r.left_top()];
            for pair in corners.windows(2) {
                painter.extend(egui::Shape::dashed_line(&[pair[0], pair[1]], stroke, 3.0, 3.0));
            }
        }
        (Figure::Endless, _) => {
            // Runs to the edge and past it: a bar without a right end, then chevrons.
            let body = Rect::from_min_max(lane.min, pos2(lane.right() - 14.0, lane.bottom()));
            painter.rect_filled(body, 1.0, colour);
            let stroke = Stroke::new(1.5, colour);
            for k in 0..2 {
                #[allow(clippy::cast_precision_loss)]
                let x = body.right() + 2.0 + k as f32 * 6.0;
                let c = lane.center().y;
                let h = lane.height() / 2.0;
                painter.line(vec![Pos2::new(x, c - h), Pos2::new(x + 4.0, c), Pos2::new(x, c + h)], stroke);
            }
        }
        (Figure::Value(_), Some(share)) => {
            // A zero is a thin tick at the start, so it reads as "none", not as missing.
            let w = (lane.width() * share).max(2.0);
            painter.rect_filled(Rect::from_min_size(lane.min, vec2(w, lane.height())), 1.0, colour);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::*;

    fn cell(pairs: &[(&str, Value)]) -> Cell {
        let figures: Map<String, Value> = pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        Cell { text: String::new(), source: String::new(), figures }
    }

    fn row(factor: Factor, sessions: Cell, jwt: Cell) -> Row {
        Row { factor, caption: "", sessions, jwt }
    }

    #[test]
    fn an_endless_figure_and_an_absent_one_are_drawn_apart_from_numbers() {
        let r = row(
            Factor::Revocation,
            cell(&[("exposure_seconds", json!(0))]),
            cell(&[("exposure_seconds", Value::Null)]),
        );
        let p = picture(&r);
        assert_eq!((p.sessions, p.jwt), (Figure::Value(0.0), Figure::Endless));
        assert_eq!(lengths(&p), [Some(0.0), Some(1.0)]);
        assert_eq!(
            p.describe(),
            "A revoked credential still works for: sessions 0 s, JWT no end (until the signing key is rotated) \
             (upper bar sessions, lower JWT, one scale)"
        );
        let r = row(Factor::RequestOverhead, cell(&[("bytes", json!(34))]), cell(&[]));
        let p = picture(&r);
        assert_eq!((p.sessions, p.jwt), (Figure::Value(34.0), Figure::Absent));
        assert_eq!(lengths(&p), [Some(1.0), None]);
        // Beside an endless bar, the largest finite one stops short of it.
        let r = row(Factor::Storage, cell(&[("bytes", json!(1000))]), cell(&[("denylist_bytes", Value::Null)]));
        assert_eq!(lengths(&picture(&r)), [Some(0.8), Some(1.0)]);
        // Complexity draws what applies: the session risks against the JWT pitfalls.
        let r = row(
            Factor::Complexity,
            cell(&[("risks", json!(2)), ("apply", json!(2))]),
            cell(&[("pitfalls", json!(5)), ("apply", json!(3)), ("high", json!(1))]),
        );
        let p = picture(&r);
        assert_eq!((p.sessions, p.jwt), (Figure::Value(2.0), Figure::Value(3.0)));
        assert_eq!(lengths(&p), [Some(2.0 / 3.0), Some(1.0)]);
    }
}
