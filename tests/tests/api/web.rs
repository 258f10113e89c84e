//! The server carries the web apps (web/dist, built by scripts/test before the Rust tests):
//! pages revalidated with a strict Content-Security-Policy, hashed assets cached for good, the
//! console's own routes answered with its page, and the API's answers unchanged.

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
