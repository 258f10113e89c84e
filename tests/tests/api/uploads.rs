//! Resumable photo uploads over tus 1.0, stored in Garage (or a local directory on SQLite).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ekemiskinan::config::StorageKind;
use ekemiskinan::photos::uploads::finish_interrupted;
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::time::Duration;
use tests::fixtures::KEC_MALANGKE;
use tests::freezer::Freezer;
use tests::garage::TestGarage;
use tests::images;
use tests::{Backend, TestApp, TestUser, test_s3};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

const CHUNK: usize = 64 * 1024;

/// A photo of (at least) `len` bytes and its SHA-256 in hex: a small JPEG followed by random
/// bytes, as a motion photo carries its video after the picture.
pub(crate) fn photo(len: usize, seed: u64) -> (Vec<u8>, String) {
    let mut bytes = images::jpeg(32, 24, u32::try_from(seed).unwrap(), None, 80);
    let picture = bytes.len();
    bytes.resize(len.max(picture), 0);
    StdRng::seed_from_u64(seed).fill_bytes(&mut bytes[picture..]);
    let sha = hex::encode(Sha256::digest(&bytes));
    (bytes, sha)
}

pub(crate) async fn app_with_storage(backend: Backend) -> TestApp {
    match backend {
        // PostgreSQL with Garage, SQLite with the local directory (the embedded default).
        Backend::Postgres => {
            let prefix = format!("test-{}", Uuid::new_v4().simple());
            TestApp::spawn_with(backend, |c| {
                c.storage.kind = StorageKind::S3;
                c.storage.s3 = Some(test_s3(&prefix));
            })
            .await
        }
        Backend::Sqlite => TestApp::spawn_on(backend).await,
    }
}

/// `POST /v1/uploads` for a photo of `len` bytes with the declared hash.
pub(crate) async fn create(
    app: &TestApp,
    user: &TestUser,
    len: usize,
    sha: &str,
) -> reqwest::Response {
    app.http
        .post(app.url("/v1/uploads"))
        .bearer_auth(&user.token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", len.to_string())
        .header(
            "upload-metadata",
            format!(
                "sha256 {},kind {}",
                STANDARD.encode(sha),
                STANDARD.encode("tampak_depan")
            ),
        )
        .send()
        .await
        .unwrap()
}

/// `PATCH` of one chunk, with its checksum.
pub(crate) async fn patch(
    app: &TestApp,
    user: &TestUser,
    location: &str,
    offset: usize,
    data: &[u8],
) -> reqwest::Response {
    chunk_request(app, user, location, offset, data)
        .header(
            "upload-checksum",
            format!("sha256 {}", STANDARD.encode(Sha256::digest(data))),
        )
        .send()
        .await
        .unwrap()
}

/// A tus `PATCH` of `data` at `offset`, as a stock tus client (and the field app) sends it:
/// no `Upload-Checksum`.
fn chunk_request(
    app: &TestApp,
    user: &TestUser,
    location: &str,
    offset: usize,
    data: &[u8],
) -> reqwest::RequestBuilder {
    app.http
        .patch(app.url(location))
        .bearer_auth(&user.token)
        .header("tus-resumable", "1.0.0")
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", offset.to_string())
        .body(data.to_vec())
}

/// Asserts a `503 service_unavailable` with a `Retry-After`.
async fn assert_retry_later(response: reqwest::Response) {
    assert_eq!(response.status(), 503);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "service_unavailable");
}

/// `DELETE`s an upload.
async fn abandon(app: &TestApp, user: &TestUser, location: &str) -> reqwest::Response {
    app.http
        .delete(app.url(location))
        .bearer_auth(&user.token)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap()
}

async fn offset_of(app: &TestApp, user: &TestUser, location: &str) -> Option<u64> {
    let response = app
        .http
        .head(app.url(location))
        .bearer_auth(&user.token)
        .header("tus-resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    if response.status() == 404 {
        return None;
    }
    assert_eq!(response.status(), 200);
    response
        .headers()
        .get("upload-offset")?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Uploads a whole photo in 64 KiB chunks.
pub(crate) async fn upload(app: &TestApp, user: &TestUser, bytes: &[u8], sha: &str) {
    let created = create(app, user, bytes.len(), sha).await;
    assert_eq!(created.status(), 201);
    let at = location(&created);
    send_chunks(app, user, &at, bytes, 0..bytes.len().div_ceil(CHUNK)).await;
}

/// Sends chunks `range` (of `CHUNK` bytes, the last one shorter) of `bytes`, each accepted.
pub(crate) async fn send_chunks(
    app: &TestApp,
    user: &TestUser,
    at: &str,
    bytes: &[u8],
    range: std::ops::Range<usize>,
) {
    for i in range {
        let end = ((i + 1) * CHUNK).min(bytes.len());
        let response = patch(app, user, at, i * CHUNK, &bytes[i * CHUNK..end]).await;
        assert_eq!(response.status(), 204, "chunk {i}");
    }
}

pub(crate) fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .expect("Location")
        .to_str()
        .unwrap()
        .to_owned()
}

async fn a_photo_sent_in_small_chunks_resumes_after_a_restart_and_is_stored_once(backend: Backend) {
    let mut app = app_with_storage(backend).await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (bytes, sha) = photo(5 * CHUNK + 1234, 70);

    let options = app
        .http
        .request(reqwest::Method::OPTIONS, app.url("/v1/uploads"))
        .send()
        .await
        .unwrap();
    assert_eq!(options.headers().get("tus-version").unwrap(), "1.0.0");
    assert_eq!(
        options.headers().get("tus-extension").unwrap(),
        "creation,checksum,termination,expiration"
    );
    let exists = app.get(&format!("/v1/photos/{sha}"), &user.token).await;
    assert_eq!(
        exists.status(),
        404,
        "the server does not have it yet: the phone uploads"
    );

    let created = create(&app, &user, bytes.len(), &sha).await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers().get("tus-resumable").unwrap(), "1.0.0");
    assert!(created.headers().get("upload-expires").is_some());
    let at = location(&created);
    send_chunks(&app, &user, &at, &bytes, 0..2).await;

    app.restart().await;
    let mut offset = usize::try_from(offset_of(&app, &user, &at).await.unwrap()).unwrap();
    assert_eq!(
        offset,
        2 * CHUNK,
        "the upload resumes where it was before the restart"
    );
    while offset < bytes.len() {
        let end = (offset + CHUNK).min(bytes.len());
        let response = patch(&app, &user, &at, offset, &bytes[offset..end]).await;
        assert_eq!(response.status(), 204);
        assert_eq!(
            response
                .headers()
                .get("upload-offset")
                .unwrap()
                .to_str()
                .unwrap(),
            end.to_string()
        );
        offset = end;
    }

    let stored: Value = app
        .get(&format!("/v1/photos/{sha}"), &user.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["size"], bytes.len());
    let object = app.stored_photo(&sha).await.expect("stored");
    assert!(
        object == bytes,
        "the stored object is the photo, byte for byte"
    );
    assert_eq!(
        app.partial_files(),
        0,
        "the partial file is gone once the photo is stored"
    );

    // The same photo again: the upload is complete at once, and stored once.
    let again = create(&app, &user, bytes.len(), &sha).await;
    assert_eq!(again.status(), 201);
    assert_eq!(
        again
            .headers()
            .get("upload-offset")
            .unwrap()
            .to_str()
            .unwrap(),
        bytes.len().to_string()
    );
    assert_eq!(app.count("photo").await, 1);
}

async fn creating_an_upload_needs_tus_a_hash_and_an_acceptable_size(backend: Backend) {
    let app = app_with_storage(backend).await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (_, sha) = photo(2 * CHUNK, 71);
    let code = |r: Value| r["code"].as_str().unwrap_or_default().to_owned();

    let no_tus = app
        .http
        .post(app.url("/v1/uploads"))
        .bearer_auth(&user.token)
        .send()
        .await
        .unwrap();
    assert_eq!(no_tus.status(), 412);
    assert_eq!(
        no_tus.headers()["tus-version"],
        "1.0.0",
        "tus core asks for it"
    );
    assert_eq!(
        code(no_tus.json().await.unwrap()),
        "tus_version_unsupported"
    );
    let too_big = create(&app, &user, 100 * 1024 * 1024, &sha).await;
    assert_eq!(too_big.status(), 413);
    let no_hash = app
        .http
        .post(app.url("/v1/uploads"))
        .bearer_auth(&user.token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", "10")
        .header(
            "upload-metadata",
            format!("filename {}", STANDARD.encode("rumah.jpg")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(no_hash.status(), 400);
    assert_eq!(
        app.count("upload").await,
        0,
        "no refused request created an upload"
    );
}

async fn a_bad_chunk_is_refused_and_leaves_the_upload_where_it_was(backend: Backend) {
    let app = app_with_storage(backend).await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let other = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (bytes, sha) = photo(2 * CHUNK, 71);
    let code = |r: Value| r["code"].as_str().unwrap_or_default().to_owned();
    let at = location(&create(&app, &user, bytes.len(), &sha).await);
    let wrong_offset = patch(&app, &user, &at, 1000, &bytes[..CHUNK]).await;
    assert_eq!(wrong_offset.status(), 409);
    assert_eq!(
        code(wrong_offset.json().await.unwrap()),
        "upload_offset_mismatch"
    );
    let mut corrupt = app
        .http
        .patch(app.url(&at))
        .bearer_auth(&user.token)
        .header("tus-resumable", "1.0.0")
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", "0")
        .header(
            "upload-checksum",
            format!("sha256 {}", STANDARD.encode(Sha256::digest(b"other"))),
        )
        .body(bytes[..CHUNK].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(corrupt.status().as_u16(), 460);
    assert_eq!(code(corrupt.json().await.unwrap()), "checksum_mismatch");
    corrupt = app
        .http
        .patch(app.url(&at))
        .bearer_auth(&user.token)
        .header("tus-resumable", "1.0.0")
        .header("content-type", "application/octet-stream")
        .header("upload-offset", "0")
        .body(bytes[..CHUNK].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(corrupt.status(), 415);
    let past_the_end = patch(
        &app,
        &user,
        &at,
        0,
        &[bytes.clone(), vec![0u8; 10]].concat(),
    )
    .await;
    assert_eq!(past_the_end.status(), 400);
    assert_eq!(
        offset_of(&app, &user, &at).await,
        Some(0),
        "nothing of the refused chunks was kept"
    );
    assert_eq!(
        offset_of(&app, &other, &at).await,
        None,
        "another user cannot see the upload"
    );

    assert_eq!(abandon(&app, &user, &at).await.status(), 204);
    assert_eq!(offset_of(&app, &user, &at).await, None);
}

async fn a_file_without_its_declared_hash_is_discarded_and_not_stored(backend: Backend) {
    let app = app_with_storage(backend).await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (_, sha) = photo(2 * CHUNK, 71);
    let (lie, _) = photo(CHUNK, 72);
    let at = location(&create(&app, &user, lie.len(), &sha).await);
    let last = patch(&app, &user, &at, 0, &lie).await;
    assert_eq!(last.status().as_u16(), 460);
    assert_eq!(
        offset_of(&app, &user, &at).await,
        None,
        "the upload is discarded"
    );
    assert_eq!(app.count("photo").await, 0);
    assert!(app.stored_photo(&sha).await.is_none());
    let after = patch(&app, &user, &at, 0, &lie).await;
    assert_eq!(
        after.status(),
        404,
        "no chunk is taken after the upload ended"
    );
}

/// Sends the head of a `PATCH` at offset 0 whose body is declared `declared` bytes long, and
/// only `sent` bytes of it, and leaves the connection open, as a phone whose link died.
async fn stalled_patch(
    app: &TestApp,
    user: &TestUser,
    location: &str,
    declared: usize,
    sent: usize,
) -> TcpStream {
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "PATCH {location} HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {}\r\n\
         tus-resumable: 1.0.0\r\ncontent-type: application/offset+octet-stream\r\n\
         upload-offset: 0\r\ncontent-length: {declared}\r\n\r\n",
        app.addr, user.token
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&vec![7u8; sent]).await.unwrap();
    stream
}

/// The status and body of the answer on a raw connection (read until the JSON body ends).
async fn answer(mut stream: impl AsyncRead + Unpin) -> (u16, String) {
    let mut text = String::new();
    let mut buffer = [0u8; 4096];
    let read = async {
        loop {
            let n = stream.read(&mut buffer).await.unwrap_or(0);
            text.push_str(&String::from_utf8_lossy(&buffer[..n]));
            if n == 0 || text.trim_end().ends_with('}') {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("an answer within 10 s");
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// Phones whose links die mid-chunk, and requests for uploads that are not theirs, do not hold
/// up the uploads of everyone else: the first are given up after `uploads.chunk_idle_seconds`
/// (408, nothing kept), the second are refused before they take a turn.
#[tokio::test]
async fn stalled_or_foreign_chunks_do_not_hold_up_other_uploads() {
    let app = TestApp::spawn_with(Backend::Postgres, |c| c.uploads.chunk_idle_seconds = 1).await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (bytes, sha) = photo(2 * CHUNK, 91);
    let at = location(&create(&app, &user, bytes.len(), &sha).await);

    // More requests for unknown uploads than the instance has turns, each with its body
    // never sent: each is refused at once.
    let mut foreign = Vec::new();
    for _ in 0..12 {
        let nowhere = format!("/v1/uploads/{}", Uuid::now_v7());
        foreign.push(stalled_patch(&app, &user, &nowhere, CHUNK, 0).await);
    }
    for stream in foreign {
        let (status, text) = answer(stream).await;
        assert_eq!(status, 404, "{text}");
    }

    // As many stalled chunks of the user's own upload as there are turns (8): another phone's
    // chunk still goes through once they are given up.
    let mut stalled = Vec::new();
    for _ in 0..8 {
        stalled.push(stalled_patch(&app, &user, &at, CHUNK, 100).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = patch(&app, &user, &at, 0, &bytes[..CHUNK]).await;
    assert_eq!(sent.status(), 204);
    assert!(
        sent.headers().contains_key("upload-expires"),
        "tus expiration: every PATCH answer names the expiry"
    );
    for stream in stalled {
        let (status, text) = answer(stream).await;
        assert_eq!(status, 408, "{text}");
        assert!(text.contains("\"upload_stalled\""), "{text}");
    }
    assert_eq!(
        offset_of(&app, &user, &at).await,
        Some(CHUNK as u64),
        "nothing of the stalled chunks was kept"
    );
    let last = patch(&app, &user, &at, CHUNK, &bytes[CHUNK..]).await;
    assert_eq!(last.status(), 204);
    let stored = app.get(&format!("/v1/photos/{sha}"), &user.token).await;
    assert_eq!(stored.status(), 200);
}

/// A chunk whose body keeps coming a byte at a time, never idle for long, is given up once it
/// falls below `uploads.chunk_min_bytes_per_second` (408, nothing kept): trickling phones, or
/// anyone imitating one, do not hold the instance's chunk turns for good.
#[tokio::test]
async fn chunks_trickled_a_byte_at_a_time_are_given_up_and_free_their_turns() {
    let app = TestApp::spawn_with(Backend::Postgres, |c| {
        c.uploads.chunk_idle_seconds = 1;
        c.uploads.chunk_min_bytes_per_second = 1000;
    })
    .await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (bytes, sha) = photo(2 * CHUNK, 92);
    let at = location(&create(&app, &user, bytes.len(), &sha).await);

    // As many trickles as there are turns (8): a byte every 100 ms, for 30 s unless cut off.
    let mut answers = Vec::new();
    for _ in 0..8 {
        let (read, mut write) = stalled_patch(&app, &user, &at, CHUNK, 0).await.into_split();
        tokio::spawn(async move {
            for _ in 0..300 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if write.write_all(&[7]).await.is_err() {
                    break;
                }
            }
        });
        answers.push(read);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = tokio::time::timeout(
        Duration::from_secs(10),
        patch(&app, &user, &at, 0, &bytes[..CHUNK]),
    )
    .await
    .expect("another phone's chunk gets a turn within 10 s");
    assert_eq!(sent.status(), 204);
    for read in answers {
        let (status, text) = answer(read).await;
        assert_eq!(status, 408, "{text}");
        assert!(text.contains("\"upload_stalled\""), "{text}");
        assert!(text.contains("1000 byte per detik"), "{text}");
    }
    assert_eq!(
        offset_of(&app, &user, &at).await,
        Some(CHUNK as u64),
        "nothing of the trickled chunks was kept"
    );
}

/// Garage is killed while photos are on their way: the last chunks get 503 with Retry-After,
/// no photo is half-stored or visible, and each upload completes once Garage is back.
#[tokio::test]
async fn uploads_interrupted_by_a_stopped_object_store_complete_after_it_returns() {
    let mut garage = tokio::task::spawn_blocking(TestGarage::start)
        .await
        .unwrap();
    let s3 = garage.s3("interrupted");
    let app = TestApp::spawn_with(Backend::Postgres, |c| {
        c.storage.kind = StorageKind::S3;
        c.storage.s3 = Some(s3);
    })
    .await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (early, early_sha) = photo(CHUNK + 10, 80);
    upload(&app, &user, &early, &early_sha).await;

    let photos: Vec<(Vec<u8>, String)> = (0..4).map(|i| photo(3 * CHUNK + 100, 81 + i)).collect();
    let mut locations = Vec::new();
    for (bytes, sha) in &photos {
        let at = location(&create(&app, &user, bytes.len(), sha).await);
        send_chunks(&app, &user, &at, bytes, 0..3).await;
        locations.push(at);
    }

    garage.stop();
    let ready = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503, "not ready without the object store");
    let last_chunks = photos
        .iter()
        .zip(&locations)
        .map(|((bytes, _), at)| patch(&app, &user, at, 3 * CHUNK, &bytes[3 * CHUNK..]));
    for response in futures::future::join_all(last_chunks).await {
        assert_retry_later(response).await;
    }
    for ((bytes, sha), at) in photos.iter().zip(&locations) {
        assert_eq!(
            offset_of(&app, &user, at).await,
            Some(bytes.len() as u64),
            "the bytes are all kept"
        );
        let exists = app.get(&format!("/v1/photos/{sha}"), &user.token).await;
        assert_eq!(exists.status(), 404, "nothing half-stored is visible");
    }
    assert_eq!(app.count("photo").await, 1);
    let abandoned = abandon(&app, &user, &locations[3]).await;
    assert_eq!(abandoned.status(), 409);
    let body: Value = abandoned.json().await.unwrap();
    assert_eq!(body["code"], "upload_complete");
    assert_eq!(
        offset_of(&app, &user, &locations[3]).await,
        Some(photos[3].0.len() as u64),
        "an upload whose bytes all arrived is not abandoned"
    );

    let _garage = tokio::task::spawn_blocking(move || {
        garage.restart();
        garage
    })
    .await
    .unwrap();
    // Two phones ask again with a zero-byte PATCH, as PROTOCOL.md says; the server stores the
    // other two itself, as a standard tus client that saw every byte acknowledged asks no more.
    for ((bytes, _), at) in photos.iter().zip(&locations).take(2) {
        let resumed = patch(&app, &user, at, bytes.len(), &[]).await;
        assert_eq!(
            resumed.status(),
            204,
            "a zero-byte PATCH at the end stores it"
        );
    }
    let finished = finish_interrupted(
        &app.state.db,
        app.state.blobs.as_ref(),
        &app.state.photos,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(
        finished, 2,
        "the server finished the uploads nobody asked about"
    );
    for (bytes, sha) in &photos {
        let object = app
            .stored_photo(sha)
            .await
            .expect("stored after Garage returned");
        assert!(object == *bytes, "byte for byte");
        let exists = app.get(&format!("/v1/photos/{sha}"), &user.token).await;
        assert_eq!(exists.status(), 200);
    }
    assert_eq!(app.count("photo").await, 5);
    assert_eq!(app.partial_files(), 0);
    let early_object = app.stored_photo(&early_sha).await;
    assert!(
        early_object.is_some_and(|o| o == early),
        "what was stored before survived"
    );
}

on_both_backends!(
    a_photo_sent_in_small_chunks_resumes_after_a_restart_and_is_stored_once,
    creating_an_upload_needs_tus_a_hash_and_an_acceptable_size,
    a_bad_chunk_is_refused_and_leaves_the_upload_where_it_was,
    a_file_without_its_declared_hash_is_discarded_and_not_stored,
);

/// Chunks without a checksum are not hashed one by one; the whole file still is, once complete.
#[tokio::test]
async fn chunks_without_a_checksum_are_taken_and_the_whole_file_is_still_checked() {
    let app = app_with_storage(Backend::Sqlite).await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (bytes, sha) = photo(2 * CHUNK, 81);
    let at = location(&create(&app, &user, bytes.len(), &sha).await);
    for (i, chunk) in bytes.chunks(CHUNK).enumerate() {
        let response = chunk_request(&app, &user, &at, i * CHUNK, chunk)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204, "chunk {i}");
    }
    assert!(app.stored_photo(&sha).await.is_some_and(|o| o == bytes));

    let (_, other_sha) = photo(CHUNK, 82);
    let (lie, _) = photo(CHUNK, 83);
    let at = location(&create(&app, &user, lie.len(), &other_sha).await);
    let last = chunk_request(&app, &user, &at, 0, &lie)
        .send()
        .await
        .unwrap();
    assert_eq!(last.status().as_u16(), 460);
    assert_eq!(app.count("photo").await, 1);
    assert!(app.stored_photo(&other_sha).await.is_none());
}

/// A stock tus client sends a whole photo in one `PATCH`: the body is written to disk as it
/// arrives, so it may be larger than any other request's (`server.max_body_bytes`, here
/// 64 KiB) and the server holds a piece of it at a time.
#[tokio::test]
async fn a_whole_photo_in_one_patch_larger_than_a_request_body_is_stored() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.server.max_body_bytes = 64 * 1024).await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (bytes, sha) = photo(1024 * 1024, 96);
    let at = location(&create(&app, &user, bytes.len(), &sha).await);
    let sent = patch(&app, &user, &at, 0, &bytes).await;
    assert_eq!(sent.status(), 204);
    assert_eq!(sent.headers()["upload-offset"], bytes.len().to_string());
    let stored = app.get(&format!("/v1/photos/{sha}"), &user.token).await;
    assert_eq!(stored.status(), 200);
    assert_eq!(app.partial_files(), 0, "its partial file is gone");
}

/// The server stopped after a chunk reached the upload's file but before its offset was
/// committed: those bytes do not count. The phone resumes at the committed offset, the extra
/// bytes are dropped, and the stored photo is the phone's, byte for byte.
#[tokio::test]
async fn bytes_written_past_the_committed_offset_are_dropped_when_the_upload_resumes() {
    let app = TestApp::spawn_on(Backend::Sqlite).await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (bytes, sha) = photo(3 * CHUNK, 97);
    let at = location(&create(&app, &user, bytes.len(), &sha).await);
    assert_eq!(
        patch(&app, &user, &at, 0, &bytes[..CHUNK]).await.status(),
        204
    );
    let id: Uuid = at.rsplit('/').next().unwrap().parse().unwrap();
    let file = app
        .config
        .uploads
        .partial_dir
        .join(format!("{}.part", id.simple()));
    let mut extra = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    std::io::Write::write_all(&mut extra, &[0xAB; 5000]).unwrap();
    drop(extra);

    assert_eq!(offset_of(&app, &user, &at).await, Some(CHUNK as u64));
    send_chunks(&app, &user, &at, &bytes, 1..3).await;
    let object = app.stored_photo(&sha).await.expect("stored");
    assert!(
        object == bytes,
        "the stored photo is the phone's, byte for byte"
    );
}

/// The object store hangs (its process stopped: connections open, nothing answered) while a
/// photo's last chunk arrives: the chunk is answered 503 with Retry-After within the
/// configured time, not after the store's own timeouts (361 s before), `/readyz` too; every
/// byte stays, and once the store answers again a zero-byte `PATCH` stores the photo.
#[tokio::test]
async fn a_hung_object_store_is_answered_503_in_time_and_the_upload_completes_after() {
    let mut s3 = test_s3(&format!("hung-{}", Uuid::new_v4().simple()));
    let proxy = Freezer::start(tests::address_of(&s3.endpoint)).await;
    s3.endpoint = tests::through(&s3.endpoint, proxy.addr())
        .trim_end_matches('/')
        .to_owned();
    let app = TestApp::spawn_with(Backend::Postgres, |c| {
        c.storage.kind = StorageKind::S3;
        c.storage.s3 = Some(s3);
        c.server.unavailable_after_seconds = 2;
        c.server.ready_timeout_seconds = 1;
    })
    .await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    let (bytes, sha) = photo(CHUNK + 100, 95);
    let at = location(&create(&app, &user, bytes.len(), &sha).await);

    proxy.hang();
    let soon = Duration::from_secs(10);
    let last = tokio::time::timeout(soon, patch(&app, &user, &at, 0, &bytes))
        .await
        .expect("the last chunk was answered within 10 s");
    assert_retry_later(last).await;
    let ready = tokio::time::timeout(soon, app.http.get(app.url("/readyz")).send())
        .await
        .expect("readyz answered within 10 s")
        .unwrap();
    assert_eq!(ready.status(), 503);
    assert_eq!(
        offset_of(&app, &user, &at).await,
        Some(bytes.len() as u64),
        "every byte is kept"
    );

    proxy.open();
    let resumed = patch(&app, &user, &at, bytes.len(), &[]).await;
    assert_eq!(
        resumed.status(),
        204,
        "a zero-byte PATCH at the end stores it"
    );
    let exists = app.get(&format!("/v1/photos/{sha}"), &user.token).await;
    assert_eq!(exists.status(), 200);
}
