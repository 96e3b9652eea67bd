//! The algorithm-confusion forgery (RFC 8725 §2.1): an HMAC token made with a public key's bytes
//! as the secret, which a verifier that lets the token's `alg` pick how a key is used accepts.
//! One rule, [`algorithm_confusion`], feeds both the verifier's warning and the audit's
//! `alg-confusion` finding, so the window, `verify` and `audit` always agree. Only a MAC that
//! verifies with a public key's bytes is called the forgery; an HMAC token merely aimed at a
//! public key gets a warning that says what it looks like.

use crate::core::engine::keys::{Key, KeyMaterial};
use crate::core::engine::limits::MAX_KEY_ATTEMPTS;
use crate::core::engine::token::JwsSignature;

/// Why an HMAC token is taken for the confusion forgery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfusionEvidence {
    /// The MAC verifies with a loaded public key's bytes as the HMAC secret (or with a loaded
    /// secret whose bytes are a public key): the token was made that way, so it is the forgery
    /// beyond doubt.
    Proven {
        /// Index of the public key (or of the secret holding one) in the key list.
        key: usize,
        /// Which of its byte forms ("PEM", "DER", "bytes"…).
        form: &'static str,
    },
    /// The token's kid names a loaded public key.
    AimedAt {
        /// Index of the public key the kid names.
        key: usize,
    },
    /// Only public keys are loaded, and none of them may verify an HMAC.
    OnlyPublicKeys,
}

/// An HMAC token that targets a public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confusion {
    /// The token's HMAC algorithm.
    pub alg: String,
    /// What shows it.
    pub evidence: ConfusionEvidence,
}

impl Confusion {
    /// The loaded key the forgery is made from or aimed at, when one is named.
    #[must_use]
    pub fn target(&self) -> Option<usize> {
        match self.evidence {
            ConfusionEvidence::Proven { key, .. } | ConfusionEvidence::AimedAt { key } => Some(key),
            ConfusionEvidence::OnlyPublicKeys => None,
        }
    }

    /// The verifier's warning. Only a proven forgery's starts with [`PROVEN`], which the
    /// verdict names as the forgery; the others say what the token looks like.
    #[must_use]
    pub fn warning(&self, keys: &[Key]) -> String {
        let alg = &self.alg;
        match &self.evidence {
            ConfusionEvidence::Proven { key, form } => format!(
                "{PROVEN}{alg} MAC verifies with the {form} of key #{} ({}) as the HMAC secret, so it was forged \
                 from a public key anyone can download; a verifier that used the public key as the HMAC secret \
                 would accept it (RFC 8725 §2.1). Public keys are never used as secrets here",
                key + 1,
                label(keys, *key)
            ),
            ConfusionEvidence::AimedAt { key } => format!(
                "an HMAC token aimed at a public key: it asks for {alg} but its kid names key #{} ({}), which is what \
                 the algorithm-confusion forgery looks like (RFC 8725 §2.1); no loaded public key's bytes verify its \
                 MAC, so it is not shown to be one. Public keys are never used as secrets here",
                key + 1,
                label(keys, *key)
            ),
            ConfusionEvidence::OnlyPublicKeys => format!(
                "an HMAC token checked against public keys only: it asks for {alg}, and an {alg} token where only \
                 public keys are expected is what the algorithm-confusion forgery looks like (RFC 8725 §2.1); no \
                 loaded public key's bytes verify its MAC, so it is not shown to be one. Public keys are never used \
                 as secrets here"
            ),
        }
    }
}

/// How a proven forgery's warning begins (and no other warning does).
pub(crate) const PROVEN: &str = "algorithm confusion: the token's ";

fn label(keys: &[Key], i: usize) -> String {
    keys.get(i).map_or_else(String::new, |k| crate::core::text::visible(&k.label()).into_owned())
}

fn is_public(k: &Key) -> bool {
    !matches!(k.material, KeyMaterial::Oct { .. })
}

/// Whether this signature is the algorithm-confusion forgery against the loaded keys: an HS256,
/// HS384 or HS512 MAC that verifies with a public key's published bytes, or with a loaded
/// secret whose bytes are a public key (proven), or, failing that, an HMAC token whose kid names
/// a public key or checked against public keys only (what the forgery looks like).
/// `None` for any other algorithm, or when an HMAC secret could be the token's key.
#[must_use]
pub fn algorithm_confusion(sig: &JwsSignature, keys: &[Key]) -> Option<Confusion> {
    let alg = sig.alg()?;
    let algorithm = match alg {
        "HS256" => aws_lc_rs::hmac::HMAC_SHA256,
        "HS384" => aws_lc_rs::hmac::HMAC_SHA384,
        "HS512" => aws_lc_rs::hmac::HMAC_SHA512,
        _ => return None,
    };
    let confusion = |evidence| Some(Confusion { alg: alg.to_owned(), evidence });
    // At most as many public keys as a verification tries: a huge JWKS never stalls a frame.
    for (i, key) in keys.iter().enumerate().filter(|(_, k)| is_public(k)).take(MAX_KEY_ATTEMPTS) {
        for (form, bytes) in crate::core::engine::sign::public_key_forms(key) {
            let mac = aws_lc_rs::hmac::Key::new(algorithm, &bytes);
            if aws_lc_rs::hmac::verify(&mac, sig.signing_input(), &sig.signature).is_ok() {
                return confusion(ConfusionEvidence::Proven { key: i, form });
            }
        }
    }
    // A secret whose bytes are a public key (the same file given as --key and --secret-file):
    // the verifier never uses it, so a MAC it verifies is the forgery.
    for (i, key) in keys.iter().enumerate().filter(|(_, k)| k.public_key_bytes.is_some()).take(MAX_KEY_ATTEMPTS) {
        if let KeyMaterial::Oct { k } = &key.material {
            let mac = aws_lc_rs::hmac::Key::new(algorithm, k);
            if aws_lc_rs::hmac::verify(&mac, sig.signing_input(), &sig.signature).is_ok() {
                return confusion(ConfusionEvidence::Proven { key: i, form: "bytes" });
            }
        }
    }
    let kid = sig.kid().or_else(|| sig.unprotected.as_ref().and_then(|u| u.get("kid")).and_then(|v| v.as_str()));
    if let Some(i) = keys.iter().position(|k| is_public(k) && kid.is_some() && k.kid.as_deref() == kid) {
        return confusion(ConfusionEvidence::AimedAt { key: i });
    }
    // A secret whose bytes are a public key never verifies, so it cannot be the token's key.
    let never_the_secret = |k: &Key| is_public(k) || k.public_key_bytes.is_some();
    (!keys.is_empty() && keys.iter().all(never_the_secret)).then_some(())?;
    confusion(ConfusionEvidence::OnlyPublicKeys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::keys::{self, SecretEncoding, load_secret};
    use crate::core::engine::token::{JsonObject, parse};
    use crate::core::engine::verify::{KeyOutcome, Policy, SignatureVerdict, Verification, verify};

    fn asset(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/assets/keys/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    /// An HS256 token over `{"sub":"admin"}` with `secret` as its HMAC key and `header` as header.
    fn hs256(secret: &[u8], header: &str) -> String {
        let key = load_secret(secret, SecretEncoding::Raw, "forger").unwrap();
        let header: JsonObject = serde_json::from_str(header).unwrap();
        let claims: JsonObject = serde_json::from_str(r#"{"sub":"admin","exp":4102444800}"#).unwrap();
        crate::core::engine::sign::sign(&header, &claims, "HS256", &key).unwrap()
    }

    fn judge(token: &str, keys: &[Key]) -> Verification {
        verify(&parse(token).unwrap(), keys, &Policy::default(), 1_700_000_000.0)
    }

    /// The public key file given as the secret (alone, or beside the same file as a key): the
    /// secret is refused as an HMAC key, and a MAC it verifies is the proven forgery.
    #[test]
    fn a_secret_whose_bytes_are_a_public_key_never_verifies_and_proves_the_forgery() {
        let pem = asset("rsa2048-spki.pem");
        let forged = hs256(&pem, "{}");
        let as_secret = load_secret(&pem, SecretEncoding::Raw, "pub.pem").unwrap();
        let v = judge(&forged, std::slice::from_ref(&as_secret));
        assert!(!v.valid);
        assert_eq!(v.attempts[0].outcome, KeyOutcome::Rejected);
        let reason = &v.attempts[0].reason;
        assert!(
            reason.contains("PEM SPKI public key (RSA 2048)")
                && reason.contains("algorithm confusion")
                && reason.contains("RFC 8725 §2.1"),
            "{reason}"
        );
        assert_eq!(v.headline(), "FORGERY: algorithm confusion");
        assert!(
            v.signature_reason.starts_with("no HMAC secret loaded: the one given is a public key's bytes"),
            "{v:?}"
        );
        let c = algorithm_confusion(&parse(&forged).unwrap().signatures[0], std::slice::from_ref(&as_secret));
        assert_eq!(c.map(|c| c.evidence), Some(ConfusionEvidence::Proven { key: 0, form: "bytes" }));

        // --key pub.pem --secret-file pub.pem: key #1 is skipped by the guard, #2 is refused.
        let public = keys::load(&pem, "pub.pem").unwrap().remove(0);
        let v = judge(&forged, &[public, as_secret]);
        assert_eq!((v.attempts[0].outcome, v.attempts[1].outcome), (KeyOutcome::Skipped, KeyOutcome::Rejected));
        assert!(!v.valid);
        assert_eq!(v.headline(), "FORGERY: algorithm confusion");
    }

    /// An HMAC token aimed at a public key whose MAC no public key's bytes verify: a warning
    /// says what it looks like, the verdict says no HMAC secret was loaded, never FORGERY.
    #[test]
    fn an_hmac_token_merely_aimed_at_a_public_key_is_not_called_a_forgery() {
        let mut rsa = keys::load(&asset("rsa2048-spki.pem"), "rsa").unwrap().remove(0);
        rsa.kid = Some("k1".into());
        for (header, evidence) in
            [(r#"{"kid":"k1"}"#, ConfusionEvidence::AimedAt { key: 0 }), ("{}", ConfusionEvidence::OnlyPublicKeys)]
        {
            let token = hs256(b"some other secret, not the public key", header);
            let v = judge(&token, std::slice::from_ref(&rsa));
            assert_eq!(v.signature, SignatureVerdict::NoMatchingKey, "{header}");
            assert_eq!(v.headline(), "NO MATCHING KEY", "{header}");
            assert!(v.forgery().is_none(), "{header}");
            // With the kid, that key is pinned (named); without, every loaded key is public.
            let why = if evidence == ConfusionEvidence::OnlyPublicKeys {
                "no HMAC secret loaded: the 1 loaded key is a public key"
            } else {
                "no HMAC secret loaded: the key with kid \"k1\" (key #1, RSA 2048) is a public key"
            };
            assert!(v.signature_reason.starts_with(why), "{header}: {}", v.signature_reason);
            assert!(v.summary().starts_with("NO MATCHING KEY: no HMAC secret loaded"), "{}", v.summary());
            assert!(
                v.warnings.iter().any(|w| w.contains("what the algorithm-confusion forgery looks like")),
                "{header}: {:?}",
                v.warnings
            );
            let c = algorithm_confusion(&parse(&token).unwrap().signatures[0], std::slice::from_ref(&rsa));
            assert_eq!(c.map(|c| c.evidence), Some(evidence), "{header}");
        }
    }
}
