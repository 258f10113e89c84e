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
use sync_protocol::merge::{Authority, FieldConflict, Winner, Writer};
use sync_protocol::v1::{
    ChangeKind, ConflictNote, ConflictTarget, FieldError, Kept, Mutation, Op, Receipt,
    ReceiptStatus, RejectCode, Rejection,
};
use uuid::Uuid;

use crate::domain::actor::Actor;
use crate::domain::area::AreaCode;
use crate::domain::form::Form;
use crate::domain::scoring::ScoringConfig;
use crate::household::{Author, Editing};
use crate::store::StoreError;
use crate::store::areas::KnownAreas;
use crate::store::batch::WriteBatch;
use crate::store::forms::FormCache;
use crate::store::households::Load;

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

/// Refuses a field worker's mutation that writes answers the form gives to supervisors
/// (`owned`, from `Form::supervisor_household_fields` or `supervisor_member_fields`): field
/// workers never write them, not even where no supervisor has written yet.
pub(crate) fn supervisors_only(actor: &Actor, owned: Vec<FieldError>) -> Result<(), Failure> {
    if owned.is_empty() || matches!(actor.role.authority(), Authority::Supervisor) {
        return Ok(());
    }
    Err(Failure::Reject(Rejection {
        code: RejectCode::FieldOwnedBySupervisor,
        message: "jawaban yang diisi supervisor tidak dapat diubah petugas lapangan".to_owned(),
        fields: owned,
    }))
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

/// Locks the household for an edit based on `base_version`: it must exist, lie in the
/// pusher's scope, and be at least at that version.
async fn begin<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    household_id: Uuid,
    base_version: i64,
    load: Load,
) -> Result<Editing, Failure> {
    let editing = Editing::lock(ctx.db, ctx.forms, household_id, base_version, load)
        .await?
        .ok_or_else(|| {
            reject(
                RejectCode::HouseholdNotFound,
                "rumah tangga tidak ditemukan",
            )
        })?;
    let row = &editing.row;
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
    Ok(editing)
}

/// An edit of a deleted household revives it if the delete was concurrent.
fn revive(editing: &mut Editing, writer: &Writer) -> Result<(), Failure> {
    editing.revive(writer).map_err(|_| {
        reject(
            RejectCode::HouseholdDeleted,
            "rumah tangga sudah dihapus; tarik (pull) data terbaru",
        )
    })
}

/// Writes the household's next version and answers with what the receipt reports.
fn finish<C>(
    ctx: &Ctx<'_, C>,
    editing: Editing,
    kind: ChangeKind,
    batch: &mut WriteBatch,
) -> Result<Applied, Failure> {
    let author = Author {
        writer: &ctx.writer,
        seq: ctx.seq,
        now: ctx.now,
        scoring: ctx.scoring,
    };
    let finished = editing.finish(kind, &author, batch)?;
    Ok(Applied {
        household_id: finished.household_id,
        version: Some(finished.version),
        conflicts: finished
            .conflicts
            .into_iter()
            .map(|(id, target, conflict)| note(id, target, &conflict))
            .collect(),
    })
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
