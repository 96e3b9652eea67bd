//! Finding tokens in a URL: `?access_token=`, `#id_token=`, any query or fragment parameter
//! whose value parses as a token, and path segments that are tokens (reset and magic links:
//! `/reset/eyJ…`, `/magic/eyJ…/confirm`). RFC 6750 §2.3 says why a token there is itself a
//! finding.

use std::collections::HashSet;

use serde::Serialize;

use crate::core::engine::token;

/// Where a token came from, when it was not pasted on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UrlSource {
    /// "query", "fragment" or "path".
    pub part: &'static str,
    /// For a query or fragment, the parameter's name. For a path, the segment before the
    /// token (`reset` in `/reset/eyJ…`), which is what the link's route calls it; or, when
    /// the token is the first segment or follows another token, its place: `segment 1` is
    /// the first segment after the host.
    pub parameter: String,
}

impl UrlSource {
    /// Where in the URL, in words: the URL's query parameter `"id_token"`, the URL's path after
    /// `/reset/`, the URL's path (segment 1).
    #[must_use]
    pub fn place(&self) -> String {
        match self.part {
            "path" if self.parameter.starts_with("segment ") => format!("the URL's path ({})", self.parameter),
            "path" => format!("the URL's path, after /{}/", crate::core::text::visible(&self.parameter)),
            part => format!("the URL's {part} parameter {:?}", self.parameter),
        }
    }
}

/// Parameters whose names say they carry a token: looked at before any other.
const PREFERRED: [&str; 4] = ["access_token", "id_token", "token", "jwt"];

/// When `input` is a URL (or a query/fragment string) carrying a JWT, the first token and
/// where it was: the first of [`tokens_from_url`].
#[must_use]
pub fn token_from_url(input: &str) -> Option<(String, UrlSource)> {
    tokens_from_url(input).into_iter().next()
}

/// Every token a URL (or a path, query or fragment string) carries, and where each was: the
/// parameters named `access_token`, `id_token`, `token` or `jwt` first (in that order), then
/// every other place in the order it appears in the URL: path segments, query parameters,
/// fragment parameters. Names, values and segments are percent-decoded (`+` is a space in a
/// query or fragment only). A token found in two places (the same text in the query and the
/// fragment) is listed once, at its first place. Empty when `input` is no URL or holds no token.
#[must_use]
pub fn tokens_from_url(input: &str) -> Vec<(String, UrlSource)> {
    let s = input.trim();
    if !looks_like_url(s) {
        return Vec::new();
    }
    let (before_fragment, fragment) = s.split_once('#').unwrap_or((s, ""));
    let (before_query, query) = before_fragment.split_once('?').unwrap_or((before_fragment, ""));
    let mut places: Vec<(String, UrlSource)> = path_segments(before_query);
    for (part, text) in [("query", query), ("fragment", fragment)] {
        for pair in text.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            places.push((percent_decode(value), UrlSource { part, parameter: percent_decode(name) }));
        }
    }
    // A stable sort: the preferred names first, everything else keeps the URL's order.
    let rank = |src: &UrlSource| {
        if src.part == "path" {
            PREFERRED.len()
        } else {
            PREFERRED.iter().position(|p| *p == src.parameter).unwrap_or(PREFERRED.len())
        }
    };
    places.sort_by_key(|(_, src)| rank(src));
    // A set, not a list: a 10 MiB URL can hold a million tiny tokens.
    let mut seen = HashSet::new();
    places
        .into_iter()
        // The token's own text, so `x` and ` x` (a stray `+`) are one token.
        .filter(|(value, _)| token::parse(value).is_ok_and(|t| seen.insert(t.text)))
        .collect()
}

/// The path's segments, percent-decoded, each with where it is (see [`UrlSource::parameter`]).
/// `before_query` is the URL up to its query: with a scheme (`https://host/…`) the path starts
/// at the first `/` after the host; without one, the whole text is the path (`/reset/eyJ…`).
fn path_segments(before_query: &str) -> Vec<(String, UrlSource)> {
    let path = match before_query.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => before_query,
    };
    let segments: Vec<String> = path.split('/').filter(|s| !s.is_empty()).map(decode_path).collect();
    segments
        .iter()
        .enumerate()
        .map(|(i, segment)| {
            let parameter = match i.checked_sub(1).map(|j| &segments[j]) {
                // A token is no name: a second token after a first one is named by its place.
                Some(before) if token::parse(before).is_err() => before.clone(),
                _ => format!("segment {}", i + 1),
            };
            (segment.clone(), UrlSource { part: "path", parameter })
        })
        .collect()
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
pub const NO_JWT_IN_URL: &str = "no JWT found in this URL: no path segment and no query or fragment parameter \
                                 (access_token, id_token, token, jwt or any other) holds one";

/// `%XX` and `+` decoding of a query component; invalid escapes are kept as written.
pub(crate) fn percent_decode(s: &str) -> String {
    decode(s, true)
}

/// `%XX` decoding of a path segment: `+` is itself there (RFC 3986 gives it no meaning in a
/// path; only form-encoded queries read it as a space).
fn decode_path(s: &str) -> String {
    decode(s, false)
}

fn decode(s: &str, plus_is_space: bool) -> String {
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
            b'+' if plus_is_space => {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::token::encode_b64url;

    /// A compact JWS that parses (the signature is never checked here); `n` makes it distinct.
    fn jwt(n: u32) -> String {
        format!(
            "{}.{}.{}",
            encode_b64url(br#"{"alg":"HS256"}"#),
            encode_b64url(format!(r#"{{"sub":"user-{n}"}}"#).as_bytes()),
            encode_b64url(&[7u8; 32])
        )
    }

    fn places(url: &str) -> Vec<(String, &'static str, String)> {
        tokens_from_url(url).into_iter().map(|(t, s)| (t, s.part, s.parameter)).collect()
    }

    #[test]
    fn every_token_in_the_query_and_fragment_is_found_preferred_names_first() {
        let (a, b, c) = (jwt(1), jwt(2), jwt(3));
        let url = format!("https://app.example/cb?state=s&other={c}&id_token={b}#access_token={a}");
        assert_eq!(
            places(&url),
            [
                (a.clone(), "fragment", "access_token".to_owned()),
                (b.clone(), "query", "id_token".to_owned()),
                (c, "query", "other".to_owned()),
            ]
        );
        assert_eq!(token_from_url(&url).map(|(t, _)| t), Some(a), "the first is token_from_url's");
    }

    #[test]
    fn tokens_in_path_segments_are_found_and_named_by_the_segment_before() {
        let (a, b) = (jwt(1), jwt(2));
        assert_eq!(places(&format!("https://x.example/reset/{a}")), [(a.clone(), "path", "reset".to_owned())]);
        assert_eq!(
            places(&format!("https://x.example/magic/{a}/confirm?next=/home")),
            [(a.clone(), "path", "magic".to_owned())]
        );
        assert_eq!(places(&format!("/{a}")), [(a.clone(), "path", "segment 1".to_owned())], "no scheme, no host");
        assert_eq!(
            places(&format!("https://x.example/{a}/{b}")),
            [(a.clone(), "path", "segment 1".to_owned()), (b.clone(), "path", "segment 2".to_owned())],
            "a token is not the name of the next one"
        );
        // Percent-encoded in the path, where `+` stays itself.
        let encoded = a.replace('.', "%2E");
        assert_eq!(places(&format!("https://x.example/reset/{encoded}")), [(a.clone(), "path", "reset".to_owned())]);
        assert_eq!(decode_path("a+b%20c"), "a+b c");
        // The host is not a path segment, and a path without a token is no finding.
        assert!(tokens_from_url("https://x.example/reset/abc?a=b").is_empty());
        // Path before query and fragment, after the preferred names.
        let url = format!("https://x.example/reset/{a}?q={b}#token={}", jwt(3));
        let found: Vec<&'static str> = tokens_from_url(&url).into_iter().map(|(_, s)| s.part).collect();
        assert_eq!(found, ["fragment", "path", "query"]);
    }

    #[test]
    fn the_same_token_in_two_places_is_listed_once() {
        let a = jwt(1);
        let url = format!("https://x.example/cb/{a}?access_token={a}#id_token={a}");
        assert_eq!(places(&url), [(a, "query", "access_token".to_owned())]);
    }

    #[test]
    fn the_no_token_message_names_the_path_too() {
        assert!(NO_JWT_IN_URL.contains("path") && NO_JWT_IN_URL.contains("query"), "{NO_JWT_IN_URL}");
    }
}
