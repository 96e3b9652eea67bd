//! The security audit: findings about a token (and the keys loaded for it), or about a session
//! cookie, each with a stable id, a severity, one line of explanation and its reference.
//!
//! The ids are a contract (`tokenbench audit --json`, scripts, the GUI): see [`TOKEN_IDS`] and
//! [`COOKIE_IDS`]. Findings come out sorted by severity, then in the order of those lists.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::core::clock::UnixSeconds;
use crate::core::crack::{self, Progress, Rules, Target};
use crate::core::keys::{Key, KeyMaterial};
use crate::core::token::{self, JsonObject, Kind, Token};

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

/// Every token finding id, in report order within a severity.
pub const TOKEN_IDS: [&str; 19] = [
    "alg-none",
    "weak-secret",
    "weak-key",
    "missing-exp",
    "long-lifetime",
    "header-jku",
    "header-x5u",
    "header-jwk",
    "kid-injection",
    "duplicate-member",
    "sensitive-claim",
    "token-in-url",
    "iat-in-future",
    "missing-aud",
    "key-warning",
    "symmetric-alg",
    "expired",
    "encrypted",
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

fn finding(id: &'static str, severity: Severity, message: impl Into<String>, reference: &'static str) -> Finding {
    Finding { id, severity, message: message.into(), reference }
}

/// Sorts by severity, then by the id's place in its list.
fn sort(findings: &mut [Finding]) {
    let rank = |id: &str| TOKEN_IDS.iter().chain(COOKIE_IDS.iter()).position(|x| *x == id).unwrap_or(usize::MAX);
    findings.sort_by_key(|f| (f.severity, rank(f.id)));
}

/// True when any finding makes `tokenbench audit` exit 1.
#[must_use]
pub fn any_failing(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity.fails())
}

/// Where the token came from, when it was not pasted on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UrlSource {
    /// "query" or "fragment".
    pub part: &'static str,
    /// The parameter name.
    pub parameter: String,
}

/// When `input` is a URL (or a query/fragment string) carrying a JWT in a parameter, the token
/// and where it was. Parameters named `access_token`, `id_token`, `token` or `jwt` are looked at
/// first, then any parameter whose value parses as a token.
#[must_use]
pub fn token_from_url(input: &str) -> Option<(String, UrlSource)> {
    const PREFERRED: [&str; 4] = ["access_token", "id_token", "token", "jwt"];
    let s = input.trim();
    if !looks_like_url(s) {
        return None;
    }
    let (before_fragment, fragment) = s.split_once('#').map_or((s, ""), |(a, b)| (a, b));
    let query = before_fragment.split_once('?').map_or("", |(_, q)| q);
    let mut params: Vec<(&'static str, String, String)> = Vec::new();
    for (part, text) in [("query", query), ("fragment", fragment)] {
        for pair in text.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            params.push((part, percent_decode(name), percent_decode(value)));
        }
    }
    params.sort_by_key(|(_, name, _)| PREFERRED.iter().position(|p| p == name).unwrap_or(PREFERRED.len()));
    params.into_iter().find_map(|(part, parameter, value)| {
        token::parse(&value).is_ok().then_some((value, UrlSource { part, parameter }))
    })
}

/// True when `input` reads as a URL (or a query or fragment string) rather than a token: it
/// has a scheme (`://`) or starts with `?`, `#` or `/`, and no whitespace. A token never does.
#[must_use]
pub fn looks_like_url(input: &str) -> bool {
    let s = input.trim();
    (s.contains("://") || s.starts_with('?') || s.starts_with('#') || s.starts_with('/'))
        && !s.contains(char::is_whitespace)
}

/// The message for a URL that carries no token.
pub const NO_JWT_IN_URL: &str = "no JWT found in this URL: no query or fragment parameter (access_token, id_token, token, jwt or any other) holds one";

/// `%XX` and `+` decoding of a query component; invalid escapes are kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                // Two hex digits exactly ("%+1" is not an escape, though from_str_radix takes "+1").
                let hex = match (
                    bytes.get(i + 1).copied().and_then(hex_digit),
                    bytes.get(i + 2).copied().and_then(hex_digit),
                ) {
                    (Some(hi), Some(lo)) => Some(hi << 4 | lo),
                    _ => None,
                };
                if let Some(b) = hex {
                    out.push(b);
                    i += 3;
                } else {
                    out.push(b'%');
                    i += 1;
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_digit(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok())
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
}

/// Audits a token.
///
/// # Errors
/// When the given wordlist cannot be read (whatever the token: an HS token or not).
pub fn audit_token(token: &Token, opts: &TokenAuditOptions<'_>) -> Result<Vec<Finding>, crack::CrackError> {
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
            format!("\"alg\": {none:?}{which}: the token is unsigned; a verifier that honours it accepts any claims"),
            RFC8725_ALG,
        ));
    }
    weak_secret(token, opts, &mut out)?;
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
                "the payload carries no JSON claims, so no expiry: it never expires",
                "RFC 7519 §4.1.4",
            )),
        }
    }
    if let Some(src) = &opts.url {
        out.push(finding(
            "token-in-url",
            Severity::Medium,
            format!(
                "the token travelled in the URL's {} parameter {:?}: URLs end up in browser history, server and \
                 proxy logs and Referer headers",
                src.part, src.parameter
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

/// The loaded keys, judged as the key store lints them: the keys that can verify this token's
/// alg (all of them when the alg names no key type) for strength, the others only named.
fn key_findings(token: &Token, keys: &[Key], out: &mut Vec<Finding>) {
    let alg = token.alg().unwrap_or("");
    let wanted = crate::core::keys::kty_for_alg(alg);
    let needed = crack::HmacAlg::from_name(alg).map_or(32, crack::HmacAlg::mac_len);
    let mut unused = Vec::new();
    for key in keys {
        if wanted.is_some_and(|kty| kty != key.material.kty()) {
            unused.push(format!("{} ({})", key.label(), key.material.describe()));
            continue;
        }
        let weaknesses = key.weaknesses();
        match &key.material {
            // The secret's length is judged against this alg's hash (HS512 wants 512 bits).
            KeyMaterial::Oct { k } if k.len() < needed => out.push(finding(
                "weak-secret",
                Severity::High,
                format!(
                    "the loaded secret {} is {} bits, shorter than the {} bits of the hash output: brute-forceable",
                    key.label(),
                    k.len() * 8,
                    needed * 8
                ),
                "RFC 7518 §3.2, RFC 8725 §3.5",
            )),
            KeyMaterial::Oct { .. } => {}
            _ => {
                for weakness in &weaknesses {
                    out.push(finding(
                        "weak-key",
                        Severity::High,
                        format!("the loaded key {}: {weakness}", key.label()),
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
                "not judged: {}{more}; {alg:?} is verified with a {} key, so these are not this token's keys",
                shown.join(", "),
                wanted.unwrap_or("different")
            ),
            "RFC 7518 §3.1, RFC 8725 §2.1",
        ));
    }
}

fn weak_secret(token: &Token, opts: &TokenAuditOptions<'_>, out: &mut Vec<Finding>) -> Result<(), crack::CrackError> {
    key_findings(token, opts.keys, out);
    if let Some((secret, how)) = &opts.cracked {
        out.push(finding(
            "weak-secret",
            Severity::High,
            format!(
                "the HMAC secret is {:?} ({how}): anyone with a wordlist can mint tokens",
                crack::secret_display(secret)
            ),
            "RFC 8725 §3.5",
        ));
        return Ok(());
    }
    if opts.skip_wordlist {
        return Ok(());
    }
    let Ok(target) = Target::from_token(token) else { return Ok(()) };
    let progress = Progress::default();
    let bundled = crack::crack_bundled(&target, Rules::NONE, 1, &progress)?;
    let (report, list) = match (bundled.secret.is_some(), opts.wordlist) {
        (false, Some(path)) => {
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
            (report, "the given wordlist")
        }
        _ => (bundled, "the bundled wordlist of published default secrets"),
    };
    if let Some(secret) = report.secret {
        let message = if secret.is_empty() {
            "the HMAC secret is EMPTY (zero bytes, tried before any wordlist): anyone can mint tokens, as the \
             kid-traversal forgery does"
                .to_owned()
        } else {
            format!(
                "the HMAC secret is {:?}, found in {list} after {} guesses: anyone can mint tokens",
                crack::secret_display(&secret),
                report.candidates
            )
        };
        out.push(finding("weak-secret", Severity::High, message, "RFC 8725 §3.5"));
    }
    Ok(())
}

fn header_findings(token: &Token, out: &mut Vec<Finding>) {
    let header = token.header();
    for (param, id, what) in [
        ("jku", "header-jku", "a URL of keys"),
        ("x5u", "header-x5u", "a URL of certificates"),
        ("jwk", "header-jwk", "an embedded public key"),
    ] {
        if let Some(v) = token::member(header, param) {
            let shown = match v {
                Value::String(s) => format!(" ({s:?})"),
                _ => String::new(),
            };
            out.push(finding(
                id,
                Severity::Medium,
                format!(
                    "the header names {what} via \"{param}\"{shown}: a naive verifier fetches or trusts it, so the \
                     token chooses its own key"
                ),
                "RFC 8725 §3.10, RFC 7515 §4.1.2-4.1.5",
            ));
        }
    }
    // A kid is meant as a string; a verifier that joins an array (or one of its items) into a
    // path or query is as exposed, so every string inside is looked at.
    if let Some(kid) = token::member(header, "kid") {
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
    let exp = token::numeric_date(claims, "exp").ok().flatten();
    let iat = token::numeric_date(claims, "iat").ok().flatten();
    let nbf = token::numeric_date(claims, "nbf").ok().flatten();
    match exp {
        None => out.push(finding(
            "missing-exp",
            Severity::Medium,
            "no \"exp\": the token never expires, so a stolen copy works forever",
            "RFC 7519 §4.1.4, RFC 8725 §3.10",
        )),
        Some(exp) => {
            if let Some((start, name)) = iat.map(|t| (t, "iat")).or(nbf.map(|t| (t, "nbf")))
                && exp - start > 86_400.0
            {
                out.push(finding(
                    "long-lifetime",
                    Severity::Medium,
                    format!(
                        "exp - {name} is {}: over 24 hours of validity for a bearer token that cannot be recalled",
                        human_duration(exp - start)
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
        && iat > now + 60.0
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

/// "3.5 years", "3 days 4 h", "45 min", "12 s".
#[must_use]
pub fn human_duration(seconds: f64) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let s = seconds.abs().round() as u64;
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h", s / 3600),
        172_800..=63_071_999 => {
            let days = s / 86_400;
            let hours = (s % 86_400) / 3600;
            if hours == 0 { format!("{days} days") } else { format!("{days} days {hours} h") }
        }
        _ => format!("{:.1} years", s as f64 / (365.25 * 86_400.0)),
    }
}

// ---------------------------------------------------------------------------------------------
// Cookies

/// The `SameSite` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum SameSite {
    /// Not set (browsers default to Lax, but not all, and not for 2 minutes after setting).
    Unset,
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=Lax`.
    Lax,
    /// `SameSite=None`.
    None,
}

/// A parsed `Set-Cookie` header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cookie {
    /// The cookie's name.
    pub name: String,
    /// Its value.
    pub value: String,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `Secure`.
    pub secure: bool,
    /// `SameSite`.
    pub same_site: SameSite,
    /// `Max-Age` in seconds (the last valid one; beyond i64 it saturates, RFC 6265 §5.2.2).
    pub max_age: Option<i64>,
    /// `Expires`, as Unix seconds (the last one that is a cookie date, RFC 6265 §5.1.1).
    pub expires: Option<i64>,
    /// An `Expires` value that is not a cookie date: browsers ignore it.
    pub bad_expires: Option<String>,
    /// `Domain`.
    pub domain: Option<String>,
    /// `Path`.
    pub path: Option<String>,
}

impl Cookie {
    /// Seconds the browser keeps the cookie from `now` (Max-Age wins over Expires, RFC 6265
    /// §5.3); `None` for a session cookie (kept until the browser closes).
    #[must_use]
    pub fn lifetime(&self, now: UnixSeconds) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        self.max_age.map(|m| m as f64).or_else(|| self.expires.map(|e| e as f64 - now))
    }
}

/// Parses `Set-Cookie: name=value; attributes` (the `Set-Cookie:` prefix is optional).
///
/// # Errors
/// When there is no `name=value` pair.
pub fn parse_cookie(line: &str) -> Result<Cookie, String> {
    const PREFIX: &[u8] = b"set-cookie:";
    let mut s = line.trim();
    // Compared as bytes: the 11th byte may fall inside a multi-byte character.
    if s.as_bytes().get(..PREFIX.len()).is_some_and(|head| head.eq_ignore_ascii_case(PREFIX)) {
        // The prefix is ASCII, so the byte after it starts a character.
        s = s.get(PREFIX.len()..).unwrap_or("").trim();
    }
    let mut parts = s.split(';');
    let pair = parts.next().unwrap_or("").trim();
    let Some((name, value)) = pair.split_once('=') else {
        return Err(format!("{pair:?} is not a name=value pair; expected e.g. 'Set-Cookie: sid=...; HttpOnly'"));
    };
    let name = name.trim();
    if name.is_empty() {
        return Err("the cookie has no name before '='".into());
    }
    let mut cookie = Cookie {
        name: name.to_owned(),
        value: value.trim().trim_matches('"').to_owned(),
        http_only: false,
        secure: false,
        same_site: SameSite::Unset,
        max_age: None,
        expires: None,
        bad_expires: None,
        domain: None,
        path: None,
    };
    for attr in parts {
        let (key, val) = attr.split_once('=').map_or((attr.trim(), ""), |(k, v)| (k.trim(), v.trim()));
        match key.to_ascii_lowercase().as_str() {
            "httponly" => cookie.http_only = true,
            "secure" => cookie.secure = true,
            "samesite" => {
                cookie.same_site = match val.to_ascii_lowercase().as_str() {
                    "strict" => SameSite::Strict,
                    "lax" => SameSite::Lax,
                    "none" => SameSite::None,
                    _ => SameSite::Unset,
                }
            }
            // An invalid value is ignored: an earlier valid one stays (RFC 6265 §5.2.1-5.2.2).
            "max-age" => cookie.max_age = parse_max_age(val).or(cookie.max_age),
            "expires" => match parse_cookie_date(val) {
                Some(t) => cookie.expires = Some(t),
                None => cookie.bad_expires = Some(val.to_owned()),
            },
            "domain" => cookie.domain = Some(val.to_owned()),
            "path" => cookie.path = Some(val.to_owned()),
            _ => {}
        }
    }
    Ok(cookie)
}

/// `Max-Age` as RFC 6265 §5.2.2 reads it: an optional `-` and digits, nothing else; a value
/// beyond i64 saturates (a cookie kept "forever" must not read as a session cookie).
fn parse_max_age(val: &str) -> Option<i64> {
    let (negative, digits) = match val.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, val),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits.bytes().fold(0i64, |n, d| n.saturating_mul(10).saturating_add(i64::from(d - b'0')));
    Some(if negative { -magnitude } else { magnitude })
}

/// A cookie date as browsers read it (RFC 6265 §5.1.1): tokens split on delimiters, the first
/// time, day of month, month and year found, two-digit years 70-99 as 19xx and 00-69 as 20xx,
/// any zone ignored (UTC). Accepts the IMF form (`Wed, 21 Oct 2099 07:28:00 GMT`), RFC 850
/// (`Wednesday, 21-Oct-99 07:28:00 GMT`), asctime (`Sun Nov  6 08:49:37 2094`) and the
/// variants servers send (no comma, `UTC`, no zone). `None` when browsers would ignore it.
#[must_use]
pub fn parse_cookie_date(s: &str) -> Option<i64> {
    let delimiter = |b: &u8| matches!(*b, 0x09 | 0x20..=0x2f | 0x3b..=0x40 | 0x5b..=0x60 | 0x7b..=0x7e);
    let (mut time, mut day, mut month, mut year) = (None, None, None, None);
    for token in s.as_bytes().split(delimiter).filter(|t| !t.is_empty()) {
        if time.is_none()
            && let Some(t) = hms_time(token)
        {
            time = Some(t);
        } else if day.is_none()
            && let Some(d) = leading_number(token, 1, 2)
        {
            day = Some(d);
        } else if month.is_none()
            && let Some(m) = month_of(token)
        {
            month = Some(m);
        } else if year.is_none()
            && let Some(y) = leading_number(token, 2, 4)
        {
            year = Some(y);
        }
    }
    let ((hour, minute, second), day, month, year) = (time?, day?, month?, year?);
    let year = match year {
        70..=99 => year + 1900,
        0..=69 => year + 2000,
        _ => year,
    };
    if !(1..=31).contains(&day) || year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(date.and_hms_opt(hour, minute, second)?.and_utc().timestamp())
}

/// `min` to `max` digits at the start of `token`, followed by a non-digit or nothing (the
/// day-of-month and year productions of RFC 6265 §5.1.1).
fn leading_number(token: &[u8], min: usize, max: usize) -> Option<u32> {
    let n = token.iter().take_while(|b| b.is_ascii_digit()).count();
    if n < min || n > max {
        return None;
    }
    Some(token[..n].iter().fold(0, |v, d| v * 10 + u32::from(d - b'0')))
}

/// `h:m:s`, each one or two digits, followed by a non-digit or nothing.
fn hms_time(token: &[u8]) -> Option<(u32, u32, u32)> {
    let mut fields = [0u32; 3];
    let mut rest = token;
    for (i, field) in fields.iter_mut().enumerate() {
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if !(1..=2).contains(&n) {
            return None;
        }
        *field = leading_number(rest, 1, 2)?;
        rest = &rest[n..];
        if i < 2 {
            rest = rest.strip_prefix(b":")?;
        }
    }
    Some((fields[0], fields[1], fields[2]))
}

/// The month whose three-letter name starts `token` (any case), 1 to 12.
fn month_of(token: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] =
        [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"];
    let head = token.get(..3)?;
    let i = MONTHS.iter().position(|m| head.eq_ignore_ascii_case(&m[..]))?;
    u32::try_from(i + 1).ok()
}

/// Estimated entropy of a session identifier in bits: its length times the bits per character
/// of the smallest usual alphabet that holds it (digits, hex, lowercase alphanumeric, base64url
/// / alphanumeric, printable ASCII).
#[must_use]
pub fn estimated_entropy_bits(value: &str) -> f64 {
    let alphabet: f64 = if value.chars().all(|c| c.is_ascii_digit()) {
        10.0
    } else if value.chars().all(|c| c.is_ascii_hexdigit()) && !has_both_cases(value) {
        16.0
    } else if value.chars().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        || value.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    {
        36.0
    } else if value.chars().all(|c| c.is_ascii_alphanumeric() || "-_+/=".contains(c)) {
        64.0
    } else {
        94.0
    };
    value.chars().count() as f64 * alphabet.log2()
}

fn has_both_cases(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_lowercase()) && s.chars().any(|c| c.is_ascii_uppercase())
}

/// Why a session id is predictable, if it looks so: a counter or sequence, a repeated pattern,
/// or a tiny alphabet.
#[must_use]
pub fn low_entropy_reason(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let n = bytes.len();
    if n == 0 {
        return Some("it is empty".into());
    }
    if n <= 12 && bytes.iter().all(u8::is_ascii_digit) {
        return Some(format!("{value:?} is a small number, like a counter or a database row id"));
    }
    // The longest run of consecutive characters going up or down by one ("123456", "abcdef").
    let mut longest = 1;
    let mut run = 1;
    for w in bytes.windows(2) {
        let step = i16::from(w[1]) - i16::from(w[0]);
        if step == 1 || step == -1 {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 1;
        }
    }
    if n >= 4 && longest * 2 >= n {
        return Some(format!("a run of {longest} sequential characters makes up most of it"));
    }
    if let Some(period) = (1..=n / 2).find(|p| n.is_multiple_of(*p) && bytes.chunks(*p).all(|c| c == &bytes[..*p])) {
        // A whole-string repeat starts every copy at a character boundary; lossy keeps that
        // a fact of the text rather than an assumption a slice could panic on.
        return Some(format!("it repeats {:?} {} times", String::from_utf8_lossy(&bytes[..period]), n / period));
    }
    let mut counts = std::collections::HashMap::new();
    for b in bytes {
        *counts.entry(b).or_insert(0usize) += 1;
    }
    if n >= 8 && counts.len() <= 4 {
        return Some(format!("it uses only {} distinct characters", counts.len()));
    }
    if let Some((&&b, &c)) = counts.iter().max_by_key(|(_, c)| **c)
        && n >= 8
        && c * 2 >= n
    {
        return Some(format!("{:?} makes up {c} of its {n} characters", char::from(b)));
    }
    None
}

/// Audits a `Set-Cookie` header judged at `now`.
///
/// # Errors
/// When the header is not a cookie.
pub fn audit_cookie(line: &str, now: UnixSeconds) -> Result<(Cookie, Vec<Finding>), String> {
    let c = parse_cookie(line)?;
    let mut out = Vec::new();
    let name = &c.name;
    if !c.http_only {
        out.push(finding(
            "cookie-no-httponly",
            Severity::Medium,
            format!("{name:?} lacks HttpOnly: any script on the page (an XSS) can read it with document.cookie"),
            "RFC 6265 §4.1.2.6, OWASP Session Management Cheat Sheet",
        ));
    }
    if !c.secure {
        out.push(finding(
            "cookie-no-secure",
            Severity::Medium,
            format!("{name:?} lacks Secure: the browser also sends it over plain http://, where anyone on the network reads it"),
            "RFC 6265 §4.1.2.5, OWASP Session Management Cheat Sheet",
        ));
    }
    match c.same_site {
        SameSite::None if !c.secure => out.push(finding(
            "cookie-samesite-none-insecure",
            Severity::Medium,
            format!(
                "{name:?} has SameSite=None without Secure: current browsers drop it, older ones send it on every \
                 cross-site request over plain HTTP"
            ),
            "RFC 6265bis §5.4.7, OWASP",
        )),
        SameSite::Unset => out.push(finding(
            "cookie-no-samesite",
            Severity::Low,
            format!(
                "{name:?} has no SameSite: cross-site requests may carry it (CSRF), depending on the browser's default"
            ),
            "RFC 6265bis §8.8, OWASP CSRF Prevention Cheat Sheet",
        )),
        _ => {}
    }
    if let Some(life) = c.lifetime(now)
        && life > 30.0 * 86_400.0
    {
        out.push(finding(
            "cookie-long-lived",
            Severity::Medium,
            format!(
                "{name:?} is kept for {}: a stolen copy stays useful that long unless the server ends the session",
                human_duration(life)
            ),
            "OWASP Session Management Cheat Sheet (session expiration)",
        ));
    }
    if let Some(bad) = &c.bad_expires {
        out.push(finding(
            "cookie-bad-expires",
            Severity::Low,
            format!(
                "{name:?}'s Expires={bad:?} is not a date browsers can read, so they ignore it{}: if a lifetime was \
                 meant, it is not the one the browser applies",
                if c.max_age.is_some() { " (Max-Age decides here)" } else { " and keep the cookie for the session" }
            ),
            "RFC 6265 §5.1.1, §5.2.1",
        ));
    }
    if token::parse(&c.value).is_err() {
        let bits = estimated_entropy_bits(&c.value);
        if bits < 128.0 {
            out.push(finding(
                "session-id-short",
                Severity::Medium,
                format!("{name:?}'s value has about {bits:.0} bits of entropy; a session id needs at least 128 to resist guessing"),
                "OWASP Session Management Cheat Sheet (session ID entropy)",
            ));
        }
        if let Some(why) = low_entropy_reason(&c.value) {
            out.push(finding(
                "session-id-low-entropy",
                Severity::High,
                format!("{name:?}'s value is predictable: {why}; an attacker can guess other users' sessions"),
                "OWASP Session Management Cheat Sheet, CWE-330",
            ));
        }
    }
    sort(&mut out);
    Ok((c, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::keys::{self, SecretEncoding};
    use crate::core::sign::sign;
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
        assert_eq!(ids(&f), ["symmetric-alg"]);
        assert!(!any_failing(&f));
        // An ES256 token signed the same way has no finding at all.
        let ec = keys::load_file(
            &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys/ec-p256-pkcs8.pem"),
        )
        .unwrap()
        .remove(0);
        let t = token::parse(&sign(&obj(json!({"typ": "JWT"})), &obj(clean_claims()), "ES256", &ec).unwrap()).unwrap();
        assert!(audit(&t).is_empty(), "{:?}", audit(&t));
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
        let forged = crate::core::forge::forge(&original, crate::core::forge::Attack::KidTraversal, None, &[]).unwrap();
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
        let with =
            |keys: &[Key]| audit_token(&rs, &TokenAuditOptions { now: NOW, keys, ..Default::default() }).unwrap();
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
        assert_eq!(ids(&f), ["key-warning"], "{f:?}");
        assert!(f[0].message.contains("needs a EC key") && f[0].severity == Severity::Low, "{}", f[0].message);
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
        assert_eq!(ids(&f), ["weak-secret", "symmetric-alg"], "{f:?}");
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
        assert_eq!(ids(&f), ["missing-exp", "header-jku", "iat-in-future", "missing-aud", "symmetric-alg"]);
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
        let good = "Set-Cookie: __Host-sid=Qk7yX2m9V1pZ8rT4wL0nC3hJ6dF5sA2e; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=1800";
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
        assert!(audit_cookie("Set-Cookie: novalue", NOW).is_err());
        assert!(audit_cookie("=x", NOW).is_err());
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
        assert_eq!(human_duration(90_000.0), "25 h");
        assert_eq!(human_duration(200_000.0), "2 days 7 h");
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
}
