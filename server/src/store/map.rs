//! Households on the map: each household's position (its latest visit's fix), and what a
//! viewport holds, as points or as grid cells; the cells' counts kept per desa and level in
//! `map_cell` by [`super::tallies`].

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
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
/// summed: read from `map_cell`, which [`super::tallies`] keeps up with the households.
pub async fn cells(
    db: &impl ConnectionTrait,
    area: &AreaCode,
    level: u8,
    bbox: BoundingBox,
    desa_at_least: Option<u64>,
) -> Result<Vec<Cell>, StoreError> {
    let backend = db.get_database_backend();
    let p: [&str; 7] = match backend {
        DbBackend::Postgres => ["$1", "$2", "$3", "$4", "$5", "$6", "$7"],
        _ => ["?1", "?2", "?3", "?4", "?5", "?6", "?7"],
    };
    let size = cell_size(level);
    let (under, area_value) = super::households_under("desa", p[5], area);
    // Analysts: the households of a desa too small to show are counted in no cell either, or
    // a cell total minus the desa figures would give the desa away.
    let withheld = if desa_at_least.is_some() {
        format!(
            "AND desa NOT IN (SELECT desa FROM desa_tally WHERE households > 0 \
             AND households < {})",
            p[6]
        )
    } else {
        String::new()
    };
    let sql = format!(
        "SELECT cell_x, cell_y, CAST(SUM(households) AS BIGINT) AS households, \
           CAST(SUM(poor) AS BIGINT) AS poor, SUM(sum_latitude) AS sum_latitude, \
           SUM(sum_longitude) AS sum_longitude \
         FROM map_cell WHERE level = {} AND cell_x BETWEEN {} AND {} \
           AND cell_y BETWEEN {} AND {} AND {under} {withheld} \
         GROUP BY cell_x, cell_y ORDER BY 3 DESC",
        p[0], p[1], p[2], p[3], p[4]
    );
    let mut values = vec![
        i16::from(level).into(),
        cell_of(bbox[0], 180.0, size).into(),
        cell_of(bbox[2], 180.0, size).into(),
        cell_of(bbox[1], 90.0, size).into(),
        cell_of(bbox[3], 90.0, size).into(),
        area_value,
    ];
    if let Some(min) = desa_at_least {
        values.push(i64::try_from(min).unwrap_or(i64::MAX).into());
    }
    Ok(
        Cell::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?,
    )
}
