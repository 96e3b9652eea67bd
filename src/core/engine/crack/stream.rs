//! Streaming the wordlist: newline-aligned chunks handed to workers under a lock (bounded memory
//! for any file size), and each worker's loop: pairing candidates, applying the rules in a reused
//! buffer, counting work and polling the cancel and found flags.

use std::io::Read;
use std::sync::atomic::Ordering;

use super::engine::Engine;
use super::{CHUNK_BYTES, MAX_CANDIDATE_BYTES, POLL_COMPRESSIONS, Progress, RULE_YEARS, Rules};

/// Hands out newline-aligned chunks of the wordlist to workers.
///
/// A read may return any number of bytes (a pipe gives what the writer flushed, a file a page),
/// so nothing is decided from one read: bytes are gathered until the buffer holds
/// [`CHUNK_BYTES`] or the list ends, then cut after the last newline. A line is skipped only
/// when it is known to be longer than [`MAX_CANDIDATE_BYTES`] (that many bytes seen without
/// its newline), and only that line; the last line needs no newline.
pub(super) struct Chunks<R> {
    reader: R,
    /// The start of a line cut by the previous chunk (at most [`MAX_CANDIDATE_BYTES`]).
    carry: Vec<u8>,
    /// Inside a line longer than [`MAX_CANDIDATE_BYTES`]: drop bytes up to its newline.
    skipping: bool,
    /// Before the list's first three bytes were seen: a UTF-8 byte-order mark there (as Windows
    /// editors save text) is dropped, or the first word would carry it and never match.
    at_start: bool,
    eof: bool,
    pub(super) skipped_lines: u64,
    pub(super) error: Option<String>,
}

impl<R: Read> Chunks<R> {
    /// A source over `reader`.
    pub(super) fn new(reader: R) -> Self {
        Self { reader, carry: Vec::new(), skipping: false, at_start: true, eof: false, skipped_lines: 0, error: None }
    }

    /// One read into `buf[start..]`, retried when interrupted; 0 at the end or on an error.
    fn read_into(&mut self, buf: &mut [u8]) -> usize {
        loop {
            match self.reader.read(buf) {
                Ok(n) => return n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.error = Some(e.to_string());
                    return 0;
                }
            }
        }
    }

    /// Fills `buf` with whole lines (the list's last line may lack its newline); false when the
    /// list is exhausted. `buf` never grows past [`CHUNK_BYTES`], and each byte is looked at a
    /// bounded number of times whatever the size of the reads.
    pub(super) fn next(&mut self, buf: &mut Vec<u8>, progress: &Progress) -> bool {
        buf.clear();
        buf.append(&mut self.carry);
        let mut filled = buf.len();
        // Where the unfinished line at the end of `buf[..filled]` starts (the carry is one).
        let mut line_start = 0;
        // Zeroed once per chunk, not once per read: a pipe may give one byte at a time.
        buf.resize(CHUNK_BYTES, 0);
        while !self.eof && filled < CHUNK_BYTES {
            let n = self.read_into(&mut buf[filled..]);
            progress.bytes.fetch_add(n as u64, Ordering::Relaxed);
            if n == 0 {
                self.eof = true;
                break;
            }
            let mut fresh = filled;
            filled += n;
            if self.at_start && filled >= BOM.len() {
                // Nothing before is a whole line yet (the mark holds no newline), so dropping
                // it only moves the fresh bytes' start.
                self.at_start = false;
                if buf.starts_with(&BOM) {
                    buf.copy_within(BOM.len()..filled, 0);
                    filled -= BOM.len();
                    fresh = fresh.saturating_sub(BOM.len());
                }
            }
            if self.skipping {
                // Nothing of an overlong line is kept, so the fresh bytes continue it.
                let Some(nl) = memchr(b'\n', &buf[fresh..filled]) else {
                    filled = fresh;
                    continue;
                };
                buf.copy_within(fresh + nl + 1..filled, fresh);
                filled -= nl + 1;
                self.skipping = false;
            }
            if let Some(nl) = memrchr(b'\n', &buf[fresh..filled]) {
                line_start = fresh + nl + 1;
            }
            fresh = line_start;
            // The unfinished line is known to be too long: skip it, and only it, to its newline.
            if filled - fresh > MAX_CANDIDATE_BYTES {
                filled = fresh;
                self.skipping = true;
                self.skipped_lines += 1;
            }
        }
        buf.truncate(filled);
        if self.eof {
            return !buf.is_empty();
        }
        // A full chunk: its unfinished line (at most MAX_CANDIDATE_BYTES, so a newline precedes
        // it) waits for the next chunk.
        self.carry.extend_from_slice(&buf[line_start..]);
        buf.truncate(line_start);
        true
    }
}

/// The UTF-8 encoding of U+FEFF, the byte-order mark.
const BOM: [u8; 3] = [0xef, 0xbb, 0xbf];

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|b| *b == needle)
}

fn memrchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().rposition(|b| *b == needle)
}

/// One worker's loop state: where a found secret goes and how much work is unreported.
pub(super) struct Worker<'e, 'p> {
    engine: &'e Engine<'e>,
    progress: &'p Progress,
    rules: Rules,
    /// Candidates not yet added to the shared counter.
    pending: u64,
    /// Compressions since the flags were last read.
    work: u64,
    pub(super) tested: u64,
    /// Lines longer than [`MAX_CANDIDATE_BYTES`] met inside a chunk.
    pub(super) skipped: u64,
    scratch: Vec<u8>,
    pub(super) found: Option<Vec<u8>>,
    /// A candidate waiting for a partner, so two are tested at once.
    held: [u8; 128],
    held_len: Option<usize>,
}

impl<'e, 'p> Worker<'e, 'p> {
    /// A worker testing with `engine`, reporting to `progress`.
    pub(super) fn new(engine: &'e Engine<'e>, progress: &'p Progress, rules: Rules) -> Self {
        Self {
            engine,
            progress,
            rules,
            pending: 0,
            work: 0,
            tested: 0,
            skipped: 0,
            scratch: Vec::with_capacity(256),
            found: None,
            held: [0; 128],
            held_len: None,
        }
    }

    /// Takes one candidate: holds it until a second arrives, then tests both. False when the
    /// worker must stop (found, or cancelled).
    #[inline]
    fn try_one(&mut self, candidate: &[u8]) -> bool {
        if candidate.len() > self.engine.block_len() {
            let hit = self.engine.test(candidate);
            return self.account(candidate.len(), hit.then_some(candidate));
        }
        let Some(len) = self.held_len.take() else {
            self.held[..candidate.len()].copy_from_slice(candidate);
            self.held_len = Some(candidate.len());
            return true;
        };
        let [first, second] = self.engine.test_pair(&self.held[..len], candidate);
        let held = self.held;
        let go = self.account(len, first.then_some(&held[..len]));
        self.account(candidate.len(), second.then_some(candidate)) && go
    }

    /// Tests the held candidate alone (at the end of the list or before stopping).
    pub(super) fn drain(&mut self) {
        if let Some(len) = self.held_len.take() {
            let held = self.held;
            let hit = self.engine.test(&held[..len]);
            self.account(len, hit.then_some(&held[..len]));
        }
    }

    /// Counts one tested candidate; records a hit. False when the worker must stop.
    #[inline]
    fn account(&mut self, len: usize, hit: Option<&[u8]>) -> bool {
        self.pending += 1;
        self.work += self.engine.cost(len);
        if let Some(secret) = hit {
            self.found = Some(secret.to_vec());
            self.progress.found.store(true, Ordering::Relaxed);
            self.flush();
            return false;
        }
        if self.work >= POLL_COMPRESSIONS {
            self.flush();
            return !self.progress.stop();
        }
        true
    }

    pub(super) fn flush(&mut self) {
        self.progress.candidates.fetch_add(self.pending, Ordering::Relaxed);
        self.tested += self.pending;
        self.pending = 0;
        self.work = 0;
    }

    /// Tests every line of a chunk (and its rule variants); false when the worker must stop.
    pub(super) fn run_chunk(&mut self, chunk: &[u8]) -> bool {
        for line in chunk.split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            if line.len() > MAX_CANDIDATE_BYTES {
                self.skipped += 1;
                continue;
            }
            let go = if self.rules == Rules::NONE { self.try_one(line) } else { self.with_rules(line) };
            if !go {
                return false;
            }
        }
        true
    }

    fn with_rules(&mut self, line: &[u8]) -> bool {
        let mut scratch = std::mem::take(&mut self.scratch);
        let go = self.rule_variants(line, &mut scratch);
        self.scratch = scratch;
        go
    }

    fn rule_variants(&mut self, line: &[u8], scratch: &mut Vec<u8>) -> bool {
        let cases: &[u8] = if self.rules.case_variants { &[0, 1, 2, 3] } else { &[0] };
        for &case in cases {
            scratch.clear();
            scratch.extend_from_slice(line);
            match case {
                1 => scratch.make_ascii_lowercase(),
                2 => scratch.make_ascii_uppercase(),
                3 => {
                    scratch.make_ascii_lowercase();
                    if let Some(first) = scratch.first_mut() {
                        first.make_ascii_uppercase();
                    }
                }
                _ => {}
            }
            // A case variant equal to the line as written, or to an earlier variant, is skipped.
            if case > 0 && (scratch.as_slice() == line || is_repeat_case(line, scratch, case)) {
                continue;
            }
            let base = scratch.len();
            if !self.try_one(scratch) {
                return false;
            }
            if self.rules.digits {
                for n in 0..110u16 {
                    scratch.truncate(base);
                    // 0-9, then 00-99.
                    if n < 10 {
                        scratch.push(b'0' + u8::try_from(n).unwrap_or(0));
                    } else {
                        let v = u8::try_from(n - 10).unwrap_or(0);
                        scratch.push(b'0' + v / 10);
                        scratch.push(b'0' + v % 10);
                    }
                    if !self.try_one(scratch) {
                        return false;
                    }
                }
            }
            if self.rules.years {
                for year in RULE_YEARS {
                    scratch.truncate(base);
                    let mut y = year;
                    let mut digits = [0u8; 4];
                    for d in digits.iter_mut().rev() {
                        *d = b'0' + u8::try_from(y % 10).unwrap_or(0);
                        y /= 10;
                    }
                    scratch.extend_from_slice(&digits);
                    if !self.try_one(scratch) {
                        return false;
                    }
                }
            }
        }
        true
    }
}

/// True when case variant `case` of `line` (already in `variant`) equals an earlier variant.
fn is_repeat_case(line: &[u8], variant: &[u8], case: u8) -> bool {
    let same = |earlier: u8| -> bool {
        variant.iter().zip(line.iter()).enumerate().all(|(i, (v, l))| {
            let e = match earlier {
                1 => l.to_ascii_lowercase(),
                2 => l.to_ascii_uppercase(),
                _ if i == 0 => l.to_ascii_uppercase(),
                _ => l.to_ascii_lowercase(),
            };
            *v == e
        })
    };
    (1..case).any(same)
}
