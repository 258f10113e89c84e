use std::collections::HashSet;

use serde_json::json;

use super::{AreaRecord, Format, check_parents, parse, parse_csv, parse_geojson, province_name};
use crate::domain::area::AreaCode;

fn feature(code: &str, name: &str, geometry: &serde_json::Value) -> serde_json::Value {
    json!({ "type": "Feature", "properties": { "kode": code, "nama": name }, "geometry": geometry })
}

fn square(x: f64, y: f64) -> serde_json::Value {
    json!({ "type": "Polygon", "coordinates": [[[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]] })
}

fn collection(features: &[serde_json::Value]) -> Vec<u8> {
    serde_json::to_vec(&json!({ "type": "FeatureCollection", "features": features }))
        .expect("serializable")
}

fn places(problems: &[super::Problem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

#[test]
fn a_feature_collection_gives_codes_names_and_boundaries() {
    let file = collection(&[
        feature("73.22.01", " Malangke ", &square(120.3, -2.8)),
        json!({
            "type": "Feature",
            "properties": { "code": "73.22.01.2001", "name": "Pattimang", "extra": 1 },
            "geometry": { "type": "MultiPolygon", "coordinates": [square(120.3, -2.8)["coordinates"]] },
        }),
    ]);
    let records = parse(Format::detect("desa.geojson", &file), &file).expect("valid");
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].name, "Malangke");
    assert_eq!(records[1].code.as_str(), "73.22.01.2001");
    assert!(
        records[1]
            .boundary
            .as_ref()
            .expect("boundary")
            .contains([120.35, -2.75])
    );
}

#[test]
fn each_bad_feature_is_reported_with_its_number_and_code() {
    let bow_tie = json!({ "type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]] });
    let file = collection(&[
        feature("73.22.01", "Malangke", &square(120.3, -2.8)),
        feature("73.22.01.2001", "Pattimang", &bow_tie),
        feature("73.22.01.3001", "Salah", &square(120.3, -2.8)),
        json!({ "type": "Feature", "properties": { "nama": "Tanpa kode" }, "geometry": square(1.0, 1.0) }),
        feature("73.22.01.2002", "", &square(120.3, -2.8)),
        json!({ "type": "Feature", "properties": { "kode": "73.22.01.2003", "nama": "Kosong" }, "geometry": null }),
        feature("73.22.01", "Malangke lagi", &square(120.3, -2.8)),
        feature(
            "73.22.01.2004",
            "Titik",
            &json!({ "type": "Point", "coordinates": [120.0, -2.0] }),
        ),
    ]);
    let problems = places(&parse_geojson(&file).unwrap_err());
    assert_eq!(problems.len(), 7, "{problems:#?}");
    assert!(problems[0].starts_with("fitur 2 (73.22.01.2001): poligon berpotongan sendiri"));
    assert!(problems[1].starts_with("fitur 3 (73.22.01.3001): kode wilayah tidak valid"));
    assert_eq!(problems[2], "fitur 4: tidak ada properti teks \"kode\"");
    assert_eq!(problems[3], "fitur 5 (73.22.01.2002): nama kosong");
    assert!(problems[4].starts_with("fitur 6 (73.22.01.2003): fitur tanpa geometri"));
    assert_eq!(
        problems[5],
        "fitur 7 (73.22.01): kode ini sudah ada di fitur 1"
    );
    assert!(problems[6].contains("\"Point\" tidak didukung"));
}

#[test]
fn a_file_that_is_not_a_feature_collection_is_refused_whole() {
    for (file, expected) in [
        (
            &b"{\"type\": \"FeatureCollection\",\n \"features\": [}"[..],
            "GeoJSON tidak valid (baris 2",
        ),
        (
            br#"{"type": "Feature", "features": []}"#,
            "harus FeatureCollection",
        ),
        (
            br#"{"type": "FeatureCollection", "features": []}"#,
            "tidak berisi fitur",
        ),
        (
            br#"{"type": "FeatureCollection"}"#,
            "tidak ada \"features\"",
        ),
    ] {
        let problems = places(&parse_geojson(file).unwrap_err());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("berkas: "), "{problems:?}");
        assert!(
            problems[0].contains(expected),
            "{problems:?} lacks {expected:?}"
        );
    }
}

#[test]
fn a_csv_with_quotes_semicolons_a_bom_and_extra_columns_is_read() {
    let file = "\u{feff}kode;nama;level;keterangan\r\n\
                73.22;\"Kabupaten Luwu Utara\";kabkota;\r\n\
                73.22.01;\"Malangke; \"\"lama\"\"\";kecamatan;x\r\n\
                \r\n\
                73.22.02.1001;Bone Bone;desa_kelurahan;\r\n";
    let records = parse(
        Format::detect("wilayah.csv", file.as_bytes()),
        file.as_bytes(),
    )
    .expect("valid");
    let names: Vec<&str> = records.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["Kabupaten Luwu Utara", "Malangke; \"lama\"", "Bone Bone"]
    );
    assert!(records.iter().all(|r| r.boundary.is_none()));
}

#[test]
fn csv_problems_are_reported_with_their_lines() {
    let file = "kode,nama,level\n\
                73.22.01,Malangke,desa\n\
                73.22.01.2001,Pattimang\n\
                73.22.01.2002,\"Malangke,desa\n\
                73.22.01.20,Salah,desa\n\
                73.22.01.2003,,desa\n\
                73.22.01.2004,Baru,desa\n\
                73.22.01.2004,Baru lagi,desa\n";
    let problems = places(&parse_csv(file.as_bytes()).unwrap_err());
    assert_eq!(
        problems,
        [
            "baris 2: 73.22.01: level \"desa\" tidak sesuai dengan kodenya (kecamatan)",
            "baris 3: harus 3 kolom seperti judulnya, ditemukan 2",
            "baris 4: tanda kutip tidak ditutup (sel tidak boleh memuat baris baru)",
            "baris 5: kode wilayah tidak valid: \"73.22.01.20\" (contoh: 73.22.01.2001)",
            "baris 6: 73.22.01.2003: nama kosong",
            "baris 8: kode ini sudah ada di baris 7",
        ]
    );
}

#[test]
fn wrong_columns_another_encoding_or_no_rows_are_refused() {
    let cases: [(&[u8], &str); 4] = [
        (
            b"code_wilayah,nama_desa\n73.22,Luwu Utara\n",
            "baris 1: kolom \"kode\" dan \"nama\" wajib ada",
        ),
        (
            b"kode,nama\n73.22.01,Malangke\n73.22.02,Bon\xe8 Bone\n",
            "baris 3: berkas bukan UTF-8",
        ),
        (b"", "baris 1: berkas kosong"),
        (b"kode,nama\n\n", "berkas: tidak ada baris data"),
    ];
    for (file, expected) in cases {
        let problems = places(&parse_csv(file).unwrap_err());
        assert!(
            problems[0].starts_with(expected),
            "{problems:?} should start with {expected:?}"
        );
    }
}

fn record(code: &str) -> AreaRecord {
    AreaRecord {
        code: AreaCode::parse(code).expect("valid"),
        name: code.to_owned(),
        boundary: None,
        place: code.to_owned(),
    }
}

#[test]
fn a_parent_must_be_in_the_file_or_stored_and_a_missing_province_comes_from_the_national_list() {
    let records = [record("73.22"), record("73.22.01"), record("73.22.01.2001")];
    let records: Vec<(&AreaCode, String)> =
        records.iter().map(|r| (&r.code, r.place.clone())).collect();
    let added = check_parents(&records, &HashSet::new()).expect("province added");
    assert_eq!(added.len(), 1);
    assert_eq!(
        (added[0].code.as_str(), added[0].name.as_str()),
        ("73", "Sulawesi Selatan")
    );

    let existing: HashSet<String> = ["73".to_owned(), "73.22".to_owned()].into();
    assert_eq!(check_parents(&records[1..], &existing), Ok(vec![]));

    let orphans = [
        record("73.22.01.2001"),
        record("73.22.02.1001"),
        record("99.01"),
    ];
    let orphans: Vec<(&AreaCode, String)> =
        orphans.iter().map(|r| (&r.code, r.place.clone())).collect();
    let problems = places(&check_parents(&orphans, &existing).unwrap_err());
    assert_eq!(
        problems,
        [
            "73.22.01.2001: kode induk 73.22.01 tidak ada di berkas maupun di basis data",
            "73.22.02.1001: kode induk 73.22.02 tidak ada di berkas maupun di basis data",
            "99.01: kode induk 99 tidak ada di berkas maupun di basis data",
        ]
    );
    assert_eq!(province_name("76"), Some("Sulawesi Barat"));
}
