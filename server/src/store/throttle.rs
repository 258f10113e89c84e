//! Failed-login throttling per username, stored so it holds across server instances.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, TransactionTrait,
};

use super::entities::login_throttle;
use super::{StoreError, retry_transient};

/// Throttling rules.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleRule {
    /// Failures within the window that lock the username.
    pub max_failures: u32,
    /// The window, which is also how long the lock lasts.
    pub window: Duration,
}

/// Counts a login attempt before its password is checked, so that attempts sent at once are
/// counted at once: when the username is locked, or this attempt would be one more than
/// `max_failures` in the window, answers the lock's end and the password is not checked. A
/// successful login then [`clear`]s the count; a failed one may [`lock`] the username.
pub async fn begin_attempt(
    db: &DatabaseConnection,
    username: &str,
    now: DateTime<Utc>,
    rule: ThrottleRule,
    attempts: u32,
) -> Result<Result<(), DateTime<Utc>>, StoreError> {
    retry_transient(attempts, StoreError::is_transient, || async {
        let txn = db.begin().await?;
        // The write first: it takes SQLite's write lock, and creates the row to lock.
        login_throttle::Entity::insert(login_throttle::ActiveModel {
            username: Set(username.to_owned()),
            failures: Set(0),
            window_started_at: Set(now),
            locked_until: Set(None),
        })
        .on_conflict(
            OnConflict::column(login_throttle::Column::Username)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        let row = login_throttle::Entity::find_by_id(username.to_owned())
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("login_throttle of {username} vanished")))?;
        if let Some(until) = row.locked_until.filter(|until| *until > now) {
            return Ok(Err(until));
        }
        let in_window = now - row.window_started_at < rule.window;
        let failures = if in_window { row.failures } else { 0 };
        // The attempts counted reached the limit: this one is refused and the lock starts.
        let lock = (i64::from(failures) >= i64::from(rule.max_failures)).then(|| now + rule.window);
        let mut model = row.into_active_model();
        model.failures = Set(if lock.is_some() { 0 } else { failures + 1 });
        if lock.is_some() || !in_window {
            model.window_started_at = Set(now);
        }
        model.locked_until = Set(lock);
        model.update(&txn).await?;
        txn.commit().await?;
        Ok(lock.map_or(Ok(()), Err))
    })
    .await
}

/// After a failed attempt: locks the username if its counted attempts reached `max_failures`.
/// Returns the lock's end when it did.
pub async fn lock(
    db: &impl ConnectionTrait,
    username: &str,
    now: DateTime<Utc>,
    rule: ThrottleRule,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let until = now + rule.window;
    let locked = login_throttle::Entity::update_many()
        .col_expr(login_throttle::Column::Failures, Expr::value(0))
        .col_expr(login_throttle::Column::WindowStartedAt, Expr::value(now))
        .col_expr(login_throttle::Column::LockedUntil, Expr::value(until))
        .filter(login_throttle::Column::Username.eq(username))
        .filter(login_throttle::Column::Failures.gte(i64::from(rule.max_failures)))
        .exec(db)
        .await?
        .rows_affected;
    Ok((locked > 0).then_some(until))
}

/// Forgets the failures of a username after a successful login.
pub async fn clear(db: &impl ConnectionTrait, username: &str) -> Result<(), StoreError> {
    login_throttle::Entity::delete_by_id(username.to_owned())
        .exec(db)
        .await?;
    Ok(())
}
