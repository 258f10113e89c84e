//! Shared state of the HTTP handlers. Cheap to clone; the server keeps no other state, so
//! several instances can run behind a load balancer.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::store::forms::FormCache;
use crate::sync::clock::ServerClock;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Connection pool.
    pub db: DatabaseConnection,
    /// Validated configuration.
    pub config: Arc<Config>,
    /// Published forms (immutable, cached).
    pub forms: Arc<FormCache>,
    /// This instance's hybrid logical clock.
    pub clock: Arc<ServerClock>,
}

impl AppState {
    /// State over an open pool.
    #[must_use]
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        Self {
            db,
            config: Arc::new(config),
            forms: Arc::new(FormCache::default()),
            clock: Arc::new(ServerClock::new()),
        }
    }
}
