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

use std::path::PathBuf;
use std::sync::Arc;
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
        /// Chunk size in bytes.
        #[arg(long, default_value_t = 256 * 1024)]
        chunk: usize,
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
        /// Chunk size in bytes.
        #[arg(long, default_value_t = 256 * 1024)]
        chunk: usize,
        /// Photos per second the phones start together, at even intervals (a steady arrival);
        /// without it each phone starts its next visit as soon as its last photo is stored.
        #[arg(long)]
        rate: Option<f64>,
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

async fn upload_one(
    http: reqwest::Client,
    url: String,
    token: String,
    photo: Vec<u8>,
    chunk: usize,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let sha = hex::encode(Sha256::digest(&photo));
    let created = http
        .post(format!("{url}/v1/uploads"))
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", photo.len().to_string())
        .header(
            "upload-metadata",
            format!("sha256 {}", STANDARD.encode(&sha)),
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
    let mut offset = 0;
    for part in photo.chunks(chunk) {
        let response = http
            .patch(format!("{url}{location}"))
            .bearer_auth(&token)
            .header("tus-resumable", "1.0.0")
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", offset.to_string())
            .header(
                "upload-checksum",
                format!("sha256 {}", STANDARD.encode(Sha256::digest(part))),
            )
            .body(part.to_vec())
            .send()
            .await?;
        if response.status() != 204 {
            bail!("patch at {offset}: {}", response.status());
        }
        offset += part.len();
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
    chunk: usize,
    files: &[PathBuf],
) -> anyhow::Result<()> {
    let sources = read_all(files)?;
    let run = uuid::Uuid::new_v4().simple().to_string();
    let photos: Vec<Vec<u8>> = (0..clients).map(|i| distinct(&sources, i, &run)).collect();
    let bytes: usize = photos.iter().map(Vec::len).sum();
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
                upload_one(http, url, token, photo, chunk).await
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
            chunk,
            files,
        } => uploads(&server, clients, chunk, &files).await,
        Command::Load {
            server,
            database_url,
            clients,
            seconds,
            chunk,
            rate,
            files,
        } => {
            let phones = Phones {
                server,
                database_url,
                clients,
                chunk,
                rate,
            };
            phones.load(Duration::from_secs(seconds), &files).await
        }
        Command::S3put { clients, files } => s3put(clients, &files).await,
    }
}

/// Phones surveying at once.
struct Phones {
    server: Server,
    database_url: String,
    clients: usize,
    chunk: usize,
    /// Photos per second started, all phones together; `None`: as fast as they go.
    rate: Option<f64>,
}

/// What one phone sent.
#[derive(Default)]
struct Sent {
    photos: usize,
    bytes: usize,
    sha256: Vec<String>,
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
                let (http, url, token, sources, run) = (
                    http.clone(),
                    self.server.url.clone(),
                    token.clone(),
                    sources.clone(),
                    run.clone(),
                );
                let (chunk, clients, rate) = (self.chunk, self.clients, self.rate);
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
                        let i = n + sent.photos * 1000;
                        let photo = distinct(&sources, i, &run);
                        let sha256 = hex::encode(Sha256::digest(&photo));
                        let (_, mut ops) = fixtures::survey(fixtures::PATTIMANG, 1, &mut rng);
                        if let Some(Op::RecordVisit(visit)) = ops.last_mut() {
                            visit.photos = vec![PhotoRef {
                                sha256: sha256.clone(),
                                kind: "tampak_depan".to_owned(),
                            }];
                        }
                        for op in ops {
                            phone.enqueue(op)?;
                        }
                        phone.push().await?;
                        upload_one(
                            http.clone(),
                            url.clone(),
                            token.clone(),
                            photo.clone(),
                            chunk,
                        )
                        .await?;
                        sent.photos += 1;
                        sent.bytes += photo.len();
                        sent.sha256.push(sha256);
                    }
                    anyhow::Ok(sent)
                })
            })
            .collect();
        let mut sent = Sent::default();
        for handle in handles {
            let one = handle.await??;
            sent.photos += one.photos;
            sent.bytes += one.bytes;
            sent.sha256.extend(one.sha256);
        }
        let accepted_in = started.elapsed();
        wait_processed(&db, &sent).await?;
        let processed_in = started.elapsed();
        let lag = lag(&db, &sent.sha256).await?;
        let deadlocks = deadlocks(&db).await? - deadlocks_before;
        report_load(
            self.clients,
            &sent,
            accepted_in,
            processed_in,
            lag,
            deadlocks,
        );
        Ok(())
    }
}

/// Prints one pass of `photobench load`.
fn report_load(
    clients: usize,
    sent: &Sent,
    accepted_in: Duration,
    processed_in: Duration,
    (lag_p50, lag_p90, lag_max): (f64, f64, f64),
    deadlocks: i64,
) {
    #[expect(clippy::cast_precision_loss, reason = "rates")]
    let (photos, mb) = (sent.photos as f64, sent.bytes as f64 / 1_000_000.0);
    println!(
        "photo-load clients={clients} photos={} megabytes={mb:.1} accepted_s={:.2} accepted_photos_per_s={:.2} \
         accepted_mb_per_s={:.1} processed_s={:.2} processed_photos_per_s={:.2} catch_up_s={:.2} \
         lag_p50_s={lag_p50:.2} lag_p90_s={lag_p90:.2} lag_max_s={lag_max:.2} deadlocks={deadlocks}",
        sent.photos,
        accepted_in.as_secs_f64(),
        photos / accepted_in.as_secs_f64(),
        mb / accepted_in.as_secs_f64(),
        processed_in.as_secs_f64(),
        photos / processed_in.as_secs_f64(),
        processed_in.saturating_sub(accepted_in).as_secs_f64(),
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
