//! The command line as an operator runs it in a script: the answer on stdout, nothing else
//! there, and no log lines or terminal colours around it.

use std::path::Path;
use std::process::{Command, Output};

fn ekemiskinan(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ekemiskinan"))
        .args(args)
        // No ekemiskinan.toml there; the database and the objects in the temporary directory.
        .current_dir(dir)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/ekemiskinan.db?mode=rwc", dir.display()),
        )
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_piped_command_prints_its_answer_without_log_lines_or_colours() {
    let dir = tempfile::tempdir().unwrap();
    let migrated = ekemiskinan(dir.path(), &["migrate"]);
    assert!(migrated.status.success(), "{}", text(&migrated.stderr));
    assert_eq!(text(&migrated.stdout), "Migrasi selesai.\n");
    assert_eq!(
        text(&migrated.stderr),
        "",
        "no INFO lines of the migrations"
    );

    let areas = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/areas/demo.csv");
    let imported = ekemiskinan(dir.path(), &["areas", "import", areas]);
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    assert!(
        text(&imported.stdout).starts_with("Wilayah diimpor: "),
        "{}",
        text(&imported.stdout)
    );
    assert!(
        !text(&imported.stderr).contains('\u{1b}'),
        "no colours when piped"
    );

    let missing = ekemiskinan(dir.path(), &["areas", "import", "tidak-ada.csv"]);
    assert!(!missing.status.success());
    assert_eq!(text(&missing.stdout), "");
    let said = text(&missing.stderr);
    assert!(said.contains("tidak-ada.csv"), "{said}");
    assert!(!said.contains('\u{1b}'), "{said}");
}
