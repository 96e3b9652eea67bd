//! `tokenbench scan` over a corpus this file generates: access logs (a query parameter, an
//! Authorization header), a header dump, JSON lines, a HAR file, gzip-rotated logs (two gzip
//! members), a Set-Cookie line, a form body, a hidden folder, a file an `.ignore` file names, a
//! binary file, with tokens signed here (RS256, HS256, ES256, EdDSA; live and expired at a fixed
//! `--at`) and a JWE; and look-alikes (no alg, not JSON, cut short, inside a longer base64 run)
//! that must not be found. Every planted place is asserted exactly (path, line, column,
//! context), and no output ever holds a planted token's signature or a JWE's encrypted parts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use common::{code, json_out, key, obj, run, stderr, stdout, temp_dir};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokenbench::core::engine::keys::{Key, SecretEncoding, load_secret};
use tokenbench::core::engine::sign::sign;

/// The instant every run judges at: 2023-11-14 22:13:20 UTC.
const AT: &str = "1700000000";
/// Live at [`AT`]: expires an hour later (each token lives an hour, from `exp - 3600`).
const FUTURE: i64 = 1_700_003_600;
/// Expired at [`AT`], an hour before.
const PAST: i64 = 1_699_996_400;
/// Between the expired tokens' iat and exp: they are live then.
const BEFORE_PAST: &str = "1699995000";
const SECRET: &str = "a scan test secret, 32 bytes long";

fn secret() -> Key {
    load_secret(SECRET.as_bytes(), SecretEncoding::Utf8, "--secret").unwrap()
}

fn signed(alg: &str, key: &Key, sub: &str, exp: i64) -> String {
    let claims =
        obj(json!({ "iss": "https://issuer.example", "sub": sub, "aud": "api", "iat": exp - 3600, "exp": exp }));
    sign(&obj(json!({ "typ": "JWT" })), &claims, alg, key).unwrap()
}

/// The JWE of RFC 7516 appendix A.2 (the project's sample).
fn jwe() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples/07-jwe-rfc7516.jwt");
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn fingerprint(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().take(8).fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

/// The segments a scan must never print: a JWS's signature, a JWE's encrypted key, IV,
/// ciphertext and tag (the whole token with them).
fn secret_parts(token: &str) -> Vec<String> {
    let parts: Vec<&str> = token.split('.').collect();
    let mut out = vec![token.to_owned()];
    out.extend(
        parts.iter().skip(if parts.len() == 5 { 1 } else { 2 }).filter(|p| p.len() >= 8).map(|p| (*p).to_owned()),
    );
    out
}

fn gzip(members: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in members {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(m.as_bytes()).unwrap();
        out.extend(e.finish().unwrap());
    }
    out
}

/// Every (line, column) where `token` occurs in `content`, 1-based, columns in bytes.
fn places_in(content: &str, token: &str) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for (i, line) in content.split('\n').enumerate() {
        for (at, _) in line.match_indices(token) {
            out.push((i as u64 + 1, at as u64 + 1));
        }
    }
    out
}

/// The planted tokens, by name.
struct Tokens {
    live_rs: String,
    expired_rs: String,
    live_hs: String,
    live_es: String,
    expired_ed: String,
    jwe: String,
    /// In a binary file: found all the same (a database file or a core dump leaks too).
    in_binary: String,
    /// Look-alikes: real tokens that must not be found where they sit.
    inside_run: String,
    no_alg: String,
    not_json: String,
    cut_short: String,
}

impl Tokens {
    fn new() -> Self {
        let rsa = key("rsa2048-pkcs8.pem");
        let hs = secret();
        let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = b64url(br#"{"sub":"lookalike","exp":4102444800}"#);
        let sig = b64url(&[7u8; 32]);
        Self {
            live_rs: signed("RS256", &rsa, "alice", FUTURE),
            expired_rs: signed("RS256", &rsa, "bob", PAST),
            live_hs: signed("HS256", &hs, "carol", FUTURE),
            live_es: signed("ES256", &key("ec-p256-pkcs8.pem"), "dave", FUTURE),
            expired_ed: signed("EdDSA", &key("ed25519-pkcs8.pem"), "erin", PAST),
            jwe: jwe(),
            inside_run: signed("HS256", &hs, "inside-a-run", FUTURE),
            in_binary: signed("HS256", &hs, "in-a-binary-file", FUTURE),
            // {"typ":"JWT"}: JSON, no alg.
            no_alg: format!("{}.{payload}.{sig}", b64url(br#"{"typ":"JWT"}"#)),
            // The header cut inside its JSON.
            not_json: format!("{}.{payload}.{sig}", &header[..16]),
            // Two segments: the signature lost.
            cut_short: format!("{header}.{payload}"),
        }
    }

    fn all(&self) -> Vec<&str> {
        vec![
            &self.live_rs,
            &self.expired_rs,
            &self.live_hs,
            &self.live_es,
            &self.expired_ed,
            &self.jwe,
            &self.inside_run,
            &self.in_binary,
            &self.no_alg,
            &self.not_json,
            &self.cut_short,
        ]
    }
}

/// What a file of the corpus holds (its text, or bytes for the binary and gzip files).
struct Corpus {
    root: PathBuf,
    /// Relative path to the text a scan reads (decompressed for gzip).
    texts: BTreeMap<&'static str, String>,
}

impl Corpus {
    fn write(root: &Path, t: &Tokens) -> Self {
        let mut texts = BTreeMap::new();
        texts.insert(
            "access.log",
            format!(
                "10.0.0.1 - - [14/Nov/2023:22:00:01 +0000] \"GET /api/orders?page=2&access_token={} HTTP/1.1\" 200 512\n\
                 10.0.0.2 - - [14/Nov/2023:22:00:02 +0000] \"GET /health HTTP/1.1\" 200 2\n\
                 10.0.0.3 - - [14/Nov/2023:22:00:03 +0000] \"GET /api/me HTTP/1.1\" 200 90 \"Authorization: Bearer {}\"\n",
                t.live_rs, t.expired_rs
            ),
        );
        texts.insert(
            "headers.log",
            format!("POST /orders HTTP/1.1\nHost: api.example\nAuthorization: Bearer {}\n\n", t.live_hs),
        );
        texts.insert(
            "app.jsonl",
            format!(
                "{{\"level\":\"info\",\"msg\":\"login ok\",\"token\":\"{}\"}}\n{{\"level\":\"debug\",\"id_token\": \"{}\"}}\n",
                t.live_rs, t.expired_rs
            ),
        );
        texts.insert(
            "session.har",
            format!(
                "{{\"log\": {{\"version\": \"1.2\", \"entries\": [{{\n  \"request\": {{\n    \"method\": \"GET\",\n    \
                 \"url\": \"https://app.example/cb#state=xyz&id_token={}\",\n    \"headers\": [\n      \
                 {{\"name\": \"Authorization\", \"value\": \"Bearer {}\"}}\n    ]\n  }}\n}}]}}}}\n",
                t.live_es, t.live_hs
            ),
        );
        texts.insert(
            "cookies.txt",
            format!("HTTP/1.1 200 OK\nSet-Cookie: session={}; Path=/; HttpOnly; Secure\n", t.live_es),
        );
        texts.insert(
            "form.txt",
            format!("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={}\n", t.expired_ed),
        );
        texts.insert(".hidden/notes.md", format!("# notes\nsomeone pasted the JWE {} here.\n", t.jwe));
        texts.insert(".ignore", "ignored.log\n".to_owned());
        texts.insert("ignored.log", format!("X-Api-Token: {}\n", t.live_hs));
        texts.insert(
            "lookalikes.log",
            format!(
                "no alg: {}\nnot JSON: {}\ncut short: {}\nin a blob: QUFBQUFBQUFB{}\n",
                t.no_alg, t.not_json, t.cut_short, t.inside_run
            ),
        );
        // Rotated: two gzip members, as `cat a.gz b.gz` makes; the second holds the token.
        let first = "10.0.0.9 - - [13/Nov/2023:10:00:00 +0000] \"GET / HTTP/1.1\" 200 10\n".to_owned();
        let second = format!(
            "10.0.0.9 - - [13/Nov/2023:10:00:01 +0000] \"GET /download/{}/report.pdf HTTP/1.1\" 200 10\n",
            t.expired_ed
        );
        texts.insert("rotated/access.log.1.gz", format!("{first}{second}"));
        // Binary: NUL bytes before the token (an ELF header), read all the same.
        texts.insert("blob.bin", format!("\x7fELF\x02\x01\x01\0\0\0 token={}\n\0\0", t.in_binary));
        for (rel, text) in &texts {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            if Path::new(rel).extension().is_some_and(|e| e.eq_ignore_ascii_case("gz")) {
                std::fs::write(&path, gzip(&[&first, &second])).unwrap();
            } else {
                std::fs::write(&path, text).unwrap();
            }
        }
        // Unreadable whatever the user (tests may run as root, where mode 000 still reads): gzip's
        // magic bytes, then no gzip.
        std::fs::write(root.join("broken.log.gz"), b"\x1f\x8b\x08\x00 this is not gzip at all\n").unwrap();
        Corpus { root: root.to_owned(), texts }
    }

    fn arg(&self) -> String {
        self.root.display().to_string()
    }

    fn path_of(&self, rel: &str) -> String {
        self.root.join(rel).display().to_string()
    }

    /// Every place `token` was planted, as the scan must report them: (path, line, column).
    fn places_of(&self, token: &str) -> Vec<(String, u64, u64)> {
        let mut out: Vec<(String, u64, u64)> = Vec::new();
        for (rel, text) in &self.texts {
            for (line, column) in places_in(text, token) {
                out.push((self.path_of(rel), line, column));
            }
        }
        out.sort();
        out
    }
}

fn corpus(name: &str) -> (Corpus, Tokens) {
    let tokens = Tokens::new();
    let dir = temp_dir(name).join("corpus");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    (Corpus::write(&dir, &tokens), tokens)
}

/// A planted token, its kind, alg and liveness, and the contexts of its places.
type Expected<'a> = (&'a str, &'a str, &'a str, Option<bool>, &'a [&'a str]);

fn finding<'a>(report: &'a Value, token: &str) -> Option<&'a Value> {
    let fp = fingerprint(token);
    report["findings"].as_array().unwrap().iter().find(|f| f["fingerprint"] == fp.as_str())
}

fn assert_no_secret_parts(output: &str, tokens: &Tokens) {
    for token in tokens.all() {
        for part in secret_parts(token) {
            assert!(!output.contains(&part), "the output holds a token part {part:?}:\n{output}");
        }
    }
}

/// Every planted token is found at its exact places with its context, duplicates grouped; no
/// look-alike; the binary file's token found; unreadable paths reported and the scan goes on.
#[test]
fn every_planted_token_is_found_where_it_sits() {
    let (c, t) = corpus("planted");
    let missing = c.root.join("no-such-folder").display().to_string();
    let o = run(&["scan", &c.arg(), &missing, "--at", AT, "--json"]);
    assert_eq!(code(&o), 1, "live tokens were found: {}", stderr(&o));
    let report = json_out(&o);

    let expected: Vec<Expected> = vec![
        (&t.live_rs, "jws", "RS256", Some(true), &["query parameter access_token", "JSON key token"]),
        (&t.expired_rs, "jws", "RS256", Some(false), &["Authorization header", "JSON key id_token"]),
        (
            &t.live_hs,
            "jws",
            "HS256",
            Some(true),
            &["Authorization header", "header X-Api-Token", "Authorization header"],
        ),
        (&t.live_es, "jws", "ES256", Some(true), &["Set-Cookie session", "URL fragment parameter id_token"]),
        (&t.expired_ed, "jws", "EdDSA", Some(false), &["form field assertion", "URL path"]),
        (&t.jwe, "jwe", "RSA1_5", None, &["text"]),
        (&t.in_binary, "jws", "HS256", Some(true), &["form field token"]),
    ];
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), expected.len(), "one finding per planted token and no other: {report:#}");
    for (token, kind, alg, live, contexts) in &expected {
        let f = finding(&report, token).unwrap_or_else(|| panic!("not found: {token}\n{report:#}"));
        assert_eq!((f["kind"].as_str(), f["alg"].as_str(), f["live"].as_bool()), (Some(*kind), Some(*alg), *live));
        let places: Vec<(String, u64, u64)> = f["places"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (p["path"].as_str().unwrap().to_owned(), p["line"].as_u64().unwrap(), p["column"].as_u64().unwrap())
            })
            .collect();
        assert_eq!(places, c.places_of(token), "places of {}", f["sub"]);
        assert_eq!(f["occurrences"], places.len(), "duplicates grouped into one finding");
        let mut got: Vec<&str> =
            f["places"].as_array().unwrap().iter().map(|p| p["context"].as_str().unwrap()).collect();
        got.sort_unstable();
        let mut want = contexts.to_vec();
        want.sort_unstable();
        assert_eq!(got, want, "contexts of {}", f["sub"]);
        // The first place is repeated at the top level.
        assert_eq!(
            (&f["path"], &f["line"], &f["column"]),
            (&f["places"][0]["path"], &f["places"][0]["line"], &f["places"][0]["column"])
        );
        assert_eq!(f["verdict"], Value::Null, "no key given, no verdict");
    }
    // Claims decoded for a JWS.
    let alice = finding(&report, &t.live_rs).unwrap();
    assert_eq!(
        (&alice["iss"], &alice["sub"], &alice["aud"], &alice["exp"]),
        (&json!("https://issuer.example"), &json!("alice"), &json!("api"), &json!(FUTURE))
    );
    assert!(alice["findings"].as_array().unwrap().iter().all(|f| f["id"].is_string() && f["severity"].is_string()));
    // Live first: the expired ones come after every live (or unknown) one.
    let lives: Vec<Option<bool>> = findings.iter().map(|f| f["live"].as_bool()).collect();
    let first_expired = lives.iter().position(|l| *l == Some(false)).unwrap();
    assert!(lives[first_expired..].iter().all(|l| *l == Some(false)), "{lives:?}");

    // Look-alikes: not found.
    for token in [&t.inside_run, &t.no_alg, &t.not_json, &t.cut_short] {
        assert!(finding(&report, token).is_none(), "a look-alike was reported: {token}");
    }
    // The counts: every text file (the hidden one and the one .ignore names included), the gzip
    // decompressed, the binary file read; the broken gzip and the missing folder unreadable.
    assert_eq!(report["files_scanned"], c.texts.len() as u64);
    let bytes: usize = c.texts.values().map(String::len).sum();
    assert_eq!(report["bytes_scanned"], bytes as u64);
    assert_eq!(report["files_partly"], 0);
    let unreadable: Vec<&str> =
        report["unreadable"].as_array().unwrap().iter().map(|u| u["path"].as_str().unwrap()).collect();
    assert_eq!(unreadable, vec![c.path_of("broken.log.gz"), missing.clone()]);
    let reasons: Vec<&str> =
        report["unreadable"].as_array().unwrap().iter().map(|u| u["reason"].as_str().unwrap()).collect();
    assert!(reasons[0].contains("gzip"), "{reasons:?}");
    assert!(!reasons[1].is_empty(), "{reasons:?}");

    assert_no_secret_parts(&stdout(&o), &t);
    assert_no_secret_parts(&stderr(&o), &t);
}

/// The text report: every token by fingerprint and liveness, each place with its context, the
/// totals and the unreadable paths; never a signature.
#[test]
fn the_text_report_names_places_and_never_a_signature() {
    let (c, t) = corpus("text");
    let o = run(&["scan", &c.arg(), "--at", AT]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    let alice = format!("LIVE  jws RS256  fingerprint {}  (2 places)", fingerprint(&t.live_rs));
    assert!(out.contains(&alice), "{out}");
    let (path, line, column) = c.places_of(&t.live_rs)[0].clone();
    assert!(out.contains(&format!("  at {path}:{line}:{column}  query parameter access_token\n")), "{out}");
    assert!(out.contains(&format!("expired  jws EdDSA  fingerprint {}", fingerprint(&t.expired_ed))), "{out}");
    assert!(out.contains(&format!("UNKNOWN (encrypted)  jwe RSA1_5  fingerprint {}", fingerprint(&t.jwe))), "{out}");
    assert!(out.contains("iss \"https://issuer.example\", sub \"alice\", aud \"api\""), "{out}");
    assert!(out.contains("7 tokens (4 live, 1 encrypted, 2 expired) in 13 places"), "{out}");
    assert!(out.contains(&format!("{} files scanned (", c.texts.len())), "{out}");
    assert!(out.contains(&format!("  {}: not readable gzip data", c.path_of("broken.log.gz"))), "{out}");
    assert_no_secret_parts(&out, &t);
    assert_no_secret_parts(&stderr(&o), &t);
}

/// With keys, each token has the one judgment's verdict: valid with its key, expired, or no
/// key for it; and still no signature in the output.
#[test]
fn keys_give_each_token_a_verdict() {
    let (c, t) = corpus("keys");
    let spki = common::asset("rsa2048-spki.pem").display().to_string();
    let o = run(&["scan", &c.arg(), "--at", AT, "--key", &spki, "--secret", SECRET, "--json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let report = json_out(&o);
    let verdict = |token: &str| finding(&report, token).unwrap()["verdict"].clone();
    assert_eq!(
        (verdict(&t.live_rs)["valid"].as_bool(), verdict(&t.live_rs)["title"].as_str()),
        (Some(true), Some("VALID"))
    );
    assert_eq!(verdict(&t.live_hs)["valid"], true, "{}", verdict(&t.live_hs));
    assert_eq!(
        (verdict(&t.expired_rs)["valid"].as_bool(), verdict(&t.expired_rs)["title"].as_str()),
        (Some(false), Some("EXPIRED"))
    );
    let es = verdict(&t.live_es);
    assert_eq!(es["valid"], false, "no key for the ES256 token: {es}");
    assert!(es["summary"].as_str().unwrap().starts_with("NO MATCHING KEY"), "{es}");
    // Keys for other issuers are no verdict on it: "not judged", never a high "bad signature".
    let ids: Vec<&str> = finding(&report, &t.live_es).unwrap()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"signature-not-judged") && !ids.contains(&"bad-signature"), "{ids:?}");
    assert_no_secret_parts(&stdout(&o), &t);

    let text = run(&["scan", &c.arg(), "--at", AT, "--key", &spki]);
    assert!(stdout(&text).contains("  verdict: VALID"), "{}", stdout(&text));
    assert_no_secret_parts(&stdout(&text), &t);
}

/// Exit codes: 0 when every token found is expired (or none is found), 1 when one is live or
/// encrypted (a JWE cannot be told, so the scan fails closed), 2 for unusable input.
#[test]
fn exit_codes() {
    let t = Tokens::new();
    let dir = temp_dir("exit");
    let expired = dir.join("expired.log");
    std::fs::write(
        &expired,
        format!("Authorization: Bearer {}\nAuthorization: Bearer {}\n", t.expired_rs, t.expired_ed),
    )
    .unwrap();
    let expired = expired.display().to_string();
    let o = run(&["scan", &expired, "--at", AT]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    // Judged before they were issued, they are not live either, and not called expired.
    let o = run(&["scan", &expired, "--at", "1600000000"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains(&format!("not yet valid  jws RS256  fingerprint {}", fingerprint(&t.expired_rs))));
    // And why: issued after the instant judged.
    assert!(stdout(&o).contains("  issued in the future: iat 2023-11-14 20:13:20 UTC"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("2 tokens (0 live, 0 encrypted, 0 expired, 2 not yet valid) in 2 places"),
        "{}",
        stdout(&o)
    );
    // The same tokens judged before they expired are live.
    assert_eq!(code(&run(&["scan", &expired, "--at", BEFORE_PAST])), 1);
    let clean = dir.join("clean.log");
    std::fs::write(&clean, "nothing here\n").unwrap();
    let o = run(&["scan", &clean.display().to_string(), "--json"]);
    assert_eq!((code(&o), &json_out(&o)["findings"]), (0, &json!([])));
    let jwe = dir.join("jwe.log");
    std::fs::write(&jwe, format!("{}\n", t.jwe)).unwrap();
    let o = run(&["scan", &jwe.display().to_string(), "--at", AT, "--json"]);
    assert_eq!((code(&o), &json_out(&o)["findings"][0]["live"]), (1, &Value::Null));

    // Unusable input.
    let o = run(&["scan"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("PATH"), "{}", stderr(&o));
    let o = run(&["scan", &expired, "--at", "soon"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--at"), "{}", stderr(&o));
    let bad_key = dir.join("no-such-key.pem").display().to_string();
    let o = run(&["scan", &expired, "--key", &bad_key]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains(&bad_key), "{}", stderr(&o));
    // A path not readable: reported, and no green, even beside a clean file.
    let missing = dir.join("missing.log").display().to_string();
    let o = run(&["scan", &missing, &clean.display().to_string(), "--json"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(json_out(&o)["unreadable"][0]["path"], missing.as_str());
    assert!(
        stderr(&o).contains("1 path could not be read, or only in part: the scan cannot say it holds no live token"),
        "{}",
        stderr(&o)
    );
}

/// A token signed with a secret from a public wordlist: the scan says the secret is weak and
/// never prints it, in text or JSON (a scan report is pasted into tickets).
#[test]
fn a_weak_secret_is_named_never_printed() {
    let dir = temp_dir("scan-weak-secret");
    let token = include_str!("../assets/samples/03-jwt-io-hs256.jwt").trim();
    let secret = "a-string-secret-at-least-256-bits-long";
    std::fs::write(dir.join("app.log"), format!("GET /api?access_token={token} HTTP/1.1\n")).unwrap();
    let path = dir.to_str().unwrap();
    for json in [false, true] {
        let mut args = vec!["scan", path];
        if json {
            args.push("--json");
        }
        let o = run(&args);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(all.contains("weak-secret"), "{all}");
        assert!(!all.contains(secret), "the secret is printed: {all}");
        assert!(!all.contains(token.rsplit('.').next().unwrap()), "a signature is printed: {all}");
    }
}

/// A token inside another token's header or claims (an `alg`, a `jku` URL, a `sub`, a JWE in
/// `iss`) is shown as its fingerprint, never as text: no output holds its signature or a JWE's
/// encrypted parts.
#[test]
fn tokens_nested_in_headers_and_claims_are_redacted() {
    let inner = include_str!("../assets/samples/01-oidc-id-token-rs256.jwt").trim();
    let jwe = include_str!("../assets/samples/07-jwe-rfc7516.jwt").trim();
    let outer = |header: serde_json::Value, claims: serde_json::Value| {
        format!("{}.{}.c2ln", b64url(header.to_string().as_bytes()), b64url(claims.to_string().as_bytes()))
    };
    let nested = [
        outer(json!({"alg": inner, "typ": "JWT"}), json!({"sub": "x", "exp": 4_000_000_000_u64})),
        outer(
            json!({"alg": "HS256", "jku": format!("https://a.example/?access_token={inner}")}),
            json!({"sub": inner, "iss": jwe, "aud": [inner], "exp": 4_000_000_000_u64}),
        ),
    ];
    let dir = temp_dir("scan-nested");
    let log = nested.iter().fold(String::new(), |mut log, t| {
        let _ = writeln!(log, "GET /?access_token={t} HTTP/1.1");
        log
    });
    std::fs::write(dir.join("app.log"), log).unwrap();
    let secret_parts: Vec<&str> = [inner.rsplit('.').next().unwrap()]
        .into_iter()
        .chain(jwe.split('.').skip(1)) // encrypted key, IV, ciphertext, tag
        .filter(|p| p.len() > 8)
        .collect();
    for json in [false, true] {
        let mut args = vec!["scan", dir.to_str().unwrap()];
        if json {
            args.push("--json");
        }
        let o = run(&args);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert_eq!(code(&o), 1, "{all}");
        assert!(all.contains("[token "), "the nested tokens are named by fingerprint: {all}");
        for part in &secret_parts {
            assert!(!all.contains(part), "{part} is printed: {all}");
        }
    }
}

/// A token with this header and claims, signed HS256 with `secret` (the signing does not judge
/// the claims: a string `exp` is signed as written).
fn hs256_with(claims: Value, secret: &str) -> String {
    let key = load_secret(secret.as_bytes(), SecretEncoding::Utf8, "--secret").unwrap();
    sign(&obj(json!({ "typ": "JWT" })), &obj(claims), "HS256", &key).unwrap()
}

/// An HS256 token naming its key by `kid`.
fn hs256_kid(claims: Value, secret: &str, kid: &str) -> String {
    let key = load_secret(secret.as_bytes(), SecretEncoding::Utf8, "--secret").unwrap();
    sign(&obj(json!({ "typ": "JWT", "kid": kid })), &obj(claims), "HS256", &key).unwrap()
}

/// The issuer's secret as a JWK with its `kid`, written to a file for `--key`.
fn issuer_jwk(name: &str, kid: &str) -> String {
    let path = temp_dir(name).join("issuer.jwk");
    std::fs::write(&path, json!({ "kty": "oct", "kid": kid, "k": b64url(SECRET.as_bytes()) }).to_string()).unwrap();
    path.display().to_string()
}

/// An unsecured token (`alg: none`, empty signature) with these claims.
fn unsigned_with(claims: &Value) -> String {
    format!("{}.{}.", b64url(br#"{"alg":"none","typ":"JWT"}"#), b64url(claims.to_string().as_bytes()))
}

/// Scans one file holding `tokens` (one per line) at [`AT`] with `extra` arguments.
fn scan_tokens(name: &str, tokens: &[&str], extra: &[&str]) -> std::process::Output {
    let dir = temp_dir(name);
    let file = dir.join("app.log");
    let body = tokens.iter().fold(String::new(), |mut s, t| {
        let _ = writeln!(s, "Authorization: Bearer {t}");
        s
    });
    std::fs::write(&file, body).unwrap();
    let path = file.display().to_string();
    let mut args = vec!["scan", path.as_str(), "--at", AT];
    args.extend_from_slice(extra);
    run(&args)
}

/// A time claim that is not a number: a strict verifier refuses the token, a lax one ignores the
/// claim (an `exp` then never expires). The scan cannot tell, so the token counts as may-be-live
/// (exit 1) under its own status, with a finding that says so; never "not yet valid" and exit 0.
#[test]
fn a_time_claim_that_is_no_number_may_be_live() {
    let string_exp =
        hs256_with(json!({ "iss": "https://issuer.example", "sub": "s", "exp": "2023-11-15T00:00:00Z" }), SECRET);
    let o = scan_tokens("nan-exp", &[&string_exp], &["--json"]);
    assert_eq!(code(&o), 1, "may be live: exit 1\n{}{}", stdout(&o), stderr(&o));
    let f = json_out(&o)["findings"][0].clone();
    assert_eq!((&f["status"], &f["live"]), (&json!("exp not a number"), &Value::Null), "{f:#}");
    assert_eq!((&f["exp"], &f["exp_utc"], &f["not_numbers"]), (&Value::Null, &Value::Null, &json!(["exp"])));
    let said = f["findings"].as_array().unwrap().iter().find(|x| x["id"] == "time-claim-not-a-number").unwrap();
    assert_eq!(said["severity"], "medium");
    assert_eq!(
        said["message"],
        "\"exp\" is the string \"2023-11-15T00:00:00Z\", not a number: a strict verifier refuses the token, a lax \
         one ignores the claim and the token never expires; the scan cannot tell which, so it counts the token as \
         may-be-live"
    );
    let text = stdout(&scan_tokens("nan-exp-text", &[&string_exp], &[]));
    assert!(
        text.starts_with(&format!(
            "exp not a number  jws HS256  fingerprint {}  (1 place)\n",
            fingerprint(&string_exp)
        )),
        "{text}"
    );
    assert!(
        text.contains(
            "\n  exp is not a number: a strict verifier refuses the token, a lax one ignores it and never expires it\n"
        ),
        "{text}"
    );
    assert!(!text.contains("never expires\n  no exp"), "{text}");
    assert!(
        text.contains("1 token (0 live, 0 encrypted, 0 expired, 1 with a time claim not a number) in 1 place"),
        "{text}"
    );

    // nbf and iat the same, each named; a null or an object is no number either.
    for (claims, word) in [
        (json!({ "exp": FUTURE, "nbf": "soon" }), "nbf not a number"),
        (json!({ "exp": FUTURE, "iat": {"when": 1} }), "iat not a number"),
        (json!({ "exp": null }), "exp not a number"),
    ] {
        let t = hs256_with(claims.clone(), SECRET);
        let o = scan_tokens("nan-other", &[&t], &["--json"]);
        assert_eq!(code(&o), 1, "{claims}");
        assert_eq!(json_out(&o)["findings"][0]["status"], word, "{claims}");
    }
    // A numeric exp that has passed decides, whatever else is no number: every verifier that
    // reads exp refuses it.
    let expired = hs256_with(json!({ "exp": PAST, "nbf": "soon" }), SECRET);
    let o = scan_tokens("nan-expired", &[&expired], &["--json"]);
    assert_eq!((code(&o), &json_out(&o)["findings"][0]["status"]), (0, &json!("expired")));
}

/// `alg: none` within its lifetime is UNSIGNED and may be live (accepted where a verifier allows
/// alg none: the scan fails closed), never LIVE beside a NEVER VALID verdict; expired, it is
/// expired. A signature that fails with the key its `kid` names is FORGED and not live; a key it
/// does not name (a secret without kid: maybe another service's) or of another algorithm
/// leaves the status to the time claims, so one service's key never turns another's tokens
/// green.
#[test]
fn unsigned_and_forged_tokens_have_their_own_status() {
    let unsigned = unsigned_with(&json!({ "sub": "none", "exp": FUTURE }));
    let o = scan_tokens("unsigned", &[&unsigned], &["--json"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let f = json_out(&o)["findings"][0].clone();
    assert_eq!((&f["status"], &f["live"], &f["alg"]), (&json!("UNSIGNED"), &Value::Null, &json!("none")), "{f:#}");
    assert!(f["findings"].as_array().unwrap().iter().any(|x| x["id"] == "alg-none"), "{f:#}");
    // With keys the verdict says NEVER VALID and the status still UNSIGNED, not LIVE.
    let o = scan_tokens("unsigned-keyed", &[&unsigned], &["--secret", SECRET]);
    assert_eq!(code(&o), 1);
    let text = stdout(&o);
    assert!(text.starts_with(&format!("UNSIGNED  jws none  fingerprint {}", fingerprint(&unsigned))), "{text}");
    assert!(text.contains("  verdict: NEVER VALID: alg none"), "{text}");
    assert!(!text.contains("LIVE"), "{text}");
    let old_unsigned = unsigned_with(&json!({ "sub": "none", "exp": PAST }));
    let o = scan_tokens("unsigned-expired", &[&old_unsigned], &["--json"]);
    assert_eq!((code(&o), &json_out(&o)["findings"][0]["status"]), (0, &json!("expired")));

    let forged =
        hs256_kid(json!({ "sub": "mallory", "exp": FUTURE }), "not the issuer's secret, 32 bytes!", "issuer-1");
    // Without keys nothing tells it from a real one: live.
    let o = scan_tokens("forged-nokey", &[&forged], &["--json"]);
    assert_eq!((code(&o), &json_out(&o)["findings"][0]["status"]), (1, &json!("LIVE")));
    // With the key its kid names, it fails: FORGED, not live, exit 0 when alone.
    let jwk = issuer_jwk("forged-jwk", "issuer-1");
    let o = scan_tokens("forged", &[&forged], &["--key", &jwk, "--json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let f = json_out(&o)["findings"][0].clone();
    assert_eq!((&f["status"], &f["live"], &f["verdict"]["valid"]), (&json!("FORGED"), &json!(false), &json!(false)));
    // A secret without kid may be another service's: the signature failing proves nothing.
    let o = scan_tokens("forged-secret", &[&forged], &["--secret", SECRET, "--json"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let f = json_out(&o)["findings"][0].clone();
    assert_eq!((&f["status"], &f["verdict"]["valid"]), (&json!("LIVE"), &json!(false)), "{f:#}");
    // A key that cannot verify HS256 (an RSA public key) matched nothing: time-based, live.
    let spki = common::asset("rsa2048-spki.pem").display().to_string();
    let o = scan_tokens("forged-otherkey", &[&forged], &["--key", &spki, "--json"]);
    assert_eq!(code(&o), 1);
    let f = json_out(&o)["findings"][0].clone();
    assert_eq!(f["status"], "LIVE", "{f:#}");
    assert!(f["verdict"]["summary"].as_str().unwrap().starts_with("NO MATCHING KEY"), "{f:#}");

    // Every status in one scan: the totals name each with its count, live first.
    let good = hs256_with(json!({ "sub": "good", "exp": FUTURE }), SECRET);
    let old = hs256_with(json!({ "sub": "old", "exp": PAST }), SECRET);
    let nan = hs256_with(json!({ "sub": "nan", "exp": "tomorrow" }), SECRET);
    let o = scan_tokens("all-statuses", &[&old, &forged, &good, &unsigned, &nan], &["--key", &jwk]);
    assert_eq!(code(&o), 1);
    let text = stdout(&o);
    assert!(
        text.contains(
            "5 tokens (1 live, 0 encrypted, 1 expired, 1 unsigned, 1 forged, 1 with a time claim not a number) in 5 \
             places"
        ),
        "{text}"
    );
    let firsts: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with(' ') && l.contains("fingerprint"))
        .map(|l| l.split("  ").next().unwrap())
        .collect();
    assert_eq!(
        firsts,
        vec!["LIVE", "UNSIGNED", "exp not a number", "expired", "FORGED"],
        "may be live first, then by place\n{text}"
    );
}

/// A token seen many times: the text lists its first 5 places and counts the rest; the JSON
/// lists every one.
#[test]
fn the_text_lists_five_places_and_counts_the_rest() {
    let t = Tokens::new();
    let dir = temp_dir("many-places");
    let file = dir.join("access.log");
    let line = format!("GET /api?access_token={} HTTP/1.1\n", t.live_rs);
    std::fs::write(&file, line.repeat(100_000)).unwrap();
    let path = file.display().to_string();
    let o = run(&["scan", &path, "--at", AT]);
    assert_eq!(code(&o), 1);
    let text = stdout(&o);
    let ats: Vec<&str> = text.lines().filter(|l| l.starts_with("  at ")).collect();
    let want: Vec<String> = (1..=5).map(|n| format!("  at {path}:{n}:23  query parameter access_token")).collect();
    assert_eq!(ats, want, "{text}");
    assert!(text.contains("\n  and 99,995 more places (--json lists the first 1,000)\n"), "{text}");
    assert!(text.contains("1 token (1 live, 0 encrypted, 0 expired) in 100,000 places"), "{text}");
    assert!(text.lines().count() < 20, "{text}");
    // The JSON counts every place and keeps the first thousand: memory does not grow by the place.
    let f = json_out(&run(&["scan", &path, "--at", AT, "--json"]))["findings"][0].clone();
    assert_eq!((f["occurrences"].as_u64(), f["places"].as_array().unwrap().len()), (Some(100_000), 1000));
    assert_eq!(f["places"][999]["line"], 1000, "the first thousand, in order");

    // Six places: one more, said in the singular; the JSON lists all six.
    std::fs::write(&file, line.repeat(6)).unwrap();
    let text = stdout(&run(&["scan", &path, "--at", AT]));
    assert!(text.contains("\n  and 1 more place (--json lists them)\n"), "{text}");
    let o = run(&["scan", &path, "--at", AT, "--json"]);
    let f = &json_out(&o)["findings"][0];
    assert_eq!((f["occurrences"].as_u64(), f["places"].as_array().unwrap().len()), (Some(6), 6));
    // Five places: no count line.
    std::fs::write(&file, line.repeat(5)).unwrap();
    let text = stdout(&run(&["scan", &path, "--at", AT]));
    assert!(!text.contains("more place"), "{text}");
}

/// Claims print quoted and escaped exactly once: a quote and a backslash with one backslash, a
/// control character as one visible escape.
#[test]
fn claims_are_escaped_once() {
    let t = hs256_with(json!({ "iss": "x\"y", "sub": "a\u{7}b", "aud": "c\\d\u{202e}e", "exp": FUTURE }), SECRET);
    let text = stdout(&scan_tokens("escaped", &[&t], &[]));
    assert!(text.contains("\n  iss \"x\\\"y\", sub \"a\\u{7}b\", aud \"c\\\\d\\u{202e}e\"\n"), "{text}");
    // A list of audiences prints as its JSON.
    let t = hs256_with(json!({ "aud": ["a\"b", "c"], "exp": FUTURE }), SECRET);
    let text = stdout(&scan_tokens("escaped-list", &[&t], &[]));
    assert!(text.contains("\n  aud [\"a\\\"b\",\"c\"]\n"), "{text}");
}

/// A time claim past what a calendar date can show (year 9999) prints short, in text and
/// JSON (`exp_utc` then null, `exp` the number).
#[test]
fn a_time_claim_past_year_9999_prints_short() {
    let far = hs256_with(json!({ "sub": "far", "exp": 1e308 }), SECRET);
    let o = scan_tokens("far-exp", &[&far], &[]);
    assert_eq!(code(&o), 1);
    let text = stdout(&o);
    assert!(text.contains("\n  exp 1e308 (after year 9999)\n"), "{text}");
    assert!(text.lines().all(|l| l.len() < 200), "{text}");
    let o = scan_tokens("far-exp-json", &[&far], &["--json"]);
    let f = &json_out(&o)["findings"][0];
    assert_eq!((&f["exp"], &f["exp_utc"], &f["status"]), (&json!(1e308), &Value::Null, &json!("LIVE")));

    let edge = hs256_with(json!({ "sub": "edge", "exp": 253_402_300_799_i64 }), SECRET);
    let past_edge = hs256_with(json!({ "sub": "past-edge", "exp": 253_402_300_800_i64 }), SECRET);
    let early = hs256_with(json!({ "sub": "early", "exp": -1e20 }), SECRET);
    let later = hs256_with(json!({ "sub": "later", "exp": 1e300, "nbf": 1e299 }), SECRET);
    let text = stdout(&scan_tokens("edge-exp", &[&edge, &past_edge, &early, &later], &[]));
    assert!(text.contains("\n  exp 9999-12-31 23:59:59 UTC (in "), "{text}");
    assert!(text.contains("\n  exp 253402300800 (after year 9999)\n"), "{text}");
    assert!(text.contains("\n  exp -1e20 (before year 1)\n"), "{text}");
    assert!(text.contains("\n  not valid before: nbf 1e299 (after year 9999)\n"), "{text}");
    let o = scan_tokens("edge-exp-json", &[&edge, &later], &["--json"]);
    let report = json_out(&o);
    assert_eq!(finding(&report, &edge).unwrap()["exp_utc"], "9999-12-31 23:59:59 UTC");
    let later = finding(&report, &later).unwrap();
    assert_eq!((&later["status"], &later["nbf_utc"]), (&json!("not yet valid"), &Value::Null));
}

/// The sample algorithm-confusion forgery (an HS256 MAC made with a public key's PEM): LIVE
/// without keys (nothing tells it apart), FORGED and not live once that public key is given.
#[test]
fn an_algorithm_confusion_forgery_is_forged_with_its_key() {
    let forged = include_str!("../assets/samples/06-algorithm-confusion-hs256.jwt").trim();
    let spki = common::asset("rsa2048-spki.pem").display().to_string();
    let file = temp_dir("confusion").join("app.log");
    std::fs::write(&file, format!("Authorization: Bearer {forged}\n")).unwrap();
    let path = file.display().to_string();
    // Judged now (the sample is issued after AT, and has no exp).
    let o = run(&["scan", &path, "--json"]);
    assert_eq!((code(&o), &json_out(&o)["findings"][0]["status"]), (1, &json!("LIVE")));
    let o = run(&["scan", &path, "--key", &spki, "--json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let f = json_out(&o)["findings"][0].clone();
    assert_eq!((&f["status"], &f["live"]), (&json!("FORGED"), &json!(false)), "{f:#}");
    assert!(f["verdict"]["title"].as_str().unwrap().starts_with("FORGERY: algorithm confusion"), "{f:#}");
}
