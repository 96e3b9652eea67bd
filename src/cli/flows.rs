//! `tokenbench simulate flow`: the request-flow model ([`crate::core::labs::flows`]) on the command
//! line, with an exact JSON contract; `--scenario NAME` runs one of the Flows lab's scenarios
//! and `--sweep-servers FROM..TO` its scalability sweep, with the numbers the window shows.
//!
//! `--json` prints exactly `{"requests", "bytes_per_request", "store_lookups",
//! "signature_verifications", "failed_requests", "store_outage_failures", "sessions_lost",
//! "replication_messages", "elapsed_ms"}`. With `--scenario`: `{"scenario", "servers", "users", "requests", "services",
//! "store_latency_ms", "lanes": [{"title", "config", "bytes_per_request", "totals",
//! "network_wait_ms", "revocation_delay_seconds", "revocation_takes_effect"}], "elapsed_ms"}`.
//! With `--sweep-servers`: `{"users", "requests", "services", "store_latency_ms", "points":
//! [{"servers", "shared_round_trips", "replication_messages", "sticky_sessions_lost",
//! "jwt_verifications"}], "cost_per_request": [{"servers", "session_ns", "jwt_ns", "jwt_denylist_ns"}],
//! "crossover_servers", "crossover", "cost_per_request_by_services": [{"services", "session_ns", "jwt_ns",
//! "jwt_denylist_ns", "serverless_session_ns"}] (0 to 50 services per user request: a shared store
//! against a JWT, with and without a denylist check, and the store reached from serverless
//! functions), "fan_out", "savings": [{"services", "jwt_saves_ns", "serverless_session_ns",
//! "jwt_ns"}, ...] (at 0 and 24 services), "savings_text"}`.
//! Exit 0, or 2 with a message for unusable arguments (N < 1, U < 1, `--fail-server-at` with one
//! server, `--store` with `--mode jwt`, `--store-fail-at` where no store is used or outside the
//! run, `--store-back-at` not after it or without it, an unreadable token file, a value outside
//! the lab's range with `--scenario` or `--sweep-servers`).

use std::fmt::Write as _;
use std::ops::RangeInclusive;
use std::path::Path;
use std::time::Instant;

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::{out, read_token_arg};
use crate::core::engine::clock::system_now;
use crate::core::engine::error::Error;
use crate::core::engine::limits;
use crate::core::engine::token;
use crate::core::labs::flows::lab::command_line::{LaneRun, Overrides, ScenarioRun};
use crate::core::labs::flows::lab::{
    CostPoint, FAN_OUT_SWEEP_MAX, FanOutPoint, REALITY_CHECK, SweepPoint, cost_curves, crossover, crossover_text,
    fan_out_curves, fan_out_text, parse_servers_range, revocation_delay_text, savings, savings_text, sweep,
};
use crate::core::labs::flows::{Config, Flow, FlowScenario, Mode, Revocation, Store, Totals, credential};
use crate::core::labs::revocation::TokenLifetime;
use crate::core::text::visible;

/// `--mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// A session id in a cookie, a store lookup per request.
    Session,
    /// A signed token in the Authorization header, a verification per request.
    Jwt,
    /// A session at the edge, short-lived JWTs to the services.
    Hybrid,
}

/// `--store`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreArg {
    /// One store every server reaches over the network.
    Shared,
    /// Each server keeps the sessions it created.
    Local,
    /// Every server keeps every session; logins are copied to all.
    Replicated,
}

/// `--revocation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RevocationArg {
    /// No check: a token is valid until it expires.
    None,
    /// Look the token's jti up in a denylist on every verification.
    Denylist,
    /// Compare the token's version with the user's on every verification.
    Version,
}

/// Arguments of `tokenbench simulate flow`.
#[derive(Debug, Args)]
pub struct FlowArgs {
    /// Run one of the Flows lab's scenarios, both lanes, with the lab's settings for it (each
    /// flag given wins): scalability, failover, revocation, request-overhead, cross-domain,
    /// mobile, microservices, serverless, hybrid.
    #[arg(long, value_name = "NAME", value_parser = parse_scenario)]
    pub scenario: Option<FlowScenario>,
    /// Print the lab's scalability sweep for these server counts (e.g. 1..50, both ends
    /// included, within 1 to 50), with the scalability scenario's users, requests and
    /// services unless given.
    #[arg(long, value_name = "FROM..TO", value_parser = parse_servers_range,
          conflicts_with_all = ["mode", "store", "sticky", "servers", "revocation", "fail_server_at", "store_fail_at",
                                "store_back_at", "token"])]
    pub sweep_servers: Option<RangeInclusive<u32>>,
    /// Where the authentication state lives [with --scenario: only the lane of this mode].
    #[arg(long, value_enum, required_unless_present_any = ["scenario", "sweep_servers"])]
    pub mode: Option<ModeArg>,
    /// Where sessions are kept (session and hybrid mode; default shared) [with --scenario: the
    /// lanes that keep sessions].
    #[arg(long, value_enum)]
    pub store: Option<StoreArg>,
    /// Route each user to the server that served its login [with --scenario: in the lanes that
    /// keep sessions].
    #[arg(long)]
    pub sticky: bool,
    /// App servers (N >= 1) [with --scenario: the scenario's, 4].
    #[arg(long, allow_negative_numbers = true, value_name = "N", required_unless_present_any = ["scenario", "sweep_servers"])]
    pub servers: Option<u32>,
    /// Users, all logged in before the first request (U >= 1) [with --scenario: 12].
    #[arg(long, allow_negative_numbers = true, value_name = "U", required_unless_present_any = ["scenario", "sweep_servers"])]
    pub users: Option<u32>,
    /// Requests after the logins; request j is made by user j mod U [with --scenario: 240].
    #[arg(long, allow_negative_numbers = true, value_name = "R", required_unless_present_any = ["scenario", "sweep_servers"])]
    pub requests: Option<u64>,
    /// Downstream services every request fans out to [default: 0, or the scenario's].
    #[arg(long, value_name = "M", allow_negative_numbers = true)]
    pub services: Option<u32>,
    /// Round trip to a remote session store, in ms, for the network wait the lanes report
    /// [default: 0.5, the Flows lab's] (with --scenario or --sweep-servers).
    #[arg(long, value_name = "MS", allow_negative_numbers = true)]
    pub latency_ms: Option<f64>,
    /// JWT mode's revocation check (adds 1 + M lookups per request) [default: none, or the
    /// scenario's; with --scenario: the JWT lanes'].
    #[arg(long, value_enum)]
    pub revocation: Option<RevocationArg>,
    /// Server 0 dies just before request I (needs N >= 2).
    #[arg(long, value_name = "I")]
    pub fail_server_at: Option<u64>,
    /// The store is unreachable from request I on (0-based): a shared session store (--mode
    /// session|hybrid --store shared) or a JWT's revocation store (--mode jwt --revocation
    /// denylist|version). A request then fails at its first lookup [with --scenario: the lanes
    /// that use a store].
    #[arg(long, value_name = "I", allow_negative_numbers = true)]
    pub store_fail_at: Option<u64>,
    /// The store answers again from request J on (I < J <= R; default: down to the end).
    #[arg(long, value_name = "J", allow_negative_numbers = true)]
    pub store_back_at: Option<u64>,
    /// The JWT to carry: the token, `-` for stdin, `@FILE`, or a file's path (default: a
    /// generated typical access token, 812 bytes).
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `--scenario`: a name of [`FlowScenario::name`].
fn parse_scenario(text: &str) -> Result<FlowScenario, String> {
    text.parse()
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::Session => Mode::Session,
            ModeArg::Jwt => Mode::Jwt,
            ModeArg::Hybrid => Mode::Hybrid,
        }
    }
}

impl From<StoreArg> for Store {
    fn from(s: StoreArg) -> Self {
        match s {
            StoreArg::Shared => Store::Shared,
            StoreArg::Local => Store::Local,
            StoreArg::Replicated => Store::Replicated,
        }
    }
}

impl From<RevocationArg> for Revocation {
    fn from(r: RevocationArg) -> Self {
        match r {
            RevocationArg::None => Revocation::None,
            RevocationArg::Denylist => Revocation::Denylist,
            RevocationArg::Version => Revocation::Version,
        }
    }
}

impl FlowArgs {
    /// The model config these arguments describe, the token's length given.
    ///
    /// # Errors
    /// The message for `--store` with `--mode jwt`, or a flag missing (clap asks for them
    /// without `--scenario` and `--sweep-servers`).
    pub fn config(&self, token_bytes: usize) -> Result<Config, String> {
        let missing = |flag: &str| format!("{flag} is required (or give --scenario NAME)");
        let mode: Mode = self.mode.ok_or_else(|| missing("--mode"))?.into();
        if mode == Mode::Jwt && self.store.is_some() {
            return Err("--store applies to session and hybrid mode: JWT mode keeps no session store (a \
                        revocation store is chosen with --revocation)"
                .into());
        }
        Ok(Config {
            mode,
            store: self.store.map_or(Store::Shared, Store::from),
            sticky: self.sticky,
            servers: self.servers.ok_or_else(|| missing("--servers"))?,
            users: self.users.ok_or_else(|| missing("--users"))?,
            requests: self.requests.ok_or_else(|| missing("--requests"))?,
            services: self.services.unwrap_or(0),
            revocation: self.revocation.map_or(Revocation::None, Revocation::from),
            fail_server_at: self.fail_server_at,
            store_fail_at: self.store_fail_at,
            store_back_at: self.store_back_at,
            token_bytes,
            ..Config::default()
        })
    }

    /// The flags over a scenario's settings, the token's length given when `--token` is.
    #[must_use]
    pub fn overrides(&self, token_bytes: Option<usize>) -> Overrides {
        Overrides {
            servers: self.servers,
            users: self.users,
            requests: self.requests,
            services: self.services,
            mode: self.mode.map(Mode::from),
            store: self.store.map(Store::from),
            sticky: self.sticky,
            revocation: self.revocation.map(Revocation::from),
            fail_server_at: self.fail_server_at,
            store_fail_at: self.store_fail_at,
            store_back_at: self.store_back_at,
            token_bytes,
            store_latency_ms: self.latency_ms,
        }
    }
}

/// Reads `--token`: `-` (stdin) and `@FILE` as every TOKEN argument; else a path to an existing
/// file (the original form), else the token itself. Returns the cleaned compact token
/// (whitespace and a `Bearer` prefix removed), which must be a signed JWS: a flow verifies a
/// signature on every request, and `alg: none` or an encrypted token has none to verify.
/// Every error names `--token`.
fn read_flow_token(arg: &str) -> Result<token::Token, String> {
    let file = arg.strip_prefix('@').unwrap_or(arg);
    let (text, source) = if arg == "-" {
        (read_token_arg(arg).map_err(|e| format!("--token: {e}"))?, "--token: the token on stdin".to_owned())
    } else if arg.starts_with('@') || Path::new(arg).exists() || token::parse(arg).is_err() {
        let shown = visible(file);
        let bytes = limits::read_file(Path::new(file)).map_err(|e| match e {
            Error::Io { reason, .. } => format!("--token: cannot read the token file {shown}: {reason}"),
            other => format!("--token: {other}"),
        })?;
        let text =
            String::from_utf8(bytes).map_err(|_| format!("--token: the token file {shown} is not UTF-8 text"))?;
        (text, format!("--token: the token file {shown}"))
    } else {
        (arg.to_owned(), "--token".to_owned())
    };
    let parsed = token::parse(&text).map_err(|e| format!("{source} does not hold a token: {e}"))?;
    if parsed.serialization != token::Serialization::Compact {
        return Err(format!("{source} holds a JWS JSON serialization; a header carries a compact token"));
    }
    if parsed.kind == token::Kind::Jwe {
        return Err(format!("{source} holds an encrypted token (JWE); a flow needs a signed JWS to verify"));
    }
    if let Some(alg) = parsed.alg().filter(|a| a.eq_ignore_ascii_case("none")) {
        return Err(format!("{source} is unsigned (alg {alg:?}); a flow needs a signed JWS to verify"));
    }
    Ok(parsed)
}

/// The JSON object of the contract.
#[must_use]
pub fn flow_json(totals: &Totals, bytes_per_request: usize, elapsed_ms: f64) -> Value {
    json!({
        "requests": totals.requests,
        "bytes_per_request": bytes_per_request,
        "store_lookups": totals.store_lookups,
        "signature_verifications": totals.signature_verifications,
        "failed_requests": totals.failed_requests,
        "store_outage_failures": totals.store_outage_failures,
        "sessions_lost": totals.sessions_lost,
        "replication_messages": totals.replication_messages,
        "elapsed_ms": (elapsed_ms * 1000.0).round() / 1000.0,
    })
}

fn fail(message: &str) -> u8 {
    super::say(message);
    2
}

/// Runs `simulate flow`; returns the exit code.
///
/// # Errors
/// Never: unusable arguments print their message and return exit code 2.
pub(crate) fn run(args: &FlowArgs) -> Result<u8, Error> {
    if let Some(servers) = &args.sweep_servers {
        return Ok(run_sweep(args, servers.clone()));
    }
    if let Some(scenario) = args.scenario {
        return Ok(run_scenario(args, scenario));
    }
    let token_bytes = match &args.token {
        Some(arg) => match read_flow_token(arg) {
            Ok(t) => t.text.len(),
            Err(message) => return Ok(fail(&message)),
        },
        #[allow(clippy::cast_possible_truncation)]
        None => credential::typical_token(system_now().floor() as i64)?.len(),
    };
    let cfg = match args.config(token_bytes) {
        Ok(c) => c,
        Err(message) => return Ok(fail(&message)),
    };
    let mut model = match Flow::new(cfg) {
        Ok(m) => m,
        Err(e) => return Ok(fail(&e.to_string())),
    };
    if cfg.mode == Mode::Session && args.token.is_some() {
        super::say("note: --token is not used in session mode: every request carries the session cookie");
    }
    if args.latency_ms.is_some() {
        super::say("note: --latency-ms applies with --scenario or --sweep-servers; this run reports counts, not waits");
    }
    if cfg.mode != Mode::Jwt && args.revocation.is_some_and(|r| r != RevocationArg::None) {
        super::say("note: --revocation applies to JWT mode; a session is revoked by deleting it");
    }
    let start = Instant::now();
    let totals = model.run();
    let elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    let bytes = cfg.bytes_per_request();
    if args.json {
        out(&format!("{}\n", flow_json(&totals, bytes, elapsed_ms)));
    } else {
        out(&text(&cfg, &totals, elapsed_ms));
    }
    Ok(0)
}

/// `--scenario`: the lab's lanes for it with the flags over them, played to the end.
fn run_scenario(args: &FlowArgs, scenario: FlowScenario) -> u8 {
    let token = match args.token.as_deref().map(read_flow_token) {
        Some(Ok(t)) => Some(t),
        Some(Err(message)) => return fail(&message),
        None => None,
    };
    let lifetime = token.as_ref().map(TokenLifetime::of);
    let run = match ScenarioRun::new(scenario, &args.overrides(token.as_ref().map(|t| t.text.len()))) {
        Ok(run) => run,
        Err(message) => return fail(&message),
    };
    if args.revocation.is_some_and(|r| r != RevocationArg::None) && run.lanes.iter().all(|c| c.mode != Mode::Jwt) {
        super::say("note: --revocation applies to JWT mode; a session is revoked by deleting it");
    }
    // A lifetime that cannot be told is the revocation lab's default token-ttl, as in the window.
    let fallback_ttl = crate::core::labs::revocation::RevocationScenario::example(0).token_ttl;
    if let Some(TokenLifetime::Unknown { reason }) = &lifetime {
        super::say(&format!(
            "note: the token's lifetime cannot be told ({reason}): the revocation lab's token-ttl {} stands in, as \
             in the window",
            crate::core::text::exact_duration(fallback_ttl)
        ));
    }
    if token.is_some() && run.lanes.iter().all(|c| c.mode == Mode::Session) {
        super::say("note: --token is not used in session mode: every request carries the session cookie");
    }
    if let Some(c) = run.lanes.iter().find(|c| c.fail_server_at.is_some_and(|at| at >= c.requests)) {
        super::say(&format!(
            "note: server 0 never fails: --fail-server-at {} is not before the last request ({} requests)",
            c.fail_server_at.unwrap_or_default(),
            c.requests
        ));
    }
    let start = Instant::now();
    let lanes = run.run(lifetime.as_ref(), fallback_ttl);
    let elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    if args.json {
        out(&format!("{}\n", scenario_json(&run, &lanes, elapsed_ms)));
    } else {
        out(&scenario_text(&run, &lanes, elapsed_ms));
    }
    0
}

/// `--sweep-servers`: the lab's scalability sweep over those server counts.
fn run_sweep(args: &FlowArgs, servers: RangeInclusive<u32>) -> u8 {
    if let Some(other) = args.scenario.filter(|s| *s != FlowScenario::Scalability) {
        return fail(&format!(
            "--sweep-servers is the scalability scenario's sweep; --scenario {} has none (leave --scenario out, or \
             give --scenario scalability)",
            other.name()
        ));
    }
    let run = match ScenarioRun::new(FlowScenario::Scalability, &args.overrides(None)) {
        Ok(run) => run,
        Err(message) => return fail(&message),
    };
    let points = sweep(&run.lab.params, servers.clone());
    // The cost curves need this machine's verification and lookup: measured on the typical
    // token, as the window measures it before a token is loaded.
    let now = system_now();
    #[allow(clippy::cast_possible_truncation)]
    let measured = credential::Credential::typical(now.floor() as i64)
        .and_then(|c| credential::measure(&c, run.lab.params.users, now, SWEEP_MEASURE_BUDGET))
        .ok();
    let costs = measured.as_ref().map(|m| cost_curves(&run.lab.params, m, servers)).unwrap_or_default();
    let fan_out = measured.map(|m| fan_out_curves(&run.lab.params, &m, 0..=FAN_OUT_SWEEP_MAX)).unwrap_or_default();
    if args.json {
        out(&format!("{}\n", sweep_json(&run, &points, &costs, &fan_out)));
    } else {
        out(&sweep_text(&run, &points, &costs, &fan_out));
    }
    0
}

/// Time spent measuring each operation for the sweep's cost curves (the window's budget).
const SWEEP_MEASURE_BUDGET: std::time::Duration = std::time::Duration::from_millis(15);

/// Milliseconds rounded to the microsecond.
fn ms(seconds: f64) -> f64 {
    (seconds * 1e6).round() / 1000.0
}

/// The JSON of a scenario run: its parameters and, per lane, what the window's lane shows.
#[must_use]
pub fn scenario_json(run: &ScenarioRun, lanes: &[LaneRun], elapsed_ms: f64) -> Value {
    let p = run.lab.params;
    let lanes: Vec<Value> = lanes
        .iter()
        .map(|l| {
            json!({
                "title": l.title,
                "config": l.cfg,
                "bytes_per_request": l.cfg.bytes_per_request(),
                "totals": l.totals,
                "network_wait_ms": ms(credential::network_wait(&l.totals, p.store_latency_ms).as_secs_f64()),
                "revocation_delay_seconds": l.revocation_delay,
                "revocation_takes_effect": revocation_delay_text(l.revocation_delay),
            })
        })
        .collect();
    json!({
        "scenario": run.lab.scenario.name(),
        "servers": p.servers,
        "users": p.users,
        "requests": p.requests,
        "services": p.services,
        "store_latency_ms": p.store_latency_ms,
        "lanes": lanes,
        "elapsed_ms": (elapsed_ms * 1000.0).round() / 1000.0,
    })
}

/// The JSON of a sweep: the parameters, the points the window plots, the cost per request
/// with sessions and with a JWT on the operations measured here, and where they cross.
#[must_use]
pub fn sweep_json(run: &ScenarioRun, points: &[SweepPoint], costs: &[CostPoint], fan_out: &[FanOutPoint]) -> Value {
    let p = run.lab.params;
    json!({
        "users": p.users,
        "requests": p.requests,
        "services": p.services,
        "store_latency_ms": p.store_latency_ms,
        "points": points,
        "cost_per_request": costs,
        "crossover_servers": crossover(costs),
        "crossover": crossover_text(costs),
        "cost_per_request_by_services": fan_out,
        "fan_out": fan_out_text(fan_out),
        "savings": savings(fan_out),
        "savings_text": savings_text(fan_out),
    })
}

fn scenario_text(run: &ScenarioRun, lanes: &[LaneRun], elapsed_ms: f64) -> String {
    use crate::core::text::count;
    let p = run.lab.params;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: {}, {}, {}, {} per request, store round trip {} ms",
        run.lab.scenario.label(),
        count(p.servers, "server", "servers"),
        count(p.users, "user", "users"),
        count(p.requests, "request", "requests"),
        count(p.services, "service", "services"),
        p.store_latency_ms
    );
    for l in lanes {
        let (c, t) = (&l.cfg, &l.totals);
        let _ = writeln!(s, "\n{}", l.title);
        let mut rows: Vec<(&str, String)> = vec![
            ("requests", t.requests.to_string()),
            ("failed requests", t.failed_requests.to_string()),
            ("  of which store down", t.store_outage_failures.to_string()),
            ("store lookups", t.store_lookups.to_string()),
            ("lookups over the network", t.remote_lookups.to_string()),
            ("signature verifications", t.signature_verifications.to_string()),
            ("sessions lost", t.sessions_lost.to_string()),
            ("replication messages", t.replication_messages.to_string()),
            ("bytes per request", c.bytes_per_request().to_string()),
            ("credential bytes sent", t.client_bytes.to_string()),
        ];
        if c.services > 0 {
            rows.push(("bytes to services", t.service_bytes.to_string()));
        }
        rows.push(("tokens signed", t.tokens_signed.to_string()));
        let wait = credential::network_wait(t, p.store_latency_ms).as_secs_f64();
        rows.push(("network wait", format!("{} ms", ms(wait))));
        rows.push(("revocation takes effect", revocation_delay_text(l.revocation_delay)));
        if c.logout.is_some() {
            rows.push(("after logout refused", t.rejected_after_logout.to_string()));
            rows.push(("after logout accepted", t.accepted_after_logout.to_string()));
            if c.store_fail_at.is_some() {
                rows.push(("logout failed, store down", t.logouts_failed.to_string()));
            }
        }
        if c.cross_site_every > 0 {
            rows.push(("cross-site calls", t.cross_site_calls.to_string()));
            rows.push(("cross-site failed", t.cross_site_failed.to_string()));
            rows.push(("CORS preflights", t.preflights.to_string()));
        }
        if c.serverless {
            rows.push(("store connections opened", t.store_connections.to_string()));
        }
        for (name, value) in rows {
            let _ = writeln!(s, "{name:<25} {value}");
        }
    }
    let _ = writeln!(s, "\n{:<25} {elapsed_ms:.3} ms", "elapsed");
    s
}

/// The sweep as text: its table, then the cost per request and where the curves cross.
#[must_use]
pub fn sweep_text(run: &ScenarioRun, points: &[SweepPoint], costs: &[CostPoint], fan_out: &[FanOutPoint]) -> String {
    use crate::core::text::count;
    let p = run.lab.params;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Scalability sweep: {}, {}, {} per request; sticky sessions lost when server 0 dies halfway",
        count(p.users, "user", "users"),
        count(p.requests, "request", "requests"),
        count(p.services, "service", "services")
    );
    let _ = writeln!(
        s,
        "{:>7} {:>20} {:>22} {:>20} {:>18}",
        "servers", "shared round trips", "replication messages", "sticky sessions lost", "JWT verifications"
    );
    for pt in points {
        let _ = writeln!(
            s,
            "{:>7} {:>20} {:>22} {:>20} {:>18}",
            pt.servers, pt.shared_round_trips, pt.replication_messages, pt.sticky_sessions_lost, pt.jwt_verifications
        );
    }
    if !costs.is_empty() {
        let _ = writeln!(
            s,
            "\nCost per request on the operations measured here (store round trip {} ms):",
            p.store_latency_ms
        );
        let _ = writeln!(
            s,
            "{}\n{}\n{}\n{REALITY_CHECK}",
            crossover_text(costs),
            fan_out_text(fan_out),
            savings_text(fan_out)
        );
    }
    s
}

fn text(cfg: &Config, t: &Totals, elapsed_ms: f64) -> String {
    let mut s = String::new();
    let store = if cfg.mode == Mode::Jwt {
        format!("revocation {}", cfg.revocation.name())
    } else {
        format!("{} store", cfg.store.name())
    };
    let _ = writeln!(
        s,
        "{} mode, {store}{}, {}, {}, {} per request",
        cfg.mode.name(),
        if cfg.sticky { ", sticky" } else { "" },
        crate::core::text::count(cfg.servers, "server", "servers"),
        crate::core::text::count(cfg.users, "user", "users"),
        crate::core::text::count(cfg.services, "service", "services")
    );
    let rows: [(&str, String); 11] = [
        ("requests", t.requests.to_string()),
        ("bytes per request", cfg.bytes_per_request().to_string()),
        ("store lookups", t.store_lookups.to_string()),
        ("  over the network", t.remote_lookups.to_string()),
        ("signature verifications", t.signature_verifications.to_string()),
        ("failed requests", t.failed_requests.to_string()),
        ("  of which store down", t.store_outage_failures.to_string()),
        ("sessions lost", t.sessions_lost.to_string()),
        ("replication messages", t.replication_messages.to_string()),
        ("credential bytes sent", t.client_bytes.to_string()),
        ("elapsed", format!("{elapsed_ms:.3} ms")),
    ];
    for (name, value) in rows {
        let _ = writeln!(s, "{name:<24} {value}");
    }
    if elapsed_ms > 0.0 && t.requests > 0 {
        let rate = t.requests as f64 / elapsed_ms / 1000.0;
        let _ = writeln!(s, "{:<24} {rate:.1} million requests/s simulated", "speed");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_ms_is_rounded_to_microseconds_and_counts_are_the_models() {
        // The key list itself is tested through the binary (tests/cli_flow.rs).
        let t = crate::core::labs::flows::simulate(&Config { requests: 3, ..Config::default() }).unwrap();
        let v = flow_json(&t, 34, 1.234_56);
        assert_eq!(v["elapsed_ms"], 1.235);
        assert_eq!((v["requests"].as_u64(), v["store_lookups"].as_u64()), (Some(3), Some(3)));
    }
}
