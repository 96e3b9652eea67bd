//! The payload page: a slider (and buttons) add claims to a really signed JWT; its bytes per
//! request, against the 34 B session cookie plus one lookup, are plotted with the cookie limit
//! and the header limits of nginx, Apache and Node.js, each marked where the JWT crosses it.

use egui::Ui;
use egui_plot::{HLine, Line, LineStyle, Plot, Points, VLine};

use super::waiting;
use crate::core::labs::fit::payload::{self, MAX_ADDED, Measures, PayloadReport, SWEEP_STEP};
use crate::core::labs::fit::{FitCommand, FitLab};
use crate::ui::plot_fit::fit_on_change;
use crate::ui::state::Command;
use crate::ui::theme::palette;

/// The line under the plot saying what its marks are.
pub const KEY: &str = "Dashed: the browser cookie limit; dotted: the servers' header limits (each named on its line); dots: where the JWT first crosses each; the ring and the dashed line across: this token.";

/// Where the limit lines' labels start, in claims added: near the left edge, over the lines.
const LABEL_X: f64 = 8.0;

/// The buttons' step.
const STEP: usize = SWEEP_STEP;

/// Draws the page.
pub fn ui(ui: &mut Ui, lab: &FitLab, out: &mut Vec<Command>) {
    // The controls first, drawn the same whatever the figures: nothing moves under the pointer.
    // The buttons before the slider, whose number changes width as it grows.
    ui.horizontal_wrapped(|ui| {
        if ui.add_enabled(lab.added < MAX_ADDED, egui::Button::new(format!("Add {STEP} claims"))).clicked() {
            out.push(Command::Fit(FitCommand::SetAdded(lab.added + STEP)));
        }
        if ui.add_enabled(lab.added > 0, egui::Button::new(format!("Remove {STEP}"))).clicked() {
            out.push(Command::Fit(FitCommand::SetAdded(lab.added.saturating_sub(STEP))));
        }
        let mut added = lab.added;
        let slider = egui::Slider::new(&mut added, 0..=MAX_ADDED).text("claims added");
        if ui.add(slider).changed() {
            out.push(Command::Fit(FitCommand::SetAdded(added)));
        }
    });
    ui.weak("Each claim added is a role, a permission or a profile field, in turn, as apps put authorization data in their tokens.");
    let Some(r) = waiting(ui, lab.payload.as_ref()) else { return };
    // Each line keeps its rows whatever its figures say ("fits" or "is over" re-wraps a narrow
    // window's line), so the plot below never jumps while the slider moves.
    let rows = if ui.available_width() >= 1100.0 { 1 } else { 2 };
    for line in r.lines() {
        crate::ui::widgets::reserved_label(ui, line, rows);
    }
    plot(ui, r);
}

fn plot(ui: &mut Ui, r: &PayloadReport) {
    let dark = ui.visuals().dark_mode;
    let p = palette(dark);
    let jwt = p.bad;
    let cookie = p.good;
    let text = ui.visuals().text_color();
    let header: Vec<[f64; 2]> = r.sweep.points.iter().map(|p| [p.added as f64, p.header_line_bytes as f64]).collect();
    let session: Vec<[f64; 2]> =
        [0.0, MAX_ADDED as f64].into_iter().map(|x| [x, r.session_line_bytes as f64]).collect();
    let model = crate::ui::plot_fit::bits(header.iter().map(|p| p[1]));
    let id = egui::Id::unique("fit-payload-plot");
    fit_on_change(ui, Plot::new("fit-payload"), id, model)
        .height(240.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .include_y(0.0)
        .x_axis_label("claims added")
        .y_axis_label("bytes per request")
        .show(ui, |plot| {
            plot.line(Line::new("JWT: Authorization: Bearer line", header).color(jwt).width(2.0));
            plot.line(Line::new("Session: Cookie: sid= line", session).color(cookie).width(2.0));
            for c in &r.sweep.crossings {
                let style = if c.limit.measures == Measures::CookiePair {
                    LineStyle::dashed_loose()
                } else {
                    LineStyle::dotted_dense()
                };
                let name = format!("{} {} B", c.limit.name, c.limit.bytes);
                plot.hline(HLine::new(name.clone(), c.limit.bytes as f64).color(text).style(style));
                if let Some(o) = c.first_over {
                    plot.points(
                        Points::new(format!("{name}: crossed"), vec![[o.added as f64, o.measured(&c.limit) as f64]])
                            .radius(4.0)
                            .color(jwt),
                    );
                }
            }
            // Each limit line named on the plot, at its left end where the JWT's curve is still
            // low; limits a few bytes apart (Apache, nginx) draw as one line and share a label.
            for (bytes, label) in payload::limit_labels() {
                plot.text(
                    egui_plot::Text::new("", egui_plot::PlotPoint::new(LABEL_X, bytes as f64), label)
                        .color(text)
                        .anchor(egui::Align2::LEFT_BOTTOM),
                );
            }
            // This token: a line across and a ring on the JWT's curve, off the grid's colour.
            plot.vline(VLine::new("this token", r.point.added as f64).color(text).style(LineStyle::dashed_dense()));
            plot.points(
                Points::new("this token's bytes", vec![[r.point.added as f64, r.point.header_line_bytes as f64]])
                    .radius(6.0)
                    .filled(false)
                    .color(text),
            );
        });
    // The legend under the plot, never over its lines.
    ui.horizontal_wrapped(|ui| {
        for (name, colour) in [("JWT: Authorization: Bearer line", jwt), ("Session: Cookie: sid= line", cookie)] {
            let (swatch, _) = ui.allocate_exact_size(egui::vec2(12.0, 4.0), egui::Sense::hover());
            ui.painter().rect_filled(swatch, 1.0, colour);
            ui.label(name);
            ui.add_space(8.0);
        }
    });
    ui.weak(KEY);
}
