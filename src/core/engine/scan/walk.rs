//! Reading what the scan is given: files and folders walked on every core, each file searched
//! line by line with bounded memory.
//!
//! Folders are walked with `ignore`'s parallel walker with every filter off: a leak scan must see
//! hidden files and what `.gitignore` hides (a `.env`, a `logs/` folder), and symbolic links are
//! not followed (a link out of the folder is not the folder's content, and a loop is never
//! walked). Each file is read as [`source`] says (gzip by its bytes, UTF-16 decoded, binary files
//! read too, long lines broken where no token can be) and searched by `grep-searcher` (ripgrep's
//! searcher) with the [`TokenFinder`].
//!
//! Nothing is left out in silence. A path given that is not read (a socket, kernel state, a file
//! that cannot be opened) is *unreadable*, and so is a file read only in part (a damaged gzip
//! member, a decompression bomb): the scan then cannot say the paths hold no live token. What a
//! folder holds that is not content (links, pipes, sockets, devices, kernel state) is *skipped*
//! and listed. A path given twice, or inside a folder also given, is read once.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};

use grep_searcher::{
    BinaryDetection, Searcher, SearcherBuilder, Sink, SinkContext, SinkContextKind, SinkFinish, SinkMatch,
};
use ignore::{WalkBuilder, WalkState};

use super::context::{self, PREVIOUS_LINE_BYTES, PREVIOUS_LINES};
use super::find::TokenFinder;
use super::source::{self, BreakLog, HARD_LINE_BYTES, LineBreaker};
use super::{PLACES_KEPT, Place, ScanProgress, Unreadable};

/// What the walk found: every occurrence, grouped by token text, and the counts.
#[derive(Debug, Default)]
pub struct Walked {
    /// Each distinct token and its places, at most [`PLACES_KEPT`] of each.
    pub occurrences: HashMap<String, Vec<Place>>,
    /// Places found past [`PLACES_KEPT`], counted per token.
    pub dropped: HashMap<String, u64>,
    /// Files read to their end.
    pub files_scanned: u64,
    /// Files read only in part (each is also in `unreadable`, saying why).
    pub files_partly: u64,
    /// Bytes searched (decompressed for gzip, decoded for UTF-16), partly read files included.
    pub bytes_scanned: u64,
    /// Paths that could not be read, or only in part, and why.
    pub unreadable: Vec<Unreadable>,
    /// What the folders hold that is not content (links, pipes, sockets, devices, kernel state).
    pub skipped: Vec<Unreadable>,
}

impl Walked {
    fn merge(&mut self, sink: FileSink<'_>, failed: Option<Unreadable>) {
        self.bytes_scanned += sink.bytes;
        for (token, dropped) in sink.dropped {
            *self.dropped.entry(token).or_default() += dropped;
        }
        for (token, places) in sink.hits {
            let kept = self.occurrences.entry(token.clone()).or_default();
            let room = PLACES_KEPT.saturating_sub(kept.len());
            let over = places.len().saturating_sub(room);
            kept.extend(places.into_iter().take(room));
            if over > 0 {
                *self.dropped.entry(token).or_default() += over as u64;
            }
        }
        match failed {
            // What was read before the error stands; the file is counted as read in part.
            Some(unreadable) => {
                self.files_partly += 1;
                self.unreadable.push(unreadable);
            }
            None => self.files_scanned += 1,
        }
    }
}

/// Walks `paths` on `threads` threads (0: one per core) and searches every regular file.
#[must_use]
pub fn walk(paths: &[PathBuf], threads: usize) -> Walked {
    walk_with(paths, threads, None)
}

/// [`walk`], counting into `progress` as it reads and stopping when it is cancelled.
#[must_use]
pub fn walk_with(paths: &[PathBuf], threads: usize, progress: Option<&ScanProgress>) -> Walked {
    let shared = Arc::new(Mutex::new(Walked::default()));
    let lock =
        |w: &Arc<Mutex<Walked>>| -> Walked { std::mem::take(&mut *w.lock().unwrap_or_else(PoisonError::into_inner)) };
    // Kernel state is not files: reading /proc/kmsg blocks until the kernel logs something (and
    // takes the message from the system log), /dev/zero never ends. Such paths are not read.
    let (kernel, paths): (Vec<&PathBuf>, Vec<&PathBuf>) = once_each(paths).into_iter().partition(|p| kernel_state(p));
    for p in kernel {
        shared.lock().unwrap_or_else(PoisonError::into_inner).unreadable.push(kernel_unreadable(p));
    }
    let Some((first, rest)) = paths.split_first() else {
        return lock(&shared);
    };
    let mut builder = WalkBuilder::new(first);
    for p in rest {
        builder.add(p);
    }
    builder.standard_filters(false).follow_links(false).threads(threads);
    let skipped = Arc::clone(&shared);
    builder.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir && kernel_state(entry.path()) {
            skipped.lock().unwrap_or_else(PoisonError::into_inner).skipped.push(kernel_unreadable(entry.path()));
            return false;
        }
        true
    });
    let finder = TokenFinder::shared();
    builder.build_parallel().run(|| {
        let shared = Arc::clone(&shared);
        let mut searcher = searcher();
        Box::new(move |entry| {
            if progress.is_some_and(ScanProgress::is_cancelled) {
                return WalkState::Quit;
            }
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    shared.lock().unwrap_or_else(PoisonError::into_inner).unreadable.push(walk_error(&e));
                    return WalkState::Continue;
                }
            };
            let given = entry.depth() == 0;
            let readable = entry.is_stdin() || entry.file_type().is_some_and(|t| t.is_file() || (given && is_fifo(t)));
            if !readable {
                match entry.file_type() {
                    // Folders are walked into.
                    Some(t) if t.is_dir() => {}
                    kind => {
                        let reason = format!(
                            "{}: not read{}",
                            kind.map_or("not a regular file", source::kind_of),
                            if kind.is_some_and(|t| t.is_symlink()) { " (links are not followed)" } else { "" }
                        );
                        let item = Unreadable { path: super::scrubbed(&source::shown(entry.path())), reason };
                        let mut walked = shared.lock().unwrap_or_else(PoisonError::into_inner);
                        if given { walked.unreadable.push(item) } else { walked.skipped.push(item) }
                    }
                }
                return WalkState::Continue;
            }
            let path = entry.path();
            let shown: Arc<str> =
                if entry.is_stdin() { "(standard input)".into() } else { super::scrubbed(&source::shown(path)).into() };
            let mut sink = FileSink::new(finder, Arc::clone(&shown), Arc::from(path));
            let failed = search(&mut searcher, finder, &entry, &mut sink, progress)
                .err()
                .map(|e| Unreadable { path: shown.to_string(), reason: read_error(&e, sink.bytes) });
            if let Some(p) = progress {
                // A file stopped by the cancel switch is neither scanned nor unreadable.
                if p.is_cancelled() {
                    return WalkState::Quit;
                }
                p.file_done();
            }
            match (failed, sink.opened && sink.bytes > 0) {
                // Nothing read at all: unreadable, not a file read in part.
                (Some(u), false) => shared.lock().unwrap_or_else(PoisonError::into_inner).unreadable.push(u),
                (failed, _) => shared.lock().unwrap_or_else(PoisonError::into_inner).merge(sink, failed),
            }
            WalkState::Continue
        })
    });
    let mut walked = lock(&shared);
    walked.unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    walked.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    walked
}

/// `paths` without those read through another: the same file or folder given twice, or a path
/// inside a folder also given (each is read once, its places counted once).
fn once_each(paths: &[PathBuf]) -> Vec<&PathBuf> {
    let real: Vec<Option<PathBuf>> = paths.iter().map(|p| std::fs::canonicalize(p).ok()).collect();
    let is_dir: Vec<bool> = real.iter().map(|r| r.as_ref().is_some_and(|r| r.is_dir())).collect();
    paths
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            // A path that cannot be resolved (`-`, a missing file) is read once as written.
            let Some(mine) = &real[*i] else { return !paths[..*i].contains(&paths[*i]) };
            !real.iter().enumerate().any(|(j, other)| {
                other.as_ref().is_some_and(|other| {
                    (j < *i && other == mine) || (j != *i && is_dir[j] && other != mine && mine.starts_with(other))
                })
            })
        })
        .map(|(_, p)| p)
        .collect()
}

fn is_fifo(t: std::fs::FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        t.is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = t;
        false
    }
}

/// The folders of kernel state on Linux.
const KERNEL_STATE: [&str; 3] = ["/proc", "/sys", "/dev"];

/// True when `path` is (or lies inside) one of [`KERNEL_STATE`], however it was written.
fn kernel_state(path: &Path) -> bool {
    let Ok(real) = std::fs::canonicalize(path) else { return false };
    KERNEL_STATE.iter().any(|k| real.starts_with(k))
}

fn kernel_unreadable(path: &Path) -> Unreadable {
    Unreadable {
        path: super::scrubbed(&source::shown(path)),
        reason: "kernel state (/proc, /sys, /dev), not files: not read (a read there can block forever)".into(),
    }
}

fn searcher() -> Searcher {
    SearcherBuilder::new()
        // Binary files are searched too: a token in a database file is a leak all the same.
        .binary_detection(BinaryDetection::none())
        // `source::text` decodes UTF-16 itself, before the lines are bounded.
        .bom_sniffing(false)
        .line_number(true)
        .before_context(PREVIOUS_LINES)
        // The line breaker keeps every line under this; the limit only guards the guard.
        .heap_limit(Some(usize::try_from(HARD_LINE_BYTES).unwrap_or(usize::MAX) + 64 * 1024))
        .build()
}

fn search(
    searcher: &mut Searcher,
    finder: &TokenFinder,
    entry: &ignore::DirEntry,
    sink: &mut FileSink<'_>,
    progress: Option<&ScanProgress>,
) -> std::io::Result<()> {
    let path = entry.path();
    let (raw, size): (Box<dyn Read>, Option<u64>) = if entry.is_stdin() {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        // A path given may be a named pipe (`<(zcat log.gz)`); one met in a folder is a regular
        // file, checked again on the open file (it may have changed since it was listed).
        let file = if entry.depth() == 0 { source::open_given(path)? } else { source::open_regular(path)? };
        let size = file.metadata().ok().filter(std::fs::Metadata::is_file).map(|m| m.len());
        (Box::new(file), size)
    };
    sink.opened = true;
    let total = Rc::new(std::cell::Cell::new(0));
    let text = source::text(Counted { inner: raw, progress, total: Rc::clone(&total) }, size)?;
    let reader = LineBreaker::new(text, Rc::clone(&sink.breaks));
    let outcome = searcher.search_reader(finder, reader, &mut *sink);
    // On an error the searcher never finishes: what went through the breaker was read.
    sink.bytes = sink.bytes.max(sink.breaks.borrow().read);
    outcome?;
    // A file cut while it was read (logrotate's copytruncate) ends early with no error: what
    // was past the cut was never searched.
    shrunk(size, total.get()).map_or(Ok(()), Err)
}

/// The error of a file that had `size` bytes when opened and gave only `read` before its end.
fn shrunk(size: Option<u64>, read: u64) -> Option<std::io::Error> {
    let size = size.filter(|size| read < *size)?;
    Some(std::io::Error::other(format!(
        "the file shrank while it was read ({} bytes when opened, {} read): it changed during the scan",
        crate::core::text::thousands(size),
        crate::core::text::thousands(read)
    )))
}

/// A file read with its bytes counted into the scan's progress; a read after the cancel switch
/// fails, which ends the file's search at once.
struct Counted<'p, R> {
    inner: R,
    progress: Option<&'p ScanProgress>,
    /// Bytes read from the file itself (compressed for gzip).
    total: Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.progress.is_some_and(ScanProgress::is_cancelled) {
            return Err(std::io::Error::other("the scan was cancelled"));
        }
        let n = self.inner.read(buf)?;
        self.total.set(self.total.get() + n as u64);
        if let Some(progress) = self.progress {
            progress.read(n);
        }
        Ok(n)
    }
}

/// Why a file could not be read to its end, in words that name the cause and how far it got.
fn read_error(e: &std::io::Error, read: u64) -> String {
    let text = e.to_string();
    let text = if text.contains("allocation limit") {
        format!("a line is longer than {} bytes", crate::core::text::thousands(HARD_LINE_BYTES))
    } else {
        text
    };
    if read == 0 {
        return text;
    }
    format!(
        "{text}; read in part: tokens in its first {} bytes are reported, any after them are not",
        crate::core::text::thousands(read)
    )
}

/// An error of the walk (a path that does not exist, a folder that cannot be listed), with the
/// path it is about.
fn walk_error(e: &ignore::Error) -> Unreadable {
    let mut err = e;
    let mut path: Option<&Path> = None;
    loop {
        match err {
            ignore::Error::WithPath { path: p, err: inner } => {
                path = path.or(Some(p));
                err = inner;
            }
            ignore::Error::WithDepth { err: inner, .. } | ignore::Error::WithLineNumber { err: inner, .. } => {
                err = inner;
            }
            _ => break,
        }
    }
    match path {
        Some(p) => Unreadable { path: super::scrubbed(&source::shown(p)), reason: super::scrubbed(&err.to_string()) },
        None => Unreadable { path: String::new(), reason: e.to_string() },
    }
}

/// Collects one file's tokens as the searcher reports its matching lines.
struct FileSink<'a> {
    finder: &'a TokenFinder,
    path: Arc<str>,
    file: Arc<Path>,
    hits: HashMap<String, Vec<Place>>,
    /// Places past [`PLACES_KEPT`] in this file, counted per token.
    dropped: HashMap<String, u64>,
    /// The last lines before the next match (their ends), with their searcher line numbers.
    recent: VecDeque<(u64, Vec<u8>)>,
    /// The breaks the line breaker made, to count the file's own lines.
    breaks: Rc<RefCell<BreakLog>>,
    /// Whether the file was opened (an error before is unreadable, after it a partial read).
    opened: bool,
    bytes: u64,
}

impl<'a> FileSink<'a> {
    fn new(finder: &'a TokenFinder, path: Arc<str>, file: Arc<Path>) -> Self {
        Self {
            finder,
            path,
            file,
            hits: HashMap::new(),
            dropped: HashMap::new(),
            recent: VecDeque::with_capacity(PREVIOUS_LINES + 1),
            breaks: Rc::default(),
            opened: false,
            bytes: 0,
        }
    }

    fn remember(&mut self, line_number: u64, line: &[u8]) {
        let line = strip_terminator(line);
        let tail = &line[line.len().saturating_sub(PREVIOUS_LINE_BYTES)..];
        if self.recent.len() == PREVIOUS_LINES {
            self.recent.pop_front();
        }
        self.recent.push_back((line_number, tail.to_vec()));
    }
}

fn strip_terminator(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

impl Sink for FileSink<'_> {
    type Error = std::io::Error;

    fn matched(&mut self, _: &Searcher, mat: &SinkMatch<'_>) -> Result<bool, Self::Error> {
        let line_number = mat.line_number().unwrap_or(0);
        let line = strip_terminator(mat.bytes());
        let line_start = mat.absolute_byte_offset();
        let first = line_number.saturating_sub(PREVIOUS_LINES as u64);
        let previous: Vec<&[u8]> =
            self.recent.iter().filter(|(n, _)| (first..line_number).contains(n)).map(|(_, l)| l.as_slice()).collect();
        for found in self.finder.find_iter(line) {
            let text = found.token.text;
            // Past the places kept, a place is only counted: no context read, no memory held.
            if self.hits.get(&text).is_some_and(|kept| kept.len() >= PLACES_KEPT) {
                *self.dropped.entry(text).or_default() += 1;
                continue;
            }
            let offset = line_start + found.range.start as u64;
            let (file_line, column) = self.breaks.borrow_mut().place(line_number, line_start, offset);
            let place = Place {
                path: Arc::clone(&self.path),
                file: Arc::clone(&self.file),
                line: file_line,
                column,
                offset,
                context: context::classify(&previous, line, found.range.start),
            };
            self.hits.entry(text).or_default().push(place);
        }
        self.remember(line_number, mat.bytes());
        Ok(true)
    }

    fn context(&mut self, _: &Searcher, ctx: &SinkContext<'_>) -> Result<bool, Self::Error> {
        if *ctx.kind() == SinkContextKind::Before {
            self.remember(ctx.line_number().unwrap_or(0), ctx.bytes());
        }
        Ok(true)
    }

    fn finish(&mut self, _: &Searcher, finish: &SinkFinish) -> Result<(), Self::Error> {
        self.bytes = finish.byte_count();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> String {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/samples/01-oidc-id-token-rs256.jwt"))
            .trim()
            .to_owned()
    }

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tokenbench-walk-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn places(walked: &Walked) -> Vec<(String, u64, u64)> {
        let mut at: Vec<(String, u64, u64)> =
            walked.occurrences[&token()].iter().map(|p| (p.path.to_string(), p.line, p.column)).collect();
        at.sort();
        at
    }

    /// Memory stays bounded and nothing after a huge line is lost: a line past the soft limit
    /// is broken where no token can be, and every token is placed at its file's own line and
    /// column, read again from its offset.
    #[test]
    fn tokens_after_a_huge_line_are_found_at_their_own_place() {
        let dir = folder("long-line");
        let soft = usize::try_from(source::SOFT_LINE_BYTES).unwrap();
        let long = format!(
            "Authorization: Bearer {t}\n{}, {pad} and then Bearer {t} ends\nafter: {t}\n",
            "x".repeat(soft + 100),
            t = token(),
            pad = "y".repeat(soft)
        );
        std::fs::write(dir.join("long.log"), &long).unwrap();
        let walked = walk(std::slice::from_ref(&dir), 2);
        assert!(walked.unreadable.is_empty(), "{:?}", walked.unreadable);
        assert_eq!(walked.files_scanned, 1);
        assert_eq!(walked.bytes_scanned, long.len() as u64);
        let path = dir.join("long.log").display().to_string();
        let second = long.lines().nth(1).unwrap().find("eyJ").unwrap() as u64 + 1;
        assert_eq!(places(&walked), vec![(path.clone(), 1, 23), (path.clone(), 2, second), (path, 3, 8)]);
        for place in &walked.occurrences[&token()] {
            assert_eq!(super::super::reread::token_at(place, &super::super::fingerprint(&token())).unwrap(), token());
        }
    }

    /// A file shorter at its end than when it was opened was cut during the scan: read in part,
    /// and said so with both sizes; a file that grew (a log being written) is no error.
    #[test]
    fn a_file_that_shrinks_while_read_is_named() {
        let e = shrunk(Some(104_857_727), 32_374_784).unwrap();
        assert_eq!(
            e.to_string(),
            "the file shrank while it was read (104,857,727 bytes when opened, 32,374,784 read): it changed during the scan"
        );
        assert!(shrunk(Some(100), 100).is_none());
        assert!(shrunk(Some(100), 150).is_none(), "grown while read");
        assert!(shrunk(None, 0).is_none(), "a pipe has no size");
        assert_eq!(
            read_error(&e, 10_158_112).split("; ").nth(1),
            Some("read in part: tokens in its first 10,158,112 bytes are reported, any after them are not")
        );
    }

    /// Binary files are read too: a token after NUL bytes (a database page, a core dump) is found.
    #[test]
    fn binary_files_are_searched() {
        let dir = folder("binary");
        let mut bytes = vec![0u8; 5000];
        bytes.extend_from_slice(format!("\x01\x02{}\0\0", token()).as_bytes());
        std::fs::write(dir.join("db.sqlite"), &bytes).unwrap();
        let walked = walk(std::slice::from_ref(&dir), 2);
        let place = &walked.occurrences[&token()][0];
        assert_eq!((place.line, place.column, place.offset), (1, 5003, 5002));
        assert_eq!(walked.files_scanned, 1);
    }

    /// A path given twice, or a file inside a folder also given, is read once.
    #[test]
    fn overlapping_paths_are_read_once() {
        let dir = folder("overlap");
        std::fs::write(dir.join("a.log"), format!("token={}\n", token())).unwrap();
        let walked = walk(&[dir.join("a.log"), dir.clone(), dir.join("."), dir.join("a.log")], 2);
        assert_eq!(walked.files_scanned, 1);
        assert_eq!(walked.occurrences[&token()].len(), 1);
    }

    /// Gzip is known by its bytes; a damaged or cut gzip file is read in part and said so.
    #[test]
    fn gzip_by_content_and_damaged_gzip_read_in_part() {
        let dir = folder("gzip");
        std::fs::write(dir.join("plain.gz"), format!("token={}\n", token())).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, format!("a={}\n", token()).repeat(2000).as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        std::fs::write(dir.join("rotated.1"), &gz).unwrap();
        std::fs::write(dir.join("cut.log.gz"), &gz[..gz.len() - 20]).unwrap();
        let mut garbage = gz.clone();
        garbage.extend_from_slice(b"not gzip at all");
        std::fs::write(dir.join("trailing.log.gz"), &garbage).unwrap();
        let walked = walk(std::slice::from_ref(&dir), 2);
        assert_eq!(walked.files_scanned, 2, "plain.gz and rotated.1: {:?}", walked.unreadable);
        assert_eq!(walked.files_partly, 2);
        let reasons: Vec<(&str, &str)> =
            walked.unreadable.iter().map(|u| (u.path.rsplit('/').next().unwrap(), u.reason.as_str())).collect();
        assert_eq!(reasons.len(), 2);
        assert_eq!(reasons[0].0, "cut.log.gz");
        assert!(reasons[0].1.starts_with("the gzip data is damaged after"), "{}", reasons[0].1);
        assert!(reasons[0].1.contains("read in part"), "{}", reasons[0].1);
        assert_eq!(reasons[1].0, "trailing.log.gz");
        // The whole first member was read before the garbage (the first thousand places kept,
        // the others counted).
        let alone = walk(&[dir.join("trailing.log.gz")], 2);
        let kept = alone.occurrences[&token()].len() as u64;
        assert_eq!((kept, kept + alone.dropped[&token()]), (1000, 2000));
    }

    /// A UTF-16 log is decoded: its places count the decoded text, and read again they give
    /// the token.
    #[test]
    fn utf16_logs_are_decoded_and_read_again() {
        let dir = folder("utf16");
        let mut bytes = vec![0xFF, 0xFE];
        for c in format!("first line\r\nuser=ü token={}\r\n", token()).encode_utf16() {
            bytes.extend_from_slice(&c.to_le_bytes());
        }
        std::fs::write(dir.join("events.txt"), &bytes).unwrap();
        let walked = walk(std::slice::from_ref(&dir), 2);
        let place = &walked.occurrences[&token()][0];
        assert_eq!((place.line, place.column), (2, 15), "columns count UTF-8 bytes of the decoded text");
        assert_eq!(super::super::reread::token_at(place, &super::super::fingerprint(&token())).unwrap(), token());
    }

    /// A named pipe given by name is read (`<(zcat log.gz)`); one met in a folder is listed as
    /// skipped; nothing blocks.
    #[cfg(unix)]
    #[test]
    fn pipes_given_are_read_and_pipes_met_are_skipped() {
        let dir = folder("pipes");
        let fifo = dir.join("pipe");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let walked = walk(std::slice::from_ref(&dir), 2);
        assert_eq!(walked.skipped.len(), 1);
        assert_eq!(walked.skipped[0].reason, "a named pipe: not read");
        assert!(walked.unreadable.is_empty());
        let writer = {
            let fifo = fifo.clone();
            let text = format!("token={}\n", token());
            std::thread::spawn(move || std::fs::write(fifo, text).unwrap())
        };
        let walked = walk(std::slice::from_ref(&fifo), 2);
        writer.join().unwrap();
        assert_eq!(walked.files_scanned, 1);
        assert_eq!(walked.occurrences[&token()].len(), 1);
    }

    /// A name that is not UTF-8 is shown with its bytes escaped, and the token is read again
    /// from the real file.
    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_shown_escaped_and_read_again() {
        use std::os::unix::ffi::OsStrExt;
        let dir = folder("names");
        let name = std::ffi::OsStr::from_bytes(b"a\xffb.log");
        std::fs::write(dir.join(name), format!("token={}\n", token())).unwrap();
        let walked = walk(std::slice::from_ref(&dir), 2);
        let place = &walked.occurrences[&token()][0];
        assert!(place.path.ends_with("/a\\xFFb.log"), "{}", place.path);
        assert_eq!(super::super::reread::token_at(place, &super::super::fingerprint(&token())).unwrap(), token());
    }

    /// The cancel switch stops a file between two read buffers: a large file is not read to its
    /// end once the user pressed Cancel; every buffer before it is counted.
    #[test]
    fn a_cancelled_scan_stops_a_file_at_its_next_read() {
        let progress = ScanProgress::default();
        let mut file = Counted { inner: &[7u8; 100][..], progress: Some(&progress), total: Rc::default() };
        let mut buf = [0u8; 40];
        assert_eq!(file.read(&mut buf).unwrap(), 40);
        assert_eq!(progress.bytes(), 40);
        progress.cancel();
        let err = file.read(&mut buf).unwrap_err();
        assert_eq!(err.to_string(), "the scan was cancelled");
        assert_eq!(progress.bytes(), 40);
        // Without progress the reader is the file itself.
        let mut plain = Counted { inner: &[7u8; 10][..], progress: None, total: Rc::default() };
        assert_eq!(plain.read(&mut buf).unwrap(), 10);
    }

    /// Symbolic links are not followed, a dangling one is no error, and hidden or ignored files
    /// are scanned.
    #[cfg(unix)]
    #[test]
    fn links_are_not_followed_and_nothing_is_filtered() {
        let dir = folder("links");
        let outside = folder("links-outside");
        std::fs::write(outside.join("elsewhere.log"), format!("token={}\n", token())).unwrap();
        std::os::unix::fs::symlink(outside.join("elsewhere.log"), dir.join("link.log")).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("linked-folder")).unwrap();
        std::os::unix::fs::symlink(dir.join("gone"), dir.join("dangling.log")).unwrap();
        std::fs::write(dir.join(".gitignore"), "*.log\n").unwrap();
        std::fs::write(dir.join(".ignore"), "*.log\n").unwrap();
        std::fs::write(dir.join(".hidden.log"), format!("token={}\n", token())).unwrap();
        let walked = walk(std::slice::from_ref(&dir), 2);
        let paths: Vec<&str> = walked.occurrences[&token()].iter().map(|p| &*p.path).collect();
        assert_eq!(paths, vec![dir.join(".hidden.log").display().to_string()]);
        assert!(walked.unreadable.is_empty(), "{:?}", walked.unreadable);
        assert_eq!(walked.skipped.len(), 3, "the three links are listed: {:?}", walked.skipped);
        assert_eq!(walked.files_scanned, 3, ".gitignore, .ignore and .hidden.log");
    }

    #[cfg(unix)]
    #[test]
    fn kernel_state_is_listed_not_read() {
        let dir = folder("kernel-state");
        std::os::unix::fs::symlink("/proc", dir.join("proc-link")).unwrap();
        let walked = walk(&[PathBuf::from("/proc/kmsg"), PathBuf::from("/dev/zero"), dir], 2);
        let listed: Vec<&str> = walked.unreadable.iter().map(|u| u.path.as_str()).collect();
        assert_eq!(listed, ["/dev/zero", "/proc/kmsg"]);
        assert!(walked.unreadable.iter().all(|u| u.reason.starts_with("kernel state")));
        // A link to it inside a folder is a link: listed as skipped, not followed.
        assert_eq!(walked.skipped.len(), 1);
        assert_eq!(walked.skipped[0].reason, "a symbolic link: not read (links are not followed)");
    }
}
