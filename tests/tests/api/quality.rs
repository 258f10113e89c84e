//! Data-quality flags raised on arrival by the background checker, read per household, with
//! NIK masked and the household's scope enforced.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ekemiskinan::store::quality;
use rand::SeedableRng;
use rand::rngs::StdRng;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use serde_json::json;
use sync_protocol::client::SyncClient;
use sync_protocol::v1::office::{CheckState, HouseholdQuality, QualityFlagView, Severity};
use sync_protocol::v1::{
    AddMember, DeleteHousehold, GpsFix, MoveHousehold, Op, PutFamily, ReceiptStatus, RecordVisit,
    RemoveMember, UpdateMember,
};
use tests::fixtures::{self, KEC_BONE_BONE, KEC_MALANGKE, PATTIMANG};
use tests::{Backend, TestApp, TestUser};
use uuid::Uuid;

const NIK: &str = "7322014509850003"; // a woman born 5 September 1985, registered in 73.22.01

/// A household in Pattimang with one family and one member (`sex`: 1 man, 2 woman), and a
/// visit at `position` from `started` to `ended`.
fn survey(
    rng: &mut StdRng,
    sex: i64,
    position: (f64, f64),
    accuracy_m: f64,
    mock: bool,
    (started, ended): (DateTime<Utc>, DateTime<Utc>),
) -> (Uuid, Vec<Op>) {
    let household_id = Uuid::new_v4();
    let family_id = Uuid::new_v4();
    let mut member = fixtures::member_answers(rng);
    member.insert("nik".to_owned(), json!(NIK));
    member.insert("jenis_kelamin".to_owned(), json!(sex));
    member.insert("tanggal_lahir".to_owned(), json!("1985-09-05"));
    let answers = fixtures::household_answers(rng);
    let ops = vec![
        fixtures::create_household(household_id, PATTIMANG, rng),
        Op::PutFamily(PutFamily {
            household_id,
            family_id,
            base_version: 0,
            no_kk: Some("7322012708150001".to_owned()),
        }),
        Op::AddMember(AddMember {
            household_id,
            member_id: Uuid::new_v4(),
            base_version: 0,
            family_id: Some(family_id),
            fields: member,
        }),
        Op::RecordVisit(RecordVisit {
            visit_id: Uuid::new_v4(),
            household_id,
            form_id: "survei-rt".to_owned(),
            form_version: 1,
            started_at: started,
            ended_at: ended,
            answers,
            gps: Some(GpsFix {
                latitude: position.0,
                longitude: position.1,
                accuracy_m,
                mock,
                fixed_at: Some(started),
            }),
            photos: vec![],
        }),
    ];
    (household_id, ops)
}

/// The member that a survey's operations add.
fn member_of(ops: &[Op]) -> Uuid {
    ops.iter()
        .find_map(|op| match op {
            Op::AddMember(m) => Some(m.member_id),
            _ => None,
        })
        .expect("a member")
}

/// The household's checks once every visit has been checked.
async fn checked(app: &TestApp, user: &TestUser, household: Uuid) -> HouseholdQuality {
    app.checked_flags(user, household).await
}

fn codes(quality: &HouseholdQuality) -> BTreeSet<&str> {
    quality.visits[0]
        .flags
        .iter()
        .map(QualityFlagView::code)
        .collect()
}

async fn flags_are_raised_on_arrival_with_evidence_and_a_risk_score(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let mut phone = app.client(&worker);
    let mut rng = StdRng::seed_from_u64(4);
    let t0 = Utc::now() - chrono::Duration::hours(8);
    let minutes = |m: i64| t0 + chrono::Duration::minutes(m);

    // A clean visit: 35 minutes, an accurate fix inside Pattimang, a NIK agreeing with the form.
    let (clean, ops) = survey(
        &mut rng,
        2,
        (-2.80, 120.40),
        8.0,
        false,
        (minutes(0), minutes(35)),
    );
    let clean_member = member_of(&ops);
    for op in ops {
        phone.enqueue(op).expect("enqueue");
    }
    phone.push().await.expect("push");
    assert_eq!(
        app.count("visit_check").await,
        1,
        "queued by the push itself"
    );
    let quality = checked(&app, &supervisor, clean).await;
    assert_eq!(codes(&quality), BTreeSet::new());
    assert_eq!(quality.visits[0].risk, Some(0));

    // One minute later, 3.3 km east (in desa Malangke), a mock fix of accuracy 0, four minutes
    // of interview, and the same NIK on a man.
    let (suspect, ops) = survey(
        &mut rng,
        1,
        (-2.80, 120.43),
        0.0,
        true,
        (minutes(36), minutes(40)),
    );
    // Hours later, exactly at the first household's coordinates.
    let (copied, more) = survey(
        &mut rng,
        2,
        (-2.80, 120.40),
        8.0,
        false,
        (minutes(400), minutes(440)),
    );
    for op in ops.into_iter().chain(more) {
        phone.enqueue(op).expect("enqueue");
    }
    phone.push().await.expect("push");

    let quality = checked(&app, &supervisor, suspect).await;
    assert_eq!(
        codes(&quality),
        BTreeSet::from([
            "gps_outside_desa",
            "gps_mock",
            "gps_accuracy_zero",
            "impossible_travel",
            "nik_sex_mismatch",
            "nik_duplicate",
            "interview_too_short",
        ])
    );
    assert_eq!(quality.visits[0].risk, Some(100), "capped");
    let flag = |code: &str| {
        quality.visits[0]
            .flags
            .iter()
            .find(|f| f.code() == code)
            .expect(code)
            .clone()
    };
    let outside = flag("gps_outside_desa");
    assert_eq!(outside.severity, Severity::High);
    assert_eq!(outside.evidence()["located_in"], "73.22.01.2002");
    let duplicates = flag("nik_duplicate").evidence()["households"].clone();
    assert!(
        duplicates
            .as_array()
            .expect("array")
            .contains(&json!(clean)),
        "{duplicates}"
    );
    assert_eq!(
        flag("nik_sex_mismatch").evidence()["nik"],
        "7322********0003"
    );
    let kmh = flag("impossible_travel").evidence()["kmh"]
        .as_f64()
        .expect("kmh");
    assert!((150.0..250.0).contains(&kmh), "{kmh}");

    copied_coordinates_are_flagged(&app, &supervisor, copied, clean).await;
    only_masked_and_in_scope(&app, suspect, &supervisor).await;
    member_changes_check_the_visits_again(&app, &supervisor, &mut phone, (clean, clean_member))
        .await;
    just_outside_the_border_is_flagged_low(&app, &supervisor, &mut phone, &mut rng, minutes(500))
        .await;
}

/// 0.0002° east of Pattimang's border (about 22 m), with an 8 m fix: flagged, but low.
async fn just_outside_the_border_is_flagged_low(
    app: &TestApp,
    supervisor: &TestUser,
    phone: &mut SyncClient,
    rng: &mut StdRng,
    start: DateTime<Utc>,
) {
    let (border, ops) = survey(
        rng,
        2,
        (-2.80, 120.4152),
        8.0,
        false,
        (start, start + chrono::Duration::minutes(40)),
    );
    for op in ops {
        phone.enqueue(op).expect("enqueue");
    }
    phone.push().await.expect("push");
    let quality = checked(app, supervisor, border).await;
    let outside = quality.visits[0]
        .flags
        .iter()
        .find(|f| f.code() == "gps_outside_desa")
        .expect("flag");
    assert_eq!(outside.severity, Severity::Low, "{outside:?}");
    let metres = outside.evidence()["distance_m"].as_f64().expect("distance");
    assert!((20.0..25.0).contains(&metres), "{metres}");
    assert_eq!(outside.evidence()["margin_m"], 50.0);

    // Moved to the desa that holds the fix: checked again, no longer outside.
    phone
        .enqueue(Op::MoveHousehold(MoveHousehold {
            household_id: border,
            base_version: 3,
            area_code: "73.22.01.2002".to_owned(),
        }))
        .expect("enqueue");
    let receipts = phone.push().await.expect("push");
    assert_eq!(receipts[0].status, ReceiptStatus::Applied, "{receipts:?}");
    let quality = checked(app, supervisor, border).await;
    assert!(!codes(&quality).contains("gps_outside_desa"), "{quality:?}");
}

/// A member added elsewhere with the same NIK, or a member's sex changed later, shows in the
/// flags of a visit checked before: member changes queue the household's visits again (and
/// the check, run again, now also sees the later household at its coordinates).
async fn member_changes_check_the_visits_again(
    app: &TestApp,
    supervisor: &TestUser,
    phone: &mut SyncClient,
    (clean, member_id): (Uuid, Uuid),
) {
    let quality = checked(app, supervisor, clean).await;
    assert_eq!(
        codes(&quality),
        BTreeSet::from(["duplicate_coordinates", "nik_duplicate"]),
        "the later households share its NIK, and one its coordinates"
    );
    phone
        .enqueue(Op::UpdateMember(UpdateMember {
            household_id: clean,
            member_id,
            base_version: 3,
            fields: serde_json::from_value(json!({ "jenis_kelamin": 1 })).expect("fields"),
        }))
        .expect("enqueue");
    let receipts = phone.push().await.expect("push");
    assert!(
        receipts.iter().all(|r| r.status == ReceiptStatus::Applied),
        "{receipts:?}"
    );
    let quality = checked(app, supervisor, clean).await;
    assert_eq!(
        codes(&quality),
        BTreeSet::from(["duplicate_coordinates", "nik_duplicate", "nik_sex_mismatch"])
    );
}

/// The household visited at another's exact coordinates (and with the same NIK).
async fn copied_coordinates_are_flagged(
    app: &TestApp,
    supervisor: &TestUser,
    copied: Uuid,
    clean: Uuid,
) {
    let quality = checked(app, supervisor, copied).await;
    assert_eq!(
        codes(&quality),
        BTreeSet::from(["duplicate_coordinates", "nik_duplicate"])
    );
    let evidence = quality.visits[0]
        .flags
        .iter()
        .find(|f| f.code() == "duplicate_coordinates")
        .expect("flag")
        .evidence();
    assert!(
        evidence["households"]
            .as_array()
            .expect("array")
            .contains(&json!(clean)),
        "{evidence}"
    );
}

/// The raw NIK never leaves the server in flags; analysts and other kecamatan see nothing.
async fn only_masked_and_in_scope(app: &TestApp, household: Uuid, supervisor: &TestUser) {
    let response = app
        .get(
            &format!("/v1/households/{household}/flags"),
            &supervisor.token,
        )
        .await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("body");
    assert!(body.contains("nik_sex_mismatch"), "{body}");
    assert!(!body.contains(NIK), "{body}");
    let analyst = app.user("analyst", &[KEC_MALANGKE]).await;
    let elsewhere = app.user("supervisor", &[KEC_BONE_BONE]).await;
    let path = format!("/v1/households/{household}/flags");
    assert_eq!(app.get(&path, &analyst.token).await.status(), 403);
    assert_eq!(app.get(&path, &elsewhere.token).await.status(), 404);
}

/// A Malangke worker's phone and their supervisor, for clean surveys in Pattimang of the
/// woman of [`NIK`], timed from eight hours ago.
struct Field {
    app: TestApp,
    supervisor: TestUser,
    phone: SyncClient,
    rng: StdRng,
    t0: DateTime<Utc>,
}

impl Field {
    async fn new(backend: Backend, seed: u64) -> Self {
        let app = TestApp::spawn_on(backend).await;
        let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
        let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
        let phone = app.client(&worker);
        Self {
            app,
            supervisor,
            phone,
            rng: StdRng::seed_from_u64(seed),
            t0: Utc::now() - chrono::Duration::hours(8),
        }
    }

    /// A clean survey at `position`, from `from` to `to` minutes after the start.
    fn survey(&mut self, position: (f64, f64), (from, to): (i64, i64)) -> (Uuid, Vec<Op>) {
        let at = |m: i64| self.t0 + chrono::Duration::minutes(m);
        let times = (at(from), at(to));
        survey(&mut self.rng, 2, position, 8.0, false, times)
    }

    /// Sends the operations and pulls.
    async fn record(&mut self, ops: impl IntoIterator<Item = Op>) {
        for op in ops {
            self.phone.enqueue(op).expect("enqueue");
        }
        self.phone.sync().await.expect("sync");
    }

    /// The household's checks, once every visit of it is checked.
    async fn quality(&self, household: Uuid) -> HouseholdQuality {
        self.app.checked_flags(&self.supervisor, household).await
    }
}

/// Deleting a household takes back the flags it raised on another: the households sharing its
/// members' NIKs are checked again, and a deleted household is nobody's duplicate.
async fn a_deleted_household_no_longer_raises_flags_on_others(backend: Backend) {
    let mut field = Field::new(backend, 6).await;
    // The same person, recorded twice at the same place: a household entered twice.
    let (first, ops) = field.survey((-2.80, 120.40), (0, 35));
    let (twice, more) = field.survey((-2.80, 120.40), (400, 440));
    field.record(ops.into_iter().chain(more)).await;
    assert_eq!(
        codes(&field.quality(first).await),
        BTreeSet::from(["duplicate_coordinates", "nik_duplicate"])
    );

    let phone = &mut field.phone;
    phone
        .enqueue(Op::DeleteHousehold(DeleteHousehold {
            household_id: twice,
            base_version: phone.base_version(twice),
        }))
        .expect("enqueue");
    let receipts = phone.push().await.expect("push");
    assert!(
        receipts.iter().all(|r| r.status == ReceiptStatus::Applied),
        "{receipts:?}"
    );
    assert_eq!(
        codes(&field.quality(first).await),
        BTreeSet::new(),
        "the duplicate was deleted"
    );
}

/// A member removed on one phone and brought back by an edit from another counts again for
/// the households sharing its NIK.
async fn a_member_brought_back_counts_again_for_others_with_its_nik(backend: Backend) {
    let mut field = Field::new(backend, 7).await;
    let other = field.app.user("enumerator", &[KEC_MALANGKE]).await;
    let mut b = field.app.client(&other);
    let (first, ops) = field.survey((-2.80, 120.40), (0, 35));
    let member = member_of(&ops);
    let (second, more) = field.survey((-2.81, 120.41), (60, 95));
    field.record(ops.into_iter().chain(more)).await;
    b.sync().await.expect("sync");
    assert!(codes(&field.quality(second).await).contains("nik_duplicate"));

    let remove = Op::RemoveMember(RemoveMember {
        household_id: first,
        member_id: member,
        base_version: field.phone.base_version(first),
    });
    field.record([remove]).await;
    assert!(!codes(&field.quality(second).await).contains("nik_duplicate"));

    // The other phone, which had not seen the removal, edits the member: it comes back.
    let edit = Op::UpdateMember(UpdateMember {
        household_id: first,
        member_id: member,
        base_version: b.base_version(first),
        fields: serde_json::from_value(json!({ "nama": "Nama Diperbaiki" })).expect("fields"),
    });
    b.enqueue(edit).expect("enqueue");
    let receipts = b.push().await.expect("push");
    assert_eq!(receipts[0].status, ReceiptStatus::Applied, "{receipts:?}");
    assert!(
        codes(&field.quality(second).await).contains("nik_duplicate"),
        "the NIK is held twice again"
    );
}

/// A household visited later at another's exact coordinates raises `duplicate_coordinates` on
/// both: the earlier one is checked again when the later visit arrives.
async fn copied_coordinates_are_flagged_on_the_earlier_household_too(backend: Backend) {
    let mut field = Field::new(backend, 8).await;
    let (first, ops) = field.survey((-2.80, 120.40), (0, 35));
    field.record(ops).await;
    assert_eq!(codes(&field.quality(first).await), BTreeSet::new());

    // Hours later, at the same coordinates, another person (another NIK, so that no member
    // change checks the first household again).
    let (second, mut more) = field.survey((-2.80, 120.40), (400, 440));
    for op in &mut more {
        if let Op::AddMember(m) = op {
            m.fields.insert("nik".to_owned(), json!("7322014509850004"));
        }
    }
    field.record(more).await;
    assert_eq!(
        codes(&field.quality(second).await),
        BTreeSet::from(["duplicate_coordinates"])
    );
    assert_eq!(
        codes(&field.quality(first).await),
        BTreeSet::from(["duplicate_coordinates"]),
        "the earlier household is flagged too"
    );
}

/// A phone sends the worker's later visit (3.3 km away, a minute after) before the earlier one.
/// Neither is flagged at first; once the earlier one arrives, the later one is checked again
/// against it and flagged, as if they had come in order.
async fn a_far_visit_sent_before_the_earlier_one_is_flagged_once_the_earlier_arrives(
    backend: Backend,
) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let mut phone = app.client(&worker);
    let mut rng = StdRng::seed_from_u64(9);
    let t0 = Utc::now() - chrono::Duration::hours(8);
    let minutes = |m: i64| t0 + chrono::Duration::minutes(m);
    let (earlier, earlier_ops) = survey(
        &mut rng,
        2,
        (-2.80, 120.40),
        8.0,
        false,
        (minutes(0), minutes(35)),
    );
    let earlier_visit = earlier_ops
        .iter()
        .find_map(|op| match op {
            Op::RecordVisit(v) => Some(v.visit_id),
            _ => None,
        })
        .expect("a visit");
    let (later, later_ops) = survey(
        &mut rng,
        2,
        (-2.80, 120.43),
        8.0,
        false,
        (minutes(36), minutes(60)),
    );
    // No NIK shared between them: a shared NIK would have the later one checked again anyway.
    let without_nik = |ops: Vec<Op>| -> Vec<Op> {
        ops.into_iter()
            .map(|op| match op {
                Op::AddMember(mut m) => {
                    m.fields.remove("nik");
                    Op::AddMember(m)
                }
                other => other,
            })
            .collect()
    };
    let (earlier_ops, later_ops) = (without_nik(earlier_ops), without_nik(later_ops));
    let travels = |quality: &HouseholdQuality| {
        quality.visits[0]
            .flags
            .iter()
            .find(|f| f.code() == "impossible_travel")
            .map(|f| f.evidence()["previous_visit"].clone())
    };

    for op in later_ops {
        phone.enqueue(op).expect("enqueue");
    }
    phone.push().await.expect("push");
    assert_eq!(travels(&checked(&app, &supervisor, later).await), None);

    for op in earlier_ops {
        phone.enqueue(op).expect("enqueue");
    }
    phone.push().await.expect("push");
    assert_eq!(
        travels(&checked(&app, &supervisor, later).await),
        Some(json!(earlier_visit)),
        "the later visit is checked again against the earlier one"
    );
    assert_eq!(travels(&checked(&app, &supervisor, earlier).await), None);
}

on_both_backends!(
    a_far_visit_sent_before_the_earlier_one_is_flagged_once_the_earlier_arrives,
    flags_are_raised_on_arrival_with_evidence_and_a_risk_score,
    a_deleted_household_no_longer_raises_flags_on_others,
    a_member_brought_back_counts_again_for_others_with_its_nik,
    copied_coordinates_are_flagged_on_the_earlier_household_too,
);

/// An instance with `flags.run_checks = false` leaves visits queued; they are checked once an
/// instance that runs the checks starts on the same database.
#[tokio::test]
async fn visits_wait_for_an_instance_that_runs_the_checks() {
    let mut app = TestApp::spawn_with(Backend::Postgres, |c| c.flags.run_checks = false).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let mut phone = app.client(&worker);
    let mut rng = StdRng::seed_from_u64(5);
    let start = Utc::now() - chrono::Duration::hours(2);
    let (household, ops) = survey(
        &mut rng,
        2,
        (-2.80, 120.40),
        8.0,
        true,
        (start, start + chrono::Duration::minutes(30)),
    );
    for op in ops {
        phone.enqueue(op).expect("enqueue");
    }
    phone.push().await.expect("push");
    // A running checker takes a queued visit within about a second.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let quality: HouseholdQuality = app
        .get(
            &format!("/v1/households/{household}/flags"),
            &supervisor.token,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(quality.visits.len(), 1);
    assert_eq!(quality.visits[0].state, CheckState::Pending);
    assert_eq!(quality.visits[0].risk, None);

    app.config.flags.run_checks = true;
    app.restart().await;
    let quality = checked(&app, &supervisor, household).await;
    assert_eq!(codes(&quality), BTreeSet::from(["gps_mock"]));
}

/// The photo pipeline queues again the checks of every visit naming a photo it analysed, while
/// a check may hold one of those rows (its own). Rows locked in whatever order the plan reads
/// them deadlock with it: the check holds the first visit and wants the second, the re-queue
/// holds the second and waits for the first. Locked in visit order, the re-queue waits for the
/// first row before taking any other, and both finish.
#[tokio::test]
async fn checks_queued_again_lock_their_rows_in_visit_order() {
    let app = TestApp::spawn_with(Backend::Postgres, |c| c.flags.run_checks = false).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let mut phone = app.client(&worker);
    let mut rng = StdRng::seed_from_u64(12);
    let sha = "ab".repeat(32);
    // The later visit in visit order is recorded first: read in the order it was stored, its
    // row comes first.
    let mut ids = [Uuid::new_v4(), Uuid::new_v4()];
    ids.sort();
    let [low, high] = ids;
    let start = Utc::now() - chrono::Duration::hours(3);
    for (n, visit) in [high, low].into_iter().enumerate() {
        let from = start + chrono::Duration::minutes(60 * i64::try_from(n).unwrap());
        let (_, mut ops) = survey(
            &mut rng,
            2,
            (-2.80 + 0.01 * f64::from(u8::try_from(n).unwrap()), 120.40),
            8.0,
            false,
            (from, from + chrono::Duration::minutes(30)),
        );
        for op in &mut ops {
            if let Op::RecordVisit(v) = op {
                v.visit_id = visit;
                v.photos = vec![sync_protocol::v1::PhotoRef {
                    kind: "tampak_depan".to_owned(),
                    sha256: sha.clone(),
                }];
            }
        }
        for op in ops {
            phone.enqueue(op).expect("enqueue");
        }
    }
    phone.push().await.expect("push");

    // A check of the first visit holds its row.
    let check = app.db.begin().await.expect("begin");
    let lock = |visit: Uuid| {
        Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT visit_id FROM visit_check WHERE visit_id = $1 FOR UPDATE",
            [visit.into()],
        )
    };
    check.execute_raw(lock(low)).await.expect("lock the first");
    let db = app.db.clone();
    let requeue =
        tokio::spawn(
            async move { quality::requeue_for_photos(&db, &[sha.as_str()], Utc::now()).await },
        );
    // Until the re-queue waits for a row lock.
    let waiting = Statement::from_string(
        DbBackend::Postgres,
        "SELECT COUNT(*) AS n FROM pg_stat_activity \
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    for _ in 0..200 {
        let row = app
            .db
            .query_one_raw(waiting.clone())
            .await
            .unwrap()
            .unwrap();
        if row.try_get::<i64>("", "n").unwrap() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The check then takes the second row: free, since the re-queue waits for the first.
    check
        .execute_raw(Statement::from_string(
            DbBackend::Postgres,
            "SET LOCAL lock_timeout = '5s'",
        ))
        .await
        .unwrap();
    check
        .execute_raw(lock(high))
        .await
        .expect("the second row is not held by the re-queue");
    check.commit().await.expect("commit");
    let queued = requeue.await.unwrap().expect("the re-queue finishes too");
    assert_eq!(queued, 2, "both visits are queued again");
}
