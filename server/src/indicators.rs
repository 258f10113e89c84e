//! Administrative indicators per kecamatan or desa under an area: households surveyed and by
//! review status, local verdicts and their share (the denominator stated with it), criteria
//! met, flags. For analysts as much as supervisors; aggregates only.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use sync_protocol::v1::office::{AreaRef, IndicatorsResponse};

use crate::config::ReviewConfig;
use crate::domain::area::AreaCode;
use crate::store::StoreError;
use crate::store::indicators::DesaCounts;
use crate::store::{areas, indicators, tallies};
use crate::views;

/// What `poor_share` divides by.
pub const POOR_SHARE_BASIS: &str = "Indikator administratif: rumah tangga yang memenuhi batas \
    kriteria lokal, dibagi rumah tangga yang disurvei dan sudah dapat diputuskan (miskin + \
    tidak miskin). Bukan angka kemiskinan resmi BPS.";

/// The level figures are given at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Per kecamatan.
    Kecamatan,
    /// Per desa and kelurahan.
    Desa,
}

impl Level {
    /// The level named `name` (`kecamatan` or `desa`).
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "kecamatan" => Some(Level::Kecamatan),
            "desa" => Some(Level::Desa),
            _ => None,
        }
    }

    /// Its name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Kecamatan => "kecamatan",
            Level::Desa => "desa",
        }
    }

    /// The area levels listed, and how many parts of a code name one.
    fn levels(self) -> (&'static [&'static str], usize) {
        match self {
            Level::Kecamatan => (&["kecamatan"], 3),
            Level::Desa => (&["desa", "kelurahan"], 4),
        }
    }
}

/// The figures of every area at `level` under `area` (an area the caller may read), also of
/// those without households; `None` when the area is not known.
pub async fn compute(
    db: &DatabaseConnection,
    review: &ReviewConfig,
    area: &AreaCode,
    level: Level,
) -> Result<Option<IndicatorsResponse>, StoreError> {
    let (levels, depth) = level.levels();
    let Some(name) = areas::names(db, &[area.as_str()])
        .await?
        .remove(area.as_str())
    else {
        return Ok(None);
    };
    let listed = areas::below(db, area.as_str(), levels).await?;
    tallies::catch_up(db).await?;
    let overdue_before = Utc::now() - review.due();
    let counts = indicators::per_desa(db, area, overdue_before).await?;
    let mut totals: BTreeMap<&str, DesaCounts> = listed
        .iter()
        .map(|(code, _)| (code.as_str(), DesaCounts::default()))
        .collect();
    for (desa, c) in &counts {
        let prefix: String = desa.split('.').take(depth).collect::<Vec<_>>().join(".");
        if let Some(total) = totals.get_mut(prefix.as_str()) {
            add(total, c);
        }
    }
    let areas = listed
        .iter()
        .map(|(code, name)| views::area_indicators(code, name, &totals[code.as_str()]))
        .collect();
    Ok(Some(IndicatorsResponse {
        area: AreaRef {
            code: area.as_str().to_owned(),
            name,
        },
        level: level.as_str().to_owned(),
        poor_share_basis: POOR_SHARE_BASIS.to_owned(),
        areas,
    }))
}

fn add(total: &mut DesaCounts, c: &DesaCounts) {
    total.households += c.households;
    total.approved += c.approved;
    total.pending += c.pending;
    total.resubmitted += c.resubmitted;
    total.returned += c.returned;
    total.rejected += c.rejected;
    total.overdue += c.overdue;
    total.poor += c.poor;
    total.not_poor += c.not_poor;
    for (t, n) in total.criteria.iter_mut().zip(c.criteria) {
        *t += n;
    }
    total.flagged += c.flagged;
    for (code, n) in &c.flags {
        *total.flags.entry(code.clone()).or_default() += n;
    }
}
