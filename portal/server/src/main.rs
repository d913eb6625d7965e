//! The `portal-server` binary: reads flags and environment (the only place that does), sets up logging, starts
//! the portal and serves until Ctrl-C or SIGTERM.

use std::{net::SocketAddr, path::PathBuf, time::Instant};

use anyhow::Context;
use clap::Parser;
use portal_server::{PortalConfig, config_key::KeySource, db::redact_url};
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
    /// The sandbox guest component, as built by `cargo xtask`.
    #[arg(
        long,
        env = "PORTAL_GUEST",
        default_value = "target/guest/mock_iamsmart.wasm"
    )]
    guest: PathBuf,
    /// Directory for the precompiled guest cache.
    #[arg(long, env = "PORTAL_CACHE_DIR", default_value = ".data/cache")]
    cache_dir: PathBuf,
    /// Seed a demo sandbox and write its credentials to this JSON file (kept across restarts).
    #[arg(long, env = "PORTAL_DEMO_FILE")]
    demo_file: Option<PathBuf>,
    /// The base URL developers use to reach this server, when it differs from http://ADDR.
    #[arg(long, env = "PORTAL_PUBLIC_URL")]
    public_url: Option<String>,
    /// The server's own directory: the first start writes the configuration key file (config.key, mode 0600)
    /// here unless PORTAL_CONFIG_KEY (32 bytes as hex or Base64) gives the key.
    #[arg(long, env = "PORTAL_DATA_DIR", default_value = ".data")]
    data_dir: PathBuf,
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
    // Read here and nowhere else, and never through a flag: a key on the command line shows in `ps`.
    let key_from_environment = std::env::var("PORTAL_CONFIG_KEY").ok();
    let (config_key, key_source) =
        portal_server::config_key::resolve(key_from_environment.as_deref(), &flags.data_dir)
            .context("finding the configuration key")?;
    match &key_source {
        KeySource::Environment => {
            tracing::info!(
                key_id = config_key.id(),
                "configuration key from PORTAL_CONFIG_KEY"
            );
        }
        KeySource::File(path) => {
            tracing::info!(key_id = config_key.id(), file = %path.display(), "configuration key from its file");
        }
        KeySource::CreatedFile(path) => tracing::warn!(
            key_id = config_key.id(),
            file = %path.display(),
            "created a new configuration key file; back it up, because the sandboxes it seals cannot be opened without it"
        ),
    }
    let config = PortalConfig {
        listen_addr: flags.addr,
        database_url: flags.database_url,
        site_root: flags.site_root,
        guest_path: flags.guest,
        cache_dir: flags.cache_dir,
        demo_file: flags.demo_file,
        public_base_url: flags.public_url,
        config_key,
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
    if let (Some(demo), Some(file)) = (&portal.demo, &config.demo_file) {
        println!(
            "\nDemo sandbox (credentials in {}):\n  base URL       {}\n  client ID      {}\n  client secret  {}\n  \
             persona        {}\n  redirect URIs  {}\n  RP private key in the file above (rpPrivateKeyPem)\n\n\
             Try a whole login:\n  Demo Bank      {base}/demo-bank\n  virtual phone  {base}/phone/{}\n  try the API    {base}/reference/try?clientID={}\n\n\
             Console ({base}/sign-in):\n  developer      {} / {} (owns Demo Organisation and the demo sandbox)\n  \
             reviewer       {} / {}\n",
            file.display(),
            demo.base_url,
            demo.client_id,
            demo.client_secret,
            demo.persona_id,
            demo.redirect_uris.join(", "),
            demo.client_id,
            demo.client_id,
            demo.console_email,
            demo.console_password,
            demo.reviewer_email,
            demo.reviewer_password,
            base = demo.base_url,
        );
    }
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
