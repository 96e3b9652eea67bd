//! The teaching labs, one folder each, one name each across `core`, `cli` and `ui`:
//! [`revocation`], [`flows`], [`security`] and [`compare`]. Each is a deterministic state
//! machine: a `Command` enum, a `handle`, its presets and scenarios, and the mapping from CLI
//! arguments, so `tokenbench simulate` and the window drive the same model and print the same
//! figures.

pub mod compare;
pub mod flows;
pub mod revocation;
pub mod security;
