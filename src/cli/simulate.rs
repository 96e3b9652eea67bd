//! `tokenbench simulate …`: the labs' models on the command line, each with an exact JSON
//! contract and the same numbers as its view. This module only dispatches:
//! `simulate revocation` is `revocation.rs` ([`crate::core::labs::revocation`]), `simulate flow`
//! is `flows.rs` ([`crate::core::labs::flows`]), `simulate session-risk` and `simulate leakage`
//! are `session_risk.rs` and `leakage.rs` ([`crate::core::labs::security`]).

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
}

/// Runs a `simulate` subcommand; the exit code.
pub(super) fn run(command: SimulateCommand) -> Result<u8, Error> {
    match command {
        SimulateCommand::Revocation(args) => revocation::run(&args),
        SimulateCommand::Flow(args) => flows::run(&args),
        SimulateCommand::SessionRisk(args) => super::session_risk::run(&args),
        SimulateCommand::Leakage(args) => Ok(super::leakage::run(&args)),
    }
}
