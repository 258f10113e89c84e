//! Resumable photo uploads (tus 1.0: core, creation, checksum, termination, expiration).
//!
//! The phone declares the photo's SHA-256 when it creates an upload, then sends the bytes in
//! chunks (64 KiB or more) at the offset the server reports. Each chunk is stored in the
//! database together with the new offset, in one transaction: any server instance can take
//! the next chunk, a restart loses nothing, and a chunk sent twice is refused by its offset.
//! When the last byte arrives the server streams the chunks into a temporary file, checks the
//! SHA-256, and stores the file once, at `sha256/<hex>`, however often it is uploaded.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};
use sha2::Digest;
use tokio::io::AsyncWriteExt;
use tracing::warn;
use uuid::Uuid;

use super::PhotoRuntime;
use super::analysis::Rejection;
use crate::blob::{BlobError, BlobStore};
use crate::config::UploadConfig;
use crate::domain::actor::Actor;
use crate::domain::sha256::Sha256;
use crate::store::uploads::{self, Upload};
use crate::store::{StoreError, photo_jobs, photos, retry_transient};

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

/// A chunk of an upload as the phone sent it.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// Where it starts (`Upload-Offset`).
    pub offset: u64,
    /// The SHA-256 the phone sent for it (`Upload-Checksum`), if any.
    pub checksum: Option<[u8; 32]>,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// Appends a chunk (`PATCH`); completes the upload when the last byte arrives. Returns the
/// new offset.
pub async fn append(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    runtime: &PhotoRuntime,
    actor: &Actor,
    id: Uuid,
    chunk: Chunk,
    now: DateTime<Utc>,
) -> Result<u64, UploadError> {
    let Chunk {
        offset,
        checksum,
        data,
    } = chunk;
    if checksum.is_some_and(|expected| sha2::Sha256::digest(&data)[..] != expected[..]) {
        return Err(UploadError::ChecksumMismatch);
    }
    let (upload, end) = retry_transient(runtime.db_attempts, UploadError::is_transient, || {
        write_chunk(db, actor, id, offset, &data, now)
    })
    .await?;
    if end == upload.length {
        complete(db, blobs, runtime, &upload, now).await?;
    }
    Ok(end)
}

/// Stores a chunk at `offset` with the upload's new offset, in one transaction. Returns the
/// upload as it was and the new offset.
async fn write_chunk(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    offset: u64,
    data: &[u8],
    now: DateTime<Utc>,
) -> Result<(Upload, u64), UploadError> {
    let txn = db.begin().await.map_err(StoreError::from)?;
    let upload = owned(uploads::lock(&txn, id).await?, actor, now)?;
    if offset != upload.offset {
        return Err(UploadError::OffsetMismatch {
            current: upload.offset,
        });
    }
    if offset + data.len() as u64 > upload.length {
        return Err(UploadError::BadRequest(format!(
            "potongan melewati panjang unggahan ({} byte)",
            upload.length
        )));
    }
    let end = if data.is_empty() {
        offset
    } else {
        uploads::append(&txn, id, offset, data).await?
    };
    txn.commit().await.map_err(StoreError::from)?;
    Ok((upload, end))
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
            Ok(()) => finished += 1,
            Err(UploadError::Blob(e)) => return Err(UploadError::Blob(e)),
            // A mismatch or an unacceptable file was discarded, as at a phone's last chunk.
            Err(e) => warn!(upload.id = %upload.id, error = %e, "interrupted upload discarded"),
        }
    }
    Ok(finished)
}

/// How many interrupted uploads [`finish_interrupted`] takes on at a time.
const FINISHED_PER_ROUND: u64 = 100;

/// Assembles the chunks into a temporary file, checks the SHA-256 and that the file is an
/// acceptable image, stores the photo and queues it for the pipeline. On a mismatch or an
/// unacceptable file the upload is discarded. If the object store fails, the upload stays
/// complete: a `PATCH` of zero bytes at its end, or the server's own retry, stores it later.
/// When two requests complete the same upload at once, the one that finds the chunks gone
/// finds the photo stored, and succeeds too.
async fn complete(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    runtime: &PhotoRuntime,
    upload: &Upload,
    now: DateTime<Utc>,
) -> Result<(), UploadError> {
    let _completing = runtime.completing(upload.id);
    match store_photo(db, blobs, runtime, upload, now).await {
        Err(UploadError::ChecksumMismatch | UploadError::Store(StoreError::Corrupt(_)))
            if photos::find(db, &upload.sha256).await?.is_some() =>
        {
            Ok(())
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
) -> Result<(), UploadError> {
    if photos::find(db, &upload.sha256).await?.is_some() {
        uploads::delete(db, upload.id).await?;
        return Ok(());
    }
    // Fifty phones finishing at once take turns here, so memory and blocking threads stay
    // bounded; the others wait a little longer for their last chunk's answer.
    let _turn = runtime.admit().await?;
    let file = TempFile::new();
    let mut out = tokio::fs::File::create(&file.0)
        .await
        .map_err(BlobError::from)?;
    let mut hasher = sha2::Sha256::new();
    // One chunk in memory at a time.
    for offset in uploads::chunk_offsets(db, upload.id).await? {
        let bytes = uploads::chunk(db, upload.id, offset).await?;
        hasher.update(&bytes);
        out.write_all(&bytes).await.map_err(BlobError::from)?;
    }
    out.sync_all().await.map_err(BlobError::from)?;
    drop(out);
    if hex::encode(hasher.finalize()) != upload.sha256 {
        uploads::delete(db, upload.id).await?;
        return Err(UploadError::ChecksumMismatch);
    }
    if let Err(rejection) = runtime.inspect_file(&file.0).await? {
        uploads::delete(db, upload.id).await?;
        return Err(rejection.into());
    }
    blobs
        .put_file(&format!("sha256/{}", upload.sha256), &file.0)
        .await?;
    retry_transient(runtime.db_attempts, StoreError::is_transient, || async {
        let txn = db.begin().await?;
        photos::insert(&txn, &upload.sha256, upload.length, upload.user_id, now).await?;
        photo_jobs::queue(&txn, &upload.sha256, now).await?;
        uploads::delete(&txn, upload.id).await?;
        txn.commit().await?;
        Ok::<(), StoreError>(())
    })
    .await?;
    runtime.wake.notify_one();
    Ok(())
}

/// Abandons an upload (`DELETE`) whose bytes have not all arrived. Once they have, it is
/// being completed (stored, or discarded if it is not the declared photo) and the `DELETE` is
/// refused: one racing the last chunk either comes first, and the chunk finds no upload, or
/// waits for the chunk's lock and is refused, never answered 204 for a photo stored after all.
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
    .await
}

/// A file in the system's temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new() -> Self {
        Self(std::env::temp_dir().join(format!("ekemiskinan-upload-{}", Uuid::new_v4().simple())))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
