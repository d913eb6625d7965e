//! One request's view of its tenant: the clocks (real, and sandbox time with the tenant's offset),
//! randomness from the operating system, key-value reads from the database with the request's own
//! buffered writes layered on top, and log lines. The wasm imports and the native baseline both go
//! through this one type, so the benchmark compares exactly the cost of isolation.
//!
//! A session runs on a blocking thread (never inside an async task): reads wait for the database
//! with `Handle::block_on`. Every argument that came from a guest is bounded here (key and value
//! sizes, write volume, operation count, randomness per call, log lines), and the first failure is
//! remembered as a [`Fault`] so the request fails as a whole. It never logs keys' values, and guest
//! log lines are truncated and counted.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use mock_iamsmart::{Host, LogLevel};
use rand::RngCore;
use sqlx::Any;
use sqlx::pool::PoolConnection;
use tokio::runtime::Handle;

use crate::error::SandboxError;
use crate::limits::{Limits, MAX_KEY_BYTES, MAX_LOG_LINE_CHARS, MAX_RANDOM_BYTES, MAX_VALUE_BYTES};
use crate::storage::{self, PendingWrite, SandboxId, Tenant};

/// Why a session stopped serving its request.
#[derive(Debug)]
pub(crate) enum Fault {
    Storage(sqlx::Error),
    /// The guest broke a bound of the host interface.
    Contract(String),
    /// The operating system's randomness failed.
    Random(String),
}

impl From<Fault> for SandboxError {
    fn from(fault: Fault) -> Self {
        match fault {
            Fault::Storage(error) => SandboxError::Storage(error),
            Fault::Contract(reason) => SandboxError::contract(reason),
            Fault::Random(reason) => {
                SandboxError::trap(format!("host randomness failed: {reason}"))
            }
        }
    }
}

/// Real wall-clock time in epoch milliseconds (0 before 1970, which only a broken clock reports).
pub(crate) fn real_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The request-scoped host.
pub(crate) struct Session {
    sandbox_id: SandboxId,
    connection: PoolConnection<Any>,
    runtime: Handle,
    time_offset_ms: i64,
    generation: i64,
    config_json: String,
    writes: BTreeMap<String, PendingWrite>,
    written_bytes: usize,
    storage_ops: u32,
    log_lines: u32,
    limits: Limits,
    fault: Option<Fault>,
}

impl Session {
    pub(crate) fn new(
        sandbox_id: SandboxId,
        connection: PoolConnection<Any>,
        tenant: Tenant,
        limits: Limits,
        runtime: Handle,
    ) -> Self {
        Session {
            sandbox_id,
            connection,
            runtime,
            time_offset_ms: tenant.time_offset_ms,
            generation: tenant.generation,
            config_json: tenant.config_json,
            writes: BTreeMap::new(),
            written_bytes: 0,
            storage_ops: 0,
            log_lines: 0,
            limits,
            fault: None,
        }
    }

    /// The tenant's configuration JSON, moved out (it is passed to the guest once).
    pub(crate) fn take_config_json(&mut self) -> String {
        std::mem::take(&mut self.config_json)
    }

    pub(crate) fn sandbox_now_ms(&self) -> i64 {
        real_now_ms().saturating_add(self.time_offset_ms)
    }

    /// The first fault, if any; the request must fail with it.
    pub(crate) fn take_fault(&mut self) -> Option<Fault> {
        self.fault.take()
    }

    /// Remembers `fault` (keeping the first) and hands back a marker for the caller to propagate.
    fn fail(&mut self, fault: Fault) -> Failed {
        if self.fault.is_none() {
            self.fault = Some(fault);
        }
        Failed
    }

    fn check_healthy(&self) -> Result<(), Failed> {
        if self.fault.is_some() {
            Err(Failed)
        } else {
            Ok(())
        }
    }

    fn count_storage_op(&mut self) -> Result<(), Failed> {
        self.check_healthy()?;
        self.storage_ops = self.storage_ops.saturating_add(1);
        if self.storage_ops > self.limits.max_request_storage_ops {
            let limit = self.limits.max_request_storage_ops;
            return Err(self.fail(Fault::Contract(format!(
                "more than {limit} storage operations in one request"
            ))));
        }
        Ok(())
    }

    fn check_key(&mut self, key: &str) -> Result<(), Failed> {
        if key.is_empty() || key.len() > MAX_KEY_BYTES || key.contains('\0') {
            return Err(self.fail(Fault::Contract(format!(
                "a storage key must be 1 to {MAX_KEY_BYTES} bytes without NUL characters"
            ))));
        }
        Ok(())
    }

    /// `len` random bytes, at most [`MAX_RANDOM_BYTES`] per call.
    pub(crate) fn random(&mut self, len: u32) -> Result<Vec<u8>, Failed> {
        self.check_healthy()?;
        if len > MAX_RANDOM_BYTES {
            return Err(self.fail(Fault::Contract(format!(
                "asked for {len} random bytes; at most {MAX_RANDOM_BYTES} per call"
            ))));
        }
        let mut bytes = vec![0u8; len as usize];
        match rand::rngs::OsRng.try_fill_bytes(&mut bytes) {
            Ok(()) => Ok(bytes),
            Err(error) => Err(self.fail(Fault::Random(error.to_string()))),
        }
    }

    /// The value of `key`: the request's own write if it made one, else the committed value. Entries
    /// expired on the sandbox clock are absent either way.
    pub(crate) fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, Failed> {
        self.count_storage_op()?;
        self.check_key(key)?;
        let now = self.sandbox_now_ms();
        if let Some(write) = self.writes.get(key) {
            return Ok(match write {
                PendingWrite::Put {
                    value,
                    expires_at_ms,
                } if expires_at_ms.is_none_or(|expires| expires > now) => Some(value.clone()),
                _ => None,
            });
        }
        let read = self.runtime.block_on(storage::read_entry(
            &mut self.connection,
            &self.sandbox_id,
            key,
            now,
        ));
        read.map_err(|error| self.fail(Fault::Storage(error)))
    }

    /// Buffers a write; nothing reaches the database until the request commits.
    pub(crate) fn put(
        &mut self,
        key: &str,
        value: Vec<u8>,
        expires_at_ms: Option<i64>,
    ) -> Result<(), Failed> {
        self.count_storage_op()?;
        self.check_key(key)?;
        if value.len() > MAX_VALUE_BYTES {
            return Err(self.fail(Fault::Contract(format!(
                "a stored value may be at most {MAX_VALUE_BYTES} bytes"
            ))));
        }
        self.add_written_bytes(key.len().saturating_add(value.len()))?;
        self.writes.insert(
            key.to_owned(),
            PendingWrite::Put {
                value,
                expires_at_ms,
            },
        );
        Ok(())
    }

    /// Buffers a delete.
    pub(crate) fn delete(&mut self, key: &str) -> Result<(), Failed> {
        self.count_storage_op()?;
        self.check_key(key)?;
        self.add_written_bytes(key.len())?;
        self.writes.insert(key.to_owned(), PendingWrite::Delete);
        Ok(())
    }

    fn add_written_bytes(&mut self, bytes: usize) -> Result<(), Failed> {
        // Counting every write, even one that replaces an earlier write, bounds the overlay's memory
        // by the budget whatever the guest does.
        self.written_bytes = self.written_bytes.saturating_add(bytes);
        if self.written_bytes > self.limits.max_request_write_bytes {
            let limit = self.limits.max_request_write_bytes;
            return Err(self.fail(Fault::Contract(format!(
                "more than {limit} bytes written in one request"
            ))));
        }
        Ok(())
    }

    /// Forwards a guest log line to `tracing`, cut to one bounded line; lines past the request's
    /// budget are dropped (with one warning), not treated as a fault.
    pub(crate) fn log(&mut self, level: LogLevel, message: &str) {
        self.log_lines = self.log_lines.saturating_add(1);
        let budget = self.limits.max_request_log_lines;
        if self.log_lines > budget {
            if self.log_lines == budget.saturating_add(1) {
                tracing::warn!(sandbox = %self.sandbox_id, "guest log budget of {budget} lines exhausted; dropping the rest");
            }
            return;
        }
        let line: String = message
            .chars()
            .take(MAX_LOG_LINE_CHARS)
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let sandbox = &self.sandbox_id;
        match level {
            LogLevel::Debug => tracing::debug!(target: "sandbox_guest", %sandbox, "{line}"),
            LogLevel::Info => tracing::info!(target: "sandbox_guest", %sandbox, "{line}"),
            LogLevel::Warn => tracing::warn!(target: "sandbox_guest", %sandbox, "{line}"),
            LogLevel::Error => tracing::error!(target: "sandbox_guest", %sandbox, "{line}"),
        }
    }

    /// Commits the buffered writes if the tenant is still at the generation this request started
    /// from. Must be called from async code, after the guest has finished.
    pub(crate) async fn commit(mut self) -> Result<storage::Commit, SandboxError> {
        let now = self.sandbox_now_ms();
        let committed = storage::commit(
            &mut self.connection,
            &self.sandbox_id,
            self.generation,
            &self.writes,
            now,
        )
        .await?;
        Ok(committed)
    }
}

/// Marks an operation that failed; the reason is kept in the session as its [`Fault`].
#[derive(Debug)]
pub(crate) struct Failed;

/// The native baseline calls the core directly, through the `Host` trait, which cannot fail: a fault
/// is remembered and the operation answers "absent" or does nothing, and the runtime discards the
/// request's outcome afterwards.
impl Host for Session {
    fn real_now_ms(&self) -> i64 {
        real_now_ms()
    }

    fn sandbox_now_ms(&self) -> i64 {
        Session::sandbox_now_ms(self)
    }

    fn fill_random(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(MAX_RANDOM_BYTES as usize) {
            let wanted = u32::try_from(chunk.len()).unwrap_or(MAX_RANDOM_BYTES);
            if let Ok(bytes) = self.random(wanted) {
                for (slot, byte) in chunk.iter_mut().zip(bytes) {
                    *slot = byte;
                }
            }
        }
    }

    fn kv_get(&mut self, key: &str) -> Option<Vec<u8>> {
        self.get(key).ok().flatten()
    }

    fn kv_put(&mut self, key: &str, value: &[u8], expires_at_ms: Option<i64>) {
        let _ = self.put(key, value.to_vec(), expires_at_ms);
    }

    fn kv_delete(&mut self, key: &str) {
        let _ = self.delete(key);
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        Session::log(self, level, message);
    }
}
