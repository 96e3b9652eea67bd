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
//!   the line before `"value"`);
//! - plain text, right to left: a scheme word (`Bearer`), then the separator that introduced
//!   the value (`:`, `=`, `/`, `#`), then the name before it.
//!
//! Names are taken as they are written, escapes included (they are shown escaped by the
//! report); non-UTF-8 bytes are shown lossily.

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
    in_text(before)
}

/// Up to [`AFTER_BYTES`] bytes of `line` after the token that starts at `start` (none when the
/// token runs longer than any token can, so the look stays bounded).
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

/// The last unescaped `"` in `s[..end]`.
fn quote_before(s: &[u8], mut end: usize) -> Option<usize> {
    while let Some(at) = memchr::memrchr(b'"', &s[..end]) {
        if !escaped(s, at) {
            return Some(at);
        }
        end = at;
    }
    None
}

/// True when the byte at `at` follows an odd run of backslashes.
fn escaped(s: &[u8], at: usize) -> bool {
    s[..at].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 1
}

/// The key of the member whose string value opens at `open` (`… "key" : "`): where its
/// opening quote is, and its text.
fn key_before(s: &[u8], open: usize) -> Option<(usize, &[u8])> {
    let colon = s[..open].trim_ascii_end().strip_suffix(b":")?.trim_ascii_end();
    let close = colon.len().checked_sub(1)?;
    if colon[close] != b'"' || escaped(colon, close) {
        return None;
    }
    let key_open = quote_before(colon, close)?;
    let key = &colon[key_open + 1..close];
    (!key.is_empty()).then_some((key_open, key))
}

/// The previous lines still in sight (back to the first one that was cut) and `current`
/// (the token's line up to the key), joined by newlines: the text the look back reads.
fn joined(previous: &[&[u8]], current: &[u8], cut: bool) -> Vec<u8> {
    let mut kept: Vec<&[u8]> = Vec::new();
    if !cut {
        for line in previous.iter().rev().take(PREVIOUS_LINES) {
            let line = &line[line.len().saturating_sub(PREVIOUS_LINE_BYTES)..];
            kept.push(line);
            // A full line may have been cut: older lines are not contiguous with what is kept.
            if line.len() >= PREVIOUS_LINE_BYTES {
                break;
            }
        }
    }
    let mut text = Vec::with_capacity(kept.iter().map(|l| l.len() + 1).sum::<usize>() + current.len());
    for line in kept.iter().rev() {
        text.extend_from_slice(line);
        text.push(b'\n');
    }
    text.extend_from_slice(current);
    text
}

/// One piece of JSON, as the scans meet it.
enum Item {
    /// A string, by the range of its content (escapes as written).
    Str(usize, usize),
    /// `{` or `[`.
    Open(u8),
    /// `}` or `]`.
    Close,
    Colon,
    Comma,
    /// A number, `true`, `false`, `null` or anything else unquoted.
    Scalar,
    /// The end of what is in sight, or text that is not JSON.
    End,
}

fn structural(b: u8) -> bool {
    matches!(b, b'"' | b'{' | b'}' | b'[' | b']' | b':' | b',') || b.is_ascii_whitespace()
}

/// Reads JSON right to left from a point outside any string.
struct Backward<'a> {
    s: &'a [u8],
    at: usize,
}

impl Backward<'_> {
    fn next(&mut self) -> Item {
        let s = self.s;
        self.at = s[..self.at].trim_ascii_end().len();
        let Some(at) = self.at.checked_sub(1) else { return Item::End };
        self.at = at;
        match s[at] {
            b'"' => {
                // Outside strings a closing quote is never escaped: if it looks so, this is not JSON.
                let open = if escaped(s, at) { None } else { quote_before(s, at) };
                let Some(open) = open else {
                    self.at = 0;
                    return Item::End;
                };
                self.at = open;
                Item::Str(open + 1, at)
            }
            b @ (b'{' | b'[') => Item::Open(b),
            b'}' | b']' => Item::Close,
            b':' => Item::Colon,
            b',' => Item::Comma,
            _ => {
                self.at = s[..at].iter().rposition(|b| structural(*b)).map_or(0, |i| i + 1);
                Item::Scalar
            }
        }
    }
}

/// Reads JSON left to right from a point outside any string.
struct Forward<'a> {
    s: &'a [u8],
    at: usize,
}

impl Forward<'_> {
    fn next(&mut self) -> Item {
        let s = self.s;
        self.at += s[self.at..].len() - s[self.at..].trim_ascii_start().len();
        let Some(&b) = s.get(self.at) else { return Item::End };
        let at = self.at;
        self.at += 1;
        match b {
            b'"' => {
                let Some(close) = string_end(s, at + 1) else {
                    self.at = s.len();
                    return Item::End;
                };
                self.at = close + 1;
                Item::Str(at + 1, close)
            }
            b'{' | b'[' => Item::Open(b),
            b'}' | b']' => Item::Close,
            b':' => Item::Colon,
            b',' => Item::Comma,
            _ => {
                self.at = s[at..].iter().position(|b| structural(*b)).map_or(s.len(), |i| at + i);
                Item::Scalar
            }
        }
    }
}

/// The closing quote of the string whose content starts at `from`.
fn string_end(s: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let at = from + memchr::memchr2(b'"', b'\\', s.get(from..)?)?;
        if s[at] == b'"' {
            return Some(at);
        }
        from = at + 2;
    }
}

/// What the look back found about the object a `"value"` member belongs to.
struct Object {
    /// The nearest `"name"` string member before the value, in the same object.
    name: Option<Vec<u8>>,
    /// The key of the list (or member) holding the object: `headers`, `cookies`…
    list: Option<Vec<u8>>,
}

/// Reads `text` right to left from its end (just before a `"value"` key): the object's
/// `"name"`, then past the object's `{` the key of what holds it.
fn object_before(text: &[u8]) -> Object {
    let mut back = Backward { s: text, at: text.len() };
    let mut name = None;
    let mut depth = 0usize;
    // The string value last met at this object's level, and whether a `:` came before it.
    let mut value: Option<(usize, usize)> = None;
    let mut colon = false;
    loop {
        match back.next() {
            Item::End => return Object { name, list: None },
            Item::Str(from, to) if depth == 0 => {
                if colon {
                    if name.is_none()
                        && &text[from..to] == b"name"
                        && let Some((v_from, v_to)) = value
                    {
                        name = Some(text[v_from..v_to].to_vec());
                    }
                    colon = false;
                    value = None;
                } else {
                    value = Some((from, to));
                }
            }
            Item::Colon if depth == 0 => colon = true,
            Item::Comma | Item::Scalar if depth == 0 => value = None,
            Item::Close => {
                if depth == 0 {
                    value = None;
                }
                depth += 1;
            }
            Item::Open(open) if depth == 0 => {
                if open != b'{' {
                    return Object { name, list: None };
                }
                break;
            }
            Item::Open(_) => depth -= 1,
            _ => {}
        }
    }
    Object { name, list: holder_key(&mut back) }
}

/// The key of the array or member holding the object `back` just left (`"headers": [ …`).
fn holder_key(back: &mut Backward<'_>) -> Option<Vec<u8>> {
    let mut depth = 0usize;
    loop {
        match back.next() {
            Item::Colon if depth == 0 => return key_of(back),
            Item::Open(b'[') if depth == 0 => {
                return match back.next() {
                    Item::Colon => key_of(back),
                    _ => None,
                };
            }
            Item::End => return None,
            Item::Open(_) if depth == 0 => return None,
            Item::Open(_) => depth -= 1,
            Item::Close => depth += 1,
            _ => {}
        }
    }
}

fn key_of(back: &mut Backward<'_>) -> Option<Vec<u8>> {
    match back.next() {
        Item::Str(from, to) => Some(back.s[from..to].to_vec()),
        _ => None,
    }
}

/// A `"name"` string member written after the value, in the same object: `after` starts in
/// the value's string, just past the token.
fn name_after(after: &[u8]) -> Option<Vec<u8>> {
    let close = string_end(after, 0)?;
    let mut forward = Forward { s: after, at: close + 1 };
    let mut depth = 0usize;
    let mut last: Option<(usize, usize)> = None;
    let mut key: Option<(usize, usize)> = None;
    loop {
        match forward.next() {
            Item::End => return None,
            Item::Str(from, to) if depth == 0 => match key.take() {
                Some((k_from, k_to)) if &after[k_from..k_to] == b"name" => return Some(after[from..to].to_vec()),
                Some(_) => {}
                None => last = Some((from, to)),
            },
            Item::Colon if depth == 0 => key = last.take(),
            Item::Comma | Item::Scalar if depth == 0 => {
                key = None;
                last = None;
            }
            Item::Open(_) => {
                if depth == 0 {
                    key = None;
                }
                depth += 1;
            }
            // The object's own `}` (or `]`): no name after the value.
            Item::Close if depth == 0 => return None,
            Item::Close => depth -= 1,
            _ => {}
        }
    }
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
    let start =
        head.iter().rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')).map_or(0, |i| i + 1);
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
mod tests {
    use super::*;

    /// A token as a log holds it (the classifier reads its run, never parses it).
    const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

    fn ctx(before: &str) -> String {
        let line = format!("{before}eyJTOKEN rest");
        classify(&[], line.as_bytes(), before.len())
    }

    /// The context of the token written `{X}` in `template` (other tokens written `{T}`), after
    /// the `previous` lines.
    fn place(previous: &[&str], template: &str) -> String {
        let line = template.replace("{T}", TOKEN);
        let start = line.find("{X}").unwrap();
        let line = line.replace("{X}", TOKEN);
        let previous: Vec<&[u8]> = previous.iter().map(|l| l.as_bytes()).collect();
        classify(&previous, line.as_bytes(), start)
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
        // A `{"name", "value"}` header object reads as the header it is (a raw line would).
        assert_eq!(ctx("{\"name\": \"Authorization\", \"value\": \"Bearer "), "Authorization header");
        assert_eq!(ctx("{\"name\": \"id_token\", \"value\": \""), "JSON name id_token");
        assert_eq!(ctx("Set-Cookie: session="), "Set-Cookie session");
        assert_eq!(ctx("Cookie: theme=dark; jwt="), "Cookie jwt");
        assert_eq!(ctx("grant_type=jwt-bearer&assertion="), "form field assertion");
        assert_eq!(ctx("the token is "), "text");
        assert_eq!(ctx(""), "text");
    }

    #[test]
    fn pretty_printed_har_headers_take_the_name_on_the_line_above() {
        let first = ["      \"headers\": [", "        {", "          \"name\": \"Authorization\","];
        assert_eq!(place(&first, "          \"value\": \"Bearer {X}\""), "Authorization header");
        // Further down the list `"headers": [` is out of sight; the header's name still says it.
        let later =
            ["          \"value\": \"text/html\"", "        },", "        {", "          \"name\": \"authorization\","];
        assert_eq!(place(&later, "          \"value\": \"Bearer {X}\""), "Authorization header");
        // Lines as read from a CRLF file.
        let crlf = ["        {\r\n", "          \"name\": \"Authorization\",\r\n"];
        assert_eq!(place(&crlf, "          \"value\": \"{X}\"\r\n"), "Authorization header");
        let cookie = ["        {", "          \"name\": \"Cookie\","];
        assert_eq!(place(&cookie, "          \"value\": \"theme=dark; sid={X}\""), "Cookie sid");
        let set_cookie = ["        {", "          \"name\": \"Set-Cookie\","];
        assert_eq!(place(&set_cookie, "          \"value\": \"sid={X}; Path=/; HttpOnly\""), "Set-Cookie sid");
        assert_eq!(place(&set_cookie, "          \"value\": \"{X}\""), "header Set-Cookie");
        let other = ["      \"headers\": [", "        {", "          \"name\": \"X-Api-Token\","];
        assert_eq!(place(&other, "          \"value\": \"{X}\""), "header X-Api-Token");
        // The same object with no list in sight is any JSON name.
        assert_eq!(place(&other[1..], "          \"value\": \"{X}\""), "JSON name X-Api-Token");
        // A header's value is read as the raw header would be: a URL in a Referer.
        let referer = ["      \"headers\": [", "        {", "          \"name\": \"Referer\","];
        assert_eq!(
            place(&referer, "          \"value\": \"https://app/?access_token={X}\""),
            "query parameter access_token"
        );
    }

    #[test]
    fn compact_har_takes_the_name_of_the_same_object() {
        let headers = "[{\"name\":\"Authorization\",\"value\":\"Bearer {T}\"},{\"name\":\"Cookie\",\"value\":\"theme=dark; sid={X}\"}]";
        assert_eq!(place(&[], headers), "Cookie sid");
        let first = "[{\"name\":\"Authorization\",\"value\":\"Bearer {X}\"},{\"name\":\"Cookie\",\"value\":\"theme=dark; sid={T}\"}]";
        assert_eq!(place(&[], first), "Authorization header");
        let listed = "{\"request\":{\"headers\":[{\"name\":\"Accept\",\"value\":\"*/*\"},{\"name\":\"X-Token\",\"value\":\"{X}\"}]}}";
        assert_eq!(place(&[], listed), "header X-Token");
        // Members between the name and the value, nested ones holding their own "name".
        let nested = "{\"name\":\"Authorization\",\"meta\":{\"name\":\"inner\",\"tags\":[\"name\",{}]},\"n\":1,\"value\":\"Bearer {X}\"}";
        assert_eq!(place(&[], nested), "Authorization header");
        // A string value "name" is not the key "name".
        let decoy = "{\"name\": \"real\", \"comment\": \"name\", \"value\": \"{X}\"}";
        assert_eq!(place(&[], decoy), "JSON name real");
        // The previous object's name is not this object's.
        let nameless = "[{\"name\":\"Authorization\",\"value\":\"x\"},{\"value\":\"{X}\"}]";
        assert_eq!(place(&[], nameless), "JSON key value");
    }

    #[test]
    fn objects_writing_the_value_first_take_the_name_after_it() {
        assert_eq!(place(&[], "{\"value\": \"Bearer {X}\", \"name\": \"Authorization\"}"), "Authorization header");
        assert_eq!(place(&[], "{\"value\": \"sid={X}; Path=/\", \"name\": \"Set-Cookie\"}"), "Set-Cookie sid");
        assert_eq!(place(&[], "\"cookies\":[{\"value\":\"{X}\",\"httpOnly\":true,\"name\":\"sid\"}]"), "cookie sid");
        assert_eq!(place(&[], "{\"value\": \"{X}\", \"name\": \"id_token\"}"), "JSON name id_token");
        assert_eq!(
            place(
                &[],
                "{\"value\": \"{X}\", \"meta\": {\"name\": \"inner\"}, \"comment\": \"name\", \"name\": \"outer\"}"
            ),
            "JSON name outer"
        );
        // The next object's name is not this object's.
        assert_eq!(place(&[], "[{\"value\":\"{X}\"},{\"name\":\"Authorization\",\"value\":\"x\"}]"), "JSON key value");
        // A name before the value is nearer than one after it.
        assert_eq!(place(&[], "{\"name\": \"before\", \"value\": \"{X}\", \"name\": \"after\"}"), "JSON name before");
    }

    #[test]
    fn har_lists_name_cookies_query_parameters_and_form_fields() {
        let query = ["      \"queryString\": [", "        {", "          \"name\": \"access_token\","];
        assert_eq!(place(&query, "          \"value\": \"{X}\""), "query parameter access_token");
        let compact =
            "\"queryString\":[{\"name\":\"a\",\"value\":\"1\"},{\"name\":\"access_token\",\"value\":\"{X}\"}]";
        assert_eq!(place(&[], compact), "query parameter access_token");
        let cookies = ["      \"cookies\": [", "        {", "          \"name\": \"sid\","];
        assert_eq!(place(&cookies, "          \"value\": \"{X}\","), "cookie sid");
        let extra =
            "\"cookies\":[{\"name\":\"sid\",\"value\":\"{X}\",\"path\":\"/\",\"expires\":null,\"httpOnly\":true}]";
        assert_eq!(place(&[], extra), "cookie sid");
        // The list says what a name is, even a header's name.
        assert_eq!(
            place(&[], "\"cookies\": [{\"name\": \"Authorization\", \"value\": \"{X}\"}]"),
            "cookie Authorization"
        );
        let form = "\"postData\": {\"mimeType\": \"application/x-www-form-urlencoded\", \"params\": [{\"name\": \"assertion\", \"value\": \"{X}\"}]}";
        assert_eq!(place(&[], form), "form field assertion");
        let pretty =
            ["      \"postData\": {", "        \"params\": [", "          {", "            \"name\": \"assertion\","];
        assert_eq!(place(&pretty, "            \"value\": \"{X}\""), "form field assertion");
        // Text inside other strings is read by the text rules.
        assert_eq!(place(&[], "\"text\": \"grant_type=jwt-bearer&assertion={X}\""), "form field assertion");
        assert_eq!(place(&[], "\"url\": \"https://api/x?access_token={X}\""), "query parameter access_token");
    }

    #[test]
    fn escaped_and_odd_names_are_taken_as_written() {
        assert_eq!(place(&[], "{\"name\": \"a\\\"b\", \"value\": \"{X}\"}"), "JSON name a\\\"b");
        assert_eq!(place(&[], "{\"a\\\"b\": \"{X}\"}"), "JSON key a\\\"b");
        assert_eq!(place(&[], "{\"name\": \"x\\\\\", \"value\": \"{X}\"}"), "JSON name x\\\\");
        assert_eq!(place(&[], "{\"name\": \"\\\"\", \"value\": \"{X}\"}"), "JSON name \\\"");
        assert_eq!(
            place(&[], "{\"name\": \"\\\"value\\\": \\\"\", \"value\": \"{X}\"}"),
            "JSON name \\\"value\\\": \\\""
        );
        assert_eq!(place(&[], "{\"value\": \"{X}\", \"name\": \"a\\\"b\"}"), "JSON name a\\\"b");
        let mut line = b"{\"name\": \"\xff\xfe\", \"value\": \"".to_vec();
        let start = line.len();
        line.extend_from_slice(TOKEN.as_bytes());
        assert_eq!(classify(&[], &line, start), "JSON name \u{fffd}\u{fffd}");
        // Broken JSON and lone quotes or backslashes: a plain answer, never a panic.
        assert_eq!(place(&["\"\\", "{{{", "]]]\"name\":"], "\"value\":\"{X}"), "JSON key value");
        assert_eq!(place(&["\"name\": \"Authorization\""], "\\\"value\": \"{X}"), "text");
        assert_eq!(place(&[], "\\\"{X}"), "text");
        assert_eq!(place(&[], "\"{X}"), "text");
        assert_eq!(place(&[], "\":\"{X}"), "text");
        assert_eq!(place(&[], "\"\":\"{X}"), "text");
        assert_eq!(place(&[], "]}\"value\": \"{X}\", \"name\": \"\\"), "JSON key value");
        assert_eq!(classify(&[], b"abc", 10), "text");
    }

    #[test]
    fn previous_lines_are_read_within_their_bounds() {
        let value = "          \"value\": \"{X}\"";
        let near = ["\"headers\": [", "{", "\"name\": \"X-Key\","];
        assert_eq!(place(&near, value), "header X-Key");
        // Five lines up is out of sight.
        let far = ["\"headers\": [", "", "{", "", "\"name\": \"X-Key\","];
        assert_eq!(place(&far, value), "JSON name X-Key");
        // A previous line longer than the bytes kept is read by its end only, and lines older
        // than a cut one are not contiguous with it, so they are not read.
        let long = format!("\"headers\": [{}", " ".repeat(PREVIOUS_LINE_BYTES));
        assert_eq!(place(&[&long, "{", "\"name\": \"X-Key\","], value), "JSON name X-Key");
        let short = format!("\"headers\": [{}", " ".repeat(PREVIOUS_LINE_BYTES - 20));
        assert_eq!(place(&[&short, "{", "\"name\": \"X-Key\","], value), "header X-Key");
        let spaces = " ".repeat(PREVIOUS_LINE_BYTES);
        assert_eq!(place(&["\"headers\": [", &spaces, "{", "\"name\": \"X-Key\","], value), "JSON name X-Key");
        // A token line cut by the window does not continue a previous line.
        let indented = format!("{}\"value\": \"{{X}}\"", " ".repeat(BEFORE_BYTES));
        assert_eq!(place(&near, &indented), "JSON key value");
    }

    /// The answer depends on the window alone: a megabyte before it changes nothing.
    #[test]
    fn a_long_prefix_reads_only_the_window() {
        let fillers = [" ", "\"", "\\\"", "{\"name\":\"x\",\"value\":\"", "[", "a=b&", "\"headers\":["];
        let tails = [
            ("{\"name\": \"Cookie\", \"value\": \"a=1; sid=", Some("Cookie sid")),
            ("Authorization: Bearer ", Some("Authorization header")),
            ("?access_token=", Some("query parameter access_token")),
            ("\"value\": \"", None),
            ("", None),
        ];
        let after = format!("{TOKEN}\", \"name\": \"after\"}} rest");
        let previous: [&[u8]; 2] = [b"\"headers\": [", b"{\"name\": \"X-Key\","];
        for filler in fillers {
            let long_prefix = filler.repeat((1 << 20) / filler.len() + 1);
            for (tail, expected) in tails {
                let prefix = format!("{long_prefix}{tail}");
                let line = format!("{prefix}{after}");
                let long = classify(&previous, line.as_bytes(), prefix.len());
                let mut window = prefix.as_bytes()[prefix.len() - BEFORE_BYTES..].to_vec();
                window.extend_from_slice(after.as_bytes());
                let alone = classify(&previous, &window, BEFORE_BYTES);
                assert_eq!(long, alone, "filler {filler:?}, tail {tail:?}");
                if let Some(expected) = expected {
                    assert_eq!(long, expected, "filler {filler:?}, tail {tail:?}");
                }
            }
        }
    }

    /// Every context the classifier gives starts with one of these.
    const FORMS: [&str; 13] = [
        "Authorization header",
        "header ",
        "query parameter ",
        "URL fragment parameter ",
        "URL fragment",
        "URL path",
        "JSON key ",
        "JSON name ",
        "Set-Cookie ",
        "Cookie ",
        "cookie ",
        "form field ",
        "text",
    ];

    /// JSON-like noise (quotes, backslashes, brackets, names the scans look for, bytes that are
    /// not UTF-8): every input ends with one of the known contexts, never a panic or a hang.
    #[test]
    fn noise_always_ends_with_a_known_context() {
        let pieces: [&[u8]; 18] = [
            b"\"",
            b"\\",
            b"\\\"",
            b"{",
            b"}",
            b"[",
            b"]",
            b":",
            b",",
            b" ",
            b"\n",
            b"\"name\"",
            b"\"value\"",
            b"\"headers\"",
            b"Bearer ",
            b"sid=",
            b"\xff",
            b"eyJ",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound as u64).unwrap()
        };
        for _ in 0..3000 {
            let mut lines: Vec<Vec<u8>> = Vec::new();
            for _ in 0..=next(PREVIOUS_LINES + 2) {
                let mut line = Vec::new();
                for _ in 0..next(40) {
                    line.extend_from_slice(pieces[next(pieces.len())]);
                }
                lines.push(line);
            }
            let mut line = lines.pop().unwrap();
            // Most often in a JSON value or after a text separator, where the scans start.
            let openers: [&[u8]; 6] =
                [b"\"value\": \"", b"\"value\":\"Bearer ", b"\"value\": \"a=1; sid=", b"\"", b"=", b""];
            let closers: [&[u8]; 4] = [b"\"", b"\", \"name\": \"x\"}", b"; Path=/\"}]", b""];
            let at = next(line.len() + 2);
            let start = if at <= line.len() {
                let opener = openers[next(openers.len())];
                let mut placed = opener.to_vec();
                placed.extend_from_slice(TOKEN.as_bytes());
                placed.extend_from_slice(closers[next(closers.len())]);
                line.splice(at..at, placed);
                at + opener.len()
            } else {
                at
            };
            let previous: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
            let context = classify(&previous, &line, start);
            assert!(
                FORMS.iter().any(|f| context.starts_with(f)),
                "{context:?} for {:?}",
                String::from_utf8_lossy(&line)
            );
        }
    }
}
