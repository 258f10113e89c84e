//! Households on the map: each household's position (its latest visit's fix), and what a
//! viewport holds, as points or as grid cells; the cells' counts kept per desa and level in
//! `map_cell` (see the migration `create_map_cell`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
use uuid::Uuid;

use super::StoreError;
use super::batch::WriteBatch;
use crate::domain::area::AreaCode;

/// Queues the household's position from a visit; an older visit (by its end) never replaces
/// a newer one's.
pub fn queue_position(
    batch: &mut WriteBatch,
    household_id: Uuid,
    (latitude, longitude): (f64, f64),
    ended_at: DateTime<Utc>,
) {
    // Every visit ends with one: written out once (see `devices`).
    const UPSERT: &str = "INSERT INTO household_position \
        (household_id, latitude, longitude, visit_ended_at) VALUES ($1, $2, $3, $4) \
        ON CONFLICT (household_id) DO UPDATE SET latitude = excluded.latitude, \
        longitude = excluded.longitude, visit_ended_at = excluded.visit_ended_at \
        WHERE household_position.visit_ended_at <= excluded.visit_ended_at";
    batch.push_sql(
        UPSERT,
        [
            household_id.into(),
            latitude.into(),
            longitude.into(),
            ended_at.into(),
        ],
    );
}

/// A viewport: `[west, south, east, north]` in degrees.
pub type BoundingBox = [f64; 4];

/// One household on the map.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct Point {
    /// Household id.
    pub id: Uuid,
    /// Its desa.
    pub area_code: String,
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
    /// Review status.
    pub review_status: String,
    /// Local verdict, if scored.
    pub verdict: Option<String>,
    /// Criteria met, if scored.
    pub met: Option<i32>,
}

/// The households of one desa in one grid cell, or (summed) of every desa in it.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct Cell {
    /// Column of the cell: `floor((longitude + 180) / size)`.
    pub cell_x: i64,
    /// Row of the cell: `floor((latitude + 90) / size)`.
    pub cell_y: i64,
    /// How many.
    pub households: i64,
    /// Of which poor by the local score.
    pub poor: i64,
    /// The sum of their latitudes.
    pub sum_latitude: f64,
    /// The sum of their longitudes.
    pub sum_longitude: f64,
}

/// Cells of level 0 are this many degrees wide (about 140 m); each level doubles it.
pub const BASE_CELL: f64 = 0.001_25;

/// Levels 0 … `LEVELS - 1`: the widest cells are 41° wide, more than Indonesia is tall.
pub const LEVELS: u8 = 16;

/// The width in degrees of the cells of `level`.
#[must_use]
pub fn cell_size(level: u8) -> f64 {
    BASE_CELL * f64::from(1_u32 << level.min(LEVELS - 1))
}

/// The cell a coordinate falls in: `floor((value + offset) / size)` (offset 180 for a
/// longitude, 90 for a latitude, so that the quotient is never negative).
#[must_use]
#[expect(
    clippy::cast_possible_truncation,
    reason = "at most 360 / 0.00125 = 288,000 cells"
)]
pub fn cell_of(value: f64, offset: f64, size: f64) -> i64 {
    ((value + offset) / size).floor() as i64
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

/// `FROM … WHERE` for households at or below `area` inside the box, with its values; with
/// the household's score (as `s`) when the query reads it.
fn scope(
    backend: DbBackend,
    area: &AreaCode,
    bbox: BoundingBox,
    with_score: bool,
) -> (String, Vec<sea_orm::Value>) {
    let p: [&str; 5] = match backend {
        DbBackend::Postgres => ["$1", "$2", "$3", "$4", "$5"],
        _ => ["?1", "?2", "?3", "?4", "?5"],
    };
    let (under, value) = super::households_under("h.area_code", p[0], area);
    let sql = format!(
        "FROM household_position p JOIN household h ON h.id = p.household_id \
         {} \
         WHERE h.tombstone IS NULL AND {under} \
           AND p.longitude BETWEEN {} AND {} AND p.latitude BETWEEN {} AND {}",
        if with_score {
            "LEFT JOIN household_score s ON s.household_id = h.id"
        } else {
            ""
        },
        p[1],
        p[3],
        p[2],
        p[4]
    );
    let values = vec![
        value,
        bbox[0].into(),
        bbox[1].into(),
        bbox[2].into(),
        bbox[3].into(),
    ];
    (sql, values)
}

/// How many households the viewport holds, counting no further than `cap` (so that a
/// viewport over the whole regency costs no more than a small one to count).
pub async fn count_up_to(
    db: &impl ConnectionTrait,
    area: &AreaCode,
    bbox: BoundingBox,
    cap: u64,
) -> Result<u64, StoreError> {
    let backend = db.get_database_backend();
    let (from, values) = scope(backend, area, bbox, false);
    let sql = format!("SELECT COUNT(*) AS n FROM (SELECT 1 AS one {from} LIMIT {cap}) AS capped");
    let row = Count::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
        .one(db)
        .await?;
    Ok(row.map_or(0, |c| u64::try_from(c.n).unwrap_or(0)))
}

/// The households of the viewport, at most `limit`, in id order.
pub async fn points(
    db: &impl ConnectionTrait,
    area: &AreaCode,
    bbox: BoundingBox,
    limit: u64,
) -> Result<Vec<Point>, StoreError> {
    let backend = db.get_database_backend();
    let (from, values) = scope(backend, area, bbox, true);
    let sql = format!(
        "SELECT h.id, h.area_code, p.latitude, p.longitude, h.review_status, s.verdict, s.met \
         {from} ORDER BY h.id LIMIT {limit}"
    );
    Ok(
        Point::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?,
    )
}

/// The households of the viewport in the cells of `level` it touches, every desa of a cell
/// summed: read from `map_cell`, which [`refresh_cells`] keeps up with the households.
pub async fn cells(
    db: &impl ConnectionTrait,
    area: &AreaCode,
    level: u8,
    bbox: BoundingBox,
) -> Result<Vec<Cell>, StoreError> {
    let backend = db.get_database_backend();
    let p: [&str; 6] = match backend {
        DbBackend::Postgres => ["$1", "$2", "$3", "$4", "$5", "$6"],
        _ => ["?1", "?2", "?3", "?4", "?5", "?6"],
    };
    let size = cell_size(level);
    let (under, area_value) = super::households_under("desa", p[5], area);
    let sql = format!(
        "SELECT cell_x, cell_y, CAST(SUM(households) AS BIGINT) AS households, \
           CAST(SUM(poor) AS BIGINT) AS poor, SUM(sum_latitude) AS sum_latitude, \
           SUM(sum_longitude) AS sum_longitude \
         FROM map_cell WHERE level = {} AND cell_x BETWEEN {} AND {} \
           AND cell_y BETWEEN {} AND {} AND {under} \
         GROUP BY cell_x, cell_y ORDER BY 3 DESC",
        p[0], p[1], p[2], p[3], p[4]
    );
    let values = vec![
        i16::from(level).into(),
        cell_of(bbox[0], 180.0, size).into(),
        cell_of(bbox[2], 180.0, size).into(),
        cell_of(bbox[1], 90.0, size).into(),
        cell_of(bbox[3], 90.0, size).into(),
        area_value,
    ];
    Ok(
        Cell::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?,
    )
}

/// How far along the pull log `map_cell` is.
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

async fn counted(db: &impl ConnectionTrait) -> Result<Counted, StoreError> {
    let backend = db.get_database_backend();
    Counted::find_by_statement(Statement::from_string(
        backend,
        "SELECT tx, change_id FROM map_refresh WHERE id = 1",
    ))
    .one(db)
    .await?
    .ok_or_else(|| StoreError::Corrupt("map_refresh has no row".to_owned()))
}

/// Whether households changed since the cells were counted (by log rows that may be counted).
pub async fn cells_behind(db: &impl ConnectionTrait) -> Result<bool, StoreError> {
    let backend = db.get_database_backend();
    let at = counted(db).await?;
    // The first row after the position, in log order (by the index, even when the planner
    // cannot tell how many rows follow); rows after a held one are held too, as the log is
    // ordered by transaction first.
    let sql = format!(
        "SELECT {} AS held FROM sync_change WHERE {} ORDER BY tx, id LIMIT 1",
        held(backend),
        after_position(backend)
    );
    let next = Held::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [at.tx.into(), at.change_id.into()],
    ))
    .one(db)
    .await?;
    Ok(next.is_some_and(|row| !row.held))
}

#[derive(FromQueryResult)]
struct Held {
    held: bool,
}

/// Counts again the cells of every desa named (as its area or its previous one) by a log row
/// after the cells' position, and moves the position past them; the number of desa counted.
/// One transaction; a second refresh waits for the first (both update the position row first,
/// which also takes SQLite's write lock at once).
pub async fn refresh_cells(db: &DatabaseConnection) -> Result<usize, StoreError> {
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    txn.execute_raw(Statement::from_string(
        backend,
        "UPDATE map_refresh SET tx = tx WHERE id = 1",
    ))
    .await?;
    let start = counted(&txn).await?;
    let mut at = start;
    let mut desa = BTreeSet::new();
    loop {
        let sql = format!(
            "SELECT tx, id, area_code, prev_area_code, {} AS held FROM sync_change \
             WHERE {} ORDER BY tx, id LIMIT {LOG_PAGE}",
            held(backend),
            after_position(backend)
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
        format!("UPDATE map_refresh SET tx = {tx}, change_id = {id} WHERE id = 1"),
        [at.tx.into(), at.change_id.into()],
    ))
    .await?;
    txn.commit().await?;
    Ok(desa.len())
}

/// Has the next refresh count every desa again (after the scores were computed anew).
pub async fn recount_all_cells(db: &impl ConnectionTrait) -> Result<(), StoreError> {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE map_refresh SET tx = 0, change_id = 0 WHERE id = 1",
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

/// Cells written per `INSERT` statement (8 values each, well below both databases' limits).
const CELLS_PER_INSERT: usize = 500;

/// One household as the cells count it.
#[derive(FromQueryResult)]
struct Home {
    area_code: String,
    latitude: f64,
    longitude: f64,
    poor: i32,
}

/// The sums of one cell of one desa.
#[derive(Default)]
struct Sums {
    households: i64,
    poor: i64,
    latitude: f64,
    longitude: f64,
}

/// Replaces the cells of these desa, at every level, from their households' positions. The
/// households are read with their positions and scores by index (a desa holds hundreds) and
/// grouped here: grouping 16 levels in SQL made PostgreSQL scan every position instead.
async fn count_desa(db: &impl ConnectionTrait, desa: &[String]) -> Result<(), StoreError> {
    let backend = db.get_database_backend();
    for group in desa.chunks(DESA_PER_QUERY) {
        let codes: Vec<sea_orm::Value> = group.iter().map(|c| c.as_str().into()).collect();
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "DELETE FROM map_cell WHERE desa IN ({})",
                marks(backend, 1, group.len())
            ),
            codes.clone(),
        ))
        .await?;
        let homes = Home::find_by_statement(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT h.area_code, p.latitude, p.longitude, \
                   CASE WHEN s.verdict = 'poor' THEN 1 ELSE 0 END AS poor \
                 FROM household h JOIN household_position p ON p.household_id = h.id \
                   LEFT JOIN household_score s ON s.household_id = h.id \
                 WHERE h.area_code IN ({}) AND h.tombstone IS NULL",
                marks(backend, 1, group.len())
            ),
            codes,
        ))
        .all(db)
        .await?;
        let mut cells: BTreeMap<(&str, u8, i64, i64), Sums> = BTreeMap::new();
        for home in &homes {
            for level in 0..LEVELS {
                let size = cell_size(level);
                let key = (
                    home.area_code.as_str(),
                    level,
                    cell_of(home.longitude, 180.0, size),
                    cell_of(home.latitude, 90.0, size),
                );
                let sums = cells.entry(key).or_default();
                sums.households += 1;
                sums.poor += i64::from(home.poor);
                sums.latitude += home.latitude;
                sums.longitude += home.longitude;
            }
        }
        let cells: Vec<_> = cells.into_iter().collect();
        for rows in cells.chunks(CELLS_PER_INSERT) {
            let mut values = Vec::with_capacity(rows.len() * 8);
            let tuples: Vec<String> = rows
                .iter()
                .enumerate()
                .map(|(r, ((code, level, x, y), sums))| {
                    values.extend([
                        i16::from(*level).into(),
                        (*x).into(),
                        (*y).into(),
                        (*code).into(),
                        sums.households.into(),
                        sums.poor.into(),
                        sums.latitude.into(),
                        sums.longitude.into(),
                    ]);
                    format!("({})", marks(backend, r * 8 + 1, 8))
                })
                .collect();
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "INSERT INTO map_cell (level, cell_x, cell_y, desa, households, poor, \
                       sum_latitude, sum_longitude) VALUES {}",
                    tuples.join(", ")
                ),
                values,
            ))
            .await?;
        }
    }
    Ok(())
}
