//! Configuration: defaults, then an optional TOML file, then environment variables.
//!
//! With no configuration at all the server runs on the embedded default: a SQLite file under
//! `./data`. `DATABASE_URL=postgres://…` switches to PostgreSQL. Every other key can be set as
//! `EKEMISKINAN__SECTION__KEY` (for example `EKEMISKINAN__SERVER__BIND=0.0.0.0:8080`).
//! Everything is validated here, at start, so that a wrong setting stops the process with a
//! message that says which key is wrong and what it should be. This is the only module that
//! reads the environment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// The file read when no `--config` is given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "ekemiskinan.toml";
/// The database used when nothing is configured.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/ekemiskinan.db?mode=rwc";

/// The whole configuration tree.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// HTTP server.
    #[serde(default)]
    pub server: ServerConfig,
    /// Database connection.
    #[serde(default)]
    pub database: DatabaseConfig,
    /// Logins and tokens.
    #[serde(default)]
    pub auth: AuthConfig,
    /// Where photos and other files are stored.
    #[serde(default)]
    pub storage: StorageConfig,
    /// Resumable photo uploads.
    #[serde(default)]
    pub uploads: UploadConfig,
    /// The image pipeline.
    #[serde(default)]
    pub photos: PhotosConfig,
    /// Thresholds and cut-off of the BPS 14 criteria.
    #[serde(default)]
    pub scoring: crate::domain::scoring::ScoringConfig,
    /// Thresholds of the data-quality flags and the risk score.
    #[serde(default)]
    pub flags: crate::domain::quality::FlagConfig,
    /// Sync protocol limits.
    #[serde(default)]
    pub sync: SyncConfig,
    /// Supervisors' review.
    #[serde(default)]
    pub review: ReviewConfig,
    /// The console's map.
    #[serde(default)]
    pub map: MapConfig,
    /// What analysts may learn from aggregates.
    #[serde(default)]
    pub privacy: PrivacyConfig,
    /// The operator's metrics.
    #[serde(default)]
    pub metrics: MetricsConfig,
    /// Logging.
    #[serde(default)]
    pub log: LogConfig,
}

/// `[server]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub bind: SocketAddr,
    /// Largest request body accepted, in bytes, after gzip decompression.
    pub max_body_bytes: usize,
    /// How long a shutdown waits for requests in flight before giving up, in seconds.
    pub shutdown_grace_seconds: u64,
    /// How long a request may wait for the database or the object store (retries included),
    /// in seconds, once its body has arrived; past it the answer is `503` with `Retry-After`.
    pub unavailable_after_seconds: u64,
    /// How long `/readyz` waits for the database and the object store, in seconds.
    pub ready_timeout_seconds: u64,
}

impl ServerConfig {
    /// [`unavailable_after_seconds`](Self::unavailable_after_seconds) as a duration.
    #[must_use]
    pub fn unavailable_after(&self) -> Duration {
        Duration::from_secs(self.unavailable_after_seconds)
    }

    /// [`ready_timeout_seconds`](Self::ready_timeout_seconds) as a duration.
    #[must_use]
    pub fn ready_timeout(&self) -> Duration {
        Duration::from_secs(self.ready_timeout_seconds)
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_body_bytes: 4 * 1024 * 1024,
            shutdown_grace_seconds: 30,
            unavailable_after_seconds: 10,
            ready_timeout_seconds: 2,
        }
    }
}

/// `[database]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://PATH?mode=rwc` or `postgres://USER:PASSWORD@HOST:PORT/DB`.
    pub url: SecretString,
    /// Connections in the pool.
    pub max_connections: u32,
    /// Apply pending migrations when the server starts.
    pub migrate_on_start: bool,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: SecretString::from(DEFAULT_DATABASE_URL),
            max_connections: 10,
            migrate_on_start: true,
        }
    }
}

impl DatabaseConfig {
    /// How many times work that is safe to repeat is tried after transient failures: more
    /// than the pool has connections, since the pool discards a dropped connection per failure.
    #[must_use]
    pub fn retry_attempts(&self) -> u32 {
        self.max_connections + 2
    }

    /// Whether the URL points at SQLite.
    #[must_use]
    pub fn is_sqlite(&self) -> bool {
        self.url.expose_secret().starts_with("sqlite:")
    }
}

/// `[storage]`: a local directory (the embedded default) or an S3-compatible object store.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageConfig {
    /// `local` or `s3`.
    pub kind: StorageKind,
    /// With `local`: the directory.
    pub path: PathBuf,
    /// With `s3`: where and how to connect.
    pub s3: Option<S3Config>,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            kind: StorageKind::Local,
            path: PathBuf::from(DEFAULT_STORAGE_PATH),
            s3: None,
        }
    }
}

/// The directory used for files when nothing is configured.
pub const DEFAULT_STORAGE_PATH: &str = "data/objects";

/// Which object store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    /// A directory on this machine.
    Local,
    /// An S3-compatible object store (Garage, MinIO, Ceph RGW, AWS).
    S3,
}

/// `[storage.s3]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Config {
    /// Endpoint URL, e.g. `http://127.0.0.1:3900` (Garage) or `https://s3.ap-southeast-3.amazonaws.com`.
    pub endpoint: String,
    /// Region name the store expects (Garage: its `s3_region`).
    pub region: String,
    /// Bucket.
    pub bucket: String,
    /// Prefix put before every key, to share a bucket.
    #[serde(default)]
    pub prefix: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: SecretString,
    /// Path-style addressing (`endpoint/bucket/key`), which most self-hosted stores need.
    #[serde(default = "yes")]
    pub path_style: bool,
}

fn yes() -> bool {
    true
}

/// `[photos]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PhotosConfig {
    /// Photos the background workers process at once (thumbnails and hashes), by default two
    /// per core; 0 turns the pipeline off on this instance (another instance may run it).
    /// Whatever the number, at most one photo per core is decoded at a time.
    pub workers: usize,
    /// Largest image accepted, in megapixels (width × height as declared in the file).
    pub max_megapixels: u32,
    /// Most memory one decode may take, in MiB; larger images are refused before decoding.
    /// The workers' decodes share it: one waits until its memory fits beside the others'.
    pub max_decode_mib: u32,
    /// How often an idle worker looks for work, in milliseconds (new uploads wake it at once).
    pub poll_ms: u64,
    /// Attempts before a photo whose analysis keeps failing transiently is given up.
    pub max_attempts: u32,
}

impl Default for PhotosConfig {
    fn default() -> Self {
        Self {
            // A worker waits for the object store and the database about as long as it
            // decodes: two per core keep the cores decoding. At a steady 6 photos a second on
            // 2 cores (bench/photo-load.sh), photos waited up to 1.7-6.3 s with one worker
            // per core, up to 0.7-2.1 s with two.
            workers: 2 * std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            // 200-megapixel phone cameras exist; their JPEGs decode at 1/8 scale.
            max_megapixels: 210,
            // A 12-megapixel progressive JPEG with full-resolution colour keeps 73 MB of
            // coefficients while it decodes; 256 MiB takes such photos up to about 35 MP.
            max_decode_mib: 256,
            poll_ms: 5_000,
            max_attempts: 10,
        }
    }
}

impl PhotosConfig {
    /// The caps checked before decoding.
    #[must_use]
    pub fn limits(&self) -> crate::photos::analysis::Limits {
        crate::photos::analysis::Limits {
            max_pixels: u64::from(self.max_megapixels) * 1_000_000,
            max_decode_bytes: u64::from(self.max_decode_mib) * 1024 * 1024,
        }
    }
}

/// `[uploads]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UploadConfig {
    /// Largest photo accepted, in bytes.
    pub max_bytes: u64,
    /// How long an unfinished upload is kept, in hours. Phones may be offline for days.
    pub expire_hours: u32,
    /// How long a chunk's body may stop arriving, in seconds, before the `PATCH` is answered
    /// `408 upload_stalled`: a phone whose connection died must not hold one of the few chunk
    /// turns of the instance for good. Generous: 2G links pause.
    pub chunk_idle_seconds: u32,
    /// The slowest a chunk's body may arrive on average, in bytes per second, once its first
    /// `chunk_idle_seconds` have passed: a body that keeps coming a byte at a time, never
    /// idle for long, must not hold a chunk turn for good either. Far below a 2G link
    /// (GPRS, the slowest mobile data, carries thousands of bytes per second).
    pub chunk_min_bytes_per_second: u32,
    /// Where the bytes of uploads in progress are kept, a file per upload, until the photo is
    /// stored. Instances behind one address send each upload to the same instance.
    pub partial_dir: PathBuf,
}

impl Default for UploadConfig {
    fn default() -> Self {
        Self {
            max_bytes: 20 * 1024 * 1024,
            expire_hours: 24 * 7,
            chunk_idle_seconds: 60,
            chunk_min_bytes_per_second: 256,
            partial_dir: PathBuf::from("data/uploads"),
        }
    }
}

/// `[auth]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// How long a login token stays valid, in hours. Phones are offline for days.
    pub token_ttl_hours: u32,
    /// Failed logins for one username before it is locked for `lockout_minutes`.
    pub max_failed_logins: u32,
    /// How long a username stays locked after too many failed logins, in minutes.
    pub lockout_minutes: u32,
    /// How long an instance trusts a token it checked, in seconds, before checking it again
    /// (0: every request). Revocation on another instance takes effect within this time.
    pub session_cache_seconds: u32,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            token_ttl_hours: 24 * 30,
            max_failed_logins: 5,
            lockout_minutes: 15,
            session_cache_seconds: 10,
        }
    }
}

/// `[sync]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SyncConfig {
    /// Most mutations accepted in one push.
    pub max_mutations_per_push: usize,
    /// Pull page size when the phone does not ask for one.
    pub default_pull_limit: u32,
    /// Phone clock skew above which the device is flagged, in seconds.
    pub clock_skew_flag_seconds: u32,
    /// How long a pull waits for changes that are committed but held back by an older
    /// transaction still running (PostgreSQL), in milliseconds.
    pub pull_wait_ms: u64,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            max_mutations_per_push: 200,
            default_pull_limit: 200,
            clock_skew_flag_seconds: 300,
            pull_wait_ms: 1000,
        }
    }
}

/// `[review]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewConfig {
    /// Days a household may wait for a decision before it counts as overdue.
    pub due_days: u32,
    /// A supervisor may not approve a household holding a value they wrote themselves.
    pub four_eyes: bool,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        Self {
            due_days: 14,
            four_eyes: true,
        }
    }
}

impl ReviewConfig {
    /// How long a household may wait before it is overdue.
    #[must_use]
    pub fn due(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.due_days))
    }
}

/// `[privacy]`: the disclosure rule for analysts, who read aggregates only.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrivacyConfig {
    /// Map cells and areas with fewer households than this are withheld from analysts, and
    /// counted in no figure they read (so no total minus the others reveals them).
    pub min_cell: u64,
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        Self { min_cell: 5 }
    }
}

/// `[metrics]`: `GET /metrics` in the Prometheus text format, for the operator's monitoring.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// The bearer token a scraper sends; unset, `/metrics` is not served at all (the
    /// figures say how busy the offices are, which is no business of the public listener).
    pub token: Option<SecretString>,
}

impl MetricsConfig {
    /// A token too short to keep a guesser out is refused.
    fn validate(&self) -> Result<(), ConfigError> {
        if self
            .token
            .as_ref()
            .is_some_and(|t| t.expose_secret().len() < 16)
        {
            return Err(ConfigError::Invalid {
                key: "metrics.token",
                message: "minimal 16 karakter (mis. keluaran openssl rand -hex 16)".into(),
            });
        }
        Ok(())
    }
}

/// `[map]`: an optional basemap under the desa polygons of the console's map. Without one the
/// map needs no internet: its base layer is the boundaries the server has.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MapConfig {
    /// Raster tiles from a tile server: a URL template with `{z}`, `{x}` and `{y}`
    /// (`https://tiles.example.go.id/{z}/{x}/{y}.png`). Empty: none.
    pub basemap_tiles: String,
    /// Or a PMTiles file of raster tiles on this server's disk (an offline basemap of the
    /// kabupaten), served to the console with range requests. Empty: none.
    pub basemap_pmtiles: String,
    /// Who to credit for the basemap, shown on the map.
    pub basemap_attribution: String,
}

impl MapConfig {
    /// Checks that the basemap can work: one of the two, a template with its three
    /// placeholders, a file that is there.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key, message: &str| {
            Err(ConfigError::Invalid {
                key,
                message: message.into(),
            })
        };
        if !self.basemap_tiles.is_empty() && !self.basemap_pmtiles.is_empty() {
            return invalid(
                "map.basemap_tiles",
                "pilih satu peta dasar: basemap_tiles atau basemap_pmtiles, bukan keduanya",
            );
        }
        if !self.basemap_tiles.is_empty()
            && (self.tiles_origin().is_none()
                || ["{z}", "{x}", "{y}"]
                    .iter()
                    .any(|p| !self.basemap_tiles.contains(p))
                || self
                    .basemap_tiles
                    .chars()
                    .any(|c| c.is_whitespace() || c == ';' || c == '\''))
        {
            return invalid(
                "map.basemap_tiles",
                "harus alamat http(s) dengan {z}, {x} dan {y}, contoh https://tiles.contoh.go.id/{z}/{x}/{y}.png",
            );
        }
        if !self.basemap_pmtiles.is_empty() && !Path::new(&self.basemap_pmtiles).is_file() {
            return invalid(
                "map.basemap_pmtiles",
                "berkas PMTiles tidak ditemukan (tulis jalur lengkap ke berkas .pmtiles)",
            );
        }
        Ok(())
    }

    /// The origin of the tile server (`https://tiles.example.go.id`), which the pages' Content
    /// Security Policy must let them fetch from.
    #[must_use]
    pub fn tiles_origin(&self) -> Option<&str> {
        let url = self.basemap_tiles.as_str();
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))?;
        let host_end = rest.find('/').unwrap_or(rest.len());
        Some(&url[..url.len() - rest.len() + host_end])
    }
}

/// `[log]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `text` for people, `json` for log collectors.
    pub format: LogFormat,
    /// A tracing filter such as `info` or `ekemiskinan=debug,info`. `RUST_LOG` overrides it.
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            filter: "info".to_owned(),
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// A configuration that cannot be used, with a message for the person starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file or an environment variable could not be read or parsed.
    #[error("konfigurasi tidak dapat dibaca: {0}")]
    Load(#[from] config::ConfigError),
    /// A value is out of range or inconsistent.
    #[error("konfigurasi tidak valid: {key}: {message}")]
    Invalid {
        /// The key, e.g. `database.url`.
        key: &'static str,
        /// What is wrong and what is expected.
        message: String,
    },
}

impl Config {
    /// Loads the configuration: defaults, then `file` (or `ekemiskinan.toml` in the working
    /// directory if it exists), then `EKEMISKINAN__…` variables, then `DATABASE_URL`.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut builder = config::Config::builder();
        builder = match file {
            Some(path) => builder.add_source(config::File::from(path).required(true)),
            None => builder
                .add_source(config::File::from(PathBuf::from(DEFAULT_CONFIG_FILE)).required(false)),
        };
        builder = builder.add_source(
            config::Environment::with_prefix("EKEMISKINAN")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true),
        );
        #[expect(
            clippy::disallowed_methods,
            reason = "config.rs is where the environment is read"
        )]
        if let Ok(url) = std::env::var("DATABASE_URL") {
            builder = builder.set_override("database.url", url)?;
        }
        let config: Config = builder.build()?.try_deserialize()?;
        config.validate()?;
        Ok(config)
    }

    /// Checks values that the types alone do not.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key, message: &str| {
            Err(ConfigError::Invalid {
                key,
                message: message.into(),
            })
        };
        let url = self.database.url.expose_secret();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return invalid(
                "database.url",
                "harus diawali sqlite: atau postgres:// (contoh: postgres://user:sandi@127.0.0.1:5432/ekemiskinan)",
            );
        }
        if self.privacy.min_cell == 0 {
            return invalid(
                "privacy.min_cell",
                "minimal 1 (1: tanpa penyembunyian; bawaan 5 rumah tangga)",
            );
        }
        self.metrics.validate()?;
        if self.server.unavailable_after_seconds == 0 {
            return invalid(
                "server.unavailable_after_seconds",
                "harus lebih dari 0 (bawaan 10 detik)",
            );
        }
        if self.server.ready_timeout_seconds == 0 {
            return invalid(
                "server.ready_timeout_seconds",
                "harus lebih dari 0 (bawaan 2 detik)",
            );
        }
        self.map.validate()?;
        if self.database.max_connections == 0 {
            return invalid("database.max_connections", "harus lebih dari 0");
        }
        if self.server.max_body_bytes < 1024 {
            return invalid("server.max_body_bytes", "minimal 1024 byte");
        }
        if self.auth.token_ttl_hours == 0 {
            return invalid("auth.token_ttl_hours", "harus lebih dari 0");
        }
        if self.auth.max_failed_logins == 0 {
            return invalid("auth.max_failed_logins", "harus lebih dari 0");
        }
        if self.sync.max_mutations_per_push == 0
            || self.sync.max_mutations_per_push > sync_protocol::v1::MAX_MUTATIONS_PER_PUSH
        {
            return invalid("sync.max_mutations_per_push", "harus di antara 1 dan 500");
        }
        let floor = self.scoring.floor_m2_per_person;
        if !floor.is_finite() || floor <= 0.0 {
            return invalid("scoring.floor_m2_per_person", "harus bilangan lebih dari 0");
        }
        if !(1..=14).contains(&self.scoring.poor_at_least) {
            return invalid("scoring.poor_at_least", "harus di antara 1 dan 14 kriteria");
        }
        if let Some(&(key, message)) = self.flags.problems().first() {
            return invalid(key, message);
        }
        if self.uploads.chunk_idle_seconds == 0 {
            return invalid("uploads.chunk_idle_seconds", "harus lebih dari 0");
        }
        if self.uploads.chunk_min_bytes_per_second == 0 {
            return invalid("uploads.chunk_min_bytes_per_second", "harus lebih dari 0");
        }
        if self.photos.max_megapixels == 0 {
            return invalid("photos.max_megapixels", "harus lebih dari 0");
        }
        if self.photos.max_decode_mib < 16 {
            return invalid("photos.max_decode_mib", "minimal 16 MiB");
        }
        if self.storage.kind == StorageKind::S3 {
            let Some(s3) = &self.storage.s3 else {
                return invalid(
                    "storage.s3",
                    "storage.kind = \"s3\" perlu bagian [storage.s3] (endpoint, region, bucket, access_key_id, secret_access_key)",
                );
            };
            if !(s3.endpoint.starts_with("http://") || s3.endpoint.starts_with("https://")) {
                return invalid("storage.s3.endpoint", "harus diawali http:// atau https://");
            }
            if s3.bucket.is_empty() || s3.region.is_empty() || s3.access_key_id.is_empty() {
                return invalid("storage.s3", "bucket, region dan access_key_id wajib diisi");
            }
        }
        if self.sync.default_pull_limit == 0
            || self.sync.default_pull_limit > sync_protocol::v1::MAX_PULL_LIMIT
        {
            return invalid("sync.default_pull_limit", "harus di antara 1 dan 1000");
        }
        if !(1..=3650).contains(&self.review.due_days) {
            return invalid("review.due_days", "harus di antara 1 dan 3650 hari");
        }
        Ok(())
    }

    /// Reads the storage settings of the test harness and the benchmark from `TEST_S3_*`
    /// variables, if `TEST_S3_ENDPOINT` is set.
    #[must_use]
    pub fn s3_from_test_env(prefix: &str) -> Option<S3Config> {
        #[expect(
            clippy::disallowed_methods,
            reason = "config.rs is where the environment is read"
        )]
        let var = |name: &str| std::env::var(name).ok();
        Some(S3Config {
            endpoint: var("TEST_S3_ENDPOINT")?,
            region: var("TEST_S3_REGION").unwrap_or_else(|| "garage".to_owned()),
            bucket: var("TEST_S3_BUCKET")?,
            prefix: prefix.to_owned(),
            access_key_id: var("TEST_S3_ACCESS_KEY_ID")?,
            secret_access_key: SecretString::from(var("TEST_S3_SECRET_ACCESS_KEY")?),
            path_style: true,
        })
    }

    /// The SQLite file's directory, if the database is a SQLite file, so it can be created.
    #[must_use]
    pub fn sqlite_dir(&self) -> Option<PathBuf> {
        self.sqlite_path()?.parent().map(Path::to_path_buf)
    }

    /// The SQLite file, if the database is one.
    #[must_use]
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let url = self.database.url.expose_secret();
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() || path == ":memory:" {
            return None;
        }
        Some(PathBuf::from(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_use_sqlite_under_data() {
        let config = Config::default();
        config.validate().expect("defaults are valid");
        assert!(config.database.is_sqlite());
        assert_eq!(config.sqlite_dir(), Some(PathBuf::from("data")));
    }

    #[test]
    fn an_unknown_database_scheme_is_refused_with_the_key_named() {
        let mut config = Config::default();
        config.database.url = SecretString::from("mysql://localhost/x");
        let err = config
            .validate()
            .expect_err("mysql is not supported")
            .to_string();
        assert!(err.contains("database.url"), "{err}");
    }

    #[test]
    fn scoring_flag_and_photo_limits_out_of_range_are_refused_with_the_key_named() {
        type Spoil = fn(&mut Config);
        let cases: [(&str, Spoil); 9] = [
            ("flags.max_travel_kmh", |c| c.flags.max_travel_kmh = 0.0),
            ("metrics.token", |c| {
                c.metrics.token = Some(SecretString::from("pendek"));
            }),
            ("flags.exif_utc_offset_hours", |c| {
                c.flags.exif_utc_offset_hours = 80;
            }),
            ("scoring.poor_at_least", |c| c.scoring.poor_at_least = 15),
            ("scoring.floor_m2_per_person", |c| {
                c.scoring.floor_m2_per_person = f64::NAN;
            }),
            ("photos.max_megapixels", |c| c.photos.max_megapixels = 0),
            ("photos.max_decode_mib", |c| c.photos.max_decode_mib = 8),
            ("uploads.chunk_idle_seconds", |c| {
                c.uploads.chunk_idle_seconds = 0;
            }),
            ("uploads.chunk_min_bytes_per_second", |c| {
                c.uploads.chunk_min_bytes_per_second = 0;
            }),
        ];
        for (key, spoil) in cases {
            let mut config = Config::default();
            spoil(&mut config);
            let err = config.validate().expect_err(key).to_string();
            assert!(err.contains(key), "{err}");
        }
    }

    #[test]
    fn a_file_with_an_unknown_key_is_refused() {
        let dir = std::env::temp_dir().join(format!("ekemiskinan-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("bad.toml");
        std::fs::write(&file, "[server]\nbnd = \"0.0.0.0:1\"\n").expect("write");
        let err = Config::load(Some(&file))
            .expect_err("unknown key")
            .to_string();
        assert!(err.contains("bnd"), "{err}");
    }
}
