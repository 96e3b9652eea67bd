//! The status line: the clock controls, the simulated clock every panel reads, and the last
//! message. The controls come first at fixed positions (the Pause/Run button keeps one width),
//! the clock text has a fixed width, and the message is cut to one line with the whole text on
//! hover, so nothing moves when the mode or the message changes. Below a width that fits it all
//! on one line, the status has two rows; which one depends only on the window width.

use egui::{Align, Layout, RichText, Ui};

use crate::core::engine::clock::{ClockMode, TimeClaims, UnixSeconds, format_utc};
use crate::core::engine::token::{self, Token};
use crate::ui::state::{AppState, ClockCommand, Command, Level};

const SPEEDS: [(f64, &str); 5] = [(1.0, "x1"), (10.0, "x10"), (60.0, "x60"), (600.0, "x600"), (3600.0, "x3600")];
const JUMPS: [(f64, &str); 5] =
    [(-3600.0, "-1 h"), (-300.0, "-5 min"), (300.0, "+5 min"), (3600.0, "+1 h"), (86_400.0, "+1 day")];
/// The widest clock text ("2026-11-27 21:24:05 UTC · running x3600"), in characters.
const CLOCK_CHARS: usize = 40;
/// The least room a message gets on a one-row status line.
const MESSAGE_MIN: f32 = 220.0;

/// What in the current token is shown relative to the clock: its time claims (which decide the
/// verdict) and every NumericDate the decoded view renders as "in 7 s" / "3 min ago".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShownTimes {
    /// `exp`, `nbf`, `iat`.
    pub claims: TimeClaims,
    /// Every instant shown relative to now.
    pub relative: Vec<UnixSeconds>,
}

impl ShownTimes {
    /// What `t` shows relative to the clock.
    #[must_use]
    pub fn of(t: &Token) -> Self {
        let Some(c) = t.claims() else { return Self::default() };
        let date = |name: &str| token::numeric_date(c, name).ok().flatten();
        let claims = TimeClaims { exp: date("exp"), nbf: date("nbf"), iat: date("iat") };
        let relative = crate::ui::widgets::DATE_CLAIMS.iter().filter_map(|n| date(n)).collect();
        Self { claims, relative }
    }
}

/// The clock as the status line shows it: minutes in real time (the window wakes each minute),
/// seconds when simulated.
#[must_use]
pub fn clock_text(state: &AppState) -> String {
    let now = format_utc(state.clock.now());
    match state.clock.mode() {
        ClockMode::Real => format!("{} UTC · real time", now.get(..16).unwrap_or(&now)),
        ClockMode::Paused => format!("{now} · paused"),
        ClockMode::Running { speed } => format!("{now} · running x{speed:.0}"),
    }
}

fn text_width(ui: &Ui, text: &str) -> f32 {
    let font = egui::TextStyle::Button.resolve(ui.style());
    ui.painter().layout_no_wrap(text.to_owned(), font, egui::Color32::WHITE).size().x
}

/// The width of the control buttons, laid out in a row.
fn controls_width(ui: &Ui) -> f32 {
    let pad = ui.spacing().button_padding.x * 2.0 + ui.spacing().item_spacing.x;
    let labels = std::iter::once("Pause")
        .chain(SPEEDS.iter().map(|s| s.1))
        .chain(JUMPS.iter().map(|j| j.1))
        .chain(std::iter::once("Back to now"));
    labels.map(|l| text_width(ui, l) + pad).sum::<f32>() + 2.0 * ui.spacing().item_spacing.x
}

/// Draws the status line; `message_alpha` fades the message out.
pub fn ui(ui: &mut Ui, state: &AppState, message_alpha: f32, out: &mut Vec<Command>) {
    let mono = egui::TextStyle::Monospace.resolve(ui.style());
    let char_w = ui.painter().layout_no_wrap("0".into(), mono, egui::Color32::WHITE).size().x;
    let clock_w = char_w * CLOCK_CHARS as f32;
    let one_row = ui.available_width() >= controls_width(ui) + clock_w + MESSAGE_MIN;
    if one_row {
        ui.horizontal(|ui| {
            controls(ui, state, out);
            ui.separator();
            clock_and_message(ui, state, clock_w, message_alpha, out);
        });
    } else {
        ui.horizontal(|ui| clock_and_message(ui, state, clock_w, message_alpha, out));
        ui.horizontal(|ui| controls(ui, state, out));
    }
}

fn controls(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    // One width for Pause and Run, so the buttons after it never move.
    let toggle_w = text_width(ui, "Pause").max(text_width(ui, "Run")) + ui.spacing().button_padding.x * 2.0;
    let paused = matches!(state.clock.mode(), ClockMode::Paused);
    let (label, command, hover) = if paused {
        ("Run", ClockCommand::Run(1.0), "Run the simulated clock at real speed")
    } else {
        ("Pause", ClockCommand::Pause, "Stop the clock where it is")
    };
    if ui.add(egui::Button::new(label).min_size(egui::vec2(toggle_w, 0.0))).on_hover_text(hover).clicked() {
        out.push(Command::Clock(command));
    }
    for (speed, label) in SPEEDS {
        if ui.button(label).on_hover_text(format!("Run {label} faster than real time")).clicked() {
            out.push(Command::Clock(ClockCommand::Run(speed)));
        }
    }
    ui.separator();
    for (secs, label) in JUMPS {
        if ui.button(label).on_hover_text(format!("Move the simulated clock {label}")).clicked() {
            out.push(Command::Clock(ClockCommand::Shift(secs)));
        }
    }
    if ui.button("Back to now").on_hover_text("Follow the real clock again").clicked() {
        out.push(Command::Clock(ClockCommand::BackToNow));
    }
}

fn clock_and_message(ui: &mut Ui, state: &AppState, clock_w: f32, alpha: f32, out: &mut Vec<Command>) {
    let height = ui.spacing().interact_size.y;
    ui.allocate_ui_with_layout(egui::vec2(clock_w, height), Layout::left_to_right(Align::Center), |ui| {
        ui.set_min_width(clock_w);
        ui.add(egui::Label::new(RichText::new(clock_text(state)).monospace()).truncate())
            .on_hover_text("Every panel judges exp, nbf and iat against this clock");
    });
    if let Some((level, text)) = &state.message {
        let colour = match level {
            Level::Info => ui.visuals().text_color(),
            Level::Error => ui.visuals().error_fg_color,
        };
        if ui.small_button("Dismiss").on_hover_text("Hide this message now").clicked() {
            out.push(Command::DismissMessage);
        }
        // Core's messages are written for the terminal too: `code` spans lose their backticks.
        let format = egui::TextFormat {
            font_id: egui::TextStyle::Body.resolve(ui.style()),
            color: colour.gamma_multiply(alpha),
            ..Default::default()
        };
        let job = crate::ui::widgets::prose_job(ui, text, &format);
        // A cut message shows itself whole on hover (egui's own tooltip for an elided label; a
        // second on_hover_text would stack the same text twice).
        ui.add(egui::Label::new(job).truncate());
    }
}
