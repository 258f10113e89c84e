//! Extractors that turn bad input into the protocol's error codes.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use chrono::Utc;
use serde::de::DeserializeOwned;
use sync_protocol::v1::ErrorCode;

use crate::accounts::{self, AuthError};
use crate::domain::actor::Actor;
use crate::domain::area::AreaCode;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::retry_transient;

/// A JSON body. Malformed JSON, a wrong shape, a wrong content type and an oversized body each
/// get their own error code.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // axum's `Json` tracks the path of every field it reads, for its error message, and
        // nearly every body parses: with the usual content type the body is parsed plainly
        // first, and axum's parse, with its errors, runs only when that fails.
        if req
            .headers()
            .get(CONTENT_TYPE)
            .is_none_or(|v| v != "application/json")
        {
            return axum::Json::<T>::from_request(req, state)
                .await
                .map(|axum::Json(value)| ApiJson(value))
                .map_err(|rejection| json_rejection(&rejection));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| json_rejection(&JsonRejection::from(e)))?;
        if let Ok(value) = serde_json::from_slice(&bytes) {
            return Ok(ApiJson(value));
        }
        axum::Json::<T>::from_bytes(&bytes)
            .map(|axum::Json(value)| ApiJson(value))
            .map_err(|rejection| json_rejection(&rejection))
    }
}

/// `413 payload_too_large`: a body over `server.max_body_bytes`.
pub(crate) fn payload_too_large() -> ApiError {
    ApiError::client(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
        "isi permintaan terlalu besar; kirim dalam beberapa bagian",
    )
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonSyntaxError(e) => ApiError::client(
            StatusCode::BAD_REQUEST,
            ErrorCode::MalformedJson,
            format!("JSON tidak valid: {}", e.body_text()),
        ),
        JsonRejection::JsonDataError(e) => {
            ApiError::invalid(format!("isi permintaan tidak sesuai: {}", e.body_text()))
        }
        JsonRejection::MissingJsonContentType(_) => ApiError::client(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "kirim dengan header Content-Type: application/json",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => payload_too_large(),
        other => ApiError::invalid(format!(
            "isi permintaan tidak dapat dibaca: {}",
            other.body_text()
        )),
    }
}

/// Query parameters; a bad one is `invalid_request`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| {
                ApiError::invalid(format!("parameter tidak valid: {}", e.body_text()))
            })
    }
}

/// Path parameters; a bad one (not a UUID, say) is `invalid_request`.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e: PathRejection| {
                ApiError::invalid(format!("alamat tidak valid: {}", e.body_text()))
            })
    }
}

/// The token of `Authorization: Bearer <token>`, if the request sends one.
pub(super) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The authenticated user, from `Authorization: Bearer <token>`.
pub struct AuthUser {
    /// Who is acting.
    pub actor: Actor,
    /// The token itself (for logout).
    pub token: String,
}

impl AuthUser {
    /// An area code from a request, parsed (`invalid_request`) and inside the user's areas
    /// (`area_out_of_scope`).
    pub fn area_in_scope(&self, text: &str) -> Result<AreaCode, ApiError> {
        let area = AreaCode::parse(text).map_err(|e| ApiError::invalid(e.to_string()))?;
        if self.actor.scope.covers(area.as_str()) {
            Ok(area)
        } else {
            Err(ApiError::out_of_scope(format!(
                "wilayah {area} di luar wilayah tugas Anda"
            )))
        }
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_token(&parts.headers).ok_or_else(ApiError::unauthenticated)?;
        // The lookup only reads: safe to repeat after a transient failure.
        let transient = |e: &AuthError| matches!(e, AuthError::Store(s) if s.is_transient());
        let lookup = retry_transient(state.config.database.retry_attempts(), transient, || {
            accounts::authenticate(&state.db, &state.sessions, token, Utc::now())
        });
        // Bounded here too, for the routes whose bodies stream (tus) and are not bounded whole.
        let budget = state.config.server.unavailable_after();
        let Ok(actor) = tokio::time::timeout(budget, lookup).await else {
            return Err(ApiError::Unavailable(format!(
                "no session lookup within {} s",
                budget.as_secs()
            )));
        };
        match actor {
            Ok(actor) => Ok(AuthUser {
                actor,
                token: token.to_owned(),
            }),
            Err(AuthError::Unknown) => Err(ApiError::unauthenticated()),
            Err(AuthError::Expired) => Err(ApiError::client(
                StatusCode::UNAUTHORIZED,
                ErrorCode::TokenExpired,
                "sesi sudah berakhir atau dicabut; silakan masuk lagi",
            )),
            Err(AuthError::Store(e)) => Err(e.into()),
        }
    }
}
