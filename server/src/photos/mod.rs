//! House photos: resumable uploads, and who may see which photo.
//!
//! Photos are content-addressed: stored once at `sha256/<hex>` in the object store, named by
//! visits through their hash. A visit may name a photo before it arrives; it is `pending`
//! until the upload completes.

pub mod adopt;
pub mod analysis;
pub mod partial;
pub mod pipeline;
pub mod uploads;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use sync_protocol::v1::{HouseholdPhoto, PhotoDetails, PhotoInfo, Processing, SimilarPhoto};
use tokio::sync::{Notify, Semaphore, SemaphorePermit};
use uuid::Uuid;

use self::analysis::{Inspection, Limits, Rejection};
use self::partial::Partials;

use crate::blob::{BlobError, BlobReader, BlobStore};
use crate::domain::actor::Actor;
use crate::domain::role::Role;
use crate::domain::sha256::Sha256;
use crate::store::photo_jobs::{self, JobState};
use crate::store::{StoreError, households, photos};
use crate::views;

/// How many near photos are looked at before the user's scope is applied (the nearest first).
const SIMILAR_CANDIDATES: usize = 5_000;
/// How many look-alikes are answered.
const SIMILAR_ANSWERED: usize = 200;

const MIB: u64 = 1024 * 1024;

/// Chunks read and written at once. Each holds a piece of its body at a time, whatever its
/// size; the turns bound open files and disk writes.
const CONCURRENT_CHUNKS: usize = 32;

/// What uploads and the pipeline workers share on one instance.
#[derive(Debug)]
pub struct PhotoRuntime {
    /// Caps checked before decoding.
    pub limits: Limits,
    /// Attempts of a transaction that meets a transient failure (`database.retry_attempts`).
    pub db_attempts: u32,
    /// Wakes an idle pipeline worker when a photo is stored.
    pub wake: Notify,
    /// Bounds how many completed uploads are assembled, inspected and stored at once: each
    /// reads a whole photo into memory and does its file I/O on blocking threads.
    completions: Semaphore,
    /// Bounds how many chunk bodies are read and written at once: a waiting chunk stays in
    /// the socket, not in memory.
    chunks: Semaphore,
    /// The memory, in MiB, that the pipeline workers' decodes take together: at most what
    /// one decode may (`photos.max_decode_mib`), however many workers there are.
    decoding: Semaphore,
    decoding_mib: u32,
    /// Analyses running at once: one per core. The pipeline's workers outnumber the cores,
    /// so that one decodes while another waits for the object store or the database.
    analyses: Semaphore,
    /// Uploads this instance is completing now, which the server's own retry leaves alone.
    completing: Claims,
    /// Uploads a chunk of which this instance is receiving now: one at a time per upload.
    writing: Claims,
    /// Where the bytes of uploads in progress are kept.
    pub partials: Partials,
    /// Photos that visits name and the database does not know, to look for in the store.
    pub awaited: adopt::Awaited,
}

/// A set of uploads some work holds, each until its [`Claim`] is dropped.
#[derive(Debug, Default)]
struct Claims(Arc<Mutex<HashSet<Uuid>>>);

impl Claims {
    fn claim(&self, id: Uuid) -> Claim {
        let first = crate::locks::lock(&self.0).insert(id);
        Claim {
            claims: self.0.clone(),
            id,
            first,
        }
    }
}

/// An upload held (being completed, or receiving a chunk), until dropped. It owns its place
/// in the set, so work on a blocking thread can hold it until that work ends, even when the
/// request that started it has gone.
pub struct Claim {
    claims: Arc<Mutex<HashSet<Uuid>>>,
    id: Uuid,
    first: bool,
}

impl Drop for Claim {
    fn drop(&mut self) {
        if self.first {
            crate::locks::lock(&self.claims).remove(&self.id);
        }
    }
}

impl PhotoRuntime {
    /// A runtime with the configured caps and database retries, keeping partial uploads in
    /// `partial_dir` (and stored photos' files there for the pipeline, if it runs here).
    #[must_use]
    pub fn new(limits: Limits, db_attempts: u32, partial_dir: PathBuf, pipeline: bool) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let decoding_mib = u32::try_from(limits.max_decode_bytes / MIB)
            .unwrap_or(u32::MAX)
            .clamp(1, Semaphore::MAX_PERMITS.try_into().unwrap_or(u32::MAX));
        Self {
            limits,
            db_attempts,
            wake: Notify::new(),
            completions: Semaphore::new(cores.min(4)),
            chunks: Semaphore::new(CONCURRENT_CHUNKS),
            decoding: Semaphore::new(decoding_mib as usize),
            decoding_mib,
            analyses: Semaphore::new(cores),
            completing: Claims::default(),
            writing: Claims::default(),
            partials: Partials::new(partial_dir, pipeline),
            awaited: adopt::Awaited::default(),
        }
    }

    /// Waits until a decode needing `bytes` fits beside the decodes running on this instance;
    /// the memory is given back when the permit is dropped. A decode needing more than the
    /// whole budget (refused by the analysis anyway) waits for all of it.
    pub async fn decode_memory(&self, bytes: u64) -> SemaphorePermit<'_> {
        let mib = u32::try_from(bytes.div_ceil(MIB))
            .unwrap_or(u32::MAX)
            .clamp(1, self.decoding_mib);
        self.decoding
            .acquire_many(mib)
            .await
            .expect("the decode semaphore is never closed")
    }

    /// Waits for a core to analyse a photo on; it is given back when the permit is dropped.
    pub async fn analysis_turn(&self) -> SemaphorePermit<'_> {
        self.analyses
            .acquire()
            .await
            .expect("the analysis semaphore is never closed")
    }

    /// Marks an upload as being completed on this instance until the guard is dropped.
    pub fn completing(&self, id: Uuid) -> Claim {
        self.completing.claim(id)
    }

    /// Marks an upload as being completed on this instance, unless it already is: `None` then.
    pub fn try_completing(&self, id: Uuid) -> Option<Claim> {
        let guard = self.completing.claim(id);
        guard.first.then_some(guard)
    }

    /// Marks an upload as receiving a chunk on this instance, unless it already is.
    pub fn try_writing(&self, id: Uuid) -> Option<Claim> {
        let guard = self.writing.claim(id);
        guard.first.then_some(guard)
    }

    /// Waits for a turn to read and store a chunk; the turn ends when the permit is dropped.
    pub async fn admit_chunk(&self) -> Result<SemaphorePermit<'_>, BlobError> {
        self.chunks
            .acquire()
            .await
            .map_err(|_| BlobError::Unavailable("shutting down".into()))
    }

    /// Waits for a turn to complete an upload; the turn ends when the permit is dropped.
    pub async fn admit(&self) -> Result<SemaphorePermit<'_>, BlobError> {
        self.completions
            .acquire()
            .await
            .map_err(|_| BlobError::Unavailable("shutting down".into()))
    }

    /// Reads a complete upload and inspects it on a blocking thread. Call it with a turn from
    /// [`admit`](Self::admit).
    pub async fn inspect_file(
        &self,
        path: &Path,
    ) -> Result<Result<Inspection, Rejection>, BlobError> {
        let path: PathBuf = path.to_path_buf();
        let limits = self.limits;
        tokio::task::spawn_blocking(move || -> std::io::Result<_> {
            let bytes = std::fs::read(&path)?;
            Ok(analysis::inspect(&bytes, &limits))
        })
        .await
        .map_err(|e| BlobError::Io(std::io::Error::other(e)))?
        .map_err(BlobError::Io)
    }
}

/// Why a photo request was refused.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    /// The role may not see household photos (analysts read aggregates only).
    #[error("role may not see photos")]
    Forbidden,
    /// No such photo or household in the user's areas. Photos outside the user's areas are
    /// answered the same way, so that their existence is not revealed.
    #[error("not found")]
    NotFound,
    /// The pipeline has not analysed the photo yet.
    #[error("not analysed yet")]
    NotReady,
    /// The photo has no thumbnails: its format is not decoded (HEIC) or it could not be.
    #[error("no thumbnail")]
    NoThumbnail,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The object store failed.
    #[error(transparent)]
    Blob(#[from] BlobError),
}

fn may_see_photos(actor: &Actor) -> Result<(), PhotoError> {
    if actor.role == Role::Analyst {
        Err(PhotoError::Forbidden)
    } else {
        Ok(())
    }
}

/// Whether the server has a photo: any signed-in user may ask by hash, so that a phone never
/// sends bytes the server already holds. Only size and time are revealed.
pub async fn info(
    db: &sea_orm::DatabaseConnection,
    sha256: &Sha256,
) -> Result<Option<PhotoInfo>, PhotoError> {
    Ok(photos::find(db, sha256).await?.map(|p| PhotoInfo {
        sha256: p.sha256,
        size: p.size,
        stored_at: p.stored_at,
    }))
}

/// The photos the visits of a household name, with their status, when the household lies in
/// the user's areas.
pub async fn of_household(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    household_id: Uuid,
) -> Result<Vec<HouseholdPhoto>, PhotoError> {
    may_see_photos(actor)?;
    let household = households::find(db, household_id, households::Load::Head)
        .await?
        .filter(|h| actor.scope.covers(&h.area_code))
        .ok_or(PhotoError::NotFound)?;
    let named = photos::of_household(db, household.id).await?;
    Ok(named.into_iter().map(views::household_photo).collect())
}

/// The photo's audience, when `actor` is in it: a user whose areas cover a household whose
/// visit names the photo, or the user who uploaded it.
async fn visible(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    sha256: &Sha256,
) -> Result<photos::Audience, PhotoError> {
    may_see_photos(actor)?;
    let audience = photos::audience(db, sha256)
        .await?
        .ok_or(PhotoError::NotFound)?;
    let allowed = audience.uploaded_by == actor.id
        || audience
            .named_by
            .iter()
            .any(|n| actor.scope.covers(&n.area_code));
    if allowed {
        Ok(audience)
    } else {
        Err(PhotoError::NotFound)
    }
}

/// The original file of a stored photo, streamed.
pub async fn original(
    db: &sea_orm::DatabaseConnection,
    blobs: &dyn BlobStore,
    actor: &Actor,
    sha256: &Sha256,
) -> Result<BlobReader, PhotoError> {
    visible(db, actor, sha256).await?;
    blobs
        .open(&sha256.photo_key())
        .await?
        .ok_or(PhotoError::NotFound)
}

/// A thumbnail (JPEG, longest side `side`: 256 or 1024), once the pipeline has made it.
pub async fn thumbnail(
    db: &sea_orm::DatabaseConnection,
    blobs: &dyn BlobStore,
    actor: &Actor,
    sha256: &Sha256,
    side: u32,
) -> Result<Bytes, PhotoError> {
    visible(db, actor, sha256).await?;
    if ![analysis::render::SMALL, analysis::render::LARGE].contains(&side) {
        return Err(PhotoError::NotFound);
    }
    match photo_jobs::find(db, sha256).await?.map(|j| j.results.state) {
        Some(JobState::Done) => {}
        Some(JobState::Failed | JobState::Unsupported) => return Err(PhotoError::NoThumbnail),
        Some(JobState::Queued) | None => return Err(PhotoError::NotReady),
    }
    blobs
        .get(&pipeline::thumbnail_key(sha256, side))
        .await?
        .ok_or(PhotoError::NotReady)
}

/// What the server learned from a photo.
pub async fn details(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    sha256: &Sha256,
) -> Result<PhotoDetails, PhotoError> {
    let audience = visible(db, actor, sha256).await?;
    let job = photo_jobs::find(db, sha256).await?;
    let results = job.map(|j| j.results);
    let r = results.as_ref();
    Ok(PhotoDetails {
        sha256: audience.photo.sha256,
        size: audience.photo.size,
        stored_at: audience.photo.stored_at,
        processing: match r.map_or(JobState::Queued, |r| r.state) {
            JobState::Queued => Processing::Queued,
            JobState::Done => Processing::Done,
            JobState::Unsupported => Processing::Unsupported,
            JobState::Failed => Processing::Failed,
        },
        error: r.and_then(|r| r.error.clone()),
        format: r.and_then(|r| r.format.clone()),
        width: r.and_then(|r| r.size).map(|s| s.0),
        height: r.and_then(|r| r.size).map(|s| s.1),
        taken_at: r.and_then(|r| r.taken_at.clone()),
        latitude: r.and_then(|r| r.gps).map(|g| g.0),
        longitude: r.and_then(|r| r.gps).map(|g| g.1),
        orientation: r.and_then(|r| r.orientation),
        camera: r.and_then(|r| r.camera.clone()),
        exif_error: r.and_then(|r| r.exif_error.clone()),
        phash: r.and_then(|r| r.phash).map(|h| format!("{h:016x}")),
    })
}

/// Photos of other households in the user's areas whose perceptual hash is within
/// `max_distance` bits of this one's: the same house submitted twice, or a photo reused.
pub async fn similar(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    sha256: &Sha256,
    max_distance: u32,
) -> Result<Vec<SimilarPhoto>, PhotoError> {
    let audience = visible(db, actor, sha256).await?;
    let phash = photo_jobs::find(db, sha256)
        .await?
        .and_then(|j| j.results.phash)
        .ok_or(PhotoError::NotReady)?;
    let own: Vec<Uuid> = audience.named_by.iter().map(|n| n.household_id).collect();
    let near = photo_jobs::near(db, phash, max_distance, sha256, SIMILAR_CANDIDATES).await?;
    let hashes: Vec<String> = near.iter().map(|(sha, _)| sha.clone()).collect();
    let distance: HashMap<&str, u32> = near.iter().map(|(sha, d)| (sha.as_str(), *d)).collect();
    let mut found: Vec<SimilarPhoto> = photos::named_by(db, &hashes)
        .await?
        .into_iter()
        .filter(|n| actor.scope.covers(&n.area_code) && !own.contains(&n.household_id))
        .map(|n| SimilarPhoto {
            distance: distance.get(n.sha256.as_str()).copied().unwrap_or(u32::MAX),
            sha256: n.sha256,
            household_id: n.household_id,
            visit_id: n.visit_id,
            kind: n.kind,
        })
        .collect();
    found.sort_by(|a, b| {
        (a.distance, &a.sha256, a.visit_id).cmp(&(b.distance, &b.sha256, b.visit_id))
    });
    found.truncate(SIMILAR_ANSWERED);
    Ok(found)
}

#[cfg(test)]
mod tests {
    use futures::FutureExt;

    use super::*;

    fn runtime(max_decode_mib: u64) -> PhotoRuntime {
        let limits = Limits {
            max_pixels: 210_000_000,
            max_decode_bytes: max_decode_mib * MIB,
        };
        PhotoRuntime::new(limits, 1, std::env::temp_dir(), true)
    }

    #[tokio::test]
    async fn a_decode_waits_until_its_memory_fits_beside_the_others() {
        let runtime = runtime(256);
        let first = runtime.decode_memory(200 * MIB).await;
        let small = runtime.decode_memory(50 * MIB).now_or_never();
        assert!(small.is_some(), "50 MiB fit beside 200");
        let mut second = Box::pin(runtime.decode_memory(100 * MIB));
        assert!((&mut second).now_or_never().is_none(), "350 MiB exceed 256");
        drop(first);
        assert!(
            second.now_or_never().is_some(),
            "150 MiB fit once the first is done"
        );
        drop(small);
    }

    #[tokio::test]
    async fn no_more_photos_are_analysed_at_once_than_there_are_cores() {
        let runtime = runtime(256);
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let mut turns = Vec::new();
        for _ in 0..cores {
            turns.push(runtime.analysis_turn().await);
        }
        let mut next = Box::pin(runtime.analysis_turn());
        assert!((&mut next).now_or_never().is_none(), "every core is busy");
        turns.pop();
        assert!(next.now_or_never().is_some(), "a core was given back");
    }

    #[tokio::test]
    async fn a_decode_larger_than_the_budget_takes_all_of_it_and_goes() {
        let runtime = runtime(64);
        let whole = runtime.decode_memory(1000 * MIB).now_or_never();
        assert!(
            whole.is_some(),
            "it waits for the whole budget, not for more"
        );
        assert!(runtime.decode_memory(1).now_or_never().is_none());
    }
}
