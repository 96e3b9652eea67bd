//! Simulated time shared by every panel, and human renderings of NumericDates.
//!
//! The verifier never reads the system clock: it is handed `now` from a [`Clock`], so a user can
//! pause time, jump to an instant or run it faster and watch tokens expire.

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

/// A clock that may be real, paused or sped up.
#[derive(Debug, Clone)]
pub struct Clock {
    mode: ClockMode,
    /// Simulated time at `anchor`.
    base: UnixSeconds,
    /// Real instant at which `base` was the simulated time.
    anchor: Instant,
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
        Self { mode: ClockMode::Real, base: system_now(), anchor: Instant::now() }
    }

    /// A clock paused at `at`.
    #[must_use]
    pub fn paused_at(at: UnixSeconds) -> Self {
        Self { mode: ClockMode::Paused, base: at, anchor: Instant::now() }
    }

    /// The current mode.
    #[must_use]
    pub fn mode(&self) -> ClockMode {
        self.mode
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
            ClockMode::Real => system_now(),
            ClockMode::Paused => self.base,
            ClockMode::Running { speed } => {
                self.base + real.saturating_duration_since(self.anchor).as_secs_f64() * speed
            }
        }
    }

    /// Freezes the clock where it is.
    pub fn pause(&mut self) {
        self.base = self.now();
        self.anchor = Instant::now();
        self.mode = ClockMode::Paused;
    }

    /// Jumps to `at` and stays there.
    pub fn set(&mut self, at: UnixSeconds) {
        self.base = at;
        self.anchor = Instant::now();
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
        self.base = self.now();
        self.anchor = Instant::now();
        self.mode = ClockMode::Running { speed: speed.clamp(1.0, Self::MAX_SPEED) };
    }

    /// Back to real time.
    pub fn back_to_now(&mut self) {
        *self = Self::real();
    }

    /// True when the UI must keep repainting to show the time move.
    #[must_use]
    pub fn is_moving(&self) -> bool {
        !matches!(self.mode, ClockMode::Paused)
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

/// "14 min", "3 h 5 min", "2 days".
#[must_use]
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s / 60),
        3600..=86_399 => {
            let m = (s % 3600) / 60;
            if m == 0 { format!("{} h", s / 3600) } else { format!("{} h {m} min", s / 3600) }
        }
        86_400..=31_535_999 => format!("{} days", s / 86_400),
        _ => format!("{:.1} years", s as f64 / 31_557_600.0),
    }
}

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
        assert!(format_utc(1e300).contains("outside"));
    }
}
