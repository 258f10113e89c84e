//! Point-in-desa lookups over a GeoJSON of desa boundaries (all of Luwu Utara in
//! ../shared/data/wilayah): the server's R-tree index against a linear scan of every polygon
//! (with and without a bounding-box test first), on the same random points, same thread, same
//! run. Every round checks that the three agree on every point.
//!
//! `areabench [--points N] [--rounds R] [--seed S] DESA.geojson`

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
    /// GeoJSON FeatureCollection of desa.
    file: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bytes = std::fs::read(&args.file).with_context(|| args.file.display().to_string())?;
    let started = Instant::now();
    let records = parse_geojson(&bytes).map_err(|p| anyhow::anyhow!("{p:?}"))?;
    let parse_ms = started.elapsed().as_secs_f64() * 1000.0;
    let areas: Vec<(String, Boundary)> = records
        .into_iter()
        .filter_map(|r| Some((r.code.as_str().to_owned(), r.boundary?)))
        .collect();
    let positions: usize = areas.iter().map(|(_, b)| b.positions()).sum();
    let started = Instant::now();
    let index = AreaIndex::new(areas.clone());
    let build_ms = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{} desa, {positions} positions; read and checked in {parse_ms:.1} ms, index built in {build_ms:.2} ms",
        areas.len()
    );
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
    println!("round  inside   rtree/s      scan/s   bbox-scan/s  rtree÷scan  rtree÷bbox-scan");
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
        let by_scan: Vec<Option<&str>> = points
            .iter()
            .map(|&p| {
                areas
                    .iter()
                    .find(|(_, b)| b.contains(p))
                    .map(|(c, _)| c.as_str())
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
                    .map(|((c, _), _)| c.as_str())
            })
            .collect();
        let box_scan_s = started.elapsed().as_secs_f64();

        // Areas do not overlap in this data, so the first match is the only one.
        if by_index != by_scan || by_scan != by_box_scan {
            let differ = by_index
                .iter()
                .zip(&by_scan)
                .filter(|(a, b)| a != b)
                .count();
            bail!("round {round}: the methods disagree on {differ} points");
        }
        let inside = by_index.iter().filter(|c| c.is_some()).count();
        #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        let n = args.points as f64;
        println!(
            "{round:>5}  {:>5.1} %  {:>9.0}  {:>10.0}  {:>12.0}  {:>9.1}×  {:>14.1}×",
            100.0 * inside as f64 / n,
            n / index_s,
            n / scan_s,
            n / box_scan_s,
            scan_s / index_s,
            box_scan_s / index_s,
        );
    }
    Ok(())
}
