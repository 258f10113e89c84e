//! Households, the merged record, and their snapshots for pull.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sync_protocol::merge::{Record, Stamp};
use sync_protocol::v1::{FamilySnapshot, HouseholdSnapshot, MemberSnapshot};
use uuid::Uuid;

use super::entities::{family, household, member};
use super::{StoreError, from_json, to_json};

/// A household as the merge rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdRow {
    /// Id, made on the phone.
    pub id: Uuid,
    /// Desa/kelurahan code.
    pub area_code: String,
    /// Who last set the area, at which version.
    pub area_stamp: Option<Stamp>,
    /// Form id.
    pub form_id: String,
    /// Form version.
    pub form_version: i32,
    /// Current version.
    pub version: i64,
    /// Answers, their stamps, and the soft-delete tombstone.
    pub record: Record,
    /// Review status (server-authoritative).
    pub review_status: String,
    /// Who created it.
    pub created_by: Uuid,
    /// When it was created on the server.
    pub created_at: DateTime<Utc>,
}

fn to_row(m: household::Model) -> Result<HouseholdRow, StoreError> {
    Ok(HouseholdRow {
        id: m.id,
        area_code: m.area_code,
        area_stamp: m
            .area_stamp
            .map(|s| from_json(s, "household.area_stamp"))
            .transpose()?,
        form_id: m.form_id,
        form_version: m.form_version,
        version: m.version,
        record: Record {
            fields: from_json(m.fields, "household.fields")?,
            stamps: from_json(m.stamps, "household.stamps")?,
            tombstone: m
                .tombstone
                .map(|t| from_json(t, "household.tombstone"))
                .transpose()?,
        },
        review_status: m.review_status,
        created_by: m.created_by,
        created_at: m.created_at,
    })
}

fn to_active(row: &HouseholdRow, now: DateTime<Utc>) -> household::ActiveModel {
    household::ActiveModel {
        id: Set(row.id),
        area_code: Set(row.area_code.clone()),
        area_stamp: Set(row.area_stamp.as_ref().map(to_json)),
        form_id: Set(row.form_id.clone()),
        form_version: Set(row.form_version),
        version: Set(row.version),
        fields: Set(to_json(&row.record.fields)),
        stamps: Set(to_json(&row.record.stamps)),
        tombstone: Set(row.record.tombstone.as_ref().map(to_json)),
        review_status: Set(row.review_status.clone()),
        created_by: Set(row.created_by),
        created_at: Set(row.created_at),
        updated_at: Set(now),
    }
}

/// Loads a household and locks its row until the transaction ends (PostgreSQL). On SQLite the
/// transaction already holds the database's write lock.
pub async fn find_for_update(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<HouseholdRow>, StoreError> {
    household::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?
        .map(to_row)
        .transpose()
}

/// Loads a household without locking.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<HouseholdRow>, StoreError> {
    household::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_row)
        .transpose()
}

/// Inserts a new household.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: &HouseholdRow,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    household::Entity::insert(to_active(row, now))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Writes every mutable column of a household.
pub async fn save(
    db: &impl ConnectionTrait,
    row: &HouseholdRow,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut model = to_active(row, now);
    // The key and the creation columns never change: leave them out of the UPDATE.
    model.id = NotSet;
    model.created_by = NotSet;
    model.created_at = NotSet;
    household::Entity::update_many()
        .set(model)
        .filter(household::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

/// The newest stamp written after `base` by another device in anything the household owns
/// (its members and families). The household's own record is checked by the caller.
pub async fn owned_concurrent_stamp(
    db: &impl ConnectionTrait,
    household_id: Uuid,
    base: i64,
    device: Uuid,
) -> Result<Option<Stamp>, StoreError> {
    let members = member::Entity::find()
        .filter(member::Column::HouseholdId.eq(household_id))
        .all(db)
        .await?;
    let families = family::Entity::find()
        .filter(family::Column::HouseholdId.eq(household_id))
        .all(db)
        .await?;
    let mut newest: Option<Stamp> = None;
    let mut consider = |stamp: Option<&Stamp>| {
        if let Some(s) = stamp.filter(|s| s.version > base && s.writer.device_id != device)
            && newest.as_ref().is_none_or(|n| s.version > n.version)
        {
            newest = Some(s.clone());
        }
    };
    for m in members {
        let record = Record {
            fields: sync_protocol::v1::Fields::new(),
            stamps: from_json(m.stamps, "member.stamps")?,
            tombstone: m
                .tombstone
                .map(|t| from_json(t, "member.tombstone"))
                .transpose()?,
        };
        consider(record.concurrent_stamp(base, device));
    }
    for f in families {
        let stamp: Option<Stamp> = f
            .no_kk_stamp
            .map(|s| from_json(s, "family.no_kk_stamp"))
            .transpose()?;
        consider(stamp.as_ref());
    }
    Ok(newest)
}

/// Current snapshots of the given households, with members and families (three queries).
pub async fn snapshots(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, HouseholdSnapshot>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let households = household::Entity::find()
        .filter(household::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let families = family::Entity::find()
        .filter(family::Column::HouseholdId.is_in(ids.iter().copied()))
        .order_by_asc(family::Column::CreatedAt)
        .order_by_asc(family::Column::Id)
        .all(db)
        .await?;
    let members = member::Entity::find()
        .filter(member::Column::HouseholdId.is_in(ids.iter().copied()))
        .order_by_asc(member::Column::CreatedAt)
        .order_by_asc(member::Column::Id)
        .all(db)
        .await?;
    let mut out = HashMap::with_capacity(households.len());
    for h in households {
        let deleted = h.tombstone.is_some();
        out.insert(
            h.id,
            HouseholdSnapshot {
                id: h.id,
                area_code: h.area_code,
                form_id: h.form_id,
                form_version: h.form_version,
                version: h.version,
                deleted,
                review_status: h.review_status,
                fields: from_json(h.fields, "household.fields")?,
                families: Vec::new(),
                members: Vec::new(),
                updated_at: h.updated_at,
            },
        );
    }
    for f in families {
        if let Some(s) = out.get_mut(&f.household_id) {
            s.families.push(FamilySnapshot {
                id: f.id,
                no_kk: f.no_kk,
            });
        }
    }
    for m in members {
        if let Some(s) = out.get_mut(&m.household_id) {
            s.members.push(MemberSnapshot {
                id: m.id,
                family_id: m.family_id,
                fields: from_json(m.fields, "member.fields")?,
                removed: m.tombstone.is_some(),
            });
        }
    }
    Ok(out)
}
