//! Login sessions (bearer tokens, stored as SHA-256).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use super::StoreError;
use super::entities::{app_user, session};
use super::users::{User, to_user};

/// A session found by its token hash.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user it belongs to.
    pub user: User,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Set once revoked (logout, admin action).
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Stores a new session.
pub async fn insert(
    db: &impl ConnectionTrait,
    token_hash: &str,
    user_id: Uuid,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let model = session::ActiveModel {
        token_hash: Set(token_hash.to_owned()),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    };
    session::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The session with this token hash, with its user.
pub async fn find(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<Session>, StoreError> {
    let found = session::Entity::find_by_id(token_hash.to_owned())
        .find_also_related(app_user::Entity)
        .one(db)
        .await?;
    let Some((s, Some(u))) = found else {
        return Ok(None);
    };
    Ok(Some(Session {
        user: to_user(u)?,
        expires_at: s.expires_at,
        revoked_at: s.revoked_at,
    }))
}

/// Revokes one session. Returns whether it existed and was active.
pub async fn revoke(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::TokenHash.eq(token_hash))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Revokes every session of a user (their areas or role changed, or they were disabled).
pub async fn revoke_all(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let result = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
