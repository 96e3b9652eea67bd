//! A folder of logs generated for the Leaks tab's tests: a live token, an expired one (both
//! signed here with the project's `sign`), the live one again in a gzip-rotated log, and a
//! look-alike (a header without `alg`) that is no finding; and a second folder with a token of
//! each status the tab can meet without keys, long cells and a token in many places.

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

/// The folder of [`statuses`] and what it holds.
pub struct Statuses {
    /// The folder.
    pub dir: PathBuf,
    /// Live at [`AT`], in [`MANY`] places of `many.log`.
    pub many: String,
    /// `alg: none`, within its lifetime: UNSIGNED.
    pub unsigned: String,
    /// HS256 with `"exp": "tomorrow"`: exp not a number.
    pub not_a_number: String,
    /// Live, with an `alg` of 300 characters, an `iss` of 400 and a `sub` of 300.
    pub long: String,
}

/// How many places [`Statuses::many`] has.
pub const MANY: usize = 12;

/// Writes a folder with a token of each status the tab meets without keys (live, unsigned, exp
/// not a number), long cells, and a token in [`MANY`] places.
pub fn statuses(name: &str) -> Statuses {
    let dir = std::env::temp_dir().join(format!("tokenbench-leaks-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let many = signed("https://many.example", "carol", 1_700_003_600);
    let unsigned = format!(
        "{}.{}.",
        b64(br#"{"alg":"none","typ":"JWT"}"#),
        b64(json!({ "iss": "https://none.example", "sub": "dan", "exp": 1_700_003_600 }).to_string().as_bytes())
    );
    let key = load_secret(b"a leaks tab test secret, 32 bytes", SecretEncoding::Utf8, "test").unwrap();
    let (serde_json::Value::Object(claims), serde_json::Value::Object(header)) =
        (json!({ "iss": "https://nan.example", "sub": "erin", "exp": "tomorrow" }), json!({ "typ": "JWT" }))
    else {
        unreachable!()
    };
    let not_a_number = sign(&header, &claims, "HS256", &key).unwrap();
    let long_claims = json!({
        "iss": format!("https://{}.example", "very-long-issuer-name".repeat(19)),
        "sub": "s".repeat(300),
        "exp": 1_700_003_600,
    });
    let long = format!(
        "{}.{}.{}",
        b64(json!({ "alg": "A".repeat(300), "typ": "JWT" }).to_string().as_bytes()),
        b64(long_claims.to_string().as_bytes()),
        b64(&[9u8; 32])
    );
    let lines = (0..MANY).fold(String::new(), |mut lines, i| {
        use std::fmt::Write as _;
        let _ = writeln!(lines, "GET /r{i}?access_token={many} HTTP/1.1");
        lines
    });
    std::fs::write(dir.join("many.log"), lines).unwrap();
    std::fs::write(
        dir.join("other.log"),
        format!(
            "Authorization: Bearer {unsigned}\nAuthorization: Bearer {not_a_number}\nAuthorization: Bearer {long}\n"
        ),
    )
    .unwrap();
    Statuses { dir, many, unsigned, not_a_number, long }
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// `path` as the scan shows it.
pub fn shown(path: &Path) -> String {
    path.display().to_string()
}
