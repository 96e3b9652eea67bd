//! The simulation: a topology, its users and the running totals, played one event at a time
//! ([`Flow::step`]) or all at once ([`Flow::run`]) through the same per-request code.

use super::{
    BEARER_PREFIX, COOKIE_LINE_BYTES, Client, Config, CrossSiteStep, FlowError, MAX_SERVERS, Mode, RequestOutcome,
    RequestStep, Revocation, Step, Store, Totals,
};

/// Per-user state bits.
const HAS_CREDENTIAL: u8 = 1;
const LOGGED_OUT: u8 = 2;
const PREFLIGHT_CACHED: u8 = 4;
const MINTED: u8 = 8;
/// The user's logout failed (the store was down): the credential still works.
const LOGOUT_FAILED: u8 = 16;

/// The simulation: a topology, its users and the running totals.
#[derive(Clone)]
pub struct Flow {
    cfg: Config,
    /// Per user: state bits.
    pub(super) flags: Vec<u8>,
    /// Per user: the server that served the login (its local store holds the session).
    pub(super) home: Vec<u16>,
    /// Per server: alive.
    pub(super) alive: Vec<bool>,
    /// Live servers in index order.
    pub(super) alive_list: Vec<u32>,
    /// Per server: sessions in its local store (local store only).
    pub(super) sessions_on: Vec<u64>,
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
    /// The requests `from..until` during which the store is unreachable (empty: never).
    outage: (u64, u64),
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
            outage: cfg.store_fail_at.map_or((0, 0), |i| (i, cfg.store_back_at.unwrap_or(u64::MAX))),
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

    /// Plays every event left, as [`Flow::run`], and returns the last request played (or the
    /// last event, when no request was left): what a view keeps on screen after the run.
    pub fn run_keeping_last_request(&mut self) -> Option<Step> {
        let scripted = self.fail_pending || self.logout_pending || self.cfg.cross_site_every != 0;
        if !scripted && self.cross_site_due.is_none() && self.next_request + 1 < self.cfg.requests {
            // Nothing scripted: every event but the last request the way `run` plays them.
            while self.next_login < self.cfg.users {
                self.login();
            }
            while self.next_request + 1 < self.cfg.requests {
                self.request();
            }
        }
        let mut last = None;
        while let Some(step) = self.step() {
            if matches!(step, Step::Request(_)) || !matches!(last, Some(Step::Request(_))) {
                last = Some(step);
            }
        }
        last
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
        let (outcome, lookups, remote, verifications) = if index >= self.outage.0 && index < self.outage.1 {
            // The first store lookup gets no answer: fail closed, call no service. A JWT's
            // signature is verified at the edge before its revocation lookup.
            (RequestOutcome::StoreUnreachable, 1, 1, u32::from(self.cfg.mode == Mode::Jwt))
        } else {
            match self.cfg.mode {
                Mode::Session => {
                    let outcome = if self.session_held(user, server) {
                        RequestOutcome::Ok
                    } else if logged_out {
                        RequestOutcome::RejectedAfterLogout
                    } else {
                        RequestOutcome::SessionMissing
                    };
                    self.totals.service_bytes =
                        self.totals.service_bytes.saturating_add(u64::from(m) * COOKIE_LINE_BYTES as u64);
                    (outcome, 1 + m, if shared { 1 + m } else { m }, 0)
                }
                Mode::Jwt => {
                    let lookups = if self.cfg.revocation == Revocation::None { 0 } else { 1 + m };
                    let outcome = match (logged_out, self.cfg.revocation) {
                        (false, _) => RequestOutcome::Ok,
                        (true, Revocation::None) => RequestOutcome::AcceptedAfterLogout,
                        (true, _) => RequestOutcome::RejectedAfterLogout,
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
                        (RequestOutcome::Ok, 1, remote, m)
                    } else if logged_out {
                        (RequestOutcome::RejectedAfterLogout, 1, remote, 0)
                    } else {
                        (RequestOutcome::SessionMissing, 1, remote, 0)
                    }
                }
            }
        };
        // A failed logout left the credential valid: served, though the user logged out.
        let outcome = if outcome == RequestOutcome::Ok && flags & LOGOUT_FAILED != 0 {
            RequestOutcome::AcceptedAfterLogout
        } else {
            outcome
        };
        self.totals.requests += 1;
        self.totals.client_bytes = self.totals.client_bytes.saturating_add(self.cfg.bytes_per_request() as u64);
        self.totals.store_lookups += u64::from(lookups);
        self.totals.remote_lookups += u64::from(remote);
        self.totals.signature_verifications += u64::from(verifications);
        match outcome {
            RequestOutcome::SessionMissing | RequestOutcome::CookieNotSent => self.totals.failed_requests += 1,
            RequestOutcome::StoreUnreachable => {
                self.totals.failed_requests += 1;
                self.totals.store_outage_failures += 1;
            }
            RequestOutcome::RejectedAfterLogout => self.totals.rejected_after_logout += 1,
            RequestOutcome::AcceptedAfterLogout => self.totals.accepted_after_logout += 1,
            RequestOutcome::Ok => {}
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
        // The call follows the page's request: it finds the store as that request did.
        let store_down = self.cfg.store_down_at(self.next_request.saturating_sub(1));
        let mut step = match self.cfg.mode {
            // The cookie belongs to the app's site: a browser never attaches it to another
            // site's request. A native app sends whatever header it wants.
            Mode::Session | Mode::Hybrid if browser => CrossSiteStep {
                user,
                preflight: false,
                credential_sent: false,
                outcome: RequestOutcome::CookieNotSent,
                lookups: 0,
                verifications: 0,
            },
            Mode::Session | Mode::Hybrid => {
                // The other site's API is not one of the app servers: only a shared or
                // replicated store can answer it.
                let held = flags & HAS_CREDENTIAL != 0 && self.cfg.store != Store::Local;
                let outcome = match (held, logged_out) {
                    (true, _) => RequestOutcome::Ok,
                    (false, true) => RequestOutcome::RejectedAfterLogout,
                    (false, false) => RequestOutcome::SessionMissing,
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
                    (false, _) => RequestOutcome::Ok,
                    (true, Revocation::None) => RequestOutcome::AcceptedAfterLogout,
                    (true, _) => RequestOutcome::RejectedAfterLogout,
                };
                self.totals.client_bytes = self.totals.client_bytes.saturating_add(self.cfg.bytes_per_request() as u64);
                CrossSiteStep { user, preflight, credential_sent: true, outcome, lookups, verifications: 1 }
            }
        };
        if store_down && step.lookups > 0 {
            // Its lookup gets no answer: it fails closed, as a page request does.
            step.outcome = RequestOutcome::StoreUnreachable;
        } else if step.outcome == RequestOutcome::Ok && flags & LOGOUT_FAILED != 0 {
            step.outcome = RequestOutcome::AcceptedAfterLogout;
        }
        // The other site is not an app server: its lookups always cross the network.
        self.totals.store_lookups += u64::from(step.lookups);
        self.totals.remote_lookups += u64::from(step.lookups);
        self.totals.signature_verifications += u64::from(step.verifications);
        if self.cfg.serverless {
            self.totals.store_connections += u64::from(step.lookups);
        }
        match step.outcome {
            RequestOutcome::Ok => {}
            RequestOutcome::AcceptedAfterLogout => self.totals.accepted_after_logout += 1,
            _ => self.totals.cross_site_failed += 1,
        }
        step
    }

    /// `user` logs out: the session record is deleted (and the deletion replicated); a JWT is
    /// denylisted or its version bumped, or, without a revocation check, merely forgotten by
    /// the client while it stays valid. While the store is down the logout fails: nothing is
    /// deleted or written, and the credential keeps working after the store is back.
    pub fn logout(&mut self, user: u32) -> Step {
        let server = if self.cfg.sticky || self.alive_list.is_empty() {
            self.pinned(user)
        } else {
            self.alive_list[self.rr.min(self.alive_list.len() - 1)]
        };
        let Some(flags) = self.flags.get_mut(user as usize) else {
            return Step::Logout { user, server, replication_messages: 0, failed: false };
        };
        if self.cfg.uses_store() && self.cfg.store_down_at(self.next_request) {
            // Deleting the session or writing the denylist or version needs the store: the
            // logout fails and the credential keeps working (until the session record expires,
            // or the token's exp) once the store is back.
            self.totals.logouts_failed += 1;
            *flags |= LOGOUT_FAILED;
            return Step::Logout { user, server, replication_messages: 0, failed: true };
        }
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
        Step::Logout { user, server, replication_messages: replication, failed: false }
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
