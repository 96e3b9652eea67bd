//! A token's life on the clock: `iat`, `nbf` and `exp`, the leeway around them, and the verdict
//! the verifier gives on the time claims at every instant (not yet valid, valid, expired), as
//! spans a view only has to draw.
//!
//! The rules are [`crate::core::engine::verify`]'s, restated as boundaries: `nbf` and `iat` fail while
//! `now + leeway < claim`, `exp` fails once `now >= exp + leeway` (RFC 7519 §4.1.4-4.1.6). A
//! property test checks the two agree at every instant.

use serde::Serialize;

use crate::core::engine::clock::{UnixSeconds, format_relative, format_utc, human_duration};
use crate::core::engine::token::{Claims, Token, numeric_date};

/// The verdict on the time claims over an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before `nbf` / `iat` (less the leeway).
    NotYetValid,
    /// Every time check passes.
    Valid,
    /// At or after `exp` (plus the leeway).
    Expired,
    /// Both at once (`nbf` after `exp`), or a time claim is unreadable: never valid.
    Never,
}

impl Phase {
    /// The phase in words.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Phase::NotYetValid => "not yet valid",
            Phase::Valid => "within lifetime",
            Phase::Expired => "expired",
            Phase::Never => "never valid",
        }
    }
}

/// A phase over `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PhaseSpan {
    /// Start.
    pub from: UnixSeconds,
    /// End (exclusive).
    pub to: UnixSeconds,
    /// The verdict there.
    pub phase: Phase,
}

/// A named instant on the axis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Mark {
    /// `iat`, `nbf` or `exp`.
    pub name: &'static str,
    /// When.
    pub at: UnixSeconds,
}

/// The time claims of one token and the leeway they are judged with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenTimeline {
    /// `iat`, when present and a number.
    pub iat: Option<UnixSeconds>,
    /// `nbf`, when present and a number.
    pub nbf: Option<UnixSeconds>,
    /// `exp`, when present and a number.
    pub exp: Option<UnixSeconds>,
    /// The leeway, seconds.
    pub leeway: f64,
    /// Time claims present with the wrong type: the verifier fails them at every instant.
    pub problems: Vec<String>,
}

impl TokenTimeline {
    /// The timeline of a claims set.
    #[must_use]
    pub fn from_claims<C: Claims + ?Sized>(claims: &C, leeway: u64) -> Self {
        let mut problems = Vec::new();
        let mut read = |name: &str| match numeric_date(claims, name) {
            Ok(v) => v,
            Err(e) => {
                problems.push(e.to_string());
                None
            }
        };
        let (iat, nbf, exp) = (read("iat"), read("nbf"), read("exp"));
        let leeway = leeway as f64;
        Self { iat, nbf, exp, leeway, problems }
    }

    /// The timeline of a token, when its claims can be read (not for a JWE or a payload that is
    /// not a JSON object).
    #[must_use]
    pub fn from_token(token: &Token, leeway: u64) -> Option<Self> {
        token.claims().map(|c| Self::from_claims(c, leeway))
    }

    /// The first valid instant: the later of `nbf` and `iat`, less the leeway.
    #[must_use]
    pub fn valid_from(&self) -> Option<UnixSeconds> {
        match (self.iat, self.nbf) {
            (Some(a), Some(b)) => Some(a.max(b) - self.leeway),
            (a, b) => a.or(b).map(|x| x - self.leeway),
        }
    }

    /// The first expired instant: `exp` plus the leeway.
    #[must_use]
    pub fn valid_until(&self) -> Option<UnixSeconds> {
        self.exp.map(|e| e + self.leeway)
    }

    /// The verdict at `t`.
    #[must_use]
    pub fn phase_at(&self, t: UnixSeconds) -> Phase {
        if !self.problems.is_empty() {
            return Phase::Never;
        }
        let early = self.valid_from().is_some_and(|f| t < f);
        let late = self.valid_until().is_some_and(|u| t >= u);
        match (early, late) {
            (false, false) => Phase::Valid,
            (true, false) => Phase::NotYetValid,
            (false, true) => Phase::Expired,
            (true, true) => Phase::Never,
        }
    }

    /// The phases over `[from, to)`, cut at every boundary.
    #[must_use]
    pub fn spans(&self, from: UnixSeconds, to: UnixSeconds) -> Vec<PhaseSpan> {
        let mut cuts: Vec<UnixSeconds> =
            [self.valid_from(), self.valid_until()].into_iter().flatten().filter(|c| *c > from && *c < to).collect();
        cuts.sort_by(f64::total_cmp);
        let mut edges = vec![from];
        edges.extend(cuts);
        edges.push(to);
        let mut spans: Vec<PhaseSpan> = Vec::new();
        for w in edges.windows(2) {
            if w[0] >= w[1] {
                continue;
            }
            let phase = self.phase_at(w[0]);
            match spans.last_mut() {
                Some(last) if last.phase == phase => last.to = w[1],
                _ => spans.push(PhaseSpan { from: w[0], to: w[1], phase }),
            }
        }
        spans
    }

    /// `iat`, `nbf` and `exp`, those present.
    #[must_use]
    pub fn marks(&self) -> Vec<Mark> {
        [("iat", self.iat), ("nbf", self.nbf), ("exp", self.exp)]
            .into_iter()
            .filter_map(|(name, at)| at.map(|at| Mark { name, at }))
            .collect()
    }

    /// The leeway's effect: `[valid_from, start)` before the first valid instant and
    /// `[exp, exp + leeway)` after `exp`, with what each band is.
    #[must_use]
    pub fn leeway_bands(&self) -> Vec<(UnixSeconds, UnixSeconds, &'static str)> {
        if self.leeway <= 0.0 {
            return Vec::new();
        }
        let mut bands = Vec::new();
        if let Some(from) = self.valid_from() {
            bands.push((from, from + self.leeway, "leeway before nbf/iat"));
        }
        if let Some(exp) = self.exp {
            bands.push((exp, exp + self.leeway, "leeway after exp"));
        }
        bands
    }

    /// The lifetime: from `nbf` (or `iat`) to `exp`, when both ends are known.
    #[must_use]
    pub fn lifetime(&self) -> Option<(UnixSeconds, UnixSeconds)> {
        let start = self.nbf.or(self.iat)?;
        Some((start, self.exp?))
    }

    /// The span shown first: the marks (and leeway bands) plus a tenth on each side; `now`
    /// joins it when it is no further than one such span away. Never empty.
    #[must_use]
    pub fn default_view(&self, now: UnixSeconds) -> (UnixSeconds, UnixSeconds) {
        let mut points: Vec<UnixSeconds> = self.marks().iter().map(|m| m.at).collect();
        points.extend(self.leeway_bands().iter().flat_map(|b| [b.0, b.1]));
        let lo = points.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = points.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (mut lo, mut hi) = if lo.is_finite() { (lo, hi) } else { (now, now) };
        let width = hi - lo;
        if (now - lo).abs().min((now - hi).abs()) <= width.max(60.0) || (lo..=hi).contains(&now) {
            lo = lo.min(now);
            hi = hi.max(now);
        }
        let margin = ((hi - lo) * 0.1).max(30.0);
        (lo - margin, hi + margin)
    }

    /// One line on the time claims at `now`: "within lifetime, expires in 14 min", "expired 3 h
    /// ago"… About time only: the signature and the rest of the policy are the verifier's.
    #[must_use]
    pub fn describe(&self, now: UnixSeconds) -> String {
        if let Some(problem) = self.problems.first() {
            return format!("never valid: {problem}");
        }
        match self.phase_at(now) {
            Phase::Valid => match self.valid_until() {
                Some(u) => format!("within lifetime, expires {} ({})", format_relative(u, now), format_utc(u)),
                None => "within lifetime, no exp: never expires".into(),
            },
            Phase::NotYetValid => match self.valid_from() {
                Some(f) => format!("not yet valid: valid {} ({})", format_relative(f, now), format_utc(f)),
                None => "not yet valid".into(),
            },
            Phase::Expired => match self.valid_until() {
                Some(u) => format!("expired {} ({})", format_relative(u, now), format_utc(u)),
                None => "expired".into(),
            },
            Phase::Never => "never valid: nbf/iat is after exp".into(),
        }
    }

    /// "lives 1 h (iat to exp)", when it can be told.
    #[must_use]
    pub fn lifetime_text(&self) -> Option<String> {
        let (start, exp) = self.lifetime()?;
        let which = if self.nbf.is_some() { "nbf" } else { "iat" };
        Some(format!(
            "lives {} ({which} to exp)",
            human_duration(std::time::Duration::from_secs_f64((exp - start).abs().min(1e15)))
        ))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::{prop_assert_eq, proptest};
    use serde_json::json;

    use super::*;
    use crate::core::engine::token::{encode_b64url, parse};
    use crate::core::engine::verify::{CheckStatus, Policy, verify};

    fn token(claims: &serde_json::Value) -> Token {
        let header = encode_b64url(br#"{"alg":"HS256"}"#);
        let payload = encode_b64url(claims.to_string().as_bytes());
        parse(&format!("{header}.{payload}.AAAA")).unwrap()
    }

    fn timeline(claims: &serde_json::Value, leeway: u64) -> TokenTimeline {
        TokenTimeline::from_token(&token(claims), leeway).unwrap()
    }

    #[test]
    fn phases_and_boundaries() {
        let t = timeline(&json!({"iat": 1000, "nbf": 1100, "exp": 2000}), 0);
        assert_eq!(t.phase_at(1099.0), Phase::NotYetValid);
        assert_eq!(t.phase_at(1100.0), Phase::Valid);
        assert_eq!(t.phase_at(1999.9), Phase::Valid);
        assert_eq!(t.phase_at(2000.0), Phase::Expired);
        let spans = t.spans(0.0, 3000.0);
        assert_eq!(
            spans,
            [
                PhaseSpan { from: 0.0, to: 1100.0, phase: Phase::NotYetValid },
                PhaseSpan { from: 1100.0, to: 2000.0, phase: Phase::Valid },
                PhaseSpan { from: 2000.0, to: 3000.0, phase: Phase::Expired },
            ]
        );
        assert_eq!(t.marks().iter().map(|m| m.name).collect::<Vec<_>>(), ["iat", "nbf", "exp"]);
        assert!(t.leeway_bands().is_empty());
        assert_eq!(t.lifetime(), Some((1100.0, 2000.0)));
    }

    #[test]
    fn leeway_widens_validity_both_ways() {
        let t = timeline(&json!({"iat": 1000, "exp": 2000}), 60);
        assert_eq!(t.phase_at(940.0), Phase::Valid);
        assert_eq!(t.phase_at(939.0), Phase::NotYetValid);
        assert_eq!(t.phase_at(2059.0), Phase::Valid);
        assert_eq!(t.phase_at(2060.0), Phase::Expired);
        assert_eq!(t.leeway_bands(), [(940.0, 1000.0, "leeway before nbf/iat"), (2000.0, 2060.0, "leeway after exp")]);
    }

    #[test]
    fn odd_tokens() {
        let never = timeline(&json!({"nbf": 3000, "exp": 2000}), 0);
        assert_eq!(never.phase_at(2500.0), Phase::Never);
        assert_eq!(never.spans(0.0, 4000.0).len(), 3);
        let forever = timeline(&json!({"sub": "x"}), 0);
        assert_eq!(forever.spans(0.0, 10.0), [PhaseSpan { from: 0.0, to: 10.0, phase: Phase::Valid }]);
        assert_eq!(forever.describe(5.0), "within lifetime, no exp: never expires");
        assert_eq!(forever.default_view(1000.0), (970.0, 1030.0));
        let broken = timeline(&json!({"exp": "tomorrow"}), 0);
        assert_eq!(broken.phase_at(0.0), Phase::Never);
        assert!(broken.describe(0.0).contains("\"exp\" must be a NumericDate"), "{}", broken.describe(0.0));
        let jwe = parse(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/samples/07-jwe-rfc7516.jwt")).trim())
            .unwrap();
        assert!(TokenTimeline::from_token(&jwe, 0).is_none());
    }

    #[test]
    fn default_view_is_the_lifetime_plus_a_margin() {
        let t = timeline(&json!({"iat": 1000, "exp": 2000}), 0);
        assert_eq!(t.default_view(1500.0), (900.0, 2100.0));
        assert_eq!(t.default_view(2500.0), (850.0, 2650.0), "now, just after exp, joins the view");
        assert_eq!(t.default_view(1e9), (900.0, 2100.0), "a far-away now does not squash the lifetime");
    }

    #[test]
    fn describes_the_verdict_at_now() {
        let t = timeline(&json!({"iat": 0, "exp": 3600}), 0);
        assert!(t.describe(2700.0).starts_with("within lifetime, expires in 15 min"), "{}", t.describe(2700.0));
        assert!(t.describe(3600.0 + 7200.0).starts_with("expired 2 h ago"));
        assert_eq!(t.lifetime_text().unwrap(), "lives 1 h (iat to exp)");
    }

    proptest! {
        /// The timeline's verdict is the verifier's, at every instant and for every leeway.
        #[test]
        fn agrees_with_the_verifier(
            iat in proptest::option::of(0i64..2000), nbf in proptest::option::of(0i64..2000),
            exp in proptest::option::of(0i64..2000), leeway in 0u64..100, now in -200i64..2300,
        ) {
            let mut claims = serde_json::Map::new();
            for (name, v) in [("iat", iat), ("nbf", nbf), ("exp", exp)] {
                if let Some(v) = v {
                    claims.insert(name.into(), json!(v));
                }
            }
            let tok = token(&serde_json::Value::Object(claims));
            let policy = Policy { leeway, ..Policy::default() };
            let v = verify(&tok, &[], &policy, now as f64);
            let time_ok = !v.checks.iter().any(|c| ["exp", "nbf", "iat"].contains(&c.name.as_ref()) && c.status == CheckStatus::Failed);
            let phase = TokenTimeline::from_token(&tok, leeway).unwrap().phase_at(now as f64);
            prop_assert_eq!(phase == Phase::Valid, time_ok);
        }
    }
}
