//! Administrative indicators per kecamatan or desa under an area: households surveyed and by
//! review status, local verdicts and their share (the denominator stated with it), criteria
//! met, flags. For analysts as much as supervisors; aggregates only, and for analysts only
//! aggregates of enough households (see [`Disclosure`]).

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use sync_protocol::v1::office::{AreaRef, IndicatorsResponse};

use crate::config::{PrivacyConfig, ReviewConfig};
use crate::domain::area::AreaCode;
use crate::domain::role::Role;
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

/// How much of the figures a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    /// Every household counts (supervisors and admins, who may open the households anyway).
    Whole,
    /// Only desa with at least this many households count, at every level (analysts): a
    /// kecamatan's or the kabupaten's figures add up the same desa the desa level shows, so no
    /// total minus the shown desa reveals a withheld one; an area left with none is
    /// `suppressed`.
    AtLeast(u64),
}

impl Disclosure {
    /// The rule for a reader of `role`.
    #[must_use]
    pub fn for_role(role: Role, privacy: &PrivacyConfig) -> Self {
        if role == Role::Analyst {
            Disclosure::AtLeast(privacy.min_cell)
        } else {
            Disclosure::Whole
        }
    }
}

/// The figures of every area at `level` under `area` (an area the caller may read), also of
/// those without households, as `disclosure` lets the reader see them; `None` when the area is
/// not known.
pub async fn compute(
    db: &DatabaseConnection,
    review: &ReviewConfig,
    area: &AreaCode,
    level: Level,
    disclosure: Disclosure,
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
    // Areas with households that the disclosure rule withholds.
    let mut withheld = std::collections::BTreeSet::new();
    for (desa, c) in &counts {
        let prefix: String = desa.split('.').take(depth).collect::<Vec<_>>().join(".");
        let Some(total) = totals.get_mut(prefix.as_str()) else {
            continue;
        };
        match disclosure {
            Disclosure::AtLeast(min) if c.households < min => {
                if c.households > 0 {
                    withheld.insert(prefix);
                }
            }
            _ => add(total, c),
        }
    }
    let areas = listed
        .iter()
        .map(|(code, name)| {
            let total = &totals[code.as_str()];
            let mut figures = views::area_indicators(code, name, total);
            // Every desa counted holds at least the minimum: an area with some is shown.
            figures.suppressed = total.households == 0 && withheld.contains(code.as_str());
            figures
        })
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
