//! The first screen's "valid token": an OpenID Connect ID token signed on the spot with the
//! sample RSA key, issued at the clock's now and living 15 minutes, as real ID tokens do. A
//! token made once and shipped would either expire or need a lifetime of years, which the
//! judgment rightly flags.

use serde_json::json;

use crate::core::engine::clock::UnixSeconds;
use crate::core::engine::error::{Error, Result};
use crate::core::engine::keys;
use crate::core::engine::sign;
use crate::core::engine::token::JsonObject;

/// The sample RSA 2048 private key (its public half is `sample-rsa-2048` in the sample JWKS).
const SAMPLE_RSA_PRIVATE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/keys/rsa2048-pkcs8.pem"));

/// The fresh example's lifetime: 15 minutes, a typical ID or access token's.
pub const FRESH_LIFETIME: i64 = 15 * 60;

/// An ID token issued at `now` (whole seconds) for [`FRESH_LIFETIME`], signed RS256 under kid
/// `sample-rsa-2048`.
///
/// # Errors
/// When the instant is outside the years the claims can hold, or the key fails to sign.
pub fn fresh_id_token(now: UnixSeconds) -> Result<String> {
    crate::core::engine::limits::check_instant(now)?;
    // Within years 1 to 9999 (checked just above), the whole seconds print and parse exactly.
    let iat: i64 =
        format!("{:.0}", now.floor()).parse().map_err(|e| Error::Sample(format!("the clock's instant: {e}")))?;
    let claims = json!({
        "iss": "https://id.example.com/", "sub": "248289761001", "aud": "s6BhdRkqt3",
        "nonce": "n-0S6_WzA2Mj", "iat": iat, "auth_time": iat - 10, "exp": iat + FRESH_LIFETIME,
        "name": "Jane Doe", "email": "janedoe@example.com", "email_verified": true, "amr": ["pwd", "otp"]
    });
    let header = json!({"typ": "JWT", "kid": "sample-rsa-2048"});
    let (Some(claims), Some(header)) = (claims.as_object(), header.as_object()) else {
        return Err(Error::Sample("the example's JSON is not an object".into()));
    };
    let key = keys::load(SAMPLE_RSA_PRIVATE.as_bytes(), "sample RSA key")?
        .into_iter()
        .next()
        .ok_or_else(|| Error::Sample("the sample RSA key file holds no key".into()))?;
    sign::sign(&JsonObject::clone(header), claims, "RS256", &key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::audit::TokenAuditOptions;
    use crate::core::engine::judgment::judge;
    use crate::core::engine::verify::Policy;

    /// The example verifies with the sample JWKS and is valid without any concern: green.
    #[test]
    fn the_fresh_example_is_valid_and_uncautioned() {
        let now = 1_800_000_000.0;
        let t = crate::core::engine::token::parse(&fresh_id_token(now).unwrap()).unwrap();
        let jwks =
            keys::load(include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/keys/sample-jwks.json")), "jwks")
                .unwrap();
        let opts = TokenAuditOptions { keys: &jwks, now: now + 60.0, ..TokenAuditOptions::default() };
        let j = judge(&t, &Policy::default(), &opts).unwrap();
        assert!(j.verification.valid, "{}", j.summary());
        assert!(!j.cautioned(), "{:?}", j.findings);
        let j = judge(&t, &Policy::default(), &TokenAuditOptions { now: now + 901.0, ..opts }).unwrap();
        assert_eq!(j.verification.headline(), "EXPIRED");
    }
}
