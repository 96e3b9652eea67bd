//! The revocation model's windows, exact to the second, for every strategy and boundary, and
//! what each event changes.

use proptest::prelude::{prop_assert, prop_assert_eq, proptest};

use super::*;

const L: Seconds = 1_700_000_000;

fn scenario(kind: EventKind, at: Seconds, ttl: Seconds, access: Seconds, leeway: Seconds) -> RevocationScenario {
    RevocationScenario {
        name: String::new(),
        description: String::new(),
        login_at: L,
        token_ttl: ttl,
        access_ttl: access,
        leeway,
        event: Event { kind, at, stolen_at: None },
        scale: None,
    }
}

/// Exposure of each strategy, in table order, for a logout (the CLI's revocation).
fn exposures(at: Seconds, ttl: Seconds, access: Seconds, leeway: Seconds) -> [Seconds; 5] {
    exposures_of(&scenario(EventKind::Logout, at, ttl, access, leeway))
}

fn exposures_of(s: &RevocationScenario) -> [Seconds; 5] {
    s.validate().unwrap();
    let sim = simulate(s);
    let mut out = [0; 5];
    for (i, o) in sim.outcomes.iter().enumerate() {
        assert_eq!(o.strategy, Strategy::ALL[i]);
        assert_eq!(o.exposure_seconds, o.accepted_until - s.event.at, "{:?}", o.strategy);
        assert!(o.accepted_until >= s.event.at, "never earlier than the event");
        out[i] = o.exposure_seconds;
    }
    out
}

//                                    session  jwt  jwt-refresh  jwt-denylist  jwt-version
#[test]
fn revoke_at_login() {
    assert_eq!(exposures(L, 3600, 300, 0), [0, 3600, 300, 0, 0], "the login happens first: its token is held");
}

#[test]
fn revoke_at_a_renewal_instant_and_one_second_either_side() {
    // At L+600 the renewal due then comes after the revocation: the user holds token #1,
    // which expires at that very instant.
    assert_eq!(exposures(L + 600, 3600, 300, 0), [0, 3000, 0, 0, 0]);
    assert_eq!(exposures(L + 599, 3600, 300, 0), [0, 3001, 1, 0, 0]);
    assert_eq!(exposures(L + 601, 3600, 300, 0), [0, 2999, 299, 0, 0]);
}

#[test]
fn leeway_only_for_jwt_and_jwt_refresh() {
    assert_eq!(exposures(L, 3600, 300, 30), [0, 3630, 330, 0, 0]);
    assert_eq!(exposures(L + 600, 3600, 300, 30), [0, 3030, 30, 0, 0]);
    assert_eq!(exposures(L + 599, 3600, 300, 30), [0, 3031, 31, 0, 0]);
    assert_eq!(exposures(L + 601, 3600, 300, 30), [0, 3029, 329, 0, 0]);
}

#[test]
fn revoke_after_everything_expired() {
    assert_eq!(exposures(L + 3600, 3600, 300, 0), [0; 5], "expired exactly at revoke-at");
    assert_eq!(exposures(L + 86_400, 3600, 300, 0), [0; 5]);
    // With leeway the last tokens are still accepted at L+3600, and only then.
    assert_eq!(exposures(L + 3600, 3600, 300, 30), [0, 30, 30, 0, 0]);
    assert_eq!(exposures(L + 3629, 3600, 300, 30), [0, 1, 1, 0, 0]);
    assert_eq!(exposures(L + 3630, 3600, 300, 30), [0; 5]);
    let sim = simulate(&scenario(EventKind::Logout, L + 3600, 3600, 300, 0));
    for o in &sim.outcomes {
        assert!(o.server_action.is_none(), "{:?}: nothing left to revoke", o.strategy);
        assert_eq!(o.records_at((L + 3600) as f64) - usize::from(o.strategy == Strategy::JwtVersion), 0);
    }
}

#[test]
fn zero_durations_are_tokens_that_are_never_valid() {
    // A 0-second token is rejected at its issue (now < exp fails at once): the contract refuses
    // only negative or missing durations, so these run, and nothing stays accepted past the
    // revocation except what leeway grants the two JWT strategies without a server check.
    assert_eq!(exposures(L + 10, 0, 0, 0), [0, 0, 0, 0, 0]);
    assert_eq!(exposures(L, 0, 0, 0), [0, 0, 0, 0, 0]);
    assert_eq!(exposures(L, 0, 0, 30), [0, 30, 30, 0, 0], "leeway past exp = login");
    // A 0-second access token under a 1 h refresh family: the refresh strategy holds nothing
    // usable; the plain JWT lives its token-ttl.
    assert_eq!(exposures(L + 100, 3600, 0, 0), [0, 3500, 0, 0, 0]);
    let s = scenario(EventKind::Logout, L + 100, 3600, 0, 0);
    let sim = simulate(&s);
    assert!(sim.outcomes.iter().all(|o| o.accepted_until >= s.event.at));
    let mut scaled = s.clone();
    scaled.scale = Some(ScaleInputs::default());
    let rows = at_scale(&scaled);
    let refresh = rows.iter().find(|r| r.strategy == Strategy::JwtRefresh).unwrap();
    assert!(refresh.lookups_per_second.is_finite(), "a renewal per request, not infinity");
    assert!((refresh.lookups_per_second - ScaleInputs::default().requests_per_second).abs() < 1e-9);
}

#[test]
fn access_ttl_equal_to_token_ttl_makes_refresh_a_plain_jwt() {
    assert_eq!(exposures(L + 1200, 3600, 3600, 0), [0, 2400, 2400, 0, 0]);
    assert_eq!(exposures(L + 1200, 3600, 3600, 15), [0, 2415, 2415, 0, 0]);
    let sim = simulate(&scenario(EventKind::Logout, L + 1200, 3600, 3600, 0));
    assert_eq!(sim.outcome(Strategy::JwtRefresh).chain[0].len(), 1);
}

#[test]
fn last_access_token_is_cut_at_the_refresh_tokens_end() {
    // 1000 s of refresh, 300 s access tokens: #3 is issued at +900 and expires at +1000.
    assert_eq!(exposures(L + 950, 1000, 300, 0), [0, 50, 50, 0, 0]);
    assert_eq!(exposures(L + 900, 1000, 300, 0), [0, 100, 0, 0, 0], "renewal instant: #2 expires then");
    let sim = simulate(&scenario(EventKind::Logout, L + 1000, 1000, 300, 0));
    let run = &sim.outcome(Strategy::JwtRefresh).chain[0];
    assert_eq!(run.len(), 4);
    let last = run.token(3);
    assert_eq!((last.issued, last.exp, last.rejected_from), (L + 900, L + 1000, L + 1000));
}

#[test]
fn contract_constants() {
    let sim = simulate(&scenario(EventKind::Logout, L + 100, 3600, 300, 0));
    let lookups: Vec<u32> = sim.outcomes.iter().map(|o| o.lookups_per_request).collect();
    let entries: Vec<u32> = sim.outcomes.iter().map(|o| o.server_state_entries).collect();
    assert_eq!(lookups, [1, 0, 0, 1, 1]);
    assert_eq!(entries, [1, 0, 1, 1, 1]);
    let names: Vec<&str> = Strategy::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(names, ["session", "jwt", "jwt-refresh", "jwt-denylist", "jwt-version"]);
}

#[test]
fn logout_statuses_records_and_chain() {
    let s = scenario(EventKind::Logout, L + 1000, 3600, 300, 0);
    let sim = simulate(&s);
    let at = |o: &StrategyOutcome, t: Seconds| (o.user_status(t as f64).accepted, o.subject_status(t as f64).accepted);

    let session = sim.outcome(Strategy::Session);
    assert_eq!(at(session, L - 1), (false, false));
    assert_eq!(session.user_status((L - 1) as f64).reason, "not signed in yet");
    assert_eq!(at(session, L + 999), (true, true));
    assert_eq!(at(session, L + 1000), (false, false));
    assert_eq!(session.subject_status((L + 1000) as f64).reason, "the session was deleted");
    assert_eq!(session.records_at((L + 999) as f64), 1);
    assert_eq!(session.records_at((L + 1000) as f64), 0);
    assert_eq!(session.server_action.as_ref().map(|a| a.0), Some(L + 1000));

    let jwt = sim.outcome(Strategy::Jwt);
    assert_eq!(at(jwt, L + 1000), (false, true), "the user logged out, a copy still works");
    assert_eq!(at(jwt, L + 3599), (false, true));
    assert_eq!(at(jwt, L + 3600), (false, false));
    assert!(jwt.server_action.is_none() && jwt.records.is_empty() && jwt.record.is_none());

    let refresh = sim.outcome(Strategy::JwtRefresh);
    assert_eq!(refresh.accepted_until, L + 1200, "token #3 (issued +900) expires at +1200");
    assert_eq!(at(refresh, L + 1199), (false, true));
    assert_eq!(at(refresh, L + 1200), (false, false));
    assert_eq!(refresh.chain[0].len(), 4, "no renewal after the revocation");
    let held = refresh.access_token_at((L + 1100) as f64, Holder::User).unwrap();
    assert_eq!((held.number, held.issued, held.exp), (3, L + 900, L + 1200));
    assert_eq!(refresh.records_at((L + 1000) as f64), 0, "the family is deleted");

    let deny = sim.outcome(Strategy::JwtDenylist);
    assert_eq!(at(deny, L + 1000), (false, false));
    assert_eq!(deny.subject_status((L + 1000) as f64).reason, "its jti is on the denylist");
    assert_eq!(deny.records_at((L + 999) as f64), 0);
    assert_eq!(deny.records_at((L + 1000) as f64), 1, "entry kept until the token's exp");
    assert_eq!(deny.records_at((L + 3599) as f64), 1);
    assert_eq!(deny.records_at((L + 3600) as f64), 0, "and no longer");
    assert_eq!(deny.bytes_at((L + 2000) as f64), deny.record.as_ref().unwrap().bytes());

    let version = sim.outcome(Strategy::JwtVersion);
    assert_eq!(at(version, L + 1000), (false, false));
    assert_eq!(version.records_at((L - 10_000) as f64), 1, "a counter per user, signed in or not");
}

#[test]
fn password_change_signs_the_user_in_again() {
    let s = scenario(EventKind::PasswordChange, L + 1000, 3600, 300, 0);
    let sim = simulate(&s);
    assert_eq!(exposures_of(&s), [0, 2600, 200, 0, 0]);
    for o in &sim.outcomes {
        let user = o.user_status((L + 1000) as f64);
        assert!(user.accepted && user.reason.starts_with("new "), "{:?}: {}", o.strategy, user.reason);
        assert!(!o.subject_status(o.accepted_until as f64).accepted);
        assert!(o.records_at((L + 1500) as f64) <= o.server_state_entries as usize, "{:?}", o.strategy);
    }
    let refresh = sim.outcome(Strategy::JwtRefresh);
    assert_eq!(refresh.chain.len(), 2);
    let new = refresh.access_token_at((L + 1000) as f64, Holder::User).unwrap();
    assert_eq!((new.number, new.issued, new.exp), (0, L + 1000, L + 1300), "a new family from the new login");
    assert_eq!(refresh.records_at((L + 1000) as f64), 1, "old family gone, new one there");
    assert_eq!(sim.outcome(Strategy::Session).records_at((L + 4599) as f64), 1, "the new session lives a token-ttl");
}

#[test]
fn suspended_user_keeps_what_jwt_cannot_revoke() {
    let s = scenario(EventKind::AccountSuspended, L + 1000, 3600, 300, 0);
    let sim = simulate(&s);
    assert_eq!(exposures_of(&s), [0, 2600, 200, 0, 0]);
    let jwt = sim.outcome(Strategy::Jwt);
    assert!(jwt.user_status((L + 3000) as f64).accepted, "the suspended user is still accepted");
    assert_eq!(jwt.user, jwt.subject.iter().map(|s| Span { what: "token".into(), ..s.clone() }).collect::<Vec<_>>());
    let session = sim.outcome(Strategy::Session);
    assert_eq!(session.user_status((L + 1000) as f64).reason, "suspended, cannot sign in again");
    assert!(!sim.outcome(Strategy::JwtRefresh).user_status((L + 1200) as f64).accepted);
}

#[test]
fn stolen_token_is_the_attackers_until_accepted_until() {
    let mut s = scenario(EventKind::TokenStolen, L + 1450, 3600, 300, 0);
    s.event.stolen_at = Some(L + 600);
    let sim = simulate(&s);
    assert_eq!(exposures_of(&s), [0, 2150, 50, 0, 0]);
    for o in &sim.outcomes {
        assert!(!o.subject_status((L + 599) as f64).accepted, "{:?}: nothing stolen yet", o.strategy);
        assert_eq!(o.subject_status((L + 599) as f64).reason, "has stolen nothing yet");
        assert!(o.subject_status((L + 600) as f64).accepted, "{:?}: the copy works from the theft", o.strategy);
        assert!(o.user_status((L + 1450) as f64).accepted, "{:?}: the user signs in again", o.strategy);
        if o.exposure_seconds > 0 {
            assert!(o.subject_status((o.accepted_until - 1) as f64).accepted, "{:?}", o.strategy);
        }
        assert!(!o.subject_status(o.accepted_until as f64).accepted, "{:?}", o.strategy);
    }
    // The attacker's copy of jwt-refresh follows the user's renewals until the revocation.
    let refresh = sim.outcome(Strategy::JwtRefresh);
    assert_eq!(refresh.access_token_at((L + 1449) as f64, Holder::User).unwrap().number, 4);
}

#[test]
fn key_rotation_refuses_every_old_key_token_but_no_session() {
    let s = scenario(EventKind::KeyRotated, L + 2400, 3600, 300, 30);
    let sim = simulate(&s);
    assert_eq!(exposures_of(&s), [0; 5], "retiring the key refuses its tokens at once, leeway or not");
    let session = sim.outcome(Strategy::Session);
    assert!(session.subject.is_empty() && session.server_action.is_none());
    assert!(session.user_status((L + 3000) as f64).accepted, "sessions are not signed");
    for strategy in [Strategy::Jwt, Strategy::JwtDenylist, Strategy::JwtVersion] {
        let o = sim.outcome(strategy);
        assert!(o.user_status((L + 2399) as f64).accepted);
        let after = o.user_status((L + 2400) as f64);
        assert!(!after.accepted && after.reason.contains("must sign in again"), "{strategy:?}: {}", after.reason);
    }
    let refresh = sim.outcome(Strategy::JwtRefresh);
    assert!(refresh.user_status((L + 2400) as f64).accepted, "renewed with the new key at once");
    assert!(!refresh.subject_status((L + 2400) as f64).accepted);
    let old = refresh.access_token_at((L + 2399) as f64, Holder::User).unwrap();
    assert_eq!((old.number, old.exp, old.rejected_from), (7, L + 2400, L + 2400), "leeway cut by the retirement");
    let new = refresh.access_token_at((L + 2400) as f64, Holder::User).unwrap();
    assert_eq!((new.number, new.issued, new.exp), (8, L + 2400, L + 2700));
    assert_eq!(refresh.chain[1].len(), 4, "renewals at +2400, +2700, +3000, +3300");
    assert_eq!(refresh.user.last().unwrap().until, L + 3630);
}

#[test]
fn replayed_old_refresh_token_is_detected_at_once() {
    let mut s = scenario(EventKind::RefreshReuse, L + 1020, 3600, 300, 0);
    s.event.stolen_at = Some(L + 120);
    let sim = simulate(&s);
    // Nothing else notices a copy: it works until it expires.
    assert_eq!(exposures_of(&s), [2580, 2580, 0, 2580, 2580]);
    let refresh = sim.outcome(Strategy::JwtRefresh);
    assert_eq!(refresh.server_action.as_ref().map(|a| a.0), Some(L + 1020));
    assert!(refresh.subject.is_empty(), "the attacker gets nothing");
    assert!(refresh.user_status((L + 1199) as f64).accepted);
    assert_eq!(refresh.user_status((L + 1200) as f64).reason, "signed out: the family was revoked on the reuse");
    assert_eq!(refresh.records_at((L + 1020) as f64), 0);
    let session = sim.outcome(Strategy::Session);
    assert!(session.subject_status((L + 120) as f64).accepted && session.server_action.is_none());
}

#[test]
fn refresh_token_race_is_detected_at_the_users_next_renewal() {
    let mut s = scenario(EventKind::RefreshReuse, L + 1020, 3600, 300, 0);
    s.event.stolen_at = Some(L + 1020);
    let sim = simulate(&s);
    assert_eq!(exposures_of(&s), [2580, 2580, 300, 2580, 2580]);
    let refresh = sim.outcome(Strategy::JwtRefresh);
    assert_eq!(refresh.server_action.as_ref().map(|a| a.0), Some(L + 1200), "the user's renewal trips it");
    let attacker = refresh.access_token_at((L + 1100) as f64, Holder::Other).unwrap();
    assert_eq!((attacker.number, attacker.issued, attacker.exp), (4, L + 1020, L + 1320));
    assert_eq!(attacker.refresh_until, L + 1200, "its refresh generation dies with the family");
    let user = &refresh.chain[0];
    assert_eq!(user.token(3).refresh_until, L + 1020, "the attacker rotated the user's generation away");
    assert!(refresh.user_status((L + 1199) as f64).accepted);
    assert!(!refresh.user_status((L + 1200) as f64).accepted);
    assert!(refresh.subject_status((L + 1319) as f64).accepted && !refresh.subject_status((L + 1320) as f64).accepted);

    // With leeway, the attacker's token lasts that much longer.
    s.leeway = 30;
    assert_eq!(exposures_of(&s), [2580, 2610, 330, 2580, 2580]);

    // At a renewal instant the attacker renews first, the user's renewal right after trips it.
    let mut at_renewal = scenario(EventKind::RefreshReuse, L + 1200, 3600, 300, 0);
    at_renewal.event.stolen_at = Some(L + 1200);
    let sim = simulate(&at_renewal);
    assert_eq!(sim.outcome(Strategy::JwtRefresh).exposure_seconds, 300);
    assert_eq!(sim.outcome(Strategy::JwtRefresh).server_action.as_ref().map(|a| a.0), Some(L + 1200));

    // Near the end the family expires before the user renews: nothing detects it.
    let mut late = scenario(EventKind::RefreshReuse, L + 3500, 3600, 300, 0);
    late.event.stolen_at = Some(L + 3500);
    let sim = simulate(&late);
    assert_eq!(sim.outcome(Strategy::JwtRefresh).exposure_seconds, 100);
    assert!(sim.outcome(Strategy::JwtRefresh).server_action.is_none());

    // After the family's end the refresh token is simply expired.
    let expired = scenario(EventKind::RefreshReuse, L + 3600, 3600, 300, 0);
    assert_eq!(exposures_of(&expired), [0; 5]);
}

#[test]
fn records_never_exceed_the_per_user_footprint() {
    for (_, text) in SAMPLES {
        let s = RevocationScenario::from_json(text).unwrap();
        let sim = simulate(&s);
        for o in &sim.outcomes {
            for t in (s.login_at - 10..s.login_at + 2 * s.token_ttl + 10).step_by(7) {
                assert!(
                    o.records_at(t as f64) <= o.server_state_entries as usize,
                    "{} {:?} at {t}",
                    s.name,
                    o.strategy
                );
            }
        }
    }
}

#[test]
fn chains_are_bounded_and_only_what_is_shown_is_built() {
    // One-second access tokens for a year: 31.5 million tokens, none materialised.
    let s = scenario(EventKind::Logout, L + 86_400, 31_536_000, 1, 0);
    let sim = simulate(&s);
    let run = &sim.outcome(Strategy::JwtRefresh).chain[0];
    assert_eq!(run.len(), 86_400, "issues at L .. L+86399; the one due at the revocation is not");
    let shown = run.tokens_between((L + 100) as f64, (L + 1_000_000) as f64, 50);
    assert_eq!(shown.len(), 50);
    assert_eq!(shown[0].number, 100);
    assert_eq!(sim.outcome(Strategy::JwtRefresh).exposure_seconds, 0);
    assert_eq!(sim.next_change_after((L + 10) as f64), Some(L + 11));
}

#[test]
fn next_change_for_repaints() {
    let sim = simulate(&scenario(EventKind::Logout, L + 1000, 3600, 300, 0));
    assert_eq!(sim.next_change_after((L - 5) as f64), Some(L));
    assert_eq!(sim.next_change_after((L + 950) as f64), Some(L + 1000));
    assert_eq!(sim.next_change_after((L + 1100) as f64), Some(L + 1200));
    assert_eq!(sim.next_change_after((L + 3600) as f64), None);
}

#[test]
fn records_look_like_a_stores() {
    let s = scenario(EventKind::Logout, L + 1000, 3600, 300, 0);
    let session = record(Strategy::Session, &s).unwrap();
    assert!(session.key.starts_with("session:") && session.key.len() == "session:".len() + 43);
    assert_eq!(session.value, format!(r#"{{"sub":"user-1","iat":{L},"exp":{}}}"#, L + 3600));
    assert_eq!(record(Strategy::JwtDenylist, &s).unwrap().value, (L + 3600).to_string());
    assert_eq!(record(Strategy::JwtVersion, &s).unwrap().bytes(), "token-version:user-1".len() + 1);
    assert!(record(Strategy::Jwt, &s).is_none());
}

#[test]
fn samples_parse_and_round_trip() {
    for (file, text) in SAMPLES {
        let s = RevocationScenario::from_json(text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!s.name.is_empty() && !s.description.is_empty(), "{file}");
        assert_eq!(RevocationScenario::from_json(&s.to_json()).unwrap(), s, "{file}");
        assert!(file.starts_with(s.event.kind.name()), "{file} is named after its event");
    }
    assert_eq!(RevocationScenario::from_json(SAMPLES[0].1).unwrap(), RevocationScenario::example(L));
}

#[test]
fn bad_files_name_the_member() {
    let good = SAMPLES[0].1;
    // (text to replace in the logout sample, its replacement, the member named, words of the message)
    let cases = [
        ("", "", "token_ttl", "is missing"),
        (r#""token_ttl": 3600"#, r#""token_ttl": "3600""#, "token_ttl", "must be a number of seconds, found a string"),
        (r#""token_ttl": 3600"#, r#""token_ttl": 3600.5"#, "token_ttl", "whole number"),
        (r#""token_ttl": 3600"#, r#""token_ttl": -1"#, "token_ttl", "must not be negative"),
        (r#""access_ttl": 300"#, r#""access_ttl": 7200"#, "access_ttl", "never outlives"),
        (r#""leeway": 0"#, r#""leeway": -5"#, "leeway", "must not be negative"),
        (r#""login_at""#, r#""tokn_ttl""#, "tokn_ttl", "unknown member"),
        (r#""kind": "logout""#, r#""kind": "logoff""#, "event.kind", "is not one of"),
        (r#""kind": "logout""#, r#""kind": 3"#, "event.kind", "must be a string"),
        (r#""at": 1700001020"#, r#""at": 1600000000"#, "event.at", "before the login"),
        (
            r#""at": 1700001020"#,
            r#""at": 1700001020, "stolen_at": 1700000000"#,
            "event.stolen_at",
            "only the token-stolen",
        ),
        (r#""at": 1700001020"#, r#""at": 1700001020, "when": 1"#, "event.when", "unknown member"),
        (r#""active_users": 100000"#, r#""active_users": 2000000"#, "scale.active_users", "more than"),
        (r#""users": 1000000"#, r#""users": -3"#, "scale.users", "whole number"),
    ];
    for (pattern, replacement, field, words) in cases {
        let text = if pattern.is_empty() {
            good.replacen("\"token_ttl\": 3600,", "", 1)
        } else {
            assert!(good.contains(pattern), "{pattern}");
            good.replacen(pattern, replacement, 1)
        };
        let e = RevocationScenario::from_json(&text).unwrap_err();
        assert_eq!(e.field, field, "{e}");
        assert!(e.message.contains(words), "{e}");
    }
    for (text, words) in
        [("[1]", "JSON object"), ("{", "not valid JSON"), (&" ".repeat(MAX_SCENARIO_BYTES + 1), "limit")]
    {
        let e = RevocationScenario::from_json(text).unwrap_err();
        assert_eq!(e.field, "(file)");
        assert!(e.message.contains(words), "{e}");
    }
    let mut stolen = RevocationScenario::example(L);
    stolen.event = Event { kind: EventKind::TokenStolen, at: L + 100, stolen_at: Some(L + 200) };
    assert_eq!(stolen.validate().unwrap_err().field, "event.stolen_at");
}

#[test]
fn repeated_and_null_members_are_errors_naming_the_member() {
    let good = SAMPLES[0].1;
    for (pattern, replacement, field, words) in [
        (r#""leeway": 0"#, r#""leeway": 0, "leeway": 600"#, "leeway", "duplicate member"),
        (r#""at": 1700001020"#, r#""at": 1700001020, "at": 1700009999"#, "event.at", "duplicate member"),
        (r#""users": 1000000"#, r#""users": 1000000, "users": 5"#, "scale.users", "duplicate member"),
        (r#""leeway": 0"#, r#""leeway": null"#, "leeway", "found null"),
        (r#""at": 1700001020"#, r#""at": null"#, "event.at", "found null"),
        (
            r#""leeway": 0"#,
            r#""lee\u001b]0;x\u0007\u202eway": 0"#,
            "lee\\u{1b}]0;x\\u{7}\\u{202e}way",
            "unknown member",
        ),
    ] {
        assert!(good.contains(pattern), "{pattern}");
        let e = RevocationScenario::from_json(&good.replacen(pattern, replacement, 1)).unwrap_err();
        assert_eq!(e.field, field, "{e}");
        assert!(e.message.contains(words), "{e}");
        assert!(!e.to_string().contains(['\u{1b}', '\u{7}', '\u{202e}']), "{e}");
    }
    // Rules between members wait for RevocationScenario::validate, so overrides can come first.
    let text = good.replacen(r#""active_users": 100000"#, r#""active_users": 2000000"#, 1);
    let mut s = RevocationScenario::from_json_unchecked(&text).unwrap();
    assert_eq!(s.validate().unwrap_err().field, "scale.active_users");
    s.scale = s.scale.map(|sc| ScaleInputs { users: 3_000_000, ..sc });
    assert_eq!(s.validate(), Ok(()));
}

/// The format has no null: every member given as `null`, optional or not, is an error naming
/// it (an optional one is left out for its default), `"scale": null` and `"name": null` too.
#[test]
fn null_is_refused_for_every_member() {
    // The sample with every member, stolen_at added (a null is refused before any rule between
    // members is judged).
    let mut good: serde_json::Value = serde_json::from_str(SAMPLES[0].1).unwrap();
    good["event"]["stolen_at"] = serde_json::json!(L);
    let mut paths: Vec<Vec<String>> = Vec::new();
    for (name, value) in good.as_object().unwrap() {
        paths.push(vec![name.clone()]);
        if let Some(inner) = value.as_object() {
            paths.extend(inner.keys().map(|k| vec![name.clone(), k.clone()]));
        }
    }
    assert!(paths.iter().any(|p| p == &["scale"]) && paths.iter().any(|p| p == &["event", "stolen_at"]));
    for path in paths {
        let mut v = good.clone();
        let slot = path.iter().fold(&mut v, |v, k| &mut v[k.as_str()]);
        *slot = serde_json::Value::Null;
        let e = RevocationScenario::from_json(&v.to_string()).unwrap_err();
        assert_eq!(e.field, path.join("."), "{e}");
        assert!(e.message.contains("found null"), "{e}");
    }
}

#[test]
#[allow(clippy::float_cmp)] // exact by construction: small integers and their ratios
fn scale_follows_the_issues_rules() {
    let mut s = RevocationScenario::example(L);
    s.scale =
        Some(ScaleInputs { users: 1000, active_users: 100, requests_per_second: 50.0, revocations_per_day: 864.0 });
    let rows = at_scale(&s);
    let entries: Vec<f64> = rows.iter().map(|r| r.entries).collect();
    // denylist = 864/day = 0.01/s x 3600 s = 36 entries.
    assert_eq!(entries, [100.0, 0.0, 100.0, 36.0, 1000.0]);
    let lookups: Vec<f64> = rows.iter().map(|r| r.lookups_per_second).collect();
    assert_eq!(lookups, [50.0, 0.0, 100.0 / 300.0, 50.0, 50.0]);
    for r in &rows {
        let per = record(r.strategy, &s).map_or(0, |x| x.bytes()) as f64;
        assert!((r.bytes - r.entries * per).abs() < 1e-9);
    }
    let series = series_against_token_ttl(&s, 10);
    let deny = &series[3].points;
    assert_eq!(deny[0][0], 300.0);
    assert!((deny[9][1] - 864.0 / 86_400.0 * deny[9][0]).abs() < 1e-9, "linear in token-ttl");
    assert!(series[0].points.iter().all(|p| p[1] == 100.0), "sessions do not depend on token-ttl");
}

#[test]
fn scale_inputs_stay_in_ranges_where_every_figure_is_finite() {
    let mut s = RevocationScenario::example(L);
    s.token_ttl = MAX_TIME;
    s.access_ttl = 1;
    let largest = ScaleInputs {
        users: MAX_SCALE_USERS,
        active_users: MAX_SCALE_USERS,
        requests_per_second: MAX_REQUESTS_PER_SECOND,
        revocations_per_day: MAX_REVOCATIONS_PER_DAY,
    };
    assert_eq!(largest.validate(), Ok(()));
    s.scale = Some(largest);
    for r in at_scale(&s) {
        assert!(r.entries.is_finite() && r.bytes.is_finite() && r.lookups_per_second.is_finite(), "{r:?}");
    }
    for series in series_against_token_ttl(&s, 20) {
        assert!(series.points.iter().flatten().all(|v| v.is_finite()), "{:?}", series.strategy);
    }
    for (bad, field) in [
        (ScaleInputs { revocations_per_day: 1e308, ..largest }, "scale.revocations_per_day"),
        (ScaleInputs { revocations_per_day: f64::INFINITY, ..largest }, "scale.revocations_per_day"),
        (ScaleInputs { requests_per_second: MAX_REQUESTS_PER_SECOND * 2.0, ..largest }, "scale.requests_per_second"),
        (ScaleInputs { requests_per_second: f64::NAN, ..largest }, "scale.requests_per_second"),
        (ScaleInputs { requests_per_second: -1.0, ..largest }, "scale.requests_per_second"),
        (ScaleInputs { users: MAX_SCALE_USERS + 1, ..largest }, "scale.users"),
        (ScaleInputs { users: 0, active_users: 0, ..largest }, "scale.users"),
    ] {
        assert_eq!(bad.validate().unwrap_err().field, field, "{bad:?}");
    }
}

/// The literal reading of the contract for jwt-refresh, token by token, with no formula.
fn refresh_accepted_until_by_enumeration(login: i64, ttl: i64, access: i64, leeway: i64, at: i64) -> i64 {
    let mut until = at;
    let mut k = 0;
    loop {
        let issue = login + k * access;
        // A login at the revocation instant happens before it; a renewal due then does not.
        if issue >= login + ttl || (k > 0 && issue >= at) {
            break;
        }
        let exp = (issue + access).min(login + ttl);
        if issue <= at && at < exp + leeway {
            until = until.max(exp + leeway);
        }
        k += 1;
    }
    until
}

proptest! {
    #[test]
    fn refresh_formula_matches_enumeration(
        access in 1i64..400, extra in 0i64..2000, offset in 0i64..3000, leeway in 0i64..60,
    ) {
        let ttl = access + extra;
        let s = scenario(EventKind::Logout, L + offset, ttl, access, leeway);
        let o = simulate(&s).outcome(Strategy::JwtRefresh).clone();
        prop_assert_eq!(o.accepted_until, refresh_accepted_until_by_enumeration(L, ttl, access, leeway, L + offset));
    }

    #[test]
    fn subject_spans_agree_with_accepted_until(
        kind in 0usize..4, access in 1i64..400, extra in 0i64..2000, offset in 0i64..3000, leeway in 0i64..60,
    ) {
        let ttl = access + extra;
        let s = scenario(EventKind::ALL[kind], L + offset, ttl, access, leeway);
        for o in simulate(&s).outcomes {
            let e = s.event.at;
            prop_assert_eq!(o.subject_status(o.accepted_until as f64).accepted, false);
            if o.exposure_seconds > 0 {
                prop_assert!(o.subject_status(e as f64).accepted);
                prop_assert!(o.subject_status((o.accepted_until - 1) as f64).accepted);
            }
        }
    }
}

/// `expired_at` is the instant the targeted credentials ended on their own, when that is not
/// after the event (nothing left to revoke): `exp`, plus the leeway for jwt and jwt-refresh
/// access tokens; a stolen refresh token's family end for refresh-reuse. While anything is
/// still accepted at the event, it is `None`.
#[test]
fn a_credential_expired_before_the_event_says_when() {
    let end = L + 3600;
    for kind in EventKind::ALL {
        for (leeway, at) in [(0, L + 100_000), (30, L + 100_000), (0, end)] {
            let sim = simulate(&scenario(kind, at, 3600, 300, leeway));
            // session, jwt, jwt-refresh, jwt-denylist, jwt-version: the leeway extends the two
            // whose acceptance is a bare exp check (a refresh family's end is not an exp).
            let refresh = if kind == EventKind::RefreshReuse { end } else { end + leeway };
            let expected = [end, end + leeway, refresh, end, end];
            for (o, expected) in sim.outcomes.iter().zip(expected) {
                assert_eq!(o.expired_at, Some(expected), "{kind:?} {:?} leeway {leeway} at {at}", o.strategy);
                assert_eq!((o.accepted_until, o.exposure_seconds), (at, 0), "the contract: {kind:?} {:?}", o.strategy);
            }
        }
        for at in [L, L + 1020, end - 1] {
            let sim = simulate(&scenario(kind, at, 3600, 300, 0));
            assert!(sim.outcomes.iter().all(|o| o.expired_at.is_none()), "{kind:?} at {at}");
        }
    }
}
