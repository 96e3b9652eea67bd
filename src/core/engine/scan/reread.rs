//! A token found by a scan, read again from its file: the scan's report keeps only where a token
//! sits and its fingerprint, never its text, so whoever wants to open it reads it again, and gets
//! it only if the place still holds the same token.
//!
//! The file is read as the scan read it ([`source::text`]: gzip by its bytes, UTF-16 decoded, a
//! byte order mark dropped) and the token is taken at the place's byte offset, so a token in a
//! binary file or past a long line is read as surely as one on line 1.

use std::io::{self, Read};

use super::find::{MAX_TOKEN_BYTES, TokenFinder};
use super::{Place, fingerprint, source};

/// The token at `place` if it still has `expected` as its fingerprint.
///
/// # Errors
/// Why nothing is given, naming the place: the file cannot be read (or is no regular file: a
/// pipe cannot be read again), it is shorter now, no token starts at the place, or the token
/// there has another fingerprint (the file changed since the scan).
pub fn token_at(place: &Place, expected: &str) -> Result<String, String> {
    let at = format!("{}:{}:{}", place.path, place.line, place.column);
    let cannot = |e: io::Error| format!("{}: cannot be read again: {e}", place.path);
    let file = source::open_regular(&place.file).map_err(cannot)?;
    let size = file.metadata().ok().map(|m| m.len());
    let mut text = source::text(file, size).map_err(cannot)?;
    // The byte before the token tells whether it stands alone or sits inside a longer run.
    let skip = place.offset.saturating_sub(1);
    let skipped = io::copy(&mut text.by_ref().take(skip), &mut io::sink()).map_err(cannot)?;
    let changed =
        || format!("{at}: no token starts there any more: the file changed since the scan; nothing was loaded");
    if skipped < skip {
        return Err(format!("{}: the file is shorter than at the scan: it changed; nothing was loaded", place.path));
    }
    let mut window = Vec::new();
    let want = MAX_TOKEN_BYTES as u64 + 2;
    text.take(want).read_to_end(&mut window).map_err(cannot)?;
    let start = usize::from(place.offset > 0);
    let found = TokenFinder::shared().find_at(&window, start).filter(|f| f.range.start == start).ok_or_else(changed)?;
    let now = fingerprint(&found.token.text);
    if now != expected {
        return Err(format!(
            "{at}: the token there now has fingerprint {now}, not {expected}: the file changed since the scan; nothing was loaded"
        ));
    }
    Ok(found.token.text)
}
