//! A token found by a scan, read again from its file: the scan's report keeps only where a token
//! sits and its fingerprint, never its text, so whoever wants to open it reads it again, and gets
//! it only if the place still holds the same token.
//!
//! The file is read as the scan read it: line by line with the same longest line, `.gz`
//! decompressed, a UTF-8 byte order mark before line 1 left out (the searcher strips it, so
//! columns on line 1 count from after it).

use std::io::{BufRead, BufReader, Read};

use super::find::TokenFinder;
use super::walk::MAX_LINE_BYTES;
use super::{Place, fingerprint};

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The token at `place` if it still has `expected` as its fingerprint.
///
/// # Errors
/// Why nothing is given, naming the place: the file cannot be read, it has no such line any
/// more, no token starts at the column, or the token there has another fingerprint (the file
/// changed since the scan).
pub fn token_at(place: &Place, expected: &str) -> Result<String, String> {
    let at = format!("{}:{}:{}", place.path, place.line, place.column);
    let cannot = |e: std::io::Error| format!("{}: cannot be read again: {e}", place.path);
    let file = std::fs::File::open(&*place.path).map_err(cannot)?;
    let gz = std::path::Path::new(&*place.path)
        .extension()
        .and_then(std::ffi::OsStr::to_str)
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let reader: Box<dyn Read> =
        if gz { Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file))) } else { Box::new(file) };
    let mut reader = BufReader::new(reader);
    for _ in 1..place.line {
        // Lines before the place are skipped without being held.
        if reader.skip_until(b'\n').map_err(cannot)? == 0 {
            return Err(format!(
                "{}: there is no line {} any more: the file changed since the scan",
                place.path, place.line
            ));
        }
    }
    let mut line = Vec::new();
    let limit = u64::try_from(MAX_LINE_BYTES).unwrap_or(u64::MAX);
    let read = reader.by_ref().take(limit).read_until(b'\n', &mut line).map_err(cannot)?;
    if read == 0 {
        return Err(format!(
            "{}: there is no line {} any more: the file changed since the scan",
            place.path, place.line
        ));
    }
    let line = if place.line == 1 { line.strip_prefix(BOM).unwrap_or(&line) } else { &line[..] };
    let start = usize::try_from(place.column.saturating_sub(1)).unwrap_or(usize::MAX);
    let found = TokenFinder::new().find_at(line, start).filter(|f| f.range.start == start);
    let Some(found) = found else {
        return Err(format!(
            "{at}: no token starts there any more: the file changed since the scan; nothing was loaded"
        ));
    };
    let now = fingerprint(&found.token.text);
    if now != expected {
        return Err(format!(
            "{at}: the token there now has fingerprint {now}, not {expected}: the file changed since the scan; nothing was loaded"
        ));
    }
    Ok(found.token.text)
}
