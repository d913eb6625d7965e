//! `/api/v1/*`: the mock iAM Smart API. Each request is routed by its `clientID` (header, query, or — for
//! lenient clients — the JSON body) to that client's sandbox and answered by the sandbox's guest.
//!
//! The host answers only what the guest cannot: an unknown or missing client, and a sandbox that failed (trap,
//! deadline, storage). Those answers use the protocol's own envelope with HTTP 200, as real clients expect
//! (PROTOCOL §11.6), except storage outages, which are 503 so load balancers notice. Nothing here logs bodies,
//! headers or query strings.

use axum::{
    body::{Body, Bytes},
    http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use mock_iamsmart::{ApiRequest, Call, DCode, Outcome, ResponseEnvelope};
use sandbox_runtime::{Runtime, SandboxError};

use crate::faults;
use crate::inspector::{self, Inspector, RequestRecord};

/// Paths longer than this are cut in the request inspector.
const MAX_LOGGED_PATH: usize = 200;

/// Bodies above this size are refused with 413 before they reach a sandbox (PROTOCOL §8: "> 10 MB body").
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// Answers one API request.
pub async fn handle(
    runtime: Runtime,
    inspector: Option<Inspector>,
    signing: Option<crate::ca::SigningAuthority>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query = uri.query().unwrap_or_default().to_owned();
    let Some(client_id) = client_id(&headers, &query, &body) else {
        return envelope_response(
            StatusCode::OK,
            DCode::ParameterMissing,
            "parameter clientID missing",
        );
    };
    let sandbox_id = match runtime.sandbox_for_client(&client_id).await {
        Ok(Some(sandbox_id)) => sandbox_id,
        Ok(None) => {
            return envelope_response(
                StatusCode::OK,
                DCode::AuthorisationFailed,
                "authorisation failed: no sandbox has this clientID",
            );
        }
        Err(error) => return sandbox_failure(&error),
    };
    let started = std::time::Instant::now();
    let request = ApiRequest {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query,
        headers: headers
            .iter()
            .filter_map(|(name, value)| {
                value
                    .to_str()
                    .ok()
                    .map(|value| (name.as_str().to_owned(), value.to_owned()))
            })
            .collect(),
        body: body.to_vec(),
    };
    if let Some(inspector) = &inspector {
        match faults::take(&inspector.pool, sandbox_id.as_str(), uri.path()).await {
            Ok(Some(injection)) => {
                if injection.delay_ms > 0 {
                    let delay = u64::try_from(injection.delay_ms).unwrap_or_default();
                    tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
                }
                if let Some(code) = injection.code {
                    let message = format!(
                        "{} (injected by the sandbox's fault injection)",
                        code.message()
                    );
                    let seen = Seen {
                        status: 200,
                        code: code.code().to_owned(),
                        message: message.clone(),
                        inspection: None,
                    };
                    let request_id = remember(inspector, &sandbox_id, &method, &uri, seen, started);
                    return with_inspector_link(
                        envelope_response(StatusCode::OK, code, &message),
                        &sandbox_id,
                        &request_id,
                    );
                }
            }
            Ok(None) => {}
            // A problem with the fault table never fails the API itself.
            Err(error) => {
                tracing::warn!(error = %error, "could not read the sandbox's injected faults")
            }
        }
    }
    if let Some(signing) = &signing
        && let Some(signer) = crate::ca::signer_of_api_call(uri.path(), &request.body)
    {
        signing
            .prepare_for_signing(&sandbox_id, signer.as_deref())
            .await;
    }
    match runtime.call(&sandbox_id, &Call::Api(request)).await {
        Ok(Outcome::Api(mut response)) => {
            // The sandbox's writes are committed by now; an auto-responder's or the automation
            // API's answer to a data request is POSTed to the relying party before the response.
            let callbacks = std::mem::take(&mut response.callbacks);
            let continuation = response.continue_bulk_signing.take();
            crate::callbacks::deliver_and_continue(
                &runtime,
                inspector.as_ref(),
                &sandbox_id,
                callbacks,
                continuation,
            )
            .await;
            // The inspection is for the inspector only; it never reaches the client.
            let inspection = response.inspection.take();
            let mut request_id = None;
            if let Some(inspector) = &inspector {
                let envelope = response.envelope();
                let seen = Seen {
                    status: response.status,
                    code: envelope
                        .as_ref()
                        .map(|e| e.code.clone())
                        .unwrap_or_default(),
                    message: envelope.map(|e| e.message).unwrap_or_default(),
                    inspection,
                };
                request_id = Some(remember(
                    inspector,
                    &sandbox_id,
                    &method,
                    &uri,
                    seen,
                    started,
                ));
            }
            match request_id {
                Some(request_id) => {
                    with_inspector_link(guest_response(response), &sandbox_id, &request_id)
                }
                None => guest_response(response),
            }
        }
        Ok(_) => sandbox_failure(&SandboxError::GuestContract {
            reason: "an API call was answered with something other than an API response".to_owned(),
        }),
        Err(error) => sandbox_failure(&error),
    }
}

/// What the inspector records of an answer.
struct Seen {
    status: u16,
    code: String,
    message: String,
    /// The guest's masked view of the exchange, already checked by the runtime.
    inspection: Option<mock_iamsmart::inspect::Inspection>,
}

/// The response header that names the request inspector's page for this exchange. A sandbox-only addition:
/// clients of the real API never look for it, so it changes nothing for them, while the try-it console and a
/// developer's curl can jump straight to what the sandbox saw. The page itself is for the sandbox's members only.
pub const INSPECTOR_HEADER: &str = "x-sandbox-inspector";

fn with_inspector_link(
    mut response: Response,
    sandbox_id: &sandbox_runtime::SandboxId,
    request_id: &str,
) -> Response {
    let link = format!(
        "/console/sandboxes/{}/requests/{request_id}",
        sandbox_id.as_str()
    );
    if let Ok(value) = HeaderValue::from_str(&link) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(INSPECTOR_HEADER), value);
    }
    response
}

/// Records one request for the inspector, off the response path: the inspector must never slow the API down or
/// fail it. Returns the ID the inspector will know it by.
fn remember(
    inspector: &Inspector,
    sandbox_id: &sandbox_runtime::SandboxId,
    method: &Method,
    uri: &Uri,
    seen: Seen,
    started: std::time::Instant,
) -> String {
    let (request_json, response_json) = seen
        .inspection
        .map(|inspection| (inspection.request, inspection.response))
        .unwrap_or_default();
    let request_id = new_tx_id();
    let record = RequestRecord {
        request_id: request_id.clone(),
        request_json,
        response_json,
        logged_at_ms: crate::unix_time_ms(),
        method: method.as_str().to_owned(),
        path: uri.path().chars().take(MAX_LOGGED_PATH).collect(),
        http_status: i64::from(seen.status),
        code: seen.code,
        message: seen.message,
        latency_us: i64::try_from(started.elapsed().as_micros()).unwrap_or(i64::MAX),
    };
    let inspector = inspector.clone();
    let sandbox = sandbox_id.as_str().to_owned();
    tokio::spawn(async move {
        if let Err(error) = inspector::record(&inspector, &sandbox, &record).await {
            tracing::warn!(error = %error, "could not record a request for the inspector");
        }
    });
    request_id
}

/// The client ID the request names: the `clientID` header (any case), else the query, else a JSON body field.
fn client_id(headers: &HeaderMap, query: &str, body: &[u8]) -> Option<String> {
    let from_header = headers
        .iter()
        .find(|(name, _)| name.as_str().eq_ignore_ascii_case("clientid"))
        .and_then(|(_, value)| value.to_str().ok())
        .map(str::to_owned);
    let from_query = || {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(name, _)| name.eq_ignore_ascii_case("clientID"))
            .map(|(_, value)| value.to_owned())
    };
    let from_body = || {
        serde_json::from_slice::<serde_json::Value>(body)
            .ok()?
            .get("clientID")?
            .as_str()
            .map(str::to_owned)
    };
    from_header
        .or_else(from_query)
        .or_else(from_body)
        .filter(|client_id| !client_id.is_empty())
}

/// Turns the guest's response into HTTP, dropping any header that is not valid HTTP rather than failing.
fn guest_response(response: mock_iamsmart::ApiResponse) -> Response {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK);
    let mut http = Response::new(Body::from(response.body));
    *http.status_mut() = status;
    for (name, value) in response.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            http.headers_mut().insert(name, value);
        }
    }
    if !http.headers().contains_key(header::CONTENT_TYPE) {
        http.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    http
}

/// A clean envelope for a sandbox that could not answer; the details go to the operator's log, once.
fn sandbox_failure(error: &SandboxError) -> Response {
    match error {
        SandboxError::Storage(_) | SandboxError::Contention => {
            tracing::error!(error = %error, "sandbox storage unavailable");
            envelope_response(
                StatusCode::SERVICE_UNAVAILABLE,
                DCode::UnknownException,
                "the sandbox's storage is unavailable; try again shortly",
            )
        }
        _ if error.is_guest_fault() => {
            tracing::warn!(error = %error, "sandbox guest stopped");
            envelope_response(
                StatusCode::OK,
                DCode::UnknownException,
                &format!("unknown exception: {error}"),
            )
        }
        _ => {
            tracing::error!(error = %error, "sandbox failed");
            envelope_response(
                StatusCode::OK,
                DCode::Unhandled,
                "unhandled exception in the sandbox",
            )
        }
    }
}

fn envelope_response(status: StatusCode, code: DCode, message: &str) -> Response {
    let envelope = ResponseEnvelope {
        tx_id: new_tx_id(),
        code: code.code().to_owned(),
        message: message.to_owned(),
        content: None,
    };
    let body = serde_json::to_vec(&envelope).unwrap_or_default();
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

pub(crate) fn new_tx_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_id_comes_from_a_header_of_any_case_then_the_query_then_the_body() {
        let mut headers = HeaderMap::new();
        headers.insert("ClientId", HeaderValue::from_static("from-header"));
        assert_eq!(
            client_id(&headers, "clientID=q", b"{}").as_deref(),
            Some("from-header")
        );
        let empty = HeaderMap::new();
        assert_eq!(
            client_id(&empty, "a=1&clientID=from-query", b"").as_deref(),
            Some("from-query")
        );
        assert_eq!(
            client_id(&empty, "", br#"{"clientID":"from-body"}"#).as_deref(),
            Some("from-body")
        );
        assert_eq!(client_id(&empty, "clientID=", b"not json"), None);
    }
}
