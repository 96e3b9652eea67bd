//! What each event does to each strategy: the windows, the spans, the records and the chains
//! of one [`StrategyOutcome`], computed from the scenario's numbers. The rules are in the parent
//! module's documentation; each function here says what is specific to its events.

use crate::core::text::exact_duration;
use std::borrow::Cow;

use super::{
    ChainRun, EventKind, FOREVER, Holder, Records, RevocationScenario, Seconds, Span, Strategy, StrategyOutcome,
};

/// The scenario's numbers, named once.
pub(super) struct Times {
    login: Seconds,
    ttl: Seconds,
    access: Seconds,
    leeway: Seconds,
    event: Seconds,
    stolen: Seconds,
}

impl Times {
    pub(super) fn of(s: &RevocationScenario) -> Self {
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
        if self.access <= 0 {
            // A 0-second access token is never valid (now < exp fails at once): renewing it
            // gives nothing, so the family is its first token.
            return 0;
        }
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

fn base(strategy: Strategy, accepted_until: Seconds, t: &Times) -> StrategyOutcome {
    let event = t.event;
    StrategyOutcome {
        strategy,
        accepted_until,
        exposure_seconds: accepted_until - event,
        expired_at: None,
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
pub(super) fn revoked(t: &Times, strategy: Strategy, kind: EventKind) -> StrategyOutcome {
    let e = t.event;
    let until = t.held_until(strategy, e);
    let natural = t.natural_end(strategy, t.login);
    let old_end = until.min(natural);
    let mut o = base(strategy, until, t);
    o.expired_at = (natural <= e).then_some(natural);
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

fn revoked_summary(t: &Times, strategy: Strategy, o: &StrategyOutcome) -> String {
    let exposure = exact_duration(o.exposure_seconds);
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
            exact_duration((t.family_end() - t.event).max(0))
        ),
        Strategy::JwtVersion => {
            "The user's counter is incremented: every token carrying the old version is refused at once.".into()
        }
    }
}

/// The signing key is retired from the verification keys at the event (an emergency rotation:
/// it leaked). Every token signed with it is refused at once; sessions are not signed at all.
pub(super) fn key_rotated(t: &Times, strategy: Strategy) -> StrategyOutcome {
    let e = t.event;
    let natural = t.natural_end(strategy, t.login);
    let mut o = base(strategy, e, t);
    o.expired_at = (natural <= e).then_some(natural);
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
pub(super) fn refresh_reuse(t: &Times, strategy: Strategy) -> StrategyOutcome {
    let e = t.event;
    let natural = t.natural_end(strategy, t.login);
    if strategy != Strategy::JwtRefresh {
        let until = e.max(natural);
        let mut o = base(strategy, until, t);
        o.expired_at = (natural <= e).then_some(natural);
        let cred = strategy.credential();
        o.user.extend(span(t.login, natural, cred));
        o.subject.extend(span(t.stolen, natural, format!("copy of the {cred}")));
        o.subject_from = t.stolen;
        o.subject_before = "has stolen nothing yet".into();
        o.records.extend(login_records(strategy, t.login, t.family_end()));
        o.summary = if o.exposure_seconds > 0 {
            format!(
                "Nothing notices a copied {cred}: the attacker is accepted until it expires, {} after the event.",
                exact_duration(o.exposure_seconds)
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
        // Expired before it could be used: refused as expired, not as a reuse. The refresh
        // token (a server record) gets no leeway: it ended with the family.
        o.expired_at = Some(family_end);
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
            exact_duration(detection - e),
            exact_duration(o.exposure_seconds)
        );
    } else {
        o.subject_after = "expired with the family".into();
        o.summary =
            "The attacker renews first; the family ends before the user renews again, so nothing detects it.".into();
    }
    o
}
