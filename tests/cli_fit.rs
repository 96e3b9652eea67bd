//! `tokenbench simulate payload|hybrids|sso|defaults`: the "Which fits" lab's figures on the
//! command line, equal to the core reports the window draws; `--claims` out of range is exit 2
//! naming the flag.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use tokenbench::core::labs::fit::{defaults, hybrids, payload, sso, start};

mod common;
use common::{code, json_out, run, stderr, stdout};

#[test]
fn payload_prints_the_start_lines_and_the_report_for_its_claims() {
    let o = run(&["simulate", "payload", "--claims", "100"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    let want: Vec<String> =
        start::figures().unwrap().lines().into_iter().chain(payload::report(100).unwrap().lines()).collect();
    for line in &want {
        assert!(text.lines().any(|l| l == line), "{line}\n{text}");
    }
    assert!(text.contains("JWT with 100 claims added: "), "{text}");
    let o = run(&["simulate", "payload", "--claims", "100", "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json_out(&o);
    assert_eq!(v["start"]["cookie_bytes"], 34);
    assert_eq!(v["start"]["bearer_bytes"], 834);
    assert_eq!(v["payload"]["point"]["added"], 100);
    assert_eq!(v["payload"], serde_json::to_value(payload::report(100).unwrap()).unwrap());
    assert_eq!(v["payload"]["sweep"]["crossings"][0]["limit"]["bytes"], 4096);
}

#[test]
fn payload_refuses_claims_past_the_slider() {
    let o = run(&["simulate", "payload", "--claims", "601"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--claims"), "{}", stderr(&o));
}

#[test]
fn hybrids_sso_and_defaults_print_the_reports() {
    let o = run(&["simulate", "hybrids", "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(json_out(&o), serde_json::to_value(hybrids::report().unwrap()).unwrap());
    let o = run(&["simulate", "hybrids"]);
    let r = hybrids::report().unwrap();
    for line in r.refresh.lines().iter().chain(&r.split.lines()) {
        assert!(stdout(&o).lines().any(|l| l.trim_start() == line), "{line}");
    }
    assert!(stdout(&o).contains("Logout stops the Admin panel's credential after 0 s"));
    // Hybrid (b) stepped through: every step's lines, as the window shows them.
    for line in r.admin_panel.iter().flat_map(tokenbench::core::labs::fit::admin_panel::AdminStep::lines) {
        assert!(stdout(&o).lines().any(|l| l.trim_start() == line), "{line}");
    }
    assert!(stdout(&o).contains("Admin panel refuses (1 store lookup): "), "{}", stdout(&o));

    let o = run(&["simulate", "sso", "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json_out(&o);
    assert_eq!(v, serde_json::to_value(sso::report().unwrap()).unwrap());
    assert_eq!(v["steps"].as_array().unwrap().len(), 7);
    assert_eq!(v["steps"][6]["checks"][1]["valid"], false);
    let o = run(&["simulate", "sso"]);
    assert!(stdout(&o).contains("https://forum.example refuses the token for https://shop.example"), "{}", stdout(&o));

    let o = run(&["simulate", "defaults", "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json_out(&o);
    let r = defaults::report();
    assert_eq!(v["designs"], serde_json::to_value(&r.designs).unwrap());
    assert_eq!(v["conclusion"], r.conclusion());
    assert_eq!(v["frameworks"][1]["setting"], "SESSION_ENGINE");
    let o = run(&["simulate", "defaults"]);
    for line in r.framework_lines().iter().chain(&r.design_lines()) {
        assert!(stdout(&o).lines().any(|l| l.trim_start() == line), "{line}");
    }
}
