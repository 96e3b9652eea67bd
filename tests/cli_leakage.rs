//! `tokenbench simulate leakage`'s contract: its JSON is the core leak model's
//! ([`tokenbench::core::labs::security::leakage`], the figures the window's Leaks view draws)
//! for each defence, on the sample and on a given token; its text shows the same lines; bad
//! input is exit 2 naming the flag.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use serde_json::{Value, json};
use tokenbench::cli::leakage_json;
use tokenbench::core::engine::keys::{self, SecretEncoding};
use tokenbench::core::engine::sign::sign;
use tokenbench::core::engine::token;
use tokenbench::core::labs::security::leakage::{self, LeakSettings, ReferrerPolicy};

mod common;
use common::{code, json_out, obj, run, stderr, stdout, temp};

const AT: f64 = 1_700_000_000.0;

/// Runs the command with `--json --at AT` and these arguments.
fn simulate(args: &[&str]) -> Value {
    let at = AT.to_string();
    let mut all = vec!["simulate", "leakage", "--json", "--at", &at];
    all.extend_from_slice(args);
    let o = run(&all);
    assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
    json_out(&o)
}

#[test]
fn each_defence_gives_the_models_figures() {
    let base = LeakSettings::default();
    let cases: [(&[&str], LeakSettings); 6] = [
        (&[], base),
        (&["--in-header"], LeakSettings { in_header: true, ..base }),
        (&["--referrer-policy", "no-referrer"], LeakSettings { referrer_policy: ReferrerPolicy::NoReferrer, ..base }),
        (&["--short-lifetime"], LeakSettings { short_lifetime: true, ..base }),
        (&["--revocation-check"], LeakSettings { revocation_check: true, ..base }),
        (
            &["--read-after", "120", "--revocation-check"],
            LeakSettings { read_after: 120, revocation_check: true, ..base },
        ),
    ];
    for (args, settings) in cases {
        let cli = simulate(args);
        let model = leakage::leakage(None, AT, &settings).unwrap();
        assert_eq!(cli, leakage_json(&model), "{args:?}");
    }
}

#[test]
fn the_undefended_run_says_where_the_token_is_and_how_long_a_copy_works() {
    let cli = simulate(&[]);
    let t = cli["token"].as_str().unwrap().to_owned();
    assert_eq!(
        cli["access_log"],
        format!(
            "203.0.113.7 - - [14/Nov/2023:22:13:20 +0000] \"GET /account?access_token={t} HTTP/1.1\" 200 2326 \"-\" \
             \"Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0\""
        )
    );
    assert_eq!(cli["referer"], format!("Referer: https://app.example/account?access_token={t}"));
    assert_eq!(cli["copy"]["status"], "live");
    // The typical 15 min token every lab assumes, replayed 10 min after the request.
    assert_eq!(cli["copy"]["remaining_seconds"], 300.0);
    let statuses: Vec<&str> =
        cli["defences"].as_array().unwrap().iter().map(|d| d["if_switched"]["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["nothing-leaked", "live", "expired", "revoked"]);
    let no_referrer = simulate(&["--referrer-policy", "no-referrer"]);
    assert_eq!(no_referrer["referer"], Value::Null);
    assert_eq!(no_referrer["copy"]["holders"], json!(["app.example's access log"]));
}

#[test]
fn a_given_token_brings_its_own_exp() {
    let key = keys::load_secret(b"0123456789abcdef0123456789abcdef", SecretEncoding::Raw, "t").unwrap();
    let text = sign(&obj(json!({})), &obj(json!({"sub": "alice", "exp": AT + 900.0})), "HS256", &key).unwrap();
    let file = temp("leakage-token.jwt");
    std::fs::write(&file, &text).unwrap();
    let cli = simulate(&["--token", &format!("@{}", file.display())]);
    let model = leakage::leakage(Some(&token::parse(&text).unwrap()), AT, &LeakSettings::default()).unwrap();
    assert_eq!(cli, leakage_json(&model));
    assert_eq!(cli["token"], text.as_str());
    assert_eq!(cli["token_source"], "Your token's own exp sets how long a copy works.");
    assert_eq!(cli["copy"]["remaining_seconds"], 300.0, "15 min from the request, replayed 10 min later");
    std::fs::remove_file(file).unwrap();
}

#[test]
fn the_text_shows_the_lines_and_the_outcome() {
    let o = run(&["simulate", "leakage", "--at", "1700000000"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("app.example's access log:  [holds the token]\n  203.0.113.7 - - [14/Nov/2023:22:13:20 +0000] \"GET /account?access_token=ey"), "{text}");
    assert!(text.contains("live for 5 min more."), "{text}");
    assert!(
        text.contains("  [off] Token in the Authorization header, not the URL\n      On: Nothing to copy"),
        "{text}"
    );
}

#[test]
fn bad_input_is_exit_2_naming_the_flag() {
    let cases: [(&[&str], &str); 5] = [
        (&["--token", "@/nonexistent/leak.jwt"], "--token: "),
        (
            &["--referrer-policy", "never"],
            "--referrer-policy \"never\" is not one of unsafe-url, no-referrer-when-downgrade",
        ),
        (&["--read-after", "-1"], "--read-after -1: give a number of seconds from 0 to 31536000 (a year)"),
        (&["--read-after", "99999999999"], "--read-after 99999999999"),
        (&["--token", "not-a-token"], "--token: "),
    ];
    for (args, message) in cases {
        let mut all = vec!["simulate", "leakage"];
        all.extend_from_slice(args);
        let o = run(&all);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn a_json_serialization_is_refused_naming_the_token_flag() {
    let path = temp("leak-json-serialization.json");
    std::fs::write(
        &path,
        "{\n  \"payload\": \"eyJzdWIiOiJhIn0\",\n  \"protected\": \"eyJhbGciOiJIUzI1NiJ9\",\n  \"signature\": \"AA\"\n}\n",
    )
    .unwrap();
    let arg = format!("@{}", path.display());
    let o = run(&["simulate", "leakage", "--token", &arg]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o).trim(),
        "tokenbench: --token: the token is in the JSON serialization; a URL carries a compact token \
         (header.payload.signature)"
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn a_wrongly_typed_or_far_exp_is_exit_2_never_no_exp() {
    let key = keys::load_secret(b"0123456789abcdef0123456789abcdef", SecretEncoding::Raw, "t").unwrap();
    let cases = [
        (
            json!({"exp": "soon"}),
            "tokenbench: --token: \"exp\" must be a NumericDate (a JSON number of seconds since 1970), but the token has a string: tokenbench verify calls it invalid",
        ),
        (
            json!({"exp": null}),
            "tokenbench: --token: \"exp\" must be a NumericDate (a JSON number of seconds since 1970), but the token has null: tokenbench verify calls it invalid",
        ),
        (
            json!({"exp": 1e300}),
            "tokenbench: --token: \"exp\" is 1e300, more than 25000000000 s (about 792 years) from the lab clock: too far to simulate",
        ),
        (
            json!({"iat": -1e300}),
            "tokenbench: --token: \"iat\" is -1e300, more than 25000000000 s (about 792 years) from the lab clock: too far to simulate",
        ),
    ];
    for (claims, message) in cases {
        let text = sign(&obj(json!({})), &obj(claims.clone()), "HS256", &key).unwrap();
        let o = run(&["simulate", "leakage", "--at", "1700000000", "--token", &text]);
        assert_eq!(code(&o), 2, "{claims}");
        assert_eq!(stderr(&o).trim(), message, "{claims}");
        assert!(o.stdout.is_empty());
    }
}
