//! The scalability sweep: the model run for each server count, once per design, as the lab
//! plots it for 1 to 50 servers and `simulate flow --sweep-servers FROM..TO` prints it.

use std::ops::RangeInclusive;

use super::Params;
use super::caps::MAX_SERVERS;
use crate::core::labs::flows::{self, Config, Mode, Store};

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
