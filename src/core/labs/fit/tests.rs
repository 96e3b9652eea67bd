//! The fit lab's figures: literal sizes where signing is deterministic, the crossings checked
//! against tokens signed on either side, and the models' logout figures.

use super::payload::{self, LIMITS, MAX_ADDED, Measures};
use super::*;

#[test]
fn the_start_screen_counts_the_real_lines() {
    let f = start::figures().unwrap();
    assert_eq!(f.cookie_bytes, 34);
    assert_eq!(f.cookie_line.len(), 34);
    assert!(f.cookie_line.starts_with("Cookie: sid="));
    assert_eq!(f.token_bytes, crate::core::labs::flows::credential::TYPICAL_TOKEN_BYTES);
    assert_eq!(f.bearer_bytes, 22 + 812);
    assert!(f.bearer_line.starts_with("Authorization: Bearer eyJ"));
    assert_eq!(f.session.len(), 3);
    assert_eq!(f.jwt.len(), 3);
    assert_eq!(f.lines()[1], "JWT per request: Authorization: Bearer <812 B token, 10 claims> = 834 B, 0 lookups");
}

#[test]
fn claims_grow_the_token_and_each_crossing_is_the_first_over() {
    assert_eq!(payload::point(0).unwrap().token_bytes, 812);
    let sweep = payload::sweep().unwrap();
    assert_eq!(sweep.points.len(), MAX_ADDED / payload::SWEEP_STEP + 1);
    assert!(sweep.points.windows(2).all(|w| w[0].token_bytes < w[1].token_bytes));
    assert_eq!(sweep.crossings.len(), LIMITS.len());
    let mut last = 0;
    for c in &sweep.crossings {
        let over = c.first_over.unwrap_or_else(|| panic!("{} is crossed within {MAX_ADDED}", c.limit.name));
        assert!(over.measured(&c.limit) > c.limit.bytes);
        let under = payload::point(over.added - 1).unwrap();
        assert!(under.measured(&c.limit) <= c.limit.bytes, "{}", c.limit.name);
        assert!(over.added >= last, "limits are crossed in order");
        last = over.added;
    }
    let crossed: Vec<(usize, usize)> =
        sweep.crossings.iter().map(|c| c.first_over.map_or((0, 0), |o| (o.added, o.measured(&c.limit)))).collect();
    // Apache and nginx fall together: one claim more adds over 30 B, past both 8190 and 8192.
    assert_eq!(crossed, vec![(84, 4099), (191, 8225), (191, 8225), (403, 16390)]);
    assert_eq!(LIMITS[0].measures, Measures::CookiePair);
}

#[test]
fn the_report_says_where_this_token_stands() {
    let r = payload::report(0).unwrap();
    let lines = r.lines();
    assert_eq!(lines[0], "Session: 34 B per request (Cookie: sid=...) plus 1 store lookup, whatever the user's data");
    assert!(lines[1].starts_with("JWT with 0 claims added: 834 B per request"), "{}", lines[1]);
    assert!(lines[2..].iter().all(|l| l.ends_with("this token fits")), "{lines:?}");
    let big = payload::report(MAX_ADDED).unwrap();
    assert!(big.lines()[2..].iter().all(|l| l.ends_with("this token is over it")));
    assert_eq!(payload::report(MAX_ADDED + 50).unwrap().point.added, MAX_ADDED);
}

#[test]
fn the_hybrids_take_their_logout_delays_from_the_revocation_model() {
    let r = hybrids::report().unwrap();
    assert_eq!(r.refresh.logout_delays, vec![("API client", 300)]);
    assert_eq!(r.split.logout_delays, vec![("API client", 900), ("Admin panel", 0)]);
    assert_eq!(r.refresh.carries[0].bytes, 834);
    assert_eq!(r.refresh.carries[0].lookups, 0);
    assert_eq!(r.refresh.carries[1].lookups, 1);
    assert_eq!(r.split.carries[1].bytes, 34);
    assert_eq!(r.split.carries[1].lookups, 1);
}

#[test]
fn each_site_accepts_its_own_id_token_and_refuses_the_others() {
    let r = sso::report().unwrap();
    assert_eq!(r.steps.len(), 7);
    assert_eq!(r.jwks_kids, vec![crate::core::labs::flows::credential::TYPICAL_KID.to_owned()]);
    let checks: Vec<(&str, &str, bool)> =
        r.steps.iter().flat_map(|s| s.checks.iter().map(|c| (c.site, c.audience, c.valid))).collect();
    assert_eq!(
        checks,
        vec![(sso::SHOP, sso::SHOP, true), (sso::FORUM, sso::FORUM, true), (sso::FORUM, sso::SHOP, false)]
    );
    let refused = &r.steps[6].checks[1].summary;
    assert!(refused.contains("aud"), "{refused}");
    // No cookie goes to the forum: the jar holds none for its domain when it is visited.
    assert!(r.steps[4].cookie_jar.iter().all(|c| !c.starts_with("forum.example")));
}

#[test]
fn the_typical_app_keeps_its_logout_with_sessions() {
    let r = defaults::report();
    let [session, jwt, denylist] = r.designs.as_slice() else { panic!("three designs") };
    assert_eq!((session.bytes_per_request, session.lookups_per_request), (34, 1));
    assert_eq!(session.accepted_after_logout, 0);
    assert_eq!(session.logout_delay, Some(0.0));
    assert!(jwt.accepted_after_logout > 0);
    assert_eq!(jwt.logout_delay, Some(900.0));
    assert_eq!((denylist.accepted_after_logout, denylist.lookups_per_request), (0, 1));
    assert_eq!(r.frameworks.iter().map(|f| f.setting).collect::<Vec<_>>()[1], "SESSION_ENGINE");
}

#[test]
fn the_lab_clamps_and_steps_within_its_bounds() {
    let mut lab = FitLab::default();
    lab.handle(FitCommand::SetAdded(10_000));
    assert_eq!(lab.added, MAX_ADDED);
    assert_eq!(lab.payload.as_ref().unwrap().as_ref().unwrap().point.added, MAX_ADDED);
    lab.handle(FitCommand::Page(FitPage::Sso));
    lab.handle(FitCommand::SsoBack);
    assert_eq!(lab.sso_step, 0);
    for _ in 0..20 {
        lab.handle(FitCommand::SsoNext);
    }
    assert_eq!(lab.sso_step, 6);
    assert!(lab.prepared(false) && !lab.prepared(true));
    lab.handle(FitCommand::Prepare { start: true });
    assert!(lab.prepared(true));
}

#[test]
fn the_admin_panel_hybrid_refuses_the_cookie_at_once_and_the_jwt_only_at_exp() {
    use admin_panel::{ADMIN_AFTER_AT, API_AFTER_AT, LOGOUT_AT};
    let steps = admin_panel::steps().unwrap();
    assert_eq!(steps.len(), 7);
    let answer = |i: usize| steps[i].answer.clone().unwrap();
    // Before the logout both accept: the API with no lookup, the admin panel with one.
    assert_eq!((answer(1).who, answer(1).accepted, answer(1).lookups), ("API", true, 0));
    assert_eq!((answer(2).who, answer(2).accepted, answer(2).lookups), ("Admin panel", true, 1));
    // One record for the admin panel's session, none after the logout deletes it.
    assert_eq!(steps.iter().map(|s| s.server_records).collect::<Vec<_>>(), [1, 1, 1, 0, 0, 0, 0]);
    // After it: the API still accepts a copy, the admin panel refuses the cookie, and at exp
    // the API refuses too (the real verifier's verdict: expired).
    assert!(answer(4).accepted, "{:?}", answer(4));
    assert!(!answer(5).accepted, "{:?}", answer(5));
    assert!(!answer(6).accepted && answer(6).why.to_lowercase().contains("expired"), "{:?}", answer(6));
    // The delays are the revocation model's: the typical 15-min token, logged out at 60 s.
    let exp = crate::core::labs::flows::credential::TYPICAL_LIFETIME;
    assert!(steps[4].note.contains(&format!("until exp at t = {exp} s, {} s after the logout", exp - LOGOUT_AT)));
    assert!(steps[5].note.contains("cookie 0 s after the logout"), "{}", steps[5].note);
    assert!(steps[4].title.contains(&format!("t = {API_AFTER_AT} s")));
    assert!(steps[5].title.contains(&format!("t = {ADMIN_AFTER_AT} s")));
    assert_eq!(steps[6].title, format!("7. The API call at exp (t = {exp} s): refused at last"));
    assert_eq!(hybrids::report().unwrap().admin_panel, steps);
}
