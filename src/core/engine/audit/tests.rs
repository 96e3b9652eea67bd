//! The audit's findings on crafted tokens and cookies, the cookie-date forms browsers read, and
//! arbitrary Unicode through every parser (never a panic, never a raw control in a finding).

use super::url::percent_decode;
use super::*;
use crate::core::engine::keys::{self, SecretEncoding};
use crate::core::engine::sign::sign;
use serde_json::json;

const NOW: f64 = 1_700_000_000.0;

fn strong() -> Key {
    keys::load_secret(&[0x5a; 32], SecretEncoding::Raw, "strong").unwrap()
}

fn obj(v: Value) -> JsonObject {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

fn signed(header: Value, claims: Value) -> Token {
    token::parse(&sign(&obj(header), &obj(claims), "HS256", &strong()).unwrap()).unwrap()
}

fn clean_claims() -> Value {
    json!({"iss": "https://issuer.example", "sub": "alice", "aud": "api", "iat": NOW - 60.0, "exp": NOW + 600.0})
}

fn ids(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.id).collect()
}

fn audit(t: &Token) -> Vec<Finding> {
    audit_token(t, &TokenAuditOptions { now: NOW, ..TokenAuditOptions::default() }).unwrap()
}

#[test]
fn a_clean_token_has_only_the_symmetric_note() {
    let f = audit(&signed(json!({"typ": "JWT"}), clean_claims()));
    // Without a key the signature is not judged, which is said once, as info.
    assert_eq!(ids(&f), ["symmetric-alg", "signature-not-judged"]);
    assert!(!any_failing(&f));
    // An ES256 token signed the same way has no finding at all.
    let ec =
        keys::load_file(&std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys/ec-p256-pkcs8.pem"))
            .unwrap()
            .remove(0);
    let t = token::parse(&sign(&obj(json!({"typ": "JWT"})), &obj(clean_claims()), "ES256", &ec).unwrap()).unwrap();
    assert_eq!(ids(&audit(&t)), ["signature-not-judged"]);
}

#[test]
fn each_token_id_on_a_crafted_token() {
    let none = token::parse(&format!(
        "{}.{}.",
        token::encode_b64url(br#"{"alg":"nOnE"}"#),
        token::encode_b64url(clean_claims().to_string().as_bytes())
    ))
    .unwrap();
    assert!(ids(&audit(&none)).contains(&"alg-none"));

    let weak = keys::load_secret(b"changeme", SecretEncoding::Utf8, "weak").unwrap();
    let t = token::parse(&sign(&JsonObject::new(), &obj(clean_claims()), "HS256", &weak).unwrap()).unwrap();
    let f = audit(&t);
    let w = f.iter().find(|f| f.id == "weak-secret").expect("found in the bundled list");
    assert!(w.message.contains("\"changeme\""), "{}", w.message);
    assert_eq!(w.severity, Severity::High);
    let short = keys::load_secret(b"0123456789abcdef", SecretEncoding::Utf8, "short").unwrap();
    let with_short = audit_token(
        &signed(json!({}), clean_claims()),
        &TokenAuditOptions { now: NOW, keys: &[short], ..Default::default() },
    )
    .unwrap();
    assert!(with_short.iter().any(|f| f.id == "weak-secret" && f.message.contains("128 bits")), "{with_short:?}");

    let cases: [(Value, Value, &str); 12] = [
        (json!({}), json!({"aud": "a", "iat": NOW}), "missing-exp"),
        (json!({}), json!({"aud": "a", "iat": NOW, "exp": NOW + 90_000.0}), "long-lifetime"),
        (json!({}), json!({"aud": "a", "nbf": NOW, "exp": NOW + 90_000.0}), "long-lifetime"),
        (json!({}), json!({"aud": "a", "iat": NOW + 61.0, "exp": NOW + 600.0}), "iat-in-future"),
        (json!({}), json!({"iat": NOW, "exp": NOW + 60.0}), "missing-aud"),
        (json!({"jku": "https://x.invalid/jwks"}), clean_claims(), "header-jku"),
        (json!({"x5u": "https://x.invalid/cert"}), clean_claims(), "header-x5u"),
        (json!({"jwk": {"kty": "oct", "k": "AA"}}), clean_claims(), "header-jwk"),
        (json!({"kid": "../../dev/null"}), clean_claims(), "kid-injection"),
        (json!({"kid": "k' OR '1'='1"}), clean_claims(), "kid-injection"),
        (json!({}), json!({"aud": "a", "exp": NOW + 60.0, "user": {"Password": "x"}}), "sensitive-claim"),
        (json!({}), json!({"aud": "a", "exp": NOW - 1.0}), "expired"),
    ];
    for (header, claims, id) in cases {
        let f = audit(&signed(header.clone(), claims.clone()));
        assert!(ids(&f).contains(&id), "{id}: {header} {claims} -> {:?}", ids(&f));
    }
    for kid in ["a/b", "a\\b", "a;b", "a|b", "$(id)", "`id`", "a\0b", "\"x\""] {
        assert!(kid_injection(kid).is_some(), "{kid:?}");
    }
    assert!(kid_injection("2024-06-key.v2_A").is_none());
    // A Luhn-valid card number as a string with spaces and as a number; a 13-digit
    // millisecond timestamp in a time claim is not one.
    let f = audit(&signed(json!({}), json!({"aud": "a", "exp": NOW + 60.0, "pay": "4111 1111 1111 1111"})));
    assert!(ids(&f).contains(&"sensitive-claim"), "{f:?}");
    let f = audit(&signed(json!({}), json!({"aud": "a", "exp": NOW + 60.0, "n": 4_111_111_111_111_111u64})));
    assert!(ids(&f).contains(&"sensitive-claim"));
    let f = audit(&signed(
        json!({}),
        json!({"aud": "a", "exp": NOW + 60.0, "n": 4_111_111_111_111_112u64, "auth_time": 1_700_000_000_007u64}),
    ));
    assert!(!ids(&f).contains(&"sensitive-claim"), "{f:?}");
    let f = audit_token(
        &signed(json!({}), clean_claims()),
        &TokenAuditOptions {
            now: NOW,
            url: Some(UrlSource { part: "query", parameter: "access_token".into() }),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(ids(&f).contains(&"token-in-url"));
}

#[test]
fn the_empty_secret_of_a_kid_traversal_forgery_is_found() {
    let original = signed(json!({}), clean_claims());
    let forged =
        crate::core::engine::forge::forge(&original, crate::core::engine::forge::Attack::KidTraversal, None, &[])
            .unwrap();
    let f = audit(&token::parse(&forged.token).unwrap());
    let w = f.iter().find(|f| f.id == "weak-secret").expect("the empty secret is tried first");
    assert_eq!(w.severity, Severity::High);
    assert!(w.message.contains("EMPTY"), "{}", w.message);
    assert!(ids(&f).contains(&"kid-injection"));
}

#[test]
fn loaded_keys_are_judged_as_the_key_store_lints_them() {
    let load = |name: &str| {
        keys::load_file(&std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys").join(name))
            .unwrap()
            .remove(0)
    };
    let rsa2048 = load("rsa2048-pkcs8.pem");
    let rs = token::parse(&sign(&obj(json!({})), &obj(clean_claims()), "RS256", &rsa2048).unwrap()).unwrap();
    let with = |keys: &[Key]| audit_token(&rs, &TokenAuditOptions { now: NOW, keys, ..Default::default() }).unwrap();
    // RSA under 2048 bits: weak-key, high.
    let f = with(&[load("rsa1024-pkcs8.pem")]);
    let weak = f.iter().find(|f| f.id == "weak-key").expect("a 1024-bit key is weak");
    assert_eq!(weak.severity, Severity::High);
    assert!(weak.message.contains("1024 bits"), "{}", weak.message);
    assert!(any_failing(&f));
    // Contradictory metadata: key-warning, low.
    let mut jwk = rsa2048.public_jwk();
    jwk.insert("alg".into(), json!("ES256"));
    let odd = keys::load(serde_json::to_string(&jwk).unwrap().as_bytes(), "odd.jwk").unwrap();
    let f = with(&odd);
    // The key's metadata forbids RS256, so the given key does not verify the token: high.
    assert_eq!(ids(&f), ["bad-signature", "key-warning"], "{f:?}");
    assert!(f[1].message.contains("needs a EC key") && f[1].severity == Severity::Low, "{}", f[1].message);
    // An HMAC secret, however short, says nothing about an RS256 token: a note, no weak-secret.
    let short = keys::load_secret(b"tiny", SecretEncoding::Utf8, "--secret").unwrap();
    let f = with(&[short.clone(), rsa2048.clone()]);
    assert_eq!(ids(&f), ["key-not-used"], "{f:?}");
    assert_eq!(f[0].severity, Severity::Info);
    assert!(f[0].message.contains("--secret (HMAC secret (32 bits))"), "{}", f[0].message);
    assert!(!any_failing(&f));
    // The same secret on an HS256 token is weak-secret, and no key-warning repeats it.
    let f = audit_token(
        &signed(json!({}), clean_claims()),
        &TokenAuditOptions { now: NOW, keys: &[short], ..Default::default() },
    )
    .unwrap();
    // It is not the token's key either: the signature does not verify with it.
    assert_eq!(ids(&f), ["bad-signature", "weak-secret", "symmetric-alg"], "{f:?}");
}

#[test]
fn duplicates_arrays_and_encrypted_tokens() {
    let raw = |header: &str, claims: &str| {
        token::parse(&format!(
            "{}.{}.{}",
            token::encode_b64url(header.as_bytes()),
            token::encode_b64url(claims.as_bytes()),
            token::encode_b64url(&[1; 32])
        ))
        .unwrap()
    };
    let claims = clean_claims().to_string();
    // alg-none when any alg member says none, whichever one the parser keeps.
    for header in [r#"{"alg":"none","alg":"HS256"}"#, r#"{"alg":"HS256","alg":"NONE"}"#] {
        let f = audit(&raw(header, &claims));
        assert!(ids(&f).contains(&"alg-none"), "{header}: {f:?}");
        let dup = f.iter().find(|f| f.id == "duplicate-member").expect("the repeated alg is named");
        assert!(dup.message.contains("\"alg\""), "{}", dup.message);
        assert_eq!(dup.severity, Severity::Medium);
    }
    let f = audit(&raw(r#"{"alg":"HS256"}"#, r#"{"aud":"a","exp":1800000000,"exp":1}"#));
    assert!(f.iter().any(|f| f.id == "duplicate-member" && f.message.contains("claims")), "{f:?}");
    // A kid given as an array (of arrays) is looked at too.
    for kid in [r#"["../../etc/passwd"]"#, r#"[["ok"], ["a' OR '1'='1"]]"#, r#"{"path": "/dev/null"}"#] {
        let f = audit(&raw(&format!(r#"{{"alg":"HS256","kid":{kid}}}"#), &claims));
        assert!(ids(&f).contains(&"kid-injection"), "{kid}: {f:?}");
    }
    // Card numbers and sensitive names inside arrays and arrays of arrays.
    for claims in [
        json!({"aud": "a", "exp": NOW + 60.0, "cards": ["4111 1111 1111 1111"]}),
        json!({"aud": "a", "exp": NOW + 60.0, "n": [[4_111_111_111_111_111u64]]}),
        json!({"aud": "a", "exp": NOW + 60.0, "list": [[{"password": "x"}]]}),
    ] {
        let f = audit(&signed(json!({}), claims.clone()));
        assert!(ids(&f).contains(&"sensitive-claim"), "{claims}: {f:?}");
    }
    let many: Vec<u64> = vec![4_111_111_111_111_111; 1000];
    let f = audit(&signed(json!({}), json!({"aud": "a", "exp": NOW + 60.0, "cards": many})));
    assert_eq!(f.iter().filter(|f| f.id == "sensitive-claim").count(), 21, "20 named, the rest counted");
    // A JWE: its header is audited and it says the rest cannot be.
    let jwe = token::parse(&format!(
        "{}.AAAA.AAAAAAAAAAAAAAAA.AAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        token::encode_b64url(br#"{"alg":"RSA-OAEP","enc":"A256GCM","jku":"https://x.invalid/k"}"#)
    ))
    .unwrap();
    let f = audit(&jwe);
    assert_eq!(ids(&f), ["header-jku", "encrypted"], "{f:?}");
    assert!(f[1].message.contains("\"RSA-OAEP\"") && f[1].message.contains("\"A256GCM\""), "{}", f[1].message);
}

#[test]
fn findings_are_sorted_by_severity() {
    let f = audit(&signed(json!({"jku": "https://x.invalid"}), json!({"iat": NOW + 100.0})));
    let sev: Vec<Severity> = f.iter().map(|f| f.severity).collect();
    let mut sorted = sev.clone();
    sorted.sort();
    assert_eq!(sev, sorted);
    assert_eq!(
        ids(&f),
        ["missing-exp", "header-jku", "iat-in-future", "missing-aud", "symmetric-alg", "signature-not-judged"]
    );
}

#[test]
fn tokens_are_found_in_urls() {
    let t = sign(&JsonObject::new(), &obj(clean_claims()), "HS256", &strong()).unwrap();
    let (found, src) = token_from_url(&format!("https://app.example/cb?state=xyz&access_token={t}&x=1")).unwrap();
    assert_eq!((found.as_str(), src.part, src.parameter.as_str()), (t.as_str(), "query", "access_token"));
    let (_, src) = token_from_url(&format!("https://app.example/cb#state=1&id_token={t}")).unwrap();
    assert_eq!((src.part, src.parameter.as_str()), ("fragment", "id_token"));
    let (_, src) = token_from_url(&format!("https://app.example/?session={}", t.replace('_', "%5F"))).unwrap();
    assert_eq!(src.parameter, "session");
    assert!(token_from_url(&t).is_none(), "a bare token is not a URL");
    assert!(token_from_url("https://app.example/?a=b").is_none());
    assert!(looks_like_url("https://app.example/?a=b") && looks_like_url("#id_token=x"));
    assert!(!looks_like_url(&t) && !looks_like_url("Bearer abc"));
    assert_eq!(percent_decode("a%2"), "a%2");
}

#[test]
fn cookie_checks() {
    let ids_of = |line: &str| ids(&audit_cookie(line, NOW).unwrap().1);
    let good =
        "Set-Cookie: __Host-sid=Qk7yX2m9V1pZ8rT4wL0nC3hJ6dF5sA2e; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=1800";
    assert!(ids_of(good).is_empty(), "{:?}", ids_of(good));
    assert_eq!(
        ids_of("sid=Qk7yX2m9V1pZ8rT4wL0nC3hJ6dF5sA2e"),
        ["cookie-no-httponly", "cookie-no-secure", "cookie-no-samesite"]
    );
    assert!(
        ids_of("sid=Qk7yX2m9V1pZ8rT4wL0nC3hJ6dF5sA2e; HttpOnly; SameSite=None")
            .contains(&"cookie-samesite-none-insecure")
    );
    assert!(
        !ids_of("sid=Qk7yX2m9V1pZ8rT4wL0nC3hJ6dF5sA2e; HttpOnly; Secure; SameSite=None")
            .contains(&"cookie-samesite-none-insecure")
    );
    let long = format!("{good}; Max-Age=31536000");
    assert!(ids_of(&long).contains(&"cookie-long-lived"));
    // Max-Age wins over Expires; Expires alone is judged against the clock.
    assert!(ids_of("sid=Qk7yX2m9V1pZ8rT4wL0nC3hJ6dF5sA2e; Secure; HttpOnly; SameSite=Strict; Expires=Wed, 21 Oct 2099 07:28:00 GMT").contains(&"cookie-long-lived"));
    assert!(!ids_of("sid=Qk7yX2m9V1pZ8rT4wL0nC3hJ6dF5sA2e; Secure; HttpOnly; SameSite=Strict; Expires=Wed, 15 Nov 2023 07:28:00 GMT").contains(&"cookie-long-lived"));
    assert_eq!(ids_of("sid=9f86d081884c7d65; Secure; HttpOnly; SameSite=Lax"), ["session-id-short"]);
    for weak in [
        "sid=1042",
        "sid=abcdefghijklmnopqrstuvwxyz012345",
        "sid=abababababababababababababababab",
        "sid=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ] {
        let f = ids_of(&format!("{weak}; Secure; HttpOnly; SameSite=Lax"));
        assert!(f.contains(&"session-id-low-entropy"), "{weak}: {f:?}");
    }
    // A 128-bit random hex id passes both.
    assert!(ids_of("sid=3f1a9c0e7b2d48a6915e0c7d2b4f8a13; Secure; HttpOnly; SameSite=Lax").is_empty());
    assert_eq!(
        audit_cookie("Set-Cookie: novalue", NOW).map_err(|e| e.to_string()).err().as_deref(),
        Some("\"novalue\" is not a name=value pair; expected e.g. 'Set-Cookie: sid=...; HttpOnly'")
    );
    assert_eq!(
        audit_cookie("=x", NOW).map_err(|e| e.to_string()).err().as_deref(),
        Some("the cookie has no name before '='")
    );
}

#[test]
fn every_cookie_date_form_browsers_read() {
    let utc = |y, mo, d, h, mi, s| {
        chrono::NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, s).unwrap().and_utc().timestamp()
    };
    for (text, expected) in [
        ("Wed, 21 Oct 2099 07:28:00 GMT", utc(2099, 10, 21, 7, 28, 0)),
        ("Wed, 21 Oct 2099 07:28:00 UTC", utc(2099, 10, 21, 7, 28, 0)),
        ("Wed, 21 Oct 2099 07:28:00", utc(2099, 10, 21, 7, 28, 0)),
        ("Wed 21 Oct 2099 07:28:00 GMT", utc(2099, 10, 21, 7, 28, 0)),
        ("Wednesday, 21-Oct-99 07:28:00 GMT", utc(1999, 10, 21, 7, 28, 0)),
        ("Thu, 01-Jan-60 00:00:00 GMT", utc(2060, 1, 1, 0, 0, 0)),
        ("Sat, 01-Jan-70 00:00:00 GMT", 0),
        ("Sun Nov  6 08:49:37 2094", utc(2094, 11, 6, 8, 49, 37)),
        ("6 november 2094 8:9:7", utc(2094, 11, 6, 8, 9, 7)),
        ("Wed, 21 Oct 2099 07:28:00 +0200", utc(2099, 10, 21, 7, 28, 0)),
    ] {
        assert_eq!(parse_cookie_date(text), Some(expected), "{text}");
    }
    for bad in [
        "tomorrow",
        "",
        "31 Feb 2030 00:00:00",
        "21 Oct 1600 00:00:00",
        "21 Oct 2099 24:00:00",
        "21 Oct 2099",
        "\u{20ac}",
    ] {
        assert_eq!(parse_cookie_date(bad), None, "{bad}");
    }
}

#[test]
fn long_lived_cookies_are_never_read_as_session_cookies() {
    let ids_of = |line: &str| ids(&audit_cookie(line, NOW).unwrap().1);
    let base = "sid=Qk7yX2m9V1pZ8rT4wL0nC3hJ6dF5sA2e; Secure; HttpOnly; SameSite=Lax";
    for attrs in [
        "Max-Age=99999999999999999999",
        "Max-Age=9223372036854775808",
        "Expires=Thu, 01-Jan-60 00:00:00 GMT",
        "Expires=Wed, 21 Oct 2099 07:28:00 UTC",
        "Expires=Wed, 21 Oct 2099 07:28:00",
        "Expires=Wed 21 Oct 2099 07:28:00 GMT",
        "Expires=Sun Nov  6 08:49:37 2094",
        "Max-Age=99999999; Max-Age=oops",
    ] {
        assert_eq!(ids_of(&format!("{base}; {attrs}")), ["cookie-long-lived"], "{attrs}");
    }
    for short in ["Expires=Wednesday, 21-Oct-99 07:28:00 GMT", "Max-Age=-99999999999999999999", "Max-Age=600"] {
        assert!(ids_of(&format!("{base}; {short}")).is_empty(), "{short}");
    }
    // An Expires no browser can read is said, never silently a session cookie.
    let f = audit_cookie(&format!("{base}; Expires=next year"), NOW).unwrap().1;
    assert_eq!(ids(&f), ["cookie-bad-expires"]);
    assert_eq!(f[0].severity, Severity::Low);
    assert!(f[0].message.contains("\"next year\""), "{}", f[0].message);
    for ignored in ["Max-Age=+5", "Max-Age=1e9", "Max-Age=-", "Max-Age="] {
        assert_eq!(audit_cookie(&format!("{base}; {ignored}"), NOW).unwrap().0.max_age, None, "{ignored}");
    }
}

#[test]
fn luhn_and_durations() {
    assert!(luhn(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
    assert!(!luhn(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]));
    assert_eq!(human_duration(90_000.0), "1 day");
    assert_eq!(human_duration(200_000.0), "2 days");
    assert_eq!(human_duration(9.1 * 365.25 * 86_400.0), "9.1 years");
    assert_eq!(human_duration(600.0), "10 min");
}

#[test]
fn a_multibyte_character_at_the_prefix_boundary_is_not_a_panic() {
    // The 11th byte falls inside the euro sign: the old `s[..11]` panicked here.
    for line in ["aaaaaaaaaa\u{20ac}=1", "Set-Cookie\u{e9}=1", "\u{20ac}\u{20ac}\u{20ac}\u{20ac}=x"] {
        let (c, _) = audit_cookie(line, NOW).unwrap();
        assert!(!c.name.is_empty(), "{line}");
    }
    let (c, _) = audit_cookie("SET-COOKIE: sid=\u{20ac}\u{20ac}", NOW).unwrap();
    assert_eq!((c.name.as_str(), c.value.as_str()), ("sid", "\u{20ac}\u{20ac}"));
    assert_eq!(percent_decode("%-1%+1%4"), "%-1% 1%4", "a sign is not a hex digit");
    assert_eq!(percent_decode("%e2%82%ac%41"), "\u{20ac}A");
}

/// Arbitrary Unicode into a token's header (alg, kid, jku), its claim names and values.
fn hostile_token(alg: &str, kid: &str, name: &str, value: &str) -> Token {
    let header = json!({"alg": alg, "kid": kid, "jku": value, "k": [kid, [name]]});
    let claims = json!({name: value, "exp": value, "nested": [[{name: value}], value], "iat": 1});
    let text = format!(
        "{}.{}.{}",
        token::encode_b64url(header.to_string().as_bytes()),
        token::encode_b64url(claims.to_string().as_bytes()),
        token::encode_b64url(&[7; 32])
    );
    token::parse(&text).unwrap()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_unicode_never_panics(
        a in "\\PC{0,24}",
        b in proptest::prelude::any::<String>(),
        c in "(?i:set-cookie:)?[a\u{e9}\u{20ac}\u{1f600}=; ]{0,20}",
        alg in proptest::prop_oneof!["HS256", "none", "\\PC{0,6}"],
    ) {
        for line in [a.as_str(), b.as_str(), c.as_str(), &format!("Set-Cookie: {a}={b}; Expires={c}; Max-Age={a}")] {
            let _ = audit_cookie(line, NOW);
            let _ = token_from_url(line);
            let _ = token_from_url(&format!("https://x.example/?{line}#{line}"));
            let _ = low_entropy_reason(line);
            let _ = estimated_entropy_bits(line);
            let _ = parse_cookie_date(line);
            if let Ok(t) = token::parse(line) {
                let _ = audit(&t);
            }
        }
        let t = hostile_token(&alg, &a, &b, &c);
        let mut all = audit_token(&t, &TokenAuditOptions { now: NOW, skip_wordlist: true, ..Default::default() })
            .unwrap();
        all.extend(audit(&t));
        if let Ok((_, f)) = audit_cookie(&format!("{a}{b}={c}; Expires={b}"), NOW) {
            all.extend(f);
        }
        // Untrusted text is quoted with escapes: a finding is one line, whatever it quotes.
        for f in &all {
            proptest::prop_assert!(!f.message.chars().any(crate::core::text::is_hostile), "{f:?}");
        }
    }
}

/// An HS256 token whose MAC is keyed with `secret`, with the header `header`.
fn hs256_keyed(header: Value, secret: &[u8]) -> Token {
    let key = keys::load_secret(secret, SecretEncoding::Raw, "forger").unwrap();
    token::parse(&sign(&obj(header), &obj(clean_claims()), "HS256", &key).unwrap()).unwrap()
}

#[test]
fn alg_confusion_shares_the_verifiers_rule() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys/rsa2048-spki.pem");
    let rsa = keys::load_file(&path).unwrap().remove(0);
    let pem = crate::core::engine::sign::export(&rsa, crate::core::engine::sign::ExportFormat::Pem, false).unwrap();
    let with = |t: &Token, keys: &[Key]| {
        audit_token(t, &TokenAuditOptions { now: NOW, keys, ..TokenAuditOptions::default() }).unwrap()
    };
    // Forged with the public key's PEM (the file's own bytes, as attackers download it), no kid:
    // proven, high, whatever else is loaded.
    let forged = hs256_keyed(json!({"typ": "JWT"}), &std::fs::read(&path).unwrap());
    let f = with(&forged, &[strong(), rsa.clone()]);
    let confusion = f.iter().find(|f| f.id == "alg-confusion").unwrap_or_else(|| panic!("{f:?}"));
    assert_eq!(confusion.severity, Severity::High);
    assert!(confusion.message.contains("verifies with the PEM of key #2"), "{}", confusion.message);
    assert!(any_failing(&f));
    // The same forgery keyed with the DER, or the PEM without its newline, is found too.
    for bytes in [pem.trim_end().as_bytes().to_vec(), crate::core::engine::sign::public_key_forms(&rsa)[2].1.clone()] {
        let f = with(&hs256_keyed(json!({}), &bytes), std::slice::from_ref(&rsa));
        assert!(f.iter().any(|f| f.id == "alg-confusion" && f.severity == Severity::High), "{f:?}");
    }
    // The verifier names the same forgery, by the same rule.
    let v = crate::core::engine::verify::verify(
        &forged,
        std::slice::from_ref(&rsa),
        &crate::core::engine::verify::Policy::default(),
        NOW,
    );
    assert!(!v.valid);
    assert!(v.warnings.iter().any(|w| w.starts_with("algorithm confusion") && w.contains("PEM of key #1")), "{v:?}");
    // A kid naming the public key, keyed with something else: medium.
    let mut named = rsa.clone();
    named.kid = Some("rsa-1".into());
    let aimed = hs256_keyed(json!({"kid": "rsa-1"}), b"not-the-key-bytes-but-long-enough-32");
    let f = with(&aimed, &[strong(), named.clone()]);
    assert_eq!(f.iter().find(|f| f.id == "alg-confusion").map(|f| f.severity), Some(Severity::Medium), "{f:?}");
    // An honest HS256 token with its own secret loaded: no confusion at all.
    let honest = signed(json!({"typ": "JWT"}), clean_claims());
    assert!(!ids(&with(&honest, &[strong(), named])).contains(&"alg-confusion"));
    // An RS256 token is never the HMAC confusion.
    let rs_key =
        keys::load_file(&std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys/rsa2048-pkcs8.pem"))
            .unwrap()
            .remove(0);
    let rs = token::parse(&sign(&obj(json!({})), &obj(clean_claims()), "RS256", &rs_key).unwrap()).unwrap();
    assert!(!ids(&with(&rs, &[rsa])).contains(&"alg-confusion"));
}

/// The sample forgery with the sample key set: the RSA key whose PEM keys the MAC is named by
/// alg-confusion and never also listed as "not this token's key"; the other keys still are.
#[test]
fn the_key_a_confusion_names_is_not_called_unused() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let keys = keys::load_file(&root.join("assets/keys/sample-jwks.json")).unwrap();
    let text = std::fs::read_to_string(root.join("assets/samples/06-algorithm-confusion-hs256.jwt")).unwrap();
    let t = token::parse(text.trim()).unwrap();
    let f = audit_token(&t, &TokenAuditOptions { now: NOW, keys: &keys, ..TokenAuditOptions::default() }).unwrap();
    let confusion = f.iter().find(|f| f.id == "alg-confusion").unwrap_or_else(|| panic!("{f:?}"));
    assert_eq!(confusion.severity, Severity::High, "{}", confusion.message);
    let target = t.signatures[0].kid().and_then(|kid| keys.iter().find(|k| k.kid.as_deref() == Some(kid))).unwrap();
    assert!(confusion.message.contains(&target.label()), "{}", confusion.message);
    let unused = f.iter().find(|f| f.id == "key-not-used").unwrap_or_else(|| panic!("{f:?}"));
    assert!(!unused.message.contains(&target.label()), "{}", unused.message);
    let others = keys.iter().filter(|k| k.material.kty() != "oct" && k.kid != target.kid);
    for k in others {
        assert!(unused.message.contains(&k.label()), "{} missing from {}", k.label(), unused.message);
    }
}

/// A token without exp is said to work until the key is rotated, in the sentence every lab uses.
#[test]
fn missing_exp_says_what_the_labs_say() {
    let prose = crate::core::engine::sign::sign_payload(&JsonObject::new(), b"hello", "HS256", &strong()).unwrap();
    for (t, starts) in [
        (signed(json!({}), json!({"aud": "a"})), "no \"exp\": the token never expires, so "),
        (token::parse(&prose).unwrap(), "the payload is text, not a JSON object"),
    ] {
        let m = audit(&t).into_iter().find(|f| f.id == "missing-exp").unwrap();
        assert!(m.message.starts_with(starts), "{}", m.message);
        assert!(m.message.ends_with(crate::core::labs::revocation::NO_EXP_CONSEQUENCE), "{}", m.message);
        assert!(!m.message.contains("forever"), "{}", m.message);
    }
}
