//! `tokenbench decrypt`: opens a JWE (compact, flattened or general JSON) with the loaded keys
//! or a PBES2 password, prints which key opened it and the plaintext, and judges a JWS
//! plaintext (a nested JWT) with the same keys, as `verify` would.
//!
//! Exit 0: decrypted (and a nested JWS, if any, is valid). Exit 1: no loaded key opens it, it
//! was tampered with, or its nested JWS is invalid. Exit 2: the input is not a usable JWE (a JWS,
//! malformed, an algorithm not implemented, over a limit) or a key cannot be read.

use std::fmt::Write as _;

use clap::Args;
use serde_json::{Value, json};

use super::key_args::KeyArgs;
use super::{judgment_json, judgment_text, out, out_json, read_token_arg, say};
use crate::core::engine::clock::system_now;
use crate::core::engine::error::Error;
use crate::core::engine::judgment::{self, Judgment};
use crate::core::engine::jwe::inner::{self, Inner, Opened};
use crate::core::engine::jwe::{self, Decrypted, JweError};
use crate::core::engine::keys::Key;
use crate::core::engine::token::{self, Kind, encode_b64url};
use crate::core::engine::verify::Policy;
use crate::core::engine::{audit::TokenAuditOptions, limits};
use crate::core::text;

/// Arguments of `tokenbench decrypt`.
#[derive(Debug, Args)]
pub struct DecryptArgs {
    /// The keys that may open it (private RSA, EC or X25519 keys; AES keys as `oct` JWKs or
    /// secrets) and that verify a nested JWS.
    #[command(flatten)]
    pub key: KeyArgs,
    /// The password of a PBES2 recipient (kept in memory only).
    #[arg(long, value_name = "TEXT")]
    pub password: Option<String>,
    /// Judge a nested JWT's time claims at this instant (Unix seconds); default: now.
    #[arg(long, value_name = "UNIX_SECONDS", value_parser = limits::parse_instant, allow_hyphen_values = true)]
    pub at: Option<f64>,
    /// The issuer a nested JWT must name (`iss`).
    #[arg(long, value_name = "ISS")]
    pub iss: Option<String>,
    /// An audience a nested JWT must name; repeat for several.
    #[arg(long = "aud", value_name = "AUD")]
    pub aud: Vec<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// The JWE, `-` for stdin, or `@FILE`.
    pub token: String,
}

pub(super) fn decrypt_cmd(args: &DecryptArgs) -> Result<u8, Error> {
    let input = read_token_arg(&args.token)?;
    // As decode reads it: a `Bearer ` or `Authorization:` prefix, quotes and spaces go.
    let input = token::clean_input(&input).0.to_owned();
    // Read once: a JWS is refused here, a JWE's header is judged with a nested JWT below.
    let outer = token::parse(&input).ok();
    if outer.as_ref().is_some_and(|t| t.kind == Kind::Jws) {
        return Err(Error::JweInput(
            "the token is a JWS (signed, not encrypted): nothing to decrypt; `tokenbench verify` checks it".into(),
        ));
    }
    let keys = args.key.load()?;
    let password = args.password.as_deref().map(str::as_bytes);
    if keys.is_empty() && password.is_none() {
        return Err(Error::JweInput(
            "no key given: --key FILE (a private key, or an oct JWK), --secret / --secret-base64 / --secret-file \
             (an AES key), or --password (PBES2)"
                .into(),
        ));
    }
    let opened = match inner::open(&input, &keys, password) {
        Ok(opened) => opened,
        Err(e) => return Ok(refused(&e, &input, &keys, password.is_some(), args.json)),
    };
    let nested = match opened.inner.jws() {
        Some(token) => {
            let policy = Policy { issuer: args.iss.clone(), audience: args.aud.clone(), ..Policy::default() };
            let now = args.at.unwrap_or_else(system_now);
            let opts = TokenAuditOptions { keys: &keys, now, ..TokenAuditOptions::default() };
            // With the JWE's own header findings (RSA1_5…).
            let judged = match &outer {
                Some(outer) => judgment::judge_nested(outer, token, &policy, &opts),
                None => judgment::judge(token, &policy, &opts),
            };
            // Only a wordlist file can fail to be read, and decrypt gives none.
            Some(judged.map_err(|e| Error::JweInput(e.to_string()))?)
        }
        None => None,
    };
    // An issuer or audience asked for, or a header saying JWT, over content nobody signed is
    // not a pass: exit 1, as for a nested JWT that fails.
    let unverified = opened.unverified(args.iss.is_some() || !args.aud.is_empty());
    let shown = Shown { opened: &opened, nested: nested.as_ref(), unverified: unverified.as_deref() };
    if args.json {
        out_json(&shown.json(&keys));
    } else {
        out(&shown.text(&keys, &input));
    }
    Ok(u8::from(!shown.valid()))
}

/// Prints why a JWE was not decrypted and returns the exit code: 1 when keys were applied and
/// none opened it (or none fits), 2 when the JWE itself is unusable. When keys were applied,
/// the message says which were tried on which recipient, from the metadata alone: the same
/// words whatever failed inside (no decryption oracle).
fn refused(e: &JweError, input: &str, keys: &[Key], password: bool, as_json: bool) -> u8 {
    let code = match e {
        JweError::CannotDecrypt | JweError::NoFittingKey { .. } | JweError::TooManyAttempts { .. } => 1,
        _ => 2,
    };
    let mut message = e.to_string();
    if matches!(e, JweError::CannotDecrypt)
        && let Ok(fit) = jwe::fitting(input, keys)
    {
        let _ = write!(message, ": tried {}", fit.tried(keys, password));
    }
    if as_json {
        out_json(&json!({ "decrypted": false, "verified": false, "error": message }));
    }
    say(&message);
    code
}

/// The label of the key (or the password) that opened it.
fn opener(decrypted: &Decrypted, keys: &[Key]) -> String {
    keys.get(decrypted.key_index)
        .map_or_else(|| "the --password".to_owned(), |key| inner::key_words(decrypted.key_index, key))
}

/// Everything `decrypt` reports about one opened JWE.
struct Shown<'a> {
    opened: &'a Opened,
    nested: Option<&'a Judgment>,
    unverified: Option<&'a str>,
}

impl Shown<'_> {
    /// What exit 0 says: decrypted, a nested JWT (if any) valid, and nothing expected of the
    /// plaintext that it is not.
    fn valid(&self) -> bool {
        self.unverified.is_none() && self.nested.is_none_or(|j| j.verification.valid)
    }

    fn json(&self, keys: &[Key]) -> Value {
        let d = &self.opened.decrypted;
        let mut obj = serde_json::Map::new();
        obj.insert("decrypted".into(), json!(true));
        // True only when a signature inside was verified: a script reading it never takes
        // content nobody signed for verified, whatever the exit code (0 for plain data).
        let verified = self.nested.is_some_and(|j| j.verification.valid) && self.unverified.is_none();
        obj.insert("verified".into(), json!(verified));
        if !verified {
            let why = match (self.unverified, self.nested) {
                (Some(why), _) => why.to_owned(),
                (None, Some(j)) => format!("the nested JWT is not valid: {}", j.title()),
                (None, None) => format!(
                    "the plaintext is {}, not a signed JWT: nothing in it says who made it",
                    self.opened.inner.described()
                ),
            };
            obj.insert("not_verified".into(), json!(why));
        }
        obj.insert("header".into(), Value::Object(d.protected_header.clone()));
        obj.insert("recipient_header".into(), Value::Object(d.header.clone()));
        obj.insert("recipient_index".into(), json!(d.recipient));
        obj.insert("key".into(), json!(opener(d, keys)));
        obj.insert("key_index".into(), if d.key_index < keys.len() { json!(d.key_index) } else { Value::Null });
        if !self.opened.layers.is_empty() {
            let layers: Vec<Value> = self
                .opened
                .layers
                .iter()
                .map(|l| json!({"header": l.header, "key_index": (l.key_index < keys.len()).then_some(l.key_index)}))
                .collect();
            obj.insert("inner_jwes".into(), Value::Array(layers));
        }
        obj.insert("plaintext_b64u".into(), json!(encode_b64url(&d.plaintext)));
        obj.insert("plaintext_kind".into(), json!(self.opened.inner.kind()));
        match &self.opened.inner {
            Inner::Json(object) => {
                obj.insert("plaintext_json".into(), Value::Object(object.clone()));
            }
            Inner::Text(text) => {
                obj.insert("plaintext_text".into(), json!(text));
            }
            _ => {}
        }
        if let Some(j) = self.nested {
            let mut nested = judgment_json(j, keys);
            if let (Some(n), Some(token)) = (nested.as_object_mut(), self.opened.inner.jws()) {
                n.insert("header".into(), Value::Object(token.header().clone()));
                n.insert("claims".into(), token.claims().cloned().map_or(Value::Null, Value::Object));
            }
            obj.insert("nested".into(), nested);
        }
        obj.insert("warnings".into(), json!(self.opened.warnings));
        Value::Object(obj)
    }

    fn text(&self, keys: &[Key], input: &str) -> String {
        let d = &self.opened.decrypted;
        let alg = d.header.get("alg").and_then(Value::as_str).unwrap_or("?");
        let enc = d.header.get("enc").and_then(Value::as_str).unwrap_or("?");
        let mut s = format!("DECRYPTED ({alg}, {enc}) with {}", opener(d, keys));
        if input.trim_start().starts_with('{') {
            let _ = write!(s, ", recipient #{}", d.recipient + 1);
        }
        s.push_str("\n\nProtected header\n");
        s.push_str(&serde_json::to_string_pretty(&d.protected_header).unwrap_or_default());
        if d.header != d.protected_header {
            s.push_str("\n\nHeader that applied (protected, shared and per-recipient members)\n");
            s.push_str(&serde_json::to_string_pretty(&d.header).unwrap_or_default());
        }
        for l in &self.opened.layers {
            let alg = l.header.get("alg").and_then(Value::as_str).unwrap_or("?");
            let enc = l.header.get("enc").and_then(Value::as_str).unwrap_or("?");
            let who = keys
                .get(l.key_index)
                .map_or_else(|| "the --password".to_owned(), |_| format!("key #{}", l.key_index + 1));
            let _ = write!(s, "\n\nThe plaintext was a JWE too: opened ({alg}, {enc}) with {who}\n");
            s.push_str(&serde_json::to_string_pretty(&l.header).unwrap_or_default());
        }
        let what = match &self.opened.inner {
            Inner::Jws(_) => "a JWS: a nested JWT, judged below",
            Inner::Jwe(_) => "another JWE: decrypt it again with its recipient's key",
            Inner::Json(_) => "a JSON object",
            Inner::Text(_) => "text",
            Inner::Binary => "bytes, shown as base64url",
        };
        let _ = write!(s, "\n\nPlaintext ({} bytes, {what})\n", d.plaintext.len());
        match &self.opened.inner {
            Inner::Json(object) => s.push_str(&serde_json::to_string_pretty(object).unwrap_or_default()),
            Inner::Binary => s.push_str(&encode_b64url(&d.plaintext)),
            // Attacker-controlled text: escaped once here, and again by `out` (idempotent).
            Inner::Jws(_) | Inner::Jwe(_) | Inner::Text(_) => {
                s.push_str(&text::visible(&String::from_utf8_lossy(&d.plaintext)));
            }
        }
        s.push('\n');
        if let (Some(j), Some(token)) = (self.nested, self.opened.inner.jws()) {
            s.push_str("\nNested JWT\nHeader\n");
            s.push_str(&serde_json::to_string_pretty(token.header()).unwrap_or_default());
            if let Some(claims) = token.claims() {
                s.push_str("\nClaims\n");
                s.push_str(&serde_json::to_string_pretty(claims).unwrap_or_default());
            }
            s.push_str("\n\nVerdict on the nested JWT (with the same keys)\n");
            s.push_str(&judgment_text(j, keys));
        }
        if let Some(why) = self.unverified {
            let _ = writeln!(s, "\nNOT VERIFIED: {why}");
        }
        if !self.opened.warnings.is_empty() {
            s.push_str("\nWarnings\n");
            for w in &self.opened.warnings {
                let _ = writeln!(s, "  - {w}");
            }
        }
        s
    }
}
