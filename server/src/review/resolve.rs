//! Settling a conflict: the supervisor keeps one of its two values or writes a third. A value
//! the field does not hold already is written as a supervisor's edit of the household (its
//! next version, stamped by the supervisor, pulled by phones like any change); the conflict is
//! closed with who, when and what.

use chrono::{SubsecRound, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use sync_protocol::merge::{AREA_FIELD, DELETED_FIELD, Writer};
use sync_protocol::v1::{
    ChangeKind, ConflictTarget, Fields, Keep, ResolveRequest, ResolveResponse, StaleVersion,
};
use uuid::Uuid;

use super::{ReviewDeps, ReviewError, may_decide, office_writer};
use crate::domain::actor::Actor;
use crate::domain::area::AreaCode;
use crate::domain::history::REMOVED_FIELD;
use crate::household::{Author, Editing, household_field};
use crate::store::batch::WriteBatch;
use crate::store::conflicts::{self, StoredConflict, StoredResolution};
use crate::store::households::Load;
use crate::store::{StoreError, audit, changes, families, members, retry_transient, users};
use crate::views;

/// Settles a conflict at the household version the supervisor looked at.
pub async fn resolve(
    deps: &ReviewDeps<'_>,
    actor: &Actor,
    conflict_id: Uuid,
    request: &ResolveRequest,
) -> Result<ResolveResponse, ReviewError> {
    may_decide(actor)?;
    match (request.keep, &request.value) {
        (Keep::Value, None) => {
            return Err(ReviewError::Invalid(
                "keep: value perlu nilai (value); null untuk mengosongkan".to_owned(),
            ));
        }
        (Keep::Stored | Keep::Incoming, Some(_)) => {
            return Err(ReviewError::Invalid(
                "value hanya dengan keep: value".to_owned(),
            ));
        }
        _ => {}
    }
    let resolution = retry_transient(deps.attempts, ReviewError::is_transient, || async {
        let txn = deps.db.begin().await.map_err(StoreError::from)?;
        let resolution = resolve_in(deps, &txn, actor, conflict_id, request).await?;
        txn.commit().await.map_err(StoreError::from)?;
        Ok(resolution)
    })
    .await?;
    let (household_id, household_version, resolution) = resolution;
    let names = users::display_names(deps.db, &[actor.id]).await?;
    Ok(ResolveResponse {
        conflict_id,
        household_id,
        household_version,
        resolution: views::resolution(resolution, &names),
    })
}

async fn resolve_in<C: ConnectionTrait>(
    deps: &ReviewDeps<'_>,
    txn: &C,
    actor: &Actor,
    conflict_id: Uuid,
    request: &ResolveRequest,
) -> Result<(Uuid, i64, StoredResolution), ReviewError> {
    let conflict = conflicts::find(txn, conflict_id)
        .await?
        .filter(|c| actor.scope.covers(&c.area_code))
        .ok_or(ReviewError::NotFound)?;
    if conflict.resolution.is_some() {
        return Err(ReviewError::ConflictResolved);
    }
    let mut editing = Editing::lock(
        txn,
        deps.forms,
        conflict.household_id,
        request.version,
        Load::Full,
    )
    .await?
    .filter(|e| actor.scope.covers(&e.row.area_code))
    .ok_or(ReviewError::NotFound)?;
    let current = editing.row.version;
    if request.version > current {
        return Err(ReviewError::Invalid(format!(
            "versi {} belum ada; versi rumah tangga sekarang {current}",
            request.version
        )));
    }
    if request.version < current {
        let changes = changes::versions(txn, conflict.household_id, request.version).await?;
        return Err(ReviewError::Stale(StaleVersion {
            current_version: current,
            changes: changes.into_iter().map(views::version).collect(),
        }));
    }
    let chosen = match request.keep {
        Keep::Stored => conflict.stored_value.clone(),
        Keep::Incoming => conflict.incoming_value.clone(),
        Keep::Value => request.value.clone().unwrap_or(Value::Null),
    };
    let now = Utc::now().trunc_subsecs(6);
    let writer = office_writer(actor, deps.clock);
    let mut batch = WriteBatch::new(txn.get_database_backend());
    let settle = Settle {
        deps,
        txn,
        actor,
        writer: &writer,
        now,
    };
    let changed = settle
        .apply(&mut editing, &mut batch, &conflict, &chosen)
        .await?;
    let version = if changed {
        editing.detail.conflict_id = Some(conflict_id);
        let author = Author {
            writer: &writer,
            seq: 0,
            now,
            scoring: deps.scoring,
        };
        Some(
            editing
                .finish(ChangeKind::Resolve, &author, &mut batch)?
                .version,
        )
    } else {
        None
    };
    batch.finish(txn).await?;
    let resolution = StoredResolution {
        keep: request.keep,
        value: chosen,
        version,
        by: actor.id,
        at: now,
    };
    // The household's lock orders settlements of its conflicts: one settled meanwhile shows
    // here.
    if !conflicts::resolve(txn, conflict_id, &resolution).await? {
        return Err(ReviewError::ConflictResolved);
    }
    let detail = json!({ "conflict": conflict_id, "keep": request.keep, "version": version });
    let target = conflict.household_id.to_string();
    audit::record(
        txn,
        now,
        Some(actor.id),
        "conflict.resolve",
        &target,
        detail,
    )
    .await?;
    Ok((
        conflict.household_id,
        version.unwrap_or(current),
        resolution,
    ))
}

/// What settling a value needs.
struct Settle<'a, C> {
    deps: &'a ReviewDeps<'a>,
    txn: &'a C,
    actor: &'a Actor,
    writer: &'a Writer,
    now: chrono::DateTime<Utc>,
}

fn invalid(message: impl Into<String>) -> ReviewError {
    ReviewError::Invalid(message.into())
}

/// The first problem the form finds with `value` as the answer `field`.
fn check_answer(errors: Vec<sync_protocol::v1::FieldError>) -> Result<(), ReviewError> {
    match errors.into_iter().next() {
        None => Ok(()),
        Some(e) => Err(invalid(format!(
            "value tidak sah untuk {}: {}",
            e.field, e.message
        ))),
    }
}

fn as_bool(value: &Value, what: &str) -> Result<bool, ReviewError> {
    value
        .as_bool()
        .ok_or_else(|| invalid(format!("{what} hanya bisa true atau false")))
}

impl<C: ConnectionTrait> Settle<'_, C> {
    /// Writes `value` into what the conflict is about; returns whether anything changed.
    async fn apply(
        &self,
        editing: &mut Editing,
        batch: &mut WriteBatch,
        conflict: &StoredConflict,
        value: &Value,
    ) -> Result<bool, ReviewError> {
        let edit = editing.edit(self.writer);
        match &conflict.target {
            ConflictTarget::Household { field } if field == DELETED_FIELD => {
                let deleted = as_bool(value, DELETED_FIELD)?;
                if deleted == editing.row.record.tombstone.is_some() {
                    return Ok(false);
                }
                editing.row.record.tombstone = deleted.then(|| edit.stamp());
                editing.dirty.tombstone = true;
                editing.detail.record(
                    household_field(DELETED_FIELD),
                    Value::Bool(!deleted),
                    Value::Bool(deleted),
                );
                Ok(true)
            }
            ConflictTarget::Household { field } if field == AREA_FIELD => {
                let area = value
                    .as_str()
                    .and_then(|s| AreaCode::parse(s).ok())
                    .filter(AreaCode::is_village)
                    .ok_or_else(|| invalid("@area harus kode desa/kelurahan"))?;
                if area.as_str() == editing.row.area_code {
                    return Ok(false);
                }
                if !self.actor.scope.covers(area.as_str()) {
                    return Err(ReviewError::OutOfScope(format!(
                        "wilayah {area} di luar wilayah tugas Anda"
                    )));
                }
                if !self.deps.areas.exists(self.txn, area.as_str()).await? {
                    return Err(invalid(format!("wilayah {area} tidak terdaftar")));
                }
                editing.row.area_stamp = Some(edit.stamp());
                editing.dirty.area = true;
                editing.move_to(area.as_str().to_owned());
                Ok(true)
            }
            ConflictTarget::Household { field } => {
                if !editing.form.has_household_field(field) {
                    return Err(invalid(format!(
                        "pertanyaan {field:?} tidak ada di formulir"
                    )));
                }
                let answer = Fields::from([(field.clone(), value.clone())]);
                check_answer(editing.form.check_household(&answer, "value", false))?;
                let before = editing
                    .row
                    .record
                    .fields
                    .get(field)
                    .cloned()
                    .unwrap_or(Value::Null);
                if !editing.row.record.settle(field, value, &edit) {
                    return Ok(false);
                }
                editing.dirty.answers = true;
                editing
                    .detail
                    .record(household_field(field), before, value.clone());
                Ok(true)
            }
            ConflictTarget::Member { member_id, field } => {
                self.member(editing, batch, *member_id, field, value).await
            }
            ConflictTarget::Family { family_id, field } => {
                self.family(editing, batch, *family_id, field, value).await
            }
        }
    }

    async fn member(
        &self,
        editing: &mut Editing,
        batch: &mut WriteBatch,
        member_id: Uuid,
        field: &str,
        value: &Value,
    ) -> Result<bool, ReviewError> {
        let edit = editing.edit(self.writer);
        let mut member = members::find(self.txn, member_id)
            .await?
            .filter(|m| m.household_id == editing.row.id)
            .ok_or_else(|| invalid("anggota yang dikonflikkan tidak ada lagi"))?;
        let nik_before = members::nik_of(&member.record);
        let target = ConflictTarget::Member {
            member_id,
            field: field.to_owned(),
        };
        if field == REMOVED_FIELD {
            let removed = as_bool(value, REMOVED_FIELD)?;
            if removed == member.record.tombstone.is_some() {
                return Ok(false);
            }
            member.record.tombstone = removed.then(|| edit.stamp());
            editing
                .detail
                .record(target, Value::Bool(!removed), Value::Bool(removed));
        } else {
            if !editing.form.has_member_field(field) {
                return Err(invalid(format!(
                    "pertanyaan anggota {field:?} tidak ada di formulir"
                )));
            }
            let answer = Fields::from([(field.to_owned(), value.clone())]);
            check_answer(editing.form.check_member(&answer, "value", false))?;
            let before = member
                .record
                .fields
                .get(field)
                .cloned()
                .unwrap_or(Value::Null);
            if !member.record.settle(field, value, &edit) {
                return Ok(false);
            }
            editing.detail.record(target, before, value.clone());
        }
        members::save(batch, &member, self.now);
        let nik_after = members::nik_of(&member.record);
        editing.recheck_visits(nik_before.into_iter().chain(nik_after));
        Ok(true)
    }

    async fn family(
        &self,
        editing: &mut Editing,
        batch: &mut WriteBatch,
        family_id: Uuid,
        field: &str,
        value: &Value,
    ) -> Result<bool, ReviewError> {
        if field != "no_kk" {
            return Err(invalid(format!("isian keluarga {field:?} tidak dikenal")));
        }
        let no_kk = match value {
            Value::Null => None,
            Value::String(s) if s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit()) => {
                Some(s.clone())
            }
            _ => return Err(invalid("No KK harus 16 digit angka, atau null")),
        };
        let mut family = families::find(self.txn, family_id)
            .await?
            .filter(|f| f.household_id == editing.row.id)
            .ok_or_else(|| invalid("keluarga (KK) yang dikonflikkan tidak ada lagi"))?;
        if family.no_kk == no_kk {
            return Ok(false);
        }
        let stamp = editing.edit(self.writer).stamp();
        editing.detail.record(
            ConflictTarget::Family {
                family_id,
                field: field.to_owned(),
            },
            family.no_kk.clone().map_or(Value::Null, Value::String),
            value.clone(),
        );
        family.no_kk = no_kk;
        family.no_kk_stamp = Some(stamp.clone());
        families::upsert(batch, &family, false, self.now);
        families::record_history(batch, family.id, family.no_kk.as_deref(), &stamp, self.now);
        editing.recheck_visits(None);
        Ok(true)
    }
}
