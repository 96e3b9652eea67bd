//! The live servers' token verifier: this project's strict one ([`crate::core::engine::verify`]
//! with the algorithm, issuer and audience pinned), and, only when the user asks with
//! `--accept-attacks`, the exact mistakes of the vulnerable libraries each forgery of
//! [`crate::core::engine::forge`] was made for.
//!
//! Each accepted attack opens exactly one door, the way the library that had it did, so a probe
//! finds exactly the attacks that were switched on: `none` accepts `"alg": "none"` but not
//! `"nOnE"` (the blocklist that missed the case trick is `none-case`), `confusion` keys HMAC with
//! the published public key's bytes, `embedded-jwk` and `jku` verify with the token's own key
//! (a `jku` fetched only from a loopback URL), `kid-traversal` reads the key from the path in
//! `kid` resolved inside a sandbox folder (never the real filesystem), `psychic` takes an
//! all-zero ECDSA signature, `tamper` trusts changed claims under a signature it once issued.

use std::collections::{HashSet, VecDeque};
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;

use super::config::{AUDIENCE, ISSUER};
use crate::core::engine::forge::Attack;
use crate::core::engine::keys::{self, Key};
use crate::core::engine::sign;
use crate::core::engine::token::{self, JsonObject, JwsSignature, Token};
use crate::core::engine::verify::{Policy, verify};

/// Largest JWKS a `jku` fetch reads.
const MAX_JKU_BYTES: u64 = 64 * 1024;

/// Longest wait for a `jku` URL.
const JKU_TIMEOUT: Duration = Duration::from_secs(5);

/// Issued signatures remembered for the `tamper` door.
const ISSUED_REMEMBERED: usize = 100_000;

/// The claims a request is served on.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenClaims {
    /// `sub`: the user.
    pub sub: String,
    /// `jti`, for the denylist.
    pub jti: Option<String>,
    /// `ver`, for the version strategy.
    pub ver: Option<u64>,
    /// `exp`, seconds since the epoch.
    pub exp: f64,
}

/// How a token got in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// The strict verifier accepted it.
    Verified,
    /// A door opened on purpose let this forgery in.
    Forgery(Attack),
}

/// The verifier of one run, shared by its app servers.
pub struct Verifier {
    key: Key,
    alg: &'static str,
    policy: Policy,
    attacks: Vec<Attack>,
    public_forms: Vec<Vec<u8>>,
    sandbox: Option<Sandbox>,
    issued: Mutex<Issued>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier").field("alg", &self.alg).field("attacks", &self.attacks).finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Issued {
    set: HashSet<String>,
    order: VecDeque<String>,
}

impl Verifier {
    /// A verifier for tokens signed by `key`, opening the doors of `attacks`.
    ///
    /// # Errors
    /// When the `kid-traversal` sandbox folder cannot be made.
    pub fn new(key: Key, attacks: &[Attack]) -> Result<Self, String> {
        let alg = sign::default_alg(&key);
        let policy = Policy {
            algorithms: vec![alg.to_owned()],
            issuer: Some(ISSUER.to_owned()),
            audience: vec![AUDIENCE.to_owned()],
            required_claims: vec!["exp".into(), "sub".into()],
            ..Policy::default()
        };
        let mut public_forms: Vec<Vec<u8>> = sign::public_key_forms(&key).into_iter().map(|(_, b)| b).collect();
        if let Ok(jwks) = sign::export(&key, sign::ExportFormat::Jwks, false) {
            public_forms.push(jwks.into_bytes());
        }
        let sandbox = if attacks.contains(&Attack::KidTraversal) { Some(Sandbox::new()?) } else { None };
        Ok(Self {
            key,
            alg,
            policy,
            attacks: attacks.to_vec(),
            public_forms,
            sandbox,
            issued: Mutex::new(Issued::default()),
        })
    }

    /// The signing algorithm.
    #[must_use]
    pub fn alg(&self) -> &'static str {
        self.alg
    }

    /// The signing key.
    #[must_use]
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// The doors open on purpose.
    #[must_use]
    pub fn attacks(&self) -> &[Attack] {
        &self.attacks
    }

    /// True when checking a token may fetch a URL (the `jku` door): the caller runs it off the
    /// async workers.
    #[must_use]
    pub fn may_fetch(&self) -> bool {
        self.attacks.contains(&Attack::Jku)
    }

    /// Remembers a token this server signed (the `tamper` door accepts its signature over
    /// other claims).
    pub fn issued(&self, token: &str) {
        if !self.attacks.contains(&Attack::Tamper) {
            return;
        }
        let Some(sig) = token.rsplit('.').next() else { return };
        let mut issued = self.issued.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if issued.set.insert(sig.to_owned()) {
            issued.order.push_back(sig.to_owned());
            if issued.order.len() > ISSUED_REMEMBERED
                && let Some(old) = issued.order.pop_front()
            {
                issued.set.remove(&old);
            }
        }
    }

    /// Checks a bearer token at `now`: the claims to serve it on and how it got in.
    ///
    /// # Errors
    /// Why it is refused, in words.
    pub fn check(&self, text: &str, now: f64) -> Result<(TokenClaims, Admission), String> {
        let token = token::parse(text).map_err(|e| format!("not a token: {e}"))?;
        let v = verify(&token, std::slice::from_ref(&self.key), &self.policy, now);
        if v.valid {
            return claims_of(&token, now).map(|c| (c, Admission::Verified));
        }
        let strict_reason = v.summary();
        let Some(sig) = token.signatures.first() else { return Err(strict_reason) };
        for attack in &self.attacks {
            if self.door_opens(*attack, &token, sig, now) {
                return claims_of(&token, now).map(|c| (c, Admission::Forgery(*attack)));
            }
        }
        Err(strict_reason)
    }

    fn door_opens(&self, attack: Attack, token: &Token, sig: &JwsSignature, now: f64) -> bool {
        let alg = sig.alg().unwrap_or_default();
        match attack {
            Attack::None => alg == "none" && sig.signature.is_empty(),
            Attack::NoneCase => alg != "none" && alg.eq_ignore_ascii_case("none") && sig.signature.is_empty(),
            Attack::Confusion => self.public_forms.iter().any(|secret| hmac_matches(alg, secret, sig)),
            Attack::KidTraversal => {
                let (Some(sandbox), Some(kid)) = (&self.sandbox, sig.kid()) else { return false };
                sandbox.read(kid).is_some_and(|secret| hmac_matches(alg, &secret, sig))
            }
            Attack::EmbeddedJwk => {
                let Some(jwk @ Value::Object(_)) = sig.param("jwk") else { return false };
                let Ok(bytes) = serde_json::to_vec(jwk) else { return false };
                keys::load(&bytes, "the token's jwk header").is_ok_and(|k| self.loose_valid(token, &k, now))
            }
            Attack::Jku => {
                let Some(Value::String(url)) = sig.param("jku") else { return false };
                fetch_loopback_jwks(url).is_some_and(|k| self.loose_valid(token, &k, now))
            }
            Attack::Psychic => {
                alg.starts_with("ES") && !sig.signature.is_empty() && sig.signature.iter().all(|b| *b == 0)
            }
            Attack::Tamper => {
                alg == self.alg
                    && self
                        .issued
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .set
                        .contains(&sig.signature_b64)
            }
        }
    }

    /// The engine's verification with keys the token chose (the embedded-jwk and jku doors):
    /// any algorithm, the claims still judged.
    fn loose_valid(&self, token: &Token, keys: &[Key], now: f64) -> bool {
        let policy = Policy { algorithms: Vec::new(), ..self.policy.clone() };
        verify(token, keys, &policy, now).valid
    }
}

/// The claims a request is served on, judged again for the forgeries (a vulnerable library
/// skipped the signature, not the expiry).
fn claims_of(token: &Token, now: f64) -> Result<TokenClaims, String> {
    let claims: &JsonObject = token.claims().ok_or("the payload is not a JSON claims set")?;
    let sub = claims.get("sub").and_then(Value::as_str).ok_or("the token has no sub claim")?.to_owned();
    let exp = claims.get("exp").and_then(Value::as_f64).ok_or("the token has no numeric exp claim")?;
    if exp <= now {
        return Err(format!("the token expired {:.0} s ago", now - exp));
    }
    Ok(TokenClaims {
        sub,
        jti: claims.get("jti").and_then(Value::as_str).map(str::to_owned),
        ver: claims.get("ver").and_then(Value::as_u64),
        exp,
    })
}

/// True when `sig` is the HMAC of its signing input under `secret` with `alg`'s hash.
fn hmac_matches(alg: &str, secret: &[u8], sig: &JwsSignature) -> bool {
    let algorithm = match alg {
        "HS256" => aws_lc_rs::hmac::HMAC_SHA256,
        "HS384" => aws_lc_rs::hmac::HMAC_SHA384,
        "HS512" => aws_lc_rs::hmac::HMAC_SHA512,
        _ => return false,
    };
    let key = aws_lc_rs::hmac::Key::new(algorithm, secret);
    aws_lc_rs::hmac::verify(&key, sig.signing_input(), &sig.signature).is_ok()
}

/// The URL to fetch for a `jku`, when it is loopback HTTP: `http://127.0.0.1:PORT/…`,
/// `http://[::1]:PORT/…` or `http://localhost:PORT/…` (sent to 127.0.0.1, so no resolver can
/// take it off the machine). Anything else is never fetched.
#[must_use]
pub fn loopback_jku(url: &str) -> Option<String> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    if authority.contains('@') {
        return None;
    }
    // "[::1]:9" splits at its last colon; a bare "[::1]" has no port and is refused below
    // (its last colon is inside the brackets).
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if let Some(p) = port
        && !p.parse::<u16>().is_ok_and(|p| p != 0)
    {
        return None;
    }
    let host = match host {
        "127.0.0.1" | "[::1]" => host,
        h if h.eq_ignore_ascii_case("localhost") => "127.0.0.1",
        _ => return None,
    };
    Some(match port {
        Some(p) => format!("http://{host}:{p}{path}"),
        None => format!("http://{host}{path}"),
    })
}

fn fetch_loopback_jwks(url: &str) -> Option<Vec<Key>> {
    let url = loopback_jku(url)?;
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(JKU_TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .new_agent();
    let response = agent.get(&url).call().ok()?;
    if !response.status().is_success() {
        return None;
    }
    let mut body = Vec::new();
    response.into_body().into_reader().take(MAX_JKU_BYTES + 1).read_to_end(&mut body).ok()?;
    if body.len() as u64 > MAX_JKU_BYTES {
        return None;
    }
    keys::load(&body, "the token's jku").ok()
}

/// The `kid-traversal` door's filesystem: a fresh temporary folder holding `keys/` (where a
/// vulnerable server looks a kid up) and an empty `dev/null`. A kid is resolved as a path from
/// `keys/` with `..` stopping at the folder's root, like a chroot: the forgery's
/// `../../../../../../dev/null` lands on the sandbox's empty file, never the machine's.
struct Sandbox {
    root: PathBuf,
}

/// Largest key file the sandbox reads.
const MAX_SANDBOX_FILE: u64 = 64 * 1024;

impl Sandbox {
    fn new() -> Result<Self, String> {
        let mut tag = [0u8; 8];
        getrandom::fill(&mut tag).map_err(|e| format!("kid-traversal sandbox: no randomness: {e}"))?;
        let name = format!("tokenbench-kid-sandbox-{}", token::encode_b64url(&tag));
        let root = std::env::temp_dir().join(name);
        let made = std::fs::create_dir_all(root.join("keys"))
            .and_then(|()| std::fs::create_dir_all(root.join("dev")))
            .and_then(|()| std::fs::write(root.join("dev/null"), b""));
        made.map_err(|e| format!("kid-traversal sandbox {}: {e}", root.display()))?;
        Ok(Self { root })
    }

    /// The path `kid` names from `keys/`, clamped inside the sandbox.
    fn resolve(&self, kid: &str) -> PathBuf {
        let mut parts: Vec<&std::ffi::OsStr> = vec!["keys".as_ref()];
        for c in Path::new(kid).components() {
            match c {
                Component::Normal(p) => parts.push(p),
                Component::ParentDir => {
                    parts.pop();
                }
                Component::RootDir => parts.clear(),
                Component::CurDir | Component::Prefix(_) => {}
            }
        }
        let mut path = self.root.clone();
        path.extend(parts);
        path
    }

    /// The file's bytes, when the kid names a regular file in the sandbox (never a link).
    fn read(&self, kid: &str) -> Option<Vec<u8>> {
        let path = self.resolve(kid);
        if !path.starts_with(&self.root) {
            return None;
        }
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if !meta.file_type().is_file() || meta.len() > MAX_SANDBOX_FILE {
            return None;
        }
        std::fs::read(&path).ok()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_jku_urls_are_fetched() {
        assert_eq!(loopback_jku("http://127.0.0.1:8080/jwks.json").as_deref(), Some("http://127.0.0.1:8080/jwks.json"));
        assert_eq!(loopback_jku("http://[::1]:9/k").as_deref(), Some("http://[::1]:9/k"));
        assert_eq!(loopback_jku("http://localhost:9/k").as_deref(), Some("http://127.0.0.1:9/k"));
        for bad in [
            "https://attacker.invalid/jwks.json",
            "http://127.0.0.1.attacker.invalid/k",
            "http://user@127.0.0.1:9/k",
            "http://10.0.0.1:9/k",
            "http://127.0.0.1:0/k",
            "http://127.0.0.1:99999/k",
            "file:///etc/passwd",
        ] {
            assert_eq!(loopback_jku(bad), None, "{bad}");
        }
    }

    #[test]
    fn kid_paths_stay_inside_the_sandbox() {
        let sandbox = Sandbox::new().unwrap();
        assert_eq!(sandbox.resolve(crate::core::engine::forge::TRAVERSAL_KID), sandbox.root.join("dev/null"));
        assert_eq!(sandbox.resolve("/etc/passwd"), sandbox.root.join("etc/passwd"));
        assert_eq!(sandbox.read(crate::core::engine::forge::TRAVERSAL_KID), Some(Vec::new()));
        assert_eq!(sandbox.read("../../../../etc/passwd"), None, "the real /etc/passwd is never read");
        let root = sandbox.root.clone();
        drop(sandbox);
        assert!(!root.exists(), "the sandbox is removed with its verifier");
    }
}
