//! The `ekemiskinan` binary. Everything lives in the library; see `cli.rs`.

use std::process::ExitCode;

use clap::Parser;
use ekemiskinan::cli::{self, Cli};

/// The server allocates many small strings and maps per request (JSON answers); mimalloc
/// handles that with less contention between threads than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    match cli::run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The cause chain, one line, for the person at the terminal (no backtrace).
            eprintln!("Galat: {e:#}");
            ExitCode::FAILURE
        }
    }
}
