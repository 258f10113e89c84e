//! End-to-end tests: the real server on an ephemeral port, PostgreSQL (and SQLite for sync),
//! driven over HTTP.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail loudly, like the tests"
)]

/// Runs each named `async fn(Backend)` as two tests: `name::on_postgres` and `name::on_sqlite`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(mod $name {
            #[tokio::test]
            async fn on_postgres() {
                super::$name(tests::Backend::Postgres).await;
            }

            #[tokio::test]
            async fn on_sqlite() {
                super::$name(tests::Backend::Sqlite).await;
            }
        })*
    };
}

mod analysis;
mod areas;
mod auth;
mod authorization;
mod backup;
mod bad_input;
mod blob;
mod concurrency;
mod conflicts;
mod conformance;
mod dtsen;
mod exports;
mod forms;
mod health;
mod indicators;
mod map;
mod metrics;
mod migrations;
mod model;
mod openapi;
mod photos;
mod pull;
mod push;
mod quality;
mod resilience;
mod review;
mod scoring;
mod uploads;
mod web;
