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

use std::time::Duration;

use egui::{RichText, Ui};

use crate::core::labs::live::lab::{LiveCommand, Settings};
use crate::ui::state::{AppState, Command};

/// Wraps a lab command.
fn cmd(c: LiveCommand) -> Command {
    Command::Live(c)
}

/// Microseconds with one decimal: `412.3 µs`.
#[must_use]
pub fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
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
            controls::client_ui(ui, &state.live, out);
            ui.separator();
            results::checks_ui(ui, &state.live, out);
            ui.separator();
            results::load_ui(ui, &state.live, out);
            ui.separator();
            results::probe_ui(ui, &state.live, out);
            ui.separator();
            results::log_ui(ui, &state.live);
        } else {
            ui.label(
                RichText::new(if state.live.starting {
                    "Starting the servers..."
                } else {
                    "No servers run yet: choose the settings above and press Start. Everything listens on \
                     127.0.0.1 only and stops when you press Stop everything or close the window."
                })
                .weak(),
            );
        }
    });
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
