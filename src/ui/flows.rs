//! The request-flows lab: two lanes side by side (session and JWT, or session and hybrid), each
//! an animated sequence diagram of the model's events with the real header lines, over one
//! topology of servers that can be killed or added with a click; the scenarios of the
//! sessions-vs-JWT comparison, editable parameters, running totals with per-request figures
//! and measured costs, and a bar chart of the totals.
//!
//! [`FlowsLab`] is the lab's state; every change goes through [`FlowsLab::handle`] (reached
//! through `Command::Flow`). The lanes are [`crate::core::labs::flows::Flow`]s stepped one event at a
//! time: the numbers shown are the model's, the same the CLI prints for the same config
//! ([`FlowsLab::cli_args`] gives the command).

mod diagram;
mod view;

pub use view::ui;

use std::hash::{Hash, Hasher};
use std::time::Duration;

use crate::core::engine::keys::Key;
use crate::core::engine::token::Token;
use crate::core::labs::flows::credential::{self, Credential, Measured, TYPICAL_LIFETIME, TYPICAL_TOKEN_BYTES};
use crate::core::labs::flows::sequence::{self, LabelContext};
use crate::core::labs::flows::{self, Client, Config, Flow, Logout, Mode, Revocation, Step, Store, revocation_delay};
use crate::core::labs::revocation::TokenLifetime;
use diagram::Drawn;

/// The most servers the view starts with (more can be added by click, up to [`MAX_VIEW_SERVERS`]).
pub const MAX_START_SERVERS: u32 = crate::core::labs::flows::lab::MAX_SERVERS;
/// The most servers the strip shows.
pub const MAX_VIEW_SERVERS: u32 = 64;
/// The most users the view simulates.
pub const MAX_USERS: u32 = crate::core::labs::flows::lab::MAX_USERS;
/// The most requests the view simulates.
pub const MAX_REQUESTS: u64 = crate::core::labs::flows::lab::MAX_REQUESTS;
/// The most services a request fans out to in the view.
pub const MAX_SERVICES: u32 = crate::core::labs::flows::lab::MAX_SERVICES;
/// Time spent measuring each operation when the credential changes.
const MEASURE_BUDGET: Duration = Duration::from_millis(15);
/// Pause after an event's last message, in message times, before the next event.
const EVENT_GAP: f32 = 1.5;
/// Animation speeds: (messages per second, label).
pub const SPEEDS: [(f32, &str); 4] = [(2.5, "x1"), (10.0, "x4"), (40.0, "x16"), (250.0, "x100")];
/// A growing message is drawn in this many steps: the view changes, and asks for a frame, only
/// at each.
pub const REVEAL_STEPS: f32 = 8.0;
/// The longest time one frame advances the animation by, seconds.
const MAX_FRAME_GAP: f32 = 1.0;
/// The most frames per second the animation asks for, whatever the speed.
pub const MAX_ANIMATION_FPS: f32 = 30.0;
/// The scalability sweep runs only when users + requests stay below this (200 runs per change).
pub(crate) const SWEEP_LIMIT: u64 = 10_000;

/// The comparison rows the lab demonstrates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Scenario {
    /// 1 to 50 servers: sticky, shared store, replication, JWT.
    #[default]
    Scalability,
    /// A server dies.
    Failover,
    /// A user logs out.
    Revocation,
    /// Bytes per request.
    Overhead,
    /// Calls to another site.
    CrossDomain,
    /// A native app.
    Mobile,
    /// Fan-out to M services.
    Microservices,
    /// Functions without a persistent store connection.
    Serverless,
    /// A session at the edge, JWTs inside.
    Hybrid,
}

impl Scenario {
    /// Every scenario, in the order of the bar.
    pub const ALL: [Scenario; 9] = [
        Scenario::Scalability,
        Scenario::Failover,
        Scenario::Revocation,
        Scenario::Overhead,
        Scenario::CrossDomain,
        Scenario::Mobile,
        Scenario::Microservices,
        Scenario::Serverless,
        Scenario::Hybrid,
    ];

    /// Its name on the scenario bar.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Scenario::Scalability => "Scalability",
            Scenario::Failover => "Failover",
            Scenario::Revocation => "Revocation",
            Scenario::Overhead => "Request overhead",
            Scenario::CrossDomain => "Cross-domain",
            Scenario::Mobile => "Mobile client",
            Scenario::Microservices => "Microservices",
            Scenario::Serverless => "Serverless",
            Scenario::Hybrid => "Hybrid",
        }
    }

    /// Two lines on what the scenario shows.
    #[must_use]
    pub fn caption(self) -> [&'static str; 2] {
        match self {
            Scenario::Scalability => [
                "Where does the state live as servers are added? Sticky sessions pin each user to one server's memory, a shared store is a round trip from every server, replication copies each login to N-1 servers.",
                "A JWT needs only the verification key on each server (a public key; an HMAC secret for HS tokens). The sweep below runs the model for 1 to 50 servers.",
            ],
            Scenario::Failover => [
                "Server 0 dies halfway through (click a server to kill more). Its in-memory sessions die with it: every later request of those users fails (the model, like `simulate flow`, logs no one in again).",
                "A JWT verifies on any server, so nothing fails and nothing is lost.",
            ],
            Scenario::Revocation => [
                "User 0 logs out a quarter of the way in. Deleting the session stops the very next request.",
                "A JWT without a check stays valid until exp; a denylist or version check stops it at once, for one lookup per verification.",
            ],
            Scenario::Overhead => [
                "Every request carries its credential: a 34-byte cookie line, or the whole token in the Authorization header.",
                "The cookie is small but costs a store round trip; the token is large but is checked locally. Compare bytes sent with lookups made.",
            ],
            Scenario::CrossDomain => [
                "After every third request the page calls an API on another site. The browser never attaches the app's cookie there.",
                "An Authorization header is sent anywhere the page chooses, after one CORS preflight per user.",
            ],
            Scenario::Mobile => [
                "A native app has no cookie jar: it keeps the Set-Cookie value itself and sends it by hand; SameSite and CORS are browser rules, so cross-site calls work both ways.",
                "What differs is the bytes on a metered link, and that the session's lookups stay on the server side.",
            ],
            Scenario::Microservices => [
                "Each request fans out to M services. With sessions every service looks the session up: 1 + M store lookups per request, all on one store.",
                "With a JWT each service verifies the signature itself with a cached key: 1 + M verifications, no shared state.",
            ],
            Scenario::Serverless => [
                "Functions keep no connection between invocations: every session lookup opens a new store connection (TCP and TLS: two more round trips).",
                "A JWT is verified with a key cached in the function's memory (a public key, or the HMAC secret for HS tokens): no connection at all.",
            ],
            Scenario::Hybrid => [
                "What most production systems run: a session cookie at the edge (34 bytes, revocable at once), short-lived JWTs from the edge to the services.",
                "1 lookup + M verifications per request instead of 1 + M lookups, and revocation bounded by the internal token's 60 s.",
            ],
        }
    }

    /// The fan-out the scenario starts with.
    fn fan_out(self) -> u32 {
        match self {
            Scenario::Microservices => crate::core::labs::compare::DEFAULT_FAN_OUT,
            Scenario::Hybrid => 3,
            _ => 0,
        }
    }
}

/// The session lane's design in the scalability scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionVariant {
    /// Local stores, users pinned to their login server.
    Sticky,
    /// One shared store.
    #[default]
    Shared,
    /// Every server keeps every session.
    Replicated,
}

impl SessionVariant {
    /// Every variant.
    pub const ALL: [SessionVariant; 3] = [SessionVariant::Sticky, SessionVariant::Shared, SessionVariant::Replicated];

    /// Its name.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            SessionVariant::Sticky => "sticky, local store",
            SessionVariant::Shared => "shared store",
            SessionVariant::Replicated => "replicated store",
        }
    }
}

/// What the user edits: servers, users, requests, fan-out and the store's round trip. The
/// Compare tab's rows run the flow model with the same parameters (and `tokenbench compare` with
/// the same defaults).
pub use crate::core::labs::compare::FlowSettings as Params;

/// Changes to the lab.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FlowCommand {
    /// Choose a scenario (restarts the lanes).
    Scenario(Scenario),
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
    /// The revocation scenario's JWT check.
    JwtRevocation(Revocation),
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

    /// "Session · local store, sticky", "JWT · denylist check"…
    #[must_use]
    pub fn title(&self) -> String {
        let c = &self.cfg;
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
}

/// The lab's state.
#[derive(Debug, Clone)]
pub struct FlowsLab {
    /// The scenario shown.
    pub scenario: Scenario,
    /// The editable parameters.
    pub params: Params,
    /// The scalability scenario's session design.
    pub variant: SessionVariant,
    /// The revocation scenario's JWT check.
    pub revocation: Revocation,
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
    /// The loaded token and keys the credential was built from.
    loaded_from: Option<u64>,
    /// Counts requests to show the top of the view: the view scrolls there when it changes.
    pub focus: u64,
}

/// One server count of the scalability sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    /// Servers.
    pub servers: u32,
    /// Shared store: network round trips.
    pub shared_round_trips: u64,
    /// Replicated store: replication messages.
    pub replication_messages: u64,
    /// Sticky local store: sessions lost when server 0 dies halfway.
    pub sticky_sessions_lost: u64,
    /// JWT: verifications (local CPU, no shared state).
    pub jwt_verifications: u64,
}

impl Default for FlowsLab {
    fn default() -> Self {
        let mut lab = Self {
            scenario: Scenario::default(),
            params: Params::default(),
            variant: SessionVariant::default(),
            revocation: Revocation::None,
            lanes: [Lane::placeholder(), Lane::placeholder()],
            playing: false,
            speed: SPEEDS[0].0,
            progress: 0.0,
            credential: None,
            measured: None,
            message: None,
            clicked: false,
            sweep: None,
            loaded_from: None,
            focus: 0,
        };
        lab.rebuild();
        lab
    }
}

impl Lane {
    fn placeholder() -> Self {
        let cfg = Config::default();
        // The default config is valid; a lane is rebuilt before it is shown.
        match Lane::new(cfg) {
            Ok(lane) => lane,
            Err(_) => unreachable!("the default flow config is valid"),
        }
    }
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
    /// The two lanes' configs for the scenario and parameters.
    #[must_use]
    pub fn lane_configs(&self) -> [Config; 2] {
        let p = &self.params;
        let token_bytes = self.credential.as_ref().map_or(TYPICAL_TOKEN_BYTES, Credential::len);
        let base = Config {
            servers: p.servers,
            users: p.users,
            requests: p.requests,
            services: p.services,
            token_bytes,
            ..Config::default()
        };
        let session = Config { mode: Mode::Session, ..base };
        let jwt = Config { mode: Mode::Jwt, ..base };
        let r = p.requests;
        // The Compare tab's cross-domain and mobile rows run the same.
        let cross_site_every = crate::core::labs::compare::CROSS_SITE_EVERY;
        match self.scenario {
            Scenario::Scalability => {
                let left = match self.variant {
                    SessionVariant::Sticky => Config { store: Store::Local, sticky: true, ..session },
                    SessionVariant::Shared => session,
                    SessionVariant::Replicated => Config { store: Store::Replicated, ..session },
                };
                [left, jwt]
            }
            Scenario::Failover => {
                let fail_server_at = Some(r / 2);
                [
                    Config { store: Store::Local, sticky: true, fail_server_at, ..session },
                    Config { sticky: true, fail_server_at, ..jwt },
                ]
            }
            Scenario::Revocation => {
                let logout = Some(Logout { user: 0, before_request: r / 4 });
                [Config { logout, ..session }, Config { logout, revocation: self.revocation, ..jwt }]
            }
            Scenario::Overhead | Scenario::Microservices => [session, jwt],
            Scenario::CrossDomain => [Config { cross_site_every, ..session }, Config { cross_site_every, ..jwt }],
            Scenario::Mobile => [
                Config { client: Client::Mobile, cross_site_every, ..session },
                Config { client: Client::Mobile, cross_site_every, ..jwt },
            ],
            Scenario::Serverless => [Config { serverless: true, ..session }, Config { serverless: true, ..jwt }],
            Scenario::Hybrid => [session, Config { mode: Mode::Hybrid, ..base }],
        }
    }

    /// Applies one command. `token` and `keys` are the loaded ones, `now` the simulated clock.
    pub fn handle(&mut self, command: FlowCommand, token: Option<&Token>, keys: &[Key], now: f64) {
        self.message = None;
        match command {
            FlowCommand::Scenario(s) => {
                self.scenario = s;
                self.params.services = s.fan_out();
                if s == Scenario::Failover {
                    self.params.servers = self.params.servers.max(2);
                }
                self.rebuild();
            }
            FlowCommand::Servers(n) => {
                let min = if self.scenario == Scenario::Failover { 2 } else { 1 };
                self.params.servers = n.clamp(min, MAX_START_SERVERS);
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
                self.params.store_latency_ms = ms.clamp(0.0, crate::core::labs::flows::lab::MAX_STORE_LATENCY_MS);
            }
            FlowCommand::Variant(v) => {
                self.variant = v;
                self.rebuild();
            }
            FlowCommand::JwtRevocation(r) => {
                self.revocation = r;
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
                if self.progress < self.shown_len() {
                    self.progress = self.shown_len();
                } else {
                    self.next_event();
                    self.progress = self.shown_len();
                }
            }
            FlowCommand::Speed(s) => self.speed = s.clamp(0.5, 1000.0),
            FlowCommand::Advance(dt) => self.advance(dt),
            FlowCommand::RunToEnd => {
                for lane in &mut self.lanes {
                    lane.flow.run();
                    lane.shown = None;
                }
                self.playing = false;
                self.progress = 0.0;
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
            FlowCommand::RunUntilFailure => {
                // A failure, not a refusal that should happen (after a logout).
                let broke =
                    |o: flows::Outcome| matches!(o, flows::Outcome::SessionMissing | flows::Outcome::CookieNotSent);
                let failed = |lane: &Lane| match lane.shown.as_ref().map(|(s, _)| *s) {
                    Some(Step::Request(r)) => broke(r.outcome),
                    Some(Step::CrossSite(c)) => broke(c.outcome),
                    _ => false,
                };
                self.play_until(|lab| lab.lanes.iter().any(failed));
            }
            FlowCommand::RunToRequest(n) => self.play_until(|lab| lab.lanes[0].flow.requests_done() >= n),
            FlowCommand::Focus => self.focus += 1,
        }
    }

    /// Plays events, each shown whole, until `done` holds or both lanes finish; then paused.
    fn play_until(&mut self, done: impl Fn(&Self) -> bool) {
        self.playing = false;
        while !done(self) {
            if !self.next_event() {
                break;
            }
        }
        self.progress = self.shown_len();
    }

    /// Builds the JWT from what is loaded, measures it, and restarts the lanes.
    fn use_loaded(&mut self, token: Option<&Token>, keys: &[Key], now: f64) {
        self.loaded_from = Some(loaded_fingerprint(token, keys));
        #[allow(clippy::cast_possible_truncation)]
        let iat = now.floor() as i64;
        match Credential::choose(token, keys, now, iat) {
            Ok(c) => {
                self.measured = credential::measure(&c, self.params.users, now, MEASURE_BUDGET).ok();
                self.credential = Some(c);
            }
            Err(e) => self.message = Some(format!("cannot build the lanes' JWT: {e}")),
        }
        self.rebuild();
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
        self.sweep = (self.scenario == Scenario::Scalability).then(|| self.sweep()).flatten();
    }

    /// The scalability sweep for 1 to 50 servers, when it is cheap enough.
    fn sweep(&self) -> Option<Vec<SweepPoint>> {
        let p = &self.params;
        if u64::from(p.users) + p.requests > SWEEP_LIMIT {
            return None;
        }
        let base = Config { users: p.users, requests: p.requests, services: p.services, ..Config::default() };
        let run = |c: Config| flows::simulate(&c).unwrap_or_default();
        Some(
            (1..=MAX_START_SERVERS)
                .map(|n| {
                    let at = Config { servers: n, ..base };
                    SweepPoint {
                        servers: n,
                        shared_round_trips: run(at).remote_lookups,
                        replication_messages: run(Config { store: Store::Replicated, ..at }).replication_messages,
                        sticky_sessions_lost: if n < 2 {
                            u64::from(p.users)
                        } else {
                            run(Config {
                                store: Store::Local,
                                sticky: true,
                                fail_server_at: Some(p.requests / 2),
                                ..at
                            })
                            .sessions_lost
                        },
                        jwt_verifications: run(Config { mode: Mode::Jwt, ..at }).signature_verifications,
                    }
                })
                .collect(),
        )
    }

    /// Whether every event has been played.
    #[must_use]
    pub fn finished(&self) -> bool {
        self.lanes.iter().all(|l| l.flow.finished())
    }

    /// How long until the animation shows something else, in real seconds, when playing: the
    /// growing message's next step ([`REVEAL_STEPS`] per message), or the end of the pause
    /// between events; never sooner than [`MAX_ANIMATION_FPS`] allows. `None` when paused.
    #[must_use]
    pub fn next_frame_in(&self) -> Option<Duration> {
        if !self.playing {
            return None;
        }
        let len = self.shown_len();
        let p = self.progress;
        let target = if len <= 0.0 {
            // Nothing shown yet: the next frame plays the first event.
            p
        } else if p < len {
            ((p * REVEAL_STEPS).floor() + 1.0) / REVEAL_STEPS
        } else {
            len + EVENT_GAP
        };
        let seconds = ((target - p) / self.speed).max(1.0 / MAX_ANIMATION_FPS);
        Some(Duration::from_secs_f32(seconds))
    }

    fn shown_len(&self) -> f32 {
        self.lanes.iter().map(|l| l.shown.as_ref().map_or(0, |(_, m)| m.len())).max().unwrap_or(0) as f32
    }

    fn advance(&mut self, dt: f32) {
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
    fn next_event(&mut self) -> bool {
        let steps = [self.lanes[0].flow.step(), self.lanes[1].flow.step()];
        if steps.iter().all(Option::is_none) {
            return false;
        }
        for (i, s) in steps.into_iter().enumerate() {
            self.show(i, s);
        }
        true
    }

    fn show(&mut self, lane: usize, step: Option<Step>) {
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

    /// The `tokenbench simulate flow` arguments giving this lane's totals, or why there are none.
    ///
    /// # Errors
    /// When the lane uses events the CLI has no flag for.
    pub fn cli_args(&self, lane: usize) -> Result<Vec<String>, &'static str> {
        let c = self.lanes.get(lane).ok_or("no such lane")?.cfg;
        if self.clicked {
            return Err("servers were killed or added by hand");
        }
        if c.logout.is_some() || c.cross_site_every > 0 || c.client == Client::Mobile || c.serverless {
            return Err(
                "the scenario adds events the CLI has no flag for (logout, cross-site calls, mobile, serverless)",
            );
        }
        let mut a: Vec<String> = vec!["--mode".into(), c.mode.name().into()];
        if c.mode != Mode::Jwt {
            a.extend(["--store".into(), c.store.name().into()]);
        }
        if c.sticky {
            a.push("--sticky".into());
        }
        a.extend([
            "--servers".into(),
            c.servers.to_string(),
            "--users".into(),
            c.users.to_string(),
            "--requests".into(),
            c.requests.to_string(),
            "--services".into(),
            c.services.to_string(),
        ]);
        if c.mode == Mode::Jwt {
            a.extend(["--revocation".into(), c.revocation.name().into()]);
        }
        if let Some(i) = c.fail_server_at {
            a.extend(["--fail-server-at".into(), i.to_string()]);
        }
        if c.mode == Mode::Jwt && self.credential.as_ref().is_some_and(|cr| cr.source != credential::Source::Typical) {
            a.extend(["--token".into(), "your-token.jwt".into()]);
        }
        Ok(a)
    }

    /// The worst-case delay before a logout takes effect in `lane` (seconds); `None` for an
    /// unchecked JWT without `exp` (until the key is rotated). The lifetime follows the rule of
    /// [`TokenLifetime`]: when the token's cannot be told, `fallback_ttl` (the revocation lab's
    /// token-ttl, as the Compare tab uses) stands in.
    #[must_use]
    pub fn revocation_delay(&self, lane: usize, fallback_ttl: i64) -> Option<f64> {
        let c = self.lanes[lane].cfg;
        let lifetime = match self.credential.as_ref().map(|c| &c.lifetime) {
            Some(TokenLifetime::Bounded { seconds, .. }) => Some(*seconds as f64),
            Some(TokenLifetime::NeverValid { .. }) => Some(0.0),
            Some(TokenLifetime::NeverExpires | TokenLifetime::BeyondModel { .. }) => None,
            Some(TokenLifetime::Unknown { .. }) => Some(fallback_ttl as f64),
            None => Some(TYPICAL_LIFETIME as f64),
        };
        revocation_delay(c.mode, c.revocation, lifetime)
    }
}

#[cfg(test)]
mod tests;
