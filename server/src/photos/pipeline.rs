//! The image pipeline's workers: each claims the oldest due photo, reads it from the object
//! store, analyses it on a blocking thread (format, EXIF, thumbnails, perceptual hash), stores
//! the thumbnails and the results. Everything is idempotent: thumbnails are written under keys
//! derived from the photo's hash, results overwrite the photo's own row, so a photo processed
//! twice (a worker died after storing thumbnails) ends the same.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};
use tokio::sync::watch;
use tracing::{info, warn};

use super::PhotoRuntime;
use super::analysis::{self, ImageFormat};
use crate::blob::BlobStore;
use crate::config::PhotosConfig;
use crate::metrics::Metrics;
use crate::store::StoreError;
use crate::store::photo_jobs::{self, JobState, Results};
use crate::store::quality;

/// At most this many look-alikes of a newly analysed photo get their visits checked again.
const LOOK_ALIKES_REQUEUED: usize = 50;

/// How long a claimed photo stays with its worker before another may take it.
const LEASE: Duration = Duration::from_mins(10);
/// The longest wait between attempts.
const MAX_BACKOFF_SECONDS: u64 = 3600;

/// The object key of a thumbnail whose longest side is `side` pixels.
#[must_use]
pub fn thumbnail_key(sha256: &str, side: u32) -> String {
    format!("thumb/{side}/{sha256}.jpg")
}

/// What a worker needs.
#[derive(Clone)]
pub struct Pipeline {
    /// Connection pool.
    pub db: DatabaseConnection,
    /// Where originals are read and thumbnails written.
    pub blobs: Arc<dyn BlobStore>,
    /// Caps and the wake-up signal.
    pub runtime: Arc<PhotoRuntime>,
    /// Settings.
    pub config: PhotosConfig,
    /// Where analyses are counted and timed.
    pub metrics: Arc<Metrics>,
}

impl Pipeline {
    /// Works until `stop` turns true: processes due photos one after another, and when there
    /// are none waits for a new upload or `photos.poll_ms`.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let poll = Duration::from_millis(self.config.poll_ms);
        while !*stop.borrow() {
            let worked = match self.step(Utc::now()).await {
                Ok(worked) => worked,
                Err(e) => {
                    warn!(error = %e, "photo pipeline: database unavailable");
                    false
                }
            };
            if worked {
                continue;
            }
            tokio::select! {
                () = self.runtime.wake.notified() => {}
                () = tokio::time::sleep(poll) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// Claims one due photo and processes it. Returns whether there was one.
    pub async fn step(&self, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let lease_until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
        let max_attempts = self.config.max_attempts;
        let Some((sha256, attempt)) =
            photo_jobs::claim(&self.db, now, lease_until, max_attempts).await?
        else {
            return Ok(false);
        };
        let started = std::time::Instant::now();
        let outcome = self.process(&sha256).await;
        let state = match &outcome {
            Ok(results) => results.state.as_str(),
            Err(_) if attempt < self.config.max_attempts => "retry",
            Err(_) => "failed",
        };
        self.metrics.analysed(state, started.elapsed());
        let now = Utc::now();
        match outcome {
            Ok(results) => {
                info!(photo = %sha256, state = results.state.as_str(), "photo analysed");
                // The visits naming the photo are checked again with its EXIF and look-alikes.
                let txn = self.db.begin().await?;
                photo_jobs::finish(&txn, &sha256, &results, now).await?;
                quality::requeue_for_photos(&txn, &[&sha256], now).await?;
                txn.commit().await?;
                self.forget(&sha256).await;
                // A push naming the photo may have committed while this transaction ran,
                // unseen by it (PostgreSQL's read committed): queue again, now that the
                // analysis is visible to any check that follows. Visits naming look-alikes
                // are checked again too: a reuse is flagged on both households, whichever
                // photo was analysed first.
                let near = match results.phash {
                    Some(phash) => {
                        photo_jobs::near(
                            &self.db,
                            phash,
                            sync_protocol::v1::MAX_SIMILAR_DISTANCE,
                            &sha256,
                            LOOK_ALIKES_REQUEUED,
                        )
                        .await?
                    }
                    None => Vec::new(),
                };
                let photos: Vec<&str> = std::iter::once(sha256.as_str())
                    .chain(near.iter().map(|(other, _)| other.as_str()))
                    .collect();
                quality::requeue_for_photos(&self.db, &photos, Utc::now()).await?;
            }
            Err(reason) if attempt < self.config.max_attempts => {
                let wait = 2u64.saturating_pow(attempt).min(MAX_BACKOFF_SECONDS);
                warn!(photo = %sha256, attempt, wait, %reason, "photo analysis postponed");
                let run_after = now + chrono::Duration::seconds(i64::try_from(wait).unwrap_or(0));
                photo_jobs::retry_later(&self.db, &sha256, &reason, run_after, now).await?;
            }
            Err(reason) => {
                warn!(photo = %sha256, attempt, %reason, "photo analysis given up");
                let results = failed(format!("gagal setelah {attempt} percobaan: {reason}"));
                photo_jobs::finish(&self.db, &sha256, &results, now).await?;
                self.forget(&sha256).await;
            }
        }
        Ok(true)
    }

    /// Removes the photo's upload file kept for the pipeline, if any: it is analysed.
    async fn forget(&self, sha256: &str) {
        if let Err(e) = self.runtime.partials.forget(sha256).await {
            // Swept with the partial uploads within the hour.
            warn!(photo = %sha256, error = %e, "removing an analysed photo's upload file failed");
        }
    }

    /// Analyses a photo. `Err` is a transient failure (the object store), worth retrying.
    async fn process(&self, sha256: &str) -> Result<Results, String> {
        // Its upload's file, if this instance stored it (the same bytes, checked against the
        // hash), saves fetching it back from the object store.
        let bytes = match self.runtime.partials.read_kept(sha256).await {
            Some(bytes) => bytes,
            None => match self.blobs.get(&format!("sha256/{sha256}")).await {
                Ok(Some(bytes)) => bytes,
                Ok(None) => return Ok(failed("berkas asli tidak ada di penyimpanan".to_owned())),
                Err(e) => return Err(e.to_string()),
            },
        };
        let limits = self.runtime.limits;
        let core = self.runtime.analysis_turn().await;
        // The decode waits until its memory fits beside the other workers' decodes. Reading
        // the headers walks the file to its end marker: a blocking thread's work too.
        let headers = bytes.clone();
        let needs = tokio::task::spawn_blocking(move || {
            analysis::inspect(&headers, &limits).map_or(0, |i| i.decode_bytes())
        })
        .await
        .unwrap_or(0);
        let memory = self.runtime.decode_memory(needs).await;
        let analysed =
            tokio::task::spawn_blocking(move || analysis::analyse(&bytes, &limits)).await;
        drop(memory);
        drop(core);
        let analysis = match analysed {
            // A panic in a decoder is a property of the file: trying again would panic again.
            Err(e) => return Ok(failed(format!("analisis gagal: {e}"))),
            Ok(Err(rejection)) => return Ok(failed(rejection.to_string())),
            Ok(Ok(analysis)) => analysis,
        };
        let exif = analysis.exif.unwrap_or_default();
        let mut results = Results {
            state: JobState::Done,
            error: None,
            format: Some(analysis.format.as_str().to_owned()),
            size: None,
            taken_at: exif.taken_at,
            gps: exif.gps,
            orientation: Some(exif.orientation),
            camera: exif.camera,
            exif_error: analysis.exif_error,
            phash: None,
        };
        match analysis.rendered {
            Ok(rendered) => {
                let large = thumbnail_key(sha256, analysis::render::LARGE);
                let small = thumbnail_key(sha256, analysis::render::SMALL);
                tokio::try_join!(
                    self.blobs.put(&large, Bytes::from(rendered.large)),
                    self.blobs.put(&small, Bytes::from(rendered.small)),
                )
                .map_err(|e| e.to_string())?;
                results.size = Some(rendered.size);
                results.phash = Some(rendered.phash);
            }
            Err(_) if analysis.format == ImageFormat::Heic => {
                results.state = JobState::Unsupported;
                results.error = Some(
                    "foto HEIC disimpan, tetapi pratinjau belum dapat dibuat; atur kamera ke JPEG"
                        .to_owned(),
                );
            }
            Err(e) => {
                results.state = JobState::Failed;
                results.error = Some(format!("piksel tidak dapat dibaca: {e}"));
            }
        }
        Ok(results)
    }
}

fn failed(reason: String) -> Results {
    Results {
        state: JobState::Failed,
        error: Some(reason),
        format: None,
        size: None,
        taken_at: None,
        gps: None,
        orientation: None,
        camera: None,
        exif_error: None,
        phash: None,
    }
}
