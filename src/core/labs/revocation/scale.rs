//! The strategies at scale: steady-state server records, bytes and store lookups per second
//! for a population of users, from a handful of inputs.
//!
//! - session store: one record per active (signed-in) user;
//! - jwt: nothing;
//! - jwt-refresh: one refresh family per active user; a store lookup per renewal, i.e.
//!   active users / access-ttl per second (requests themselves cost none);
//! - jwt-denylist: revocations per second x token-ttl entries (each entry is kept at most until
//!   the revoked token's exp: the worst case, a revocation right after issue, is the bound);
//!   a lookup on every request;
//! - jwt-version: one counter per user (signed in or not); a lookup on every request.
//!
//! Bytes are the records' key and value as [`super::record`] lays them out.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::scenario::kind_of;
use super::{RevocationScenario, ScenarioError, Strategy, record};

/// Seconds per day.
const DAY: f64 = 86_400.0;

/// The most registered users the at-scale view takes (ten billion: more than people on Earth).
pub const MAX_SCALE_USERS: u64 = 10_000_000_000;

/// The most authenticated requests per second it takes (a billion).
pub const MAX_REQUESTS_PER_SECOND: f64 = 1e9;

/// The most revocations per day it takes (ten billion).
pub const MAX_REVOCATIONS_PER_DAY: f64 = 1e10;

/// The population the at-scale view is computed for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScaleInputs {
    /// Registered users.
    pub users: u64,
    /// Users signed in at any moment.
    pub active_users: u64,
    /// Authenticated requests per second, all users together.
    pub requests_per_second: f64,
    /// Revocations (logouts, password changes, suspensions…) per day.
    pub revocations_per_day: f64,
}

impl Default for ScaleInputs {
    fn default() -> Self {
        Self { users: 1_000_000, active_users: 100_000, requests_per_second: 5000.0, revocations_per_day: 20_000.0 }
    }
}

impl ScaleInputs {
    /// Checks the inputs against ranges that keep every at-scale figure finite.
    ///
    /// # Errors
    /// No users or more than [`MAX_SCALE_USERS`], a rate that is negative, not finite or over
    /// its maximum, or more active users than users.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let error = |field: &str, message: String| Err(ScenarioError { field: field.into(), message });
        if self.users == 0 {
            return error("scale.users", "must be at least 1".into());
        }
        if self.users > MAX_SCALE_USERS {
            return error(
                "scale.users",
                format!("{} is more than the {MAX_SCALE_USERS} users the model takes", self.users),
            );
        }
        for (field, v, max) in [
            ("scale.requests_per_second", self.requests_per_second, MAX_REQUESTS_PER_SECOND),
            ("scale.revocations_per_day", self.revocations_per_day, MAX_REVOCATIONS_PER_DAY),
        ] {
            if !v.is_finite() || v < 0.0 {
                return error(field, format!("must be a finite number >= 0, got {v}"));
            }
            if v > max {
                return error(field, format!("{v:e} is more than the {max:e} the model takes"));
            }
        }
        if self.active_users > self.users {
            return Err(ScenarioError {
                field: "scale.active_users".into(),
                message: format!("{} is more than the {} users", self.active_users, self.users),
            });
        }
        Ok(())
    }

    pub(super) fn from_json(obj: &Map<String, Value>) -> Result<Self, ScenarioError> {
        let names = ["users", "active_users", "requests_per_second", "revocations_per_day"];
        if let Some(k) = obj.keys().find(|k| !names.contains(&k.as_str())) {
            return Err(ScenarioError {
                field: format!("scale.{k}"),
                message: format!("unknown member; expected one of {}", names.join(", ")),
            });
        }
        let d = Self::default();
        let null = |name: &str| ScenarioError {
            field: format!("scale.{name}"),
            message: "must be a number, found null; leave the member out for its default".into(),
        };
        let count = |name: &str, default: u64| match obj.get(name) {
            None => Ok(default),
            Some(Value::Null) => Err(null(name)),
            Some(Value::Number(n)) => n.as_u64().ok_or_else(|| ScenarioError {
                field: format!("scale.{name}"),
                message: format!("must be a whole number >= 0, found {n}"),
            }),
            Some(other) => Err(ScenarioError {
                field: format!("scale.{name}"),
                message: format!("must be a number, found {}", kind_of(other)),
            }),
        };
        let rate = |name: &str, default: f64| match obj.get(name) {
            None => Ok(default),
            Some(Value::Null) => Err(null(name)),
            Some(Value::Number(n)) => Ok(n.as_f64().unwrap_or(f64::NAN)),
            Some(other) => Err(ScenarioError {
                field: format!("scale.{name}"),
                message: format!("must be a number, found {}", kind_of(other)),
            }),
        };
        let inputs = Self {
            users: count("users", d.users)?,
            active_users: count("active_users", d.active_users)?,
            requests_per_second: rate("requests_per_second", d.requests_per_second)?,
            revocations_per_day: rate("revocations_per_day", d.revocations_per_day)?,
        };
        // Checked with the scenario (RevocationScenario::validate), after any override.
        Ok(inputs)
    }

    pub(super) fn to_json(self) -> Value {
        json!({
            "users": self.users,
            "active_users": self.active_users,
            "requests_per_second": self.requests_per_second,
            "revocations_per_day": self.revocations_per_day,
        })
    }
}

/// One strategy at scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScaleRow {
    /// The strategy.
    #[serde(rename = "name")]
    pub strategy: Strategy,
    /// Records the server keeps in the steady state.
    pub entries: f64,
    /// Their bytes (key and value, no store overhead).
    pub bytes: f64,
    /// Store lookups per second.
    pub lookups_per_second: f64,
    /// What the state grows with.
    pub grows_with: &'static str,
}

/// The steady state of every strategy for the scenario's token-ttl, access-ttl and scale
/// inputs (the defaults when it has none).
#[must_use]
pub fn at_scale(scenario: &RevocationScenario) -> Vec<ScaleRow> {
    let inputs = scenario.scale.unwrap_or_default();
    Strategy::ALL.iter().map(|&s| row(s, scenario, &inputs)).collect()
}

fn row(strategy: Strategy, scenario: &RevocationScenario, inputs: &ScaleInputs) -> ScaleRow {
    let active = inputs.active_users as f64;
    let (entries, lookups, grows_with) = match strategy {
        Strategy::Session => (active, inputs.requests_per_second, "active users"),
        Strategy::Jwt => (0.0, 0.0, "nothing"),
        Strategy::JwtRefresh => {
            // Each active user renews once per access-ttl, and never more than once a request
            // (a 0-second access token is renewed for every request).
            let renewals = if scenario.access_ttl > 0 {
                (active / scenario.access_ttl as f64).min(inputs.requests_per_second)
            } else {
                inputs.requests_per_second
            };
            (active, renewals, "active users; lookups with 1 / access-ttl")
        }
        Strategy::JwtDenylist => (
            inputs.revocations_per_day / DAY * scenario.token_ttl as f64,
            inputs.requests_per_second,
            "revocations x token-ttl",
        ),
        Strategy::JwtVersion => (inputs.users as f64, inputs.requests_per_second, "users"),
    };
    let per_record = record(strategy, scenario).map_or(0, |r| r.bytes()) as f64;
    ScaleRow { strategy, entries, bytes: entries * per_record, lookups_per_second: lookups, grows_with }
}

/// One strategy's server bytes as token-ttl varies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScaleSeries {
    /// The strategy.
    pub strategy: Strategy,
    /// `[token-ttl in seconds, entries, bytes]` points.
    pub points: Vec<[f64; 3]>,
}

/// Entries and bytes of every strategy for `n` token-ttls from access-ttl to the larger of a
/// day and four times the scenario's token-ttl (each point computed as [`at_scale`] would).
#[must_use]
pub fn series_against_token_ttl(scenario: &RevocationScenario, n: usize) -> Vec<ScaleSeries> {
    let lo = scenario.access_ttl.max(1) as f64;
    let hi = (scenario.token_ttl as f64 * 4.0).max(DAY).max(lo + 1.0);
    let inputs = scenario.scale.unwrap_or_default();
    let steps = n.max(2);
    let ttls: Vec<i64> = (0..steps)
        .map(|i| {
            #[allow(clippy::cast_possible_truncation)]
            let ttl = (lo + (hi - lo) * i as f64 / (steps - 1) as f64).round() as i64;
            ttl
        })
        .collect();
    Strategy::ALL
        .iter()
        .map(|&strategy| ScaleSeries {
            strategy,
            points: ttls
                .iter()
                .map(|&ttl| {
                    let at = RevocationScenario { token_ttl: ttl, ..scenario.clone() };
                    let r = row(strategy, &at, &inputs);
                    [ttl as f64, r.entries, r.bytes]
                })
                .collect(),
        })
        .collect()
}
