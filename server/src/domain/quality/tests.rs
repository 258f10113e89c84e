//! Each flag with data that raises it and data just on the other side of its threshold.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    Fix, FlagConfig, MemberFacts, PhotoFacts, PreviousVisit, Severity, VisitFacts, check,
    distance_m, risk,
};
use crate::domain::identity::Sex;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("time")
        .with_timezone(&Utc)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// A clean visit: 35 minutes, an accurate fix inside the desa, a photo taken there during the
/// interview, a woman whose NIK agrees with the form, a valid No KK.
fn clean() -> VisitFacts {
    VisitFacts {
        started_at: at("2026-11-20T02:00:00Z"),
        ended_at: at("2026-11-20T02:35:00Z"),
        fix: Some(Fix {
            latitude: -2.80,
            longitude: 120.40,
            accuracy_m: Some(8.0),
            mock: false,
        }),
        desa_code: "73.22.01.2001".to_owned(),
        outside_by_m: None,
        located_desa: None,
        previous: Some(PreviousVisit {
            visit_id: Uuid::from_u128(7),
            ended_at: at("2026-11-20T01:30:00Z"),
            latitude: -2.81,
            longitude: 120.41,
        }),
        same_position_households: vec![],
        photos: vec![PhotoFacts {
            sha256: "ab".repeat(32),
            // 10:10 WITA = 02:10 UTC.
            taken_at: Some("2026-11-20T10:10:00".to_owned()),
            position: Some((-2.8001, 120.4002)),
            look_alikes: vec![("cd".repeat(32), Uuid::from_u128(9), 12)],
        }],
        members: vec![MemberFacts {
            member_id: Uuid::from_u128(1),
            nik: Some("7322014509850003".to_owned()),
            sex: Some(Sex::Female),
            birth_date: Some(date(1985, 9, 5)),
            same_nik_households: vec![],
        }],
        no_kks: vec!["7322012708150001".to_owned()],
        today: date(2026, 11, 27),
    }
}

fn codes(facts: &VisitFacts) -> Vec<&'static str> {
    check(facts, &FlagConfig::default())
        .iter()
        .map(super::Flag::code)
        .collect()
}

fn raises(facts: &VisitFacts, code: &str) -> serde_json::Value {
    let flags = check(facts, &FlagConfig::default());
    let found: Vec<_> = flags.iter().filter(|f| f.code() == code).collect();
    assert_eq!(found.len(), 1, "{code} in {flags:#?}");
    found[0].evidence.evidence_value()
}

#[test]
fn a_clean_visit_raises_no_flag() {
    let config = FlagConfig::default();
    let flags = check(&clean(), &config);
    assert!(flags.is_empty(), "{flags:?}");
    assert_eq!(risk(&flags, &config), 0);
}

#[test]
fn a_fix_outside_the_desa_is_flagged_with_where_it_lies() {
    let mut facts = clean();
    facts.located_desa = Some("73.22.01.2002".to_owned());
    facts.outside_by_m = Some(1_234.56);
    let evidence = raises(&facts, "gps_outside_desa");
    assert_eq!(evidence["located_in"], "73.22.01.2002");
    assert_eq!(evidence["distance_m"], 1_234.6);
    assert_eq!(severity(&facts, "gps_outside_desa"), Severity::High);
    // Inside, or no boundary known for the desa: nothing to say.
    facts.outside_by_m = None;
    assert!(!codes(&facts).contains(&"gps_outside_desa"));
}

fn severity(facts: &VisitFacts, code: &str) -> Severity {
    check(facts, &FlagConfig::default())
        .into_iter()
        .find(|f| f.code() == code)
        .map(|f| f.severity)
        .expect("flag raised")
}

#[test]
fn a_fix_just_outside_the_border_is_flagged_low_within_the_margin_or_the_accuracy() {
    let mut facts = clean();
    // 8 m accuracy, the margin of 50 m decides.
    facts.outside_by_m = Some(49.0);
    assert_eq!(severity(&facts, "gps_outside_desa"), Severity::Low);
    facts.outside_by_m = Some(51.0);
    assert_eq!(severity(&facts, "gps_outside_desa"), Severity::High);
    // A fix of 80 m accuracy may be the house 60 m inside.
    facts.fix.as_mut().expect("fix").accuracy_m = Some(80.0);
    facts.outside_by_m = Some(60.0);
    assert_eq!(severity(&facts, "gps_outside_desa"), Severity::Low);
    assert_eq!(raises(&facts, "gps_outside_desa")["margin_m"], 80.0);
    facts.outside_by_m = Some(81.0);
    assert_eq!(severity(&facts, "gps_outside_desa"), Severity::High);
}

#[test]
fn a_mock_location_is_flagged() {
    let mut facts = clean();
    facts.fix.as_mut().expect("fix").mock = true;
    raises(&facts, "gps_mock");
}

#[test]
fn an_inaccurate_fix_is_flagged_and_one_at_the_threshold_is_not() {
    let mut facts = clean();
    facts.fix.as_mut().expect("fix").accuracy_m = Some(50.0);
    assert_eq!(codes(&facts), Vec::<&str>::new());
    facts.fix.as_mut().expect("fix").accuracy_m = Some(120.0);
    assert_eq!(raises(&facts, "gps_inaccurate")["accuracy_m"], 120.0);
}

#[test]
fn an_accuracy_of_exactly_zero_is_flagged() {
    let mut facts = clean();
    facts.fix.as_mut().expect("fix").accuracy_m = Some(0.0);
    raises(&facts, "gps_accuracy_zero");
    facts.fix.as_mut().expect("fix").accuracy_m = Some(0.5);
    assert_eq!(codes(&facts), Vec::<&str>::new());
}

#[test]
fn travel_faster_than_the_roads_allow_is_flagged() {
    let mut facts = clean();
    // About 29 km north (near Masamba), 10 minutes after the previous visit ended.
    facts.previous = Some(PreviousVisit {
        visit_id: Uuid::from_u128(7),
        ended_at: at("2026-11-20T01:50:00Z"),
        latitude: -2.54,
        longitude: 120.33,
    });
    let evidence = raises(&facts, "impossible_travel");
    assert!(evidence["kmh"].as_f64().expect("kmh") > 150.0, "{evidence}");
    // Two hours is enough for 30 km.
    facts.previous.as_mut().expect("previous").ended_at = at("2026-11-20T00:00:00Z");
    assert!(!codes(&facts).contains(&"impossible_travel"));
}

#[test]
fn gps_jitter_between_neighbours_is_not_travel() {
    let mut facts = clean();
    // 200 m away, the previous visit "ended" after this one started (clock noise).
    facts.previous = Some(PreviousVisit {
        visit_id: Uuid::from_u128(7),
        ended_at: at("2026-11-20T02:01:00Z"),
        latitude: -2.8018,
        longitude: 120.40,
    });
    assert_eq!(codes(&facts), Vec::<&str>::new());
    // Two km away at the same moment is not jitter.
    facts.previous.as_mut().expect("previous").latitude = -2.818;
    let evidence = raises(&facts, "impossible_travel");
    assert!(evidence["kmh"].is_null(), "no finite speed: {evidence}");
}

#[test]
fn coordinates_identical_to_another_households_are_flagged() {
    let mut facts = clean();
    facts.same_position_households = vec![Uuid::from_u128(5)];
    let evidence = raises(&facts, "duplicate_coordinates");
    assert_eq!(evidence["households"][0], Uuid::from_u128(5).to_string());
}

#[test]
fn a_photo_taken_far_from_the_fix_is_flagged() {
    let mut facts = clean();
    facts.photos[0].position = Some((-2.81, 120.40));
    let evidence = raises(&facts, "photo_gps_far");
    assert!((1100.0..1120.0).contains(&evidence["metres"].as_f64().expect("metres")));
    // Without a fix there is nothing to compare.
    facts.fix = None;
    assert!(!codes(&facts).contains(&"photo_gps_far"));
}

#[test]
fn a_photo_taken_long_before_the_visit_is_flagged_and_local_time_is_understood() {
    let mut facts = clean();
    facts.photos[0].taken_at = Some("2026-11-17T09:00:00".to_owned());
    let evidence = raises(&facts, "photo_time_far");
    assert!(evidence["hours"].as_f64().expect("hours") > 60.0);
    // 09:00 WITA on the same day is 01:00 UTC: one hour before the interview.
    facts.photos[0].taken_at = Some("2026-11-20T09:00:00".to_owned());
    assert_eq!(codes(&facts), Vec::<&str>::new());
    // A camera that wrote its offset is taken at its word: 09:00 at UTC-5 the next day is
    // 14:00 UTC, 35.4 hours after the interview ended (read as WITA it would be 22.4).
    facts.photos[0].taken_at = Some("2026-11-21T09:00:00-05:00".to_owned());
    assert_eq!(raises(&facts, "photo_time_far")["hours"], 35.4);
    facts.photos[0].taken_at = Some("2026-11-19T09:00:00-05:00".to_owned());
    assert_eq!(codes(&facts), Vec::<&str>::new());
}

#[test]
fn a_photo_like_another_households_is_flagged_within_the_distance_only() {
    let mut facts = clean();
    facts.photos[0].look_alikes = vec![("cd".repeat(32), Uuid::from_u128(9), 3)];
    let evidence = raises(&facts, "photo_reused");
    assert_eq!(evidence["matches"][0]["distance"], 3);
    facts.photos[0].look_alikes[0].2 = 7;
    assert_eq!(codes(&facts), Vec::<&str>::new());
}

#[test]
fn a_malformed_nik_or_no_kk_is_flagged_masked() {
    let mut facts = clean();
    facts.members[0].nik = Some("7322013002900001".to_owned());
    let evidence = raises(&facts, "nik_invalid");
    assert_eq!(evidence["nik"], "7322********0001");
    facts.no_kks = vec!["732201270815000".to_owned()];
    let evidence = raises(&facts, "no_kk_invalid");
    assert_eq!(evidence["reason"], "harus 16 digit");
}

#[test]
fn a_nik_contradicting_the_forms_sex_or_birth_date_is_flagged() {
    let mut facts = clean();
    facts.members[0].sex = Some(Sex::Male);
    let evidence = raises(&facts, "nik_sex_mismatch");
    assert_eq!(evidence["nik_says"], "perempuan");
    facts.members[0].sex = Some(Sex::Female);
    facts.members[0].birth_date = Some(date(1985, 9, 6));
    raises(&facts, "nik_birth_date_mismatch");
}

#[test]
fn a_nik_registered_in_another_kecamatan_is_a_low_flag() {
    let mut facts = clean();
    facts.desa_code = "73.22.02.2002".to_owned();
    let flags = check(&facts, &FlagConfig::default());
    assert_eq!(flags.len(), 1, "{flags:#?}");
    assert_eq!(flags[0].code(), "nik_region_elsewhere");
    assert_eq!(flags[0].severity, Severity::Low);
    assert_eq!(flags[0].evidence.evidence_value()["nik_region"], "732201");
}

#[test]
fn the_same_nik_in_another_household_is_flagged() {
    let mut facts = clean();
    facts.members[0].same_nik_households = vec![Uuid::from_u128(3)];
    raises(&facts, "nik_duplicate");
}

#[test]
fn an_interview_shorter_than_the_minimum_is_flagged() {
    let mut facts = clean();
    facts.ended_at = facts.started_at + Duration::minutes(4);
    assert_eq!(raises(&facts, "interview_too_short")["minutes"], 4.0);
    facts.ended_at = facts.started_at + Duration::minutes(10);
    assert_eq!(codes(&facts), Vec::<&str>::new());
}

#[test]
fn the_risk_score_adds_the_severities_up_to_100() {
    let mut facts = clean();
    facts.fix.as_mut().expect("fix").accuracy_m = Some(120.0);
    facts.ended_at = facts.started_at + Duration::minutes(4);
    let config = FlagConfig::default();
    assert_eq!(risk(&check(&facts, &config), &config), 5 + 15);
    facts.fix.as_mut().expect("fix").mock = true;
    facts.outside_by_m = Some(1_000.0);
    facts.same_position_households = vec![Uuid::from_u128(5)];
    assert_eq!(risk(&check(&facts, &config), &config), 100);
}

#[test]
fn distances_match_known_values() {
    // One degree of latitude is about 111.2 km.
    let degree = distance_m((0.0, 120.0), (1.0, 120.0));
    assert!((111_100.0..111_300.0).contains(&degree), "{degree}");
    assert!(distance_m((-2.8, 120.4), (-2.8, 120.4)).abs() < 1e-9);
}

#[test]
fn bad_thresholds_are_reported() {
    let config = FlagConfig {
        max_accuracy_m: 0.0,
        min_interview_minutes: -1.0,
        exif_utc_offset_hours: 20,
        max_photo_phash_distance: 30,
        risk_points: [5, 15, 400],
        ..FlagConfig::default()
    };
    let keys: Vec<&str> = config.problems().iter().map(|(key, _)| *key).collect();
    assert_eq!(
        keys,
        [
            "flags.max_accuracy_m",
            "flags.min_interview_minutes",
            "flags.exif_utc_offset_hours",
            "flags.max_photo_phash_distance",
            "flags.risk_points",
        ]
    );
    assert!(FlagConfig::default().problems().is_empty());
}
