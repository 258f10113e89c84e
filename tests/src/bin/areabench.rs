//! Point-in-desa lookups over a GeoJSON of desa boundaries (all of Luwu Utara in
//! fixtures/areas/luwu-utara), on the same random points, one thread, same run:
//!
//! - `rtree`: the server's index (R-tree of bounding boxes, then the banded point test);
//! - `box-scan`: every desa's bounding box in turn, then the banded point test;
//! - `naive`: every desa in turn, ray casting over all its edges.
//!
//! Every round checks that the three agree on every point. `--copies N` lays N copies of the
//! region side by side (shifted east) to see how each method grows with the number of desa
//! (Indonesia has about 83,000).
//!
//! `areabench [--points N] [--rounds R] [--seed S] [--copies N] DESA.geojson`

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use ekemiskinan::domain::area_file::parse_geojson;
use ekemiskinan::domain::area_index::AreaIndex;
use ekemiskinan::domain::boundary::{Boundary, Position};
use rand::{Rng, SeedableRng, rngs::StdRng};

#[derive(Parser)]
struct Args {
    /// Random points per round, uniform over the bounding box of all desa.
    #[arg(long, default_value_t = 200_000)]
    points: usize,
    /// Rounds (each with fresh points).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Seed of the points.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Points of each round the naive scan also locates (it is slow with many copies).
    #[arg(long, default_value_t = 5_000)]
    naive_points: usize,
    /// Copies of the region, side by side.
    #[arg(long, default_value_t = 1)]
    copies: usize,
    /// GeoJSON `FeatureCollection` of desa.
    file: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let areas = load(&args.file, args.copies)?;
    let parse_ms = started.elapsed().as_secs_f64() * 1000.0;
    let positions: usize = areas.iter().map(|(_, b)| b.positions()).sum();
    let started = Instant::now();
    let count = areas.len();
    let index = AreaIndex::new(areas);
    let build_ms = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{count} desa, {positions} positions; read and checked (all copies) in {parse_ms:.1} ms, index built in {build_ms:.2} ms"
    );
    // The scans go through the areas in code order, as the index breaks ties.
    let areas: Vec<(&str, &Boundary)> = index.iter().collect();
    let (min, max) = areas.iter().map(|(_, b)| b.bounding_box()).fold(
        ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]),
        |(lo, hi), b| {
            (
                [lo[0].min(b.min[0]), lo[1].min(b.min[1])],
                [hi[0].max(b.max[0]), hi[1].max(b.max[1])],
            )
        },
    );
    let boxes: Vec<_> = areas.iter().map(|(_, b)| b.bounding_box()).collect();
    let mut rng = StdRng::seed_from_u64(args.seed);
    println!("round  inside    rtree/s   box-scan/s    naive/s  rtree÷box-scan  rtree÷naive");
    for round in 1..=args.rounds {
        let points: Vec<Position> = (0..args.points)
            .map(|_| {
                [
                    rng.random_range(min[0]..max[0]),
                    rng.random_range(min[1]..max[1]),
                ]
            })
            .collect();

        let started = Instant::now();
        let by_index: Vec<Option<&str>> = points.iter().map(|&p| index.locate(p)).collect();
        let index_s = started.elapsed().as_secs_f64();

        let started = Instant::now();
        let naive_points = &points[..args.naive_points.min(points.len())];
        let by_scan: Vec<Option<&str>> = naive_points
            .iter()
            .map(|&p| {
                areas
                    .iter()
                    .find(|(_, b)| {
                        b.polygons()
                            .iter()
                            .any(|poly| poly.contains_by_full_scan(p))
                    })
                    .map(|(c, _)| *c)
            })
            .collect();
        let scan_s = started.elapsed().as_secs_f64();

        let started = Instant::now();
        let by_box_scan: Vec<Option<&str>> = points
            .iter()
            .map(|&p| {
                areas
                    .iter()
                    .zip(&boxes)
                    .filter(|(_, bb)| {
                        p[0] >= bb.min[0]
                            && p[0] <= bb.max[0]
                            && p[1] >= bb.min[1]
                            && p[1] <= bb.max[1]
                    })
                    .find(|((_, b), _)| b.contains(p))
                    .map(|((c, _), _)| *c)
            })
            .collect();
        let box_scan_s = started.elapsed().as_secs_f64();

        // Areas do not overlap in this data, so the first match is the only one.
        if by_index != by_box_scan || by_index[..by_scan.len()] != by_scan[..] {
            let differ = by_index
                .iter()
                .zip(&by_scan)
                .filter(|(a, b)| a != b)
                .count();
            bail!("round {round}: the methods disagree on {differ} points");
        }
        let inside = by_index.iter().filter(|c| c.is_some()).count();
        #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        let (n, naive_n, inside) = (args.points as f64, by_scan.len() as f64, inside as f64);
        println!(
            "{round:>5}  {:>5.1} %  {:>9.0}  {:>11.0}  {:>9.0}  {:>13.1}×  {:>10.1}×",
            100.0 * inside / n,
            n / index_s,
            n / box_scan_s,
            naive_n / scan_s,
            box_scan_s / index_s,
            (n / index_s) / (naive_n / scan_s),
        );
    }
    Ok(())
}

/// The geometry moved by `[east, north]` degrees.
fn shift_by(geometry: &serde_json::Value, by: Position) -> serde_json::Value {
    fn walk(v: &serde_json::Value, by: Position) -> serde_json::Value {
        match v.as_array() {
            Some(items) if items.first().is_some_and(serde_json::Value::is_number) => {
                let lon = items[0].as_f64().unwrap_or_default() + by[0];
                let lat = items[1].as_f64().unwrap_or_default() + by[1];
                serde_json::json!([lon, lat])
            }
            Some(items) => items.iter().map(|i| walk(i, by)).collect(),
            None => v.clone(),
        }
    }
    let mut moved = geometry.clone();
    moved["coordinates"] = walk(&geometry["coordinates"], by);
    moved
}

/// The desa of the file, `copies` times over a grid (copy 0 where the file puts them).
fn load(file: &std::path::Path, copies: usize) -> anyhow::Result<Vec<(String, Boundary)>> {
    let bytes = std::fs::read(file).with_context(|| file.display().to_string())?;
    let records = parse_geojson(&bytes).map_err(|p| anyhow::anyhow!("{p:?}"))?;
    let region: Vec<(String, serde_json::Value)> = records
        .into_iter()
        .filter_map(|r| Some((r.code.as_str().to_owned(), r.boundary?.to_geojson())))
        .collect();
    let mut areas: Vec<(String, Boundary)> = Vec::new();
    for copy in 0..copies {
        // A grid of 40 columns, 1.2° apart east, rows 1.6° apart south (the region spans
        // about 1.1° by 1.5°).
        #[expect(clippy::cast_precision_loss, reason = "a few hundred copies")]
        let shift = [1.2 * (copy % 40) as f64, -1.6 * (copy / 40) as f64];
        for (code, geometry) in &region {
            let text = shift_by(geometry, shift);
            let boundary = Boundary::from_geojson(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
            areas.push((format!("{copy:05}-{code}"), boundary));
        }
    }
    Ok(areas)
}
