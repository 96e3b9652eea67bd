//! Token Workbench: decode, verify, sign and study JWTs, as a desktop app and a CLI.
//!
//! [`core`] is the engine (parsing, keys, verification, signing, the simulated clock);
//! [`cli`] the scriptable command line; [`ui`] the egui desktop app.

pub mod cli;
pub mod core;
pub mod ui;

pub use crate::core::engine::error::{Error, Result};
pub use crate::core::engine::keys::{Key, KeyStore};
pub use crate::core::engine::token::{Token, parse};
pub use crate::core::engine::verify::{Policy, Verification, verify};
