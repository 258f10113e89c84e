//! The bytes of uploads in progress: one file per upload in `uploads.partial_dir`, so that
//! memory does not grow with the chunk size and the database never carries photo bytes.
//! A chunk's body is written as it arrives to a segment file of its own, so that a chunk whose
//! connection stalls holds up nobody (the phone's next try of the same chunk goes through).
//! Once whole, the segment is appended to the upload's file (or becomes it, at offset 0) and
//! flushed, and only then is the upload's offset committed in the database: the offset says
//! how much of the file counts, and bytes past it (a crash between the two) are dropped when
//! the next chunk is appended.
//!
//! Instances behind one address must send each upload (its URL) to the same instance, whose
//! directory holds its bytes; an instance that finds fewer bytes than the offset says moves
//! the offset back, and the phone resumes from there (`HEAD`).
//!
//! Once stored in the object store, a photo's file stays here under its hash until this
//! instance's pipeline has analysed it, which then reads it from disk instead of fetching it
//! back. It is only a copy: a photo whose file is gone (a restart, another instance, an hour
//! passed) is fetched.

use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use tokio::fs::{File, OpenOptions};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

/// A stored photo's file kept this long for the pipeline is removed: under a backlog that
/// long, the pipeline fetches photos from the object store instead.
const KEPT_FOR: std::time::Duration = std::time::Duration::from_hours(1);

/// The directory of partial uploads.
#[derive(Debug, Clone)]
pub struct Partials {
    dir: PathBuf,
    /// Whether stored photos' files are kept for this instance's pipeline.
    keep: bool,
}

impl Partials {
    /// Partial uploads in `dir` (created when the first chunk arrives); stored photos' files
    /// kept there for the pipeline if `keep` (the pipeline runs on this instance).
    #[must_use]
    pub fn new(dir: PathBuf, keep: bool) -> Self {
        Self { dir, keep }
    }

    /// The file of upload `id`.
    #[must_use]
    pub fn path(&self, id: Uuid) -> PathBuf {
        self.dir.join(format!("{}.part", id.simple()))
    }

    /// A new segment file for a chunk of upload `id`, removed when the writer is dropped
    /// unless it was appended.
    pub async fn segment(&self, id: Uuid) -> std::io::Result<ChunkWriter> {
        tokio::fs::create_dir_all(&self.dir).await?;
        let path = self
            .dir
            .join(format!("{}-{}.seg", id.simple(), Uuid::new_v4().simple()));
        let file = OpenOptions::new()
            .create_new(true)
            .write(true)
            .open(&path)
            .await?;
        Ok(ChunkWriter {
            file: Some(file),
            path,
        })
    }

    /// Appends a whole segment to the file of upload `id` at `offset`, after dropping any
    /// bytes past it, and flushes the file to disk. Returns how many bytes the file held
    /// before, which is less than `offset` when bytes the database counted are gone (the file
    /// was lost): nothing is appended then. One blocking call: the kernel copies the segment
    /// (`copy_file_range`), and only what stays is flushed — the upload's file, or the segment
    /// that becomes it at offset 0.
    ///
    /// `hold` (the caller's claim on the upload) is kept by that call and handed back: if the
    /// caller goes away meanwhile (its request cut off), it is let go only once the file is
    /// written, so no other try of the chunk writes the file at the same time.
    pub async fn append<H: Send + 'static>(
        &self,
        id: Uuid,
        offset: u64,
        segment: Segment,
        hold: H,
    ) -> std::io::Result<(u64, H)> {
        let target = self.path(id);
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || {
            write_segment(&segment, &target, &dir, offset).map(|before| (before, hold))
        })
        .await
        .map_err(std::io::Error::other)?
    }

    /// How many bytes the file of upload `id` holds (0 when there is none).
    pub async fn held(&self, id: Uuid) -> std::io::Result<u64> {
        match tokio::fs::metadata(self.path(id)).await {
            Ok(m) => Ok(m.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// Removes the file of upload `id`, if there is one.
    pub async fn remove(&self, id: Uuid) -> std::io::Result<()> {
        remove_file(&self.path(id)).await
    }

    /// The file of a stored photo kept for the pipeline.
    fn kept(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.stored"))
    }

    /// Upload `id`'s file, now stored in the object store as photo `sha256`: kept for the
    /// pipeline, or removed when it runs elsewhere.
    pub async fn stored(&self, id: Uuid, sha256: &str) -> std::io::Result<()> {
        if !self.keep {
            return self.remove(id).await;
        }
        match tokio::fs::rename(self.path(id), self.kept(sha256)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The bytes of stored photo `sha256`, if its file is kept here; one that cannot be read
    /// is as good as gone (the object store has the photo).
    pub async fn read_kept(&self, sha256: &str) -> Option<Bytes> {
        tokio::fs::read(self.kept(sha256))
            .await
            .ok()
            .map(Bytes::from)
    }

    /// Removes the kept file of photo `sha256`, once analysed.
    pub async fn forget(&self, sha256: &str) -> std::io::Result<()> {
        remove_file(&self.kept(sha256)).await
    }

    /// The uploads that have a file here, by id; and removes the segments left older than
    /// `stale` (a crash while a chunk arrived) and the stored photos' files kept longer than an
    /// hour.
    pub async fn ids(&self, stale: std::time::Duration) -> std::io::Result<Vec<Uuid>> {
        let mut entries = match tokio::fs::read_dir(&self.dir).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut ids = Vec::new();
        while let Some(entry) = entries.next_entry().await? {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            // The server names these files itself, in lower case.
            let extension = Path::new(name).extension();
            let older_than = match extension.and_then(|e| e.to_str()) {
                Some("seg") => Some(stale),
                Some("stored") => Some(KEPT_FOR),
                _ => None,
            };
            if let Some(age) = older_than {
                // Gone meanwhile: its chunk was appended, or its photo analysed.
                let modified = match entry.metadata().await {
                    Ok(m) => m.modified()?,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(e),
                };
                if modified.elapsed().unwrap_or_default() > age {
                    remove_file(&entry.path()).await?;
                }
                continue;
            }
            if let Some(id) = name
                .strip_suffix(".part")
                .and_then(|stem| Uuid::parse_str(stem).ok())
            {
                ids.push(id);
            }
        }
        Ok(ids)
    }
}

/// Writes a chunk's pieces to its segment file as they arrive.
pub struct ChunkWriter {
    file: Option<File>,
    path: PathBuf,
}

impl ChunkWriter {
    /// Writes one piece.
    pub async fn write(&mut self, piece: &[u8]) -> std::io::Result<()> {
        match self.file.as_mut() {
            Some(file) => file.write_all(piece).await,
            None => Err(std::io::Error::other("segment already closed")),
        }
    }

    /// Ends the segment once every piece is written (not yet flushed to disk: [`Partials::append`]
    /// flushes what stays).
    pub async fn finish(mut self) -> std::io::Result<Segment> {
        if let Some(mut file) = self.file.take() {
            file.flush().await?;
        }
        Ok(Segment {
            path: std::mem::take(&mut self.path),
        })
    }
}

impl Drop for ChunkWriter {
    fn drop(&mut self) {
        // A chunk cut off or refused: its bytes are not kept.
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A chunk's whole body on disk, removed when dropped (after it was appended, or not).
pub struct Segment {
    path: PathBuf,
}

impl Drop for Segment {
    fn drop(&mut self) {
        // Gone already when it became the upload's file.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The blocking work of [`Partials::append`].
fn write_segment(
    segment: &Segment,
    target: &Path,
    dir: &Path,
    offset: u64,
) -> std::io::Result<u64> {
    if offset == 0 {
        std::fs::File::open(&segment.path)?.sync_data()?;
        std::fs::rename(&segment.path, target)?;
        // The new name, too, is on disk before the offset is committed.
        std::fs::File::open(dir)?.sync_all()?;
        return Ok(0);
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(target)?;
    let held = file.metadata()?.len();
    if held < offset {
        return Ok(held);
    }
    if held > offset {
        file.set_len(offset)?;
    }
    file.seek(SeekFrom::Start(offset))?;
    std::io::copy(&mut std::fs::File::open(&segment.path)?, &mut file)?;
    file.sync_data()?;
    Ok(offset)
}

async fn remove_file(path: &Path) -> std::io::Result<()> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    const SHA: &str = "5d41402abc4b2a76b9719d911017c592aa2f4b2fb5ad9f6c4b9e9d8b0f0a1c2d";

    async fn stored_upload(partials: &Partials, bytes: &[u8]) -> Uuid {
        let id = Uuid::new_v4();
        tokio::fs::create_dir_all(&partials.dir).await.unwrap();
        tokio::fs::write(partials.path(id), bytes).await.unwrap();
        partials.stored(id, SHA).await.unwrap();
        id
    }

    #[tokio::test]
    async fn a_stored_photo_is_kept_for_the_pipeline_until_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let partials = Partials::new(dir.path().to_path_buf(), true);
        let id = stored_upload(&partials, b"photo").await;
        assert_eq!(partials.held(id).await.unwrap(), 0, "no upload file left");
        assert_eq!(
            partials.read_kept(SHA).await.as_deref(),
            Some(&b"photo"[..])
        );
        partials.forget(SHA).await.unwrap();
        assert_eq!(partials.read_kept(SHA).await, None);
        partials.forget(SHA).await.unwrap();
    }

    #[tokio::test]
    async fn without_a_pipeline_here_a_stored_photo_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let partials = Partials::new(dir.path().to_path_buf(), false);
        stored_upload(&partials, b"photo").await;
        assert_eq!(partials.read_kept(SHA).await, None);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn a_photo_kept_longer_than_an_hour_is_swept_and_a_newer_one_stays() {
        let dir = tempfile::tempdir().unwrap();
        let partials = Partials::new(dir.path().to_path_buf(), true);
        stored_upload(&partials, b"photo").await;
        let day = Duration::from_hours(24);
        assert!(partials.ids(day).await.unwrap().is_empty());
        assert!(partials.read_kept(SHA).await.is_some(), "kept a moment ago");

        let two_hours_ago = SystemTime::now() - Duration::from_hours(2);
        std::fs::File::options()
            .write(true)
            .open(partials.kept(SHA))
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
        assert!(partials.ids(day).await.unwrap().is_empty());
        assert_eq!(partials.read_kept(SHA).await, None, "kept two hours: swept");
    }
}
