//! Kemendagri area codes: `PP` (provinsi), `PP.KK` (kabupaten/kota), `PP.KK.CC` (kecamatan),
//! `PP.KK.CC.DDDD` (desa, starting with 2, or kelurahan, starting with 1).

use std::fmt;

/// The administrative level of an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AreaLevel {
    /// Province.
    Provinsi,
    /// Regency or city.
    Kabkota,
    /// Sub-district.
    Kecamatan,
    /// Village (rural).
    Desa,
    /// Urban village.
    Kelurahan,
}

impl AreaLevel {
    /// The name stored in the database.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AreaLevel::Provinsi => "provinsi",
            AreaLevel::Kabkota => "kabkota",
            AreaLevel::Kecamatan => "kecamatan",
            AreaLevel::Desa => "desa",
            AreaLevel::Kelurahan => "kelurahan",
        }
    }
}

/// A syntactically valid Kemendagri area code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaCode(String);

/// The text is not a Kemendagri area code.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("kode wilayah tidak valid: {0:?} (contoh: 73.22.01.2001)")]
pub struct InvalidAreaCode(pub String);

impl AreaCode {
    /// Parses `73`, `73.22`, `73.22.01` or `73.22.01.2001`.
    pub fn parse(s: &str) -> Result<Self, InvalidAreaCode> {
        let parts: Vec<&str> = s.split('.').collect();
        let widths = [2, 2, 2, 4];
        let ok = !parts.is_empty()
            && parts.len() <= widths.len()
            && parts
                .iter()
                .zip(widths)
                .all(|(p, w)| p.len() == w && p.bytes().all(|b| b.is_ascii_digit()))
            && parts.last().is_some_and(|p| p.bytes().any(|b| b != b'0'));
        // A desa's code begins with 2, a kelurahan's with 1 (an empty part is refused above).
        let desa_kind_ok =
            parts.len() < 4 || matches!(parts[3].as_bytes().first(), Some(b'1' | b'2'));
        if ok && desa_kind_ok {
            Ok(AreaCode(s.to_owned()))
        } else {
            Err(InvalidAreaCode(s.to_owned()))
        }
    }

    /// The code as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level implied by the code.
    #[must_use]
    pub fn level(&self) -> AreaLevel {
        match self.0.split('.').count() {
            1 => AreaLevel::Provinsi,
            2 => AreaLevel::Kabkota,
            3 => AreaLevel::Kecamatan,
            _ if self.0.as_bytes()[9] == b'1' => AreaLevel::Kelurahan,
            _ => AreaLevel::Desa,
        }
    }

    /// Whether households can be placed here (desa or kelurahan).
    #[must_use]
    pub fn is_village(&self) -> bool {
        matches!(self.level(), AreaLevel::Desa | AreaLevel::Kelurahan)
    }

    /// The parent area's code, or `None` for a province.
    #[must_use]
    pub fn parent(&self) -> Option<AreaCode> {
        self.0
            .rsplit_once('.')
            .map(|(parent, _)| AreaCode(parent.to_owned()))
    }

    /// Whether `other` is this area or lies inside it.
    #[must_use]
    pub fn covers(&self, other: &str) -> bool {
        other == self.0
            || (other.len() > self.0.len()
                && other.starts_with(&self.0)
                && other.as_bytes()[self.0.len()] == b'.')
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_every_level_parse_and_know_their_level() {
        let cases = [
            ("73", AreaLevel::Provinsi),
            ("73.22", AreaLevel::Kabkota),
            ("73.22.01", AreaLevel::Kecamatan),
            ("73.22.01.2001", AreaLevel::Desa),
            ("73.22.02.1001", AreaLevel::Kelurahan),
        ];
        for (code, level) in cases {
            assert_eq!(AreaCode::parse(code).expect(code).level(), level, "{code}");
        }
    }

    #[test]
    fn malformed_codes_are_refused() {
        for code in [
            "",
            "7",
            "73.2",
            "73.22.1",
            "73.22.01.3001",
            "73.22.01.0000",
            // An empty last part, where a desa's would be: found by fuzzing, it panicked.
            "73.22.01.",
            "73.22.0.",
            "73.22.01.2001.1",
            "aa.22",
            "73-22",
        ] {
            assert!(AreaCode::parse(code).is_err(), "{code:?} should be refused");
        }
    }

    #[test]
    fn an_area_covers_its_descendants_but_not_its_neighbours() {
        let kecamatan = AreaCode::parse("73.22.01").expect("valid");
        assert!(kecamatan.covers("73.22.01"));
        assert!(kecamatan.covers("73.22.01.2001"));
        assert!(!kecamatan.covers("73.22.011.2001"));
        assert!(!kecamatan.covers("73.22.02.2001"));
        assert!(!kecamatan.covers("73.22"));
        assert_eq!(
            kecamatan.parent().map(|p| p.to_string()),
            Some("73.22".to_owned())
        );
    }
}
