//! The national welfare decile (DTSEN, Data Tunggal Sosial dan Ekonomi Nasional) of families,
//! as Dinas Sosial receives it: a CSV of No KK and decile 1–10. It cannot be recomputed locally
//! (its weights are not published), so it is imported and kept apart from the local score.
//!
//! The file must be UTF-8 (a byte-order mark is allowed), with the header `no_kk,desil`;
//! commas or semicolons (as spreadsheets in an Indonesian locale write) separate the columns.
//! Every problem is reported with its line; a file with any problem imports nothing.

use chrono::NaiveDate;

use super::csv_text::{self, CsvText};
use super::identity::parse_no_kk;

/// One family's decile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecileRow {
    /// No KK, 16 digits.
    pub no_kk: String,
    /// 1 (poorest tenth) to 10.
    pub decile: u8,
}

/// A problem in the file, on a line (1 = the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// Line number, from 1.
    pub line: usize,
    /// What is wrong, in Indonesian.
    pub message: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "baris {}: {}", self.line, self.message)
    }
}

/// Reads the whole file. `Err` lists the problems found (at most 20).
pub fn parse(bytes: &[u8], today: NaiveDate) -> Result<Vec<DecileRow>, Vec<LineError>> {
    let error = |line: usize, message: String| LineError { line, message };
    let CsvText {
        separator,
        header,
        lines,
    } = csv_text::read(bytes).map_err(|(line, m)| vec![error(line, m.to_owned())])?;
    let columns: Vec<String> = header
        .split(separator)
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    if columns != ["no_kk", "desil"] {
        return Err(vec![error(
            1,
            format!("kolom harus no_kk{separator}desil, ditemukan {header:?}"),
        )]);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (line, text) in lines {
        let cells: Vec<&str> = text
            .split(separator)
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        let row = match cells.as_slice() {
            [no_kk, decile] => parse_row(no_kk, decile, today),
            _ => Err(format!("harus 2 kolom, ditemukan {}", cells.len())),
        };
        match row {
            Ok(row) => {
                if let Some(first) = seen.insert(row.no_kk.clone(), line) {
                    errors.push(error(line, format!("No KK ini sudah ada di baris {first}")));
                } else {
                    rows.push(row);
                }
            }
            Err(message) => errors.push(error(line, message)),
        }
        if errors.len() >= csv_text::MAX_PROBLEMS {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn parse_row(no_kk: &str, decile: &str, today: NaiveDate) -> Result<DecileRow, String> {
    parse_no_kk(no_kk, today).map_err(|e| format!("No KK {no_kk:?}: {e}"))?;
    let decile: u8 = decile
        .parse()
        .ok()
        .filter(|d| (1..=10).contains(d))
        .ok_or_else(|| format!("desil harus 1–10, ditemukan {decile:?}"))?;
    Ok(DecileRow {
        no_kk: no_kk.to_owned(),
        decile,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn a_comma_or_semicolon_file_with_a_bom_is_read() {
        let rows = parse(
            b"no_kk,desil\n7322012708150001,1\n7322021503100002,10\n",
            today(),
        )
        .unwrap();
        assert_eq!(
            rows,
            [
                DecileRow {
                    no_kk: "7322012708150001".into(),
                    decile: 1
                },
                DecileRow {
                    no_kk: "7322021503100002".into(),
                    decile: 10
                }
            ]
        );
        let excel = parse(
            b"\xEF\xBB\xBF\"NO_KK\";\"DESIL\"\r\n\"7322012708150001\";\"3\"\r\n\r\n",
            today(),
        )
        .unwrap();
        assert_eq!(excel.len(), 1);
        assert_eq!(excel[0].decile, 3);
    }

    #[test]
    fn each_problem_is_reported_with_its_line() {
        let errors = parse(
            b"no_kk,desil\n7322012708150001,1\n73220127081500,2\n7322012708150002,11\n7322012708150001,4\n7322012708150003\n",
            today(),
        )
        .unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 6]);
        assert!(errors[0].message.contains("16 digit"), "{}", errors[0]);
        assert!(errors[1].message.contains("1–10"), "{}", errors[1]);
        assert!(errors[2].message.contains("baris 2"), "{}", errors[2]);
        assert!(errors[3].message.contains("2 kolom"), "{}", errors[3]);
    }

    #[test]
    fn wrong_columns_an_empty_file_or_another_encoding_are_refused() {
        let wrong = parse(b"nik,decile\n7322012708150001,1\n", today()).unwrap_err();
        assert_eq!(wrong[0].line, 1);
        assert!(wrong[0].message.contains("no_kk,desil"));
        assert_eq!(parse(b"", today()).unwrap_err()[0].message, "berkas kosong");
        // "Desa Bonebone" in Latin-1 with an é: not UTF-8.
        let latin1 = b"no_kk,desil\n7322012708150001,1\nR\xe9sum\xe9,2\n";
        let errors = parse(latin1, today()).unwrap_err();
        assert_eq!(errors[0].line, 3);
        assert!(errors[0].message.contains("UTF-8"));
    }
}
