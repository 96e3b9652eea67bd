//! What a run plays and counts: its running totals, how one request ended, and the events the
//! animated view shows one at a time.

use serde::Serialize;

/// The running totals of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Requests served or failed (logins and cross-site calls are not requests).
    pub requests: u64,
    /// Requests that failed: their session was not where they looked, or the store was down.
    pub failed_requests: u64,
    /// Of those, the requests that failed because the store was unreachable.
    pub store_outage_failures: u64,
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
    /// Logouts made while the store was down: the session could not be deleted nor the token
    /// denylisted or its version bumped, so the credential keeps working.
    pub logouts_failed: u64,
}

/// How one request (or cross-site call) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestOutcome {
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
    /// The store did not answer the first lookup: failed closed (503), no service called.
    StoreUnreachable,
}

impl RequestOutcome {
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
    pub outcome: RequestOutcome,
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
    pub outcome: RequestOutcome,
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
        /// The store was down: nothing was deleted or written, the credential keeps working.
        failed: bool,
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
