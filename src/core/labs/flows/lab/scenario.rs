//! The lab's nine scenarios, each a pair of lane configs over the same parameters: what the
//! scenario bar shows, what `simulate flow --scenario NAME` runs.

use super::FlowsLab;
use crate::core::labs::flows::credential::{Credential, TYPICAL_TOKEN_BYTES};
use crate::core::labs::flows::{Client, Config, Logout, Mode, Store};

/// The comparison rows the lab demonstrates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum FlowScenario {
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

impl FlowScenario {
    /// Every scenario, in the order of the bar.
    pub const ALL: [FlowScenario; 9] = [
        FlowScenario::Scalability,
        FlowScenario::Failover,
        FlowScenario::Revocation,
        FlowScenario::Overhead,
        FlowScenario::CrossDomain,
        FlowScenario::Mobile,
        FlowScenario::Microservices,
        FlowScenario::Serverless,
        FlowScenario::Hybrid,
    ];

    /// Its name on the scenario bar.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            FlowScenario::Scalability => "Scalability",
            FlowScenario::Failover => "Failover",
            FlowScenario::Revocation => "Revocation",
            FlowScenario::Overhead => "Request overhead",
            FlowScenario::CrossDomain => "Cross-domain",
            FlowScenario::Mobile => "Mobile client",
            FlowScenario::Microservices => "Microservices",
            FlowScenario::Serverless => "Serverless",
            FlowScenario::Hybrid => "Hybrid",
        }
    }

    /// Its name as `simulate flow --scenario` spells it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            FlowScenario::Scalability => "scalability",
            FlowScenario::Failover => "failover",
            FlowScenario::Revocation => "revocation",
            FlowScenario::Overhead => "request-overhead",
            FlowScenario::CrossDomain => "cross-domain",
            FlowScenario::Mobile => "mobile",
            FlowScenario::Microservices => "microservices",
            FlowScenario::Serverless => "serverless",
            FlowScenario::Hybrid => "hybrid",
        }
    }

    /// Two lines on what the scenario shows.
    #[must_use]
    pub fn caption(self) -> [&'static str; 2] {
        match self {
            FlowScenario::Scalability => [
                "Where does the state live as servers are added? Sticky sessions pin each user to one server's memory, a shared store is a round trip from every server, replication copies each login to N-1 servers.",
                "A JWT needs only the verification key on each server (a public key; an HMAC secret for HS tokens). The sweep below runs the model for 1 to 50 servers.",
            ],
            FlowScenario::Failover => [
                "Server 0 dies halfway through (click a server to kill more). Its in-memory sessions die with it: every later request of those users fails (the model, like `simulate flow`, logs no one in again).",
                "A JWT verifies on any server, so nothing fails and nothing is lost. A shared session store survives it too; take the store down to see what that store costs.",
            ],
            FlowScenario::Revocation => [
                "User 0 logs out a quarter of the way in. Deleting the session stops the very next request.",
                "A JWT without a check stays valid until exp; a denylist or version check stops it at once, for one lookup per verification.",
            ],
            FlowScenario::Overhead => [
                "Every request carries its credential: a 34-byte cookie line, or the whole token in the Authorization header.",
                "The cookie is small but costs a store round trip; the token is large but is checked locally. Compare bytes sent with lookups made.",
            ],
            FlowScenario::CrossDomain => [
                "After every third request the page calls an API on another site. The browser never attaches the app's cookie there.",
                "An Authorization header is sent anywhere the page chooses, after one CORS preflight per user.",
            ],
            FlowScenario::Mobile => [
                "A native app has no cookie jar: it keeps the Set-Cookie value itself and sends it by hand; SameSite and CORS are browser rules, so cross-site calls work both ways.",
                "What differs is the bytes on a metered link, and that the session's lookups stay on the server side.",
            ],
            FlowScenario::Microservices => [
                "Each request fans out to M services. With sessions every service looks the session up: 1 + M store lookups per request, all on one store.",
                "With a JWT each service verifies the signature itself with a cached key: 1 + M verifications, no shared state.",
            ],
            FlowScenario::Serverless => [
                "Functions keep no connection between invocations: every session lookup opens a new store connection (TCP and TLS: two more round trips).",
                "A JWT is verified with a key cached in the function's memory (a public key, or the HMAC secret for HS tokens): no connection at all.",
            ],
            FlowScenario::Hybrid => [
                "What most production systems run: a session cookie at the edge (34 bytes, revocable at once), short-lived JWTs from the edge to the services.",
                "1 lookup + M verifications per request instead of 1 + M lookups, and revocation bounded by the internal token's 60 s.",
            ],
        }
    }

    /// The fan-out the scenario starts with.
    #[must_use]
    pub fn fan_out(self) -> u32 {
        match self {
            FlowScenario::Microservices => crate::core::labs::compare::DEFAULT_FAN_OUT,
            FlowScenario::Hybrid => 3,
            _ => 0,
        }
    }

    /// The fewest servers the scenario starts with: failover kills server 0, so another must
    /// be left to serve.
    #[must_use]
    pub fn min_servers(self) -> u32 {
        if self == FlowScenario::Failover { 2 } else { 1 }
    }
}

impl std::str::FromStr for FlowScenario {
    type Err = String;

    /// A scenario by its [`FlowScenario::name`].
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL.iter().copied().find(|v| v.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|v| v.name()).collect();
            format!("{s:?} is not one of {}", names.join(", "))
        })
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

/// The session lane's design in the failover scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailoverVariant {
    /// Each server keeps the sessions it created in memory; users are pinned to it.
    #[default]
    Sticky,
    /// One shared store every server reaches (users still pinned, re-pinned when theirs dies).
    Shared,
}

impl FailoverVariant {
    /// Every variant.
    pub const ALL: [FailoverVariant; 2] = [FailoverVariant::Sticky, FailoverVariant::Shared];

    /// Its name.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            FailoverVariant::Sticky => "sticky, in-memory sessions",
            FailoverVariant::Shared => "shared store",
        }
    }
}

impl FlowsLab {
    /// The request from which the failover scenario's store is down, when it is set and inside
    /// the run.
    #[must_use]
    pub fn store_down_from(&self) -> Option<u64> {
        self.store_down.filter(|i| *i < self.params.requests)
    }

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
            FlowScenario::Scalability => {
                let left = match self.variant {
                    SessionVariant::Sticky => Config { store: Store::Local, sticky: true, ..session },
                    SessionVariant::Shared => session,
                    SessionVariant::Replicated => Config { store: Store::Replicated, ..session },
                };
                [left, jwt]
            }
            FlowScenario::Failover => {
                let fail_server_at = Some(r / 2);
                let store = match self.failover_variant {
                    FailoverVariant::Sticky => Store::Local,
                    FailoverVariant::Shared => Store::Shared,
                };
                // Sticky routing is what keeps in-memory sessions reachable; with a shared store any
                // server reads the session, so that lane routes freely (and its title says so).
                let lanes = [
                    Config { store, sticky: store == Store::Local, fail_server_at, ..session },
                    Config { sticky: true, fail_server_at, revocation: self.revocation, ..jwt },
                ];
                // The store goes down only in the lanes that use one.
                lanes.map(|c| if c.uses_store() { Config { store_fail_at: self.store_down_from(), ..c } } else { c })
            }
            FlowScenario::Revocation => {
                let logout = Some(Logout { user: 0, before_request: r / 4 });
                let lanes = [Config { logout, ..session }, Config { logout, revocation: self.revocation, ..jwt }];
                // A logout while the store is down cannot delete or write anything: it fails.
                lanes.map(|c| if c.uses_store() { Config { store_fail_at: self.store_down_from(), ..c } } else { c })
            }
            FlowScenario::Overhead | FlowScenario::Microservices => [session, jwt],
            FlowScenario::CrossDomain => [Config { cross_site_every, ..session }, Config { cross_site_every, ..jwt }],
            FlowScenario::Mobile => [
                Config { client: Client::Mobile, cross_site_every, ..session },
                Config { client: Client::Mobile, cross_site_every, ..jwt },
            ],
            FlowScenario::Serverless => [Config { serverless: true, ..session }, Config { serverless: true, ..jwt }],
            FlowScenario::Hybrid => [session, Config { mode: Mode::Hybrid, ..base }],
        }
    }
}
