//! Which loaded keys could open a JWE, decided from the header and the keys' type, size and
//! curve alone, without applying any: the window offers "Decrypt with key #N" for these.

use super::serialization::{self, recipient_place};
use super::{Checked, JweError, checked_recipient, key_management};
use crate::core::engine::keys::Key;

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
    /// Each recipient: its `alg`, its `kid` and the keys that fit it.
    pub recipients: Vec<RecipientFit>,
}

/// What one recipient takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecipientFit {
    /// Its key management algorithm.
    pub alg: String,
    /// The `kid` its header names.
    pub kid: Option<String>,
    /// The loaded keys that fit it (indexes).
    pub keys: Vec<usize>,
}

impl Fitting {
    /// The recipients key `index` fits, in words: "recipient #2 (ECDH-ES+A256KW, kid "p")".
    #[must_use]
    pub fn recipients_of(&self, index: usize) -> String {
        let list: Vec<String> = self
            .recipients
            .iter()
            .enumerate()
            .filter(|(_, r)| r.keys.contains(&index))
            .map(|(i, r)| r.described(i))
            .collect();
        list.join(", ")
    }

    /// What was tried when nothing opened the JWE, from the metadata alone (which keys fit
    /// which recipient, which `kid` no loaded key has): the same words whatever failed inside,
    /// so it tells nothing a decryption oracle would.
    #[must_use]
    pub fn tried(&self, keys: &[Key], password: bool) -> String {
        let mut parts = Vec::new();
        for (i, r) in self.recipients.iter().enumerate() {
            let took = if r.alg.starts_with("PBES2") {
                if password { "the password".to_owned() } else { "no password given".to_owned() }
            } else if r.keys.is_empty() {
                "no loaded key fits".to_owned()
            } else {
                let named: Vec<String> = r.keys.iter().map(|k| format!("key #{}", k + 1)).collect();
                named.join(", ")
            };
            let unknown_kid = r.kid.as_deref().filter(|kid| !keys.iter().any(|k| k.kid.as_deref() == Some(kid)));
            let kid_note = unknown_kid.map_or_else(String::new, |_| "; no loaded key has its kid".to_owned());
            parts.push(format!("{}: {took}{kid_note}", r.described(i)));
        }
        parts.join("; ")
    }
}

impl RecipientFit {
    /// "recipient #1 (RSA-OAEP, kid "k")".
    fn described(&self, index: usize) -> String {
        let kid = self.kid.as_deref().map_or_else(String::new, |k| format!(", kid {k:?}"));
        format!("{} ({}{kid})", recipient_place(index), self.alg)
    }
}

/// The keys whose type, size and curve fit one of the recipients of `input` (a key the
/// metadata rules out, such as `use: sig`, does not fit).
///
/// # Errors
/// What [`decrypt`] says about the JWE before any key is applied: malformed, unsupported,
/// too many recipients.
pub fn fitting(input: &str, keys: &[Key]) -> Result<Fitting, JweError> {
    let jwe = serialization::parse(input)?;
    let mut fit = Fitting::default();
    let mut needs = Vec::new();
    let several = jwe.recipients.len() > 1;
    for r in 0..jwe.recipients.len() {
        match recipient_fit(&jwe, r, keys) {
            Ok(recipient) => {
                if recipient.fit.alg.starts_with("PBES2") {
                    fit.password = true;
                } else if recipient.fit.keys.is_empty() {
                    needs.push(recipient.needs);
                }
                for &i in &recipient.fit.keys {
                    if !fit.keys.contains(&i) {
                        fit.keys.push(i);
                    }
                }
                fit.recipients.push(recipient.fit);
            }
            // As decryption does: one recipient's problem does not stop the others.
            Err(e) if several => {
                needs.push(e.to_string());
                fit.recipients.push(RecipientFit { alg: "(unusable)".to_owned(), kid: None, keys: Vec::new() });
            }
            Err(e) => return Err(e),
        }
    }
    fit.keys.sort_unstable();
    if fit.keys.is_empty() {
        fit.needs = needs.join("; ");
    }
    Ok(fit)
}

/// One recipient's fit, and what it needs in words.
struct Fit {
    fit: RecipientFit,
    needs: String,
}

/// Which keys fit recipient `r`, or what is wrong with its header.
fn recipient_fit(jwe: &serialization::Jwe, r: usize, keys: &[Key]) -> Result<Fit, JweError> {
    let Checked { header, at, alg, enc_name, enc, .. } = checked_recipient(jwe, r)?;
    let (alg, enc_name) = (alg.as_str(), enc_name.as_str());
    let kid = header.get("kid").and_then(serde_json::Value::as_str).map(str::to_owned);
    let fitting_keys = if alg.starts_with("PBES2") {
        Vec::new()
    } else {
        (0..keys.len())
            .filter(|&i| {
                key_management::material_fits(alg, enc, &header, &keys[i])
                    && key_management::refusal(alg, enc_name, &keys[i]).is_none()
            })
            .collect()
    };
    Ok(Fit {
        needs: format!("{at} ({alg}) needs {}", key_management::needs(alg, enc)),
        fit: RecipientFit { alg: alg.to_owned(), kid, keys: fitting_keys },
    })
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
        assert_eq!(fit.recipients_of(public.len()), "recipient #1 (RSA1_5)");
        assert_eq!(fit.tried(&all, false), format!("recipient #1 (RSA1_5): key #{}", public.len() + 1));
    }

    #[test]
    fn a_pbes2_recipient_asks_for_a_password_and_bad_input_is_named() {
        let header = crate::core::engine::token::encode_b64url(br#"{"alg":"PBES2-HS256+A128KW","enc":"A128GCM"}"#);
        let jwe = format!("{header}.AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA");
        let fit = fitting(&jwe, &[]).unwrap();
        assert!(fit.password && fit.keys.is_empty());
        assert_eq!(fit.tried(&[], true), "recipient #1 (PBES2-HS256+A128KW): the password");
        let odd = crate::core::engine::token::encode_b64url(br#"{"alg":"dir","enc":"A512GCM"}"#);
        let err = fitting(&format!("{odd}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"), &[]).unwrap_err();
        assert!(err.to_string().contains("\"enc\" \"A512GCM\" is not supported"), "{err}");
    }
}
