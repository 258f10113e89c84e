//! Scoring and quality flags per visit, on one thread: the BPS 14 criteria over a household's
//! answers (`scoring::score`) and the flags over a visit's facts (`flags::check` and `risk`),
//! against parsing the same answers from JSON (what every push does with them anyway), on
//! the same generated visits in the same run.
//!
//! `checkbench [--visits N] [--rounds R]`

use std::hint::black_box;
use std::time::Instant;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use clap::Parser;
use ekemiskinan::domain::identity::Sex;
use ekemiskinan::domain::quality::{
    self, Fix, FlagConfig, MemberFacts, PhotoFacts, PreviousVisit, VisitFacts,
};
use ekemiskinan::domain::scoring::{self, ScoringConfig};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sync_protocol::v1::Fields;
use tests::fixtures;
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    /// Visits per round.
    #[arg(long, default_value_t = 20_000)]
    visits: usize,
    /// Rounds.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
}

/// A visit's facts as the checker gathers them: a fix, a previous visit, four members with
/// NIK, four analysed photos with one look-alike each.
fn facts(rng: &mut StdRng) -> VisitFacts {
    let started = Utc
        .with_ymd_and_hms(2026, 11, 20, 2, 0, 0)
        .single()
        .expect("time")
        + Duration::minutes(rng.random_range(0..600));
    VisitFacts {
        started_at: started,
        ended_at: started + Duration::minutes(rng.random_range(5..60)),
        fix: Some(Fix {
            latitude: -2.8 + rng.random_range(-0.01..0.01),
            longitude: 120.4 + rng.random_range(-0.01..0.01),
            accuracy_m: Some(rng.random_range(0.0..80.0)),
            mock: rng.random_bool(0.02),
        }),
        desa_code: "73.22.01.2001".to_owned(),
        outside_by_m: if rng.random_bool(0.05) {
            Some(rng.random_range(0.0..500.0))
        } else {
            None
        },
        located_desa: None,
        previous: Some(PreviousVisit {
            visit_id: Uuid::new_v4(),
            ended_at: started - Duration::minutes(rng.random_range(1..120)),
            latitude: -2.8 + rng.random_range(-0.05..0.05),
            longitude: 120.4 + rng.random_range(-0.05..0.05),
        }),
        same_position_households: vec![],
        photos: (0..4)
            .map(|_| PhotoFacts {
                sha256: format!("{:064x}", rng.random::<u128>()),
                taken_at: Some("2026-11-20T10:15:00".to_owned()),
                position: Some((-2.8, 120.4)),
                look_alikes: vec![(
                    format!("{:064x}", rng.random::<u128>()),
                    Uuid::new_v4(),
                    rng.random_range(0..16),
                )],
            })
            .collect(),
        members: (0..4)
            .map(|i| MemberFacts {
                member_id: Uuid::new_v4(),
                nik: Some(format!("73220145098500{i:02}")),
                sex: Some(if rng.random_bool(0.5) {
                    Sex::Female
                } else {
                    Sex::Male
                }),
                birth_date: NaiveDate::from_ymd_opt(1985, 9, 5),
                same_nik_households: vec![],
            })
            .collect(),
        no_kks: vec!["7322012708150001".to_owned()],
        today: NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
    }
}

fn main() {
    let args = Args::parse();
    let mut rng = StdRng::seed_from_u64(5);
    let answers: Vec<Fields> = (0..args.visits)
        .map(|_| fixtures::household_answers(&mut rng))
        .collect();
    let texts: Vec<String> = answers
        .iter()
        .map(|a| serde_json::to_string(a).expect("serializable"))
        .collect();
    let visits: Vec<VisitFacts> = (0..args.visits).map(|_| facts(&mut rng)).collect();
    let (scoring_config, flag_config) = (ScoringConfig::default(), FlagConfig::default());
    println!(
        "{} visits per round; answers {} bytes of JSON on average",
        args.visits,
        texts.iter().map(String::len).sum::<usize>() / args.visits
    );
    println!("round  parse µs/visit  score µs/visit  flags µs/visit  (score+flags)÷parse");
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let n = args.visits as f64;
    for round in 1..=args.rounds {
        let started = Instant::now();
        for text in &texts {
            black_box(serde_json::from_str::<Fields>(text).expect("json"));
        }
        let parse = started.elapsed().as_secs_f64() * 1e6 / n;
        let started = Instant::now();
        for a in &answers {
            black_box(scoring::score(a, &scoring_config));
        }
        let score = started.elapsed().as_secs_f64() * 1e6 / n;
        let started = Instant::now();
        let mut raised = 0;
        for v in &visits {
            let found = quality::check(v, &flag_config);
            raised += found.len();
            black_box(quality::risk(&found, &flag_config));
        }
        let check = started.elapsed().as_secs_f64() * 1e6 / n;
        println!(
            "{round:>5}  {parse:>14.2}  {score:>14.2}  {check:>14.2}  {:>18.2}×   ({raised} flags)",
            (score + check) / parse
        );
    }
}
