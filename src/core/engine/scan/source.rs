//! A file as the scan reads it, shared by the scan and by reading a found token again, so both
//! see the same text at the same offsets.
//!
//! - Opening never blocks: a named pipe without a writer would hang `open` forever, so files are
//!   opened non-blocking and only then judged by what they are ([`open_given`],
//!   [`open_regular`]).
//! - Gzip is recognised by its magic bytes, not its name: a rotated `access.log.1.gz` is read
//!   decompressed, a plain log someone named `.gz` is read as it is. Decompression stops past
//!   [`GZIP_RATIO_CAP`] times the file's size (and at least [`GZIP_MIN_CAP`]): a small bomb
//!   cannot keep a scan busy for hours.
//! - A UTF-16 file (with its byte order mark) is decoded to UTF-8 and a UTF-8 mark is dropped,
//!   as ripgrep does; offsets and columns count the text as decoded.
//! - Binary files are read like any other: a token in a database file or a core dump is a leak
//!   too. Only the lines are bounded: [`LineBreaker`] ends a line longer than
//!   [`SOFT_LINE_BYTES`] at the next byte that cannot be part of a token, so memory stays bounded
//!   and nothing after a huge line is lost, and it logs each break so lines and columns are
//!   still counted in the file's own lines.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use super::find::{self, MAX_TOKEN_BYTES};
use crate::core::engine::limits;

/// The longest line the searcher is given, in bytes, before it is broken at the next byte that
/// cannot be inside a token. A line of an ordinary log is far shorter; a minified bundle, a
/// base64 blob or a binary file is not, and a line must fit in memory to be searched.
pub const SOFT_LINE_BYTES: u64 = 1024 * 1024;

/// The longest line that can reach the searcher: a run of token characters past
/// [`SOFT_LINE_BYTES`] is cut when it is longer than any token the finder accepts.
pub const HARD_LINE_BYTES: u64 = SOFT_LINE_BYTES + MAX_TOKEN_BYTES as u64 + 1;

/// How many times its own size a gzip file may decompress to before the scan stops reading it:
/// rotated logs compress 5-20 times, a decompression bomb about 1,000 times.
pub const GZIP_RATIO_CAP: u64 = 200;

/// A gzip file may always decompress to this many bytes, however small it is.
pub const GZIP_MIN_CAP: u64 = 1024 * 1024 * 1024;

/// The two bytes every gzip member starts with (RFC 1952 §2.3.1).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// What a path is, in words, when it is not a regular file.
#[must_use]
pub fn kind_of(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// Opens a path the user named: a regular file, or a named pipe (`<(cmd)`, `mkfifo`), read as
/// `cat` reads one: it waits for a writer, then reads to the end.
///
/// # Errors
/// The operating system's error, or "not a regular file (a socket)" for anything else.
pub fn open_given(path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        // Opened without blocking, a pipe whose writer comes later reads as empty (and a
        // second open would lose what a writer already sent): a pipe is opened as `cat` opens
        // it, waiting for its writer.
        if std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo()) {
            return File::open(path);
        }
    }
    let file = limits::open_without_blocking(path)?;
    let kind = file.metadata()?.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        // Swapped for a pipe since: read as it is.
        if kind.is_fifo() {
            return Ok(file);
        }
    }
    if kind.is_file() { Ok(file) } else { Err(not_regular(kind)) }
}

/// Opens a regular file only (a file met in a folder, a file read again): a pipe's content is
/// gone once read and a device is no log.
///
/// # Errors
/// The operating system's error, or "not a regular file (a named pipe)".
pub fn open_regular(path: &Path) -> io::Result<File> {
    let file = limits::open_without_blocking(path)?;
    let kind = file.metadata()?.file_type();
    if kind.is_file() { Ok(file) } else { Err(not_regular(kind)) }
}

fn not_regular(kind: std::fs::FileType) -> io::Error {
    io::Error::other(format!("not a regular file ({}): not read", kind_of(kind)))
}

/// `raw` (a file's bytes, `size` of them on disk when known) as text: decompressed when it is
/// gzip, decoded when it is UTF-16, without a byte order mark.
///
/// # Errors
/// A read error while looking at the first bytes.
pub fn text<'a, R: Read + 'a>(raw: R, size: Option<u64>) -> io::Result<Box<dyn Read + 'a>> {
    let mut raw = BufReader::with_capacity(64 * 1024, raw);
    let gzip = raw.fill_buf()?.starts_with(&GZIP_MAGIC);
    let mut plain: Box<dyn BufRead + 'a> = if gzip {
        let cap = size.map_or(GZIP_MIN_CAP, |s| s.saturating_mul(GZIP_RATIO_CAP).max(GZIP_MIN_CAP));
        Box::new(BufReader::with_capacity(
            64 * 1024,
            Gunzipped { inner: flate2::bufread::MultiGzDecoder::new(raw), out: 0, cap },
        ))
    } else {
        Box::new(raw)
    };
    let without_bom = utf16_without_bom(plain.fill_buf()?);
    // As ripgrep reads: a UTF-16 byte order mark decodes the file to UTF-8, a UTF-8 one is
    // dropped, and anything else passes through byte for byte; UTF-16 text without a mark (as
    // some Windows tools and rotated continuations write) is decoded as what it plainly is.
    Ok(Box::new(
        encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(without_bom)
            .bom_sniffing(true)
            .utf8_passthru(true)
            .strip_bom(true)
            .build(plain),
    ))
}

/// The bytes [`utf16_without_bom`] looks at.
const SNIFFED: usize = 512;

/// UTF-16 without a byte order mark, told from its first bytes: text characters (printable
/// ASCII, tabs and line breaks) each beside a NUL, in at least 9 pairs out of 10. A binary file
/// or UTF-8 text is nowhere near that.
fn utf16_without_bom(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return None;
    }
    let n = head.len().min(SNIFFED) & !1;
    if n < 16 {
        return None;
    }
    let text = |b: u8| matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7e);
    let (mut le, mut be) = (0, 0);
    for pair in head[..n].chunks_exact(2) {
        le += usize::from(pair[1] == 0 && text(pair[0]));
        be += usize::from(pair[0] == 0 && text(pair[1]));
    }
    let pairs = n / 2;
    if le * 10 >= pairs * 9 {
        Some(encoding_rs::UTF_16LE)
    } else if be * 10 >= pairs * 9 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// A gzip stream's text, counted and capped, its errors saying how far it got.
struct Gunzipped<R> {
    inner: flate2::bufread::MultiGzDecoder<R>,
    out: u64,
    cap: u64,
}

impl<R: BufRead> Read for Gunzipped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out >= self.cap {
            return Err(io::Error::other(format!(
                "the gzip data decompresses to more than {} bytes ({GZIP_RATIO_CAP} times its size: a \
                 decompression bomb?); the rest was not read",
                crate::core::text::thousands(self.cap)
            )));
        }
        let room = usize::try_from(self.cap - self.out).unwrap_or(usize::MAX).min(buf.len());
        match self.inner.read(&mut buf[..room]) {
            Ok(n) => {
                self.out += n as u64;
                Ok(n)
            }
            Err(e) if self.out == 0 => Err(io::Error::new(e.kind(), format!("not readable gzip data: {e}"))),
            Err(e) => Err(io::Error::new(
                e.kind(),
                format!("the gzip data is damaged after {} bytes of text: {e}", crate::core::text::thousands(self.out)),
            )),
        }
    }
}

/// A line break [`LineBreaker`] put where the file has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    /// The offset of the byte that became the break.
    pub at: u64,
    /// The offset where the file's own line holding it starts.
    pub line_start: u64,
}

/// The breaks a [`LineBreaker`] made, in order, read by the sink that corrects line numbers.
#[derive(Debug, Default)]
pub struct BreakLog {
    /// Bytes read through the breaker so far (how far a file read in part got).
    pub read: u64,
    pending: VecDeque<Break>,
    passed: u64,
    last: Option<Break>,
}

impl BreakLog {
    /// The file's own line and column of a token at offset `token` on the searcher's line
    /// `line`, which starts at offset `line_start`.
    pub fn place(&mut self, line: u64, line_start: u64, token: u64) -> (u64, u64) {
        while self.pending.front().is_some_and(|b| b.at < line_start) {
            self.passed += 1;
            self.last = self.pending.pop_front();
        }
        let real_start = match self.last {
            Some(b) if b.at + 1 == line_start => b.line_start,
            _ => line_start,
        };
        (line.saturating_sub(self.passed), token - real_start + 1)
    }
}

/// Ends every line longer than [`SOFT_LINE_BYTES`] at its next byte that cannot be inside a
/// token (a run of token characters longer than any token is cut where it must), so the
/// searcher never holds more than [`HARD_LINE_BYTES`] of one line. The byte becomes `\n` in
/// what the searcher reads; no token is split, as a break never falls inside one.
pub struct LineBreaker<R> {
    inner: R,
    /// Offset of the next byte read.
    pos: u64,
    /// Where the searcher's current line starts (after a real or a made break).
    seg_start: u64,
    /// Where the file's own current line starts.
    line_start: u64,
    log: Rc<RefCell<BreakLog>>,
}

impl<R> LineBreaker<R> {
    /// Breaks `inner`'s long lines, logging into `log`.
    pub fn new(inner: R, log: Rc<RefCell<BreakLog>>) -> Self {
        Self { inner, pos: 0, seg_start: 0, line_start: 0, log }
    }

    fn mark(&mut self, buf: &mut [u8]) {
        let base = self.pos;
        let mut i = 0;
        while i < buf.len() {
            let seg_len = base + i as u64 - self.seg_start;
            if seg_len < SOFT_LINE_BYTES {
                // Within the limit: only the last newline in reach matters (every line before it
                // in the window is shorter than the window).
                let room = usize::try_from(SOFT_LINE_BYTES - seg_len).unwrap_or(usize::MAX).min(buf.len() - i);
                if let Some(j) = memchr::memrchr(b'\n', &buf[i..i + room]) {
                    self.line_start = base + (i + j + 1) as u64;
                    self.seg_start = self.line_start;
                }
                i += room;
                continue;
            }
            let at = if seg_len >= HARD_LINE_BYTES {
                // A run of token characters longer than any token: no token is lost by cutting it.
                Some(i)
            } else {
                let room = usize::try_from(HARD_LINE_BYTES - seg_len).unwrap_or(usize::MAX).min(buf.len() - i);
                let found = buf[i..i + room].iter().position(|b| !find::in_run(*b)).map(|j| i + j);
                if found.is_none() {
                    i += room;
                }
                found
            };
            let Some(at) = at else { continue };
            let offset = base + at as u64;
            if buf[at] == b'\n' {
                self.line_start = offset + 1;
            } else {
                buf[at] = b'\n';
                self.log.borrow_mut().pending.push_back(Break { at: offset, line_start: self.line_start });
            }
            self.seg_start = offset + 1;
            i = at + 1;
        }
        self.pos += buf.len() as u64;
        self.log.borrow_mut().read = self.pos;
    }
}

impl<R: Read> Read for LineBreaker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.mark(&mut buf[..n]);
        Ok(n)
    }
}

/// The file's name as text: a name that is not UTF-8 keeps its bytes visible as `\xFF` escapes
/// (never U+FFFD, which would name another file), and a backslash in it is doubled.
#[must_use]
pub fn shown(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        // A backslash is doubled, so `\xFF` written in a name never reads as the byte FF.
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for b in chunk.invalid() {
            use std::fmt::Write as _;
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broken(input: &[u8], chunk: usize) -> (Vec<u8>, Vec<Break>) {
        let log = Rc::new(RefCell::new(BreakLog::default()));
        let mut breaker = LineBreaker::new(input, Rc::clone(&log));
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk];
        loop {
            let n = breaker.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        let breaks = log.borrow().pending.iter().copied().collect();
        (out, breaks)
    }

    /// A line past the soft limit is broken at its first byte that cannot be in a token, in any
    /// read size; short lines are untouched.
    #[test]
    fn long_lines_break_where_no_token_can_be() {
        let soft = usize::try_from(SOFT_LINE_BYTES).unwrap();
        let mut input = b"short line\n".to_vec();
        let line_start = input.len() as u64;
        input.extend(std::iter::repeat_n(b'a', soft + 10));
        input.extend_from_slice(b"xyz \"eyJ rest\nnext\n");
        for chunk in [7, 4096, 64 * 1024, 3 * soft] {
            let (out, breaks) = broken(&input, chunk);
            assert_eq!(out.len(), input.len());
            let space = input[11..].iter().position(|b| *b == b' ').unwrap() + 11;
            assert_eq!(breaks, vec![Break { at: space as u64, line_start }], "read size {chunk}");
            assert_eq!(out[space], b'\n');
            let mut expected = input.clone();
            expected[space] = b'\n';
            assert_eq!(out, expected);
        }
        let (out, breaks) = broken(b"a\nb c\n", 3);
        assert_eq!(out, b"a\nb c\n");
        assert!(breaks.is_empty());
    }

    /// The sink's correction: lines counted without the made breaks, columns from the file's
    /// own line start.
    #[test]
    fn places_count_the_files_own_lines() {
        let mut log = BreakLog::default();
        log.pending.push_back(Break { at: 2_000_000, line_start: 11 });
        log.pending.push_back(Break { at: 3_500_000, line_start: 11 });
        // Before any break: as the searcher counts.
        assert_eq!(log.place(1, 0, 4), (1, 5));
        // The segment after the first break is still the file's line 2.
        assert_eq!(log.place(3, 2_000_001, 2_000_010), (2, 2_000_000));
        // After the second: one more break passed, same file line.
        assert_eq!(log.place(4, 3_500_001, 3_500_001), (2, 3_499_991));
        // A real line after them.
        assert_eq!(log.place(5, 3_600_000, 3_600_002), (3, 3));
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_keep_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let p = Path::new(std::ffi::OsStr::from_bytes(b"logs/a\xff\xfeb.log"));
        assert_eq!(shown(p), "logs/a\\xFF\\xFEb.log");
        assert_eq!(shown(Path::new("plain/ü.log")), "plain/ü.log");
        // A backslash written in a name is doubled: never taken for an escaped byte.
        assert_eq!(shown(Path::new("logs/a\\xFFb.log")), "logs/a\\\\xFFb.log");
    }

    #[test]
    fn gzip_is_known_by_its_bytes_not_its_name() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"inside\n").unwrap();
        let gz = gz.finish().unwrap();
        let mut out = String::new();
        text(&gz[..], None).unwrap().read_to_string(&mut out).unwrap();
        assert_eq!(out, "inside\n");
        out.clear();
        text(&b"plain text\n"[..], None).unwrap().read_to_string(&mut out).unwrap();
        assert_eq!(out, "plain text\n");
    }

    /// A small file that decompresses past its cap stops with a message that says why.
    #[test]
    fn a_decompression_bomb_stops_at_its_cap() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gz, &vec![b'a'; 4 << 20]).unwrap();
        let gz = gz.finish().unwrap();
        let raw = BufReader::new(&gz[..]);
        let mut capped = Gunzipped { inner: flate2::bufread::MultiGzDecoder::new(raw), out: 0, cap: 1 << 20 };
        let mut sink = Vec::new();
        let err = capped.read_to_end(&mut sink).unwrap_err();
        assert_eq!(sink.len(), 1 << 20);
        assert!(err.to_string().contains("decompresses to more than 1,048,576 bytes"), "{err}");
    }

    #[test]
    fn utf16_is_read_as_utf8() {
        let mut utf16 = vec![0xFF, 0xFE];
        for c in "token=eyJ\n".encode_utf16() {
            utf16.extend_from_slice(&c.to_le_bytes());
        }
        let mut out = String::new();
        text(&utf16[..], None).unwrap().read_to_string(&mut out).unwrap();
        assert_eq!(out, "token=eyJ\n");
        out.clear();
        text(&b"\xEF\xBB\xBFbom\n"[..], None).unwrap().read_to_string(&mut out).unwrap();
        assert_eq!(out, "bom\n");
    }

    /// UTF-16 without a byte order mark, either order, is decoded; binary data with NULs and
    /// plain text are not taken for it.
    #[test]
    fn utf16_without_a_mark_is_told_from_binary() {
        let line = "time=12:00 token=eyJ\r\n";
        for big_endian in [false, true] {
            let bytes: Vec<u8> =
                line.encode_utf16().flat_map(|c| if big_endian { c.to_be_bytes() } else { c.to_le_bytes() }).collect();
            let mut out = String::new();
            text(&bytes[..], None).unwrap().read_to_string(&mut out).unwrap();
            assert_eq!(out, line, "big endian: {big_endian}");
        }
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
        elf.extend_from_slice(&[0u8; 64]);
        assert_eq!(utf16_without_bom(&elf), None);
        assert_eq!(utf16_without_bom(b"plain ascii text, long enough to judge"), None);
    }

    #[cfg(unix)]
    #[test]
    fn pipes_never_hang_an_open_and_a_given_pipe_waits_for_its_writer() {
        let dir = std::env::temp_dir().join(format!("tokenbench-source-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = open_regular(&fifo).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (a named pipe): not read");
        // A key file that is a pipe without a writer reads as empty instead of hanging.
        let mut out = Vec::new();
        limits::open_without_blocking(&fifo).unwrap().read_to_end(&mut out).unwrap();
        assert!(out.is_empty());
        // Given to the scan by name, it waits for its writer, who may come later, and is read.
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(300));
                std::fs::write(fifo, b"late\n").unwrap();
            })
        };
        open_given(&fifo).unwrap().read_to_end(&mut out).unwrap();
        writer.join().unwrap();
        assert_eq!(out, b"late\n");
    }
}
