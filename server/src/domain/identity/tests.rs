use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn today() -> NaiveDate {
    day(2026, 11, 27)
}

/// The NIK text for these parts (the inverse of `parse_nik`).
fn encode(region: &str, birth: NaiveDate, sex: Sex, serial: u16) -> String {
    let day = birth.day() + if sex == Sex::Female { 40 } else { 0 };
    format!(
        "{region}{day:02}{:02}{:02}{serial:04}",
        birth.month(),
        birth.year().rem_euclid(100)
    )
}

#[test]
fn a_womans_nik_gives_her_birth_date_and_sex() {
    let nik = parse_nik("7322014509850003", today()).unwrap();
    assert_eq!(nik.region, [7, 3, 2, 2, 0, 1]);
    assert_eq!(nik.birth_date, day(1985, 9, 5));
    assert_eq!(nik.sex, Sex::Female);
    assert_eq!(nik.serial, 3);
    let man = parse_nik("7322010509850003", today()).unwrap();
    assert_eq!((man.birth_date, man.sex), (day(1985, 9, 5), Sex::Male));
}

#[test]
fn the_century_is_the_most_recent_one_not_in_the_future() {
    let child = parse_nik("7322011503200001", today()).unwrap();
    assert_eq!(child.birth_date, day(2020, 3, 15), "age 6, not 106");
    let elder = parse_nik("7322011503300001", today()).unwrap();
    assert_eq!(elder.birth_date, day(1930, 3, 15), "2030 is in the future");
    let tomorrow = parse_nik("7322012811260001", today()).unwrap();
    assert_eq!(tomorrow.birth_date, day(1926, 11, 28));
    let born_today = parse_nik("7322012711260001", today()).unwrap();
    assert_eq!(born_today.birth_date, today());
}

#[test]
fn dates_that_do_not_exist_are_refused() {
    for (nik, why) in [
        ("7322013002900001", "30 February"),
        ("7322013202900001", "day 32"),
        ("7322017202900001", "day 72 (a woman's day 32)"),
        ("7322010002900001", "day 00"),
        ("7322014002900001", "day 40 (a woman's day 00)"),
        ("7322011513900001", "month 13"),
        ("7322011500900001", "month 00"),
        ("7322012902230001", "29 February 2023 and 1923"),
        ("7322016902230001", "a woman's 29 February 2023"),
    ] {
        assert_eq!(parse_nik(nik, today()), Err(IdentityError::Date), "{why}");
    }
    assert_eq!(
        parse_nik("7322012902240001", today()).unwrap().birth_date,
        day(2024, 2, 29),
        "2024 is a leap year"
    );
}

#[test]
fn malformed_numbers_are_refused_with_what_is_wrong() {
    let cases = [
        ("732201450985003", IdentityError::Length),
        ("73220145098500031", IdentityError::Length),
        ("", IdentityError::Length),
        ("7322O14509850003", IdentityError::NotDigits),
        ("7322-14509850003", IdentityError::NotDigits),
        ("７３２２０１４５０９８５０００３", IdentityError::NotDigits),
        ("9922014509850003", IdentityError::Province),
        ("2022014509850003", IdentityError::Province),
        ("7300014509850003", IdentityError::Region),
        ("7322004509850003", IdentityError::Region),
        ("7322010509850000", IdentityError::Serial),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_nik(text, today()), Err(expected), "{text:?}");
        assert_eq!(parse_no_kk(text, today()).err(), Some(expected), "{text:?}");
    }
    assert_eq!(IdentityError::Serial.code("nik"), "nik_serial");
    assert_eq!(IdentityError::Length.code("no_kk"), "no_kk_length");
}

#[test]
fn a_family_card_number_holds_its_issue_date_without_the_plus_forty() {
    let kk = parse_no_kk("7322012708150001", today()).unwrap();
    assert_eq!(kk.issued_on, day(2015, 8, 27));
    assert_eq!(kk.serial, 1);
    assert_eq!(
        parse_no_kk("7322014708150001", today()),
        Err(IdentityError::Date),
        "day 47 is a NIK's, not a card's"
    );
    assert_eq!(
        parse_no_kk("7322012812260001", today()).unwrap().issued_on,
        day(1926, 12, 28)
    );
}

#[test]
fn a_nik_that_contradicts_the_form_is_reported_not_refused() {
    let nik = parse_nik("7322014509850003", today()).unwrap();
    let here = Some([7, 3, 2, 2, 0, 1]);
    assert!(cross_check(&nik, Some(Sex::Female), Some(day(1985, 9, 5)), here).is_empty());
    let found = cross_check(
        &nik,
        Some(Sex::Male),
        Some(day(1985, 9, 6)),
        Some([7, 3, 2, 2, 0, 2]),
    );
    let codes: Vec<&str> = found.iter().map(NikMismatch::code).collect();
    assert_eq!(
        codes,
        [
            "nik_sex_mismatch",
            "nik_birth_date_mismatch",
            "nik_region_elsewhere"
        ]
    );
    assert_eq!(
        found[0],
        NikMismatch::Sex {
            nik: Sex::Female,
            form: Sex::Male
        }
    );
    assert!(
        cross_check(&nik, None, None, None).is_empty(),
        "nothing to compare"
    );
}

#[test]
fn masked_numbers_show_the_region_and_serial_only() {
    assert_eq!(mask("7322014509850003"), "7322********0003");
    assert_eq!(mask("73220145"), "********");
    assert_eq!(mask("ABCDEFGHIJKLMNOPQRS"), "*".repeat(16));
}

proptest! {
    #[test]
    fn every_valid_nik_parses_back_to_its_parts(
        days_before in 0i64..(110 * 365),
        female in any::<bool>(),
        serial in 1u16..=9999,
        kecamatan in 1u8..=99,
    ) {
        let birth = today() - chrono::Duration::days(days_before);
        let sex = if female { Sex::Female } else { Sex::Male };
        let region = format!("7322{kecamatan:02}");
        let text = encode(&region, birth, sex, serial);
        let nik = parse_nik(&text, today()).unwrap();
        prop_assert_eq!(nik.sex, sex);
        prop_assert_eq!(nik.serial, serial);
        // The century rule picks the most recent century: the same date, or 100 years later
        // when that is still in the past (ages 100–110 read as 0–10).
        prop_assert!(nik.birth_date == birth || nik.birth_date == birth.with_year(birth.year() + 100).unwrap());
        prop_assert!(nik.birth_date <= today());
    }

    #[test]
    fn any_sixteen_digits_parse_to_what_they_encode_or_are_refused(text in "[0-9]{16}") {
        if let Ok(nik) = parse_nik(&text, today()) {
            let region: String = nik.region.iter().map(|d| char::from(b'0' + d)).collect();
            prop_assert_eq!(encode(&region, nik.birth_date, nik.sex, nik.serial), text.clone());
        }
        if let Ok(kk) = parse_no_kk(&text, today()) {
            prop_assert!(kk.issued_on <= today());
        }
    }

    #[test]
    fn any_text_is_parsed_without_panic(text in "\\PC{0,24}") {
        let _ = parse_nik(&text, today());
        let _ = parse_no_kk(&text, today());
        let _ = mask(&text);
    }
}
