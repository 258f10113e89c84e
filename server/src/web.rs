//! The web apps: the Konsol at `/` and the Aplikasi Lapangan at `/lapangan/`, built by
//! Vite into `web/dist`. A release build carries them inside the binary (`build.rs` builds
//! `web/` when its sources changed); a debug build reads `web/dist` from disk, so a rebuilt
//! console shows without recompiling the server.
//!
//! Hashed assets (`/assets/…`) are cached for good; pages, the field app's service worker
//! (`/lapangan/sw.js`) and its manifest are revalidated on every load, so that a new version
//! reaches the phones. Every page carries a strict Content-Security-Policy: scripts and
//! connections only to this server, no inline script.

use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use rust_embed::RustEmbed;

/// `web/dist`, as built.
#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../web/dist"]
#[allow_missing = true]
struct Dist;

/// What a page may load. `MapLibre` draws in a worker made from a blob; images of photos are
/// fetched with the token and shown from blobs.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; worker-src 'self' blob:; \
    font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

/// The policy, letting the map also fetch tiles from a basemap's tile server when one is
/// configured (its origin, checked when the configuration is read).
fn content_security_policy(tiles: Option<&str>) -> HeaderValue {
    let policy = match tiles {
        Some(origin) => CONTENT_SECURITY_POLICY
            .replace(
                "connect-src 'self'",
                &format!("connect-src 'self' {origin}"),
            )
            .replace("img-src 'self'", &format!("img-src 'self' {origin}")),
        None => CONTENT_SECURITY_POLICY.to_owned(),
    };
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static(CONTENT_SECURITY_POLICY))
}

/// Assets whose names carry their content hash: they never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Answers a GET or HEAD of anything that is not the API: a file of `web/dist`, or the app's
/// page for the app's own routes (the console routes in the browser). `tiles` is the origin of
/// a basemap's tile server, when one is configured.
pub fn serve(method: &Method, uri: &Uri, tiles: Option<&str>) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let path = uri.path().trim_start_matches('/');
    if let Some(file) = Dist::get(path).filter(|_| !path.is_empty()) {
        let cache = if path.starts_with("assets/") {
            IMMUTABLE
        } else {
            "no-cache"
        };
        return file_response(path, file.data.into_owned(), cache, tiles);
    }
    // The field app's scope is `/lapangan/`: its service worker controls nothing above it.
    if path == FIELD_APP {
        return Redirect::permanent("/lapangan/").into_response();
    }
    // A route of an app: its page. A missing file under /assets/ is a plain 404.
    if path.starts_with("assets/") || path.contains('.') {
        return StatusCode::NOT_FOUND.into_response();
    }
    let page = if path.starts_with("lapangan/") {
        "lapangan/index.html"
    } else {
        "index.html"
    };
    match Dist::get(page) {
        Some(file) => file_response(page, file.data.into_owned(), "no-cache", tiles),
        None => not_built(),
    }
}

/// The path of the Aplikasi Lapangan, below which its pages and service worker live.
const FIELD_APP: &str = "lapangan";

fn file_response(path: &str, bytes: Vec<u8>, cache: &'static str, tiles: Option<&str>) -> Response {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if content_type(path).starts_with("text/html") {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            content_security_policy(tiles),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    response
}

/// The server was built without the web apps (no `web/dist`).
fn not_built() -> Response {
    let page = "<!doctype html><html lang=\"id\"><meta charset=\"utf-8\"><title>e-Kemiskinan</title>\
        <p>Konsol belum dibangun. Jalankan <code>npm ci &amp;&amp; npm run build</code> di folder \
        <code>web/</code>, atau bangun server dengan <code>cargo build --release</code>.</p></html>";
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, page).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response
}

/// The content type of a built file, by its extension.
fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
