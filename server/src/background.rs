//! Work that runs beside the HTTP server until shutdown: the image pipeline's workers, a
//! sweep that removes expired uploads and gives up photos whose analysis keeps stopping a
//! worker, a retry that stores uploads interrupted by the object store, a check that reloads
//! area boundaries after an import, the counts kept per desa (map cells, indicator tallies),
//! the search of the photo store for photos a restored database forgot, and the data-quality
//! checks of recorded visits.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

use crate::photos::adopt;
use crate::photos::pipeline::Pipeline;
use crate::photos::uploads::{finish_interrupted, sweep_expired};
use crate::quality::Checker;
use crate::state::AppState;
use crate::store::{photo_jobs, tallies};

/// How often the sweep runs.
const SWEEP_EVERY: Duration = Duration::from_mins(10);

/// How often uploads whose bytes all arrived while the object store was down are stored.
const INTERRUPTED_UPLOADS_EVERY: Duration = Duration::from_mins(1);

/// How often the counts kept per desa (map cells, indicator tallies) catch up with the
/// households (a cheap look at the log when nothing changed).
const TALLIES_EVERY: Duration = Duration::from_secs(2);

/// How often the stored areas are checked for an import (a cheap count and maximum).
const AREAS_EVERY: Duration = Duration::from_mins(1);

/// Starts the background tasks; each ends soon after `stop` turns true.
#[must_use]
pub fn spawn(state: &AppState, stop: &watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    let mut tasks = Vec::new();
    let pipeline = Pipeline {
        db: state.db.clone(),
        blobs: state.blobs.clone(),
        runtime: state.photos.clone(),
        config: state.config.photos.clone(),
        metrics: state.metrics.clone(),
    };
    for _ in 0..state.config.photos.workers {
        tasks.push(tokio::spawn(pipeline.clone().run(stop.clone())));
    }
    tasks.push(tokio::spawn(sweep(state.clone(), stop.clone())));
    tasks.push(tokio::spawn(reload_boundaries(state.clone(), stop.clone())));
    tasks.push(tokio::spawn(finish_uploads(state.clone(), stop.clone())));
    tasks.push(tokio::spawn(keep_tallies(state.db.clone(), stop.clone())));
    tasks.push(tokio::spawn(adopt::run(
        state.db.clone(),
        state.blobs.clone(),
        state.photos.clone(),
        stop.clone(),
    )));
    if state.config.flags.run_checks {
        let checker = Checker {
            db: state.db.clone(),
            boundaries: state.boundaries.clone(),
            config: state.config.flags.clone(),
        };
        tasks.push(tokio::spawn(checker.run(stop.clone())));
    }
    tasks
}

/// Waits `period`, or less if `stop` turns true. Whether to go on.
async fn wait(period: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        () = tokio::time::sleep(period) => {}
        _ = stop.changed() => {}
    }
    !*stop.borrow()
}

async fn reload_boundaries(state: AppState, mut stop: watch::Receiver<bool>) {
    while wait(AREAS_EVERY, &mut stop).await {
        if let Err(e) = state.boundaries.refresh(&state.db).await {
            warn!(error = %e, "reloading area boundaries failed");
        }
    }
}

/// Keeps the counts per desa up to date, so that a map or indicators read rarely has to count
/// them itself.
async fn keep_tallies(db: sea_orm::DatabaseConnection, mut stop: watch::Receiver<bool>) {
    while wait(TALLIES_EVERY, &mut stop).await {
        let refreshed = match tallies::behind(&db).await {
            Ok(tallies::Lag::None | tallies::Lag::Held) => continue,
            Ok(tallies::Lag::Countable) => tallies::refresh(&db).await,
            Err(e) => Err(e),
        };
        match refreshed {
            Ok(desa) => debug!(desa, "desa counted again"),
            Err(e) => warn!(error = %e, "counting the desa again failed"),
        }
    }
}

async fn finish_uploads(state: AppState, mut stop: watch::Receiver<bool>) {
    while wait(INTERRUPTED_UPLOADS_EVERY, &mut stop).await {
        let finished =
            finish_interrupted(&state.db, state.blobs.as_ref(), &state.photos, Utc::now()).await;
        match finished {
            Ok(0) => {}
            Ok(finished) => {
                state.metrics.stored_later(finished);
                info!(finished, "uploads interrupted by the object store stored");
            }
            Err(e) => warn!(error = %e, "interrupted uploads wait for the object store"),
        }
    }
}

async fn sweep(state: AppState, mut stop: watch::Receiver<bool>) {
    let (db, max_attempts) = (&state.db, state.config.photos.max_attempts);
    while !*stop.borrow() {
        match sweep_expired(db, &state.photos, Utc::now()).await {
            Ok(0) => {}
            Ok(removed) => info!(removed, "expired uploads removed"),
            Err(e) => warn!(error = %e, "removing expired uploads failed"),
        }
        match photo_jobs::give_up(db, Utc::now(), max_attempts).await {
            Ok(0) => {}
            Ok(abandoned) => warn!(
                abandoned,
                "photos whose analysis kept stopping the worker were skipped"
            ),
            Err(e) => warn!(error = %e, "giving up stuck photos failed"),
        }
        wait(SWEEP_EVERY, &mut stop).await;
    }
}
