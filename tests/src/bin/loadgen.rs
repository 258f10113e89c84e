//! Load generator: N simulated phones push realistic household surveys (the fixture form's
//! ~60 answers, 4 members, a visit with GPS and photos) for T seconds, B mutations per push.
//! Prints mutations/s and p50/p99 push latency.
//!
//! ```sh
//! ekemiskinan seed-demo <<< 'kata-sandi-demo'     # demo users
//! loadgen --url http://127.0.0.1:8080 --password kata-sandi-demo --devices 8 --seconds 30 --batch 1
//! ```
//!
//! Each phone numbers its mutations 1, 2, 3… like the real app and sends them with the
//! protocol's push; a push that is not answered 200 with an `applied` receipt per mutation
//! counts as an error. The generator speaks HTTP directly (no durable outbox) and prepares its
//! pushes before the clock starts, so that it measures the server.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sync_protocol::v1::{LoginResponse, Mutation, PushRequest, PushResponse, ReceiptStatus};
use tests::fixtures::{self, MALANGKE, PATTIMANG};
use tests::wire::mutation;
use uuid::Uuid;

#[derive(Parser)]
#[command(about = "Simulated phones pushing household surveys to an e-Kemiskinan server")]
struct Args {
    /// Server base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// User to log in as (an enumerator whose areas cover kecamatan Malangke).
    #[arg(long, default_value = "demo-tksk")]
    username: String,
    /// Password of that user.
    #[arg(long, env = "LOADGEN_PASSWORD")]
    password: String,
    /// Concurrent simulated phones.
    #[arg(long, default_value_t = 8)]
    devices: usize,
    /// How long to push, in seconds.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Mutations per push.
    #[arg(long, default_value_t = 1)]
    batch: usize,
    /// Gzip push bodies (as the reference client does for bodies over 1 KiB).
    #[arg(long)]
    gzip: bool,
    /// Pushes each phone prepares before the clock starts.
    #[arg(long, default_value_t = 4000)]
    prebuild: usize,
    /// Stop each phone after this many mutations (one survey is 7: the household, its
    /// family, 4 members and the visit). Used to capture the statements of single pushes.
    #[arg(long)]
    mutations: Option<u64>,
}

/// What one phone did.
#[derive(Default)]
struct Tally {
    mutations: u64,
    pushes: u64,
    errors: u64,
    latencies: Vec<Duration>,
}

async fn login(http: &reqwest::Client, args: &Args) -> anyhow::Result<String> {
    let response = http
        .post(format!("{}/v1/auth/login", args.url))
        .json(&serde_json::json!({ "username": args.username, "password": args.password }))
        .send()
        .await
        .context("logging in")?;
    if !response.status().is_success() {
        bail!(
            "login failed: {} {}",
            response.status(),
            response.text().await.unwrap_or_default()
        );
    }
    Ok(response.json::<LoginResponse>().await?.token)
}

fn body(device: Uuid, mutations: Vec<Mutation>, gzip: bool) -> anyhow::Result<Vec<u8>> {
    let json = serde_json::to_vec(&PushRequest {
        device_id: device,
        sent_at: Some(chrono::Utc::now()),
        mutations,
    })?;
    if !gzip {
        return Ok(json);
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut encoder, &json)?;
    Ok(encoder.finish()?)
}

/// A push body ready to send, and how many mutations it holds.
type Push = (Vec<u8>, usize);

/// Makes one phone's pushes: surveys numbered 1, 2, 3… cut into batches.
struct Generator {
    device: Uuid,
    rng: StdRng,
    seq: u64,
    pending: Vec<Mutation>,
    batch: usize,
    gzip: bool,
    /// Mutations not yet made into pushes, of the phone's limit.
    left: u64,
}

impl Generator {
    /// A phone with a new device id. Its answers are drawn from that id: every run surveys new
    /// people (NIKs, No KK), photos and places, as real phones do. Drawn from the phone's
    /// index, every run repeated the earlier runs' NIKs, photo hashes and GPS fixes, and each
    /// member or visit pushed made the server re-check all the households that already held
    /// them, a little more with every run.
    fn new(batch: usize, gzip: bool, limit: u64) -> Self {
        let device = Uuid::new_v4();
        Self {
            device,
            rng: StdRng::seed_from_u64(device.as_u64_pair().0),
            seq: 0,
            pending: Vec::new(),
            batch,
            gzip,
            left: limit,
        }
    }

    /// The next push body and how many mutations it holds.
    fn next(&mut self) -> Option<Push> {
        if self.left == 0 {
            return None;
        }
        while self.pending.len() < self.batch {
            let area = if self.rng.random_bool(0.5) {
                PATTIMANG
            } else {
                MALANGKE
            };
            let (_, ops) = fixtures::survey(area, 4, &mut self.rng);
            for op in ops {
                self.seq += 1;
                self.pending.push(mutation(self.seq, self.device, op));
            }
        }
        let take = self
            .batch
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let send: Vec<Mutation> = self.pending.drain(..take).collect();
        self.left -= take as u64;
        body(self.device, send, self.gzip).ok().map(|b| (b, take))
    }
}

/// Sends one phone's pushes until the time is up: first the prebuilt ones, then new ones.
async fn phone(
    http: reqwest::Client,
    url: String,
    token: String,
    (mut generator, prebuilt): (Generator, Vec<Push>),
    until: Instant,
) -> Tally {
    let gzip = generator.gzip;
    let mut tally = Tally::default();
    let mut prebuilt = prebuilt.into_iter();
    while Instant::now() < until {
        let Some((payload, count)) = prebuilt.next().or_else(|| generator.next()) else {
            break;
        };
        let mut request = http
            .post(format!("{url}/v1/sync/push"))
            .bearer_auth(&token)
            .header("content-type", "application/json");
        if gzip {
            request = request.header("content-encoding", "gzip");
        }
        let started = Instant::now();
        let result = request.body(payload).send().await;
        let ok = match result {
            Ok(r) if r.status().is_success() => r.json::<PushResponse>().await.is_ok_and(|p| {
                p.receipts.len() == count
                    && p.receipts
                        .iter()
                        .all(|r| r.status == ReceiptStatus::Applied)
            }),
            _ => false,
        };
        tally.latencies.push(started.elapsed());
        tally.pushes += 1;
        if ok {
            tally.mutations += count as u64;
        } else {
            tally.errors += 1;
            // The phone would resend; the generator stops this phone so seqs stay consistent.
            break;
        }
    }
    tally
}

/// Busy CPU time of the whole machine so far, all cores, in ms (Linux `/proc/stat`: user, nice,
/// system, irq and softirq, in `USER_HZ` ticks, which are 1/100 s). `None` where there is no
/// `/proc/stat`.
fn machine_busy_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let busy: u64 = [0, 1, 2, 5, 6].iter().filter_map(|&i| fields.get(i)).sum();
    Some(busy * 10)
}

/// CPU time this process has used so far (user and system), in ms, from `/proc/self/stat`;
/// `None` elsewhere. Its own share of the machine's, the phone's side of HTTP.
fn own_cpu_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name, in parentheses, may hold spaces: fields are counted after it.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime are fields 14 and 15, the 12th and 13th after the name.
    let ticks: u64 = [11, 12]
        .iter()
        .map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum::<Option<u64>>()?;
    Some(ticks * 10)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an index into a short list"
    )]
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.devices)
        .build()?;
    let token = login(&http, &args).await?;
    // Surveys are made before the clock starts, as pgbench parses its scripts first: the
    // figure is the server's, not the generator's JSON encoding.
    let limit = args.mutations.unwrap_or(u64::MAX);
    let phones: Vec<(Generator, Vec<Push>)> = (0..args.devices)
        .map(|_| {
            let mut generator = Generator::new(args.batch, args.gzip, limit);
            let prebuilt: Vec<_> = std::iter::from_fn(|| generator.next())
                .take(args.prebuild)
                .collect();
            (generator, prebuilt)
        })
        .collect();
    let started = Instant::now();
    let busy_before = machine_busy_ms();
    let own_before = own_cpu_ms();
    let until = started + Duration::from_secs(args.seconds);
    let handles: Vec<_> = phones
        .into_iter()
        .map(|p| {
            tokio::spawn(phone(
                http.clone(),
                args.url.clone(),
                token.clone(),
                p,
                until,
            ))
        })
        .collect();
    let mut total = Tally::default();
    for handle in handles {
        let t = handle.await?;
        total.mutations += t.mutations;
        total.pushes += t.pushes;
        total.errors += t.errors;
        total.latencies.extend(t.latencies);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let busy = busy_before
        .zip(machine_busy_ms())
        .map(|(a, b)| b.saturating_sub(a));
    let own = own_before
        .zip(own_cpu_ms())
        .map(|(a, b)| b.saturating_sub(a));
    total.latencies.sort_unstable();
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let (mps, pps) = (
        total.mutations as f64 / elapsed,
        total.pushes as f64 / elapsed,
    );
    // The CPU every process on the machine used while the phones pushed (the server, the
    // database, this generator), per mutation: on a shared machine it explains a rate. And this
    // generator's own part of it.
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let per_mutation = |label: &str, ms: Option<u64>| {
        ms.filter(|_| total.mutations > 0)
            .map_or_else(String::new, |ms| {
                format!(" {label}={:.3}", ms as f64 / total.mutations as f64)
            })
    };
    let cpu = per_mutation("machine_cpu_ms_per_mutation", busy)
        + &per_mutation("loadgen_cpu_ms_per_mutation", own);
    println!(
        "devices={} batch={} seconds={elapsed:.1} pushes={} mutations={} errors={} pushes/s={pps:.1} mutations/s={mps:.1} p50_ms={:.2} p99_ms={:.2}{cpu}",
        args.devices,
        args.batch,
        total.pushes,
        total.mutations,
        total.errors,
        percentile(&total.latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&total.latencies, 0.99).as_secs_f64() * 1000.0,
    );
    if total.errors > 0 {
        bail!("{} pushes failed", total.errors);
    }
    Ok(())
}
