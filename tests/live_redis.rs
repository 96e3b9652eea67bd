//! `tokenbench serve --store redis://…` against a private redis-server started on a free port
//! (a missing redis-server fails these tests): sessions, denylist entries, version counters
//! and refresh tokens live in Redis with lifetimes that end with their credential.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod live_common;

use live_common::{login, me_bearer, me_cookie, post, serve, start_redis};
use serde_json::json;

fn ttl(url: &str, key: &str) -> i64 {
    let mut con = redis::Client::open(url).unwrap().get_connection().unwrap();
    redis::cmd("TTL").arg(key).query(&mut con).unwrap()
}

#[test]
fn sessions_live_in_redis_with_their_lifetime() {
    let r = start_redis();
    let s = serve(&["--mode", "session", "--store", &r.url, "--session-ttl", "600"]);
    assert_eq!(s.ready["store"], r.url.as_str());
    let sid = login(&s.url, "alice").cookie("sid").unwrap();
    let left = ttl(&r.url, &format!("sess:{sid}"));
    assert!((590..=600).contains(&left), "the session key expires with the session: {left}");
    let cookie = format!("sid={sid}");
    assert_eq!(me_cookie(&s.url, &cookie).status, 200);
    assert_eq!(post(&s.url, "/logout", &[("cookie", &cookie)], None).status, 200);
    assert_eq!(ttl(&r.url, &format!("sess:{sid}")), -2, "logout deletes the key");
    assert_eq!(me_cookie(&s.url, &cookie).status, 401);
    // A second serve on the same Redis sees the sessions of the first (a shared store).
    let other = serve(&["--mode", "session", "--store", &r.url]);
    let sid = login(&s.url, "bob").cookie("sid").unwrap();
    assert_eq!(me_cookie(&other.url, &format!("sid={sid}")).json()["sub"], "bob");
}

#[test]
fn denylist_version_and_refresh_tokens_in_redis() {
    let r = start_redis();
    let s = serve(&["--mode", "jwt", "--store", &r.url, "--revocation", "denylist", "--access-ttl", "200"]);
    let a = login(&s.url, "alice").json();
    let access = a["access_token"].as_str().unwrap().to_owned();
    let jti = token_claim(&access, "jti");
    assert_eq!(post(&s.url, "/logout", &[("authorization", &format!("Bearer {access}"))], None).status, 200);
    let left = ttl(&r.url, &format!("deny:{jti}"));
    assert!((190..=200).contains(&left), "the denylist entry ends with the token: {left}");
    assert_eq!(me_bearer(&s.url, &access).status, 401);

    // Refresh tokens and reuse detection, through Redis.
    let refresh = |t: &str| post(&s.url, "/refresh", &[], Some(&json!({"refresh_token": t})));
    let first = a["refresh_token"].as_str().unwrap().to_owned();
    assert!(ttl(&r.url, &format!("rt:{first}")) > 1700);
    let second = refresh(&first).json()["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(refresh(&first).status, 401, "reuse");
    assert_eq!(refresh(&second).status, 401, "the family is revoked");

    let v = serve(&["--mode", "jwt", "--store", &r.url, "--revocation", "version", "--access-ttl", "100"]);
    let access = login(&v.url, "carol").json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(post(&v.url, "/logout", &[("authorization", &format!("Bearer {access}"))], None).status, 200);
    let left = ttl(&r.url, "ver:carol");
    assert!((90..=100).contains(&left), "the version counter lives as long as a token can: {left}");
    assert_eq!(me_bearer(&v.url, &access).status, 401);
    let again = login(&v.url, "carol").json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(me_bearer(&v.url, &again).status, 200);
}

#[test]
fn an_unreachable_redis_exits_2_naming_the_store() {
    let port = live_common::free_port();
    let o = live_common::bin()
        .args([
            "serve",
            "--mode",
            "session",
            "--listen",
            "127.0.0.1:0",
            "--store",
            &format!("redis://127.0.0.1:{port}"),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--store") && err.contains(&port.to_string()), "{err}");
}

fn token_claim(t: &str, name: &str) -> String {
    let parsed = tokenbench::core::engine::token::parse(t).unwrap();
    parsed.claims().unwrap()[name].as_str().unwrap().to_owned()
}
