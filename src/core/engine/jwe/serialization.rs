//! The three JWE serializations (RFC 7516 §7): compact, flattened JSON and general JSON with
//! several recipients, read into one shape, and the header merging of RFC 7516 §7.2.1 (the
//! protected header, the shared `unprotected` header and a recipient's `header` must not name
//! the same member twice).

use serde_json::Value;

use super::JweError;
use crate::core::engine::limits;
use crate::core::engine::token::{JsonObject, decode_b64url, parse_json_text};

/// A parsed JWE, whatever serialization it came in.
pub(super) struct Jwe {
    /// The protected header exactly as encoded: it is the AAD's first part (RFC 7516 §5.2
    /// step 14), so it is kept as given, never re-encoded.
    pub protected_b64: String,
    /// The decoded protected header (empty when there is none).
    pub protected: JsonObject,
    /// The shared unprotected header (`unprotected`).
    pub unprotected: Option<JsonObject>,
    /// The `aad` member as encoded (JSON serializations only).
    pub aad_b64: Option<String>,
    /// Initialization vector.
    pub iv: Vec<u8>,
    /// Ciphertext.
    pub ciphertext: Vec<u8>,
    /// Authentication tag.
    pub tag: Vec<u8>,
    /// One entry per recipient (one for compact and flattened).
    pub recipients: Vec<Recipient>,
}

/// One recipient: its own unprotected header and its encrypted key.
pub(super) struct Recipient {
    /// The per-recipient `header`.
    pub header: Option<JsonObject>,
    /// The JWE Encrypted Key (empty for `dir` and `ECDH-ES`).
    pub encrypted_key: Vec<u8>,
}

impl Jwe {
    /// The Additional Authenticated Data of RFC 7516 §5.1 step 14: the protected header as
    /// encoded, then `.` and the `aad` member when there is one.
    pub fn aad(&self) -> Vec<u8> {
        let mut aad = self.protected_b64.as_bytes().to_vec();
        if let Some(extra) = &self.aad_b64 {
            aad.push(b'.');
            aad.extend_from_slice(extra.as_bytes());
        }
        aad
    }

    /// The header that applies to recipient `index`: the union of the protected header, the
    /// shared unprotected header and the recipient's header.
    ///
    /// # Errors
    /// [`JweError::Malformed`] when a member appears in two of them (RFC 7516 §7.2.1).
    pub fn merged_header(&self, index: usize) -> Result<JsonObject, JweError> {
        let mut merged = self.protected.clone();
        let parts = [
            ("the shared \"unprotected\" header", self.unprotected.as_ref()),
            ("the recipient's \"header\"", self.recipients.get(index).and_then(|r| r.header.as_ref())),
        ];
        for (where_, part) in parts {
            for (name, value) in part.into_iter().flatten() {
                if merged.contains_key(name) {
                    return Err(JweError::Malformed {
                        at: recipient_place(index),
                        reason: format!(
                            "header member {name:?} in {where_} is also in another header; RFC 7516 §7.2.1 requires \
                             the headers to be disjoint"
                        ),
                    });
                }
                merged.insert(name.clone(), value.clone());
            }
        }
        Ok(merged)
    }
}

/// "recipient #N" in messages, counted from 1 as the CLI counts keys.
pub(super) fn recipient_place(index: usize) -> String {
    format!("recipient #{}", index + 1)
}

/// Reads a JWE in any serialization: JSON when it starts with `{`, compact otherwise.
///
/// # Errors
/// [`JweError::Malformed`] naming the segment or member that is wrong;
/// [`JweError::InputTooLarge`] and [`JweError::TooManyRecipients`] past the limits.
pub(super) fn parse(input: &str) -> Result<Jwe, JweError> {
    // The bounds every reader of a JWE keeps, here once: its size, and (in `parse_json`) its
    // recipients, refused before each is read.
    if input.len() > limits::MAX_INPUT_BYTES {
        return Err(JweError::InputTooLarge { size: input.len(), limit: limits::MAX_INPUT_BYTES });
    }
    let text = input.trim();
    if text.starts_with('{') { parse_json(text) } else { parse_compact(text) }
}

fn malformed(at: &str, reason: impl Into<String>) -> JweError {
    JweError::Malformed { at: at.to_owned(), reason: reason.into() }
}

fn b64(at: &str, s: &str) -> Result<Vec<u8>, JweError> {
    decode_b64url(s).map_err(|(pos, why)| malformed(at, format!("not base64url at character {pos}: {why}")))
}

fn header_object(at: &str, bytes: &[u8]) -> Result<JsonObject, JweError> {
    let (value, duplicates) = parse_json_text(bytes).map_err(|e| malformed(at, format!("not JSON: {e}")))?;
    if let Some(name) = duplicates.shown.first() {
        return Err(malformed(at, format!("member {name:?} appears twice")));
    }
    match value {
        Value::Object(obj) => Ok(obj),
        _ => Err(malformed(at, "not a JSON object")),
    }
}

fn parse_compact(text: &str) -> Result<Jwe, JweError> {
    let segments: Vec<&str> = text.split('.').collect();
    let [protected_b64, encrypted_key, iv, ciphertext, tag] = segments.as_slice() else {
        return Err(malformed(
            "the compact serialization",
            format!("a compact JWE has 5 segments separated by '.', this has {}", segments.len()),
        ));
    };
    if protected_b64.is_empty() {
        return Err(malformed("the protected header (segment 1)", "empty; a compact JWE needs one"));
    }
    let protected =
        header_object("the protected header (segment 1)", &b64("the protected header (segment 1)", protected_b64)?)?;
    Ok(Jwe {
        protected_b64: (*protected_b64).to_owned(),
        protected,
        unprotected: None,
        aad_b64: None,
        iv: b64("the IV (segment 3)", iv)?,
        ciphertext: b64("the ciphertext (segment 4)", ciphertext)?,
        tag: b64("the tag (segment 5)", tag)?,
        recipients: vec![Recipient {
            header: None,
            encrypted_key: b64("the encrypted key (segment 2)", encrypted_key)?,
        }],
    })
}

fn member_str<'a>(obj: &'a JsonObject, name: &str, at: &str) -> Result<Option<&'a str>, JweError> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(malformed(at, format!("member {name:?} must be a string"))),
    }
}

fn member_bytes(obj: &JsonObject, name: &str, at: &str) -> Result<Vec<u8>, JweError> {
    match member_str(obj, name, at)? {
        Some(s) => b64(&format!("member {name:?} of {at}"), s),
        None => Ok(Vec::new()),
    }
}

fn member_object(obj: &JsonObject, name: &str, at: &str) -> Result<Option<JsonObject>, JweError> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o.clone())),
        Some(_) => Err(malformed(at, format!("member {name:?} must be a JSON object"))),
    }
}

fn parse_json(text: &str) -> Result<Jwe, JweError> {
    const AT: &str = "the JSON serialization";
    let (value, duplicates) = parse_json_text(text.as_bytes()).map_err(|e| malformed(AT, format!("not JSON: {e}")))?;
    if let Some(name) = duplicates.shown.first() {
        return Err(malformed(AT, format!("member {name:?} appears twice")));
    }
    let Value::Object(obj) = value else {
        return Err(malformed(AT, "not a JSON object"));
    };
    if !obj.contains_key("ciphertext") {
        return Err(malformed(AT, "no \"ciphertext\" member: not a JWE (RFC 7516 §7.2.1)"));
    }
    let protected_b64 = member_str(&obj, "protected", AT)?.unwrap_or_default().to_owned();
    let protected = if protected_b64.is_empty() {
        JsonObject::new()
    } else {
        header_object("the \"protected\" header", &b64("the \"protected\" header", &protected_b64)?)?
    };
    let recipients = match obj.get("recipients") {
        Some(Value::Array(list)) => {
            if obj.contains_key("encrypted_key") || obj.contains_key("header") {
                return Err(malformed(
                    AT,
                    "both \"recipients\" (general) and a top-level \"header\" or \"encrypted_key\" (flattened)",
                ));
            }
            if list.is_empty() {
                return Err(malformed(AT, "\"recipients\" is empty"));
            }
            // Refused before each recipient is read (a 9 MB JWE held 377,487 of them).
            if list.len() > limits::MAX_RECIPIENTS {
                return Err(JweError::TooManyRecipients { count: list.len(), limit: limits::MAX_RECIPIENTS });
            }
            list.iter()
                .enumerate()
                .map(|(i, r)| {
                    let at = recipient_place(i);
                    let Value::Object(r) = r else {
                        return Err(malformed(&at, "not a JSON object"));
                    };
                    Ok(Recipient {
                        header: member_object(r, "header", &at)?,
                        encrypted_key: member_bytes(r, "encrypted_key", &at)?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?
        }
        Some(_) => return Err(malformed(AT, "member \"recipients\" must be an array")),
        None => vec![Recipient {
            header: member_object(&obj, "header", AT)?,
            encrypted_key: member_bytes(&obj, "encrypted_key", AT)?,
        }],
    };
    let aad_b64 = member_str(&obj, "aad", AT)?.map(str::to_owned);
    if let Some(aad) = &aad_b64 {
        // Authenticated as written, but it must be base64url (RFC 7516 §7.2.1).
        b64("the \"aad\" member", aad)?;
    }
    Ok(Jwe {
        protected_b64,
        protected,
        unprotected: member_object(&obj, "unprotected", AT)?,
        aad_b64,
        iv: member_bytes(&obj, "iv", AT)?,
        ciphertext: member_bytes(&obj, "ciphertext", AT)?,
        tag: member_bytes(&obj, "tag", AT)?,
        recipients,
    })
}
