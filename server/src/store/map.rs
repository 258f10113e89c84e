//! Households on the map: each household's position (its latest visit's fix), and what a
//! viewport holds, as points or as grid clusters.

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

/// Households of one grid cell.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct Cluster {
    /// How many.
    pub households: i64,
    /// Of which poor by the local score.
    pub poor: i64,
    /// Mean latitude.
    pub latitude: f64,
    /// Mean longitude.
    pub longitude: f64,
    /// Column of the cell, from the west edge of the box.
    pub cell_x: i64,
    /// Row of the cell, from the south edge of the box.
    pub cell_y: i64,
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

/// The households of the viewport grouped in square cells of `cell` degrees, counted from
/// `origin` (`[west, south]`, at or west and south of the box).
pub async fn clusters(
    db: &impl ConnectionTrait,
    area: &AreaCode,
    bbox: BoundingBox,
    cell: f64,
    origin: [f64; 2],
) -> Result<Vec<Cluster>, StoreError> {
    let backend = db.get_database_backend();
    let (from, values) = scope(backend, area, bbox, true);
    let [west, south] = origin;
    // PostgreSQL rounds when it casts to an integer, SQLite truncates (which, east and north
    // of the origin where offsets are not negative, is floor).
    let floor = |e: String| match backend {
        DbBackend::Postgres => format!("CAST(FLOOR({e}) AS BIGINT)"),
        _ => format!("CAST({e} AS BIGINT)"),
    };
    let (x, y) = (
        floor(format!("(p.longitude - ({west})) / {cell}")),
        floor(format!("(p.latitude - ({south})) / {cell}")),
    );
    let sql = format!(
        "SELECT COUNT(*) AS households, \
           SUM(CASE WHEN s.verdict = 'poor' THEN 1 ELSE 0 END) AS poor, \
           AVG(p.latitude) AS latitude, AVG(p.longitude) AS longitude, \
           {x} AS cell_x, {y} AS cell_y \
         {from} GROUP BY {x}, {y} ORDER BY 1 DESC"
    );
    Ok(
        Cluster::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?,
    )
}
