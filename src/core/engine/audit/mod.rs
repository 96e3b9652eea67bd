//! The security audit: findings about a token (and the keys loaded for it), or about a session
//! cookie, each with a stable id, a severity, one line of explanation and its reference.
//!
//! The ids are a contract (`tokenbench audit --json`, scripts, the GUI): see [`TOKEN_IDS`] and
//! [`COOKIE_IDS`]. Findings come out sorted by severity, then in the order of those lists.
//!
//! This file holds the findings and the token audit; `url.rs` finds a token in a URL,
//! `cookie.rs` reads and judges a `Set-Cookie` header.

mod cookie;
#[cfg(test)]
mod tests;
mod url;

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::core::engine::clock::UnixSeconds;
use crate::core::engine::crack::{self, Progress, Rules, Target};
use crate::core::engine::keys::{Key, KeyMaterial};
use crate::core::engine::token::{self, JsonObject, Kind, Token};
use crate::core::engine::verify::{Confusion, ConfusionEvidence};
use crate::core::labs::revocation::NO_EXP_CONSEQUENCE;

pub use cookie::{
    Cookie, SameSite, audit_cookie, estimated_entropy_bits, low_entropy_reason, parse_cookie, parse_cookie_date,
};
pub(crate) use url::percent_decode;
pub use url::{NO_JWT_IN_URL, UrlSource, looks_like_url, token_from_url, tokens_from_url};

/// How far ahead of the clock an `iat` may be before the audit calls it a wrong clock or a
/// forgery (`iat-in-future`): issuers' clocks drift by seconds, not minutes.
pub const FUTURE_IAT_TOLERANCE: f64 = 60.0;

/// Tokens whose signing input is longer than this are not tried against the bundled wordlist
/// where the answer must come at once (the window's verdict, the Security lab's audit, the
/// Compare tab): 64 KiB is about 400,000 compressions for the list, a few ms; past it every
/// guess costs thousands.
pub const INSTANT_WORDLIST_LIMIT: usize = 64 * 1024;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Anyone can forge or read what they should not: fix now.
    High,
    /// A weakness an attacker can build on.
    Medium,
    /// Worth fixing; limited on its own.
    Low,
    /// Good to know.
    Info,
}

impl Severity {
    /// The lowercase name, as in the JSON.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
            Self::Info => "info",
        }
    }

    /// True for high and medium: `tokenbench audit` exits 1 when one is found.
    #[must_use]
    pub fn fails(self) -> bool {
        matches!(self, Self::High | Self::Medium)
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable identifier (see [`TOKEN_IDS`], [`COOKIE_IDS`]).
    pub id: &'static str,
    /// How serious.
    pub severity: Severity,
    /// One line: what was found, on this token.
    pub message: String,
    /// The specification or guide behind it.
    pub reference: &'static str,
}

impl Finding {
    /// The finding in short, for a banner: its message up to the first ": " ("lifetime 10 years
    /// (exp - iat)", "the HMAC secret is in a public wordlist (21 guesses)").
    #[must_use]
    pub fn short(&self) -> &str {
        // A ": " inside a quoted value (a claim name) or in parentheses ("unsigned token
        // ("alg": "none")") belongs to what it is inside.
        let bytes = self.message.as_bytes();
        let (mut quoted, mut escaped, mut depth) = (false, false, 0usize);
        for (i, b) in bytes.iter().enumerate() {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => quoted = !quoted,
                b'(' if !quoted => depth += 1,
                b')' if !quoted => depth = depth.saturating_sub(1),
                b':' if !quoted && depth == 0 && i > 0 && bytes.get(i + 1) == Some(&b' ') => {
                    return &self.message[..i];
                }
                _ => {}
            }
        }
        &self.message
    }
}

/// Every token finding id, in report order within a severity.
pub const TOKEN_IDS: [&str; 27] = [
    "alg-none",
    "alg-invalid",
    "alg-confusion",
    "bad-signature",
    "psychic-signature",
    "weak-secret",
    "weak-key",
    "missing-exp",
    "long-lifetime",
    "header-jku",
    "header-x5u",
    "header-jwk",
    "header-x5c",
    "kid-injection",
    "duplicate-member",
    "json-serialization",
    "jwe-weak-alg",
    "sensitive-claim",
    "token-in-url",
    "iat-in-future",
    "missing-aud",
    "key-warning",
    "symmetric-alg",
    "expired",
    "encrypted",
    "signature-not-judged",
    "key-not-used",
];

/// Every cookie finding id, in report order within a severity.
pub const COOKIE_IDS: [&str; 8] = [
    "cookie-no-httponly",
    "cookie-no-secure",
    "cookie-samesite-none-insecure",
    "cookie-no-samesite",
    "cookie-long-lived",
    "cookie-bad-expires",
    "session-id-short",
    "session-id-low-entropy",
];

const RFC8725_ALG: &str = "RFC 8725 §3.1";

pub(crate) fn finding(
    id: &'static str,
    severity: Severity,
    message: impl Into<String>,
    reference: &'static str,
) -> Finding {
    Finding { id, severity, message: message.into(), reference }
}

/// Sorts by severity, then by the id's place in its list.
pub(crate) fn sort(findings: &mut [Finding]) {
    let rank = |id: &str| TOKEN_IDS.iter().chain(COOKIE_IDS.iter()).position(|x| *x == id).unwrap_or(usize::MAX);
    findings.sort_by_key(|f| (f.severity, rank(f.id)));
}

/// True when any finding makes `tokenbench audit` exit 1.
#[must_use]
pub fn any_failing(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity.fails())
}
/// How much of a given wordlist the audit's weak-secret check reads: 16 MiB, about 1.5 million
/// typical passwords, well under a second. The whole list is `tokenbench crack`'s job.
pub const AUDIT_WORDLIST_BYTES: u64 = 16 * 1024 * 1024;

/// What the token audit is given besides the token.
#[derive(Debug, Clone, Default)]
pub struct TokenAuditOptions<'a> {
    /// The loaded keys (their secrets are judged too).
    pub keys: &'a [Key],
    /// The instant time claims are judged at.
    pub now: UnixSeconds,
    /// A wordlist to try besides the bundled one (its first [`AUDIT_WORDLIST_BYTES`]).
    pub wordlist: Option<&'a Path>,
    /// Set when the token was read out of a URL.
    pub url: Option<UrlSource>,
    /// A secret already recovered (by a crack run in the GUI).
    pub cracked: Option<(Vec<u8>, String)>,
    /// Do not try wordlists (the GUI skips them for huge tokens, where each guess costs
    /// thousands of compressions; its Crack view runs them in the background).
    pub skip_wordlist: bool,
    /// The bundled wordlist's outcome on this token when the caller already has it
    /// ([`bundled_wordlist`]; the window keeps it per token, so a moving clock does not try the
    /// list again): used as if the audit had just run it.
    pub bundled: Option<WordlistOutcome>,
}

/// What a wordlist gave on a token: the secret found, if any, and the guesses it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordlistOutcome {
    /// The secret, when the list holds it.
    pub secret: Option<Vec<u8>>,
    /// Guesses tried.
    pub candidates: u64,
}

/// The bundled wordlist of published default secrets tried on an HS token's MAC (the empty
/// secret first); `None` for a token that has no HMAC to try.
///
/// # Errors
/// When the crack cannot run (a thread refused).
pub fn bundled_wordlist(token: &Token) -> Result<Option<WordlistOutcome>, crack::CrackError> {
    let Ok(target) = Target::from_token(token) else { return Ok(None) };
    let report = crack::crack_bundled(&target, Rules::NONE, 1, &Progress::default())?;
    Ok(Some(WordlistOutcome { secret: report.secret, candidates: report.candidates }))
}

/// Audits a token: the findings of its [`judge`](crate::core::engine::judgment::judge)ment under the
/// default policy (the signature judged with the given keys, when any).
///
/// # Errors
/// When the given wordlist cannot be read (whatever the token: an HS token or not).
pub fn audit_token(token: &Token, opts: &TokenAuditOptions<'_>) -> Result<Vec<Finding>, crack::CrackError> {
    crate::core::engine::judgment::judge(token, &crate::core::engine::judgment::audit_policy(), opts)
        .map(|j| j.findings)
}

/// The findings about a token's content and keys (the judgment adds those about its signature
/// verdict), sorted.
pub(crate) fn token_findings(
    token: &Token,
    opts: &TokenAuditOptions<'_>,
    matched: Option<usize>,
) -> Result<Vec<Finding>, crack::CrackError> {
    if let Some(path) = opts.wordlist {
        crack::check_wordlist(path)?;
    }
    let mut out = Vec::new();
    let alg = token.alg().unwrap_or("");
    // Every "alg" the header spells, duplicates included: a reader that takes the first of
    // {"alg":"none","alg":"HS256"} sees none, whatever the last one says.
    let algs = header_members(token, "alg");
    if let Some(none) = algs.iter().filter_map(Value::as_str).find(|a| a.eq_ignore_ascii_case("none")) {
        let which = if algs.len() > 1 { format!(" (one of {} \"alg\" members)", algs.len()) } else { String::new() };
        out.push(finding(
            "alg-none",
            Severity::High,
            format!("unsigned token (\"alg\": {none:?}{which}): a verifier that honours it accepts any claims"),
            RFC8725_ALG,
        ));
    }
    let confusion =
        token.signatures.first().and_then(|sig| crate::core::engine::verify::algorithm_confusion(sig, opts.keys));
    // The key the confusion names is this token's target, never "not this token's key".
    let target = confusion.as_ref().and_then(Confusion::target);
    weak_secret(token, opts, target, matched, &mut out)?;
    if let Some(c) = confusion {
        confusion_finding(&c, opts.keys, &mut out);
    }
    header_findings(token, &mut out);
    for message in token.warnings().into_iter().filter(|w| w.contains("duplicate member")) {
        out.push(finding("duplicate-member", Severity::Medium, message, "RFC 7515 §4, RFC 7519 §4, RFC 8725 §3.1"));
    }
    if token.kind == Kind::Jwe {
        let enc = token::member(token.header(), "enc").and_then(Value::as_str).unwrap_or("no enc");
        out.push(finding(
            "encrypted",
            Severity::Info,
            format!(
                "the token is encrypted (JWE, alg {alg:?}, enc {enc:?}): only its header was audited; its claims \
                 and signature, if any, need the decryption key"
            ),
            "RFC 7516 §4, RFC 8725 §3.2",
        ));
    }
    if token.kind == Kind::Jws {
        match token.claims() {
            Some(claims) => claim_findings(claims, opts.now, &mut out),
            None => out.push(finding(
                "missing-exp",
                Severity::Medium,
                format!(
                    "{}: no expiry, so {NO_EXP_CONSEQUENCE}",
                    token.payload_note().unwrap_or("the payload carries no JWT claims")
                ),
                "RFC 7519 §4.1.4",
            )),
        }
    }
    if let Some(src) = &opts.url {
        out.push(finding(
            "token-in-url",
            Severity::Medium,
            format!(
                "the token travelled in {}: URLs end up in browser history, server and proxy logs and Referer headers",
                src.place()
            ),
            "RFC 6750 §2.3, OWASP JWT Cheat Sheet",
        ));
    }
    if alg.starts_with("HS") {
        out.push(finding(
            "symmetric-alg",
            Severity::Info,
            format!("{alg:?} is symmetric: every service that can verify this token can also mint new ones"),
            "RFC 7518 §3.2, RFC 8725 §2.1",
        ));
    }
    sort(&mut out);
    Ok(out)
}

/// `alg-confusion`: an HMAC token aimed at a loaded public key, by the verifier's own rule
/// ([`verify::algorithm_confusion`]): high when its MAC verifies with the public key's bytes as
/// the secret (the token is the forgery), medium when its kid names the public key, low when
/// only public keys are loaded.
fn confusion_finding(c: &Confusion, keys: &[Key], out: &mut Vec<Finding>) {
    let name = |i: usize| {
        keys.get(i).map_or_else(String::new, |k| {
            format!("key #{} ({}, {})", i + 1, crate::core::text::visible(&k.label()), k.material.describe())
        })
    };
    let alg = &c.alg;
    let (severity, message) = match &c.evidence {
        ConfusionEvidence::Proven { key, form } => (
            Severity::High,
            format!(
                "the {alg} MAC verifies with the {form} of {} as the HMAC secret: this token was forged from a public \
                 key, and a verifier that lets the token's alg decide how a key is used accepts it",
                name(*key)
            ),
        ),
        ConfusionEvidence::AimedAt { key } => (
            Severity::Medium,
            format!(
                "the token asks for {alg} (HMAC) but its kid names {}: a verifier that used that public key as the \
                 HMAC secret would accept a token forged from it",
                name(*key)
            ),
        ),
        ConfusionEvidence::OnlyPublicKeys => (
            Severity::Low,
            format!(
                "the token asks for {alg} (HMAC) but only public keys are loaded: if your verifier holds these keys, \
                 an {alg} token is either from another issuer or forged from a public key"
            ),
        ),
    };
    out.push(finding("alg-confusion", severity, message, "RFC 8725 §2.1, §3.1"));
}

/// The loaded keys, judged as the key store lints them: the keys that can verify this token's
/// alg (all of them when the alg names no key type) for strength, the others only named, except
/// `target`, the public key an algorithm-confusion forgery names (judged, never called unused).
///
/// When a key verified the token (`matched`), only that key is judged for strength: another
/// compatible key in the set, weak or not, is not this token's key. A loaded secret that is the
/// `found` one is left to the finding that names it.
fn key_findings(
    token: &Token,
    keys: &[Key],
    target: Option<usize>,
    matched: Option<usize>,
    found: Option<&[u8]>,
    out: &mut Vec<Finding>,
) {
    let alg = token.alg().unwrap_or("");
    let wanted = crate::core::engine::keys::kty_for_alg(alg);
    let needed = crack::HmacAlg::from_name(alg).map_or(32, crack::HmacAlg::mac_len);
    let mut unused = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        if wanted.is_some_and(|kty| kty != key.material.kty()) && target != Some(i) {
            unused.push(format!("{} ({})", key.label(), key.material.describe()));
            continue;
        }
        if matched.is_some_and(|m| m != i) && target != Some(i) {
            continue;
        }
        let weaknesses = key.weaknesses();
        match &key.material {
            // The secret's length is judged against this alg's hash (HS512 wants 512 bits); for
            // a JWE an oct key is an AES key, whose 128 bits are its design.
            KeyMaterial::Oct { k } if token.kind == Kind::Jws && k.len() < needed && found != Some(k.as_slice()) => {
                out.push(finding(
                    "weak-secret",
                    Severity::High,
                    format!(
                        "the loaded secret {} is {} bits, shorter than the {} bits of the hash output: brute-forceable",
                        key.label(),
                        k.len() * 8,
                        needed * 8
                    ),
                    "RFC 7518 §3.2, RFC 8725 §3.5",
                ));
            }
            KeyMaterial::Oct { .. } => {}
            _ => {
                for weakness in &weaknesses {
                    out.push(finding(
                        "weak-key",
                        Severity::High,
                        format!("{weakness} (the loaded key {})", key.label()),
                        "RFC 7518 §3.3, RFC 8725 §3.5, CVE-2017-15361",
                    ));
                }
            }
        }
        for warning in key.warnings.iter().filter(|w| !weaknesses.contains(w)) {
            out.push(finding(
                "key-warning",
                Severity::Low,
                format!("the loaded key {}: {}", key.label(), crate::core::text::visible(warning)),
                "RFC 7517 §4, RFC 7518 §3",
            ));
        }
    }
    if !unused.is_empty() {
        let shown: Vec<&str> = unused.iter().take(4).map(String::as_str).collect();
        let more = if unused.len() > shown.len() {
            format!(" and {} more", unused.len() - shown.len())
        } else {
            String::new()
        };
        out.push(finding(
            "key-not-used",
            Severity::Info,
            format!(
                "not judged: {}{more}; {alg:?} is verified with {}, so these are not this token's keys",
                shown.join(", "),
                match wanted {
                    Some("oct") => "an HMAC secret",
                    Some("RSA") => "an RSA key",
                    Some("EC") => "an EC key",
                    Some("OKP") => "an OKP (Ed25519) key",
                    _ => "a different key",
                }
            ),
            "RFC 7518 §3.1, RFC 8725 §2.1",
        ));
    }
}

fn weak_secret(
    token: &Token,
    opts: &TokenAuditOptions<'_>,
    target: Option<usize>,
    matched: Option<usize>,
    out: &mut Vec<Finding>,
) -> Result<(), crack::CrackError> {
    let found = known_secret(token, opts, out)?;
    // A found secret says more than its length does: the loaded key that is that same secret
    // gets no second weak-secret finding (two would count as two high findings).
    key_findings(token, opts.keys, target, matched, found.as_ref().map(|(secret, _)| secret.as_slice()), out);
    if let Some((_, message)) = found {
        out.push(finding("weak-secret", Severity::High, message, "RFC 8725 §3.5"));
    }
    Ok(())
}

/// The token's HMAC secret when it is known (recovered by a crack, or in the bundled or given
/// wordlist), with the finding's words; notes of a search cut short go to `out`.
fn known_secret(
    token: &Token,
    opts: &TokenAuditOptions<'_>,
    out: &mut Vec<Finding>,
) -> Result<Option<(Vec<u8>, String)>, crack::CrackError> {
    if let Some((secret, how)) = &opts.cracked {
        let message = format!(
            "the HMAC secret is {how}: it is {:?}; anyone who tries it can mint tokens",
            crack::secret_display(secret)
        );
        return Ok(Some((secret.clone(), message)));
    }
    if opts.skip_wordlist && opts.bundled.is_none() {
        if token.alg().is_some_and(|a| a.starts_with("HS")) {
            out.push(finding(
                "weak-secret",
                Severity::Info,
                "the wordlist was not tried here: the token is too large to test it instantly; use Crack the \
                 secret (tokenbench crack)",
                "RFC 8725 §3.5",
            ));
        }
        return Ok(None);
    }
    let bundled = match &opts.bundled {
        Some(known) => known.clone(),
        None => match bundled_wordlist(token)? {
            Some(outcome) => outcome,
            None => return Ok(None),
        },
    };
    let (outcome, list) = match (bundled.secret.is_some(), opts.wordlist, Target::from_token(token)) {
        (false, Some(path), Ok(target)) => {
            let progress = Progress::default();
            let threads = crack::default_threads();
            let (report, cut) =
                crack::crack_file_prefix(&target, path, Rules::NONE, threads, &progress, AUDIT_WORDLIST_BYTES)?;
            if cut {
                out.push(finding(
                    "weak-secret",
                    Severity::Info,
                    format!(
                        "only the first {} MiB of the given wordlist were tried ({} guesses, not found): `tokenbench \
                         crack --wordlist FILE` searches all of it",
                        AUDIT_WORDLIST_BYTES >> 20,
                        report.candidates
                    ),
                    "RFC 8725 §3.5",
                ));
            }
            (WordlistOutcome { secret: report.secret, candidates: report.candidates }, "the given wordlist")
        }
        _ => (bundled, "the bundled wordlist of published default secrets"),
    };
    Ok(outcome.secret.map(|secret| {
        let message = if secret.is_empty() {
            "the HMAC secret is EMPTY (zero bytes, tried before any wordlist): anyone can mint tokens, as the \
             kid-traversal forgery does"
                .to_owned()
        } else {
            format!(
                "the HMAC secret is in a public wordlist ({} guesses): it is {:?}, found in {list}; anyone can mint \
                 tokens",
                outcome.candidates,
                crack::secret_display(&secret),
            )
        };
        (secret, message)
    }))
}

fn header_findings(token: &Token, out: &mut Vec<Finding>) {
    // Every header a verifier may read: each signature's protected and unprotected header (a
    // JWS JSON token may carry several), or the JWE's.
    let mut headers: Vec<(&JsonObject, String)> = Vec::new();
    let several = token.signatures.len() > 1;
    for (i, sig) in token.signatures.iter().enumerate() {
        let which = if several { format!("signature {}'s ", i + 1) } else { String::new() };
        headers.push((&sig.header, format!("{which}protected header")));
        if let Some(u) = &sig.unprotected {
            headers.push((u, format!("{which}unprotected header")));
        }
    }
    if token.signatures.is_empty() {
        headers.push((token.header(), "header".to_owned()));
    }
    for (param, id, what) in [
        ("jku", "header-jku", "a URL of keys"),
        ("x5u", "header-x5u", "a URL of certificates"),
        ("jwk", "header-jwk", "an embedded public key"),
        ("x5c", "header-x5c", "an embedded certificate chain"),
    ] {
        if let Some((v, place)) = headers.iter().find_map(|(h, place)| token::member(h, param).map(|v| (v, place))) {
            let shown = match v {
                Value::String(s) => format!(" ({s:?})"),
                _ => String::new(),
            };
            let place = if place == "header" || place == "protected header" { "header" } else { place.as_str() };
            out.push(finding(
                id,
                Severity::Medium,
                format!(
                    "the {place} names {what} via \"{param}\"{shown}: a naive verifier fetches or trusts it, so the \
                     token chooses its own key"
                ),
                "RFC 8725 §3.10, RFC 7515 §4.1.2-4.1.6",
            ));
        }
    }
    if token.serialization != token::Serialization::Compact && token.kind == token::Kind::Jwe {
        out.push(finding(
            "json-serialization",
            Severity::Low,
            "the token is a JWE in the JSON serialization: JOSE data (several recipients, unprotected headers), not \
             a JWT, which is always compact (RFC 7519 §1); a JWT consumer refuses it",
            "RFC 7519 §1, RFC 7516 §7.2",
        ));
    } else if token.serialization != token::Serialization::Compact {
        out.push(finding(
            "json-serialization",
            Severity::Medium,
            "the token uses the JWS JSON serialization, which a JWT never does (RFC 7519 §1): a JWT verifier refuses \
             it, and one that accepts it may read a different header or signature than the issuer meant",
            "RFC 7519 §1, RFC 7515 §7.2",
        ));
    }
    // A kid is meant as a string; a verifier that joins an array (or one of its items) into a
    // path or query is as exposed, so every string inside is looked at.
    if let Some(kid) = headers.iter().find_map(|(h, _)| token::member(h, "kid")) {
        let mut texts = Vec::new();
        strings_in(kid, &mut texts);
        let form = if kid.is_string() { "" } else { " (inside a non-string kid)" };
        if let Some((text, bad)) = texts.iter().find_map(|t| kid_injection(t).map(|bad| (t, bad))) {
            out.push(finding(
                "kid-injection",
                Severity::Medium,
                format!(
                    "\"kid\" {text:?}{form} contains {bad}: a verifier that uses kid in a file path, SQL query or \
                     shell command can be steered to a key the attacker knows"
                ),
                "RFC 8725 §3.10, OWASP JWT Cheat Sheet",
            ));
        }
    }
}

/// Every string in a JSON value, at any depth (arrays and object members).
fn strings_in<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| strings_in(v, out)),
        Value::Object(members) => members.values().for_each(|v| strings_in(v, out)),
        _ => {}
    }
}

/// Every value of the protected header's member `name`, in order, duplicates included (the
/// parsed header keeps only the last).
fn header_members(token: &Token, name: &str) -> Vec<Value> {
    /// A JSON object's members as written, repeated names kept.
    struct Members(Vec<(String, Value)>);
    impl<'de> serde::Deserialize<'de> for Members {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Members;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                    let mut members = Vec::new();
                    while let Some(entry) = map.next_entry::<String, Value>()? {
                        members.push(entry);
                    }
                    Ok(Members(members))
                }
            }
            d.deserialize_map(Visit)
        }
    }
    let protected = match token.signatures.first() {
        Some(sig) => sig.protected_b64(),
        None => token.text.split('.').next().unwrap_or(""),
    };
    let parsed = token::decode_b64url(protected).ok().and_then(|b| serde_json::from_slice::<Members>(&b).ok());
    match parsed {
        Some(Members(members)) => members.into_iter().filter(|(n, _)| n == name).map(|(_, v)| v).collect(),
        // Not readable this way (never for a parsed token): the parsed header's value.
        None => token::member(token.header(), name).cloned().into_iter().collect(),
    }
}

/// What in a `kid` looks like path, SQL or command injection, if anything.
#[must_use]
pub fn kid_injection(kid: &str) -> Option<&'static str> {
    const PATTERNS: [(&str, &str); 10] = [
        ("..", "\"..\" (path traversal)"),
        ("/", "\"/\" (a path)"),
        ("\\", "\"\\\" (a path)"),
        ("'", "a quote (SQL injection)"),
        ("\"", "a quote (SQL injection)"),
        (";", "\";\" (command or SQL chaining)"),
        ("|", "\"|\" (a shell pipe)"),
        ("$(", "\"$(\" (shell substitution)"),
        ("`", "a backtick (shell substitution)"),
        ("\0", "a NUL byte (string truncation)"),
    ];
    PATTERNS.iter().find(|(p, _)| kid.contains(p)).map(|(_, why)| *why)
}

fn claim_findings(claims: &JsonObject, now: UnixSeconds, out: &mut Vec<Finding>) {
    /// A hostile token may hold a million card numbers: the first ones are named, the rest counted.
    const SHOWN: usize = 20;
    let exp_claim = token::numeric_date(claims, "exp");
    let exp = exp_claim.as_ref().ok().copied().flatten();
    let iat = token::numeric_date(claims, "iat").ok().flatten();
    let nbf = token::numeric_date(claims, "nbf").ok().flatten();
    match exp {
        // Present but no number: no verifier can tell when it expires (verify fails it).
        None if exp_claim.is_err() => out.push(finding(
            "missing-exp",
            Severity::Medium,
            "\"exp\" is not a NumericDate (a JSON number of seconds): no verifier can tell when the token expires, \
             and a lenient one treats it as never",
            "RFC 7519 §2, §4.1.4",
        )),
        None => out.push(finding(
            "missing-exp",
            Severity::Medium,
            format!("no \"exp\": the token never expires, so {NO_EXP_CONSEQUENCE}"),
            "RFC 7519 §4.1.4, RFC 8725 §3.10",
        )),
        Some(exp) => {
            // The lifetime runs from the earliest instant known: iat or nbf when the token says
            // when it began, else the clock (a token without either is judged from now on).
            let (start, from) = match (iat, nbf) {
                (Some(i), Some(n)) if n < i => (n, "exp - nbf"),
                (Some(i), _) => (i, "exp - iat"),
                (None, Some(n)) => (n, "exp - nbf"),
                (None, None) => (now, "from the clock's now, no iat or nbf"),
            };
            if exp - start > 86_400.0 {
                out.push(finding(
                    "long-lifetime",
                    Severity::Medium,
                    format!(
                        "lifetime {} ({from}): over 24 hours of validity for a bearer token that cannot be recalled",
                        crate::core::text::lifetime_words(exp - start)
                    ),
                    "RFC 8725 §3.10, OWASP JWT Cheat Sheet",
                ));
            }
            if exp <= now {
                out.push(finding(
                    "expired",
                    Severity::Info,
                    format!("expired {} ago (at the clock's now)", human_duration(now - exp)),
                    "RFC 7519 §4.1.4",
                ));
            }
        }
    }
    if let Some(iat) = iat
        && iat > now + FUTURE_IAT_TOLERANCE
    {
        out.push(finding(
            "iat-in-future",
            Severity::Low,
            format!(
                "\"iat\" is {} ahead of the clock: a wrong issuer clock or a forged token",
                human_duration(iat - now)
            ),
            "RFC 7519 §4.1.6",
        ));
    }
    if token::member(claims, "aud").is_none() {
        out.push(finding(
            "missing-aud",
            Severity::Low,
            "no \"aud\": a token issued for one service is accepted by every other that trusts the issuer",
            "RFC 7519 §4.1.3, RFC 8725 §3.9",
        ));
    }
    let mut sensitive = Vec::new();
    walk_sensitive(claims, "", &mut sensitive);
    let more = sensitive.len().saturating_sub(SHOWN);
    for what in sensitive.into_iter().take(SHOWN) {
        out.push(finding(
            "sensitive-claim",
            Severity::Medium,
            format!("{what}: JWT claims are only base64url, readable by anyone who sees the token"),
            "RFC 8725 §3.6, OWASP JWT Cheat Sheet",
        ));
    }
    if more > 0 {
        out.push(finding(
            "sensitive-claim",
            Severity::Medium,
            format!("{more} more claims like those above"),
            "RFC 8725 §3.6, OWASP JWT Cheat Sheet",
        ));
    }
}

/// Claim names that should never travel in a readable token (compared lowercase, without
/// `_`, `-`, spaces or dots).
const SENSITIVE_CONTAINS: [&str; 13] = [
    "password",
    "passwd",
    "secret",
    "ssn",
    "socialsecurity",
    "cardnumber",
    "creditcard",
    "ccnumber",
    "cvv",
    "cvc",
    "privatekey",
    "apikey",
    "iban",
];
const SENSITIVE_EXACT: [&str; 4] = ["pwd", "pin", "pan", "cc"];
const TIME_CLAIMS: [&str; 5] = ["exp", "iat", "nbf", "auth_time", "updated_at"];

fn walk_sensitive(obj: &JsonObject, path: &str, out: &mut Vec<String>) {
    for (name, value) in obj {
        let full = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
        let norm: String = name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
        if SENSITIVE_CONTAINS.iter().any(|s| norm.contains(s)) || SENSITIVE_EXACT.contains(&norm.as_str()) {
            out.push(format!("claim {full:?} is named like a secret or personal data"));
        } else if !TIME_CLAIMS.contains(&name.as_str()) {
            walk_value(value, &full, out);
            continue;
        }
        walk_nested(value, &full, out);
    }
}

/// A claim's value: a card number itself, or inside arrays (of arrays) and objects.
fn walk_value(value: &Value, path: &str, out: &mut Vec<String>) {
    if let Some(digits) = card_number(value) {
        out.push(format!("claim {path:?} holds a {digits}-digit number that passes the Luhn check (a card number?)"));
    }
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_value(item, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(inner) => walk_sensitive(inner, path, out),
        _ => {}
    }
}

/// Objects nested in a value already reported (or a time claim): their names are still looked at.
fn walk_nested(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(inner) => walk_sensitive(inner, path, out),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_nested(item, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// The digit count when the value is a 13-19 digit Luhn-valid number (as a number or a string
/// of digits, spaces and dashes).
fn card_number(value: &Value) -> Option<usize> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) if n.is_u64() => n.to_string(),
        _ => return None,
    };
    if !text.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-') {
        return None;
    }
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    ((13..=19).contains(&digits.len()) && luhn(&digits)).then_some(digits.len())
}

/// The Luhn checksum (ISO/IEC 7812-1).
#[must_use]
pub fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                *d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// "45 s", "14 min", "2 days", "3.5 years": the workbench's one duration formatter
/// ([`crate::core::text::human_seconds`]), for seconds.
pub use crate::core::text::human_seconds as human_duration;
