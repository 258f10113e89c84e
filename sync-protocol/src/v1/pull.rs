//! Pull: the server-ordered change log of the user's scope.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::push::Fields;
use crate::hlc::Hlc;

/// The answer to `GET /v1/sync/pull?cursor=…&limit=…`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct PullResponse {
    /// The server's time when it answered.
    pub server_time: DateTime<Utc>,
    /// The server's clock.
    pub server_hlc: Hlc,
    /// Set when the cursor cannot be served. The phone pushes its outbox, drops its copy of
    /// the households and pulls again without a cursor. `changes` is then empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset: Option<ResetReason>,
    /// Changes after the given cursor, in server order.
    pub changes: Vec<Change>,
    /// Opaque; pass it to the next pull. Store it together with the applied changes.
    pub cursor: String,
    /// Whether more changes are ready now; pull again at once with the new cursor.
    pub has_more: bool,
    /// Photos that visits recorded by this user name and the server does not have yet
    /// (lower-case hex SHA-256, at most [`MAX_MISSING_PHOTOS`](super::MAX_MISSING_PHOTOS)),
    /// on the last page of a pull (`has_more` false). Upload those still on the phone (§7).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub missing_photos: Vec<String>,
}

/// Why a pull answers `reset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResetReason {
    /// The user's assigned areas changed since the cursor was issued.
    ScopeChanged,
    /// The cursor points before the oldest change the server still keeps (reserved: the log
    /// is not pruned yet).
    CursorExpired,
    /// The server's data was restored from a backup since the cursor was issued: its log
    /// position names other changes now. Push the outbox first: the server answers
    /// `sequence_gap` for mutations it lost, and the phone sends them again (§4).
    ServerRestored,
}

/// One entry of the pull log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    /// The household's current state. Replace the local copy if `version` is newer.
    Put {
        /// The household.
        household: HouseholdSnapshot,
    },
    /// The household left the user's scope (moved to another area): drop the local copy.
    Remove {
        /// Household id.
        household_id: Uuid,
    },
}

/// A household's current state as the server holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct HouseholdSnapshot {
    /// Household id.
    pub id: Uuid,
    /// Kemendagri code of its desa/kelurahan.
    pub area_code: String,
    /// The form its answers follow.
    pub form_id: String,
    /// The form version its answers follow.
    pub form_version: i32,
    /// Increases by one with every applied mutation. Use it as `base_version`.
    pub version: i64,
    /// Soft-deleted households stay in the log as tombstones.
    pub deleted: bool,
    /// Review status, set by the server only (§11).
    pub review_status: super::ReviewStatus,
    /// The household's last decision (§11): for a returned household, the supervisor's note
    /// and notes per answer. Absent until a supervisor decides; it stays when the household
    /// is edited after it (`review_status` then says it waits again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Box<super::ReviewView>>,
    /// Household answers.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: Fields,
    /// Families (Kartu Keluarga) in the household.
    pub families: Vec<FamilySnapshot>,
    /// Members, including removed ones (tombstones).
    pub members: Vec<MemberSnapshot>,
    /// When the server last changed it.
    pub updated_at: DateTime<Utc>,
}

/// A member's current state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct MemberSnapshot {
    /// Member id.
    pub id: Uuid,
    /// The family the member is listed on.
    #[serde(default)]
    pub family_id: Option<Uuid>,
    /// Member answers.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: Fields,
    /// Soft-removed.
    pub removed: bool,
}

/// A family's current state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct FamilySnapshot {
    /// Family id.
    pub id: Uuid,
    /// Current No KK.
    pub no_kk: Option<String>,
}
