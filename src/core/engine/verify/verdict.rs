//! The verdict in words: one headline and one sentence of why, the same in the window's banner,
//! the Security tab and the first line of `tokenbench verify`. A verdict is named by what
//! decides it: a forgery before anything else, then the signature, then the checks that failed.

use super::{CheckStatus, SIGNATURE_ONLY, SignatureVerdict, Verification};

impl Verification {
    /// The verifier's algorithm-confusion warning, when the token is proven to be that forgery:
    /// its HMAC verifies with a loaded public key's bytes (never for a valid token). An HMAC
    /// token merely aimed at a public key is not called a forgery: nothing shows how it was made.
    #[must_use]
    pub fn forgery(&self) -> Option<&str> {
        if self.valid {
            return None;
        }
        self.warnings.iter().map(String::as_str).find(|w| w.starts_with(super::confusion::PROVEN))
    }

    /// The headline word for the verdict, before warnings are counted: "VALID", "EXPIRED",
    /// "NO MATCHING KEY", "FORGERY: algorithm confusion"…
    #[must_use]
    pub fn headline(&self) -> &'static str {
        if self.forgery().is_some() {
            return "FORGERY: algorithm confusion";
        }
        match self.signature {
            _ if self.valid => "VALID",
            SignatureVerdict::Valid => self.claims_headline(),
            SignatureVerdict::Invalid => "INVALID SIGNATURE",
            SignatureVerdict::NoMatchingKey => "NO MATCHING KEY",
            SignatureVerdict::UnsupportedAlgorithm => "UNSUPPORTED ALGORITHM",
            SignatureVerdict::AlgNone => "NEVER VALID: alg none",
            SignatureVerdict::Malformed => "INVALID HEADER",
            SignatureVerdict::RefusedByPolicy => "REFUSED BY POLICY",
            SignatureVerdict::Encrypted => "ENCRYPTED (JWE)",
        }
    }

    /// A good signature with failed checks, named by what failed: a refused algorithm first (it
    /// is the policy's guard), then time alone (expired, not yet valid), else the claims.
    fn claims_headline(&self) -> &'static str {
        let failed: Vec<&str> = self.failed_checks().map(|c| c.name.as_ref()).collect();
        if failed.contains(&"alg") {
            return "ALGORITHM NOT ALLOWED";
        }
        match failed.as_slice() {
            ["exp"] => "EXPIRED",
            names if !names.is_empty() && names.iter().all(|n| *n == "nbf" || *n == "iat") => "NOT YET VALID",
            _ => "INVALID CLAIMS",
        }
    }

    /// The warnings worth showing, each once. A short HMAC secret is reported both as a lint of
    /// the key and for this use of it; the second says more, so the first goes.
    #[must_use]
    pub fn shown_warnings(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::with_capacity(self.warnings.len());
        for w in &self.warnings {
            if !out.contains(&w.as_str()) {
                out.push(w);
            }
        }
        if out.iter().any(|w| w.starts_with("the HMAC secret is ")) {
            out.retain(|w| !w.contains(": HMAC secret is "));
        }
        out
    }

    /// The title: the [`headline`](Self::headline), with the warnings counted when valid
    /// ("VALID, 2 warnings").
    #[must_use]
    pub fn title(&self) -> String {
        if !self.valid {
            return self.headline().into();
        }
        match self.shown_warnings().len() {
            0 => "VALID".into(),
            1 => "VALID, 1 warning".into(),
            n => format!("VALID, {n} warnings"),
        }
    }

    /// One sentence of why, under the title.
    #[must_use]
    pub fn detail(&self) -> String {
        self.detail_saying("every check passed")
    }

    /// [`detail`](Self::detail), with `all_passed` for the clause of a valid token whose every
    /// check had something to compare (the judgment says less when findings stand).
    pub(crate) fn detail_saying(&self, all_passed: &str) -> String {
        if self.forgery().is_some() {
            let alg = self.alg.as_deref().unwrap_or("HMAC");
            let aimed =
                self.kid.as_deref().map_or_else(|| "a public key".to_owned(), |k| format!("the public key {k:?}"));
            return format!(
                "This token asks for {alg}, an HMAC, but names {aimed}. It was made by using the public key as the \
                 HMAC secret: anyone can, since the key is public. A verifier that accepted a public key as a secret \
                 would take it as genuine; this one never does (RFC 8725 §2.1)."
            );
        }
        if self.valid && !self.claims_checked {
            format!("{}; {SIGNATURE_ONLY}", self.signature_reason)
        } else if self.valid {
            // "Every check passed" only when every check had something to compare: an
            // expectation nobody set (iss, aud…) is named, never counted as a pass.
            let not_checked: Vec<&str> =
                self.checks.iter().filter(|c| c.status == CheckStatus::NotChecked).map(|c| c.name.as_ref()).collect();
            if not_checked.is_empty() {
                format!("{}; {all_passed}", self.signature_reason)
            } else {
                format!(
                    "{}; the checks that had an expectation passed, not checked (nothing expected): {}",
                    self.signature_reason,
                    not_checked.join(", ")
                )
            }
        } else if self.signature != SignatureVerdict::Valid {
            self.signature_reason.clone()
        } else {
            let failed: Vec<String> =
                self.checks.iter().filter(|c| c.status == CheckStatus::Failed).map(|c| c.reason.to_string()).collect();
            failed.join("; ")
        }
    }

    /// One line, "TITLE: why" ("VALID: …", "EXPIRED: …", "NO MATCHING KEY: …"), as the CLI
    /// prints first. Control and bidi characters from the token are shown as escapes.
    #[must_use]
    pub fn summary(&self) -> String {
        let line = format!("{}: {}", self.title(), self.detail());
        match crate::core::text::visible(&line) {
            std::borrow::Cow::Borrowed(_) => line,
            std::borrow::Cow::Owned(escaped) => escaped,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::core::engine::keys::{self, SecretEncoding, load_secret};
    use crate::core::engine::limits::MAX_KEY_ATTEMPTS;
    use crate::core::engine::token::{JsonObject, parse};
    use crate::core::engine::verify::{Policy, SignatureVerdict, verify};

    fn asset(path: &str) -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
    }

    /// The sample forgery against the sample keys is a FORGERY, on the first line as in the
    /// banner, naming the key its kid aims at; its signature verdict is unchanged.
    #[test]
    fn the_confusion_sample_is_a_forgery_on_every_line() {
        let keys = keys::load_file(&asset("assets/keys/sample-jwks.json")).unwrap();
        let text = std::fs::read_to_string(asset("assets/samples/06-algorithm-confusion-hs256.jwt")).unwrap();
        let v = verify(&parse(text.trim()).unwrap(), &keys, &Policy::default(), 1_700_000_000.0);
        assert_eq!(v.signature, SignatureVerdict::NoMatchingKey, "the JSON's signature value stays");
        assert_eq!(v.headline(), "FORGERY: algorithm confusion");
        assert_eq!(v.title(), v.headline());
        assert!(v.summary().starts_with("FORGERY: algorithm confusion: This token asks for HS256"), "{}", v.summary());
        assert!(v.detail().contains("names the public key \"sample-rsa-2048\""), "{}", v.detail());
    }

    /// More kid-less keys than a token may try: no key matched, which the headline says, never
    /// "INVALID".
    #[test]
    fn too_many_kid_less_keys_are_no_matching_key() {
        let keys: Vec<_> = (0..=u8::try_from(MAX_KEY_ATTEMPTS).unwrap())
            .map(|i| load_secret(&[i; 32], SecretEncoding::Raw, "k").unwrap())
            .collect();
        let signer = load_secret(&[255; 32], SecretEncoding::Raw, "signer").unwrap();
        let claims: JsonObject = serde_json::from_str(r#"{"exp":4102444800}"#).unwrap();
        let t = crate::core::engine::sign::sign(&JsonObject::new(), &claims, "HS256", &signer).unwrap();
        let v = verify(&parse(&t).unwrap(), &keys, &Policy::default(), 1_700_000_000.0);
        assert_eq!(v.signature, SignatureVerdict::NoMatchingKey);
        assert_eq!(v.headline(), "NO MATCHING KEY");
        assert!(v.summary().starts_with("NO MATCHING KEY: "), "{}", v.summary());
    }

    /// Valid verdicts count their warnings in the title and the line alike.
    #[test]
    fn valid_titles_count_warnings() {
        let key = load_secret(&[9; 32], SecretEncoding::Raw, "k").unwrap();
        let sign = |claims: &str| {
            let claims: JsonObject = serde_json::from_str(claims).unwrap();
            let t = crate::core::engine::sign::sign(&JsonObject::new(), &claims, "HS256", &key).unwrap();
            verify(&parse(&t).unwrap(), std::slice::from_ref(&key), &Policy::default(), 1_700_000_000.0)
        };
        let v = sign(r#"{"exp":4102444800}"#);
        assert_eq!((v.title().as_str(), v.summary().starts_with("VALID: ")), ("VALID", true), "{}", v.summary());
        let v = sign(r#"{"sub":"a"}"#);
        assert_eq!(v.title(), "VALID, 1 warning", "no exp");
        // iss and aud had nothing to compare: named, never counted as passed.
        let line = v.summary();
        assert!(line.starts_with("VALID, 1 warning: ") && line.contains("not checked (nothing expected): "), "{line}");
        assert!(!line.contains("every check passed"), "{line}");
    }
}
