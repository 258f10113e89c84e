//! The local poverty score of each household (`household_score`).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::batch::WriteBatch;
use super::entities::household_score;
use super::{StoreError, json_text};
use crate::domain::scoring::{Criterion, CriterionResult, Score, Verdict};

/// The name `verdict` stores, which is also the one the API answers.
#[must_use]
pub fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Poor => "poor",
        Verdict::NotPoor => "not_poor",
        Verdict::Undetermined => "undetermined",
    }
}

fn parse_verdict(name: &str) -> Option<Verdict> {
    [Verdict::Poor, Verdict::NotPoor, Verdict::Undetermined]
        .into_iter()
        .find(|v| verdict_name(*v) == name)
}

/// Bit i set when the i-th criterion of [`Criterion::ALL`] is met.
#[must_use]
pub fn met_mask(score: &Score) -> i32 {
    score
        .criteria
        .iter()
        .filter(|c| c.met == Some(true))
        .filter_map(|c| Criterion::ALL.iter().position(|k| *k == c.criterion))
        .fold(0, |mask, i| mask | (1 << i))
}

/// One criterion as `criteria` stores it.
#[derive(Serialize)]
struct StoredCriterion<'a> {
    code: &'static str,
    met: Option<bool>,
    #[serde(serialize_with = "as_map")]
    evidence: &'a [(String, Value)],
}

/// `(field, answer)` pairs as one JSON object.
fn as_map<S: Serializer>(pairs: &&[(String, Value)], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(pairs.iter().map(|(field, answer)| (field, answer)))
}

/// Queues the score of a household at `version`, replacing the one stored unless that one is
/// of a newer version.
pub fn queue_save(
    batch: &mut WriteBatch,
    household_id: Uuid,
    version: i64,
    score: &Score,
    now: DateTime<Utc>,
) {
    // Every survey's household and visit end with one: written out once (see `devices`).
    // A recompute racing a push never replaces the push's newer score.
    const UPSERT: &str = "INSERT INTO household_score (household_id, version, met, unknown, \
        verdict, criteria, met_mask, computed_at) VALUES ($1, $2, $3, $4, $5, $6::json, $7, $8) \
        ON CONFLICT (household_id) DO UPDATE SET version = excluded.version, \
        met = excluded.met, unknown = excluded.unknown, verdict = excluded.verdict, \
        criteria = excluded.criteria, met_mask = excluded.met_mask, \
        computed_at = excluded.computed_at \
        WHERE household_score.version <= excluded.version";
    let criteria: Vec<StoredCriterion<'_>> = score
        .criteria
        .iter()
        .map(|c| StoredCriterion {
            code: c.criterion.code(),
            met: c.met,
            evidence: &c.evidence,
        })
        .collect();
    batch.push_sql(
        UPSERT,
        [
            household_id.into(),
            version.into(),
            i32::try_from(score.met).unwrap_or(i32::MAX).into(),
            i32::try_from(score.unknown).unwrap_or(i32::MAX).into(),
            verdict_name(score.verdict).into(),
            json_text(&criteria),
            met_mask(score).into(),
            now.into(),
        ],
    );
}

/// A household's stored score and the version it was computed for.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredScore {
    /// The household scored.
    pub household_id: Uuid,
    /// The household version the score was computed from.
    pub version: i64,
    /// The score.
    pub score: Score,
    /// When it was computed.
    pub computed_at: DateTime<Utc>,
}

/// One criterion as `criteria` is read back.
#[derive(Deserialize)]
struct ReadCriterion {
    code: String,
    met: Option<bool>,
    evidence: Map<String, Value>,
}

/// The stored score of a household.
pub async fn find(
    db: &impl ConnectionTrait,
    household_id: Uuid,
) -> Result<Option<StoredScore>, StoreError> {
    let Some(row) = household_score::Entity::find_by_id(household_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let corrupt =
        |what: String| StoreError::Corrupt(format!("household_score {household_id}: {what}"));
    let read: Vec<ReadCriterion> =
        serde_json::from_value(row.criteria).map_err(|e| corrupt(format!("criteria: {e}")))?;
    let criteria = read
        .into_iter()
        .map(|c| {
            let criterion = Criterion::ALL
                .into_iter()
                .find(|k| k.code() == c.code)
                .ok_or_else(|| corrupt(format!("unknown criterion {}", c.code)))?;
            Ok(CriterionResult {
                criterion,
                met: c.met,
                evidence: c.evidence.into_iter().collect(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let verdict =
        parse_verdict(&row.verdict).ok_or_else(|| corrupt(format!("verdict {}", row.verdict)))?;
    Ok(Some(StoredScore {
        household_id: row.household_id,
        version: row.version,
        score: Score {
            criteria,
            met: usize::try_from(row.met).map_err(|_| corrupt(format!("met {}", row.met)))?,
            unknown: usize::try_from(row.unknown)
                .map_err(|_| corrupt(format!("unknown {}", row.unknown)))?,
            verdict,
        },
        computed_at: row.computed_at,
    }))
}

/// Household ids in id order after `after`, at most `limit`: pages for a recompute.
pub async fn household_ids_after(
    db: &impl ConnectionTrait,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Uuid>, StoreError> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};

    use super::entities::household;

    let mut query = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .order_by_asc(household::Column::Id)
        .limit(limit);
    if let Some(after) = after {
        query = query.filter(household::Column::Id.gt(after));
    }
    Ok(query.into_tuple().all(db).await?)
}
