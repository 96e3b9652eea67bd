//! PEM, DER and X.509: SPKI, PKCS#1 (public and private), PKCS#8, SEC1 and certificates, each
//! recognised by its structure, never by a file name.

use der::asn1::{ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, Encode};

use super::material::{OID_ED448, OID_RSA_PSS, OID_X25519};
use super::{
    CertificateInfo, Curve, Key, KeyMaterial, OID_EC, OID_ED25519, OID_RSA, PrivateMaterial, bit_len,
    strip_leading_zeros,
};
use crate::core::engine::error::{Error, Result};

pub(super) fn looks_like_base64_der(t: &str) -> bool {
    // "MII…" / "MF…" / "MC…" are the base64 of a DER SEQUENCE header.
    t.len() > 40 && t.starts_with('M') && t.chars().all(|c| c.is_ascii_alphanumeric() || "+/=-_\r\n ".contains(c))
}

pub(super) fn load_pem_bundle(text: &str, source: &str) -> Result<Vec<Key>> {
    let mut keys = Vec::new();
    let mut problems = Vec::new();
    let mut rest = text;
    let mut blocks = 0;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block_and_after = &rest[start..];
        let Some(label_end) = block_and_after[11..].find("-----") else {
            problems.push("a BEGIN line is not closed by -----".to_owned());
            break;
        };
        let label = &block_and_after[11..11 + label_end];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = block_and_after.find(&end_marker) else {
            problems.push(format!("the {label} block has no matching END line"));
            break;
        };
        let block = &block_and_after[..end + end_marker.len()];
        rest = &block_and_after[end + end_marker.len()..];
        blocks += 1;
        let name = if blocks == 1 { source.to_owned() } else { format!("{source} (block {blocks})") };
        match load_pem_block(block, label, &name) {
            Ok(Some(key)) => keys.push(key),
            Ok(None) => {}
            Err(e) => {
                problems.push(if blocks > 1 { format!("block {blocks}: {}", reason_of(e)) } else { reason_of(e) });
            }
        }
    }
    let mut keys = keep_leaf_of_chain(keys);
    let Some(first) = keys.first_mut() else {
        let detail = if problems.is_empty() { "no key block found".to_owned() } else { summary(&problems) };
        return Err(Error::key(source, detail));
    };
    // Once per file, on its first key: every key repeating it made a 4,000-entry file cost
    // 4,000 × 4,000 warnings.
    if !problems.is_empty() {
        first.warnings.push(format!(
            "{} of this file {} skipped: {}",
            crate::core::text::count(problems.len(), "other block", "other blocks"),
            if problems.len() == 1 { "was" } else { "were" },
            summary(&problems)
        ));
    }
    Ok(keys)
}

/// The reason of a key error without the source it names (the caller names it once).
pub(super) fn reason_of(e: Error) -> String {
    match e {
        Error::Key { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// The first few problems of a set, and how many more there were.
pub(super) fn summary(problems: &[String]) -> String {
    const SHOWN: usize = 3;
    let shown = problems.iter().take(SHOWN).cloned().collect::<Vec<_>>().join("; ");
    match problems.len().checked_sub(SHOWN) {
        Some(more) if more > 0 => format!("{shown} (and {more} more)"),
        _ => shown,
    }
}

/// A file of certificates that form one chain (leaf, intermediates, root, in any order) yields
/// the leaf's key only, with the rest shown as its chain: a CA's key must not verify tokens
/// just because the CA is in the file. Unrelated certificates each keep their key, with a
/// warning.
fn keep_leaf_of_chain(mut keys: Vec<Key>) -> Vec<Key> {
    let certs: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].certificate.is_some()).collect();
    if certs.len() < 2 {
        return keys;
    }
    let info = |i: usize| keys[i].certificate.as_ref().map_or(("", ""), |c| (c.subject.as_str(), c.issuer.as_str()));
    let issues_another = |i: usize| certs.iter().any(|&j| j != i && info(j).1 == info(i).0);
    let leaves: Vec<usize> = certs.iter().copied().filter(|&i| !issues_another(i)).collect();
    let mut chain = Vec::new();
    if let [leaf] = leaves[..] {
        let mut current = leaf;
        let mut used = vec![leaf];
        while let Some(&parent) = certs
            .iter()
            .find(|&&j| !used.contains(&j) && info(j).0 == info(current).1 && info(current).0 != info(current).1)
        {
            chain.push(parent);
            used.push(parent);
            current = parent;
        }
        if chain.len() == certs.len() - 1 {
            let subjects: Vec<String> = chain.iter().map(|&j| info(j).0.to_owned()).collect();
            if let Some(c) = keys[leaf].certificate.as_mut() {
                c.chain = subjects;
            }
            let mut index = 0;
            keys.retain(|_| {
                index += 1;
                !chain.contains(&(index - 1))
            });
            return keys;
        }
    }
    let n = certs.len();
    if let Some(first) = keys.first_mut() {
        first.warnings.push(format!(
            "this file holds {n} certificates that do not form one chain; each one's key was loaded, so a token \
             signed by any of them verifies"
        ));
    }
    keys
}

fn load_pem_block(block: &str, label: &str, source: &str) -> Result<Option<Key>> {
    if block.contains("Proc-Type: 4,ENCRYPTED") || label == "ENCRYPTED PRIVATE KEY" {
        return Err(Error::key(
            source,
            "the private key is password-protected; decrypt it first (openssl pkey -in key.pem -out plain.pem)",
        ));
    }
    if label == "OPENSSH PRIVATE KEY" {
        return Err(Error::key(source, super::ssh::private_key_message(block)));
    }
    if label == "EC PARAMETERS" {
        return Ok(None);
    }
    let (_, der) = der::pem::decode_vec(block.as_bytes())
        .map_err(|e| Error::key(source, format!("the {label} PEM block is damaged: {e}")))?;
    let key = match label {
        "PUBLIC KEY" => from_spki(&der, source, "PEM SPKI public key")?,
        "RSA PUBLIC KEY" => from_pkcs1_public(&der, source, "PEM PKCS#1 RSA public key")?,
        "RSA PRIVATE KEY" => from_pkcs1_private(&der, source, "PEM PKCS#1 RSA private key")?,
        "PRIVATE KEY" => from_pkcs8(&der, source, "PEM PKCS#8 private key")?,
        "EC PRIVATE KEY" => from_sec1(&der, None, source, "PEM SEC1 EC private key")?,
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
            from_certificate(&der, source, "PEM X.509 certificate")?
        }
        other => {
            return Err(Error::key(source, format!("a PEM block labelled {other:?} holds no signing key")));
        }
    };
    Ok(Some(key))
}

/// Tries every DER structure in turn; the first that parses wins.
pub(super) fn load_der(der: &[u8], source: &str, container: &str) -> Result<Vec<Key>> {
    type Loader = fn(&[u8], &str, &str) -> Result<Key>;
    let attempts: [(&str, Loader); 5] = [
        ("X.509 certificate", from_certificate),
        ("SPKI public key", from_spki),
        ("PKCS#8 private key", from_pkcs8),
        ("PKCS#1 RSA private key", from_pkcs1_private),
        ("PKCS#1 RSA public key", from_pkcs1_public),
    ];
    // A structure that parses but holds an unusable key (a small-order Ed25519 point, an even
    // RSA modulus…) says so; the other structures' "not a …" failures say nothing useful.
    let mut unusable = None;
    for (what, loader) in attempts {
        match loader(der, source, &format!("{container} {what}")) {
            Ok(key) => return Ok(vec![key]),
            Err(Error::Key { reason, .. }) if unusable.is_none() && !reason.starts_with("not a") => {
                unusable = Some(reason);
            }
            Err(_) => {}
        }
    }
    if let Ok(key) = from_sec1(der, None, source, &format!("{container} SEC1 EC private key")) {
        return Ok(vec![key]);
    }
    if let Some(named) = named_container(der) {
        return Err(Error::key(source, named));
    }
    if let Some(reason) = unusable {
        return Err(Error::key(source, reason));
    }
    // Parse again with the most likely structure to give a precise message.
    let detail = match spki::SubjectPublicKeyInfoRef::from_der(der) {
        Ok(_) => "an SPKI structure with an unusable key".to_owned(),
        Err(_) => match from_spki(der, source, "") {
            Err(Error::Key { reason, .. }) => reason,
            _ => "unknown structure".to_owned(),
        },
    };
    Err(Error::key(
        source,
        format!(
            "{} bytes of {container} that are not a certificate, SPKI, PKCS#8, PKCS#1 or SEC1 key ({detail})",
            der.len()
        ),
    ))
}

/// Containers that hold keys this tool does not open, recognised by their structure so the
/// message names them: an encrypted PKCS#8 key (RFC 5958 §3) and a PKCS#12 bundle (RFC 7292).
fn named_container(der: &[u8]) -> Option<String> {
    use der::Reader as _;
    const PKCS5: &str = "1.2.840.113549.1.5.";
    const PKCS12_PBE: &str = "1.2.840.113549.1.12.1.";
    const PKCS7: &str = "1.2.840.113549.1.7.";
    // EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }
    let encrypted = der::SliceReader::new(der).ok().and_then(|mut r| {
        r.sequence(|seq| {
            let algorithm = spki::AlgorithmIdentifierRef::decode(seq)?;
            <&OctetStringRef>::decode(seq)?;
            Ok::<ObjectIdentifier, der::Error>(algorithm.oid)
        })
        .ok()
    });
    if let Some(oid) = encrypted
        && (oid.to_string().starts_with(PKCS5) || oid.to_string().starts_with(PKCS12_PBE))
    {
        return Some(
            "an encrypted PKCS#8 private key (password-protected); decrypt it first: openssl pkcs8 -inform DER \
             -in FILE -out key.pem"
                .into(),
        );
    }
    // PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData OPTIONAL }
    let pfx = der::SliceReader::new(der).ok().and_then(|mut r| {
        r.sequence(|seq| {
            let version = u8::decode(seq)?;
            let content_type = seq.sequence(|ci| {
                let oid = ObjectIdentifier::decode(ci)?;
                // The rest of the ContentInfo is not needed to name the container.
                ci.drain(ci.remaining_len())?;
                Ok::<ObjectIdentifier, der::Error>(oid)
            })?;
            seq.drain(seq.remaining_len())?;
            Ok::<(u8, ObjectIdentifier), der::Error>((version, content_type))
        })
        .ok()
    });
    if let Some((3, oid)) = pfx
        && oid.to_string().starts_with(PKCS7)
    {
        return Some(
            "a PKCS#12 (.p12/.pfx) bundle; take the certificate out of it first (openssl pkcs12 -in FILE -nokeys \
             -out cert.pem): the certificate holds the public key"
                .into(),
        );
    }
    None
}

fn from_spki(der: &[u8], source: &str, format: &str) -> Result<Key> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(der)
        .map_err(|e| Error::key(source, format!("not an SPKI public key: {e}")))?;
    let bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| Error::key(source, "the public key bit string has unused bits"))?;
    let oid = spki.algorithm.oid;
    let material = if oid == OID_RSA || oid == OID_RSA_PSS {
        rsa_public_material(bits, source)?
    } else if oid == OID_EC {
        let params = spki.algorithm.parameters.ok_or_else(|| Error::key(source, "EC key without curve parameters"))?;
        let curve_oid: ObjectIdentifier = params
            .decode_as()
            .map_err(|_| Error::key(source, "EC key with explicit (non-named) curve parameters is not supported"))?;
        let curve = Curve::from_oid(curve_oid, source)?;
        ec_material_from_point(curve, bits, source)?
    } else if oid == OID_ED25519 {
        let x: [u8; 32] = bits.try_into().map_err(|_| Error::key(source, "an Ed25519 public key must be 32 bytes"))?;
        ed25519_public(x, source)?
    } else if oid == OID_X25519 {
        let x: [u8; 32] = bits.try_into().map_err(|_| Error::key(source, "an X25519 public key must be 32 bytes"))?;
        return x25519_key(None, Some(x), source, format);
    } else {
        return Err(Error::key(source, unsupported_oid(oid)));
    };
    let mut key = Key::new(material, None, source, format);
    if oid == OID_RSA_PSS {
        key.warnings.push("the key is marked RSASSA-PSS only: it cannot verify RS256/384/512".into());
        key.alg = Some("PS256".into());
    }
    Ok(key)
}

fn unsupported_oid(oid: ObjectIdentifier) -> String {
    match oid {
        o if o == OID_ED448 => "Ed448 keys are not supported (no JOSE library verifies them)".into(),
        o => format!("unsupported key algorithm (OID {o})"),
    }
}

fn rsa_public_material(pkcs1_der: &[u8], source: &str) -> Result<KeyMaterial> {
    let pk = pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(pkcs1_der)
        .map_err(|e| Error::key(source, format!("not a PKCS#1 RSA public key: {e}")))?;
    rsa_material(pk.modulus.as_bytes(), pk.public_exponent.as_bytes(), source)
}

/// An Ed25519 public key: a point on the curve, and not one of the eight of small order (the
/// identity and the torsion points). With one of those, the signature R = identity, S = 0
/// verifies every message, so such a key is refused as RSA e = 1 is.
pub(super) fn ed25519_public(x: [u8; 32], source: &str) -> Result<KeyMaterial> {
    let key = ed25519_dalek::VerifyingKey::from_bytes(&x)
        .map_err(|_| Error::key(source, "the Ed25519 public key is not a valid curve point"))?;
    if key.is_weak() {
        return Err(Error::key(
            source,
            "the Ed25519 public key is a point of small order (the identity or a torsion point): with it the \
             signature R = identity, S = 0 verifies every message, so it is refused",
        ));
    }
    Ok(KeyMaterial::Ed25519 { x })
}

/// The largest RSA modulus accepted: verification cost grows with the square of the size, and
/// no issuer uses more.
pub const MAX_RSA_BITS: usize = 16_384;

/// The largest RSA public exponent a verifier here accepts: aws-lc and RustCrypto `rsa` both
/// refuse an exponent over 33 bits (2^33 - 1), a guard against keys made to be slow to verify.
pub const MAX_RSA_EXPONENT_BITS: usize = 33;

/// The public part of an RSA key, refused when it cannot be a real key or anyone could compute
/// its private key: a size outside 512 to 16,384 bits, an even or broken modulus (see
/// [`super::modulus::broken`]), an exponent that is empty, 0, 1, even or over 33 bits.
pub(super) fn rsa_material(n: &[u8], e_encoded: &[u8], source: &str) -> Result<KeyMaterial> {
    let n = strip_leading_zeros(n);
    let e = strip_leading_zeros(e_encoded);
    if n.is_empty() || bit_len(n) < 512 {
        return Err(Error::key(source, format!("RSA modulus of {} bits is not a usable key", bit_len(n))));
    }
    if bit_len(n) > MAX_RSA_BITS {
        return Err(Error::key(
            source,
            format!("RSA keys over {MAX_RSA_BITS} bits are not supported (this modulus has {} bits)", bit_len(n)),
        ));
    }
    if n.last().is_some_and(|b| b & 1 == 0) {
        return Err(Error::key(source, "RSA modulus is even, so it is not a product of two primes"));
    }
    if e_encoded.is_empty() {
        return Err(Error::key(source, "the RSA public exponent is empty: the key has no e, so it verifies nothing"));
    }
    if e.is_empty() {
        return Err(Error::key(
            source,
            "RSA public exponent e=0 is not an RSA key: every signature raised to the power 0 is 1, so it verifies \
             nothing (and no private exponent exists)",
        ));
    }
    if e == [1] {
        return Err(Error::key(source, "RSA public exponent e=1 makes every signature forgeable"));
    }
    if e.last().is_some_and(|b| b & 1 == 0) {
        return Err(Error::key(source, "RSA public exponent is even, which is not a valid RSA key"));
    }
    if bit_len(e) > MAX_RSA_EXPONENT_BITS {
        return Err(Error::key(
            source,
            format!(
                "the RSA public exponent is a {}-bit number; verifiers accept at most {MAX_RSA_EXPONENT_BITS} bits \
                 (2^33 - 1, aws-lc, RustCrypto and BoringSSL alike, against keys made to be slow), so no signature \
                 can verify with it",
                bit_len(e)
            ),
        ));
    }
    if let Some(why) = super::modulus::broken(n) {
        return Err(Error::key(source, why));
    }
    Ok(KeyMaterial::Rsa { n: n.to_vec(), e: e.to_vec() })
}

fn from_pkcs1_public(der: &[u8], source: &str, format: &str) -> Result<Key> {
    Ok(Key::new(rsa_public_material(der, source)?, None, source, format))
}

fn from_pkcs1_private(der: &[u8], source: &str, format: &str) -> Result<Key> {
    let sk = pkcs1::RsaPrivateKey::<UintRef<'_>>::from_der(der)
        .map_err(|e| Error::key(source, format!("not a PKCS#1 RSA private key: {e}")))?;
    let material = rsa_material(sk.modulus.as_bytes(), sk.public_exponent.as_bytes(), source)?;
    Ok(Key::new(material, Some(PrivateMaterial::RsaPkcs1(der.to_vec())), source, format))
}

fn from_pkcs8(der: &[u8], source: &str, format: &str) -> Result<Key> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(der)
        .map_err(|e| Error::key(source, format!("not a PKCS#8 private key: {e}")))?;
    let oid = info.algorithm.oid;
    let inner = info.private_key.as_bytes();
    if oid == OID_RSA || oid == OID_RSA_PSS {
        from_pkcs1_private(inner, source, format)
    } else if oid == OID_EC {
        let curve = match info.algorithm.parameters {
            Some(params) => Some(Curve::from_oid(
                params.decode_as().map_err(|_| Error::key(source, "EC key without a named curve"))?,
                source,
            )?),
            None => None,
        };
        from_sec1(inner, curve, source, format)
    } else if oid == OID_ED25519 {
        let seed_octets = <&OctetStringRef>::from_der(inner)
            .map_err(|e| Error::key(source, format!("Ed25519 private key is damaged: {e}")))?;
        let seed: [u8; 32] = seed_octets
            .as_bytes()
            .try_into()
            .map_err(|_| Error::key(source, "an Ed25519 private key must be a 32-byte seed"))?;
        Ok(ed25519_from_seed(seed, None, source, format)?)
    } else if oid == OID_X25519 {
        // RFC 8410 §7: the private key is a CurvePrivateKey, itself an OCTET STRING.
        let octets = <&OctetStringRef>::from_der(inner)
            .map_err(|e| Error::key(source, format!("X25519 private key is damaged: {e}")))?;
        let d: [u8; 32] =
            octets.as_bytes().try_into().map_err(|_| Error::key(source, "an X25519 private key must be 32 bytes"))?;
        x25519_key(Some(d), None, source, format)
    } else {
        Err(Error::key(source, unsupported_oid(oid)))
    }
}

fn from_sec1(der: &[u8], curve_hint: Option<Curve>, source: &str, format: &str) -> Result<Key> {
    let sk =
        sec1::EcPrivateKey::from_der(der).map_err(|e| Error::key(source, format!("not a SEC1 EC private key: {e}")))?;
    let curve = match (sk.parameters.and_then(sec1::EcParameters::named_curve), curve_hint) {
        (Some(oid), _) => Curve::from_oid(oid, source)?,
        (None, Some(c)) => c,
        (None, None) => return Err(Error::key(source, "EC private key does not say which curve it is on")),
    };
    let key = ec_from_scalar(curve, sk.private_key, source, format)?;
    if let (Some(public), KeyMaterial::Ec { x, y, .. }) = (sk.public_key, &key.material) {
        let embedded = ec_material_from_point(curve, public, source)?;
        if embedded != (KeyMaterial::Ec { curve, x: x.clone(), y: y.clone() }) {
            return Err(Error::key(source, "the embedded public key does not match the private key"));
        }
    }
    Ok(key)
}

/// An EC key from its private scalar: derives the public point and the PKCS#8 DER.
pub(super) fn ec_from_scalar(curve: Curve, d: &[u8], source: &str, format: &str) -> Result<Key> {
    use pkcs8::EncodePrivateKey;
    let len = curve.coordinate_len();
    if d.len() > len {
        return Err(Error::key(
            source,
            format!("EC private scalar is {} bytes, more than {len} for {}", d.len(), curve.name()),
        ));
    }
    let mut padded = vec![0u8; len - d.len()];
    padded.extend_from_slice(d);
    let (point, pkcs8) = with_curve!(curve, m => {
        let sk = m::SecretKey::from_slice(&padded)
            .map_err(|_| Error::key(source, format!("the private scalar is not valid for {}", curve.name())))?;
        let point = sk.public_key().to_sec1_bytes().to_vec();
        let pkcs8 = sk.to_pkcs8_der().map_err(|e| Error::key(source, format!("cannot re-encode the key: {e}")))?;
        (point, pkcs8.as_bytes().to_vec())
    });
    let material = ec_material_from_point(curve, &point, source)?;
    Ok(Key::new(material, Some(PrivateMaterial::Ec { d: padded, pkcs8 }), source, format))
}

/// Validates a SEC1 point (compressed or not) and returns full-length affine coordinates.
///
/// # Errors
/// [`Error::Key`] naming `source` when the point is not on the curve.
pub(super) fn ec_material_from_point(curve: Curve, point: &[u8], source: &str) -> Result<KeyMaterial> {
    let uncompressed = with_curve!(curve, m => {
        m::PublicKey::from_sec1_bytes(point)
            .map_err(|_| Error::key(source, format!("the public key is not a valid point on {}", curve.name())))?
            .to_sec1_bytes()
            .to_vec()
    });
    let len = curve.coordinate_len();
    if uncompressed.len() != 1 + 2 * len || uncompressed[0] != 0x04 {
        return Err(Error::key(source, format!("unexpected encoding of a {} point", curve.name())));
    }
    Ok(KeyMaterial::Ec { curve, x: uncompressed[1..=len].to_vec(), y: uncompressed[1 + len..].to_vec() })
}

/// An X25519 key (RFC 7748, RFC 8037 §2, RFC 8410): a key-agreement key for JWE ECDH-ES that
/// verifies no signature. With the private key `d`, the public key is derived from it and must
/// equal `expect_x` when one is given; without `d`, `expect_x` is the public key.
pub(super) fn x25519_key(d: Option<[u8; 32]>, expect_x: Option<[u8; 32]>, source: &str, format: &str) -> Result<Key> {
    use aws_lc_rs::agreement;
    let (x, private) = match d {
        Some(d) => {
            let unusable = |why: String| Error::key(source, format!("the X25519 private key is not usable: {why}"));
            let public = agreement::PrivateKey::from_private_key(&agreement::X25519, &d)
                .map_err(|e| unusable(e.to_string()))?
                .compute_public_key()
                .map_err(|e| unusable(e.to_string()))?;
            let x: [u8; 32] = public.as_ref().try_into().map_err(|_| unusable("no 32-byte public key".into()))?;
            if expect_x.is_some_and(|e| e != x) {
                return Err(Error::key(source, "the X25519 public \"x\" does not match the private key \"d\""));
            }
            (x, Some(PrivateMaterial::X25519 { d }))
        }
        None => (expect_x.ok_or_else(|| Error::key(source, "an X25519 key needs its public key"))?, None),
    };
    let mut key = Key::new(KeyMaterial::X25519 { x }, private, source, format);
    key.warnings.push("an X25519 key-agreement key: it decrypts JWEs (ECDH-ES) and verifies no signature".into());
    Ok(key)
}

pub(super) fn ed25519_from_seed(seed: [u8; 32], expect_x: Option<&[u8]>, source: &str, format: &str) -> Result<Key> {
    use pkcs8::EncodePrivateKey;
    let sk = ed25519_dalek::SigningKey::from_bytes(&seed);
    let x = sk.verifying_key().to_bytes();
    if expect_x.is_some_and(|e| e != x) {
        return Err(Error::key(source, "the Ed25519 public key \"x\" does not match the private key \"d\""));
    }
    let pkcs8 = sk
        .to_pkcs8_der()
        .map_err(|e| Error::key(source, format!("cannot re-encode the key: {e}")))?
        .as_bytes()
        .to_vec();
    Ok(Key::new(KeyMaterial::Ed25519 { x }, Some(PrivateMaterial::Ed25519 { seed, pkcs8 }), source, format))
}

fn from_certificate(der: &[u8], source: &str, format: &str) -> Result<Key> {
    let cert = x509_cert::Certificate::from_der(der)
        .map_err(|e| Error::key(source, format!("not an X.509 certificate: {e}")))?;
    let tbs = cert.tbs_certificate();
    let spki_der = tbs
        .subject_public_key_info()
        .to_der()
        .map_err(|e| Error::key(source, format!("certificate public key unreadable: {e}")))?;
    let mut key = from_spki(&spki_der, source, format)?;
    let validity = tbs.validity();
    let secs = |t: x509_cert::time::Time| i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    let info = CertificateInfo {
        subject: tbs.subject().to_string(),
        issuer: tbs.issuer().to_string(),
        not_before: secs(validity.not_before),
        not_after: secs(validity.not_after),
        serial: tbs.serial_number().as_bytes().iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"),
        chain: Vec::new(),
    };
    let now = chrono::Utc::now().timestamp();
    if info.not_after < now {
        key.warnings.push(format!(
            "the certificate expired on {}",
            crate::core::engine::clock::format_utc(info.not_after as f64)
        ));
    } else if info.not_before > now {
        key.warnings.push(format!(
            "the certificate is not valid before {}",
            crate::core::engine::clock::format_utc(info.not_before as f64)
        ));
    }
    key.certificate = Some(info);
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn asset(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/assets/keys/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn one(name: &str) -> Key {
        let mut keys = load(&asset(name), name).unwrap();
        assert_eq!(keys.len(), 1, "{name}");
        keys.remove(0)
    }

    #[test]
    fn every_rsa_form_gives_the_same_public_key() {
        let reference = one("rsa2048-spki.pem");
        assert_eq!(reference.material.describe(), "RSA 2048");
        assert!(reference.warnings.is_empty(), "{:?}", reference.warnings);
        for name in [
            "rsa2048-pkcs8.pem",
            "rsa2048-pkcs1.pem",
            "rsa2048-pkcs1-public.pem",
            "rsa2048-spki.der",
            "rsa2048-pkcs8.der",
            "rsa2048-cert.pem",
            "rsa2048-cert.der",
        ] {
            let k = one(name);
            assert_eq!(k.material, reference.material, "{name}");
            assert_eq!(k.thumbprint, reference.thumbprint, "{name}");
        }
        assert!(one("rsa2048-pkcs8.pem").private.is_some());
        assert!(one("rsa2048-spki.pem").private.is_none());
        let cert = one("rsa2048-cert.pem").certificate.unwrap();
        assert!(cert.subject.contains("CN=Token Workbench sample"), "{}", cert.subject);
        assert!(cert.not_after > cert.not_before);
    }

    #[test]
    fn ec_forms_agree_and_private_derives_public() {
        for (curve, desc) in [("p256", "EC P-256"), ("p384", "EC P-384"), ("p521", "EC P-521")] {
            let public = one(&format!("ec-{curve}-spki.pem"));
            assert_eq!(public.material.describe(), desc);
            for form in ["pkcs8", "sec1"] {
                let k = one(&format!("ec-{curve}-{form}.pem"));
                assert_eq!(k.material, public.material, "{curve} {form}");
                assert!(k.private.is_some());
            }
        }
        assert_eq!(one("ec-p256-spki-compressed.pem").material, one("ec-p256-spki.pem").material);
        assert_eq!(one("ec-p256-sec1.der").material, one("ec-p256-spki.der").material);
    }

    #[test]
    fn ed25519_forms_agree() {
        let public = one("ed25519-spki.pem");
        assert_eq!(one("ed25519-pkcs8.pem").material, public.material);
        assert_eq!(one("ed25519-pkcs8.der").material, public.material);
    }

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    /// A modulus anyone can factor is refused at load, named by what is wrong with it; each of
    /// these fixtures comes with an RS256 token forged from the public key alone.
    #[test]
    fn moduli_anyone_can_factor_are_refused_at_load() {
        for (name, says) in [
            ("rsa-prime-modulus.jwk", "the RSA modulus is a prime number, not a product of two primes"),
            (
                "rsa-factor3-modulus.jwk",
                "the RSA modulus is divisible by 3: not a product of two large primes, anyone can compute the \
                 private key",
            ),
            ("rsa-roca.jwk", "the RSA modulus has the ROCA fingerprint (CVE-2017-15361"),
        ] {
            let err = load(&fixture(name), name).unwrap_err().to_string();
            assert!(err.contains(says), "{name}: {err}");
        }
        // In a JWKS the broken key is skipped and said so; the sound one loads.
        let jwks = format!(
            r#"{{"keys":[{},{}]}}"#,
            String::from_utf8(fixture("rsa-prime-modulus.jwk")).unwrap(),
            serde_json::to_string(&one("rsa2048-spki.pem").public_jwk()).unwrap()
        );
        let keys = load(jwks.as_bytes(), "set").unwrap();
        assert_eq!(keys.len(), 1);
        assert!(
            keys[0].warnings.iter().any(|w| w.contains("[keys 0] the RSA modulus is a prime")),
            "{:?}",
            keys[0].warnings
        );
    }

    /// e = 0, an empty e and e = 1 each get their own message; an exponent over the 33 bits every
    /// verifier here accepts is refused at load, so inspect and verify agree; 2^33 - 1 loads and
    /// every RSA algorithm builds a verifier for it.
    #[test]
    fn each_unusable_exponent_has_its_own_message() {
        let n = match one("rsa2048-spki.pem").material {
            KeyMaterial::Rsa { n, .. } => crate::core::engine::token::encode_b64url(&n),
            _ => unreachable!(),
        };
        let with_e = |e: &str| load(format!(r#"{{"kty":"RSA","n":"{n}","e":"{e}"}}"#).as_bytes(), "j");
        let refused = |e: &str| with_e(e).unwrap_err().to_string();
        assert!(refused("").contains("the RSA public exponent is empty"), "{}", refused(""));
        for zero in ["AA", "AAA"] {
            assert!(refused(zero).contains("RSA public exponent e=0 is not an RSA key"), "{}", refused(zero));
        }
        assert!(refused("AQ").contains("e=1 makes every signature forgeable"));
        assert!(refused("AAE").contains("e=1 makes every signature forgeable"), "leading zeros do not hide e=1");
        assert!(refused("Ag").contains("is even"));
        let big = String::from_utf8(fixture("rsa-41-bit-exponent.jwk")).unwrap();
        let err = load(big.as_bytes(), "big").unwrap_err().to_string();
        assert!(err.contains("the RSA public exponent is a 41-bit number; verifiers accept at most 33 bits"), "{err}");
        // 2^33 - 1: the largest exponent aws-lc and RustCrypto take.
        let largest = with_e("Af____8").unwrap().remove(0);
        for alg in largest.material.algorithms() {
            assert!(largest.verifier(alg).is_ok(), "{alg}");
        }
    }

    #[test]
    fn weak_rsa_is_flagged_not_refused() {
        let k = one("rsa1024-pkcs8.pem");
        assert!(k.warnings.iter().any(|w| w.contains("1024 bits")), "{:?}", k.warnings);
    }

    #[test]
    fn x25519_pkcs8_and_spki_load_as_the_same_key_agreement_key() {
        // RFC 7748 §6.1 Bob, wrapped as RFC 8410 PKCS#8 and SPKI DER.
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
        };
        let d = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        let x = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        let pkcs8 = [hex("302e020100300506032b656e04220420"), d.clone()].concat();
        let spki = [hex("302a300506032b656e032100"), x.clone()].concat();
        let private = load(&pkcs8, "x25519.der").unwrap().remove(0);
        let public = load(&spki, "x25519-pub.der").unwrap().remove(0);
        assert_eq!(private.material, KeyMaterial::X25519 { x: x.clone().try_into().unwrap() });
        assert_eq!(private.private, Some(PrivateMaterial::X25519 { d: d.try_into().unwrap() }));
        assert_eq!(public.material, private.material);
        assert!(public.private.is_none());
        assert!(private.warnings.iter().any(|w| w.contains("key-agreement")), "{:?}", private.warnings);
        let short = [hex("302906032b656e"), vec![0; 10]].concat();
        assert!(load(&short, "short.der").is_err());
    }

    #[test]
    fn garbage_gets_a_clear_message() {
        let err = load(&[0xff, 0xfe, 0x00, 0x01], "blob.bin").unwrap_err().to_string();
        assert!(err.contains("binary data") && err.contains("0xff"), "{err}");
        let err = load(&[0x30, 0x03, 0x02, 0x01, 0x05], "x.der").unwrap_err().to_string();
        assert!(err.contains("not a certificate, SPKI"), "{err}");
        let err = load(b"hello world", "x.txt").unwrap_err().to_string();
        assert!(err.contains("not a key"), "{err}");
        let err =
            load(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "p.pem").unwrap_err().to_string();
        assert!(err.contains("p.pem"), "{err}");
        let err = load(br#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#, "j").unwrap_err().to_string();
        assert!(err.contains("32 bytes"), "{err}");
    }
}
