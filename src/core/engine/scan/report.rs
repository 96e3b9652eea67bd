//! The scan's report, as JSON and as text. Both show a token by its fingerprint and its decoded
//! header and claims only: no token text, no signature, no JWE part. Whatever a claim or a
//! context name holds is attacker-controlled: the text escapes it ([`text::visible`]), the JSON
//! encodes it.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Leak, Place, ScanReport};
use crate::core::engine::audit::Finding;
use crate::core::engine::clock::{format_relative, format_utc};
use crate::core::engine::token::Kind;
use crate::core::text::{self, visible};

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Jws => "jws",
        Kind::Jwe => "jwe",
    }
}

fn place_json(p: &Place) -> Value {
    json!({ "path": &*p.path, "line": p.line, "column": p.column, "offset": p.offset, "context": p.context })
}

/// One leak as JSON: its first place at the top level (`path`, `line`, `column`, `context`),
/// every place in `places`.
#[must_use]
pub fn leak_json(leak: &Leak) -> Value {
    let first = leak.places.first();
    json!({
        "path": first.map(|p| &*p.path),
        "line": first.map(|p| p.line),
        "column": first.map(|p| p.column),
        "context": first.map(|p| p.context.as_str()),
        "kind": kind_name(leak.kind),
        "fingerprint": leak.fingerprint,
        "alg": leak.alg,
        "iss": leak.iss,
        "sub": leak.sub,
        "aud": leak.aud,
        "exp": leak.exp,
        "exp_utc": leak.exp.map(format_utc),
        "live": leak.live,
        "verdict": leak.verdict,
        "findings": leak.findings,
        "occurrences": leak.places.len(),
        "places": leak.places.iter().map(place_json).collect::<Vec<_>>(),
    })
}

/// `{"findings": [...], "files_scanned", "files_partly", "bytes_scanned", "unreadable",
/// "skipped", "at"}`.
#[must_use]
pub fn scan_json(report: &ScanReport) -> Value {
    json!({
        "findings": report.leaks.iter().map(leak_json).collect::<Vec<_>>(),
        "files_scanned": report.files_scanned,
        "bytes_scanned": report.bytes_scanned,
        "files_partly": report.files_partly,
        "unreadable": report.unreadable,
        "skipped": report.skipped,
        "at": report.now,
        "at_utc": format_utc(report.now),
    })
}

/// True for a token not live at `now` because it has expired (else it is not valid yet: its
/// `nbf` or `iat` is still ahead).
fn expired(leak: &Leak, now: f64) -> bool {
    leak.live == Some(false) && leak.exp.is_some_and(|exp| exp <= now)
}

/// A leak's liveness in the report's words: `LIVE`, `expired`, `not yet valid`, `UNKNOWN
/// (encrypted)`.
#[must_use]
pub fn liveness(leak: &Leak, now: f64) -> &'static str {
    match leak.live {
        Some(true) => "LIVE",
        Some(false) if expired(leak, now) => "expired",
        Some(false) => "not yet valid",
        None => "UNKNOWN (encrypted)",
    }
}

/// A claim as text: a string quoted and escaped, anything else as its JSON.
fn claim_text(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{:?}", visible(s)),
        other => visible(&other.to_string()).into_owned(),
    }
}

/// The human report: one block per distinct token, those that may be live first, then the
/// totals and what could not be read.
#[must_use]
pub fn scan_text(report: &ScanReport) -> String {
    let mut s = String::new();
    for leak in &report.leaks {
        leak_text(&mut s, leak, report.now);
        s.push('\n');
    }
    let live = report.leaks.iter().filter(|l| l.live == Some(true)).count();
    let unknown = report.leaks.iter().filter(|l| l.live.is_none()).count();
    let expired_count = report.leaks.iter().filter(|l| expired(l, report.now)).count();
    let not_yet = match report.leaks.len() - live - unknown - expired_count {
        0 => String::new(),
        n => format!(", {n} not yet valid"),
    };
    let places: usize = report.leaks.iter().map(|l| l.places.len()).sum();
    let _ = writeln!(
        s,
        "{} ({live} live, {unknown} encrypted, {expired_count} expired{not_yet}) in {} at {}",
        text::count(report.leaks.len(), "token", "tokens"),
        text::count(places, "place", "places"),
        format_utc(report.now),
    );
    let _ = writeln!(
        s,
        "{} scanned ({} bytes){}",
        text::count(report.files_scanned, "file", "files"),
        text::thousands(report.bytes_scanned),
        match report.files_partly {
            0 => String::new(),
            n => format!(", {} in part (below)", text::count(n, "file", "files")),
        }
    );
    listed(&mut s, "Not read, or read in part", &report.unreadable);
    listed(&mut s, "Skipped (not content; not read)", &report.skipped);
    s
}

/// How many paths of a list the text names; `--json` lists them all.
const LISTED: usize = 10;

fn listed(s: &mut String, title: &str, items: &[super::Unreadable]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(s, "{title} ({}):", items.len());
    for u in items.iter().take(LISTED) {
        let _ = writeln!(s, "  {}: {}", visible(&u.path), visible(&u.reason));
    }
    if items.len() > LISTED {
        let _ = writeln!(s, "  and {} more (--json lists them)", items.len() - LISTED);
    }
}

fn leak_text(s: &mut String, leak: &Leak, now: f64) {
    let alg = leak.alg.as_deref().map_or_else(|| "(alg not a string)".to_owned(), |a| visible(a).into_owned());
    let _ = writeln!(
        s,
        "{}  {} {alg}  fingerprint {}  ({})",
        liveness(leak, now),
        kind_name(leak.kind),
        leak.fingerprint,
        text::count(leak.places.len(), "place", "places")
    );
    let claims: Vec<String> = [("iss", &leak.iss), ("sub", &leak.sub), ("aud", &leak.aud)]
        .into_iter()
        .filter_map(|(name, v)| v.as_ref().map(|v| format!("{name} {}", claim_text(v))))
        .collect();
    if !claims.is_empty() {
        let _ = writeln!(s, "  {}", claims.join(", "));
    }
    match (leak.exp, leak.kind) {
        (Some(exp), _) => {
            let _ = writeln!(s, "  exp {} ({})", format_utc(exp), format_relative(exp, now));
        }
        (None, Kind::Jws) => s.push_str("  no exp: never expires\n"),
        (None, Kind::Jwe) => s.push_str("  claims encrypted: whether it still works cannot be told without the key\n"),
    }
    if let Some(v) = &leak.verdict {
        let _ = writeln!(s, "  verdict: {}", visible(&v.summary));
    }
    for p in &leak.places {
        let _ = writeln!(s, "  at {}:{}:{}  {}", visible(&p.path), p.line, p.column, visible(&p.context));
    }
    let concerns: Vec<&Finding> = leak.findings.iter().filter(|f| f.severity.fails()).collect();
    for f in &concerns {
        let _ = writeln!(s, "  [{}] {}: {}", f.severity.name(), f.id, visible(&f.message));
    }
    let others = leak.findings.len() - concerns.len();
    if others > 0 {
        let _ = writeln!(
            s,
            "  and {} of low or info severity (--json lists them)",
            text::count(others, "finding", "findings")
        );
    }
}
