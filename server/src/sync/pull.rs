//! Pull: the change log of the user's scope, page by page, as current household snapshots.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use sync_protocol::v1::{Change, MAX_MISSING_PHOTOS, PullResponse, ResetReason};
use uuid::Uuid;

use super::clock::ServerClock;
use super::cursor::{Cursor, InvalidCursor};
use crate::domain::actor::Actor;
use crate::photos::adopt::Awaited;
use crate::store::changes::{self, LogPosition};
use crate::store::{StoreError, epoch, households, photos, reviews};
use crate::views;

/// How often a pull re-checks for changes held back by a running transaction.
const HELD_BACK_POLL: Duration = Duration::from_millis(10);

/// Why a pull was refused.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    /// The role may not pull.
    #[error("role may not pull")]
    Forbidden,
    /// The cursor is not one this server gave this user.
    #[error(transparent)]
    InvalidCursor(#[from] InvalidCursor),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Serves one page after `cursor` (the start when `None`). The photos it lists as missing
/// are handed to `awaited`, to be looked for in the object store (`photos::adopt`).
pub async fn pull(
    db: &DatabaseConnection,
    clock: &ServerClock,
    awaited: &Awaited,
    actor: &Actor,
    cursor: Option<&str>,
    limit: u32,
    max_wait: Duration,
) -> Result<PullResponse, PullError> {
    if !actor.role.may_pull() {
        return Err(PullError::Forbidden);
    }
    let scope = actor.scope.fingerprint();
    let epoch = epoch::current(db).await?;
    let start = Cursor {
        epoch,
        position: LogPosition::default(),
        scope,
        user: actor.id,
    };
    let after = match cursor {
        None => start,
        Some(text) => {
            let cursor = Cursor::decode(text)?;
            if cursor.user != actor.id {
                return Err(InvalidCursor.into());
            }
            let reset = if cursor.epoch != epoch {
                Some(ResetReason::ServerRestored)
            } else if cursor.scope != scope {
                Some(ResetReason::ScopeChanged)
            } else {
                None
            };
            if reset.is_some() {
                return Ok(PullResponse {
                    server_time: Utc::now(),
                    server_hlc: clock.tick(),
                    reset,
                    changes: Vec::new(),
                    cursor: start.encode(),
                    has_more: true,
                    missing_photos: Vec::new(),
                });
            }
            cursor
        }
    };
    // Committed changes held back by an older transaction still running (usually for a few
    // milliseconds) are waited for, so a phone that pushes and then pulls sees its own write.
    let fetch = u64::from(limit) + 1;
    let mut page = changes::page(db, &actor.scope, after.position, fetch).await?;
    let mut waited = Duration::ZERO;
    while page.held_back && page.entries.len() <= limit as usize && waited < max_wait {
        tokio::time::sleep(HELD_BACK_POLL).await;
        waited += HELD_BACK_POLL;
        page = changes::page(db, &actor.scope, after.position, fetch).await?;
    }
    let mut entries = page.entries;
    let has_more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    let position = entries.last().map_or(after.position, |e| e.position);

    // A household changed several times in the page is sent once, at its last position,
    // with its current state.
    let last_index: HashMap<Uuid, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.household_id, i))
        .collect();
    let order: Vec<Uuid> = entries
        .iter()
        .enumerate()
        .filter(|(i, e)| last_index[&e.household_id] == *i)
        .map(|(_, e)| e.household_id)
        .collect();
    let decisions = reviews::current(db, &order).await?;
    let mut snapshots: HashMap<Uuid, _> = households::current(db, &order)
        .await?
        .into_iter()
        .map(|(id, h)| (id, views::snapshot(h, decisions.get(&id))))
        .collect();
    // Once per pull, on its last page: the list does not depend on the page.
    let missing_photos = if has_more {
        Vec::new()
    } else {
        photos::missing_for_user(db, actor.id, MAX_MISSING_PHOTOS).await?
    };
    // After a restore, the store may hold photos the database forgot.
    if !missing_photos.is_empty() {
        awaited.suspect(actor.id, &missing_photos);
    }
    let changes = order
        .into_iter()
        .filter_map(|id| {
            let snapshot = snapshots.remove(&id)?;
            Some(if actor.scope.covers(&snapshot.area_code) {
                Change::Put {
                    household: snapshot,
                }
            } else {
                Change::Remove { household_id: id }
            })
        })
        .collect();
    Ok(PullResponse {
        server_time: Utc::now(),
        server_hlc: clock.tick(),
        reset: None,
        changes,
        cursor: Cursor { position, ..after }.encode(),
        has_more,
        missing_photos,
    })
}
