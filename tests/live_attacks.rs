//! `tokenbench serve --accept-attacks`: each value accepts exactly its forgery (built by the
//! engine's `forge` from a real token of that server) and no other, says so on every response,
//! and the strict server refuses every forgery.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod live_common;

use std::io::{Read as _, Write as _};

use live_common::{get, login, me_bearer, serve};
use serde_json::json;
use tokenbench::core::engine::forge::{self, Attack};
use tokenbench::core::engine::keys::Curve;
use tokenbench::core::engine::sign::{self, ExportFormat, KeySpec};
use tokenbench::core::engine::token;

/// Serves `body` as JSON to every connection on a loopback port; returns the URL.
fn serve_jwks(body: String) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/jwks.json", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    url
}

/// The jku forgery with its `jku` on a loopback URL that serves the attacker's JWKS.
fn loopback_jku_forgery(honest: &token::Token) -> String {
    let key = sign::generate(KeySpec::Ec(Curve::P256)).unwrap();
    let url = serve_jwks(sign::export(&key, ExportFormat::Jwks, false).unwrap());
    let mut header = honest.header().clone();
    header.insert("jku".into(), json!(url));
    header.insert("kid".into(), json!(key.thumbprint));
    let payload = token::decode_b64url(honest.payload_b64()).unwrap();
    sign::sign_payload(&header, &payload, "ES256", &key).unwrap()
}

/// Every forgery of a real token of the server at `url`.
fn forgeries(url: &str) -> Vec<(Attack, String)> {
    let access = login(url, "alice").json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(me_bearer(url, &access).status, 200, "the honest token is accepted");
    let honest = token::parse(&access).unwrap();
    let pem = get(url, "/.well-known/public-key.pem", &[]).body;
    Attack::ALL
        .into_iter()
        .map(|a| {
            let t = if a == Attack::Jku {
                loopback_jku_forgery(&honest)
            } else {
                forge::forge(&honest, a, Some(pem.as_bytes()), &[]).unwrap().token
            };
            (a, t)
        })
        .collect()
}

#[test]
fn the_strict_server_refuses_every_forgery() {
    let s = serve(&["--mode", "jwt"]);
    for (attack, forged) in forgeries(&s.url) {
        let me = me_bearer(&s.url, &forged);
        assert_eq!(me.status, 401, "{attack:?} accepted by the strict server: {}", me.body);
        assert!(me.header("x-tokenbench-vulnerable").is_none());
    }
}

#[test]
fn each_accepted_attack_lets_in_exactly_its_forgery() {
    for accepted in Attack::ALL {
        let s = serve(&["--mode", "jwt", "--accept-attacks", accepted.name()]);
        let warning = s.ready["accept_attacks"].clone();
        assert_eq!(warning, json!([accepted.name()]));
        for (attack, forged) in forgeries(&s.url) {
            let me = me_bearer(&s.url, &forged);
            let header = me.header("x-tokenbench-vulnerable").unwrap_or_default().to_owned();
            assert!(header.contains("vulnerable on purpose") && header.contains(accepted.name()), "{header}");
            if attack == accepted {
                assert_eq!(me.status, 200, "{accepted:?} server refused its own forgery: {}", me.body);
                assert_eq!(me.json()["forgery_accepted"], accepted.name());
                assert_eq!(me.json()["sub"], "alice");
            } else {
                assert_eq!(me.status, 401, "{accepted:?} server accepted the {attack:?} forgery: {}", me.body);
            }
        }
        // Every response says so, the balancer's own and the app servers' alike.
        assert!(get(&s.url, "/nowhere", &[]).header("x-tokenbench-vulnerable").is_some());
        assert!(get(&s.servers[0], "/health", &[]).header("x-tokenbench-vulnerable").is_some());
    }
}

#[test]
fn several_attacks_at_once_and_jku_only_from_loopback() {
    let s = serve(&["--mode", "jwt", "--accept-attacks", "none,jku,psychic"]);
    let all = forgeries(&s.url);
    for (attack, forged) in &all {
        let expect = if matches!(attack, Attack::None | Attack::Jku | Attack::Psychic) { 200 } else { 401 };
        assert_eq!(me_bearer(&s.url, forged).status, expect, "{attack:?}");
    }
    // forge's own jku points at attacker.invalid: never fetched, refused.
    let access = login(&s.url, "bob").json()["access_token"].as_str().unwrap().to_owned();
    let remote = forge::forge(&token::parse(&access).unwrap(), Attack::Jku, None, &[]).unwrap();
    assert_eq!(me_bearer(&s.url, &remote.token).status, 401);
}
