//! The matcher: where a compact JWS or JWE sits in a run of bytes.
//!
//! Nearly every JOSE header a library writes starts `{"`, whose base64url is `eyJ`; a header
//! with a space or a line break after its brace (`{ "alg"`, pretty-printed JSON) starts `eyA`,
//! `ewo`, `ew0` or `ewk`. The search looks for those literals with `aho-corasick`'s SIMD
//! multi-literal search (the prefilter that keeps the scan at disk speed), then validates around
//! each hit. A hit is a token only when
//! - the byte before it is not base64url or a dot (else it sits inside a longer run: a base64
//!   blob, a hash, another token's segment), unless that byte ends a percent escape (`%20eyJ`)
//!   or a JSON string escape (`\neyJ`, `\u0022eyJ`);
//! - the run of base64url and dots it starts holds at least 3 segments, 5 when its header has
//!   `enc` (a JWE); the token is those segments, and what follows them in the run (a full stop,
//!   an ellipsis, `.json`) is not the token's;
//! - the token parses ([`token::parse`]: every segment strict base64url, the header a JSON
//!   object) and its header has an `alg` member.
//!
//! A run is never longer than the token it is; a rejected hit skips its whole run, so the scan
//! stays linear in the input however many `eyJ` it holds.

use std::ops::Range;

use std::sync::Arc;

use aho_corasick::{AhoCorasick, Input, MatchKind, Span, packed};

use crate::core::engine::token::{self, Kind, Token};

/// What a JOSE header's base64url starts with: `{"`, `{ `, `{\n`, `{\r`, `{\t`.
const HEADER_STARTS: [&[u8]; 5] = [b"eyJ", b"eyA", b"ewo", b"ew0", b"ewk"];

/// The longest run judged as a token, in bytes: the engine refuses larger tokens anyway.
pub const MAX_TOKEN_BYTES: usize = token::MAX_TOKEN_BYTES;

/// A token found in a haystack.
#[derive(Debug)]
pub struct Found {
    /// Where the token sits, in bytes of the haystack.
    pub range: Range<usize>,
    /// The token, parsed.
    pub token: Token,
}

impl Found {
    /// `jws` or `jwe`.
    #[must_use]
    pub fn kind(&self) -> Kind {
        self.token.kind
    }
}

/// Finds tokens; cheap to clone and shared by every thread.
#[derive(Debug, Clone)]
pub struct TokenFinder {
    starts: Arc<AhoCorasick>,
    /// The same literals for Teddy (SIMD over several literals at once), where the CPU has it:
    /// the automaton's own prefilter looks for the one byte all five start with, `e`, the
    /// commonest letter of log text, and spent 70% of a scan checking each one.
    packed: Option<Arc<packed::Searcher>>,
}

impl Default for TokenFinder {
    fn default() -> Self {
        Self::new()
    }
}

/// True for the base64url alphabet (RFC 4648 §5).
#[must_use]
pub fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// True for the bytes a token's run is made of: base64url and the dots between segments.
#[must_use]
pub fn in_run(b: u8) -> bool {
    is_b64url(b) || b == b'.'
}

impl TokenFinder {
    /// The one finder every caller shares: building its automaton costs far more than a search
    /// of a short text, and [`super::redacted`] runs once per file name and per place.
    #[must_use]
    pub fn shared() -> &'static TokenFinder {
        static SHARED: std::sync::LazyLock<TokenFinder> = std::sync::LazyLock::new(TokenFinder::new);
        &SHARED
    }

    /// A finder of compact tokens.
    #[must_use]
    pub fn new() -> Self {
        // Five 3-byte literals: a build that cannot fail, but a finder that finds nothing would
        // fail open, so a failure falls back to the one literal nearly every header starts with.
        let starts = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(HEADER_STARTS)
            .or_else(|_| AhoCorasick::new([b"eyJ"]))
            .unwrap_or_else(|_| unreachable!("a one-literal automaton always builds"));
        let packed = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(HEADER_STARTS)
            .build()
            .map(Arc::new);
        Self { starts: Arc::new(starts), packed }
    }

    /// The first token in `hay` starting at or after `at`.
    #[must_use]
    pub fn find_at(&self, hay: &[u8], mut at: usize) -> Option<Found> {
        while at < hay.len() {
            let start = match &self.packed {
                Some(teddy) => teddy.find_in(hay, Span::from(at..hay.len()))?.start(),
                None => self.starts.find(Input::new(hay).span(at..hay.len()))?.start(),
            };
            match token_at(hay, start) {
                Ok(found) => return Some(found),
                Err(resume) => at = resume,
            }
        }
        None
    }

    /// Every token in `hay`, in order.
    pub fn find_iter<'h>(&'h self, hay: &'h [u8]) -> impl Iterator<Item = Found> + 'h {
        let mut at = 0;
        std::iter::from_fn(move || {
            let found = self.find_at(hay, at)?;
            at = found.range.end;
            Some(found)
        })
    }
}

/// The token starting at `start` (where `eyJ` is), or where to search on from.
fn token_at(hay: &[u8], start: usize) -> Result<Found, usize> {
    let end = start + hay[start..].iter().position(|b| !in_run(*b)).unwrap_or(hay.len() - start);
    if start > 0 && in_run(hay[start - 1]) && !after_percent_escape(hay, start) && !after_json_escape(hay, start) {
        return Err(end.max(start + 1));
    }
    let run = &hay[start..end];
    // The header says what the token is: a JWS is its first three segments, a JWE (its header
    // has `enc`) its first five. What follows in the run is not the token's: a full stop, an
    // ellipsis, a file extension (`see eyJ….sig.json`).
    for segments in [3, 5] {
        let Some(len) = segments_end(run, segments) else { break };
        if len > MAX_TOKEN_BYTES {
            break;
        }
        // The run is ASCII by construction.
        let Ok(text) = std::str::from_utf8(&run[..len]) else { break };
        if let Ok(token) = token::parse(text) {
            let enc = token::member(token.header(), "enc").is_some();
            if token::member(token.header(), "alg").is_some() && enc == (segments == 5) {
                return Ok(Found { range: start..start + len, token });
            }
        }
    }
    Err(end.max(start + 1))
}

/// The length of the first `segments` dot-separated segments of `run`, when it has that many:
/// up to the dot after the last of them, or the run's end.
fn segments_end(run: &[u8], segments: usize) -> Option<usize> {
    let mut dots = memchr::memchr_iter(b'.', run);
    let _last_inner = dots.nth(segments - 2)?;
    Some(dots.next().unwrap_or(run.len()))
}

/// True when the bytes before `start` end a JSON string escape: a line break or tab
/// (`"line1\neyJ…"`, a log message holding a header dump) or a `\uXXXX` (`\u0022eyJ…`).
fn after_json_escape(hay: &[u8], start: usize) -> bool {
    let short = start >= 2 && hay[start - 2] == b'\\' && matches!(hay[start - 1], b'n' | b'r' | b't' | b'b' | b'f');
    let unicode = start >= 6
        && hay[start - 6] == b'\\'
        && hay[start - 5] == b'u'
        && hay[start - 4..start].iter().all(u8::is_ascii_hexdigit);
    short || unicode
}

/// True when the bytes before `start` are a percent escape (`%20`, `%3D`): a URL- or
/// cookie-encoded separator, not part of a base64 run.
fn after_percent_escape(hay: &[u8], start: usize) -> bool {
    start >= 3 && hay[start - 3] == b'%' && hay[start - 2].is_ascii_hexdigit() && hay[start - 1].is_ascii_hexdigit()
}

impl grep_matcher::Matcher for TokenFinder {
    type Captures = grep_matcher::NoCaptures;
    type Error = grep_matcher::NoError;

    fn find_at(&self, haystack: &[u8], at: usize) -> Result<Option<grep_matcher::Match>, Self::Error> {
        Ok(TokenFinder::find_at(self, haystack, at).map(|f| grep_matcher::Match::new(f.range.start, f.range.end)))
    }

    /// A token never holds a line break: the searcher may look for matches across a whole buffer
    /// and find their lines after (its fast path), instead of calling the finder line by line.
    fn line_terminator(&self) -> Option<grep_matcher::LineTerminator> {
        Some(grep_matcher::LineTerminator::byte(b'\n'))
    }

    fn new_captures(&self) -> Result<Self::Captures, Self::Error> {
        Ok(grep_matcher::NoCaptures::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{"alg":"HS256","typ":"JWT"}`.
    const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
    /// `{"sub":"1234567890","name":"John Doe","iat":1516239022}`.
    const PAYLOAD: &str = "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";
    const SIG: &str = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    fn jwt() -> String {
        format!("{HEADER}.{PAYLOAD}.{SIG}")
    }

    fn ranges(hay: &str) -> Vec<Range<usize>> {
        TokenFinder::new().find_iter(hay.as_bytes()).map(|f| f.range).collect()
    }

    /// A header with a space or a line break after its brace, and a token after a JSON string
    /// escape (`\n`, `\u0022`), are found.
    #[test]
    fn spaced_headers_and_tokens_after_json_escapes_are_found() {
        use base64::Engine as _;
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        for header in [
            &b"{ \"alg\": \"HS256\" }"[..],
            b"{\n  \"alg\": \"HS256\"\n}",
            b"{\r\n\"alg\":\"HS256\"}",
            b"{\t\"alg\":\"HS256\"}",
        ] {
            let token = format!("{}.{PAYLOAD}.{SIG}", b64(header));
            let hay = format!("Authorization: Bearer {token} end");
            let found: Vec<String> = TokenFinder::new().find_iter(hay.as_bytes()).map(|f| f.token.text).collect();
            assert_eq!(found, vec![token.clone()], "{:?}", String::from_utf8_lossy(header));
        }
        let token = format!("{HEADER}.{PAYLOAD}.{SIG}");
        for before in ["{\"m\":\"line1\\n", "{\"m\":\"a\\t", "{\"m\":\"\\u0022"] {
            let hay = format!("{before}{token}\"}}");
            let found: Vec<usize> = TokenFinder::new().find_iter(hay.as_bytes()).map(|f| f.range.start).collect();
            assert_eq!(found, vec![before.len()], "{hay}");
        }
        // A letter that is no escape still makes it part of a longer run.
        let hay = format!("xn{token}");
        assert!(TokenFinder::new().find_iter(hay.as_bytes()).next().is_none());
    }

    #[test]
    fn finds_a_token_between_separators() {
        let t = jwt();
        for (before, after) in [("Bearer ", "\n"), ("?access_token=", "&x=1"), ("\"", "\""), ("/", "/x"), ("%20", "")] {
            let hay = format!("{before}{t}{after}");
            assert_eq!(ranges(&hay), vec![before.len()..before.len() + t.len()], "{hay}");
        }
    }

    #[test]
    fn a_full_stop_after_the_token_is_not_a_segment() {
        let t = jwt();
        assert_eq!(ranges(&format!("see {t}. Then")), vec![4..4 + t.len()]);
    }

    #[test]
    fn look_alikes_are_not_tokens() {
        // No alg: {"typ":"JWT"}.
        let no_alg = format!("eyJ0eXAiOiJKV1QifQ.{PAYLOAD}.{SIG}");
        // Not JSON: `{"alg` cut inside the header.
        let not_json = format!("eyJhbGciOiJIUzI1.{PAYLOAD}.{SIG}");
        // Cut short: two segments.
        let cut = format!("{HEADER}.{PAYLOAD}");
        // Inside a longer base64 run, before or as a segment of something longer.
        let inside = format!("QUFBQUFB{}", jwt());
        let dotted = format!("abc.{}", jwt());
        for hay in [no_alg, not_json, cut, inside, dotted] {
            assert!(ranges(&hay).is_empty(), "{hay}");
        }
    }

    /// What follows a token's segments in its run is not the token's: a file extension, an
    /// ellipsis, another segment. The header decides: three segments for a JWS.
    #[test]
    fn a_jws_followed_by_more_of_its_run_is_its_three_segments() {
        let t = jwt();
        for after in [".json", "...", "..", ".QUFB"] {
            assert_eq!(ranges(&format!("see {t}{after} now")), vec![4..4 + t.len()], "{after}");
        }
    }

    #[test]
    fn finds_every_token_on_a_line() {
        let t = jwt();
        let hay = format!("a={t}&b=QUFB{t} c={t}");
        let expected_second = hay.rfind(&t).unwrap();
        assert_eq!(ranges(&hay), vec![2..2 + t.len(), expected_second..expected_second + t.len()]);
    }

    #[test]
    fn finds_a_jwe() {
        let jwe = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/samples/07-jwe-rfc7516.jwt")).trim();
        let hay = format!("token: {jwe}\n");
        let found: Vec<Found> = TokenFinder::new().find_iter(hay.as_bytes()).collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].range, 7..7 + jwe.len());
        assert_eq!(found[0].kind(), Kind::Jwe);
    }

    /// Teddy and the automaton find the same tokens: the automaton is the fallback where the
    /// CPU lacks Teddy, so both must agree on every start literal and on near misses.
    #[test]
    fn the_packed_searcher_and_the_automaton_agree() {
        let jws = format!("{HEADER}.{PAYLOAD}.{SIG}");
        let spaced = crate::core::engine::token::encode_b64url(b"{ \"alg\":\"HS256\"}");
        let broken = crate::core::engine::token::encode_b64url(b"{\n\"alg\":\"HS256\"}");
        let hay = format!(
            "key=eyJnope ew0 new view {jws} abc{jws} \\n{jws}\n{spaced}.{PAYLOAD}.{SIG} eyeye {broken}.{PAYLOAD}.{SIG}."
        );
        let teddy = TokenFinder::new();
        assert!(teddy.packed.is_some(), "this machine has Teddy; the comparison needs both");
        let automaton = TokenFinder { packed: None, ..teddy.clone() };
        let found = |f: &TokenFinder| f.find_iter(hay.as_bytes()).map(|x| x.range).collect::<Vec<_>>();
        assert_eq!(found(&teddy), found(&automaton));
        assert_eq!(found(&teddy).len(), 4, "{:?}", found(&teddy));
    }
}
