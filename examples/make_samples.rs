//! Regenerates `assets/samples/*.jwt` from the sample keys, and `assets/keys/sample-jwks.json`
//! (their public keys with the kids the samples name): `cargo run --example make_samples`.
//! ES256 signatures are randomised, so the expired sample's signature changes on each run.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::json;
use tokenbench::core::engine::keys::{self, SecretEncoding};
use tokenbench::core::engine::sign::sign;
use tokenbench::core::engine::token::{JsonObject, encode_b64url};

fn obj(v: serde_json::Value) -> JsonObject {
    match v {
        serde_json::Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let key = |name: &str| keys::load_file(&root.join("assets/keys").join(name)).unwrap().remove(0);
    let out = root.join("assets/samples");
    let write = |name: &str, token: &str| std::fs::write(out.join(name), format!("{token}\n")).unwrap();

    // An OpenID Connect ID token, RS256, valid until 2036.
    let id_token = obj(json!({
        "iss": "https://id.example.com/", "sub": "248289761001", "aud": "s6BhdRkqt3",
        "nonce": "n-0S6_WzA2Mj", "iat": 1_767_225_600, "auth_time": 1_767_225_590, "exp": 2_082_758_400,
        "name": "Jane Doe", "email": "janedoe@example.com", "email_verified": true, "amr": ["pwd", "otp"]
    }));
    let h = obj(json!({"typ": "JWT", "kid": "sample-rsa-2048"}));
    write("01-oidc-id-token-rs256.jwt", &sign(&h, &id_token, "RS256", &key("rsa2048-pkcs8.pem")).unwrap());

    // An OAuth access token (RFC 9068), ES256, expired one hour after issue in 2024.
    let at = obj(json!({
        "iss": "https://auth.example.com", "sub": "5ba552d67", "aud": "https://api.example.com",
        "client_id": "s6BhdRkqt3", "scope": "read:orders write:orders", "jti": "dbe39bf3a3ba4238a513f51d6e1691c4",
        "iat": 1_717_200_000, "nbf": 1_717_200_000, "exp": 1_717_203_600
    }));
    let h = obj(json!({"typ": "at+jwt", "kid": "sample-p256"}));
    write("02-expired-access-token-es256.jwt", &sign(&h, &at, "ES256", &key("ec-p256-pkcs8.pem")).unwrap());

    // jwt.io's HS256 example; secret "a-string-secret-at-least-256-bits-long".
    let secret = keys::load_secret(b"a-string-secret-at-least-256-bits-long", SecretEncoding::Utf8, "jwt.io").unwrap();
    let jwtio = obj(json!({"sub": "1234567890", "name": "John Doe", "admin": true, "iat": 1_516_239_022}));
    write("03-jwt-io-hs256.jwt", &sign(&obj(json!({"typ": "JWT"})), &jwtio, "HS256", &secret).unwrap());

    // EdDSA, no expiry.
    let ed = obj(json!({"iss": "https://edge.example.org", "sub": "device-7", "iat": 1_767_225_600}));
    let h = obj(json!({"typ": "JWT", "kid": "sample-ed25519"}));
    write("04-eddsa.jwt", &sign(&h, &ed, "EdDSA", &key("ed25519-pkcs8.pem")).unwrap());

    // An unsecured token: alg none, which is never valid.
    let none = format!(
        "{}.{}.",
        encode_b64url(br#"{"alg":"none","typ":"JWT"}"#),
        encode_b64url(br#"{"sub":"admin","role":"superuser"}"#)
    );
    write("05-alg-none.jwt", &none);

    // Algorithm confusion: HS256 "signed" with the RSA public key's PEM as the secret.
    let pem = std::fs::read(root.join("assets/keys/rsa2048-spki.pem")).unwrap();
    let forged_key = keys::load_secret(&pem, SecretEncoding::Raw, "public key PEM").unwrap();
    let h = obj(json!({"typ": "JWT", "kid": "sample-rsa-2048"}));
    let claims = obj(json!({"sub": "248289761001", "role": "admin", "iat": 1_767_225_600}));
    write("06-algorithm-confusion-hs256.jwt", &sign(&h, &claims, "HS256", &forged_key).unwrap());

    // A compact JWE (RFC 7516 appendix A.2): only its header can be read.
    write(
        "07-jwe-rfc7516.jwt",
        "eyJhbGciOiJSU0ExXzUiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.UGhIOguC7IuEvf_NPVaXsGMoLOmwvc1GyqlIKOK1nN94nHPoltGRhWhw7Zx0-kFm1NJn8LE9XShH59_i8J0PH5ZZyNfGy2xGdULU7sHNF6Gp2vPLgNZ__deLKxGHZ7PcHALUzoOegEI-8E66jX2E4zyJKx-YxzZIItRzC5hlRirb6Y5Cl_p-ko3YvkkysZIFNPccxRU7qve1WYPxqbb2Yw8kZqa2rMWI5ng8OtvzlV7elprCbuPhcCdZ6XDP0_F8rkXds2vE4X-ncOIM8hAYHHi29NX0mcKiRaD0-D-ljQTP-cFPgwCp6X-nZZd9OHBv-B3oWh2TbqmScqXMR4gp_A.AxY8DCtDaGlsbGljb3RoZQ.KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY.9hH0vgRfYgPnAHOd8stkvw",
    );
    // The public keys as a JWKS a server would publish: each with the kid the samples use.
    let jwks: Vec<serde_json::Value> = [
        ("rsa2048-spki.pem", "sample-rsa-2048", "RS256"),
        ("ec-p256-spki.pem", "sample-p256", "ES256"),
        ("ed25519-spki.pem", "sample-ed25519", "EdDSA"),
    ]
    .into_iter()
    .map(|(file, kid, alg)| {
        let mut jwk = key(file).public_jwk();
        jwk.insert("kid".into(), json!(kid));
        jwk.insert("alg".into(), json!(alg));
        jwk.insert("use".into(), json!("sig"));
        serde_json::Value::Object(jwk)
    })
    .collect();
    let text = serde_json::to_string_pretty(&json!({ "keys": jwks })).unwrap();
    std::fs::write(root.join("assets/keys/sample-jwks.json"), format!("{text}\n")).unwrap();
    println!("wrote {} and assets/keys/sample-jwks.json", out.display());
}
