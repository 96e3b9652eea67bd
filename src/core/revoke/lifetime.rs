//! A token's lifetime, and what it means for how long a revoked or stolen copy keeps working:
//! the one rule the Compare tab, the revocation and flows labs, `tokenbench compare` and
//! `tokenbench simulate …` all use, so they give the same numbers and the same words.
//!
//! The rule: the lifetime is `exp` minus `nbf` (or `iat` when there is no `nbf`), as
//! [`TokenTimeline::lifetime`] reads them. A token without `exp` never expires: no lifetime
//! stands in for it, and nothing but rotating its signing key (or a server-side check) stops a
//! copy of it. When the lifetime cannot be told (unreadable claims, no `nbf`/`iat`, a type
//! error), callers say so and use their lab's token-ttl, naming it.

use serde::Serialize;

use super::{Scenario, Seconds, duration_text};
use crate::core::timeline::TokenTimeline;
use crate::core::token::Token;

/// What follows "a stolen copy …" for a token that never expires.
pub const NO_EXP_CONSEQUENCE: &str = "a stolen copy works until the signing key is rotated";

/// How long a token lives.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TokenLifetime {
    /// `exp - nbf` (or `exp - iat`).
    Bounded {
        /// `nbf` (or `iat`), Unix seconds.
        start: f64,
        /// `exp`, Unix seconds.
        exp: f64,
        /// `exp - start`, rounded to whole seconds.
        seconds: Seconds,
    },
    /// No `exp`: the token never expires.
    NeverExpires,
    /// The lifetime cannot be told, and why.
    Unknown {
        /// Why, in words ("the token's claims cannot be read").
        reason: String,
    },
}

impl TokenLifetime {
    /// The lifetime of a token.
    #[must_use]
    pub fn of(token: &Token) -> Self {
        match TokenTimeline::from_token(token, 0) {
            Some(t) => Self::of_timeline(&t),
            None => Self::Unknown { reason: "the token's claims cannot be read".into() },
        }
    }

    /// The lifetime of a token's time claims.
    #[must_use]
    pub fn of_timeline(t: &TokenTimeline) -> Self {
        if let Some(problem) = t.problems.first() {
            return Self::Unknown { reason: problem.clone() };
        }
        if t.exp.is_none() {
            return Self::NeverExpires;
        }
        let Some((start, exp)) = t.lifetime() else {
            return Self::Unknown { reason: "the token has an exp but no nbf or iat to count from".into() };
        };
        #[allow(clippy::cast_possible_truncation)]
        let seconds = (exp - start).round().clamp(-(super::MAX_TIME as f64), super::MAX_TIME as f64) as Seconds;
        Self::Bounded { start, exp, seconds }
    }

    /// Seconds from `nbf`/`iat` to `exp`, when bounded.
    #[must_use]
    pub fn seconds(&self) -> Option<Seconds> {
        match self {
            Self::Bounded { seconds, .. } => Some(*seconds),
            _ => None,
        }
    }

    /// Whether the token has no `exp`.
    #[must_use]
    pub fn never_expires(&self) -> bool {
        matches!(self, Self::NeverExpires)
    }

    /// One phrase: "lifetime 15 min", "never expires (no exp): a stolen copy works until the
    /// signing key is rotated", "lifetime unknown: the token's claims cannot be read".
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Bounded { seconds, .. } => format!("lifetime {}", duration_text(*seconds)),
            Self::NeverExpires => format!("never expires (no exp): {NO_EXP_CONSEQUENCE}"),
            Self::Unknown { reason } => format!("lifetime unknown: {reason}"),
        }
    }
}

impl Scenario {
    /// This scenario on one token's lifetime, by the rule of [`TokenLifetime`] (the lab's "Use
    /// the decoded token" and `simulate revocation --token`): see [`Scenario::with_tokens`].
    ///
    /// # Errors
    /// A token without `exp` (it never expires: no lifetime can stand in for it), a lifetime
    /// that cannot be told, or one no scenario can hold.
    pub fn on_token(&self, token: &TokenTimeline) -> Result<Self, String> {
        match TokenLifetime::of_timeline(token) {
            TokenLifetime::NeverExpires => {
                Err(format!("the token {}; a simulation needs an exp", TokenLifetime::NeverExpires.describe()))
            }
            TokenLifetime::Unknown { reason } => Err(format!("the token's lifetime cannot be told: {reason}")),
            TokenLifetime::Bounded { .. } => self.with_tokens(token, None),
        }
    }
}

/// How long a credential keeps working, as a table cell or a short phrase: a duration, or,
/// for `None` (a token without `exp` and nothing that checks it), "until the key is rotated".
#[must_use]
pub fn exposure_text(seconds: Option<Seconds>) -> String {
    seconds.map_or_else(|| "until the signing key is rotated (no exp)".into(), duration_text)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn of(claims: &serde_json::Value) -> TokenLifetime {
        let c = match claims {
            serde_json::Value::Object(m) => m.clone(),
            _ => unreachable!(),
        };
        TokenLifetime::of_timeline(&TokenTimeline::from_claims(&c, 0))
    }

    #[test]
    fn one_rule_for_every_kind_of_token() {
        let bounded = of(&json!({"iat": 1000, "nbf": 1100, "exp": 2000}));
        assert_eq!(bounded, TokenLifetime::Bounded { start: 1100.0, exp: 2000.0, seconds: 900 }, "nbf first");
        assert_eq!(bounded.describe(), "lifetime 15 min");
        assert_eq!(of(&json!({"iat": 1000, "exp": 4600})).seconds(), Some(3600));
        let forever = of(&json!({"iat": 1000}));
        assert!(forever.never_expires());
        assert_eq!(forever.seconds(), None);
        assert_eq!(forever.describe(), "never expires (no exp): a stolen copy works until the signing key is rotated");
        assert!(matches!(of(&json!({"exp": 2000})), TokenLifetime::Unknown { .. }), "no start to count from");
        let bad = of(&json!({"iat": 1000, "exp": "soon"}));
        assert!(matches!(&bad, TokenLifetime::Unknown { reason } if reason.contains("exp")), "{bad:?}");
    }

    #[test]
    fn an_exposure_is_a_duration_or_the_key_rotation() {
        assert_eq!(exposure_text(Some(900)), "15 min");
        assert_eq!(exposure_text(None), "until the signing key is rotated (no exp)");
    }
}
