//! HMAC secrets: text, base64/base64url, hex or a file's raw bytes.

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};

use super::{Key, KeyMaterial};
use crate::core::engine::error::{Error, Result};

/// How an HMAC secret given as text should be turned into bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SecretEncoding {
    /// The UTF-8 bytes of the text, as typed.
    Utf8,
    /// Base64 or base64url, padded or not.
    Base64,
    /// Hexadecimal (whitespace and `0x` ignored).
    Hex,
    /// Raw bytes (a file's exact content).
    Raw,
}

/// Builds an HMAC secret key.
///
/// # Errors
/// When the secret is empty or does not decode in the chosen encoding.
pub fn load_secret(input: &[u8], encoding: SecretEncoding, source: &str) -> Result<Key> {
    if input.len() > crate::core::engine::limits::MAX_INPUT_BYTES {
        return Err(Error::key(source, super::too_large(input.len())));
    }
    let bytes = match encoding {
        SecretEncoding::Utf8 | SecretEncoding::Raw => input.to_vec(),
        SecretEncoding::Base64 => {
            let text = std::str::from_utf8(input).map_err(|_| Error::key(source, "base64 secret is not text"))?;
            decode_lenient_base64(text, source)?
        }
        SecretEncoding::Hex => {
            let text = std::str::from_utf8(input).map_err(|_| Error::key(source, "hex secret is not text"))?;
            decode_hex(text, source)?
        }
    };
    if bytes.is_empty() {
        return Err(Error::key(source, "the HMAC secret is empty; an empty key is no key"));
    }
    let format = match encoding {
        SecretEncoding::Utf8 => "HMAC secret (UTF-8 text)",
        SecretEncoding::Base64 => "HMAC secret (base64)",
        SecretEncoding::Hex => "HMAC secret (hex)",
        SecretEncoding::Raw => "HMAC secret (raw bytes)",
    };
    let mut key = Key::new(KeyMaterial::Oct { k: bytes }, None, source, format);
    mark_public_bytes(&mut key);
    if encoding == SecretEncoding::Raw && input.last().is_some_and(|b| *b == b'\n') {
        key.warnings.push(
            "the secret ends with a newline, which is part of the key; if the file was written with \
             `echo`, the signer probably used the secret without it"
                .into(),
        );
    }
    Ok(key)
}

/// Marks an HMAC secret whose bytes are a public key (pasted, a file, or an oct JWK's `k`): it
/// is shown, with a warning, but never verifies.
pub(super) fn mark_public_bytes(key: &mut Key) {
    let KeyMaterial::Oct { k } = &key.material else { return };
    if let Some(what) = public_key_in(k) {
        key.warnings.push(format!(
            "these bytes are a {what}: a public key is never an HMAC secret (anyone can download it), so this \
             secret verifies nothing; an HMAC token it would verify is the algorithm-confusion forgery (RFC 8725 §2.1)"
        ));
        key.public_key_bytes = Some(what);
    }
}

/// What public key `bytes` hold, in words ("PEM SPKI public key (RSA 2048)"), when the key
/// store reads a public key from them, or from them trimmed of surrounding whitespace (a DER file
/// saved with a final newline). Private keys and HMAC secrets do not count: nobody else has
/// them. Cheap: input that looks like no key format is turned away by its first bytes.
fn public_key_in(bytes: &[u8]) -> Option<String> {
    let public = |b: &[u8]| {
        let keys = super::load(b, "secret").ok()?;
        let key = keys.iter().find(|k| !k.is_secret())?;
        Some(format!("{} ({})", key.format, key.material.describe()))
    };
    let trimmed = bytes.trim_ascii();
    public(bytes)
        .or_else(|| (trimmed.len() != bytes.len() && !trimmed.is_empty()).then(|| public(trimmed)).flatten())
        .or_else(|| pem_on_one_line(trimmed).and_then(|pem| public(pem.as_bytes())))
}

/// A PEM block pasted into a one-line field, its line feeds turned into spaces
/// ("-----BEGIN PUBLIC KEY----- MIIB… -----END PUBLIC KEY-----"), rebuilt with its lines.
fn pem_on_one_line(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let rest = text.strip_prefix("-----BEGIN ")?;
    let (label, rest) = rest.split_once("-----")?;
    let (body, _) = rest.split_once("-----END ")?;
    let body: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let lines: Vec<&str> = body.as_bytes().chunks(64).filter_map(|c| std::str::from_utf8(c).ok()).collect();
    Some(format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n")))
}

/// Accepts standard and URL-safe base64, with or without padding, ignoring whitespace.
///
/// # Errors
/// [`Error::Key`] naming `source`, the offending character and its byte offset.
pub(super) fn decode_lenient_base64(text: &str, source: &str) -> Result<Vec<u8>> {
    const LENIENT: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    // Each kept character's byte offset in `text`, so an error names the place the user typed.
    let (cleaned, at): (String, Vec<usize>) =
        text.char_indices().filter(|(_, c)| !c.is_whitespace()).map(|(i, c)| (c, i)).unzip();
    let url = cleaned.contains(['-', '_']);
    let engine =
        GeneralPurpose::new(if url { &base64::alphabet::URL_SAFE } else { &base64::alphabet::STANDARD }, LENIENT);
    engine
        .decode(&cleaned)
        .map_err(|e| Error::key(source, format!("not valid base64: {}", base64_problem(&e, text, &cleaned, &at, url))))
}

/// The decoder's error in words: the character and its byte offset in what the user typed,
/// and what is accepted (the decoder's own "Invalid symbol 61, offset 8" names neither).
fn base64_problem(e: &base64::DecodeError, text: &str, cleaned: &str, at: &[usize], url: bool) -> String {
    use base64::DecodeError as E;
    const ACCEPTED: &str = "accepted are A-Z, a-z, 0-9, + and / (base64) or - and _ (base64url), at most two '=' \
        only at the end, and whitespace, which is ignored";
    // The decoder's offsets count bytes of `cleaned`; every character it rejects there is named
    // by the original text's character at the same place.
    let place = |offset: usize| {
        let n = cleaned.char_indices().take_while(|(i, _)| *i < offset).count();
        let byte = at.get(n).copied().unwrap_or(text.len());
        let ch = text[byte..].chars().next().unwrap_or('?');
        (ch, byte)
    };
    match e {
        E::InvalidByte(offset, _) => {
            let (ch, byte) = place(*offset);
            let why = match ch {
                '=' => "'=' may only pad the end, at most two of them, after whole groups of characters".to_owned(),
                '+' | '/' if url => {
                    "the text also has '-' or '_', so it is read as base64url, which has no '+' or '/': use one \
                     alphabet"
                        .to_owned()
                }
                _ => ACCEPTED.to_owned(),
            };
            format!("{ch:?} at byte {byte} is not accepted: {why}")
        }
        E::InvalidLastSymbol(offset, _) => {
            let (ch, byte) = place(*offset);
            format!(
                "the last character {ch:?} at byte {byte} sets bits the length leaves unused: the text is probably \
                 cut short or altered"
            )
        }
        E::InvalidLength(n) => format!(
            "{n} base64 characters (padding and whitespace aside) cannot encode whole bytes: one is missing or extra"
        ),
        E::InvalidPadding => "the '=' padding does not match the length of the text".to_owned(),
    }
}

/// Hex digits, with an optional `0x` and `:` or whitespace between bytes.
fn decode_hex(text: &str, source: &str) -> Result<Vec<u8>> {
    let cleaned: String =
        text.trim().trim_start_matches("0x").chars().filter(|c| !c.is_whitespace() && *c != ':').collect();
    if !cleaned.len().is_multiple_of(2) {
        return Err(Error::key(source, format!("hex has an odd number of digits ({})", cleaned.len())));
    }
    // Pairs of bytes, never string slices: a pair may cut a multi-byte character in two.
    cleaned
        .as_bytes()
        .chunks(2)
        .enumerate()
        .map(|(n, pair)| {
            let digit = |b: u8| char::from(b).to_digit(16);
            match (digit(pair[0]), pair.get(1).copied().and_then(digit)) {
                (Some(hi), Some(lo)) => Ok(u8::try_from(hi * 16 + lo).unwrap_or(u8::MAX)),
                _ => Err(Error::key(
                    source,
                    format!("{:?} at position {} is not a hex byte", String::from_utf8_lossy(pair), n * 2),
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_every_encoding() {
        let a = load_secret(b"secret", SecretEncoding::Utf8, "t").unwrap();
        let b = load_secret(b"c2VjcmV0", SecretEncoding::Base64, "t").unwrap();
        let c = load_secret(b"73 65 63 72 65 74", SecretEncoding::Hex, "t").unwrap();
        assert_eq!(a.material, b.material);
        assert_eq!(a.material, c.material);
        assert!(a.warnings[0].contains("48 bits"));
        assert!(load_secret(b"", SecretEncoding::Utf8, "t").is_err());
        assert!(load_secret(b"abc", SecretEncoding::Hex, "t").is_err());
        // A pair of bytes that cuts a character in two is an error, not a panic; so is a sign.
        for bad in ["a\u{e9}b", "\u{20ac}0", "+1", "-1ab"] {
            assert!(load_secret(bad.as_bytes(), SecretEncoding::Hex, "t").is_err(), "{bad:?}");
        }
        assert_eq!(
            load_secret(b"0xFFe1", SecretEncoding::Hex, "t").unwrap().material,
            KeyMaterial::Oct { k: vec![0xff, 0xe1] }
        );
        let bad = |text: &str| match load_secret(text.as_bytes(), SecretEncoding::Base64, "t") {
            Err(e) => e.to_string(),
            Ok(k) => panic!("{text:?} loaded: {k:?}"),
        };
        let e = bad("c2VjcmV0====");
        assert!(e.contains("'=' at byte 8 is not accepted: '=' may only pad the end"), "{e}");
        let e = bad(" c2Vj cmV0!");
        assert!(e.contains("'!' at byte 10 is not accepted: accepted are A-Z, a-z, 0-9, + and /"), "{e}");
        assert!(bad("ab+-cd").contains("'+' at byte 2 is not accepted: the text also has '-' or '_'"));
        assert!(bad("c2VjcmV0c").contains("9 base64 characters"));
        assert!(bad("c2Vj\u{e9}cmV0").contains("'\u{e9}' at byte 4"), "a character, never half of one");
        let raw = load_secret(b"secret\n", SecretEncoding::Raw, "t").unwrap();
        assert!(raw.warnings.iter().any(|w| w.contains("newline")));
    }

    fn file(path: &str) -> Vec<u8> {
        std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    /// A PEM pasted into the window's one-line secret field (line feeds become spaces) is still
    /// recognised as the public key it is.
    #[test]
    fn a_pem_pasted_on_one_line_is_still_a_public_key() {
        let pem = String::from_utf8(file("assets/keys/rsa2048-spki.pem")).unwrap();
        let one_line = pem.split_whitespace().collect::<Vec<_>>().join(" ");
        let key = load_secret(one_line.as_bytes(), SecretEncoding::Utf8, "pasted").unwrap();
        assert!(key.public_key_bytes.as_deref().is_some_and(|w| w.contains("RSA 2048")), "{:?}", key.public_key_bytes);
    }

    /// A secret whose bytes are a public key, a certificate or a JWK/JWKS still loads (the user
    /// sees it) but says what public key it is, in its field and its warnings, whichever way the
    /// bytes were given; private keys and ordinary secrets are not marked.
    #[test]
    fn a_public_key_given_as_a_secret_is_marked() {
        use base64::engine::general_purpose::STANDARD;
        let pem = file("assets/keys/rsa2048-spki.pem");
        let mut der_with_newline = file("assets/keys/rsa2048-spki.der");
        der_with_newline.push(b'\n');
        let cases: [(Vec<u8>, SecretEncoding, &str); 8] = [
            (pem.clone(), SecretEncoding::Raw, "PEM SPKI public key (RSA 2048)"),
            (pem.clone(), SecretEncoding::Utf8, "PEM SPKI public key (RSA 2048)"),
            (STANDARD.encode(&pem).into_bytes(), SecretEncoding::Base64, "PEM SPKI public key (RSA 2048)"),
            (der_with_newline, SecretEncoding::Raw, "(RSA 2048)"),
            (file("assets/keys/rsa2048-cert.pem"), SecretEncoding::Raw, "PEM X.509 certificate (RSA 2048)"),
            (file("assets/keys/sample-jwks.json"), SecretEncoding::Raw, "(RSA 2048)"),
            (file("assets/keys/ec-p256-spki.pem"), SecretEncoding::Raw, "(EC P-256)"),
            (file("tests/fixtures/ssh-ed25519.pub"), SecretEncoding::Raw, "Ed25519"),
        ];
        for (bytes, encoding, what) in cases {
            let key = load_secret(&bytes, encoding, "s").unwrap();
            let marked = key.public_key_bytes.as_deref().unwrap_or_default();
            assert!(marked.contains(what), "{encoding:?} {what}: {marked:?}");
            assert!(
                key.warnings.iter().any(|w| w.contains(marked) && w.contains("RFC 8725 §2.1")),
                "{:?}",
                key.warnings
            );
        }
        for not_public in [
            file("assets/keys/rsa2048-pkcs8.pem"),
            br#"{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI"}"#.to_vec(),
            b"a-string-secret-at-least-256-bits-long".to_vec(),
            b"-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n".to_vec(),
        ] {
            let key = load_secret(&not_public, SecretEncoding::Raw, "s").unwrap();
            assert_eq!(key.public_key_bytes, None, "{:?}", String::from_utf8_lossy(&not_public));
        }
    }
}
