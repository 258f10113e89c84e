//! The pull log. See the migration `create_sync_change` for why rows are ordered by
//! `(tx, id)` and why `PostgreSQL` pulls stop at the snapshot's xmin.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use super::StoreError;
use super::entities::sync_change;
use crate::domain::scope::Scope;

/// A position in the log: the last `(tx, id)` served. `(0, 0)` is the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LogPosition {
    /// Writing transaction (`PostgreSQL`), 0 on `SQLite`.
    pub tx: i64,
    /// Row id.
    pub id: i64,
}

/// One row of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogEntry {
    /// Where it stands in the log.
    pub position: LogPosition,
    /// The household that changed.
    pub household_id: Uuid,
}

/// Appends a change of a household (its new version, its area, and its previous area when
/// it moved, so that the previous area's pullers learn it left).
pub async fn append(
    db: &impl ConnectionTrait,
    household_id: Uuid,
    version: i64,
    area_code: &str,
    prev_area_code: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let model = sync_change::ActiveModel {
        id: NotSet,
        tx: NotSet,
        household_id: Set(household_id),
        version: Set(version),
        area_code: Set(area_code.to_owned()),
        prev_area_code: Set(prev_area_code.map(str::to_owned)),
        created_at: Set(now),
    };
    sync_change::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Up to `limit` log rows after `after` whose area or previous area lies in `scope`, in log
/// order, never past a transaction that may still commit.
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    after: LogPosition,
    limit: u64,
) -> Result<Vec<LogEntry>, StoreError> {
    if scope.areas().is_empty() {
        return Ok(Vec::new());
    }
    let mut in_scope = Condition::any();
    for area in scope.areas() {
        let code = area.as_str();
        for column in [
            sync_change::Column::AreaCode,
            sync_change::Column::PrevAreaCode,
        ] {
            in_scope = if area.is_village() {
                in_scope.add(column.eq(code))
            } else {
                in_scope.add(column.like(format!("{code}.%")))
            };
        }
    }
    let after_position = Condition::any()
        .add(sync_change::Column::Tx.gt(after.tx))
        .add(
            Condition::all()
                .add(sync_change::Column::Tx.eq(after.tx))
                .add(sync_change::Column::Id.gt(after.id)),
        );
    let mut query = sync_change::Entity::find()
        .filter(in_scope)
        .filter(after_position);
    if db.get_database_backend() == DbBackend::Postgres {
        // Rows of transactions at or above xmin may still be joined by rows of an older,
        // uncommitted transaction; serve them only once every older transaction has ended.
        query = query.filter(Expr::col(sync_change::Column::Tx).lt(Expr::cust(
            "pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
        )));
    }
    let rows = query
        .order_by_asc(sync_change::Column::Tx)
        .order_by_asc(sync_change::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| LogEntry {
            position: LogPosition { tx: r.tx, id: r.id },
            household_id: r.household_id,
        })
        .collect())
}
