//! The pull log. See the migration `create_sync_change` for why rows are ordered by
//! `(tx, id)` and why PostgreSQL pulls stop at the snapshot's xmin.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use super::StoreError;
use super::batch::WriteBatch;
use super::entities::sync_change;
use crate::domain::scope::Scope;

/// A position in the log: the last `(tx, id)` served. `(0, 0)` is the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LogPosition {
    /// Writing transaction (PostgreSQL), 0 on SQLite.
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

/// Queues a change of a household (its new version, its area, and its previous area when
/// it moved, so that the previous area's pullers learn it left).
pub fn append(
    batch: &mut WriteBatch,
    household_id: Uuid,
    version: i64,
    area_code: &str,
    prev_area_code: Option<&str>,
    now: DateTime<Utc>,
) {
    // Every mutation ends with one: written out once (see `devices`). `tx` and `id` are filled
    // by the database.
    const APPEND: &str = "INSERT INTO sync_change \
        (household_id, version, area_code, prev_area_code, created_at) VALUES ($1, $2, $3, $4, $5)";
    batch.push_sql(
        APPEND,
        [
            household_id.into(),
            version.into(),
            area_code.into(),
            prev_area_code.into(),
            now.into(),
        ],
    );
}

fn in_scope(scope: &Scope) -> Condition {
    let mut in_scope = Condition::any();
    for area in scope.areas() {
        for column in [
            sync_change::Column::AreaCode,
            sync_change::Column::PrevAreaCode,
        ] {
            in_scope = in_scope.add(super::area_under(column, area));
        }
    }
    in_scope
}

fn after_position(after: LogPosition) -> Condition {
    Condition::any()
        .add(sync_change::Column::Tx.gt(after.tx))
        .add(
            Condition::all()
                .add(sync_change::Column::Tx.eq(after.tx))
                .add(sync_change::Column::Id.gt(after.id)),
        )
}

/// The oldest transaction id that may still commit (PostgreSQL).
const XMIN: &str = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

/// A page of the log, read in one statement (one snapshot).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// Rows safe to serve, in log order.
    pub entries: Vec<LogEntry>,
    /// Whether committed rows follow that are held back because an older transaction is
    /// still running (PostgreSQL only; SQLite has one writer).
    pub held_back: bool,
}

#[derive(Debug, FromQueryResult)]
struct Row {
    id: i64,
    tx: i64,
    household_id: Uuid,
    held: bool,
}

/// Up to `limit` log rows after `after` whose area or previous area lies in `scope`, in log
/// order. On PostgreSQL a row whose transaction is not older than every transaction still
/// running is held back: an older transaction may yet commit a row that sorts before it.
/// Such rows sort after all safe ones (the log is ordered by transaction id first), so one
/// query returns the safe prefix and whether anything is held back.
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    after: LogPosition,
    limit: u64,
) -> Result<Page, StoreError> {
    if scope.areas().is_empty() {
        return Ok(Page::default());
    }
    let held = match db.get_database_backend() {
        DbBackend::Postgres => Expr::cust(format!("tx >= {XMIN}")),
        _ => Expr::cust("0"),
    };
    let rows: Vec<Row> = sync_change::Entity::find()
        .select_only()
        .column(sync_change::Column::Id)
        .column(sync_change::Column::Tx)
        .column(sync_change::Column::HouseholdId)
        .column_as(held, "held")
        .filter(in_scope(scope))
        .filter(after_position(after))
        .order_by_asc(sync_change::Column::Tx)
        .order_by_asc(sync_change::Column::Id)
        .limit(limit)
        .into_model::<Row>()
        .all(db)
        .await?;
    let held_back = rows.iter().any(|r| r.held);
    let entries = rows
        .into_iter()
        .take_while(|r| !r.held)
        .map(|r| LogEntry {
            position: LogPosition { tx: r.tx, id: r.id },
            household_id: r.household_id,
        })
        .collect();
    Ok(Page { entries, held_back })
}
