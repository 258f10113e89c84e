//! The store's generation (`store_generation`, one row): 0 from the start, advanced by every
//! restore of a backup. Pull cursors carry the generation they were issued in, so that a
//! cursor from before a restore is not read as a position in the restored log.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};

use super::StoreError;

#[derive(FromQueryResult)]
struct Row {
    generation: i64,
}

/// The current generation.
pub async fn current(db: &impl ConnectionTrait) -> Result<i64, StoreError> {
    let row = Row::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        "SELECT generation FROM store_generation WHERE id = 1",
    ))
    .one(db)
    .await?
    .ok_or_else(|| StoreError::Corrupt("store_generation has no row".to_owned()))?;
    Ok(row.generation)
}

/// Starts the next generation (after a restore, before the server serves again); returns it.
pub async fn advance(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<i64, StoreError> {
    let backend = db.get_database_backend();
    let at = match backend {
        DbBackend::Postgres => "$1",
        _ => "?1",
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "UPDATE store_generation SET generation = generation + 1, restored_at = {at} \
             WHERE id = 1"
        ),
        [now.into()],
    ))
    .await?;
    current(db).await
}
