//! The map: `GET /v1/map/households` (GeoJSON points of a viewport, or grid clusters when it
//! holds more than a screen can show) and `GET /v1/map/desa` (desa polygons with their
//! indicators, for a choropleth).

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use sync_protocol::v1::map::{DesaMap, HouseholdMap};
use tracing::instrument;

use super::extract::{ApiQuery, AuthUser};
use crate::error::ApiError;
use crate::map;
use crate::state::AppState;
use crate::store::map::BoundingBox;

/// The viewport asked for.
#[derive(Debug, Deserialize)]
pub struct HouseholdsQuery {
    area: String,
    /// `west,south,east,north` in degrees.
    bbox: String,
    /// At most this many points (≤ 2,000, the default); more households come as clusters.
    max_points: Option<u64>,
}

fn parse_bbox(text: &str) -> Result<BoundingBox, ApiError> {
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
/// `FeatureCollection` of the viewport's households, as points or clusters (`crate::map`).
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn households(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<HouseholdsQuery>,
) -> Result<Json<HouseholdMap>, ApiError> {
    let area = user.area_in_scope(&query.area)?;
    let bbox = parse_bbox(&query.bbox)?;
    let max_points = query.max_points.unwrap_or(map::MAX_POINTS);
    Ok(Json(
        map::households(&app.db, user.actor.role, &area, bbox, max_points).await?,
    ))
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
) -> Result<Json<DesaMap>, ApiError> {
    let area = user.area_in_scope(&query.area)?;
    let index = app.boundaries.index();
    map::desa(&app.db, &app.config.review, &index, &area)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("wilayah {area} tidak dikenal")))
}
