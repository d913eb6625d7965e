//! Delivering a sandbox's callbacks to its relying party: the protocol core cannot do I/O, so when an
//! answer settles a profile or form-filling request the outcome carries the POSTs to make, and this
//! module makes them once the sandbox's writes are committed (the runtime returns only after commit).
//!
//! A callback goes only to a URL the sandbox's own configuration names — its registered
//! `callback_url`, or one of its redirect URIs (the default when no callback URL is set) — never to
//! whatever a guest returned. Delivery runs in its own task with a timeout
//! ([`DELIVERY_TIMEOUT`]); the caller waits at most [`ANSWER_WAIT`] for it, so an RP that answers
//! at once has its data before the phone's page moves on, and a slow or dead RP never holds the
//! phone up. Each attempt is logged (status and latency, the URL without its query) and recorded in
//! the request inspector; bodies, which hold personal data and key material, never are.
//!
//! An answer that approved a bulk-signing request also names the ticket to carry on with: the same
//! task then calls the sandbox with `continue_bulk_signing` until it says it is done, delivering
//! each answer's callbacks in order (the core signs a bounded piece per call to stay inside the
//! guest's deadline; see ARCHITECTURE.md). The loop is bounded too, since a guest's answer is never
//! trusted to end it.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use mock_iamsmart::{Call, Callback, Outcome};
use sandbox_runtime::{Runtime, SandboxError, SandboxId};

use crate::inspector::{self, Inspector, RequestRecord};

/// How long one callback POST may take.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long an answer waits for its callbacks before it returns anyway.
pub const ANSWER_WAIT: Duration = Duration::from_secs(2);

/// One HTTP client for every delivery: it pools connections and never follows redirects (a
/// callback that redirects has not been received).
fn http() -> Option<&'static reqwest::Client> {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(DELIVERY_TIMEOUT)
                .build()
                .map_err(
                    |error| tracing::error!(error = %error, "could not build the callback client"),
                )
                .ok()
        })
        .as_ref()
}

/// The URL as it may be logged and shown: scheme, host and path, without query or fragment.
fn shown_url(url: &str) -> String {
    url.split(['?', '#'])
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

/// The callback's D-code, read from its body (JSON or multipart), for the inspector.
fn callback_code(callback: &Callback) -> String {
    let content_type = callback
        .header("Content-Type")
        .unwrap_or("application/json");
    mock_iamsmart::callback::read_fields(&callback.body, content_type)
        .and_then(|fields| {
            fields
                .get("code")
                .and_then(|code| code.as_str().map(str::to_owned))
        })
        .unwrap_or_default()
}

/// The most `continue_bulk_signing` calls one approval may lead to: 1000 documents with one
/// signature per callback take 250, so this is only a backstop against a guest that never says done.
const MAX_CONTINUATIONS: usize = 1_000;
/// Attempts of one continuation that lost races to other requests of the sandbox.
const CONTENTION_RETRIES: u32 = 5;

/// Delivers `callbacks` for the sandbox in the background, waiting at most [`ANSWER_WAIT`]; then,
/// when `continue_ticket` names an approved bulk-signing ticket, carries its signing on to the end
/// in the same task, every callback in order.
pub async fn deliver_and_continue(
    runtime: &Runtime,
    inspector: Option<&Inspector>,
    sandbox_id: &SandboxId,
    callbacks: Vec<Callback>,
    continue_ticket: Option<String>,
) {
    if callbacks.is_empty() && continue_ticket.is_none() {
        return;
    }
    let runtime = runtime.clone();
    let inspector = inspector.cloned();
    let sandbox_id = sandbox_id.clone();
    let task = tokio::spawn(async move {
        for callback in callbacks {
            deliver_one(&runtime, inspector.as_ref(), &sandbox_id, callback).await;
        }
        if let Some(ticket_id) = continue_ticket {
            continue_signing(&runtime, inspector.as_ref(), &sandbox_id, ticket_id).await;
        }
    });
    // The task carries on if the wait ends first; its outcome is logged either way.
    let _ = tokio::time::timeout(ANSWER_WAIT, task).await;
}

/// Runs `continue_bulk_signing` until the sandbox says signing is done, delivering callbacks as
/// they come.
async fn continue_signing(
    runtime: &Runtime,
    inspector: Option<&Inspector>,
    sandbox_id: &SandboxId,
    ticket_id: String,
) {
    let call = Call::ContinueBulkSigning { ticket_id };
    for _ in 0..MAX_CONTINUATIONS {
        let mut attempt = 0;
        let outcome = loop {
            match runtime.call(sandbox_id, &call).await {
                Err(SandboxError::Contention) if attempt < CONTENTION_RETRIES => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
                }
                other => break other,
            }
        };
        match outcome {
            Ok(Outcome::Ticket(status)) => {
                for callback in status.callbacks {
                    deliver_one(runtime, inspector, sandbox_id, callback).await;
                }
                if !status.signing_continues {
                    return;
                }
            }
            Ok(Outcome::Error { code, .. }) => {
                tracing::warn!(code = %code, "bulk signing stopped");
                return;
            }
            Ok(_) => {
                tracing::error!("a sandbox answered continue_bulk_signing with the wrong outcome");
                return;
            }
            Err(error) => {
                tracing::warn!(error = %error, "bulk signing stopped: the sandbox failed");
                return;
            }
        }
    }
    tracing::warn!("bulk signing stopped after {MAX_CONTINUATIONS} continuations");
}

async fn deliver_one(
    runtime: &Runtime,
    inspector: Option<&Inspector>,
    sandbox_id: &SandboxId,
    callback: Callback,
) {
    let started = Instant::now();
    let shown = shown_url(&callback.url);
    let code = callback_code(&callback);
    let allowed = match runtime.sandbox_config(sandbox_id).await {
        Ok(config) => {
            config.callback_url.as_deref() == Some(callback.url.as_str())
                || config.redirect_uris.contains(&callback.url)
        }
        Err(error) => {
            tracing::warn!(error = %error, "could not read the sandbox configuration for a callback");
            false
        }
    };
    let (http_status, message) = if !allowed {
        tracing::warn!(url = %shown, "refused a callback to a URL the sandbox does not register");
        (
            0,
            "callback not sent: the URL is neither the registered callback URL nor a redirect URI"
                .to_owned(),
        )
    } else if let Some(http) = http() {
        let mut request = http.post(&callback.url);
        for (name, value) in &callback.headers {
            request = request.header(name, value);
        }
        match request.body(callback.body).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                tracing::info!(
                    url = %shown,
                    status,
                    latency_ms = started.elapsed().as_millis() as u64,
                    "delivered a callback to the relying party"
                );
                (
                    i64::from(status),
                    format!("callback delivered to the relying party (HTTP {status})"),
                )
            }
            Err(error) => {
                let reason = if error.is_timeout() {
                    "timed out"
                } else if error.is_connect() {
                    "could not connect"
                } else {
                    "the request failed"
                };
                tracing::warn!(url = %shown, reason, "could not deliver a callback");
                (0, format!("callback not delivered: {reason}"))
            }
        }
    } else {
        (0, "callback not delivered: no HTTP client".to_owned())
    };
    if let Some(inspector) = inspector {
        let record = RequestRecord {
            request_id: crate::api::new_tx_id(),
            request_json: None,
            response_json: None,
            logged_at_ms: crate::unix_time_ms(),
            method: "CALLBACK".to_owned(),
            path: shown,
            http_status,
            code,
            message,
            latency_us: i64::try_from(started.elapsed().as_micros()).unwrap_or(i64::MAX),
        };
        if let Err(error) = inspector::record(inspector, sandbox_id.as_str(), &record).await {
            tracing::warn!(error = %error, "could not record a callback for the inspector");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_urls_drop_the_query_and_fragment() {
        assert_eq!(
            shown_url("https://rp.example/cb?code=secret#x"),
            "https://rp.example/cb"
        );
        assert_eq!(shown_url("http://127.0.0.1:9/cb"), "http://127.0.0.1:9/cb");
    }

    #[test]
    fn the_code_is_read_from_a_json_callback_body() {
        let callback = Callback {
            url: "https://rp.example/cb".into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: br#"{"code":"D60001","content":"x"}"#.to_vec(),
        };
        assert_eq!(callback_code(&callback), "D60001");
    }
}
