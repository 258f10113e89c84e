//! The map: the households of a viewport, as points or as grid clusters, and the desa with
//! their figures. Clusters are read from counts kept per grid cell (`store::map`), so a
//! viewport over the whole kabupaten costs about as much as one over a street. Analysts never
//! see a single household: they get whole cells, without cells of few households, which no
//! count they read includes.

use sea_orm::DatabaseConnection;
use sync_protocol::v1::ReviewStatus;
use sync_protocol::v1::map::{
    DesaFeature, DesaMap, FeatureCollectionType, FeatureType, Geometry, HouseholdFeature,
    HouseholdMap, HouseholdMark,
};

use crate::config::ReviewConfig;
use crate::domain::area::AreaCode;
use crate::domain::area_index::AreaIndex;
use crate::domain::role::Role;
use crate::indicators::{self, Disclosure, Level, POOR_SHARE_BASIS};
use crate::store::StoreError;
use crate::store::map::{self, BoundingBox};
use crate::store::tallies;
use crate::views;

/// Cells per side of the viewport when households are clustered, at least.
const GRID: f64 = 64.0;

/// At most this many points are sent; more become clusters.
pub const MAX_POINTS: u64 = 2000;

/// Analysts' clusters are cells at least this level (0.01°, about 1.1 km, wide) and hold at
/// least `privacy.min_cell` households: no viewport, however small or shifted, singles out a
/// household. The cells are those of a fixed grid (from 180° W, 90° S), whole, whatever part
/// of them the viewport shows, so that moving or widening the viewport never moves one
/// household from cell to cell. Cells of fewer households are left out of the answer and of
/// its counts alike: `households` is what the cells shown hold, `suppressed` 0, so that no
/// difference between two viewports locates a lone household.
const ANALYST_MIN_LEVEL: u8 = 3;

/// The level of the cells for a viewport of `bbox`: the smallest whose cells are at least
/// 1/[`GRID`] of its longer side (and, for analysts, not below [`ANALYST_MIN_LEVEL`]).
fn level_for(bbox: BoundingBox, analyst: bool) -> u8 {
    let wanted = (bbox[2] - bbox[0]).max(bbox[3] - bbox[1]) / GRID;
    let lowest = if analyst { ANALYST_MIN_LEVEL } else { 0 };
    (lowest..map::LEVELS)
        .find(|l| map::cell_size(*l) >= wanted)
        .unwrap_or(map::LEVELS - 1)
}

/// The households of a viewport of `area` (one the reader may see): up to `max_points` as
/// points (id, desa, review status, local verdict, criteria met); beyond that as clusters:
/// the cells of a fixed grid at least 1/64 of the box's longer side wide, each at its
/// households' mean position. Analysts always get clusters, as described at
/// [`ANALYST_MIN_LEVEL`], with cells of at least `min_cell` households.
pub async fn households(
    db: &DatabaseConnection,
    role: Role,
    area: &AreaCode,
    bbox: BoundingBox,
    max_points: u64,
    min_cell: u64,
) -> Result<HouseholdMap, StoreError> {
    let max_points = max_points.min(MAX_POINTS);
    let analyst = role == Role::Analyst;
    let level = level_for(bbox, analyst);
    tallies::catch_up(db).await?;
    let mut cells = map::cells(db, area, level, bbox, analyst.then_some(min_cell)).await?;
    let count = |c: &map::Cell| u64::try_from(c.households).unwrap_or(0);
    let total: u64 = cells.iter().map(count).sum();
    // The cells the viewport touches hold at least the households inside it: few enough
    // means points; a few more may still fit once the cells' overhang is left out.
    let fits = !analyst
        && (total <= max_points
            || (total <= 4 * max_points
                && map::count_up_to(db, area, bbox, max_points + 1).await? <= max_points));
    if fits {
        let points = map::points(db, area, bbox, max_points).await?;
        return Ok(HouseholdMap {
            kind: FeatureCollectionType::FeatureCollection,
            households: points.len() as u64,
            clustered: false,
            suppressed: 0,
            features: points
                .into_iter()
                .map(|p| {
                    feature(
                        [p.longitude, p.latitude],
                        HouseholdMark::Household {
                            id: p.id,
                            desa: p.area_code,
                            review_status: ReviewStatus::parse(&p.review_status),
                            verdict: p.verdict,
                            criteria_met: p.met,
                        },
                    )
                })
                .collect(),
        });
    }
    if analyst {
        cells.retain(|c| count(c) >= min_cell);
    }
    let shown: u64 = cells.iter().map(count).sum();
    let size = map::cell_size(level);
    let features = cells
        .into_iter()
        .map(|c| {
            #[expect(clippy::cast_precision_loss, reason = "cell numbers far below 2^52")]
            let at = if analyst {
                // Analysts see no single household: the cell's centre, not its households'.
                [
                    (c.cell_x as f64 + 0.5) * size - 180.0,
                    (c.cell_y as f64 + 0.5) * size - 90.0,
                ]
            } else {
                #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
                let n = c.households.max(1) as f64;
                [c.sum_longitude / n, c.sum_latitude / n]
            };
            feature(
                at,
                HouseholdMark::Cluster {
                    cluster: true,
                    households: count(&c),
                    poor: u64::try_from(c.poor).unwrap_or(0),
                },
            )
        })
        .collect();
    Ok(HouseholdMap {
        kind: FeatureCollectionType::FeatureCollection,
        households: if analyst { shown } else { total },
        clustered: true,
        suppressed: if analyst { 0 } else { total - shown },
        features,
    })
}

fn feature(coordinates: [f64; 2], mark: HouseholdMark) -> HouseholdFeature {
    HouseholdFeature {
        kind: FeatureType::Feature,
        geometry: Geometry::Point { coordinates },
        properties: mark,
    }
}

/// Every desa and kelurahan under `area` that has a boundary, with its figures as
/// `disclosure` lets the reader see them; `None` when the area is not known.
pub async fn desa(
    db: &DatabaseConnection,
    review: &ReviewConfig,
    index: &AreaIndex,
    area: &AreaCode,
    disclosure: Disclosure,
) -> Result<Option<DesaMap>, StoreError> {
    let Some(figures) = indicators::compute(db, review, area, Level::Desa, disclosure).await?
    else {
        return Ok(None);
    };
    let features = figures
        .areas
        .into_iter()
        .filter_map(|desa| {
            let boundary = index.boundary(&desa.code)?;
            Some(DesaFeature {
                kind: FeatureType::Feature,
                geometry: views::geometry(boundary),
                properties: desa,
            })
        })
        .collect();
    Ok(Some(DesaMap {
        kind: FeatureCollectionType::FeatureCollection,
        poor_share_basis: POOR_SHARE_BASIS.to_owned(),
        features,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysts_cells_keep_their_size_when_the_viewport_grows_a_little() {
        // 0.7° wide, then 0.0000021° wider: the same cells (the sizes once slid apart).
        let level = level_for([120.0, -3.0, 120.7, -2.9], true);
        assert_eq!(level, level_for([120.0, -3.0, 120.700_002_1, -2.9], true));
        assert_eq!(level, 4);
    }

    #[test]
    fn analysts_never_get_cells_below_a_kilometre() {
        assert_eq!(
            level_for([120.0, -3.0, 120.001, -2.999], true),
            ANALYST_MIN_LEVEL
        );
        assert_eq!(level_for([120.0, -3.0, 120.001, -2.999], false), 0);
    }

    #[test]
    fn a_wider_viewport_gets_wider_cells() {
        let street = level_for([120.0, -3.0, 120.01, -2.99], false);
        let kecamatan = level_for([120.0, -3.0, 120.3, -2.8], false);
        let kabupaten = level_for([119.8, -3.2, 121.0, -2.0], false);
        assert!(street < kecamatan && kecamatan < kabupaten);
        assert!(map::cell_size(kabupaten) * GRID >= 1.2);
    }
}
