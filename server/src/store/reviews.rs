//! Supervisors' decisions (`review`), and the review queue: the households waiting for one.

use std::collections::HashMap;
use std::fmt::Write;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use sync_protocol::v1::{Decision, FieldNote, RejectReason, ReviewStatus};
use uuid::Uuid;

use super::batch::WriteBatch;
use super::{StoreError, from_json, json_text_or_null};
use crate::domain::area::AreaCode;
use crate::domain::scope::Scope;

/// A decision to store.
#[derive(Debug, Clone)]
pub struct NewReview<'a> {
    /// Id.
    pub id: Uuid,
    /// The household.
    pub household_id: Uuid,
    /// The version decided on.
    pub version: i64,
    /// The decision.
    pub decision: Decision,
    /// Why, for a rejection.
    pub reason: Option<RejectReason>,
    /// The note.
    pub note: Option<&'a str>,
    /// Notes per answer, member or photo.
    pub field_notes: &'a [FieldNote],
    /// Who decided.
    pub reviewer_id: Uuid,
}

/// Queues a decision.
pub fn insert(batch: &mut WriteBatch, review: &NewReview<'_>, now: DateTime<Utc>) {
    const INSERT: &str = "INSERT INTO review (id, household_id, version, decision, reason, note, \
        field_notes, reviewer_id, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7::json, $8, $9)";
    let notes = (!review.field_notes.is_empty()).then_some(review.field_notes);
    batch.push_sql(
        INSERT,
        [
            review.id.into(),
            review.household_id.into(),
            review.version.into(),
            review.decision.as_str().into(),
            review.reason.map(RejectReason::as_str).into(),
            review.note.map(str::to_owned).into(),
            json_text_or_null(notes),
            review.reviewer_id.into(),
            now.into(),
        ],
    );
}

/// A stored decision, with the reviewer's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReview {
    /// Id.
    pub id: Uuid,
    /// The household.
    pub household_id: Uuid,
    /// The version decided on.
    pub version: i64,
    /// The decision.
    pub decision: Decision,
    /// Why, for a rejection.
    pub reason: Option<RejectReason>,
    /// The note.
    pub note: Option<String>,
    /// Notes per answer, member or photo.
    pub field_notes: Vec<FieldNote>,
    /// Who decided.
    pub reviewer_id: Uuid,
    /// The reviewer's name as shown to people.
    pub reviewer_name: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

#[derive(Debug, FromQueryResult)]
struct ReviewRow {
    id: Uuid,
    household_id: Uuid,
    version: i64,
    decision: String,
    reason: Option<String>,
    note: Option<String>,
    field_notes: Option<serde_json::Value>,
    reviewer_id: Uuid,
    display_name: String,
    decided_at: DateTime<Utc>,
}

impl TryFrom<ReviewRow> for StoredReview {
    type Error = StoreError;

    fn try_from(r: ReviewRow) -> Result<Self, StoreError> {
        let decision = Decision::parse(&r.decision)
            .ok_or_else(|| StoreError::Corrupt(format!("review.decision {:?}", r.decision)))?;
        Ok(Self {
            id: r.id,
            household_id: r.household_id,
            version: r.version,
            decision,
            reason: r.reason.as_deref().and_then(RejectReason::parse),
            note: r.note,
            field_notes: r
                .field_notes
                .map(|n| from_json(n, "review.field_notes"))
                .transpose()?
                .unwrap_or_default(),
            reviewer_id: r.reviewer_id,
            reviewer_name: r.display_name,
            decided_at: r.decided_at,
        })
    }
}

/// The reviewer is named by their display name, or their username when it is empty.
const COLUMNS: &str = "r.id, r.household_id, r.version, r.decision, r.reason, r.note, \
    r.field_notes, r.reviewer_id, COALESCE(NULLIF(u.display_name, ''), u.username) AS display_name, \
    r.decided_at";

async fn reviews(
    db: &impl ConnectionTrait,
    sql: String,
    values: Vec<Value>,
) -> Result<Vec<StoredReview>, StoreError> {
    let statement = super::statement(db.get_database_backend(), &sql, values);
    ReviewRow::find_by_statement(statement)
        .all(db)
        .await?
        .into_iter()
        .map(StoredReview::try_from)
        .collect()
}

/// `$1, $2, …` for `n` values from `first`.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The current decision of each of these households that has one.
pub async fn current(
    db: &impl ConnectionTrait,
    household_ids: &[Uuid],
) -> Result<HashMap<Uuid, StoredReview>, StoreError> {
    if household_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM household h JOIN review r ON r.id = h.review_id \
         JOIN app_user u ON u.id = r.reviewer_id WHERE h.id IN ({})",
        placeholders(1, household_ids.len())
    );
    let values = household_ids.iter().map(|&id| id.into()).collect();
    Ok(reviews(db, sql, values)
        .await?
        .into_iter()
        .map(|r| (r.household_id, r))
        .collect())
}

/// Every decision on a household, oldest first.
pub async fn of_household(
    db: &impl ConnectionTrait,
    household_id: Uuid,
) -> Result<Vec<StoredReview>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM review r JOIN app_user u ON u.id = r.reviewer_id \
         WHERE r.household_id = $1 ORDER BY r.decided_at, r.id"
    );
    reviews(db, sql, vec![household_id.into()]).await
}

/// One decision.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<StoredReview>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM review r JOIN app_user u ON u.id = r.reviewer_id WHERE r.id = $1"
    );
    Ok(reviews(db, sql, vec![id.into()]).await?.pop())
}

/// Which households the queue lists.
#[derive(Debug, Clone)]
pub struct QueueFilter<'a> {
    /// The supervisor's areas.
    pub scope: &'a Scope,
    /// Only under this area (a kecamatan or a desa), already checked to be in scope.
    pub area: Option<&'a AreaCode>,
    /// Only `pending` or only `resubmitted`.
    pub status: Option<ReviewStatus>,
    /// Only households with a flag of this code.
    pub flag: Option<&'a str>,
    /// Only households waiting since before this.
    pub waiting_before: Option<DateTime<Utc>>,
}

/// The queue's order and where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueAfter {
    /// Highest risk first, then the longest waiting, then by id; after this row.
    Risk(Option<(i32, DateTime<Utc>, Uuid)>),
    /// The longest waiting first, then by id; after this row.
    Age(Option<(DateTime<Utc>, Uuid)>),
}

/// A household waiting, as the queue lists it.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct QueueRow {
    /// Id.
    pub id: Uuid,
    /// Version.
    pub version: i64,
    /// `pending` or `resubmitted`.
    pub review_status: String,
    /// Desa or kelurahan.
    pub area_code: String,
    /// Highest risk of its visits' checks.
    pub risk: i32,
    /// Since when it waits.
    pub review_since: DateTime<Utc>,
    /// The head of household's name, as answered.
    pub head_name: Option<String>,
}

/// Households waiting for a decision, in the database's words: literal, so that PostgreSQL
/// sees that the queue's partial indexes (made with the same condition) serve the query.
const WAITING: &str = "h.review_status IN ('pending', 'resubmitted') AND h.tombstone IS NULL";

/// The WHERE clause of the filter, its values appended to `values`.
fn conditions(filter: &QueueFilter<'_>, values: &mut Vec<Value>) -> String {
    let mut sql = String::from(WAITING);
    let mut scopes = Vec::new();
    for area in filter.scope.areas() {
        let (condition, value) =
            super::households_under("h.area_code", &format!("${}", values.len() + 1), area);
        values.push(value);
        scopes.push(condition);
    }
    write!(sql, " AND ({})", scopes.join(" OR ")).expect("writing to a String cannot fail");
    if let Some(area) = filter.area {
        let (condition, value) =
            super::households_under("h.area_code", &format!("${}", values.len() + 1), area);
        values.push(value);
        write!(sql, " AND {condition}").expect("writing to a String cannot fail");
    }
    if let Some(status) = filter.status {
        // One of two fixed names, never the caller's text.
        write!(sql, " AND h.review_status = '{}'", status.as_str())
            .expect("writing to a String cannot fail");
    }
    if let Some(before) = filter.waiting_before {
        values.push(before.into());
        write!(sql, " AND h.review_since < ${}", values.len())
            .expect("writing to a String cannot fail");
    }
    if let Some(flag) = filter.flag {
        values.push(flag.into());
        write!(
            sql,
            " AND EXISTS (SELECT 1 FROM quality_flag f WHERE f.household_id = h.id \
             AND f.code = ${})",
            values.len()
        )
        .expect("writing to a String cannot fail");
    }
    sql
}

/// One page of the queue: up to `limit` households after `after`, in its order.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &QueueFilter<'_>,
    after: QueueAfter,
    limit: u64,
) -> Result<Vec<QueueRow>, StoreError> {
    if filter.scope.areas().is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let mut values = Vec::new();
    let mut sql = conditions(filter, &mut values);
    let mut next = |v: Value| {
        values.push(v);
        format!("${}", values.len())
    };
    let order = match after {
        QueueAfter::Risk(from) => {
            if let Some((risk, since, id)) = from {
                let (r, s, i) = (next(risk.into()), next(since.into()), next(id.into()));
                write!(
                    sql,
                    " AND (h.risk < {r} OR (h.risk = {r} AND (h.review_since > {s} \
                     OR (h.review_since = {s} AND h.id > {i}))))"
                )
                .expect("writing to a String cannot fail");
            }
            "h.risk DESC, h.review_since, h.id"
        }
        QueueAfter::Age(from) => {
            if let Some((since, id)) = from {
                let (s, i) = (next(since.into()), next(id.into()));
                write!(
                    sql,
                    " AND (h.review_since > {s} OR (h.review_since = {s} AND h.id > {i}))"
                )
                .expect("writing to a String cannot fail");
            }
            "h.review_since, h.id"
        }
    };
    let head = super::exports::json_field_text(backend, "h.fields", "nama_kepala_rumah_tangga");
    let sql = format!(
        "SELECT h.id, h.version, h.review_status, h.area_code, h.risk, h.review_since, \
         {head} AS head_name FROM household h WHERE {sql} ORDER BY {order} LIMIT {limit}"
    );
    let statement = super::statement(backend, &sql, values);
    Ok(QueueRow::find_by_statement(statement).all(db).await?)
}

/// The most a queue count counts: beyond it a count says "at least this many". Counting
/// every waiting household of a kabupaten on every page would cost more than the page.
pub const COUNT_CAP: u64 = 10_000;

/// Households waiting under the filter: `(pending, resubmitted, overdue)`, overdue meaning
/// waiting since before `overdue_before`; each at most [`COUNT_CAP`].
pub async fn counts(
    db: &impl ConnectionTrait,
    filter: &QueueFilter<'_>,
    overdue_before: DateTime<Utc>,
) -> Result<(u64, u64, u64), StoreError> {
    #[derive(FromQueryResult)]
    struct Counts {
        pending: i64,
        resubmitted: i64,
        overdue: i64,
    }
    if filter.scope.areas().is_empty() {
        return Ok((0, 0, 0));
    }
    let mut values = Vec::new();
    let conditions = conditions(filter, &mut values);
    values.push(overdue_before.into());
    let since = values.len();
    let capped = |extra: &str| {
        format!(
            "(SELECT COUNT(*) FROM (SELECT 1 FROM household h WHERE {conditions} AND {extra} \
             LIMIT {COUNT_CAP}) AS c)"
        )
    };
    let sql = format!(
        "SELECT {} AS pending, {} AS resubmitted, {} AS overdue",
        capped("h.review_status = 'pending'"),
        capped("h.review_status = 'resubmitted'"),
        capped(&format!("h.review_since < ${since}")),
    );
    let statement = super::statement(db.get_database_backend(), &sql, values);
    let counts = Counts::find_by_statement(statement).one(db).await?;
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(counts.map_or((0, 0, 0), |c| {
        (n(c.pending), n(c.resubmitted), n(c.overdue))
    }))
}

/// The flag codes of these households' visits, each once, in code order.
pub async fn flag_codes(
    db: &impl ConnectionTrait,
    household_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<String>>, StoreError> {
    #[derive(FromQueryResult)]
    struct Row {
        household_id: Uuid,
        code: String,
    }
    if household_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT DISTINCT household_id, code FROM quality_flag WHERE household_id IN ({}) \
         ORDER BY household_id, code",
        placeholders(1, household_ids.len())
    );
    let values: Vec<Value> = household_ids.iter().map(|&id| id.into()).collect();
    let statement = super::statement(db.get_database_backend(), &sql, values);
    let mut out: HashMap<Uuid, Vec<String>> = HashMap::new();
    for row in Row::find_by_statement(statement).all(db).await? {
        out.entry(row.household_id).or_default().push(row.code);
    }
    Ok(out)
}

/// How many distinct photos the visits of each of these households name.
pub async fn photo_counts(
    db: &impl ConnectionTrait,
    household_ids: &[Uuid],
) -> Result<HashMap<Uuid, u32>, StoreError> {
    #[derive(FromQueryResult)]
    struct Row {
        household_id: Uuid,
        photos: i64,
    }
    if household_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT household_id, COUNT(DISTINCT sha256) AS photos FROM visit_photo \
         WHERE household_id IN ({}) GROUP BY household_id",
        placeholders(1, household_ids.len())
    );
    let values: Vec<Value> = household_ids.iter().map(|&id| id.into()).collect();
    let statement = super::statement(db.get_database_backend(), &sql, values);
    Ok(Row::find_by_statement(statement)
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.household_id, u32::try_from(r.photos).unwrap_or(u32::MAX)))
        .collect())
}

/// Sets a household's risk to the highest of its visits' last checks. One statement that
/// holds only the household's row lock while it runs, so it cannot deadlock with a push
/// (which locks the household, then its visits' checks).
pub async fn refresh_risk(db: &impl ConnectionTrait, household_id: Uuid) -> Result<(), StoreError> {
    const REFRESH: &str = "UPDATE household SET risk = COALESCE((SELECT MAX(c.risk) \
        FROM visit_check c WHERE c.household_id = $1), 0) WHERE id = $1";
    let statement = super::statement(db.get_database_backend(), REFRESH, [household_id.into()]);
    db.execute_raw(statement).await?;
    Ok(())
}
