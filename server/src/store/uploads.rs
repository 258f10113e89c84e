//! Resumable uploads in progress and their chunks.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use super::StoreError;
use super::entities::{upload, upload_chunk};

/// An upload in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Id (the last segment of its URL).
    pub id: Uuid,
    /// Who created it; nobody else sees it.
    pub user_id: Uuid,
    /// The SHA-256 the phone declared, lower-case hex.
    pub sha256: String,
    /// Total length in bytes.
    pub length: u64,
    /// Bytes received so far.
    pub offset: u64,
    /// When it is given up if not completed.
    pub expires_at: DateTime<Utc>,
}

fn to_upload(m: upload::Model) -> Upload {
    Upload {
        id: m.id,
        user_id: m.user_id,
        sha256: m.sha256,
        length: u64::try_from(m.length).unwrap_or(0),
        offset: u64::try_from(m.offset).unwrap_or(0),
        expires_at: m.expires_at,
    }
}

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Stores a new upload.
pub async fn create(
    db: &impl ConnectionTrait,
    u: &Upload,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let model = upload::ActiveModel {
        id: Set(u.id),
        user_id: Set(u.user_id),
        sha256: Set(u.sha256.clone()),
        length: Set(signed(u.length)),
        offset: Set(signed(u.offset)),
        created_at: Set(now),
        expires_at: Set(u.expires_at),
    };
    upload::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The upload with this id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Upload>, StoreError> {
    Ok(upload::Entity::find_by_id(id).one(db).await?.map(to_upload))
}

/// The upload with this id, locked until the transaction ends, so that two requests cannot
/// append at the same offset.
pub async fn lock(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Upload>, StoreError> {
    Ok(upload::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?
        .map(to_upload))
}

/// Moves the upload's offset from `from` to `to` (a chunk written and flushed to its file, or
/// bytes found lost), unless it is no longer at `from`. Returns whether it moved.
pub async fn move_offset(
    db: &impl ConnectionTrait,
    id: Uuid,
    from: u64,
    to: u64,
) -> Result<bool, StoreError> {
    let moved = upload::Entity::update_many()
        .col_expr(upload::Column::Offset, Expr::value(signed(to)))
        .filter(upload::Column::Id.eq(id))
        .filter(upload::Column::Offset.eq(signed(from)))
        .exec(db)
        .await?
        .rows_affected;
    Ok(moved == 1)
}

/// Removes an upload (and the chunks an older version kept in the database).
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    upload_chunk::Entity::delete_many()
        .filter(upload_chunk::Column::UploadId.eq(id))
        .exec(db)
        .await?;
    upload::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Uploads whose every byte has arrived but which are not stored yet (the object store failed
/// as the last chunk came), oldest first, at most `limit`.
pub async fn complete_unstored(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Upload>, StoreError> {
    Ok(upload::Entity::find()
        .filter(Expr::col(upload::Column::Offset).equals(upload::Column::Length))
        .filter(upload::Column::ExpiresAt.gt(now))
        .order_by_asc(upload::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_upload)
        .collect())
}

/// Removes uploads that expired before `now` (with the chunks an older version kept in the
/// database). Returns their ids, whose files go too.
pub async fn delete_expired(
    db: &sea_orm::DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, StoreError> {
    let txn = sea_orm::TransactionTrait::begin(db).await?;
    let expired: Vec<Uuid> = upload::Entity::find()
        .select_only()
        .column(upload::Column::Id)
        .filter(upload::Column::ExpiresAt.lte(now))
        .into_tuple()
        .all(&txn)
        .await?;
    for ids in expired.chunks(500) {
        upload_chunk::Entity::delete_many()
            .filter(upload_chunk::Column::UploadId.is_in(ids.iter().copied()))
            .exec(&txn)
            .await?;
        upload::Entity::delete_many()
            .filter(upload::Column::Id.is_in(ids.iter().copied()))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(expired)
}
