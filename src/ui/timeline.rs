//! Time plots: the decoded token's timeline (iat, nbf, exp, the leeway bands and the verdict
//! along the axis) and the shared machinery of every plot over the simulated clock: a time
//! axis, zoom and pan, and a "now" line the user drags to move the clock.
//!
//! The view only draws [`crate::core::engine::timeline::TokenTimeline`]; dragging "now" emits
//! `Command::Clock(ClockCommand::Set(t))` like any other clock control.

use chrono::{TimeZone, Utc};
use egui::{Color32, CursorIcon, Id, Pos2, RichText, Stroke, Ui};
use egui_plot::{
    GridInput, GridMark, HoverPosition, Plot, PlotBounds, PlotMemory, PlotPoint, PlotUi, Polygon, Text, VLine,
};

use crate::core::engine::clock::{UnixSeconds, format_utc};
use crate::core::engine::timeline::{Phase, TokenTimeline};
use crate::ui::state::{AppState, ClockCommand, Command};
use crate::ui::theme::verdict_colour;

/// How close (in points) to the now line a press must be to grab it.
pub const GRAB_DISTANCE: f32 = 8.0;

/// The plot id of the decoded token's timeline.
#[must_use]
pub fn token_plot_id() -> Id {
    Id::unique("token-timeline-plot")
}

/// Axis steps, seconds: each a "round" duration, so ticks fall on whole minutes, hours, days.
const STEPS: [f64; 22] = [
    1.0,
    2.0,
    5.0,
    10.0,
    15.0,
    30.0,
    60.0,
    120.0,
    300.0,
    600.0,
    900.0,
    1800.0,
    3600.0,
    7200.0,
    10_800.0,
    21_600.0,
    43_200.0,
    86_400.0,
    172_800.0,
    604_800.0,
    2_592_000.0,
    31_557_600.0,
];

fn step_at_least(x: f64) -> f64 {
    STEPS.iter().copied().find(|s| *s >= x).unwrap_or_else(|| (x / 31_557_600.0).ceil() * 31_557_600.0)
}

/// Grid lines at round durations (three strengths), for a Unix-seconds axis.
fn time_steps(input: &GridInput) -> [f64; 3] {
    let small = step_at_least(input.base_step_size.max(1.0));
    let medium = step_at_least(small * 4.0);
    [small, medium, step_at_least(medium * 4.0)]
}

/// An axis label for a tick at `t`: the date for day steps and midnights, else the time.
#[must_use]
pub fn tick_label(t: UnixSeconds, step: f64) -> String {
    // Year steps are 365.25 days: a tick hours before New Year is that new year.
    let (t, year) = if step >= 31_536_000.0 { (t + 43_200.0, true) } else { (t, false) };
    #[allow(clippy::cast_possible_truncation)]
    let Some(d) = Utc.timestamp_opt(t.round() as i64, 0).single() else { return String::new() };
    if year {
        return d.format("%Y").to_string();
    }
    let midnight = t.rem_euclid(86_400.0) < 0.5;
    let format = if step >= 86_400.0 || midnight {
        "%Y-%m-%d"
    } else if step >= 60.0 {
        "%H:%M"
    } else {
        "%H:%M:%S"
    };
    d.format(format).to_string()
}

/// The colour of a verdict along the axis.
#[must_use]
pub fn phase_colour(phase: Phase, dark: bool) -> Color32 {
    match phase {
        Phase::Valid => verdict_colour(Some(true), dark),
        Phase::Expired => verdict_colour(Some(false), dark),
        Phase::NotYetValid => verdict_colour(None, dark),
        Phase::Never => crate::ui::theme::palette(dark).muted,
    }
}

/// A filled rectangle `[x0, x1] x [y0, y1]` in plot coordinates.
#[must_use]
pub fn rect(name: &str, x0: f64, x1: f64, y0: f64, y1: f64, fill: Color32) -> Polygon<'static> {
    Polygon::new(name.to_owned(), vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        .fill_color(fill)
        .stroke(Stroke::NONE)
        .allow_hover(false)
}

/// Height of one row of labels at the top of a time plot, points.
pub const LABEL_ROW: f32 = 14.0;
/// Rows of labels a time plot keeps free at its top.
pub const LABEL_ROWS: usize = 3;
/// Axis labels whose centre is closer than this to the plot's edge are not drawn: half of the
/// widest tick label ("2026-11-27"), so none runs past the frame.
const TICK_HALF_WIDTH: f32 = 36.0;

/// Where each label goes: its row (0 at the top) and its left edge, in screen points.
///
/// Labels are placed in order, each beside its mark (right of it, or left of it near the right
/// edge), never past the frame, on the first row where it overlaps no label placed before it
/// (the last row when every row is taken).
#[must_use]
pub fn place_labels(frame: (f32, f32), rows: usize, labels: &[(f32, f32)]) -> Vec<(usize, f32)> {
    const GAP: f32 = 4.0;
    let (left_edge, right_edge) = (frame.0 + 2.0, frame.1 - 2.0);
    let mut taken: Vec<Vec<(f32, f32)>> = vec![Vec::new(); rows.max(1)];
    labels
        .iter()
        .map(|&(x, width)| {
            let mut left = x + 3.0;
            if left + width > right_edge {
                left = x - 3.0 - width;
            }
            let left = left.min(right_edge - width).max(left_edge);
            let right = left + width;
            let free = |row: &Vec<(f32, f32)>| row.iter().all(|&(a, b)| right + GAP <= a || left >= b + GAP);
            let row = taken.iter().position(free).unwrap_or(taken.len() - 1);
            taken[row].push((left, right));
            (row, left)
        })
        .collect()
}

/// Whether a tick at `value` is too close to an end of `range` for its label to fit inside the
/// plot, `margin` being half a label's width in axis units.
#[must_use]
pub fn tick_at_edge(value: f64, range: &std::ops::RangeInclusive<f64>, margin: f64) -> bool {
    value - range.start() < margin || range.end() - value < margin
}

/// Labels a plot's content asks for; [`time_plot`] places them in the rows at its top, beside
/// their marks and clear of each other and of the now label.
#[derive(Default)]
pub struct PlotLabels {
    labels: Vec<(f64, RichText, Color32)>,
}

impl PlotLabels {
    /// A label for the mark at `x` (plot units), in the body size (a plot's own text is small).
    pub fn add(&mut self, x: f64, text: RichText, colour: Color32) {
        self.labels.push((x, text.size(13.0), colour));
    }

    /// Draws the labels of the marks in view in the rows at the top of the plot.
    fn draw(mut self, plot_ui: &mut PlotUi<'_>) {
        let transform = *plot_ui.transform();
        let frame = *transform.frame();
        self.labels.retain(|(x, _, _)| frame.x_range().contains(transform.position_from_point_x(*x)));
        let ctx = plot_ui.ctx().clone();
        let style = ctx.global_style();
        let galleys: Vec<_> = self
            .labels
            .iter()
            .map(|(x, text, _)| {
                let job = egui::WidgetText::from(text.clone()).into_layout_job(
                    &style,
                    egui::FontSelection::Default,
                    egui::Align::Min,
                );
                let width = ctx.fonts_mut(|f| f.layout_job(std::sync::Arc::unwrap_or_clone(job))).size().x;
                (transform.position_from_point_x(*x), width)
            })
            .collect();
        let placed = place_labels((frame.left(), frame.right()), LABEL_ROWS, &galleys);
        for ((_, text, colour), (row, left)) in self.labels.into_iter().zip(placed) {
            let top = frame.top() + 1.0 + row as f32 * LABEL_ROW;
            let at = transform.value_from_position(Pos2::new(left, top));
            plot_ui.text(
                Text::new("label", PlotPoint::new(at.x, at.y), text)
                    .anchor(egui::Align2::LEFT_TOP)
                    .color(colour)
                    .allow_hover(false),
            );
        }
    }
}

/// What a time plot is asked to show this frame.
pub struct TimePlot<'l> {
    /// The plot's id (its zoom and pan are remembered under it).
    pub id: Id,
    /// The clock's time: the now line.
    pub now: UnixSeconds,
    /// The x range shown first and on "fit".
    pub default_view: (UnixSeconds, UnixSeconds),
    /// Forget zoom and pan: back to `default_view`.
    pub fit: bool,
    /// Centre the view on now, keeping its width.
    pub center_now: bool,
    /// Height in points.
    pub height: f32,
    /// The y range (lanes are laid out by the caller).
    pub y: (f64, f64),
    /// Names of the lanes on the y axis (empty: no y axis).
    pub lanes: &'l [(f64, String)],
    /// The y axis's width at least, points: lanes named otherwise later (another event's
    /// subject) then keep the plot where it is.
    pub lanes_width: f32,
    /// What the plot is, for screen readers and on hover.
    pub description: &'l str,
}

/// Draws a time plot: `build` adds the content (it gets the x range to fill and the labels to
/// place at the top), then the now line is drawn on top. Pressing within [`GRAB_DISTANCE`] of
/// the now line and dragging moves the clock; dragging elsewhere pans, Ctrl+wheel zooms, a
/// double click fits. The plain wheel is left to the page, which scrolls.
pub fn time_plot(
    ui: &mut Ui,
    spec: &TimePlot<'_>,
    out: &mut Vec<Command>,
    build: impl FnOnce(&mut PlotUi<'_>, (f64, f64), &mut PlotLabels),
) {
    let id = spec.id;
    let now = spec.now;
    let dragging_id = id.with("dragging-now");
    let mut dragging = ui.data(|d| d.get_temp::<bool>(dragging_id)).unwrap_or(false);
    let (pressed, origin, down, hover) = ui.input(|i| {
        (i.pointer.primary_pressed(), i.pointer.press_origin(), i.pointer.primary_down(), i.pointer.hover_pos())
    });
    // Last frame's transform says where the now line was on screen.
    let memory = PlotMemory::load(ui.ctx(), id);
    let near_now = |pos: Pos2| {
        memory.as_ref().is_some_and(|m| {
            let t = m.transform();
            t.frame().contains(pos) && (t.position_from_point_x(now) - pos.x).abs() <= GRAB_DISTANCE
        })
    };
    if pressed {
        dragging = origin.is_some_and(near_now);
    } else if !down {
        dragging = false;
    }
    if dragging || hover.is_some_and(near_now) {
        ui.ctx().set_cursor_icon(CursorIcon::ResizeHorizontal);
    }

    let (lo, hi) = spec.default_view;
    let lanes = spec.lanes;
    // Half a tick label in axis units, from last frame's scale.
    let tick_margin = memory.as_ref().map_or(0.0, |m| {
        let t = m.transform();
        f64::from(TICK_HALF_WIDTH) * t.bounds().width() / f64::from(t.frame().width().max(1.0))
    });
    let dark = ui.visuals().dark_mode;
    let mut plot = crate::ui::theme::readable_axes(Plot::new(id), dark)
        .id(id)
        .height(spec.height)
        .default_x_bounds(lo, hi.max(lo + 1.0))
        .default_y_bounds(spec.y.0, spec.y.1)
        .allow_drag([!dragging, false])
        .allow_zoom([true, false])
        // The wheel scrolls the page; Ctrl+wheel (a zoom to egui) zooms the plot.
        .allow_scroll(false)
        .allow_axis_zoom_drag([true, false])
        .allow_boxed_zoom(false)
        .show_grid([true, false])
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|input| time_steps(&input)))
        .x_axis_formatter(move |mark: GridMark, range: &std::ops::RangeInclusive<f64>| {
            if tick_at_edge(mark.value, range, tick_margin) {
                String::new()
            } else {
                tick_label(mark.value, mark.step_size)
            }
        })
        .label_formatter(|pos: &HoverPosition<'_>| {
            Some(match pos {
                HoverPosition::NearDataPoint { plot_name, position, .. } => {
                    format!("{plot_name}\n{}", format_utc(position.x))
                }
                HoverPosition::Elsewhere { position } => format_utc(position.x),
            })
        })
        .show_axes([true, !lanes.is_empty()]);
    if lanes.is_empty() {
        plot = plot.show_y(false);
    } else {
        plot = plot
            .y_grid_spacer(move |_| lanes.iter().map(|(y, _)| GridMark { value: *y, step_size: 1.0 }).collect())
            .y_axis_formatter(move |mark: GridMark, _| {
                lanes.iter().find(|(y, _)| (y - mark.value).abs() < 1e-6).map(|(_, n)| n.clone()).unwrap_or_default()
            })
            .y_axis_min_width(spec.lanes_width.max(4.0))
            .show_y(false);
    }
    if spec.fit {
        plot = plot.reset();
    }
    let center_now = spec.center_now;
    let now_colour = ui.visuals().strong_text_color();
    let response = plot.show(ui, |plot_ui| {
        let bounds = plot_ui.plot_bounds();
        let width = if bounds.is_valid_x() { bounds.width() } else { hi - lo };
        if center_now {
            plot_ui.set_plot_bounds_x(now - width / 2.0..=now + width / 2.0);
        }
        let (min, max) = if bounds.is_valid_x() { (bounds.min()[0], bounds.max()[0]) } else { (lo, hi) };
        // A margin either side so panning by a screen never shows an undrawn edge.
        let mut labels = PlotLabels::default();
        build(plot_ui, (min - (max - min), max + (max - min)), &mut labels);
        plot_ui.vline(VLine::new("now", now).color(now_colour).width(2.5).allow_hover(false));
        // The content's labels first (they stay put), then now's, which takes a free row.
        labels.add(now, RichText::new("now").strong(), now_colour);
        labels.draw(plot_ui);
        plot_ui.pointer_coordinate()
    });
    // Named for screen readers (and tests), not as a tooltip: egui_plot shows its own on hover,
    // and the caption under the plot already says how to use it.
    response.response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, spec.description));
    if dragging && let Some(p) = response.inner {
        let t = p.x.round();
        if (t - now.round()).abs() >= 1.0 {
            out.push(Command::Clock(ClockCommand::Set(t)));
            // The command is applied after this frame: show its effect at once.
            ui.ctx().request_repaint();
        }
    }
    ui.data_mut(|d| d.insert_temp(dragging_id, dragging));
}

/// The bounds a time plot shows now (after this frame), if it has been drawn.
#[must_use]
pub fn plot_bounds(ctx: &egui::Context, id: Id) -> Option<PlotBounds> {
    PlotMemory::load(ctx, id).map(|m| *m.bounds())
}

/// Where the now line of a drawn time plot is on screen (for tests and tools).
#[must_use]
pub fn now_line_position(ctx: &egui::Context, id: Id, now: UnixSeconds) -> Option<Pos2> {
    let t = PlotMemory::load(ctx, id)?.transform();
    Some(Pos2::new(t.position_from_point_x(now), t.frame().center().y))
}

/// The words of one token timeline: unique per window, so each control can be found by name.
pub struct TokenPlotLabels<'a> {
    /// Before the time claims' verdict ("Time claims at the clock's time").
    pub verdict: &'a str,
    /// The fit button.
    pub fit: &'a str,
    /// The centre-on-now button.
    pub now: &'a str,
}

/// The decoded token's timeline, in the Decode tab: collapsible (folded at first in a short
/// window), with the time claims' verdict in words.
pub fn token_ui(ui: &mut Ui, state: &AppState, tall: bool, out: &mut Vec<Command>) {
    let Some(token) = state.judged() else { return };
    let Some(timeline) = TokenTimeline::from_token(token, state.policy.leeway) else { return };
    let now = state.clock.now();
    let labels = TokenPlotLabels { verdict: "Time claims at the clock's time", fit: "Fit token", now: "Show now" };
    let verdict = state.verification().map(|v| v.valid);
    egui::CollapsingHeader::new(RichText::new("Timeline").strong())
        .id_salt("token-timeline")
        .default_open(tall)
        .show(ui, |ui| token_timeline(ui, token_plot_id(), &labels, &timeline, now, verdict, out));
}

/// The line above a token's timeline: what the time claims say at `now`, and its colour. The
/// timeline judges time only: green only when the whole verdict (`verdict`: `Some(valid)`, or
/// `None` when the token was not verified) is VALID; time claims that pass under another
/// verdict say so in the plain text colour.
#[must_use]
pub fn time_verdict(
    timeline: &TokenTimeline,
    now: UnixSeconds,
    verdict: Option<bool>,
    dark: bool,
) -> (String, Option<Color32>) {
    let phase = timeline.phase_at(now);
    let text = timeline.describe(now);
    match (phase, verdict) {
        (Phase::Valid, Some(false)) => (format!("{text}; the token is not valid: see Verify"), None),
        (Phase::Valid, None) => (format!("{text} (time only: its signature is not checked here)"), None),
        _ => (text, Some(phase_colour(phase, dark))),
    }
}

/// Lines kept for a token timeline's verdict, whatever it says.
const VERDICT_LINES: usize = 2;

/// One token's timeline: its time claims at `now` in words, fit and now buttons, and the plot.
pub fn token_timeline(
    ui: &mut Ui,
    id: Id,
    labels: &TokenPlotLabels<'_>,
    timeline: &TokenTimeline,
    now: UnixSeconds,
    verdict: Option<bool>,
    out: &mut Vec<Command>,
) {
    let dark = ui.visuals().dark_mode;
    // The verdict in two reserved lines and the buttons on a row of their own: the verdict's
    // words change with the clock, and neither the buttons nor the plot may move when they do.
    let (text, colour) = time_verdict(timeline, now, verdict, dark);
    let mut job = egui::text::LayoutJob::default();
    let strong = egui::TextFormat {
        font_id: egui::TextStyle::Body.resolve(ui.style()),
        color: colour.unwrap_or_else(|| ui.visuals().strong_text_color()),
        ..Default::default()
    };
    job.append(&format!("{}: {text}", labels.verdict), 0.0, strong.clone());
    if let Some(l) = timeline.lifetime_text() {
        job.append(&format!("  {l}"), 0.0, egui::TextFormat { color: ui.visuals().weak_text_color(), ..strong });
    }
    crate::ui::widgets::reserved_label(ui, job, VERDICT_LINES);
    let (fit, center) = ui
        .horizontal(|ui| {
            let fit = ui.small_button(labels.fit).on_hover_text("Show the token's whole lifetime").clicked();
            let center = ui.small_button(labels.now).on_hover_text("Centre the timeline on the clock's time").clicked();
            (fit, center)
        })
        .inner;
    // A new token (or leeway) gets a fresh view: its id carries what the view depends on.
    let key = (timeline.iat.map(f64::to_bits), timeline.nbf.map(f64::to_bits), timeline.exp.map(f64::to_bits));
    let shown_key = id.with("shown-token");
    let changed = ui.data(|d| d.get_temp::<(Option<u64>, Option<u64>, Option<u64>)>(shown_key)) != Some(key);
    ui.data_mut(|d| d.insert_temp(shown_key, key));
    let spec = TimePlot {
        id,
        now,
        default_view: timeline.default_view(now),
        fit: fit || changed,
        center_now: center,
        height: 128.0,
        // The bars fill 0 to 1.3; above them, rows of labels.
        y: (-0.15, 2.3),
        lanes: &[],
        lanes_width: 0.0,
        description: "Token timeline: drag the now line to move the clock",
    };
    time_plot(ui, &spec, out, |plot_ui, (from, to), plot_labels| {
        for span in timeline.spans(from, to) {
            let fill = phase_colour(span.phase, dark).gamma_multiply(0.75);
            plot_ui.polygon(rect(span.phase.label(), span.from, span.to, 0.0, 1.0, fill));
        }
        let amber = verdict_colour(None, dark);
        for (a, b, what) in timeline.leeway_bands() {
            plot_ui.polygon(rect(what, a, b, 1.05, 1.3, amber.gamma_multiply(0.8)));
        }
        let text = ui_text_colour(dark);
        // Claims at the same instant (iat = nbf, typically) share one line and one label.
        let mut marks: Vec<(f64, Vec<&str>)> = Vec::new();
        for mark in timeline.marks() {
            match marks.iter_mut().find(|(at, _)| at.to_bits() == mark.at.to_bits()) {
                Some((_, names)) => names.push(mark.name),
                None => marks.push((mark.at, vec![mark.name])),
            }
        }
        for (at, names) in marks {
            let label = names.join(" = ");
            plot_ui.vline(VLine::new(label.clone(), at).color(text.gamma_multiply(0.6)).width(1.0).allow_hover(false));
            plot_labels.add(at, RichText::new(label).monospace(), text);
        }
    });
    ui.weak(
        "Green: every time check passes; amber: not yet valid (before nbf/iat); red: expired (from exp). The thin \
         amber bands are the leeway. The timeline judges the time claims only: the signature and the policy are in \
         Verify. Drag the now line to move the clock; drag elsewhere to pan, Ctrl+scroll to zoom, double-click to \
         fit.",
    );
}

fn ui_text_colour(dark: bool) -> Color32 {
    crate::ui::theme::palette(dark).plot_text
}

/// Presses at `from`, moves `dx` points right and releases: a drag, one frame per step.
#[cfg(test)]
pub(crate) fn drag_by<S>(h: &mut egui_kittest::Harness<'_, S>, from: Pos2, dx: f32) {
    h.drag_at(from);
    h.run();
    h.hover_at(from + egui::vec2(dx, 0.0));
    h.run();
    h.drop_at(from + egui::vec2(dx, 0.0));
    h.run();
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use super::*;
    use crate::ui::app::{Settings, TokenbenchApp};
    use crate::ui::platform::FakePlatform;
    use crate::ui::state::SAMPLES;

    fn app() -> Harness<'static, TokenbenchApp> {
        Harness::builder()
            .with_size(egui::vec2(1400.0, 900.0))
            .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()))
    }

    /// The sample ES256 token: iat = nbf 1717200000, exp an hour later.
    fn expired_sample() -> (i64, i64) {
        (1_717_200_000, 1_717_203_600)
    }

    #[test]
    fn close_labels_take_different_rows_and_stay_inside_the_plot() {
        let frame = (100.0, 500.0);
        // iat and nbf two minutes apart on a ten-year axis: a few points apart.
        let placed = place_labels(frame, 3, &[(200.0, 20.0), (203.0, 20.0), (480.0, 20.0), (205.0, 24.0)]);
        assert_eq!(placed[0], (0, 203.0), "beside its mark");
        assert_eq!(placed[1].0, 1, "nbf under iat, not run into it");
        assert_eq!(placed[2], (0, 457.0), "near the right edge: left of its mark, inside the frame");
        assert_eq!(placed[3].0, 2, "now takes the next free row");
        // A mark at the very left edge keeps its label inside.
        let placed = place_labels(frame, 3, &[(99.0, 60.0)]);
        assert!(placed[0].1 >= 102.0, "{placed:?}");
        // Far apart, one row.
        let placed = place_labels(frame, 3, &[(150.0, 30.0), (300.0, 30.0)]);
        assert_eq!((placed[0].0, placed[1].0), (0, 0));
        // Every row taken: the last row (never off the plot).
        let placed = place_labels(frame, 2, &[(200.0, 40.0), (201.0, 40.0), (202.0, 40.0)]);
        assert_eq!(placed[2].0, 1);
    }

    #[test]
    fn tick_labels_at_the_edges_are_left_out() {
        let range = 0.0..=1000.0;
        assert!(tick_at_edge(10.0, &range, 40.0), "23:59:30 would run past the left edge");
        assert!(tick_at_edge(990.0, &range, 40.0), "23:32 would be cut at the right");
        assert!(!tick_at_edge(500.0, &range, 40.0));
    }

    #[test]
    fn the_timeline_is_green_only_when_the_verdict_is_valid() {
        let t = TokenTimeline { iat: Some(0.0), nbf: None, exp: None, leeway: 0.0, problems: Vec::new() };
        let (text, colour) = time_verdict(&t, 10.0, Some(true), true);
        assert_eq!(text, "within lifetime, no exp: never expires");
        assert_eq!(colour, Some(phase_colour(Phase::Valid, true)));
        let (text, colour) = time_verdict(&t, 10.0, Some(false), true);
        assert_eq!(text, "within lifetime, no exp: never expires; the token is not valid: see Verify");
        assert_eq!(colour, None, "not green under a red verdict");
        let (text, colour) = time_verdict(&t, 10.0, None, true);
        assert!(text.ends_with("(time only: its signature is not checked here)") && colour.is_none());
        let (text, colour) = time_verdict(&t, -10.0, Some(false), true);
        assert!(text.starts_with("not yet valid") && colour == Some(phase_colour(Phase::NotYetValid, true)));
    }

    #[test]
    fn under_a_forgery_the_timeline_says_time_only_and_is_not_green() {
        let mut h = app();
        h.state_mut().apply(vec![Command::TryExample(5)]);
        h.run();
        assert!(h.query_by_label("FORGERY: algorithm confusion").is_some());
        let line = "Time claims at the clock's time: within lifetime";
        assert!(h.query_by_label_contains(line).is_some());
        assert!(h.query_by_label_contains("the token is not valid: see Verify").is_some());
    }

    #[test]
    fn ticks_fall_on_round_times() {
        assert_eq!(tick_label(1_700_000_000.0, 60.0), "22:13");
        assert_eq!(tick_label(1_700_000_000.0, 1.0), "22:13:20");
        assert_eq!(tick_label(1_699_920_000.0, 3600.0), "2023-11-14", "midnight shows the date");
        assert_eq!(tick_label(1_861_920_000.0 - 21_600.0, 31_557_600.0), "2029", "a year tick on 2028-12-31 18:00");
        let steps = time_steps(&GridInput { bounds: (0.0, 1.0), base_step_size: 40.0 });
        assert_eq!(steps.map(f64::to_bits), [60.0, 300.0, 1800.0].map(f64::to_bits));
    }

    #[test]
    fn moving_the_clock_past_exp_flips_the_verdict_and_the_timeline() {
        let mut h = app();
        h.state_mut().apply(vec![Command::LoadSampleKeys, Command::LoadSample(1)]);
        let (iat, exp) = expired_sample();
        let claims = h.state().state.parsed().unwrap().claims().unwrap().clone();
        assert_eq!((claims["iat"].as_i64(), claims["exp"].as_i64()), (Some(iat), Some(exp)), "the sample's times");
        h.state_mut().apply(vec![Command::Clock(ClockCommand::Set((exp - 60) as f64))]);
        h.run();
        assert!(h.query_by_label("VALID").is_some(), "valid a minute before exp");
        assert!(
            h.query_by_label_contains("Time claims at the clock's time: within lifetime, expires in 1 min").is_some()
        );
        // The now line sits in the green span.
        let bounds = plot_bounds(&h.ctx, token_plot_id()).unwrap();
        let (iat, exp) = (iat as f64, exp as f64);
        assert!(bounds.min()[0] < iat && bounds.max()[0] > exp, "the default view holds the lifetime");

        h.get_by_label("+5 min").click();
        h.run();
        assert!(h.query_by_label("EXPIRED").is_some(), "the verdict flips");
        assert!(
            h.query_by_label_contains("Time claims at the clock's time: expired 4 min ago").is_some(),
            "the timeline flips"
        );
        let t = TokenTimeline::from_token(h.state().state.parsed().unwrap(), 0).unwrap();
        assert_eq!(t.phase_at(h.state().state.clock.now()), Phase::Expired);
    }

    #[test]
    fn the_buttons_and_the_plot_stay_put_when_the_verdict_changes() {
        for width in [1280.0, 900.0] {
            let mut h = Harness::builder().with_size(egui::vec2(width, 900.0)).build_eframe(|_cc| {
                TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default())
            });
            let (_, exp) = expired_sample();
            // No key, then the sample keys (VALID), then expired, then not yet valid.
            h.state_mut().apply(vec![Command::LoadSample(1), Command::Clock(ClockCommand::Set((exp - 60) as f64))]);
            h.run();
            let description = "Token timeline: drag the now line to move the clock";
            let rects = |h: &Harness<'_, TokenbenchApp>| {
                ["Fit token", "Show now", description].map(|l| (l, h.get_by_label(l).rect()))
            };
            let before = rects(&h);
            let changes = [
                vec![Command::LoadSampleKeys],
                vec![Command::Clock(ClockCommand::Set((exp + 600) as f64))],
                vec![Command::Clock(ClockCommand::Set((exp - 86_400 * 400) as f64))],
            ];
            for change in changes {
                let what = format!("{change:?}");
                h.state_mut().apply(change);
                h.run();
                for ((label, was), (_, now)) in before.iter().zip(rects(&h)) {
                    assert!(
                        (now.min - was.min).length() < 0.5,
                        "{width}: {label} moved after {what}: {was:?} -> {now:?}"
                    );
                }
            }
            assert!(h.query_by_label_contains("Time claims at the clock's time: not yet valid").is_some());
        }
    }

    #[test]
    fn dragging_now_moves_the_clock_and_dragging_elsewhere_pans() {
        let mut h = app();
        let (iat, exp) = expired_sample();
        let start = (iat + 600) as f64;
        h.state_mut().apply(vec![Command::LoadSample(1), Command::Clock(ClockCommand::Set(start))]);
        h.run();
        let ctx = h.ctx.clone();
        let at = now_line_position(&ctx, token_plot_id(), start).unwrap();
        let bounds = plot_bounds(&ctx, token_plot_id()).unwrap();
        let frame_width = PlotMemory::load(&ctx, token_plot_id()).unwrap().transform().frame().width();
        let seconds_per_point = bounds.width() / f64::from(frame_width);

        drag_by(&mut h, at, 100.0);
        let moved = h.state().state.clock.now() - start;
        assert!((moved - 100.0 * seconds_per_point).abs() <= seconds_per_point + 1.0, "moved {moved} s");
        assert_eq!(h.state().state.clock.mode(), crate::core::engine::clock::ClockMode::Paused);
        let after = (exp + 10) as f64;
        h.state_mut().apply(vec![Command::Clock(ClockCommand::Set(after))]);
        h.run();
        assert!(h.query_by_label_contains("Time claims at the clock's time: expired").is_some());

        // Far from the line a drag pans the view and leaves the clock alone.
        let before = plot_bounds(&ctx, token_plot_id()).unwrap();
        let frame = PlotMemory::load(&ctx, token_plot_id()).unwrap().transform().frame().to_owned();
        let away = Pos2::new(frame.left() + 20.0, frame.center().y);
        drag_by(&mut h, away, 60.0);
        assert!((h.state().state.clock.now() - after).abs() < f64::EPSILON, "the clock did not move");
        let panned = plot_bounds(&ctx, token_plot_id()).unwrap();
        assert!(panned.min()[0] < before.min()[0], "dragging right shows earlier times");

        h.get_by_label("Fit token").click();
        h.run();
        let fitted = plot_bounds(&ctx, token_plot_id()).unwrap();
        let t = TokenTimeline::from_token(h.state().state.parsed().unwrap(), 0).unwrap();
        let (lo, hi) = t.default_view(after);
        assert!((fitted.min()[0] - lo).abs() < 1.0 && (fitted.max()[0] - hi).abs() < 1.0);
        h.get_by_label("Show now").click();
        h.run();
        let centred = plot_bounds(&ctx, token_plot_id()).unwrap();
        assert!((f64::midpoint(centred.min()[0], centred.max()[0]) - after).abs() < 1.0);
    }

    #[test]
    fn no_timeline_without_claims() {
        let mut h = app();
        h.state_mut().apply(vec![Command::LoadSample(6)]);
        h.run();
        assert!(h.query_by_label("Timeline").is_none(), "a JWE has no readable time claims");
        assert!(plot_bounds(&h.ctx, token_plot_id()).is_none());
        let _ = SAMPLES;
    }
    /// Ctrl+wheel of `dy` points at `at` (what a mouse wheel with Ctrl held sends).
    fn ctrl_wheel(h: &mut Harness<'_, TokenbenchApp>, at: Pos2, dy: f32, modifiers: egui::Modifiers) {
        h.hover_at(at);
        h.run();
        h.event_modifiers(
            egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, dy),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
                modifiers,
            },
            modifiers,
        );
        h.run();
    }

    #[test]
    fn ctrl_scroll_zooms_the_timeline_about_the_pointer_and_a_double_click_refits() {
        // Frames a 60th of a second apart: the harness's default quarter second per event would
        // put the two clicks further apart than a double click.
        let mut h = Harness::builder()
            .with_size(egui::vec2(1400.0, 900.0))
            .with_step_dt(1.0 / 60.0)
            .with_max_steps(64)
            .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
        let (iat, exp) = expired_sample();
        let now = (iat + 600) as f64;
        h.state_mut().apply(vec![Command::LoadSample(1), Command::Clock(ClockCommand::Set(now))]);
        h.run();
        let ctx = h.ctx.clone();
        let fitted = plot_bounds(&ctx, token_plot_id()).unwrap();
        let t = TokenTimeline::from_token(h.state().state.parsed().unwrap(), 0).unwrap();
        let (lo, hi) = t.default_view(now);
        assert!((fitted.min()[0] - lo).abs() < 1.0 && (fitted.max()[0] - hi).abs() < 1.0, "starts fitted");
        let transform = PlotMemory::load(&ctx, token_plot_id()).unwrap().transform();
        let frame = *transform.frame();
        // Between iat and exp, well away from the now line (a press there would drag the clock).
        let at = Pos2::new(transform.position_from_point_x((iat + exp) as f64 / 2.0 + 900.0), frame.center().y);
        assert!(frame.contains(at) && (at.x - transform.position_from_point_x(now)).abs() > 4.0 * GRAB_DISTANCE);
        let under = |h: &Harness<'_, TokenbenchApp>| {
            let m = PlotMemory::load(&h.ctx, token_plot_id()).unwrap();
            m.transform().value_from_position(at).x
        };
        let pointed = under(&h);

        // The plain wheel is the page's: the plot keeps its span.
        ctrl_wheel(&mut h, at, 120.0, egui::Modifiers::NONE);
        let plain = plot_bounds(&ctx, token_plot_id()).unwrap();
        assert!(
            (plain.width() - fitted.width()).abs() < 1e-6,
            "no zoom without Ctrl: {} vs {}",
            plain.width(),
            fitted.width()
        );

        // Ctrl+wheel up zooms in: a shorter span, the instant under the pointer stays under it.
        ctrl_wheel(&mut h, at, 120.0, egui::Modifiers::COMMAND);
        let zoomed_in = plot_bounds(&ctx, token_plot_id()).unwrap();
        assert!(zoomed_in.width() < fitted.width() * 0.9, "zoomed in: {} of {}", zoomed_in.width(), fitted.width());
        let seconds_per_point = zoomed_in.width() / f64::from(frame.width());
        assert!((under(&h) - pointed).abs() <= 2.0 * seconds_per_point, "zoomed about the pointer");
        assert!(
            (zoomed_in.min()[1] - fitted.min()[1]).abs() < 1e-9 && (zoomed_in.max()[1] - fitted.max()[1]).abs() < 1e-9,
            "only the time axis zooms: {zoomed_in:?}"
        );
        assert!((h.state().state.clock.now() - now).abs() < f64::EPSILON, "zooming leaves the clock alone");

        // Ctrl+wheel down zooms out past the fitted span.
        ctrl_wheel(&mut h, at, -360.0, egui::Modifiers::COMMAND);
        let zoomed_out = plot_bounds(&ctx, token_plot_id()).unwrap();
        assert!(zoomed_out.width() > fitted.width() * 1.1, "zoomed out: {} of {}", zoomed_out.width(), fitted.width());

        // A double click fits the token again.
        for pressed in [true, false, true, false] {
            h.event(egui::Event::PointerButton {
                pos: at,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: egui::Modifiers::NONE,
            });
        }
        h.run();
        let refit = plot_bounds(&ctx, token_plot_id()).unwrap();
        assert!((refit.min()[0] - lo).abs() < 1.0 && (refit.max()[0] - hi).abs() < 1.0, "refitted: {refit:?}");
        assert!((h.state().state.clock.now() - now).abs() < f64::EPSILON, "the double click did not move the clock");
    }
}
