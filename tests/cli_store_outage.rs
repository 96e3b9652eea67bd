//! The `simulate flow` store-outage contract: `--store-fail-at I [--store-back-at J]` fails the
//! requests `I <= j < J` at their first store lookup, counted exactly per design, and every
//! combination where no store is used, or the requests are outside the run, is exit 2 naming
//! the flag.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use std::process::Output;

use common::{bin, code, json_out, stderr, stdout};
use serde_json::Value;
use tokenbench::core::labs::flows::credential::TYPICAL_TOKEN_BYTES;

/// Runs `tokenbench simulate flow` with `args`.
fn run(args: &[&str]) -> Output {
    bin().arg("simulate").arg("flow").args(args).output().unwrap()
}

/// The JSON of `simulate flow` with `args` and `--json`, which must succeed.
fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let o = run(&all);
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    json_out(&o)
}

/// The contract's figures: requests, bytes per request, store lookups, verifications, failed
/// requests, sessions lost, replication messages.
fn figures(v: &Value) -> [u64; 7] {
    let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} missing or not a count in {v}"));
    [
        n("requests"),
        n("bytes_per_request"),
        n("store_lookups"),
        n("signature_verifications"),
        n("failed_requests"),
        n("sessions_lost"),
        n("replication_messages"),
    ]
}

/// Exit 2, the message on stderr saying `message`, nothing on stdout.
fn refused(args: &[&str], message: &str) {
    let o = run(args);
    let err = stderr(&o);
    assert_eq!(code(&o), 2, "{args:?}: {err}");
    assert!(err.contains(message), "{args:?}: {err:?} should say {message:?}");
    assert!(o.stdout.is_empty(), "nothing on stdout: {}", stdout(&o));
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// `--store-fail-at 4 --store-back-at 7` over 2 servers, 4 users, 10 requests fanning out to 2
/// services, with `extra` flags.
fn outage(extra: &[&str]) -> Value {
    let mut args = vec!["--servers", "2", "--users", "4", "--requests", "10", "--services", "2"];
    args.extend(["--store-fail-at", "4", "--store-back-at", "7"]);
    args.extend(extra);
    json(&args)
}

#[test]
fn a_store_outage_fails_requests_at_their_first_lookup() {
    let jwt_bytes = (22 + TYPICAL_TOKEN_BYTES) as u64;
    for fail in [&[][..], &["--fail-server-at", "2"][..]] {
        let with = |design: &[&str]| outage(&[design, fail].concat());
        // Session: 7 requests x (1 + 2) lookups, 3 attempts that get no answer.
        let v = with(&["--mode", "session", "--store", "shared"]);
        assert_eq!((figures(&v), v["store_outage_failures"].as_u64()), ([10, 34, 24, 0, 3, 0, 0], Some(3)), "{fail:?}");
        let v = with(&["--mode", "session", "--store", "shared", "--sticky"]);
        assert_eq!((figures(&v), v["store_outage_failures"].as_u64()), ([10, 34, 24, 0, 3, 0, 0], Some(3)), "{fail:?}");
        // Hybrid: 1 lookup each, 2 verifications only when the edge's lookup answered.
        let v = with(&["--mode", "hybrid"]);
        assert_eq!(
            (figures(&v), v["store_outage_failures"].as_u64()),
            ([10, 34, 10, 14, 3, 0, 0], Some(3)),
            "{fail:?}"
        );
        // JWT with a check: the edge verifies, then its lookup fails (fail closed).
        for check in ["denylist", "version"] {
            let v = with(&["--mode", "jwt", "--revocation", check]);
            assert_eq!(
                (figures(&v), v["store_outage_failures"].as_u64()),
                ([10, jwt_bytes, 24, 24, 3, 0, 0], Some(3)),
                "{check} {fail:?}"
            );
        }
    }
    // Without --store-back-at the store stays down to the end: requests 4 to 9.
    let args = ["--mode", "session", "--servers", "2", "--users", "4", "--requests", "10", "--services", "2"];
    let v = json(&[&args[..], &["--store-fail-at", "4"]].concat());
    assert_eq!((figures(&v), v["store_outage_failures"].as_u64()), ([10, 34, 18, 0, 6, 0, 0], Some(6)));
    let text = stdout(&run(&[&args[..], &["--store-fail-at", "4"]].concat()));
    assert!(text.contains("  of which store down    6\n"), "{text}");
    // No outage: the key is there, 0.
    assert_eq!(json(&args)["store_outage_failures"].as_u64(), Some(0));
}

#[test]
fn exit_2_for_a_store_outage_where_it_cannot_be() {
    let base = ["--servers", "2", "--users", "4", "--requests", "10"];
    let with = |extra: &[&str]| -> Vec<String> { base.iter().chain(extra).map(|s| (*s).to_owned()).collect() };
    for design in [
        &["--mode", "session", "--store", "local", "--sticky"][..],
        &["--mode", "session", "--store", "replicated"][..],
        &["--mode", "hybrid", "--store", "local"][..],
    ] {
        refused(
            &strs(&with(&[design, &["--store-fail-at", "3"]].concat())),
            "--store-fail-at takes down the shared store",
        );
    }
    refused(
        &strs(&with(&["--mode", "jwt", "--store-fail-at", "3"])),
        "--store-fail-at takes down the revocation store",
    );
    refused(
        &strs(&with(&["--mode", "jwt", "--revocation", "none", "--store-fail-at", "3"])),
        "--store-fail-at takes down the revocation store",
    );
    refused(
        &strs(&with(&["--mode", "session", "--store-fail-at", "10"])),
        "--store-fail-at 10 is not a request of the run",
    );
    refused(
        &strs(&with(&["--mode", "session", "--store-fail-at", "3", "--store-back-at", "3"])),
        "--store-back-at 3 must be after --store-fail-at 3",
    );
    refused(
        &strs(&with(&["--mode", "session", "--store-fail-at", "3", "--store-back-at", "11"])),
        "--store-back-at 11 is past the end of the run",
    );
    refused(&strs(&with(&["--mode", "session", "--store-back-at", "3"])), "--store-back-at needs --store-fail-at");
    refused(&strs(&with(&["--mode", "session", "--store-fail-at", "-1"])), "--store-fail-at");
}

/// Per lane of a scenario run: requests, failed requests, store lookups, cross-site calls,
/// cross-site calls failed, after-logout refused, after-logout accepted, logouts failed.
fn lanes(args: &[&str]) -> Vec<[u64; 8]> {
    let v = json(args);
    let lanes = v["lanes"].as_array().unwrap();
    lanes
        .iter()
        .map(|l| {
            let t = &l["totals"];
            let n = |k: &str| t[k].as_u64().unwrap_or_else(|| panic!("{k} missing in {t}"));
            [
                n("requests"),
                n("failed_requests"),
                n("store_lookups"),
                n("cross_site_calls"),
                n("cross_site_failed"),
                n("rejected_after_logout"),
                n("accepted_after_logout"),
                n("logouts_failed"),
            ]
        })
        .collect()
}

#[test]
fn a_cross_site_call_after_a_request_in_the_outage_fails_at_its_lookup() {
    // Mobile (a native app: the session cookie is sent cross-site): 240 requests, a call every
    // third, all with the store down. Each call tries its lookup (counted) and fails.
    assert_eq!(
        lanes(&["--scenario", "mobile", "--store-fail-at", "0"]),
        [[240, 240, 320, 80, 80, 0, 0, 0], [240, 0, 0, 80, 0, 0, 0, 0]]
    );
    assert_eq!(
        lanes(&["--scenario", "mobile", "--revocation", "denylist", "--store-fail-at", "0"]),
        [[240, 240, 320, 80, 80, 0, 0, 0], [240, 240, 320, 80, 80, 0, 0, 0]]
    );
    // Cross-domain (a browser): the cookie is never sent, so no lookup; the JWT's lookup fails.
    assert_eq!(
        lanes(&["--scenario", "cross-domain", "--revocation", "denylist", "--store-fail-at", "0"]),
        [[240, 240, 240, 80, 80, 0, 0, 0], [240, 240, 320, 80, 80, 0, 0, 0]]
    );
    // Store back at request 120: the calls after requests 120..239 (40 of them) are served.
    assert_eq!(
        lanes(&["--scenario", "mobile", "--revocation", "denylist", "--store-fail-at", "0", "--store-back-at", "120"]),
        [[240, 120, 320, 80, 40, 0, 0, 0], [240, 120, 320, 80, 40, 0, 0, 0]]
    );
}

#[test]
fn a_logout_while_the_store_is_down_fails_and_the_credential_keeps_working() {
    // User 0 logs out before request 60, the store down for requests 50..60: nothing deleted
    // or denylisted. Of its 15 requests from 60 on, #60 finds the store down, 14 are served.
    let args =
        ["--scenario", "revocation", "--revocation", "denylist", "--store-fail-at", "50", "--store-back-at", "61"];
    assert_eq!(lanes(&args), [[240, 11, 240, 0, 0, 0, 14, 1], [240, 11, 240, 0, 0, 0, 14, 1]]);
    let text = stdout(&run(&args));
    assert_eq!(text.matches("after logout accepted     14\n").count(), 2, "{text}");
    assert_eq!(text.matches("logout failed, store down 1\n").count(), 2, "{text}");
    // Back before the logout: it works, the user is refused from then on (#60 included).
    let back =
        ["--scenario", "revocation", "--revocation", "denylist", "--store-fail-at", "50", "--store-back-at", "60"];
    assert_eq!(lanes(&back), [[240, 10, 240, 0, 0, 15, 0, 0], [240, 10, 240, 0, 0, 15, 0, 0]]);
}

#[test]
fn an_outage_the_run_cannot_have_says_why() {
    // No requests: no index to name.
    let o = run(&["--mode", "session", "--servers", "2", "--users", "2", "--requests", "0", "--store-fail-at", "0"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "tokenbench: --store-fail-at 0 is not a request of the run: it has no requests (--requests 0)\n"
    );
    // --mode session drops the JWT lane: its --revocation cannot help, and the message says so.
    let o = run(&["--scenario", "failover", "--revocation", "version", "--mode", "session", "--store-fail-at", "10"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "tokenbench: --store-fail-at: --mode session keeps only the failover scenario's session lane, whose store \
         is not shared (give --store shared); --revocation version applies to the JWT lane, which --mode session \
         dropped\n"
    );
    refused(
        &["--scenario", "failover", "--mode", "jwt", "--store-fail-at", "3"],
        "--mode jwt keeps only the failover scenario's JWT lane, which checks no revocation store (give --revocation \
         denylist|version)",
    );
    refused(
        &["--scenario", "failover", "--store-fail-at", "3"],
        "no lane of the failover scenario uses a store (give --store shared for the session lane, or --revocation \
         denylist|version for the JWT lane)",
    );
}
