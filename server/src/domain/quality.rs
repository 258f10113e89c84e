//! Data-quality flags of a survey visit (DESIGN.md "Quality flags"): each with a stable code, a
//! severity and the evidence that raised it, and a risk score that orders the review queue.
//! Flags never reject anything; they point a supervisor at what to look at.
//!
//! Everything here is a pure function of [`VisitFacts`], which the checker gathers from the
//! database; thresholds come from [`FlagConfig`] (`[flags]` in the configuration).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;
pub use sync_protocol::v1::office::{CheckState, FlagEvidence, PhotoMatch, Severity};
use uuid::Uuid;

use super::identity::{self, Sex};

/// One flag raised on a visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// How serious.
    pub severity: Severity,
    /// Its code and what raised it (values, distances, the other households).
    pub evidence: FlagEvidence,
}

impl Flag {
    /// Stable code, e.g. `gps_outside_desa`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.evidence.code()
    }
}

/// Thresholds of the flags (`[flags]`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlagConfig {
    /// Whether this instance runs the background checks of visits (`false`: another instance
    /// sharing the database runs them).
    pub run_checks: bool,
    /// A GPS fix less accurate than this many metres is flagged.
    pub max_accuracy_m: f64,
    /// A fix outside the desa but within this many metres of its border (or within the fix's
    /// own accuracy, if larger) is flagged low instead of high: the house may stand inside,
    /// and public boundaries are drawn coarsely.
    pub border_margin_m: f64,
    /// Travel between one worker's consecutive visits faster than this is impossible on the
    /// region's roads.
    pub max_travel_kmh: f64,
    /// Consecutive visits closer than this many metres are not checked for speed (GPS noise
    /// between two houses of one street).
    pub min_travel_m: f64,
    /// A photo's EXIF position farther than this from the visit's fix is flagged.
    pub max_photo_distance_m: f64,
    /// A photo's EXIF time farther than this from the visit is flagged.
    pub max_photo_hours: f64,
    /// The offset from UTC of the phones' clocks, for EXIF times (which carry no zone): WITA
    /// is +8 hours.
    pub exif_utc_offset_hours: i32,
    /// Photos of another household within this Hamming distance of a pHash are look-alikes.
    pub max_photo_phash_distance: u32,
    /// Interviews shorter than this many minutes are flagged.
    pub min_interview_minutes: f64,
    /// Risk points of a low, medium and high flag; the risk score is their sum, at most 100.
    pub risk_points: [u32; 3],
}

impl Default for FlagConfig {
    fn default() -> Self {
        Self {
            run_checks: true,
            max_accuracy_m: 50.0,
            border_margin_m: 50.0,
            max_travel_kmh: 120.0,
            min_travel_m: 500.0,
            max_photo_distance_m: 500.0,
            max_photo_hours: 24.0,
            exif_utc_offset_hours: 8,
            max_photo_phash_distance: 6,
            min_interview_minutes: 10.0,
            risk_points: [5, 15, 40],
        }
    }
}

impl FlagConfig {
    /// Problems with the values, `(key, message in Indonesian)`, for the configuration check
    /// at start.
    #[must_use]
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut found = Vec::new();
        let positive = [
            ("flags.max_accuracy_m", self.max_accuracy_m),
            ("flags.max_travel_kmh", self.max_travel_kmh),
            ("flags.max_photo_distance_m", self.max_photo_distance_m),
            ("flags.max_photo_hours", self.max_photo_hours),
        ];
        for (key, value) in positive {
            if !(value.is_finite() && value > 0.0) {
                found.push((key, "harus angka lebih dari 0"));
            }
        }
        for (key, value) in [
            ("flags.min_travel_m", self.min_travel_m),
            ("flags.border_margin_m", self.border_margin_m),
            ("flags.min_interview_minutes", self.min_interview_minutes),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                found.push((key, "harus angka 0 atau lebih"));
            }
        }
        if !(-12..=14).contains(&self.exif_utc_offset_hours) {
            found.push((
                "flags.exif_utc_offset_hours",
                "harus di antara -12 dan 14 (WITA: 8)",
            ));
        }
        if self.max_photo_phash_distance > 16 {
            found.push(("flags.max_photo_phash_distance", "paling besar 16"));
        }
        if self.risk_points.iter().any(|p| *p > 100) {
            found.push(("flags.risk_points", "tiap nilai paling besar 100"));
        }
        found
    }
}

/// A GPS fix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    /// Latitude, degrees.
    pub latitude: f64,
    /// Longitude, degrees.
    pub longitude: f64,
    /// Accuracy radius, metres.
    pub accuracy_m: Option<f64>,
    /// The phone said the position came from a mock provider.
    pub mock: bool,
}

/// The same worker's visit just before this one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PreviousVisit {
    /// Its id.
    pub visit_id: Uuid,
    /// When it ended.
    pub ended_at: DateTime<Utc>,
    /// Where.
    pub latitude: f64,
    /// Where.
    pub longitude: f64,
}

/// A photo the visit names, with what its analysis found.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoFacts {
    /// SHA-256.
    pub sha256: String,
    /// EXIF time taken as the analysis stored it: `YYYY-MM-DDTHH:MM:SS`, local time of the
    /// phone, with `+08:00` appended when the camera wrote its offset.
    pub taken_at: Option<String>,
    /// EXIF position `(latitude, longitude)`.
    pub position: Option<(f64, f64)>,
    /// Photos of other households within the configured distance: `(sha256, household,
    /// distance)`.
    pub look_alikes: Vec<(String, Uuid, u32)>,
}

/// A member of the household, with what the form says.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberFacts {
    /// Member id.
    pub member_id: Uuid,
    /// NIK as entered.
    pub nik: Option<String>,
    /// Sex in the form.
    pub sex: Option<Sex>,
    /// Birth date in the form.
    pub birth_date: Option<NaiveDate>,
    /// Other households with a member of the same NIK.
    pub same_nik_households: Vec<Uuid>,
}

/// Everything the flags look at.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitFacts {
    /// Interview start, by the phone.
    pub started_at: DateTime<Utc>,
    /// Interview end, by the phone.
    pub ended_at: DateTime<Utc>,
    /// The fix, if any.
    pub fix: Option<Fix>,
    /// The household's desa.
    pub desa_code: String,
    /// How far outside the desa's boundary the fix lies, metres (`None` when inside, without
    /// a fix, or when the desa has no known boundary).
    pub outside_by_m: Option<f64>,
    /// The desa that holds the fix instead, when it lies outside its own.
    pub located_desa: Option<String>,
    /// The same worker's previous visit with a fix.
    pub previous: Option<PreviousVisit>,
    /// Other households visited at exactly the same coordinates.
    pub same_position_households: Vec<Uuid>,
    /// Photos the visit names (those analysed).
    pub photos: Vec<PhotoFacts>,
    /// Members of the household.
    pub members: Vec<MemberFacts>,
    /// No KK of the household's families.
    pub no_kks: Vec<String>,
    /// Today, for the NIK century rule.
    pub today: NaiveDate,
}

/// Mean Earth radius, metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres (haversine).
#[must_use]
pub(crate) fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

fn flag(severity: Severity, evidence: FlagEvidence) -> Flag {
    Flag { severity, evidence }
}

/// Every flag the facts raise, in a stable order.
#[must_use]
pub fn check(facts: &VisitFacts, config: &FlagConfig) -> Vec<Flag> {
    let mut flags = Vec::new();
    location_flags(facts, config, &mut flags);
    photo_flags(facts, config, &mut flags);
    identity_flags(facts, &mut flags);
    let minutes = (facts.ended_at - facts.started_at).as_seconds_f64() / 60.0;
    if minutes < config.min_interview_minutes {
        flags.push(flag(
            Severity::Medium,
            FlagEvidence::InterviewTooShort {
                minutes: round1(minutes),
                min_minutes: config.min_interview_minutes,
            },
        ));
    }
    flags
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn location_flags(facts: &VisitFacts, config: &FlagConfig, flags: &mut Vec<Flag>) {
    let Some(fix) = facts.fix else {
        return;
    };
    let here = (fix.latitude, fix.longitude);
    if let Some(outside_by) = facts.outside_by_m {
        let margin = config.border_margin_m.max(fix.accuracy_m.unwrap_or(0.0));
        flags.push(flag(
            if outside_by > margin {
                Severity::High
            } else {
                Severity::Low
            },
            FlagEvidence::GpsOutsideDesa {
                latitude: fix.latitude,
                longitude: fix.longitude,
                desa: facts.desa_code.clone(),
                located_in: facts.located_desa.clone(),
                distance_m: round1(outside_by),
                margin_m: round1(margin),
            },
        ));
    }
    if fix.mock {
        flags.push(flag(Severity::High, FlagEvidence::GpsMock {}));
    }
    match fix.accuracy_m {
        Some(a) if a == 0.0 => flags.push(flag(
            Severity::Medium,
            FlagEvidence::GpsAccuracyZero { accuracy_m: a },
        )),
        Some(a) if a > config.max_accuracy_m => flags.push(flag(
            Severity::Low,
            FlagEvidence::GpsInaccurate {
                accuracy_m: a,
                max_accuracy_m: config.max_accuracy_m,
            },
        )),
        _ => {}
    }
    if let Some(previous) = facts.previous {
        let metres = distance_m(here, (previous.latitude, previous.longitude));
        let hours = (facts.started_at - previous.ended_at).as_seconds_f64() / 3600.0;
        if metres >= config.min_travel_m {
            let kmh = if hours > 0.0 {
                metres / 1000.0 / hours
            } else {
                f64::INFINITY
            };
            if kmh > config.max_travel_kmh {
                flags.push(flag(
                    Severity::High,
                    FlagEvidence::ImpossibleTravel {
                        previous_visit: previous.visit_id,
                        km: round1(metres / 1000.0),
                        minutes: round1(hours * 60.0),
                        kmh: kmh.is_finite().then(|| round1(kmh)),
                        max_kmh: config.max_travel_kmh,
                    },
                ));
            }
        }
    }
    if !facts.same_position_households.is_empty() {
        flags.push(flag(
            Severity::High,
            FlagEvidence::DuplicateCoordinates {
                latitude: fix.latitude,
                longitude: fix.longitude,
                households: facts.same_position_households.clone(),
                households_outside_your_areas: 0,
            },
        ));
    }
}

fn photo_flags(facts: &VisitFacts, config: &FlagConfig, flags: &mut Vec<Flag>) {
    let offset = chrono::Duration::hours(i64::from(config.exif_utc_offset_hours));
    for photo in &facts.photos {
        if let (Some(fix), Some(position)) = (facts.fix, photo.position) {
            let metres = distance_m((fix.latitude, fix.longitude), position);
            if metres > config.max_photo_distance_m {
                flags.push(flag(
                    Severity::Medium,
                    FlagEvidence::PhotoGpsFar {
                        photo: photo.sha256.clone(),
                        metres: metres.round(),
                        max_metres: config.max_photo_distance_m,
                    },
                ));
            }
        }
        if let Some((taken, taken_utc)) = photo
            .taken_at
            .as_deref()
            .and_then(|t| Some((t, exif_time_utc(t, offset)?)))
        {
            let hours = if taken_utc < facts.started_at {
                (facts.started_at - taken_utc).as_seconds_f64() / 3600.0
            } else if taken_utc > facts.ended_at {
                (taken_utc - facts.ended_at).as_seconds_f64() / 3600.0
            } else {
                0.0
            };
            if hours > config.max_photo_hours {
                flags.push(flag(
                    Severity::Medium,
                    FlagEvidence::PhotoTimeFar {
                        photo: photo.sha256.clone(),
                        taken_at: taken.to_owned(),
                        hours: round1(hours),
                        max_hours: config.max_photo_hours,
                    },
                ));
            }
        }
        let look_alikes: Vec<PhotoMatch> = photo
            .look_alikes
            .iter()
            .filter(|(_, _, d)| *d <= config.max_photo_phash_distance)
            .map(|(sha, household, d)| PhotoMatch {
                photo: sha.clone(),
                household: *household,
                distance: *d,
            })
            .collect();
        if !look_alikes.is_empty() {
            flags.push(flag(
                Severity::High,
                FlagEvidence::PhotoReused {
                    photo: photo.sha256.clone(),
                    matches: look_alikes,
                    matches_outside_your_areas: 0,
                },
            ));
        }
    }
}

/// An EXIF time in UTC: with its own offset when it has one, else with the configured one.
fn exif_time_utc(text: &str, default_offset: chrono::Duration) -> Option<DateTime<Utc>> {
    if let Ok(with_offset) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%:z") {
        return Some(with_offset.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|local| local.and_utc() - default_offset)
}

fn identity_flags(facts: &VisitFacts, flags: &mut Vec<Flag>) {
    let kecamatan = kecamatan_digits(&facts.desa_code);
    for member in &facts.members {
        let Some(text) = member.nik.as_deref() else {
            continue;
        };
        let nik = match identity::parse_nik(text, facts.today) {
            Ok(nik) => nik,
            Err(e) => {
                flags.push(flag(
                    Severity::Medium,
                    FlagEvidence::NikInvalid {
                        member: member.member_id,
                        nik: identity::mask(text),
                        reason: e.to_string(),
                    },
                ));
                continue;
            }
        };
        for mismatch in identity::cross_check(&nik, member.sex, member.birth_date, kecamatan) {
            let (member, nik_masked) = (member.member_id, identity::mask(text));
            flags.push(match mismatch {
                identity::NikMismatch::Sex { nik, form } => flag(
                    Severity::Medium,
                    FlagEvidence::NikSexMismatch {
                        member,
                        nik: nik_masked,
                        nik_says: sex_name(nik).to_owned(),
                        form_says: sex_name(form).to_owned(),
                    },
                ),
                identity::NikMismatch::BirthDate { nik, form } => flag(
                    Severity::Medium,
                    FlagEvidence::NikBirthDateMismatch {
                        member,
                        nik: nik_masked,
                        nik_says: nik.to_string(),
                        form_says: form.to_string(),
                    },
                ),
                identity::NikMismatch::Region { nik } => flag(
                    Severity::Low,
                    FlagEvidence::NikRegionElsewhere {
                        member,
                        nik: nik_masked,
                        nik_region: nik.iter().map(|d| char::from(b'0' + d)).collect(),
                    },
                ),
            });
        }
        if !member.same_nik_households.is_empty() {
            flags.push(flag(
                Severity::High,
                FlagEvidence::NikDuplicate {
                    member: member.member_id,
                    nik: identity::mask(text),
                    households: member.same_nik_households.clone(),
                    households_outside_your_areas: 0,
                },
            ));
        }
    }
    for no_kk in &facts.no_kks {
        if let Err(e) = identity::parse_no_kk(no_kk, facts.today) {
            flags.push(flag(
                Severity::Medium,
                FlagEvidence::NoKkInvalid {
                    no_kk: identity::mask(no_kk),
                    reason: e.to_string(),
                },
            ));
        }
    }
}

fn sex_name(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "laki-laki",
        Sex::Female => "perempuan",
    }
}

/// The digit values `[7, 3, 2, 2, 0, 1]` for `73.22.01.2001`, as a NIK holds its region.
fn kecamatan_digits(desa_code: &str) -> Option<[u8; 6]> {
    let digits: Vec<u8> = desa_code
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .take(6)
        .collect();
    digits.try_into().ok()
}

/// The risk score of a visit: the points of its flags (`risk_points` per severity), at most
/// 100.
#[must_use]
pub fn risk(flags: &[Flag], config: &FlagConfig) -> u32 {
    let total: u32 = flags
        .iter()
        .map(|f| config.risk_points[f.severity as usize])
        .sum();
    total.min(100)
}

#[cfg(test)]
mod tests;
