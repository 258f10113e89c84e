//! Data-quality checks of visits: the queue (`visit_check`), the facts a check looks at, and
//! the flags it raised (`quality_flag`).

use std::collections::HashMap;
use std::fmt::Write;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    FromQueryResult, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
    TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;

use super::StoreError;
use super::batch::{WriteBatch, renumber_into};
use super::entities::{
    family, household, member, photo_analysis, quality_flag, visit, visit_check, visit_photo,
};
use super::{photo_jobs, photos};
use crate::domain::area_index::AreaIndex;
use crate::domain::identity::Sex;
use crate::domain::quality::{
    CheckState, Fix, Flag, FlagConfig, FlagEvidence, MemberFacts, PhotoFacts, PreviousVisit,
    Severity, VisitFacts,
};
use crate::store::photo_jobs::JobState;

/// Queues the check of a visit just recorded, in the push's own transaction.
pub fn queue(batch: &mut WriteBatch, visit_id: Uuid, household_id: Uuid, now: DateTime<Utc>) {
    // This and the re-queues below run in most pushes: written out once (see `devices`).
    const QUEUE: &str = "INSERT INTO visit_check \
        (visit_id, household_id, state, generation, attempts, run_after, risk, checked_at) \
        VALUES ($1, $2, 'pending', 0, 0, $3, NULL, NULL) ON CONFLICT (visit_id) DO NOTHING";
    batch.push_sql(QUEUE, [visit_id.into(), household_id.into(), now.into()]);
}

/// The statement that marks pending again, due `now`, with a new generation, the visit checks
/// that `targets` select: each a `SELECT` of visit ids, its placeholders numbered from `$1`.
///
/// Pushes, the photo pipeline and other checks queue the same checks again at the same time.
/// On PostgreSQL the rows are locked first, in visit order, all in this one statement, and a
/// transaction takes no other `visit_check` row lock after it (see [`WriteBatch::finish`] and
/// [`save`]): transactions that lock rows in one order cannot deadlock. SQLite has one writer
/// at a time and no row locks.
pub(crate) fn requeue_statement(
    backend: DbBackend,
    targets: Vec<Statement>,
    now: DateTime<Utc>,
) -> Statement {
    const SET: &str = "UPDATE visit_check SET state = 'pending', generation = generation + 1, \
        attempts = 0, run_after = $1 WHERE visit_id IN";
    let mut union = String::new();
    let mut values: Vec<sea_orm::Value> = vec![now.into()];
    for (i, target) in targets.into_iter().enumerate() {
        if i > 0 {
            union.push_str(" UNION ALL ");
        }
        // Each member in a subquery of its own: its `ORDER BY … LIMIT` stays its own, which
        // SQLite's compound selects would not allow.
        union.push_str("SELECT * FROM (");
        renumber_into(&mut union, &target.sql, values.len());
        write!(union, ") AS t{i}").expect("writing to a String cannot fail");
        values.extend(target.values.map(|v| v.0).unwrap_or_default());
    }
    let sql = if backend == DbBackend::Postgres {
        format!(
            "{SET} (SELECT visit_id FROM visit_check WHERE visit_id IN ({union}) \
             ORDER BY visit_id FOR UPDATE)"
        )
    } else {
        format!("{SET} ({union})")
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// A `SELECT` of visit ids to queue again, for [`requeue_statement`].
fn target(sql: String, values: impl IntoIterator<Item = sea_orm::Value>) -> Statement {
    // The backend is the combined statement's; this one is never run alone.
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// Checks again, when the transaction ends, the visits of a household whose members or families
/// changed, and of the other households with a member of one of these NIKs (whose `nik_duplicate`
/// flags may come or go). Of those, a few only: a NIK shared by many households keeps their flag
/// whatever one member does, and one push must not lock them all.
pub fn requeue_household(
    batch: &mut WriteBatch,
    household_id: Uuid,
    niks: &[String],
    now: DateTime<Utc>,
) {
    // Two selects over disjoint rows: an `OR` of the two conditions would keep PostgreSQL
    // from using the index on `household_id`, and scan the whole table in every such push.
    batch.requeue(
        target(
            "SELECT visit_id FROM visit_check WHERE household_id = $1".to_owned(),
            [household_id.into()],
        ),
        now,
    );
    if !niks.is_empty() {
        let mut sql = String::from(
            "SELECT visit_id FROM visit_check WHERE household_id IN \
             (SELECT household_id FROM member WHERE nik IN (",
        );
        push_placeholders(&mut sql, 2, niks.len());
        write!(sql, ") AND household_id <> $1 LIMIT {})", MAX_OTHERS + 1)
            .expect("writing to a String cannot fail");
        let values =
            std::iter::once(household_id.into()).chain(niks.iter().map(|nik| nik.as_str().into()));
        batch.requeue(target(sql, values), now);
    }
}

/// Appends `$first, $first+1, …`, `count` placeholders.
fn push_placeholders(sql: &mut String, first: usize, count: usize) {
    for n in first..first + count {
        if n > first {
            sql.push_str(", ");
        }
        write!(sql, "${n}").expect("writing to a String cannot fail");
    }
}

/// Checks again, when the transaction ends, the visits of up to `MAX_OTHERS + 1` other households
/// with a member sharing a NIK with a live member of this household: it was just deleted or brought
/// back, so their `nik_duplicate` may go or come.
pub fn requeue_sharing_niks(batch: &mut WriteBatch, household_id: Uuid, now: DateTime<Utc>) {
    let sql = format!(
        "SELECT visit_id FROM visit_check WHERE household_id IN \
         (SELECT DISTINCT theirs.household_id FROM member mine \
         JOIN member theirs ON theirs.nik = mine.nik WHERE mine.household_id = $1 \
         AND mine.tombstone IS NULL AND theirs.household_id <> $1 AND theirs.tombstone IS NULL \
         LIMIT {})",
        MAX_OTHERS + 1
    );
    batch.requeue(target(sql, [household_id.into()]), now);
}

/// Checks again, when the transaction ends, the visits of up to `MAX_OTHERS + 1` other households
/// at exactly the coordinates of a visit just recorded, and those of other households naming one of
/// its photos: `duplicate_coordinates` and `photo_reused` are raised on both households, not only
/// on the later one.
pub fn requeue_neighbours(
    batch: &mut WriteBatch,
    household_id: Uuid,
    position: Option<(f64, f64)>,
    photos: &[&str],
    now: DateTime<Utc>,
) {
    if let Some((latitude, longitude)) = position {
        let sql = format!(
            "SELECT id FROM visit WHERE latitude = $2 AND longitude = $3 \
             AND household_id <> $1 LIMIT {}",
            MAX_OTHERS + 1
        );
        let values = [household_id.into(), latitude.into(), longitude.into()];
        batch.requeue(target(sql, values), now);
    }
    if !photos.is_empty() {
        // Ordered by the hash, PostgreSQL's generic plan for this prepared statement reads the
        // hash index. Unordered, with a LIMIT, it expects the first matches early in a
        // sequential scan and reads the whole table, which holds every photo ever recorded.
        let mut sql = String::from("SELECT visit_id FROM visit_photo WHERE sha256 IN (");
        push_placeholders(&mut sql, 2, photos.len());
        write!(
            sql,
            ") AND household_id <> $1 ORDER BY sha256 LIMIT {}",
            MAX_OTHERS + 1
        )
        .expect("writing to a String cannot fail");
        let values =
            std::iter::once(household_id.into()).chain(photos.iter().map(|&sha| sha.into()));
        batch.requeue(target(sql, values), now);
    }
}

/// Checks again, when the transaction ends, the same worker's next visit (by end, the order in
/// which a check picks the previous visit) after a visit with a fix just recorded: when a phone
/// sends an earlier visit after a later one, the later one's `impossible_travel` check must now
/// compare it with the earlier one.
pub fn requeue_next_of_worker(
    batch: &mut WriteBatch,
    user_id: Uuid,
    visit_id: Uuid,
    ended_at: DateTime<Utc>,
    now: DateTime<Utc>,
) {
    // A worker's visits, a few thousand a year, are found through `idx_visit_user_id_started_at`.
    let sql = "SELECT id FROM visit WHERE user_id = $1 AND ended_at >= $2 AND id <> $3 \
         AND latitude IS NOT NULL ORDER BY ended_at, id LIMIT 1";
    let values = [user_id.into(), ended_at.into(), visit_id.into()];
    batch.requeue(target(sql.to_owned(), values), now);
}

/// Checks again every visit naming one of these photos (an analysis has just finished: EXIF
/// and look-alikes are now known).
pub async fn requeue_for_photos(
    db: &impl ConnectionTrait,
    sha256: &[&str],
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut sql = String::from("SELECT visit_id FROM visit_photo WHERE sha256 IN (");
    push_placeholders(&mut sql, 1, sha256.len());
    sql.push(')');
    let targets = vec![target(sql, sha256.iter().map(|&sha| sha.into()))];
    let statement = requeue_statement(db.get_database_backend(), targets, now);
    Ok(db.execute_raw(statement).await?.rows_affected())
}

/// These visits' checks, as a target of [`requeue_statement`].
fn visits(ids: &[Uuid]) -> Statement {
    let mut sql = String::from("SELECT visit_id FROM visit_check WHERE visit_id IN (");
    push_placeholders(&mut sql, 1, ids.len());
    sql.push(')');
    target(sql, ids.iter().map(|&id| id.into()))
}

/// A look-alike a check found: one of the visit's photos, and another household's photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LookAlike<'a> {
    /// The checked visit's photo.
    pub ours: &'a str,
    /// The other household's photo.
    pub theirs: &'a str,
    /// The other household.
    pub household_id: Uuid,
}

/// A visit's household, to join.
fn visit_household() -> sea_orm::RelationDef {
    visit::Entity::belongs_to(household::Entity)
        .from(visit::Column::HouseholdId)
        .to(household::Column::Id)
        .into()
}

/// How many visits wait for their check.
pub async fn pending(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    Ok(visit_check::Entity::find()
        .filter(visit_check::Column::State.eq("pending"))
        .count(db)
        .await?)
}

/// How long after a write is timed (a visit's `received_at`, a household's `updated_at`) it may
/// still commit, or the clock of another instance may lag: a check of another household that
/// read its facts within it may not have seen the write.
const COMMIT_MARGIN_SECONDS: i64 = 10;

/// The visits of other households naming a look-alike that the check of `visit_id` just
/// found, to check again because their own check may not have seen the pairing: it last read its
/// facts before this visit, its photo's analysis and this household's last change were all
/// stored (with a margin), and their `photo_reused` flags do not name this household.
///
/// That happens when a look-alike was analysed before any visit named it: its analysis found
/// their photo but no household for itself, and the visit naming it later queues only visits
/// naming the very same file. The moment the pairing became visible does not move, so once
/// it has passed a visit is queued again for the pairing at most once more, however the
/// households' checks follow each other. The flags alone would not do: each check lists only
/// the nearest `MAX_OTHERS` look-alikes. Only reads: [`save`] queues them.
pub async fn unreciprocated(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    household_id: Uuid,
    look_alikes: &[LookAlike<'_>],
) -> Result<Vec<Uuid>, StoreError> {
    if look_alikes.is_empty() {
        return Ok(Vec::new());
    }
    // When this visit arrived and this household last changed. A household brought back (or
    // changed) since: their checks while it was deleted did not name it. Any change counts,
    // at the cost of one more check of theirs at most.
    let Some((received_at, changed_at)) = visit::Entity::find_by_id(visit_id)
        .select_only()
        .column(visit::Column::ReceivedAt)
        .column(household::Column::UpdatedAt)
        .join(JoinType::InnerJoin, visit_household())
        .into_tuple::<(DateTime<Utc>, DateTime<Utc>)>()
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    let stored_at = Ord::max(received_at, changed_at);
    let analysed: HashMap<String, DateTime<Utc>> = photo_analysis::Entity::find()
        .select_only()
        .column(photo_analysis::Column::Sha256)
        .column(photo_analysis::Column::UpdatedAt)
        .filter(photo_analysis::Column::Sha256.is_in(look_alikes.iter().map(|l| l.ours)))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let naming: Vec<(Uuid, Uuid, String)> = visit_photo::Entity::find()
        .select_only()
        .column(visit_photo::Column::VisitId)
        .column(visit_photo::Column::HouseholdId)
        .column(visit_photo::Column::Sha256)
        .filter(visit_photo::Column::Sha256.is_in(look_alikes.iter().map(|l| l.theirs)))
        .filter(visit_photo::Column::HouseholdId.is_in(look_alikes.iter().map(|l| l.household_id)))
        .into_tuple()
        .all(db)
        .await?;
    // Per visit of theirs, the latest moment from which its check sees one of its pairings.
    let mut visible_from: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    for (their_visit, their_household, sha) in naming {
        for l in look_alikes {
            if l.theirs == sha && l.household_id == their_household {
                let analysed_at = analysed.get(l.ours).copied().unwrap_or(stored_at);
                let from = Ord::max(stored_at, analysed_at)
                    + chrono::Duration::seconds(COMMIT_MARGIN_SECONDS);
                let entry = visible_from.entry(their_visit).or_insert(from);
                *entry = Ord::max(*entry, from);
            }
        }
    }
    if visible_from.is_empty() {
        return Ok(Vec::new());
    }
    // A check given up after repeated errors stays given up.
    let checked: Vec<(Uuid, Option<DateTime<Utc>>)> = visit_check::Entity::find()
        .select_only()
        .column(visit_check::Column::VisitId)
        .column(visit_check::Column::CheckedAt)
        .filter(visit_check::Column::VisitId.is_in(visible_from.keys().copied()))
        .filter(visit_check::Column::State.ne(CheckState::Failed.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let flagged: Vec<(Uuid, serde_json::Value)> = quality_flag::Entity::find()
        .select_only()
        .column(quality_flag::Column::VisitId)
        .column(quality_flag::Column::Evidence)
        .filter(quality_flag::Column::VisitId.is_in(visible_from.keys().copied()))
        .filter(quality_flag::Column::Code.eq("photo_reused"))
        .into_tuple()
        .all(db)
        .await?;
    let names_us = |visit: Uuid| {
        flagged.iter().any(|(v, evidence)| {
            *v == visit
                && FlagEvidence::from_parts("photo_reused", evidence.clone())
                    .is_ok_and(|e| e.households().contains(&household_id))
        })
    };
    // A check never run, or running now (its result will be discarded: the generation
    // changes), is queued too.
    Ok(checked
        .into_iter()
        .filter(|(visit, at)| at.is_none_or(|at| at < visible_from[visit]) && !names_us(*visit))
        .map(|(visit, _)| visit)
        .collect())
}

/// A visit waiting for its check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// The visit.
    pub visit_id: Uuid,
    /// Its household.
    pub household_id: Uuid,
    /// Bumped each time it is queued again; a check saves its result as final only if the
    /// generation is unchanged.
    pub generation: i64,
    /// Failed attempts so far.
    pub attempts: i32,
}

/// Visits due for a check, oldest first. Several instances may take the same visit; a check
/// is idempotent and the flags' key keeps them from being stored twice.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Due>, StoreError> {
    Ok(visit_check::Entity::find()
        .filter(visit_check::Column::State.eq(CheckState::Pending.as_str()))
        .filter(visit_check::Column::RunAfter.lte(now))
        .order_by_asc(visit_check::Column::RunAfter)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| Due {
            visit_id: m.visit_id,
            household_id: m.household_id,
            generation: m.generation,
            attempts: m.attempts,
        })
        .collect())
}

/// Other households listed per look-alike or duplicate at most.
const MAX_OTHERS: u64 = 10;

/// Gathers what the flags look at; `None` when the visit is gone.
pub async fn facts(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    boundaries: &AreaIndex,
    config: &FlagConfig,
    today: NaiveDate,
) -> Result<Option<VisitFacts>, StoreError> {
    let Some(v) = visit::Entity::find_by_id(visit_id).one(db).await? else {
        return Ok(None);
    };
    let Some(desa_code) = household::Entity::find_by_id(v.household_id)
        .select_only()
        .column(household::Column::AreaCode)
        .into_tuple::<String>()
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let fix = match (v.latitude, v.longitude) {
        (Some(latitude), Some(longitude)) => Some(Fix {
            latitude,
            longitude,
            accuracy_m: v.accuracy_m,
            mock: v.mock_location.unwrap_or(false),
        }),
        _ => None,
    };
    let (mut outside_by_m, mut located_desa) = (None, None);
    let mut previous = None;
    let mut same_position_households = Vec::new();
    if let Some(fix) = fix {
        let point = [fix.longitude, fix.latitude];
        if let Some(boundary) = boundaries.boundary(&desa_code)
            && !boundary.contains(point)
        {
            outside_by_m = Some(boundary.distance_to_edge_m(point));
            located_desa = boundaries.locate(point).map(str::to_owned);
        }
        previous = visit::Entity::find()
            .filter(visit::Column::UserId.eq(v.user_id))
            .filter(visit::Column::Id.ne(v.id))
            .filter(visit::Column::EndedAt.lte(v.ended_at))
            .filter(visit::Column::Latitude.is_not_null())
            .filter(visit::Column::Longitude.is_not_null())
            .order_by_desc(visit::Column::EndedAt)
            .one(db)
            .await?
            .and_then(|p| {
                Some(PreviousVisit {
                    visit_id: p.id,
                    ended_at: p.ended_at,
                    latitude: p.latitude?,
                    longitude: p.longitude?,
                })
            });
        same_position_households = visit::Entity::find()
            .select_only()
            .column(visit::Column::HouseholdId)
            .distinct()
            .filter(visit::Column::Latitude.eq(fix.latitude))
            .filter(visit::Column::Longitude.eq(fix.longitude))
            .filter(visit::Column::HouseholdId.ne(v.household_id))
            .join(JoinType::InnerJoin, visit_household())
            .filter(household::Column::Tombstone.is_null())
            .limit(MAX_OTHERS)
            .into_tuple::<Uuid>()
            .all(db)
            .await?;
    }
    Ok(Some(VisitFacts {
        started_at: v.started_at,
        ended_at: v.ended_at,
        fix,
        outside_by_m,
        located_desa,
        previous,
        same_position_households,
        photos: photo_facts(db, v.id, v.household_id, config).await?,
        members: member_facts(db, v.household_id).await?,
        no_kks: family::Entity::find()
            .select_only()
            .column(family::Column::NoKk)
            .filter(family::Column::HouseholdId.eq(v.household_id))
            .filter(family::Column::NoKk.is_not_null())
            .into_tuple::<String>()
            .all(db)
            .await?,
        desa_code,
        today,
    }))
}

async fn photo_facts(
    db: &impl ConnectionTrait,
    visit_id: Uuid,
    household_id: Uuid,
    config: &FlagConfig,
) -> Result<Vec<PhotoFacts>, StoreError> {
    let hashes: Vec<String> = visit_photo::Entity::find()
        .select_only()
        .column(visit_photo::Column::Sha256)
        .filter(visit_photo::Column::VisitId.eq(visit_id))
        .order_by_asc(visit_photo::Column::Position)
        .into_tuple()
        .all(db)
        .await?;
    // Every analysed photo: a HEIC (`unsupported`) or an undecodable one (`failed`) has no
    // hash, but its EXIF time and position were read and are checked all the same.
    let analysed = photo_analysis::Entity::find()
        .filter(photo_analysis::Column::Sha256.is_in(hashes.iter().map(String::as_str)))
        .filter(photo_analysis::Column::State.ne(JobState::Queued.as_str()))
        .all(db)
        .await?;
    let mut photos = Vec::with_capacity(analysed.len());
    for a in analysed {
        let mut look_alikes = Vec::new();
        if let Some(phash) = a.phash {
            let phash = u64::from_ne_bytes(phash.to_ne_bytes());
            // The same file named by another household is the plainest reuse (distance 0);
            // look-alikes of this household's own other photos may fill the first places, so
            // more are asked for than are reported.
            let mut near = photo_jobs::near(
                db,
                phash,
                config.max_photo_phash_distance,
                &a.sha256,
                usize::try_from(MAX_OTHERS * 5).unwrap_or(usize::MAX),
            )
            .await?;
            near.push((a.sha256.clone(), 0));
            let distance: HashMap<&str, u32> =
                near.iter().map(|(sha, d)| (sha.as_str(), *d)).collect();
            let hashes: Vec<String> = near.iter().map(|(sha, _)| sha.clone()).collect();
            let mut owners: Vec<(String, Uuid)> = photos::named_by(db, &hashes)
                .await?
                .into_iter()
                .filter(|n| n.household_id != household_id && !n.household_deleted)
                .map(|n| (n.sha256, n.household_id))
                .collect();
            owners.sort_unstable();
            owners.dedup();
            look_alikes = owners
                .into_iter()
                .map(|(sha, household)| {
                    let d = distance.get(sha.as_str()).copied().unwrap_or(u32::MAX);
                    (sha, household, d)
                })
                .collect();
            look_alikes.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
            look_alikes.truncate(usize::try_from(MAX_OTHERS).unwrap_or(usize::MAX));
        }
        photos.push(PhotoFacts {
            position: a.latitude.zip(a.longitude),
            taken_at: a.taken_at,
            sha256: a.sha256,
            look_alikes,
        });
    }
    photos.sort_by(|a, b| a.sha256.cmp(&b.sha256));
    Ok(photos)
}

#[derive(FromQueryResult)]
struct NikElsewhere {
    nik: String,
    household_id: Uuid,
}

/// Per NIK, up to [`MAX_OTHERS`] other households with a member of that NIK, in one query.
async fn households_with_niks(
    db: &impl ConnectionTrait,
    niks: &[&str],
    household_id: Uuid,
) -> Result<HashMap<String, Vec<Uuid>>, StoreError> {
    if niks.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let placeholder = |i: usize| match backend {
        DbBackend::Postgres => format!("${i}"),
        _ => format!("?{i}"),
    };
    let list: Vec<String> = (2..niks.len() + 2).map(placeholder).collect();
    let sql = format!(
        "SELECT nik, household_id FROM ( \
           SELECT nik, household_id, \
             ROW_NUMBER() OVER (PARTITION BY nik ORDER BY household_id) AS n \
           FROM (SELECT DISTINCT m.nik, m.household_id FROM member AS m \
                 JOIN household AS h ON h.id = m.household_id \
                 WHERE m.nik IN ({}) AND m.household_id <> {} \
                   AND m.tombstone IS NULL AND h.tombstone IS NULL) AS d \
         ) AS r WHERE n <= {MAX_OTHERS}",
        list.join(", "),
        placeholder(1),
    );
    let values = std::iter::once(household_id.into()).chain(niks.iter().map(|&n| n.into()));
    let rows =
        NikElsewhere::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?;
    let mut by_nik: HashMap<String, Vec<Uuid>> = HashMap::new();
    for row in rows {
        by_nik.entry(row.nik).or_default().push(row.household_id);
    }
    Ok(by_nik)
}

async fn member_facts(
    db: &impl ConnectionTrait,
    household_id: Uuid,
) -> Result<Vec<MemberFacts>, StoreError> {
    let members = member::Entity::find()
        .filter(member::Column::HouseholdId.eq(household_id))
        .filter(member::Column::Tombstone.is_null())
        .order_by_asc(member::Column::Id)
        .all(db)
        .await?;
    let niks: Vec<&str> = members.iter().filter_map(|m| m.nik.as_deref()).collect();
    let mut elsewhere = households_with_niks(db, &niks, household_id).await?;
    let mut facts = Vec::with_capacity(members.len());
    for m in members {
        let same_nik_households = m
            .nik
            .as_deref()
            .and_then(|nik| elsewhere.get_mut(nik))
            .map(std::mem::take)
            .unwrap_or_default();
        let sex = match m
            .fields
            .get("jenis_kelamin")
            .and_then(serde_json::Value::as_i64)
        {
            Some(1) => Some(Sex::Male),
            Some(2) => Some(Sex::Female),
            _ => None,
        };
        let birth_date = m
            .fields
            .get("tanggal_lahir")
            .and_then(serde_json::Value::as_str)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        facts.push(MemberFacts {
            member_id: m.id,
            nik: m.nik,
            sex,
            birth_date,
            same_nik_households,
        });
    }
    Ok(facts)
}

/// Stores a check's result in one transaction: the queue row marked done with the risk score,
/// the visit's flags replaced whole, and the visits of other households with `look_alikes`
/// queued again where [`unreciprocated`] says so (so that once this visit is `done`, theirs
/// are queued) — or nothing, when the visit was queued again meanwhile (its next check will
/// store the result). `now` is when the check read its facts.
pub async fn save(
    db: &DatabaseConnection,
    due: Due,
    flags: &[Flag],
    risk: u32,
    look_alikes: &[LookAlike<'_>],
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let txn = db.begin().await?;
    let stale = unreciprocated(&txn, due.visit_id, due.household_id, look_alikes).await?;
    // Every queue row this transaction writes, locked at once in visit order (the order of
    // `requeue_statement`): locked one after the other, the own row first, a check and a
    // re-queue of the same rows could each hold one and wait for the other.
    if db.get_database_backend() == DbBackend::Postgres && !stale.is_empty() {
        let ids: Vec<Uuid> = std::iter::once(due.visit_id)
            .chain(stale.iter().copied())
            .collect();
        let lock = visits(&ids);
        let sql = format!("{} ORDER BY visit_id FOR UPDATE", lock.sql);
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            lock.values.map(|v| v.0).unwrap_or_default(),
        ))
        .await?;
    }
    // The queue row first, guarded by the generation: a check that was overtaken (the visit
    // queued again meanwhile and perhaps checked by another instance) stores nothing.
    let marked = visit_check::Entity::update_many()
        .col_expr(
            visit_check::Column::State,
            Expr::value(CheckState::Done.as_str()),
        )
        .col_expr(
            visit_check::Column::Risk,
            Expr::value(i32::try_from(risk).unwrap_or(i32::MAX)),
        )
        .col_expr(visit_check::Column::CheckedAt, Expr::value(now))
        .col_expr(visit_check::Column::Attempts, Expr::value(0))
        .filter(visit_check::Column::VisitId.eq(due.visit_id))
        .filter(visit_check::Column::Generation.eq(due.generation))
        .exec(&txn)
        .await?;
    if marked.rows_affected == 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    quality_flag::Entity::delete_many()
        .filter(quality_flag::Column::VisitId.eq(due.visit_id))
        .exec(&txn)
        .await?;
    if !flags.is_empty() {
        let rows = flags
            .iter()
            .zip(0..)
            .map(|(f, ordinal)| quality_flag::ActiveModel {
                visit_id: Set(due.visit_id),
                ordinal: Set(ordinal),
                household_id: Set(due.household_id),
                code: Set(f.code().to_owned()),
                severity: Set(f.severity.as_str().to_owned()),
                evidence: Set(f.evidence.evidence_value()),
                created_at: Set(now),
            });
        quality_flag::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }
    if !stale.is_empty() {
        txn.execute_raw(requeue_statement(
            db.get_database_backend(),
            vec![visits(&stale)],
            now,
        ))
        .await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Checks that failed this many times are left `failed` (the log says why).
pub const MAX_ATTEMPTS: i32 = 8;

/// A check failed: try again later (2^n seconds), or give up after [`MAX_ATTEMPTS`].
pub async fn retry_later(
    db: &impl ConnectionTrait,
    due: Due,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let attempts = due.attempts + 1;
    let state = if attempts >= MAX_ATTEMPTS {
        CheckState::Failed.as_str()
    } else {
        CheckState::Pending.as_str()
    };
    let delay = chrono::Duration::seconds(1 << attempts.clamp(0, 12));
    visit_check::Entity::update_many()
        .col_expr(visit_check::Column::State, Expr::value(state))
        .col_expr(visit_check::Column::Attempts, Expr::value(attempts))
        .col_expr(visit_check::Column::RunAfter, Expr::value(now + delay))
        .filter(visit_check::Column::VisitId.eq(due.visit_id))
        .filter(visit_check::Column::Generation.eq(due.generation))
        .exec(db)
        .await?;
    Ok(())
}

/// One visit's check as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCheck {
    /// The visit.
    pub visit_id: Uuid,
    /// Where the check stands.
    pub state: CheckState,
    /// Risk score of the last check.
    pub risk: Option<i32>,
    /// When it was last checked.
    pub checked_at: Option<DateTime<Utc>>,
    /// Its flags.
    pub flags: Vec<Flag>,
}

/// The checks of a household's visits, newest check first.
pub async fn of_household(
    db: &impl ConnectionTrait,
    household_id: Uuid,
) -> Result<Vec<StoredCheck>, StoreError> {
    let checks = visit_check::Entity::find()
        .filter(visit_check::Column::HouseholdId.eq(household_id))
        .order_by_with_nulls(
            visit_check::Column::CheckedAt,
            sea_orm::Order::Desc,
            sea_orm::sea_query::NullOrdering::First,
        )
        .order_by_asc(visit_check::Column::VisitId)
        .all(db)
        .await?;
    let flags = quality_flag::Entity::find()
        .filter(quality_flag::Column::HouseholdId.eq(household_id))
        .order_by_asc(quality_flag::Column::VisitId)
        .order_by_asc(quality_flag::Column::Ordinal)
        .all(db)
        .await?;
    let mut by_visit: HashMap<Uuid, Vec<Flag>> = HashMap::new();
    for f in flags {
        let corrupt =
            |what: &str| StoreError::Corrupt(format!("quality_flag of {}: {what}", f.visit_id));
        let severity = Severity::parse(&f.severity).ok_or_else(|| corrupt("severity"))?;
        let evidence = FlagEvidence::from_parts(&f.code, f.evidence)
            .map_err(|e| corrupt(&format!("evidence of {}: {e}", f.code)))?;
        by_visit
            .entry(f.visit_id)
            .or_default()
            .push(Flag { severity, evidence });
    }
    Ok(checks
        .into_iter()
        .map(|c| StoredCheck {
            flags: by_visit.remove(&c.visit_id).unwrap_or_default(),
            visit_id: c.visit_id,
            state: CheckState::parse(&c.state),
            risk: c.risk,
            checked_at: c.checked_at,
        })
        .collect())
}
