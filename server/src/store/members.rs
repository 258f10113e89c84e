//! Household members.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Value};
use sync_protocol::merge::Record;
use uuid::Uuid;

use super::batch::WriteBatch;
use super::entities::member;
use super::{StoreError, from_json, json_text, json_text_or_null, stamps_from_json, stamps_text};

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

/// The ids of a household's members, removed ones included.
pub async fn of_household(
    db: &impl ConnectionTrait,
    household_id: Uuid,
) -> Result<Vec<Uuid>, StoreError> {
    Ok(member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .filter(member::Column::HouseholdId.eq(household_id))
        .into_tuple::<Uuid>()
        .all(db)
        .await?)
}

/// Inserts a new member unless one with its id exists. Returns whether it was inserted.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: &MemberRow,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    // Most pushes are members: written out once (see `devices`).
    const INSERT: &str = "INSERT INTO member (id, household_id, family_id, nik, fields, stamps, \
        tombstone, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, $5::jsonb, $6::json, $7::json, $8, $8) ON CONFLICT (id) DO NOTHING";
    let statement = super::statement(
        db.get_database_backend(),
        INSERT,
        [row.id.into(), row.household_id.into()]
            .into_iter()
            .chain(mutable_values(row))
            .chain([now.into()]),
    );
    Ok(db.execute_raw(statement).await?.rows_affected() > 0)
}

/// Queues the write of a member's mutable columns (the key, the household and the creation
/// time never change).
pub fn save(batch: &mut WriteBatch, row: &MemberRow, now: DateTime<Utc>) {
    // Every member edit ends with one: written out once (see `devices`).
    const UPDATE: &str = "UPDATE member SET family_id = $1, nik = $2, fields = $3::jsonb, \
        stamps = $4::json, tombstone = $5::json, updated_at = $6 WHERE id = $7";
    batch.push_sql(
        UPDATE,
        mutable_values(row)
            .into_iter()
            .chain([now.into(), row.id.into()]),
    );
}

/// The values of `family_id`, `nik`, `fields`, `stamps` and `tombstone`, in that order.
fn mutable_values(row: &MemberRow) -> [Value; 5] {
    [
        row.family_id.into(),
        nik_of(&row.record).into(),
        json_text(&row.record.fields),
        stamps_text(&row.record.stamps),
        json_text_or_null(row.record.tombstone.as_ref()),
    ]
}
