//! A Garage instance of a test's own, for tests that stop and restart the object store
//! (the shared one started by `scripts/test` serves every other test and must stay up).
//!
//! Everything here blocks: call it from `spawn_blocking`.

#![expect(
    clippy::disallowed_methods,
    reason = "blocking by design, run on a blocking thread: waits with thread::sleep"
)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ekemiskinan::config::S3Config;
use secrecy::SecretString;
use tempfile::TempDir;

const BUCKET: &str = "ekemiskinan-test";

/// A single-node Garage in a temporary directory, stopped when dropped.
pub struct TestGarage {
    bin: PathBuf,
    config: PathBuf,
    s3_port: u16,
    child: Option<Child>,
    s3: S3Config,
    _dir: TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn run(bin: &Path, config: &Path, args: &[&str]) -> String {
    let output = Command::new(bin)
        .arg("-c")
        .arg(config)
        .args(args)
        .output()
        .expect("running garage");
    assert!(
        output.status.success(),
        "garage {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The value after `label` on the line that has it (`Key ID: GK…`).
fn field(text: &str, label: &str) -> String {
    match text
        .lines()
        .find_map(|line| line.trim().strip_prefix(label))
    {
        Some(value) => value.trim().to_owned(),
        None => panic!("no {label:?} in garage output:\n{text}"),
    }
}

impl TestGarage {
    /// Starts Garage (the binary in `TEST_GARAGE_BIN`, set by `scripts/test`) with a key and a
    /// bucket.
    #[must_use]
    pub fn start() -> Self {
        let bin = std::env::var_os("TEST_GARAGE_BIN").map(PathBuf::from).expect(
            "TEST_GARAGE_BIN is not set: run the tests with scripts/test, which installs Garage",
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("garage.toml");
        let (s3_port, rpc_port, admin_port) = (free_port(), free_port(), free_port());
        let secret = hex::encode(rand::random::<[u8; 32]>());
        let root = dir.path().display();
        std::fs::write(
            &config,
            format!(
                r#"metadata_dir = "{root}/meta"
data_dir = "{root}/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:{rpc_port}"
rpc_public_addr = "127.0.0.1:{rpc_port}"
rpc_secret = "{secret}"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:{s3_port}"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:{admin_port}"
"#
            ),
        )
        .expect("writing garage.toml");
        let mut garage = Self {
            bin,
            config,
            s3_port,
            child: None,
            s3: S3Config {
                endpoint: format!("http://127.0.0.1:{s3_port}"),
                region: "garage".to_owned(),
                bucket: BUCKET.to_owned(),
                prefix: String::new(),
                access_key_id: String::new(),
                secret_access_key: SecretString::from(String::new()),
                path_style: true,
            },
            _dir: dir,
        };
        let node = garage.spawn();
        run(
            &garage.bin,
            &garage.config,
            &["layout", "assign", "-z", "dc1", "-c", "1G", &node],
        );
        run(
            &garage.bin,
            &garage.config,
            &["layout", "apply", "--version", "1"],
        );
        let key = run(&garage.bin, &garage.config, &["key", "create", "test"]);
        run(&garage.bin, &garage.config, &["bucket", "create", BUCKET]);
        run(
            &garage.bin,
            &garage.config,
            &[
                "bucket", "allow", "--read", "--write", "--owner", BUCKET, "--key", "test",
            ],
        );
        garage.s3.access_key_id = field(&key, "Key ID:");
        garage.s3.secret_access_key = SecretString::from(field(&key, "Secret key:"));
        garage.wait_for_s3();
        garage
    }

    /// Settings for the server, objects under `prefix`.
    #[must_use]
    pub fn s3(&self, prefix: &str) -> S3Config {
        S3Config {
            prefix: prefix.to_owned(),
            ..self.s3.clone()
        }
    }

    /// Starts the server process and waits until the node is healthy; returns its id.
    fn spawn(&mut self) -> String {
        let child = Command::new(&self.bin)
            .arg("-c")
            .arg(&self.config)
            .arg("server")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting garage");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let status = Command::new(&self.bin)
                .arg("-c")
                .arg(&self.config)
                .arg("status")
                .output()
                .expect("running garage status");
            let text = String::from_utf8_lossy(&status.stdout);
            if status.status.success()
                && let Some(id) = text
                    .lines()
                    .skip_while(|l| !l.contains("HEALTHY NODES"))
                    .nth(2)
                    .and_then(|l| l.split_whitespace().next())
            {
                return id.to_owned();
            }
            assert!(Instant::now() < deadline, "Garage did not start: {text}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_for_s3(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.s3_port)).is_err() {
            assert!(Instant::now() < deadline, "Garage's S3 port did not open");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills the server process, as a crash or a power cut would.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same directory and ports.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
        self.wait_for_s3();
    }
}

impl Drop for TestGarage {
    fn drop(&mut self) {
        self.stop();
    }
}
