//! The `ekemiskinan` command line: serve, migrate, add users, seed demo data, import areas
//! and DTSEN deciles, recompute scores.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Parser, Subcommand};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use crate::accounts::{self, UserSpec};
use crate::backup;
use crate::config::Config;
use crate::domain::scoring::{self, ScoringConfig};
use crate::domain::{credentials, dtsen};
use crate::store::batch::WriteBatch;
use crate::store::{StoreError, households};
use crate::{Application, areas, seed, shutdown_signal, store, telemetry};

/// e-Kemiskinan: data kemiskinan rumah tangga (server).
#[derive(Parser)]
#[command(name = "ekemiskinan", version, about)]
pub struct Cli {
    /// Berkas konfigurasi TOML (bawaan: ./ekemiskinan.toml bila ada).
    #[arg(long, global = true, env = "EKEMISKINAN_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Menjalankan server HTTP (migrasi dijalankan saat mulai).
    Serve,
    /// Menjalankan migrasi basis data.
    Migrate,
    /// Mengelola pengguna.
    #[command(subcommand)]
    User(UserCommand),
    /// Mengisi wilayah demo, formulir survei dan satu pengguna demo per peran.
    SeedDemo,
    /// Wilayah (kode Kemendagri dan batas wilayah).
    #[command(subcommand)]
    Areas(AreasCommand),
    /// Data desil nasional (DTSEN).
    #[command(subcommand)]
    Dtsen(DtsenCommand),
    /// Skor kemiskinan lokal (14 kriteria BPS).
    #[command(subcommand)]
    Scores(ScoresCommand),
    /// Mencadangkan penyimpanan bawaan (SQLite dan direktori foto) ke DIR, yang baru atau
    /// kosong, selagi server berjalan. Untuk PostgreSQL dan S3 dikatakan apa yang dijalankan.
    Backup {
        /// Direktori cadangan.
        dir: PathBuf,
    },
    /// Memulihkan cadangan dari DIR ke penyimpanan bawaan. Hentikan server dahulu; basis
    /// data yang diganti disimpan di sebelahnya (….sebelum-pulih).
    Restore {
        /// Direktori cadangan yang dibuat oleh `backup`.
        dir: PathBuf,
    },
    /// Menandai basis data sebagai hasil pemulihan cadangan: jalankan setelah `pg_restore`,
    /// sebelum server dijalankan (`restore` melakukannya sendiri). Ponsel lalu mengirim ulang
    /// mutasi yang hilang dan menarik ulang datanya.
    MarkRestored,
}

#[derive(Subcommand)]
enum ScoresCommand {
    /// Menghitung ulang skor semua rumah tangga dengan ambang dan batas di konfigurasi
    /// (jalankan setelah mengubah bagian scoring).
    Recompute,
}

#[derive(Subcommand)]
enum AreasCommand {
    /// Mengimpor wilayah dari GeoJSON (`FeatureCollection` dengan properti kode dan nama,
    /// geometri `Polygon` atau `MultiPolygon`) atau CSV (kolom kode dan nama). Beberapa berkas
    /// diimpor bersama dalam satu transaksi; bila ada yang salah, tidak ada yang diimpor.
    /// Kode yang sudah ada diperbarui.
    Import {
        /// Berkas .geojson atau .csv (boleh lebih dari satu, misalnya kecamatan dan desa).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum DtsenCommand {
    /// Mengimpor berkas CSV dengan kolom NO KK dan DESIL (UTF-8; pemisah koma atau titik koma).
    /// Semua baris diimpor dalam satu transaksi; bila ada baris salah, tidak ada yang diimpor.
    Import {
        /// Berkas CSV.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Menambah pengguna. Kata sandi diminta di terminal atau dibaca dari stdin.
    Add {
        /// Nama pengguna untuk masuk.
        #[arg(long)]
        username: String,
        /// enumerator, supervisor, analyst atau admin.
        #[arg(long)]
        role: String,
        /// Kode wilayah tugas (boleh berulang), contoh --area 73.22.01.
        #[arg(long = "area", required = true)]
        areas: Vec<String>,
        /// Nama yang ditampilkan.
        #[arg(long, default_value = "")]
        display_name: String,
    },
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    let audience = if matches!(cli.command, Command::Serve) {
        telemetry::Audience::Server
    } else {
        telemetry::Audience::Command
    };
    telemetry::init(&config.log, audience);
    match cli.command {
        Command::Serve => {
            Application::build(config)
                .await?
                .run_until_stopped(shutdown_signal())
                .await
        }
        Command::Migrate => {
            migrated_db(&config).await?;
            println!("Migrasi selesai.");
            Ok(())
        }
        Command::User(UserCommand::Add {
            username,
            role,
            areas,
            display_name,
        }) => {
            let db = migrated_db(&config).await?;
            let password = read_password()?;
            let spec = UserSpec {
                username: &username,
                display_name: &display_name,
                role: &role,
                areas: &areas,
                password: &password,
            };
            let (user, _) = accounts::create_user(&db, spec, None, Utc::now()).await?;
            println!(
                "Pengguna {} ({}) dibuat, id {}.",
                user.username, user.role, user.id
            );
            Ok(())
        }
        Command::SeedDemo => seed_demo(&config).await,
        Command::Scores(ScoresCommand::Recompute) => {
            let db = migrated_db(&config).await?;
            let count = recompute_scores(&db, &config.scoring).await?;
            println!("Skor {count} rumah tangga dihitung ulang.");
            Ok(())
        }
        Command::Areas(AreasCommand::Import { files }) => {
            let db = migrated_db(&config).await?;
            import_area_files(&db, &files).await
        }
        Command::Backup { dir } => backup_embedded(&config, &dir).await,
        Command::Restore { dir } => restore_embedded(&config, &dir).await,
        Command::MarkRestored => {
            let db = migrated_db(&config).await?;
            store::epoch::renew(&db, Utc::now()).await?;
            println!(
                "Basis data ditandai sebagai hasil pemulihan. Saat tersambung, setiap ponsel \
                 mengirim ulang yang hilang dan menarik ulang datanya."
            );
            Ok(())
        }
        Command::Dtsen(DtsenCommand::Import { file }) => {
            let db = migrated_db(&config).await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("membaca {}", file.display()))?;
            let count = import_dtsen(&db, &bytes).await?;
            println!("{count} desil DTSEN diimpor dari {}.", file.display());
            Ok(())
        }
    }
}

/// `ekemiskinan backup DIR`.
async fn backup_embedded(config: &Config, dir: &Path) -> anyhow::Result<()> {
    let store = backup::Embedded::of(config)?;
    // Not created, not migrated: a backup copies the database as the server left it, and
    // one run from the wrong directory finds nothing rather than an empty file.
    if !store.database.is_file() {
        bail!(
            "basis data {} tidak ada: jalankan dari direktori kerja server \
             (mis. /var/lib/ekemiskinan) dengan konfigurasinya",
            absolute(&store.database).display()
        );
    }
    let db = Application::build_db(config).await?;
    let copied = backup::backup(&db, &store, dir).await?;
    println!(
        "Cadangan dari {} di {}: basis data {} bait, {} berkas foto ({} bait).",
        absolute(&store.database).display(),
        absolute(dir).display(),
        copied.database_bytes,
        copied.objects,
        copied.object_bytes
    );
    Ok(())
}

/// `ekemiskinan restore DIR`.
async fn restore_embedded(config: &Config, dir: &Path) -> anyhow::Result<()> {
    let store = backup::Embedded::of(config)?;
    let copied = backup::restore(&store, dir).await?;
    println!(
        "Dipulihkan dari {} ke {}: basis data {} bait, {} berkas foto ({} bait). \
         Jalankan server lagi: setiap ponsel mengirim ulang yang disinkronkannya sejak cadangan \
         dibuat.",
        absolute(dir).display(),
        absolute(&store.database).display(),
        copied.database_bytes,
        copied.objects,
        copied.object_bytes
    );
    Ok(())
}

/// Households scored per transaction by [`recompute_scores`].
const RECOMPUTE_PAGE: u64 = 200;

/// Scores every household again from its current answers with `scoring` (after the
/// thresholds or the cut-off changed), a page of households per transaction, then has the
/// desa counted again for the map and the indicators. Returns how many were scored.
pub async fn recompute_scores(
    db: &DatabaseConnection,
    scoring: &ScoringConfig,
) -> anyhow::Result<usize> {
    let mut after = None;
    let mut count = 0;
    loop {
        let ids = store::scores::household_ids_after(db, after, RECOMPUTE_PAGE).await?;
        let Some(&last) = ids.last() else {
            // The map's and the indicators' poor counts follow the verdicts.
            store::tallies::recount_all(db).await?;
            return Ok(count);
        };
        let txn = db.begin().await?;
        let mut batch = WriteBatch::new(txn.get_database_backend());
        let now = Utc::now();
        for id in ids {
            let Some(household) = households::find(&txn, id, households::Load::Full).await? else {
                continue;
            };
            let score = scoring::score(&household.record.fields, scoring);
            store::scores::queue_save(&mut batch, id, household.version, &score, now);
            count += 1;
        }
        batch.finish(&txn).await?;
        txn.commit().await?;
        after = Some(last);
    }
}

/// Checks the whole file, then stores it in one transaction. The error lists every problem
/// found (at most 20), each with its line.
pub async fn import_dtsen(db: &DatabaseConnection, bytes: &[u8]) -> anyhow::Result<usize> {
    let rows = dtsen::parse(bytes, Utc::now().date_naive()).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!(
            "berkas tidak diimpor; perbaiki lalu ulangi:\n{}",
            lines.join("\n")
        )
    })?;
    let imported = store::retry_transient(store::IMPORT_ATTEMPTS, StoreError::is_transient, || {
        store::dtsen::import(db, &rows, Utc::now())
    })
    .await?;
    Ok(imported)
}

async fn import_area_files(db: &DatabaseConnection, paths: &[PathBuf]) -> anyhow::Result<()> {
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes = std::fs::read(path).with_context(|| format!("membaca {}", path.display()))?;
        let name = path.display().to_string();
        files.push(areas::AreaFile { name, bytes });
    }
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("Menyimpan wilayah {bar:40} {pos}/{len}")
            .expect("valid template"),
    );
    let summary = areas::import(db, &files, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await;
    bar.finish_and_clear();
    let summary = summary?;
    println!(
        "Wilayah diimpor: {} baru, {} diperbarui ({} dengan batas wilayah).",
        summary.created, summary.updated, summary.with_boundary
    );
    Ok(())
}

/// The database with every migration applied (commands other than `serve` also need the
/// schema, and migrating twice does nothing).
/// `path` from the root, for messages that say which file was meant.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

async fn migrated_db(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = Application::build_db(config).await?;
    store::migrate(&db).await.context("menjalankan migrasi")?;
    Ok(db)
}

async fn seed_demo(config: &Config) -> anyhow::Result<()> {
    let db = migrated_db(config).await?;
    // At a terminal a password is generated and shown; from a pipe, the line read is used
    // (an empty line also means: generate one).
    let given = if std::io::stdin().is_terminal() {
        String::new()
    } else {
        read_password()?
    };
    let password = if given.is_empty() {
        credentials::new_token()[..16].to_owned()
    } else {
        given
    };
    let created = seed::demo(&db, &password).await?;
    println!("Wilayah demo dan formulir survei siap.");
    if created.is_empty() {
        println!("Pengguna demo sudah ada; tidak ada yang dibuat.");
    } else {
        println!("Pengguna demo dibuat: {}", created.join(", "));
        println!("Kata sandi mereka: {password}");
    }
    Ok(())
}

/// Reads a password: twice at a terminal prompt, or one line from stdin. Never an argument,
/// so it does not end up in shell history or the process list.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Kata sandi: ")?;
        let second = rpassword::prompt_password("Ulangi kata sandi: ")?;
        if first != second {
            bail!("kata sandi tidak sama");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("membaca kata sandi dari stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
