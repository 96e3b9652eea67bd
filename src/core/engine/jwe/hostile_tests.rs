//! JWEs built to cost, confuse or slip past: PBES2 work summed over recipients, an `epk` that
//! is missing or odd, bytes after the DEFLATE stream, a `crit` of numbers, too many
//! recipients, one broken recipient among good ones, JWEs inside JWEs, and plaintexts that
//! claim to be what they are not.

use serde_json::{Value, json};

use super::inner::{self, Inner};
use super::{EncryptOptions, JweError, Recipient, decrypt, encrypt, fitting};
use crate::core::engine::keys::{self, Key};
use crate::core::engine::limits;
use crate::core::engine::token::{decode_b64url, encode_b64url};

fn oct_key(k: &[u8], kid: &str) -> Key {
    let jwk = json!({"kty": "oct", "k": encode_b64url(k), "kid": kid});
    keys::load(jwk.to_string().as_bytes(), kid).unwrap().remove(0)
}

fn options(alg: &str, enc: &str) -> EncryptOptions {
    EncryptOptions { alg: alg.into(), enc: enc.into(), ..EncryptOptions::default() }
}

/// A compact JWE with its protected header replaced by `header` (the content then fails its
/// tag, which is after every check on the header).
fn with_header(compact: &str, header: &Value) -> String {
    let rest = compact.split_once('.').unwrap().1;
    format!("{}.{rest}", encode_b64url(header.to_string().as_bytes()))
}

/// A compact `dir` A128GCM JWE of `plaintext` under `header` as given (members `encrypt`
/// would not write, or content it would not make), sealed with the 16-byte `key`.
fn dir_jwe(header: &Value, key: &[u8; 16], plaintext: &[u8]) -> String {
    let protected = encode_b64url(header.to_string().as_bytes());
    let sealed = super::content::encrypt(super::content::Enc::Gcm(16), key, protected.as_bytes(), plaintext)
        .unwrap_or_else(|_| panic!("sealed"));
    format!(
        "{protected}..{}.{}.{}",
        encode_b64url(&sealed.iv),
        encode_b64url(&sealed.ciphertext),
        encode_b64url(&sealed.tag)
    )
}

/// Three PBES2 recipients at the cap would cost three times the cap for one wrong password:
/// the sum is bounded, and what is past it is said, not silently skipped.
#[test]
fn pbes2_work_is_bounded_across_recipients() {
    let jwe = encrypt(
        b"x",
        Recipient::Password(b"right"),
        &EncryptOptions { p2c: Some(limits::MAX_PBES2_ITERATIONS), ..options("PBES2-HS256+A128KW", "A128GCM") },
    )
    .unwrap();
    let parts: Vec<&str> = jwe.split('.').collect();
    let header: Value = serde_json::from_slice(&decode_b64url(parts[0]).unwrap()).unwrap();
    assert_eq!(header["p2c"], limits::MAX_PBES2_ITERATIONS);
    // Three recipients under the one protected header (the content's AAD), each at the cap.
    let recipient = json!({"encrypted_key": parts[1]});
    let general = json!({
        "protected": parts[0],
        "recipients": [recipient, recipient, recipient],
        "iv": parts[2], "ciphertext": parts[3], "tag": parts[4],
    });
    let err = decrypt(&general.to_string(), &[], Some(b"wrong")).unwrap_err();
    assert_eq!(err, JweError::Pbes2OverBudget { budget: limits::MAX_PBES2_ITERATIONS_TOTAL });
    // The right password opens the first recipient, within the budget.
    assert_eq!(decrypt(&general.to_string(), &[], Some(b"right")).unwrap().plaintext, b"x");
}

/// An ECDH-ES recipient without a usable `epk` is the JWE's fault (exit 2), whatever key is
/// loaded, not "no key fits".
#[test]
fn an_odd_epk_is_named_before_keys_are_matched() {
    let p256 = keys::load_file(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/keys/ec-p256-pkcs8.pem"))
        .unwrap()
        .remove(0);
    let base = encrypt(b"x", Recipient::Key(&p256), &options("ECDH-ES", "A128GCM")).unwrap();
    for (epk, says) in [
        (None, "\"epk\" is missing"),
        (Some(json!(null)), "\"epk\" must be a JWK object"),
        (Some(json!("str")), "\"epk\" must be a JWK object"),
        (Some(json!({"kty": "EC", "x": "AA", "y": "AA"})), "\"epk\" has no string \"crv\""),
        (
            Some(json!({"kty": "EC", "crv": "P-384", "x": encode_b64url(&[1; 32]), "y": encode_b64url(&[1; 32])})),
            "\"x\" must be 48 bytes",
        ),
    ] {
        let mut header = json!({"alg": "ECDH-ES", "enc": "A128GCM"});
        if let Some(epk) = epk {
            header["epk"] = epk;
        }
        let jwe = with_header(&base, &header);
        let err = decrypt(&jwe, std::slice::from_ref(&p256), None).unwrap_err();
        assert!(matches!(&err, JweError::Malformed { reason, .. } if reason.contains(says)), "{says}: {err}");
        assert_eq!(fitting(&jwe, std::slice::from_ref(&p256)).unwrap_err(), err, "the window says the same");
    }
    let odd_curve = with_header(&base, &json!({"alg": "ECDH-ES", "enc": "A128GCM", "epk": {"crv": "P-192"}}));
    let err = decrypt(&odd_curve, std::slice::from_ref(&p256), None).unwrap_err();
    assert!(err.to_string().contains("the \"epk\" curve \"P-192\" is not supported"), "{err}");
}

/// Bytes after the DEFLATE stream are authenticated but would be shown by no inflater: refused.
#[test]
fn bytes_after_the_deflate_stream_are_refused() {
    use std::io::Write as _;
    let mut deflated = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    deflated.write_all(b"claims").unwrap();
    let mut plaintext = deflated.finish().unwrap();
    let key = oct_key(&[7; 16], "k");
    // Encrypted as bytes with "zip" set by hand: the header says DEF, the content is DEFLATE
    // and then more.
    plaintext.extend_from_slice(b"trailing");
    let header = json!({"alg": "dir", "enc": "A128GCM", "zip": "DEF"});
    let jwe = dir_jwe(&header, &[7; 16], &plaintext);
    let err = decrypt(&jwe, std::slice::from_ref(&key), None).unwrap_err();
    assert!(err.to_string().contains("8 bytes follow the end of the DEFLATE data"), "{err}");
}

/// `crit` must list names; numbers are named as such, not shown as an empty list.
#[test]
fn a_crit_of_numbers_is_malformed() {
    let key = oct_key(&[7; 16], "k");
    let base = encrypt(b"x", Recipient::Key(&key), &options("dir", "A128GCM")).unwrap();
    let jwe = with_header(&base, &json!({"alg": "dir", "enc": "A128GCM", "crit": [5]}));
    let err = decrypt(&jwe, std::slice::from_ref(&key), None).unwrap_err();
    assert!(err.to_string().contains("\"crit\" must be a non-empty array of strings"), "{err}");
    // The window offers no button for a JWE that can only be refused: it says why instead.
    assert_eq!(fitting(&jwe, std::slice::from_ref(&key)).unwrap_err(), err);
    let understood = with_header(&base, &json!({"alg": "dir", "enc": "A128GCM", "crit": ["exp"], "exp": 1}));
    let err = fitting(&understood, std::slice::from_ref(&key)).unwrap_err().to_string();
    assert!(err.contains("the critical header member(s) [\"exp\"] is not supported"), "{err}");
}

/// One recipient's `p2c` over the cap is named as that, before the sum over recipients is.
#[test]
fn a_p2c_over_the_cap_is_named_as_such() {
    let jwe = encrypt(b"x", Recipient::Password(b"pw"), &options("PBES2-HS256+A128KW", "A128GCM")).unwrap();
    let mut header: Value = serde_json::from_slice(&decode_b64url(jwe.split('.').next().unwrap()).unwrap()).unwrap();
    header["p2c"] = json!(4_000_000_000_u64);
    let err = decrypt(&with_header(&jwe, &header), &[], Some(b"pw")).unwrap_err();
    assert!(matches!(err, JweError::IterationsOverCap { p2c: 4_000_000_000, .. }), "{err}");
}

/// Keys ruled out by their metadata are numbered from 1, as everywhere else.
#[test]
fn keys_ruled_out_are_numbered_from_one() {
    let key = oct_key(&[7; 16], "k");
    let jwe = encrypt(b"x", Recipient::Key(&key), &options("A128KW", "A128GCM")).unwrap();
    let jwk = json!({"kty": "oct", "k": encode_b64url(&[7; 16]), "use": "sig"});
    let sig_only = keys::load(jwk.to_string().as_bytes(), "sig").unwrap().remove(0);
    let err = decrypt(&jwe, &[sig_only], None).unwrap_err().to_string();
    assert!(err.contains("(not tried: key #1 "), "{err}");
}

/// A JSON JWE of more recipients than the limit is refused before any is read.
#[test]
fn too_many_recipients_are_refused_before_they_are_read() {
    let entry = json!({"header": {"alg": "dir"}});
    let general =
        json!({"recipients": vec![entry; limits::MAX_RECIPIENTS + 1], "iv": "AA", "ciphertext": "AA", "tag": "AA"});
    let err = decrypt(&general.to_string(), &[], None).unwrap_err();
    assert_eq!(err, JweError::TooManyRecipients { count: limits::MAX_RECIPIENTS + 1, limit: limits::MAX_RECIPIENTS });
}

/// One broken recipient among good ones: decryption opens the good one (RFC 7516 §5.2 lets
/// one recipient suffice) and the window's list of fitting keys agrees.
#[test]
fn a_broken_recipient_does_not_hide_a_good_one() {
    let key = oct_key(&[7; 16], "good");
    let jwe = encrypt(b"x", Recipient::Key(&key), &options("A128KW", "A128GCM")).unwrap();
    let parts: Vec<&str> = jwe.split('.').collect();
    let general = json!({
        "protected": parts[0],
        "recipients": [{"encrypted_key": parts[1]}, {"header": {"kid": "no-alg-here"}}],
        "iv": parts[2], "ciphertext": parts[3], "tag": parts[4],
    });
    let opened = decrypt(&general.to_string(), std::slice::from_ref(&key), None).unwrap();
    assert_eq!((opened.plaintext.as_slice(), opened.recipient), (&b"x"[..], 0));
    let fit = fitting(&general.to_string(), std::slice::from_ref(&key)).unwrap();
    assert_eq!(fit.keys, vec![0]);
    assert_eq!(fit.recipients_of(0), "recipient #1 (A128KW, kid \"good\")");
}

/// A JWE inside a JWE is opened with the same keys (up to the limit), and what it holds is
/// read; one these keys do not open stays a JWE, said to be unverified.
#[test]
fn jwes_inside_are_opened_with_the_same_keys() {
    let outer_key = oct_key(&[1; 32], "outer");
    let inner_key = oct_key(&[2; 16], "inner");
    let unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.";
    let inner_jwe = encrypt(unsigned.as_bytes(), Recipient::Key(&inner_key), &options("dir", "A128GCM")).unwrap();
    let outer = encrypt(
        inner_jwe.as_bytes(),
        Recipient::Key(&outer_key),
        &EncryptOptions { cty: Some("JWT".into()), ..options("dir", "A256GCM") },
    )
    .unwrap();
    let both = inner::open(&outer, &[outer_key.clone(), inner_key], None).unwrap();
    assert_eq!(both.layers.len(), 1);
    assert_eq!(both.layers[0].key_index, 1);
    assert_eq!(both.inner.jws().map(|t| t.text.as_str()), Some(unsigned), "the alg:none JWT is reached, to be judged");
    assert_eq!(both.unverified(false), None, "a JWS is judged by the caller");

    let outer_only = inner::open(&outer, std::slice::from_ref(&outer_key), None).unwrap();
    assert!(matches!(outer_only.inner, Inner::Jwe(_)));
    let why = outer_only.unverified(false).unwrap();
    assert!(why.contains("another JWE, which these keys do not open"), "{why}");
}

/// Claims nobody signed are never a pass when the header says JWT or an issuer is expected.
#[test]
fn unsigned_claims_are_unverified_when_a_jwt_is_expected() {
    let key = oct_key(&[3; 16], "k");
    let claims = br#"{"sub":"admin","iss":"https://evil.example/"}"#;
    let as_jwt =
        encrypt(claims, Recipient::Key(&key), &EncryptOptions { cty: Some("JWT".into()), ..options("dir", "A128GCM") })
            .unwrap();
    let opened = inner::open(&as_jwt, std::slice::from_ref(&key), None).unwrap();
    assert!(opened.unverified(false).unwrap().contains("\"cty\": \"JWT\" but the plaintext is a JSON object"));
    assert!(opened.warnings.iter().any(|w| w.contains("encrypted but not signed")), "{:?}", opened.warnings);
    let plain = encrypt(claims, Recipient::Key(&key), &options("dir", "A128GCM")).unwrap();
    let opened = inner::open(&plain, std::slice::from_ref(&key), None).unwrap();
    assert_eq!(opened.unverified(false), None, "plain data, nothing asked of it");
    assert!(opened.unverified(true).unwrap().contains("an issuer or audience was asked for"));
}

/// A key whose `key_ops` are only for signatures neither decrypts nor is encrypted to, as a
/// key marked `"use": "sig"` is not.
#[test]
fn a_key_for_signatures_only_takes_no_part_in_a_jwe() {
    let aes = json!({"kty": "oct", "k": encode_b64url(&[9; 16])});
    let plain = keys::load(aes.to_string().as_bytes(), "aes").unwrap().remove(0);
    let jwe = encrypt(b"x", Recipient::Key(&plain), &options("A128KW", "A128GCM")).unwrap();
    let mut signing = aes.clone();
    signing["key_ops"] = json!(["sign", "verify"]);
    let signing = keys::load(signing.to_string().as_bytes(), "signing").unwrap().remove(0);
    let err = decrypt(&jwe, std::slice::from_ref(&signing), None).unwrap_err().to_string();
    assert!(err.contains("(not tried: key #1 has \"key_ops\" [\"sign\", \"verify\"]"), "{err}");
    let err = encrypt(b"x", Recipient::Key(&signing), &options("A128KW", "A128GCM")).unwrap_err().to_string();
    assert!(err.contains("\"key_ops\" [\"sign\", \"verify\"]"), "{err}");
    let mut unwrapping = aes;
    unwrapping["key_ops"] = json!(["unwrapKey"]);
    let unwrapping = keys::load(unwrapping.to_string().as_bytes(), "unwrap").unwrap().remove(0);
    assert_eq!(decrypt(&jwe, &[unwrapping], None).unwrap().plaintext, b"x");
}

/// The JWE's own header counts in the verdict on the JWT inside: a JWE that names a `jku`
/// around a valid token makes it "VALID, but", marked as the JWE's, never plain green.
#[test]
fn the_jwe_header_counts_in_the_nested_verdict() {
    use crate::core::engine::audit::TokenAuditOptions;
    use crate::core::engine::judgment;
    use crate::core::engine::token;
    use crate::core::engine::verify::Policy;

    let jws = include_str!("../../../../assets/samples/03-jwt-io-hs256.jwt").trim();
    let secret =
        keys::load_secret(b"a-string-secret-at-least-256-bits-long", keys::SecretEncoding::Utf8, "jwt.io").unwrap();
    let header = json!({"alg": "dir", "enc": "A128GCM", "cty": "JWT", "jku": "https://attacker.example/keys"});
    let jwe = dir_jwe(&header, &[5; 16], jws.as_bytes());
    let keys = [oct_key(&[5; 16], "aes"), secret];
    let opened = inner::open(&jwe, &keys, None).unwrap();
    let inner_token = opened.inner.jws().unwrap();
    let opts = TokenAuditOptions { keys: &keys, now: 1_800_000_000.0, ..TokenAuditOptions::default() };
    let alone = judgment::judge(inner_token, &Policy::default(), &opts).unwrap();
    let nested = judgment::judge_nested(&token::parse(&jwe).unwrap(), inner_token, &Policy::default(), &opts).unwrap();
    assert!(nested.verification.valid);
    let around: Vec<_> = nested.findings.iter().filter(|f| f.message.starts_with("the JWE around it: ")).collect();
    assert!(around.iter().any(|f| f.message.contains("jku")), "{:?}", nested.findings);
    assert!(!nested.findings.iter().any(|f| f.id == "encrypted"), "the JWE's own encrypted note is not repeated");
    assert_eq!(nested.findings.len(), alone.findings.len() + around.len());
    assert!(nested.cautioned(), "{}", nested.title());
}
