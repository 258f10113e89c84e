//! The server's hybrid logical clock.

use std::sync::Mutex;

use sync_protocol::hlc::{Hlc, HlcClock, physical_now_ms};

/// A stamp further ahead of the server's clock than this is not observed: a phone whose clock
/// runs days ahead must not drag the server's clock along. It is still recorded as skew.
const MAX_OBSERVED_DRIFT_MS: u64 = 5 * 60 * 1000;

/// The clock of one server instance. Node id: `server-<instance uuid>`.
#[derive(Debug)]
pub struct ServerClock {
    clock: Mutex<HlcClock>,
}

impl ServerClock {
    /// A clock for a new server instance.
    #[must_use]
    pub fn new() -> Self {
        let node = format!("server-{}", uuid::Uuid::new_v4());
        Self {
            clock: Mutex::new(HlcClock::new(node)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HlcClock> {
        crate::locks::lock(&self.clock)
    }

    /// Moves past a received stamp, unless it is implausibly far ahead.
    pub fn observe(&self, remote: &Hlc) {
        let now = physical_now_ms();
        if remote.wall_ms <= now.saturating_add(MAX_OBSERVED_DRIFT_MS) {
            self.lock().observe(remote, now);
        }
    }

    /// A new stamp for a server event (a response).
    pub fn tick(&self) -> Hlc {
        self.lock().tick(physical_now_ms())
    }
}

impl Default for ServerClock {
    fn default() -> Self {
        Self::new()
    }
}
