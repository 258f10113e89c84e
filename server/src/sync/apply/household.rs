//! create / update / move / delete a household.

use sea_orm::ConnectionTrait;
use serde_json::Value;
use sync_protocol::merge::{
    AREA_FIELD, DELETED_FIELD, DeleteOutcome, Edit, Record, Stamp, merge_value,
};
use sync_protocol::v1::{
    ChangeKind, CreateHousehold, DeleteHousehold, MoveHousehold, RejectCode, ReviewStatus,
    UpdateHousehold,
};

use super::{
    Applied, Ctx, Failure, begin, finish, form, invalid, reject, revive, supervisors_only,
    village_in_scope,
};
use crate::household::{self, Author, household_field};
use crate::store::batch::WriteBatch;
use crate::store::households::{self, HouseholdRow, Load};

pub(super) async fn create<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    batch: &mut WriteBatch,
    m: &CreateHousehold,
) -> Result<Applied, Failure> {
    let area = village_in_scope(ctx, &m.area_code, "area_code").await?;
    let form = form(ctx, &m.form_id, m.form_version).await?;
    let errors = form.check_household(&m.fields, "fields", false);
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    supervisors_only(
        ctx.actor,
        form.supervisor_household_fields(&m.fields, "fields"),
    )?;
    let edit = Edit {
        base_version: 0,
        new_version: 1,
        writer: &ctx.writer,
    };
    let row = HouseholdRow {
        id: m.household_id,
        area_code: area.as_str().to_owned(),
        area_stamp: Some(edit.stamp()),
        form_id: m.form_id.clone(),
        form_version: m.form_version,
        version: 1,
        record: Record::created(&m.fields, &edit),
        answers_loaded: true,
        review: ReviewStatus::Pending,
        review_id: None,
    };
    let author = Author {
        writer: &ctx.writer,
        seq: ctx.seq,
        now: ctx.now,
        scoring: ctx.scoring,
    };
    if !household::create(ctx.db, &row, &author, batch).await? {
        return Err(reject(
            RejectCode::HouseholdAlreadyExists,
            "rumah tangga dengan id ini sudah ada",
        ));
    }
    Ok(Applied {
        household_id: row.id,
        version: Some(1),
        conflicts: Vec::new(),
    })
}

pub(super) async fn update<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    batch: &mut WriteBatch,
    m: &UpdateHousehold,
) -> Result<Applied, Failure> {
    let mut editing = begin(ctx, m.household_id, m.base_version, Load::Full).await?;
    let errors = editing.form.check_household(&m.fields, "fields", false);
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    supervisors_only(
        ctx.actor,
        editing
            .form
            .supervisor_household_fields(&m.fields, "fields"),
    )?;
    revive(&mut editing, &ctx.writer)?;
    let edit = editing.edit(&ctx.writer);
    let form = editing.form.clone();
    let before: Vec<(&String, Value)> = m
        .fields
        .keys()
        .map(|k| {
            (
                k,
                editing
                    .row
                    .record
                    .fields
                    .get(k)
                    .cloned()
                    .unwrap_or(Value::Null),
            )
        })
        .collect();
    let merge = editing
        .row
        .record
        .merge_fields(&m.fields, &edit, |f| form.household_policy(f));
    editing.dirty.answers = !merge.changed.is_empty();
    for (field, before) in before {
        let after = editing
            .row
            .record
            .fields
            .get(field)
            .cloned()
            .unwrap_or(Value::Null);
        editing.detail.record(household_field(field), before, after);
    }
    for conflict in merge.conflicts {
        editing.conflict(household_field(&conflict.field), conflict);
    }
    finish(ctx, editing, ChangeKind::Update, batch)
}

pub(super) async fn move_to<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    batch: &mut WriteBatch,
    m: &MoveHousehold,
) -> Result<Applied, Failure> {
    let mut editing = begin(ctx, m.household_id, m.base_version, Load::Head).await?;
    let target = village_in_scope(ctx, &m.area_code, "area_code").await?;
    revive(&mut editing, &ctx.writer)?;
    let edit = editing.edit(&ctx.writer);
    let old_area = editing.row.area_code.clone();
    let mut value = Value::String(old_area.clone());
    let merge = merge_value(
        AREA_FIELD,
        &mut value,
        &mut editing.row.area_stamp,
        &Value::String(target.as_str().to_owned()),
        &edit,
    );
    editing.dirty.area = !merge.changed.is_empty();
    for conflict in merge.conflicts {
        editing.conflict(household_field(AREA_FIELD), conflict);
    }
    let new_area = value.as_str().unwrap_or(&old_area).to_owned();
    editing.move_to(new_area);
    finish(ctx, editing, ChangeKind::Move, batch)
}

pub(super) async fn delete<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    batch: &mut WriteBatch,
    m: &DeleteHousehold,
) -> Result<Applied, Failure> {
    let mut editing = begin(ctx, m.household_id, m.base_version, Load::Full).await?;
    let device = ctx.writer.device_id;
    let edit = editing.edit(&ctx.writer);
    let owned =
        households::owned_concurrent_stamp(ctx.db, m.household_id, m.base_version, device).await?;
    let own = editing
        .row
        .record
        .concurrent_stamp(m.base_version, device)
        .cloned();
    let area = editing
        .row
        .area_stamp
        .clone()
        .filter(|s| edit.is_concurrent(s));
    let newest: Option<Stamp> = [owned, own, area]
        .into_iter()
        .flatten()
        .max_by_key(|s| s.version);
    match editing.row.record.delete(&edit, newest.as_ref()) {
        DeleteOutcome::Deleted => {
            editing.dirty.tombstone = true;
            editing.detail.record(
                household_field(DELETED_FIELD),
                Value::Bool(false),
                Value::Bool(true),
            );
        }
        DeleteOutcome::AlreadyDeleted => {}
        DeleteOutcome::Lost(conflict) => {
            editing.conflict(household_field(&conflict.field), conflict);
        }
    }
    finish(ctx, editing, ChangeKind::Delete, batch)
}
