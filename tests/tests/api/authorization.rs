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

#[tokio::test]
async fn every_endpoint_answers_each_role_by_its_permissions_and_areas() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let ok = |s: &str| (200, s.to_owned());
    let forbidden = || (403, "forbidden".to_owned());
    let out_of_scope = || (403, "area_out_of_scope".to_owned());
    let mut mismatches = Vec::new();
    for role in ["enumerator", "supervisor", "analyst", "admin"] {
        let user = app.user(role, &[KEC_MALANGKE]).await;
        let writes = role != "analyst";
        let reviews = matches!(role, "supervisor" | "admin");
        let admin = role == "admin";
        let cases: Vec<(&str, (u16, String), (u16, String))> = vec![
            (
                "push inside",
                push_create(&app, &user, PATTIMANG).await,
                if writes { ok("applied") } else { forbidden() },
            ),
            (
                "push outside",
                push_create(&app, &user, BONE_BONE).await,
                if writes {
                    ok("area_out_of_scope")
                } else {
                    forbidden()
                },
            ),
            (
                "pull",
                pull_sees(&app, &user, &w).await,
                if writes {
                    ok("inside:true outside:false")
                } else {
                    forbidden()
                },
            ),
            (
                "household inside",
                outcome(
                    app.get(&format!("/v1/households/{}", w.inside), &user.token)
                        .await,
                )
                .await,
                if writes { ok("") } else { forbidden() },
            ),
            (
                "household outside",
                outcome(
                    app.get(&format!("/v1/households/{}", w.outside), &user.token)
                        .await,
                )
                .await,
                if writes {
                    (404, "not_found".into())
                } else {
                    forbidden()
                },
            ),
            (
                "conflicts",
                outcome(app.get("/v1/conflicts", &user.token).await).await,
                if reviews { ok("") } else { forbidden() },
            ),
            (
                "create user inside",
                create_user(&app, &user, PATTIMANG).await,
                if admin {
                    (201, String::new())
                } else {
                    forbidden()
                },
            ),
            (
                "create user outside",
                create_user(&app, &user, BONE_BONE).await,
                if admin { out_of_scope() } else { forbidden() },
            ),
            (
                "set areas inside",
                set_areas(&app, &user, w.worker_inside, PATTIMANG).await,
                if admin { ok("") } else { forbidden() },
            ),
            (
                "set areas of a user outside",
                set_areas(&app, &user, w.worker_outside, PATTIMANG).await,
                if admin { out_of_scope() } else { forbidden() },
            ),
            (
                "set areas to outside",
                set_areas(&app, &user, w.worker_inside, BONE_BONE).await,
                if admin { out_of_scope() } else { forbidden() },
            ),
            (
                "form",
                outcome(app.get("/v1/forms/survei-rt/1", &user.token).await).await,
                ok(""),
            ),
            (
                "me",
                outcome(app.get("/v1/me", &user.token).await).await,
                ok(""),
            ),
        ];
        for (name, got, expected) in cases {
            if got != expected {
                mismatches.push(format!(
                    "{role} / {name}: got {got:?}, expected {expected:?}"
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert_eq!(
        app.count(&format!("household WHERE area_code = '{BONE_BONE}'"))
            .await,
        1,
        "nothing was created outside"
    );
}
