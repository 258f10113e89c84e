//! `GET /v1/households/{id}`: one household, for the office or a phone; its score, and the
//! data-quality flags of its visits.

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use serde_json::json;
use sync_protocol::v1::HouseholdSnapshot;
use sync_protocol::v1::office::{HouseholdQuality, HouseholdScore, QualityFlagView, VisitQuality};
use tracing::instrument;
use uuid::Uuid;

use super::extract::{ApiPath, AuthUser};
use crate::domain::role::Role;
use crate::domain::scoring;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{audit, households, quality, reviews, scores};
use crate::views;

/// Analysts read indicators and masked lists, not single households.
fn may_read_households(user: &AuthUser) -> Result<(), ApiError> {
    if user.actor.role == Role::Analyst {
        return Err(ApiError::forbidden(
            "analis hanya membaca indikator dan daftar tersamar, bukan data rumah tangga",
        ));
    }
    Ok(())
}

/// `GET /v1/households/{id}`. Logged in the audit log: the answer holds NIK and No KK.
#[instrument(skip_all, fields(user.id = %user.actor.id, household.id = %id))]
pub async fn get(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<HouseholdSnapshot>, ApiError> {
    may_read_households(&user)?;
    let mut snapshot = households::snapshots(&app.db, &[id])
        .await?
        .remove(&id)
        .filter(|s| user.actor.scope.covers(&s.area_code))
        .ok_or_else(|| ApiError::not_found("rumah tangga tidak ditemukan di wilayah Anda"))?;
    snapshot.review = reviews::current(&app.db, &[id])
        .await?
        .remove(&id)
        .as_ref()
        .map(|r| Box::new(views::review(r)));
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

/// `GET /v1/households/{id}/score`: the local poverty score (BPS 14 criteria) with the answers
/// that decided each criterion. Households stored before scores existed are scored on the fly.
#[instrument(skip_all, fields(user.id = %user.actor.id, household.id = %id))]
pub async fn score(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<HouseholdScore>, ApiError> {
    may_read_households(&user)?;
    let household = households::find(&app.db, id, households::Load::Full)
        .await?
        .filter(|h| user.actor.scope.covers(&h.area_code))
        .ok_or_else(|| ApiError::not_found("rumah tangga tidak ditemukan di wilayah Anda"))?;
    if let Some(stored) = scores::find(&app.db, id).await? {
        return Ok(Json(stored));
    }
    let score = scoring::score(&household.record.fields, &app.config.scoring);
    Ok(Json(scores::view(
        id,
        household.version,
        &score,
        Utc::now(),
    )))
}

/// `GET /v1/households/{id}/flags`: each visit's data-quality flags and risk score.
#[instrument(skip_all, fields(user.id = %user.actor.id, household.id = %id))]
pub async fn flags(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<HouseholdQuality>, ApiError> {
    may_read_households(&user)?;
    households::find(&app.db, id, households::Load::Head)
        .await?
        .filter(|h| user.actor.scope.covers(&h.area_code))
        .ok_or_else(|| ApiError::not_found("rumah tangga tidak ditemukan di wilayah Anda"))?;
    let checks = quality::of_household(&app.db, id).await?;
    // Evidence may name other households (same NIK, same coordinates, same photo); those
    // outside the caller's areas are counted, not named.
    let mut others: Vec<Uuid> = checks
        .iter()
        .flat_map(|c| &c.flags)
        .flat_map(|f| f.evidence.households())
        .collect();
    others.sort_unstable();
    others.dedup();
    let areas = households::area_codes(&app.db, &others).await?;
    let visible = |h: Uuid| areas.get(&h).is_some_and(|a| user.actor.scope.covers(a));
    let visits = checks
        .into_iter()
        .map(|c| VisitQuality {
            visit_id: c.visit_id,
            state: c.state,
            risk: c.risk,
            checked_at: c.checked_at,
            flags: c
                .flags
                .into_iter()
                .map(|mut f| {
                    f.evidence.hide_households(visible);
                    QualityFlagView {
                        severity: f.severity,
                        flag: f.evidence,
                    }
                })
                .collect(),
        })
        .collect();
    Ok(Json(HouseholdQuality {
        household_id: id,
        visits,
    }))
}
