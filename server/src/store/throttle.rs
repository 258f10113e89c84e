//! Failed-login throttling per username, stored so it holds across server instances.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel};

use super::StoreError;
use super::entities::login_throttle;

/// Throttling rules.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleRule {
    /// Failures within the window that lock the username.
    pub max_failures: u32,
    /// The window, which is also how long the lock lasts.
    pub window: Duration,
}

/// Until when the username is locked, if it is.
pub async fn locked_until(
    db: &impl ConnectionTrait,
    username: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let row = login_throttle::Entity::find_by_id(username.to_owned())
        .one(db)
        .await?;
    Ok(row
        .and_then(|r| r.locked_until)
        .filter(|until| *until > now))
}

/// Counts a failed login. Returns the lock's end when this failure locked the username.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    username: &str,
    now: DateTime<Utc>,
    rule: ThrottleRule,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let existing = login_throttle::Entity::find_by_id(username.to_owned())
        .one(db)
        .await?;
    let Some(row) = existing else {
        let model = login_throttle::ActiveModel {
            username: Set(username.to_owned()),
            failures: Set(1),
            window_started_at: Set(now),
            locked_until: Set(None),
        };
        login_throttle::Entity::insert(model)
            .exec_without_returning(db)
            .await?;
        return Ok(lock_if_reached(1, now, rule));
    };
    let in_window = now - row.window_started_at < rule.window;
    let failures = if in_window {
        row.failures.saturating_add(1)
    } else {
        1
    };
    let locked = lock_if_reached(failures, now, rule);
    let mut model = row.into_active_model();
    model.failures = Set(if locked.is_some() { 0 } else { failures });
    if !in_window || locked.is_some() {
        model.window_started_at = Set(now);
    }
    model.locked_until = Set(locked);
    model.update(db).await?;
    Ok(locked)
}

fn lock_if_reached(failures: i32, now: DateTime<Utc>, rule: ThrottleRule) -> Option<DateTime<Utc>> {
    (i64::from(failures) >= i64::from(rule.max_failures)).then(|| now + rule.window)
}

/// Forgets the failures of a username after a successful login.
pub async fn clear(db: &impl ConnectionTrait, username: &str) -> Result<(), StoreError> {
    login_throttle::Entity::delete_by_id(username.to_owned())
        .exec(db)
        .await?;
    Ok(())
}
