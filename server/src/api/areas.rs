//! `GET /v1/areas/locate`: which desa holds a point. Boundaries are public facts, so any
//! signed-in user may ask; the answer says whether the desa is in the caller's areas.
//! `GET /v1/areas?under=…&level=…`: the kecamatan or desa below an area that the caller's
//! areas cover, for pickers.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use sync_protocol::v1::ErrorBody;
use sync_protocol::v1::office::{AreaListing, AreaRef, LocatedArea};
use tracing::instrument;

use super::extract::{ApiQuery, AuthUser};
use crate::domain::area::AreaCode;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::areas;

/// The point asked about.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocateQuery {
    /// Latitude, decimal degrees (WGS 84).
    lat: f64,
    /// Longitude, decimal degrees (WGS 84).
    lon: f64,
}

/// `GET /v1/areas/locate?lat=…&lon=…`: the desa or kelurahan whose boundary holds a point.
#[utoipa::path(
    get, path = "/v1/areas/locate", tag = "areas", params(LocateQuery),
    responses(
        (status = 200, description = "The desa, its kecamatan, and whether it is in the user's areas.", body = LocatedArea),
        (status = 404, description = "`not_found`: no known boundary holds the point.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn locate(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<LocateQuery>,
) -> Result<Json<LocatedArea>, ApiError> {
    let LocateQuery { lat, lon } = query;
    // Ranges exclude NaN and the infinities.
    if !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)) {
        return Err(ApiError::invalid(
            "lat harus -90…90 dan lon -180…180 (derajat desimal WGS 84)",
        ));
    }
    let index = app.boundaries.index();
    let code = index
        .locate([lon, lat])
        .and_then(|c| AreaCode::parse(c).ok())
        .ok_or_else(|| {
            ApiError::not_found(
                "titik ini tidak berada di desa/kelurahan mana pun yang batasnya dikenal",
            )
        })?;
    let kecamatan = code.parent();
    let wanted: Vec<&str> = [
        Some(code.as_str()),
        kecamatan.as_ref().map(AreaCode::as_str),
    ]
    .into_iter()
    .flatten()
    .collect();
    let names = areas::names(&app.db, &wanted).await?;
    let area_ref = |c: &AreaCode| AreaRef {
        code: c.as_str().to_owned(),
        name: names.get(c.as_str()).cloned().unwrap_or_default(),
    };
    Ok(Json(LocatedArea {
        desa: area_ref(&code),
        level: code.level().as_str().to_owned(),
        kecamatan: kecamatan.as_ref().map(area_ref),
        in_scope: user.actor.scope.covers(code.as_str()),
    }))
}

/// The question of `GET /v1/areas`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// The kabupaten or kecamatan code, e.g. `73.22`.
    under: String,
    /// `kecamatan` or `desa` (desa and kelurahan).
    level: String,
}

/// `GET /v1/areas?under=73.22&level=kecamatan|desa`: in code order, only those the caller's
/// areas cover.
#[utoipa::path(
    get, path = "/v1/areas", tag = "areas", params(ListQuery),
    responses((status = 200, description = "In code order.", body = AreaListing)),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn list(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<AreaListing>, ApiError> {
    let under = AreaCode::parse(&query.under).map_err(|e| ApiError::invalid(e.to_string()))?;
    let levels: &[&str] = match query.level.as_str() {
        "kecamatan" => &["kecamatan"],
        "desa" => &["desa", "kelurahan"],
        other => {
            return Err(ApiError::invalid(format!(
                "level harus kecamatan atau desa, bukan {other:?}"
            )));
        }
    };
    let areas = areas::below(&app.db, under.as_str(), levels)
        .await?
        .into_iter()
        .filter(|(code, _)| user.actor.scope.covers(code))
        .map(|(code, name)| AreaRef { code, name })
        .collect();
    Ok(Json(AreaListing {
        under: under.as_str().to_owned(),
        level: query.level,
        areas,
    }))
}
