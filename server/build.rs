//! Builds the web apps (`web/`, with npm) into `web/dist` for a release build, so that the
//! release binary carries a current console (`src/web.rs` embeds `web/dist`). Debug builds
//! read `web/dist` from disk and do not build it (`scripts/test` and `npm run build` do);
//! `EKEMISKINAN_BUILD_WEB=1` builds it for a debug build too, `EKEMISKINAN_BUILD_WEB=0` never.
//! Without node and npm the server still builds, without the apps, and says so.

#![expect(
    clippy::disallowed_methods,
    reason = "a build script is told what to build through its environment"
)]

use std::path::Path;
use std::process::Command;

fn main() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web");
    for input in [
        "src",
        "index.html",
        "lapangan",
        "public",
        "package.json",
        "package-lock.json",
        "vite.config.ts",
        "tsconfig.json",
    ] {
        // Cargo takes a path that does not exist as changed at every build.
        let path = web.join(input);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    println!("cargo:rerun-if-env-changed=EKEMISKINAN_BUILD_WEB");
    let wanted = match std::env::var("EKEMISKINAN_BUILD_WEB").as_deref() {
        Ok("1") => true,
        Ok("0") => false,
        _ => std::env::var("PROFILE").as_deref() == Ok("release"),
    };
    if !wanted || !web.join("package.json").exists() {
        return;
    }
    if let Err(problem) = build(&web) {
        println!(
            "cargo:warning=the web apps were not built ({problem}); the server runs without \
             them. Install node 20 and npm, or build them with `npm ci && npm run build` in web/."
        );
    }
}

fn build(web: &Path) -> Result<(), String> {
    // npm records what it installed; a lock file changed since means install again.
    let installed = std::fs::metadata(web.join("node_modules/.package-lock.json"))
        .and_then(|m| m.modified())
        .ok();
    let locked = std::fs::metadata(web.join("package-lock.json"))
        .and_then(|m| m.modified())
        .ok();
    if installed.is_none() || locked > installed {
        run(web, &["ci", "--no-audit", "--no-fund"])?;
    }
    run(web, &["run", "build"])
}

fn run(dir: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new("npm")
        .args(args)
        .current_dir(dir)
        .status()
        .map_err(|e| format!("npm: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("npm {} failed: {status}", args.join(" ")))
    }
}
