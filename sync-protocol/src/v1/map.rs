//! The map: GeoJSON of the households in a viewport (`GET /v1/map/households`), of the desa
//! with their figures (`GET /v1/map/desa`) and of where one household was surveyed
//! (`GET /v1/households/{id}/places`). Plain GeoJSON, so that any map library reads it; the
//! typed members (`households`, `clustered`, …) sit beside `features`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::office::AreaIndicators;

/// `"FeatureCollection"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FeatureCollectionType {
    /// The only value.
    #[default]
    FeatureCollection,
}

/// `"Feature"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type")]
pub enum Geometry {
    /// A point.
    Point {
        /// Where.
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<f64>))]
        coordinates: LonLat,
    },
    /// A polygon: its outer ring, then its holes; each ring closed.
    Polygon {
        /// The rings.
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Vec<f64>>>))]
        coordinates: Vec<Vec<LonLat>>,
    },
    /// Several polygons.
    MultiPolygon {
        /// The polygons.
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Vec<Vec<f64>>>>))]
        coordinates: Vec<Vec<Vec<LonLat>>>,
    },
}

/// What a point of the household map stands for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdMap {
    /// `"FeatureCollection"`.
    #[serde(rename = "type")]
    pub kind: FeatureCollectionType,
    /// Households in the viewport (for analysts: in the whole cells it covers).
    pub households: u64,
    /// Whether the features are clusters.
    pub clustered: bool,
    /// Households left out. Always 0 for analysts: their cells of too few households are left
    /// out of every count, `households` included, so that no viewport reveals one.
    pub suppressed: u64,
    /// The points.
    pub features: Vec<HouseholdFeature>,
}

/// One desa or kelurahan of the desa map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DesaMap {
    /// `"FeatureCollection"`.
    #[serde(rename = "type")]
    pub kind: FeatureCollectionType,
    /// What `poor_share` divides by, in Indonesian, to be shown with the figure.
    pub poor_share_basis: String,
    /// The desa.
    pub features: Vec<DesaFeature>,
}

/// What a feature of a household's places stands for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "place", rename_all = "snake_case")]
pub enum Place {
    /// The boundary of the household's desa or kelurahan.
    Desa {
        /// Its code.
        code: String,
    },
    /// Where a visit's GPS fix put the household.
    Visit {
        /// The visit.
        visit_id: Uuid,
        /// When it ended.
        ended_at: DateTime<Utc>,
        /// The fix's accuracy in metres, when the phone gave one.
        #[serde(default)]
        accuracy_m: Option<f64>,
        /// Whether the phone said the position was mocked.
        mock: bool,
    },
    /// Where a photo's EXIF says it was taken.
    Photo {
        /// The visit naming it.
        visit_id: Uuid,
        /// Its kind (`depan`, `dalam`, …).
        kind: String,
        /// Its hash.
        sha256: String,
        /// The EXIF time it was taken, as the camera wrote it.
        #[serde(default)]
        taken_at: Option<String>,
    },
}

/// One feature of a household's places.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceFeature {
    /// `"Feature"`.
    #[serde(rename = "type")]
    pub kind: FeatureType,
    /// A polygon for the desa, a point otherwise.
    pub geometry: Geometry,
    /// What it stands for.
    pub properties: Place,
}

/// `GET /v1/households/{id}/places`: where a household was surveyed — its desa's boundary
/// (when the server has it), each visit's GPS fix (oldest first) and each photo's EXIF
/// position — for the small map of the household page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdPlaces {
    /// `"FeatureCollection"`.
    #[serde(rename = "type")]
    pub kind: FeatureCollectionType,
    /// The desa first, then the visits, then the photos.
    pub features: Vec<PlaceFeature>,
}

/// `GET /v1/map/basemap`: what the console's map draws under the desa polygons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Basemap {
    /// Nothing: the desa polygons are the base layer (no internet needed).
    None,
    /// Raster tiles from a tile server.
    Tiles {
        /// The URL template, with `{z}`, `{x}` and `{y}`.
        url: String,
        /// Who to credit.
        attribution: String,
    },
    /// A PMTiles file of raster tiles served by this server with range requests (bearer token
    /// as for the API).
    Pmtiles {
        /// Where: `/v1/map/basemap.pmtiles`.
        url: String,
        /// Who to credit.
        attribution: String,
    },
}
