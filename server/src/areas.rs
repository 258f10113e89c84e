//! Areas at run time: importing area files, and the boundary index that answers "which desa
//! contains this point" for the server.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::domain::area::AreaCode;
use crate::domain::area_file::{self, AreaRecord, Format, Problem};
use crate::domain::area_index::AreaIndex;
use crate::domain::boundary::Boundary;
use crate::store::{self, StoreError};

/// One file to import.
#[derive(Debug, Clone)]
pub struct AreaFile {
    /// File name, for the format and for the source recorded with each area.
    pub name: String,
    /// Its contents.
    pub bytes: Vec<u8>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    /// Areas that did not exist before.
    pub created: usize,
    /// Areas that existed and were updated in place.
    pub updated: usize,
    /// Of all these, how many came with a boundary.
    pub with_boundary: usize,
}

/// Why nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The files have problems, each with its place.
    #[error("berkas tidak diimpor; perbaiki lalu ulangi:\n{}", list(.0))]
    Invalid(Vec<Problem>),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl From<sea_orm::DbErr> for ImportError {
    fn from(e: sea_orm::DbErr) -> Self {
        ImportError::Store(e.into())
    }
}

/// Reads and checks every file (codes, names, polygons, parents in the files or already
/// stored), then stores all areas in one transaction: existing codes are updated in place.
/// `progress` is called once per area written. Any problem imports nothing.
pub async fn import(
    db: &DatabaseConnection,
    files: &[AreaFile],
    progress: impl Fn(usize, usize),
) -> Result<ImportSummary, ImportError> {
    let mut records: Vec<(AreaRecord, &str)> = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        let format = Format::detect(&file.name, &file.bytes);
        match area_file::parse(format, &file.bytes) {
            Ok(read) => records.extend(read.into_iter().map(|r| (r, file.name.as_str()))),
            Err(found) => problems.extend(found.into_iter().map(|p| Problem {
                place: format!("{} {}", file.name, p.place),
                message: p.message,
            })),
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Invalid(problems));
    }
    // The same code in two files: the later file's name wins, as a re-import would; a
    // boundary from either is kept (a CSV code list beside the GeoJSON does not drop it).
    let mut by_code: std::collections::BTreeMap<_, (AreaRecord, &str)> =
        std::collections::BTreeMap::new();
    for (mut record, source) in records {
        if let Some((earlier, _)) = by_code.remove(&record.code) {
            record.boundary = record.boundary.or(earlier.boundary);
        }
        by_code.insert(record.code.clone(), (record, source));
    }
    let records: Vec<(AreaRecord, &str)> = by_code.into_values().collect();
    store::retry_transient(store::IMPORT_ATTEMPTS, transient, || {
        store_all(db, &records, &progress)
    })
    .await
}

fn transient(e: &ImportError) -> bool {
    matches!(e, ImportError::Store(e) if e.is_transient())
}

/// One transaction: parents checked against the stored codes, then every area written.
async fn store_all(
    db: &DatabaseConnection,
    records: &[(AreaRecord, &str)],
    progress: &impl Fn(usize, usize),
) -> Result<ImportSummary, ImportError> {
    let txn = db.begin().await?;
    let existing = store::areas::codes(&txn).await?;
    let codes: Vec<(&AreaCode, String)> = records
        .iter()
        .map(|(r, file)| (&r.code, format!("{file} {}", r.place)))
        .collect();
    let provinces = area_file::check_parents(&codes, &existing).map_err(ImportError::Invalid)?;
    let national = "daftar provinsi nasional (bawaan)";
    let writes: Vec<(&AreaRecord, &str)> = provinces
        .iter()
        .map(|r| (r, national))
        .chain(records.iter().map(|(r, s)| (r, *s)))
        .collect();
    let now = Utc::now();
    let mut summary = ImportSummary::default();
    for (i, (record, source)) in writes.iter().enumerate() {
        store::areas::import(&txn, record, source, now).await?;
        if existing.contains(record.code.as_str()) {
            summary.updated += 1;
        } else {
            summary.created += 1;
        }
        summary.with_boundary += usize::from(record.boundary.is_some());
        progress(i + 1, writes.len());
    }
    txn.commit().await?;
    Ok(summary)
}

/// The desa and kelurahan boundaries the server answers from, reloaded when an import
/// (another process) changes the stored areas.
#[derive(Debug, Default)]
pub struct Boundaries {
    current: RwLock<Arc<AreaIndex>>,
    revision: RwLock<Option<(i64, Option<DateTime<Utc>>)>>,
}

impl Boundaries {
    /// The index as last loaded.
    #[must_use]
    pub fn index(&self) -> Arc<AreaIndex> {
        crate::locks::read(&self.current).clone()
    }

    /// Loads the boundaries when the stored areas changed since the last load. Returns
    /// whether it loaded. A stored boundary that no longer reads (it was checked when
    /// imported) is left out with a warning rather than stopping the server.
    pub async fn refresh(&self, db: &DatabaseConnection) -> Result<bool, StoreError> {
        let revision = store::areas::revision(db).await?;
        let unchanged = *crate::locks::read(&self.revision) == Some(revision);
        if unchanged {
            return Ok(false);
        }
        let rows = store::areas::village_boundaries(db).await?;
        let index = tokio::task::spawn_blocking(move || {
            let areas = rows
                .into_iter()
                .filter_map(|(code, text)| {
                    let boundary = serde_json::from_str(&text)
                        .map_err(|e| e.to_string())
                        .and_then(|v| Boundary::from_geojson(&v).map_err(|e| e.to_string()));
                    match boundary {
                        Ok(b) => Some((code, b)),
                        Err(e) => {
                            tracing::warn!(area = %code, error = %e, "stored boundary skipped");
                            None
                        }
                    }
                })
                .collect();
            AreaIndex::new(areas)
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("building the boundary index: {e}")))?;
        tracing::info!(villages = index.len(), "area boundaries loaded");
        *crate::locks::write(&self.current) = Arc::new(index);
        *crate::locks::write(&self.revision) = Some(revision);
        Ok(true)
    }
}
