//! Verdict words through the binary: a max lifetime fails a claim-less
//! payload, the verdict's first line is the window's headline, the audit never calls the key a
//! forgery targets unused, crack's rate is null when too short to rate, compare keeps to the
//! window's caps, and the messages name what is wrong (a base64 character, a file given without
//! `@`, a payload that is not a JSON object).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};
use tokenbench::core::engine::keys::{self, SecretEncoding};
use tokenbench::core::engine::sign::{sign, sign_payload};
use tokenbench::core::engine::token::JsonObject;

mod common;
use common::{json_out, obj, stderr, stdout, temp};

const AT: &str = "1700000000";

fn run(args: &[&str]) -> Output {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tokenbench")).current_dir(dir).env("NO_COLOR", "1").args(args).output().unwrap()
}

fn first_line(o: &Output) -> String {
    stdout(o).lines().next().unwrap_or_default().to_owned()
}

/// A JWS over `payload`, HS256 with the secret "secret", header without typ.
fn hs_over(payload: &[u8]) -> String {
    let key = keys::load_secret(b"secret", SecretEncoding::Utf8, "t").unwrap();
    sign_payload(&JsonObject::new(), payload, "HS256", &key).unwrap()
}

const SAMPLE_KEYS: &str = "assets/keys/sample-jwks.json";
const CONFUSION: &str = "@assets/samples/06-algorithm-confusion-hs256.jwt";

#[test]
fn a_max_lifetime_fails_a_payload_without_claims() {
    for payload in [&b"hello"[..], b"[1,2,3]", b"42", b""] {
        let t = hs_over(payload);
        let o = run(&["verify", "--at", AT, "--secret", "secret", &t]);
        assert_eq!(o.status.code(), Some(0), "judged by its signature alone: {}", stdout(&o));
        let o = run(&["verify", "--at", AT, "--secret", "secret", "--max-lifetime", "60", &t]);
        assert_eq!(o.status.code(), Some(1), "{payload:?}: {}", stdout(&o));
        assert!(
            first_line(&o)
                .starts_with("INVALID CLAIMS: a maximum lifetime is set but the payload is not a JSON object")
        );
        assert!(stdout(&o).contains("[FAIL] lifetime: a maximum lifetime is set"), "{}", stdout(&o));
        let v = json_out(&run(&["verify", "--json", "--at", AT, "--secret", "secret", "--max-lifetime", "60", &t]));
        assert_eq!(v["valid"], false);
        let lifetime = v["checks"].as_array().unwrap().iter().find(|c| c["name"] == "lifetime").unwrap();
        assert_eq!(lifetime["status"], "failed");
    }
}

#[test]
fn the_first_line_is_the_windows_headline_and_the_json_is_unchanged() {
    let o = run(&["verify", "--at", AT, "--key", SAMPLE_KEYS, CONFUSION]);
    assert_eq!(o.status.code(), Some(1));
    let first = first_line(&o);
    assert!(
        first.starts_with("FORGERY: algorithm confusion: This token asks for HS256, an HMAC, but names the public key \"sample-rsa-2048\""),
        "{first}"
    );
    let v = json_out(&run(&["verify", "--json", "--at", AT, "--key", SAMPLE_KEYS, CONFUSION]));
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "valid",
            "signature",
            "signature_reason",
            "alg",
            "matched_key",
            "selection",
            "attempts",
            "checks",
            "warnings",
            "claims_checked",
            "now",
            "leeway",
            "findings"
        ],
        "the verification's members as before, and the judgment's findings after them"
    );
    assert_eq!(v["signature"], "no_matching_key", "the signature value is unchanged");
}

#[test]
fn many_kid_less_keys_and_a_kid_less_token_are_no_matching_key_everywhere() {
    // More kid-less secrets than a token may try, none of them the signer's.
    let jwks: Vec<Value> = (0..100u8)
        .map(|i| json!({"kty": "oct", "k": tokenbench::core::engine::token::encode_b64url(&[i; 32])}))
        .collect();
    let path = temp("many.jwks");
    std::fs::write(&path, json!({"keys": jwks}).to_string()).unwrap();
    let signer = keys::load_secret(&[200; 32], SecretEncoding::Raw, "s").unwrap();
    let t = sign(&JsonObject::new(), &obj(json!({"exp": 4_102_444_800_u64})), "HS256", &signer).unwrap();
    let o = run(&["verify", "--at", AT, "--key", path.to_str().unwrap(), &t]);
    assert_eq!(o.status.code(), Some(1));
    assert!(first_line(&o).starts_with("NO MATCHING KEY: "), "{}", first_line(&o));
    let v = json_out(&run(&["verify", "--json", "--at", AT, "--key", path.to_str().unwrap(), &t]));
    assert_eq!(v["signature"], "no_matching_key");
}

#[test]
fn the_audit_never_calls_the_forgerys_target_unused() {
    let v = json_out(&run(&["audit", "--json", "--at", AT, "--key", SAMPLE_KEYS, CONFUSION]));
    let findings = v["findings"].as_array().unwrap();
    let find = |id: &str| findings.iter().find(|f| f["id"] == id).unwrap_or_else(|| panic!("{id}: {v}"));
    let confusion = find("alg-confusion");
    assert_eq!(confusion["severity"], "high");
    assert!(confusion["message"].as_str().unwrap().contains("sample-rsa-2048"));
    let unused = find("key-not-used")["message"].as_str().unwrap();
    assert!(!unused.contains("sample-rsa-2048"), "{unused}");
    assert!(unused.contains("sample-p256") && unused.contains("sample-ed25519"), "{unused}");
    // missing-exp says what every lab says.
    let missing = find("missing-exp")["message"].as_str().unwrap();
    assert!(missing.ends_with(tokenbench::core::labs::revocation::NO_EXP_CONSEQUENCE) && !missing.contains("forever"));
}

#[test]
fn crack_json_has_no_rate_for_a_run_too_short_to_rate() {
    let key = keys::load_secret(b"changeme", SecretEncoding::Utf8, "t").unwrap();
    let found = sign(&JsonObject::new(), &obj(json!({"sub": "a"})), "HS256", &key).unwrap();
    let strong = hs_over(b"{}"); // the secret "secret" is in the bundled list too
    let list = temp("one-line.txt");
    std::fs::write(&list, "nope\n").unwrap();
    let unfound = sign(
        &JsonObject::new(),
        &obj(json!({})),
        "HS256",
        &keys::load_secret(&[0x42; 32], SecretEncoding::Raw, "t").unwrap(),
    )
    .unwrap();
    let runs = [
        vec!["crack", "--json", "--threads", "1", found.as_str()],
        vec!["crack", "--json", "--threads", "1", strong.as_str()],
        vec!["crack", "--json", "--threads", "1", "--wordlist", list.to_str().unwrap(), unfound.as_str()],
        vec!["crack", "--json", "--threads", "1", unfound.as_str()],
    ];
    let mut nulls = 0;
    for (i, args) in runs.iter().enumerate() {
        let v = json_out(&run(args));
        if i == 2 {
            // A one-line list is a guess or two: nothing to rate, whatever the clock says.
            assert!(v["candidates"].as_u64().unwrap() <= 2, "{v}");
            assert!(v["candidates_per_second"].is_null(), "{v}");
        }
        let candidates = v["candidates"].as_u64().unwrap();
        let ms = v["elapsed_ms"].as_u64().unwrap();
        let short = candidates < tokenbench::core::engine::crack::MIN_RATED_CANDIDATES || ms < 10;
        assert_eq!(v["candidates_per_second"].is_null(), short, "{v}");
        if !short {
            assert!(v["candidates_per_second"].as_u64().unwrap() > 0, "{v}");
        }
        nulls += usize::from(short);
    }
    assert!(nulls >= 2, "a find in the first few guesses and a one-line list are too short to rate");
}

#[test]
fn compare_refuses_what_the_window_cannot_be_given() {
    for (flag, value, cap) in [
        ("--requests", "10000000000", "10000000 requests"),
        ("--users", "100000000", "100000 users"),
        ("--servers", "51", "50 servers"),
        ("--services", "9", "8 services"),
        ("--latency-ms", "1e308", "1000 ms"),
        ("--latency-ms", "1000.5", "1000 ms"),
    ] {
        let o = run(&["compare", "--at", AT, flag, value]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains(&format!("{flag} {value} is more than the {cap}")), "{e}");
        assert!(stdout(&o).is_empty());
    }
    // The caps themselves are accepted.
    let o = run(&["compare", "--at", AT, "--json", "--latency-ms", "1000", "--services", "8", "--servers", "50"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json_out(&o)["flow"]["store_latency_ms"], 1000.0);
}

#[test]
fn a_bad_base64_secret_names_the_character_and_where() {
    let t = hs_over(b"{}");
    let o = run(&["verify", "--secret-base64", "c2VjcmV0====", &t]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("'=' at byte 8 is not accepted: '=' may only pad the end"), "{e}");
    assert!(!e.contains("Invalid symbol"), "{e}");
    let o = run(&["verify", "--secret-base64", "c2Vj*mV0", &t]);
    assert!(stderr(&o).contains("'*' at byte 4 is not accepted: accepted are A-Z, a-z, 0-9"), "{}", stderr(&o));
}

#[test]
fn a_file_path_given_as_a_token_is_pointed_at_its_at_form() {
    let path = temp("far.jwt");
    std::fs::write(&path, hs_over(b"{}")).unwrap();
    let dir = path.parent().unwrap();
    let absolute = path.to_str().unwrap();
    for (args, expect) in [
        (vec!["decode", "far.jwt"], "far.jwt is a file, not a token: give it as @far.jwt"),
        (vec!["verify", "--secret", "secret", "far.jwt"], "far.jwt is a file, not a token: give it as @far.jwt"),
        (vec!["audit", "far.jwt"], "far.jwt is a file, not a token: give it as @far.jwt"),
        (vec!["crack", "far.jwt"], "far.jwt is a file, not a token: give it as @far.jwt"),
        (vec!["forge", "--attack", "none", "far.jwt"], "far.jwt is a file, not a token: give it as @far.jwt"),
        (vec!["compare", "--token", "far.jwt"], "far.jwt is a file, not a token: give it as @far.jwt"),
        (vec!["simulate", "revocation", "--token", "far.jwt"], "--token: far.jwt is a file, not a token"),
        (vec!["decode", absolute], &format!("{absolute} is a file, not a token: give it as @{absolute}")),
    ] {
        let o = run_in(dir, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expect), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("segments"), "{}", stderr(&o));
    }
    // With @ the file is read, as before.
    assert_eq!(run_in(dir, &["decode", "@far.jwt"]).status.code(), Some(0));
}

#[test]
fn a_payload_that_is_no_json_object_is_called_so() {
    for (payload, what) in [
        (&b"[1,2]"[..], "a JSON array"),
        (b"42", "a JSON number"),
        (b"hello", "text"),
        (b"", "empty"),
        (b"\"{}\"", "a JSON string"),
    ] {
        let t = hs_over(payload);
        let sentence = format!("the payload is {what}, not a JSON object, so it carries no JWT claims");
        let o = run(&["decode", &t]);
        assert!(stdout(&o).contains(&sentence), "decode {what}: {}", stdout(&o));
        let o = run(&["verify", "--at", AT, "--secret", "secret", &t]);
        assert!(stdout(&o).contains(&sentence), "verify {what}: {}", stdout(&o));
        assert!(first_line(&o).contains("the payload is not a JSON object"), "{}", first_line(&o));
        let o = run(&["verify", "--at", AT, "--secret", "secret", "--iss", "https://id", &t]);
        assert!(stdout(&o).contains("an issuer is expected but the payload is not a JSON object"), "{}", stdout(&o));
        let o = run(&["simulate", "revocation", "--token", &t]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(&format!("--token: {sentence}")), "simulate {what}: {}", stderr(&o));
    }
}
