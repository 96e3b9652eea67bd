//! The `tokenbench simulate revocation` contract: the JSON shape, every boundary the issue
//! names, the events, scenario files, and exit codes with messages naming the flag or member.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use common::bin;
use serde_json::{Value, json};
use tokenbench::core::labs::revocation::{
    EventKind, Holder, LabContext, RevocationCommand, RevocationEffect, RevocationLab, RevocationScenario, SAMPLES,
    simulate,
};

const L: i64 = 1_700_000_000;
const NAMES: [&str; 5] = ["session", "jwt", "jwt-refresh", "jwt-denylist", "jwt-version"];

fn run(args: &[&str]) -> Output {
    bin().args(["simulate", "revocation"]).args(args).output().unwrap()
}

fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenarios").join(name)
}

/// `simulate revocation` with the contract's flags, as JSON.
fn revoke(ttl: i64, access: i64, revoke_after: i64, leeway: i64) -> Value {
    let (ttl, access, login, at, leeway) =
        (ttl.to_string(), access.to_string(), L.to_string(), (L + revoke_after).to_string(), leeway.to_string());
    let o = run(&[
        "--token-ttl",
        &ttl,
        "--access-ttl",
        &access,
        "--login-at",
        &login,
        "--revoke-at",
        &at,
        "--leeway",
        &leeway,
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// `accepted_until - login` per strategy, checking the shape and the invariants on the way.
fn windows(v: &Value, revoke_after: i64) -> [i64; 5] {
    let top = v.as_object().unwrap();
    assert_eq!(top.keys().collect::<Vec<_>>(), ["strategies"]);
    let list = v["strategies"].as_array().unwrap();
    assert_eq!(list.len(), 5);
    let mut out = [0; 5];
    for (i, s) in list.iter().enumerate() {
        let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "accepted_until", "exposure_seconds", "lookups_per_request", "server_state_entries"]);
        assert_eq!(s["name"], NAMES[i]);
        let until = s["accepted_until"].as_i64().unwrap();
        assert_eq!(s["exposure_seconds"].as_i64().unwrap(), until - (L + revoke_after));
        assert!(until >= L + revoke_after);
        assert_eq!(s["lookups_per_request"], [1, 0, 0, 1, 1][i]);
        assert_eq!(s["server_state_entries"], [1, 0, 1, 1, 1][i]);
        out[i] = until - L;
    }
    out
}

/// token-ttl, access-ttl, revoke-at minus login-at, leeway.
type Case = (i64, i64, i64, i64);

#[test]
fn every_boundary_of_the_contract() {
    // (token-ttl, access-ttl, revoke after login, leeway) -> accepted_until - login per strategy.
    let cases: [(Case, [i64; 5]); 11] = [
        ((3600, 300, 0, 0), [0, 3600, 300, 0, 0]), // at login: the login happens first
        ((3600, 300, 600, 0), [600, 3600, 600, 600, 600]), // at a renewal: it comes after
        ((3600, 300, 599, 0), [599, 3600, 600, 599, 599]), // one second before
        ((3600, 300, 601, 0), [601, 3600, 900, 601, 601]), // one second after
        ((3600, 300, 3600, 0), [3600; 5]),         // everything expired: exposure 0
        ((3600, 300, 9000, 0), [9000; 5]),         // long after
        ((3600, 300, 600, 30), [600, 3630, 630, 600, 600]), // leeway: jwt and jwt-refresh only
        ((3600, 300, 3600, 30), [3600, 3630, 3630, 3600, 3600]),
        ((3600, 300, 3630, 30), [3630; 5]),
        ((3600, 3600, 1200, 0), [1200, 3600, 3600, 1200, 1200]), // access-ttl = token-ttl
        ((1000, 300, 950, 0), [950, 1000, 1000, 950, 950]),      // the last access token is cut
    ];
    for ((ttl, access, after, leeway), expected) in cases {
        let v = revoke(ttl, access, after, leeway);
        assert_eq!(windows(&v, after), expected, "ttl {ttl} access {access} revoke +{after} leeway {leeway}");
    }
}

#[test]
fn leeway_defaults_to_zero_and_text_is_a_table() {
    let o =
        run(&["--token-ttl", "3600", "--access-ttl", "300", "--login-at", "1700000000", "--revoke-at", "1700001000"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("leeway 0 s"), "{text}");
    for (name, exposure) in NAMES.iter().zip(["0 s", "43 min 20 s", "3 min 20 s", "0 s", "0 s"]) {
        let line = text.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap();
        assert!(line.contains(exposure), "{line}");
    }
    assert!(text.contains("2023-11-14 22:33:20 UTC"), "jwt-refresh's accepted until: {text}");
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    let base = ["--token-ttl", "3600", "--access-ttl", "300", "--login-at", "1700000000", "--revoke-at", "1700001000"];
    let with = |flag: &str, value: &str| {
        let mut args: Vec<String> = base.iter().map(|s| (*s).to_owned()).collect();
        let i = args.iter().position(|a| a == flag).unwrap();
        args[i + 1] = value.to_owned();
        args
    };
    let cases: [(Vec<String>, &str); 7] = [
        (with("--token-ttl", "-5"), "--token-ttl: must not be negative"),
        (with("--access-ttl", "-1"), "--access-ttl: must not be negative"),
        (with("--access-ttl", "7200"), "--access-ttl: 7200 s is longer than --token-ttl"),
        (with("--revoke-at", "1699999999"), "--revoke-at: 1699999999 is before the login"),
        ([base.as_slice(), &["--leeway", "-3"]].concat().iter().map(|s| (*s).to_owned()).collect(), "--leeway"),
        (base[2..].iter().map(|s| (*s).to_owned()).collect(), "--token-ttl"),
        (with("--token-ttl", "1.5"), "--token-ttl"),
    ];
    for (args, words) in cases {
        let o = bin().args(["simulate", "revocation"]).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(words), "{args:?}: {err}");
        assert!(o.stdout.is_empty());
    }
    // Zero is a duration, not a missing one: a token that is never valid, exit 0.
    let o = bin().args(["simulate", "revocation", "--json"]).args(with("--access-ttl", "0")).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let exposure: Vec<i64> =
        v["strategies"].as_array().unwrap().iter().map(|s| s["exposure_seconds"].as_i64().unwrap()).collect();
    assert_eq!(exposure, [0, 2600, 0, 0, 0]);
    let zero =
        ["--token-ttl", "0", "--access-ttl", "0", "--login-at", "1700000000", "--revoke-at", "1700000000", "--json"];
    let o = bin().args(["simulate", "revocation"]).args(zero).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&[&base[..], &["--event", "reboot"]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--event: \"reboot\" is not one of logout"));
}

#[test]
fn events_from_the_command_line() {
    let base = ["--token-ttl", "3600", "--access-ttl", "300", "--login-at", "1700000000", "--json"];
    let exposures = |extra: &[&str]| -> Vec<i64> {
        let o = run(&[&base[..], extra].concat());
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["strategies"].as_array().unwrap().iter().map(|s| s["exposure_seconds"].as_i64().unwrap()).collect()
    };
    assert_eq!(exposures(&["--revoke-at", "1700002400", "--event", "key-rotated"]), [0; 5]);
    // A replay of a rotated-away refresh token is caught; nothing else notices a copy.
    assert_eq!(
        exposures(&["--revoke-at", "1700001020", "--event", "refresh-reuse", "--stolen-at", "1700000120"]),
        [2580, 2580, 0, 2580, 2580]
    );
    assert_eq!(
        exposures(&["--revoke-at", "1700001020", "--event", "refresh-reuse", "--stolen-at", "1700001020"]),
        [2580, 2580, 300, 2580, 2580]
    );
    let o = run(&[&base[..], &["--revoke-at", "1700001000", "--stolen-at", "1700000500"]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--stolen-at: only the token-stolen and refresh-reuse"));
}

#[test]
fn every_sample_scenario_runs_and_matches_the_model() {
    // Each sample's exposures (session, jwt, jwt-refresh, jwt-denylist, jwt-version), worked out
    // from its file: e.g. the logout at +1020 s of a 3600 s token leaves the plain JWT 2580 s,
    // and the refresh strategy's 300 s access token (issued at +900 s) 180 s.
    let exposures = |file: &str| match file {
        "logout.json" => [0, 2580, 180, 0, 0],
        "refresh-reuse.json" => [2580, 2580, 0, 2580, 2580],
        "refresh-reuse-race.json" => [2580, 2580, 300, 2580, 2580],
        "key-rotated.json" => [0; 5],
        "password-change.json" => [0, 2280, 180, 0, 0],
        "token-stolen.json" => [0, 2100, 0, 0, 0],
        "account-suspended.json" => [0, 79_200, 0, 0, 0],
        other => panic!("a new sample, {other}: add its exposures here"),
    };
    for (file, text) in SAMPLES {
        let o = run(&["--scenario", scenario_path(file).to_str().unwrap(), "--json"]);
        assert_eq!(o.status.code(), Some(0), "{file}: {}", String::from_utf8_lossy(&o.stderr));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let sim = simulate(&RevocationScenario::from_json(text).unwrap());
        assert_eq!(v, tokenbench::cli::revocation_json(&sim), "{file}");
        let shown: Vec<i64> =
            v["strategies"].as_array().unwrap().iter().map(|s| s["exposure_seconds"].as_i64().unwrap()).collect();
        assert_eq!(shown, exposures(file), "{file}");
        windows(&v, sim.scenario.event.at - L);
    }
}

#[test]
fn scenario_from_stdin_and_at_scale() {
    let mut child = bin()
        .args(["simulate", "revocation", "--scenario", "-", "--json", "--scale", "--users", "1000"])
        .args(["--active-users", "100", "--requests-per-second", "50", "--revocations-per-day", "864"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(SAMPLES[0].1.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["strategies"][1]["exposure_seconds"], 2580);
    let scale = &v["scale"];
    assert_eq!(scale["inputs"]["users"], 1000);
    let entries: Vec<f64> =
        scale["strategies"].as_array().unwrap().iter().map(|s| s["entries"].as_f64().unwrap()).collect();
    assert_eq!(entries, [100.0, 0.0, 100.0, 36.0, 1000.0], "session, jwt, refresh = active; denylist = rate x ttl");
    assert_eq!(scale["strategies"][2]["lookups_per_second"], json!(100.0 / 300.0));

    let o = run(&["--scenario", scenario_path("logout.json").to_str().unwrap(), "--scale"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("At scale: 1000000 users, 100000 signed in"), "{text}");
}

#[test]
fn scale_inputs_beyond_the_models_ranges_exit_2_naming_the_flag() {
    let logout = scenario_path("logout.json");
    let base = ["--scenario", logout.to_str().unwrap(), "--json", "--scale"];
    for (flag, value) in [
        ("--revocations-per-day", "1e308"),
        ("--revocations-per-day", "inf"),
        ("--revocations-per-day", "NaN"),
        ("--requests-per-second", "1e300"),
        ("--requests-per-second", "-5"),
        ("--users", "0"),
        ("--users", "5"),
        ("--users", "18446744073709551615"),
    ] {
        let o = run(&[&base[..], &[flag, value]].concat());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {err}");
        assert!(
            err.contains(&format!("tokenbench: {flag}:")) || err.contains(&format!("'{flag}")),
            "{flag} {value}: {err}"
        );
    }
    // The largest inputs give finite figures, none null.
    let o = run(&[
        &base[..],
        &["--users", "10000000000", "--active-users", "10000000000", "--requests-per-second", "1e9"],
        &["--revocations-per-day", "1e10"],
    ]
    .concat());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    for row in v["scale"]["strategies"].as_array().unwrap() {
        for k in ["entries", "bytes", "lookups_per_second"] {
            assert!(row[k].as_f64().is_some_and(f64::is_finite), "{k}: {row}");
        }
    }
}

#[test]
fn bad_scenario_files_exit_2_naming_the_member() {
    let dir = std::env::temp_dir().join(format!("tokenbench-scenarios-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        (SAMPLES[0].1.replace("\"token_ttl\": 3600", "\"token_ttl\": \"1h\""), "token_ttl: must be a number"),
        (SAMPLES[0].1.replace("\"kind\": \"logout\"", "\"kind\": \"logoff\""), "event.kind"),
        (SAMPLES[0].1.replace("\"at\": 1700001020", "\"at\": 1\n"), "event.at"),
        (SAMPLES[0].1.replace("\"leeway\"", "\"leway\""), "leway: unknown member"),
        ("not json".to_owned(), "not valid JSON"),
    ];
    for (i, (text, words)) in cases.iter().enumerate() {
        let path = dir.join(format!("bad-{i}.json"));
        std::fs::write(&path, text).unwrap();
        let o = run(&["--scenario", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(words) && err.contains(&format!("bad-{i}.json")), "{err}");
    }
    // A repeated member is an error naming it, never a silent last-wins; null is no default
    // (scale is the sample's last member).
    let without_scale = SAMPLES[0].1[..SAMPLES[0].1.find("\"scale\"").unwrap()].to_owned();
    for (text, words) in [
        (SAMPLES[0].1.replace("\"leeway\": 0", "\"leeway\": 0, \"leeway\": 900"), "leeway: duplicate member"),
        (SAMPLES[0].1.replace("\"at\": 1700001020", "\"at\": 1700001020, \"at\": 1"), "event.at: duplicate member"),
        (SAMPLES[0].1.replace("\"leeway\": 0", "\"leeway\": null"), "leeway: must be a number of seconds, found null"),
        (without_scale + "\"scale\": null}", "scale: must be an object, found null"),
        (SAMPLES[0].1.replacen("\"Logout 17 minutes after login\"", "null", 1), "name: must be a string, found null"),
    ] {
        let path = dir.join("dup.json");
        std::fs::write(&path, text).unwrap();
        let o = run(&["--scenario", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(words), "{err}");
    }
    // The --scale flags apply before the file is judged: a flag fixes what the file gets wrong.
    let path = dir.join("few-users.json");
    std::fs::write(&path, SAMPLES[0].1.replace("\"users\": 1000000", "\"users\": 10")).unwrap();
    assert_eq!(run(&["--scenario", path.to_str().unwrap()]).status.code(), Some(2));
    let o = run(&["--scenario", path.to_str().unwrap(), "--scale", "--users", "2000000"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    // Files up to 10 MiB, like every input (2 MiB of whitespace before the scenario).
    let path = dir.join("padded.json");
    std::fs::write(&path, format!("{}{}", " ".repeat(2 << 20), SAMPLES[0].1)).unwrap();
    assert_eq!(run(&["--scenario", path.to_str().unwrap()]).status.code(), Some(0));
    let o = run(&["--scenario", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("larger than"));
    let o = run(&["--scenario", "/nonexistent/scenario.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read /nonexistent/scenario.json"));
    // A scenario and the flags it replaces are exclusive.
    let o = run(&["--scenario", scenario_path("logout.json").to_str().unwrap(), "--token-ttl", "5"]);
    assert_eq!(o.status.code(), Some(2));
}

/// A scenario's name is the file's text: a line feed or an escape sequence in it is shown as
/// an escape, so it cannot add lines to the report or drive the terminal.
#[test]
fn a_scenario_name_cannot_inject_report_lines() {
    let dir = std::env::temp_dir().join(format!("tokenbench-scenario-name-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("name.json");
    let name = "Incident 42\nsession       9999-12-31 23:59:59 UTC  0 s\u{1b}[2J\u{202e}";
    let member = serde_json::to_string(name).unwrap();
    std::fs::write(&path, SAMPLES[0].1.replacen("\"Logout 17 minutes after login\"", &member, 1)).unwrap();
    let o = run(&["--scenario", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    let first = out.lines().next().unwrap();
    assert_eq!(first, "Incident 42\\nsession       9999-12-31 23:59:59 UTC  0 s\\u{1b}[2J\\u{202e}", "{out}");
    assert!(!out.lines().any(|l| l.starts_with("session       9999")), "{out}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// A login that ended long before the revocation was not "accepted until" the revocation: the
/// text says when it expired, beside "Everything had already expired". The JSON keeps its
/// contract: `accepted_until` is revoke-at, exposure 0.
#[test]
fn a_login_expired_before_the_revocation_says_when_it_expired() {
    let at = (L + 100_000).to_string();
    let flags = ["--token-ttl", "3600", "--access-ttl", "300", "--login-at", "1700000000", "--revoke-at", &at];
    let o = run(&flags);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    // Logged in at 22:13:20, expired an hour later; revoked at 2023-11-16 02:00:00.
    for name in NAMES {
        let row = out.lines().find(|l| l.split_whitespace().next() == Some(name)).unwrap();
        assert!(row.contains("expired 2023-11-14 23:13:20 UTC"), "{row}");
        assert!(!row.contains("2023-11-16 02:00:00"), "the revocation is not when it stopped working: {row}");
    }
    assert!(out.contains("Everything had already expired"), "{out}");
    let v = revoke(3600, 300, 100_000, 0);
    for s in v["strategies"].as_array().unwrap() {
        assert_eq!((s["accepted_until"].as_i64(), s["exposure_seconds"].as_i64()), (Some(L + 100_000), Some(0)));
    }
    // Still live at the revocation: the table's instant is the one the JSON gives.
    let at = (L + 1020).to_string();
    let out = String::from_utf8(
        run(&["--token-ttl", "3600", "--access-ttl", "300", "--login-at", "1700000000", "--revoke-at", &at]).stdout,
    )
    .unwrap();
    assert!(!out.contains("expired 2"), "{out}");
}

#[test]
fn hostile_file_and_member_names_are_escaped_on_stderr() {
    const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{9b}31m\u{202e}gnp\n[HIGH  ] fake";
    let dir = std::env::temp_dir().join(format!("tokenbench-hostile-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("s{HOSTILE}.json"));
    let member = serde_json::to_string(HOSTILE).unwrap();
    std::fs::write(&path, SAMPLES[0].1.replacen("\"leeway\"", &member, 1)).unwrap();
    for p in [path.clone(), dir.join(format!("missing{HOSTILE}"))] {
        let o = run(&["--scenario", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']), "{err:?}");
        assert_eq!(err.trim_end().lines().count(), 1, "one message, one line: {err:?}");
        assert!(err.contains("pwned"), "{err}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// An HS256 token with these claims.
fn hs256(claims: &Value) -> String {
    use tokenbench::core::engine::keys::{self, SecretEncoding};
    let key = keys::load_secret(b"a-long-enough-secret-for-hs256-0123456789", SecretEncoding::Utf8, "s").unwrap();
    let Value::Object(claims) = claims.clone() else { unreachable!() };
    tokenbench::core::engine::sign::sign(&serde_json::Map::new(), &claims, "HS256", &key).unwrap()
}

/// The revocation lab as the window starts it (the example, its login at `L`) after "Use the
/// decoded token" on `token`, and what it said.
fn lab_on(token: &str) -> (RevocationLab, Option<String>) {
    let mut lab = RevocationLab::starting_at(L as f64);
    let parsed = tokenbench::parse(token).ok();
    let said = lab.handle(RevocationCommand::UseDecodedToken, LabContext { now: L as f64, token: parsed.as_ref() });
    (lab, said.map(said_text))
}

/// A status message's text, whether it says done or refused.
fn said_text(effect: RevocationEffect) -> String {
    match effect {
        RevocationEffect::Info(m) | RevocationEffect::Error(m) => m,
        other => panic!("not a message: {other:?}"),
    }
}

#[test]
fn a_token_sets_the_lifetimes_as_in_the_lab_and_one_without_exp_is_refused_in_the_same_words() {
    use tokenbench::core::labs::revocation::TokenLifetime;
    // A 15-minute token: the CLI and the lab's "Use the decoded token" simulate the same.
    let token = hs256(&json!({"sub": "u", "iat": L, "nbf": L + 60, "exp": L + 960}));
    let o = run(&["--token", &token, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let cli: Value = serde_json::from_slice(&o.stdout).unwrap();
    let (lab, _) = lab_on(&token);
    let sim = lab.simulation();
    assert_eq!(sim.scenario.login_at, L + 60, "the login at nbf");
    assert_eq!(sim.scenario.token_ttl, 900);
    for (i, o) in sim.outcomes.iter().enumerate() {
        assert_eq!(cli["strategies"][i]["accepted_until"], o.accepted_until, "{}", o.strategy.name());
    }
    assert_eq!(cli["strategies"][1]["exposure_seconds"], 900 - 300, "jwt: exp minus the event at +5 min (900/3)");
    // Flags still apply on top of the token.
    let o = run(&["--token", &token, "--revoke-at", &(L + 60).to_string(), "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["strategies"][1]["exposure_seconds"], 900);
    // No exp: never expires; refused by both, in the rule's words.
    let forever = hs256(&json!({"sub": "u", "iat": L}));
    let o = run(&["--token", &forever]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let rule = TokenLifetime::NeverExpires.describe();
    assert!(stderr.contains(&format!("--token: the token {rule}; a simulation needs an exp")), "{stderr}");
    let (_, said) = lab_on(&forever);
    assert!(said.unwrap().starts_with(&format!("the token {rule}; a simulation needs an exp")));
    // --token replaces --login-at and --token-ttl.
    let o = run(&["--token", &token, "--token-ttl", "60"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_lifetime_beyond_the_model_is_refused_naming_the_limit_never_cut_short() {
    for claims in [
        json!({"sub": "u", "iat": L, "exp": 253_402_300_799_i64}),
        json!({"sub": "u", "iat": L, "exp": 1e300}),
        json!({"sub": "u", "iat": L, "exp": 18_446_744_073_709_551_616.0}),
        json!({"sub": "u", "iat": -1e300, "exp": L}),
    ] {
        let token = hs256(&claims);
        let o = run(&["--token", &token]);
        assert_eq!(o.status.code(), Some(2), "{claims}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("beyond the revocation model's range") && err.contains("5138"), "{err}");
        assert!(err.contains("instead of --token"), "{err}");
        // The lab's "Use the decoded token" refuses it in the same words.
        let (lab, said) = lab_on(&token);
        let said = said.unwrap();
        assert!(said.contains("beyond the revocation model's range"), "{said}");
        assert_ne!(lab.scenario().name, "Your token");
    }
}

#[test]
fn a_token_that_is_never_valid_runs_on_0_s_and_says_so() {
    for exp in [L, L - 600] {
        let token = hs256(&json!({"sub": "u", "iat": L, "exp": exp}));
        let o = run(&["--token", &token]);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.lines().next().unwrap().contains("the token is never valid"), "{text}");
        assert!(text.contains("token-ttl 0 s, access-ttl 0 s") && !text.contains("1 h"), "{text}");
        let o = run(&["--token", &token, "--json"]);
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["token_lifetime"]["kind"], "never-valid");
        assert_eq!(v["token_lifetime"]["seconds"], 0);
        assert_eq!(v["strategies"][1]["exposure_seconds"], 0);
        let (lab, _) = lab_on(&token);
        let sim = lab.simulation();
        assert_eq!((sim.scenario.token_ttl, sim.scenario.access_ttl), (0, 0), "the lab runs on 0 s too");
        for (i, o) in sim.outcomes.iter().enumerate() {
            assert_eq!(v["strategies"][i]["accepted_until"], o.accepted_until, "{}", o.strategy.name());
        }
    }
}

#[test]
fn tokens_whose_claims_cannot_be_read_say_why_and_no_exp_says_instead_of_token() {
    let jwe = include_str!("../assets/samples/07-jwe-rfc7516.jwt").trim();
    let o = run(&["--token", jwe]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--token: the token is encrypted (JWE)"), "{err}");
    let (_, said) = lab_on(jwe);
    assert!(said.unwrap().starts_with("the token is encrypted (JWE)"), "the lab says it in the same words");
    // A payload that is a JSON array, not an object.
    let array = format!(
        "{}.{}.",
        tokenbench::core::engine::token::encode_b64url(br#"{"alg":"none"}"#),
        tokenbench::core::engine::token::encode_b64url(b"[1,2]")
    );
    let o = run(&["--token", &array]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not a JSON object"), "{err}");
    let o = run(&["--token", &hs256(&json!({"sub": "u", "iat": L}))]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("instead of --token") && !err.contains("give --login-at and --token-ttl to"), "{err}");
}

/// `simulate revocation` with `args` and `input` on stdin.
fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = bin()
        .args(["simulate", "revocation"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// The flags that print every figure the window shows, the clock at `at`.
fn everything(at: f64) -> Vec<String> {
    ["--json", "--scale", "--details", "--at"].iter().map(|s| (*s).to_owned()).chain([at.to_string()]).collect()
}

/// The CLI's JSON holds what the lab holds, figure by figure: the scenario, each strategy's
/// table row (at `at` too), record, summary and expiry, the at-scale rows and plot, the note.
fn assert_cli_is_lab(cli: &Value, lab: &RevocationLab, at: f64) {
    let s = lab.scenario();
    assert_eq!(RevocationScenario::from_json(&cli["scenario"].to_string()).unwrap(), *s, "the scenario run");
    assert_eq!(cli["event"]["subject"], s.event.kind.subject(), "the table's subject column");
    assert_eq!(cli["at"], at);
    for (i, o) in lab.simulation().outcomes.iter().enumerate() {
        let c = &cli["strategies"][i];
        let name = o.strategy.name();
        assert_eq!(c["name"], name);
        assert_eq!(c["accepted_until"], o.accepted_until, "{name}");
        assert_eq!(c["exposure_seconds"], o.exposure_seconds, "{name}");
        assert_eq!(c["lookups_per_request"], o.lookups_per_request, "{name}");
        assert_eq!(c["server_state_entries"], o.server_state_entries, "{name}");
        assert_eq!(c["expired_at"], json!(o.expired_at), "{name}");
        assert_eq!(c["summary"], o.summary, "{name}");
        assert_eq!(c["caption"], o.strategy.caption(), "{name}");
        assert_eq!(c["record"]["bytes"], json!(o.record.as_ref().map(|r| r.key.len() + r.value.len())), "{name}");
        for (holder, key) in [(Holder::User, "user"), (Holder::Other, "subject")] {
            let status = if holder == Holder::User { o.user_status(at) } else { o.subject_status(at) };
            let shown = &c["status_at"][key];
            assert_eq!((&shown["accepted"], &shown["reason"]), (&json!(status.accepted), &json!(status.reason)));
            let token = o.access_token_at(at, holder).filter(|_| status.accepted);
            assert_eq!(shown["access_token"]["number"], json!(token.map(|t| t.number)), "{name} {key}");
            assert_eq!(shown["access_token"]["exp"], json!(token.map(|t| t.exp)), "{name} {key}");
        }
        assert_eq!(c["status_at"]["records"], o.records_at(at), "{name}");
        assert_eq!(c["status_at"]["bytes"], o.bytes_at(at), "{name}");
    }
    for (i, r) in lab.scale_rows().iter().enumerate() {
        let c = &cli["scale"]["strategies"][i];
        assert_eq!(c["name"], r.strategy.name());
        same_number(&c["entries"], r.entries);
        same_number(&c["bytes"], r.bytes);
        same_number(&c["lookups_per_second"], r.lookups_per_second);
        assert_eq!(c["grows_with"], r.grows_with);
    }
    for (i, series) in lab.series().iter().enumerate() {
        assert_eq!(cli["scale"]["series"][i]["name"], series.strategy.name());
        let points = cli["scale"]["series"][i]["points"].as_array().unwrap();
        assert_eq!(points.len(), series.points.len());
        for (shown, held) in points.iter().zip(&series.points) {
            for (k, x) in held.iter().enumerate() {
                same_number(&shown[k], *x);
            }
        }
    }
    assert_eq!(cli["endless_note"], json!(lab.endless_note()));
}

/// A number of the CLI's JSON is the lab's `f64`. The CLI prints its shortest exact form;
/// `serde_json`'s default parser (no `float_roundtrip`) may read that text back one unit in the
/// last place off, so one ulp is the reader's, not a difference in the figure.
fn same_number(shown: &Value, held: f64) {
    let read = shown.as_f64().unwrap_or_else(|| panic!("{shown} is not a number"));
    let ulps = read.to_bits().abs_diff(held.to_bits());
    assert!(ulps <= 1, "{read} is not {held}");
}

/// The JSON of a run that must succeed.
fn json_of(o: &Output) -> Value {
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn the_windows_starting_lab_and_the_cli_on_its_saved_scenario_agree_figure_by_figure() {
    let mut lab = RevocationLab::starting_at(L as f64 + 30.0);
    let login = lab.scenario().login_at;
    assert_eq!(login, 1_699_999_980, "the window starts on the example at the start of the minute");
    let Some(RevocationEffect::SaveScenario { text, .. }) =
        lab.handle(RevocationCommand::SaveScenario, LabContext { now: L as f64, token: None })
    else {
        panic!("save asks the app for a file")
    };
    for at in [600.0, 1020.0, 1500.5, 7200.0].map(|offset| login as f64 + offset) {
        let args: Vec<String> = ["--scenario".to_owned(), "-".to_owned()].into_iter().chain(everything(at)).collect();
        let v = json_of(&run_stdin(&args.iter().map(String::as_str).collect::<Vec<_>>(), &text));
        assert_cli_is_lab(&v, &lab, at);
        assert_eq!(v["endless_note"], Value::Null, "no note for a scenario with lifetimes");
    }
}

#[test]
fn a_token_sets_the_same_lab_in_the_window_and_the_cli_figure_by_figure() {
    let token = hs256(&json!({"sub": "u", "iat": L, "nbf": L + 60, "exp": L + 960}));
    let (lab, said) = lab_on(&token);
    assert_eq!(said.as_deref(), Some("the lab now runs on the lifetimes of the decoded token"));
    let at = (L + 400) as f64;
    let args: Vec<String> = ["--token".to_owned(), token].into_iter().chain(everything(at)).collect();
    let v = json_of(&run(&args.iter().map(String::as_str).collect::<Vec<_>>()));
    assert_cli_is_lab(&v, &lab, at);
    assert_eq!((v["scenario"]["login_at"].as_i64(), v["scenario"]["token_ttl"].as_i64()), (Some(L + 60), Some(900)));
    assert_eq!(v["token_lifetime"]["kind"], "bounded");
}

#[test]
fn a_token_no_exp_ends_runs_on_the_rotation_in_the_cli_as_in_the_lab() {
    let forever = hs256(&json!({"sub": "u", "iat": L}));
    let mut lab = RevocationLab::starting_at(L as f64);
    let parsed = tokenbench::parse(&forever).ok();
    let said = lab.handle(RevocationCommand::ShowEndlessToken, LabContext { now: L as f64, token: parsed.as_ref() });
    assert_eq!(said.map(said_text).as_deref(), Some("the lab shows what ends your token: the signing key's rotation"));
    let at = (L + 900) as f64;
    let args: Vec<String> =
        ["--token", &forever, "--event", "key-rotated"].iter().map(|s| (*s).to_owned()).chain(everything(at)).collect();
    let v = json_of(&run(&args.iter().map(String::as_str).collect::<Vec<_>>()));
    assert_cli_is_lab(&v, &lab, at);
    assert_eq!(
        (v["scenario"]["event"]["kind"].as_str(), v["scenario"]["event"]["at"].as_i64()),
        (Some("key-rotated"), Some(L + 1200))
    );
    let note = v["endless_note"].as_str().unwrap();
    assert!(note.contains("accepted for 20 min, until the rotation"), "{note}");
    assert_eq!(v["token_lifetime"]["kind"], "never-expires");
    // The text says the note before the table.
    let text = String::from_utf8(run(&["--token", &forever, "--event", "key-rotated"]).stdout).unwrap();
    assert!(text.contains(note) && text.find(note) < text.find("strategy"), "{text}");
    // Any other event is still refused, saying what ends it.
    let err = common::stderr(&run(&["--token", &forever, "--event", "logout"]));
    assert!(
        err.contains("a simulation needs an exp") && err.contains("--event key-rotated shows what ends it"),
        "{err}"
    );
}

#[test]
fn an_edited_scenario_keeps_access_ttl_within_token_ttl_in_the_lab_and_the_cli_runs_it() {
    let mut lab = RevocationLab::starting_at(L as f64);
    let cx = LabContext { now: L as f64, token: None };
    lab.handle(RevocationCommand::SetEvent(EventKind::TokenStolen), cx);
    lab.handle(RevocationCommand::SetStolenOffset(30), cx);
    assert!(lab.handle(RevocationCommand::SetTokenTtl(120), cx).is_none());
    assert_eq!((lab.scenario().token_ttl, lab.scenario().access_ttl), (120, 120), "access-ttl followed token-ttl down");
    let Some(RevocationEffect::SaveScenario { text, .. }) = lab.handle(RevocationCommand::SaveScenario, cx) else {
        panic!("save asks the app for a file")
    };
    let at = (L + 60) as f64;
    let args: Vec<String> = ["--scenario".to_owned(), "-".to_owned()].into_iter().chain(everything(at)).collect();
    let v = json_of(&run_stdin(&args.iter().map(String::as_str).collect::<Vec<_>>(), &text));
    assert_cli_is_lab(&v, &lab, at);
    assert_eq!(v["scenario"]["access_ttl"], 120);
    assert_eq!(
        v["scenario"]["name"],
        "Token stolen at +30 s, acted on 17 min after a 2 min login (2 min access tokens)"
    );
    // The CLI never adjusts a flag: the same edit by flags is refused, naming the rule.
    let o =
        run(&["--token-ttl", "120", "--access-ttl", "300", "--login-at", "1700000000", "--revoke-at", "1700001020"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o).contains("--access-ttl: 300 s is longer than --token-ttl (120 s)"),
        "{}",
        common::stderr(&o)
    );
}

#[test]
fn the_contracts_json_is_unchanged_without_the_new_flags_and_at_must_be_an_instant() {
    let o = run(&["--scenario", scenario_path("logout.json").to_str().unwrap(), "--json"]);
    let v = json_of(&o);
    assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["strategies"]);
    for bad in ["nan", "inf", "-inf"] {
        let o = run(&["--scenario", scenario_path("logout.json").to_str().unwrap(), "--at", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(common::stderr(&o).contains("--at:"), "{}", common::stderr(&o));
    }
}
