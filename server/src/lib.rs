//! e-Kemiskinan server: accounts, the sync protocol and storage for household poverty surveys.
//!
//! [`Application::build`] connects to the database, applies migrations and binds the port;
//! [`Application::run_until_stopped`] serves until the shutdown future completes, then lets
//! requests in flight (pushes above all) finish within the configured grace period.

pub mod accounts;
pub mod api;
pub mod areas;
pub mod background;
pub mod backup;
pub mod basemap;
pub mod blob;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod exports;
pub mod household;
pub mod indicators;
pub mod locks;
pub mod map;
pub mod metrics;
pub mod photos;
pub mod quality;
pub mod review;
pub mod routes;
pub mod seed;
pub mod state;
pub mod store;
pub mod sync;
pub mod telemetry;
pub mod views;
pub mod web;

use std::future::Future;
use std::net::SocketAddr;

use anyhow::Context;
use axum::serve::ListenerExt;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tracing::{info, warn};

use crate::config::Config;
use crate::state::AppState;

/// A server with its port bound, ready to serve.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Connects to the configured database (creating the SQLite directory if needed), applies
    /// migrations when configured to, and binds `server.bind`.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = Self::build_db(&config).await?;
        if config.database.migrate_on_start {
            store::migrate(&db)
                .await
                .context("menjalankan migrasi basis data")?;
        }
        Self::with_db(config, db).await
    }

    /// Opens the configured database (creating the SQLite file's directory if needed), for
    /// commands that need the database but not the HTTP server.
    pub async fn build_db(config: &Config) -> anyhow::Result<DatabaseConnection> {
        if let Some(dir) = config.sqlite_dir() {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("membuat direktori basis data {}", dir.display()))?;
        }
        store::connect(&config.database, config.server.unavailable_after())
            .await
            .context("menghubungkan ke basis data")
    }

    /// Binds the port over an already open (and migrated) database.
    pub async fn with_db(config: Config, db: DatabaseConnection) -> anyhow::Result<Self> {
        let blobs = blob::open(&config.storage).context("membuka penyimpanan berkas")?;
        let bind = config.server.bind;
        let listener = TcpListener::bind(bind)
            .await
            .with_context(|| format!("membuka port {bind} (sudah dipakai program lain?)"))?;
        let state = AppState::new(db, blobs, config);
        state
            .boundaries
            .refresh(&state.db)
            .await
            .context("memuat batas wilayah")?;
        Ok(Self { listener, state })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The handlers' shared state.
    #[must_use]
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves (and runs the background work: image pipeline, upload expiry) until `shutdown`
    /// completes; then stops accepting connections and waits up to
    /// `server.shutdown_grace_seconds` for requests in flight and background work.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let grace = routes::shutdown_grace(&self.state);
        let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
        let background = background::spawn(&self.state, &stopping_rx);
        let signal = async move {
            shutdown.await;
            info!("shutting down: finishing requests in flight");
            let _ = stopping_tx.send(true);
        };
        let addr = self.listener.local_addr()?;
        info!(%addr, "e-Kemiskinan listening on http://{addr}");
        // Answers are small and latency matters more than packet count: no Nagle delay.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                warn!(error = %e, "could not set TCP_NODELAY");
            }
        });
        let serve =
            axum::serve(listener, routes::router(self.state)).with_graceful_shutdown(signal);
        let deadline = async move {
            let _ = stopping_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            result = serve => result.context("serving HTTP")?,
            () = deadline => warn!(?grace, "shutdown grace period over; dropping requests still in flight"),
        }
        // Workers finish the photo in hand (its lease lets another instance take it otherwise).
        if tokio::time::timeout(grace, futures::future::join_all(background))
            .await
            .is_err()
        {
            warn!("background work still running at the end of the grace period");
        }
        info!("stopped");
        Ok(())
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
