//! The lab's rules, driven by commands as the window drives them: the scenario stays valid,
//! its name follows changes unless a file gave it, a token no exp ends is shown by the
//! rotation, files come and go as text through the app.

use super::*;
use crate::core::engine::keys::{SecretEncoding, load_secret};
use crate::core::engine::sign::sign;
use crate::core::engine::token::{self, JsonObject};

/// The lab handles `c` at `now`, with no decoded token.
fn run(lab: &mut RevocationLab, c: RevocationCommand, now: f64) -> Option<RevocationEffect> {
    lab.handle(c, LabContext { now, token: None })
}

/// An HS256 token with these claims, parsed.
fn signed(claims: &serde_json::Value) -> token::Token {
    let key = load_secret(b"a-long-enough-secret-for-hs256-0123456789", SecretEncoding::Utf8, "s").unwrap();
    let serde_json::Value::Object(c) = claims.clone() else { unreachable!() };
    token::parse(&sign(&JsonObject::new(), &c, "HS256", &key).unwrap()).unwrap()
}

#[test]
fn the_window_starts_on_the_example_at_the_start_of_the_minute() {
    let lab = RevocationLab::starting_at(1_700_000_099.9);
    assert_eq!(lab.scenario(), &RevocationScenario::example(1_700_000_040));
    // Far outside the model's instants: still a lab that can be simulated, never a panic.
    RevocationLab::starting_at(f64::MAX).scenario().validate().unwrap();
}

#[test]
fn the_scenario_name_follows_changes_unless_it_came_from_a_file() {
    let mut lab = RevocationLab::new(RevocationScenario::from_json(SAMPLES[0].1).unwrap());
    let sample = lab.scenario().name.clone();
    run(&mut lab, RevocationCommand::SetScale(ScaleInputs::default()), 0.0);
    assert_eq!(lab.scenario().name, sample, "the population is not the scenario");
    run(&mut lab, RevocationCommand::SetEvent(EventKind::TokenStolen), 0.0);
    assert_eq!(
        lab.scenario().name,
        "Token stolen at +0 s, acted on 17 min after a 1 h login (5 min access tokens)",
        "no longer {sample:?}"
    );
    run(&mut lab, RevocationCommand::SetAccessTtl(120), 0.0);
    assert!(lab.scenario().name.ends_with("(2 min access tokens)"), "{}", lab.scenario().name);
    assert_eq!(lab.scenario().description, EventKind::TokenStolen.caption());
    // A file's name is the user's: kept through changes.
    let mut mine = RevocationScenario::example(1_700_000_000);
    mine.name = "Incident 42".into();
    let said =
        run(&mut lab, RevocationCommand::LoadScenarioText { name: "mine.json".into(), text: mine.to_json() }, 0.0);
    assert_eq!(said, Some(RevocationEffect::Info("loaded the scenario mine.json".into())));
    run(&mut lab, RevocationCommand::SetAccessTtl(60), 0.0);
    assert_eq!(lab.scenario().name, "Incident 42");
    // A sample again: its own name until changed.
    run(&mut lab, RevocationCommand::LoadSample(0), 0.0);
    assert_eq!(lab.scenario().name, sample);
    run(&mut lab, RevocationCommand::SetLeeway(30), 0.0);
    assert!(lab.scenario().name.ends_with(", 30 s leeway)"), "{}", lab.scenario().name);
}

#[test]
fn files_are_text_from_the_app_and_a_bad_one_is_refused_naming_it() {
    let mut lab = RevocationLab::new(RevocationScenario::example(1_700_000_000));
    let before = lab.scenario().clone();
    let bad = SAMPLES[0].1.replace("\"leeway\": 0", "\"leeway\": -1");
    let said = run(&mut lab, RevocationCommand::LoadScenarioText { name: "bad.json".into(), text: bad }, 0.0);
    assert_eq!(said, Some(RevocationEffect::Error("bad.json: leeway: must not be negative, got -1".into())));
    assert_eq!(lab.scenario(), &before, "nothing of a refused file is kept");
    // Open and save are asked of the app; the saved text is the file format, read back whole.
    assert_eq!(run(&mut lab, RevocationCommand::OpenScenario, 0.0), Some(RevocationEffect::PickScenarioFile));
    let Some(RevocationEffect::SaveScenario { suggested_name, text }) =
        run(&mut lab, RevocationCommand::SaveScenario, 0.0)
    else {
        panic!("save asks the app for a file")
    };
    assert_eq!(suggested_name, "scenario.json");
    assert_eq!(RevocationScenario::from_json(&text).unwrap(), before);
}

#[test]
fn commands_keep_the_scenario_valid() {
    let mut lab = RevocationLab::new(RevocationScenario::example(1_700_000_000));
    assert!(run(&mut lab, RevocationCommand::SetTokenTtl(120), 0.0).is_none());
    assert_eq!((lab.scenario().token_ttl, lab.scenario().access_ttl), (120, 120), "access-ttl follows down");
    run(&mut lab, RevocationCommand::SetAccessTtl(500), 0.0);
    assert_eq!(lab.scenario().access_ttl, 120);
    run(&mut lab, RevocationCommand::SetEvent(EventKind::TokenStolen), 0.0);
    run(&mut lab, RevocationCommand::SetStolenOffset(99_999), 0.0);
    assert_eq!(lab.scenario().event.stolen_at, Some(lab.scenario().event.at), "a theft is never after the event");
    let m = run(&mut lab, RevocationCommand::EventNow, 1_600_000_000.0);
    assert!(matches!(m, Some(RevocationEffect::Error(_))), "{m:?}");
    run(&mut lab, RevocationCommand::StartNow, 1_800_000_000.5);
    assert_eq!(lab.scenario().login_at, 1_800_000_000);
    assert_eq!(lab.scenario().event.at, 1_800_001_020, "the event keeps its offset");
    lab.scenario().validate().unwrap();
    let m = run(&mut lab, RevocationCommand::UseDecodedToken, 0.0);
    assert!(matches!(&m, Some(RevocationEffect::Error(e)) if e.contains("decode a token")), "{m:?}");
    run(&mut lab, RevocationCommand::SetRefreshToken("garbage".into()), 0.0);
    assert_eq!(lab.refresh_text, "garbage");
    // 0 s is a lifetime the model supports (a token that is never valid): kept, not 1 s.
    assert!(run(&mut lab, RevocationCommand::SetTokenTtl(0), 0.0).is_none());
    assert_eq!((lab.scenario().token_ttl, lab.scenario().access_ttl), (0, 0));
    run(&mut lab, RevocationCommand::SetAccessTtl(5), 0.0);
    assert_eq!(lab.scenario().access_ttl, 0, "never longer than token-ttl");
    lab.scenario().validate().unwrap();
}

#[test]
fn a_token_no_exp_ends_is_shown_by_the_rotation_and_said_plainly() {
    let mut lab = RevocationLab::new(RevocationScenario::example(1_700_000_000));
    let bounded = signed(&serde_json::json!({"iat": 1_700_000_000, "exp": 1_700_000_900}));
    let m = lab.handle(RevocationCommand::ShowEndlessToken, LabContext { now: 0.0, token: Some(&bounded) });
    assert!(matches!(m, Some(RevocationEffect::Error(_))), "a token with an exp the lab can run is used as it is");
    let forever = signed(&serde_json::json!({"iat": 1_750_000_000}));
    lab.handle(RevocationCommand::ShowEndlessToken, LabContext { now: 0.0, token: Some(&forever) });
    let s = lab.scenario().clone();
    assert_eq!((s.login_at, s.event.kind, s.event.at), (1_750_000_000, EventKind::KeyRotated, 1_750_001_200));
    assert_eq!(s.token_ttl, 3600, "the lab's token-ttl, named as the lab's in the note");
    assert!(lab.endless_note().unwrap().contains("accepted for 20 min, until the rotation"));
    // Another event: the note still says the token-ttl is not the token's.
    run(&mut lab, RevocationCommand::SetEvent(EventKind::Logout), 0.0);
    assert!(lab.endless_note().unwrap().contains("token-ttl 1 h is the lab's, not your token's"));
    // Other lifetimes loaded: no note.
    run(&mut lab, RevocationCommand::LoadSample(0), 0.0);
    assert_eq!(lab.endless_note(), None);
}

#[test]
fn the_next_change_is_the_simulations() {
    let lab = RevocationLab::new(RevocationScenario::from_json(SAMPLES[0].1).unwrap());
    let login = lab.scenario().login_at;
    // Five-minute access tokens: the renewal at +15 min, then the logout at +17 min.
    assert_eq!(lab.next_change_at((login + 600) as f64), Some((login + 900) as f64));
    assert_eq!(lab.next_change_at((login + 1000) as f64), Some((login + 1020) as f64));
}
