//! Administrative areas.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::OnConflict,
};

use super::StoreError;
use super::entities::area;
use crate::domain::area_file::AreaRecord;

/// Every stored code.
pub async fn codes(db: &impl ConnectionTrait) -> Result<HashSet<String>, StoreError> {
    Ok(area::Entity::find()
        .select_only()
        .column(area::Column::Code)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Inserts or updates one imported area. A boundary replaces the stored one; a record
/// without a boundary (from a CSV code list) keeps it.
pub async fn import(
    db: &impl ConnectionTrait,
    record: &AreaRecord,
    source: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let boundary = record.boundary.as_ref().map(|b| b.to_geojson().to_string());
    let mut update = vec![
        area::Column::Name,
        area::Column::Source,
        area::Column::UpdatedAt,
    ];
    if boundary.is_some() {
        update.push(area::Column::Boundary);
    }
    let model = area::ActiveModel {
        code: Set(record.code.as_str().to_owned()),
        name: Set(record.name.clone()),
        level: Set(record.code.level().as_str().to_owned()),
        parent_code: Set(record.code.parent().map(|p| p.as_str().to_owned())),
        boundary: Set(boundary),
        source: Set(Some(source.to_owned())),
        updated_at: Set(now),
    };
    area::Entity::insert(model)
        .on_conflict(
            OnConflict::column(area::Column::Code)
                .update_columns(update)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The stored boundaries (GeoJSON geometry text) of desa and kelurahan.
pub async fn village_boundaries(
    db: &impl ConnectionTrait,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(area::Entity::find()
        .select_only()
        .columns([area::Column::Code, area::Column::Boundary])
        .filter(area::Column::Level.is_in(["desa", "kelurahan"]))
        .filter(area::Column::Boundary.is_not_null())
        .into_tuple::<(String, String)>()
        .all(db)
        .await?)
}

/// The names of these areas, by code (codes not stored are left out).
pub async fn names(
    db: &impl ConnectionTrait,
    codes: &[&str],
) -> Result<std::collections::HashMap<String, String>, StoreError> {
    Ok(area::Entity::find()
        .select_only()
        .columns([area::Column::Code, area::Column::Name])
        .filter(area::Column::Code.is_in(codes.iter().copied()))
        .into_tuple::<(String, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The areas of `levels` at or below `prefix`, `(code, name)` in code order.
pub async fn below(
    db: &impl ConnectionTrait,
    prefix: &str,
    levels: &[&str],
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(area::Entity::find()
        .select_only()
        .columns([area::Column::Code, area::Column::Name])
        .filter(
            area::Column::Code
                .eq(prefix)
                .or(area::Column::Code.starts_with(format!("{prefix}."))),
        )
        .filter(area::Column::Level.is_in(levels.iter().copied()))
        .order_by_asc(area::Column::Code)
        .into_tuple::<(String, String)>()
        .all(db)
        .await?)
}

/// Changes whenever an import writes areas: how many there are and the latest write.
pub async fn revision(
    db: &impl ConnectionTrait,
) -> Result<(i64, Option<DateTime<Utc>>), StoreError> {
    let row = area::Entity::find()
        .select_only()
        .expr(area::Column::Code.count())
        .expr(area::Column::UpdatedAt.max())
        .into_tuple::<(i64, Option<DateTime<Utc>>)>()
        .one(db)
        .await?;
    Ok(row.unwrap_or((0, None)))
}

/// Whether an area with this code exists.
pub async fn exists(db: &impl ConnectionTrait, code: &str) -> Result<bool, StoreError> {
    Ok(area::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .is_some())
}

/// Codes known to exist. Areas are added and renamed by imports but never deleted, so a code
/// seen once stays valid: only positive answers are cached, which keeps several server
/// instances correct without invalidation.
#[derive(Debug, Default)]
pub struct KnownAreas {
    codes: std::sync::RwLock<std::collections::HashSet<String>>,
}

impl KnownAreas {
    /// Whether the area exists, from the cache or the database.
    pub async fn exists(&self, db: &impl ConnectionTrait, code: &str) -> Result<bool, StoreError> {
        let cached = crate::locks::read(&self.codes).contains(code);
        if cached {
            return Ok(true);
        }
        let found = exists(db, code).await?;
        if found {
            crate::locks::write(&self.codes).insert(code.to_owned());
        }
        Ok(found)
    }
}
