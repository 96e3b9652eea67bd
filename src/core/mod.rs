//! Everything that is not drawing. No egui import ever: the CLI, the GUI and the tests all
//! drive the same code.
//!
//! Two folders: [`engine`] works on tokens and keys (parse, load, verify, sign, judge, fetch,
//! crack, forge) and [`labs`] holds the teaching labs, each a deterministic state machine the
//! window and `tokenbench simulate` drive alike. [`text`] is how both show untrusted strings,
//! bytes, counts and durations; [`jobs`] is work off the UI thread as values.

pub mod engine;
pub mod jobs;
pub mod labs;
pub mod text;
