//! `GET /v1/indicators`: administrative indicators per kecamatan or desa, for Dinas Sosial,
//! Bappeda and the supervisors. Aggregates only; any role, inside its own areas.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use sync_protocol::v1::office::IndicatorsResponse;
use tracing::instrument;

use super::extract::{ApiQuery, AuthUser};
use crate::domain::area::AreaCode;
use crate::error::ApiError;
use crate::indicators::{self, Disclosure, Level};
use crate::state::AppState;

/// The question.
#[derive(Debug, Deserialize)]
pub struct IndicatorsQuery {
    pub(super) area: String,
    #[serde(default = "desa")]
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

/// `GET /v1/indicators?area=73.22&level=kecamatan|desa`.
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn get(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<IndicatorsQuery>,
) -> Result<Json<IndicatorsResponse>, ApiError> {
    Ok(Json(compute(&app, &user, &query).await?))
}
