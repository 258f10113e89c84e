//! Counts kept per desa so that views over a whole kabupaten read a row per desa (or per grid
//! cell) instead of every household: the map's cells (`map_cell`, read by [`super::map`]) and
//! the indicators' tallies (`desa_tally`, read by [`super::indicators`]).
//!
//! They follow the pull log (`sync_change`, one row per new household version): the position
//! they are counted to is kept in `tally_position`, and [`refresh`] counts again every desa
//! named by the log rows after it. The server refreshes in the background every two seconds
//! and before a read that would see stale counts ([`catch_up`]), so answers stay exact.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, TransactionTrait,
};

use super::{StoreError, map};
use crate::domain::area::AreaCode;

/// How far along the pull log the tallies are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromQueryResult)]
struct Counted {
    tx: i64,
    change_id: i64,
}

/// A log row after the cells' position.
#[derive(Debug, FromQueryResult)]
struct Changed {
    tx: i64,
    id: i64,
    area_code: String,
    prev_area_code: Option<String>,
    held: bool,
}

/// Log rows read per query while catching up.
const LOG_PAGE: u64 = 5_000;

/// Whether a log row may not be counted yet: on PostgreSQL, a transaction older than it may
/// still commit a row that sorts before it (see `changes::page`).
fn held(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "tx >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
        _ => "0 = 1",
    }
}

fn placeholders(backend: DbBackend) -> [&'static str; 2] {
    match backend {
        DbBackend::Postgres => ["$1", "$2"],
        _ => ["?1", "?2"],
    }
}

/// Log rows after the position bound to the first two placeholders. SQLite writes `tx` 0
/// (one writer, so `id` order is commit order) and does not search its `(tx, id)` index by
/// a row value: there the row id alone decides, read from the table's own key.
fn after_position(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "(tx, id) > ($1, $2)",
        _ => "?1 = 0 AND id > ?2",
    }
}

/// The log's order: by transaction, then row id; on SQLite (every `tx` 0) the row id alone,
/// so that the table's own key answers without reading the `(tx, id)` index.
fn log_order(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "tx, id",
        _ => "id",
    }
}

async fn counted(db: &impl ConnectionTrait) -> Result<Counted, StoreError> {
    let backend = db.get_database_backend();
    Counted::find_by_statement(Statement::from_string(
        backend,
        "SELECT tx, change_id FROM tally_position WHERE id = 1",
    ))
    .one(db)
    .await?
    .ok_or_else(|| StoreError::Corrupt("tally_position has no row".to_owned()))
}

/// How far the tallies are behind the change log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lag {
    /// Every change is counted.
    None,
    /// Changes wait that may be counted now.
    Countable,
    /// The next change is held back by an older transaction still running (PostgreSQL; usually
    /// for a few milliseconds): it may not be counted yet.
    Held,
}

/// How far households changed since they were tallied.
pub async fn behind(db: &impl ConnectionTrait) -> Result<Lag, StoreError> {
    let backend = db.get_database_backend();
    let at = counted(db).await?;
    // The first row after the position, in log order (by the index, even when the planner
    // cannot tell how many rows follow); rows after a held one are held too, as the log is
    // ordered by transaction first.
    let sql = format!(
        "SELECT {} AS held FROM sync_change WHERE {} ORDER BY {} LIMIT 1",
        held(backend),
        after_position(backend),
        log_order(backend)
    );
    let next = Held::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [at.tx.into(), at.change_id.into()],
    ))
    .one(db)
    .await?;
    Ok(match next {
        None => Lag::None,
        Some(row) if row.held => Lag::Held,
        Some(_) => Lag::Countable,
    })
}

#[derive(FromQueryResult)]
struct Held {
    held: bool,
}

/// Counts again the tallies of every desa named (as its area or its previous one) by a log
/// row after the tallies' position, and moves the position past them; the number of desa
/// counted.
/// One transaction; a second refresh waits for the first (both update the position row first,
/// which also takes SQLite's write lock at once).
pub async fn refresh(db: &DatabaseConnection) -> Result<usize, StoreError> {
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    txn.execute_raw(Statement::from_string(
        backend,
        "UPDATE tally_position SET tx = tx WHERE id = 1",
    ))
    .await?;
    let start = counted(&txn).await?;
    let mut at = start;
    let mut desa = BTreeSet::new();
    loop {
        let sql = format!(
            "SELECT tx, id, area_code, prev_area_code, {} AS held FROM sync_change \
             WHERE {} ORDER BY {} LIMIT {LOG_PAGE}",
            held(backend),
            after_position(backend),
            log_order(backend)
        );
        let rows = Changed::find_by_statement(Statement::from_sql_and_values(
            backend,
            sql,
            [at.tx.into(), at.change_id.into()],
        ))
        .all(&txn)
        .await?;
        let full = rows.len() as u64 == LOG_PAGE;
        let mut stopped = false;
        for row in rows {
            if row.held {
                stopped = true;
                break;
            }
            desa.insert(row.area_code);
            desa.extend(row.prev_area_code);
            at = Counted {
                tx: row.tx,
                change_id: row.id,
            };
        }
        if stopped || !full {
            break;
        }
    }
    if at == start {
        txn.rollback().await?;
        return Ok(0);
    }
    let desa: Vec<String> = desa.into_iter().collect();
    count_desa(&txn, &desa).await?;
    let [tx, id] = placeholders(backend);
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        format!("UPDATE tally_position SET tx = {tx}, change_id = {id} WHERE id = 1"),
        [at.tx.into(), at.change_id.into()],
    ))
    .await?;
    txn.commit().await?;
    Ok(desa.len())
}

/// Has the next refresh count every desa again (after the scores were computed anew).
pub async fn recount_all(db: &impl ConnectionTrait) -> Result<(), StoreError> {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE tally_position SET tx = 0, change_id = 0 WHERE id = 1",
    ))
    .await?;
    Ok(())
}

/// `count` placeholders from the `first`, comma-separated.
fn marks(backend: DbBackend, first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| match backend {
            DbBackend::Postgres => format!("${i}"),
            _ => format!("?{i}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Desa counted per query (their households are read into memory together).
const DESA_PER_QUERY: usize = 50;

/// Rows written per `INSERT` statement (at most 10 values each, well below both databases'
/// limits).
const ROWS_PER_INSERT: usize = 500;

/// One household as the tallies count it.
#[derive(FromQueryResult)]
struct Home {
    area_code: String,
    review_status: String,
    verdict: Option<String>,
    met_mask: Option<i32>,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

/// The sums of one cell of one desa.
#[derive(Default)]
struct Sums {
    households: i64,
    poor: i64,
    latitude: f64,
    longitude: f64,
}

/// The counts of one desa, as `desa_tally` holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DesaTally {
    /// The desa.
    pub desa: String,
    /// Households not deleted.
    pub households: u64,
    /// Approved by a supervisor.
    pub approved: u64,
    /// Waiting for a decision, new or changed since the last one.
    pub pending: u64,
    /// Waiting for a decision after a return.
    pub resubmitted: u64,
    /// Returned to the field worker.
    pub returned: u64,
    /// Rejected.
    pub rejected: u64,
    /// Local verdict `poor`.
    pub poor: u64,
    /// Local verdict `not_poor`.
    pub not_poor: u64,
    /// Households meeting each criterion, in BPS order.
    pub criteria: [u64; 14],
}

impl DesaTally {
    fn add(&mut self, home: &Home) {
        self.households += 1;
        match home.review_status.as_str() {
            "approved" => self.approved += 1,
            "pending" => self.pending += 1,
            "resubmitted" => self.resubmitted += 1,
            "returned" => self.returned += 1,
            "rejected" => self.rejected += 1,
            _ => {}
        }
        match home.verdict.as_deref() {
            Some("poor") => self.poor += 1,
            Some("not_poor") => self.not_poor += 1,
            _ => {}
        }
        let mask = home.met_mask.unwrap_or(0);
        for (i, n) in self.criteria.iter_mut().enumerate() {
            if mask & (1 << i) != 0 {
                *n += 1;
            }
        }
    }

    fn values(self) -> Vec<sea_orm::Value> {
        let n = |v: u64| sea_orm::Value::from(i64::try_from(v).unwrap_or(i64::MAX));
        let criteria: Vec<String> = self.criteria.iter().map(ToString::to_string).collect();
        vec![
            self.desa.into(),
            n(self.households),
            n(self.approved),
            n(self.pending),
            n(self.resubmitted),
            n(self.returned),
            n(self.rejected),
            n(self.poor),
            n(self.not_poor),
            criteria.join(",").into(),
        ]
    }
}

/// A row of `desa_tally`.
#[derive(FromQueryResult)]
struct TallyRow {
    desa: String,
    households: i64,
    approved: i64,
    pending: i64,
    resubmitted: i64,
    returned: i64,
    rejected: i64,
    poor: i64,
    not_poor: i64,
    /// `n0,n1,…,n13`.
    criteria: String,
}

impl From<TallyRow> for DesaTally {
    fn from(row: TallyRow) -> Self {
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        let mut criteria = [0; 14];
        for (slot, v) in criteria.iter_mut().zip(row.criteria.split(',')) {
            *slot = v.trim().parse().unwrap_or(0);
        }
        Self {
            desa: row.desa,
            households: n(row.households),
            approved: n(row.approved),
            pending: n(row.pending),
            resubmitted: n(row.resubmitted),
            returned: n(row.returned),
            rejected: n(row.rejected),
            poor: n(row.poor),
            not_poor: n(row.not_poor),
            criteria,
        }
    }
}

/// Replaces the map cells (every level) and the tally of these desa from their households.
/// The households are read with their positions and scores by index (a desa holds hundreds)
/// and grouped here: grouping 16 levels in SQL made PostgreSQL scan every position instead.
async fn count_desa(db: &impl ConnectionTrait, desa: &[String]) -> Result<(), StoreError> {
    let backend = db.get_database_backend();
    for group in desa.chunks(DESA_PER_QUERY) {
        let codes: Vec<sea_orm::Value> = group.iter().map(|c| c.as_str().into()).collect();
        for table in ["map_cell", "desa_tally"] {
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "DELETE FROM {table} WHERE desa IN ({})",
                    marks(backend, 1, group.len())
                ),
                codes.clone(),
            ))
            .await?;
        }
        let homes = Home::find_by_statement(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT h.area_code, h.review_status, s.verdict, s.met_mask, p.latitude, \
                   p.longitude \
                 FROM household h LEFT JOIN household_position p ON p.household_id = h.id \
                   LEFT JOIN household_score s ON s.household_id = h.id \
                 WHERE h.area_code IN ({}) AND h.tombstone IS NULL",
                marks(backend, 1, group.len())
            ),
            codes,
        ))
        .all(db)
        .await?;
        let mut cells: BTreeMap<(&str, u8, i64, i64), Sums> = BTreeMap::new();
        let mut tallies: BTreeMap<&str, DesaTally> = BTreeMap::new();
        for home in &homes {
            tallies
                .entry(home.area_code.as_str())
                .or_insert_with(|| DesaTally {
                    desa: home.area_code.clone(),
                    ..DesaTally::default()
                })
                .add(home);
            let (Some(latitude), Some(longitude)) = (home.latitude, home.longitude) else {
                continue;
            };
            let poor = i64::from(home.verdict.as_deref() == Some("poor"));
            for level in 0..map::LEVELS {
                let size = map::cell_size(level);
                let key = (
                    home.area_code.as_str(),
                    level,
                    map::cell_of(longitude, 180.0, size),
                    map::cell_of(latitude, 90.0, size),
                );
                let sums = cells.entry(key).or_default();
                sums.households += 1;
                sums.poor += poor;
                sums.latitude += latitude;
                sums.longitude += longitude;
            }
        }
        let cells: Vec<Vec<sea_orm::Value>> = cells
            .into_iter()
            .map(|((code, level, x, y), sums)| {
                vec![
                    i16::from(level).into(),
                    x.into(),
                    y.into(),
                    code.into(),
                    sums.households.into(),
                    sums.poor.into(),
                    sums.latitude.into(),
                    sums.longitude.into(),
                ]
            })
            .collect();
        insert(
            db,
            "map_cell (level, cell_x, cell_y, desa, households, poor, sum_latitude, \
             sum_longitude)",
            cells,
        )
        .await?;
        let tallies: Vec<Vec<sea_orm::Value>> =
            tallies.into_values().map(DesaTally::values).collect();
        insert(
            db,
            "desa_tally (desa, households, approved, pending, resubmitted, returned, rejected, \
             poor, not_poor, criteria)",
            tallies,
        )
        .await?;
    }
    Ok(())
}

/// Inserts `rows` into `target` (`table (columns)`), [`ROWS_PER_INSERT`] per statement.
async fn insert(
    db: &impl ConnectionTrait,
    target: &str,
    rows: Vec<Vec<sea_orm::Value>>,
) -> Result<(), StoreError> {
    let backend = db.get_database_backend();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut values = Vec::new();
        let mut tuples = Vec::new();
        for row in rows.by_ref().take(ROWS_PER_INSERT) {
            tuples.push(format!("({})", marks(backend, values.len() + 1, row.len())));
            values.extend(row);
        }
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            format!("INSERT INTO {target} VALUES {}", tuples.join(", ")),
            values,
        ))
        .await?;
    }
    Ok(())
}

/// The tallies of the desa at or below `area` that have households.
pub async fn of_desa_under(
    db: &impl ConnectionTrait,
    area: &AreaCode,
) -> Result<Vec<DesaTally>, StoreError> {
    let backend = db.get_database_backend();
    let [p, _] = placeholders(backend);
    let (under, value) = super::households_under("desa", p, area);
    let rows = TallyRow::find_by_statement(Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT desa, households, approved, pending, resubmitted, returned, rejected, \
               poor, not_poor, criteria FROM desa_tally WHERE {under}"
        ),
        [value],
    ))
    .all(db)
    .await?;
    Ok(rows.into_iter().map(DesaTally::from).collect())
}

/// Brings the tallies up to date when households changed since they were counted (the
/// background refresh usually has done it): before a read that must see every change. Changes
/// held back by an older transaction still running are waited for up to a second.
pub async fn catch_up(db: &DatabaseConnection) -> Result<(), StoreError> {
    let mut waited = Duration::ZERO;
    loop {
        match behind(db).await? {
            Lag::Countable => {
                refresh(db).await?;
            }
            // A change committed just before this read may sort after one still being written:
            // wait for it a little, as a pull does, rather than answer without it.
            Lag::Held if waited < HELD_WAIT => {
                tokio::time::sleep(HELD_POLL).await;
                waited += HELD_POLL;
            }
            Lag::None | Lag::Held => return Ok(()),
        }
    }
}

/// How long a read waits for changes held back by a transaction still running.
const HELD_WAIT: Duration = Duration::from_secs(1);

/// How often it looks again meanwhile.
const HELD_POLL: Duration = Duration::from_millis(10);
