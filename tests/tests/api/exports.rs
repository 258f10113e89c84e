//! Household list exports: CSV streamed and XLSX, NIK and No KK masked unless a supervisor or
//! admin asks, scoped to the caller's areas, spreadsheet formulas defused, every export in
//! the audit log.

use std::io::Read;

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::json;
use sync_protocol::v1::Op;
use tests::fixtures::{self, BONE_BONE, KEC_BONE_BONE, KEC_MALANGKE, MALANGKE, PATTIMANG};
use tests::{Backend, TestApp, TestUser};
use uuid::Uuid;

const HEAD_NIK: &str = "7322014509850003";
const HEAD_NAME: &str = "=HYPERLINK(\"http://x\"), Bu Sitti";

/// A survey whose first member is the head with a known NIK, and whose head's name looks like
/// a spreadsheet formula with a comma and quotes.
async fn survey(app: &TestApp, user: &TestUser, desa: &str, seed: u64) -> Uuid {
    let mut rng = StdRng::seed_from_u64(seed);
    let (id, mut ops) = fixtures::survey(desa, 2, &mut rng);
    let mut head_added = false;
    for op in &mut ops {
        match op {
            Op::CreateHousehold(c) => {
                c.fields
                    .insert("nama_kepala_rumah_tangga".to_owned(), json!(HEAD_NAME));
            }
            Op::PutFamily(f) => f.no_kk = Some("7322012708150001".to_owned()),
            Op::AddMember(m) if !head_added => {
                m.fields.insert("nik".to_owned(), json!(HEAD_NIK));
                m.fields.insert("hubungan_kepala".to_owned(), json!(1));
                head_added = true;
            }
            Op::AddMember(m) => {
                m.fields.insert("hubungan_kepala".to_owned(), json!(3));
            }
            _ => {}
        }
    }
    let mut phone = app.client(user);
    for op in ops {
        phone.enqueue(op).expect("enqueue");
    }
    let receipts = phone.push().await.expect("push");
    assert!(
        receipts.iter().all(|r| r.rejection.is_none()),
        "{receipts:?}"
    );
    id
}

/// Splits CSV text into rows of cells (RFC 4180 quoting).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (_, c) => cell.push(c),
        }
    }
    rows
}

async fn export(app: &TestApp, user: &TestUser, query: &str) -> reqwest::Response {
    app.get(&format!("/v1/exports/households?{query}"), &user.token)
        .await
}

async fn csv_rows(app: &TestApp, user: &TestUser, query: &str) -> Vec<Vec<String>> {
    let response = export(app, user, query).await;
    assert_eq!(response.status(), 200, "{query}");
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let text = response.text().await.expect("body");
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for Excel");
    parse_csv(text)
}

async fn household_lists_are_exported_masked_scoped_and_audited(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let other = app.user("enumerator", &[KEC_BONE_BONE]).await;
    let mut ours = Vec::new();
    for (i, desa) in [PATTIMANG, PATTIMANG, MALANGKE].into_iter().enumerate() {
        ours.push((desa, survey(&app, &worker, desa, i as u64).await));
    }
    let theirs = survey(&app, &other, BONE_BONE, 9).await;
    ours.sort();

    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let rows = csv_rows(&app, &supervisor, &format!("area={KEC_MALANGKE}")).await;
    assert_eq!(
        rows[0][..3],
        ["id_rumah_tangga", "kode_desa", "nama_kepala_rumah_tangga"]
    );
    let ids: Vec<String> = rows[1..].iter().map(|r| r[0].clone()).collect();
    let expected: Vec<String> = ours.iter().map(|(_, id)| id.to_string()).collect();
    assert_eq!(
        ids, expected,
        "this kecamatan's households, by desa, in id order"
    );
    assert!(!ids.contains(&theirs.to_string()));
    for row in &rows[1..] {
        assert_eq!(row.len(), 11);
        assert_eq!(
            row[2],
            format!("'{HEAD_NAME}"),
            "formula defused, comma and quotes kept"
        );
        assert_eq!(row[3], "7322********0003");
        assert_eq!(row[4], "7322********0001");
        assert_eq!(row[6], "pending");
    }

    let unmasked = csv_rows(
        &app,
        &supervisor,
        &format!("area={PATTIMANG}&unmasked=true"),
    )
    .await;
    assert_eq!(unmasked.len(), 1 + 2, "only desa Pattimang");
    assert_eq!(unmasked[1][3], HEAD_NIK);
    assert_eq!(unmasked[1][4], "7322012708150001");
    assert_eq!(
        app.count("audit_log WHERE action = 'export.households'")
            .await,
        2
    );

    xlsx_has_the_same_rows(&app, &supervisor, ours.len()).await;
    indicators_are_exported(&app, &supervisor).await;
    refusals(&app, &supervisor, &worker).await;
}

/// The XLSX holds a header and one row per household, masked.
async fn xlsx_has_the_same_rows(app: &TestApp, supervisor: &TestUser, households: usize) {
    let response = export(app, supervisor, &format!("area={KEC_MALANGKE}&format=xlsx")).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .contains("rumah-tangga-732201.xlsx")
    );
    let bytes = response.bytes().await.expect("body");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX is a zip");
    let mut sheet = String::new();
    archive
        .by_name("xl/worksheets/sheet1.xml")
        .expect("the sheet")
        .read_to_string(&mut sheet)
        .expect("utf-8");
    assert_eq!(sheet.matches("<row ").count(), 1 + households);
    assert!(sheet.contains("7322********0003"));
    assert!(!sheet.contains(HEAD_NIK));
}

/// The indicators table: one row per desa, the same figures as the JSON.
async fn indicators_are_exported(app: &TestApp, supervisor: &TestUser) {
    let json: serde_json::Value = app
        .get(
            &format!("/v1/indicators?area={KEC_MALANGKE}"),
            &supervisor.token,
        )
        .await
        .json()
        .await
        .expect("json");
    let response = app
        .get(
            &format!("/v1/exports/indicators?area={KEC_MALANGKE}&level=desa"),
            &supervisor.token,
        )
        .await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("body");
    let rows = parse_csv(text.strip_prefix('\u{feff}').expect("BOM"));
    assert_eq!(rows[0][..3], ["kode", "nama", "rumah_tangga_disurvei"]);
    assert_eq!(rows[0].len(), 9 + 14);
    assert_eq!(rows.len(), 1 + 3);
    let areas = json["areas"].as_array().expect("areas");
    assert_eq!(areas.len(), 3);
    for (row, area) in rows[1..].iter().zip(areas) {
        assert_eq!(row[0], area["code"].as_str().expect("code"));
        assert_eq!(row[2], area["households_surveyed"].to_string());
        assert_eq!(row[4], area["poor"].to_string());
    }
    let xlsx = app
        .get(
            &format!("/v1/exports/indicators?area={KEC_MALANGKE}&format=xlsx"),
            &supervisor.token,
        )
        .await;
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.expect("body").starts_with(b"PK"));
    assert_eq!(
        app.count("audit_log WHERE action = 'export.indicators'")
            .await,
        2
    );
}

/// Enumerators, analysts asking for unmasked numbers, other areas and unknown formats.
async fn refusals(app: &TestApp, supervisor: &TestUser, worker: &TestUser) {
    let analyst = app.user("analyst", &[KEC_MALANGKE]).await;
    let masked = export(app, &analyst, &format!("area={KEC_MALANGKE}")).await;
    assert_eq!(masked.status(), 200);
    for (user, query, status) in [
        (&analyst, format!("area={KEC_MALANGKE}&unmasked=true"), 403),
        (worker, format!("area={KEC_MALANGKE}"), 403),
        (supervisor, format!("area={KEC_BONE_BONE}"), 403),
        (supervisor, format!("area={KEC_MALANGKE}&format=pdf"), 400),
        (supervisor, "area=73.22.1".to_owned(), 400),
    ] {
        let response = export(app, user, &query).await;
        assert_eq!(response.status(), status, "{query}");
    }
}

on_both_backends!(household_lists_are_exported_masked_scoped_and_audited);
