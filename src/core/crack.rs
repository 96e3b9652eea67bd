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

use std::io::Read;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sha2::Digest as _;
use sha2::block_api::{compress256, compress512};

use crate::core::token::Token;

/// The wordlist shipped with the app: commonly published default and example secrets.
pub const BUNDLED_WORDLIST: &str = include_str!("../../assets/wordlists/common-secrets.txt");

/// Bytes read from the wordlist per chunk (per worker turn). Memory is bounded by this times the
/// number of workers, whatever the file's size.
pub const CHUNK_BYTES: usize = 1 << 20;

/// Candidates longer than this are skipped (and counted): a line of megabytes is not a secret.
pub const MAX_CANDIDATE_BYTES: usize = 64 * 1024;

/// Workers look at the cancel and found flags after this many compressions: about 0.1 ms of work
/// on one core with SHA-NI, a few ms in an unoptimised debug build.
pub const POLL_COMPRESSIONS: u64 = 4096;

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
    #[error("only HS256, HS384 and HS512 tokens can be cracked; this token's alg is {0}")]
    NotHmac(String),
    /// A JWE or a token without a signature.
    #[error("the token has no JWS signature to test candidates against")]
    NoSignature,
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
        let sig = token.signatures.first().ok_or(CrackError::NoSignature)?;
        let alg_name = sig.alg().unwrap_or("(none)");
        let alg = HmacAlg::from_name(alg_name).ok_or_else(|| CrackError::NotHmac(alg_name.to_owned()))?;
        Self::new(alg, sig.signing_input.clone(), sig.signature.clone())
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

const IV256: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];
const IV384: [u64; 8] = [
    0xcbbb_9d5d_c105_9ed8,
    0x629a_292a_367c_d507,
    0x9159_015a_3070_dd17,
    0x152f_ecd8_f70e_5939,
    0x6733_2667_ffc0_0b31,
    0x8eb4_4a87_6858_1511,
    0xdb0c_2e0d_64f9_8fa7,
    0x47b5_481d_befa_4fa4,
];
const IV512: [u64; 8] = [
    0x6a09_e667_f3bc_c908,
    0xbb67_ae85_84ca_a73b,
    0x3c6e_f372_fe94_f82b,
    0xa54f_f53a_5f1d_36f1,
    0x510e_527f_ade6_82d1,
    0x9b05_688c_2b3e_6c1f,
    0x1f83_d9ab_fb41_bd6b,
    0x5be0_cd19_137e_2179,
];

/// Tests candidate secrets against one target without allocating.
// Built once per crack and shared by reference; boxing the larger variant would add an
// indirection to every candidate.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Engine<'a> {
    /// HS256.
    Sha256(Sha256Engine<'a>),
    /// HS384 and HS512.
    Sha512(Sha512Engine<'a>),
}

impl Engine<'_> {
    /// True when HMAC(candidate, signing input) equals the token's MAC.
    #[must_use]
    #[inline]
    pub fn test(&self, candidate: &[u8]) -> bool {
        match self {
            Self::Sha256(e) => e.test(candidate),
            Self::Sha512(e) => e.test(candidate),
        }
    }

    /// Tests two candidates at once, each at most [`Engine::block_len`] bytes. Their two chains
    /// of compressions are independent, so the CPU overlaps them (about 25% more candidates per
    /// second than one at a time on SHA-NI).
    #[must_use]
    #[inline]
    pub fn test_pair(&self, a: &[u8], b: &[u8]) -> [bool; 2] {
        match self {
            Self::Sha256(e) => e.test_pair(a, b),
            Self::Sha512(e) => e.test_pair(a, b),
        }
    }

    /// The hash block size: longer candidates are hashed first and cannot be paired.
    #[must_use]
    pub fn block_len(&self) -> usize {
        match self {
            Self::Sha256(_) => 64,
            Self::Sha512(_) => 128,
        }
    }

    /// Compressions one candidate of this length costs (a key longer than the block is hashed
    /// first, RFC 2104 §2).
    #[must_use]
    #[inline]
    pub fn cost(&self, candidate_len: usize) -> u64 {
        let (base, block) = match self {
            Self::Sha256(e) => (e.base_cost, 64),
            Self::Sha512(e) => (e.base_cost, 128),
        };
        if candidate_len > block { base + (candidate_len + 17).div_ceil(block) as u64 } else { base }
    }
}

/// XORs a key block with a pad byte.
#[inline]
fn xor_pad<const B: usize>(key: &[u8; B], pad: u8) -> [u8; B] {
    let mut out = [0u8; B];
    for (o, k) in out.iter_mut().zip(key.iter()) {
        *o = k ^ pad;
    }
    out
}

/// HMAC-SHA-256 over a fixed message, keyed per call.
#[derive(Debug, Clone)]
pub struct Sha256Engine<'a> {
    /// The message's whole blocks, borrowed from the signing input.
    blocks: &'a [[u8; 64]],
    /// The message's last padded block(s) (the same for every key).
    tail: [[u8; 64]; 2],
    tail_blocks: usize,
    expected: [u32; 8],
    base_cost: u64,
}

impl<'a> Sha256Engine<'a> {
    fn new(message: &'a [u8], mac: &[u8]) -> Self {
        let (blocks, rest) = message.as_chunks::<64>();
        let mut tail = [[0u8; 64]; 2];
        let mut flat = [0u8; 128];
        flat[..rest.len()].copy_from_slice(rest);
        flat[rest.len()] = 0x80;
        let tail_blocks = if rest.len() + 9 <= 64 { 1 } else { 2 };
        // The inner hash covers the key block (64 bytes) and the message.
        let bits = ((64 + message.len()) as u64) * 8;
        flat[tail_blocks * 64 - 8..tail_blocks * 64].copy_from_slice(&bits.to_be_bytes());
        tail[0].copy_from_slice(&flat[..64]);
        tail[1].copy_from_slice(&flat[64..]);
        let mut expected = [0u32; 8];
        for (w, chunk) in expected.iter_mut().zip(mac.chunks_exact(4)) {
            *w = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        let base_cost = HmacAlg::HS256.compressions_per_candidate(message.len());
        Self { blocks, tail, tail_blocks, expected, base_cost }
    }

    /// The key block: the candidate zero-padded, or its hash when longer than the block.
    #[inline]
    fn key_block(candidate: &[u8]) -> [u8; 64] {
        let mut key = [0u8; 64];
        if candidate.len() > 64 {
            key[..32].copy_from_slice(&sha2::Sha256::digest(candidate));
        } else {
            key[..candidate.len()].copy_from_slice(candidate);
        }
        key
    }

    /// True when HMAC-SHA-256(candidate, message) is the expected MAC.
    #[must_use]
    #[inline]
    pub fn test(&self, candidate: &[u8]) -> bool {
        self.lanes(&[Self::key_block(candidate)])[0]
    }

    /// [`Engine::test_pair`].
    #[must_use]
    #[inline]
    pub fn test_pair(&self, a: &[u8], b: &[u8]) -> [bool; 2] {
        self.lanes(&[Self::key_block(a), Self::key_block(b)])
    }

    /// HMAC of the message under N keys, their compressions interleaved block by block.
    #[inline]
    fn lanes<const N: usize>(&self, keys: &[[u8; 64]; N]) -> [bool; N] {
        let mut inner = [IV256; N];
        for (state, key) in inner.iter_mut().zip(keys) {
            compress256(state, &[xor_pad(key, 0x36)]);
        }
        for block in self.blocks.iter().chain(&self.tail[..self.tail_blocks]) {
            for state in &mut inner {
                compress256(state, std::slice::from_ref(block));
            }
        }
        let mut hit = [false; N];
        for ((key, inner), hit) in keys.iter().zip(&inner).zip(&mut hit) {
            let mut outer = IV256;
            compress256(&mut outer, &[xor_pad(key, 0x5c)]);
            // The outer block: the 32-byte inner digest, 0x80, zeros, the length 64 + 32 bytes.
            let mut last = [0u8; 64];
            for (chunk, word) in last.chunks_exact_mut(4).zip(inner) {
                chunk.copy_from_slice(&word.to_be_bytes());
            }
            last[32] = 0x80;
            last[56..].copy_from_slice(&(96u64 * 8).to_be_bytes());
            compress256(&mut outer, &[last]);
            *hit = outer == self.expected;
        }
        hit
    }
}

/// HMAC-SHA-384 or HMAC-SHA-512 over a fixed message, keyed per call.
#[derive(Debug, Clone)]
pub struct Sha512Engine<'a> {
    blocks: &'a [[u8; 128]],
    tail: [[u8; 128]; 2],
    tail_blocks: usize,
    iv: [u64; 8],
    /// Output words compared (6 for SHA-384, 8 for SHA-512).
    words: usize,
    /// Digest bytes (48 or 64).
    digest_len: usize,
    expected: [u64; 8],
    base_cost: u64,
}

impl<'a> Sha512Engine<'a> {
    fn new(message: &'a [u8], mac: &[u8], iv: &[u64; 8], digest_len: usize) -> Self {
        let (blocks, rest) = message.as_chunks::<128>();
        let mut flat = [0u8; 256];
        flat[..rest.len()].copy_from_slice(rest);
        flat[rest.len()] = 0x80;
        let tail_blocks = if rest.len() + 17 <= 128 { 1 } else { 2 };
        let bits = ((128 + message.len()) as u128) * 8;
        flat[tail_blocks * 128 - 16..tail_blocks * 128].copy_from_slice(&bits.to_be_bytes());
        let mut tail = [[0u8; 128]; 2];
        tail[0].copy_from_slice(&flat[..128]);
        tail[1].copy_from_slice(&flat[128..]);
        let mut expected = [0u64; 8];
        for (w, chunk) in expected.iter_mut().zip(mac.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            *w = u64::from_be_bytes(b);
        }
        let alg = if digest_len == 48 { HmacAlg::HS384 } else { HmacAlg::HS512 };
        Self {
            blocks,
            tail,
            tail_blocks,
            iv: *iv,
            words: digest_len / 8,
            digest_len,
            expected,
            base_cost: alg.compressions_per_candidate(message.len()),
        }
    }

    #[inline]
    fn key_block(&self, candidate: &[u8]) -> [u8; 128] {
        let mut key = [0u8; 128];
        if candidate.len() > 128 {
            if self.digest_len == 48 {
                key[..48].copy_from_slice(&sha2::Sha384::digest(candidate));
            } else {
                key[..64].copy_from_slice(&sha2::Sha512::digest(candidate));
            }
        } else {
            key[..candidate.len()].copy_from_slice(candidate);
        }
        key
    }

    /// True when the HMAC of the message under `candidate` is the expected MAC.
    #[must_use]
    #[inline]
    pub fn test(&self, candidate: &[u8]) -> bool {
        self.lanes(&[self.key_block(candidate)])[0]
    }

    /// [`Engine::test_pair`].
    #[must_use]
    #[inline]
    pub fn test_pair(&self, a: &[u8], b: &[u8]) -> [bool; 2] {
        self.lanes(&[self.key_block(a), self.key_block(b)])
    }

    #[inline]
    fn lanes<const N: usize>(&self, keys: &[[u8; 128]; N]) -> [bool; N] {
        let mut inner = [self.iv; N];
        for (state, key) in inner.iter_mut().zip(keys) {
            compress512(state, &[xor_pad(key, 0x36)]);
        }
        for block in self.blocks.iter().chain(&self.tail[..self.tail_blocks]) {
            for state in &mut inner {
                compress512(state, std::slice::from_ref(block));
            }
        }
        let mut hit = [false; N];
        for ((key, inner), hit) in keys.iter().zip(&inner).zip(&mut hit) {
            let mut outer = self.iv;
            compress512(&mut outer, &[xor_pad(key, 0x5c)]);
            let mut last = [0u8; 128];
            for (chunk, word) in last.chunks_exact_mut(8).zip(inner.iter().take(self.words)) {
                chunk.copy_from_slice(&word.to_be_bytes());
            }
            last[self.digest_len] = 0x80;
            last[112..].copy_from_slice(&(((128 + self.digest_len) as u128) * 8).to_be_bytes());
            compress512(&mut outer, &[last]);
            *hit = outer[..self.words] == self.expected[..self.words];
        }
        hit
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

    /// The secret as text (lossy for non-UTF-8 bytes).
    #[must_use]
    pub fn secret_text(&self) -> Option<String> {
        self.secret.as_ref().map(|s| String::from_utf8_lossy(s).into_owned())
    }
}

/// Hands out newline-aligned chunks of the wordlist to workers.
struct Chunks<R> {
    reader: R,
    /// The start of a line cut by the previous chunk.
    carry: Vec<u8>,
    /// Inside a line longer than [`MAX_CANDIDATE_BYTES`]: drop bytes up to the next newline.
    skipping: bool,
    eof: bool,
    skipped_lines: u64,
    error: Option<String>,
}

impl<R: Read> Chunks<R> {
    /// Fills `buf` with whole lines; false when the list is exhausted.
    fn next(&mut self, buf: &mut Vec<u8>, progress: &Progress) -> bool {
        buf.clear();
        while !self.eof {
            buf.append(&mut self.carry);
            let start = buf.len();
            buf.resize(start + CHUNK_BYTES, 0);
            let n = loop {
                match self.reader.read(&mut buf[start..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        self.error = Some(e.to_string());
                        break 0;
                    }
                }
            };
            buf.truncate(start + n);
            progress.bytes.fetch_add(n as u64, Ordering::Relaxed);
            if n == 0 {
                self.eof = true;
            }
            if self.skipping {
                if let Some(nl) = memchr(b'\n', buf) {
                    buf.drain(..=nl);
                    self.skipping = false;
                } else {
                    buf.clear();
                    continue;
                }
            }
            if self.eof {
                if buf.len() > MAX_CANDIDATE_BYTES && memchr(b'\n', buf).is_none() {
                    self.skipped_lines += 1;
                    buf.clear();
                }
                return !buf.is_empty();
            }
            if let Some(nl) = memrchr(b'\n', buf) {
                self.carry.extend_from_slice(&buf[nl + 1..]);
                buf.truncate(nl + 1);
                if self.carry.len() > MAX_CANDIDATE_BYTES {
                    self.carry.clear();
                    self.skipping = true;
                    self.skipped_lines += 1;
                }
                return true;
            }
            // A whole chunk without a newline: one overlong line.
            buf.clear();
            self.skipping = true;
            self.skipped_lines += 1;
        }
        false
    }
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|b| *b == needle)
}

fn memrchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().rposition(|b| *b == needle)
}

/// One worker's loop state: where a found secret goes and how much work is unreported.
struct Worker<'e, 'p> {
    engine: &'e Engine<'e>,
    progress: &'p Progress,
    rules: Rules,
    /// Candidates not yet added to the shared counter.
    pending: u64,
    /// Compressions since the flags were last read.
    work: u64,
    tested: u64,
    /// Lines longer than [`MAX_CANDIDATE_BYTES`] met inside a chunk.
    skipped: u64,
    scratch: Vec<u8>,
    found: Option<Vec<u8>>,
    /// A candidate waiting for a partner, so two are tested at once.
    held: [u8; 128],
    held_len: Option<usize>,
}

impl Worker<'_, '_> {
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
    fn drain(&mut self) {
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

    fn flush(&mut self) {
        self.progress.candidates.fetch_add(self.pending, Ordering::Relaxed);
        self.tested += self.pending;
        self.pending = 0;
        self.work = 0;
    }

    /// Tests every line of a chunk (and its rule variants); false when the worker must stop.
    fn run_chunk(&mut self, chunk: &[u8]) -> bool {
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

/// Runs the crack on `threads` workers over the lines of `reader`; returns when the secret is
/// found, the list is exhausted or [`Progress::cancel`] was called.
///
/// # Errors
/// When `threads` is 0 or the reader fails.
pub fn crack<R: Read + Send>(
    target: &Target,
    reader: R,
    rules: Rules,
    threads: usize,
    progress: &Progress,
) -> Result<CrackReport, CrackError> {
    if threads == 0 {
        return Err(CrackError::NoThreads);
    }
    let engine = target.engine();
    let start = Instant::now();
    let source =
        Mutex::new(Chunks { reader, carry: Vec::new(), skipping: false, eof: false, skipped_lines: 0, error: None });
    let results: Vec<(u64, u64, Option<Vec<u8>>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let engine = &engine;
                let source = &source;
                scope.spawn(move || {
                    let mut worker = Worker {
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
                    };
                    let mut buf = Vec::with_capacity(CHUNK_BYTES + 4096);
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
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or((0, 0, None))).collect()
    });
    let source = source.into_inner().map_err(|_| CrackError::Wordlist {
        path: "wordlist".into(),
        reason: "a worker failed while reading".into(),
    })?;
    if let Some(reason) = source.error {
        return Err(CrackError::Wordlist { path: "wordlist".into(), reason });
    }
    let per_thread: Vec<u64> = results.iter().map(|(n, _, _)| *n).collect();
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
    let wordlist_error =
        |e: std::io::Error| CrackError::Wordlist { path: path.display().to_string(), reason: e.to_string() };
    let file = std::fs::File::open(path).map_err(wordlist_error)?;
    if file.metadata().map_err(wordlist_error)?.is_dir() {
        return Err(CrackError::Wordlist { path: path.display().to_string(), reason: "it is a directory".into() });
    }
    crack(target, file, rules, threads, progress).map_err(|e| match e {
        CrackError::Wordlist { reason, .. } => CrackError::Wordlist { path: path.display().to_string(), reason },
        other => other,
    })
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
        // "\r" alone becomes empty and is skipped; "foo\r" keeps its second CR.
        assert_eq!(r.candidates, 2);
        let t = token("HS512", b"foo\r", &json!({}));
        let r = crack(&Target::from_token(&t).unwrap(), &list[..], Rules::NONE, 1, &Progress::default()).unwrap();
        assert_eq!(r.secret.as_deref(), Some(&b"foo\r"[..]));
        // No trailing newline at the end of the list.
        let t = token("HS256", b"last", &json!({}));
        let r = crack(&Target::from_token(&t).unwrap(), &b"a\nlast"[..], Rules::NONE, 1, &Progress::default()).unwrap();
        assert_eq!(r.secret.as_deref(), Some(&b"last"[..]));
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
        assert_eq!(r.candidates, per_case * (3 + 2));
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
        let target = Target::from_token(&token("HS256", b"k", &json!({}))).unwrap();
        assert_eq!(crack(&target, &b""[..], Rules::NONE, 0, &Progress::default()).unwrap_err(), CrackError::NoThreads);
        let missing =
            crack_file(&target, std::path::Path::new("/nonexistent/list"), Rules::NONE, 1, &Progress::default());
        assert!(matches!(missing, Err(CrackError::Wordlist { .. })));
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
                assert_eq!(r.candidates, 1_000_000, "every line tested once");
            } else {
                // The others stop mid-chunk once the last line is found.
                assert!(r.candidates <= 1_000_000 && r.candidates > 900_000, "{}", r.candidates);
            }
            assert_eq!(progress.bytes.load(Ordering::Relaxed), std::fs::metadata(&path).unwrap().len());
            if threads > 1 {
                // 16 MB in 1 MiB chunks: every worker gets some of them.
                assert!(r.per_thread.iter().all(|n| *n > 0), "{:?}", r.per_thread);
            }
        }
        std::fs::remove_file(&path).unwrap();
    }

    /// An endless wordlist: the crack can only end by being cancelled.
    struct Endless(u64);

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let mut n = 0;
            while buf.len() - n > 32 {
                self.0 += 1;
                let line = format!("endless-{}\n", self.0);
                buf[n..n + line.len()].copy_from_slice(line.as_bytes());
                n += line.len();
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
                    let r = crack(&target, Endless(0), rules, 2, &progress);
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
    fn eta_from_bytes() {
        assert_eq!(eta(Duration::from_secs(10), 25, 100), Some(Duration::from_secs(30)));
        assert_eq!(eta(Duration::from_secs(10), 0, 100), None);
        assert_eq!(eta(Duration::from_secs(10), 100, 100), None);
    }
}
