//! create / update / move / delete a household.

use sea_orm::ConnectionTrait;
use serde_json::Value;
use sync_protocol::merge::{AREA_FIELD, DeleteOutcome, Edit, Record, Stamp, merge_value};
use sync_protocol::v1::{
    CreateHousehold, DeleteHousehold, MoveHousehold, RejectCode, UpdateHousehold,
};

use super::{
    Applied, Ctx, Editing, Failure, form, household_field, invalid, reject, village_in_scope,
};
use crate::domain::scoring;
use crate::store::batch::WriteBatch;
use crate::store::households::Load;
use crate::store::households::{self, HouseholdRow};
use crate::store::{changes, scores};

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
    };
    if !households::insert(ctx.db, &row, ctx.actor.id, ctx.now).await? {
        return Err(reject(
            RejectCode::HouseholdAlreadyExists,
            "rumah tangga dengan id ini sudah ada",
        ));
    }
    changes::append(batch, row.id, 1, &row.area_code, None, ctx.now);
    let score = scoring::score(&row.record.fields, ctx.scoring);
    scores::queue_save(batch, row.id, 1, &score, ctx.now);
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
    let mut editing = Editing::begin(ctx, m.household_id, m.base_version, Load::Full).await?;
    let errors = editing.form.check_household(&m.fields, "fields", false);
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    editing.revive(&ctx.writer)?;
    let edit = editing.edit(&ctx.writer);
    let form = editing.form.clone();
    let merge = editing
        .row
        .record
        .merge_fields(&m.fields, &edit, |f| form.household_policy(f));
    editing.dirty.answers = !merge.changed.is_empty();
    for conflict in merge.conflicts {
        editing.conflict(household_field(&conflict.field), conflict);
    }
    editing.finish(ctx, batch)
}

pub(super) async fn move_to<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    batch: &mut WriteBatch,
    m: &MoveHousehold,
) -> Result<Applied, Failure> {
    let mut editing = Editing::begin(ctx, m.household_id, m.base_version, Load::Head).await?;
    let target = village_in_scope(ctx, &m.area_code, "area_code").await?;
    editing.revive(&ctx.writer)?;
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
    if new_area != old_area {
        editing.row.area_code = new_area;
        editing.prev_area = Some(old_area);
    }
    editing.finish(ctx, batch)
}

pub(super) async fn delete<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    batch: &mut WriteBatch,
    m: &DeleteHousehold,
) -> Result<Applied, Failure> {
    let mut editing = Editing::begin(ctx, m.household_id, m.base_version, Load::Full).await?;
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
        DeleteOutcome::Deleted => editing.dirty.tombstone = true,
        DeleteOutcome::AlreadyDeleted => {}
        DeleteOutcome::Lost(conflict) => {
            editing.conflict(household_field(&conflict.field), conflict);
        }
    }
    editing.finish(ctx, batch)
}
