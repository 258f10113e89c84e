//! Review end to end: supervisors decide (approve, return with notes, reject), the phone
//! hears it through pull, a fix comes back `resubmitted`; stale decisions, four eyes, conflict
//! settlement, bulk approval, the queue and a household's history.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};
use sync_protocol::client::SyncClient;
use sync_protocol::v1::office::ConflictView;
use sync_protocol::v1::{
    BulkApproveResponse, BulkOutcome, ChangeKind, ConflictTarget, DecideResponse, Decision,
    ErrorBody, ErrorCode, HouseholdHistory, HouseholdSnapshot, NoteTarget, Op, QueuePage,
    ResolveResponse, ReviewStatus, UpdateHousehold,
};
use tests::fixtures::{self, BONE_BONE, KEC_BONE_BONE, KEC_MALANGKE, LUWU_UTARA, PATTIMANG};
use tests::{Backend, TestApp, TestUser};
use uuid::Uuid;

/// A field worker's phone with one surveyed household, synced.
async fn surveyed(app: &TestApp, worker: &TestUser, area: &str, seed: u64) -> (SyncClient, Uuid) {
    let mut phone = app.client(worker);
    let mut rng = StdRng::seed_from_u64(seed);
    let (household, ops) = fixtures::survey(area, 2, &mut rng);
    for op in ops {
        phone.enqueue(op).unwrap();
    }
    phone.sync().await.unwrap();
    (phone, household)
}

fn update(phone: &SyncClient, household: Uuid, field: &str, value: Value) -> Op {
    Op::UpdateHousehold(UpdateHousehold {
        household_id: household,
        base_version: phone.base_version(household),
        fields: [(field.to_owned(), value)].into_iter().collect(),
    })
}

async fn household(app: &TestApp, user: &TestUser, id: Uuid) -> HouseholdSnapshot {
    app.get_json(&format!("/v1/households/{id}"), user).await
}

async fn decide(app: &TestApp, user: &TestUser, id: Uuid, body: Value) -> reqwest::Response {
    app.post(&format!("/v1/households/{id}/review"), &user.token, &body)
        .await
}

async fn decided(app: &TestApp, user: &TestUser, id: Uuid, body: Value) -> DecideResponse {
    let response = decide(app, user, id, body).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn error(response: reqwest::Response, status: u16) -> ErrorBody {
    assert_eq!(response.status(), status);
    response.json().await.unwrap()
}

async fn queue(app: &TestApp, user: &TestUser, query: &str) -> QueuePage {
    app.get_json(&format!("/v1/reviews/queue{query}"), user)
        .await
}

async fn a_returned_household_reaches_the_phone_and_comes_back_resubmitted_then_approved(
    backend: Backend,
) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let (mut phone, id) = surveyed(&app, &worker, PATTIMANG, 1).await;

    let waiting = queue(&app, &supervisor, "").await;
    assert_eq!(waiting.counts.pending, 1);
    let item = &waiting.items[0];
    assert_eq!(item.household_id, id);
    assert_eq!(item.review_status, ReviewStatus::Pending);
    assert_eq!(item.desa.name, "Pattimang");
    assert_eq!(item.photos, 4);
    let version = item.version;

    let returned = decided(
        &app,
        &supervisor,
        id,
        json!({
            "version": version,
            "decision": "return",
            "note": "Foto dapur buram, ulangi",
            "field_notes": [{"target": {"kind": "household", "field": "jenis_lantai"},
                             "note": "Lantai di foto bukan tanah"}],
        }),
    )
    .await;
    assert_eq!(returned.version, version + 1);
    assert_eq!(returned.review_status, ReviewStatus::Returned);
    assert!(queue(&app, &supervisor, "").await.items.is_empty());

    // The phone hears it, with the notes.
    phone.pull().await.unwrap();
    let copy = phone.server_copy(id).unwrap();
    assert_eq!(copy.review_status, ReviewStatus::Returned);
    let review = copy.review.as_ref().unwrap();
    assert_eq!(review.decision, Decision::Return);
    assert_eq!(review.note.as_deref(), Some("Foto dapur buram, ulangi"));
    assert_eq!(review.version, version);
    assert_eq!(review.decided_by, supervisor.username);
    assert_eq!(
        review.field_notes[0].target,
        NoteTarget::Household {
            field: "jenis_lantai".into()
        }
    );
    assert_eq!(phone.returned().len(), 1);

    // The worker fixes it: resubmitted, and back in the queue.
    phone
        .enqueue(update(&phone, id, "jenis_lantai", json!(2)))
        .unwrap();
    assert_eq!(
        phone.view(id).unwrap().review_status,
        ReviewStatus::Resubmitted
    );
    phone.sync().await.unwrap();
    let now = household(&app, &supervisor, id).await;
    assert_eq!(now.review_status, ReviewStatus::Resubmitted);
    assert!(phone.returned().is_empty());
    let waiting = queue(&app, &supervisor, "?status=resubmitted").await;
    assert_eq!(waiting.items.len(), 1);
    assert_eq!(waiting.counts.resubmitted, 1);

    let approved = decided(
        &app,
        &supervisor,
        id,
        json!({"version": now.version, "decision": "approve"}),
    )
    .await;
    assert_eq!(approved.review_status, ReviewStatus::Approved);
    phone.pull().await.unwrap();
    let copy = phone.server_copy(id).unwrap();
    assert_eq!(copy.review_status, ReviewStatus::Approved);
    assert_eq!(copy.review.as_ref().unwrap().decision, Decision::Approve);
    assert_eq!(app.count("review").await, 2);
}

async fn a_decision_on_a_version_no_longer_current_is_refused_with_what_changed(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let (mut phone, id) = surveyed(&app, &worker, PATTIMANG, 2).await;
    let seen = household(&app, &supervisor, id).await;
    let before = seen.fields["jenis_atap"].clone();
    let after = if before == json!(9) {
        json!(1)
    } else {
        json!(9)
    };
    phone
        .enqueue(update(&phone, id, "jenis_atap", after.clone()))
        .unwrap();
    phone.sync().await.unwrap();

    let body = error(
        decide(
            &app,
            &supervisor,
            id,
            json!({"version": seen.version, "decision": "approve"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(body.code, ErrorCode::StaleVersion);
    let stale = body.stale.unwrap();
    assert_eq!(stale.current_version, seen.version + 1);
    let change = &stale.changes[0];
    assert_eq!(change.kind, ChangeKind::Update);
    assert_eq!(change.by.as_ref().unwrap().id, worker.id);
    let atap = change
        .changes
        .iter()
        .find(|c| {
            c.target
                == ConflictTarget::Household {
                    field: "jenis_atap".into(),
                }
        })
        .unwrap();
    assert_eq!((atap.before.clone(), atap.after.clone()), (before, after));
    // Nothing stored.
    assert_eq!(app.count("review").await, 0);
    assert_eq!(
        household(&app, &supervisor, id).await.review_status,
        ReviewStatus::Pending
    );
    // A version that does not exist yet is a mistake, not a race.
    let body = error(
        decide(
            &app,
            &supervisor,
            id,
            json!({"version": seen.version + 5, "decision": "approve"}),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(body.code, ErrorCode::InvalidRequest);
}

async fn two_supervisors_deciding_at_once_leave_one_decision_and_one_refusal(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let first = app.user("supervisor", &[LUWU_UTARA]).await;
    let second = app.user("supervisor", &[KEC_MALANGKE]).await;
    let (_phone, id) = surveyed(&app, &worker, PATTIMANG, 3).await;
    let version = household(&app, &first, id).await.version;
    let (a, b) = tokio::join!(
        decide(
            &app,
            &first,
            id,
            json!({"version": version, "decision": "approve"})
        ),
        decide(
            &app,
            &second,
            id,
            json!({"version": version, "decision": "reject", "reason": "duplicate"})
        ),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(app.count("review").await, 1);
    assert_eq!(
        household(&app, &first, id).await.version,
        version + 1,
        "one decision made one version"
    );
}

async fn the_same_decision_sent_again_after_a_lost_answer_is_stored_once(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let (_phone, id) = surveyed(&app, &worker, PATTIMANG, 4).await;
    let version = household(&app, &supervisor, id).await.version;
    let body = json!({"version": version, "decision": "reject", "reason": "refused",
                      "note": "Menolak diwawancarai"});
    let first = decided(&app, &supervisor, id, body.clone()).await;
    let again = decided(&app, &supervisor, id, body).await;
    assert_eq!(first, again);
    assert_eq!(app.count("review").await, 1);
    // Another decision on the old version is a different request: refused.
    let other = decide(
        &app,
        &supervisor,
        id,
        json!({"version": version, "decision": "approve"}),
    )
    .await;
    assert_eq!(error(other, 409).await.code, ErrorCode::StaleVersion);
}

async fn a_supervisor_does_not_approve_a_household_holding_a_value_they_wrote(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let colleague = app.user("supervisor", &[LUWU_UTARA]).await;
    let (_phone, id) = surveyed(&app, &worker, PATTIMANG, 5).await;
    // The supervisor writes a note of their own through sync.
    let mut office = app.client(&supervisor);
    office.pull().await.unwrap();
    office
        .enqueue(update(
            &office,
            id,
            "catatan_supervisor",
            json!("sudah dicek"),
        ))
        .unwrap();
    office.sync().await.unwrap();
    let version = office.base_version(id);

    let approve = json!({"version": version, "decision": "approve"});
    let body = error(decide(&app, &supervisor, id, approve.clone()).await, 403).await;
    assert_eq!(body.code, ErrorCode::FourEyes);
    assert_eq!(app.count("review").await, 0);
    // Returning is not approving; a colleague approves.
    decided(&app, &colleague, id, approve).await;
}

async fn four_eyes_can_be_turned_off() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.review.four_eyes = false).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let (office, id) = surveyed(&app, &supervisor, PATTIMANG, 6).await;
    let version = office.base_version(id);
    decided(
        &app,
        &supervisor,
        id,
        json!({"version": version, "decision": "approve"}),
    )
    .await;
}

async fn a_settled_conflict_is_a_supervisors_edit_that_both_phones_pull(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let andi = app.user("enumerator", &[KEC_MALANGKE]).await;
    let budi = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let (mut a, id) = surveyed(&app, &andi, PATTIMANG, 7).await;
    let mut b = app.client(&budi);
    b.pull().await.unwrap();
    let current = a.server_copy(id).unwrap().fields["jenis_atap"].clone();
    let mut values = [json!(4), json!(8), json!(2)]
        .into_iter()
        .filter(|v| *v != current);
    let (mine, theirs) = (values.next().unwrap(), values.next().unwrap());
    a.enqueue(update(&a, id, "jenis_atap", mine.clone()))
        .unwrap();
    b.enqueue(update(&b, id, "jenis_atap", theirs.clone()))
        .unwrap();
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    let conflicts: Vec<ConflictView> = app
        .get_json(&format!("/v1/conflicts?household_id={id}"), &supervisor)
        .await;
    assert_eq!(conflicts.len(), 1);
    let conflict = &conflicts[0];
    assert_eq!(
        (
            conflict.stored_value.clone(),
            conflict.incoming_value.clone()
        ),
        (mine.clone(), theirs)
    );
    let version = household(&app, &supervisor, id).await.version;

    // Keeping Andi's value, which the later edit replaced.
    let response = app
        .post(
            &format!("/v1/conflicts/{}/resolve", conflict.id),
            &supervisor.token,
            &json!({"version": version, "keep": "stored"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let settled: ResolveResponse = response.json().await.unwrap();
    assert_eq!(settled.household_version, version + 1);
    assert_eq!(settled.resolution.value, mine);
    assert_eq!(settled.resolution.by.id, supervisor.id);
    let open: Vec<ConflictView> = app.get_json("/v1/conflicts", &supervisor).await;
    assert!(open.is_empty());
    // Settling it again is refused.
    let again = app
        .post(
            &format!("/v1/conflicts/{}/resolve", conflict.id),
            &supervisor.token,
            &json!({"version": version + 1, "keep": "incoming"}),
        )
        .await;
    assert_eq!(error(again, 409).await.code, ErrorCode::ConflictResolved);

    for phone in [&mut a, &mut b] {
        phone.pull().await.unwrap();
        let copy = phone.server_copy(id).unwrap();
        assert_eq!(copy.fields["jenis_atap"], mine);
        assert_eq!(copy.version, version + 1);
    }
    let history: HouseholdHistory = app
        .get_json(&format!("/v1/households/{id}/history"), &supervisor)
        .await;
    let last = history.versions.last().unwrap();
    assert_eq!(last.kind, ChangeKind::Resolve);
    assert_eq!(last.conflict_id, Some(conflict.id));
    assert_eq!(
        history.conflicts[0].resolution.as_ref().unwrap().value,
        mine
    );
}

async fn a_conflict_is_settled_with_a_value_of_the_supervisors_own_or_cleared(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let andi = app.user("enumerator", &[KEC_MALANGKE]).await;
    let budi = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let (mut a, id) = surveyed(&app, &andi, PATTIMANG, 70).await;
    let mut b = app.client(&budi);
    b.pull().await.unwrap();
    for (phone, rt) in [(&mut a, "001"), (&mut b, "002")] {
        phone.enqueue(update(phone, id, "rt", json!(rt))).unwrap();
        phone.push().await.unwrap();
    }
    let conflicts: Vec<ConflictView> = app
        .get_json(&format!("/v1/conflicts?household_id={id}"), &supervisor)
        .await;
    let version = household(&app, &supervisor, id).await.version;
    let settle = |body: Value| {
        let path = format!("/v1/conflicts/{}/resolve", conflicts[0].id);
        let token = supervisor.token.clone();
        let app = &app;
        async move { app.post(&path, &token, &body).await }
    };
    // A value the form refuses is refused, and nothing is stored.
    let refused =
        settle(json!({"version": version, "keep": "value", "value": "terlalu panjang"})).await;
    assert_eq!(error(refused, 400).await.code, ErrorCode::InvalidRequest);
    // `null` is a value: it clears the answer.
    let cleared = settle(json!({"version": version, "keep": "value", "value": null})).await;
    assert_eq!(cleared.status(), 200);
    let settled: ResolveResponse = cleared.json().await.unwrap();
    assert_eq!(settled.resolution.value, Value::Null);
    let now = household(&app, &supervisor, id).await;
    assert_eq!(now.version, version + 1);
    assert!(!now.fields.contains_key("rt"), "{:?}", now.fields.get("rt"));
}

/// A visit of `household` as a phone records it (answers, a fix, photo hashes).
fn another_visit(household: Uuid, seed: u64) -> Op {
    let mut rng = StdRng::seed_from_u64(seed);
    let (_, ops) = fixtures::survey(PATTIMANG, 0, &mut rng);
    let Some(Op::RecordVisit(mut visit)) = ops.into_iter().last() else {
        panic!("a survey ends with its visit");
    };
    visit.household_id = household;
    visit.visit_id = Uuid::new_v4();
    Op::RecordVisit(visit)
}

async fn a_new_visit_sends_a_decided_household_back_and_a_supervisors_edit_keeps_a_return(
    backend: Backend,
) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let (mut phone, id) = surveyed(&app, &worker, PATTIMANG, 80).await;
    let seen = household(&app, &supervisor, id).await.version;
    decided(
        &app,
        &supervisor,
        id,
        json!({"version": seen, "decision": "approve"}),
    )
    .await;
    // A visit after the approval: the household waits again, at its next version.
    phone.enqueue(another_visit(id, 81)).unwrap();
    phone.sync().await.unwrap();
    let now = household(&app, &supervisor, id).await;
    assert_eq!(
        (now.version, now.review_status),
        (seen + 2, ReviewStatus::Pending)
    );
    // A decision on the version before the visit did not see it.
    let stale = error(
        decide(
            &app,
            &supervisor,
            id,
            json!({"version": seen + 1, "decision": "approve"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(stale.stale.unwrap().changes[0].kind, ChangeKind::Visit);
    // A return stays a return when the supervisor writes a note of their own.
    decided(
        &app,
        &supervisor,
        id,
        json!({"version": now.version, "decision": "return", "note": "Ulangi foto dapur"}),
    )
    .await;
    let mut office = app.client(&supervisor);
    office.pull().await.unwrap();
    office
        .enqueue(update(
            &office,
            id,
            "catatan_supervisor",
            json!("tunggu foto baru"),
        ))
        .unwrap();
    office.sync().await.unwrap();
    assert_eq!(
        household(&app, &supervisor, id).await.review_status,
        ReviewStatus::Returned
    );
}

async fn a_bulk_approval_answers_each_household_on_its_own(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let elsewhere = app.user("enumerator", &[KEC_BONE_BONE]).await;
    let supervisor = app.user("supervisor", &[KEC_MALANGKE]).await;
    let (mut phone, good) = surveyed(&app, &worker, PATTIMANG, 8).await;
    let (_, changed) = surveyed(&app, &worker, PATTIMANG, 9).await;
    let (_, foreign) = surveyed(&app, &elsewhere, BONE_BONE, 10).await;
    phone.pull().await.unwrap();
    let waiting = queue(&app, &supervisor, "").await;
    assert_eq!(
        waiting.items.len(),
        2,
        "the other kecamatan's is not listed"
    );
    let version = |id: Uuid| {
        waiting
            .items
            .iter()
            .find(|i| i.household_id == id)
            .unwrap()
            .version
    };
    let (v_good, v_changed) = (version(good), version(changed));
    phone
        .enqueue(update(&phone, changed, "jenis_atap", json!(2)))
        .unwrap();
    phone.sync().await.unwrap();

    let response = app
        .post(
            "/v1/reviews/approve",
            &supervisor.token,
            &json!({"items": [
                {"household_id": changed, "version": v_changed},
                {"household_id": foreign, "version": 1},
                {"household_id": good, "version": v_good},
            ]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let answer: BulkApproveResponse = response.json().await.unwrap();
    let outcomes: Vec<(Uuid, BulkOutcome)> = answer
        .results
        .iter()
        .map(|r| (r.household_id, r.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            (changed, BulkOutcome::StaleVersion),
            (foreign, BulkOutcome::NotFound),
            (good, BulkOutcome::Approved),
        ]
    );
    assert_eq!(answer.results[0].version, Some(v_changed + 1));
    assert_eq!(app.count("review").await, 1);
    assert_eq!(
        household(&app, &supervisor, good).await.review_status,
        ReviewStatus::Approved
    );
    assert_eq!(
        household(&app, &supervisor, changed).await.review_status,
        ReviewStatus::Pending
    );
}

async fn the_queue_puts_the_riskiest_first_filters_and_pages(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let mut ids = Vec::new();
    for seed in 20..23 {
        ids.push(surveyed(&app, &worker, PATTIMANG, seed).await.1);
    }
    // A fourth whose visit reports a mock location: flagged, so riskier.
    let mut phone = app.client(&worker);
    let mut rng = StdRng::seed_from_u64(23);
    let (risky, mut ops) = fixtures::survey(PATTIMANG, 1, &mut rng);
    if let Some(Op::RecordVisit(visit)) = ops.last_mut() {
        visit.gps.as_mut().unwrap().mock = true;
    }
    for op in ops {
        phone.enqueue(op).unwrap();
    }
    phone.sync().await.unwrap();
    app.checked_flags(&supervisor, risky).await;
    // The queue's risk follows the check; wait until it shows.
    let mut page = queue(&app, &supervisor, "").await;
    for _ in 0..100 {
        if page.items[0].risk > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        page = queue(&app, &supervisor, "").await;
    }
    assert_eq!(page.items[0].household_id, risky);
    assert!(page.items[0].flags.contains(&"gps_mock".to_owned()));
    assert_eq!(page.counts.pending, 4);

    let flagged = queue(&app, &supervisor, "?flag=gps_mock").await;
    assert_eq!(flagged.items.len(), 1);
    let elsewhere = queue(&app, &supervisor, &format!("?area={KEC_BONE_BONE}")).await;
    assert!(elsewhere.items.is_empty());
    assert!(
        queue(&app, &supervisor, "?overdue=true")
            .await
            .items
            .is_empty()
    );

    // Two at a time, by age: every household once, in the order they arrived.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            None => "?order=age&limit=2".to_owned(),
            Some(c) => format!("?order=age&limit=2&cursor={c}"),
        };
        let page = queue(&app, &supervisor, &query).await;
        seen.extend(page.items.iter().map(|i| i.household_id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    ids.push(risky);
    assert_eq!(seen, ids);
}

async fn a_household_waiting_longer_than_the_due_days_is_overdue(backend: Backend) {
    // The analyst below reads a desa of two households: no disclosure rule here.
    let app = TestApp::spawn_with(backend, |c| {
        c.review.due_days = 1;
        c.privacy.min_cell = 1;
    })
    .await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let analyst = app.user("analyst", &[LUWU_UTARA]).await;
    let (_phone, id) = surveyed(&app, &worker, PATTIMANG, 30).await;
    let (_phone, _) = surveyed(&app, &worker, PATTIMANG, 31).await;
    // Two days waiting, as if it had been surveyed then.
    let two_days_ago = chrono::Utc::now() - chrono::Duration::days(2);
    sea_orm::ConnectionTrait::execute_raw(
        &app.db,
        sea_orm::Statement::from_sql_and_values(
            app.db.get_database_backend(),
            "UPDATE household SET review_since = $1 WHERE id = $2",
            [two_days_ago.into(), id.into()],
        ),
    )
    .await
    .unwrap();
    let overdue = queue(&app, &supervisor, "?overdue=true").await;
    assert_eq!(overdue.items.len(), 1);
    assert!(overdue.items[0].overdue);
    assert_eq!(overdue.items[0].waiting_days, 2);
    assert_eq!(queue(&app, &supervisor, "").await.counts.overdue, 1);
    // Indicators count it, for analysts too.
    let indicators: sync_protocol::v1::office::IndicatorsResponse = app
        .get_json(
            &format!("/v1/indicators?area={KEC_MALANGKE}&level=desa"),
            &analyst,
        )
        .await;
    let pattimang = indicators
        .areas
        .iter()
        .find(|a| a.code == PATTIMANG)
        .unwrap();
    assert_eq!(pattimang.review.pending, 2);
    assert_eq!(pattimang.review.overdue, 1);
}

async fn a_households_history_lists_its_versions_decisions_and_conflicts(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let (mut phone, id) = surveyed(&app, &worker, PATTIMANG, 40).await;
    let version = phone.base_version(id);
    decided(
        &app,
        &supervisor,
        id,
        json!({"version": version, "decision": "return", "note": "Cek ulang jumlah anggota"}),
    )
    .await;
    phone.pull().await.unwrap();
    phone
        .enqueue(update(&phone, id, "rt", json!("007")))
        .unwrap();
    phone.sync().await.unwrap();

    let history: HouseholdHistory = app
        .get_json(&format!("/v1/households/{id}/history"), &supervisor)
        .await;
    assert_eq!(history.review_status, ReviewStatus::Resubmitted);
    let kinds: Vec<ChangeKind> = history.versions.iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds,
        [
            ChangeKind::Create,
            ChangeKind::PutFamily,
            ChangeKind::AddMember,
            ChangeKind::AddMember,
            ChangeKind::Visit,
            ChangeKind::Review,
            ChangeKind::Update,
        ]
    );
    let versions: Vec<i64> = history.versions.iter().map(|v| v.version).collect();
    assert_eq!(versions, (1..=7).collect::<Vec<_>>());
    assert!(history.versions[4].visit_id.is_some());
    let review = &history.versions[5];
    assert_eq!(review.by.as_ref().unwrap().id, supervisor.id);
    assert_eq!(review.review_id, Some(history.reviews[0].id));
    let fix = &history.versions[6];
    let changed: Vec<(&ConflictTarget, &Value, &Value)> = fix
        .changes
        .iter()
        .map(|c| (&c.target, &c.before, &c.after))
        .collect();
    assert!(changed.contains(&(
        &ConflictTarget::Household {
            field: "@review".into()
        },
        &json!("returned"),
        &json!("resubmitted")
    )));
    assert!(changed.iter().any(|(t, _, after)| **t
        == ConflictTarget::Household { field: "rt".into() }
        && **after == json!("007")));
}

async fn bad_review_requests_get_their_documented_error_and_store_nothing(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let (_phone, id) = surveyed(&app, &worker, PATTIMANG, 50).await;
    let version = household(&app, &supervisor, id).await.version;
    let member = household(&app, &supervisor, id).await.members[0].id;
    let cases = [
        json!({"version": version, "decision": "maybe"}),
        json!({"version": version, "decision": "return"}),
        json!({"version": version, "decision": "return", "note": "   "}),
        json!({"version": version, "decision": "reject"}),
        json!({"version": version, "decision": "approve", "reason": "duplicate"}),
        json!({"version": version, "decision": "approve",
               "field_notes": [{"target": {"kind": "household", "field": "rt"}, "note": "x"}]}),
        json!({"version": version, "decision": "return", "note": "cek",
               "field_notes": [{"target": {"kind": "household", "field": "tidak_ada"}, "note": "x"}]}),
        json!({"version": version, "decision": "return", "note": "cek",
               "field_notes": [{"target": {"kind": "member", "member_id": Uuid::new_v4()}, "note": "x"}]}),
        json!({"version": version, "decision": "return", "note": "cek",
               "field_notes": [{"target": {"kind": "member", "member_id": member, "field": "bukan"}, "note": "x"}]}),
        json!({"version": version, "decision": "return", "note": "cek",
               "field_notes": [{"target": {"kind": "photo", "sha256": "ab"}, "note": "x"}]}),
        json!({"version": version + 9, "decision": "approve"}),
        json!({"version": 0, "decision": "approve"}),
        json!({"decision": "approve"}),
    ];
    for case in cases {
        let body = error(decide(&app, &supervisor, id, case.clone()).await, 400).await;
        assert_eq!(body.code, ErrorCode::InvalidRequest, "{case}");
    }
    let unknown = decide(
        &app,
        &supervisor,
        Uuid::new_v4(),
        json!({"version": 1, "decision": "approve"}),
    )
    .await;
    assert_eq!(error(unknown, 404).await.code, ErrorCode::NotFound);
    for (path, body) in [
        (
            format!("/v1/conflicts/{}/resolve", Uuid::new_v4()),
            json!({"version": 1, "keep": "stored"}),
        ),
        ("/v1/reviews/approve".to_owned(), json!({"items": []})),
        (
            "/v1/reviews/approve".to_owned(),
            json!({"items": [{"household_id": id, "version": version},
                             {"household_id": id, "version": version}]}),
        ),
    ] {
        let response = app.post(&path, &supervisor.token, &body).await;
        assert!(
            [400, 404].contains(&response.status().as_u16()),
            "{path} {body}"
        );
    }
    for query in [
        "?status=approved",
        "?limit=0",
        "?order=acak",
        "?cursor=xyz",
        "?area=abc",
    ] {
        let response = app
            .get(&format!("/v1/reviews/queue{query}"), &supervisor.token)
            .await;
        assert_eq!(response.status(), 400, "{query}");
    }
    let outside = app
        .get(
            &format!("/v1/reviews/queue?area={KEC_BONE_BONE}"),
            &worker.token,
        )
        .await;
    assert_eq!(outside.status(), 403);
    assert_eq!(app.count("review").await, 0);
    let now = household(&app, &supervisor, id).await;
    assert_eq!(
        (now.version, now.review_status),
        (version, ReviewStatus::Pending)
    );
}

async fn only_supervisors_and_admins_in_scope_decide(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let analyst = app.user("analyst", &[LUWU_UTARA]).await;
    let other_supervisor = app.user("supervisor", &[KEC_BONE_BONE]).await;
    let admin = app.user("admin", &[LUWU_UTARA]).await;
    let (_phone, id) = surveyed(&app, &worker, PATTIMANG, 60).await;
    let version = household(&app, &admin, id).await.version;
    let approve = json!({"version": version, "decision": "approve"});
    let calls = |user: &TestUser| {
        let token = user.token.clone();
        let approve = approve.clone();
        let app = &app;
        async move {
            vec![
                app.post(&format!("/v1/households/{id}/review"), &token, &approve)
                    .await
                    .status()
                    .as_u16(),
                app.post(
                    "/v1/reviews/approve",
                    &token,
                    &json!({"items": [{"household_id": id, "version": version}]}),
                )
                .await
                .status()
                .as_u16(),
                app.get("/v1/reviews/queue", &token).await.status().as_u16(),
                app.get(&format!("/v1/households/{id}/history"), &token)
                    .await
                    .status()
                    .as_u16(),
                app.post(
                    &format!("/v1/conflicts/{}/resolve", Uuid::new_v4()),
                    &token,
                    &json!({"version": version, "keep": "stored"}),
                )
                .await
                .status()
                .as_u16(),
            ]
        }
    };
    assert_eq!(calls(&worker).await, [403; 5]);
    assert_eq!(calls(&analyst).await, [403; 5]);
    // Another kecamatan's supervisor: the household is not theirs to see.
    let theirs = calls(&other_supervisor).await;
    assert_eq!(theirs[0], 404);
    let bulk: BulkApproveResponse = app
        .post(
            "/v1/reviews/approve",
            &other_supervisor.token,
            &json!({"items": [{"household_id": id, "version": version}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bulk.results[0].outcome, BulkOutcome::NotFound);
    assert_eq!(theirs[2], 200);
    assert_eq!(theirs[3], 404);
    assert_eq!(app.count("review").await, 0);
    // The admin of the kabupaten decides.
    assert_eq!(
        decide(&app, &admin, id, approve.clone()).await.status(),
        200
    );
}

on_both_backends!(
    a_returned_household_reaches_the_phone_and_comes_back_resubmitted_then_approved,
    a_decision_on_a_version_no_longer_current_is_refused_with_what_changed,
    two_supervisors_deciding_at_once_leave_one_decision_and_one_refusal,
    the_same_decision_sent_again_after_a_lost_answer_is_stored_once,
    a_supervisor_does_not_approve_a_household_holding_a_value_they_wrote,
    a_settled_conflict_is_a_supervisors_edit_that_both_phones_pull,
    a_conflict_is_settled_with_a_value_of_the_supervisors_own_or_cleared,
    a_new_visit_sends_a_decided_household_back_and_a_supervisors_edit_keeps_a_return,
    a_bulk_approval_answers_each_household_on_its_own,
    the_queue_puts_the_riskiest_first_filters_and_pages,
    a_household_waiting_longer_than_the_due_days_is_overdue,
    a_households_history_lists_its_versions_decisions_and_conflicts,
    bad_review_requests_get_their_documented_error_and_store_nothing,
    only_supervisors_and_admins_in_scope_decide,
);

#[tokio::test]
async fn four_eyes_can_be_turned_off_in_the_configuration() {
    four_eyes_can_be_turned_off().await;
}
