//! The pull log. See the migration `create_sync_change` for why rows are ordered by
//! `(tx, id)` and why PostgreSQL pulls stop at the snapshot's xmin.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use sync_protocol::v1::ChangeKind;

use super::batch::WriteBatch;
use super::entities::sync_change;
use super::{StoreError, from_json, json_text_or_null};
use crate::domain::history::ChangeDetail;
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

/// A change of a household: its new version, its area, and its previous area when it moved
/// (so that the previous area's pullers learn it left); and, for its history, what made the
/// version, who, and what changed.
#[derive(Debug, Clone)]
pub struct NewChange<'a> {
    /// The household.
    pub household_id: Uuid,
    /// Its new version.
    pub version: i64,
    /// Its area now.
    pub area_code: &'a str,
    /// Its area before, when it moved.
    pub prev_area_code: Option<&'a str>,
    /// What made the version.
    pub kind: ChangeKind,
    /// Who.
    pub user_id: Uuid,
    /// What changed.
    pub detail: &'a ChangeDetail,
}

/// Queues a change-log row.
pub fn append(batch: &mut WriteBatch, change: &NewChange<'_>, now: DateTime<Utc>) {
    // Every mutation ends with one: written out once (see `devices`). `tx` and `id` are filled
    // by the database.
    const APPEND: &str = "INSERT INTO sync_change (household_id, version, area_code, \
        prev_area_code, created_at, kind, user_id, detail) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8::json)";
    let detail = (!change.detail.is_empty()).then_some(change.detail);
    batch.push_sql(
        APPEND,
        [
            change.household_id.into(),
            change.version.into(),
            change.area_code.into(),
            change.prev_area_code.into(),
            now.into(),
            change.kind.as_str().into(),
            change.user_id.into(),
            json_text_or_null(detail),
        ],
    );
}

/// One version of a household as its change-log row records it.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRow {
    /// The version.
    pub version: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// What made it.
    pub kind: ChangeKind,
    /// Who, with the name shown to people.
    pub by: Option<(Uuid, String)>,
    /// What changed.
    pub detail: ChangeDetail,
}

#[derive(Debug, FromQueryResult)]
struct LogRow {
    version: i64,
    created_at: DateTime<Utc>,
    kind: Option<String>,
    user_id: Option<Uuid>,
    display_name: Option<String>,
    detail: Option<serde_json::Value>,
}

/// The versions of a household after `after`, oldest first (one row per version; the log's
/// rows for the previous area of a move are the same row).
pub async fn versions(
    db: &impl ConnectionTrait,
    household_id: Uuid,
    after: i64,
) -> Result<Vec<VersionRow>, StoreError> {
    const VERSIONS: &str = "SELECT c.version, c.created_at, c.kind, c.user_id, u.display_name, \
        c.detail FROM sync_change c LEFT JOIN app_user u ON u.id = c.user_id \
        WHERE c.household_id = $1 AND c.version > $2 ORDER BY c.version, c.id";
    let statement = super::statement(
        db.get_database_backend(),
        VERSIONS,
        [household_id.into(), after.into()],
    );
    LogRow::find_by_statement(statement)
        .all(db)
        .await?
        .into_iter()
        .map(|v| {
            Ok(VersionRow {
                version: v.version,
                at: v.created_at,
                kind: v
                    .kind
                    .as_deref()
                    .map_or(ChangeKind::Unknown, ChangeKind::parse),
                by: v.user_id.map(|id| (id, v.display_name.unwrap_or_default())),
                detail: v
                    .detail
                    .map(|d| from_json(d, "sync_change.detail"))
                    .transpose()?
                    .unwrap_or_default(),
            })
        })
        .collect()
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
