//! The map: households of a viewport as points at their latest visit's fix, clusters beyond
//! the point limit (and always for analysts), desa polygons with their indicators.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;
use std::collections::BTreeMap;

use ekemiskinan::store::map::cell_of;
use sync_protocol::v1::{DeleteHousehold, GpsFix, MoveHousehold, Op, RecordVisit};
use tests::fixtures::{self, BONE_BONE, KEC_BONE_BONE, KEC_MALANGKE, LUWU_UTARA, PATTIMANG};
use tests::{Backend, TestApp, TestUser};
use uuid::Uuid;

const MALANGKE_BOX: &str = "120.3,-2.9,120.5,-2.7";

async fn geojson(app: &TestApp, user: &TestUser, path: &str) -> Value {
    app.get_json(path, user).await
}

/// Pushes a survey; returns the household and its visit's fix `(lat, lon)`.
async fn survey(app: &TestApp, user: &TestUser, desa: &str, seed: u64) -> (Uuid, RecordVisit) {
    let mut rng = StdRng::seed_from_u64(seed);
    let (id, ops) = fixtures::survey(desa, 1, &mut rng);
    let Some(Op::RecordVisit(visit)) = ops.last().cloned() else {
        unreachable!("a survey ends with its visit")
    };
    let mut phone = app.client(user);
    for op in ops {
        phone.enqueue(op).expect("enqueue");
    }
    phone.push().await.expect("push");
    (id, visit)
}

async fn revisit(
    app: &TestApp,
    user: &TestUser,
    visit: &RecordVisit,
    minutes: i64,
    at: (f64, f64),
) {
    let mut again = visit.clone();
    again.visit_id = Uuid::new_v4();
    again.started_at += chrono::Duration::minutes(minutes);
    again.ended_at += chrono::Duration::minutes(minutes);
    let gps = again.gps.as_mut().expect("gps");
    (gps.latitude, gps.longitude) = at;
    let mut phone = app.client(user);
    phone.enqueue(Op::RecordVisit(again)).expect("enqueue");
    phone.push().await.expect("push");
}

fn ids(collection: &Value) -> Vec<String> {
    let mut ids: Vec<String> = collection["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["properties"]["id"].as_str().expect("id").to_owned())
        .collect();
    ids.sort();
    ids
}

async fn households_appear_at_their_latest_fix_as_points_or_clusters(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let other = app.user("enumerator", &[KEC_BONE_BONE]).await;
    let mut ours = Vec::new();
    let mut visits = Vec::new();
    for seed in 0..3 {
        let (id, visit) = survey(&app, &worker, PATTIMANG, seed).await;
        ours.push(id.to_string());
        visits.push(visit);
    }
    ours.sort();
    survey(&app, &other, BONE_BONE, 7).await;

    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let path = format!("/v1/map/households?area={KEC_MALANGKE}&bbox={MALANGKE_BOX}");
    let points = geojson(&app, &supervisor, &path).await;
    assert_eq!(points["clustered"], false);
    assert_eq!(ids(&points), ours);
    let first = points["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["properties"]["id"] == visits[0].household_id.to_string())
        .expect("first household");
    let gps: &GpsFix = visits[0].gps.as_ref().expect("gps");
    assert_eq!(first["geometry"]["coordinates"][0], gps.longitude);
    assert_eq!(first["geometry"]["coordinates"][1], gps.latitude);
    assert_eq!(first["properties"]["desa"], PATTIMANG);

    // A later visit moves the household; an earlier one sent afterwards does not.
    revisit(&app, &worker, &visits[0], 60, (-2.79, 120.395)).await;
    revisit(&app, &worker, &visits[0], -60, (-2.81, 120.405)).await;
    let moved = geojson(&app, &supervisor, &path).await;
    let first = moved["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["properties"]["id"] == visits[0].household_id.to_string())
        .expect("first household")
        .clone();
    assert_eq!(
        first["geometry"]["coordinates"],
        serde_json::json!([120.395, -2.79])
    );

    // Beyond the point limit: clusters that add up.
    let clustered = geojson(&app, &supervisor, &format!("{path}&max_points=2")).await;
    assert_eq!(clustered["clustered"], true);
    let total: i64 = clustered["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["properties"]["households"].as_i64().expect("count"))
        .sum();
    assert_eq!(total, 3);
    assert!(clustered["features"][0]["properties"].get("id").is_none());
    // Analysts: clusters only, and none of fewer than five households, however small the
    // viewport around a household; nor counted, so that no two viewports' difference locates
    // one.
    let analyst = app.user("analyst", &[KEC_MALANGKE]).await;
    let gps = visits[1].gps.as_ref().expect("gps");
    let tiny = format!(
        "/v1/map/households?area={KEC_MALANGKE}&bbox={},{},{},{}",
        gps.longitude - 1e-5,
        gps.latitude - 1e-5,
        gps.longitude + 1e-5,
        gps.latitude + 1e-5
    );
    for view in [path.clone(), tiny] {
        let collection = geojson(&app, &analyst, &view).await;
        assert_eq!(collection["clustered"], true);
        assert_eq!(
            collection["features"].as_array().expect("features").len(),
            0,
            "{collection}"
        );
        assert_eq!(collection["households"], 0, "{collection}");
        assert_eq!(collection["suppressed"], 0, "{collection}");
    }

    // An empty viewport, a bad box, another kecamatan.
    let empty = geojson(
        &app,
        &supervisor,
        &format!("/v1/map/households?area={KEC_MALANGKE}&bbox=121,-3,121.1,-2.9"),
    )
    .await;
    assert_eq!(empty["features"].as_array().expect("features").len(), 0);
    for (query, status) in [
        (
            format!("area={KEC_MALANGKE}&bbox=120.5,-2.9,120.3,-2.7"),
            400,
        ),
        (format!("area={KEC_MALANGKE}&bbox=120.3,-2.9,120.5"), 400),
        (format!("area={KEC_BONE_BONE}&bbox={MALANGKE_BOX}"), 403),
    ] {
        let response = app
            .get(&format!("/v1/map/households?{query}"), &supervisor.token)
            .await;
        assert_eq!(response.status(), status, "{query}");
    }

    choropleth_has_the_demo_desa(&app, &supervisor).await;
}

/// The choropleth: the demo desa polygons with their figures.
async fn choropleth_has_the_demo_desa(app: &TestApp, supervisor: &TestUser) {
    let desa = geojson(
        app,
        supervisor,
        &format!("/v1/map/desa?area={KEC_MALANGKE}"),
    )
    .await;
    let features = desa["features"].as_array().expect("features");
    assert_eq!(features.len(), 3);
    let pattimang = features
        .iter()
        .find(|f| f["properties"]["code"] == PATTIMANG)
        .expect("Pattimang");
    assert_eq!(pattimang["properties"]["households_surveyed"], 3);
    assert_eq!(pattimang["geometry"]["type"], "Polygon");
}

on_both_backends!(households_appear_at_their_latest_fix_as_points_or_clusters);

/// The whole kabupaten, wide enough for cells of 0.02° (the smallest level of at least 1/64
/// of its 1.1° width).
const KABUPATEN_BOX: &str = "119.9,-3.2,121.0,-2.2";
const KABUPATEN_CELL: f64 = 0.02;

/// The kabupaten view's cell of a position (the mean of a cell's households lies in it).
fn cell(lat: f64, lon: f64) -> (i64, i64) {
    (
        cell_of(lon, 180.0, KABUPATEN_CELL),
        cell_of(lat, 90.0, KABUPATEN_CELL),
    )
}

/// The clusters of a view as `(cell column, cell row) → (households, poor)`, each at the
/// mean of its households' fixes.
fn clusters(collection: &Value) -> BTreeMap<(i64, i64), (i64, i64)> {
    assert_eq!(collection["clustered"], true, "{collection}");
    collection["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            let at = &f["geometry"]["coordinates"];
            let (lon, lat) = (at[0].as_f64().expect("lon"), at[1].as_f64().expect("lat"));
            let p = &f["properties"];
            (
                cell(lat, lon),
                (
                    p["households"].as_i64().expect("households"),
                    p["poor"].as_i64().expect("poor"),
                ),
            )
        })
        .collect()
}

/// What the clusters should be: the households' latest fixes grouped by cell.
fn expected(fixes: &BTreeMap<Uuid, ((f64, f64), bool)>) -> BTreeMap<(i64, i64), (i64, i64)> {
    let mut cells = BTreeMap::new();
    for ((lat, lon), poor) in fixes.values() {
        let entry: &mut (i64, i64) = cells.entry(cell(*lat, *lon)).or_default();
        entry.0 += 1;
        entry.1 += i64::from(*poor);
    }
    cells
}

async fn is_poor(app: &TestApp, user: &TestUser, household: Uuid) -> bool {
    let score: Value = app
        .get_json(&format!("/v1/households/{household}/score"), user)
        .await;
    score["verdict"] == "poor"
}

async fn kabupaten(app: &TestApp, user: &TestUser, area: &str) -> Value {
    geojson(
        app,
        user,
        &format!("/v1/map/households?area={area}&bbox={KABUPATEN_BOX}&max_points=0"),
    )
    .await
}

async fn clusters_and_indicators_count_the_households_as_they_are_now(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[LUWU_UTARA]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let mut fixes = BTreeMap::new();
    let mut visits = Vec::new();
    for seed in 20..26 {
        let (id, visit) = survey(&app, &worker, PATTIMANG, seed).await;
        let gps = visit.gps.as_ref().expect("gps");
        let poor = is_poor(&app, &supervisor, id).await;
        fixes.insert(id, ((gps.latitude, gps.longitude), poor));
        visits.push(visit);
    }
    assert_eq!(
        clusters(&kabupaten(&app, &supervisor, LUWU_UTARA).await),
        expected(&fixes)
    );

    // A later visit far away moves its household to another cell.
    let moved = visits[0].household_id;
    revisit(&app, &worker, &visits[0], 90, (-2.55, 120.55)).await;
    fixes.get_mut(&moved).expect("moved").0 = (-2.55, 120.55);
    let now = clusters(&kabupaten(&app, &supervisor, LUWU_UTARA).await);
    assert_eq!(now, expected(&fixes));
    assert!(now.len() >= 2, "{now:?}");

    // Moved to a desa of another kecamatan: counted there, no longer in Malangke.
    let mut phone = app.client(&worker);
    phone.pull().await.expect("pull");
    let other = visits[1].household_id;
    phone
        .enqueue(Op::MoveHousehold(MoveHousehold {
            household_id: other,
            base_version: phone.base_version(other),
            area_code: BONE_BONE.to_owned(),
        }))
        .expect("enqueue");
    // Deleted: no longer counted anywhere.
    let deleted = visits[2].household_id;
    phone
        .enqueue(Op::DeleteHousehold(DeleteHousehold {
            household_id: deleted,
            base_version: phone.base_version(deleted),
        }))
        .expect("enqueue");
    phone.push().await.expect("push");
    fixes.remove(&deleted);
    let bone_bone: BTreeMap<_, _> = fixes.extract_if(.., |id, _| *id == other).collect();
    assert_eq!(
        clusters(&kabupaten(&app, &supervisor, KEC_MALANGKE).await),
        expected(&fixes)
    );
    assert_eq!(
        clusters(&kabupaten(&app, &supervisor, KEC_BONE_BONE).await),
        expected(&bone_bone)
    );
    let everything = kabupaten(&app, &supervisor, LUWU_UTARA).await;
    assert_eq!(everything["households"], 5, "{everything}");

    // The indicators, read from the tallies kept per desa, moved and deleted alike.
    let figures: Value = app
        .get_json(
            &format!("/v1/indicators?area={LUWU_UTARA}&level=kecamatan"),
            &supervisor,
        )
        .await;
    let surveyed = |code: &str| {
        figures["areas"]
            .as_array()
            .expect("areas")
            .iter()
            .find(|a| a["code"] == code)
            .map(|a| a["households_surveyed"].clone())
    };
    assert_eq!(surveyed(KEC_MALANGKE), Some(serde_json::json!(fixes.len())));
    assert_eq!(surveyed(KEC_BONE_BONE), Some(serde_json::json!(1)));
}

on_both_backends!(clusters_and_indicators_count_the_households_as_they_are_now);

#[tokio::test]
async fn an_offline_basemap_is_served_a_byte_range_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("luwu-utara.pmtiles");
    let bytes: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &bytes).unwrap();
    let path = file.display().to_string();
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.map.basemap_pmtiles = path;
        c.map.basemap_attribution = "Peta dasar uji".to_owned();
    })
    .await;
    let analyst = app.user("analyst", &[LUWU_UTARA]).await;
    let described: Value = app.get_json("/v1/map/basemap", &analyst).await;
    assert_eq!(
        described,
        serde_json::json!({"kind": "pmtiles", "url": "/v1/map/basemap.pmtiles", "attribution": "Peta dasar uji"})
    );

    let get = |range: Option<&'static str>| {
        let mut request = app
            .http
            .get(app.url("/v1/map/basemap.pmtiles"))
            .bearer_auth(&analyst.token);
        if let Some(range) = range {
            request = request.header("range", range);
        }
        request.send()
    };
    let part = get(Some("bytes=10-19")).await.unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], "bytes 10-19/1000");
    assert_eq!(part.headers()["accept-ranges"], "bytes");
    assert_eq!(part.bytes().await.unwrap(), bytes[10..20]);
    let tail = get(Some("bytes=-16")).await.unwrap();
    assert_eq!(tail.status(), 206);
    assert_eq!(tail.bytes().await.unwrap(), bytes[984..]);
    let outside = get(Some("bytes=2000-")).await.unwrap();
    assert_eq!(outside.status(), 416);
    assert_eq!(outside.headers()["content-range"], "bytes */1000");
    let whole = get(None).await.unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.bytes().await.unwrap(), bytes);
    let anonymous = app
        .http
        .get(app.url("/v1/map/basemap.pmtiles"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn a_tile_server_basemap_is_described_and_let_through_the_pages_policy() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.map.basemap_tiles = "https://tiles.contoh.go.id/luwu/{z}/{x}/{y}.png".to_owned();
    })
    .await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let described: Value = app.get_json("/v1/map/basemap", &supervisor).await;
    assert_eq!(described["kind"], "tiles");
    assert_eq!(
        described["url"],
        "https://tiles.contoh.go.id/luwu/{z}/{x}/{y}.png"
    );
    let page = app.http.get(app.url("/peta")).send().await.unwrap();
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        policy.contains("connect-src 'self' https://tiles.contoh.go.id;"),
        "{policy}"
    );
    assert!(
        policy.contains("img-src 'self' https://tiles.contoh.go.id blob:"),
        "{policy}"
    );
    let none = app.get("/v1/map/basemap.pmtiles", &supervisor.token).await;
    assert_eq!(none.status(), 404);

    // Without a basemap, nothing is let through but the server itself.
    let plain = TestApp::spawn_on(Backend::Sqlite).await;
    let user = plain.user("supervisor", &[LUWU_UTARA]).await;
    let described: Value = plain.get_json("/v1/map/basemap", &user).await;
    assert_eq!(described, serde_json::json!({"kind": "none"}));
    let page = plain.http.get(plain.url("/peta")).send().await.unwrap();
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("connect-src 'self';")
    );
}

#[test]
fn a_basemap_that_cannot_work_is_refused_when_the_configuration_is_read() {
    let mut config = ekemiskinan::config::Config::default();
    config.map.basemap_tiles = "https://tiles.contoh.go.id/{z}/{x}.png".to_owned();
    assert!(config.validate().is_err(), "no {{y}}");
    config.map.basemap_tiles = "ftp://tiles/{z}/{x}/{y}.png".to_owned();
    assert!(config.validate().is_err(), "not http(s)");
    config.map.basemap_tiles = "https://tiles.contoh.go.id/{z}/{x}/{y}.png".to_owned();
    assert!(config.validate().is_ok());
    config.map.basemap_pmtiles = "/tidak/ada.pmtiles".to_owned();
    assert!(config.validate().is_err(), "both, and a missing file");
    config.map.basemap_tiles.clear();
    assert!(config.validate().is_err(), "a missing file");
}
