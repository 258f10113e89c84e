//! Bad input: each answered with a clear error code, and nothing stored.

use std::io::Write;

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};
use sync_protocol::v1::{FieldErrorCode, Op, PushResponse, ReceiptStatus, RejectCode};
use tests::TestApp;
use tests::fixtures::{self, KEC_MALANGKE, PATTIMANG};
use tests::wire::{mutation, numbered, push_body, to_value};
use uuid::Uuid;

async fn code_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("error body is JSON");
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn a_json_body_with_a_charset_is_read_like_any_other_and_one_without_a_content_type_is_refused()
 {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let send = |body: &'static str, content_type: Option<&'static str>| {
        let mut request = app
            .http
            .post(app.url("/v1/sync/push"))
            .bearer_auth(&user.token)
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        request.send()
    };
    let empty = "{\"device_id\": \"6f1e0b8e-8f43-4c5e-9d2e-2b7a0f3c9d11\", \"mutations\": []}";
    let charset = Some("application/json; charset=utf-8");
    let response = send(empty, charset).await.unwrap();
    assert_eq!(response.status(), 200);
    let pushed: PushResponse = response.json().await.unwrap();
    assert_eq!(pushed.next_seq, 1);
    assert_eq!(
        code_of(
            send("{\"device_id\": 12, \"mutations\": []}", charset)
                .await
                .unwrap()
        )
        .await,
        (400, "invalid_request".into())
    );
    assert_eq!(
        code_of(send(empty, None).await.unwrap()).await,
        (415, "unsupported_media_type".into())
    );
    assert_eq!(
        app.count("device").await,
        1,
        "only the readable push registered it"
    );
}

#[tokio::test]
async fn malformed_json_wrong_types_and_a_wrong_content_type_are_refused_with_their_codes() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let raw = |body: &'static str, content_type: &'static str| {
        app.http
            .post(app.url("/v1/sync/push"))
            .bearer_auth(&user.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    assert_eq!(
        code_of(raw("{\"device_id\": ", "application/json").await.unwrap()).await,
        (400, "malformed_json".into())
    );
    assert_eq!(
        code_of(
            raw("{\"device_id\": 12, \"mutations\": []}", "application/json")
                .await
                .unwrap()
        )
        .await,
        (400, "invalid_request".into())
    );
    assert_eq!(
        code_of(raw("{\"device_id\": \"6f1e0b8e-8f43-4c5e-9d2e-2b7a0f3c9d11\", \"mutations\": [{\"seq\": \"satu\"}]}", "application/json").await.unwrap()).await,
        (400, "invalid_request".into())
    );
    assert_eq!(
        code_of(raw("{}", "text/plain").await.unwrap()).await,
        (415, "unsupported_media_type".into())
    );
    // NaN is not JSON.
    let nan = "{\"device_id\": \"6f1e0b8e-8f43-4c5e-9d2e-2b7a0f3c9d11\", \"mutations\": [{\"seq\": 1, \"gps\": {\"latitude\": NaN}}]}";
    assert_eq!(
        code_of(raw(nan, "application/json").await.unwrap()).await,
        (400, "malformed_json".into())
    );
    assert_eq!(app.count("device").await, 0);
    assert_eq!(app.count("receipt").await, 0);
}

#[tokio::test]
async fn a_gps_fix_out_of_range_rejects_the_visit_with_field_reasons_and_stores_no_visit() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(10);
    let (_, mut ops) = fixtures::survey(PATTIMANG, 1, &mut rng);
    let Some(Op::RecordVisit(visit)) = ops.last_mut() else {
        panic!("survey ends with a visit")
    };
    let gps = visit.gps.as_mut().unwrap();
    gps.latitude = 200.0;
    gps.accuracy_m = -3.0;
    let mutations = numbered(device, ops);
    let response: PushResponse = app
        .post("/v1/sync/push", &user.token, &push_body(device, &mutations))
        .await
        .json()
        .await
        .unwrap();
    let last = response.receipts.last().unwrap();
    assert_eq!(last.status, ReceiptStatus::Rejected);
    let rejection = last.rejection.as_ref().unwrap();
    assert_eq!(rejection.code, RejectCode::ValidationFailed);
    let fields: Vec<(&str, FieldErrorCode)> = rejection
        .fields
        .iter()
        .map(|f| (f.field.as_str(), f.code))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("gps.latitude", FieldErrorCode::OutOfRange),
            ("gps.accuracy_m", FieldErrorCode::OutOfRange)
        ]
    );
    assert_eq!(app.count("visit").await, 0);
    assert_eq!(
        response.next_seq, 5,
        "the rejected visit still advanced the seq"
    );
}

#[tokio::test]
async fn answers_of_the_wrong_type_are_rejected_field_by_field() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(11);
    let Op::CreateHousehold(mut create) =
        fixtures::create_household(Uuid::new_v4(), PATTIMANG, &mut rng)
    else {
        unreachable!()
    };
    create.fields.insert("luas_lantai_m2".into(), json!("luas"));
    create.fields.insert("jenis_lantai".into(), json!(99));
    create.fields.insert("warna_pagar".into(), json!("hijau"));
    let body = push_body(
        device,
        &[to_value(&mutation(1, device, Op::CreateHousehold(create)))],
    );
    let response: PushResponse = app
        .post("/v1/sync/push", &user.token, &body)
        .await
        .json()
        .await
        .unwrap();
    let rejection = response.receipts[0].rejection.as_ref().unwrap();
    let mut fields: Vec<(String, FieldErrorCode)> = rejection
        .fields
        .iter()
        .map(|f| (f.field.clone(), f.code))
        .collect();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        fields,
        vec![
            ("fields.jenis_lantai".into(), FieldErrorCode::InvalidChoice),
            ("fields.luas_lantai_m2".into(), FieldErrorCode::WrongType),
            ("fields.warna_pagar".into(), FieldErrorCode::UnknownField),
        ]
    );
    assert_eq!(app.count("household").await, 0);
}

/// A field name of 500 KB is not echoed back whole: the rejection names its start.
#[tokio::test]
async fn an_enormous_unknown_field_name_is_echoed_only_in_part() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(12);
    let Op::CreateHousehold(mut create) =
        fixtures::create_household(Uuid::new_v4(), PATTIMANG, &mut rng)
    else {
        unreachable!()
    };
    let name = "x".repeat(500 * 1024);
    create.fields.insert(name, json!(1));
    let body = push_body(
        device,
        &[to_value(&mutation(1, device, Op::CreateHousehold(create)))],
    );
    let response = app.post("/v1/sync/push", &user.token, &body).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(text.len() < 2048, "an answer of {} bytes", text.len());
    let response: PushResponse = serde_json::from_str(&text).unwrap();
    let rejection = response.receipts[0].rejection.as_ref().unwrap();
    assert_eq!(rejection.fields.len(), 1);
    assert_eq!(rejection.fields[0].code, FieldErrorCode::UnknownField);
    assert_eq!(
        rejection.fields[0].field,
        format!("fields.{}…", "x".repeat(64))
    );
    assert_eq!(app.count("household").await, 0);
}

/// PostgreSQL stores no NUL character. A mutation holding one, in an answer or in a key, is
/// rejected with the place named, and the phone's queue goes on (it used to be answered 503
/// for ever: PostgreSQL's error was taken for a busy SQLite file).
#[tokio::test]
async fn a_nul_character_rejects_its_mutation_and_the_queue_goes_on() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(12);
    let mut mutations = Vec::new();
    for (seq, (key, value)) in [
        ("nama_kepala_rumah_tangga", "Andi\u{0}"),
        ("warna\u{0}pagar", "hijau"),
        ("nama_kepala_rumah_tangga", "Budi"),
    ]
    .into_iter()
    .enumerate()
    {
        let Op::CreateHousehold(mut create) =
            fixtures::create_household(Uuid::new_v4(), PATTIMANG, &mut rng)
        else {
            unreachable!()
        };
        create.fields.insert(key.into(), json!(value));
        mutations.push(to_value(&mutation(
            seq as u64 + 1,
            device,
            Op::CreateHousehold(create),
        )));
    }
    let response = app
        .post("/v1/sync/push", &user.token, &push_body(device, &mutations))
        .await;
    assert_eq!(response.status(), 200);
    let response: PushResponse = response.json().await.unwrap();
    let outcome: Vec<(ReceiptStatus, Vec<(String, FieldErrorCode)>)> = response
        .receipts
        .iter()
        .map(|r| {
            let fields = r.rejection.iter().flat_map(|j| &j.fields);
            (
                r.status,
                fields.map(|f| (f.field.clone(), f.code)).collect(),
            )
        })
        .collect();
    assert_eq!(
        outcome,
        vec![
            (
                ReceiptStatus::Rejected,
                vec![(
                    "fields.nama_kepala_rumah_tangga".to_owned(),
                    FieldErrorCode::InvalidFormat
                )]
            ),
            (
                ReceiptStatus::Rejected,
                vec![(
                    "fields.warna\u{FFFD}pagar".to_owned(),
                    FieldErrorCode::InvalidFormat
                )]
            ),
            (ReceiptStatus::Applied, vec![]),
        ]
    );
    assert_eq!(response.next_seq, 4);
    assert_eq!(app.count("household").await, 1);
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_anything_is_stored_even_when_gzipped() {
    let app = TestApp::spawn_with(tests::Backend::Postgres, |c| {
        c.server.max_body_bytes = 64 * 1024;
    })
    .await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let big = json!({ "device_id": device, "mutations": [], "padding": "x".repeat(200 * 1024) });
    let plain = app.post("/v1/sync/push", &user.token, &big).await;
    assert_eq!(code_of(plain).await, (413, "payload_too_large".into()));

    // 200 KiB of zeros compress to a few hundred bytes; the limit applies after decompression.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(serde_json::to_string(&big).unwrap().as_bytes())
        .unwrap();
    let compressed = gz.finish().unwrap();
    assert!(compressed.len() < 64 * 1024);
    let response = app
        .http
        .post(app.url("/v1/sync/push"))
        .bearer_auth(&user.token)
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(compressed)
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(response).await, (413, "payload_too_large".into()));
    assert_eq!(app.count("device").await, 0);
}

#[tokio::test]
async fn a_gzipped_push_is_accepted_and_large_answers_are_gzipped_when_asked() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(12);
    let (_, ops) = fixtures::survey(PATTIMANG, 4, &mut rng);
    let mutations = numbered(device, ops);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&serde_json::to_vec(&push_body(device, &mutations)).unwrap())
        .unwrap();
    let response = app
        .http
        .post(app.url("/v1/sync/push"))
        .bearer_auth(&user.token)
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .header("accept-encoding", "gzip")
        .body(gz.finish().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers().get("content-encoding").is_none(),
        "a small answer is not worth compressing"
    );
    let body: PushResponse = response.json().await.unwrap();
    assert_eq!(body.receipts.len(), 7);

    // A pull page with the household's sixty answers and four members is.
    let pull = app
        .http
        .get(app.url("/v1/sync/pull"))
        .bearer_auth(&user.token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(pull.headers().get("content-encoding").unwrap(), "gzip");
    let bytes = pull.bytes().await.unwrap();
    let mut decoded = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut decoded)
        .unwrap();
    assert!(decoded.len() > bytes.len(), "the body was compressed");
    let page: sync_protocol::v1::PullResponse = serde_json::from_str(&decoded).unwrap();
    assert_eq!(page.changes.len(), 1);
    assert_eq!(app.count("member").await, 4);
}
