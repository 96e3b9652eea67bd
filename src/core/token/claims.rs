//! Claims: the full ordered map for display, a selection of members read without building
//! the rest for verification, and typed access to the registered claims (RFC 7519 §4.1).

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use super::json::parse_json;
use super::{JsonObject, Part};

/// The payload as a JSON object, if it starts like one; otherwise why it carries no claims.
fn object_text(payload: &[u8]) -> std::result::Result<&str, String> {
    let Ok(text) = std::str::from_utf8(payload) else {
        return Err(format!("the payload is {} bytes of binary data, not JSON claims", payload.len()));
    };
    if text.trim_start().starts_with('{') {
        Ok(text)
    } else {
        Err("the payload is not a JSON object, so it carries no JWT claims".into())
    }
}

/// Decides whether a payload is a JWT claims set, and if not, says why.
pub(super) fn claims_of(payload: &[u8]) -> std::result::Result<JsonObject, String> {
    object_text(payload)?;
    match parse_json(payload, Part::Payload) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(format!("the payload is JSON {}, not a claims object", json_type(&other))),
        Err(e) => Err(e.to_string()),
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

impl<'de> serde::Deserialize<'de> for LiteValue<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LiteValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> std::result::Result<Self::Value, E> {
                Ok(LiteValue::Other("a boolean"))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E> {
                Ok(LiteValue::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E> {
                Ok(LiteValue::Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Self::Value, E> {
                Ok(LiteValue::Number(v))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
                Ok(LiteValue::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(LiteValue::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
                Ok(LiteValue::Other("null"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Self::Value, A::Error> {
                let mut strings = Vec::new();
                let mut mixed = false;
                while let Some(item) = seq.next_element::<LiteValue<'de>>()? {
                    match item {
                        LiteValue::Str(s) if !mixed => strings.push(s),
                        _ => mixed = true,
                    }
                }
                Ok(if mixed { LiteValue::MixedArray } else { LiteValue::StrList(strings) })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LiteValue::Other("an object"))
            }
        }
        d.deserialize_any(V)
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

/// Some members of a claims payload, names borrowed from it, in payload order.
#[derive(Debug, Clone)]
pub struct SelectedClaims<'a>(Vec<(Cow<'a, str>, LiteValue<'a>)>);

impl Claims for SelectedClaims<'_> {
    fn claim(&self, name: &str) -> Option<ClaimRef<'_>> {
        // A repeated name keeps its last value, as the full parse does (RFC 7519 §4).
        self.0.iter().rev().find(|(k, _)| k == name).map(|(_, v)| ClaimRef::Lite(v))
    }
}

/// The claims verification judges: the full map when it was built, else a selection.
#[derive(Debug, Clone)]
pub enum ClaimsView<'a> {
    /// The token's full claims map.
    Full(&'a JsonObject),
    /// Only the members asked for.
    Selected(SelectedClaims<'a>),
}

impl Claims for ClaimsView<'_> {
    fn claim(&self, name: &str) -> Option<ClaimRef<'_>> {
        match self {
            Self::Full(m) => m.claim(name),
            Self::Selected(s) => s.claim(name),
        }
    }
}

/// Reads only the members named in `wanted` from a claims payload, skipping every other value
/// without building it. `None` when the payload is not a JSON object.
pub(super) fn select_claims<'a>(payload: &'a [u8], wanted: &[&str]) -> Option<SelectedClaims<'a>> {
    use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};

    /// A member name, borrowed from the input unless it has escapes.
    struct Name<'de>(Cow<'de, str>);
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

    struct Select<'w>(&'w [&'w str]);
    impl<'de> Visitor<'de> for Select<'_> {
        type Value = SelectedClaims<'de>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(self.0.len());
            while let Some(Name(name)) = map.next_key()? {
                if self.0.contains(&name.as_ref()) {
                    out.push((name, map.next_value::<LiteValue<'de>>()?));
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(SelectedClaims(out))
        }
    }
    impl<'de> DeserializeSeed<'de> for Select<'_> {
        type Value = SelectedClaims<'de>;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }

    let text = object_text(payload).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    let selected = Select(wanted).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(selected)
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
    use crate::core::token::parse;

    const JWT_IO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30";

    #[test]
    fn selective_claims_agree_with_the_full_parse() {
        let payload = br#"{"name":"x","\u0065xp":5,"nested":{"exp":1},"exp":7,"aud":["a"],"big":[1,2,3]}"#;
        let picked = select_claims(payload, &["exp", "aud", "iss"]).unwrap();
        let full = claims_of(payload).unwrap();
        assert_eq!(picked.0.len(), 3, "only wanted top-level members: {picked:?}");
        assert_eq!(numeric_date(&picked, "exp").unwrap(), Some(7.0), "escaped duplicate name: the last value wins");
        assert_eq!(numeric_date(&full, "exp").unwrap(), Some(7.0));
        assert_eq!(audiences(&picked).unwrap(), audiences(&full).unwrap());
        assert!(picked.claim("iss").is_none());
        assert!(select_claims(b"[1]", &["exp"]).is_none());
        assert!(select_claims(br#"{"exp":1} trailing"#, &["exp"]).is_none());
        assert!(select_claims(br#"{"exp":1,"x":}"#, &["exp"]).is_none());
        assert!(select_claims(&[0xff, 0xfe], &["exp"]).is_none());
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
        assert!(matches!(before, ClaimsView::Selected(ref s) if s.0.len() == 1));
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
