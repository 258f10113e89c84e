//! Photos: `GET /v1/photos/{sha256}`, `GET /v1/photos/{sha256}/original` and
//! `GET /v1/households/{id}/photos`.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sync_protocol::v1::{HouseholdPhoto, PhotoInfo};
use tracing::instrument;
use uuid::Uuid;

use super::extract::{ApiPath, AuthUser};
use crate::blob::BlobError;
use crate::error::ApiError;
use crate::photos::{self, PhotoError, is_sha256};
use crate::state::AppState;

impl From<PhotoError> for ApiError {
    fn from(e: PhotoError) -> Self {
        match e {
            PhotoError::Forbidden => ApiError::forbidden(
                "analis hanya membaca indikator dan daftar tersamar, bukan foto rumah",
            ),
            PhotoError::NotFound => ApiError::not_found("foto tidak ditemukan di wilayah Anda"),
            PhotoError::Store(e) => e.into(),
            PhotoError::Blob(BlobError::Unavailable(cause)) => ApiError::Unavailable(cause),
            PhotoError::Blob(e) => ApiError::Internal(anyhow::Error::new(e)),
        }
    }
}

fn parse_sha256(text: String) -> Result<String, ApiError> {
    if is_sha256(&text) {
        Ok(text)
    } else {
        Err(ApiError::invalid(
            "sha256 harus 64 huruf heksadesimal kecil",
        ))
    }
}

/// `GET /v1/photos/{sha256}`: whether the server already has a photo (then send no bytes).
pub async fn exists(
    State(app): State<AppState>,
    _user: AuthUser,
    ApiPath(sha256): ApiPath<String>,
) -> Result<Json<PhotoInfo>, ApiError> {
    let sha256 = parse_sha256(sha256)?;
    photos::info(&app.db, &sha256)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("foto belum ada di server"))
}

/// `GET /v1/photos/{sha256}/original`: the file as uploaded, streamed.
#[instrument(skip_all, fields(user.id = %user.actor.id, photo = %sha256))]
pub async fn original(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(sha256): ApiPath<String>,
) -> Result<Response, ApiError> {
    let sha256 = parse_sha256(sha256)?;
    let reader = photos::original(&app.db, app.blobs.as_ref(), &user.actor, &sha256).await?;
    let mut response = Body::from_stream(reader.chunks).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(reader.len));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    // Content-addressed: the bytes under this URL never change.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{sha256}\"")) {
        headers.insert(header::ETAG, etag);
    }
    Ok(response)
}

/// `GET /v1/households/{id}/photos`: the photos its visits name, `pending` or `stored`.
#[instrument(skip_all, fields(user.id = %user.actor.id, household.id = %id))]
pub async fn of_household(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<HouseholdPhoto>>, ApiError> {
    Ok(Json(photos::of_household(&app.db, &user.actor, id).await?))
}
