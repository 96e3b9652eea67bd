//! `tokenbench advise`: the JSON contract, the decision rule through the CLI, and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::process::{Command, Output};

use serde_json::Value;

fn advise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tokenbench")).arg("advise").args(args).env("NO_COLOR", "1").output().unwrap()
}

fn advise_json(args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let o = advise(&all);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn json_has_exactly_the_contract_keys() {
    let v = advise_json(&["--app", "spa", "--instant-revocation"]);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["recommendation", "reasons", "configuration"]);
    assert_eq!(v["recommendation"], "hybrid");
    for r in v["reasons"].as_array().unwrap() {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["factor", "favours", "text"]);
    }
    assert_eq!(v["reasons"][0]["factor"], "cross-domain");
    assert_eq!(v["reasons"][1]["factor"], "revocation");
    assert_eq!(v["reasons"][1]["favours"], "sessions");
    assert!(v["configuration"].as_array().unwrap().iter().all(Value::is_string));
}

#[test]
fn each_flag_alone() {
    let cases: [(&[&str], &str); 12] = [
        (&[], "sessions"),
        (&["--app", "server-rendered"], "sessions"),
        (&["--app", "spa"], "jwt"),
        (&["--app", "mobile"], "jwt"),
        (&["--app", "microservices"], "jwt"),
        (&["--app", "serverless"], "jwt"),
        (&["--instant-revocation"], "sessions"),
        (&["--small-cluster"], "sessions"),
        (&["--cross-domain"], "jwt"),
        (&["--oauth"], "jwt"),
        (&["--service-to-service"], "jwt"),
        (&["--inexperienced-team"], "sessions"),
    ];
    for (args, expected) in cases {
        assert_eq!(advise_json(args)["recommendation"], expected, "{args:?}");
    }
    assert_eq!(advise_json(&["--large-session-data"])["recommendation"], "sessions");
}

#[test]
fn combinations() {
    assert_eq!(advise_json(&["--app", "mobile", "--oauth", "--cross-domain"])["recommendation"], "jwt");
    assert_eq!(advise_json(&["--small-cluster", "--inexperienced-team"])["recommendation"], "sessions");
    let v = advise_json(&["--app", "microservices", "--instant-revocation", "--service-to-service"]);
    assert_eq!(v["recommendation"], "hybrid");
    assert_eq!(v["reasons"].as_array().unwrap().len(), 3);
}

#[test]
fn text_output_and_unknown_values() {
    let o = advise(&["--app", "server-rendered"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.starts_with("Recommendation: sessions"), "{text}");
    assert!(text.contains("HttpOnly"), "{text}");

    let o = advise(&["--app", "desktop"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("desktop"));
    assert_eq!(advise(&["--no-such-flag"]).status.code(), Some(2));
}
