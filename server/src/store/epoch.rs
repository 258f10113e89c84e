//! The store's epoch (`store_epoch`, one row): 0 from the start, a new random number at every
//! restore of a backup. Pull cursors carry the epoch they were issued in, so that a cursor
//! from before a restore is not read as a position in the restored log.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};

use super::StoreError;

#[derive(FromQueryResult)]
struct Row {
    epoch: i64,
}

/// The current epoch.
pub async fn current(db: &impl ConnectionTrait) -> Result<i64, StoreError> {
    let row = Row::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        "SELECT epoch FROM store_epoch WHERE id = 1",
    ))
    .one(db)
    .await?
    .ok_or_else(|| StoreError::Corrupt("store_epoch has no row".to_owned()))?;
    Ok(row.epoch)
}

/// Starts a new epoch (after a restore, before the server serves again): a random positive
/// number unlike the current one. Returns it.
pub async fn renew(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<i64, StoreError> {
    let before = current(db).await?;
    let epoch = loop {
        let candidate = rand::random::<i64>() & i64::MAX;
        if candidate != 0 && candidate != before {
            break candidate;
        }
    };
    let backend = db.get_database_backend();
    let (e, at) = match backend {
        DbBackend::Postgres => ("$1", "$2"),
        _ => ("?1", "?2"),
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!("UPDATE store_epoch SET epoch = {e}, restored_at = {at} WHERE id = 1"),
        [epoch.into(), now.into()],
    ))
    .await?;
    Ok(epoch)
}
