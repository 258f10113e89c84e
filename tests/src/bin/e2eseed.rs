//! Fills a running server (after `ekemiskinan seed-demo`) with what the browser tests of the
//! web apps look at, through the real protocol: surveys pushed by the demo TKSK's phone (the
//! reference client), their photos uploaded over tus, one household whose visit reports a mock
//! location (the riskiest), two households with the same kitchen photo, and a conflict made by
//! a second TKSK editing the same answer. Waits until the server has checked every visit and
//! analysed every photo, then writes what it made as JSON for the tests.
//!
//! `e2eseed --url http://127.0.0.1:PORT --password PASSWORD --out FILE`

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use clap::Parser;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sync_protocol::client::{ClientConfig, SyncClient};
use sync_protocol::v1::office::HouseholdQuality;
use sync_protocol::v1::{Fields, LoginResponse, Op, PhotoRef, UpdateHousehold};
use tests::fixtures::{self, MALANGKE, PATTIMANG};
use tests::images::{self, PhoneExif};
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    /// The server.
    #[arg(long)]
    url: String,
    /// The demo users' password (given to `seed-demo`).
    #[arg(long)]
    password: String,
    /// Where to write what was made.
    #[arg(long)]
    out: PathBuf,
}

struct Server {
    http: reqwest::Client,
    url: String,
}

impl Server {
    async fn login(&self, username: &str, password: &str) -> anyhow::Result<String> {
        let answer: LoginResponse = self
            .http
            .post(format!("{}/v1/auth/login", self.url))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await?
            .error_for_status()
            .with_context(|| format!("login as {username}"))?
            .json()
            .await?;
        Ok(answer.token)
    }

    /// Uploads a photo over tus in 256 KiB chunks, unless the server has it.
    async fn upload(&self, token: &str, bytes: &[u8]) -> anyhow::Result<String> {
        const CHUNK: usize = 256 * 1024;
        let sha = hex::encode(Sha256::digest(bytes));
        let exists = self
            .http
            .get(format!("{}/v1/photos/{sha}", self.url))
            .bearer_auth(token)
            .send()
            .await?;
        if exists.status() == 200 {
            return Ok(sha);
        }
        let created = self
            .http
            .post(format!("{}/v1/uploads", self.url))
            .bearer_auth(token)
            .header("tus-resumable", "1.0.0")
            .header("upload-length", bytes.len().to_string())
            .header(
                "upload-metadata",
                format!("sha256 {}", STANDARD.encode(&sha)),
            )
            .send()
            .await?;
        ensure!(
            created.status() == 201,
            "upload create: {}",
            created.status()
        );
        let location = created
            .headers()
            .get("location")
            .context("Location")?
            .to_str()?
            .to_owned();
        for (i, chunk) in bytes.chunks(CHUNK).enumerate() {
            let response = self
                .http
                .patch(format!("{}{location}", self.url))
                .bearer_auth(token)
                .header("tus-resumable", "1.0.0")
                .header("content-type", "application/offset+octet-stream")
                .header("upload-offset", (i * CHUNK).to_string())
                .body(chunk.to_vec())
                .send()
                .await?;
            ensure!(response.status() == 204, "chunk {i}: {}", response.status());
        }
        Ok(sha)
    }

    async fn get(&self, token: &str, path: &str) -> anyhow::Result<Value> {
        Ok(self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }
}

fn phone(server: &Server, token: &str, dir: &std::path::Path) -> anyhow::Result<SyncClient> {
    let device = Uuid::new_v4();
    let config = ClientConfig::new(
        &server.url,
        token,
        device,
        dir.join(format!("{device}.json")),
    );
    Ok(SyncClient::open(config)?)
}

/// A phone photo of 800×600 with EXIF taken at `taken` (WITA) at the fix.
fn photo(seed: u32, gps: (f64, f64), taken: DateTime<Utc>) -> Vec<u8> {
    let wita = taken + chrono::Duration::hours(8);
    // The EXIF time a camera writes is local and without a zone; the tool runs once.
    let taken: &'static str = Box::leak(
        wita.format("%Y:%m:%d %H:%M:%S")
            .to_string()
            .into_boxed_str(),
    );
    let exif = PhoneExif {
        orientation: 1,
        taken,
        gps,
        gps_refs: true,
    };
    images::jpeg_of(
        &images::blocks(800, 600, u64::from(seed)),
        800,
        600,
        Some(&exif),
        85,
    )
}

/// A valid NIK registered in kecamatan Malangke for a birth date and sex as the form records
/// them (women's birth day plus 40).
fn nik(fields: &Fields, serial: u32) -> Option<String> {
    let date =
        NaiveDate::parse_from_str(fields.get("tanggal_lahir")?.as_str()?, "%Y-%m-%d").ok()?;
    let woman = fields.get("jenis_kelamin")?.as_i64()? == 2;
    let day = date.day() + if woman { 40 } else { 0 };
    Some(format!(
        "732201{day:02}{:02}{:02}{serial:04}",
        date.month(),
        date.year() % 100
    ))
}

/// Makes a generated survey plausible, as a careful worker records it: valid NIK and No KK,
/// a fix inside the desa, the interview `hours_ago` hours back.
fn plausible(
    ops: &mut [Op],
    desa: (f64, f64),
    hours_ago: i64,
    serial: &mut u32,
) -> anyhow::Result<()> {
    let ended = Utc::now() - chrono::Duration::hours(hours_ago);
    for op in ops {
        match op {
            Op::AddMember(m) => {
                *serial += 1;
                if let Some(nik) = nik(&m.fields, *serial) {
                    m.fields.insert("nik".to_owned(), json!(nik));
                }
            }
            Op::PutFamily(f) => {
                *serial += 1;
                f.no_kk = Some(format!("732201150320{:04}", *serial));
            }
            Op::RecordVisit(v) => {
                v.started_at = ended - chrono::Duration::minutes(35);
                v.ended_at = ended;
                let gps = v.gps.as_mut().context("a fix")?;
                gps.latitude = desa.0;
                gps.longitude = desa.1;
                gps.accuracy_m = 8.0;
                gps.fixed_at = Some(ended - chrono::Duration::minutes(30));
            }
            _ => {}
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let server = Server {
        http: reqwest::Client::new(),
        url: args.url.trim_end_matches('/').to_owned(),
    };
    let dir = tempfile::tempdir()?;
    let tksk = server.login("demo-tksk", &args.password).await?;
    let supervisor = server.login("demo-supervisor", &args.password).await?;
    let mut andi = phone(&server, &tksk, dir.path())?;
    let made = surveys(&server, &tksk, &mut andi).await?;
    let contested = made[2];
    conflict(&server, &args.password, dir.path(), &mut andi, contested).await?;
    for (i, household) in made.iter().enumerate() {
        let quality = wait_checked(&server, &supervisor, *household).await?;
        // The tests rely on these flags, and on the others' photos not looking alike.
        let reused = quality
            .visits
            .iter()
            .flat_map(|v| &v.flags)
            .filter(|f| f.code() == "photo_reused")
            .count();
        ensure!(
            (reused > 0) == (i < 2),
            "household {i}: {reused} photo_reused flags"
        );
    }
    let summary = json!({
        "households": made,
        "risky": made[4],
        "shared_photo": [made[0], made[1]],
        "conflict": contested,
    });
    std::fs::write(&args.out, serde_json::to_vec_pretty(&summary)?)?;
    println!("{} households seeded for the browser tests", made.len());
    Ok(())
}

/// Five surveys with photos, pushed by Andi's phone an hour apart, each fix inside its desa;
/// the fifth reports a mock location with an accuracy of 0 m after a five-minute interview
/// (the riskiest), the first two share a kitchen photo.
async fn surveys(server: &Server, token: &str, andi: &mut SyncClient) -> anyhow::Result<Vec<Uuid>> {
    let mut rng = StdRng::seed_from_u64(2026);
    let mut serial = 0;
    let mut shared_kitchen = None;
    let mut made = Vec::new();
    for i in 0..5u32 {
        // Inside the demo rectangles of Pattimang and Malangke, a street apart.
        let (desa, fix) = if i % 2 == 0 {
            (PATTIMANG, (-2.79 + f64::from(i) * 0.001, 120.3925))
        } else {
            (MALANGKE, (-2.79 + f64::from(i) * 0.001, 120.4275))
        };
        let (household, mut ops) = fixtures::survey(desa, 2, &mut rng);
        plausible(&mut ops, fix, i64::from(5 - i), &mut serial)?;
        let Some(Op::RecordVisit(visit)) = ops.last_mut() else {
            bail!("a survey ends with its visit");
        };
        let shot_at = visit.ended_at - chrono::Duration::minutes(10);
        let mut refs = Vec::new();
        for (k, kind) in ["tampak_depan", "lantai", "dapur"].into_iter().enumerate() {
            let bytes = if kind == "dapur" && i < 2 {
                shared_kitchen
                    .get_or_insert_with(|| photo(900, fix, shot_at))
                    .clone()
            } else {
                // Seeds far apart draw scenes that do not look alike.
                photo(1000 + i * 7919 + u32::try_from(k)? * 104_729, fix, shot_at)
            };
            refs.push(PhotoRef {
                sha256: server.upload(token, &bytes).await?,
                kind: kind.to_owned(),
            });
        }
        visit.photos = refs;
        if i == 4
            && let Some(g) = visit.gps.as_mut()
        {
            g.mock = true;
            g.accuracy_m = 0.0;
            visit.started_at = visit.ended_at - chrono::Duration::minutes(5);
        }
        for op in ops {
            andi.enqueue(op)?;
        }
        made.push(household);
    }
    andi.sync().await?;
    Ok(made)
}

/// A second TKSK, Budi, and Andi change the same answer of `contested` to different values.
async fn conflict(
    server: &Server,
    password: &str,
    dir: &std::path::Path,
    andi: &mut SyncClient,
    contested: Uuid,
) -> anyhow::Result<()> {
    let admin = server.login("demo-admin", password).await?;
    let response = server
        .http
        .post(format!("{}/v1/users", server.url))
        .bearer_auth(&admin)
        .json(&json!({
            "username": "demo-tksk-2", "display_name": "Budi (TKSK Malangke)",
            "role": "enumerator", "areas": ["73.22.01"], "password": password,
        }))
        .send()
        .await?;
    ensure!(
        response.status() == 201 || response.status() == 409,
        "create demo-tksk-2: {}",
        response.status()
    );
    let budi_token = server.login("demo-tksk-2", password).await?;
    let mut budi = phone(server, &budi_token, dir)?;
    budi.pull().await?;
    let current = andi
        .server_copy(contested)
        .and_then(|h| h.fields.get("jenis_atap").cloned());
    let mut values = [json!(2), json!(4), json!(8)]
        .into_iter()
        .filter(|v| Some(v) != current.as_ref());
    let (mine, theirs) = (
        values.next().context("a value")?,
        values.next().context("a value")?,
    );
    for (client, value) in [(&mut *andi, mine), (&mut budi, theirs)] {
        let op = Op::UpdateHousehold(UpdateHousehold {
            household_id: contested,
            base_version: client.base_version(contested),
            fields: [("jenis_atap".to_owned(), value)].into_iter().collect(),
        });
        client.enqueue(op)?;
    }
    andi.push().await?;
    budi.push().await?;
    Ok(())
}

/// Waits until the household's visits are checked and its photos stored; returns the checks.
async fn wait_checked(
    server: &Server,
    token: &str,
    household: Uuid,
) -> anyhow::Result<HouseholdQuality> {
    let deadline = Instant::now() + Duration::from_mins(2);
    loop {
        let quality: HouseholdQuality = serde_json::from_value(
            server
                .get(token, &format!("/v1/households/{household}/flags"))
                .await?,
        )?;
        let photos = server
            .get(token, &format!("/v1/households/{household}/photos"))
            .await?;
        let stored = photos
            .as_array()
            .is_some_and(|p| p.iter().all(|p| p["status"] == "stored"));
        if stored
            && !quality.visits.is_empty()
            && quality
                .visits
                .iter()
                .all(|v| v.state == sync_protocol::v1::office::CheckState::Done)
        {
            return Ok(quality);
        }
        ensure!(
            Instant::now() < deadline,
            "checks of {household} not done in time"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
