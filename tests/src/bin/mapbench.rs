//! The map's viewports over many households, on the embedded store (SQLite, the default) or
//! on PostgreSQL (`--database-url`), in one process, same run:
//!
//! - `cells`: `map::households` as the API answers it (points when the viewport holds at most
//!   2,000 households, else clusters read from the counts kept per grid cell), serialized to
//!   JSON;
//! - `rows`: the same viewports clustered from the household rows at each request (one
//!   grouping query over the households in the box, as the server did before the cells).
//!
//! The households are spread over the real desa of Luwu Utara (fixtures/areas/luwu-utara),
//! each at a random point inside its desa. Viewports are centred on random households, from a
//! street (0.005° wide) to the whole kabupaten (1.6°), 5:3 like a screen. Also timed: counting
//! every desa's cells and tallies from scratch, counting one desa again after a change, and
//! the desa figures (`/v1/indicators?level=desa`, `/v1/map/desa`) over the kabupaten, with the
//! households waiting for review 0–29 days.
//!
//! `mapbench [--households N] [--requests R] [--database-url URL] [--seed S]`

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::Utc;
use clap::Parser;
use ekemiskinan::areas::{self, AreaFile};
use ekemiskinan::config::{DatabaseConfig, ReviewConfig};
use ekemiskinan::domain::area::AreaCode;
use ekemiskinan::domain::area_index::AreaIndex;
use ekemiskinan::domain::boundary::Boundary;
use ekemiskinan::domain::role::Role;
use ekemiskinan::indicators::{self, Disclosure, Level};
use ekemiskinan::store::entities::{
    app_user, household, household_position, household_score, sync_change, visit_check,
};
use ekemiskinan::store::{self, tallies};
use ekemiskinan::{map, seed};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult,
    NotSet, QueryFilter, Set, Statement, TransactionTrait,
};
use secrecy::SecretString;
use serde_json::json;
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    /// Households to create.
    #[arg(long, default_value_t = 100_000)]
    households: usize,
    /// Requests per viewport size and method.
    #[arg(long, default_value_t = 40)]
    requests: usize,
    /// A PostgreSQL database to fill (it should be empty); SQLite in a temporary file if none.
    #[arg(long)]
    database_url: Option<String>,
    /// Seed of the positions and viewports.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

const KABUPATEN: &str = "73.22";
const AREA_DIR: &str = "fixtures/areas/luwu-utara";
const AREA_FILES: [&str; 4] = [
    "luwu_utara_kabupaten.geojson",
    "luwu_utara_kecamatan.geojson",
    "luwu_utara_desa.geojson",
    "luwu_utara_wilayah.csv",
];

/// Widths of the viewports, in degrees, with a name for each.
const VIEWPORTS: [(f64, &str); 6] = [
    (0.005, "street"),
    (0.02, "dusun"),
    (0.08, "desa"),
    (0.3, "kecamatan"),
    (0.8, "half the kabupaten"),
    (1.6, "kabupaten"),
];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let url = args.database_url.clone().unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    let config = DatabaseConfig {
        url: SecretString::from(url),
        max_connections: 4,
        migrate_on_start: true,
    };
    let db = store::connect(&config, std::time::Duration::from_secs(10)).await?;
    store::migrate(&db).await?;
    seed::demo(&db, "kata-sandi-bench").await?;
    let mut files = Vec::new();
    for name in AREA_FILES {
        let path = Path::new(AREA_DIR).join(name);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        files.push(AreaFile {
            name: name.to_owned(),
            bytes,
        });
    }
    areas::import(&db, &files, |_, _| {}).await?;
    let mut villages = Vec::new();
    for (code, text) in store::areas::village_boundaries(&db).await? {
        let boundary = Boundary::from_geojson(&serde_json::from_str(&text)?)?;
        villages.push((code, boundary));
    }
    villages.sort_by(|a, b| a.0.cmp(&b.0));
    let index = AreaIndex::new(villages.clone());
    let backend = db.get_database_backend();
    println!(
        "store: {}; {} households; {} requests per viewport size and method",
        match backend {
            DbBackend::Postgres => "PostgreSQL",
            _ => "SQLite (embedded)",
        },
        args.households,
        args.requests
    );

    let mut rng = StdRng::seed_from_u64(args.seed);
    let started = Instant::now();
    let positions = fill(&db, &villages, args.households, &mut rng).await?;
    println!(
        "filled in {:.1} s ({} desa)",
        started.elapsed().as_secs_f64(),
        villages.len()
    );
    if backend == DbBackend::Postgres {
        db.execute_unprepared("VACUUM ANALYZE").await?;
    }

    refresh(&db, &positions).await?;
    let area = AreaCode::parse(KABUPATEN)?;
    viewports(&db, &area, &positions, args.requests, &mut rng).await?;
    figures(&db, &area, &index).await?;
    Ok(())
}

/// Counting the cells: every desa from scratch, then one desa after a change.
async fn refresh(db: &DatabaseConnection, positions: &[(String, f64, f64)]) -> anyhow::Result<()> {
    let started = Instant::now();
    let desa = tallies::refresh(db).await?;
    println!(
        "counting every desa's cells and tallies from scratch: {:.0} ms ({desa} desa)",
        ms(started.elapsed())
    );
    let mut one = Vec::new();
    for round in 0..5 {
        touch(db, &positions[round * 997 % positions.len()]).await?;
        let started = Instant::now();
        tallies::refresh(db).await?;
        one.push(started.elapsed());
    }
    println!(
        "counting one desa again after a change: median {:.1} ms of 5",
        ms(median(&mut one))
    );

    Ok(())
}

/// Each viewport size: the server's answer against clustering the rows.
async fn viewports(
    db: &DatabaseConnection,
    area: &AreaCode,
    positions: &[(String, f64, f64)],
    requests: usize,
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    println!();
    println!(
        "| viewport | width | households in view (median) | server answers | server: p50 / p90 | rows clustered: p50 / p90 | rows ÷ server (p90) |"
    );
    println!("|---|---:|---:|---|---:|---:|---:|");
    for (width, name) in VIEWPORTS {
        let boxes: Vec<[f64; 4]> = (0..requests)
            .map(|_| {
                let (_, lat, lon) = positions[rng.random_range(0..positions.len())];
                let height = width * 0.6;
                [
                    lon - width / 2.0,
                    lat - height / 2.0,
                    lon + width / 2.0,
                    lat + height / 2.0,
                ]
            })
            .collect();
        let mut fast = Vec::new();
        let mut seen = Vec::new();
        let mut clustered = 0;
        for bbox in &boxes {
            let started = Instant::now();
            let answer =
                map::households(db, Role::Supervisor, area, *bbox, map::MAX_POINTS, 5).await?;
            let body = serde_json::to_vec(&answer)?;
            std::hint::black_box(body);
            fast.push(started.elapsed());
            seen.push(answer.households);
            clustered += usize::from(answer.clustered);
        }
        let mut slow = Vec::new();
        for bbox in &boxes {
            let started = Instant::now();
            let rows = cluster_rows(db, *bbox).await?;
            std::hint::black_box(rows);
            slow.push(started.elapsed());
        }
        seen.sort_unstable();
        let (f50, f90) = (ms(percentile(&mut fast, 50)), ms(percentile(&mut fast, 90)));
        let (s50, s90) = (ms(percentile(&mut slow, 50)), ms(percentile(&mut slow, 90)));
        println!(
            "| {name} | {width}° | {} | {} | {f50:.1} / {f90:.1} ms | {s50:.1} / {s90:.1} ms | {:.1}× |",
            seen[seen.len() / 2],
            match clustered {
                0 => "points".to_owned(),
                n if n == boxes.len() => "clusters".to_owned(),
                n => format!("clusters {n} of {}", boxes.len()),
            },
            s90 / f90
        );
    }

    Ok(())
}

/// The desa figures of the kabupaten.
async fn figures(
    db: &DatabaseConnection,
    area: &AreaCode,
    index: &AreaIndex,
) -> anyhow::Result<()> {
    let review = ReviewConfig::default();
    let mut figures = Vec::new();
    let mut desa_map = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let answer = indicators::compute(db, &review, area, Level::Desa, Disclosure::Whole).await?;
        std::hint::black_box(serde_json::to_vec(&answer)?);
        figures.push(started.elapsed());
        let started = Instant::now();
        let answer = map::desa(db, &review, index, area, Disclosure::Whole).await?;
        std::hint::black_box(serde_json::to_vec(&answer)?);
        desa_map.push(started.elapsed());
    }
    println!();
    println!(
        "desa figures of the kabupaten: /v1/indicators?level=desa median {:.0} ms, /v1/map/desa median {:.0} ms (5 each)",
        ms(median(&mut figures)),
        ms(median(&mut desa_map))
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(times: &mut [Duration], p: usize) -> Duration {
    times.sort_unstable();
    let i = (times.len() * p).div_ceil(100).saturating_sub(1);
    times[i.min(times.len() - 1)]
}

fn median(times: &mut [Duration]) -> Duration {
    percentile(times, 50)
}

/// Households spread evenly over the desa with a boundary, each at a random point inside its
/// desa, with a score, a visit check and a change-log row (as a push writes them). Returns
/// `(desa, latitude, longitude)` of each.
async fn fill(
    db: &DatabaseConnection,
    villages: &[(String, Boundary)],
    count: usize,
    rng: &mut StdRng,
) -> anyhow::Result<Vec<(String, f64, f64)>> {
    let admin = app_user::Entity::find()
        .filter(app_user::Column::Username.eq("demo-admin"))
        .one(db)
        .await?
        .context("demo-admin missing")?
        .id;
    if villages.is_empty() {
        bail!("no desa with a boundary");
    }
    let now = Utc::now();
    let fields = json!({"nama_kepala_rumah_tangga": "Kepala", "jumlah_anggota": 4});
    let stamps = json!({"writers": [], "fields": {}});
    let mut placed = Vec::with_capacity(count);
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
        let txn = db.begin().await?;
        let mut rows = Rows::default();
        for &i in chunk {
            let (code, boundary) = &villages[i % villages.len()];
            let bounds = boundary.bounding_box();
            let (lon, lat) = loop {
                let lon = rng.random_range(bounds.min[0]..=bounds.max[0]);
                let lat = rng.random_range(bounds.min[1]..=bounds.max[1]);
                if boundary.contains([lon, lat]) {
                    break (lon, lat);
                }
            };
            let id = Uuid::new_v4();
            let met = rng.random_range(0..15_i32);
            rows.households.push(household::ActiveModel {
                id: Set(id),
                area_code: Set(code.clone()),
                area_stamp: Set(None),
                form_id: Set("survei-rt".to_owned()),
                form_version: Set(1),
                version: Set(1),
                fields: Set(fields.clone()),
                stamps: Set(stamps.clone()),
                tombstone: Set(None),
                review_status: Set("pending".to_owned()),
                created_by: Set(admin),
                created_at: Set(now),
                updated_at: Set(now),
                review_id: Set(None),
                // Waiting 0–29 days: about a third past the default due time.
                review_since: Set(Some(now - chrono::Duration::days(i64::try_from(i % 30)?))),
                risk: Set(met * 7),
            });
            rows.positions.push(household_position::ActiveModel {
                household_id: Set(id),
                latitude: Set(lat),
                longitude: Set(lon),
                visit_ended_at: Set(now),
            });
            rows.scores.push(household_score::ActiveModel {
                household_id: Set(id),
                version: Set(1),
                met: Set(met),
                unknown: Set(0),
                verdict: Set(if met >= 9 { "poor" } else { "not_poor" }.to_owned()),
                criteria: Set(json!([])),
                met_mask: Set((1 << met) - 1),
                computed_at: Set(now),
            });
            rows.checks.push(visit_check::ActiveModel {
                visit_id: Set(Uuid::new_v4()),
                household_id: Set(id),
                state: Set("done".to_owned()),
                generation: Set(0),
                attempts: Set(0),
                run_after: Set(now),
                risk: Set(Some(met * 7)),
                checked_at: Set(Some(now)),
            });
            rows.changes.push(change(id, code));
            placed.push((code.clone(), lat, lon));
        }
        household::Entity::insert_many(rows.households)
            .exec(&txn)
            .await?;
        household_position::Entity::insert_many(rows.positions)
            .exec(&txn)
            .await?;
        household_score::Entity::insert_many(rows.scores)
            .exec(&txn)
            .await?;
        visit_check::Entity::insert_many(rows.checks)
            .exec(&txn)
            .await?;
        sync_change::Entity::insert_many(rows.changes)
            .exec(&txn)
            .await?;
        txn.commit().await?;
    }
    Ok(placed)
}

/// One transaction's rows.
#[derive(Default)]
struct Rows {
    households: Vec<household::ActiveModel>,
    positions: Vec<household_position::ActiveModel>,
    scores: Vec<household_score::ActiveModel>,
    checks: Vec<visit_check::ActiveModel>,
    changes: Vec<sync_change::ActiveModel>,
}

fn change(household_id: Uuid, desa: &str) -> sync_change::ActiveModel {
    sync_change::ActiveModel {
        id: NotSet,
        tx: NotSet,
        household_id: Set(household_id),
        version: Set(1),
        area_code: Set(desa.to_owned()),
        prev_area_code: Set(None),
        created_at: Set(Utc::now()),
        kind: Set(Some("create".to_owned())),
        user_id: Set(None),
        detail: Set(None),
    }
}

/// A change of one household of a desa, as a push would log it.
async fn touch(db: &DatabaseConnection, (desa, _, _): &(String, f64, f64)) -> anyhow::Result<()> {
    sync_change::Entity::insert(change(Uuid::new_v4(), desa))
        .exec(db)
        .await?;
    Ok(())
}

#[derive(FromQueryResult)]
#[expect(dead_code, reason = "read to be measured, not used")]
struct RawCluster {
    households: i64,
    latitude: f64,
    longitude: f64,
}

/// The viewport's households grouped by cell from their rows, 64 cells across, as the server
/// did before it kept counts per cell.
async fn cluster_rows(db: &DatabaseConnection, bbox: [f64; 4]) -> anyhow::Result<Vec<RawCluster>> {
    let backend = db.get_database_backend();
    let cell = (bbox[2] - bbox[0]).max(bbox[3] - bbox[1]) / 64.0;
    let floor = |e: String| match backend {
        DbBackend::Postgres => format!("CAST(FLOOR({e}) AS BIGINT)"),
        _ => format!("CAST({e} AS BIGINT)"),
    };
    let x = floor(format!("(p.longitude - ({})) / {cell}", bbox[0]));
    let y = floor(format!("(p.latitude - ({})) / {cell}", bbox[1]));
    let sql = format!(
        "SELECT COUNT(*) AS households, AVG(p.latitude) AS latitude, \
           AVG(p.longitude) AS longitude \
         FROM household_position p JOIN household h ON h.id = p.household_id \
           LEFT JOIN household_score s ON s.household_id = h.id \
         WHERE h.tombstone IS NULL AND h.area_code LIKE '{KABUPATEN}.%' \
           AND p.longitude BETWEEN {} AND {} AND p.latitude BETWEEN {} AND {} \
         GROUP BY {x}, {y}",
        bbox[0], bbox[2], bbox[1], bbox[3]
    );
    Ok(
        RawCluster::find_by_statement(Statement::from_string(backend, sql))
            .all(db)
            .await?,
    )
}
