//! Every endpoint × every role × an area inside and outside the user's scope.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};
use tests::fixtures::{self, BONE_BONE, KEC_BONE_BONE, KEC_MALANGKE, LUWU_UTARA, PATTIMANG};
use tests::wire::{mutation, push_body, to_value};
use tests::{TestApp, TestUser};
use uuid::Uuid;

/// What a request got: the status and, for errors or push receipts, the code.
async fn outcome(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let code = body["code"]
        .as_str()
        .or_else(|| body["receipts"][0]["rejection"]["code"].as_str())
        .or_else(|| body["receipts"][0]["status"].as_str())
        .unwrap_or("")
        .to_owned();
    (status, code)
}

struct World {
    inside: Uuid,
    outside: Uuid,
    worker_inside: Uuid,
    worker_outside: Uuid,
}

async fn world(app: &TestApp) -> World {
    let root = app.user("supervisor", &[LUWU_UTARA]).await;
    let mut rng = StdRng::seed_from_u64(50);
    let (inside, outside) = (Uuid::new_v4(), Uuid::new_v4());
    let device = Uuid::new_v4();
    let body = push_body(
        device,
        &[
            to_value(&mutation(
                1,
                device,
                fixtures::create_household(inside, PATTIMANG, &mut rng),
            )),
            to_value(&mutation(
                2,
                device,
                fixtures::create_household(outside, BONE_BONE, &mut rng),
            )),
        ],
    );
    assert_eq!(
        app.post("/v1/sync/push", &root.token, &body).await.status(),
        200
    );
    let worker_inside = app.user("enumerator", &[KEC_MALANGKE]).await.id;
    let worker_outside = app.user("enumerator", &[KEC_BONE_BONE]).await.id;
    World {
        inside,
        outside,
        worker_inside,
        worker_outside,
    }
}

async fn push_create(app: &TestApp, user: &TestUser, area: &str) -> (u16, String) {
    let device = Uuid::new_v4();
    let op = fixtures::create_household(Uuid::new_v4(), area, &mut StdRng::seed_from_u64(51));
    outcome(
        app.post(
            "/v1/sync/push",
            &user.token,
            &push_body(device, &[to_value(&mutation(1, device, op))]),
        )
        .await,
    )
    .await
}

async fn pull_sees(app: &TestApp, user: &TestUser, w: &World) -> (u16, String) {
    let response = app.get("/v1/sync/pull", &user.token).await;
    if response.status() != 200 {
        return outcome(response).await;
    }
    let body: Value = response.json().await.unwrap();
    let ids: Vec<&str> = body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["household"]["id"].as_str())
        .collect();
    let sees = |id: Uuid| ids.contains(&id.to_string().as_str());
    (
        200,
        format!("inside:{} outside:{}", sees(w.inside), sees(w.outside)),
    )
}

async fn create_user(app: &TestApp, user: &TestUser, area: &str) -> (u16, String) {
    let name = format!("baru-{}", &Uuid::new_v4().simple().to_string()[..8]);
    let body = json!({ "username": name, "display_name": "Baru", "role": "enumerator", "areas": [area], "password": "kata-sandi-baru" });
    outcome(app.post("/v1/users", &user.token, &body).await).await
}

async fn set_areas(app: &TestApp, user: &TestUser, target: Uuid, area: &str) -> (u16, String) {
    let response = app
        .http
        .put(app.url(&format!("/v1/users/{target}/areas")))
        .bearer_auth(&user.token)
        .json(&json!({ "areas": [area] }))
        .send()
        .await
        .unwrap();
    outcome(response).await
}

async fn revoke(app: &TestApp, user: &TestUser, target: Uuid) -> Outcome {
    let url = app.url(&format!("/v1/users/{target}/sessions"));
    outcome(
        app.http
            .delete(url)
            .bearer_auth(&user.token)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// A request's status and code.
type Outcome = (u16, String);

fn ok(code: &str) -> Outcome {
    (200, code.to_owned())
}

fn refused(status: u16, code: &str) -> Outcome {
    (status, code.to_owned())
}

/// What each case returns for `role`.
fn expected(role: &str) -> Vec<Outcome> {
    let writes = role != "analyst";
    let reviews = matches!(role, "supervisor" | "admin");
    let admin = role == "admin";
    let pick = |allowed: bool, yes: Outcome| {
        if allowed {
            yes
        } else {
            refused(403, "forbidden")
        }
    };
    vec![
        pick(writes, ok("applied")),
        pick(writes, ok("area_out_of_scope")),
        pick(writes, ok("inside:true outside:false")),
        pick(writes, ok("")),
        pick(writes, refused(404, "not_found")),
        pick(reviews, ok("")),
        pick(admin, refused(201, "")),
        pick(admin, refused(403, "area_out_of_scope")),
        // The role is checked before the body: a non-admin learns nothing from its errors.
        pick(admin, refused(400, "invalid_request")),
        pick(admin, ok("")),
        pick(admin, refused(403, "area_out_of_scope")),
        pick(admin, refused(403, "area_out_of_scope")),
        pick(admin, refused(204, "")),
        pick(admin, refused(403, "area_out_of_scope")),
        ok(""),
        ok(""),
        pick(admin, ok("")),
        pick(reviews, ok("")),
        pick(reviews, ok("")),
        pick(reviews, refused(404, "not_found")),
        pick(reviews, refused(404, "not_found")),
        ok(""),
    ]
}

const CASES: [&str; 22] = [
    "push inside",
    "push outside",
    "pull",
    "household inside",
    "household outside",
    "conflicts",
    "create user inside",
    "create user outside",
    "create user with half a body",
    "set areas inside",
    "set areas of a user outside",
    "set areas to outside",
    "log out a user inside",
    "log out a user outside",
    "form",
    "me",
    "list users",
    "review queue",
    "history inside",
    "history outside",
    "decide outside",
    "areas below",
];

/// What each case returns for `user`, in the order of `CASES`.
async fn observe(app: &TestApp, w: &World, user: &TestUser) -> Vec<Outcome> {
    let household = |id: Uuid| format!("/v1/households/{id}");
    vec![
        push_create(app, user, PATTIMANG).await,
        push_create(app, user, BONE_BONE).await,
        pull_sees(app, user, w).await,
        outcome(app.get(&household(w.inside), &user.token).await).await,
        outcome(app.get(&household(w.outside), &user.token).await).await,
        outcome(app.get("/v1/conflicts", &user.token).await).await,
        create_user(app, user, PATTIMANG).await,
        create_user(app, user, BONE_BONE).await,
        outcome(
            app.post("/v1/users", &user.token, &json!({ "username": "setengah" }))
                .await,
        )
        .await,
        set_areas(app, user, w.worker_inside, PATTIMANG).await,
        set_areas(app, user, w.worker_outside, PATTIMANG).await,
        set_areas(app, user, w.worker_inside, BONE_BONE).await,
        revoke(app, user, w.worker_inside).await,
        revoke(app, user, w.worker_outside).await,
        outcome(app.get("/v1/forms/survei-rt/1", &user.token).await).await,
        outcome(app.get("/v1/me", &user.token).await).await,
        outcome(app.get("/v1/users", &user.token).await).await,
        outcome(app.get("/v1/reviews/queue", &user.token).await).await,
        outcome(
            app.get(&format!("{}/history", household(w.inside)), &user.token)
                .await,
        )
        .await,
        outcome(
            app.get(&format!("{}/history", household(w.outside)), &user.token)
                .await,
        )
        .await,
        outcome(
            app.post(
                &format!("{}/review", household(w.outside)),
                &user.token,
                &json!({"version": 1, "decision": "approve"}),
            )
            .await,
        )
        .await,
        outcome(
            app.get("/v1/areas?under=73.22&level=desa", &user.token)
                .await,
        )
        .await,
    ]
}

#[tokio::test]
async fn every_endpoint_answers_each_role_by_its_permissions_and_areas() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let mut mismatches = Vec::new();
    for role in ["enumerator", "supervisor", "analyst", "admin"] {
        let user = app.user(role, &[KEC_MALANGKE]).await;
        let got = observe(&app, &w, &user).await;
        for ((case, got), want) in CASES.iter().zip(got).zip(expected(role)) {
            if got != want {
                mismatches.push(format!("{role} / {case}: got {got:?}, expected {want:?}"));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    let outside = app
        .count(&format!("household WHERE area_code = '{BONE_BONE}'"))
        .await;
    assert_eq!(outside, 1, "nothing was created outside");
}
