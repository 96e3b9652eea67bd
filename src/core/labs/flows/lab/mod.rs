//! The request-flows lab: two lanes side by side (session and JWT, or session and hybrid), each
//! a [`Flow`] stepped one event at a time over one topology of servers that can be killed or
//! added; the scenarios of the sessions-vs-JWT comparison, editable parameters, and the JWT the
//! lanes carry, built from the loaded token and keys.
//!
//! [`FlowsLab`] is the lab's state; every change goes through [`FlowsLab::handle`], which takes
//! the loaded token, keys and the time as arguments: the lab reads no clock and draws nothing.
//! The window draws it (`ui::flows`); `simulate flow --scenario` runs the same scenarios and
//! prints the same figures ([`command_line`]).

mod caps;
pub mod command_line;
mod playback;
mod scenario;
mod sweep;

pub use caps::{
    MAX_REQUESTS, MAX_SERVERS, MAX_SERVICES, MAX_STORE_LATENCY_MS, MAX_USERS, MAX_VIEW_SERVERS, check_caps,
};
pub use playback::{DEFAULT_SPEED, Drawn, EVENT_GAP, MAX_FRAME_GAP, SPEED_RANGE};
pub use scenario::{FailoverVariant, FlowScenario, SessionVariant};
pub use sweep::{
    CostPoint, DOZENS_OF_SERVICES, FAN_OUT_SWEEP_MAX, FanOutPoint, REALITY_CHECK, SWEEP_LIMIT, Saving, SweepPoint,
    cost_curves, crossover, crossover_text, fan_out_curves, fan_out_text, lab_sweep, parse_servers_range, savings,
    savings_text, sweep,
};

use std::hash::{Hash, Hasher};
use std::time::Duration;

use crate::core::engine::keys::Key;
use crate::core::engine::token::Token;
use crate::core::labs::flows::credential::{self, Credential, Measured, TYPICAL_LIFETIME};
use crate::core::labs::flows::{self, Config, Flow, Mode, Revocation, Step, revocation_delay};
use crate::core::labs::revocation::TokenLifetime;

/// Time spent measuring each operation when the credential changes.
const MEASURE_BUDGET: Duration = Duration::from_millis(15);

/// What the user edits: servers, users, requests, fan-out and the store's round trip. The
/// Compare tab's rows run the flow model with the same parameters (and `tokenbench compare` with
/// the same defaults).
pub use crate::core::labs::compare::FlowSettings as Params;

/// Changes to the lab.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FlowCommand {
    /// Choose a scenario (restarts the lanes).
    Scenario(FlowScenario),
    /// Set the number of servers.
    Servers(u32),
    /// Set the number of users.
    Users(u32),
    /// Set the number of requests.
    Requests(u64),
    /// Set the fan-out.
    Services(u32),
    /// Set the remote store's round trip (ms); changes only the cost estimate.
    StoreLatency(f64),
    /// The scalability scenario's session design.
    Variant(SessionVariant),
    /// The JWT lane's revocation check (revocation and failover scenarios).
    JwtRevocation(Revocation),
    /// The failover scenario's session design.
    FailoverVariant(FailoverVariant),
    /// The failover scenario's store is down from this request to the end (`None`: never).
    StoreDown(Option<u64>),
    /// Start the animation.
    Play,
    /// Stop it.
    Pause,
    /// Show the rest of the current event, or the whole next one.
    Step,
    /// Messages per second.
    Speed(f32),
    /// Advance the animation by this many seconds (sent each frame while playing).
    Advance(f32),
    /// Play every remaining event at once.
    RunToEnd,
    /// Start the lanes over.
    Restart,
    /// Kill a server in both lanes.
    Kill(u32),
    /// Add a server to both lanes.
    AddServer,
    /// Rebuild the JWT from the loaded token and keys, and measure it.
    UseLoaded,
    /// Play events (shown whole) until a request or a cross-site call fails in either lane, or
    /// both lanes finish: the moment a design breaks, with both lanes at the same event.
    RunUntilFailure,
    /// Play events (shown whole) until this many requests are done (or the lanes finish).
    RunToRequest(u64),
    /// Scroll the view to its top, where the controls and the lanes are (the Compare tab's
    /// "Show me" and "Run it" land there).
    Focus,
}

/// One lane: its config, its model and the event being shown.
#[derive(Debug, Clone)]
pub struct Lane {
    /// What the lane simulates.
    pub cfg: Config,
    /// The model.
    pub flow: Flow,
    /// The event on screen and its messages.
    pub shown: Option<(Step, Vec<Drawn>)>,
}

impl Lane {
    fn new(cfg: Config) -> Result<Self, flows::FlowError> {
        Ok(Self { cfg, flow: Flow::new(cfg)?, shown: None })
    }

    fn placeholder() -> Self {
        let cfg = Config::default();
        // The default config is valid; a lane is rebuilt before it is shown.
        match Lane::new(cfg) {
            Ok(lane) => lane,
            Err(_) => unreachable!("the default flow config is valid"),
        }
    }

    /// "Session · local store, sticky", "JWT · denylist check"…
    #[must_use]
    pub fn title(&self) -> String {
        lane_title(&self.cfg)
    }
}

/// A lane's title for its config: "Session · local store, sticky", "JWT · denylist check"…
#[must_use]
pub fn lane_title(c: &Config) -> String {
    let how = match c.mode {
        Mode::Jwt if c.revocation == Revocation::None => "no revocation check".to_owned(),
        Mode::Jwt => format!("{} check", c.revocation.name()),
        _ => format!("{} store{}", c.store.name(), if c.sticky { ", sticky" } else { "" }),
    };
    let name = match c.mode {
        Mode::Session => "Session",
        Mode::Jwt => "JWT",
        Mode::Hybrid => "Hybrid",
    };
    format!("{name} · {how}")
}

/// The lab's state.
#[derive(Debug, Clone)]
pub struct FlowsLab {
    /// The scenario shown.
    pub scenario: FlowScenario,
    /// The editable parameters.
    pub params: Params,
    /// The scalability scenario's session design.
    pub variant: SessionVariant,
    /// The JWT lane's revocation check (revocation and failover scenarios).
    pub revocation: Revocation,
    /// The failover scenario's session design.
    pub failover_variant: FailoverVariant,
    /// The failover scenario's store is down from this request on (`None`: never).
    pub store_down: Option<u64>,
    /// Left and right lanes.
    pub lanes: [Lane; 2],
    /// Animating.
    pub playing: bool,
    /// Messages per second.
    pub speed: f32,
    /// How far into the shown event, in messages.
    pub progress: f32,
    /// The JWT the lanes carry, when built.
    pub credential: Option<Credential>,
    /// Its measured costs.
    pub measured: Option<Measured>,
    /// The last thing that could not be done.
    pub message: Option<String>,
    /// Events played by hand (kills, additions): the lanes no longer match a CLI command.
    pub clicked: bool,
    /// Scalability sweep: per server count 1..=50, the four designs' costs.
    pub sweep: Option<Vec<SweepPoint>>,
    /// Beside the sweep, once the JWT is measured: what a request costs per server count with
    /// sessions and with a JWT ([`cost_curves`]).
    pub costs: Option<Vec<CostPoint>>,
    /// With the costs: what a user request costs per fan-out, 0 to [`FAN_OUT_SWEEP_MAX`]
    /// services, with a shared store and with a JWT ([`fan_out_curves`]).
    pub fan_out: Option<Vec<FanOutPoint>>,
    /// The loaded token and keys the credential was built from.
    loaded_from: Option<u64>,
    /// Counts requests to show the top of the view: the view scrolls there when it changes.
    pub focus: u64,
}

impl Default for FlowsLab {
    fn default() -> Self {
        let mut lab = Self {
            scenario: FlowScenario::default(),
            params: Params::default(),
            variant: SessionVariant::default(),
            revocation: Revocation::None,
            failover_variant: FailoverVariant::default(),
            store_down: None,
            lanes: [Lane::placeholder(), Lane::placeholder()],
            playing: false,
            speed: DEFAULT_SPEED,
            progress: 0.0,
            credential: None,
            measured: None,
            message: None,
            clicked: false,
            sweep: None,
            costs: None,
            fan_out: None,
            loaded_from: None,
            focus: 0,
        };
        lab.rebuild();
        lab
    }
}

/// A fingerprint of the loaded token and keys: the lab rebuilds its JWT when it changes.
#[must_use]
pub fn loaded_fingerprint(token: Option<&Token>, keys: &[Key]) -> u64 {
    /// Tokens up to this size are hashed whole each frame; above it, their length and ends.
    const WHOLE: usize = 64 * 1024;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    if let Some(t) = token.map(|t| t.text.as_bytes()) {
        t.len().hash(&mut h);
        if t.len() <= WHOLE {
            t.hash(&mut h);
        } else {
            t[..4096].hash(&mut h);
            t[t.len() - 4096..].hash(&mut h);
        }
    }
    for k in keys {
        k.thumbprint.hash(&mut h);
        k.private.is_some().hash(&mut h);
    }
    h.finish()
}

impl FlowsLab {
    /// Applies one command. `token` and `keys` are the loaded ones, `now` the simulated clock.
    pub fn handle(&mut self, command: FlowCommand, token: Option<&Token>, keys: &[Key], now: f64) {
        self.message = None;
        match command {
            FlowCommand::Scenario(s) => {
                self.scenario = s;
                self.params.services = s.fan_out();
                self.params.servers = self.params.servers.max(s.min_servers());
                self.rebuild();
            }
            FlowCommand::Servers(n) => {
                self.params.servers = n.clamp(self.scenario.min_servers(), MAX_SERVERS);
                self.rebuild();
            }
            FlowCommand::Users(n) => {
                self.params.users = n.clamp(1, MAX_USERS);
                self.rebuild();
            }
            FlowCommand::Requests(n) => {
                self.params.requests = n.clamp(1, MAX_REQUESTS);
                self.rebuild();
            }
            FlowCommand::Services(n) => {
                self.params.services = n.min(MAX_SERVICES);
                self.rebuild();
            }
            FlowCommand::StoreLatency(ms) => {
                self.params.store_latency_ms = ms.clamp(0.0, MAX_STORE_LATENCY_MS);
                (self.costs, self.fan_out) = (self.cost_curves(), self.fan_out_curves());
            }
            FlowCommand::Variant(v) => {
                self.variant = v;
                self.rebuild();
            }
            FlowCommand::JwtRevocation(r) => {
                self.revocation = r;
                self.rebuild();
            }
            FlowCommand::FailoverVariant(v) => {
                self.failover_variant = v;
                self.rebuild();
            }
            FlowCommand::StoreDown(at) => {
                // Inside the run: the last request at the latest.
                self.store_down = at.map(|i| i.min(self.params.requests.saturating_sub(1)));
                self.rebuild();
            }
            FlowCommand::Play => {
                if self.finished() {
                    self.rebuild();
                }
                self.playing = true;
            }
            FlowCommand::Pause => self.playing = false,
            FlowCommand::Step => {
                self.playing = false;
                if self.progress >= self.shown_len() {
                    self.next_event();
                }
                self.progress = self.shown_len();
            }
            FlowCommand::Speed(s) => self.speed = s.clamp(*SPEED_RANGE.start(), *SPEED_RANGE.end()),
            FlowCommand::Advance(dt) => self.advance(dt),
            FlowCommand::RunToEnd => {
                // The last request stays on screen, shown whole: the diagram is not left blank.
                for i in 0..self.lanes.len() {
                    let last = self.lanes[i].flow.run_keeping_last_request();
                    if last.is_some() {
                        self.show(i, last);
                    }
                }
                self.playing = false;
                self.progress = self.shown_len();
            }
            FlowCommand::Restart => self.rebuild(),
            FlowCommand::Kill(s) => self.topology(|f| f.kill(s)),
            FlowCommand::AddServer => {
                if self.lanes[0].flow.server_count() >= MAX_VIEW_SERVERS {
                    self.message = Some(format!("the view shows at most {MAX_VIEW_SERVERS} servers"));
                } else {
                    self.topology(Flow::add_server);
                }
            }
            FlowCommand::UseLoaded => self.use_loaded(token, keys, now),
            FlowCommand::RunUntilFailure => self.play_until(Self::shows_failure),
            FlowCommand::RunToRequest(n) => self.play_until(|lab| lab.lanes[0].flow.requests_done() >= n),
            FlowCommand::Focus => self.focus += 1,
        }
    }

    /// Builds the JWT from what is loaded, measures it, and restarts the lanes.
    fn use_loaded(&mut self, token: Option<&Token>, keys: &[Key], now: f64) {
        self.loaded_from = Some(loaded_fingerprint(token, keys));
        #[allow(clippy::cast_possible_truncation)]
        let iat = now.floor() as i64;
        match Credential::choose(token, keys, now, iat) {
            Ok(c) => {
                // The measured costs are timings of this machine, the one figure no run can
                // repeat exactly; the model's counts never depend on them.
                self.measured = credential::measure(&c, self.params.users, now, MEASURE_BUDGET).ok();
                self.credential = Some(c);
            }
            Err(e) => self.message = Some(format!("cannot build the lanes' JWT: {e}")),
        }
        self.rebuild();
    }

    /// The fingerprint ([`loaded_fingerprint`]) of the token and keys the credential was built
    /// from, once built.
    #[must_use]
    pub fn loaded_from(&self) -> Option<u64> {
        self.loaded_from
    }

    /// Whether the credential reflects what is loaded now.
    #[must_use]
    pub fn is_current(&self, token: Option<&Token>, keys: &[Key]) -> bool {
        self.loaded_from == Some(loaded_fingerprint(token, keys))
    }

    fn topology(&mut self, change: impl Fn(&mut Flow) -> Result<Step, flows::FlowError>) {
        let results: Vec<_> = self.lanes.iter_mut().map(|l| change(&mut l.flow)).collect();
        if let Some(Err(e)) = results.first() {
            self.message = Some(e.to_string());
            return;
        }
        self.clicked = true;
        for (i, r) in results.into_iter().enumerate() {
            if let Ok(step) = r {
                self.show(i, Some(step));
            }
        }
        // Animated when playing; shown whole when paused (nothing would advance it).
        self.progress = if self.playing { 0.0 } else { self.shown_len() };
    }

    /// Starts both lanes over with the current scenario and parameters.
    fn rebuild(&mut self) {
        let [a, b] = self.lane_configs();
        match (Lane::new(a), Lane::new(b)) {
            (Ok(a), Ok(b)) => self.lanes = [a, b],
            (Err(e), _) | (_, Err(e)) => self.message = Some(e.to_string()),
        }
        self.playing = false;
        self.progress = 0.0;
        self.clicked = false;
        self.sweep = if self.scenario == FlowScenario::Scalability { lab_sweep(&self.params) } else { None };
        (self.costs, self.fan_out) = (self.cost_curves(), self.fan_out_curves());
    }

    /// The cost curves beside the sweep, when the sweep runs and the JWT has been measured.
    fn cost_curves(&self) -> Option<Vec<CostPoint>> {
        let measured = self.measured.as_ref()?;
        self.sweep.as_ref()?;
        Some(cost_curves(&self.params, measured, 1..=MAX_SERVERS))
    }

    fn fan_out_curves(&self) -> Option<Vec<FanOutPoint>> {
        let measured = self.measured.as_ref()?;
        self.sweep.as_ref()?;
        Some(fan_out_curves(&self.params, measured, 0..=FAN_OUT_SWEEP_MAX))
    }

    /// The note under the scenario's options, from the lab's own settings: what a store
    /// outage does to the lanes, and that a JWT's revocation check brings server-side state
    /// (and the store as a dependency) back. `None` when the options need none.
    #[must_use]
    pub fn option_note(&self) -> Option<String> {
        let check = matches!(self.scenario, FlowScenario::Revocation | FlowScenario::Failover)
            && self.revocation != Revocation::None;
        let outage = (self.scenario == FlowScenario::Failover).then(|| self.store_down_from()).flatten().map(|at| {
            let users: Vec<String> =
                self.lanes.iter().filter(|l| l.cfg.store_fail_at.is_some()).map(Lane::title).collect();
            (at, users)
        });
        option_note_for(self.params.requests, outage.as_ref(), check)
    }

    /// The longest note the scenario's options can make with these parameters (every option
    /// on, both lanes using the store, the longest lane titles, the store down from request
    /// 0), or `None` when the scenario has no such options: the view keeps its room, so
    /// nothing under the note moves when an option is ticked.
    #[must_use]
    pub fn option_note_room(&self) -> Option<String> {
        match self.scenario {
            FlowScenario::Revocation => Some(crate::core::labs::revocation::SERVER_STATE_BACK.to_owned()),
            FlowScenario::Failover => {
                let session =
                    Config { store: crate::core::labs::flows::Store::Replicated, sticky: true, ..Config::default() };
                let longest = |titles: Vec<String>| titles.into_iter().max_by_key(String::len).unwrap_or_default();
                let jwt = longest(
                    Revocation::ALL
                        .iter()
                        .map(|r| lane_title(&Config { mode: Mode::Jwt, revocation: *r, ..Config::default() }))
                        .collect(),
                );
                option_note_for(self.params.requests, Some(&(0, vec![lane_title(&session), jwt])), true)
            }
            _ => None,
        }
    }

    /// The worst-case delay before a logout takes effect in `lane` (seconds); `None` for an
    /// unchecked JWT without `exp` (until the key is rotated). See [`lane_revocation_delay`].
    #[must_use]
    pub fn revocation_delay(&self, lane: usize, fallback_ttl: i64) -> Option<f64> {
        lane_revocation_delay(&self.lanes[lane].cfg, self.credential.as_ref().map(|c| &c.lifetime), fallback_ttl)
    }
}

/// The options' note for a run of `requests`: the store outage from request `at` touching the
/// lanes titled `users` (none: no lane uses the store), and whether a JWT check is on.
fn option_note_for(requests: u64, outage: Option<&(u64, Vec<String>)>, check: bool) -> Option<String> {
    use crate::core::text::count;
    let mut parts: Vec<String> = Vec::new();
    if let Some((at, users)) = outage {
        parts.push(if users.is_empty() {
            "No lane uses a store, so the outage touches neither: pick the shared store or a JWT check.".into()
        } else {
            format!(
                "The store is down from request {at} to the end: in {} every one of those {} fails at its first \
                 lookup; a server dying is survived, the store going down is not.",
                users.join(" and "),
                count(requests.saturating_sub(*at), "request", "requests")
            )
        });
    }
    if check {
        parts.push(crate::core::labs::revocation::SERVER_STATE_BACK.to_owned());
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The worst-case delay before a logout takes effect in a lane of `cfg` whose JWT has
/// `lifetime` (`None`: the typical token's [`TYPICAL_LIFETIME`]), in seconds; `None` for an
/// unchecked JWT without `exp` (until the key is rotated). The lifetime follows the rule of
/// [`TokenLifetime`]: when the token's cannot be told, `fallback_ttl` (the revocation lab's
/// token-ttl, as the Compare tab uses) stands in.
#[must_use]
pub fn lane_revocation_delay(cfg: &Config, lifetime: Option<&TokenLifetime>, fallback_ttl: i64) -> Option<f64> {
    let seconds = match lifetime {
        Some(TokenLifetime::Bounded { seconds, .. }) => Some(*seconds as f64),
        Some(TokenLifetime::NeverValid { .. }) => Some(0.0),
        Some(TokenLifetime::NeverExpires | TokenLifetime::BeyondModel { .. }) => None,
        Some(TokenLifetime::Unknown { .. }) => Some(fallback_ttl as f64),
        None => Some(TYPICAL_LIFETIME as f64),
    };
    revocation_delay(cfg.mode, cfg.revocation, seconds)
}

/// A revocation delay in words, as the lab's totals and `simulate flow --scenario` say it.
#[must_use]
pub fn revocation_delay_text(seconds: Option<f64>) -> String {
    let Some(seconds) = seconds else {
        // No exp: the one rule (TokenLifetime): only rotating the key ends it.
        return "at key rotation (no exp)".into();
    };
    if seconds <= 0.0 {
        "at the next request".into()
    } else {
        let d = crate::core::engine::clock::human_duration(Duration::from_secs_f64(seconds));
        format!("after up to {d}")
    }
}

#[cfg(test)]
mod tests;
