//! Review use cases: supervisors decide on households (one or many at once), settle
//! conflicts, list the queue of households waiting, and read a household's history. Every
//! change goes through the household edit path (`crate::household`), so a decision or a
//! settlement is a household version like any other and reaches phones by pull.

mod decide;
mod history;
mod queue;
mod resolve;

use sea_orm::DatabaseConnection;
use sync_protocol::merge::Writer;
use sync_protocol::v1::StaleVersion;

pub use self::decide::{approve_many, decide};
pub use self::history::history;
pub use self::queue::{QueueQuery, queue};
pub use self::resolve::resolve;
use crate::config::ReviewConfig;
use crate::domain::actor::Actor;
use crate::domain::scoring::ScoringConfig;
use crate::store::StoreError;
use crate::store::areas::KnownAreas;
use crate::store::forms::FormCache;
use crate::sync::clock::ServerClock;

/// What the review use cases need from the server.
pub struct ReviewDeps<'a> {
    /// The database.
    pub db: &'a DatabaseConnection,
    /// Published forms.
    pub forms: &'a FormCache,
    /// Areas known to exist.
    pub areas: &'a KnownAreas,
    /// The server clock, stamped on supervisors' edits.
    pub clock: &'a ServerClock,
    /// Due days and four eyes.
    pub config: &'a ReviewConfig,
    /// Thresholds of the poverty score (a settled answer may change it).
    pub scoring: &'a ScoringConfig,
    /// How often a transaction is tried after transient failures.
    pub attempts: u32,
}

/// Why a review request was refused. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The role may not do this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The request is malformed or names what does not exist; the message says what.
    #[error("invalid: {0}")]
    Invalid(String),
    /// No such household or conflict in the user's areas.
    #[error("not found")]
    NotFound,
    /// An area outside the user's.
    #[error("out of scope: {0}")]
    OutOfScope(String),
    /// The request named a version that is no longer current.
    #[error("stale version (now {})", .0.current_version)]
    Stale(StaleVersion),
    /// The supervisor wrote a value the household holds now.
    #[error("four eyes")]
    FourEyes,
    /// The household is deleted.
    #[error("household deleted")]
    Deleted,
    /// The conflict was settled already.
    #[error("conflict already resolved")]
    ConflictResolved,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ReviewError {
    fn is_transient(&self) -> bool {
        matches!(self, ReviewError::Store(e) if e.is_transient())
    }
}

/// Supervisors and admins decide and settle; the others may not.
fn may_decide(actor: &Actor) -> Result<(), ReviewError> {
    if actor.role.may_review() {
        Ok(())
    } else {
        Err(ReviewError::Forbidden(
            "hanya supervisor dan admin yang memverifikasi rumah tangga",
        ))
    }
}

/// The writer of an office edit: the supervisor, with the server's clock. The user id stands
/// for the device: an office edit is never a phone's own offline chain.
fn office_writer(actor: &Actor, clock: &ServerClock) -> Writer {
    Writer {
        user_id: actor.id,
        device_id: actor.id,
        authority: actor.role.authority(),
        hlc: clock.tick(),
    }
}
