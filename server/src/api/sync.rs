//! `POST /v1/sync/push` and `GET /v1/sync/pull`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use sync_protocol::v1::{MAX_PULL_LIMIT, PullResponse, PushRequest, PushResponse, RawMutation};
use tracing::instrument;

use super::extract::{ApiJson, ApiQuery, AuthUser};
use crate::error::ApiError;
use crate::state::AppState;
use crate::sync::{pull, push};

/// `POST /v1/sync/push`
#[instrument(skip_all, fields(user.id = %user.actor.id, device.id = %req.device_id, mutations = req.mutations.len()))]
pub async fn push(
    State(app): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<PushRequest<RawMutation>>,
) -> Result<Json<PushResponse>, ApiError> {
    let deps = push::PushDeps {
        db: &app.db,
        forms: &app.forms,
        areas: &app.areas,
        clock: &app.clock,
        config: &app.config.sync,
        scoring: &app.config.scoring,
        attempts: app.config.database.retry_attempts(),
    };
    let response = push::push(&deps, &user.actor, req).await?;
    app.metrics.pushed(&response);
    Ok(Json(response))
}

/// Query of `GET /v1/sync/pull`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullParams {
    /// The cursor of the previous page; absent for the first pull.
    pub cursor: Option<String>,
    /// Page size, 1–1000.
    pub limit: Option<u32>,
}

/// `GET /v1/sync/pull`
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn pull(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(params): ApiQuery<PullParams>,
) -> Result<Json<PullResponse>, ApiError> {
    let limit = params.limit.unwrap_or(app.config.sync.default_pull_limit);
    if limit == 0 || limit > MAX_PULL_LIMIT {
        return Err(ApiError::invalid(format!(
            "limit harus di antara 1 dan {MAX_PULL_LIMIT}"
        )));
    }
    let wait = std::time::Duration::from_millis(app.config.sync.pull_wait_ms);
    let cursor = params.cursor.as_deref();
    let page = pull::pull(&app.db, &app.clock, &user.actor, cursor, limit, wait).await?;
    app.metrics.pulled(page.changes.len());
    Ok(Json(page))
}
