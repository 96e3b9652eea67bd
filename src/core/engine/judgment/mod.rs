//! One judgment of a token, computed once per (token, keys, policy, clock): the signature
//! verdict and the claim checks ([`Verification`]) and the security findings ([`Finding`]),
//! the findings including what the verdict says about the signature. `tokenbench verify`,
//! `tokenbench audit`, `compare`, the Security lab and the Verify banner all read this one
//! value, so none of them can call a token good that another flags.

mod signature;
#[cfg(test)]
mod tests;

use crate::core::engine::audit::{self, Finding, Severity, TokenAuditOptions};
use crate::core::engine::crack::CrackError;
use crate::core::engine::error::Error;
use crate::core::engine::token::Token;
use crate::core::engine::verify::{self, Policy, Verification};

pub use signature::{SIGNATURE_IDS, psychic_signature};

/// The policy the audit judges under: the default (time claims only), with the JWS JSON
/// serialization accepted so that its signatures are judged; the audit names that serialization
/// itself as a finding (`json-serialization`), as the default `verify` refuses it.
#[must_use]
pub fn audit_policy() -> Policy {
    Policy { allow_json_serialization: true, ..Policy::default() }
}

/// Judges the JWS found inside a decrypted JWE (`outer`), adding what the JWE's own header
/// says (`RSA1_5`, its JSON serialization, duplicate or key-bearing members), each message
/// marked as the JWE's: how the token travelled is part of the verdict on it, so a weakly
/// encrypted nested JWT is "VALID, but", never plain green. `tokenbench decrypt` and the
/// window both judge a nested JWT here.
///
/// # Errors
/// When the given wordlist cannot be read.
pub fn judge_nested(
    outer: &Token,
    inner: &Token,
    policy: &Policy,
    opts: &TokenAuditOptions<'_>,
) -> Result<Judgment, CrackError> {
    let mut judged = judge(inner, policy, opts)?;
    // The JWE's header alone: its keys are judged with the inner token, not twice.
    let header_only = TokenAuditOptions { keys: &[], now: opts.now, ..TokenAuditOptions::default() };
    let mut around = audit::token_findings(outer, &header_only, None)?;
    signature::signature_findings(outer, false, &verify::verify(outer, &[], policy, opts.now), &mut around);
    for mut f in around.into_iter().filter(|f| f.id != "encrypted") {
        f.message = format!("the JWE around it: {}", f.message);
        judged.findings.push(f);
    }
    audit::sort(&mut judged.findings);
    Ok(judged)
}

/// How many findings a caution title names before it counts the rest.
const NAMED_IN_TITLE: usize = 2;

/// The verification and the findings of one token.
#[derive(Debug, Clone)]
pub struct Judgment {
    /// The signature verdict, every check, every warning.
    pub verification: Verification,
    /// Every finding, worst first.
    pub findings: Vec<Finding>,
}

/// Judges `token` under `policy` with what `opts` gives (keys, clock, wordlist, URL).
///
/// # Errors
/// When the given wordlist cannot be read.
pub fn judge(token: &Token, policy: &Policy, opts: &TokenAuditOptions<'_>) -> Result<Judgment, CrackError> {
    let verification = verify::verify(token, opts.keys, policy, opts.now);
    let mut findings = audit::token_findings(token, opts, verification.matched_key)?;
    signature::signature_findings(token, !opts.keys.is_empty(), &verification, &mut findings);
    audit::sort(&mut findings);
    Ok(Judgment { verification, findings })
}

impl Judgment {
    /// The findings of medium and high severity: what a valid verdict must not hide.
    pub fn concerns(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity.fails())
    }

    /// True when the token is valid but a finding of medium or more stands: the window's banner
    /// is amber, never green, and the title names them.
    #[must_use]
    pub fn cautioned(&self) -> bool {
        self.verification.valid && self.concerns().next().is_some()
    }

    /// True when a finding at `level` or worse stands (`--fail-on`).
    #[must_use]
    pub fn fails_at(&self, level: Severity) -> bool {
        self.findings.iter().any(|f| f.severity <= level)
    }

    /// The verdict's title: the verification's ("VALID", "EXPIRED", "FORGERY: …"), or for a
    /// valid token with concerns "VALID, but: " and the first two of them in short
    /// ("VALID, but: the HMAC secret is in a public wordlist (21 guesses); lifetime 10 years").
    #[must_use]
    pub fn title(&self) -> String {
        if !self.cautioned() {
            return self.verification.title();
        }
        let concerns: Vec<&Finding> = self.concerns().collect();
        let named: Vec<&str> = concerns.iter().take(NAMED_IN_TITLE).map(|f| f.short()).collect();
        let more = concerns.len() - named.len();
        let rest = match more {
            0 => String::new(),
            1 => "; and 1 more finding".to_owned(),
            n => format!("; and {n} more findings"),
        };
        format!("VALID, but: {}{rest}", named.join("; "))
    }

    /// One sentence of why, under the title. It says "every check passed" only when no check
    /// went unchecked and no concern stands.
    #[must_use]
    pub fn detail(&self) -> String {
        let v = &self.verification;
        if !v.valid || self.concerns().next().is_none() {
            return v.detail();
        }
        // The checks may all have passed; the findings still stand, so "every check passed" goes.
        let checks = v.detail_saying("the checks passed");
        format!(
            "{checks}; {} of medium or high severity",
            crate::core::text::count(self.concerns().count(), "finding", "findings")
        )
    }

    /// "TITLE: why" on one line, as the CLI prints first; control and bidi characters escaped.
    #[must_use]
    pub fn summary(&self) -> String {
        if !self.cautioned() {
            return self.verification.summary();
        }
        crate::core::text::visible(&format!("{} ({})", self.title(), self.detail())).into_owned()
    }
}

/// Audits a `Set-Cookie` header at `opts.now` and, when its value is a token (a JWT carried in
/// a cookie), judges that token too with `opts`: a well-flagged cookie whose value is an
/// `alg: none` token is no better than the token. The token's findings say they are about the
/// cookie's value.
///
/// # Errors
/// When the header is not a cookie ([`Error::CookieWithoutPair`], [`Error::CookieWithoutName`]), or
/// the given wordlist cannot be read ([`Error::CookieWordlist`]).
pub fn audit_cookie(line: &str, opts: &TokenAuditOptions<'_>) -> Result<(audit::Cookie, Vec<Finding>), Error> {
    let (cookie, mut findings) = audit::audit_cookie(line, opts.now)?;
    // Servers percent-encode cookie values ("Bearer%20eyJ…", dots as %2E): the token inside is
    // judged as the server reads it (parse also drops a Bearer prefix).
    let parsed = crate::core::engine::token::parse(&cookie.value)
        .or_else(|_| crate::core::engine::token::parse(&audit::percent_decode(&cookie.value)));
    if let Ok(token) = parsed {
        let j = judge(&token, &audit_policy(), opts).map_err(Error::CookieWordlist)?;
        let name = crate::core::text::visible(&cookie.name).into_owned();
        findings.extend(j.findings.into_iter().map(|mut f| {
            f.message = format!("the cookie {name:?} carries a JWT: {}", f.message);
            f
        }));
        audit::sort(&mut findings);
    }
    Ok((cookie, findings))
}
