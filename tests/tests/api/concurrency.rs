//! Pull never skips a change committed out of order, and the counts kept per desa never miss
//! one either.

use std::collections::{BTreeMap, HashSet};

use chrono::Utc;
use ekemiskinan::domain::history::ChangeDetail;
use ekemiskinan::store::batch::WriteBatch;
use ekemiskinan::store::changes;
use rand::SeedableRng;
use rand::rngs::StdRng;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;
use sync_protocol::v1::{Change, ChangeKind, Op, PullResponse, UpdateHousehold};
use tests::fixtures::{self, KEC_MALANGKE, LUWU_UTARA, MALANGKE, PATTIMANG};
use tests::{Backend, TestApp};
use uuid::Uuid;

/// Appends a log row inside a transaction.
async fn append(txn: &sea_orm::DatabaseTransaction, household: Uuid, area: &str) {
    let mut batch = WriteBatch::new(txn.get_database_backend());
    let change = changes::NewChange {
        household_id: household,
        version: 1,
        area_code: area,
        prev_area_code: None,
        kind: ChangeKind::Create,
        user_id: Uuid::nil(),
        detail: &ChangeDetail::default(),
    };
    changes::append(&mut batch, &change, Utc::now());
    batch.flush(txn).await.unwrap();
}

/// Pulls from `cursor` (from the start without one), page after page, until `wanted` have all
/// been put or 500 pages were read: the last cursor and the households put. Transactions of
/// other tests in the same cluster may hold rows back for a moment; they never make a row
/// disappear, so the loop ends.
async fn pull_until(
    app: &TestApp,
    user: &tests::TestUser,
    mut cursor: Option<String>,
    wanted: &[Uuid],
) -> (Option<String>, HashSet<Uuid>) {
    let mut seen = HashSet::new();
    for _ in 0..500 {
        let query = cursor
            .as_deref()
            .map_or_else(String::new, |c| format!("?cursor={c}"));
        let page: PullResponse = app.get_json(&format!("/v1/sync/pull{query}"), user).await;
        for change in page.changes {
            if let Change::Put { household } = change {
                seen.insert(household.id);
            }
        }
        cursor = Some(page.cursor);
        if wanted.iter().all(|h| seen.contains(h)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    (cursor, seen)
}

/// Two transactions write the log; the one that wrote first commits last. A puller that
/// reads between the commits must not move past the first one's row. (A plain sequence or
/// timestamp cursor fails this: it serves the later row and then skips the earlier one.)
#[tokio::test]
async fn a_change_committed_after_a_later_one_is_still_pulled() {
    let app = TestApp::spawn_with(Backend::Postgres, |c| c.sync.pull_wait_ms = 0).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let mut phone = app.client(&worker);
    let mut rng = StdRng::seed_from_u64(30);
    let (h1, h2) = (Uuid::new_v4(), Uuid::new_v4());
    phone
        .enqueue(fixtures::create_household(h1, PATTIMANG, &mut rng))
        .unwrap();
    phone
        .enqueue(fixtures::create_household(h2, MALANGKE, &mut rng))
        .unwrap();
    phone.sync().await.unwrap();
    // A cursor past both creates. A transaction of another test in the shared cluster may hold
    // them back for a moment, and they must not arrive in the pull between the commits below.
    let (cursor, created) = pull_until(&app, &worker, None, &[h1, h2]).await;
    assert!(
        created.contains(&h1) && created.contains(&h2),
        "creates pulled"
    );
    let cursor = cursor.expect("a cursor");

    let first = app.db.begin().await.unwrap();
    append(&first, h1, PATTIMANG).await;
    let second = app.db.begin().await.unwrap();
    append(&second, h2, MALANGKE).await;
    second.commit().await.unwrap();

    let between: PullResponse = app
        .get_json(&format!("/v1/sync/pull?cursor={cursor}"), &worker)
        .await;
    assert!(
        between.changes.is_empty(),
        "the later commit is held back while the earlier writer runs"
    );
    first.commit().await.unwrap();

    // Pull from the cursor taken between the commits until both rows arrive.
    let (_, seen) = pull_until(&app, &worker, Some(between.cursor), &[h1, h2]).await;
    assert_eq!(
        seen,
        HashSet::from([h1, h2]),
        "the change committed last was not skipped"
    );
}

/// Households surveyed in Pattimang, as the indicators count them.
async fn surveyed_in_pattimang(app: &TestApp, user: &tests::TestUser) -> u64 {
    let figures: serde_json::Value = app
        .get_json(
            &format!("/v1/indicators?area={KEC_MALANGKE}&level=desa"),
            user,
        )
        .await;
    figures["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .find(|a| a["code"] == PATTIMANG)
        .and_then(|a| a["households_surveyed"].as_u64())
        .expect("Pattimang")
}

#[tokio::test]
async fn a_count_read_while_an_older_transaction_runs_waits_for_the_change_it_holds_back() {
    let app = TestApp::spawn_on(Backend::Postgres).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let mut rng = StdRng::seed_from_u64(31);
    let mut phone = app.client(&worker);
    phone
        .enqueue(fixtures::create_household(
            Uuid::new_v4(),
            PATTIMANG,
            &mut rng,
        ))
        .unwrap();
    phone.sync().await.unwrap();
    assert_eq!(surveyed_in_pattimang(&app, &supervisor).await, 1);

    // A transaction with an id, older than the next household's, still running: the new
    // household's log row may not be counted until it ends.
    let older = app.db.begin().await.unwrap();
    older
        .execute_unprepared("SELECT pg_current_xact_id()")
        .await
        .unwrap();
    phone
        .enqueue(fixtures::create_household(
            Uuid::new_v4(),
            PATTIMANG,
            &mut rng,
        ))
        .unwrap();
    phone.push().await.unwrap();
    let ending = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        older.commit().await.unwrap();
    });
    // Read while it runs: the answer waits for it rather than leave the new household out.
    assert_eq!(surveyed_in_pattimang(&app, &supervisor).await, 2);
    ending.await.unwrap();
}

async fn concurrent_writers_and_pullers_never_miss_a_change(backend: Backend) {
    const WRITERS: usize = 4;
    const PER_WRITER: usize = 25;
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;

    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let mut phone = app.client(&worker);
        writers.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(40 + w as u64);
            let mut ids = Vec::new();
            for i in 0..PER_WRITER {
                let id = Uuid::new_v4();
                let area = if i % 2 == 0 { PATTIMANG } else { MALANGKE };
                phone
                    .enqueue(fixtures::create_household(id, area, &mut rng))
                    .unwrap();
                phone.push().await.unwrap();
                phone
                    .enqueue(Op::UpdateHousehold(UpdateHousehold {
                        household_id: id,
                        base_version: 0,
                        fields: [("rt".to_owned(), json!(format!("{i:03}")))].into(),
                    }))
                    .unwrap();
                phone.push().await.unwrap();
                ids.push(id);
            }
            ids
        }));
    }
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut pullers = Vec::new();
    for _ in 0..3 {
        let mut office = app.client(&supervisor);
        let done = done.clone();
        pullers.push(tokio::spawn(async move {
            while !done.load(std::sync::atomic::Ordering::Acquire) {
                office.pull().await.unwrap();
            }
            office.pull().await.unwrap();
            office
                .state()
                .households
                .iter()
                .map(|(id, h)| (*id, h.version))
                .collect::<BTreeMap<_, _>>()
        }));
    }
    let mut expected = BTreeMap::new();
    for writer in writers {
        for id in writer.await.unwrap() {
            expected.insert(id, 2);
        }
    }
    done.store(true, std::sync::atomic::Ordering::Release);
    for puller in pullers {
        assert_eq!(
            puller.await.unwrap(),
            expected,
            "every puller ends with every change"
        );
    }
}

#[tokio::test]
async fn concurrent_writers_and_pullers_never_miss_a_change_on_postgres() {
    concurrent_writers_and_pullers_never_miss_a_change(Backend::Postgres).await;
}

#[tokio::test]
async fn concurrent_writers_and_pullers_never_miss_a_change_on_sqlite() {
    concurrent_writers_and_pullers_never_miss_a_change(Backend::Sqlite).await;
}
