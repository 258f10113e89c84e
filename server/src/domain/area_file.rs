//! Area import files, read and checked whole before anything is stored.
//!
//! - GeoJSON: a `FeatureCollection` whose features carry the Kemendagri code in `kode` (or
//!   `code`) and the name in `nama` (or `name`), with a `Polygon` or `MultiPolygon` geometry.
//! - CSV: UTF-8 (a byte-order mark is allowed), comma- or semicolon-separated, quotes as
//!   spreadsheets write them, with at least the columns `kode` and `nama`; a `level` column,
//!   when present, must agree with the code.
//!
//! The level and the parent follow from the code. Every problem is reported with its place
//! (line or feature); a file with any problem imports nothing.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::area::{AreaCode, AreaLevel};
use super::boundary::Boundary;
use super::csv_text::{self, CsvText};

/// One area as the file gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRecord {
    /// Kemendagri code.
    pub code: AreaCode,
    /// Name, trimmed.
    pub name: String,
    /// Boundary, from GeoJSON only.
    pub boundary: Option<Boundary>,
    /// Where its file holds it (`fitur 3 (73.22.01.2001)`, `baris 4`), for the problems found
    /// once every file is read.
    pub place: String,
}

/// A problem at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: `baris 5`, `fitur 3 (73.22.01.2001)`, or the file as a whole.
    pub place: String,
    /// What is wrong, in Indonesian.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

fn problem(place: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        place: place.into(),
        message: message.into(),
    }
}

/// The formats an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// GeoJSON `FeatureCollection`.
    GeoJson,
    /// CSV code list.
    Csv,
}

impl Format {
    /// From the file name's extension, else from the first byte (`{` is GeoJSON).
    #[must_use]
    pub fn detect(file_name: &str, bytes: &[u8]) -> Self {
        let extension = std::path::Path::new(file_name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if matches!(extension.as_deref(), Some("geojson" | "json")) {
            Format::GeoJson
        } else if extension.as_deref() == Some("csv") {
            Format::Csv
        } else if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            Format::GeoJson
        } else {
            Format::Csv
        }
    }
}

/// Reads a file of either format.
pub fn parse(format: Format, bytes: &[u8]) -> Result<Vec<AreaRecord>, Vec<Problem>> {
    let records = match format {
        Format::GeoJson => parse_geojson(bytes)?,
        Format::Csv => parse_csv(bytes)?,
    };
    Ok(records)
}

#[derive(Deserialize)]
struct FeatureCollection {
    #[serde(rename = "type")]
    kind: String,
    features: Option<Vec<serde_json::Value>>,
}

#[derive(Deserialize)]
struct Feature {
    #[serde(rename = "type")]
    kind: String,
    properties: Option<serde_json::Map<String, serde_json::Value>>,
    geometry: Option<serde_json::Value>,
}

/// Reads a GeoJSON `FeatureCollection`.
pub fn parse_geojson(bytes: &[u8]) -> Result<Vec<AreaRecord>, Vec<Problem>> {
    let whole = |message: String| vec![problem("berkas", message)];
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let collection: FeatureCollection = serde_json::from_slice(body).map_err(|e| {
        whole(format!(
            "GeoJSON tidak valid (baris {}, kolom {}): {e}",
            e.line(),
            e.column()
        ))
    })?;
    if collection.kind != "FeatureCollection" {
        return Err(whole(format!(
            "jenis GeoJSON harus FeatureCollection, ditemukan {:?}",
            collection.kind
        )));
    }
    let features = collection
        .features
        .ok_or_else(|| whole("tidak ada \"features\"".to_owned()))?;
    if features.is_empty() {
        return Err(whole("FeatureCollection tidak berisi fitur".to_owned()));
    }
    let mut records = Vec::with_capacity(features.len());
    let mut problems = Vec::new();
    let mut seen = HashMap::new();
    for (i, value) in features.into_iter().enumerate() {
        let number = i + 1;
        match parse_feature(value) {
            Ok(mut record) => {
                let place = format!("fitur {number} ({})", record.code);
                record.place.clone_from(&place);
                if let Some(first) = seen.insert(record.code.clone(), number) {
                    problems.push(problem(
                        place,
                        format!("kode ini sudah ada di fitur {first}"),
                    ));
                } else {
                    records.push(record);
                }
            }
            Err((code, message)) => {
                let place = match code {
                    Some(code) => format!("fitur {number} ({code})"),
                    None => format!("fitur {number}"),
                };
                problems.push(problem(place, message));
            }
        }
        if problems.len() >= csv_text::MAX_PROBLEMS {
            break;
        }
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(problems)
    }
}

/// One feature, or its code (when readable) and what is wrong.
fn parse_feature(value: serde_json::Value) -> Result<AreaRecord, (Option<String>, String)> {
    let feature =
        Feature::deserialize(value).map_err(|e| (None, format!("bukan Feature GeoJSON: {e}")))?;
    if feature.kind != "Feature" {
        return Err((
            None,
            format!("jenis harus Feature, ditemukan {:?}", feature.kind),
        ));
    }
    let properties = feature.properties.unwrap_or_default();
    let text = |keys: [&str; 2]| {
        keys.iter()
            .find_map(|k| properties.get(*k))
            .and_then(serde_json::Value::as_str)
            .map(str::trim)
    };
    let code = text(["kode", "code"])
        .ok_or_else(|| (None, "tidak ada properti teks \"kode\"".to_owned()))?;
    let with_code = |message: String| (Some(code.to_owned()), message);
    let code = AreaCode::parse(code).map_err(|e| with_code(e.to_string()))?;
    let name = text(["nama", "name"])
        .ok_or_else(|| with_code("tidak ada properti teks \"nama\"".to_owned()))?;
    let name = check_name(name).map_err(with_code)?;
    let geometry = feature.geometry.filter(|g| !g.is_null()).ok_or_else(|| {
        with_code(
            "fitur tanpa geometri; untuk daftar kode tanpa batas wilayah gunakan CSV".to_owned(),
        )
    })?;
    let boundary = Boundary::from_geojson(&geometry).map_err(|e| with_code(e.to_string()))?;
    Ok(AreaRecord {
        code,
        name,
        boundary: Some(boundary),
        place: String::new(),
    })
}

fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        Err("nama kosong".to_owned())
    } else if name.chars().count() > 100 {
        Err("nama lebih dari 100 karakter".to_owned())
    } else if name.chars().any(char::is_control) {
        Err("nama berisi karakter kendali".to_owned())
    } else {
        Ok(name.to_owned())
    }
}

/// Reads a CSV code list.
pub(crate) fn parse_csv(bytes: &[u8]) -> Result<Vec<AreaRecord>, Vec<Problem>> {
    let line_place = |line: usize| format!("baris {line}");
    let CsvText {
        separator,
        header,
        lines,
    } = csv_text::read(bytes).map_err(|(line, m)| vec![problem(line_place(line), m)])?;
    let columns: Vec<String> = split_csv_line(header, separator)
        .map_err(|m| vec![problem("baris 1", m)])?
        .into_iter()
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let find = |names: [&str; 2]| columns.iter().position(|c| names.contains(&c.as_str()));
    let (Some(code_col), Some(name_col)) = (find(["kode", "code"]), find(["nama", "name"])) else {
        return Err(vec![problem(
            "baris 1",
            format!("kolom \"kode\" dan \"nama\" wajib ada; ditemukan {columns:?}"),
        )]);
    };
    let level_col = find(["level", "tingkat"]);
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashMap::new();
    for (line, text) in lines {
        let place = line_place(line);
        match parse_csv_row(
            text,
            separator,
            columns.len(),
            code_col,
            name_col,
            level_col,
        ) {
            Ok(mut record) => {
                record.place.clone_from(&place);
                if let Some(first) = seen.insert(record.code.clone(), line) {
                    problems.push(problem(
                        place,
                        format!("kode ini sudah ada di baris {first}"),
                    ));
                } else {
                    records.push(record);
                }
            }
            Err(message) => problems.push(problem(place, message)),
        }
        if problems.len() >= csv_text::MAX_PROBLEMS {
            break;
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if records.is_empty() {
        return Err(vec![problem("berkas", "tidak ada baris data")]);
    }
    Ok(records)
}

fn parse_csv_row(
    text: &str,
    separator: char,
    width: usize,
    code_col: usize,
    name_col: usize,
    level_col: Option<usize>,
) -> Result<AreaRecord, String> {
    let cells = split_csv_line(text, separator)?;
    if cells.len() != width {
        return Err(format!(
            "harus {width} kolom seperti judulnya, ditemukan {}",
            cells.len()
        ));
    }
    let code = AreaCode::parse(cells[code_col].trim()).map_err(|e| e.to_string())?;
    let name = check_name(&cells[name_col]).map_err(|m| format!("{code}: {m}"))?;
    if let Some(level) = level_col.map(|c| cells[c].trim()).filter(|l| !l.is_empty()) {
        let fits = match code.level() {
            AreaLevel::Provinsi => level == "provinsi",
            AreaLevel::Kabkota => matches!(level, "kabkota" | "kabupaten" | "kota"),
            AreaLevel::Kecamatan => level == "kecamatan",
            AreaLevel::Desa => matches!(level, "desa" | "desa_kelurahan"),
            AreaLevel::Kelurahan => matches!(level, "kelurahan" | "desa_kelurahan"),
        };
        if !fits {
            return Err(format!(
                "{code}: level {level:?} tidak sesuai dengan kodenya ({})",
                code.level().as_str()
            ));
        }
    }
    Ok(AreaRecord {
        code,
        name,
        boundary: None,
        place: String::new(),
    })
}

/// Splits one CSV line; a quoted cell may hold the separator and doubled quotes.
fn split_csv_line(line: &str, separator: char) -> Result<Vec<String>, String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
        } else if c == separator {
            cells.push(std::mem::take(&mut cell));
            at_start = true;
            continue;
        } else if c == '"' && at_start && cell.trim().is_empty() {
            cell.clear();
            quoted = true;
        } else {
            cell.push(c);
        }
        at_start = false;
    }
    if quoted {
        return Err("tanda kutip tidak ditutup (sel tidak boleh memuat baris baru)".to_owned());
    }
    cells.push(cell);
    Ok(cells)
}

/// Checks that the parent of every area (its code, and where the files hold it) exists, in the
/// files or among `existing` codes. A missing province is taken from the national list
/// ([`province_name`]) and returned to be created with the rest.
pub fn check_parents<S: std::hash::BuildHasher>(
    codes: &[(&AreaCode, String)],
    existing: &HashSet<String, S>,
) -> Result<Vec<AreaRecord>, Vec<Problem>> {
    let in_files: HashSet<&str> = codes.iter().map(|(c, _)| c.as_str()).collect();
    let mut added = Vec::new();
    let mut added_codes = HashSet::new();
    let mut problems = Vec::new();
    for (code, place) in codes {
        let Some(parent) = code.parent() else {
            continue;
        };
        if in_files.contains(parent.as_str())
            || existing.contains(parent.as_str())
            || added_codes.contains(parent.as_str())
        {
            continue;
        }
        if parent.level() == AreaLevel::Provinsi
            && let Some(name) = province_name(parent.as_str())
        {
            added_codes.insert(parent.as_str().to_owned());
            added.push(AreaRecord {
                code: parent,
                name: name.to_owned(),
                boundary: None,
                place: "daftar provinsi nasional".to_owned(),
            });
            continue;
        }
        problems.push(problem(
            place.as_str(),
            format!("kode induk {parent} tidak ada di berkas maupun di basis data"),
        ));
        if problems.len() >= csv_text::MAX_PROBLEMS {
            break;
        }
    }
    if problems.is_empty() {
        Ok(added)
    } else {
        Err(problems)
    }
}

/// The 38 provinces (Kepmendagri 2025 codes).
const PROVINCES: [(&str, &str); 38] = [
    ("11", "Aceh"),
    ("12", "Sumatera Utara"),
    ("13", "Sumatera Barat"),
    ("14", "Riau"),
    ("15", "Jambi"),
    ("16", "Sumatera Selatan"),
    ("17", "Bengkulu"),
    ("18", "Lampung"),
    ("19", "Kepulauan Bangka Belitung"),
    ("21", "Kepulauan Riau"),
    ("31", "Daerah Khusus Jakarta"),
    ("32", "Jawa Barat"),
    ("33", "Jawa Tengah"),
    ("34", "Daerah Istimewa Yogyakarta"),
    ("35", "Jawa Timur"),
    ("36", "Banten"),
    ("51", "Bali"),
    ("52", "Nusa Tenggara Barat"),
    ("53", "Nusa Tenggara Timur"),
    ("61", "Kalimantan Barat"),
    ("62", "Kalimantan Tengah"),
    ("63", "Kalimantan Selatan"),
    ("64", "Kalimantan Timur"),
    ("65", "Kalimantan Utara"),
    ("71", "Sulawesi Utara"),
    ("72", "Sulawesi Tengah"),
    ("73", "Sulawesi Selatan"),
    ("74", "Sulawesi Tenggara"),
    ("75", "Gorontalo"),
    ("76", "Sulawesi Barat"),
    ("81", "Maluku"),
    ("82", "Maluku Utara"),
    ("91", "Papua"),
    ("92", "Papua Barat"),
    ("93", "Papua Selatan"),
    ("94", "Papua Tengah"),
    ("95", "Papua Pegunungan"),
    ("96", "Papua Barat Daya"),
];

/// The name of a province from its two-digit code.
#[must_use]
pub(crate) fn province_name(code: &str) -> Option<&'static str> {
    PROVINCES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests;
