//! Messages of the office side (supervisors and admins in a browser): user management and the
//! conflict list. Same versioning rules as the sync messages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use super::flags::{CheckState, FlagEvidence, PhotoMatch, QualityFlagView, Severity};
use super::push::ConflictTarget;
use crate::merge::{FieldPolicy, Stamp, Winner};

/// `POST /v1/users` (admin).
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Login name: 3–64 characters, lower-case letters, digits, `.`, `_`, `-`.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// `enumerator`, `supervisor`, `analyst` or `admin`.
    pub role: String,
    /// Kemendagri codes of the assigned areas.
    pub areas: Vec<String>,
    /// Initial password, at least 8 characters.
    pub password: String,
}

impl std::fmt::Debug for CreateUserRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateUserRequest")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("areas", &self.areas)
            .field("password", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// `PUT /v1/users/{id}/areas` (admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct SetAreasRequest {
    /// Kemendagri codes of the assigned areas.
    pub areas: Vec<String>,
}

/// A user as the office sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct UserView {
    /// Id.
    pub id: Uuid,
    /// Login name.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// Role.
    pub role: String,
    /// Assigned areas.
    pub areas: Vec<String>,
    /// Whether the account may log in.
    pub active: bool,
}

/// A stored same-field conflict, for a supervisor (`GET /v1/conflicts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct ConflictView {
    /// Id.
    pub id: Uuid,
    /// The household.
    pub household_id: Uuid,
    /// Its desa/kelurahan.
    pub area_code: String,
    /// What was in conflict.
    pub target: ConflictTarget,
    /// The policy that decided.
    pub policy: FieldPolicy,
    /// Which value the field kept.
    pub winner: Winner,
    /// The version the later edit was based on.
    pub base_version: i64,
    /// The value that was stored before the later edit.
    pub stored_value: serde_json::Value,
    /// Who wrote it, when (HLC) and at which version.
    pub stored: Stamp,
    /// The later edit's value.
    pub incoming_value: serde_json::Value,
    /// Who wrote it, when (HLC) and at which version.
    pub incoming: Stamp,
    /// When the server met the conflict.
    pub created_at: DateTime<Utc>,
    /// Who wrote the stored value, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_by: Option<super::Person>,
    /// Who wrote the later edit's value, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incoming_by: Option<super::Person>,
    /// How a supervisor settled it; absent while it is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<super::Resolution>,
}

/// `GET /v1/households/{id}/score`: the local poverty score (BPS 14 criteria).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct HouseholdScore {
    /// The household.
    pub household_id: Uuid,
    /// The household version the score was computed from.
    pub version: i64,
    /// Criteria met.
    pub met: u32,
    /// Criteria whose answers are missing.
    pub unknown: u32,
    /// `poor` (at least the cut-off met), `not_poor` (cannot reach it), `undetermined`.
    pub verdict: String,
    /// One per criterion, in BPS order.
    pub criteria: Vec<CriterionView>,
    /// When it was computed.
    pub computed_at: DateTime<Utc>,
}

/// One criterion's result and the answers that decided it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct CriterionView {
    /// Stable code (`luas_lantai`, `jenis_lantai`, … `tabungan`).
    pub code: String,
    /// Met, not met, or unknown (`null`).
    pub met: Option<bool>,
    /// The answers read, by field name.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub evidence: super::Fields,
}

/// An area named by code and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct AreaRef {
    /// Kemendagri code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// `GET /v1/areas?under=…&level=…`: the kecamatan or desa below an area that the caller's
/// areas cover, in code order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct AreaListing {
    /// The area asked about.
    pub under: String,
    /// `kecamatan` or `desa` (desa and kelurahan).
    pub level: String,
    /// The areas.
    pub areas: Vec<AreaRef>,
}

/// `GET /v1/areas/locate?lat=…&lon=…`: the desa or kelurahan whose boundary holds a point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct LocatedArea {
    /// The desa or kelurahan.
    pub desa: AreaRef,
    /// `desa` or `kelurahan`.
    pub level: String,
    /// Its kecamatan.
    pub kecamatan: Option<AreaRef>,
    /// Whether the caller's assigned areas cover it.
    pub in_scope: bool,
}

/// The data-quality check of one visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct VisitQuality {
    /// The visit.
    pub visit_id: Uuid,
    /// Where its check stands.
    pub state: CheckState,
    /// Risk score 0–100 of the last check (the sum of its flags' points).
    pub risk: Option<i32>,
    /// When it was last checked.
    pub checked_at: Option<DateTime<Utc>>,
    /// Flags of the last check.
    pub flags: Vec<QualityFlagView>,
}

/// `GET /v1/households/{id}/flags`: the checks of the household's visits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct HouseholdQuality {
    /// The household.
    pub household_id: Uuid,
    /// One per visit, the most recently checked first.
    pub visits: Vec<VisitQuality>,
}

/// `GET /v1/indicators?area=…&level=…`: administrative indicators of every kecamatan or desa
/// under an area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct IndicatorsResponse {
    /// The area asked about.
    pub area: AreaRef,
    /// `kecamatan` or `desa` (desa and kelurahan).
    pub level: String,
    /// What `poor_share` divides by, in Indonesian, to be shown with the figure.
    pub poor_share_basis: String,
    /// One per area at `level`, in code order, including areas without households.
    pub areas: Vec<AreaIndicators>,
}

/// The figures of one area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct AreaIndicators {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Households surveyed (not deleted).
    pub households_surveyed: u64,
    /// Of those, approved by a supervisor.
    pub households_approved: u64,
    /// Meeting the local cut-off (`scoring.poor_at_least` of the BPS 14 criteria).
    pub poor: u64,
    /// Decided not poor.
    pub not_poor: u64,
    /// Not decidable yet (answers missing) or not scored.
    pub undetermined: u64,
    /// `poor / (poor + not_poor)`; `null` when no household is decided.
    pub poor_share: Option<f64>,
    /// Households meeting each criterion, by criterion code.
    pub criteria_met: std::collections::BTreeMap<String, u64>,
    /// Households with at least one quality flag.
    pub households_flagged: u64,
    /// Households with each flag, by code.
    pub flags: std::collections::BTreeMap<String, u64>,
    /// Households by review status, and those waiting longer than `review.due_days`.
    #[serde(default)]
    pub review: super::ReviewCounts,
    /// For analysts: the area has households, but too few to show (`privacy.min_cell`); every
    /// figure above is withheld (0).
    #[serde(default)]
    pub suppressed: bool,
}
