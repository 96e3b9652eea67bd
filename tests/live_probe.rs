//! `tokenbench probe` through real sockets against a real `tokenbench serve`: the strict server
//! accepts no forgery, a server with one door open on purpose (`--accept-attacks X`) is found
//! to accept exactly X, a refused honest token and bad input exit 2 naming what is wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;
mod live_common;

use std::path::PathBuf;

use common::{code, json_out, run, stderr, stdout};
use live_common::{Serve, access_token, get, serve};
use serde_json::Value;
use tokenbench::core::engine::forge::Attack;

/// The server's public key as it publishes it (SPKI PEM), saved where `--key` can read it: the
/// file an attacker downloads for the confusion attack.
fn public_key_file(server: &Serve, tag: &str) -> PathBuf {
    let answer = get(&server.url, "/.well-known/public-key.pem", &[]);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let pem = answer.body;
    let path = std::env::temp_dir().join(format!("tokenbench-probe-{}-{tag}.pem", std::process::id()));
    std::fs::write(&path, pem).unwrap();
    path
}

/// Runs probe with the server's public key and returns its JSON report and exit code.
fn probe_with_key(server: &Serve, tag: &str) -> (i32, Value) {
    let key = public_key_file(server, tag);
    let token = access_token(&server.url, "alice");
    let o = run(&["probe", &format!("{}/me", server.url), "--token", &token, "--key", key.to_str().unwrap(), "--json"]);
    let _ = std::fs::remove_file(&key);
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    (code(&o), json_out(&o))
}

fn accepted(report: &Value) -> Vec<String> {
    report["attacks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["accepted"] == true)
        .map(|a| a["attack"].as_str().unwrap().to_owned())
        .collect()
}

/// The strict server accepts no forgery: every attack is sent (confusion too, with the
/// published key) and refused; exit 0.
#[test]
fn the_strict_server_accepts_no_forgery() {
    let server = serve(&["--mode", "jwt"]);
    let (exit, report) = probe_with_key(&server, "strict");
    assert_eq!(exit, 0, "{report}");
    assert_eq!(report["baseline"], 200, "{report}");
    assert_eq!(report["rejected_status"], 401, "{report}");
    let attacks = report["attacks"].as_array().unwrap();
    let names: Vec<&str> = attacks.iter().map(|a| a["attack"].as_str().unwrap()).collect();
    let all: Vec<&str> = Attack::ALL.iter().map(|a| a.name()).collect();
    assert_eq!(names, all);
    for a in attacks {
        assert_eq!((a["accepted"].as_bool(), a["status"].as_u64()), (Some(false), Some(401)), "{a}");
        assert!(a.get("skipped").is_none(), "{a}");
    }
}

/// Each door opened on purpose is found, and only that one: exit 1.
#[test]
fn each_vulnerable_server_is_found_to_accept_exactly_its_attack() {
    for attack in Attack::ALL {
        let server = serve(&["--mode", "jwt", "--accept-attacks", attack.name()]);
        let (exit, report) = probe_with_key(&server, attack.name());
        assert_eq!(exit, 1, "{}: {report}", attack.name());
        assert_eq!(accepted(&report), vec![attack.name().to_owned()], "{report}");
        let found = report["attacks"].as_array().unwrap().iter().find(|a| a["attack"] == attack.name()).unwrap();
        assert!((200..300).contains(&found["status"].as_u64().unwrap()), "{found}");
    }
}

/// Two doors at once: both found.
#[test]
fn several_doors_are_all_found() {
    let server = serve(&["--mode", "jwt", "--accept-attacks", "none,tamper"]);
    let (exit, report) = probe_with_key(&server, "two");
    assert_eq!(exit, 1);
    assert_eq!(accepted(&report), vec!["none".to_owned(), "tamper".to_owned()], "{report}");
}

/// Without --key the confusion attack is reported as skipped, with the reason, and is not a
/// finding; the text report says so too.
#[test]
fn confusion_without_a_key_is_skipped_with_the_reason() {
    let server = serve(&["--mode", "jwt"]);
    let url = format!("{}/me", server.url);
    let token = access_token(&server.url, "bob");
    let o = run(&["probe", &url, "--token", &token, "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report = json_out(&o);
    let confusion = report["attacks"].as_array().unwrap().iter().find(|a| a["attack"] == "confusion").unwrap();
    assert_eq!((confusion["skipped"].as_bool(), confusion["accepted"].as_bool()), (Some(true), Some(false)));
    assert!(confusion["status"].is_null());
    assert!(confusion["reason"].as_str().unwrap().contains("--key"), "{confusion}");
    let o = run(&["probe", &url, "--token", &token]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("confusion      skipped: needs the issuer's public key file (--key FILE)"), "{text}");
    assert!(text.contains("No forgery accepted (9 requests)."), "{text}");
}

/// A token the server refuses (signed by another issuer) leaves nothing to judge: exit 2,
/// "baseline not accepted", and no report on stdout.
#[test]
fn a_refused_honest_token_exits_2() {
    let server = serve(&["--mode", "jwt"]);
    let other = serve(&["--mode", "jwt"]);
    let foreign = access_token(&other.url, "alice");
    let o = run(&["probe", &format!("{}/me", server.url), "--token", &foreign]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    let e = stderr(&o);
    assert!(
        e.contains("baseline not accepted: the honest token (--token, sent as Authorization: Bearer) got HTTP 401"),
        "{e}"
    );
    assert_eq!(o.stdout, b"");
    // The right token in the wrong place is refused the same way.
    let mine = access_token(&server.url, "alice");
    let o = run(&["probe", &format!("{}/me", server.url), "--token", &mine, "--cookie", "jwt"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("baseline not accepted") && stderr(&o).contains("sent as cookie jwt"),
        "{}",
        stderr(&o)
    );
}

/// Unusable input exits 2 and names the argument: the URL's scheme, an unreachable port, a
/// bad header or cookie name, both placements at once, a token that is not a JWT, a --key that
/// is not a public key file.
#[test]
fn bad_input_exits_2_naming_what() {
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";
    let free_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let unreachable = format!("http://127.0.0.1:{free_port}/me");
    let secret = common::asset("hs256-secret.bin");
    for (args, says) in [
        (vec!["probe", "ftp://127.0.0.1/me", "--token", token], "URL \"ftp://127.0.0.1/me\" has the scheme \"ftp\""),
        (vec!["probe", "127.0.0.1:8080/me", "--token", token], "has no scheme"),
        (vec!["probe", &unreachable, "--token", token], "the honest token's request to"),
        (
            vec!["probe", "http://127.0.0.1:9/me", "--token", token, "--header", "bad name"],
            "--header \"bad name\" is not an HTTP header name",
        ),
        (
            vec!["probe", "http://127.0.0.1:9/me", "--token", token, "--cookie", "a;b"],
            "--cookie \"a;b\" is not a cookie name",
        ),
        (vec!["probe", "http://127.0.0.1:9/me", "--token", token, "--header", "X-T", "--cookie", "c"], "--cookie"),
        (vec!["probe", "http://127.0.0.1:9/me", "--token", "abc"], "segments"),
        (vec!["probe", "http://127.0.0.1:9/me", "--token", token, "--key", secret.to_str().unwrap()], "--key: "),
    ] {
        let o = run(&args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
}
