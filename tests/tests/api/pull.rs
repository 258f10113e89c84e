//! Pull: pages, cursors, scopes, REMOVE and reset.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};
use sync_protocol::v1::{Change, MoveHousehold, Op, PullResponse, ResetReason};
use tests::fixtures::{
    self, BONE_BONE, KEC_BONE_BONE, KEC_MALANGKE, LUWU_UTARA, MALANGKE, PATTIMANG,
};
use tests::{Backend, TestApp};
use uuid::Uuid;

async fn pull_pages_through_the_users_scope_and_nothing_else(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let mut office = app.client(&supervisor);
    let mut rng = StdRng::seed_from_u64(20);
    let mut inside = Vec::new();
    for i in 0..5 {
        let id = Uuid::new_v4();
        office
            .enqueue(fixtures::create_household(
                id,
                if i % 2 == 0 { PATTIMANG } else { MALANGKE },
                &mut rng,
            ))
            .unwrap();
        inside.push(id);
    }
    office
        .enqueue(fixtures::create_household(
            Uuid::new_v4(),
            BONE_BONE,
            &mut rng,
        ))
        .unwrap();
    office.push().await.unwrap();

    let mut cursor: Option<String> = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let url = match &cursor {
            Some(c) => format!("/v1/sync/pull?limit=2&cursor={c}"),
            None => "/v1/sync/pull?limit=2".to_owned(),
        };
        let page: PullResponse = app.get(&url, &worker.token).await.json().await.unwrap();
        pages += 1;
        for change in page.changes {
            match change {
                Change::Put { household } => seen.push(household.id),
                Change::Remove { .. } => panic!("nothing left the scope"),
            }
        }
        cursor = Some(page.cursor);
        if !page.has_more {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen, inside,
        "every household of the scope, in server order, and only those"
    );

    let again: PullResponse = app
        .get(
            &format!("/v1/sync/pull?cursor={}", cursor.unwrap()),
            &worker.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(again.changes.is_empty() && !again.has_more);
}

async fn a_household_moved_out_of_the_scope_arrives_as_remove(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let (mut phone, mut office) = (app.client(&worker), app.client(&supervisor));
    let mut rng = StdRng::seed_from_u64(21);
    let household = Uuid::new_v4();
    phone
        .enqueue(fixtures::create_household(household, PATTIMANG, &mut rng))
        .unwrap();
    phone.sync().await.unwrap();
    office.pull().await.unwrap();
    assert!(phone.server_copy(household).is_some());

    office
        .enqueue(Op::MoveHousehold(MoveHousehold {
            household_id: household,
            base_version: 1,
            area_code: BONE_BONE.into(),
        }))
        .unwrap();
    office.sync().await.unwrap();
    assert_eq!(office.server_copy(household).unwrap().area_code, BONE_BONE);

    let before = phone.state().cursor.clone().unwrap();
    let page: PullResponse = app
        .get(&format!("/v1/sync/pull?cursor={before}"), &worker.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        page.changes,
        vec![Change::Remove {
            household_id: household
        }]
    );
    phone.pull().await.unwrap();
    assert!(phone.server_copy(household).is_none());
}

async fn a_scope_change_answers_reset_and_the_client_starts_over_without_losing_its_outbox(
    backend: Backend,
) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let admin = app.user("admin", &[LUWU_UTARA]).await;
    let mut phone = app.client(&worker);
    let mut rng = StdRng::seed_from_u64(22);
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    phone
        .enqueue(fixtures::create_household(a, PATTIMANG, &mut rng))
        .unwrap();
    phone.sync().await.unwrap();
    let old_cursor = phone.state().cursor.clone().unwrap();

    let response = app
        .http
        .put(app.url(&format!("/v1/users/{}/areas", worker.id)))
        .bearer_auth(&admin.token)
        .json(&json!({ "areas": [KEC_MALANGKE, KEC_BONE_BONE] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let page: PullResponse = app
        .get(&format!("/v1/sync/pull?cursor={old_cursor}"), &worker.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(page.reset).unwrap(),
        json!("scope_changed")
    );
    assert!(page.changes.is_empty());

    // Unsent work survives the reset: the client pushes before it starts over.
    phone
        .enqueue(fixtures::create_household(b, BONE_BONE, &mut rng))
        .unwrap();
    phone.pull().await.unwrap();
    assert_eq!(phone.pending(), 0);
    let ids: Vec<Uuid> = phone.state().households.keys().copied().collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&a) && ids.contains(&b));
}

async fn a_cursor_of_another_user_or_garbage_is_refused(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let a = app.user("enumerator", &[KEC_MALANGKE]).await;
    let b = app.user("enumerator", &[KEC_MALANGKE]).await;
    let page: PullResponse = app
        .get("/v1/sync/pull", &a.token)
        .await
        .json()
        .await
        .unwrap();
    for cursor in [page.cursor.as_str(), "garbage"] {
        let response = app
            .get(&format!("/v1/sync/pull?cursor={cursor}"), &b.token)
            .await;
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "invalid_cursor");
    }
    let bad_limit = app.get("/v1/sync/pull?limit=0", &a.token).await;
    assert_eq!(bad_limit.status(), 400);
}

on_both_backends!(
    pull_pages_through_the_users_scope_and_nothing_else,
    a_household_moved_out_of_the_scope_arrives_as_remove,
    a_scope_change_answers_reset_and_the_client_starts_over_without_losing_its_outbox,
    a_cursor_of_another_user_or_garbage_is_refused,
);

/// After a restore (`ekemiskinan restore`, or `mark-restored` after PostgreSQL's own), a
/// cursor from before is answered with a reset naming the restore, never read as a position in
/// the restored log; each restore starts a new epoch, so a cursor of the first restore's is
/// reset by the second too.
async fn a_cursor_from_before_a_restore_is_reset(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let pull = |cursor: Option<String>| {
        let app = &app;
        let token = worker.token.clone();
        async move {
            let query = cursor.map(|c| format!("?cursor={c}")).unwrap_or_default();
            let page: PullResponse = app
                .get(&format!("/v1/sync/pull{query}"), &token)
                .await
                .json()
                .await
                .unwrap();
            page
        }
    };
    let before = pull(None).await;
    assert_eq!(before.reset, None);
    assert_eq!(pull(Some(before.cursor.clone())).await.reset, None);

    ekemiskinan::store::epoch::renew(&app.db, chrono::Utc::now())
        .await
        .unwrap();
    let first = pull(Some(before.cursor.clone())).await;
    assert_eq!(first.reset, Some(ResetReason::ServerRestored));
    assert!(first.changes.is_empty());
    let fresh = pull(Some(first.cursor.clone())).await;
    assert_eq!(fresh.reset, None);

    ekemiskinan::store::epoch::renew(&app.db, chrono::Utc::now())
        .await
        .unwrap();
    let second = pull(Some(fresh.cursor)).await;
    assert_eq!(second.reset, Some(ResetReason::ServerRestored));
}

on_both_backends!(a_cursor_from_before_a_restore_is_reset);
