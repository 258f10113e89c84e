//! Structured fuzzing of what reads untrusted bytes: push bodies and their mutations, area
//! files (GeoJSON and CSV), DTSEN files. Each gets random bytes and valid files damaged at
//! random places; each must answer a refusal or a result, never panic. (Photos and EXIF have
//! theirs in the end-to-end tests, `analysis.rs`.)
//!
//! Bounded in CI by proptest's default of 256 cases per property; `scripts/fuzz` runs them
//! longer. A failure is kept in `proptest-regressions/` and replayed first from then on.

use chrono::NaiveDate;
use ekemiskinan::domain::area_file::{self, Format};
use ekemiskinan::domain::dtsen;
use proptest::prelude::*;
use sync_protocol::v1::{PushRequest, RawMutation};

/// The protocol's example push body (PROTOCOL.md), valid.
const PUSH: &str = include_str!("../../fixtures/protocol/v1/push-request.json");

const GEOJSON: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"kode":"73.22.01.2001","nama":"Pattimang"},"geometry":{"type":"Polygon","coordinates":[[[120.38,-2.80],[120.40,-2.80],[120.40,-2.78],[120.38,-2.78],[120.38,-2.80]]]}},
{"type":"Feature","properties":{"kode":"73.22.01","nama":"Malangke"},"geometry":{"type":"MultiPolygon","coordinates":[[[[120.3,-2.9],[120.5,-2.9],[120.5,-2.7],[120.3,-2.7],[120.3,-2.9]]]]}}
]}"#;

const AREA_CSV: &str = "kode,nama,level\n73,SULAWESI SELATAN,provinsi\n73.22,LUWU UTARA,kabupaten\n73.22.01,Malangke,kecamatan\n73.22.01.2001,Pattimang,desa\n";

const DTSEN_CSV: &str =
    "no_kk,desil\n7322012708150001,3\n7322012708150002,4\n7322012708150003,10\n";

/// `base` with a few bytes replaced and its end cut, at random places.
fn damaged(base: &'static str) -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        any::<usize>(),
    )
        .prop_map(move |(flips, cut)| {
            let mut bytes = base.as_bytes().to_vec();
            for (at, byte) in flips {
                let at = at % bytes.len();
                bytes[at] = byte;
            }
            let keep = bytes.len() - cut % (bytes.len() / 4 + 1);
            bytes.truncate(keep);
            bytes
        })
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        ".{0,40}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Parses a push body as the server does, each mutation from its raw text.
fn parse_push(bytes: &[u8]) {
    if let Ok(request) = serde_json::from_slice::<PushRequest<RawMutation>>(bytes) {
        for raw in &request.mutations {
            let _ = raw.parse();
        }
    }
}

proptest! {
    #[test]
    fn damaged_push_bodies_are_read_without_panic(bytes in damaged(PUSH)) {
        parse_push(&bytes);
    }

    /// One value of a valid mutation replaced by any JSON: the typed parse refuses it or
    /// takes it, with a field error naming where.
    #[test]
    fn mutations_with_any_value_anywhere_are_read_without_panic(
        mutation in any::<prop::sample::Index>(),
        key in any::<prop::sample::Index>(),
        value in json_value(),
    ) {
        let mut body: serde_json::Value = serde_json::from_str(PUSH).unwrap();
        let mutations = body["mutations"].as_array_mut().unwrap();
        let at = mutation.index(mutations.len());
        let object = mutations[at].as_object_mut().unwrap();
        let keys: Vec<String> = object.keys().cloned().collect();
        object.insert(key.get(&keys).clone(), value);
        parse_push(serde_json::to_string(&body).unwrap().as_bytes());
    }

    #[test]
    fn any_bytes_as_a_push_body_are_read_without_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        parse_push(&bytes);
    }

    #[test]
    fn damaged_area_files_are_refused_or_read_without_panic(
        geojson in damaged(GEOJSON),
        csv in damaged(AREA_CSV),
    ) {
        let _ = area_file::parse(Format::GeoJson, &geojson);
        let _ = area_file::parse(Format::Csv, &csv);
    }

    #[test]
    fn geojson_with_any_value_anywhere_is_read_without_panic(
        feature in 0usize..2,
        part in 0usize..3,
        value in json_value(),
    ) {
        let mut file: serde_json::Value = serde_json::from_str(GEOJSON).unwrap();
        let target = &mut file["features"][feature];
        match part {
            0 => target["properties"]["kode"] = value,
            1 => target["geometry"]["coordinates"] = value,
            _ => target["geometry"]["type"] = value,
        }
        let _ = area_file::parse(Format::GeoJson, serde_json::to_string(&file).unwrap().as_bytes());
    }

    #[test]
    fn any_bytes_as_an_area_or_dtsen_file_are_refused_without_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let _ = area_file::parse(Format::GeoJson, &bytes);
        let _ = area_file::parse(Format::Csv, &bytes);
        let _ = dtsen::parse(&bytes, NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
    }

    #[test]
    fn damaged_dtsen_files_are_refused_or_read_without_panic(bytes in damaged(DTSEN_CSV)) {
        let _ = dtsen::parse(&bytes, NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
    }
}

/// The files damaged above are valid to begin with, so that the damage reaches the parsers'
/// depths rather than their first check.
#[test]
fn the_files_damaged_above_are_valid_as_they_stand() {
    let request: PushRequest<RawMutation> = serde_json::from_str(PUSH).unwrap();
    for raw in &request.mutations {
        raw.parse().unwrap();
    }
    assert_eq!(
        area_file::parse(Format::GeoJson, GEOJSON.as_bytes())
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        area_file::parse(Format::Csv, AREA_CSV.as_bytes())
            .unwrap()
            .len(),
        4
    );
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    assert_eq!(dtsen::parse(DTSEN_CSV.as_bytes(), today).unwrap().len(), 3);
}
