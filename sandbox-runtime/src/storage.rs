//! The runtime's tables: `sandboxes` (one row per tenant: client id, configuration, time-travel offset,
//! generation) and `sandbox_kv` (each tenant's key-value entries), with every query the runtime makes.
//!
//! All SQL is written once for SQLite and PostgreSQL through sqlx's `Any` driver: `$1` placeholders,
//! BIGINT and TEXT columns, values as Base64 text (see `migrations/20261123000002_sandboxes.sql`). Every
//! query names its `sandbox_id`, so one tenant's queries can never touch another's rows. Configurations
//! are sealed on the way in and opened on the way out with the deployment's [`ConfigKey`]
//! (`sealing.rs`); no query here ever writes one in clear. This module must never log configuration JSON
//! (it holds secrets) or stored values.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use sqlx::error::ErrorKind;
use sqlx::{AnyConnection, AnyPool, Connection, Row};

use crate::error::SandboxError;
use crate::sealing::ConfigKey;

/// A sandbox's id: an opaque string the runtime generates (`sbx_` and 32 hex digits).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SandboxId(String);

impl SandboxId {
    /// Wraps an id the caller stored earlier; an id that names no sandbox gives
    /// [`SandboxError::UnknownSandbox`] when used.
    pub fn new(id: impl Into<String>) -> Self {
        SandboxId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A fresh random id.
    pub(crate) fn generate() -> Self {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        SandboxId(format!("sbx_{}", hex::encode(bytes)))
    }
}

impl fmt::Display for SandboxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the runtime knows about a sandbox, without its configuration (which holds secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxInfo {
    pub sandbox_id: SandboxId,
    pub client_id: String,
    /// Added to real time to give the sandbox clock.
    pub time_offset_ms: i64,
    pub created_at_ms: i64,
}

/// What a request needs of its tenant's row.
pub(crate) struct Tenant {
    /// The configuration exactly as the guest receives it.
    pub config_json: String,
    pub time_offset_ms: i64,
    /// The generation the request starts from; it commits only if this is still current.
    pub generation: i64,
}

/// A write buffered during a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PendingWrite {
    Put {
        value: Vec<u8>,
        expires_at_ms: Option<i64>,
    },
    Delete,
}

/// Maps a unique-constraint violation (the `client_id` column) to its own error.
fn client_id_conflict(error: sqlx::Error) -> SandboxError {
    match &error {
        sqlx::Error::Database(database) if database.kind() == ErrorKind::UniqueViolation => {
            SandboxError::DuplicateClientId
        }
        _ => SandboxError::Storage(error),
    }
}

pub(crate) async fn insert_sandbox(
    pool: &AnyPool,
    key: &ConfigKey,
    sandbox_id: &SandboxId,
    client_id: &str,
    config_json: &str,
    created_at_ms: i64,
) -> Result<(), SandboxError> {
    let sealed = key.seal(sandbox_id.as_str(), config_json)?;
    sqlx::query(
        "INSERT INTO sandboxes (sandbox_id, client_id, config_json, config_key_id, time_offset_ms, generation, \
         created_at_ms) VALUES ($1, $2, $3, $4, 0, 0, $5)",
    )
    .bind(sandbox_id.as_str())
    .bind(client_id)
    .bind(sealed)
    .bind(key.id())
    .bind(created_at_ms)
    .execute(pool)
    .await
    .map_err(client_id_conflict)?;
    Ok(())
}

pub(crate) async fn sandbox_for_client(
    pool: &AnyPool,
    client_id: &str,
) -> Result<Option<SandboxId>, SandboxError> {
    let row = sqlx::query("SELECT sandbox_id FROM sandboxes WHERE client_id = $1")
        .bind(client_id)
        .fetch_optional(pool)
        .await?;
    Ok(match row {
        Some(row) => Some(SandboxId(row.try_get("sandbox_id")?)),
        None => None,
    })
}

pub(crate) async fn info(
    pool: &AnyPool,
    sandbox_id: &SandboxId,
) -> Result<SandboxInfo, SandboxError> {
    let row = sqlx::query(
        "SELECT client_id, time_offset_ms, created_at_ms FROM sandboxes WHERE sandbox_id = $1",
    )
    .bind(sandbox_id.as_str())
    .fetch_optional(pool)
    .await?
    .ok_or(SandboxError::UnknownSandbox)?;
    Ok(SandboxInfo {
        sandbox_id: sandbox_id.clone(),
        client_id: row.try_get("client_id")?,
        time_offset_ms: row.try_get("time_offset_ms")?,
        created_at_ms: row.try_get("created_at_ms")?,
    })
}

/// The sandbox's configuration, secrets included, as the guest receives it.
pub(crate) async fn config(
    pool: &AnyPool,
    key: &ConfigKey,
    sandbox_id: &SandboxId,
) -> Result<mock_iamsmart::SandboxConfig, SandboxError> {
    let row = sqlx::query("SELECT config_json, config_key_id FROM sandboxes WHERE sandbox_id = $1")
        .bind(sandbox_id.as_str())
        .fetch_optional(pool)
        .await?
        .ok_or(SandboxError::UnknownSandbox)?;
    let json = open_row(key, sandbox_id, &row)?;
    serde_json::from_str(&json).map_err(|error| SandboxError::InvalidConfig {
        reason: format!("the stored configuration does not parse: {error}"),
    })
}

/// Replaces the configuration (credentials, allow-lists, lifetimes). Bumps the generation, so a
/// request that started under the old configuration does not commit.
pub(crate) async fn update_config(
    pool: &AnyPool,
    key: &ConfigKey,
    sandbox_id: &SandboxId,
    client_id: &str,
    config_json: &str,
) -> Result<(), SandboxError> {
    let sealed = key.seal(sandbox_id.as_str(), config_json)?;
    let updated = sqlx::query(
        "UPDATE sandboxes SET client_id = $2, config_json = $3, config_key_id = $4, \
         generation = generation + 1 WHERE sandbox_id = $1",
    )
    .bind(sandbox_id.as_str())
    .bind(client_id)
    .bind(sealed)
    .bind(key.id())
    .execute(pool)
    .await
    .map_err(client_id_conflict)?;
    found(updated.rows_affected())
}

/// Sets the time-travel offset. Bumps the generation for the same reason as [`update_config`].
pub(crate) async fn set_time_offset(
    pool: &AnyPool,
    sandbox_id: &SandboxId,
    offset_ms: i64,
) -> Result<(), SandboxError> {
    let updated = sqlx::query(
        "UPDATE sandboxes SET time_offset_ms = $2, generation = generation + 1 WHERE sandbox_id = $1",
    )
    .bind(sandbox_id.as_str())
    .bind(offset_ms)
    .execute(pool)
    .await?;
    found(updated.rows_affected())
}

/// Forgets every stored entry (keys, tickets, codes, tokens, nonces) but keeps the configuration.
pub(crate) async fn reset(pool: &AnyPool, sandbox_id: &SandboxId) -> Result<(), SandboxError> {
    let mut tx = pool.begin().await?;
    let updated =
        sqlx::query("UPDATE sandboxes SET generation = generation + 1 WHERE sandbox_id = $1")
            .bind(sandbox_id.as_str())
            .execute(&mut *tx)
            .await?;
    found(updated.rows_affected())?;
    sqlx::query("DELETE FROM sandbox_kv WHERE sandbox_id = $1")
        .bind(sandbox_id.as_str())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the sandbox and everything it stored.
pub(crate) async fn delete(pool: &AnyPool, sandbox_id: &SandboxId) -> Result<(), SandboxError> {
    let mut tx = pool.begin().await?;
    // Entries first: the foreign key's cascade is not relied on, because SQLite enforces foreign keys
    // only when the connection asks it to.
    sqlx::query("DELETE FROM sandbox_kv WHERE sandbox_id = $1")
        .bind(sandbox_id.as_str())
        .execute(&mut *tx)
        .await?;
    let deleted = sqlx::query("DELETE FROM sandboxes WHERE sandbox_id = $1")
        .bind(sandbox_id.as_str())
        .execute(&mut *tx)
        .await?;
    found(deleted.rows_affected())?;
    tx.commit().await?;
    Ok(())
}

/// Opens the `config_json` of a row read together with its `config_key_id`.
fn open_row(
    key: &ConfigKey,
    sandbox_id: &SandboxId,
    row: &sqlx::any::AnyRow,
) -> Result<String, SandboxError> {
    let stored: String = row.try_get("config_json")?;
    let key_id: Option<String> = row.try_get("config_key_id")?;
    match key_id {
        Some(key_id) => key.open(sandbox_id.as_str(), &key_id, &stored),
        // Only a row written before sealing existed, and not yet sealed by `seal_stored_configs` (which the
        // portal runs before it serves anything), lacks a key ID. Refusing it keeps the rule simple: every
        // configuration the runtime hands a guest was opened from a sealed value.
        None => Err(SandboxError::SealedConfig {
            reason: format!(
                "the stored configuration of sandbox {sandbox_id} is not sealed yet; sealing runs when the \
                 portal starts"
            ),
        }),
    }
}

/// Seals every configuration still stored in clear (rows written before sealing existed) and answers how
/// many it sealed. Refuses with [`SandboxError::ConfigKeyMismatch`], before sealing anything, when any row
/// was sealed under another key. Idempotent, and safe while other processes run: a row is sealed only if it
/// is still the plaintext this call read.
pub(crate) async fn seal_stored_configs(
    pool: &AnyPool,
    key: &ConfigKey,
) -> Result<u64, SandboxError> {
    let foreign: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM sandboxes WHERE config_key_id IS NOT NULL AND config_key_id <> $1",
    )
    .bind(key.id())
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    if foreign > 0 {
        return Err(SandboxError::ConfigKeyMismatch);
    }
    let plaintext =
        sqlx::query("SELECT sandbox_id, config_json FROM sandboxes WHERE config_key_id IS NULL")
            .fetch_all(pool)
            .await?;
    let mut sealed_rows = 0;
    for row in plaintext {
        let sandbox_id: String = row.try_get("sandbox_id")?;
        let config_json: String = row.try_get("config_json")?;
        let sealed = key.seal(&sandbox_id, &config_json)?;
        let updated = sqlx::query(
            "UPDATE sandboxes SET config_json = $2, config_key_id = $3 \
             WHERE sandbox_id = $1 AND config_key_id IS NULL AND config_json = $4",
        )
        .bind(sandbox_id.as_str())
        .bind(sealed)
        .bind(key.id())
        .bind(config_json.as_str())
        .execute(pool)
        .await?;
        sealed_rows += updated.rows_affected();
    }
    Ok(sealed_rows)
}

fn found(rows_affected: u64) -> Result<(), SandboxError> {
    if rows_affected == 0 {
        Err(SandboxError::UnknownSandbox)
    } else {
        Ok(())
    }
}

pub(crate) async fn load_tenant(
    conn: &mut AnyConnection,
    key: &ConfigKey,
    sandbox_id: &SandboxId,
) -> Result<Tenant, SandboxError> {
    let row = sqlx::query(
        "SELECT config_json, config_key_id, time_offset_ms, generation FROM sandboxes \
         WHERE sandbox_id = $1",
    )
    .bind(sandbox_id.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(SandboxError::UnknownSandbox)?;
    Ok(Tenant {
        config_json: open_row(key, sandbox_id, &row)?,
        time_offset_ms: row.try_get("time_offset_ms")?,
        generation: row.try_get("generation")?,
    })
}

/// The committed value of `key`, unless it has expired on the sandbox clock at `sandbox_now_ms`.
pub(crate) async fn read_entry(
    conn: &mut AnyConnection,
    sandbox_id: &SandboxId,
    key: &str,
    sandbox_now_ms: i64,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT value_base64 FROM sandbox_kv WHERE sandbox_id = $1 AND entry_key = $2 \
         AND (expires_at_ms IS NULL OR expires_at_ms > $3)",
    )
    .bind(sandbox_id.as_str())
    .bind(key)
    .bind(sandbox_now_ms)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let text: String = row.try_get("value_base64")?;
    STANDARD
        .decode(text)
        .map(Some)
        .map_err(|error| sqlx::Error::Decode(Box::new(error)))
}

/// Whether the request's writes were committed, or lost the race to another request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Commit {
    Committed,
    Conflict,
}

/// Commits a request's buffered writes in one transaction, if the tenant's generation is still the
/// one the request started from, and purges entries expired at `sandbox_now_ms`.
///
/// A request without writes commits nothing but is still checked against the generation, so every
/// answer the runtime gives was computed from one consistent state of the tenant.
pub(crate) async fn commit(
    conn: &mut AnyConnection,
    sandbox_id: &SandboxId,
    generation: i64,
    writes: &BTreeMap<String, PendingWrite>,
    sandbox_now_ms: i64,
) -> Result<Commit, sqlx::Error> {
    if writes.is_empty() {
        let row = sqlx::query("SELECT generation FROM sandboxes WHERE sandbox_id = $1")
            .bind(sandbox_id.as_str())
            .fetch_optional(&mut *conn)
            .await?;
        let current: Option<i64> = row.map(|row| row.try_get("generation")).transpose()?;
        return Ok(if current == Some(generation) {
            Commit::Committed
        } else {
            Commit::Conflict
        });
    }

    // SQLite: take the write lock as the transaction starts (`BEGIN IMMEDIATE`) so it waits on the
    // busy timeout instead of failing on a lock upgrade. PostgreSQL: the conditional UPDATE below locks
    // the tenant's row, so a second committer waits and then sees the new generation.
    let mut tx = if conn.backend_name() == "SQLite" {
        conn.begin_with("BEGIN IMMEDIATE").await?
    } else {
        conn.begin().await?
    };
    let bumped = sqlx::query(
        "UPDATE sandboxes SET generation = generation + 1 WHERE sandbox_id = $1 AND generation = $2",
    )
    .bind(sandbox_id.as_str())
    .bind(generation)
    .execute(&mut *tx)
    .await?;
    if bumped.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(Commit::Conflict);
    }
    for (key, write) in writes {
        match write {
            PendingWrite::Put {
                value,
                expires_at_ms,
            } => {
                sqlx::query(
                    "INSERT INTO sandbox_kv (sandbox_id, entry_key, value_base64, expires_at_ms) \
                     VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (sandbox_id, entry_key) DO UPDATE \
                     SET value_base64 = excluded.value_base64, expires_at_ms = excluded.expires_at_ms",
                )
                .bind(sandbox_id.as_str())
                .bind(key.as_str())
                .bind(STANDARD.encode(value))
                .bind(*expires_at_ms)
                .execute(&mut *tx)
                .await?;
            }
            PendingWrite::Delete => {
                sqlx::query("DELETE FROM sandbox_kv WHERE sandbox_id = $1 AND entry_key = $2")
                    .bind(sandbox_id.as_str())
                    .bind(key.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
    }
    // Expired entries are already invisible to reads; deleting them here keeps the table from growing
    // with old nonces, at the cost of one indexed range delete per writing request.
    sqlx::query(
        "DELETE FROM sandbox_kv WHERE sandbox_id = $1 AND expires_at_ms IS NOT NULL \
         AND expires_at_ms <= $2",
    )
    .bind(sandbox_id.as_str())
    .bind(sandbox_now_ms)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Commit::Committed)
}
