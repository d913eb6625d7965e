//! The `portal-server` binary: reads flags and environment (the only place that does), sets up logging, starts
//! the portal and serves until Ctrl-C or SIGTERM.

use std::{net::SocketAddr, path::PathBuf, time::Instant};

use anyhow::Context;
use clap::Parser;
use portal_server::{PortalConfig, db::redact_url};
use tracing_subscriber::EnvFilter;

/// The iAM Smart Sandbox developer portal.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Flags {
    /// Address to listen on.
    #[arg(long, env = "PORTAL_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Database URL: sqlite://FILE (embedded default) or postgres://USER@HOST:PORT/DB.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://.data/portal.db")]
    database_url: String,
    /// Directory that holds pkg/ (the hydrate bundle and stylesheet), as built by `cargo xtask`.
    #[arg(long, env = "PORTAL_SITE_ROOT", default_value = "target/site")]
    site_root: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let started = Instant::now();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let flags = Flags::parse();
    if !flags.site_root.join("pkg").is_dir() {
        tracing::warn!(
            site_root = %flags.site_root.display(),
            "no pkg/ directory under the site root: pages will render but not hydrate (build it with `cargo xtask run`)"
        );
    }
    let config = PortalConfig {
        listen_addr: flags.addr,
        database_url: flags.database_url,
        site_root: flags.site_root,
    };
    let portal = portal_server::start(&config).await.with_context(|| {
        format!(
            "starting the portal with database {}",
            redact_url(&config.database_url)
        )
    })?;
    println!(
        "iAM Smart Sandbox portal ready at http://{} in {} ms ({} database {})",
        portal.local_addr,
        started.elapsed().as_millis(),
        portal.database.engine().name(),
        redact_url(&config.database_url),
    );
    portal
        .serve_until(shutdown_signal())
        .await
        .context("serving HTTP")?;
    println!("iAM Smart Sandbox portal stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish and the database closes cleanly.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
