//! Transient failures and shutdown: nothing half-stored, nothing lost.

use std::time::Duration;

use ekemiskinan::store::StoreError;
use rand::SeedableRng;
use rand::rngs::StdRng;
use sea_orm::{ConnectionTrait, Database, TransactionTrait};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use sync_protocol::v1::{Op, PushResponse, ReceiptStatus, UpdateHousehold};
use tests::fixtures::{self, KEC_MALANGKE, PATTIMANG};
use tests::freezer::Freezer;
use tests::wire::{mutation, push_body, to_value};
use tests::{Backend, TestApp};
use uuid::Uuid;

/// Polls `check` until it holds (or fails the test after five seconds).
async fn wait_until<F: std::future::Future<Output = bool>>(
    what: &str,
    mut check: impl FnMut() -> F,
) {
    for _ in 0..500 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test]
async fn an_unreachable_database_answers_503_with_retry_after_and_the_retry_succeeds() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (base, name) = app.pg_database().expect("postgres");
    let admin = Database::connect(base).await.unwrap();
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(60);
    let body = push_body(
        device,
        &[to_value(&mutation(
            1,
            device,
            fixtures::create_household(Uuid::new_v4(), PATTIMANG, &mut rng),
        ))],
    );

    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false"
        ))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        ))
        .await
        .unwrap();
    let response = app.post("/v1/sync/push", &user.token, &body).await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers().get("retry-after").unwrap(), "5");
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["code"], "service_unavailable");
    assert_eq!(
        app.http
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        503
    );

    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"
        ))
        .await
        .unwrap();
    let retried = app.post("/v1/sync/push", &user.token, &body).await;
    let status = retried.status();
    let text = retried.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    let retried: PushResponse = serde_json::from_str(&text).unwrap();
    assert_eq!(retried.receipts[0].status, ReceiptStatus::Applied);
    assert_eq!(app.count("household").await, 1);
}

/// Only failures worth retrying are retried: a statement PostgreSQL refuses for its data
/// (22021, whose number a SQLite busy code shares the low byte with) is not one, and neither
/// is a missing table; SQLite's busy file is.
#[tokio::test]
async fn only_failures_worth_retrying_are_taken_for_transient() {
    let app = TestApp::spawn().await;
    let failure = |sql: &'static str| {
        let db = app.state.db.clone();
        async move { StoreError::from(db.execute_unprepared(sql).await.expect_err(sql)) }
    };
    assert!(!failure("SELECT E'a\\x00b'").await.is_transient(), "22021");
    assert!(
        !failure("SELECT * FROM no_such_table").await.is_transient(),
        "42P01"
    );

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("busy.db").display());
    let (a, b) = (
        Database::connect(&url).await.unwrap(),
        Database::connect(&url).await.unwrap(),
    );
    a.execute_unprepared("CREATE TABLE t (x INTEGER)")
        .await
        .unwrap();
    b.execute_unprepared("PRAGMA busy_timeout = 0")
        .await
        .unwrap();
    let writing = a.begin().await.unwrap();
    writing
        .execute_unprepared("INSERT INTO t VALUES (1)")
        .await
        .unwrap();
    let busy = StoreError::from(
        b.execute_unprepared("INSERT INTO t VALUES (2)")
            .await
            .unwrap_err(),
    );
    assert!(busy.is_transient(), "SQLITE_BUSY: {busy}");
    writing.rollback().await.unwrap();
}

#[tokio::test]
async fn shutdown_lets_a_push_in_flight_finish_and_stores_it() {
    let mut app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(61);
    let household = Uuid::new_v4();
    let create = to_value(&mutation(
        1,
        device,
        fixtures::create_household(household, PATTIMANG, &mut rng),
    ));
    assert_eq!(
        app.post("/v1/sync/push", &user.token, &push_body(device, &[create]))
            .await
            .status(),
        200
    );

    // Hold the household's row lock so the next push stays in flight.
    let (base, name) = app.pg_database().expect("postgres");
    let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
    let other = Database::connect(&url).await.unwrap();
    let blocker = other.begin().await.unwrap();
    blocker
        .execute_unprepared(&format!(
            "SELECT id FROM household WHERE id = '{household}' FOR UPDATE"
        ))
        .await
        .unwrap();

    let edit = Op::UpdateHousehold(UpdateHousehold {
        household_id: household,
        base_version: 1,
        fields: [("rt".to_owned(), json!("004"))].into(),
    });
    let push = app
        .http
        .post(app.url("/v1/sync/push"))
        .bearer_auth(&user.token)
        .json(&push_body(device, &[to_value(&mutation(2, device, edit))]))
        .send();
    let in_flight = tokio::spawn(push);
    let watcher = Database::connect(base).await.unwrap();
    wait_until("the push waits for the row lock", || {
        let (watcher, name) = (&watcher, name.to_owned());
        async move {
            let sql = format!("SELECT 1 FROM pg_stat_activity WHERE datname = '{name}' AND wait_event_type = 'Lock'");
            watcher.query_one_raw(sea_orm::Statement::from_string(watcher.get_database_backend(), sql)).await.unwrap().is_some()
        }
    })
    .await;

    app.trigger_shutdown();
    let server = app.take_server().unwrap();
    let addr = app.addr;
    wait_until("the server stops accepting connections", || async move {
        tokio::net::TcpStream::connect(addr).await.is_err()
    })
    .await;
    assert!(
        !server.is_finished(),
        "the server waits for the push in flight"
    );

    blocker.commit().await.unwrap();
    let response = in_flight.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    let body: PushResponse = response.json().await.unwrap();
    assert_eq!(body.receipts[0].household_version, Some(2));
    server.await.unwrap().unwrap();
    assert_eq!(app.count("household WHERE version = 2").await, 1);
}

/// What a client sees within ten seconds (five times the two the tests configure). Before the
/// bound, a push waited 90–120 s with the database down, and forever with it hung.
async fn answered_soon<T>(request: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), request)
        .await
        .expect("the server answered within 10 s")
}

async fn assert_unavailable(response: reqwest::Response, what: &str) {
    assert_eq!(response.status(), 503, "{what}");
    assert!(response.headers().contains_key("retry-after"), "{what}");
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["code"], "service_unavailable", "{what}");
}

#[tokio::test]
async fn a_hung_or_stopped_database_is_answered_503_in_time_and_the_same_push_applies_once_after() {
    let proxy = Freezer::start(tests::postgres_addr()).await;
    let app = TestApp::spawn_with(Backend::Postgres, |c| {
        let url = tests::through(c.database.url.expose_secret(), proxy.addr());
        c.database.url = SecretString::from(url);
        c.server.unavailable_after_seconds = 2;
        c.server.ready_timeout_seconds = 1;
    })
    .await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(61);
    let household = Uuid::new_v4();
    let body = push_body(
        device,
        &[to_value(&mutation(
            1,
            device,
            fixtures::create_household(household, PATTIMANG, &mut rng),
        ))],
    );
    let login = json!({"username": user.username, "password": tests::PASSWORD});

    for (state, cut) in [
        ("hung", Freezer::hang as fn(&Freezer)),
        ("down", Freezer::down),
    ] {
        cut(&proxy);
        let pushed = answered_soon(app.post("/v1/sync/push", &user.token, &body)).await;
        assert_unavailable(pushed, &format!("push, database {state}")).await;
        let logged_in =
            answered_soon(app.http.post(app.url("/v1/auth/login")).json(&login).send()).await;
        assert_unavailable(logged_in.unwrap(), &format!("login, database {state}")).await;
        let ready = answered_soon(app.http.get(app.url("/readyz")).send()).await;
        assert_unavailable(ready.unwrap(), &format!("readyz, database {state}")).await;
        proxy.open();
    }

    // Back: the phone sends the same push; it is applied once, however often it was cut.
    let retried = app.post("/v1/sync/push", &user.token, &body).await;
    assert_eq!(retried.status(), 200);
    let answer: PushResponse = retried.json().await.unwrap();
    assert_eq!(answer.receipts[0].status, ReceiptStatus::Applied);
    assert_eq!(answer.receipts[0].household_version, Some(1));
    assert_eq!(app.count("household").await, 1);
}
