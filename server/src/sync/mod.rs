//! Sync use cases: push (apply a device's mutations exactly once) and pull (serve the change
//! log of the user's scope). They orchestrate the store inside transactions and the merge
//! rules of the protocol crate; the HTTP handlers only translate.

mod apply;
pub mod clock;
pub mod cursor;
pub mod pull;
pub mod push;
