//! The Security lab: its state machine ([`lab`]: audit, crack, forge and the session scenarios'
//! settings), the session risks stepped through ([`session_risk`]), tokens leaking through logs
//! and URLs ([`leakage`]) and the attack surface each side has ([`surface`]), over the engine's
//! audit, crack and forge.

pub mod lab;
pub mod leakage;
pub mod session_risk;
pub mod surface;
pub mod token_times;
