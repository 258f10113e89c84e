//! The client's durable state: one JSON file, replaced atomically on every change.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::hlc::HlcClock;
use crate::v1::{ConflictNote, HouseholdSnapshot, Mutation, Receipt};

/// Everything the phone keeps between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientState {
    /// The seq the next mutation gets.
    pub next_seq: u64,
    /// Mutations not yet acknowledged, in seq order.
    pub outbox: Vec<Mutation>,
    /// The last pull cursor.
    pub cursor: Option<String>,
    /// The server's copies of the households in scope.
    pub households: BTreeMap<Uuid, HouseholdSnapshot>,
    /// The device's hybrid logical clock.
    pub clock: HlcClock,
    /// Receipts of rejected mutations, to show the worker.
    pub rejected: Vec<Receipt>,
    /// Conflicts the server reported.
    pub conflicts: Vec<ConflictNote>,
    /// Photos the server still waits for (SHA-256), as of the last pull: upload these.
    #[serde(default)]
    pub missing_photos: Vec<String>,
    /// Mutations the server acknowledged, kept for `ClientConfig::keep_sent` in seq order: a
    /// server restored from a backup asks for them again (`sequence_gap`).
    #[serde(default)]
    pub sent: Vec<Sent>,
}

/// An acknowledged mutation, kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sent {
    /// When the server acknowledged it.
    pub acknowledged_at: DateTime<Utc>,
    /// The mutation as it was sent.
    pub mutation: Mutation,
}

/// The state with the file it lives in.
pub struct Stored {
    path: PathBuf,
    state: ClientState,
}

impl Stored {
    /// Loads the state file, or starts empty when there is none.
    pub(super) fn open(path: PathBuf, device_id: Uuid) -> std::io::Result<Self> {
        let state = match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ClientState {
                next_seq: 1,
                outbox: Vec::new(),
                cursor: None,
                households: BTreeMap::new(),
                clock: HlcClock::new(device_id.to_string()),
                rejected: Vec::new(),
                conflicts: Vec::new(),
                missing_photos: Vec::new(),
                sent: Vec::new(),
            },
            Err(e) => return Err(e),
        };
        Ok(Self { path, state })
    }

    /// The current state.
    #[must_use]
    pub fn get(&self) -> &ClientState {
        &self.state
    }

    /// Changes the state and writes it durably before returning. If the write fails the
    /// in-memory state is rolled back, so memory never runs ahead of the disk.
    pub(super) fn update<T>(
        &mut self,
        change: impl FnOnce(&mut ClientState) -> T,
    ) -> std::io::Result<T> {
        let before = self.state.clone();
        let out = change(&mut self.state);
        if let Err(e) = self.write() {
            self.state = before;
            return Err(e);
        }
        Ok(out)
    }

    fn write(&self) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(&self.state).map_err(std::io::Error::other)?;
        let tmp = self.path.with_extension("tmp");
        let mut file = fs::File::create(&tmp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, &self.path)?;
        Ok(())
    }
}
