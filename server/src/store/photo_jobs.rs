//! The image pipeline's queue and results (`photo_analysis`). See the migration
//! `create_photo_analysis` for how rows are claimed and retried.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QuerySelect, Statement,
    sea_query::{Expr, OnConflict},
};

use super::StoreError;
use super::entities::photo_analysis;

/// Where a photo stands in the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for a worker (or for its retry time).
    Queued,
    /// Analysed: metadata, thumbnails and hash are there.
    Done,
    /// Recognised but not decoded (HEIC): metadata only.
    Unsupported,
    /// Cannot be analysed (undecodable pixels, not an image); `last_error` says why.
    Failed,
}

impl JobState {
    /// The stored name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Done => "done",
            Self::Unsupported => "unsupported",
            Self::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "done" => Self::Done,
            "unsupported" => Self::Unsupported,
            "failed" => Self::Failed,
            _ => Self::Queued,
        }
    }
}

/// What the pipeline learned about a photo.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// How it ended.
    pub state: JobState,
    /// Why it failed.
    pub error: Option<String>,
    /// `jpeg`, `png`, `webp`, `heic`.
    pub format: Option<String>,
    /// Width and height as seen (orientation applied).
    pub size: Option<(u32, u32)>,
    /// EXIF time taken (camera's local time).
    pub taken_at: Option<String>,
    /// EXIF GPS.
    pub gps: Option<(f64, f64)>,
    /// EXIF orientation.
    pub orientation: Option<u16>,
    /// EXIF make and model.
    pub camera: Option<String>,
    /// Why the EXIF could not be read.
    pub exif_error: Option<String>,
    /// Perceptual hash.
    pub phash: Option<u64>,
}

/// A photo's row: its state, attempts and results.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// The photo.
    pub sha256: String,
    /// Attempts so far.
    pub attempts: u32,
    /// The results (state `Queued` until a worker finishes).
    pub results: Results,
}

/// Queues a newly stored photo (nothing happens if it is queued or analysed already).
pub async fn queue(
    db: &impl ConnectionTrait,
    sha256: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let model = photo_analysis::ActiveModel {
        sha256: Set(sha256.to_owned()),
        state: Set(JobState::Queued.as_str().to_owned()),
        attempts: Set(0),
        run_after: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        format: Set(None),
        width: Set(None),
        height: Set(None),
        taken_at: Set(None),
        latitude: Set(None),
        longitude: Set(None),
        orientation: Set(None),
        camera: Set(None),
        exif_error: Set(None),
        phash: Set(None),
        updated_at: Set(now),
    };
    photo_analysis::Entity::insert(model)
        .on_conflict(
            OnConflict::column(photo_analysis::Column::Sha256)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

#[derive(Debug, FromQueryResult)]
struct Claimed {
    sha256: String,
    attempts: i32,
}

/// Takes the oldest due photo for `lease` (a worker that dies lets it go when the lease ends).
/// Photos tried `max_attempts` times already are not taken (see [`give_up`]). Returns the
/// hash and how many attempts this one makes.
pub async fn claim(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    max_attempts: u32,
) -> Result<Option<(String, u32)>, StoreError> {
    let backend = db.get_database_backend();
    let (skip_locked, p1, p2, p3) = match backend {
        DbBackend::Postgres => ("FOR UPDATE SKIP LOCKED", "$1", "$2", "$3"),
        _ => ("", "?1", "?2", "?3"),
    };
    let sql = format!(
        "UPDATE photo_analysis SET lease_until = {p1}, attempts = attempts + 1, updated_at = {p2} \
         WHERE sha256 = (SELECT sha256 FROM photo_analysis \
           WHERE state = 'queued' AND run_after <= {p2} AND attempts < {p3} \
             AND (lease_until IS NULL OR lease_until <= {p2}) \
           ORDER BY run_after LIMIT 1 {skip_locked}) \
         RETURNING sha256, attempts"
    );
    let values = [
        lease_until.into(),
        now.into(),
        i64::from(max_attempts).into(),
    ];
    let statement = Statement::from_sql_and_values(backend, sql, values);
    Ok(Claimed::find_by_statement(statement)
        .one(db)
        .await?
        .map(|c| (c.sha256, u32::try_from(c.attempts).unwrap_or(0))))
}

/// Marks as failed the photos tried `max_attempts` times whose last lease ran out without a
/// result: their worker died each time (the process crashed on them). Returns how many.
pub async fn give_up(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    max_attempts: u32,
) -> Result<u64, StoreError> {
    let result = photo_analysis::Entity::update_many()
        .col_expr(
            photo_analysis::Column::State,
            Expr::value(JobState::Failed.as_str()),
        )
        .col_expr(
            photo_analysis::Column::LastError,
            Expr::value(format!(
                "pemrosesan terhenti {max_attempts} kali pada foto ini; dilewati"
            )),
        )
        .col_expr(
            photo_analysis::Column::LeaseUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(photo_analysis::Column::UpdatedAt, Expr::value(now))
        .filter(photo_analysis::Column::State.eq(JobState::Queued.as_str()))
        .filter(photo_analysis::Column::Attempts.gte(i64::from(max_attempts)))
        .filter(photo_analysis::Column::LeaseUntil.lte(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Stores the results and ends the lease.
pub async fn finish(
    db: &impl ConnectionTrait,
    sha256: &str,
    results: &Results,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let int = |v: u32| i32::try_from(v).ok();
    let model = photo_analysis::ActiveModel {
        sha256: Set(sha256.to_owned()),
        state: Set(results.state.as_str().to_owned()),
        lease_until: Set(None),
        last_error: Set(results.error.clone()),
        format: Set(results.format.clone()),
        width: Set(results.size.and_then(|s| int(s.0))),
        height: Set(results.size.and_then(|s| int(s.1))),
        taken_at: Set(results.taken_at.clone()),
        latitude: Set(results.gps.map(|g| g.0)),
        longitude: Set(results.gps.map(|g| g.1)),
        orientation: Set(results.orientation.map(i32::from)),
        camera: Set(results.camera.clone()),
        exif_error: Set(results.exif_error.clone()),
        // Stored as the signed integer with the same 64 bits.
        phash: Set(results.phash.map(|h| i64::from_ne_bytes(h.to_ne_bytes()))),
        updated_at: Set(now),
        ..Default::default()
    };
    photo_analysis::Entity::update(model).exec(db).await?;
    Ok(())
}

/// Ends the lease after a transient failure; the photo is tried again after `run_after`.
pub async fn retry_later(
    db: &impl ConnectionTrait,
    sha256: &str,
    error: &str,
    run_after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let model = photo_analysis::ActiveModel {
        sha256: Set(sha256.to_owned()),
        lease_until: Set(None),
        last_error: Set(Some(error.to_owned())),
        run_after: Set(run_after),
        updated_at: Set(now),
        ..Default::default()
    };
    photo_analysis::Entity::update(model).exec(db).await?;
    Ok(())
}

/// How many photos wait for their analysis.
pub async fn queued(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    Ok(photo_analysis::Entity::find()
        .filter(photo_analysis::Column::State.eq(JobState::Queued.as_str()))
        .count(db)
        .await?)
}

/// A photo's row.
pub async fn find(db: &impl ConnectionTrait, sha256: &str) -> Result<Option<Job>, StoreError> {
    Ok(photo_analysis::Entity::find_by_id(sha256.to_owned())
        .one(db)
        .await?
        .map(|m| {
            let size = m
                .width
                .zip(m.height)
                .and_then(|(w, h)| Some((u32::try_from(w).ok()?, u32::try_from(h).ok()?)));
            Job {
                sha256: m.sha256,
                attempts: u32::try_from(m.attempts).unwrap_or(0),
                results: Results {
                    state: JobState::parse(&m.state),
                    error: m.last_error,
                    format: m.format,
                    size,
                    taken_at: m.taken_at,
                    gps: m.latitude.zip(m.longitude),
                    orientation: m.orientation.and_then(|o| u16::try_from(o).ok()),
                    camera: m.camera,
                    exif_error: m.exif_error,
                    phash: m.phash.map(|h| u64::from_ne_bytes(h.to_ne_bytes())),
                },
            }
        }))
}

#[derive(Debug, FromQueryResult)]
struct Near {
    sha256: String,
    distance: i64,
}

/// Photos (other than `except`) whose perceptual hash differs from `phash` in at most
/// `max_distance` bits, nearest first, at most `limit`. PostgreSQL counts the bits in SQL;
/// SQLite, which has no bit count, scans the hashes here.
pub async fn near(
    db: &impl ConnectionTrait,
    phash: u64,
    max_distance: u32,
    except: &str,
    limit: usize,
) -> Result<Vec<(String, u32)>, StoreError> {
    let signed = i64::from_ne_bytes(phash.to_ne_bytes());
    let mut found: Vec<(String, u32)> = if db.get_database_backend() == DbBackend::Postgres {
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT sha256, bit_count(int8send(phash # $1)) AS distance FROM photo_analysis \
             WHERE phash IS NOT NULL AND sha256 <> $2 \
               AND bit_count(int8send(phash # $1)) <= $3 \
             ORDER BY distance, sha256 LIMIT $4",
            [
                signed.into(),
                except.into(),
                i64::from(max_distance).into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
            ],
        );
        Near::find_by_statement(statement)
            .all(db)
            .await?
            .into_iter()
            .map(|n| (n.sha256, u32::try_from(n.distance).unwrap_or(u32::MAX)))
            .collect()
    } else {
        let rows: Vec<(String, i64)> = photo_analysis::Entity::find()
            .select_only()
            .column(photo_analysis::Column::Sha256)
            .column(photo_analysis::Column::Phash)
            .filter(photo_analysis::Column::Phash.is_not_null())
            .filter(photo_analysis::Column::Sha256.ne(except))
            .into_tuple()
            .all(db)
            .await?;
        rows.into_iter()
            .map(|(sha, h)| (sha, (h ^ signed).count_ones()))
            .filter(|(_, d)| *d <= max_distance)
            .collect()
    };
    found.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    found.truncate(limit);
    Ok(found)
}
