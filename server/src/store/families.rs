//! Families (Kartu Keluarga) and the history of their No KK.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement,
};
use sync_protocol::merge::Stamp;
use uuid::Uuid;

use super::entities::{family, family_kk_history};
use super::{StoreError, from_json, to_json};

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

/// Inserts or updates a family.
pub async fn upsert(
    db: &impl ConnectionTrait,
    row: &FamilyRow,
    is_new: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let model = family::ActiveModel {
        id: if is_new { Set(row.id) } else { NotSet },
        household_id: if is_new {
            Set(row.household_id)
        } else {
            NotSet
        },
        no_kk: Set(row.no_kk.clone()),
        no_kk_stamp: Set(row.no_kk_stamp.as_ref().map(to_json)),
        created_at: if is_new { Set(now) } else { NotSet },
        updated_at: Set(now),
    };
    if is_new {
        family::Entity::insert(model)
            .exec_without_returning(db)
            .await?;
    } else {
        family::Entity::update_many()
            .set(model)
            .filter(family::Column::Id.eq(row.id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Appends a No KK to the family's history.
pub async fn record_history(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    no_kk: Option<&str>,
    stamp: &Stamp,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let model = family_kk_history::ActiveModel {
        id: NotSet,
        family_id: Set(family_id),
        no_kk: Set(no_kk.map(str::to_owned)),
        recorded_at: Set(now),
        user_id: Set(stamp.writer.user_id),
        device_id: Set(stamp.writer.device_id),
    };
    family_kk_history::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(())
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
