//! Structured logs with tracing. Every request gets a span with its request id (see routes.rs).
//!
//! Logs go to stderr, so that what a command prints for its user (stdout) can be piped or read
//! by a script; colours only when stderr is a terminal.

use std::io::IsTerminal;

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::{LogConfig, LogFormat};

/// Who the logs are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The server (`serve`): `log.filter`.
    Server,
    /// A one-off command: warnings and errors only, before and around its answer.
    Command,
}

/// Installs the global subscriber. `RUST_LOG`, when set, overrides the filter.
pub fn init(config: &LogConfig, audience: Audience) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| match audience {
        Audience::Server => EnvFilter::new(&config.filter),
        Audience::Command => EnvFilter::new("warn"),
    });
    let registry = tracing_subscriber::registry().with(filter);
    let writer = std::io::stderr;
    // `try_init` fails only when a subscriber is already installed (tests start many servers
    // in one process); the first one stays.
    let _ = match config.format {
        LogFormat::Text => registry
            .with(
                fmt::layer()
                    .with_target(true)
                    .with_writer(writer)
                    .with_ansi(std::io::stderr().is_terminal()),
            )
            .try_init(),
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_writer(writer),
            )
            .try_init(),
    };
}
