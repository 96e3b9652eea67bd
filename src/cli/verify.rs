//! `tokenbench verify`: signature and claims against keys, a policy and a clock.

use std::fmt::Write as _;

use clap::{Args, ValueEnum};

use super::key_args::KeyArgs;
use serde_json::{Value, json};

use super::{colour, out, out_json, read_token_arg, say, use_colour, write_stdout};
use crate::core::engine::audit::{Finding, Severity, TokenAuditOptions};
use crate::core::engine::clock::{format_utc, system_now};
use crate::core::engine::error::Error;
use crate::core::engine::judgment::{self, Judgment};
use crate::core::engine::keys::Key;
use crate::core::engine::verify::{CheckStatus, KeyOutcome, Policy, Verification};
use crate::core::engine::{limits, token};
use crate::core::text;

/// Arguments of `tokenbench verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The keys and secrets to verify with.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Judge time claims at this instant (Unix seconds, years 1 to 9999); default: now.
    #[arg(long, value_name = "UNIX_SECONDS", value_parser = limits::parse_instant, allow_hyphen_values = true)]
    pub at: Option<f64>,
    /// Clock skew tolerated on exp, nbf and iat.
    #[arg(long, value_name = "SECONDS", default_value_t = 0, value_parser = limits::parse_duration, allow_hyphen_values = true)]
    pub leeway: u64,
    /// Expected issuer (`iss`).
    #[arg(long, value_name = "ISS")]
    pub iss: Option<String>,
    /// An accepted audience; repeat for several (at least one must be in `aud`).
    #[arg(long = "aud", value_name = "AUD")]
    pub aud: Vec<String>,
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
    #[arg(long, value_name = "SECONDS", value_parser = limits::parse_duration, allow_hyphen_values = true)]
    pub max_lifetime: Option<u64>,
    /// Accept the JWS JSON serialization (a JWT is always compact).
    #[arg(long)]
    pub allow_json_serialization: bool,
    /// Also fail (exit 1) a valid token when a security finding of this severity or worse
    /// stands (the findings `tokenbench audit` reports), for CI gates.
    #[arg(long, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// The token, `-` for stdin, or `@FILE`.
    pub token: String,
}

/// The severity `--fail-on` fails at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A finding of medium or high severity fails the token.
    Medium,
    /// Only a high finding fails it.
    High,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            Self::Medium => Severity::Medium,
            Self::High => Severity::High,
        }
    }
}

pub(super) fn verify_cmd(args: &VerifyArgs) -> Result<u8, Error> {
    let token = token::parse(&read_token_arg(&args.token)?)?;
    let keys = args.key.load()?;
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
    let opts = TokenAuditOptions { keys: &keys, now, ..TokenAuditOptions::default() };
    let j = match judgment::judge(&token, &policy, &opts) {
        Ok(j) => j,
        // Only a wordlist file can fail to be read, and verify gives none.
        Err(e) => {
            say(&e.to_string());
            return Ok(2);
        }
    };
    let failed_findings = args.fail_on.is_some_and(|level| j.fails_at(level.severity()));
    if args.json {
        let mut value = judgment_json(&j, &keys);
        // The exit code's reason in the JSON too: a CI job reading `valid` alone would pass a
        // token the gate failed.
        if let (Some(level), Some(obj)) = (args.fail_on, value.as_object_mut()) {
            let name = level.severity().name();
            obj.insert("fail_on".into(), json!({ "level": name, "failed": failed_findings }));
        }
        out_json(&value);
    } else {
        let mut report = judgment_text(&j, &keys);
        if let (Some(level), true) = (args.fail_on, failed_findings && j.verification.valid) {
            // The exit code's reason, said: the token is valid, the gate is what failed.
            let _ = write!(
                report,
                "\nFailed: --fail-on {}: a finding of {} severity or worse stands\n",
                level.severity().name(),
                level.severity().name()
            );
        }
        if use_colour() {
            write_stdout(&paint(&text::visible_lines(&report)));
        } else {
            out(&report);
        }
    }
    Ok(u8::from(!j.verification.valid || failed_findings))
}

/// Colours an escaped report for a terminal: the banner green or red, each check's mark.
/// Only lines the report itself starts are touched: escaped token text holds no line feed.
fn paint(report: &str) -> String {
    let mut painted = String::with_capacity(report.len() + 64);
    for (i, line) in report.split_inclusive('\n').enumerate() {
        if i == 0 {
            let code = if line.starts_with("VALID, but") {
                "1;33"
            } else if line.starts_with("VALID") {
                "1;32"
            } else {
                "1;31"
            };
            let body = line.trim_end_matches('\n');
            painted.push_str(&colour(code, body));
            painted.push_str(&line[body.len()..]);
        } else if let Some(rest) = line.strip_prefix("  [pass]") {
            let _ = write!(painted, "  [{}]{rest}", colour("32", "pass"));
        } else if let Some(rest) = line.strip_prefix("  [FAIL]") {
            let _ = write!(painted, "  [{}]{rest}", colour("31", "FAIL"));
        } else {
            painted.push_str(line);
        }
    }
    painted
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

/// The `verify --json` object of a judgment: the verification's, with every finding.
#[must_use]
pub fn judgment_json(j: &Judgment, keys: &[Key]) -> Value {
    let mut value = verification_json(&j.verification, keys);
    if let Some(obj) = value.as_object_mut() {
        obj.insert("findings".into(), json!(j.findings));
    }
    value
}

/// The human report of a judgment: the verdict line (which names the concerns of a valid
/// token), the verification, and the findings of medium and high severity.
#[must_use]
pub fn judgment_text(j: &Judgment, keys: &[Key]) -> String {
    let mut s = text::visible(&j.summary()).into_owned();
    s.push('\n');
    s.push_str(&verification_body(&j.verification, keys));
    let concerns: Vec<&Finding> = j.concerns().collect();
    if !concerns.is_empty() {
        s.push_str("\nFindings (medium and high; tokenbench audit lists them all)\n");
        s.push_str(&super::findings_text(&concerns.into_iter().cloned().collect::<Vec<_>>()));
    }
    s
}

/// The human report of a verification alone.
#[must_use]
pub fn verification_text(v: &Verification, keys: &[Key]) -> String {
    let mut s = text::visible(&v.summary()).into_owned();
    s.push('\n');
    s.push_str(&verification_body(v, keys));
    s
}

/// Everything under the verdict line: keys, checks, warnings.
fn verification_body(v: &Verification, keys: &[Key]) -> String {
    let mut s = String::new();
    s.push_str("\nKeys\n");
    if v.attempts.is_empty() {
        s.push_str(if keys.is_empty() { "  (no key loaded)\n" } else { "  (not tried)\n" });
    }
    for a in &v.attempts {
        let mark = match a.outcome {
            KeyOutcome::Verified => "verified",
            KeyOutcome::WrongSignature => "no match",
            KeyOutcome::Skipped => "skipped ",
            KeyOutcome::Rejected => "rejected",
        };
        let key = &keys[a.index];
        let label = key.label();
        let _ = writeln!(
            s,
            "  [{mark}] #{} {} ({}): {}",
            a.index + 1,
            text::visible(&label),
            key.material.describe(),
            text::visible(&a.reason)
        );
    }
    let _ = writeln!(s, "\nChecks at {} (leeway {} s)", format_utc(v.now), v.leeway);
    for c in &v.checks {
        let mark = match c.status {
            CheckStatus::Passed => "pass",
            CheckStatus::Failed => "FAIL",
            CheckStatus::Absent => "absent",
            CheckStatus::NotChecked => "not checked",
        };
        let reason = c.reason.to_string();
        let _ = writeln!(s, "  [{mark}] {}: {} ({})", text::visible(&c.name), text::visible(&reason), c.rfc);
    }
    if !v.warnings.is_empty() {
        s.push_str("\nWarnings\n");
        for w in &v.warnings {
            let _ = writeln!(s, "  - {}", text::visible(w));
        }
    }
    s
}
