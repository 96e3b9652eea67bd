//! The Security lab: session risks stepped through ([`session_risk`]), beside the engine's
//! audit, crack and forge.

pub mod session_risk;
