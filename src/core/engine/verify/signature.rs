//! The signature verdict: which `alg` the header allows, which keys are compatible and selected
//! by `kid`, what each key's own metadata forbids, and the primitive itself.

use std::borrow::Cow;

use serde_json::Value;

use super::{KeyAttempt, KeyOutcome, SUPPORTED_ALGORITHMS, Selection, SignatureVerdict};
use crate::core::engine::error::Error;
use crate::core::engine::keys::{Key, KeyMaterial, kty_for_alg};
use crate::core::engine::limits::MAX_KEY_ATTEMPTS;
use crate::core::engine::token::{self, JsonObject, JwsSignature};
use crate::core::text::count;

pub(super) struct SigResult {
    pub(super) verdict: SignatureVerdict,
    pub(super) reason: String,
    pub(super) matched: Option<usize>,
    pub(super) selection: Option<Selection>,
    pub(super) attempts: Vec<KeyAttempt>,
    pub(super) warnings: Vec<String>,
}

impl SigResult {
    pub(super) fn verdict(verdict: SignatureVerdict, reason: impl Into<String>) -> Self {
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

const BUDGET_SPENT: &str = "not tried: the limit of signature verifications per token was reached";

fn attempt(index: usize, outcome: KeyOutcome, reason: impl Into<Cow<'static, str>>) -> KeyAttempt {
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

/// Why a key is never used for `alg`, if it is not: an HMAC secret whose bytes are a public key
/// (anyone has them), or the key's own metadata forbidding it.
fn rejection(key: &Key, alg: &str) -> Option<String> {
    if let Some(what) = &key.public_key_bytes {
        return Some(public_bytes_rejection(what, alg));
    }
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
            if same_eddsa(key_alg, alg) {
                return None;
            }
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

/// The rejection of an HMAC secret whose bytes are `what`, a public key.
fn public_bytes_rejection(what: &str, alg: &str) -> String {
    format!(
        "the secret's bytes are a {what}, which anyone can download: never used as the {alg} secret (algorithm \
         confusion guard, RFC 8725 §2.1)"
    )
}

/// The signature scheme of an algorithm name: its two-letter family (HS, RS, PS, ES, Ed).
fn scheme(alg: &str) -> &str {
    alg.get(..2).unwrap_or(alg)
}

/// The hash size in an algorithm name (`HS256` → 256); EdDSA names have none (0): the "25519"
/// of `Ed25519` is a curve, not a hash.
fn hash_bits(alg: &str) -> u32 {
    if alg.starts_with("Ed") {
        return 0;
    }
    alg.get(2..).and_then(|d| d.parse().ok()).unwrap_or(0)
}

/// `EdDSA` and `Ed25519` name the same scheme for an Ed25519 key (RFC 9864 makes `Ed25519` the
/// fully specified name).
fn same_eddsa(a: &str, b: &str) -> bool {
    let eddsa = |x: &str| x == "EdDSA" || x == "Ed25519";
    eddsa(a) && eddsa(b)
}

/// A protected header that repeats `alg`, `crit` or `b64` means one thing to a reader that takes
/// the first value and another to one that takes the last (`{"alg":"none","alg":"HS256"}`):
/// RFC 7515 §4 lets a verifier refuse it, and this one does. A header with more repeats than are
/// recorded is refused too, as those cannot be told apart.
fn repeated_member(sig: &JwsSignature) -> Option<String> {
    let d = &sig.duplicates;
    if let Some(name) = ["alg", "crit", "b64"].into_iter().find(|n| d.shown.iter().any(|p| p == n)) {
        return Some(format!(
            "the protected header repeats {name:?}: readers that take the first value and readers that take the \
             last disagree on what it says, so the token is refused (RFC 7515 §4, RFC 8725 §3.1)"
        ));
    }
    (d.total > d.shown.len()).then(|| {
        format!(
            "the protected header repeats member names {} times, more than can be checked one by one: refused \
             (RFC 7515 §4)",
            d.total
        )
    })
}

/// The header's `alg` when it can be verified at all; otherwise the verdict that says why not.
fn usable_alg(sig: &JwsSignature) -> Result<&str, SigResult> {
    if let Some(why) = repeated_member(sig) {
        return Err(SigResult::verdict(SignatureVerdict::Malformed, why));
    }
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
    if let Some(problem) =
        unprotected_problem(sig).or_else(|| crit_problem(&sig.header)).or_else(|| b64_problem(&sig.header))
    {
        return Err(SigResult::verdict(SignatureVerdict::Malformed, problem));
    }
    Ok(alg)
}

/// RFC 7515 §7.2.1: the protected and unprotected headers must not share a name; `crit` must
/// be protected (§4.1.11).
fn unprotected_problem(sig: &JwsSignature) -> Option<String> {
    let unprotected = sig.unprotected.as_ref()?;
    if unprotected.contains_key("crit") {
        return Some("\"crit\" is in the unprotected header; it must be integrity-protected (RFC 7515 §4.1.11)".into());
    }
    let shared = unprotected.keys().find(|k| sig.header.contains_key(k.as_str()))?;
    Some(format!(
        "{shared:?} is in both the protected and the unprotected header, which must be disjoint (RFC 7515 §7.2.1)"
    ))
}

/// RFC 7797: `b64` is a boolean, and `false` (the payload signed as it is, not its base64url)
/// changes what is signed, so it must be listed in `crit` (§6).
fn b64_problem(header: &JsonObject) -> Option<String> {
    match token::member(header, "b64")? {
        Value::Bool(true) => None,
        Value::Bool(false) => {
            let listed =
                token::member(header, "crit").and_then(Value::as_array).is_some_and(|c| c.iter().any(|n| n == "b64"));
            (!listed).then(|| {
                "\"b64\": false (an unencoded payload) is not listed in \"crit\"; RFC 7797 §6 requires it, so a \
                 verifier that ignores \"b64\" would check other bytes: refused"
                    .into()
            })
        }
        other => Some(format!("\"b64\" must be a boolean, the header has {} (RFC 7797 §3)", token::json_type(other))),
    }
}

/// Judges one signature with the loaded keys, running at most `budget` verifications (the
/// budget is shared by every signature of the token and decremented here).
pub(super) fn check_signature(sig: &JwsSignature, keys: &[Key], budget: &mut usize) -> SigResult {
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
    if selection == Selection::KidFallback
        && let Some(pinned) = pinned_by_kid(keys, token_kid, alg)
    {
        return with_confusion_warning(pinned, sig, keys);
    }
    let mut result = SigResult::verdict(SignatureVerdict::NoMatchingKey, "");
    result.selection = Some(selection);
    result.attempts.reserve_exact(keys.len());

    let mut tried = 0usize;
    let mut tried_without_kid = 0usize;
    let mut over_budget = 0usize;
    for (i, key) in keys.iter().enumerate() {
        if result.matched.is_some() {
            result.attempts.push(attempt(i, KeyOutcome::Skipped, "not needed: an earlier key verified"));
            continue;
        }
        if !compatible(key) {
            let reason = incompatibility(key, alg);
            result.attempts.push(attempt(i, KeyOutcome::Skipped, reason));
            continue;
        }
        if selection == Selection::Kid && !selected_by_kid(key) {
            result.attempts.push(attempt(
                i,
                KeyOutcome::Skipped,
                format!("its kid is not {:?}", token_kid.unwrap_or("")),
            ));
            continue;
        }
        if let Some(why) = rejection(key, alg) {
            result.attempts.push(attempt(i, KeyOutcome::Rejected, why));
            continue;
        }
        if *budget == 0 {
            over_budget += 1;
            result.attempts.push(attempt(i, KeyOutcome::Skipped, BUDGET_SPENT));
            continue;
        }
        *budget -= 1;
        tried += 1;
        tried_without_kid += usize::from(key.kid.is_none());
        match verify_with(alg, key, sig) {
            Ok(()) => {
                result.matched = Some(i);
                let how = match selection {
                    Selection::Kid => "verifies the signature (selected by kid)",
                    Selection::NoKid => "verifies the signature (the token has no kid)",
                    Selection::KidFallback => "verifies the signature (its kid did not match)",
                };
                result.attempts.push(attempt(i, KeyOutcome::Verified, how));
                result.warnings.extend(usage_warnings(key, alg));
            }
            Err(why) => result.attempts.push(attempt(i, KeyOutcome::WrongSignature, why.to_string())),
        }
    }

    if over_budget > 0 {
        result.warnings.push(format!(
            "{} not tried: at most {MAX_KEY_ATTEMPTS} signature verifications run per token; give the token a kid or \
             load fewer keys",
            count(over_budget, "compatible key was", "compatible keys were")
        ));
    }
    conclude(
        &mut result,
        Tally {
            alg,
            keys,
            token_kid,
            selection,
            tried,
            tried_without_kid,
            over_budget,
            empty: sig.signature.is_empty(),
        },
    );
    with_confusion_warning(result, sig, keys)
}

/// A signature no key verified gets the algorithm-confusion warning when it is that forgery (or
/// aimed at a public key), however the keys were tried.
fn with_confusion_warning(mut result: SigResult, sig: &JwsSignature, keys: &[Key]) -> SigResult {
    if result.matched.is_none()
        && let Some(c) = super::confusion::algorithm_confusion(sig, keys)
    {
        result.warnings.push(c.warning(keys));
    }
    result
}

/// The kid names a loaded key that cannot verify this alg: that key is the token's, so no other
/// key is tried in its place (a fallback would let a token pick any key by its alg). `None` when
/// no loaded key has the kid.
fn pinned_by_kid(keys: &[Key], token_kid: Option<&str>, alg: &str) -> Option<SigResult> {
    let kid = token_kid?;
    let named = keys.iter().position(|k| k.kid.as_deref() == Some(kid))?;
    let what = format!("the key with kid {kid:?} (key #{}, {})", named + 1, keys[named].material.describe());
    let reason = if alg.starts_with("HS") {
        format!(
            "no HMAC secret loaded: {what} is a public key, never used as an HMAC secret; no other key is tried in \
             its place"
        )
    } else {
        format!("{what} cannot verify {alg}; no other key is tried in its place")
    };
    let mut result = SigResult::verdict(SignatureVerdict::NoMatchingKey, reason);
    result.selection = Some(Selection::Kid);
    result.attempts = (0..keys.len())
        .map(|i| {
            if i == named {
                attempt(i, KeyOutcome::Skipped, incompatibility(&keys[i], alg))
            } else {
                attempt(i, KeyOutcome::Skipped, format!("its kid is not {kid:?}"))
            }
        })
        .collect();
    Some(result)
}

/// What trying the keys came to, for [`conclude`].
#[derive(Clone, Copy)]
struct Tally<'a> {
    alg: &'a str,
    keys: &'a [Key],
    token_kid: Option<&'a str>,
    selection: Selection,
    tried: usize,
    /// Of those tried, the keys without a kid (any of them may be the token's key).
    tried_without_kid: usize,
    over_budget: usize,
    empty: bool,
}

/// The verdict and its reason once every key has been tried (or skipped).
fn conclude(result: &mut SigResult, t: Tally<'_>) {
    let Tally { alg, keys, token_kid, selection, tried, over_budget, .. } = t;
    if let Some(i) = result.matched {
        result.verdict = SignatureVerdict::Valid;
        result.reason = format!("{alg} signature verified with key #{}", i + 1);
        if selection == Selection::KidFallback {
            result.warnings.push(format!(
                "no loaded key has kid {:?}: the kid did not select the key, every compatible key was tried",
                token_kid.unwrap_or("")
            ));
        }
    } else if over_budget > 0 {
        result.verdict = SignatureVerdict::NoMatchingKey;
        result.reason = format!(
            "{} no key verifies it, and {} not tried (at most {MAX_KEY_ATTEMPTS} verifications per token)",
            if tried > 0 {
                format!("of the {} tried,", count(tried, "key", "keys"))
            } else {
                "no key was tried:".to_owned()
            },
            count(over_budget, "compatible key was", "compatible keys were")
        );
    } else if tried > 0
        && !t.empty
        && selection == Selection::KidFallback
        && t.tried_without_kid == 0
        && !keys.iter().any(|k| k.kid.as_deref() == token_kid)
    {
        // The kid names a key that is not loaded and every key tried has another kid: the right
        // key is most likely missing, not the signature broken. Say so rather than blame the
        // keys that were tried in its place. (A key without a kid may be the token's own key:
        // then a failure is an invalid signature.)
        result.verdict = SignatureVerdict::NoMatchingKey;
        result.reason = format!(
            "no loaded key has kid {:?}; the {} tried and {} the {alg} signature: load the key with that kid",
            token_kid.unwrap_or(""),
            count(tried, "other compatible key was", "other compatible keys were"),
            if tried == 1 { "it does not verify" } else { "none verifies" }
        );
    } else if tried > 0 {
        result.verdict = SignatureVerdict::Invalid;
        // Only when no key at all has the kid: a key of another type with that kid is the
        // algorithm-confusion case, which its own warning names.
        if selection == Selection::KidFallback && !t.empty && !keys.iter().any(|k| k.kid.as_deref() == token_kid) {
            result.warnings.push(format!(
                "no loaded key has kid {:?}: the kid did not select a key, every compatible key was tried",
                token_kid.unwrap_or("")
            ));
        }
        result.reason = if t.empty {
            format!("the signature is empty; {} cannot verify it", count(tried, "compatible key", "compatible keys"))
        } else if tried == 1 {
            format!("the {alg} signature does not verify with the 1 compatible key")
        } else {
            format!("the {alg} signature does not verify with any of the {tried} compatible keys")
        };
    } else {
        result.verdict = SignatureVerdict::NoMatchingKey;
        result.reason = if keys.is_empty() {
            // An HMAC is checked with the secret both sides share, never with a public key.
            if alg.starts_with("HS") {
                format!("no key loaded: add the HMAC secret shared with the issuer to verify this {alg} token")
            } else {
                format!("no key loaded: add the issuer's public key to verify this {alg} token")
            }
        } else if result.attempts.iter().any(|a| a.outcome == KeyOutcome::Rejected) {
            let rejected = || result.attempts.iter().filter(|a| a.outcome == KeyOutcome::Rejected);
            if rejected().all(|a| keys.get(a.index).is_some_and(|k| k.public_key_bytes.is_some())) {
                format!(
                    "no HMAC secret loaded: {} a public key's bytes, never used as an HMAC secret (algorithm \
                     confusion guard, RFC 8725 §2.1); add the secret shared with the issuer to verify this {alg} token",
                    if rejected().count() == 1 { "the one given is" } else { "each one given is" }
                )
            } else {
                format!("every {alg}-capable key was rejected by its own metadata (see the keys)")
            }
        } else if alg.starts_with("HS") {
            // No key is an HMAC secret (any would have been tried or rejected): say what is
            // missing, not that the public keys failed.
            let which = match keys.len() {
                1 => "the 1 loaded key is a public key".to_owned(),
                n => format!("the {n} loaded keys are public keys"),
            };
            format!(
                "no HMAC secret loaded: {which}, and a public key never verifies {alg}; add the secret shared with \
                 the issuer"
            )
        } else {
            match keys.len() {
                1 => format!("the 1 loaded key cannot verify {alg}"),
                n => format!("none of the {n} loaded keys can verify {alg}"),
            }
        };
    }
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
    {
        if same_eddsa(key_alg, alg) {
            w.push(format!(
                "the key says \"alg\": {key_alg:?} and the token {alg}: two names of the same scheme, Ed25519 \
                 (RFC 9864), accepted"
            ));
        } else {
            w.push(format!("the key says \"alg\": {key_alg:?} but the token uses {alg}"));
        }
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

/// The verification primitive for one key: `Err` says why this key does not verify this
/// signature (the attempt's reason).
fn verify_with(alg: &str, key: &Key, sig: &JwsSignature) -> Result<(), Error> {
    if sig.signature.is_empty() {
        return Err(Error::EmptySignature);
    }
    if let KeyMaterial::Ec { curve, .. } = &key.material {
        let expected = 2 * curve.coordinate_len();
        if sig.signature.len() != expected {
            let hint = if sig.signature.first() == Some(&0x30) { " (it looks DER-encoded)" } else { "" };
            return Err(Error::EcSignatureLength { alg: alg.to_owned(), expected, found: sig.signature.len(), hint });
        }
    }
    if key.verifier(alg)?.verify(sig.signing_input(), &sig.signature) { Ok(()) } else { Err(Error::SignatureMismatch) }
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
