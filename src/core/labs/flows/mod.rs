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
//! - `store_fail_at = I`, `store_back_at = J`: the store (a shared session store, or a JWT's
//!   revocation store) is unreachable for requests `I <= j < J` (J: the end by default). Such a
//!   request fails at its first lookup (1 lookup, 1 failed request, no service called); a JWT
//!   is verified at the edge first (1 verification), then fails closed. Only where a store is
//!   used: session and hybrid mode with a shared store, JWT mode with a revocation check.
//! - Bytes per request: the credential line without CRLF, `Cookie: sid=<22 chars>` (34) in
//!   session and hybrid mode, `Authorization: Bearer <token>` in JWT mode.
//!
//! The lab's scenarios ([`lab`]) add events the model's own flags do not reach: a logout,
//! cross-site calls (a browser sends no cookie to another site, a header it does, after a CORS
//! preflight), a mobile client (no browser rules), serverless functions (a new store connection
//! per invocation), and servers killed or added by a click; `simulate flow --scenario` runs
//! every scenario (a click has no flag).
//!
//! The folder: `config.rs` (what a run depends on), `events.rs` (what it plays and counts),
//! `flow.rs` (the simulation), `revocation_delay.rs`, `credential.rs` (the JWT the lanes carry
//! and its measured costs), `sequence.rs` (the diagram's messages), and `lab/`, the Flows lab
//! (scenarios, playback, sweep, caps, and its command line).
//!
//! The per-request path is arithmetic over two small per-user arrays and the list of live
//! servers: no allocation, no strings, no hashing. Memory is O(users + servers).

mod config;
pub mod credential;
mod events;
mod flow;
pub mod lab;
mod revocation_delay;
pub mod sequence;

pub use config::{
    BEARER_PREFIX, COOKIE_LINE_BYTES, COOKIE_PREFIX, Client, Config, FlowError, HYBRID_INTERNAL_TOKEN_LIFETIME, Logout,
    MAX_REQUESTS, MAX_SERVERS, MAX_SERVICES, MAX_USERS, Mode, Revocation, SESSION_ID_CHARS, SET_COOKIE_ATTRIBUTES,
    Store,
};
pub use events::{CrossSiteStep, RequestOutcome, RequestStep, Step, Totals};
pub use flow::{Flow, simulate};
pub use lab::{
    FailoverVariant, FlowCommand, FlowScenario, FlowsLab, Lane, SessionVariant, SweepPoint, loaded_fingerprint,
};
pub use revocation_delay::revocation_delay;

#[cfg(test)]
mod tests;
