//! Stored same-field conflicts.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use sync_protocol::merge::{FieldConflict, FieldPolicy, Stamp, Winner, Writer};
use sync_protocol::v1::{ConflictTarget, Keep};
use uuid::Uuid;

use super::batch::WriteBatch;
use super::entities::conflict;
use super::{StoreError, from_json, to_json};
use crate::domain::scope::Scope;

/// A conflict to store.
#[derive(Debug, Clone)]
pub struct NewConflict<'a> {
    /// The household.
    pub household_id: Uuid,
    /// The household's area after the mutation (for scoping the supervisor's list).
    pub area_code: &'a str,
    /// What was in conflict.
    pub target: &'a ConflictTarget,
    /// The conflict as the merge rules found it.
    pub conflict: &'a FieldConflict,
    /// The version the incoming edit was based on.
    pub base_version: i64,
    /// The version the incoming edit produced.
    pub incoming_version: i64,
    /// The incoming edit's writer.
    pub incoming: &'a Writer,
    /// The incoming mutation's seq.
    pub incoming_seq: u64,
}

/// A stored conflict, as listed for supervisors.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredConflict {
    /// Id.
    pub id: Uuid,
    /// The household.
    pub household_id: Uuid,
    /// Its area.
    pub area_code: String,
    /// What was in conflict.
    pub target: ConflictTarget,
    /// `last_writer_wins` or `prefer_supervisor`.
    pub policy: FieldPolicy,
    /// Which value the field kept.
    pub winner: Winner,
    /// The version the incoming edit was based on.
    pub base_version: i64,
    /// The value that was stored, and who wrote it.
    pub stored_value: serde_json::Value,
    /// Its stamp.
    pub stored: Stamp,
    /// The incoming value.
    pub incoming_value: serde_json::Value,
    /// Its stamp.
    pub incoming: Stamp,
    /// The incoming mutation's seq on its device.
    pub incoming_seq: i64,
    /// When the server met it.
    pub created_at: DateTime<Utc>,
    /// How a supervisor settled it.
    pub resolution: Option<StoredResolution>,
}

/// How a conflict was settled.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResolution {
    /// Which value was kept.
    pub keep: Keep,
    /// The value the field holds since.
    pub value: serde_json::Value,
    /// The household version the settlement made; `None` when the field held it already.
    pub version: Option<i64>,
    /// Who settled it.
    pub by: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// The part of a settlement kept in the `resolution` column.
#[derive(Serialize, Deserialize)]
struct ResolutionColumn {
    keep: Keep,
    value: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<i64>,
}

fn target_parts(target: &ConflictTarget) -> (&'static str, Option<Uuid>, &str) {
    match target {
        ConflictTarget::Household { field } => ("household", None, field),
        ConflictTarget::Member { member_id, field } => ("member", Some(*member_id), field),
        ConflictTarget::Family { family_id, field } => ("family", Some(*family_id), field),
    }
}

fn name_of<T: serde::Serialize>(value: &T) -> String {
    to_json(value).as_str().unwrap_or_default().to_owned()
}

/// Queues moving a household's conflicts to its new desa: they are listed for whoever covers
/// the household now, not for the supervisors of the desa it left.
pub fn queue_move(batch: &mut WriteBatch, household_id: Uuid, area_code: &str) {
    batch.push(
        &conflict::Entity::update_many()
            .col_expr(conflict::Column::AreaCode, Expr::value(area_code))
            .filter(conflict::Column::HouseholdId.eq(household_id)),
    );
}

/// Queues a conflict and returns its id.
pub fn insert(batch: &mut WriteBatch, c: &NewConflict<'_>, now: DateTime<Utc>) -> Uuid {
    let id = Uuid::now_v7();
    let (kind, target_id, field) = target_parts(c.target);
    let stored = &c.conflict.stored_stamp;
    let model = conflict::ActiveModel {
        id: Set(id),
        household_id: Set(c.household_id),
        area_code: Set(c.area_code.to_owned()),
        target_kind: Set(kind.to_owned()),
        target_id: Set(target_id),
        field: Set(field.to_owned()),
        policy: Set(name_of(&c.conflict.policy)),
        winner: Set(name_of(&c.conflict.winner)),
        base_version: Set(c.base_version),
        stored_value: Set(c.conflict.stored_value.clone()),
        stored_version: Set(stored.version),
        stored_user_id: Set(stored.writer.user_id),
        stored_device_id: Set(stored.writer.device_id),
        stored_hlc: Set(to_json(&stored.writer)),
        incoming_value: Set(c.conflict.incoming_value.clone()),
        incoming_version: Set(c.incoming_version),
        incoming_user_id: Set(c.incoming.user_id),
        incoming_device_id: Set(c.incoming.device_id),
        incoming_hlc: Set(to_json(c.incoming)),
        incoming_seq: Set(i64::try_from(c.incoming_seq).unwrap_or(i64::MAX)),
        created_at: Set(now),
        resolved_at: Set(None),
        resolved_by: Set(None),
        resolution: Set(None),
    };
    batch.push(&conflict::Entity::insert(model));
    id
}

fn to_stored(m: conflict::Model) -> Result<StoredConflict, StoreError> {
    let target = match (m.target_kind.as_str(), m.target_id) {
        ("household", _) => ConflictTarget::Household { field: m.field },
        ("member", Some(member_id)) => ConflictTarget::Member {
            member_id,
            field: m.field,
        },
        ("family", Some(family_id)) => ConflictTarget::Family {
            family_id,
            field: m.field,
        },
        (kind, _) => {
            return Err(StoreError::Corrupt(format!(
                "conflict.target_kind {kind:?}"
            )));
        }
    };
    let resolution = match (m.resolution, m.resolved_by, m.resolved_at) {
        (Some(column), Some(by), Some(at)) => {
            let column: ResolutionColumn = from_json(column, "conflict.resolution")?;
            Some(StoredResolution {
                keep: column.keep,
                value: column.value,
                version: column.version,
                by,
                at,
            })
        }
        _ => None,
    };
    let stored_writer: Writer = from_json(m.stored_hlc, "conflict.stored_hlc")?;
    let incoming_writer: Writer = from_json(m.incoming_hlc, "conflict.incoming_hlc")?;
    Ok(StoredConflict {
        id: m.id,
        household_id: m.household_id,
        area_code: m.area_code,
        target,
        policy: from_json(serde_json::Value::String(m.policy), "conflict.policy")?,
        winner: from_json(serde_json::Value::String(m.winner), "conflict.winner")?,
        base_version: m.base_version,
        stored_value: m.stored_value,
        stored: Stamp {
            version: m.stored_version,
            writer: stored_writer,
        },
        incoming_value: m.incoming_value,
        incoming: Stamp {
            version: m.incoming_version,
            writer: incoming_writer,
        },
        incoming_seq: m.incoming_seq,
        created_at: m.created_at,
        resolution,
    })
}

/// One conflict, settled or not.
pub async fn find(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<StoredConflict>, StoreError> {
    conflict::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_stored)
        .transpose()
}

/// Every conflict of a household, settled or not, oldest first.
pub async fn of_household(
    db: &impl ConnectionTrait,
    household_id: Uuid,
) -> Result<Vec<StoredConflict>, StoreError> {
    conflict::Entity::find()
        .filter(conflict::Column::HouseholdId.eq(household_id))
        .order_by_asc(conflict::Column::CreatedAt)
        .order_by_asc(conflict::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_stored)
        .collect()
}

/// Marks a conflict settled, unless it was settled already. Returns whether it was open.
pub async fn resolve(
    db: &impl ConnectionTrait,
    id: Uuid,
    resolution: &StoredResolution,
) -> Result<bool, StoreError> {
    let column = ResolutionColumn {
        keep: resolution.keep,
        value: resolution.value.clone(),
        version: resolution.version,
    };
    let done = conflict::Entity::update_many()
        .col_expr(conflict::Column::ResolvedAt, Expr::value(resolution.at))
        .col_expr(conflict::Column::ResolvedBy, Expr::value(resolution.by))
        .col_expr(conflict::Column::Resolution, Expr::value(to_json(&column)))
        .filter(conflict::Column::Id.eq(id))
        .filter(conflict::Column::ResolvedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

/// Unresolved conflicts in the scope, newest first; optionally of one household.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    household_id: Option<Uuid>,
    limit: u64,
) -> Result<Vec<StoredConflict>, StoreError> {
    if scope.areas().is_empty() {
        return Ok(Vec::new());
    }
    let mut in_scope = Condition::any();
    for area in scope.areas() {
        in_scope = in_scope.add(super::area_under(conflict::Column::AreaCode, area));
    }
    let mut query = conflict::Entity::find()
        .filter(in_scope)
        .filter(conflict::Column::ResolvedAt.is_null());
    if let Some(id) = household_id {
        query = query.filter(conflict::Column::HouseholdId.eq(id));
    }
    query
        .order_by_desc(conflict::Column::CreatedAt)
        .order_by_desc(conflict::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_stored)
        .collect()
}
