use proptest::prelude::*;
use serde_json::json;

use super::*;

fn writer(device: u128, authority: Authority) -> Writer {
    Writer {
        user_id: Uuid::from_u128(device + 1000),
        device_id: Uuid::from_u128(device),
        authority,
        hlc: Hlc {
            wall_ms: 0,
            counter: 0,
            node: device.to_string(),
        },
    }
}

fn fields(pairs: &[(&str, Value)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn lww(_: &str) -> FieldPolicy {
    FieldPolicy::LastWriterWins
}

#[test]
fn edits_to_different_fields_merge_without_conflict() {
    let a = writer(1, Authority::FieldWorker);
    let b = writer(2, Authority::FieldWorker);
    let mut record = Record::created(
        &fields(&[("atap", json!("genteng")), ("lantai", json!("tanah"))]),
        &Edit {
            base_version: 0,
            new_version: 1,
            writer: &a,
        },
    );
    let first = record.merge_fields(
        &fields(&[("atap", json!("seng"))]),
        &Edit {
            base_version: 1,
            new_version: 2,
            writer: &a,
        },
        lww,
    );
    let second = record.merge_fields(
        &fields(&[("lantai", json!("semen"))]),
        &Edit {
            base_version: 1,
            new_version: 3,
            writer: &b,
        },
        lww,
    );
    assert!(first.conflicts.is_empty() && second.conflicts.is_empty());
    assert_eq!(record.fields["atap"], json!("seng"));
    assert_eq!(record.fields["lantai"], json!("semen"));
}

#[test]
fn the_same_field_changed_by_two_devices_keeps_the_later_and_reports_both() {
    let a = writer(1, Authority::FieldWorker);
    let b = writer(2, Authority::FieldWorker);
    let mut record = Record::created(
        &fields(&[("atap", json!("genteng"))]),
        &Edit {
            base_version: 0,
            new_version: 1,
            writer: &a,
        },
    );
    record.merge_fields(
        &fields(&[("atap", json!("seng"))]),
        &Edit {
            base_version: 1,
            new_version: 2,
            writer: &a,
        },
        lww,
    );
    let merge = record.merge_fields(
        &fields(&[("atap", json!("ijuk"))]),
        &Edit {
            base_version: 1,
            new_version: 3,
            writer: &b,
        },
        lww,
    );
    assert_eq!(record.fields["atap"], json!("ijuk"));
    assert_eq!(merge.conflicts.len(), 1);
    let conflict = &merge.conflicts[0];
    assert_eq!(conflict.stored_value, json!("seng"));
    assert_eq!(conflict.incoming_value, json!("ijuk"));
    assert_eq!(conflict.stored_stamp.writer.device_id, a.device_id);
    assert_eq!(conflict.winner, Winner::Incoming);
}

#[test]
fn a_devices_own_offline_chain_never_conflicts_with_itself() {
    let a = writer(1, Authority::FieldWorker);
    let mut record = Record::created(
        &fields(&[("atap", json!("genteng"))]),
        &Edit {
            base_version: 0,
            new_version: 1,
            writer: &a,
        },
    );
    for (i, value) in ["seng", "ijuk", "asbes"].into_iter().enumerate() {
        let merge = record.merge_fields(
            &fields(&[("atap", json!(value))]),
            &Edit {
                base_version: 0,
                new_version: 2 + i64::try_from(i).unwrap(),
                writer: &a,
            },
            lww,
        );
        assert!(merge.conflicts.is_empty());
    }
    assert_eq!(record.fields["atap"], json!("asbes"));
}

#[test]
fn a_field_worker_does_not_overwrite_a_supervisor_owned_field() {
    let supervisor = writer(1, Authority::Supervisor);
    let worker = writer(2, Authority::FieldWorker);
    let policy = |_: &str| FieldPolicy::PreferSupervisor;
    let mut record = Record::default();
    record.merge_fields(
        &fields(&[("catatan_supervisor", json!("cek ulang"))]),
        &Edit {
            base_version: 0,
            new_version: 2,
            writer: &supervisor,
        },
        policy,
    );
    let merge = record.merge_fields(
        &fields(&[("catatan_supervisor", json!("sudah"))]),
        &Edit {
            base_version: 1,
            new_version: 3,
            writer: &worker,
        },
        policy,
    );
    assert_eq!(record.fields["catatan_supervisor"], json!("cek ulang"));
    assert_eq!(merge.conflicts[0].winner, Winner::Stored);
    assert!(merge.changed.is_empty());
}

#[test]
fn a_delete_loses_against_a_concurrent_edit_and_an_unseen_delete_is_revived_by_an_edit() {
    let a = writer(1, Authority::FieldWorker);
    let b = writer(2, Authority::FieldWorker);
    let mut record = Record::created(
        &fields(&[("atap", json!("genteng"))]),
        &Edit {
            base_version: 0,
            new_version: 1,
            writer: &a,
        },
    );
    record.merge_fields(
        &fields(&[("atap", json!("seng"))]),
        &Edit {
            base_version: 1,
            new_version: 2,
            writer: &a,
        },
        lww,
    );
    let delete = Edit {
        base_version: 1,
        new_version: 3,
        writer: &b,
    };
    let concurrent = record.concurrent_stamp(1, b.device_id).cloned();
    assert!(matches!(
        record.delete(&delete, concurrent.as_ref()),
        DeleteOutcome::Lost(_)
    ));
    assert!(record.tombstone.is_none());

    let delete = Edit {
        base_version: 2,
        new_version: 3,
        writer: &b,
    };
    assert_eq!(record.delete(&delete, None), DeleteOutcome::Deleted);
    let unseen = Edit {
        base_version: 2,
        new_version: 4,
        writer: &a,
    };
    let revived = record
        .revive_for(&unseen)
        .expect("the delete was concurrent");
    assert_eq!(revived.map(|c| c.winner), Some(Winner::Incoming));
    assert!(record.tombstone.is_none());

    record.delete(
        &Edit {
            base_version: 4,
            new_version: 5,
            writer: &b,
        },
        None,
    );
    let seen = Edit {
        base_version: 5,
        new_version: 6,
        writer: &a,
    };
    assert_eq!(record.revive_for(&seen), Err(EditOfDeleted));
}

/// One edit of a random history: which device, which base, which field, which value.
#[derive(Debug, Clone)]
struct RandomEdit {
    device: u128,
    lag: i64,
    field: usize,
    value: u8,
}

fn random_edits() -> impl Strategy<Value = Vec<RandomEdit>> {
    proptest::collection::vec(
        (0u128..3, 0i64..4, 0usize..3, 0u8..3).prop_map(|(device, lag, field, value)| RandomEdit {
            device,
            lag,
            field,
            value,
        }),
        1..40,
    )
}

proptest! {
    /// No silent overwrite and no false conflict, over random interleavings of three devices.
    #[test]
    fn every_overwrite_of_a_concurrent_value_is_reported_and_no_other(edits in random_edits()) {
        let names = ["a", "b", "c"];
        let writers: Vec<Writer> = (0..3).map(|d| writer(d, Authority::FieldWorker)).collect();
        let mut record = Record::default();
        for (i, e) in edits.iter().enumerate() {
            let new_version = i64::try_from(i).unwrap() + 1;
            let base_version = (new_version - 1 - e.lag).max(0);
            let name = names[e.field];
            let before_value = record.fields.get(name).cloned().unwrap_or(Value::Null);
            let before_stamp = record.stamps.get(name).cloned();
            let edit = Edit { base_version, new_version, writer: &writers[usize::try_from(e.device).unwrap()] };
            let incoming = json!(e.value);
            let merge = record.merge_fields(&fields(&[(name, incoming.clone())]), &edit, lww);

            let concurrent = before_stamp.as_ref().is_some_and(|s| {
                s.version > base_version && s.writer.device_id != edit.writer.device_id
            });
            let should_conflict = concurrent && before_value != incoming;
            prop_assert_eq!(merge.conflicts.len(), usize::from(should_conflict));
            prop_assert_eq!(record.fields.get(name).cloned(), Some(incoming));
        }
    }
}

#[test]
fn the_compact_form_of_stamps_round_trips_and_stores_each_writer_once() {
    let a = writer(1, Authority::FieldWorker);
    let b = writer(2, Authority::Supervisor);
    let mut record = Record::created(
        &fields(&[
            ("atap", json!(1)),
            ("lantai", json!(2)),
            ("dinding", json!(3)),
        ]),
        &Edit {
            base_version: 0,
            new_version: 1,
            writer: &a,
        },
    );
    record.merge_fields(
        &fields(&[("lantai", json!(5))]),
        &Edit {
            base_version: 1,
            new_version: 2,
            writer: &b,
        },
        lww,
    );
    let json: serde_json::Value = serde_json::from_str(&compact::to_string(&record.stamps))
        .expect("the compact form is JSON");
    assert_eq!(json["writers"].as_array().map(Vec::len), Some(2));
    assert_eq!(compact::from_json(json), Ok(record.stamps));
}
