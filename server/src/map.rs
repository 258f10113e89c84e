//! The map: the households of a viewport, as points or as grid clusters, and the desa with
//! their figures. Analysts never see a single household: they get clusters of a fixed grid,
//! without cells of few households.

use sea_orm::ConnectionTrait;
use sync_protocol::v1::ReviewStatus;
use sync_protocol::v1::map::{
    DesaFeature, DesaMap, FeatureCollectionType, FeatureType, Geometry, HouseholdFeature,
    HouseholdMap, HouseholdMark,
};

use crate::config::ReviewConfig;
use crate::domain::area::AreaCode;
use crate::domain::area_index::AreaIndex;
use crate::domain::role::Role;
use crate::indicators::{self, Level, POOR_SHARE_BASIS};
use crate::store::StoreError;
use crate::store::map::{self, BoundingBox};
use crate::views;

/// Cells per side of the viewport when households are clustered.
const GRID: f64 = 64.0;

/// At most this many points are sent; more become clusters.
pub const MAX_POINTS: u64 = 2000;

/// Analysts' clusters are cells of a fixed grid (from 180° W, 90° S) this many degrees wide
/// (about 1.1 km) times a power of two, over whole cells only, and hold at least
/// [`ANALYST_MIN_HOUSEHOLDS`]: no viewport, however small or shifted, singles out a household.
/// (A cell size following the viewport's width exactly would let a slightly wider viewport
/// slide every cell edge a little, and so move one household from cell to cell.)
const ANALYST_MIN_CELL: f64 = 0.01;

/// Analysts' cells with fewer households are left out (and counted as `suppressed`).
const ANALYST_MIN_HOUSEHOLDS: i64 = 5;

/// The analysts' cell for a viewport that asks for cells of `wanted` degrees: the smallest of
/// [`ANALYST_MIN_CELL`] × 1, 2, 4, 8… not below it. A handful of sizes, so the grid's edges
/// stay where they are when the viewport moves or grows a little.
fn analyst_cell(wanted: f64) -> f64 {
    let mut cell = ANALYST_MIN_CELL;
    while cell < wanted && cell < 360.0 {
        cell *= 2.0;
    }
    cell
}

/// The households of a viewport of `area` (one the reader may see): up to `max_points` as
/// points (id, desa, review status, local verdict, criteria met); beyond that as clusters in
/// square cells of 1/64 of the box's longer side. Analysts always get clusters, on the fixed
/// grid described at [`ANALYST_MIN_CELL`].
pub async fn households(
    db: &impl ConnectionTrait,
    role: Role,
    area: &AreaCode,
    bbox: BoundingBox,
    max_points: u64,
) -> Result<HouseholdMap, StoreError> {
    let max_points = max_points.min(MAX_POINTS);
    let analyst = role == Role::Analyst;
    if !analyst && map::count_up_to(db, area, bbox, max_points + 1).await? <= max_points {
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
    let mut cell = (bbox[2] - bbox[0]).max(bbox[3] - bbox[1]) / GRID;
    let (mut bbox, mut origin) = (bbox, [bbox[0], bbox[1]]);
    if analyst {
        // Analysts see no single household: whole cells of a fixed grid, placed at the cell's
        // centre (not at the mean of its households), small cells left out.
        cell = analyst_cell(cell);
        origin = [-180.0, -90.0];
        let snap = |v: f64, o: f64, up: bool| {
            let n = (v - o) / cell;
            o + if up { n.ceil() } else { n.floor() } * cell
        };
        bbox = [
            snap(bbox[0], origin[0], false),
            snap(bbox[1], origin[1], false),
            snap(bbox[2], origin[0], true),
            snap(bbox[3], origin[1], true),
        ];
    }
    let mut clusters = map::clusters(db, area, bbox, cell, origin).await?;
    let count = |c: &map::Cluster| u64::try_from(c.households).unwrap_or(0);
    let total: u64 = clusters.iter().map(count).sum();
    if analyst {
        clusters.retain(|c| c.households >= ANALYST_MIN_HOUSEHOLDS);
    }
    let shown: u64 = clusters.iter().map(count).sum();
    let features = clusters
        .into_iter()
        .map(|c| {
            #[expect(clippy::cast_precision_loss, reason = "cell numbers far below 2^52")]
            let at = if analyst {
                [
                    origin[0] + (c.cell_x as f64 + 0.5) * cell,
                    origin[1] + (c.cell_y as f64 + 0.5) * cell,
                ]
            } else {
                [c.longitude, c.latitude]
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
        households: total,
        clustered: true,
        suppressed: total - shown,
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

/// Every desa and kelurahan under `area` that has a boundary, with its figures; `None` when
/// the area is not known.
pub async fn desa(
    db: &impl ConnectionTrait,
    review: &ReviewConfig,
    index: &AreaIndex,
    area: &AreaCode,
) -> Result<Option<DesaMap>, StoreError> {
    let Some(figures) = indicators::compute(db, review, area, Level::Desa).await? else {
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
    #[expect(
        clippy::float_cmp,
        reason = "the sizes are exact doublings of one constant"
    )]
    fn analysts_cells_keep_their_size_when_the_viewport_grows_a_little() {
        // 0.7° wide, then 0.0000021° wider: the same cells (the sizes once slid apart).
        assert_eq!(analyst_cell(0.7 / GRID), ANALYST_MIN_CELL * 2.0);
        assert_eq!(analyst_cell(0.700_002_1 / GRID), ANALYST_MIN_CELL * 2.0);
        assert_eq!(analyst_cell(0.5 / GRID), ANALYST_MIN_CELL);
        assert_eq!(analyst_cell(0.0), ANALYST_MIN_CELL);
        assert_eq!(analyst_cell(3.0 / GRID), ANALYST_MIN_CELL * 8.0);
    }
}
