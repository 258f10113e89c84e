//! End-to-end tests: the real server on an ephemeral port, PostgreSQL (and SQLite for sync),
//! driven over HTTP.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail loudly, like the tests"
)]

mod auth;
mod authorization;
mod bad_input;
mod concurrency;
mod conflicts;
mod health;
mod model;
mod pull;
mod push;
mod resilience;
