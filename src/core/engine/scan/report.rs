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

/// How many places of a token the text report lists (the window too) before it counts the rest:
/// a token logged on every request has 100,000 places, and the JSON lists them all.
pub const PLACES_SHOWN: usize = 5;

/// The first instant [`format_utc`] shows as a date the report prints: 0001-01-01 00:00:00 UTC.
const FIRST_SHOWN: f64 = -62_135_596_800.0;
/// The last: 9999-12-31 23:59:59 UTC (as `--at` accepts).
const LAST_SHOWN: f64 = 253_402_300_799.0;

/// `t` as a UTC date-time, or `None` when it is outside years 1 to 9999 (an `exp` of `1e308`
/// would print a date of 309 digits).
#[must_use]
pub fn utc(t: f64) -> Option<String> {
    (FIRST_SHOWN..LAST_SHOWN + 1.0).contains(&t).then(|| format_utc(t))
}

/// A time claim in words: `exp 2023-11-14 22:13:20 UTC (in 1 h)`, or, outside years 1 to
/// 9999, the number in short and where it lies: `exp 1e308 (after year 9999)`.
#[must_use]
pub fn time_text(name: &str, t: f64, now: f64) -> String {
    if let Some(date) = utc(t) {
        return format!("{name} {date} ({})", format_relative(t, now));
    }
    // Whole numbers of up to 15 digits are printed whole; longer ones in exponent form.
    let number = if t.fract() == 0.0 && t.abs() < 1e15 { format!("{t:.0}") } else { format!("{t:e}") };
    let side = if t > 0.0 { "after year 9999" } else { "before year 1" };
    format!("{name} {number} ({side})")
}

/// An instant as JSON: a whole number of seconds as an integer (`1800000000`, as the token
/// wrote it), a fraction as a float.
fn instant(t: f64) -> Value {
    // Integers up to 2^53 are exact in an f64; beyond, the float is what the claim held.
    if t.fract() == 0.0 && t.abs() < 9_007_199_254_740_992.0 {
        #[allow(clippy::cast_possible_truncation)]
        return json!(t as i64);
    }
    json!(t)
}

/// One leak as JSON: its first place at the top level (`path`, `line`, `column`, `context`),
/// every place in `places`. `status` is the report's word ([`super::Status::word`]); `live` is
/// `true` (live), `false` (expired, not yet valid, forged) or `null` (may be live: encrypted,
/// unsigned, a time claim not a number). `exp_utc` and `nbf_utc` are the date-time, or `null`
/// when the claim is absent, not a number, or outside years 1 to 9999 (`exp` keeps the number).
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
        "exp": leak.exp.map(instant),
        "exp_utc": leak.exp.and_then(utc),
        "nbf": leak.nbf.map(instant),
        "nbf_utc": leak.nbf.and_then(utc),
        "iat": leak.iat.map(instant),
        "not_numbers": leak.not_numbers,
        "status": leak.status.word(),
        "live": leak.status.live(),
        "verdict": leak.verdict,
        "findings": leak.findings,
        "occurrences": leak.occurrences,
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
        "at": instant(report.now),
        "at_utc": format_utc(report.now),
    })
}

/// A claim as text: a string quoted, its quotes and backslashes escaped and every hostile
/// character made visible, each once (`"x\"y"`, `"a\u{7}b"`); anything else as its JSON.
#[must_use]
pub fn claim_text(v: &Value) -> String {
    match v {
        Value::String(s) => quoted(s),
        other => visible(&other.to_string()).into_owned(),
    }
}

/// `s` in double quotes: `"` and `\` escaped with a backslash, then [`visible`] for the rest, so
/// no character is escaped twice.
#[must_use]
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    visible(&out).into_owned()
}

/// Each status with its count, in [`super::Status::ALL`] order: live, encrypted and expired
/// always (they are what a reader looks for), the others when any token has them ("3 live, 1
/// encrypted, 2 expired, 1 unsigned"). The text report and the window both print this.
#[must_use]
pub fn tally(report: &ScanReport) -> String {
    super::Status::ALL
        .iter()
        .enumerate()
        .filter_map(|(i, status)| {
            let n = report.leaks.iter().filter(|l| l.status.tally() == *status).count();
            (i < 3 || n > 0).then(|| format!("{n} {}", status.tally_word()))
        })
        .collect::<Vec<_>>()
        .join(", ")
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
    let places: u64 = report.leaks.iter().map(|l| l.occurrences).sum();
    let _ = writeln!(
        s,
        "{} ({}) in {} {} at {}",
        text::count(report.leaks.len(), "token", "tokens"),
        tally(report),
        text::thousands(places),
        if places == 1 { "place" } else { "places" },
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
        leak.status.word(),
        kind_name(leak.kind),
        leak.fingerprint,
        text::count(leak.occurrences, "place", "places")
    );
    let claims: Vec<String> = [("iss", &leak.iss), ("sub", &leak.sub), ("aud", &leak.aud)]
        .into_iter()
        .filter_map(|(name, v)| v.as_ref().map(|v| format!("{name} {}", claim_text(v))))
        .collect();
    if !claims.is_empty() {
        let _ = writeln!(s, "  {}", claims.join(", "));
    }
    for line in time_lines(leak, now) {
        let _ = writeln!(s, "  {line}");
    }
    if let Some(v) = &leak.verdict {
        let _ = writeln!(s, "  verdict: {}", visible(&v.summary));
    }
    for p in leak.places.iter().take(PLACES_SHOWN) {
        let _ = writeln!(s, "  at {}:{}:{}  {}", visible(&p.path), p.line, p.column, visible(&p.context));
    }
    if let Some(more) = more_places(leak) {
        let _ = writeln!(s, "  {more}");
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

/// "and 99,995 more places (--json lists the first 1,000)" past the first [`PLACES_SHOWN`],
/// else `None`.
#[must_use]
pub fn more_places(leak: &Leak) -> Option<String> {
    let more = leak.occurrences.checked_sub(PLACES_SHOWN as u64).filter(|n| *n > 0)?;
    let listed = if leak.occurrences > leak.places.len() as u64 {
        format!("--json lists the first {}", text::thousands(leak.places.len() as u64))
    } else {
        "--json lists them".to_owned()
    };
    Some(format!("and {} more {} ({listed})", text::thousands(more), if more == 1 { "place" } else { "places" }))
}

/// What a leak's time claims say, a line each: its `exp` (or why there is none to read), and
/// its `nbf` and `iat` while still ahead (why it is not yet valid).
#[must_use]
pub fn time_lines(leak: &Leak, now: f64) -> Vec<String> {
    let mut lines = Vec::new();
    match (leak.exp, leak.kind) {
        (_, Kind::Jwe) => {
            lines.push("claims encrypted: whether it still works cannot be told without the key".to_owned());
        }
        (Some(exp), Kind::Jws) => lines.push(time_text("exp", exp, now)),
        (None, Kind::Jws) if leak.not_numbers.contains(&"exp") => lines.push(
            "exp is not a number: a strict verifier refuses the token, a lax one ignores it and never expires it"
                .to_owned(),
        ),
        (None, Kind::Jws) => lines.push("no exp: never expires".to_owned()),
    }
    if let Some(nbf) = leak.nbf.filter(|nbf| *nbf > now) {
        lines.push(format!("not valid before: {}", time_text("nbf", nbf, now)));
    }
    // An iat ahead is why a token without nbf is not yet valid: say when it was issued.
    if let Some(iat) = leak.iat.filter(|iat| *iat > now) {
        lines.push(format!("issued in the future: {}", time_text("iat", iat, now)));
    }
    lines
}
