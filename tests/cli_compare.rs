//! `tokenbench compare`: the JSON contract, the GUI and the CLI giving the same numbers for the
//! same inputs, settings reaching their rows, no secret in any output, and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{Map, Value};
use tokenbench::core::engine::keys::{self, Key, SecretEncoding};
use tokenbench::core::engine::token::{self, Token};
use tokenbench::core::labs::compare::lab::{CompareCommand, CompareContext, CompareEffect, CompareLab};
use tokenbench::core::labs::flows::{FlowCommand, FlowScenario, FlowsLab};
use tokenbench::core::labs::revocation::{LabContext, RevocationCommand, RevocationEffect, RevocationLab, ScaleInputs};

const AT: f64 = 1_800_000_000.0;

fn compare(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tokenbench")).arg("compare").args(args).env("NO_COLOR", "1").output().unwrap()
}

fn compare_json(args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let o = compare(&all);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn keys_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys/sample-jwks.json")
}

fn token_file(name: &str, token: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("tokenbench-cli-compare-{}-{name}", std::process::id()));
    std::fs::write(&p, token).unwrap();
    p
}

/// What must agree between two runs: every row's figures and texts, except what is measured in
/// each run (`*_ns` figures, and the texts that quote them).
fn agreed(report: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for row in report["rows"].as_array().unwrap() {
        let factor = row["factor"].as_str().unwrap();
        for side in ["sessions", "jwt"] {
            let cell = &row[side];
            let figures: Map<String, Value> = cell["figures"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, _)| !k.ends_with("_ns"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            out.push((format!("{factor}/{side} figures"), Value::Object(figures)));
            let measured = cell["figures"].as_object().unwrap().keys().any(|k| k.ends_with("_ns"));
            if !measured {
                out.push((format!("{factor}/{side} text"), cell["text"].clone()));
            }
        }
    }
    for myth in report["myths"].as_array().unwrap() {
        out.push((format!("myth {}", myth["id"]), myth["figures"].clone()));
    }
    out.push(("token".into(), report["token"].clone()));
    out
}

/// The sample token the window's Samples menu opens first.
const SAMPLE_TOKEN: &str = include_str!("../assets/samples/01-oidc-id-token-rs256.jwt");
/// The window's sample secret (Load sample keys adds it beside the sample JWKS).
const SAMPLE_SECRET: &str = "a-string-secret-at-least-256-bits-long";

/// What the window does, as the core labs see it.
enum Ui {
    /// Load sample keys: the sample JWKS and the sample secret, named as the window names them.
    LoadSampleKeys,
    /// Add a text secret, named as the window's secret field names it.
    AddSecret(&'static str),
    /// Load a token.
    SetToken(String),
    Flow(FlowCommand),
    Revocation(RevocationCommand),
    Compare(CompareCommand),
}

/// The window's labs, driven as its router drives them: the Flows lab follows the loaded token
/// and keys before the comparison reads it; jobs run in place.
struct Labs {
    token: Option<Token>,
    keys: Vec<Key>,
    flows: FlowsLab,
    revocation: RevocationLab,
    compare: CompareLab,
    /// The last thing a lab said (an error or a copied report's text).
    said: Option<String>,
    clipboard: Option<String>,
}

impl Labs {
    fn at(now: f64) -> Self {
        Self {
            token: None,
            keys: Vec::new(),
            flows: FlowsLab::default(),
            revocation: RevocationLab::starting_at(now),
            compare: CompareLab::default(),
            said: None,
            clipboard: None,
        }
    }

    fn handle(&mut self, command: Ui) {
        match command {
            Ui::LoadSampleKeys => {
                self.keys
                    .extend(keys::load(include_bytes!("../assets/keys/sample-jwks.json"), "sample-jwks.json").unwrap());
                self.keys
                    .push(keys::load_secret(SAMPLE_SECRET.as_bytes(), SecretEncoding::Utf8, "jwt.io secret").unwrap());
            }
            Ui::AddSecret(text) => {
                self.keys.push(keys::load_secret(text.as_bytes(), SecretEncoding::Utf8, "secret (text)").unwrap());
            }
            Ui::SetToken(text) => self.token = Some(token::parse(&text).unwrap()),
            Ui::Flow(c) => self.flows.handle(c, self.token.as_ref(), &self.keys, AT),
            Ui::Revocation(c) => {
                let cx = LabContext { now: AT, token: self.token.as_ref() };
                if let Some(RevocationEffect::Info(text) | RevocationEffect::Error(text)) =
                    self.revocation.handle(c, cx)
                {
                    self.said = Some(text);
                }
            }
            Ui::Compare(c) => {
                if !self.flows.is_current(self.token.as_ref(), &self.keys) {
                    self.handle(Ui::Flow(FlowCommand::UseLoaded));
                }
                let cx = CompareContext {
                    token: self.token.as_ref(),
                    keys: &self.keys,
                    now: AT,
                    flows: &self.flows,
                    revocation: &self.revocation,
                };
                for effect in self.compare.handle(c, cx) {
                    match effect {
                        CompareEffect::Spawn(job) => self.handle(Ui::Compare(job.run())),
                        CompareEffect::Copy(text) => self.clipboard = Some(text),
                        CompareEffect::Save { text, .. } | CompareEffect::Error(text) => self.said = Some(text),
                    }
                }
            }
        }
    }
}

/// The Compare tab's figures after these commands, as the report's JSON.
fn gui(commands: Vec<Ui>) -> Value {
    let mut labs = Labs::at(AT);
    for c in commands.into_iter().chain([Ui::Compare(CompareCommand::Refresh)]) {
        labs.handle(c);
    }
    let comparison = labs.compare.comparison.clone().unwrap().unwrap();
    tokenbench::core::labs::compare::report::json(&tokenbench::core::labs::compare::report::Report {
        comparison: &comparison,
        answers: &labs.compare.answers,
        advice: &labs.compare.advice,
        keys: &labs.keys,
        now: AT,
        token: None,
    })
}

fn assert_same(gui: &Value, cli: &Value, what: &str) {
    let (g, c) = (agreed(gui), agreed(cli));
    assert_eq!(g.len(), c.len());
    for ((name, a), (_, b)) in g.iter().zip(&c) {
        assert_eq!(a, b, "{what}: {name}");
    }
}

#[test]
fn json_has_exactly_the_contract_keys() {
    let v = compare_json(&["--at", "1800000000"]);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["token", "keys", "flow", "scale", "access_ttl", "leeway", "rows", "myths", "answers", "advice"]);
    let rows = v["rows"].as_array().unwrap();
    let factors: Vec<&str> = rows.iter().map(|r| r["factor"].as_str().unwrap()).collect();
    assert_eq!(
        factors,
        [
            "state",
            "storage",
            "scalability",
            "revocation",
            "request-overhead",
            "cross-domain",
            "mobile",
            "microservices",
            "complexity"
        ]
    );
    for r in rows {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["factor", "title", "caption", "sessions", "jwt"]);
        for side in ["sessions", "jwt"] {
            let keys: Vec<&str> = r[side].as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["text", "source", "figures"]);
        }
    }
    let myths: Vec<&str> = v["myths"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(myths, ["jwt-more-secure", "sessions-dont-scale", "jwt-always-modern"]);
    // The modern-choice myth states the frameworks' defaults, from the Framework defaults page's data.
    let summary = tokenbench::core::labs::fit::defaults::frameworks_summary();
    assert_eq!(v["myths"][2]["context"].as_str(), Some(summary.as_str()));
    assert_eq!(v["myths"][0]["context"], Value::Null);
    let text = String::from_utf8(compare(&[]).stdout).unwrap();
    assert!(text.contains(&format!("  defaults: {summary}\n")), "{text}");
    assert_eq!(v["token"]["typical"], true);
    assert_eq!(v["token"]["lifetime_seconds"], 900);
    assert!(v["token"].get("text").is_none(), "no token unless asked");
    assert_eq!(v["advice"]["recommendation"], "sessions");
}

#[test]
fn the_gui_and_the_cli_give_the_same_numbers() {
    // No token: the typical token, issued at the clock's now in both.
    assert_same(&gui(Vec::new()), &compare_json(&["--at", "1800000000"]), "typical");
    // The sample token with the sample keys.
    let token = token_file("sample.jwt", SAMPLE_TOKEN.trim());
    let token_arg = format!("@{}", token.display());
    let keys = keys_path();
    let cli = compare_json(&[
        "--at",
        "1800000000",
        "--token",
        &token_arg,
        "--key",
        keys.to_str().unwrap(),
        "--secret",
        SAMPLE_SECRET,
    ]);
    let g = gui(vec![Ui::LoadSampleKeys, Ui::SetToken(SAMPLE_TOKEN.trim().to_owned())]);
    assert_eq!(g["token"]["typical"], false);
    assert_same(&g, &cli, "sample token");
    // Lab settings changed in the GUI, given as flags to the CLI.
    let scale = ScaleInputs { active_users: 250_000, revocations_per_day: 50_000.0, ..ScaleInputs::default() };
    let g = gui(vec![
        Ui::LoadSampleKeys,
        Ui::SetToken(SAMPLE_TOKEN.trim().to_owned()),
        Ui::Flow(FlowCommand::Servers(6)),
        Ui::Flow(FlowCommand::Users(30)),
        Ui::Flow(FlowCommand::Requests(900)),
        Ui::Flow(FlowCommand::Services(3)),
        Ui::Flow(FlowCommand::StoreLatency(2.0)),
        Ui::Revocation(RevocationCommand::SetScale(scale)),
        Ui::Revocation(RevocationCommand::SetLeeway(30)),
    ]);
    let cli = compare_json(&[
        "--at",
        "1800000000",
        "--token",
        &token_arg,
        "--key",
        keys.to_str().unwrap(),
        "--secret",
        SAMPLE_SECRET,
        "--servers",
        "6",
        "--users",
        "30",
        "--requests",
        "900",
        "--services",
        "3",
        "--latency-ms",
        "2",
        "--signed-in",
        "250000",
        "--revocations-per-day",
        "50000",
        "--leeway",
        "30",
    ]);
    assert_same(&g, &cli, "changed settings");
    assert_eq!(cli["flow"]["servers"], 6);
    assert_eq!(cli["rows"][7]["jwt"]["figures"]["fan_out"], 3);
    assert_eq!(cli["rows"][1]["sessions"]["figures"]["entries"], 250_000);
    std::fs::remove_file(token).ok();
}

#[test]
fn settings_reach_their_rows() {
    let base = compare_json(&["--at", "1800000000"]);
    let more = compare_json(&["--at", "1800000000", "--services", "6"]);
    let text = |v: &Value, row: usize, side: &str| v["rows"][row][side]["text"].as_str().unwrap().to_owned();
    assert!(text(&base, 7, "sessions").starts_with("1 + 4 = 5 lookups"), "{}", text(&base, 7, "sessions"));
    assert!(text(&more, 7, "sessions").starts_with("1 + 6 = 7 lookups"), "{}", text(&more, 7, "sessions"));
    let leeway = compare_json(&["--at", "1800000000", "--leeway", "60"]);
    assert_eq!(base["rows"][3]["jwt"]["figures"]["exposure_seconds"], 900);
    assert_eq!(leeway["rows"][3]["jwt"]["figures"]["exposure_seconds"], 960);
    // The advisor's flags give the advice the report carries.
    let v = compare_json(&["--at", "1800000000", "--app", "mobile", "--instant-revocation"]);
    assert_eq!(v["advice"]["recommendation"], "hybrid");
    assert_eq!(v["answers"]["app"], "mobile");
}

#[test]
fn no_secret_in_any_output_and_the_token_only_when_asked() {
    let secret = "keyboard cat";
    let key = tokenbench::core::engine::keys::load_secret(
        secret.as_bytes(),
        tokenbench::core::engine::keys::SecretEncoding::Utf8,
        "s",
    )
    .unwrap();
    let claims = tokenbench::core::labs::flows::credential::typical_claims(1_800_000_000);
    let token = tokenbench::core::engine::sign::sign(&Map::new(), &claims, "HS256", &key).unwrap();
    let private = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys/rsa2048-pkcs8.pem");
    let pem = std::fs::read_to_string(&private).unwrap();
    let base = ["--at", "1800000000", "--token", &token, "--secret", secret, "--key", private.to_str().unwrap()];
    for format in [None, Some("--markdown"), Some("--json")] {
        for include in [false, true] {
            let mut args = base.to_vec();
            args.extend(format);
            if include {
                args.push("--include-token");
            }
            let o = compare(&args);
            assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
            let out = String::from_utf8(o.stdout).unwrap();
            assert!(!out.contains(secret), "{format:?} {include}: the secret");
            for line in pem.lines().filter(|l| !l.starts_with("-----")) {
                assert!(!out.contains(line), "{format:?} {include}: the private key");
            }
            assert_eq!(out.contains(&token), include, "{format:?}: the token only with --include-token");
            assert_eq!(out.contains(token.split('.').nth(2).unwrap()), include, "{format:?}: not even its signature");
        }
    }
    let md = String::from_utf8(compare(&[&base[..], &["--markdown"]].concat()).stdout).unwrap();
    assert!(md.starts_with("# Sessions or JWTs"), "{md}");
    assert!(md.contains("| **Complexity** |") && md.contains("weak-secret"), "the finding by id, not its message");
    assert!(md.contains("HMAC secret (96 bits); the secret is not written"));
}

#[test]
fn unusable_input_exits_2() {
    for (args, says) in [
        (&["--token", "not-a-token"][..], ""),
        (&["--users", "0"][..], "--users"),
        (&["--latency-ms", "-1"][..], "latency"),
        (&["--signed-in", "5000000"][..], "--signed-in: 5,000,000"),
        (&["--key", "/nonexistent.pem"][..], "/nonexistent.pem"),
        (&["--json", "--markdown"][..], "cannot be used with"),
        (&["--app", "desktop"][..], "desktop"),
    ] {
        let o = compare(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn an_unusable_instant_is_exit_2() {
    for at in ["nan", "inf", "-inf", "1e300"] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_tokenbench"))
            .args(["compare", "--json", "--at", at])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "--at {at}: {}", String::from_utf8_lossy(&o.stdout));
    }
}

/// An HS256 token signed with `secret` (no header fields beyond alg and typ).
fn signed(claims: &Value, secret: &str) -> String {
    use tokenbench::core::engine::keys::{self, SecretEncoding};
    let key = keys::load_secret(secret.as_bytes(), SecretEncoding::Utf8, "s").unwrap();
    let Value::Object(claims) = claims.clone() else { unreachable!() };
    tokenbench::core::engine::sign::sign(&Map::new(), &claims, "HS256", &key).unwrap()
}

#[test]
fn a_token_without_exp_gets_one_rule_in_the_gui_the_cli_and_the_labs() {
    use tokenbench::core::labs::revocation::TokenLifetime;
    let secret = "a-long-enough-secret-for-hs256-0123456789";
    let no_exp = signed(&serde_json::json!({"sub": "u1", "iat": 1_799_999_000, "jti": "j-1"}), secret);
    let a_day = signed(&serde_json::json!({"sub": "u1", "iat": 1_799_999_000, "exp": 1_800_085_400}), secret);
    let file = token_file("no-exp.jwt", &no_exp);
    let cli = compare_json(&["--at", "1800000000", "--token", &format!("@{}", file.display()), "--secret", secret]);
    // In the GUI, the revocation lab was first set from another token (a day long): the figures
    // must not keep that lab state for the token loaded now.
    let add_secret = || Ui::AddSecret(secret);
    let mut g = gui(vec![
        add_secret(),
        Ui::SetToken(a_day),
        Ui::Revocation(RevocationCommand::UseDecodedToken),
        Ui::SetToken(no_exp.clone()),
    ]);
    // The secret's label differs (the GUI's field, the CLI's flag); nothing else may.
    assert!(g["token"]["source"].as_str().unwrap().starts_with("your token, verified with secret"));
    g["token"]["source"] = cli["token"]["source"].clone();
    assert_same(&g, &cli, "no exp");
    let rule = TokenLifetime::NeverExpires.describe();
    assert_eq!(cli["token"]["lifetime_note"], rule.as_str());
    assert!(cli["rows"][1]["jwt"]["text"].as_str().unwrap().contains("only grows"));
    assert!(!cli["rows"][1]["jwt"]["text"].as_str().unwrap().contains("1 day"), "not the lab's stale token-ttl");
    let text =
        String::from_utf8(compare(&["--at", "1800000000", "--token", &no_exp, "--secret", secret]).stdout).unwrap();
    assert!(text.contains(&rule), "{text}");
    for wrong in ["for never", "after never", "up to never", "never:"] {
        assert!(!text.contains(wrong), "{wrong:?} in {text}");
    }
    // The revocation lab refuses to invent a lifetime, in the same words.
    let mut labs = Labs::at(AT);
    for c in [add_secret(), Ui::SetToken(no_exp), Ui::Revocation(RevocationCommand::UseDecodedToken)] {
        labs.handle(c);
    }
    let said = labs.said.as_ref().unwrap();
    assert!(said.contains(&rule), "{said}");
    // The Flows lab's unchecked JWT lane: never cut off by time, where the lifetime used to be 15 min.
    for c in [Ui::Flow(FlowCommand::UseLoaded), Ui::Flow(FlowCommand::Scenario(FlowScenario::Revocation))] {
        labs.handle(c);
    }
    assert_eq!(labs.flows.revocation_delay(1, 3600), None);
    assert_eq!(labs.flows.revocation_delay(0, 3600), Some(0.0));
    std::fs::remove_file(file).ok();
}

/// The report with each measured time ("207 ns", "17.8 µs", "2.50 ms") replaced by `<time>`:
/// the only thing two runs measure differently. Counts, bytes and the model's durations
/// (`15 min`, `0 s`) stay.
fn without_measured_times(md: &str) -> String {
    md.lines()
        .map(|line| {
            let words: Vec<&str> = line.split(' ').collect();
            let mut out: Vec<&str> = Vec::with_capacity(words.len());
            let mut i = 0;
            while i < words.len() {
                let number = words[i].chars().next().is_some_and(|c| c.is_ascii_digit())
                    && words[i].chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',');
                let unit = words.get(i + 1).map(|u| u.trim_end_matches([',', ';', ')', '.']));
                if number && matches!(unit, Some("ns" | "µs" | "ms")) {
                    out.push("<time>");
                    // Keep the punctuation after the unit.
                    out.push(&words[i + 1][unit.map_or(0, str::len)..]);
                    i += 2;
                } else {
                    out.push(words[i]);
                    i += 1;
                }
            }
            out.join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_copied_report_is_the_clis_markdown_for_the_same_inputs_without_a_secret() {
    let secret = "keyboard cat";
    let key = tokenbench::core::engine::keys::load_secret(
        secret.as_bytes(),
        tokenbench::core::engine::keys::SecretEncoding::Utf8,
        "s",
    )
    .unwrap();
    let claims = tokenbench::core::labs::flows::credential::typical_claims(1_800_000_000);
    let token = tokenbench::core::engine::sign::sign(&Map::new(), &claims, "HS256", &key).unwrap();
    let copied = |include: bool| {
        let mut labs = Labs::at(AT);
        for c in [
            Ui::AddSecret(secret),
            Ui::SetToken(token.clone()),
            Ui::Compare(CompareCommand::IncludeToken(include)),
            Ui::Compare(CompareCommand::CopyReport),
        ] {
            labs.handle(c);
        }
        assert_eq!(labs.said, None, "nothing went wrong");
        (labs.clipboard.unwrap(), labs.keys[0].label())
    };
    for include in [false, true] {
        let (gui, label) = copied(include);
        let mut args = vec!["--markdown", "--at", "1800000000", "--token", &token, "--secret", secret];
        if include {
            args.push("--include-token");
        }
        let o = compare(&args);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        let cli = String::from_utf8(o.stdout).unwrap();
        assert!(gui.starts_with("# Sessions or JWTs") && gui.lines().count() > 40, "{gui}");
        // Each names the secret by where it came from (the CLI loads it as "--secret"): the one
        // difference besides the measured times.
        assert!(gui.contains(&format!("verified with {label};")), "the key is named in the inputs");
        let named = gui.replace(&label, "--secret");
        let (g, c) = (without_measured_times(&named), without_measured_times(&cli));
        for (n, (a, b)) in g.lines().zip(c.lines()).enumerate() {
            assert_eq!(a, b, "line {}", n + 1);
        }
        assert_eq!(g.lines().count(), c.lines().count(), "as many lines");
        assert!(g.contains("<time>"), "the measured times were masked, not the whole report");
        assert!(!gui.contains(secret), "never the secret");
        assert_eq!(gui.contains(&token), include, "the token only when ticked");
        assert_eq!(gui.contains(token.split('.').nth(2).unwrap()), include, "not even its signature");
    }
}

#[test]
fn far_future_and_never_valid_lifetimes_are_said_the_same_in_the_gui_and_the_cli() {
    use tokenbench::core::labs::revocation::model_range_text;
    let secret = "a-long-enough-secret-for-hs256-0123456789";
    let add_secret = || Ui::AddSecret(secret);
    let iat = 1_799_999_000_i64;
    for (exp, endless, seconds) in [
        (serde_json::json!(253_402_300_799_i64), true, Value::Null),
        (serde_json::json!(1e300), true, Value::Null),
        (serde_json::json!(18_446_744_073_709_551_616.0), true, Value::Null),
        (serde_json::json!(iat), false, serde_json::json!(0)),
        (serde_json::json!(iat - 600), false, serde_json::json!(0)),
    ] {
        let token = signed(&serde_json::json!({"sub": "u1", "iat": iat, "exp": exp}), secret);
        let cli = compare_json(&["--at", "1800000000", "--token", &token, "--secret", secret]);
        let mut g = gui(vec![add_secret(), Ui::SetToken(token.clone())]);
        g["token"]["source"] = cli["token"]["source"].clone();
        assert_same(&g, &cli, &format!("exp {exp}"));
        assert_eq!(cli["token"]["lifetime_seconds"], seconds, "{exp}");
        assert_eq!(cli["token"]["endless"], endless, "{exp}");
        let note = cli["token"]["lifetime_note"].as_str().unwrap();
        if endless {
            assert!(note.contains(&model_range_text()) && note.contains("treat it as never expiring"), "{note}");
        } else {
            assert!(note.starts_with("lifetime 0 s: the token is never valid"), "{note}");
        }
        let text =
            String::from_utf8(compare(&["--at", "1800000000", "--token", &token, "--secret", secret]).stdout).unwrap();
        for clamped in ["1137731", "22,754,629,630", "token-ttl 1 h"] {
            assert!(!text.contains(clamped), "{clamped} in {text}");
        }
    }
}

#[test]
fn at_scale_flags_are_named_with_their_limit_and_counts_have_separators() {
    for (args, words) in [
        (
            ["--signed-in", "99999999999999"],
            "--signed-in: 99,999,999,999,999 is more than the 1,000,000 registered users",
        ),
        (["--revocations-per-day", "1e20"], "--revocations-per-day: 1e20 is more than the revocation model takes"),
    ] {
        let o = compare(&args);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(words) && !err.contains("scale."), "{err}");
    }
    let args = ["--at", "1800000000", "--servers", "50", "--users", "100000", "--requests", "10000000"];
    for extra in [None, Some("--markdown")] {
        let mut all = args.to_vec();
        all.extend(extra);
        let out = String::from_utf8(compare(&all).stdout).unwrap();
        assert!(out.contains("10,000,000 requests"), "{out}");
        let long = out.lines().find(|l| {
            let mut run = 0;
            l.chars().any(|c| {
                run = if c.is_ascii_digit() { run + 1 } else { 0 };
                run >= 5
            })
        });
        assert_eq!(long, None, "a count without separators ({extra:?})");
        assert!(!out.contains("verified by this verifier"), "the overhead row's sentence");
    }
}

/// A leeway is never clamped: a negative one (or one beyond the revocation model) is refused
/// naming the flag, exit 2, as `simulate revocation` refuses it.
#[test]
fn a_negative_or_too_long_leeway_is_refused_naming_the_flag() {
    for (args, words) in [
        (&["--leeway", "-1000"][..], "--leeway: must not be negative, got -1000"),
        (&["--leeway=-1"][..], "--leeway: must not be negative, got -1"),
        (&["--leeway", "100000000001"][..], "--leeway: 100000000001 s is longer than the supported"),
    ] {
        let o = compare(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(words), "{args:?}: {err}");
    }
}

/// An `--at` the revocation lab cannot run on is named as `--at`, with its value, why and the
/// latest that works, never as the model's internal `login_at`.
#[test]
fn an_instant_beyond_the_revocation_model_is_named_as_the_at_flag() {
    for at in ["253402300799", "99999999000"] {
        let o = compare(&["--at", at]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{at}: {err}");
        assert!(err.starts_with(&format!("tokenbench: --at: {at} (")), "{err}");
        assert!(err.contains("Give an --at of at most 99999998999"), "{err}");
        assert!(!err.contains("login_at") && !err.contains("event.at"), "{err}");
    }
}

/// The shared store's outage, stated in the Scalability row by the CLI as the tab states it
/// (`ui::compare`'s test reads the same words in the window).
#[test]
fn the_scalability_row_states_the_shared_stores_outage() {
    let o = compare(&["--at", "1800000000"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains(
            "a shared store loses none (240 store round trips), but it is a dependency: the store down from request \
             120, 120 of 240 requests fail"
        ),
        "{text}"
    );
    assert!(
        text.contains("(a denylist check shares the store again: the store down from request 120, 120 of 240 fail)")
    );
    let v = compare_json(&["--at", "1800000000"]);
    let row = v["rows"].as_array().unwrap().iter().find(|r| r["factor"] == "scalability").unwrap();
    assert_eq!(row["sessions"]["figures"]["store_down_failed_requests"], 120);
    assert_eq!(row["jwt"]["figures"]["denylist_store_down_failed_requests"], 120);
}

#[test]
fn the_complexity_row_lists_each_risk_and_pitfall_in_text_and_json() {
    let v = compare_json(&["--at", "1800000000"]);
    let row = v["rows"].as_array().unwrap().iter().find(|r| r["factor"] == "complexity").unwrap();
    assert_eq!(row["sessions"]["figures"]["risks"], 2);
    assert_eq!(row["sessions"]["figures"]["apply"], 2);
    assert_eq!(row["jwt"]["figures"]["pitfalls"], 5);
    assert_eq!(row["jwt"]["figures"]["apply"], 3);
    let applying: Vec<&str> = row["jwt"]["figures"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["applies"] == true)
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(applying, ["alg-confusion", "leakage", "no-revocation"]);
    let o = compare(&["--at", "1800000000"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("  jwt       5 pitfalls, 3 apply to the typical token: algorithm confusion, leakage through logs and URLs, no revocation\n"),
        "{text}"
    );
    assert!(
        text.contains("    leakage through logs and URLs: applies (a copy from a log or a URL works for 15 min more); Security lab: Leaks via logs and URLs\n"),
        "{text}"
    );
    assert!(
        text.contains("    the none algorithm: does not apply (alg RS256, and this verifier refuses unsigned tokens)"),
        "{text}"
    );
}

/// The Storage row says what a million sessions cost in memory, from the record's own size.
#[test]
fn the_storage_row_scales_the_sessions_records_to_a_million_users() {
    let o = compare(&["--at", "1800000000"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(
            "100,000 records, 9.63 MiB for 100,000 signed-in users; 5,000 store lookups/s; a million signed-in users: \
             96.32 MiB of records"
        ),
        "{text}"
    );
    let v = compare_json(&["--at", "1800000000"]);
    let row = v["rows"].as_array().unwrap().iter().find(|r| r["factor"] == "storage").unwrap();
    assert_eq!(row["sessions"]["figures"]["bytes"], 10_100_000);
    assert_eq!(row["sessions"]["figures"]["bytes_per_million_users"], 101_000_000);
}
