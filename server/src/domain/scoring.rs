//! The BPS 14 criteria of a poor household (PSE05), read from the answers of the survey form
//! "Survei Rumah Tangga e-Kemiskinan" v1. Each criterion's result is kept with the answers
//! that decided it, so that a supervisor (and the household) can see why. A criterion whose
//! answers are missing is unknown, never guessed: the household is poor when at least
//! `poor_at_least` criteria are met, not poor when it cannot reach that even if every unknown
//! one were met, and undetermined otherwise.
//!
//! This is the local administrative score; the national decile (DTSEN) is imported and kept
//! apart.

use serde::Deserialize;
use serde_json::Value;
use sync_protocol::v1::Fields;

/// Thresholds and cut-off (`[scoring]` in the configuration).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoringConfig {
    /// Floor area per person below which criterion 1 is met, in m².
    pub floor_m2_per_person: f64,
    /// Monthly income of the head below which criterion 12 is met, in rupiah.
    pub head_income_below: i64,
    /// Farm land below which a farming head meets criterion 12, in m².
    pub farm_land_below_m2: f64,
    /// Criteria met from which a household counts as poor.
    pub poor_at_least: usize,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        Self {
            floor_m2_per_person: 8.0,
            head_income_below: 600_000,
            farm_land_below_m2: 500.0,
            poor_at_least: 9,
        }
    }
}

/// The 14 criteria, in BPS order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    /// Floor area under 8 m² per person.
    FloorArea,
    /// Floor of earth, bamboo or cheap wood.
    FloorMaterial,
    /// Walls of bamboo, rumbia, low-quality wood or unplastered brick.
    WallMaterial,
    /// No toilet, or one shared with other households.
    Toilet,
    /// Lighting not electric.
    Lighting,
    /// Drinking water from an unprotected well or spring, a river or rain.
    DrinkingWater,
    /// Cooking with firewood, charcoal or kerosene.
    CookingFuel,
    /// Meat, milk or chicken once a week at most.
    MeatMilkChicken,
    /// One set of new clothes a year at most.
    Clothes,
    /// One or two meals a day.
    Meals,
    /// Cannot pay for a puskesmas or clinic.
    Healthcare,
    /// Head is a small farmer, a farm, construction or plantation labourer, a fisher, or earns
    /// under the income threshold.
    HeadLivelihood,
    /// Head has no schooling or primary school at most.
    HeadEducation,
    /// No savings or sellable goods worth Rp 500,000.
    Savings,
}

impl Criterion {
    /// All, in BPS order.
    pub const ALL: [Criterion; 14] = [
        Self::FloorArea,
        Self::FloorMaterial,
        Self::WallMaterial,
        Self::Toilet,
        Self::Lighting,
        Self::DrinkingWater,
        Self::CookingFuel,
        Self::MeatMilkChicken,
        Self::Clothes,
        Self::Meals,
        Self::Healthcare,
        Self::HeadLivelihood,
        Self::HeadEducation,
        Self::Savings,
    ];

    /// Stable code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::FloorArea => "luas_lantai",
            Self::FloorMaterial => "jenis_lantai",
            Self::WallMaterial => "jenis_dinding",
            Self::Toilet => "fasilitas_bab",
            Self::Lighting => "penerangan",
            Self::DrinkingWater => "air_minum",
            Self::CookingFuel => "bahan_bakar",
            Self::MeatMilkChicken => "konsumsi_daging",
            Self::Clothes => "pakaian",
            Self::Meals => "frekuensi_makan",
            Self::Healthcare => "berobat",
            Self::HeadLivelihood => "penghasilan_kepala",
            Self::HeadEducation => "pendidikan_kepala",
            Self::Savings => "tabungan",
        }
    }
}

/// One criterion's result and the answers that decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionResult {
    /// Which criterion.
    pub criterion: Criterion,
    /// Met, not met, or unknown (an answer it needs is missing).
    pub met: Option<bool>,
    /// The answers read, as `(field, answer)`.
    pub evidence: Vec<(String, Value)>,
}

/// Whether the household counts as poor by the local criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// At least the cut-off met.
    Poor,
    /// Cannot reach the cut-off even if every unknown criterion were met.
    NotPoor,
    /// Depends on answers still missing.
    Undetermined,
}

/// The 14 results and the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// One per criterion, in BPS order.
    pub criteria: Vec<CriterionResult>,
    /// How many are met.
    pub met: usize,
    /// How many are unknown.
    pub unknown: usize,
    /// The verdict at the configured cut-off.
    pub verdict: Verdict,
}

/// Reads the answers a criterion needs, recording each as evidence.
struct Reader<'a> {
    fields: &'a Fields,
    evidence: Vec<(String, Value)>,
}

impl Reader<'_> {
    fn value(&mut self, name: &str) -> Option<&Value> {
        let value = self.fields.get(name).filter(|v| !v.is_null())?;
        self.evidence.push((name.to_owned(), value.clone()));
        Some(value)
    }

    fn code(&mut self, name: &str) -> Option<i64> {
        self.value(name)?.as_i64()
    }

    fn number(&mut self, name: &str) -> Option<f64> {
        self.value(name)?.as_f64()
    }

    fn flag(&mut self, name: &str) -> Option<bool> {
        self.value(name)?.as_bool()
    }
}

/// Agriculture, horticulture, plantations, livestock, forestry (`lapangan_usaha_kepala`).
const FARMING: [i64; 5] = [1, 2, 3, 5, 6];
/// Labourers and casual workers (`status_pekerjaan_kepala`).
const LABOURER: [i64; 2] = [4, 5];

fn evaluate(criterion: Criterion, r: &mut Reader<'_>, config: &ScoringConfig) -> Option<bool> {
    let one_of = |code: Option<i64>, codes: &[i64]| code.map(|c| codes.contains(&c));
    match criterion {
        Criterion::FloorArea => {
            let area = r.number("luas_lantai_m2")?;
            let people = r.number("jumlah_anggota").filter(|p| *p >= 1.0)?;
            Some(area / people < config.floor_m2_per_person)
        }
        // Bamboo, low-quality wood, earth.
        Criterion::FloorMaterial => one_of(r.code("jenis_lantai"), &[7, 8, 9]),
        Criterion::WallMaterial => match r.code("jenis_dinding")? {
            // Woven bamboo, bamboo, rumbia.
            4 | 6 | 7 => Some(true),
            // Wood: low quality only.
            3 | 5 => Some(r.code("kondisi_dinding")? == 2),
            // Brick: unplastered only.
            1 => Some(r.code("kondisi_dinding")? == 3),
            _ => Some(false),
        },
        // Anything but a toilet of the household's own that it uses.
        Criterion::Toilet => r.code("fasilitas_bab").map(|c| c != 1),
        Criterion::Lighting => r.code("sumber_penerangan").map(|c| c == 4),
        // Unprotected well or spring, surface water, rain.
        Criterion::DrinkingWater => one_of(r.code("sumber_air_minum"), &[6, 8, 9, 10]),
        // Kerosene, charcoal, firewood.
        Criterion::CookingFuel => one_of(r.code("bahan_bakar_memasak"), &[7, 9, 10]),
        Criterion::MeatMilkChicken => one_of(r.code("konsumsi_daging_seminggu"), &[1, 2]),
        Criterion::Clothes => one_of(r.code("beli_pakaian_baru_setahun"), &[1, 2]),
        Criterion::Meals => one_of(r.code("frekuensi_makan_sehari"), &[1, 2]),
        Criterion::Healthcare => r.flag("mampu_berobat").map(|able| !able),
        Criterion::HeadLivelihood => head_livelihood(r, config),
        // No schooling, primary school unfinished or finished.
        Criterion::HeadEducation => one_of(r.code("pendidikan_kepala"), &[1, 2, 3]),
        Criterion::Savings => r.flag("tabungan_500rb").map(|has| !has),
    }
}

fn head_livelihood(r: &mut Reader<'_>, config: &ScoringConfig) -> Option<bool> {
    let income = r.code("penghasilan_kepala_bulan");
    if income.is_some_and(|income| income < config.head_income_below) {
        return Some(true);
    }
    let sector = r.code("lapangan_usaha_kepala")?;
    // Fishers.
    if sector == 4 {
        return Some(true);
    }
    let farming = FARMING.contains(&sector);
    if farming || sector == 9 {
        let status = r.code("status_pekerjaan_kepala")?;
        // Farm, plantation and construction labourers.
        if LABOURER.contains(&status) {
            return Some(true);
        }
        // Farmers working their own land: small holdings only.
        if farming {
            return Some(r.number("luas_lahan_pertanian_m2")? < config.farm_land_below_m2);
        }
    }
    // Any other work: only the income decides.
    income.map(|_| false)
}

/// Scores a household's answers.
#[must_use]
pub fn score(fields: &Fields, config: &ScoringConfig) -> Score {
    let criteria: Vec<CriterionResult> = Criterion::ALL
        .iter()
        .map(|&criterion| {
            let mut reader = Reader {
                fields,
                evidence: Vec::new(),
            };
            let met = evaluate(criterion, &mut reader, config);
            CriterionResult {
                criterion,
                met,
                evidence: reader.evidence,
            }
        })
        .collect();
    let met = criteria.iter().filter(|c| c.met == Some(true)).count();
    let unknown = criteria.iter().filter(|c| c.met.is_none()).count();
    let verdict = if met >= config.poor_at_least {
        Verdict::Poor
    } else if met + unknown < config.poor_at_least {
        Verdict::NotPoor
    } else {
        Verdict::Undetermined
    };
    Score {
        criteria,
        met,
        unknown,
        verdict,
    }
}

#[cfg(test)]
mod tests;
