//! The request-flows lab's view: two lanes side by side (session and JWT, or session and
//! hybrid), each an animated sequence diagram of the model's events with the real header lines,
//! over one topology of servers that can be killed or added with a click; the scenarios of the
//! sessions-vs-JWT comparison, editable parameters, running totals with per-request figures
//! and measured costs, and a bar chart of the totals.
//!
//! The lab itself, its scenarios and every rule, is [`crate::core::labs::flows::FlowsLab`]
//! (`AppState::flows`); this module draws it and emits `Command::Flow`, and paces the frames
//! of its animation. The numbers shown are the model's, the same `tokenbench simulate flow`
//! prints ([`FlowsLab::cli_args`], [`FlowsLab::scenario_cli_args`] give the command).

mod cost_plots;
mod diagram;
mod view;

pub use view::ui;

use std::time::Duration;

use crate::core::labs::flows::FlowsLab;
use crate::core::labs::flows::lab::EVENT_GAP;

/// Animation speeds: (messages per second, label).
pub const SPEEDS: [(f32, &str); 4] = [(2.5, "x1"), (10.0, "x4"), (40.0, "x16"), (250.0, "x100")];
/// A growing message is drawn in this many steps: the view changes, and asks for a frame, only
/// at each.
pub const REVEAL_STEPS: f32 = 8.0;
/// The most frames per second the animation asks for, whatever the speed.
pub const MAX_ANIMATION_FPS: f32 = 30.0;

/// How long until the animation shows something else, in real seconds, when playing: the
/// growing message's next step ([`REVEAL_STEPS`] per message), or the end of the pause between
/// events; never sooner than [`MAX_ANIMATION_FPS`] allows. `None` when paused.
#[must_use]
pub fn next_frame_in(lab: &FlowsLab) -> Option<Duration> {
    if !lab.playing {
        return None;
    }
    let len = lab.shown_len();
    let p = lab.progress;
    let target = if len <= 0.0 {
        // Nothing shown yet: the next frame plays the first event.
        p
    } else if p < len {
        ((p * REVEAL_STEPS).floor() + 1.0) / REVEAL_STEPS
    } else {
        len + EVENT_GAP
    };
    let seconds = ((target - p) / lab.speed).max(1.0 / MAX_ANIMATION_FPS);
    Some(Duration::from_secs_f32(seconds))
}

#[cfg(test)]
mod story_tests;
#[cfg(test)]
mod tests;
