//! Work that runs beside the HTTP server until shutdown: the image pipeline's workers and the
//! removal of expired uploads.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::{info, warn};

use crate::photos::pipeline::Pipeline;
use crate::state::AppState;
use crate::store::uploads;

/// How often expired uploads are removed.
const SWEEP_EVERY: Duration = Duration::from_mins(10);

/// Starts the background tasks; each ends soon after `stop` turns true.
#[must_use]
pub fn spawn(state: &AppState, stop: &watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    let mut tasks = Vec::new();
    let pipeline = Pipeline {
        db: state.db.clone(),
        blobs: state.blobs.clone(),
        runtime: state.photos.clone(),
        config: state.config.photos.clone(),
    };
    for _ in 0..state.config.photos.workers {
        tasks.push(tokio::spawn(pipeline.clone().run(stop.clone())));
    }
    tasks.push(tokio::spawn(sweep_expired_uploads(
        state.db.clone(),
        stop.clone(),
    )));
    tasks
}

async fn sweep_expired_uploads(db: sea_orm::DatabaseConnection, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        match uploads::delete_expired(&db, Utc::now()).await {
            Ok(0) => {}
            Ok(removed) => info!(removed, "expired uploads removed"),
            Err(e) => warn!(error = %e, "removing expired uploads failed"),
        }
        tokio::select! {
            () = tokio::time::sleep(SWEEP_EVERY) => {}
            _ = stop.changed() => {}
        }
    }
}
