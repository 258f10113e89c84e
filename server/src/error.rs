//! The HTTP error type.
//!
//! Policy (after crates.io's `util/errors.rs`):
//! - every error answer has the body `{"code": "...", "message": "..."}`; `code` is stable and
//!   part of the protocol contract (`sync_protocol::v1::ErrorCode`), `message` is Indonesian
//!   text for people and may change;
//! - client mistakes get a 4xx with a code that says what to fix, and nothing is stored;
//! - transient failures (database unreachable, deadlock) get 503 with `Retry-After`: the
//!   request had no effect and can be repeated as it is;
//! - anything else is `internal`: the body stays opaque, the cause chain is logged once here.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sync_protocol::v1::{ErrorBody, ErrorCode, FieldError};
use tracing::error;

use crate::household::read::ReadError;
use crate::review::ReviewError;
use crate::store::StoreError;
use crate::sync::pull::PullError;
use crate::sync::push::PushError;

/// Seconds a client is told to wait after a transient failure, unless configured otherwise.
pub const DEFAULT_RETRY_AFTER_SECONDS: u64 = 5;

/// An error answer.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A client mistake or refusal with a stable code.
    #[error("{code:?}: {message}")]
    Client {
        /// HTTP status.
        status: StatusCode,
        /// Stable code.
        code: ErrorCode,
        /// Message for people.
        message: String,
        /// Field-level details.
        fields: Vec<FieldError>,
    },
    /// The push does not start at the expected seq.
    #[error("sequence gap, expected {expected}")]
    SequenceGap {
        /// The seq the server expects.
        expected: u64,
    },
    /// The URL names a protocol version this server does not speak.
    #[error("unsupported protocol version {0}")]
    UnsupportedVersion(String),
    /// A decision or settlement named a household version that is no longer current.
    #[error("stale version, now {}", .0.current_version)]
    Stale(sync_protocol::v1::StaleVersion),
    /// Too many failed logins.
    #[error("login throttled for {retry_after} s")]
    LoginThrottled {
        /// Seconds until the lock ends.
        retry_after: u64,
    },
    /// A transient failure: retry later.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Anything the client can do nothing about.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A client error with a code and a message.
    pub fn client(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError::Client {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// 400 `invalid_request`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::client(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest, message)
    }

    /// 401 `unauthenticated`.
    #[must_use]
    pub fn unauthenticated() -> Self {
        Self::client(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            "perlu masuk (login): kirim header Authorization: Bearer <token>",
        )
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::client(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message)
    }

    /// 403 `area_out_of_scope`.
    pub fn out_of_scope(message: impl Into<String>) -> Self {
        Self::client(StatusCode::FORBIDDEN, ErrorCode::AreaOutOfScope, message)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::client(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if e.is_transient() {
            ApiError::Unavailable(e.to_string())
        } else {
            ApiError::Internal(anyhow::Error::new(e))
        }
    }
}

impl From<PushError> for ApiError {
    fn from(e: PushError) -> Self {
        match e {
            PushError::Forbidden => {
                ApiError::forbidden("peran Anda tidak boleh mengirim data survei")
            }
            PushError::TooLarge { max } => ApiError::client(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BatchTooLarge,
                format!("maksimal {max} mutasi per push; kirim sisanya di push berikutnya"),
            ),
            PushError::InvalidEnvelope(message) => ApiError::invalid(message),
            PushError::NotContiguous => ApiError::client(
                StatusCode::BAD_REQUEST,
                ErrorCode::BatchNotContiguous,
                "seq dalam satu push harus berurutan tanpa loncatan",
            ),
            PushError::DeviceBelongsToAnotherUser => ApiError::client(
                StatusCode::FORBIDDEN,
                ErrorCode::DeviceBelongsToAnotherUser,
                "perangkat ini terdaftar untuk pengguna lain",
            ),
            PushError::Gap { expected } => ApiError::SequenceGap { expected },
            PushError::Store(e) => e.into(),
        }
    }
}

impl From<PullError> for ApiError {
    fn from(e: PullError) -> Self {
        match e {
            PullError::Forbidden => {
                ApiError::forbidden("peran Anda tidak boleh menarik data survei")
            }
            PullError::InvalidCursor(_) => ApiError::client(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidCursor,
                "cursor tidak dikenal; tarik ulang tanpa cursor",
            ),
            PullError::Store(e) => e.into(),
        }
    }
}

impl From<ReadError> for ApiError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Analyst => ApiError::forbidden(
                "analis hanya membaca indikator dan daftar tersamar, bukan data rumah tangga",
            ),
            ReadError::NotFound => {
                ApiError::not_found("rumah tangga tidak ditemukan di wilayah Anda")
            }
            ReadError::Store(e) => e.into(),
        }
    }
}

impl From<ReviewError> for ApiError {
    fn from(e: ReviewError) -> Self {
        match e {
            ReviewError::Forbidden(message) => ApiError::forbidden(message),
            ReviewError::Invalid(message) => ApiError::invalid(message),
            ReviewError::NotFound => ApiError::not_found("tidak ditemukan di wilayah Anda"),
            ReviewError::OutOfScope(message) => ApiError::out_of_scope(message),
            ReviewError::Stale(stale) => ApiError::Stale(stale),
            ReviewError::FourEyes => ApiError::client(
                StatusCode::FORBIDDEN,
                ErrorCode::FourEyes,
                "Anda ikut mengisi data rumah tangga ini; supervisor lain yang menyetujuinya",
            ),
            ReviewError::Deleted => ApiError::client(
                StatusCode::CONFLICT,
                ErrorCode::HouseholdDeleted,
                "rumah tangga ini sudah dihapus",
            ),
            ReviewError::ConflictResolved => ApiError::client(
                StatusCode::CONFLICT,
                ErrorCode::ConflictResolved,
                "konflik ini sudah diselesaikan",
            ),
            ReviewError::Store(e) => e.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body, retry_after) = match self {
            ApiError::Client {
                status,
                code,
                message,
                fields,
            } => (
                status,
                ErrorBody {
                    fields,
                    ..ErrorBody::new(code, message)
                },
                None,
            ),
            ApiError::SequenceGap { expected } => (
                StatusCode::CONFLICT,
                ErrorBody {
                    expected_seq: Some(expected),
                    ..ErrorBody::new(
                        ErrorCode::SequenceGap,
                        format!("server menunggu seq {expected}; kirim ulang mulai dari sana"),
                    )
                },
                None,
            ),
            ApiError::UnsupportedVersion(found) => (
                StatusCode::BAD_REQUEST,
                ErrorBody {
                    supported_versions: Some(vec![sync_protocol::v1::VERSION]),
                    ..ErrorBody::new(
                        ErrorCode::UnsupportedProtocolVersion,
                        format!("versi protokol {found} tidak didukung; server ini memakai v1"),
                    )
                },
                None,
            ),
            ApiError::Stale(stale) => {
                let message = format!(
                    "rumah tangga sudah berubah (sekarang versi {}); periksa perubahannya, lalu putuskan lagi",
                    stale.current_version
                );
                (
                    StatusCode::CONFLICT,
                    ErrorBody {
                        stale: Some(Box::new(stale)),
                        ..ErrorBody::new(ErrorCode::StaleVersion, message)
                    },
                    None,
                )
            }
            ApiError::LoginThrottled { retry_after } => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorBody {
                    retry_after_seconds: Some(retry_after),
                    ..ErrorBody::new(
                        ErrorCode::LoginThrottled,
                        format!(
                            "terlalu banyak percobaan masuk gagal; coba lagi dalam {retry_after} detik"
                        ),
                    )
                },
                Some(retry_after),
            ),
            ApiError::Unavailable(cause) => {
                tracing::warn!(%cause, "answering 503: transient failure");
                let retry = DEFAULT_RETRY_AFTER_SECONDS;
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorBody {
                        retry_after_seconds: Some(retry),
                        ..ErrorBody::new(
                            ErrorCode::ServiceUnavailable,
                            "layanan sedang sibuk atau terganggu; kirim permintaan yang sama lagi nanti (aman diulang)",
                        )
                    },
                    Some(retry),
                )
            }
            ApiError::Internal(e) => {
                error!(error = ?e, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody::new(ErrorCode::Internal, "terjadi kesalahan di server"),
                    None,
                )
            }
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
