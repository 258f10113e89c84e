//! The background worker that checks recorded visits for data-quality problems: it takes
//! visits queued by pushes (and queued again when a photo's analysis finishes), gathers their
//! facts, raises the flags of [`crate::domain::quality`] and stores them with the visit's risk
//! score. A check that finds another household's look-alike photo queues that household's
//! visits again when their last check may not have seen the pairing
//! ([`quality::unreciprocated`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::sync::watch;
use tracing::{debug, warn};

use crate::areas::Boundaries;
use crate::domain::quality::{self as rules, FlagConfig};
use crate::store::StoreError;
use crate::store::quality::{self, LookAlike};
use crate::store::reviews;

/// How often the queue is looked at when it was empty.
const POLL: Duration = Duration::from_secs(1);

/// Visits taken per look at the queue.
const BATCH: u64 = 50;

/// What a checker needs.
#[derive(Clone)]
pub struct Checker {
    /// Connection pool.
    pub db: DatabaseConnection,
    /// Desa boundaries.
    pub boundaries: Arc<Boundaries>,
    /// Thresholds.
    pub config: FlagConfig,
}

impl Checker {
    /// Checks queued visits until `stop` turns true.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            let checked = match self.step().await {
                Ok(n) => n,
                Err(e) => {
                    warn!(error = %e, "visit checks: database unavailable");
                    0
                }
            };
            if checked > 0 {
                continue;
            }
            tokio::select! {
                () = tokio::time::sleep(POLL) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// Checks the visits due now. Returns how many.
    pub async fn step(&self) -> Result<usize, StoreError> {
        let now = Utc::now();
        let due = quality::due(&self.db, now, BATCH).await?;
        let index = self.boundaries.index();
        for item in &due {
            let result = async {
                // The check's time is when it read its facts, not when it saved them: what
                // was stored after that moment it has not seen.
                let started = Utc::now();
                let facts = quality::facts(
                    &self.db,
                    item.visit_id,
                    &index,
                    &self.config,
                    now.date_naive(),
                )
                .await?;
                let raised = facts
                    .as_ref()
                    .map(|f| rules::check(f, &self.config))
                    .unwrap_or_default();
                let risk = rules::risk(&raised, &self.config);
                let look_alikes: Vec<LookAlike<'_>> = facts
                    .iter()
                    .flat_map(|f| &f.photos)
                    .flat_map(|p| {
                        p.look_alikes
                            .iter()
                            .map(|(theirs, household_id, _)| LookAlike {
                                ours: &p.sha256,
                                theirs,
                                household_id: *household_id,
                            })
                    })
                    .collect();
                let stored =
                    quality::save(&self.db, *item, &raised, risk, &look_alikes, started).await?;
                if stored {
                    // The review queue orders households by their visits' highest risk. Apart
                    // from the save, so that no transaction holds a check's row and then waits
                    // for its household's (a push takes them the other way round).
                    reviews::refresh_risk(&self.db, item.household_id).await?;
                }
                // Not stored: the visit was queued again meanwhile, and its next check stores.
                debug!(visit = %item.visit_id, flags = raised.len(), risk, stored, "visit checked");
                Ok::<_, StoreError>(())
            }
            .await;
            if let Err(e) = result {
                warn!(visit = %item.visit_id, error = %e, "visit check failed; retrying later");
                quality::retry_later(&self.db, *item, Utc::now()).await?;
            }
        }
        Ok(due.len())
    }
}
