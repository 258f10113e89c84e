//! `GET /v1/conflicts`: unresolved same-field conflicts in the supervisor's areas.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use sync_protocol::v1::office::ConflictView;
use uuid::Uuid;

use super::extract::{ApiQuery, AuthUser};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::conflicts::{self, StoredConflict};

/// Query of `GET /v1/conflicts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only this household's conflicts.
    pub household_id: Option<Uuid>,
    /// At most this many (default 100, at most 1000).
    pub limit: Option<u64>,
}

fn view(c: StoredConflict) -> ConflictView {
    ConflictView {
        id: c.id,
        household_id: c.household_id,
        area_code: c.area_code,
        target: c.target,
        policy: c.policy,
        winner: c.winner,
        base_version: c.base_version,
        stored_value: c.stored_value,
        stored: c.stored,
        incoming_value: c.incoming_value,
        incoming: c.incoming,
        created_at: c.created_at,
    }
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
    Ok(Json(found.into_iter().map(view).collect()))
}
