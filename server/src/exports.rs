//! Household list exports, CSV and XLSX, for Dinas Sosial and Bappeda. Rows are read a page at
//! a time and written out as they come, so memory does not grow with the number of
//! households: CSV is streamed to the client as it is made; XLSX rows go to a temporary file
//! (`rust_xlsxwriter`'s constant-memory mode), which is then streamed.
//!
//! NIK and No KK are masked (`7322********0001`) unless the caller may see them and asks.

use std::io::Write;

use bytes::Bytes;
use futures::Stream;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::domain::area::AreaCode;
use crate::domain::identity::mask;
use crate::store::StoreError;
use crate::store::exports::{ExportRow, desa_codes, page};

/// Households read per query.
pub const PAGE: u64 = 1000;

/// The column headers, in Indonesian: people read them in a spreadsheet.
pub const HEADERS: [&str; 11] = [
    "id_rumah_tangga",
    "kode_desa",
    "nama_kepala_rumah_tangga",
    "nik_kepala",
    "no_kk",
    "jumlah_anggota",
    "status_review",
    "kriteria_terpenuhi",
    "status_kemiskinan_lokal",
    "risiko_tertinggi",
    "diperbarui",
];

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number.
    Number(i64),
    /// Nothing.
    Empty,
}

/// The cells of a row, NIK and No KK masked unless `unmasked`.
#[must_use]
pub fn cells(row: &ExportRow, unmasked: bool) -> [Cell; 11] {
    let identity = |n: &str| {
        if unmasked { n.to_owned() } else { mask(n) }
    };
    let text = |s: Option<String>| s.map_or(Cell::Empty, Cell::Text);
    let number = |n: Option<i64>| n.map_or(Cell::Empty, Cell::Number);
    [
        Cell::Text(row.id.to_string()),
        Cell::Text(row.area_code.clone()),
        text(row.head_name.clone()),
        text(row.head_nik.as_deref().map(identity)),
        if row.no_kks.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(
                row.no_kks
                    .iter()
                    .map(|n| identity(n))
                    .collect::<Vec<_>>()
                    .join(";"),
            )
        },
        number(row.members),
        Cell::Text(row.review_status.clone()),
        number(row.score.as_ref().map(|(met, _)| i64::from(*met))),
        text(row.score.as_ref().map(|(_, verdict)| verdict.clone())),
        number(row.risk.map(i64::from)),
        Cell::Text(row.updated_at.to_rfc3339()),
    ]
}

/// Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return at the
/// start) gets a leading `'`, so a name typed as `=HYPERLINK(…)` stays text.
fn defused(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// One CSV line (RFC 4180: quoted when needed, `\r\n` at the end).
#[must_use]
pub fn csv_line<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> String {
    let mut line = String::new();
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        let cell = cell.as_ref();
        if cell.contains([',', '"', '\n', '\r']) {
            line.push('"');
            line.push_str(&cell.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(cell);
        }
    }
    line.push_str("\r\n");
    line
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => defused(t).into_owned(),
        Cell::Number(n) => n.to_string(),
        Cell::Empty => String::new(),
    }
}

/// Walks the households of an area a page at a time: desa by desa (in code order), in id
/// order within each, so that every page is an index range.
struct Pager {
    desa: Vec<String>,
    current: usize,
    after: Option<Uuid>,
}

impl Pager {
    /// The pages of `area`'s households; with `desa_at_least`, only of the desa holding at
    /// least that many (an analyst's list leaves out the desa withheld from their figures,
    /// whose rows would give those figures away).
    async fn new(
        db: &DatabaseConnection,
        area: &AreaCode,
        desa_at_least: Option<u64>,
    ) -> Result<Self, StoreError> {
        let mut desa = desa_codes(db, area).await?;
        if let Some(min) = desa_at_least {
            crate::store::tallies::catch_up(db).await?;
            let small: std::collections::HashSet<String> =
                crate::store::tallies::of_desa_under(db, area)
                    .await?
                    .into_iter()
                    .filter(|t| t.households < min)
                    .map(|t| t.desa)
                    .collect();
            desa.retain(|d| !small.contains(d));
        }
        Ok(Self {
            desa,
            current: 0,
            after: None,
        })
    }

    /// The next page, or `None` at the end.
    async fn next(
        &mut self,
        db: &DatabaseConnection,
    ) -> Result<Option<Vec<ExportRow>>, StoreError> {
        while let Some(desa) = self.desa.get(self.current) {
            let rows = page(db, desa, self.after, PAGE).await?;
            if rows.len() as u64 == PAGE {
                self.after = rows.last().map(|r| r.id);
            } else {
                self.current += 1;
                self.after = None;
            }
            if !rows.is_empty() {
                return Ok(Some(rows));
            }
        }
        Ok(None)
    }
}

/// The CSV, a page of households per chunk, starting with a byte-order mark (so that Excel
/// reads UTF-8) and the header line.
pub fn households_csv(
    db: DatabaseConnection,
    area: AreaCode,
    unmasked: bool,
    desa_at_least: Option<u64>,
) -> impl Stream<Item = Result<Bytes, StoreError>> {
    let header = format!("\u{feff}{}", csv_line(HEADERS));
    let first = futures::stream::once(async move { Ok(Bytes::from(header)) });
    let rows = futures::stream::try_unfold(None::<Pager>, move |pager| {
        let (db, area) = (db.clone(), area.clone());
        async move {
            let mut pager = match pager {
                Some(pager) => pager,
                None => Pager::new(&db, &area, desa_at_least).await?,
            };
            let Some(rows) = pager.next(&db).await? else {
                return Ok(None);
            };
            let mut chunk = String::with_capacity(rows.len() * 160);
            for row in &rows {
                chunk.push_str(&csv_line(cells(row, unmasked).iter().map(cell_text)));
            }
            Ok(Some((Bytes::from(chunk), Some(pager))))
        }
    });
    futures::StreamExt::chain(first, rows)
}

/// Why an XLSX could not be made.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    /// Reading the households failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the workbook failed.
    #[error("membuat XLSX: {0}")]
    Write(String),
}

/// Writes the XLSX into a temporary file, row by row in constant memory, and returns the file
/// (deleted when dropped). Runs on a blocking thread; pages are read from the database with
/// `handle`.
pub fn households_xlsx(
    handle: &tokio::runtime::Handle,
    db: &DatabaseConnection,
    area: &AreaCode,
    unmasked: bool,
    desa_at_least: Option<u64>,
) -> Result<tempfile::NamedTempFile, XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let write = |e: rust_xlsxwriter::XlsxError| XlsxError::Write(e.to_string());
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(write)?;
    sheet.set_name("Rumah tangga").map_err(write)?;
    let header: Vec<Cell> = HEADERS
        .iter()
        .map(|h| Cell::Text((*h).to_owned()))
        .collect();
    write_row(sheet, 0, &header, Some(&bold))?;
    let mut row_number = 1u32;
    let mut pager = handle.block_on(Pager::new(db, area, desa_at_least))?;
    while let Some(rows) = handle.block_on(pager.next(db))? {
        for row in &rows {
            write_row(sheet, row_number, &cells(row, unmasked), None)?;
            row_number += 1;
        }
    }
    let mut file = tempfile::NamedTempFile::new().map_err(|e| XlsxError::Write(e.to_string()))?;
    workbook.save_to_writer(file.as_file_mut()).map_err(write)?;
    file.as_file_mut()
        .flush()
        .map_err(|e| XlsxError::Write(e.to_string()))?;
    Ok(file)
}

/// The indicators as rows: a header, then one row per area (the criteria by code at the end).
#[must_use]
pub fn indicator_rows(response: &sync_protocol::v1::office::IndicatorsResponse) -> Vec<Vec<Cell>> {
    let criteria: Vec<&str> = crate::domain::scoring::Criterion::ALL
        .iter()
        .map(|c| c.code())
        .collect();
    let mut header: Vec<Cell> = [
        "kode",
        "nama",
        "rumah_tangga_disurvei",
        "disetujui",
        "miskin",
        "tidak_miskin",
        "belum_dapat_diputuskan",
        "persentase_miskin",
        "rumah_tangga_bertanda",
    ]
    .iter()
    .map(|h| Cell::Text((*h).to_owned()))
    .collect();
    header.extend(criteria.iter().map(|c| Cell::Text(format!("kriteria_{c}"))));
    let count = |n: u64| Cell::Number(i64::try_from(n).unwrap_or(i64::MAX));
    let width = header.len();
    let mut rows = vec![header];
    for a in &response.areas {
        if a.suppressed {
            // Too few households for this reader: said, with no figure.
            let mut row = vec![
                Cell::Text(a.code.clone()),
                Cell::Text(a.name.clone()),
                Cell::Text("disembunyikan".to_owned()),
            ];
            row.resize_with(width, || Cell::Empty);
            rows.push(row);
            continue;
        }
        let mut row = vec![
            Cell::Text(a.code.clone()),
            Cell::Text(a.name.clone()),
            count(a.households_surveyed),
            count(a.households_approved),
            count(a.poor),
            count(a.not_poor),
            count(a.undetermined),
            a.poor_share
                .map_or(Cell::Empty, |s| Cell::Text(format!("{:.1}", s * 100.0))),
            count(a.households_flagged),
        ];
        row.extend(
            criteria
                .iter()
                .map(|c| count(a.criteria_met.get(*c).copied().unwrap_or(0))),
        );
        rows.push(row);
    }
    rows
}

/// Rows as CSV (with a byte-order mark for Excel).
#[must_use]
pub fn rows_csv(rows: &[Vec<Cell>]) -> String {
    let mut out = String::from("\u{feff}");
    for row in rows {
        out.push_str(&csv_line(row.iter().map(cell_text)));
    }
    out
}

/// Rows as an XLSX workbook of one sheet, in memory (for small tables such as indicators).
pub fn rows_xlsx(sheet_name: &str, rows: &[Vec<Cell>]) -> Result<Vec<u8>, XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let write = |e: rust_xlsxwriter::XlsxError| XlsxError::Write(e.to_string());
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(write)?;
    for (r, row) in (0u32..).zip(rows) {
        write_row(sheet, r, row, (r == 0).then_some(&bold))?;
    }
    workbook.save_to_buffer().map_err(write)
}

/// Writes one row of cells, in `format` if given (for headers).
fn write_row(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    cells: &[Cell],
    format: Option<&rust_xlsxwriter::Format>,
) -> Result<(), XlsxError> {
    for (col, cell) in (0u16..).zip(cells) {
        let written = match (cell, format) {
            // Strings are written as strings: Excel runs no formula from them.
            (Cell::Text(t), Some(format)) => sheet.write_string_with_format(row, col, t, format),
            (Cell::Text(t), None) => sheet.write_string(row, col, t),
            #[expect(clippy::cast_precision_loss, reason = "counts and scores")]
            (Cell::Number(n), _) => sheet.write_number(row, col, *n as f64),
            (Cell::Empty, _) => continue,
        };
        written.map_err(|e| XlsxError::Write(e.to_string()))?;
    }
    Ok(())
}
