//! Finding a token in a URL: `?access_token=`, `#id_token=`, or any query or fragment parameter
//! whose value parses as a token (RFC 6750 §2.3 says why a token there is itself a finding).

use serde::Serialize;

use crate::core::token;

/// Where the token came from, when it was not pasted on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UrlSource {
    /// "query" or "fragment".
    pub part: &'static str,
    /// The parameter name.
    pub parameter: String,
}

/// When `input` is a URL (or a query/fragment string) carrying a JWT in a parameter, the token
/// and where it was. Parameters named `access_token`, `id_token`, `token` or `jwt` are looked at
/// first, then any parameter whose value parses as a token.
#[must_use]
pub fn token_from_url(input: &str) -> Option<(String, UrlSource)> {
    const PREFERRED: [&str; 4] = ["access_token", "id_token", "token", "jwt"];
    let s = input.trim();
    if !looks_like_url(s) {
        return None;
    }
    let (before_fragment, fragment) = s.split_once('#').map_or((s, ""), |(a, b)| (a, b));
    let query = before_fragment.split_once('?').map_or("", |(_, q)| q);
    let mut params: Vec<(&'static str, String, String)> = Vec::new();
    for (part, text) in [("query", query), ("fragment", fragment)] {
        for pair in text.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            params.push((part, percent_decode(name), percent_decode(value)));
        }
    }
    params.sort_by_key(|(_, name, _)| PREFERRED.iter().position(|p| p == name).unwrap_or(PREFERRED.len()));
    params.into_iter().find_map(|(part, parameter, value)| {
        token::parse(&value).is_ok().then_some((value, UrlSource { part, parameter }))
    })
}

/// True when `input` reads as a URL (or a query or fragment string) rather than a token: it
/// has a scheme (`://`) or starts with `?`, `#` or `/`, and no whitespace. A token never does.
#[must_use]
pub fn looks_like_url(input: &str) -> bool {
    let s = input.trim();
    (s.contains("://") || s.starts_with('?') || s.starts_with('#') || s.starts_with('/'))
        && !s.contains(char::is_whitespace)
}

/// The message for a URL that carries no token.
pub const NO_JWT_IN_URL: &str = "no JWT found in this URL: no query or fragment parameter (access_token, id_token, token, jwt or any other) holds one";

/// `%XX` and `+` decoding of a query component; invalid escapes are kept as written.
pub(super) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                // Two hex digits exactly ("%+1" is not an escape, though from_str_radix takes "+1").
                let hex = match (
                    bytes.get(i + 1).copied().and_then(hex_digit),
                    bytes.get(i + 2).copied().and_then(hex_digit),
                ) {
                    (Some(hi), Some(lo)) => Some(hi << 4 | lo),
                    _ => None,
                };
                if let Some(b) = hex {
                    out.push(b);
                    i += 3;
                } else {
                    out.push(b'%');
                    i += 1;
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_digit(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok())
}
