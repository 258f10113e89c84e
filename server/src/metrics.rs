//! What an operator watches: the server's metrics in the Prometheus text format at
//! `GET /metrics`, served only when `metrics.token` is set and asked for with it.
//!
//! Counters and histograms are kept in memory per instance and updated where things happen
//! (the HTTP layer, pushes, pulls, uploads, the photo pipeline); the queue gauges and the
//! database pool are read when scraped.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{StreamExt, TryStreamExt};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sea_orm::{DatabaseConnection, DbBackend};
use sync_protocol::v1::{PushResponse, ReceiptStatus};

use crate::blob::{BlobError, BlobReader, BlobStore};
use crate::state::AppState;
use crate::store::{StoreError, photo_jobs, quality};

/// An HTTP request's route (the URL pattern, not the path), method and status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route as declared (`/v1/households/{id}`); `other` for files of the web apps and
    /// unknown paths.
    pub route: String,
    /// GET, POST…; `other` for any method the server does not use.
    pub method: String,
    /// The HTTP status.
    pub status: u16,
}

/// An outcome, by its stable code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    /// `applied`, or the rejection's code.
    pub outcome: String,
}

/// A photo analysis, by how it ended.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AnalysisLabels {
    /// `done`, `unsupported`, `failed` or `retry`.
    pub state: String,
}

/// An object-store operation that failed, and how.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StoreErrorLabels {
    /// `put_file`, `put`, `size`, `get`, `open`, `read` (a read that broke off after it
    /// began), `delete` or `check`.
    pub operation: String,
    /// `unavailable`, `refused`, `io` or `invalid_key`.
    pub kind: String,
}

/// Queues read when scraped.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct QueueLabels {
    /// `photos` (waiting for analysis) or `checks` (visits waiting for their quality check).
    pub queue: String,
}

/// The database pool.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PoolLabels {
    /// `open` or `idle` connections.
    pub connections: String,
}

fn latency() -> Histogram {
    // 1 ms to about 33 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

fn analysis_time() -> Histogram {
    // 10 ms to about 41 s.
    Histogram::new(exponential_buckets(0.01, 2.0, 13))
}

/// This instance's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Histogram, fn() -> Histogram>,
    pushes: Counter,
    mutations: Family<OutcomeLabels, Counter>,
    conflicts: Counter,
    pull_pages: Counter,
    pulled_changes: Counter,
    upload_bytes: Counter,
    uploads_completed: Counter,
    analyses: Family<AnalysisLabels, Histogram, fn() -> Histogram>,
    queues: Family<QueueLabels, Gauge>,
    pool: Family<PoolLabels, Gauge>,
    store_errors: Family<StoreErrorLabels, Counter>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("ekemiskinan");
        let requests = Family::<RequestLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency as fn() -> Histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP requests by route, method and status: time to the response's head",
            requests.clone(),
        );
        let pushes = Counter::default();
        registry.register(
            "sync_pushes",
            "Pushes answered with receipts",
            pushes.clone(),
        );
        let mutations = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "sync_mutations",
            "Mutations answered in pushes (replays included), by outcome: applied or the rejection code",
            mutations.clone(),
        );
        let conflicts = Counter::default();
        registry.register(
            "sync_conflicts",
            "Conflicts noted on applied mutations",
            conflicts.clone(),
        );
        let pull_pages = Counter::default();
        registry.register("sync_pull_pages", "Pull pages served", pull_pages.clone());
        let pulled_changes = Counter::default();
        registry.register(
            "sync_pulled_changes",
            "Changes served in pull pages",
            pulled_changes.clone(),
        );
        let upload_bytes = Counter::default();
        registry.register(
            "upload_bytes",
            "Photo bytes received in accepted tus chunks",
            upload_bytes.clone(),
        );
        let uploads_completed = Counter::default();
        registry.register(
            "uploads_completed",
            "Uploads whose photo was stored (at their last chunk, or later by the server)",
            uploads_completed.clone(),
        );
        let analyses = Family::<AnalysisLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            analysis_time as fn() -> Histogram,
        );
        registry.register(
            "photo_analysis_duration_seconds",
            "Photo analyses (read, decode, thumbnails, hash) by how they ended",
            analyses.clone(),
        );
        let queues = Family::<QueueLabels, Gauge>::default();
        registry.register(
            "queue_length",
            "Work waiting: photos to analyse, visits to check (read when scraped)",
            queues.clone(),
        );
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "database_connections",
            "Database pool connections, open and idle (read when scraped)",
            pool.clone(),
        );
        let store_errors = Family::<StoreErrorLabels, Counter>::default();
        registry.register(
            "object_store_errors",
            "Object-store operations that failed, by operation and kind",
            store_errors.clone(),
        );
        Self {
            registry,
            requests,
            pushes,
            mutations,
            conflicts,
            pull_pages,
            pulled_changes,
            upload_bytes,
            uploads_completed,
            analyses,
            queues,
            pool,
            store_errors,
        }
    }
}

impl Metrics {
    /// A push answered: its receipts by outcome and their conflicts.
    pub fn pushed(&self, response: &PushResponse) {
        self.pushes.inc();
        for receipt in &response.receipts {
            let outcome = match (&receipt.status, &receipt.rejection) {
                (ReceiptStatus::Rejected, Some(rejection)) => rejection.code.as_str().to_owned(),
                (ReceiptStatus::Rejected, None) => "rejected".to_owned(),
                (ReceiptStatus::Applied, _) => "applied".to_owned(),
            };
            self.mutations
                .get_or_create(&OutcomeLabels { outcome })
                .inc();
            self.conflicts.inc_by(receipt.conflicts.len() as u64);
        }
    }

    /// A pull page served with `changes` changes.
    pub fn pulled(&self, changes: usize) {
        self.pull_pages.inc();
        self.pulled_changes.inc_by(changes as u64);
    }

    /// A chunk accepted with `bytes` bytes; `completed` when the upload's photo was stored
    /// with it.
    pub fn uploaded(&self, bytes: u64, completed: bool) {
        self.upload_bytes.inc_by(bytes);
        if completed {
            self.uploads_completed.inc();
        }
    }

    /// Uploads whose photo the server stored by itself, after the object store failed at
    /// their last chunk.
    pub fn stored_later(&self, uploads: usize) {
        self.uploads_completed.inc_by(uploads as u64);
    }

    /// A photo analysed in `took`, ending in `state`.
    pub fn analysed(&self, state: &str, took: Duration) {
        self.analyses
            .get_or_create(&AnalysisLabels {
                state: state.to_owned(),
            })
            .observe(took.as_secs_f64());
    }

    /// The text Prometheus scrapes, with the queues and the pool read now.
    pub async fn render(&self, db: &DatabaseConnection) -> Result<String, StoreError> {
        for (queue, n) in [
            ("photos", photo_jobs::queued(db).await?),
            ("checks", quality::pending(db).await?),
        ] {
            let n = i64::try_from(n).unwrap_or(i64::MAX);
            self.queues
                .get_or_create(&QueueLabels {
                    queue: queue.to_owned(),
                })
                .set(n);
        }
        let (open, idle) = if db.get_database_backend() == DbBackend::Postgres {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        } else {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        };
        for (connections, n) in [
            ("open", i64::from(open)),
            ("idle", i64::try_from(idle).unwrap_or(i64::MAX)),
        ] {
            self.pool
                .get_or_create(&PoolLabels {
                    connections: connections.to_owned(),
                })
                .set(n);
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String cannot fail");
        Ok(text)
    }
}

/// Methods the API uses; any other is counted as `other`, so that a client cannot add label
/// values at will.
fn method_label(method: &axum::http::Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

/// Middleware: times every request by its route, method and status.
pub async fn record(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("other", MatchedPath::as_str)
        .to_owned();
    let method = method_label(request.method()).to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    app.metrics
        .requests
        .get_or_create(&RequestLabels {
            route,
            method,
            status: response.status().as_u16(),
        })
        .observe(started.elapsed().as_secs_f64());
    response
}

/// The object store, with its failures counted.
#[derive(Debug)]
pub struct ObservedStore {
    inner: Arc<dyn BlobStore>,
    metrics: Arc<Metrics>,
}

impl ObservedStore {
    /// `inner`, counting its errors in `metrics`.
    #[must_use]
    pub fn new(inner: Arc<dyn BlobStore>, metrics: Arc<Metrics>) -> Self {
        Self { inner, metrics }
    }

    fn counted<T>(&self, operation: &str, result: Result<T, BlobError>) -> Result<T, BlobError> {
        if let Err(e) = &result {
            count_store_error(&self.metrics, operation, e);
        }
        result
    }
}

fn count_store_error(metrics: &Metrics, operation: &str, error: &BlobError) {
    let kind = match error {
        BlobError::Unavailable(_) => "unavailable",
        BlobError::Refused(_) => "refused",
        BlobError::Io(_) => "io",
        BlobError::InvalidKey(_) => "invalid_key",
    };
    metrics
        .store_errors
        .get_or_create(&StoreErrorLabels {
            operation: operation.to_owned(),
            kind: kind.to_owned(),
        })
        .inc();
}

impl BlobStore for ObservedStore {
    fn put_file<'a>(
        &'a self,
        key: &'a str,
        path: &'a Path,
    ) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move { self.counted("put_file", self.inner.put_file(key, path).await) })
    }

    fn put<'a>(&'a self, key: &'a str, bytes: Bytes) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move { self.counted("put", self.inner.put(key, bytes).await) })
    }

    fn size<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<u64>, BlobError>> {
        Box::pin(async move { self.counted("size", self.inner.size(key).await) })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, BlobError>> {
        Box::pin(async move { self.counted("get", self.inner.get(key).await) })
    }

    fn open<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<BlobReader>, BlobError>> {
        Box::pin(async move {
            let reader = self.counted("open", self.inner.open(key).await)?;
            // A read that fails after it began counts too (`read`).
            Ok(reader.map(|BlobReader { len, chunks }| {
                let metrics = self.metrics.clone();
                let chunks = chunks.inspect_err(move |e| count_store_error(&metrics, "read", e));
                BlobReader {
                    len,
                    chunks: chunks.boxed(),
                }
            }))
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move { self.counted("delete", self.inner.delete(key).await) })
    }

    fn check(&self) -> BoxFuture<'_, Result<(), BlobError>> {
        Box::pin(async move { self.counted("check", self.inner.check().await) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store whose one object breaks off after its first chunk; nothing else is asked of it.
    #[derive(Debug)]
    struct BreaksOff;

    impl BlobStore for BreaksOff {
        fn put_file<'a>(&'a self, _: &'a str, _: &'a Path) -> BoxFuture<'a, Result<(), BlobError>> {
            unreachable!("only read")
        }

        fn put<'a>(&'a self, _: &'a str, _: Bytes) -> BoxFuture<'a, Result<(), BlobError>> {
            unreachable!("only read")
        }

        fn size<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Option<u64>, BlobError>> {
            unreachable!("only read")
        }

        fn get<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, BlobError>> {
            unreachable!("only read")
        }

        fn open<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Option<BlobReader>, BlobError>> {
            let chunks = futures::stream::iter([
                Ok(Bytes::from_static(b"abc")),
                Err(BlobError::Unavailable("connection reset".to_owned())),
            ]);
            Box::pin(async move {
                Ok(Some(BlobReader {
                    len: 6,
                    chunks: chunks.boxed(),
                }))
            })
        }

        fn delete<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<(), BlobError>> {
            unreachable!("only read")
        }

        fn check(&self) -> BoxFuture<'_, Result<(), BlobError>> {
            unreachable!("only read")
        }
    }

    #[tokio::test]
    async fn a_read_that_breaks_off_after_it_began_counts_as_an_object_store_error() {
        let metrics = Arc::new(Metrics::default());
        let store = ObservedStore::new(Arc::new(BreaksOff), metrics.clone());
        let reader = store.open("sha256/abc").await.unwrap().unwrap();
        let read: Vec<_> = reader.chunks.collect().await;
        assert!(read[0].is_ok() && read[1].is_err());
        let count = |operation: &str| {
            metrics
                .store_errors
                .get_or_create(&StoreErrorLabels {
                    operation: operation.to_owned(),
                    kind: "unavailable".to_owned(),
                })
                .get()
        };
        assert_eq!((count("open"), count("read")), (0, 1));
    }
}
