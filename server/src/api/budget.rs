//! How long a request may wait for the database and the object store
//! (`server.unavailable_after_seconds`): past it the answer is `503` with `Retry-After`, so a
//! phone learns within seconds that the server cannot serve it now, instead of waiting
//! minutes for a dependency that is down or hung. A request cut short this way has written
//! nothing it did not commit, and the phone's retry is idempotent (PROTOCOL.md §3).

use std::future::Future;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::LengthLimitError;

use crate::api::extract::payload_too_large;
use crate::error::ApiError;
use crate::state::AppState;

/// Runs `work` within `budget`; past it, `503 service_unavailable`. What `work` was doing is
/// dropped: an open transaction rolls back.
pub async fn within<T, E: Into<ApiError>>(
    budget: Duration,
    work: impl Future<Output = Result<T, E>>,
) -> Result<T, ApiError> {
    match tokio::time::timeout(budget, work).await {
        Ok(done) => done.map_err(Into::into),
        Err(_) => Err(timed_out(budget)),
    }
}

fn timed_out(budget: Duration) -> ApiError {
    ApiError::Unavailable(format!(
        "no answer from the database or the object store within {} s",
        budget.as_secs()
    ))
}

/// Middleware bounding a whole request once its body has arrived. The body is read first,
/// outside the bound (at most `server.max_body_bytes`): a phone on 2G takes its time to send
/// it, and that is not the server waiting for anything. Not for requests whose bodies are
/// streamed (tus uploads), which bound their own waits with [`within`].
pub async fn bounded(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, app.config.server.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(e) => {
            let too_large = std::error::Error::source(&e)
                .is_some_and(<dyn std::error::Error>::is::<LengthLimitError>);
            let error = if too_large {
                payload_too_large()
            } else {
                ApiError::invalid(format!("isi permintaan tidak dapat dibaca: {e}"))
            };
            return error.into_response();
        }
    };
    let request = Request::from_parts(parts, Body::from(bytes));
    let budget = app.config.server.unavailable_after();
    match tokio::time::timeout(budget, next.run(request)).await {
        Ok(response) => response,
        Err(_) => timed_out(budget).into_response(),
    }
}
