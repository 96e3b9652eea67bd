//! The leak scan: every compact JWS and JWE in files and folders, where it sits, and whether it
//! still works.
//!
//! Read in this order: [`find`] (what is a token in a run of bytes), [`walk`] (files, folders
//! and gzip, on every core, with bounded memory), [`context`] (what surrounds a token on its
//! line), [`status`] (whether it still works), then [`report`] (duplicates grouped, JSON and
//! text). [`scan`] ties them: it walks, then judges each distinct token once with the one
//! [`judgment`](crate::core::engine::judgment) at the given instant and keys.
//!
//! A token found is never shown: a [`Leak`] carries its SHA-256 fingerprint and its decoded
//! header and claims, never its signature or a JWE's encrypted parts, so a scan's output can be
//! pasted into a ticket without leaking again what it found.

pub mod context;
pub mod find;
pub mod report;
pub mod reread;
pub mod source;
pub mod status;
pub mod walk;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::core::engine::audit::{Finding, TokenAuditOptions};
use crate::core::engine::clock::UnixSeconds;
use crate::core::engine::judgment;
use crate::core::engine::keys::Key;
use crate::core::engine::token::{self, Kind};
use crate::core::engine::verify::SignatureVerdict;

pub use self::status::Status;

/// How many distinct HMAC tokens a scan tries the bundled wordlist on: each try is thousands of
/// HMACs, and a log of 100,000 distinct tokens from one issuer shares one secret.
pub const WORDLIST_TOKENS: usize = 256;

/// How many places of one token a scan keeps (the rest are counted): a token logged on every
/// line of a 10 GB log would otherwise hold memory by the place.
pub const PLACES_KEPT: usize = 1000;

/// How many hex digits of the SHA-256 of a token its fingerprint shows (64 bits: enough to tell
/// a corpus's tokens apart, and to find a token one holds with `sha256sum`).
pub const FINGERPRINT_HEX: usize = 16;

/// One occurrence of a token. Lines, columns and offsets count the file's text as the scan
/// reads it ([`source`]): decompressed for gzip, decoded to UTF-8 for UTF-16.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file, as reached from the scanned argument (`logs/access.log`), a name that is not
    /// UTF-8 with `\xFF` escapes ([`source::shown`]).
    pub path: Arc<str>,
    /// The file itself, to read the token again.
    pub file: Arc<std::path::Path>,
    /// The line, from 1.
    pub line: u64,
    /// The byte column where the token starts, from 1 (as `rg --column` counts).
    pub column: u64,
    /// The byte offset where the token starts, from 0 (binary files have no useful lines).
    pub offset: u64,
    /// What surrounds it ([`context::classify`]).
    pub context: String,
}

/// A path the scan could not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unreadable {
    /// The path.
    pub path: String,
    /// The operating system's or the decoder's message.
    pub reason: String,
}

/// The signature verdict of a token when keys were given.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Verdict {
    /// Valid with a loaded key, every check passed.
    pub valid: bool,
    /// The judgment's title ("VALID", "EXPIRED", "NO MATCHING KEY"...).
    pub title: String,
    /// The judgment's one line ("TITLE: why").
    pub summary: String,
}

/// A distinct token found, judged once, with every place it occurs.
#[derive(Debug, Clone)]
pub struct Leak {
    /// The first [`FINGERPRINT_HEX`] hex digits of the SHA-256 of the token text.
    pub fingerprint: String,
    /// JWS or JWE.
    pub kind: Kind,
    /// The header's `alg`, when it is a string.
    pub alg: Option<String>,
    /// The `iss` claim as written (JWS only).
    pub iss: Option<Value>,
    /// The `sub` claim as written.
    pub sub: Option<Value>,
    /// The `aud` claim as written.
    pub aud: Option<Value>,
    /// The `exp` claim, when it is a number.
    pub exp: Option<UnixSeconds>,
    /// The `nbf` claim, when it is a number.
    pub nbf: Option<UnixSeconds>,
    /// The `iat` claim, when it is a number (an `iat` ahead makes a token not yet valid).
    pub iat: Option<UnixSeconds>,
    /// The time claims present but not numbers (`exp`, `nbf`, `iat`, in that order).
    pub not_numbers: Vec<&'static str>,
    /// Whether the token still works at the scan's instant ([`status::status`]).
    pub status: Status,
    /// The verdict with the given keys, when keys were given.
    pub verdict: Option<Verdict>,
    /// The judgment's findings, worst first.
    pub findings: Vec<Finding>,
    /// Its first places, in path and offset order: at most [`PLACES_KEPT`] (per file read).
    pub places: Vec<Place>,
    /// How many times it occurs: its places and those past [`PLACES_KEPT`].
    pub occurrences: u64,
}

impl Leak {
    /// True when the token works or may work at the scan's instant ([`Status::may_be_live`]: a
    /// scan fails closed on what it cannot tell).
    #[must_use]
    pub fn may_be_live(&self) -> bool {
        self.status.may_be_live()
    }
}

/// What the scan is given besides its paths.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions<'a> {
    /// Keys to verify each token with (none: no verdict, only the findings).
    pub keys: &'a [Key],
    /// The instant liveness and time claims are judged at.
    pub now: UnixSeconds,
    /// Threads for the walk and the judgments (0: one per core).
    pub threads: usize,
    /// Figures a window reads while the scan runs, and its cancel switch (the CLI has none).
    pub progress: Option<&'a ScanProgress>,
}

/// A scan under way as another thread sees it: files and bytes read so far, and a switch that
/// stops it. Counted per read buffer (64 KiB), so the counting costs one atomic add per buffer.
#[derive(Debug, Default)]
pub struct ScanProgress {
    files: AtomicU64,
    bytes: AtomicU64,
    cancelled: AtomicBool,
}

impl ScanProgress {
    /// Files finished so far.
    #[must_use]
    pub fn files(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }

    /// Bytes read so far, as stored on disk (a `.gz` file counts its compressed bytes).
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Asks the scan to stop: no new file is started, the file being read stops at its next
    /// buffer, and nothing is judged.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether [`ScanProgress::cancel`] was called.
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    fn file_done(&self) {
        self.files.fetch_add(1, Ordering::Relaxed);
    }

    fn read(&self, n: usize) {
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
    }
}

/// The whole scan.
#[derive(Debug, Clone)]
pub struct ScanReport {
    /// Every distinct token, those that may be live first.
    pub leaks: Vec<Leak>,
    /// Files read to their end.
    pub files_scanned: u64,
    /// Files read in part (each also in `unreadable`, saying how far and why).
    pub files_partly: u64,
    /// Bytes searched (decompressed for gzip, decoded for UTF-16).
    pub bytes_scanned: u64,
    /// Paths given that could not be read, or only in part: the scan cannot vouch for them.
    pub unreadable: Vec<Unreadable>,
    /// What the folders hold that is not content (links, pipes, sockets, devices, kernel
    /// state), listed, not read.
    pub skipped: Vec<Unreadable>,
    /// The instant the tokens were judged at.
    pub now: UnixSeconds,
    /// Whether keys were given (each leak then has a verdict).
    pub keyed: bool,
    /// Whether the scan was cancelled ([`ScanProgress::cancel`]): it then holds no leaks.
    pub cancelled: bool,
}

impl ScanReport {
    /// True when any token found may still work at the scan's instant (exit 1).
    #[must_use]
    pub fn any_live(&self) -> bool {
        self.leaks.iter().any(Leak::may_be_live)
    }

    /// True when something given could not be read, or only in part: the scan cannot say those
    /// paths hold no live token, which is no green (exit 2 when no token found is live).
    #[must_use]
    pub fn incomplete(&self) -> bool {
        !self.unreadable.is_empty()
    }
}

/// Scans `paths` (files and folders) and judges every distinct token found.
#[must_use]
pub fn scan(paths: &[PathBuf], opts: &ScanOptions<'_>) -> ScanReport {
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    } else {
        opts.threads
    };
    let walked = walk::walk_with(paths, threads, opts.progress);
    let cancelled = opts.progress.is_some_and(ScanProgress::is_cancelled);
    // A cancelled scan judges nothing: what it found is partial, and judging takes time.
    let mut dropped = walked.dropped;
    let found: Vec<(String, Vec<Place>, u64)> = if cancelled {
        Vec::new()
    } else {
        walked
            .occurrences
            .into_iter()
            .map(|(token, places)| {
                let extra = dropped.remove(&token).unwrap_or(0);
                (token, places, extra)
            })
            .collect()
    };
    let mut leaks = judge_all(found, opts, threads);
    leaks.sort_by(|a, b| b.may_be_live().cmp(&a.may_be_live()).then_with(|| first_place(a).cmp(&first_place(b))));
    ScanReport {
        leaks,
        files_scanned: walked.files_scanned,
        files_partly: walked.files_partly,
        bytes_scanned: walked.bytes_scanned,
        unreadable: walked.unreadable,
        skipped: walked.skipped,
        now: opts.now,
        keyed: !opts.keys.is_empty(),
        cancelled,
    }
}

fn first_place(leak: &Leak) -> Option<(&str, u64, u64)> {
    leak.places.first().map(|p| (&*p.path, p.line, p.column))
}

/// Judges the distinct tokens on `threads` threads: an HS token's judgment tries the bundled
/// wordlist, and a log can hold thousands of distinct tokens.
fn judge_all(found: Vec<(String, Vec<Place>, u64)>, opts: &ScanOptions<'_>, threads: usize) -> Vec<Leak> {
    let per_thread = found.len().div_ceil(threads.max(1)).max(1);
    let mut chunks: Vec<Vec<(String, Vec<Place>, u64)>> = Vec::new();
    let wordlists = AtomicUsize::new(0);
    let wordlists = &wordlists;
    let mut rest = found.into_iter();
    loop {
        let chunk: Vec<_> = rest.by_ref().take(per_thread).collect();
        if chunk.is_empty() {
            break;
        }
        chunks.push(chunk);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .filter_map(|(t, p, extra)| leak(&t, p, extra, opts, wordlists))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // A judgment that panicked is a bug to surface, never a token silently left out.
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

/// The leak of one distinct token (`None` only if its text no longer parses, which the finder
/// rules out).
///
/// `extra` counts the places found past the ones kept; `wordlists` counts the HMAC tokens the
/// bundled wordlist was tried on, which stops at [`WORDLIST_TOKENS`].
fn leak(
    text: &str,
    mut places: Vec<Place>,
    extra: u64,
    opts: &ScanOptions<'_>,
    wordlists: &AtomicUsize,
) -> Option<Leak> {
    let token = token::parse(text).ok()?;
    let hmac = token.alg().is_some_and(|a| a.starts_with("HS"));
    let skip_wordlist = hmac && wordlists.fetch_add(1, Ordering::Relaxed) >= WORDLIST_TOKENS;
    places.sort_by(|a, b| (&a.path, a.offset).cmp(&(&b.path, b.offset)));
    for p in &mut places {
        // A context names what surrounds the token; a hostile log makes that another token.
        p.context = scrubbed(&p.context);
    }
    places.dedup();
    let audit = TokenAuditOptions { keys: opts.keys, now: opts.now, skip_wordlist, ..TokenAuditOptions::default() };
    let judged = judgment::judge(&token, &judgment::audit_policy(), &audit).ok();
    let claim = |name: &str| token.claims().and_then(|c| token::member(c, name)).cloned();
    let number = |name: &str| claim(name).and_then(|v| v.as_f64()).filter(|f| f.is_finite());
    let keyed = !opts.keys.is_empty();
    // Unjudged only when a wordlist cannot be read, which the scan never gives: fail closed.
    let unjudged = if token.kind == Kind::Jwe { Status::Encrypted } else { Status::Live };
    let status = judged.as_ref().map_or(unjudged, |j| status::status(&token, j, keyed));
    // The audit names only a non-number exp; the scan says of each time claim why it counts the
    // token as may-be-live.
    let mut findings: Vec<Finding> = judged.as_ref().map(|j| j.findings.clone()).unwrap_or_default();
    // A scan's keys are for some of the issuers in the folder: a token none of them fits (no key
    // of its algorithm) was not judged, which is no high "bad signature" as `audit --key` says of
    // the one token it was given keys for.
    if let Some(j) = judged.as_ref().filter(|j| j.verification.signature == SignatureVerdict::NoMatchingKey) {
        for f in findings.iter_mut().filter(|f| f.id == "bad-signature") {
            f.id = "signature-not-judged";
            f.severity = crate::core::engine::audit::Severity::Info;
            f.message = format!(
                "the signature was not judged: none of the given keys fits it ({})",
                j.verification.signature_reason
            );
        }
    }
    if skip_wordlist {
        for f in findings.iter_mut().filter(|f| f.id == "weak-secret") {
            f.message = format!(
                "the wordlist was not tried on this token: a scan tries it on its first {WORDLIST_TOKENS} HMAC tokens \
                 (each costs thousands of guesses); tokenbench crack tries one"
            );
        }
    }
    findings.extend(status::not_a_number_findings(&token));
    crate::core::engine::audit::sort(&mut findings);
    Some(Leak {
        fingerprint: fingerprint(text),
        kind: token.kind,
        alg: token.alg().map(redacted),
        iss: claim("iss").map(redacted_value),
        sub: claim("sub").map(redacted_value),
        aud: claim("aud").map(redacted_value),
        exp: number("exp"),
        nbf: number("nbf"),
        iat: number("iat"),
        not_numbers: status::not_numbers(&token),
        status,
        verdict: judged.as_ref().filter(|_| keyed).map(|j| Verdict {
            valid: j.verification.valid,
            title: redacted(&j.title()),
            summary: redacted(&j.summary()),
        }),
        findings: findings.into_iter().map(without_secret).collect(),
        occurrences: places.len() as u64 + extra,
        places,
    })
}

/// A finding as a scan reports it: a weak secret the audit found is named as found, never
/// shown. A scan report is pasted into tickets; the secret would let anyone mint tokens.
fn without_secret(mut finding: crate::core::engine::audit::Finding) -> crate::core::engine::audit::Finding {
    if finding.id == "weak-secret" && finding.message.contains(": it is ") {
        finding.message = format!(
            "{}: anyone who tries it can mint tokens (tokenbench crack shows it; a scan report never does)",
            finding.short()
        );
    }
    finding.message = redacted(&finding.message);
    finding
}

/// `text` with every token inside it (a token in an `alg`, a `jku` URL, a `sub`...) replaced by
/// `[token FINGERPRINT]`: what a scan prints of a token's header and claims never holds another
/// token's signature or a JWE's encrypted parts.
#[must_use]
pub fn redacted(text: &str) -> String {
    let finder = find::TokenFinder::shared();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for found in finder.find_iter(text.as_bytes()) {
        // A token is ASCII between non-token bytes: its ends are character boundaries.
        let (Some(before), Some(inner)) = (text.get(last..found.range.start), text.get(found.range.clone())) else {
            continue;
        };
        out.push_str(before);
        out.push_str("[token ");
        out.push_str(&fingerprint(inner));
        out.push(']');
        last = found.range.end;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

/// The shortest run of base64url characters [`scrubbed`] takes for part of a token.
const FRAGMENT_RUN: usize = 24;

/// `text` [`redacted`], and with every run of at least [`FRAGMENT_RUN`] base64url characters
/// mixing digits, capitals and small letters (a signature, a segment: random data, never a
/// header, cookie or file name a person wrote) replaced by `[part of a token]`. What the scan
/// prints of names it read around a token (a cookie or header named by a token, a folder named
/// after one) goes through it, so no output holds a signature even where no whole token is.
#[must_use]
pub fn scrubbed(text: &str) -> String {
    let text = redacted(text);
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().take_while(|b| find::is_b64url(**b)).count();
        if run == 0 {
            // Not base64url: copy one character (whole, as the text may be any UTF-8).
            let ch = text[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&text[i..i + ch]);
            i += ch;
            continue;
        }
        let part = &bytes[i..i + run];
        let random = run >= FRAGMENT_RUN
            && part.iter().any(u8::is_ascii_digit)
            && part.iter().any(u8::is_ascii_uppercase)
            && part.iter().any(u8::is_ascii_lowercase);
        if random {
            out.push_str("[part of a token]");
        } else {
            out.push_str(&text[i..i + run]);
        }
        i += run;
    }
    out
}

/// A claim's value with every string in it [`redacted`].
fn redacted_value(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(redacted(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(redacted_value).collect()),
        Value::Object(members) => {
            Value::Object(members.into_iter().map(|(k, v)| (redacted(&k), redacted_value(v))).collect())
        }
        other => other,
    }
}

/// The fingerprint of a token: the hex SHA-256 of its text, cut to [`FINGERPRINT_HEX`] digits.
#[must_use]
pub fn fingerprint(token_text: &str) -> String {
    let digest = Sha256::digest(token_text.as_bytes());
    let mut hex = String::with_capacity(FINGERPRINT_HEX);
    for b in digest.iter().take(FINGERPRINT_HEX / 2) {
        use std::fmt::Write as _;
        let _ = write!(hex, "{b:02x}");
    }
    hex
}
