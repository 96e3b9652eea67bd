//! The Live tab: real servers on this machine. The settings and the servers on top; then the
//! client (log in as a demo user, `GET /me`, refresh, log out) with its requests and answers;
//! what the Flows model predicted beside what the servers did; the measured store round trip;
//! a load with its latency histogram; a probe with every forgery; the balancer's request log.
//!
//! The lab is [`crate::core::labs::live::lab::LiveLab`] (`AppState::live`), reached through
//! `Command::Live`; this module draws it and emits commands. The figures are those
//! `tokenbench serve`, `load` and `probe` print ([`Settings::command_line`] gives the run's).

mod controls;
mod results;

use egui::{RichText, Ui};

use crate::core::labs::live::lab::{LiveCommand, Settings};
use crate::ui::state::{AppState, Command};

/// The width from which the client and the load stand side by side.
const TWO_COLUMNS_FROM: f32 = 1100.0;

/// Wraps a lab command.
fn cmd(c: LiveCommand) -> Command {
    Command::Live(c)
}

/// Draws the Live tab.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    egui::ScrollArea::vertical().id_salt("live-scroll").auto_shrink([false, false]).show(ui, |ui| {
        ui.heading("Live lab");
        ui.label(
            "The same logins, requests, failover and logout as the Flows model, on real HTTP servers on this \
             machine, measured, with what the model predicted beside each result.",
        );
        ui.separator();
        controls::settings_ui(ui, &state.live, out);
        ui.separator();
        if state.live.running() {
            controls::run_ui(ui, &state.live, out);
            ui.separator();
            let lab = &state.live;
            // Side by side where the window is wide; one column where it is not. The width
            // alone decides, so nothing jumps when a result arrives. The model's rows take the
            // whole width: their sentences are long.
            pair(ui, out, |ui, out| controls::client_ui(ui, lab, out), |ui, out| results::load_ui(ui, lab, out));
            ui.separator();
            results::checks_ui(ui, lab, state.flows.params.store_latency_ms, out);
            ui.separator();
            results::probe_ui(ui, lab, out);
            ui.separator();
            results::log_ui(ui, lab);
        } else {
            ui.label(
                RichText::new(if state.live.starting {
                    "Starting the servers..."
                } else {
                    "No servers running: choose the settings above and press Start. Everything listens on \
                     127.0.0.1 only and stops when you press Stop everything or close the window."
                })
                .weak(),
            );
        }
    });
}

/// Two parts side by side from [`TWO_COLUMNS_FROM`], one under the other below it.
fn pair(
    ui: &mut Ui,
    out: &mut Vec<Command>,
    left: impl FnOnce(&mut Ui, &mut Vec<Command>),
    right: impl FnOnce(&mut Ui, &mut Vec<Command>),
) {
    if ui.available_width() >= TWO_COLUMNS_FROM {
        ui.columns(2, |cols| {
            let (l, r) = cols.split_at_mut(1);
            left(&mut l[0], out);
            right(&mut r[0], out);
        });
    } else {
        left(ui, out);
        ui.separator();
        right(ui, out);
    }
}

/// Draws `add` in a region of fixed height, so what follows never moves when the region's
/// content grows or shrinks (a new answer, a finished load).
fn fixed_height(ui: &mut Ui, height: f32, add: impl FnOnce(&mut Ui)) {
    let size = egui::vec2(ui.available_width(), height);
    ui.allocate_ui_with_layout(size, egui::Layout::top_down(egui::Align::Min), |ui| {
        ui.set_min_size(size);
        ui.set_max_height(height);
        add(ui);
    });
}

/// The height of `rows` rows of body text in a grid.
fn rows_height(ui: &Ui, rows: usize) -> f32 {
    #[allow(clippy::cast_precision_loss)]
    let rows = rows as f32;
    rows * (ui.spacing().interact_size.y + ui.spacing().item_spacing.y)
}

/// The settings as the command line that starts the same run from a terminal.
fn command_line(settings: &Settings) -> String {
    settings.command_line()
}

#[cfg(test)]
mod tests;
