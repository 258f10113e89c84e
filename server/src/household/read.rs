//! Reading one household in the office or on a phone: its current state with its last
//! decision (audit-logged: it holds NIK and No KK), its poverty score, and its visits'
//! quality checks — evidence naming other households names only those in the reader's areas —
//! and where it was surveyed.

use chrono::Utc;
use sea_orm::DatabaseConnection;
use serde_json::json;
use sync_protocol::v1::HouseholdSnapshot;
use sync_protocol::v1::map::HouseholdPlaces;
use sync_protocol::v1::office::{HouseholdQuality, HouseholdScore, QualityFlagView, VisitQuality};
use uuid::Uuid;

use crate::domain::actor::Actor;
use crate::domain::area_index::AreaIndex;
use crate::domain::role::Role;
use crate::domain::scoring::{self, ScoringConfig};
use crate::store::households::{self, HouseholdRow, Load};
use crate::store::{StoreError, audit, photos, quality, reviews, scores, visits};
use crate::views;

/// Why a household cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Analysts read aggregates and masked lists, not single households.
    #[error("analysts do not read single households")]
    Analyst,
    /// No such household in the reader's areas.
    #[error("not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The household, if the reader may see it.
async fn visible(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    load: Load,
) -> Result<HouseholdRow, ReadError> {
    if actor.role == Role::Analyst {
        return Err(ReadError::Analyst);
    }
    households::find(db, id, load)
        .await?
        .filter(|h| actor.scope.covers(&h.area_code))
        .ok_or(ReadError::NotFound)
}

/// The household as pull sends it, with its last decision. Written to the audit log.
pub async fn snapshot(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<HouseholdSnapshot, ReadError> {
    visible(db, actor, id, Load::Head).await?;
    let current = households::current(db, &[id])
        .await?
        .remove(&id)
        .ok_or(ReadError::NotFound)?;
    let decision = reviews::current(db, &[id]).await?.remove(&id);
    let snapshot = views::snapshot(current, decision.as_ref());
    let target = id.to_string();
    audit::record(
        db,
        Utc::now(),
        Some(actor.id),
        "household.read",
        &target,
        json!({}),
    )
    .await?;
    Ok(snapshot)
}

/// The local poverty score (BPS 14 criteria) with the answers that decided each criterion.
/// Households stored before scores existed are scored on the fly.
pub async fn score(
    db: &DatabaseConnection,
    config: &ScoringConfig,
    actor: &Actor,
    id: Uuid,
) -> Result<HouseholdScore, ReadError> {
    let household = visible(db, actor, id, Load::Full).await?;
    if let Some(stored) = scores::find(db, id).await? {
        return Ok(views::score(
            id,
            stored.version,
            &stored.score,
            stored.computed_at,
        ));
    }
    let score = scoring::score(&household.record.fields, config);
    Ok(views::score(id, household.version, &score, Utc::now()))
}

/// Each visit's quality check: state, risk and flags.
pub async fn quality(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<HouseholdQuality, ReadError> {
    visible(db, actor, id, Load::Head).await?;
    let checks = quality::of_household(db, id).await?;
    // Evidence may name other households (same NIK, same coordinates, same photo); those
    // outside the reader's areas are counted, not named.
    let mut others: Vec<Uuid> = checks
        .iter()
        .flat_map(|c| &c.flags)
        .flat_map(|f| f.evidence.households())
        .collect();
    others.sort_unstable();
    others.dedup();
    let areas = households::area_codes(db, &others).await?;
    let visible = |h: Uuid| areas.get(&h).is_some_and(|a| actor.scope.covers(a));
    let visits = checks
        .into_iter()
        .map(|c| VisitQuality {
            visit_id: c.visit_id,
            state: c.state,
            risk: c.risk,
            checked_at: c.checked_at,
            flags: c
                .flags
                .into_iter()
                .map(|mut f| {
                    f.evidence.hide_households(visible);
                    QualityFlagView {
                        severity: f.severity,
                        flag: f.evidence,
                    }
                })
                .collect(),
        })
        .collect();
    Ok(HouseholdQuality {
        household_id: id,
        visits,
    })
}

/// Where the household was surveyed: its desa's boundary (when the server has it), its
/// visits' GPS fixes and its photos' EXIF positions.
pub async fn places(
    db: &DatabaseConnection,
    index: &AreaIndex,
    actor: &Actor,
    id: Uuid,
) -> Result<HouseholdPlaces, ReadError> {
    let household = visible(db, actor, id, Load::Head).await?;
    let fixes = visits::fixes(db, id).await?;
    let positions = photos::positions(db, id).await?;
    let desa = index
        .boundary(&household.area_code)
        .map(|boundary| (household.area_code.as_str(), boundary));
    Ok(views::places(desa, fixes, positions))
}
