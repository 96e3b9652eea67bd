//! Claim checks: `exp`, `nbf`, `iat` against the clock with leeway, the lifetime, `iss`, `aud`,
//! the types of `sub` and `jti`, and the claims the policy requires.

use super::{Check, CheckStatus, Policy, at, check, quoted};
use crate::core::clock::UnixSeconds;
use crate::core::token::{self, Claims, Kind, Token};

pub(super) fn no_claims_checks(token: &Token, policy: &Policy, checks: &mut Vec<Check>, warnings: &mut Vec<String>) {
    if token.kind == Kind::Jws {
        let note = token.payload_note().unwrap_or_default();
        warnings.push(format!("{note}; only the signature was checked"));
    }
    for name in &policy.required_claims {
        checks.push(check(
            name.clone(),
            CheckStatus::Failed,
            format!("required claim \"{name}\" is absent: the token has no claims"),
            "RFC 7519 §4",
        ));
    }
    if policy.issuer.is_some() {
        checks.push(check(
            "iss",
            CheckStatus::Failed,
            "an issuer is expected but the token has no claims",
            "RFC 7519 §4.1.1",
        ));
    }
    if policy.audience.is_some() {
        checks.push(check(
            "aud",
            CheckStatus::Failed,
            "an audience is expected but the token has no claims",
            "RFC 7519 §4.1.3",
        ));
    }
}

#[allow(clippy::too_many_lines)]
pub(super) fn claim_checks(claims: &impl Claims, policy: &Policy, now: UnixSeconds, checks: &mut Vec<Check>) {
    #[allow(clippy::cast_precision_loss)]
    let leeway = policy.leeway as f64;
    let required = |name: &str| policy.required_claims.iter().any(|r| r == name);
    let absent = |name: &'static str, rfc: &'static str, what: &'static str| {
        if required(name) {
            check(name, CheckStatus::Failed, format!("required claim \"{name}\" is absent"), rfc)
        } else {
            check(name, CheckStatus::Absent, what, rfc)
        }
    };

    let exp = token::numeric_date(claims, "exp");
    match &exp {
        Err(e) => checks.push(check("exp", CheckStatus::Failed, e.to_string(), "RFC 7519 §4.1.4")),
        Ok(None) => checks.push(absent("exp", "RFC 7519 §4.1.4", "no \"exp\": the token never expires")),
        Ok(Some(t)) if now >= t + leeway => {
            checks.push(check("exp", CheckStatus::Failed, at("expired", *t, now), "RFC 7519 §4.1.4"));
        }
        Ok(Some(t)) => checks.push(check("exp", CheckStatus::Passed, at("expires", *t, now), "RFC 7519 §4.1.4")),
    }

    match token::numeric_date(claims, "nbf") {
        Err(e) => checks.push(check("nbf", CheckStatus::Failed, e.to_string(), "RFC 7519 §4.1.5")),
        Ok(None) => checks.push(absent("nbf", "RFC 7519 §4.1.5", "no \"nbf\": usable from issuance")),
        Ok(Some(t)) if now + leeway < t => {
            checks.push(check("nbf", CheckStatus::Failed, at("not valid before", t, now), "RFC 7519 §4.1.5"));
        }
        Ok(Some(t)) => checks.push(check("nbf", CheckStatus::Passed, at("valid since", t, now), "RFC 7519 §4.1.5")),
    }

    let iat = token::numeric_date(claims, "iat");
    match &iat {
        Err(e) => checks.push(check("iat", CheckStatus::Failed, e.to_string(), "RFC 7519 §4.1.6")),
        Ok(None) => checks.push(absent("iat", "RFC 7519 §4.1.6", "no \"iat\": issue time unknown")),
        Ok(Some(t)) if now + leeway < *t => {
            checks.push(check("iat", CheckStatus::Failed, at("issued in the future,", *t, now), "RFC 7519 §4.1.6"));
        }
        Ok(Some(t)) => checks.push(check("iat", CheckStatus::Passed, at("issued", *t, now), "RFC 7519 §4.1.6")),
    }

    if let Some(max) = policy.max_lifetime {
        #[allow(clippy::cast_precision_loss)]
        let maxf = max as f64;
        let lifetime = match (&exp, &iat) {
            (Ok(Some(e)), Ok(Some(i))) => Some(e - i),
            _ => None,
        };
        let human = |s: f64| crate::core::clock::human_duration(std::time::Duration::from_secs_f64(s.abs()));
        match lifetime {
            Some(l) if l > maxf => checks.push(check(
                "lifetime",
                CheckStatus::Failed,
                format!("lives {} (exp - iat), longer than the allowed {}", human(l), human(maxf)),
                "RFC 8725 §3.10",
            )),
            Some(l) => checks.push(check(
                "lifetime",
                CheckStatus::Passed,
                format!("lives {}, within {}", human(l), human(maxf)),
                "RFC 8725 §3.10",
            )),
            None => checks.push(check(
                "lifetime",
                CheckStatus::Failed,
                "a maximum lifetime is set but the token lacks a usable exp or iat",
                "RFC 8725 §3.10",
            )),
        }
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

    match (token::audiences(claims), &policy.audience) {
        (Err(e), _) => checks.push(check("aud", CheckStatus::Failed, e.to_string(), "RFC 7519 §4.1.3")),
        (Ok(Some(list)), Some(want)) if list.iter().any(|a| a == want) => {
            checks.push(check("aud", CheckStatus::Passed, quoted("audience includes ", want, ""), "RFC 7519 §4.1.3"));
        }
        (Ok(Some(list)), Some(want)) => checks.push(check(
            "aud",
            CheckStatus::Failed,
            format!("audience {list:?} does not include {want:?}"),
            "RFC 7519 §4.1.3",
        )),
        (Ok(None), Some(want)) => {
            checks.push(check("aud", CheckStatus::Failed, format!("no \"aud\"; expected {want:?}"), "RFC 7519 §4.1.3"));
        }
        (Ok(Some(list)), None) => checks.push(check(
            "aud",
            CheckStatus::NotChecked,
            format!(
                "audience {list:?}; no expected audience was given, so a token meant for another service would pass"
            ),
            "RFC 7519 §4.1.3",
        )),
        (Ok(None), None) => checks.push(absent("aud", "RFC 7519 §4.1.3", "no \"aud\": not restricted to an audience")),
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
