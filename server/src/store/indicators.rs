//! Counts per desa for the indicators: households surveyed and by review status, local verdicts,
//! criteria met, and households with each quality flag. One grouped query each; the roll-up
//! to kecamatan and the shares are computed by the caller.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};

use super::StoreError;
use crate::domain::area::AreaCode;
use crate::domain::scoring::Criterion;

/// Counts of one desa.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DesaCounts {
    /// Households not deleted.
    pub households: u64,
    /// Of those, approved by a supervisor.
    pub approved: u64,
    /// Waiting for a decision, new or changed since the last one.
    pub pending: u64,
    /// Waiting for a decision after a return.
    pub resubmitted: u64,
    /// Returned to the field worker.
    pub returned: u64,
    /// Rejected.
    pub rejected: u64,
    /// Waiting since before the overdue threshold.
    pub overdue: u64,
    /// Local verdict `poor`.
    pub poor: u64,
    /// Local verdict `not_poor`.
    pub not_poor: u64,
    /// Households meeting each criterion, in [`Criterion::ALL`] order.
    pub criteria: [u64; 14],
    /// Households with at least one flag.
    pub flagged: u64,
    /// Households with each flag code.
    pub flags: BTreeMap<String, u64>,
}

#[derive(FromQueryResult)]
struct Row {
    area_code: String,
    households: i64,
    approved: i64,
    pending: i64,
    resubmitted: i64,
    returned: i64,
    rejected: i64,
    overdue: i64,
    poor: i64,
    not_poor: i64,
    criteria: String,
}

#[derive(FromQueryResult)]
struct FlagRow {
    area_code: String,
    code: String,
    households: i64,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Counts for every desa at or below `area` that has households; households waiting for a
/// decision since before `overdue_before` are overdue.
pub async fn per_desa(
    db: &impl ConnectionTrait,
    area: &AreaCode,
    overdue_before: DateTime<Utc>,
) -> Result<BTreeMap<String, DesaCounts>, StoreError> {
    let backend = db.get_database_backend();
    let (placeholder, since) = match backend {
        DbBackend::Postgres => ("$1", "$2"),
        _ => ("?1", "?2"),
    };
    let (under, value) = super::households_under("h.area_code", placeholder, area);
    // The criteria counts travel as one text column `n0,n1,…,n13`: the same SQL on both
    // databases, without fourteen columns to name.
    let sums: Vec<String> = (0..Criterion::ALL.len())
        .map(|i| {
            format!(
                "CAST(SUM(CASE WHEN (COALESCE(s.met_mask, 0) & {}) <> 0 THEN 1 ELSE 0 END) AS TEXT)",
                1 << i
            )
        })
        .collect();
    let criteria = sums.join(" || ',' || ");
    let sql = format!(
        "SELECT h.area_code, COUNT(*) AS households, \
           SUM(CASE WHEN h.review_status = 'approved' THEN 1 ELSE 0 END) AS approved, \
           SUM(CASE WHEN h.review_status = 'pending' THEN 1 ELSE 0 END) AS pending, \
           SUM(CASE WHEN h.review_status = 'resubmitted' THEN 1 ELSE 0 END) AS resubmitted, \
           SUM(CASE WHEN h.review_status = 'returned' THEN 1 ELSE 0 END) AS returned, \
           SUM(CASE WHEN h.review_status = 'rejected' THEN 1 ELSE 0 END) AS rejected, \
           SUM(CASE WHEN h.review_status IN ('pending', 'resubmitted') \
                     AND h.review_since < {since} THEN 1 ELSE 0 END) AS overdue, \
           SUM(CASE WHEN s.verdict = 'poor' THEN 1 ELSE 0 END) AS poor, \
           SUM(CASE WHEN s.verdict = 'not_poor' THEN 1 ELSE 0 END) AS not_poor, \
           {criteria} AS criteria \
         FROM household h LEFT JOIN household_score s ON s.household_id = h.id \
         WHERE h.tombstone IS NULL AND {under} \
         GROUP BY h.area_code"
    );
    let rows = Row::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [value.clone(), overdue_before.into()],
    ))
    .all(db)
    .await?;
    let mut out = BTreeMap::new();
    for row in rows {
        let mut criteria = [0u64; 14];
        for (slot, n) in criteria.iter_mut().zip(row.criteria.split(',')) {
            *slot = n.trim().parse().unwrap_or(0);
        }
        out.insert(
            row.area_code,
            DesaCounts {
                households: count(row.households),
                approved: count(row.approved),
                pending: count(row.pending),
                resubmitted: count(row.resubmitted),
                returned: count(row.returned),
                rejected: count(row.rejected),
                overdue: count(row.overdue),
                poor: count(row.poor),
                not_poor: count(row.not_poor),
                criteria,
                ..DesaCounts::default()
            },
        );
    }
    // Flagged households per desa and flag code, then per desa whatever the code.
    for (code, whole) in [("f.code", false), ("''", true)] {
        let group = if whole { "" } else { ", f.code" };
        let sql = format!(
            "SELECT h.area_code, {code} AS code, COUNT(DISTINCT f.household_id) AS households \
             FROM quality_flag f JOIN household h ON h.id = f.household_id \
             WHERE h.tombstone IS NULL AND {under} \
             GROUP BY h.area_code{group}"
        );
        let rows = FlagRow::find_by_statement(Statement::from_sql_and_values(
            backend,
            sql,
            [value.clone()],
        ))
        .all(db)
        .await?;
        for row in rows {
            let entry = out.entry(row.area_code).or_default();
            if whole {
                entry.flagged = count(row.households);
            } else {
                entry.flags.insert(row.code, count(row.households));
            }
        }
    }
    Ok(out)
}
