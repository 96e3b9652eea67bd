//! `tokenbench serve --store redis://…` against a private redis-server started on a free port
//! (a missing redis-server fails these tests): sessions, denylist entries, version counters
//! and refresh tokens live in Redis with lifetimes that end with their credential.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod live_common;

use live_common::{login, me_bearer, me_cookie, post, serve, start_redis};
use serde_json::json;

/// The TTL of the lab's key `key` (every key the lab writes carries its prefix).
fn ttl(url: &str, key: &str) -> i64 {
    let mut con = redis::Client::open(url).unwrap().get_connection().unwrap();
    redis::cmd("TTL").arg(format!("tokenbench:{key}")).query(&mut con).unwrap()
}

/// Another program's key in the same Redis is never read as the lab's: a `sess:` key set by
/// hand is no session.
#[test]
fn other_programs_keys_are_not_the_labs() {
    let r = start_redis();
    let s = serve(&["--mode", "session", "--store", &r.url]);
    let mut con = redis::Client::open(r.url.as_str()).unwrap().get_connection().unwrap();
    redis::cmd("SET").arg("sess:victim").arg("alice").query::<()>(&mut con).unwrap();
    assert_eq!(me_cookie(&s.url, "sid=victim").status, 401);
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

/// The Live tab's lab on a real Redis: the session survives the login's server, a logout
/// refuses a replayed copy, as the Flows model says; the store round trip is measured over
/// loopback TCP (well above the in-process store's) and the ready line carries the figure.
#[test]
fn the_live_tab_measures_redis_and_matches_the_model() {
    use tokenbench::core::labs::live::lab::exchange::Action;
    use tokenbench::core::labs::live::lab::predict::Situation;
    use tokenbench::core::labs::live::lab::{LiveCommand, LiveEffect, LiveLab, Settings, StoreChoice};

    fn drive(lab: &mut LiveLab, command: LiveCommand) -> Vec<f64> {
        let mut used = Vec::new();
        let mut queue = vec![command];
        while let Some(c) = queue.pop() {
            for effect in lab.handle(c) {
                match effect {
                    LiveEffect::Spawn(job) => queue.push(job.run()),
                    LiveEffect::UseRoundTrip(ms) => used.push(ms),
                }
            }
        }
        used
    }

    let r = start_redis();
    let mut lab = LiveLab::default();
    let settings = Settings { store: StoreChoice::Redis, redis_url: r.url.clone(), ..Settings::default() };
    drive(&mut lab, LiveCommand::Settings(settings));
    drive(&mut lab, LiveCommand::Start);
    assert!(lab.running(), "{:?}", lab.error);
    drive(&mut lab, LiveCommand::Send(Action::Login));
    let login = lab.login_server.unwrap();
    drive(&mut lab, LiveCommand::StopServer(login));
    drive(&mut lab, LiveCommand::Send(Action::Me));
    drive(&mut lab, LiveCommand::Send(Action::Logout));
    drive(&mut lab, LiveCommand::Replay);
    for situation in [Situation::LoginServerDown, Situation::AfterLogout] {
        let c = lab.checks.iter().find(|c| c.situation == situation).unwrap();
        assert!(c.measured.unwrap().agrees(&c.predicted), "{situation:?}: {c:?}");
    }

    drive(&mut lab, LiveCommand::Measure);
    let redis_rtt = lab.figures.clone().unwrap().unwrap().round_trip;
    let used = drive(&mut lab, LiveCommand::UseRoundTrip);
    assert_eq!(used, vec![redis_rtt.as_secs_f64() * 1e3]);

    let mut embedded = LiveLab::default();
    drive(&mut embedded, LiveCommand::Start);
    drive(&mut embedded, LiveCommand::Measure);
    let embedded_rtt = embedded.figures.clone().unwrap().unwrap().round_trip;
    assert!(redis_rtt > embedded_rtt * 5, "a TCP round trip ({redis_rtt:?}) against memory ({embedded_rtt:?})");

    let s = serve(&["--mode", "session", "--store", &r.url]);
    let us = s.ready["store_round_trip_us"].as_f64().unwrap();
    assert!(us > 0.0, "{}", s.ready);
}
