//! Stored photos, and the photos visits name (stored or still pending).

use std::fmt::Write;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect, RelationDef, TryInsertResult, Value,
};
use sync_protocol::v1::RecordVisit;
use uuid::Uuid;

use super::StoreError;
use super::batch::WriteBatch;
use super::entities::{household, photo, photo_analysis, visit_photo};

/// A stored photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// Lower-case hex SHA-256 of the file.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// When it was stored.
    pub stored_at: DateTime<Utc>,
}

/// The stored photo with this hash.
pub async fn find(db: &impl ConnectionTrait, sha256: &str) -> Result<Option<Photo>, StoreError> {
    Ok(photo::Entity::find_by_id(sha256.to_owned())
        .one(db)
        .await?
        .map(|m| Photo {
            sha256: m.sha256,
            size: u64::try_from(m.size).unwrap_or(0),
            stored_at: m.stored_at,
        }))
}

/// Records a stored photo (once, however often it is uploaded) and queues its analysis;
/// whether this call recorded it. Call it in a transaction: a photo recorded is a photo queued.
pub async fn insert(
    db: &impl ConnectionTrait,
    sha256: &str,
    size: u64,
    uploaded_by: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let model = photo::ActiveModel {
        sha256: Set(sha256.to_owned()),
        size: Set(i64::try_from(size).unwrap_or(i64::MAX)),
        uploaded_by: Set(uploaded_by),
        stored_at: Set(now),
    };
    let inserted = photo::Entity::insert(model)
        .on_conflict_do_nothing_on([photo::Column::Sha256])
        .exec_without_returning(db)
        .await?;
    super::photo_jobs::queue(db, sha256, now).await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(rows) if rows > 0))
}

/// `visit_photo` joined to `photo` by hash (no relation is declared on the entities).
fn stored_photo() -> RelationDef {
    visit_photo::Entity::belongs_to(photo::Entity)
        .from(visit_photo::Column::Sha256)
        .to(photo::Column::Sha256)
        .into()
}

/// Queues the rows naming the photos of a visit recorded by `user_id`. A visit stored again
/// with the same content writes nothing.
pub fn queue_visit_refs(batch: &mut WriteBatch, visit: &RecordVisit, user_id: Uuid) {
    if visit.photos.is_empty() {
        return;
    }
    // Every visit names its photos: written out (see `devices`), one text per photo count.
    let mut sql = String::from(
        "INSERT INTO visit_photo \
         (visit_id, position, sha256, kind, household_id, user_id, visit_ended_at) VALUES ",
    );
    let mut values: Vec<Value> = Vec::with_capacity(4 + 2 * visit.photos.len());
    values.extend([
        visit.visit_id.into(),
        visit.household_id.into(),
        user_id.into(),
        visit.ended_at.into(),
    ]);
    for (position, photo) in (0_i32..).zip(&visit.photos) {
        if position > 0 {
            sql.push_str(", ");
        }
        let n = values.len();
        write!(sql, "($1, {position}, ${}, ${}, $2, $3, $4)", n + 1, n + 2)
            .expect("writing to a String cannot fail");
        values.extend([photo.sha256.as_str().into(), photo.kind.as_str().into()]);
    }
    sql.push_str(" ON CONFLICT (visit_id, position) DO NOTHING");
    batch.push_sql(&sql, values);
}

/// Hashes that visits recorded by `user_id` name and no stored photo has, at most `limit`.
pub async fn missing_for_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    limit: usize,
) -> Result<Vec<String>, StoreError> {
    let hashes: Vec<String> = visit_photo::Entity::find()
        .select_only()
        .column(visit_photo::Column::Sha256)
        .distinct()
        .join(JoinType::LeftJoin, stored_photo())
        .filter(visit_photo::Column::UserId.eq(user_id))
        .filter(photo::Column::Sha256.is_null())
        .order_by_asc(visit_photo::Column::Sha256)
        .limit(u64::try_from(limit).unwrap_or(u64::MAX))
        .into_tuple()
        .all(db)
        .await?;
    Ok(hashes)
}

/// A photo a visit of a household names; `size` is known once the photo is stored.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct VisitPhoto {
    /// The visit naming it.
    pub visit_id: Uuid,
    /// Its kind (`depan`, `dalam`, …).
    pub kind: String,
    /// Its hash.
    pub sha256: String,
    /// When the visit ended.
    pub visit_ended_at: DateTime<Utc>,
    /// Its size in bytes, `None` while it is awaited.
    pub size: Option<i64>,
}

/// The photos the visits of a household name, newest visit first.
pub async fn of_household(
    db: &impl ConnectionTrait,
    household_id: Uuid,
) -> Result<Vec<VisitPhoto>, StoreError> {
    let rows = visit_photo::Entity::find()
        .select_only()
        .column(visit_photo::Column::VisitId)
        .column(visit_photo::Column::Kind)
        .column(visit_photo::Column::Sha256)
        .column(visit_photo::Column::VisitEndedAt)
        .column(photo::Column::Size)
        .join(JoinType::LeftJoin, stored_photo())
        .filter(visit_photo::Column::HouseholdId.eq(household_id))
        .order_by_desc(visit_photo::Column::VisitEndedAt)
        .order_by_asc(visit_photo::Column::VisitId)
        .order_by_asc(visit_photo::Column::Position)
        .into_model::<VisitPhoto>()
        .all(db)
        .await?;
    Ok(rows)
}

fn analysed_photo() -> RelationDef {
    visit_photo::Entity::belongs_to(photo_analysis::Entity)
        .from(visit_photo::Column::Sha256)
        .to(photo_analysis::Column::Sha256)
        .into()
}

/// Where a photo of a household's visit was taken, by its EXIF.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct PhotoPosition {
    /// The visit naming it.
    pub visit_id: Uuid,
    /// Its kind (`depan`, `dalam`, …).
    pub kind: String,
    /// Its hash.
    pub sha256: String,
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// The EXIF time it was taken, as the camera wrote it.
    pub taken_at: Option<String>,
}

/// The EXIF positions of the photos a household's visits name, in the order of
/// [`of_household`] reversed to oldest visit first; photos without one are left out.
pub async fn positions(
    db: &impl ConnectionTrait,
    household_id: Uuid,
) -> Result<Vec<PhotoPosition>, StoreError> {
    Ok(visit_photo::Entity::find()
        .select_only()
        .column(visit_photo::Column::VisitId)
        .column(visit_photo::Column::Kind)
        .column(visit_photo::Column::Sha256)
        .column(photo_analysis::Column::Latitude)
        .column(photo_analysis::Column::Longitude)
        .column(photo_analysis::Column::TakenAt)
        .join(JoinType::InnerJoin, analysed_photo())
        .filter(visit_photo::Column::HouseholdId.eq(household_id))
        .filter(photo_analysis::Column::Latitude.is_not_null())
        .filter(photo_analysis::Column::Longitude.is_not_null())
        .order_by_asc(visit_photo::Column::VisitEndedAt)
        .order_by_asc(visit_photo::Column::VisitId)
        .order_by_asc(visit_photo::Column::Position)
        .into_model::<PhotoPosition>()
        .all(db)
        .await?)
}

/// Who may see a photo: the households whose visits name it, and who uploaded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    /// The stored photo.
    pub photo: Photo,
    /// The user who uploaded it.
    pub uploaded_by: Uuid,
    /// The visits naming it, with their households' areas.
    pub named_by: Vec<NamedBy>,
}

/// The [`Audience`] of a stored photo, `None` when no photo with this hash is stored.
pub async fn audience(
    db: &impl ConnectionTrait,
    sha256: &str,
) -> Result<Option<Audience>, StoreError> {
    let Some(stored) = photo::Entity::find_by_id(sha256.to_owned()).one(db).await? else {
        return Ok(None);
    };
    let named_by = named_by(db, &[sha256.to_owned()]).await?;
    Ok(Some(Audience {
        uploaded_by: stored.uploaded_by,
        photo: Photo {
            sha256: stored.sha256,
            size: u64::try_from(stored.size).unwrap_or(0),
            stored_at: stored.stored_at,
        },
        named_by,
    }))
}

/// A visit naming a photo, with its household's area.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct NamedBy {
    /// The photo.
    pub sha256: String,
    /// The visit.
    pub visit_id: Uuid,
    /// The visit's household.
    pub household_id: Uuid,
    /// What the photo shows.
    pub kind: String,
    /// The household's area.
    pub area_code: String,
    /// Whether the household was deleted.
    pub household_deleted: bool,
}

/// The visits naming any of `hashes`, with their households' areas.
pub async fn named_by(
    db: &impl ConnectionTrait,
    hashes: &[String],
) -> Result<Vec<NamedBy>, StoreError> {
    let mut found = Vec::new();
    // In slices, to stay far below the databases' limits on bound parameters.
    for slice in hashes.chunks(1000) {
        found.extend(named_by_slice(db, slice).await?);
    }
    Ok(found)
}

async fn named_by_slice(
    db: &impl ConnectionTrait,
    hashes: &[String],
) -> Result<Vec<NamedBy>, StoreError> {
    Ok(visit_photo::Entity::find()
        .select_only()
        .column(visit_photo::Column::Sha256)
        .column(visit_photo::Column::VisitId)
        .column(visit_photo::Column::HouseholdId)
        .column(visit_photo::Column::Kind)
        .column(household::Column::AreaCode)
        .expr_as(
            Expr::col((household::Entity, household::Column::Tombstone)).is_not_null(),
            "household_deleted",
        )
        .join(
            JoinType::InnerJoin,
            visit_photo::Entity::belongs_to(household::Entity)
                .from(visit_photo::Column::HouseholdId)
                .to(household::Column::Id)
                .into(),
        )
        .filter(visit_photo::Column::Sha256.is_in(hashes.iter().cloned()))
        .into_model::<NamedBy>()
        .all(db)
        .await?)
}
