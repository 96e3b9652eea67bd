//! The lab's timeline: a user lane and a subject lane per strategy, and jwt-refresh's access
//! and refresh chains, over the simulated clock with a draggable now.

use egui::{Color32, RichText, Ui};
use egui_plot::{LineStyle, MarkerShape, PlotPoint, PlotUi, Points, Text, VLine};

use super::lab_plot_id;
use crate::core::engine::clock::UnixSeconds;
use crate::core::labs::revocation::RevocationLab;
use crate::core::labs::revocation::{AccessToken, FOREVER, Holder, Seconds, Simulation, Strategy};
use crate::ui::state::Command;
use crate::ui::theme::{PREDICTED_OPACITY, palette, verdict_colour};
use crate::ui::timeline::{TimePlot, rect, time_plot};

/// One lane of the lab's timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Lane {
    User(Strategy),
    Subject(Strategy),
    AccessChain,
    RefreshChain,
}

fn lanes(subject: &str) -> Vec<(f64, Lane, String)> {
    let mut list = Vec::new();
    for s in Strategy::ALL {
        list.push((Lane::User(s), format!("{} · user", s.name())));
        list.push((Lane::Subject(s), format!("{} · {}", s.name(), subject.to_lowercase())));
        if s == Strategy::JwtRefresh {
            list.push((Lane::AccessChain, "jwt-refresh · access tokens".into()));
            list.push((Lane::RefreshChain, "jwt-refresh · refresh tokens".into()));
        }
    }
    let n = list.len();
    list.into_iter().enumerate().map(|(i, (lane, name))| ((n - i) as f64, lane, name)).collect()
}

/// The view the lab's timeline starts with: the login to the last instant anything ends.
pub(super) fn default_view(sim: &Simulation) -> (f64, f64) {
    let s = &sim.scenario;
    let mut hi = (s.login_at + s.token_ttl + s.leeway).max(s.event.at);
    for o in &sim.outcomes {
        hi = hi.max(o.accepted_until);
    }
    let (lo, hi) = (s.login_at as f64, hi as f64);
    let margin = ((hi - lo) * 0.05).max(30.0);
    (lo - margin, hi + margin)
}

struct Palette {
    user: Color32,
    held: Color32,
    exposure: Color32,
    /// The attacker as text and lines.
    attacker: Color32,
    /// The attacker's tokens, as bars.
    attacker_bar: Color32,
    access: [Color32; 2],
    refresh: [Color32; 2],
    leeway: Color32,
    text: Color32,
}

impl Palette {
    /// The theme's colours ([`crate::ui::theme::Palette`]): the bars that carry a label are
    /// those the theme checks its plot text against.
    fn new(dark: bool) -> Self {
        let theme = palette(dark);
        Self {
            user: verdict_colour(Some(true), dark),
            // Blue-grey, between the user's green and the exposure's red; no text on it.
            held: Color32::from_rgb(0x5c, 0x7c, 0x99),
            exposure: verdict_colour(Some(false), dark),
            attacker: theme.attacker,
            attacker_bar: theme.lane_attacker,
            access: theme.lane_access,
            refresh: theme.lane_refresh,
            leeway: verdict_colour(None, dark),
            text: theme.plot_text,
        }
    }
}

/// What every lane is drawn against: the clock's time and the x range to fill.
#[derive(Clone, Copy)]
struct Frame {
    now: f64,
    view: (f64, f64),
}

/// A lane's full height around `y`.
fn band(y: f64) -> (f64, f64) {
    (y - 0.34, y + 0.34)
}

/// The part of `[a, b)` before `now` solid, after it faded: what has happened, and what the
/// model predicts.
fn span_rects(
    plot_ui: &mut PlotUi<'_>,
    name: &str,
    (a, b): (f64, f64),
    (y0, y1): (f64, f64),
    fill: Color32,
    frame: Frame,
) {
    let Frame { now, view } = frame;
    let (a, b) = (a.max(view.0), b.min(view.1));
    if a >= b {
        return;
    }
    if now > a {
        plot_ui.polygon(rect(name, a, b.min(now), y0, y1, fill));
    }
    if now < b {
        plot_ui.polygon(rect(name, a.max(now), b, y0, y1, fill.gamma_multiply(PREDICTED_OPACITY)));
    }
}

pub(super) fn timeline(ui: &mut Ui, lab: &RevocationLab, now: UnixSeconds, out: &mut Vec<Command>) {
    let sim = lab.simulation();
    let scenario = &sim.scenario;
    let dark = ui.visuals().dark_mode;
    let palette = Palette::new(dark);
    let (fit, center) = ui
        .horizontal_wrapped(|ui| {
            ui.label(RichText::new("Timeline").strong());
            let fit = ui.small_button("Fit scenario").on_hover_text("Show the whole scenario").clicked();
            let center =
                ui.small_button("Centre on now").on_hover_text("Centre the timeline on the clock's time").clicked();
            (fit, center)
        })
        .inner;
    let lane_list = lanes(scenario.event.kind.subject());
    let names: Vec<(f64, String)> = lane_list.iter().map(|(y, _, n)| (*y, n.clone())).collect();
    // The y axis as wide as the lane names of every event (their subjects differ), so picking
    // another event never moves the plot; egui_plot adds 4 points either side of a label.
    let font = egui::TextStyle::Body.resolve(ui.style());
    let lanes_width = crate::core::labs::revocation::EventKind::ALL
        .iter()
        .flat_map(|k| lanes(k.subject()))
        .map(|(_, _, name)| ui.fonts_mut(|f| f.layout_no_wrap(name, font.clone(), Color32::PLACEHOLDER).size().x))
        .fold(0.0, f32::max)
        + 8.0;
    let key = (scenario.login_at, scenario.token_ttl);
    let shown_key = lab_plot_id().with("shown-scenario");
    let changed = ui.data(|d| d.get_temp::<(Seconds, Seconds)>(shown_key)) != Some(key);
    ui.data_mut(|d| d.insert_temp(shown_key, key));
    // Lanes sit at 1..=n; above the top lane's band, room for the rows of labels.
    let height = 320.0;
    let lane_count = lane_list.len() as f64;
    let label_room = f64::from(crate::ui::timeline::LABEL_ROW) * crate::ui::timeline::LABEL_ROWS as f64 + 4.0;
    // The share of the frame (the plot less its axis) the labels need, in y units solved for.
    let share = label_room / (f64::from(height) - 24.0);
    let top = (lane_count + 0.36 - share * 0.4) / (1.0 - share);
    let spec = TimePlot {
        id: lab_plot_id(),
        now,
        default_view: default_view(sim),
        fit: fit || changed,
        center_now: center,
        height,
        y: (0.4, top),
        lanes: &names,
        lanes_width,
        description: "Revocation timeline: drag the now line to move the clock",
    };
    let event = scenario.event.at as f64;
    time_plot(ui, &spec, out, |plot_ui, view, labels| {
        let frame = Frame { now, view };
        let px_per_second = plot_ui.transform().dpos_dvalue_x().abs();
        for (y, lane, _) in &lane_list {
            let y = *y;
            match lane {
                Lane::User(strategy) => {
                    for span in &sim.outcome(*strategy).user {
                        span_rects(
                            plot_ui,
                            &span.what,
                            (span.from as f64, end(span.until)),
                            band(y),
                            palette.user,
                            frame,
                        );
                    }
                }
                Lane::Subject(strategy) => {
                    let outcome = sim.outcome(*strategy);
                    for span in &outcome.subject {
                        let (a, b) = (span.from as f64, end(span.until));
                        span_rects(plot_ui, &span.what, (a, b.min(event)), band(y), palette.held, frame);
                        span_rects(plot_ui, "exposure", (a.max(event), b), band(y), palette.exposure, frame);
                    }
                    if let Some((at, what)) = &outcome.server_action {
                        plot_ui.points(
                            Points::new(what.to_string(), vec![[*at as f64, y]])
                                .shape(MarkerShape::Diamond)
                                .radius(6.0)
                                .color(palette.text),
                        );
                    }
                }
                Lane::AccessChain => chain_lane(plot_ui, sim, y, frame, px_per_second, &palette, false),
                Lane::RefreshChain => chain_lane(plot_ui, sim, y, frame, px_per_second, &palette, true),
            }
        }
        plot_ui.vline(VLine::new("event", event).color(palette.exposure).style(LineStyle::dashed_loose()).width(1.5));
        labels.add(event, RichText::new(scenario.event.kind.title()).strong(), palette.exposure);
        if scenario.event.kind.has_theft() {
            let stolen = scenario.stolen_at() as f64;
            plot_ui.vline(
                VLine::new("stolen", stolen).color(palette.attacker).style(LineStyle::dashed_loose()).width(1.5),
            );
            labels.add(stolen, RichText::new("stolen").strong(), palette.attacker);
        }
    });
    ui.weak(
        "Green: the user is accepted. Blue-grey: the event's subject holds an accepted credential before the event; \
         red: it is still accepted after the event (the exposure). Faded: what the model predicts after the clock's \
         time. Diamonds: what the server did. The access-token chain shows each renewal (amber tails: leeway), the \
         refresh-token chain each rotation inside the refresh token's lifetime (outlined; purple: the attacker's). \
         Drag the now line to move the clock.",
    );
}

fn end(until: Seconds) -> f64 {
    if until == FOREVER { f64::MAX } else { until as f64 }
}

/// At most this many tokens are drawn one by one; more are drawn as a band.
const MAX_DRAWN_TOKENS: usize = 160;

fn chain_lane(
    plot_ui: &mut PlotUi<'_>,
    sim: &Simulation,
    y: f64,
    frame: Frame,
    px_per_second: f64,
    palette: &Palette,
    refresh: bool,
) {
    let view = frame.view;
    let o = sim.outcome(Strategy::JwtRefresh);
    if refresh {
        // Each family's whole lifetime (login to login + token-ttl), outlined: the refresh
        // token's own lifetime, whatever became of its generations.
        for run in o.chain.iter().filter(|r| r.first_number == 0 && r.holder == Holder::User) {
            let (a, b) = ((run.first_issue as f64).max(view.0), (run.family_end as f64).min(view.1));
            if a < b {
                let (y0, y1) = band(y);
                let outline =
                    egui_plot::Polygon::new("refresh-token lifetime", vec![[a, y0], [b, y0], [b, y1], [a, y1]])
                        .fill_color(Color32::TRANSPARENT)
                        .stroke(egui::Stroke::new(1.0, palette.refresh[1]))
                        .allow_hover(false);
                plot_ui.polygon(outline);
            }
        }
    }
    for run in &o.chain {
        let tokens: Vec<AccessToken> = run.tokens_between(view.0, view.1, MAX_DRAWN_TOKENS + 1);
        if tokens.len() > MAX_DRAWN_TOKENS {
            let (a, b) = (tokens[0].issued as f64, tokens[tokens.len() - 1].exp as f64);
            let colour = if refresh { palette.refresh[0] } else { palette.access[0] };
            span_rects(plot_ui, "many tokens", (a, b), band(y), colour, frame);
            plot_ui.text(
                Text::new(
                    "many-label",
                    PlotPoint::new(f64::midpoint(a.max(view.0), b.min(view.1)), y),
                    format!("{} tokens here: zoom in", run.len()),
                )
                .color(palette.text)
                .allow_hover(false),
            );
            continue;
        }
        // With an attacker's chain in the same lane, the user's tokens take the lower half and
        // the attacker's the upper half, so overlapping tokens both show.
        let shared = o.chain.iter().any(|r| r.holder == Holder::Other);
        let rows = match (shared, run.holder) {
            (false, _) => band(y),
            (true, Holder::User) => (y - 0.34, y - 0.02),
            (true, Holder::Other) => (y + 0.02, y + 0.34),
        };
        for tok in tokens {
            let parity = usize::from(tok.number % 2 == 1);
            let attacker = tok.holder == Holder::Other;
            let (a, b, label) = if refresh {
                (tok.issued as f64, tok.refresh_until as f64, format!("RT {}", tok.number))
            } else {
                (tok.issued as f64, tok.exp.min(tok.rejected_from) as f64, format!("#{}", tok.number))
            };
            let colour = match (attacker, refresh) {
                (true, _) => palette.attacker_bar,
                (false, true) => palette.refresh[parity],
                (false, false) => palette.access[parity],
            };
            span_rects(plot_ui, &label, (a, b), rows, colour, frame);
            if !refresh && tok.rejected_from > tok.exp {
                let tail = (tok.exp as f64, tok.rejected_from as f64);
                span_rects(plot_ui, "leeway", tail, rows, palette.leeway, frame);
            }
            if (b - a) * px_per_second > 34.0 {
                let centre = f64::midpoint(a.max(view.0), b.min(view.1));
                plot_ui.text(
                    Text::new(
                        label.clone(),
                        PlotPoint::new(centre, f64::midpoint(rows.0, rows.1)),
                        RichText::new(label).small(),
                    )
                    .color(palette.text)
                    .allow_hover(false),
                );
            }
        }
    }
}
