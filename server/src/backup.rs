//! Backups of the embedded store: the SQLite database and the local photo directory.
//!
//! `ekemiskinan backup DIR` copies the database with SQLite's `VACUUM INTO` (a consistent
//! snapshot, taken while the server runs), then the photo directory. Photos are written to the
//! store before the database names them and never change after, so the directory copied after
//! the snapshot holds every photo the snapshot names. `ekemiskinan restore DIR` puts a backup
//! back, the server stopped, in a new epoch of the store (`store::epoch`: the phones' pull
//! cursors then start over). PostgreSQL and S3 stores have tools of their own; for them the
//! commands say what to run instead (docs/deploy.md, "Backups").

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use secrecy::SecretString;

use crate::config::{Config, DatabaseConfig, StorageKind};
use crate::store::{self, StoreError, epoch};

/// The database's file in a backup directory.
pub const DATABASE_FILE: &str = "ekemiskinan.db";
/// The photo directory in a backup directory.
pub const OBJECTS_DIR: &str = "objects";

/// Why a backup or a restore did not happen; the message is for the operator (Indonesian).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The store is not the embedded one: what to run instead.
    #[error("{0}")]
    NotEmbedded(String),
    /// The target or source directory is not what it must be.
    #[error("{0}")]
    Directory(String),
    /// Reading or writing files.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        source: std::io::Error,
    },
    /// The database refused the snapshot.
    #[error("salinan basis data gagal: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// The restored copy could not be prepared (migrated, its epoch started).
    #[error("menyiapkan basis data yang dipulihkan: {0}")]
    Store(#[from] StoreError),
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> BackupError {
    let what = what.into();
    move |source| BackupError::Io { what, source }
}

/// What a backup or a restore copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    /// Bytes of the database file.
    pub database_bytes: u64,
    /// Photo files (originals and thumbnails) copied.
    pub objects: u64,
    /// Their bytes.
    pub object_bytes: u64,
}

/// Where the embedded store lives, or what to do instead when it is not embedded.
#[derive(Debug, Clone)]
pub struct Embedded {
    /// The SQLite file.
    pub database: PathBuf,
    /// The photo directory.
    pub objects: PathBuf,
}

impl Embedded {
    /// The embedded store of `config`; the error says what to run for the parts that are not
    /// embedded (PostgreSQL, S3). Relative paths are read from the working directory (the
    /// server's, `/var/lib/ekemiskinan` under the systemd unit).
    pub fn of(config: &Config) -> Result<Self, BackupError> {
        let mut instead = Vec::new();
        let database = config.sqlite_path();
        if database.is_none() {
            instead.push(
                "Basis data PostgreSQL: cadangkan dengan pg_dump --format=custom (atau arsip \
                 WAL untuk pemulihan ke titik waktu), lalu pulihkan dengan pg_restore dan jalankan \
                 `ekemiskinan mark-restored` sebelum server dijalankan.",
            );
        }
        if config.storage.kind == StorageKind::S3 {
            instead.push(
                "Foto di S3: salin bucket dengan klien S3 (mis. rclone sync) SETELAH basis data \
                 dicadangkan, agar setiap foto yang disebut salinan basis data ikut tersalin.",
            );
        }
        match database {
            Some(database) if instead.is_empty() => Ok(Self {
                database,
                objects: config.storage.path.clone(),
            }),
            _ => Err(BackupError::NotEmbedded(format!(
                "Perintah ini hanya untuk penyimpanan bawaan (SQLite dan direktori lokal).\n{}",
                instead.join("\n")
            ))),
        }
    }
}

/// Copies the database (a snapshot, while the server may run) and then the photo directory
/// into `dir`, which must not exist yet or be empty.
pub async fn backup(
    db: &DatabaseConnection,
    store: &Embedded,
    dir: &Path,
) -> Result<Copied, BackupError> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(BackupError::NotEmbedded(
            "basis data ini bukan SQLite".to_owned(),
        ));
    }
    prepare_empty(dir).await?;
    let target = dir.join(DATABASE_FILE);
    let path = target.to_str().ok_or_else(|| {
        BackupError::Directory(format!("nama direktori {} bukan UTF-8", dir.display()))
    })?;
    // A string literal: VACUUM INTO takes no parameter.
    let sql = format!("VACUUM INTO '{}'", path.replace('\'', "''"));
    db.execute_raw(Statement::from_string(DbBackend::Sqlite, sql))
        .await?;
    let database_bytes = synced(target).await?;
    let (objects, object_bytes) = copy_tree(store.objects.clone(), dir.join(OBJECTS_DIR)).await?;
    Ok(Copied {
        database_bytes,
        objects,
        object_bytes,
    })
}

/// Puts a backup made by [`backup`] back: the database file replaced, the photos copied into
/// the photo directory. The database it replaces is kept beside it with its journal, as
/// `ekemiskinan.db.sebelum-pulih` (with `-wal` and `-shm`, so that SQLite opens the pair as it
/// was); a restore refuses to run while an earlier one's is still there. The server must be
/// stopped.
pub async fn restore(store: &Embedded, dir: &Path) -> Result<Copied, BackupError> {
    let source = dir.join(DATABASE_FILE);
    if !tokio::fs::try_exists(&source).await.unwrap_or(false) {
        return Err(BackupError::Directory(format!(
            "{} bukan cadangan e-Kemiskinan: tidak ada {DATABASE_FILE}",
            dir.display()
        )));
    }
    let kept = |suffix: &str| beside(&store.database, &format!(".sebelum-pulih{suffix}"));
    if tokio::fs::try_exists(kept("")).await.unwrap_or(false) {
        return Err(BackupError::Directory(format!(
            "{} dari pemulihan sebelumnya masih ada: pindahkan dulu ke tempat lain",
            kept("").display()
        )));
    }
    if let Some(parent) = store
        .database
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(io(format!("membuat {}", parent.display())))?;
    }
    // The copy first, complete, in its new epoch and on the disk: a restore cut short leaves
    // the live database where it was. What an earlier attempt cut short left goes first: its
    // journal must not be applied to this copy.
    let partial = beside(&store.database, ".memulihkan");
    for suffix in SQLITE_FILES {
        let left = beside(&partial, suffix);
        if tokio::fs::try_exists(&left).await.unwrap_or(false) {
            tokio::fs::remove_file(&left)
                .await
                .map_err(io(format!("menghapus {}", left.display())))?;
        }
    }
    tokio::fs::copy(&source, &partial)
        .await
        .map_err(io(format!("menyalin {}", source.display())))?;
    new_epoch(&partial).await?;
    let database_bytes = synced(partial.clone()).await?;
    // The live database's write-ahead log and shared memory go with it: left beside the
    // restored file, SQLite would apply them to it.
    for suffix in SQLITE_FILES {
        let live = beside(&store.database, suffix);
        if tokio::fs::try_exists(&live).await.unwrap_or(false) {
            tokio::fs::rename(&live, kept(suffix))
                .await
                .map_err(io(format!("memindahkan {}", live.display())))?;
        }
    }
    tokio::fs::rename(&partial, &store.database)
        .await
        .map_err(io(format!("menulis {}", store.database.display())))?;
    let (objects, object_bytes) = copy_tree(dir.join(OBJECTS_DIR), store.objects.clone()).await?;
    Ok(Copied {
        database_bytes,
        objects,
        object_bytes,
    })
}

/// Starts a new epoch of the store in a restored copy (migrated first: a backup made by an
/// earlier release lacks the newer tables), so that the phones' pull cursors, positions in
/// the log as it was before the restore, are answered with a reset instead of being read as
/// positions in this one. The copy is closed, whatever happened, with its journal written
/// back into it.
async fn new_epoch(file: &Path) -> Result<(), BackupError> {
    let config = DatabaseConfig {
        url: SecretString::from(format!("sqlite://{}?mode=rw", file.display())),
        max_connections: 1,
        migrate_on_start: true,
    };
    let db = store::connect(&config, Duration::from_secs(10)).await?;
    let renewed = async {
        store::migrate(&db).await?;
        epoch::renew(&db, Utc::now()).await
    }
    .await;
    let closed = db.close().await;
    renewed?;
    closed?;
    let journal = beside(file, "-wal");
    if tokio::fs::try_exists(&journal).await.unwrap_or(false) {
        return Err(BackupError::Io {
            what: format!("menutup {}", file.display()),
            source: std::io::Error::other("jurnal SQLite tidak tertulis kembali ke berkasnya"),
        });
    }
    Ok(())
}

/// The suffixes of a SQLite database's files: the database itself, then its journals.
const SQLITE_FILES: [&str; 4] = ["", "-wal", "-shm", "-journal"];

/// The file named as `path` with `suffix` added (`ekemiskinan.db-wal`).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// Flushes a file written by SQLite to the disk (`VACUUM INTO` does not); its size.
async fn synced(path: PathBuf) -> Result<u64, BackupError> {
    tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&path).map_err(io(format!("membaca {}", path.display())))?;
        file.sync_all()
            .map_err(io(format!("menulis {}", path.display())))?;
        Ok(file
            .metadata()
            .map_err(io(format!("membaca {}", path.display())))?
            .len())
    })
    .await
    .map_err(|e| io("menyalin basis data")(std::io::Error::other(e)))?
}

/// Creates `dir`, or accepts it empty.
async fn prepare_empty(dir: &Path) -> Result<(), BackupError> {
    match tokio::fs::read_dir(dir).await {
        Ok(mut entries) => {
            let first = entries
                .next_entry()
                .await
                .map_err(io(format!("membaca {}", dir.display())))?;
            if first.is_some() {
                return Err(BackupError::Directory(format!(
                    "{} tidak kosong: cadangan ditulis ke direktori baru atau kosong",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => tokio::fs::create_dir_all(dir)
            .await
            .map_err(io(format!("membuat {}", dir.display()))),
        Err(e) => Err(io(format!("membaca {}", dir.display()))(e)),
    }
}

/// Copies every file under `from` to the same place under `to` (created as needed), except
/// the store's `.tmp` directory of files being written; a file already there with the same
/// size is the same photo (objects are named by their content) and is left. Returns the files
/// and bytes copied. A missing `from` (no photo yet) copies nothing.
async fn copy_tree(from: PathBuf, to: PathBuf) -> Result<(u64, u64), BackupError> {
    tokio::task::spawn_blocking(move || {
        let mut copied = (0, 0);
        if from.exists() {
            copy_dir(&from, &to, &mut copied)?;
        }
        Ok(copied)
    })
    .await
    .map_err(|e| io("menyalin foto")(std::io::Error::other(e)))?
}

fn copy_dir(from: &Path, to: &Path, copied: &mut (u64, u64)) -> Result<(), BackupError> {
    std::fs::create_dir_all(to).map_err(io(format!("membuat {}", to.display())))?;
    let entries = std::fs::read_dir(from).map_err(io(format!("membaca {}", from.display())))?;
    for entry in entries {
        let entry = entry.map_err(io(format!("membaca {}", from.display())))?;
        let name = entry.file_name();
        if name == ".tmp" {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        let kind = entry
            .file_type()
            .map_err(io(format!("membaca {}", source.display())))?;
        if kind.is_dir() {
            copy_dir(&source, &target, copied)?;
        } else if kind.is_file() {
            let size = entry
                .metadata()
                .map_err(io(format!("membaca {}", source.display())))?
                .len();
            if std::fs::metadata(&target).is_ok_and(|m| m.len() == size) {
                continue;
            }
            // Written beside and renamed, so that a copy cut short leaves no partial photo.
            let partial = to.join(format!(".{}.menyalin", name.to_string_lossy()));
            std::fs::copy(&source, &partial)
                .and_then(|_| std::fs::File::open(&partial)?.sync_all())
                .map_err(io(format!("menyalin {}", source.display())))?;
            std::fs::rename(&partial, &target)
                .map_err(io(format!("menulis {}", target.display())))?;
            copied.0 += 1;
            copied.1 += size;
        }
    }
    Ok(())
}
