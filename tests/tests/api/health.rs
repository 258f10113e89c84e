use serde_json::Value;
use tests::TestApp;

#[tokio::test]
async fn healthz_and_readyz_answer_ok_with_a_request_id() {
    let app = TestApp::spawn().await;
    let live = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(live.status(), 200);
    assert!(live.headers().get("x-request-id").is_some());
    let ready = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn an_unknown_protocol_version_is_refused_with_the_supported_versions() {
    let app = TestApp::spawn().await;
    let response = app
        .http
        .post(app.url("/v2/sync/push"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "unsupported_protocol_version");
    assert_eq!(body["supported_versions"], serde_json::json!([1]));

    let unknown = app
        .http
        .get(app.url("/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let body: Value = unknown.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
}
