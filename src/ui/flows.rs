//! The request-flows lab: two lanes side by side (session and JWT, or session and hybrid), each
//! an animated sequence diagram of the model's events with the real header lines, over one
//! topology of servers that can be killed or added with a click; the scenarios of the
//! sessions-vs-JWT comparison, editable parameters, running totals with per-request figures
//! and measured costs, and a bar chart of the totals.
//!
//! [`FlowsLab`] is the lab's state; every change goes through [`FlowsLab::handle`] (reached
//! through `Command::Flow`). The lanes are [`crate::core::flow::Flow`]s stepped one event at a
//! time: the numbers shown are the model's, the same the CLI prints for the same config
//! ([`FlowsLab::cli_args`] gives the command).

mod diagram;
mod view;

pub use view::ui;

use std::hash::{Hash, Hasher};
use std::time::Duration;

use crate::core::flow::credential::{self, Credential, Measured, TYPICAL_LIFETIME, TYPICAL_TOKEN_BYTES};
use crate::core::flow::sequence::{self, LabelContext};
use crate::core::flow::{self, Client, Config, Flow, Logout, Mode, Revocation, Step, Store, revocation_delay};
use crate::core::keys::Key;
use crate::core::revoke::TokenLifetime;
use crate::core::token::Token;
use diagram::Drawn;

/// The most servers the view starts with (more can be added by click, up to [`MAX_VIEW_SERVERS`]).
pub const MAX_START_SERVERS: u32 = crate::core::flow::lab::MAX_SERVERS;
/// The most servers the strip shows.
pub const MAX_VIEW_SERVERS: u32 = 64;
/// The most users the view simulates.
pub const MAX_USERS: u32 = crate::core::flow::lab::MAX_USERS;
/// The most requests the view simulates.
pub const MAX_REQUESTS: u64 = crate::core::flow::lab::MAX_REQUESTS;
/// The most services a request fans out to in the view.
pub const MAX_SERVICES: u32 = crate::core::flow::lab::MAX_SERVICES;
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
            Scenario::Microservices => crate::core::compare::DEFAULT_FAN_OUT,
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
pub use crate::core::compare::FlowSettings as Params;

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
    fn new(cfg: Config) -> Result<Self, flow::FlowError> {
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
        let cross_site_every = crate::core::compare::CROSS_SITE_EVERY;
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
                self.params.store_latency_ms = ms.clamp(0.0, crate::core::flow::lab::MAX_STORE_LATENCY_MS);
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
                    |o: flow::Outcome| matches!(o, flow::Outcome::SessionMissing | flow::Outcome::CookieNotSent);
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

    fn topology(&mut self, change: impl Fn(&mut Flow) -> Result<Step, flow::FlowError>) {
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
        let run = |c: Config| flow::simulate(&c).unwrap_or_default();
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
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::{NodeT, Queryable};

    use super::*;
    use crate::ui::app::{Settings, Tab, TokenbenchApp};
    use crate::ui::platform::FakePlatform;
    use crate::ui::state::Command;

    fn app() -> Harness<'static, TokenbenchApp> {
        let mut h = Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
        h.state_mut().apply(vec![Command::SelectTab(Tab::Flows)]);
        h.run();
        h
    }

    /// The value of the metric row `name` in each lane, left then right: the cell after the
    /// name's in the totals grid.
    fn metric(h: &Harness<'_, TokenbenchApp>, name: &str) -> Vec<u64> {
        h.query_all_by_label(name)
            .filter_map(|n| {
                let cells: Vec<_> = n.parent()?.children().collect();
                let at = cells.iter().position(|c| c.accesskit_node().id() == n.accesskit_node().id())?;
                let value = cells.get(at + 1)?.accesskit_node();
                let text = value.label().or_else(|| value.value())?;
                text.split_whitespace().next()?.parse().ok()
            })
            .collect()
    }

    /// The text of the cell beside each metric row named `name`, left lane then right.
    fn cells(h: &Harness<'_, TokenbenchApp>, name: &str) -> Vec<String> {
        h.query_all_by_label(name)
            .filter_map(|n| {
                let cells: Vec<_> = n.parent()?.children().collect();
                let i = cells.iter().position(|c| c.accesskit_node().id() == n.accesskit_node().id())?;
                let value = cells.get(i + 1)?.accesskit_node();
                value.label().or_else(|| value.value())
            })
            .collect()
    }

    #[test]
    fn the_cpu_per_request_is_the_compare_tabs() {
        use crate::core::advise::Factor;
        use crate::ui::compare::CompareCommand;
        let mut h = app();
        for (scenario, factor) in
            [(Scenario::Overhead, Factor::RequestOverhead), (Scenario::Microservices, Factor::Microservices)]
        {
            h.state_mut().apply(vec![
                Command::Flow(FlowCommand::Scenario(scenario)),
                Command::Flow(FlowCommand::RunToEnd),
                Command::Compare(CompareCommand::Refresh),
            ]);
            h.run();
            let shown = cells(&h, "CPU for requests");
            assert_eq!(shown.len(), 2, "{shown:?}");
            let per_request = |t: &str| t.split(" · ").nth(1).unwrap().trim_end_matches("/req").to_owned();
            let c = h.state().state.compare.comparison.clone().unwrap().unwrap();
            let jwt_ns = c.row(factor).jwt.figures["per_request_ns"].as_f64().unwrap();
            assert_eq!(per_request(&shown[1]), crate::core::compare::time(jwt_ns), "{scenario:?}");
            // Logins are counted apart: 12 signatures, not spread over the requests.
            let logins = cells(&h, "CPU for logins");
            let m = h.state().state.flows.measured.unwrap();
            let signing = m.sign.unwrap() * h.state().state.flows.params.users;
            assert!(logins[1].starts_with(&crate::core::compare::time(signing.as_secs_f64() * 1e9)), "{logins:?}");
        }
    }

    #[test]
    fn the_sweep_plot_fits_the_new_range_when_the_parameters_change() {
        let mut h = app();
        let top = |h: &mut Harness<'_, TokenbenchApp>| {
            h.get_by_label_contains("What each design pays as servers are added").scroll_to_me();
            h.run();
            let m = egui_plot::PlotMemory::load(&h.ctx, view::sweep_plot_id()).expect("the sweep was drawn");
            let most = h.state().state.flows.sweep.as_ref().unwrap().iter().map(|p| p.replication_messages).max();
            (m.bounds().max()[1], most.unwrap() as f64)
        };
        let (before, most) = top(&mut h);
        assert!(before >= most && before < most * 1.5, "fitted: {before} for {most}");
        h.state_mut().apply(vec![Command::Flow(FlowCommand::Users(100)), Command::Flow(FlowCommand::Requests(2000))]);
        let (grown, most) = top(&mut h);
        assert!(grown >= most && grown < most * 1.5, "fitted to the larger run: {grown} for {most}");
        h.state_mut().apply(vec![Command::Flow(FlowCommand::Users(12)), Command::Flow(FlowCommand::Requests(240))]);
        let (back, _) = top(&mut h);
        assert!((back - before).abs() < 1e-6, "back on the small range: {back} vs {before}");
    }

    #[test]
    fn choose_a_scenario_step_kill_a_server_read_the_metrics() {
        let mut h = app();
        h.get_by_label("Failover").click();
        h.run();
        assert_eq!(h.state().state.flows.scenario, Scenario::Failover);
        assert!(h.query_by_label_contains("Server 0 dies halfway").is_some(), "the caption is shown");
        let users = h.state().state.flows.params.users;
        for _ in 0..users + 3 {
            h.get_by_label("Step").click();
            h.run();
        }
        assert_eq!(
            h.query_all_by_label_contains("Request #2 by user 2").count(),
            2,
            "the third request, in both lanes"
        );
        assert_eq!(metric(&h, "requests"), [3, 3]);
        assert_eq!(metric(&h, "store lookups"), [3, 0]);
        assert_eq!(metric(&h, "signature verifications"), [0, 3]);
        // Kill server 1 by clicking it: its in-memory sessions are lost in the session lane only.
        h.get_by_label("Kill server 1").click();
        h.run();
        let on_1 = (0..users).filter(|u| u % 4 == 1).count() as u64;
        assert_eq!(metric(&h, "sessions lost"), [on_1, 0]);
        assert!(h.query_by_label("Server 1 is down").is_some());
        assert_eq!(h.query_all_by_label_contains("Server 1 died").count(), 2, "shown in both lanes");
        let lab = &h.state().state.flows;
        assert!(lab.progress >= 1.0, "paused: the event is drawn whole, not waiting for an animation");
        // Play the rest: the session lane fails requests, the JWT lane none.
        h.get_by_label("Run to end").click();
        h.run();
        let failed = metric(&h, "failed requests");
        assert!(failed[0] > 0 && failed[1] == 0, "{failed:?}");
        let t = *h.state().state.flows.lanes[0].flow.totals();
        assert_eq!(failed[0], t.failed_requests);
        assert_eq!(metric(&h, "requests")[0], h.state().state.flows.params.requests);
    }

    fn small() -> Harness<'static, TokenbenchApp> {
        let mut h = Harness::builder()
            .with_size(egui::vec2(800.0, 480.0))
            .build_eframe(|_cc| TokenbenchApp::with_platform(Box::new(FakePlatform::default()), Settings::default()));
        h.state_mut().apply(vec![Command::SelectTab(Tab::Flows)]);
        h.run();
        h
    }

    #[test]
    fn at_800x480_the_controls_stay_put_the_totals_align_and_the_diagrams_show() {
        let mut h = small();
        let mut at = Vec::new();
        for s in Scenario::ALL {
            h.state_mut().apply(vec![Command::Flow(FlowCommand::Scenario(s))]);
            h.run();
            at.push((h.get_by_label("Step").rect().min.y, h.get_by_label("Add a server").rect().min.y));
        }
        assert!(at.windows(2).all(|w| w[0] == w[1]), "Play/Step and the strip at one place: {at:?}");
        // The lanes start high enough for a whole diagram above the status line.
        h.state_mut().apply(vec![Command::Flow(FlowCommand::Scenario(Scenario::Scalability))]);
        h.run();
        let lane = h.query_all_by_label_contains("Session · shared store").next().unwrap().rect();
        let status = h.get_by_label("Back to now").rect().min.y;
        let rows = sequence::max_messages(&h.state().state.flows.lanes[0].cfg) as f32;
        let diagram = 2.0 * 18.0 + 34.0 + diagram::ROW_HEIGHT * rows + 8.0;
        assert!(
            lane.min.y + diagram <= status,
            "the diagram fits: lane at {}, {diagram} tall, status at {status}",
            lane.min.y
        );
        // Each total on one line, its value in the column beside its name.
        h.state_mut().apply(vec![Command::Flow(FlowCommand::RunToEnd)]);
        h.run();
        for name in h.query_all_by_label("CPU for requests") {
            let cells: Vec<_> = name.parent().unwrap().children().collect();
            let i = cells.iter().position(|c| c.accesskit_node().id() == name.accesskit_node().id()).unwrap();
            let value = cells[i + 1].rect();
            assert!((value.center().y - name.rect().center().y).abs() < 1.0, "same row");
            assert!(value.height() <= name.rect().height() + 1.0, "one line: {value:?}");
        }
    }

    #[test]
    fn an_added_server_holds_sessions_and_a_missing_signing_key_is_not_called_free() {
        let mut h = app();
        h.get_by_label("Failover").click();
        h.run();
        assert!(h.query_by_label_contains("logs no one in again").is_some(), "the caption says what the model does");
        h.get_by_label("Add a server").click();
        h.run();
        assert!(h.query_by_label("5 up of 5 (4 at start, 1 added)").is_some());
        assert!(field(&h, "Servers at start").value().is_some());
        h.get_by_label("Run to end").click();
        h.run();
        assert!(h.state().state.flows.lanes[0].flow.sessions_on(4) > 0, "logins went to the new server too");
        // Only public keys loaded: the JWT cannot be re-signed here, so logins are not measured.
        h.state_mut().apply(vec![Command::LoadSampleKeys, Command::LoadSample(0), Command::RemoveKey(3)]);
        h.run();
        assert!(h.state().state.flows.measured.is_some_and(|m| m.sign.is_none()));
        h.state_mut().apply(vec![Command::Flow(FlowCommand::Step)]);
        h.run();
        let cells: Vec<String> = h
            .query_all_by_label("CPU for logins")
            .filter_map(|n| {
                let cells: Vec<_> = n.parent()?.children().collect();
                let i = cells.iter().position(|c| c.accesskit_node().id() == n.accesskit_node().id())?;
                let value = cells[i + 1].accesskit_node();
                value.label().or_else(|| value.value())
            })
            .collect();
        assert!(cells.iter().any(|c| c == "not measured (no private key)"), "{cells:?}");
    }

    #[test]
    fn the_lanes_agree_with_the_model_run_at_once() {
        let mut h = app();
        for s in Scenario::ALL {
            h.state_mut().apply(vec![Command::Flow(FlowCommand::Scenario(s))]);
            for _ in 0..40 {
                h.state_mut().apply(vec![Command::Flow(FlowCommand::Step)]);
            }
            h.state_mut().apply(vec![Command::Flow(FlowCommand::RunToEnd)]);
            h.run();
            let lab = &h.state().state.flows;
            for (i, lane) in lab.lanes.iter().enumerate() {
                let whole = flow::simulate(&lane.cfg).unwrap();
                assert_eq!(*lane.flow.totals(), whole, "{s:?} lane {i}");
            }
            assert_eq!(
                metric(&h, "store lookups"),
                lab.lanes.iter().map(|l| l.flow.totals().store_lookups).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn no_repaint_while_paused_and_while_playing_only_when_the_view_changes() {
        let mut h = app();
        h.state_mut().apply(vec![Command::Clock(crate::ui::state::ClockCommand::Pause)]);
        assert!(h.try_run().is_ok(), "an idle lab asks for no frames");
        assert_eq!(h.state().next_repaint(), None);
        let play = h.get_by_label("Play lanes").rect();
        let step = h.get_by_label("Step").rect();
        h.get_by_label("Play lanes").click();
        h.step();
        h.step();
        assert!(h.state().state.flows.playing);
        // Play and Pause are one width: nothing beside them moves.
        assert_eq!(h.get_by_label("Pause lanes").rect(), play);
        assert_eq!(h.get_by_label("Step").rect(), step);
        // The app sleeps until the growing message's next step, never sooner than 30 fps.
        let wait = h.state().next_repaint().expect("playing asks for a frame");
        assert_eq!(Some(wait), h.state().state.flows.next_frame_in());
        assert!(wait.as_secs_f32() >= 1.0 / MAX_ANIMATION_FPS - 1e-6, "{wait:?}");
        assert!(h.try_run().is_ok(), "no frame is asked for at once: the next comes after {wait:?}");
        h.get_by_label("Pause lanes").click();
        h.step();
        h.step();
        assert_eq!(h.state().next_repaint(), None, "paused: no more frames");
        assert!(h.state().state.flows.lanes[0].flow.logins_done() >= 1, "the animation advanced while playing");
    }

    #[test]
    fn playing_asks_for_a_frame_per_visible_change_not_per_screen_refresh() {
        let run = |frames_at: &dyn Fn(&FlowsLab) -> Duration| {
            let mut lab = FlowsLab::default();
            lab.handle(FlowCommand::Play, None, &[], 0.0);
            let (mut t, mut frames) = (0.0, 0);
            while t < 5.0 {
                let dt = frames_at(&lab).as_secs_f32();
                lab.handle(FlowCommand::Advance(dt), None, &[], 0.0);
                t += dt;
                frames += 1;
            }
            (frames, lab.lanes[0].flow.logins_done(), lab.progress)
        };
        let (scheduled, logins, _) = run(&|lab| lab.next_frame_in().unwrap());
        let (every_frame, logins_60, _) = run(&|_| Duration::from_secs_f32(1.0 / 60.0));
        // At x1 a message grows in 8 steps of 0.05 s and the lanes rest 0.6 s between events.
        assert!(scheduled <= 5 * 20, "{scheduled} frames in 5 s");
        assert!(every_frame >= 299, "{every_frame}");
        assert_eq!(logins, logins_60, "the same events are played in the same time");
        // In the rest between events, one frame at its end.
        let mut lab = FlowsLab::default();
        lab.handle(FlowCommand::Play, None, &[], 0.0);
        lab.handle(FlowCommand::Advance(0.01), None, &[], 0.0);
        lab.progress = lab.shown_len() + 0.25;
        let rest = lab.next_frame_in().unwrap().as_secs_f32();
        assert!((rest - (EVENT_GAP - 0.25) / lab.speed).abs() < 1e-4, "{rest}");
        // Fast: capped at 30 frames a second.
        lab.handle(FlowCommand::Speed(250.0), None, &[], 0.0);
        lab.progress = 0.0;
        assert_eq!(lab.next_frame_in(), Some(Duration::from_secs_f32(1.0 / MAX_ANIMATION_FPS)));
    }

    /// The number field labelled `name` (its label is a separate node with the same text).
    fn field<'a>(h: &'a Harness<'_, TokenbenchApp>, name: &'a str) -> egui_kittest::Node<'a> {
        h.query_all_by_label(name).find(|n| n.accesskit_node().role() == egui::accesskit::Role::SpinButton).unwrap()
    }

    #[test]
    fn parameters_are_editable_and_restart_the_lanes() {
        let mut h = app();
        // Through the widgets themselves.
        field(&h, "Users").set_value_accesskit(30.0);
        h.run();
        field(&h, "Requests").set_value_accesskit(90.0);
        h.run();
        field(&h, "Fan-out").increment_accesskit();
        h.run();
        let p = h.state().state.flows.params;
        assert_eq!((p.users, p.requests, p.services), (30, 90, 1));
        assert_eq!(h.state().state.flows.lanes[0].cfg.users, 30, "the lanes restarted with the new values");
        h.state_mut().apply(vec![Command::Flow(FlowCommand::Servers(50)), Command::Flow(FlowCommand::Users(1000))]);
        h.run();
        assert!(h.query_by_label("Kill server 49").is_some(), "50 servers in the strip");
        h.get_by_label("Add a server").click();
        h.run();
        assert!(h.query_by_label("Kill server 50").is_some());
        h.state_mut().apply(vec![Command::Flow(FlowCommand::Scenario(Scenario::Microservices))]);
        h.run();
        assert_eq!(h.state().state.flows.lanes[0].cfg.services, 4, "microservices fan out");
        h.state_mut().apply(vec![Command::Flow(FlowCommand::RunToEnd)]);
        h.run();
        let r = h.state().state.flows.params.requests;
        assert_eq!(metric(&h, "store lookups"), [5 * r, 0]);
        assert_eq!(metric(&h, "signature verifications"), [0, 5 * r]);
    }

    #[test]
    fn the_loaded_token_and_key_become_the_lanes_jwt() {
        let mut h = app();
        let typical = h.state().state.flows.credential.clone().unwrap();
        assert_eq!(typical.source, credential::Source::Typical);
        assert_eq!(metric(&h, "bytes per request"), [34, 22 + TYPICAL_TOKEN_BYTES as u64]);
        h.state_mut().apply(vec![Command::LoadSampleKeys, Command::LoadSample(2)]);
        h.run();
        let c = h.state().state.flows.credential.clone().unwrap();
        assert!(matches!(c.source, credential::Source::YourToken { .. }), "{:?}", c.source);
        let sample = crate::ui::state::SAMPLES[2].1.trim();
        assert_eq!(c.token, sample);
        assert_eq!(metric(&h, "bytes per request"), [34, 22 + sample.len() as u64]);
        assert!(h.query_by_label_contains("your token, verified with").is_some());
        assert!(h.state().state.flows.measured.is_some_and(|m| m.valid));
    }

    #[test]
    fn revocation_scenario_shows_a_logged_out_token_still_accepted() {
        let mut h = app();
        h.state_mut().apply(vec![
            Command::Flow(FlowCommand::Scenario(Scenario::Revocation)),
            Command::Flow(FlowCommand::RunToEnd),
        ]);
        h.run();
        let refused = metric(&h, "after logout refused");
        let accepted = metric(&h, "after logout accepted");
        assert!(refused[0] > 0 && accepted[0] == 0, "session: refused {refused:?}");
        assert!(accepted[1] > 0 && refused[1] == 0, "JWT without a check: accepted {accepted:?}");
        assert!(h.query_by_label_contains("after up to 15 min").is_some(), "until exp of the 900 s token");
        h.state_mut().apply(vec![
            Command::Flow(FlowCommand::JwtRevocation(Revocation::Denylist)),
            Command::Flow(FlowCommand::RunToEnd),
        ]);
        h.run();
        assert_eq!(metric(&h, "after logout accepted"), [0, 0]);
    }

    #[test]
    fn a_token_without_exp_is_revoked_only_by_rotating_the_key() {
        use crate::core::keys::{self, SecretEncoding};
        let mut h = app();
        let secret = "a-long-enough-secret-for-hs256-0123456789";
        let key = keys::load_secret(secret.as_bytes(), SecretEncoding::Utf8, "s").unwrap();
        let mut claims = credential::typical_claims(1_700_000_000);
        claims.remove("exp");
        let token = crate::core::sign::sign(&crate::core::token::JsonObject::new(), &claims, "HS256", &key).unwrap();
        h.state_mut().apply(vec![
            Command::AddSecret { text: secret.into(), encoding: SecretEncoding::Utf8 },
            Command::SetToken(token),
            Command::Flow(FlowCommand::Scenario(Scenario::Revocation)),
        ]);
        h.run();
        assert!(h.state().state.flows.credential.as_ref().unwrap().lifetime.never_expires());
        assert_eq!(cells(&h, "revocation takes effect"), ["at the next request", "at key rotation (no exp)"]);
        h.state_mut().apply(vec![Command::Flow(FlowCommand::JwtRevocation(Revocation::Denylist))]);
        h.run();
        assert_eq!(cells(&h, "revocation takes effect"), ["at the next request", "at the next request"]);
    }

    #[test]
    fn a_one_megabyte_token_is_carried_but_labelled_by_its_ends() {
        use crate::core::keys::{self, SecretEncoding};
        let key = keys::load_secret(&[7u8; 32], SecretEncoding::Raw, "k").unwrap();
        let mut claims = credential::typical_claims(1_700_000_000);
        claims.insert("blob".into(), "x".repeat(750 * 1024).into());
        let big = crate::core::sign::sign(&crate::core::token::JsonObject::new(), &claims, "HS256", &key).unwrap();
        let parsed = crate::core::token::parse(&big).unwrap();
        let mut lab = FlowsLab::default();
        let started = std::time::Instant::now();
        lab.handle(FlowCommand::UseLoaded, Some(&parsed), std::slice::from_ref(&key), 1_700_000_100.0);
        lab.handle(FlowCommand::Scenario(Scenario::Microservices), Some(&parsed), std::slice::from_ref(&key), 0.0);
        assert!(started.elapsed() < Duration::from_secs(5), "measuring a huge token stays short");
        assert_eq!(lab.lanes[1].cfg.bytes_per_request(), 22 + big.len(), "the model counts every byte");
        for _ in 0..14 {
            lab.handle(FlowCommand::Step, None, &[], 0.0);
        }
        let (step, drawn) = lab.lanes[1].shown.as_ref().unwrap();
        assert!(matches!(step, Step::Request(_)), "{step:?}");
        assert!(drawn.iter().all(|d| d.text.len() < 20_000), "labels show the token's ends only");
        assert!(drawn.iter().any(|d| d.text.contains("bytes not shown")));
    }
    #[test]
    fn a_header_line_cut_to_fit_shows_whole_on_hover() {
        let mut h = app();
        h.state_mut().apply(vec![Command::Flow(FlowCommand::Scenario(Scenario::Overhead))]);
        // Past the logins, to a request: the JWT lane sends its Authorization line.
        let users = h.state().state.flows.params.users;
        for _ in 0..=users {
            h.state_mut().apply(vec![Command::Flow(FlowCommand::Step)]);
        }
        h.run();
        let lab = &h.state().state.flows;
        let token = lab.credential.as_ref().unwrap().token.clone();
        let (_, drawn) = lab.lanes[1].shown.clone().unwrap();
        let full = drawn.iter().find(|d| d.text.contains(&token)).expect("a message carries the token").text.clone();
        assert!(full.contains(&format!("Authorization: Bearer {token}")), "{full}");
        let label = h.get_by_label(&full);
        let cut = label.rect();
        // The diagram shows it on one row, cut: far narrower than the whole line.
        let whole_width = h.ctx.fonts_mut(|f| {
            f.layout_no_wrap(full.clone(), egui::FontId::monospace(11.0), egui::Color32::WHITE).size().x
        });
        assert!(cut.height() <= diagram::ROW_HEIGHT + 1.0 && cut.width() < whole_width / 2.0, "{cut:?}");
        assert_eq!(h.query_all_by_label(&full).count(), 1, "no tooltip yet");
        label.hover();
        h.run();
        let shown: Vec<_> = h.query_all_by_label(&full).map(|n| n.rect()).collect();
        assert_eq!(shown.len(), 2, "hovering shows the whole line");
        let tip = shown.iter().find(|r| **r != cut).unwrap();
        assert!(tip.height() > 2.0 * cut.height(), "the whole token, wrapped over several lines: {tip:?}");
    }

    #[test]
    fn the_speed_buttons_set_the_speed_and_how_far_a_frame_plays() {
        let mut h = app();
        let dt = 0.9;
        let mut played = Vec::new();
        for (speed, label) in SPEEDS {
            h.state_mut().apply(vec![Command::Flow(FlowCommand::Restart)]);
            h.run();
            // The lab's button, beside Step (the clock has speed buttons of its own).
            let button = |h: &'_ Harness<'_, TokenbenchApp>| {
                let beside_step = |n: &egui_kittest::Node<'_>| {
                    n.parent()
                        .is_some_and(|p| p.children().any(|c| c.accesskit_node().label().as_deref() == Some("Step")))
                };
                let found: Vec<_> = h.query_all_by_label(label).filter(beside_step).collect();
                assert_eq!(found.len(), 1, "{label}");
                found[0].accesskit_node().id()
            };
            let id = button(&h);
            h.query_all_by_label(label).find(|n| n.accesskit_node().id() == id).unwrap().click();
            h.run();
            let lab = &h.state().state.flows;
            assert!((lab.speed - speed).abs() < f32::EPSILON, "{label}: {}", lab.speed);
            let id = button(&h);
            let chosen = h.query_all_by_label(label).find(|n| n.accesskit_node().id() == id).unwrap();
            assert_eq!(
                chosen.accesskit_node().toggled(),
                Some(egui::accesskit::Toggled::True),
                "{label} shows as chosen"
            );
            h.state_mut().apply(vec![Command::Flow(FlowCommand::Play), Command::Flow(FlowCommand::Advance(dt))]);
            let lab = &h.state().state.flows;
            let events = u64::from(lab.lanes[0].flow.logins_done()) + lab.lanes[0].flow.requests_done();
            // The model's events one by one: each takes its messages (the longer lane's), then
            // the pause between events; the frame's speed x dt message times go to the first
            // pause, then whole events, and what is left is the progress into the last.
            let mut flows = lab.lanes.clone().map(|l| Flow::new(l.cfg).unwrap());
            let mut budget = dt * speed - EVENT_GAP;
            let mut expected = 0;
            loop {
                let steps: Vec<_> = flows.iter_mut().map(|f| (*f.config(), f.step())).collect();
                expected += 1;
                let len = steps
                    .iter()
                    .map(|(cfg, s)| s.as_ref().map_or(0, |s| sequence::messages(cfg, s).len()))
                    .max()
                    .unwrap() as f32;
                if budget < len + EVENT_GAP {
                    assert!((lab.progress - budget.max(0.0)).abs() < 1e-3, "{label}: {} vs {budget}", lab.progress);
                    break;
                }
                budget -= len + EVENT_GAP;
            }
            assert_eq!(events, expected, "{label}: events played in {dt} s");
            played.push(events);
        }
        assert!(played.windows(2).all(|w| w[0] < w[1]), "each speed plays more: {played:?}");
    }

    #[test]
    fn the_store_latency_reaches_the_network_wait_estimate() {
        let mut h = app();
        h.state_mut().apply(vec![Command::Flow(FlowCommand::RunToEnd)]);
        h.run();
        let shown = |h: &Harness<'_, TokenbenchApp>| cells(h, "network wait");
        let expected = |h: &Harness<'_, TokenbenchApp>| {
            let lab = &h.state().state.flows;
            let ms = lab.params.store_latency_ms;
            lab.lanes
                .iter()
                .map(|l| {
                    let t = flow::simulate(&l.cfg).unwrap();
                    // Each network round trip to the store costs the latency.
                    let ns = t.remote_lookups as f64 * ms * 1e6;
                    let per = ns / t.requests as f64;
                    format!("{} · {}/req", crate::core::compare::time(ns), crate::core::compare::time(per))
                })
                .collect::<Vec<_>>()
        };
        let before = shown(&h);
        assert_eq!(before, expected(&h));
        assert!(h.state().state.flows.lanes[0].flow.totals().remote_lookups > 0, "the session lane uses the network");
        field(&h, "Store latency (ms)").set_value_accesskit(2.0);
        h.run();
        assert!((h.state().state.flows.params.store_latency_ms - 2.0).abs() < f64::EPSILON);
        assert!(h.state().state.flows.finished(), "only the estimate changes: the lanes are not restarted");
        let after = shown(&h);
        assert_eq!(after, expected(&h));
        assert_ne!(after[0], before[0], "the session lane's wait grows with the latency");
        assert_eq!(after[1], before[1], "the JWT lane never waits on the store");
    }

    /// What was painted inside the plot `id`'s frame, in plot coordinates: rectangles (as
    /// min and max corners), polylines and line segments with their widths.
    #[allow(clippy::type_complexity)]
    fn painted(
        h: &Harness<'_, TokenbenchApp>,
        id: egui::Id,
    ) -> (Vec<[[f64; 2]; 2]>, Vec<Vec<[f64; 2]>>, Vec<([[f64; 2]; 2], f32)>) {
        let t = egui_plot::PlotMemory::load(&h.ctx, id).expect("the plot was drawn").transform();
        let frame = t.frame().expand(1.0);
        let at = |p: egui::Pos2| {
            let v = t.value_from_position(p);
            [v.x, v.y]
        };
        let (mut rects, mut paths, mut segments) = (Vec::new(), Vec::new(), Vec::new());
        let mut stack: Vec<egui::Shape> = h.output().shapes.iter().map(|c| c.shape.clone()).collect();
        while let Some(shape) = stack.pop() {
            match shape {
                egui::Shape::Vec(v) => stack.extend(v),
                egui::Shape::Rect(r) if frame.contains_rect(r.rect) => {
                    rects.push([at(r.rect.left_bottom()), at(r.rect.right_top())]);
                }
                egui::Shape::Path(p) if p.points.iter().all(|q| frame.contains(*q)) => {
                    paths.push(p.points.iter().map(|q| at(*q)).collect());
                }
                egui::Shape::LineSegment { points, stroke } if points.iter().all(|q| frame.contains(*q)) => {
                    segments.push(([at(points[0]), at(points[1])], stroke.width));
                }
                _ => {}
            }
        }
        (rects, paths, segments)
    }

    #[test]
    fn the_totals_chart_draws_each_lanes_model_totals() {
        let mut h = app();
        h.state_mut().apply(vec![
            Command::Flow(FlowCommand::Scenario(Scenario::Failover)),
            Command::Flow(FlowCommand::RunToEnd),
        ]);
        h.run();
        h.get_by_label("Totals so far").scroll_to_me();
        h.run();
        let (rects, _, _) = painted(&h, view::totals_plot_id());
        let lab = &h.state().state.flows;
        let mut checked = 0;
        for (i, lane) in lab.lanes.iter().enumerate() {
            let t = flow::simulate(&lane.cfg).unwrap();
            let model = [
                t.store_lookups as f64,
                t.signature_verifications as f64,
                t.replication_messages as f64,
                (t.failed_requests + t.cross_site_failed) as f64,
                t.sessions_lost as f64,
                t.client_bytes as f64 / 1024.0,
            ];
            let top = model.iter().copied().fold(1.0, f64::max);
            for (k, value) in model.into_iter().enumerate() {
                let x = k as f64 + if i == 0 { -0.2 } else { 0.2 };
                // The bar at that place: 0.38 wide, from 0 up to its value.
                let bars: Vec<_> = rects
                    .iter()
                    .filter(|[lo, hi]| {
                        (f64::midpoint(lo[0], hi[0]) - x).abs() < 0.01 && (hi[0] - lo[0] - 0.38).abs() < 0.01
                    })
                    .collect();
                assert_eq!(bars.len(), 1, "lane {i}, category {k}: {bars:?}");
                let [lo, hi] = bars[0];
                assert!(lo[1].abs() < top * 1e-3, "from zero: {lo:?}");
                assert!((hi[1] - value).abs() < top * 1e-3, "lane {i}, category {k}: drawn {} for {value}", hi[1]);
                checked += 1;
            }
        }
        assert_eq!(checked, 12);
        let failed = lab.lanes[0].flow.totals().failed_requests;
        assert!(failed > 0, "the failover run has something to show");
    }

    #[test]
    fn the_sweep_plot_draws_the_models_runs_for_1_to_50_servers() {
        let mut h = app();
        h.get_by_label_contains("What each design pays as servers are added").scroll_to_me();
        h.run();
        let (_, paths, segments) = painted(&h, view::sweep_plot_id());
        let params = h.state().state.flows.params;
        let base =
            Config { users: params.users, requests: params.requests, services: params.services, ..Config::default() };
        let run = |cfg: Config| flow::simulate(&cfg).unwrap();
        let series = |value_of: &dyn Fn(Config) -> u64| -> Vec<[f64; 2]> {
            (1..=MAX_START_SERVERS).map(|n| [f64::from(n), value_of(Config { servers: n, ..base }) as f64]).collect()
        };
        let shared = series(&|cfg| run(cfg).remote_lookups);
        let replicated = series(&|cfg| run(Config { store: Store::Replicated, ..cfg }).replication_messages);
        let lost = series(&|cfg| {
            if cfg.servers < 2 {
                u64::from(cfg.users)
            } else {
                run(Config { store: Store::Local, sticky: true, fail_server_at: Some(cfg.requests / 2), ..cfg })
                    .sessions_lost
            }
        });
        let jwt = series(&|cfg| run(Config { mode: Mode::Jwt, ..cfg }).signature_verifications);
        let top = replicated.iter().map(|point| point[1]).fold(1.0, f64::max);
        let close = |a: &[f64; 2], b: &[f64; 2]| (a[0] - b[0]).abs() < 1e-3 && (a[1] - b[1]).abs() < top * 1e-3;
        for (name, model) in [("shared store", &shared), ("replicated", &replicated), ("sticky", &lost)] {
            assert!(
                paths
                    .iter()
                    .any(|drawn| drawn.len() == model.len() && drawn.iter().zip(model).all(|(a, b)| close(a, b))),
                "{name}: a line through the model's 50 points {model:?}"
            );
        }
        assert!(replicated.iter().any(|point| point[1] > 0.0) && lost[1][1] > 0.0, "the series are not all zero");
        // The JWT line is dashed: each dash lies on the model's line.
        let on_jwt = |end: &[f64; 2]| {
            // The model's segment under the dash's end.
            let i = jwt.windows(2).position(|w| end[0] <= w[1][0]).unwrap_or(jwt.len() - 2);
            let (from, to) = (jwt[i], jwt[i + 1]);
            let y = from[1] + (to[1] - from[1]) * (end[0] - from[0]);
            (y - end[1]).abs() < top * 1e-3
        };
        let dashes: Vec<_> = segments.iter().filter(|(_, w)| (*w - 2.0).abs() < f32::EPSILON).collect();
        assert!(dashes.len() > 10, "{} dashes", dashes.len());
        assert!(dashes.iter().all(|(ends, _)| ends.iter().all(on_jwt)), "every dash on the JWT model line");
        let reach = dashes.iter().flat_map(|(ends, _)| ends.iter().map(|end| end[0])).fold(0.0, f64::max);
        assert!(reach > 45.0, "the dashes run to 50 servers: {reach}");
    }
}
