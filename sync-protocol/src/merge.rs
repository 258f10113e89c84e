//! Merge rules: how the server applies an edit made on a possibly stale copy.
//!
//! The server applies mutations one at a time in *server order* (the order in which it takes
//! the household's row lock). Every applied mutation produces the next household version, and
//! every stored value carries a [`Stamp`]: the version that wrote it and who wrote it. An edit
//! carries the version it was based on; field by field:
//!
//! 1. a field not written since the base version takes the new value;
//! 2. a field last written by the same device takes the new value (a device's own offline
//!    chain of edits never conflicts with itself);
//! 3. a field written since the base by someone else to the *same* value is left as it is;
//! 4. otherwise the field's [`FieldPolicy`] picks a winner, and both values are returned as a
//!    [`FieldConflict`] to be stored for a supervisor.
//!
//! Laws (checked by the property tests below):
//! - *No silent overwrite*: whenever a value written after the base by another device is
//!   replaced or kept against a different incoming value, a conflict is reported.
//! - *No false conflict*: an edit based on the current version never conflicts.
//! - *Determinism*: the outcome depends only on the stored record and the edit, never on
//!   clocks, so every replica that applies the same server order reaches the same state.
//!
//! Deletes are soft (a tombstone stamp) and lose against a concurrent edit; an edit made
//! without having seen a concurrent delete revives the record (the add-wins / edit-wins rule).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::hlc::Hlc;
use crate::v1::Fields;

/// Pseudo-field name used in conflicts about a soft delete.
pub const DELETED_FIELD: &str = "@deleted";
/// Pseudo-field name used in conflicts about a household's area.
pub const AREA_FIELD: &str = "@area";

/// Whose authority a write carries when a field's policy prefers supervisors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// A field worker (enumerator).
    FieldWorker,
    /// A supervisor or an admin.
    Supervisor,
}

/// Who made a write.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct Writer {
    /// The user.
    pub user_id: Uuid,
    /// The device (client id).
    pub device_id: Uuid,
    /// The user's authority.
    pub authority: Authority,
    /// The device's clock stamp of the mutation. Recorded for people; never decides a winner.
    pub hlc: Hlc,
}

/// The stamp on a stored value: which version wrote it, and who.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct Stamp {
    /// The household version produced by the write.
    pub version: i64,
    /// The writer.
    pub writer: Writer,
}

/// How a same-field conflict is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldPolicy {
    /// Ordinary answers: the write later in server order wins.
    LastWriterWins,
    /// Supervisor-owned fields: a supervisor's value is not overwritten by a field worker.
    PreferSupervisor,
}

/// Which value a conflict kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Winner {
    /// The incoming edit's value.
    Incoming,
    /// The value that was stored.
    Stored,
}

/// A same-field conflict: both values and both authors, for a supervisor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// The field (or a pseudo-field such as [`DELETED_FIELD`]).
    pub field: String,
    /// The value stored before the edit.
    pub stored_value: Value,
    /// Who wrote the stored value, and at which version.
    pub stored_stamp: Stamp,
    /// The value the edit carried.
    pub incoming_value: Value,
    /// Which one the field has now.
    pub winner: Winner,
    /// The policy that decided.
    pub policy: FieldPolicy,
}

/// An edit being applied: the version it was based on, the version it produces, its writer.
#[derive(Debug, Clone, Copy)]
pub struct Edit<'a> {
    /// The version the phone had when it made the edit.
    pub base_version: i64,
    /// The version this edit produces if it changes anything.
    pub new_version: i64,
    /// Who made it.
    pub writer: &'a Writer,
}

impl Edit<'_> {
    /// The stamp this edit puts on what it writes.
    #[must_use]
    pub fn stamp(&self) -> Stamp {
        Stamp {
            version: self.new_version,
            writer: self.writer.clone(),
        }
    }

    /// Whether `stamp` was written after this edit's base by another device.
    #[must_use]
    pub fn is_concurrent(&self, stamp: &Stamp) -> bool {
        stamp.version > self.base_version && stamp.writer.device_id != self.writer.device_id
    }
}

/// A mergeable record: a household's or a member's answers with their stamps.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Current values. A cleared answer is absent here but keeps its stamp.
    pub fields: Fields,
    /// The stamp of every field ever written.
    pub stamps: BTreeMap<String, Stamp>,
    /// Set when the record is soft-deleted.
    pub tombstone: Option<Stamp>,
}

/// What [`Record::merge_fields`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldMerge {
    /// Fields whose value or stamp changed.
    pub changed: Vec<String>,
    /// Same-field conflicts, each to be stored.
    pub conflicts: Vec<FieldConflict>,
}

/// What happened to a delete.
#[derive(Debug, Clone, PartialEq)]
pub enum DeleteOutcome {
    /// The record is now deleted.
    Deleted,
    /// It was already deleted; nothing changed.
    AlreadyDeleted,
    /// Someone else edited it since the delete's base: the delete lost.
    Lost(FieldConflict),
}

/// The record was deleted and the edit had seen the delete (or made it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditOfDeleted;

impl Record {
    /// A new record holding `fields`, all stamped by `edit`.
    #[must_use]
    pub fn created(fields: &Fields, edit: &Edit<'_>) -> Self {
        let mut record = Record::default();
        for (name, value) in fields {
            record.set(name, value, edit.stamp());
        }
        record
    }

    fn set(&mut self, name: &str, value: &Value, stamp: Stamp) {
        if value.is_null() {
            self.fields.remove(name);
        } else {
            self.fields.insert(name.to_owned(), value.clone());
        }
        self.stamps.insert(name.to_owned(), stamp);
    }

    fn value(&self, name: &str) -> Value {
        self.fields.get(name).cloned().unwrap_or(Value::Null)
    }

    /// The newest stamp written after `base` by a device other than `device`, if any.
    #[must_use]
    pub fn concurrent_stamp(&self, base: i64, device: Uuid) -> Option<&Stamp> {
        self.stamps
            .values()
            .chain(self.tombstone.as_ref())
            .filter(|s| s.version > base && s.writer.device_id != device)
            .max_by_key(|s| s.version)
    }

    /// Applies `changes` field by field (see the module documentation).
    pub fn merge_fields(
        &mut self,
        changes: &Fields,
        edit: &Edit<'_>,
        policy: impl Fn(&str) -> FieldPolicy,
    ) -> FieldMerge {
        let mut out = FieldMerge::default();
        for (name, incoming) in changes {
            let stored = self.value(name);
            let Some(stamp) = self
                .stamps
                .get(name)
                .filter(|s| edit.is_concurrent(s))
                .cloned()
            else {
                if stored != *incoming || !self.stamps.contains_key(name) {
                    self.set(name, incoming, edit.stamp());
                    out.changed.push(name.clone());
                } else {
                    // Same value re-sent: keep the original stamp, so the field's author stays.
                }
                continue;
            };
            if stored == *incoming {
                continue;
            }
            let policy = policy(name);
            let winner = decide(policy, &stamp.writer, edit.writer);
            if winner == Winner::Incoming {
                self.set(name, incoming, edit.stamp());
                out.changed.push(name.clone());
            }
            out.conflicts.push(FieldConflict {
                field: name.clone(),
                stored_value: stored,
                stored_stamp: stamp,
                incoming_value: incoming.clone(),
                winner,
                policy,
            });
        }
        out
    }

    /// Sets a value by a supervisor's authority, settling a conflict: no merge, whatever was
    /// written since, stamped by `edit`. Returns whether the value changed (an equal value
    /// keeps its stamp and its author).
    pub fn settle(&mut self, name: &str, value: &Value, edit: &Edit<'_>) -> bool {
        if self.value(name) == *value {
            return false;
        }
        self.set(name, value, edit.stamp());
        true
    }

    /// Soft-deletes the record unless someone else edited it since the delete's base.
    /// `concurrent` is the newest concurrent stamp in the record *and* in everything the record
    /// owns (a household's members and families), as found by [`Record::concurrent_stamp`].
    pub fn delete(&mut self, edit: &Edit<'_>, concurrent: Option<&Stamp>) -> DeleteOutcome {
        if self.tombstone.is_some() {
            return DeleteOutcome::AlreadyDeleted;
        }
        if let Some(stamp) = concurrent {
            return DeleteOutcome::Lost(FieldConflict {
                field: DELETED_FIELD.to_owned(),
                stored_value: Value::Bool(false),
                stored_stamp: stamp.clone(),
                incoming_value: Value::Bool(true),
                winner: Winner::Stored,
                policy: FieldPolicy::LastWriterWins,
            });
        }
        self.tombstone = Some(edit.stamp());
        DeleteOutcome::Deleted
    }

    /// Before an edit of a deleted record: revives it if the delete was concurrent (the edit
    /// wins, and the conflict is returned); refuses if the edit's author had seen the delete.
    pub fn revive_for(&mut self, edit: &Edit<'_>) -> Result<Option<FieldConflict>, EditOfDeleted> {
        let Some(tombstone) = self.tombstone.clone() else {
            return Ok(None);
        };
        if !edit.is_concurrent(&tombstone) {
            return Err(EditOfDeleted);
        }
        self.tombstone = None;
        Ok(Some(FieldConflict {
            field: DELETED_FIELD.to_owned(),
            stored_value: Value::Bool(true),
            stored_stamp: tombstone,
            incoming_value: Value::Bool(false),
            winner: Winner::Incoming,
            policy: FieldPolicy::LastWriterWins,
        }))
    }
}

/// Merges a single value that is not part of a field map (a household's area, a family's
/// No KK) by the same rules as [`Record::merge_fields`].
pub fn merge_value(
    field: &str,
    stored: &mut Value,
    stamp: &mut Option<Stamp>,
    incoming: &Value,
    edit: &Edit<'_>,
) -> FieldMerge {
    let mut record = Record::default();
    if let Some(s) = stamp.clone() {
        record.set(field, stored, s);
    }
    let changes = Fields::from([(field.to_owned(), incoming.clone())]);
    let merge = record.merge_fields(&changes, edit, |_| FieldPolicy::LastWriterWins);
    *stored = record.value(field);
    *stamp = record.stamps.remove(field);
    merge
}

fn decide(policy: FieldPolicy, stored: &Writer, incoming: &Writer) -> Winner {
    match policy {
        FieldPolicy::LastWriterWins => Winner::Incoming,
        FieldPolicy::PreferSupervisor => {
            if stored.authority == Authority::Supervisor
                && incoming.authority == Authority::FieldWorker
            {
                Winner::Stored
            } else {
                Winner::Incoming
            }
        }
    }
}

/// A compact storage form of a stamp map: each distinct writer once, and per field its version
/// and the writer's index. A survey's sixty answers share one writer, so this is a fraction of
/// the plain form's size.
pub mod compact {
    use std::collections::{BTreeMap, HashMap};

    use serde::{Deserialize, Serialize};

    use super::{Stamp, Writer};

    #[derive(Deserialize)]
    struct Compact {
        writers: Vec<Writer>,
        fields: BTreeMap<String, (i64, usize)>,
    }

    /// [`Compact`] borrowing from the stamp map it is written from.
    #[derive(Serialize)]
    struct CompactRef<'a> {
        writers: Vec<&'a Writer>,
        fields: BTreeMap<&'a str, (i64, usize)>,
    }

    impl<'a> CompactRef<'a> {
        fn of(stamps: &'a BTreeMap<String, Stamp>) -> Self {
            let mut index: HashMap<&Writer, usize> = HashMap::new();
            let mut writers = Vec::new();
            let mut fields = BTreeMap::new();
            for (name, stamp) in stamps {
                let i = *index.entry(&stamp.writer).or_insert_with(|| {
                    writers.push(&stamp.writer);
                    writers.len() - 1
                });
                fields.insert(name.as_str(), (stamp.version, i));
            }
            Self { writers, fields }
        }
    }

    /// The compact JSON of a stamp map, as text.
    #[must_use]
    pub fn to_string(stamps: &BTreeMap<String, Stamp>) -> String {
        serde_json::to_string(&CompactRef::of(stamps)).expect("stamps serialize to JSON infallibly")
    }

    /// Reads the compact JSON of a stamp map.
    pub fn from_json(value: serde_json::Value) -> Result<BTreeMap<String, Stamp>, String> {
        let compact: Compact = serde_json::from_value(value).map_err(|e| e.to_string())?;
        compact
            .fields
            .into_iter()
            .map(|(name, (version, i))| {
                let writer = compact
                    .writers
                    .get(i)
                    .ok_or(format!("writer {i} missing"))?;
                Ok((
                    name,
                    Stamp {
                        version,
                        writer: writer.clone(),
                    },
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
