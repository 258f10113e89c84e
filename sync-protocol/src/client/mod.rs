//! The reference client: the phone's sync engine without a UI.
//!
//! - Every change is first written to a durable local outbox (a JSON file replaced atomically),
//!   numbered 1, 2, 3… for this device, then pushed in batches. A push whose answer is lost is
//!   simply sent again: the server answers a replay with the stored receipts.
//! - Transient failures (no network, 503) are retried with exponential backoff and jitter,
//!   honouring `Retry-After`.
//! - Pulled pages are applied together with their cursor in one atomic write, so a crash
//!   between pages never skips or repeats a change.
//! - The local view of a household is the server's copy with the pending outbox applied on
//!   top; edits are based on the server version the phone last saw.

mod local;
mod state;
mod transport;

use std::path::PathBuf;
use std::time::Duration;

use uuid::Uuid;

pub use self::state::{ClientState, Sent, Stored};
pub use self::transport::FaultPlan;
use self::transport::{Response, Transport};
use crate::hlc::physical_now_ms;
use crate::v1::{
    Change, ConflictNote, ErrorBody, ErrorCode, HouseholdSnapshot, Mutation, Op, PullResponse,
    PushRequest, PushResponse, Receipt, ReceiptStatus, ResetReason, ReviewStatus,
};

/// Client settings.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Server base URL, e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
    /// Bearer token from login.
    pub token: String,
    /// This device's id.
    pub device_id: Uuid,
    /// Where the durable state (outbox, cursor, households) lives.
    pub state_path: PathBuf,
    /// Mutations per push.
    pub batch_size: usize,
    /// Changes per pull page.
    pub pull_limit: u32,
    /// Attempts per request before giving up (the outbox keeps everything).
    pub max_attempts: u32,
    /// First backoff delay; doubled per attempt, with jitter.
    pub backoff: Duration,
    /// Longest wait between attempts, including `Retry-After`.
    pub max_backoff: Duration,
    /// How long acknowledged mutations are kept, to send again to a server restored from a
    /// backup taken within this time (PROTOCOL.md §4, "After a restore"); zero keeps none.
    pub keep_sent: Duration,
}

impl ClientConfig {
    /// Settings with sensible defaults for a phone.
    #[must_use]
    pub fn new(
        base_url: impl Into<String>,
        token: impl Into<String>,
        device_id: Uuid,
        state_path: PathBuf,
    ) -> Self {
        Self {
            base_url: base_url.into(),
            token: token.into(),
            device_id,
            state_path,
            batch_size: 50,
            pull_limit: 200,
            max_attempts: 8,
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_mins(1),
            keep_sent: Duration::from_hours(14 * 24),
        }
    }
}

/// Why a sync step stopped. The outbox is never lost: retry later.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server could not be reached or kept failing transiently.
    #[error("server tidak terjangkau setelah {attempts} percobaan: {last}")]
    Offline {
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The server refused the request; retrying as is will not help.
    #[error("server menolak permintaan ({status}): {body:?}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The error body.
        body: ErrorBody,
    },
    /// The server expects a seq the phone no longer holds, neither in the outbox nor among
    /// the acknowledged mutations it keeps: the phone's data was lost, or the server was
    /// restored from a backup older than `keep_sent`.
    #[error("urutan mutasi terputus: server menunggu seq {expected}, outbox mulai dari {first}")]
    Gap {
        /// What the server expects.
        expected: u64,
        /// The first seq in the outbox.
        first: u64,
    },
    /// The local state file could not be read or written.
    #[error("penyimpanan lokal: {0}")]
    Storage(#[from] std::io::Error),
    /// The server answered something that is not the protocol.
    #[error("jawaban server tidak sesuai protokol: {0}")]
    Protocol(String),
}

/// The sync engine of one device.
pub struct SyncClient {
    config: ClientConfig,
    transport: Transport,
    state: Stored,
}

impl SyncClient {
    /// Opens (or creates) the device's local state.
    pub fn open(config: ClientConfig) -> Result<Self, ClientError> {
        let state = Stored::open(config.state_path.clone(), config.device_id)?;
        let transport = Transport::new(&config)?;
        Ok(Self {
            config,
            transport,
            state,
        })
    }

    /// Injects faults into this client's requests (tests and the load generator only).
    pub fn set_faults(&mut self, plan: FaultPlan) {
        self.transport.set_faults(plan);
    }

    /// How many faults were injected into this client's requests.
    #[must_use]
    pub fn faults_injected(&self) -> u64 {
        self.transport.injected
    }

    /// This device's id.
    #[must_use]
    pub fn device_id(&self) -> Uuid {
        self.config.device_id
    }

    /// The durable state.
    #[must_use]
    pub fn state(&self) -> &ClientState {
        self.state.get()
    }

    /// Mutations written locally but not yet acknowledged by the server.
    #[must_use]
    pub fn pending(&self) -> usize {
        self.state.get().outbox.len()
    }

    /// The server's copy of a household as last pulled.
    #[must_use]
    pub fn server_copy(&self, id: Uuid) -> Option<&HouseholdSnapshot> {
        self.state.get().households.get(&id)
    }

    /// Households a supervisor returned with notes, as last pulled, in id order: each
    /// carries the decision (`review`) with its note and notes per answer. One the phone has
    /// edited since stays here until the server's answer is pulled (`view` shows it
    /// `resubmitted` already).
    #[must_use]
    pub fn returned(&self) -> Vec<&HouseholdSnapshot> {
        let mut list: Vec<&HouseholdSnapshot> = self
            .state
            .get()
            .households
            .values()
            .filter(|h| h.review_status == ReviewStatus::Returned)
            .collect();
        list.sort_by_key(|h| h.id);
        list
    }

    /// The version to base an edit of this household on (0 if never pulled).
    #[must_use]
    pub fn base_version(&self, id: Uuid) -> i64 {
        self.server_copy(id).map_or(0, |h| h.version)
    }

    /// What the phone shows: the server copy with the pending outbox applied on top.
    #[must_use]
    pub fn view(&self, id: Uuid) -> Option<HouseholdSnapshot> {
        let state = self.state.get();
        let mut view = state.households.get(&id).cloned();
        for m in state.outbox.iter().filter(|m| m.op.household_id() == id) {
            local::apply(&mut view, &m.op);
        }
        view
    }

    /// Records a change in the outbox (durably) and returns its seq.
    pub fn enqueue(&mut self, op: Op) -> Result<u64, ClientError> {
        self.state
            .update(|s| {
                let seq = s.next_seq;
                s.next_seq += 1;
                let hlc = s.clock.tick(physical_now_ms());
                s.outbox.push(Mutation {
                    seq,
                    hlc,
                    device_time: Some(chrono::Utc::now()),
                    op,
                });
                seq
            })
            .map_err(ClientError::from)
    }

    /// Pushes the whole outbox. Returns the receipts received (replays included).
    pub async fn push(&mut self) -> Result<Vec<Receipt>, ClientError> {
        let mut all = Vec::new();
        while !self.state.get().outbox.is_empty() {
            let batch: Vec<Mutation> = self
                .state
                .get()
                .outbox
                .iter()
                .take(self.config.batch_size)
                .cloned()
                .collect();
            let first = batch[0].seq;
            let request = PushRequest {
                device_id: self.config.device_id,
                sent_at: Some(chrono::Utc::now()),
                mutations: batch,
            };
            let response: PushResponse = match self.transport.push(&request).await? {
                Response::Ok(r) => r,
                Response::Refused(status, body) if body.code == ErrorCode::SequenceGap => {
                    let expected = body.expected_seq.unwrap_or(0);
                    // A gap at or after the outbox's start is no gap: the server is wrong.
                    if expected >= first {
                        return Err(ClientError::Protocol(format!(
                            "gap answer {expected} after {first} ({status})"
                        )));
                    }
                    // A server restored from a backup lost what it acknowledged since: send
                    // it again from the kept copies, then the outbox after it.
                    if self.state.update(|s| send_again(s, expected, first))? {
                        continue;
                    }
                    return Err(ClientError::Gap { expected, first });
                }
                Response::Refused(status, body) => {
                    return Err(ClientError::Refused { status, body });
                }
            };
            let acked = response.receipts.iter().map(|r| r.seq).max().unwrap_or(0);
            if acked < first {
                return Err(ClientError::Protocol(
                    "push answered without receipts".into(),
                ));
            }
            let now = chrono::Utc::now();
            let keep_none = self.config.keep_sent.is_zero();
            let keep_from = chrono::Duration::from_std(self.config.keep_sent)
                .ok()
                .and_then(|keep| now.checked_sub_signed(keep));
            self.state.update(|s| {
                let (done, waiting) = std::mem::take(&mut s.outbox)
                    .into_iter()
                    .partition(|m| m.seq <= acked);
                s.outbox = waiting;
                s.sent
                    .retain(|kept| keep_from.is_none_or(|from| kept.acknowledged_at >= from));
                if !keep_none {
                    s.sent.extend(done.into_iter().map(|mutation| Sent {
                        acknowledged_at: now,
                        mutation,
                    }));
                }
                s.clock.observe(&response.server_hlc, physical_now_ms());
                for r in &response.receipts {
                    // A mutation sent again after a restore is refused again: shown once.
                    let known = s.rejected.iter().any(|kept| kept.seq == r.seq);
                    if r.status == ReceiptStatus::Rejected && !known {
                        s.rejected.push(r.clone());
                    }
                    s.conflicts.extend(r.conflicts.iter().cloned());
                }
            })?;
            all.extend(response.receipts);
        }
        Ok(all)
    }

    /// After the server was restored from a backup: asks it which seq it expects (a push of
    /// no mutations) and queues again the kept copies of what it lost since, in front of the
    /// outbox. A phone with nothing to push learns of the restore only this way.
    async fn queue_lost(&mut self) -> Result<(), ClientError> {
        let request = PushRequest::<Mutation> {
            device_id: self.config.device_id,
            sent_at: Some(chrono::Utc::now()),
            mutations: Vec::new(),
        };
        let expected = match self.transport.push(&request).await? {
            Response::Ok(answer) => answer.next_seq,
            Response::Refused(status, body) => return Err(ClientError::Refused { status, body }),
        };
        let state = self.state.get();
        let first = state.outbox.first().map_or(state.next_seq, |m| m.seq);
        if expected < first && !self.state.update(|s| send_again(s, expected, first))? {
            return Err(ClientError::Gap { expected, first });
        }
        Ok(())
    }

    /// Pushes the outbox first (so that nothing unsent is lost), then drops the local copies
    /// and goes on from `cursor` (the start when `None`).
    async fn start_over(&mut self, cursor: Option<String>) -> Result<(), ClientError> {
        self.push().await?;
        self.state.update(|s| {
            s.households.clear();
            s.cursor = cursor;
        })?;
        Ok(())
    }

    /// Pulls until the server has nothing more. A `reset` answer pushes the outbox first, then
    /// drops the local copies and starts over from the given cursor; after a restore of the
    /// server, what it lost is queued again first. Returns changes applied.
    pub async fn pull(&mut self) -> Result<usize, ClientError> {
        let mut applied = 0;
        let mut started_over = false;
        loop {
            let cursor = self.state.get().cursor.clone();
            let page: PullResponse = match self
                .transport
                .pull(cursor.as_deref(), self.config.pull_limit)
                .await?
            {
                Response::Ok(page) => page,
                // A cursor this server does not know (another server, or one put back from
                // elsewhere): start over as after a reset, once.
                Response::Refused(_, body)
                    if body.code == ErrorCode::InvalidCursor
                        && cursor.is_some()
                        && !started_over =>
                {
                    started_over = true;
                    self.start_over(None).await?;
                    continue;
                }
                Response::Refused(status, body) => {
                    return Err(ClientError::Refused { status, body });
                }
            };
            if let Some(reason) = page.reset {
                if reason == ResetReason::ServerRestored {
                    self.queue_lost().await?;
                }
                self.start_over(Some(page.cursor)).await?;
                continue;
            }
            applied += page.changes.len();
            self.state.update(|s| {
                for change in page.changes {
                    match change {
                        Change::Put { household } => {
                            s.households.insert(household.id, household);
                        }
                        Change::Remove { household_id } => {
                            s.households.remove(&household_id);
                        }
                    }
                }
                s.cursor = Some(page.cursor);
                if !page.has_more {
                    s.missing_photos = page.missing_photos;
                }
                s.clock.observe(&page.server_hlc, physical_now_ms());
            })?;
            if !page.has_more {
                return Ok(applied);
            }
        }
    }

    /// Push, then pull.
    pub async fn sync(&mut self) -> Result<(), ClientError> {
        self.push().await?;
        self.pull().await?;
        Ok(())
    }

    /// Conflict notes received with receipts.
    #[must_use]
    pub fn conflicts(&self) -> &[ConflictNote] {
        &self.state.get().conflicts
    }
}

/// Moves the kept copies of `expected..first` back to the front of the outbox; false (and
/// nothing moved) unless every one of them is kept.
fn send_again(state: &mut ClientState, expected: u64, first: u64) -> bool {
    let wanted = |m: &Mutation| (expected..first).contains(&m.seq);
    let mut again: Vec<Mutation> = state
        .sent
        .iter()
        .map(|kept| &kept.mutation)
        .filter(|m| wanted(m))
        .cloned()
        .collect();
    again.sort_by_key(|m| m.seq);
    again.dedup_by_key(|m| m.seq);
    if u64::try_from(again.len()).ok() != Some(first - expected) {
        return false;
    }
    state.sent.retain(|kept| !wanted(&kept.mutation));
    again.append(&mut state.outbox);
    state.outbox = again;
    true
}
