//! Conflict resolution end to end: two phones, one server, the merge rules of PROTOCOL.md.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};
use sync_protocol::client::SyncClient;
use sync_protocol::v1::office::ConflictView;
use sync_protocol::v1::{
    AddMember, ConflictTarget, DeleteHousehold, FieldErrorCode, Fields, Kept, MoveHousehold, Op,
    PutFamily, ReceiptStatus, RejectCode, RemoveMember, UpdateHousehold, UpdateMember,
};
use tests::fixtures::{self, BONE_BONE, KEC_BONE_BONE, KEC_MALANGKE, LUWU_UTARA, PATTIMANG};
use tests::{Backend, TestApp, TestUser};
use uuid::Uuid;

fn fields(pairs: &[(&str, Value)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn update(client: &SyncClient, household: Uuid, pairs: &[(&str, Value)]) -> Op {
    Op::UpdateHousehold(UpdateHousehold {
        household_id: household,
        base_version: client.base_version(household),
        fields: fields(pairs),
    })
}

/// One household created by `a` and pulled by every phone.
/// One household created by the first phone and pulled by every phone.
async fn shared_household(phones: &mut [&mut SyncClient]) -> Uuid {
    let mut rng = StdRng::seed_from_u64(7);
    let household = Uuid::new_v4();
    phones[0]
        .enqueue(fixtures::create_household(household, PATTIMANG, &mut rng))
        .unwrap();
    for phone in phones.iter_mut() {
        phone.sync().await.unwrap();
        assert_eq!(phone.base_version(household), 1);
    }
    household
}

/// Two field workers of kecamatan Malangke, each with a phone, and a household both pulled.
struct TwoPhones {
    app: TestApp,
    a_user: TestUser,
    b_user: TestUser,
    a: SyncClient,
    b: SyncClient,
    household: Uuid,
}

async fn two_phones(backend: Backend) -> TwoPhones {
    let app = TestApp::spawn_on(backend).await;
    let a_user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let b_user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (mut a, mut b) = (app.client(&a_user), app.client(&b_user));
    let household = shared_household(&mut [&mut a, &mut b]).await;
    TwoPhones {
        app,
        a_user,
        b_user,
        a,
        b,
        household,
    }
}

async fn conflicts(app: &TestApp, supervisor: &TestUser) -> Vec<ConflictView> {
    let response = app.get("/v1/conflicts", &supervisor.token).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn edits_of_different_fields_on_two_phones_both_apply_without_conflict(backend: Backend) {
    let TwoPhones {
        app,
        mut a,
        mut b,
        household,
        ..
    } = two_phones(backend).await;
    a.enqueue(update(&a, household, &[("jenis_atap", json!(4))]))
        .unwrap();
    b.enqueue(update(&b, household, &[("jenis_lantai", json!(9))]))
        .unwrap();
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    a.pull().await.unwrap();
    let server = a.server_copy(household).unwrap();
    assert_eq!(server.fields["jenis_atap"], json!(4));
    assert_eq!(server.fields["jenis_lantai"], json!(9));
    assert_eq!(server.version, 3);
    assert_eq!(b.server_copy(household), Some(server));
    assert_eq!(app.count("conflict").await, 0);
}

async fn the_same_field_changed_on_two_phones_keeps_the_later_and_stores_both_values(
    backend: Backend,
) {
    let TwoPhones {
        app,
        a_user,
        b_user,
        mut a,
        mut b,
        household,
    } = two_phones(backend).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    a.enqueue(update(&a, household, &[("jenis_atap", json!(4))]))
        .unwrap();
    b.enqueue(update(&b, household, &[("jenis_atap", json!(8))]))
        .unwrap();
    let a_receipts = a.push().await.unwrap();
    let b_receipts = b.push().await.unwrap();
    assert!(a_receipts[0].conflicts.is_empty());
    let note = &b_receipts[0].conflicts[0];
    assert_eq!(note.kept, Kept::Yours);
    assert_eq!(note.discarded_value, json!(4));
    assert_eq!(
        note.target,
        ConflictTarget::Household {
            field: "jenis_atap".into()
        }
    );

    a.pull().await.unwrap();
    assert_eq!(
        a.server_copy(household).unwrap().fields["jenis_atap"],
        json!(8)
    );

    let stored = conflicts(&app, &supervisor).await;
    assert_eq!(stored.len(), 1);
    let c = &stored[0];
    assert_eq!(
        (c.stored_value.clone(), c.incoming_value.clone()),
        (json!(4), json!(8))
    );
    assert_eq!(c.stored.writer.user_id, a_user.id);
    assert_eq!(c.incoming.writer.user_id, b_user.id);
    assert_eq!(c.stored.writer.device_id, a.device_id());
    assert_eq!(c.incoming.writer.device_id, b.device_id());
    assert_eq!(
        c.incoming.writer.hlc.node,
        b.device_id().to_string(),
        "both clock stamps are kept"
    );
    assert_eq!(c.base_version, 1);
    assert_eq!(c.id, note.conflict_id);
}

async fn a_field_worker_cannot_write_a_supervisor_owned_answer_even_on_the_current_version(
    backend: Backend,
) {
    let app = TestApp::spawn_on(backend).await;
    let worker = app.user("enumerator", &[KEC_MALANGKE]).await;
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let (mut phone, mut office) = (app.client(&worker), app.client(&supervisor));
    let household = shared_household(&mut [&mut phone, &mut office]).await;
    office
        .enqueue(update(
            &office,
            household,
            &[("catatan_supervisor", json!("cek ulang luas lantai"))],
        ))
        .unwrap();
    let receipts = office.push().await.unwrap();
    assert_eq!(receipts[0].status, ReceiptStatus::Applied);
    // The phone has seen the supervisor's note: its edit is based on the current version, so
    // no conflict rule would stop it.
    phone.pull().await.unwrap();
    let before = phone.server_copy(household).unwrap().clone();
    phone
        .enqueue(update(
            &phone,
            household,
            &[
                ("catatan_supervisor", json!("sudah dicek")),
                ("jenis_atap", json!(4)),
            ],
        ))
        .unwrap();
    let receipts = phone.push().await.unwrap();
    assert_eq!(receipts[0].status, ReceiptStatus::Rejected);
    let rejection = receipts[0].rejection.as_ref().unwrap();
    assert_eq!(rejection.code, RejectCode::FieldOwnedBySupervisor);
    let named: Vec<_> = rejection
        .fields
        .iter()
        .map(|f| (f.field.as_str(), f.code))
        .collect();
    assert_eq!(
        named,
        [(
            "fields.catatan_supervisor",
            FieldErrorCode::OwnedBySupervisor
        )]
    );
    // Nothing of the mutation is stored, and there is no conflict to settle.
    phone.pull().await.unwrap();
    let after = phone.server_copy(household).unwrap();
    assert_eq!(after.version, before.version);
    assert_eq!(after.fields, before.fields);
    assert!(conflicts(&app, &supervisor).await.is_empty());

    // Not in a new household either.
    let mut rng = StdRng::seed_from_u64(11);
    let mut create = fixtures::create_household(Uuid::new_v4(), PATTIMANG, &mut rng);
    if let Op::CreateHousehold(c) = &mut create {
        c.fields.insert("prioritas_intervensi".to_owned(), json!(1));
    }
    phone.enqueue(create).unwrap();
    let receipts = phone.push().await.unwrap();
    assert_eq!(
        receipts[0].rejection.as_ref().map(|r| r.code),
        Some(RejectCode::FieldOwnedBySupervisor)
    );
}

async fn a_delete_loses_against_a_concurrent_edit(backend: Backend) {
    let TwoPhones {
        app: _app,
        mut a,
        mut b,
        household,
        ..
    } = two_phones(backend).await;
    a.enqueue(update(&a, household, &[("rt", json!("003"))]))
        .unwrap();
    a.push().await.unwrap();
    b.enqueue(Op::DeleteHousehold(DeleteHousehold {
        household_id: household,
        base_version: 1,
    }))
    .unwrap();
    let receipts = b.push().await.unwrap();
    assert_eq!(
        receipts[0].conflicts[0].target,
        ConflictTarget::Household {
            field: "@deleted".into()
        }
    );
    assert_eq!(receipts[0].conflicts[0].kept, Kept::Theirs);
    b.pull().await.unwrap();
    let server = b.server_copy(household).unwrap();
    assert!(!server.deleted);
    assert_eq!(server.fields["rt"], json!("003"));
}

async fn an_edit_made_without_seeing_a_delete_revives_the_household_and_one_that_saw_it_is_rejected(
    backend: Backend,
) {
    let TwoPhones {
        app: _app,
        mut a,
        mut b,
        household,
        ..
    } = two_phones(backend).await;
    a.enqueue(Op::DeleteHousehold(DeleteHousehold {
        household_id: household,
        base_version: 1,
    }))
    .unwrap();
    a.sync().await.unwrap();
    assert!(a.server_copy(household).unwrap().deleted);

    b.enqueue(update(&b, household, &[("rt", json!("007"))]))
        .unwrap();
    let receipts = b.push().await.unwrap();
    assert_eq!(
        receipts[0].conflicts[0].target,
        ConflictTarget::Household {
            field: "@deleted".into()
        }
    );
    b.pull().await.unwrap();
    assert!(!b.server_copy(household).unwrap().deleted);

    a.pull().await.unwrap();
    a.enqueue(Op::DeleteHousehold(DeleteHousehold {
        household_id: household,
        base_version: a.base_version(household),
    }))
    .unwrap();
    a.sync().await.unwrap();
    b.pull().await.unwrap();
    assert!(b.server_copy(household).unwrap().deleted);
    b.enqueue(update(&b, household, &[("rt", json!("009"))]))
        .unwrap();
    let receipts = b.push().await.unwrap();
    let last = receipts.last().unwrap();
    assert_eq!(
        last.rejection.as_ref().map(|r| r.code),
        Some(sync_protocol::v1::RejectCode::HouseholdDeleted)
    );
}

async fn members_are_an_add_wins_set_and_a_removal_loses_against_a_concurrent_edit(
    backend: Backend,
) {
    let TwoPhones {
        app: _app,
        mut a,
        mut b,
        household,
        ..
    } = two_phones(backend).await;
    let mut rng = StdRng::seed_from_u64(8);
    let (m1, m2) = (Uuid::new_v4(), Uuid::new_v4());
    let add = |member_id| {
        Op::AddMember(AddMember {
            household_id: household,
            member_id,
            base_version: 1,
            family_id: None,
            fields: fixtures::member_answers(&mut StdRng::seed_from_u64(9)),
        })
    };
    a.enqueue(add(m1)).unwrap();
    b.enqueue(add(m2)).unwrap();
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    a.pull().await.unwrap();
    assert_eq!(
        a.server_copy(household).unwrap().members.len(),
        2,
        "both concurrent adds are kept"
    );

    let base = a.base_version(household);
    a.enqueue(Op::UpdateMember(UpdateMember {
        household_id: household,
        member_id: m2,
        base_version: base,
        fields: fields(&[("nama", json!("Siti Aminah"))]),
    }))
    .unwrap();
    b.enqueue(Op::RemoveMember(RemoveMember {
        household_id: household,
        member_id: m2,
        base_version: base,
    }))
    .unwrap();
    a.push().await.unwrap();
    let receipts = b.push().await.unwrap();
    assert_eq!(
        receipts[0].conflicts[0].target,
        ConflictTarget::Member {
            member_id: m2,
            field: "@removed".into()
        }
    );
    b.pull().await.unwrap();
    let member = b
        .server_copy(household)
        .unwrap()
        .members
        .iter()
        .find(|m| m.id == m2)
        .unwrap()
        .clone();
    assert!(!member.removed);
    assert_eq!(member.fields["nama"], json!("Siti Aminah"));
    let _ = &mut rng;
}

async fn a_changed_no_kk_is_kept_in_the_familys_history(backend: Backend) {
    let app = TestApp::spawn_on(backend).await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let mut phone = app.client(&user);
    let household = shared_household(&mut [&mut phone]).await;
    let family = Uuid::new_v4();
    for no_kk in ["7322010101200001", "7322010101200001", "7322015505230002"] {
        let base = phone.base_version(household);
        phone
            .enqueue(Op::PutFamily(PutFamily {
                household_id: household,
                family_id: family,
                base_version: base,
                no_kk: Some(no_kk.into()),
            }))
            .unwrap();
        phone.sync().await.unwrap();
    }
    let history = ekemiskinan::store::families::history(&app.db, family)
        .await
        .unwrap();
    assert_eq!(
        history,
        vec![
            Some("7322010101200001".to_owned()),
            Some("7322015505230002".to_owned())
        ]
    );
    assert_eq!(
        phone.server_copy(household).unwrap().families[0]
            .no_kk
            .as_deref(),
        Some("7322015505230002")
    );
}

/// A household moved to a desa of another kecamatan takes its unresolved conflicts along:
/// the supervisor of the new kecamatan sees them, the one of the old no longer does.
async fn conflicts_follow_a_household_moved_to_another_kecamatan(backend: Backend) {
    let TwoPhones {
        app,
        mut a,
        mut b,
        household,
        ..
    } = two_phones(backend).await;
    a.enqueue(update(&a, household, &[("jenis_atap", json!(4))]))
        .unwrap();
    b.enqueue(update(&b, household, &[("jenis_atap", json!(8))]))
        .unwrap();
    a.push().await.unwrap();
    b.push().await.unwrap();
    let malangke = app.user("supervisor", &[KEC_MALANGKE]).await;
    let bone_bone = app.user("supervisor", &[KEC_BONE_BONE]).await;
    assert_eq!(conflicts(&app, &malangke).await.len(), 1);
    assert!(conflicts(&app, &bone_bone).await.is_empty());

    let mover = app.user("enumerator", &[LUWU_UTARA]).await;
    let mut phone = app.client(&mover);
    phone.pull().await.unwrap();
    phone
        .enqueue(Op::MoveHousehold(MoveHousehold {
            household_id: household,
            base_version: phone.base_version(household),
            area_code: BONE_BONE.to_owned(),
        }))
        .unwrap();
    phone.push().await.unwrap();

    assert!(
        conflicts(&app, &malangke).await.is_empty(),
        "the household left Malangke"
    );
    let followed = conflicts(&app, &bone_bone).await;
    assert_eq!(followed.len(), 1);
    assert_eq!(followed[0].household_id, household);
    assert_eq!(followed[0].area_code, BONE_BONE);
}

on_both_backends!(
    edits_of_different_fields_on_two_phones_both_apply_without_conflict,
    the_same_field_changed_on_two_phones_keeps_the_later_and_stores_both_values,
    a_field_worker_cannot_write_a_supervisor_owned_answer_even_on_the_current_version,
    a_delete_loses_against_a_concurrent_edit,
    an_edit_made_without_seeing_a_delete_revives_the_household_and_one_that_saw_it_is_rejected,
    members_are_an_add_wins_set_and_a_removal_loses_against_a_concurrent_edit,
    a_changed_no_kk_is_kept_in_the_familys_history,
    conflicts_follow_a_household_moved_to_another_kecamatan,
);
