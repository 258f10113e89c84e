//! The `ekemiskinan` binary. Everything lives in the library; see `cli.rs`.

use std::process::ExitCode;

use clap::Parser;
use ekemiskinan::cli::{self, Cli};

/// The server allocates many small strings and maps per request (JSON answers); mimalloc
/// handles that with less contention between threads than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Blocking work (file I/O, password hashing, image decoding) runs on at most this many
/// threads: each thread keeps memory of its own, and the cores are few anyway.
const MAX_BLOCKING_THREADS: usize = 32;

/// mimalloc's `purge_delay` option (its index in `mi_option_e`, the same in mimalloc 2 and 3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Memory freed by a thread is returned to the system at once rather than after mimalloc's
/// default 10 ms, which only passes when that thread allocates again: photo uploads free
/// megabytes on blocking threads that then sit idle. Measured in BENCHMARKS.md (peak RSS of
/// 50 concurrent uploads with the pipeline: 207–270 MiB with the default, 105–129 MiB with this).
fn return_freed_memory_at_once() {
    #[expect(
        unsafe_code,
        reason = "one FFI call setting an allocator option before any thread starts"
    )]
    // SAFETY: mi_option_set only stores an integer in mimalloc's option table; it is called
    // once, before the runtime starts any thread.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
}

fn main() -> ExitCode {
    return_freed_memory_at_once();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("Galat: memulai runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(Cli::parse())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The cause chain, one line, for the person at the terminal (no backtrace).
            eprintln!("Galat: {e:#}");
            ExitCode::FAILURE
        }
    }
}
