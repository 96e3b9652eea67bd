//! The painter-drawn parts of the flows lab: a sequence diagram per lane (lifelines, messages
//! with their real header lines cut to fit and whole on hover, lookups and verifications
//! highlighted, failures red, the current message growing) and the strip of servers one can
//! kill with a click.

use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{Align2, Color32, FontId, Id, Rect, Sense, Stroke, Ui, Vec2, pos2, vec2};

use crate::core::engine::token::Part;
use crate::core::labs::flows::lab::Drawn;
use crate::core::labs::flows::sequence::{Actor, Emphasis};
use crate::core::labs::flows::{Config, Flow, Mode, Revocation, Store};
use crate::ui::theme::{palette, part_colour};

/// Height of one message row.
pub const ROW_HEIGHT: f32 = 19.0;
const HEADER_HEIGHT: f32 = 34.0;
const FONT_SIZE: f32 = 11.0;

/// A lifeline column: servers share one column, services share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Client,
    Balancer,
    Server,
    Store,
    Auth,
    Services,
    OtherSite,
}

fn column_of(actor: Actor) -> Column {
    match actor {
        Actor::Client => Column::Client,
        Actor::Balancer => Column::Balancer,
        Actor::Server(_) => Column::Server,
        Actor::Store => Column::Store,
        Actor::Auth => Column::Auth,
        Actor::Service(_) => Column::Services,
        Actor::OtherSite => Column::OtherSite,
    }
}

/// The lifelines a lane needs, left to right.
fn columns(cfg: &Config) -> Vec<Column> {
    let mut cols = vec![Column::Client, Column::Balancer, Column::Server];
    if cfg.has_sessions() || cfg.revocation != Revocation::None {
        cols.push(Column::Store);
    }
    if cfg.mode == Mode::Jwt {
        cols.push(Column::Auth);
    }
    if cfg.services > 0 {
        cols.push(Column::Services);
    }
    if cfg.cross_site_every > 0 {
        cols.push(Column::OtherSite);
    }
    cols
}

fn column_title(col: Column, cfg: &Config, server: Option<u32>) -> (String, String) {
    match col {
        Column::Client if cfg.client == crate::core::labs::flows::Client::Mobile => {
            ("Client".into(), "native app".into())
        }
        Column::Client => ("Client".into(), "browser".into()),
        Column::Balancer => ("Load".into(), "balancer".into()),
        Column::Server => ("App server".into(), server.map_or_else(|| "1 of N".into(), |s| format!("#{s}"))),
        Column::Store if cfg.mode == Mode::Jwt => ("Revocation".into(), format!("{} store", cfg.revocation.name())),
        Column::Store => (
            "Session store".into(),
            match cfg.store {
                Store::Shared => "shared".into(),
                Store::Local => "in each server".into(),
                Store::Replicated => "replicated".into(),
            },
        ),
        Column::Auth => ("Auth".into(), "server".into()),
        Column::Services => ("Services".into(), format!("×{}", cfg.services)),
        Column::OtherSite => ("Other site".into(), "partner API".into()),
    }
}

/// Colour of a message by its emphasis.
#[must_use]
pub fn emphasis_colour(e: Emphasis, ui: &Ui) -> Color32 {
    let dark = ui.visuals().dark_mode;
    match e {
        Emphasis::Plain => ui.visuals().text_color(),
        Emphasis::Lookup => palette(dark).warn,
        Emphasis::Verify => part_colour(Part::Signature, dark),
        Emphasis::Sign | Emphasis::Replication => part_colour(Part::Payload, dark),
        Emphasis::Failure => ui.visuals().error_fg_color,
        Emphasis::Refused => ui.visuals().weak_text_color(),
        Emphasis::Warning => ui.visuals().warn_fg_color,
    }
}

/// How many characters of `char_width` fit in `width`, plus two so the ellipsis shows.
fn fit_chars(width: f32, char_width: f32) -> usize {
    let mut n = 2;
    let mut used = 0.0;
    while used < width && n < 4096 {
        used += char_width;
        n += 1;
    }
    n
}

/// Draws one lane's sequence diagram: `messages` revealed up to `progress` (in messages; the
/// message at `floor(progress)` grows). `rows` fixes the height so both lanes line up.
#[allow(clippy::too_many_lines)] // one picture, drawn top to bottom
pub fn sequence(ui: &mut Ui, id: Id, cfg: &Config, messages: &[Drawn], progress: f32, rows: usize) {
    let cols = columns(cfg);
    let width = ui.available_width().max(240.0);
    let height = HEADER_HEIGHT + ROW_HEIGHT * rows.max(1) as f32 + 8.0;
    let (rect, _) = ui.allocate_exact_size(vec2(width, height), Sense::hover());
    if !ui.is_rect_visible(rect) {
        return;
    }
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals().clone();
    let step = rect.width() / cols.len() as f32;
    let x_of = |c: Column| {
        let i = cols.iter().position(|x| *x == c).unwrap_or(0);
        rect.left() + step * (i as f32 + 0.5)
    };
    let server = messages.iter().find_map(|d| match (d.message.from, d.message.to) {
        (Actor::Server(s), _) | (_, Actor::Server(s)) => Some(s),
        _ => None,
    });
    let weak = visuals.weak_text_color();
    let small = FontId::proportional(FONT_SIZE);
    for &c in &cols {
        let x = x_of(c);
        let (title, sub) = column_title(c, cfg, server);
        let head =
            Rect::from_center_size(pos2(x, rect.top() + HEADER_HEIGHT / 2.0), vec2(step - 6.0, HEADER_HEIGHT - 4.0));
        painter.rect_filled(head, 4.0, visuals.faint_bg_color);
        painter.rect_stroke(head, 4.0, visuals.widgets.noninteractive.bg_stroke, egui::StrokeKind::Inside);
        painter.text(pos2(x, head.top() + 9.0), Align2::CENTER_CENTER, title, small.clone(), visuals.text_color());
        painter.text(pos2(x, head.bottom() - 8.0), Align2::CENTER_CENTER, sub, small.clone(), weak);
        let top = rect.top() + HEADER_HEIGHT;
        painter.extend(egui::Shape::dashed_line(
            &[pos2(x, top), pos2(x, rect.bottom())],
            Stroke::new(1.0, weak),
            4.0,
            3.0,
        ));
    }
    let shown = progress.max(0.0);
    let mono = FontId::monospace(FONT_SIZE);
    let char_width = ui.fonts_mut(|f| f.glyph_width(&mono, 'M')).max(1.0);
    for (i, d) in messages.iter().enumerate() {
        // In steps, so the view changes only at the instants the lab schedules frames for.
        let reveal = ((shown - i as f32).clamp(0.0, 1.0) * super::REVEAL_STEPS).floor() / super::REVEAL_STEPS;
        if reveal <= 0.0 {
            break;
        }
        let y = rect.top() + HEADER_HEIGHT + ROW_HEIGHT * (i as f32 + 0.78);
        let colour = emphasis_colour(d.message.emphasis, ui);
        let highlighted = matches!(
            d.message.emphasis,
            Emphasis::Lookup | Emphasis::Verify | Emphasis::Sign | Emphasis::Failure | Emphasis::Warning
        );
        let row = Rect::from_min_max(pos2(rect.left(), y - ROW_HEIGHT + 3.0), pos2(rect.right(), y + 3.0));
        if highlighted {
            painter.rect_filled(row, 2.0, colour.gamma_multiply(0.12));
        }
        let x0 = x_of(column_of(d.message.from));
        let x1 = x_of(column_of(d.message.to));
        let stroke = Stroke::new(if highlighted { 2.0 } else { 1.2 }, colour);
        let (label_left, label_width) = if (x1 - x0).abs() < 1.0 {
            // A step inside one actor: a small loop, the label to its right.
            let loop_w = 12.0 * reveal;
            let pts = [pos2(x0, y - 6.0), pos2(x0 + loop_w, y - 6.0), pos2(x0 + loop_w, y), pos2(x0 + 2.0, y)];
            painter.add(egui::Shape::line(pts.to_vec(), stroke));
            let right = rect.right() - x0 - 18.0;
            if right >= 200.0 || right >= x0 - rect.left() {
                (x0 + 16.0, right)
            } else {
                // Near the right edge: the label goes to the left of the lifeline.
                (rect.left() + 4.0, x0 - rect.left() - 8.0)
            }
        } else {
            let end = x0 + (x1 - x0) * reveal;
            if d.message.emphasis == Emphasis::Replication {
                painter.extend(egui::Shape::dashed_line(&[pos2(x0, y), pos2(end, y)], stroke, 5.0, 3.0));
            } else {
                painter.line_segment([pos2(x0, y), pos2(end, y)], stroke);
            }
            if reveal >= 1.0 {
                let dir = (x1 - x0).signum();
                painter.line_segment([pos2(x1, y), pos2(x1 - dir * 6.0, y - 4.0)], stroke);
                painter.line_segment([pos2(x1, y), pos2(x1 - dir * 6.0, y + 4.0)], stroke);
            }
            // The row is the message's own: its label may run on past the arrow to the edge.
            (x0.min(x1) + 4.0, rect.right() - x0.min(x1) - 8.0)
        };
        if reveal < 0.35 || label_width < 12.0 {
            continue;
        }
        // Cut to what fits before laying out: a whole token is hundreds of glyphs.
        let fits = d.text.char_indices().nth(fit_chars(label_width, char_width)).map_or(d.text.len(), |(i, _)| i);
        let cut = d.text[..fits].to_owned();
        let mut job = LayoutJob::single_section(
            cut,
            TextFormat { font_id: mono.clone(), color: colour, ..TextFormat::default() },
        );
        job.wrap =
            TextWrapping { max_width: label_width, max_rows: 1, break_anywhere: true, overflow_character: Some('…') };
        let galley = painter.layout_job(job);
        let left_of_lifeline = label_left + label_width < x0;
        let x = if left_of_lifeline { x0 - 4.0 - galley.size().x } else { label_left };
        let pos = pos2(x, y - 3.0 - galley.size().y);
        let label_rect = Rect::from_min_size(pos, galley.size());
        // Lifelines run under the labels: a backdrop keeps the text readable.
        let backdrop = if highlighted { colour.gamma_multiply(0.12) } else { visuals.panel_fill.gamma_multiply(0.85) };
        painter.rect_filled(label_rect.expand2(vec2(2.0, 0.0)), 2.0, visuals.panel_fill.gamma_multiply(0.85));
        if highlighted {
            painter.rect_filled(label_rect.expand2(vec2(2.0, 0.0)), 2.0, backdrop);
        }
        painter.galley(pos, galley, colour);
        let hover = Rect::from_min_max(label_rect.left_top(), pos2(label_rect.right(), y + 3.0));
        let response = ui.interact(hover, id.with(i), Sense::hover());
        // Painted text is invisible to screen readers: the label names the whole message.
        response.widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Label, true, &d.text));
        response.on_hover_ui(|ui| {
            ui.set_max_width(560.0);
            ui.add(egui::Label::new(egui::RichText::new(&d.text).monospace()).wrap_mode(egui::TextWrapMode::Wrap));
        });
    }
}

/// Which servers the current events touch: (session lane's, other lane's).
#[derive(Debug, Clone, Copy, Default)]
pub struct Highlight {
    /// The left lane's server.
    pub left: Option<u32>,
    /// The right lane's server.
    pub right: Option<u32>,
}

/// The strip of servers, laid out in the caller's (wrapping) row; returns the server clicked. `sessions` is the lane that keeps
/// sessions in server memory (its per-server counts are drawn as bars).
pub fn servers(ui: &mut Ui, flow: &Flow, sessions: Option<&Flow>, highlight: Highlight) -> Option<u32> {
    let n = flow.server_count();
    let avail = ui.available_width();
    let size = (avail / n.max(1) as f32 - 3.0).clamp(10.0, 26.0);
    let max_sessions = sessions.map_or(0, |f| (0..n).map(|s| f.sessions_on(s)).max().unwrap_or(0));
    let mut clicked = None;
    let visuals = ui.visuals().clone();
    let left_colour = part_colour(Part::Header, visuals.dark_mode);
    let right_colour = part_colour(Part::Signature, visuals.dark_mode);
    let spacing = ui.spacing().item_spacing;
    ui.spacing_mut().item_spacing = vec2(3.0, 3.0);
    {
        for s in 0..n {
            let alive = flow.is_alive(s);
            let (rect, response) =
                ui.allocate_exact_size(Vec2::splat(size), if alive { Sense::click() } else { Sense::hover() });
            let label = if alive { format!("Kill server {s}") } else { format!("Server {s} is down") };
            response.widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Button, alive, &label));
            let held = sessions.map(|f| f.sessions_on(s));
            let tip = match (alive, held) {
                (true, Some(h)) if max_sessions > 0 => {
                    format!("Server {s}: up, {h} sessions in its memory. Click to kill it.")
                }
                (true, _) => format!("Server {s}: up. Click to kill it."),
                (false, _) => format!("Server {s}: down."),
            };
            let response = response.on_hover_text(tip);
            if response.clicked() {
                clicked = Some(s);
            }
            let painter = ui.painter();
            let fill =
                if alive { visuals.widgets.inactive.weak_bg_fill } else { visuals.error_fg_color.gamma_multiply(0.35) };
            painter.rect_filled(rect, 3.0, fill);
            if let (Some(h), true) = (held, max_sessions > 0 && alive) {
                let frac = h as f32 / max_sessions as f32;
                let bar = Rect::from_min_max(
                    pos2(rect.left() + 2.0, rect.bottom() - 2.0 - (rect.height() - 4.0) * frac),
                    rect.right_bottom() - vec2(2.0, 2.0),
                );
                painter.rect_filled(bar, 1.0, palette(visuals.dark_mode).warn_fill.gamma_multiply(0.6));
            }
            if highlight.left == Some(s) {
                painter.rect_filled(Rect::from_min_size(rect.left_top(), vec2(rect.width(), 4.0)), 1.0, left_colour);
            }
            if highlight.right == Some(s) {
                painter.rect_filled(
                    Rect::from_min_size(rect.left_bottom() - vec2(0.0, 4.0), vec2(rect.width(), 4.0)),
                    1.0,
                    right_colour,
                );
            }
            let stroke = if response.hovered() {
                visuals.widgets.hovered.fg_stroke
            } else {
                visuals.widgets.noninteractive.bg_stroke
            };
            painter.rect_stroke(rect, 3.0, stroke, egui::StrokeKind::Inside);
            if alive {
                if size >= 18.0 {
                    painter.text(
                        rect.center(),
                        Align2::CENTER_CENTER,
                        s.to_string(),
                        FontId::proportional(11.0),
                        visuals.text_color(),
                    );
                }
            } else {
                let c = visuals.error_fg_color;
                painter.line_segment(
                    [rect.left_top() + vec2(3.0, 3.0), rect.right_bottom() - vec2(3.0, 3.0)],
                    Stroke::new(2.0, c),
                );
                painter.line_segment(
                    [rect.right_top() + vec2(-3.0, 3.0), rect.left_bottom() + vec2(3.0, -3.0)],
                    Stroke::new(2.0, c),
                );
            }
        }
    }
    ui.spacing_mut().item_spacing = spacing;
    clicked
}
