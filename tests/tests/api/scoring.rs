//! The local poverty score: computed in the push that changes a household's answers, served
//! with the answers that decided each criterion, inside the user's areas only.

use ekemiskinan::cli::recompute_scores;
use ekemiskinan::domain::scoring::{self, ScoringConfig};
use ekemiskinan::store::batch::WriteBatch;
use ekemiskinan::store::scores;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::json;
use sync_protocol::v1::Fields;
use sync_protocol::v1::office::HouseholdScore;
use sync_protocol::v1::{Op, UpdateHousehold};
use tests::fixtures::{self, KEC_BONE_BONE, KEC_MALANGKE, MALANGKE};
use tests::{Backend, TestApp, TestUser};
use uuid::Uuid;

async fn score_of(app: &TestApp, user: &TestUser, household: Uuid) -> HouseholdScore {
    let response = app
        .get(&format!("/v1/households/{household}/score"), &user.token)
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn criterion<'a>(
    score: &'a HouseholdScore,
    code: &str,
) -> &'a sync_protocol::v1::office::CriterionView {
    score.criteria.iter().find(|c| c.code == code).unwrap()
}

async fn a_households_score_follows_its_answers_with_the_evidence(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let mut phone = app.client(&worker);
    let household = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(41);
    phone
        .enqueue(fixtures::create_household(household, MALANGKE, &mut rng))
        .unwrap();
    phone.push().await.unwrap();

    assert_eq!(
        app.count("household_score").await,
        1,
        "stored by the push itself"
    );
    let first = score_of(&app, &worker, household).await;
    assert_eq!(first.version, 1);
    assert_eq!(first.criteria.len(), 14);
    let met = first
        .criteria
        .iter()
        .filter(|c| c.met == Some(true))
        .count();
    let unknown = first.criteria.iter().filter(|c| c.met.is_none()).count();
    assert_eq!((first.met as usize, first.unknown as usize), (met, unknown));

    // Electric lighting gone, earth floor: both criteria met, with those answers as evidence.
    phone
        .enqueue(Op::UpdateHousehold(UpdateHousehold {
            household_id: household,
            base_version: phone.base_version(household),
            fields: [
                ("sumber_penerangan".to_owned(), json!(4)),
                ("jenis_lantai".to_owned(), json!(9)),
            ]
            .into(),
        }))
        .unwrap();
    phone.push().await.unwrap();
    let second = score_of(&app, &worker, household).await;
    assert_eq!(second.version, 2);
    let lighting = criterion(&second, "penerangan");
    assert_eq!(lighting.met, Some(true));
    assert_eq!(lighting.evidence.get("sumber_penerangan"), Some(&json!(4)));
    assert_eq!(criterion(&second, "jenis_lantai").met, Some(true));
    assert_eq!(
        second.met,
        first.met
            + u32::from(criterion(&first, "penerangan").met != Some(true))
            + u32::from(criterion(&first, "jenis_lantai").met != Some(true))
    );

    // The cut-off changed in the configuration: a recompute applies it to stored scores.
    for cut_off in [1, 14] {
        let config = ScoringConfig {
            poor_at_least: cut_off,
            ..ScoringConfig::default()
        };
        assert_eq!(recompute_scores(&app.state.db, &config).await.unwrap(), 1);
        let again = score_of(&app, &worker, household).await;
        assert_eq!((again.met, again.unknown), (second.met, second.unknown));
        let expected = if again.met as usize >= cut_off {
            "poor"
        } else if (again.met + again.unknown) as usize >= cut_off {
            "undetermined"
        } else {
            "not_poor"
        };
        assert_eq!(again.verdict, expected, "cut-off {cut_off}");
        assert!(again.computed_at > second.computed_at);
    }

    // A score of an older version (a recompute that read before a push) never replaces a
    // newer one.
    let stale = scoring::score(&Fields::new(), &ScoringConfig::default());
    let mut batch = WriteBatch::new(app.state.db.get_database_backend());
    scores::queue_save(&mut batch, household, 1, &stale, chrono::Utc::now());
    batch.flush(&app.state.db).await.unwrap();
    assert_eq!(score_of(&app, &worker, household).await.version, 2);

    let elsewhere = app.user("supervisor", &[KEC_BONE_BONE]).await;
    let response = app
        .get(
            &format!("/v1/households/{household}/score"),
            &elsewhere.token,
        )
        .await;
    assert_eq!(response.status(), 404);
    let analyst = app.user("analyst", &[KEC_MALANGKE]).await;
    let response = app
        .get(&format!("/v1/households/{household}/score"), &analyst.token)
        .await;
    assert_eq!(response.status(), 403);
}

on_both_backends!(a_households_score_follows_its_answers_with_the_evidence);
