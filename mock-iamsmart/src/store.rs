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

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::codes::{DCode, ProtocolError};
use crate::host::{Host, LogLevel};

pub(crate) const LAST_TIMESTAMP_KEY: &str = "envelope/last-timestamp";
pub(crate) const CURRENT_CEK_KEY: &str = "cek/current";
pub(crate) const PENDING_TICKETS_KEY: &str = "ticket-index/pending";

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
