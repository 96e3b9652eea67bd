//! `tokenbench simulate leakage`: the Security lab's leak demonstration on the command line
//! ([`crate::core::labs::security::leakage`]), with the figures the window's Leaks view shows:
//! the request, the access log line and the `Referer` built from the token, what a copy read
//! from them can still do, and each defence's outcome. Exit 0; 2 with a message naming the flag
//! when the input cannot be simulated.

use std::fmt::Write as _;

use clap::Args;
use serde_json::{Value, json};

use super::{out, out_json, read_token_arg, say};
use crate::core::engine::clock::system_now;
use crate::core::engine::limits;
use crate::core::labs::security::lab::current_token;
use crate::core::labs::security::leakage::{self, CopyOutcome, Leak, LeakSettings, ReferrerPolicy};
use crate::core::labs::security::token_times;

/// `tokenbench simulate leakage`.
#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // one flag per defence, as the window's checkboxes
pub struct LeakageArgs {
    /// The token sent (a token, a URL carrying one, `-` for stdin, or `@FILE`) [default: a sample
    /// access token issued at --at, the typical 15 min lifetime].
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// The instant of the request, the lab clock (Unix seconds) [default: now].
    #[arg(long, value_name = "UNIX_SECONDS", value_parser = limits::parse_instant, allow_hyphen_values = true)]
    pub at: Option<f64>,
    /// The page's Referrer-Policy: unsafe-url, no-referrer-when-downgrade,
    /// strict-origin-when-cross-origin, origin, same-origin or no-referrer
    /// [default: no-referrer-when-downgrade].
    #[arg(long, value_name = "POLICY")]
    pub referrer_policy: Option<String>,
    /// Send the token in an Authorization header instead of the URL's query.
    #[arg(long)]
    pub in_header: bool,
    /// Access tokens live 5 minutes from issue at most.
    #[arg(long)]
    pub short_lifetime: bool,
    /// The server checks revocations on every request (the victim logs out 5 minutes after the
    /// request).
    #[arg(long)]
    pub revocation_check: bool,
    /// Seconds between the request and a copy's replay [default: 600].
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub read_after: Option<i64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `simulate leakage`; the exit code (every failure is the input's: exit 2 with a message).
pub(super) fn run(args: &LeakageArgs) -> u8 {
    let policy = if let Some(name) = &args.referrer_policy {
        let Some(p) = ReferrerPolicy::from_name(name) else {
            let names: Vec<&str> = ReferrerPolicy::ALL.iter().map(|p| p.name()).collect();
            return usage(&format!("--referrer-policy {name:?} is not one of {}", names.join(", ")));
        };
        p
    } else {
        LeakSettings::default().referrer_policy
    };
    let read_after = args.read_after.unwrap_or(leakage::DEFAULT_READ_AFTER);
    if !(0..=leakage::MAX_READ_AFTER).contains(&read_after) {
        return usage(&format!(
            "--read-after {read_after}: give a number of seconds from 0 to {} (a year)",
            leakage::MAX_READ_AFTER
        ));
    }
    let at = args.at.unwrap_or_else(system_now);
    let token = match &args.token {
        None => None,
        Some(arg) => {
            let text = match read_token_arg(arg) {
                Ok(t) => t,
                Err(e) => return usage(&format!("--token: {e}")),
            };
            if text.trim().is_empty() {
                return usage("--token: empty: give a token, a URL carrying one, `-` or @FILE");
            }
            match current_token(text.trim()) {
                Ok((t, _)) => {
                    if let Err(message) = leakage::check_carriable(&t).and_then(|()| token_times::read(&t, at)) {
                        return usage(&format!("--token: {message}"));
                    }
                    Some(t)
                }
                Err(message) => return usage(&format!("--token: {message}")),
            }
        }
    };
    let settings = LeakSettings {
        in_header: args.in_header,
        referrer_policy: policy,
        short_lifetime: args.short_lifetime,
        revocation_check: args.revocation_check,
        read_after,
    };
    let leak = match leakage::leakage(token.as_ref(), at, &settings) {
        Ok(l) => l,
        Err(message) => return usage(&message),
    };
    if args.json {
        out_json(&leakage_json(&leak));
    } else {
        out(&leakage_text(&leak));
    }
    0
}

/// Prints a usage error; exit code 2.
fn usage(message: &str) -> u8 {
    say(message);
    2
}

fn copy_json(c: &CopyOutcome) -> Value {
    json!({
        "status": c.status,
        "holders": c.holders,
        "used_at": c.used_at,
        "expires_at": c.expires_at,
        "remaining_seconds": c.remaining,
        "text": c.text,
    })
}

/// The JSON contract: the settings, every line as built from the token, the copy's outcome and
/// each defence's, each figure as the window's view shows it.
#[must_use]
pub fn leakage_json(l: &Leak) -> Value {
    let s = &l.settings;
    let defences: Vec<Value> = l
        .defences
        .iter()
        .map(|d| json!({"defence": d.defence.name(), "label": d.label, "on": d.on, "if_switched": copy_json(&d.if_switched)}))
        .collect();
    json!({
        "at": l.at,
        "token": l.token,
        "token_source": l.token_source,
        "settings": {
            "in_header": s.in_header,
            "referrer_policy": s.referrer_policy.name(),
            "short_lifetime": s.short_lifetime,
            "revocation_check": s.revocation_check,
            "read_after": s.read_after,
        },
        "request_line": l.request_line,
        "authorization": l.authorization,
        "access_log": l.access_log,
        "log_has_token": l.log_has_token,
        "referer": l.referer,
        "referer_has_token": l.referer_has_token,
        "third_party_log": l.third_party_log,
        "copy": copy_json(&l.copy),
        "defences": defences,
    })
}

fn leakage_text(l: &Leak) -> String {
    let mut text = String::new();
    let has = |b: bool| if b { "  [holds the token]" } else { "  [without the token]" };
    let _ = writeln!(text, "{}", l.token_source);
    let _ = writeln!(text, "Referrer-Policy: {}\n", l.settings.referrer_policy.name());
    let _ = writeln!(text, "The request:\n  {}", l.request_line);
    if let Some(a) = &l.authorization {
        let _ = writeln!(text, "  {a}");
    }
    let _ = writeln!(text, "app.example's access log:{}\n  {}", has(l.log_has_token), l.access_log);
    let referer = l.referer.as_deref().unwrap_or("(none: the policy sends no Referer)");
    let _ = writeln!(text, "Referer sent to analytics.example:{}\n  {referer}", has(l.referer_has_token));
    let _ = writeln!(text, "analytics.example's access log:{}\n  {}", has(l.referer_has_token), l.third_party_log);
    let _ = writeln!(text, "\nWhat a copy can still do: {}", l.copy.text);
    let _ = writeln!(text, "\nEach defence, switched the other way:");
    for d in &l.defences {
        let _ = writeln!(
            text,
            "  [{}] {}\n      {} {}",
            if d.on { "on" } else { "off" },
            d.label,
            if d.on { "Off:" } else { "On:" },
            d.if_switched.text
        );
    }
    text
}
