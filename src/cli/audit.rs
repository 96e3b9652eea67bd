//! `tokenbench audit`: security findings on a token (or a URL carrying one), or on a session
//! cookie. Exit 0 when nothing high or medium is found, 1 otherwise, 2 for unusable input.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;

use super::key_args::KeyArgs;
use serde_json::json;

use super::{colour, out, out_json, read_token_arg, say, use_colour, write_stdout};
use crate::core::engine::audit::{self, Finding, Severity, TokenAuditOptions, UrlSource};
use crate::core::engine::clock::system_now;
use crate::core::engine::error::Error;
use crate::core::engine::judgment;
use crate::core::engine::{limits, token};
use crate::core::text::{visible, visible_lines};

/// Arguments of `tokenbench audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Keys and secrets loaded for the token. A key that can verify the token's alg is judged
    /// for strength as `key inspect` lints it (weak-key, key-warning); a secret is judged for
    /// length when the token is HS256/384/512; a key of another type is only named.
    #[command(flatten)]
    pub key: KeyArgs,
    /// A wordlist to try the token's HMAC secret against, besides the bundled one.
    #[arg(long, value_name = "FILE")]
    pub wordlist: Option<PathBuf>,
    /// Judge time claims (and cookie expiry) at this instant (Unix seconds, years 1 to 9999);
    /// default: now.
    #[arg(long, value_name = "UNIX_SECONDS", value_parser = limits::parse_instant, allow_hyphen_values = true)]
    pub at: Option<f64>,
    /// Judge a cookie instead of a token: 'Set-Cookie: name=value; attributes'.
    #[arg(long, value_name = "SET_COOKIE")]
    pub cookie: Option<String>,
    /// Print `{"findings": [...]}` instead of text.
    #[arg(long)]
    pub json: bool,
    /// The token, a URL carrying one, `-` for stdin, or `@FILE`.
    #[arg(required_unless_present = "cookie")]
    pub token: Option<String>,
}

pub(super) fn audit_cmd(args: &AuditArgs) -> Result<u8, Error> {
    let now = args.at.unwrap_or_else(system_now);
    let loaded = args.key.load()?;
    let opts =
        TokenAuditOptions { keys: &loaded, now, wordlist: args.wordlist.as_deref(), ..TokenAuditOptions::default() };
    let mut findings: Vec<Finding> = Vec::new();
    if let Some(line) = &args.cookie {
        match judgment::audit_cookie(line, &opts) {
            Ok((_, f)) => findings.extend(f),
            Err(reason) => {
                say(&format!("--cookie: {reason}"));
                return Ok(2);
            }
        }
    }
    if let Some(arg) = &args.token {
        let input = read_token_arg(arg)?;
        // A URL may carry several tokens (an access and an ID token, one in its path): each is
        // judged, and its findings say which one they are about.
        // A JWS JSON token may hold a URL (a jku) but is never one.
        let json = input.trim_start().starts_with('{');
        let tokens: Vec<(String, Option<UrlSource>)> = if !json && audit::looks_like_url(&input) {
            let found = audit::tokens_from_url(&input);
            if found.is_empty() {
                say(audit::NO_JWT_IN_URL);
                return Ok(2);
            }
            found.into_iter().map(|(t, src)| (t, Some(src))).collect()
        } else {
            vec![(input, None)]
        };
        let several = tokens.len() > 1;
        for (text, url) in tokens {
            let token = token::parse(&text)?;
            let which = url.as_ref().map(|src| format!("the token in {}: ", src.place()));
            let opts = TokenAuditOptions { url, ..opts.clone() };
            match judgment::judge(&token, &judgment::audit_policy(), &opts) {
                Ok(j) => findings.extend(j.findings.into_iter().map(|mut f| {
                    // token-in-url already says where the token sat.
                    if let (true, Some(which), false) = (several, &which, f.id == "token-in-url") {
                        f.message = format!("{which}{}", f.message);
                    }
                    f
                })),
                Err(e) => {
                    say(&format!("--wordlist: {e}"));
                    return Ok(2);
                }
            }
        }
    }
    if args.json {
        out_json(&json!({ "findings": findings }));
    } else if use_colour() {
        write_stdout(&paint(&visible_lines(&findings_text(&findings))));
    } else {
        out(&findings_text(&findings));
    }
    Ok(u8::from(audit::any_failing(&findings)))
}

/// The human report: one line per finding, worst first.
#[must_use]
pub fn findings_text(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "No findings.\n".into();
    }
    let mut s = String::new();
    for f in findings {
        let tag = match f.severity {
            Severity::High => "HIGH  ",
            Severity::Medium => "MEDIUM",
            Severity::Low => "LOW   ",
            Severity::Info => "INFO  ",
        };
        // One finding, one line: whatever a message quotes is escaped, line feeds included,
        // so a cookie or claim name cannot start a line that looks like a finding.
        let _ = writeln!(s, "[{tag}] {}: {} ({})", f.id, visible(&f.message), f.reference);
    }
    s
}

/// Colours the severity tags of an escaped report for a terminal. Only the tag at the start of
/// each line is touched: escaped token text holds no line feed.
fn paint(report: &str) -> String {
    const TAGS: [(&str, &str); 3] = [("[HIGH  ]", "1;31"), ("[MEDIUM]", "33"), ("[LOW   ]", "36")];
    let mut painted = String::with_capacity(report.len() + 64);
    for line in report.split_inclusive('\n') {
        match TAGS.iter().find(|(tag, _)| line.starts_with(tag)) {
            Some((tag, code)) => {
                let _ = write!(painted, "[{}]{}", colour(code, &tag[1..tag.len() - 1]), &line[tag.len()..]);
            }
            None => painted.push_str(line),
        }
    }
    painted
}
