//! Families (Kartu Keluarga) and the history of their No KK.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use sync_protocol::merge::Stamp;
use uuid::Uuid;

use super::batch::WriteBatch;
use super::entities::family_kk_history;
use super::{StoreError, from_json, json_text_or_null};

/// A family as the merge rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyRow {
    /// Id, made on the phone.
    pub id: Uuid,
    /// The household.
    pub household_id: Uuid,
    /// Current No KK.
    pub no_kk: Option<String>,
    /// Who set the No KK, at which version.
    pub no_kk_stamp: Option<Stamp>,
}

/// Loads a family.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<FamilyRow>, StoreError> {
    // Member pushes read the family every time: written out once (see `devices`).
    const FIND: &str = "SELECT household_id, no_kk, no_kk_stamp FROM family WHERE id = $1";
    let statement = Statement::from_sql_and_values(db.get_database_backend(), FIND, [id.into()]);
    let Some(row) = db.query_one_raw(statement).await? else {
        return Ok(None);
    };
    let no_kk_stamp: Option<serde_json::Value> = row.try_get("", "no_kk_stamp")?;
    Ok(Some(FamilyRow {
        id,
        household_id: row.try_get("", "household_id")?,
        no_kk: row.try_get("", "no_kk")?,
        no_kk_stamp: no_kk_stamp
            .map(|s| from_json(s, "family.no_kk_stamp"))
            .transpose()?,
    }))
}

/// Queues the insert or update of a family.
pub fn upsert(batch: &mut WriteBatch, row: &FamilyRow, is_new: bool, now: DateTime<Utc>) {
    // Family and history writes are read by nothing later in the mutation, so they go out with
    // its last statement. Written out once (see `devices`).
    const INSERT: &str = "INSERT INTO family \
        (id, household_id, no_kk, no_kk_stamp, created_at, updated_at) \
        VALUES ($1, $2, $3, $4::json, $5, $5)";
    const UPDATE: &str =
        "UPDATE family SET no_kk = $1, no_kk_stamp = $2::json, updated_at = $3 WHERE id = $4";
    let no_kk = row.no_kk.as_deref().into();
    let stamp = json_text_or_null(row.no_kk_stamp.as_ref());
    if is_new {
        batch.push_sql(
            INSERT,
            [
                row.id.into(),
                row.household_id.into(),
                no_kk,
                stamp,
                now.into(),
            ],
        );
    } else {
        batch.push_sql(UPDATE, [no_kk, stamp, now.into(), row.id.into()]);
    }
}

/// Queues a No KK's entry in the family's history.
pub fn record_history(
    batch: &mut WriteBatch,
    family_id: Uuid,
    no_kk: Option<&str>,
    stamp: &Stamp,
    now: DateTime<Utc>,
) {
    const INSERT: &str = "INSERT INTO family_kk_history \
        (family_id, no_kk, recorded_at, user_id, device_id) VALUES ($1, $2, $3, $4, $5)";
    batch.push_sql(
        INSERT,
        [
            family_id.into(),
            no_kk.into(),
            now.into(),
            stamp.writer.user_id.into(),
            stamp.writer.device_id.into(),
        ],
    );
}

/// The No KK history of a family, oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    family_id: Uuid,
) -> Result<Vec<Option<String>>, StoreError> {
    use sea_orm::QueryOrder;
    Ok(family_kk_history::Entity::find()
        .filter(family_kk_history::Column::FamilyId.eq(family_id))
        .order_by_asc(family_kk_history::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|h| h.no_kk)
        .collect())
}
