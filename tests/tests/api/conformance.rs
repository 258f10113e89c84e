//! The Rust reference client against the recorded conversations of sync protocol v1
//! (`fixtures/protocol/v1/conversations`, described in the README there) — the same files the
//! field app's TypeScript engine runs (`web/src/lapangan/conformance.test.ts`). Here the
//! server's side is a scripted HTTP server: each request must be the next one recorded, and it
//! gets the recorded answer, or its connection closed when the answer is to be lost.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use sync_protocol::client::{ClientConfig, ClientError, SyncClient};
use sync_protocol::v1::Op;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use uuid::Uuid;

#[derive(Debug, Deserialize)]
struct Conversation {
    about: String,
    device_id: Uuid,
    /// Whether the phone keeps the mutations the server acknowledged (it does unless told).
    #[serde(default = "keeps")]
    keeps_sent: bool,
    steps: Vec<Value>,
}

fn keeps() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
struct Exchange {
    request: Expected,
    #[serde(default)]
    response: Option<Answer>,
    #[serde(default)]
    lost: bool,
}

#[derive(Debug, Clone, Deserialize)]
struct Expected {
    method: String,
    path: String,
    #[serde(default)]
    query: Option<BTreeMap<String, String>>,
    #[serde(default)]
    body: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
struct Answer {
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    body: Value,
}

/// The server's side of the current step.
#[derive(Default)]
struct Script {
    exchanges: Vec<Exchange>,
    used: usize,
    problems: Vec<String>,
}

/// `actual` as `expected` says: `"*"` matches anything present, a `null` counts as absent.
fn matches(expected: &Value, actual: &Value, path: &str, problems: &mut Vec<String>) {
    match (expected, actual) {
        (Value::String(star), actual) if star == "*" => {
            if actual.is_null() {
                problems.push(format!("{path}: missing"));
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (e, a)) in e.iter().zip(a).enumerate() {
                matches(e, a, &format!("{path}[{i}]"), problems);
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            let keys: std::collections::BTreeSet<&String> = e.keys().chain(a.keys()).collect();
            for key in keys {
                let (ev, av) = (
                    e.get(key).unwrap_or(&Value::Null),
                    a.get(key).unwrap_or(&Value::Null),
                );
                if !(ev.is_null() && av.is_null()) {
                    matches(ev, av, &format!("{path}.{key}"), problems);
                }
            }
        }
        (e, a) if e == a => {}
        (e, a) => problems.push(format!("{path}: {a} is not {e}")),
    }
}

/// One HTTP/1.1 request as read off the connection; `None` once the client closed it.
async fn read_request(
    stream: &mut TcpStream,
) -> Option<(String, String, BTreeMap<String, String>, Value)> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let (mut length, mut gzip) = (0usize, false);
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "content-encoding" => gzip = value.trim() == "gzip",
            _ => {}
        }
    }
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = vec![0u8; length - body.len()];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    if gzip {
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_end(&mut plain)
            .ok()?;
        body = plain;
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    };
    Some((method, path.to_owned(), query, body))
}

async fn answer(mut stream: TcpStream, script: Arc<Mutex<Script>>) {
    while let Some((method, path, mut query, body)) = read_request(&mut stream).await {
        let reply = {
            let mut s = script.lock().unwrap();
            let at = s.used;
            s.used += 1;
            let Some(exchange) = s.exchanges.get(at).cloned() else {
                s.problems.push(format!(
                    "{method} {path} after the conversation's last request"
                ));
                return;
            };
            let mut problems = Vec::new();
            let want = &exchange.request;
            matches(
                &Value::from(want.method.clone()),
                &Value::from(method),
                "method",
                &mut problems,
            );
            matches(
                &Value::from(want.path.clone()),
                &Value::from(path),
                "path",
                &mut problems,
            );
            if let Some(expected) = &want.query {
                query.remove("limit");
                if &query != expected {
                    problems.push(format!("query: {query:?} is not {expected:?}"));
                }
            }
            if let Some(expected) = &want.body {
                matches(expected, &body, "body", &mut problems);
            }
            s.problems.extend(
                problems
                    .into_iter()
                    .map(|p| format!("request {}: {p}", at + 1)),
            );
            if exchange.lost {
                None
            } else {
                exchange.response
            }
        };
        // A lost answer: the request was taken, the connection closes without one.
        let Some(reply) = reply else { return };
        let body = reply.body.to_string();
        let mut head = format!(
            "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
            reply.status,
            body.len()
        );
        for (name, value) in &reply.headers {
            write!(head, "{name}: {value}\r\n").expect("writing to a String cannot fail");
        }
        head.push_str("\r\n");
        if stream.write_all(head.as_bytes()).await.is_err()
            || stream.write_all(body.as_bytes()).await.is_err()
        {
            return;
        }
    }
}

fn failure(error: &ClientError) -> String {
    match error {
        ClientError::Gap { .. } => "sequence_gap".to_owned(),
        other => panic!("the client stopped: {other}"),
    }
}

async fn run(name: &str, conversation: Conversation) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let script = Arc::new(Mutex::new(Script::default()));
    let serving = Arc::clone(&script);
    let server = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer(stream, Arc::clone(&serving)));
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let mut config = ClientConfig::new(
        format!("http://{address}"),
        "token",
        conversation.device_id,
        dir.path().join("state.json"),
    );
    config.max_attempts = 4;
    config.backoff = Duration::from_millis(1);
    config.max_backoff = Duration::from_millis(10);
    if !conversation.keeps_sent {
        config.keep_sent = Duration::ZERO;
    }
    let mut client = SyncClient::open(config).unwrap();

    for (i, step) in conversation.steps.iter().enumerate() {
        let at = format!("{name}, step {}", i + 1);
        if let Some(op) = step.get("enqueue") {
            let op: Op = serde_json::from_value(op.clone()).unwrap();
            client.enqueue(op).unwrap();
        } else if let Some(expect) = step.get("expect") {
            let state = client.state();
            if let Some(outbox) = expect.get("outbox") {
                let seqs: Vec<u64> = state.outbox.iter().map(|m| m.seq).collect();
                assert_eq!(Value::from(seqs), *outbox, "{at}: outbox");
            }
            if let Some(rejected) = expect.get("rejected") {
                let seqs: Vec<u64> = state.rejected.iter().map(|r| r.seq).collect();
                assert_eq!(Value::from(seqs), *rejected, "{at}: rejected");
            }
            if let Some(households) = expect.get("households") {
                let ids: Vec<String> = state.households.keys().map(Uuid::to_string).collect();
                assert_eq!(Value::from(ids), *households, "{at}: households");
            }
            if let Some(cursor) = expect.get("cursor") {
                assert_eq!(state.cursor.as_deref(), cursor.as_str(), "{at}: cursor");
            }
            if let Some(conflicts) = expect.get("conflicts") {
                let ids: Vec<String> = state
                    .conflicts
                    .iter()
                    .map(|c| c.conflict_id.to_string())
                    .collect();
                assert_eq!(Value::from(ids), *conflicts, "{at}: conflicts");
            }
            if let Some(missing) = expect.get("missing_photos") {
                assert_eq!(
                    Value::from(state.missing_photos.clone()),
                    *missing,
                    "{at}: missing photos"
                );
            }
        } else {
            let (exchanges, pushing) = match (step.get("push"), step.get("pull")) {
                (Some(e), _) => (e, true),
                (_, Some(e)) => (e, false),
                _ => panic!("{at}: a step the conversations do not know: {step}"),
            };
            let exchanges: Vec<Exchange> = serde_json::from_value(exchanges.clone()).unwrap();
            let count = exchanges.len();
            *script.lock().unwrap() = Script {
                exchanges,
                ..Script::default()
            };
            let outcome = if pushing {
                client.push().await.map(drop)
            } else {
                client.pull().await.map(drop)
            };
            let failed = outcome.err().as_ref().map(failure);
            let fails = step.get("fails").and_then(Value::as_str).map(str::to_owned);
            assert_eq!(failed, fails, "{at}: how it ends");
            let s = script.lock().unwrap();
            assert_eq!(s.problems, Vec::<String>::new(), "{at}: requests");
            assert_eq!(s.used, count, "{at}: requests sent");
        }
    }
    server.abort();
}

#[tokio::test]
async fn the_reference_client_holds_every_recorded_conversation() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/protocol/v1/conversations"
    );
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 9, "{files:?}");
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let conversation: Conversation =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert!(
            !conversation.about.is_empty(),
            "{name} says what it is about"
        );
        run(&name, conversation).await;
    }
}
