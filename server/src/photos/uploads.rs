//! Resumable photo uploads (tus 1.0: core, creation, checksum, termination, expiration).
//!
//! The phone declares the photo's SHA-256 when it creates an upload, then sends the bytes in
//! chunks of any size at the offset the server reports. Each chunk's body is written to the
//! upload's file as it arrives ([`super::partial`]), flushed, and only then is the new offset
//! committed: a restart loses nothing acknowledged, memory does not grow with the chunk size,
//! and a chunk sent twice is refused by its offset. When the last byte arrives the server
//! checks the file's SHA-256 and stores it once, at `sha256/<hex>`, however often it is
//! uploaded.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};
use sha2::Digest;
use tracing::warn;
use uuid::Uuid;

use super::PhotoRuntime;
use super::analysis::Rejection;
use super::partial::ChunkWriter;
use crate::blob::{BlobError, BlobStore};
use crate::config::UploadConfig;
use crate::domain::actor::Actor;
use crate::domain::sha256::Sha256;
use crate::store::uploads::{self, Upload};
use crate::store::{StoreError, photos, retry_transient};

/// Why an upload request was refused.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The role may not upload photos.
    #[error("role may not upload")]
    Forbidden,
    /// No such upload for this user (or it expired).
    #[error("upload not found")]
    NotFound,
    /// The photo is larger than allowed.
    #[error("upload of {length} bytes exceeds {max}")]
    TooLarge {
        /// Declared length.
        length: u64,
        /// The limit.
        max: u64,
    },
    /// A header is missing or malformed.
    #[error("{0}")]
    BadRequest(String),
    /// The chunk does not start at the upload's offset.
    #[error("offset mismatch: upload is at {current}")]
    OffsetMismatch {
        /// Where the upload is.
        current: u64,
    },
    /// Every byte has arrived: the upload is being completed and cannot be abandoned.
    #[error("upload complete")]
    Complete,
    /// A chunk's checksum, or the whole file's SHA-256, does not match.
    #[error("checksum mismatch")]
    ChecksumMismatch,
    /// The file is not an acceptable image (not an image, too large, a polyglot).
    #[error(transparent)]
    NotAcceptable(#[from] Rejection),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The object store failed.
    #[error(transparent)]
    Blob(#[from] BlobError),
}

impl UploadError {
    /// A failure that trying again may cure (a transaction that met another writer, which
    /// SQLite allows one at a time; a dropped connection).
    fn is_transient(&self) -> bool {
        matches!(self, Self::Store(e) if e.is_transient())
    }
}

fn owned(upload: Option<Upload>, actor: &Actor, now: DateTime<Utc>) -> Result<Upload, UploadError> {
    upload
        .filter(|u| u.user_id == actor.id && u.expires_at > now)
        .ok_or(UploadError::NotFound)
}

/// Creates an upload. A photo already stored gives an upload that is already complete.
pub async fn create(
    db: &DatabaseConnection,
    config: &UploadConfig,
    actor: &Actor,
    length: u64,
    sha256: &Sha256,
    now: DateTime<Utc>,
) -> Result<Upload, UploadError> {
    if !actor.role.may_push() {
        return Err(UploadError::Forbidden);
    }
    if length > config.max_bytes {
        return Err(UploadError::TooLarge {
            length,
            max: config.max_bytes,
        });
    }
    let stored = photos::find(db, sha256).await?.is_some();
    let upload = Upload {
        id: Uuid::now_v7(),
        user_id: actor.id,
        sha256: sha256.as_str().to_owned(),
        length,
        offset: if stored { length } else { 0 },
        expires_at: now + Duration::hours(i64::from(config.expire_hours)),
    };
    uploads::create(db, &upload, now).await?;
    Ok(upload)
}

/// The upload's state (`HEAD`).
pub async fn status(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Upload, UploadError> {
    owned(uploads::find(db, id).await?, actor, now)
}

/// A chunk being received: written to a segment file piece by piece and counted (and hashed,
/// when the phone declared its `Upload-Checksum`), until [`finish_chunk`] appends and commits
/// it.
pub struct ChunkSink {
    upload: Upload,
    offset: u64,
    /// `None` for a chunk at the end of a complete upload, which may carry no byte.
    writer: Option<ChunkWriter>,
    checksum: Option<ChunkChecksum>,
    written: u64,
}

/// The SHA-256 a chunk declared, and the hash of what arrived so far. Without a declared one
/// a chunk is not hashed at all: the whole file is, once complete.
struct ChunkChecksum {
    expected: [u8; 32],
    hasher: sha2::Sha256,
}

impl ChunkSink {
    /// Writes a piece of the chunk's body as it arrives.
    pub async fn write(&mut self, piece: &[u8]) -> Result<(), UploadError> {
        let end = self.offset + self.written + piece.len() as u64;
        let Some(writer) = self.writer.as_mut().filter(|_| end <= self.upload.length) else {
            return Err(UploadError::BadRequest(format!(
                "potongan melewati panjang unggahan ({} byte)",
                self.upload.length
            )));
        };
        writer.write(piece).await.map_err(BlobError::from)?;
        if let Some(checksum) = self.checksum.as_mut() {
            checksum.hasher.update(piece);
        }
        self.written += piece.len() as u64;
        Ok(())
    }

    /// Bytes of the chunk written so far.
    #[must_use]
    pub fn written(&self) -> u64 {
        self.written
    }
}

/// Begins a chunk (`PATCH`) at `offset`: the upload must be the user's and at that offset.
/// `checksum` is the chunk's SHA-256, if the phone sent one.
pub async fn begin_chunk(
    db: &DatabaseConnection,
    runtime: &PhotoRuntime,
    actor: &Actor,
    id: Uuid,
    offset: u64,
    checksum: Option<[u8; 32]>,
    now: DateTime<Utc>,
) -> Result<ChunkSink, UploadError> {
    let upload = owned(uploads::find(db, id).await?, actor, now)?;
    if offset != upload.offset {
        return Err(UploadError::OffsetMismatch {
            current: upload.offset,
        });
    }
    let writer = if offset == upload.length {
        None
    } else {
        Some(
            runtime
                .partials
                .segment(id)
                .await
                .map_err(BlobError::from)?,
        )
    };
    Ok(ChunkSink {
        upload,
        offset,
        writer,
        checksum: checksum.map(|expected| ChunkChecksum {
            expected,
            hasher: sha2::Sha256::new(),
        }),
        written: 0,
    })
}

/// Commits a chunk whose body has all arrived: checked against the phone's checksum (if it
/// sent one), appended to the upload's file and flushed, then the offset moved past it — the
/// first of two tries of the same chunk to get there wins, the other is told the new offset.
/// Completes the upload when that was its last byte.
pub async fn finish_chunk(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    runtime: &PhotoRuntime,
    sink: ChunkSink,
    now: DateTime<Utc>,
) -> Result<ChunkEnd, UploadError> {
    let ChunkSink {
        mut upload,
        offset,
        writer,
        checksum,
        written,
    } = sink;
    let segment = match writer {
        Some(writer) => Some(writer.finish().await.map_err(BlobError::from)?),
        None => None,
    };
    if checksum.is_some_and(|c| c.hasher.finalize()[..] != c.expected[..]) {
        return Err(UploadError::ChecksumMismatch);
    }
    let end = offset + written;
    if let Some(segment) = segment.filter(|_| written > 0) {
        // One chunk of an upload is appended at a time on this instance; the others wait the
        // few milliseconds it takes.
        let appending = loop {
            if let Some(claim) = runtime.try_writing(upload.id) {
                break claim;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        };
        let current = uploads::find(db, upload.id)
            .await?
            .filter(|u| u.expires_at > now)
            .ok_or(UploadError::NotFound)?
            .offset;
        if current != offset {
            return Err(UploadError::OffsetMismatch { current });
        }
        let (held, _appending) = runtime
            .partials
            .append(upload.id, offset, segment, appending)
            .await
            .map_err(BlobError::from)?;
        if held < offset {
            warn!(upload.id = %upload.id, offset, held, "an upload's file lost bytes; resuming earlier");
            uploads::move_offset(db, upload.id, offset, held).await?;
            return Err(UploadError::OffsetMismatch { current: held });
        }
        let moved = retry_transient(runtime.db_attempts, StoreError::is_transient, || {
            uploads::move_offset(db, upload.id, offset, end)
        })
        .await?;
        if !moved {
            // Abandoned meanwhile (404), or another try of the chunk got there first (409 at
            // where it is now).
            return Err(match uploads::find(db, upload.id).await? {
                Some(now) => UploadError::OffsetMismatch {
                    current: now.offset,
                },
                None => UploadError::NotFound,
            });
        }
    }
    let mut stored = false;
    if end == upload.length {
        upload.offset = end;
        stored = complete(db, blobs, runtime, &upload, now).await?;
    }
    Ok(ChunkEnd {
        offset: end,
        stored,
    })
}

/// Where a chunk left its upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkEnd {
    /// The upload's offset after it.
    pub offset: u64,
    /// Whether this request stored the photo (not another that completed it at once).
    pub stored: bool,
}

/// Stores the uploads whose bytes all arrived while the object store was down, without waiting
/// for their phones: a standard tus client that saw every byte acknowledged asks no more.
/// Returns how many were finished; stops at the object store's first failure.
pub async fn finish_interrupted(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    runtime: &PhotoRuntime,
    now: DateTime<Utc>,
) -> Result<usize, UploadError> {
    let mut finished = 0;
    for upload in uploads::complete_unstored(db, now, FINISHED_PER_ROUND).await? {
        // Its last chunk's request is completing it (perhaps still waiting for its turn).
        let Some(_mine) = runtime.try_completing(upload.id) else {
            continue;
        };
        match complete(db, blobs, runtime, &upload, now).await {
            Ok(true) => finished += 1,
            Ok(false) => {}
            Err(UploadError::Blob(e)) => return Err(UploadError::Blob(e)),
            // A mismatch or an unacceptable file was discarded, as at a phone's last chunk.
            Err(e) => warn!(upload.id = %upload.id, error = %e, "interrupted upload discarded"),
        }
    }
    Ok(finished)
}

/// Removes the uploads that expired before `now`, with their files, and the files no upload
/// owns any more (a crash between storing a photo and removing its file). Returns how many
/// uploads expired.
pub async fn sweep_expired(
    db: &DatabaseConnection,
    runtime: &PhotoRuntime,
    now: DateTime<Utc>,
) -> Result<usize, UploadError> {
    let expired = uploads::delete_expired(db, now).await?;
    for id in &expired {
        runtime
            .partials
            .remove(*id)
            .await
            .map_err(BlobError::from)?;
    }
    let stale = std::time::Duration::from_secs(u64::from(STALE_SEGMENT_HOURS) * 3600);
    for id in runtime.partials.ids(stale).await.map_err(BlobError::from)? {
        // An upload is created before its file: a file of no upload is left over, unless it
        // is being written or stored right now.
        let busy = runtime.try_writing(id).is_none() || runtime.try_completing(id).is_none();
        if !busy && uploads::find(db, id).await?.is_none() {
            runtime.partials.remove(id).await.map_err(BlobError::from)?;
        }
    }
    Ok(expired.len())
}

/// A chunk's segment this old is left over from a crash: no chunk takes that long.
const STALE_SEGMENT_HOURS: u16 = 24;

/// How many interrupted uploads [`finish_interrupted`] takes on at a time.
const FINISHED_PER_ROUND: u64 = 100;

/// Checks the upload's file against its SHA-256 and that it is an acceptable image, stores
/// the photo and queues it for the pipeline. On a mismatch or an unacceptable file the upload
/// is discarded. If the object store fails, the upload stays complete: a `PATCH` of zero
/// bytes at its end, or the server's own retry, stores it later. When two requests complete
/// the same upload at once, the one that finds the file gone finds the photo stored, and
/// succeeds too. Whether this call recorded the photo (not another).
async fn complete(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    runtime: &PhotoRuntime,
    upload: &Upload,
    now: DateTime<Utc>,
) -> Result<bool, UploadError> {
    let _completing = runtime.completing(upload.id);
    match store_photo(db, blobs, runtime, upload, now).await {
        // Whatever went wrong here (the file gone under it, say), the photo is stored.
        Err(e) if !e.is_transient() => {
            if photos::find(db, &upload.sha256).await?.is_some() {
                Ok(false)
            } else {
                Err(e)
            }
        }
        outcome => outcome,
    }
}

async fn store_photo(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    runtime: &PhotoRuntime,
    upload: &Upload,
    now: DateTime<Utc>,
) -> Result<bool, UploadError> {
    let partials = &runtime.partials;
    if photos::find(db, &upload.sha256).await?.is_some() {
        uploads::delete(db, upload.id).await?;
        partials.remove(upload.id).await.map_err(BlobError::from)?;
        return Ok(false);
    }
    // Fifty phones finishing at once take turns here, so memory and blocking threads stay
    // bounded; the others wait a little longer for their last chunk's answer.
    let _turn = runtime.admit().await?;
    let path = partials.path(upload.id);
    let held = partials.held(upload.id).await.map_err(BlobError::from)?;
    if held != upload.length {
        // The file lost bytes (or went with a completion that raced this one): the phone
        // sends them again from where the file ends.
        let current = held.min(upload.length);
        uploads::move_offset(db, upload.id, upload.offset, current).await?;
        return Err(UploadError::OffsetMismatch { current });
    }
    if hash_file(&path).await.map_err(BlobError::from)? != upload.sha256 {
        uploads::delete(db, upload.id).await?;
        partials.remove(upload.id).await.map_err(BlobError::from)?;
        return Err(UploadError::ChecksumMismatch);
    }
    if let Err(rejection) = runtime.inspect_file(&path).await? {
        uploads::delete(db, upload.id).await?;
        partials.remove(upload.id).await.map_err(BlobError::from)?;
        return Err(rejection.into());
    }
    blobs
        .put_file(&format!("sha256/{}", upload.sha256), &path)
        .await?;
    let recorded = retry_transient(runtime.db_attempts, StoreError::is_transient, || async {
        let txn = db.begin().await?;
        let recorded =
            photos::insert(&txn, &upload.sha256, upload.length, upload.user_id, now).await?;
        uploads::delete(&txn, upload.id).await?;
        txn.commit().await?;
        Ok::<bool, StoreError>(recorded)
    })
    .await?;
    // Stored: the file is kept for the pipeline. One left behind by a failure here is swept
    // with the expired uploads.
    partials
        .stored(upload.id, &upload.sha256)
        .await
        .map_err(BlobError::from)?;
    runtime.wake.notify_one();
    Ok(recorded)
}

/// The SHA-256 of a file in hex, read a block at a time on a blocking thread.
async fn hash_file(path: &std::path::Path) -> std::io::Result<String> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut file = std::fs::File::open(path)?;
        let mut hasher = sha2::Sha256::new();
        std::io::copy(&mut file, &mut hasher)?;
        Ok(hex::encode(hasher.finalize()))
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Abandons an upload (`DELETE`) whose bytes have not all arrived. Once they have, it is
/// being completed (stored, or discarded if it is not the declared photo) and the `DELETE` is
/// refused: one racing the last chunk either comes first, and the chunk's commit finds no
/// upload, or comes after the commit and is refused — never answered 204 for a photo stored
/// after all. Its file goes with it.
pub async fn terminate(
    db: &DatabaseConnection,
    runtime: &PhotoRuntime,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), UploadError> {
    retry_transient(runtime.db_attempts, UploadError::is_transient, || async {
        let txn = db.begin().await.map_err(StoreError::from)?;
        let upload = owned(uploads::lock(&txn, id).await?, actor, now)?;
        if upload.offset == upload.length {
            return Err(UploadError::Complete);
        }
        uploads::delete(&txn, id).await?;
        txn.commit().await.map_err(StoreError::from)?;
        Ok(())
    })
    .await?;
    runtime
        .partials
        .remove(id)
        .await
        .map_err(|e| UploadError::Blob(e.into()))
}
