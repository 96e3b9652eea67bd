//! Signature and claims verification against an injected clock and a [`Policy`].
//!
//! One [`Verification`] says everything the GUI and the CLI show: the signature verdict, which
//! key matched and why every other key did not, every claim check with its RFC section, and
//! every warning. `valid` is true only when the signature verifies with a loaded key and no
//! check failed.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use crate::core::clock::{UnixSeconds, format_relative, format_utc};
pub use crate::core::keys::SUPPORTED_ALGORITHMS;
use crate::core::keys::{Key, KeyMaterial, kty_for_alg};
use crate::core::token::{self, Claims, JsonObject, JwsSignature, Kind, Serialization, Token};

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
    /// Expected audience: must appear in `aud`.
    pub audience: Option<String>,
    /// Expected header `typ` (compared case-insensitively, `application/` optional).
    pub typ: Option<String>,
    /// Allowed algorithms; empty means every supported one.
    pub algorithms: Vec<String>,
    /// Longest accepted `exp - iat`, in seconds.
    pub max_lifetime: Option<u64>,
    /// Accept the JWS JSON serialization (a JWT must be compact, RFC 7519 §1).
    pub allow_json_serialization: bool,
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
pub enum Outcome {
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
    pub outcome: Outcome,
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
    /// The instant the time claims were judged at.
    pub now: UnixSeconds,
    /// The leeway applied.
    pub leeway: u64,
}

impl Verification {
    /// One line: "VALID: …" or "INVALID: …", naming the first reason.
    #[must_use]
    pub fn summary(&self) -> String {
        if self.valid {
            return format!("VALID: {}; every check passed", self.signature_reason);
        }
        if self.signature != SignatureVerdict::Valid {
            return format!("INVALID: {}", self.signature_reason);
        }
        let failed: Vec<String> =
            self.checks.iter().filter(|c| c.status == CheckStatus::Failed).map(|c| c.reason.to_string()).collect();
        format!("INVALID: {}", failed.join("; "))
    }

    /// The checks that failed.
    pub fn failed_checks(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.status == CheckStatus::Failed)
    }
}

/// Verifies `token` with `keys` under `policy`, judging time claims at `now`.
#[must_use]
pub fn verify(token: &Token, keys: &[Key], policy: &Policy, now: UnixSeconds) -> Verification {
    let mut warnings = Vec::new();
    let mut checks = Vec::with_capacity(12);

    let sig_result = if token.kind == Kind::Jwe {
        SigResult::verdict(
            SignatureVerdict::Encrypted,
            "the token is encrypted (JWE); it can only be decrypted, not verified, and needs the recipient's key",
        )
    } else {
        // JSON serialization may carry several signatures: the first that verifies wins.
        let mut best: Option<SigResult> = None;
        for (i, sig) in token.signatures.iter().enumerate() {
            let mut r = check_signature(sig, keys);
            if token.signatures.len() > 1 {
                r.reason = format!("signature {} of {}: {}", i + 1, token.signatures.len(), r.reason);
            }
            let done = r.verdict == SignatureVerdict::Valid;
            if best.is_none() || done {
                best = Some(r);
            }
            if done {
                break;
            }
        }
        best.unwrap_or_else(|| SigResult::verdict(SignatureVerdict::Malformed, "the token has no signature"))
    };
    warnings.extend(sig_result.warnings.iter().cloned());

    let alg = token.alg().map(str::to_owned);
    header_checks(token, policy, alg.as_deref(), &mut checks, &mut warnings);
    // Only the claims the checks read are extracted; the display map is not needed here.
    let extended: Vec<&str>;
    let wanted: &[&str] = if policy.required_claims.is_empty() {
        &REGISTERED
    } else {
        extended = REGISTERED.iter().copied().chain(policy.required_claims.iter().map(String::as_str)).collect();
        &extended
    };
    if let Some(claims) = token.claims_named(wanted) {
        claim_checks(&claims, policy, now, &mut checks);
    } else {
        no_claims_checks(token, policy, &mut checks, &mut warnings);
    }

    let valid =
        sig_result.verdict == SignatureVerdict::Valid && !checks.iter().any(|c| c.status == CheckStatus::Failed);
    Verification {
        valid,
        signature: sig_result.verdict,
        signature_reason: sig_result.reason,
        alg,
        matched_key: sig_result.matched,
        selection: sig_result.selection,
        attempts: sig_result.attempts,
        checks,
        warnings,
        now,
        leeway: policy.leeway,
    }
}

struct SigResult {
    verdict: SignatureVerdict,
    reason: String,
    matched: Option<usize>,
    selection: Option<Selection>,
    attempts: Vec<KeyAttempt>,
    warnings: Vec<String>,
}

impl SigResult {
    fn verdict(verdict: SignatureVerdict, reason: impl Into<String>) -> Self {
        Self {
            verdict,
            reason: reason.into(),
            matched: None,
            selection: None,
            attempts: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

fn attempt(index: usize, outcome: Outcome, reason: impl Into<Cow<'static, str>>) -> KeyAttempt {
    KeyAttempt { index, outcome, reason: reason.into() }
}

/// Encryption algorithms (RFC 7518 §4, §5): a key restricted to one of them never verifies.
fn is_encryption_alg(alg: &str) -> bool {
    alg.starts_with("RSA1_5")
        || alg.starts_with("RSA-OAEP")
        || alg.starts_with("ECDH-ES")
        || alg.starts_with("PBES2")
        || alg == "dir"
        || (alg.starts_with('A') && (alg.ends_with("KW") || alg.ends_with("GCM") || alg.contains("CBC-HS")))
}

/// Why a key's own metadata forbids verifying a token signed with `alg`, if it does.
fn rejection(key: &Key, alg: &str) -> Option<String> {
    if key.key_use.as_deref() == Some("enc") {
        return Some("the key is for encryption (\"use\": \"enc\"), not signatures (RFC 7517 §4.2)".into());
    }
    if let Some(ops) = &key.key_ops
        && !ops.iter().any(|o| o == "verify")
    {
        return Some(format!("the key's \"key_ops\" {ops:?} do not include \"verify\" (RFC 7517 §4.3)"));
    }
    if let Some(key_alg) = &key.alg {
        if is_encryption_alg(key_alg) {
            return Some(format!("the key is restricted to the encryption algorithm {key_alg:?} (RFC 7517 §4.4)"));
        }
        // A key's alg binds the signature scheme (HMAC, PKCS#1 v1.5, PSS, ECDSA, EdDSA): one RSA
        // key must not serve both RS* and PS*. Within the scheme a weaker hash than the key
        // declares is a downgrade and is refused; a stronger one only warns (RFC 7520's examples
        // verify PS384 with a key labelled PS256).
        if kty_for_alg(key_alg).is_some() {
            if scheme(key_alg) != scheme(alg) {
                return Some(format!(
                    "the key is restricted to {key_alg:?} (RFC 7517 §4.4), a different signature scheme than {alg}"
                ));
            }
            if hash_bits(alg) < hash_bits(key_alg) {
                return Some(format!(
                    "the key is declared for {key_alg:?}; accepting the weaker {alg} would be a downgrade (RFC 7517 §4.4)"
                ));
            }
        }
    }
    None
}

/// The signature scheme of an algorithm name: its two-letter family (HS, RS, PS, ES, Ed).
fn scheme(alg: &str) -> &str {
    alg.get(..2).unwrap_or(alg)
}

/// The hash size in an algorithm name (`HS256` → 256); `EdDSA` has none (0).
fn hash_bits(alg: &str) -> u32 {
    alg.get(2..).and_then(|d| d.parse().ok()).unwrap_or(0)
}

/// The header's `alg` when it can be verified at all; otherwise the verdict that says why not.
fn usable_alg(sig: &JwsSignature) -> Result<&str, SigResult> {
    let alg = match token::member(&sig.header, "alg") {
        Some(Value::String(a)) => a.as_str(),
        Some(other) => {
            return Err(SigResult::verdict(
                SignatureVerdict::Malformed,
                format!("\"alg\" must be a string, the header has {} (RFC 7515 §4.1.1)", token::json_type(other)),
            ));
        }
        None => {
            let only_unprotected = sig.unprotected.as_ref().is_some_and(|u| u.contains_key("alg"));
            let why = if only_unprotected {
                "\"alg\" is only in the unprotected header, where an attacker may change it"
            } else {
                "the header has no \"alg\" (RFC 7515 §4.1.1 requires it)"
            };
            return Err(SigResult::verdict(SignatureVerdict::Malformed, why));
        }
    };
    if alg.eq_ignore_ascii_case("none") {
        return Err(SigResult::verdict(
            SignatureVerdict::AlgNone,
            "\"alg\": \"none\" means the token is not signed at all; it is never accepted (RFC 8725 §3.1)",
        ));
    }
    if !SUPPORTED_ALGORITHMS.contains(&alg) {
        return Err(SigResult::verdict(
            SignatureVerdict::UnsupportedAlgorithm,
            format!("algorithm {alg:?} is not a JWS signature algorithm this verifier implements"),
        ));
    }
    if let Some(problem) = crit_problem(&sig.header) {
        return Err(SigResult::verdict(SignatureVerdict::Malformed, problem));
    }
    Ok(alg)
}

fn check_signature(sig: &JwsSignature, keys: &[Key]) -> SigResult {
    let alg = match usable_alg(sig) {
        Ok(alg) => alg,
        Err(verdict) => return verdict,
    };

    let token_kid = sig.kid().or_else(|| sig.unprotected.as_ref().and_then(|u| u.get("kid")).and_then(Value::as_str));
    let compatible = |k: &Key| k.material.algorithms().contains(&alg);
    let selected_by_kid = |k: &Key| compatible(k) && token_kid.is_some() && k.kid.as_deref() == token_kid;
    let selection = match token_kid {
        None => Selection::NoKid,
        Some(_) if !keys.iter().any(selected_by_kid) => Selection::KidFallback,
        Some(_) => Selection::Kid,
    };
    let mut result = SigResult::verdict(SignatureVerdict::NoMatchingKey, "");
    result.selection = Some(selection);
    result.attempts.reserve_exact(keys.len());

    let mut tried = 0usize;
    for (i, key) in keys.iter().enumerate() {
        if result.matched.is_some() {
            result.attempts.push(attempt(i, Outcome::Skipped, "not needed: an earlier key verified"));
            continue;
        }
        if !compatible(key) {
            let reason = incompatibility(key, alg);
            result.attempts.push(attempt(i, Outcome::Skipped, reason));
            continue;
        }
        if selection == Selection::Kid && !selected_by_kid(key) {
            result.attempts.push(attempt(i, Outcome::Skipped, format!("its kid is not {:?}", token_kid.unwrap_or(""))));
            continue;
        }
        if let Some(why) = rejection(key, alg) {
            result.attempts.push(attempt(i, Outcome::Rejected, why));
            continue;
        }
        tried += 1;
        match verify_with(alg, key, sig) {
            Ok(()) => {
                result.matched = Some(i);
                let how = match selection {
                    Selection::Kid => "verifies the signature (selected by kid)",
                    Selection::NoKid => "verifies the signature (the token has no kid)",
                    Selection::KidFallback => "verifies the signature (its kid did not match)",
                };
                result.attempts.push(attempt(i, Outcome::Verified, how));
                result.warnings.extend(usage_warnings(key, alg));
            }
            Err(why) => result.attempts.push(attempt(i, Outcome::WrongSignature, why)),
        }
    }

    if let Some(i) = result.matched {
        result.verdict = SignatureVerdict::Valid;
        result.reason = format!("{alg} signature verified with key #{}", i + 1);
        if selection == Selection::KidFallback {
            result.warnings.push(format!(
                "no loaded key has kid {:?}: the kid did not select the key, every compatible key was tried",
                token_kid.unwrap_or("")
            ));
        }
    } else if tried > 0 {
        result.verdict = SignatureVerdict::Invalid;
        result.reason = if sig.signature.is_empty() {
            format!("the signature is empty; {tried} compatible key(s) cannot verify it")
        } else {
            format!("the {alg} signature does not verify with any of the {tried} compatible key(s)")
        };
    } else {
        result.verdict = SignatureVerdict::NoMatchingKey;
        result.reason = if keys.is_empty() {
            format!("no key loaded: add the issuer's key to verify this {alg} token")
        } else if result.attempts.iter().any(|a| a.outcome == Outcome::Rejected) {
            format!("every {alg}-capable key was rejected by its own metadata (see the keys)")
        } else {
            format!("none of the {} loaded key(s) can verify {alg}", keys.len())
        };
    }
    // An HMAC token aimed at a public key (by kid, or because only public keys are loaded) is the
    // classic algorithm-confusion forgery.
    let is_public = |k: &Key| !matches!(k.material, KeyMaterial::Oct { .. });
    let aimed_at_public = keys.iter().any(|k| is_public(k) && token_kid.is_some() && k.kid.as_deref() == token_kid);
    let only_public = !keys.is_empty() && keys.iter().all(is_public);
    if alg.starts_with("HS") && result.matched.is_none() && (aimed_at_public || only_public) {
        result.warnings.push(format!(
            "algorithm confusion: the token asks for {alg} (HMAC) but names or targets a public key; a verifier \
             that used the public key as the HMAC secret would accept this forgery (RFC 8725 §2.1). Public keys are \
             never used as secrets here"
        ));
    }
    result
}

fn incompatibility(key: &Key, alg: &str) -> String {
    let kind = key.material.describe();
    match (&key.material, alg.starts_with("HS")) {
        (KeyMaterial::Oct { .. }, false) => {
            format!("an HMAC secret cannot verify {alg}, which needs a public key")
        }
        (_, true) => {
            format!("{kind} is never used as an HMAC secret for {alg} (algorithm confusion guard, RFC 8725 §2.1)")
        }
        (KeyMaterial::Ec { curve, .. }, _) if alg.starts_with("ES") => {
            format!("{} keys verify {}, not {alg}", curve.name(), curve.jws_alg())
        }
        _ => format!("{kind} cannot verify {alg}"),
    }
}

/// Warnings about using this key for this algorithm that do not stop verification.
fn usage_warnings(key: &Key, alg: &str) -> Vec<String> {
    let mut w = Vec::new();
    if let Some(key_alg) = &key.alg
        && key_alg != alg
        && !(key_alg == "EdDSA" && alg == "Ed25519" || key_alg == "Ed25519" && alg == "EdDSA")
    {
        w.push(format!("the key says \"alg\": {key_alg:?} but the token uses {alg}"));
    }
    if let KeyMaterial::Oct { k } = &key.material {
        let needed = match alg {
            "HS384" => 48,
            "HS512" => 64,
            _ => 32,
        };
        if k.len() < needed {
            w.push(format!(
                "the HMAC secret is {} bits, shorter than the {} bits of {alg}'s hash (RFC 7518 §3.2): weak, guessable",
                k.len() * 8,
                needed * 8
            ));
        }
    }
    w.extend(key.warnings.iter().map(|x| format!("{}: {x}", key.label())));
    w
}

/// The verification primitive for one key.
fn verify_with(alg: &str, key: &Key, sig: &JwsSignature) -> Result<(), String> {
    if sig.signature.is_empty() {
        return Err("the signature is empty".into());
    }
    if let KeyMaterial::Ec { curve, .. } = &key.material {
        let expected = 2 * curve.coordinate_len();
        if sig.signature.len() != expected {
            let hint = if sig.signature.first() == Some(&0x30) { " (it looks DER-encoded)" } else { "" };
            return Err(format!(
                "{alg} signatures are raw r||s of exactly {expected} bytes (RFC 7518 §3.4); this one is {}{hint}",
                sig.signature.len()
            ));
        }
    }
    if key.verifier(alg)?.verify(&sig.signing_input, &sig.signature) {
        Ok(())
    } else {
        Err("the signature does not match this key".into())
    }
}

/// RFC 7515 §4.1.11: every `crit` entry must be understood; we understand `b64` (RFC 7797).
fn crit_problem(header: &JsonObject) -> Option<String> {
    let crit = token::member(header, "crit")?;
    let Value::Array(items) = crit else {
        return Some("\"crit\" must be an array of header parameter names (RFC 7515 §4.1.11)".into());
    };
    if items.is_empty() {
        return Some("\"crit\" must not be empty (RFC 7515 §4.1.11)".into());
    }
    for item in items {
        let Some(name) = item.as_str() else {
            return Some("\"crit\" entries must be strings (RFC 7515 §4.1.11)".into());
        };
        if name != "b64" {
            return Some(format!(
                "\"crit\" lists {name:?}, an extension this verifier does not understand, so it must reject the token (RFC 7515 §4.1.11)"
            ));
        }
        if token::member(header, name).is_none() {
            return Some(format!("\"crit\" lists {name:?} but the header lacks it (RFC 7515 §4.1.11)"));
        }
    }
    None
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

fn header_checks(
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

fn no_claims_checks(token: &Token, policy: &Policy, checks: &mut Vec<Check>, warnings: &mut Vec<String>) {
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
fn claim_checks(claims: &impl Claims, policy: &Policy, now: UnixSeconds, checks: &mut Vec<Check>) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::keys::{SecretEncoding, load_secret};
    use crate::core::token::parse;

    // jwt.io's example, signed with "a-string-secret-at-least-256-bits-long".
    const JWT_IO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30";

    fn secret() -> Key {
        load_secret(b"a-string-secret-at-least-256-bits-long", SecretEncoding::Utf8, "test").unwrap()
    }

    #[test]
    fn valid_hs256_with_not_checked_iss_aud() {
        let v = verify(&parse(JWT_IO).unwrap(), &[secret()], &Policy::default(), 1_700_000_000.0);
        assert!(v.valid, "{}", v.summary());
        assert_eq!(v.matched_key, Some(0));
        assert_eq!(v.selection, Some(Selection::NoKid));
        let exp = v.checks.iter().find(|c| c.name == "exp").unwrap();
        assert_eq!(exp.status, CheckStatus::Absent);
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
        assert_eq!(v.attempts[0].outcome, Outcome::WrongSignature);
        assert!(!v.valid);
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
            audience: Some("api".into()),
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
        let mut rsa = crate::core::keys::load(&pem, "rsa").unwrap().remove(0);
        rsa.kid = Some("k1".into());
        let forged_with = load_secret(&pem, SecretEncoding::Raw, "pem as secret").unwrap();
        let header: JsonObject = serde_json::from_str(r#"{"kid":"k1"}"#).unwrap();
        let claims: JsonObject = serde_json::from_str(r#"{"sub":"admin"}"#).unwrap();
        let forged = crate::core::sign::sign(&header, &claims, "HS256", &forged_with).unwrap();
        // Even with an unrelated HMAC secret loaded, the kid points at the RSA key.
        let v = verify(&parse(&forged).unwrap(), &[rsa, secret()], &Policy::default(), 0.0);
        assert!(!v.valid);
        assert!(v.warnings.iter().any(|w| w.contains("algorithm confusion")), "{:?}", v.warnings);
        assert_eq!(v.attempts[0].outcome, Outcome::Skipped);
        assert!(v.attempts[0].reason.contains("never used as an HMAC secret"), "{}", v.attempts[0].reason);
    }

    #[test]
    fn crit_with_unknown_extension_is_rejected() {
        let header = crate::core::token::encode_b64url(br#"{"alg":"HS256","crit":["exp"],"exp":1}"#);
        let v = verify(&parse(&format!("{header}.e30.AAAA")).unwrap(), &[secret()], &Policy::default(), 0.0);
        assert_eq!(v.signature, SignatureVerdict::Malformed);
        assert!(v.signature_reason.contains("§4.1.11"));
    }
}
