//! The signed POST APIs: the HTTP-shaped request and response that cross the wasm boundary, and the
//! routing of `/api/v1/...` paths to their handlers.
//!
//! Every route goes through `envelope::verify_request` before its handler runs, so no handler
//! can forget authentication. Unknown routes answer `D99990` (unhandled request) in the usual
//! envelope with HTTP 200, because PROTOCOL §11.6 says clients cannot recover from other statuses and
//! no published code is closer to "no such API". This module logs the route and the result code only,
//! never headers or bodies.

use serde::{Deserialize, Serialize};

use crate::automation::{self, APPROVE_TICKET_PATH, PENDING_TICKETS_PATH, REJECT_TICKET_PATH};
use crate::callback::Callback;
use crate::cek;
use crate::codes::{DCode, ProtocolError};
use crate::config::SandboxConfig;
use crate::envelope::{self, ResponseEnvelope};
use crate::form_filling;
use crate::host::{Host, LogLevel};
use crate::inspect;
use crate::token;
use crate::{bulk_signing, signing, signing_api, step_up};

pub const GET_KEY_PATH: &str = "/api/v1/security/getKey";
pub const REVOKE_KEY_PATH: &str = "/api/v1/security/revokeKey";
pub const GET_TOKEN_PATH: &str = "/api/v1/auth/getToken";

/// Paths longer than this are cut in error messages and logs, so a hostile client cannot make either
/// large.
const MAX_ECHOED_PATH: usize = 120;

/// Bodies travel as Base64 strings inside the JSON of a [`crate::Call`]: a JSON array of numbers would
/// be about four times larger.
pub(crate) mod base64_body {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// One HTTP request to a sandbox API, as the host received it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiRequest {
    pub method: String,
    /// The path below the sandbox's base URL, for example `/api/v1/auth/getToken`; the host strips
    /// any tenant prefix.
    pub path: String,
    /// The raw query string without `?`.
    #[serde(default)]
    pub query: String,
    /// Header names and values in arrival order; names are matched case-insensitively.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The raw body bytes exactly as sent, which is what the signature covers.
    #[serde(default, with = "base64_body")]
    pub body: Vec<u8>,
}

impl ApiRequest {
    /// The first header with this name, ignoring ASCII case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// The HTTP response to send back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    #[serde(with = "base64_body")]
    pub body: Vec<u8>,
    /// Callbacks the host must POST to the relying party after the call's writes are committed (an
    /// auto-responder or the automation API answered a data request).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub callbacks: Vec<Callback>,
    /// What the request inspector may show of this exchange (decrypted, masked, bounded); never sent to the
    /// client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspection: Option<crate::inspect::Inspection>,
    /// Set when this answer approved a bulk-signing request: the ticket whose signing the host must
    /// carry on with `continue_bulk_signing` after delivering `callbacks` (see `bulk_signing.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continue_bulk_signing: Option<String>,
}

/// What a route handler answers: the success `content`, and any callbacks to deliver.
#[derive(Debug, Default)]
pub(crate) struct Answer {
    pub content: Option<serde_json::Value>,
    pub callbacks: Vec<Callback>,
    /// The bulk-signing ticket the host must continue, when this answer approved one.
    pub continue_bulk_signing: Option<String>,
}

impl Answer {
    pub fn content(content: serde_json::Value) -> Self {
        Answer {
            content: Some(content),
            ..Answer::default()
        }
    }
}

impl ApiResponse {
    /// The body parsed as the protocol's response envelope, if it is one.
    pub fn envelope(&self) -> Option<ResponseEnvelope> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// The APIs this crate serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    GetKey,
    RevokeKey,
    GetToken,
    ApproveTicket,
    RejectTicket,
    PendingTickets,
    FormFillingRequest,
    ProfileRequest,
    Profiles,
    AnonymousFormFillingRequest,
    AnonymousFormFillingResult,
    HashSigningRequest,
    PdfSigningRequest,
    AnonymousHashSigningRequest,
    AnonymousPdfSigningRequest,
    AnonymousHashSigningResult,
    AnonymousPdfSigningResult,
    SigningAckResult,
    CompleteStepUp,
    StepUpRequest,
    BulkSigningRequest,
    BulkSigningStatus,
    BulkSigningCancel,
    BulkSigningAckResult,
}

impl Route {
    fn find(method: &str, path: &str) -> Option<Route> {
        if method != "POST" {
            return None;
        }
        match path {
            GET_KEY_PATH => Some(Route::GetKey),
            REVOKE_KEY_PATH => Some(Route::RevokeKey),
            GET_TOKEN_PATH => Some(Route::GetToken),
            APPROVE_TICKET_PATH => Some(Route::ApproveTicket),
            REJECT_TICKET_PATH => Some(Route::RejectTicket),
            PENDING_TICKETS_PATH => Some(Route::PendingTickets),
            form_filling::EME_REQUEST_PATH | form_filling::EME_REQUEST_ALIAS_PATH => {
                Some(Route::FormFillingRequest)
            }
            form_filling::PROFILE_REQUEST_PATH | form_filling::PROFILE_REQUEST_ALIAS_PATH => {
                Some(Route::ProfileRequest)
            }
            form_filling::PROFILES_PATH => Some(Route::Profiles),
            form_filling::ANONYMOUS_EME_REQUEST_PATH => Some(Route::AnonymousFormFillingRequest),
            form_filling::ANONYMOUS_EME_RESULT_PATH => Some(Route::AnonymousFormFillingResult),
            signing::HASH_SIGNING_PATH => Some(Route::HashSigningRequest),
            signing::PDF_SIGNING_PATH => Some(Route::PdfSigningRequest),
            signing::ANONYMOUS_HASH_SIGNING_PATH => Some(Route::AnonymousHashSigningRequest),
            signing::ANONYMOUS_PDF_SIGNING_PATH => Some(Route::AnonymousPdfSigningRequest),
            signing::ANONYMOUS_HASH_SIGNING_RESULT_PATH => Some(Route::AnonymousHashSigningResult),
            signing::ANONYMOUS_PDF_SIGNING_RESULT_PATH => Some(Route::AnonymousPdfSigningResult),
            signing::ACK_RESULT_PATH => Some(Route::SigningAckResult),
            automation::COMPLETE_STEP_UP_PATH => Some(Route::CompleteStepUp),
            step_up::STEP_UP_REQUEST_PATH => Some(Route::StepUpRequest),
            bulk_signing::BULK_REQUEST_PATH => Some(Route::BulkSigningRequest),
            bulk_signing::BULK_ENQUIRE_STATUS_PATH => Some(Route::BulkSigningStatus),
            bulk_signing::BULK_CANCEL_PATH => Some(Route::BulkSigningCancel),
            bulk_signing::BULK_ACK_RESULT_PATH => Some(Route::BulkSigningAckResult),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Route::GetKey => "getKey",
            Route::RevokeKey => "revokeKey",
            Route::GetToken => "getToken",
            Route::ApproveTicket => "sandbox/approveTicket",
            Route::RejectTicket => "sandbox/rejectTicket",
            Route::PendingTickets => "sandbox/pendingTickets",
            Route::FormFillingRequest => "eme/initiateRequest",
            Route::ProfileRequest => "profile/initiateRequest",
            Route::Profiles => "profiles",
            Route::AnonymousFormFillingRequest => "anonymous/eme/initiateRequest",
            Route::AnonymousFormFillingResult => "anonymous/eme/getResult",
            Route::HashSigningRequest => "signing/initiateRequest",
            Route::PdfSigningRequest => "pdfsigning/initiateRequest",
            Route::AnonymousHashSigningRequest => "anonymous/signing/initiateRequest",
            Route::AnonymousPdfSigningRequest => "anonymous/pdfsigning/initiateRequest",
            Route::AnonymousHashSigningResult => "anonymous/signing/getResult",
            Route::AnonymousPdfSigningResult => "anonymous/pdfsigning/getResult",
            Route::SigningAckResult => "signing/ackResult",
            Route::CompleteStepUp => "sandbox/completeStepup",
            Route::StepUpRequest => "stepup/initiateRequest",
            Route::BulkSigningRequest => "bdss/initiateRequest",
            Route::BulkSigningStatus => "bdss/enquireStatus",
            Route::BulkSigningCancel => "bdss/cancelRequest",
            Route::BulkSigningAckResult => "bdss/ackResult",
        }
    }
}

/// A prefix of `text` of at most `limit` characters.
fn truncated(text: &str, limit: usize) -> String {
    text.chars().take(limit).collect()
}

/// Answers one API request. Every failure is a D-code envelope with HTTP 200.
pub(crate) fn serve(
    host: &mut dyn Host,
    config: &SandboxConfig,
    request: &ApiRequest,
) -> ApiResponse {
    let Some(route) = Route::find(&request.method, &request.path) else {
        let shown = format!(
            "{} {}",
            truncated(&request.method, 10),
            truncated(&request.path, MAX_ECHOED_PATH)
        );
        host.log(LogLevel::Info, &format!("no API at {shown}"));
        let error = ProtocolError::with_message(
            DCode::Unhandled,
            format!("unhandled request: no API at {shown}"),
        );
        return envelope::failure(host, &error);
    };
    let body = &request.body;
    // The inspector's view of the request is taken once the envelope is verified, before a handler can change
    // the current key (getKey replaces it, revokeKey removes it).
    let mut inspected_request = None;
    let result = envelope::verify_request(host, config, request, route).and_then(|()| {
        let inspection_key = inspect::current_cek_for_inspection(host, body);
        inspected_request = inspect::request_json(body, inspection_key.as_ref());
        match route {
            Route::GetKey => cek::get_key(host, config).map(Answer::content),
            Route::RevokeKey => cek::revoke_key(host).map(|()| Answer::default()),
            Route::GetToken => token::get_token(host, config, body).map(Answer::content),
            Route::ApproveTicket => automation::approve_ticket(host, config, body),
            Route::RejectTicket => automation::reject_ticket(host, config, body),
            Route::PendingTickets => {
                automation::pending_tickets(host, config, body).map(Answer::content)
            }
            Route::FormFillingRequest => form_filling::eme_request(host, config, body),
            Route::ProfileRequest => form_filling::profile_request(host, config, body),
            Route::Profiles => form_filling::profiles(host, config, body).map(Answer::content),
            Route::AnonymousFormFillingRequest => {
                form_filling::anonymous_eme_request(host, config, body).map(Answer::content)
            }
            Route::AnonymousFormFillingResult => {
                form_filling::anonymous_eme_result(host, config, body).map(Answer::content)
            }
            Route::HashSigningRequest => signing_api::hash_signing_request(host, config, body),
            Route::PdfSigningRequest => signing_api::pdf_signing_request(host, config, body),
            Route::AnonymousHashSigningRequest => {
                signing_api::anonymous_hash_signing_request(host, config, body).map(Answer::content)
            }
            Route::AnonymousPdfSigningRequest => {
                signing_api::anonymous_pdf_signing_request(host, config, body).map(Answer::content)
            }
            Route::AnonymousHashSigningResult => {
                signing_api::anonymous_result(host, config, body, false).map(Answer::content)
            }
            Route::AnonymousPdfSigningResult => {
                signing_api::anonymous_result(host, config, body, true).map(Answer::content)
            }
            Route::SigningAckResult => signing_api::ack_result(host, body).map(Answer::content),
            Route::CompleteStepUp => automation::complete_step_up(host, config, body),
            Route::StepUpRequest => step_up::step_up_request(host, config, body),
            Route::BulkSigningRequest => bulk_signing::bulk_request(host, config, body),
            Route::BulkSigningStatus => {
                bulk_signing::enquire_status(host, body).map(Answer::content)
            }
            Route::BulkSigningCancel => {
                bulk_signing::cancel_request(host, config, body).map(Answer::content)
            }
            Route::BulkSigningAckResult => {
                bulk_signing::ack_result(host, body).map(Answer::content)
            }
        }
    });
    let inspected_response = match &result {
        Ok(answer) => inspect::response_json(host, answer.content.as_ref()),
        Err(_) => None,
    };
    let mut response = match result {
        Ok(answer) => {
            host.log(
                LogLevel::Info,
                &format!("{} {}", route.name(), DCode::Success),
            );
            let mut response = envelope::success(host, answer.content);
            response.callbacks = answer.callbacks;
            response.continue_bulk_signing = answer.continue_bulk_signing;
            response
        }
        Err(error) => {
            host.log(LogLevel::Info, &format!("{} {}", route.name(), error.code));
            envelope::failure(host, &error)
        }
    };
    // A request that failed verification is still shown, masked, with its content left encrypted.
    let request_shown = inspected_request.or_else(|| inspect::request_json(&request.body, None));
    response.inspection = Some(inspect::Inspection {
        request: request_shown,
        response: inspected_response,
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client;
    use crate::testkit::Rp;

    #[test]
    fn header_lookup_ignores_case_and_takes_the_first_value() {
        let request = ApiRequest {
            headers: vec![
                ("ClientId".into(), "first".into()),
                ("clientid".into(), "second".into()),
            ],
            ..ApiRequest::default()
        };
        assert_eq!(request.header("clientID"), Some("first"));
        assert_eq!(request.header("nonce"), None);
    }

    #[test]
    fn requests_serialise_bodies_as_base64() {
        let request = ApiRequest {
            method: "POST".into(),
            path: GET_KEY_PATH.into(),
            body: b"{}".to_vec(),
            ..ApiRequest::default()
        };
        let json = serde_json::to_value(&request).expect("serialises");
        assert_eq!(json["body"], "e30=");
        let back: ApiRequest = serde_json::from_value(json).expect("parses");
        assert_eq!(back, request);
    }

    #[test]
    fn an_unknown_path_gets_an_unhandled_request_envelope_with_http_200() {
        let mut rp = Rp::strict();
        let request = rp.signed_request("/api/v1/nothing/here", b"{}");
        let response = rp.send(&request);
        assert_eq!(response.status, 200);
        let envelope = response.envelope().expect("envelope");
        assert_eq!(envelope.code, "D99990");
        assert!(envelope.message.contains("/api/v1/nothing/here"));
        assert_eq!(envelope.content, None);
    }

    #[test]
    fn a_get_to_a_post_api_is_unhandled_and_a_huge_path_is_not_echoed_in_full() {
        let mut rp = Rp::strict();
        let mut request = rp.signed_request(GET_KEY_PATH, b"");
        request.method = "GET".into();
        assert_eq!(
            rp.send(&request).envelope().map(|e| e.code).as_deref(),
            Some("D99990")
        );
        request.path = format!("/{}", "x".repeat(10_000));
        let envelope = rp.send(&request).envelope().expect("envelope");
        assert!(envelope.message.len() < 300);
    }

    #[test]
    fn the_inspection_shows_decrypted_content_with_codes_and_tokens_masked() {
        let mut rp = Rp::strict();
        rp.get_key();
        let code = rp.login(crate::persona::IAMSMART_USER, "eidapi_auth");
        let request = rp.signed_encrypted_request(
            GET_TOKEN_PATH,
            &serde_json::json!({"code": code, "grantType": "authorization_code"}),
        );
        let response = rp.send(&request);
        let inspection = response.inspection.clone().expect("an inspection");
        let shown_request: serde_json::Value =
            serde_json::from_str(inspection.request.as_deref().expect("request")).expect("json");
        assert_eq!(shown_request["content"]["grantType"], "authorization_code");
        assert!(!shown_request.to_string().contains(&code));
        let shown_response = inspection.response.expect("response");
        assert!(shown_response.contains("accessToken"), "{shown_response}");
        let envelope = response.envelope().expect("envelope");
        let plain = client::decrypt_content(
            &rp.get_key_for_tests(),
            envelope
                .content
                .as_ref()
                .and_then(serde_json::Value::as_str)
                .expect("content"),
        )
        .expect("decrypts");
        let token: serde_json::Value = serde_json::from_slice(&plain).expect("json");
        let access_token = token["accessToken"].as_str().expect("token");
        assert!(!shown_response.contains(access_token), "{shown_response}");
        assert!(!shown_response.contains(token["openID"].as_str().expect("openID")));
    }

    #[test]
    fn a_request_that_fails_verification_is_inspected_without_decrypting_it() {
        let mut rp = Rp::strict();
        let mut request = rp.signed_request(GET_TOKEN_PATH, br#"{"content":"c2VhbGVk"}"#);
        request
            .headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("signature"));
        let inspection = rp.send(&request).inspection.expect("an inspection");
        assert!(
            inspection
                .request
                .is_some_and(|shown| shown.contains("no current key"))
        );
        assert_eq!(inspection.response, None);
    }

    #[test]
    fn logs_name_the_route_and_code_but_never_headers_or_bodies() {
        let mut rp = Rp::strict();
        rp.get_key();
        let logs = rp.host.logs().to_vec();
        assert!(logs.iter().any(|(_, line)| line == "getKey D00000"));
        for (_, line) in logs {
            assert!(!line.contains(crate::testkit::CLIENT_SECRET));
            assert!(!line.contains("nonce-"));
        }
    }
}
