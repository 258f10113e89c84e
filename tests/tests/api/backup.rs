//! Backups of the embedded store, taken while phones push and upload, and restored.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ekemiskinan::backup::{self, Embedded};
use rand::SeedableRng;
use rand::rngs::StdRng;
use secrecy::SecretString;
use serde_json::json;
use sha2::{Digest, Sha256};
use sync_protocol::client::{ClientConfig, ClientError, SyncClient};
use sync_protocol::v1::{HouseholdSnapshot, Op, UpdateHousehold};
use tests::fixtures::{self, KEC_MALANGKE, PATTIMANG};
use tests::{Backend, TestApp, images};
use uuid::Uuid;

use crate::uploads::upload;

/// What the server acknowledged: households whose push was answered, photos whose last chunk
/// was.
#[derive(Default, Clone)]
struct Acknowledged {
    households: Vec<Uuid>,
    photos: Vec<(String, Vec<u8>)>,
}

/// A backup taken while a phone pushes surveys and uploads photos holds every survey and
/// photo the server acknowledged before the backup began; a server started on the restored
/// copy serves them all.
#[tokio::test]
async fn a_backup_taken_under_load_restores_every_acknowledged_survey_and_photo() {
    let app = TestApp::spawn_on(Backend::Sqlite).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let store = Embedded::of(&app.config).expect("the embedded store");
    let target = tempfile::tempdir().unwrap();
    let dir = target.path().join("cadangan");
    let acknowledged = Mutex::new(Acknowledged::default());
    let stop = AtomicBool::new(false);

    let load = async {
        let mut phone = app.client(&worker);
        let mut rng = StdRng::seed_from_u64(19);
        let mut n = 0u32;
        while !stop.load(Ordering::SeqCst) {
            let (household, ops) = fixtures::survey(PATTIMANG, 1, &mut rng);
            for op in ops {
                phone.enqueue(op).unwrap();
            }
            phone.push().await.expect("push");
            acknowledged.lock().unwrap().households.push(household);
            let photo = images::jpeg(64, 48, n, None, 80);
            let sha = hex::encode(Sha256::digest(&photo));
            upload(&app, &worker, &photo, &sha).await;
            acknowledged.lock().unwrap().photos.push((sha, photo));
            n += 1;
        }
    };
    let take = async {
        while acknowledged.lock().unwrap().photos.len() < 5 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let before = acknowledged.lock().unwrap().clone();
        let copied = backup::backup(&app.db, &store, &dir).await.expect("backup");
        // The phone goes on a while after the backup.
        let after = acknowledged.lock().unwrap().photos.len() + 3;
        while acknowledged.lock().unwrap().photos.len() < after {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        stop.store(true, Ordering::SeqCst);
        (before, copied)
    };
    let ((), (before, copied)) = tokio::join!(load, take);
    assert!(copied.objects >= 5, "{} photo files copied", copied.objects);

    // Restored elsewhere, as on a new machine.
    let machine = tempfile::tempdir().unwrap();
    let database = machine.path().join("data/ekemiskinan.db");
    let objects = machine.path().join("data/objects");
    let restored_store = Embedded {
        database: database.clone(),
        objects: objects.clone(),
    };
    backup::restore(&restored_store, &dir)
        .await
        .expect("restore");
    let restored = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.database.url = SecretString::from(format!("sqlite://{}?mode=rwc", database.display()));
        c.storage.path = objects;
    })
    .await;
    let supervisor = restored.user("supervisor", &[KEC_MALANGKE]).await;
    for household in &before.households {
        let response = restored
            .get(&format!("/v1/households/{household}"), &supervisor.token)
            .await;
        assert_eq!(response.status(), 200, "household {household}");
    }
    for (sha, photo) in &before.photos {
        let stored = restored
            .stored_photo(sha)
            .await
            .unwrap_or_else(|| panic!("photo {sha} restored"));
        assert_eq!(&stored[..], &photo[..]);
    }
}

/// A backup goes into a new or empty directory only, and a restore refuses a directory that
/// holds no backup; neither touches the store then.
#[tokio::test]
async fn a_backup_never_writes_over_files_and_a_restore_needs_a_backup() {
    let app = TestApp::spawn_on(Backend::Sqlite).await;
    let store = Embedded::of(&app.config).expect("the embedded store");
    let target = tempfile::tempdir().unwrap();
    std::fs::write(target.path().join("catatan.txt"), "milik operator").unwrap();
    let refused = backup::backup(&app.db, &store, target.path()).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.to_string().contains("tidak kosong")),
        "{refused:?}"
    );
    assert_eq!(
        std::fs::read_to_string(target.path().join("catatan.txt")).unwrap(),
        "milik operator"
    );
    let live = std::fs::metadata(&store.database).unwrap().len();
    let refused = backup::restore(&store, target.path()).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.to_string().contains("bukan cadangan")),
        "{refused:?}"
    );
    assert_eq!(std::fs::metadata(&store.database).unwrap().len(), live);
}

/// A restore keeps the database it replaces, and will not replace one kept by an earlier
/// restore: the first database of the office is never lost to a second attempt.
#[tokio::test]
async fn a_restore_keeps_the_database_it_replaces_once() {
    let app = TestApp::spawn_on(Backend::Sqlite).await;
    let store = Embedded::of(&app.config).expect("the embedded store");
    let target = tempfile::tempdir().unwrap();
    let dir = target.path().join("cadangan");
    backup::backup(&app.db, &store, &dir).await.expect("backup");

    let machine = tempfile::tempdir().unwrap();
    let there = Embedded {
        database: machine.path().join("ekemiskinan.db"),
        objects: machine.path().join("objects"),
    };
    std::fs::write(&there.database, b"the office's own database").unwrap();
    std::fs::write(machine.path().join("ekemiskinan.db-wal"), b"its log").unwrap();
    backup::restore(&there, &dir).await.expect("restore");
    let kept = machine.path().join("ekemiskinan.db.sebelum-pulih");
    assert_eq!(std::fs::read(&kept).unwrap(), b"the office's own database");
    assert_eq!(
        std::fs::read(machine.path().join("ekemiskinan.db.sebelum-pulih-wal")).unwrap(),
        b"its log",
        "the log kept where SQLite looks for the kept file's"
    );
    assert!(!machine.path().join("ekemiskinan.db-wal").exists());

    let again = backup::restore(&there, &dir).await;
    assert!(
        again
            .as_ref()
            .is_err_and(|e| e.to_string().contains("sebelum-pulih")),
        "{again:?}"
    );
    assert_eq!(std::fs::read(&kept).unwrap(), b"the office's own database");
}

/// On PostgreSQL or S3 the command does not pretend: it says what to run instead.
#[test]
fn the_backup_of_a_postgres_store_says_what_to_run_instead() {
    let mut config = ekemiskinan::config::Config::default();
    config.database.url = SecretString::from("postgres://ekemiskinan@127.0.0.1:5432/ekemiskinan");
    let refused = Embedded::of(&config).expect_err("not embedded");
    let message = refused.to_string();
    assert!(message.contains("pg_dump"), "{message}");
}

/// A phone that synced after the backup was taken: the restored server lost what it
/// acknowledged since, and the phone's cursor names a log position that no longer means what
/// it did. One phone has an edit waiting, one has nothing to send: both send again the
/// mutations they keep, start their copy over, and end with the server holding all their
/// work. A phone that no longer keeps them is told of the gap instead of going on.
#[tokio::test]
async fn phones_send_again_what_a_restored_server_lost_and_pull_afresh() {
    let mut app = TestApp::spawn_on(Backend::Sqlite).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let mut rng = StdRng::seed_from_u64(23);
    let mut survey = |phone: &mut SyncClient| {
        let (household, ops) = fixtures::survey(PATTIMANG, 1, &mut rng);
        for op in ops {
            phone.enqueue(op).unwrap();
        }
        household
    };
    let (mut busy, mut idle) = (app.client(&worker), app.client(&worker));
    let device = Uuid::new_v4();
    let mut forgetful =
        ClientConfig::new(&app.base_url, &worker.token, device, app.state_file(device));
    forgetful.keep_sent = Duration::ZERO;
    let mut forgetful = SyncClient::open(forgetful).unwrap();
    let before = survey(&mut busy);
    for phone in [&mut busy, &mut idle, &mut forgetful] {
        phone.sync().await.unwrap();
    }
    let store = Embedded::of(&app.config).expect("the embedded store");
    let target = tempfile::tempdir().unwrap();
    let dir = target.path().join("cadangan");
    backup::backup(&app.db, &store, &dir).await.expect("backup");

    // After the backup: each phone surveys and syncs; the busy one also edits the first.
    let lost = [survey(&mut busy), survey(&mut idle), survey(&mut forgetful)];
    busy.enqueue(roof(&busy, before, 9)).unwrap();
    for phone in [&mut busy, &mut idle, &mut forgetful] {
        phone.sync().await.unwrap();
    }

    app.trigger_shutdown();
    app.take_server().unwrap().await.unwrap().unwrap();
    backup::restore(&store, &dir).await.expect("restore");
    app.restart().await;
    let household = |id: Uuid| {
        let app = &app;
        let token = supervisor.token.clone();
        async move { app.get(&format!("/v1/households/{id}"), &token).await }
    };
    for id in lost {
        assert_eq!(household(id).await.status(), 404, "lost with the restore");
    }

    let mut busy = app.device(&worker, busy.device_id());
    let mut idle = app.device(&worker, idle.device_id());
    let mut forgetful = app.device(&worker, forgetful.device_id());
    let edit = roof(&busy, lost[0], 3);
    busy.enqueue(edit).unwrap();
    busy.sync().await.expect("the busy phone syncs");
    idle.sync().await.expect("the idle phone syncs");
    for (phone, id) in [(&busy, lost[0]), (&idle, lost[1])] {
        assert_eq!(phone.pending(), 0);
        let answer = household(id).await;
        assert_eq!(answer.status(), 200, "{id} sent again");
        let on_server: HouseholdSnapshot = answer.json().await.unwrap();
        assert_eq!(
            phone.server_copy(id),
            Some(&on_server),
            "the phone's copy pulled afresh"
        );
    }
    let first: HouseholdSnapshot = household(before).await.json().await.unwrap();
    assert_eq!(first.fields["jenis_atap"], json!(9), "the edit sent again");
    let second: HouseholdSnapshot = household(lost[0]).await.json().await.unwrap();
    assert_eq!(
        second.fields["jenis_atap"],
        json!(3),
        "the edit after the restore"
    );

    let refused = forgetful.sync().await;
    assert!(
        matches!(refused, Err(ClientError::Gap { .. })),
        "{refused:?}"
    );
    assert_eq!(household(lost[2]).await.status(), 404);

    // The same backup restored a second time starts another epoch: the idle phone, whose
    // cursor is of the first restore's, starts over again and sends its work once more.
    app.trigger_shutdown();
    app.take_server().unwrap().await.unwrap().unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let kept = format!("{}.sebelum-pulih{suffix}", store.database.display());
        let _ = std::fs::remove_file(kept);
    }
    backup::restore(&store, &dir).await.expect("restore again");
    app.restart().await;
    let mut idle = app.device(&worker, idle.device_id());
    idle.sync().await.expect("the idle phone syncs again");
    let again = app
        .get(&format!("/v1/households/{}", lost[1]), &supervisor.token)
        .await;
    assert_eq!(again.status(), 200, "sent again after the second restore");
}

/// An edit of the roof on the household as the phone last pulled it.
fn roof(phone: &SyncClient, household: Uuid, value: i64) -> Op {
    Op::UpdateHousehold(UpdateHousehold {
        household_id: household,
        base_version: phone.base_version(household),
        fields: [("jenis_atap".to_owned(), json!(value))]
            .into_iter()
            .collect(),
    })
}

/// A photo uploaded after the backup is still in the photo directory (a restore copies the
/// backup's photos into it), but the restored database forgot it and the phone dropped its
/// copy once the server had it. When the phone sends the visit again, the server finds the
/// file in its store and records the photo again: nothing waits for a photo no phone has.
#[tokio::test]
async fn a_photo_the_store_kept_is_recorded_again_when_its_visit_comes_back() {
    let mut app = TestApp::spawn_on(Backend::Sqlite).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let mut phone = app.client(&worker);
    phone.sync().await.unwrap();
    let store = Embedded::of(&app.config).expect("the embedded store");
    let target = tempfile::tempdir().unwrap();
    let dir = target.path().join("cadangan");
    backup::backup(&app.db, &store, &dir).await.expect("backup");

    let photo = images::jpeg(64, 48, 7, None, 80);
    let sha = hex::encode(Sha256::digest(&photo));
    let (_, mut ops) = fixtures::survey(PATTIMANG, 1, &mut StdRng::seed_from_u64(29));
    for op in &mut ops {
        if let Op::RecordVisit(visit) = op {
            visit.photos.truncate(1);
            visit.photos[0].sha256.clone_from(&sha);
        }
    }
    for op in ops {
        phone.enqueue(op).unwrap();
    }
    phone.sync().await.unwrap();
    upload(&app, &worker, &photo, &sha).await;
    let stored = format!("/v1/photos/{sha}");
    assert_eq!(app.get(&stored, &worker.token).await.status(), 200);

    app.trigger_shutdown();
    app.take_server().unwrap().await.unwrap().unwrap();
    backup::restore(&store, &dir).await.expect("restore");
    app.restart().await;
    assert_eq!(app.get(&stored, &worker.token).await.status(), 404);

    let mut phone = app.device(&worker, phone.device_id());
    phone.sync().await.expect("the phone syncs");
    assert_eq!(phone.state().missing_photos, std::slice::from_ref(&sha));
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while app.get(&stored, &worker.token).await.status() != 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "the photo is recorded again"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    phone.sync().await.unwrap();
    assert!(phone.state().missing_photos.is_empty());
}
