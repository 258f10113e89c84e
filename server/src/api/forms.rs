//! `GET /v1/forms`: the newest version of every published form; `GET /v1/forms/{id}/{version}`:
//! a published form definition, for phones.

use axum::Json;
use axum::extract::State;

use super::extract::{ApiPath, AuthUser};
use sync_protocol::v1::ErrorBody;
use sync_protocol::v1::form::FormList;

use crate::domain::form::FormDefinition;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::forms;
use crate::views;

/// `GET /v1/forms`: the newest version of every published form.
#[utoipa::path(
    get, path = "/v1/forms", tag = "forms",
    responses((status = 200, description = "One summary per form.", body = FormList)),
)]
pub async fn list(
    State(app): State<AppState>,
    _user: AuthUser,
) -> Result<Json<FormList>, ApiError> {
    let forms = forms::newest(&app.db)
        .await?
        .into_iter()
        .map(views::form_summary)
        .collect();
    Ok(Json(FormList { forms }))
}

/// `GET /v1/forms/{id}/{version}`: a published form definition, for phones.
#[utoipa::path(
    get, path = "/v1/forms/{id}/{version}", tag = "forms",
    params(
        ("id" = String, Path, description = "The form."),
        ("version" = i32, Path, description = "Its version."),
    ),
    responses(
        (status = 200, description = "The definition.", body = FormDefinition),
        (status = 404, description = "`not_found`: no such form version.", body = ErrorBody),
    ),
)]
pub async fn get(
    State(app): State<AppState>,
    _user: AuthUser,
    ApiPath((id, version)): ApiPath<(String, i32)>,
) -> Result<Json<FormDefinition>, ApiError> {
    let form =
        app.forms.get(&app.db, &id, version).await?.ok_or_else(|| {
            ApiError::not_found(format!("formulir {id} versi {version} tidak ada"))
        })?;
    Ok(Json(form.definition().clone()))
}
