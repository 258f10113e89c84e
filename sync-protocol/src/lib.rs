//! The e-Kemiskinan sync protocol.
//!
//! - [`v1`]: the wire messages of protocol version 1 (see `PROTOCOL.md`);
//! - [`merge`]: how the server applies an edit made on a stale copy, field by field;
//! - [`hlc`]: the hybrid logical clock stamped on every mutation and response;
//! - `client` (feature `client`): the reference client, the phone's sync engine without a UI.
//!
//! This crate knows nothing about HTTP servers or databases.

pub mod hlc;
pub mod merge;
pub mod v1;

#[cfg(feature = "client")]
pub mod client;
