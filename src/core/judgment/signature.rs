//! What the signature verdict adds to the findings. A verdict that no verifier may accept (a
//! missing or unusable `alg`, an all-zero ECDSA signature) is a high finding with or without
//! keys; with keys, a signature that does not verify is a high finding, so `audit --key` fails
//! exactly when `verify` rejects the signature; without keys, one info finding says the
//! signature was not judged.

use crate::core::audit::{Finding, Severity, finding};
use crate::core::token::{Kind, Token};
use crate::core::verify::{SignatureVerdict, Verification};

/// The finding ids that say the signature is not to be accepted.
pub const SIGNATURE_IDS: [&str; 5] = ["alg-none", "alg-invalid", "alg-confusion", "bad-signature", "psychic-signature"];

const RFC8725: &str = "RFC 8725 §3.1, RFC 7515 §5.2";

/// Adds the findings the verdict `v` implies to `out` (which holds the token's other findings).
pub(super) fn signature_findings(token: &Token, keys_given: bool, v: &Verification, out: &mut Vec<Finding>) {
    if token.kind == Kind::Jwe {
        return;
    }
    if let Some(which) = psychic_signature(token) {
        out.push(finding(
            "psychic-signature",
            Severity::High,
            format!(
                "the ECDSA signature's {which} is zero: no genuine signature has that, and a verifier that does not \
                 reject it (Java 15-18, CVE-2022-21449) accepts it for any message and any key"
            ),
            "CVE-2022-21449, FIPS 186-5 §6.4.2",
        ));
    }
    let proven_forgery = out.iter().any(|f| f.id == "alg-confusion" && f.severity == Severity::High);
    let alg_none = out.iter().any(|f| f.id == "alg-none");
    match v.signature {
        SignatureVerdict::Valid | SignatureVerdict::Encrypted => {}
        SignatureVerdict::AlgNone if alg_none => {}
        SignatureVerdict::AlgNone | SignatureVerdict::Malformed | SignatureVerdict::UnsupportedAlgorithm => {
            out.push(finding(
                "alg-invalid",
                Severity::High,
                format!("the header cannot be verified: {}; every verifier must reject this token", v.signature_reason),
                RFC8725,
            ));
        }
        SignatureVerdict::Invalid | SignatureVerdict::NoMatchingKey | SignatureVerdict::RefusedByPolicy
            if keys_given =>
        {
            if !proven_forgery {
                out.push(finding(
                    "bad-signature",
                    Severity::High,
                    format!("the signature does not verify with the loaded keys: {}", v.signature_reason),
                    "RFC 7515 §5.2, RFC 8725 §3.1",
                ));
            }
        }
        SignatureVerdict::Invalid | SignatureVerdict::NoMatchingKey | SignatureVerdict::RefusedByPolicy => {
            out.push(finding(
                "signature-not-judged",
                Severity::Info,
                "the signature was not judged: no key was given; load the issuer's public key or the HMAC secret \
                 to judge it",
                "RFC 7515 §5.2",
            ));
        }
    }
}

/// Which half of an ES256/ES384/ES512 signature is all zero ("r", "s" or "r and s"), if one
/// is: the psychic-signature forgery, visible without any key.
#[must_use]
pub fn psychic_signature(token: &Token) -> Option<&'static str> {
    let sig = token.signatures.first()?;
    let size = match sig.alg()? {
        "ES256" => 32,
        "ES384" => 48,
        "ES512" => 66,
        _ => return None,
    };
    let bytes = &sig.signature;
    if bytes.len() != 2 * size {
        return None;
    }
    let (r, s) = bytes.split_at(size);
    let zero = |half: &[u8]| half.iter().all(|b| *b == 0);
    match (zero(r), zero(s)) {
        (true, true) => Some("r and s"),
        (true, false) => Some("r"),
        (false, true) => Some("s"),
        (false, false) => None,
    }
}
