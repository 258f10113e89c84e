//! What one household version changed: the record kept with each row of the change log, from
//! which a household's history and a stale decision's "what changed since" are read.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sync_protocol::v1::ConflictTarget;
use uuid::Uuid;

/// Pseudo-field of a member that was added.
pub const ADDED_FIELD: &str = "@added";
/// Pseudo-field of a member that was removed (the merge rules' name for it).
pub const REMOVED_FIELD: &str = "@removed";
/// Pseudo-field of a household's review status.
pub const REVIEW_FIELD: &str = "@review";

/// One value a version changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueChange {
    /// Which value.
    pub target: ConflictTarget,
    /// Before (`null`: unanswered, or the record did not exist).
    pub before: Value,
    /// After.
    pub after: Value,
}

/// What a version changed, as stored with its change-log row. Empty for a `create` (its
/// answers are the first values) and for rows written before histories were kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeDetail {
    /// The values changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ValueChange>,
    /// The visit that made the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_id: Option<Uuid>,
    /// The decision that made the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_id: Option<Uuid>,
    /// The conflict whose settlement made the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_id: Option<Uuid>,
}

impl ChangeDetail {
    /// Whether there is nothing to store.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.visit_id.is_none()
            && self.review_id.is_none()
            && self.conflict_id.is_none()
    }

    /// Records that `target` went from `before` to `after`, unless they are equal.
    pub fn record(&mut self, target: ConflictTarget, before: Value, after: Value) {
        if before != after {
            self.changes.push(ValueChange {
                target,
                before,
                after,
            });
        }
    }
}
