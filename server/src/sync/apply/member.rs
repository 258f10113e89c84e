//! add / update / remove a member, and put a family (No KK).

use sea_orm::ConnectionTrait;
use serde_json::Value;
use sync_protocol::merge::{DeleteOutcome, Record, merge_value};
use sync_protocol::v1::{
    AddMember, ChangeKind, ConflictTarget, FieldError, FieldErrorCode, PutFamily, RejectCode,
    RemoveMember, UpdateMember,
};
use uuid::Uuid;

use super::{Applied, Ctx, Failure, begin, finish, invalid, reject, revive, supervisors_only};
use crate::domain::history::{ADDED_FIELD, REMOVED_FIELD};
use crate::household::Editing;
use crate::store::batch::WriteBatch;
use crate::store::families::{self, FamilyRow};
use crate::store::households::Load;
use crate::store::members::{self, MemberRow};

fn member_field(member_id: Uuid, field: &str) -> ConflictTarget {
    ConflictTarget::Member {
        member_id,
        field: field.to_owned(),
    }
}

/// Loads a member of the household being edited.
async fn member_of<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    editing: &Editing,
    member_id: Uuid,
) -> Result<MemberRow, Failure> {
    members::find(ctx.db, member_id)
        .await?
        .filter(|m| m.household_id == editing.row.id)
        .ok_or_else(|| {
            reject(
                RejectCode::MemberNotFound,
                "anggota rumah tangga tidak ditemukan",
            )
        })
}

pub(super) async fn add<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    batch: &mut WriteBatch,
    m: &AddMember,
) -> Result<Applied, Failure> {
    let mut editing = begin(ctx, m.household_id, m.base_version, Load::Head).await?;
    let errors = editing.form.check_member(&m.fields, "fields", false);
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    supervisors_only(
        ctx.actor,
        editing.form.supervisor_member_fields(&m.fields, "fields"),
    )?;
    if let Some(family_id) = m.family_id {
        let family = families::find(ctx.db, family_id).await?;
        if family.is_none_or(|f| f.household_id != m.household_id) {
            return Err(reject(
                RejectCode::FamilyNotFound,
                "keluarga (KK) tidak ditemukan",
            ));
        }
    }
    revive(&mut editing, &ctx.writer)?;
    let edit = editing.edit(&ctx.writer);
    let row = MemberRow {
        id: m.member_id,
        household_id: m.household_id,
        family_id: m.family_id,
        record: Record::created(&m.fields, &edit),
    };
    // The insert is the existence check: nothing else was written yet, so a member id that is
    // taken can still be rejected cleanly.
    if !members::insert(ctx.db, &row, ctx.now).await? {
        return Err(reject(
            RejectCode::MemberAlreadyExists,
            "anggota dengan id ini sudah ada",
        ));
    }
    editing.recheck_visits(members::nik_of(&row.record));
    editing.detail.record(
        member_field(m.member_id, ADDED_FIELD),
        Value::Null,
        Value::Bool(true),
    );
    finish(ctx, editing, ChangeKind::AddMember, batch)
}

pub(super) async fn update<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    batch: &mut WriteBatch,
    m: &UpdateMember,
) -> Result<Applied, Failure> {
    let mut editing = begin(ctx, m.household_id, m.base_version, Load::Head).await?;
    let mut member = member_of(ctx, &editing, m.member_id).await?;
    let errors = editing.form.check_member(&m.fields, "fields", false);
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    supervisors_only(
        ctx.actor,
        editing.form.supervisor_member_fields(&m.fields, "fields"),
    )?;
    revive(&mut editing, &ctx.writer)?;
    let edit = editing.edit(&ctx.writer);
    // A member brought back counts again for other households holding its NIK, as a NIK
    // written anew does.
    let nik_before = match member.record.revive_for(&edit) {
        Ok(None) => members::nik_of(&member.record),
        Ok(Some(conflict)) => {
            editing.detail.record(
                member_field(m.member_id, REMOVED_FIELD),
                Value::Bool(true),
                Value::Bool(false),
            );
            editing.conflict(member_field(m.member_id, REMOVED_FIELD), conflict);
            None
        }
        Err(_) => {
            return Err(reject(
                RejectCode::MemberRemoved,
                "anggota ini sudah dihapus",
            ));
        }
    };
    let form = editing.form.clone();
    let before: Vec<(&String, Value)> = m
        .fields
        .keys()
        .map(|k| {
            (
                k,
                member.record.fields.get(k).cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    let merge = member
        .record
        .merge_fields(&m.fields, &edit, |f| form.member_policy(f));
    for (field, before) in before {
        let after = member
            .record
            .fields
            .get(field)
            .cloned()
            .unwrap_or(Value::Null);
        editing
            .detail
            .record(member_field(m.member_id, field), before, after);
    }
    for conflict in merge.conflicts {
        editing.conflict(member_field(m.member_id, &conflict.field), conflict);
    }
    members::save(batch, &member, ctx.now);
    let nik_after = members::nik_of(&member.record);
    // Other households' `nik_duplicate` changes only with the NIK itself.
    if nik_after == nik_before {
        editing.recheck_visits(None);
    } else {
        editing.recheck_visits(nik_before.into_iter().chain(nik_after));
    }
    finish(ctx, editing, ChangeKind::UpdateMember, batch)
}

pub(super) async fn remove<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    batch: &mut WriteBatch,
    m: &RemoveMember,
) -> Result<Applied, Failure> {
    let mut editing = begin(ctx, m.household_id, m.base_version, Load::Head).await?;
    let mut member = member_of(ctx, &editing, m.member_id).await?;
    revive(&mut editing, &ctx.writer)?;
    let edit = editing.edit(&ctx.writer);
    let concurrent = member
        .record
        .concurrent_stamp(m.base_version, ctx.writer.device_id)
        .cloned();
    match member.record.delete(&edit, concurrent.as_ref()) {
        DeleteOutcome::Deleted => editing.detail.record(
            member_field(m.member_id, REMOVED_FIELD),
            Value::Bool(false),
            Value::Bool(true),
        ),
        DeleteOutcome::AlreadyDeleted => {}
        DeleteOutcome::Lost(conflict) => {
            editing.conflict(member_field(m.member_id, REMOVED_FIELD), conflict);
        }
    }
    members::save(batch, &member, ctx.now);
    editing.recheck_visits(members::nik_of(&member.record));
    finish(ctx, editing, ChangeKind::RemoveMember, batch)
}

pub(super) async fn put_family<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    batch: &mut WriteBatch,
    m: &PutFamily,
) -> Result<Applied, Failure> {
    let mut editing = begin(ctx, m.household_id, m.base_version, Load::Head).await?;
    if let Some(no_kk) = &m.no_kk
        && (no_kk.len() != 16 || !no_kk.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(invalid(vec![FieldError::new(
            "no_kk",
            FieldErrorCode::InvalidFormat,
            "No KK harus 16 digit angka",
        )]));
    }
    let existing = families::find(ctx.db, m.family_id).await?;
    if existing
        .as_ref()
        .is_some_and(|f| f.household_id != m.household_id)
    {
        return Err(reject(
            RejectCode::FamilyNotFound,
            "keluarga (KK) milik rumah tangga lain",
        ));
    }
    revive(&mut editing, &ctx.writer)?;
    let edit = editing.edit(&ctx.writer);
    let is_new = existing.is_none();
    let mut family = existing.unwrap_or(FamilyRow {
        id: m.family_id,
        household_id: m.household_id,
        no_kk: None,
        no_kk_stamp: None,
    });
    let before = family.no_kk.clone();
    let mut value = before.clone().map_or(Value::Null, Value::String);
    let incoming = m.no_kk.clone().map_or(Value::Null, Value::String);
    let merge = merge_value(
        "no_kk",
        &mut value,
        &mut family.no_kk_stamp,
        &incoming,
        &edit,
    );
    for conflict in merge.conflicts {
        let target = ConflictTarget::Family {
            family_id: m.family_id,
            field: "no_kk".to_owned(),
        };
        editing.conflict(target, conflict);
    }
    family.no_kk = value.as_str().map(str::to_owned);
    editing.detail.record(
        ConflictTarget::Family {
            family_id: m.family_id,
            field: "no_kk".to_owned(),
        },
        before.clone().map_or(Value::Null, Value::String),
        value.clone(),
    );
    families::upsert(batch, &family, is_new, ctx.now);
    if is_new || family.no_kk != before {
        let stamp = family.no_kk_stamp.clone().unwrap_or_else(|| edit.stamp());
        families::record_history(batch, family.id, family.no_kk.as_deref(), &stamp, ctx.now);
        editing.recheck_visits(None);
    }
    finish(ctx, editing, ChangeKind::PutFamily, batch)
}
