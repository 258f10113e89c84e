//! Shared state of the HTTP handlers. Cheap to clone; the server keeps no other state, so
//! several instances can run behind a load balancer.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::accounts::SessionCache;
use crate::areas::Boundaries;
use crate::blob::BlobStore;
use crate::config::Config;
use crate::metrics::{Metrics, ObservedStore};
use crate::photos::PhotoRuntime;
use crate::store::areas::KnownAreas;
use crate::store::forms::FormCache;
use crate::sync::clock::ServerClock;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Connection pool.
    pub db: DatabaseConnection,
    /// Where photos and other files are stored.
    pub blobs: Arc<dyn BlobStore>,
    /// Validated configuration.
    pub config: Arc<Config>,
    /// Published forms (immutable, cached).
    pub forms: Arc<FormCache>,
    /// Areas known to exist (cached).
    pub areas: Arc<KnownAreas>,
    /// Desa and kelurahan boundaries, for locating points.
    pub boundaries: Arc<Boundaries>,
    /// This instance's hybrid logical clock.
    pub clock: Arc<ServerClock>,
    /// Recently authenticated tokens.
    pub sessions: Arc<SessionCache>,
    /// What uploads and the image pipeline share.
    pub photos: Arc<PhotoRuntime>,
    /// This instance's metrics.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// State over an open pool.
    #[must_use]
    pub fn new(db: DatabaseConnection, blobs: Arc<dyn BlobStore>, config: Config) -> Self {
        let ttl = std::time::Duration::from_secs(config.auth.session_cache_seconds.into());
        let metrics = Arc::new(Metrics::default());
        Self {
            sessions: Arc::new(SessionCache::new(ttl)),
            photos: Arc::new(PhotoRuntime::new(
                config.photos.limits(),
                config.database.retry_attempts(),
                config.uploads.partial_dir.clone(),
                config.photos.workers > 0,
            )),
            db,
            blobs: Arc::new(ObservedStore::new(blobs, metrics.clone())),
            config: Arc::new(config),
            forms: Arc::new(FormCache::default()),
            areas: Arc::new(KnownAreas::default()),
            boundaries: Arc::new(Boundaries::default()),
            clock: Arc::new(ServerClock::new()),
            metrics,
        }
    }
}
