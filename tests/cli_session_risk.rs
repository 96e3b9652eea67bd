//! `tokenbench simulate session-risk`'s contract: for each attack, with and without defences,
//! its JSON holds the core session-risk model's figures (the ones the window's Session risks
//! view draws), field by field; bad input is exit 2 naming the flag and the allowed values.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use serde_json::{Value, json};
use tokenbench::core::engine::audit::SameSite;
use tokenbench::core::engine::keys::{self, SecretEncoding};
use tokenbench::core::engine::sign::sign;
use tokenbench::core::engine::token::{self, Token};
use tokenbench::core::labs::security::session_risk::{
    self, CookieFlags, RiskScenario, ScenarioKind, SessionLifetimes, lifetime_text,
};

mod common;
use common::{code, json_out, obj, run, stderr, stdout, temp};

const AT: f64 = 1_700_000_000.0;

/// Seconds as the JSON gives them: `null` for a lifetime that never ends.
fn secs(s: f64) -> Value {
    if s.is_finite() { json!(s) } else { Value::Null }
}

/// Runs the command with `--json --at AT` and these arguments.
fn simulate(args: &[&str]) -> Value {
    let at = AT.to_string();
    let mut all = vec!["simulate", "session-risk", "--json", "--at", &at];
    all.extend_from_slice(args);
    let o = run(&all);
    assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
    json_out(&o)
}

/// The model's figures for these settings, compared with the CLI's JSON member by member.
fn assert_model(cli: &Value, kind: ScenarioKind, regenerate: bool, flags: CookieFlags, token: Option<&Token>) {
    let (jwt_remaining, source) = session_risk::jwt_remaining(token, AT);
    let defaults = SessionLifetimes::default();
    let l = SessionLifetimes { jwt_remaining, ..defaults };
    let model: RiskScenario = session_risk::scenario(kind, regenerate, flags, &l);
    assert_eq!(cli["attack"], kind.name());
    assert_eq!(cli["title"], model.title.as_str());
    let steps = cli["steps"].as_array().unwrap();
    assert_eq!(steps.len(), model.steps.len());
    for (i, (shown, step)) in steps.iter().zip(&model.steps).enumerate() {
        assert_eq!(shown["step"], i + 1);
        assert_eq!(shown["actor"], step.actor.name());
        assert_eq!(shown["text"], step.text.as_str());
        assert_eq!(shown["attacker_gains"], json!(step.attacker_gains), "step {}", i + 1);
    }
    assert_eq!(cli["attacker_wins"], model.attacker_wins);
    assert_eq!(cli["gaining_steps"], json!(model.gaining_steps()));
    assert_eq!(cli["blocked_steps"], json!(model.blocked_steps()));
    match model.useful_for {
        None => assert_eq!(cli["useful_for"], Value::Null),
        Some(s) => {
            assert_eq!(cli["useful_for"]["seconds"], secs(s));
            assert_eq!(cli["useful_for"]["text"], lifetime_text(s).as_str());
        }
    }
    assert_eq!(cli["verdict"], model.verdict.as_str());
    assert_eq!(cli["defence"], model.defence);
    let lifetimes = &cli["lifetimes"];
    assert_eq!(lifetimes["idle_timeout"], json!(l.idle_timeout));
    assert_eq!(lifetimes["absolute_timeout"], json!(l.absolute_timeout));
    assert_eq!(lifetimes["jwt_remaining"], secs(l.jwt_remaining));
    assert_eq!(lifetimes["jwt_remaining_text"], lifetime_text(l.jwt_remaining).as_str());
    assert_eq!(lifetimes["jwt_source"], source.as_str());
    let chart = cli["stolen_credential_useful_for"].as_array().unwrap();
    let rows = session_risk::usefulness(&model);
    assert_eq!(chart.len(), rows.len());
    for (shown, row) in chart.iter().zip(&rows) {
        assert_eq!(shown["label"], row.label);
        assert_eq!(shown["seconds"], secs(row.seconds));
        assert_eq!(shown["text"], row.text.as_str());
    }
}

#[test]
fn fixation_without_and_with_a_regenerated_id_is_the_models() {
    let kept = simulate(&["--attack", "fixation"]);
    assert_model(&kept, ScenarioKind::Fixation, false, CookieFlags::NONE, None);
    // The session's absolute limit (8 h by default) is how long the fixed id works.
    assert_eq!((kept["attacker_wins"].as_bool(), kept["useful_for"]["seconds"].as_f64()), (Some(true), Some(28_800.0)));
    assert_eq!(kept["defences"], json!([]));
    let regenerated = simulate(&["--attack", "fixation", "--defence", "regenerate-id"]);
    assert_model(&regenerated, ScenarioKind::Fixation, true, CookieFlags::NONE, None);
    assert_eq!(regenerated["attacker_wins"], false);
    assert_eq!(regenerated["blocked_steps"], json!([4, 5]));
    assert_eq!(regenerated["defences"], json!(["regenerate-id"]));
}

#[test]
fn hijacking_with_each_set_of_cookie_defences_is_the_models() {
    let cases: [(&[&str], CookieFlags); 4] = [
        (&[], CookieFlags::NONE),
        (&["--defence", "http-only"], CookieFlags { http_only: true, ..CookieFlags::NONE }),
        (
            &["--defence", "http-only", "--defence", "same-site-none"],
            CookieFlags { http_only: true, secure: false, same_site: SameSite::None },
        ),
        (
            &["--defence", "http-only", "--defence", "secure", "--defence", "same-site-strict"],
            CookieFlags { http_only: true, secure: true, same_site: SameSite::Strict },
        ),
    ];
    for (defences, flags) in cases {
        let mut args = vec!["--attack", "hijacking"];
        args.extend_from_slice(defences);
        let cli = simulate(&args);
        assert_model(&cli, ScenarioKind::CookieTheft, false, flags, None);
    }
    // Every defence on: nothing stolen, each vector blocked where the browser refuses.
    let safe = simulate(&[
        "--attack",
        "hijacking",
        "--defence",
        "http-only",
        "--defence",
        "secure",
        "--defence",
        "same-site-lax",
    ]);
    assert_eq!((safe["attacker_wins"].as_bool(), &safe["useful_for"]), (Some(false), &Value::Null));
    assert_eq!(safe["blocked_steps"], json!([3, 5, 7]));
}

#[test]
fn jwt_theft_lives_as_long_as_the_given_token_and_the_typical_15_min_without_one() {
    let cli = simulate(&["--attack", "jwt-theft"]);
    assert_model(&cli, ScenarioKind::JwtTheft, false, CookieFlags::NONE, None);
    assert_eq!(cli["useful_for"]["seconds"], 900.0, "the typical token every lab assumes");
    // A token with 40 minutes left at --at.
    let key = keys::load_secret(b"0123456789abcdef0123456789abcdef", SecretEncoding::Raw, "t").unwrap();
    let claims = obj(json!({"sub": "alice", "exp": AT + 2400.0}));
    let text = sign(&obj(json!({})), &claims, "HS256", &key).unwrap();
    let parsed = token::parse(&text).unwrap();
    let cli = simulate(&["--attack", "jwt-theft", &text]);
    assert_model(&cli, ScenarioKind::JwtTheft, false, CookieFlags::NONE, Some(&parsed));
    assert_eq!(cli["useful_for"]["seconds"], 2400.0);
    // A token without exp never stops working: null seconds, and the model's words.
    let endless = sign(&obj(json!({})), &obj(json!({"sub": "alice"})), "HS256", &key).unwrap();
    let file = temp("session-risk-endless.jwt");
    std::fs::write(&file, &endless).unwrap();
    let cli = simulate(&["--attack", "jwt-theft", &format!("@{}", file.display())]);
    assert_model(&cli, ScenarioKind::JwtTheft, false, CookieFlags::NONE, Some(&token::parse(&endless).unwrap()));
    assert_eq!(cli["useful_for"]["seconds"], Value::Null);
    std::fs::remove_file(file).unwrap();
}

#[test]
fn the_text_walks_through_the_steps_and_names_where_the_attack_is_blocked() {
    let o = run(&["simulate", "session-risk", "--attack", "fixation", "--defence", "regenerate-id"]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    assert!(
        text.starts_with("Session fixation, server regenerates the id at login\nDefences: regenerate-id\n"),
        "{text}"
    );
    assert!(text.contains(" 4. Server   Login succeeds: the server discards sid=A7f3…"), "{text}");
    assert!(text.contains("Outcome: the attack is blocked at steps 4, 5\n"), "{text}");
    // The chart is the walk-through's own run: blocked, not the session's 8 h.
    assert!(text.contains("  Planted session id, never logged out     blocked\n"), "{text}");
}

#[test]
fn timeouts_change_the_figures_as_in_the_window() {
    let cli = simulate(&["--attack", "fixation", "--idle-timeout", "600", "--absolute-timeout", "7200"]);
    assert_eq!(cli["useful_for"]["seconds"], 7200.0);
    assert_eq!(cli["lifetimes"]["idle_timeout"], 600.0);
    assert!(cli["verdict"].as_str().unwrap().contains("(idle timeout 10 min, absolute limit 2 h)"), "{cli}");
}

#[test]
fn bad_attacks_defences_and_timeouts_are_exit_2_naming_the_flag_and_the_choices() {
    let cases: [(&[&str], &str); 10] = [
        (&["--attack", "xss"], "--attack \"xss\" is not one of fixation, hijacking, jwt-theft"),
        (
            &["--attack", "fixation", "--defence", "httponly"],
            "--defence \"httponly\" is not a defence; --attack fixation takes regenerate-id",
        ),
        (
            &["--attack", "hijacking", "--defence", "regenerate-id"],
            "--defence \"regenerate-id\" is not a defence against --attack hijacking; use one of http-only, secure, \
             same-site-none, same-site-lax, same-site-strict",
        ),
        (
            &["--attack", "hijacking", "--defence", "same-site-lax", "--defence", "same-site-strict"],
            "--defence \"same-site-strict\": the cookie already has same-site-lax",
        ),
        (&["--attack", "jwt-theft", "--defence", "secure"], "--attack jwt-theft has no defence to choose"),
        (&["--attack", "fixation", "--idle-timeout", "10"], "--idle-timeout 10: give a number of seconds from 60 to"),
        (&["--attack", "fixation", "--idle-timeout", "1e20"], "(a year)"),
        (
            &["--attack", "hijacking", "--idle-timeout", "100000"],
            "--idle-timeout 100000 is longer than the default absolute timeout (28800 s): give --absolute-timeout too",
        ),
        (&["--attack", "hijacking", "--absolute-timeout", "1e300"], "--absolute-timeout 1e300: give a number"),
        (&["--attack", "jwt-theft", "not-a-token"], "TOKEN: "),
    ];
    for (args, message) in cases {
        let mut all = vec!["simulate", "session-risk"];
        all.extend_from_slice(args);
        let o = run(&all);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    let o = run(&["simulate", "session-risk"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--attack"), "{}", stderr(&o));
}

#[test]
fn a_wrongly_typed_or_far_exp_is_exit_2_never_no_exp() {
    let key = keys::load_secret(b"0123456789abcdef0123456789abcdef", SecretEncoding::Raw, "t").unwrap();
    let cases = [
        (
            json!({"exp": "soon"}),
            "tokenbench: TOKEN: \"exp\" must be a NumericDate (a JSON number of seconds since 1970), but the token \
             has a string: tokenbench verify calls it invalid",
        ),
        (
            json!({"exp": 1e300}),
            "tokenbench: TOKEN: \"exp\" is 1e300, more than 25000000000 s (about 792 years) from the lab clock: too \
             far to simulate",
        ),
    ];
    for (claims, message) in cases {
        let text = sign(&obj(json!({})), &obj(claims.clone()), "HS256", &key).unwrap();
        let o = run(&["simulate", "session-risk", "--attack", "jwt-theft", "--at", "1700000000", &text]);
        assert_eq!(code(&o), 2, "{claims}");
        assert_eq!(stderr(&o).trim(), message, "{claims}");
    }
}
