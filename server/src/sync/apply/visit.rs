//! record a visit: append-only and immutable.

use sea_orm::ConnectionTrait;
use sha2::Digest;
use sync_protocol::v1::{ChangeKind, FieldError, FieldErrorCode, RecordVisit, RejectCode};

use super::{Applied, Ctx, Failure, finish, form, invalid, reject, supervisors_only};
use crate::domain::sha256::Sha256;
use crate::household::Editing;
use crate::store::batch::WriteBatch;
use crate::store::households::Load;
use crate::store::{map, photos, quality, visits};

/// Photo kinds are short machine names such as `tampak_depan`.
fn valid_kind(kind: &str) -> bool {
    !kind.is_empty()
        && kind.len() <= 32
        && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

fn check(m: &RecordVisit) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(gps) = &m.gps {
        errors.extend(gps.check("gps"));
    }
    if m.ended_at < m.started_at {
        errors.push(FieldError::new(
            "ended_at",
            FieldErrorCode::OutOfRange,
            "waktu selesai tidak boleh sebelum waktu mulai",
        ));
    }
    for (i, photo) in m.photos.iter().enumerate() {
        if Sha256::parse(&photo.sha256).is_err() {
            errors.push(FieldError::new(
                format!("photos[{i}].sha256"),
                FieldErrorCode::InvalidFormat,
                "harus SHA-256 heksadesimal huruf kecil (64 karakter)",
            ));
        }
        if !valid_kind(&photo.kind) {
            errors.push(FieldError::new(
                format!("photos[{i}].kind"),
                FieldErrorCode::InvalidFormat,
                "jenis foto tidak valid",
            ));
        }
    }
    errors
}

pub(super) async fn record<C: ConnectionTrait>(
    ctx: &Ctx<'_, C>,
    batch: &mut WriteBatch,
    m: &RecordVisit,
) -> Result<Applied, Failure> {
    // Under the household's lock: a new visit is the household's next version, ordered with
    // the decisions on it (a supervisor's decision names the version it saw).
    let mut editing = Editing::lock(ctx.db, ctx.forms, m.household_id, 0, Load::Head)
        .await?
        .ok_or_else(|| {
            reject(
                RejectCode::HouseholdNotFound,
                "rumah tangga tidak ditemukan",
            )
        })?;
    if !ctx.actor.scope.covers(&editing.row.area_code) {
        return Err(reject(
            RejectCode::AreaOutOfScope,
            format!(
                "rumah tangga ini di wilayah {} di luar wilayah tugas Anda",
                editing.row.area_code
            ),
        ));
    }
    let form = form(ctx, &m.form_id, m.form_version).await?;
    let mut errors = form.check_household(&m.answers, "answers", true);
    errors.extend(check(m));
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    supervisors_only(
        ctx.actor,
        form.supervisor_household_fields(&m.answers, "answers"),
    )?;
    let body = serde_json::to_vec(m).expect("wire types serialize to JSON infallibly");
    let hash = hex::encode(sha2::Sha256::digest(&body));
    let by = visits::Recorded {
        user_id: ctx.actor.id,
        device_id: ctx.writer.device_id,
        hlc: &ctx.writer.hlc,
        received_at: ctx.now,
    };
    // A visit sent again under a new seq (the phone re-recorded it) is accepted when it is
    // the same visit, and refused when its content differs: visits are immutable.
    let inserted = visits::insert(ctx.db, m, &hash, by).await?;
    if !inserted
        && visits::content_hash(ctx.db, m.visit_id).await?.as_deref() != Some(hash.as_str())
    {
        return Err(reject(
            RejectCode::VisitImmutable,
            "kunjungan dengan id ini sudah tersimpan dengan isi berbeda",
        ));
    }
    photos::queue_visit_refs(batch, m, ctx.actor.id);
    // The same visit sent again had its check and position queued when it was first stored.
    if inserted {
        quality::queue(batch, m.visit_id, m.household_id, ctx.now);
        let photos: Vec<&str> = m.photos.iter().map(|p| p.sha256.as_str()).collect();
        let position = m.gps.as_ref().map(|g| (g.latitude, g.longitude));
        quality::requeue_neighbours(batch, m.household_id, position, &photos, ctx.now);
        if position.is_some() {
            quality::requeue_next_of_worker(batch, ctx.actor.id, m.visit_id, m.ended_at, ctx.now);
        }
        if let Some(gps) = &m.gps {
            map::queue_position(
                batch,
                m.household_id,
                (gps.latitude, gps.longitude),
                m.ended_at,
            );
        }
    }
    // A new visit makes the household's next version: a decision taken on the version before
    // it did not see it, and one on a decided household sends it back to review, as an edit
    // does (a returned household's photo taken again is how the worker fixes it).
    if inserted {
        editing.base_version = editing.row.version;
        editing.detail.visit_id = Some(m.visit_id);
        return finish(ctx, editing, ChangeKind::Visit, batch);
    }
    Ok(Applied {
        household_id: m.household_id,
        version: None,
        conflicts: Vec::new(),
    })
}
