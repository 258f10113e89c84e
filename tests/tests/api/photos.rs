//! Photos named by visits: `pending` until uploaded, listed as missing in pull, served only
//! inside the user's areas.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;
use sync_protocol::v1::{HouseholdPhoto, Op, PhotoRef, PhotoStatus, PullResponse};
use tests::fixtures::{self, KEC_BONE_BONE, KEC_MALANGKE, MALANGKE};
use tests::{Backend, TestApp, TestUser};
use uuid::Uuid;

use crate::uploads::{app_with_storage, photo, upload};

/// Pushes a survey of one household in Malangke whose visit names `photos` (hex hashes).
async fn survey_naming(app: &TestApp, user: &TestUser, photos: &[&str]) -> Uuid {
    let mut rng = StdRng::seed_from_u64(31);
    let (household_id, mut ops) = fixtures::survey(MALANGKE, 1, &mut rng);
    let Some(Op::RecordVisit(visit)) = ops.last_mut() else {
        unreachable!("a survey ends with its visit")
    };
    visit.photos = photos
        .iter()
        .zip(["tampak_depan", "lantai"])
        .map(|(sha, kind)| PhotoRef {
            sha256: (*sha).to_owned(),
            kind: kind.to_owned(),
        })
        .collect();
    let mut phone = app.client(user);
    for op in ops {
        phone.enqueue(op).unwrap();
    }
    let receipts = phone.push().await.unwrap();
    assert!(
        receipts.iter().all(|r| r.rejection.is_none()),
        "{receipts:?}"
    );
    household_id
}

async fn missing(app: &TestApp, user: &TestUser) -> Vec<String> {
    let page: PullResponse = app
        .get("/v1/sync/pull", &user.token)
        .await
        .json()
        .await
        .unwrap();
    page.missing_photos
}

async fn photos_of(app: &TestApp, user: &TestUser, household: Uuid) -> Vec<HouseholdPhoto> {
    let response = app
        .get(&format!("/v1/households/{household}/photos"), &user.token)
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn a_visit_may_name_photos_before_they_arrive_and_pull_lists_them_until_uploaded(
    backend: Backend,
) {
    let app = app_with_storage(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (front, front_sha) = photo(150_000, 1);
    let (floor, floor_sha) = photo(70_000, 2);
    let household = survey_naming(&app, &worker, &[&front_sha, &floor_sha]).await;

    let mut expected = vec![front_sha.clone(), floor_sha.clone()];
    expected.sort();
    assert_eq!(missing(&app, &worker).await, expected);
    let listed = photos_of(&app, &worker, household).await;
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|p| p.status == PhotoStatus::Pending));

    upload(&app, &worker, &front, &front_sha).await;
    assert_eq!(missing(&app, &worker).await, vec![floor_sha.clone()]);
    let listed = photos_of(&app, &worker, household).await;
    let front_listed = listed.iter().find(|p| p.sha256 == front_sha).unwrap();
    assert_eq!(front_listed.status, PhotoStatus::Stored);
    assert_eq!(front_listed.size, Some(150_000));
    assert_eq!(front_listed.kind, "tampak_depan");

    upload(&app, &worker, &floor, &floor_sha).await;
    assert!(missing(&app, &worker).await.is_empty());
    assert!(
        photos_of(&app, &worker, household)
            .await
            .iter()
            .all(|p| p.status == PhotoStatus::Stored)
    );

    // The reference client keeps the list from its last pull.
    let other = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (_, never_sent) = photo(1000, 3);
    survey_naming(&app, &other, &[&never_sent]).await;
    let mut phone = app.client(&other);
    phone.pull().await.unwrap();
    assert_eq!(
        phone.state().missing_photos,
        vec![never_sent],
        "each user hears of the photos of their own visits only"
    );
}

async fn originals_are_served_only_to_users_whose_areas_cover_the_household(backend: Backend) {
    let app = app_with_storage(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (bytes, sha) = photo(200_000, 4);
    let household = survey_naming(&app, &worker, &[&sha]).await;
    upload(&app, &worker, &bytes, &sha).await;

    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let response = app
        .get(&format!("/v1/photos/{sha}/original"), &supervisor.token)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers().get("content-length").unwrap(),
        &bytes.len().to_string()
    );
    let served = response.bytes().await.unwrap();
    assert!(served == bytes, "the original, byte for byte");

    let elsewhere = app.user("supervisor", &[KEC_BONE_BONE]).await;
    for path in [
        format!("/v1/photos/{sha}/original"),
        format!("/v1/households/{household}/photos"),
    ] {
        let response = app.get(&path, &elsewhere.token).await;
        assert_eq!(response.status(), 404, "{path} outside the user's areas");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "not_found");
    }
    let analyst = app.user("analyst", &[KEC_MALANGKE]).await;
    let response = app
        .get(&format!("/v1/photos/{sha}/original"), &analyst.token)
        .await;
    assert_eq!(response.status(), 403, "analysts see figures, not houses");

    // A photo no visit names yet is its uploader's alone.
    let (loose, loose_sha) = photo(5000, 5);
    upload(&app, &worker, &loose, &loose_sha).await;
    let own = app
        .get(&format!("/v1/photos/{loose_sha}/original"), &worker.token)
        .await;
    assert_eq!(own.status(), 200);
    let theirs = app
        .get(
            &format!("/v1/photos/{loose_sha}/original"),
            &supervisor.token,
        )
        .await;
    assert_eq!(theirs.status(), 404);

    let bad = app
        .get("/v1/photos/NOT-A-HASH/original", &worker.token)
        .await;
    assert_eq!(bad.status(), 400);
}

on_both_backends!(
    a_visit_may_name_photos_before_they_arrive_and_pull_lists_them_until_uploaded,
    originals_are_served_only_to_users_whose_areas_cover_the_household,
);
