//! What surrounds a token on its line: the place a leak happened, named as a reader of the log
//! would (`Authorization header`, `query parameter access_token`, `JSON key id_token`,
//! "Set-Cookie session", "form field assertion", "URL path"...).
//!
//! Only the text before the token on the same line is read, right to left: a scheme word
//! (`Bearer`), then the separator that introduced the value (`: "`, `=`, `/`, `#`), then the name
//! before it. Names are taken as they are written (they are shown escaped by the report).

/// How many lines before the token's line [`classify`] may look at (a pretty-printed HAR puts
/// a header's `"name"` on the line before its `"value"`).
pub const PREVIOUS_LINES: usize = 4;

/// How many bytes of each previous line (its end) are kept for [`classify`].
pub const PREVIOUS_LINE_BYTES: usize = 512;

/// The context of the token at `start` in `line`; `previous` holds up to [`PREVIOUS_LINES`]
/// lines before it, oldest first, each possibly cut at its start.
#[must_use]
pub fn classify(previous: &[&[u8]], line: &[u8], start: usize) -> String {
    let _ = previous;
    let before = &line[..start.min(line.len())];
    let stripped = strip_scheme(before);
    // A JSON string: `"key": "Bearer eyJ…` or `"key":"eyJ…`.
    if let Some(open) = stripped.strip_suffix(b"\"")
        && let Some(key) = json_key(open)
    {
        // HAR and similar lists of {"name": …, "value": …}: the name says more than "value".
        if key == "value"
            && let Some(name) = json_string_member(line, "name")
        {
            return format!("JSON name {name}");
        }
        return format!("JSON key {key}");
    }
    let trimmed = trim_end_spaces(stripped);
    if let Some(head) = trimmed.strip_suffix(b":")
        && let Some(name) = header_name(head)
    {
        return if name.eq_ignore_ascii_case("authorization") {
            "Authorization header".to_owned()
        } else {
            format!("header {name}")
        };
    }
    // Quotes around a value (`token="eyJ…"`, `auth='eyJ…'`) do not change what it is.
    let unquoted = stripped.strip_suffix(b"\"").or_else(|| stripped.strip_suffix(b"'")).unwrap_or(stripped);
    if let Some(head) = unquoted.strip_suffix(b"=") {
        return assignment(line, head);
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

/// The key of a JSON member whose string value opens at the end of `open`: `… "key" :`.
fn json_key(open: &[u8]) -> Option<String> {
    let colon = trim_end_spaces(open).strip_suffix(b":")?;
    let quoted = trim_end_spaces(colon).strip_suffix(b"\"")?;
    // The key's opening quote: the last unescaped quote before its closing one.
    let start = quoted.iter().rposition(|b| *b == b'"')?;
    let key = &quoted[start + 1..];
    (!key.is_empty()).then(|| String::from_utf8_lossy(key).into_owned())
}

/// The string value of the first `"member": "…"` on the line, if any.
fn json_string_member(line: &[u8], member: &str) -> Option<String> {
    let needle = format!("\"{member}\"");
    let at = memchr::memmem::find(line, needle.as_bytes())?;
    let rest = line[at + needle.len()..].trim_ascii_start().strip_prefix(b":")?.trim_ascii_start();
    let rest = rest.strip_prefix(b"\"")?;
    let end = memchr::memchr(b'"', rest)?;
    Some(String::from_utf8_lossy(&rest[..end]).into_owned())
}

/// The header name ending `head` (`… Authorization`), when it is a field-name token that starts
/// the line or follows a space, quote or separator.
fn header_name(head: &[u8]) -> Option<String> {
    let start =
        head.iter().rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')).map_or(0, |i| i + 1);
    let name = &head[start..];
    (!name.is_empty()).then(|| String::from_utf8_lossy(name).into_owned())
}

/// `name=` before the token: a query or fragment parameter, a cookie, or a form field.
fn assignment(line: &[u8], head: &[u8]) -> String {
    let start = head
        .iter()
        .rposition(|b| matches!(b, b'?' | b'&' | b'#' | b';' | b' ' | b'\t' | b'"' | b'\'' | b':' | b','))
        .map_or(0, |i| i + 1);
    let name = String::from_utf8_lossy(&head[start..]).into_owned();
    let lower = line.to_ascii_lowercase();
    let cookie_header = |h: &[u8]| memchr::memmem::find(&lower[..start], h).is_some();
    if start > 0 && matches!(head[start - 1], b';' | b' ' | b':') {
        if cookie_header(b"set-cookie:") {
            return format!("Set-Cookie {name}");
        }
        if cookie_header(b"cookie:") {
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
mod tests {
    use super::*;

    fn ctx(before: &str) -> String {
        let line = format!("{before}eyJTOKEN rest");
        classify(&[], line.as_bytes(), before.len())
    }

    #[test]
    fn names_each_place() {
        assert_eq!(ctx("Authorization: Bearer "), "Authorization header");
        assert_eq!(ctx("authorization:bearer "), "Authorization header");
        assert_eq!(ctx("X-Api-Token: "), "header X-Api-Token");
        assert_eq!(ctx("\"GET /api/me?x=1&access_token="), "query parameter access_token");
        assert_eq!(ctx("https://app/cb#state=1&id_token="), "URL fragment parameter id_token");
        assert_eq!(ctx("https://app/cb#"), "URL fragment");
        assert_eq!(ctx("GET /t/"), "URL path");
        assert_eq!(ctx("{\"user\":\"a\",\"token\": \""), "JSON key token");
        assert_eq!(ctx("{\"Authorization\": \"Bearer "), "JSON key Authorization");
        assert_eq!(ctx("{\"name\": \"Authorization\", \"value\": \"Bearer "), "JSON name Authorization");
        assert_eq!(ctx("Set-Cookie: session="), "Set-Cookie session");
        assert_eq!(ctx("Cookie: theme=dark; jwt="), "Cookie jwt");
        assert_eq!(ctx("grant_type=jwt-bearer&assertion="), "form field assertion");
        assert_eq!(ctx("the token is "), "text");
        assert_eq!(ctx(""), "text");
    }
}
