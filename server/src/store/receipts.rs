//! Push receipts, keyed by (device, seq).

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use sync_protocol::v1::{Receipt, ReceiptStatus};
use uuid::Uuid;

use super::batch::WriteBatch;
use super::entities::receipt;
use super::{StoreError, from_json, json_text};

/// Queues the receipt of one mutation.
pub fn insert(
    batch: &mut WriteBatch,
    device_id: Uuid,
    user_id: Uuid,
    op: &str,
    receipt: &Receipt,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // One per mutation: written out once (see `devices`).
    const INSERT: &str = "INSERT INTO receipt (device_id, seq, user_id, op, status, household_id, \
        household_version, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::json, $9)";
    let seq = i64::try_from(receipt.seq)
        .map_err(|_| StoreError::Corrupt(format!("seq {} exceeds i64", receipt.seq)))?;
    let status = match receipt.status {
        ReceiptStatus::Applied => "applied",
        ReceiptStatus::Rejected => "rejected",
    };
    batch.push_sql(
        INSERT,
        [
            device_id.into(),
            seq.into(),
            user_id.into(),
            op.into(),
            status.into(),
            receipt.household_id.into(),
            receipt.household_version.into(),
            json_text(receipt),
            now.into(),
        ],
    );
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
