//! A token's lifetime, and what it means for how long a revoked or stolen copy keeps working:
//! the one rule the Compare tab, the revocation and flows labs, `tokenbench compare` and
//! `tokenbench simulate …` all use, so they give the same numbers and the same words.
//!
//! The rule: the lifetime is `exp` minus `nbf` (or `iat` when there is no `nbf`), as
//! [`TokenTimeline::lifetime`] reads them, in whole seconds. Nothing is ever clamped silently:
//! - A token without `exp` never expires: no lifetime stands in for it, and nothing but
//!   rotating its signing key (or a server-side check) stops a copy of it.
//! - A token whose `exp` is not after its start is never valid: its lifetime is 0 s, and the
//!   models run on 0 s (they support it), saying so.
//! - A lifetime the revocation model cannot hold (a start or an `exp` beyond [`MAX_TIME`], or a
//!   lifetime longer than [`MAX_TIME`] seconds, as `exp` 9999-12-31 or `1e300`) is named as
//!   such: `simulate revocation --token` refuses it naming the limit, and the Compare figures
//!   treat it as a token that never expires (no figure uses a lifetime cut to the limit).
//! - When the lifetime cannot be told (unreadable claims, no `nbf`/`iat`, a type error),
//!   callers say so and use their lab's token-ttl, naming it.

use crate::core::text::lifetime_words;
use serde::Serialize;

use super::{MAX_TIME, RevocationScenario, Seconds};
use crate::core::engine::clock::format_utc;
use crate::core::engine::timeline::TokenTimeline;
use crate::core::engine::token::Token;
use crate::core::text::human_seconds;

/// What follows "a stolen copy …" for a token that never expires.
pub const NO_EXP_CONSEQUENCE: &str = "a stolen copy works until the signing key is rotated";

/// How long a token lives.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TokenLifetime {
    /// `exp - nbf` (or `exp - iat`), within the model's range.
    Bounded {
        /// `nbf` (or `iat`), Unix seconds.
        start: f64,
        /// `exp`, Unix seconds.
        exp: f64,
        /// `exp - start`, in whole seconds (each end rounded to the second).
        seconds: Seconds,
    },
    /// `exp` is not after `nbf` (or `iat`): the token is never valid; its lifetime is 0 s.
    NeverValid {
        /// `nbf` (or `iat`), Unix seconds.
        start: f64,
        /// `exp`, Unix seconds.
        exp: f64,
        /// Which claim `start` is: "nbf" or "iat".
        start_claim: &'static str,
    },
    /// No `exp`: the token never expires.
    NeverExpires,
    /// A start or an `exp` beyond the revocation model's instants, or a lifetime longer than it
    /// holds: figures treat the token as never expiring, and say why.
    BeyondModel {
        /// `nbf` (or `iat`), Unix seconds.
        start: f64,
        /// `exp`, Unix seconds.
        exp: f64,
        /// Which claim `start` is: "nbf" or "iat".
        start_claim: &'static str,
    },
    /// The lifetime cannot be told, and why.
    Unknown {
        /// Why, in words ("the token is encrypted (JWE): …").
        reason: String,
    },
}

/// The model's limits in words: "the revocation model holds instants up to 5138-11-16 09:46:40
/// UTC and lifetimes up to 3168.8 years".
#[must_use]
pub fn model_range_text() -> String {
    let max = MAX_TIME as f64;
    let year = |t: f64| format_utc(t).split('-').find(|p| !p.is_empty()).unwrap_or_default().to_owned();
    format!(
        "the revocation model's limits: instants from the year -{} to {}, lifetimes up to {}",
        year(-max),
        year(max),
        human_seconds(max)
    )
}

/// An instant as a UTC date, or, beyond any calendar, in scientific notation ("1e300"): never
/// 300 digits.
fn instant_words(t: f64) -> String {
    let text = format_utc(t);
    if text.contains("outside the representable") { format!("{t:e}") } else { text }
}

impl TokenLifetime {
    /// The lifetime of a token.
    #[must_use]
    pub fn of(token: &Token) -> Self {
        match TokenTimeline::from_token(token, 0) {
            Some(t) => Self::of_timeline(&t),
            None => Self::Unknown {
                reason: format!("the token {}", crate::core::labs::flows::credential::unusable_reason(token)),
            },
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
        let limit = MAX_TIME as f64;
        let within = |v: f64| v.is_finite() && (-limit..=limit).contains(&v.round());
        let start_claim = if t.nbf.is_some() { "nbf" } else { "iat" };
        if !within(start) {
            return Self::BeyondModel { start, exp, start_claim };
        }
        if exp <= start {
            return Self::NeverValid { start, exp, start_claim };
        }
        if !within(exp) || exp.round() - start.round() > limit {
            return Self::BeyondModel { start, exp, start_claim };
        }
        #[allow(clippy::cast_possible_truncation)]
        let seconds = (exp.round() - start.round()) as Seconds;
        Self::Bounded { start, exp, seconds }
    }

    /// Seconds from `nbf`/`iat` to `exp` the models run on: the lifetime when bounded, 0 for a
    /// token that is never valid; `None` otherwise.
    #[must_use]
    pub fn seconds(&self) -> Option<Seconds> {
        match self {
            Self::Bounded { seconds, .. } => Some(*seconds),
            Self::NeverValid { .. } => Some(0),
            _ => None,
        }
    }

    /// "lifetime 7976.0 years (iat 2023-11-14 22:13:20 UTC to exp 9999-12-31 23:59:59 UTC)":
    /// the span, with both ends as the token gives them (never cut to the model's range).
    #[must_use]
    pub fn span_words(&self) -> String {
        match self {
            Self::Bounded { start, exp, .. }
            | Self::NeverValid { start, exp, .. }
            | Self::BeyondModel { start, exp, .. } => {
                let claim = match self {
                    Self::NeverValid { start_claim, .. } | Self::BeyondModel { start_claim, .. } => start_claim,
                    _ => "nbf/iat",
                };
                format!(
                    "lifetime {} ({claim} {} to exp {})",
                    lifetime_words(exp - start),
                    instant_words(*start),
                    instant_words(*exp)
                )
            }
            _ => self.describe(),
        }
    }

    /// Whether the token has no `exp`.
    #[must_use]
    pub fn never_expires(&self) -> bool {
        matches!(self, Self::NeverExpires)
    }

    /// Whether no model can end the token by its `exp` (none, or beyond the model's range): only
    /// rotating the signing key ends a copy, and the figures say so.
    #[must_use]
    pub fn endless(&self) -> bool {
        matches!(self, Self::NeverExpires | Self::BeyondModel { .. })
    }

    /// One phrase: "lifetime 15 min", "lifetime 0 s: the token is never valid (its exp is 1 min
    /// before its iat)", "never expires (no exp): a stolen copy works until the signing key is
    /// rotated", "lifetime 7976.0 years, beyond the revocation model (…): the figures treat it as
    /// never expiring: …", "lifetime unknown: the token is encrypted (JWE): …".
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Bounded { seconds, .. } => {
                let s = *seconds as f64;
                format!("lifetime {}", lifetime_words(s))
            }
            Self::NeverValid { start, exp, start_claim } => {
                // NeverValid holds exp <= start: not below it means equal.
                let how = if exp >= start {
                    format!("its exp equals its {start_claim}")
                } else {
                    format!("its exp is {} before its {start_claim}", lifetime_words(start - exp))
                };
                format!("lifetime 0 s: the token is never valid ({how})")
            }
            Self::NeverExpires => format!("never expires (no exp): {NO_EXP_CONSEQUENCE}"),
            Self::BeyondModel { .. } => format!(
                "{}, beyond the revocation model's range ({}): the figures treat it as never expiring: \
                 {NO_EXP_CONSEQUENCE}",
                self.span_words(),
                model_range_text()
            ),
            Self::Unknown { reason } => format!("lifetime unknown: {reason}"),
        }
    }
}

impl RevocationScenario {
    /// This scenario on one token's lifetime, by the rule of [`TokenLifetime`] (the lab's "Use
    /// the decoded token" and `simulate revocation --token`): see [`RevocationScenario::with_tokens`].
    ///
    /// # Errors
    /// A token without `exp` (it never expires: no lifetime can stand in for it), one whose
    /// lifetime is beyond the model's range (named), or a lifetime that cannot be told.
    pub fn on_token(&self, token: &TokenTimeline) -> Result<Self, String> {
        match TokenLifetime::of_timeline(token) {
            TokenLifetime::NeverExpires => {
                Err(format!("the token {}; a simulation needs an exp", TokenLifetime::NeverExpires.describe()))
            }
            rule @ TokenLifetime::BeyondModel { .. } => Err(format!(
                "the token's {}, beyond the revocation model's range ({}); a simulation cannot hold it",
                rule.span_words(),
                model_range_text()
            )),
            TokenLifetime::Unknown { reason } => Err(format!("the token's lifetime cannot be told: {reason}")),
            TokenLifetime::Bounded { .. } | TokenLifetime::NeverValid { .. } => self.with_tokens(token, None),
        }
    }

    /// This scenario showing what ends a token no `exp` ends (none, or one beyond the model's
    /// range): the model needs a lifetime and cannot run one that never ends, so it runs the one
    /// thing that ends it, the signing key's rotation, a third into this scenario's own
    /// token-ttl, the login at the token's start when the model holds it (the lab's "Show me"
    /// for such a token, and `simulate revocation --token … --event key-rotated`).
    ///
    /// # Errors
    /// A token whose `exp` the model can run: it is used as it is ([`RevocationScenario::on_token`]).
    pub fn showing_endless(&self, token: &TokenTimeline) -> Result<Self, String> {
        let lifetime = TokenLifetime::of_timeline(token);
        if !lifetime.endless() {
            return Err(format!("the decoded token has an exp the lab can run: {}", lifetime.describe()));
        }
        let mut s = self.clone();
        #[allow(clippy::cast_possible_truncation)]
        if let Some(start) = token.nbf.or(token.iat).filter(|t| t.abs() <= MAX_TIME as f64) {
            s.login_at = start.round() as Seconds;
        }
        s.event.kind = super::EventKind::KeyRotated;
        s.event.at = s.login_at + s.token_ttl / 3;
        s.event.stolen_at = None;
        s.name = format!("Your token (no exp ends it): {}", s.derived_name());
        super::EventKind::KeyRotated.caption().clone_into(&mut s.description);
        Ok(s)
    }
}

/// How long a credential keeps working, as a short phrase in the shared human words
/// ([`lifetime_words`]): a duration, or, for `None` (a token without `exp`, or one beyond the
/// model's range, and nothing that checks it), "until the key is rotated".
#[must_use]
pub fn exposure_text(seconds: Option<Seconds>) -> String {
    seconds.map_or_else(|| "until the signing key is rotated (no exp)".into(), |s| lifetime_words(s as f64))
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
        assert_eq!(exposure_text(Some(3652 * 86_400)), "10.0 years", "the shared human duration, as Decode says it");
    }

    #[test]
    fn a_token_that_is_never_valid_lives_0_s_and_says_so() {
        for (claims, how) in [
            (json!({"iat": 1000, "exp": 1000}), "its exp equals its iat"),
            (json!({"iat": 1000, "nbf": 1100, "exp": 1040}), "its exp is 1 min before its nbf"),
        ] {
            let l = of(&claims);
            assert!(matches!(l, TokenLifetime::NeverValid { .. }), "{l:?}");
            assert_eq!(l.seconds(), Some(0), "the models run on 0 s, no stand-in lifetime");
            assert_eq!(l.describe(), format!("lifetime 0 s: the token is never valid ({how})"));
            let s = RevocationScenario::example(0)
                .on_token(&TokenTimeline::from_claims(claims.as_object().unwrap(), 0))
                .unwrap();
            assert_eq!((s.token_ttl, s.access_ttl, s.event.at), (0, 0, s.login_at));
            assert!(s.name.contains("never valid"), "{}", s.name);
        }
    }

    #[test]
    fn a_lifetime_beyond_the_model_is_never_cut_to_its_limit() {
        let far = json!({"iat": 1_700_000_000, "exp": 253_402_300_799_i64});
        for claims in [
            far.clone(),
            json!({"iat": 1_700_000_000, "exp": 1e300}),
            json!({"iat": 1_700_000_000, "exp": 18_446_744_073_709_551_616.0}),
            json!({"iat": -1e300, "exp": 1_700_000_900}),
            json!({"iat": 0, "exp": MAX_TIME + 1}),
        ] {
            let l = of(&claims);
            assert!(matches!(l, TokenLifetime::BeyondModel { .. }) && l.endless() && !l.never_expires(), "{l:?}");
            assert_eq!(l.seconds(), None, "no figure gets a clamped lifetime");
            assert!(l.describe().contains(&model_range_text()), "{}", l.describe());
            let e = RevocationScenario::example(0)
                .on_token(&TokenTimeline::from_claims(claims.as_object().unwrap(), 0))
                .unwrap_err();
            assert!(e.contains("beyond the revocation model's range") && e.contains("5138"), "{e}");
        }
        let l = of(&far);
        assert!(l.describe().starts_with("lifetime 7976.0 years (iat 2023-11-14 22:13:20 UTC to exp 9999-12-31"));
        assert!(of(&json!({"iat": 1e9, "exp": 1e300})).describe().contains("exp 1e300"), "never 300 digits");
        // The model's own largest lifetime is still carried whole.
        assert_eq!(of(&json!({"iat": 0, "exp": MAX_TIME})).seconds(), Some(MAX_TIME));
    }
}
