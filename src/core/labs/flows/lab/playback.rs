//! Playing the lanes: both step one event at a time, each event's messages revealed over time
//! at the chosen speed, with a pause between events. Time only comes in through
//! [`FlowCommand::Advance`](super::FlowCommand::Advance): the lab never reads a clock.

use super::{FlowsLab, Lane};
use crate::core::labs::flows::sequence::{self, LabelContext, Message};
use crate::core::labs::flows::{RequestOutcome, Step};

/// Pause after an event's last message, in message times, before the next event.
pub const EVENT_GAP: f32 = 1.5;
/// The longest time one frame advances the animation by, seconds.
pub const MAX_FRAME_GAP: f32 = 1.0;
/// The speed the lab starts at, in messages per second.
pub const DEFAULT_SPEED: f32 = 2.5;
/// The slowest and fastest speeds, in messages per second.
pub const SPEED_RANGE: std::ops::RangeInclusive<f32> = 0.5..=1000.0;

/// One message of the shown event: what it is and its full text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    /// The model's message.
    pub message: Message,
    /// Its text with the real header lines.
    pub text: String,
}

/// The token as the diagram's labels show it: whole up to 16 KiB, else its ends around the
/// number of bytes left out (a label is built per message; a megabyte each would stall).
fn shown_token(token: &str) -> std::borrow::Cow<'_, str> {
    const WHOLE: usize = 16 * 1024;
    if token.len() <= WHOLE {
        return token.into();
    }
    let head = token.floor_char_boundary(6000);
    let tail = token.floor_char_boundary(token.len() - 2000);
    format!("{}…[{} bytes not shown]…{}", &token[..head], tail - head, &token[tail..]).into()
}

impl FlowsLab {
    /// Whether every event has been played.
    #[must_use]
    pub fn finished(&self) -> bool {
        self.lanes.iter().all(|l| l.flow.finished())
    }

    /// How many messages the shown event has (the longer lane's), the length of one event's
    /// reveal in [`FlowsLab::progress`] units.
    #[must_use]
    pub fn shown_len(&self) -> f32 {
        self.lanes.iter().map(|l| l.shown.as_ref().map_or(0, |(_, m)| m.len())).max().unwrap_or(0) as f32
    }

    /// Whether the event on screen in either lane is a request or a cross-site call that
    /// failed (not a refusal that should happen, after a logout).
    #[must_use]
    pub fn shows_failure(&self) -> bool {
        let broke = |o: RequestOutcome| {
            matches!(
                o,
                RequestOutcome::SessionMissing | RequestOutcome::CookieNotSent | RequestOutcome::StoreUnreachable
            )
        };
        let failed = |lane: &Lane| match lane.shown.as_ref().map(|(s, _)| *s) {
            Some(Step::Request(r)) => broke(r.outcome),
            Some(Step::CrossSite(c)) => broke(c.outcome),
            _ => false,
        };
        self.lanes.iter().any(failed)
    }

    /// Plays events, each shown whole, until `done` holds or both lanes finish; then paused.
    pub(super) fn play_until(&mut self, done: impl Fn(&Self) -> bool) {
        self.playing = false;
        while !done(self) {
            if !self.next_event() {
                break;
            }
        }
        self.progress = self.shown_len();
    }

    /// Moves the animation on by `dt` seconds of the caller's time.
    pub(super) fn advance(&mut self, dt: f32) {
        if !self.playing {
            return;
        }
        // Frames come only when the view changes (up to the pause between events, 0.6 s at x1):
        // a longer gap is a stall, not time to catch up on.
        self.progress += dt.clamp(0.0, MAX_FRAME_GAP) * self.speed;
        // A bounded number of events per frame, whatever the speed.
        for _ in 0..64 {
            let len = self.shown_len();
            if self.progress < len + EVENT_GAP && len > 0.0 {
                return;
            }
            self.progress = (self.progress - len - EVENT_GAP).max(0.0);
            if !self.next_event() {
                self.playing = false;
                self.progress = self.shown_len();
                return;
            }
        }
    }

    /// Plays the next event in both lanes; false when both are done.
    pub(super) fn next_event(&mut self) -> bool {
        let steps = [self.lanes[0].flow.step(), self.lanes[1].flow.step()];
        if steps.iter().all(Option::is_none) {
            return false;
        }
        for (i, s) in steps.into_iter().enumerate() {
            self.show(i, s);
        }
        true
    }

    /// Puts `step` on screen in `lane`, its messages labelled with the lanes' JWT.
    pub(super) fn show(&mut self, lane: usize, step: Option<Step>) {
        let Some(step) = step else {
            self.lanes[lane].shown = None;
            return;
        };
        let (token, jti, alg) = match &self.credential {
            Some(c) => (shown_token(&c.token), c.jti.as_str(), c.alg.as_str()),
            None => ("<token>".into(), "<jti>", "RS256"),
        };
        let cfg = self.lanes[lane].cfg;
        let user = match step {
            Step::Login { user, .. } | Step::Logout { user, .. } => user,
            Step::Request(r) => r.user,
            Step::CrossSite(c) => c.user,
            Step::ServerDied { .. } | Step::ServerAdded { .. } => 0,
        };
        let cx = LabelContext { cfg: &cfg, user, token: &token, jti, alg };
        let drawn = sequence::messages(&cfg, &step)
            .into_iter()
            .map(|message| Drawn { text: message.label.text(&cx), message })
            .collect();
        self.lanes[lane].shown = Some((step, drawn));
    }
}
