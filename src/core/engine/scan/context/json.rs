//! The JSON scans of the context classifier: where a string opens, the key of a member, and
//! around a `"value"` member the object's `"name"` and the key of the list holding the object.
//!
//! JSON is read from a point known to be outside any string (just before a key, or just after
//! a value's closing quote), right to left or left to right, over a bounded text: a quote
//! after an odd run of backslashes is part of a string, and a string that does not close
//! within the text ends the scan (the text may have been cut at its start).

use super::{PREVIOUS_LINE_BYTES, PREVIOUS_LINES};

/// The last unescaped `"` in `s[..end]`.
pub(super) fn quote_before(s: &[u8], mut end: usize) -> Option<usize> {
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
pub(super) fn key_before(s: &[u8], open: usize) -> Option<(usize, &[u8])> {
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
pub(super) fn joined(previous: &[&[u8]], current: &[u8], cut: bool) -> Vec<u8> {
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
pub(super) struct Object {
    /// The nearest `"name"` string member before the value, in the same object.
    pub(super) name: Option<Vec<u8>>,
    /// The key of the list (or member) holding the object: `headers`, `cookies`…
    pub(super) list: Option<Vec<u8>>,
}

/// Reads `text` right to left from its end (just before a `"value"` key): the object's
/// `"name"`, then past the object's `{` the key of what holds it.
pub(super) fn object_before(text: &[u8]) -> Object {
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
pub(super) fn name_after(after: &[u8]) -> Option<Vec<u8>> {
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
