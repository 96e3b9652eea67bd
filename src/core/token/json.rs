//! JSON segments: parsing with the depth limit turned into a precise error, and objects only.

use std::ops::Range;

use serde_json::Value;

use super::base64::b64_decode;
use super::claims::json_type;
use super::{JsonObject, MAX_JSON_DEPTH, Part};
use crate::core::error::{Error, Result};

pub(super) fn decode_object(text: &str, range: Range<usize>, part: Part) -> Result<JsonObject> {
    if range.is_empty() {
        return Err(Error::EmptySegment { part });
    }
    let bytes = b64_decode(text, range, part)?;
    as_object(parse_json(&bytes, part)?, part)
}

pub(super) fn as_object(value: Value, part: Part) -> Result<JsonObject> {
    match value {
        Value::Object(m) => Ok(m),
        other => Err(Error::NotAnObject { part, found: json_type(&other) }),
    }
}

/// Parses JSON, turning `serde_json`'s recursion-limit error into [`Error::TooDeep`].
pub(super) fn parse_json(bytes: &[u8], part: Part) -> Result<Value> {
    serde_json::from_slice(bytes).map_err(|e| {
        let msg = e.to_string();
        if msg.contains("recursion limit") {
            Error::TooDeep { part, limit: MAX_JSON_DEPTH }
        } else {
            Error::Json { part, reason: msg }
        }
    })
}
