//! `tokenbench load` through real sockets against a real `tokenbench serve`: the counts add up,
//! the bytes sent are what the requests must weigh, the histogram holds every request, and
//! bad flags or a login the server refuses exit 2 naming what is wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;
mod live_common;

use common::{code, json_out, run, stderr};
use live_common::serve;

fn load(url: &str, mode: &str, users: &str, requests: &str, concurrency: &str) -> std::process::Output {
    run(&[
        "load",
        url,
        "--mode",
        mode,
        "--users",
        users,
        "--requests",
        requests,
        "--concurrency",
        concurrency,
        "--json",
    ])
}

/// Every request against a healthy server is answered 2xx, in both modes; the counts add up,
/// the histogram holds every request and the bytes sent lie between what the request line and
/// the credential alone weigh and a generous ceiling per request.
#[test]
fn every_request_to_a_healthy_server_is_ok_and_counted() {
    for mode in ["jwt", "session"] {
        let server = serve(&["--mode", mode]);
        let o = load(&server.url, mode, "5", "300", "4");
        assert_eq!(code(&o), 0, "{mode}: {}", stderr(&o));
        let r = json_out(&o);
        assert_eq!(
            (r["requests"].as_u64(), r["ok"].as_u64(), r["failed"].as_u64()),
            (Some(300), Some(300), Some(0)),
            "{mode}: {r}"
        );
        let buckets = r["histogram"].as_array().unwrap();
        assert_eq!(buckets.iter().map(|b| b["count"].as_u64().unwrap()).sum::<u64>(), 300, "{r}");
        assert!(buckets.last().unwrap()["le_us"].is_null(), "{r}");
        let (p50, p99) = (r["p50_us"].as_u64().unwrap(), r["p99_us"].as_u64().unwrap());
        assert!(p50 > 0 && p50 <= p99, "{r}");
        assert!(r["req_per_s"].as_f64().unwrap() > 0.0, "{r}");
        // A JWT is hundreds of bytes, a session cookie `sid=` and 43 or 64 characters; each
        // request also carries `GET /me HTTP/1.1` and a Host line.
        let credential_floor = if mode == "jwt" { 100 } else { 40 };
        let floor = 300 * (credential_floor + "GET /me HTTP/1.1\r\nhost: 127.0.0.1:1\r\n".len() as u64);
        let bytes = r["bytes_sent"].as_u64().unwrap();
        assert!((floor..=300 * 4096).contains(&bytes), "{mode}: {bytes} bytes for 300 requests (floor {floor})");
    }
}

/// More users than the demo list reuse the names, and more in flight than requests is fine.
#[test]
fn many_users_and_little_work_still_add_up() {
    let server = serve(&["--mode", "jwt"]);
    let o = load(&server.url, "jwt", "9", "3", "8");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = json_out(&o);
    assert_eq!((r["ok"].as_u64(), r["failed"].as_u64(), r["users"].as_u64()), (Some(3), Some(0), Some(9)), "{r}");
}

/// The text form shows the counts and the histogram.
#[test]
fn the_text_report_shows_counts_and_histogram() {
    let server = serve(&["--mode", "session"]);
    let o = run(&["load", &server.url, "--mode", "session", "--users", "2", "--requests", "50"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = common::stdout(&o);
    assert!(text.starts_with("50 requests (session mode, 2 users, 16 in flight)"), "{text}");
    assert!(text.contains(": 50 ok, 0 failed"), "{text}");
    assert!(text.contains("latency histogram:"), "{text}");
}

/// A login the server refuses is unusable input: the mode that does not match the server's.
#[test]
fn a_mode_the_server_does_not_speak_exits_2_naming_the_login() {
    let server = serve(&["--mode", "jwt"]);
    let o = load(&server.url, "session", "1", "10", "1");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("login of user \"alice\"") && e.contains("set no cookie"), "{e}");
    assert_eq!(o.stdout, b"", "nothing on stdout when nothing was measured");
}

/// Bad flags exit 2 and name the flag and its range; nothing needs a server for that.
#[test]
fn bad_flags_exit_2_naming_the_flag() {
    for (args, says) in [
        (vec!["--users", "0", "--requests", "10"], "--users 0 is out of range: give 1 to 10000"),
        (vec!["--users", "1", "--requests", "0"], "--requests 0 is out of range"),
        (
            vec!["--users", "1", "--requests", "10", "--concurrency", "5000"],
            "--concurrency 5000 is out of range: give 1 to 1024",
        ),
        (vec!["--users", "1", "--requests", "-3"], "--requests -3 is out of range: give 1 to 5000000"),
        (vec!["--users", "abc", "--requests", "3"], "--users \"abc\" is not a whole number: give 1 to 10000"),
        (vec!["--users", "99999999999999999999999", "--requests", "3"], "--users 99999999999999999999999 is"),
    ] {
        let mut all = vec!["load", "http://127.0.0.1:9", "--mode", "jwt"];
        all.extend(args);
        let o = run(&all);
        assert_eq!(code(&o), 2, "{all:?}");
        assert!(stderr(&o).contains(says), "{all:?}: {}", stderr(&o));
    }
    let o = run(&["load", "http://127.0.0.1:9", "--mode", "hybrid", "--users", "1", "--requests", "1"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown mode \"hybrid\""), "{}", stderr(&o));
    let o = run(&["load", "https://127.0.0.1:9", "--mode", "jwt", "--users", "1", "--requests", "1"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("URL \"https://127.0.0.1:9\" has the scheme \"https\""), "{}", stderr(&o));
}
