//! Strict base64url (RFC 7515 §2): no padding, no `+` `/`, no whitespace, canonical trailing
//! bits. A SIMD fast path for valid input; the precise decoder explains every error.

use std::ops::Range;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::Part;
use crate::core::engine::error::{Error, Result};

/// Strict base64url of the segment at `range` of `text`; errors carry offsets within `text`.
pub(super) fn b64_decode(text: &str, range: Range<usize>, part: Part) -> Result<Vec<u8>> {
    decode_b64url(&text[range.clone()]).map_err(|(at, reason)| Error::Base64 { part, offset: range.start + at, reason })
}

pub(super) fn b64_decode_str(s: &str, part: Part) -> Result<Vec<u8>> {
    decode_b64url(s).map_err(|(offset, reason)| Error::Base64 { part, offset, reason })
}

/// Strict base64url without padding (RFC 7515 §2). On failure: (offset within `s`, reason).
///
/// # Errors
/// The offset of the first offending byte and what is wrong with it.
pub fn decode_b64url(s: &str) -> std::result::Result<Vec<u8>, (usize, String)> {
    use base64::DecodeError;
    // Fast path: SIMD decoding of valid input. It is then held to the canonical encoding
    // (unused trailing bits zero); anything else goes to the precise decoder below.
    if let Ok(bytes) = base64_simd::URL_SAFE_NO_PAD.decode_to_vec(s)
        && canonical_tail(s)
    {
        return Ok(bytes);
    }
    URL_SAFE_NO_PAD.decode(s).map_err(|e| match e {
        DecodeError::InvalidByte(at, b) => (at, describe_bad_byte(b)),
        DecodeError::InvalidLength(len) => (
            len,
            format!(
                "{len} characters cannot be base64 (a length of 4n+1 is impossible; a character is missing or extra)"
            ),
        ),
        DecodeError::InvalidLastSymbol(at, b) => {
            (at, format!("last character {:?} has non-zero unused bits (not the canonical encoding)", char::from(b)))
        }
        DecodeError::InvalidPadding => {
            (s.find('=').unwrap_or(s.len()), "'=' padding is not allowed in base64url (RFC 7515 §2)".into())
        }
    })
}

/// True when the unused low bits of the last base64url character are zero (RFC 4648 §3.5).
fn canonical_tail(s: &str) -> bool {
    let Some(last) = s.bytes().last() else { return true };
    let value = match last {
        b'A'..=b'Z' => last - b'A',
        b'a'..=b'z' => last - b'a' + 26,
        b'0'..=b'9' => last - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return false,
    };
    match s.len() % 4 {
        2 => value.trailing_zeros() >= 4,
        3 => value.trailing_zeros() >= 2,
        _ => true,
    }
}

fn describe_bad_byte(b: u8) -> String {
    match b {
        b'=' => "'=' padding is not allowed in base64url (RFC 7515 §2)".into(),
        b'+' | b'/' => format!("{:?} belongs to standard base64; base64url uses '-' and '_'", char::from(b)),
        b' ' | b'\t' | b'\r' | b'\n' => "whitespace inside a segment".into(),
        32..=126 => format!("{:?} is not a base64url character (A-Z a-z 0-9 - _)", char::from(b)),
        _ => format!("byte 0x{b:02x} is not a base64url character (A-Z a-z 0-9 - _)"),
    }
}

/// Encodes bytes as base64url without padding.
#[must_use]
pub fn encode_b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_canonical_trailing_bits() {
        // "AB" decodes to one byte only if the unused 4 bits are zero; 'B' leaves a 1 bit.
        assert!(decode_b64url("AB").is_err());
        assert_eq!(decode_b64url("AA").unwrap(), vec![0]);
    }

    #[test]
    fn simd_fast_path_accepts_exactly_what_the_strict_decoder_accepts() {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = usize::try_from(x % 23).unwrap();
            let s: String = (0..len)
                .map(|i| {
                    let r = x.rotate_left(u32::try_from(i).unwrap() * 5);
                    // Mostly valid characters, sometimes an invalid one.
                    let n = if r.is_multiple_of(17) { alphabet.len() } else { 64 };
                    char::from(alphabet[usize::try_from(r % n as u64).unwrap()])
                })
                .collect();
            let strict = URL_SAFE_NO_PAD.decode(&s).ok();
            assert_eq!(decode_b64url(&s).ok(), strict, "{s:?}");
        }
    }
}
