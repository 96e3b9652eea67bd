//! The security subcommands' contract: `audit`, `crack` and `forge` exit codes and JSON shapes,
//! and every forged token rejected by `tokenbench verify` with the original key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::io::Write;
use std::process::Output;

use serde_json::json;
use tokenbench::core::engine::keys::{self, SecretEncoding};
use tokenbench::core::engine::sign::sign;
use tokenbench::core::engine::token::{JsonObject, encode_b64url};

mod common;
use common::{asset, bin, code, json_out, key, obj, run, stdout, temp};

const AT: &str = "1700000000";

fn clean_claims() -> JsonObject {
    obj(
        json!({"iss": "https://issuer.example", "sub": "alice", "aud": "api", "iat": 1_699_999_940, "exp": 1_700_003_540}),
    )
}

fn hs(secret: &[u8], alg: &str, claims: &JsonObject) -> String {
    let k = keys::load_secret(secret, SecretEncoding::Raw, "t").unwrap();
    sign(&obj(json!({"typ": "JWT"})), claims, alg, &k).unwrap()
}

#[test]
fn audit_json_shape_and_exit_codes() {
    // Clean ES256 token: no findings, exit 0.
    let clean = sign(&obj(json!({"typ": "JWT"})), &clean_claims(), "ES256", &key("ec-p256-pkcs8.pem")).unwrap();
    let o = run(&["audit", "--json", "--at", AT, &clean]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // Without a key the signature was not judged: said once, as info.
    let f = &json_out(&o)["findings"];
    assert_eq!(f.as_array().unwrap().len(), 1, "{f}");
    assert_eq!((f[0]["id"].as_str(), f[0]["severity"].as_str()), (Some("signature-not-judged"), Some("info")));
    // A strong HS256 secret: only the info finding, still exit 0.
    let strong = hs(&[0x42; 32], "HS256", &clean_claims());
    let o = run(&["audit", "--json", "--at", AT, &strong]);
    assert_eq!(code(&o), 0);
    let f = &json_out(&o)["findings"];
    assert_eq!(f.as_array().unwrap().len(), 2, "{f}");
    let keys: Vec<&String> = f[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "severity", "message", "reference"]);
    assert_eq!((f[0]["id"].as_str(), f[0]["severity"].as_str()), (Some("symmetric-alg"), Some("info")));
    // A default secret, no exp, read out of a URL fragment: high and medium findings, exit 1.
    let weak = hs(b"secret", "HS256", &obj(json!({"sub": "alice", "aud": "api"})));
    let o = run(&["audit", "--json", "--at", AT, &format!("https://app.example/cb#state=x&id_token={weak}")]);
    assert_eq!(code(&o), 1);
    let ids: Vec<String> =
        json_out(&o)["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, ["weak-secret", "missing-exp", "token-in-url", "symmetric-alg", "signature-not-judged"]);
    // Only low findings (no aud): exit 0.
    let no_aud =
        sign(&obj(json!({})), &obj(json!({"exp": 1_700_000_600})), "ES256", &key("ec-p256-pkcs8.pem")).unwrap();
    let o = run(&["audit", "--at", AT, &no_aud]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("[LOW   ] missing-aud"), "{}", stdout(&o));
    // Unusable input: exit 2.
    assert_eq!(code(&run(&["audit", "not.a.token"])), 2);
    let o = run(&["audit", "https://app.example/cb?state=xyz&code=abc"]);
    assert_eq!(code(&o), 2);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no JWT found in this URL"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(code(&run(&["audit", "--key", "/nonexistent.pem", &strong])), 2);
    assert_eq!(code(&run(&["audit", "--wordlist", "/nonexistent.txt", &strong])), 2);
    // --at is judged as verify judges it: finite, within years 1 to 9999.
    for bad in ["nan", "inf", "-inf", "1e300", "1e400", "-1e300", "soon"] {
        let o = run(&["audit", "--at", bad, &strong]);
        assert_eq!(code(&o), 2, "--at {bad}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("--at"), "{bad}");
        assert_eq!(code(&run(&["audit", "--at", bad, "--cookie", "sid=x"])), 2, "--at {bad} --cookie");
    }
    assert_eq!(code(&run(&["audit", "--at", "-1.5", &strong])), 0, "1969 is a usable instant");
}

#[test]
fn audit_uses_the_given_wordlist_and_loaded_secrets() {
    let t = hs(b"corp-2019-signing", "HS384", &clean_claims());
    let list = temp("audit-list.txt");
    std::fs::write(&list, "a\nb\ncorp-2019-signing\n").unwrap();
    let o = run(&["audit", "--json", "--at", AT, &t]);
    assert!(!stdout(&o).contains("weak-secret"), "not in the bundled list");
    let o = run(&["audit", "--json", "--at", AT, "--wordlist", list.to_str().unwrap(), &t]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("\\\"corp-2019-signing\\\", found in the given wordlist"), "{}", stdout(&o));
    let o = run(&["audit", "--json", "--at", AT, "--secret", "corp-2019-signing", &t]);
    assert!(stdout(&o).contains("136 bits, shorter than the 384 bits"), "{}", stdout(&o));
    // The secret in the other two forms verify and open take: the same finding.
    let o = run(&["audit", "--json", "--at", AT, "--secret-base64", &encode_b64url(b"corp-2019-signing"), &t]);
    assert!(stdout(&o).contains("136 bits, shorter than the 384 bits"), "{}", stdout(&o));
    let secret_file = temp("audit-secret.bin");
    std::fs::write(&secret_file, b"corp-2019-signing").unwrap();
    let o = run(&["audit", "--json", "--at", AT, "--secret-file", secret_file.to_str().unwrap(), &t]);
    assert!(stdout(&o).contains("136 bits, shorter than the 384 bits"), "{}", stdout(&o));
    // And compare verifies with it.
    let o = run(&["compare", "--json", "--at", AT, "--token", &t, "--secret-file", secret_file.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let keys = &json_out(&o)["keys"];
    assert!(keys[0].as_str().unwrap().ends_with("HMAC secret (136 bits); the secret is not written"), "{keys}");
    let bad = run(&["audit", "--json", "--at", AT, "--secret-base64", "not base64!", &t]);
    assert_eq!(code(&bad), 2, "an unusable secret is unusable input");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--secret-base64"));
    std::fs::remove_file(list).unwrap();
    std::fs::remove_file(secret_file).unwrap();
}

#[test]
fn audit_wordlists_are_checked_for_every_token_and_read_only_in_part() {
    // A list that cannot be read is exit 2 whatever the token, not only for HS tokens.
    let rs = sign(&obj(json!({"typ": "JWT"})), &clean_claims(), "RS256", &key("rsa2048-pkcs8.pem")).unwrap();
    let jwe = format!(
        "{}.AAAA.AAAAAAAAAAAAAAAA.AAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        encode_b64url(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#)
    );
    for t in [rs.as_str(), jwe.as_str()] {
        let o = run(&["audit", "--at", AT, "--wordlist", "/nonexistent/list.txt", t]);
        assert_eq!(code(&o), 2, "{}", stdout(&o));
        assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/list.txt"));
    }
    // An endless list: the quick check reads its first 16 MiB and says the search was partial.
    let strong = hs(&[0x42; 32], "HS256", &clean_claims());
    let o = run(&["audit", "--json", "--at", AT, "--wordlist", "/dev/zero", &strong]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let partial = json_out(&o)["findings"].as_array().unwrap().iter().any(|f| {
        f["id"] == "weak-secret" && f["severity"] == "info" && f["message"].as_str().unwrap().contains("first 16 MiB")
    });
    assert!(partial, "{}", stdout(&o));
}

#[test]
fn audit_judges_the_strength_of_the_keys_given() {
    let rs = sign(&obj(json!({"typ": "JWT"})), &clean_claims(), "RS256", &key("rsa2048-pkcs8.pem")).unwrap();
    let o = run(&["audit", "--json", "--at", AT, "--key", asset("rsa1024-pkcs8.pem").to_str().unwrap(), &rs]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    // That key is weak, and it is not the token's key either: both high.
    let f = &json_out(&o)["findings"];
    assert_eq!((f[0]["id"].as_str(), f[0]["severity"].as_str()), (Some("bad-signature"), Some("high")));
    assert_eq!((f[1]["id"].as_str(), f[1]["severity"].as_str()), (Some("weak-key"), Some("high")));
    let o = run(&["audit", "--at", AT, "--key", asset("rsa2048-spki.pem").to_str().unwrap(), &rs]);
    assert_eq!((code(&o), stdout(&o).as_str()), (0, "No findings.\n"));
    // A secret cannot verify an RS256 token: given only that, the signature is not verified
    // (high, exit 1), and the secret is named as not this token's key, never judged for length.
    let o = run(&["audit", "--json", "--at", AT, "--secret", "short", &rs]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let f = &json_out(&o)["findings"];
    assert_eq!(f.as_array().unwrap().len(), 2, "{f}");
    assert_eq!((f[0]["id"].as_str(), f[0]["severity"].as_str()), (Some("bad-signature"), Some("high")));
    assert_eq!((f[1]["id"].as_str(), f[1]["severity"].as_str()), (Some("key-not-used"), Some("info")));
    let message = f[1]["message"].as_str().unwrap();
    assert!(
        message.ends_with("\"RS256\" is verified with an RSA key, so these are not this token's keys"),
        "{message}"
    );
}

#[test]
fn audit_cookie_checks() {
    let good = "Set-Cookie: __Host-sid=Qk7yX2m9V1pZ8rT4wL0nC3hJ6dF5sA2e; Path=/; Secure; HttpOnly; SameSite=Strict";
    let o = run(&["audit", "--json", "--cookie", good]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(json_out(&o), json!({"findings": []}));
    let o = run(&["audit", "--json", "--at", AT, "--cookie", "Set-Cookie: sid=1042; SameSite=None; Max-Age=63072000"]);
    assert_eq!(code(&o), 1);
    let ids: Vec<String> =
        json_out(&o)["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(
        ids,
        [
            "session-id-low-entropy",
            "cookie-no-httponly",
            "cookie-no-secure",
            "cookie-samesite-none-insecure",
            "cookie-long-lived",
            "session-id-short"
        ]
    );
    let o = run(&["audit", "--cookie", "sid=Qk7yX2m9V1pZ8rT4wL0nC3hJ6dF5sA2e; Secure; HttpOnly"]);
    assert_eq!(code(&o), 0, "only cookie-no-samesite, which is low");
    assert!(stdout(&o).contains("cookie-no-samesite"));
    assert_eq!(code(&run(&["audit", "--cookie", "Set-Cookie: garbage"])), 2);
    assert_eq!(code(&run(&["audit"])), 2, "a token or --cookie is required");
}

#[test]
fn crack_finds_reports_and_refuses() {
    let t = hs(b"changeme", "HS256", &clean_claims());
    let o = run(&["crack", &t]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "changeme\n");
    let o = run(&["crack", "--json", "--threads", "1", &t]);
    assert_eq!(code(&o), 0);
    let v = json_out(&o);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["found", "secret", "candidates", "elapsed_ms", "candidates_per_second", "secret_hex", "secret_base64url"]
    );
    assert_eq!((v["found"].as_bool(), v["secret"].as_str()), (Some(true), Some("changeme")));
    assert_eq!(
        (v["secret_hex"].as_str(), v["secret_base64url"].as_str()),
        (Some("6368616e67656d65"), Some("Y2hhbmdlbWU"))
    );
    assert!(v["candidates"].as_u64().unwrap() >= 1);
    // Not found: exit 1, secret null.
    let strong = hs(&[0x42; 32], "HS512", &clean_claims());
    let o = run(&["crack", "--json", &strong]);
    assert_eq!(code(&o), 1);
    let v = json_out(&o);
    assert_eq!((v["found"].as_bool(), v["secret"].is_null()), (Some(false), true));
    assert!(v["secret_hex"].is_null() && v["secret_base64url"].is_null());
    let lines = tokenbench::core::engine::crack::BUNDLED_WORDLIST.lines().filter(|l| !l.is_empty()).count() as u64;
    assert_eq!(v["candidates"].as_u64(), Some(lines + 1), "the empty secret, then every bundled line");
    // Rules: "Changeme2024" from "changeme".
    let t = hs(b"Changeme2024", "HS256", &clean_claims());
    assert_eq!(code(&run(&["crack", &t])), 1);
    let o = run(&["crack", "--rules", &t]);
    assert_eq!((code(&o), stdout(&o).as_str()), (0, "Changeme2024\n"));
    // Unusable: not an HS token, unreadable list, zero threads, not a token.
    let rs = sign(&obj(json!({})), &clean_claims(), "RS256", &key("rsa2048-pkcs8.pem")).unwrap();
    let o = run(&["crack", &rs]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("only HS256, HS384 and HS512"));
    assert_eq!(code(&run(&["crack", "--wordlist", "/nonexistent.txt", &t])), 2);
    assert_eq!(code(&run(&["crack", "--threads", "0", &t])), 2);
    for many in ["257", "1000000", "18446744073709551616"] {
        let o = run(&["crack", "--threads", many, &t]);
        assert_eq!(code(&o), 2, "--threads {many}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("256"), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(code(&run(&["crack", "x.y"])), 2);
}

#[test]
fn crack_finds_the_last_line_of_a_million_line_wordlist() {
    let path = temp("million.txt");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..999_999 {
        writeln!(f, "guess{i}").unwrap();
    }
    writeln!(f, "needle-at-line-1000000\r").unwrap();
    drop(f);
    let t = hs(b"needle-at-line-1000000", "HS256", &clean_claims());
    let o = run(&["crack", "--json", "--threads", "2", "--wordlist", path.to_str().unwrap(), &t]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let v = json_out(&o);
    assert_eq!(v["secret"], "needle-at-line-1000000", "the trailing CR is removed");
    assert!(v["candidates"].as_u64().unwrap() > 900_000);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn crack_reads_a_slow_pipe_and_skips_only_overlong_lines() {
    use std::process::Stdio;
    // The writer flushes half a line, pauses, then sends the rest: the read in between returns
    // 9 bytes without a newline, which is not an overlong line.
    let t = hs(b"the-real-secret-at-the-end", "HS256", &clean_claims());
    let mut child = bin()
        .args(["crack", "--wordlist", "/dev/stdin", &t])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"the-real-").unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    stdin.write_all(b"secret-at-the-end\nb\n").unwrap();
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        (code(&o), stdout(&o).as_str()),
        (0, "the-real-secret-at-the-end\n"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // A sparse file: megabytes of zeros without a newline, then the secret on the last line.
    let path = temp("sparse.txt");
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(b"a\n").unwrap();
    f.set_len(5 << 20).unwrap();
    std::io::Seek::seek(&mut f, std::io::SeekFrom::End(0)).unwrap();
    f.write_all(b"\nsecret-after-the-zeros").unwrap();
    drop(f);
    let t = hs(b"secret-after-the-zeros", "HS256", &clean_claims());
    let o = run(&["crack", "--wordlist", path.to_str().unwrap(), &t]);
    assert_eq!((code(&o), stdout(&o).as_str()), (0, "secret-after-the-zeros\n"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("skipped 1 line longer than 65536 bytes"));
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_secret_that_is_not_plain_text_is_printed_in_hex_and_feeds_back() {
    let list = temp("binary-list.txt");
    let secrets: [&[u8]; 3] = [&[0xff, 0xe1, 0x00, b'a'], b"esc\x1b]0;x\x07", "rtl\u{202e}txt".as_bytes()];
    std::fs::write(&list, [b"nope\n", secrets[0], b"\n", secrets[1], b"\n", secrets[2], b"\n"].concat()).unwrap();
    for secret in secrets {
        let t = hs(secret, "HS256", &clean_claims());
        let o = run(&["crack", "--wordlist", list.to_str().unwrap(), &t]);
        let hex = tokenbench::core::engine::crack::to_hex(secret);
        assert_eq!((code(&o), stdout(&o)), (0, format!("hex:{hex}\n")));
        let b64 = encode_b64url(secret);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(&format!("--secret-base64 {b64}")), "{err}");
        let o = run(&["crack", "--json", "--wordlist", list.to_str().unwrap(), &t]);
        let v = json_out(&o);
        assert_eq!(v["secret"], format!("hex:{hex}"));
        assert_eq!(
            (v["secret_hex"].as_str(), v["secret_base64url"].as_str()),
            (Some(hex.as_str()), Some(b64.as_str()))
        );
        // What was printed verifies the token.
        let o = run(&["verify", "--at", AT, "--secret-base64", v["secret_base64url"].as_str().unwrap(), &t]);
        assert_eq!(code(&o), 0, "{}", stdout(&o));
    }
    std::fs::remove_file(list).unwrap();
}

fn forge(args: &[&str]) -> Output {
    run(&[&["forge"], args].concat())
}

#[test]
fn every_forged_token_is_rejected_by_verify_with_the_original_key() {
    let rsa_pub = asset("rsa2048-spki.pem");
    let rs =
        sign(&obj(json!({"typ": "JWT", "kid": "k1"})), &clean_claims(), "RS256", &key("rsa2048-pkcs8.pem")).unwrap();
    let v = run(&["verify", "--at", AT, "--key", rsa_pub.to_str().unwrap(), &rs]);
    assert_eq!(code(&v), 0, "the original verifies");
    for attack in ["none", "none-case", "confusion", "embedded-jwk", "jku", "kid-traversal", "psychic", "tamper"] {
        let o = forge(&["--attack", attack, "--key", rsa_pub.to_str().unwrap(), "--set", "sub=\"root\"", &rs]);
        assert_eq!(code(&o), 0, "{attack}: {}", String::from_utf8_lossy(&o.stderr));
        let forged = stdout(&o).trim().to_owned();
        assert_eq!(forged.split('.').count(), 3, "{attack}");
        let v = run(&["verify", "--json", "--at", AT, "--key", rsa_pub.to_str().unwrap(), &forged]);
        assert_eq!(code(&v), 1, "{attack} must be rejected: {}", stdout(&v));
        assert_eq!(json_out(&v)["valid"], false);
        let d = run(&["decode", "--json", &forged]);
        assert_eq!(json_out(&d)["claims"]["sub"], "root", "{attack}: --set applied before signing");
    }
}

#[test]
fn forge_json_set_values_and_missing_key() {
    let rs = sign(&obj(json!({"typ": "JWT"})), &clean_claims(), "RS256", &key("rsa2048-pkcs8.pem")).unwrap();
    let o = forge(&["--attack", "confusion", &rs]);
    assert_eq!(code(&o), 2, "confusion needs --key");
    assert!(String::from_utf8_lossy(&o.stderr).contains("--key"));
    let o = forge(&["--json", "--attack", "jku", "--set", "admin=true", "--set", "n=42", "--set", "name=Mallory", &rs]);
    assert_eq!(code(&o), 0);
    let v = json_out(&o);
    assert_eq!(v["attack"], "jku");
    assert_eq!(v["header"]["jku"], "https://attacker.invalid/jwks.json");
    assert_eq!(
        (v["claims"]["admin"].clone(), v["claims"]["n"].clone(), v["claims"]["name"].clone()),
        (json!(true), json!(42), json!("Mallory"))
    );
    assert_eq!(v["attacker_jwks"]["keys"][0]["kid"], v["header"]["kid"]);
    for k in ["token", "vulnerable_verifier", "why_rejected", "defence", "reference"] {
        assert!(v[k].is_string(), "{k}");
    }
    let o = forge(&["--attack", "kid-traversal", &rs]);
    let t = stdout(&o);
    let header = t.split('.').next().unwrap();
    assert_eq!(header, encode_b64url(br#"{"alg":"HS256","typ":"JWT","kid":"../../../../../../dev/null"}"#));
    assert_eq!(code(&forge(&["--attack", "bogus", &rs])), 2);
    assert_eq!(code(&forge(&["--attack", "tamper", "--set", "novalue", &rs])), 2);
    assert_eq!(code(&forge(&["--attack", "confusion", "--key", "/nonexistent.pem", &rs])), 2);
    // The confusion attack with the HMAC secret file of an HS token would just re-sign it.
    let secret_file = asset("hs256-secret.bin");
    let t = hs(&std::fs::read(&secret_file).unwrap(), "HS256", &clean_claims());
    let o = forge(&["--attack", "confusion", "--key", secret_file.to_str().unwrap(), &t]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("keys HMAC with a public key's bytes; give the RS/ES/EdDSA"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Bounded like every key input: a device is refused after 10 MiB, a huge sparse file from its size.
    let o = forge(&["--attack", "confusion", "--key", "/dev/zero", &rs]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("larger than"), "{}", String::from_utf8_lossy(&o.stderr));
    let sparse = temp("sparse.pem");
    std::fs::File::create(&sparse).unwrap().set_len(1 << 40).unwrap();
    let o = forge(&["--attack", "confusion", "--key", sparse.to_str().unwrap(), &rs]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("larger than"));
    std::fs::remove_file(sparse).unwrap();
}

#[test]
fn hostile_token_text_never_reaches_the_terminal_raw() {
    // A kid carrying a terminal escape and a bidi override: the kid-injection finding quotes it.
    let header = obj(json!({"kid": "x\u{1b}]0;pwned\u{7}\u{202e}../../etc/passwd"}));
    let k = keys::load_secret(b"a-very-long-and-random-secret-value-0123456789", SecretEncoding::Raw, "t").unwrap();
    let t = sign(&header, &clean_claims(), "HS256", &k).unwrap();
    for args in [vec!["audit", "--at", AT, t.as_str()], vec!["audit", "--json", "--at", AT, t.as_str()]] {
        let o = run(&args);
        assert_eq!(code(&o), 1, "kid-injection is medium");
        let text = stdout(&o);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{7}'), "{text:?}");
        assert!(text.contains("kid-injection"), "{text}");
        if args.contains(&"--json") {
            json_out(&o);
        }
    }
}

/// Every character a terminal obeys or a reader is fooled by, and a line feed followed by a
/// fake finding.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{9b}31m\u{202e}gnp.exe\n[HIGH  ] fake-finding: trust me";

/// Asserts text that reached the terminal carries none of [`HOSTILE`]'s characters raw.
fn assert_clean(what: &str, text: &[u8]) {
    let text = String::from_utf8_lossy(text);
    for c in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(!text.contains(c), "{what}: U+{:04X} raw in {text:?}", u32::from(c));
    }
    assert!(!text.lines().any(|l| l.starts_with("[HIGH  ] fake")), "{what}: a forged line in {text:?}");
}

#[test]
fn hostile_names_and_values_are_escaped_on_stdout_and_stderr() {
    // The token's alg, echoed by crack's refusal.
    let k = keys::load_secret(&[3; 32], SecretEncoding::Raw, "t").unwrap();
    let mut header = obj(json!({"typ": "JWT"}));
    let t = sign(&header, &clean_claims(), "HS256", &k).unwrap();
    header.insert("alg".into(), json!(HOSTILE));
    let parts: Vec<&str> = t.split('.').collect();
    let evil_alg =
        format!("{}.{}.{}", encode_b64url(serde_json::to_string(&header).unwrap().as_bytes()), parts[1], parts[2]);
    let o = run(&["crack", &evil_alg]);
    assert_eq!(code(&o), 2);
    assert_clean("crack alg", &o.stderr);
    assert!(String::from_utf8_lossy(&o.stderr).contains("\\u{1b}]0;pwned"), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&["audit", "--at", AT, &evil_alg]);
    assert_clean("audit alg", &o.stdout);
    // The kid (array form too) and a claim name.
    let header = obj(json!({"kid": HOSTILE}));
    let t = sign(&header, &obj(json!({HOSTILE: "4111 1111 1111 1111", "exp": 1_700_000_600})), "HS256", &k).unwrap();
    for args in [vec!["audit", "--at", AT, &t], vec!["audit", "--json", "--at", AT, &t]] {
        let o = run(&args);
        assert_clean("audit kid", &o.stdout);
        assert_clean("audit kid", &o.stderr);
    }
    // A cookie's name and value: the line feed in the name cannot start a finding line.
    // (';' separates attributes, so the OSC sequence here ends its title with ',' instead.)
    let h = HOSTILE.replace(';', ",");
    let cookie = format!("Set-Cookie: sid{h}={h}; Expires={h}");
    let o = run(&["audit", "--at", AT, "--cookie", &cookie]);
    assert_eq!(code(&o), 1);
    assert_clean("cookie", &o.stdout);
    assert!(stdout(&o).lines().all(|l| l.starts_with('[')), "{}", stdout(&o));
    let o = run(&["audit", "--cookie", HOSTILE]);
    assert_eq!(code(&o), 2);
    assert_clean("cookie error", &o.stderr);
    // File names in errors.
    let missing = format!("/nonexistent/{HOSTILE}");
    for args in [
        vec!["crack", "--wordlist", &missing, &t],
        vec!["audit", "--wordlist", &missing, &t],
        vec!["audit", "--key", &missing, &t],
        vec!["verify", "--key", &missing, &t],
        vec!["forge", "--attack", "confusion", "--key", &missing, &t],
        vec!["decode", &format!("@{missing}")],
        vec!["key", "inspect", &missing],
    ] {
        let o = run(&args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert_clean(args[0], &o.stderr);
        assert!(String::from_utf8_lossy(&o.stderr).contains("pwned"), "{args:?}: the name is shown, escaped");
    }
    // Clap's own errors echo the value.
    for args in [
        vec!["crack", "--threads", HOSTILE, &t],
        vec!["forge", "--attack", HOSTILE, &t],
        vec!["decode", "--bogus", HOSTILE],
    ] {
        let o = run(&args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert_clean("clap", &o.stderr);
    }
    let o = run(&["crack", "--threads", HOSTILE, &t]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("invalid value") && err.contains("\\u{202e}"), "{err}");
    // --help still prints as clap prints it, exit 0.
    let o = run(&["crack", "--help"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("--threads"));
}
