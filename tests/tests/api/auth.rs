use serde_json::{Value, json};
use tests::{PASSWORD, TestApp, fixtures::KEC_MALANGKE};

#[tokio::test]
async fn a_user_logs_in_sees_themself_and_logs_out() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let me: Value = app.get("/v1/me", &user.token).await.json().await.unwrap();
    assert_eq!(me["username"], user.username);
    assert_eq!(me["role"], "enumerator");
    assert_eq!(me["areas"], json!([KEC_MALANGKE]));

    let out = app.post("/v1/auth/logout", &user.token, &json!({})).await;
    assert_eq!(out.status(), 204);
    let after = app.get("/v1/me", &user.token).await;
    assert_eq!(after.status(), 401);
    let body: Value = after.json().await.unwrap();
    assert_eq!(body["code"], "token_expired");
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_only_the_hash_of_a_token_is_stored() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let wrong = app
        .http
        .post(app.url("/v1/auth/login"))
        .json(&json!({ "username": user.username, "password": "bukan-sandinya" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["code"], "invalid_credentials");

    let stored = app
        .count(&format!("session WHERE token_hash = '{}'", user.token))
        .await;
    assert_eq!(stored, 0, "the plain token must not be stored");
    assert_eq!(app.count("session").await, 1);
}

#[tokio::test]
async fn repeated_failed_logins_lock_the_username_even_for_the_right_password() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let attempt = |password: &'static str| {
        app.http
            .post(app.url("/v1/auth/login"))
            .json(&json!({ "username": user.username, "password": password }))
            .send()
    };
    for _ in 0..4 {
        assert_eq!(attempt("salah-salah").await.unwrap().status(), 401);
    }
    let locked = attempt("salah-salah").await.unwrap();
    assert_eq!(locked.status(), 429);
    assert!(locked.headers().get("retry-after").is_some());
    let body: Value = locked.json().await.unwrap();
    assert_eq!(body["code"], "login_throttled");
    let right = attempt(PASSWORD).await.unwrap();
    assert_eq!(
        right.status(),
        429,
        "a locked username stays locked for the right password too"
    );
}

/// Guesses sent all at once are counted all at once: no more passwords are checked than the
/// lock allows, however many requests arrive together.
#[tokio::test]
async fn a_burst_of_guesses_checks_no_more_passwords_than_the_lock_allows() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let guesses = (0..30).map(|i| {
        app.http
            .post(app.url("/v1/auth/login"))
            .json(&json!({ "username": user.username, "password": format!("tebakan-{i}") }))
            .send()
    });
    let mut statuses: Vec<u16> = futures::future::join_all(guesses)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    statuses.sort_unstable();
    let checked = statuses.iter().filter(|&&s| s == 401).count();
    assert!(
        checked <= 5,
        "no more passwords checked than max_failed_logins (5): {statuses:?}"
    );
    assert!(
        statuses.iter().all(|&s| s == 401 || s == 429),
        "{statuses:?}"
    );
    let right = app
        .http
        .post(app.url("/v1/auth/login"))
        .json(&json!({ "username": user.username, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 429, "locked, for the right password too");
}

#[tokio::test]
async fn requests_without_a_valid_token_are_unauthenticated() {
    let app = TestApp::spawn().await;
    let none = app.http.get(app.url("/v1/me")).send().await.unwrap();
    assert_eq!(none.status(), 401);
    let bogus = app.get("/v1/me", "not-a-token").await;
    assert_eq!(bogus.status(), 401);
    let body: Value = bogus.json().await.unwrap();
    assert_eq!(body["code"], "unauthenticated");
}

#[tokio::test]
async fn an_admin_logs_a_user_out_everywhere_after_a_lost_phone() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin", &["73.22"]).await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    assert_eq!(app.get("/v1/me", &user.token).await.status(), 200);
    let response = app
        .http
        .delete(app.url(&format!("/v1/users/{}/sessions", user.id)))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let after = app.get("/v1/me", &user.token).await;
    assert_eq!(after.status(), 401);
    let body: Value = after.json().await.unwrap();
    assert_eq!(body["code"], "token_expired");
    assert_eq!(
        app.count("audit_log WHERE action = 'user.revoke_sessions'")
            .await,
        1
    );

    // Another user may not do it.
    let other = app.user("supervisor", &["73.22"]).await;
    let refused = app
        .http
        .delete(app.url(&format!("/v1/users/{}/sessions", admin.id)))
        .bearer_auth(&other.token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}
