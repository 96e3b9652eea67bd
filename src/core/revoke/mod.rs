//! Revocation strategies side by side on one clock: one user logs in, one event happens
//! (logout, password change, suspension, theft, key rotation, refresh-token reuse), and five
//! ways of keeping someone signed in react to it.
//!
//! Everything here is a pure function of a [`Scenario`] (and, for "now" questions, of the
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

mod scale;
mod scenario;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use serde::Serialize;

pub use scale::{ScaleInputs, ScaleRow, ScaleSeries, at_scale, series_against_token_ttl};
pub use scenario::{Event, EventKind, MAX_SCENARIO_BYTES, SAMPLES, Scenario, ScenarioError};

/// Unix seconds (instants) and seconds (durations): whole seconds keep every window exact.
pub type Seconds = i64;

/// The latest instant a scenario may use (about the year 5138): sums of instants and
/// durations stay far from `i64` overflow and exact as `f64`.
pub const MAX_TIME: Seconds = 100_000_000_000;

/// "Never ends" for spans and records.
pub const FOREVER: Seconds = Seconds::MAX;

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
        let index = |t: f64| ((t - self.first_issue as f64) / self.period as f64).floor();
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
        let j = (((t - self.first_issue as f64) / self.period as f64).floor() as u64).min(n - 1);
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
pub struct Outcome {
    /// The strategy.
    pub strategy: Strategy,
    /// First instant (never before the event) at which every credential the event targets is
    /// rejected.
    pub accepted_until: Seconds,
    /// `accepted_until - event`.
    pub exposure_seconds: Seconds,
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

impl Outcome {
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
    pub scenario: Scenario,
    /// One outcome per strategy, in [`Strategy::ALL`] order.
    pub outcomes: Vec<Outcome>,
}

impl Simulation {
    /// The outcome of one strategy.
    #[must_use]
    pub fn outcome(&self, strategy: Strategy) -> &Outcome {
        let i = Strategy::ALL.iter().position(|s| *s == strategy).unwrap_or(0);
        &self.outcomes[i]
    }

    /// The first instant after `t` at which any status, record or action changes.
    #[must_use]
    pub fn next_change_after(&self, t: f64) -> Option<Seconds> {
        let mut next = self.outcomes.iter().flat_map(Outcome::changes).filter(|c| *c as f64 > t).min();
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

/// Exact durations for tables: "0 s", "4 min 59 s", "1 h", "2 days 3 h 5 min".
#[must_use]
pub fn duration_text(seconds: Seconds) -> String {
    if seconds == 0 {
        return "0 s".into();
    }
    let sign = if seconds < 0 { "-" } else { "" };
    let mut left = seconds.unsigned_abs();
    let mut parts = Vec::new();
    for (unit, one, many) in [(86_400, "day", "days"), (3600, "h", "h"), (60, "min", "min"), (1, "s", "s")] {
        let n = left / unit;
        if n > 0 {
            parts.push(format!("{n} {}", if n == 1 { one } else { many }));
            left %= unit;
        }
    }
    format!("{sign}{}", parts.join(" "))
}

/// The scenario's numbers, named once.
struct Times {
    login: Seconds,
    ttl: Seconds,
    access: Seconds,
    leeway: Seconds,
    event: Seconds,
    stolen: Seconds,
}

impl Times {
    fn of(s: &Scenario) -> Self {
        Self {
            login: s.login_at,
            ttl: s.token_ttl,
            access: s.access_ttl,
            leeway: s.leeway,
            event: s.event.at,
            stolen: s.stolen_at(),
        }
    }

    fn family_end(&self) -> Seconds {
        self.login + self.ttl
    }

    /// The leeway a strategy's verifier grants.
    fn leeway_for(&self, strategy: Strategy) -> Seconds {
        if strategy.leeway_applies() { self.leeway } else { 0 }
    }

    /// When the credential of a login at `at` stops being accepted by itself.
    fn natural_end(&self, strategy: Strategy, at: Seconds) -> Seconds {
        at + self.ttl + self.leeway_for(strategy)
    }

    /// The number of the access token the user holds at `t` (a renewal due at `t` has not
    /// happened yet; a login at `t` has), clamped to the family's last token.
    fn held_number(&self, t: Seconds) -> u64 {
        let k = if t <= self.login { 0 } else { (t - self.login - 1) / self.access };
        let last = (self.ttl - 1) / self.access;
        u64::try_from(k.min(last)).unwrap_or(0)
    }

    /// `exp` of access token `k` of the login's family.
    fn access_exp(&self, k: u64) -> Seconds {
        let k = i64::try_from(k).unwrap_or(i64::MAX / 4);
        (self.login + (k + 1) * self.access).min(self.family_end())
    }

    /// The first instant, never before `at`, at which what the user held at `at` is rejected,
    /// when the strategy revokes at `at`.
    fn held_until(&self, strategy: Strategy, at: Seconds) -> Seconds {
        match strategy {
            Strategy::Session | Strategy::JwtDenylist | Strategy::JwtVersion => at,
            Strategy::Jwt => at.max(self.natural_end(strategy, self.login)),
            Strategy::JwtRefresh => at.max(self.access_exp(self.held_number(at)) + self.leeway),
        }
    }

    fn user_chain(&self, renew_before: Seconds, cut: Option<Seconds>) -> ChainRun {
        ChainRun {
            holder: Holder::User,
            first_issue: self.login,
            period: self.access,
            family_end: self.family_end(),
            renew_before,
            cut,
            leeway: self.leeway,
            first_number: 0,
            refresh_end: None,
        }
    }
}

fn span(from: Seconds, until: Seconds, what: impl Into<Cow<'static, str>>) -> Option<Span> {
    (from < until).then(|| Span { from, until, what: what.into() })
}

fn records(from: Seconds, until: Seconds, what: &'static str) -> Option<Records> {
    (from < until).then_some(Records { from, until, what })
}

/// Runs every strategy on the scenario. The scenario must be valid ([`Scenario::validate`]);
/// the CLI and the lab never simulate one that is not.
#[must_use]
pub fn simulate(scenario: &Scenario) -> Simulation {
    let times = Times::of(scenario);
    let outcomes = Strategy::ALL
        .iter()
        .map(|&strategy| {
            let mut o = match scenario.event.kind {
                EventKind::Logout
                | EventKind::PasswordChange
                | EventKind::AccountSuspended
                | EventKind::TokenStolen => revoked(&times, strategy, scenario.event.kind),
                EventKind::KeyRotated => key_rotated(&times, strategy),
                EventKind::RefreshReuse => refresh_reuse(&times, strategy),
            };
            o.record = record(strategy, scenario);
            o
        })
        .collect();
    Simulation { scenario: scenario.clone(), outcomes }
}

fn base(strategy: Strategy, accepted_until: Seconds, t: &Times) -> Outcome {
    let event = t.event;
    Outcome {
        strategy,
        accepted_until,
        exposure_seconds: accepted_until - event,
        lookups_per_request: strategy.lookups_per_request(),
        server_state_entries: strategy.server_state_entries(),
        server_action: None,
        login_at: t.login,
        user: Vec::new(),
        user_after: Cow::Borrowed("expired"),
        subject: Vec::new(),
        subject_before: Cow::Borrowed("not issued yet"),
        subject_from: t.login,
        subject_after: Cow::Borrowed("expired"),
        records: Vec::new(),
        record: None,
        chain: Vec::new(),
        summary: String::new(),
    }
}

/// The records a login at `from` keeps until `until` (revocation or natural end).
fn login_records(strategy: Strategy, from: Seconds, until: Seconds) -> Option<Records> {
    match strategy {
        Strategy::Session => records(from, until, "session record"),
        Strategy::JwtRefresh => records(from, until, "refresh-token family"),
        Strategy::JwtVersion => Some(Records { from: Seconds::MIN, until: FOREVER, what: "version counter" }),
        Strategy::Jwt | Strategy::JwtDenylist => None,
    }
}

/// Logout, password change, suspension and theft: the user's credentials are revoked at the
/// event. They differ in who keeps presenting the old credential and whether the user signs
/// in again.
fn revoked(t: &Times, strategy: Strategy, kind: EventKind) -> Outcome {
    let e = t.event;
    let until = t.held_until(strategy, e);
    let natural = t.natural_end(strategy, t.login);
    let old_end = until.min(natural);
    let mut o = base(strategy, until, t);
    let live = e < t.family_end();
    o.server_action = match strategy {
        Strategy::Jwt => None,
        _ if !live => None,
        Strategy::Session => Some((e, "session record deleted".into())),
        Strategy::JwtRefresh => Some((e, "refresh-token family revoked: no more renewals".into())),
        Strategy::JwtDenylist => Some((e, "jti put on the denylist until the token's exp".into())),
        Strategy::JwtVersion => Some((e, "the user's version counter incremented".into())),
    };
    let relogin = matches!(kind, EventKind::PasswordChange | EventKind::TokenStolen);
    let cred = strategy.credential();
    let held = if strategy == Strategy::JwtRefresh { "access tokens".into() } else { Cow::Borrowed(cred) };

    // The user: up to the event (or to the end, if suspended and still trying), then maybe a
    // new login at the event.
    let user_end = if kind == EventKind::AccountSuspended { old_end } else { e.min(natural) };
    o.user.extend(span(t.login, user_end, held.clone()));
    if relogin {
        let why = if kind == EventKind::PasswordChange { "after the password change" } else { "after the theft" };
        o.user.extend(span(e, t.natural_end(strategy, e), format!("new {cred} (signed in again {why})")));
    }
    o.user_after = match kind {
        EventKind::Logout => "logged out".into(),
        EventKind::AccountSuspended if e < natural => "suspended, cannot sign in again".into(),
        _ => "expired".into(),
    };

    // The subject: the old credential, held from login (a copy) or from the theft.
    let holds_from = if kind == EventKind::TokenStolen { t.stolen } else { t.login };
    let what = match kind {
        EventKind::TokenStolen => format!("stolen copy of the {cred}"),
        EventKind::AccountSuspended => format!("the suspended user's {cred}"),
        _ => format!("the old {cred}"),
    };
    o.subject.extend(span(holds_from, old_end, what));
    if kind == EventKind::TokenStolen {
        o.subject_from = t.stolen;
        o.subject_before = "has stolen nothing yet".into();
    }
    o.subject_after = match (strategy, o.server_action.is_some()) {
        (Strategy::Session, true) => "the session was deleted".into(),
        (Strategy::JwtDenylist, true) => "its jti is on the denylist".into(),
        (Strategy::JwtVersion, true) => "its version is stale".into(),
        (Strategy::JwtRefresh, true) => "expired; the revoked refresh token cannot renew it".into(),
        _ => "expired".into(),
    };

    // Records: the login's until the revocation, a new login's from it, a denylist entry
    // from the revocation until the token's exp.
    let old_until = if strategy == Strategy::JwtVersion { FOREVER } else { e.min(t.family_end()) };
    o.records.extend(login_records(strategy, t.login, old_until));
    if relogin && strategy != Strategy::JwtVersion {
        o.records.extend(login_records(strategy, e, e + t.ttl));
    }
    if strategy == Strategy::JwtDenylist {
        o.records.extend(records(e, t.family_end(), "denylist entry"));
    }

    if strategy == Strategy::JwtRefresh {
        o.chain.push(t.user_chain(e, None));
        if relogin {
            o.chain.push(ChainRun {
                first_issue: e,
                family_end: e + t.ttl,
                renew_before: FOREVER,
                ..t.user_chain(e, None)
            });
        }
    }
    o.summary = revoked_summary(t, strategy, &o);
    o
}

fn revoked_summary(t: &Times, strategy: Strategy, o: &Outcome) -> String {
    let exposure = duration_text(o.exposure_seconds);
    if o.exposure_seconds == 0 && o.server_action.is_none() && strategy != Strategy::Jwt {
        return "Everything had already expired: there was nothing left to revoke.".into();
    }
    match strategy {
        Strategy::Session => "The session record is deleted: the very next request with it is refused.".into(),
        Strategy::Jwt if o.exposure_seconds == 0 => "The token had already expired: nothing left to revoke.".into(),
        Strategy::Jwt => format!(
            "Nothing can revoke a self-contained token: it keeps working until its exp{}, {exposure} after the event.",
            if t.leeway > 0 { " plus the leeway" } else { "" }
        ),
        Strategy::JwtRefresh if o.exposure_seconds == 0 => {
            "The refresh token is revoked and the access token in hand expires at that instant.".into()
        }
        Strategy::JwtRefresh => format!(
            "The refresh token is revoked, but the access token in hand works until its exp{}: {exposure} more.",
            if t.leeway > 0 { " plus the leeway" } else { "" }
        ),
        Strategy::JwtDenylist => format!(
            "The jti goes on the denylist, kept for {} until the token's own exp.",
            duration_text((t.family_end() - t.event).max(0))
        ),
        Strategy::JwtVersion => {
            "The user's counter is incremented: every token carrying the old version is refused at once.".into()
        }
    }
}

/// The signing key is retired from the verification keys at the event (an emergency rotation:
/// it leaked). Every token signed with it is refused at once; sessions are not signed at all.
fn key_rotated(t: &Times, strategy: Strategy) -> Outcome {
    let e = t.event;
    let natural = t.natural_end(strategy, t.login);
    let mut o = base(strategy, e, t);
    if strategy == Strategy::Session {
        o.user.extend(span(t.login, natural, "session (not signed: the rotation does not touch it)"));
        o.subject_after = "nothing depends on the retired key".into();
        o.records.extend(login_records(strategy, t.login, t.family_end()));
        o.summary = "Session ids are random, not signed: the rotation changes nothing, nobody is signed out.".into();
        return o;
    }
    let cred = strategy.credential();
    let retired = "signed with the retired key";
    o.server_action = Some((e, "old key removed from the verification keys".into()));
    o.subject.extend(span(t.login, e.min(natural), format!("{cred} signed with the old key")));
    o.subject_after = retired.into();
    if strategy == Strategy::JwtRefresh {
        // The refresh token is a server record, not signed by the key: the client renews at
        // once and gets a token signed with the new key.
        o.chain.push(t.user_chain(e, Some(e)));
        let renewed = e < t.family_end();
        if renewed {
            let old = t.user_chain(e, Some(e));
            let first_number = old.len();
            o.chain.push(ChainRun { first_issue: e, renew_before: FOREVER, cut: None, first_number, ..old });
        }
        let user_end = if renewed { natural } else { e.min(natural) };
        o.user.extend(span(t.login, user_end, "access tokens (renewed with the new key at the rotation)"));
        o.user_after = if renewed { "expired".into() } else { retired.into() };
        o.records.extend(login_records(strategy, t.login, t.family_end()));
        o.summary = "The access token in hand is refused; the client renews it at once with its refresh token, \
                     signed with the new key: the user notices nothing."
            .into();
    } else {
        o.user.extend(span(t.login, e.min(natural), cred));
        o.user_after = if e < natural { format!("{retired}: must sign in again").into() } else { "expired".into() };
        o.records.extend(login_records(strategy, t.login, t.family_end()));
        o.summary = "The token is refused at once and nothing can renew it: the user has to sign in again.".into();
    }
    o
}

/// An attacker took the long-lived credential at `stolen_at` and uses it at the event. With
/// refresh-token rotation and reuse detection, presenting a rotated-away refresh token revokes
/// the whole family; no other strategy notices a copy at all.
fn refresh_reuse(t: &Times, strategy: Strategy) -> Outcome {
    let e = t.event;
    let natural = t.natural_end(strategy, t.login);
    if strategy != Strategy::JwtRefresh {
        let until = e.max(natural);
        let mut o = base(strategy, until, t);
        let cred = strategy.credential();
        o.user.extend(span(t.login, natural, cred));
        o.subject.extend(span(t.stolen, natural, format!("copy of the {cred}")));
        o.subject_from = t.stolen;
        o.subject_before = "has stolen nothing yet".into();
        o.records.extend(login_records(strategy, t.login, t.family_end()));
        o.summary = if o.exposure_seconds > 0 {
            format!(
                "Nothing notices a copied {cred}: the attacker is accepted until it expires, {} after the event.",
                duration_text(o.exposure_seconds)
            )
        } else {
            format!("The {cred} had expired before the attacker used it.")
        };
        return o;
    }

    let family_end = t.family_end();
    let mut o = base(strategy, e, t);
    o.records.extend(login_records(strategy, t.login, family_end));
    o.subject_after = "its refresh token was rejected".into();
    if t.stolen >= family_end || e >= family_end {
        // Expired before it could be used: refused as expired, not as a reuse.
        o.chain.push(t.user_chain(FOREVER, None));
        o.user.extend(span(t.login, natural, "access tokens"));
        o.subject_after = "the refresh token had expired".into();
        o.summary = "The stolen refresh token had expired when the attacker presented it.".into();
        return o;
    }
    o.subject_from = e;
    o.subject_before = "has stolen nothing yet, or holds only a refresh token no request accepts".into();
    let stolen_generation = t.held_number(t.stolen);
    let current = t.held_number(e);
    if current > stolen_generation {
        // The user rotated since the theft: the attacker's token is stale, the reuse is seen.
        let user_end = t.access_exp(current) + t.leeway;
        o.chain.push(t.user_chain(e, None));
        o.user.extend(span(t.login, user_end, "access tokens"));
        o.user_after = "signed out: the family was revoked on the reuse".into();
        o.records = login_records(strategy, t.login, e).into_iter().collect();
        o.server_action = Some((e, "reuse of a rotated refresh token detected: the whole family revoked".into()));
        o.summary = "The stolen refresh token had already been rotated away: presenting it gives the attacker nothing \
                     and revokes the family (the user signs in again when the access token expires)."
            .into();
        return o;
    }
    // The stolen refresh token is still the current one: the attacker renews first. The user's
    // next renewal presents the rotated-away token and trips the detection.
    let detection = t.access_exp(current);
    let attacker_exp = (e + t.access).min(family_end);
    let until = e.max(attacker_exp + t.leeway);
    o.accepted_until = until;
    o.exposure_seconds = until - e;
    let detected = detection < family_end;
    o.chain.push(ChainRun { refresh_end: Some(e), ..t.user_chain(detection, None) });
    o.chain.push(ChainRun {
        holder: Holder::Other,
        first_issue: e,
        renew_before: detection,
        first_number: current + 1,
        ..t.user_chain(detection, None)
    });
    o.user.extend(span(t.login, detection + t.leeway, "access tokens"));
    o.subject.extend(span(e, attacker_exp + t.leeway, "access token minted with the stolen refresh token"));
    o.subject_after = "expired; the family was revoked on the reuse".into();
    if detected {
        o.user_after = "signed out: its renewal presented a rotated-away refresh token".into();
        o.records = login_records(strategy, t.login, detection).into_iter().collect();
        o.server_action =
            Some((detection, "the user's renewal reused a rotated refresh token: the whole family revoked".into()));
        o.summary = format!(
            "The attacker renews first and holds a fresh access token; the user's next renewal, {} later, reveals \
             the reuse and revokes the family, but the attacker's token works {} after the event.",
            duration_text(detection - e),
            duration_text(o.exposure_seconds)
        );
    } else {
        o.subject_after = "expired with the family".into();
        o.summary =
            "The attacker renews first; the family ends before the user renews again, so nothing detects it.".into();
    }
    o
}

/// What the server stores for this user, as a key-value store would hold it: ids of the usual
/// sizes (256-bit session ids, 128-bit jti and family ids, base64url), values as JSON.
#[must_use]
pub fn record(strategy: Strategy, s: &Scenario) -> Option<Record> {
    use sha2::{Digest, Sha256};
    let id = |label: &str, bytes: usize| {
        let digest = Sha256::digest(format!("{label}:{}:{}", s.login_at, s.token_ttl).as_bytes());
        crate::core::token::encode_b64url(&digest[..bytes])
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
