//! Survey visits: immutable.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use sync_protocol::hlc::Hlc;
use sync_protocol::v1::RecordVisit;
use uuid::Uuid;

use super::entities::visit;
use super::{StoreError, json_text};

/// Who recorded a visit, and when the server received it.
#[derive(Debug, Clone, Copy)]
pub struct Recorded<'a> {
    /// The user.
    pub user_id: Uuid,
    /// The device.
    pub device_id: Uuid,
    /// The mutation's clock stamp.
    pub hlc: &'a Hlc,
    /// Server time of receipt.
    pub received_at: DateTime<Utc>,
}

/// The content hash of a stored visit, if one with this id exists.
pub async fn content_hash(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<String>, StoreError> {
    Ok(visit::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|v| v.content_sha256))
}

/// Stores a visit unless one with its id exists. Returns whether it was stored.
pub async fn insert(
    db: &impl ConnectionTrait,
    v: &RecordVisit,
    content_sha256: &str,
    by: Recorded<'_>,
) -> Result<bool, StoreError> {
    // Every survey ends with one: written out once (see `devices`).
    const INSERT: &str = "INSERT INTO visit (id, household_id, form_id, form_version, user_id, \
        device_id, started_at, ended_at, answers, latitude, longitude, accuracy_m, mock_location, \
        fixed_at, photos, hlc, content_sha256, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, \
        $8, $9::json, $10, $11, $12, $13, $14, $15::json, $16::json, $17, $18) \
        ON CONFLICT (id) DO NOTHING";
    let gps = v.gps.as_ref();
    let statement = super::statement(
        db.get_database_backend(),
        INSERT,
        [
            v.visit_id.into(),
            v.household_id.into(),
            v.form_id.as_str().into(),
            v.form_version.into(),
            by.user_id.into(),
            by.device_id.into(),
            v.started_at.into(),
            v.ended_at.into(),
            json_text(&v.answers),
            gps.map(|g| g.latitude).into(),
            gps.map(|g| g.longitude).into(),
            gps.map(|g| g.accuracy_m).into(),
            gps.map(|g| g.mock).into(),
            gps.and_then(|g| g.fixed_at).into(),
            json_text(&v.photos),
            json_text(by.hlc),
            content_sha256.into(),
            by.received_at.into(),
        ],
    );
    Ok(db.execute_raw(statement).await?.rows_affected() > 0)
}

/// Where a visit's GPS fix put its household.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct VisitFix {
    /// The visit.
    pub id: Uuid,
    /// When it ended.
    pub ended_at: DateTime<Utc>,
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// The fix's accuracy in metres, when the phone gave one.
    pub accuracy_m: Option<f64>,
    /// Whether the phone said the position was mocked.
    pub mock_location: Option<bool>,
}

/// The GPS fixes of a household's visits, oldest visit first; visits without one are left out.
pub async fn fixes(
    db: &impl ConnectionTrait,
    household_id: Uuid,
) -> Result<Vec<VisitFix>, StoreError> {
    Ok(visit::Entity::find()
        .select_only()
        .columns([
            visit::Column::Id,
            visit::Column::EndedAt,
            visit::Column::Latitude,
            visit::Column::Longitude,
            visit::Column::AccuracyM,
            visit::Column::MockLocation,
        ])
        .filter(visit::Column::HouseholdId.eq(household_id))
        .filter(visit::Column::Latitude.is_not_null())
        .filter(visit::Column::Longitude.is_not_null())
        .order_by_asc(visit::Column::EndedAt)
        .order_by_asc(visit::Column::Id)
        .into_model::<VisitFix>()
        .all(db)
        .await?)
}
