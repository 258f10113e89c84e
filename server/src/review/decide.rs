//! Deciding on a household (approve, return with notes, reject with a reason), one at a time
//! or many approvals in one request.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;
use sync_protocol::v1::{
    BulkApproveRequest, BulkApproveResponse, BulkOutcome, BulkResult, ChangeKind, DecideRequest,
    DecideResponse, Decision, FieldNote, MAX_BULK_APPROVE, NoteTarget, StaleVersion,
};
use tracing::info;
use uuid::Uuid;

use super::{ReviewDeps, ReviewError, may_decide, office_writer};
use crate::domain::actor::Actor;
use crate::domain::sha256::Sha256;
use crate::household::{Author, Editing};
use crate::store::batch::WriteBatch;
use crate::store::households::{self, Load};
use crate::store::reviews::{self, NewReview, StoredReview};
use crate::store::{StoreError, audit, changes, members, photos, retry_transient, users};
use crate::views;

/// The longest note, in characters.
const MAX_NOTE_CHARS: usize = 2000;
/// The most notes per answer, member or photo.
const MAX_FIELD_NOTES: usize = 200;

/// Decides on one household at the version the supervisor looked at.
pub async fn decide(
    deps: &ReviewDeps<'_>,
    actor: &Actor,
    household_id: Uuid,
    request: &DecideRequest,
) -> Result<DecideResponse, ReviewError> {
    may_decide(actor)?;
    check(request)?;
    retry_transient(deps.attempts, ReviewError::is_transient, || async {
        let txn = deps.db.begin().await.map_err(StoreError::from)?;
        let name = reviewer_name(&txn, actor).await?;
        let decided = decide_in(deps, &txn, actor, &name, household_id, request).await?;
        txn.commit().await.map_err(StoreError::from)?;
        Ok(decided)
    })
    .await
}

/// Approves many households in one transaction. Each is answered on its own: one that
/// changed, is not found, is deleted or is the supervisor's own work is left as it is, and the
/// others are approved.
pub async fn approve_many(
    deps: &ReviewDeps<'_>,
    actor: &Actor,
    request: &BulkApproveRequest,
) -> Result<BulkApproveResponse, ReviewError> {
    may_decide(actor)?;
    if request.items.is_empty() || request.items.len() > MAX_BULK_APPROVE {
        return Err(ReviewError::Invalid(format!(
            "items harus berisi 1 sampai {MAX_BULK_APPROVE} rumah tangga"
        )));
    }
    let mut seen = HashSet::new();
    if let Some(twice) = request.items.iter().find(|i| !seen.insert(i.household_id)) {
        return Err(ReviewError::Invalid(format!(
            "rumah tangga {} disebut lebih dari sekali",
            twice.household_id
        )));
    }
    // Households are locked in id order, so that two bulk approvals never wait on each other
    // in a cycle; the answers keep the request's order.
    let mut order: Vec<usize> = (0..request.items.len()).collect();
    order.sort_by_key(|&i| request.items[i].household_id);
    let results = retry_transient(deps.attempts, ReviewError::is_transient, || async {
        let txn = deps.db.begin().await.map_err(StoreError::from)?;
        let name = reviewer_name(&txn, actor).await?;
        let mut results: Vec<Option<BulkResult>> = vec![None; request.items.len()];
        for &i in &order {
            let item = request.items[i];
            let approve = DecideRequest {
                version: item.version,
                decision: Decision::Approve,
                note: None,
                field_notes: Vec::new(),
                reason: None,
            };
            let decided = decide_in(deps, &txn, actor, &name, item.household_id, &approve).await;
            results[i] = Some(outcome(item.household_id, decided)?);
        }
        txn.commit().await.map_err(StoreError::from)?;
        Ok::<_, ReviewError>(results.into_iter().flatten().collect::<Vec<_>>())
    })
    .await?;
    let approved = results
        .iter()
        .filter(|r| r.outcome == BulkOutcome::Approved)
        .count();
    info!(user.id = %actor.id, approved, asked = results.len(), "bulk approval: {approved} approved");
    Ok(BulkApproveResponse { results })
}

/// One bulk item's answer; storage failures abort the whole request.
fn outcome(
    household_id: Uuid,
    decided: Result<DecideResponse, ReviewError>,
) -> Result<BulkResult, ReviewError> {
    let result = |outcome, version, message: &str| BulkResult {
        household_id,
        outcome,
        version,
        message: message.to_owned(),
    };
    Ok(match decided {
        Ok(d) => result(BulkOutcome::Approved, Some(d.version), "disetujui"),
        Err(ReviewError::Stale(s)) => result(
            BulkOutcome::StaleVersion,
            Some(s.current_version),
            "rumah tangga berubah sejak dilihat; periksa lagi",
        ),
        Err(ReviewError::NotFound | ReviewError::Invalid(_)) => result(
            BulkOutcome::NotFound,
            None,
            "rumah tangga tidak ditemukan di wilayah Anda pada versi itu",
        ),
        Err(ReviewError::FourEyes) => result(
            BulkOutcome::FourEyes,
            None,
            "Anda ikut mengisi data rumah tangga ini; supervisor lain yang menyetujui",
        ),
        Err(ReviewError::Deleted) => result(
            BulkOutcome::HouseholdDeleted,
            None,
            "rumah tangga sudah dihapus",
        ),
        Err(other) => return Err(other),
    })
}

async fn reviewer_name(db: &impl ConnectionTrait, actor: &Actor) -> Result<String, ReviewError> {
    Ok(users::display_names(db, &[actor.id])
        .await?
        .remove(&actor.id)
        .unwrap_or_else(|| actor.username.clone()))
}

/// What the request must hold whatever the household: a note to return, a reason to reject,
/// notes of a sensible size.
fn check(request: &DecideRequest) -> Result<(), ReviewError> {
    let invalid = |m: &str| Err(ReviewError::Invalid(m.to_owned()));
    let note = request.note.as_deref().map(str::trim);
    if request.version < 1 {
        return invalid("version harus 1 atau lebih");
    }
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return invalid("catatan paling panjang 2000 karakter");
    }
    match request.decision {
        Decision::Return if note.is_none_or(str::is_empty) => {
            return invalid("mengembalikan rumah tangga perlu catatan untuk petugas");
        }
        Decision::Reject if request.reason.is_none() => {
            return invalid("menolak rumah tangga perlu alasan (reason)");
        }
        Decision::Approve | Decision::Return if request.reason.is_some() => {
            return invalid("alasan (reason) hanya untuk penolakan");
        }
        _ => {}
    }
    if !request.field_notes.is_empty() && request.decision != Decision::Return {
        return invalid("catatan per isian hanya untuk pengembalian");
    }
    if request.field_notes.len() > MAX_FIELD_NOTES {
        return invalid("paling banyak 200 catatan per isian");
    }
    for n in &request.field_notes {
        let text = n.note.trim();
        if text.is_empty() || text.chars().count() > MAX_NOTE_CHARS {
            return invalid("setiap catatan per isian berisi 1 sampai 2000 karakter");
        }
    }
    Ok(())
}

/// Decides inside `txn`: locks the household, checks it is current, in scope, not deleted and
/// (to approve) not the supervisor's own work, then stores the decision as its next version.
/// Nothing is written before every check has passed.
async fn decide_in<C: ConnectionTrait>(
    deps: &ReviewDeps<'_>,
    txn: &C,
    actor: &Actor,
    reviewer_name: &str,
    household_id: Uuid,
    request: &DecideRequest,
) -> Result<DecideResponse, ReviewError> {
    let four_eyes = request.decision == Decision::Approve && deps.config.four_eyes;
    let load = if four_eyes { Load::Full } else { Load::Head };
    let mut editing = Editing::lock(txn, deps.forms, household_id, request.version, load)
        .await?
        .filter(|e| actor.scope.covers(&e.row.area_code))
        .ok_or(ReviewError::NotFound)?;
    let row = &editing.row;
    if let Some(done) = replayed(txn, actor, &editing, request).await? {
        return Ok(done);
    }
    if request.version > row.version {
        return Err(ReviewError::Invalid(format!(
            "versi {} belum ada; versi rumah tangga sekarang {}",
            request.version, row.version
        )));
    }
    if request.version < row.version {
        let changes = changes::versions(txn, household_id, request.version).await?;
        return Err(ReviewError::Stale(StaleVersion {
            current_version: row.version,
            changes: changes.into_iter().map(views::version).collect(),
        }));
    }
    if row.record.tombstone.is_some() {
        return Err(ReviewError::Deleted);
    }
    if four_eyes && households::written_by(txn, row, actor.id).await? {
        return Err(ReviewError::FourEyes);
    }
    check_targets(txn, &editing, &request.field_notes).await?;

    // What PostgreSQL keeps: the answer must equal what a replay reads back.
    let now = Utc::now().trunc_subsecs(6);
    let mut batch = WriteBatch::new(txn.get_database_backend());
    let review = StoredReview {
        id: Uuid::now_v7(),
        household_id,
        version: request.version,
        decision: request.decision,
        reason: request.reason,
        note: request
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned),
        field_notes: request.field_notes.clone(),
        reviewer_id: actor.id,
        reviewer_name: reviewer_name.to_owned(),
        decided_at: now,
    };
    store(&mut batch, &review, now);
    editing.decide(request.decision.status(), review.id);
    let writer = office_writer(actor, deps.clock);
    let author = Author {
        writer: &writer,
        seq: 0,
        now,
        scoring: deps.scoring,
    };
    let finished = editing.finish(ChangeKind::Review, &author, &mut batch)?;
    batch.finish(txn).await?;
    let detail = json!({ "decision": request.decision, "version": request.version });
    let target = household_id.to_string();
    audit::record(
        txn,
        now,
        Some(actor.id),
        "household.review",
        &target,
        detail,
    )
    .await?;
    Ok(DecideResponse {
        household_id,
        version: finished.version,
        review_status: request.decision.status(),
        review: views::review(&review),
    })
}

fn store(batch: &mut WriteBatch, review: &StoredReview, now: DateTime<Utc>) {
    let new = NewReview {
        id: review.id,
        household_id: review.household_id,
        version: review.version,
        decision: review.decision,
        reason: review.reason,
        note: review.note.as_deref(),
        field_notes: &review.field_notes,
        reviewer_id: review.reviewer_id,
    };
    reviews::insert(batch, &new, now);
}

/// The same decision sent again by the same supervisor after its answer was lost, with
/// nothing changed since: answered as the first time, and nothing stored again.
async fn replayed<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    editing: &Editing,
    request: &DecideRequest,
) -> Result<Option<DecideResponse>, ReviewError> {
    let row = &editing.row;
    let Some(review_id) = row.review_id.filter(|_| row.version == request.version + 1) else {
        return Ok(None);
    };
    let Some(review) = reviews::find(txn, review_id).await? else {
        return Ok(None);
    };
    let same = review.reviewer_id == actor.id
        && review.version == request.version
        && review.decision == request.decision
        && review.reason == request.reason
        && review.note.as_deref()
            == request
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
        && review.field_notes == request.field_notes;
    Ok(same.then(|| DecideResponse {
        household_id: row.id,
        version: row.version,
        review_status: row.review,
        review: views::review(&review),
    }))
}

/// Every note names an answer of the form, a member of the household or a photo of its
/// visits.
async fn check_targets<C: ConnectionTrait>(
    txn: &C,
    editing: &Editing,
    notes: &[FieldNote],
) -> Result<(), ReviewError> {
    if notes.is_empty() {
        return Ok(());
    }
    let members: HashSet<Uuid> = members::of_household(txn, editing.row.id)
        .await?
        .into_iter()
        .collect();
    let photos: HashSet<String> = photos::of_household(txn, editing.row.id)
        .await?
        .into_iter()
        .map(|p| p.sha256)
        .collect();
    let form = &editing.form;
    let mut problems: HashMap<usize, String> = HashMap::new();
    for (i, n) in notes.iter().enumerate() {
        let problem = match &n.target {
            NoteTarget::Household { field } if !form.has_household_field(field) => {
                Some(format!("pertanyaan {field:?} tidak ada di formulir"))
            }
            NoteTarget::Member { member_id, .. } if !members.contains(member_id) => Some(format!(
                "anggota {member_id} bukan anggota rumah tangga ini"
            )),
            NoteTarget::Member {
                field: Some(field), ..
            } if !form.has_member_field(field) => Some(format!(
                "pertanyaan anggota {field:?} tidak ada di formulir"
            )),
            NoteTarget::Photo { sha256 }
                if Sha256::parse(sha256).is_err() || !photos.contains(sha256) =>
            {
                Some(format!("foto {sha256} bukan foto rumah tangga ini"))
            }
            _ => None,
        };
        if let Some(p) = problem {
            problems.insert(i, p);
        }
    }
    match problems.into_iter().min_by_key(|(i, _)| *i) {
        None => Ok(()),
        Some((i, p)) => Err(ReviewError::Invalid(format!("field_notes[{i}]: {p}"))),
    }
}
