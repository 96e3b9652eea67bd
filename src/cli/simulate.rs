//! `tokenbench simulate …`: the labs' models on the command line, each with an exact JSON
//! contract and the same numbers as its view.

use clap::Subcommand;

use super::flow::{self, FlowArgs};
use crate::core::error::Error;

/// `tokenbench simulate …`.
#[derive(Debug, Subcommand)]
pub enum SimulateCommand {
    /// Session vs JWT request flows: lookups, verifications, bytes, failures and replication for
    /// N servers, U users and R requests.
    Flow(Box<FlowArgs>),
}

/// Runs a `simulate` subcommand; returns the exit code.
pub(crate) fn run(command: &SimulateCommand) -> Result<u8, Error> {
    match command {
        SimulateCommand::Flow(args) => flow::run(args),
    }
}
