//! Liveness and readiness.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;

/// `GET /healthz`: the process is up.
pub async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the database and the object store answer, both asked at once and each
/// given `server.ready_timeout_seconds`: a hung dependency is a `503`, not a hung probe.
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
