//! `GET /v1/conflicts`: unresolved same-field conflicts in the supervisor's areas;
//! `POST /v1/conflicts/{id}/resolve`: settle one.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use sync_protocol::v1::office::ConflictView;
use sync_protocol::v1::{ErrorBody, ResolveRequest, ResolveResponse};
use tracing::instrument;
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::error::ApiError;
use crate::review;
use crate::state::AppState;
use crate::store::{conflicts, users};
use crate::views;

/// Query of `GET /v1/conflicts`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only this household's conflicts.
    pub household_id: Option<Uuid>,
    /// At most this many (default 100, at most 1000).
    pub limit: Option<u64>,
}

/// `GET /v1/conflicts`: the unsettled same-field conflicts in the supervisor's areas.
#[utoipa::path(
    get, path = "/v1/conflicts", tag = "review", params(ListParams),
    responses(
        (status = 200, description = "Newest first.", body = Vec<ConflictView>),
        (status = 403, description = "`forbidden`: not a supervisor or admin.", body = ErrorBody),
    ),
)]
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

/// `POST /v1/conflicts/{id}/resolve`: settle a conflict, keeping one of its values (or
/// another), on the household version the settler saw.
#[utoipa::path(
    post, path = "/v1/conflicts/{id}/resolve", tag = "review",
    params(("id" = Uuid, Path, description = "The conflict.")),
    request_body = ResolveRequest,
    responses(
        (status = 200, description = "Settled; the household's new version.", body = ResolveResponse),
        (status = 403, description = "`forbidden` or `area_out_of_scope`.", body = ErrorBody),
        (status = 404, description = "`not_found` in the user's areas.", body = ErrorBody),
        (status = 409, description = "`stale_version`, `conflict_resolved` or `household_deleted`.", body = ErrorBody),
    ),
)]
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
