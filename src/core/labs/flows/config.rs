//! What a run depends on: the designs (mode, store, revocation check, client), the config of
//! one run with its limits, and why a config cannot run.

use serde::Serialize;

use super::credential;

/// `Authorization: Bearer ` (22 bytes): the JWT credential line without the token.
pub const BEARER_PREFIX: &str = "Authorization: Bearer ";
/// `Cookie: sid=` (12 bytes): the session credential line without the id.
pub const COOKIE_PREFIX: &str = "Cookie: sid=";
/// A session id: 128 random bits as unpadded base64url.
pub const SESSION_ID_CHARS: usize = 22;
/// The byte length of `Cookie: sid=<22 chars>`.
pub const COOKIE_LINE_BYTES: usize = COOKIE_PREFIX.len() + SESSION_ID_CHARS;
/// The attributes of the session cookie as set at login.
pub const SET_COOKIE_ATTRIBUTES: &str = "; HttpOnly; Secure; SameSite=Lax";
/// How long the hybrid edge's internal JWTs live (seconds): the bound on revocation for services.
pub const HYBRID_INTERNAL_TOKEN_LIFETIME: f64 = 60.0;
/// The most servers a topology may have (servers are indexed by `u16` per user).
pub const MAX_SERVERS: u32 = 65_535;
/// The most users a run may have (one byte of state each, plus two for the login server).
pub const MAX_USERS: u32 = 100_000_000;
/// The most services a request may fan out to.
pub const MAX_SERVICES: u32 = 1_000;
/// The most requests a run may have: 10^10, about a minute of simulation in a release build on
/// a 2-core machine (35 to 65 s across modes, stores, fan-outs and failures, measured), so a
/// run never goes on for hours without a word; every count stays far inside `u64`.
pub const MAX_REQUESTS: u64 = 10_000_000_000;

/// Where authentication state lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A session id in a cookie; the state is a store record.
    #[default]
    Session,
    /// A signed token in the Authorization header; the state travels with every request.
    Jwt,
    /// A session at the edge, short-lived JWTs between the edge and the services.
    Hybrid,
}

/// Where session records are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Store {
    /// One store every server reaches over the network (Redis, a database).
    #[default]
    Shared,
    /// Each server keeps the sessions it created in its own memory.
    Local,
    /// Each server keeps every session; a login is copied to every other server.
    Replicated,
}

/// How a JWT server learns that a token was revoked before it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Revocation {
    /// It does not: a token stays valid until `exp`.
    #[default]
    None,
    /// Every verification also looks the token's `jti` up in a denylist.
    Denylist,
    /// Every verification also compares the token's version with the user's current one.
    Version,
}

/// Who sends the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Client {
    /// A browser: keeps cookies itself, enforces `SameSite` and CORS.
    #[default]
    Browser,
    /// A native app: no cookie jar (it stores `Set-Cookie` by hand), no browser rules.
    Mobile,
}

macro_rules! named {
    ($ty:ty { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in display order.
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),+];

            /// The value's name, as the CLI spells it.
            #[must_use]
            pub fn name(self) -> &'static str {
                match self { $(<$ty>::$variant => $name),+ }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::ALL.iter().copied().find(|v| v.name() == s).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.name()).collect();
                    format!("{s:?} is not one of {}", names.join(", "))
                })
            }
        }
    };
}

named!(Mode { Session => "session", Jwt => "jwt", Hybrid => "hybrid" });

impl Mode {
    /// True when the login gives the browser a session id (session and hybrid).
    #[must_use]
    pub fn sessions(self) -> bool {
        matches!(self, Self::Session | Self::Hybrid)
    }

    /// True when signed tokens are issued and verified (JWT and hybrid).
    #[must_use]
    pub fn tokens(self) -> bool {
        matches!(self, Self::Jwt | Self::Hybrid)
    }
}
named!(Store { Shared => "shared", Local => "local", Replicated => "replicated" });
named!(Revocation { None => "none", Denylist => "denylist", Version => "version" });
named!(Client { Browser => "browser", Mobile => "mobile" });

/// A user logs out just before a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Logout {
    /// Who logs out.
    pub user: u32,
    /// Just before which request.
    pub before_request: u64,
}

/// Everything a run depends on. Identical configs give identical results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Config {
    /// Session, JWT or hybrid.
    pub mode: Mode,
    /// Where sessions live (session and hybrid mode; ignored in JWT mode).
    pub store: Store,
    /// Route each user to the server of its login.
    pub sticky: bool,
    /// App servers at the start (N).
    pub servers: u32,
    /// Users, all logged in before the first request (U).
    pub users: u32,
    /// Requests after the logins (R).
    pub requests: u64,
    /// Downstream services every request fans out to (M).
    pub services: u32,
    /// The revocation check of JWT mode.
    pub revocation: Revocation,
    /// Server 0 dies just before this request.
    pub fail_server_at: Option<u64>,
    /// The store (a shared session store, or a JWT revocation store) is unreachable from this
    /// request on.
    pub store_fail_at: Option<u64>,
    /// The store is back from this request on (`None`: down to the end of the run).
    pub store_back_at: Option<u64>,
    /// The JWT's length in bytes (JWT mode's header, the hybrid's service hops).
    pub token_bytes: usize,
    /// Browser or native app.
    pub client: Client,
    /// After every k-th request the same user calls another site's API (0: never).
    pub cross_site_every: u64,
    /// A user who logs out during the run.
    pub logout: Option<Logout>,
    /// Serverless functions: no persistent store connection, every lookup opens one.
    pub serverless: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Session,
            store: Store::Shared,
            sticky: false,
            servers: 1,
            users: 1,
            requests: 0,
            services: 0,
            revocation: Revocation::None,
            fail_server_at: None,
            store_fail_at: None,
            store_back_at: None,
            token_bytes: credential::TYPICAL_TOKEN_BYTES,
            client: Client::Browser,
            cross_site_every: 0,
            logout: None,
            serverless: false,
        }
    }
}

impl Config {
    /// The byte length of the credential line each request carries.
    #[must_use]
    pub fn bytes_per_request(&self) -> usize {
        match self.mode {
            Mode::Session | Mode::Hybrid => COOKIE_LINE_BYTES,
            Mode::Jwt => BEARER_PREFIX.len() + self.token_bytes,
        }
    }

    /// Whether sessions (and so a session store) exist in this mode.
    #[must_use]
    pub fn has_sessions(&self) -> bool {
        self.mode != Mode::Jwt
    }

    /// Whether every request depends on one store over the network that can go down: a shared
    /// session store (session and hybrid mode), or a JWT's revocation store (denylist or version).
    #[must_use]
    pub fn uses_store(&self) -> bool {
        match self.mode {
            Mode::Session | Mode::Hybrid => self.store == Store::Shared,
            Mode::Jwt => self.revocation != Revocation::None,
        }
    }

    /// Whether the store is unreachable for request `j` (the outage is `I <= j < J`).
    #[must_use]
    pub fn store_down_at(&self, j: u64) -> bool {
        self.store_fail_at.is_some_and(|i| j >= i) && self.store_back_at.is_none_or(|back| j < back)
    }

    /// Checks the store outage: only where a store is used, and inside the run.
    fn validate_store_outage(&self) -> Result<(), FlowError> {
        let Some(i) = self.store_fail_at else {
            return match self.store_back_at {
                Some(_) => Err(FlowError::StoreBackWithoutFail),
                None => Ok(()),
            };
        };
        if !self.uses_store() {
            return Err(match self.mode {
                Mode::Jwt => FlowError::StoreFailWithoutRevocationCheck,
                _ => FlowError::StoreFailWithoutSharedStore(self.store),
            });
        }
        if i >= self.requests {
            return Err(FlowError::StoreFailAfterRun { at: i, requests: self.requests });
        }
        match self.store_back_at {
            Some(j) if j <= i => Err(FlowError::StoreBackNotAfterFail { back: j, fail: i }),
            Some(j) if j > self.requests => Err(FlowError::StoreBackAfterRun { at: j, requests: self.requests }),
            _ => Ok(()),
        }
    }

    /// Checks the config can run.
    ///
    /// # Errors
    /// [`FlowError`] saying which parameter is wrong.
    pub fn validate(&self) -> Result<(), FlowError> {
        if self.servers < 1 {
            return Err(FlowError::NoServers);
        }
        if self.servers > MAX_SERVERS {
            return Err(FlowError::TooManyServers(self.servers));
        }
        if self.users < 1 {
            return Err(FlowError::NoUsers);
        }
        if self.users > MAX_USERS {
            return Err(FlowError::TooManyUsers(self.users));
        }
        if self.services > MAX_SERVICES {
            return Err(FlowError::TooManyServices(self.services));
        }
        if self.requests > MAX_REQUESTS {
            return Err(FlowError::TooManyRequests(self.requests));
        }
        if self.fail_server_at.is_some() && self.servers < 2 {
            return Err(FlowError::FailWithOneServer);
        }
        if let Some(l) = self.logout
            && l.user >= self.users
        {
            return Err(FlowError::NoSuchUser(l.user));
        }
        self.validate_store_outage()
    }
}

/// Why a config cannot run or an event cannot happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    /// N < 1.
    #[error("--servers must be at least 1")]
    NoServers,
    /// N above [`MAX_SERVERS`].
    #[error("--servers {0} is more than the {MAX_SERVERS} servers the model supports")]
    TooManyServers(u32),
    /// U < 1.
    #[error("--users must be at least 1")]
    NoUsers,
    /// U above [`MAX_USERS`].
    #[error("--users {0} is more than the {MAX_USERS} users the model supports")]
    TooManyUsers(u32),
    /// M above [`MAX_SERVICES`].
    #[error("--services {0} is more than the {MAX_SERVICES} services the model supports")]
    TooManyServices(u32),
    /// R above [`MAX_REQUESTS`].
    #[error(
        "--requests {0} is more than the {MAX_REQUESTS} requests the model runs (10^10, about a minute in a release \
         build)"
    )]
    TooManyRequests(u64),
    /// A failure with a single server would leave nowhere to route.
    #[error("--fail-server-at needs at least 2 servers: with one, no server would be left to serve")]
    FailWithOneServer,
    /// `--store-fail-at` in session or hybrid mode without a shared store.
    #[error(
        "--store-fail-at takes down the shared store; with --store {} there is none (use --store shared, or --mode \
         jwt with --revocation denylist|version)",
        .0.name()
    )]
    StoreFailWithoutSharedStore(Store),
    /// `--store-fail-at` in JWT mode without a revocation check.
    #[error(
        "--store-fail-at takes down the revocation store; a JWT without a check uses none (give --revocation \
         denylist|version)"
    )]
    StoreFailWithoutRevocationCheck,
    /// The outage starts after the last request.
    #[error("--store-fail-at {at} is not a request of the run: {}", run_requests(*.requests))]
    StoreFailAfterRun {
        /// I.
        at: u64,
        /// R.
        requests: u64,
    },
    /// The store is back before it went down.
    #[error("--store-back-at {back} must be after --store-fail-at {fail}")]
    StoreBackNotAfterFail {
        /// J.
        back: u64,
        /// I.
        fail: u64,
    },
    /// The store is back after the run.
    #[error(
        "--store-back-at {at} is past the end of the run (--requests {requests}; leave it out for down to the end)"
    )]
    StoreBackAfterRun {
        /// J.
        at: u64,
        /// R.
        requests: u64,
    },
    /// `--store-back-at` without an outage.
    #[error("--store-back-at needs --store-fail-at: the store is back only after it went down")]
    StoreBackWithoutFail,
    /// The logout names a user who does not exist.
    #[error("user {0} does not exist")]
    NoSuchUser(u32),
    /// Killing the last live server.
    #[error("server {0} is the last live server; at least one must stay up")]
    LastServer(u32),
    /// Killing a server that is dead or never existed.
    #[error("server {0} is not a live server")]
    NotAlive(u32),
}

/// The requests of a run of `requests`, for a message: their indices, or that there are none.
fn run_requests(requests: u64) -> String {
    if requests == 0 {
        "it has no requests (--requests 0)".to_owned()
    } else {
        format!("requests are 0 to {} (--requests {requests})", requests - 1)
    }
}
