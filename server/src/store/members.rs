//! Household members.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement,
};
use sync_protocol::merge::Record;
use uuid::Uuid;

use super::batch::WriteBatch;
use super::entities::member;
use super::{StoreError, from_json, stamps_from_json, stamps_to_json, to_json};

/// A member as the merge rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRow {
    /// Id, made on the phone.
    pub id: Uuid,
    /// The household.
    pub household_id: Uuid,
    /// The family (Kartu Keluarga) the member is listed on.
    pub family_id: Option<Uuid>,
    /// Answers, stamps and the removal tombstone.
    pub record: Record,
}

/// The NIK column mirrors `fields.nik` when it is 16 digits, so duplicates can be found by index.
#[must_use]
pub fn nik_of(record: &Record) -> Option<String> {
    record
        .fields
        .get("nik")
        .and_then(serde_json::Value::as_str)
        .filter(|s| s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_owned)
}

fn to_active(row: &MemberRow, now: DateTime<Utc>) -> member::ActiveModel {
    member::ActiveModel {
        id: Set(row.id),
        household_id: Set(row.household_id),
        family_id: Set(row.family_id),
        nik: Set(nik_of(&row.record)),
        fields: Set(to_json(&row.record.fields)),
        stamps: Set(stamps_to_json(&row.record.stamps)),
        tombstone: Set(row.record.tombstone.as_ref().map(to_json)),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Loads a member.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<MemberRow>, StoreError> {
    let Some(m) = member::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(Some(MemberRow {
        id: m.id,
        household_id: m.household_id,
        family_id: m.family_id,
        record: Record {
            fields: from_json(m.fields, "member.fields")?,
            stamps: stamps_from_json(m.stamps, "member.stamps")?,
            tombstone: m
                .tombstone
                .map(|t| from_json(t, "member.tombstone"))
                .transpose()?,
        },
    }))
}

/// Inserts a new member unless one with its id exists. Returns whether it was inserted.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: &MemberRow,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    // Most pushes are members: written out once (see `devices`).
    const INSERT: &str = "INSERT INTO member (id, household_id, family_id, nik, fields, stamps, \
        tombstone, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
        ON CONFLICT (id) DO NOTHING";
    let statement = Statement::from_sql_and_values(
        db.get_database_backend(),
        INSERT,
        [
            row.id.into(),
            row.household_id.into(),
            row.family_id.into(),
            nik_of(&row.record).into(),
            to_json(&row.record.fields).into(),
            stamps_to_json(&row.record.stamps).into(),
            row.record.tombstone.as_ref().map(to_json).into(),
            now.into(),
        ],
    );
    Ok(db.execute_raw(statement).await?.rows_affected() > 0)
}

/// Queues the write of a member's mutable columns.
pub fn save(batch: &mut WriteBatch, row: &MemberRow, now: DateTime<Utc>) {
    let mut model = to_active(row, now);
    // The key, the household and the creation time never change.
    model.id = sea_orm::ActiveValue::NotSet;
    model.household_id = sea_orm::ActiveValue::NotSet;
    model.created_at = sea_orm::ActiveValue::NotSet;
    batch.push(
        &member::Entity::update_many()
            .set(model)
            .filter(member::Column::Id.eq(row.id)),
    );
}
