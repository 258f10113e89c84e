//! Persistence with sea-orm. One module per aggregate; every function takes
//! `db: &impl ConnectionTrait`, so it runs on the pool or inside a transaction alike.
//! Entities stay in here: functions return domain or plain types.

pub mod areas;
pub mod audit;
pub mod batch;
pub mod changes;
pub mod conflicts;
pub mod devices;
pub mod dtsen;
pub mod entities;
pub mod epoch;
pub mod exports;
pub mod families;
pub mod forms;
pub mod households;
pub mod indicators;
pub mod map;
pub mod members;
pub mod photo_jobs;
pub mod photos;
pub mod quality;
pub mod receipts;
pub mod reviews;
pub mod scores;
pub mod sessions;
pub mod tallies;
pub mod throttle;
pub mod uploads;
pub mod users;
pub mod visits;

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteError, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, RuntimeErr, SqlxError};
use secrecy::ExposeSecret;

use crate::config::DatabaseConfig;
use crate::domain::area::AreaCode;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a statement.
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// A stored value could not be decoded (a bug or a manual edit of the database).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether retrying the same work later may succeed: lost connections, pool timeouts,
    /// serialization failures, deadlocks and a busy SQLite file.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        let StoreError::Db(err) = self else {
            return false;
        };
        match err {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
            DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
                is_transient_sqlx(e)
            }
            _ => false,
        }
    }

    /// Whether the failure is a unique-constraint violation.
    #[must_use]
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Db(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))))
    }
}

fn is_transient_sqlx(err: &SqlxError) -> bool {
    match err {
        SqlxError::Io(_)
        | SqlxError::PoolTimedOut
        | SqlxError::PoolClosed
        | SqlxError::WorkerCrashed
        | SqlxError::Protocol(_) => true,
        SqlxError::Database(db) => {
            let Some(code) = db.code() else {
                return false;
            };
            if db.try_downcast_ref::<SqliteError>().is_some() {
                // SQLITE_BUSY (5) and SQLITE_LOCKED (6) with their extended codes.
                return code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6));
            }
            // PostgreSQL: serialization_failure, deadlock_detected, lock_not_available,
            // admin/crash shutdown, cannot_connect_now, and every connection exception (08…).
            // (Its SQLSTATEs are read as SQLite's numbers no more: 22021, a NUL in a text,
            // would be SQLITE_BUSY's 5 in its low byte.)
            matches!(
                code.as_ref(),
                "40001" | "40P01" | "55P03" | "57P01" | "57P02" | "57P03"
            ) || code.starts_with("08")
        }
        _ => false,
    }
}

/// Opens the connection pool. For SQLite, creates the file's directory, and turns on WAL
/// (readers do not block the writer), `synchronous=NORMAL` and foreign keys. A connection is
/// waited for at most `wait` (`server.unavailable_after_seconds`): with the database down, a
/// request learns it within that time rather than once per retry.
pub async fn connect(
    config: &DatabaseConfig,
    wait: Duration,
) -> Result<DatabaseConnection, StoreError> {
    let url = config.url.expose_secret();
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(config.max_connections)
        .acquire_timeout(wait)
        // Ping only connections idle long enough to have been dropped by the server or a
        // firewall: a ping on every checkout is a round trip per request.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    Ok(Database::connect(options).await?)
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), StoreError> {
    Ok(Migrator::up(db, None).await?)
}

/// Decodes a JSON column into a type, reporting which column was corrupt.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    what: &str,
) -> Result<T, StoreError> {
    serde_json::from_value(value).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// Encodes a value for a JSON column.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("protocol and domain types serialize to JSON infallibly")
}

/// Encodes a value as JSON text, for a JSON column whose placeholder casts it (`$n::json` or
/// `$n::jsonb`, see [`sql`]). It is serialized straight to text, with no `serde_json::Value`
/// built on the way, and PostgreSQL reads text into a `json` column by checking it only.
pub(crate) fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> sea_orm::Value {
    serde_json::to_string(value)
        .expect("protocol and domain types serialize to JSON infallibly")
        .into()
}

/// [`json_text`] of a value that may be absent (SQL `NULL`).
pub(crate) fn json_text_or_null<T: serde::Serialize + ?Sized>(value: Option<&T>) -> sea_orm::Value {
    value.map_or(sea_orm::Value::String(None), json_text)
}

/// Encodes a stamp map as JSON text in the compact form, as [`json_text`] does.
pub(crate) fn stamps_text(
    stamps: &std::collections::BTreeMap<String, sync_protocol::merge::Stamp>,
) -> sea_orm::Value {
    sync_protocol::merge::compact::to_string(stamps).into()
}

/// A statement written out for PostgreSQL with `$n` placeholders (read by number on both
/// backends), for `backend`. JSON values are bound as text ([`json_text`]) and cast where they
/// are placed: `$n::jsonb` for the answers of households and members (`fields`, which exports
/// read inside), `$n::json` for the columns only ever read whole. SQLite stores JSON as text
/// and has no `::` casts, so it gets the statement without them: the text `::json` and
/// `::jsonb` is removed wherever it is, so it must appear nowhere else in such a statement (a
/// literal, a name).
pub(crate) fn statement(
    backend: sea_orm::DbBackend,
    sql: &str,
    values: impl IntoIterator<Item = sea_orm::Value>,
) -> sea_orm::Statement {
    let sql = if backend == sea_orm::DbBackend::Postgres {
        sql.to_owned()
    } else {
        sql.replace("::jsonb", "").replace("::json", "")
    };
    sea_orm::Statement::from_sql_and_values(backend, sql, values)
}

/// Decodes a stamp map from a JSON column.
pub(crate) fn stamps_from_json(
    value: serde_json::Value,
    what: &str,
) -> Result<std::collections::BTreeMap<String, sync_protocol::merge::Stamp>, StoreError> {
    sync_protocol::merge::compact::from_json(value)
        .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// Rows whose area `column` lies at or below an area (area columns hold desa or kelurahan
/// codes): equal to a desa's or kelurahan's code, else starting with the code and a dot.
pub(crate) fn area_under(
    column: impl sea_orm::ColumnTrait,
    area: &AreaCode,
) -> sea_orm::sea_query::SimpleExpr {
    if area.is_village() {
        column.eq(area.as_str())
    } else {
        column.like(format!("{area}.%"))
    }
}

/// The same for raw SQL: `column = placeholder` for a desa or
/// kelurahan (the level households are recorded at), `column LIKE placeholder` with the code
/// and a dot above it — one condition, not an `OR`, so the index on the column serves it.
/// Returns the condition and the value to bind to the placeholder.
pub(crate) fn households_under(
    column: &str,
    placeholder: &str,
    area: &AreaCode,
) -> (String, sea_orm::Value) {
    if area.is_village() {
        (format!("{column} = {placeholder}"), area.as_str().into())
    } else {
        (
            format!("{column} LIKE {placeholder}"),
            format!("{area}.%").into(),
        )
    }
}

/// Attempts of an import from the command line: it competes with a running server's writes,
/// and on SQLite a transaction that reads first cannot always take the write lock; it is
/// then repeated whole.
pub const IMPORT_ATTEMPTS: u32 = 20;

/// Runs `op` again after a transient failure (as `transient` decides), `attempts` times in
/// all, pausing a little longer each time. Only for work that is safe to repeat: a read, or a
/// transaction that was rolled back. A connection the database dropped is discarded by the
/// pool when it is found, so `attempts` should exceed the pool size (see
/// [`DatabaseConfig::retry_attempts`](crate::config::DatabaseConfig::retry_attempts)).
pub async fn retry_transient<T, E, Fut>(
    attempts: u32,
    transient: impl Fn(&E) -> bool,
    mut op: impl FnMut() -> Fut,
) -> Result<T, E>
where
    Fut: std::future::Future<Output = Result<T, E>>,
    E: std::fmt::Display,
{
    let mut attempt = 1;
    loop {
        match op().await {
            Err(e) if attempt < attempts && transient(&e) => {
                tracing::warn!(attempt, error = %e, "transient database failure; retrying");
                let pause = (10 * u64::from(attempt)).min(100);
                tokio::time::sleep(Duration::from_millis(pause)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}
