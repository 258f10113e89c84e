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

/// `GET /readyz`: the database and the object store answer.
pub async fn ready(State(app): State<AppState>) -> Result<Json<Value>, ApiError> {
    app.db
        .ping()
        .await
        .map_err(|e| ApiError::Unavailable(format!("database ping failed: {e}")))?;
    app.blobs
        .check()
        .await
        .map_err(|e| ApiError::Unavailable(format!("object store check failed: {e}")))?;
    Ok(Json(json!({ "status": "ready" })))
}
