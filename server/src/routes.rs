//! The whole URL table, and the middleware every request passes through.

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::http::{Method, Request, Uri, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, head, post, put};
use sync_protocol::v1;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tracing::info_span;

use crate::api::{
    areas, auth, budget, conflicts, exports, forms, health, households, indicators, map, openapi,
    photos, reviews, sync, uploads, users,
};
use crate::error::ApiError;
use crate::state::AppState;
use crate::{metrics, web};

/// The tus endpoints; every answer carries `Tus-Resumable`.
fn tus() -> Router<AppState> {
    Router::new()
        .route("/", post(uploads::create).options(uploads::options))
        .route(
            "/{id}",
            head(uploads::head)
                .patch(uploads::patch)
                .delete(uploads::terminate),
        )
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("tus-resumable"),
            HeaderValue::from_static(uploads::TUS_VERSION),
        ))
        // A request in a version this server does not speak learns which it does (tus core).
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("tus-version"),
            |response: &Response| {
                (response.status() == StatusCode::PRECONDITION_FAILED)
                    .then(|| HeaderValue::from_static(uploads::TUS_VERSION))
            },
        ))
}

/// Answers smaller than this are sent uncompressed: for a receipt of a few hundred bytes,
/// gzip costs more CPU than the bytes it saves.
const COMPRESS_FROM_BYTES: u16 = 1024;

/// Builds the router with every route and layer.
pub fn router(state: AppState) -> Router {
    let max_body = state.config.server.max_body_bytes;
    let v1 = Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(auth::get_me))
        .route("/sync/push", post(sync::push))
        .route("/sync/pull", get(sync::pull))
        .route("/areas", get(areas::list))
        .route("/areas/locate", get(areas::locate))
        .route("/indicators", get(indicators::get))
        .route("/map/households", get(map::households))
        .route("/map/desa", get(map::desa))
        .route("/map/basemap", get(map::basemap))
        .route("/map/basemap.pmtiles", get(map::basemap_file))
        .route("/households/{id}", get(households::get))
        .route("/conflicts", get(conflicts::list))
        .route("/conflicts/{id}/resolve", post(conflicts::resolve))
        .route("/households/{id}/review", post(reviews::decide))
        .route("/households/{id}/history", get(reviews::history))
        .route("/reviews/queue", get(reviews::queue))
        .route("/reviews/approve", post(reviews::approve_many))
        .route("/forms", get(forms::list))
        .route("/forms/{id}/{version}", get(forms::get))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}/areas", put(users::set_areas))
        .route("/users/{id}/sessions", delete(users::revoke_sessions))
        .route("/households/{id}/photos", get(photos::of_household))
        .route("/households/{id}/score", get(households::score))
        .route("/households/{id}/flags", get(households::flags))
        .route("/households/{id}/places", get(households::places))
        .route("/photos/{sha256}", get(photos::exists))
        .route("/photos/{sha256}/original", get(photos::original))
        .route("/photos/{sha256}/details", get(photos::details))
        .route("/photos/{sha256}/similar", get(photos::similar))
        .route("/photos/{sha256}/thumbnail/{side}", get(photos::thumbnail))
        // Every route above answers within `server.unavailable_after_seconds` once its body
        // has arrived; the ones below may take longer by nature and bound their own waits.
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            budget::bounded,
        ))
        // A list of a kabupaten's households takes longer than the budget to write.
        .route("/exports/households", get(exports::households))
        .route("/exports/indicators", get(exports::indicators))
        // Bodies streamed over 2G for minutes.
        .nest("/uploads", tus());
    let mut root = Router::new()
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .nest(v1::PATH_PREFIX, v1)
        .fallback(fallback);
    // Requests are timed only where someone reads the figures.
    if state.config.metrics.token.is_some() {
        root = root
            .route("/metrics", get(health::metrics))
            .layer(middleware::from_fn_with_state(
                state.clone(),
                metrics::record,
            ));
    }
    root.layer(DefaultBodyLimit::max(max_body))
        .layer(
            ServiceBuilder::new()
                .layer(SetSensitiveRequestHeadersLayer::new([header::AUTHORIZATION]))
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                    let request_id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    info_span!("request", method = %req.method(), path = %req.uri().path(), request_id)
                }))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CatchPanicLayer::custom(|_| panic_response()))
                .layer(CompressionLayer::new().compress_when(
                    // Photos are compressed already.
                    SizeAbove::new(COMPRESS_FROM_BYTES)
                        .and(NotForContentType::IMAGES)
                        .and(NotForContentType::const_new("application/octet-stream")),
                ))
                .layer(RequestDecompressionLayer::new()),
        )
        .with_state(state)
}

fn panic_response() -> Response {
    ApiError::Internal(anyhow::anyhow!("handler panicked")).into_response()
}

/// Everything the routes above do not name. Under a protocol version it is the API's: `/v2/…`
/// and other versions get `unsupported_protocol_version`, an unknown `/v1/…` a JSON 404.
/// Anything else is the web apps' (files, and the pages of their routes).
async fn fallback(State(app): State<AppState>, method: Method, uri: Uri) -> Response {
    let first = uri
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    let is_version =
        first.len() > 1 && first.starts_with('v') && first[1..].bytes().all(|b| b.is_ascii_digit());
    if !is_version {
        return web::serve(&method, &uri, app.config.map.tiles_origin());
    }
    if first != &v1::PATH_PREFIX[1..] {
        return ApiError::UnsupportedVersion(first.to_owned()).into_response();
    }
    ApiError::not_found(format!("alamat {} tidak ada", uri.path())).into_response()
}

/// How long a graceful shutdown waits for requests in flight.
#[must_use]
pub fn shutdown_grace(state: &AppState) -> Duration {
    Duration::from_secs(state.config.server.shutdown_grace_seconds)
}
