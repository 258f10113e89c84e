//! Photos: whether the server has one, its original, thumbnails, details and look-alikes, and
//! the photos of a household.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sync_protocol::v1::{
    ErrorBody, ErrorCode, HouseholdPhoto, MAX_SIMILAR_DISTANCE, PhotoDetails, PhotoInfo,
    SimilarPhoto,
};
use tracing::instrument;
use uuid::Uuid;

use super::extract::{ApiPath, ApiQuery, AuthUser};
use super::openapi::{HouseholdPath, NotForThisUser, PhotoPath};
use crate::blob::BlobError;
use crate::domain::sha256::Sha256;
use crate::error::ApiError;
use crate::photos::{self, PhotoError};
use crate::state::AppState;

impl From<PhotoError> for ApiError {
    fn from(e: PhotoError) -> Self {
        match e {
            PhotoError::Forbidden => ApiError::forbidden(
                "analis hanya membaca indikator dan daftar tersamar, bukan foto rumah",
            ),
            PhotoError::NotFound => ApiError::not_found("foto tidak ditemukan di wilayah Anda"),
            PhotoError::NoThumbnail => ApiError::not_found(
                "foto ini tidak punya pratinjau (format tidak didukung atau berkas rusak); unduh aslinya",
            ),
            PhotoError::NotReady => ApiError::client(
                StatusCode::CONFLICT,
                ErrorCode::PhotoNotReady,
                "foto belum selesai diproses; coba lagi sebentar lagi",
            ),
            PhotoError::Store(e) => e.into(),
            PhotoError::Blob(BlobError::Unavailable(cause)) => ApiError::Unavailable(cause),
            PhotoError::Blob(e) => ApiError::Internal(anyhow::Error::new(e)),
        }
    }
}

fn parse_sha256(text: &str) -> Result<Sha256, ApiError> {
    Sha256::parse(text).map_err(|e| ApiError::invalid(e.to_string()))
}

/// `GET /v1/photos/{sha256}`: whether the server already has a photo (then send no bytes).
#[utoipa::path(
    get, path = "/v1/photos/{sha256}", tag = "photos", params(PhotoPath),
    responses(
        (status = 200, description = "The server has it.", body = PhotoInfo),
        (status = 404, description = "`not_found`: upload it.", body = ErrorBody),
    ),
)]
pub async fn exists(
    State(app): State<AppState>,
    _user: AuthUser,
    ApiPath(sha256): ApiPath<String>,
) -> Result<Json<PhotoInfo>, ApiError> {
    let sha256 = parse_sha256(&sha256)?;
    photos::info(&app.db, &sha256)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("foto belum ada di server"))
}

/// `GET /v1/photos/{sha256}/original`: the file as uploaded, streamed.
#[utoipa::path(
    get, path = "/v1/photos/{sha256}/original", tag = "photos", params(PhotoPath),
    responses(
        (status = 200, description = "The bytes as uploaded.", content_type = "application/octet-stream", body = Vec<u8>),
        NotForThisUser,
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, photo = %sha256))]
pub async fn original(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(sha256): ApiPath<String>,
) -> Result<Response, ApiError> {
    let sha256 = parse_sha256(&sha256)?;
    let reader = photos::original(&app.db, app.blobs.as_ref(), &user.actor, &sha256).await?;
    let mut response = Body::from_stream(reader.chunks).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(reader.len));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(header::CACHE_CONTROL, IMMUTABLE);
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{sha256}\"")) {
        headers.insert(header::ETAG, etag);
    }
    Ok(response)
}

/// Content-addressed: the bytes under these URLs never change.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("private, max-age=31536000, immutable");

/// `GET /v1/photos/{sha256}/thumbnail/{side}`: a JPEG whose longest side is 256 or 1024 px,
/// upright, without metadata.
#[utoipa::path(
    get, path = "/v1/photos/{sha256}/thumbnail/{side}", tag = "photos",
    params(PhotoPath, ("side" = u32, Path, description = "256 or 1024.")),
    responses(
        (status = 200, description = "The thumbnail.", content_type = "image/jpeg", body = Vec<u8>),
        NotForThisUser,
        (status = 409, description = "`photo_not_ready`: not analysed yet, or it could not be.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, photo = %sha256))]
pub async fn thumbnail(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath((sha256, side)): ApiPath<(String, u32)>,
) -> Result<Response, ApiError> {
    let sha256 = parse_sha256(&sha256)?;
    let jpeg = photos::thumbnail(&app.db, app.blobs.as_ref(), &user.actor, &sha256, side).await?;
    let mut response = Body::from(jpeg).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    headers.insert(header::CACHE_CONTROL, IMMUTABLE);
    Ok(response)
}

/// `GET /v1/photos/{sha256}/details`: format, size, EXIF, pipeline state, perceptual hash.
#[utoipa::path(
    get, path = "/v1/photos/{sha256}/details", tag = "photos", params(PhotoPath),
    responses(
        (status = 200, description = "What the analysis found.", body = PhotoDetails),
        NotForThisUser,
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, photo = %sha256))]
pub async fn details(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(sha256): ApiPath<String>,
) -> Result<Json<PhotoDetails>, ApiError> {
    let sha256 = parse_sha256(&sha256)?;
    Ok(Json(photos::details(&app.db, &user.actor, &sha256).await?))
}

/// Query of `GET /v1/photos/{sha256}/similar`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SimilarParams {
    /// Most bits the perceptual hashes may differ in (default 6).
    pub max_distance: Option<u32>,
}

/// `GET /v1/photos/{sha256}/similar?max_distance=N`: photos of other households in the
/// user's areas that look like this one.
#[utoipa::path(
    get, path = "/v1/photos/{sha256}/similar", tag = "photos", params(PhotoPath, SimilarParams),
    responses(
        (status = 200, description = "Closest first.", body = Vec<SimilarPhoto>),
        NotForThisUser,
        (status = 409, description = "`photo_not_ready`: not analysed yet.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, photo = %sha256))]
pub async fn similar(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(sha256): ApiPath<String>,
    ApiQuery(params): ApiQuery<SimilarParams>,
) -> Result<Json<Vec<SimilarPhoto>>, ApiError> {
    let sha256 = parse_sha256(&sha256)?;
    let max_distance = params.max_distance.unwrap_or(6);
    if max_distance > MAX_SIMILAR_DISTANCE {
        return Err(ApiError::invalid(format!(
            "max_distance paling besar {MAX_SIMILAR_DISTANCE}"
        )));
    }
    Ok(Json(
        photos::similar(&app.db, &user.actor, &sha256, max_distance).await?,
    ))
}

/// `GET /v1/households/{id}/photos`: the photos its visits name, `pending` or `stored`.
#[utoipa::path(
    get, path = "/v1/households/{id}/photos", tag = "households", params(HouseholdPath),
    responses(
        (status = 200, description = "One entry per photo a visit names.", body = Vec<HouseholdPhoto>),
        NotForThisUser,
    ),
)]
#[instrument(skip_all, fields(user.id = %user.actor.id, household.id = %id))]
pub async fn of_household(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<HouseholdPhoto>>, ApiError> {
    Ok(Json(photos::of_household(&app.db, &user.actor, id).await?))
}
