//! Reading what the scan is given: files and folders walked on every core, each file searched
//! line by line with bounded memory, gzip files decompressed on the fly.
//!
//! Folders are walked with `ignore`'s parallel walker with every filter off: a leak scan must see
//! hidden files and what `.gitignore` hides (a `.env`, a `logs/` folder), and symbolic links are
//! not followed (a link out of the folder is not the folder's content, and a loop is never
//! walked). Each file is searched by `grep-searcher` (ripgrep's searcher) with the
//! [`TokenFinder`]: a file with a NUL byte is binary and skipped whole, a line longer than
//! [`MAX_LINE_BYTES`] stops that file's scan with a reason (the only memory a search holds is its
//! line buffer), and `.gz` files are read through a `MultiGzDecoder`, so rotated logs
//! (`access.log.2.gz`, several members included) are scanned as the text they hold.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use grep_searcher::{BinaryDetection, Searcher, SearcherBuilder, Sink, SinkFinish, SinkMatch};
use ignore::{WalkBuilder, WalkState};

use super::context;
use super::find::TokenFinder;
use super::{Place, ScanProgress, Unreadable};

/// The longest line searched, in bytes: a file with a longer line is reported unreadable from
/// there on, rather than held whole in memory.
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// What the walk found: every occurrence, grouped by token text, and the counts.
#[derive(Debug, Default)]
pub struct Walked {
    /// Each distinct token and every place it occurs.
    pub occurrences: HashMap<String, Vec<Place>>,
    /// Files searched to the end (binary files excluded).
    pub files_scanned: u64,
    /// Bytes searched (decompressed for `.gz` files).
    pub bytes_scanned: u64,
    /// Files skipped because they hold binary data.
    pub binary_skipped: u64,
    /// Paths that could not be read, and why.
    pub unreadable: Vec<Unreadable>,
}

impl Walked {
    fn merge_file(&mut self, file: FileSink<'_>) {
        if file.binary {
            self.binary_skipped += 1;
            return;
        }
        self.files_scanned += 1;
        self.bytes_scanned += file.bytes;
        self.merge_hits(file);
    }

    fn merge_hits(&mut self, file: FileSink<'_>) {
        if file.binary {
            return;
        }
        for (token, places) in file.hits {
            self.occurrences.entry(token).or_default().extend(places);
        }
    }
}

/// Walks `paths` on `threads` threads (0: one per core) and searches every regular file.
#[must_use]
pub fn walk(paths: &[PathBuf], threads: usize) -> Walked {
    walk_lines_up_to(paths, threads, MAX_LINE_BYTES, None)
}

/// [`walk`], counting into `progress` as it reads and stopping when it is cancelled.
#[must_use]
pub fn walk_with(paths: &[PathBuf], threads: usize, progress: Option<&ScanProgress>) -> Walked {
    walk_lines_up_to(paths, threads, MAX_LINE_BYTES, progress)
}

/// [`walk`] with lines of at most `max_line` bytes.
fn walk_lines_up_to(paths: &[PathBuf], threads: usize, max_line: usize, progress: Option<&ScanProgress>) -> Walked {
    let shared = Arc::new(Mutex::new(Walked::default()));
    // Kernel state is not files: reading /proc/kmsg blocks until the kernel logs something (and
    // takes the message from the system log), /dev/zero never ends. Such paths are listed as not
    // read, whether given or met on the way.
    let (kernel, paths): (Vec<&PathBuf>, Vec<&PathBuf>) = paths.iter().partition(|p| kernel_state(p));
    for p in kernel {
        shared.lock().unwrap_or_else(PoisonError::into_inner).unreadable.push(kernel_unreadable(p));
    }
    let Some((first, rest)) = paths.split_first() else {
        return std::mem::take(&mut *shared.lock().unwrap_or_else(PoisonError::into_inner));
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
            skipped.lock().unwrap_or_else(PoisonError::into_inner).unreadable.push(kernel_unreadable(entry.path()));
            return false;
        }
        true
    });
    let finder = TokenFinder::new();
    builder.build_parallel().run(|| {
        let shared = Arc::clone(&shared);
        let finder = finder.clone();
        let mut searcher = searcher(max_line);
        Box::new(move |entry| {
            if progress.is_some_and(ScanProgress::is_cancelled) {
                return WalkState::Quit;
            }
            let outcome = match entry {
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                    let path = entry.path();
                    let shown: Arc<str> = path.display().to_string().into();
                    let mut sink = FileSink::new(&finder, Arc::clone(&shown));
                    let failed = search(&mut searcher, &finder, path, &mut sink, progress)
                        .err()
                        .map(|e| Unreadable { path: shown.to_string(), reason: read_error(&e, path, max_line) });
                    (Some(sink), failed)
                }
                // Folders are walked into; links, sockets, devices and pipes are not content.
                Ok(_) => return WalkState::Continue,
                Err(e) => (None, Some(walk_error(&e))),
            };
            if let Some(p) = progress {
                // A file stopped by the cancel switch is neither scanned nor unreadable.
                if p.is_cancelled() {
                    return WalkState::Quit;
                }
                p.file_done();
            }
            let mut walked = shared.lock().unwrap_or_else(PoisonError::into_inner);
            match outcome {
                (Some(sink), None) => walked.merge_file(sink),
                // What was found before the error stands; the file is reported, not counted.
                (Some(sink), Some(unreadable)) => {
                    walked.merge_hits(sink);
                    walked.unreadable.push(unreadable);
                }
                (None, Some(unreadable)) => walked.unreadable.push(unreadable),
                (None, None) => {}
            }
            WalkState::Continue
        })
    });
    let mut walked = std::mem::take(&mut *shared.lock().unwrap_or_else(PoisonError::into_inner));
    walked.unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    walked
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
        path: path.display().to_string(),
        reason: "kernel state (/proc, /sys, /dev), not files: not read (a read there can block forever)".into(),
    }
}

fn searcher(max_line: usize) -> Searcher {
    SearcherBuilder::new()
        .binary_detection(BinaryDetection::quit(b'\0'))
        .line_number(true)
        .heap_limit(Some(max_line))
        .build()
}

fn is_gzip(path: &Path) -> bool {
    path.extension().and_then(OsStr::to_str).is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

fn search(
    searcher: &mut Searcher,
    finder: &TokenFinder,
    path: &Path,
    sink: &mut FileSink<'_>,
    progress: Option<&ScanProgress>,
) -> std::io::Result<()> {
    // Without memory maps (the searcher's default) `search_path` is `search_reader` over the
    // opened file, so counting the reads changes nothing in how the file is searched.
    let file = Counted { inner: std::fs::File::open(path)?, progress };
    if is_gzip(path) {
        searcher.search_reader(finder, flate2::read::MultiGzDecoder::new(BufReader::new(file)), sink)
    } else {
        searcher.search_reader(finder, file, sink)
    }
}

/// A file read with its bytes counted into the scan's progress; a read after the cancel switch
/// fails, which ends the file's search at once.
struct Counted<'p, R> {
    inner: R,
    progress: Option<&'p ScanProgress>,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(progress) = self.progress else { return self.inner.read(buf) };
        if progress.is_cancelled() {
            return Err(std::io::Error::other("the scan was cancelled"));
        }
        let n = self.inner.read(buf)?;
        progress.read(n);
        Ok(n)
    }
}

/// Why a file could not be read, in words that name the cause.
fn read_error(e: &std::io::Error, path: &Path, max_line: usize) -> String {
    let text = e.to_string();
    if text.contains("allocation limit") {
        return format!(
            "a line is longer than {} bytes; the file was scanned up to it",
            crate::core::text::thousands(max_line as u64)
        );
    }
    if is_gzip(path) && matches!(e.kind(), std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData) {
        return format!("not a readable gzip file: {text}");
    }
    text
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
        Some(p) => Unreadable { path: p.display().to_string(), reason: err.to_string() },
        None => Unreadable { path: String::new(), reason: e.to_string() },
    }
}

/// Collects one file's tokens as the searcher reports its matching lines.
struct FileSink<'a> {
    finder: &'a TokenFinder,
    path: Arc<str>,
    hits: HashMap<String, Vec<Place>>,
    binary: bool,
    bytes: u64,
}

impl<'a> FileSink<'a> {
    fn new(finder: &'a TokenFinder, path: Arc<str>) -> Self {
        Self { finder, path, hits: HashMap::new(), binary: false, bytes: 0 }
    }
}

impl Sink for FileSink<'_> {
    type Error = std::io::Error;

    fn matched(&mut self, _: &Searcher, mat: &SinkMatch<'_>) -> Result<bool, Self::Error> {
        let line_number = mat.line_number().unwrap_or(0);
        let line = mat.bytes();
        for found in self.finder.find_iter(line) {
            let place = Place {
                path: Arc::clone(&self.path),
                line: line_number,
                column: found.range.start as u64 + 1,
                context: context::classify(&[], line, found.range.start),
            };
            self.hits.entry(found.token.text).or_default().push(place);
        }
        Ok(true)
    }

    fn binary_data(&mut self, _: &Searcher, _: u64) -> Result<bool, Self::Error> {
        // Skipped whole: what was found before the NUL is dropped too, as the file is not text.
        self.binary = true;
        Ok(false)
    }

    fn finish(&mut self, _: &Searcher, finish: &SinkFinish) -> Result<(), Self::Error> {
        self.bytes = finish.byte_count();
        self.binary |= finish.binary_byte_offset().is_some();
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

    /// Memory stays bounded: a line longer than the limit stops that file with a reason, what
    /// was found before it stands, and other files are scanned.
    #[test]
    fn a_line_past_the_limit_stops_its_file_only() {
        let dir = folder("long-line");
        let long = format!("Authorization: Bearer {}\n{}\nafter: {}\n", token(), "x".repeat(8192), token());
        std::fs::write(dir.join("long.log"), long).unwrap();
        std::fs::write(dir.join("short.log"), format!("token={}\n", token())).unwrap();
        let walked = walk_lines_up_to(std::slice::from_ref(&dir), 2, 4096, None);
        let long_path = dir.join("long.log").display().to_string();
        assert_eq!(walked.unreadable.len(), 1);
        assert_eq!(walked.unreadable[0].path, long_path);
        assert_eq!(walked.unreadable[0].reason, "a line is longer than 4,096 bytes; the file was scanned up to it");
        let places = &walked.occurrences[&token()];
        let mut at: Vec<(&str, u64)> = places.iter().map(|p| (&*p.path, p.line)).collect();
        at.sort_unstable();
        let short_path = dir.join("short.log").display().to_string();
        assert_eq!(at, vec![(long_path.as_str(), 1), (short_path.as_str(), 1)]);
        assert_eq!(walked.files_scanned, 1, "the long file is reported, not counted as scanned");
    }

    /// The cancel switch stops a file between two read buffers: a large file is not read to its
    /// end once the user pressed Cancel; every buffer before it is counted.
    #[test]
    fn a_cancelled_scan_stops_a_file_at_its_next_read() {
        let progress = ScanProgress::default();
        let mut file = Counted { inner: &[7u8; 100][..], progress: Some(&progress) };
        let mut buf = [0u8; 40];
        assert_eq!(file.read(&mut buf).unwrap(), 40);
        assert_eq!(progress.bytes(), 40);
        progress.cancel();
        let err = file.read(&mut buf).unwrap_err();
        assert_eq!(err.to_string(), "the scan was cancelled");
        assert_eq!(progress.bytes(), 40);
        // Without progress the reader is the file itself.
        let mut plain = Counted { inner: &[7u8; 10][..], progress: None };
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
        assert_eq!(walked.files_scanned, 3, ".gitignore, .ignore and .hidden.log");
    }

    #[test]
    fn kernel_state_is_listed_not_read() {
        let dir = folder("kernel-state");
        let walked = walk(&[PathBuf::from("/proc/kmsg"), PathBuf::from("/dev/zero"), dir], 2);
        let listed: Vec<&str> = walked.unreadable.iter().map(|u| u.path.as_str()).collect();
        assert_eq!(listed, ["/dev/zero", "/proc/kmsg"]);
        assert!(walked.unreadable.iter().all(|u| u.reason.starts_with("kernel state")));
    }
}
