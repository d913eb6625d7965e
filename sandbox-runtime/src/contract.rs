//! Checking what a guest answered before anything uses it: the outcome JSON must be small enough,
//! parse as `mock_iamsmart::Outcome`, fit the kind of call that was made, and (for an API response)
//! be a response an HTTP server can send: a real status code and header names and values that
//! cannot split or smuggle a response.
//!
//! This is the one place where guest output becomes a trusted value; it must never pass anything
//! through unchecked, and its error messages never quote the guest's bytes.

use mock_iamsmart::{ApiResponse, Call, Callback, Outcome};

use crate::error::SandboxError;
use crate::limits::MAX_OUTCOME_BYTES;

/// Parses and checks the guest's answer to `call`.
pub(crate) fn accept_outcome(call: &Call, outcome_json: &str) -> Result<Outcome, SandboxError> {
    if outcome_json.len() > MAX_OUTCOME_BYTES {
        return Err(SandboxError::contract(format!(
            "the outcome is {} bytes; at most {MAX_OUTCOME_BYTES} are accepted",
            outcome_json.len()
        )));
    }
    let outcome: Outcome = serde_json::from_str(outcome_json).map_err(|error| {
        // The serde message names a line, a column and an expected shape, never the input itself.
        SandboxError::contract(format!("the outcome is not a valid Outcome: {error}"))
    })?;
    if !fits(call, &outcome) {
        return Err(SandboxError::contract(format!(
            "a `{}` call was answered with a `{}` outcome",
            call.kind(),
            outcome_kind(&outcome)
        )));
    }
    if let Outcome::Api(response) = &outcome {
        check_api_response(response)?;
    }
    check_callbacks(callbacks_of(&outcome))?;
    Ok(outcome)
}

/// Which outcomes each call may produce. API calls always answer with an HTTP response (errors are
/// D-code envelopes inside it); the other calls answer with their own shape or an error.
fn fits(call: &Call, outcome: &Outcome) -> bool {
    match (call, outcome) {
        (Call::Api(_), Outcome::Api(_)) => true,
        (Call::Api(_), _) => false,
        (_, Outcome::Error { .. }) => true,
        (Call::BeginLogin(_), Outcome::LoginStarted(_)) => true,
        (
            Call::TicketStatus { .. }
            | Call::ApproveTicket { .. }
            | Call::RejectTicket { .. }
            | Call::CancelTicket { .. }
            | Call::ExpireTicket { .. }
            | Call::ApproveTicketWithFields { .. }
            | Call::FailTicket { .. }
            | Call::ContinueBulkSigning { .. },
            Outcome::Ticket(_),
        ) => true,
        (Call::TicketDetails { .. } | Call::CompleteStepup { .. }, Outcome::TicketDetails(_)) => {
            true
        }
        (Call::PendingTickets, Outcome::Tickets(_)) => true,
        (Call::ListPersonas, Outcome::Personas(_)) => true,
        (Call::InstallSigningCertificates { .. }, Outcome::SigningCertificatesInstalled { .. }) => {
            true
        }
        _ => false,
    }
}

fn check_api_response(response: &ApiResponse) -> Result<(), SandboxError> {
    if !(100..=599).contains(&response.status) {
        return Err(SandboxError::contract(format!(
            "HTTP status {} is not a valid status code",
            response.status
        )));
    }
    if let Some(inspection) = &response.inspection {
        check_inspection(inspection)?;
    }
    for (name, value) in &response.headers {
        let name_ok = !name.is_empty() && name.bytes().all(is_header_name_byte);
        // Visible ASCII, spaces and tabs only: no CR or LF to split the response, no other controls.
        let value_ok = value
            .bytes()
            .all(|b| b == b'\t' || (b' '..=b'~').contains(&b));
        if !name_ok || !value_ok {
            return Err(SandboxError::contract(
                "an API response header has an invalid name or value",
            ));
        }
    }
    Ok(())
}

/// The most callbacks one call may ask the host to deliver; a settled ticket produces one.
pub(crate) const MAX_CALLBACKS: usize = 4;

fn callbacks_of(outcome: &Outcome) -> &[Callback] {
    match outcome {
        Outcome::Api(response) => &response.callbacks,
        Outcome::Ticket(status) => &status.callbacks,
        _ => &[],
    }
}

/// Callbacks go out as HTTP requests: an `http(s)` URL and headers that cannot split the request.
/// Which URLs a sandbox may call is the host's decision against the sandbox's configuration.
fn check_callbacks(callbacks: &[Callback]) -> Result<(), SandboxError> {
    if callbacks.len() > MAX_CALLBACKS {
        return Err(SandboxError::contract(format!(
            "the outcome asks for {} callbacks; at most {MAX_CALLBACKS} are accepted",
            callbacks.len()
        )));
    }
    for callback in callbacks {
        if !mock_iamsmart::config::is_http_url(&callback.url) {
            return Err(SandboxError::contract(
                "a callback URL is not an http or https URL",
            ));
        }
        if !callback.headers.iter().all(|(name, value)| {
            !name.is_empty()
                && name.bytes().all(is_header_name_byte)
                && value
                    .bytes()
                    .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
        }) {
            return Err(SandboxError::contract(
                "a callback header has an invalid name or value",
            ));
        }
    }
    Ok(())
}

/// The inspector's view of an exchange must be what the guest promises: each part at most
/// [`mock_iamsmart::inspect::MAX_INSPECTED_BYTES`] of JSON. (Whether it is masked cannot be checked from
/// outside; the console shows it as text, so it can never become markup.)
fn check_inspection(inspection: &mock_iamsmart::inspect::Inspection) -> Result<(), SandboxError> {
    for part in [&inspection.request, &inspection.response]
        .into_iter()
        .flatten()
    {
        if part.len() > mock_iamsmart::inspect::MAX_INSPECTED_BYTES
            || serde_json::from_str::<serde::de::IgnoredAny>(part).is_err()
        {
            return Err(SandboxError::contract(
                "an API response's inspection is too large or not JSON",
            ));
        }
    }
    Ok(())
}

/// RFC 9110 `tchar`.
fn is_header_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

fn outcome_kind(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Api(_) => "api",
        Outcome::LoginStarted(_) => "login_started",
        Outcome::Ticket(_) => "ticket",
        Outcome::Tickets(_) => "tickets",
        Outcome::Personas(_) => "personas",
        Outcome::SigningCertificatesInstalled { .. } => "signing_certificates_installed",
        Outcome::TicketDetails(_) => "ticket_details",
        Outcome::Error { .. } => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mock_iamsmart::ApiRequest;

    fn contract_reason(result: Result<Outcome, SandboxError>) -> String {
        match result {
            Err(SandboxError::GuestContract { reason }) => reason,
            other => panic!("expected a contract violation, got {other:?}"),
        }
    }

    #[test]
    fn a_well_formed_outcome_that_fits_the_call_is_accepted() {
        let outcome = accept_outcome(&Call::ListPersonas, r#"{"outcome":"personas","data":[]}"#);
        assert!(matches!(outcome, Ok(Outcome::Personas(cast)) if cast.is_empty()));
        let error = r#"{"outcome":"error","data":{"code":"D40001","message":"user rejected"}}"#;
        let call = Call::RejectTicket {
            ticket_id: "t".into(),
        };
        assert!(matches!(
            accept_outcome(&call, error),
            Ok(Outcome::Error { .. })
        ));
    }

    #[test]
    fn garbage_is_a_contract_violation_that_does_not_quote_the_guest() {
        let reason = contract_reason(accept_outcome(&Call::ListPersonas, "secret-garbage"));
        assert!(!reason.contains("secret-garbage"), "{reason}");
        contract_reason(accept_outcome(&Call::ListPersonas, ""));
        contract_reason(accept_outcome(
            &Call::ListPersonas,
            r#"{"outcome":"personas","data":"not a list"}"#,
        ));
    }

    #[test]
    fn an_outcome_of_the_wrong_kind_for_the_call_is_rejected() {
        let reason = contract_reason(accept_outcome(
            &Call::Api(ApiRequest::default()),
            r#"{"outcome":"personas","data":[]}"#,
        ));
        assert!(reason.contains("`api` call"), "{reason}");
        let error = r#"{"outcome":"error","data":{"code":"D20000","message":"x"}}"#;
        contract_reason(accept_outcome(&Call::Api(ApiRequest::default()), error));
    }

    #[test]
    fn api_responses_must_have_a_real_status_and_safe_headers() {
        let response = |status: u16, name: &str, value: &str| {
            serde_json::json!({
                "outcome": "api",
                "data": {"status": status, "headers": [[name, value]], "body": ""}
            })
            .to_string()
        };
        let call = Call::Api(ApiRequest::default());
        assert!(accept_outcome(&call, &response(200, "Content-Type", "application/json")).is_ok());
        contract_reason(accept_outcome(&call, &response(0, "Content-Type", "x")));
        contract_reason(accept_outcome(&call, &response(700, "Content-Type", "x")));
        contract_reason(accept_outcome(&call, &response(200, "Bad Name", "x")));
        contract_reason(accept_outcome(
            &call,
            &response(200, "Set-Cookie", "a=b\r\nX-Injected: 1"),
        ));
    }

    #[test]
    fn callbacks_must_be_few_with_http_urls_and_safe_headers() {
        let ticket = |url: &str, header: &str, count: usize| {
            let callback = serde_json::json!({
                "url": url, "headers": [["Content-Type", header]], "body": ""
            });
            serde_json::json!({
                "outcome": "ticket",
                "data": {
                    "ticket_id": "t", "state": "approved", "expires_at_ms": 1, "expires_in_ms": 0,
                    "service_name": "s", "source": null, "scope": [], "lang": "zh-HK",
                    "redirect_url": null, "callbacks": vec![callback; count]
                }
            })
            .to_string()
        };
        let call = Call::FailTicket {
            ticket_id: "t".into(),
        };
        let good = accept_outcome(
            &call,
            &ticket("https://rp.example/cb", "application/json", 1),
        );
        assert!(matches!(good, Ok(Outcome::Ticket(status)) if status.callbacks.len() == 1));
        contract_reason(accept_outcome(
            &call,
            &ticket("file:///etc/passwd", "application/json", 1),
        ));
        contract_reason(accept_outcome(
            &call,
            &ticket("https://rp.example/cb", "a\r\nX: y", 1),
        ));
        contract_reason(accept_outcome(
            &call,
            &ticket(
                "https://rp.example/cb",
                "application/json",
                MAX_CALLBACKS + 1,
            ),
        ));
    }

    #[test]
    fn an_inspection_must_be_bounded_json() {
        let response = |request: &str| {
            serde_json::json!({
                "outcome": "api",
                "data": {"status": 200, "headers": [], "body": "", "inspection": {"request": request}}
            })
            .to_string()
        };
        let call = Call::Api(ApiRequest::default());
        assert!(accept_outcome(&call, &response(r#"{"content":"x"}"#)).is_ok());
        contract_reason(accept_outcome(&call, &response("not json")));
        let huge = format!(
            "\"{}\"",
            "x".repeat(mock_iamsmart::inspect::MAX_INSPECTED_BYTES)
        );
        contract_reason(accept_outcome(&call, &response(&huge)));
    }

    #[test]
    fn an_oversized_outcome_is_rejected_before_parsing() {
        let huge = " ".repeat(MAX_OUTCOME_BYTES + 1);
        let reason = contract_reason(accept_outcome(&Call::ListPersonas, &huge));
        assert!(reason.contains("bytes"), "{reason}");
    }
}
