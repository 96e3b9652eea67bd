//! The `tokenbench` command line: `decode`, `verify` and `key inspect` over the core engine.
//!
//! Exit codes are a contract scripts depend on: 0 valid (or decoded), 1 invalid token,
//! 2 unusable input (malformed token, unreadable key, bad arguments).

use std::fmt::Write as _;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde_json::{Value, json};

use crate::core::clock::{format_relative, format_utc, system_now};
use crate::core::error::Error;
use crate::core::keys::{self, Key, SecretEncoding};
use crate::core::token::{self, Kind, Token};
use crate::core::verify::{self, CheckStatus, Outcome, Policy, Verification};

/// Token Workbench: decode, verify and study JWTs. With no subcommand, opens the desktop app.
#[derive(Debug, Parser)]
#[command(name = "tokenbench", version, about, long_about = None)]
pub struct Cli {
    /// What to do; omit to open the desktop window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show a token's header, claims (with human times) and signature.
    Decode {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// The token, `-` for stdin, or `@FILE`.
        token: String,
    },
    /// Verify a token's signature and claims; exit 0 valid, 1 invalid, 2 unusable input.
    Verify(Box<VerifyArgs>),
    /// Work with keys.
    Key {
        /// The key subcommand.
        #[command(subcommand)]
        command: KeyCommand,
    },
}

/// `tokenbench key …`.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Show what the key store sees in a file (format, kind, size, kid, thumbprint, warnings).
    Inspect {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// The key file (PEM, DER, certificate, JWK or JWKS).
        file: PathBuf,
    },
}

/// Arguments of `tokenbench verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A key file (PEM, DER, X.509 certificate, JWK or JWKS); repeat for several.
    #[arg(long = "key", value_name = "FILE")]
    pub keys: Vec<PathBuf>,
    /// An HMAC secret as UTF-8 text.
    #[arg(long, value_name = "TEXT")]
    pub secret: Option<String>,
    /// An HMAC secret in base64 or base64url.
    #[arg(long, value_name = "B64")]
    pub secret_base64: Option<String>,
    /// An HMAC secret as the raw bytes of a file.
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
    /// Judge time claims at this instant (Unix seconds); default: now.
    #[arg(long, value_name = "UNIX_SECONDS", allow_negative_numbers = true)]
    pub at: Option<f64>,
    /// Clock skew tolerated on exp, nbf and iat.
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub leeway: u64,
    /// Expected issuer (`iss`).
    #[arg(long, value_name = "ISS")]
    pub iss: Option<String>,
    /// Expected audience (must be in `aud`).
    #[arg(long, value_name = "AUD")]
    pub aud: Option<String>,
    /// An allowed algorithm; repeat for several (default: all supported).
    #[arg(long = "alg", value_name = "ALG")]
    pub algs: Vec<String>,
    /// Expected header `typ` (e.g. JWT, at+jwt).
    #[arg(long, value_name = "TYP")]
    pub typ: Option<String>,
    /// A claim that must be present; repeat for several.
    #[arg(long = "require", value_name = "CLAIM")]
    pub required: Vec<String>,
    /// Longest accepted lifetime (exp - iat) in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub max_lifetime: Option<u64>,
    /// Accept the JWS JSON serialization (a JWT is always compact).
    #[arg(long)]
    pub allow_json_serialization: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// The token, `-` for stdin, or `@FILE`.
    pub token: String,
}

/// Runs a subcommand and returns the process exit code.
#[must_use]
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Decode { json, token } => decode(&token, json),
        Command::Verify(args) => verify_cmd(&args),
        Command::Key { command: KeyCommand::Inspect { json, file } } => inspect(&file, json),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("tokenbench: {e}");
            ExitCode::from(2)
        }
    }
}

/// Reads TOKEN: literal text, `-` for stdin, `@FILE` for a file.
fn read_token_arg(arg: &str) -> Result<String, Error> {
    if arg == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(token::MAX_TOKEN_BYTES as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::Io { path: "-".into(), reason: e.to_string() })?;
        return String::from_utf8(buf)
            .map_err(|_| Error::Io { path: "-".into(), reason: "stdin is not UTF-8 text".into() });
    }
    if let Some(path) = arg.strip_prefix('@') {
        let bytes = std::fs::read(path).map_err(|e| Error::Io { path: path.into(), reason: e.to_string() })?;
        return String::from_utf8(bytes)
            .map_err(|_| Error::Io { path: path.into(), reason: "the file is not UTF-8 text".into() });
    }
    Ok(arg.to_owned())
}

fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn decode(arg: &str, as_json: bool) -> Result<u8, Error> {
    let token = token::parse(&read_token_arg(arg)?)?;
    let now = system_now();
    if as_json {
        let mut text = serde_json::to_string_pretty(&decoded_json(&token, now)).unwrap_or_default();
        text.push('\n');
        out(&text);
        return Ok(0);
    }
    out(&decoded_text(&token, now));
    Ok(0)
}

const TIME_CLAIMS: [&str; 3] = ["exp", "nbf", "iat"];

fn times_json(claims: &token::JsonObject, now: f64) -> Value {
    let mut times = serde_json::Map::new();
    for name in TIME_CLAIMS {
        if let Ok(Some(t)) = token::numeric_date(claims, name) {
            times.insert(name.into(), json!({"unix": t, "utc": format_utc(t), "relative": format_relative(t, now)}));
        }
    }
    Value::Object(times)
}

/// The `decode --json` object: header and claims exactly as in the token.
#[must_use]
pub fn decoded_json(token: &Token, now: f64) -> Value {
    let mut obj = serde_json::Map::new();
    obj.insert("type".into(), json!(token.kind));
    obj.insert("serialization".into(), json!(token.serialization));
    obj.insert("header".into(), Value::Object(token.header().clone()));
    if token.kind == Kind::Jwe {
        obj.insert("encrypted".into(), json!(token.jwe));
        obj.insert("note".into(), json!(token.payload_note()));
        return Value::Object(obj);
    }
    obj.insert("claims".into(), token.claims().cloned().map_or(Value::Null, Value::Object));
    obj.insert("payload".into(), json!(token.payload_b64()));
    if let Some(note) = token.payload_note() {
        obj.insert("payload_note".into(), json!(note));
        if let Some(text) = token.payload_text() {
            obj.insert("payload_text".into(), json!(text));
        }
    }
    obj.insert("signature".into(), json!(token.signatures.first().map_or("", |s| s.signature_b64.as_str())));
    if token.signatures.len() > 1 || token.signatures.first().is_some_and(|s| s.unprotected.is_some()) {
        let sigs: Vec<Value> = token
            .signatures
            .iter()
            .map(|s| json!({"header": s.header, "unprotected": s.unprotected, "signature": s.signature_b64}))
            .collect();
        obj.insert("signatures".into(), Value::Array(sigs));
    }
    if let Some(claims) = token.claims() {
        obj.insert("times".into(), times_json(claims, now));
    }
    Value::Object(obj)
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// Pretty JSON of the claims with a human time after each top-level NumericDate.
fn claims_with_times(claims: &token::JsonObject, now: f64) -> String {
    if claims.is_empty() {
        return "{}".into();
    }
    let mut s = String::from("{\n");
    let last = claims.len() - 1;
    for (i, (k, v)) in claims.iter().enumerate() {
        let value = pretty(v).replace('\n', "\n  ");
        let comma = if i == last { "" } else { "," };
        let _ = write!(s, "  {}: {value}{comma}", Value::String(k.clone()));
        if TIME_CLAIMS.contains(&k.as_str())
            && let Some(t) = v.as_f64()
        {
            let _ = write!(s, "    // {} ({})", format_utc(t), format_relative(t, now));
        }
        s.push('\n');
    }
    s.push('}');
    s
}

fn decoded_text(token: &Token, now: f64) -> String {
    let mut s = String::new();
    let form = match token.serialization {
        token::Serialization::Compact => "compact",
        token::Serialization::JsonFlattened => "JSON (flattened)",
        token::Serialization::JsonGeneral => "JSON (general)",
    };
    let kind = match token.kind {
        Kind::Jws => "JWS",
        Kind::Jwe => "JWE",
    };
    let _ = write!(s, "{kind}, {form} serialization, alg {}\n\n", token.alg().unwrap_or("(none given)"));
    s.push_str("Header\n");
    s.push_str(&pretty(&Value::Object(token.header().clone())));
    s.push_str("\n\n");
    if let Some(jwe) = &token.jwe {
        let _ = write!(
            s,
            "Encrypted content\n  {}\n  encrypted key {} bytes, IV {} bytes, ciphertext {} bytes, tag {} bytes\n",
            token.payload_note().unwrap_or(""),
            jwe.encrypted_key_len,
            jwe.iv_len,
            jwe.ciphertext_len,
            jwe.tag_len
        );
        return s;
    }
    if let Some(claims) = token.claims() {
        s.push_str("Claims\n");
        s.push_str(&claims_with_times(claims, now));
    } else {
        {
            let _ = writeln!(s, "Payload ({} bytes)", token.payload.len());
            let _ = writeln!(s, "  {}", token.payload_note().unwrap_or(""));
            match token.payload_text() {
                Some(text) => {
                    // Token content is attacker-controlled: never let it drive the terminal.
                    let _ = write!(s, "  {}", escape_controls(text));
                }
                None => {
                    let _ = write!(s, "  base64url: {}", token.payload_b64());
                }
            }
        }
    }
    s.push_str("\n\n");
    for (i, sig) in token.signatures.iter().enumerate() {
        let title = if token.signatures.len() > 1 { format!("Signature {}", i + 1) } else { "Signature".to_owned() };
        let _ = writeln!(s, "{title} ({} bytes)\n  {}", sig.signature.len(), sig.signature_b64);
        if let Some(u) = &sig.unprotected {
            let _ = writeln!(s, "  unprotected header: {}", Value::Object(u.clone()));
        }
    }
    s
}

/// Escapes control characters (ANSI escape sequences, carriage returns…) except newlines.
fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn load_keys(args: &VerifyArgs) -> Result<Vec<Key>, Error> {
    let mut keys = Vec::new();
    for path in &args.keys {
        keys.extend(keys::load_file(path)?);
    }
    if let Some(text) = &args.secret {
        keys.push(keys::load_secret(text.as_bytes(), SecretEncoding::Utf8, "--secret")?);
    }
    if let Some(b64) = &args.secret_base64 {
        keys.push(keys::load_secret(b64.as_bytes(), SecretEncoding::Base64, "--secret-base64")?);
    }
    if let Some(path) = &args.secret_file {
        let bytes =
            std::fs::read(path).map_err(|e| Error::Io { path: path.display().to_string(), reason: e.to_string() })?;
        keys.push(keys::load_secret(&bytes, SecretEncoding::Raw, &path.display().to_string())?);
    }
    Ok(keys)
}

fn verify_cmd(args: &VerifyArgs) -> Result<u8, Error> {
    let token = token::parse(&read_token_arg(&args.token)?)?;
    let keys = load_keys(args)?;
    let policy = Policy {
        leeway: args.leeway,
        required_claims: args.required.clone(),
        issuer: args.iss.clone(),
        audience: args.aud.clone(),
        typ: args.typ.clone(),
        algorithms: args.algs.clone(),
        max_lifetime: args.max_lifetime,
        allow_json_serialization: args.allow_json_serialization,
    };
    let now = args.at.unwrap_or_else(system_now);
    let v = verify::verify(&token, &keys, &policy, now);
    if args.json {
        let mut text = serde_json::to_string_pretty(&verification_json(&v, &keys)).unwrap_or_default();
        text.push('\n');
        out(&text);
    } else {
        out(&verification_text(&v, &keys));
    }
    Ok(u8::from(!v.valid))
}

/// The `verify --json` object: the verification, each attempt naming its key.
#[must_use]
pub fn verification_json(v: &Verification, keys: &[Key]) -> Value {
    let mut value = serde_json::to_value(v).unwrap_or(Value::Null);
    if let Some(Value::Array(attempts)) = value.get_mut("attempts") {
        for a in attempts.iter_mut() {
            let key = a.get("index").and_then(Value::as_u64).and_then(|i| keys.get(usize::try_from(i).ok()?));
            if let (Some(obj), Some(key)) = (a.as_object_mut(), key) {
                obj.insert("label".into(), json!(key.label()));
                obj.insert("kind".into(), json!(key.material.describe()));
                obj.insert("thumbprint".into(), json!(key.thumbprint));
            }
        }
    }
    value
}

fn colour(code: &str, text: &str) -> String {
    if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// The human report of a verification.
#[must_use]
pub fn verification_text(v: &Verification, keys: &[Key]) -> String {
    let mut s = String::new();
    let banner = if v.valid { colour("1;32", &v.summary()) } else { colour("1;31", &v.summary()) };
    s.push_str(&banner);
    s.push_str("\n\nKeys\n");
    if v.attempts.is_empty() {
        s.push_str(if keys.is_empty() { "  (no key loaded)\n" } else { "  (not tried)\n" });
    }
    for a in &v.attempts {
        let mark = match a.outcome {
            Outcome::Verified => "verified",
            Outcome::WrongSignature => "no match",
            Outcome::Skipped => "skipped ",
            Outcome::Rejected => "rejected",
        };
        let key = &keys[a.index];
        let _ = writeln!(s, "  [{mark}] #{} {} ({}): {}", a.index + 1, key.label(), key.material.describe(), a.reason);
    }
    let _ = writeln!(s, "\nChecks at {} (leeway {} s)", format_utc(v.now), v.leeway);
    for c in &v.checks {
        let mark = match c.status {
            CheckStatus::Passed => colour("32", "pass"),
            CheckStatus::Failed => colour("31", "FAIL"),
            CheckStatus::Absent => "absent".to_owned(),
            CheckStatus::NotChecked => "not checked".to_owned(),
        };
        let _ = writeln!(s, "  [{mark}] {}: {} ({})", c.name, c.reason, c.rfc);
    }
    if !v.warnings.is_empty() {
        s.push_str("\nWarnings\n");
        for w in &v.warnings {
            let _ = writeln!(s, "  - {w}");
        }
    }
    s
}

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

fn inspect(path: &std::path::Path, as_json: bool) -> Result<u8, Error> {
    let keys = keys::load_file(path)?;
    if as_json {
        let list: Vec<Value> = keys.iter().map(key_json).collect();
        let mut text = serde_json::to_string_pretty(&Value::Array(list)).unwrap_or_default();
        text.push('\n');
        out(&text);
        return Ok(0);
    }
    let mut s = String::new();
    for key in &keys {
        let _ = writeln!(s, "{}: {}", key.source, key.format);
        let _ = writeln!(s, "  kind        {}", key.material.describe());
        let private = if key.private.is_some() { "yes (held in memory only)" } else { "no" };
        let _ = writeln!(s, "  private     {private}");
        for (label, value) in [("kid", &key.kid), ("alg", &key.alg), ("use", &key.key_use)] {
            if let Some(v) = value {
                let _ = writeln!(s, "  {label:<11} {v}");
            }
        }
        if let Some(ops) = &key.key_ops {
            let _ = writeln!(s, "  key_ops     {}", ops.join(", "));
        }
        let _ = writeln!(s, "  thumbprint  {} (RFC 7638, SHA-256)", key.thumbprint);
        let _ = writeln!(s, "  verifies    {}", key.material.algorithms().join(" "));
        if let Some(cert) = &key.certificate {
            let _ = writeln!(s, "  subject     {}\n  issuer      {}", cert.subject, cert.issuer);
            #[allow(clippy::cast_precision_loss)]
            let (from, to) = (cert.not_before as f64, cert.not_after as f64);
            let _ =
                writeln!(s, "  valid       {} to {}\n  serial      {}", format_utc(from), format_utc(to), cert.serial);
        }
        for w in &key.warnings {
            let _ = writeln!(s, "  warning     {w}");
        }
        s.push('\n');
    }
    out(&s);
    Ok(0)
}
