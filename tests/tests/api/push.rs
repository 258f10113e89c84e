use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};
use sync_protocol::v1::{Op, PushResponse, ReceiptStatus, RejectCode, UpdateHousehold};
use tests::fixtures::{self, BONE_BONE, KEC_MALANGKE, PATTIMANG};
use tests::wire::{mutation, numbered, push_body, to_value};
use tests::{Backend, TestApp};
use uuid::Uuid;

async fn a_survey_is_applied_once_and_a_replay_returns_the_stored_receipts(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(1);
    let (household, ops) = fixtures::survey(PATTIMANG, 4, &mut rng);
    let mutations = numbered(device, ops);
    let body = push_body(device, &mutations);

    let first: PushResponse = app
        .post("/v1/sync/push", &user.token, &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first.receipts.len(), 7);
    assert!(
        first
            .receipts
            .iter()
            .all(|r| r.status == ReceiptStatus::Applied),
        "{:?}",
        first.receipts
    );
    assert_eq!(first.next_seq, 8);
    assert_eq!(
        first.receipts[5].household_version,
        Some(6),
        "create, family and 4 members"
    );

    let replay: PushResponse = app
        .post("/v1/sync/push", &user.token, &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        replay.receipts, first.receipts,
        "a replay answers with the stored receipts"
    );
    assert_eq!(replay.next_seq, 8);

    assert_eq!(app.count("receipt").await, 7);
    assert_eq!(app.count("member").await, 4);
    assert_eq!(app.count("visit").await, 1);
    // Every mutation made a version, the visit too.
    assert_eq!(app.count("sync_change").await, 7);
    assert_eq!(
        app.count(&format!(
            "household WHERE version = 7 AND id = '{household}'"
        ))
        .await,
        i64::from(backend == Backend::Postgres)
    );
}

on_both_backends!(a_survey_is_applied_once_and_a_replay_returns_the_stored_receipts);

async fn a_member_id_already_taken_is_rejected_and_the_first_member_kept(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(4);
    let (_, mut ops) = fixtures::survey(PATTIMANG, 1, &mut rng);
    ops.pop(); // the visit
    let Op::AddMember(first) = &ops[2] else {
        panic!("the survey's third op adds its member")
    };
    let mut again = first.clone();
    again
        .fields
        .insert("nik".to_owned(), json!("7322000000000001"));
    ops.push(Op::AddMember(again));
    let mutations = numbered(device, ops);
    let response: PushResponse = app
        .post("/v1/sync/push", &user.token, &push_body(device, &mutations))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(response.receipts[2].status, ReceiptStatus::Applied);
    assert_eq!(response.receipts[3].status, ReceiptStatus::Rejected);
    let rejection = response.receipts[3].rejection.as_ref().unwrap();
    assert_eq!(rejection.code, RejectCode::MemberAlreadyExists);
    assert_eq!(response.next_seq, 5);
    assert_eq!(app.count("member").await, 1);
    assert_eq!(app.count("member WHERE nik = '7322000000000001'").await, 0);
    assert_eq!(
        app.count("household WHERE version = 3").await,
        1,
        "the rejected member wrote nothing"
    );
}

on_both_backends!(a_member_id_already_taken_is_rejected_and_the_first_member_kept);

#[tokio::test]
async fn a_device_clock_off_by_minutes_is_recorded_and_kept_by_pushes_that_say_no_time() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(5);
    let (_, ops) = fixtures::survey(PATTIMANG, 1, &mut rng);
    let mutations = numbered(device, ops);
    let ahead = chrono::Utc::now() + chrono::Duration::minutes(10);
    let mut first = push_body(device, &mutations[..1]);
    first["sent_at"] = json!(ahead);
    let second = push_body(device, &mutations[1..2]);
    for body in [first, second] {
        let response: PushResponse = app
            .post("/v1/sync/push", &user.token, &body)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(response.receipts[0].status, ReceiptStatus::Applied);
    }
    assert_eq!(
        app.count("device WHERE last_seq = 2 AND clock_skew_ms > 590000")
            .await,
        1
    );
    assert_eq!(
        app.count("audit_log WHERE action = 'device.clock_skew'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_push_that_skips_a_seq_is_answered_with_the_expected_seq_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(2);
    let op = fixtures::create_household(Uuid::new_v4(), PATTIMANG, &mut rng);
    let body = push_body(device, &[to_value(&mutation(3, device, op))]);
    let response = app.post("/v1/sync/push", &user.token, &body).await;
    assert_eq!(response.status(), 409);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["code"], "sequence_gap");
    assert_eq!(error["expected_seq"], 1);
    assert_eq!(app.count("household").await, 0);
    assert_eq!(app.count("receipt").await, 0);
}

#[tokio::test]
async fn a_poison_mutation_gets_a_stored_rejection_and_does_not_block_the_queue() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(3);
    let poison = json!({ "seq": 1, "hlc": { "wall_ms": 1, "counter": 0, "node": "x" },
        "op": "create_household", "household_id": "bukan-uuid" });
    let good = to_value(&mutation(
        2,
        device,
        fixtures::create_household(Uuid::new_v4(), PATTIMANG, &mut rng),
    ));
    let response: PushResponse = app
        .post(
            "/v1/sync/push",
            &user.token,
            &push_body(device, &[poison, good]),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(response.receipts[0].status, ReceiptStatus::Rejected);
    let rejection = response.receipts[0].rejection.as_ref().unwrap();
    assert_eq!(rejection.code, RejectCode::MalformedMutation);
    assert_eq!(rejection.fields[0].field, "household_id");
    assert_eq!(response.receipts[1].status, ReceiptStatus::Applied);
    assert_eq!(response.next_seq, 3);
    assert_eq!(app.count("household").await, 1);
    assert_eq!(app.count("receipt WHERE status = 'rejected'").await, 1);
}

#[tokio::test]
async fn a_device_registered_to_another_user_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let owner = app.user("enumerator", &[KEC_MALANGKE]).await;
    let other = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(4);
    let first = to_value(&mutation(
        1,
        device,
        fixtures::create_household(Uuid::new_v4(), PATTIMANG, &mut rng),
    ));
    assert_eq!(
        app.post("/v1/sync/push", &owner.token, &push_body(device, &[first]))
            .await
            .status(),
        200
    );

    let second = to_value(&mutation(
        2,
        device,
        fixtures::create_household(Uuid::new_v4(), PATTIMANG, &mut rng),
    ));
    let response = app
        .post("/v1/sync/push", &other.token, &push_body(device, &[second]))
        .await;
    assert_eq!(response.status(), 403);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["code"], "device_belongs_to_another_user");
    assert_eq!(app.count("household").await, 1);
    assert_eq!(app.count("receipt").await, 1);
}

#[tokio::test]
async fn a_household_outside_the_users_areas_is_rejected_and_not_stored() {
    let app = TestApp::spawn().await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(5);
    let household = Uuid::new_v4();
    let op = fixtures::create_household(household, BONE_BONE, &mut rng);
    let response: PushResponse = app
        .post(
            "/v1/sync/push",
            &user.token,
            &push_body(device, &[to_value(&mutation(1, device, op))]),
        )
        .await
        .json()
        .await
        .unwrap();
    let rejection = response.receipts[0].rejection.as_ref().expect("rejected");
    assert_eq!(rejection.code, RejectCode::AreaOutOfScope);
    assert_eq!(app.count("household").await, 0);

    // An edit of a household the user cannot see is refused the same way.
    let supervisor = app.user("supervisor", &["73.22"]).await;
    let sup_device = Uuid::new_v4();
    let create = to_value(&mutation(
        1,
        sup_device,
        fixtures::create_household(household, BONE_BONE, &mut rng),
    ));
    app.post(
        "/v1/sync/push",
        &supervisor.token,
        &push_body(sup_device, &[create]),
    )
    .await;
    let edit = Op::UpdateHousehold(UpdateHousehold {
        household_id: household,
        base_version: 1,
        fields: [("rt".to_owned(), json!("001"))].into(),
    });
    let response: PushResponse = app
        .post(
            "/v1/sync/push",
            &user.token,
            &push_body(device, &[to_value(&mutation(2, device, edit))]),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        response.receipts[0].rejection.as_ref().unwrap().code,
        RejectCode::AreaOutOfScope
    );
    assert_eq!(app.count("household WHERE version = 1").await, 1);
}
