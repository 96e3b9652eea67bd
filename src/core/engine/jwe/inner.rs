//! What a decrypted JWE holds, and what its header says about how it was protected: one
//! reading shared by `tokenbench decrypt` and the window, so both show the same inner token,
//! claims and warnings.
//!
//! A nested JWT (RFC 7519 §5.2, §11.2) is a JWS inside a JWE: the encryption hides the claims,
//! the signature says who issued them. Decrypting proves neither who made the token nor that it
//! is still valid, so a JWS plaintext is handed back as a [`Token`] for the caller to judge
//! with the loaded keys, like any other token.

use serde_json::Value;

use super::{Decrypted, JweError};
use crate::core::engine::keys::Key;
use crate::core::engine::token::{self, JsonObject, Kind, Token};

/// A decrypted JWE with what its plaintext is and what to know about it.
#[derive(Debug, Clone)]
pub struct Opened {
    /// What decryption gave: the outer JWE's headers, key and recipient; its plaintext is the
    /// innermost one when JWEs inside were opened too ([`Opened::layers`]).
    pub decrypted: Decrypted,
    /// JWEs found inside and opened with the same keys, outermost first.
    pub layers: Vec<Layer>,
    /// What the (innermost) plaintext is.
    pub inner: Inner,
    /// What the user should know ([`warnings`], for every layer).
    pub warnings: Vec<String>,
}

/// A JWE inside a JWE, opened.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// The header that applied to the recipient that opened it.
    pub header: JsonObject,
    /// Which key opened it (an index into the keys, or their count for the password).
    pub key_index: usize,
}

/// Who a key is when it opens a JWE, as the CLI and the window both name it: "key #2 kid
/// \"enc\" (enc.jwk) (RSA 2048)" (`index` counts from 0, the words from 1); an `oct` key is an
/// AES key here, whatever the key store calls it for signatures.
#[must_use]
pub fn key_words(index: usize, key: &Key) -> String {
    let kind = match &key.material {
        crate::core::engine::keys::KeyMaterial::Oct { k } => format!("AES key ({} bits)", k.len() * 8),
        _ => key.kind(),
    };
    format!("key #{} {} ({kind})", index + 1, key.label())
}

/// How many JWEs inside a JWE are opened with the same keys.
pub const MAX_LAYERS: usize = 3;

/// Decrypts `input` ([`super::decrypt`]), then any JWE its plaintext is (up to
/// [`MAX_LAYERS`], with the same keys), and reads what the innermost plaintext holds.
///
/// # Errors
/// As [`super::decrypt`], for the outer JWE; a JWE inside that these keys do not open is left
/// as [`Inner::Jwe`].
pub fn open(input: &str, keys: &[Key], password: Option<&[u8]>) -> Result<Opened, JweError> {
    open_with(input, keys, keys, password)
}

/// [`open`] with the outer JWE tried with `outer` only (the window's "Decrypt with key #N")
/// and the JWEs inside with every one of `keys` and the password.
///
/// # Errors
/// As [`super::decrypt`], for the outer JWE.
pub fn open_with(input: &str, outer: &[Key], keys: &[Key], password: Option<&[u8]>) -> Result<Opened, JweError> {
    let mut decrypted = super::decrypt(input, outer, password)?;
    let mut warnings = header_warnings(&decrypted.header, "");
    let mut layers = Vec::new();
    let mut inner = Inner::of(&decrypted.plaintext);
    while let Inner::Jwe(t) = &inner
        && layers.len() < MAX_LAYERS
    {
        let Ok(d) = super::decrypt(&t.text, keys, password) else { break };
        warnings.extend(header_warnings(&d.header, "the JWE inside: "));
        inner = Inner::of(&d.plaintext);
        decrypted.plaintext = d.plaintext;
        layers.push(Layer { header: d.header, key_index: d.key_index });
    }
    let innermost = layers.last().map_or(&decrypted.header, |l| &l.header);
    warnings.extend(content_warnings(innermost, &inner));
    Ok(Opened { decrypted, layers, inner, warnings })
}

impl Opened {
    /// Why the plaintext cannot be taken as a verified token, when it is not a JWS (a JWS is
    /// judged by the caller): a JWE inside these keys do not open, a header that says
    /// `"cty": "JWT"` over something else, or `expect_signed` (an issuer or audience was asked
    /// for) over claims nobody signed.
    #[must_use]
    pub fn unverified(&self, expect_signed: bool) -> Option<String> {
        let innermost = self.layers.last().map_or(&self.decrypted.header, |l| &l.header);
        match &self.inner {
            Inner::Jws(_) => None,
            Inner::Jwe(_) if self.layers.len() >= MAX_LAYERS => Some(format!(
                "the plaintext is still a JWE after {MAX_LAYERS} JWEs inside were opened, the most opened"
            )),
            Inner::Jwe(_) => Some("the plaintext is another JWE, which these keys do not open".to_owned()),
            other if is_cty_jwt(innermost) => Some(format!(
                "the header says \"cty\": \"JWT\" but the plaintext is {}, not a signed JWT",
                other.described()
            )),
            other if expect_signed => Some(format!(
                "an issuer or audience was asked for, but the plaintext is {}, not a signed JWT: nothing in it says \
                 who made it",
                other.described()
            )),
            _ => None,
        }
    }
}

fn is_cty_jwt(header: &JsonObject) -> bool {
    header.get("cty").and_then(Value::as_str).is_some_and(|c| c.eq_ignore_ascii_case("JWT"))
}

/// What the plaintext of a decrypted JWE is.
#[derive(Debug, Clone)]
pub enum Inner {
    /// A JWS (a nested JWT): judge it before trusting its claims.
    Jws(Box<Token>),
    /// Another JWE: decrypt it again with its own recipient's key.
    Jwe(Box<Token>),
    /// A JSON object (claims, a JWK…), encrypted without a signature: anyone who can encrypt to
    /// the key (with a public key, for RSA and ECDH) could have made it.
    Json(JsonObject),
    /// Other UTF-8 text.
    Text(String),
    /// Bytes that are not UTF-8.
    Binary,
}

impl Inner {
    /// Reads the plaintext: a token when it parses as one, claims when it is a JSON object.
    #[must_use]
    pub fn of(plaintext: &[u8]) -> Self {
        // Text with control characters (NULs, escapes) is bytes to a reader, shown as base64url.
        let Ok(text) = std::str::from_utf8(plaintext) else {
            return Self::Binary;
        };
        if text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
            return Self::Binary;
        }
        if let Ok(token) = token::parse(text) {
            return match token.kind {
                Kind::Jws => Self::Jws(Box::new(token)),
                Kind::Jwe => Self::Jwe(Box::new(token)),
            };
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(object)) => Self::Json(object),
            _ => Self::Text(text.to_owned()),
        }
    }

    /// The nested JWS, when the plaintext is one.
    #[must_use]
    pub fn jws(&self) -> Option<&Token> {
        match self {
            Self::Jws(token) => Some(token),
            _ => None,
        }
    }

    /// What the plaintext is, in a few words ("a JSON object").
    #[must_use]
    pub fn described(&self) -> &'static str {
        match self {
            Self::Jws(_) => "a JWS (a nested JWT)",
            Self::Jwe(_) => "another JWE",
            Self::Json(_) => "a JSON object",
            Self::Text(_) => "text",
            Self::Binary => "bytes",
        }
    }

    /// One word for what the plaintext is, as the CLI's JSON names it.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Jws(_) => "jws",
            Self::Jwe(_) => "jwe",
            Self::Json(_) => "json",
            Self::Text(_) => "text",
            Self::Binary => "binary",
        }
    }
}

/// Below this PBES2 iteration count a guessed password is cheap to test offline; RFC 7518
/// §4.8.1.2 says at least 1000, and today's guidance (OWASP: 600,000 for PBKDF2-HMAC-SHA256)
/// is far higher.
const PBES2_ITERATIONS_LOW: u64 = 1000;

/// What the user should know about how this JWE was protected and what it holds.
#[must_use]
pub fn warnings(decrypted: &Decrypted, inner: &Inner) -> Vec<String> {
    let mut out = header_warnings(&decrypted.header, "");
    out.extend(content_warnings(&decrypted.header, inner));
    out
}

/// What a JWE's header says about its protection; `prefix` names an inner layer.
fn header_warnings(header: &JsonObject, prefix: &str) -> Vec<String> {
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let mut out = Vec::new();
    if alg == "RSA1_5" {
        out.push(format!(
            "{prefix}\"alg\" RSA1_5 (RSAES-PKCS1-v1_5) is open to Bleichenbacher's padding-oracle attack: a server \
             that tells bad padding apart lets an attacker decrypt; RFC 8725 §3.2 says not to use it: use \
             RSA-OAEP-256 or ECDH-ES"
        ));
    }
    if alg.starts_with("PBES2")
        && let Some(p2c) = header.get("p2c").and_then(Value::as_u64)
        && p2c < PBES2_ITERATIONS_LOW
    {
        out.push(format!(
            "{prefix}\"p2c\" is {p2c}: fewer than the {PBES2_ITERATIONS_LOW} PBES2 iterations RFC 7518 §4.8.1.2 \
             asks for, so guessing the password offline is cheap"
        ));
    }
    if header.contains_key("zip") {
        out.push(format!(
            "{prefix}\"zip\": \"DEF\" compresses before encrypting: where an attacker can add text next to a \
             secret, the ciphertext's length tells them how much matched (RFC 8725 §3.6)"
        ));
    }
    out
}

/// What the plaintext is, against what the (innermost) header says it is.
fn content_warnings(header: &JsonObject, inner: &Inner) -> Vec<String> {
    let cty_jwt = is_cty_jwt(header);
    let mut out = Vec::new();
    match inner {
        Inner::Jws(_) if !cty_jwt => out.push(
            "the plaintext is a JWS but the header has no \"cty\": \"JWT\" (RFC 7519 §5.2 says a nested JWT should \
             say so)"
                .to_owned(),
        ),
        Inner::Jws(_) | Inner::Jwe(_) => {}
        other => {
            if cty_jwt {
                out.push("the header says \"cty\": \"JWT\" but the plaintext is not a JWS or JWE".to_owned());
            }
            if matches!(other, Inner::Json(_)) {
                out.push(
                    "the JSON is encrypted but not signed: if it carries claims, anyone who can encrypt to this key \
                     could have made them (with a public key, for RSA and ECDH-ES); a nested JWT signs the claims \
                     first"
                        .to_owned(),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decrypted(header: Value, plaintext: &[u8]) -> Decrypted {
        let Value::Object(header) = header else { panic!("header must be an object") };
        Decrypted {
            protected_header: header.clone(),
            header,
            key_index: 0,
            recipient: 0,
            plaintext: plaintext.to_vec(),
        }
    }

    const JWS: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlYnl0ZXNoZXJlMDEyMzQ1Njc4OWFiY2RlZg";

    #[test]
    fn a_jws_plaintext_is_a_nested_token_and_cty_is_expected() {
        let d = decrypted(serde_json::json!({"alg": "dir", "enc": "A128GCM", "cty": "JWT"}), JWS.as_bytes());
        let inner = Inner::of(&d.plaintext);
        assert_eq!(inner.kind(), "jws");
        assert_eq!(inner.jws().and_then(|t| t.claims()).and_then(|c| c.get("sub")), Some(&Value::from("alice")));
        assert!(warnings(&d, &inner).is_empty(), "{:?}", warnings(&d, &inner));

        let bare = decrypted(serde_json::json!({"alg": "dir", "enc": "A128GCM"}), JWS.as_bytes());
        let w = warnings(&bare, &Inner::of(&bare.plaintext));
        assert!(w.iter().any(|w| w.contains("no \"cty\"")), "{w:?}");
    }

    #[test]
    fn claims_text_and_bytes_are_told_apart() {
        let claims = decrypted(serde_json::json!({"alg": "dir", "enc": "A128GCM"}), br#"{"sub":"bob"}"#);
        let inner = Inner::of(&claims.plaintext);
        assert_eq!(inner.kind(), "json");
        assert!(warnings(&claims, &inner).iter().any(|w| w.contains("not signed")));
        let text = decrypted(serde_json::json!({"alg": "dir", "enc": "A128GCM"}), b"Live long and prosper.");
        assert_eq!(Inner::of(&text.plaintext).kind(), "text");
        let nuls = decrypted(serde_json::json!({"alg": "dir", "enc": "A128GCM"}), b"a\0b\x01c");
        assert_eq!(Inner::of(&nuls.plaintext).kind(), "binary", "control characters are bytes to a reader");
        let bytes = decrypted(serde_json::json!({"alg": "dir", "enc": "A128GCM"}), &[0xff, 0xfe, 0]);
        assert_eq!(Inner::of(&bytes.plaintext).kind(), "binary");
        let lying = decrypted(serde_json::json!({"alg": "dir", "enc": "A128GCM", "cty": "jwt"}), b"plain words");
        assert!(warnings(&lying, &Inner::of(&lying.plaintext)).iter().any(|w| w.contains("not a JWS")));
    }

    #[test]
    fn weak_protection_is_named() {
        let d = decrypted(
            serde_json::json!({"alg": "RSA1_5", "enc": "A128CBC-HS256", "zip": "DEF"}),
            b"Live long and prosper.",
        );
        let w = warnings(&d, &Inner::of(&d.plaintext));
        assert!(w.iter().any(|w| w.contains("Bleichenbacher")), "{w:?}");
        assert!(w.iter().any(|w| w.contains("RFC 8725 §3.6")), "{w:?}");
        let low = decrypted(serde_json::json!({"alg": "PBES2-HS256+A128KW", "enc": "A128GCM", "p2c": 10}), b"x");
        assert!(warnings(&low, &Inner::of(&low.plaintext)).iter().any(|w| w.contains("\"p2c\" is 10")));
        let fine = decrypted(serde_json::json!({"alg": "PBES2-HS256+A128KW", "enc": "A128GCM", "p2c": 4096}), b"x");
        assert!(warnings(&fine, &Inner::of(&fine.plaintext)).is_empty());
    }
}
