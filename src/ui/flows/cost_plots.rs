//! The Flows lab's cost plots under the scalability sweep, on a log µs axis: what a request
//! costs per server count (sessions in memory then in a shared store, a JWT, a JWT with a
//! denylist) and where the curves cross, then per user request as it fans out to 0..50 services,
//! with sessions reached from serverless functions and what a JWT saves written on the plot;
//! each with the core's sentence under it and the reality check. Figures from
//! [`crate::core::labs::flows::lab`]'s sweep; drawn only.

use std::time::Duration;

use egui::{RichText, Ui};
use egui_plot::{Corner, Legend, Line, LineStyle, VLine};

use super::diagram;
use super::view::still_plot;
use crate::core::labs::flows::FlowsLab;
use crate::core::labs::flows::lab::{
    CostPoint, FanOutPoint, REALITY_CHECK, Saving, crossover, crossover_text, fan_out_text, savings, savings_text,
};
use crate::core::labs::flows::sequence;
use crate::core::text::measured_duration;
use crate::ui::plot_fit::fit_on_change;

/// One curve of a log-axis cost plot: its legend name, its points (x, ns), its colour, and
/// whether it is drawn dashed with dots (a JWT line, which can run on top of another).
struct CostCurve {
    name: &'static str,
    points: Vec<[f64; 2]>,
    colour: egui::Color32,
    dashed: bool,
    /// Line width: the denylist curve is wide and drawn first, so the session curve a few
    /// percent below it on the log axis shows inside it instead of vanishing under it.
    width: f32,
}

/// A plot of costs in ns on a log µs axis, one grid line per decade, under `id`; `x_unit` names
/// the x axis in the hover text, `crossing` draws a vertical line at a count with its label.
struct LogCostPlot<'a> {
    name: &'a str,
    id: egui::Id,
    x_label: &'a str,
    x_unit: &'static str,
    curves: Vec<CostCurve>,
    crossing: Option<(f64, String)>,
    /// Figures written on the plot: a bracket from one cost to another at an x (both in ns,
    /// the same when there is no bracket), and its label, left-aligned right of it, under the
    /// lower end or over the higher end.
    notes: Vec<PlotNote>,
}

/// A figure written on a cost plot, at the point it is about.
struct PlotNote {
    x: f64,
    from_ns: f64,
    to_ns: f64,
    label: String,
    /// Under the lower end (true) or over the higher end.
    below: bool,
}

/// A log cost plot's height with three legend rows, and what each further row adds: the legend
/// sits in head room above the highest curve, sized from its rows' share of the plot's height,
/// and never covers a curve.
const COST_PLOT_HEIGHT: f32 = 200.0;
const LEGEND_ROW_HEIGHT: f32 = 19.0;
/// The plot's height the axes take (the x axis's marks and label).
const COST_PLOT_AXES: f32 = 35.0;
/// Room under the lowest curve for the figures written under it, in decades.
const NOTE_ROOM: f64 = 0.6;

fn log_cost_plot(ui: &mut Ui, spec: LogCostPlot<'_>) {
    let all = || spec.curves.iter().flat_map(|c| c.points.iter().map(|p| log_us(p[1])));
    let (low, high) = (all().fold(f64::INFINITY, f64::min).floor(), all().fold(f64::NEG_INFINITY, f64::max).ceil());
    let model: Vec<u64> =
        crate::ui::plot_fit::bits(spec.curves.iter().flat_map(|c| c.points.iter().flat_map(|p| [p[0], p[1]])));
    let plot = still_plot(spec.name, ui.visuals().dark_mode).legend(Legend::default().position(Corner::RightTop));
    let strong = ui.visuals().text_color();
    let x_unit = spec.x_unit;
    let rows = spec.curves.len() as f32;
    let room = if spec.notes.iter().any(|n| n.below) { NOTE_ROOM } else { 0.0 };
    let height = COST_PLOT_HEIGHT + LEGEND_ROW_HEIGHT * (rows - 3.0).max(0.0);
    // The legend's share of the plot area, with a margin: head room h over a span s leaves it
    // h / (s + h) of the height.
    let share = f64::from((rows * LEGEND_ROW_HEIGHT / (height - COST_PLOT_AXES) + 0.05).min(0.8));
    let span = (high - low + room).max(1.0);
    fit_on_change(ui, plot, spec.id, model)
        .include_y(low - room)
        .include_y(high + span * share / (1.0 - share))
        .y_grid_spacer(|input| decades(&input))
        .y_axis_formatter(|mark, _| decade_label(mark.value))
        .label_formatter(move |pos| match pos {
            egui_plot::HoverPosition::NearDataPoint { plot_name, position, .. } if !plot_name.is_empty() => {
                Some(format!("{plot_name}\n{} {x_unit}: {}", position.x, us_text(position.y)))
            }
            _ => None,
        })
        .x_axis_label(spec.x_label)
        .height(height)
        .y_axis_label("µs, log scale")
        .show(ui, |plot| {
            for c in spec.curves {
                let points: Vec<[f64; 2]> = c.points.iter().map(|p| [p[0], log_us(p[1])]).collect();
                let line = Line::new(c.name, points.clone()).color(c.colour).width(c.width);
                if c.dashed {
                    plot.line(line.style(LineStyle::dashed_loose()));
                    plot.points(egui_plot::Points::new(c.name, points).color(c.colour).radius(2.5));
                } else {
                    plot.line(line);
                }
            }
            if let Some((x, label)) = spec.crossing {
                // Unnamed, so the legend stays three rows; its label sits right of the line at
                // the bottom, where only the one-server point lies (left of the line).
                plot.vline(VLine::new("", x).color(strong).width(2.0));
                plot.text(
                    egui_plot::Text::new("", egui_plot::PlotPoint::new(x + 0.6, low + 0.15), label)
                        .color(strong)
                        .anchor(egui::Align2::LEFT_BOTTOM),
                );
            }
            for n in spec.notes {
                let (from, to) = (log_us(n.from_ns), log_us(n.to_ns));
                if (to - from).abs() > f64::EPSILON {
                    plot.line(Line::new("", vec![[n.x, from], [n.x, to]]).color(strong).width(1.5));
                }
                let (y, anchor) = if n.below {
                    (from.min(to) - 0.1, egui::Align2::LEFT_TOP)
                } else {
                    (from.max(to) + 0.1, egui::Align2::LEFT_BOTTOM)
                };
                plot.text(
                    egui_plot::Text::new("", egui_plot::PlotPoint::new(n.x + 0.3, y), n.label)
                        .color(strong)
                        .anchor(anchor),
                );
            }
        });
}

/// The reality check: what a request costs with sessions (in memory on one server, a shared
/// store from two), with a JWT, and with a JWT that checks a denylist, on the operations
/// measured here, and where the first two cross.
pub(super) fn cost_plot(ui: &mut Ui, lab: &FlowsLab) {
    ui.label(RichText::new("Cost per request on the operations measured here").strong());
    let Some(costs) = &lab.costs else {
        ui.label(RichText::new("Measuring the JWT…").weak());
        return;
    };
    let (session, jwt, denylist) = cost_colours(ui);
    let series = |f: fn(&CostPoint) -> f64| costs.iter().map(|c| [f64::from(c.servers), f(c)]).collect();
    log_cost_plot(
        ui,
        LogCostPlot {
            name: "flows-costs",
            id: cost_plot_id(),
            x_label: "servers",
            x_unit: "servers",
            curves: vec![
                CostCurve {
                    name: "JWT + denylist: verification + store round trip",
                    points: series(|c| c.jwt_denylist_ns),
                    colour: denylist,
                    dashed: false,
                    width: 6.0,
                },
                CostCurve {
                    name: "sessions: in memory, then a shared store",
                    points: series(|c| c.session_ns),
                    colour: session,
                    dashed: false,
                    width: 2.0,
                },
                CostCurve {
                    name: "JWT: a verification on each server",
                    points: series(|c| c.jwt_ns),
                    colour: jwt,
                    dashed: true,
                    width: 2.0,
                },
            ],
            // Half a server left of the count, off the grid line.
            crossing: crossover(costs).map(|n| (f64::from(n) - 0.5, crossing_label(n))),
            notes: Vec::new(),
        },
    );
    ui.label(crossover_text(costs));
    // The reality check's own case: per user request, as it fans out to more services.
    if let Some(fan_out) = &lab.fan_out {
        fan_out_plot(ui, fan_out, (session, jwt, denylist));
        ui.label(fan_out_text(fan_out));
        ui.label(RichText::new(savings_text(fan_out)).strong());
    }
    crate::ui::widgets::prose(ui, REALITY_CHECK, Some(ui.visuals().weak_text_color()));
}

/// The cost plots' colours: sessions (a lookup), a JWT (a verification), a JWT with a denylist.
fn cost_colours(ui: &Ui) -> (egui::Color32, egui::Color32, egui::Color32) {
    (
        diagram::emphasis_colour(sequence::Emphasis::Lookup, ui),
        diagram::emphasis_colour(sequence::Emphasis::Verify, ui),
        diagram::emphasis_colour(sequence::Emphasis::Sign, ui),
    )
}

/// Per user request by services per request (the fan-out sweep), on the cost plot's log axis:
/// 1 + M shared-store lookups against 1 + M verifications, with and without a denylist, and the
/// lookups from serverless functions; what a JWT saves is written on the plot at a single app and
/// at dozens of services, and the serverless sessions' cost at dozens.
fn fan_out_plot(ui: &mut Ui, fan_out: &[FanOutPoint], colours: (egui::Color32, egui::Color32, egui::Color32)) {
    let (session, jwt, denylist) = colours;
    let serverless = diagram::emphasis_colour(sequence::Emphasis::Failure, ui);
    let saving = |s: &Saving| PlotNote {
        x: f64::from(s.services),
        from_ns: s.jwt_ns,
        to_ns: s.jwt_ns + s.jwt_saves_ns,
        label: s.label(),
        below: true,
    };
    let notes = savings(fan_out).map_or_else(Vec::new, |(one, many)| {
        vec![
            saving(&one),
            saving(&many),
            PlotNote {
                x: f64::from(many.services),
                from_ns: many.serverless_session_ns,
                to_ns: many.serverless_session_ns,
                label: many.serverless_label(),
                below: false,
            },
        ]
    });
    let series = |f: fn(&FanOutPoint) -> f64| fan_out.iter().map(|c| [f64::from(c.services), f(c)]).collect();
    log_cost_plot(
        ui,
        LogCostPlot {
            name: "flows-fan-out",
            id: fan_out_plot_id(),
            x_label: "services per user request (M)",
            x_unit: "services",
            curves: vec![
                CostCurve {
                    name: "sessions, serverless: + 2 round trips a lookup",
                    points: series(|c| c.serverless_session_ns),
                    colour: serverless,
                    dashed: false,
                    width: 2.0,
                },
                CostCurve {
                    name: "JWT + denylist: 1 + M of both",
                    points: series(|c| c.jwt_denylist_ns),
                    colour: denylist,
                    dashed: false,
                    width: 6.0,
                },
                CostCurve {
                    name: "sessions, shared store: 1 + M lookups",
                    points: series(|c| c.session_ns),
                    colour: session,
                    dashed: false,
                    width: 2.0,
                },
                CostCurve {
                    name: "JWT: 1 + M verifications",
                    points: series(|c| c.jwt_ns),
                    colour: jwt,
                    dashed: true,
                    width: 2.0,
                },
            ],
            crossing: None,
            notes,
        },
    );
}

/// The memory id of the fan-out plot.
#[must_use]
pub fn fan_out_plot_id() -> egui::Id {
    egui::Id::unique("flows-fan-out-plot")
}

/// A cost in nanoseconds as the cost plot's y: log10 of microseconds (1 ns at the least).
fn log_us(ns: f64) -> f64 {
    (ns.max(1.0) / 1000.0).log10()
}

/// A y of the cost plot back in words.
fn us_text(y: f64) -> String {
    measured_duration(Duration::try_from_secs_f64(10f64.powf(y) / 1e6).unwrap_or_default())
}

/// One grid line per decade of the cost plot's log axis.
fn decades(input: &egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (from, to) = input.bounds;
    #[allow(clippy::cast_possible_truncation)]
    let (from, to) = (from.ceil() as i32, to.floor() as i32);
    (from..=to).map(|k| egui_plot::GridMark { value: f64::from(k), step_size: 1.0 }).collect()
}

/// A decade mark of the cost plot's log axis: 0.1, 1, 10, 100, 1000 (µs).
fn decade_label(y: f64) -> String {
    #[allow(clippy::cast_possible_truncation)]
    let k = y.round() as i32;
    let decimals = usize::try_from(-k).unwrap_or(0);
    format!("{:.decimals$}", 10f64.powi(k))
}

/// The crossing's label on the cost plot.
fn crossing_label(servers: u32) -> String {
    format!("the curves cross at {servers} servers")
}

/// The memory id of the cost-per-request plot.
#[must_use]
pub fn cost_plot_id() -> egui::Id {
    egui::Id::unique("flows-costs-plot")
}

#[cfg(test)]
mod cost_axis_tests {
    use super::*;

    #[test]
    fn the_cost_plot_reads_in_decades_of_microseconds() {
        assert_eq!([-2.0, -1.0, 0.0, 1.0, 3.0].map(decade_label), ["0.01", "0.1", "1", "10", "1000"]);
        // 32 µs and 1 ms, a decade and a half apart instead of 3% of the axis apart.
        assert!((log_us(32_000.0) - 1.505).abs() < 1e-3 && (log_us(1_000_000.0) - 3.0).abs() < 1e-12);
        assert_eq!(us_text(log_us(40_000.0)), "40.0 µs");
        let marks = decades(&egui_plot::GridInput { bounds: (-1.2, 3.4), base_step_size: 0.1 });
        assert_eq!(marks.iter().map(|m| m.value).collect::<Vec<_>>(), [-1.0, 0.0, 1.0, 2.0, 3.0]);
        assert_eq!(crossing_label(2), "the curves cross at 2 servers");
    }
}
