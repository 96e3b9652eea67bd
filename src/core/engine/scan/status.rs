//! Whether a token found still works: its [`Status`] at the scan's instant, from the one
//! judgment's signature verdict and time checks. The scan fails closed: what it cannot tell
//! (encrypted claims, `alg: none`, a time claim that is no number) counts as may-be-live, so a
//! scan never exits 0 over a token a verifier somewhere may still accept.

use serde_json::Value;

use crate::core::engine::audit::{self, Finding, Severity};
use crate::core::engine::judgment::Judgment;
use crate::core::engine::token::{Kind, Token};
use crate::core::engine::verify::{CheckStatus, Selection, SignatureVerdict};

/// The time claims a verifier compares with its clock, in the order a status names them.
pub const TIME_CLAIMS: [&str; 3] = ["exp", "nbf", "iat"];

/// The id of the finding the scan adds for a time claim that is not a number (the audit has no
/// such id of its own: it names only a non-number `exp`, as `missing-exp`).
pub const NOT_A_NUMBER_ID: &str = "time-claim-not-a-number";

/// A token's status at the scan's instant, in the words the text, the JSON (`"status"`) and
/// the window all use ([`Status::word`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Signed (or signed with a loaded key that verifies it) and within its lifetime.
    Live,
    /// Its numeric `exp` has passed.
    Expired,
    /// Its numeric `nbf` or `iat` is still ahead.
    NotYetValid,
    /// A JWE: its claims are encrypted, so its lifetime cannot be read without the key. Counts
    /// as may-be-live.
    Encrypted,
    /// `alg: none` within its lifetime: no signature, so only a verifier that allows `alg: none`
    /// accepts it, and the scan cannot know whether one does. Counts as may-be-live.
    Unsigned,
    /// Keys were given, one was selected for its algorithm (by `kid`, or as a compatible key
    /// tried), and the signature fails with it (or is proven an algorithm-confusion forgery): a
    /// verifier holding that key refuses it, so it does not work there. Not live.
    Forged,
    /// This time claim (`exp`, `nbf` or `iat`) is present but not a number. A strict verifier
    /// refuses the token; a lax one ignores the claim (an `exp` then never expires). The scan
    /// cannot tell which verifier it meets, so it counts as may-be-live.
    NotANumber(&'static str),
}

impl Status {
    /// The status as the report and the window show it: `LIVE`, `expired`, `not yet valid`,
    /// `UNKNOWN (encrypted)`, `UNSIGNED`, `FORGED`, `exp not a number`. Capitals for what may
    /// still work (and `FORGED`, which someone made).
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Self::Live => "LIVE",
            Self::Expired => "expired",
            Self::NotYetValid => "not yet valid",
            Self::Encrypted => "UNKNOWN (encrypted)",
            Self::Unsigned => "UNSIGNED",
            Self::Forged => "FORGED",
            Self::NotANumber("nbf") => "nbf not a number",
            Self::NotANumber("iat") => "iat not a number",
            Self::NotANumber(_) => "exp not a number",
        }
    }

    /// The status in the totals line, lower case: "3 live, 1 encrypted, 2 expired".
    #[must_use]
    pub fn tally_word(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Expired => "expired",
            Self::NotYetValid => "not yet valid",
            Self::Encrypted => "encrypted",
            Self::Unsigned => "unsigned",
            Self::Forged => "forged",
            Self::NotANumber(_) => "with a time claim not a number",
        }
    }

    /// True when the token works or may work at the scan's instant: live, or what the scan
    /// cannot tell (encrypted, unsigned, a time claim that is no number). A scan fails closed.
    #[must_use]
    pub fn may_be_live(self) -> bool {
        matches!(self, Self::Live | Self::Encrypted | Self::Unsigned | Self::NotANumber(_))
    }

    /// The JSON `"live"`: `true` for live, `false` for what does not work (expired, not yet
    /// valid, forged), `null` for what may be live but cannot be told.
    #[must_use]
    pub fn live(self) -> Option<bool> {
        match self {
            Self::Live => Some(true),
            Self::Expired | Self::NotYetValid | Self::Forged => Some(false),
            Self::Encrypted | Self::Unsigned | Self::NotANumber(_) => None,
        }
    }

    /// Every status in the order the totals line names them.
    pub const ALL: [Self; 7] = [
        Self::Live,
        Self::Encrypted,
        Self::Expired,
        Self::NotYetValid,
        Self::Unsigned,
        Self::Forged,
        Self::NotANumber("exp"),
    ];

    /// The status counted under `self` in the totals (every claim's non-number is one tally).
    #[must_use]
    pub fn tally(self) -> Self {
        match self {
            Self::NotANumber(_) => Self::NotANumber("exp"),
            other => other,
        }
    }
}

/// The time claims of `token` that are present but not finite numbers, in [`TIME_CLAIMS`]
/// order.
#[must_use]
pub fn not_numbers(token: &Token) -> Vec<&'static str> {
    let Some(claims) = token.claims() else { return Vec::new() };
    TIME_CLAIMS
        .into_iter()
        .filter(|name| {
            crate::core::engine::token::member(claims, name).is_some_and(|v| !v.as_f64().is_some_and(f64::is_finite))
        })
        .collect()
}

/// The status of `token` from its judgment `j` (with `keyed` when keys were given).
///
/// In order: a JWE cannot be read ([`Status::Encrypted`]); a proven forgery (algorithm
/// confusion with a given public key), or a signature that fails with the key its `kid` names,
/// is [`Status::Forged`] whatever its claims say, as no verifier holding that key accepts it. A
/// signature that fails with keys it does not name (no `kid`, or a `kid` no key has) proves
/// nothing either way, as the keys may be another issuer's: the status stays time-based, as
/// without keys, and the verdict says the signature did not verify. Then
/// the time claims: a numeric `exp` passed is [`Status::Expired`], a numeric `nbf` or `iat`
/// ahead is [`Status::NotYetValid`] (every verifier that reads the claim refuses the token).
/// Within its lifetime, `alg: none` is [`Status::Unsigned`], before a time claim that is no
/// number ([`Status::NotANumber`]): both may be live, and the missing signature is the graver.
#[must_use]
pub fn status(token: &Token, j: &Judgment, keyed: bool) -> Status {
    if token.kind == Kind::Jwe {
        return Status::Encrypted;
    }
    let v = &j.verification;
    // Only a key the token names (its `kid`) is known to be its issuer's: a secret or a key
    // without that kid may be another service's, and its failure proves nothing (a folder of
    // several services' logs scanned with one service's key would turn the others green).
    let issuers_key_refuses = v.signature == SignatureVerdict::Invalid && v.selection == Some(Selection::Kid);
    if keyed && (v.forgery().is_some() || issuers_key_refuses) {
        return Status::Forged;
    }
    let bad = not_numbers(token);
    // A check on a claim that is no number fails too, for its type: only a numeric one that
    // failed says the instant is outside the lifetime.
    let failed = |name: &'static str| {
        !bad.contains(&name) && v.checks.iter().any(|c| c.status == CheckStatus::Failed && c.name == name)
    };
    if failed("exp") {
        return Status::Expired;
    }
    if failed("nbf") || failed("iat") {
        return Status::NotYetValid;
    }
    if v.signature == SignatureVerdict::AlgNone {
        return Status::Unsigned;
    }
    match bad.first() {
        Some(&claim) => Status::NotANumber(claim),
        None => Status::Live,
    }
}

/// The finding the scan adds for each time claim that is not a number: what it holds (a string
/// cut to 40 characters and quoted as JSON quotes it) and why the scan counts the token as
/// may-be-live.
#[must_use]
pub fn not_a_number_findings(token: &Token) -> Vec<Finding> {
    let Some(claims) = token.claims() else { return Vec::new() };
    not_numbers(token)
        .into_iter()
        .filter_map(|name| {
            let value = crate::core::engine::token::member(claims, name)?;
            // A string as JSON writes it: quoted, its quotes, backslashes and controls escaped once.
            let shown = match value {
                Value::String(s) if s.chars().count() > 40 => {
                    let cut: String = s.chars().take(40).collect();
                    format!("the string {}...", Value::String(cut))
                }
                Value::String(_) => format!("the string {value}"),
                Value::Null => "null".to_owned(),
                Value::Bool(b) => b.to_string(),
                Value::Array(_) => "an array".to_owned(),
                Value::Object(_) => "an object".to_owned(),
                Value::Number(_) => "a number out of range".to_owned(),
            };
            Some(audit::finding(
                NOT_A_NUMBER_ID,
                Severity::Medium,
                format!(
                    "\"{name}\" is {shown}, not a number: a strict verifier refuses the token, a lax one ignores \
                     the claim{}; the scan cannot tell which, so it counts the token as may-be-live",
                    if name == "exp" { " and the token never expires" } else { "" }
                ),
                "RFC 7519 §2 (NumericDate), §4.1.4-4.1.6",
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::core::engine::audit::TokenAuditOptions;
    use crate::core::engine::judgment::{audit_policy, judge};
    use crate::core::engine::keys::{Key, SecretEncoding, load_secret};
    use crate::core::engine::sign::sign;
    use crate::core::engine::token::parse;

    const NOW: f64 = 1_700_000_000.0;

    fn secret(text: &str) -> Key {
        load_secret(text.as_bytes(), SecretEncoding::Utf8, "--secret").unwrap()
    }

    fn hs256(claims: &Value, key: &str) -> String {
        let (Value::Object(claims), Value::Object(header)) = (claims.clone(), json!({ "typ": "JWT" })) else {
            unreachable!()
        };
        sign(&header, &claims, "HS256", &secret(key)).unwrap()
    }

    fn hs256_kid(claims: &Value, key: &str, kid: &str) -> String {
        let (Value::Object(claims), Value::Object(header)) = (claims.clone(), json!({ "typ": "JWT", "kid": kid }))
        else {
            unreachable!()
        };
        sign(&header, &claims, "HS256", &secret(key)).unwrap()
    }

    fn unsigned(claims: &Value) -> String {
        use base64::Engine as _;
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(claims.to_string().as_bytes()))
    }

    fn status_of(text: &str, keys: &[Key]) -> Status {
        let token = parse(text).unwrap();
        let opts = TokenAuditOptions { keys, now: NOW, ..TokenAuditOptions::default() };
        status(&token, &judge(&token, &audit_policy(), &opts).unwrap(), !keys.is_empty())
    }

    const KEY: &str = "the issuer's secret, 32 bytes long";

    /// The order the `///` of [`status`] gives: a failed signature before the time claims, a
    /// numeric time claim outside the lifetime before alg none, alg none before a claim that is
    /// no number.
    #[test]
    fn the_status_follows_the_documented_order() {
        let issuer = [secret(KEY)];
        let mut named = secret(KEY);
        named.kid = Some("k1".to_owned());
        let named = [named];
        let forged_and_expired = hs256_kid(&json!({ "exp": NOW - 10.0 }), "someone else's secret, 32 bytes!", "k1");
        assert_eq!(status_of(&forged_and_expired, &named), Status::Forged, "the key its kid names refuses it");
        assert_eq!(status_of(&forged_and_expired, &issuer), Status::Expired, "a key it does not name proves nothing");
        assert_eq!(status_of(&forged_and_expired, &[]), Status::Expired, "no key: time-based");
        // Another service's secret, no kid: the token may be genuine, so it stays live.
        let genuine = hs256(&json!({ "exp": NOW + 60.0 }), "someone else's secret, 32 bytes!");
        assert_eq!(status_of(&genuine, &issuer), Status::Live);
        let not_yet = hs256(&json!({ "nbf": NOW + 60.0, "exp": "later" }), KEY);
        assert_eq!(status_of(&not_yet, &issuer), Status::NotYetValid, "a numeric nbf ahead decides");
        let iat_ahead = hs256(&json!({ "iat": NOW + 3600.0 }), KEY);
        assert_eq!(status_of(&iat_ahead, &[]), Status::NotYetValid);
        assert_eq!(status_of(&unsigned(&json!({ "exp": "later" })), &issuer), Status::Unsigned);
        assert_eq!(status_of(&unsigned(&json!({ "exp": NOW - 1.0 })), &issuer), Status::Expired);
        let nan = hs256(&json!({ "exp": NOW + 60.0, "iat": "now", "nbf": [1] }), KEY);
        assert_eq!(status_of(&nan, &issuer), Status::NotANumber("nbf"), "nbf named before iat");
        assert_eq!(status_of(&hs256(&json!({ "exp": NOW + 60.0 }), KEY), &issuer), Status::Live);
        // An RSA public key cannot verify HS256: no key selected, so the status is time-based.
        let rsa = crate::core::engine::keys::load_file(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/keys/rsa2048-spki.pem"),
        )
        .unwrap();
        let other = hs256(&json!({ "exp": NOW + 60.0 }), "someone else's secret, 32 bytes!");
        assert_eq!(status_of(&other, &rsa), Status::Live);
    }

    /// What each status counts as, in the JSON and for the exit code.
    #[test]
    fn may_be_live_and_the_json_live_agree() {
        for s in Status::ALL.into_iter().chain([Status::NotANumber("nbf"), Status::NotANumber("iat")]) {
            assert_eq!(s.may_be_live(), s.live() != Some(false), "{s:?}");
            assert!(!s.word().is_empty() && !s.tally_word().is_empty());
        }
        assert_eq!(Status::NotANumber("iat").word(), "iat not a number");
        assert_eq!(Status::Forged.live(), Some(false));
        assert_eq!(Status::Unsigned.live(), None);
    }
}
