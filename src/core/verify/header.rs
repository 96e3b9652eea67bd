//! Header checks: the serialization, the allowed algorithms, the expected `typ`, and the
//! key-bearing parameters that are never trusted.

use serde_json::Value;

use super::{Check, CheckStatus, Policy, check};
use crate::core::token::{self, Serialization, Token};

pub(super) fn header_checks(
    token: &Token,
    policy: &Policy,
    alg: Option<&str>,
    checks: &mut Vec<Check>,
    warnings: &mut Vec<String>,
) {
    if token.serialization != Serialization::Compact {
        let status = if policy.allow_json_serialization { CheckStatus::Passed } else { CheckStatus::Failed };
        let reason = if policy.allow_json_serialization {
            "JWS JSON serialization, accepted by the policy"
        } else {
            "a JWT always uses the compact serialization; this is JWS JSON, accepted only when the policy allows it"
        };
        checks.push(check("serialization", status, reason, "RFC 7519 §1"));
    }
    if let Some(alg) = alg
        && !alg.eq_ignore_ascii_case("none")
    {
        if policy.algorithms.is_empty() {
            checks.push(check("alg", CheckStatus::NotChecked, "no allowed-algorithm list is set", "RFC 8725 §3.1"));
        } else if policy.algorithms.iter().any(|a| a == alg) {
            checks.push(check("alg", CheckStatus::Passed, format!("{alg} is allowed"), "RFC 8725 §3.1"));
        } else {
            checks.push(check(
                "alg",
                CheckStatus::Failed,
                format!("{alg} is not among the allowed algorithms ({})", policy.algorithms.join(", ")),
                "RFC 8725 §3.1",
            ));
        }
    }
    let typ = token::member(token.header(), "typ");
    match (&policy.typ, typ) {
        (Some(want), Some(Value::String(have))) => {
            let norm = |s: &str| s.to_ascii_lowercase().trim_start_matches("application/").to_owned();
            if norm(want) == norm(have) {
                checks.push(check("typ", CheckStatus::Passed, format!("typ is {have:?}"), "RFC 7515 §4.1.9"));
            } else {
                checks.push(check(
                    "typ",
                    CheckStatus::Failed,
                    format!("typ is {have:?}, expected {want:?}"),
                    "RFC 8725 §3.11",
                ));
            }
        }
        (Some(want), Some(other)) => checks.push(check(
            "typ",
            CheckStatus::Failed,
            format!("typ must be a string, found {}; expected {want:?}", token::json_type(other)),
            "RFC 7515 §4.1.9",
        )),
        (Some(want), None) => {
            checks.push(check(
                "typ",
                CheckStatus::Failed,
                format!("the header has no typ; expected {want:?}"),
                "RFC 8725 §3.11",
            ));
        }
        (None, _) => {}
    }
    for (param, what) in [("jku", "a key URL"), ("x5u", "a certificate URL"), ("jwk", "an embedded key")] {
        if token::member(token.header(), param).is_some() {
            warnings.push(format!(
                "the header carries \"{param}\" ({what}); it was ignored: trusting keys named by the token itself \
                 lets anyone sign (RFC 8725 §3.10)"
            ));
        }
    }
}
