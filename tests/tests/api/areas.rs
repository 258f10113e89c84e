//! Area imports (GeoJSON and CSV, whole or not at all, updated in place) and locating points
//! in desa, on the real Luwu Utara boundaries in fixtures/areas/luwu-utara.

use std::path::PathBuf;

use ekemiskinan::areas::{AreaFile, ImportSummary, import};
use ekemiskinan::store::areas;
use serde_json::{Value, json};
use sync_protocol::v1::office::LocatedArea;
use tests::{Backend, TestApp};

fn wilayah(name: &str) -> AreaFile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/areas/luwu-utara")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    AreaFile {
        name: name.to_owned(),
        bytes,
    }
}

fn file(name: &str, text: &str) -> AreaFile {
    AreaFile {
        name: name.to_owned(),
        bytes: text.as_bytes().to_vec(),
    }
}

fn features(geojson: &AreaFile) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&geojson.bytes).expect("json");
    v["features"].as_array().expect("features").clone()
}

async fn the_real_luwu_utara_boundaries_import_and_locate_their_desa(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let db = &app.state.db;
    let desa = wilayah("luwu_utara_desa.geojson");
    let files = [
        wilayah("luwu_utara_kabupaten.geojson"),
        wilayah("luwu_utara_kecamatan.geojson"),
        desa.clone(),
        wilayah("luwu_utara_wilayah.csv"),
    ];
    let last = std::cell::Cell::new((0, 0));
    let summary = import(db, &files, |done, total| last.set((done, total)))
        .await
        .expect("import");
    // The demo region already holds 73, 73.22, 2 kecamatan and 6 desa of these; the CSV lists
    // 15 kecamatan and 173 desa (Salulemo of Baebunta without a boundary).
    assert_eq!(
        summary,
        ImportSummary {
            created: 189 - 9,
            updated: 9,
            with_boundary: 1 + 15 + 172
        }
    );
    assert_eq!(last.get(), (189, 189), "progress reaches the end");
    assert_eq!(app.count("area").await, 190);
    assert!(app.state.boundaries.refresh(db).await.expect("reload"));
    assert!(
        !app.state.boundaries.refresh(db).await.expect("unchanged"),
        "nothing changed"
    );

    // Shapely (GEOS), an independent implementation, finds 169 of the 172 centroids given in
    // the file inside their own desa; the other three lie outside their concave desa.
    let index = app.state.boundaries.index();
    assert_eq!(index.len(), 172);
    let own = features(&desa)
        .iter()
        .filter(|f| {
            let p = &f["properties"];
            let point = [
                p["centroid_lng"].as_f64().expect("lng"),
                p["centroid_lat"].as_f64().expect("lat"),
            ];
            index.locate(point) == p["kode"].as_str()
        })
        .count();
    assert_eq!(own, 169);

    // Through the API: Pattimang's centroid, then a point in the Gulf of Bone.
    let user = app.user("enumerator", &["73.22.01"]).await;
    let located: LocatedArea = app
        .get(
            "/v1/areas/locate?lat=-2.8004929900009765&lon=120.40028174769022",
            &user.token,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(located.desa.code, "73.22.01.2001");
    assert_eq!(located.desa.name, "Pattimang");
    assert_eq!(located.level, "desa");
    assert_eq!(located.kecamatan.expect("kecamatan").name, "Malangke");
    assert!(located.in_scope);
    let sea = app
        .get("/v1/areas/locate?lat=-3.0&lon=120.9", &user.token)
        .await;
    assert_eq!(sea.status(), 404);
    let far = app
        .get("/v1/areas/locate?lat=200&lon=120.4", &user.token)
        .await;
    assert_eq!(far.status(), 400);
    let body: Value = far.json().await.expect("json");
    assert_eq!(body["code"], "invalid_request");
}

async fn a_re_import_updates_in_place_and_a_code_list_keeps_the_boundaries(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let db = &app.state.db;
    let before = app.count("area").await;
    let renamed = file(
        "ganti.csv",
        "kode;nama\n73.22.01.2001;Pattimang Baru\n73.22.01.2099;Desa Baru\n",
    );
    let summary = import(db, &[renamed], |_, _| {}).await.expect("import");
    assert_eq!(
        summary,
        ImportSummary {
            created: 1,
            updated: 1,
            with_boundary: 0
        }
    );
    assert_eq!(app.count("area").await, before + 1);
    let names = areas::names(db, &["73.22.01.2001"]).await.expect("names");
    assert_eq!(names["73.22.01.2001"], "Pattimang Baru");
    assert!(app.state.boundaries.refresh(db).await.expect("reload"));
    assert_eq!(
        app.state.boundaries.index().locate([120.39, -2.80]),
        Some("73.22.01.2001"),
        "the demo boundary survives a code list"
    );
}

fn collection(features: &[Value]) -> String {
    json!({ "type": "FeatureCollection", "features": features }).to_string()
}

fn feature(code: &str, coordinates: &Value) -> Value {
    json!({
        "type": "Feature",
        "properties": { "kode": code, "nama": "Uji" },
        "geometry": { "type": "Polygon", "coordinates": coordinates },
    })
}

async fn bad_files_are_refused_whole_with_their_places_and_store_nothing(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let db = &app.state.db;
    let good = feature(
        "73.22.01.2010",
        &json!([[[120.0, -2.0], [120.1, -2.0], [120.1, -2.1], [120.0, -2.0]]]),
    );
    let bow_tie = feature(
        "73.22.01.2011",
        &json!([[[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]]),
    );
    let empty = feature("73.22.01.2012", &json!([]));
    let orphan = feature(
        "73.22.09.2001",
        &json!([[[120.0, -2.0], [120.1, -2.0], [120.1, -2.1], [120.0, -2.0]]]),
    );
    let cases: Vec<(Vec<AreaFile>, &str)> = vec![
        (
            vec![file("a.geojson", &collection(&[good.clone(), bow_tie]))],
            "a.geojson fitur 2 (73.22.01.2011): poligon berpotongan sendiri",
        ),
        (
            vec![file("a.geojson", &collection(&[good.clone(), empty]))],
            "a.geojson fitur 2 (73.22.01.2012): poligon kosong",
        ),
        (
            vec![file("a.geojson", &collection(&[good.clone(), orphan]))],
            "a.geojson fitur 2 (73.22.09.2001): kode induk 73.22.09 tidak ada di berkas maupun di basis data",
        ),
        (
            vec![file(
                "a.geojson",
                "{\"type\": \"FeatureCollection\", \"features\": [",
            )],
            "a.geojson berkas: GeoJSON tidak valid (baris 1",
        ),
        (
            vec![file("b.csv", "kode_wilayah,nama_desa\n73.22.01.2013,Uji\n")],
            "b.csv baris 1: kolom \"kode\" dan \"nama\" wajib ada",
        ),
        (
            vec![
                file("a.geojson", &collection(&[good])),
                AreaFile {
                    name: "c.csv".to_owned(),
                    bytes: b"kode,nama\n73.22.01.2014,Bon\xe8\n".to_vec(),
                },
            ],
            "c.csv baris 2: berkas bukan UTF-8",
        ),
    ];
    let before = app.count("area").await;
    for (files, expected) in cases {
        let err = import(db, &files, |_, _| {})
            .await
            .expect_err(expected)
            .to_string();
        assert!(
            err.contains(expected),
            "{err:?} should contain {expected:?}"
        );
        assert_eq!(
            app.count("area").await,
            before,
            "nothing stored for {expected:?}"
        );
    }
}

on_both_backends!(
    the_real_luwu_utara_boundaries_import_and_locate_their_desa,
    a_re_import_updates_in_place_and_a_code_list_keeps_the_boundaries,
    bad_files_are_refused_whole_with_their_places_and_store_nothing,
);
