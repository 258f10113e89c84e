//! Push: apply a device's mutations in order, exactly once, in one transaction per batch.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
use serde_json::json;
use sync_protocol::merge::Writer;
use sync_protocol::v1::{
    FieldError, Mutation, PushRequest, PushResponse, RawMutation, Receipt, RejectCode, Rejection,
};
use tracing::{info, warn};
use uuid::Uuid;

use super::apply::{self, Ctx};
use super::clock::ServerClock;
use crate::config::SyncConfig;
use crate::domain::actor::Actor;
use crate::domain::scoring::ScoringConfig;
use crate::store::areas::KnownAreas;
use crate::store::batch::WriteBatch;
use crate::store::forms::FormCache;
use crate::store::{StoreError, audit, devices, receipts, retry_transient};

/// Why a push was refused as a whole. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The role may not push.
    #[error("role may not push")]
    Forbidden,
    /// More mutations than allowed.
    #[error("batch too large (max {max})")]
    TooLarge {
        /// The limit.
        max: usize,
    },
    /// A mutation has no usable seq.
    #[error("{0}")]
    InvalidEnvelope(String),
    /// The seqs are not consecutive.
    #[error("seqs are not consecutive")]
    NotContiguous,
    /// The device belongs to someone else.
    #[error("device belongs to another user")]
    DeviceBelongsToAnotherUser,
    /// The batch starts after the next expected seq.
    #[error("sequence gap: expected {expected}")]
    Gap {
        /// The seq the server expects.
        expected: u64,
    },
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A mutation as received: its seq and either the parsed mutation or why it did not parse.
type Item = (u64, Result<Mutation, FieldError>);

/// What a push needs from the server.
pub struct PushDeps<'a> {
    /// The database.
    pub db: &'a DatabaseConnection,
    /// Published forms.
    pub forms: &'a FormCache,
    /// Areas known to exist.
    pub areas: &'a KnownAreas,
    /// The server clock.
    pub clock: &'a ServerClock,
    /// Limits.
    pub config: &'a SyncConfig,
    /// Thresholds of the poverty score.
    pub scoring: &'a ScoringConfig,
    /// How often a batch is tried after transient failures (deadlocks, serialization
    /// failures, a busy SQLite file, dropped connections) before the phone is told to retry.
    pub attempts: u32,
}

/// Applies a push and answers with one receipt per mutation.
pub async fn push(
    deps: &PushDeps<'_>,
    actor: &Actor,
    request: PushRequest<RawMutation>,
) -> Result<PushResponse, PushError> {
    if !actor.role.may_push() {
        return Err(PushError::Forbidden);
    }
    let items = parse(&request, deps.config.max_mutations_per_push)?;
    for (_, parsed) in &items {
        if let Ok(m) = parsed {
            deps.clock.observe(&m.hlc);
        }
    }
    let now = Utc::now();
    let skew_ms = request.sent_at.map(|sent| (sent - now).num_milliseconds());
    // A failed batch was rolled back as a whole, so it is safe to run again.
    let transient = |e: &PushError| matches!(e, PushError::Store(s) if s.is_transient());
    let (receipts, next_seq) = retry_transient(deps.attempts, transient, || {
        apply_batch(deps, actor, request.device_id, &items, skew_ms)
    })
    .await?;
    Ok(PushResponse {
        server_time: now,
        server_hlc: deps.clock.tick(),
        receipts,
        next_seq,
    })
}

/// Checks the envelope: size, seqs present and consecutive. Mutation bodies that do not parse
/// are kept as errors: they get a `rejected` receipt, so one bad mutation cannot block a queue.
fn parse(request: &PushRequest<RawMutation>, max: usize) -> Result<Vec<Item>, PushError> {
    if request.mutations.len() > max {
        return Err(PushError::TooLarge { max });
    }
    let mut items = Vec::with_capacity(request.mutations.len());
    for (i, raw) in request.mutations.iter().enumerate() {
        let seq = raw.seq().ok_or_else(|| {
            PushError::InvalidEnvelope(format!("mutations[{i}].seq harus bilangan bulat positif"))
        })?;
        if let Some((prev, _)) = items.last()
            && seq != prev + 1
        {
            return Err(PushError::NotContiguous);
        }
        items.push((seq, raw.parse()));
    }
    Ok(items)
}

async fn apply_batch(
    deps: &PushDeps<'_>,
    actor: &Actor,
    device_id: Uuid,
    items: &[Item],
    skew_ms: Option<i64>,
) -> Result<(Vec<Receipt>, u64), PushError> {
    let now = Utc::now();
    let txn = deps.db.begin().await.map_err(StoreError::from)?;
    let device = devices::lock_or_register(&txn, device_id, actor.id, now).await?;
    if device.user_id != actor.id {
        return Err(PushError::DeviceBelongsToAnotherUser);
    }
    let mut last = device.last_seq;
    let Some(&(first, _)) = items.first() else {
        txn.commit().await.map_err(StoreError::from)?;
        return Ok((Vec::new(), last + 1));
    };
    if first > last + 1 {
        return Err(PushError::Gap { expected: last + 1 });
    }
    let replayed_to = last.min(first + items.len() as u64 - 1);
    let mut out = if first <= replayed_to {
        receipts::range(&txn, device_id, first, replayed_to).await?
    } else {
        Vec::new()
    };
    let mut applied = 0usize;
    let already_applied = last;
    let mut batch = WriteBatch::new(txn.get_database_backend());
    for (seq, parsed) in items.iter().filter(|(seq, _)| *seq > already_applied) {
        // The previous mutation's writes go out before this one reads anything.
        batch.flush(&txn).await?;
        let one = One {
            seq: *seq,
            device_id,
            now,
        };
        out.push(apply_one(deps, actor, &txn, &mut batch, one, parsed).await?);
        last = *seq;
        applied += 1;
    }
    if let Some(skew) =
        skew_ms.filter(|s| s.unsigned_abs() > u64::from(deps.config.clock_skew_flag_seconds) * 1000)
    {
        warn!(device.id = %device_id, skew_ms = skew, "device clock is off by {skew} ms");
        let target = device_id.to_string();
        let detail = json!({ "skew_ms": skew });
        audit::record(
            &txn,
            now,
            Some(actor.id),
            "device.clock_skew",
            &target,
            detail,
        )
        .await?;
    }
    devices::advance(&mut batch, device_id, last, skew_ms)?;
    batch.finish(&txn).await?;
    txn.commit().await.map_err(StoreError::from)?;
    info!(device.id = %device_id, applied, replayed = out.len() - applied, "push applied {applied} mutations");
    Ok((out, last + 1))
}

/// Which mutation of which device, applied when.
#[derive(Clone, Copy)]
struct One {
    seq: u64,
    device_id: Uuid,
    now: chrono::DateTime<Utc>,
}

/// Applies one new mutation (or rejects one that did not parse) and queues its receipt.
async fn apply_one(
    deps: &PushDeps<'_>,
    actor: &Actor,
    txn: &DatabaseTransaction,
    batch: &mut WriteBatch,
    one: One,
    parsed: &Result<Mutation, FieldError>,
) -> Result<Receipt, StoreError> {
    let (receipt, op) = match parsed {
        Ok(mutation) => {
            let writer = Writer {
                user_id: actor.id,
                device_id: one.device_id,
                authority: actor.role.authority(),
                hlc: mutation.hlc.clone(),
            };
            let ctx = Ctx {
                db: txn,
                actor,
                writer,
                forms: deps.forms,
                areas: deps.areas,
                scoring: deps.scoring,
                now: one.now,
                seq: one.seq,
            };
            (
                apply::apply(&ctx, batch, mutation).await?,
                mutation.op.name(),
            )
        }
        Err(error) => {
            let rejection = Rejection {
                code: RejectCode::MalformedMutation,
                message: "mutasi tidak dapat dibaca".to_owned(),
                fields: vec![error.clone()],
            };
            (apply::rejected(one.seq, None, rejection), "malformed")
        }
    };
    receipts::insert(batch, one.device_id, actor.id, op, &receipt, one.now)?;
    Ok(receipt)
}
