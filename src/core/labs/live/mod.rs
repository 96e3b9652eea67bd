//! The live lab: the same login, request, logout and failover as the Flows model, on real HTTP
//! servers over loopback with sessions in a real store, measured; and a probe that sends every
//! forgery to an endpoint. The CLI (`serve`, `probe`, `load`) and the window's Live tab drive
//! the same code.

pub mod client;
pub mod load;
pub mod probe;
