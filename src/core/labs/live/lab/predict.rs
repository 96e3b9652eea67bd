//! What the Flows model predicts for the live run's settings, to set beside what the real
//! servers did: whether requests are served, whether they survive the login server's death,
//! whether a logout stops the credential, and what authentication costs per request with the
//! store round trip and the verification measured here instead of typed.

use std::time::Duration;

use crate::core::labs::flows::credential::Measured;
use crate::core::labs::flows::{self, Config as FlowConfig, Logout, Store, Totals};
use crate::core::labs::live::{Mode, Revocation, StoreKind};

/// Requests each prediction plays: enough to reach every server a few times.
const REQUESTS: u64 = 48;

/// The live settings a prediction needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Design {
    /// Session, JWT or hybrid.
    pub mode: Mode,
    /// Per-server memory (`true`) or one store every server reaches.
    pub per_server_store: bool,
    /// How a JWT logout is honoured.
    pub revocation: Revocation,
    /// App servers.
    pub servers: usize,
    /// Pinned by cookie.
    pub sticky: bool,
}

impl Design {
    /// The design of a live configuration.
    #[must_use]
    pub fn of(mode: Mode, store: &StoreKind, revocation: Revocation, servers: usize, sticky: bool) -> Self {
        Self { mode, per_server_store: *store == StoreKind::PerServer, revocation, servers, sticky }
    }

    /// The same design as a Flows model config with one user and [`REQUESTS`] requests.
    #[must_use]
    pub fn flow_config(&self) -> FlowConfig {
        FlowConfig {
            mode: self.mode,
            store: if self.per_server_store { Store::Local } else { Store::Shared },
            sticky: self.sticky,
            servers: u32::try_from(self.servers).unwrap_or(u32::MAX).max(1),
            users: 1,
            requests: REQUESTS,
            revocation: self.revocation,
            ..FlowConfig::default()
        }
    }
}

/// A situation the tab compares the model and the servers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Situation {
    /// Logged in, every server up: are requests served?
    Served,
    /// The server that answered the login is stopped: does the next request survive?
    LoginServerDown,
    /// The user logged out: is a request with a copy of the credential refused?
    AfterLogout,
}

impl Situation {
    /// Every situation, in the order the tab lists them.
    pub const ALL: [Situation; 3] = [Situation::Served, Situation::LoginServerDown, Situation::AfterLogout];

    /// The situation in a few words.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Served => "Requests after login",
            Self::LoginServerDown => "After the login's server stops",
            Self::AfterLogout => "After logout, a copy of the credential",
        }
    }
}

/// What the model says happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prediction {
    /// True when the request is expected to be answered 2xx.
    pub served: bool,
    /// The model's figures in a sentence.
    pub text: String,
}

/// The model's answer for `situation` under `design`.
#[must_use]
pub fn predict(design: &Design, situation: Situation) -> Prediction {
    let base = design.flow_config();
    match situation {
        Situation::Served => {
            let t = simulate(&base);
            let served = t.failed_requests == 0;
            let text = if served {
                format!("all {} requests served", t.requests)
            } else {
                format!(
                    "{} of {} requests fail: the session lives only on the server that made it",
                    t.failed_requests, t.requests
                )
            };
            Prediction { served, text }
        }
        Situation::LoginServerDown => {
            if design.servers < 2 {
                return Prediction { served: false, text: "no server left to answer (503)".to_owned() };
            }
            let t = simulate(&FlowConfig { fail_server_at: Some(0), ..base });
            let served = t.failed_requests == 0;
            let text = if served {
                format!("survives: {} of {} served by the other servers", t.requests, t.requests)
            } else if t.sessions_lost > 0 {
                format!("session lost with its server: {} of {} fail", t.failed_requests, t.requests)
            } else {
                format!("{} of {} requests fail", t.failed_requests, t.requests)
            };
            Prediction { served, text }
        }
        Situation::AfterLogout => {
            let t = simulate(&FlowConfig { logout: Some(Logout { user: 0, before_request: 0 }), ..base });
            let served = t.accepted_after_logout > 0;
            let text = if served {
                format!("still accepted: {} of {} requests", t.accepted_after_logout, t.requests)
            } else {
                format!("refused: {} of {} requests", t.rejected_after_logout, t.requests)
            };
            Prediction { served, text }
        }
    }
}

fn simulate(config: &FlowConfig) -> Totals {
    flows::simulate(config).unwrap_or_default()
}

/// The model's authentication cost of one `GET /me` under `design`: its verifications times
/// `verify` (measured on the run's own token) and its store round trips times `round_trip`
/// (measured on the run's store).
#[must_use]
pub fn auth_cost(design: &Design, verify: Duration, round_trip: Duration) -> Duration {
    let totals = simulate(&design.flow_config());
    // A per-server store is looked up in the server's own memory: the measured lookup is its
    // CPU cost. A shared store's lookup is the round trip itself (the network wait), not
    // counted twice.
    let lookup = if design.per_server_store { round_trip } else { Duration::ZERO };
    let measured = Measured { verify, sign: None, lookup, valid: true };
    measured.per_request(&totals, round_trip.as_secs_f64() * 1e3).total()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design(mode: Mode, per_server_store: bool, revocation: Revocation, servers: usize, sticky: bool) -> Design {
        Design { mode, per_server_store, revocation, servers, sticky }
    }

    #[test]
    fn the_model_predicts_what_the_story_says() {
        let shared = design(Mode::Session, false, Revocation::None, 2, false);
        assert!(predict(&shared, Situation::Served).served);
        assert!(predict(&shared, Situation::LoginServerDown).served, "a shared store outlives a server");
        assert!(!predict(&shared, Situation::AfterLogout).served, "a deleted session is refused");

        let pinned = design(Mode::Session, true, Revocation::None, 2, true);
        assert!(predict(&pinned, Situation::Served).served);
        let down = predict(&pinned, Situation::LoginServerDown);
        assert!(!down.served && down.text.starts_with("session lost"), "{}", down.text);

        let unpinned = design(Mode::Session, true, Revocation::None, 2, false);
        let p = predict(&unpinned, Situation::Served);
        assert!(!p.served && p.text.contains("24 of 48"), "{}", p.text);

        let jwt = design(Mode::Jwt, false, Revocation::None, 2, false);
        assert!(predict(&jwt, Situation::LoginServerDown).served);
        assert!(predict(&jwt, Situation::AfterLogout).served, "a plain JWT outlives its logout");
        for r in [Revocation::Denylist, Revocation::Version] {
            assert!(!predict(&design(Mode::Jwt, false, r, 2, false), Situation::AfterLogout).served, "{r:?}");
        }
        assert!(!predict(&design(Mode::Jwt, false, Revocation::None, 1, false), Situation::LoginServerDown).served);
    }

    #[test]
    fn auth_cost_counts_what_each_design_does_per_request() {
        let verify = Duration::from_micros(40);
        let rtt = Duration::from_micros(100);
        let session = design(Mode::Session, false, Revocation::None, 2, false);
        assert_eq!(auth_cost(&session, verify, rtt), rtt, "one store round trip, no signature");
        let jwt = design(Mode::Jwt, false, Revocation::None, 2, false);
        assert_eq!(auth_cost(&jwt, verify, rtt), verify, "one verification, no store");
        let denylist = design(Mode::Jwt, false, Revocation::Denylist, 2, false);
        assert_eq!(auth_cost(&denylist, verify, rtt), verify + rtt, "both");
        let own_memory = design(Mode::Session, true, Revocation::None, 2, true);
        assert_eq!(auth_cost(&own_memory, verify, rtt), rtt, "one lookup in the server's own memory");
    }
}
