//! Push receipts, keyed by (device, seq).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use sync_protocol::v1::{Receipt, ReceiptStatus};
use uuid::Uuid;

use super::batch::WriteBatch;
use super::entities::receipt;
use super::{StoreError, from_json, to_json};

/// Queues the receipt of one mutation.
pub fn insert(
    batch: &mut WriteBatch,
    device_id: Uuid,
    user_id: Uuid,
    op: &str,
    receipt: &Receipt,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let seq = i64::try_from(receipt.seq)
        .map_err(|_| StoreError::Corrupt(format!("seq {} exceeds i64", receipt.seq)))?;
    let status = match receipt.status {
        ReceiptStatus::Applied => "applied",
        ReceiptStatus::Rejected => "rejected",
    };
    let model = receipt::ActiveModel {
        device_id: Set(device_id),
        seq: Set(seq),
        user_id: Set(user_id),
        op: Set(op.to_owned()),
        status: Set(status.to_owned()),
        household_id: Set(receipt.household_id),
        household_version: Set(receipt.household_version),
        body: Set(to_json(receipt)),
        created_at: Set(now),
    };
    batch.push(&receipt::Entity::insert(model));
    Ok(())
}

/// The stored receipts of seqs `from..=to` of a device, in seq order.
pub async fn range(
    db: &impl ConnectionTrait,
    device_id: Uuid,
    from: u64,
    to: u64,
) -> Result<Vec<Receipt>, StoreError> {
    let (from, to) = (
        i64::try_from(from).unwrap_or(i64::MAX),
        i64::try_from(to).unwrap_or(i64::MAX),
    );
    receipt::Entity::find()
        .filter(receipt::Column::DeviceId.eq(device_id))
        .filter(receipt::Column::Seq.between(from, to))
        .order_by_asc(receipt::Column::Seq)
        .all(db)
        .await?
        .into_iter()
        .map(|r| from_json(r.body, "receipt.body"))
        .collect()
}
