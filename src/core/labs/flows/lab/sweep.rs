//! The scalability sweep: the model run for each server count, once per design, as the lab
//! plots it for 1 to 50 servers and `simulate flow --sweep-servers FROM..TO` prints it; and the
//! reality check beside it: what a request costs with sessions and with a JWT on the operations
//! measured in this run, and where the two curves cross.

use std::ops::RangeInclusive;

use std::time::Duration;

use super::Params;
use super::caps::MAX_SERVERS;
use crate::core::labs::flows::credential::Measured;
use crate::core::labs::flows::{self, Config, Mode, Revocation, Store};
use crate::core::text::measured_duration;

/// The reality check under the cost curves: cheaper per request is not the same as simpler.
pub const REALITY_CHECK: &str = "Reality check: a JWT saves the round trip only while it keeps no server-side \
     state; one that must honour a logout (a denylist or version check) pays the same store round trip plus its \
     verification. One server, or a small cluster with a shared store, is simpler to run and to secure; a JWT's \
     scaling case starts where round trips add up, at dozens of services, or with serverless and edge functions \
     that have no store nearby.";

/// The lab sweeps only when users + requests stay below this (200 runs per change); the CLI
/// sweeps any size within the caps.
pub const SWEEP_LIMIT: u64 = 10_000;

/// One server count of the scalability sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
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

/// The sweep of `params`' users, requests and fan-out over `servers`. With one server there is
/// none left when server 0 dies, so the model cannot run the sticky failure: every session is
/// counted lost.
#[must_use]
pub fn sweep(params: &Params, servers: RangeInclusive<u32>) -> Vec<SweepPoint> {
    let p = params;
    let base = Config { users: p.users, requests: p.requests, services: p.services, ..Config::default() };
    let run = |c: Config| flows::simulate(&c).unwrap_or_default();
    servers
        .map(|n| {
            let at = Config { servers: n, ..base };
            SweepPoint {
                servers: n,
                shared_round_trips: run(at).remote_lookups,
                replication_messages: run(Config { store: Store::Replicated, ..at }).replication_messages,
                sticky_sessions_lost: if n < 2 {
                    u64::from(p.users)
                } else {
                    run(Config { store: Store::Local, sticky: true, fail_server_at: Some(p.requests / 2), ..at })
                        .sessions_lost
                },
                jwt_verifications: run(Config { mode: Mode::Jwt, ..at }).signature_verifications,
            }
        })
        .collect()
}

/// The lab's sweep, 1 to [`MAX_SERVERS`] servers, when it is cheap enough to run on every change.
#[must_use]
pub fn lab_sweep(params: &Params) -> Option<Vec<SweepPoint>> {
    (u64::from(params.users) + params.requests <= SWEEP_LIMIT).then(|| sweep(params, 1..=MAX_SERVERS))
}

/// Reads `FROM..TO` (both ends included, as the lab's 1..50), within 1 to [`MAX_SERVERS`].
///
/// # Errors
/// What is wrong, naming the allowed form and range.
pub fn parse_servers_range(text: &str) -> Result<RangeInclusive<u32>, String> {
    let allowed =
        format!("FROM..TO, both whole numbers from 1 to {MAX_SERVERS} with FROM <= TO (e.g. 1..{MAX_SERVERS})");
    let (from, to) = text.split_once("..").ok_or_else(|| format!("{text:?} is not a range: give {allowed}"))?;
    let number = |s: &str| s.trim().parse::<u32>().ok();
    match (number(from), number(to.strip_prefix('=').unwrap_or(to))) {
        (Some(from), Some(to)) if (1..=to).contains(&from) && to <= MAX_SERVERS => Ok(from..=to),
        _ => Err(format!("{text:?} is not a range the lab sweeps: give {allowed}")),
    }
}

/// What one request costs at a server count, on the measured operations.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CostPoint {
    /// Servers.
    pub servers: u32,
    /// Sessions: in the server's memory with one server, in a shared store from two.
    pub session_ns: f64,
    /// A JWT without a revocation check.
    pub jwt_ns: f64,
    /// A JWT that honours a logout: its verification plus a denylist lookup in the shared store.
    pub jwt_denylist_ns: f64,
}

/// Per request, at each server count: sessions the simplest way that works there (in memory on
/// one server; a shared store, one round trip of `params.store_latency_ms` per lookup, from two
/// on) against a JWT, with and without a denylist check, each from the model's counts times the
/// operations `measured` here.
#[must_use]
pub fn cost_curves(params: &Params, measured: &Measured, servers: RangeInclusive<u32>) -> Vec<CostPoint> {
    let p = params;
    let base = Config { users: p.users, requests: p.requests, services: p.services, ..Config::default() };
    let per_request = |c: Config| {
        let totals = flows::simulate(&c).unwrap_or_default();
        measured.per_request(&totals, p.store_latency_ms).total().as_secs_f64() * 1e9
    };
    let jwt_ns = per_request(Config { mode: Mode::Jwt, ..base });
    let jwt_denylist_ns = per_request(Config { mode: Mode::Jwt, revocation: Revocation::Denylist, ..base });
    servers
        .map(|n| {
            let store = if n < 2 { Store::Local } else { Store::Shared };
            CostPoint {
                servers: n,
                session_ns: per_request(Config { servers: n, store, ..base }),
                jwt_ns,
                jwt_denylist_ns,
            }
        })
        .collect()
}

/// Where the session and JWT curves cross: the first server count at which the cheaper design
/// is not the one at the first count; `None` when they never cross in `curves`.
#[must_use]
pub fn crossover(curves: &[CostPoint]) -> Option<u32> {
    let first = curves.first()?;
    let session_first = first.session_ns <= first.jwt_ns;
    curves.iter().find(|c| (c.session_ns <= c.jwt_ns) != session_first).map(|c| c.servers)
}

fn ns(x: f64) -> String {
    measured_duration(Duration::try_from_secs_f64(x / 1e9).unwrap_or_default())
}

/// The crossover in words, as the lab shows it under the sweep and `--sweep-servers` prints it.
#[must_use]
pub fn crossover_text(curves: &[CostPoint]) -> String {
    let (Some(first), Some(last)) = (curves.first(), curves.last()) else {
        return "No server counts to compare.".into();
    };
    let range = format!("{}..{} servers", first.servers, last.servers);
    let Some(n) = crossover(curves) else {
        let cheaper = if first.session_ns <= first.jwt_ns { "sessions stay cheaper" } else { "a JWT stays cheaper" };
        let (from, to) = (ns(first.session_ns), ns(last.session_ns));
        let sessions = if from == to {
            format!("sessions {from}")
        } else {
            format!("sessions {from} to {to} (in memory, then a shared store)")
        };
        return format!(
            "No crossover in {range}: {cheaper} per request, {sessions} against a JWT's {}; past one server, adding \
             servers changes neither side's cost. {}",
            ns(first.jwt_ns),
            denylist_text(curves)
        );
    };
    let at = curves.iter().find(|c| c.servers == n).unwrap_or(last);
    let before = curves.iter().rev().find(|c| c.servers < n).unwrap_or(first);
    format!(
        "Per request, the curves cross at {n} servers: sessions cost {} at {} ({}), {} at {n}; a JWT costs {} \
         throughout (verified on each server). {}",
        ns(before.session_ns),
        crate::core::text::count(before.servers, "server", "servers"),
        if before.servers < 2 { "in memory" } else { "a shared store" },
        ns(at.session_ns),
        ns(at.jwt_ns),
        denylist_text(curves)
    )
}

/// The third curve in words: where a JWT with a denylist check stands against sessions.
fn denylist_text(curves: &[CostPoint]) -> String {
    let Some(first) = curves.first() else { return String::new() };
    let above = curves.iter().filter(|c| c.jwt_denylist_ns >= c.session_ns).count();
    let place = if above == curves.len() {
        "at or above sessions at every count".to_string()
    } else if above == 0 {
        "below sessions at every count".to_string()
    } else {
        format!("at or above sessions at {above} of {} counts", curves.len())
    };
    format!(
        "A JWT that honours a logout (a denylist lookup in the store) costs {}: {place}.",
        ns(first.jwt_denylist_ns)
    )
}

/// The services per request the fan-out sweep runs: none to [`FAN_OUT_SWEEP_MAX`].
pub const FAN_OUT_SWEEP_MAX: u32 = 50;

/// What one user request costs when it fans out to `services` services, on the measured
/// operations: a session in a shared store is looked up 1 + M times, a JWT verified 1 + M times.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct FanOutPoint {
    /// Services each user request fans out to (M).
    pub services: u32,
    /// Sessions in a shared store: 1 + M lookups.
    pub session_ns: f64,
    /// A JWT without a revocation check: 1 + M verifications.
    pub jwt_ns: f64,
    /// A JWT with a denylist check: 1 + M verifications and their lookups.
    pub jwt_denylist_ns: f64,
    /// Sessions in a shared store reached from serverless functions: 1 + M lookups, each
    /// opening a store connection first (two more round trips: TCP and TLS handshakes).
    pub serverless_session_ns: f64,
}

/// Per user request, for each fan-out in `services`: sessions in a shared store against a JWT,
/// on `params`' servers (two at least: a shared store is for a cluster), users and requests,
/// from the model's counts times the operations `measured` here.
#[must_use]
pub fn fan_out_curves(params: &Params, measured: &Measured, services: RangeInclusive<u32>) -> Vec<FanOutPoint> {
    let p = params;
    let base = Config {
        servers: p.servers.max(2),
        users: p.users,
        requests: p.requests,
        store: Store::Shared,
        ..Config::default()
    };
    let per_request = |c: Config| {
        let totals = flows::simulate(&c).unwrap_or_default();
        measured.per_request(&totals, p.store_latency_ms).total().as_secs_f64() * 1e9
    };
    services
        .map(|m| FanOutPoint {
            services: m,
            session_ns: per_request(Config { services: m, ..base }),
            jwt_ns: per_request(Config { mode: Mode::Jwt, services: m, ..base }),
            jwt_denylist_ns: per_request(Config {
                mode: Mode::Jwt,
                revocation: Revocation::Denylist,
                services: m,
                ..base
            }),
            serverless_session_ns: per_request(Config { services: m, serverless: true, ..base }),
        })
        .collect()
}

/// The fan-out sweep in words, as the lab shows it and `--sweep-servers` prints it: both ends
/// of each curve, and the first fan-out where the cheaper design changes, if any.
#[must_use]
pub fn fan_out_text(curves: &[FanOutPoint]) -> String {
    let (Some(first), Some(last)) = (curves.first(), curves.last()) else {
        return "No fan-out to compare.".into();
    };
    let session_first = first.session_ns <= first.jwt_ns;
    let cross = if let Some(c) = curves.iter().find(|c| (c.session_ns <= c.jwt_ns) != session_first) {
        format!("the curves cross at {} services", c.services)
    } else {
        let cheaper = if session_first { "sessions stay" } else { "a JWT stays" };
        format!("{cheaper} cheaper throughout, and the gap grows with every service")
    };
    format!(
        "Per user request fanning out to {m0}..{m1} services: sessions in a shared store cost {} to {} (1 + M \
         lookups), a JWT {} to {} (1 + M verifications); {cross}. A JWT with a denylist check costs {} to {}: its \
         verifications plus the lookups sessions make.",
        ns(first.session_ns),
        ns(last.session_ns),
        ns(first.jwt_ns),
        ns(last.jwt_ns),
        ns(first.jwt_denylist_ns),
        ns(last.jwt_denylist_ns),
        m0 = first.services,
        m1 = last.services,
    )
}

/// The fan-out the reality check calls "dozens of services": two dozen.
pub const DOZENS_OF_SERVICES: u32 = 24;

/// What a JWT saves per user request at one fan-out, read off the fan-out curves.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Saving {
    /// Services the user request fans out to (M).
    pub services: u32,
    /// Sessions in a shared store minus a JWT without a revocation check, per user request.
    pub jwt_saves_ns: f64,
    /// What the same request costs with sessions reached from serverless functions.
    pub serverless_session_ns: f64,
    /// What it costs with a JWT (no store, so serverless changes nothing).
    pub jwt_ns: f64,
}

impl Saving {
    /// The saving at `point`.
    #[must_use]
    pub fn at(point: &FanOutPoint) -> Self {
        Saving {
            services: point.services,
            jwt_saves_ns: point.session_ns - point.jwt_ns,
            serverless_session_ns: point.serverless_session_ns,
            jwt_ns: point.jwt_ns,
        }
    }

    /// The saving as the fan-out plot labels it beside its point.
    #[must_use]
    pub fn label(&self) -> String {
        format!("JWT saves {} at M = {}", ns(self.jwt_saves_ns), self.services)
    }

    /// The serverless sessions' cost as the fan-out plot labels it beside its point.
    #[must_use]
    pub fn serverless_label(&self) -> String {
        format!("serverless sessions: {}", ns(self.serverless_session_ns))
    }
}

/// The reality check's two points on the fan-out curves: a single app (no fan-out, M = 0) and
/// [`DOZENS_OF_SERVICES`]; `None` when the curves do not reach them.
#[must_use]
pub fn savings(curves: &[FanOutPoint]) -> Option<(Saving, Saving)> {
    let at = |m: u32| curves.iter().find(|c| c.services == m).map(Saving::at);
    Some((at(0)?, at(DOZENS_OF_SERVICES)?))
}

/// The reality check on the user's figures, in words: the absolute saving per user request a
/// JWT brings to a single app and to one fanning out to dozens of services, and what sessions
/// cost from serverless functions, as the lab shows it under the fan-out plot and
/// `--sweep-servers` prints it.
#[must_use]
pub fn savings_text(curves: &[FanOutPoint]) -> String {
    let Some((one, many)) = savings(curves) else {
        return format!("The fan-out sweep does not reach 0 and {DOZENS_OF_SERVICES} services: no saving to compare.");
    };
    format!(
        "What a JWT saves per user request: {} in a single app (M = 0, {} against {}); \
         {} when it fans out to {} services. From serverless functions, where every lookup opens a store connection \
         (2 more round trips), sessions cost {} at M = 0 and {} at M = {} against a JWT's {}: that is where a JWT \
         pays off.",
        ns(one.jwt_saves_ns),
        ns(one.jwt_saves_ns + one.jwt_ns),
        ns(one.jwt_ns),
        ns(many.jwt_saves_ns),
        many.services,
        ns(one.serverless_session_ns),
        ns(many.serverless_session_ns),
        many.services,
        ns(many.jwt_ns),
    )
}
