//! OpenSSH keys, read with RustCrypto `ssh-key`: public keys in the one-line OpenSSH form
//! (`ssh-ed25519 AAAA… comment`, RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709), one or several per
//! file as in `authorized_keys`, and in the RFC 4716 form (`---- BEGIN SSH2 PUBLIC KEY ----`).
//! They verify EdDSA, ES256/384/512 and RS*/PS* tokens like any other public key. OpenSSH
//! private keys are named, not read: their public half is the `.pub` file.

use base64::Engine as _;
use ssh_key::public::{EcdsaPublicKey, KeyData};

use super::formats::{ec_material_from_point, ed25519_public, reason_of, rsa_material, summary};
use super::{Curve, Key};
use crate::core::engine::error::{Error, Result};

/// The algorithm names that start an OpenSSH public key line.
const ALGORITHMS: [&str; 7] =
    ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa", "ssh-dss", "sk-"];

/// The RFC 4716 armour.
const BEGIN_4716: &str = "---- BEGIN SSH2 PUBLIC KEY ----";
const END_4716: &str = "---- END SSH2 PUBLIC KEY ----";

/// True when `text` starts like an OpenSSH public key line (or an OpenSSH certificate).
pub(super) fn looks_like_openssh_public(text: &str) -> bool {
    ALGORITHMS.iter().any(|a| text.starts_with(a))
        || text.split_whitespace().next().is_some_and(|t| t.ends_with("-cert-v01@openssh.com"))
}

/// True when `text` holds an RFC 4716 public key.
pub(super) fn looks_like_rfc4716(text: &str) -> bool {
    text.contains(BEGIN_4716)
}

/// Every key of a file of OpenSSH public key lines (blank lines and `#` comments skipped).
pub(super) fn load_openssh_public(text: &str, source: &str) -> Result<Vec<Key>> {
    let mut keys = Vec::new();
    let mut problems = Vec::new();
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    for (i, line) in lines.iter().enumerate() {
        let name = if i == 0 { source.to_owned() } else { format!("{source} (line {})", i + 1) };
        let parsed = ssh_key::PublicKey::from_openssh(line)
            .map_err(|e| Error::key(&name, format!("not an OpenSSH public key: {e}")))
            .and_then(|k| from_key_data(k.key_data(), &name, "OpenSSH public key"));
        match parsed {
            Ok(key) => keys.push(key),
            Err(e) if lines.len() == 1 => return Err(e),
            Err(e) => problems.push(format!("line {}: {}", i + 1, reason_of(e))),
        }
    }
    let Some(first) = keys.first_mut() else {
        return Err(Error::key(source, summary(&problems)));
    };
    if !problems.is_empty() {
        first.warnings.push(format!(
            "{} of this file {} skipped: {}",
            crate::core::text::count(problems.len(), "other line", "other lines"),
            if problems.len() == 1 { "was" } else { "were" },
            summary(&problems)
        ));
    }
    Ok(keys)
}

/// The key of an RFC 4716 file: header lines (`Comment: …`, continued by a trailing `\`) then
/// the base64 of the SSH wire encoding.
pub(super) fn load_rfc4716(text: &str, source: &str) -> Result<Vec<Key>> {
    let damaged = |why: &str| Error::key(source, format!("the SSH2 PUBLIC KEY block is damaged: {why}"));
    let start = text.find(BEGIN_4716).ok_or_else(|| damaged("no BEGIN line"))? + BEGIN_4716.len();
    let end = text[start..].find(END_4716).ok_or_else(|| damaged("no END line"))? + start;
    let mut body = String::new();
    let mut continued = false;
    for line in text[start..end].lines().map(str::trim).filter(|l| !l.is_empty()) {
        // RFC 4716 §3.3: a header line has a colon, and a backslash at its end continues it.
        let header = continued || line.contains(':');
        continued = header && line.ends_with('\\');
        if !header {
            body.push_str(line);
        }
    }
    let blob = base64::engine::general_purpose::STANDARD.decode(&body).map_err(|e| damaged(&e.to_string()))?;
    let key = ssh_key::PublicKey::from_bytes(&blob).map_err(|e| damaged(&e.to_string()))?;
    Ok(vec![from_key_data(key.key_data(), source, "RFC 4716 SSH2 public key")?])
}

/// The key an SSH public key blob holds, normalised like every other format.
fn from_key_data(data: &KeyData, source: &str, container: &str) -> Result<Key> {
    let algorithm = data.algorithm();
    let format = format!("{container} ({algorithm})");
    let material = match data {
        KeyData::Ed25519(k) => ed25519_public(k.0, source)?,
        KeyData::Ecdsa(k) => {
            let curve = match k {
                EcdsaPublicKey::NistP256(_) => Curve::P256,
                EcdsaPublicKey::NistP384(_) => Curve::P384,
                EcdsaPublicKey::NistP521(_) => Curve::P521,
            };
            ec_material_from_point(curve, k.as_sec1_bytes(), source)?
        }
        KeyData::Rsa(k) => {
            let (Some(n), Some(e)) = (k.n().as_positive_bytes(), k.e().as_positive_bytes()) else {
                return Err(Error::key(source, "the SSH RSA key has a negative or empty integer"));
            };
            rsa_material(n, e, source)?
        }
        KeyData::Certificate(cert) => {
            return from_key_data(cert.public_key(), source, &format!("OpenSSH certificate of a {container}"));
        }
        KeyData::Dsa(_) => return Err(Error::key(source, "ssh-dss (DSA) keys cannot verify JOSE signatures")),
        KeyData::SkEcdsaSha2NistP256(_) | KeyData::SkEd25519(_) => {
            return Err(Error::key(
                source,
                format!("{algorithm} is a FIDO security-key key: it signs authenticator data, never a JOSE token"),
            ));
        }
        other => return Err(Error::key(source, format!("SSH key type {} is not supported", other.algorithm()))),
    };
    Ok(Key::new(material, None, source, &format))
}

/// What to say about an OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`): its type
/// and whether a passphrase protects it, read from the unencrypted part of the file.
pub(super) fn private_key_message(block: &str) -> String {
    let what = match ssh_key::PrivateKey::from_openssh(block) {
        Ok(k) if k.is_encrypted() => format!("an OpenSSH private key ({}, passphrase-protected)", k.algorithm()),
        Ok(k) => format!("an OpenSSH private key ({})", k.algorithm()),
        Err(_) => "an OpenSSH private key".to_owned(),
    };
    format!(
        "{what}: private keys in OpenSSH's format are not read here; load its public key instead (the .pub file \
         beside it, or the output of `ssh-keygen -y -f FILE`)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The base64 blob of the fixture's Ed25519 public key.
    fn ed() -> &'static str {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ssh-ed25519.pub"))
            .split_whitespace()
            .nth(1)
            .unwrap()
    }

    #[test]
    fn one_line_and_rfc4716_forms_agree() {
        let ed = ed();
        let line = format!("ssh-ed25519 {ed} someone@host\n");
        let from_line = load_openssh_public(&line, "line").unwrap().remove(0);
        let armoured = format!(
            "{BEGIN_4716}\nComment: \"a comment that goes on \\\nand on\"\nx-note: y\n{}\n{}\n{END_4716}\n",
            &ed[..40],
            &ed[40..]
        );
        let from_4716 = load_rfc4716(&armoured, "4716").unwrap().remove(0);
        assert_eq!(from_line.material, from_4716.material);
        assert_eq!(from_line.format, "OpenSSH public key (ssh-ed25519)");
    }

    #[test]
    fn several_lines_load_several_keys_and_say_what_was_skipped() {
        let text = format!("# keys\nssh-ed25519 {} a\n\nssh-rsa AAAA broken\n", ed());
        let keys = load_openssh_public(&text, "authorized_keys").unwrap();
        assert_eq!(keys.len(), 1);
        assert!(keys[0].warnings.iter().any(|w| w.contains("1 other line of")), "{:?}", keys[0].warnings);
        assert!(load_openssh_public("ssh-rsa AAAA", "x").is_err());
    }
}
