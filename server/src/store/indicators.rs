//! Counts per desa for the indicators: households surveyed and by review status, local verdicts
//! and criteria met (kept in `desa_tally`, see [`super::tallies`]), overdue households and
//! households with each quality flag (counted when read). The roll-up to kecamatan and the
//! shares are computed by the caller.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};

use super::{StoreError, tallies};
use crate::domain::area::AreaCode;

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
struct Overdue {
    area_code: String,
    households: i64,
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

/// Counts for every desa at or below `area` that has households, from tallies the caller has
/// brought up to date ([`tallies::catch_up`]); households waiting for a decision since before
/// `overdue_before` are overdue.
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
    let mut out: BTreeMap<String, DesaCounts> = tallies::of_desa_under(db, area)
        .await?
        .into_iter()
        .map(|t| {
            let counts = DesaCounts {
                households: t.households,
                approved: t.approved,
                pending: t.pending,
                resubmitted: t.resubmitted,
                returned: t.returned,
                rejected: t.rejected,
                poor: t.poor,
                not_poor: t.not_poor,
                criteria: t.criteria,
                ..DesaCounts::default()
            };
            (t.desa, counts)
        })
        .collect();
    // Overdue is a matter of the clock: counted now, over the households still waiting.
    let sql = format!(
        "SELECT h.area_code, COUNT(*) AS households FROM household h \
         WHERE h.review_status IN ('pending', 'resubmitted') AND h.review_since < {since} \
           AND h.tombstone IS NULL AND {under} \
         GROUP BY h.area_code"
    );
    let rows = Overdue::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [value.clone(), overdue_before.into()],
    ))
    .all(db)
    .await?;
    for row in rows {
        out.entry(row.area_code).or_default().overdue = count(row.households);
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
