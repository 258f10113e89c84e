//! Test harness: a real server on an ephemeral port, over a throwaway PostgreSQL database or a
//! SQLite file, driven over HTTP by `reqwest` and by the reference sync client.
//!
//! PostgreSQL comes from `TEST_DATABASE_URL` (the test script `scripts/test` starts a
//! throwaway cluster and sets it). Migrations run once into a template database; every test
//! gets its own `CREATE DATABASE … TEMPLATE …`, dropped afterwards unless `KEEP_TEST_DB=1`.

pub mod fixtures;
pub mod freezer;
pub mod garage;
pub mod images;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Once;

use chrono::Utc;
use ekemiskinan::accounts::{self, UserSpec};
use ekemiskinan::config::Config;
use ekemiskinan::state::AppState;
use ekemiskinan::{Application, seed};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use secrecy::SecretString;
use sync_protocol::client::{ClientConfig, SyncClient};
use sync_protocol::v1::LoginResponse;
use sync_protocol::v1::office::HouseholdQuality;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// The password every test user gets.
pub const PASSWORD: &str = "kata-sandi-uji";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A database in the PostgreSQL cluster of `TEST_DATABASE_URL`.
    Postgres,
    /// A SQLite file in a temporary directory.
    Sqlite,
}

/// A database for one test.
pub struct TestDb {
    /// Connection URL.
    pub url: String,
    /// Backend.
    pub backend: Backend,
    pg: Option<(String, String)>,
    _dir: Option<TempDir>,
}

fn postgres_base_url() -> String {
    #[expect(clippy::disallowed_methods, reason = "the harness reads its own environment")]
    std::env::var("TEST_DATABASE_URL").expect(
        "TEST_DATABASE_URL is not set: run the tests with scripts/test, which starts a throwaway PostgreSQL",
    )
}

/// `url` with its host and port replaced by `addr` (to go through a [`freezer::Freezer`]).
#[must_use]
pub fn through(url: &str, addr: SocketAddr) -> String {
    let mut url = reqwest::Url::parse(url).expect("a URL");
    url.set_ip_host(addr.ip()).expect("a URL with a host");
    url.set_port(Some(addr.port())).expect("a URL with a port");
    url.to_string()
}

/// Where the tests' PostgreSQL listens.
#[must_use]
pub fn postgres_addr() -> SocketAddr {
    address_of(&postgres_base_url())
}

/// The address a URL's host and port name (a literal IP, or `localhost`).
#[must_use]
pub fn address_of(url: &str) -> SocketAddr {
    let url = reqwest::Url::parse(url).expect("a URL");
    let host = match url.host_str().expect("a URL with a host") {
        "localhost" => "127.0.0.1",
        other => other,
    };
    let port = url.port_or_known_default().expect("a URL with a port");
    SocketAddr::new(host.parse().expect("an IP address"), port)
}

fn with_database(base: &str, name: &str) -> String {
    let (prefix, rest) = base
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL has a /database part");
    let query = rest
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{prefix}/{name}{query}")
}

/// Template name: changes whenever the set of migrations changes.
fn template_name() -> String {
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in names.join(",").bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("ekemiskinan_tpl_{hash:016x}")
}

async fn execute(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

impl TestDb {
    /// A fresh, migrated database.
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                let db = Database::connect(&url).await.expect("open sqlite");
                Migrator::up(&db, None).await.expect("migrate sqlite");
                db.close().await.expect("close");
                Self {
                    url,
                    backend,
                    pg: None,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let base = postgres_base_url();
                let admin = Database::connect(&base)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                let template = template_name();
                // Only one test process builds the template; the others wait on the lock.
                execute(&admin, "SELECT pg_advisory_lock(7322)").await;
                let exists = admin
                    .query_one_raw(Statement::from_string(
                        admin.get_database_backend(),
                        format!("SELECT 1 FROM pg_database WHERE datname = '{template}'"),
                    ))
                    .await
                    .expect("query pg_database")
                    .is_some();
                if !exists {
                    execute(&admin, &format!("CREATE DATABASE {template}_build")).await;
                    let db = Database::connect(&with_database(&base, &format!("{template}_build")))
                        .await
                        .expect("connect template");
                    Migrator::up(&db, None).await.expect("migrate template");
                    db.close().await.expect("close template");
                    execute(
                        &admin,
                        &format!("ALTER DATABASE {template}_build RENAME TO {template}"),
                    )
                    .await;
                }
                execute(&admin, "SELECT pg_advisory_unlock(7322)").await;
                let name = format!("test_{}", Uuid::new_v4().simple());
                execute(
                    &admin,
                    &format!("CREATE DATABASE {name} TEMPLATE {template}"),
                )
                .await;
                admin.close().await.expect("close admin");
                Self {
                    url: with_database(&base, &name),
                    backend,
                    pg: Some((base, name)),
                    _dir: None,
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        #[expect(
            clippy::disallowed_methods,
            reason = "the harness reads its own environment"
        )]
        let keep = std::env::var("KEEP_TEST_DB").is_ok_and(|v| v == "1");
        let Some((base, name)) = self.pg.take() else {
            return;
        };
        if keep {
            eprintln!("keeping test database {name}");
            return;
        }
        // Drop runs inside the test's runtime; use a thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let admin = Database::connect(&base)
                    .await
                    .map_err(std::io::Error::other)?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .map_err(std::io::Error::other)?;
                Ok::<(), std::io::Error>(())
            })
        })
        .join();
    }
}

static TRACING: Once = Once::new();

/// Runs an application until the returned sender fires.
fn serve(app: Application) -> (oneshot::Sender<()>, JoinHandle<anyhow::Result<()>>) {
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = rx.await;
    }));
    (tx, server)
}

/// A logged-in test user.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// User id.
    pub id: Uuid,
    /// Username.
    pub username: String,
    /// Bearer token.
    pub token: String,
}

/// A running server.
pub struct TestApp {
    /// The bound address.
    pub addr: SocketAddr,
    /// `http://addr`.
    pub base_url: String,
    /// A plain HTTP client (no automatic decompression, so tests see the wire).
    pub http: reqwest::Client,
    /// A direct connection to the server's database, for assertions.
    pub db: DatabaseConnection,
    /// The server's state.
    pub state: AppState,
    /// Backend in use.
    pub backend: Backend,
    /// The configuration it runs with; a change takes effect at [`TestApp::restart`].
    pub config: Config,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    tmp: TempDir,
    test_db: TestDb,
}

impl TestApp {
    /// A server on PostgreSQL.
    pub async fn spawn() -> Self {
        Self::spawn_with(Backend::Postgres, |_| {}).await
    }

    /// A server on the given backend.
    pub async fn spawn_on(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// A server on the given backend with a tweaked configuration.
    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        TRACING.call_once(|| {
            let log = ekemiskinan::config::LogConfig {
                filter: "warn".to_owned(),
                ..ekemiskinan::config::LogConfig::default()
            };
            ekemiskinan::telemetry::init(&log, ekemiskinan::telemetry::Audience::Server);
        });
        let test_db = TestDb::new(backend).await;
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut config = Config::default();
        config.storage.path = tmp.path().join("objects");
        config.uploads.partial_dir = tmp.path().join("uploads");
        config.database.url = SecretString::from(test_db.url.clone());
        config.database.max_connections = 8;
        config.server.bind = SocketAddr::from(([127, 0, 0, 1], 0));
        config.server.shutdown_grace_seconds = 10;
        // Tests share one PostgreSQL cluster, and pull waits for every older write transaction
        // of the cluster (see PROTOCOL.md, "Ordering"): a test holding a row lock delays the
        // pulls of the others. Let pulls wait longer than such a test holds its lock.
        config.sync.pull_wait_ms = 10_000;
        tweak(&mut config);
        let app = Application::build(config.clone())
            .await
            .expect("build application");
        let addr = app.local_addr().expect("bound address");
        let state = app.state().clone();
        seed::demo_areas(&state.db).await.expect("seed areas");
        state
            .boundaries
            .refresh(&state.db)
            .await
            .expect("load demo boundaries");
        seed::publish_survey_form(&state.db)
            .await
            .expect("publish form");
        let (tx, server) = serve(app);
        let http = reqwest::Client::builder()
            .no_gzip()
            .build()
            .expect("http client");
        Self {
            addr,
            base_url: format!("http://{addr}"),
            http,
            db: state.db.clone(),
            state,
            backend,
            config,
            shutdown: Some(tx),
            server: Some(server),
            tmp,
            test_db,
        }
    }

    /// Stops the server and starts a new one on the same database and object store (on a new
    /// port), as after a restart of the machine.
    pub async fn restart(&mut self) {
        self.trigger_shutdown();
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("server task")
                .expect("server stops cleanly");
        }
        let app = Application::build(self.config.clone())
            .await
            .expect("build application");
        self.addr = app.local_addr().expect("bound address");
        self.base_url = format!("http://{}", self.addr);
        self.state = app.state().clone();
        let (tx, server) = serve(app);
        self.shutdown = Some(tx);
        self.server = Some(server);
    }

    /// A full URL for a path.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Creates a user with the role and areas, and logs them in over HTTP.
    pub async fn user(&self, role: &str, areas: &[&str]) -> TestUser {
        let username = format!("{role}-{}", &Uuid::new_v4().simple().to_string()[..8]);
        let areas: Vec<String> = areas.iter().map(|a| (*a).to_owned()).collect();
        let spec = UserSpec {
            username: &username,
            display_name: "",
            role,
            areas: &areas,
            password: PASSWORD,
        };
        let (user, _) = accounts::create_user(&self.db, spec, None, Utc::now())
            .await
            .expect("create user");
        let login: LoginResponse = self
            .http
            .post(self.url("/v1/auth/login"))
            .json(&serde_json::json!({ "username": username, "password": PASSWORD }))
            .send()
            .await
            .expect("login request")
            .error_for_status()
            .expect("login succeeds")
            .json()
            .await
            .expect("login body");
        TestUser {
            id: user.id,
            username,
            token: login.token,
        }
    }

    /// A reference client for a new device of `user`, with its state in a temp file.
    #[must_use]
    pub fn client(&self, user: &TestUser) -> SyncClient {
        self.device(user, Uuid::new_v4())
    }

    /// The reference client of `device` of `user`, on its state from earlier (a phone that
    /// comes back to this server, after a restart on another port).
    #[must_use]
    pub fn device(&self, user: &TestUser, device: Uuid) -> SyncClient {
        let mut config =
            ClientConfig::new(&self.base_url, &user.token, device, self.state_file(device));
        config.backoff = std::time::Duration::from_millis(5);
        config.max_backoff = std::time::Duration::from_millis(50);
        config.max_attempts = 30;
        SyncClient::open(config).expect("open client")
    }

    /// The photo the object store holds under its hash, byte for byte.
    pub async fn stored_photo(&self, sha256: &str) -> Option<bytes::Bytes> {
        self.state
            .blobs
            .get(&format!("sha256/{sha256}"))
            .await
            .expect("the object store answers")
    }

    /// Where a device's client state lives.
    #[must_use]
    pub fn state_file(&self, device: Uuid) -> PathBuf {
        self.tmp.path().join(format!("{device}.json"))
    }

    /// POSTs JSON with a token.
    pub async fn post(
        &self,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// GETs with a token.
    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// A GET as the user that must answer 200, its body read as JSON.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str, user: &TestUser) -> T {
        let response = self.get(path, &user.token).await;
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.expect("json")
    }

    /// The household's data-quality checks once every visit's check is done (waits up to 30 s).
    /// Call it after whatever queues the checks has committed (a push, a photo's analysis).
    pub async fn checked_flags(&self, user: &TestUser, household: Uuid) -> HouseholdQuality {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let quality: HouseholdQuality = self
                .get_json(&format!("/v1/households/{household}/flags"), user)
                .await;
            if !quality.visits.is_empty()
                && quality
                    .visits
                    .iter()
                    .all(|v| v.state == sync_protocol::v1::office::CheckState::Done)
            {
                return quality;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "not checked in time: {quality:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }

    /// Files of uploads in progress in `uploads.partial_dir`: not the stored photos' files
    /// kept there until the pipeline has analysed them.
    #[must_use]
    pub fn partial_files(&self) -> usize {
        std::fs::read_dir(&self.config.uploads.partial_dir).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_none_or(|x| x != "stored"))
                .count()
        })
    }

    /// Counts rows of a table.
    pub async fn count(&self, table: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                self.db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count query")
            .expect("one row");
        row.try_get::<i64>("", "n").expect("count")
    }

    /// The maintenance URL of the PostgreSQL cluster and this test's database name.
    #[must_use]
    pub fn pg_database(&self) -> Option<(&str, &str)> {
        self.test_db
            .pg
            .as_ref()
            .map(|(base, name)| (base.as_str(), name.as_str()))
    }

    /// Signals shutdown and waits for the server to stop.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.trigger_shutdown();
        match self.server.take() {
            Some(handle) => handle.await?,
            None => Ok(()),
        }
    }

    /// Signals shutdown without waiting.
    pub fn trigger_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// The server task, to await after `trigger_shutdown`.
    pub fn take_server(&mut self) -> Option<JoinHandle<anyhow::Result<()>>> {
        self.server.take()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.trigger_shutdown();
    }
}

/// Wire helpers for tests that speak the protocol by hand.
pub mod wire {
    use serde_json::{Value, json};
    use sync_protocol::hlc::Hlc;
    use sync_protocol::v1::{Mutation, Op};
    use uuid::Uuid;

    /// A mutation with a plausible clock stamp.
    #[must_use]
    pub fn mutation(seq: u64, device: Uuid, op: Op) -> Mutation {
        let now = u64::try_from(chrono::Utc::now().timestamp_millis()).expect("after 1970");
        Mutation {
            seq,
            hlc: Hlc {
                wall_ms: now,
                counter: 0,
                node: device.to_string(),
            },
            device_time: Some(chrono::Utc::now()),
            op,
        }
    }

    /// A push body of the given mutations (as JSON values, so tests can break them).
    #[must_use]
    pub fn push_body(device: Uuid, mutations: &[Value]) -> Value {
        json!({ "device_id": device, "mutations": mutations })
    }

    /// A mutation as JSON.
    #[must_use]
    pub fn to_value(m: &Mutation) -> Value {
        serde_json::to_value(m).expect("mutation serializes")
    }

    /// The ops as a device's mutations 1, 2, 3…, as JSON.
    #[must_use]
    pub fn numbered(device: Uuid, ops: Vec<Op>) -> Vec<Value> {
        ops.into_iter()
            .zip(1..)
            .map(|(op, seq)| to_value(&mutation(seq, device, op)))
            .collect()
    }
}

/// S3 settings of the Garage started by `scripts/test`, with a key prefix of its own.
#[must_use]
pub fn test_s3(prefix: &str) -> ekemiskinan::config::S3Config {
    Config::s3_from_test_env(prefix).expect(
        "TEST_S3_ENDPOINT and friends are not set: run the tests with scripts/test, which starts Garage",
    )
}
