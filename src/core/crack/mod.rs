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

use crate::core::token::Token;

/// The wordlist shipped with the app: commonly published default and example secrets.
pub const BUNDLED_WORDLIST: &str = include_str!("../../../assets/wordlists/common-secrets.txt");

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
        if token.kind == crate::core::token::Kind::Jwe {
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
    let file = std::fs::File::open(path).map_err(wordlist_error)?;
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
mod tests {
    use super::*;
    use crate::core::keys::{self, SecretEncoding};
    use crate::core::sign::sign;
    use crate::core::token::{JsonObject, parse};
    use serde_json::json;

    fn token(alg: &str, secret: &[u8], claims: &serde_json::Value) -> Token {
        let key = keys::load_secret(secret, SecretEncoding::Raw, "t").unwrap();
        let claims: JsonObject = serde_json::from_value(claims.clone()).unwrap();
        parse(&sign(&JsonObject::new(), &claims, alg, &key).unwrap()).unwrap()
    }

    fn reference_hmac(alg: HmacAlg, key: &[u8], msg: &[u8]) -> Vec<u8> {
        let a = match alg {
            HmacAlg::HS256 => aws_lc_rs::hmac::HMAC_SHA256,
            HmacAlg::HS384 => aws_lc_rs::hmac::HMAC_SHA384,
            HmacAlg::HS512 => aws_lc_rs::hmac::HMAC_SHA512,
        };
        aws_lc_rs::hmac::sign(&aws_lc_rs::hmac::Key::new(a, key), msg).as_ref().to_vec()
    }

    #[test]
    fn engine_agrees_with_aws_lc_at_every_message_and_key_length() {
        // Every tail shape (one or two padding blocks) and keys shorter, equal and longer than
        // the block, for the three algorithms.
        for alg in [HmacAlg::HS256, HmacAlg::HS384, HmacAlg::HS512] {
            for len in (0..300).step_by(7).chain([55, 56, 63, 64, 111, 112, 119, 120, 127, 128]) {
                let msg: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
                for key_len in [1usize, 31, 64, 65, 127, 128, 129, 300] {
                    let key: Vec<u8> = (0..key_len).map(|i| u8::try_from((i * 7 + 3) % 256).unwrap()).collect();
                    let mac = reference_hmac(alg, &key, &msg);
                    let target = Target::new(alg, msg.clone(), mac).unwrap();
                    let engine = target.engine();
                    assert!(engine.test(&key), "{alg:?} msg {len} key {key_len}");
                    let mut wrong = key.clone();
                    wrong[0] ^= 1;
                    assert!(!engine.test(&wrong), "{alg:?} msg {len} key {key_len}");
                    if key_len <= engine.block_len() {
                        assert_eq!(engine.test_pair(&wrong, &key), [false, true], "{alg:?} {len} {key_len}");
                        assert_eq!(engine.test_pair(&key, &wrong), [true, false], "{alg:?} {len} {key_len}");
                    }
                }
            }
        }
    }

    #[test]
    fn compression_count_matches_the_issue_formula() {
        assert_eq!(HmacAlg::HS256.compressions_per_candidate(55), 4);
        assert_eq!(HmacAlg::HS256.compressions_per_candidate(56), 5);
        assert_eq!(HmacAlg::HS256.compressions_per_candidate(150), (150usize + 9).div_ceil(64) as u64 + 3);
        assert_eq!(HmacAlg::HS512.compressions_per_candidate(111), 4);
        assert_eq!(HmacAlg::HS512.compressions_per_candidate(112), 5);
    }

    #[test]
    fn finds_a_bundled_default_secret() {
        let t = token("HS256", b"your-256-bit-secret", &json!({"sub": "1"}));
        let report = crack_bundled(&Target::from_token(&t).unwrap(), Rules::NONE, 2, &Progress::default()).unwrap();
        assert_eq!(report.secret.as_deref(), Some(&b"your-256-bit-secret"[..]));
    }

    #[test]
    fn lines_are_split_on_newline_with_one_cr_removed_and_empty_lines_skipped() {
        let t = token("HS384", b"pass word", &json!({"sub": "1"}));
        let target = Target::from_token(&t).unwrap();
        let list = b"\n\r\nfoo\r\r\npass word\r\n";
        let r = crack(&target, &list[..], Rules::NONE, 1, &Progress::default()).unwrap();
        assert_eq!(r.secret.as_deref(), Some(&b"pass word"[..]));
        // The empty secret, then "foo\r\r" and "pass word": "\r" alone becomes empty and is
        // skipped; "foo\r" keeps its second CR.
        assert_eq!(r.candidates, 3);
        let t = token("HS512", b"foo\r", &json!({}));
        let r = crack(&Target::from_token(&t).unwrap(), &list[..], Rules::NONE, 1, &Progress::default()).unwrap();
        assert_eq!(r.secret.as_deref(), Some(&b"foo\r"[..]));
        // No trailing newline at the end of the list.
        let t = token("HS256", b"last", &json!({}));
        let r = crack(&Target::from_token(&t).unwrap(), &b"a\nlast"[..], Rules::NONE, 1, &Progress::default()).unwrap();
        assert_eq!(r.secret.as_deref(), Some(&b"last"[..]));
    }

    #[test]
    fn the_empty_secret_is_tried_first() {
        // What the kid-traversal forgery signs with: no line of any list can be empty.
        let t = token("HS256", b"placeholder", &json!({"sub": "x"}));
        let empty = aws_lc_rs::hmac::sign(
            &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, b""),
            t.signatures[0].signing_input(),
        );
        let target = Target::new(HmacAlg::HS256, t.signatures[0].signing_input().to_vec(), empty.as_ref().to_vec());
        let progress = Progress::default();
        let r = crack(&target.unwrap(), &b"\n\n\r\n"[..], Rules::ALL, 3, &progress).unwrap();
        assert_eq!((r.secret.as_deref(), r.candidates, r.per_thread.as_slice()), (Some(&b""[..]), 1, &[1, 0, 0][..]));
        assert!(progress.found.load(Ordering::Relaxed));
        for alg in ["HS384", "HS512"] {
            let t = token(alg, b"k", &json!({}));
            let a = if alg == "HS384" { aws_lc_rs::hmac::HMAC_SHA384 } else { aws_lc_rs::hmac::HMAC_SHA512 };
            let mac = aws_lc_rs::hmac::sign(&aws_lc_rs::hmac::Key::new(a, b""), t.signatures[0].signing_input());
            let target = Target::new(
                HmacAlg::from_name(alg).unwrap(),
                t.signatures[0].signing_input().to_vec(),
                mac.as_ref().to_vec(),
            )
            .unwrap();
            assert_eq!(crack_bundled(&target, Rules::NONE, 1, &Progress::default()).unwrap().secret, Some(Vec::new()));
        }
    }

    #[test]
    fn rules_find_variants_and_count_them() {
        let target = Target::from_token(&token("HS256", b"Changeme2024", &json!({}))).unwrap();
        let none = crack(&target, &b"changeme\n"[..], Rules::NONE, 1, &Progress::default()).unwrap();
        assert!(none.secret.is_none());
        let all = crack(&target, &b"changeme\n"[..], Rules::ALL, 1, &Progress::default()).unwrap();
        assert_eq!(all.secret.as_deref(), Some(&b"Changeme2024"[..]));
        let target = Target::from_token(&token("HS256", b"zzz-not-there", &json!({}))).unwrap();
        let r = crack(&target, &b"abc\nA1\n"[..], Rules::ALL, 1, &Progress::default()).unwrap();
        // "abc": as written = lower, so 3 distinct cases; "A1": upper = as written, lower and
        // capitalised "a1"/"A1" leave 2 distinct cases ("A1", "a1").
        let per_case = 1 + 110 + u64::from(RULE_YEARS.end() - RULE_YEARS.start() + 1);
        assert_eq!(r.candidates, 1 + per_case * (3 + 2), "the empty secret, then the variants");
        let target = Target::from_token(&token("HS256", b"admin07", &json!({}))).unwrap();
        let digits = Rules { digits: true, ..Rules::NONE };
        let r = crack(&target, &b"admin\n"[..], digits, 1, &Progress::default()).unwrap();
        assert_eq!(r.secret.as_deref(), Some(&b"admin07"[..]));
    }

    #[test]
    fn long_lines_are_skipped_with_bounded_memory() {
        let target = Target::from_token(&token("HS256", b"after", &json!({}))).unwrap();
        let mut list = vec![b'x'; 3 * CHUNK_BYTES];
        list.extend_from_slice(b"\nshort\n");
        list.extend(vec![b'y'; MAX_CANDIDATE_BYTES + 10]);
        list.extend_from_slice(b"\nafter\n");
        let r = crack(&target, &list[..], Rules::NONE, 2, &Progress::default()).unwrap();
        assert_eq!(r.secret.as_deref(), Some(&b"after"[..]));
        assert_eq!(r.skipped_lines, 2);
    }

    /// A pipe whose writer flushes a little at a time: every read returns at most `step` bytes.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn found_in(secret: &[u8], list: impl Read + Send) -> CrackReport {
        let target = Target::from_token(&token("HS256", secret, &json!({"sub": "x"}))).unwrap();
        crack(&target, list, Rules::NONE, 2, &Progress::default()).unwrap()
    }

    /// A wordlist saved with a UTF-8 byte-order mark: its first word is found without the mark,
    /// however the reads are cut; a mark anywhere else is part of its line.
    #[test]
    fn a_byte_order_mark_before_the_first_word_is_dropped() {
        let list = b"\xef\xbb\xbffirst-word\n\xef\xbb\xbfsecond\n";
        for step in [1, 2, 3, 4, 4096] {
            let r = found_in(b"first-word", Trickle { data: list, step });
            assert_eq!(r.secret.as_deref(), Some(&b"first-word"[..]), "reads of {step} bytes");
            let r = found_in(b"\xef\xbb\xbfsecond", Trickle { data: list, step });
            assert_eq!(r.secret.as_deref(), Some(&b"\xef\xbb\xbfsecond"[..]), "reads of {step} bytes");
        }
        // A list that is only the mark has no word (the empty secret alone is tried); bytes that
        // only begin a mark are a word.
        assert_eq!(found_in(b"x", &b"\xef\xbb\xbf"[..]).candidates, 1);
        assert_eq!(found_in(b"\xef\xbb", &b"\xef\xbb"[..]).secret.as_deref(), Some(&b"\xef\xbb"[..]));
        // Through a file, as `crack --wordlist` and the audit read it.
        let path = std::env::temp_dir().join(format!("tokenbench-bom-{}.txt", std::process::id()));
        std::fs::write(&path, b"\xef\xbb\xbfhunter2\r\nother\r\n").unwrap();
        let target = Target::from_token(&token("HS256", b"hunter2", &json!({}))).unwrap();
        let whole = crack_file(&target, &path, Rules::NONE, 1, &Progress::default()).unwrap();
        let (prefix, _) = crack_file_prefix(&target, &path, Rules::NONE, 1, &Progress::default(), 1 << 20).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(whole.secret.as_deref(), Some(&b"hunter2"[..]));
        assert_eq!(prefix.secret.as_deref(), Some(&b"hunter2"[..]));
    }

    #[test]
    fn short_reads_never_make_a_line_overlong() {
        // The report's pipe: "the-real-" flushed, a pause, then the rest.
        let list = b"the-real-secret-at-the-end\nb\n";
        for step in [1, 2, 9, 4096] {
            let r = found_in(b"the-real-secret-at-the-end", Trickle { data: list, step });
            assert_eq!(r.secret.as_deref(), Some(&b"the-real-secret-at-the-end"[..]), "reads of {step} bytes");
            assert_eq!(r.skipped_lines, 0);
        }
        // The last line without its newline, one byte at a time.
        let r = found_in(b"last-line", Trickle { data: b"a\nb\nlast-line", step: 1 });
        assert_eq!(r.secret.as_deref(), Some(&b"last-line"[..]));
    }

    #[test]
    fn an_overlong_line_skips_only_itself() {
        // The report's file: a 1 MiB line before the last line, which has no newline.
        let mut list = b"a\n".to_vec();
        list.extend(std::iter::repeat_n(b'x', 1 << 20));
        list.extend_from_slice(b"\nthe-real-secret-at-the-end");
        for step in [usize::MAX, 1000, 7] {
            let r = found_in(b"the-real-secret-at-the-end", Trickle { data: &list, step });
            assert_eq!(r.secret.as_deref(), Some(&b"the-real-secret-at-the-end"[..]), "reads of {step}");
            assert_eq!(r.skipped_lines, 1, "reads of {step}");
        }
        // Megabytes of zeros without a newline (a sparse file), then the secret.
        let zeros = std::io::repeat(0).take(3 * CHUNK_BYTES as u64 + 5);
        let r = found_in(b"secret", zeros.chain(&b"\nsecret"[..]));
        assert_eq!((r.secret.as_deref(), r.skipped_lines), (Some(&b"secret"[..]), 1));
        // Lines of exactly the limit are candidates, one byte more is skipped, at the end too;
        // the line after a skipped one is tested even when it starts in the same read.
        let at_limit = vec![b'k'; MAX_CANDIDATE_BYTES];
        let mut list = vec![b'y'; MAX_CANDIDATE_BYTES + 1];
        list.push(b'\n');
        list.extend_from_slice(&at_limit);
        let r = found_in(&at_limit, Trickle { data: &list, step: 5000 });
        assert_eq!((r.secret.is_some(), r.skipped_lines), (true, 1));
        list.push(b'\n');
        list.extend(vec![b'z'; MAX_CANDIDATE_BYTES + 1]);
        let r = found_in(b"not-there", &list[..]);
        assert_eq!((r.candidates, r.skipped_lines), (2, 2), "the empty secret and the limit line");
    }

    #[test]
    fn the_reader_keeps_its_buffer_bounded() {
        let data = vec![b'q'; 3 * CHUNK_BYTES];
        let mut chunks = Chunks::new(Trickle { data: &data, step: 100_000 });
        let mut buf = Vec::new();
        let progress = Progress::default();
        while chunks.next(&mut buf, &progress) {
            assert!(buf.is_empty() || buf.ends_with(b"\n"));
        }
        assert!(buf.capacity() <= CHUNK_BYTES, "{}", buf.capacity());
        assert_eq!((chunks.skipped_lines, progress.bytes.load(Ordering::Relaxed)), (1, 3 * CHUNK_BYTES as u64));
    }

    #[test]
    fn refuses_what_cannot_be_cracked() {
        let rsa = keys::load_file(
            &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys/rsa2048-pkcs8.pem"),
        )
        .unwrap()
        .remove(0);
        let t = parse(&sign(&JsonObject::new(), &JsonObject::new(), "RS256", &rsa).unwrap()).unwrap();
        assert_eq!(Target::from_token(&t).unwrap_err(), CrackError::NotHmac("RS256".into()));
        let t = parse("eyJhbGciOiJIUzI1NiJ9.e30.AAAA").unwrap();
        assert!(matches!(Target::from_token(&t), Err(CrackError::SignatureLength { .. })));
        let jwe = parse(include_str!("../../../assets/samples/07-jwe-rfc7516.jwt").trim()).unwrap();
        let e = Target::from_token(&jwe).unwrap_err();
        assert_eq!(e, CrackError::Encrypted);
        assert!(e.to_string().contains("encrypted (JWE)") && e.to_string().contains("without the key"), "{e}");
        let target = Target::from_token(&token("HS256", b"k", &json!({}))).unwrap();
        assert_eq!(crack(&target, &b""[..], Rules::NONE, 0, &Progress::default()).unwrap_err(), CrackError::NoThreads);
        let missing =
            crack_file(&target, std::path::Path::new("/nonexistent/list"), Rules::NONE, 1, &Progress::default());
        assert!(matches!(missing, Err(CrackError::Wordlist { .. })));
    }

    #[test]
    fn thread_counts_are_bounded_and_a_refused_thread_is_an_error() {
        let target = Target::from_token(&token("HS256", b"never-guessed", &json!({}))).unwrap();
        let too_many = crack(&target, &b"a\n"[..], Rules::NONE, MAX_THREADS + 1, &Progress::default());
        assert_eq!(too_many.unwrap_err(), CrackError::TooManyThreads(MAX_THREADS + 1));
        assert!(crack(&target, &b"a\n"[..], Rules::NONE, usize::MAX, &Progress::default()).is_err());
        // The system refuses the second worker (a 1 TiB stack): the first, already running on an
        // endless list, is cancelled and joined, and the crack says why instead of panicking.
        let progress = Progress::default();
        let r = crack_with_stacks(&target, Endless::new(), Rules::NONE, 3, &progress, |i| (i == 1).then_some(1 << 40));
        match r {
            Err(CrackError::Spawn { started: 1, threads: 3, reason }) => assert!(!reason.is_empty()),
            other => panic!("{other:?}"),
        }
        assert!(progress.cancel.load(Ordering::Relaxed));
    }

    #[test]
    fn a_prefix_of_the_list_is_bounded_and_says_when_it_was_cut() {
        let path = temp_path("prefix.txt");
        std::fs::write(&path, b"aaaa\nbbbb\ncccc\nthe-secret\n").unwrap();
        let target = Target::from_token(&token("HS256", b"the-secret", &json!({}))).unwrap();
        let run = |max| crack_file_prefix(&target, &path, Rules::NONE, 1, &Progress::default(), max).unwrap();
        let (r, cut) = run(10);
        assert_eq!((r.secret, cut, r.candidates), (None, true, 3), "aaaa, bbbb and the empty secret");
        let (r, cut) = run(1 << 20);
        assert_eq!((r.secret.as_deref(), cut), (Some(&b"the-secret"[..]), false));
        let (_, cut) = run(26);
        assert!(!cut, "a file of exactly the limit is whole");
        // A device: 1 MiB of /dev/zero is read, not more.
        let progress = Progress::default();
        let (r, cut) =
            crack_file_prefix(&target, std::path::Path::new("/dev/zero"), Rules::NONE, 2, &progress, 1 << 20).unwrap();
        assert_eq!((r.secret, cut, r.skipped_lines), (None, true, 1));
        assert_eq!(progress.bytes.load(Ordering::Relaxed), 1 << 20);
        assert!(check_wordlist(std::path::Path::new("/nonexistent/list")).is_err());
        assert!(check_wordlist(std::path::Path::new("/tmp")).is_err(), "a directory");
        std::fs::remove_file(&path).unwrap();
    }

    fn temp_path(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("tokenbench-crack-{}-{name}", std::process::id()))
    }

    #[test]
    fn finds_the_last_line_of_a_million_line_file_on_every_thread() {
        use std::io::Write;
        let path = temp_path("million.txt");
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for i in 0..999_999 {
            writeln!(file, "wrong-guess-{i:07}").unwrap();
        }
        write!(file, "the-real-secret-at-the-end").unwrap();
        drop(file);
        let target = Target::from_token(&token("HS256", b"the-real-secret-at-the-end", &json!({"sub": "x"}))).unwrap();
        for threads in [1, 3] {
            let progress = Progress::default();
            let r = crack_file(&target, &path, Rules::NONE, threads, &progress).unwrap();
            assert_eq!(r.secret.as_deref(), Some(&b"the-real-secret-at-the-end"[..]), "{threads} threads");
            assert_eq!(r.per_thread.len(), threads, "--threads is honoured");
            assert_eq!(progress.candidates.load(Ordering::Relaxed), r.candidates);
            if threads == 1 {
                assert_eq!(r.candidates, 1_000_001, "the empty secret, then every line once");
            } else {
                // The others stop mid-chunk once the last line is found.
                assert!(r.candidates <= 1_000_001 && r.candidates > 900_000, "{}", r.candidates);
            }
            assert_eq!(progress.bytes.load(Ordering::Relaxed), std::fs::metadata(&path).unwrap().len());
            if threads > 1 {
                // 16 MB in 1 MiB chunks: every worker gets some of them.
                assert!(r.per_thread.iter().all(|n| *n > 0), "{:?}", r.per_thread);
            }
        }
        std::fs::remove_file(&path).unwrap();
    }

    /// An endless wordlist: the crack can only end by being cancelled. Every read is filled
    /// whole (a line may be cut between two reads), as a file would be.
    struct Endless {
        n: u64,
        line: Vec<u8>,
        at: usize,
    }

    impl Endless {
        fn new() -> Self {
            Self { n: 0, line: Vec::new(), at: 0 }
        }
    }

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let mut n = 0;
            while n < buf.len() {
                if self.at == self.line.len() {
                    self.n += 1;
                    self.line = format!("endless-{}\n", self.n).into_bytes();
                    self.at = 0;
                }
                let k = (self.line.len() - self.at).min(buf.len() - n);
                buf[n..n + k].copy_from_slice(&self.line[self.at..self.at + k]);
                self.at += k;
                n += k;
            }
            Ok(n)
        }
    }

    #[test]
    fn cancel_stops_every_worker_within_100_ms() {
        for (alg, rules) in [("HS256", Rules::NONE), ("HS512", Rules::ALL)] {
            let target = Target::from_token(&token(alg, b"never-guessed", &json!({"sub": "x"}))).unwrap();
            let progress = Progress::default();
            let (report, cancel_to_return) = std::thread::scope(|s| {
                let run = s.spawn(|| {
                    let r = crack(&target, Endless::new(), rules, 2, &progress);
                    (r, Instant::now())
                });
                while progress.candidates.load(Ordering::Relaxed) < 20_000 {
                    std::thread::sleep(Duration::from_millis(5));
                }
                let cancelled_at = Instant::now();
                progress.cancel();
                let (r, returned_at) = run.join().unwrap();
                (r.unwrap(), returned_at - cancelled_at)
            });
            // `crack` returns only after joining every worker.
            assert!(cancel_to_return < Duration::from_millis(100), "{alg}: {cancel_to_return:?}");
            assert!(report.cancelled && report.secret.is_none());
            assert_eq!(report.per_thread.len(), 2);
            assert!(report.per_thread.iter().all(|n| *n > 0), "{:?}", report.per_thread);
        }
    }

    #[test]
    fn secrets_are_shown_as_text_only_when_text_is_safe() {
        assert_eq!(secret_display(b"changeme"), "changeme");
        assert_eq!(secret_display("caf\u{e9}".as_bytes()), "caf\u{e9}");
        assert_eq!(secret_display(b""), "");
        assert_eq!(secret_display(&[0xff, 0xe1, 0x00, b'a']), "hex:ffe10061");
        assert_eq!(secret_display(b"a\x1b]0;x\x07"), "hex:611b5d303b7807");
        assert_eq!(secret_display("x\u{202e}y".as_bytes()), "hex:78e280ae79");
        assert_eq!(secret_display(b"a\nb"), "hex:610a62");
        assert_eq!(secret_display(b"hex:41"), "hex:6865783a3431", "never mistaken for the byte 0x41");
        assert!(secret_is_text(b"ok") && !secret_is_text(&[0xff]));
    }

    #[test]
    fn a_rate_only_for_runs_long_enough_to_measure() {
        assert_eq!(measured_rate(5, Duration::from_micros(3)), None, "five guesses in microseconds");
        assert_eq!(measured_rate(50_000, Duration::from_micros(900)), None, "under 10 ms");
        assert_eq!(measured_rate(20, Duration::from_secs(2)), None, "a handful of guesses");
        assert_eq!(measured_rate(1000, Duration::from_millis(10)), Some(100_000.0));
        assert_eq!(rate_text(5, Duration::from_micros(3)), "too short to rate");
        assert_eq!(rate_text(2_000_000, Duration::from_secs(2)), "1000000/s");
    }

    #[test]
    fn eta_from_bytes() {
        assert_eq!(eta(Duration::from_secs(10), 25, 100), Some(Duration::from_secs(30)));
        assert_eq!(eta(Duration::from_secs(10), 0, 100), None);
        assert_eq!(eta(Duration::from_secs(10), 100, 100), None);
    }
}
