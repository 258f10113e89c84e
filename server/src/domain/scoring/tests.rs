use proptest::prelude::*;
use serde_json::json;
use sync_protocol::v1::Fields;

use super::*;

/// A household meeting none of the criteria.
fn comfortable() -> Fields {
    let answers = json!({
        "jumlah_anggota": 4,
        "luas_lantai_m2": 72.0,
        "jenis_lantai": 2,
        "jenis_dinding": 1,
        "kondisi_dinding": 1,
        "fasilitas_bab": 1,
        "sumber_penerangan": 1,
        "sumber_air_minum": 3,
        "bahan_bakar_memasak": 4,
        "konsumsi_daging_seminggu": 3,
        "beli_pakaian_baru_setahun": 3,
        "frekuensi_makan_sehari": 3,
        "mampu_berobat": true,
        "penghasilan_kepala_bulan": 3_500_000,
        "lapangan_usaha_kepala": 10,
        "status_pekerjaan_kepala": 1,
        "luas_lahan_pertanian_m2": 0.0,
        "pendidikan_kepala": 5,
        "tabungan_500rb": true
    });
    serde_json::from_value(answers).unwrap()
}

/// The answers that meet each criterion, in BPS order.
fn meeting(criterion: Criterion) -> Vec<(&'static str, Value)> {
    match criterion {
        Criterion::FloorArea => vec![("luas_lantai_m2", json!(28.0))],
        Criterion::FloorMaterial => vec![("jenis_lantai", json!(9))],
        Criterion::WallMaterial => vec![("jenis_dinding", json!(6))],
        Criterion::Toilet => vec![("fasilitas_bab", json!(4))],
        Criterion::Lighting => vec![("sumber_penerangan", json!(4))],
        Criterion::DrinkingWater => vec![("sumber_air_minum", json!(9))],
        Criterion::CookingFuel => vec![("bahan_bakar_memasak", json!(10))],
        Criterion::MeatMilkChicken => vec![("konsumsi_daging_seminggu", json!(2))],
        Criterion::Clothes => vec![("beli_pakaian_baru_setahun", json!(1))],
        Criterion::Meals => vec![("frekuensi_makan_sehari", json!(2))],
        Criterion::Healthcare => vec![("mampu_berobat", json!(false))],
        Criterion::HeadLivelihood => vec![("penghasilan_kepala_bulan", json!(450_000))],
        Criterion::HeadEducation => vec![("pendidikan_kepala", json!(3))],
        Criterion::Savings => vec![("tabungan_500rb", json!(false))],
    }
}

fn with(mut fields: Fields, answers: &[(&str, Value)]) -> Fields {
    for (name, value) in answers {
        fields.insert((*name).to_owned(), value.clone());
    }
    fields
}

fn result(score: &Score, criterion: Criterion) -> &CriterionResult {
    score
        .criteria
        .iter()
        .find(|c| c.criterion == criterion)
        .unwrap()
}

#[test]
fn a_comfortable_household_meets_none_and_is_not_poor() {
    let score = score(&comfortable(), &ScoringConfig::default());
    assert_eq!((score.met, score.unknown), (0, 0));
    assert_eq!(score.verdict, Verdict::NotPoor);
    assert_eq!(score.criteria.len(), 14);
}

#[test]
fn each_criterion_is_met_by_its_answers_and_keeps_them_as_evidence() {
    let config = ScoringConfig::default();
    for criterion in Criterion::ALL {
        let answers = meeting(criterion);
        let score = score(&with(comfortable(), &answers), &config);
        assert_eq!(score.met, 1, "{criterion:?} alone");
        let result = result(&score, criterion);
        assert_eq!(result.met, Some(true), "{criterion:?}");
        for (name, value) in &answers {
            assert!(
                result
                    .evidence
                    .contains(&((*name).to_owned(), value.clone())),
                "{criterion:?} keeps {name} as evidence: {:?}",
                result.evidence
            );
        }
    }
}

#[test]
fn nine_criteria_make_a_household_poor_and_the_cut_off_is_configuration() {
    let answers: Vec<_> = Criterion::ALL[..9]
        .iter()
        .flat_map(|c| meeting(*c))
        .collect();
    let fields = with(comfortable(), &answers);
    let default = score(&fields, &ScoringConfig::default());
    assert_eq!((default.met, default.verdict), (9, Verdict::Poor));
    let stricter = ScoringConfig {
        poor_at_least: 10,
        ..ScoringConfig::default()
    };
    assert_eq!(score(&fields, &stricter).verdict, Verdict::NotPoor);
}

#[test]
fn missing_answers_leave_criteria_unknown_and_the_verdict_open() {
    let answers: Vec<_> = Criterion::ALL[..7]
        .iter()
        .flat_map(|c| meeting(*c))
        .collect();
    let mut fields = with(comfortable(), &answers);
    for name in ["mampu_berobat", "tabungan_500rb", "pendidikan_kepala"] {
        fields.remove(name);
    }
    let score = score(&fields, &ScoringConfig::default());
    assert_eq!((score.met, score.unknown), (7, 3));
    assert_eq!(
        score.verdict,
        Verdict::Undetermined,
        "7 met + 3 unknown may reach 9"
    );
    assert_eq!(result(&score, Criterion::Savings).met, None);
    assert!(result(&score, Criterion::Savings).evidence.is_empty());
}

#[test]
fn thresholds_come_from_the_configuration() {
    // 30 m² for 4 people: 7.5 m² each.
    let fields = with(comfortable(), &[("luas_lantai_m2", json!(30.0))]);
    let default = score(&fields, &ScoringConfig::default());
    assert_eq!(result(&default, Criterion::FloorArea).met, Some(true));
    let looser = ScoringConfig {
        floor_m2_per_person: 7.0,
        ..ScoringConfig::default()
    };
    assert_eq!(
        result(&score(&fields, &looser), Criterion::FloorArea).met,
        Some(false)
    );
}

#[test]
fn walls_depend_on_material_and_condition() {
    let config = ScoringConfig::default();
    let walls = |material: i64, condition: i64| {
        let fields = with(
            comfortable(),
            &[
                ("jenis_dinding", json!(material)),
                ("kondisi_dinding", json!(condition)),
            ],
        );
        result(&score(&fields, &config), Criterion::WallMaterial).met
    };
    assert_eq!(walls(1, 3), Some(true), "unplastered brick");
    assert_eq!(walls(1, 1), Some(false), "plastered brick");
    assert_eq!(walls(3, 2), Some(true), "low-quality wood");
    assert_eq!(walls(3, 1), Some(false), "good wood");
    assert_eq!(walls(7, 1), Some(true), "rumbia whatever its state");
}

#[test]
fn the_heads_livelihood_follows_the_bps_list() {
    let config = ScoringConfig::default();
    let livelihood = |answers: &[(&str, Value)]| {
        let fields = with(comfortable(), answers);
        result(&score(&fields, &config), Criterion::HeadLivelihood).met
    };
    assert_eq!(
        livelihood(&[("lapangan_usaha_kepala", json!(4))]),
        Some(true),
        "fisher"
    );
    assert_eq!(
        livelihood(&[
            ("lapangan_usaha_kepala", json!(1)),
            ("status_pekerjaan_kepala", json!(4))
        ]),
        Some(true),
        "farm labourer"
    );
    assert_eq!(
        livelihood(&[
            ("lapangan_usaha_kepala", json!(9)),
            ("status_pekerjaan_kepala", json!(5))
        ]),
        Some(true),
        "construction labourer"
    );
    assert_eq!(
        livelihood(&[
            ("lapangan_usaha_kepala", json!(1)),
            ("luas_lahan_pertanian_m2", json!(400.0))
        ]),
        Some(true),
        "farmer on 400 m²"
    );
    assert_eq!(
        livelihood(&[
            ("lapangan_usaha_kepala", json!(1)),
            ("luas_lahan_pertanian_m2", json!(20_000.0))
        ]),
        Some(false),
        "farmer on 2 ha earning 3.5 million"
    );
    assert_eq!(livelihood(&[]), Some(false), "trader earning 3.5 million");
}

proptest! {
    #[test]
    fn the_verdict_agrees_with_the_counts(
        present in proptest::collection::vec(any::<bool>(), 14),
        met in proptest::collection::vec(any::<bool>(), 14),
        cut_off in 1usize..=14,
    ) {
        let mut fields = comfortable();
        for (i, criterion) in Criterion::ALL.iter().enumerate() {
            if met[i] {
                fields = with(fields, &meeting(*criterion));
            }
            if !present[i] {
                for (name, _) in meeting(*criterion) {
                    fields.remove(name);
                }
            }
        }
        let config = ScoringConfig { poor_at_least: cut_off, ..ScoringConfig::default() };
        let score = score(&fields, &config);
        prop_assert_eq!(score.criteria.len(), 14);
        prop_assert_eq!(score.met, score.criteria.iter().filter(|c| c.met == Some(true)).count());
        prop_assert_eq!(score.unknown, score.criteria.iter().filter(|c| c.met.is_none()).count());
        let expected = if score.met >= cut_off {
            Verdict::Poor
        } else if score.met + score.unknown < cut_off {
            Verdict::NotPoor
        } else {
            Verdict::Undetermined
        };
        prop_assert_eq!(score.verdict, expected);
        for (i, criterion) in Criterion::ALL.iter().enumerate() {
            let result = result(&score, *criterion);
            if present[i] && met[i] {
                prop_assert_eq!(result.met, Some(true), "{:?}", criterion);
            }
        }
    }
}
