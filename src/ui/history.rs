//! The opt-in token history: each remembered token as one line that says what it is (algorithm,
//! issuer, subject, expiry, verdict), not the same token prefix thirty times. Memory only.

use crate::core::engine::clock::format_utc;
use crate::core::engine::token::{self, Token};

/// A remembered token and what it was: one line of the History menu.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// The token text (cleaned).
    pub token: String,
    /// `RS256 · iss https://id.example.com/ · sub 248289761001 · exp 2036-01-01`.
    pub summary: String,
    /// The verdict's title when it was last shown ("VALID", "INVALID CLAIMS"…).
    pub verdict: String,
}

impl HistoryEntry {
    /// The entry for a decoded token (its verdict is filled in when judged).
    #[must_use]
    pub fn new(t: &Token) -> Self {
        let mut parts = vec![t.alg().unwrap_or("no alg").to_owned()];
        if let Some(c) = t.claims() {
            for name in ["iss", "sub"] {
                if let Ok(Some(v)) = token::string_claim(c, name) {
                    parts.push(format!("{name} {}", shorten(v, 32)));
                }
            }
            match token::numeric_date(c, "exp") {
                Ok(Some(exp)) => {
                    let date = format_utc(exp);
                    parts.push(format!("exp {}", date.get(..10).unwrap_or(&date)));
                }
                _ => parts.push("no exp".into()),
            }
        } else if t.kind == token::Kind::Jwe {
            parts.push("encrypted".into());
        }
        Self { token: t.text.clone(), summary: parts.join(" · "), verdict: String::new() }
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() > max { format!("{}…", s.chars().take(max).collect::<String>()) } else { s.to_owned() }
}
