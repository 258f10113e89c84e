//! Review: supervisors decide on households (approve, return with notes, reject), settle
//! conflicts, and read a household's history; phones learn the decisions through pull
//! (PROTOCOL.md §11).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::office::AreaRef;
use super::push::ConflictTarget;

/// Where a household stands in review. Set by the server only: push cannot write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// New, or changed since the last decision: waits for a supervisor.
    Pending,
    /// Approved by a supervisor: counts in indicators and exports as verified.
    Approved,
    /// Sent back to the field worker with notes.
    Returned,
    /// Rejected, with a reason.
    Rejected,
    /// Returned, then edited by the field worker: waits for a supervisor again.
    Resubmitted,
    /// A status this client does not know (a newer server). Never sent by this version.
    #[serde(other)]
    Unknown,
}

impl ReviewStatus {
    /// The name stored in the database and sent on the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Pending => "pending",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Returned => "returned",
            ReviewStatus::Rejected => "rejected",
            ReviewStatus::Resubmitted => "resubmitted",
            ReviewStatus::Unknown => "unknown",
        }
    }

    /// The status named `name`; [`ReviewStatus::Unknown`] for any other text.
    #[must_use]
    pub fn parse(name: &str) -> Self {
        match name {
            "pending" => ReviewStatus::Pending,
            "approved" => ReviewStatus::Approved,
            "returned" => ReviewStatus::Returned,
            "rejected" => ReviewStatus::Rejected,
            "resubmitted" => ReviewStatus::Resubmitted,
            _ => ReviewStatus::Unknown,
        }
    }

    /// Whether the household waits for a supervisor's decision.
    #[must_use]
    pub fn is_waiting(self) -> bool {
        matches!(self, ReviewStatus::Pending | ReviewStatus::Resubmitted)
    }

    /// The status after a field worker's edit (or a new visit): a returned household is
    /// `resubmitted`; an approved or rejected one is `pending` again, since it changed after
    /// the decision; one waiting stays as it is.
    #[must_use]
    pub fn after_edit(self) -> Self {
        match self {
            ReviewStatus::Returned => ReviewStatus::Resubmitted,
            ReviewStatus::Approved | ReviewStatus::Rejected => ReviewStatus::Pending,
            other => other,
        }
    }

    /// The status after an edit by someone with `authority`: a field worker's edit is
    /// [`after_edit`](Self::after_edit); a supervisor's (settling a conflict, a note of their
    /// own) leaves a returned household returned — the worker still has to fix it — and sends
    /// an approved or rejected one back to `pending`.
    #[must_use]
    pub fn after_edit_by(self, authority: crate::merge::Authority) -> Self {
        match (self, authority) {
            (ReviewStatus::Returned, crate::merge::Authority::Supervisor) => self,
            _ => self.after_edit(),
        }
    }
}

/// A supervisor's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// `approved`.
    Approve,
    /// `returned`: needs `note`, may carry `field_notes`.
    Return,
    /// `rejected`: needs `reason`.
    Reject,
}

impl Decision {
    /// The name stored in the database and sent on the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Return => "return",
            Decision::Reject => "reject",
        }
    }

    /// The decision named `name`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        [Decision::Approve, Decision::Return, Decision::Reject]
            .into_iter()
            .find(|d| d.as_str() == name)
    }

    /// The review status the decision gives a household.
    #[must_use]
    pub fn status(self) -> ReviewStatus {
        match self {
            Decision::Approve => ReviewStatus::Approved,
            Decision::Return => ReviewStatus::Returned,
            Decision::Reject => ReviewStatus::Rejected,
        }
    }
}

/// Why a household was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// The same household is recorded elsewhere.
    Duplicate,
    /// The household could not be found at the address.
    NotFound,
    /// The household moved away.
    MovedAway,
    /// The household refused the interview.
    Refused,
    /// The household is not one to be listed (e.g. not poor by any measure, not resident).
    NotEligible,
    /// The data was made up.
    Fabricated,
    /// Another reason, said in `note`.
    Other,
}

impl RejectReason {
    /// Every reason.
    pub const ALL: [RejectReason; 7] = [
        RejectReason::Duplicate,
        RejectReason::NotFound,
        RejectReason::MovedAway,
        RejectReason::Refused,
        RejectReason::NotEligible,
        RejectReason::Fabricated,
        RejectReason::Other,
    ];

    /// The name stored in the database and sent on the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::Duplicate => "duplicate",
            RejectReason::NotFound => "not_found",
            RejectReason::MovedAway => "moved_away",
            RejectReason::Refused => "refused",
            RejectReason::NotEligible => "not_eligible",
            RejectReason::Fabricated => "fabricated",
            RejectReason::Other => "other",
        }
    }

    /// The reason named `name`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// What a note of a returned household is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoteTarget {
    /// A household answer, by its key in the form.
    Household {
        /// The answer's key.
        field: String,
    },
    /// A member, or one of the member's answers.
    Member {
        /// The member.
        member_id: Uuid,
        /// The answer's key; the whole member when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        field: Option<String>,
    },
    /// A photo of the household's visits, by its SHA-256.
    Photo {
        /// Lower-case hex SHA-256.
        sha256: String,
    },
}

/// A note on one answer, member or photo of a returned household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct FieldNote {
    /// What it is about.
    pub target: NoteTarget,
    /// The note, for the field worker.
    pub note: String,
}

/// `POST /v1/households/{id}/review`: a decision on the household as it is at `version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct DecideRequest {
    /// The household version the supervisor looked at. A decision on any other version than
    /// the current one is refused (`409 stale_version`).
    pub version: i64,
    /// The decision.
    pub decision: Decision,
    /// Required to return; optional otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Notes on single answers, members or photos (returns only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub field_notes: Vec<FieldNote>,
    /// Required to reject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RejectReason>,
}

/// A decision as stored: in pull (the household's last decision), in the answer to a
/// decision, and in a household's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct ReviewView {
    /// Id of the decision.
    pub id: Uuid,
    /// The decision.
    pub decision: Decision,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RejectReason>,
    /// The supervisor's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Notes on single answers, members or photos.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub field_notes: Vec<FieldNote>,
    /// The household version the decision was made on (the decision itself made the next).
    pub version: i64,
    /// The supervisor's name as shown to people (never the username).
    pub decided_by: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

/// The answer to a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct DecideResponse {
    /// The household.
    pub household_id: Uuid,
    /// Its version after the decision.
    pub version: i64,
    /// Its review status now.
    pub review_status: ReviewStatus,
    /// The decision as stored.
    pub review: ReviewView,
}

/// What made one household version, as a household's history and a stale decision's answer
/// list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// `create_household`.
    Create,
    /// `update_household`.
    Update,
    /// `move_household`.
    Move,
    /// `delete_household`.
    Delete,
    /// `add_member`.
    AddMember,
    /// `update_member`.
    UpdateMember,
    /// `remove_member`.
    RemoveMember,
    /// `put_family`.
    PutFamily,
    /// `record_visit` of a household already decided on (the visit changed its review status).
    Visit,
    /// A supervisor's decision.
    Review,
    /// A supervisor settled a conflict with a value the field did not hold.
    Resolve,
    /// Written before histories were kept, or by a newer server.
    #[serde(other)]
    Unknown,
}

impl ChangeKind {
    const NAMED: [ChangeKind; 11] = [
        ChangeKind::Create,
        ChangeKind::Update,
        ChangeKind::Move,
        ChangeKind::Delete,
        ChangeKind::AddMember,
        ChangeKind::UpdateMember,
        ChangeKind::RemoveMember,
        ChangeKind::PutFamily,
        ChangeKind::Visit,
        ChangeKind::Review,
        ChangeKind::Resolve,
    ];

    /// The name stored in the database and sent on the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Create => "create",
            ChangeKind::Update => "update",
            ChangeKind::Move => "move",
            ChangeKind::Delete => "delete",
            ChangeKind::AddMember => "add_member",
            ChangeKind::UpdateMember => "update_member",
            ChangeKind::RemoveMember => "remove_member",
            ChangeKind::PutFamily => "put_family",
            ChangeKind::Visit => "visit",
            ChangeKind::Review => "review",
            ChangeKind::Resolve => "resolve",
            ChangeKind::Unknown => "unknown",
        }
    }

    /// The kind named `name`; [`ChangeKind::Unknown`] for any other text.
    #[must_use]
    pub fn parse(name: &str) -> Self {
        Self::NAMED
            .into_iter()
            .find(|k| k.as_str() == name)
            .unwrap_or(ChangeKind::Unknown)
    }
}

/// One value changed by a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct FieldChange {
    /// Which value (a household answer, a member's answer, a family's No KK, or a pseudo-field
    /// such as `@deleted`, `@area`, `@removed`).
    pub target: ConflictTarget,
    /// Before the version (`null`: not answered, or the record did not exist).
    pub before: serde_json::Value,
    /// After it.
    pub after: serde_json::Value,
}

/// A person named in a history or a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct Person {
    /// User id.
    pub id: Uuid,
    /// Name shown to people.
    pub name: String,
}

/// One household version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct VersionEntry {
    /// The version.
    pub version: i64,
    /// When the server made it.
    pub at: DateTime<Utc>,
    /// What made it.
    pub kind: ChangeKind,
    /// Who (absent for versions written before histories were kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Person>,
    /// The values it changed. A `create` lists none: its answers are the first values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub changes: Vec<FieldChange>,
    /// With `visit`: the visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_id: Option<Uuid>,
    /// With `review`: the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_id: Option<Uuid>,
    /// With `resolve`: the conflict settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_id: Option<Uuid>,
}

/// Which value a settlement keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// The value that was stored before the later edit.
    Stored,
    /// The later edit's value.
    Incoming,
    /// A value of the supervisor's own (`value`).
    Value,
}

/// `POST /v1/conflicts/{id}/resolve`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// The household version the supervisor looked at (`409 stale_version` otherwise).
    pub version: i64,
    /// Which value to keep.
    pub keep: Keep,
    /// With `keep: value`: the value (`null` clears an answer). Absent otherwise; a `null`
    /// that is sent is a value (`Some(Value::Null)`), not an absent one.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<serde_json::Value>,
}

/// A field that is present, `null` included (serde reads a present `null` as absent
/// otherwise).
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(deserializer).map(Some)
}

/// How a conflict was settled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct Resolution {
    /// Which value was kept.
    pub keep: Keep,
    /// The value the field holds now.
    pub value: serde_json::Value,
    /// The household version the settlement made; absent when the field already held it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// Who settled it.
    pub by: Person,
    /// When.
    pub at: DateTime<Utc>,
}

/// The answer to a settlement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct ResolveResponse {
    /// The conflict.
    pub conflict_id: Uuid,
    /// Its household.
    pub household_id: Uuid,
    /// The household's version now.
    pub household_version: i64,
    /// How it was settled.
    pub resolution: Resolution,
}

/// A household's history (`GET /v1/households/{id}/history`): its versions, decisions and
/// conflicts, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct HouseholdHistory {
    /// The household.
    pub household_id: Uuid,
    /// Its current version.
    pub version: i64,
    /// Its review status now.
    pub review_status: ReviewStatus,
    /// Every version.
    pub versions: Vec<VersionEntry>,
    /// Every decision.
    pub reviews: Vec<ReviewView>,
    /// Every conflict, settled or not.
    pub conflicts: Vec<super::office::ConflictView>,
}

/// The body of `409 stale_version`: the decision named a version that is no longer current.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct StaleVersion {
    /// The household's current version.
    pub current_version: i64,
    /// What changed after the version the decision named.
    pub changes: Vec<VersionEntry>,
}

/// In what order the queue lists households.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QueueOrder {
    /// Highest risk first, then the longest waiting.
    #[default]
    Risk,
    /// The longest waiting first.
    Age,
}

/// One household waiting for a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct QueueItem {
    /// The household.
    pub household_id: Uuid,
    /// Its current version (what a decision names).
    pub version: i64,
    /// `pending` or `resubmitted`.
    pub review_status: ReviewStatus,
    /// Its desa or kelurahan.
    pub desa: AreaRef,
    /// The desa's kecamatan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kecamatan: Option<AreaRef>,
    /// The head of household's name, as answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_name: Option<String>,
    /// The highest risk score (0–100) of its visits' checks.
    pub risk: i32,
    /// The flag codes of its visits' checks, each once.
    pub flags: Vec<String>,
    /// Photos its visits name.
    pub photos: u32,
    /// Since when it has waited.
    pub waiting_since: DateTime<Utc>,
    /// Whole days it has waited.
    pub waiting_days: u32,
    /// Waiting longer than `review.due_days`.
    pub overdue: bool,
}

/// Households waiting, by status, in the queue's scope and filters (without the cursor). Each
/// count stops at `counted_up_to`: a count equal to it means at least that many.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct QueueCounts {
    /// `pending`.
    pub pending: u64,
    /// `resubmitted`.
    pub resubmitted: u64,
    /// Of those, waiting longer than `review.due_days`.
    pub overdue: u64,
    /// Where counting stops.
    #[serde(default)]
    pub counted_up_to: u64,
}

/// `GET /v1/reviews/queue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct QueuePage {
    /// One page, in the asked order.
    pub items: Vec<QueueItem>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Households waiting under the same filters.
    pub counts: QueueCounts,
    /// The `review.due_days` the server counts overdue from.
    pub due_days: u32,
}

/// One household of a bulk approval, at the version the supervisor looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct BulkItem {
    /// The household.
    pub household_id: Uuid,
    /// The version looked at.
    pub version: i64,
}

/// `POST /v1/reviews/approve`: approve many households in one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct BulkApproveRequest {
    /// At most `MAX_BULK_APPROVE` households, each once.
    pub items: Vec<BulkItem>,
}

/// What became of one household of a bulk approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BulkOutcome {
    /// Approved (or already approved by this request's earlier copy).
    Approved,
    /// The household changed after the version named; nothing stored.
    StaleVersion,
    /// Not found in the supervisor's areas; nothing stored.
    NotFound,
    /// The supervisor wrote a value the household holds now (four eyes); nothing stored.
    FourEyes,
    /// Deleted; nothing stored.
    HouseholdDeleted,
}

/// One answer of a bulk approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct BulkResult {
    /// The household.
    pub household_id: Uuid,
    /// What became of it.
    pub outcome: BulkOutcome,
    /// Its version now (absent when not found).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// For people, in Indonesian.
    pub message: String,
}

/// The answer to a bulk approval: one result per item, in the request's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct BulkApproveResponse {
    /// One per item.
    pub results: Vec<BulkResult>,
}

/// Households of an area by review status (in indicators).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct ReviewCounts {
    /// Waiting, new or changed since the last decision.
    pub pending: u64,
    /// Waiting, fixed after a return.
    pub resubmitted: u64,
    /// Approved.
    pub approved: u64,
    /// Returned to the field worker.
    pub returned: u64,
    /// Rejected.
    pub rejected: u64,
    /// Waiting longer than `review.due_days`.
    pub overdue: u64,
}
