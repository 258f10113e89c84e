//! The one path that changes a household. Sync (a phone's mutations), review (a supervisor's
//! decision) and conflict settlement all go through [`Editing`]: it holds the household's row
//! lock from [`Editing::lock`] to the end of the transaction, collects what the writer
//! changed, and [`Editing::finish`] writes the next version with everything that follows from
//! it — the score when answers changed, the change-log row (what pull serves and the history
//! reads), the conflicts, the visits' checks queued again, and the review status of a
//! household edited after a decision. Nothing else writes household rows. Reading one
//! household is [`read`].

pub mod read;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde_json::Value;
use sync_protocol::merge::{DELETED_FIELD, Edit, EditOfDeleted, FieldConflict, Writer};
use sync_protocol::v1::{ChangeKind, ConflictTarget, ReviewStatus};
use uuid::Uuid;

use crate::domain::form::Form;
use crate::domain::history::{ChangeDetail, REVIEW_FIELD};
use crate::domain::scoring::{self, ScoringConfig};
use crate::store::batch::WriteBatch;
use crate::store::changes::{self, NewChange};
use crate::store::forms::FormCache;
use crate::store::households::{self, Dirty, HouseholdRow, Load};
use crate::store::{StoreError, conflicts, quality, scores};

/// A household being edited under its row lock.
pub struct Editing {
    /// The household as loaded, changed in place by the writer.
    pub row: HouseholdRow,
    /// The form its answers follow.
    pub form: Arc<Form>,
    /// The version the writer's edit is based on.
    pub base_version: i64,
    /// Which column groups changed.
    pub dirty: Dirty,
    /// What changed, for the history.
    pub detail: ChangeDetail,
    prev_area: Option<String>,
    conflicts: Vec<(ConflictTarget, FieldConflict)>,
    /// Whether the visits' checks must run again, with the NIKs whose other households' checks
    /// must run again too.
    recheck: Option<Vec<String>>,
    /// A decision: the status it gives and its id. Without one, the edit is a data edit.
    decision: Option<(ReviewStatus, Uuid)>,
}

/// Who writes, and when.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    /// The writer stamped on what the edit writes.
    pub writer: &'a Writer,
    /// The mutation's seq on its device (0 for office edits), recorded with conflicts.
    pub seq: u64,
    /// Server time of the edit.
    pub now: DateTime<Utc>,
    /// Thresholds of the poverty score, recomputed when answers change.
    pub scoring: &'a ScoringConfig,
}

/// What [`Editing::finish`] wrote.
#[derive(Debug)]
pub struct Finished {
    /// The household.
    pub household_id: Uuid,
    /// Its new version.
    pub version: i64,
    /// The conflicts stored, with their ids.
    pub conflicts: Vec<(Uuid, ConflictTarget, FieldConflict)>,
}

impl Editing {
    /// Locks and loads the household (`None` when there is none), to be edited on top of
    /// `base_version`. Callers check scope and versions before changing anything.
    pub async fn lock<C: ConnectionTrait>(
        db: &C,
        forms: &FormCache,
        household_id: Uuid,
        base_version: i64,
        load: Load,
    ) -> Result<Option<Self>, StoreError> {
        let Some(row) = households::lock(db, household_id, load).await? else {
            return Ok(None);
        };
        let form = forms
            .get(db, &row.form_id, row.form_version)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("household {household_id} has no form")))?;
        Ok(Some(Self {
            row,
            form,
            base_version,
            dirty: Dirty::default(),
            detail: ChangeDetail::default(),
            prev_area: None,
            conflicts: Vec::new(),
            recheck: None,
            decision: None,
        }))
    }

    /// The merge rules' view of an edit by `writer` on this household.
    #[must_use]
    pub fn edit<'w>(&self, writer: &'w Writer) -> Edit<'w> {
        Edit {
            base_version: self.base_version,
            new_version: self.row.version + 1,
            writer,
        }
    }

    /// Before an edit of a deleted household: brings it back if the delete was concurrent
    /// (the conflict is kept); refuses if the writer had seen the delete.
    pub fn revive(&mut self, writer: &Writer) -> Result<(), EditOfDeleted> {
        let edit = self.edit(writer);
        if let Some(conflict) = self.row.record.revive_for(&edit)? {
            self.dirty.tombstone = true;
            self.detail.record(
                household_field(DELETED_FIELD),
                Value::Bool(true),
                Value::Bool(false),
            );
            self.conflict(household_field(&conflict.field), conflict);
        }
        Ok(())
    }

    /// Keeps a same-field conflict, to be stored with the version.
    pub fn conflict(&mut self, target: ConflictTarget, conflict: FieldConflict) {
        self.conflicts.push((target, conflict));
    }

    /// What the visits' checks look at changed (members, families): they run again, and so do
    /// those of other households holding one of these NIKs.
    pub fn recheck_visits(&mut self, niks: impl IntoIterator<Item = String>) {
        self.recheck.get_or_insert_with(Vec::new).extend(niks);
    }

    /// The household moved to `area` (in scope and known: the caller checked).
    pub fn move_to(&mut self, area: String) {
        if area != self.row.area_code {
            let old = std::mem::replace(&mut self.row.area_code, area);
            self.detail.record(
                household_field(sync_protocol::merge::AREA_FIELD),
                Value::String(old.clone()),
                Value::String(self.row.area_code.clone()),
            );
            self.prev_area = Some(old);
        }
    }

    /// Makes this edit a supervisor's decision: the household takes `status`, and `review_id`
    /// is its current decision.
    pub fn decide(&mut self, status: ReviewStatus, review_id: Uuid) {
        self.decision = Some((status, review_id));
        self.detail.review_id = Some(review_id);
    }

    /// Writes the household at its next version with everything that follows from the edit.
    pub fn finish(
        mut self,
        kind: ChangeKind,
        by: &Author<'_>,
        batch: &mut WriteBatch,
    ) -> Result<Finished, StoreError> {
        self.row.version += 1;
        let status = match self.decision {
            Some((status, review_id)) => {
                self.row.review_id = Some(review_id);
                status
            }
            // An edit after a decision sends the household back to review.
            None => self.row.review.after_edit_by(by.writer.authority),
        };
        if status != self.row.review || self.decision.is_some() {
            self.detail.record(
                household_field(REVIEW_FIELD),
                Value::String(self.row.review.as_str().to_owned()),
                Value::String(status.as_str().to_owned()),
            );
            self.row.review = status;
            self.dirty.review = true;
        }
        households::save(batch, &self.row, self.dirty, by.now)?;
        if self.dirty.answers && self.row.answers_loaded {
            let score = scoring::score(&self.row.record.fields, by.scoring);
            scores::queue_save(batch, self.row.id, self.row.version, &score, by.now);
        }
        let change = NewChange {
            household_id: self.row.id,
            version: self.row.version,
            area_code: &self.row.area_code,
            prev_area_code: self.prev_area.as_deref(),
            kind,
            user_id: by.writer.user_id,
            detail: &self.detail,
        };
        changes::append(batch, &change, by.now);
        if self.prev_area.is_some() {
            // Moved to another desa: the fix is now compared with another boundary, and the
            // household's conflicts go to the supervisors of the new desa.
            self.recheck_visits(None);
            conflicts::queue_move(batch, self.row.id, &self.row.area_code);
        }
        if let Some(niks) = &self.recheck {
            quality::requeue_household(batch, self.row.id, niks, by.now);
        }
        if self.dirty.tombstone {
            // Deleted or brought back: the households sharing its members' NIKs see it go or
            // come.
            quality::requeue_sharing_niks(batch, self.row.id, by.now);
        }
        let mut stored = Vec::with_capacity(self.conflicts.len());
        for (target, conflict) in self.conflicts {
            let new = conflicts::NewConflict {
                household_id: self.row.id,
                area_code: &self.row.area_code,
                target: &target,
                conflict: &conflict,
                base_version: self.base_version,
                incoming_version: self.row.version,
                incoming: by.writer,
                incoming_seq: by.seq,
            };
            let id = conflicts::insert(batch, &new, by.now);
            stored.push((id, target, conflict));
        }
        Ok(Finished {
            household_id: self.row.id,
            version: self.row.version,
            conflicts: stored,
        })
    }
}

/// Inserts a new household at version 1 (unless one with its id exists: then `false`, and
/// nothing is written), with its score and its change-log row.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    row: &HouseholdRow,
    by: &Author<'_>,
    batch: &mut WriteBatch,
) -> Result<bool, StoreError> {
    if !households::insert(db, row, by.writer.user_id, by.now).await? {
        return Ok(false);
    }
    let change = NewChange {
        household_id: row.id,
        version: row.version,
        area_code: &row.area_code,
        prev_area_code: None,
        kind: ChangeKind::Create,
        user_id: by.writer.user_id,
        detail: &ChangeDetail::default(),
    };
    changes::append(batch, &change, by.now);
    let score = scoring::score(&row.record.fields, by.scoring);
    scores::queue_save(batch, row.id, row.version, &score, by.now);
    Ok(true)
}

/// A household answer (or pseudo-field) as a conflict or history target.
#[must_use]
pub fn household_field(field: &str) -> ConflictTarget {
    ConflictTarget::Household {
        field: field.to_owned(),
    }
}
