//! Object storage for photos and other files, behind one small trait with two
//! implementations: a local directory (the embedded default) and any S3-compatible store
//! (Garage in the tests; MinIO, Ceph RGW, AWS S3 in production).
//!
//! Files are streamed from disk, never held whole in memory; keys are content-addressed by
//! the callers (`sha256/<hex>`), so a store never needs to overwrite a different object.

mod local;
mod s3;

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::stream::BoxStream;

use crate::config::{StorageConfig, StorageKind};

pub use self::local::LocalStore;
pub use self::s3::S3Store;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The store cannot be reached or answered with a server error: try again later.
    #[error("object store unavailable: {0}")]
    Unavailable(String),
    /// The key is not a valid object key.
    #[error("invalid object key {0:?}")]
    InvalidKey(String),
    /// Reading or writing a local file failed.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// The store refused the request (credentials, bucket, permissions).
    #[error("object store refused the request: {0}")]
    Refused(String),
}

/// An object store.
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Stores the file at `path` under `key`, streaming it. Large files go in parts.
    fn put_file<'a>(&'a self, key: &'a str, path: &'a Path)
    -> BoxFuture<'a, Result<(), BlobError>>;

    /// Stores small contents (a thumbnail) under `key`.
    fn put<'a>(&'a self, key: &'a str, bytes: Bytes) -> BoxFuture<'a, Result<(), BlobError>>;

    /// The size in bytes of the object under `key`, if there is one (its metadata only).
    fn size<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<u64>, BlobError>>;

    /// The whole object under `key` (for small objects such as thumbnails), if it exists.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, BlobError>>;

    /// The object under `key` as a stream of chunks, if it exists (for large objects such as
    /// original photos, which are never held whole in memory).
    fn open<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<BlobReader>, BlobError>>;

    /// Removes the object under `key` (nothing happens if there is none).
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), BlobError>>;

    /// Whether the store is reachable and usable, for `/readyz`.
    fn check(&self) -> BoxFuture<'_, Result<(), BlobError>>;
}

/// An object being read: its size and its bytes, chunk by chunk.
pub struct BlobReader {
    /// Size in bytes.
    pub len: u64,
    /// The bytes, in order.
    pub chunks: BoxStream<'static, Result<Bytes, BlobError>>,
}

impl std::fmt::Debug for BlobReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobReader")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

/// Opens the configured store.
pub fn open(config: &StorageConfig) -> Result<Arc<dyn BlobStore>, BlobError> {
    match (config.kind, &config.s3) {
        (StorageKind::S3, Some(s3)) => Ok(Arc::new(S3Store::new(s3))),
        (StorageKind::S3, None) => Err(BlobError::Refused("storage.s3 is not configured".into())),
        (StorageKind::Local, _) => Ok(Arc::new(LocalStore::new(&config.path)?)),
    }
}

/// Keys are relative paths of lower-case ASCII words: `sha256/9f86…`, `thumb/256/9f86…`.
pub(crate) fn check_key(key: &str) -> Result<(), BlobError> {
    let valid = !key.is_empty()
        && key.len() <= 512
        && key.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        });
    if valid {
        Ok(())
    } else {
        Err(BlobError::InvalidKey(key.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::check_key;

    #[test]
    fn keys_are_relative_lower_case_paths_without_dot_segments() {
        for good in ["sha256/9f86d081", "thumb/256/ab-cd_ef.jpg"] {
            assert!(check_key(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "/abs",
            "a//b",
            "../etc/passwd",
            "a/./b",
            "Upper",
            "spa ce",
            "a/",
        ] {
            assert!(check_key(bad).is_err(), "{bad:?}");
        }
    }
}
