//! The server carries the web apps (web/dist, built by scripts/test before the Rust tests):
//! pages revalidated with a strict Content-Security-Policy, hashed assets cached for good, the
//! apps' own routes answered with their page (the field app's with its service worker and
//! manifest), and the API's answers unchanged.

use serde_json::Value;
use tests::TestApp;

#[tokio::test]
async fn the_console_page_is_served_revalidated_under_a_strict_content_security_policy() {
    let app = TestApp::spawn().await;
    for path in [
        "/",
        "/antrean",
        "/rumah-tangga/0b9c8a9e-2f64-4f1e-9d61-3c2a3c1b7e11",
    ] {
        let response = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(
            response.status(),
            200,
            "{path}: build web/ first (scripts/test does: npm ci && npm run build)"
        );
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert_eq!(headers["cache-control"], "no-cache");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(csp.contains("connect-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        let page = response.text().await.unwrap();
        assert!(page.contains("<html lang=\"id\">"), "{page}");
        assert!(!page.contains("<script>"), "no inline script");
    }
}

#[tokio::test]
async fn hashed_assets_are_cached_for_good_and_missing_ones_are_not_found() {
    let app = TestApp::spawn().await;
    let page = app
        .http
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let script = page
        .split('"')
        .find(|s| s.starts_with("/assets/") && s.rsplit('.').next() == Some("js"))
        .expect("the page loads a hashed script");
    let response = app.http.get(app.url(script)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        response.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let missing = app
        .http
        .get(app.url("/assets/tidak-ada-abc123.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let posted = app.http.post(app.url("/antrean")).send().await.unwrap();
    assert_eq!(posted.status(), 405);
}

#[tokio::test]
async fn unknown_api_paths_still_answer_json() {
    let app = TestApp::spawn().await;
    let response = app.http.get(app.url("/v1/tidak-ada")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
    let other = app.http.get(app.url("/v9/sync/pull")).send().await.unwrap();
    assert_eq!(other.status(), 400);
    let body: Value = other.json().await.unwrap();
    assert_eq!(body["code"], "unsupported_protocol_version");
}

#[tokio::test]
async fn the_field_app_is_served_under_lapangan_with_its_service_worker_and_manifest() {
    let app = TestApp::spawn().await;
    // Its scope is /lapangan/: the bare path moves there.
    let bare = app.http.get(app.url("/lapangan")).send().await.unwrap();
    assert_eq!(bare.url().path(), "/lapangan/");
    let mut scripts = Vec::new();
    for path in ["/lapangan/", "/lapangan/rumah-tangga/0b9c8a9e"] {
        let response = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}: build web/ first");
        assert_eq!(response.headers()["cache-control"], "no-cache");
        assert!(response.headers().contains_key("content-security-policy"));
        let page = response.text().await.unwrap();
        assert!(
            page.contains("<title>e-Kemiskinan Lapangan</title>"),
            "{page}"
        );
        assert!(
            page.contains("href=\"/lapangan/manifest.webmanifest\""),
            "{page}"
        );
        scripts = page
            .split('"')
            .filter(|s| s.starts_with("/assets/"))
            .map(str::to_owned)
            .collect();
    }
    assert!(!scripts.is_empty());

    // The service worker, revalidated at each check for updates, keeps every file the page loads.
    let worker = app
        .http
        .get(app.url("/lapangan/sw.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(worker.status(), 200);
    assert_eq!(worker.headers()["cache-control"], "no-cache");
    assert_eq!(
        worker.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let code = worker.text().await.unwrap();
    for file in scripts
        .iter()
        .map(String::as_str)
        .chain(["/lapangan/index.html"])
    {
        assert!(code.contains(file), "the shell lacks {file}");
    }
    assert!(!code.contains("__LAPANGAN_"), "markers left in the worker");
    assert!(
        !code.contains("maplibre"),
        "the console's map is not the phone's"
    );

    let manifest = app
        .http
        .get(app.url("/lapangan/manifest.webmanifest"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        manifest.headers()["content-type"],
        "application/manifest+json"
    );
    let manifest: Value = manifest.json().await.unwrap();
    assert_eq!(manifest["start_url"], "/lapangan/");
    assert_eq!(manifest["scope"], "/lapangan/");
    assert_eq!(manifest["display"], "standalone");
    assert_eq!(manifest["lang"], "id");
    let icon = manifest["icons"][0]["src"].as_str().unwrap();
    let icon = app.http.get(app.url(icon)).send().await.unwrap();
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
}
