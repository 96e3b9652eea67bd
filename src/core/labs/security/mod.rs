//! The Security lab: its state machine ([`lab`]: audit, crack, forge and the session scenarios'
//! settings) and the session risks stepped through ([`session_risk`]), over the engine's
//! audit, crack and forge.

pub mod lab;
pub mod session_risk;
