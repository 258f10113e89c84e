//! The map: `GET /v1/map/households` (GeoJSON points of a viewport, or grid clusters when it
//! holds more than a screen can show) and `GET /v1/map/desa` (desa polygons with their
//! indicators, for a choropleth).

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};
use tracing::instrument;

use super::extract::{ApiQuery, AuthUser};
use super::indicators::{IndicatorsQuery, POOR_SHARE_BASIS, compute};
use crate::domain::role::Role;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::map;

/// Cells per side of the viewport when households are clustered.
const GRID: f64 = 64.0;

/// At most this many points are sent; more become clusters.
const MAX_POINTS: u64 = 2000;

/// Analysts' clusters are cells of a fixed grid (from 180° W, 90° S) this many degrees wide
/// (about 1.1 km) times a power of two, over whole cells only, and hold at least
/// [`ANALYST_MIN_HOUSEHOLDS`]: no viewport, however small or shifted, singles out a household.
/// (A cell size following the viewport's width exactly would let a slightly wider viewport
/// slide every cell edge a little, and so move one household from cell to cell.)
const ANALYST_MIN_CELL: f64 = 0.01;

/// The analysts' cell for a viewport that asks for cells of `wanted` degrees: the smallest of
/// [`ANALYST_MIN_CELL`] × 1, 2, 4, 8… not below it. A handful of sizes, so the grid's edges
/// stay where they are when the viewport moves or grows a little.
fn analyst_cell(wanted: f64) -> f64 {
    let mut cell = ANALYST_MIN_CELL;
    while cell < wanted && cell < 360.0 {
        cell *= 2.0;
    }
    cell
}

/// Analysts' cells with fewer households are left out (and counted as `suppressed`).
const ANALYST_MIN_HOUSEHOLDS: i64 = 5;

/// The viewport asked for.
#[derive(Debug, Deserialize)]
pub struct HouseholdsQuery {
    area: String,
    /// `west,south,east,north` in degrees.
    bbox: String,
    /// At most this many points (≤ 2,000, the default); more households come as clusters.
    max_points: Option<u64>,
}

fn parse_bbox(text: &str) -> Result<map::BoundingBox, ApiError> {
    let invalid = || {
        ApiError::invalid(
            "bbox harus barat,selatan,timur,utara dalam derajat, contoh 119.9,-2.9,120.6,-2.3",
        )
    };
    let numbers: Vec<f64> = text
        .split(',')
        .map(|n| n.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| invalid())?;
    let [west, south, east, north] = numbers[..] else {
        return Err(invalid());
    };
    let ok = (-180.0..=180.0).contains(&west)
        && (-180.0..=180.0).contains(&east)
        && (-90.0..=90.0).contains(&south)
        && (-90.0..=90.0).contains(&north)
        && west < east
        && south < north;
    if ok {
        Ok([west, south, east, north])
    } else {
        Err(invalid())
    }
}

/// `GET /v1/map/households?area=…&bbox=west,south,east,north[&max_points=N]`: a GeoJSON
/// `FeatureCollection`. Up to `max_points` (2,000) households come as points (id, desa,
/// review status, local verdict, criteria met); beyond that as clusters in square cells of
/// 1/64 of the box's longer side (households, of which poor). Analysts always get clusters, on the fixed
/// grid described at [`ANALYST_MIN_CELL`], without cells of fewer than five households
/// (`suppressed` counts what was left out).
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn households(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<HouseholdsQuery>,
) -> Result<Json<Value>, ApiError> {
    let area = user.area_in_scope(&query.area)?;
    let bbox = parse_bbox(&query.bbox)?;
    let max_points = query.max_points.unwrap_or(MAX_POINTS).min(MAX_POINTS);
    let as_points = user.actor.role != Role::Analyst
        && map::count_up_to(&app.db, &area, bbox, max_points + 1).await? <= max_points;
    let total: u64;
    let mut suppressed = 0;
    let features: Vec<Value> = if as_points {
        let points = map::points(&app.db, &area, bbox, max_points).await?;
        total = points.len() as u64;
        points
            .into_iter()
            .map(|p| {
                json!({
                    "type": "Feature",
                    "geometry": { "type": "Point", "coordinates": [p.longitude, p.latitude] },
                    "properties": {
                        "id": p.id,
                        "desa": p.area_code,
                        "review_status": p.review_status,
                        "verdict": p.verdict,
                        "criteria_met": p.met,
                    },
                })
            })
            .collect()
    } else {
        let analyst = user.actor.role == Role::Analyst;
        let mut cell = (bbox[2] - bbox[0]).max(bbox[3] - bbox[1]) / GRID;
        let (mut bbox, mut origin) = (bbox, [bbox[0], bbox[1]]);
        if analyst {
            // Analysts see no single household: whole cells of a fixed grid, placed at the
            // cell's centre (not at the mean of its households), small cells left out.
            cell = analyst_cell(cell);
            origin = [-180.0, -90.0];
            let snap = |v: f64, o: f64, up: bool| {
                let n = (v - o) / cell;
                o + if up { n.ceil() } else { n.floor() } * cell
            };
            bbox = [
                snap(bbox[0], origin[0], false),
                snap(bbox[1], origin[1], false),
                snap(bbox[2], origin[0], true),
                snap(bbox[3], origin[1], true),
            ];
        }
        let mut clusters = map::clusters(&app.db, &area, bbox, cell, origin).await?;
        total = clusters
            .iter()
            .map(|c| u64::try_from(c.households).unwrap_or(0))
            .sum();
        if analyst {
            clusters.retain(|c| c.households >= ANALYST_MIN_HOUSEHOLDS);
        }
        suppressed = total
            - clusters
                .iter()
                .map(|c| u64::try_from(c.households).unwrap_or(0))
                .sum::<u64>();
        clusters
            .into_iter()
            .map(|c| {
                #[expect(clippy::cast_precision_loss, reason = "cell numbers far below 2^52")]
                let (lon, lat) = if analyst {
                    (
                        origin[0] + (c.cell_x as f64 + 0.5) * cell,
                        origin[1] + (c.cell_y as f64 + 0.5) * cell,
                    )
                } else {
                    (c.longitude, c.latitude)
                };
                json!({
                    "type": "Feature",
                    "geometry": { "type": "Point", "coordinates": [lon, lat] },
                    "properties": { "cluster": true, "households": c.households, "poor": c.poor },
                })
            })
            .collect()
    };
    Ok(Json(json!({
        "type": "FeatureCollection",
        "households": total,
        "clustered": !as_points,
        "suppressed": suppressed,
        "features": features,
    })))
}

/// The area asked for.
#[derive(Debug, Deserialize)]
pub struct DesaQuery {
    area: String,
}

/// `GET /v1/map/desa?area=…`: every desa and kelurahan under the area with a boundary, as
/// GeoJSON polygons whose properties are the desa's indicators.
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn desa(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<DesaQuery>,
) -> Result<Json<Value>, ApiError> {
    let indicators = compute(
        &app,
        &user,
        IndicatorsQuery {
            area: query.area,
            level: "desa".to_owned(),
        },
    )
    .await?;
    let index = app.boundaries.index();
    let features: Vec<Value> = indicators
        .areas
        .into_iter()
        .filter_map(|desa| {
            let boundary = index.boundary(&desa.code)?;
            Some(json!({
                "type": "Feature",
                "geometry": boundary.to_geojson(),
                "properties": desa,
            }))
        })
        .collect();
    Ok(Json(json!({
        "type": "FeatureCollection",
        "poor_share_basis": POOR_SHARE_BASIS,
        "features": features,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(
        clippy::float_cmp,
        reason = "the sizes are exact doublings of one constant"
    )]
    fn analysts_cells_keep_their_size_when_the_viewport_grows_a_little() {
        // 0.7° wide, then 0.0000021° wider: the same cells (the sizes once slid apart).
        assert_eq!(analyst_cell(0.7 / GRID), ANALYST_MIN_CELL * 2.0);
        assert_eq!(analyst_cell(0.700_002_1 / GRID), ANALYST_MIN_CELL * 2.0);
        assert_eq!(analyst_cell(0.5 / GRID), ANALYST_MIN_CELL);
        assert_eq!(analyst_cell(0.0), ANALYST_MIN_CELL);
        assert_eq!(analyst_cell(3.0 / GRID), ANALYST_MIN_CELL * 8.0);
    }
}
