//! NIK (Nomor Induk Kependudukan) and No KK (Nomor Kartu Keluarga): 16 digits,
//! `PP KK CC DDMMYY SSSS`.
//!
//! - Digits 1–6: the Kemendagri code of the kecamatan of first registration (province,
//!   kabupaten/kota, kecamatan). It is not the current address: a mismatch with where the
//!   household lives is a warning, never a reason to refuse.
//! - NIK digits 7–12: the birth date, with 40 added to the day for women (41–71); the year has
//!   two digits, and the century is the most recent one that gives an age of 0–110 years and no
//!   birth in the future.
//! - No KK digits 7–12: the date the card was issued, without the +40.
//! - Digits 13–16: a serial, 0001–9999. There is no check digit.
//!
//! Parsing never panics; each refusal names what is wrong. Both numbers are protected personal
//! data: [`mask`] them wherever a list shows them.

use chrono::{Datelike, NaiveDate};

/// Sex as the NIK encodes it (and as the form records it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    /// Laki-laki.
    Male,
    /// Perempuan: birth day + 40 in the NIK.
    Female,
}

/// A well-formed NIK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nik {
    /// Kecamatan of first registration, `PP.KK.CC` as six digits.
    pub region: [u8; 6],
    /// Birth date (century chosen as described in the module documentation).
    pub birth_date: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// Serial, 1–9999.
    pub serial: u16,
}

/// A well-formed No KK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoKk {
    /// Kecamatan where the card was issued, six digits.
    pub region: [u8; 6],
    /// Date of issue.
    pub issued_on: NaiveDate,
    /// Serial, 1–9999.
    pub serial: u16,
}

/// Why a NIK or No KK is malformed. Each has a stable code for field errors and flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// Not exactly 16 characters.
    #[error("harus 16 digit")]
    Length,
    /// A character that is not a digit 0–9.
    #[error("hanya boleh berisi angka")]
    NotDigits,
    /// Digits 1–2 are not an Indonesian province code.
    #[error("kode provinsi (digit 1–2) tidak dikenal")]
    Province,
    /// Kabupaten/kota or kecamatan code 00.
    #[error("kode kabupaten/kota atau kecamatan (digit 3–6) tidak boleh 00")]
    Region,
    /// Digits 7–12 are not a real calendar date (for a NIK: day 01–31 or 41–71).
    #[error("digit 7–12 bukan tanggal yang ada")]
    Date,
    /// The date is in the future, or (NIK) gives an age over 110 in every century.
    #[error("tanggal pada digit 7–12 di masa depan atau terlalu lampau")]
    DateOutOfRange,
    /// Serial 0000.
    #[error("nomor urut (digit 13–16) tidak boleh 0000")]
    Serial,
}

impl IdentityError {
    /// Stable code: `nik_length`, `nik_not_digits`… with the prefix given (`nik`, `no_kk`).
    #[must_use]
    pub fn code(self, prefix: &str) -> String {
        let what = match self {
            Self::Length => "length",
            Self::NotDigits => "not_digits",
            Self::Province => "province",
            Self::Region => "region",
            Self::Date => "date",
            Self::DateOutOfRange => "date_out_of_range",
            Self::Serial => "serial",
        };
        format!("{prefix}_{what}")
    }
}

/// Province codes of Kemendagri (Sumatra 11–19, Java 31–36, Bali and Nusa Tenggara 51–53,
/// Kalimantan 61–65, Sulawesi 71–76, Maluku 81–82, Papua 91–97).
const PROVINCES: [u8; 39] = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97,
];

/// The oldest age a NIK's century rule accepts.
const MAX_AGE_YEARS: i32 = 110;

fn digits(text: &str) -> Result<[u8; 16], IdentityError> {
    let bytes = text.as_bytes();
    if bytes.len() != 16 {
        // Count characters, not bytes, so "１２…" (full-width digits) is "not digits".
        return Err(if text.chars().count() == 16 {
            IdentityError::NotDigits
        } else {
            IdentityError::Length
        });
    }
    let mut out = [0u8; 16];
    for (slot, &b) in out.iter_mut().zip(bytes) {
        if !b.is_ascii_digit() {
            return Err(IdentityError::NotDigits);
        }
        *slot = b - b'0';
    }
    Ok(out)
}

fn pair(d: &[u8; 16], at: usize) -> u8 {
    d[at] * 10 + d[at + 1]
}

fn region(d: &[u8; 16]) -> Result<[u8; 6], IdentityError> {
    if !PROVINCES.contains(&pair(d, 0)) {
        return Err(IdentityError::Province);
    }
    if pair(d, 2) == 0 || pair(d, 4) == 0 {
        return Err(IdentityError::Region);
    }
    let mut out = [0u8; 6];
    out.copy_from_slice(&d[..6]);
    Ok(out)
}

fn serial(d: &[u8; 16]) -> Result<u16, IdentityError> {
    let serial = d[12..]
        .iter()
        .fold(0u16, |n, &digit| n * 10 + u16::from(digit));
    if serial == 0 {
        Err(IdentityError::Serial)
    } else {
        Ok(serial)
    }
}

/// The date with a two-digit year in the most recent century that is not after `today` and
/// not more than `max_age` years before it.
fn date_in_century(
    day: u8,
    month: u8,
    yy: u8,
    today: NaiveDate,
    max_age: i32,
) -> Result<NaiveDate, IdentityError> {
    let century_now = today.year() - today.year().rem_euclid(100);
    let mut any_real = false;
    for century in [century_now, century_now - 100, century_now - 200] {
        let year = century + i32::from(yy);
        let Some(date) = NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day)) else {
            continue;
        };
        any_real = true;
        if date <= today && years_between(date, today) <= max_age {
            return Ok(date);
        }
    }
    Err(if any_real {
        IdentityError::DateOutOfRange
    } else {
        IdentityError::Date
    })
}

/// Whole years from `from` to `to` (an age).
#[must_use]
pub fn years_between(from: NaiveDate, to: NaiveDate) -> i32 {
    let mut years = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    years
}

/// Parses a NIK, as of `today` (for the century and the age).
pub fn parse_nik(text: &str, today: NaiveDate) -> Result<Nik, IdentityError> {
    let d = digits(text)?;
    let region = region(&d)?;
    let (encoded_day, month, yy) = (pair(&d, 6), pair(&d, 8), pair(&d, 10));
    let (day, sex) = match encoded_day {
        1..=31 => (encoded_day, Sex::Male),
        41..=71 => (encoded_day - 40, Sex::Female),
        _ => return Err(IdentityError::Date),
    };
    if !(1..=12).contains(&month) {
        return Err(IdentityError::Date);
    }
    let birth_date = date_in_century(day, month, yy, today, MAX_AGE_YEARS)?;
    Ok(Nik {
        region,
        birth_date,
        sex,
        serial: serial(&d)?,
    })
}

/// Parses a No KK, as of `today` (the card cannot be issued in the future).
pub fn parse_no_kk(text: &str, today: NaiveDate) -> Result<NoKk, IdentityError> {
    let d = digits(text)?;
    let region = region(&d)?;
    let (day, month, yy) = (pair(&d, 6), pair(&d, 8), pair(&d, 10));
    if !(1..=31).contains(&day) || !(1..=12).contains(&month) {
        return Err(IdentityError::Date);
    }
    let issued_on = date_in_century(day, month, yy, today, 100)?;
    Ok(NoKk {
        region,
        issued_on,
        serial: serial(&d)?,
    })
}

/// A disagreement between a NIK and what the form says about the same person: a warning (a
/// quality flag for the supervisor), never a refusal, since either may be the wrong one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NikMismatch {
    /// The NIK encodes the other sex.
    Sex {
        /// Sex in the NIK.
        nik: Sex,
        /// Sex in the form.
        form: Sex,
    },
    /// The NIK encodes another birth date.
    BirthDate {
        /// Birth date in the NIK.
        nik: NaiveDate,
        /// Birth date in the form.
        form: NaiveDate,
    },
    /// The NIK was first registered in another kecamatan than the household's (people move:
    /// informational).
    Region {
        /// `PP.KK.CC` of the NIK.
        nik: [u8; 6],
    },
}

impl NikMismatch {
    /// Stable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Sex { .. } => "nik_sex_mismatch",
            Self::BirthDate { .. } => "nik_birth_date_mismatch",
            Self::Region { .. } => "nik_region_elsewhere",
        }
    }
}

/// Compares a NIK with the form's sex, birth date and the household's kecamatan
/// (`PP.KK.CC` digits of its area code, e.g. `732201` for `73.22.01.2001`).
#[must_use]
pub fn cross_check(
    nik: &Nik,
    form_sex: Option<Sex>,
    form_birth_date: Option<NaiveDate>,
    household_kecamatan: Option<[u8; 6]>,
) -> Vec<NikMismatch> {
    let mut found = Vec::new();
    if let Some(form) = form_sex.filter(|s| *s != nik.sex) {
        found.push(NikMismatch::Sex { nik: nik.sex, form });
    }
    // The NIK's date is the one on the civil registry; a form date differing only in the
    // century is the same date.
    if let Some(form) = form_birth_date.filter(|f| {
        (f.day(), f.month(), f.year().rem_euclid(100))
            != (
                nik.birth_date.day(),
                nik.birth_date.month(),
                nik.birth_date.year().rem_euclid(100),
            )
    }) {
        found.push(NikMismatch::BirthDate {
            nik: nik.birth_date,
            form,
        });
    }
    if household_kecamatan.is_some_and(|k| k != nik.region) {
        found.push(NikMismatch::Region { nik: nik.region });
    }
    found
}

/// `7322********0001`: the first four and last four digits, the rest hidden. Anything that
/// is not 16 ASCII digits is hidden whole.
#[must_use]
pub fn mask(number: &str) -> String {
    if number.len() == 16 && number.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}********{}", &number[..4], &number[12..])
    } else {
        "*".repeat(number.chars().count().min(16))
    }
}

#[cfg(test)]
mod tests;
