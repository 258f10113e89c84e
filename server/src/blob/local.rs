//! A directory on this machine: the embedded default.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::future::BoxFuture;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

use super::{BlobError, BlobReader, BlobStore, check_key};

/// Chunk size when streaming a file out.
const READ_CHUNK: usize = 64 * 1024;

/// Objects as files under a root directory; written to a temporary file first and renamed, so
/// a reader never sees half an object.
#[derive(Debug)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    /// A store under `root`, created if missing.
    pub fn new(root: &Path) -> Result<Self, BlobError> {
        std::fs::create_dir_all(root.join(".tmp"))?;
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    fn path(&self, key: &str) -> Result<PathBuf, BlobError> {
        check_key(key)?;
        Ok(self.root.join(key))
    }
}

impl BlobStore for LocalStore {
    fn put_file<'a>(
        &'a self,
        key: &'a str,
        path: &'a Path,
    ) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move {
            let target = self.path(key)?;
            if let Some(parent) = target.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            let tmp = self
                .root
                .join(".tmp")
                .join(Uuid::new_v4().simple().to_string());
            tokio::fs::copy(path, &tmp).await?;
            let file = tokio::fs::File::open(&tmp).await?;
            file.sync_all().await?;
            tokio::fs::rename(&tmp, &target).await?;
            Ok(())
        })
    }

    fn put<'a>(&'a self, key: &'a str, bytes: Bytes) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move {
            let target = self.path(key)?;
            if let Some(parent) = target.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            let tmp = self
                .root
                .join(".tmp")
                .join(Uuid::new_v4().simple().to_string());
            let mut file = tokio::fs::File::create(&tmp).await?;
            file.write_all(&bytes).await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&tmp, &target).await?;
            Ok(())
        })
    }

    fn size<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<u64>, BlobError>> {
        Box::pin(async move {
            match tokio::fs::metadata(self.path(key)?).await {
                Ok(m) => Ok(Some(m.len())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, BlobError>> {
        Box::pin(async move {
            match tokio::fs::read(self.path(key)?).await {
                Ok(bytes) => Ok(Some(Bytes::from(bytes))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
    }

    fn open<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<BlobReader>, BlobError>> {
        Box::pin(async move {
            let file = match tokio::fs::File::open(self.path(key)?).await {
                Ok(file) => file,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            let len = file.metadata().await?.len();
            let chunks = futures::stream::try_unfold(file, |mut file| async move {
                let mut buf = bytes::BytesMut::with_capacity(READ_CHUNK);
                let n = file.read_buf(&mut buf).await?;
                Ok((n > 0).then(|| (buf.freeze(), file)))
            });
            Ok(Some(BlobReader {
                len,
                chunks: Box::pin(chunks),
            }))
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move {
            match tokio::fs::remove_file(self.path(key)?).await {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e.into()),
            }
        })
    }

    fn check(&self) -> BoxFuture<'_, Result<(), BlobError>> {
        Box::pin(async move {
            let meta = tokio::fs::metadata(&self.root).await?;
            if meta.is_dir() && !meta.permissions().readonly() {
                Ok(())
            } else {
                Err(BlobError::Refused(format!(
                    "{} is not a writable directory",
                    self.root.display()
                )))
            }
        })
    }
}
