//! Photos named by visits: `pending` until uploaded, listed as missing in pull, served only
//! inside the user's areas.

use std::sync::Arc;

use ekemiskinan::Application;
use ekemiskinan::photos::PhotoRuntime;
use ekemiskinan::photos::pipeline::Pipeline;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sync_protocol::v1::office::HouseholdQuality;
use sync_protocol::v1::{
    HouseholdPhoto, Op, PhotoDetails, PhotoRef, PhotoStatus, Processing, PullResponse, SimilarPhoto,
};
use tests::fixtures::{self, BONE_BONE, KEC_BONE_BONE, KEC_MALANGKE, LUWU_UTARA, MALANGKE};
use tests::images::{self, PhoneExif};
use tests::{Backend, TestApp, TestUser};
use uuid::Uuid;

use crate::uploads::{app_with_storage, create, location, patch, photo, upload};

/// Pushes a survey of one household in Malangke whose visit names `photos` (hex hashes).
async fn survey_naming(app: &TestApp, user: &TestUser, photos: &[&str]) -> Uuid {
    survey_in(app, user, MALANGKE, photos).await
}

/// Pushes a survey of one household in `area` whose visit names `photos`.
async fn survey_in(app: &TestApp, user: &TestUser, area: &str, photos: &[&str]) -> Uuid {
    survey_drawn(app, user, area, photos, 31).await
}

/// Like [`survey_in`], with the answers and the place drawn from `seed`.
async fn survey_drawn(
    app: &TestApp,
    user: &TestUser,
    area: &str,
    photos: &[&str],
    seed: u64,
) -> Uuid {
    let mut rng = StdRng::seed_from_u64(seed);
    let (household_id, mut ops) = fixtures::survey(area, 1, &mut rng);
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

/// The very same file named by two households is flagged on both (distance 0).
async fn the_same_photo_file_on_two_households_is_flagged(backend: Backend) {
    let app = app_with_storage(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let bytes = images::jpeg(800, 600, 21, None, 90);
    let sha = hex::encode(Sha256::digest(&bytes));
    let first = survey_naming(&app, &worker, &[&sha]).await;
    let second = survey_naming(&app, &worker, &[&sha]).await;
    upload(&app, &worker, &bytes, &sha).await;
    assert_eq!(
        analysed(&app, &worker, &sha).await.processing,
        Processing::Done
    );
    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    for (mine, theirs) in [(first, second), (second, first)] {
        let quality = checked(&app, &supervisor, mine).await;
        let evidence = reuse_flag(&quality).expect("photo_reused");
        assert_eq!(evidence["matches"][0]["household"], theirs.to_string());
        assert_eq!(evidence["matches"][0]["distance"], 0);
    }
}

/// The earlier household was checked, with nothing to flag, before the later one named its
/// photo: the later push queues the earlier household's check again (the surveys stand at
/// different places, so only the photo links them).
async fn a_photo_named_again_after_its_check_flags_the_earlier_household_too(backend: Backend) {
    let app = app_with_storage(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let bytes = images::jpeg(800, 600, 23, None, 90);
    let sha = hex::encode(Sha256::digest(&bytes));
    let first = survey_drawn(&app, &worker, MALANGKE, &[&sha], 41).await;
    upload(&app, &worker, &bytes, &sha).await;
    assert_eq!(
        analysed(&app, &worker, &sha).await.processing,
        Processing::Done
    );
    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    assert!(reuse_flag(&checked(&app, &supervisor, first).await).is_none());

    let second = survey_drawn(&app, &worker, MALANGKE, &[&sha], 42).await;
    for (mine, theirs) in [(first, second), (second, first)] {
        let quality = checked(&app, &supervisor, mine).await;
        let evidence = reuse_flag(&quality).expect("photo_reused");
        assert_eq!(evidence["matches"][0]["household"], theirs.to_string());
        assert!(
            !quality.visits[0]
                .flags
                .iter()
                .any(|f| f.code() == "duplicate_coordinates"),
            "the surveys stand at different places: {quality:?}"
        );
    }
}

/// A look-alike uploaded and analysed before any visit names it: its analysis finds the
/// earlier household's photo but no household of its own, and the visit that names it later
/// queues only visits naming the very same file. The later household's check, which finds the
/// earlier one, has it checked again, so the reuse is flagged on both.
async fn a_look_alike_uploaded_before_its_visit_is_flagged_on_both_households(backend: Backend) {
    let app = app_with_storage(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let original = images::jpeg(1200, 900, 5, None, 92);
    let reused = images::jpeg(1200, 900, 5, None, 60);
    let (original_sha, reused_sha) = (
        hex::encode(Sha256::digest(&original)),
        hex::encode(Sha256::digest(&reused)),
    );
    let first = survey_drawn(&app, &worker, MALANGKE, &[&original_sha], 51).await;
    upload(&app, &worker, &original, &original_sha).await;
    upload(&app, &worker, &reused, &reused_sha).await;
    for sha in [&original_sha, &reused_sha] {
        assert_eq!(
            analysed(&app, &worker, sha).await.processing,
            Processing::Done
        );
    }
    // The checks the analyses queued have run: the look-alike is nobody's yet.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(reuse_flag(&checked(&app, &supervisor, first).await).is_none());

    let second = survey_drawn(&app, &worker, MALANGKE, &[&reused_sha], 52).await;
    for (which, mine, theirs) in [("later", second, first), ("earlier", first, second)] {
        let quality = checked(&app, &supervisor, mine).await;
        let evidence = reuse_flag(&quality)
            .unwrap_or_else(|| panic!("photo_reused on the {which} household: {quality:?}"));
        assert_eq!(evidence["matches"][0]["household"], theirs.to_string());
        assert!(evidence["matches"][0]["distance"].as_u64().unwrap() > 0);
    }
    // And they stay checked: neither keeps queuing the other.
    let mut stamps = Vec::new();
    for household in [first, second] {
        stamps.push(checked(&app, &supervisor, household).await.visits[0].checked_at);
    }
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    for (household, stamp) in [first, second].into_iter().zip(stamps) {
        let quality = checked(&app, &supervisor, household).await;
        assert_eq!(
            quality.visits[0].checked_at, stamp,
            "checked again: {quality:?}"
        );
    }
}

/// More look-alikes than a flag lists: twelve households photographing one house, each file
/// another JPEG quality. Half the visits are pushed before the photos arrive and half after
/// they are analysed. Every household ends up flagged, naming only the others and at most
/// `MAX_OTHERS` (10) of them, the last one's list full; and the checks settle: a household
/// does not keep queuing the look-alikes whose full lists leave it off.
async fn more_look_alikes_than_a_flag_lists_are_all_flagged_and_their_checks_settle(
    backend: Backend,
) {
    let app = app_with_storage(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let photos: Vec<(Vec<u8>, String)> = (0..12)
        .map(|i| {
            let bytes = images::jpeg(1200, 900, 7, None, 40 + 5 * i);
            let sha = hex::encode(Sha256::digest(&bytes));
            (bytes, sha)
        })
        .collect();
    let mut households = Vec::new();
    for (i, (_, sha)) in (0..).zip(&photos[..6]) {
        households.push(survey_drawn(&app, &worker, MALANGKE, &[sha], 60 + i).await);
    }
    for (bytes, sha) in &photos {
        upload(&app, &worker, bytes, sha).await;
    }
    for (_, sha) in &photos {
        analysed(&app, &worker, sha).await;
    }
    for (i, (_, sha)) in (6..).zip(&photos[6..]) {
        households.push(survey_drawn(&app, &worker, MALANGKE, &[sha], 60 + i).await);
    }

    let settled = settled_checks(&app, &supervisor, &households).await;
    let mut longest = 0;
    for (household, quality) in households.iter().zip(&settled) {
        let evidence = reuse_flag(quality)
            .unwrap_or_else(|| panic!("photo_reused on {household}: {quality:?}"));
        let matches = evidence["matches"].as_array().unwrap();
        assert!((1..=10).contains(&matches.len()), "{evidence}");
        for m in matches {
            let other: Uuid = m["household"].as_str().unwrap().parse().unwrap();
            assert!(
                other != *household && households.contains(&other),
                "{evidence}"
            );
        }
        longest = longest.max(matches.len());
    }
    // The last household's check saw all eleven others: more than a flag lists.
    assert_eq!(longest, 10, "{settled:?}");
}

/// A HEIC as an iPhone writes it (`fixtures/photos/iphone-exif.heic`, made by `make_heic.py`
/// beside it): kept and reported, not decoded, but its EXIF time, place and camera are read
/// for the checks like a JPEG's.
async fn an_iphone_heic_is_kept_and_its_exif_time_place_and_camera_read(backend: Backend) {
    let app = app_with_storage(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let heic = include_bytes!("../../../fixtures/photos/iphone-exif.heic");
    let sha = hex::encode(Sha256::digest(heic));
    survey_naming(&app, &worker, &[&sha]).await;
    upload(&app, &worker, heic, &sha).await;

    let details = analysed(&app, &worker, &sha).await;
    assert_eq!(details.processing, Processing::Unsupported, "{details:?}");
    assert_eq!(details.format.as_deref(), Some("heic"));
    assert_eq!(details.exif_error, None);
    assert_eq!(
        details.taken_at.as_deref(),
        Some("2026-11-21T10:05:12+08:00")
    );
    assert_eq!(details.camera.as_deref(), Some("Apple iPhone 13"));
    assert_eq!(details.orientation, Some(6));
    assert!(
        (details.latitude.unwrap() - -2.616_75).abs() < 1e-5,
        "{details:?}"
    );
    assert!(
        (details.longitude.unwrap() - 120.178_38).abs() < 1e-5,
        "{details:?}"
    );
}

on_both_backends!(
    the_same_photo_file_on_two_households_is_flagged,
    an_iphone_heic_is_kept_and_its_exif_time_place_and_camera_read,
    a_look_alike_uploaded_before_its_visit_is_flagged_on_both_households,
    more_look_alikes_than_a_flag_lists_are_all_flagged_and_their_checks_settle,
    a_photo_named_again_after_its_check_flags_the_earlier_household_too,
    a_visit_may_name_photos_before_they_arrive_and_pull_lists_them_until_uploaded,
    originals_are_served_only_to_users_whose_areas_cover_the_household,
    an_uploaded_photo_is_analysed_and_its_thumbnails_served_in_scope,
    a_household_maps_its_desa_its_visit_fix_and_its_photos_exif_position,
    a_photo_reused_for_another_household_is_found_by_its_perceptual_hash,
    files_that_are_not_acceptable_photos_are_refused_at_upload_and_nothing_is_kept,
);

/// Waits until the pipeline has finished with a photo.
async fn analysed(app: &TestApp, user: &TestUser, sha: &str) -> PhotoDetails {
    for _ in 0..600 {
        let response = app
            .get(&format!("/v1/photos/{sha}/details"), &user.token)
            .await;
        assert_eq!(response.status(), 200);
        let details: PhotoDetails = response.json().await.unwrap();
        if details.processing != Processing::Queued {
            return details;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("photo {sha} was not analysed within 30 s");
}

/// The pipeline reads a photo stored by this instance from its upload's file, not back from
/// the object store, and removes the file once the photo is analysed; a photo whose file is
/// gone is fetched from the store.
#[tokio::test]
async fn the_pipeline_analyses_a_photo_from_its_upload_file_and_then_removes_it() {
    // No pipeline of the server's own: the test runs one, step by step.
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.photos.workers = 0).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let dir = app.config.uploads.partial_dir.clone();
    let files = || std::fs::read_dir(&dir).map_or(0, Iterator::count);
    let kept = images::jpeg(2000, 1500, 1, Some(&PhoneExif::default()), 90);
    let kept_sha = hex::encode(Sha256::digest(&kept));
    let fetched = images::jpeg(1600, 1200, 2, None, 90);
    let fetched_sha = hex::encode(Sha256::digest(&fetched));
    upload(&app, &worker, &kept, &kept_sha).await;
    upload(&app, &worker, &fetched, &fetched_sha).await;
    assert_eq!(files(), 0, "an instance without a pipeline keeps no file");

    let runtime = Arc::new(PhotoRuntime::new(
        app.config.photos.limits(),
        1,
        dir.clone(),
        true,
    ));
    // The first photo's file as its upload leaves it on an instance with a pipeline; the
    // object store has lost the photo, so only that file can give its thumbnails.
    let id = Uuid::now_v7();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(runtime.partials.path(id), &kept).unwrap();
    runtime.partials.stored(id, &kept_sha).await.unwrap();
    app.state
        .blobs
        .delete(&format!("sha256/{kept_sha}"))
        .await
        .unwrap();
    assert_eq!(files(), 1);
    let pipeline = Pipeline {
        db: app.state.db.clone(),
        blobs: app.state.blobs.clone(),
        runtime,
        config: app.config.photos.clone(),
        metrics: app.state.metrics.clone(),
    };
    let now = chrono::Utc::now();
    assert!(pipeline.step(now).await.unwrap());
    assert!(pipeline.step(now).await.unwrap());
    assert!(!pipeline.step(now).await.unwrap(), "two photos, two steps");

    let details = analysed(&app, &worker, &kept_sha).await;
    assert_eq!(details.processing, Processing::Done, "{details:?}");
    assert_eq!((details.width, details.height), (Some(1500), Some(2000)));
    assert_eq!(files(), 0, "the file is removed once its photo is analysed");
    let details = analysed(&app, &worker, &fetched_sha).await;
    assert_eq!(details.processing, Processing::Done, "{details:?}");
    assert_eq!((details.width, details.height), (Some(1600), Some(1200)));
}

/// Uploads and the pipeline on two instances of one database and object store, as when
/// they run on different machines: the instance the phones reach takes the uploads without a
/// pipeline of its own (`photos.workers = 0`), and the other analyses what it stored.
#[tokio::test]
async fn an_instance_without_a_pipeline_leaves_its_photos_to_another() {
    let app = TestApp::spawn_with(Backend::Postgres, |c| c.photos.workers = 0).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let bytes = images::jpeg(1600, 1200, 3, None, 90);
    let sha = hex::encode(Sha256::digest(&bytes));
    upload(&app, &worker, &bytes, &sha).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let response = app
        .get(&format!("/v1/photos/{sha}/details"), &worker.token)
        .await;
    let details: PhotoDetails = response.json().await.unwrap();
    assert_eq!(
        details.processing,
        Processing::Queued,
        "no pipeline has run yet"
    );

    let mut config = app.config.clone();
    config.photos.workers = 2;
    config.photos.poll_ms = 100;
    config.uploads.partial_dir = app.config.uploads.partial_dir.with_extension("pipeline");
    let other = Application::build(config).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let other = tokio::spawn(other.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let details = analysed(&app, &worker, &sha).await;
    assert_eq!(details.processing, Processing::Done, "{details:?}");
    assert_eq!((details.width, details.height), (Some(1600), Some(1200)));
    stop.send(()).unwrap();
    other.await.unwrap().unwrap();
}

fn jpeg_size(bytes: &[u8]) -> (u16, u16) {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.decode().expect("a JPEG");
    let info = decoder.info().unwrap();
    (info.width, info.height)
}

async fn an_uploaded_photo_is_analysed_and_its_thumbnails_served_in_scope(backend: Backend) {
    let app = app_with_storage(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let bytes = images::jpeg(2000, 1500, 1, Some(&PhoneExif::default()), 90);
    let sha = hex::encode(Sha256::digest(&bytes));
    survey_naming(&app, &worker, &[&sha]).await;
    upload(&app, &worker, &bytes, &sha).await;

    let details = analysed(&app, &worker, &sha).await;
    assert_eq!(details.processing, Processing::Done, "{details:?}");
    assert_eq!(details.format.as_deref(), Some("jpeg"));
    assert_eq!((details.width, details.height), (Some(1500), Some(2000)));
    assert_eq!(details.taken_at.as_deref(), Some("2026-11-20T09:15:30"));
    assert_eq!(details.camera.as_deref(), Some("samsung SM-A155F"));
    assert!((details.latitude.unwrap() - -2.803_472).abs() < 1e-5);
    assert_eq!(details.orientation, Some(6));
    assert_eq!(details.phash.as_ref().map(String::len), Some(16));

    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    for (side, expected) in [(1024, (750, 1000)), (256, (192, 256))] {
        let response = app
            .get(
                &format!("/v1/photos/{sha}/thumbnail/{side}"),
                &supervisor.token,
            )
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "image/jpeg");
        let thumbnail = response.bytes().await.unwrap();
        assert_eq!(jpeg_size(&thumbnail), expected, "upright, within {side} px");
        assert_eq!(
            ekemiskinan::photos::analysis::exif::read(&thumbnail),
            (None, None),
            "no EXIF, so no GPS, in what is served"
        );
    }
    let odd = app
        .get(
            &format!("/v1/photos/{sha}/thumbnail/512"),
            &supervisor.token,
        )
        .await;
    assert_eq!(odd.status(), 404);

    let elsewhere = app.user("supervisor", &[KEC_BONE_BONE]).await;
    for path in [
        format!("/v1/photos/{sha}/thumbnail/256"),
        format!("/v1/photos/{sha}/details"),
        format!("/v1/photos/{sha}/similar"),
    ] {
        let response = app.get(&path, &elsewhere.token).await;
        assert_eq!(response.status(), 404, "{path} outside the user's areas");
    }
}

async fn a_household_maps_its_desa_its_visit_fix_and_its_photos_exif_position(backend: Backend) {
    let app = app_with_storage(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    // The photo says it was taken 300 m east of where the fix puts the household.
    let mut rng = StdRng::seed_from_u64(5);
    let (household, mut ops) = fixtures::survey(MALANGKE, 1, &mut rng);
    let Some(Op::RecordVisit(visit)) = ops.last_mut() else {
        unreachable!("a survey ends with its visit")
    };
    let fix = visit.gps.clone().expect("a fix");
    let bytes = images::jpeg(
        400,
        300,
        1,
        Some(&PhoneExif {
            gps: (fix.latitude, fix.longitude + 0.0027),
            ..PhoneExif::default()
        }),
        85,
    );
    let sha = hex::encode(Sha256::digest(&bytes));
    visit.photos = vec![PhotoRef {
        sha256: sha.clone(),
        kind: "tampak_depan".to_owned(),
    }];
    let visit_id = visit.visit_id;
    let mut phone = app.client(&worker);
    for op in ops {
        phone.enqueue(op).unwrap();
    }
    phone.push().await.unwrap();
    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let path = format!("/v1/households/{household}/places");

    // Before the photo arrives: the desa and the fix.
    let places: Value = app.get_json(&path, &supervisor).await;
    let kinds = |places: &Value| -> Vec<String> {
        places["features"]
            .as_array()
            .expect("features")
            .iter()
            .map(|f| f["properties"]["place"].as_str().expect("place").to_owned())
            .collect()
    };
    assert_eq!(kinds(&places), ["desa", "visit"], "{places}");
    let desa = &places["features"][0];
    assert_eq!(desa["properties"]["code"], MALANGKE);
    assert!(
        ["Polygon", "MultiPolygon"].contains(&desa["geometry"]["type"].as_str().unwrap()),
        "{desa}"
    );
    let at = &places["features"][1];
    assert_eq!(
        at["geometry"]["coordinates"],
        serde_json::json!([fix.longitude, fix.latitude])
    );
    assert_eq!(at["properties"]["visit_id"], visit_id.to_string());
    assert_eq!(at["properties"]["accuracy_m"], fix.accuracy_m);
    assert_eq!(at["properties"]["mock"], false);

    // Once it is analysed, the photo where its EXIF says.
    upload(&app, &worker, &bytes, &sha).await;
    analysed(&app, &worker, &sha).await;
    let places: Value = app.get_json(&path, &supervisor).await;
    assert_eq!(kinds(&places), ["desa", "visit", "photo"], "{places}");
    let photo = &places["features"][2];
    let [lon, lat] = [0, 1].map(|i| photo["geometry"]["coordinates"][i].as_f64().unwrap());
    assert!((lon - (fix.longitude + 0.0027)).abs() < 1e-5, "{photo}");
    assert!((lat - fix.latitude).abs() < 1e-5, "{photo}");
    assert_eq!(photo["properties"]["sha256"], sha);
    assert_eq!(photo["properties"]["kind"], "tampak_depan");
    assert_eq!(photo["properties"]["taken_at"], "2026-11-20T09:15:30");

    // Nobody outside the household's areas, and no analyst, learns where it is.
    let elsewhere = app.user("supervisor", &[KEC_BONE_BONE]).await;
    assert_eq!(app.get(&path, &elsewhere.token).await.status(), 404);
    let analyst = app.user("analyst", &[LUWU_UTARA]).await;
    assert_eq!(app.get(&path, &analyst.token).await.status(), 403);
}

/// `GET /v1/photos/{sha}/similar{query}`.
async fn similar(app: &TestApp, user: &TestUser, sha: &str, query: &str) -> Vec<SimilarPhoto> {
    app.get(&format!("/v1/photos/{sha}/similar{query}"), &user.token)
        .await
        .json()
        .await
        .unwrap()
}

/// The household's flags once its visits are checked. Called after the photos' analysis is
/// done: the analysis queues the visits again in its own transaction, so a `done` check has
/// seen the photos.
async fn checked(app: &TestApp, user: &TestUser, household: Uuid) -> HouseholdQuality {
    app.checked_flags(user, household).await
}

fn reuse_flag(quality: &HouseholdQuality) -> Option<serde_json::Value> {
    quality.visits[0]
        .flags
        .iter()
        .find(|f| f.code() == "photo_reused")
        .map(sync_protocol::v1::office::QualityFlagView::evidence)
}

/// Waits until every household's checks are done and none was checked again for 3 s, and
/// returns their flags; fails if that does not happen within a minute.
async fn settled_checks(
    app: &TestApp,
    user: &TestUser,
    households: &[Uuid],
) -> Vec<HouseholdQuality> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_mins(1);
    let mut last: Vec<HouseholdQuality> = Vec::new();
    loop {
        let mut now = Vec::new();
        for household in households {
            now.push(checked(app, user, *household).await);
        }
        let stamps = |q: &[HouseholdQuality]| -> Vec<_> {
            q.iter().map(|q| q.visits[0].checked_at).collect()
        };
        if !last.is_empty() && stamps(&last) == stamps(&now) {
            return now;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the checks did not settle within a minute: {now:?}"
        );
        last = now;
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    }
}

/// A 12-megapixel progressive JPEG with full-resolution colour, as some phones and editors
/// save them, was refused at upload (`image_too_large`) by the cap on decode memory; it is
/// taken now, and analysed: thumbnails made, at its size.
#[tokio::test]
async fn a_twelve_megapixel_progressive_photo_with_full_colour_is_taken_and_analysed() {
    let app = app_with_storage(Backend::Sqlite).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let bytes = images::progressive_jpeg(4000, 3000, 21);
    let sha = hex::encode(Sha256::digest(&bytes));
    survey_naming(&app, &worker, &[&sha]).await;
    upload(&app, &worker, &bytes, &sha).await;
    let details = analysed(&app, &worker, &sha).await;
    assert_eq!(details.processing, Processing::Done, "{details:?}");
    assert_eq!((details.width, details.height), (Some(4000), Some(3000)));
    let thumbnail = app
        .get(&format!("/v1/photos/{sha}/thumbnail/256"), &worker.token)
        .await;
    assert_eq!(thumbnail.status(), 200);
}

async fn a_photo_reused_for_another_household_is_found_by_its_perceptual_hash(backend: Backend) {
    let app = app_with_storage(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    // The same house, saved again at another quality (so another file and hash), submitted
    // as a second household; and an unrelated house.
    let original = images::jpeg(1200, 900, 3, None, 92);
    let reused = images::jpeg(1200, 900, 3, None, 60);
    let unrelated = images::jpeg(1200, 900, 11, None, 92);
    let mut hashes = Vec::new();
    let mut households = Vec::new();
    for bytes in [&original, &reused, &unrelated] {
        let sha = hex::encode(Sha256::digest(bytes));
        households.push(survey_naming(&app, &worker, &[&sha]).await);
        upload(&app, &worker, bytes, &sha).await;
        hashes.push(sha);
    }
    for sha in &hashes {
        let details = analysed(&app, &worker, sha).await;
        assert_eq!(details.processing, Processing::Done);
        // No EXIF: the picture is upright as stored, EXIF's orientation 1.
        assert_eq!(details.orientation, Some(1), "{details:?}");
    }
    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let found: Vec<SimilarPhoto> = similar(&app, &supervisor, &hashes[0], "").await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].sha256, hashes[1]);
    assert_eq!(found[0].household_id, households[1]);
    assert!(found[0].distance <= 4);

    // Each visit is checked again once its photo is analysed: the reuse is flagged on both.
    for (mine, theirs) in [(1, 0), (0, 1)] {
        let quality = checked(&app, &supervisor, households[mine]).await;
        let evidence = reuse_flag(&quality).expect("photo_reused");
        assert_eq!(evidence["photo"], hashes[mine]);
        assert_eq!(
            evidence["matches"][0]["household"],
            households[theirs].to_string()
        );
    }
    let unrelated = checked(&app, &supervisor, households[2]).await;
    assert!(reuse_flag(&unrelated).is_none(), "{unrelated:?}");

    let wide: Vec<SimilarPhoto> = similar(&app, &supervisor, &hashes[0], "?max_distance=16").await;
    assert!(
        wide.iter().all(|s| s.sha256 != hashes[2]),
        "a different house is far"
    );

    // The same picture again in kecamatan Bone Bone: outside this supervisor's areas, inside
    // the regency supervisor's.
    let other_worker = app.user("enumerator", &[KEC_BONE_BONE]).await;
    let elsewhere = images::jpeg(1200, 900, 3, None, 50);
    let elsewhere_sha = hex::encode(Sha256::digest(&elsewhere));
    let far_household = survey_in(&app, &other_worker, BONE_BONE, &[&elsewhere_sha]).await;
    upload(&app, &other_worker, &elsewhere, &elsewhere_sha).await;
    analysed(&app, &other_worker, &elsewhere_sha).await;
    let found: Vec<SimilarPhoto> = similar(&app, &supervisor, &hashes[0], "").await;
    assert!(
        found.iter().all(|s| s.household_id != far_household),
        "look-alikes outside the user's areas are not shown"
    );
    let regency = app.user("supervisor", &[LUWU_UTARA]).await;
    let found: Vec<SimilarPhoto> = similar(&app, &regency, &hashes[0], "").await;
    assert!(found.iter().any(|s| s.household_id == far_household));
    let too_wide = app
        .get(
            &format!("/v1/photos/{}/similar?max_distance=40", hashes[0]),
            &supervisor.token,
        )
        .await;
    assert_eq!(too_wide.status(), 400);
}

async fn files_that_are_not_acceptable_photos_are_refused_at_upload_and_nothing_is_kept(
    backend: Backend,
) {
    let app = app_with_storage(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let mut polyglot = images::jpeg(320, 240, 2, None, 80);
    polyglot.extend(images::zip_archive());
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "bomb disguised as a JPEG",
            images::jpeg_bomb(60_000, 60_000),
            "image_too_large",
        ),
        ("PNG bomb", images::png_bomb(30_000), "image_too_large"),
        ("JPEG with a ZIP inside", polyglot, "image_polyglot"),
        (
            "JPEG with a script",
            images::jpeg_with_script_comment(),
            "image_polyglot",
        ),
        (
            "a text file",
            b"NIK,nama\n7322010101900001,Andi\n".to_vec(),
            "not_an_image",
        ),
    ];
    for (what, bytes, code) in cases {
        let sha = hex::encode(Sha256::digest(&bytes));
        let created = create(&app, &worker, bytes.len(), &sha).await;
        assert_eq!(created.status(), 201);
        let at = location(&created);
        let mut last = None;
        for (i, chunk) in bytes.chunks(64 * 1024).enumerate() {
            last = Some(patch(&app, &worker, &at, i * 64 * 1024, chunk).await);
        }
        let response = last.unwrap();
        assert_eq!(response.status(), 422, "{what}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], code, "{what}");
        let exists = app.get(&format!("/v1/photos/{sha}"), &worker.token).await;
        assert_eq!(exists.status(), 404, "{what} is not stored");
        assert_eq!(
            app.http
                .head(app.url(&at))
                .bearer_auth(&worker.token)
                .header("tus-resumable", "1.0.0")
                .send()
                .await
                .unwrap()
                .status(),
            404,
            "{what}: the upload is discarded"
        );
    }
    assert_eq!(app.count("photo").await, 0);
    assert_eq!(
        app.partial_files(),
        0,
        "nothing of the refused files is kept"
    );
    assert_eq!(app.count("photo_analysis").await, 0);

    // HEIC is kept (nothing is lost) and reported; broken EXIF does not stop the thumbnails.
    let heic = images::heic_header();
    let heic_sha = hex::encode(Sha256::digest(&heic));
    let broken = images::jpeg_with_broken_exif();
    let broken_sha = hex::encode(Sha256::digest(&broken));
    upload(&app, &worker, &heic, &heic_sha).await;
    upload(&app, &worker, &broken, &broken_sha).await;
    let details = analysed(&app, &worker, &heic_sha).await;
    assert_eq!(details.processing, Processing::Unsupported);
    assert_eq!(details.format.as_deref(), Some("heic"));
    assert!(details.error.is_some());
    let no_thumbnail = app
        .get(
            &format!("/v1/photos/{heic_sha}/thumbnail/256"),
            &worker.token,
        )
        .await;
    assert_eq!(no_thumbnail.status(), 404, "no thumbnail will ever come");
    let details = analysed(&app, &worker, &broken_sha).await;
    assert_eq!(details.processing, Processing::Done);
    assert!(details.exif_error.is_some());
    assert_eq!((details.width, details.height), (Some(320), Some(240)));
}
