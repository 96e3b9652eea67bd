//! The revocation lab as a state machine: a scenario that can always be simulated, everything
//! computed from it, and one [`RevocationLab::handle`] for every change. The window draws it
//! (`ui::revocation`) and `tokenbench simulate revocation` prints it, so both show the same
//! figures from the same code.
//!
//! Deterministic: the clock's time comes in with each command ([`LabContext::now`]), and the lab
//! reads and writes no file. Opening and saving a scenario are asked of the app
//! ([`RevocationEffect::PickScenarioFile`], [`RevocationEffect::SaveScenario`]), which hands the
//! text it read back as [`RevocationCommand::LoadScenarioText`].

use super::{
    EventKind, MAX_TIME, RevocationScenario, SAMPLES, ScaleInputs, ScaleRow, ScaleSeries, Seconds, Simulation,
    TokenLifetime, at_scale, series_against_token_ttl, simulate,
};
use crate::core::engine::clock::UnixSeconds;
use crate::core::engine::timeline::TokenTimeline;
use crate::core::engine::token::{self, Token};
use crate::core::text::exact_duration;

/// Points of the at-scale series against token-ttl (the plot's resolution).
const SERIES_POINTS: usize = 48;

/// What the at-scale plot shows on its y axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScaleMeasure {
    /// Records kept.
    #[default]
    Entries,
    /// Their bytes.
    Bytes,
}

/// Changes to the lab. The lab never holds a scenario that cannot be simulated: a change that
/// would break a rule is adjusted (access-ttl follows token-ttl down) or refused with a message.
#[derive(Debug, Clone, PartialEq)]
pub enum RevocationCommand {
    /// Choose the event.
    SetEvent(EventKind),
    /// token-ttl, seconds (access-ttl follows it down).
    SetTokenTtl(Seconds),
    /// access-ttl, seconds (at most token-ttl).
    SetAccessTtl(Seconds),
    /// Leeway, seconds.
    SetLeeway(Seconds),
    /// The event this many seconds after the login.
    SetEventOffset(Seconds),
    /// The theft this many seconds after the login (theft events).
    SetStolenOffset(Seconds),
    /// The event happens at the clock's time.
    EventNow,
    /// The whole scenario moves so that the login is at the clock's time.
    StartNow,
    /// Load sample `i` of [`SAMPLES`].
    LoadSample(usize),
    /// Ask for a scenario file (the app's dialog: [`RevocationEffect::PickScenarioFile`]).
    OpenScenario,
    /// A scenario file's text, read by the app; `name` names the file in messages.
    LoadScenarioText {
        /// The file, as messages name it.
        name: String,
        /// Its text.
        text: String,
    },
    /// Save the scenario to a file chosen by the user (the app's dialog and write:
    /// [`RevocationEffect::SaveScenario`]).
    SaveScenario,
    /// Take the lifetimes from the decoded token.
    UseDecodedToken,
    /// The refresh token's text, as typed.
    SetRefreshToken(String),
    /// Take the lifetimes from the decoded token (access) and the refresh token typed.
    UseTokenPair,
    /// The at-scale inputs.
    SetScale(ScaleInputs),
    /// What the at-scale plot shows.
    SetScaleMeasure(ScaleMeasure),
    /// Open the at-scale view and scroll to it (the Compare tab's "Show me").
    FocusAtScale,
    /// Scroll to the top, where the scenario and the table are (the Compare tab's "Show me").
    FocusTop,
    /// For the decoded token when no exp ends it (none, or beyond the model's range: the
    /// Compare tab's "Show me" and "Run it"): the model needs a lifetime and cannot run one that
    /// never ends, so the lab shows the one thing that ends it, the signing key's rotation, a
    /// third into the lab's own token-ttl, the login at the token's start, and says so plainly
    /// ([`RevocationScenario::showing_endless`]).
    ShowEndlessToken,
}

/// What the lab asks of the app after a command: a status message, or a file dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevocationEffect {
    /// Done as asked; what to tell the user.
    Info(String),
    /// Refused or failed; why.
    Error(String),
    /// Ask the user for a scenario file, read it, and hand its text back as
    /// [`RevocationCommand::LoadScenarioText`].
    PickScenarioFile,
    /// Ask the user where to save, and write `text` there.
    SaveScenario {
        /// The file name the dialog suggests.
        suggested_name: &'static str,
        /// The scenario in the file format.
        text: String,
    },
}

/// What the lab may read of the rest of the app while it handles a command.
#[derive(Debug, Clone, Copy)]
pub struct LabContext<'a> {
    /// The clock's time.
    pub now: UnixSeconds,
    /// The decoded token, if any.
    pub token: Option<&'a Token>,
}

/// The lab's state: a valid scenario and everything computed from it.
///
/// The window starts it on the example scenario at the start of the current minute (its
/// `Default`, in `ui::revocation`: the core reads no clock).
#[derive(Debug, Clone)]
pub struct RevocationLab {
    scenario: RevocationScenario,
    sim: Simulation,
    scale: Vec<ScaleRow>,
    series: Vec<ScaleSeries>,
    /// The refresh token text of the "your own tokens" section.
    pub refresh_text: String,
    /// What the at-scale plot shows.
    pub scale_measure: ScaleMeasure,
    /// The scenario's name is its own (a file's): kept through changes. Otherwise (a sample,
    /// the example, your tokens) the name follows the scenario once it is changed.
    named: bool,
    /// Counts requests to show the at-scale view: the view scrolls there when it changes.
    pub scale_focus: u64,
    /// Counts requests to show the top of the lab: the view scrolls there when it changes.
    pub top_focus: u64,
    /// The decoded token's lifetime in words when the lab shows a token no exp ends
    /// ([`RevocationCommand::ShowEndlessToken`]); cleared when other lifetimes are loaded.
    endless: Option<String>,
}

impl RevocationLab {
    /// A lab on `scenario`, which must be valid.
    #[must_use]
    pub fn new(scenario: RevocationScenario) -> Self {
        let sim = simulate(&scenario);
        let scale = at_scale(&scenario);
        let series = series_against_token_ttl(&scenario, SERIES_POINTS);
        Self {
            scenario,
            sim,
            scale,
            series,
            refresh_text: String::new(),
            scale_measure: ScaleMeasure::default(),
            named: false,
            scale_focus: 0,
            top_focus: 0,
            endless: None,
        }
    }

    /// The example scenario, its login at the start of the minute of `now` (kept within the
    /// model's instants, with room for the example's hour).
    #[must_use]
    pub fn starting_at(now: UnixSeconds) -> Self {
        #[allow(clippy::cast_possible_truncation)]
        let minute = ((now / 60.0).floor() * 60.0).clamp(-(MAX_TIME as f64), (MAX_TIME - 3600) as f64) as Seconds;
        Self::new(RevocationScenario::example(minute))
    }

    /// A lab on `scenario` (valid) showing a token no exp ends, whose lifetime is `lifetime`
    /// (see [`RevocationScenario::showing_endless`]): its figures carry
    /// [`RevocationLab::endless_note`].
    #[must_use]
    pub fn on_endless_token(scenario: RevocationScenario, lifetime: &TokenLifetime) -> Self {
        Self { endless: Some(lifetime.describe()), ..Self::new(scenario) }
    }

    /// What the lab says above its figures when it shows a token no exp ends: that the model
    /// cannot run a lifetime that never ends, what it shows instead, and the figure that matters
    /// (how long a copy stolen at the login works: until the rotation), from the scenario.
    #[must_use]
    pub fn endless_note(&self) -> Option<String> {
        let what = self.endless.as_ref()?;
        let s = &self.scenario;
        if s.event.kind != EventKind::KeyRotated {
            return Some(format!(
                "Your token: {what}. The model cannot run a lifetime that never ends: token-ttl {} is the lab's, not \
                 your token's; the \"{}\" event shows what ends it.",
                exact_duration(s.token_ttl),
                EventKind::KeyRotated.title()
            ));
        }
        let works = exact_duration(s.event.at - s.stolen_at());
        Some(format!(
            "Your token: {what}. The model needs a lifetime and cannot run one that never ends, so the lab shows \
             what ends it: the signing key rotated {} after the login. A copy stolen at the login (or left behind \
             at a logout) is accepted for {works}, until the rotation, and would be for as long as the key is \
             kept; token-ttl {} is the lab's, for the other strategies, not your token's.",
            exact_duration(s.event.at - s.login_at),
            exact_duration(s.token_ttl),
        ))
    }

    /// The scenario simulated.
    #[must_use]
    pub fn scenario(&self) -> &RevocationScenario {
        &self.scenario
    }

    /// The five outcomes.
    #[must_use]
    pub fn simulation(&self) -> &Simulation {
        &self.sim
    }

    /// The at-scale rows.
    #[must_use]
    pub fn scale_rows(&self) -> &[ScaleRow] {
        &self.scale
    }

    /// The at-scale series against token-ttl (the plot).
    #[must_use]
    pub fn series(&self) -> &[ScaleSeries] {
        &self.series
    }

    /// The next instant after `now` at which a row of the table changes, if any.
    #[must_use]
    pub fn next_change_at(&self, now: UnixSeconds) -> Option<UnixSeconds> {
        self.sim.next_change_after(now).map(|t| t as UnixSeconds)
    }

    /// Puts the lab on `scenario` when it can be simulated, keeping what is not the scenario's
    /// (the refresh text, the plot's measure, the name rule, the scroll requests, the note).
    fn set(&mut self, scenario: RevocationScenario) -> Option<RevocationEffect> {
        match scenario.validate() {
            Ok(()) => {
                let (refresh, measure, named, focus, top, endless) = (
                    std::mem::take(&mut self.refresh_text),
                    self.scale_measure,
                    self.named,
                    self.scale_focus,
                    self.top_focus,
                    self.endless.take(),
                );
                *self = Self {
                    refresh_text: refresh,
                    scale_measure: measure,
                    named,
                    scale_focus: focus,
                    top_focus: top,
                    endless,
                    ..Self::new(scenario)
                };
                None
            }
            Err(e) => Some(RevocationEffect::Error(format!("the scenario cannot be simulated: {e}"))),
        }
    }

    /// Applies one command; what the app should say or do, if anything.
    pub fn handle(&mut self, command: RevocationCommand, cx: LabContext<'_>) -> Option<RevocationEffect> {
        let mut s = self.scenario.clone();
        #[allow(clippy::cast_possible_truncation)]
        let now = cx.now.floor().clamp(-(MAX_TIME as f64), MAX_TIME as f64) as Seconds;
        match command {
            RevocationCommand::SetEvent(kind) => {
                s.event.kind = kind;
                if !kind.has_theft() {
                    s.event.stolen_at = None;
                }
            }
            // 0 s is a lifetime the model supports: a token that is never valid.
            RevocationCommand::SetTokenTtl(ttl) => {
                s.token_ttl = ttl.clamp(0, MAX_TIME);
                s.access_ttl = s.access_ttl.min(s.token_ttl);
            }
            RevocationCommand::SetAccessTtl(a) => s.access_ttl = a.clamp(0, s.token_ttl),
            RevocationCommand::SetLeeway(w) => s.leeway = w.max(0),
            RevocationCommand::SetEventOffset(offset) => {
                s.event.at = s.login_at + offset.max(0);
                s.event.stolen_at = s.event.stolen_at.map(|t| t.min(s.event.at));
            }
            RevocationCommand::SetStolenOffset(offset) => {
                if !s.event.kind.has_theft() {
                    return Some(RevocationEffect::Error(format!("a {} has no theft time", s.event.kind.title())));
                }
                s.event.stolen_at = Some((s.login_at + offset.max(0)).min(s.event.at));
            }
            RevocationCommand::EventNow => {
                if now < s.login_at {
                    return Some(RevocationEffect::Error(
                        "the clock is before the login: move it, or start the scenario at the clock's time".into(),
                    ));
                }
                s.event.at = now;
                s.event.stolen_at = s.event.stolen_at.map(|t| t.min(now));
            }
            RevocationCommand::StartNow => {
                let shift = now - s.login_at;
                s.login_at = now;
                s.event.at += shift;
                s.event.stolen_at = s.event.stolen_at.map(|t| t + shift);
            }
            RevocationCommand::LoadSample(i) => {
                let (file, text) = SAMPLES.get(i)?;
                return match RevocationScenario::from_json(text) {
                    Ok(loaded) => {
                        self.named = false;
                        self.endless = None;
                        self.set(loaded)
                    }
                    Err(e) => Some(RevocationEffect::Error(format!("{file}: {e}"))),
                };
            }
            RevocationCommand::OpenScenario => return Some(RevocationEffect::PickScenarioFile),
            RevocationCommand::LoadScenarioText { name, text } => return self.load_text(&name, &text),
            RevocationCommand::SaveScenario => {
                return Some(RevocationEffect::SaveScenario { suggested_name: "scenario.json", text: s.to_json() });
            }
            RevocationCommand::UseDecodedToken => return self.use_tokens(cx.token, false),
            RevocationCommand::UseTokenPair => return self.use_tokens(cx.token, true),
            RevocationCommand::SetRefreshToken(text) => {
                self.refresh_text = text;
                return None;
            }
            RevocationCommand::SetScale(inputs) => s.scale = Some(inputs),
            RevocationCommand::SetScaleMeasure(m) => {
                self.scale_measure = m;
                return None;
            }
            RevocationCommand::FocusAtScale => return self.focus(true),
            RevocationCommand::FocusTop => return self.focus(false),
            RevocationCommand::ShowEndlessToken => return self.show_endless(cx.token),
        }
        self.rename(&mut s);
        self.set(s)
    }

    /// A scenario file's text: loaded as it is (no field clamps a loaded value), or refused
    /// naming the file and the member at fault.
    fn load_text(&mut self, name: &str, text: &str) -> Option<RevocationEffect> {
        match RevocationScenario::from_json(text) {
            Ok(loaded) => {
                self.endless = None;
                let refused = self.set(loaded);
                if refused.is_none() {
                    // A file's name is the user's: it stays through changes.
                    self.named = !self.scenario.name.is_empty();
                }
                refused.or(Some(RevocationEffect::Info(format!("loaded the scenario {name}"))))
            }
            Err(e) => Some(RevocationEffect::Error(format!("{name}: {e}"))),
        }
    }

    /// Asks the view to scroll once: to the at-scale view, or to the top.
    fn focus(&mut self, at_scale: bool) -> Option<RevocationEffect> {
        if at_scale {
            self.scale_focus += 1;
        } else {
            self.top_focus += 1;
        }
        None
    }

    /// A changed scenario is no longer the sample it came from: unless it has a name of its
    /// own (a file's), its name and description say what it is now.
    fn rename(&self, s: &mut RevocationScenario) {
        let old = &self.scenario;
        let moved = s.event.at - s.login_at != old.event.at - old.login_at
            || s.event.kind != old.event.kind
            || s.event.stolen_at.map(|t| t - s.login_at) != old.event.stolen_at.map(|t| t - old.login_at)
            || (s.token_ttl, s.access_ttl, s.leeway) != (old.token_ttl, old.access_ttl, old.leeway);
        if moved && !self.named {
            s.name = s.derived_name();
            s.event.kind.caption().clone_into(&mut s.description);
        }
    }

    /// The scenario on the decoded token's lifetimes (and the refresh token's, for a pair).
    fn use_tokens(&mut self, decoded: Option<&Token>, pair: bool) -> Option<RevocationEffect> {
        let Some(access) = decoded.and_then(|t| TokenTimeline::from_token(t, 0)) else {
            return Some(RevocationEffect::Error(unreadable(decoded)));
        };
        let refresh = if pair {
            let parsed = token::parse(self.refresh_text.trim());
            match parsed.as_ref().map(|t| TokenTimeline::from_token(t, 0)) {
                Ok(Some(r)) => Some(r),
                Ok(None) => return Some(RevocationEffect::Error("the refresh token has no readable claims".into())),
                Err(e) => return Some(RevocationEffect::Error(format!("the refresh token: {e}"))),
            }
        } else {
            None
        };
        let next = match &refresh {
            Some(r) => self.scenario.with_tokens(&access, Some(r)),
            // The one rule for the token's lifetime, as `simulate revocation --token` applies it.
            None => self.scenario.on_token(&access),
        };
        let next = match next {
            Ok(next) => next,
            Err(e) if TokenLifetime::of_timeline(&access).never_expires() => {
                return Some(RevocationEffect::Error(format!(
                    "{e}, so token-ttl stays {} (the \"{}\" event shows what ends it)",
                    exact_duration(self.scenario.token_ttl),
                    EventKind::KeyRotated.title()
                )));
            }
            Err(e) => return Some(RevocationEffect::Error(e)),
        };
        let what = if pair { "your access and refresh tokens" } else { "the decoded token" };
        self.named = false;
        self.endless = None;
        self.set(next).or(Some(RevocationEffect::Info(format!("the lab now runs on the lifetimes of {what}"))))
    }

    /// [`RevocationCommand::ShowEndlessToken`].
    fn show_endless(&mut self, decoded: Option<&Token>) -> Option<RevocationEffect> {
        let Some(timeline) = decoded.and_then(|t| TokenTimeline::from_token(t, 0)) else {
            return Some(RevocationEffect::Error(unreadable(decoded)));
        };
        let s = match self.scenario.showing_endless(&timeline) {
            Ok(s) => s,
            Err(e) => return Some(RevocationEffect::Error(e)),
        };
        self.named = false;
        self.endless = Some(TokenLifetime::of_timeline(&timeline).describe());
        let refused = self.set(s);
        if refused.is_some() {
            self.endless = None;
        }
        refused
            .or(Some(RevocationEffect::Info("the lab shows what ends your token: the signing key's rotation".into())))
    }
}

/// Why the decoded token gives no lifetimes, in the words `simulate revocation --token` uses:
/// none decoded, or "the token is encrypted (JWE): …", "… its payload is not a JSON object".
fn unreadable(decoded: Option<&Token>) -> String {
    match decoded {
        None => "decode a token with readable claims first (Decode tab)".into(),
        Some(t) => format!("the token {}", crate::core::labs::flows::credential::unusable_reason(t)),
    }
}
