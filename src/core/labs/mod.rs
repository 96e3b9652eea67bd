//! The teaching labs, one folder each, one name each across `core`, `cli` and `ui`:
//! [`revocation`], [`flows`], [`security`], [`compare`] and [`fit`] (with the start screen). Each is a deterministic state
//! machine: a `Command` enum, a `handle`, its presets and scenarios, and the mapping from CLI
//! arguments, so `tokenbench simulate` and the window drive the same model and print the same
//! figures. [`live`] runs the same story on real servers over loopback, measured. [`scan`] is the Leaks
//! tab over `tokenbench scan`.

pub mod compare;
pub mod fit;
pub mod flows;
pub mod live;
pub mod revocation;
pub mod scan;
pub mod security;
