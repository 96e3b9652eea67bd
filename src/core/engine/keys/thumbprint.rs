//! RFC 7638 JWK thumbprints: SHA-256 over the required members in lexicographic order.

use sha2::{Digest, Sha256};

use super::KeyMaterial;
use crate::core::engine::token::encode_b64url;

impl KeyMaterial {
    /// The RFC 7638 JWK thumbprint (SHA-256, base64url).
    #[must_use]
    pub fn thumbprint(&self) -> String {
        // Required members only, in lexicographic order, no whitespace (RFC 7638 §3.2).
        let canonical = match self {
            Self::Rsa { n, e } => {
                format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, encode_b64url(e), encode_b64url(n))
            }
            Self::Ec { curve, x, y } => format!(
                r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
                curve.name(),
                encode_b64url(x),
                encode_b64url(y)
            ),
            Self::Ed25519 { x } => format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, encode_b64url(x)),
            Self::X25519 { x } => format!(r#"{{"crv":"X25519","kty":"OKP","x":"{}"}}"#, encode_b64url(x)),
            Self::Oct { k } => format!(r#"{{"k":"{}","kty":"oct"}}"#, encode_b64url(k)),
        };
        encode_b64url(&Sha256::digest(canonical.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::jwk::from_jwk;
    use serde_json::{Map, Value};

    #[test]
    fn rfc7638_thumbprint_example() {
        // RFC 7638 §3.1.
        let jwk: Map<String, Value> = serde_json::from_str(r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#).unwrap();
        let key = from_jwk(&jwk, "rfc7638", "JWK").unwrap();
        assert_eq!(key.thumbprint, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
        assert_eq!(key.kid.as_deref(), Some("2011-04-29"));
    }
}
