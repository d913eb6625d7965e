//! Test support: `spawn_portal` starts a real server on 127.0.0.1 with a database of its own, and
//! `postgres_database` creates (and later drops) a PostgreSQL database per test.
//!
//! PostgreSQL tests use `TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`). When it is
//! unreachable they are skipped with a loud message, unless `REQUIRE_POSTGRES=1`, which makes that a failure.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    str::FromStr,
    sync::atomic::{AtomicU32, Ordering},
};

use anyhow::{Context, bail};
use portal_server::{PortalConfig, start};
use sandbox_runtime::ConfigKey;
use sqlx::{AnyConnection, AssertSqlSafe, ConnectOptions, Executor, any::AnyConnectOptions};

/// A running portal and what it needs to stay alive.
pub struct TestPortal {
    pub base_url: String,
    /// The test's own database, for tests that check what is stored.
    pub database_url: String,
    pub runtime: sandbox_runtime::Runtime,
    /// The directory holding `pkg/`, for tests that place files in it.
    pub site_root: PathBuf,
    /// The seeded demo, for portals started with one.
    pub demo: Option<portal_server::demo::DemoSandbox>,
    /// The deployment's sandbox CA.
    pub signing_authority: portal_server::ca::SigningAuthority,
    /// The key this portal seals sandbox configurations with (a fresh one per test portal).
    pub config_key: ConfigKey,
    _site: TempDir,
    /// `None` for a second portal sharing another portal's database.
    _database: Option<TestDatabase>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestPortal {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Stops this portal and starts a new one on the same database with the same key, as a restart does.
    pub async fn restart(mut self) -> anyhow::Result<TestPortal> {
        let database = self._database.take();
        let (url, key) = (self.database_url.clone(), self.config_key.clone());
        drop(self);
        start_portal(url, database, None, key).await
    }
}

impl Drop for TestPortal {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Which engine a test runs on.
#[derive(Clone, Copy, Debug)]
pub enum TestEngine {
    Sqlite,
    Postgres,
}

/// Starts a portal on a random port. Returns `None` only for PostgreSQL when it is unreachable and not required.
pub async fn spawn_portal(engine: TestEngine) -> anyhow::Result<Option<TestPortal>> {
    let Some(database) = TestDatabase::create(engine).await? else {
        return Ok(None);
    };
    let url = database.url.clone();
    start_portal(url, Some(database), None, ConfigKey::generate())
        .await
        .map(Some)
}

/// A portal on an existing database (which stays the caller's) with the given configuration key; the error
/// is the portal's own start-up error, for tests of what a start refuses.
pub async fn start_portal_on(
    database_url: &str,
    config_key: ConfigKey,
) -> anyhow::Result<TestPortal> {
    start_portal(database_url.to_owned(), None, None, config_key).await
}

/// A SQLite portal seeded like `cargo xtask run`: the demo sandbox, Demo Organisation and the demo accounts, with the
/// credentials file at `demo_file`.
pub async fn spawn_portal_with_demo(
    database_url: Option<String>,
    demo_file: &Path,
) -> anyhow::Result<(TestPortal, Option<TestDatabase>)> {
    match database_url {
        Some(url) => Ok((
            start_portal(url, None, Some(demo_file.to_path_buf()), demo_config_key()).await?,
            None,
        )),
        None => {
            let database = TestDatabase::create(TestEngine::Sqlite)
                .await?
                .context("SQLite is always available")?;
            let url = database.url.clone();
            let portal =
                start_portal(url, None, Some(demo_file.to_path_buf()), demo_config_key()).await?;
            Ok((portal, Some(database)))
        }
    }
}

/// The configuration key of portals seeded with the demo: fixed, so a restart on the same database opens what
/// the first start sealed.
fn demo_config_key() -> ConfigKey {
    ConfigKey::from_bytes([0x42; sandbox_runtime::CONFIG_KEY_BYTES])
}

/// A second server process on `first`'s database, as several nodes share one PostgreSQL in production.
pub async fn spawn_second_portal(first: &TestPortal) -> anyhow::Result<TestPortal> {
    start_portal(
        first.database_url.clone(),
        None,
        None,
        first.config_key.clone(),
    )
    .await
}

async fn start_portal(
    database_url: String,
    database: Option<TestDatabase>,
    demo_file: Option<PathBuf>,
    config_key: ConfigKey,
) -> anyhow::Result<TestPortal> {
    let site = TempDir::new("site")?;
    std::fs::create_dir_all(site.path().join("pkg"))?;
    std::fs::write(
        site.path().join("pkg/portal.css"),
        "body { color: #2b7367; }\n".repeat(64),
    )?;
    let config = PortalConfig {
        listen_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        database_url: database_url.clone(),
        site_root: site.path().to_path_buf(),
        guest_path: guest_path()?,
        // Shared by the tests of this run: the first one compiles the guest, the rest load the cache.
        cache_dir: std::env::temp_dir().join("portal-test-guest-cache"),
        demo_file,
        public_base_url: None,
        config_key: config_key.clone(),
    };
    let portal = start(&config).await.context("starting the test portal")?;
    let base_url = format!("http://{}", portal.local_addr);
    let runtime = portal.runtime.clone();
    let demo = portal.demo.clone();
    let signing_authority = portal.signing_authority.clone();
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(portal.serve_until(async move {
        let _ = stopped.await;
    }));
    Ok(TestPortal {
        database_url,
        base_url,
        runtime,
        demo,
        signing_authority,
        config_key,
        site_root: site.path().to_path_buf(),
        _site: site,
        _database: database,
        shutdown: Some(shutdown),
    })
}

/// The sandbox guest component that `cargo xtask test` builds and names in `MOCK_IAMSMART_GUEST`.
pub fn guest_path() -> anyhow::Result<PathBuf> {
    match std::env::var_os("MOCK_IAMSMART_GUEST") {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => bail!(
            "MOCK_IAMSMART_GUEST is not set: these tests need the sandbox guest component. Run them with \
             `cargo xtask test`, which builds it (or `cargo xtask build` and point the variable at \
             target/guest/mock_iamsmart.wasm)."
        ),
    }
}

/// A database that belongs to one test: a SQLite file in a temporary directory, or a PostgreSQL database
/// created for the test and dropped afterwards.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Directory { _dir: TempDir },
    PostgresDatabase { admin_url: String, name: String },
}

impl TestDatabase {
    pub async fn create(engine: TestEngine) -> anyhow::Result<Option<TestDatabase>> {
        match engine {
            TestEngine::Sqlite => {
                let dir = TempDir::new("db")?;
                let url = format!("sqlite://{}", dir.path().join("portal.db").display());
                Ok(Some(TestDatabase {
                    url,
                    cleanup: Cleanup::Directory { _dir: dir },
                }))
            }
            TestEngine::Postgres => postgres_database().await,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::PostgresDatabase { admin_url, name } = &self.cleanup {
            // Dropping needs a connection of its own; a plain thread keeps this independent of the runtime
            // that is shutting down with the test.
            let admin_url = admin_url.clone();
            let database_name = name.clone();
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async move {
                    let name = database_name;
                    let mut admin = connect(&admin_url).await?;
                    admin
                        .execute(AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        )))
                        .await?;
                    anyhow::Ok(())
                })
            })
            .join();
            if !matches!(dropped, Ok(Ok(()))) {
                eprintln!("warning: could not drop test database {name}");
            }
        }
    }
}

/// Creates a fresh PostgreSQL database for one test.
async fn postgres_database() -> anyhow::Result<Option<TestDatabase>> {
    sqlx::any::install_default_drivers();
    let admin_url = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let required = std::env::var("REQUIRE_POSTGRES").is_ok_and(|value| value == "1");
    let mut admin = match connect(&admin_url).await {
        Ok(connection) => connection,
        Err(error) if !required => {
            eprintln!(
                "SKIPPING a PostgreSQL test: {error:#}. Start PostgreSQL at {admin_url} (or set TEST_POSTGRES_URL); \
                 set REQUIRE_POSTGRES=1 to make this a failure."
            );
            return Ok(None);
        }
        Err(error) => {
            bail!("REQUIRE_POSTGRES=1 but PostgreSQL is unreachable at {admin_url}: {error:#}")
        }
    };
    let name = unique_name("it");
    admin
        .execute(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .await
        .context("creating a test database")?;
    let url = replace_database(&admin_url, &name)?;
    Ok(Some(TestDatabase {
        url,
        cleanup: Cleanup::PostgresDatabase { admin_url, name },
    }))
}

async fn connect(url: &str) -> anyhow::Result<AnyConnection> {
    sqlx::any::install_default_drivers();
    let options = AnyConnectOptions::from_str(url)?;
    let connection = tokio::time::timeout(std::time::Duration::from_secs(5), options.connect())
        .await
        .context("timed out connecting")??;
    Ok(connection)
}

fn replace_database(url: &str, name: &str) -> anyhow::Result<String> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let slash = base
        .rfind('/')
        .context("the PostgreSQL URL has no database name")?;
    let mut result = format!("{}/{name}", &base[..slash]);
    if !query.is_empty() {
        result.push('?');
        result.push_str(query);
    }
    Ok(result)
}

/// A name no other test (or test process) uses at the same time.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A directory removed when the test ends.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> anyhow::Result<TempDir> {
        let path = std::env::temp_dir().join(unique_name(&format!("portal-test-{label}")));
        std::fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Defines a SQLite test and a PostgreSQL test that run the same check on a fresh portal; PostgreSQL is skipped
/// loudly when unreachable and not required.
macro_rules! on_both_engines {
    ($check:ident, $sqlite:ident, $postgres:ident) => {
        #[tokio::test]
        async fn $sqlite() -> anyhow::Result<()> {
            match $crate::support::spawn_portal($crate::support::TestEngine::Sqlite).await? {
                Some(portal) => $check(&portal).await,
                None => anyhow::bail!("SQLite is always available"),
            }
        }

        #[tokio::test]
        async fn $postgres() -> anyhow::Result<()> {
            match $crate::support::spawn_portal($crate::support::TestEngine::Postgres).await? {
                Some(portal) => $check(&portal).await,
                None => Ok(()),
            }
        }
    };
}
pub(crate) use on_both_engines;
