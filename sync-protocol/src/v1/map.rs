//! The map: GeoJSON of the households in a viewport (`GET /v1/map/households`) and of the desa
//! with their figures (`GET /v1/map/desa`). Plain GeoJSON, so that any map library reads it;
//! the typed members (`households`, `clustered`, …) sit beside `features`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::office::AreaIndicators;

/// `"FeatureCollection"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FeatureCollectionType {
    /// The only value.
    #[default]
    FeatureCollection,
}

/// `"Feature"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FeatureType {
    /// The only value.
    #[default]
    Feature,
}

/// A longitude and a latitude, in degrees (GeoJSON's order).
pub type LonLat = [f64; 2];

/// A GeoJSON geometry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type")]
pub enum Geometry {
    /// A point.
    Point {
        /// Where.
        coordinates: LonLat,
    },
    /// A polygon: its outer ring, then its holes; each ring closed.
    Polygon {
        /// The rings.
        coordinates: Vec<Vec<LonLat>>,
    },
    /// Several polygons.
    MultiPolygon {
        /// The polygons.
        coordinates: Vec<Vec<Vec<LonLat>>>,
    },
}

/// What a point of the household map stands for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(untagged)]
pub enum HouseholdMark {
    /// One household, at its latest visit's fix.
    Household {
        /// The household.
        id: Uuid,
        /// Its desa or kelurahan.
        desa: String,
        /// `pending`, `approved`, …
        review_status: super::ReviewStatus,
        /// The local verdict (`poor`, `not_poor`, `undetermined`), when scored.
        #[serde(default)]
        verdict: Option<String>,
        /// Criteria met, when scored.
        #[serde(default)]
        criteria_met: Option<i32>,
    },
    /// The households of one grid cell.
    Cluster {
        /// Always `true`.
        cluster: bool,
        /// How many.
        households: u64,
        /// Of which poor by the local score.
        poor: u64,
    },
}

/// One point of the household map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HouseholdFeature {
    /// `"Feature"`.
    #[serde(rename = "type")]
    pub kind: FeatureType,
    /// A point.
    pub geometry: Geometry,
    /// A household or a cluster.
    pub properties: HouseholdMark,
}

/// `GET /v1/map/households`: the households of a viewport, as points or as clusters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HouseholdMap {
    /// `"FeatureCollection"`.
    #[serde(rename = "type")]
    pub kind: FeatureCollectionType,
    /// Households in the viewport (for analysts: in the whole cells it covers).
    pub households: u64,
    /// Whether the features are clusters.
    pub clustered: bool,
    /// Households left out (analysts: in cells of too few households).
    pub suppressed: u64,
    /// The points.
    pub features: Vec<HouseholdFeature>,
}

/// One desa or kelurahan of the desa map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DesaFeature {
    /// `"Feature"`.
    #[serde(rename = "type")]
    pub kind: FeatureType,
    /// Its boundary.
    pub geometry: Geometry,
    /// Its figures, as in the indicators.
    pub properties: AreaIndicators,
}

/// `GET /v1/map/desa`: the desa and kelurahan under an area that have a boundary, with their
/// figures, for a choropleth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DesaMap {
    /// `"FeatureCollection"`.
    #[serde(rename = "type")]
    pub kind: FeatureCollectionType,
    /// What `poor_share` divides by, in Indonesian, to be shown with the figure.
    pub poor_share_basis: String,
    /// The desa.
    pub features: Vec<DesaFeature>,
}
