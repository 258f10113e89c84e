//! Administrative areas.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, sea_query::OnConflict};

use super::StoreError;
use super::entities::area;
use crate::domain::area::AreaCode;

/// Inserts or updates an area (its level and parent follow from the code).
pub async fn upsert(
    db: &impl ConnectionTrait,
    code: &AreaCode,
    name: &str,
    source: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let model = area::ActiveModel {
        code: Set(code.as_str().to_owned()),
        name: Set(name.to_owned()),
        level: Set(code.level().as_str().to_owned()),
        parent_code: Set(code.parent().map(|p| p.as_str().to_owned())),
        boundary: Set(None),
        source: Set(source.map(str::to_owned)),
        updated_at: Set(now),
    };
    area::Entity::insert(model)
        .on_conflict(
            OnConflict::column(area::Column::Code)
                .update_columns([
                    area::Column::Name,
                    area::Column::Source,
                    area::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
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
        let cached = self
            .codes
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains(code);
        if cached {
            return Ok(true);
        }
        let found = exists(db, code).await?;
        if found {
            self.codes
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(code.to_owned());
        }
        Ok(found)
    }
}
