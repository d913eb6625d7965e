//! Fault injection: a sandbox's developers make its next N requests of a kind fail with a chosen D-code, or arrive
//! late, to see how their integration copes (a `D30002` that should trigger a new getKey, a slow getToken).
//!
//! Faults live in the shared database and are taken with one conditional `UPDATE … RETURNING`, so with several
//! nodes each injected failure happens exactly once. The API consults them before the sandbox runs; an injected
//! D-code answers in the protocol's envelope with HTTP 200 and never reaches the sandbox's state.

use mock_iamsmart::DCode;
use rand::RngCore;
use sqlx::{AnyPool, Row};

/// The longest delay a fault may add.
pub const MAX_DELAY_MS: i64 = 30_000;
/// The most requests one fault may affect.
pub const MAX_COUNT: i64 = 100;
/// A path that matches every API.
pub const ANY_PATH: &str = "*";

/// One injected fault, as listed in the console.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub fault_id: String,
    pub path: String,
    /// Empty for a delay alone.
    pub code: String,
    pub delay_ms: i64,
    pub remaining: i64,
}

/// What to do to one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Injection {
    pub code: Option<DCode>,
    pub delay_ms: i64,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FaultError {
    #[error("choose an API path of the sandbox, or any")]
    UnknownPath,
    #[error("choose a known D-code, or none for a delay alone")]
    UnknownCode,
    #[error("affect between 1 and {MAX_COUNT} requests")]
    CountOutOfRange,
    #[error("delay between 0 and {MAX_DELAY_MS} milliseconds, and inject a code or a delay")]
    DelayOutOfRange,
}

/// Checks a fault before it is stored.
pub fn check(path: &str, code: &str, count: i64, delay_ms: i64) -> Result<(), FaultError> {
    if path != ANY_PATH && !(path.starts_with("/api/v1/") && path.len() <= 200) {
        return Err(FaultError::UnknownPath);
    }
    if !code.is_empty() && DCode::from_code(code).is_none() {
        return Err(FaultError::UnknownCode);
    }
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(FaultError::CountOutOfRange);
    }
    if !(0..=MAX_DELAY_MS).contains(&delay_ms) || (code.is_empty() && delay_ms == 0) {
        return Err(FaultError::DelayOutOfRange);
    }
    Ok(())
}

/// Stores a checked fault.
pub async fn inject(
    pool: &AnyPool,
    sandbox_id: &str,
    path: &str,
    code: &str,
    count: i64,
    delay_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut id = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut id);
    sqlx::query(
        "INSERT INTO fault_injections (fault_id, sandbox_id, path, code, delay_ms, remaining, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(hex::encode(id))
    .bind(sandbox_id)
    .bind(path)
    .bind(code)
    .bind(delay_ms)
    .bind(count)
    .bind(crate::unix_time_ms())
    .execute(pool)
    .await?;
    Ok(())
}

/// The sandbox's faults that still have requests to affect, oldest first.
pub async fn active(pool: &AnyPool, sandbox_id: &str) -> Result<Vec<Fault>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT fault_id, path, code, delay_ms, remaining FROM fault_injections \
         WHERE sandbox_id = $1 AND remaining > 0 ORDER BY created_at_ms, fault_id",
    )
    .bind(sandbox_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Fault {
                fault_id: row.try_get("fault_id")?,
                path: row.try_get("path")?,
                code: row.try_get("code")?,
                delay_ms: row.try_get("delay_ms")?,
                remaining: row.try_get("remaining")?,
            })
        })
        .collect()
}

/// Removes every fault of the sandbox.
pub async fn clear(pool: &AnyPool, sandbox_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM fault_injections WHERE sandbox_id = $1")
        .bind(sandbox_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Takes one use of the oldest fault matching this request, if any.
///
/// This runs before every API request, and almost always finds nothing; a plain read answers that case, so only a
/// request that really has a fault waiting takes a write (which on SQLite would otherwise serialise every request
/// behind the database's write lock).
pub async fn take(
    pool: &AnyPool,
    sandbox_id: &str,
    path: &str,
) -> Result<Option<Injection>, sqlx::Error> {
    let waiting = sqlx::query(
        "SELECT 1 AS waiting FROM fault_injections WHERE sandbox_id = $1 AND (path = $2 OR path = '*') \
         AND remaining > 0 LIMIT 1",
    )
    .bind(sandbox_id)
    .bind(path)
    .fetch_optional(pool)
    .await?;
    if waiting.is_none() {
        return Ok(None);
    }
    let row = sqlx::query(
        "UPDATE fault_injections SET remaining = remaining - 1 WHERE fault_id = (\
         SELECT fault_id FROM fault_injections WHERE sandbox_id = $1 AND (path = $2 OR path = '*') \
         AND remaining > 0 ORDER BY created_at_ms, fault_id LIMIT 1) AND remaining > 0 \
         RETURNING code, delay_ms",
    )
    .bind(sandbox_id)
    .bind(path)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let code: String = row.try_get("code")?;
    let delay_ms: i64 = row.try_get("delay_ms")?;
    Ok(Some(Injection {
        code: DCode::from_code(&code),
        delay_ms: delay_ms.clamp(0, MAX_DELAY_MS),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_checked_before_they_are_stored() {
        assert_eq!(check("/api/v1/security/getKey", "D30002", 1, 0), Ok(()));
        assert_eq!(check("*", "", 3, 500), Ok(()));
        assert_eq!(
            check("/elsewhere", "D30002", 1, 0),
            Err(FaultError::UnknownPath)
        );
        assert_eq!(check("*", "D12345", 1, 0), Err(FaultError::UnknownCode));
        assert_eq!(check("*", "D30002", 0, 0), Err(FaultError::CountOutOfRange));
        assert_eq!(check("*", "", 1, 0), Err(FaultError::DelayOutOfRange));
        assert_eq!(check("*", "", 1, 60_000), Err(FaultError::DelayOutOfRange));
    }
}
