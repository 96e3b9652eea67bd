//! A folder of logs generated for the Leaks tab's tests: a live token, an expired one (both
//! signed here with the project's `sign`), the live one again in a gzip-rotated log, and a
//! look-alike (a header without `alg`) that is no finding.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::core::engine::keys::{SecretEncoding, load_secret};
use crate::core::engine::sign::sign;

/// The instant the tests judge at: 2023-11-14 22:13:20 UTC.
pub const AT: f64 = 1_700_000_000.0;

/// The generated folder and what it holds.
pub struct Corpus {
    /// The folder.
    pub dir: PathBuf,
    /// Live at [`AT`] (expires an hour later), issued by `https://live.example`.
    pub live: String,
    /// Expired at [`AT`] (an hour before), issued by `https://old.example`.
    pub expired: String,
}

fn signed(iss: &str, sub: &str, exp: i64) -> String {
    let key = load_secret(b"a leaks tab test secret, 32 bytes", SecretEncoding::Utf8, "test").unwrap();
    let claims = json!({ "iss": iss, "sub": sub, "iat": exp - 3600, "exp": exp });
    let (serde_json::Value::Object(claims), serde_json::Value::Object(header)) = (claims, json!({ "typ": "JWT" }))
    else {
        unreachable!()
    };
    sign(&header, &claims, "HS256", &key).unwrap()
}

/// Writes the corpus into a fresh temporary folder named after `name`.
pub fn corpus(name: &str) -> Corpus {
    let dir = std::env::temp_dir().join(format!("tokenbench-leaks-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rotated")).unwrap();
    let live = signed("https://live.example", "alice", 1_700_003_600);
    let expired = signed("https://old.example", "bob", 1_699_996_400);
    let no_alg = format!("{}.{}.{}", b64(br#"{"typ":"JWT"}"#), b64(br#"{"sub":"lookalike"}"#), b64(&[7u8; 32]));
    std::fs::write(
        dir.join("access.log"),
        format!(
            "127.0.0.1 - - \"GET /a?access_token={expired} HTTP/1.1\" 200\n\
             127.0.0.1 - - \"GET /b HTTP/1.1\" 200\nAuthorization: Bearer {live}\nnot a token: {no_alg}\n"
        ),
    )
    .unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(format!("{{\"token\":\"{live}\"}}\n").as_bytes()).unwrap();
    std::fs::write(dir.join("rotated/app.log.1.gz"), gz.finish().unwrap()).unwrap();
    Corpus { dir, live, expired }
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// `path` as the scan shows it.
pub fn shown(path: &Path) -> String {
    path.display().to_string()
}
