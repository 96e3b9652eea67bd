//! The "Start here" screen's figures and the "Which fits" lab: when sessions fit and when JWTs
//! do, each point shown with figures made in this run.
//!
//! - [`start`]: where the state lives, and the two flows side by side with their real
//!   credential lines and byte sizes.
//! - [`payload`]: grow the claims and watch the JWT's bytes per request against a 34 B cookie
//!   plus one store lookup, with the cookie limit and common servers' header limits.
//! - [`hybrids`]: short JWTs with server-tracked refresh tokens beside JWTs for the API with
//!   sessions for a browser admin panel, the latter stepped through in [`admin_panel`].
//! - [`sso`]: one login at an identity provider used by two sites on different domains, with
//!   RS256 ID tokens verified against the provider's published JWKS.
//! - [`defaults`]: what Rails, Django and Laravel use by default, and the typical
//!   server-rendered app on the flows and revocation models.
//!
//! Every figure is deterministic: tokens are signed with the bundled demo key at [`FLOW_AT`]
//! (RS256 PKCS#1 v1.5 signatures are deterministic), so the window and
//! `tokenbench simulate payload|hybrids|sso|defaults` print the same lines.

pub mod admin_panel;
pub mod defaults;
pub mod hybrids;
mod lab;
pub mod payload;
pub mod sso;
pub mod start;
#[cfg(test)]
mod tests;

pub use lab::{FitCommand, FitLab, FitPage};

/// The instant every token of this lab is issued at (2027-01-15 08:00:00 UTC): fixed, so the
/// window and the CLI sign the same bytes.
pub const FLOW_AT: i64 = 1_800_000_000;

/// A credential line shortened for display: the first `keep` characters and the total, since a
/// JWT line is hundreds of bytes long.
#[must_use]
pub fn shortened(line: &str, keep: usize) -> String {
    if line.len() <= keep {
        return line.to_owned();
    }
    let cut = (0..=keep).rev().find(|i| line.is_char_boundary(*i)).unwrap_or(0);
    format!("{}...", &line[..cut])
}
