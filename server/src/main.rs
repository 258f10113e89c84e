//! The `ekemiskinan` binary. Everything lives in the library; see `cli.rs`.

use std::process::ExitCode;

use clap::Parser;
use ekemiskinan::cli::{self, Cli};

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
