//! Photos the object store has and the database does not know.
//!
//! After a restore of the database over a photo store that kept its newer files (`restore`
//! copies the backup's photos into the live directory; a bucket is left as it is), the phones
//! send their lost visits again, and those visits name photos whose files are in the store
//! while the phones dropped their copies once the server had them. A pull that lists photos
//! as missing hands them here ([`Awaited::suspect`]); a background task looks for each in the
//! store — once an hour at most, so a photo that is simply not uploaded yet costs one look —
//! and records the ones it finds as if uploaded again, queued for the pipeline.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::{DatabaseConnection, TransactionTrait};
use tokio::sync::{Notify, watch};
use tracing::{info, warn};
use uuid::Uuid;

use super::PhotoRuntime;
use crate::blob::{BlobError, BlobStore};
use crate::store::{StoreError, photos};

/// How long a photo looked for and not found is not looked for again.
const LOOK_AGAIN_AFTER: Duration = Duration::from_hours(1);
/// Photos waiting to be looked for, at most; more are dropped until the next pull names them.
const MAX_WAITING: usize = 1_000;

/// The photos to look for, and when each was last looked for.
#[derive(Debug, Default)]
pub struct Awaited {
    state: Mutex<State>,
    wake: Notify,
}

#[derive(Debug, Default)]
struct State {
    /// (hash, the user whose visits name it).
    waiting: Vec<(String, Uuid)>,
    looked: HashMap<String, Instant>,
}

impl Awaited {
    /// Hands over the photos that `user`'s visits name and the database does not have.
    pub fn suspect(&self, user: Uuid, missing: &[String]) {
        let now = Instant::now();
        let mut state = self.state();
        let State { waiting, looked } = &mut *state;
        looked.retain(|_, at| now.duration_since(*at) < LOOK_AGAIN_AFTER);
        let mut added = false;
        for sha256 in missing {
            if waiting.len() >= MAX_WAITING {
                break;
            }
            if looked.contains_key(sha256) {
                continue;
            }
            looked.insert(sha256.clone(), now);
            waiting.push((sha256.clone(), user));
            added = true;
        }
        if added {
            self.wake.notify_one();
        }
    }

    fn take(&self) -> Vec<(String, Uuid)> {
        std::mem::take(&mut self.state().waiting)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        crate::locks::lock(&self.state)
    }
}

/// Looks for the photos handed over, until `stop` turns true.
pub async fn run(
    db: DatabaseConnection,
    blobs: std::sync::Arc<dyn BlobStore>,
    runtime: std::sync::Arc<PhotoRuntime>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            () = runtime.awaited.wake.notified() => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return;
        }
        for (sha256, user) in runtime.awaited.take() {
            match adopt(&db, blobs.as_ref(), &runtime, &sha256, user).await {
                Ok(false) => {}
                Ok(true) => info!(photo = %sha256, "photo found in the store and recorded again"),
                Err(e) => {
                    warn!(photo = %sha256, error = %e, "looking for a photo in the store failed");
                }
            }
        }
    }
}

/// Why a photo could not be looked for.
#[derive(Debug, thiserror::Error)]
enum AdoptError {
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Records the photo if the store has its file and the database does not know it; whether
/// it did.
async fn adopt(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    runtime: &PhotoRuntime,
    sha256: &str,
    user: Uuid,
) -> Result<bool, AdoptError> {
    if photos::find(db, sha256).await?.is_some() {
        return Ok(false);
    }
    let Some(size) = blobs.size(&format!("sha256/{sha256}")).await? else {
        return Ok(false);
    };
    let now = Utc::now();
    let txn = db.begin().await.map_err(StoreError::from)?;
    let recorded = photos::insert(&txn, sha256, size, user, now).await?;
    txn.commit().await.map_err(StoreError::from)?;
    runtime.wake.notify_one();
    Ok(recorded)
}
