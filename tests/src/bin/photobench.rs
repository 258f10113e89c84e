//! Photo benchmarks: the image pipeline per photo, and many phones uploading photos at once.
//!
//! `photobench pipeline FILES…` times the pipeline's work on each file on one thread (read
//! format, EXIF, two thumbnails, perceptual hash), as a worker does it.
//! `photobench uploads --url … FILES…` has N clients upload distinct photos at once over tus in
//! small chunks and prints MB/s; `photobench s3put FILES…` puts the same bytes straight into
//! the S3 store named by `TEST_S3_*`, the reference for what the object store alone takes.
//! `photobench load --url … FILES…` has N phones survey households for a while, each visit
//! naming a photo that the phone uploads after its push, then waits until every photo is
//! analysed and every visit checked; it reads the server's PostgreSQL database
//! (`--database-url`, or `DATABASE_URL`) for that, and for the deadlocks counted meanwhile.
//! `photobench central --url … --key … FILES…` has N clients send ODK Central submissions
//! with a photo each for a while, as ODK Collect sends them, and prints what Central accepted.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use clap::{Parser, Subcommand};
use ekemiskinan::blob::{BlobStore, S3Store};
use ekemiskinan::config::{Config, PhotosConfig};
use ekemiskinan::photos::analysis;
use rand::SeedableRng;
use rand::rngs::StdRng;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use sha2::{Digest, Sha256};
use sync_protocol::client::{ClientConfig, SyncClient};
use sync_protocol::v1::{LoginResponse, Op, PhotoRef};
use tests::fixtures;
use tokio::sync::Barrier;

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Times the pipeline on each file, one thread.
    Pipeline {
        /// Passes over the files.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// JPEG, PNG or WebP files.
        files: Vec<PathBuf>,
    },
    /// Clients upload distinct photos at once over tus.
    Uploads {
        #[command(flatten)]
        server: Server,
        /// Clients uploading at once, one photo each.
        #[arg(long, default_value_t = 50)]
        clients: usize,
        #[command(flatten)]
        chunks: Chunks,
        /// Photos to send (client i sends file i mod n, made distinct).
        files: Vec<PathBuf>,
    },
    /// Phones survey and upload for a while; then the processing is awaited.
    Load {
        #[command(flatten)]
        server: Server,
        /// The server's PostgreSQL database, read for the progress and the deadlocks.
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        /// Phones at once.
        #[arg(long, default_value_t = 8)]
        clients: usize,
        /// How long the phones keep surveying, in seconds.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        #[command(flatten)]
        chunks: Chunks,
        /// Photos per second the phones start together, at even intervals (a steady arrival);
        /// without it each phone starts its next visit as soon as its last photo is stored.
        #[arg(long)]
        rate: Option<f64>,
        /// Stops when the phones stop, without waiting for the processing: for a server whose
        /// pipeline is off (`photos.workers = 0`, another instance runs it).
        #[arg(long)]
        accepted_only: bool,
        /// Photos to send (each made distinct).
        files: Vec<PathBuf>,
    },
    /// Clients send ODK Central a submission with its photo, one after the other, for a while.
    Central {
        #[command(flatten)]
        central: Central,
        /// Clients at once.
        #[arg(long, default_value_t = 8)]
        clients: usize,
        /// How long the clients keep sending, in seconds.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        /// Photos to send (each made distinct).
        files: Vec<PathBuf>,
    },
    /// The same photos put straight into S3 (`TEST_S3_*`), N at once.
    S3put {
        /// Clients putting at once, one photo each.
        #[arg(long, default_value_t = 50)]
        clients: usize,
        /// Photos to send.
        files: Vec<PathBuf>,
    },
}

/// The server the clients talk to, and the enumerator (of Pattimang) they log in as.
#[derive(clap::Args)]
struct Server {
    /// Server base URL.
    #[arg(long)]
    url: String,
    /// An enumerator.
    #[arg(long, default_value = "demo-tksk")]
    username: String,
    /// Its password.
    #[arg(long)]
    password: String,
}

/// How a phone sends a photo over tus.
#[derive(clap::Args, Clone, Copy)]
struct Chunks {
    /// Chunk size in bytes.
    #[arg(long = "chunk", default_value_t = 256 * 1024)]
    size: usize,
    /// Sends each chunk without its `Upload-Checksum`, as the field app does (the server
    /// checks the whole file's SHA-256 either way).
    #[arg(long)]
    no_checksum: bool,
}

/// An ODK Central server, and the form its clients fill (`bench/central-form.xml`).
#[derive(clap::Args)]
struct Central {
    /// Central's base URL.
    #[arg(long)]
    url: String,
    /// The token of an app user allowed to fill the form.
    #[arg(long)]
    key: String,
    /// The project holding the form.
    #[arg(long, default_value_t = 1)]
    project: u32,
}

/// Photo `i`: file `i mod n` with a JPEG comment naming `i` after its start marker, so every
/// client sends a different file (a different SHA-256) of the same picture.
fn distinct(files: &[Vec<u8>], i: usize, run: &str) -> Vec<u8> {
    let source = &files[i % files.len()];
    let note = format!("photobench {run} {i}");
    let mut out = Vec::with_capacity(source.len() + note.len() + 4);
    out.extend(&source[..2]);
    out.extend([0xFF, 0xFE]);
    out.extend(
        u16::try_from(note.len() + 2)
            .unwrap_or(u16::MAX)
            .to_be_bytes(),
    );
    out.extend(note.as_bytes());
    out.extend(&source[2..]);
    out
}

fn read_all(files: &[PathBuf]) -> anyhow::Result<Vec<Vec<u8>>> {
    if files.is_empty() {
        bail!("name at least one photo file");
    }
    files
        .iter()
        .map(|f| std::fs::read(f).with_context(|| format!("reading {}", f.display())))
        .collect()
}

fn pipeline(rounds: usize, files: &[PathBuf]) -> anyhow::Result<()> {
    let photos = read_all(files)?;
    let limits = PhotosConfig::default().limits();
    let mut times = Vec::new();
    for _ in 0..rounds {
        for photo in &photos {
            let started = Instant::now();
            let analysis = analysis::analyse(photo, &limits)?;
            let rendered = analysis
                .rendered
                .map_err(|e| anyhow::anyhow!("not decoded: {e}"))?;
            std::hint::black_box(rendered);
            times.push(started.elapsed());
        }
    }
    times.sort_unstable();
    let total: Duration = times.iter().sum();
    #[expect(clippy::cast_precision_loss, reason = "a few hundred samples")]
    let mean = total.as_secs_f64() * 1000.0 / times.len() as f64;
    println!(
        "pipeline photos={} mean_ms={mean:.1} median_ms={:.1}",
        times.len(),
        times[times.len() / 2].as_secs_f64() * 1000.0
    );
    Ok(())
}

async fn login(http: &reqwest::Client, server: &Server) -> anyhow::Result<String> {
    let response = http
        .post(format!("{}/v1/auth/login", server.url))
        .json(&serde_json::json!({ "username": server.username, "password": server.password }))
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("login failed: {}", response.status());
    }
    Ok(response.json::<LoginResponse>().await?.token)
}

/// A photo as a phone holds it before sending it: made distinct, with its SHA-256 and its
/// chunks' checksums. The timed passes prepare their photos before the clock starts (as
/// `loadgen` prepares its pushes), so that the load generator's hashing does not take the
/// cores from the server it measures.
struct Prepared {
    photo: Bytes,
    sha256: String,
    /// The size of the chunks it is sent in.
    chunk: usize,
    /// Each chunk's `Upload-Checksum`; none when the chunks are sent without.
    checksums: Vec<String>,
}

impl Prepared {
    fn new(sources: &[Vec<u8>], i: usize, run: &str, chunks: Chunks) -> Self {
        let photo = distinct(sources, i, run);
        let sha256 = hex::encode(Sha256::digest(&photo));
        let checksums = if chunks.no_checksum {
            Vec::new()
        } else {
            photo
                .chunks(chunks.size)
                .map(|part| format!("sha256 {}", STANDARD.encode(Sha256::digest(part))))
                .collect()
        };
        Self {
            photo: Bytes::from(photo),
            sha256,
            chunk: chunks.size,
            checksums,
        }
    }
}

/// What the clients of a timed pass send, prepared before the clock starts and shared by
/// all of them: enough for the pass's rate, or for [`FLAT_OUT_PER_SECOND`] (about 3 GB of
/// photos for a 30 s pass). A client that finds it empty prepares its next one while timed,
/// and the pass reports how many.
struct Pool<T> {
    ready: Mutex<Vec<T>>,
    /// How many were prepared before the clock started.
    prepared: usize,
    /// How many were made in all (the index of the next).
    made: AtomicUsize,
    make: Box<dyn Fn(usize) -> T + Send + Sync>,
}

impl<T> Pool<T> {
    /// Enough for `per_second` items a second over `duration`; item `i` is `make(i)`.
    fn new(
        duration: Duration,
        per_second: f64,
        make: impl Fn(usize) -> T + Send + Sync + 'static,
    ) -> Self {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "about a thousand photos"
        )]
        // A steady arrival starts one at 0 s and one at the end too.
        let count = (duration.as_secs_f64() * per_second).ceil() as usize + 1;
        // Taken from the end: item 0 first.
        let ready = (0..count).rev().map(&make).collect();
        Self {
            ready: Mutex::new(ready),
            prepared: count,
            made: AtomicUsize::new(count),
            make: Box::new(make),
        }
    }

    fn take(&self) -> T {
        if let Some(item) = ekemiskinan::locks::lock(&self.ready).pop() {
            return item;
        }
        (self.make)(self.made.fetch_add(1, Ordering::Relaxed))
    }

    /// How many were prepared while timed.
    fn late(&self) -> usize {
        self.made.load(Ordering::Relaxed) - self.prepared
    }
}

/// More photos a second than the phones have sent flat out on 2 cores (about 15, and 25 to a
/// server whose pipeline is off).
const FLAT_OUT_PER_SECOND: f64 = 30.0;

async fn upload_one(
    http: reqwest::Client,
    url: String,
    token: String,
    photo: &Prepared,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let (length, chunk) = (photo.photo.len(), photo.chunk);
    let created = http
        .post(format!("{url}/v1/uploads"))
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", length.to_string())
        .header(
            "upload-metadata",
            format!("sha256 {}", STANDARD.encode(&photo.sha256)),
        )
        .send()
        .await?;
    if created.status() != 201 {
        bail!("create: {}", created.status());
    }
    let location = created
        .headers()
        .get("location")
        .context("Location")?
        .to_str()?
        .to_owned();
    for (n, offset) in (0..length).step_by(chunk).enumerate() {
        let mut request = http
            .patch(format!("{url}{location}"))
            .bearer_auth(&token)
            .header("tus-resumable", "1.0.0")
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", offset.to_string());
        if let Some(checksum) = photo.checksums.get(n) {
            request = request.header("upload-checksum", checksum);
        }
        let part = photo.photo.slice(offset..length.min(offset + chunk));
        let response = request.body(part).send().await?;
        if response.status() != 204 {
            bail!("patch at {offset}: {}", response.status());
        }
    }
    Ok(started.elapsed())
}

fn report(what: &str, clients: usize, bytes: usize, elapsed: Duration, mut each: Vec<Duration>) {
    each.sort_unstable();
    #[expect(clippy::cast_precision_loss, reason = "megabytes")]
    let mb = bytes as f64 / 1_000_000.0;
    println!(
        "{what} clients={clients} megabytes={mb:.1} seconds={:.2} mb_per_s={:.1} p50_s={:.2} p99_s={:.2}",
        elapsed.as_secs_f64(),
        mb / elapsed.as_secs_f64(),
        each[each.len() / 2].as_secs_f64(),
        each[each.len() * 99 / 100].as_secs_f64(),
    );
}

async fn uploads(
    server: &Server,
    clients: usize,
    chunks: Chunks,
    files: &[PathBuf],
) -> anyhow::Result<()> {
    let sources = read_all(files)?;
    let run = uuid::Uuid::new_v4().simple().to_string();
    let photos: Vec<Prepared> = (0..clients)
        .map(|i| Prepared::new(&sources, i, &run, chunks))
        .collect();
    let bytes: usize = photos.iter().map(|p| p.photo.len()).sum();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let token = login(&http, server).await?;
    let barrier = Arc::new(Barrier::new(clients + 1));
    let handles: Vec<_> = photos
        .into_iter()
        .map(|photo| {
            let (http, url, token, barrier) = (
                http.clone(),
                server.url.clone(),
                token.clone(),
                barrier.clone(),
            );
            tokio::spawn(async move {
                barrier.wait().await;
                upload_one(http, url, token, &photo).await
            })
        })
        .collect();
    barrier.wait().await;
    let started = Instant::now();
    let mut each = Vec::new();
    for handle in handles {
        each.push(handle.await??);
    }
    report("tus-uploads", clients, bytes, started.elapsed(), each);
    Ok(())
}

async fn s3put(clients: usize, files: &[PathBuf]) -> anyhow::Result<()> {
    let sources = read_all(files)?;
    let run = uuid::Uuid::new_v4().simple().to_string();
    let s3 = Config::s3_from_test_env(&format!("photobench-{run}")).context(
        "set TEST_S3_ENDPOINT, TEST_S3_BUCKET, TEST_S3_ACCESS_KEY_ID, TEST_S3_SECRET_ACCESS_KEY",
    )?;
    let store: Arc<dyn BlobStore> = Arc::new(S3Store::new(&s3));
    let photos: Vec<Bytes> = (0..clients)
        .map(|i| Bytes::from(distinct(&sources, i, &run)))
        .collect();
    let bytes: usize = photos.iter().map(Bytes::len).sum();
    let barrier = Arc::new(Barrier::new(clients + 1));
    let handles: Vec<_> = photos
        .into_iter()
        .enumerate()
        .map(|(i, photo)| {
            let (store, barrier) = (store.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let started = Instant::now();
                store.put(&format!("bench/{i}"), photo).await?;
                anyhow::Ok(started.elapsed())
            })
        })
        .collect();
    barrier.wait().await;
    let started = Instant::now();
    let mut each = Vec::new();
    for handle in handles {
        each.push(handle.await??);
    }
    report("s3-put", clients, bytes, started.elapsed(), each);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Args::parse().command {
        Command::Pipeline { rounds, files } => pipeline(rounds, &files),
        Command::Uploads {
            server,
            clients,
            chunks,
            files,
        } => uploads(&server, clients, chunks, &files).await,
        Command::Load {
            server,
            database_url,
            clients,
            seconds,
            chunks,
            rate,
            accepted_only,
            files,
        } => {
            let phones = Phones {
                server,
                database_url,
                clients,
                chunks,
                rate,
                accepted_only,
            };
            phones.load(Duration::from_secs(seconds), &files).await
        }
        Command::Central {
            central: server,
            clients,
            seconds,
            files,
        } => central(&server, clients, Duration::from_secs(seconds), &files).await,
        Command::S3put { clients, files } => s3put(clients, &files).await,
    }
}

/// Phones surveying at once.
struct Phones {
    server: Server,
    database_url: String,
    clients: usize,
    chunks: Chunks,
    /// Photos per second started, all phones together; `None`: as fast as they go.
    rate: Option<f64>,
    /// Whether to stop when the phones stop, not wait for the processing (an instance that
    /// only takes uploads).
    accepted_only: bool,
}

/// What one phone sent.
#[derive(Default)]
struct Sent {
    photos: usize,
    bytes: usize,
    sha256: Vec<String>,
}

impl Sent {
    /// What `clients` sent in `accepted_in`, `late` of it prepared while timed, as the fields
    /// of a result line.
    fn accepted(&self, clients: usize, late: usize, accepted_in: Duration) -> String {
        #[expect(clippy::cast_precision_loss, reason = "rates")]
        let (photos, mb) = (self.photos as f64, self.bytes as f64 / 1_000_000.0);
        let seconds = accepted_in.as_secs_f64();
        format!(
            "clients={clients} photos={} prepared_late={late} megabytes={mb:.1} \
             accepted_s={seconds:.2} accepted_photos_per_s={:.2} accepted_mb_per_s={:.1}",
            self.photos,
            photos / seconds,
            mb / seconds,
        )
    }

    /// Adds what another client sent.
    fn add(&mut self, other: Self) {
        self.photos += other.photos;
        self.bytes += other.bytes;
        self.sha256.extend(other.sha256);
    }
}

impl Phones {
    async fn load(&self, duration: Duration, files: &[PathBuf]) -> anyhow::Result<()> {
        let sources = Arc::new(read_all(files)?);
        let db = sea_orm::Database::connect(&self.database_url).await?;
        let deadlocks_before = deadlocks(&db).await?;
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(self.clients)
            .build()?;
        let token = login(&http, &self.server).await?;
        let run = uuid::Uuid::new_v4().simple().to_string();
        let dir = tempfile::tempdir()?;
        let chunks = self.chunks;
        let per_second = self.rate.unwrap_or(FLAT_OUT_PER_SECOND);
        let pool = Arc::new(Pool::new(duration, per_second, move |i| {
            Prepared::new(&sources, i, &run, chunks)
        }));
        let started = Instant::now();
        let handles: Vec<_> = (0..self.clients)
            .map(|n| {
                let device = uuid::Uuid::new_v4();
                let config = ClientConfig::new(
                    &self.server.url,
                    &token,
                    device,
                    dir.path().join(format!("{device}.json")),
                );
                let phone = SyncClient::open(config);
                let (http, url, token, pool) = (
                    http.clone(),
                    self.server.url.clone(),
                    token.clone(),
                    pool.clone(),
                );
                let (clients, rate) = (self.clients, self.rate);
                tokio::spawn(async move {
                    let mut phone = phone?;
                    let mut rng = StdRng::seed_from_u64(n as u64);
                    let mut sent = Sent::default();
                    while started.elapsed() < duration {
                        let turn = sent.photos * clients + n;
                        if let Some(rate) = rate
                            && !wait_turn(started, duration, rate, turn).await
                        {
                            break;
                        }
                        let photo = pool.take();
                        let (_, mut ops) = fixtures::survey(fixtures::PATTIMANG, 1, &mut rng);
                        if let Some(Op::RecordVisit(visit)) = ops.last_mut() {
                            visit.photos = vec![PhotoRef {
                                sha256: photo.sha256.clone(),
                                kind: "tampak_depan".to_owned(),
                            }];
                        }
                        for op in ops {
                            phone.enqueue(op)?;
                        }
                        phone.push().await?;
                        upload_one(http.clone(), url.clone(), token.clone(), &photo).await?;
                        sent.photos += 1;
                        sent.bytes += photo.photo.len();
                        sent.sha256.push(photo.sha256);
                    }
                    anyhow::Ok(sent)
                })
            })
            .collect();
        let mut sent = Sent::default();
        for handle in handles {
            sent.add(handle.await??);
        }
        let accepted_in = started.elapsed();
        let processed = if self.accepted_only {
            None
        } else {
            wait_processed(&db, &sent).await?;
            Some((started.elapsed(), lag(&db, &sent.sha256).await?))
        };
        let deadlocks = deadlocks(&db).await? - deadlocks_before;
        let late = pool.late();
        report_load(self.clients, &sent, late, accepted_in, processed, deadlocks);
        Ok(())
    }
}

/// Prints one pass of `photobench load`.
fn report_load(
    clients: usize,
    sent: &Sent,
    late: usize,
    accepted_in: Duration,
    processed: Option<(Duration, (f64, f64, f64))>,
    deadlocks: i64,
) {
    #[expect(clippy::cast_precision_loss, reason = "rates")]
    let photos = sent.photos as f64;
    let processing = processed.map_or_else(String::new, |(processed_in, (p50, p90, max))| {
        format!(
            " processed_s={:.2} processed_photos_per_s={:.2} catch_up_s={:.2} \
             lag_p50_s={p50:.2} lag_p90_s={p90:.2} lag_max_s={max:.2}",
            processed_in.as_secs_f64(),
            photos / processed_in.as_secs_f64(),
            processed_in.saturating_sub(accepted_in).as_secs_f64(),
        )
    });
    println!(
        "photo-load {}{processing} deadlocks={deadlocks}",
        sent.accepted(clients, late, accepted_in)
    );
}

/// Waits until the `turn`-th photo of a steady arrival of `rate` a second is due (the phones
/// take turns: visit k of phone n is the (k × phones + n)-th). False when it would be due
/// after the run.
async fn wait_turn(started: Instant, duration: Duration, rate: f64, turn: usize) -> bool {
    #[expect(clippy::cast_precision_loss, reason = "small counts")]
    let due = started + Duration::from_secs_f64(turn as f64 / rate);
    if due > started + duration {
        return false;
    }
    tokio::time::sleep_until(due.into()).await;
    true
}

/// Waits until every photo sent is analysed and no visit waits for its check.
async fn wait_processed(db: &DatabaseConnection, sent: &Sent) -> anyhow::Result<()> {
    let waited = Instant::now();
    loop {
        let (analysed, pending) = progress(db, &sent.sha256).await?;
        if analysed >= sent.photos && pending == 0 {
            return Ok(());
        }
        if waited.elapsed() > Duration::from_mins(15) {
            bail!(
                "{analysed} of {} photos analysed after 15 minutes",
                sent.photos
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How long these photos waited from being stored to being analysed, in seconds: the median,
/// the 90th percentile and the longest.
async fn lag(db: &DatabaseConnection, sha256: &[String]) -> anyhow::Result<(f64, f64, f64)> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY w) AS p50, \
                    percentile_cont(0.9) WITHIN GROUP (ORDER BY w) AS p90, MAX(w) AS max \
             FROM (SELECT EXTRACT(EPOCH FROM a.updated_at - p.stored_at)::float8 AS w \
                   FROM photo p JOIN photo_analysis a USING (sha256) \
                   WHERE p.sha256 = ANY($1)) waits",
            [sha256.to_vec().into()],
        ))
        .await?
        .context("lag")?;
    Ok((
        row.try_get("", "p50")?,
        row.try_get("", "p90")?,
        row.try_get("", "max")?,
    ))
}

/// Deadlocks PostgreSQL detected in this database so far.
async fn deadlocks(db: &DatabaseConnection) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()",
        ))
        .await?
        .context("pg_stat_database")?;
    Ok(row.try_get("", "deadlocks")?)
}

/// How many of these photos are analysed, and how many visits wait for their check.
async fn progress(db: &DatabaseConnection, sha256: &[String]) -> anyhow::Result<(usize, i64)> {
    let analysed = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT COUNT(*) AS n FROM photo_analysis WHERE sha256 = ANY($1) AND state <> 'queued'",
            [sha256.to_vec().into()],
        ))
        .await?
        .context("count")?
        .try_get::<i64>("", "n")?;
    let pending = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT COUNT(*) AS n FROM visit_check WHERE state = 'pending'",
        ))
        .await?
        .context("count")?
        .try_get::<i64>("", "n")?;
    Ok((usize::try_from(analysed)?, pending))
}

/// ODK Central's clients: each sends submissions of `bench/central-form.xml` with a photo, one
/// after the other, for `duration`, as ODK Collect sends a filled form (the `OpenRosa` API: one
/// multipart `POST` of the submission's XML and its attachment). Prints the photos and MB/s
/// Central answered `201` to.
async fn central(
    central: &Central,
    clients: usize,
    duration: Duration,
    files: &[PathBuf],
) -> anyhow::Result<()> {
    let sources = Arc::new(read_all(files)?);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let endpoint = format!(
        "{}/v1/key/{}/projects/{}/submission",
        central.url, central.key, central.project
    );
    let run = uuid::Uuid::new_v4().simple().to_string();
    let pool = Arc::new(Pool::new(duration, FLAT_OUT_PER_SECOND, move |i| {
        openrosa_submission(&distinct(&sources, i, &run))
    }));
    let started = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|_| {
            let (http, endpoint, pool) = (http.clone(), endpoint.clone(), pool.clone());
            tokio::spawn(async move {
                let mut sent = Sent::default();
                while started.elapsed() < duration {
                    let submission = pool.take();
                    let response = http
                        .post(&endpoint)
                        .header("x-openrosa-version", "1.0")
                        .header(
                            "content-type",
                            format!("multipart/form-data; boundary={}", submission.boundary),
                        )
                        .body(submission.body)
                        .send()
                        .await?;
                    if response.status() != 201 {
                        bail!("Central answered {}", response.status());
                    }
                    sent.photos += 1;
                    sent.bytes += submission.photo_bytes;
                }
                anyhow::Ok(sent)
            })
        })
        .collect();
    let mut sent = Sent::default();
    for handle in handles {
        sent.add(handle.await??);
    }
    println!(
        "central-load {}",
        sent.accepted(clients, pool.late(), started.elapsed())
    );
    Ok(())
}

/// A filled `bench/central-form.xml` as ODK Collect posts it.
struct Submission {
    /// The multipart body: the submission's XML, then the photo.
    body: Bytes,
    boundary: String,
    photo_bytes: usize,
}

/// The submission whose `foto` is `photo`.
fn openrosa_submission(photo: &[u8]) -> Submission {
    let boundary = format!("photobench-{}", uuid::Uuid::new_v4().simple());
    let instance = uuid::Uuid::new_v4();
    let xml = format!(
        "<data id=\"kunjungan\" version=\"1\"><nama>Rumah tangga</nama><foto>foto.jpg</foto>\
         <meta><instanceID>uuid:{instance}</instanceID></meta></data>"
    );
    let mut body = Vec::with_capacity(photo.len() + xml.len() + 512);
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; \
             filename=\"submission.xml\"\r\nContent-Type: text/xml\r\n\r\n{xml}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"foto.jpg\"; \
             filename=\"foto.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(photo);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    Submission {
        body: body.into(),
        boundary,
        photo_bytes: photo.len(),
    }
}
