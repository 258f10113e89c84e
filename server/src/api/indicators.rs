//! `GET /v1/indicators`: administrative indicators per kecamatan or desa, for Dinas Sosial,
//! Bappeda and the supervisors. Aggregates only; any role, inside its own areas.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use sync_protocol::v1::ErrorBody;
use sync_protocol::v1::office::IndicatorsResponse;
use tracing::instrument;

use super::extract::{ApiQuery, AuthUser};
use crate::domain::area::AreaCode;
use crate::error::ApiError;
use crate::indicators::{self, Disclosure, Level};
use crate::state::AppState;

/// The question.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorsQuery {
    /// An area of the user's (kabupaten or kecamatan code).
    pub(super) area: String,
    /// One row per `kecamatan` or per `desa` (the default).
    #[serde(default = "desa")]
    #[param(required = false)]
    pub(super) level: String,
}

fn desa() -> String {
    "desa".to_owned()
}

impl IndicatorsQuery {
    /// The area (in the user's) and the level asked for.
    pub(super) fn parse(&self, user: &AuthUser) -> Result<(AreaCode, Level), ApiError> {
        let area = user.area_in_scope(&self.area)?;
        let level = Level::parse(&self.level).ok_or_else(|| {
            ApiError::invalid(format!(
                "level harus kecamatan atau desa, bukan {:?}",
                self.level
            ))
        })?;
        Ok((area, level))
    }
}

/// The indicators asked for, or 404 for an area not known.
pub(super) async fn compute(
    app: &AppState,
    user: &AuthUser,
    query: &IndicatorsQuery,
) -> Result<IndicatorsResponse, ApiError> {
    let (area, level) = query.parse(user)?;
    let disclosure = Disclosure::for_role(user.actor.role, &app.config.privacy);
    indicators::compute(&app.db, &app.config.review, &area, level, disclosure)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("wilayah {area} tidak dikenal")))
}

/// `GET /v1/indicators?area=73.22&level=kecamatan|desa`: poverty and review figures per
/// kecamatan or desa; small areas are suppressed for analysts (PROTOCOL.md §9).
#[utoipa::path(
    get, path = "/v1/indicators", tag = "indicators", params(IndicatorsQuery),
    responses(
        (status = 200, description = "One row per area, and the total.", body = IndicatorsResponse),
        (status = 403, description = "`area_out_of_scope`.", body = ErrorBody),
        (status = 404, description = "`not_found`: the area is not known.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn get(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<IndicatorsQuery>,
) -> Result<Json<IndicatorsResponse>, ApiError> {
    Ok(Json(compute(&app, &user, &query).await?))
}
