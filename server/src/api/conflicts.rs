//! `GET /v1/conflicts`: unresolved same-field conflicts in the supervisor's areas;
//! `POST /v1/conflicts/{id}/resolve`: settle one.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use sync_protocol::v1::office::ConflictView;
use sync_protocol::v1::{ResolveRequest, ResolveResponse};
use tracing::instrument;
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::error::ApiError;
use crate::review;
use crate::state::AppState;
use crate::store::{conflicts, users};
use crate::views;

/// Query of `GET /v1/conflicts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only this household's conflicts.
    pub household_id: Option<Uuid>,
    /// At most this many (default 100, at most 1000).
    pub limit: Option<u64>,
}

/// `GET /v1/conflicts`
pub async fn list(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Vec<ConflictView>>, ApiError> {
    if !user.actor.role.may_review() {
        return Err(ApiError::forbidden(
            "hanya supervisor dan admin yang melihat konflik",
        ));
    }
    let limit = params.limit.unwrap_or(100);
    if limit == 0 || limit > 1000 {
        return Err(ApiError::invalid("limit harus di antara 1 dan 1000"));
    }
    let found = conflicts::list(&app.db, &user.actor.scope, params.household_id, limit).await?;
    let names = users::display_names(&app.db, &views::conflict_people(&found)).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|c| views::conflict(c, &names))
            .collect(),
    ))
}

/// `POST /v1/conflicts/{id}/resolve`
#[instrument(skip_all, fields(user.id = %user.actor.id, conflict.id = %id))]
pub async fn resolve(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> Result<Json<ResolveResponse>, ApiError> {
    let deps = super::reviews::deps(&app);
    Ok(Json(review::resolve(&deps, &user.actor, id, &req).await?))
}
