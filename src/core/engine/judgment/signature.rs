//! What the signature verdict adds to the findings. A verdict that no verifier may accept (a
//! missing or unusable `alg`, an all-zero ECDSA signature) is a high finding with or without
//! keys; with keys, a signature that does not verify is a high finding, so `audit --key` fails
//! exactly when `verify` rejects the signature; without keys, one info finding says the
//! signature was not judged.

use crate::core::engine::audit::{Finding, Severity, finding};
use crate::core::engine::token::{Kind, Token};
use crate::core::engine::verify::{SignatureVerdict, Verification};

/// The finding ids that say the signature is not to be accepted.
pub const SIGNATURE_IDS: [&str; 5] = ["alg-none", "alg-invalid", "alg-confusion", "bad-signature", "psychic-signature"];

const RFC8725: &str = "RFC 8725 §3.1, RFC 7515 §5.2";

/// Adds the findings the verdict `v` implies to `out` (which holds the token's other findings).
pub(super) fn signature_findings(token: &Token, keys_given: bool, v: &Verification, out: &mut Vec<Finding>) {
    if token.kind == Kind::Jwe {
        jwe_header(token, out);
        return;
    }
    if let Some(which) = psychic_signature(token) {
        out.push(finding(
            "psychic-signature",
            Severity::High,
            format!(
                "the ECDSA signature's {which} zero: no genuine signature has that, and a verifier that does not \
                 reject it (Java 15-18, CVE-2022-21449) accepts it for any message and any key"
            ),
            "CVE-2022-21449, FIPS 186-5 §6.4.2",
        ));
    }
    // A named forgery says more than "does not verify": it stands for the bad signature.
    let proven_forgery =
        out.iter().any(|f| (f.id == "alg-confusion" && f.severity == Severity::High) || f.id == "psychic-signature");
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
        SignatureVerdict::RefusedByPolicy => out.push(finding(
            "bad-signature",
            Severity::High,
            format!(
                "no signature was verified, the policy refuses them before any key is tried: {}",
                v.signature_reason
            ),
            "RFC 7515 §5.2, RFC 8725 §3.1",
        )),
        SignatureVerdict::Invalid | SignatureVerdict::NoMatchingKey if keys_given => {
            if !proven_forgery {
                out.push(finding(
                    "bad-signature",
                    Severity::High,
                    format!("the signature does not verify with the loaded keys: {}", v.signature_reason),
                    "RFC 7515 §5.2, RFC 8725 §3.1",
                ));
            }
        }
        SignatureVerdict::Invalid | SignatureVerdict::NoMatchingKey => {
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

/// Which half of an ES256/ES384/ES512 signature is all zero ("r is", "s is" or "r and s are"),
/// if one is: the psychic-signature forgery, visible without any key.
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
        (true, true) => Some("r and s are"),
        (true, false) => Some("r is"),
        (false, true) => Some("s is"),
        (false, false) => None,
    }
}

/// JWE key-management algorithms (RFC 7518 §4.1).
const JWE_ALGS: [&str; 17] = [
    "RSA1_5",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "A128KW",
    "A192KW",
    "A256KW",
    "dir",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A192KW",
    "ECDH-ES+A256KW",
    "A128GCMKW",
    "A192GCMKW",
    "A256GCMKW",
    "PBES2-HS256+A128KW",
    "PBES2-HS384+A192KW",
    "PBES2-HS512+A256KW",
];

/// JWE content-encryption algorithms (RFC 7518 §5.1).
const JWE_ENCS: [&str; 6] = ["A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512", "A128GCM", "A192GCM", "A256GCM"];

/// A JWE header no recipient may accept: no key-management `alg` or one RFC 7518 does not
/// define, no or an unknown `enc`, or a `crit` naming extensions (none is understood here).
fn jwe_header(token: &Token, out: &mut Vec<Finding>) {
    // Each recipient's header (protected, shared and its own members): a general JSON JWE
    // puts `alg` per recipient.
    let single = [token.jwe_header.clone()];
    let headers: &[crate::core::engine::token::JsonObject] =
        token.jwe.as_ref().map_or(&single[..], |j| if j.recipients.is_empty() { &single[..] } else { &j.recipients });
    let several = headers.len() > 1;
    for (i, h) in headers.iter().enumerate() {
        let whose = if several { format!("recipient #{}'s header", i + 1) } else { "the JWE header".to_owned() };
        let text = |name: &str| crate::core::engine::token::member(h, name).and_then(serde_json::Value::as_str);
        let problem = match (text("alg"), text("enc")) {
            (None, _) => Some(format!("{whose} has no string \"alg\" (RFC 7516 §4.1.1)")),
            (Some(alg), _) if !JWE_ALGS.contains(&alg) => {
                Some(format!("{alg:?} is not a JWE key-management algorithm (RFC 7518 §4.1)"))
            }
            (_, None) => Some(format!("{whose} has no string \"enc\" (RFC 7516 §4.1.2)")),
            (_, Some(enc)) if !JWE_ENCS.contains(&enc) => {
                Some(format!("{enc:?} is not a JWE content-encryption algorithm (RFC 7518 §5.1)"))
            }
            _ if crate::core::engine::token::member(h, "crit").is_some() => Some(format!(
                "{whose} has \"crit\", naming extensions a recipient must understand or refuse (RFC 7516 §4.1.13)"
            )),
            _ => None,
        };
        if problem.is_none() && text("alg") == Some("RSA1_5") {
            let who = if several { format!("recipient #{}'s key", i + 1) } else { "the key".to_owned() };
            out.push(finding(
                "jwe-weak-alg",
                Severity::Medium,
                format!(
                    "RSA1_5 (RSAES-PKCS1-v1_5) wraps {who}: open to padding-oracle attacks (Bleichenbacher); use \
                     RSA-OAEP-256 or ECDH-ES"
                ),
                "RFC 8725 §3.2, RFC 7518 §4.2",
            ));
        }
        if let Some(why) = problem {
            let who = if several {
                format!("recipient #{} must reject it", i + 1)
            } else {
                "every recipient must reject it".to_owned()
            };
            out.push(finding(
                "alg-invalid",
                Severity::High,
                format!("the encrypted token's header cannot be accepted: {why}; {who}"),
                "RFC 7516 §4.1, RFC 7518 §4.1, §5.1",
            ));
        }
    }
}
