//! Claim checks: `exp`, `nbf`, `iat` against the clock with leeway, the lifetime, `iss`, `aud`,
//! the types of `sub` and `jti`, and the claims the policy requires.

use super::{Check, CheckStatus, Policy, at, check, quoted};
use crate::core::engine::clock::{UnixSeconds, human_duration};
use crate::core::engine::limits::MAX_DURATION_SECONDS;
use crate::core::engine::token::{self, ClaimTypeError, Claims, PayloadProblem};

type DateClaim = Result<Option<f64>, ClaimTypeError>;

/// `exp - iat` against the policy's maximum. Token numbers are any finite f64 (±1.8e308), so
/// the difference may be infinite; it is compared and shown, never converted to a `Duration`
/// unless it fits one.
fn lifetime_check(exp: &DateClaim, iat: &DateClaim, max: u64) -> Check {
    let maxf = max as f64;
    let lifetime = match (exp, iat) {
        (Ok(Some(e)), Ok(Some(i))) => e - i,
        _ => {
            return check(
                "lifetime",
                CheckStatus::Failed,
                "a maximum lifetime is set but the token lacks a usable exp or iat",
                "RFC 8725 §3.10",
            );
        }
    };
    let (life, allowed) = (span(lifetime), span(maxf));
    // Rounded words can read the same for different figures ("1 h" for 3601 s and 3600 s): a
    // verdict must not compare equal-looking figures, so then both carry their exact seconds.
    let exact = life == allowed && (lifetime - maxf).abs() > 0.0;
    if lifetime > maxf {
        let reason = if exact {
            format!("lives {life} ({lifetime} s from iat to exp), longer than the allowed {allowed} ({maxf} s)")
        } else {
            format!("lives {life} (exp - iat), longer than the allowed {allowed}")
        };
        return check("lifetime", CheckStatus::Failed, reason, "RFC 8725 §3.10");
    }
    let reason = if lifetime < 0.0 {
        format!("exp is {} before iat, within the allowed {}", span(-lifetime), span(maxf))
    } else if exact {
        format!("lives {life} ({lifetime} s), within {allowed} ({maxf} s)")
    } else {
        format!("lives {life}, within {allowed}")
    };
    check("lifetime", CheckStatus::Passed, reason, "RFC 8725 §3.10")
}

/// A span of seconds in words ("1 h", "3.0 years"); beyond the calendar, in scientific notation.
fn span(seconds: f64) -> String {
    let calendar = MAX_DURATION_SECONDS as f64;
    match std::time::Duration::try_from_secs_f64(seconds.abs()) {
        Ok(d) if seconds.abs() <= calendar => human_duration(d),
        _ => format!("{seconds:e} seconds"),
    }
}

/// The checks when the payload yields no claims. Unreadable claims fail the token (RFC 7519
/// §7.2 step 10: fail closed, never "only the signature was checked"); so does a payload that
/// is not a claims object under a header that says JWT. Any other JWS payload is judged by its
/// signature alone, with a warning.
pub(super) fn no_claims_checks(
    problem: &PayloadProblem,
    says_jwt: bool,
    policy: &Policy,
    checks: &mut Vec<Check>,
    warnings: &mut Vec<String>,
) {
    match problem {
        PayloadProblem::Unreadable { .. } => {
            checks.push(check(
                "claims",
                CheckStatus::Failed,
                format!("{problem}; claims that cannot be read are never accepted"),
                "RFC 7519 §7.2",
            ));
        }
        PayloadProblem::NotClaims(_) if says_jwt => {
            checks.push(check(
                "claims",
                CheckStatus::Failed,
                format!("{problem}, yet the header's typ says it is a JWT (RFC 7519 §7.2 step 10)"),
                "RFC 7519 §7.2",
            ));
        }
        PayloadProblem::NotClaims(_) => warnings.push(format!("{problem}; only the signature was checked")),
        PayloadProblem::Encrypted => {}
    }
    // Every policy field that asks something of the claims fails when there are none: a
    // claim-less payload must never pass a policy stricter than the default. (`typ` and the
    // algorithms are header checks; the leeway only loosens the time checks.)
    let none = match problem {
        PayloadProblem::NotClaims(_) => "the payload is not a JSON object, so the token has no claims",
        PayloadProblem::Unreadable { .. } => "the token's claims cannot be read",
        PayloadProblem::Encrypted => "the token is encrypted, so its claims cannot be read",
    };
    for name in &policy.required_claims {
        checks.push(check(
            name.clone(),
            CheckStatus::Failed,
            format!("required claim \"{name}\" is absent: {none}"),
            "RFC 7519 §4",
        ));
    }
    if policy.issuer.is_some() {
        checks.push(check("iss", CheckStatus::Failed, format!("an issuer is expected but {none}"), "RFC 7519 §4.1.1"));
    }
    if !policy.audience.is_empty() {
        checks.push(check(
            "aud",
            CheckStatus::Failed,
            format!("an audience is expected but {none}"),
            "RFC 7519 §4.1.3",
        ));
    }
    if policy.max_lifetime.is_some() {
        checks.push(check(
            "lifetime",
            CheckStatus::Failed,
            format!("a maximum lifetime is set but {none}: no exp or iat bounds it"),
            "RFC 8725 §3.10",
        ));
    }
}

#[allow(clippy::too_many_lines)]
pub(super) fn claim_checks(claims: &impl Claims, policy: &Policy, now: Option<UnixSeconds>, checks: &mut Vec<Check>) {
    // An out-of-range leeway is refused by the policy check; here it only has to be finite.
    let leeway = policy.leeway as f64;
    let required = |name: &str| policy.required_claims.iter().any(|r| r == name);
    let absent = |name: &'static str, rfc: &'static str, what: &'static str| {
        if required(name) {
            check(name, CheckStatus::Failed, format!("required claim \"{name}\" is absent"), rfc)
        } else {
            check(name, CheckStatus::Absent, what, rfc)
        }
    };
    // With no usable instant nothing can be compared; the time check says why it failed.
    let unjudged = |name: &'static str, rfc: &'static str| {
        check(name, CheckStatus::NotChecked, "not judged: the verification instant is unusable", rfc)
    };

    let exp = token::numeric_date(claims, "exp");
    match (&exp, now) {
        (Err(e), _) => checks.push(check("exp", CheckStatus::Failed, e.to_string(), "RFC 7519 §4.1.4")),
        (Ok(None), _) => checks.push(absent("exp", "RFC 7519 §4.1.4", "no \"exp\": the token never expires")),
        (Ok(Some(_)), None) => checks.push(unjudged("exp", "RFC 7519 §4.1.4")),
        (Ok(Some(t)), Some(now)) if now >= t + leeway => {
            checks.push(check("exp", CheckStatus::Failed, at("expired", *t, now), "RFC 7519 §4.1.4"));
        }
        (Ok(Some(t)), Some(now)) => {
            checks.push(check("exp", CheckStatus::Passed, at("expires", *t, now), "RFC 7519 §4.1.4"));
        }
    }

    match (token::numeric_date(claims, "nbf"), now) {
        (Err(e), _) => checks.push(check("nbf", CheckStatus::Failed, e.to_string(), "RFC 7519 §4.1.5")),
        (Ok(None), _) => checks.push(absent("nbf", "RFC 7519 §4.1.5", "no \"nbf\": usable from issuance")),
        (Ok(Some(_)), None) => checks.push(unjudged("nbf", "RFC 7519 §4.1.5")),
        (Ok(Some(t)), Some(now)) if now + leeway < t => {
            checks.push(check("nbf", CheckStatus::Failed, at("not valid before", t, now), "RFC 7519 §4.1.5"));
        }
        (Ok(Some(t)), Some(now)) => {
            checks.push(check("nbf", CheckStatus::Passed, at("valid since", t, now), "RFC 7519 §4.1.5"));
        }
    }

    let iat = token::numeric_date(claims, "iat");
    match (&iat, now) {
        (Err(e), _) => checks.push(check("iat", CheckStatus::Failed, e.to_string(), "RFC 7519 §4.1.6")),
        (Ok(None), _) => checks.push(absent("iat", "RFC 7519 §4.1.6", "no \"iat\": issue time unknown")),
        (Ok(Some(_)), None) => checks.push(unjudged("iat", "RFC 7519 §4.1.6")),
        (Ok(Some(t)), Some(now)) if now + leeway < *t => {
            checks.push(check("iat", CheckStatus::Failed, at("issued in the future,", *t, now), "RFC 7519 §4.1.6"));
        }
        (Ok(Some(t)), Some(now)) => {
            checks.push(check("iat", CheckStatus::Passed, at("issued", *t, now), "RFC 7519 §4.1.6"));
        }
    }

    if let Some(max) = policy.max_lifetime {
        checks.push(lifetime_check(&exp, &iat, max));
    }

    match (token::string_claim(claims, "iss"), &policy.issuer) {
        (Err(e), _) => checks.push(check("iss", CheckStatus::Failed, e.to_string(), "RFC 7519 §4.1.1")),
        (Ok(Some(have)), Some(want)) if have == want => {
            checks.push(check("iss", CheckStatus::Passed, quoted("issuer is ", have, ""), "RFC 7519 §4.1.1"));
        }
        (Ok(Some(have)), Some(want)) => checks.push(check(
            "iss",
            CheckStatus::Failed,
            format!("issuer is {have:?}, expected {want:?}"),
            "RFC 7519 §4.1.1",
        )),
        (Ok(None), Some(want)) => {
            checks.push(check("iss", CheckStatus::Failed, format!("no \"iss\"; expected {want:?}"), "RFC 7519 §4.1.1"));
        }
        (Ok(Some(have)), None) => checks.push(check(
            "iss",
            CheckStatus::NotChecked,
            format!("issuer is {have:?}; no expected issuer was given, so anyone's token would pass"),
            "RFC 7519 §4.1.1",
        )),
        (Ok(None), None) => checks.push(absent("iss", "RFC 7519 §4.1.1", "no \"iss\": issuer not stated")),
    }

    let wanted = &policy.audience;
    // One expected audience is shown as a string, several as a list.
    let want_text = || match wanted.as_slice() {
        [one] => format!("{one:?}"),
        many => format!("one of {many:?}"),
    };
    match token::audiences(claims) {
        Err(e) => checks.push(check("aud", CheckStatus::Failed, e.to_string(), "RFC 7519 §4.1.3")),
        Ok(Some(list)) if !wanted.is_empty() => match wanted.iter().find(|w| list.iter().any(|a| a == *w)) {
            Some(found) => {
                checks.push(check(
                    "aud",
                    CheckStatus::Passed,
                    quoted("audience includes ", found, ""),
                    "RFC 7519 §4.1.3",
                ));
            }
            None => checks.push(check(
                "aud",
                CheckStatus::Failed,
                format!("audience {list:?} does not include {}", want_text()),
                "RFC 7519 §4.1.3",
            )),
        },
        Ok(None) if !wanted.is_empty() => checks.push(check(
            "aud",
            CheckStatus::Failed,
            format!("no \"aud\"; expected {}", want_text()),
            "RFC 7519 §4.1.3",
        )),
        Ok(Some(list)) => checks.push(check(
            "aud",
            CheckStatus::NotChecked,
            format!(
                "audience {list:?}; no expected audience was given, so a token meant for another service would pass"
            ),
            "RFC 7519 §4.1.3",
        )),
        Ok(None) => checks.push(absent("aud", "RFC 7519 §4.1.3", "no \"aud\": not restricted to an audience")),
    }

    for (name, rfc) in [("sub", "RFC 7519 §4.1.2"), ("jti", "RFC 7519 §4.1.7")] {
        if let Err(e) = token::string_claim(claims, name) {
            checks.push(check(name, CheckStatus::Failed, e.to_string(), rfc));
        }
    }

    for name in &policy.required_claims {
        if ["exp", "nbf", "iat", "iss", "aud"].contains(&name.as_str()) {
            continue; // judged above, with their absence turned into a failure
        }
        if claims.claim(name).is_some() {
            checks.push(check(
                name.clone(),
                CheckStatus::Passed,
                format!("required claim \"{name}\" is present"),
                "RFC 7519 §4",
            ));
        } else {
            checks.push(check(
                name.clone(),
                CheckStatus::Failed,
                format!("required claim \"{name}\" is absent"),
                "RFC 7519 §4",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Number, Value};

    use super::span;
    use crate::core::engine::keys::{Key, SecretEncoding, load_secret};
    use crate::core::engine::limits::{EARLIEST, LATEST, MAX_DURATION_SECONDS};
    use crate::core::engine::sign::sign;
    use crate::core::engine::token::{JsonObject, parse};
    use crate::core::engine::verify::{CheckStatus, Policy, verify};

    fn key() -> Key {
        load_secret(&[7u8; 32], SecretEncoding::Raw, "k").unwrap()
    }

    /// Any JSON number a token can carry: the whole finite f64 range, with the edges and the
    /// integers around now weighted in.
    fn date() -> impl Strategy<Value = Option<f64>> {
        prop_oneof![
            Just(None),
            (-2e9f64..4e9).prop_map(Some),
            any::<f64>().prop_filter("JSON numbers are finite", |f| f.is_finite()).prop_map(Some),
            prop::sample::select(vec![f64::MAX, f64::MIN, 0.0, -0.0, 1e300, -1e300, 1.844_674_407_370_955_2e19])
                .prop_map(Some),
        ]
    }

    /// Any instant a caller may hand the verifier, usable or not.
    fn instant() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => -2e9f64..4e9,
            1 => any::<f64>(),
            1 => prop::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, EARLIEST, LATEST, LATEST + 1.0]),
        ]
    }

    fn seconds() -> impl Strategy<Value = u64> {
        prop_oneof![
            4 => 0u64..100_000,
            1 => any::<u64>(),
            1 => prop::sample::select(vec![0, MAX_DURATION_SECONDS, MAX_DURATION_SECONDS + 1, u64::MAX]),
        ]
    }

    fn token(exp: Option<f64>, nbf: Option<f64>, iat: Option<f64>) -> String {
        let mut claims = JsonObject::new();
        for (name, value) in [("exp", exp), ("nbf", nbf), ("iat", iat)] {
            if let Some(n) = value.and_then(Number::from_f64) {
                claims.insert(name.into(), Value::Number(n));
            }
        }
        sign(&JsonObject::new(), &claims, "HS256", &key()).unwrap()
    }

    /// A JWS over `payload`, signed with [`key`], its header without typ.
    fn over(payload: &[u8]) -> String {
        use crate::core::engine::token::encode_b64url;
        let input = format!("{}.{}", encode_b64url(br#"{"alg":"HS256"}"#), encode_b64url(payload));
        let tag = aws_lc_rs::hmac::sign(
            &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &[7u8; 32]),
            input.as_bytes(),
        );
        format!("{input}.{}", encode_b64url(tag.as_ref()))
    }

    /// Every policy field that asks something of the claims fails a payload that has none (text,
    /// an array, a number, nothing at all), naming why; the fields that only loosen or judge the
    /// header leave it judged by its signature alone.
    #[test]
    fn a_claim_less_payload_fails_every_policy_that_asks_for_claims() {
        let strict: [(&str, Policy); 5] = [
            ("lifetime", Policy { max_lifetime: Some(60), ..Policy::default() }),
            ("iss", Policy { issuer: Some("https://id".into()), ..Policy::default() }),
            ("aud", Policy { audience: vec!["api".into()], ..Policy::default() }),
            ("exp", Policy { required_claims: vec!["exp".into()], ..Policy::default() }),
            ("sub", Policy { required_claims: vec!["sub".into()], ..Policy::default() }),
        ];
        let loose = [
            Policy::default(),
            Policy { leeway: 30, ..Policy::default() },
            Policy { algorithms: vec!["HS256".into()], ..Policy::default() },
            Policy { allow_json_serialization: true, ..Policy::default() },
        ];
        for payload in [&b"hello"[..], b"[1,2,3]", b"42", b"", b"\"{}\""] {
            let t = parse(&over(payload)).unwrap();
            for (name, policy) in &strict {
                let v = verify(&t, &[key()], policy, 1_700_000_000.0);
                assert!(!v.valid, "{payload:?} {name}: {}", v.summary());
                let failed = v.failed_checks().find(|c| c.name == *name).unwrap_or_else(|| panic!("{name}: {v:?}"));
                assert!(failed.reason.to_string().contains("the payload is not a JSON object"), "{}", failed.reason);
            }
            for policy in &loose {
                let v = verify(&t, &[key()], policy, 1_700_000_000.0);
                assert!(v.valid && !v.claims_checked, "{payload:?} {policy:?}: {}", v.summary());
            }
            // typ is a header check: the header has none, so an expected typ fails there.
            let typ = Policy { typ: Some("JWT".into()), ..Policy::default() };
            let v = verify(&t, &[key()], &typ, 1_700_000_000.0);
            assert!(!v.valid && v.failed_checks().any(|c| c.name == "typ"), "{}", v.summary());
        }
    }

    /// A lifetime one second over the maximum must not read as equal to it: when the rounded
    /// words match, both figures carry their exact seconds; otherwise the words suffice.
    #[test]
    fn a_lifetime_over_the_maximum_never_reads_equal_to_it() {
        let reason = |lifetime: f64, max: u64| {
            let t = parse(&token(Some(1_700_000_000.0 + lifetime), None, Some(1_700_000_000.0))).unwrap();
            let policy = Policy { max_lifetime: Some(max), ..Policy::default() };
            let v = verify(&t, &[key()], &policy, 1_700_000_000.0);
            let c = v.checks.iter().find(|c| c.name == "lifetime").unwrap();
            (c.status, c.reason.to_string())
        };
        let (status, text) = reason(3601.0, 3600);
        assert_eq!(status, CheckStatus::Failed);
        assert_eq!(text, "lives 1 h (3601 s from iat to exp), longer than the allowed 1 h (3600 s)");
        assert_eq!(reason(7200.0, 3600).1, "lives 2 h (exp - iat), longer than the allowed 1 h");
        assert_eq!(reason(3600.0, 3600), (CheckStatus::Passed, "lives 1 h, within 1 h".into()));
        assert_eq!(reason(3599.0, 3600).1, "lives 59 min, within 1 h");
        assert_eq!(reason(3600.5, 3601).1, "lives 1 h (3600.5 s), within 1 h (3601 s)");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 384, failure_persistence: None, ..ProptestConfig::default() })]

        /// No number in a token or a policy makes verification panic, and VALID always means
        /// every time rule holds for a usable instant.
        #[test]
        fn time_arithmetic_never_panics_and_valid_means_in_time(
            exp in date(), nbf in date(), iat in date(), now in instant(),
            leeway in seconds(), max_lifetime in prop::option::of(seconds()),
        ) {
            let t = parse(&token(exp, nbf, iat)).unwrap();
            let policy = Policy { leeway, max_lifetime, ..Policy::default() };
            let v = verify(&t, &[key()], &policy, now);
            let _ = (v.summary(), serde_json::to_string(&v).unwrap());
            for c in &v.checks {
                let _ = c.reason.to_string();
            }
            if v.valid {
                prop_assert!(now.is_finite() && (EARLIEST..=LATEST).contains(&now));
                prop_assert!(leeway <= MAX_DURATION_SECONDS);
                let l = leeway as f64;
                if let Some(e) = exp { prop_assert!(now < e + l, "exp {e} now {now} leeway {l}"); }
                if let Some(n) = nbf { prop_assert!(now + l >= n); }
                if let Some(i) = iat { prop_assert!(now + l >= i); }
                if let Some(max) = max_lifetime {
                    let (e, i) = (exp.unwrap(), iat.unwrap());
                    prop_assert!(max <= MAX_DURATION_SECONDS && e - i <= max as f64);
                }
            } else if now.is_nan() {
                prop_assert!(v.checks.iter().any(|c| c.name == "time" && c.status == CheckStatus::Failed));
            }
        }

        /// More leeway never turns a valid token invalid.
        #[test]
        fn leeway_is_monotonic(exp in date(), nbf in date(), iat in date(), now in -2e9f64..4e9, a in 0u64..1_000_000, b in 0u64..1_000_000) {
            let t = parse(&token(exp, nbf, iat)).unwrap();
            let (small, large) = (a.min(b), a.max(b));
            let judge = |leeway| verify(&t, &[key()], &Policy { leeway, ..Policy::default() }, now).valid;
            prop_assert!(!judge(small) || judge(large));
        }

        /// Spans are words for any f64, finite or not.
        #[test]
        fn spans_never_panic(s in any::<f64>()) {
            prop_assert!(!span(s).is_empty());
        }
    }
}
