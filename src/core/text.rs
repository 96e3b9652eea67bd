//! Showing untrusted text: a token's or a key's strings reach terminals and the window, and a
//! string may carry control characters (ESC and OSC sequences that drive a terminal, C1
//! controls such as U+009B) or bidirectional overrides that make `exe.txt` read as `txt.exe`.
//! [`visible`] turns each into a visible escape; [`json_ascii_controls`] does the same inside
//! JSON without changing what the JSON means. [`count`] writes "1 key" and "3 keys", never
//! "key(s)", in the window and on the command line alike.
//!
//! And the one set of number formatters both use: durations in words ([`human_duration`],
//! [`human_seconds`], [`lifetime_words`]), exactly ([`exact_duration`]) or in two units
//! ([`short_duration`]); measured times ([`measured_time`]); counts ([`thousands`],
//! [`short_count`]); sizes ([`human_bytes`]).

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for the characters [`visible`] escapes: every control character (C0, DEL, C1), the
/// bidirectional formatting characters (Unicode's `Bidi_Control`), the line and paragraph
/// separators, and the invisible zero-width space, word joiner and byte-order mark.
#[must_use]
pub fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'                    // ARABIC LETTER MARK
            | '\u{200b}'                  // ZERO WIDTH SPACE
            | '\u{200e}' | '\u{200f}'     // LEFT-TO-RIGHT / RIGHT-TO-LEFT MARK
            | '\u{2028}' | '\u{2029}'     // LINE / PARAGRAPH SEPARATOR
            | '\u{202a}'..='\u{202e}'     // LRE RLE PDF LRO RLO
            | '\u{2060}'                  // WORD JOINER
            | '\u{2066}'..='\u{2069}'     // LRI RLI FSI PDI
            | '\u{feff}' // BYTE ORDER MARK / ZERO WIDTH NO-BREAK SPACE
        )
}

/// `text` with every [`is_hostile`] character written as a visible escape: `\n`, `\r`, `\t`
/// and `\u{1b}`, `\u{202e}`… Text without such characters is returned as it is.
#[must_use]
pub fn visible(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Like [`visible`] but keeps line feeds: for multi-line output whose lines are ours.
#[must_use]
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

/// The byte offset of the first character `hostile` accepts. Printable ASCII, the bulk of
/// every token, is skipped a byte at a time without decoding characters (a 10 MB claim is
/// scanned in milliseconds).
fn find_hostile(text: &str, hostile: impl Fn(char) -> bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if (0x20..0x7f).contains(&b) {
            i += 1;
            continue;
        }
        let c = text[i..].chars().next()?;
        if hostile(c) {
            return Some(i);
        }
        i += c.len_utf8();
    }
    None
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let hostile = |c: char| is_hostile(c) && !(keep_newlines && c == '\n');
    let Some(first) = find_hostile(text, hostile) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if hostile(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                _ => {
                    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                }
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// JSON text with every [`is_hostile`] character that JSON leaves raw (C1 controls, bidi
/// characters…) written as a `\uXXXX` escape. Outside strings JSON is ASCII, so this changes
/// only how strings are spelled, never what they hold.
#[must_use]
pub fn json_ascii_controls(json: &str) -> Cow<'_, str> {
    // Structural newlines of pretty-printed JSON stay; inside strings serde_json has already
    // escaped every C0 control, so a raw '\n' here is never in a string.
    let hostile = |c: char| is_hostile(c) && c != '\n';
    let Some(first) = find_hostile(json, hostile) else {
        return Cow::Borrowed(json);
    };
    let mut out = String::with_capacity(json.len() + 16);
    out.push_str(&json[..first]);
    for c in json[first..].chars() {
        if hostile(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// "45 s", "14 min", "3 h 5 min", "1 day", "2 days", "9.1 years": a duration as people say it,
/// to the whole second (rounded down). The one duration formatter of the window and the command
/// line: the clock's relative times, verdicts, audit findings and the labs' captions.
#[must_use]
pub fn human_duration(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s / 60),
        3600..=86_399 => {
            let m = (s % 3600) / 60;
            if m == 0 { format!("{} h", s / 3600) } else { format!("{} h {m} min", s / 3600) }
        }
        86_400..=172_799 => "1 day".into(),
        172_800..=31_535_999 => format!("{} days", s / 86_400),
        _ => format!("{:.1} years", s as f64 / 31_557_600.0),
    }
}

/// [`human_duration`] of a number of seconds, rounded to the nearest second; a negative span is
/// read as its length, an endless one (infinite, or NaN) is "forever".
#[must_use]
pub fn human_seconds(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "forever".into();
    }
    // Beyond 1e15 s (30 million years) every figure reads the same.
    human_duration(std::time::Duration::from_secs_f64(seconds.abs().round().min(1e15)))
}

/// The plural ending for `n` things: "" for one, "s" otherwise ("0 keys", "1 key", "2 keys").
#[must_use]
pub fn plural<N: Copy + PartialEq + From<u8>>(n: N) -> &'static str {
    if n == N::from(1) { "" } else { "s" }
}

/// `n` with its noun in the right number: `count(1, "key", "keys")` is "1 key",
/// `count(3, "finding", "findings")` is "3 findings".
#[must_use]
pub fn count<N: Copy + PartialEq + From<u8> + std::fmt::Display>(n: N, singular: &str, plural: &str) -> String {
    if n == N::from(1) { format!("{n} {singular}") } else { format!("{n} {plural}") }
}

/// A byte count for people: "812 B", "800.8 KiB", "8.20 MiB", "1.50 GiB" (binary units). The
/// Compare tab, the revocation lab and their CLI output write sizes with it.
#[must_use]
pub fn human_bytes(x: f64) -> String {
    const K: f64 = 1024.0;
    if x >= K * K * K {
        format!("{:.2} GiB", x / (K * K * K))
    } else if x >= K * K {
        format!("{:.2} MiB", x / (K * K))
    } else if x >= K {
        format!("{:.1} KiB", x / K)
    } else {
        format!("{x:.0} B")
    }
}

/// "12,345": a count with thousands separators, for tables and captions.
#[must_use]
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "0.25", "833", "12.3 k", "1.00 M", "1.00 G": a count (or a rate) in three significant
/// figures, for plot axes and tight cells.
#[must_use]
pub fn short_count(x: f64) -> String {
    if x >= 1e9 {
        format!("{:.2} G", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.2} M", x / 1e6)
    } else if x >= 1e4 {
        format!("{:.1} k", x / 1e3)
    } else if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// "45 ns", "48.2 µs", "1.25 ms", "2.50 s": a time measured in this run, in nanoseconds.
#[must_use]
pub fn measured_time(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.0} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.1} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// [`measured_time`] of a measured duration.
#[must_use]
pub fn measured_duration(d: std::time::Duration) -> String {
    measured_time(d.as_secs_f64() * 1e9)
}

/// "0 s", "4 min 59 s", "1 h", "2 days 3 h 5 min": a model's duration exactly, for tables
/// where a second matters.
#[must_use]
pub fn exact_duration(seconds: i64) -> String {
    if seconds == 0 {
        return "0 s".into();
    }
    let sign = if seconds < 0 { "-" } else { "" };
    let mut left = seconds.unsigned_abs();
    let mut parts = Vec::new();
    for (unit, one, many) in [(86_400, "day", "days"), (3600, "h", "h"), (60, "min", "min"), (1, "s", "s")] {
        let n = left / unit;
        if n > 0 {
            parts.push(format!("{n} {}", if n == 1 { one } else { many }));
            left %= unit;
        }
    }
    format!("{sign}{}", parts.join(" "))
}

/// "330 d 23 h", "43 min 20 s", "5 min": a duration in its two largest units, for tight cells.
#[must_use]
pub fn short_duration(seconds: i64) -> String {
    if seconds == 0 {
        return "0 s".into();
    }
    let sign = if seconds < 0 { "-" } else { "" };
    let mut left = seconds.unsigned_abs();
    let mut parts = Vec::new();
    for (unit, name) in [(86_400, "d"), (3600, "h"), (60, "min"), (1, "s")] {
        let n = left / unit;
        if n > 0 || !parts.is_empty() {
            parts.push(format!("{n} {name}"));
            left %= unit;
        }
        if parts.len() == 2 {
            break;
        }
    }
    // "5 min 0 s" says no more than "5 min".
    if parts.len() == 2 && parts[1].starts_with("0 ") {
        parts.pop();
    }
    format!("{sign}{}", parts.join(" "))
}

/// A lifetime in [`human_seconds`]' words however long: "15 min", "7976.0 years", and, past
/// what they tell apart (1e15 s), "more than 31 million years" rather than a figure cut to it.
#[must_use]
pub fn lifetime_words(seconds: f64) -> String {
    if seconds.is_finite() && seconds.abs() <= 1e15 {
        human_seconds(seconds)
    } else {
        "more than 31 million years".into()
    }
}

/// A duration in microseconds with one decimal (`412.3 µs`), as the Live tab shows its
/// measurements.
#[must_use]
pub fn micros(d: std::time::Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_duration_formatter_for_seconds_and_durations() {
        use std::time::Duration;
        for (secs, text) in [
            (0.0, "0 s"),
            (59.4, "59 s"),
            (600.0, "10 min"),
            (3600.0, "1 h"),
            (3660.0, "1 h 1 min"),
            (90_000.0, "1 day"),
            (200_000.0, "2 days"),
            (9.1 * 365.25 * 86_400.0, "9.1 years"),
        ] {
            assert_eq!(human_seconds(secs), text, "{secs}");
            assert_eq!(human_seconds(-secs), text, "-{secs}");
        }
        assert_eq!(human_duration(Duration::from_mins(185)), "3 h 5 min");
        assert_eq!(human_seconds(f64::INFINITY), "forever");
        assert_eq!(human_seconds(f64::NAN), "forever");
        assert!(human_seconds(1e300).ends_with("years"));
    }

    #[test]
    fn counts_are_singular_or_plural() {
        assert_eq!(count(1usize, "key", "keys"), "1 key");
        assert_eq!(count(0usize, "key", "keys"), "0 keys");
        assert_eq!(count(3u64, "finding", "findings"), "3 findings");
        assert_eq!(count(2u64, "block", "blocks"), "2 blocks");
        assert_eq!(format!("1 thread{}", plural(1usize)), "1 thread");
        assert_eq!(format!("4 thread{}", plural(4u64)), "4 threads");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(visible("café ✓ 日本"), Cow::Borrowed(_)));
        assert!(matches!(json_ascii_controls("{\"a\": \"é\"}\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_and_bidi_become_visible() {
        assert_eq!(visible("a\u{1b}]0;x\u{7}b"), "a\\u{1b}]0;x\\u{7}b");
        assert_eq!(visible("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(visible("exe\u{202e}txt"), "exe\\u{202e}txt");
        assert_eq!(visible("\u{2066}x\u{2069}\u{200f}\u{feff}"), "\\u{2066}x\\u{2069}\\u{200f}\\u{feff}");
        assert_eq!(visible("a\r\n\tb"), "a\\r\\n\\tb");
        assert_eq!(visible_lines("a\r\nb"), "a\\r\nb");
        for c in (0..=0x1f).chain(0x7f..=0x9f).filter_map(char::from_u32) {
            assert!(!visible(&c.to_string()).contains(c), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn debug_quoting_already_escapes_them() {
        // Reasons quote token values with `{:?}`; that must stay as safe as `visible`.
        for c in ['\u{1b}', '\u{9b}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200f}', '\u{feff}', '\n'] {
            assert!(!format!("{:?}", c.to_string()).contains(c), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn json_keeps_its_meaning() {
        let value = serde_json::json!({"sub": "evil\u{9b}2J\u{202e}gnp", "n": "\u{2067}x\u{2069}"});
        let text = serde_json::to_string_pretty(&value).unwrap();
        let safe = json_ascii_controls(&text);
        assert!(!safe.contains(['\u{9b}', '\u{202e}', '\u{2067}', '\u{2069}']), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), value);
    }

    #[test]
    fn one_byte_formatter_in_binary_units() {
        assert_eq!(human_bytes(0.0), "0 B");
        assert_eq!(human_bytes(812.0), "812 B");
        assert_eq!(human_bytes(1023.4), "1023 B");
        assert_eq!(human_bytes(1024.0), "1.0 KiB");
        assert_eq!(human_bytes(820_000.0), "800.8 KiB");
        assert_eq!(human_bytes(8.2 * 1024.0 * 1024.0), "8.20 MiB");
        assert_eq!(human_bytes(1.5 * 1024.0 * 1024.0 * 1024.0), "1.50 GiB");
    }

    #[test]
    fn durations_are_exact() {
        assert_eq!(exact_duration(0), "0 s");
        assert_eq!(exact_duration(299), "4 min 59 s");
        assert_eq!(exact_duration(3600), "1 h");
        assert_eq!(exact_duration(93_900), "1 day 2 h 5 min");
        assert_eq!(exact_duration(-60), "-1 min");
        assert_eq!(short_duration(28_596_789), "330 d 23 h", "the two largest units");
        assert_eq!(short_duration(2600), "43 min 20 s");
        assert_eq!(short_duration(300), "5 min");
        assert_eq!(short_duration(86_400 + 59), "1 d", "no \"0 h\"");
        assert_eq!(short_duration(0), "0 s");
        assert_eq!(short_duration(-90), "-1 min 30 s");
    }

    #[test]
    fn counts_bytes_and_times_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(human_bytes(812.0), "812 B");
        assert_eq!(human_bytes(8.2 * 1024.0 * 1024.0), "8.20 MiB");
        assert_eq!(measured_time(45.0), "45 ns");
        assert_eq!(measured_time(48_200.0), "48.2 µs");
        assert_eq!(measured_time(1_250_000.0), "1.25 ms");
    }

    #[test]
    fn counts_read_with_separators_or_three_figures() {
        assert_eq!(short_count(1e9), "1.00 G");
        assert_eq!(short_count(1_000_000.0), "1.00 M");
        assert_eq!(short_count(12_345.0), "12.3 k");
        assert_eq!(short_count(833.0), "833");
        assert_eq!(short_count(0.25), "0.25");
        assert_eq!(short_count(0.0), "0");
        assert_eq!(measured_duration(std::time::Duration::from_millis(2500)), "2.50 s");
        assert_eq!(lifetime_words(900.0), "15 min");
        assert_eq!(lifetime_words(1e300), "more than 31 million years");
        assert_eq!(lifetime_words(f64::INFINITY), "more than 31 million years");
    }
}
