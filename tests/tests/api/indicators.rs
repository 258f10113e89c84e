//! Indicators per kecamatan and desa: the grouped counts agree with each household's own
//! score and flags read one by one, areas without households are listed, and the figures stay
//! inside the user's areas.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::rngs::StdRng;
use sync_protocol::v1::office::{HouseholdScore, IndicatorsResponse, QualityFlagView};
use tests::fixtures::{self, KEC_BONE_BONE, KEC_MALANGKE, LUWU_UTARA, MALANGKE, PATTIMANG};
use tests::{Backend, TestApp, TestUser};
use uuid::Uuid;

async fn json<T: serde::de::DeserializeOwned>(app: &TestApp, path: &str, user: &TestUser) -> T {
    app.get_json(path, user).await
}

/// What one desa should show, from the households' own score and flags.
#[derive(Debug, Default, PartialEq)]
struct Expected {
    households: u64,
    poor: u64,
    not_poor: u64,
    criteria: BTreeMap<String, u64>,
    flagged: u64,
    flags: BTreeMap<String, u64>,
}

async fn expected_of(app: &TestApp, user: &TestUser, households: &[Uuid]) -> Expected {
    let mut e = Expected::default();
    for id in households {
        e.households += 1;
        let score: HouseholdScore = json(app, &format!("/v1/households/{id}/score"), user).await;
        match score.verdict.as_str() {
            "poor" => e.poor += 1,
            "not_poor" => e.not_poor += 1,
            _ => {}
        }
        for c in &score.criteria {
            *e.criteria.entry(c.code.clone()).or_default() += u64::from(c.met == Some(true));
        }
        let quality = app.checked_flags(user, *id).await;
        let mut codes: Vec<&str> = quality
            .visits
            .iter()
            .flat_map(|v| &v.flags)
            .map(QualityFlagView::code)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        e.flagged += u64::from(!codes.is_empty());
        for code in codes {
            *e.flags.entry(code.to_owned()).or_default() += 1;
        }
    }
    e
}

async fn indicators_agree_with_the_households_and_stay_in_scope(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let mut phone = app.client(&worker);
    let mut rng = StdRng::seed_from_u64(12);
    let mut by_desa: BTreeMap<&str, Vec<Uuid>> = BTreeMap::new();
    for desa in [PATTIMANG, PATTIMANG, PATTIMANG, MALANGKE, MALANGKE] {
        let (id, ops) = fixtures::survey(desa, 2, &mut rng);
        for op in ops {
            phone.enqueue(op).expect("enqueue");
        }
        by_desa.entry(desa).or_default().push(id);
    }
    phone.push().await.expect("push");

    let response: IndicatorsResponse = json(
        &app,
        &format!("/v1/indicators?area={KEC_MALANGKE}&level=desa"),
        &supervisor,
    )
    .await;
    assert_eq!(response.area.name, "Malangke");
    let codes: Vec<&str> = response.areas.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(
        codes,
        ["73.22.01.2001", "73.22.01.2002", "73.22.01.2003"],
        "Benteng listed with none"
    );
    let mut all = Expected::default();
    for area in &response.areas {
        let households = by_desa.get(area.code.as_str()).cloned().unwrap_or_default();
        let expected = expected_of(&app, &supervisor, &households).await;
        // Re-read now that every visit is checked.
        let response: IndicatorsResponse = json(
            &app,
            &format!("/v1/indicators?area={KEC_MALANGKE}&level=desa"),
            &supervisor,
        )
        .await;
        let area = response
            .areas
            .iter()
            .find(|a| a.code == area.code)
            .expect("area");
        let mut criteria: BTreeMap<String, u64> = area.criteria_met.clone();
        if households.is_empty() {
            // Every criterion listed, none met.
            assert_eq!(criteria.len(), 14, "{}", area.code);
            assert!(criteria.values().all(|&n| n == 0), "{}", area.code);
            criteria.clear();
        }
        let got = Expected {
            households: area.households_surveyed,
            poor: area.poor,
            not_poor: area.not_poor,
            criteria,
            flagged: area.households_flagged,
            flags: area.flags.clone(),
        };
        assert_eq!(got, expected, "{}", area.code);
        assert_eq!(
            area.undetermined,
            area.households_surveyed - area.poor - area.not_poor
        );
        let decided = area.poor + area.not_poor;
        if decided > 0 {
            #[expect(clippy::cast_precision_loss, reason = "small counts")]
            let share = area.poor as f64 / decided as f64;
            assert_eq!(area.poor_share, Some(share));
        } else {
            assert_eq!(area.poor_share, None);
        }
        all.households += expected.households;
        all.poor += expected.poor;
        all.flagged += expected.flagged;
    }

    // The kecamatan row is the sum of its desa; Bone Bone, in the regency, has none.
    let regency = app.user("supervisor", &[LUWU_UTARA]).await;
    let response: IndicatorsResponse = json(
        &app,
        &format!("/v1/indicators?area={LUWU_UTARA}&level=kecamatan"),
        &regency,
    )
    .await;
    let codes: Vec<&str> = response.areas.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes, [KEC_MALANGKE, KEC_BONE_BONE]);
    let malangke = &response.areas[0];
    assert_eq!(
        (
            malangke.households_surveyed,
            malangke.poor,
            malangke.households_flagged
        ),
        (all.households, all.poor, all.flagged)
    );
    assert_eq!(response.areas[1].households_surveyed, 0);
    assert!(
        response
            .poor_share_basis
            .contains("Bukan angka kemiskinan resmi")
    );

    refusals(&app, &supervisor, &regency).await;
}

/// Outside the user's areas, bad levels and unknown areas.
async fn refusals(app: &TestApp, supervisor: &TestUser, regency: &TestUser) {
    let path = format!("/v1/indicators?area={KEC_BONE_BONE}");
    let refused = app.get(&path, &supervisor.token).await;
    assert_eq!(refused.status(), 403);
    let body: serde_json::Value = refused.json().await.expect("json");
    assert_eq!(body["code"], "area_out_of_scope");
    let bad_level = app
        .get(
            &format!("/v1/indicators?area={KEC_MALANGKE}&level=provinsi"),
            &supervisor.token,
        )
        .await;
    assert_eq!(bad_level.status(), 400);
    let unknown = app
        .get("/v1/indicators?area=73.22.09", &regency.token)
        .await;
    assert_eq!(unknown.status(), 404);
}

on_both_backends!(indicators_agree_with_the_households_and_stay_in_scope);

/// Five households in Pattimang, two in Malangke. An analyst sees Pattimang's figures, not
/// Malangke's (fewer than `privacy.min_cell`, 5), and the kecamatan's figures are Pattimang's
/// alone, so that the kecamatan minus Pattimang does not give Malangke away; the choropleth
/// says the same. A supervisor sees all seven.
async fn an_analyst_reads_no_figure_of_fewer_than_five_households_nor_derives_one(
    backend: Backend,
) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let mut phone = app.client(&worker);
    let mut rng = StdRng::seed_from_u64(13);
    for desa in [PATTIMANG; 5].into_iter().chain([MALANGKE; 2]) {
        let (_, ops) = fixtures::survey(desa, 2, &mut rng);
        for op in ops {
            phone.enqueue(op).expect("enqueue");
        }
    }
    phone.push().await.expect("push");
    let analyst = app.user("analyst", &[LUWU_UTARA]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let desa_path = format!("/v1/indicators?area={KEC_MALANGKE}&level=desa");
    let kecamatan_path = format!("/v1/indicators?area={LUWU_UTARA}&level=kecamatan");

    let seen: IndicatorsResponse = json(&app, &desa_path, &analyst).await;
    let shown = |r: &IndicatorsResponse, code: &str| {
        let a = r.areas.iter().find(|a| a.code == code).expect("listed");
        (a.households_surveyed, a.suppressed)
    };
    assert_eq!(shown(&seen, PATTIMANG), (5, false));
    assert_eq!(shown(&seen, MALANGKE), (0, true));
    assert_eq!(shown(&seen, "73.22.01.2003"), (0, false), "none surveyed");
    let malangke = seen
        .areas
        .iter()
        .find(|a| a.code == MALANGKE)
        .expect("listed");
    assert_eq!(
        (malangke.poor, malangke.not_poor, malangke.poor_share),
        (0, 0, None)
    );
    assert!(malangke.criteria_met.values().all(|&n| n == 0));
    assert!(malangke.flags.is_empty());
    let kecamatan: IndicatorsResponse = json(&app, &kecamatan_path, &analyst).await;
    assert_eq!(shown(&kecamatan, KEC_MALANGKE), (5, false));
    let pattimang = seen
        .areas
        .iter()
        .find(|a| a.code == PATTIMANG)
        .expect("listed");
    let whole = kecamatan
        .areas
        .iter()
        .find(|a| a.code == KEC_MALANGKE)
        .expect("listed");
    assert_eq!(
        (whole.poor, whole.households_flagged, &whole.criteria_met),
        (
            pattimang.poor,
            pattimang.households_flagged,
            &pattimang.criteria_met
        ),
        "the kecamatan adds up the desa shown, nothing else"
    );

    let map: serde_json::Value =
        json(&app, &format!("/v1/map/desa?area={KEC_MALANGKE}"), &analyst).await;
    let properties = |code: &str| {
        map["features"]
            .as_array()
            .expect("features")
            .iter()
            .find(|f| f["properties"]["code"] == code)
            .expect("a feature")["properties"]
            .clone()
    };
    assert_eq!(properties(MALANGKE)["suppressed"], true);
    assert_eq!(properties(MALANGKE)["households_surveyed"], 0);
    assert_eq!(properties(PATTIMANG)["households_surveyed"], 5);
    assert_eq!(properties(PATTIMANG)["suppressed"], false);

    let csv = app
        .get(
            &format!("/v1/exports/indicators?area={KEC_MALANGKE}&level=desa"),
            &analyst.token,
        )
        .await
        .text()
        .await
        .expect("csv");
    let line = csv
        .lines()
        .find(|l| l.starts_with(MALANGKE))
        .expect("Malangke's line");
    assert!(
        line.starts_with(&format!("{MALANGKE},Malangke,disembunyikan,,")),
        "{line}"
    );

    nothing_of_a_withheld_desa_in_cells_or_lists(&app, &analyst, &supervisor).await;

    let office: IndicatorsResponse = json(&app, &desa_path, &supervisor).await;
    assert_eq!(shown(&office, MALANGKE), (2, false));
    let office: IndicatorsResponse = json(&app, &kecamatan_path, &supervisor).await;
    assert_eq!(shown(&office, KEC_MALANGKE), (7, false));
}

/// The map counts Malangke's households in no cell (all seven lie in one cell of a wide
/// viewport), and the household list leaves them out.
async fn nothing_of_a_withheld_desa_in_cells_or_lists(
    app: &TestApp,
    analyst: &TestUser,
    supervisor: &TestUser,
) {
    let wide = format!("/v1/map/households?area={KEC_MALANGKE}&bbox=110,-12,125,3");
    let cells: serde_json::Value = json(app, &wide, analyst).await;
    assert_eq!(cells["households"], 5, "{cells}");
    let everyone: serde_json::Value = json(app, &wide, supervisor).await;
    assert_eq!(everyone["households"], 7, "{everyone}");
    let list = app
        .get(
            &format!("/v1/exports/households?area={KEC_MALANGKE}&format=csv"),
            &analyst.token,
        )
        .await
        .text()
        .await
        .expect("csv");
    let rows_of = |desa: &str| {
        list.lines()
            .filter(|l| l.split(',').nth(1) == Some(desa))
            .count()
    };
    assert_eq!((rows_of(PATTIMANG), rows_of(MALANGKE)), (5, 0), "{list}");
}

on_both_backends!(an_analyst_reads_no_figure_of_fewer_than_five_households_nor_derives_one);

/// Scores stored before the criteria mask existed get it from their JSON when migrated.
async fn the_criteria_mask_is_filled_in_for_scores_stored_before_it(backend: Backend) {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Database, Statement};

    let test_db = tests::TestDb::new(backend).await;
    let db = Database::connect(&test_db.url).await.expect("connect");
    // Undo the migrations from the mask's on.
    let steps = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name().ends_with("add_score_met_mask"))
        .expect("the mask's migration")
        + 1;
    Migrator::down(&db, Some(u32::try_from(steps).expect("few")))
        .await
        .expect("undo the mask");
    let id = Uuid::new_v4();
    // Listed out of order: the bits follow the codes, not the positions.
    let criteria = serde_json::json!([
        { "code": "jenis_lantai", "met": false, "evidence": {} },
        { "code": "luas_lantai", "met": true, "evidence": {} },
        { "code": "jenis_dinding", "met": null, "evidence": {} },
        { "code": "fasilitas_bab", "met": true, "evidence": {} },
    ]);
    let (p, q) = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => ("$1", "$2"),
        _ => ("?1", "?2"),
    };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        format!(
            "INSERT INTO household_score (household_id, version, met, unknown, verdict, criteria, computed_at) \
             VALUES ({p}, 1, 2, 1, 'not_poor', {q}, CURRENT_TIMESTAMP)"
        ),
        [id.into(), criteria.into()],
    ))
    .await
    .expect("insert an old score");
    Migrator::up(&db, None).await.expect("migrate");
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT met_mask FROM household_score",
        ))
        .await
        .expect("query")
        .expect("row");
    assert_eq!(row.try_get::<i32>("", "met_mask").expect("mask"), 0b1001);
}

on_both_backends!(the_criteria_mask_is_filled_in_for_scores_stored_before_it);
