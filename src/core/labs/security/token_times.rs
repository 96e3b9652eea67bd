//! The time claims of a token as the Security lab's demonstrations read them, by the engine's
//! own rules ([`token::numeric_date`], what `tokenbench verify` judges): a wrongly typed `exp`
//! makes the token invalid, never "without exp"; a token not valid yet says until when; an
//! instant too far from the lab clock to simulate is refused naming the limit.

use crate::core::engine::clock::{TimeClaims, UnixSeconds, format_utc};
use crate::core::engine::token::{self, Token};
use crate::core::labs::revocation;

/// The farthest a time claim may lie from the lab clock, seconds (about 792 years): past it the
/// lifetime figures could no longer be told apart from "never ends".
#[allow(clippy::cast_precision_loss)]
pub const MAX_CLAIM_DISTANCE: f64 = (revocation::MAX_TIME / 4) as f64;

/// The token's `exp`, `nbf` and `iat` at `at`: `Ok(None)` when its claims cannot be read (a JWE,
/// or no JSON payload).
///
/// # Errors
/// A time claim that is not a NumericDate (verify calls such a token invalid), or one more than
/// [`MAX_CLAIM_DISTANCE`] seconds from `at`; the message names the claim.
pub fn read(token: &Token, at: UnixSeconds) -> Result<Option<TimeClaims>, String> {
    let Some(claims) = token.claims() else {
        return Ok(None);
    };
    let date = |name: &str| -> Result<Option<UnixSeconds>, String> {
        let t = token::numeric_date(claims, name).map_err(|e| format!("{e}: tokenbench verify calls it invalid"))?;
        match t {
            Some(t) if (t - at).abs() > MAX_CLAIM_DISTANCE => Err(format!(
                "\"{name}\" is {t:e}, more than {MAX_CLAIM_DISTANCE} s (about 792 years) from the lab clock: too far to \
                 simulate"
            )),
            other => Ok(other),
        }
    };
    Ok(Some(TimeClaims { exp: date("exp")?, nbf: date("nbf")?, iat: date("iat")? }))
}

/// When a token not valid yet at `at` becomes valid (its `nbf`, or an `iat` in the future, with
/// no leeway, as verify's default policy judges), with its wording; `None` when it already is.
#[must_use]
pub fn not_valid_until(times: &TimeClaims, at: UnixSeconds) -> Option<(UnixSeconds, String)> {
    let from = [times.nbf, times.iat].into_iter().flatten().fold(f64::NEG_INFINITY, f64::max);
    (from > at).then(|| (from, format!("not valid until {} (its nbf or iat is in the future)", format_utc(from))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::keys::{self, SecretEncoding};
    use crate::core::engine::sign::sign;
    use crate::core::engine::token::JsonObject;

    fn hs256(claims: &serde_json::Value) -> Token {
        let key = keys::load_secret(b"k", SecretEncoding::Raw, "t").unwrap();
        token::parse(&sign(&JsonObject::new(), claims.as_object().unwrap(), "HS256", &key).unwrap()).unwrap()
    }

    #[test]
    fn a_wrongly_typed_or_far_time_is_refused_naming_it() {
        let at = 1_700_000_000.0;
        let e = read(&hs256(&serde_json::json!({"exp": "soon"})), at).unwrap_err();
        assert_eq!(
            e,
            "\"exp\" must be a NumericDate (a JSON number of seconds since 1970), but the token has a string: \
             tokenbench verify calls it invalid"
        );
        let e = read(&hs256(&serde_json::json!({"exp": null})), at).unwrap_err();
        assert!(e.starts_with("\"exp\" must be a NumericDate"), "{e}");
        let e = read(&hs256(&serde_json::json!({"exp": 1e300})), at).unwrap_err();
        assert_eq!(
            e,
            "\"exp\" is 1e300, more than 25000000000 s (about 792 years) from the lab clock: too far to simulate"
        );
        assert!(read(&hs256(&serde_json::json!({"iat": -1e300})), at).unwrap_err().starts_with("\"iat\" is -1e300"));
        let t = read(&hs256(&serde_json::json!({"exp": at + 60.0})), at).unwrap().unwrap();
        assert_eq!((t.exp, t.nbf, t.iat), (Some(at + 60.0), None, None));
    }

    #[test]
    fn a_future_nbf_or_iat_says_until_when() {
        let times = TimeClaims { exp: None, nbf: Some(1_700_000_100.0), iat: Some(1_700_000_050.0) };
        assert_eq!(
            not_valid_until(&times, 1_700_000_000.0),
            Some((1_700_000_100.0, "not valid until 2023-11-14 22:15:00 UTC (its nbf or iat is in the future)".into()))
        );
        assert_eq!(not_valid_until(&times, 1_700_000_100.0), None);
    }
}
