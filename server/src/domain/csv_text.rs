//! The CSV files admins import (exported from Excel or LibreOffice): UTF-8 with or without a
//! byte-order mark, `,` or `;` between cells, `\r\n` or `\n` line ends.

/// At most this many problems of an imported file are reported; fix them and run the import
/// again.
pub const MAX_PROBLEMS: usize = 20;

/// A CSV file's text, split into numbered lines.
#[derive(Debug)]
pub struct CsvText<'a> {
    /// `;` when the header line has one, else `,`.
    pub separator: char,
    /// The first line.
    pub header: &'a str,
    /// The other lines that are not blank, with their numbers (the header is line 1).
    pub lines: Vec<(usize, &'a str)>,
}

/// Decodes the file and splits it into lines. `Err((line, message))`, the message in
/// Indonesian, when it is not UTF-8 or is empty.
pub fn read(bytes: &[u8]) -> Result<CsvText<'_>, (usize, &'static str)> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(body).map_err(|e| {
        let line = memchr::memchr_iter(b'\n', &body[..e.valid_up_to()]).count() + 1;
        (
            line,
            "berkas bukan UTF-8; simpan ulang sebagai \"CSV UTF-8\"",
        )
    })?;
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    let Some((_, header)) = lines.next() else {
        return Err((1, "berkas kosong"));
    };
    Ok(CsvText {
        separator: if header.contains(';') { ';' } else { ',' },
        header,
        lines: lines.filter(|(_, l)| !l.trim().is_empty()).collect(),
    })
}
