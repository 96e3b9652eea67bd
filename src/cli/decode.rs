//! `tokenbench decode`: header, claims with human times, and signature, as text or JSON.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{out, out_json, read_token_arg};
use crate::core::engine::clock::{format_relative, format_utc, system_now};
use crate::core::engine::error::Error;
use crate::core::engine::token::{self, Kind, Token};
use crate::core::text;

pub(super) fn decode(arg: &str, as_json: bool) -> Result<u8, Error> {
    let token = token::parse(&read_token_arg(arg)?)?;
    let now = system_now();
    if as_json {
        out_json(&decoded_json(&token, now));
        return Ok(0);
    }
    out(&decoded_text(&token, now));
    Ok(0)
}

const TIME_CLAIMS: [&str; 3] = ["exp", "nbf", "iat"];

fn times_json(claims: &token::JsonObject, now: f64) -> Value {
    let mut times = serde_json::Map::new();
    for name in TIME_CLAIMS {
        if let Ok(Some(t)) = token::numeric_date(claims, name) {
            times.insert(name.into(), json!({"unix": t, "utc": format_utc(t), "relative": format_relative(t, now)}));
        }
    }
    Value::Object(times)
}

/// The `decode --json` object: header and claims exactly as in the token.
#[must_use]
pub fn decoded_json(token: &Token, now: f64) -> Value {
    let mut obj = serde_json::Map::new();
    obj.insert("type".into(), json!(token.kind));
    obj.insert("serialization".into(), json!(token.serialization));
    obj.insert("header".into(), Value::Object(token.header().clone()));
    if token.kind == Kind::Jwe {
        obj.insert("encrypted".into(), json!(token.jwe));
        obj.insert("note".into(), json!(token.payload_note()));
        return Value::Object(obj);
    }
    obj.insert("claims".into(), token.claims().cloned().map_or(Value::Null, Value::Object));
    obj.insert("payload".into(), json!(token.payload_b64()));
    if let Some(note) = token.payload_note() {
        obj.insert("payload_note".into(), json!(note));
        if let Some(text) = token.payload_text() {
            obj.insert("payload_text".into(), json!(text));
        }
    }
    obj.insert("signature".into(), json!(token.signatures.first().map_or("", |s| s.signature_b64.as_str())));
    if token.signatures.len() > 1 || token.signatures.first().is_some_and(|s| s.unprotected.is_some()) {
        let sigs: Vec<Value> = token
            .signatures
            .iter()
            .map(|s| json!({"header": s.header, "unprotected": s.unprotected, "signature": s.signature_b64}))
            .collect();
        obj.insert("signatures".into(), Value::Array(sigs));
    }
    if let Some(claims) = token.claims() {
        obj.insert("times".into(), times_json(claims, now));
    }
    obj.insert("warnings".into(), json!(token.warnings()));
    Value::Object(obj)
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// Pretty JSON of the claims with a human time after each top-level NumericDate.
fn claims_with_times(claims: &token::JsonObject, now: f64) -> String {
    if claims.is_empty() {
        return "{}".into();
    }
    let mut s = String::from("{\n");
    let last = claims.len() - 1;
    for (i, (k, v)) in claims.iter().enumerate() {
        let value = pretty(v).replace('\n', "\n  ");
        let comma = if i == last { "" } else { "," };
        let _ = write!(s, "  {}: {value}{comma}", Value::String(k.clone()));
        if TIME_CLAIMS.contains(&k.as_str())
            && let Some(t) = v.as_f64()
        {
            let _ = write!(s, "    // {} ({})", format_utc(t), format_relative(t, now));
        }
        s.push('\n');
    }
    s.push('}');
    s
}

fn decoded_text(token: &Token, now: f64) -> String {
    let mut s = String::new();
    let form = match token.serialization {
        token::Serialization::Compact => "compact",
        token::Serialization::JsonFlattened => "JSON (flattened)",
        token::Serialization::JsonGeneral => "JSON (general)",
    };
    let kind = match token.kind {
        Kind::Jws => "JWS",
        Kind::Jwe => "JWE",
    };
    let _ = write!(s, "{kind}, {form} serialization, alg {}\n\n", token.alg().unwrap_or("(none given)"));
    s.push_str("Header\n");
    s.push_str(&pretty(&Value::Object(token.header().clone())));
    s.push_str("\n\n");
    if let Some(jwe) = &token.jwe {
        let _ = write!(
            s,
            "Encrypted content\n  {}\n  encrypted key {} bytes, IV {} bytes, ciphertext {} bytes, tag {} bytes\n",
            token.payload_note().unwrap_or(""),
            jwe.encrypted_key_len,
            jwe.iv_len,
            jwe.ciphertext_len,
            jwe.tag_len
        );
        warnings_text(&mut s, token);
        return s;
    }
    if let Some(claims) = token.claims() {
        s.push_str("Claims\n");
        s.push_str(&claims_with_times(claims, now));
    } else {
        {
            let _ = writeln!(s, "Payload ({} bytes)", token.payload.len());
            let _ = writeln!(s, "  {}", token.payload_note().unwrap_or(""));
            match token.payload_text() {
                Some(text) => {
                    // Token content is attacker-controlled: never let it drive the terminal.
                    let _ = write!(s, "  {}", text::visible(text));
                }
                None => {
                    let _ = write!(s, "  base64url: {}", token.payload_b64());
                }
            }
        }
    }
    s.push_str("\n\n");
    for (i, sig) in token.signatures.iter().enumerate() {
        let title = if token.signatures.len() > 1 { format!("Signature {}", i + 1) } else { "Signature".to_owned() };
        let _ = writeln!(s, "{title} ({} bytes)\n  {}", sig.signature.len(), sig.signature_b64);
        if let Some(u) = &sig.unprotected {
            let _ = writeln!(s, "  unprotected header: {}", Value::Object(u.clone()));
        }
    }
    warnings_text(&mut s, token);
    s
}

/// Duplicate members and other parse notes, one line each.
fn warnings_text(s: &mut String, token: &Token) {
    let warnings = token.warnings();
    if warnings.is_empty() {
        return;
    }
    s.push_str("\nWarnings\n");
    for w in &warnings {
        let _ = writeln!(s, "  - {}", text::visible(w));
    }
}
