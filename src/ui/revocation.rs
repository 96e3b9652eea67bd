//! The revocation lab: one login, one event, five strategies side by side on the workbench's
//! clock. A table says, at the clock's time, whether the user and the event's subject (the
//! copy, the thief, the suspended user…) are accepted, until when the revoked credential is
//! still accepted, what the server keeps and what each request costs; a timeline shows the
//! same over time with the access and refresh chains; the at-scale view shows the steady
//! state for a population. Every figure comes from [`crate::core::revoke`], the model behind
//! `tokenbench simulate revocation`.

use std::path::PathBuf;

use egui::{Color32, RichText, Ui};
use egui_plot::{Corner, GridMark, Legend, Line, LineStyle, MarkerShape, Plot, PlotPoint, PlotUi, Points, Text, VLine};

use crate::core::clock::{UnixSeconds, format_relative, format_utc, system_now};
use crate::core::revoke::{
    AccessToken, EventKind, FOREVER, Holder, SAMPLES, ScaleInputs, ScaleRow, ScaleSeries, Scenario, Seconds,
    Simulation, Status, Strategy, at_scale, duration_text, series_against_token_ttl, simulate,
};
use crate::core::timeline::TokenTimeline;
use crate::core::token::{self, Token};
use crate::ui::platform::Platform;
use crate::ui::state::{AppState, ClockCommand, Command, Level};
use crate::ui::theme::verdict_colour;
use crate::ui::timeline::{TimePlot, rect, time_plot};

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
    scenario: Scenario,
    sim: Simulation,
    scale: Vec<ScaleRow>,
    series: Vec<ScaleSeries>,
    /// The refresh token text of the "your own tokens" section.
    pub refresh_text: String,
    /// What the at-scale plot shows.
    pub scale_measure: ScaleMeasure,
}

impl Default for RevocationLab {
    /// The example scenario, its login at the start of the current minute.
    fn default() -> Self {
        #[allow(clippy::cast_possible_truncation)]
        let minute = (system_now() / 60.0).floor() as Seconds * 60;
        Self::new(Scenario::example(minute))
    }
}

impl RevocationLab {
    /// A lab on `scenario`, which must be valid.
    #[must_use]
    pub fn new(scenario: Scenario) -> Self {
        let sim = simulate(&scenario);
        let scale = at_scale(&scenario);
        let series = series_against_token_ttl(&scenario, 48);
        Self { scenario, sim, scale, series, refresh_text: String::new(), scale_measure: ScaleMeasure::default() }
    }

    /// The scenario simulated.
    #[must_use]
    pub fn scenario(&self) -> &Scenario {
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
        let next = self.sim.next_change_after(now)?;
        Some(std::time::Duration::from_secs_f64((next as f64 - now).max(0.05)))
    }

    fn set(&mut self, scenario: Scenario) -> Option<(Level, String)> {
        match scenario.validate() {
            Ok(()) => {
                let (refresh, measure) = (std::mem::take(&mut self.refresh_text), self.scale_measure);
                *self = Self { refresh_text: refresh, scale_measure: measure, ..Self::new(scenario) };
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
            RevocationCommand::SetTokenTtl(ttl) => {
                s.token_ttl = ttl.max(1);
                s.access_ttl = s.access_ttl.min(s.token_ttl);
            }
            RevocationCommand::SetAccessTtl(a) => s.access_ttl = a.clamp(1, s.token_ttl),
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
                match Scenario::from_json(text) {
                    Ok(loaded) => s = loaded,
                    Err(e) => return Some((Level::Error, format!("{file}: {e}"))),
                }
            }
            RevocationCommand::OpenScenario => {
                let path = cx.platform.pick_files("Open a scenario", false).into_iter().next()?;
                return self.handle(RevocationCommand::LoadScenarioFile(path), cx);
            }
            RevocationCommand::LoadScenarioFile(path) => match read_scenario(&path) {
                Ok(loaded) => {
                    let message = format!("loaded the scenario {}", path.display());
                    return self.set(loaded).or(Some((Level::Info, message)));
                }
                Err(e) => return Some((Level::Error, e)),
            },
            RevocationCommand::SaveScenario => {
                let path = cx.platform.save_file("Save the scenario", "scenario.json")?;
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
        }
        self.set(s)
    }
}

impl RevocationLab {
    /// The scenario on the decoded token's lifetimes (and the refresh token's, for a pair).
    fn use_tokens(&mut self, decoded: Option<&Token>, pair: bool) -> Option<(Level, String)> {
        let Some(access) = decoded.and_then(|t| TokenTimeline::from_token(t, 0)) else {
            return Some((Level::Error, "decode a token with readable claims first (Decode tab)".into()));
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
        let next = match self.scenario.with_tokens(&access, refresh.as_ref()) {
            Ok(next) => next,
            Err(e) => return Some((Level::Error, e)),
        };
        let what = if pair { "your access and refresh tokens" } else { "the decoded token" };
        self.set(next).or(Some((Level::Info, format!("the lab now runs on the lifetimes of {what}"))))
    }
}

fn read_scenario(path: &std::path::Path) -> Result<Scenario, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: the file is not UTF-8 text", path.display()))?;
    Scenario::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn lab(command: RevocationCommand) -> Command {
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
    egui::ScrollArea::vertical().id_salt("revocation-scroll").auto_shrink([false, false]).show(ui, |ui| {
        ui.heading("Revocation lab");
        ui.label(
            "One user signs in, one event happens, and five ways of keeping someone signed in react on the \
             workbench's clock. The same model answers `tokenbench simulate revocation`.",
        );
        ui.add_space(4.0);
        controls(ui, lab, state, now, out);
        ui.add_space(6.0);
        table(ui, lab, now);
        ui.add_space(6.0);
        timeline(ui, lab, now, out);
        ui.add_space(6.0);
        trades(ui, lab);
        ui.add_space(6.0);
        egui::CollapsingHeader::new(RichText::new("At scale").strong())
            .id_salt("at-scale")
            .default_open(true)
            .show(ui, |ui| at_scale_ui(ui, lab, out));
    });
}

fn seconds_field(
    ui: &mut Ui,
    label: &str,
    value: Seconds,
    range: std::ops::RangeInclusive<Seconds>,
) -> Option<Seconds> {
    let mut v = value;
    let response = ui
        .add(egui::DragValue::new(&mut v).range(range).suffix(" s").speed(1.0))
        .on_hover_text(format!("{label}: {} ({value} s)", duration_text(value)));
    response.changed().then_some(v)
}

fn controls(ui: &mut Ui, lab: &RevocationLab, state: &AppState, now: UnixSeconds, out: &mut Vec<Command>) {
    let s = lab.scenario();
    scenario_row(ui, s, out);
    event_row(ui, s, out);
    lifetimes_row(ui, s, out);
    ui.label(RichText::new(s.event.kind.caption()).italics());
    #[allow(clippy::cast_precision_loss)]
    let at = s.event.at as f64;
    let when = if now < at { "The event is" } else { "The event happened" };
    ui.weak(format!("{when} {} ({}).", format_relative(at, now), format_utc(at)));
    let (lo, hi) = default_view(lab.simulation());
    if now < lo || now > hi {
        let dark = ui.visuals().dark_mode;
        ui.label(
            RichText::new(
                "The clock is outside this scenario: press \"Replay from login\", or \"Start at the clock's time\" to \
                 move the scenario to it.",
            )
            .color(verdict_colour(None, dark)),
        );
    }
    egui::CollapsingHeader::new("Use your own tokens")
        .id_salt("own-tokens")
        .show(ui, |ui| own_tokens(ui, lab, state, out));
}

fn scenario_row(ui: &mut Ui, s: &Scenario, out: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Scenario");
        egui::ComboBox::from_id_salt("scenario-samples")
            .selected_text(if s.name.is_empty() { "(custom)" } else { s.name.as_str() })
            .width(260.0)
            .show_ui(ui, |ui| {
                for (i, (_, text)) in SAMPLES.iter().enumerate() {
                    let name = Scenario::from_json(text).map(|x| x.name).unwrap_or_default();
                    if ui.selectable_label(s.name == name, name).clicked() {
                        out.push(lab_cmd(RevocationCommand::LoadSample(i)));
                    }
                }
            })
            .response
            .on_hover_text("Sample scenarios (assets/scenarios)");
        if ui.button("Open scenario…").on_hover_text("Load a scenario JSON file").clicked() {
            out.push(lab_cmd(RevocationCommand::OpenScenario));
        }
        if ui.button("Save scenario…").on_hover_text("Save this scenario as JSON, for the CLI").clicked() {
            out.push(lab_cmd(RevocationCommand::SaveScenario));
        }
    });
}

fn event_row(ui: &mut Ui, s: &Scenario, out: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Event");
        egui::ComboBox::from_id_salt("event-kind")
            .selected_text(s.event.kind.title())
            .show_ui(ui, |ui| {
                for kind in EventKind::ALL {
                    if ui.selectable_label(s.event.kind == kind, kind.title()).clicked() {
                        out.push(lab_cmd(RevocationCommand::SetEvent(kind)));
                    }
                }
            })
            .response
            .on_hover_text("What happens at the event's instant");
        ui.label("at login +");
        if let Some(v) = seconds_field(ui, "The event, after the login", s.event.at - s.login_at, 0..=s.token_ttl * 4) {
            out.push(lab_cmd(RevocationCommand::SetEventOffset(v)));
        }
        ui.weak(format!("({})", duration_text(s.event.at - s.login_at)));
        if ui.button("Make it happen now").on_hover_text("Move the event to the clock's time").clicked() {
            out.push(lab_cmd(RevocationCommand::EventNow));
        }
        if s.event.kind.has_theft() {
            ui.label("stolen at login +");
            let stolen = s.stolen_at() - s.login_at;
            if let Some(v) = seconds_field(ui, "The theft, after the login", stolen, 0..=s.event.at - s.login_at) {
                out.push(lab_cmd(RevocationCommand::SetStolenOffset(v)));
            }
        }
    });
}

fn lifetimes_row(ui: &mut Ui, s: &Scenario, out: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        ui.label("token-ttl");
        if let Some(v) = seconds_field(ui, "token-ttl", s.token_ttl, 1..=31_536_000) {
            out.push(lab_cmd(RevocationCommand::SetTokenTtl(v)));
        }
        ui.label("access-ttl");
        if let Some(v) = seconds_field(ui, "access-ttl", s.access_ttl, 1..=s.token_ttl) {
            out.push(lab_cmd(RevocationCommand::SetAccessTtl(v)));
        }
        ui.label("leeway");
        if let Some(v) = seconds_field(ui, "leeway", s.leeway, 0..=3600) {
            out.push(lab_cmd(RevocationCommand::SetLeeway(v)));
        }
        #[allow(clippy::cast_precision_loss)]
        let login = s.login_at as f64;
        ui.label(format!("login {}", format_utc(login)));
        if ui.button("Start at the clock's time").on_hover_text("Move the login to the clock's time").clicked() {
            out.push(lab_cmd(RevocationCommand::StartNow));
        }
        if ui
            .button("Replay from login")
            .on_hover_text("Set the clock to a minute before the login and run it x60")
            .clicked()
        {
            out.push(Command::Clock(ClockCommand::Set(login - 60.0)));
            out.push(Command::Clock(ClockCommand::Run(60.0)));
        }
    });
}

fn own_tokens(ui: &mut Ui, lab: &RevocationLab, state: &AppState, out: &mut Vec<Command>) {
    ui.label(
        "The decoded token sets the login (its nbf or iat) and its lifetime; with a refresh token too, the decoded \
         token is the access token (access-ttl) and the refresh token's exp sets token-ttl.",
    );
    let decoded = state.parsed().and_then(|t| TokenTimeline::from_token(t, 0)).and_then(|t| t.lifetime_text());
    ui.weak(
        decoded.map_or_else(|| "No decoded token with iat/nbf and exp.".to_owned(), |l| format!("Decoded token: {l}")),
    );
    if ui.button("Use the decoded token").clicked() {
        out.push(lab_cmd(RevocationCommand::UseDecodedToken));
    }
    let mut text = lab.refresh_text.clone();
    let label = ui.label("Refresh token (a JWT)");
    let edit = ui
        .add(egui::TextEdit::singleline(&mut text).hint_text("eyJ… with an exp").desired_width(f32::INFINITY))
        .labelled_by(label.id);
    if edit.changed() {
        out.push(lab_cmd(RevocationCommand::SetRefreshToken(text)));
    }
    if ui.button("Use the decoded token and this refresh token").clicked() {
        out.push(lab_cmd(RevocationCommand::UseTokenPair));
    }
}

fn lab_cmd(command: RevocationCommand) -> Command {
    lab(command)
}

/// Width of a status cell: long reasons wrap instead of widening the table past a small window.
const STATUS_WIDTH: f32 = 170.0;

fn status_label(ui: &mut Ui, status: &Status, dark: bool) {
    let word = if status.accepted { "accepted" } else { "refused" };
    let text = RichText::new(format!("{word}: {}", status.reason)).color(verdict_colour(Some(status.accepted), dark));
    ui.add(egui::Label::new(text).wrap());
}

/// An instant in the table: the time of day when it falls on the login's date, else the date too.
fn table_time(t: Seconds, login: Seconds) -> String {
    #[allow(clippy::cast_precision_loss)]
    let (full, day) = (format_utc(t as f64), format_utc(login as f64));
    if full.get(..10) == day.get(..10) {
        full.get(11..19).unwrap_or(&full).to_owned()
    } else {
        full.replace(" UTC", "")
    }
}

/// The user's status, naming the access token for jwt-refresh.
fn user_status(o: &crate::core::revoke::Outcome, now: UnixSeconds) -> Status {
    let mut status = o.user_status(now);
    if status.accepted
        && let Some(tok) = o.access_token_at(now, Holder::User)
    {
        status.reason = format!("access token #{} (exp {})", tok.number, table_time(tok.exp, o.login_at));
    }
    status
}

fn subject_status(o: &crate::core::revoke::Outcome, now: UnixSeconds) -> Status {
    let mut status = o.subject_status(now);
    if status.accepted
        && let Some(tok) = o.access_token_at(now, Holder::Other)
    {
        status.reason = format!("attacker's access token #{} (exp {})", tok.number, table_time(tok.exp, o.login_at));
    }
    status
}

fn table(ui: &mut Ui, lab: &RevocationLab, now: UnixSeconds) {
    let dark = ui.visuals().dark_mode;
    let sim = lab.simulation();
    let subject = sim.scenario.event.kind.subject();
    egui::ScrollArea::horizontal().id_salt("revocation-table-scroll").show(ui, |ui| {
        let grid = egui::Grid::new("revocation-table").striped(true).num_columns(8).spacing([10.0, 4.0]);
        grid.max_col_width(STATUS_WIDTH).show(ui, |ui| {
            for title in [
                "Strategy",
                "User now",
                &format!("{subject} now"),
                "Accepted\nuntil",
                "Exposure",
                "Records\nnow",
                "Lookups/\nrequest",
                "Max\nrecords",
            ] {
                ui.label(RichText::new(title).strong());
            }
            ui.end_row();
            for o in &sim.outcomes {
                ui.label(RichText::new(o.strategy.name()).monospace().strong()).on_hover_text(o.strategy.caption());
                status_label(ui, &user_status(o, now), dark);
                status_label(ui, &subject_status(o, now), dark);
                ui.label(table_time(o.accepted_until, o.login_at)).on_hover_text(format!(
                    "{} ({}), {} after the login",
                    format_utc(o.accepted_until as f64),
                    o.accepted_until,
                    duration_text(o.accepted_until - o.login_at)
                ));
                let exposure = RichText::new(duration_text(o.exposure_seconds));
                let exposure = if o.exposure_seconds > 0 {
                    exposure.color(verdict_colour(Some(false), dark)).strong()
                } else {
                    exposure
                };
                ui.label(exposure).on_hover_text(format!("{} s", o.exposure_seconds));
                let records = o.records_at(now);
                let bytes = o.bytes_at(now);
                let record_text = if records == 0 { "0".to_owned() } else { format!("{records} ({bytes} B)") };
                let hover = o.record.as_ref().map_or_else(
                    || "Nothing is stored".to_owned(),
                    |r| format!("One record: {} = {} ({} B)", r.key, r.value, r.bytes()),
                );
                ui.label(record_text).on_hover_text(hover);
                ui.label(o.lookups_per_request.to_string());
                ui.label(o.server_state_entries.to_string());
                ui.end_row();
            }
        });
    });
}

/// One lane of the lab's timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Lane {
    User(Strategy),
    Subject(Strategy),
    AccessChain,
    RefreshChain,
}

fn lanes(subject: &str) -> Vec<(f64, Lane, String)> {
    let mut list = Vec::new();
    for s in Strategy::ALL {
        list.push((Lane::User(s), format!("{} · user", s.name())));
        list.push((Lane::Subject(s), format!("{} · {}", s.name(), subject.to_lowercase())));
        if s == Strategy::JwtRefresh {
            list.push((Lane::AccessChain, "jwt-refresh · access tokens".into()));
            list.push((Lane::RefreshChain, "jwt-refresh · refresh tokens".into()));
        }
    }
    let n = list.len();
    #[allow(clippy::cast_precision_loss)]
    list.into_iter().enumerate().map(|(i, (lane, name))| ((n - i) as f64, lane, name)).collect()
}

/// The view the lab's timeline starts with: the login to the last instant anything ends.
fn default_view(sim: &Simulation) -> (f64, f64) {
    let s = &sim.scenario;
    let mut hi = (s.login_at + s.token_ttl + s.leeway).max(s.event.at);
    for o in &sim.outcomes {
        hi = hi.max(o.accepted_until);
    }
    #[allow(clippy::cast_precision_loss)]
    let (lo, hi) = (s.login_at as f64, hi as f64);
    let margin = ((hi - lo) * 0.05).max(30.0);
    (lo - margin, hi + margin)
}

struct Palette {
    user: Color32,
    held: Color32,
    exposure: Color32,
    attacker: Color32,
    access: [Color32; 2],
    refresh: [Color32; 2],
    leeway: Color32,
    text: Color32,
}

impl Palette {
    fn new(dark: bool) -> Self {
        let green = verdict_colour(Some(true), dark);
        let red = verdict_colour(Some(false), dark);
        Self {
            user: green,
            held: Color32::from_rgb(0x5c, 0x7c, 0x99),
            exposure: red,
            attacker: Color32::from_rgb(0xb0, 0x3a, 0x8c),
            access: [green, Color32::from_rgb(0x43, 0xa0, 0x47)],
            refresh: [Color32::from_rgb(0x1e, 0x6f, 0xb5), Color32::from_rgb(0x42, 0x90, 0xd6)],
            leeway: verdict_colour(None, dark),
            text: if dark { Color32::from_gray(225) } else { Color32::from_gray(25) },
        }
    }
}

/// What every lane is drawn against: the clock's time and the x range to fill.
#[derive(Clone, Copy)]
struct Frame {
    now: f64,
    view: (f64, f64),
}

/// A lane's full height around `y`.
fn band(y: f64) -> (f64, f64) {
    (y - 0.34, y + 0.34)
}

/// The part of `[a, b)` before `now` solid, after it faded: what has happened, and what the
/// model predicts.
fn span_rects(
    plot_ui: &mut PlotUi<'_>,
    name: &str,
    (a, b): (f64, f64),
    (y0, y1): (f64, f64),
    fill: Color32,
    frame: Frame,
) {
    let Frame { now, view } = frame;
    let (a, b) = (a.max(view.0), b.min(view.1));
    if a >= b {
        return;
    }
    if now > a {
        plot_ui.polygon(rect(name, a, b.min(now), y0, y1, fill));
    }
    if now < b {
        plot_ui.polygon(rect(name, a.max(now), b, y0, y1, fill.gamma_multiply(0.45)));
    }
}

#[allow(clippy::cast_precision_loss)]
fn timeline(ui: &mut Ui, lab: &RevocationLab, now: UnixSeconds, out: &mut Vec<Command>) {
    let sim = lab.simulation();
    let scenario = &sim.scenario;
    let dark = ui.visuals().dark_mode;
    let palette = Palette::new(dark);
    let (fit, center) = ui
        .horizontal_wrapped(|ui| {
            ui.label(RichText::new("Timeline").strong());
            let fit = ui.small_button("Fit scenario").on_hover_text("Show the whole scenario").clicked();
            let center =
                ui.small_button("Centre on now").on_hover_text("Centre the timeline on the clock's time").clicked();
            (fit, center)
        })
        .inner;
    let lane_list = lanes(scenario.event.kind.subject());
    let names: Vec<(f64, String)> = lane_list.iter().map(|(y, _, n)| (*y, n.clone())).collect();
    let key = (scenario.login_at, scenario.token_ttl);
    let shown_key = lab_plot_id().with("shown-scenario");
    let changed = ui.data(|d| d.get_temp::<(Seconds, Seconds)>(shown_key)) != Some(key);
    ui.data_mut(|d| d.insert_temp(shown_key, key));
    let spec = TimePlot {
        id: lab_plot_id(),
        now,
        default_view: default_view(sim),
        fit: fit || changed,
        center_now: center,
        height: 300.0,
        y: (0.4, lane_list.len() as f64 + 1.1),
        lanes: &names,
        description: "Revocation timeline: drag the now line to move the clock",
    };
    let event = scenario.event.at as f64;
    time_plot(ui, &spec, out, |plot_ui, view| {
        let frame = Frame { now, view };
        let px_per_second = plot_ui.transform().dpos_dvalue_x().abs();
        for (y, lane, _) in &lane_list {
            let y = *y;
            match lane {
                Lane::User(strategy) => {
                    for span in &sim.outcome(*strategy).user {
                        span_rects(
                            plot_ui,
                            &span.what,
                            (span.from as f64, end(span.until)),
                            band(y),
                            palette.user,
                            frame,
                        );
                    }
                }
                Lane::Subject(strategy) => {
                    let outcome = sim.outcome(*strategy);
                    for span in &outcome.subject {
                        let (a, b) = (span.from as f64, end(span.until));
                        span_rects(plot_ui, &span.what, (a, b.min(event)), band(y), palette.held, frame);
                        span_rects(plot_ui, "exposure", (a.max(event), b), band(y), palette.exposure, frame);
                    }
                    if let Some((at, what)) = &outcome.server_action {
                        plot_ui.points(
                            Points::new(what.to_string(), vec![[*at as f64, y]])
                                .shape(MarkerShape::Diamond)
                                .radius(6.0)
                                .color(palette.text),
                        );
                    }
                }
                Lane::AccessChain => chain_lane(plot_ui, sim, y, frame, px_per_second, &palette, false),
                Lane::RefreshChain => chain_lane(plot_ui, sim, y, frame, px_per_second, &palette, true),
            }
        }
        let top = lane_list.len() as f64 + 0.75;
        plot_ui.vline(VLine::new("event", event).color(palette.exposure).style(LineStyle::dashed_loose()).width(1.5));
        plot_ui.text(
            Text::new("event-label", PlotPoint::new(event, top), RichText::new(scenario.event.kind.title()).strong())
                .color(palette.exposure)
                .anchor(egui::Align2::RIGHT_CENTER)
                .allow_hover(false),
        );
        if scenario.event.kind.has_theft() {
            let stolen = scenario.stolen_at() as f64;
            plot_ui.vline(
                VLine::new("stolen", stolen).color(palette.attacker).style(LineStyle::dashed_loose()).width(1.5),
            );
            plot_ui.text(
                Text::new("stolen-label", PlotPoint::new(stolen, top - 0.4), RichText::new("stolen").strong())
                    .color(palette.attacker)
                    .anchor(egui::Align2::RIGHT_CENTER)
                    .allow_hover(false),
            );
        }
    });
    ui.weak(
        "Green: the user is accepted. Blue-grey: the event's subject holds an accepted credential before the event; \
         red: it is still accepted after the event (the exposure). Faded: what the model predicts after the clock's \
         time. Diamonds: what the server did. The access-token chain shows each renewal (amber tails: leeway), the \
         refresh-token chain each rotation inside the refresh token's lifetime (outlined; purple: the attacker's). \
         Drag the now line to move the clock.",
    );
}

fn end(until: Seconds) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    if until == FOREVER { f64::MAX } else { until as f64 }
}

/// At most this many tokens are drawn one by one; more are drawn as a band.
const MAX_DRAWN_TOKENS: usize = 160;

#[allow(clippy::cast_precision_loss)]
fn chain_lane(
    plot_ui: &mut PlotUi<'_>,
    sim: &Simulation,
    y: f64,
    frame: Frame,
    px_per_second: f64,
    palette: &Palette,
    refresh: bool,
) {
    let view = frame.view;
    let o = sim.outcome(Strategy::JwtRefresh);
    if refresh {
        // Each family's whole lifetime (login to login + token-ttl), outlined: the refresh
        // token's own lifetime, whatever became of its generations.
        for run in o.chain.iter().filter(|r| r.first_number == 0 && r.holder == Holder::User) {
            let (a, b) = ((run.first_issue as f64).max(view.0), (run.family_end as f64).min(view.1));
            if a < b {
                let (y0, y1) = band(y);
                let outline =
                    egui_plot::Polygon::new("refresh-token lifetime", vec![[a, y0], [b, y0], [b, y1], [a, y1]])
                        .fill_color(Color32::TRANSPARENT)
                        .stroke(egui::Stroke::new(1.0, palette.refresh[1]))
                        .allow_hover(false);
                plot_ui.polygon(outline);
            }
        }
    }
    for run in &o.chain {
        let tokens: Vec<AccessToken> = run.tokens_between(view.0, view.1, MAX_DRAWN_TOKENS + 1);
        if tokens.len() > MAX_DRAWN_TOKENS {
            let (a, b) = (tokens[0].issued as f64, tokens[tokens.len() - 1].exp as f64);
            let colour = if refresh { palette.refresh[0] } else { palette.access[0] };
            span_rects(plot_ui, "many tokens", (a, b), band(y), colour, frame);
            plot_ui.text(
                Text::new(
                    "many-label",
                    PlotPoint::new(f64::midpoint(a.max(view.0), b.min(view.1)), y),
                    format!("{} tokens here: zoom in", run.len()),
                )
                .color(palette.text)
                .allow_hover(false),
            );
            continue;
        }
        // With an attacker's chain in the same lane, the user's tokens take the lower half and
        // the attacker's the upper half, so overlapping tokens both show.
        let shared = o.chain.iter().any(|r| r.holder == Holder::Other);
        let rows = match (shared, run.holder) {
            (false, _) => band(y),
            (true, Holder::User) => (y - 0.34, y - 0.02),
            (true, Holder::Other) => (y + 0.02, y + 0.34),
        };
        for tok in tokens {
            let parity = usize::from(tok.number % 2 == 1);
            let attacker = tok.holder == Holder::Other;
            let (a, b, label) = if refresh {
                (tok.issued as f64, tok.refresh_until as f64, format!("RT {}", tok.number))
            } else {
                (tok.issued as f64, tok.exp.min(tok.rejected_from) as f64, format!("#{}", tok.number))
            };
            let colour = match (attacker, refresh) {
                (true, _) => palette.attacker,
                (false, true) => palette.refresh[parity],
                (false, false) => palette.access[parity],
            };
            span_rects(plot_ui, &label, (a, b), rows, colour, frame);
            if !refresh && tok.rejected_from > tok.exp {
                let tail = (tok.exp as f64, tok.rejected_from as f64);
                span_rects(plot_ui, "leeway", tail, rows, palette.leeway, frame);
            }
            if (b - a) * px_per_second > 34.0 {
                let centre = f64::midpoint(a.max(view.0), b.min(view.1));
                plot_ui.text(
                    Text::new(
                        label.clone(),
                        PlotPoint::new(centre, f64::midpoint(rows.0, rows.1)),
                        RichText::new(label).small(),
                    )
                    .color(Color32::WHITE)
                    .allow_hover(false),
                );
            }
        }
    }
}

fn trades(ui: &mut Ui, lab: &RevocationLab) {
    ui.label(RichText::new("What each strategy trades, and what it did here").strong());
    for o in &lab.simulation().outcomes {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("{}:", o.strategy.name())).monospace().strong());
            ui.label(o.strategy.caption());
            ui.weak(&o.summary);
        });
    }
}

fn count(x: f64) -> String {
    if x >= 1e9 {
        format!("{:.2} G", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.2} M", x / 1e6)
    } else if x >= 1e4 {
        format!("{:.1} k", x / 1e3)
    } else if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

fn bytes(x: f64) -> String {
    if x >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} GiB", x / (1024.0 * 1024.0 * 1024.0))
    } else if x >= 1024.0 * 1024.0 {
        format!("{:.2} MiB", x / (1024.0 * 1024.0))
    } else if x >= 1024.0 {
        format!("{:.1} KiB", x / 1024.0)
    } else {
        format!("{x:.0} B")
    }
}

fn at_scale_ui(ui: &mut Ui, lab: &RevocationLab, out: &mut Vec<Command>) {
    let s = lab.scenario();
    let inputs = s.scale.unwrap_or_default();
    ui.horizontal_wrapped(|ui| {
        let mut next = inputs;
        let mut changed = false;
        ui.label("users");
        changed |=
            ui.add(egui::DragValue::new(&mut next.users).speed(1000.0)).on_hover_text("Registered users").changed();
        ui.label("signed in");
        changed |= ui
            .add(egui::DragValue::new(&mut next.active_users).range(0..=next.users).speed(100.0))
            .on_hover_text("Users signed in at any moment")
            .changed();
        ui.label("requests/s");
        changed |= ui
            .add(egui::DragValue::new(&mut next.requests_per_second).range(0.0..=1e9).speed(10.0))
            .on_hover_text("Authenticated requests per second")
            .changed();
        ui.label("revocations/day");
        changed |= ui
            .add(egui::DragValue::new(&mut next.revocations_per_day).range(0.0..=1e10).speed(100.0))
            .on_hover_text("Logouts, password changes, suspensions per day")
            .changed();
        if changed {
            next.active_users = next.active_users.min(next.users);
            out.push(lab_cmd(RevocationCommand::SetScale(next)));
        }
    });
    ui.weak(format!(
        "Steady state for token-ttl {} and access-ttl {}: sessions and refresh families = signed-in users, denylist = \
         revocations x token-ttl (each entry kept until its token's exp), version counters = users.",
        duration_text(s.token_ttl),
        duration_text(s.access_ttl)
    ));
    egui::Grid::new("scale-table").striped(true).num_columns(5).spacing([14.0, 4.0]).show(ui, |ui| {
        for title in ["Strategy ", "Records", "Bytes", "Lookups/s", "Grows with"] {
            ui.label(RichText::new(title).strong());
        }
        ui.end_row();
        for r in lab.scale_rows() {
            ui.label(RichText::new(format!("{} ", r.strategy.name())).monospace());
            ui.label(count(r.entries)).on_hover_text(format!("{} records", r.entries));
            ui.label(bytes(r.bytes)).on_hover_text(format!("{} bytes", r.bytes));
            ui.label(count(r.lookups_per_second)).on_hover_text(format!("{} lookups per second", r.lookups_per_second));
            ui.label(r.grows_with);
            ui.end_row();
        }
    });
    scale_plot(ui, lab, out);
}

/// Records or bytes of every strategy against token-ttl, on a log scale.
fn scale_plot(ui: &mut Ui, lab: &RevocationLab, out: &mut Vec<Command>) {
    let s = lab.scenario();
    ui.horizontal(|ui| {
        ui.label("Plot");
        for (m, label) in [(ScaleMeasure::Entries, "records"), (ScaleMeasure::Bytes, "bytes")] {
            if ui.radio(lab.scale_measure == m, label).clicked() {
                out.push(lab_cmd(RevocationCommand::SetScaleMeasure(m)));
            }
        }
        ui.label("against token-ttl");
    });
    let measure = lab.scale_measure;
    let column = if measure == ScaleMeasure::Bytes { 2 } else { 1 };
    #[allow(clippy::cast_precision_loss)]
    let current = s.token_ttl as f64 / 3600.0;
    // A log scale: a million version counters and a few hundred denylist entries on one plot.
    let lines: Vec<(&'static str, Vec<[f64; 2]>)> = lab
        .series
        .iter()
        .filter(|series| series.points.iter().any(|p| p[column] > 0.0))
        .map(|series| {
            let points = series.points.iter().map(|p| [p[0] / 3600.0, p[column].max(1e-3).log10()]).collect();
            (series.strategy.name(), points)
        })
        .collect();
    let (lo, hi) = lines
        .iter()
        .flat_map(|(_, points)| points.iter().map(|p| p[1]))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let (lo, hi) = if lo.is_finite() { (lo.floor() - 0.5, hi.ceil() + 1.5) } else { (0.0, 1.0) };
    Plot::new("scale-plot")
        .height(220.0)
        .legend(Legend::default().position(Corner::LeftTop))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .x_axis_label("token-ttl (hours)")
        .y_axis_label(if measure == ScaleMeasure::Bytes { "bytes (log)" } else { "records (log)" })
        .y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
        .y_axis_formatter(move |mark: GridMark, _| {
            let v = 10f64.powf(mark.value);
            if measure == ScaleMeasure::Bytes { bytes(v) } else { count(v) }
        })
        .default_y_bounds(lo, hi)
        .show(ui, |plot_ui| {
            for (name, points) in lines {
                plot_ui.line(Line::new(name, points).width(2.0));
            }
            plot_ui.vline(VLine::new("this scenario's token-ttl", current).style(LineStyle::dashed_loose()));
        })
        .response
        .on_hover_text("Server state against token-ttl");
    ui.weak(
        "Log scale. Only the denylist grows with token-ttl; sessions and refresh families follow the signed-in users \
         (their record lines overlap), version counters all users; jwt stores nothing and is not drawn. Lookups per \
         request: session, jwt-denylist and jwt-version 1, jwt and jwt-refresh 0 (jwt-refresh pays one per renewal).",
    );
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::{NodeT, Queryable};

    use super::*;
    use crate::ui::app::{Settings, TokenbenchApp};
    use crate::ui::platform::FakePlatform;
    use crate::ui::state::Tab;

    fn lab_app(size: egui::Vec2) -> Harness<'static, TokenbenchApp> {
        let mut h = Harness::builder()
            .with_size(size)
            .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
        h.state_mut().apply(vec![Command::SelectTab(Tab::Revocation), Command::Clock(ClockCommand::Pause)]);
        h
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
        let parent = name.parent().unwrap();
        let cells: Vec<String> = parent.children().map(|c| text(&c)).collect();
        let at = cells
            .iter()
            .position(|c| c == strategy.name())
            .unwrap_or_else(|| panic!("{cells:?} {:?}", parent.accesskit_node().role()));
        cells[at + 1..at + 8].to_vec()
    }

    #[test]
    fn revoke_in_the_lab_and_read_each_row() {
        let mut h = lab_app(egui::vec2(1400.0, 1000.0));
        h.state_mut().apply(vec![Command::Revocation(RevocationCommand::LoadSample(0))]);
        let login = h.state().state.revocation.scenario().login_at;
        #[allow(clippy::cast_precision_loss)]
        h.state_mut().apply(vec![Command::Clock(ClockCommand::Set((login + 1000) as f64))]);
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
        #[allow(clippy::cast_precision_loss)]
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
            let scenario = Scenario::from_json(text).unwrap();
            let cli = crate::cli::revocation_json(&simulate(&scenario));
            for (k, s) in Strategy::ALL.into_iter().enumerate() {
                let c = &cli["strategies"][k];
                let r = row(&h, s);
                assert_eq!(r[2], table_time(c["accepted_until"].as_i64().unwrap(), scenario.login_at), "{file} {s:?}");
                assert_eq!(r[3], duration_text(c["exposure_seconds"].as_i64().unwrap()), "{file} {s:?}");
                assert_eq!(r[5], c["lookups_per_request"].to_string());
                assert_eq!(r[6], c["server_state_entries"].to_string());
            }
            let scale = crate::cli::scale_json(&scenario);
            for (k, r) in h.state().state.revocation.scale_rows().iter().enumerate() {
                assert_eq!(r.entries.to_bits(), scale["strategies"][k]["entries"].as_f64().unwrap().to_bits());
                assert_eq!(r.bytes.to_bits(), scale["strategies"][k]["bytes"].as_f64().unwrap().to_bits());
                let shown = h.query_all_by_label(&count(r.entries)).count();
                assert!(shown > 0, "{} records shown", count(r.entries));
            }
        }
    }

    #[test]
    fn every_event_changes_the_rows() {
        let mut h = lab_app(egui::vec2(1400.0, 1000.0));
        h.state_mut().apply(vec![Command::Revocation(RevocationCommand::LoadSample(0))]);
        let login = h.state().state.revocation.scenario().login_at;
        #[allow(clippy::cast_precision_loss)]
        h.state_mut().apply(vec![Command::Clock(ClockCommand::Set((login + 1300) as f64))]);
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
        h.state_mut().apply(vec![Command::Revocation(RevocationCommand::LoadSample(0))]);
        let login = h.state().state.revocation.scenario().login_at;
        #[allow(clippy::cast_precision_loss)]
        let start = (login + 600) as f64;
        h.state_mut().apply(vec![Command::Clock(ClockCommand::Set(start))]);
        h.run();
        let at = crate::ui::timeline::now_line_position(&h.ctx, lab_plot_id(), start).unwrap();
        h.drag_at(at);
        h.run();
        h.hover_at(at + egui::vec2(200.0, 0.0));
        h.run();
        h.drop_at(at + egui::vec2(200.0, 0.0));
        h.run();
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
    fn commands_keep_the_scenario_valid() {
        let mut lab = RevocationLab::new(Scenario::example(1_700_000_000));
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
    }

    #[test]
    fn own_tokens_set_the_lifetimes() {
        use crate::core::keys::{SecretEncoding, load_secret};
        use crate::core::sign::sign;
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
        h.get_by_label("Use the decoded token").click();
        h.run();
        let s = h.state().state.revocation.scenario().clone();
        assert_eq!((s.login_at, s.token_ttl), (1_700_000_000, 900));
        h.get_by_label("Refresh token (a JWT)").focus();
        h.run();
        h.get_by_label("Refresh token (a JWT)").type_text(&refresh);
        h.run();
        h.get_by_label("Use the decoded token and this refresh token").click();
        h.run();
        let s = h.state().state.revocation.scenario().clone();
        assert_eq!((s.login_at, s.access_ttl, s.token_ttl), (1_700_000_000, 900, 86_400));
        assert!(
            h.query_by_label_contains("the lab now runs on the lifetimes of your access and refresh tokens").is_some()
        );
    }
}
