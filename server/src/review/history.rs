//! A household's history: every version with what it changed, by whom and when; every
//! decision; every conflict, settled or not.

use chrono::Utc;
use sea_orm::DatabaseConnection;
use serde_json::json;
use sync_protocol::v1::HouseholdHistory;
use uuid::Uuid;

use super::{ReviewError, may_decide};
use crate::domain::actor::Actor;
use crate::store::households::{self, Load};
use crate::store::{audit, changes, conflicts, reviews, users};
use crate::views;

/// The history of a household in the supervisor's areas. Logged in the audit log: it holds
/// answers, NIK and No KK among them.
pub async fn history(
    db: &DatabaseConnection,
    actor: &Actor,
    household_id: Uuid,
) -> Result<HouseholdHistory, ReviewError> {
    may_decide(actor)?;
    let household = households::find(db, household_id, Load::Head)
        .await?
        .filter(|h| actor.scope.covers(&h.area_code))
        .ok_or(ReviewError::NotFound)?;
    let versions = changes::versions(db, household_id, 0).await?;
    let decisions = reviews::of_household(db, household_id).await?;
    let stored = conflicts::of_household(db, household_id).await?;
    let names = users::display_names(db, &views::conflict_people(&stored)).await?;
    let target = household_id.to_string();
    audit::record(
        db,
        Utc::now(),
        Some(actor.id),
        "household.history",
        &target,
        json!({}),
    )
    .await?;
    Ok(HouseholdHistory {
        household_id,
        version: household.version,
        review_status: household.review,
        versions: versions.into_iter().map(views::version).collect(),
        reviews: decisions.iter().map(views::review).collect(),
        conflicts: stored
            .into_iter()
            .map(|c| views::conflict(c, &names))
            .collect(),
    })
}
