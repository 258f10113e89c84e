//! National deciles (DTSEN) per No KK.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, DatabaseConnection, EntityTrait, TransactionTrait, sea_query::OnConflict,
};

use super::StoreError;
use super::entities::dtsen_decile;
use crate::domain::dtsen::DecileRow;

/// Rows per insert statement (well below the databases' parameter limits).
const ROWS_PER_STATEMENT: usize = 1000;

/// Stores the deciles in one transaction: a No KK already known gets its new decile. Returns
/// how many rows were written.
pub async fn import(
    db: &DatabaseConnection,
    rows: &[DecileRow],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let txn = db.begin().await?;
    for slice in rows.chunks(ROWS_PER_STATEMENT) {
        let models = slice.iter().map(|row| dtsen_decile::ActiveModel {
            no_kk: Set(row.no_kk.clone()),
            decile: Set(i32::from(row.decile)),
            imported_at: Set(now),
        });
        dtsen_decile::Entity::insert_many(models)
            .on_conflict(
                OnConflict::column(dtsen_decile::Column::NoKk)
                    .update_columns([
                        dtsen_decile::Column::Decile,
                        dtsen_decile::Column::ImportedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(rows.len())
}

/// The decile of a family, if imported.
pub async fn find(db: &DatabaseConnection, no_kk: &str) -> Result<Option<u8>, StoreError> {
    Ok(dtsen_decile::Entity::find_by_id(no_kk.to_owned())
        .one(db)
        .await?
        .and_then(|m| u8::try_from(m.decile).ok()))
}
