//! Account use cases: log in, authenticate a token, log out, create users, assign areas.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

use crate::config::AuthConfig;
use crate::domain::actor::Actor;
use crate::domain::area::{AreaCode, InvalidAreaCode};
use crate::domain::credentials::{self, PasswordError};
use crate::domain::role::{Role, UnknownRole};
use crate::domain::scope::Scope;
use crate::store::throttle::{self, ThrottleRule};
use crate::store::users::{self, NewUser, User};
use crate::store::{StoreError, areas, audit, sessions};

/// Why a login failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown user, wrong password, or a disabled account (not told apart, on purpose).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Too many failures: locked until the given time.
    #[error("throttled until {0}")]
    Throttled(DateTime<Utc>),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a token was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No such token.
    #[error("unknown token")]
    Unknown,
    /// Expired, revoked, or the account was disabled.
    #[error("token expired or revoked")]
    Expired,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A new user that cannot be created as given.
#[derive(Debug, thiserror::Error)]
pub enum NewUserError {
    /// The username does not have the allowed form.
    #[error(
        "nama pengguna harus 3–64 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung"
    )]
    InvalidUsername,
    /// The role is unknown.
    #[error(transparent)]
    Role(#[from] UnknownRole),
    /// An area code is malformed.
    #[error(transparent)]
    Area(#[from] InvalidAreaCode),
    /// An area code is not in the area table.
    #[error("wilayah {0} tidak terdaftar; impor atau seed wilayah dulu")]
    UnknownArea(String),
    /// The password is not acceptable.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// The username is taken.
    #[error("nama pengguna {0} sudah dipakai")]
    Taken(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A successful login.
#[derive(Debug, Clone)]
pub struct LoggedIn {
    /// The bearer token (shown once; only its hash is stored).
    pub token: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// The user.
    pub user: User,
    /// Their areas.
    pub areas: Vec<AreaCode>,
}

/// Usernames are case-insensitive: stored and compared in lower case.
#[must_use]
pub fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

fn valid_username(username: &str) -> bool {
    (3..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Checks a password and issues a token. Failed attempts are counted per username; after
/// `max_failed_logins` the username is locked for `lockout_minutes`.
pub async fn login(
    db: &DatabaseConnection,
    config: &AuthConfig,
    attempts: u32,
    username: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<LoggedIn, LoginError> {
    let username = normalize_username(username);
    if !valid_username(&username) {
        return Err(LoginError::InvalidCredentials);
    }
    let rule = ThrottleRule {
        max_failures: config.max_failed_logins,
        window: Duration::minutes(i64::from(config.lockout_minutes)),
    };
    if let Err(until) = throttle::begin_attempt(db, &username, now, rule, attempts).await? {
        return Err(LoginError::Throttled(until));
    }
    let found = users::find_with_hash(db, &username).await?;
    let hash = found
        .as_ref()
        .map_or_else(|| credentials::dummy_hash().to_owned(), |(_, h)| h.clone());
    let password = password.to_owned();
    let matches =
        tokio::task::spawn_blocking(move || credentials::verify_password(&password, &hash))
            .await
            .unwrap_or(false);
    let user = match found {
        Some((user, _)) if matches && user.active => user,
        _ => {
            let txn = db.begin().await.map_err(StoreError::from)?;
            let locked = throttle::lock(&txn, &username, now, rule).await?;
            audit::record(&txn, now, None, "auth.login_failed", &username, json!({})).await?;
            txn.commit().await.map_err(StoreError::from)?;
            return Err(locked.map_or(LoginError::InvalidCredentials, LoginError::Throttled));
        }
    };
    let token = credentials::new_token();
    let expires_at = now + Duration::hours(i64::from(config.token_ttl_hours));
    let txn = db.begin().await.map_err(StoreError::from)?;
    throttle::clear(&txn, &username).await?;
    sessions::insert(
        &txn,
        &credentials::token_hash(&token),
        user.id,
        now,
        expires_at,
    )
    .await?;
    audit::record(&txn, now, Some(user.id), "auth.login", &username, json!({})).await?;
    txn.commit().await.map_err(StoreError::from)?;
    let areas = users::areas(db, user.id).await?;
    Ok(LoggedIn {
        token,
        expires_at,
        user,
        areas,
    })
}

/// The actor behind a bearer token.
pub async fn authenticate(
    db: &DatabaseConnection,
    cache: &SessionCache,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Actor, AuthError> {
    let hash = credentials::token_hash(token);
    if let Some(actor) = cache.get(&hash, now) {
        return Ok(actor);
    }
    let session = sessions::find(db, &hash).await?.ok_or(AuthError::Unknown)?;
    if session.revoked_at.is_some() || session.expires_at <= now || !session.user.active {
        return Err(AuthError::Expired);
    }
    let areas = users::areas(db, session.user.id).await?;
    let actor = Actor {
        id: session.user.id,
        username: session.user.username,
        role: session.user.role,
        scope: Scope::new(areas),
    };
    cache.put(hash, &actor, session.expires_at);
    Ok(actor)
}

/// Revokes the session of a token.
pub async fn logout(
    db: &DatabaseConnection,
    cache: &SessionCache,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let hash = credentials::token_hash(token);
    sessions::revoke(db, &hash, now).await?;
    cache.forget(&hash);
    Ok(())
}

/// A cached authentication: who, until when the token is valid, when it was checked.
type CachedSession = (Actor, DateTime<Utc>, std::time::Instant);

/// Recently authenticated tokens, so that a phone pushing several batches in a row does not
/// cost two queries per batch. Entries live `ttl`: a token revoked on another server instance
/// takes effect there within that time. Logout and area changes on this instance take effect
/// at once. A TTL of zero disables the cache.
#[derive(Debug)]
pub struct SessionCache {
    ttl: std::time::Duration,
    entries: std::sync::Mutex<HashMap<String, CachedSession>>,
}

/// The cache is cleared when it grows past this many tokens.
const SESSION_CACHE_MAX: usize = 10_000;

impl SessionCache {
    /// A cache keeping entries for `ttl`.
    #[must_use]
    pub fn new(ttl: std::time::Duration) -> Self {
        Self {
            ttl,
            entries: std::sync::Mutex::default(),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, CachedSession>> {
        crate::locks::lock(&self.entries)
    }

    fn get(&self, hash: &str, now: DateTime<Utc>) -> Option<Actor> {
        let entries = self.entries();
        let (actor, expires_at, cached_at) = entries.get(hash)?;
        (cached_at.elapsed() < self.ttl && *expires_at > now).then(|| actor.clone())
    }

    fn put(&self, hash: String, actor: &Actor, expires_at: DateTime<Utc>) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries();
        if entries.len() >= SESSION_CACHE_MAX {
            entries.clear();
        }
        entries.insert(hash, (actor.clone(), expires_at, std::time::Instant::now()));
    }

    fn forget(&self, hash: &str) {
        self.entries().remove(hash);
    }

    /// Drops every cached session of a user (their areas or role changed).
    pub fn forget_user(&self, user_id: Uuid) {
        self.entries()
            .retain(|_, (actor, _, _)| actor.id != user_id);
    }
}

/// Parses area codes and checks they exist.
pub async fn parse_areas(
    db: &DatabaseConnection,
    codes: &[String],
) -> Result<Vec<AreaCode>, NewUserError> {
    let mut parsed = Vec::with_capacity(codes.len());
    for code in codes {
        let area = AreaCode::parse(code.trim())?;
        if !areas::exists(db, area.as_str()).await? {
            return Err(NewUserError::UnknownArea(area.to_string()));
        }
        parsed.push(area);
    }
    Ok(parsed)
}

/// A user to create, as given by an admin (CLI or API).
#[derive(Debug, Clone)]
pub struct UserSpec<'a> {
    /// Login name.
    pub username: &'a str,
    /// Name shown to people (the username when empty).
    pub display_name: &'a str,
    /// Role name.
    pub role: &'a str,
    /// Area codes.
    pub areas: &'a [String],
    /// Initial password.
    pub password: &'a str,
}

/// Creates a user. `by` is the admin who did it (`None` from the command line).
pub async fn create_user(
    db: &DatabaseConnection,
    spec: UserSpec<'_>,
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(User, Vec<AreaCode>), NewUserError> {
    let username = normalize_username(spec.username);
    if !valid_username(&username) {
        return Err(NewUserError::InvalidUsername);
    }
    let role: Role = spec.role.trim().parse()?;
    let areas = parse_areas(db, spec.areas).await?;
    let password = spec.password.to_owned();
    let password_hash = tokio::task::spawn_blocking(move || credentials::hash_password(&password))
        .await
        .map_err(|e| PasswordError::Hash(e.to_string()))??;
    let display_name = if spec.display_name.trim().is_empty() {
        username.clone()
    } else {
        spec.display_name.trim().to_owned()
    };
    let new = NewUser {
        username: username.clone(),
        display_name,
        password_hash,
        role,
        areas: areas.clone(),
    };
    let txn = db.begin().await.map_err(StoreError::from)?;
    let user = match users::insert(&txn, &new, now).await {
        Err(e) if e.is_unique_violation() => return Err(NewUserError::Taken(username)),
        other => other?,
    };
    let codes: Vec<&str> = areas.iter().map(AreaCode::as_str).collect();
    let detail = json!({ "role": role.as_str(), "areas": codes });
    audit::record(&txn, now, by, "user.create", &user.id.to_string(), detail).await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok((user, areas))
}

/// Revokes every session of a user (a lost phone, a user who left). Their tokens stop working
/// at once on this instance and within `auth.session_cache_seconds` on the others.
pub async fn revoke_sessions(
    db: &DatabaseConnection,
    cache: &SessionCache,
    user_id: Uuid,
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let txn = db.begin().await?;
    let revoked = sessions::revoke_all(&txn, user_id, now).await?;
    let detail = json!({ "revoked": revoked });
    audit::record(
        &txn,
        now,
        by,
        "user.revoke_sessions",
        &user_id.to_string(),
        detail,
    )
    .await?;
    txn.commit().await?;
    cache.forget_user(user_id);
    Ok(revoked)
}

/// Replaces a user's areas. Their next pull answers `reset` because the scope changed.
pub async fn set_areas(
    db: &DatabaseConnection,
    user_id: Uuid,
    areas: &[AreaCode],
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let txn = db.begin().await?;
    users::set_areas(&txn, user_id, areas).await?;
    let codes: Vec<&str> = areas.iter().map(AreaCode::as_str).collect();
    audit::record(
        &txn,
        now,
        by,
        "user.set_areas",
        &user_id.to_string(),
        json!({ "areas": codes }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
