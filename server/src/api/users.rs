//! User management (admin): `GET /v1/users`, `POST /v1/users`, `PUT /v1/users/{id}/areas`,
//! `DELETE /v1/users/{id}/sessions`.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use chrono::Utc;
use sync_protocol::v1::office::{CreateUserRequest, SetAreasRequest, UserView};
use sync_protocol::v1::{ErrorBody, ErrorCode};
use tracing::instrument;
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, AuthUser};
use crate::accounts::{self, NewUserError, UserSpec};
use crate::domain::actor::Actor;
use crate::domain::area::AreaCode;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::users::{self, User};

fn view(user: User, areas: &[AreaCode]) -> UserView {
    UserView {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role.as_str().to_owned(),
        areas: areas.iter().map(ToString::to_string).collect(),
        active: user.active,
    }
}

/// The authenticated user, who must be an admin: anyone else is refused (`403`) before the
/// path and the body are read, so that their errors tell a non-admin nothing.
pub struct Admin(AuthUser);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if !user.actor.role.may_administer() {
            return Err(ApiError::forbidden("hanya admin yang mengelola pengguna"));
        }
        Ok(Self(user))
    }
}

impl std::ops::Deref for Admin {
    type Target = AuthUser;

    fn deref(&self) -> &AuthUser {
        &self.0
    }
}

/// An admin assigns only areas inside their own.
fn require_within_scope(actor: &Actor, areas: &[AreaCode]) -> Result<(), ApiError> {
    match areas.iter().find(|a| !actor.scope.covers(a.as_str())) {
        Some(outside) => Err(ApiError::out_of_scope(format!(
            "wilayah {outside} di luar wilayah Anda"
        ))),
        None => Ok(()),
    }
}

fn new_user_error(e: NewUserError) -> ApiError {
    match e {
        NewUserError::Taken(_) => ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::AlreadyExists,
            e.to_string(),
        ),
        NewUserError::Store(e) => e.into(),
        other => ApiError::invalid(other.to_string()),
    }
}

/// `GET /v1/users`: the users an admin manages (every area of theirs inside the admin's), by
/// username.
#[utoipa::path(
    get, path = "/v1/users", tag = "accounts",
    responses(
        (status = 200, description = "By username.", body = Vec<UserView>),
        (status = 403, description = "`forbidden`: not an admin.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn list(
    State(app): State<AppState>,
    user: Admin,
) -> Result<Json<Vec<UserView>>, ApiError> {
    let all = users::all_with_areas(&app.db).await?;
    Ok(Json(
        all.into_iter()
            .filter(|(_, areas)| areas.iter().all(|a| user.actor.scope.covers(a.as_str())))
            .map(|(u, areas)| view(u, &areas))
            .collect(),
    ))
}

/// `POST /v1/users`: a new user with a role and areas inside the admin's.
#[utoipa::path(
    post, path = "/v1/users", tag = "accounts", request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created.", body = UserView),
        (status = 403, description = "`forbidden` (not an admin) or `area_out_of_scope`.", body = ErrorBody),
        (status = 409, description = "`already_exists`: the username is taken.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, new_user = %req.username))]
pub async fn create(
    State(app): State<AppState>,
    user: Admin,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let areas = accounts::parse_areas(&app.db, &req.areas)
        .await
        .map_err(new_user_error)?;
    require_within_scope(&user.actor, &areas)?;
    let spec = UserSpec {
        username: &req.username,
        display_name: &req.display_name,
        role: &req.role,
        areas: &req.areas,
        password: &req.password,
    };
    let (created, areas) = accounts::create_user(&app.db, spec, Some(user.actor.id), Utc::now())
        .await
        .map_err(new_user_error)?;
    Ok((StatusCode::CREATED, Json(view(created, &areas))))
}

/// `PUT /v1/users/{id}/areas`: replaces the user's areas.
#[utoipa::path(
    put, path = "/v1/users/{id}/areas", tag = "accounts", params(("id" = Uuid, Path, description = "The user.")),
    request_body = SetAreasRequest,
    responses(
        (status = 200, description = "The user with the new areas.", body = UserView),
        (status = 403, description = "`forbidden` (not an admin) or `area_out_of_scope`.", body = ErrorBody),
        (status = 404, description = "`not_found` among the users the admin manages.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, target.id = %id))]
pub async fn set_areas(
    State(app): State<AppState>,
    user: Admin,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<SetAreasRequest>,
) -> Result<Json<UserView>, ApiError> {
    let target = users::get(&app.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("pengguna tidak ditemukan"))?;
    let current = users::areas(&app.db, id).await?;
    require_within_scope(&user.actor, &current)?;
    let areas = accounts::parse_areas(&app.db, &req.areas)
        .await
        .map_err(new_user_error)?;
    require_within_scope(&user.actor, &areas)?;
    accounts::set_areas(&app.db, id, &areas, Some(user.actor.id), Utc::now()).await?;
    app.sessions.forget_user(id);
    Ok(Json(view(target, &areas)))
}

/// `DELETE /v1/users/{id}/sessions`: logs the user out everywhere (a lost phone).
#[utoipa::path(
    delete, path = "/v1/users/{id}/sessions", tag = "accounts", params(("id" = Uuid, Path, description = "The user.")),
    responses(
        (status = 204, description = "Every token of the user is revoked."),
        (status = 403, description = "`forbidden` (not an admin) or `area_out_of_scope`.", body = ErrorBody),
        (status = 404, description = "`not_found` among the users the admin manages.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, target.id = %id))]
pub async fn revoke_sessions(
    State(app): State<AppState>,
    user: Admin,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    users::get(&app.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("pengguna tidak ditemukan"))?;
    require_within_scope(&user.actor, &users::areas(&app.db, id).await?)?;
    accounts::revoke_sessions(&app.db, &app.sessions, id, Some(user.actor.id), Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
