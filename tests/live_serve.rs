//! `tokenbench serve` through real sockets: every endpoint in each mode, 401s, the session
//! cookie's attributes, logout per revocation strategy, refresh rotation and reuse detection,
//! failover (round robin over a shared store; sticky over per-server stores), the bounds,
//! bad flags and `--for`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod live_common;

use std::io::{Read as _, Write as _};
use std::time::{Duration, Instant};

use live_common::{bin, get, login, me_bearer, me_cookie, post, serve};
use serde_json::json;

#[test]
fn ready_line_names_the_balancer_and_every_server() {
    let s = serve(&["--mode", "session", "--servers", "3"]);
    assert!(s.url.starts_with("http://127.0.0.1:"), "{}", s.url);
    assert_eq!(s.servers.len(), 3);
    assert!(!s.url.ends_with(":0"), "the OS chose a port");
    for (i, url) in s.servers.iter().enumerate() {
        assert_eq!(get(url, "/health", &[]).json()["server"], i, "{url}");
    }
    assert_eq!(s.ready["mode"], "session");
    assert_eq!(s.ready["store"], "embedded");
}

#[test]
fn session_mode_login_me_logout_and_the_cookie() {
    let s = serve(&["--mode", "session"]);
    let a = login(&s.url, "alice");
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["sub"], "alice");
    let set_cookie = a.header("set-cookie").unwrap().to_owned();
    let sid = a.cookie("sid").unwrap();
    assert_eq!(sid.len(), 43, "256 bits in base64url: {sid}");
    assert!(sid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{sid}");
    let attributes: Vec<&str> = set_cookie.split(';').skip(1).map(str::trim).collect();
    assert_eq!(attributes, ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"], "{set_cookie}");
    assert!(a.header("access_token").is_none());
    assert!(a.json().get("access_token").is_none(), "session mode issues no token");

    let cookie = format!("sid={sid}");
    let me = me_cookie(&s.url, &cookie);
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["sub"], "alice");
    // Round robin: two requests in a row land on the two servers.
    let servers: std::collections::BTreeSet<u64> =
        (0..4).map(|_| me_cookie(&s.url, &cookie).json()["server"].as_u64().unwrap()).collect();
    assert_eq!(servers.into_iter().collect::<Vec<_>>(), [0, 1], "round robin over both servers");

    // 401s: no credential, an unknown sid, a bearer token in session mode, bad logins.
    assert_eq!(get(&s.url, "/me", &[]).status, 401);
    assert_eq!(me_cookie(&s.url, "sid=not-a-session").status, 401);
    assert_eq!(me_bearer(&s.url, "eyJhbGciOiJFUzI1NiJ9.e30.AA").status, 401);
    assert_eq!(post(&s.url, "/login", &[], Some(&json!({"user": "alice", "password": "bob"}))).status, 401);
    assert_eq!(post(&s.url, "/login", &[], Some(&json!({"user": "mallory", "password": "mallory"}))).status, 401);
    let bad = post(&s.url, "/login", &[], Some(&json!({"user": "alice"})));
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"].as_str().unwrap().contains("\"password\""), "{}", bad.body);
    assert_eq!(post(&s.url, "/refresh", &[], Some(&json!({"refresh_token": "x"}))).status, 404);
    assert_eq!(get(&s.url, "/nowhere", &[]).status, 404);
    assert_eq!(get(&s.url, "/login", &[]).status, 405);

    // Logout deletes the session: the next request is refused, on every server.
    let out = post(&s.url, "/logout", &[("cookie", &cookie)], None);
    assert_eq!(out.status, 200, "{}", out.body);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    for _ in 0..2 {
        assert_eq!(me_cookie(&s.url, &cookie).status, 401);
    }
    // Another user's session is untouched.
    let b = login(&s.url, "bob").cookie("sid").unwrap();
    assert_eq!(me_cookie(&s.url, &format!("sid={b}")).json()["sub"], "bob");

    let jwks = get(&s.url, "/.well-known/jwks.json", &[]).json();
    assert_eq!(jwks["keys"][0]["kty"], "EC");
    assert_eq!(jwks["keys"][0]["alg"], "ES256");
    assert!(jwks["keys"][0].get("d").is_none(), "no private member is published");
}

#[test]
fn jwt_mode_tokens_and_logout_without_revocation() {
    let s = serve(&["--mode", "jwt", "--access-ttl", "120"]);
    let a = login(&s.url, "carol");
    assert_eq!(a.status, 200, "{}", a.body);
    let body = a.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 120);
    assert!(a.header("set-cookie").is_none(), "jwt mode sets no session cookie");
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(body["refresh_token"].as_str().unwrap().len(), 43);
    let parsed = tokenbench::core::engine::token::parse(access).unwrap();
    let claims = parsed.claims().unwrap();
    assert_eq!(claims["sub"], "carol");
    assert_eq!(claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(), 120);
    assert_eq!(parsed.alg(), Some("ES256"));

    let me = me_bearer(&s.url, access);
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["sub"], "carol");
    assert!(me.header("x-tokenbench-vulnerable").is_none(), "the strict server says nothing of the kind");
    assert_eq!(me_bearer(&s.url, "garbage").status, 401);
    assert_eq!(get(&s.url, "/me", &[("cookie", "sid=x")]).status, 401, "jwt mode reads no cookie");

    // Revocation none: the logout is answered, and the token still works until its exp.
    let out = post(&s.url, "/logout", &[("authorization", &format!("Bearer {access}"))], None);
    assert_eq!(out.status, 200, "{}", out.body);
    assert!(out.json()["revocation"].as_str().unwrap().contains("until its exp"), "{}", out.body);
    for _ in 0..2 {
        assert_eq!(me_bearer(&s.url, access).status, 200, "a stateless token outlives its logout");
    }
}

#[test]
fn jwt_logout_with_a_denylist_or_version_refuses_the_next_request() {
    for strategy in ["denylist", "version"] {
        let s = serve(&["--mode", "jwt", "--revocation", strategy]);
        let first = login(&s.url, "alice").json()["access_token"].as_str().unwrap().to_owned();
        let other = login(&s.url, "bob").json()["access_token"].as_str().unwrap().to_owned();
        assert_eq!(me_bearer(&s.url, &first).status, 200, "{strategy}");
        let out = post(&s.url, "/logout", &[("authorization", &format!("Bearer {first}"))], None);
        assert_eq!(out.status, 200, "{strategy}: {}", out.body);
        for _ in 0..2 {
            let me = me_bearer(&s.url, &first);
            assert_eq!(me.status, 401, "{strategy}: {}", me.body);
            assert!(me.json()["error"].as_str().unwrap().contains("revoked"), "{strategy}: {}", me.body);
        }
        assert_eq!(me_bearer(&s.url, &other).status, 200, "{strategy}: another user's token is untouched");
        let again = login(&s.url, "alice").json()["access_token"].as_str().unwrap().to_owned();
        assert_eq!(me_bearer(&s.url, &again).status, 200, "{strategy}: a new login works");
    }
}

#[test]
fn hybrid_mode_answers_with_both_and_accepts_either() {
    let s = serve(&["--mode", "hybrid", "--revocation", "denylist"]);
    let a = login(&s.url, "dave");
    let sid = a.cookie("sid").unwrap();
    let access = a.json()["access_token"].as_str().unwrap().to_owned();
    assert!(a.json()["refresh_token"].is_string());
    let by_cookie = me_cookie(&s.url, &format!("sid={sid}"));
    assert_eq!((by_cookie.status, by_cookie.json()["via"].as_str()), (200, Some("session")));
    let by_token = me_bearer(&s.url, &access);
    assert_eq!((by_token.status, by_token.json()["via"].as_str()), (200, Some("token")));
    assert_eq!(post(&s.url, "/logout", &[("cookie", &format!("sid={sid}"))], None).status, 200);
    assert_eq!(me_cookie(&s.url, &format!("sid={sid}")).status, 401);
    assert_eq!(post(&s.url, "/logout", &[("authorization", &format!("Bearer {access}"))], None).status, 200);
    assert_eq!(me_bearer(&s.url, &access).status, 401);
}

#[test]
fn refresh_rotates_and_a_reused_token_revokes_its_family() {
    let s = serve(&["--mode", "jwt"]);
    let refresh = |token: &str| post(&s.url, "/refresh", &[], Some(&json!({"refresh_token": token})));
    let first = login(&s.url, "alice").json()["refresh_token"].as_str().unwrap().to_owned();
    let bobs = login(&s.url, "bob").json()["refresh_token"].as_str().unwrap().to_owned();
    let r1 = refresh(&first);
    assert_eq!(r1.status, 200, "{}", r1.body);
    let second = r1.json()["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second, first, "rotation: a new refresh token each time");
    let access = r1.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(me_bearer(&s.url, &access).json()["sub"], "alice");
    let r2 = refresh(&second);
    assert_eq!(r2.status, 200, "{}", r2.body);
    let third = r2.json()["refresh_token"].as_str().unwrap().to_owned();
    // The first token again: a replay. Refused, and the whole family dies with it.
    let replay = refresh(&first);
    assert_eq!(replay.status, 401);
    assert!(replay.json()["error"].as_str().unwrap().contains("reused"), "{}", replay.body);
    let after = refresh(&third);
    assert_eq!(after.status, 401, "the newest token of the family is revoked too");
    assert!(after.json()["error"].as_str().unwrap().contains("family revoked"), "{}", after.body);
    assert_eq!(refresh(&bobs).status, 200, "another family is untouched");
    assert_eq!(refresh("no-such-token").status, 401);
    assert_eq!(post(&s.url, "/refresh", &[], Some(&json!({}))).status, 400);
}

fn admin(url: &str, i: usize, action: &str) {
    let a = post(url, &format!("/admin/servers/{i}/{action}"), &[], None);
    assert_eq!(a.status, 200, "{action} {i}: {}", a.body);
}

#[test]
fn failover_with_a_shared_store_keeps_every_user_served() {
    let s = serve(&["--mode", "session", "--servers", "2"]);
    let cookie = format!("sid={}", login(&s.url, "alice").cookie("sid").unwrap());
    admin(&s.url, 0, "stop");
    let status = get(&s.url, "/admin/servers", &[]).json();
    assert_eq!(status["servers"][0]["running"], false);
    assert_eq!(status["servers"][1]["running"], true);
    for _ in 0..4 {
        let me = me_cookie(&s.url, &cookie);
        assert_eq!((me.status, me.json()["server"].as_u64()), (200, Some(1)), "{}", me.body);
    }
    admin(&s.url, 0, "start");
    let servers: std::collections::BTreeSet<u64> =
        (0..4).map(|_| me_cookie(&s.url, &cookie).json()["server"].as_u64().unwrap()).collect();
    assert!(servers.contains(&0), "server 0 serves again after its restart");
    admin(&s.url, 0, "stop");
    admin(&s.url, 1, "stop");
    assert_eq!(me_cookie(&s.url, &cookie).status, 503, "no server left: the balancer says so");
    assert_eq!(post(&s.url, "/admin/servers/7/stop", &[], None).status, 400);
}

#[test]
fn failover_with_sticky_per_server_stores_loses_that_servers_sessions() {
    let s = serve(&["--mode", "session", "--servers", "2", "--sticky", "--store", "per-server"]);
    let a = login(&s.url, "alice");
    let pin: usize = a.cookie("lb").unwrap().parse().unwrap();
    assert_eq!(a.json()["server"].as_u64(), Some(pin as u64));
    let cookie = format!("sid={}; lb={pin}", a.cookie("sid").unwrap());
    for _ in 0..4 {
        let me = me_cookie(&s.url, &cookie);
        assert_eq!((me.status, me.json()["server"].as_u64()), (200, Some(pin as u64)), "pinned: {}", me.body);
    }
    admin(&s.url, pin, "stop");
    let me = me_cookie(&s.url, &cookie);
    assert_eq!(me.status, 401, "the other server never saw this session: {}", me.body);
    assert_eq!(me.header("x-tokenbench-server"), Some(&*(1 - pin).to_string()));
    assert_eq!(me.cookie("lb"), Some((1 - pin).to_string()), "re-pinned to the server that answered");
    admin(&s.url, pin, "start");
    assert_eq!(me_cookie(&s.url, &cookie).status, 401, "a restarted server's memory is empty");
    let again = login(&s.url, "alice");
    assert_eq!(again.status, 200);
}

#[test]
fn bounds_refuse_large_bodies_and_heads() {
    let s = serve(&["--mode", "jwt"]);
    let big = json!({"user": "alice", "password": "x".repeat(20_000)});
    assert_eq!(post(&s.url, "/login", &[], Some(&big)).status, 413);
    // An oversize head, over a raw socket (a client library may refuse to send it).
    let addr = s.url.trim_start_matches("http://");
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let head = format!("GET /me HTTP/1.1\r\nHost: {addr}\r\nX-Long: {}\r\n\r\n", "a".repeat(40_000));
    let _ = tcp.write_all(head.as_bytes());
    let mut answer = String::new();
    let _ = tcp.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 431"), "an oversize head is refused: {answer:?}");
    // The server is still there.
    assert_eq!(login(&s.url, "alice").status, 200);
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    for (args, flag) in [
        (&["serve", "--mode", "cookie"][..], "--mode"),
        (&["serve"][..], "--mode"),
        (&["serve", "--mode", "jwt", "--store", "mongo://x"][..], "--store"),
        (&["serve", "--mode", "jwt", "--store", "redis://nohost"][..], "--store"),
        (&["serve", "--mode", "jwt", "--revocation", "sometimes"][..], "--revocation"),
        (&["serve", "--mode", "jwt", "--accept-attacks", "none,bogus"][..], "--accept-attacks"),
        (&["serve", "--mode", "jwt", "--accept-attacks", "none,none"][..], "--accept-attacks"),
        (&["serve", "--mode", "session", "--accept-attacks", "none"][..], "--accept-attacks"),
        (&["serve", "--mode", "session", "--revocation", "denylist"][..], "--revocation"),
        (&["serve", "--mode", "jwt", "--store", "redis://user:pw@127.0.0.1:6379/0"][..], "without a user or password"),
        (&["serve", "--mode", "jwt", "--servers", "0"][..], "--servers"),
        (&["serve", "--mode", "jwt", "--servers", "17"][..], "--servers"),
        (&["serve", "--mode", "jwt", "--for", "-1"][..], "--for"),
        (&["serve", "--mode", "jwt", "--listen", "localhost"][..], "--listen"),
        (&["serve", "--mode", "jwt", "--listen", "0.0.0.0:0"][..], "--listen"),
        (
            &["serve", "--mode", "jwt", "--listen", "0.0.0.0:0", "--allow-remote", "--accept-attacks", "none"][..],
            "--listen",
        ),
        (&["serve", "--mode", "jwt", "--key", "/nonexistent/key.pem"][..], "/nonexistent/key.pem"),
    ] {
        let o = bin().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(flag), "{args:?} should name {flag}: {err}");
    }
}

#[test]
fn for_stops_the_process_by_itself() {
    let mut s = serve(&["--mode", "session", "--for", "1"]);
    let started = Instant::now();
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0));
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "serve --for 1 still running");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn requests_are_logged_to_stderr() {
    let s = serve(&["--mode", "session"]);
    let sid = login(&s.url, "alice").cookie("sid").unwrap();
    assert_eq!(me_cookie(&s.url, &format!("sid={sid}")).status, 200);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let err = s.stderr.lock().unwrap().clone();
        if err.contains("GET /me Cookie: sid=") && err.contains("POST /login") {
            assert!(err.contains("-> 200 (server "), "{err}");
            assert!(!err.contains(&sid), "the whole session id stays out of the log: {err}");
            break;
        }
        assert!(Instant::now() < deadline, "no log line: {err}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What a page on another site could make a browser send is refused: a login posted as a form
/// or text (415: only JSON declared as such), an admin request whose Host or Origin names
/// another site (403, DNS rebinding); a body declared too large is refused before it is sent.
#[test]
fn cross_site_requests_and_declared_large_bodies_are_refused_at_once() {
    let s = serve(&["--mode", "session"]);
    let form = post(&s.url, "/login", &[("content-type", "text/plain")], None);
    assert_eq!(form.status, 415, "{}", form.body);
    assert!(form.body.contains("Content-Type: application/json"), "{}", form.body);
    for headers in [&[("host", "evil.example")][..], &[("origin", "http://evil.example")][..]] {
        let a = post(&s.url, "/admin/servers/0/stop", headers, None);
        assert_eq!(a.status, 403, "{headers:?}: {}", a.body);
    }
    assert_eq!(get(&s.url, "/admin/servers", &[("origin", "http://localhost:3000")]).status, 200);

    let addr = s.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = Instant::now();
    stream
        .write_all(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\nx")
        .unwrap();
    let mut answer = [0u8; 64];
    let n = stream.read(&mut answer).unwrap();
    assert!(
        String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 413"),
        "{:?}",
        String::from_utf8_lossy(&answer[..n])
    );
    assert!(started.elapsed() < Duration::from_secs(3), "refused before the body is waited for");
}

/// With --allow-remote only the balancer faces the network: the app servers stay on loopback.
#[test]
fn app_servers_listen_on_loopback_whatever_the_balancer_does() {
    let mut child = bin()
        .args(["serve", "--mode", "session", "--listen", "0.0.0.0:0", "--allow-remote", "--for", "20"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let ready: serde_json::Value = serde_json::from_str(&line).unwrap();
    for server in ready["servers"].as_array().unwrap() {
        assert!(server.as_str().unwrap().starts_with("http://127.0.0.1:"), "{ready}");
    }
    assert!(ready["store_round_trip_us"].as_f64().is_some_and(|us| us > 0.0), "{ready}");
}
