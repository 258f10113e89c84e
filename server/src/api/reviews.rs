//! Review: `POST /v1/households/{id}/review` (decide), `POST /v1/reviews/approve` (many at
//! once), `GET /v1/reviews/queue`, `GET /v1/households/{id}/history`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use sync_protocol::v1::{
    BulkApproveRequest, BulkApproveResponse, DecideRequest, DecideResponse, ErrorBody,
    HouseholdHistory, MAX_QUEUE_LIMIT, QueueOrder, QueuePage, ReviewStatus,
};
use tracing::instrument;
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use super::openapi::{HouseholdPath, NotForThisUser};
use crate::domain::area::AreaCode;
use crate::error::ApiError;
use crate::review::{self, QueueQuery, ReviewDeps};
use crate::state::AppState;

/// What the review use cases need, from the server's state.
pub(super) fn deps(app: &AppState) -> ReviewDeps<'_> {
    ReviewDeps {
        db: &app.db,
        forms: &app.forms,
        areas: &app.areas,
        clock: &app.clock,
        config: &app.config.review,
        scoring: &app.config.scoring,
        attempts: app.config.database.retry_attempts(),
    }
}

/// `POST /v1/households/{id}/review`: approve, return (with notes) or reject the household
/// version the supervisor looked at.
#[utoipa::path(
    post, path = "/v1/households/{id}/review", tag = "review",
    params(HouseholdPath),
    request_body = DecideRequest,
    responses(
        (status = 200, description = "Decided.", body = DecideResponse),
        (status = 403, description = "`forbidden`, `area_out_of_scope` or `four_eyes`.", body = ErrorBody),
        (status = 404, description = "`not_found` in the user's areas.", body = ErrorBody),
        (status = 409, description = "`stale_version` or `household_deleted`.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, household.id = %id))]
pub async fn decide(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<DecideRequest>,
) -> Result<Json<DecideResponse>, ApiError> {
    Ok(Json(
        review::decide(&deps(&app), &user.actor, id, &req).await?,
    ))
}

/// `POST /v1/reviews/approve`: approve many households at once, each on the version named;
/// each gets its own outcome.
#[utoipa::path(
    post, path = "/v1/reviews/approve", tag = "review",
    request_body = BulkApproveRequest,
    responses(
        (status = 200, description = "An outcome per household.", body = BulkApproveResponse),
        (status = 403, description = "`forbidden`: not a supervisor or admin.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, items = req.items.len()))]
pub async fn approve_many(
    State(app): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<BulkApproveRequest>,
) -> Result<Json<BulkApproveResponse>, ApiError> {
    Ok(Json(
        review::approve_many(&deps(&app), &user.actor, &req).await?,
    ))
}

/// Query of `GET /v1/reviews/queue`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueParams {
    /// Only under this kecamatan or desa.
    pub area: Option<String>,
    /// `pending` or `resubmitted`.
    pub status: Option<String>,
    /// A flag code.
    pub flag: Option<String>,
    /// Only overdue households.
    #[serde(default)]
    pub overdue: bool,
    /// `risk` (the default) or `age`.
    pub order: Option<QueueOrder>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Households per page (default 50).
    pub limit: Option<u32>,
}

fn parse_queue(params: QueueParams) -> Result<QueueQuery, ApiError> {
    let area = params
        .area
        .map(|a| AreaCode::parse(&a).map_err(|e| ApiError::invalid(e.to_string())))
        .transpose()?;
    let status = match params.status.as_deref() {
        None => None,
        Some(s) => match ReviewStatus::parse(s) {
            status @ (ReviewStatus::Pending | ReviewStatus::Resubmitted) => Some(status),
            _ => {
                return Err(ApiError::invalid(
                    "status antrean harus pending atau resubmitted",
                ));
            }
        },
    };
    if params
        .flag
        .as_ref()
        .is_some_and(|f| f.is_empty() || f.len() > 64)
    {
        return Err(ApiError::invalid("flag harus kode tanda kualitas"));
    }
    let limit = params.limit.unwrap_or(50);
    if limit == 0 || limit > MAX_QUEUE_LIMIT {
        return Err(ApiError::invalid(format!(
            "limit harus di antara 1 dan {MAX_QUEUE_LIMIT}"
        )));
    }
    Ok(QueueQuery {
        area,
        status,
        flag: params.flag,
        overdue: params.overdue,
        order: params.order.unwrap_or_default(),
        cursor: params.cursor,
        limit,
    })
}

/// `GET /v1/reviews/queue`: households waiting for review in the user's areas, riskiest (or
/// oldest) first, with counts.
#[utoipa::path(
    get, path = "/v1/reviews/queue", tag = "review", params(QueueParams),
    responses(
        (status = 200, description = "A page of the queue.", body = QueuePage),
        (status = 403, description = "`forbidden` or `area_out_of_scope`.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn queue(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(params): ApiQuery<QueueParams>,
) -> Result<Json<QueuePage>, ApiError> {
    let query = parse_queue(params)?;
    Ok(Json(
        review::queue(&app.db, &app.config.review, &user.actor, query).await?,
    ))
}

/// `GET /v1/households/{id}/history`: the household's versions with the fields each changed,
/// and its review decisions.
#[utoipa::path(
    get, path = "/v1/households/{id}/history", tag = "households",
    params(HouseholdPath),
    responses(
        (status = 200, description = "Oldest first.", body = HouseholdHistory),
        NotForThisUser,
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, household.id = %id))]
pub async fn history(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<HouseholdHistory>, ApiError> {
    Ok(Json(review::history(&app.db, &user.actor, id).await?))
}
