//! How long a logout takes to stop a credential, by the revocation lab's model.

use super::{HYBRID_INTERNAL_TOKEN_LIFETIME, Mode, Revocation};

/// How long after a logout (or a revocation) the credential stops working, in seconds, in the
/// worst case: revoked right after it was issued. The revocation lab's model decides
/// ([`crate::core::labs::revocation`]): a session is `session`; an unchecked JWT is `jwt`; a JWT checked
/// against a denylist or a version counter is `jwt-denylist` / `jwt-version`; the hybrid is
/// `jwt-refresh` with the edge session as the refresh token and the internal token
/// ([`HYBRID_INTERNAL_TOKEN_LIFETIME`]) as the access token, since a revoked edge session stops
/// new internal tokens while those already handed to services live out their `exp`.
///
/// `token_lifetime` is `None` for a token without `exp`: an unchecked JWT is then never cut
/// off by time (`None`: until the signing key is rotated); every other design stops it at the
/// next request, or once the hybrid's internal token ends.
#[must_use]
pub fn revocation_delay(mode: Mode, revocation: Revocation, token_lifetime: Option<f64>) -> Option<f64> {
    use crate::core::labs::revocation::{self, Event, EventKind, RevocationScenario, Strategy};
    let token_lifetime = match (mode, revocation, token_lifetime) {
        (Mode::Jwt, Revocation::None, None) => return None,
        (_, _, Some(t)) => t,
        // The edge session or the check ends it; the lifetime only has to be long enough.
        (_, _, None) => revocation::MAX_TIME as f64 / 4.0,
    };
    let (strategy, token_ttl, access_ttl) = match (mode, revocation) {
        (Mode::Session, _) => (Strategy::Session, token_lifetime, token_lifetime),
        (Mode::Jwt, Revocation::None) => (Strategy::Jwt, token_lifetime, token_lifetime),
        (Mode::Jwt, Revocation::Denylist) => (Strategy::JwtDenylist, token_lifetime, token_lifetime),
        (Mode::Jwt, Revocation::Version) => (Strategy::JwtVersion, token_lifetime, token_lifetime),
        (Mode::Hybrid, _) => {
            let session = token_lifetime.max(HYBRID_INTERNAL_TOKEN_LIFETIME);
            (Strategy::JwtRefresh, session, HYBRID_INTERNAL_TOKEN_LIFETIME)
        }
    };
    // Whole seconds, at least one, within the model's range (a token's lifetime may be anything).
    #[allow(clippy::cast_possible_truncation)]
    let secs = |t: f64| {
        if t.is_finite() {
            t.ceil().clamp(1.0, revocation::MAX_TIME as f64 / 4.0) as i64
        } else {
            revocation::MAX_TIME / 4
        }
    };
    let login_at = 1_700_000_000;
    let scenario = RevocationScenario {
        name: String::new(),
        description: String::new(),
        login_at,
        token_ttl: secs(token_ttl),
        access_ttl: secs(access_ttl).min(secs(token_ttl)),
        leeway: 0,
        event: Event { kind: EventKind::Logout, at: login_at, stolen_at: None },
        scale: None,
    };
    Some(revocation::simulate(&scenario).outcome(strategy).exposure_seconds as f64)
}
