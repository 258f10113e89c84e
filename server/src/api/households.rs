//! `GET /v1/households/{id}`: one household, for the office or a phone; its score, the
//! data-quality flags of its visits, and where it was surveyed (`crate::household::read`).

use axum::Json;
use axum::extract::State;
use sync_protocol::v1::HouseholdSnapshot;
use sync_protocol::v1::map::HouseholdPlaces;
use sync_protocol::v1::office::{HouseholdQuality, HouseholdScore};
use tracing::instrument;
use uuid::Uuid;

use super::extract::{ApiPath, AuthUser};
use super::openapi::{HouseholdPath, NotForThisUser};
use crate::error::ApiError;
use crate::household::read;
use crate::state::AppState;

/// `GET /v1/households/{id}`: one household with its members and families. Logged in the
/// audit log: the answer holds NIK and No KK.
#[utoipa::path(
    get, path = "/v1/households/{id}", tag = "households",
    params(HouseholdPath),
    responses(
        (status = 200, description = "The household as it is now.", body = HouseholdSnapshot),
        NotForThisUser,
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, household.id = %id))]
pub async fn get(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<HouseholdSnapshot>, ApiError> {
    Ok(Json(read::snapshot(&app.db, &user.actor, id).await?))
}

/// `GET /v1/households/{id}/score`: the local poverty score (BPS 14 criteria).
#[utoipa::path(
    get, path = "/v1/households/{id}/score", tag = "households",
    params(HouseholdPath),
    responses(
        (status = 200, description = "The score and each criterion.", body = HouseholdScore),
        NotForThisUser,
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, household.id = %id))]
pub async fn score(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<HouseholdScore>, ApiError> {
    Ok(Json(
        read::score(&app.db, &app.config.scoring, &user.actor, id).await?,
    ))
}

/// `GET /v1/households/{id}/flags`: each visit's data-quality flags and risk score.
#[utoipa::path(
    get, path = "/v1/households/{id}/flags", tag = "households",
    params(HouseholdPath),
    responses(
        (status = 200, description = "The visits' checks and flags.", body = HouseholdQuality),
        NotForThisUser,
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, household.id = %id))]
pub async fn flags(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<HouseholdQuality>, ApiError> {
    Ok(Json(read::quality(&app.db, &user.actor, id).await?))
}

/// `GET /v1/households/{id}/places`: its desa's boundary, its visits' GPS fixes and its
/// photos' EXIF positions, as GeoJSON.
#[utoipa::path(
    get, path = "/v1/households/{id}/places", tag = "households",
    params(HouseholdPath),
    responses(
        (status = 200, description = "A GeoJSON feature collection.", body = HouseholdPlaces),
        NotForThisUser,
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, household.id = %id))]
pub async fn places(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<HouseholdPlaces>, ApiError> {
    let index = app.boundaries.index();
    Ok(Json(read::places(&app.db, &index, &user.actor, id).await?))
}
