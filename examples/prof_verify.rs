#![allow(missing_docs, clippy::unwrap_used)]
use serde_json::json;
use tokenbench::core::keys::{self, SecretEncoding};
use tokenbench::core::sign::sign;
use tokenbench::core::token::parse;
use tokenbench::core::verify::{Policy, verify};
fn main() {
    let header = json!({"typ": "JWT", "kid": "bench-key"}).as_object().unwrap().clone();
    let claims = json!({"iss": "https://issuer.example.com/", "sub": "user-8c2f41", "aud": "api.example.com",
        "iat": 1_699_999_900, "nbf": 1_699_999_900, "exp": 1_700_003_500, "jti": "2f1c9a7e-0c55-4d1b-9c1e-7b6f5a1d2e3f",
        "scope": "read:orders write:orders", "email": "user@example.com", "email_verified": true})
    .as_object()
    .unwrap()
    .clone();
    let mut k = keys::load_secret(&[42u8; 32], SecretEncoding::Raw, "bench").unwrap();
    k.kid = Some("bench-key".into());
    let token = sign(&header, &claims, "HS256", &k).unwrap();
    let policy = Policy {
        issuer: Some("https://issuer.example.com/".into()),
        audience: Some("api.example.com".into()),
        leeway: 30,
        ..Policy::default()
    };
    let keys = vec![k];
    let mut n = 0;
    for _ in 0..20000 {
        let t = parse(std::hint::black_box(&token)).unwrap();
        n += usize::from(verify(&t, &keys, &policy, 1_700_000_000.0).valid);
    }
    assert_eq!(n, 20000);
}
