//! `GET /v1/forms/{id}/{version}`: a published form definition, for phones.

use axum::Json;
use axum::extract::State;

use super::extract::{ApiPath, AuthUser};
use crate::domain::form::FormDefinition;
use crate::error::ApiError;
use crate::state::AppState;

/// `GET /v1/forms/{id}/{version}`
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
