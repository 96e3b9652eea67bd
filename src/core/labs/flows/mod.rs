//! Session vs JWT request flows: a deterministic model of where authentication state lives and
//! what that costs.
//!
//! A topology of clients, a load balancer, N app servers, a session store (shared, local to
//! each server, or replicated between servers), an auth server and M downstream services every
//! request fans out to. [`Flow`] plays the events one at a time ([`Flow::step`], what the
//! animated view shows) or all at once ([`Flow::run`], what the CLI prints); both go through the
//! same per-request code, so the GUI and the CLI give the same numbers.
//!
//! The rules (the `simulate flow` contract):
//! - Users `0..U-1` log in first, in order; login `u` is served by server `u mod N`, N counting
//!   the servers in the topology when it happens (a server added by a click before the logins
//!   takes its share; the CLI adds none, so N is `--servers`). Logins are
//!   not requests. With a replicated store each login sends `N-1` replication messages.
//! - Then requests `j = 0..R-1`, each by user `j mod U`. With `sticky` a request goes to the
//!   server of its user's login (re-pinned to the lowest live server, server 1 when server 0
//!   died, if that one is dead); otherwise to `alive[j mod len(alive)]`, live servers in index
//!   order.
//! - `fail_server_at = I`: server 0 dies just before request `I` (never, when `I >= R`); its
//!   local store is gone. `sessions_lost` counts sessions no live server holds any more.
//! - Session mode: every request costs `1 + M` lookups (each service looks the session up in
//!   parallel); when the session is not where the request looks, the request fails (no
//!   re-login). A local store holds a session only on its login server.
//! - JWT mode: every request costs `1 + M` verifications, plus `1 + M` lookups with a
//!   revocation check (denylist or version); nothing fails when a server dies.
//! - Hybrid: a session at the edge (1 lookup), then `M` verifications of the short-lived JWT
//!   the edge passes to the services, when the lookup hits.
//! - Bytes per request: the credential line without CRLF, `Cookie: sid=<22 chars>` (34) in
//!   session and hybrid mode, `Authorization: Bearer <token>` in JWT mode.
//!
//! The view's scenarios add events the CLI has no flag for: a logout, cross-site calls (a
//! browser sends no cookie to another site, a header it does, after a CORS preflight), a mobile
//! client (no browser rules), serverless functions (a new store connection per invocation), and
//! servers killed or added by a click.
//!
//! The per-request path is arithmetic over two small per-user arrays and the list of live
//! servers: no allocation, no strings, no hashing. Memory is O(users + servers).

pub mod credential;
pub mod lab;
pub mod sequence;

use serde::Serialize;

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
        Ok(())
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

/// The running totals of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Requests served or failed (logins and cross-site calls are not requests).
    pub requests: u64,
    /// Requests that failed because their session was not where they looked.
    pub failed_requests: u64,
    /// Session or revocation lookups.
    pub store_lookups: u64,
    /// Of those, the lookups that cross the network: every lookup in a shared store or a JWT
    /// revocation store; only the services' lookups with a local or replicated store (the edge
    /// looks in its own memory).
    pub remote_lookups: u64,
    /// Signature verifications.
    pub signature_verifications: u64,
    /// Sessions no live server holds any more.
    pub sessions_lost: u64,
    /// Messages copying session changes between servers.
    pub replication_messages: u64,
    /// Logins.
    pub logins: u64,
    /// Tokens signed (at login in JWT mode; by the edge, once per session, in hybrid mode).
    pub tokens_signed: u64,
    /// Credential bytes sent by clients (requests and cross-site calls).
    pub client_bytes: u64,
    /// Credential bytes on the hops from the edge to the services.
    pub service_bytes: u64,
    /// Requests after a logout, refused as they should be.
    pub rejected_after_logout: u64,
    /// Requests after a logout that still got through (a JWT without a revocation check).
    pub accepted_after_logout: u64,
    /// Calls to another site's API.
    pub cross_site_calls: u64,
    /// Cross-site calls that failed (no cookie sent, or no session there).
    pub cross_site_failed: u64,
    /// CORS preflight requests (a browser sending an Authorization header to another site).
    pub preflights: u64,
    /// Store connections opened (serverless: one per lookup, none is kept open).
    pub store_connections: u64,
}

/// How one request (or cross-site call) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Authenticated and served.
    Ok,
    /// The session is not where the request looked: failed (the user would have to log in again).
    SessionMissing,
    /// The user logged out; the request is refused, as it should be.
    RejectedAfterLogout,
    /// The user logged out, but the token still verifies: accepted.
    AcceptedAfterLogout,
    /// A browser sends no cookie to another site: unauthenticated.
    CookieNotSent,
}

impl Outcome {
    /// Whether the request got through.
    #[must_use]
    pub fn served(self) -> bool {
        matches!(self, Self::Ok | Self::AcceptedAfterLogout)
    }
}

/// One authenticated request as the model played it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RequestStep {
    /// The request's index `j`.
    pub index: u64,
    /// Its user (`j mod U`).
    pub user: u32,
    /// The server that handled it.
    pub server: u32,
    /// How it ended.
    pub outcome: Outcome,
    /// Lookups it cost.
    pub lookups: u32,
    /// Verifications it cost.
    pub verifications: u32,
    /// The hybrid edge signed the user's internal token on this request.
    pub minted: bool,
}

/// A call to another site's API by a logged-in user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CrossSiteStep {
    /// Who calls.
    pub user: u32,
    /// A CORS preflight went first.
    pub preflight: bool,
    /// Whether the credential was sent at all.
    pub credential_sent: bool,
    /// How it ended.
    pub outcome: Outcome,
    /// Lookups it cost.
    pub lookups: u32,
    /// Verifications it cost.
    pub verifications: u32,
}

/// One event as the model played it: what the view animates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Step {
    /// A user logged in.
    Login {
        /// Who.
        user: u32,
        /// The server that served the login.
        server: u32,
        /// Copies sent to other servers.
        replication_messages: u32,
    },
    /// An authenticated request.
    Request(RequestStep),
    /// A call to another site.
    CrossSite(CrossSiteStep),
    /// A user logged out.
    Logout {
        /// Who.
        user: u32,
        /// The server that handled it.
        server: u32,
        /// Deletions sent to other servers.
        replication_messages: u32,
    },
    /// A server died.
    ServerDied {
        /// Which.
        server: u32,
        /// Sessions that died with it.
        sessions_lost: u64,
    },
    /// A server joined.
    ServerAdded {
        /// Its index.
        server: u32,
        /// Sessions copied to it (replicated store).
        sessions_copied: u64,
    },
}

/// Per-user state bits.
const HAS_CREDENTIAL: u8 = 1;
const LOGGED_OUT: u8 = 2;
const PREFLIGHT_CACHED: u8 = 4;
const MINTED: u8 = 8;

/// The simulation: a topology, its users and the running totals.
#[derive(Clone)]
pub struct Flow {
    cfg: Config,
    /// Per user: state bits.
    flags: Vec<u8>,
    /// Per user: the server that served the login (its local store holds the session).
    home: Vec<u16>,
    /// Per server: alive.
    alive: Vec<bool>,
    /// Live servers in index order.
    alive_list: Vec<u32>,
    /// Per server: sessions in its local store (local store only).
    sessions_on: Vec<u64>,
    /// Sessions that exist and some live server or store holds.
    live_sessions: u64,
    /// Tokens on the denylist (JWT mode with a denylist).
    denylisted: u64,
    totals: Totals,
    next_login: u32,
    next_request: u64,
    /// `next_request mod U`.
    user_cursor: u32,
    /// `next_request mod len(alive_list)`.
    rr: usize,
    /// A cross-site call is due now, by this user.
    cross_site_due: Option<u32>,
    fail_pending: bool,
    logout_pending: bool,
}

impl std::fmt::Debug for Flow {
    // The per-user arrays can hold millions of entries: never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flow")
            .field("cfg", &self.cfg)
            .field("alive", &self.alive_list)
            .field("next_login", &self.next_login)
            .field("next_request", &self.next_request)
            .field("totals", &self.totals)
            .finish_non_exhaustive()
    }
}

impl Flow {
    /// A topology with every server up and nobody logged in yet.
    ///
    /// # Errors
    /// When the config is invalid (see [`Config::validate`]).
    pub fn new(cfg: Config) -> Result<Self, FlowError> {
        cfg.validate()?;
        let n = cfg.servers as usize;
        let u = cfg.users as usize;
        Ok(Self {
            cfg,
            flags: vec![0; u],
            home: vec![0; u],
            alive: vec![true; n],
            alive_list: (0..cfg.servers).collect(),
            sessions_on: vec![0; n],
            live_sessions: 0,
            denylisted: 0,
            totals: Totals::default(),
            next_login: 0,
            next_request: 0,
            user_cursor: 0,
            rr: 0,
            cross_site_due: None,
            fail_pending: cfg.fail_server_at.is_some_and(|i| i < cfg.requests),
            logout_pending: cfg.logout.is_some_and(|l| l.before_request < cfg.requests),
        })
    }

    /// The config the run was built from.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The running totals.
    #[must_use]
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// Whether server `s` is up.
    #[must_use]
    pub fn is_alive(&self, s: u32) -> bool {
        self.alive.get(s as usize).copied().unwrap_or(false)
    }

    /// Every server ever part of the topology (dead ones included).
    #[must_use]
    pub fn server_count(&self) -> u32 {
        u32::try_from(self.alive.len()).unwrap_or(u32::MAX)
    }

    /// Live servers, in index order.
    #[must_use]
    pub fn alive_servers(&self) -> &[u32] {
        &self.alive_list
    }

    /// Sessions held in server `s`'s local store (local store only; 0 otherwise).
    #[must_use]
    pub fn sessions_on(&self, s: u32) -> u64 {
        self.sessions_on.get(s as usize).copied().unwrap_or(0)
    }

    /// Sessions that exist and are held somewhere.
    #[must_use]
    pub fn live_sessions(&self) -> u64 {
        self.live_sessions
    }

    /// Records in the store: live sessions, denylisted tokens, or one version per user.
    #[must_use]
    pub fn store_entries(&self) -> u64 {
        match (self.cfg.mode, self.cfg.revocation) {
            (Mode::Jwt, Revocation::None) => 0,
            (Mode::Jwt, Revocation::Denylist) => self.denylisted,
            (Mode::Jwt, Revocation::Version) => u64::from(self.next_login),
            _ => self.live_sessions,
        }
    }

    /// Logins played so far.
    #[must_use]
    pub fn logins_done(&self) -> u32 {
        self.next_login
    }

    /// Requests played so far.
    #[must_use]
    pub fn requests_done(&self) -> u64 {
        self.next_request
    }

    /// Whether every scripted event has been played.
    #[must_use]
    pub fn finished(&self) -> bool {
        self.next_login >= self.cfg.users && self.next_request >= self.cfg.requests && self.cross_site_due.is_none()
    }

    /// Events left to play (logins, requests, cross-site calls, scripted failures and logouts).
    #[must_use]
    pub fn events_left(&self) -> u64 {
        let logins = u64::from(self.cfg.users - self.next_login.min(self.cfg.users));
        let requests = self.cfg.requests.saturating_sub(self.next_request);
        let k = self.cfg.cross_site_every;
        let cross =
            self.cfg.requests.checked_div(k).map_or(0, |all| all - self.next_request.min(self.cfg.requests) / k);
        logins
            + requests
            + cross
            + u64::from(self.cross_site_due.is_some())
            + u64::from(self.fail_pending)
            + u64::from(self.logout_pending)
    }

    /// Plays the next event: a login, a scripted failure or logout, a request, a cross-site call.
    /// `None` when the run is over.
    pub fn step(&mut self) -> Option<Step> {
        if self.next_login < self.cfg.users {
            return Some(self.login());
        }
        if let Some(user) = self.cross_site_due.take() {
            return Some(Step::CrossSite(self.cross_site(user)));
        }
        if self.next_request >= self.cfg.requests {
            return None;
        }
        if self.fail_pending && self.cfg.fail_server_at == Some(self.next_request) {
            self.fail_pending = false;
            // Validated: there are at least two servers, so server 0 is never the last.
            if let Ok(step) = self.kill(0) {
                return Some(step);
            }
        }
        if self.logout_pending
            && let Some(l) = self.cfg.logout
            && l.before_request == self.next_request
        {
            self.logout_pending = false;
            return Some(self.logout(l.user));
        }
        Some(Step::Request(self.request()))
    }

    /// Plays every event left and returns the totals.
    pub fn run(&mut self) -> Totals {
        while self.next_login < self.cfg.users {
            self.login();
        }
        let simple = !self.fail_pending && !self.logout_pending && self.cfg.cross_site_every == 0;
        if simple {
            // Nothing scripted: requests back to back, no per-request event checks.
            while self.next_request < self.cfg.requests {
                self.request();
            }
        } else {
            while self.step().is_some() {}
        }
        self.totals
    }

    fn lowest_alive(&self) -> u32 {
        self.alive_list.first().copied().unwrap_or(0)
    }

    /// The server a sticky request of `user` goes to: its login server, or the lowest live one.
    fn pinned(&self, user: u32) -> u32 {
        let home = u32::from(self.home[user as usize]);
        if self.alive[home as usize] { home } else { self.lowest_alive() }
    }

    /// Whether the session of `user` is reachable from `server`.
    #[inline]
    fn session_held(&self, user: u32, server: u32) -> bool {
        let flags = self.flags[user as usize];
        if flags & HAS_CREDENTIAL == 0 {
            return false;
        }
        match self.cfg.store {
            // Servers added later got a copy, and the last live server never dies.
            Store::Shared | Store::Replicated => true,
            Store::Local => u32::from(self.home[user as usize]) == server,
        }
    }

    fn login(&mut self) -> Step {
        let user = self.next_login;
        self.next_login += 1;
        // Every server in the topology takes its share, those added by a click included.
        let n = self.server_count().max(1);
        let by_rule = user % n;
        let server = if self.alive[by_rule as usize] { by_rule } else { self.lowest_alive() };
        // Validated: servers <= u16::MAX + 1 indices.
        self.home[user as usize] = u16::try_from(server).unwrap_or(u16::MAX);
        self.flags[user as usize] = HAS_CREDENTIAL;
        self.totals.logins += 1;
        let mut replication = 0;
        if self.cfg.has_sessions() {
            self.live_sessions += 1;
            match self.cfg.store {
                Store::Local => self.sessions_on[server as usize] += 1,
                Store::Replicated => replication = self.peers(),
                Store::Shared => {}
            }
        } else {
            self.totals.tokens_signed += 1;
        }
        self.totals.replication_messages += u64::from(replication);
        Step::Login { user, server, replication_messages: replication }
    }

    /// Live servers other than one: who gets a replication message.
    fn peers(&self) -> u32 {
        u32::try_from(self.alive_list.len()).unwrap_or(u32::MAX).saturating_sub(1)
    }

    /// Plays request `j = next_request`. The hot path: no allocation, no strings, no hashing.
    #[inline]
    fn request(&mut self) -> RequestStep {
        let index = self.next_request;
        self.next_request += 1;
        let user = self.user_cursor;
        self.user_cursor += 1;
        if self.user_cursor == self.cfg.users {
            self.user_cursor = 0;
        }
        let server = if self.cfg.sticky { self.pinned(user) } else { self.alive_list[self.rr] };
        self.rr += 1;
        if self.rr == self.alive_list.len() {
            self.rr = 0;
        }
        let m = self.cfg.services;
        let flags = self.flags[user as usize];
        let logged_out = flags & LOGGED_OUT != 0;
        let mut minted = false;
        let shared = self.cfg.store == Store::Shared;
        // (outcome, lookups, of which remote, verifications)
        let (outcome, lookups, remote, verifications) = match self.cfg.mode {
            Mode::Session => {
                let outcome = if self.session_held(user, server) {
                    Outcome::Ok
                } else if logged_out {
                    Outcome::RejectedAfterLogout
                } else {
                    Outcome::SessionMissing
                };
                self.totals.service_bytes =
                    self.totals.service_bytes.saturating_add(u64::from(m) * COOKIE_LINE_BYTES as u64);
                (outcome, 1 + m, if shared { 1 + m } else { m }, 0)
            }
            Mode::Jwt => {
                let lookups = if self.cfg.revocation == Revocation::None { 0 } else { 1 + m };
                let outcome = match (logged_out, self.cfg.revocation) {
                    (false, _) => Outcome::Ok,
                    (true, Revocation::None) => Outcome::AcceptedAfterLogout,
                    (true, _) => Outcome::RejectedAfterLogout,
                };
                self.totals.service_bytes =
                    self.totals.service_bytes.saturating_add(u64::from(m) * self.cfg.bytes_per_request() as u64);
                (outcome, lookups, lookups, 1 + m)
            }
            Mode::Hybrid => {
                let remote = u32::from(shared);
                if self.session_held(user, server) {
                    if flags & MINTED == 0 {
                        self.flags[user as usize] |= MINTED;
                        self.totals.tokens_signed += 1;
                        minted = true;
                    }
                    self.totals.service_bytes = self
                        .totals
                        .service_bytes
                        .saturating_add(u64::from(m) * (BEARER_PREFIX.len() + self.cfg.token_bytes) as u64);
                    (Outcome::Ok, 1, remote, m)
                } else if logged_out {
                    (Outcome::RejectedAfterLogout, 1, remote, 0)
                } else {
                    (Outcome::SessionMissing, 1, remote, 0)
                }
            }
        };
        self.totals.requests += 1;
        self.totals.client_bytes = self.totals.client_bytes.saturating_add(self.cfg.bytes_per_request() as u64);
        self.totals.store_lookups += u64::from(lookups);
        self.totals.remote_lookups += u64::from(remote);
        self.totals.signature_verifications += u64::from(verifications);
        match outcome {
            Outcome::SessionMissing | Outcome::CookieNotSent => self.totals.failed_requests += 1,
            Outcome::RejectedAfterLogout => self.totals.rejected_after_logout += 1,
            Outcome::AcceptedAfterLogout => self.totals.accepted_after_logout += 1,
            Outcome::Ok => {}
        }
        if self.cfg.serverless {
            // A function keeps no connection between invocations: each remote lookup opens one.
            self.totals.store_connections += u64::from(remote);
        }
        let k = self.cfg.cross_site_every;
        if k != 0 && (index + 1).is_multiple_of(k) {
            self.cross_site_due = Some(user);
        }
        RequestStep { index, user, server, outcome, lookups, verifications, minted }
    }

    /// A logged-in user's page calls another site's API (a different registrable domain).
    fn cross_site(&mut self, user: u32) -> CrossSiteStep {
        let flags = self.flags[user as usize];
        let logged_out = flags & LOGGED_OUT != 0;
        let browser = self.cfg.client == Client::Browser;
        self.totals.cross_site_calls += 1;
        let step = match self.cfg.mode {
            // The cookie belongs to the app's site: a browser never attaches it to another
            // site's request. A native app sends whatever header it wants.
            Mode::Session | Mode::Hybrid if browser => CrossSiteStep {
                user,
                preflight: false,
                credential_sent: false,
                outcome: Outcome::CookieNotSent,
                lookups: 0,
                verifications: 0,
            },
            Mode::Session | Mode::Hybrid => {
                // The other site's API is not one of the app servers: only a shared or
                // replicated store can answer it.
                let held = flags & HAS_CREDENTIAL != 0 && self.cfg.store != Store::Local;
                let outcome = match (held, logged_out) {
                    (true, _) => Outcome::Ok,
                    (false, true) => Outcome::RejectedAfterLogout,
                    (false, false) => Outcome::SessionMissing,
                };
                self.totals.client_bytes = self.totals.client_bytes.saturating_add(COOKIE_LINE_BYTES as u64);
                CrossSiteStep { user, preflight: false, credential_sent: true, outcome, lookups: 1, verifications: 0 }
            }
            Mode::Jwt => {
                // An Authorization header makes a browser's cross-origin request non-simple: one
                // preflight per origin, cached (Access-Control-Max-Age) for the rest of the run.
                let preflight = browser && flags & PREFLIGHT_CACHED == 0;
                if preflight {
                    self.flags[user as usize] |= PREFLIGHT_CACHED;
                    self.totals.preflights += 1;
                }
                let lookups = u32::from(self.cfg.revocation != Revocation::None);
                let outcome = match (logged_out, self.cfg.revocation) {
                    (false, _) => Outcome::Ok,
                    (true, Revocation::None) => Outcome::AcceptedAfterLogout,
                    (true, _) => Outcome::RejectedAfterLogout,
                };
                self.totals.client_bytes = self.totals.client_bytes.saturating_add(self.cfg.bytes_per_request() as u64);
                CrossSiteStep { user, preflight, credential_sent: true, outcome, lookups, verifications: 1 }
            }
        };
        // The other site is not an app server: its lookups always cross the network.
        self.totals.store_lookups += u64::from(step.lookups);
        self.totals.remote_lookups += u64::from(step.lookups);
        self.totals.signature_verifications += u64::from(step.verifications);
        if self.cfg.serverless {
            self.totals.store_connections += u64::from(step.lookups);
        }
        match step.outcome {
            Outcome::Ok => {}
            Outcome::AcceptedAfterLogout => self.totals.accepted_after_logout += 1,
            _ => self.totals.cross_site_failed += 1,
        }
        step
    }

    /// `user` logs out: the session record is deleted (and the deletion replicated); a JWT is
    /// denylisted or its version bumped, or, without a revocation check, merely forgotten by
    /// the client while it stays valid.
    pub fn logout(&mut self, user: u32) -> Step {
        let server = if self.cfg.sticky || self.alive_list.is_empty() {
            self.pinned(user)
        } else {
            self.alive_list[self.rr.min(self.alive_list.len() - 1)]
        };
        let Some(flags) = self.flags.get_mut(user as usize) else {
            return Step::Logout { user, server, replication_messages: 0 };
        };
        let had = *flags & HAS_CREDENTIAL != 0;
        *flags = (*flags & !HAS_CREDENTIAL) | LOGGED_OUT;
        let mut replication = 0;
        if had && self.cfg.has_sessions() {
            let home = self.home[user as usize] as usize;
            match self.cfg.store {
                Store::Local if self.alive[home] => {
                    self.sessions_on[home] -= 1;
                    self.live_sessions -= 1;
                }
                Store::Local => {}
                Store::Shared => self.live_sessions -= 1,
                Store::Replicated => {
                    self.live_sessions -= 1;
                    replication = self.peers();
                }
            }
        }
        if had && self.cfg.mode == Mode::Jwt && self.cfg.revocation == Revocation::Denylist {
            self.denylisted += 1;
        }
        self.totals.replication_messages += u64::from(replication);
        Step::Logout { user, server, replication_messages: replication }
    }

    /// Server `s` dies; its local store dies with it.
    ///
    /// # Errors
    /// When `s` is not alive, or is the last live server.
    pub fn kill(&mut self, s: u32) -> Result<Step, FlowError> {
        if !self.is_alive(s) {
            return Err(FlowError::NotAlive(s));
        }
        if self.alive_list.len() == 1 {
            return Err(FlowError::LastServer(s));
        }
        self.alive[s as usize] = false;
        self.alive_list.retain(|&x| x != s);
        self.rr = usize::try_from(self.next_request % self.alive_list.len() as u64).unwrap_or(0);
        let lost = if self.cfg.has_sessions() && self.cfg.store == Store::Local {
            std::mem::take(&mut self.sessions_on[s as usize])
        } else {
            0
        };
        self.live_sessions -= lost;
        self.totals.sessions_lost += lost;
        Ok(Step::ServerDied { server: s, sessions_lost: lost })
    }

    /// A new server joins (index = number of servers so far). With a replicated store it first
    /// receives a copy of every live session.
    ///
    /// # Errors
    /// When the topology already has [`MAX_SERVERS`] servers.
    pub fn add_server(&mut self) -> Result<Step, FlowError> {
        let s = self.server_count();
        if s >= MAX_SERVERS {
            return Err(FlowError::TooManyServers(s + 1));
        }
        self.alive.push(true);
        self.sessions_on.push(0);
        self.alive_list.push(s);
        self.rr = usize::try_from(self.next_request % self.alive_list.len() as u64).unwrap_or(0);
        let copied =
            if self.cfg.has_sessions() && self.cfg.store == Store::Replicated { self.live_sessions } else { 0 };
        self.totals.replication_messages += copied;
        Ok(Step::ServerAdded { server: s, sessions_copied: copied })
    }
}

/// Runs a whole config and returns its totals.
///
/// # Errors
/// When the config is invalid.
pub fn simulate(cfg: &Config) -> Result<Totals, FlowError> {
    Ok(Flow::new(*cfg)?.run())
}

/// How long after a logout (or a revocation) the credential stops working, in seconds, in the
/// worst case: revoked right after it was issued. The revocation lab's model decides
/// ([`crate::core::labs::revocation`]): a session is `session`; an unchecked JWT is `jwt`; a JWT checked
/// against a denylist or a version counter is `jwt-denylist` / `jwt-version`; the hybrid is
/// `jwt-refresh` with the edge session as the refresh token and the internal token
/// ([`HYBRID_INTERNAL_TOKEN_LIFETIME`]) as the access token, since a revoked edge session stops
/// new internal tokens while those already handed to services live out their `exp`.
///
/// `token_lifetime` is `None` for a token without `exp`: an unchecked JWT is then never cut
/// off by time (`None`: until the signing key is rotated); every other design stops it at the
/// next request, or once the hybrid's internal token ends.
#[must_use]
pub fn revocation_delay(mode: Mode, revocation: Revocation, token_lifetime: Option<f64>) -> Option<f64> {
    use crate::core::labs::revocation::{self, Event, EventKind, RevocationScenario, Strategy};
    let token_lifetime = match (mode, revocation, token_lifetime) {
        (Mode::Jwt, Revocation::None, None) => return None,
        (_, _, Some(t)) => t,
        // The edge session or the check ends it; the lifetime only has to be long enough.
        (_, _, None) => revocation::MAX_TIME as f64 / 4.0,
    };
    let (strategy, token_ttl, access_ttl) = match (mode, revocation) {
        (Mode::Session, _) => (Strategy::Session, token_lifetime, token_lifetime),
        (Mode::Jwt, Revocation::None) => (Strategy::Jwt, token_lifetime, token_lifetime),
        (Mode::Jwt, Revocation::Denylist) => (Strategy::JwtDenylist, token_lifetime, token_lifetime),
        (Mode::Jwt, Revocation::Version) => (Strategy::JwtVersion, token_lifetime, token_lifetime),
        (Mode::Hybrid, _) => {
            let session = token_lifetime.max(HYBRID_INTERNAL_TOKEN_LIFETIME);
            (Strategy::JwtRefresh, session, HYBRID_INTERNAL_TOKEN_LIFETIME)
        }
    };
    // Whole seconds, at least one, within the model's range (a token's lifetime may be anything).
    #[allow(clippy::cast_possible_truncation)]
    let secs = |t: f64| {
        if t.is_finite() {
            t.ceil().clamp(1.0, revocation::MAX_TIME as f64 / 4.0) as i64
        } else {
            revocation::MAX_TIME / 4
        }
    };
    let login_at = 1_700_000_000;
    let scenario = RevocationScenario {
        name: String::new(),
        description: String::new(),
        login_at,
        token_ttl: secs(token_ttl),
        access_ttl: secs(access_ttl).min(secs(token_ttl)),
        leeway: 0,
        event: Event { kind: EventKind::Logout, at: login_at, stolen_at: None },
        scale: None,
    };
    Some(revocation::simulate(&scenario).outcome(strategy).exposure_seconds as f64)
}

#[cfg(test)]
mod tests;
