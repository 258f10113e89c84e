//! Devices (client ids) and their push sequence state.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

use super::StoreError;
use super::batch::WriteBatch;

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
    let statement = Statement::from_sql_and_values(
        db.get_database_backend(),
        LOCK_OR_REGISTER,
        [device_id.into(), user_id.into(), now.into()],
    );
    let row = db.query_one_raw(statement).await?.ok_or_else(|| {
        StoreError::Corrupt(format!("upsert of device {device_id} returned no row"))
    })?;
    let last_seq: i64 = row.try_get("", "last_seq")?;
    let last_seq = u64::try_from(last_seq)
        .map_err(|_| StoreError::Corrupt(format!("device.last_seq is {last_seq}")))?;
    Ok(DeviceState {
        user_id: row.try_get("", "user_id")?,
        last_seq,
    })
}

// Every push runs these two, so they are written out once rather than built by sea-query on
// every call (its statement building was 12 % of the server's samples in a profile of pushes);
// receipts, families and the household's head are read and written the same way. `$n`
// placeholders are read by number on PostgreSQL and by sqlx's SQLite driver alike.
const LOCK_OR_REGISTER: &str = "INSERT INTO device \
    (id, user_id, last_seq, clock_skew_ms, created_at, last_seen_at) \
    VALUES ($1, $2, 0, NULL, $3, $3) \
    ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at \
    RETURNING user_id, last_seq";
/// A push that measured no skew keeps the one recorded before.
const ADVANCE: &str =
    "UPDATE device SET last_seq = $1, clock_skew_ms = COALESCE($2, clock_skew_ms) WHERE id = $3";

/// Queues the last applied seq and the measured clock skew.
pub fn advance(
    batch: &mut WriteBatch,
    device_id: Uuid,
    last_seq: u64,
    clock_skew_ms: Option<i64>,
) -> Result<(), StoreError> {
    let last_seq = i64::try_from(last_seq)
        .map_err(|_| StoreError::Corrupt(format!("seq {last_seq} exceeds i64")))?;
    batch.push_sql(
        ADVANCE,
        [last_seq.into(), clock_skew_ms.into(), device_id.into()],
    );
    Ok(())
}
