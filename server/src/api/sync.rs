//! `POST /v1/sync/push` and `GET /v1/sync/pull`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use sync_protocol::v1::{
    ErrorBody, MAX_PULL_LIMIT, Mutation, PullResponse, PushRequest, PushResponse, RawMutation,
};
use tracing::instrument;

use super::extract::{ApiJson, ApiQuery, AuthUser};
use crate::error::ApiError;
use crate::state::AppState;
use crate::sync::{pull, push};

/// `POST /v1/sync/push`: a device's next mutations, each applied exactly once; a receipt per
/// mutation (PROTOCOL.md §4). No mutations: nothing changes, and `next_seq` says which seq
/// the server expects.
#[utoipa::path(
    post, path = "/v1/sync/push", tag = "sync",
    request_body = PushRequest<Mutation>,
    responses(
        (status = 200, description = "A receipt for every mutation, `applied` (with the conflicts it met) or `rejected`; a mutation sent before gets its stored receipt.", body = PushResponse),
        (status = 400, description = "`batch_not_contiguous`, `invalid_request` or `malformed_json`.", body = ErrorBody),
        (status = 403, description = "`device_belongs_to_another_user` or `forbidden` (analysts do not sync).", body = ErrorBody),
        (status = 409, description = "`sequence_gap`: resend from `expected_seq`.", body = ErrorBody),
        (status = 413, description = "`batch_too_large` or `payload_too_large`.", body = ErrorBody),
    ),
)]
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
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PullParams {
    /// The cursor of the previous page; absent for the first pull.
    pub cursor: Option<String>,
    /// Page size, 1–1000.
    pub limit: Option<u32>,
}

/// `GET /v1/sync/pull`: the changes to the households in the user's areas since a cursor
/// (PROTOCOL.md §6).
#[utoipa::path(
    get, path = "/v1/sync/pull", tag = "sync", params(PullParams),
    responses(
        (status = 200, description = "A page of changes and the cursor of the next.", body = PullResponse),
        (status = 400, description = "`invalid_cursor` (pull again without a cursor), or `invalid_request` (`limit` outside 1–1000, an unknown parameter).", body = ErrorBody),
        (status = 403, description = "`forbidden`: analysts do not sync.", body = ErrorBody),
    ),
)]
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
    let awaited = &app.photos.awaited;
    let page = pull::pull(
        &app.db,
        &app.clock,
        awaited,
        &user.actor,
        cursor,
        limit,
        wait,
    )
    .await?;
    app.metrics.pulled(page.changes.len());
    Ok(Json(page))
}
