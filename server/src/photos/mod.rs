//! House photos: resumable uploads, and who may see which photo.
//!
//! Photos are content-addressed: stored once at `sha256/<hex>` in the object store, named by
//! visits through their hash. A visit may name a photo before it arrives; it is `pending`
//! until the upload completes.

pub mod analysis;
pub mod uploads;

use sync_protocol::v1::{HouseholdPhoto, PhotoInfo};
use uuid::Uuid;

use crate::blob::{BlobError, BlobReader, BlobStore};
use crate::domain::actor::Actor;
use crate::domain::role::Role;
use crate::store::{StoreError, households, photos};

/// Whether the text is a lower-case hex SHA-256.
#[must_use]
pub fn is_sha256(hex: &str) -> bool {
    hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The object key of a stored photo.
#[must_use]
pub fn photo_key(sha256: &str) -> String {
    format!("sha256/{sha256}")
}

/// Why a photo request was refused.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    /// The role may not see household photos (analysts read aggregates only).
    #[error("role may not see photos")]
    Forbidden,
    /// No such photo or household in the user's areas. Photos outside the user's areas are
    /// answered the same way, so that their existence is not revealed.
    #[error("not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The object store failed.
    #[error(transparent)]
    Blob(#[from] BlobError),
}

fn may_see_photos(actor: &Actor) -> Result<(), PhotoError> {
    if actor.role == Role::Analyst {
        Err(PhotoError::Forbidden)
    } else {
        Ok(())
    }
}

/// Whether the server has a photo: any signed-in user may ask by hash, so that a phone never
/// sends bytes the server already holds. Only size and time are revealed.
pub async fn info(
    db: &sea_orm::DatabaseConnection,
    sha256: &str,
) -> Result<Option<PhotoInfo>, PhotoError> {
    Ok(photos::find(db, sha256).await?.map(|p| PhotoInfo {
        sha256: p.sha256,
        size: p.size,
        stored_at: p.stored_at,
    }))
}

/// The photos the visits of a household name, with their status, when the household lies in
/// the user's areas.
pub async fn of_household(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    household_id: Uuid,
) -> Result<Vec<HouseholdPhoto>, PhotoError> {
    may_see_photos(actor)?;
    let household = households::find(db, household_id, households::Load::Head)
        .await?
        .filter(|h| actor.scope.covers(&h.area_code))
        .ok_or(PhotoError::NotFound)?;
    Ok(photos::of_household(db, household.id).await?)
}

/// The original file of a stored photo, streamed, for a user whose areas cover a household
/// whose visit names it, or for the user who uploaded it.
pub async fn original(
    db: &sea_orm::DatabaseConnection,
    blobs: &dyn BlobStore,
    actor: &Actor,
    sha256: &str,
) -> Result<BlobReader, PhotoError> {
    may_see_photos(actor)?;
    let audience = photos::audience(db, sha256)
        .await?
        .ok_or(PhotoError::NotFound)?;
    let allowed = audience.uploaded_by == actor.id
        || audience.area_codes.iter().any(|a| actor.scope.covers(a));
    if !allowed {
        return Err(PhotoError::NotFound);
    }
    blobs
        .open(&photo_key(sha256))
        .await?
        .ok_or(PhotoError::NotFound)
}
