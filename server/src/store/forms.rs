//! Published forms.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};

use super::entities::form;
use super::{StoreError, from_json, to_json};
use crate::domain::form::{Form, FormDefinition};

/// What publishing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// The form version is new.
    Created,
    /// The same definition was already published.
    Unchanged,
    /// A different definition is already published under this id and version.
    Conflicting,
}

/// The definition of form `id` version `version`.
pub async fn get(
    db: &impl ConnectionTrait,
    id: &str,
    version: i32,
) -> Result<Option<FormDefinition>, StoreError> {
    form::Entity::find_by_id((id.to_owned(), version))
        .one(db)
        .await?
        .map(|m| from_json(m.definition, "form.definition"))
        .transpose()
}

/// A published form version, without its definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Form id.
    pub id: String,
    /// Version.
    pub version: i32,
    /// Title.
    pub title: String,
    /// When it was published.
    pub published_at: DateTime<Utc>,
}

/// The newest version of every published form, by id.
pub async fn newest(db: &impl ConnectionTrait) -> Result<Vec<Listed>, StoreError> {
    let rows: Vec<(String, i32, String, DateTime<Utc>)> = form::Entity::find()
        .select_only()
        .columns([
            form::Column::FormId,
            form::Column::Version,
            form::Column::Title,
            form::Column::PublishedAt,
        ])
        .order_by_asc(form::Column::FormId)
        .order_by_desc(form::Column::Version)
        .into_tuple()
        .all(db)
        .await?;
    let mut newest: Vec<Listed> = Vec::new();
    for (id, version, title, published_at) in rows {
        if newest.last().is_some_and(|last| last.id == id) {
            continue;
        }
        newest.push(Listed {
            id,
            version,
            title,
            published_at,
        });
    }
    Ok(newest)
}

/// Publishes a definition. A published version never changes.
pub async fn publish(
    db: &impl ConnectionTrait,
    definition: &FormDefinition,
    now: DateTime<Utc>,
) -> Result<Published, StoreError> {
    if let Some(existing) = get(db, &definition.id, definition.version).await? {
        return Ok(if existing == *definition {
            Published::Unchanged
        } else {
            Published::Conflicting
        });
    }
    let model = form::ActiveModel {
        form_id: Set(definition.id.clone()),
        version: Set(definition.version),
        title: Set(definition.title.clone()),
        definition: Set(to_json(definition)),
        published_at: Set(now),
    };
    form::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(Published::Created)
}

/// Published forms never change, so each (id, version) is read from the database once per
/// server process and kept. Shared by every request; safe with several server instances.
#[derive(Debug, Default)]
pub struct FormCache {
    forms: std::sync::RwLock<std::collections::HashMap<(String, i32), std::sync::Arc<Form>>>,
}

impl FormCache {
    /// The form, from the cache or the database.
    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        id: &str,
        version: i32,
    ) -> Result<Option<std::sync::Arc<Form>>, StoreError> {
        let key = (id.to_owned(), version);
        if let Some(form) = crate::locks::read(&self.forms).get(&key) {
            return Ok(Some(form.clone()));
        }
        let Some(definition) = get(db, id, version).await? else {
            return Ok(None);
        };
        let form = std::sync::Arc::new(
            Form::new(definition)
                .map_err(|e| StoreError::Corrupt(format!("form {id} v{version}: {e}")))?,
        );
        crate::locks::write(&self.forms).insert(key, form.clone());
        Ok(Some(form))
    }
}
