//! Signature and claims verification against an injected clock and a [`Policy`].
//!
//! One [`Verification`] says everything the GUI and the CLI show: the signature verdict, which
//! key matched and why every other key did not, every claim check with its RFC section, and
//! every warning. `valid` is true only when the signature verifies with a loaded key and no
//! check failed.

mod claims;
mod confusion;
mod header;
mod signature;
mod verdict;

use std::borrow::Cow;

use serde::Serialize;

pub use self::confusion::{Confusion, ConfusionEvidence, algorithm_confusion};
use self::signature::SigResult;
use crate::core::engine::clock::{UnixSeconds, format_relative, format_utc};
use crate::core::engine::keys::Key;
pub use crate::core::engine::keys::SUPPORTED_ALGORITHMS;
use crate::core::engine::limits;
use crate::core::engine::token::{self, JwsSignature, Kind, Token};

/// Said of every token whose claims have no `exp`: nothing bounds its lifetime.
pub const NO_EXP_WARNING: &str = "no exp: this token never expires; a stolen copy works until the signing key is \
    rotated (best practice: give every token a short exp, RFC 7519 §4.1.4)";

/// The registered claims the checks judge.
const REGISTERED: [&str; 7] = ["exp", "nbf", "iat", "iss", "aud", "sub", "jti"];

/// What the user expects of a token. The default checks time claims when present and
/// nothing else: checks without an expectation are reported as "not checked".
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Policy {
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
    pub leeway: u64,
    /// Claims that must be present.
    pub required_claims: Vec<String>,
    /// Expected `iss`.
    pub issuer: Option<String>,
    /// Accepted audiences: when any is given, at least one must appear in `aud`. (Settings
    /// saved when this was a single value still load.)
    #[serde(deserialize_with = "one_or_many")]
    pub audience: Vec<String>,
    /// Expected header `typ` (compared case-insensitively, `application/` optional).
    pub typ: Option<String>,
    /// Allowed algorithms; empty means every supported one.
    pub algorithms: Vec<String>,
    /// Longest accepted `exp - iat`, in seconds.
    pub max_lifetime: Option<u64>,
    /// Accept the JWS JSON serialization (a JWT must be compact, RFC 7519 §1).
    pub allow_json_serialization: bool,
}

/// `null`, `"api"` or `["api", "web"]`: a list either way.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let value: Option<OneOrMany> = serde::Deserialize::deserialize(d)?;
    Ok(match value {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
    })
}

/// The signature verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureVerdict {
    /// A loaded key verifies the signature.
    Valid,
    /// Keys were tried and none verifies the signature.
    Invalid,
    /// No loaded key can verify this algorithm (or every candidate was rejected).
    NoMatchingKey,
    /// The algorithm is unknown to the verifier.
    UnsupportedAlgorithm,
    /// `alg: none`: an unsecured JWS, never valid.
    AlgNone,
    /// The header makes verification impossible (no `alg`, unknown `crit`…).
    Malformed,
    /// The policy refuses every signature's header (serialization, `alg`, `typ`), so no key was
    /// tried.
    RefusedByPolicy,
    /// A JWE: signatures do not apply, the content is encrypted.
    Encrypted,
}

impl SignatureVerdict {
    /// A short phrase for banners.
    #[must_use]
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Valid => "signature valid",
            Self::Invalid => "signature invalid",
            Self::NoMatchingKey => "no matching key",
            Self::UnsupportedAlgorithm => "unsupported algorithm",
            Self::AlgNone => "unsecured (alg none)",
            Self::Malformed => "malformed header",
            Self::RefusedByPolicy => "refused by policy",
            Self::Encrypted => "encrypted (JWE)",
        }
    }
}

/// How the matched key was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    /// The token's `kid` equals the key's.
    Kid,
    /// The token has no `kid`: every compatible key was tried.
    NoKid,
    /// The token's `kid` matched no key: every compatible key was tried.
    KidFallback,
}

/// What happened with one loaded key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyOutcome {
    /// This key verifies the signature.
    Verified,
    /// Tried; the signature does not verify with it.
    WrongSignature,
    /// Not tried: incompatible with the algorithm or not selected by kid.
    Skipped,
    /// Not tried: the key's own metadata forbids this use.
    Rejected,
}

/// One loaded key and what happened with it. The key itself (label, kind, thumbprint) is
/// `keys[index]` of the list that was verified against.
#[derive(Debug, Clone, Serialize)]
pub struct KeyAttempt {
    /// Index in the key list.
    pub index: usize,
    /// What happened.
    pub outcome: KeyOutcome,
    /// Why, in words.
    pub reason: Cow<'static, str>,
}

/// Result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The check passed.
    Passed,
    /// The check failed: the token is invalid.
    Failed,
    /// The claim is absent (fails only when required; then it is `Failed`).
    Absent,
    /// No expectation was set, so nothing was compared.
    NotChecked,
}

/// Why a check came out as it did. Times are kept as numbers and formatted only when shown:
/// rendering three dates costs more than verifying an HMAC.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Plain text.
    Text(Cow<'static, str>),
    /// `{prefix}"{value}"{suffix}`, the value quoted and escaped when shown.
    Quoted {
        /// Text before the value.
        prefix: &'static str,
        /// The value, from the token or the policy.
        value: String,
        /// Text after the value.
        suffix: &'static str,
    },
    /// `"{prefix} {UTC time} ({relative to now})"`.
    Time {
        /// What happens at `at` ("expires", "valid since"…).
        prefix: &'static str,
        /// The instant, Unix seconds.
        at: UnixSeconds,
        /// The verification instant, for the relative part.
        now: UnixSeconds,
    },
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Text(t) => f.write_str(t),
            Self::Quoted { prefix, value, suffix } => write!(f, "{prefix}{value:?}{suffix}"),
            Self::Time { prefix, at, now } => {
                write!(f, "{prefix} {} ({})", format_utc(*at), format_relative(*at, *now))
            }
        }
    }
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl From<String> for Reason {
    fn from(s: String) -> Self {
        Self::Text(Cow::Owned(s))
    }
}

impl From<&'static str> for Reason {
    fn from(s: &'static str) -> Self {
        Self::Text(Cow::Borrowed(s))
    }
}

/// One claim or header check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What was checked: a claim name or a header parameter.
    pub name: Cow<'static, str>,
    /// The status.
    pub status: CheckStatus,
    /// A human reason.
    pub reason: Reason,
    /// The specification section behind the rule.
    pub rfc: &'static str,
}

/// Everything verification found.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// Signature valid with a loaded key and no check failed.
    pub valid: bool,
    /// The signature verdict.
    pub signature: SignatureVerdict,
    /// Why, in words.
    pub signature_reason: String,
    /// The token's `alg`, when it is a string.
    pub alg: Option<String>,
    /// Index of the key that verified the signature.
    pub matched_key: Option<usize>,
    /// How it was selected.
    pub selection: Option<Selection>,
    /// Every loaded key and what happened with it.
    pub attempts: Vec<KeyAttempt>,
    /// Every check.
    pub checks: Vec<Check>,
    /// Everything worth knowing that does not by itself invalidate the token.
    pub warnings: Vec<String>,
    /// Whether the payload was judged as a JWT claims set. False for a JWS over other bytes
    /// (prose, binary, JSON that is not an object, under a header that does not say JWT):
    /// only its signature was judged, and the summary says so rather than "every check passed".
    pub claims_checked: bool,
    /// The instant the time claims were judged at.
    pub now: UnixSeconds,
    /// The leeway applied.
    pub leeway: u64,
    /// The judged signature's `kid`, named when the token is a forgery aimed at a key (not in
    /// the JSON: the token carries it).
    #[serde(skip)]
    pub kid: Option<String>,
}

/// What a valid verdict adds when the payload is not a claims set (a JWS over other bytes).
pub const SIGNATURE_ONLY: &str = "the payload is not a JSON object, so it is not a JWT claims set: only the \
    signature was judged (no exp, nbf or other claim)";

impl Verification {
    /// The checks that failed.
    pub fn failed_checks(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.status == CheckStatus::Failed)
    }
}

/// Verifies `token` with `keys` under `policy`, judging time claims at `now`.
#[must_use]
pub fn verify(token: &Token, keys: &[Key], policy: &Policy, now: UnixSeconds) -> Verification {
    let mut warnings = token.parse_notes().to_vec();
    let mut checks = Vec::with_capacity(12);

    let (sig_result, shown) = judge_signatures(token, keys, policy, &mut warnings);
    warnings.extend(sig_result.warnings.iter().cloned());
    let shown_sig = shown.and_then(|i| token.signatures.get(i));
    let alg = match shown_sig {
        Some(sig) => sig.alg(),
        None => token.alg(),
    };
    header::header_checks(token, shown_sig, policy, &mut checks, &mut warnings);

    // Only the claims the checks read are extracted; the display map is not needed here.
    let extended: Vec<&str>;
    let wanted: &[&str] = if policy.required_claims.is_empty() {
        &REGISTERED
    } else {
        extended = REGISTERED.iter().copied().chain(policy.required_claims.iter().map(String::as_str)).collect();
        &extended
    };
    let usable_now = policy_checks(policy, now, &mut checks);
    let claims_checked = match token.claims_named(wanted) {
        Ok(claims) => {
            claims::claim_checks(&claims, policy, usable_now, &mut checks);
            warnings.extend(claims.duplicates().messages("claims", "RFC 7519 §4"));
            true
        }
        Err(problem) => {
            let typ = shown_sig.map_or_else(|| token::member(token.header(), "typ"), |s| s.param("typ"));
            claims::no_claims_checks(&problem, header::says_jwt(typ), policy, &mut checks, &mut warnings);
            false
        }
    };

    if checks.iter().any(|c| c.name == "exp" && c.status == CheckStatus::Absent) {
        warnings.push(NO_EXP_WARNING.to_owned());
    }

    let valid =
        sig_result.verdict == SignatureVerdict::Valid && !checks.iter().any(|c| c.status == CheckStatus::Failed);
    Verification {
        valid,
        signature: sig_result.verdict,
        signature_reason: sig_result.reason,
        alg: alg.map(str::to_owned),
        matched_key: sig_result.matched,
        selection: sig_result.selection,
        attempts: sig_result.attempts,
        checks,
        warnings,
        claims_checked,
        now,
        leeway: policy.leeway,
        kid: shown_sig.and_then(JwsSignature::kid).or_else(|| token.kid()).map(str::to_owned),
    }
}

/// The signature verdict and which signature it is about. The policy judges each signature's
/// header first; only those it accepts are verified, in order, until one verifies, within
/// [`limits::MAX_KEY_ATTEMPTS`] verifications. A token with more than
/// [`limits::MAX_SIGNATURES`] signatures is refused unverified. A lone signature the policy
/// refuses is still verified, so the report can say whether it would have been valid (the
/// failed header check then makes the token invalid).
fn judge_signatures(
    token: &Token,
    keys: &[Key],
    policy: &Policy,
    warnings: &mut Vec<String>,
) -> (SigResult, Option<usize>) {
    if token.kind == Kind::Jwe {
        let why = "the token is encrypted (JWE): it is decrypted with the recipient's key, not verified (tokenbench \
                   decrypt, or Decrypt in the Decode tab); a signed token inside is what gets verified";
        return (SigResult::verdict(SignatureVerdict::Encrypted, why), None);
    }
    let count = token.signatures.len();
    if count == 0 {
        return (SigResult::verdict(SignatureVerdict::Malformed, "the token has no signature"), None);
    }
    if count > limits::MAX_SIGNATURES {
        let why = format!(
            "the JWS JSON serialization carries {count} signatures; more than {} are refused without verifying any \
             (each may cost a millisecond)",
            limits::MAX_SIGNATURES
        );
        return (SigResult::verdict(SignatureVerdict::Malformed, why), Some(0));
    }
    let label = |i: usize, sig: &JwsSignature| {
        let alg = sig.alg().map_or_else(|| "no alg".to_owned(), str::to_owned);
        if count > 1 { format!("signature {} of {count} ({alg})", i + 1) } else { format!("the signature ({alg})") }
    };
    let mut budget = limits::MAX_KEY_ATTEMPTS;
    let mut first_tried: Option<(SigResult, usize)> = None;
    let mut refused = Vec::new();
    for (i, sig) in token.signatures.iter().enumerate() {
        if let Some(why) = header::policy_refusal(token, sig, policy) {
            refused.push((i, why));
            continue;
        }
        let mut r = signature::check_signature(sig, keys, &mut budget);
        if count > 1 {
            r.reason = format!("signature {} of {count}: {}", i + 1, r.reason);
        }
        if r.verdict == SignatureVerdict::Valid {
            if let Some((earlier, j)) = &first_tried {
                warnings.push(format!("{}: {}", label(*j, &token.signatures[*j]), earlier.reason));
            }
            note_refused(token, &refused, &label, warnings);
            return (r, Some(i));
        }
        if first_tried.is_none() {
            first_tried = Some((r, i));
        } else {
            warnings.push(format!("{}: {}", label(i, sig), r.reason));
        }
    }
    note_refused(token, &refused, &label, warnings);
    if let Some((r, i)) = first_tried {
        return (r, Some(i));
    }
    if count == 1 {
        return (signature::check_signature(&token.signatures[0], keys, &mut budget), Some(0));
    }
    let why = format!(
        "the policy refuses the header of every one of the {count} signatures, so none was verified ({})",
        refused
            .iter()
            .map(|(i, why)| format!("{}: {why}", label(*i, &token.signatures[*i])))
            .collect::<Vec<_>>()
            .join("; ")
    );
    (SigResult::verdict(SignatureVerdict::RefusedByPolicy, why), Some(0))
}

/// Says which signatures the policy refused without verifying them (several signatures only).
fn note_refused(
    token: &Token,
    refused: &[(usize, String)],
    label: &dyn Fn(usize, &JwsSignature) -> String,
    warnings: &mut Vec<String>,
) {
    if token.signatures.len() < 2 {
        return;
    }
    for (i, why) in refused {
        warnings
            .push(format!("{}: not verified, the policy refuses its header: {why}", label(*i, &token.signatures[*i])));
    }
}

/// The verifier trusts no number it is handed: a NaN instant makes every comparison false (an
/// expired token would pass), and a leeway or lifetime beyond the calendar can only overflow.
/// Each unusable value is a failed check. Returns the instant when it is usable.
fn policy_checks(policy: &Policy, now: UnixSeconds, checks: &mut Vec<Check>) -> Option<UnixSeconds> {
    let usable = limits::check_instant(now);
    if let Err(why) = &usable {
        checks.push(check(
            "time",
            CheckStatus::Failed,
            format!("the verification instant is unusable: {why}"),
            "RFC 7519 §4.1.4",
        ));
    }
    if let Err(why) = limits::check_duration(policy.leeway) {
        checks.push(check(
            "leeway",
            CheckStatus::Failed,
            format!("the policy's leeway is unusable: {why}"),
            "RFC 7519 §4.1.4",
        ));
    }
    if let Some(Err(why)) = policy.max_lifetime.map(limits::check_duration) {
        checks.push(check(
            "lifetime",
            CheckStatus::Failed,
            format!("the policy's maximum lifetime is unusable: {why}"),
            "RFC 8725 §3.10",
        ));
    }
    usable.ok()
}

fn check(
    name: impl Into<Cow<'static, str>>,
    status: CheckStatus,
    reason: impl Into<Reason>,
    rfc: &'static str,
) -> Check {
    Check { name: name.into(), status, reason: reason.into(), rfc }
}

fn quoted(prefix: &'static str, value: &str, suffix: &'static str) -> Reason {
    Reason::Quoted { prefix, value: value.to_owned(), suffix }
}

fn at(prefix: &'static str, at: UnixSeconds, now: UnixSeconds) -> Reason {
    Reason::Time { prefix, at, now }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::keys::{SecretEncoding, load_secret};
    use crate::core::engine::token::JsonObject;
    use crate::core::engine::token::parse;

    // jwt.io's example, signed with "a-string-secret-at-least-256-bits-long".
    const JWT_IO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30";

    fn secret() -> Key {
        load_secret(b"a-string-secret-at-least-256-bits-long", SecretEncoding::Utf8, "test").unwrap()
    }

    #[test]
    fn an_hmac_token_asks_for_a_shared_secret_never_a_public_key() {
        let v = verify(&parse(JWT_IO).unwrap(), &[], &Policy::default(), 1_700_000_000.0);
        assert_eq!(
            v.signature_reason,
            "no key loaded: add the HMAC secret shared with the issuer to verify this HS256 token"
        );
        assert!(!v.summary().contains("public"), "{}", v.summary());
        let rs = parse(
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/samples/01-oidc-id-token-rs256.jwt")).trim(),
        )
        .unwrap();
        let v = verify(&rs, &[], &Policy::default(), 1_700_000_000.0);
        assert!(v.signature_reason.contains("add the issuer's public key to verify this RS256 token"), "{v:?}");
    }

    #[test]
    fn valid_hs256_with_not_checked_iss_aud() {
        let v = verify(&parse(JWT_IO).unwrap(), &[secret()], &Policy::default(), 1_700_000_000.0);
        assert!(v.valid, "{}", v.summary());
        assert_eq!(v.matched_key, Some(0));
        assert_eq!(v.selection, Some(Selection::NoKid));
        let exp = v.checks.iter().find(|c| c.name == "exp").unwrap();
        assert_eq!(exp.status, CheckStatus::Absent);
        assert_eq!(v.warnings, [NO_EXP_WARNING], "a token that never expires is said to");
        let iat = v.checks.iter().find(|c| c.name == "iat").unwrap();
        assert_eq!(iat.status, CheckStatus::Passed);
        assert!(iat.reason.to_string().contains("2018-01-18 01:30:22 UTC"), "{}", iat.reason);
    }

    #[test]
    fn iat_in_the_future_fails_then_leeway_allows() {
        let token = parse(JWT_IO).unwrap();
        let v = verify(&token, &[secret()], &Policy::default(), 1_516_239_000.0);
        assert!(!v.valid);
        let policy = Policy { leeway: 30, ..Policy::default() };
        assert!(verify(&token, &[secret()], &policy, 1_516_239_000.0).valid);
    }

    #[test]
    fn wrong_secret_is_invalid_and_says_why() {
        let wrong = load_secret(b"another secret that is long enough!!", SecretEncoding::Utf8, "w").unwrap();
        let v = verify(&parse(JWT_IO).unwrap(), &[wrong], &Policy::default(), 1_700_000_000.0);
        assert_eq!(v.signature, SignatureVerdict::Invalid);
        assert_eq!(v.attempts[0].outcome, KeyOutcome::WrongSignature);
        assert!(!v.valid);
    }

    #[test]
    fn a_kid_no_loaded_key_has_is_named_not_called_a_bad_signature() {
        // Signed with one secret under kid "gone"; only another secret (kid "other") is loaded.
        let signer = load_secret(b"the secret that signed this token!!", SecretEncoding::Utf8, "s").unwrap();
        let header: JsonObject = serde_json::from_str(r#"{"kid":"gone"}"#).unwrap();
        let claims: JsonObject = serde_json::from_str(r#"{"sub":"a","exp":4102444800}"#).unwrap();
        let token = parse(&crate::core::engine::sign::sign(&header, &claims, "HS256", &signer).unwrap()).unwrap();
        let mut other = secret();
        other.kid = Some("other".into());
        let v = verify(&token, &[other.clone()], &Policy::default(), 0.0);
        assert!(!v.valid);
        assert_eq!(v.signature, SignatureVerdict::NoMatchingKey);
        assert_eq!(v.selection, Some(Selection::KidFallback));
        assert!(v.signature_reason.starts_with("no loaded key has kid \"gone\""), "{}", v.signature_reason);
        assert!(v.signature_reason.contains("1 other compatible key was tried"), "{}", v.signature_reason);
        assert_eq!(v.attempts[0].outcome, KeyOutcome::WrongSignature, "the fallback key was still tried");
        // The key with that kid, loaded: selected by kid and valid.
        let mut right = signer.clone();
        right.kid = Some("gone".into());
        let v = verify(&token, &[other.clone(), right], &Policy::default(), 0.0);
        assert!(v.valid && v.selection == Some(Selection::Kid), "{}", v.summary());
        // A wrong key under the token's own kid is a bad signature, as before.
        other.kid = Some("gone".into());
        let v = verify(&token, &[other], &Policy::default(), 0.0);
        assert_eq!(v.signature, SignatureVerdict::Invalid);
    }

    #[test]
    fn any_accepted_audience_passes_and_old_settings_still_load() {
        let secret = secret();
        let claims: JsonObject = serde_json::from_str(r#"{"aud":["web","mobile"]}"#).unwrap();
        let token =
            parse(&crate::core::engine::sign::sign(&JsonObject::new(), &claims, "HS256", &secret).unwrap()).unwrap();
        let aud = |want: &[&str]| {
            let policy = Policy { audience: want.iter().map(|s| (*s).to_owned()).collect(), ..Policy::default() };
            let v = verify(&token, std::slice::from_ref(&secret), &policy, 0.0);
            let c = v.checks.iter().find(|c| c.name == "aud").unwrap().clone();
            (c.status, c.reason.to_string())
        };
        assert_eq!(aud(&["api", "mobile"]), (CheckStatus::Passed, "audience includes \"mobile\"".into()));
        let (status, why) = aud(&["api", "admin"]);
        assert_eq!(status, CheckStatus::Failed);
        assert!(why.ends_with("does not include one of [\"api\", \"admin\"]"), "{why}");
        assert_eq!(aud(&[]).0, CheckStatus::NotChecked);
        for (json, want) in [
            (r#"{"audience":"api"}"#, vec!["api"]),
            (r#"{"audience":null}"#, vec![]),
            (r#"{"audience":["a","b"]}"#, vec!["a", "b"]),
            ("{}", vec![]),
        ] {
            let p: Policy = serde_json::from_str(json).unwrap();
            assert_eq!(p.audience, want, "{json}");
        }
    }

    #[test]
    fn no_keys_and_alg_none() {
        let v = verify(&parse(JWT_IO).unwrap(), &[], &Policy::default(), 0.0);
        assert_eq!(v.signature, SignatureVerdict::NoMatchingKey);
        let none = parse("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.").unwrap();
        let v = verify(&none, &[secret()], &Policy::default(), 0.0);
        assert_eq!(v.signature, SignatureVerdict::AlgNone);
        assert!(!v.valid);
    }

    #[test]
    fn policy_expectations_fail_when_unmet() {
        let policy = Policy {
            issuer: Some("https://issuer".into()),
            audience: vec!["api".into()],
            algorithms: vec!["RS256".into()],
            required_claims: vec!["exp".into(), "name".into()],
            ..Policy::default()
        };
        let v = verify(&parse(JWT_IO).unwrap(), &[secret()], &policy, 1_700_000_000.0);
        assert!(!v.valid);
        let failed: Vec<&str> = v.failed_checks().map(|c| c.name.as_ref()).collect();
        assert_eq!(failed, ["alg", "exp", "iss", "aud"]);
        assert!(v.checks.iter().any(|c| c.name == "name" && c.status == CheckStatus::Passed));
    }

    #[test]
    fn hmac_token_naming_a_public_key_is_called_algorithm_confusion() {
        let pem = std::fs::read(format!("{}/assets/keys/rsa2048-spki.pem", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let mut rsa = crate::core::engine::keys::load(&pem, "rsa").unwrap().remove(0);
        rsa.kid = Some("k1".into());
        let forged_with = load_secret(&pem, SecretEncoding::Raw, "pem as secret").unwrap();
        let header: JsonObject = serde_json::from_str(r#"{"kid":"k1"}"#).unwrap();
        let claims: JsonObject = serde_json::from_str(r#"{"sub":"admin"}"#).unwrap();
        let forged = crate::core::engine::sign::sign(&header, &claims, "HS256", &forged_with).unwrap();
        // Even with an unrelated HMAC secret loaded, the kid points at the RSA key.
        let v = verify(&parse(&forged).unwrap(), &[rsa, secret()], &Policy::default(), 0.0);
        assert!(!v.valid);
        assert!(v.warnings.iter().any(|w| w.contains("algorithm confusion")), "{:?}", v.warnings);
        assert_eq!(v.attempts[0].outcome, KeyOutcome::Skipped);
        assert!(v.attempts[0].reason.contains("never used as an HMAC secret"), "{}", v.attempts[0].reason);
    }

    #[test]
    fn protected_and_unprotected_headers_must_be_disjoint() {
        let protected = crate::core::engine::token::encode_b64url(br#"{"alg":"HS256","kid":"a"}"#);
        let lenient = Policy { allow_json_serialization: true, ..Policy::default() };
        for header in [r#"{"kid":"b"}"#, r#"{"crit":["b64"]}"#] {
            let flat = format!(r#"{{"payload":"e30","protected":"{protected}","header":{header},"signature":"AA"}}"#);
            let v = verify(&parse(&flat).unwrap(), &[secret()], &lenient, 0.0);
            assert_eq!(v.signature, SignatureVerdict::Malformed, "{header}");
            assert!(v.signature_reason.contains("RFC 7515"), "{}", v.signature_reason);
        }
    }

    #[test]
    fn crit_with_unknown_extension_is_rejected() {
        let header = crate::core::engine::token::encode_b64url(br#"{"alg":"HS256","crit":["exp"],"exp":1}"#);
        let v = verify(&parse(&format!("{header}.e30.AAAA")).unwrap(), &[secret()], &Policy::default(), 0.0);
        assert_eq!(v.signature, SignatureVerdict::Malformed);
        assert!(v.signature_reason.contains("§4.1.11"));
    }
}
