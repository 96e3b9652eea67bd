//! The HMAC engines: HMAC-SHA-256 and HMAC-SHA-384/512 over one fixed message, keyed per call,
//! built on the sha2 crate's block compression (SHA-NI / AVX2 at run time). See the parent
//! module for why each candidate costs exactly `ceil((L + 9) / B) + 3` compressions.

use sha2::Digest as _;
use sha2::block_api::{compress256, compress512};

use super::HmacAlg;

const IV256: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];
pub(super) const IV384: [u64; 8] = [
    0xcbbb_9d5d_c105_9ed8,
    0x629a_292a_367c_d507,
    0x9159_015a_3070_dd17,
    0x152f_ecd8_f70e_5939,
    0x6733_2667_ffc0_0b31,
    0x8eb4_4a87_6858_1511,
    0xdb0c_2e0d_64f9_8fa7,
    0x47b5_481d_befa_4fa4,
];
pub(super) const IV512: [u64; 8] = [
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
    pub(super) fn new(message: &'a [u8], mac: &[u8]) -> Self {
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
    pub(super) fn new(message: &'a [u8], mac: &[u8], iv: &[u64; 8], digest_len: usize) -> Self {
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
