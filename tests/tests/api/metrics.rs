//! `GET /metrics`: served only with a token, and counting what happened.

use rand::SeedableRng;
use rand::rngs::StdRng;
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use sync_protocol::v1::{Op, UpdateHousehold};
use tests::fixtures::{self, KEC_MALANGKE, PATTIMANG};
use tests::{Backend, TestApp, images};

use crate::uploads::{create, location, patch};

const TOKEN: &str = "token-pemantauan-0123456789abcdef";

/// The value of the sample whose line starts with `series` (name and labels), if any.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

async fn scrape(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut request = app.http.get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn metrics_are_not_served_without_a_configured_token() {
    let app = TestApp::spawn_on(Backend::Sqlite).await;
    let response = scrape(&app, Some(TOKEN)).await;
    let body = response.text().await.unwrap();
    assert!(!body.contains("ekemiskinan_"), "{body}");
}

#[tokio::test]
async fn metrics_need_the_token() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.metrics.token = Some(SecretString::from(TOKEN));
    })
    .await;
    assert_eq!(scrape(&app, None).await.status(), 401);
    let wrong = format!("{}x", &TOKEN[..TOKEN.len() - 1]);
    assert_eq!(scrape(&app, Some(&wrong)).await.status(), 401);
    assert_eq!(scrape(&app, Some(TOKEN)).await.status(), 200);
}

/// Pushes, their mutations by outcome, pulls and requests by route are counted; the queues and
/// the pool are read when scraped.
async fn metrics_count_pushes_pulls_and_requests(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.metrics.token = Some(SecretString::from(TOKEN));
        c.flags.run_checks = false;
    })
    .await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let mut phone = app.client(&worker);
    let mut rng = StdRng::seed_from_u64(41);
    let (household, ops) = fixtures::survey(PATTIMANG, 1, &mut rng);
    let applied = ops.len();
    for op in ops {
        phone.enqueue(op).unwrap();
    }
    // An answer the form does not know: rejected.
    let mut fields = serde_json::Map::new();
    fields.insert("bukan_pertanyaan".to_owned(), serde_json::json!(1));
    phone
        .enqueue(Op::UpdateHousehold(UpdateHousehold {
            household_id: household,
            base_version: 1,
            fields: fields.into_iter().collect(),
        }))
        .unwrap();
    phone.push().await.expect("push");
    phone.pull().await.expect("pull");

    let response = scrape(&app, Some(TOKEN)).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = response.text().await.unwrap();
    #[expect(clippy::cast_precision_loss, reason = "a few mutations")]
    let applied = applied as f64;
    assert_eq!(
        sample(
            &text,
            r#"ekemiskinan_sync_mutations_total{outcome="applied"}"#
        ),
        Some(applied),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            r#"ekemiskinan_sync_mutations_total{outcome="validation_failed"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(sample(&text, "ekemiskinan_sync_pushes_total"), Some(1.0));
    assert!(sample(&text, "ekemiskinan_sync_pull_pages_total") >= Some(1.0));
    assert_eq!(
        sample(
            &text,
            r#"ekemiskinan_http_request_duration_seconds_count{route="/v1/sync/push",method="POST",status="200"}"#
        ),
        Some(1.0),
        "{text}"
    );
    // The visit waits for its check (checks are off here).
    assert_eq!(
        sample(&text, r#"ekemiskinan_queue_length{queue="checks"}"#),
        Some(1.0),
        "{text}"
    );
    assert!(
        sample(
            &text,
            r#"ekemiskinan_database_connections{connections="open"}"#
        ) >= Some(1.0)
    );
}

on_both_backends!(metrics_count_pushes_pulls_and_requests);

/// A failing object store shows in the metrics by operation and kind.
#[tokio::test]
async fn object_store_failures_are_counted() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.metrics.token = Some(SecretString::from(TOKEN));
    })
    .await;
    std::fs::remove_dir_all(&app.config.storage.path).unwrap();
    let ready = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let text = scrape(&app, Some(TOKEN)).await.text().await.unwrap();
    assert_eq!(
        sample(
            &text,
            r#"ekemiskinan_object_store_errors_total{operation="check",kind="io"}"#
        ),
        Some(1.0),
        "{text}"
    );
}

/// An upload counts as completed when its photo is stored: here not at its last chunk (the
/// photo directory cannot be written then) but at the zero-byte `PATCH` that stores it once
/// the directory is back. The failed write is counted as an object-store error.
#[tokio::test]
async fn an_upload_stored_after_its_last_chunk_failed_counts_as_completed() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.metrics.token = Some(SecretString::from(TOKEN));
    })
    .await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let photo = images::jpeg(64, 48, 3, None, 80);
    let sha = hex::encode(Sha256::digest(&photo));
    let at = location(&create(&app, &worker, photo.len(), &sha).await);
    let objects = &app.config.storage.path;
    std::fs::remove_dir_all(objects).unwrap();
    std::fs::write(objects, b"not a directory").unwrap();
    let last = patch(&app, &worker, &at, 0, &photo).await;
    assert!(last.status().is_server_error(), "{}", last.status());
    std::fs::remove_file(objects).unwrap();
    // The directory as the server made it at start, with the folder it writes files in first.
    std::fs::create_dir_all(objects.join(".tmp")).unwrap();
    let stored = patch(&app, &worker, &at, photo.len(), &[]).await;
    assert_eq!(stored.status(), 204);

    let text = scrape(&app, Some(TOKEN)).await.text().await.unwrap();
    assert_eq!(
        sample(&text, "ekemiskinan_uploads_completed_total"),
        Some(1.0),
        "{text}"
    );
    assert!(
        sample(
            &text,
            r#"ekemiskinan_object_store_errors_total{operation="put_file",kind="io"}"#
        ) >= Some(1.0),
        "{text}"
    );
}
