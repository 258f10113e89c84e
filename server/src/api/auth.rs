//! Login, logout and the current user.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use sync_protocol::v1::{ErrorBody, ErrorCode, LoginRequest, LoginResponse, Me};
use tracing::instrument;

use super::extract::{ApiJson, AuthUser};
use crate::accounts::{self, LoginError};
use crate::domain::area::AreaCode;
use crate::domain::scope::Scope;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::users;

fn me(id: uuid::Uuid, username: &str, name: &str, role: &str, areas: &[AreaCode]) -> Me {
    Me {
        id,
        username: username.to_owned(),
        display_name: if name.trim().is_empty() {
            username.to_owned()
        } else {
            name.to_owned()
        },
        role: role.to_owned(),
        areas: areas.iter().map(ToString::to_string).collect(),
    }
}

/// `POST /v1/auth/login`: a bearer token for a username and password.
#[utoipa::path(
    post, path = "/v1/auth/login", tag = "accounts", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in.", body = LoginResponse),
        (status = 401, description = "`invalid_credentials`.", body = ErrorBody),
        (status = 429, description = "`login_throttled`: wait `retry_after_seconds`.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.name = %req.username))]
pub async fn login(
    State(app): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let now = Utc::now();
    let attempts = app.config.database.retry_attempts();
    let auth = &app.config.auth;
    match accounts::login(&app.db, auth, attempts, &req.username, &req.password, now).await {
        Ok(done) => Ok(Json(LoginResponse {
            token: done.token,
            expires_at: done.expires_at,
            user: me(
                done.user.id,
                &done.user.username,
                &done.user.display_name,
                done.user.role.as_str(),
                &done.areas,
            ),
        })),
        Err(LoginError::InvalidCredentials) => Err(ApiError::client(
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidCredentials,
            "nama pengguna atau kata sandi salah",
        )),
        Err(LoginError::Throttled(until)) => Err(ApiError::LoginThrottled {
            retry_after: u64::try_from((until - now).num_seconds().max(1)).unwrap_or(1),
        }),
        Err(LoginError::Store(e)) => Err(e.into()),
    }
}

/// `POST /v1/auth/logout`: revokes the token used.
#[utoipa::path(
    post, path = "/v1/auth/logout", tag = "accounts",
    responses((status = 204, description = "The token no longer works.")),
)]
pub async fn logout(State(app): State<AppState>, user: AuthUser) -> Result<StatusCode, ApiError> {
    accounts::logout(&app.db, &app.sessions, &user.token, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/me`: who the token belongs to, with their role and areas.
#[utoipa::path(
    get, path = "/v1/me", tag = "accounts",
    responses((status = 200, description = "The signed-in user.", body = Me)),
)]
pub async fn get_me(State(app): State<AppState>, user: AuthUser) -> Result<Json<Me>, ApiError> {
    let actor = user.actor;
    let names = users::display_names(&app.db, &[actor.id]).await?;
    let name = names.get(&actor.id).map_or("", String::as_str);
    Ok(Json(me(
        actor.id,
        &actor.username,
        name,
        actor.role.as_str(),
        Scope::areas(&actor.scope),
    )))
}
