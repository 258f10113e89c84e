//! The audit log: who read or changed what.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ConnectionTrait, EntityTrait,
};
use uuid::Uuid;

use super::StoreError;
use super::entities::audit_log;

/// Appends one entry.
pub async fn record(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
    user_id: Option<Uuid>,
    action: &str,
    target: &str,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    let model = audit_log::ActiveModel {
        id: NotSet,
        at: Set(at),
        user_id: Set(user_id),
        action: Set(action.to_owned()),
        target: Set(target.to_owned()),
        detail: Set(detail),
    };
    audit_log::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
