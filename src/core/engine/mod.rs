//! The token engine: what the workbench does to tokens and keys, whatever shows it.
//!
//! Read in this order: [`token`] (parsing), [`keys`] (the key store), [`verify`] (signature and
//! claims against a [`clock`]), [`judgment`] (one verdict plus the [`audit`] findings), then
//! [`sign`], [`fetch`], [`crack`], [`forge`] and [`scan`] (tokens leaked in files); [`jwe`]
//! decrypts JWEs with the loaded keys. [`registry`]
//! describes registered claims and header parameters; [`error`] is the engine's one error type;
//! [`limits`] bounds hostile input.

pub mod audit;
pub mod clock;
pub mod crack;
pub mod error;
pub mod fetch;
pub mod forge;
pub mod judgment;
pub mod jwe;
pub mod keys;
pub mod limits;
pub mod registry;
pub mod samples;
pub mod scan;
pub mod sign;
pub mod timeline;
pub mod token;
pub mod verify;
