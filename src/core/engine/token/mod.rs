//! Token parsing: compact JWS and JWE, the JWS JSON serialization, strict base64url,
//! byte spans of every segment (for colouring) and typed access to registered claims.
//!
//! Parsing never verifies anything: it tells what the token *says*. [`crate::core::engine::verify`]
//! judges whether to believe it.

mod base64;
mod claims;
mod json;

use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value};

use self::base64::{b64_decode, b64_decode_str};
pub use self::base64::{decode_b64url, encode_b64url};
pub use self::claims::{
    ClaimRef, ClaimTypeError, Claims, ClaimsView, LiteValue, ParsedClaims, PayloadProblem, SelectedClaims, audiences,
    json_type, member, numeric_date, string_claim,
};
use self::claims::{claims_of, select_claims};
pub use self::json::{Duplicates, MAX_DUPLICATES_SHOWN};
use self::json::{as_object, decode_object, parse_json};
use crate::core::engine::error::{Error, Result};

/// The largest input accepted, in bytes (10 MiB).
pub const MAX_TOKEN_BYTES: usize = crate::core::engine::limits::MAX_INPUT_BYTES;

/// `serde_json` refuses nesting deeper than this (its recursion limit), which keeps hostile
/// 1000-deep JSON from exhausting the stack.
pub const MAX_JSON_DEPTH: usize = 128;

/// A JSON object as it appears in the token, keys in token order.
pub type JsonObject = Map<String, Value>;

/// One segment (part) of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// JOSE header (JWS or JWE protected header).
    Header,
    /// JWS payload (the claims of a JWT).
    Payload,
    /// JWS signature.
    Signature,
    /// JWE encrypted key.
    EncryptedKey,
    /// JWE initialization vector.
    Iv,
    /// JWE ciphertext.
    Ciphertext,
    /// JWE authentication tag.
    Tag,
}

impl Part {
    /// Human name of the segment.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Header => "header",
            Self::Payload => "payload",
            Self::Signature => "signature",
            Self::EncryptedKey => "encrypted key",
            Self::Iv => "initialization vector",
            Self::Ciphertext => "ciphertext",
            Self::Tag => "authentication tag",
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a segment sits in [`Token::text`], in bytes; the GUI colours these ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Which segment.
    pub part: Part,
    /// Byte range within the cleaned token text.
    pub range: Range<usize>,
}

/// How the token is serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Serialization {
    /// `header.payload.signature` (or the five JWE segments). The only form a JWT may take.
    Compact,
    /// JWS JSON with a single `signature` member (RFC 7515 §7.2.2).
    JsonFlattened,
    /// JWS JSON with a `signatures` array (RFC 7515 §7.2.1).
    JsonGeneral,
}

/// What kind of JOSE object the token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Kind {
    /// Signed (JWS); a JWT in the usual sense.
    Jws,
    /// Encrypted (JWE); only its header can be read without the key.
    Jwe,
}

/// One signature of a JWS (compact tokens have exactly one).
#[derive(Debug, Clone)]
pub struct JwsSignature {
    /// The protected header, keys in token order.
    pub header: JsonObject,
    /// The unprotected `header` member of the JSON serialization, if any.
    pub unprotected: Option<JsonObject>,
    /// The signature as base64url, exactly as in the token.
    pub signature_b64: String,
    /// The decoded signature bytes.
    pub signature: Vec<u8>,
    /// Member names the protected header repeats.
    pub duplicates: Duplicates,
    input: SigningInput,
}

/// What a signature covers. A compact token holds it joined; the signatures of a JWS JSON
/// token share one payload and join it only when judged, so 44,500 signatures over a large
/// payload never hold 44,500 copies of it.
#[derive(Debug, Clone)]
enum SigningInput {
    Joined { bytes: Vec<u8>, protected_len: usize },
    Shared { protected: String, payload: Arc<str>, joined: OnceLock<Vec<u8>> },
}

impl JwsSignature {
    /// The protected header as base64url, exactly as in the token.
    #[must_use]
    pub fn protected_b64(&self) -> &str {
        match &self.input {
            SigningInput::Joined { bytes, protected_len } => {
                std::str::from_utf8(&bytes[..*protected_len]).unwrap_or("")
            }
            SigningInput::Shared { protected, .. } => protected,
        }
    }

    /// The payload exactly as in the token (base64url, or raw text under RFC 7797 `b64: false`).
    #[must_use]
    pub fn payload_segment(&self) -> &str {
        match &self.input {
            SigningInput::Joined { bytes, protected_len } => {
                std::str::from_utf8(bytes.get(protected_len + 1..).unwrap_or_default()).unwrap_or("")
            }
            SigningInput::Shared { payload, .. } => payload,
        }
    }

    /// The exact bytes the signature covers (RFC 7515 §5.2 step 8): the protected header and
    /// the payload as in the token, joined by a dot.
    #[must_use]
    pub fn signing_input(&self) -> &[u8] {
        match &self.input {
            SigningInput::Joined { bytes, .. } => bytes,
            SigningInput::Shared { protected, payload, joined } => {
                joined.get_or_init(|| [protected.as_bytes(), b".", payload.as_bytes()].concat())
            }
        }
    }

    /// The `alg` header parameter, if it is a string.
    #[must_use]
    pub fn alg(&self) -> Option<&str> {
        member(&self.header, "alg").and_then(Value::as_str)
    }

    /// The `kid` header parameter, if it is a string.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        member(&self.header, "kid").and_then(Value::as_str)
    }

    /// A header parameter from the protected header, else from the unprotected one (RFC 7515
    /// §7.2.1: together they are the JOSE header).
    #[must_use]
    pub fn param(&self, name: &str) -> Option<&Value> {
        member(&self.header, name).or_else(|| self.unprotected.as_ref().and_then(|u| member(u, name)))
    }
}

/// The parts of a compact JWE after its header: lengths only, since they are encrypted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JweParts {
    /// Length in bytes of the encrypted key.
    pub encrypted_key_len: usize,
    /// Length in bytes of the IV.
    pub iv_len: usize,
    /// Length in bytes of the ciphertext.
    pub ciphertext_len: usize,
    /// Length in bytes of the authentication tag.
    pub tag_len: usize,
    /// The header that applies to each recipient: the protected, shared unprotected and
    /// per-recipient members together (one for compact and flattened JWEs). A member found in
    /// two of them keeps the first (the decryption refuses such a JWE and says why).
    pub recipients: Vec<JsonObject>,
}

/// A parsed token.
#[derive(Debug, Clone)]
pub struct Token {
    /// The token text after input hygiene (trimmed, `Bearer` removed); spans index into it.
    pub text: String,
    /// Byte offset of `text` within the input as given, so editors can map spans back.
    pub offset_in_input: usize,
    /// JWS or JWE.
    pub kind: Kind,
    /// Compact or one of the JSON forms.
    pub serialization: Serialization,
    /// JWE: its protected header (JWS headers live in `signatures`; see [`Token::header`]).
    pub jwe_header: JsonObject,
    /// JWS signatures (empty for JWE).
    pub signatures: Vec<JwsSignature>,
    /// The decoded payload bytes (JWS only).
    pub payload: Vec<u8>,
    /// The claims, built on first use (see [`Token::claims`]); the error says why the
    /// payload carries no claims. Verification does not need the whole map.
    claims: OnceLock<std::result::Result<ParsedClaims, PayloadProblem>>,
    /// What parsing noticed about the header(s) and the JSON serialization (duplicate members).
    notes: Vec<String>,
    /// JWE: the lengths of the encrypted parts.
    pub jwe: Option<JweParts>,
    /// Byte spans of every segment within `text` (compact serialization only).
    pub spans: Vec<Span>,
}

impl Token {
    /// The protected header: the JWE header, or the first JWS signature's.
    #[must_use]
    pub fn header(&self) -> &JsonObject {
        self.signatures.first().map_or(&self.jwe_header, |s| &s.header)
    }

    /// The `alg` of the (first) header, if it is a string.
    #[must_use]
    pub fn alg(&self) -> Option<&str> {
        member(self.header(), "alg").and_then(Value::as_str)
    }

    /// The `kid` of the (first) header, if it is a string.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        member(self.header(), "kid").and_then(Value::as_str)
    }

    /// The claims, when the payload is a JSON object (parsed in token order on first call).
    #[must_use]
    pub fn claims(&self) -> Option<&JsonObject> {
        self.claims_result().as_ref().ok().map(|c| &c.map)
    }

    /// Why the token carries no claims (binary payload, not JSON, unreadable JSON, encrypted…),
    /// if it does not.
    #[must_use]
    pub fn payload_note(&self) -> Option<&str> {
        self.payload_problem().map(PayloadProblem::message)
    }

    /// Why the token carries no claims, if it does not.
    #[must_use]
    pub fn payload_problem(&self) -> Option<&PayloadProblem> {
        self.claims_result().as_ref().err()
    }

    fn claims_result(&self) -> &std::result::Result<ParsedClaims, PayloadProblem> {
        self.claims.get_or_init(|| claims_of(&self.payload))
    }

    /// The claims named in `wanted`, for verification: the full map when it was already built,
    /// else only those members, read strictly without building the rest.
    ///
    /// # Errors
    /// Why the payload carries no claims, exactly as [`Token::payload_problem`] would say.
    pub fn claims_named(&self, wanted: &[&str]) -> std::result::Result<ClaimsView<'_>, PayloadProblem> {
        match self.claims.get() {
            Some(built) => built.as_ref().map(ClaimsView::Full).map_err(Clone::clone),
            None if self.kind == Kind::Jwe => Err(PayloadProblem::Encrypted),
            None => select_claims(&self.payload, wanted).map(ClaimsView::Selected),
        }
    }

    /// What parsing noticed about the header(s) and the JSON serialization: duplicate member
    /// names, whose last value is used.
    #[must_use]
    pub fn parse_notes(&self) -> &[String] {
        &self.notes
    }

    /// Everything a reader of this token should be told besides its content: [`Token::parse_notes`]
    /// and duplicate member names in the claims (the claims are read if they were not yet).
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        let mut out = self.notes.clone();
        if let Ok(claims) = self.claims_result() {
            out.extend(claims.duplicates.messages("claims", CLAIMS_RFC));
        }
        out
    }

    /// The payload exactly as in the token (JWS; empty for JWE).
    #[must_use]
    pub fn payload_b64(&self) -> &str {
        self.signatures.first().map_or("", JwsSignature::payload_segment)
    }

    /// The payload as text when it is UTF-8.
    #[must_use]
    pub fn payload_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.payload).ok()
    }
}

/// Parses a JSON text as a token's JSON is parsed: strict (RFC 8259), at most
/// [`MAX_JSON_DEPTH`] deep, and with every duplicate member name recorded as a path (`exp`,
/// `event.at`), which `serde_json` alone silently resolves to the last value. For other JSON
/// the app reads (scenario files).
///
/// # Errors
/// [`Error::JsonText`]: where and why the text is not strict JSON (`"trailing comma at byte 40
/// (character 41)"`); [`Error::JsonTextTooDeep`] past the nesting limit.
pub fn parse_json_text(text: &[u8]) -> Result<(Value, Duplicates)> {
    json::parse_value(text).map_err(|b| {
        if b.too_deep {
            Error::JsonTextTooDeep { limit: MAX_JSON_DEPTH }
        } else {
            Error::JsonText { reason: b.reason, position: json::position(text, b.offset) }
        }
    })
}

/// Strips what people paste around a token: whitespace and newlines, a whole
/// `Authorization:` header line, a `Bearer` scheme, and one pair of surrounding quotes.
///
/// Returns the cleaned text and its byte offset in `raw`.
#[must_use]
pub fn clean_input(raw: &str) -> (&str, usize) {
    let mut s = raw.trim();
    if let Some(rest) = strip_prefix_ignore_case(s, "authorization:") {
        s = rest.trim_start();
    }
    if let Some(rest) = strip_prefix_ignore_case(s, "bearer") {
        // Only a scheme when followed by whitespace: "bearer" alone is not a token anyway.
        if rest.is_empty() || rest.starts_with(char::is_whitespace) {
            s = rest.trim_start();
        }
    }
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        s = s[1..s.len() - 1].trim();
    }
    let offset = s.as_ptr() as usize - raw.as_ptr() as usize;
    (s, offset)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// Parses a token in any supported form. See the module docs for what is accepted.
///
/// # Errors
/// [`Error`] naming the segment and byte offset when the input is not a token.
pub fn parse(raw: &str) -> Result<Token> {
    if raw.len() > MAX_TOKEN_BYTES {
        return Err(Error::TooLarge { size: raw.len(), limit: MAX_TOKEN_BYTES });
    }
    let (text, offset) = clean_input(raw);
    if text.is_empty() {
        return Err(Error::Empty);
    }
    let mut token = if text.starts_with('{') { parse_json_serialization(text)? } else { parse_compact(text)? };
    token.offset_in_input = offset;
    Ok(token)
}

fn parse_compact(text: &str) -> Result<Token> {
    let dots: Vec<usize> = text.match_indices('.').map(|(i, _)| i).collect();
    let mut bounds = Vec::with_capacity(dots.len() + 2);
    bounds.push(0);
    bounds.extend(dots.iter().map(|d| d + 1));
    let segment = |i: usize| -> Range<usize> {
        let start = bounds[i];
        let end = dots.get(i).copied().unwrap_or(text.len());
        start..end
    };
    match dots.len() + 1 {
        3 => parse_compact_jws(text, [segment(0), segment(1), segment(2)]),
        5 => parse_compact_jwe(text, &[segment(0), segment(1), segment(2), segment(3), segment(4)]),
        found => Err(Error::SegmentCount { found }),
    }
}

fn parse_compact_jws(text: &str, seg: [Range<usize>; 3]) -> Result<Token> {
    let [h, p, s] = seg;
    let (header, duplicates) = decode_object(text, h.clone(), Part::Header)?;
    // RFC 7797: with "b64": false the payload travels unencoded.
    let unencoded = member(&header, "b64") == Some(&Value::Bool(false));
    let payload =
        if unencoded { text[p.clone()].as_bytes().to_vec() } else { b64_decode(text, p.clone(), Part::Payload)? };
    let signature = b64_decode(text, s.clone(), Part::Signature)?;
    let spans = vec![
        Span { part: Part::Header, range: h.clone() },
        Span { part: Part::Payload, range: p.clone() },
        Span { part: Part::Signature, range: s.clone() },
    ];
    let notes = duplicates.messages("header", HEADER_RFC);
    let sig = JwsSignature {
        header,
        unprotected: None,
        signature_b64: text[s].to_owned(),
        signature,
        duplicates,
        input: SigningInput::Joined { bytes: text.as_bytes()[h.start..p.end].to_vec(), protected_len: h.len() },
    };
    Ok(Token {
        text: text.to_owned(),
        offset_in_input: 0,
        kind: Kind::Jws,
        serialization: Serialization::Compact,
        jwe_header: JsonObject::new(),
        signatures: vec![sig],
        payload,
        claims: OnceLock::new(),
        notes,
        jwe: None,
        spans,
    })
}

fn parse_compact_jwe(text: &str, seg: &[Range<usize>; 5]) -> Result<Token> {
    let (header, duplicates) = decode_object(text, seg[0].clone(), Part::Header)?;
    let parts = [Part::Header, Part::EncryptedKey, Part::Iv, Part::Ciphertext, Part::Tag];
    let mut lens = [0usize; 5];
    for (i, part) in parts.iter().enumerate().skip(1) {
        // Validate the encoding of every part so a damaged token is reported precisely.
        lens[i] = b64_decode(text, seg[i].clone(), *part)?.len();
    }
    let spans = parts.iter().zip(seg.iter()).map(|(p, r)| Span { part: *p, range: r.clone() }).collect();
    Ok(Token {
        text: text.to_owned(),
        offset_in_input: 0,
        kind: Kind::Jwe,
        serialization: Serialization::Compact,
        jwe_header: header.clone(),
        signatures: Vec::new(),
        payload: Vec::new(),
        claims: OnceLock::from(Err(PayloadProblem::Encrypted)),
        notes: duplicates.messages("header", HEADER_RFC),
        jwe: Some(JweParts {
            encrypted_key_len: lens[1],
            iv_len: lens[2],
            ciphertext_len: lens[3],
            tag_len: lens[4],
            recipients: vec![header],
        }),
        spans,
    })
}

fn parse_json_serialization(text: &str) -> Result<Token> {
    let (value, outer_duplicates) = parse_json(text.as_bytes(), Part::Header)?;
    let Value::Object(obj) = value else {
        return Err(Error::JsonSerialization("the top level is not an object".into()));
    };
    let mut notes = outer_duplicates.messages("JWS JSON serialization", "RFC 7515 §7.2");
    if obj.contains_key("ciphertext") {
        return parse_json_jwe(text, &obj, notes);
    }
    let payload_segment: Arc<str> = obj
        .get("payload")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::JsonSerialization("missing string member \"payload\"".into()))?
        .into();
    let (serialization, entries): (Serialization, Vec<&JsonObject>) =
        match (obj.get("signatures"), obj.get("signature")) {
            (Some(Value::Array(list)), None) => {
                let entries = list
                    .iter()
                    .map(|v| {
                        v.as_object().ok_or_else(|| {
                            Error::JsonSerialization("each \"signatures\" entry must be an object".into())
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                if entries.is_empty() {
                    return Err(Error::JsonSerialization("\"signatures\" is empty".into()));
                }
                (Serialization::JsonGeneral, entries)
            }
            (None, Some(Value::String(_))) => (Serialization::JsonFlattened, vec![&obj]),
            _ => {
                return Err(Error::JsonSerialization(
                    "needs either a \"signatures\" array or a \"signature\" string (RFC 7515 §7.2)".into(),
                ));
            }
        };
    let count = entries.len();
    let mut signatures = Vec::with_capacity(count);
    for (i, entry) in entries.into_iter().enumerate() {
        let protected = entry.get("protected").and_then(Value::as_str).unwrap_or("").to_owned();
        let (header, duplicates) = if protected.is_empty() {
            (JsonObject::new(), Duplicates::default())
        } else {
            let bytes = b64_decode_str(&protected, Part::Header)?;
            let (value, dups) = parse_json(&bytes, Part::Header)?;
            (as_object(value, Part::Header)?, dups)
        };
        let place = if count > 1 { format!("header of signature {}", i + 1) } else { "header".to_owned() };
        notes.extend(duplicates.messages(&place, HEADER_RFC));
        let unprotected = match entry.get("header") {
            None => None,
            Some(Value::Object(m)) => Some(m.clone()),
            Some(_) => return Err(Error::JsonSerialization("\"header\" must be an object".into())),
        };
        let signature_b64 = entry
            .get("signature")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::JsonSerialization("a signature entry lacks \"signature\"".into()))?
            .to_owned();
        let signature = b64_decode_str(&signature_b64, Part::Signature)?;
        signatures.push(JwsSignature {
            header,
            unprotected,
            signature_b64,
            signature,
            duplicates,
            input: SigningInput::Shared { protected, payload: Arc::clone(&payload_segment), joined: OnceLock::new() },
        });
    }
    // RFC 7797 §3: "b64" must be the same in every signature's header; false means the payload
    // member is the payload itself, not its base64url.
    let unencoded = |sig: &JwsSignature| member(&sig.header, "b64") == Some(&Value::Bool(false));
    let first_unencoded = signatures.first().is_some_and(unencoded);
    if signatures.iter().any(|s| unencoded(s) != first_unencoded) {
        return Err(Error::JsonSerialization("the signatures disagree on \"b64\" (RFC 7797 §3)".into()));
    }
    let payload = if first_unencoded {
        payload_segment.as_bytes().to_vec()
    } else {
        b64_decode_str(&payload_segment, Part::Payload)?
    };
    Ok(Token {
        text: text.to_owned(),
        offset_in_input: 0,
        kind: Kind::Jws,
        serialization,
        jwe_header: JsonObject::new(),
        signatures,
        payload,
        claims: OnceLock::new(),
        notes,
        jwe: None,
        spans: Vec::new(),
    })
}

fn parse_json_jwe(text: &str, obj: &JsonObject, mut notes: Vec<String>) -> Result<Token> {
    let protected = obj.get("protected").and_then(Value::as_str).unwrap_or("");
    let protected = if protected.is_empty() {
        JsonObject::new()
    } else {
        let (value, duplicates) = parse_json(&b64_decode_str(protected, Part::Header)?, Part::Header)?;
        notes.extend(duplicates.messages("header", HEADER_RFC));
        as_object(value, Part::Header)?
    };
    let len_of = |obj: &JsonObject, name: &str, part: Part| -> Result<usize> {
        obj.get(name).and_then(Value::as_str).map_or(Ok(0), |s| Ok(b64_decode_str(s, part)?.len()))
    };
    let serialization =
        if obj.contains_key("recipients") { Serialization::JsonGeneral } else { Serialization::JsonFlattened };
    // Each recipient's header: protected, shared and its own members (RFC 7516 §7.2.1), so the
    // header shown and judged holds the `alg` and `kid` a general JSON JWE puts per recipient.
    let shared = obj.get("unprotected").and_then(Value::as_object);
    let entries: Vec<&JsonObject> = match obj.get("recipients") {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_object).collect(),
        _ => vec![obj],
    };
    let recipients: Vec<JsonObject> = entries
        .iter()
        .take(crate::core::engine::limits::MAX_RECIPIENTS)
        .map(|entry| {
            let mut merged = protected.clone();
            for part in [shared, entry.get("header").and_then(Value::as_object)].into_iter().flatten() {
                for (name, value) in part {
                    merged.entry(name.clone()).or_insert_with(|| value.clone());
                }
            }
            merged
        })
        .collect();
    if recipients.len() > 1 {
        let listed: Vec<String> = recipients
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let alg = h.get("alg").and_then(Value::as_str).unwrap_or("no alg");
                let kid = h.get("kid").and_then(Value::as_str).map_or_else(String::new, |k| format!(" kid {k:?}"));
                format!("#{} {alg}{kid}", i + 1)
            })
            .collect();
        notes.push(format!(
            "{} recipients ({}); the header shown is recipient #1's, each recipient's key opens it",
            entries.len(),
            listed.join(", ")
        ));
    }
    let first_entry = entries.first().copied().unwrap_or(obj);
    Ok(Token {
        text: text.to_owned(),
        offset_in_input: 0,
        kind: Kind::Jwe,
        serialization,
        jwe_header: recipients.first().cloned().unwrap_or(protected),
        signatures: Vec::new(),
        payload: Vec::new(),
        claims: OnceLock::from(Err(PayloadProblem::Encrypted)),
        notes,
        jwe: Some(JweParts {
            encrypted_key_len: len_of(first_entry, "encrypted_key", Part::EncryptedKey)?,
            iv_len: len_of(obj, "iv", Part::Iv)?,
            ciphertext_len: len_of(obj, "ciphertext", Part::Ciphertext)?,
            tag_len: len_of(obj, "tag", Part::Tag)?,
            recipients,
        }),
        spans: Vec::new(),
    })
}

/// The rule behind header duplicate warnings.
const HEADER_RFC: &str = "RFC 7515 §4";

/// The rule behind claims duplicate warnings.
const CLAIMS_RFC: &str = "RFC 7519 §4";

#[cfg(test)]
mod tests {
    use super::*;

    const JWT_IO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30";

    #[test]
    fn parses_compact_jws_in_token_order() {
        let t = parse(JWT_IO).unwrap();
        assert_eq!(t.kind, Kind::Jws);
        assert_eq!(t.alg(), Some("HS256"));
        let claims = t.claims().unwrap();
        let keys: Vec<&str> = claims.keys().map(String::as_str).collect();
        assert_eq!(keys, ["sub", "name", "admin", "iat"]);
        assert_eq!(t.spans.len(), 3);
        assert_eq!(&t.text[t.spans[2].range.clone()], "KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30");
        assert_eq!(t.signatures[0].signature.len(), 32);
    }

    #[test]
    fn segments_are_exposed_exactly_as_in_the_token() {
        let t = parse(JWT_IO).unwrap();
        let parts: Vec<&str> = JWT_IO.split('.').collect();
        assert_eq!(t.signatures[0].protected_b64(), parts[0]);
        assert_eq!(t.payload_b64(), parts[1]);
        assert_eq!(t.signatures[0].signature_b64, parts[2]);
    }

    #[test]
    fn accepts_bearer_and_authorization_header() {
        let line = format!("  Authorization: Bearer {JWT_IO}\r\n");
        let t = parse(&line).unwrap();
        assert_eq!(t.text, JWT_IO);
        assert_eq!(&line[t.offset_in_input..t.offset_in_input + 5], "eyJhb");
        assert_eq!(parse(&format!("bearer\t{JWT_IO}")).unwrap().text, JWT_IO);
        assert_eq!(parse(&format!("\"{JWT_IO}\"")).unwrap().text, JWT_IO);
    }

    #[test]
    fn base64_errors_name_segment_and_offset() {
        let bad = JWT_IO.replacen("eyJzdWIi", "eyJz+WIi", 1);
        let err = parse(&bad).unwrap_err();
        match err {
            Error::Base64 { part, offset, ref reason } => {
                assert_eq!(part, Part::Payload);
                assert_eq!(&bad[offset..=offset], "+");
                assert!(reason.contains("base64url"), "{reason}");
            }
            other => panic!("unexpected {other:?}"),
        }
        let padded = format!("{JWT_IO}=");
        assert!(matches!(parse(&padded), Err(Error::Base64 { part: Part::Signature, .. })));
    }

    #[test]
    fn segment_count_errors() {
        assert_eq!(parse("abc.def").unwrap_err(), Error::SegmentCount { found: 2 });
        assert_eq!(parse("   ").unwrap_err(), Error::Empty);
        assert_eq!(parse("Bearer   ").unwrap_err(), Error::Empty);
    }

    #[test]
    fn deep_json_is_an_error_not_a_crash() {
        let deep = format!("{}1{}", "[".repeat(1000), "]".repeat(1000));
        let header = encode_b64url(format!("{{\"alg\":\"HS256\",\"x\":{deep}}}").as_bytes());
        let err = parse(&format!("{header}.e30.AA")).unwrap_err();
        assert_eq!(err, Error::TooDeep { part: Part::Header, limit: MAX_JSON_DEPTH });
    }

    #[test]
    fn header_must_be_an_object() {
        let h = encode_b64url(b"[1,2]");
        assert_eq!(
            parse(&format!("{h}.e30.AA")).unwrap_err(),
            Error::NotAnObject { part: Part::Header, found: "an array" }
        );
        let h = encode_b64url(b"{not json");
        assert!(matches!(parse(&format!("{h}.e30.AA")), Err(Error::Json { part: Part::Header, .. })));
    }

    #[test]
    fn non_json_payload_is_kept_with_a_note() {
        let t = parse("eyJhbGciOiJIUzI1NiJ9.Zm9v.AA").unwrap();
        assert!(t.claims().is_none());
        assert_eq!(t.payload, b"foo");
        assert!(t.payload_note().unwrap().contains("not a JSON object"));
    }

    #[test]
    fn jwe_header_is_decoded_and_rest_reported() {
        let h = encode_b64url(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#);
        let t = parse(&format!("{h}.AAAA.AAAAAAAAAAAAAAAA.AAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA")).unwrap();
        assert_eq!(t.kind, Kind::Jwe);
        assert_eq!(t.header()["enc"], "A256GCM");
        let parts = t.jwe.unwrap();
        assert_eq!((parts.encrypted_key_len, parts.iv_len, parts.tag_len), (3, 12, 16));
        assert_eq!(t.spans.len(), 5);
    }

    #[test]
    fn too_large_is_refused() {
        let big = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert!(matches!(parse(&big), Err(Error::TooLarge { .. })));
    }

    #[test]
    fn json_serialization_with_an_unencoded_payload() {
        let protected = encode_b64url(br#"{"alg":"HS256","b64":false,"crit":["b64"]}"#);
        let flat = format!(r#"{{"payload":"$.02","protected":"{protected}","signature":"AA"}}"#);
        let t = parse(&flat).unwrap();
        assert_eq!(t.payload, b"$.02");
        assert_eq!(t.signatures[0].signing_input(), format!("{protected}.$.02").as_bytes());
        let plain = encode_b64url(br#"{"alg":"HS256"}"#);
        let mixed = format!(
            r#"{{"payload":"$.02","signatures":[{{"protected":"{protected}","signature":"AA"}},{{"protected":"{plain}","signature":"AA"}}]}}"#
        );
        assert!(matches!(parse(&mixed), Err(Error::JsonSerialization(m)) if m.contains("b64")));
    }

    #[test]
    fn json_signatures_share_one_payload() {
        let payload = encode_b64url(&vec![b'x'; 100_000]);
        let sigs: Vec<String> =
            (0..50).map(|_| r#"{"protected":"eyJhbGciOiJIUzI1NiJ9","signature":"AA"}"#.to_owned()).collect();
        let t = parse(&format!(r#"{{"payload":"{payload}","signatures":[{}]}}"#, sigs.join(","))).unwrap();
        assert!(t.signatures.iter().all(|s| s.payload_segment().len() == payload.len()));
        // Joined only when asked: one signature judged, one copy.
        assert!(t.signatures[0].signing_input().ends_with(payload.as_bytes()));
    }

    #[test]
    fn json_serialization_general_and_flattened() {
        let general = r#"{"payload":"Zm9v","signatures":[{"protected":"eyJhbGciOiJIUzI1NiJ9","header":{"kid":"k"},"signature":"AA"}]}"#;
        let t = parse(general).unwrap();
        assert_eq!(t.serialization, Serialization::JsonGeneral);
        assert_eq!(t.signatures[0].signing_input(), b"eyJhbGciOiJIUzI1NiJ9.Zm9v");
        assert_eq!(t.signatures[0].unprotected.as_ref().unwrap()["kid"], "k");
        let flat = r#"{"payload":"Zm9v","protected":"eyJhbGciOiJIUzI1NiJ9","signature":"AA"}"#;
        assert_eq!(parse(flat).unwrap().serialization, Serialization::JsonFlattened);
        assert!(matches!(parse(r#"{"payload":"Zm9v"}"#), Err(Error::JsonSerialization(_))));
    }
}
