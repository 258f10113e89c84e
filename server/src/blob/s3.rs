//! Any S3-compatible store, through aws-sdk-s3.
//!
//! Path-style addressing, static credentials, and request checksums only where the API
//! requires them: some S3-compatible stores reject the SDK's default CRC checksum headers.
//! Objects up to `SINGLE_PUT_MAX` go in one `PutObject`; larger ones in 8 MiB parts.

use std::path::Path;
use std::time::Duration;

use aws_sdk_s3::Client;
use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
    timeout::TimeoutConfig,
};
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::get_object::{GetObjectError, GetObjectOutput};
use aws_sdk_s3::primitives::{ByteStream, Length};
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use bytes::Bytes;
use futures::future::BoxFuture;
use secrecy::ExposeSecret;

use super::{BlobError, BlobReader, BlobStore, check_key};
use crate::config::S3Config;

/// Part size of multipart uploads (S3 requires at least 5 MiB except for the last part).
const PART_BYTES: u64 = 8 * 1024 * 1024;
/// Objects up to this size are sent in one request.
const SINGLE_PUT_MAX: u64 = 2 * PART_BYTES;

/// A bucket (and key prefix) of an S3-compatible store.
#[derive(Debug, Clone)]
pub struct S3Store {
    client: Client,
    bucket: String,
    prefix: String,
}

impl S3Store {
    /// A client for the configured store. Nothing is sent until the first request.
    #[must_use]
    pub fn new(config: &S3Config) -> Self {
        let credentials = Credentials::new(
            &config.access_key_id,
            config.secret_access_key.expose_secret(),
            None,
            None,
            "ekemiskinan-config",
        );
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5))
            .operation_attempt_timeout(Duration::from_mins(2))
            .build();
        let sdk = aws_sdk_s3::config::Builder::new()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&config.endpoint)
            .region(Region::new(config.region.clone()))
            .credentials_provider(credentials)
            .force_path_style(config.path_style)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .timeout_config(timeouts)
            .http_client(http)
            .build();
        let prefix = config.prefix.trim_matches('/');
        Self {
            client: Client::from_conf(sdk),
            bucket: config.bucket.clone(),
            prefix: if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}/")
            },
        }
    }

    fn key(&self, key: &str) -> Result<String, BlobError> {
        check_key(key)?;
        Ok(format!("{}{key}", self.prefix))
    }

    async fn put_parts(&self, key: &str, path: &Path, len: u64) -> Result<(), BlobError> {
        let upload = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(failure)?;
        let upload_id = upload.upload_id().unwrap_or_default().to_owned();
        let result = self.send_parts(key, path, len, &upload_id).await;
        if result.is_err() {
            // Best effort: the store also expires abandoned uploads.
            let _ = self
                .client
                .abort_multipart_upload()
                .bucket(&self.bucket)
                .key(key)
                .upload_id(&upload_id)
                .send()
                .await;
        }
        result
    }

    /// The object under `key`, its body not read yet; `None` when there is none.
    async fn get_object(&self, key: &str) -> Result<Option<GetObjectOutput>, BlobError> {
        let key = self.key(key)?;
        match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(&key)
            .send()
            .await
        {
            Ok(object) => Ok(Some(object)),
            Err(e)
                if e.as_service_error()
                    .is_some_and(GetObjectError::is_no_such_key) =>
            {
                Ok(None)
            }
            Err(e) => Err(failure(e)),
        }
    }

    async fn send_parts(
        &self,
        key: &str,
        path: &Path,
        len: u64,
        upload_id: &str,
    ) -> Result<(), BlobError> {
        let mut parts = Vec::new();
        let mut offset = 0;
        let mut number = 1;
        while offset < len {
            let size = PART_BYTES.min(len - offset);
            let body = ByteStream::read_from()
                .path(path)
                .offset(offset)
                .length(Length::Exact(size))
                .build()
                .await
                .map_err(|e| BlobError::Io(std::io::Error::other(e)))?;
            let part = self
                .client
                .upload_part()
                .bucket(&self.bucket)
                .key(key)
                .upload_id(upload_id)
                .part_number(number)
                .body(body)
                .send()
                .await
                .map_err(failure)?;
            parts.push(
                CompletedPart::builder()
                    .part_number(number)
                    .set_e_tag(part.e_tag)
                    .build(),
            );
            offset += size;
            number += 1;
        }
        self.client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await
            .map_err(failure)?;
        Ok(())
    }
}

/// Network failures, timeouts and server errors are worth retrying; the rest is a refusal.
#[expect(
    clippy::needless_pass_by_value,
    reason = "used as map_err(failure), which passes the error by value"
)]
fn failure<E, R>(error: SdkError<E, R>) -> BlobError
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let message = DisplayErrorContext(&error).to_string();
    let server_side = match &error {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(e) => e.err().code().is_some_and(|c| {
            matches!(
                c,
                "InternalError" | "ServiceUnavailable" | "SlowDown" | "RequestTimeout"
            )
        }),
        _ => false,
    };
    if server_side {
        BlobError::Unavailable(message)
    } else {
        BlobError::Refused(message)
    }
}

impl BlobStore for S3Store {
    fn put_file<'a>(
        &'a self,
        key: &'a str,
        path: &'a Path,
    ) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move {
            let key = self.key(key)?;
            let len = tokio::fs::metadata(path).await?.len();
            if len > SINGLE_PUT_MAX {
                return self.put_parts(&key, path, len).await;
            }
            let body = ByteStream::from_path(path)
                .await
                .map_err(|e| BlobError::Io(std::io::Error::other(e)))?;
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(&key)
                .content_length(i64::try_from(len).unwrap_or(i64::MAX))
                .body(body)
                .send()
                .await
                .map_err(failure)?;
            Ok(())
        })
    }

    fn put<'a>(&'a self, key: &'a str, bytes: Bytes) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move {
            let key = self.key(key)?;
            let len = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(&key)
                .content_length(len)
                .body(ByteStream::from(bytes))
                .send()
                .await
                .map_err(failure)?;
            Ok(())
        })
    }

    fn size<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<u64>, BlobError>> {
        Box::pin(async move {
            let key = self.key(key)?;
            match self
                .client
                .head_object()
                .bucket(&self.bucket)
                .key(&key)
                .send()
                .await
            {
                // A size the store did not give is not taken as 0: the photo would be
                // recorded, and shown to its readers, as empty. Only `photos::adopt` asks,
                // and it looks for the photo again later.
                Ok(head) => head
                    .content_length()
                    .and_then(|n| u64::try_from(n).ok())
                    .map(Some)
                    .ok_or_else(|| {
                        BlobError::Unavailable(format!("the object store gave no size for {key}"))
                    }),
                Err(e)
                    if e.as_service_error().is_some_and(
                        aws_sdk_s3::operation::head_object::HeadObjectError::is_not_found,
                    ) =>
                {
                    Ok(None)
                }
                Err(e) => Err(failure(e)),
            }
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, BlobError>> {
        Box::pin(async move {
            let Some(object) = self.get_object(key).await? else {
                return Ok(None);
            };
            let data = object
                .body
                .collect()
                .await
                .map_err(|e| BlobError::Unavailable(e.to_string()))?;
            Ok(Some(data.into_bytes()))
        })
    }

    fn open<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<BlobReader>, BlobError>> {
        Box::pin(async move {
            let Some(object) = self.get_object(key).await? else {
                return Ok(None);
            };
            let len = object
                .content_length()
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0);
            let chunks = futures::stream::try_unfold(object.body, |mut body| async move {
                match body.try_next().await {
                    Ok(Some(chunk)) => Ok(Some((chunk, body))),
                    Ok(None) => Ok(None),
                    Err(e) => Err(BlobError::Unavailable(e.to_string())),
                }
            });
            Ok(Some(BlobReader {
                len,
                chunks: Box::pin(chunks),
            }))
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move {
            let key = self.key(key)?;
            self.client
                .delete_object()
                .bucket(&self.bucket)
                .key(&key)
                .send()
                .await
                .map_err(failure)?;
            Ok(())
        })
    }

    fn check(&self) -> BoxFuture<'_, Result<(), BlobError>> {
        Box::pin(async move {
            self.client
                .head_bucket()
                .bucket(&self.bucket)
                .send()
                .await
                .map_err(failure)?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// A store that answers every request `200` without a body or its length, as no S3 server
    /// should; Garage cannot be made to.
    async fn sizeless_store() -> S3Store {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = [0; 4096];
                let _ = socket.read(&mut request).await;
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n")
                    .await;
            }
        });
        S3Store::new(&S3Config {
            endpoint,
            region: "garage".to_owned(),
            bucket: "foto".to_owned(),
            prefix: String::new(),
            access_key_id: "kunci".to_owned(),
            secret_access_key: "rahasia".to_owned().into(),
            path_style: true,
        })
    }

    #[tokio::test]
    async fn a_head_without_a_length_is_an_error_not_an_empty_object() {
        let store = sizeless_store().await;
        let size = store.size("sha256/abc").await;
        assert!(
            matches!(size, Err(BlobError::Unavailable(ref m)) if m.contains("no size")),
            "{size:?}"
        );
    }
}
