//! Object storage: the local directory and a real S3 server (Garage).

use std::io::Write;
use std::sync::Arc;

use ekemiskinan::blob::{self, BlobError, BlobStore};
use ekemiskinan::config::{StorageConfig, StorageKind};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};
use tests::{Backend, TestApp, test_s3};
use uuid::Uuid;

fn garage() -> Arc<dyn BlobStore> {
    let config = StorageConfig {
        kind: StorageKind::S3,
        s3: Some(test_s3(&format!("test-{}", Uuid::new_v4().simple()))),
        ..StorageConfig::default()
    };
    blob::open(&config).unwrap()
}

/// A file of `len` random bytes and its content key.
fn file(dir: &tempfile::TempDir, len: usize, seed: u64) -> (std::path::PathBuf, String, Vec<u8>) {
    let mut bytes = vec![0u8; len];
    StdRng::seed_from_u64(seed).fill_bytes(&mut bytes);
    let path = dir.path().join(format!("{seed}.bin"));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(&bytes)
        .unwrap();
    let key = format!("sha256/{}", hex::encode(Sha256::digest(&bytes)));
    (path, key, bytes)
}

async fn a_file_is_stored_read_checked_and_deleted(store: Arc<dyn BlobStore>) {
    let dir = tempfile::tempdir().unwrap();
    store.check().await.unwrap();
    // A photo-sized file in one request, and one large enough to go in parts on S3.
    for (len, seed) in [(300 * 1024, 1), (20 * 1024 * 1024 + 123, 2)] {
        let (path, key, bytes) = file(&dir, len, seed);
        assert_eq!(store.size(&key).await.unwrap(), None);
        store.put_file(&key, &path).await.unwrap();
        assert_eq!(store.size(&key).await.unwrap(), Some(len as u64));
        let read = store.get(&key).await.unwrap().expect("stored");
        assert_eq!(read.len(), bytes.len());
        assert!(read == bytes, "the object reads back byte for byte");
        store.delete(&key).await.unwrap();
        assert_eq!(store.size(&key).await.unwrap(), None);
        assert!(store.get(&key).await.unwrap().is_none());
    }
    let (path, _, _) = file(&dir, 10, 3);
    let err = store.put_file("../escape", &path).await.unwrap_err();
    assert!(matches!(err, BlobError::InvalidKey(_)), "{err}");
}

#[tokio::test]
async fn a_file_is_stored_read_checked_and_deleted_in_a_local_directory() {
    let root = tempfile::tempdir().unwrap();
    let config = StorageConfig {
        path: root.path().join("objects"),
        ..StorageConfig::default()
    };
    a_file_is_stored_read_checked_and_deleted(blob::open(&config).unwrap()).await;
}

#[tokio::test]
async fn a_file_is_stored_read_checked_and_deleted_in_garage() {
    a_file_is_stored_read_checked_and_deleted(garage()).await;
}

#[tokio::test]
async fn readyz_checks_the_object_store() {
    let prefix = format!("test-{}", Uuid::new_v4().simple());
    let good = TestApp::spawn_with(Backend::Postgres, |c| {
        c.storage.kind = StorageKind::S3;
        c.storage.s3 = Some(test_s3(&prefix));
    })
    .await;
    assert_eq!(
        good.http
            .get(good.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let missing = TestApp::spawn_with(Backend::Postgres, |c| {
        let mut s3 = test_s3(&prefix);
        s3.bucket = "no-such-bucket".to_owned();
        c.storage.kind = StorageKind::S3;
        c.storage.s3 = Some(s3);
    })
    .await;
    let response = missing
        .http
        .get(missing.url("/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
}
