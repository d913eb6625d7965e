//! The portal's database: one connection pool over SQLite (the embedded default) or PostgreSQL (several nodes),
//! the migrations both engines share, and the queries on the tables this crate owns.
//!
//! Everything goes through sqlx's `Any` driver with `$1` placeholders, BIGINT and TEXT columns, so one set of SQL
//! serves both engines. This module must never log connection strings (they can carry passwords) or row data.

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    AnyPool, Row,
    any::{AnyConnectOptions, AnyPoolOptions},
};

/// The migrations, embedded in the binary at compile time; the same files run on both engines.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// Which database engine a URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// Reads the engine from a database URL's scheme.
    pub fn from_url(url: &str) -> Result<Engine, DatabaseError> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Engine::Postgres)
        } else {
            Err(DatabaseError::UnsupportedUrl)
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// What can go wrong talking to the database; messages are safe to show an operator (no URLs, no data).
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("the database URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    #[error("could not create the directory for the SQLite file: {0}")]
    CreateDirectory(#[source] std::io::Error),
    #[error("could not connect to the database")]
    Connect(#[source] sqlx::Error),
    #[error("could not apply the database migrations")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("a database query failed")]
    Query(#[from] sqlx::Error),
}

/// This deployment's identity, as stored in the `deployment` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployment {
    pub deployment_id: String,
    pub created_at_ms: i64,
}

/// A pool of connections to the portal's database.
#[derive(Clone, Debug)]
pub struct Database {
    pool: AnyPool,
    engine: Engine,
}

impl Database {
    /// Connects to `url`, creating the SQLite file (and its directory) when it does not exist yet.
    pub async fn connect(url: &str) -> Result<Database, DatabaseError> {
        sqlx::any::install_default_drivers();
        let engine = Engine::from_url(url)?;
        let url = match engine {
            Engine::Sqlite => prepare_sqlite_url(url)?,
            Engine::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(DatabaseError::Connect)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match engine {
                // SQLite serialises writers anyway; a few readers are plenty for one process.
                Engine::Sqlite => 4,
                Engine::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(DatabaseError::Connect)?;
        if engine == Engine::Sqlite {
            // WAL lets readers proceed while a writer commits, and survives `kill -9` without losing committed
            // transactions; the journal mode is stored in the file, so setting it once per start is enough.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        Ok(Database { pool, engine })
    }

    /// Applies every migration not yet applied. Safe to run on every start and from several nodes at once
    /// (sqlx takes an advisory lock on PostgreSQL).
    pub async fn migrate(&self) -> Result<(), DatabaseError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(DatabaseError::Migrate)
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Answers whether the database is reachable, for `/healthz`.
    pub async fn ping(&self) -> Result<(), DatabaseError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Returns this database's deployment record, creating it with `candidate_id` on first start. When several
    /// nodes start at once exactly one insert wins and every node reads back the same row.
    pub async fn ensure_deployment(
        &self,
        candidate_id: &str,
        now_ms: i64,
    ) -> Result<Deployment, DatabaseError> {
        sqlx::query(
            "INSERT INTO deployment (singleton, deployment_id, created_at_ms) VALUES (1, $1, $2) \
             ON CONFLICT (singleton) DO NOTHING",
        )
        .bind(candidate_id)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        let row =
            sqlx::query("SELECT deployment_id, created_at_ms FROM deployment WHERE singleton = 1")
                .fetch_one(&self.pool)
                .await?;
        Ok(Deployment {
            deployment_id: row.try_get("deployment_id")?,
            created_at_ms: row.try_get("created_at_ms")?,
        })
    }

    /// Closes every connection, waiting for queries in flight.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Makes sure a SQLite URL creates its file on first use and that the file's directory exists.
fn prepare_sqlite_url(url: &str) -> Result<String, DatabaseError> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let parent = Path::new(path)
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty());
    if let Some(parent) = parent.filter(|_| path != ":memory:") {
        std::fs::create_dir_all(parent).map_err(DatabaseError::CreateDirectory)?;
    }
    let query = if query.split('&').any(|pair| pair.starts_with("mode=")) {
        query.to_owned()
    } else if query.is_empty() {
        "mode=rwc".to_owned()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{path}?{query}"))
}

/// A database URL with any password replaced, for messages an operator reads.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            if credentials.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                format!("{scheme}://{user}@{host}")
            }
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_are_read_from_the_url_scheme() {
        assert_eq!(
            Engine::from_url("sqlite://.data/portal.db").ok(),
            Some(Engine::Sqlite)
        );
        assert_eq!(
            Engine::from_url("postgres://u@h/db").ok(),
            Some(Engine::Postgres)
        );
        assert_eq!(
            Engine::from_url("postgresql://u@h/db").ok(),
            Some(Engine::Postgres)
        );
        assert!(Engine::from_url("mysql://u@h/db").is_err());
    }

    #[test]
    fn sqlite_urls_gain_create_mode_unless_they_choose_one() {
        assert_eq!(
            prepare_sqlite_url("sqlite::memory:").ok().as_deref(),
            Some("sqlite://:memory:?mode=rwc")
        );
        assert_eq!(
            prepare_sqlite_url("sqlite://x.db?mode=ro").ok().as_deref(),
            Some("sqlite://x.db?mode=ro")
        );
    }

    #[test]
    fn passwords_never_appear_in_redacted_urls() {
        assert_eq!(
            redact_url("postgres://alice:s3cret@db:5432/x"),
            "postgres://alice:***@db:5432/x"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(
            redact_url("sqlite://.data/portal.db"),
            "sqlite://.data/portal.db"
        );
    }
}
