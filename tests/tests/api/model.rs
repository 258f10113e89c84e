//! Model-based test: several phones edit overlapping households offline; answers are lost and
//! requests duplicated at random; pushes are retried. Meanwhile a supervisor in the office
//! decides on households at the versions they saw and settles conflicts, sending some requests
//! twice as after a lost answer. At the end every phone's copy equals the server's (decisions
//! included), no mutation or decision was applied twice or lost, every decision was made on
//! the version its author named, and every same-field conflict was recorded — as an
//! independent model of the merge rules, replayed in the server's order (settlements
//! included), predicts.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ekemiskinan::domain::history::ChangeDetail;
use ekemiskinan::store::entities::{conflict, device, household, receipt, review, sync_change};
use ekemiskinan::store::{households, reviews};
use futures::future::join_all;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sync_protocol::client::{FaultPlan, SyncClient};
use sync_protocol::v1::office::ConflictView;
use sync_protocol::v1::{
    AddMember, ConflictTarget, DecideResponse, DeleteHousehold, Fields, HouseholdSnapshot,
    MoveHousehold, Op, RemoveMember, UpdateHousehold, UpdateMember,
};
use tests::fixtures::{self, KEC_MALANGKE, LUWU_UTARA, MALANGKE, PATTIMANG};
use tests::{Backend, TestApp, TestUser};
use uuid::Uuid;

/// A field and the few values phones write to it: few, so equal and unequal edits both occur.
type Choices = (&'static str, Vec<Value>);

/// Household fields the phones fight over.
fn household_fields() -> Vec<Choices> {
    vec![
        ("jenis_atap", vec![json!(2), json!(4), json!(8)]),
        ("jenis_lantai", vec![json!(2), json!(8), json!(9)]),
        ("rt", vec![json!("001"), json!("002"), json!("003")]),
        (
            "catatan_supervisor",
            vec![json!("cek ulang"), json!("sesuai"), json!("foto kurang")],
        ),
    ]
}

/// Member fields the phones fight over.
fn member_fields() -> Vec<Choices> {
    vec![
        ("nama", vec![json!("Andi"), json!("Budi"), json!("Citra")]),
        ("status_perkawinan", vec![json!(1), json!(2), json!(3)]),
    ]
}

struct Phone {
    client: SyncClient,
    supervisor: bool,
    log: BTreeMap<u64, Op>,
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn random_fields(rng: &mut StdRng, fields: &[Choices]) -> Fields {
    let mut out = Fields::new();
    for _ in 0..rng.random_range(1..=2) {
        let (name, values) = pick(rng, fields);
        out.insert((*name).to_owned(), pick(rng, values).clone());
    }
    out
}

/// The household fields a phone may write: a field worker never writes the supervisor's
/// (the server refuses it, `field_owned_by_supervisor`).
fn writable_household_fields(supervisor: bool) -> Vec<Choices> {
    household_fields()
        .into_iter()
        .filter(|(name, _)| supervisor || *name != "catatan_supervisor")
        .collect()
}

/// One random offline edit, based on what the phone has seen.
fn random_op(phone: &Phone, households: &[Uuid], rng: &mut StdRng) -> Op {
    let supervisor = phone.supervisor;
    let phone = &phone.client;
    let household_id = *pick(rng, households);
    let base_version = phone.base_version(household_id);
    let members: Vec<Uuid> = phone
        .view(household_id)
        .map(|h| h.members.iter().map(|m| m.id).collect())
        .unwrap_or_default();
    // 60 % household answers (the `_` arm), the rest members, deletes and moves.
    match rng.random_range(0..100) {
        60..78 if !members.is_empty() => Op::UpdateMember(UpdateMember {
            household_id,
            member_id: *pick(rng, &members),
            base_version,
            fields: random_fields(rng, &member_fields()),
        }),
        78..86 => Op::AddMember(AddMember {
            household_id,
            member_id: Uuid::new_v4(),
            base_version,
            family_id: None,
            fields: random_fields(rng, &member_fields()),
        }),
        86..91 if !members.is_empty() => Op::RemoveMember(RemoveMember {
            household_id,
            member_id: *pick(rng, &members),
            base_version,
        }),
        91..95 => Op::DeleteHousehold(DeleteHousehold {
            household_id,
            base_version,
        }),
        95..100 => Op::MoveHousehold(MoveHousehold {
            household_id,
            base_version,
            area_code: (*pick(rng, &[PATTIMANG, MALANGKE])).to_owned(),
        }),
        _ => Op::UpdateHousehold(UpdateHousehold {
            household_id,
            base_version,
            fields: random_fields(rng, &writable_household_fields(supervisor)),
        }),
    }
}

/// The model's stamp of a field: value, the version that wrote it, the device, supervisor?
type Stamp = (Value, i64, Uuid, bool);

/// A same-field conflict as (household, member or nil, field, incoming device, incoming seq).
type ConflictKey = (Uuid, Option<Uuid>, String, Uuid, i64);

/// The merge rules, written again from PROTOCOL.md: a field written after the edit's base by
/// another device to a different value is a conflict; the later write wins unless the field
/// is supervisor-owned and the stored value is a supervisor's.
#[derive(Default)]
struct Model {
    fields: BTreeMap<(Uuid, Option<Uuid>), BTreeMap<String, Stamp>>,
    conflicts: BTreeSet<ConflictKey>,
}

struct Write<'a> {
    household: Uuid,
    member: Option<Uuid>,
    changes: &'a Fields,
    base: i64,
    version: i64,
    device: Uuid,
    supervisor: bool,
    seq: i64,
}

impl Model {
    fn write(&mut self, w: &Write<'_>) {
        let record = self.fields.entry((w.household, w.member)).or_default();
        for (name, value) in w.changes {
            let stored = record.get(name).cloned();
            let concurrent = stored.as_ref().filter(|s| s.1 > w.base && s.2 != w.device);
            let Some((stored_value, _, _, stored_by_supervisor)) = concurrent else {
                if stored.as_ref().is_none_or(|s| s.0 != *value) {
                    record.insert(
                        name.clone(),
                        (value.clone(), w.version, w.device, w.supervisor),
                    );
                }
                continue;
            };
            if stored_value == value {
                continue;
            }
            self.conflicts
                .insert((w.household, w.member, name.clone(), w.device, w.seq));
            let keep_stored =
                name == "catatan_supervisor" && *stored_by_supervisor && !w.supervisor;
            if !keep_stored {
                record.insert(
                    name.clone(),
                    (value.clone(), w.version, w.device, w.supervisor),
                );
            }
        }
    }

    /// A supervisor's settlement: the value is written whatever was written since.
    fn settle(&mut self, key: (Uuid, Option<Uuid>), name: &str, value: &Value, stamp: (i64, Uuid)) {
        let record = self.fields.entry(key).or_default();
        if record.get(name).is_none_or(|s| s.0 != *value) {
            record.insert(name.to_owned(), (value.clone(), stamp.0, stamp.1, true));
        }
    }

    fn values(&self, household: Uuid, member: Option<Uuid>) -> BTreeMap<String, Value> {
        self.fields
            .get(&(household, member))
            .map(|r| r.iter().map(|(k, s)| (k.clone(), s.0.clone())).collect())
            .unwrap_or_default()
    }
}

/// Phones with faulty links: one supervisor, three field workers.
async fn phones(app: &TestApp, seed: u64) -> Vec<Phone> {
    let supervisor = app.user("supervisor", &[LUWU_UTARA]).await;
    let mut phones = vec![Phone {
        client: app.client(&supervisor),
        supervisor: true,
        log: BTreeMap::new(),
    }];
    for _ in 0..3 {
        let user = app.user("enumerator", &[KEC_MALANGKE]).await;
        phones.push(Phone {
            client: app.client(&user),
            supervisor: false,
            log: BTreeMap::new(),
        });
    }
    for (i, phone) in (0u64..).zip(phones.iter_mut()) {
        let plan = FaultPlan {
            drop_response: 0.25,
            duplicate_request: 0.25,
            seed: seed * 10 + i,
        };
        phone.client.set_faults(plan);
    }
    phones
}

/// What the office supervisor did.
#[derive(Default)]
struct Office {
    /// Every decision sent: household, the version named, the decision.
    sent: Vec<(Uuid, i64, String)>,
    /// The decisions answered `200`, by id.
    answered: BTreeSet<Uuid>,
    /// Conflicts settled (answered `200`).
    settled: usize,
}

/// Sends a request once, or (as after a lost answer) twice; answers the status and body the
/// supervisor believes.
async fn send(app: &TestApp, token: &str, path: &str, body: &Value, twice: bool) -> (u16, Value) {
    let mut answer = (0, Value::Null);
    for _ in 0..if twice { 2 } else { 1 } {
        let response = app.post(path, token, body).await;
        let status = response.status().as_u16();
        answer = (status, response.json().await.unwrap());
    }
    answer
}

/// One round of office work while the phones sync: a decision on some households at the
/// version just read, and a settlement of some open conflicts.
async fn office_round(
    app: &TestApp,
    supervisor: &TestUser,
    households: &[Uuid],
    round: u64,
) -> Office {
    let mut rng = StdRng::seed_from_u64(round);
    let mut office = Office::default();
    let token = &supervisor.token;
    for &id in households {
        if rng.random_bool(0.4) {
            continue;
        }
        let looked: HouseholdSnapshot = app
            .get_json(&format!("/v1/households/{id}"), supervisor)
            .await;
        let (decision, body) = match rng.random_range(0..3) {
            0 => (
                "approve",
                json!({"version": looked.version, "decision": "approve"}),
            ),
            1 => (
                "return",
                json!({"version": looked.version, "decision": "return", "note": "cek ulang",
                       "field_notes": [{"target": {"kind": "household", "field": "jenis_atap"},
                                        "note": "atap?"}]}),
            ),
            _ => (
                "reject",
                json!({"version": looked.version, "decision": "reject", "reason": "duplicate"}),
            ),
        };
        office.sent.push((id, looked.version, decision.to_owned()));
        let path = format!("/v1/households/{id}/review");
        let (status, answer) = send(app, token, &path, &body, rng.random_bool(0.3)).await;
        match status {
            200 => {
                let decided: DecideResponse = serde_json::from_value(answer).unwrap();
                assert_eq!(decided.review.version, looked.version);
                office.answered.insert(decided.review.id);
            }
            // Changed meanwhile, deleted, or holding a value this supervisor settled.
            409 | 403 => {}
            other => panic!("decision answered {other}: {answer}"),
        }
    }
    let open: Vec<ConflictView> = app.get_json("/v1/conflicts", supervisor).await;
    for conflict in open.iter().take(2) {
        let looked: HouseholdSnapshot = app
            .get_json(
                &format!("/v1/households/{}", conflict.household_id),
                supervisor,
            )
            .await;
        let keep = if rng.random_bool(0.5) {
            "stored"
        } else {
            "incoming"
        };
        let body = json!({"version": looked.version, "keep": keep});
        let path = format!("/v1/conflicts/{}/resolve", conflict.id);
        match send(app, token, &path, &body, rng.random_bool(0.3)).await {
            (200, _) => office.settled += 1,
            // Changed meanwhile, or (sent twice) settled by the first copy.
            (409, _) => {}
            (other, answer) => panic!("settlement answered {other}: {answer}"),
        }
    }
    office
}

fn enqueue(phone: &mut Phone, op: Op) {
    let seq = phone.client.enqueue(op.clone()).unwrap();
    phone.log.insert(seq, op);
}

/// Three shared households; six rounds of offline edits, each followed by concurrent syncs
/// while the office decides and settles.
async fn simulate(
    app: &TestApp,
    office_user: &TestUser,
    phones: &mut [Phone],
    seed: u64,
) -> (Vec<Uuid>, Office) {
    let mut office = Office::default();
    let mut rng = StdRng::seed_from_u64(seed);
    let households: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
    for &id in &households {
        enqueue(
            &mut phones[1],
            fixtures::create_household(id, PATTIMANG, &mut rng),
        );
    }
    for phone in phones.iter_mut() {
        phone.client.sync().await.unwrap();
    }
    for round in 0..6 {
        for phone in phones.iter_mut() {
            for _ in 0..rng.random_range(1..=4) {
                let op = random_op(phone, &households, &mut rng);
                enqueue(phone, op);
            }
        }
        let (synced, done) = tokio::join!(
            join_all(phones.iter_mut().map(|p| p.client.sync())),
            office_round(app, office_user, &households, seed * 100 + round),
        );
        for result in synced {
            result.unwrap();
        }
        // Every other round the office works again while nobody syncs, so that decisions on
        // a quiet household are made too, not only ones racing the phones.
        let quiet = if round % 2 == 1 {
            office_round(app, office_user, &households, seed * 100 + 50 + round).await
        } else {
            Office::default()
        };
        for work in [done, quiet] {
            office.sent.extend(work.sent);
            office.answered.extend(work.answered);
            office.settled += work.settled;
        }
    }
    for _ in 0..2 {
        for phone in phones.iter_mut() {
            phone.client.sync().await.unwrap();
        }
    }
    (households, office)
}

async fn phones_converge_apply_once_and_record_every_conflict(backend: Backend, seed: u64) {
    let app = TestApp::spawn_on(backend).await;
    let mut phones = phones(&app, seed).await;
    let office_user = app.user("supervisor", &[LUWU_UTARA]).await;
    let (households, office) = simulate(&app, &office_user, &mut phones, seed).await;
    let injected: u64 = phones.iter().map(|p| p.client.faults_injected()).sum();
    assert!(
        injected > 10,
        "lost answers and duplicated requests happened ({injected})"
    );
    assert!(
        !office.answered.is_empty(),
        "the office decided something (seed {seed})"
    );

    // 1. Every phone's copy equals the server's, decisions included.
    let decisions = reviews::current(&app.db, &households).await.unwrap();
    let server: HashMap<Uuid, HouseholdSnapshot> = households::current(&app.db, &households)
        .await
        .unwrap()
        .into_iter()
        .map(|(id, h)| (id, ekemiskinan::views::snapshot(h, decisions.get(&id))))
        .collect();
    for phone in &phones {
        assert_eq!(phone.client.pending(), 0);
        for id in &households {
            let device = phone.client.device_id();
            assert_eq!(
                phone.client.server_copy(*id),
                server.get(id),
                "phone {device}, {id}"
            );
        }
    }
    // 2. Exactly once, phones' mutations and the office's edits alike; every decision on the
    //    version its author named, none lost.
    let office_edits = office_edits(&app).await;
    let applied = check_exactly_once(&app, &phones, &office_edits).await;
    check_decisions(&app, &office, &office_edits).await;
    // 3. The model, replayed in server order, predicts every stored same-field conflict and
    //    the merged values.
    let model = replay(&phones, &applied, &office_edits);
    assert!(
        !model.conflicts.is_empty(),
        "the run should provoke conflicts (seed {seed})"
    );
    assert_eq!(
        stored_conflicts(&app).await,
        model.conflicts,
        "every same-field conflict is stored, and no other"
    );
    check_values(&model, &server, &households);
}

/// The versions the office made (decisions and settlements), from the change log.
async fn office_edits(app: &TestApp) -> Vec<sync_change::Model> {
    sync_change::Entity::find()
        .filter(sync_change::Column::Kind.is_in(["review", "resolve"]))
        .all(&app.db)
        .await
        .unwrap()
}

/// One receipt per mutation, and each household's versions 1..=n were each produced by
/// exactly one applied mutation or one office edit. Returns the applied receipts that
/// produced a version.
async fn check_exactly_once(
    app: &TestApp,
    phones: &[Phone],
    office_edits: &[sync_change::Model],
) -> Vec<receipt::Model> {
    for phone in phones {
        let id = phone.client.device_id();
        let receipts = receipt::Entity::find()
            .filter(receipt::Column::DeviceId.eq(id))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(receipts.len(), phone.log.len());
        let state = device::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            u64::try_from(state.last_seq).unwrap(),
            phone.log.len() as u64
        );
    }
    let applied = receipt::Entity::find()
        .filter(receipt::Column::Status.eq("applied"))
        .filter(receipt::Column::HouseholdVersion.is_not_null())
        .all(&app.db)
        .await
        .unwrap();
    for row in household::Entity::find().all(&app.db).await.unwrap() {
        let mut versions: Vec<i64> = applied
            .iter()
            .filter(|r| r.household_id == Some(row.id))
            .filter_map(|r| r.household_version)
            .chain(
                office_edits
                    .iter()
                    .filter(|c| c.household_id == row.id)
                    .map(|c| c.version),
            )
            .collect();
        versions.sort_unstable();
        assert_eq!(
            versions,
            (1..=row.version).collect::<Vec<_>>(),
            "household {}",
            row.id
        );
    }
    applied
}

/// Every stored decision was sent, on the version it names, and made the next version; every
/// decision answered `200` is stored; a decision sent twice is stored once.
async fn check_decisions(app: &TestApp, office: &Office, office_edits: &[sync_change::Model]) {
    let stored = review::Entity::find().all(&app.db).await.unwrap();
    let made: BTreeMap<(Uuid, i64), &sync_change::Model> = office_edits
        .iter()
        .map(|c| ((c.household_id, c.version), c))
        .collect();
    for r in &stored {
        assert!(
            office
                .sent
                .contains(&(r.household_id, r.version, r.decision.clone())),
            "decision {} was sent on version {}",
            r.id,
            r.version
        );
        let next = made[&(r.household_id, r.version + 1)];
        let detail: ChangeDetail = serde_json::from_value(next.detail.clone().unwrap()).unwrap();
        assert_eq!(next.kind.as_deref(), Some("review"));
        assert_eq!(detail.review_id, Some(r.id), "made on the version it names");
    }
    let ids: BTreeSet<Uuid> = stored.iter().map(|r| r.id).collect();
    assert!(
        office.answered.is_subset(&ids),
        "no decision answered 200 is lost"
    );
    let settled = office_edits
        .iter()
        .filter(|c| c.kind.as_deref() == Some("resolve"))
        .count();
    assert!(
        settled <= office.settled,
        "a settlement is applied at most once"
    );
}

/// Replays the applied mutations through the model, household by household, in version order.
fn replay(
    phones: &[Phone],
    applied: &[receipt::Model],
    office_edits: &[sync_change::Model],
) -> Model {
    /// A version made by a phone's mutation or by the office.
    enum Step<'a> {
        Phone(&'a receipt::Model),
        Office(&'a sync_change::Model),
    }
    let devices: BTreeMap<Uuid, &Phone> =
        phones.iter().map(|p| (p.client.device_id(), p)).collect();
    let mut ordered: Vec<(Uuid, i64, Step<'_>)> = applied
        .iter()
        .map(|r| {
            let key = (r.household_id.unwrap(), r.household_version.unwrap());
            (key.0, key.1, Step::Phone(r))
        })
        .chain(
            office_edits
                .iter()
                .map(|c| (c.household_id, c.version, Step::Office(c))),
        )
        .collect();
    ordered.sort_by_key(|(household, version, _)| (*household, *version));
    let mut model = Model::default();
    for (household, version, step) in ordered {
        let r = match step {
            Step::Phone(r) => r,
            Step::Office(c) => {
                settle(&mut model, household, version, c);
                continue;
            }
        };
        let phone = devices[&r.device_id];
        let op = &phone.log[&u64::try_from(r.seq).unwrap()];
        let write = |member, changes, base| Write {
            household,
            member,
            changes,
            base,
            version,
            device: r.device_id,
            supervisor: phone.supervisor,
            seq: r.seq,
        };
        match op {
            Op::CreateHousehold(c) => model.write(&write(None, &c.fields, 0)),
            Op::UpdateHousehold(u) => model.write(&write(None, &u.fields, u.base_version)),
            Op::AddMember(a) => model.write(&write(Some(a.member_id), &a.fields, a.base_version)),
            Op::UpdateMember(u) => {
                model.write(&write(Some(u.member_id), &u.fields, u.base_version));
            }
            _ => {}
        }
    }
    model
}

/// A settlement's values, as the model sees them (answers only).
fn settle(model: &mut Model, household: Uuid, version: i64, edit: &sync_change::Model) {
    let Some(detail) = &edit.detail else { return };
    let detail: ChangeDetail = serde_json::from_value(detail.clone()).unwrap();
    let by = edit.user_id.unwrap();
    for change in detail.changes {
        let (member, field) = match change.target {
            ConflictTarget::Household { field } => (None, field),
            ConflictTarget::Member { member_id, field } => (Some(member_id), field),
            ConflictTarget::Family { .. } => continue,
        };
        if !field.starts_with('@') {
            model.settle((household, member), &field, &change.after, (version, by));
        }
    }
}

/// The stored conflicts about answers (not about deletes or areas).
async fn stored_conflicts(app: &TestApp) -> BTreeSet<ConflictKey> {
    conflict::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| !c.field.starts_with('@'))
        .map(|c| {
            (
                c.household_id,
                c.target_id,
                c.field,
                c.incoming_device_id,
                c.incoming_seq,
            )
        })
        .collect()
}

/// The server holds the values the model predicts for the contested fields.
fn check_values(model: &Model, server: &HashMap<Uuid, HouseholdSnapshot>, households: &[Uuid]) {
    let watched: Vec<&str> = household_fields().iter().map(|(f, _)| *f).collect();
    let only_watched = |fields: BTreeMap<String, Value>| -> BTreeMap<String, Value> {
        fields
            .into_iter()
            .filter(|(k, _)| watched.contains(&k.as_str()))
            .collect()
    };
    for id in households {
        let snapshot = &server[id];
        let stored = only_watched(snapshot.fields.clone());
        assert_eq!(
            stored,
            only_watched(model.values(*id, None)),
            "household {id}"
        );
        for member in &snapshot.members {
            assert_eq!(
                member.fields,
                model.values(*id, Some(member.id)),
                "member {}",
                member.id
            );
        }
    }
}

#[tokio::test]
async fn phones_editing_offline_converge_apply_once_and_record_every_conflict_on_postgres() {
    for seed in [1, 2] {
        phones_converge_apply_once_and_record_every_conflict(Backend::Postgres, seed).await;
    }
}

#[tokio::test]
async fn phones_editing_offline_converge_apply_once_and_record_every_conflict_on_sqlite() {
    phones_converge_apply_once_and_record_every_conflict(Backend::Sqlite, 3).await;
}
