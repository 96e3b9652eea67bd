//! One-line descriptions of registered JWT claims, OpenID Connect standard claims and JOSE
//! header parameters, shown on hover in the decoder and by the CLI.

/// `(name, description, specification)` for claims.
pub const CLAIMS: &[(&str, &str, &str)] = &[
    ("iss", "Issuer: who created and signed this token", "RFC 7519 §4.1.1"),
    ("sub", "Subject: whom the token is about (usually a user id)", "RFC 7519 §4.1.2"),
    ("aud", "Audience: the services this token is meant for", "RFC 7519 §4.1.3"),
    ("exp", "Expiration time: not valid on or after this instant", "RFC 7519 §4.1.4"),
    ("nbf", "Not before: not valid before this instant", "RFC 7519 §4.1.5"),
    ("iat", "Issued at: when the token was created", "RFC 7519 §4.1.6"),
    ("jti", "JWT ID: unique id, used to detect replay and to revoke one token", "RFC 7519 §4.1.7"),
    ("azp", "Authorized party: the client the ID token was issued to", "OpenID Connect Core §2"),
    (
        "nonce",
        "Value from the authentication request, binds the ID token to the client session",
        "OpenID Connect Core §2",
    ),
    ("auth_time", "When the user actually authenticated", "OpenID Connect Core §2"),
    ("acr", "Authentication context class reference: how strongly the user authenticated", "OpenID Connect Core §2"),
    ("amr", "Authentication methods used (pwd, otp, mfa…)", "OpenID Connect Core §2, RFC 8176"),
    ("at_hash", "Hash of the access token issued with this ID token", "OpenID Connect Core §3.1.3.6"),
    ("c_hash", "Hash of the authorization code issued with this ID token", "OpenID Connect Core §3.3.2.11"),
    ("sid", "Session id at the identity provider", "OpenID Connect Front-Channel Logout §3"),
    ("name", "Full name", "OpenID Connect Core §5.1"),
    ("given_name", "Given (first) name", "OpenID Connect Core §5.1"),
    ("family_name", "Family (last) name", "OpenID Connect Core §5.1"),
    ("middle_name", "Middle name", "OpenID Connect Core §5.1"),
    ("nickname", "Casual name", "OpenID Connect Core §5.1"),
    ("preferred_username", "Shorthand name the user prefers; not unique, not stable", "OpenID Connect Core §5.1"),
    ("profile", "URL of the profile page", "OpenID Connect Core §5.1"),
    ("picture", "URL of the profile picture", "OpenID Connect Core §5.1"),
    ("website", "URL of the user's web page or blog", "OpenID Connect Core §5.1"),
    ("email", "E-mail address", "OpenID Connect Core §5.1"),
    ("email_verified", "True when the provider verified the e-mail address", "OpenID Connect Core §5.1"),
    ("gender", "Gender", "OpenID Connect Core §5.1"),
    ("birthdate", "Birthday, YYYY-MM-DD", "OpenID Connect Core §5.1"),
    ("zoneinfo", "Time zone, e.g. Europe/Paris", "OpenID Connect Core §5.1"),
    ("locale", "Locale, e.g. en-US", "OpenID Connect Core §5.1"),
    ("phone_number", "Telephone number", "OpenID Connect Core §5.1"),
    ("phone_number_verified", "True when the provider verified the phone number", "OpenID Connect Core §5.1"),
    ("address", "Postal address (JSON object)", "OpenID Connect Core §5.1.1"),
    ("updated_at", "When the user's information was last updated", "OpenID Connect Core §5.1"),
    ("scope", "Space-separated scopes granted to the client", "RFC 8693 §4.2, RFC 9068 §2.2.3"),
    ("client_id", "The OAuth client the token was issued to", "RFC 8693 §4.3, RFC 9068 §2.2"),
    ("cnf", "Confirmation: the key the presenter must prove possession of", "RFC 7800 §3.1"),
    ("act", "Actor: who acts on behalf of the subject (delegation)", "RFC 8693 §4.1"),
    ("roles", "Roles granted to the subject", "RFC 9068 §2.2.3.1"),
    ("groups", "Groups the subject belongs to", "RFC 9068 §2.2.3.1"),
    ("entitlements", "Individual entitlements of the subject", "RFC 9068 §2.2.3.1"),
];

/// `(name, description, specification)` for JOSE header parameters.
pub const HEADER: &[(&str, &str, &str)] = &[
    ("alg", "Signature (or key management) algorithm", "RFC 7515 §4.1.1"),
    ("typ", "Media type of the whole token, e.g. JWT or at+jwt", "RFC 7515 §4.1.9"),
    ("cty", "Media type of the payload (JWT for nested tokens)", "RFC 7515 §4.1.10"),
    ("kid", "Key id: which of the issuer's keys signed this", "RFC 7515 §4.1.4"),
    ("jku", "URL of a JWK Set; never fetched automatically (trusting it lets anyone sign)", "RFC 7515 §4.1.2"),
    ("jwk", "Embedded public key; never trusted (anyone can embed their own)", "RFC 7515 §4.1.3"),
    ("x5u", "URL of an X.509 chain; never fetched automatically", "RFC 7515 §4.1.5"),
    ("x5c", "X.509 certificate chain", "RFC 7515 §4.1.6"),
    ("x5t", "SHA-1 thumbprint of the certificate", "RFC 7515 §4.1.7"),
    ("x5t#S256", "SHA-256 thumbprint of the certificate", "RFC 7515 §4.1.8"),
    ("crit", "Extensions the recipient must understand or reject the token", "RFC 7515 §4.1.11"),
    ("b64", "false: the payload is not base64url-encoded", "RFC 7797 §3"),
    ("enc", "Content encryption algorithm (JWE)", "RFC 7516 §4.1.2"),
    ("zip", "Compression applied before encryption (JWE)", "RFC 7516 §4.1.3"),
    ("epk", "Ephemeral public key (ECDH-ES key agreement)", "RFC 7518 §4.6.1.1"),
];

/// The description and specification of a claim, if it is a known one.
#[must_use]
pub fn claim(name: &str) -> Option<(&'static str, &'static str)> {
    CLAIMS.iter().find(|(n, _, _)| *n == name).map(|(_, d, s)| (*d, *s))
}

/// The description and specification of a header parameter, if it is a known one.
#[must_use]
pub fn header(name: &str) -> Option<(&'static str, &'static str)> {
    HEADER.iter().find(|(n, _, _)| *n == name).map(|(_, d, s)| (*d, *s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_25_claims_with_unique_names() {
        assert!(CLAIMS.len() >= 25);
        let mut names: Vec<&str> = CLAIMS.iter().map(|c| c.0).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CLAIMS.len());
        assert_eq!(claim("exp").unwrap().1, "RFC 7519 §4.1.4");
        assert!(header("jku").unwrap().0.contains("never fetched"));
        assert!(claim("no-such-claim").is_none());
    }
}
