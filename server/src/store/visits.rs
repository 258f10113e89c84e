//! Survey visits: immutable.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use sync_protocol::hlc::Hlc;
use sync_protocol::v1::RecordVisit;
use uuid::Uuid;

use super::entities::visit;
use super::{StoreError, to_json};

/// Who recorded a visit, and when the server received it.
#[derive(Debug, Clone, Copy)]
pub struct Recorded<'a> {
    /// The user.
    pub user_id: Uuid,
    /// The device.
    pub device_id: Uuid,
    /// The mutation's clock stamp.
    pub hlc: &'a Hlc,
    /// Server time of receipt.
    pub received_at: DateTime<Utc>,
}

/// The content hash of a stored visit, if one with this id exists.
pub async fn content_hash(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<String>, StoreError> {
    Ok(visit::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|v| v.content_sha256))
}

/// Stores a visit unless one with its id exists. Returns whether it was stored.
pub async fn insert(
    db: &impl ConnectionTrait,
    v: &RecordVisit,
    content_sha256: &str,
    by: Recorded<'_>,
) -> Result<bool, StoreError> {
    let gps = v.gps.as_ref();
    let model = visit::ActiveModel {
        id: Set(v.visit_id),
        household_id: Set(v.household_id),
        form_id: Set(v.form_id.clone()),
        form_version: Set(v.form_version),
        user_id: Set(by.user_id),
        device_id: Set(by.device_id),
        started_at: Set(v.started_at),
        ended_at: Set(v.ended_at),
        answers: Set(to_json(&v.answers)),
        latitude: Set(gps.map(|g| g.latitude)),
        longitude: Set(gps.map(|g| g.longitude)),
        accuracy_m: Set(gps.map(|g| g.accuracy_m)),
        mock_location: Set(gps.map(|g| g.mock)),
        fixed_at: Set(gps.and_then(|g| g.fixed_at)),
        photos: Set(to_json(&v.photos)),
        hlc: Set(to_json(by.hlc)),
        content_sha256: Set(content_sha256.to_owned()),
        received_at: Set(by.received_at),
    };
    let result = visit::Entity::insert(model)
        .on_conflict_do_nothing_on([visit::Column::Id])
        .exec_without_returning(db)
        .await?;
    Ok(matches!(result, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}
