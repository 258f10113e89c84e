//! Applying one mutation inside the push transaction.
//!
//! A permanently invalid mutation becomes a `rejected` receipt (and nothing else is written);
//! only storage failures abort the batch. Rejections are decided before any statement that
//! could fail, so a PostgreSQL transaction is never left aborted by one.

mod household;
mod member;
mod visit;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use sync_protocol::merge::{Edit, FieldConflict, Winner, Writer};
use sync_protocol::v1::{
    ConflictNote, ConflictTarget, FieldError, Kept, Mutation, Op, Receipt, ReceiptStatus,
    RejectCode, Rejection,
};
use uuid::Uuid;

use crate::domain::actor::Actor;
use crate::domain::area::AreaCode;
use crate::domain::form::Form;
use crate::domain::scoring::{self, ScoringConfig};
use crate::store::areas::KnownAreas;
use crate::store::batch::WriteBatch;
use crate::store::forms::FormCache;
use crate::store::households::{self, Dirty, HouseholdRow, Load};
use crate::store::{StoreError, changes, conflicts, quality, scores};

/// Everything a mutation is applied with.
pub(crate) struct Ctx<'a, C> {
    /// The transaction.
    pub(crate) db: &'a C,
    /// Who pushed.
    pub(crate) actor: &'a Actor,
    /// The writer stamped on what the mutation writes.
    pub(crate) writer: Writer,
    /// Published forms.
    pub(crate) forms: &'a FormCache,
    /// Areas known to exist.
    pub(crate) areas: &'a KnownAreas,
    /// Thresholds of the poverty score, recomputed when answers change.
    pub(crate) scoring: &'a ScoringConfig,
    /// Server time of the push.
    pub(crate) now: DateTime<Utc>,
    /// The mutation's seq.
    pub(crate) seq: u64,
}

/// What an applied mutation did.
pub(crate) struct Applied {
    household_id: Uuid,
    version: Option<i64>,
    conflicts: Vec<ConflictNote>,
}

/// Why a mutation was not applied.
pub(crate) enum Failure {
    Reject(Rejection),
    Store(StoreError),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

pub(crate) fn reject(code: RejectCode, message: impl Into<String>) -> Failure {
    Failure::Reject(Rejection {
        code,
        message: message.into(),
        fields: Vec::new(),
    })
}

pub(crate) fn invalid(fields: Vec<FieldError>) -> Failure {
    Failure::Reject(Rejection {
        code: RejectCode::ValidationFailed,
        message: "isian tidak valid; lihat daftar field".to_owned(),
        fields,
    })
}

/// Applies one parsed mutation and returns its receipt; `Err` only for storage failures.
/// Reads go to the database at once; writes nothing reads back are queued in `batch`.
pub(crate) async fn apply<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    batch: &mut WriteBatch,
    mutation: &Mutation,
) -> Result<Receipt, StoreError> {
    let household_id = mutation.op.household_id();
    let outcome = match &mutation.op {
        Op::CreateHousehold(m) => household::create(ctx, batch, m).await,
        Op::UpdateHousehold(m) => household::update(ctx, batch, m).await,
        Op::MoveHousehold(m) => household::move_to(ctx, batch, m).await,
        Op::DeleteHousehold(m) => household::delete(ctx, batch, m).await,
        Op::AddMember(m) => member::add(ctx, batch, m).await,
        Op::UpdateMember(m) => member::update(ctx, batch, m).await,
        Op::RemoveMember(m) => member::remove(ctx, batch, m).await,
        Op::PutFamily(m) => member::put_family(ctx, batch, m).await,
        Op::RecordVisit(m) => visit::record(ctx, batch, m).await,
    };
    match outcome {
        Ok(applied) => Ok(Receipt {
            seq: mutation.seq,
            status: ReceiptStatus::Applied,
            household_id: Some(applied.household_id),
            household_version: applied.version,
            conflicts: applied.conflicts,
            rejection: None,
        }),
        Err(Failure::Reject(rejection)) => {
            Ok(rejected(mutation.seq, Some(household_id), rejection))
        }
        Err(Failure::Store(e)) => Err(e),
    }
}

/// The receipt of a rejected mutation.
pub(crate) fn rejected(seq: u64, household_id: Option<Uuid>, rejection: Rejection) -> Receipt {
    Receipt {
        seq,
        status: ReceiptStatus::Rejected,
        household_id,
        household_version: None,
        conflicts: Vec::new(),
        rejection: Some(rejection),
    }
}

/// Parses a desa/kelurahan code from a mutation and checks it is known and in scope.
async fn village_in_scope<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    code: &str,
    field: &str,
) -> Result<AreaCode, Failure> {
    let area = AreaCode::parse(code)
        .ok()
        .filter(AreaCode::is_village)
        .ok_or_else(|| {
            invalid(vec![FieldError::new(
                field,
                sync_protocol::v1::FieldErrorCode::InvalidFormat,
                "harus kode desa/kelurahan Kemendagri, contoh 73.22.01.2001",
            )])
        })?;
    if !ctx.actor.scope.covers(area.as_str()) {
        return Err(reject(
            RejectCode::AreaOutOfScope,
            format!("wilayah {area} di luar wilayah tugas Anda"),
        ));
    }
    if !ctx.areas.exists(ctx.db, area.as_str()).await? {
        return Err(reject(
            RejectCode::UnknownArea,
            format!("wilayah {area} tidak terdaftar"),
        ));
    }
    Ok(area)
}

async fn form<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    id: &str,
    version: i32,
) -> Result<Arc<Form>, Failure> {
    ctx.forms.get(ctx.db, id, version).await?.ok_or_else(|| {
        reject(
            RejectCode::UnknownForm,
            format!("formulir {id} versi {version} tidak dikenal"),
        )
    })
}

/// A household being edited under its row lock: collects conflicts, then writes everything.
pub(crate) struct Editing {
    row: HouseholdRow,
    form: Arc<Form>,
    base_version: i64,
    prev_area: Option<String>,
    dirty: Dirty,
    conflicts: Vec<(ConflictTarget, FieldConflict)>,
    /// Whether the visits' checks must run again, with the NIKs whose other households' checks
    /// must run again too.
    recheck: Option<Vec<String>>,
}

impl Editing {
    /// Locks and loads the household, checking scope and the base version.
    async fn begin<C: ConnectionTrait>(
        ctx: &Ctx<'_, C>,
        household_id: Uuid,
        base_version: i64,
        load: Load,
    ) -> Result<Self, Failure> {
        let row = households::lock(ctx.db, household_id, load)
            .await?
            .ok_or_else(|| {
                reject(
                    RejectCode::HouseholdNotFound,
                    "rumah tangga tidak ditemukan",
                )
            })?;
        if !ctx.actor.scope.covers(&row.area_code) {
            return Err(reject(
                RejectCode::AreaOutOfScope,
                format!(
                    "rumah tangga ini di wilayah {} di luar wilayah tugas Anda",
                    row.area_code
                ),
            ));
        }
        if base_version < 0 || base_version > row.version {
            return Err(reject(
                RejectCode::InvalidBaseVersion,
                format!(
                    "base_version {base_version} tidak sah (versi sekarang {})",
                    row.version
                ),
            ));
        }
        let form = ctx
            .forms
            .get(ctx.db, &row.form_id, row.form_version)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("household {household_id} has no form")))?;
        Ok(Self {
            row,
            form,
            base_version,
            prev_area: None,
            dirty: Dirty::default(),
            conflicts: Vec::new(),
            recheck: None,
        })
    }

    fn edit<'w>(&self, writer: &'w Writer) -> Edit<'w> {
        Edit {
            base_version: self.base_version,
            new_version: self.row.version + 1,
            writer,
        }
    }

    /// An edit of a deleted household revives it if the delete was concurrent.
    fn revive(&mut self, writer: &Writer) -> Result<(), Failure> {
        let edit = self.edit(writer);
        match self.row.record.revive_for(&edit) {
            Ok(None) => Ok(()),
            Ok(Some(conflict)) => {
                self.dirty.tombstone = true;
                self.conflict(household_field(&conflict.field), conflict);
                Ok(())
            }
            Err(_) => Err(reject(
                RejectCode::HouseholdDeleted,
                "rumah tangga sudah dihapus; tarik (pull) data terbaru",
            )),
        }
    }

    fn conflict(&mut self, target: ConflictTarget, conflict: FieldConflict) {
        self.conflicts.push((target, conflict));
    }

    /// What the visits' checks look at changed (members, families): they run again, and so do
    /// those of other households holding one of these NIKs.
    fn recheck_visits(&mut self, niks: impl IntoIterator<Item = String>) {
        self.recheck.get_or_insert_with(Vec::new).extend(niks);
    }

    /// Queues the household at its next version, the change log row and the conflicts.
    fn finish<C>(mut self, ctx: &Ctx<'_, C>, batch: &mut WriteBatch) -> Result<Applied, Failure> {
        self.row.version += 1;
        households::save(batch, &self.row, self.dirty, ctx.now)?;
        if self.dirty.answers && self.row.answers_loaded {
            let score = scoring::score(&self.row.record.fields, ctx.scoring);
            scores::queue_save(batch, self.row.id, self.row.version, &score, ctx.now);
        }
        changes::append(
            batch,
            self.row.id,
            self.row.version,
            &self.row.area_code,
            self.prev_area.as_deref(),
            ctx.now,
        );
        if self.prev_area.is_some() {
            // Moved to another desa: the fix is now compared with another boundary, and the
            // household's conflicts go to the supervisors of the new desa.
            self.recheck_visits(None);
            conflicts::queue_move(batch, self.row.id, &self.row.area_code);
        }
        if let Some(niks) = &self.recheck {
            quality::requeue_household(batch, self.row.id, niks, ctx.now);
        }
        if self.dirty.tombstone {
            // Deleted or brought back: the households sharing its members' NIKs see it go or
            // come.
            quality::requeue_sharing_niks(batch, self.row.id, ctx.now);
        }
        let mut notes = Vec::with_capacity(self.conflicts.len());
        for (target, conflict) in &self.conflicts {
            let stored = conflicts::NewConflict {
                household_id: self.row.id,
                area_code: &self.row.area_code,
                target,
                conflict,
                base_version: self.base_version,
                incoming_version: self.row.version,
                incoming: &ctx.writer,
                incoming_seq: ctx.seq,
            };
            let conflict_id = conflicts::insert(batch, &stored, ctx.now);
            notes.push(note(conflict_id, target.clone(), conflict));
        }
        Ok(Applied {
            household_id: self.row.id,
            version: Some(self.row.version),
            conflicts: notes,
        })
    }
}

fn household_field(field: &str) -> ConflictTarget {
    ConflictTarget::Household {
        field: field.to_owned(),
    }
}

fn note(conflict_id: Uuid, target: ConflictTarget, c: &FieldConflict) -> ConflictNote {
    let (kept, discarded_value) = match c.winner {
        Winner::Incoming => (Kept::Yours, c.stored_value.clone()),
        Winner::Stored => (Kept::Theirs, c.incoming_value.clone()),
    };
    ConflictNote {
        conflict_id,
        target,
        kept,
        discarded_value,
    }
}
