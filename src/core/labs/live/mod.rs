//! The live lab: the same login, request, logout and failover as the Flows model, on real HTTP
//! servers over loopback with sessions in a real store, measured; and a probe that sends every
//! forgery to an endpoint. The CLI (`serve`, `probe`, `load`) and the window's Live tab drive
//! the same code.
//!
//! Start a run with [`server::start`] and a [`config::Config`]; the returned
//! [`server::RunningServer`] gives the URLs, stops and starts app servers, shows the request log
//! and shuts everything down.

pub mod app;
pub mod balancer;
pub mod client;
pub mod config;
pub mod http;
pub mod lab;
pub mod load;
pub mod log;
pub mod probe;
pub mod server;
pub mod store;
pub mod verifier;

pub use config::{Bounds, Config, Mode, Revocation, StoreKind};
pub use log::LogEntry;
pub use server::{RunningServer, start};
