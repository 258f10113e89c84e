//! Data-quality flags (PROTOCOL.md §8): each flag's code with the evidence that raised it,
//! typed per code. On the wire a flag is `{"code": …, "severity": …, "evidence": {…}}`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How serious a flag is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a glance.
    Low,
    /// Likely a mistake.
    Medium,
    /// Likely made up or copied.
    High,
}

impl Severity {
    /// The name stored and sent.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    /// The severity named `name`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        [Severity::Low, Severity::Medium, Severity::High]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// Where a visit's data-quality check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    /// Not checked yet, or queued to be checked again (a photo analysed, a member changed).
    Pending,
    /// Checked: its flags and risk are the last check's.
    Done,
    /// Given up after repeated errors (the server's log says why).
    Failed,
    /// A state this client does not know (a newer server).
    #[serde(other)]
    Unknown,
}

impl CheckState {
    /// The stored name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            CheckState::Pending => "pending",
            CheckState::Done => "done",
            CheckState::Failed => "failed",
            CheckState::Unknown => "unknown",
        }
    }

    /// The state named `name`; [`CheckState::Unknown`] for any other text.
    #[must_use]
    pub fn parse(name: &str) -> Self {
        match name {
            "pending" => CheckState::Pending,
            "done" => CheckState::Done,
            "failed" => CheckState::Failed,
            _ => CheckState::Unknown,
        }
    }
}

/// A photo of another household that looks like one of this visit's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoMatch {
    /// The other photo's SHA-256.
    pub photo: String,
    /// The household whose visit names it.
    pub household: Uuid,
    /// Hamming distance of the perceptual hashes (bits).
    pub distance: u32,
}

/// A flag's code with its evidence. Evidence naming other households names only those in the
/// reader's areas; the others are counted (`…_outside_your_areas`). NIK and No KK are masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", content = "evidence", rename_all = "snake_case")]
pub enum FlagEvidence {
    /// The fix lies outside the boundary of the household's desa.
    GpsOutsideDesa {
        /// The fix.
        latitude: f64,
        /// The fix.
        longitude: f64,
        /// The household's desa.
        desa: String,
        /// The desa that holds the fix, if any.
        #[serde(default)]
        located_in: Option<String>,
        /// How far outside the border, metres.
        distance_m: f64,
        /// The margin applied (the border margin or the fix's accuracy), metres.
        margin_m: f64,
    },
    /// The phone reported a mock location provider.
    GpsMock {},
    /// Accuracy exactly 0 m.
    GpsAccuracyZero {
        /// The accuracy reported.
        accuracy_m: f64,
    },
    /// Accuracy worse than the threshold.
    GpsInaccurate {
        /// The accuracy reported, metres.
        accuracy_m: f64,
        /// The threshold, metres.
        max_accuracy_m: f64,
    },
    /// Faster than possible from the same worker's previous visit.
    ImpossibleTravel {
        /// The previous visit.
        previous_visit: Uuid,
        /// Distance between the fixes, km.
        km: f64,
        /// Time between the previous visit's end and this one's start, minutes.
        minutes: f64,
        /// The speed (`null` when no time passed).
        #[serde(default)]
        kmh: Option<f64>,
        /// The threshold, km/h.
        max_kmh: f64,
    },
    /// Another household has a visit at exactly these coordinates.
    DuplicateCoordinates {
        /// The fix.
        latitude: f64,
        /// The fix.
        longitude: f64,
        /// The other households in the reader's areas.
        households: Vec<Uuid>,
        /// The others, counted.
        #[serde(default, skip_serializing_if = "is_zero")]
        #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
        households_outside_your_areas: u32,
    },
    /// A photo's EXIF position is far from the fix.
    PhotoGpsFar {
        /// The photo.
        photo: String,
        /// Distance from the fix, metres.
        metres: f64,
        /// The threshold, metres.
        max_metres: f64,
    },
    /// A photo's EXIF time is far outside the interview.
    PhotoTimeFar {
        /// The photo.
        photo: String,
        /// The EXIF time as the camera wrote it.
        taken_at: String,
        /// Hours outside the interview.
        hours: f64,
        /// The threshold, hours.
        max_hours: f64,
    },
    /// A photo looks like a photo of another household.
    PhotoReused {
        /// This visit's photo.
        photo: String,
        /// The look-alikes in the reader's areas.
        matches: Vec<PhotoMatch>,
        /// The others, counted.
        #[serde(default, skip_serializing_if = "is_zero")]
        #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
        matches_outside_your_areas: u32,
    },
    /// A member's NIK is malformed.
    NikInvalid {
        /// The member.
        member: Uuid,
        /// The NIK, masked.
        nik: String,
        /// What is wrong, in Indonesian.
        reason: String,
    },
    /// The NIK encodes the other sex than the form records.
    NikSexMismatch {
        /// The member.
        member: Uuid,
        /// The NIK, masked.
        nik: String,
        /// `laki-laki` or `perempuan`.
        nik_says: String,
        /// `laki-laki` or `perempuan`.
        form_says: String,
    },
    /// The NIK encodes another birth date than the form records.
    NikBirthDateMismatch {
        /// The member.
        member: Uuid,
        /// The NIK, masked.
        nik: String,
        /// `YYYY-MM-DD`.
        nik_says: String,
        /// `YYYY-MM-DD`.
        form_says: String,
    },
    /// The NIK was first registered in another kecamatan.
    NikRegionElsewhere {
        /// The member.
        member: Uuid,
        /// The NIK, masked.
        nik: String,
        /// The six region digits of the NIK.
        nik_region: String,
    },
    /// A member of another household has the same NIK.
    NikDuplicate {
        /// The member.
        member: Uuid,
        /// The NIK, masked.
        nik: String,
        /// The other households in the reader's areas.
        households: Vec<Uuid>,
        /// The others, counted.
        #[serde(default, skip_serializing_if = "is_zero")]
        #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
        households_outside_your_areas: u32,
    },
    /// A family's No KK is malformed.
    NoKkInvalid {
        /// The No KK, masked.
        no_kk: String,
        /// What is wrong, in Indonesian.
        reason: String,
    },
    /// The interview was shorter than the threshold.
    InterviewTooShort {
        /// How long it lasted.
        minutes: f64,
        /// The threshold.
        min_minutes: f64,
    },
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl FlagEvidence {
    /// The flag's stable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            FlagEvidence::GpsOutsideDesa { .. } => "gps_outside_desa",
            FlagEvidence::GpsMock {} => "gps_mock",
            FlagEvidence::GpsAccuracyZero { .. } => "gps_accuracy_zero",
            FlagEvidence::GpsInaccurate { .. } => "gps_inaccurate",
            FlagEvidence::ImpossibleTravel { .. } => "impossible_travel",
            FlagEvidence::DuplicateCoordinates { .. } => "duplicate_coordinates",
            FlagEvidence::PhotoGpsFar { .. } => "photo_gps_far",
            FlagEvidence::PhotoTimeFar { .. } => "photo_time_far",
            FlagEvidence::PhotoReused { .. } => "photo_reused",
            FlagEvidence::NikInvalid { .. } => "nik_invalid",
            FlagEvidence::NikSexMismatch { .. } => "nik_sex_mismatch",
            FlagEvidence::NikBirthDateMismatch { .. } => "nik_birth_date_mismatch",
            FlagEvidence::NikRegionElsewhere { .. } => "nik_region_elsewhere",
            FlagEvidence::NikDuplicate { .. } => "nik_duplicate",
            FlagEvidence::NoKkInvalid { .. } => "no_kk_invalid",
            FlagEvidence::InterviewTooShort { .. } => "interview_too_short",
        }
    }

    /// The other households the evidence names.
    #[must_use]
    pub fn households(&self) -> Vec<Uuid> {
        match self {
            FlagEvidence::DuplicateCoordinates { households, .. }
            | FlagEvidence::NikDuplicate { households, .. } => households.clone(),
            FlagEvidence::PhotoReused { matches, .. } => {
                matches.iter().map(|m| m.household).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Keeps only the households `visible` allows; counts the others.
    pub fn hide_households(&mut self, visible: impl Fn(Uuid) -> bool) {
        match self {
            FlagEvidence::DuplicateCoordinates {
                households,
                households_outside_your_areas: outside,
                ..
            }
            | FlagEvidence::NikDuplicate {
                households,
                households_outside_your_areas: outside,
                ..
            } => {
                let before = households.len();
                households.retain(|h| visible(*h));
                *outside += u32::try_from(before - households.len()).unwrap_or(u32::MAX);
            }
            FlagEvidence::PhotoReused {
                matches,
                matches_outside_your_areas: outside,
                ..
            } => {
                let before = matches.len();
                matches.retain(|m| visible(m.household));
                *outside += u32::try_from(before - matches.len()).unwrap_or(u32::MAX);
            }
            _ => {}
        }
    }

    /// Reads a stored flag: its code and its evidence object.
    pub fn from_parts(code: &str, evidence: serde_json::Value) -> Result<Self, serde_json::Error> {
        let mut whole = serde_json::Map::new();
        whole.insert(
            "code".to_owned(),
            serde_json::Value::String(code.to_owned()),
        );
        whole.insert("evidence".to_owned(), evidence);
        serde_json::from_value(serde_json::Value::Object(whole))
    }

    /// The evidence object alone, as stored beside the code.
    #[must_use]
    pub fn evidence_value(&self) -> serde_json::Value {
        let mut whole =
            serde_json::to_value(self).expect("flag evidence serializes to JSON infallibly");
        whole
            .get_mut("evidence")
            .map_or_else(|| serde_json::json!({}), serde_json::Value::take)
    }
}

/// One data-quality flag of a visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityFlagView {
    /// How serious.
    pub severity: Severity,
    /// The code (`code`) and what raised it (`evidence`).
    #[serde(flatten)]
    pub flag: FlagEvidence,
}

impl QualityFlagView {
    /// The flag's stable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.flag.code()
    }

    /// The evidence object as sent.
    #[must_use]
    pub fn evidence(&self) -> serde_json::Value {
        self.flag.evidence_value()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use uuid::Uuid;

    use super::{FlagEvidence, QualityFlagView, Severity};

    #[test]
    fn a_flag_keeps_its_wire_shape_code_severity_and_evidence() {
        let wire = json!({
            "code": "photo_reused", "severity": "high",
            "evidence": {"photo": "ab", "matches": [{"photo": "cd", "household": Uuid::from_u128(2), "distance": 3}]},
        });
        let flag: QualityFlagView = serde_json::from_value(wire.clone()).expect("parses");
        assert_eq!(flag.severity, Severity::High);
        assert_eq!(flag.code(), "photo_reused");
        assert_eq!(serde_json::to_value(&flag).expect("serializes"), wire);
        let mock: QualityFlagView =
            serde_json::from_value(json!({"code": "gps_mock", "severity": "high", "evidence": {}}))
                .expect("parses");
        assert_eq!(mock.flag, FlagEvidence::GpsMock {});
    }

    #[test]
    fn households_outside_the_readers_areas_are_counted_not_named() {
        let (mine, theirs) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let visible = |h: Uuid| h == mine;
        let mut duplicate = FlagEvidence::from_parts(
            "nik_duplicate",
            json!({"member": Uuid::from_u128(9), "nik": "7322********0003", "households": [mine, theirs]}),
        )
        .expect("parses");
        assert_eq!(duplicate.households(), [mine, theirs]);
        duplicate.hide_households(visible);
        assert_eq!(duplicate.evidence_value()["households"], json!([mine]));
        assert_eq!(
            duplicate.evidence_value()["households_outside_your_areas"],
            1
        );
        let mut reused = FlagEvidence::from_parts(
            "photo_reused",
            json!({"photo": "ab", "matches": [
                {"photo": "cd", "household": theirs, "distance": 0},
                {"photo": "ef", "household": mine, "distance": 3},
            ]}),
        )
        .expect("parses");
        reused.hide_households(visible);
        let evidence = reused.evidence_value();
        assert_eq!(
            evidence["matches"],
            json!([{"photo": "ef", "household": mine, "distance": 3}])
        );
        assert_eq!(evidence["matches_outside_your_areas"], 1);
        let mut short = FlagEvidence::InterviewTooShort {
            minutes: 4.0,
            min_minutes: 10.0,
        };
        short.hide_households(visible);
        assert_eq!(
            short.evidence_value(),
            json!({"minutes": 4.0, "min_minutes": 10.0})
        );
    }
}
