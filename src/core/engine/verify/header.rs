//! Header checks: the serialization, the allowed algorithms, the expected `typ`, and the
//! key-bearing parameters that are never trusted. Each JWS JSON signature is judged with its
//! own header (protected and unprotected together, RFC 7515 §7.2.1): the policy decides which
//! signatures are worth verifying before any key is tried.

use serde_json::Value;

use super::{Check, CheckStatus, Policy, check};
use crate::core::engine::token::{self, JsonObject, JwsSignature, Serialization, Token};

/// The serialization check, when the token is not compact.
fn serialization_check(token: &Token, policy: &Policy) -> Option<Check> {
    if token.serialization == Serialization::Compact {
        return None;
    }
    let (status, reason) = if token.kind == token::Kind::Jwe {
        // Nothing is verified in a JWE; its JSON forms are how JOSE encrypts to several
        // recipients. Said, not failed: the verdict already says it is encrypted.
        (CheckStatus::NotChecked, "JWE JSON serialization: a JWT is compact, but a JWE is decrypted, not verified")
    } else if policy.allow_json_serialization {
        (CheckStatus::Passed, "JWS JSON serialization, accepted by the policy")
    } else {
        (
            CheckStatus::Failed,
            "a JWT always uses the compact serialization; this is JWS JSON, accepted only when the policy allows it",
        )
    };
    Some(check("serialization", status, reason, "RFC 7519 §1"))
}

/// The allowed-algorithm check for a header's `alg` (none for `none`, judged elsewhere).
fn alg_check(policy: &Policy, alg: Option<&str>) -> Option<Check> {
    let alg = alg.filter(|a| !a.eq_ignore_ascii_case("none"))?;
    Some(if policy.algorithms.is_empty() {
        check("alg", CheckStatus::NotChecked, "no allowed-algorithm list is set", "RFC 8725 §3.1")
    } else if policy.algorithms.iter().any(|a| a == alg) {
        check("alg", CheckStatus::Passed, format!("{alg} is allowed"), "RFC 8725 §3.1")
    } else {
        check(
            "alg",
            CheckStatus::Failed,
            format!("{alg} is not among the allowed algorithms ({})", policy.algorithms.join(", ")),
            "RFC 8725 §3.1",
        )
    })
}

/// The expected-`typ` check, when the policy expects one.
fn typ_check(policy: &Policy, typ: Option<&Value>) -> Option<Check> {
    let want = policy.typ.as_ref()?;
    Some(match typ {
        Some(Value::String(have)) => {
            let norm = |s: &str| s.to_ascii_lowercase().trim_start_matches("application/").to_owned();
            if norm(want) == norm(have) {
                check("typ", CheckStatus::Passed, format!("typ is {have:?}"), "RFC 7515 §4.1.9")
            } else {
                check("typ", CheckStatus::Failed, format!("typ is {have:?}, expected {want:?}"), "RFC 8725 §3.11")
            }
        }
        Some(other) => check(
            "typ",
            CheckStatus::Failed,
            format!("typ must be a string, found {}; expected {want:?}", token::json_type(other)),
            "RFC 7515 §4.1.9",
        ),
        None => {
            check("typ", CheckStatus::Failed, format!("the header has no typ; expected {want:?}"), "RFC 8725 §3.11")
        }
    })
}

/// Why the policy refuses this signature before any key is tried: the serialization, its
/// `alg`, its `typ`. `None` when its header satisfies the policy.
pub(super) fn policy_refusal(token: &Token, sig: &JwsSignature, policy: &Policy) -> Option<String> {
    // The common case, no header expectation at all, costs nothing.
    if policy.algorithms.is_empty()
        && policy.typ.is_none()
        && (token.serialization == Serialization::Compact || policy.allow_json_serialization)
    {
        return None;
    }
    [serialization_check(token, policy), alg_check(policy, sig.alg()), typ_check(policy, sig.param("typ"))]
        .into_iter()
        .flatten()
        .find(|c| c.status == CheckStatus::Failed)
        .map(|c| c.reason.to_string())
}

/// True when a `typ` says the token is a JWT (`JWT`, `application/jwt`, `at+jwt`…): then its
/// payload must be a claims object (RFC 7519 §7.2 step 10).
pub(super) fn says_jwt(typ: Option<&Value>) -> bool {
    typ.and_then(Value::as_str).is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        let t = t.trim_start_matches("application/");
        t == "jwt" || t.ends_with("+jwt")
    })
}

/// The header checks of the token as shown: the serialization, and `alg` and `typ` of the
/// signature the verdict is about (or of the JWE header).
pub(super) fn header_checks(
    token: &Token,
    sig: Option<&JwsSignature>,
    policy: &Policy,
    checks: &mut Vec<Check>,
    warnings: &mut Vec<String>,
) {
    let (alg, typ) = match sig {
        Some(s) => (s.alg(), s.param("typ")),
        None => (token.alg(), token::member(token.header(), "typ")),
    };
    checks.extend(serialization_check(token, policy));
    checks.extend(alg_check(policy, alg));
    checks.extend(typ_check(policy, typ));
    let headers: [Option<&JsonObject>; 2] = match sig {
        Some(s) => [Some(&s.header), s.unprotected.as_ref()],
        None => [Some(token.header()), None],
    };
    for (param, what) in [("jku", "a key URL"), ("x5u", "a certificate URL"), ("jwk", "an embedded key")] {
        if headers.iter().flatten().any(|h| token::member(h, param).is_some()) {
            warnings.push(format!(
                "the header carries \"{param}\" ({what}); it was ignored: trusting keys named by the token itself \
                 lets anyone sign (RFC 8725 §3.10)"
            ));
        }
    }
}
