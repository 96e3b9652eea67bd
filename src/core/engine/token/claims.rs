//! Claims: the full ordered map for display, a selection of members read without building
//! the rest for verification, and typed access to the registered claims (RFC 7519 §4.1).
//!
//! A payload that starts like a JSON object is meant as claims and must be strict JSON: when
//! it is not, the token carries claims nobody can read, and verification fails it (RFC 7519
//! §7.2 step 10). Anything else (prose, binary, a JSON array) is a JWS payload that is not a
//! claims set.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::JsonObject;
use super::json::{Duplicates, JsonBreak, JsonPath, MemberNames, Name, ScanSeed, parse_value};

/// Why a payload yields no claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadProblem {
    /// The payload is not meant as a claims set (prose, binary, JSON that is not an object): a
    /// JWS may sign any bytes (RFC 7515); only the signature can be judged.
    NotClaims(String),
    /// The payload starts like a JSON object but is not strict JSON (RFC 8259): its claims
    /// cannot be read, so the token must not be accepted.
    Unreadable {
        /// Byte offset within the decoded payload where reading stopped.
        offset: usize,
        /// "the claims are not valid JSON at byte N (character M) of the payload: why".
        message: String,
    },
    /// A JWE: the content is encrypted.
    Encrypted,
}

impl PayloadProblem {
    /// What the problem is, in words.
    #[must_use]
    pub fn message(&self) -> &str {
        match self {
            Self::NotClaims(message) | Self::Unreadable { message, .. } => message,
            Self::Encrypted => ENCRYPTED_NOTE,
        }
    }

    fn unreadable(input: &[u8], offset: usize, reason: &str) -> Self {
        let at = super::json::position(input, offset);
        Self::Unreadable { offset, message: format!("the claims are not valid JSON at {at} of the payload: {reason}") }
    }
}

impl fmt::Display for PayloadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

pub(super) const ENCRYPTED_NOTE: &str = "the content is encrypted (JWE) and cannot be read without the key";

/// The claims of a token: the ordered map and the member names it repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedClaims {
    /// The claims, in token order (a repeated name keeps its last value).
    pub map: JsonObject,
    /// Member names that appear more than once, at any depth.
    pub duplicates: Duplicates,
}

/// The payload as text when it is meant as a claims object; otherwise why it carries none.
fn object_text(payload: &[u8]) -> Result<&str, PayloadProblem> {
    let json_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let first = payload.iter().position(|b| !json_ws(b));
    let bom = payload[first.unwrap_or(0)..].starts_with(b"\xef\xbb\xbf");
    if bom {
        // RFC 8259 §8.1: a byte-order mark is not JSON; it hides a claims object from strict
        // parsers while lenient ones read it.
        let after = first.unwrap_or(0) + 3;
        if payload[after..].iter().find(|b| !json_ws(b)) == Some(&b'{') {
            return Err(PayloadProblem::unreadable(
                payload,
                first.unwrap_or(0),
                "a byte-order mark (U+FEFF) precedes the JSON; RFC 8259 §8.1 forbids it",
            ));
        }
    }
    if first.map(|i| payload[i]) != Some(b'{') {
        return Err(match std::str::from_utf8(payload) {
            Err(_) => PayloadProblem::NotClaims(format!(
                "the payload is {} bytes of binary data, not a JSON object, so it carries no JWT claims",
                payload.len()
            )),
            Ok(text) => {
                let what = match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                    _ if text.trim().is_empty() => "empty",
                    // Valid JSON: its first character says which kind of value it is.
                    Ok(_) => match text.trim_start().as_bytes().first() {
                        Some(b'[') => "a JSON array",
                        Some(b'"') => "a JSON string",
                        Some(b't' | b'f') => "a JSON boolean",
                        Some(b'n') => "JSON null",
                        _ => "a JSON number",
                    },
                    Err(_) => "text",
                };
                PayloadProblem::NotClaims(format!(
                    "the payload is {what}, not a JSON object, so it carries no JWT claims"
                ))
            }
        });
    }
    std::str::from_utf8(payload)
        .map_err(|e| PayloadProblem::unreadable(payload, e.valid_up_to(), "the bytes are not UTF-8 text"))
}

fn unreadable(input: &[u8], b: &JsonBreak) -> PayloadProblem {
    PayloadProblem::unreadable(input, b.offset, &b.reason)
}

/// Decides whether a payload is a JWT claims set and reads it whole, or says why not.
pub(super) fn claims_of(payload: &[u8]) -> Result<ParsedClaims, PayloadProblem> {
    let text = object_text(payload)?;
    match parse_value(text.as_bytes()).map_err(|b| unreadable(text.as_bytes(), &b))? {
        (Value::Object(map), duplicates) => Ok(ParsedClaims { map, duplicates }),
        // Unreachable after `object_text`, kept total.
        (other, _) => Err(PayloadProblem::NotClaims(format!(
            "the payload is JSON {}, not a JSON object, so it carries no JWT claims",
            json_type(&other)
        ))),
    }
}

/// Read access to claims by name, from the full map or from the selection verification reads.
pub trait Claims {
    /// The value of the claim `name`, if present.
    fn claim(&self, name: &str) -> Option<ClaimRef<'_>>;
}

/// A claim value, from the full map or from a selection.
#[derive(Debug, Clone, Copy)]
pub enum ClaimRef<'a> {
    /// From the full claims map.
    Json(&'a Value),
    /// From a selection.
    Lite(&'a LiteValue<'a>),
}

/// A claim value as verification reads it, without building a `serde_json::Value`: numbers
/// and strings (borrowed from the payload unless escaped); other types only by their kind.
#[derive(Debug, Clone, PartialEq)]
pub enum LiteValue<'a> {
    /// A JSON number.
    Number(f64),
    /// A JSON string.
    Str(Cow<'a, str>),
    /// An array of strings only.
    StrList(Vec<Cow<'a, str>>),
    /// An array holding a non-string.
    MixedArray,
    /// Anything else, by its JSON type name ("a boolean", "null", "an object").
    Other(&'static str),
}

impl LiteValue<'_> {
    fn type_name(&self) -> &'static str {
        match self {
            Self::Number(_) => "a number",
            Self::Str(_) => "a string",
            Self::StrList(_) | Self::MixedArray => "an array",
            Self::Other(t) => t,
        }
    }
}

/// Reads one claim value as a [`LiteValue`], as strictly as the full parse, recording
/// duplicate names inside it.
struct LiteSeed<'p, 'd> {
    path: JsonPath<'p>,
    dups: &'d mut Duplicates,
}

impl<'de> DeserializeSeed<'de> for LiteSeed<'_, '_> {
    type Value = LiteValue<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LiteSeed<'_, '_> {
    type Value = LiteValue<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(LiteValue::Other("a boolean"))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(LiteValue::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(LiteValue::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(LiteValue::Number(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(LiteValue::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(LiteValue::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(LiteValue::Other("null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut strings = Vec::new();
        let mut mixed = false;
        let mut i = 0;
        while let Some(item) =
            seq.next_element_seed(LiteSeed { path: JsonPath::Index(&self.path, i), dups: self.dups })?
        {
            i += 1;
            match item {
                LiteValue::Str(s) if !mixed => strings.push(s),
                _ => mixed = true,
            }
        }
        Ok(if mixed { LiteValue::MixedArray } else { LiteValue::StrList(strings) })
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        ScanSeed { path: self.path, dups: self.dups }.visit_map(map)?;
        Ok(LiteValue::Other("an object"))
    }
}

/// A member of a small JSON object (a header, a claims set): comparing a few names beats
/// hashing one.
#[must_use]
pub fn member<'a>(obj: &'a JsonObject, name: &str) -> Option<&'a Value> {
    if obj.len() <= 16 { obj.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v) } else { obj.get(name) }
}

impl Claims for JsonObject {
    fn claim(&self, name: &str) -> Option<ClaimRef<'_>> {
        member(self, name).map(ClaimRef::Json)
    }
}

impl Claims for ParsedClaims {
    fn claim(&self, name: &str) -> Option<ClaimRef<'_>> {
        self.map.claim(name)
    }
}

/// Some members of a claims payload, names borrowed from it, in payload order, and the member
/// names the whole payload repeats.
#[derive(Debug, Clone)]
pub struct SelectedClaims<'a> {
    members: Vec<(Cow<'a, str>, LiteValue<'a>)>,
    duplicates: Duplicates,
}

impl Claims for SelectedClaims<'_> {
    fn claim(&self, name: &str) -> Option<ClaimRef<'_>> {
        // A repeated name keeps its last value, as the full parse does (RFC 7519 §4).
        self.members.iter().rev().find(|(k, _)| k == name).map(|(_, v)| ClaimRef::Lite(v))
    }
}

/// The claims verification judges: the full map when it was built, else a selection.
#[derive(Debug, Clone)]
pub enum ClaimsView<'a> {
    /// The token's full claims.
    Full(&'a ParsedClaims),
    /// Only the members asked for.
    Selected(SelectedClaims<'a>),
}

impl ClaimsView<'_> {
    /// Member names the payload repeats, at any depth.
    #[must_use]
    pub fn duplicates(&self) -> &Duplicates {
        match self {
            Self::Full(c) => &c.duplicates,
            Self::Selected(s) => &s.duplicates,
        }
    }
}

impl Claims for ClaimsView<'_> {
    fn claim(&self, name: &str) -> Option<ClaimRef<'_>> {
        match self {
            Self::Full(c) => c.map.claim(name),
            Self::Selected(s) => s.claim(name),
        }
    }
}

/// Reads only the members named in `wanted` from a claims payload; every other value is read
/// strictly but not built. Fails exactly where [`claims_of`] fails.
pub(super) fn select_claims<'a>(payload: &'a [u8], wanted: &[&str]) -> Result<SelectedClaims<'a>, PayloadProblem> {
    struct Select<'w, 'd>(&'w [&'w str], &'d mut Duplicates);
    impl<'de> Visitor<'de> for Select<'_, '_> {
        type Value = Vec<(Cow<'de, str>, LiteValue<'de>)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let Select(wanted, dups) = self;
            let mut out = Vec::with_capacity(wanted.len());
            let mut names = MemberNames::default();
            while let Some(Name(name)) = map.next_key()? {
                let path = JsonPath::Member(&JsonPath::Root, &name);
                if wanted.contains(&name.as_ref()) {
                    let value = map.next_value_seed(LiteSeed { path, dups: &mut *dups })?;
                    if !names.insert(name.clone()) {
                        dups.record(&JsonPath::Root, &name);
                    }
                    out.push((name, value));
                } else {
                    map.next_value_seed(ScanSeed { path, dups: &mut *dups })?;
                    if !names.insert(name.clone()) {
                        dups.record(&JsonPath::Root, &name);
                    }
                }
            }
            Ok(out)
        }
    }
    impl<'de> DeserializeSeed<'de> for Select<'_, '_> {
        type Value = Vec<(Cow<'de, str>, LiteValue<'de>)>;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }

    let text = object_text(payload)?;
    let mut duplicates = Duplicates::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let members = Select(wanted, &mut duplicates)
        .deserialize(&mut de)
        .and_then(|m| de.end().map(|()| m))
        .map_err(|e| unreadable(text.as_bytes(), &JsonBreak::from_serde(&e, text.as_bytes())))?;
    Ok(SelectedClaims { members, duplicates })
}

/// The JSON type name of a value, for messages.
#[must_use]
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A registered claim present with the wrong JSON type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimTypeError {
    /// The claim name.
    pub claim: String,
    /// What RFC 7519 requires.
    pub expected: &'static str,
    /// What the token has.
    pub found: &'static str,
}

impl fmt::Display for ClaimTypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" must be {}, but the token has {}", self.claim, self.expected, self.found)
    }
}

/// A NumericDate claim (`exp`, `nbf`, `iat`): seconds since the epoch, possibly fractional
/// (RFC 7519 §2). `Ok(None)` when absent; an error when present with another type.
///
/// # Errors
/// [`ClaimTypeError`] when the claim is not a JSON number.
pub fn numeric_date<C: Claims + ?Sized>(claims: &C, name: &str) -> std::result::Result<Option<f64>, ClaimTypeError> {
    let number = match claims.claim(name) {
        None => return Ok(None),
        Some(ClaimRef::Json(Value::Number(n))) => n.as_f64(),
        Some(ClaimRef::Lite(LiteValue::Number(f))) => Some(*f),
        Some(other) => {
            return Err(ClaimTypeError {
                claim: name.into(),
                expected: "a NumericDate (a JSON number of seconds since 1970)",
                found: claim_type(other),
            });
        }
    };
    number.filter(|f| f.is_finite()).map(Some).ok_or_else(|| ClaimTypeError {
        claim: name.into(),
        expected: "a finite NumericDate",
        found: "an out-of-range number",
    })
}

/// A StringOrURI claim (`iss`, `sub`, `jti`…).
///
/// # Errors
/// [`ClaimTypeError`] when the claim is not a JSON string.
pub fn string_claim<'a, C: Claims + ?Sized>(
    claims: &'a C,
    name: &str,
) -> std::result::Result<Option<&'a str>, ClaimTypeError> {
    match claims.claim(name) {
        None => Ok(None),
        Some(ClaimRef::Json(Value::String(s))) => Ok(Some(s)),
        Some(ClaimRef::Lite(LiteValue::Str(s))) => Ok(Some(s)),
        Some(other) => Err(ClaimTypeError { claim: name.into(), expected: "a string", found: claim_type(other) }),
    }
}

/// The `aud` claim: one string or an array of strings (RFC 7519 §4.1.3).
///
/// # Errors
/// [`ClaimTypeError`] for any other type, or an array holding a non-string.
pub fn audiences<C: Claims + ?Sized>(claims: &C) -> std::result::Result<Option<Vec<&str>>, ClaimTypeError> {
    let wrong = |found| ClaimTypeError { claim: "aud".into(), expected: "a string or an array of strings", found };
    match claims.claim("aud") {
        None => Ok(None),
        Some(ClaimRef::Json(Value::String(s))) => Ok(Some(vec![s.as_str()])),
        Some(ClaimRef::Lite(LiteValue::Str(s))) => Ok(Some(vec![s.as_ref()])),
        Some(ClaimRef::Json(Value::Array(items))) => items
            .iter()
            .map(|v| v.as_str().ok_or_else(|| wrong("an array holding a non-string")))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map(Some),
        Some(ClaimRef::Lite(LiteValue::StrList(items))) => Ok(Some(items.iter().map(AsRef::as_ref).collect())),
        Some(ClaimRef::Lite(LiteValue::MixedArray)) => Err(wrong("an array holding a non-string")),
        Some(other) => Err(wrong(claim_type(other))),
    }
}

fn claim_type(c: ClaimRef<'_>) -> &'static str {
    match c {
        ClaimRef::Json(v) => json_type(v),
        ClaimRef::Lite(l) => l.type_name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::token::parse;

    const JWT_IO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30";

    #[test]
    fn selective_claims_agree_with_the_full_parse() {
        let payload = br#"{"name":"x","\u0065xp":5,"nested":{"exp":1},"exp":7,"aud":["a"],"big":[1,2,3]}"#;
        let picked = select_claims(payload, &["exp", "aud", "iss"]).unwrap();
        let full = claims_of(payload).unwrap();
        assert_eq!(picked.members.len(), 3, "only wanted top-level members: {picked:?}");
        assert_eq!(numeric_date(&picked, "exp").unwrap(), Some(7.0), "escaped duplicate name: the last value wins");
        assert_eq!(numeric_date(&full, "exp").unwrap(), Some(7.0));
        assert_eq!(audiences(&picked).unwrap(), audiences(&full).unwrap());
        assert!(picked.claim("iss").is_none());
        assert!(select_claims(b"[1]", &["exp"]).is_err());
        assert!(select_claims(br#"{"exp":1} trailing"#, &["exp"]).is_err());
        assert!(select_claims(br#"{"exp":1,"x":}"#, &["exp"]).is_err());
        assert!(select_claims(&[0xff, 0xfe], &["exp"]).is_err());
    }

    #[test]
    fn both_claim_paths_fail_alike_at_the_same_byte() {
        let payloads: [&[u8]; 12] = [
            br#"{"exp":1,"score":NaN}"#,
            br#"{"x":{"y":[1,Infinity]},"exp":2}"#,
            br#"{"exp":1,"n":"\ud800"}"#,
            br#"{"exp":1e400}"#,
            br#"{"other":-1e400,"exp":1}"#,
            br#"{"exp":1,}"#,
            b"\xef\xbb\xbf{\"exp\":1}",
            br#"{"exp":1} {"exp":2}"#,
            br#"{"aud":["a",{"b":NaN}]}"#,
            b"{\"exp\":1,\"s\":\"\xff\"}",
            br#"{"exp":1"#,
            b"  \n{\"a\":tru}",
        ];
        for p in payloads {
            let full = claims_of(p).unwrap_err();
            let picked = select_claims(p, &["exp", "aud"]).unwrap_err();
            assert!(matches!(full, PayloadProblem::Unreadable { .. }), "{:?}: {full:?}", String::from_utf8_lossy(p));
            assert_eq!(full, picked, "{:?}", String::from_utf8_lossy(p));
        }
        for (p, kind) in [
            (&b"[1,2]"[..], "a JSON array"),
            (b"prose", "text"),
            (b"\xff\x00", "binary data"),
            (b"", "empty"),
            (b" 42", "a JSON number"),
            (b"\"x\"", "a JSON string"),
            (b"null", "JSON null"),
        ] {
            let full = claims_of(p).unwrap_err();
            assert_eq!(
                full.message(),
                format!(
                    "the payload is {}, not a JSON object, so it carries no JWT claims",
                    if kind == "binary data" { format!("{} bytes of binary data", p.len()) } else { kind.to_owned() }
                )
            );
            let full = claims_of(p).unwrap_err();
            assert!(matches!(&full, PayloadProblem::NotClaims(m) if m.contains(kind)), "{full:?}");
            assert_eq!(select_claims(p, &["exp"]).unwrap_err(), full);
        }
    }

    #[test]
    fn both_claim_paths_report_the_same_duplicates() {
        let p = br#"{"exp":1,"aud":["a",{"k":1,"k":2}],"cnf":{"jkt":"a","jkt":"b"},"exp":2,"x":[{"y":1,"y":1}]}"#;
        let full = claims_of(p).unwrap();
        let picked = select_claims(p, &["exp", "aud"]).unwrap();
        assert_eq!(full.duplicates, picked.duplicates);
        assert_eq!(full.duplicates.shown, ["aud[1].k", "cnf.jkt", "exp", "x[0].y"]);
        assert_eq!(numeric_date(&picked, "exp").unwrap(), Some(2.0));
        assert_eq!(numeric_date(&full, "exp").unwrap(), Some(2.0));
    }

    #[test]
    fn both_claim_paths_judge_every_type_alike() {
        let payloads = [
            r#"{"exp":"1700000000","nbf":1.5,"iat":true,"iss":7,"sub":null,"jti":{"a":[1]},"aud":["a",2]}"#,
            r#"{"exp":1e300,"nbf":-5,"iat":18446744073709551615,"iss":"caf\u00e9","sub":"x","aud":[]}"#,
            r#"{"exp":[1],"aud":"solo","iss":["x"],"jti":"j\"q"}"#,
            r#"{"aud":[["nested"]],"exp":{"$date":1}}"#,
        ];
        let names = ["exp", "nbf", "iat", "iss", "sub", "jti", "aud"];
        for p in payloads {
            let full = claims_of(p.as_bytes()).unwrap();
            let picked = select_claims(p.as_bytes(), &names).unwrap();
            for n in ["exp", "nbf", "iat"] {
                assert_eq!(numeric_date(&full, n), numeric_date(&picked, n), "{p} {n}");
            }
            for n in ["iss", "sub", "jti"] {
                assert_eq!(string_claim(&full, n), string_claim(&picked, n), "{p} {n}");
            }
            assert_eq!(audiences(&full), audiences(&picked), "{p} aud");
        }
    }

    #[test]
    fn claims_named_uses_the_built_map_when_there_is_one() {
        let t = parse(JWT_IO).unwrap();
        let before = t.claims_named(&["iat"]).unwrap();
        assert!(matches!(before, ClaimsView::Selected(ref s) if s.members.len() == 1));
        assert!(t.claims().is_some());
        let after = t.claims_named(&["iat"]).unwrap();
        assert!(matches!(after, ClaimsView::Full(_)));
        assert_eq!(numeric_date(&after, "iat").unwrap(), numeric_date(&before, "iat").unwrap());
    }

    #[test]
    fn claim_types_are_strict() {
        let claims: JsonObject =
            serde_json::from_str(r#"{"exp":"1700000000","nbf":1.5,"aud":["a",2],"iss":"x"}"#).unwrap();
        assert!(numeric_date(&claims, "exp").is_err());
        assert_eq!(numeric_date(&claims, "nbf").unwrap(), Some(1.5));
        assert_eq!(numeric_date(&claims, "iat").unwrap(), None);
        assert!(audiences(&claims).is_err());
        assert_eq!(string_claim(&claims, "iss").unwrap(), Some("x"));
    }
}
