//! Devices (client ids) and their push sequence state.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use super::StoreError;
use super::batch::WriteBatch;
use super::entities::device;

/// A device's sequence state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceState {
    /// The user it is registered to.
    pub user_id: Uuid,
    /// The last applied seq (0 before the first push).
    pub last_seq: u64,
}

/// Registers the device to `user_id` if it is new, and locks its row for the rest of the
/// transaction (one statement: an upsert that always writes). Concurrent pushes of one device
/// therefore apply one after the other. The caller checks `user_id`.
pub async fn lock_or_register(
    db: &impl ConnectionTrait,
    device_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<DeviceState, StoreError> {
    let model = device::ActiveModel {
        id: Set(device_id),
        user_id: Set(user_id),
        last_seq: Set(0),
        clock_skew_ms: Set(None),
        created_at: Set(now),
        last_seen_at: Set(now),
    };
    let row = device::Entity::insert(model)
        .on_conflict(
            OnConflict::column(device::Column::Id)
                .update_column(device::Column::LastSeenAt)
                .to_owned(),
        )
        .exec_with_returning(db)
        .await?;
    let last_seq = u64::try_from(row.last_seq)
        .map_err(|_| StoreError::Corrupt(format!("device.last_seq is {}", row.last_seq)))?;
    Ok(DeviceState {
        user_id: row.user_id,
        last_seq,
    })
}

/// Queues the last applied seq and the measured clock skew.
pub fn advance(
    batch: &mut WriteBatch,
    device_id: Uuid,
    last_seq: u64,
    clock_skew_ms: Option<i64>,
) -> Result<(), StoreError> {
    let last_seq = i64::try_from(last_seq)
        .map_err(|_| StoreError::Corrupt(format!("seq {last_seq} exceeds i64")))?;
    let mut update =
        device::Entity::update_many().col_expr(device::Column::LastSeq, Expr::value(last_seq));
    if let Some(skew) = clock_skew_ms {
        update = update.col_expr(device::Column::ClockSkewMs, Expr::value(skew));
    }
    batch.push(&update.filter(device::Column::Id.eq(device_id)));
    Ok(())
}
