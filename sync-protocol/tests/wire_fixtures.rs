//! The committed example messages in `fixtures/protocol/v1` are the wire format: each parses
//! into the v1 types and serializes back to the same JSON. A change to the types that changes
//! the JSON fails here.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sync_protocol::v1::{PullResponse, PushRequest, PushResponse};

fn round_trip<T: DeserializeOwned + Serialize>(name: &str) {
    let path = format!(
        "{}/../fixtures/protocol/v1/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    let original: Value = serde_json::from_str(&text).expect("fixture is JSON");
    let parsed: T =
        serde_json::from_value(original.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let written = serde_json::to_value(&parsed).expect("serializes");
    assert_eq!(written, normalize(original), "{name} changed on the wire");
}

/// Timestamps come back in chrono's canonical RFC 3339 form; everything else must be equal.
fn normalize(value: Value) -> Value {
    match value {
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(&s) {
            Ok(t) => serde_json::to_value(t.with_timezone(&chrono::Utc)).expect("time"),
            Err(_) => Value::String(s),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, normalize(v))).collect())
        }
        other => other,
    }
}

#[test]
fn the_push_request_example_is_the_wire_format() {
    round_trip::<PushRequest>("push-request.json");
}

#[test]
fn the_push_response_example_is_the_wire_format() {
    round_trip::<PushResponse>("push-response.json");
}

#[test]
fn the_pull_response_example_is_the_wire_format() {
    round_trip::<PullResponse>("pull-response.json");
}
