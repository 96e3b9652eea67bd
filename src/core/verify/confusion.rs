//! The algorithm-confusion forgery (RFC 8725 §2.1): an HMAC token made with a public key's bytes
//! as the secret, which a verifier that lets the token's `alg` pick how a key is used accepts.
//! One rule, [`algorithm_confusion`], feeds both the verifier's warning and the audit's
//! `alg-confusion` finding, so the window, `verify` and `audit` always agree.

use crate::core::keys::{Key, KeyMaterial};
use crate::core::limits::MAX_KEY_ATTEMPTS;
use crate::core::token::JwsSignature;

/// Why an HMAC token is taken for the confusion forgery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfusionEvidence {
    /// The MAC verifies with a loaded public key's bytes as the HMAC secret: the token was made
    /// that way, so it is the forgery beyond doubt.
    Proven {
        /// Index of the public key in the key list.
        key: usize,
        /// Which of its byte forms ("PEM", "DER"…).
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

    /// The verifier's warning (it starts with "algorithm confusion", which the window names as a
    /// forgery).
    #[must_use]
    pub fn warning(&self, keys: &[Key]) -> String {
        let alg = &self.alg;
        match &self.evidence {
            ConfusionEvidence::Proven { key, form } => format!(
                "algorithm confusion: the token's {alg} MAC verifies with the {form} of key #{} ({}) as the HMAC \
                 secret, so it was forged from a public key anyone can download; a verifier that used the public \
                 key as the HMAC secret would accept it (RFC 8725 §2.1). Public keys are never used as secrets here",
                key + 1,
                label(keys, *key)
            ),
            ConfusionEvidence::AimedAt { .. } | ConfusionEvidence::OnlyPublicKeys => format!(
                "algorithm confusion: the token asks for {alg} (HMAC) but names or targets a public key; a verifier \
                 that used the public key as the HMAC secret would accept this forgery (RFC 8725 §2.1). Public keys \
                 are never used as secrets here"
            ),
        }
    }
}

fn label(keys: &[Key], i: usize) -> String {
    keys.get(i).map_or_else(String::new, |k| crate::core::text::visible(&k.label()).into_owned())
}

fn is_public(k: &Key) -> bool {
    !matches!(k.material, KeyMaterial::Oct { .. })
}

/// Whether this signature is the algorithm-confusion forgery against the loaded keys: an HS256,
/// HS384 or HS512 MAC that verifies with a public key's published bytes (proven), or, failing
/// that, an HMAC token whose kid names a public key or checked against public keys only.
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
        for (form, bytes) in crate::core::sign::public_key_forms(key) {
            let mac = aws_lc_rs::hmac::Key::new(algorithm, &bytes);
            if aws_lc_rs::hmac::verify(&mac, sig.signing_input(), &sig.signature).is_ok() {
                return confusion(ConfusionEvidence::Proven { key: i, form });
            }
        }
    }
    let kid = sig.kid().or_else(|| sig.unprotected.as_ref().and_then(|u| u.get("kid")).and_then(|v| v.as_str()));
    if let Some(i) = keys.iter().position(|k| is_public(k) && kid.is_some() && k.kid.as_deref() == kid) {
        return confusion(ConfusionEvidence::AimedAt { key: i });
    }
    (!keys.is_empty() && keys.iter().all(is_public)).then_some(())?;
    confusion(ConfusionEvidence::OnlyPublicKeys)
}
