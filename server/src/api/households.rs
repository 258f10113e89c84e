//! `GET /v1/households/{id}`: one household, for the office or a phone.

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use serde_json::json;
use sync_protocol::v1::HouseholdSnapshot;
use tracing::instrument;
use uuid::Uuid;

use super::extract::{ApiPath, AuthUser};
use crate::domain::role::Role;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{audit, households};

/// `GET /v1/households/{id}`. Logged in the audit log: the answer holds NIK and No KK.
#[instrument(skip_all, fields(user.id = %user.actor.id, household.id = %id))]
pub async fn get(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<HouseholdSnapshot>, ApiError> {
    if user.actor.role == Role::Analyst {
        return Err(ApiError::forbidden(
            "analis hanya membaca indikator dan daftar tersamar, bukan data rumah tangga",
        ));
    }
    let snapshot = households::snapshots(&app.db, &[id])
        .await?
        .remove(&id)
        .filter(|s| user.actor.scope.covers(&s.area_code))
        .ok_or_else(|| ApiError::not_found("rumah tangga tidak ditemukan di wilayah Anda"))?;
    audit::record(
        &app.db,
        Utc::now(),
        Some(user.actor.id),
        "household.read",
        &id.to_string(),
        json!({}),
    )
    .await?;
    Ok(Json(snapshot))
}
