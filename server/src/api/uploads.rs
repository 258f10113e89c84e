//! Resumable photo uploads over tus 1.0 (`/v1/uploads`).
//!
//! Extensions: creation, checksum (sha256), termination, expiration. Standard tus clients for
//! Android and iOS work; the photo's SHA-256 (lower-case hex) goes in `Upload-Metadata` as
//! `sha256`, base64-encoded like every tus metadata value.

use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use sync_protocol::v1::{ErrorBody, ErrorCode};
use uuid::Uuid;

use super::extract::{ApiPath, AuthUser};
use crate::api::budget::within;
use crate::blob::BlobError;
use crate::domain::sha256::Sha256;
use crate::error::ApiError;
use crate::photos::analysis::Rejection;
use crate::photos::uploads::{self, ChunkSink, UploadError};
use crate::state::AppState;

/// The tus protocol version spoken.
pub const TUS_VERSION: &str = "1.0.0";
/// The tus extensions supported.
pub const TUS_EXTENSIONS: &str = "creation,checksum,termination,expiration";

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

fn number(headers: &HeaderMap, name: &str) -> Result<u64, ApiError> {
    header(headers, name)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ApiError::invalid(format!("header {name} wajib berisi bilangan bulat")))
}

/// Every tus request but OPTIONS names the protocol version.
fn require_tus(headers: &HeaderMap) -> Result<(), ApiError> {
    if header(headers, "tus-resumable") == Some(TUS_VERSION) {
        return Ok(());
    }
    Err(ApiError::client(
        StatusCode::PRECONDITION_FAILED,
        ErrorCode::TusVersionUnsupported,
        format!("kirim header Tus-Resumable: {TUS_VERSION}"),
    ))
}

/// The `sha256` entry of `Upload-Metadata` (`key base64,key base64`).
fn declared_sha256(headers: &HeaderMap) -> Result<Sha256, ApiError> {
    let metadata = header(headers, "upload-metadata").unwrap_or_default();
    metadata
        .split(',')
        .filter_map(|pair| pair.trim().split_once(' '))
        .find(|(key, _)| *key == "sha256")
        .and_then(|(_, value)| STANDARD.decode(value.trim()).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|hex| Sha256::parse(&hex).ok())
        .ok_or_else(|| {
            ApiError::invalid(
                "Upload-Metadata harus memuat sha256 foto (64 huruf heksadesimal kecil, base64)",
            )
        })
}

/// `Upload-Checksum: sha256 <base64>` of a chunk, if sent.
fn chunk_checksum(headers: &HeaderMap) -> Result<Option<[u8; 32]>, ApiError> {
    let Some(value) = header(headers, "upload-checksum") else {
        return Ok(None);
    };
    let (algorithm, digest) = value.split_once(' ').unwrap_or((value, ""));
    if algorithm != "sha256" {
        return Err(ApiError::invalid("Upload-Checksum hanya mendukung sha256"));
    }
    let bytes = STANDARD
        .decode(digest.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok());
    bytes
        .map(Some)
        .ok_or_else(|| ApiError::invalid("Upload-Checksum bukan SHA-256 base64"))
}

fn http_date(t: DateTime<Utc>) -> HeaderValue {
    HeaderValue::from_str(&t.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .expect("an HTTP date is a valid header value")
}

fn upload_error_from_blob(e: BlobError) -> ApiError {
    upload_error(UploadError::Blob(e))
}

impl From<UploadError> for ApiError {
    fn from(e: UploadError) -> Self {
        upload_error(e)
    }
}

fn upload_error(e: UploadError) -> ApiError {
    match e {
        UploadError::Forbidden => ApiError::forbidden("peran Anda tidak boleh mengunggah foto"),
        UploadError::NotFound => {
            ApiError::not_found("unggahan tidak ditemukan atau sudah kedaluwarsa")
        }
        UploadError::TooLarge { max, .. } => ApiError::client(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!("foto maksimal {max} byte"),
        ),
        UploadError::BadRequest(message) => ApiError::invalid(message),
        UploadError::OffsetMismatch { current } => ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::UploadOffsetMismatch,
            format!("unggahan berada di offset {current}; lanjutkan dari sana"),
        ),
        UploadError::Complete => ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::UploadComplete,
            "semua byte foto ini sudah diterima dan sedang diselesaikan; unggahan tidak dapat dibatalkan lagi",
        ),
        UploadError::ChecksumMismatch => ApiError::client(
            StatusCode::from_u16(460).expect("460 is a valid status code"),
            ErrorCode::ChecksumMismatch,
            "checksum tidak cocok; kirim ulang",
        ),
        UploadError::NotAcceptable(rejection) => {
            let (code, message) = match rejection {
                Rejection::NotAnImage(_) => (
                    ErrorCode::NotAnImage,
                    "berkas bukan foto JPEG, PNG, WebP atau HEIC, atau rusak/terpotong".to_owned(),
                ),
                Rejection::TooLarge { width, height } => (
                    ErrorCode::ImageTooLarge,
                    format!("foto {width}×{height} piksel melebihi batas jumlah piksel server"),
                ),
                Rejection::NeedsTooMuchMemory {
                    width,
                    height,
                    needed_mib,
                    limit_mib,
                } => (
                    ErrorCode::ImageTooLarge,
                    format!(
                        "membaca foto {width}×{height} piksel ini memerlukan {needed_mib} MiB \
                         memori, di atas batas server {limit_mib} MiB (photos.max_decode_mib)"
                    ),
                ),
                Rejection::Polyglot(_) => (
                    ErrorCode::ImagePolyglot,
                    "berkas foto ini juga berisi format lain (arsip, dokumen atau skrip)"
                        .to_owned(),
                ),
            };
            ApiError::client(StatusCode::UNPROCESSABLE_ENTITY, code, message)
        }
        UploadError::Store(e) => e.into(),
        UploadError::Blob(BlobError::Unavailable(cause)) => ApiError::Unavailable(cause),
        UploadError::Blob(e) => ApiError::Internal(anyhow::Error::new(e)),
    }
}

/// `OPTIONS /v1/uploads`: what this tus server supports.
#[utoipa::path(
    options, path = "/v1/uploads", tag = "photos", security(()),
    responses((status = 204, description = "The tus version, extensions, checksum algorithm and largest upload.", headers(
        ("Tus-Version" = String), ("Tus-Extension" = String), ("Tus-Checksum-Algorithm" = String), ("Tus-Max-Size" = u64),
    ))),
)]
pub async fn options(State(app): State<AppState>) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert("tus-version", HeaderValue::from_static(TUS_VERSION));
    headers.insert("tus-extension", HeaderValue::from_static(TUS_EXTENSIONS));
    headers.insert("tus-checksum-algorithm", HeaderValue::from_static("sha256"));
    headers.insert(
        "tus-max-size",
        HeaderValue::from(app.config.uploads.max_bytes),
    );
    response
}

/// `POST /v1/uploads`: creates an upload (`Upload-Length`, `Upload-Metadata: sha256 …`).
/// tus 1.0 with the creation, checksum, termination and expiration extensions.
#[utoipa::path(
    post, path = "/v1/uploads", tag = "photos",
    params(
        ("Tus-Resumable" = String, Header, description = "`1.0.0`."),
        ("Upload-Length" = u64, Header, description = "The photo's size in bytes."),
        ("Upload-Metadata" = String, Header, description = "`sha256 <base64 of the hex digest>`, and optionally `filename`."),
    ),
    responses(
        (status = 201, description = "Created; send chunks to `Location`.", headers(("Location" = String), ("Upload-Offset" = u64), ("Upload-Expires" = String))),
        (status = 403, description = "`forbidden`: the role does not upload.", body = ErrorBody),
        (status = 412, description = "`tus_version_unsupported`.", body = ErrorBody, headers(("Tus-Version" = String))),
        (status = 413, description = "`payload_too_large`: above `Tus-Max-Size`.", body = ErrorBody),
    ),
)]
pub async fn create(
    State(app): State<AppState>,
    user: AuthUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    require_tus(&headers)?;
    let length = number(&headers, "upload-length")?;
    let sha256 = declared_sha256(&headers)?;
    let budget = app.config.server.unavailable_after();
    let upload = within(
        budget,
        uploads::create(
            &app.db,
            &app.config.uploads,
            &user.actor,
            length,
            &sha256,
            Utc::now(),
        ),
    )
    .await?;
    let mut response = StatusCode::CREATED.into_response();
    let headers = response.headers_mut();
    let location = format!("/v1/uploads/{}", upload.id);
    headers.insert(
        header::LOCATION,
        HeaderValue::from_str(&location).expect("a path is a valid header"),
    );
    headers.insert("upload-offset", HeaderValue::from(upload.offset));
    headers.insert("upload-expires", http_date(upload.expires_at));
    Ok(response)
}

/// `HEAD /v1/uploads/{id}`: where to resume.
#[utoipa::path(
    head, path = "/v1/uploads/{id}", tag = "photos", params(("id" = Uuid, Path, description = "The upload."), ("Tus-Resumable" = String, Header, description = "`1.0.0`.")),
    responses(
        (status = 200, description = "The upload's offset.", headers(("Upload-Offset" = u64), ("Upload-Length" = u64), ("Upload-Expires" = String))),
        (status = 404, description = "Unknown or expired (no body: HEAD)."),
        (status = 412, description = "`tus_version_unsupported`.", body = ErrorBody, headers(("Tus-Version" = String))),
    ),
)]
pub async fn head(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    require_tus(&headers)?;
    let budget = app.config.server.unavailable_after();
    let upload = within(
        budget,
        uploads::status(&app.db, &user.actor, id, Utc::now()),
    )
    .await?;
    let mut response = StatusCode::OK.into_response();
    let out = response.headers_mut();
    out.insert("upload-offset", HeaderValue::from(upload.offset));
    out.insert("upload-length", HeaderValue::from(upload.length));
    out.insert("upload-expires", http_date(upload.expires_at));
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `PATCH /v1/uploads/{id}`: appends a chunk at `Upload-Offset`; the last chunk completes the
/// photo.
#[utoipa::path(
    patch, path = "/v1/uploads/{id}", tag = "photos",
    params(
        ("id" = Uuid, Path, description = "The upload."), ("Tus-Resumable" = String, Header, description = "`1.0.0`."),
        ("Upload-Offset" = u64, Header, description = "Where this chunk starts: the upload's offset."),
        ("Upload-Checksum" = Option<String>, Header, description = "`sha256 <base64 digest of the chunk>`."),
    ),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses(
        (status = 204, description = "Kept; the new offset.", headers(("Upload-Offset" = u64), ("Upload-Expires" = String))),
        (status = 404, description = "`not_found`: unknown or expired.", body = ErrorBody),
        (status = 408, description = "`upload_stalled`: nothing of the chunk was kept.", body = ErrorBody),
        (status = 409, description = "`upload_offset_mismatch`: HEAD, then resume.", body = ErrorBody),
        (status = 412, description = "`tus_version_unsupported`.", body = ErrorBody, headers(("Tus-Version" = String))),
        (status = 413, description = "`payload_too_large`.", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`.", body = ErrorBody),
        (status = 422, description = "`not_an_image`, `image_too_large` or `image_polyglot`: the upload was discarded.", body = ErrorBody),
        (status = 460, description = "`checksum_mismatch`: nothing of the chunk was kept.", body = ErrorBody),
    ),
)]
pub async fn patch(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    require_tus(&headers)?;
    if header(&headers, "content-type") != Some("application/offset+octet-stream") {
        return Err(ApiError::client(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "kirim potongan dengan Content-Type: application/offset+octet-stream",
        ));
    }
    let offset = number(&headers, "upload-offset")?;
    let checksum = chunk_checksum(&headers)?;
    // Another user's or an unknown upload, or the wrong offset, is answered before the chunk
    // takes one of the instance's turns. (`finish_chunk` checks the offset again when it commits.)
    let budget = app.config.server.unavailable_after();
    let upload = within(
        budget,
        uploads::status(&app.db, &user.actor, id, Utc::now()),
    )
    .await?;
    if upload.offset != offset {
        return Err(upload_error(UploadError::OffsetMismatch {
            current: upload.offset,
        }));
    }
    let _turn = app
        .photos
        .admit_chunk()
        .await
        .map_err(upload_error_from_blob)?;
    let pace = Pace {
        idle: Duration::from_secs(u64::from(app.config.uploads.chunk_idle_seconds)),
        min_bytes_per_second: app.config.uploads.chunk_min_bytes_per_second,
    };
    let mut sink = within(
        budget,
        uploads::begin_chunk(
            &app.db,
            &app.photos,
            &user.actor,
            id,
            offset,
            checksum,
            Utc::now(),
        ),
    )
    .await?;
    receive(body, &mut sink, pace).await?;
    // The chunk is in its file; committing it (and, at the last one, storing the photo) waits
    // for the database and the object store. Cut short at the last chunk, the upload stays
    // complete and the server stores the photo by itself once the store answers again (a
    // zero-byte PATCH asks too).
    let done = within(
        budget,
        uploads::finish_chunk(&app.db, app.blobs.as_ref(), &app.photos, sink, Utc::now()),
    )
    .await?;
    // The photo counts as stored once, by the request that recorded it: this chunk, or a
    // zero-byte PATCH on an upload whose storing failed before.
    let end = done.offset;
    app.metrics
        .uploaded(end.saturating_sub(offset), done.stored);
    let mut response = StatusCode::NO_CONTENT.into_response();
    let out = response.headers_mut();
    out.insert("upload-offset", HeaderValue::from(end));
    out.insert("upload-expires", http_date(upload.expires_at));
    Ok(response)
}

/// How slowly a chunk's body may arrive.
#[derive(Debug, Clone, Copy)]
struct Pace {
    /// The longest wait for the next piece.
    idle: Duration,
    /// The slowest average once `idle` has passed since the body began.
    min_bytes_per_second: u32,
}

impl Pace {
    /// How long after the body began it may still be arriving, `received` bytes in: `idle`,
    /// plus a second for every `min_bytes_per_second` bytes received.
    fn allowance(self, received: usize) -> Duration {
        #[expect(clippy::cast_precision_loss, reason = "a chunk's size, far below 2^52")]
        let earned = received as f64 / f64::from(self.min_bytes_per_second);
        self.idle + Duration::from_secs_f64(earned)
    }
}

/// Writes a chunk's body into its upload's file as it arrives (up to the upload's length, not
/// `server.max_body_bytes`: a whole photo in one `PATCH` is fine). Each piece must come within
/// `pace.idle` of the one before, and the body as a whole no slower than `pace.min_bytes_per_second` once its
/// first `pace.idle` has passed: a connection that died mid-chunk, or that trickles a byte at
/// a time, is given up rather than left holding a chunk turn for good.
async fn receive(body: Body, sink: &mut ChunkSink, pace: Pace) -> Result<(), ApiError> {
    let stalled = |message: String| {
        ApiError::client(
            StatusCode::REQUEST_TIMEOUT,
            ErrorCode::UploadStalled,
            message,
        )
    };
    let began = tokio::time::Instant::now();
    let mut pieces = body.into_data_stream();
    loop {
        let received = usize::try_from(sink.written()).unwrap_or(usize::MAX);
        let deadline = began + pace.allowance(received);
        let wait = pace
            .idle
            .min(deadline.saturating_duration_since(tokio::time::Instant::now()));
        let piece = tokio::time::timeout(wait, pieces.next())
            .await
            .map_err(|_| {
                stalled(if wait < pace.idle {
                    format!(
                        "potongan terkirim lebih lambat dari {} byte per detik; periksa offset \
                         (HEAD) lalu lanjutkan dengan potongan lebih kecil",
                        pace.min_bytes_per_second
                    )
                } else {
                    format!(
                        "potongan berhenti terkirim selama {} detik; periksa offset (HEAD) lalu \
                         lanjutkan",
                        pace.idle.as_secs()
                    )
                })
            })?;
        match piece {
            None => return Ok(()),
            // Written as it comes: a chunk of any size holds one piece in memory at a time.
            Some(Ok(bytes)) => sink.write(&bytes).await.map_err(upload_error)?,
            // A body that breaks off: the connection is gone, or the bytes were not readable.
            Some(Err(_)) => {
                return Err(ApiError::invalid(
                    "potongan terputus sebelum lengkap; periksa offset (HEAD) lalu lanjutkan",
                ));
            }
        }
    }
}

/// `DELETE /v1/uploads/{id}`: abandons an upload.
#[utoipa::path(
    delete, path = "/v1/uploads/{id}", tag = "photos", params(("id" = Uuid, Path, description = "The upload."), ("Tus-Resumable" = String, Header, description = "`1.0.0`.")),
    responses(
        (status = 204, description = "Abandoned."),
        (status = 404, description = "`not_found`: unknown or expired.", body = ErrorBody),
        (status = 409, description = "`upload_complete`: every byte has arrived.", body = ErrorBody),
        (status = 412, description = "`tus_version_unsupported`.", body = ErrorBody, headers(("Tus-Version" = String))),
    ),
)]
pub async fn terminate(
    State(app): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    require_tus(&headers)?;
    within(
        app.config.server.unavailable_after(),
        uploads::terminate(&app.db, &app.photos, &user.actor, id, Utc::now()),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
