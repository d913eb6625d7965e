//! Typed access to the host's key-value store: the key layout and JSON encoding of stored records.
//!
//! All keys are built here so the layout is visible in one place. Records are JSON so a host operator
//! can read them; they may hold secrets (CEKs, codes), so this module must never log values.
//!
//! Key layout (one tenant per store):
//! - `envelope/last-timestamp` — the timestamp of the last accepted signed request;
//! - `envelope/nonce/{nonce}` — nonces already used;
//! - `cek/current` — the current content encryption key;
//! - `ticket/{ticketID}` — login (and later anonymous) tickets;
//! - `ticket-index/pending` — the newest tickets created, for the virtual phone's pending list;
//! - `code/{code}` — unused authorisation codes;
//! - `token/{accessToken}` — issued access tokens;
//! - `business/{businessID}` — the ticket of each `businessID` a data request used (uniqueness per
//!   client, and anonymous getResult).
//!
//! The host refuses a key that is empty, longer than [`MAX_KEY_BYTES`] or holds a NUL (the runtime treats
//! that as the guest breaking its contract). Lookups take client-supplied IDs as they came, so they go
//! through [`get`], [`exists`] and [`delete`], which answer "absent" for such a key without asking the host:
//! nothing can ever have been stored under it. Writes only use keys built from validated or generated values.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::codes::{DCode, ProtocolError};
use crate::host::{Host, LogLevel};

pub(crate) const LAST_TIMESTAMP_KEY: &str = "envelope/last-timestamp";
pub(crate) const CURRENT_CEK_KEY: &str = "cek/current";
pub(crate) const PENDING_TICKETS_KEY: &str = "ticket-index/pending";

/// The longest key the host accepts, in bytes (the sandbox runtime's limit).
pub(crate) const MAX_KEY_BYTES: usize = 512;

/// Whether the host accepts `key`: 1 to [`MAX_KEY_BYTES`] bytes without a NUL.
pub(crate) fn is_storable(key: &str) -> bool {
    !key.is_empty() && key.len() <= MAX_KEY_BYTES && !key.contains('\0')
}

pub(crate) fn nonce_key(nonce: &str) -> String {
    format!("envelope/nonce/{nonce}")
}

pub(crate) fn ticket_key(ticket_id: &str) -> String {
    format!("ticket/{ticket_id}")
}

pub(crate) fn code_key(code: &str) -> String {
    format!("code/{code}")
}

pub(crate) fn token_key(access_token: &str) -> String {
    format!("token/{access_token}")
}

pub(crate) fn business_key(business_id: &str) -> String {
    format!("business/{business_id}")
}

/// Reads and decodes a record. A record that no longer decodes (a schema change, a hand edit) is the
/// sandbox's fault, so it is reported as `D20000` and logged by key, never by value.
pub(crate) fn get<T: DeserializeOwned>(
    host: &mut dyn Host,
    key: &str,
) -> Result<Option<T>, ProtocolError> {
    if !is_storable(key) {
        return Ok(None);
    }
    let Some(bytes) = host.kv_get(key) else {
        return Ok(None);
    };
    match serde_json::from_slice(&bytes) {
        Ok(value) => Ok(Some(value)),
        Err(_) => {
            host.log(
                LogLevel::Error,
                &format!("stored record under {key} could not be decoded"),
            );
            Err(ProtocolError::new(DCode::UnknownException))
        }
    }
}

/// Whether anything is stored under `key`.
pub(crate) fn exists(host: &mut dyn Host, key: &str) -> bool {
    is_storable(key) && host.kv_get(key).is_some()
}

/// Removes whatever is stored under `key`.
pub(crate) fn delete(host: &mut dyn Host, key: &str) {
    if is_storable(key) {
        host.kv_delete(key);
    }
}

/// Encodes and stores a record, with its expiry on the sandbox clock.
pub(crate) fn put<T: Serialize>(
    host: &mut dyn Host,
    key: &str,
    value: &T,
    expires_at_ms: Option<i64>,
) -> Result<(), ProtocolError> {
    // Serialising plain records cannot fail in practice; the error path exists so nothing panics.
    let bytes =
        serde_json::to_vec(value).map_err(|_| ProtocolError::new(DCode::UnknownException))?;
    host.kv_put(key, &bytes, expires_at_ms);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory_host::MemoryHost;

    #[test]
    fn records_round_trip_through_the_host_store() {
        let mut host = MemoryHost::new(1);
        put(&mut host, "k", &vec![1, 2, 3], Some(5)).expect("stores");
        assert_eq!(get::<Vec<i32>>(&mut host, "k"), Ok(Some(vec![1, 2, 3])));
        assert_eq!(
            host.entries().get("k").and_then(|e| e.expires_at_ms),
            Some(5)
        );
        assert_eq!(get::<Vec<i32>>(&mut host, "absent"), Ok(None));
    }

    #[test]
    fn a_key_the_host_would_refuse_is_absent_without_asking_the_host() {
        let mut host = MemoryHost::new(1);
        let long = format!("ticket/{}", "x".repeat(MAX_KEY_BYTES));
        for key in ["", "ticket/a\0b", long.as_str()] {
            assert!(!is_storable(key));
            assert_eq!(get::<Vec<i32>>(&mut host, key), Ok(None));
            assert!(!exists(&mut host, key));
            delete(&mut host, key);
        }
        assert!(is_storable(&format!(
            "ticket/{}",
            "x".repeat(MAX_KEY_BYTES - 7)
        )));
    }

    #[test]
    fn an_undecodable_record_is_an_unknown_exception_logged_without_its_value() {
        let mut host = MemoryHost::new(1);
        host.kv_put("ticket/x", b"sensitive-garbage", None);
        let error = get::<Vec<i32>>(&mut host, "ticket/x").expect_err("garbage");
        assert_eq!(error.code, DCode::UnknownException);
        assert!(
            host.logs()
                .iter()
                .all(|(_, line)| !line.contains("sensitive"))
        );
        assert!(
            host.logs()
                .iter()
                .any(|(_, line)| line.contains("ticket/x"))
        );
    }
}
