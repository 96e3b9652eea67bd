//! Content encryption and decryption per `enc` (RFC 7518 §5): AES-GCM and AES-CBC with
//! HMAC-SHA-2, all on aws-lc-rs. Every decryption failure is the same opaque [`Failed`]: a bad
//! tag, a bad IV length and bad padding must not be told apart (no decryption oracle).

use aws_lc_rs::{aead, cipher, constant_time, hmac, rand};

/// Content decryption failed; deliberately says nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Failed;

/// A content encryption algorithm this engine decrypts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Enc {
    /// AES-GCM with a 128, 192 or 256-bit key.
    Gcm(usize),
    /// AES-CBC with HMAC-SHA-2 (RFC 7518 §5.2); the CEK length in bytes (32, 48 or 64).
    CbcHmac(usize),
}

impl Enc {
    /// The `enc` value's algorithm, if supported.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "A128GCM" => Self::Gcm(16),
            "A192GCM" => Self::Gcm(24),
            "A256GCM" => Self::Gcm(32),
            "A128CBC-HS256" => Self::CbcHmac(32),
            "A192CBC-HS384" => Self::CbcHmac(48),
            "A256CBC-HS512" => Self::CbcHmac(64),
            _ => return None,
        })
    }

    /// The `enc` name (the Concat KDF's `AlgorithmID` for direct ECDH-ES).
    pub fn name(self) -> &'static str {
        match self {
            Self::Gcm(16) => "A128GCM",
            Self::Gcm(24) => "A192GCM",
            Self::Gcm(_) => "A256GCM",
            Self::CbcHmac(32) => "A128CBC-HS256",
            Self::CbcHmac(48) => "A192CBC-HS384",
            Self::CbcHmac(_) => "A256CBC-HS512",
        }
    }

    /// The CEK length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Self::Gcm(n) | Self::CbcHmac(n) => n,
        }
    }
}

/// Decrypts and authenticates the content with `cek`.
pub(super) fn decrypt(
    enc: Enc,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, Failed> {
    #[cfg(test)]
    super::tests::probe::content_step();
    if cek.len() != enc.key_len() {
        return Err(Failed);
    }
    match enc {
        Enc::Gcm(_) => gcm_open(cek, iv, aad, ciphertext, tag),
        Enc::CbcHmac(n) => cbc_hmac_open(n, cek, iv, aad, ciphertext, tag),
    }
}

/// What content encryption produced: the IV it drew, the ciphertext and the tag.
pub(super) struct Sealed {
    /// The random IV (96 bits for GCM, 128 for CBC).
    pub iv: Vec<u8>,
    /// The ciphertext.
    pub ciphertext: Vec<u8>,
    /// The authentication tag.
    pub tag: Vec<u8>,
}

/// Encrypts and authenticates `plaintext` with `cek` and a fresh random IV (RFC 7516 §5.1
/// steps 11-15). Fails only on a CEK of the wrong length or a failing random source.
pub(super) fn encrypt(enc: Enc, cek: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Sealed, Failed> {
    if cek.len() != enc.key_len() {
        return Err(Failed);
    }
    match enc {
        Enc::Gcm(_) => gcm_seal(cek, aad, plaintext),
        Enc::CbcHmac(n) => cbc_hmac_seal(n, cek, aad, plaintext),
    }
}

/// AES-GCM sealing with a random 96-bit IV and a 128-bit tag (RFC 7518 §5.3); also used by the
/// `A*GCMKW` key wrapping (RFC 7518 §4.7).
pub(super) fn gcm_seal(key: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Sealed, Failed> {
    let algorithm = gcm_algorithm(key.len())?;
    let mut iv = [0u8; aead::NONCE_LEN];
    rand::fill(&mut iv).map_err(|_| Failed)?;
    let key = aead::LessSafeKey::new(aead::UnboundKey::new(algorithm, key).map_err(|_| Failed)?);
    let mut buffer = plaintext.to_vec();
    let tag = key
        .seal_in_place_separate_tag(aead::Nonce::assume_unique_for_key(iv), aead::Aad::from(aad), &mut buffer)
        .map_err(|_| Failed)?;
    Ok(Sealed { iv: iv.to_vec(), ciphertext: buffer, tag: tag.as_ref().to_vec() })
}

/// AES-CBC-HMAC-SHA2 encryption (RFC 7518 §5.2.2.1): PKCS#7 padding, a random 128-bit IV, and
/// the tag as the first half of the MAC over AAD || IV || ciphertext || AL.
fn cbc_hmac_seal(cek_len: usize, cek: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Sealed, Failed> {
    let (mac_key, enc_key) = cek.split_at(cek_len / 2);
    let (mac_alg, aes) = cbc_hmac_algorithms(cek_len)?;
    let mut iv = [0u8; 16];
    rand::fill(&mut iv).map_err(|_| Failed)?;
    let key =
        cipher::PaddedBlockEncryptingKey::cbc_pkcs7(cipher::UnboundCipherKey::new(aes, enc_key).map_err(|_| Failed)?)
            .map_err(|_| Failed)?;
    let mut buffer = plaintext.to_vec();
    key.less_safe_encrypt(&mut buffer, cipher::EncryptionContext::Iv128(aws_lc_rs::iv::FixedLength::from(iv)))
        .map_err(|_| Failed)?;
    let tag = cbc_hmac_tag(mac_alg, mac_key, aad, &iv, &buffer)?;
    Ok(Sealed { iv: iv.to_vec(), ciphertext: buffer, tag })
}

/// The HMAC and AES of an `A*CBC-HS*` CEK length.
fn cbc_hmac_algorithms(cek_len: usize) -> Result<(hmac::Algorithm, &'static cipher::Algorithm), Failed> {
    match cek_len {
        32 => Ok((hmac::HMAC_SHA256, &cipher::AES_128)),
        48 => Ok((hmac::HMAC_SHA384, &cipher::AES_192)),
        64 => Ok((hmac::HMAC_SHA512, &cipher::AES_256)),
        _ => Err(Failed),
    }
}

/// The `A*CBC-HS*` tag (RFC 7518 §5.2.2.1 steps 5-6): the first half of the HMAC over
/// AAD || IV || ciphertext || AL, AL being the AAD's length in bits as a 64-bit big-endian.
fn cbc_hmac_tag(
    mac_alg: hmac::Algorithm,
    mac_key: &[u8],
    aad: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>, Failed> {
    let al = u64::try_from(aad.len()).map_err(|_| Failed)?.checked_mul(8).ok_or(Failed)?;
    let mut ctx = hmac::Context::with_key(&hmac::Key::new(mac_alg, mac_key));
    ctx.update(aad);
    ctx.update(iv);
    ctx.update(ciphertext);
    ctx.update(&al.to_be_bytes());
    let mac = ctx.sign();
    Ok(mac.as_ref().get(..mac_key.len()).ok_or(Failed)?.to_vec())
}

/// The AES-GCM of a key length.
fn gcm_algorithm(key_len: usize) -> Result<&'static aead::Algorithm, Failed> {
    match key_len {
        16 => Ok(&aead::AES_128_GCM),
        24 => Ok(&aead::AES_192_GCM),
        32 => Ok(&aead::AES_256_GCM),
        _ => Err(Failed),
    }
}

/// AES-GCM opening with a 96-bit IV and a 128-bit tag (RFC 7518 §5.3); also used by the
/// `A*GCMKW` key wrapping (RFC 7518 §4.7).
pub(super) fn gcm_open(key: &[u8], iv: &[u8], aad: &[u8], ciphertext: &[u8], tag: &[u8]) -> Result<Vec<u8>, Failed> {
    let algorithm = gcm_algorithm(key.len())?;
    if tag.len() != aead::MAX_TAG_LEN {
        return Err(Failed);
    }
    let nonce = aead::Nonce::try_assume_unique_for_key(iv).map_err(|_| Failed)?;
    let key = aead::LessSafeKey::new(aead::UnboundKey::new(algorithm, key).map_err(|_| Failed)?);
    let mut buffer = ciphertext.to_vec();
    key.open_in_place_separate_tag(nonce, aead::Aad::from(aad), tag, &mut buffer).map_err(|_| Failed)?;
    Ok(buffer)
}

/// AES-CBC-HMAC-SHA2 (RFC 7518 §5.2.2.2): the MAC over AAD || IV || ciphertext || AL is
/// checked in constant time before any decryption, so padding is never examined for a forged
/// message.
fn cbc_hmac_open(
    cek_len: usize,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, Failed> {
    let (mac_key, enc_key) = cek.split_at(cek_len / 2);
    let (mac_alg, aes) = cbc_hmac_algorithms(cek_len)?;
    let expected = cbc_hmac_tag(mac_alg, mac_key, aad, iv, ciphertext)?;
    // A tag of another length fails the comparison, in time independent of the content.
    constant_time::verify_slices_are_equal(&expected, tag).map_err(|_| Failed)?;
    let iv: [u8; 16] = iv.try_into().map_err(|_| Failed)?;
    let key =
        cipher::PaddedBlockDecryptingKey::cbc_pkcs7(cipher::UnboundCipherKey::new(aes, enc_key).map_err(|_| Failed)?)
            .map_err(|_| Failed)?;
    let mut buffer = ciphertext.to_vec();
    let context = cipher::DecryptionContext::Iv128(aws_lc_rs::iv::FixedLength::from(iv));
    let plain_len = key.decrypt(&mut buffer, context).map_err(|_| Failed)?.len();
    buffer.truncate(plain_len);
    Ok(buffer)
}
