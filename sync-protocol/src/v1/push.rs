//! Push: the device's mutation log, applied by the server in order and exactly once.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::{FieldError, FieldErrorCode};
use crate::hlc::Hlc;

/// Answers to form fields, by field name.
pub type Fields = BTreeMap<String, serde_json::Value>;

/// `POST /v1/sync/push`, generic over the mutation representation: phones send
/// `PushRequest<Mutation>`; the server reads `PushRequest<RawMutation>` so that one malformed
/// mutation is rejected on its own instead of failing the whole request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct PushRequest<M = Mutation> {
    /// The device (client id) whose log this is. Registered to the user at its first push.
    pub device_id: Uuid,
    /// The phone's clock when it sent this push; the server records the difference to its
    /// own clock as the device's clock skew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<DateTime<Utc>>,
    /// Consecutive mutations of the device's log, in seq order.
    pub mutations: Vec<M>,
}

/// A mutation as received, before its body is parsed: only `seq` must be readable. It keeps
/// the mutation's JSON text, which is parsed straight into the typed op (no intermediate tree).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawMutation(pub Box<serde_json::value::RawValue>);

impl PartialEq for RawMutation {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

/// Just the seq of a mutation; every other key is skipped.
#[derive(Deserialize)]
struct SeqProbe {
    seq: u64,
}

/// The fields every mutation has besides the op's own.
#[derive(Deserialize)]
struct Envelope<'a> {
    seq: u64,
    hlc: Hlc,
    #[serde(default)]
    device_time: Option<DateTime<Utc>>,
    #[serde(borrow, default)]
    op: Option<std::borrow::Cow<'a, str>>,
}

impl RawMutation {
    /// The mutation's seq, if it is a positive integer.
    #[must_use]
    pub fn seq(&self) -> Option<u64> {
        serde_json::from_str::<SeqProbe>(self.0.get())
            .ok()
            .map(|p| p.seq)
            .filter(|s| *s > 0)
    }

    /// Parses the whole mutation. The error names the path of the offending field.
    pub fn parse(&self) -> Result<Mutation, FieldError> {
        let text = self.0.get();
        if let Some(field) = nul_path(text) {
            return Err(FieldError::new(
                field,
                FieldErrorCode::InvalidFormat,
                "teks tidak boleh memuat karakter NUL (\\u0000)",
            ));
        }
        let envelope: Envelope<'_> = de(text)?;
        let Some(op) = envelope.op else {
            return Err(FieldError::new(
                "op",
                FieldErrorCode::Required,
                "op wajib diisi",
            ));
        };
        let op = match op.as_ref() {
            "create_household" => Op::CreateHousehold(de(text)?),
            "update_household" => Op::UpdateHousehold(de(text)?),
            "move_household" => Op::MoveHousehold(de(text)?),
            "delete_household" => Op::DeleteHousehold(de(text)?),
            "add_member" => Op::AddMember(de(text)?),
            "update_member" => Op::UpdateMember(de(text)?),
            "remove_member" => Op::RemoveMember(de(text)?),
            "put_family" => Op::PutFamily(de(text)?),
            "record_visit" => Op::RecordVisit(de(text)?),
            other => {
                return Err(FieldError::new(
                    "op",
                    FieldErrorCode::InvalidChoice,
                    format!("op tidak dikenal: {other}"),
                ));
            }
        };
        Ok(Mutation {
            seq: envelope.seq,
            hlc: envelope.hlc,
            device_time: envelope.device_time,
            op,
        })
    }
}

/// Where the first NUL character (`\u0000`) of a mutation is: in a text or in a key. No
/// database column stores one (PostgreSQL refuses it), so such a mutation can never be applied
/// and is rejected like any other that cannot be. `None` for text without one, found without
/// parsing: a NUL can only be written as that escape (text holding `\\u0000`, an escaped
/// backslash, is parsed, and has none).
fn nul_path(text: &str) -> Option<String> {
    if !text.contains(r"\u0000") {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    // The path itself is stored with the rejection: its own NULs are shown, not kept.
    find_nul(&value, "").map(|path| path.replace('\0', "\u{FFFD}"))
}

fn find_nul(value: &serde_json::Value, path: &str) -> Option<String> {
    match value {
        serde_json::Value::String(text) => text.contains('\0').then(|| path.to_owned()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| find_nul(item, &format!("{path}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(key, item)| {
            let inner = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if key.contains('\0') {
                Some(inner)
            } else {
                find_nul(item, &inner)
            }
        }),
        _ => None,
    }
}

/// Deserializes JSON text with the path of the first offending field in the error.
fn de<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, FieldError> {
    // Tracking the path slows down every parse, and almost every mutation parses: the path
    // is looked for only when the plain parse fails.
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            "mutation".to_owned()
        } else {
            path
        };
        FieldError::new(
            field,
            FieldErrorCode::WrongType,
            format!("mutasi tidak valid: {}", e.inner()),
        )
    })
}

/// One entry of a device's mutation log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct Mutation {
    /// Position in the device's log: 1, 2, 3… with no gaps.
    pub seq: u64,
    /// The device's hybrid logical clock when the change was made on the phone.
    pub hlc: Hlc,
    /// The phone's wall-clock time when the change was made. Recorded, never trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_time: Option<DateTime<Utc>>,
    /// What to do.
    #[serde(flatten)]
    pub op: Op,
}

/// The kinds of mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// A new household (its id made on the phone).
    CreateHousehold(CreateHousehold),
    /// Change answers of a household, based on the version the phone had.
    UpdateHousehold(UpdateHousehold),
    /// Move a household to another desa/kelurahan.
    MoveHousehold(MoveHousehold),
    /// Soft-delete a household. Loses against a concurrent edit.
    DeleteHousehold(DeleteHousehold),
    /// Add a member (id made on the phone).
    AddMember(AddMember),
    /// Change a member's answers.
    UpdateMember(UpdateMember),
    /// Soft-remove a member. Loses against a concurrent edit of that member.
    RemoveMember(RemoveMember),
    /// Add a family (Kartu Keluarga) to a household or change its No KK.
    PutFamily(PutFamily),
    /// Record one survey visit: immutable.
    RecordVisit(RecordVisit),
}

impl Op {
    /// The household the mutation is about.
    #[must_use]
    pub fn household_id(&self) -> Uuid {
        match self {
            Op::CreateHousehold(m) => m.household_id,
            Op::UpdateHousehold(m) => m.household_id,
            Op::MoveHousehold(m) => m.household_id,
            Op::DeleteHousehold(m) => m.household_id,
            Op::AddMember(m) => m.household_id,
            Op::UpdateMember(m) => m.household_id,
            Op::RemoveMember(m) => m.household_id,
            Op::PutFamily(m) => m.household_id,
            Op::RecordVisit(m) => m.household_id,
        }
    }

    /// The op's name on the wire.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Op::CreateHousehold(_) => "create_household",
            Op::UpdateHousehold(_) => "update_household",
            Op::MoveHousehold(_) => "move_household",
            Op::DeleteHousehold(_) => "delete_household",
            Op::AddMember(_) => "add_member",
            Op::UpdateMember(_) => "update_member",
            Op::RemoveMember(_) => "remove_member",
            Op::PutFamily(_) => "put_family",
            Op::RecordVisit(_) => "record_visit",
        }
    }
}

/// `create_household`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct CreateHousehold {
    /// New household id, made on the phone.
    pub household_id: Uuid,
    /// Kemendagri code of the desa/kelurahan, e.g. `73.22.01.2001`.
    pub area_code: String,
    /// The form the answers follow.
    pub form_id: String,
    /// The form version the answers follow.
    pub form_version: i32,
    /// Household-level answers.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: Fields,
}

/// `update_household`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct UpdateHousehold {
    /// Household id.
    pub household_id: Uuid,
    /// The household version the phone last pulled (0 if it created the household itself and
    /// has not pulled since).
    pub base_version: i64,
    /// Changed answers only. `null` clears an answer.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: Fields,
}

/// `move_household`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct MoveHousehold {
    /// Household id.
    pub household_id: Uuid,
    /// The household version the phone last pulled.
    pub base_version: i64,
    /// The new desa/kelurahan code.
    pub area_code: String,
}

/// `delete_household`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct DeleteHousehold {
    /// Household id.
    pub household_id: Uuid,
    /// The household version the phone last pulled.
    pub base_version: i64,
}

/// `add_member`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct AddMember {
    /// Household id.
    pub household_id: Uuid,
    /// New member id, made on the phone.
    pub member_id: Uuid,
    /// The household version the phone last pulled.
    pub base_version: i64,
    /// The family (Kartu Keluarga) the member is listed on, if known.
    #[serde(default)]
    pub family_id: Option<Uuid>,
    /// Member answers (NIK, name, relation to the head, sex, birth date…).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: Fields,
}

/// `update_member`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct UpdateMember {
    /// Household id.
    pub household_id: Uuid,
    /// Member id.
    pub member_id: Uuid,
    /// The household version the phone last pulled.
    pub base_version: i64,
    /// Changed answers only. `null` clears an answer.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: Fields,
}

/// `remove_member`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct RemoveMember {
    /// Household id.
    pub household_id: Uuid,
    /// Member id.
    pub member_id: Uuid,
    /// The household version the phone last pulled.
    pub base_version: i64,
}

/// `put_family`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct PutFamily {
    /// Household id.
    pub household_id: Uuid,
    /// Family id, made on the phone when the family was first recorded.
    pub family_id: Uuid,
    /// The household version the phone last pulled.
    pub base_version: i64,
    /// The 16-digit No KK, or `null` when not known yet.
    pub no_kk: Option<String>,
}

/// A GPS fix as the phone reported it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct GpsFix {
    /// Degrees, −90…90.
    pub latitude: f64,
    /// Degrees, −180…180.
    pub longitude: f64,
    /// Horizontal accuracy in metres as reported by the phone (≥ 0).
    pub accuracy_m: f64,
    /// Android's "mock location" flag.
    #[serde(default)]
    pub mock: bool,
    /// When the fix was taken, by the phone's clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_at: Option<DateTime<Utc>>,
}

impl GpsFix {
    /// Range checks; the path of each error starts with `prefix`.
    #[must_use]
    pub fn check(&self, prefix: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut range = |name: &str, value: f64, min: f64, max: f64| {
            if !value.is_finite() || value < min || value > max {
                errors.push(FieldError::new(
                    format!("{prefix}.{name}"),
                    FieldErrorCode::OutOfRange,
                    format!("{name} harus di antara {min} dan {max}"),
                ));
            }
        };
        range("latitude", self.latitude, -90.0, 90.0);
        range("longitude", self.longitude, -180.0, 180.0);
        range("accuracy_m", self.accuracy_m, 0.0, 100_000.0);
        errors
    }
}

/// A photo referenced by a visit, by content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct PhotoRef {
    /// Lower-case hex SHA-256 of the file.
    pub sha256: String,
    /// What the photo shows: `tampak_depan`, `tampak_dalam`, `lantai`, `dinding`, `atap`,
    /// `dapur`, `jamban`, `sumber_air`…
    pub kind: String,
}

/// `record_visit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct RecordVisit {
    /// New visit id, made on the phone.
    pub visit_id: Uuid,
    /// Household id.
    pub household_id: Uuid,
    /// The form used.
    pub form_id: String,
    /// The form version used.
    pub form_version: i32,
    /// When the interview started, by the phone's clock.
    pub started_at: DateTime<Utc>,
    /// When the interview ended, by the phone's clock.
    pub ended_at: DateTime<Utc>,
    /// The answers as given in this visit (household-level fields).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: Fields,
    /// The GPS fix taken at the house, if any.
    #[serde(default)]
    pub gps: Option<GpsFix>,
    /// Photos taken in this visit.
    #[serde(default)]
    pub photos: Vec<PhotoRef>,
}

/// The answer to a push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct PushResponse {
    /// The server's time when it answered.
    pub server_time: DateTime<Utc>,
    /// The server's clock after observing the pushed stamps.
    pub server_hlc: Hlc,
    /// One receipt per pushed mutation, in seq order. Replays get the stored receipt.
    pub receipts: Vec<Receipt>,
    /// The seq the server expects next from this device.
    pub next_seq: u64,
}

/// The stored outcome of one mutation. Stored in the same transaction as the effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct Receipt {
    /// The mutation's seq.
    pub seq: u64,
    /// `applied` or `rejected`. Both advance the device's seq.
    pub status: ReceiptStatus,
    /// The household the mutation touched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household_id: Option<Uuid>,
    /// The household version after the mutation, when it changed the household.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household_version: Option<i64>,
    /// Same-field conflicts this mutation met; each is stored for a supervisor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub conflicts: Vec<ConflictNote>,
    /// Why the mutation was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<Rejection>,
}

/// Whether a mutation took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStatus {
    /// The mutation was applied (possibly with conflicts, see `conflicts`).
    Applied,
    /// The mutation is permanently invalid. Nothing of it was stored but this receipt.
    Rejected,
}

/// Why a mutation was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct Rejection {
    /// Stable code.
    pub code: RejectCode,
    /// A message for people, in Indonesian.
    pub message: String,
    /// Field-level reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub fields: Vec<FieldError>,
}

/// Mutation rejection codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The mutation's JSON does not have the shape of any op.
    MalformedMutation,
    /// One or more fields are invalid; see `fields`.
    ValidationFailed,
    /// The household's area (or the target area) is outside the user's areas.
    AreaOutOfScope,
    /// The area code is not a known desa/kelurahan.
    UnknownArea,
    /// The form (id and version) is not known to the server.
    UnknownForm,
    /// The household does not exist.
    HouseholdNotFound,
    /// A household with this id already exists.
    HouseholdAlreadyExists,
    /// The household was deleted before the phone's base version; it cannot be edited.
    HouseholdDeleted,
    /// The member does not exist in this household.
    MemberNotFound,
    /// A member with this id already exists.
    MemberAlreadyExists,
    /// The member was removed before the phone's base version.
    MemberRemoved,
    /// The family does not exist in this household.
    FamilyNotFound,
    /// A visit with this id exists with different content; visits are immutable.
    VisitImmutable,
    /// `base_version` is negative or newer than the household.
    InvalidBaseVersion,
    /// A field worker wrote an answer the form gives to supervisors (`"owner": "supervisor"`);
    /// `fields` names them.
    FieldOwnedBySupervisor,
}

impl RejectCode {
    /// Every code.
    pub const ALL: [RejectCode; 15] = [
        RejectCode::MalformedMutation,
        RejectCode::ValidationFailed,
        RejectCode::AreaOutOfScope,
        RejectCode::UnknownArea,
        RejectCode::UnknownForm,
        RejectCode::HouseholdNotFound,
        RejectCode::HouseholdAlreadyExists,
        RejectCode::HouseholdDeleted,
        RejectCode::MemberNotFound,
        RejectCode::MemberAlreadyExists,
        RejectCode::MemberRemoved,
        RejectCode::FamilyNotFound,
        RejectCode::VisitImmutable,
        RejectCode::InvalidBaseVersion,
        RejectCode::FieldOwnedBySupervisor,
    ];

    /// The name sent on the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::MalformedMutation => "malformed_mutation",
            RejectCode::ValidationFailed => "validation_failed",
            RejectCode::AreaOutOfScope => "area_out_of_scope",
            RejectCode::UnknownArea => "unknown_area",
            RejectCode::UnknownForm => "unknown_form",
            RejectCode::HouseholdNotFound => "household_not_found",
            RejectCode::HouseholdAlreadyExists => "household_already_exists",
            RejectCode::HouseholdDeleted => "household_deleted",
            RejectCode::MemberNotFound => "member_not_found",
            RejectCode::MemberAlreadyExists => "member_already_exists",
            RejectCode::MemberRemoved => "member_removed",
            RejectCode::FamilyNotFound => "family_not_found",
            RejectCode::VisitImmutable => "visit_immutable",
            RejectCode::InvalidBaseVersion => "invalid_base_version",
            RejectCode::FieldOwnedBySupervisor => "field_owned_by_supervisor",
        }
    }
}

/// A same-field conflict met by a mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct ConflictNote {
    /// Id of the stored conflict, for the supervisor's review.
    pub conflict_id: Uuid,
    /// What was in conflict.
    pub target: ConflictTarget,
    /// Whose value the field now has.
    pub kept: Kept,
    /// The value that was not kept.
    pub discarded_value: serde_json::Value,
}

/// The field a conflict is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConflictTarget {
    /// A household answer, or `@area` / `@deleted`.
    Household {
        /// Field name.
        field: String,
    },
    /// A member answer, or `@removed`.
    Member {
        /// Member id.
        member_id: Uuid,
        /// Field name.
        field: String,
    },
    /// A family's No KK.
    Family {
        /// Family id.
        family_id: Uuid,
        /// Always `no_kk`.
        field: String,
    },
}

/// The side whose value won a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kept {
    /// The pushed value won.
    Yours,
    /// The value already stored (written by someone else) won.
    Theirs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reject_code_is_named_as_the_wire_names_it() {
        for code in RejectCode::ALL {
            let wire = serde_json::to_value(code).expect("serializes");
            assert_eq!(wire.as_str(), Some(code.as_str()));
        }
    }
}
