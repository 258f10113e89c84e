//! On PostgreSQL, the JSON columns every push writes and only ever reads back whole become
//! `json` instead of `jsonb`: stamps, tombstones, visits' answers, photos and clocks, receipts'
//! bodies and scores' criteria. PostgreSQL stores `json` as the text it is given after
//! checking it, where `jsonb` is parsed into a binary form on every write and printed back
//! on every read; nothing queries inside these values. With the server binding them as text
//! (`store::json_text`), PostgreSQL spent 5 % less CPU per push and the server 7 % less
//! (BENCHMARKS.md, "Whole JSON values stored as json"). The answers of households and members
//! stay `jsonb`: exports read single answers out of them. SQLite stores both as text: nothing
//! to do there.
//!
//! `up` rewrites the six tables, each under an exclusive lock, when the server starts: on a
//! large database the start takes that much longer. `down` turns every value back into
//! `jsonb`, which refuses one thing `json` takes, the escape `\u0000`; pushes cannot store it
//! (a mutation holding a NUL character is rejected).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Each table with its columns that change.
const COLUMNS: &[(&str, &[&str])] = &[
    ("household", &["area_stamp", "stamps", "tombstone"]),
    ("family", &["no_kk_stamp"]),
    ("member", &["stamps", "tombstone"]),
    ("visit", &["answers", "photos", "hlc"]),
    ("receipt", &["body"]),
    ("household_score", &["criteria"]),
];

/// `ALTER TABLE … ALTER COLUMN … TYPE to` for every column: one statement, so one rewrite,
/// per table.
async fn retype(manager: &SchemaManager<'_>, to: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for (table, columns) in COLUMNS {
        let changes: Vec<String> = columns
            .iter()
            .map(|c| format!("ALTER COLUMN {c} TYPE {to} USING {c}::{to}"))
            .collect();
        manager
            .get_connection()
            .execute_unprepared(&format!("ALTER TABLE {table} {}", changes.join(", ")))
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(manager, "json").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(manager, "jsonb").await
    }
}
