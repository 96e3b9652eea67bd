//! JSON as tokens carry it: strict (RFC 8259: no `NaN`, no lone surrogate, no number beyond
//! f64, no trailing comma or text), depth-limited, and with every duplicate member name
//! recorded. `serde_json` keeps the last of two members with one name; RFC 7515 §4 and RFC 7519
//! §4 allow that only if the ambiguity is visible, so each parse here notes where it happened.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::base64::b64_decode;
use super::claims::json_type;
use super::{JsonObject, MAX_JSON_DEPTH, Part};
use crate::core::engine::error::{Error, Result};

/// How many duplicate member paths are kept for messages; the rest are only counted (a hostile
/// object may repeat a name a million times).
pub const MAX_DUPLICATES_SHOWN: usize = 8;

/// The duplicate member names found in one JSON text, as paths (`exp`, `cnf.jkt`, `aud[2].x`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Duplicates {
    /// The first [`MAX_DUPLICATES_SHOWN`] paths, in document order.
    pub shown: Vec<String>,
    /// How many duplicate members there were in all.
    pub total: usize,
}

impl Duplicates {
    /// True when no member name was repeated.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    pub(super) fn record(&mut self, path: &JsonPath<'_>, name: &str) {
        self.total += 1;
        if self.shown.len() < MAX_DUPLICATES_SHOWN {
            let full = JsonPath::Member(path, name).to_string();
            if !self.shown.contains(&full) {
                self.shown.push(full);
            }
        }
    }

    /// One warning per duplicate path: `duplicate member "exp" in the claims: …`.
    #[must_use]
    pub fn messages(&self, place: &str, rfc: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .shown
            .iter()
            .map(|path| {
                format!(
                    "duplicate member {path:?} in the {place}: the last value is used, but another reader may take \
                     the first ({rfc}, RFC 8725 §3.1)"
                )
            })
            .collect();
        let unnamed = self.total.saturating_sub(self.shown.len());
        if unnamed > 0 && self.shown.len() >= MAX_DUPLICATES_SHOWN {
            out.push(format!("{unnamed} more duplicate members in the {place}"));
        }
        out
    }
}

/// Where a value sits in a JSON document, built on the stack as the parser descends and
/// turned into text only when a duplicate is found.
#[derive(Debug, Clone, Copy)]
pub(super) enum JsonPath<'a> {
    /// The document itself.
    Root,
    /// A member of the object at the parent path.
    Member(&'a JsonPath<'a>, &'a str),
    /// An element of the array at the parent path.
    Index(&'a JsonPath<'a>, usize),
}

impl fmt::Display for JsonPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Root => Ok(()),
            Self::Member(JsonPath::Root, name) => f.write_str(name),
            Self::Member(parent, name) => write!(f, "{parent}.{name}"),
            Self::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// The member names of one object seen so far, exactly, without allocating for the names
/// tokens use. A name of up to 16 bytes is identified by its length and its first and last 8
/// bytes (together they cover every byte), kept in a stack array, spilling to a hash set past
/// [`FEW_NAMES`] members; longer names are also kept whole and compared in full.
#[derive(Default)]
pub(super) struct MemberNames<'de> {
    prints: [Print; FEW_NAMES],
    len: usize,
    spilled: Option<HashSet<Print>>,
    long: Option<HashSet<Cow<'de, str>>>,
}

/// How many member names [`MemberNames`] keeps on the stack.
const FEW_NAMES: usize = 16;

/// Length, first 8 and last 8 bytes of a name: the whole name when it has at most 16 bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
struct Print {
    len: usize,
    head: u64,
    tail: u64,
}

impl Print {
    fn of(name: &str) -> Self {
        let bytes = name.as_bytes();
        // Eight bytes are one load; shorter names are folded byte by byte (no memcpy call).
        let word = |part: &[u8]| match <[u8; 8]>::try_from(part) {
            Ok(w) => u64::from_le_bytes(w),
            Err(_) => part.iter().rev().fold(0, |acc, &b| (acc << 8) | u64::from(b)),
        };
        let head = word(&bytes[..bytes.len().min(8)]);
        let tail = if bytes.len() <= 8 { head } else { word(&bytes[bytes.len() - 8..]) };
        Self { len: bytes.len(), head, tail }
    }
}

impl<'de> MemberNames<'de> {
    /// Adds `name`; false when it was already there.
    pub(super) fn insert(&mut self, name: Cow<'de, str>) -> bool {
        let print = Print::of(&name);
        let print_seen = match &mut self.spilled {
            Some(set) => !set.insert(print),
            None if self.prints[..self.len].contains(&print) => true,
            None if self.len < FEW_NAMES => {
                self.prints[self.len] = print;
                self.len += 1;
                false
            }
            None => {
                let mut set: HashSet<Print> = self.prints.iter().copied().collect();
                set.insert(print);
                self.spilled = Some(set);
                false
            }
        };
        if name.len() <= 16 {
            return !print_seen;
        }
        self.long.get_or_insert_with(HashSet::new).insert(name)
    }
}

/// A member name, borrowed from the input unless it has escapes.
pub(super) struct Name<'de>(pub(super) Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Name<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Name<'de>, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Builds a [`Value`] exactly as `serde_json` would, recording duplicate member names.
pub(super) struct ValueSeed<'p, 'd> {
    pub(super) path: JsonPath<'p>,
    pub(super) dups: &'d mut Duplicates,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        // serde_json parses only finite numbers; the fallback is what its own Value does.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) =
            seq.next_element_seed(ValueSeed { path: JsonPath::Index(&self.path, items.len()), dups: self.dups })?
        {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut obj = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(ValueSeed { path: JsonPath::Member(&self.path, &key), dups: self.dups })?;
            match obj.entry(key) {
                serde_json::map::Entry::Occupied(mut slot) => {
                    self.dups.record(&self.path, slot.key());
                    // The last value wins, in the first one's position (as serde_json does).
                    slot.insert(value);
                }
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
            }
        }
        Ok(Value::Object(obj))
    }
}

/// Reads a JSON value strictly without building it (every number parsed, every string
/// decoded), recording duplicate member names: what verification runs over the claims it
/// does not read.
pub(super) struct ScanSeed<'p, 'd> {
    pub(super) path: JsonPath<'p>,
    pub(super) dups: &'d mut Duplicates,
}

impl<'de> DeserializeSeed<'de> for ScanSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        // `deserialize_any`, not `deserialize_ignored_any`: serde_json skips ignored values
        // without checking number ranges or surrogate escapes.
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScanSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let mut i = 0;
        while seq.next_element_seed(ScanSeed { path: JsonPath::Index(&self.path, i), dups: self.dups })?.is_some() {
            i += 1;
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut names = MemberNames::default();
        while let Some(Name(name)) = map.next_key()? {
            map.next_value_seed(ScanSeed { path: JsonPath::Member(&self.path, &name), dups: self.dups })?;
            if !names.insert(name.clone()) {
                self.dups.record(&self.path, &name);
            }
        }
        Ok(())
    }
}

/// Why a JSON text is not strict JSON: the byte offset where reading stopped, and the reason
/// in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonBreak {
    /// Byte offset within the JSON text.
    pub offset: usize,
    /// What is wrong there.
    pub reason: String,
    /// True when the text nests deeper than [`MAX_JSON_DEPTH`].
    pub too_deep: bool,
}

impl JsonBreak {
    /// Turns a `serde_json` error into an offset within `input` and a reason without the
    /// parser's "at line L column C" suffix (the offset says where).
    pub(super) fn from_serde(e: &serde_json::Error, input: &[u8]) -> Self {
        let msg = e.to_string();
        let reason = msg.find(" at line ").map_or(msg.as_str(), |i| &msg[..i]).to_owned();
        let too_deep = reason.contains("recursion limit");
        let offset = byte_offset(input, e.line(), e.column());
        let reason = if too_deep {
            format!("it nests deeper than {MAX_JSON_DEPTH} levels")
        } else {
            gloss(reason, input, offset)
        };
        Self { offset, reason, too_deep }
    }
}

/// `serde_json`'s words, with the non-standard constructs tokens are known to carry named.
fn gloss(reason: String, input: &[u8], offset: usize) -> String {
    let here = input.get(offset..).unwrap_or_default();
    let gloss = match reason.as_str() {
        "expected value" if [&b"NaN"[..], b"Infinity", b"-Infinity"].iter().any(|w| here.starts_with(w)) => {
            "NaN and Infinity are not JSON numbers (RFC 8259 §6)"
        }
        "number out of range" => "a number beyond the range of a 64-bit float (RFC 8259 §6)",
        "unexpected end of hex escape" | "lone leading surrogate in hex escape" | "invalid unicode code point" => {
            "a lone UTF-16 surrogate escape: \\uD800-\\uDBFF must be followed by a \\uDC00-\\uDFFF escape (RFC 8259 §8.2)"
        }
        "trailing characters" => "text after the JSON value",
        "trailing comma" => "a trailing comma (RFC 8259 §4)",
        _ => return reason,
    };
    format!("{gloss} ({reason})")
}

/// The byte offset of `serde_json`'s 1-based line and column (its column counts bytes and points
/// one past the byte it stopped at, or at the line start when 0).
fn byte_offset(input: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match input[start..].iter().position(|b| *b == b'\n') {
            Some(nl) => start += nl + 1,
            None => break,
        }
    }
    (start + column.saturating_sub(1)).min(input.len())
}

/// Parses a whole JSON text strictly, building the value and recording duplicates.
pub(super) fn parse_value(bytes: &[u8]) -> std::result::Result<(Value, Duplicates), JsonBreak> {
    let mut dups = Duplicates::default();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = ValueSeed { path: JsonPath::Root, dups: &mut dups }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| JsonBreak::from_serde(&e, bytes))?;
    Ok((value, dups))
}

/// "byte 29 (character 30)": where a problem is, as a byte offset (from 0) and as the position
/// of the character there (from 1), which differ past any non-ASCII text.
#[must_use]
pub fn position(input: &[u8], offset: usize) -> String {
    let before = input.get(..offset).unwrap_or(input);
    let character = String::from_utf8_lossy(before).chars().count() + 1;
    format!("byte {offset} (character {character})")
}

/// Parses JSON, turning a depth overflow into [`Error::TooDeep`] and other problems into
/// [`Error::Json`] naming the byte.
pub(super) fn parse_json(bytes: &[u8], part: Part) -> Result<(Value, Duplicates)> {
    parse_value(bytes).map_err(|b| {
        if b.too_deep {
            Error::TooDeep { part, limit: MAX_JSON_DEPTH }
        } else {
            Error::Json { part, reason: format!("{} at {} of the decoded {part}", b.reason, position(bytes, b.offset)) }
        }
    })
}

/// A base64url segment of `text` holding a JSON object.
pub(super) fn decode_object(text: &str, range: Range<usize>, part: Part) -> Result<(JsonObject, Duplicates)> {
    if range.is_empty() {
        return Err(Error::EmptySegment { part });
    }
    let bytes = b64_decode(text, range, part)?;
    let (value, dups) = parse_json(&bytes, part)?;
    Ok((as_object(value, part)?, dups))
}

pub(super) fn as_object(value: Value, part: Part) -> Result<JsonObject> {
    match value {
        Value::Object(m) => Ok(m),
        other => Err(Error::NotAnObject { part, found: json_type(&other) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_say_the_byte_from_0_and_the_character_from_1() {
        assert_eq!(position(b"{\"a\":x}", 5), "byte 5 (character 6)");
        // "é" is two bytes: the byte and the character part ways after it.
        assert_eq!(position("{\"é\":x}".as_bytes(), 6), "byte 6 (character 6)");
        let e = crate::core::engine::token::parse("eyJhbGciOiJIUzI1NiJ9.e?30.AAAA").unwrap_err().to_string();
        assert!(e.contains("at byte 22 (character 23) of the token"), "{e}");
    }

    #[test]
    fn builds_what_serde_json_builds() {
        let texts = [
            r#"{"b":1,"a":[1.5,-2,18446744073709551615,"x\u00e9",null,true,{"c":{}}],"z":-0.0}"#,
            r#"[{"a":1e308},"\ud83d\ude00",[]]"#,
            "  {\"k\" : \"v\" }\n",
        ];
        for t in texts {
            let (ours, dups) = parse_value(t.as_bytes()).unwrap();
            assert_eq!(ours, serde_json::from_str::<Value>(t).unwrap(), "{t}");
            assert!(dups.is_empty());
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&serde_json::from_str::<Value>(t).unwrap()).unwrap()
            );
        }
    }

    #[test]
    fn duplicates_are_recorded_at_every_depth_and_the_last_wins() {
        let (v, dups) = parse_value(br#"{"a":1,"b":{"c":1,"c":2},"a":3,"l":[{"x":1,"x":2}],"a":4}"#).unwrap();
        assert_eq!(v["a"], 4);
        assert_eq!(v["b"]["c"], 2);
        assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["a", "b", "l"], "first position kept");
        assert_eq!(dups.shown, ["b.c", "a", "l[0].x"]);
        assert_eq!(dups.total, 4);
        let many: String = (0..100).map(|_| r#""k":1,"#).collect();
        let (_, dups) = parse_value(format!("{{{many}\"end\":0}}").as_bytes()).unwrap();
        assert_eq!((dups.shown.len(), dups.total), (1, 99));
    }

    #[test]
    fn member_names_are_compared_exactly() {
        let mut names = MemberNames::default();
        for i in 0..100 {
            assert!(names.insert(Cow::Owned(format!("n{i}"))), "{i}");
            assert!(!names.insert(Cow::Owned(format!("n{}", i / 2))), "{i}");
        }
        // Same length, first and last 8 bytes, different middles: two names, not one.
        let mut names = MemberNames::default();
        assert!(names.insert(Cow::Borrowed("abcdefgh-1-ijklmnop")));
        assert!(names.insert(Cow::Borrowed("abcdefgh-2-ijklmnop")));
        assert!(!names.insert(Cow::Borrowed("abcdefgh-1-ijklmnop")));
        for short in ["", "a", "exp", "email_verified", "sixteen-bytes-xx"] {
            assert!(names.insert(Cow::Borrowed(short)), "{short}");
            assert!(!names.insert(Cow::Owned(short.to_owned())), "{short}");
        }
    }

    #[test]
    fn non_standard_json_breaks_at_its_byte() {
        for (text, culprit) in [
            (r#"{"a":NaN}"#, "NaN"),
            (r#"{"a":Infinity}"#, "Infinity"),
            (r#"{"a":-Infinity}"#, "-Infinity"),
            (r#"{"a":1e400}"#, "1e400"),
            (r#"{"a":"\ud800"}"#, "\\ud800"),
            (r#"{"a":"\udc00x"}"#, "\\udc00"),
            (r#"{"a":1,}"#, "}"),
            (r#"{"a":1} x"#, "x"),
            ("{\"a\":1,\n \"b\":\n  tru}", "tru}"),
        ] {
            let b = parse_value(text.as_bytes()).unwrap_err();
            let at = text.find(culprit).unwrap();
            assert!((at..=at + culprit.len()).contains(&b.offset), "{text}: {b:?}, culprit at {at}");
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(parse_value(deep.as_bytes()).unwrap_err().too_deep);
    }

    #[test]
    fn scan_is_as_strict_as_the_full_parse() {
        for text in [r#"{"a":NaN}"#, r#"{"a":1e400}"#, r#"{"a":"\ud800"}"#, r#"{"a":[1,]}"#, r#"{"a":{"b":1e-400}}"#] {
            let mut dups = Duplicates::default();
            let mut de = serde_json::Deserializer::from_str(text);
            let scanned =
                ScanSeed { path: JsonPath::Root, dups: &mut dups }.deserialize(&mut de).and_then(|()| de.end());
            assert_eq!(scanned.is_ok(), parse_value(text.as_bytes()).is_ok(), "{text}");
        }
    }
}
