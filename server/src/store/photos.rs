//! Stored photos.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::StoreError;
use super::entities::photo;

/// A stored photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// Lower-case hex SHA-256 of the file.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// When it was stored.
    pub stored_at: DateTime<Utc>,
}

/// The stored photo with this hash.
pub async fn find(db: &impl ConnectionTrait, sha256: &str) -> Result<Option<Photo>, StoreError> {
    Ok(photo::Entity::find_by_id(sha256.to_owned())
        .one(db)
        .await?
        .map(|m| Photo {
            sha256: m.sha256,
            size: u64::try_from(m.size).unwrap_or(0),
            stored_at: m.stored_at,
        }))
}

/// Records a stored photo (once, however often it is uploaded).
pub async fn insert(
    db: &impl ConnectionTrait,
    sha256: &str,
    size: u64,
    uploaded_by: Uuid,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let model = photo::ActiveModel {
        sha256: Set(sha256.to_owned()),
        size: Set(i64::try_from(size).unwrap_or(i64::MAX)),
        uploaded_by: Set(uploaded_by),
        stored_at: Set(now),
    };
    photo::Entity::insert(model)
        .on_conflict_do_nothing_on([photo::Column::Sha256])
        .exec_without_returning(db)
        .await?;
    Ok(())
}
