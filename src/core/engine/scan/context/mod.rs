//! What surrounds a token: the place a leak happened, named as a reader of the log would
//! (`Authorization header`, `query parameter access_token`, `JSON key id_token`,
//! "Set-Cookie session", "form field assertion", "URL path"...).
//!
//! Only a bounded window is read ([`BEFORE_BYTES`] before the token, [`AFTER_BYTES`] after it,
//! and up to [`PREVIOUS_LINES`] lines before its line, [`PREVIOUS_LINE_BYTES`] of each), so a
//! long line with many tokens costs the same per token as a short one.
//!
//! Two readings, the first that names something wins:
//! - a JSON string value: the member's key (`"token": "eyJ…`), and for lists of
//!   `{"name": …, "value": …}` objects (HAR headers, cookies, query strings and form
//!   parameters) the object's `name` and the list it sits in, found by a small escape-aware
//!   JSON scan that may cross into the previous lines (a pretty-printed HAR puts `"name"` on
//!   the line before `"value"`; in [`json`]);
//! - plain text, right to left: a scheme word (`Bearer`), then the separator that introduced
//!   the value (`:`, `=`, `/`, `#`), then the name before it.
//!
//! Names are taken as they are written, escapes included (they are shown escaped by the
//! report); non-UTF-8 bytes are shown lossily.

mod json;

use self::json::{joined, key_before, name_after, object_before, quote_before};
use super::find::{MAX_TOKEN_BYTES, is_b64url};

/// How many lines before the token's line classify may look at: a pretty-printed HAR header
/// has its `"name"` one line above the `"value"`, and the `"headers": [` that says what the
/// list is a few lines above that.
pub const PREVIOUS_LINES: usize = 4;

/// Bytes kept of each previous line (its end): enough for a pretty-printed member, bounded so
/// the look back costs the same whatever the lines hold.
pub const PREVIOUS_LINE_BYTES: usize = 512;

/// Bytes of the token's line read before the token. Bounded so that each token costs
/// O(window), not O(line): reading the whole prefix per token made a long line with many
/// tokens quadratic (a denial of service by one crafted log line). A key, a header name or a
/// HAR object fits in it many times over.
const BEFORE_BYTES: usize = 1024;

/// Bytes of the token's line read after the token's end: the rest of its JSON string and a
/// `"name"` that an object writes after its `"value"`.
const AFTER_BYTES: usize = 256;

/// The context of the token at byte `start` of `line`.
///
/// `previous`: up to [`PREVIOUS_LINES`] lines before the token's line, oldest first, each
/// possibly cut at its start (only its last bytes kept); `line` the token's line; `start` the
/// token's byte offset in `line`. Lines or bytes beyond those bounds are not read.
#[must_use]
pub fn classify(previous: &[&[u8]], line: &[u8], start: usize) -> String {
    let start = start.min(line.len());
    // A full window may have been cut from a longer line: what precedes it (previous lines
    // included) is out of sight, so the answer depends on the window alone.
    let cut = start >= BEFORE_BYTES;
    let before = &line[start.saturating_sub(BEFORE_BYTES)..start];
    if let Some(context) = json_value(previous, before, cut, after_token(line, start)) {
        return context;
    }
    if !cut && let Some(name) = variable(before) {
        return format!("variable {name}");
    }
    in_text(before)
}

/// The name of a shell or `.env` assignment that is the whole line before the token:
/// `API_TOKEN=`, `export TOKEN="`, `  JWT='`. A form body has `&` or a URL before its field.
fn variable(before: &[u8]) -> Option<String> {
    let head = before.strip_suffix(b"\"").or_else(|| before.strip_suffix(b"'")).unwrap_or(before);
    let head = head.strip_suffix(b"=")?.trim_ascii_start();
    let head = head.strip_prefix(b"export ").map_or(head, <[u8]>::trim_ascii_start);
    let identifier = head.first().is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && head.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
    identifier.then(|| lossy(head))
}

/// Up to [`AFTER_BYTES`] bytes of `line` after the token that starts at `start` (none when the
/// token runs longer than any token can, so the look stays bounded). Finding the end walks the
/// token's own bytes: tokens do not overlap, so over a line this stays linear.
fn after_token(line: &[u8], start: usize) -> &[u8] {
    let rest = &line[start..];
    let run = &rest[..rest.len().min(MAX_TOKEN_BYTES + 1)];
    match run.iter().position(|b| !(is_b64url(*b) || *b == b'.')) {
        Some(end) => &rest[end..rest.len().min(end + AFTER_BYTES)],
        // The token ends the line, or runs past any token's length.
        None => &[],
    }
}

// ---------------------------------------------------------------------------------------------
// JSON string values
// ---------------------------------------------------------------------------------------------

/// The context when the token sits in a JSON string value (`"key": "…eyJ`), else `None`.
fn json_value(previous: &[&[u8]], before: &[u8], cut: bool, after: &[u8]) -> Option<String> {
    let open = quote_before(before, before.len())?;
    let (key_open, key) = key_before(before, open)?;
    let inner = &before[open + 1..];
    // Nothing but a scheme word between the opening quote and the token.
    let direct = strip_scheme(inner).is_empty();
    if key == b"value" {
        let text = joined(previous, &before[..key_open], cut);
        let object = object_before(&text);
        if let Some(name) = object.name.or_else(|| name_after(after))
            && let Some(context) = named_value(object.list.as_deref(), &name, inner, direct)
        {
            return Some(context);
        }
    }
    direct.then(|| format!("JSON key {}", lossy(key)))
}

/// What a `{"name": N, "value": …}` object's value is, by the list holding the object (`list`,
/// the key before its `[`, when in sight) and by `N`; `None` leaves it to the text rules.
fn named_value(list: Option<&[u8]>, name: &[u8], inner: &[u8], direct: bool) -> Option<String> {
    let list_is = |key: &str| list.is_some_and(|l| l.eq_ignore_ascii_case(key.as_bytes()));
    if list_is("cookies") {
        return Some(format!("cookie {}", lossy(name)));
    }
    if list_is("queryString") {
        return Some(format!("query parameter {}", lossy(name)));
    }
    if list_is("params") {
        return Some(format!("form field {}", lossy(name)));
    }
    // The headers that carry tokens are headers whatever list is in sight: a HAR's
    // `"headers": [` is often more lines above than the look back reaches.
    let token_header = [&b"authorization"[..], b"cookie", b"set-cookie"].iter().any(|h| name.eq_ignore_ascii_case(h));
    if list_is("headers") || token_header {
        return Some(header_value(name, inner, direct));
    }
    direct.then(|| format!("JSON name {}", lossy(name)))
}

/// A header's value, read as the raw header line `name: value` would be.
fn header_value(name: &[u8], inner: &[u8], direct: bool) -> String {
    if direct {
        return header_label(name);
    }
    for (header, label) in [(&b"set-cookie"[..], "Set-Cookie"), (b"cookie", "Cookie")] {
        if name.eq_ignore_ascii_case(header)
            && let Some(pair) = cookie_pair(inner)
        {
            return format!("{label} {pair}");
        }
    }
    match in_text(inner) {
        text if text == "text" => header_label(name),
        context => context,
    }
}

fn header_label(name: &[u8]) -> String {
    if name.eq_ignore_ascii_case(b"authorization") {
        "Authorization header".to_owned()
    } else {
        format!("header {}", lossy(name))
    }
}

/// The cookie whose value the token starts (`a=1; sid=`, `sid=\"`), in a cookie header's value.
fn cookie_pair(inner: &[u8]) -> Option<String> {
    let head = inner.strip_suffix(b"\\\"").unwrap_or(inner).strip_suffix(b"=")?;
    let start = head.iter().rposition(|b| matches!(b, b';' | b',' | b' ' | b'\t')).map_or(0, |i| i + 1);
    let pair = &head[start..];
    (!pair.is_empty()).then(|| lossy(pair))
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Plain text
// ---------------------------------------------------------------------------------------------

/// The context read right to left from `before` (the text just before the token).
fn in_text(before: &[u8]) -> String {
    let stripped = strip_scheme(before);
    let trimmed = trim_end_spaces(stripped);
    if let Some(head) = trimmed.strip_suffix(b":")
        && let Some(name) = header_name(head)
    {
        return header_label(name);
    }
    // Quotes around a value (`token="eyJ…"`, `auth='eyJ…'`) do not change what it is.
    let unquoted = stripped.strip_suffix(b"\"").or_else(|| stripped.strip_suffix(b"'")).unwrap_or(stripped);
    if let Some(head) = unquoted.strip_suffix(b"=") {
        return assignment(head);
    }
    if before.ends_with(b"#") {
        return "URL fragment".to_owned();
    }
    if before.ends_with(b"/") {
        return "URL path".to_owned();
    }
    "text".to_owned()
}

/// `before` without a trailing authentication scheme (`Bearer `, `JWT `), any case.
fn strip_scheme(before: &[u8]) -> &[u8] {
    let trimmed = trim_end_spaces(before);
    if trimmed.len() == before.len() {
        return before;
    }
    for scheme in [&b"bearer"[..], b"jwt", b"token"] {
        if trimmed.len() >= scheme.len() && trimmed[trimmed.len() - scheme.len()..].eq_ignore_ascii_case(scheme) {
            let rest = &trimmed[..trimmed.len() - scheme.len()];
            // A whole word only: "xbearer " is not a scheme.
            if rest.last().is_none_or(|b| !b.is_ascii_alphanumeric()) {
                return rest;
            }
        }
    }
    before
}

fn trim_end_spaces(s: &[u8]) -> &[u8] {
    let keep = s.iter().rposition(|b| !matches!(b, b' ' | b'\t')).map_or(0, |i| i + 1);
    &s[..keep]
}

/// The header name ending `head` (`… Authorization`), when it is a field-name token that starts
/// the text or follows a space, quote or separator.
fn header_name(head: &[u8]) -> Option<&[u8]> {
    let mut start =
        head.iter().rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')).map_or(0, |i| i + 1);
    // A header logged inside a JSON string follows an escaped line break (`\nAuthorization:`):
    // the escape's letter is not the name's.
    if start > 0 && head[start - 1] == b'\\' && head.get(start).is_some_and(|b| matches!(b, b'n' | b'r' | b't')) {
        start += 1;
    }
    let name = &head[start..];
    (!name.is_empty()).then_some(name)
}

/// True when `hay` holds the header prefix `needle` (`cookie:`) in any case. Only the `:`s are
/// visited (with `memchr`): a cookie header's value holds few, so this costs little per token.
fn contains_header(hay: &[u8], needle: &[u8]) -> bool {
    let Some(last) = needle.len().checked_sub(1) else { return true };
    memchr::memchr_iter(needle[last], hay).any(|at| at >= last && hay[at - last..=at].eq_ignore_ascii_case(needle))
}

/// `name=` before the token: a query or fragment parameter, a cookie, or a form field.
fn assignment(head: &[u8]) -> String {
    let start = head
        .iter()
        .rposition(|b| matches!(b, b'?' | b'&' | b'#' | b';' | b' ' | b'\t' | b'"' | b'\'' | b':' | b','))
        .map_or(0, |i| i + 1);
    let name = lossy(&head[start..]);
    if name.is_empty() {
        // `x =eyJ…`: an equals sign with no name before it names nothing.
        return "text".to_owned();
    }
    if start > 0 && matches!(head[start - 1], b';' | b' ' | b':') {
        if contains_header(&head[..start], b"set-cookie:") {
            return format!("Set-Cookie {name}");
        }
        if contains_header(&head[..start], b"cookie:") {
            return format!("Cookie {name}");
        }
    }
    // The URL part the parameter sits in: the nearest `?` or `#` before it, within one word.
    let word_start = head[..start].iter().rposition(|b| b.is_ascii_whitespace() || *b == b'"').map_or(0, |i| i + 1);
    match head[word_start..start].iter().rposition(|b| matches!(b, b'?' | b'#')).map(|i| head[word_start + i]) {
        Some(b'?') => format!("query parameter {name}"),
        Some(_) => format!("URL fragment parameter {name}"),
        None => format!("form field {name}"),
    }
}

#[cfg(test)]
mod tests;
