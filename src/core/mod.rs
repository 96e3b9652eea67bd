//! Everything that is not drawing. No egui import ever: the CLI, the GUI and the tests all
//! drive the same engine.

pub mod advise;
pub mod audit;
pub mod clock;
pub mod compare;
pub mod crack;
pub mod docs;
pub mod error;
pub mod fetch;
pub mod flow;
pub mod forge;
pub mod judgment;
pub mod keys;
pub mod limits;
pub mod revoke;
pub mod samples;
pub mod session_risk;
pub mod sign;
pub mod text;
pub mod timeline;
pub mod token;
pub mod verify;
