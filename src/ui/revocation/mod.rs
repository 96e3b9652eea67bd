//! The revocation lab: one login, one event, five strategies side by side on the workbench's
//! clock. A table says, at the clock's time, whether the user and the event's subject (the
//! copy, the thief, the suspended user…) are accepted, until when the revoked credential is
//! still accepted, what the server keeps and what each request costs; a timeline shows the
//! same over time with the access and refresh chains; the at-scale view shows the steady
//! state for a population. Every figure comes from [`crate::core::labs::revocation`], the model behind
//! `tokenbench simulate revocation`.

mod controls;
mod lanes;
mod scale;
mod table;

use std::path::PathBuf;

use egui::{RichText, Ui};

use crate::core::engine::clock::{UnixSeconds, system_now};
use crate::core::engine::timeline::TokenTimeline;
use crate::core::engine::token::{self, Token};
use crate::core::labs::revocation::{
    EventKind, RevocationScenario, SAMPLES, ScaleInputs, ScaleRow, ScaleSeries, Seconds, Simulation, TokenLifetime,
    at_scale, series_against_token_ttl, simulate,
};
use crate::ui::platform::Platform;
use crate::ui::state::{AppState, Command, Level};

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
    /// Ask for a scenario file.
    OpenScenario,
    /// Load a scenario file.
    LoadScenarioFile(PathBuf),
    /// Save the scenario to a file chosen by the user.
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
    /// third into the lab's own token-ttl, the login at the token's start, and says so plainly.
    ShowEndlessToken,
}

/// What the lab may read of the rest of the app while it handles a command.
pub struct LabContext<'a> {
    /// The clock's time.
    pub now: UnixSeconds,
    /// The decoded token, if any.
    pub token: Option<&'a Token>,
    /// Dialogs.
    pub platform: &'a mut dyn Platform,
}

/// The lab's state: a valid scenario and everything computed from it.
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

impl Default for RevocationLab {
    /// The example scenario, its login at the start of the current minute.
    fn default() -> Self {
        #[allow(clippy::cast_possible_truncation)]
        let minute = (system_now() / 60.0).floor() as Seconds * 60;
        Self::new(RevocationScenario::example(minute))
    }
}

impl RevocationLab {
    /// A lab on `scenario`, which must be valid.
    #[must_use]
    pub fn new(scenario: RevocationScenario) -> Self {
        let sim = simulate(&scenario);
        let scale = at_scale(&scenario);
        let series = series_against_token_ttl(&scenario, 48);
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
                crate::core::labs::revocation::duration_text(s.token_ttl),
                EventKind::KeyRotated.title()
            ));
        }
        let works = crate::core::labs::revocation::duration_text(s.event.at - s.stolen_at());
        Some(format!(
            "Your token: {what}. The model needs a lifetime and cannot run one that never ends, so the lab shows \
             what ends it: the signing key rotated {} after the login. A copy stolen at the login (or left behind \
             at a logout) is accepted for {works}, until the rotation, and would be for as long as the key is \
             kept; token-ttl {} is the lab's, for the other strategies, not your token's.",
            crate::core::labs::revocation::duration_text(s.event.at - s.login_at),
            crate::core::labs::revocation::duration_text(s.token_ttl),
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

    /// How long until something the lab shows changes, when the clock follows real time.
    #[must_use]
    pub fn next_change_in(&self, now: UnixSeconds) -> Option<std::time::Duration> {
        let next = self.next_change_at(now)?;
        Some(std::time::Duration::from_secs_f64((next - now).max(0.05)))
    }

    /// The next instant after `now` at which a row of the table changes, if any.
    #[must_use]
    pub fn next_change_at(&self, now: UnixSeconds) -> Option<UnixSeconds> {
        self.sim.next_change_after(now).map(|t| t as UnixSeconds)
    }

    fn set(&mut self, scenario: RevocationScenario) -> Option<(Level, String)> {
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
            Err(e) => Some((Level::Error, format!("the scenario cannot be simulated: {e}"))),
        }
    }

    /// Applies one command; a status message when there is something to say.
    pub fn handle(&mut self, command: RevocationCommand, cx: LabContext<'_>) -> Option<(Level, String)> {
        let mut s = self.scenario.clone();
        #[allow(clippy::cast_possible_truncation)]
        let now = cx.now.floor() as Seconds;
        match command {
            RevocationCommand::SetEvent(kind) => {
                s.event.kind = kind;
                if !kind.has_theft() {
                    s.event.stolen_at = None;
                }
            }
            // 0 s is a lifetime the model supports: a token that is never valid.
            RevocationCommand::SetTokenTtl(ttl) => {
                s.token_ttl = ttl.clamp(0, crate::core::labs::revocation::MAX_TIME);
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
                    return Some((Level::Error, format!("a {} has no theft time", s.event.kind.title())));
                }
                s.event.stolen_at = Some((s.login_at + offset.max(0)).min(s.event.at));
            }
            RevocationCommand::EventNow => {
                if now < s.login_at {
                    return Some((
                        Level::Error,
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
                match RevocationScenario::from_json(text) {
                    Ok(loaded) => {
                        self.named = false;
                        self.endless = None;
                        return self.set(loaded);
                    }
                    Err(e) => return Some((Level::Error, format!("{file}: {e}"))),
                }
            }
            RevocationCommand::OpenScenario => {
                let Some(path) = cx.platform.pick_files("Open a scenario", false).into_iter().next() else {
                    return Some(dialog_gave_nothing(
                        cx.platform,
                        "the CLI reads one: tokenbench simulate revocation --scenario FILE",
                    ));
                };
                return self.handle(RevocationCommand::LoadScenarioFile(path), cx);
            }
            RevocationCommand::LoadScenarioFile(path) => match read_scenario(&path) {
                Ok(loaded) => {
                    let message = format!("loaded the scenario {}", path.display());
                    self.endless = None;
                    let refused = self.set(loaded);
                    if refused.is_none() {
                        // A file's name is the user's: it stays through changes.
                        self.named = !self.scenario.name.is_empty();
                    }
                    return refused.or(Some((Level::Info, message)));
                }
                Err(e) => return Some((Level::Error, e)),
            },
            RevocationCommand::SaveScenario => {
                let Some(path) = cx.platform.save_file("Save the scenario", "scenario.json") else {
                    return Some(dialog_gave_nothing(cx.platform, "the scenario cannot be saved from this window"));
                };
                return Some(match std::fs::write(&path, s.to_json()) {
                    Ok(()) => (Level::Info, format!("saved {}", path.display())),
                    Err(e) => (Level::Error, format!("cannot save {}: {e}", path.display())),
                });
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

    /// Asks the view to scroll once: to the at-scale view, or to the top.
    fn focus(&mut self, at_scale: bool) -> Option<(Level, String)> {
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
}

impl RevocationLab {
    /// The scenario on the decoded token's lifetimes (and the refresh token's, for a pair).
    fn use_tokens(&mut self, decoded: Option<&Token>, pair: bool) -> Option<(Level, String)> {
        let Some(access) = decoded.and_then(|t| TokenTimeline::from_token(t, 0)) else {
            return Some((Level::Error, unreadable(decoded)));
        };
        let refresh = if pair {
            let parsed = token::parse(self.refresh_text.trim());
            match parsed.as_ref().map(|t| TokenTimeline::from_token(t, 0)) {
                Ok(Some(r)) => Some(r),
                Ok(None) => return Some((Level::Error, "the refresh token has no readable claims".into())),
                Err(e) => return Some((Level::Error, format!("the refresh token: {e}"))),
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
                return Some((
                    Level::Error,
                    format!(
                        "{e}, so token-ttl stays {} (the \"{}\" event shows what ends it)",
                        crate::core::labs::revocation::duration_text(self.scenario.token_ttl),
                        EventKind::KeyRotated.title()
                    ),
                ));
            }
            Err(e) => return Some((Level::Error, e)),
        };
        let what = if pair { "your access and refresh tokens" } else { "the decoded token" };
        self.named = false;
        self.endless = None;
        self.set(next).or(Some((Level::Info, format!("the lab now runs on the lifetimes of {what}"))))
    }
}

impl RevocationLab {
    /// [`RevocationCommand::ShowEndlessToken`].
    fn show_endless(&mut self, decoded: Option<&Token>) -> Option<(Level, String)> {
        let Some(timeline) = decoded.and_then(|t| TokenTimeline::from_token(t, 0)) else {
            return Some((Level::Error, unreadable(decoded)));
        };
        let lifetime = TokenLifetime::of_timeline(&timeline);
        if !lifetime.endless() {
            return Some((
                Level::Error,
                format!("the decoded token has an exp the lab can run: {}", lifetime.describe()),
            ));
        }
        let mut s = self.scenario.clone();
        // The login at the token's start when the model holds it; else the lab's.
        #[allow(clippy::cast_possible_truncation)]
        if let Some(start) =
            timeline.nbf.or(timeline.iat).filter(|t| t.abs() <= crate::core::labs::revocation::MAX_TIME as f64)
        {
            s.login_at = start.round() as Seconds;
        }
        s.event.kind = EventKind::KeyRotated;
        s.event.at = s.login_at + s.token_ttl / 3;
        s.event.stolen_at = None;
        s.name = format!("Your token (no exp ends it): {}", s.derived_name());
        EventKind::KeyRotated.caption().clone_into(&mut s.description);
        self.named = false;
        self.endless = Some(lifetime.describe());
        let refused = self.set(s);
        if refused.is_some() {
            self.endless = None;
        }
        refused.or(Some((Level::Info, "the lab shows what ends your token: the signing key's rotation".into())))
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

/// The status message for a dialog that gave nothing (cancelled, or never shown).
fn dialog_gave_nothing(platform: &dyn Platform, instead: &str) -> (Level, String) {
    match crate::ui::platform::nothing_picked(platform, instead) {
        Ok(cancelled) => (Level::Info, cancelled),
        Err(unavailable) => (Level::Error, unavailable),
    }
}

fn read_scenario(path: &std::path::Path) -> Result<RevocationScenario, String> {
    // Bounded like every input: a device or a huge file is refused, never read whole.
    let bytes = crate::core::engine::limits::read_file(path).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: the file is not UTF-8 text", path.display()))?;
    RevocationScenario::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A lab command as an app command.
pub(super) fn lab_cmd(command: RevocationCommand) -> Command {
    Command::Revocation(command)
}

/// The plot id of the lab's timeline.
#[must_use]
pub fn lab_plot_id() -> egui::Id {
    egui::Id::unique("revocation-timeline-plot")
}

/// Draws the lab.
pub fn ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let lab = &state.revocation;
    let now = state.clock.now();
    let mut scroll = egui::ScrollArea::vertical().id_salt("revocation-scroll").auto_shrink([false, false]);
    let top_seen = egui::Id::unique("revocation-top-focus-seen");
    if ui.data(|d| d.get_temp::<u64>(top_seen)).unwrap_or(0) != lab.top_focus {
        scroll = scroll.vertical_scroll_offset(0.0);
        ui.data_mut(|d| d.insert_temp(top_seen, lab.top_focus));
    }
    scroll.show(ui, |ui| {
        ui.heading("Revocation lab");
        crate::ui::widgets::prose(
            ui,
            "One user signs in, one event happens, and five ways of keeping someone signed in react on the \
             workbench's clock. The same model answers `tokenbench simulate revocation`.",
            None,
        );
        ui.add_space(4.0);
        controls::controls(ui, lab, state, now, out);
        ui.add_space(6.0);
        table::table(ui, lab, now);
        ui.add_space(6.0);
        lanes::timeline(ui, lab, now, out);
        ui.add_space(6.0);
        table::trades(ui, lab);
        ui.add_space(6.0);
        // Asked to show the at-scale view (Compare's "Show me"): open it and scroll to it once.
        let seen = egui::Id::unique("at-scale-focus-seen");
        let focus = ui.data(|d| d.get_temp::<u64>(seen)).unwrap_or(0) != lab.scale_focus;
        let shown = egui::CollapsingHeader::new(RichText::new("At scale").strong())
            .id_salt("at-scale")
            .default_open(true)
            .open(focus.then_some(true))
            .show(ui, |ui| scale::at_scale_ui(ui, lab, out));
        if focus {
            shown.header_response.scroll_to_me(Some(egui::Align::TOP));
            ui.data_mut(|d| d.insert_temp(seen, lab.scale_focus));
        }
    });
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::{NodeT, Queryable};

    use super::scale::count;
    use super::table::table_time;
    use super::*;
    use crate::core::labs::revocation::{Strategy, duration_short};
    use crate::ui::app::{Settings, TokenbenchApp};
    use crate::ui::platform::FakePlatform;
    use crate::ui::state::ClockCommand;
    use crate::ui::state::Tab;

    fn lab_app(size: egui::Vec2) -> Harness<'static, TokenbenchApp> {
        let mut h = Harness::builder()
            .with_size(size)
            .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
        h.state_mut().apply(vec![Command::SelectTab(Tab::Revocation), Command::Clock(ClockCommand::Pause)]);
        h
    }

    /// Loads the logout sample and sets the clock `offset` seconds after its login; the login.
    fn logout_sample_at(h: &mut Harness<'_, TokenbenchApp>, offset: Seconds) -> Seconds {
        h.state_mut().apply(vec![Command::Revocation(RevocationCommand::LoadSample(0))]);
        let login = h.state().state.revocation.scenario().login_at;
        h.state_mut().apply(vec![Command::Clock(ClockCommand::Set((login + offset) as f64))]);
        login
    }

    /// A cell's text: its own, or its labels' (a wrapping cell is a container).
    fn text(node: &egui_kittest::Node<'_>) -> String {
        node.accesskit_node().value().unwrap_or_else(|| {
            node.children_recursive()
                .filter(|c| c.accesskit_node().role() == egui::accesskit::Role::Label)
                .filter_map(|c| c.accesskit_node().value())
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    /// The texts of the main table's row for `strategy`, after its name.
    fn row(h: &Harness<'_, TokenbenchApp>, strategy: Strategy) -> Vec<String> {
        let name = h.query_all_by_label(strategy.name()).next().expect("the strategy's row");
        // Each cell is a fixed-size container in the grid.
        let parent = name.parent().unwrap().parent().unwrap();
        let cells: Vec<String> = parent.children().map(|c| text(&c)).collect();
        let at = cells
            .iter()
            .position(|c| c == strategy.name())
            .unwrap_or_else(|| panic!("{cells:?} {:?}", parent.accesskit_node().role()));
        cells[at + 1..at + 8].to_vec()
    }

    #[test]
    fn the_at_scale_plot_fits_the_new_range_when_the_inputs_change() {
        let mut h = lab_app(egui::vec2(1280.0, 800.0));
        h.state_mut().apply(vec![Command::Revocation(RevocationCommand::FocusAtScale)]);
        h.run();
        let bounds = |h: &Harness<'_, TokenbenchApp>| {
            let m = egui_plot::PlotMemory::load(&h.ctx, scale::scale_plot_id()).expect("the plot was drawn");
            (m.bounds().min()[1], m.bounds().max()[1])
        };
        let (_, top) = bounds(&h);
        // A thousand times fewer signed-in users and revocations: every line drops 3 decades.
        let small = ScaleInputs { users: 1000, active_users: 100, requests_per_second: 5.0, revocations_per_day: 20.0 };
        h.state_mut().apply(vec![Command::Revocation(RevocationCommand::SetScale(small))]);
        h.run();
        let highest = h
            .state()
            .state
            .revocation
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p[1]))
            .fold(0.0_f64, f64::max)
            .log10();
        let (lo, hi) = bounds(&h);
        assert!(hi < top - 2.0, "the plot is not left on the old range: {hi} vs {top}");
        assert!(lo <= highest && highest <= hi, "the new data is in view: {lo}..{hi} holds {highest}");
    }

    #[test]
    fn revoke_in_the_lab_and_read_each_row() {
        let mut h = lab_app(egui::vec2(1400.0, 1000.0));
        let login = logout_sample_at(&mut h, 1000);
        h.run();
        // Before the event everyone is accepted.
        for s in Strategy::ALL {
            let r = row(&h, s);
            assert!(r[0].starts_with("accepted"), "{s:?} user: {r:?}");
        }
        // Revoke at the clock's time (+1000 s): the button moves the event there.
        h.get_by_label("Make it happen now").click();
        h.run();
        assert_eq!(h.state().state.revocation.scenario().event.at, login + 1000);
        let expect = [
            ("refused: logged out", "refused: the session was deleted", "0 s", "0", "1", "1"),
            ("refused: logged out", "accepted: the old token", "43 min 20 s", "0", "0", "0"),
            ("refused: logged out", "accepted: the old access token", "3 min 20 s", "0", "0", "1"),
            ("refused: logged out", "refused: its jti is on the denylist", "0 s", "1 (", "1", "1"),
            ("refused: logged out", "refused: its version is stale", "0 s", "1 (", "1", "1"),
        ];
        for (s, (user, subject, exposure, records, lookups, max)) in Strategy::ALL.into_iter().zip(expect) {
            let r = row(&h, s);
            assert_eq!(r[0], user, "{s:?}");
            assert_eq!(r[1], subject, "{s:?}");
            assert_eq!(r[3], exposure, "{s:?}");
            assert!(r[4].starts_with(records), "{s:?}: {}", r[4]);
            assert_eq!((r[5].as_str(), r[6].as_str()), (lookups, max), "{s:?}");
        }
        assert_eq!(row(&h, Strategy::JwtRefresh)[2], table_time(login + 1200, login));
        // Run the clock past the jwt-refresh access token's exp: its row flips.
        h.state_mut().apply(vec![Command::Clock(ClockCommand::Set((login + 1200) as f64))]);
        h.run();
        assert!(row(&h, Strategy::JwtRefresh)[1].starts_with("refused: expired"));
        assert!(row(&h, Strategy::Jwt)[1].starts_with("accepted"));
    }

    #[test]
    fn the_gui_and_the_cli_give_the_same_numbers() {
        let mut h = lab_app(egui::vec2(1400.0, 1000.0));
        for (i, (file, text)) in SAMPLES.iter().enumerate() {
            h.state_mut().apply(vec![Command::Revocation(RevocationCommand::LoadSample(i))]);
            h.run();
            let scenario = RevocationScenario::from_json(text).unwrap();
            let cli = crate::cli::revocation_json(&simulate(&scenario));
            for (k, s) in Strategy::ALL.into_iter().enumerate() {
                let c = &cli["strategies"][k];
                let r = row(&h, s);
                assert_eq!(r[2], table_time(c["accepted_until"].as_i64().unwrap(), scenario.login_at), "{file} {s:?}");
                assert_eq!(r[3], duration_short(c["exposure_seconds"].as_i64().unwrap()), "{file} {s:?}");
                assert_eq!(r[5], c["lookups_per_request"].to_string());
                assert_eq!(r[6], c["server_state_entries"].to_string());
            }
            let scale = crate::cli::scale_json(&scenario);
            for (k, r) in h.state().state.revocation.scale_rows().iter().enumerate() {
                assert_eq!(r.entries.to_bits(), scale["strategies"][k]["entries"].as_f64().unwrap().to_bits());
                assert_eq!(r.bytes.to_bits(), scale["strategies"][k]["bytes"].as_f64().unwrap().to_bits());
                let shown = h.query_all_by_label(&count(r.entries.round())).count();
                assert!(shown > 0, "{} records shown", count(r.entries.round()));
            }
        }
    }

    #[test]
    fn every_event_changes_the_rows() {
        let mut h = lab_app(egui::vec2(1400.0, 1000.0));
        logout_sample_at(&mut h, 1300);
        for kind in EventKind::ALL {
            h.state_mut().apply(vec![Command::Revocation(RevocationCommand::SetEvent(kind))]);
            h.run();
            assert!(h.query_by_label_contains(kind.subject()).is_some(), "the subject column is named for {kind:?}");
            let user = row(&h, Strategy::Session)[0].clone();
            match kind {
                EventKind::PasswordChange | EventKind::TokenStolen => assert!(user.contains("new session"), "{user}"),
                EventKind::KeyRotated | EventKind::RefreshReuse => assert!(user.starts_with("accepted: session")),
                EventKind::Logout => assert_eq!(user, "refused: logged out"),
                EventKind::AccountSuspended => assert!(user.starts_with("refused: suspended")),
            }
            h.state_mut().apply(vec![Command::Revocation(RevocationCommand::SetEvent(EventKind::Logout))]);
            h.run();
        }
    }

    #[test]
    fn drag_now_on_the_lab_timeline() {
        let mut h = lab_app(egui::vec2(1400.0, 1000.0));
        let login = logout_sample_at(&mut h, 600);
        let start = (login + 600) as f64;
        h.run();
        let at = crate::ui::timeline::now_line_position(&h.ctx, lab_plot_id(), start).unwrap();
        crate::ui::timeline::drag_by(&mut h, at, 200.0);
        let now = h.state().state.clock.now();
        assert!(now > start + 600.0, "the clock moved forward, to {now}");
        let r = row(&h, Strategy::Session);
        assert_eq!(r[0].starts_with("accepted"), now < (login + 1020) as f64, "the row follows the clock: {r:?}");
    }

    #[test]
    fn no_repaint_while_paused_and_the_lab_fits_the_smallest_window() {
        let mut h = lab_app(egui::vec2(800.0, 480.0));
        h.state_mut().apply(vec![Command::Revocation(RevocationCommand::LoadSample(5))]);
        assert!(h.try_run().is_ok(), "the lab settles: nothing asks for frames by itself");
        assert_eq!(h.state().next_repaint(), None, "a paused clock asks for no repaint");
        // Reachable at 800x480: the controls and, by scrolling, the at-scale table.
        assert!(h.query_by_label("Make it happen now").is_some());
        assert!(h.query_by_label("Grows with").is_some());
        // A running clock repaints; real time repaints when the next change is due.
        h.state_mut().apply(vec![Command::Clock(ClockCommand::Run(60.0))]);
        assert!(h.state().next_repaint().is_some());
        h.state_mut()
            .apply(vec![Command::Clock(ClockCommand::BackToNow), Command::Revocation(RevocationCommand::StartNow)]);
        let wait = h.state().next_repaint().unwrap();
        assert!(wait <= std::time::Duration::from_mins(1), "{wait:?}");
    }

    #[test]
    fn open_and_save_scenarios_through_the_platform() {
        let dir = std::env::temp_dir().join(format!("tokenbench-lab-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A scenario beyond every field's usual values: a two-year login, two hours of leeway.
        let mut big = RevocationScenario::from_json(SAMPLES[4].1).unwrap();
        big.token_ttl = 63_072_000;
        big.leeway = 7200;
        big.event.at = big.login_at + 40_000_000;
        std::fs::write(dir.join("big.json"), big.to_json()).unwrap();
        std::fs::write(dir.join("bad.json"), SAMPLES[0].1.replace("\"leeway\": 0", "\"leeway\": -1")).unwrap();
        let mut platform = FakePlatform { save_to: Some(dir.join("saved.json")), ..FakePlatform::default() };
        platform.picks.push_back(vec![dir.join("bad.json")]);
        platform.picks.push_back(vec![dir.join("big.json")]);
        let mut h = Harness::builder()
            .with_size(egui::vec2(1400.0, 1000.0))
            .build_eframe(move |_cc| TokenbenchApp::with_platform(Box::new(platform), Settings::default()));
        h.state_mut().apply(vec![Command::SelectTab(Tab::Revocation), Command::Clock(ClockCommand::Pause)]);
        h.run();
        h.get_by_label("Open scenario…").click();
        h.run();
        assert!(h.query_by_label_contains("bad.json: leeway: must not be negative").is_some(), "named, and refused");
        h.get_by_label("Open scenario…").click();
        h.run();
        h.run();
        assert_eq!(h.state().state.revocation.scenario(), &big, "loaded as is: no field clamps a loaded value");
        h.get_by_label("Save scenario…").click();
        h.run();
        let saved = RevocationScenario::from_json(&std::fs::read_to_string(dir.join("saved.json")).unwrap()).unwrap();
        assert_eq!(saved, big, "what the lab saves, the CLI and the lab read back");
    }

    #[test]
    fn the_table_fits_800_px_with_years_long_tokens_and_rows_keep_their_height() {
        let mut h = lab_app(egui::vec2(800.0, 480.0));
        // The decoded sample lives ten years: exposures of hundreds of days.
        h.state_mut().apply(vec![
            Command::SetToken(crate::ui::state::SAMPLES[0].1.trim().to_owned()),
            Command::Revocation(RevocationCommand::UseDecodedToken),
        ]);
        h.run();
        let header = h.get_by_label("Max\nrecords").rect();
        assert!(header.max.x <= 800.0, "the last column fits: {header:?}");
        let line = h.get_by_label("Strategy").rect().height();
        assert!(header.height() <= 2.0 * line + 1.0, "two lines, never a letter per line: {header:?}");
        assert!(row(&h, Strategy::Jwt)[3].contains(" d "), "compact: {:?}", row(&h, Strategy::Jwt)[3]);

        // Before, at and after the event, and outside the scenario: nothing below moves.
        let login = logout_sample_at(&mut h, 600);
        let mut tops = Vec::new();
        for offset in [600, 1300, 2000, 10_000_000] {
            h.state_mut().apply(vec![Command::Clock(ClockCommand::Set((login + offset) as f64))]);
            h.run();
            let rows: Vec<f32> =
                Strategy::ALL.iter().map(|s| h.query_all_by_label(s.name()).next().unwrap().rect().min.y).collect();
            let plot = egui_plot::PlotMemory::load(&h.ctx, lab_plot_id()).map(|m| m.transform().frame().top());
            tops.push((rows, plot));
        }
        assert!(tops.windows(2).all(|w| w[0] == w[1]), "rows and the timeline stay put: {tops:?}");
        assert_ne!(row(&h, Strategy::Session)[0], "", "the rows did change meanwhile");
    }

    #[test]
    fn the_scenario_name_follows_changes_unless_it_came_from_a_file() {
        let mut lab = RevocationLab::new(RevocationScenario::from_json(SAMPLES[0].1).unwrap());
        let mut platform = FakePlatform::default();
        let mut run = |lab: &mut RevocationLab, c: RevocationCommand| {
            lab.handle(c, LabContext { now: 0.0, token: None, platform: &mut platform })
        };
        let sample = lab.scenario().name.clone();
        run(&mut lab, RevocationCommand::SetScale(ScaleInputs::default()));
        assert_eq!(lab.scenario().name, sample, "the population is not the scenario");
        run(&mut lab, RevocationCommand::SetEvent(EventKind::TokenStolen));
        assert_eq!(
            lab.scenario().name,
            "Token stolen at +0 s, acted on 17 min after a 1 h login (5 min access tokens)",
            "no longer {sample:?}"
        );
        run(&mut lab, RevocationCommand::SetAccessTtl(120));
        assert!(lab.scenario().name.ends_with("(2 min access tokens)"), "{}", lab.scenario().name);
        assert_eq!(lab.scenario().description, EventKind::TokenStolen.caption());
        // A file's name is the user's: kept through changes.
        let dir = std::env::temp_dir().join(format!("tokenbench-lab-name-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut mine = RevocationScenario::example(1_700_000_000);
        mine.name = "Incident 42".into();
        std::fs::write(dir.join("mine.json"), mine.to_json()).unwrap();
        run(&mut lab, RevocationCommand::LoadScenarioFile(dir.join("mine.json")));
        run(&mut lab, RevocationCommand::SetAccessTtl(60));
        assert_eq!(lab.scenario().name, "Incident 42");
        // A sample again: its own name until changed.
        run(&mut lab, RevocationCommand::LoadSample(0));
        assert_eq!(lab.scenario().name, sample);
        run(&mut lab, RevocationCommand::SetLeeway(30));
        assert!(lab.scenario().name.ends_with(", 30 s leeway)"), "{}", lab.scenario().name);
        // A device as the scenario file is refused after 10 MiB, not read until memory runs out.
        let refused = run(&mut lab, RevocationCommand::LoadScenarioFile("/dev/zero".into()));
        assert!(matches!(&refused, Some((Level::Error, m)) if m.contains("larger than")), "{refused:?}");
    }

    #[test]
    fn commands_keep_the_scenario_valid() {
        let mut lab = RevocationLab::new(RevocationScenario::example(1_700_000_000));
        let mut platform = FakePlatform::default();
        let mut run = |lab: &mut RevocationLab, c: RevocationCommand, now: f64| {
            lab.handle(c, LabContext { now, token: None, platform: &mut platform })
        };
        assert!(run(&mut lab, RevocationCommand::SetTokenTtl(120), 0.0).is_none());
        assert_eq!((lab.scenario().token_ttl, lab.scenario().access_ttl), (120, 120), "access-ttl follows down");
        run(&mut lab, RevocationCommand::SetAccessTtl(500), 0.0);
        assert_eq!(lab.scenario().access_ttl, 120);
        run(&mut lab, RevocationCommand::SetEvent(EventKind::TokenStolen), 0.0);
        run(&mut lab, RevocationCommand::SetStolenOffset(99_999), 0.0);
        assert_eq!(lab.scenario().event.stolen_at, Some(lab.scenario().event.at), "a theft is never after the event");
        let m = run(&mut lab, RevocationCommand::EventNow, 1_600_000_000.0).unwrap();
        assert_eq!(m.0, Level::Error);
        run(&mut lab, RevocationCommand::StartNow, 1_800_000_000.5);
        assert_eq!(lab.scenario().login_at, 1_800_000_000);
        assert_eq!(lab.scenario().event.at, 1_800_001_020, "the event keeps its offset");
        lab.scenario().validate().unwrap();
        let m = run(&mut lab, RevocationCommand::UseDecodedToken, 0.0).unwrap();
        assert!(m.1.contains("decode a token"));
        run(&mut lab, RevocationCommand::SetRefreshToken("garbage".into()), 0.0);
        assert_eq!(lab.refresh_text, "garbage");
        // 0 s is a lifetime the model supports (a token that is never valid): kept, not 1 s.
        assert!(run(&mut lab, RevocationCommand::SetTokenTtl(0), 0.0).is_none());
        assert_eq!((lab.scenario().token_ttl, lab.scenario().access_ttl), (0, 0));
        run(&mut lab, RevocationCommand::SetAccessTtl(5), 0.0);
        assert_eq!(lab.scenario().access_ttl, 0, "never longer than token-ttl");
        lab.scenario().validate().unwrap();
    }

    #[test]
    fn a_token_no_exp_ends_is_shown_by_the_rotation_and_said_plainly() {
        let mut lab = RevocationLab::new(RevocationScenario::example(1_700_000_000));
        let mut platform = FakePlatform::default();
        let sign = |claims: serde_json::Value| {
            let key = crate::core::engine::keys::load_secret(
                b"a-long-enough-secret-for-hs256-0123456789",
                crate::core::engine::keys::SecretEncoding::Utf8,
                "s",
            )
            .unwrap();
            let serde_json::Value::Object(c) = claims else { unreachable!() };
            let text =
                crate::core::engine::sign::sign(&crate::core::engine::token::JsonObject::new(), &c, "HS256", &key)
                    .unwrap();
            token::parse(&text).unwrap()
        };
        let bounded = sign(serde_json::json!({"iat": 1_700_000_000, "exp": 1_700_000_900}));
        let m = lab.handle(
            RevocationCommand::ShowEndlessToken,
            LabContext { now: 0.0, token: Some(&bounded), platform: &mut platform },
        );
        assert_eq!(m.unwrap().0, Level::Error, "a token with an exp the lab can run is used as it is");
        let forever = sign(serde_json::json!({"iat": 1_750_000_000}));
        lab.handle(
            RevocationCommand::ShowEndlessToken,
            LabContext { now: 0.0, token: Some(&forever), platform: &mut platform },
        );
        let s = lab.scenario().clone();
        assert_eq!((s.login_at, s.event.kind, s.event.at), (1_750_000_000, EventKind::KeyRotated, 1_750_001_200));
        assert_eq!(s.token_ttl, 3600, "the lab's token-ttl, named as the lab's in the note");
        assert!(lab.endless_note().unwrap().contains("accepted for 20 min, until the rotation"));
        // Another event: the note still says the token-ttl is not the token's.
        lab.handle(
            RevocationCommand::SetEvent(EventKind::Logout),
            LabContext { now: 0.0, token: None, platform: &mut platform },
        );
        assert!(lab.endless_note().unwrap().contains("token-ttl 1 h is the lab's, not your token's"));
        // Other lifetimes loaded: no note.
        lab.handle(RevocationCommand::LoadSample(0), LabContext { now: 0.0, token: None, platform: &mut platform });
        assert_eq!(lab.endless_note(), None);
    }

    #[test]
    fn own_tokens_set_the_lifetimes() {
        use crate::core::engine::keys::{SecretEncoding, load_secret};
        use crate::core::engine::sign::sign;
        let key = load_secret(&[7u8; 32], SecretEncoding::Raw, "k").unwrap();
        let claims = |iat: i64, exp: i64| {
            let serde_json::Value::Object(m) = serde_json::json!({"sub": "u", "iat": iat, "exp": exp}) else {
                unreachable!()
            };
            m
        };
        let access = sign(&serde_json::Map::new(), &claims(1_700_000_000, 1_700_000_900), "HS256", &key).unwrap();
        let refresh = sign(&serde_json::Map::new(), &claims(1_700_000_000, 1_700_086_400), "HS256", &key).unwrap();
        let mut h = lab_app(egui::vec2(1400.0, 1000.0));
        h.state_mut().apply(vec![Command::SetToken(access), Command::SelectTab(Tab::Revocation)]);
        h.run();
        h.get_by_label("Use your own tokens").click();
        h.run();
        assert!(
            h.query_by_label_contains("Decoded token's time claims: expired").is_some(),
            "its timeline is shown in the lab"
        );
        h.get_by_label("Use the decoded token").click();
        h.run();
        let s = h.state().state.revocation.scenario().clone();
        assert_eq!((s.login_at, s.token_ttl), (1_700_000_000, 900));
        h.get_by_label("Refresh token (a JWT)").focus();
        h.run();
        h.get_by_label("Refresh token (a JWT)").type_text(&refresh);
        h.run();
        assert!(h.query_by_label_contains("Refresh token's time claims: expired").is_some(), "and the refresh token's");
        h.get_by_label("Use the decoded token and this refresh token").click();
        h.run();
        let s = h.state().state.revocation.scenario().clone();
        assert_eq!((s.login_at, s.access_ttl, s.token_ttl), (1_700_000_000, 900, 86_400));
        assert!(
            h.query_by_label_contains("the lab now runs on the lifetimes of your access and refresh tokens").is_some()
        );
    }
    #[test]
    fn each_strategy_shows_its_one_sentence_caption_beside_its_name() {
        let mut h = lab_app(egui::vec2(1280.0, 800.0));
        h.run();
        for s in Strategy::ALL {
            let caption = s.caption();
            assert!(
                caption.ends_with('.') && !caption.trim_end_matches('.').contains(". "),
                "{s:?}: one sentence: {caption}"
            );
            let shown: Vec<_> = h.query_all_by_label(caption).collect();
            assert_eq!(shown.len(), 1, "{s:?}: its caption is shown once, whole");
            // In the trades list, on the row that starts with the strategy's name.
            let row: Vec<String> = shown[0].parent().unwrap().children().map(|c| text(&c)).collect();
            assert_eq!(row.first().map(String::as_str), Some(format!("{}:", s.name()).as_str()), "{row:?}");
            // And on hover over the strategy's name in the main table.
            let name = h.query_all_by_label(s.name()).next().unwrap();
            name.hover();
            h.run();
            assert!(
                h.query_all_by_label(caption).count() >= 2,
                "{s:?}: hovering the table's name shows the caption as a tooltip too"
            );
            h.remove_cursor();
            h.run();
        }
    }
}
