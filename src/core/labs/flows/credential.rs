//! The JWT a flow carries and what it costs on this machine, measured in this run: one
//! verification with the real verifier ([`crate::core::engine::verify::verify`]) and the key that
//! verifies it, one signature, and one round trip of an in-process session store.
//!
//! The credential is the user's own when there is one: their token verified by their key; else
//! their token's claims signed with their key; else their claims (or a typical OIDC access
//! token's) signed RS256 with the bundled throw-away RSA 2048 key, so a run without input is
//! byte-for-byte reproducible.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::core::engine::error::{Error, Result};
use crate::core::engine::keys::{self, Key};
use crate::core::engine::sign;
use crate::core::engine::token::{self, JsonObject, Kind, Serialization, Token};
use crate::core::engine::verify::{self, Policy};
use crate::core::labs::revocation::TokenLifetime;

/// The `kid` of the typical token's header.
pub const TYPICAL_KID: &str = "tokenbench-demo-rsa-2048";
/// The typical token's lifetime (`exp - iat`), seconds: a common access-token lifetime.
pub const TYPICAL_LIFETIME: i64 = 900;
/// The typical token's length in bytes, for any `iat` of 10 digits (2001 to 2286). RS256 with a
/// 2048-bit key gives a 256-byte signature (342 base64url characters) whatever is signed.
pub const TYPICAL_TOKEN_BYTES: usize = 812;

/// The bundled throw-away RSA 2048 key (assets/keys/rsa2048-pkcs8.pem): public, never for real use.
const DEMO_KEY_PEM: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/keys/rsa2048-pkcs8.pem"));

/// The typical token's header: `{"alg":"RS256","typ":"at+jwt","kid":…}` (RFC 9068 access token).
#[must_use]
pub fn typical_header() -> JsonObject {
    object(json!({"typ": "at+jwt", "kid": TYPICAL_KID}))
}

/// The typical token's claims: an OpenID Connect access token as issuers commonly shape it
/// (RFC 9068): `iss`, `sub`, `aud`, `client_id`, `scope`, `iat`, `nbf`, `exp` (`iat` + 900 s),
/// `auth_time`, `jti`.
#[must_use]
pub fn typical_claims(iat: i64) -> JsonObject {
    object(json!({
        "iss": "https://auth.example.com/",
        "sub": "248289761001",
        "aud": "https://api.example.com",
        "client_id": "s6BhdRkqt3",
        "scope": "openid profile email orders:read orders:write",
        "iat": iat,
        "nbf": iat,
        "exp": iat + TYPICAL_LIFETIME,
        "auth_time": iat,
        "jti": "3f2c9a8e-6b1d-4e07-9a5c-0d8e4b7f1a26",
    }))
}

fn object(v: Value) -> JsonObject {
    match v {
        Value::Object(m) => m,
        _ => JsonObject::new(),
    }
}

/// The bundled RSA 2048 demo key (private part included).
///
/// # Errors
/// Never in practice: the key is compiled in; an error would mean the key store broke.
pub fn demo_key() -> Result<Key> {
    let mut key = keys::load(DEMO_KEY_PEM.as_bytes(), "bundled demo key (RSA 2048)")?
        .into_iter()
        .next()
        .ok_or_else(|| Error::Sign("the bundled demo key did not load".into()))?;
    key.kid = Some(TYPICAL_KID.into());
    Ok(key)
}

/// The demo key's public half as PEM: the key that verifies the typical token, and the public
/// key an algorithm-confusion attack on it misuses.
///
/// # Errors
/// As [`demo_key`].
pub fn demo_public_pem() -> Result<String> {
    sign::export(&demo_key()?, sign::ExportFormat::Pem, false)
}

/// The typical access token issued at `iat`, signed RS256 with the demo key. PKCS#1 v1.5
/// signatures are deterministic: the same `iat` gives the same token.
///
/// # Errors
/// As [`demo_key`].
pub fn typical_token(iat: i64) -> Result<String> {
    sign::sign(&typical_header(), &typical_claims(iat), "RS256", &demo_key()?)
}

/// Where the flow's JWT came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The loaded token, verified by a loaded key.
    YourToken {
        /// The key that verifies it.
        key: String,
    },
    /// The loaded token's claims, signed with a loaded key that can sign.
    YourClaimsYourKey {
        /// The key that signed them.
        key: String,
    },
    /// The loaded token's claims, signed RS256 with the demo key (no loaded key can sign or
    /// verify them).
    YourClaimsDemoKey,
    /// The typical access token (nothing usable is loaded).
    Typical,
}

impl Source {
    /// One line for the view.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::YourToken { key } => format!("your token, verified with {key}"),
            Self::YourClaimsYourKey { key } => format!("your token's claims, signed with {key}"),
            Self::YourClaimsDemoKey => {
                "your token's claims, signed RS256 with the bundled demo key (no loaded key verifies or signs them)"
                    .into()
            }
            Self::Typical => "a typical OIDC access token (2048-bit demo key)".into(),
        }
    }
}

/// Why a loaded token cannot be the flows' credential (the typical token stands in), as the end
/// of "since your token …".
#[must_use]
pub fn unusable_reason(t: &Token) -> &'static str {
    if t.kind == Kind::Jwe {
        "is encrypted (JWE): its claims cannot be read without the key"
    } else if t.serialization != Serialization::Compact {
        "is in the JWS JSON serialization, which no request header carries"
    } else {
        "carries no JWT claims (its payload is not a JSON object)"
    }
}

/// The JWT a flow carries, with the key that verifies it.
#[derive(Debug, Clone)]
pub struct Credential {
    /// The compact token.
    pub token: String,
    /// Its `alg`.
    pub alg: String,
    /// Its `jti`, or a stand-in for the denylist key.
    pub jti: String,
    /// Its lifetime, by the rule every lab uses ([`TokenLifetime`]).
    pub lifetime: TokenLifetime,
    /// Where it came from.
    pub source: Source,
    /// The key that verifies it (and, when it can, signs).
    pub key: Key,
}

impl Credential {
    /// The typical token issued at `iat` with the demo key.
    ///
    /// # Errors
    /// As [`typical_token`].
    pub fn typical(iat: i64) -> Result<Self> {
        Self::from_signed(&typical_token(iat)?, demo_key()?, Source::Typical)
    }

    /// The best credential the loaded token and keys allow (see the module docs).
    ///
    /// # Errors
    /// When signing fails (a key the store accepted but the signer does not).
    pub fn choose(loaded: Option<&Token>, keys: &[Key], now: f64, iat: i64) -> Result<Self> {
        let usable = loaded.filter(|t| t.kind == Kind::Jws && t.serialization == Serialization::Compact);
        let Some((t, claims)) = usable.and_then(|t| t.claims().map(|c| (t, c))) else {
            return Self::typical(iat);
        };
        let verdict = verify::verify(t, keys, &Policy::default(), now);
        if let Some(k) = verdict.matched_key.and_then(|i| keys.get(i)) {
            return Self::from_signed(&t.text, k.clone(), Source::YourToken { key: k.label() });
        }
        let mut header = t.header().clone();
        header.remove("alg");
        // A key-agreement key (X25519) has a private part but signs nothing.
        let signer =
            keys.iter().find(|k| (k.is_secret() || k.private.is_some()) && !k.material.algorithms().is_empty());
        if let Some(k) = signer {
            let alg = t
                .alg()
                .filter(|a| k.material.algorithms().contains(a))
                .or_else(|| k.material.algorithms().first().copied())
                .unwrap_or("RS256");
            let resigned = sign::sign(&header, claims, alg, k)?;
            return Self::from_signed(&resigned, k.clone(), Source::YourClaimsYourKey { key: k.label() });
        }
        header.insert("kid".into(), TYPICAL_KID.into());
        let with_demo = sign::sign(&header, claims, "RS256", &demo_key()?)?;
        Self::from_signed(&with_demo, demo_key()?, Source::YourClaimsDemoKey)
    }

    fn from_signed(text: &str, key: Key, source: Source) -> Result<Self> {
        let parsed = token::parse(text)?;
        let claims = parsed.claims();
        let lifetime = TokenLifetime::of(&parsed);
        let jti = claims.and_then(|c| c.get("jti")).and_then(Value::as_str).unwrap_or("<jti>").to_owned();
        let alg = parsed.alg().unwrap_or("?").to_owned();
        Ok(Self { token: parsed.text, alg, jti, lifetime, source, key })
    }

    /// The token's length in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.token.len()
    }

    /// Never true: a credential always holds a token.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.token.is_empty()
    }
}

/// What one operation costs on this machine, measured in this run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// One verification with the real verifier (signature and every claim check).
    pub verify: Duration,
    /// One signature with the credential's key, when it holds a private part.
    pub sign: Option<Duration>,
    /// One lookup in an in-process session store holding the run's sessions.
    pub lookup: Duration,
    /// Whether the credential verifies as valid at the measuring instant (an expired token
    /// costs the same to check, but a server would refuse it).
    pub valid: bool,
}

/// What a run's totals cost with the measured operations and a network latency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// CPU: verifications, in-process lookups, signatures.
    pub cpu: Duration,
    /// Waiting on the network: one round trip per remote lookup, two more per new store
    /// connection (TCP and TLS 1.3 handshakes).
    pub network: Duration,
}

impl Measured {
    /// The cost of `totals` with these measurements and a store round trip of `latency_ms`.
    #[must_use]
    pub fn estimate(&self, totals: &crate::core::labs::flows::Totals, latency_ms: f64) -> Estimate {
        let times = |d: Duration, n: u64| d.as_secs_f64() * n as f64;
        let cpu = times(self.verify, totals.signature_verifications)
            + times(self.lookup, totals.store_lookups)
            + self.sign.map_or(0.0, |s| times(s, totals.tokens_signed));
        Estimate {
            cpu: Duration::try_from_secs_f64(cpu).unwrap_or(Duration::MAX),
            network: network_wait(totals, latency_ms),
        }
    }
}

/// What `totals` wait on the network with a store round trip of `latency_ms`: one round trip
/// per remote lookup, two more per new store connection (TCP and TLS 1.3 handshakes). Counted,
/// not measured: the same for every run of the same totals.
#[must_use]
pub fn network_wait(totals: &crate::core::labs::flows::Totals, latency_ms: f64) -> Duration {
    let round_trips = totals.remote_lookups as f64 + 2.0 * totals.store_connections as f64;
    Duration::try_from_secs_f64(round_trips * latency_ms.max(0.0) / 1000.0).unwrap_or(Duration::MAX)
}

/// What one request costs on average: the verifications, lookups and round trips of a run's
/// requests, the signatures made at its logins left out (a login is not a request). The Flows
/// lab's per-request figures and the Compare tab's both come from here.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerRequest {
    /// CPU: verifications and in-process lookups.
    pub cpu: Duration,
    /// Waiting on the network: round trips to a remote store, handshakes.
    pub network: Duration,
}

impl PerRequest {
    /// CPU and network together.
    #[must_use]
    pub fn total(&self) -> Duration {
        self.cpu + self.network
    }
}

impl Measured {
    /// The average cost of one of the run's requests (zero for a run without requests).
    #[must_use]
    pub fn per_request(&self, totals: &crate::core::labs::flows::Totals, latency_ms: f64) -> PerRequest {
        let requests_only = crate::core::labs::flows::Totals { tokens_signed: 0, ..*totals };
        let e = self.estimate(&requests_only, latency_ms);
        let n = totals.requests.max(1) as f64;
        PerRequest { cpu: e.cpu.div_f64(n), network: e.network.div_f64(n) }
    }

    /// The signatures made at the run's logins, when signing was measured.
    #[must_use]
    pub fn logins_cpu(&self, totals: &crate::core::labs::flows::Totals) -> Option<Duration> {
        let n = u32::try_from(totals.tokens_signed).unwrap_or(u32::MAX);
        self.sign.map(|s| s.saturating_mul(n))
    }
}

/// Runs `op` in batches for about `budget` and returns the median time of one run. The clock
/// is read once per chunk of runs (about 20 µs), so it does not inflate fast operations.
pub fn time_per_op(budget: Duration, mut op: impl FnMut()) -> Duration {
    const BATCHES: u32 = 7;
    let first = Instant::now();
    op();
    let once = first.elapsed();
    // A slow operation (a huge token) is timed once rather than holding the window for seconds.
    if once > budget / 4 {
        return once;
    }
    let calibrate = Instant::now();
    let mut n = 0u32;
    while n < 1 || calibrate.elapsed() < Duration::from_micros(200) {
        op();
        n += 1;
    }
    let per_op = (calibrate.elapsed().as_nanos() / u128::from(n)).max(1);
    let chunk = u32::try_from((20_000 / per_op).clamp(1, 100_000)).unwrap_or(1);
    let slice = budget / BATCHES;
    let mut samples = [Duration::ZERO; BATCHES as usize];
    for sample in &mut samples {
        let start = Instant::now();
        let mut runs = 0u32;
        while runs < 2 || start.elapsed() < slice {
            for _ in 0..chunk {
                op();
            }
            runs += chunk;
        }
        *sample = start.elapsed() / runs;
    }
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// Measures one verification of the credential with its key (the real verifier, the default
/// policy, at `now`), one signature when the key can sign, and one in-process store lookup
/// among `sessions` sessions (at most 100,000 are built).
///
/// # Errors
/// When the credential's token does not parse (it always does: it was built by this module).
pub fn measure(cred: &Credential, sessions: u32, now: f64, budget: Duration) -> Result<Measured> {
    let parsed = token::parse(&cred.token)?;
    let keys = std::slice::from_ref(&cred.key);
    let policy = Policy::default();
    let valid = verify::verify(&parsed, keys, &policy, now).valid;
    let verify_time = time_per_op(budget, || {
        black_box(verify::verify(black_box(&parsed), keys, &policy, now));
    });
    let can_sign = cred.key.is_secret() || cred.key.private.is_some();
    let sign_time = if can_sign {
        let header = parsed.header().clone();
        let claims = parsed.claims().cloned().unwrap_or_default();
        Some(time_per_op(budget, || {
            black_box(sign::sign(&header, &claims, &cred.alg, &cred.key).ok());
        }))
    } else {
        None
    };
    Ok(Measured { verify: verify_time, sign: sign_time, lookup: store_lookup_time(sessions, budget), valid })
}

/// One session record as an in-process store keeps it.
#[derive(Debug, Clone, Copy)]
struct Record {
    user: u32,
    expires: i64,
}

/// The median time of one lookup in a `HashMap` of up to 100,000 sessions keyed by their
/// 128-bit ids: what a server's local (or replicated) store costs, before any network.
#[must_use]
pub fn store_lookup_time(sessions: u32, budget: Duration) -> Duration {
    let n = sessions.clamp(1, 100_000);
    let id = |u: u32| -> [u8; 16] {
        let a = crate::core::labs::flows::sequence::splitmix64(u64::from(u) ^ 0xA5A5);
        let b = crate::core::labs::flows::sequence::splitmix64(a);
        let mut k = [0u8; 16];
        k[..8].copy_from_slice(&a.to_le_bytes());
        k[8..].copy_from_slice(&b.to_le_bytes());
        k
    };
    let store: HashMap<[u8; 16], Record> =
        (0..n).map(|u| (id(u), Record { user: u, expires: 1_900_000_000 })).collect();
    let probes: Vec<[u8; 16]> = (0..1024u32).map(|i| id(i.wrapping_mul(2_654_435_761) % n)).collect();
    let mut i = 0usize;
    time_per_op(budget, || {
        let hit = store.get(black_box(&probes[i & 1023])).map(|r| (r.user, r.expires));
        black_box(hit);
        i += 1;
    })
}
