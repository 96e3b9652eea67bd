//! The Live tab's state machine: its settings, one run of real servers on loopback, a client
//! logged in as a demo user, the request log as the balancer saw it, a load, a probe, the
//! store's measured round trip, and beside each measurement what the Flows model predicts for
//! the same settings. The window sends [`LiveCommand`]s to [`LiveLab::handle`]; slow work
//! (starting servers, HTTP requests, loads, probes) comes back as [`LiveEffect::Spawn`] jobs
//! whose results are commands, so a result changes state the way a click does.

pub mod exchange;
pub mod predict;
mod settings;

pub use settings::{LoadSettings, Settings, StoreChoice};

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::TryRecvError;

use self::exchange::{Action, Credentials, Exchange};
use self::predict::{Design, Prediction, Situation};
use super::config::DEMO_USERS;
use super::load::{self, LoadConfig, LoadError, LoadReport};
use super::probe::{self, Placement, ProbeConfig, ProbeError, ProbeReport};
use super::server::{self, RunningServer, STORE_SAMPLES};
use super::{LogEntry, Mode};
use crate::core::engine::keys;
use crate::core::engine::token;
use crate::core::engine::verify::{self, Policy};
use crate::core::jobs::{Delivered, Job};

/// The most app servers the tab starts (the CLI takes up to 16).
pub const MAX_TAB_SERVERS: usize = 8;
/// Log entries the tab keeps (the newest).
pub const LOG_KEPT: usize = 200;
/// Exchanges the tab keeps (the newest).
pub const EXCHANGES_KEPT: usize = 50;
/// The Redis the tab offers by default.
pub const DEFAULT_REDIS: &str = "redis://127.0.0.1:6379";

/// Everything the tab can be asked.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveCommand {
    /// Replace the settings of the next run.
    Settings(Settings),
    /// Start a run with the settings (stops the one running).
    Start,
    /// A start finished.
    Started {
        /// The run it answers.
        run: u64,
        /// The servers, or why they could not start.
        result: Delivered<Result<RunningServer, String>>,
    },
    /// Stop the run and free its ports.
    Stop,
    /// Log in, request, refresh or log out as [`LiveLab::user`].
    Send(Action),
    /// `GET /me` with the copy of the credentials made before the logout, as a log or an
    /// attacker kept them.
    Replay,
    /// Choose the demo user the tab acts as (forgets the credentials held).
    User(String),
    /// A request finished.
    Answered {
        /// The run it answers.
        run: u64,
        /// The exchange.
        exchange: Exchange,
    },
    /// Stop app server `i` (failover).
    StopServer(usize),
    /// Start app server `i` again.
    StartServer(usize),
    /// A server was switched.
    Switched {
        /// The run it answers.
        run: u64,
        /// Why it could not be, if so.
        result: Result<(), String>,
    },
    /// Replace the load's size.
    LoadSize(LoadSettings),
    /// Run a load against the balancer.
    RunLoad,
    /// Stop the load after the requests in flight.
    CancelLoad,
    /// A load finished.
    Loaded {
        /// The run it answers.
        run: u64,
        /// The report, or why there is none.
        result: Delivered<Result<LoadReport, LoadError>>,
    },
    /// Probe `GET /me` with the held access token and every forgery.
    Probe,
    /// A probe finished.
    Probed {
        /// The run it answers.
        run: u64,
        /// The report, or why there is none.
        result: Delivered<Result<ProbeReport, ProbeError>>,
    },
    /// Measure the store's round trip and the verification of the held token.
    Measure,
    /// A measurement finished.
    Measured {
        /// The run it answers.
        run: u64,
        /// The figures, or why there are none.
        result: Result<Figures, String>,
    },
    /// Use the measured round trip in the Flows lab and Compare (answered with
    /// [`LiveEffect::UseRoundTrip`]).
    UseRoundTrip,
    /// Take the requests the balancer logged since the last poll.
    Poll,
    /// A background job died.
    JobDied(String),
}

/// What the lab asks of whoever drives it.
#[derive(Debug)]
pub enum LiveEffect {
    /// Run this job in the background; it ends with a [`LiveCommand`].
    Spawn(Job<LiveCommand>),
    /// Set the Flows lab's store round trip to this many milliseconds (Compare follows it).
    UseRoundTrip(f64),
}

/// Measured here, on this run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    /// The store's round trip: the median of [`STORE_SAMPLES`] lookups.
    pub round_trip: Duration,
    /// One verification of the held access token with the run's public key, when one is held.
    pub verify: Option<Duration>,
}

/// A comparison row: the model's prediction and what the servers answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The situation.
    pub situation: Situation,
    /// What the Flows model says for these settings.
    pub predicted: Prediction,
    /// What happened here: the first `GET /me` in the situation (for [`Situation::Served`],
    /// every one since the login), `None` until one was sent.
    pub measured: Option<Observed>,
}

/// What the servers did in a situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    /// Requests answered 2xx.
    pub served: u32,
    /// Requests sent.
    pub sent: u32,
    /// The last status (`None`: no answer).
    pub last_status: Option<u16>,
}

impl Observed {
    /// True when the servers did what the model said: all served when it predicted served,
    /// none when it predicted refused.
    #[must_use]
    pub fn agrees(&self, predicted: &Prediction) -> bool {
        if predicted.served { self.served == self.sent } else { self.served < self.sent }
    }

    /// In words: "3 of 3 served (200)".
    #[must_use]
    pub fn text(&self) -> String {
        let status = self.last_status.map_or_else(|| "no answer".to_owned(), |s| s.to_string());
        format!("{} of {} served (last: {status})", self.served, self.sent)
    }
}

/// A run in progress: its servers and what the tab has seen of it.
#[derive(Debug)]
pub struct Run {
    /// The servers.
    pub server: Arc<RunningServer>,
    /// The settings it started with.
    pub settings: Settings,
    /// The design the model predicts for.
    pub design: Design,
    log_rx: Receiver<LogEntry>,
}

/// Which situation the client is in, for the next `GET /me`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Out,
    In(Situation),
}

/// The Live tab.
#[derive(Debug)]
pub struct LiveLab {
    /// The settings of the next run.
    pub settings: Settings,
    /// The run, when one is up.
    pub run: Option<Run>,
    /// A start under way.
    pub starting: bool,
    /// The demo user the tab acts as.
    pub user: String,
    /// The credentials the tab's client holds.
    pub held: Credentials,
    /// A copy of the credentials as they were before the last logout: what a log, a proxy or
    /// an attacker kept. The client itself forgets its credentials at logout.
    pub copy: Option<Credentials>,
    /// The server that answered the login.
    pub login_server: Option<usize>,
    /// The requests the tab sent, newest last.
    pub exchanges: VecDeque<Exchange>,
    /// Requests in flight from the tab.
    pub in_flight: usize,
    /// The balancer's log, newest last.
    pub log: VecDeque<LogEntry>,
    /// Requests the balancer logged in this run (the log keeps the newest [`LOG_KEPT`]).
    pub logged: u64,
    /// The load's size.
    pub load_size: LoadSettings,
    /// The last load's report (or why not).
    pub load: Option<Result<LoadReport, String>>,
    /// A load under way: its cancel flag.
    pub loading: Option<Arc<AtomicBool>>,
    /// The last probe's report (or why not).
    pub probe: Option<Result<ProbeReport, String>>,
    /// A probe under way.
    pub probing: bool,
    /// The last measurement (or why not).
    pub figures: Option<Result<Figures, String>>,
    /// The comparison rows, by [`Situation::ALL`] order.
    pub checks: Vec<Check>,
    /// The last error to show.
    pub error: Option<String>,
    phase: Phase,
    serial: u64,
    starts: u64,
}

impl Default for LiveLab {
    fn default() -> Self {
        Self {
            settings: Settings::default(),
            run: None,
            starting: false,
            user: DEMO_USERS[0].to_owned(),
            held: Credentials::default(),
            copy: None,
            login_server: None,
            exchanges: VecDeque::new(),
            in_flight: 0,
            log: VecDeque::new(),
            logged: 0,
            load_size: LoadSettings::default(),
            load: None,
            loading: None,
            probe: None,
            probing: false,
            figures: None,
            checks: Vec::new(),
            error: None,
            phase: Phase::Out,
            serial: 0,
            starts: 0,
        }
    }
}

impl LiveLab {
    /// True while a run is up.
    #[must_use]
    pub fn running(&self) -> bool {
        self.run.is_some()
    }

    /// True while the tab waits for something (the window keeps repainting).
    #[must_use]
    pub fn busy(&self) -> bool {
        self.starting || self.in_flight > 0 || self.loading.is_some() || self.probing
    }

    /// The balancer's URL.
    #[must_use]
    pub fn url(&self) -> Option<&str> {
        self.run.as_ref().map(|r| r.server.url())
    }

    /// Applies one command.
    pub fn handle(&mut self, command: LiveCommand) -> Vec<LiveEffect> {
        match command {
            LiveCommand::Settings(s) => {
                // A message about the settings before no longer applies.
                self.error = None;
                self.settings = s;
            }
            LiveCommand::Start => return self.start(),
            LiveCommand::Started { run, result } => self.started(run, &result),
            LiveCommand::Stop => self.stop(),
            LiveCommand::User(user) => {
                if DEMO_USERS.contains(&user.as_str()) && user != self.user {
                    self.user = user;
                    self.forget_client();
                }
            }
            LiveCommand::Send(action) => {
                let held = self.held.clone();
                return self.send(action, held, false);
            }
            LiveCommand::Replay => match self.copy.clone() {
                Some(copy) => return self.send(Action::Me, copy, true),
                None => self.error = Some("log out first: the copy is made at logout".into()),
            },
            LiveCommand::Answered { run, exchange } => {
                if run == self.serial {
                    self.in_flight = self.in_flight.saturating_sub(1);
                    self.answered(exchange);
                }
            }
            LiveCommand::StopServer(i) => return self.switch(i, false),
            LiveCommand::StartServer(i) => return self.switch(i, true),
            LiveCommand::Switched { run, result } => {
                if run == self.serial
                    && let Err(e) = result
                {
                    self.error = Some(e);
                }
            }
            LiveCommand::LoadSize(s) => self.load_size = s,
            LiveCommand::RunLoad => return self.run_load(),
            LiveCommand::CancelLoad => {
                if let Some(flag) = &self.loading {
                    flag.store(true, Ordering::Relaxed);
                }
            }
            LiveCommand::Loaded { run, result } => {
                if run == self.serial
                    && let Some(result) = result.take()
                {
                    self.loading = None;
                    self.load = Some(result.map_err(|e| e.to_string()));
                }
            }
            LiveCommand::Probe => return self.probe(),
            LiveCommand::Probed { run, result } => {
                if run == self.serial
                    && let Some(result) = result.take()
                {
                    self.probing = false;
                    self.probe = Some(result.map_err(|e| e.to_string()));
                }
            }
            LiveCommand::Measure => return self.measure(),
            LiveCommand::Measured { run, result } => {
                if run == self.serial {
                    self.figures = Some(result);
                }
            }
            LiveCommand::UseRoundTrip => {
                if let Some(Ok(f)) = &self.figures {
                    return vec![LiveEffect::UseRoundTrip(f.round_trip.as_secs_f64() * 1e3)];
                }
                self.error = Some("measure the store first".into());
            }
            LiveCommand::Poll => self.poll(),
            LiveCommand::JobDied(what) => {
                if what.starts_with("live:") {
                    self.starting = false;
                    self.in_flight = 0;
                    self.loading = None;
                    self.probing = false;
                    self.error = Some(format!("{what} stopped unexpectedly"));
                }
            }
        }
        Vec::new()
    }

    fn start(&mut self) -> Vec<LiveEffect> {
        let config = match self.settings.config() {
            Ok(c) => c,
            Err(e) => {
                self.error = Some(e);
                return Vec::new();
            }
        };
        // The run up now stays until the new one has started: a start that fails (a Redis that
        // does not answer) leaves it working.
        self.starts += 1;
        self.starting = true;
        self.error = None;
        let run = self.starts;
        let job = Job::new("live: start the servers", move || LiveCommand::Started {
            run,
            result: Delivered::new(server::start(config)),
        });
        vec![LiveEffect::Spawn(job)]
    }

    fn started(&mut self, run: u64, result: &Delivered<Result<RunningServer, String>>) {
        if run != self.starts || !self.starting {
            return;
        }
        let Some(result) = result.take() else { return };
        self.starting = false;
        match result {
            Ok(server) => {
                self.stop();
                self.begin(server);
            }
            Err(e) => {
                let kept = if self.running() { " (the run before keeps running)" } else { "" };
                self.error = Some(format!("could not start: {e}{kept}"));
            }
        }
    }

    fn begin(&mut self, server: RunningServer) {
        let c = server.config();
        let design = Design::of(c.mode, &c.store, c.revocation, c.servers, c.sticky);
        let log_rx = server.subscribe();
        self.run = Some(Run { server: Arc::new(server), settings: self.settings.clone(), design, log_rx });
        self.error = None;
        self.checks = Situation::ALL
            .iter()
            .map(|&situation| Check { situation, predicted: predict::predict(&design, situation), measured: None })
            .collect();
    }

    fn stop(&mut self) {
        if let Some(flag) = &self.loading {
            flag.store(true, Ordering::Relaxed);
        }
        // Results of the old run are told apart by the serial and dropped.
        self.serial += 1;
        self.run = None;
        self.starting = false;
        self.in_flight = 0;
        self.loading = None;
        self.probing = false;
        self.forget_client();
        self.log.clear();
        self.logged = 0;
        self.exchanges.clear();
        self.checks.clear();
        self.figures = None;
        self.load = None;
        self.probe = None;
    }

    fn forget_client(&mut self) {
        self.held = Credentials::default();
        self.copy = None;
        self.login_server = None;
        self.phase = Phase::Out;
    }

    fn send(&mut self, action: Action, held: Credentials, copy: bool) -> Vec<LiveEffect> {
        let Some(run) = &self.run else {
            self.error = Some("start the servers first".into());
            return Vec::new();
        };
        let base = run.server.url().to_owned();
        let mode = run.settings.mode;
        let user = self.user.clone();
        let serial = self.serial;
        self.in_flight += 1;
        let (method, path) = action.route();
        let job = Job::new(format!("live: {method} {path}"), move || LiveCommand::Answered {
            run: serial,
            exchange: exchange::Exchange { copy, ..exchange::send(&base, mode, action, &user, &held) },
        });
        vec![LiveEffect::Spawn(job)]
    }

    fn answered(&mut self, exchange: Exchange) {
        let before = self.held.clone();
        if !exchange.copy {
            self.held.apply(&exchange.handed);
        }
        match exchange.action {
            Action::Login if exchange.ok() => {
                self.login_server = exchange.server;
                self.copy = None;
                self.phase = Phase::In(Situation::Served);
                // A new login starts every row afresh: they all speak of one credential.
                for situation in Situation::ALL {
                    self.reset_check(situation);
                }
            }
            Action::Logout if exchange.ok() => {
                // The client forgets; a copy made before survives elsewhere.
                self.copy = Some(before);
                self.held = Credentials::default();
                self.phase = Phase::In(Situation::AfterLogout);
                self.reset_check(Situation::AfterLogout);
            }
            Action::Me => match (self.phase, exchange.copy) {
                // Only an answer about the credential counts: a 503 (no server up) or no answer
                // says nothing about whether the logout took.
                (Phase::In(Situation::AfterLogout), true) if judged(&exchange) => {
                    self.observe(Situation::AfterLogout, &exchange);
                }
                (Phase::In(s @ (Situation::Served | Situation::LoginServerDown)), false) => {
                    self.observe(s, &exchange);
                }
                _ => {}
            },
            _ => {}
        }
        if self.exchanges.len() == EXCHANGES_KEPT {
            self.exchanges.pop_front();
        }
        self.exchanges.push_back(exchange);
    }

    fn reset_check(&mut self, situation: Situation) {
        if let Some(c) = self.checks.iter_mut().find(|c| c.situation == situation) {
            c.measured = None;
        }
    }

    fn observe(&mut self, situation: Situation, exchange: &Exchange) {
        let Some(check) = self.checks.iter_mut().find(|c| c.situation == situation) else { return };
        let o = check.measured.get_or_insert(Observed { served: 0, sent: 0, last_status: None });
        o.sent += 1;
        o.served += u32::from(exchange.ok());
        o.last_status = exchange.status;
    }

    fn switch(&mut self, i: usize, up: bool) -> Vec<LiveEffect> {
        let Some(run) = &self.run else { return Vec::new() };
        if up == run.server.running().get(i).copied().unwrap_or(up) {
            return Vec::new();
        }
        let server = Arc::clone(&run.server);
        if up && Some(i) == self.login_server && matches!(self.phase, Phase::In(Situation::LoginServerDown)) {
            // Its server is back: later answers no longer say what a stopped server does.
            self.phase = Phase::Out;
        }
        if !up && Some(i) == self.login_server && matches!(self.phase, Phase::In(Situation::Served)) {
            self.phase = Phase::In(Situation::LoginServerDown);
            self.reset_check(Situation::LoginServerDown);
        }
        let serial = self.serial;
        let what = if up { format!("live: start server {i}") } else { format!("live: stop server {i}") };
        let job = Job::new(what, move || LiveCommand::Switched {
            run: serial,
            result: if up { server.start_server(i) } else { server.stop_server(i) },
        });
        vec![LiveEffect::Spawn(job)]
    }

    fn run_load(&mut self) -> Vec<LiveEffect> {
        let Some(run) = &self.run else {
            self.error = Some("start the servers first".into());
            return Vec::new();
        };
        if self.loading.is_some() {
            return Vec::new();
        }
        // A hybrid run is loaded with its session cookie, as a browser sends it: the model's
        // hybrid is a session at the edge, so the two speak of the same requests.
        let mode = if run.settings.mode == Mode::Jwt { Mode::Jwt } else { Mode::Session };
        let s = self.load_size;
        let config = LoadConfig::new(run.server.url(), mode, s.users, s.requests, s.concurrency.min(s.requests));
        if let Err(e) = config.check() {
            self.error = Some(e);
            return Vec::new();
        }
        let cancel = Arc::new(AtomicBool::new(false));
        self.loading = Some(Arc::clone(&cancel));
        self.load = None;
        let serial = self.serial;
        let job = Job::new("live: load", move || LiveCommand::Loaded {
            run: serial,
            result: Delivered::new(load::load(&config, &cancel)),
        });
        vec![LiveEffect::Spawn(job)]
    }

    fn probe(&mut self) -> Vec<LiveEffect> {
        let Some(run) = &self.run else {
            self.error = Some("start the servers first".into());
            return Vec::new();
        };
        let Some(token) = self.held.access.clone() else {
            self.error = Some("the probe needs an access token: start in jwt or hybrid mode and log in".into());
            return Vec::new();
        };
        let config = ProbeConfig {
            url: format!("{}/me", run.server.url()),
            token,
            placement: Placement::Bearer,
            public_key_file: Some(run.server.public_key_pem().as_bytes().to_vec()),
        };
        self.probing = true;
        self.probe = None;
        let serial = self.serial;
        let job = Job::new("live: probe", move || LiveCommand::Probed {
            run: serial,
            result: Delivered::new(probe::probe(&config, &AtomicBool::new(false))),
        });
        vec![LiveEffect::Spawn(job)]
    }

    fn measure(&mut self) -> Vec<LiveEffect> {
        let Some(run) = &self.run else {
            self.error = Some("start the servers first".into());
            return Vec::new();
        };
        let server = Arc::clone(&run.server);
        // The token held, or the copy kept at logout: its verification costs the same.
        let token = self.held.access.clone().or_else(|| self.copy.as_ref().and_then(|c| c.access.clone()));
        let serial = self.serial;
        let job = Job::new("live: measure", move || LiveCommand::Measured {
            run: serial,
            result: measure(&server, token.as_deref()),
        });
        vec![LiveEffect::Spawn(job)]
    }

    fn poll(&mut self) {
        let Some(run) = &mut self.run else { return };
        loop {
            match run.log_rx.try_recv() {
                Ok(entry) => {
                    self.logged += 1;
                    if self.log.len() == LOG_KEPT {
                        self.log.pop_front();
                    }
                    self.log.push_back(entry);
                }
                Err(TryRecvError::Lagged(missed)) => self.logged += missed,
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
    }

    /// The model's authentication cost per request for the run, from the measured figures.
    #[must_use]
    pub fn predicted_auth_cost(&self) -> Option<Duration> {
        let run = self.run.as_ref()?;
        let Some(Ok(f)) = &self.figures else { return None };
        let needs_verify = run.design.mode != Mode::Session;
        let verify = if needs_verify { f.verify? } else { Duration::ZERO };
        Some(predict::auth_cost(&run.design, verify, f.round_trip))
    }
}

/// True when an answer judges the credential: accepted (2xx) or refused (401, 403).
fn judged(exchange: &Exchange) -> bool {
    exchange.ok() || matches!(exchange.status, Some(401 | 403))
}

/// Measures the run's store round trip and, when a token is given, its verification with the
/// run's public key (the median of a few hundred).
///
/// # Errors
/// The store failed a lookup; the token or the key could not be read.
pub fn measure(server: &RunningServer, token: Option<&str>) -> Result<Figures, String> {
    let round_trip = server.store_round_trip(STORE_SAMPLES)?;
    let verify = match token {
        None => None,
        Some(t) => {
            let parsed = token::parse(t).map_err(|e| format!("the held token: {e}"))?;
            let keys = keys::load(server.public_key_pem().as_bytes(), "the run's public key")
                .map_err(|e| format!("the run's public key: {e}"))?;
            let policy = Policy::default();
            let now = crate::core::engine::clock::Clock::default().now();
            let mut times = Vec::with_capacity(STORE_SAMPLES);
            for _ in 0..STORE_SAMPLES {
                let t = std::time::Instant::now();
                std::hint::black_box(verify::verify(std::hint::black_box(&parsed), &keys, &policy, now));
                times.push(t.elapsed());
            }
            times.sort_unstable();
            Some(times[times.len() / 2])
        }
    };
    Ok(Figures { round_trip, verify })
}

#[cfg(test)]
mod tests;
