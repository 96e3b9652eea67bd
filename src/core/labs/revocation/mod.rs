//! Revocation strategies side by side on one clock: one user logs in, one event happens
//! (logout, password change, suspension, theft, key rotation, refresh-token reuse), and five
//! ways of keeping someone signed in react to it.
//!
//! Everything here is a pure function of a [`RevocationScenario`] (and, for "now" questions, of the
//! instant asked about): no clock is read, nothing is random. The GUI's lab and
//! `tokenbench simulate revocation` both call [`simulate`], so they cannot disagree.
//!
//! The rules, shared by every event and written once here:
//! - A token is accepted while `now < exp + leeway` (RFC 7519 §4.1.4). Leeway applies to the two
//!   strategies with no server-side check (`jwt`, `jwt-refresh` access tokens), never to a
//!   deleted session, a denylisted `jti` or a stale version: the denylist drops an entry at
//!   the token's `exp`, so a verifier that granted leeway past `exp` would bring a revoked token
//!   back to life for the leeway.
//! - `jwt-refresh`: access token `k` is issued at `login + k·access_ttl` with
//!   `exp = min(issue + access_ttl, login + token_ttl)`; the refresh token (a server-side
//!   record, rotated at every renewal, one family per login) lives `token_ttl` from login.
//! - At the event's instant, a login due then happens first; a renewal due then happens after
//!   the event (the user still holds the token that expires at that instant).
//! - `accepted_until` is the first instant, never earlier than the event, at which every
//!   credential the event is meant to cut off is rejected; `exposure = accepted_until - event`.

mod events;
mod lab;
#[cfg(test)]
mod lab_tests;
mod lifetime;
mod scale;
mod scenario;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use serde::Serialize;

pub use lab::{LabContext, RevocationCommand, RevocationEffect, RevocationLab, ScaleMeasure};
pub use lifetime::{NO_EXP_CONSEQUENCE, TokenLifetime, exposure_text, model_range_text};
pub use scale::{
    MAX_REQUESTS_PER_SECOND, MAX_REVOCATIONS_PER_DAY, MAX_SCALE_USERS, ScaleInputs, ScaleRow, ScaleSeries, at_scale,
    series_against_token_ttl,
};
pub use scenario::{Event, EventKind, MAX_SCENARIO_BYTES, RevocationScenario, SAMPLES, ScenarioError};

/// Unix seconds (instants) and seconds (durations): whole seconds keep every window exact.
pub type Seconds = i64;

/// The latest instant a scenario may use (about the year 5138): sums of instants and
/// durations stay far from `i64` overflow and exact as `f64`.
pub const MAX_TIME: Seconds = 100_000_000_000;

/// "Never ends" for spans and records.
pub const FOREVER: Seconds = Seconds::MAX;

/// What a denylist or version check costs beyond its lookups: the server-side state a JWT was
/// meant to do without, and its store as a dependency. Said wherever those checks are shown
/// (this lab, its CLI text, the Flows lab).
pub const SERVER_STATE_BACK: &str = "A denylist or version check brings server-side state back: every request \
     looks the token up in a store, so that store is a dependency again, as for sessions (when it is down, \
     requests fail). Most production JWT systems keep such a check.";

/// The five strategies, in the order of every table and of the CLI's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Strategy {
    /// A server-side session record; revoking deletes it.
    #[serde(rename = "session")]
    Session,
    /// One self-contained token of lifetime token-ttl, no server state.
    #[serde(rename = "jwt")]
    Jwt,
    /// Short access tokens renewed from a refresh token that lives token-ttl from login.
    #[serde(rename = "jwt-refresh")]
    JwtRefresh,
    /// One token of token-ttl; revoking puts its `jti` on a denylist until its `exp`.
    #[serde(rename = "jwt-denylist")]
    JwtDenylist,
    /// One token of token-ttl carrying a per-user version; revoking increments the counter.
    #[serde(rename = "jwt-version")]
    JwtVersion,
}

impl Strategy {
    /// Every strategy, in table order.
    pub const ALL: [Strategy; 5] =
        [Strategy::Session, Strategy::Jwt, Strategy::JwtRefresh, Strategy::JwtDenylist, Strategy::JwtVersion];

    /// The name used by the CLI and the tables.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Session => "session",
            Strategy::Jwt => "jwt",
            Strategy::JwtRefresh => "jwt-refresh",
            Strategy::JwtDenylist => "jwt-denylist",
            Strategy::JwtVersion => "jwt-version",
        }
    }

    /// One sentence: what the strategy trades.
    #[must_use]
    pub fn caption(self) -> &'static str {
        match self {
            Strategy::Session => {
                "Revocation is instant and exact, paid for with a record per signed-in user and a store lookup on every request."
            }
            Strategy::Jwt => {
                "No server state and no lookups, but nothing can revoke the token: it works until its exp."
            }
            Strategy::JwtRefresh => {
                "Exposure shrinks to one access-ttl for a refresh record per user and a renewal every access-ttl."
            }
            Strategy::JwtDenylist => {
                "Revocation is instant, but every request checks a denylist that grows with revocations x token-ttl."
            }
            Strategy::JwtVersion => {
                "Revocation is instant for all of a user's tokens at once, for one counter per user read on every request."
            }
        }
    }

    /// What the credential is called in status texts.
    #[must_use]
    pub fn credential(self) -> &'static str {
        match self {
            Strategy::Session => "session",
            Strategy::JwtRefresh => "access token",
            Strategy::Jwt | Strategy::JwtDenylist | Strategy::JwtVersion => "token",
        }
    }

    /// Store lookups an authenticated request costs.
    #[must_use]
    pub fn lookups_per_request(self) -> u32 {
        match self {
            Strategy::Session | Strategy::JwtDenylist | Strategy::JwtVersion => 1,
            Strategy::Jwt | Strategy::JwtRefresh => 0,
        }
    }

    /// The most records the server keeps for one user at any time: the strategy's per-user
    /// footprint (a session, a refresh family, a denylist entry, a version counter).
    #[must_use]
    pub fn server_state_entries(self) -> u32 {
        match self {
            Strategy::Jwt => 0,
            _ => 1,
        }
    }

    /// Whether verification grants the leeway past `exp` (only without a server-side check).
    #[must_use]
    pub fn leeway_applies(self) -> bool {
        matches!(self, Strategy::Jwt | Strategy::JwtRefresh)
    }
}

/// Who presents a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    /// The legitimate user.
    User,
    /// Someone holding a copy: a thief, or whatever the logged-out browser left behind.
    Other,
}

/// An interval `[from, until)` during which someone's credential is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// First accepted instant.
    pub from: Seconds,
    /// First rejected instant ([`FOREVER`] when it never ends).
    pub until: Seconds,
    /// What is presented ("session", "access tokens", "new token after the password change"…).
    pub what: Cow<'static, str>,
}

/// Server-side records for this user during `[from, until)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Records {
    /// From.
    pub from: Seconds,
    /// Until ([`FOREVER`] for a counter kept with the user).
    pub until: Seconds,
    /// What the record is.
    pub what: &'static str,
}

/// A record as a key-value store holds it. Its size is the bytes of key and value, without
/// the store's own overhead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
}

impl Record {
    /// Key plus value, in bytes.
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.key.len() + self.value.len()
    }
}

/// A run of access tokens minted one after the other from one refresh family (jwt-refresh).
///
/// Token `j` is issued at `first_issue + j·period` while the family lives and (for `j > 0`)
/// while the issue is before `renew_before`; it expires at `min(issue + period, family_end)`
/// and is accepted until `min(exp + leeway, cut)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainRun {
    /// Who renews and presents these tokens.
    pub holder: Holder,
    /// The first token's issue instant.
    pub first_issue: Seconds,
    /// access-ttl.
    pub period: Seconds,
    /// The family's end (login + token-ttl): no token outlives it, no renewal at or after it.
    pub family_end: Seconds,
    /// Renewals happen only strictly before this instant (revocation, detected reuse…).
    pub renew_before: Seconds,
    /// Every token of the run is rejected from this instant (the signing key was retired).
    pub cut: Option<Seconds>,
    /// The leeway granted past each `exp`.
    pub leeway: Seconds,
    /// Number of the first token in the family (0 at login).
    pub first_number: u64,
    /// When the last token's refresh generation was rotated away by someone else (an
    /// attacker renewed with a copy), if before its natural end.
    pub refresh_end: Option<Seconds>,
}

/// One access token of a [`ChainRun`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AccessToken {
    /// Its number in the family (0 is the login's); also the refresh-token generation that
    /// came with it.
    pub number: u64,
    /// Who holds it.
    pub holder: Holder,
    /// `iat`.
    pub issued: Seconds,
    /// `exp`.
    pub exp: Seconds,
    /// First rejected instant: `exp + leeway`, or earlier when the key was retired.
    pub rejected_from: Seconds,
    /// Until when the refresh token of this generation is the current one (the next rotation,
    /// the revocation, or the family's end).
    pub refresh_until: Seconds,
}

impl ChainRun {
    /// How many tokens the run issues.
    #[must_use]
    pub fn len(&self) -> u64 {
        if self.first_issue >= self.family_end {
            return 0;
        }
        if self.period <= 0 {
            // A 0-second access token is never valid: the run is its first token alone.
            return 1;
        }
        // Issues strictly before both the family's end and the renewal cut-off (token 0 always).
        let limit = self.family_end.min(self.renew_before.max(self.first_issue + 1));
        u64::try_from((limit - self.first_issue - 1) / self.period + 1).unwrap_or(0)
    }

    /// Whether the run issues no token.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Token `j` of the run (`j < len()`).
    #[must_use]
    pub fn token(&self, j: u64) -> AccessToken {
        let step = i64::try_from(j).unwrap_or(i64::MAX / 4).saturating_mul(self.period);
        let issued = self.first_issue.saturating_add(step);
        let exp = issued.saturating_add(self.period).min(self.family_end);
        let accepted = exp.saturating_add(self.leeway);
        let rejected_from = self.cut.map_or(accepted, |c| accepted.min(c));
        let next = if j + 1 < self.len() {
            exp
        } else {
            let end = self.renew_before.min(self.family_end);
            self.refresh_end.map_or(end, |r| r.min(end)).max(issued)
        };
        AccessToken {
            number: self.first_number + j,
            holder: self.holder,
            issued,
            exp,
            rejected_from,
            refresh_until: next,
        }
    }

    /// The tokens issued in `[from, to]` plus the one issued just before `from`, at most `max`
    /// of them (the view draws only what it shows, whatever access-ttl is).
    #[must_use]
    pub fn tokens_between(&self, from: f64, to: f64, max: usize) -> Vec<AccessToken> {
        let n = self.len();
        if n == 0 {
            return Vec::new();
        }
        let index = |t: f64| ((t - self.first_issue as f64) / self.period.max(1) as f64).floor();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let clamp = |x: f64| x.clamp(0.0, (n - 1) as f64) as u64;
        let first = clamp(index(from));
        let last = clamp(index(to));
        (first..=last).take(max).map(|j| self.token(j)).collect()
    }

    /// The newest token of the run accepted at `t`, if any.
    #[must_use]
    pub fn accepted_at(&self, t: f64) -> Option<AccessToken> {
        let n = self.len();
        if n == 0 || t < self.first_issue as f64 {
            return None;
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let j = (((t - self.first_issue as f64) / self.period.max(1) as f64).floor() as u64).min(n - 1);
        // The newest issued token, or (within its leeway) the one before it.
        [Some(j), j.checked_sub(1)]
            .into_iter()
            .flatten()
            .map(|j| self.token(j))
            .find(|tok| (tok.issued as f64) <= t && t < tok.rejected_from as f64)
    }
}

/// Whether a holder's credential is accepted at an instant, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Accepted.
    pub accepted: bool,
    /// What is presented, or why nothing is accepted.
    pub reason: String,
}

/// What one strategy does with the scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StrategyOutcome {
    /// The strategy.
    pub strategy: Strategy,
    /// First instant (never before the event) at which every credential the event targets is
    /// rejected.
    pub accepted_until: Seconds,
    /// `accepted_until - event`.
    pub exposure_seconds: Seconds,
    /// When every credential the event targets had stopped being accepted on its own before
    /// the event (its `exp`, plus the leeway where it applies), that instant: nothing was left
    /// to revoke, and `accepted_until` (the event's instant, by its definition) is not when
    /// anything stopped working. `None` when something was still accepted at the event.
    pub expired_at: Option<Seconds>,
    /// Store lookups per authenticated request.
    pub lookups_per_request: u32,
    /// The most records the server keeps for this user at any time.
    pub server_state_entries: u32,
    /// What the server did about the event, and when (`None`: nothing could be done, or
    /// nothing noticed).
    pub server_action: Option<(Seconds, Cow<'static, str>)>,
    /// The login instant.
    pub login_at: Seconds,
    /// When the legitimate user is accepted.
    pub user: Vec<Span>,
    /// Why the user is rejected after their last span.
    pub user_after: Cow<'static, str>,
    /// When the credential the event targets (see [`EventKind::subject`]) is accepted.
    pub subject: Vec<Span>,
    /// What the subject has before `subject_from` (or its first span).
    pub subject_before: Cow<'static, str>,
    /// Until this instant the subject is described by `subject_before`.
    pub subject_from: Seconds,
    /// Why the subject is rejected after its last span.
    pub subject_after: Cow<'static, str>,
    /// Server-side records for this user over time.
    pub records: Vec<Records>,
    /// What one record looks like in the store (`None` for `jwt`).
    pub record: Option<Record>,
    /// jwt-refresh: the access-token chains (the user's, and an attacker's after a reuse).
    pub chain: Vec<ChainRun>,
    /// One sentence on what happened.
    pub summary: String,
}

impl StrategyOutcome {
    /// Whether the legitimate user is accepted at `t`, and why.
    #[must_use]
    pub fn user_status(&self, t: f64) -> Status {
        status(&self.user, t, self.login_at, "not signed in yet", &self.user_after)
    }

    /// Whether the event's subject (the copy, the thief, the suspended user…) is accepted at `t`.
    #[must_use]
    pub fn subject_status(&self, t: f64) -> Status {
        status(&self.subject, t, self.subject_from, &self.subject_before, &self.subject_after)
    }

    /// Records kept for this user at `t`.
    #[must_use]
    pub fn records_at(&self, t: f64) -> usize {
        self.records.iter().filter(|r| r.from as f64 <= t && t < r.until as f64).count()
    }

    /// Bytes the server keeps for this user at `t`.
    #[must_use]
    pub fn bytes_at(&self, t: f64) -> usize {
        self.records_at(t) * self.record.as_ref().map_or(0, Record::bytes)
    }

    /// The access token accepted at `t` for `holder` (jwt-refresh), newest first.
    #[must_use]
    pub fn access_token_at(&self, t: f64, holder: Holder) -> Option<AccessToken> {
        self.chain.iter().filter(|r| r.holder == holder).filter_map(|r| r.accepted_at(t)).max_by_key(|a| a.issued)
    }

    /// Every instant at which something in this outcome changes (for repaint scheduling).
    #[must_use]
    pub fn changes(&self) -> Vec<Seconds> {
        let mut at: Vec<Seconds> = self
            .user
            .iter()
            .chain(&self.subject)
            .flat_map(|s| [s.from, s.until])
            .chain(self.records.iter().flat_map(|r| [r.from, r.until]))
            .chain(self.server_action.iter().map(|(t, _)| *t))
            .filter(|t| *t != FOREVER && *t != Seconds::MIN)
            .collect();
        at.sort_unstable();
        at.dedup();
        at
    }
}

fn status(spans: &[Span], t: f64, holds_from: Seconds, before: &str, after: &str) -> Status {
    if let Some(s) = spans.iter().rev().find(|s| s.from as f64 <= t && t < s.until as f64) {
        return Status { accepted: true, reason: s.what.to_string() };
    }
    if t < holds_from as f64 || spans.first().is_some_and(|s| t < s.from as f64) {
        return Status { accepted: false, reason: before.to_owned() };
    }
    Status { accepted: false, reason: after.to_owned() }
}

/// The five outcomes of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    /// The scenario simulated.
    pub scenario: RevocationScenario,
    /// One outcome per strategy, in [`Strategy::ALL`] order.
    pub outcomes: Vec<StrategyOutcome>,
}

impl Simulation {
    /// The outcome of one strategy.
    #[must_use]
    pub fn outcome(&self, strategy: Strategy) -> &StrategyOutcome {
        let i = Strategy::ALL.iter().position(|s| *s == strategy).unwrap_or(0);
        &self.outcomes[i]
    }

    /// The first instant after `t` at which any status, record or action changes.
    #[must_use]
    pub fn next_change_after(&self, t: f64) -> Option<Seconds> {
        let mut next = self.outcomes.iter().flat_map(StrategyOutcome::changes).filter(|c| *c as f64 > t).min();
        for o in &self.outcomes {
            for run in &o.chain {
                if let Some(tok) = run.tokens_between(t, t, 1).first() {
                    let candidates = [tok.issued + run.period, tok.rejected_from, tok.refresh_until];
                    let c = candidates.into_iter().filter(|c| *c as f64 > t).min();
                    next = match (next, c) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
            }
        }
        next
    }
}

/// Runs every strategy on the scenario. The scenario must be valid ([`RevocationScenario::validate`]);
/// the CLI and the lab never simulate one that is not.
#[must_use]
pub fn simulate(scenario: &RevocationScenario) -> Simulation {
    let times = events::Times::of(scenario);
    let outcomes = Strategy::ALL
        .iter()
        .map(|&strategy| {
            let mut o = match scenario.event.kind {
                EventKind::Logout
                | EventKind::PasswordChange
                | EventKind::AccountSuspended
                | EventKind::TokenStolen => events::revoked(&times, strategy, scenario.event.kind),
                EventKind::KeyRotated => events::key_rotated(&times, strategy),
                EventKind::RefreshReuse => events::refresh_reuse(&times, strategy),
            };
            o.record = record(strategy, scenario);
            o
        })
        .collect();
    Simulation { scenario: scenario.clone(), outcomes }
}

/// What the server stores for this user, as a key-value store would hold it: ids of the usual
/// sizes (256-bit session ids, 128-bit jti and family ids, base64url), values as JSON.
#[must_use]
pub fn record(strategy: Strategy, s: &RevocationScenario) -> Option<Record> {
    use sha2::{Digest, Sha256};
    let id = |label: &str, bytes: usize| {
        let digest = Sha256::digest(format!("{label}:{}:{}", s.login_at, s.token_ttl).as_bytes());
        crate::core::engine::token::encode_b64url(&digest[..bytes])
    };
    let exp = s.login_at + s.token_ttl;
    let (key, value) = match strategy {
        Strategy::Jwt => return None,
        Strategy::Session => (
            format!("session:{}", id("session", 32)),
            format!(r#"{{"sub":"user-1","iat":{},"exp":{exp}}}"#, s.login_at),
        ),
        Strategy::JwtRefresh => (
            format!("refresh-family:{}", id("family", 16)),
            format!(r#"{{"sub":"user-1","generation":0,"exp":{exp},"current":"{}"}}"#, id("refresh", 32)),
        ),
        Strategy::JwtDenylist => (format!("denylist:{}", id("jti", 16)), exp.to_string()),
        Strategy::JwtVersion => ("token-version:user-1".to_owned(), "1".to_owned()),
    };
    Some(Record { key, value })
}
