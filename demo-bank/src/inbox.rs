//! `POST /iamsmart/callback`: where iAM Smart POSTs the results of Demo Bank's requests that the user
//! answers on the phone (e-ME form filling and profile requests here; the answer to an account
//! agreement's signing request is handed to `agreement`, which joins it by `businessID`). The body is opened with
//! Demo Bank's own RP private key (the CEK comes in the body's `secretKey`), which proves it came from
//! iAM Smart for this bank; it is then kept, still sealed, under the ticket ID from its `txID`
//! (`<T={ticketID}>`) until the customer's page collects it.
//!
//! The inbox lives in memory, bounded in size and age, because the customer's page collects a result
//! within seconds; a real bank would keep it in its database. Nothing here logs a body, a ticket ID or
//! a value.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::Bank;

/// The largest callback accepted: a form with an address-proof PDF is well under this.
pub(crate) const MAX_CALLBACK_BYTES: usize = 4 * 1024 * 1024;
/// How long an uncollected result is kept.
const KEEP_FOR: Duration = Duration::from_secs(30 * 60);
/// How many uncollected results are kept at most; the oldest goes first.
const MAX_KEPT: usize = 1000;

/// A callback as it arrived: its body and `Content-Type`, to be opened by the flow that asked.
#[derive(Clone)]
pub(crate) struct Delivered {
    pub body: Bytes,
    pub content_type: String,
}

/// Callbacks waiting to be collected, by ticket ID.
#[derive(Default)]
pub(crate) struct CallbackInbox {
    waiting: Mutex<HashMap<String, (Instant, Delivered)>>,
}

impl CallbackInbox {
    fn put(&self, ticket_id: String, delivered: Delivered) {
        let mut waiting = self.lock();
        let now = Instant::now();
        waiting.retain(|_, (at, _)| now.duration_since(*at) < KEEP_FOR);
        while waiting.len() >= MAX_KEPT {
            let Some(oldest) = waiting
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(id, _)| id.clone())
            else {
                break;
            };
            waiting.remove(&oldest);
        }
        waiting.insert(ticket_id, (now, delivered));
    }

    /// The callback for `ticket_id`, removed, if it has arrived.
    pub fn take(&self, ticket_id: &str) -> Option<Delivered> {
        self.lock()
            .remove(ticket_id)
            .filter(|(at, _)| at.elapsed() < KEEP_FOR)
            .map(|(_, delivered)| delivered)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Delivered)>> {
        // A panic while holding the lock cannot leave the map half-changed, so a poisoned lock is
        // still usable.
        self.waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The ticket ID inside a `txID` of the form `<T={ticketID}>`.
pub(crate) fn ticket_of_tx_id(tx_id: &str) -> Option<&str> {
    tx_id
        .strip_prefix("<T=")?
        .strip_suffix('>')
        .filter(|id| !id.is_empty())
}

/// Receives a callback. Answers 200 once it is opened and kept; 400 when it is not a callback this bank
/// can open (so iAM Smart's delivery log shows the refusal), 413 when it is too large.
pub(crate) async fn receive(State(bank): State<Bank>, headers: HeaderMap, body: Bytes) -> Response {
    if body.len() > MAX_CALLBACK_BYTES {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    // ANCHOR: receive_callback
    let opened = match bank.client.open_callback(&body, &content_type) {
        Ok(opened) => opened,
        Err(error) => {
            tracing::info!(error = %error, "refused a callback Demo Bank cannot open");
            return (StatusCode::BAD_REQUEST, "not a callback for Demo Bank").into_response();
        }
    };
    // A signing request's answer goes to the agreement it belongs to, which acknowledges it.
    if let Some(business_id) = &opened.result.business_id
        && bank.agreements.contains(business_id)
    {
        return crate::agreement::receive_callback(State(bank), headers, body).await;
    }
    let Some(ticket_id) = ticket_of_tx_id(&opened.tx_id) else {
        tracing::info!("refused a callback without a ticket in its txID");
        return (StatusCode::BAD_REQUEST, "the callback has no txID").into_response();
    };
    bank.inbox
        .put(ticket_id.to_owned(), Delivered { body, content_type });
    // ANCHOR_END: receive_callback
    tracing::info!(
        code = opened.code.as_str(),
        "received a callback from iAM Smart"
    );
    StatusCode::OK.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ticket_comes_out_of_the_tx_id() {
        assert_eq!(ticket_of_tx_id("<T=abc-123>"), Some("abc-123"));
        assert_eq!(ticket_of_tx_id("<T=>"), None);
        assert_eq!(ticket_of_tx_id("abc"), None);
    }

    #[test]
    fn a_result_is_collected_once() {
        let inbox = CallbackInbox::default();
        let delivered = Delivered {
            body: Bytes::from_static(b"{}"),
            content_type: "application/json".into(),
        };
        inbox.put("t1".into(), delivered);
        assert!(inbox.take("t2").is_none());
        assert_eq!(inbox.take("t1").map(|d| d.body.len()), Some(2));
        assert!(inbox.take("t1").is_none());
    }
}
