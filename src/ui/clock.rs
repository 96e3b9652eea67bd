//! The status line: the simulated clock every panel reads, its controls, and the last message.

use egui::{RichText, Ui};

use crate::core::clock::{ClockMode, format_utc};
use crate::ui::state::{AppState, ClockCommand, Command, Level};

const SPEEDS: [(f64, &str); 5] = [(1.0, "x1"), (10.0, "x10"), (60.0, "x60"), (600.0, "x600"), (3600.0, "x3600")];
const JUMPS: [(f64, &str); 5] =
    [(-3600.0, "-1 h"), (-300.0, "-5 min"), (300.0, "+5 min"), (3600.0, "+1 h"), (86_400.0, "+1 day")];

/// Draws the status line.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        let mode = match state.clock.mode() {
            ClockMode::Real => "real time".to_owned(),
            ClockMode::Paused => "paused".to_owned(),
            ClockMode::Running { speed } => format!("running x{speed:.0}"),
        };
        let now = format_utc(state.clock.now());
        // Real time repaints once a minute when idle, so it shows minutes only.
        let shown = if state.clock.mode() == ClockMode::Real { format!("{} UTC", &now[..16]) } else { now };
        ui.label(RichText::new(format!("Clock {shown} ({mode})")).monospace())
            .on_hover_text("Every panel judges exp, nbf and iat against this clock");
        if matches!(state.clock.mode(), ClockMode::Paused) {
            if ui.small_button("Run").clicked() {
                out.push(Command::Clock(ClockCommand::Run(1.0)));
            }
        } else if ui.small_button("Pause").clicked() {
            out.push(Command::Clock(ClockCommand::Pause));
        }
        for (speed, label) in SPEEDS {
            if ui.small_button(label).on_hover_text(format!("Run {label} faster than real time")).clicked() {
                out.push(Command::Clock(ClockCommand::Run(speed)));
            }
        }
        for (secs, label) in JUMPS {
            if ui.small_button(label).clicked() {
                out.push(Command::Clock(ClockCommand::Shift(secs)));
            }
        }
        if ui.small_button("Back to now").clicked() {
            out.push(Command::Clock(ClockCommand::BackToNow));
        }
        if let Some((level, text)) = &state.message {
            ui.separator();
            let colour = match level {
                Level::Info => ui.visuals().text_color(),
                Level::Error => ui.visuals().error_fg_color,
            };
            ui.label(RichText::new(text).color(colour));
            if ui.small_button("Dismiss").clicked() {
                out.push(Command::DismissMessage);
            }
        }
    });
}
