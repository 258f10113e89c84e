//! Liveness and readiness.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use sync_protocol::v1::ErrorBody;

use crate::error::ApiError;
use crate::state::AppState;

/// `GET /healthz`: the process is up.
#[utoipa::path(
    get, path = "/healthz", tag = "operations", security(()),
    responses((status = 200, description = "Up.", body = Object, example = json!({"status": "ok"}))),
)]
pub async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the database and the object store answer, both asked at once and each
/// given `server.ready_timeout_seconds`: a hung dependency is a `503`, not a hung probe.
#[utoipa::path(
    get, path = "/readyz", tag = "operations", security(()),
    responses(
        (status = 200, description = "Ready.", body = Object, example = json!({"status": "ready"})),
        (status = 503, description = "`service_unavailable`: the database or the object store does not answer.", body = ErrorBody),
    ),
)]
pub async fn ready(State(app): State<AppState>) -> Result<Json<Value>, ApiError> {
    let wait = app.config.server.ready_timeout();
    let (db, blobs) = tokio::join!(
        tokio::time::timeout(wait, app.db.ping()),
        tokio::time::timeout(wait, app.blobs.check()),
    );
    let late = |what: &str| ApiError::Unavailable(format!("{what}: no answer within {wait:?}"));
    db.map_err(|_| late("database"))?
        .map_err(|e| ApiError::Unavailable(format!("database ping failed: {e}")))?;
    blobs
        .map_err(|_| late("object store"))?
        .map_err(|e| ApiError::Unavailable(format!("object store check failed: {e}")))?;
    Ok(Json(json!({ "status": "ready" })))
}

/// `GET /metrics` (served only with `metrics.token` set): the Prometheus text, for a scraper
/// that sends the token as a bearer token.
#[utoipa::path(
    get, path = "/metrics", tag = "operations", security(("metrics_token" = [])),
    responses(
        (status = 200, description = "OpenMetrics text.", content_type = "application/openmetrics-text", body = String),
        (status = 401, description = "`unauthenticated`: not the configured token.", body = ErrorBody),
    ),
)]
pub async fn metrics(
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Some(token) = app.config.metrics.token.as_ref() else {
        return Err(ApiError::not_found("tidak ditemukan"));
    };
    let sent = super::extract::bearer_token(&headers);
    if !sent.is_some_and(|sent| same(sent.as_bytes(), token.expose_secret().as_bytes())) {
        return Err(ApiError::unauthenticated());
    }
    let wait = app.config.server.unavailable_after();
    let text = tokio::time::timeout(wait, app.metrics.render(&app.db))
        .await
        .map_err(|_| ApiError::Unavailable(format!("database: no answer within {wait:?}")))?
        .map_err(|e| ApiError::Unavailable(format!("database: {e}")))?;
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    Ok(response)
}

/// Compares in time that does not depend on where the bytes differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}
