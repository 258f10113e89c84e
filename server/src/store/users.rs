//! User accounts and their area assignments.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::StoreError;
use super::entities::{app_user, user_area};
use crate::domain::area::AreaCode;
use crate::domain::role::Role;

/// A user account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: Uuid,
    /// Unique login name.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Disabled accounts cannot log in and their tokens stop working.
    pub active: bool,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Unique login name.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// Assigned areas.
    pub areas: Vec<AreaCode>,
}

pub(crate) fn to_user(m: app_user::Model) -> Result<User, StoreError> {
    let role = m
        .role
        .parse()
        .map_err(|e| StoreError::Corrupt(format!("app_user.role: {e}")))?;
    Ok(User {
        id: m.id,
        username: m.username,
        display_name: m.display_name,
        role,
        active: m.active,
    })
}

/// Creates a user with its areas. Fails with a unique violation if the username exists.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: &NewUser,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    let id = Uuid::now_v7();
    let model = app_user::ActiveModel {
        id: Set(id),
        username: Set(new.username.clone()),
        display_name: Set(new.display_name.clone()),
        password_hash: Set(new.password_hash.clone()),
        role: Set(new.role.as_str().to_owned()),
        active: Set(true),
        created_at: Set(now),
    };
    app_user::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    set_areas(db, id, &new.areas).await?;
    Ok(User {
        id,
        username: new.username.clone(),
        display_name: new.display_name.clone(),
        role: new.role,
        active: true,
    })
}

/// The user with this username and their password hash.
pub async fn find_with_hash(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<(User, String)>, StoreError> {
    let Some(m) = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let hash = m.password_hash.clone();
    Ok(Some((to_user(m)?, hash)))
}

/// The user with this id.
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<User>, StoreError> {
    app_user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_user)
        .transpose()
}

/// The areas assigned to a user.
pub async fn areas(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<AreaCode>, StoreError> {
    user_area::Entity::find()
        .filter(user_area::Column::UserId.eq(user_id))
        .order_by_asc(user_area::Column::AreaCode)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            AreaCode::parse(&m.area_code)
                .map_err(|e| StoreError::Corrupt(format!("user_area.area_code: {e}")))
        })
        .collect()
}

/// Every user with their areas, by username.
pub async fn all_with_areas(
    db: &impl ConnectionTrait,
) -> Result<Vec<(User, Vec<AreaCode>)>, StoreError> {
    let mut areas: std::collections::HashMap<Uuid, Vec<AreaCode>> =
        std::collections::HashMap::new();
    for m in user_area::Entity::find()
        .order_by_asc(user_area::Column::AreaCode)
        .all(db)
        .await?
    {
        let code = AreaCode::parse(&m.area_code)
            .map_err(|e| StoreError::Corrupt(format!("user_area.area_code: {e}")))?;
        areas.entry(m.user_id).or_default().push(code);
    }
    app_user::Entity::find()
        .order_by_asc(app_user::Column::Username)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let id = m.id;
            Ok((to_user(m)?, areas.remove(&id).unwrap_or_default()))
        })
        .collect()
}

/// Replaces a user's areas.
pub async fn set_areas(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    areas: &[AreaCode],
) -> Result<(), StoreError> {
    user_area::Entity::delete_many()
        .filter(user_area::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if areas.is_empty() {
        return Ok(());
    }
    let rows = areas.iter().map(|a| user_area::ActiveModel {
        user_id: Set(user_id),
        area_code: Set(a.as_str().to_owned()),
    });
    user_area::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The names shown to people of these users, by id (ids not stored are left out): the display
/// name, or the username where it is empty.
pub async fn display_names(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<std::collections::BTreeMap<Uuid, String>, StoreError> {
    if ids.is_empty() {
        return Ok(std::collections::BTreeMap::new());
    }
    Ok(app_user::Entity::find()
        .select_only()
        .columns([
            app_user::Column::Id,
            app_user::Column::DisplayName,
            app_user::Column::Username,
        ])
        .filter(app_user::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(Uuid, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name, username)| {
            let shown = if name.trim().is_empty() {
                username
            } else {
                name
            };
            (id, shown)
        })
        .collect())
}
