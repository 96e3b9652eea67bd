//! `tokenbench simulate …`: the labs' models on the command line, each with an exact JSON
//! contract and the same numbers as its view. This module only dispatches:
//! `simulate revocation` is `revocation.rs` ([`crate::core::labs::revocation`]), `simulate flow`
//! is `flows.rs` ([`crate::core::labs::flows`]), `simulate session-risk` and `simulate leakage`
//! are `session_risk.rs` and `leakage.rs` ([`crate::core::labs::security`]);
//! `simulate payload|hybrids|sso|defaults` is `fit.rs` ([`crate::core::labs::fit`]).

use clap::Subcommand;

use super::flows::{self, FlowArgs};
use super::revocation::{self, RevocationArgs};
use crate::core::engine::error::Error;

/// `tokenbench simulate …`.
#[derive(Debug, Subcommand)]
pub enum SimulateCommand {
    /// Revoke one login at an instant and compare five strategies: session, jwt, jwt-refresh,
    /// jwt-denylist, jwt-version.
    Revocation(Box<RevocationArgs>),
    /// Session vs JWT request flows: lookups, verifications, bytes, failures and replication for
    /// N servers, U users and R requests.
    Flow(Box<FlowArgs>),
    /// Session fixation, a stolen session cookie or a stolen JWT, step by step: where the attack
    /// succeeds or is blocked, and how long the stolen credential stays useful.
    SessionRisk(Box<super::session_risk::SessionRiskArgs>),
    /// A token in a URL: the access log line and the Referer header built from it, what a copy
    /// read from them can still do, and each defence's outcome.
    Leakage(Box<super::leakage::LeakageArgs>),
    /// JWT payloads should stay small: bytes per request as claims are added, against a 34 B
    /// cookie plus a lookup, the 4096 B cookie limit and nginx, Apache and Node.js header limits.
    Payload(super::fit::PayloadArgs),
    /// The two hybrids side by side: short JWTs with tracked refresh tokens; JWT for the API
    /// with sessions for the admin panel.
    Hybrids(super::fit::PageArgs),
    /// Cross-domain SSO with OpenID Connect: one login at id.example, RS256 ID tokens verified
    /// by shop.example and forum.example with the published JWKS, step by step.
    Sso(super::fit::PageArgs),
    /// Rails, Django and Laravel's session defaults, and the typical server-rendered app's
    /// logout on the flows and revocation models.
    Defaults(super::fit::PageArgs),
}

/// Runs a `simulate` subcommand; the exit code.
pub(super) fn run(command: SimulateCommand) -> Result<u8, Error> {
    match command {
        SimulateCommand::Revocation(args) => revocation::run(&args),
        SimulateCommand::Flow(args) => flows::run(&args),
        SimulateCommand::SessionRisk(args) => super::session_risk::run(&args),
        SimulateCommand::Leakage(args) => Ok(super::leakage::run(&args)),
        SimulateCommand::Payload(args) => super::fit::run_payload(&args),
        SimulateCommand::Hybrids(args) => super::fit::run_hybrids(&args),
        SimulateCommand::Sso(args) => super::fit::run_sso(&args),
        SimulateCommand::Defaults(args) => super::fit::run_defaults(&args),
    }
}
