//! `GET /v1/openapi.json` describes the API the server really has: every route the router
//! holds is in the document with exactly the methods it answers, and the answers of a day's
//! work (sign-in, push, pull, review, map, figures, users, errors) match the document's
//! schemas for their route and status.

use std::collections::{BTreeMap, BTreeSet};

use rand::SeedableRng;
use rand::rngs::StdRng;
use reqwest::Method;
use serde_json::{Value, json};
use sync_protocol::v1::{Op, UpdateHousehold};
use tests::fixtures::{self, KEC_MALANGKE, LUWU_UTARA, PATTIMANG};
use tests::wire::{mutation, numbered, push_body, to_value};
use tests::{Backend, TestApp, TestUser};
use uuid::Uuid;

/// The methods a route may answer; `HEAD` is answered wherever `GET` is.
const METHODS: [&str; 7] = ["get", "head", "post", "put", "patch", "delete", "options"];

async fn document(app: &TestApp) -> Value {
    let response = app
        .http
        .get(app.url("/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    response.json().await.unwrap()
}

/// The paths the router holds, read from its debug form (axum lists each route's path there).
/// It fails loudly rather than finding nothing if that form ever changes.
fn routed_paths(app: &TestApp) -> BTreeSet<String> {
    let router = ekemiskinan::routes::router(app.state.clone());
    let text = format!("{router:?}");
    // The routes come first; what follows is the fallback (the web apps' pages).
    let mut rest = text.split("fallback_router:").next().unwrap();
    let mut paths = BTreeSet::new();
    while let Some(at) = rest.find("RouteId(") {
        rest = &rest[at..];
        let Some(open) = rest.find("): \"") else {
            break;
        };
        let start = open + 4;
        let end = start + rest[start..].find('"').unwrap();
        paths.insert(rest[start..end].to_owned());
        rest = &rest[end..];
    }
    assert!(
        paths.contains("/v1/sync/push") && paths.contains("/healthz"),
        "the router's debug form no longer lists its paths: {text:.2000}"
    );
    paths
}

/// A concrete URL for a documented path.
fn example(path: &str) -> String {
    path.replace("{id}", &Uuid::new_v4().to_string())
        .replace("{sha256}", &"ab".repeat(32))
        .replace("{side}", "256")
        .replace("{version}", "1")
}

#[tokio::test]
async fn the_document_names_every_route_the_server_has_with_its_methods() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.metrics.token = Some("a-metrics-token-for-tests".to_owned().into());
    })
    .await;
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeMap<String, BTreeSet<String>> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, item)| {
            let methods = METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| (*m).to_owned())
                .collect();
            (path.clone(), methods)
        })
        .collect();

    let routed = routed_paths(&app);
    let listed: BTreeSet<String> = documented.keys().cloned().collect();
    let undocumented: Vec<_> = routed.difference(&listed).collect();
    let unrouted: Vec<_> = listed.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the document: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented paths no route serves: {unrouted:?}"
    );

    // Each path answers the documented methods and refuses the others with 405. No token is
    // sent, so nothing is changed.
    for (path, methods) in &documented {
        let url = app.url(&example(path));
        for method in METHODS {
            let answers = methods.contains(method) || (method == "head" && methods.contains("get"));
            let request = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let status = app
                .http
                .request(request, &url)
                .send()
                .await
                .unwrap()
                .status();
            if answers {
                assert_ne!(status, 405, "{method} {path} is documented but refused");
            } else {
                assert_eq!(
                    status, 405,
                    "{method} {path} answers {status} but is not documented"
                );
            }
        }
    }
}

/// Checks answers against the document: the schema of the route's answer with that status.
struct Contract<'a> {
    app: &'a TestApp,
    doc: Value,
}

impl Contract<'_> {
    /// Sends a request to `path` (an instance of the documented `template`) and checks its
    /// answer; returns the status and the JSON body.
    async fn send(
        &self,
        method: Method,
        (template, path): (&str, &str),
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.app.http.request(method.clone(), self.app.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = &body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let json: Value = response.json().await.unwrap();
        let problems = self.problems(&method, template, status, &json);
        assert!(
            problems.is_empty(),
            "{method} {path} ({status}) does not match the document:\n{}\n{json:#}",
            problems.join("\n")
        );
        // What the server accepted, the document accepts too.
        if let (Some(body), 200..=299) = (&body, status) {
            let operation = method.as_str().to_lowercase();
            let pointer = format!(
                "/paths/{}/{operation}/requestBody/content/application~1json/schema",
                escape(template)
            );
            let problems = self.violations(&pointer, body);
            assert!(
                problems.is_empty(),
                "{method} {path}: the request does not match the document:\n{}\n{body:#}",
                problems.join("\n")
            );
        }
        (status, json)
    }

    async fn get(&self, route: (&str, &str), user: &TestUser) -> (u16, Value) {
        self.send(Method::GET, route, Some(&user.token), None).await
    }

    async fn post(&self, route: (&str, &str), user: &TestUser, body: Value) -> (u16, Value) {
        self.send(Method::POST, route, Some(&user.token), Some(body))
            .await
    }

    /// Where `json` departs from the document's schema for the route's answer with `status`.
    fn problems(&self, method: &Method, template: &str, status: u16, json: &Value) -> Vec<String> {
        let operation = method.as_str().to_lowercase();
        let pointer = format!(
            "/paths/{}/{operation}/responses/{status}/content/application~1json/schema",
            escape(template)
        );
        self.violations(&pointer, json)
    }

    /// Where `json` departs from the schema at `pointer` in the document.
    fn violations(&self, pointer: &str, json: &Value) -> Vec<String> {
        if self.doc.pointer(pointer).is_none() {
            return vec![format!("the document has no schema at {pointer}")];
        }
        let mut schema = self.doc.clone();
        schema["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        let fragment = pointer.replace('{', "%7B").replace('}', "%7D");
        schema["$ref"] = json!(format!("#{fragment}"));
        let validator = jsonschema::validator_for(&schema).unwrap();
        validator
            .iter_errors(json)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect()
    }
}

/// A path as a JSON pointer token.
fn escape(template: &str) -> String {
    template.replace('~', "~0").replace('/', "~1")
}

/// The same path as the template, for routes without parameters.
fn at(path: &str) -> (&str, &str) {
    (path.split('?').next().unwrap(), path)
}

#[tokio::test]
async fn a_days_answers_match_the_schemas_the_document_gives_them() {
    let app = TestApp::spawn().await;
    let c = Contract {
        app: &app,
        doc: document(&app).await,
    };
    // The check bites: a token that is a number, a receipt without its status, an answer the
    // route does not give.
    let bad_login = json!({ "token": 5, "expires_at": "2026-12-07T00:00:00Z" });
    let bad_receipt = json!({ "receipts": [{ "seq": 1 }] });
    for (method, template, status, body) in [
        (Method::POST, "/v1/auth/login", 200, bad_login),
        (Method::POST, "/v1/sync/push", 200, bad_receipt),
        (Method::GET, "/v1/me", 409, json!({})),
    ] {
        let problems = c.problems(&method, template, status, &body);
        assert!(!problems.is_empty(), "{method} {template} {status} {body}");
    }

    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let analyst = app.user("analyst", &[LUWU_UTARA]).await;
    let admin = app.user("admin", &[LUWU_UTARA]).await;

    // Signing in, and who one is.
    let wrong = json!({ "username": worker.username, "password": "bukan-ini" });
    let login = at("/v1/auth/login");
    assert_eq!(c.send(Method::POST, login, None, Some(wrong)).await.0, 401);
    assert_eq!(c.get(at("/v1/me"), &worker).await.0, 200);
    assert_eq!(c.send(Method::GET, at("/v1/me"), None, None).await.0, 401);

    let phone = syncing(&c, &worker).await;
    forms_and_areas(&c, &worker, &supervisor).await;
    reading_a_household(&c, &supervisor, &analyst, phone.household).await;
    reviewing(&c, &worker, &supervisor, &phone).await;
    map_and_figures(&c, &supervisor, &analyst).await;
    managing_users(&c, &admin).await;

    assert_eq!(c.send(Method::GET, at("/healthz"), None, None).await.0, 200);
    assert_eq!(c.send(Method::GET, at("/readyz"), None, None).await.0, 200);
}

/// A phone that pushed a survey.
struct Phone {
    device: Uuid,
    household: Uuid,
    pushed: u64,
}

/// A phone pushes a survey (then a push with a gap, and one that is not a push), and pulls.
async fn syncing(c: &Contract<'_>, worker: &TestUser) -> Phone {
    let push = at("/v1/sync/push");
    let device = Uuid::new_v4();
    let (household, ops) = fixtures::survey(PATTIMANG, 2, &mut StdRng::seed_from_u64(7));
    let mutations = numbered(device, ops);
    let (status, receipts) = c.post(push, worker, push_body(device, &mutations)).await;
    assert_eq!(status, 200);
    assert_eq!(receipts["receipts"][0]["status"], "applied");
    let mut far_ahead = mutations[0].clone();
    far_ahead["seq"] = json!(99);
    let gap = push_body(device, &[far_ahead]);
    assert_eq!(c.post(push, worker, gap).await.0, 409);
    let not_a_push = json!({ "device_id": "bukan-uuid" });
    assert_eq!(c.post(push, worker, not_a_push).await.0, 400);
    let (status, page) = c.get(at("/v1/sync/pull?limit=50"), worker).await;
    assert_eq!(status, 200);
    assert!(!page["changes"].as_array().unwrap().is_empty());
    Phone {
        device,
        household,
        pushed: u64::try_from(mutations.len()).unwrap(),
    }
}

async fn forms_and_areas(c: &Contract<'_>, worker: &TestUser, supervisor: &TestUser) {
    let (_, forms) = c.get(at("/v1/forms"), worker).await;
    let form = &forms["forms"][0];
    let (id, version) = (form["id"].as_str().unwrap(), &form["version"]);
    let template = "/v1/forms/{id}/{version}";
    let path = format!("/v1/forms/{id}/{version}");
    assert_eq!(c.get((template, &path), worker).await.0, 200);
    assert_eq!(
        c.get((template, "/v1/forms/tidak-ada/1"), worker).await.0,
        404
    );
    let areas = at("/v1/areas?under=73.22&level=kecamatan");
    assert_eq!(c.get(areas, supervisor).await.0, 200);
    let locate = at("/v1/areas/locate?lat=-2.80&lon=120.40");
    assert_eq!(c.get(locate, worker).await.0, 200);
}

/// The household as the office reads it; not found, and not for analysts.
async fn reading_a_household(
    c: &Contract<'_>,
    supervisor: &TestUser,
    analyst: &TestUser,
    household: Uuid,
) {
    c.app.checked_flags(supervisor, household).await;
    for template in [
        "/v1/households/{id}",
        "/v1/households/{id}/score",
        "/v1/households/{id}/flags",
        "/v1/households/{id}/places",
        "/v1/households/{id}/history",
        "/v1/households/{id}/photos",
    ] {
        let path = template.replace("{id}", &household.to_string());
        assert_eq!(c.get((template, &path), supervisor).await.0, 200, "{path}");
    }
    let template = "/v1/households/{id}";
    let unknown = format!("/v1/households/{}", Uuid::new_v4());
    assert_eq!(c.get((template, &unknown), supervisor).await.0, 404);
    let path = format!("/v1/households/{household}");
    assert_eq!(c.get((template, &path), analyst).await.0, 403);
    let photo = format!("/v1/photos/{}", "ab".repeat(32));
    assert_eq!(
        c.get(("/v1/photos/{sha256}", &photo), supervisor).await.0,
        404
    );
}

/// The queue; a decision on a version the phone changed since; a return with a note; bulk
/// approval; conflicts.
async fn reviewing(c: &Contract<'_>, worker: &TestUser, supervisor: &TestUser, phone: &Phone) {
    let (_, queue) = c.get(at("/v1/reviews/queue"), supervisor).await;
    let seen = queue["items"][0]["version"].as_i64().unwrap();
    let edit = Op::UpdateHousehold(UpdateHousehold {
        household_id: phone.household,
        base_version: seen,
        fields: [("jenis_atap".to_owned(), json!(9))].into_iter().collect(),
    });
    let next = mutation(phone.pushed + 1, phone.device, edit);
    let edited = push_body(phone.device, &[to_value(&next)]);
    let (_, receipts) = c.post(at("/v1/sync/push"), worker, edited).await;
    let version = receipts["receipts"][0]["household_version"]
        .as_i64()
        .unwrap();

    let path = format!("/v1/households/{}/review", phone.household);
    let review = ("/v1/households/{id}/review", path.as_str());
    let stale = json!({ "version": seen, "decision": "approve" });
    let (status, body) = c.post(review, supervisor, stale).await;
    assert_eq!((status, &body["code"]), (409, &json!("stale_version")));
    let returned = json!({
        "version": version,
        "decision": "return",
        "note": "Foto lantai kurang jelas",
        "field_notes": [{
            "target": { "kind": "household", "field": "jenis_lantai" },
            "note": "Periksa lagi",
        }],
    });
    assert_eq!(c.post(review, supervisor, returned).await.0, 200);
    let bulk = json!({ "items": [{ "household_id": phone.household, "version": version }] });
    assert_eq!(
        c.post(at("/v1/reviews/approve"), supervisor, bulk).await.0,
        200
    );
    assert_eq!(c.get(at("/v1/conflicts"), supervisor).await.0, 200);
    assert_eq!(c.get(at("/v1/conflicts"), worker).await.0, 403);
}

/// The map and the figures, for a supervisor and for an analyst (clusters, suppression).
async fn map_and_figures(c: &Contract<'_>, supervisor: &TestUser, analyst: &TestUser) {
    for user in [supervisor, analyst] {
        let viewport = at("/v1/map/households?area=73.22&bbox=119.9,-3.2,120.9,-2.3");
        assert_eq!(c.get(viewport, user).await.0, 200);
        assert_eq!(c.get(at("/v1/map/desa?area=73.22"), user).await.0, 200);
        let figures = at("/v1/indicators?area=73.22&level=desa");
        assert_eq!(c.get(figures, user).await.0, 200);
    }
    assert_eq!(c.get(at("/v1/map/basemap"), analyst).await.0, 200);
    assert_eq!(c.get(at("/v1/indicators?area=73.17"), analyst).await.0, 403);
}

async fn managing_users(c: &Contract<'_>, admin: &TestUser) {
    let new_user = json!({
        "username": "tksk-baru",
        "display_name": "TKSK Baru",
        "role": "enumerator",
        "areas": [KEC_MALANGKE],
        "password": "kata-sandi-yang-panjang",
    });
    let (status, created) = c.post(at("/v1/users"), admin, new_user.clone()).await;
    assert_eq!(status, 201);
    assert_eq!(c.post(at("/v1/users"), admin, new_user).await.0, 409);
    assert_eq!(c.get(at("/v1/users"), admin).await.0, 200);
    let path = format!("/v1/users/{}/areas", created["id"].as_str().unwrap());
    let areas = json!({ "areas": [LUWU_UTARA] });
    let route = ("/v1/users/{id}/areas", path.as_str());
    let (status, _) = c
        .send(Method::PUT, route, Some(&admin.token), Some(areas))
        .await;
    assert_eq!(status, 200);
}
