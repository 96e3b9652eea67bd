//! Simulated time shared by every panel, human renderings of NumericDates, and the repaint
//! scheduler that says when anything shown next changes.
//!
//! The verifier never reads the system clock: it is handed `now` from a [`Clock`], so a user can
//! pause time, jump to an instant or run it faster and watch tokens expire. A real-time clock
//! reads its [`Clock::with_source`] function instead of the system time in tests, so a test can
//! move time without sleeping. [`next_change`] and [`wake_after`] are pure: given the token's
//! time claims, the leeway, what is shown relative to now and the clock, they say when the
//! window must look again, so a verdict is never stale and an idle window sleeps.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Local, TimeZone, Utc};

/// Seconds since the Unix epoch, fractional (the unit of JWT NumericDates).
pub type UnixSeconds = f64;

/// The system time now, in Unix seconds.
#[must_use]
pub fn system_now() -> UnixSeconds {
    let now = Utc::now();
    now.timestamp() as f64 + f64::from(now.timestamp_subsec_millis()) / 1000.0
}

/// How the simulated clock advances.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ClockMode {
    /// Follows the system clock.
    Real,
    /// Stands still at an instant.
    Paused,
    /// Advances `speed` simulated seconds per real second (1 to 3600).
    Running {
        /// Simulated seconds per real second.
        speed: f64,
    },
}

/// Where "real time" comes from: the system, or a function a test controls.
#[derive(Clone, Default)]
enum Source {
    #[default]
    System,
    Injected(Arc<dyn Fn() -> UnixSeconds + Send + Sync>),
}

/// A clock that may be real, paused or sped up.
#[derive(Clone)]
pub struct Clock {
    mode: ClockMode,
    /// Simulated time at `anchor`.
    base: UnixSeconds,
    /// Real instant at which `base` was the simulated time.
    anchor: Instant,
    /// The injected real time at the anchor (unused with the system source).
    anchor_injected: UnixSeconds,
    source: Source,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clock")
            .field("mode", &self.mode)
            .field("base", &self.base)
            .field("injected", &matches!(self.source, Source::Injected(_)))
            .finish_non_exhaustive()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::real()
    }
}

impl Clock {
    /// The fastest allowed speed (one hour per second).
    pub const MAX_SPEED: f64 = 3600.0;

    /// A clock that follows the system time.
    #[must_use]
    pub fn real() -> Self {
        Self::from_source(Source::System)
    }

    /// A real-time clock that reads `source` instead of the system time (for tests: time moves
    /// when the test says so). Paused and running modes measure real time with it too.
    #[must_use]
    pub fn with_source(source: impl Fn() -> UnixSeconds + Send + Sync + 'static) -> Self {
        Self::from_source(Source::Injected(Arc::new(source)))
    }

    fn from_source(source: Source) -> Self {
        let mut clock = Self { mode: ClockMode::Real, base: 0.0, anchor: Instant::now(), anchor_injected: 0.0, source };
        clock.base = clock.real_now();
        clock.anchor_injected = clock.base;
        clock
    }

    /// A clock paused at `at`.
    #[must_use]
    pub fn paused_at(at: UnixSeconds) -> Self {
        let mut c = Self::real();
        c.set(at);
        c
    }

    /// The current mode.
    #[must_use]
    pub fn mode(&self) -> ClockMode {
        self.mode
    }

    /// Real time from this clock's source.
    fn real_now(&self) -> UnixSeconds {
        match &self.source {
            Source::System => system_now(),
            Source::Injected(f) => f(),
        }
    }

    /// The simulated time now.
    #[must_use]
    pub fn now(&self) -> UnixSeconds {
        self.now_at(Instant::now())
    }

    /// The simulated time at a given real instant (lets tests avoid sleeping).
    #[must_use]
    pub fn now_at(&self, real: Instant) -> UnixSeconds {
        match self.mode {
            ClockMode::Real => self.real_now(),
            ClockMode::Paused => self.base,
            ClockMode::Running { speed } => {
                let elapsed = match &self.source {
                    Source::System => real.saturating_duration_since(self.anchor).as_secs_f64(),
                    Source::Injected(f) => (f() - self.anchor_injected).max(0.0),
                };
                self.base + elapsed * speed
            }
        }
    }

    fn reanchor(&mut self, base: UnixSeconds) {
        self.base = base;
        self.anchor = Instant::now();
        self.anchor_injected = match &self.source {
            Source::System => 0.0,
            Source::Injected(f) => f(),
        };
    }

    /// Freezes the clock where it is.
    pub fn pause(&mut self) {
        self.reanchor(self.now());
        self.mode = ClockMode::Paused;
    }

    /// Jumps to `at` and stays there (or keeps running from there).
    pub fn set(&mut self, at: UnixSeconds) {
        self.reanchor(at);
        if self.mode == ClockMode::Real {
            self.mode = ClockMode::Paused;
        }
    }

    /// Moves the simulated time by `seconds` (negative goes back).
    pub fn shift(&mut self, seconds: f64) {
        let now = self.now();
        self.set(now + seconds);
    }

    /// Runs from the current simulated time at `speed` (clamped to 1..=3600).
    pub fn run(&mut self, speed: f64) {
        self.reanchor(self.now());
        self.mode = ClockMode::Running { speed: speed.clamp(1.0, Self::MAX_SPEED) };
    }

    /// Back to real time (from the same source).
    pub fn back_to_now(&mut self) {
        *self = Self::from_source(self.source.clone());
    }

    /// True when the UI must keep repainting to show the time move.
    #[must_use]
    pub fn is_moving(&self) -> bool {
        !matches!(self.mode, ClockMode::Paused)
    }
}

/// The time claims of a token that decide its verdict (absent or unusable ones are `None`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TimeClaims {
    /// `exp`: invalid from `exp + leeway` on.
    pub exp: Option<UnixSeconds>,
    /// `nbf`: invalid before `nbf - leeway`.
    pub nbf: Option<UnixSeconds>,
    /// `iat`: invalid before `iat - leeway` (issued in the future).
    pub iat: Option<UnixSeconds>,
}

impl TimeClaims {
    /// The instants at which a time check changes its outcome: `exp + leeway`, `nbf - leeway`,
    /// `iat - leeway`, and the claims themselves (where a check's wording turns).
    #[must_use]
    pub fn verdict_instants(&self, leeway: u64) -> [Option<UnixSeconds>; 6] {
        let l = leeway as f64;
        [self.exp.map(|t| t + l), self.nbf.map(|t| t - l), self.iat.map(|t| t - l), self.exp, self.nbf, self.iat]
    }
}

/// The next simulated instant after `now` at which anything shown changes: a time check flips
/// (see [`TimeClaims::verdict_instants`]), a relative text ("in 7 s", "3 min ago") of one of
/// the `relative` instants turns over, or the clock display (shown to `clock_step` seconds)
/// ticks. Everything is judged again at the first frame strictly after that instant. `None`
/// when nothing shown will ever change.
#[must_use]
pub fn next_change(
    claims: &TimeClaims,
    leeway: u64,
    relative: &[UnixSeconds],
    clock_step: Option<f64>,
    now: UnixSeconds,
) -> Option<UnixSeconds> {
    let flips = claims.verdict_instants(leeway).into_iter().flatten().filter(|t| t.is_finite() && *t > now);
    let ticks = relative.iter().filter_map(|t| next_relative_change(*t, now));
    let clock = clock_step.filter(|s| *s > 0.0).map(|s| ((now / s).floor() + 1.0) * s);
    flips.chain(ticks).chain(clock).reduce(f64::min)
}

/// How long a window may sleep before looking again, to be drawn just after `at` (from
/// [`next_change`]): real seconds scaled by the clock's speed, never less than one 60 Hz frame,
/// and, while the clock runs (its seconds change faster than anyone reads them at x60 and
/// more), never less than a 20 Hz frame; `None` when the clock is paused or nothing will change.
#[must_use]
pub fn wake_after(mode: ClockMode, now: UnixSeconds, at: Option<UnixSeconds>) -> Option<Duration> {
    /// Lands the frame safely after the instant, not on it.
    const MARGIN: f64 = 0.002;
    const FRAME: f64 = 1.0 / 60.0;
    const RUNNING_FRAME: f64 = 1.0 / 20.0;
    let at = at?;
    let (speed, floor) = match mode {
        ClockMode::Paused => return None,
        ClockMode::Real => (1.0, FRAME),
        ClockMode::Running { speed } => (speed, RUNNING_FRAME),
    };
    let real = ((at - now).max(0.0) / speed + MARGIN).clamp(floor, 86_400.0 * 365.0);
    Some(Duration::from_secs_f64(real))
}

/// The last instant (or, in the past direction, the first) at which [`format_relative`] of `t`
/// still reads as it does at `now`: the text changes just after it. `None` for times too far
/// away to ever change on screen.
#[must_use]
pub fn next_relative_change(t: UnixSeconds, now: UnixSeconds) -> Option<UnixSeconds> {
    let delta = t - now;
    if !delta.is_finite() || delta.abs() >= 1e15 {
        return None;
    }
    if delta.abs() < 1.0 {
        // "now" until one second after t.
        return Some(t + 1.0);
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let secs = delta.abs().floor() as u64;
    let (lo, hi) = same_text_span(secs);
    if delta > 0.0 {
        // Counting down: the text holds while t - now >= lo.
        Some(t - lo as f64)
    } else {
        // Counting up: the text holds while now - t < hi + 1.
        Some(t + hi as f64 + 1.0)
    }
}

/// The whole seconds around `secs` that [`human_duration`] renders the same: an inclusive range.
fn same_text_span(secs: u64) -> (u64, u64) {
    const YEAR_FROM: u64 = 31_536_000;
    match secs {
        0..=59 => (secs, secs),
        60..=86_399 => {
            let lo = secs / 60 * 60;
            (lo, lo + 59)
        }
        86_400..YEAR_FROM => {
            let lo = secs / 86_400 * 86_400;
            (lo, (lo + 86_399).min(YEAR_FROM - 1))
        }
        _ => {
            // Tenths of a (Julian) year, rounded: the text only grows with `secs`, so the span is
            // an interval; find its ends by bisection, asking the formatter itself.
            let text = human_duration(Duration::from_secs(secs));
            let same = |s: u64| human_duration(Duration::from_secs(s)) == text;
            let width = 31_557_600 / 10 + 2;
            // lo: the first second with this text (differs below `below`, or the range starts).
            let (mut below, mut lo) = (secs.saturating_sub(width).max(YEAR_FROM), secs);
            if same(below) {
                lo = below;
            } else {
                while lo - below > 1 {
                    let mid = below + (lo - below) / 2;
                    if same(mid) { lo = mid } else { below = mid }
                }
            }
            let (mut hi, mut above) = (secs, secs + width);
            while above - hi > 1 {
                let mid = hi + (above - hi) / 2;
                if same(mid) { hi = mid } else { above = mid }
            }
            (lo, hi)
        }
    }
}

fn to_utc(t: UnixSeconds) -> Option<DateTime<Utc>> {
    let secs = t.floor();
    if !(-8.2e12..8.2e12).contains(&secs) {
        return None;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let nanos = ((t - secs) * 1e9) as u32;
    #[allow(clippy::cast_possible_truncation)]
    Utc.timestamp_opt(secs as i64, nanos).single()
}

/// `2024-05-01 12:00:00 UTC`; out-of-range values are said to be so.
#[must_use]
pub fn format_utc(t: UnixSeconds) -> String {
    to_utc(t).map_or_else(
        || format!("{t} (outside the representable calendar)"),
        |d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

/// The same instant in the machine's local time zone.
#[must_use]
pub fn format_local(t: UnixSeconds) -> String {
    to_utc(t).map_or_else(String::new, |d| d.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S %Z").to_string())
}

/// "in 14 min", "3 h ago", "now": `t` relative to `now`.
#[must_use]
pub fn format_relative(t: UnixSeconds, now: UnixSeconds) -> String {
    let delta = t - now;
    if delta.abs() < 1.0 {
        return "now".into();
    }
    let span = human_duration(Duration::from_secs_f64(delta.abs().min(1e15)));
    if delta > 0.0 { format!("in {span}") } else { format!("{span} ago") }
}

/// "14 min", "3 h 5 min", "2 days": the workbench's one duration formatter, kept here under its
/// old name for the clock's callers (see [`crate::core::text::human_duration`]).
pub use crate::core::text::human_duration;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paused_clock_stands_still_and_shifts() {
        let mut c = Clock::paused_at(1_000.0);
        assert!((c.now() - 1_000.0).abs() < f64::EPSILON);
        c.shift(60.0);
        assert!((c.now() - 1_060.0).abs() < f64::EPSILON);
        assert!(!c.is_moving());
    }

    #[test]
    fn running_clock_scales_real_time() {
        let mut c = Clock::paused_at(0.0);
        c.run(3600.0);
        let later = c.anchor + Duration::from_secs(2);
        assert!((c.now_at(later) - 7200.0).abs() < 1e-6);
        c.run(1e9);
        assert_eq!(c.mode(), ClockMode::Running { speed: Clock::MAX_SPEED });
    }

    #[test]
    fn real_clock_follows_system_time() {
        let c = Clock::real();
        assert!((c.now() - system_now()).abs() < 2.0);
        let mut c = Clock::paused_at(5.0);
        c.back_to_now();
        assert_eq!(c.mode(), ClockMode::Real);
    }

    #[test]
    fn human_formats() {
        assert_eq!(format_utc(1_516_239_022.0), "2018-01-18 01:30:22 UTC");
        assert_eq!(format_relative(1_000.0 + 14.0 * 60.0, 1_000.0), "in 14 min");
        assert_eq!(format_relative(1_000.0, 1_000.0 + 3.0 * 3600.0), "3 h ago");
        assert_eq!(format_relative(5.0, 5.2), "now");
        assert_eq!(format_relative(0.0, 86_400.0 + 5.0), "1 day ago");
        assert_eq!(format_relative(3.0 * 86_400.0, 0.0), "in 3 days");
        assert!(format_utc(1e300).contains("outside"));
    }

    #[test]
    fn injected_clock_moves_only_when_told() {
        let t = Arc::new(std::sync::Mutex::new(1_000.0));
        let source = Arc::clone(&t);
        let mut c = Clock::with_source(move || *source.lock().unwrap());
        assert!((c.now() - 1_000.0).abs() < f64::EPSILON);
        *t.lock().unwrap() = 1_010.5;
        assert!((c.now() - 1_010.5).abs() < f64::EPSILON);
        c.run(60.0);
        *t.lock().unwrap() = 1_011.5;
        assert!((c.now() - (1_010.5 + 60.0)).abs() < 1e-9, "one injected second at x60");
        c.back_to_now();
        assert_eq!(c.mode(), ClockMode::Real);
        assert!((c.now() - 1_011.5).abs() < f64::EPSILON, "back to the injected source, not the system");
    }

    #[test]
    fn the_scheduler_wakes_at_exp_not_at_the_next_minute() {
        // Token valid until 1000; now 992.5, real time: "in 7 s" ticks each second, and the
        // verdict flips at exp itself.
        let claims = TimeClaims { exp: Some(1_000.0), nbf: None, iat: Some(400.0) };
        let at = next_change(&claims, 0, &[1_000.0, 400.0], Some(60.0), 992.5).unwrap();
        assert!((at - 993.0).abs() < 1e-9, "the seconds countdown: {at}");
        // Right before exp only exp (and its relative text) matters.
        let at = next_change(&claims, 0, &[1_000.0], None, 999.2).unwrap();
        assert!((at - 1_000.0).abs() < 1e-9, "{at}");
        // With leeway the flip moves to exp + leeway.
        let at = next_change(&claims, 30, &[], None, 1_000.5).unwrap();
        assert!((at - 1_030.0).abs() < 1e-9, "{at}");
        // nbf and iat in the future flip when they come within the leeway.
        let future = TimeClaims { exp: None, nbf: Some(5_000.0), iat: Some(4_000.0) };
        assert!((next_change(&future, 10, &[], None, 0.0).unwrap() - 3_990.0).abs() < 1e-9);
        // Nothing time-dependent shown: no wake-up.
        assert_eq!(next_change(&TimeClaims::default(), 0, &[], None, 5.0), None);
        // The clock display alone: the next minute boundary.
        assert!((next_change(&TimeClaims::default(), 0, &[], Some(60.0), 125.0).unwrap() - 180.0).abs() < 1e-9);
    }

    #[test]
    fn wake_after_scales_by_speed_and_sleeps_when_paused() {
        let d = wake_after(ClockMode::Real, 999.2, Some(1_000.0)).unwrap();
        assert!((d.as_secs_f64() - 0.802).abs() < 1e-6, "{d:?}");
        let d = wake_after(ClockMode::Running { speed: 60.0 }, 0.0, Some(120.0)).unwrap();
        assert!((d.as_secs_f64() - 2.002).abs() < 1e-6, "{d:?}");
        let d = wake_after(ClockMode::Running { speed: 3600.0 }, 0.0, Some(1.0)).unwrap();
        assert!((d.as_secs_f64() - 1.0 / 20.0).abs() < 1e-9, "a running clock: never faster than 20 Hz: {d:?}");
        let d = wake_after(ClockMode::Real, 0.0, Some(0.001)).unwrap();
        assert!((d.as_secs_f64() - 1.0 / 60.0).abs() < 1e-9, "never faster than a 60 Hz frame: {d:?}");
        assert_eq!(wake_after(ClockMode::Paused, 0.0, Some(1.0)), None);
        assert_eq!(wake_after(ClockMode::Real, 0.0, None), None);
    }

    #[test]
    fn relative_text_spans() {
        // "in 7 s" holds until 7 s remain, then becomes "in 6 s".
        assert_eq!(next_relative_change(100.0, 92.5), Some(93.0));
        // "now" until a second after t.
        assert_eq!(next_relative_change(100.0, 99.5), Some(101.0));
        // "in 14 min" (14 min 30 s left) holds until 14 min are left.
        assert_eq!(next_relative_change(1_000.0 + 870.0, 1_000.0), Some(1_000.0 + 30.0));
        // "3 h ago" (3 h 0 min 10 s) turns into "3 h 1 min ago" at 3 h 1 min.
        assert_eq!(next_relative_change(0.0, 10_810.0), Some(10_860.0));
        // "1 day ago" lasts until two days.
        assert_eq!(next_relative_change(0.0, 90_000.0), Some(172_800.0));
        assert_eq!(next_relative_change(0.0, f64::INFINITY), None);
    }

    proptest::proptest! {
        /// The scheduler's instant is exactly where the text turns: the same text on the way
        /// there, a different one just after.
        #[test]
        fn relative_change_is_where_the_text_turns(t in -4e9f64..4e9, now in -4e9f64..4e9) {
            let at = next_relative_change(t, now).unwrap();
            let before = format_relative(t, now);
            proptest::prop_assert!(at >= now - 1e-6, "{at} < {now}");
            let probe = (at - 1e-3).max(now);
            proptest::prop_assert_eq!(&format_relative(t, probe), &before, "changed early at {}", probe);
            proptest::prop_assert_ne!(&format_relative(t, at + 1e-3), &before, "no change at {}", at);
        }

        /// Near the present, where the seconds tick.
        #[test]
        fn relative_change_near_now(t in -200_000f64..200_000.0, now in -200_000f64..200_000.0) {
            let at = next_relative_change(t, now).unwrap();
            let before = format_relative(t, now);
            proptest::prop_assert_eq!(&format_relative(t, (at - 1e-3).max(now)), &before);
            proptest::prop_assert_ne!(&format_relative(t, at + 1e-3), &before);
        }
    }
}
