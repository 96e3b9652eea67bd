//! Weak-secret cracking: HS256/HS384/HS512 tokens tested against a wordlist, at the speed of
//! the CPU's SHA extensions, on every core, with bounded memory and cancellation at any moment.
//!
//! Why it is fast. HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)). A generic HMAC call
//! copies the message, allocates and re-derives everything; here, per candidate:
//! 1. the key block `K ^ ipad` is compressed once from the IV (the inner state),
//! 2. the signing input's whole blocks are compressed straight from the token's bytes (no copy),
//!    then its last padded block(s), built once per token since they never change,
//! 3. `K ^ opad` is compressed from the IV (the outer state), then the one outer block holding
//!    the inner digest and its padding, built on the stack.
//!
//! That is `ceil((L + 9) / B) + 3` compressions for a signing input of L bytes and block size B,
//! the floor for a cracker (the key pads change with every candidate, so they cannot be cached
//! as `openssl speed -hmac` does). Compression is `sha2::block_api::compress256`/`compress512`,
//! which dispatch at run time to SHA-NI (SHA-256) or AVX2 (SHA-512) through `cpufeatures`.
//!
//! Candidates are streamed from any [`Read`] in chunks of [`CHUNK_BYTES`]: each worker takes the
//! next chunk under a lock, cut at its last newline, and tests it without allocating. Workers
//! poll the cancel and found flags every [`POLL_COMPRESSIONS`] compressions (a few tenths of a
//! millisecond), so cancel stops all of them at once.

mod engine;
mod stream;

use std::io::Read;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub use engine::{Engine, Sha256Engine, Sha512Engine};
use engine::{IV384, IV512};
use stream::{Chunks, Worker};

use crate::core::engine::token::Token;

/// The wordlist shipped with the app: commonly published default and example secrets.
pub const BUNDLED_WORDLIST: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/wordlists/common-secrets.txt"));

/// Bytes read from the wordlist per chunk (per worker turn). Memory is bounded by this times the
/// number of workers, whatever the file's size.
pub const CHUNK_BYTES: usize = 1 << 20;

/// Candidates longer than this are skipped (and counted): a line of megabytes is not a secret.
pub const MAX_CANDIDATE_BYTES: usize = 64 * 1024;

/// Workers look at the cancel and found flags after this many compressions: about 0.1 ms of work
/// on one core with SHA-NI, a few ms in an unoptimised debug build.
pub const POLL_COMPRESSIONS: u64 = 4096;

/// The most worker threads a crack runs: far past any core count that helps (the work is pure
/// computation), low enough that asking for a million cannot exhaust the system.
pub const MAX_THREADS: usize = 256;

/// Years appended by the rules (the inclusive range).
pub const RULE_YEARS: std::ops::RangeInclusive<u16> = 1990..=2035;

/// The HMAC algorithm of the token under attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum HmacAlg {
    /// HMAC-SHA-256.
    HS256,
    /// HMAC-SHA-384.
    HS384,
    /// HMAC-SHA-512.
    HS512,
}

impl HmacAlg {
    /// From a JWS `alg` name.
    #[must_use]
    pub fn from_name(alg: &str) -> Option<Self> {
        match alg {
            "HS256" => Some(Self::HS256),
            "HS384" => Some(Self::HS384),
            "HS512" => Some(Self::HS512),
            _ => None,
        }
    }

    /// The JWS `alg` name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
        }
    }

    /// The hash's block size in bytes.
    #[must_use]
    pub fn block_len(self) -> usize {
        match self {
            Self::HS256 => 64,
            Self::HS384 | Self::HS512 => 128,
        }
    }

    /// The MAC's length in bytes (RFC 7518 §3.2 wants a key at least this long).
    #[must_use]
    pub fn mac_len(self) -> usize {
        match self {
            Self::HS256 => 32,
            Self::HS384 => 48,
            Self::HS512 => 64,
        }
    }

    /// Compressions per candidate for a signing input of `len` bytes: the key block, the message
    /// blocks with their padding, the outer key block and the outer block.
    #[must_use]
    pub fn compressions_per_candidate(self, len: usize) -> u64 {
        let b = self.block_len();
        let length_field = if b == 64 { 8 } else { 16 };
        ((len + 1 + length_field).div_ceil(b) + 3) as u64
    }
}

/// Why a token cannot be cracked, or a wordlist not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CrackError {
    /// Only HMAC tokens have a secret to guess.
    #[error("only HS256, HS384 and HS512 tokens can be cracked; this token's alg is {0:?}")]
    NotHmac(String),
    /// A token without a signature.
    #[error("the token has no JWS signature to test candidates against")]
    NoSignature,
    /// An encrypted token (JWE): no MAC to test, and claims that need the key.
    #[error(
        "the token is encrypted (JWE): it carries no HMAC signature to test guesses against, and its claims cannot \
         be read without the key"
    )]
    Encrypted,
    /// The signature has the wrong length for the algorithm.
    #[error("an {alg} signature is {expected} bytes; this one is {found}, so no secret can produce it")]
    SignatureLength {
        /// The algorithm.
        alg: &'static str,
        /// Its MAC length.
        expected: usize,
        /// The token's.
        found: usize,
    },
    /// The wordlist could not be read.
    #[error("cannot read the wordlist {path}: {reason}")]
    Wordlist {
        /// The path.
        path: String,
        /// The operating system's message.
        reason: String,
    },
    /// Zero threads asked for.
    #[error("--threads must be at least 1")]
    NoThreads,
    /// More threads than [`MAX_THREADS`].
    #[error("--threads {0} is more than the {MAX_THREADS} worker threads a crack runs")]
    TooManyThreads(usize),
    /// The system refused a worker thread; the workers already started were stopped.
    #[error("cannot start worker thread {started} of {threads}: {reason}")]
    Spawn {
        /// Threads started before the failure.
        started: usize,
        /// Threads asked for.
        threads: usize,
        /// The operating system's message.
        reason: String,
    },
}

/// What is attacked: the algorithm, the exact signed bytes and the MAC to reproduce.
#[derive(Debug, Clone)]
pub struct Target {
    /// The algorithm.
    pub alg: HmacAlg,
    /// The signing input (`header.payload` exactly as in the token).
    pub signing_input: Vec<u8>,
    /// The MAC.
    pub signature: Vec<u8>,
}

impl Target {
    /// The target of a parsed token (its first signature).
    ///
    /// # Errors
    /// When the token is not an HMAC JWS or its MAC has the wrong length.
    pub fn from_token(token: &Token) -> Result<Self, CrackError> {
        if token.kind == crate::core::engine::token::Kind::Jwe {
            return Err(CrackError::Encrypted);
        }
        let sig = token.signatures.first().ok_or(CrackError::NoSignature)?;
        let alg_name = sig.alg().unwrap_or("(none)");
        let alg = HmacAlg::from_name(alg_name).ok_or_else(|| CrackError::NotHmac(alg_name.to_owned()))?;
        Self::new(alg, sig.signing_input().to_vec(), sig.signature.clone())
    }

    /// A target from its parts.
    ///
    /// # Errors
    /// When the MAC's length does not match the algorithm.
    pub fn new(alg: HmacAlg, signing_input: Vec<u8>, signature: Vec<u8>) -> Result<Self, CrackError> {
        if signature.len() != alg.mac_len() {
            return Err(CrackError::SignatureLength {
                alg: alg.name(),
                expected: alg.mac_len(),
                found: signature.len(),
            });
        }
        Ok(Self { alg, signing_input, signature })
    }

    /// Compressions per candidate for this token.
    #[must_use]
    pub fn compressions_per_candidate(&self) -> u64 {
        self.alg.compressions_per_candidate(self.signing_input.len())
    }

    /// The tester for this target: build once, share across threads.
    #[must_use]
    pub fn engine(&self) -> Engine<'_> {
        match self.alg {
            HmacAlg::HS256 => Engine::Sha256(Sha256Engine::new(&self.signing_input, &self.signature)),
            HmacAlg::HS384 => Engine::Sha512(Sha512Engine::new(&self.signing_input, &self.signature, &IV384, 48)),
            HmacAlg::HS512 => Engine::Sha512(Sha512Engine::new(&self.signing_input, &self.signature, &IV512, 64)),
        }
    }
}

/// Candidate-generation rules applied to every wordlist line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Rules {
    /// As written, lower case, UPPER CASE and Capitalised (ASCII letters).
    pub case_variants: bool,
    /// Appended 0-9 and 00-99.
    pub digits: bool,
    /// Appended years ([`RULE_YEARS`]).
    pub years: bool,
}

impl Rules {
    /// No rules: every line as written.
    pub const NONE: Self = Self { case_variants: false, digits: false, years: false };
    /// Every rule (`--rules`).
    pub const ALL: Self = Self { case_variants: true, digits: true, years: true };

    /// Candidates made from one line, at most (duplicates among case variants are skipped).
    #[must_use]
    pub fn variants_per_line(self) -> u64 {
        let cases = if self.case_variants { 4 } else { 1 };
        let suffixes = 1
            + if self.digits { 110 } else { 0 }
            + if self.years { u64::from(RULE_YEARS.end() - RULE_YEARS.start() + 1) } else { 0 };
        cases * suffixes
    }
}

/// Live counters a running crack publishes (for a progress bar) and its cancel switch.
#[derive(Debug, Default)]
pub struct Progress {
    /// Candidates tested so far.
    pub candidates: AtomicU64,
    /// Wordlist bytes handed to workers so far.
    pub bytes: AtomicU64,
    /// Set to stop every worker.
    pub cancel: AtomicBool,
    /// Set by the worker that found the secret.
    pub found: AtomicBool,
}

impl Progress {
    /// Asks every worker to stop.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    fn stop(&self) -> bool {
        self.cancel.load(Ordering::Relaxed) || self.found.load(Ordering::Relaxed)
    }
}

/// How a crack run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrackReport {
    /// The secret, when a candidate reproduces the MAC.
    pub secret: Option<Vec<u8>>,
    /// Candidates tested (all workers).
    pub candidates: u64,
    /// Candidates tested by each worker, in worker order (its length is the thread count).
    pub per_thread: Vec<u64>,
    /// Wall time.
    pub elapsed: Duration,
    /// True when stopped by [`Progress::cancel`] before the list was exhausted.
    pub cancelled: bool,
    /// Lines skipped for being longer than [`MAX_CANDIDATE_BYTES`].
    pub skipped_lines: u64,
}

impl CrackReport {
    /// Candidates per second over the whole run.
    #[must_use]
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 { self.candidates as f64 / secs } else { 0.0 }
    }

    /// The rate when the run was long enough to measure one (see [`measured_rate`]).
    #[must_use]
    pub fn measured_rate(&self) -> Option<f64> {
        measured_rate(self.candidates, self.elapsed)
    }

    /// The secret as [`secret_display`] shows it.
    #[must_use]
    pub fn secret_text(&self) -> Option<String> {
        self.secret.as_deref().map(secret_display)
    }
}

/// A run shorter than this gives no rate: thread start-up and the first file read dominate it.
pub const MIN_RATED_ELAPSED: Duration = Duration::from_millis(10);

/// A run with fewer candidates than this gives no rate: a handful of guesses measures the
/// set-up, not the hashing.
pub const MIN_RATED_CANDIDATES: u64 = 1000;

/// Candidates per second, only when the run is long enough to mean something (at least
/// [`MIN_RATED_ELAPSED`] and [`MIN_RATED_CANDIDATES`]); `None` for a run too short to rate
/// (a few guesses in microseconds give absurd or noisy figures).
#[must_use]
pub fn measured_rate(candidates: u64, elapsed: Duration) -> Option<f64> {
    (elapsed >= MIN_RATED_ELAPSED && candidates >= MIN_RATED_CANDIDATES)
        .then(|| candidates as f64 / elapsed.as_secs_f64())
}

/// The rate as people read it: "1234567/s", or "too short to rate".
#[must_use]
pub fn rate_text(candidates: u64, elapsed: Duration) -> String {
    measured_rate(candidates, elapsed).map_or_else(|| "too short to rate".to_owned(), |r| format!("{r:.0}/s"))
}

/// A recovered secret as it can be printed and typed back: the text itself when it is UTF-8
/// without control, bidirectional or invisible characters, else `hex:` and its bytes in
/// lowercase hex (`hex:ffe1…`; a text that itself starts with `hex:` is shown in hex too, so
/// the form never misleads). The exact bytes are [`CrackReport::secret`].
#[must_use]
pub fn secret_display(secret: &[u8]) -> String {
    match std::str::from_utf8(secret) {
        Ok(text) if !text.starts_with("hex:") && !text.chars().any(crate::core::text::is_hostile) => text.to_owned(),
        _ => format!("hex:{}", to_hex(secret)),
    }
}

/// True when [`secret_display`] shows the secret's exact text (not its hex).
#[must_use]
pub fn secret_is_text(secret: &[u8]) -> bool {
    !secret_display(secret).starts_with("hex:")
}

/// Lowercase hex of `bytes`.
#[must_use]
pub fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Runs the crack on `threads` workers over the lines of `reader`; returns when the secret is
/// found, the list is exhausted or [`Progress::cancel`] was called.
///
/// # Errors
/// When `threads` is 0 or over [`MAX_THREADS`], a worker thread cannot be started (those
/// started are cancelled and joined first), or the reader fails.
pub fn crack<R: Read + Send>(
    target: &Target,
    reader: R,
    rules: Rules,
    threads: usize,
    progress: &Progress,
) -> Result<CrackReport, CrackError> {
    crack_with_stacks(target, reader, rules, threads, progress, |_| None)
}

/// What one worker returns: candidates tested, lines skipped, the secret if it found it.
type WorkerResult = (u64, u64, Option<Vec<u8>>);

/// [`crack`], with each worker's stack size chosen by `stack` (the default when `None`): a way
/// for tests to make the system refuse a thread.
fn crack_with_stacks<R: Read + Send>(
    target: &Target,
    reader: R,
    rules: Rules,
    threads: usize,
    progress: &Progress,
    stack: impl Fn(usize) -> Option<usize>,
) -> Result<CrackReport, CrackError> {
    if threads == 0 {
        return Err(CrackError::NoThreads);
    }
    if threads > MAX_THREADS {
        return Err(CrackError::TooManyThreads(threads));
    }
    let engine = target.engine();
    let start = Instant::now();
    // The empty secret first, whatever the list: a wordlist cannot offer it (empty lines are
    // skipped), yet it is what a verifier reading its key from an empty file (kid traversal to
    // /dev/null) or an unset environment variable signs with. It counts as worker 0's candidate.
    progress.candidates.fetch_add(1, Ordering::Relaxed);
    if engine.test(b"") {
        progress.found.store(true, Ordering::Relaxed);
        let mut per_thread = vec![0; threads];
        per_thread[0] = 1;
        return Ok(CrackReport {
            secret: Some(Vec::new()),
            candidates: 1,
            per_thread,
            elapsed: start.elapsed(),
            cancelled: false,
            skipped_lines: 0,
        });
    }
    let source = Mutex::new(Chunks::new(reader));
    let (results, refused): (Vec<WorkerResult>, Option<String>) = std::thread::scope(|scope| {
        let mut handles = Vec::with_capacity(threads);
        let mut refused = None;
        for i in 0..threads {
            let mut builder = std::thread::Builder::new();
            if let Some(size) = stack(i) {
                builder = builder.stack_size(size);
            }
            let (engine, source) = (&engine, &source);
            match builder.spawn_scoped(scope, move || work(engine, source, progress, rules)) {
                Ok(handle) => handles.push(handle),
                Err(e) => {
                    // Stop the workers already running before reporting.
                    progress.cancel();
                    refused = Some(e.to_string());
                    break;
                }
            }
        }
        (handles.into_iter().map(|h| h.join().unwrap_or((0, 0, None))).collect(), refused)
    });
    if let Some(reason) = refused {
        return Err(CrackError::Spawn { started: results.len(), threads, reason });
    }
    let source = source.into_inner().map_err(|_| CrackError::Wordlist {
        path: "wordlist".into(),
        reason: "a worker failed while reading".into(),
    })?;
    if let Some(reason) = source.error {
        return Err(CrackError::Wordlist { path: "wordlist".into(), reason });
    }
    let mut per_thread: Vec<u64> = results.iter().map(|(n, _, _)| *n).collect();
    if let Some(first) = per_thread.first_mut() {
        *first += 1;
    }
    let skipped_in_chunks: u64 = results.iter().map(|(_, k, _)| *k).sum();
    let secret = results.into_iter().find_map(|(_, _, s)| s);
    let cancelled = secret.is_none() && progress.cancel.load(Ordering::Relaxed);
    Ok(CrackReport {
        candidates: per_thread.iter().sum(),
        per_thread,
        elapsed: start.elapsed(),
        cancelled,
        skipped_lines: source.skipped_lines + skipped_in_chunks,
        secret,
    })
}

/// One worker: takes chunks until the list ends, the secret is found or the crack is cancelled.
fn work<R: Read>(engine: &Engine<'_>, source: &Mutex<Chunks<R>>, progress: &Progress, rules: Rules) -> WorkerResult {
    let mut worker = Worker::new(engine, progress, rules);
    let mut buf = Vec::with_capacity(CHUNK_BYTES);
    loop {
        if progress.stop() {
            break;
        }
        let more = match source.lock() {
            Ok(mut s) => s.next(&mut buf, progress),
            Err(_) => false,
        };
        if !more || !worker.run_chunk(&buf) {
            break;
        }
    }
    if !progress.stop() {
        worker.drain();
    }
    worker.flush();
    (worker.tested, worker.skipped, worker.found)
}

/// Cracks with the bundled wordlist.
///
/// # Errors
/// As [`crack`].
pub fn crack_bundled(
    target: &Target,
    rules: Rules,
    threads: usize,
    progress: &Progress,
) -> Result<CrackReport, CrackError> {
    crack(target, BUNDLED_WORDLIST.as_bytes(), rules, threads, progress)
}

/// Cracks with a wordlist file of any size, streamed.
///
/// # Errors
/// When the file cannot be opened or read, or as [`crack`].
pub fn crack_file(
    target: &Target,
    path: &std::path::Path,
    rules: Rules,
    threads: usize,
    progress: &Progress,
) -> Result<CrackReport, CrackError> {
    let file = open_wordlist(path)?;
    crack(target, file, rules, threads, progress).map_err(|e| name_wordlist(e, path))
}

/// Cracks with the first `max_bytes` of a wordlist file (a quick check, such as the audit's),
/// bounded whatever the file is (`/dev/zero`, a pipe, terabytes). The flag is true when the
/// list goes on past `max_bytes`, so the search was not complete.
///
/// # Errors
/// As [`crack_file`].
pub fn crack_file_prefix(
    target: &Target,
    path: &std::path::Path,
    rules: Rules,
    threads: usize,
    progress: &Progress,
    max_bytes: u64,
) -> Result<(CrackReport, bool), CrackError> {
    let file = open_wordlist(path)?;
    let whole_fits = file.metadata().is_ok_and(|m| m.is_file() && m.len() <= max_bytes);
    let report = crack(target, file.take(max_bytes), rules, threads, progress).map_err(|e| name_wordlist(e, path))?;
    let cut = !whole_fits && report.secret.is_none() && progress.bytes.load(Ordering::Relaxed) >= max_bytes;
    Ok((report, cut))
}

/// Checks that a wordlist can be opened and is not a directory, without reading it.
///
/// # Errors
/// [`CrackError::Wordlist`] saying why not.
pub fn check_wordlist(path: &std::path::Path) -> Result<(), CrackError> {
    open_wordlist(path).map(drop)
}

fn open_wordlist(path: &std::path::Path) -> Result<std::fs::File, CrackError> {
    let wordlist_error =
        |e: std::io::Error| CrackError::Wordlist { path: path.display().to_string(), reason: e.to_string() };
    let file = crate::core::engine::limits::open_without_blocking(path).map_err(wordlist_error)?;
    if file.metadata().map_err(wordlist_error)?.is_dir() {
        return Err(CrackError::Wordlist { path: path.display().to_string(), reason: "it is a directory".into() });
    }
    Ok(file)
}

/// A read error of the list, with the list's path.
fn name_wordlist(e: CrackError, path: &std::path::Path) -> CrackError {
    match e {
        CrackError::Wordlist { reason, .. } => CrackError::Wordlist { path: path.display().to_string(), reason },
        other => other,
    }
}

/// The cores to use by default.
#[must_use]
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// Estimated time left, from the share of the wordlist consumed so far.
#[must_use]
pub fn eta(elapsed: Duration, bytes_done: u64, bytes_total: u64) -> Option<Duration> {
    if bytes_done == 0 || bytes_total == 0 || bytes_done >= bytes_total {
        return None;
    }
    let left = (bytes_total - bytes_done) as f64 / bytes_done as f64;
    Some(elapsed.mul_f64(left))
}

#[cfg(test)]
mod tests;
