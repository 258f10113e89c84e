//! How long a request waits when a dependency is down or hung, with the default bounds
//! (`server.unavailable_after_seconds` 10, `server.ready_timeout_seconds` 2): the server runs
//! in this process on PostgreSQL and Garage reached through TCP proxies that the bench makes
//! hang (connections open, nothing answered) or go down (connections closed). The reference,
//! in the same run: the same requests with everything up.
//!
//! Needs `TEST_DATABASE_URL` and `TEST_S3_*` (`bench/failfast.sh` starts both).
//! `failbench [--rounds N]`

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Parser;
use ekemiskinan::config::StorageKind;
use rand::SeedableRng;
use rand::rngs::StdRng;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tests::fixtures::{self, KEC_MALANGKE, PATTIMANG};
use tests::freezer::Freezer;
use tests::wire::{mutation, push_body, to_value};
use tests::{Backend, TestApp, TestUser, images, test_s3};
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    /// Times each case is measured.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
}

/// A request's answer: its status and how long it took.
async fn timed(request: reqwest::RequestBuilder) -> (u16, Duration) {
    let started = Instant::now();
    let status = match tokio::time::timeout(Duration::from_mins(10), request.send()).await {
        Ok(Ok(response)) => response.status().as_u16(),
        Ok(Err(_)) => 0,
        Err(_) => 999,
    };
    (status, started.elapsed())
}

fn push(app: &TestApp, user: &TestUser, seed: u64) -> reqwest::RequestBuilder {
    let device = Uuid::new_v4();
    let mut rng = StdRng::seed_from_u64(seed);
    let body = push_body(
        device,
        &[to_value(&mutation(
            1,
            device,
            fixtures::create_household(Uuid::new_v4(), PATTIMANG, &mut rng),
        ))],
    );
    app.http
        .post(app.url("/v1/sync/push"))
        .bearer_auth(&user.token)
        .json(&body)
}

fn ready(app: &TestApp) -> reqwest::RequestBuilder {
    app.http.get(app.url("/readyz"))
}

/// A new upload of a distinct small photo, its whole body ready to send in one `PATCH`.
async fn upload(app: &TestApp, user: &TestUser, seed: u32) -> reqwest::RequestBuilder {
    let bytes = images::jpeg(320, 240, seed, None, 80);
    let sha = hex::encode(Sha256::digest(&bytes));
    let created = app
        .http
        .post(app.url("/v1/uploads"))
        .bearer_auth(&user.token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", bytes.len().to_string())
        .header(
            "upload-metadata",
            format!(
                "sha256 {},kind {}",
                STANDARD.encode(&sha),
                STANDARD.encode("tampak_depan")
            ),
        )
        .send()
        .await
        .expect("create an upload");
    let at = created.headers()["location"]
        .to_str()
        .expect("a location")
        .to_owned();
    app.http
        .patch(app.url(&at))
        .bearer_auth(&user.token)
        .header("tus-resumable", "1.0.0")
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", "0")
        .body(bytes)
}

fn report(case: &str, answers: &[(u16, Duration)]) {
    let mut seconds: Vec<f64> = answers.iter().map(|(_, d)| d.as_secs_f64()).collect();
    seconds.sort_by(f64::total_cmp);
    let statuses: Vec<String> = answers.iter().map(|(s, _)| s.to_string()).collect();
    println!(
        "{case}: statuses={} min_s={:.3} median_s={:.3} max_s={:.3}",
        statuses.join(","),
        seconds[0],
        seconds[seconds.len() / 2],
        seconds[seconds.len() - 1],
    );
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let database = Freezer::start(tests::postgres_addr()).await;
    let mut s3 = test_s3(&format!("failbench-{}", Uuid::new_v4().simple()));
    let store = Freezer::start(tests::address_of(&s3.endpoint)).await;
    let proxied = tests::through(&s3.endpoint, store.addr());
    proxied.trim_end_matches('/').clone_into(&mut s3.endpoint);
    let app = TestApp::spawn_with(Backend::Postgres, |c| {
        let url = tests::through(c.database.url.expose_secret(), database.addr());
        c.database.url = SecretString::from(url);
        c.database.max_connections = 10;
        c.storage.kind = StorageKind::S3;
        c.storage.s3 = Some(s3);
        let defaults = ekemiskinan::config::ServerConfig::default();
        c.server.unavailable_after_seconds = defaults.unavailable_after_seconds;
        c.server.ready_timeout_seconds = defaults.ready_timeout_seconds;
    })
    .await;
    let user = app.user("enumerator", &[KEC_MALANGKE]).await;
    println!(
        "bounds: unavailable_after_seconds={} ready_timeout_seconds={}",
        app.config.server.unavailable_after_seconds, app.config.server.ready_timeout_seconds
    );

    let mut seed = 0u32;
    let mut next = || {
        seed += 1;
        seed
    };
    let rounds = args.rounds;
    let mut all_up = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        all_up.0.push(timed(push(&app, &user, next().into())).await);
        all_up.1.push(timed(ready(&app)).await);
        all_up
            .2
            .push(timed(upload(&app, &user, next()).await).await);
    }
    report("everything up: push", &all_up.0);
    report("everything up: readyz", &all_up.1);
    report("everything up: last PATCH of a photo", &all_up.2);

    for (state, cut) in [
        ("hung", Freezer::hang as fn(&Freezer)),
        ("down", Freezer::down),
    ] {
        let (mut pushes, mut readies) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            cut(&database);
            pushes.push(timed(push(&app, &user, next().into())).await);
            readies.push(timed(ready(&app)).await);
            database.open();
            // Let the pool find its connections again before the next round.
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        report(&format!("PostgreSQL {state}: push"), &pushes);
        report(&format!("PostgreSQL {state}: readyz"), &readies);
    }

    let (mut patches, mut readies) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let last = upload(&app, &user, next()).await;
        store.hang();
        patches.push(timed(last).await);
        readies.push(timed(ready(&app)).await);
        store.open();
    }
    report("object store hung: last PATCH of a photo", &patches);
    report("object store hung: readyz", &readies);
}
