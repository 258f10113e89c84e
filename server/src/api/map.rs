//! The map: `GET /v1/map/households` (GeoJSON points of a viewport, or grid clusters when it
//! holds more than a screen can show), `GET /v1/map/desa` (desa polygons with their
//! indicators, for a choropleth), and the optional basemap (`GET /v1/map/basemap`, and its
//! PMTiles file by range requests).

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sync_protocol::v1::ErrorBody;
use sync_protocol::v1::map::{Basemap, DesaMap, HouseholdMap};
use tracing::instrument;

use super::extract::{ApiQuery, AuthUser};
use crate::basemap::{self, ByteRange};
use crate::error::ApiError;
use crate::indicators::Disclosure;
use crate::map;
use crate::state::AppState;
use crate::store::map::BoundingBox;

/// The viewport asked for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HouseholdsQuery {
    /// An area of the user's (kabupaten, kecamatan or desa code).
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
/// Analysts get clusters only, with small cells suppressed (PROTOCOL.md §9).
#[utoipa::path(
    get, path = "/v1/map/households", tag = "map", params(HouseholdsQuery),
    responses(
        (status = 200, description = "A GeoJSON feature collection of points or clusters.", body = HouseholdMap),
        (status = 403, description = "`area_out_of_scope`.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn households(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<HouseholdsQuery>,
) -> Result<Json<HouseholdMap>, ApiError> {
    let area = user.area_in_scope(&query.area)?;
    let bbox = parse_bbox(&query.bbox)?;
    let max_points = query.max_points.unwrap_or(map::MAX_POINTS);
    let min_cell = app.config.privacy.min_cell;
    Ok(Json(
        map::households(&app.db, user.actor.role, &area, bbox, max_points, min_cell).await?,
    ))
}

/// The area asked for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DesaQuery {
    /// An area of the user's (kabupaten, kecamatan or desa code).
    area: String,
}

/// `GET /v1/map/desa?area=…`: every desa and kelurahan under the area with a boundary, as
/// GeoJSON polygons whose properties are the desa's indicators.
#[utoipa::path(
    get, path = "/v1/map/desa", tag = "map", params(DesaQuery),
    responses(
        (status = 200, description = "A GeoJSON feature collection of desa polygons.", body = DesaMap),
        (status = 403, description = "`area_out_of_scope`.", body = ErrorBody),
        (status = 404, description = "`not_found`: the area is not known.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn desa(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<DesaQuery>,
) -> Result<Json<DesaMap>, ApiError> {
    let area = user.area_in_scope(&query.area)?;
    let index = app.boundaries.index();
    let disclosure = Disclosure::for_role(user.actor.role, &app.config.privacy);
    map::desa(&app.db, &app.config.review, &index, &area, disclosure)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("wilayah {area} tidak dikenal")))
}

/// `GET /v1/map/basemap`: what the map draws under the desa polygons (configuration `[map]`).
#[utoipa::path(
    get, path = "/v1/map/basemap", tag = "map",
    responses((status = 200, description = "None, a tile URL template, or the PMTiles file.", body = Basemap)),
)]
pub async fn basemap(State(app): State<AppState>, _user: AuthUser) -> Json<Basemap> {
    Json(basemap::describe(&app.config.map))
}

/// `GET /v1/map/basemap.pmtiles` with `Range: bytes=…`: the PMTiles file, a range at a time
/// (`206`); without a range, whole (`200`); a range outside it, `416`.
#[utoipa::path(
    get, path = "/v1/map/basemap.pmtiles", tag = "map",
    params(("Range" = Option<String>, Header, description = "`bytes=first-last`, one range.")),
    responses(
        (status = 200, description = "The whole file.", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 206, description = "The range asked for.", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, description = "`not_found`: no PMTiles basemap is configured.", body = ErrorBody),
        (status = 416, description = "The range lies outside the file."),
    ),
)]
pub async fn basemap_file(
    State(app): State<AppState>,
    _user: AuthUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if app.config.map.basemap_pmtiles.is_empty() {
        return Err(ApiError::not_found("tidak ada peta dasar PMTiles"));
    }
    let path = std::path::PathBuf::from(&app.config.map.basemap_pmtiles);
    let failed =
        |e: std::io::Error| ApiError::Internal(anyhow::anyhow!("basemap {}: {e}", path.display()));
    let asked = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(ByteRange::parse);
    part(&path, asked).await.map_err(failed)
}

/// The file, or the part of it `asked` names, as an HTTP answer.
async fn part(path: &std::path::Path, asked: Option<ByteRange>) -> std::io::Result<Response> {
    let len = tokio::fs::metadata(path).await?.len();
    let whole = len.checked_sub(1).map(|last| (0, last));
    let Some((start, end)) = asked.map_or(whole, |r| r.within(len)) else {
        return Ok(match asked {
            Some(_) => with_header(
                StatusCode::RANGE_NOT_SATISFIABLE.into_response(),
                header::CONTENT_RANGE,
                &format!("bytes */{len}"),
            ),
            None => StatusCode::OK.into_response(),
        });
    };
    let bytes = basemap::read(path, start, end).await?;
    let status = if asked.is_some() {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let mut response = (status, Body::from_stream(bytes)).into_response();
    let out = response.headers_mut();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    let response = with_header(
        response,
        header::CONTENT_LENGTH,
        &(end - start + 1).to_string(),
    );
    Ok(match asked {
        Some(_) => with_header(
            response,
            header::CONTENT_RANGE,
            &format!("bytes {start}-{end}/{len}"),
        ),
        None => response,
    })
}

fn with_header(mut response: Response, name: header::HeaderName, value: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
    response
}
