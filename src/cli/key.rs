//! `tokenbench key inspect`: what the key store sees in a file.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{out, out_json};
use crate::core::engine::clock::format_utc;
use crate::core::engine::error::Error;
use crate::core::engine::keys::{self, Key};
use crate::core::text::visible;

/// The `key inspect --json` description of one key.
#[must_use]
pub fn key_json(key: &Key) -> Value {
    json!({
        "source": key.source,
        "format": key.format,
        "kind": key.material.describe(),
        "kty": key.material.kty(),
        "private": key.private.is_some(),
        "kid": key.kid,
        "alg": key.alg,
        "use": key.key_use,
        "key_ops": key.key_ops,
        "thumbprint": key.thumbprint,
        "algorithms": key.material.algorithms(),
        "certificate": key.certificate,
        "warnings": key.warnings,
        "public_jwk": if matches!(key.material, keys::KeyMaterial::Oct { .. }) { Value::Null } else { Value::Object(key.public_jwk()) },
    })
}

pub(super) fn inspect(path: &std::path::Path, as_json: bool) -> Result<u8, Error> {
    let keys = keys::load_file(path)?;
    if as_json {
        out_json(&Value::Array(keys.iter().map(key_json).collect()));
        return Ok(0);
    }
    let mut s = String::new();
    for key in &keys {
        let _ = writeln!(s, "{}: {}", visible(&key.source), visible(&key.format));
        let _ = writeln!(s, "  kind        {}", key.material.describe());
        let private = if key.private.is_some() { "yes (held in memory only)" } else { "no" };
        let _ = writeln!(s, "  private     {private}");
        for (label, value) in [("kid", &key.kid), ("alg", &key.alg), ("use", &key.key_use)] {
            if let Some(v) = value {
                let _ = writeln!(s, "  {label:<11} {}", visible(v));
            }
        }
        if let Some(ops) = &key.key_ops {
            let ops: Vec<_> = ops.iter().map(|o| visible(o)).collect();
            let _ = writeln!(s, "  key_ops     {}", ops.join(", "));
        }
        let _ = writeln!(s, "  thumbprint  {} (RFC 7638, SHA-256)", key.thumbprint);
        let verifies = key.material.algorithms();
        if verifies.is_empty() {
            let _ = writeln!(s, "  verifies    nothing (a key-agreement key: it decrypts JWEs with ECDH-ES)");
        } else {
            let _ = writeln!(s, "  verifies    {}", verifies.join(" "));
        }
        if let Some(cert) = &key.certificate {
            let _ = writeln!(s, "  subject     {}\n  issuer      {}", visible(&cert.subject), visible(&cert.issuer));
            let (from, to) = (cert.not_before as f64, cert.not_after as f64);
            let _ =
                writeln!(s, "  valid       {} to {}\n  serial      {}", format_utc(from), format_utc(to), cert.serial);
            if !cert.chain.is_empty() {
                let chain: Vec<_> = cert.chain.iter().map(|c| visible(c)).collect();
                let _ = writeln!(
                    s,
                    "  chain       {} (issuers up to the root; their keys are not loaded)",
                    chain.join(" <- ")
                );
            }
        }
        for w in &key.warnings {
            let _ = writeln!(s, "  warning     {}", visible(w));
        }
        s.push('\n');
    }
    out(&s);
    Ok(0)
}
