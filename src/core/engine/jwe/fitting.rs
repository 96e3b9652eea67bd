//! Which loaded keys could open a JWE, decided from the header and the keys' type, size and
//! curve alone, without applying any: the window offers "Decrypt with key #N" for these.

use super::content::Enc;
use super::serialization::{self, recipient_place};
use super::{JweError, header_str, key_management};
use crate::core::engine::keys::Key;
use crate::core::engine::limits;

/// Which loaded keys could open a JWE, without applying any: the window offers "Decrypt with
/// key #N" for these, and a password field when a recipient is PBES2.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fitting {
    /// Indexes into the keys given, in order, each once.
    pub keys: Vec<usize>,
    /// A recipient takes a password (PBES2).
    pub password: bool,
    /// What the recipients need, when no key fits ("recipient #1 (RSA-OAEP) needs an RSA
    /// private key").
    pub needs: String,
}

/// The keys whose type, size and curve fit one of the recipients of `input` (a key the
/// metadata rules out, such as `use: sig`, does not fit).
///
/// # Errors
/// What [`decrypt`] says about the JWE before any key is applied: malformed, unsupported,
/// too many recipients.
pub fn fitting(input: &str, keys: &[Key]) -> Result<Fitting, JweError> {
    if input.len() > limits::MAX_INPUT_BYTES {
        return Err(JweError::InputTooLarge { size: input.len(), limit: limits::MAX_INPUT_BYTES });
    }
    let jwe = serialization::parse(input)?;
    if jwe.recipients.len() > limits::MAX_RECIPIENTS {
        return Err(JweError::TooManyRecipients { count: jwe.recipients.len(), limit: limits::MAX_RECIPIENTS });
    }
    let mut fit = Fitting::default();
    let mut needs = Vec::new();
    for r in 0..jwe.recipients.len() {
        let header = jwe.merged_header(r)?;
        let at = recipient_place(r);
        let alg = header_str(&header, "alg", &at)?;
        let enc_name = header_str(&header, "enc", &at)?;
        let enc = Enc::from_name(enc_name)
            .ok_or_else(|| JweError::Unsupported { at: at.clone(), what: format!("\"enc\" {enc_name:?}") })?;
        if alg.starts_with("PBES2") {
            fit.password = true;
            continue;
        }
        let before = fit.keys.len();
        for (i, key) in keys.iter().enumerate() {
            if key_management::material_fits(alg, enc, &header, key)
                && key_management::refusal(alg, enc_name, key).is_none()
                && !fit.keys.contains(&i)
            {
                fit.keys.push(i);
            }
        }
        if fit.keys.len() == before {
            needs.push(format!("{at} ({alg}) needs {}", key_management::needs(alg, enc)));
        }
    }
    fit.keys.sort_unstable();
    if fit.keys.is_empty() {
        fit.needs = needs.join("; ");
    }
    Ok(fit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::keys;

    const RSA1_5_SAMPLE: &str = include_str!("../../../../assets/samples/07-jwe-rfc7516.jwt");
    const A2_KEY: &str = include_str!("../../../../assets/keys/rfc7516-a2-private.jwk");
    const JWKS: &str = include_str!("../../../../assets/keys/sample-jwks.json");

    #[test]
    fn only_a_private_key_of_the_right_type_fits_and_the_rest_is_named() {
        let public = keys::load(JWKS.as_bytes(), "sample-jwks.json").unwrap();
        let none = fitting(RSA1_5_SAMPLE.trim(), &public).unwrap();
        assert!(none.keys.is_empty() && !none.password);
        assert_eq!(none.needs, "recipient #1 (RSA1_5) needs an RSA private key");
        let mut all = public.clone();
        all.extend(keys::load(A2_KEY.as_bytes(), "a2").unwrap());
        let fit = fitting(RSA1_5_SAMPLE.trim(), &all).unwrap();
        assert_eq!(fit.keys, vec![public.len()], "the private key, not the public RSA key");
        assert!(fit.needs.is_empty());
    }

    #[test]
    fn a_pbes2_recipient_asks_for_a_password_and_bad_input_is_named() {
        let header = crate::core::engine::token::encode_b64url(br#"{"alg":"PBES2-HS256+A128KW","enc":"A128GCM"}"#);
        let jwe = format!("{header}.AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA");
        let fit = fitting(&jwe, &[]).unwrap();
        assert!(fit.password && fit.keys.is_empty());
        let odd = crate::core::engine::token::encode_b64url(br#"{"alg":"dir","enc":"A512GCM"}"#);
        let err = fitting(&format!("{odd}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"), &[]).unwrap_err();
        assert!(err.to_string().contains("\"enc\" \"A512GCM\" is not supported"), "{err}");
    }
}
