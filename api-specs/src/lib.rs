//! The OpenAPI 3.1 document of every `/api/v1` endpoint a sandbox serves, built with utoipa from the mock's
//! own wire types: the response envelope (`mock_iamsmart::ResponseEnvelope`), the signed headers
//! (`mock_iamsmart::client::SignedHeaders`), the decrypted `content` shapes (`GetKeyContent`,
//! `TokenContent`, `UserType`, and the profile, e-ME, address and signing types the flows release) and the
//! D-code table (`DCode`). Form filling ([`form_filling`]), signing ([`signing`]) and the callbacks the
//! sandbox POSTs to the RP, as OpenAPI `webhooks` ([`callbacks`]), are described in their own modules and
//! merged into the one document. The generated JSON is committed as
//! `api-specs/openapi.json`, and a test fails when it no longer matches what the types produce, so a change to
//! the wire format cannot slip past the reference.
//!
//! The request bodies below are typed here because the mock reads them field by field; a test sends each
//! documented example through the real mock, so a documented shape the mock refuses fails the build. This
//! crate only describes; it never serves or calls anything.

use mock_iamsmart::{
    DCode, ResponseEnvelope, UserType, cek::GetKeyContent, client::SignedHeaders,
    token::TokenContent,
};
use serde::Serialize;
use utoipa::{IntoParams, IntoResponses, Modify, OpenApi, ToSchema};

pub mod callbacks;
pub mod form_filling;
pub mod signing;

/// Where the committed document lives, relative to the workspace root.
pub const DOCUMENT_PATH: &str = "api-specs/openapi.json";

/// The request and response body of every encrypted API: Base64 of
/// `[4-byte big-endian IV length = 12][12-byte IV][AES-256-GCM ciphertext ‖ 16-byte tag]` under the CEK.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"content": "AAAADGZha2UtaXYtMTIzNHRoZSBjaXBoZXJ0ZXh0IGFuZCB0YWc="}))]
pub struct EncryptedBody {
    pub content: String,
}

/// The decrypted `content` of a getToken request.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"code": "0f8a6b1c2d3e4f5a6b7c8d9e0f1a2b3c", "grantType": "authorization_code"}))]
pub struct GetTokenRequest {
    /// The single-use authorisation code from the redirect (60 seconds by default).
    pub code: String,
    /// Always `authorization_code`.
    #[serde(rename = "grantType")]
    pub grant_type: String,
}

/// A getKey answer: the envelope with a plain-JSON `content` (the only unencrypted one).
#[derive(Serialize, ToSchema)]
pub struct GetKeyEnvelope {
    #[serde(rename = "txID")]
    pub tx_id: String,
    pub code: DCode,
    pub message: String,
    /// Present on success only.
    pub content: Option<GetKeyContent>,
}

/// The answer of an encrypted API: `content` decrypts to the endpoint's result.
#[derive(Serialize, ToSchema)]
pub struct EncryptedEnvelope {
    #[serde(rename = "txID")]
    pub tx_id: String,
    pub code: DCode,
    pub message: String,
    /// Present on success only: Base64 AES-256-GCM under the CEK, laid out like [`EncryptedBody`].
    pub content: Option<String>,
}

/// An answer with no `content` (revokeKey, and every error).
#[derive(Serialize, ToSchema)]
pub struct PlainEnvelope {
    #[serde(rename = "txID")]
    pub tx_id: String,
    pub code: DCode,
    pub message: String,
}

/// `approveTicket`'s body (sandbox only; plain JSON, signed).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"ticketID": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "personaID": "iamsmart-user"}))]
pub struct ApproveTicketRequest {
    #[serde(rename = "ticketID")]
    pub ticket_id: String,
    /// A persona of the sandbox (see the personas guide).
    #[serde(rename = "personaID")]
    pub persona_id: String,
    /// Step-up factors to pass first (`FR`, `NFC`), for a request that asks for step-up.
    #[serde(rename = "stepUp", skip_serializing_if = "Option::is_none")]
    pub step_up: Option<Vec<String>>,
}

/// `completeStepup`'s body (sandbox only; plain JSON, signed): the persona passes one simulated
/// step-up factor now, on the sandbox clock.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"ticketID": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "personaID": "iamsmart-plus-user", "method": "FR"}))]
pub struct CompleteStepUpRequest {
    #[serde(rename = "ticketID")]
    pub ticket_id: String,
    #[serde(rename = "personaID")]
    pub persona_id: String,
    /// `FR` (face recognition) or `NFC` (HKID chip read).
    pub method: String,
}

/// Where a ticket's step-up stands for the persona.
#[derive(Serialize, ToSchema)]
pub struct StepUpProgress {
    /// `unary` or `and`.
    pub combination: String,
    /// The factors asked for.
    pub methods: Vec<String>,
    /// `stepupAuthPeriod`, when the request gave one.
    #[serde(rename = "periodSeconds")]
    pub period_seconds: Option<i64>,
    pub done: Vec<String>,
    pub missing: Vec<String>,
    /// Whether the ticket may now be approved.
    pub satisfied: bool,
}

/// `completeStepup`'s answer.
#[derive(Serialize, ToSchema)]
pub struct CompleteStepUpAnswer {
    #[serde(rename = "ticketID")]
    pub ticket_id: String,
    #[serde(rename = "stepUp")]
    pub step_up: StepUpProgress,
}

/// The answer of `completeStepup`.
#[derive(Serialize, ToSchema)]
pub struct CompleteStepUpEnvelope {
    #[serde(rename = "txID")]
    pub tx_id: String,
    pub code: DCode,
    pub message: String,
    pub content: Option<CompleteStepUpAnswer>,
}

/// The decrypted `content` of `account/stepup/initiateRequest`.
#[derive(Serialize, ToSchema)]
pub struct StepUpInitiateRequest {
    /// At most 36 printable characters, unique per client (else `D20011`).
    #[serde(rename = "businessID")]
    pub business_id: String,
    #[serde(rename = "accessToken")]
    pub access_token: String,
    #[serde(rename = "openID")]
    pub open_id: String,
    pub source: String,
    #[serde(rename = "redirectURI")]
    pub redirect_uri: Option<String>,
    pub state: Option<String>,
    /// `{"unary":["FR"]}` (the default), `{"unary":["NFC"]}` or `{"and":["FR","NFC"]}`, as an object
    /// or its JSON text.
    #[serde(rename = "stepupAuthMethod")]
    #[schema(value_type = Option<Object>)]
    pub stepup_auth_method: Option<serde_json::Value>,
    /// Seconds: a factor the user passed that recently counts.
    #[serde(rename = "stepupAuthPeriod")]
    pub stepup_auth_period: Option<i64>,
}

/// One document of a bulk-signing request: `hashCode` with `sigAlgo`, or `docDigest`.
#[derive(Serialize, ToSchema)]
pub struct BulkDocument {
    /// Unique in the request, at most 64 characters.
    pub id: String,
    #[serde(rename = "documentName")]
    pub document_name: Option<String>,
    /// Base64 digest (32 bytes for `SHA256withRSA`, at most 245 for `NONEwithRSA`).
    #[serde(rename = "hashCode")]
    pub hash_code: Option<String>,
    /// `SHA256withRSA` (the default) or `NONEwithRSA`.
    #[serde(rename = "sigAlgo")]
    pub sig_algo: Option<String>,
    /// Base64 SHA-256 of a PDF's byte range: answered with a detached PKCS#7.
    #[serde(rename = "docDigest")]
    pub doc_digest: Option<String>,
}

/// The decrypted `content` of `bdss/initiateRequest`.
#[derive(Serialize, ToSchema)]
pub struct BulkSigningInitiateRequest {
    #[serde(rename = "businessID")]
    pub business_id: String,
    #[serde(rename = "accessToken")]
    pub access_token: String,
    #[serde(rename = "openID")]
    pub open_id: String,
    pub source: String,
    #[serde(rename = "redirectURI")]
    pub redirect_uri: Option<String>,
    /// Where the result callbacks go: the registered callback URL or a redirect URI (else `D20008`).
    #[serde(rename = "callbackResultURI")]
    pub callback_result_uri: Option<String>,
    pub state: Option<String>,
    #[serde(rename = "requestName")]
    pub request_name: Option<String>,
    pub department: Option<String>,
    #[serde(rename = "serviceName")]
    pub service_name: Option<String>,
    /// Signatures per result callback, 1–1000 (default 1000; at most 100 for PDF signatures).
    #[serde(rename = "maxCallbackSigs")]
    pub max_callback_sigs: Option<u32>,
    /// Base64 SHA-256 of the signer's HKID without check digit (`D70005` on mismatch).
    #[serde(rename = "HKICHash")]
    pub hkic_hash: Option<String>,
    /// 1 to 1000 documents (else `D71004`).
    pub documents: Vec<BulkDocument>,
}

/// The decrypted `content` of `bdss/enquireStatus` and `bdss/cancelRequest`.
#[derive(Serialize, ToSchema)]
pub struct BulkSigningReference {
    #[serde(rename = "businessID")]
    pub business_id: String,
}

/// The decrypted `content` of `bdss/ackResult`.
#[derive(Serialize, ToSchema)]
pub struct BulkSigningAck {
    #[serde(rename = "businessID")]
    pub business_id: String,
    /// `SR001` accepted, `SR002` rejected, `SR003` none received.
    #[serde(rename = "signingResult")]
    pub signing_result: String,
}

/// What `bdss/enquireStatus`'s `content` decrypts to.
#[derive(Serialize, ToSchema)]
pub struct BulkSigningStatus {
    #[serde(rename = "businessID")]
    pub business_id: String,
    /// `SS001` waiting for the user, `SS002` signing, `SS003` completed, `SS004` cancelled, `SS005`
    /// rejected, failed or timed out, `SS006` no record (then only `businessID` is present).
    pub status: String,
    #[serde(rename = "totalSignNum")]
    pub total_sign_num: Option<u32>,
    #[serde(rename = "signedNum")]
    pub signed_num: Option<u32>,
    #[serde(rename = "failSignNum")]
    pub fail_sign_num: Option<u32>,
    #[serde(rename = "totalCallbacks")]
    pub total_callbacks: Option<u32>,
    #[serde(rename = "sentCallbacks")]
    pub sent_callbacks: Option<u32>,
}

/// `rejectTicket`'s body (sandbox only; plain JSON, signed).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"ticketID": "a1b2c3d4e5f60718293a4b5c6d7e8f90"}))]
pub struct RejectTicketRequest {
    #[serde(rename = "ticketID")]
    pub ticket_id: String,
}

/// How a ticket was answered.
#[derive(Serialize, ToSchema)]
pub struct TicketAnswer {
    #[serde(rename = "ticketID")]
    pub ticket_id: String,
    /// `approved` or `rejected`.
    pub state: String,
    /// Where iAM Smart would send the browser: the redirect URI with `code` and `state`, or `error_code`.
    #[serde(rename = "redirectURL")]
    pub redirect_url: Option<String>,
}

/// The answer of `approveTicket` and `rejectTicket`.
#[derive(Serialize, ToSchema)]
pub struct TicketAnswerEnvelope {
    #[serde(rename = "txID")]
    pub tx_id: String,
    pub code: DCode,
    pub message: String,
    pub content: Option<TicketAnswer>,
}

/// One ticket waiting for an answer.
#[derive(Serialize, ToSchema)]
pub struct PendingTicket {
    #[serde(rename = "ticketID")]
    pub ticket_id: String,
    pub scope: String,
    pub source: String,
    #[serde(rename = "expiresInMs")]
    pub expires_in_ms: i64,
}

/// The tickets waiting for an answer.
#[derive(Serialize, ToSchema)]
pub struct PendingTickets {
    pub tickets: Vec<PendingTicket>,
}

/// The answer of `pendingTickets`.
#[derive(Serialize, ToSchema)]
pub struct PendingTicketsEnvelope {
    #[serde(rename = "txID")]
    pub tx_id: String,
    pub code: DCode,
    pub message: String,
    pub content: Option<PendingTickets>,
}

/// getQR's JSON answer (sandbox only, with `Accept: application/json`): a login started without a browser.
#[derive(Serialize, ToSchema)]
pub struct StartedLogin {
    #[serde(rename = "ticketID")]
    pub ticket_id: String,
    /// How long the ticket waits for an answer (18 minutes).
    #[serde(rename = "expiresInMs")]
    pub expires_in_ms: i64,
    /// The test app's link, `hk.gov.iamsmart.testapp://auth?ticketID=…`.
    #[serde(rename = "appLink")]
    pub app_link: String,
    /// The virtual phone at this ticket.
    #[serde(rename = "phoneURL")]
    pub phone_url: String,
    /// Where a browser would poll the ticket.
    #[serde(rename = "statusURL")]
    pub status_url: String,
    /// Set when an auto-responder has already answered: where the browser goes next.
    #[serde(rename = "redirectURL")]
    pub redirect_url: Option<String>,
}

/// The query of `GET /api/v1/auth/getQR`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // reason: the fields exist only to be described.
pub struct GetQrQuery {
    /// The RP's client ID.
    #[param(rename = "clientID")]
    client_id: String,
    /// `code`.
    #[param(rename = "responseType", example = "code")]
    response_type: String,
    /// How the user is browsing: `PC_Browser` shows a QR code; phones and apps get the app link.
    #[param(example = "PC_Browser")]
    source: String,
    /// One of the sandbox's allowed redirect URIs, exactly (else `D20008`).
    #[param(rename = "redirectURI", example = "http://localhost:3000/callback")]
    redirect_uri: String,
    /// Space-delimited scopes: `eidapi_auth`, `eidapi_profiles`, `eidapi_formFilling`, `eidapi_sign`,
    /// `eidapi_fr`, `eidapi_bulksign`.
    #[param(example = "eidapi_auth")]
    scope: String,
    /// `en-US`, `zh-HK` (the default) or `zh-CN`.
    lang: Option<String>,
    /// At most 36 characters of `[A-Za-z0-9_-]`, echoed back on the redirect.
    state: Option<String>,
    /// `true` on mobile web: an "Open iAM Smart" button instead of the QR code.
    #[param(rename = "brokerPage")]
    broker_page: Option<String>,
    /// Attaches an anonymous request to this page.
    #[param(rename = "ticketID")]
    ticket_id: Option<String>,
}

/// What the portal itself answers to any `POST /api/v1/…` before, or instead of, the sandbox: the D-code
/// errors of the envelope are HTTP 200, but these two are not.
#[derive(IntoResponses)]
#[allow(dead_code)] // reason: the variants exist only to be described.
pub(crate) enum HostAnswers {
    /// The body is over 10 MB, the real service's limit: refused before it reaches a sandbox, as plain text.
    #[response(status = 413, content_type = "text/plain")]
    TooLarge(String),
    /// The sandbox's storage is unavailable: `D20000` in the envelope, so load balancers notice; retry shortly.
    #[response(status = 503)]
    Unavailable(PlainEnvelope),
}

/// Examples, shared by the path annotations and the test that runs them through the mock.
pub mod examples {
    use serde_json::{Value, json};

    pub fn get_key_success() -> Value {
        json!({"txID": "b6f0c2d4e8a1", "code": "D00000", "message": "SUCCESS", "content": {
            "secretKey": "Base64 of 256 bytes: the CEK wrapped with RSA PKCS#1 v1.5",
            "pubKey": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA…",
            "issueAt": 1_764_579_600_000_i64, "expiresIn": 86_400_000}})
    }

    pub fn signature_mismatch() -> Value {
        json!({"txID": "b6f0c2d4e8a2", "code": "D20006", "message": "signature verification failed"})
    }

    pub fn cek_expired() -> Value {
        json!({"txID": "b6f0c2d4e8a3", "code": "D30002", "message": "CEK not exist or expired"})
    }

    pub fn code_invalid() -> Value {
        json!({"txID": "b6f0c2d4e8a4", "code": "D40004", "message": "auth code not exist or expired"})
    }

    pub fn encrypted_success() -> Value {
        json!({"txID": "b6f0c2d4e8a5", "code": "D00000", "message": "SUCCESS",
            "content": "AAAADGZha2UtaXYtMTIzNHRoZSBjaXBoZXJ0ZXh0IGFuZCB0YWc="})
    }

    pub fn token_content() -> Value {
        json!({"accessToken": "5d41402abc4b2a76b9719d911017c592", "tokenType": "Bearer",
            "issueAt": 1_764_579_600_000_i64, "expiresIn": 14_400_000,
            "openID": "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5", "lastModifiedDate": 1_764_579_600_000_i64,
            "userType": "sign", "scope": "eidapi_auth"})
    }

    pub fn revoked() -> Value {
        json!({"txID": "b6f0c2d4e8a6", "code": "D00000", "message": "SUCCESS"})
    }

    pub fn ticket_approved() -> Value {
        json!({"txID": "b6f0c2d4e8a7", "code": "D00000", "message": "SUCCESS", "content": {
            "ticketID": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "state": "approved",
            "redirectURL": "http://localhost:3000/callback?code=0f8a6b1c2d3e4f5a6b7c8d9e0f1a2b3c&state=ci-1"}})
    }

    pub fn ticket_answered_twice() -> Value {
        json!({"txID": "b6f0c2d4e8a8", "code": "D20004", "message": "duplicated request"})
    }

    pub fn pending() -> Value {
        json!({"txID": "b6f0c2d4e8a9", "code": "D00000", "message": "SUCCESS", "content": {"tickets": [
            {"ticketID": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "scope": "eidapi_auth", "source": "PC_Browser",
             "expiresInMs": 1_079_000}]}})
    }

    pub fn started_login() -> Value {
        json!({"ticketID": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "expiresInMs": 1_080_000,
            "appLink": "hk.gov.iamsmart.testapp://auth?ticketID=a1b2c3d4e5f60718293a4b5c6d7e8f90",
            "phoneURL": "http://127.0.0.1:8080/phone/3f0c5f0e8d8b4a7c9c1e2d3b4a5f6e7d/tickets/a1b2c3d4e5f60718293a4b5c6d7e8f90",
            "statusURL": "http://127.0.0.1:8080/broker/3f0c5f0e8d8b4a7c9c1e2d3b4a5f6e7d/tickets/a1b2c3d4e5f60718293a4b5c6d7e8f90",
            "redirectURL": null})
    }

    pub fn login_refused() -> Value {
        json!({"txID": "", "code": "D20008", "message": "invalid e-service URL"})
    }
}

/// `POST /api/v1/security/getKey`: a new content encryption key (CEK), wrapped for the RP's public key.
#[utoipa::path(
    post, path = "/api/v1/security/getKey", tag = "security",
    params(SignedHeaders),
    request_body(content = Object, description = "Empty, or `{}` (the .NET sample's form); whatever is sent is what is signed.",
        content_type = "application/json", example = json!({})),
    responses(
        (status = 200, description = "The CEK (plain JSON, not encrypted), or a D-code error with HTTP 200.", body = GetKeyEnvelope,
            examples(
                ("success" = (summary = "A new CEK", value = json!(examples::get_key_success()))),
                ("D20006" = (summary = "The signature does not match", value = json!(examples::signature_mismatch()))),
            )),
        HostAnswers,
    )
)]
pub fn get_key() {}

/// `POST /api/v1/security/revokeKey`: revokes the current CEK.
#[utoipa::path(
    post, path = "/api/v1/security/revokeKey", tag = "security",
    params(SignedHeaders),
    request_body(content = Object, description = "`{}`.", content_type = "application/json", example = json!({})),
    responses(
        (status = 200, description = "Revoked, or `D30002` when there was no current CEK.", body = PlainEnvelope,
            examples(
                ("success" = (summary = "Revoked", value = json!(examples::revoked()))),
                ("D30002" = (summary = "No current CEK", value = json!(examples::cek_expired()))),
            )),
        HostAnswers,
    )
)]
pub fn revoke_key() {}

/// `POST /api/v1/auth/getToken`: exchanges a login's authorisation code for an access token and the openID.
#[utoipa::path(
    post, path = "/api/v1/auth/getToken", tag = "auth",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `GetTokenRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `TokenContent`; errors carry no content.", body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "A token (content encrypted)", value = json!(examples::encrypted_success()))),
                ("D30002" = (summary = "Call getKey again and retry", value = json!(examples::cek_expired()))),
                ("D40004" = (summary = "The code was used or has expired", value = json!(examples::code_invalid()))),
            )),
        HostAnswers,
    )
)]
pub fn get_token() {}

/// `GET /api/v1/auth/getQR`: the broker page a browser is sent to, to start a login.
#[utoipa::path(
    get, path = "/api/v1/auth/getQR", tag = "auth",
    params(GetQrQuery),
    responses(
        (status = 200, description = "The broker page (QR code on desktop, app link on mobile); with `Accept: application/json` (sandbox only), the started login as JSON.",
            content(
                ("text/html"),
                (StartedLogin = "application/json", example = json!(examples::started_login())),
            )),
        (status = 302, description = "An auto-responder has answered: on to the redirect URI with `code` and `state` (or `error_code`).",
            headers(("Location" = String, description = "The redirect URI with the answer"))),
        (status = 400, description = "A bad parameter: an error page with the D-code, or `{txID, code, message}` as JSON; never a redirect.",
            content(
                ("text/html"),
                (PlainEnvelope = "application/json", example = json!(examples::login_refused())),
            )),
        (status = 503, description = "The sandbox is unavailable at the moment: an error page, or `{txID, code: \"D20000\", message}` as JSON.",
            content(
                ("text/html"),
                (PlainEnvelope = "application/json"),
            )),
    )
)]
pub fn get_qr() {}

/// `POST /api/v1/sandbox/approveTicket` (sandbox only): approves a pending login as a persona.
#[utoipa::path(
    post, path = "/api/v1/sandbox/approveTicket", tag = "sandbox",
    params(SignedHeaders),
    request_body(content = ApproveTicketRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The answer and where the browser would go; or `D20003` (unknown ticket or persona), `D20004` (answered already), `D40003` (expired), `D10001` (suspended persona).",
            body = TicketAnswerEnvelope,
            examples(
                ("success" = (summary = "Approved", value = json!(examples::ticket_approved()))),
                ("D20004" = (summary = "Answered already", value = json!(examples::ticket_answered_twice()))),
            )),
        HostAnswers,
    )
)]
pub fn approve_ticket() {}

/// `POST /api/v1/sandbox/rejectTicket` (sandbox only): rejects a pending login as its user would (`D40001`).
#[utoipa::path(
    post, path = "/api/v1/sandbox/rejectTicket", tag = "sandbox",
    params(SignedHeaders),
    request_body(content = RejectTicketRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Rejected: `redirectURL` carries `error_code=D40001`.", body = TicketAnswerEnvelope),
        HostAnswers,
    )
)]
pub fn reject_ticket() {}

/// `POST /api/v1/sandbox/pendingTickets` (sandbox only): the tickets waiting for an answer.
#[utoipa::path(
    post, path = "/api/v1/sandbox/pendingTickets", tag = "sandbox",
    params(SignedHeaders),
    request_body(content = Object, description = "`{}`.", content_type = "application/json", example = json!({})),
    responses(
        (status = 200, description = "Newest first.", body = PendingTicketsEnvelope,
            examples(("success" = (summary = "One pending login", value = json!(examples::pending()))))),
        HostAnswers,
    )
)]
pub fn pending_tickets() {}

/// `POST /api/v1/sandbox/completeStepup` (sandbox only): the persona passes one step-up factor.
#[utoipa::path(
    post, path = "/api/v1/sandbox/completeStepup", tag = "sandbox",
    params(SignedHeaders),
    request_body(content = CompleteStepUpRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The step-up status after the step; `D20003` for a method the ticket does not ask for, a ticket that asks for none, or another persona than the request's user; `D10001` suspended; `D20004` answered already; `D40003` expired.",
            body = CompleteStepUpEnvelope),
        HostAnswers,
    )
)]
pub fn complete_step_up() {}

/// `POST /api/v1/account/stepup/initiateRequest`: asks the logged-in user to re-authenticate (scope `eidapi_fr`).
#[utoipa::path(
    post, path = "/api/v1/account/stepup/initiateRequest", tag = "stepup",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `StepUpInitiateRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `{authByQR, ticketID}`. The result is POSTed to the callback URL: `{businessID, state, stepupAuthMethod, timestamp}`, or `D80001` rejected or cancelled, `D80002` failed, `D80003` timed out. Errors: `D20009`, `D20010`, `D20011`, `D20015`.",
            body = EncryptedEnvelope),
        HostAnswers,
    )
)]
pub fn step_up_request() {}

/// `POST /api/v1/bdss/initiateRequest`: asks the logged-in iAM Smart+ user to sign up to 1000 documents (scope `eidapi_bulksign`).
#[utoipa::path(
    post, path = "/api/v1/bdss/initiateRequest", tag = "bdss",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `BulkSigningInitiateRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `{authByQR, ticketID}`. After the user approves, the signatures arrive as multipart callbacks in order, each `content` decrypting to `{businessID, state, sigFile: [{id, documentName, hashCode, sigAlgo, timestamp, signature} | {id, docDigest, timestamp, pdfSignature} | {id, error}], sigMetada: {cert, totalCallbacks, callbackSeq, totalSignNum, failSignNum}}`; a refusal calls back `D71000` cancelled, `D71001` rejected, `D71002` failed, `D71003` timed out. Errors: `D71004` (not 1–1000 documents), `D70004`, `D70005`, `D20003`, `D20008`, `D20011`, `D20015`.",
            body = EncryptedEnvelope),
        HostAnswers,
    )
)]
pub fn bulk_signing_request() {}

/// `POST /api/v1/bdss/enquireStatus`: where a bulk-signing request stands.
#[utoipa::path(
    post, path = "/api/v1/bdss/enquireStatus", tag = "bdss",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `BulkSigningReference`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `BulkSigningStatus`.", body = EncryptedEnvelope),
        HostAnswers,
    )
)]
pub fn bulk_signing_status() {}

/// `POST /api/v1/bdss/cancelRequest`: withdraws a bulk-signing request that is waiting or still signing.
#[utoipa::path(
    post, path = "/api/v1/bdss/cancelRequest", tag = "bdss",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `BulkSigningReference`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `{businessID, status: \"SS004\"}`; `D71005` no such request, `D71007` finished or ended already.",
            body = EncryptedEnvelope),
        HostAnswers,
    )
)]
pub fn bulk_signing_cancel() {}

/// `POST /api/v1/bdss/ackResult`: the RP says what it did with the signatures.
#[utoipa::path(
    post, path = "/api/v1/bdss/ackResult", tag = "bdss",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `BulkSigningAck`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `{businessID}`; `D71005` no such request, `D71008` signing not finished, `D20003` a bad `signingResult`.",
            body = EncryptedEnvelope),
        HostAnswers,
    )
)]
pub fn bulk_signing_ack() {}

/// Merges the flows described in their own modules into the document: form filling, signing, and the
/// callbacks as `webhooks`.
struct FlowOperations;

impl Modify for FlowOperations {
    fn modify(&self, document: &mut utoipa::openapi::OpenApi) {
        document.merge(form_filling::FormFillingDoc::openapi());
        document.merge(signing::SigningDoc::openapi());
        callbacks::add_webhooks(document);
    }
}

#[derive(OpenApi)]
#[openapi(
    modifiers(&FlowOperations),
    info(
        title = "iAM Smart Sandbox API",
        version = "1",
        description = "The relying-party API of an iAM Smart sandbox, as the real integration test environment serves it, \
plus the sandbox-only automation routes (tag `sandbox`). Every POST is signed with the five headers; every `content` \
except getKey's is AES-256-GCM under the CEK from getKey. Errors are D-codes in the envelope with HTTP 200; only a body over 10 MB (413, plain text) and a storage outage \
(503, the envelope with `D20000`) are answered otherwise. \
The callbacks the sandbox POSTs to the RP's callback URL are under `webhooks`. \
Generated from the mock's wire types by the api-specs crate; do not edit by hand."
    ),
    paths(
        get_key, revoke_key, get_token, get_qr, step_up_request, bulk_signing_request, bulk_signing_status,
        bulk_signing_cancel, bulk_signing_ack, approve_ticket, complete_step_up, reject_ticket, pending_tickets,
    ),
    components(schemas(
        ResponseEnvelope, GetKeyContent, TokenContent, UserType, DCode, EncryptedBody, GetTokenRequest,
        GetKeyEnvelope, EncryptedEnvelope, PlainEnvelope, ApproveTicketRequest, RejectTicketRequest,
        TicketAnswer, TicketAnswerEnvelope, PendingTicket, PendingTickets, PendingTicketsEnvelope, StartedLogin,
        CompleteStepUpRequest, StepUpProgress, CompleteStepUpAnswer, CompleteStepUpEnvelope, StepUpInitiateRequest,
        BulkDocument, BulkSigningInitiateRequest, BulkSigningReference, BulkSigningAck, BulkSigningStatus,
    )),
    tags(
        (name = "security", description = "Content encryption keys"),
        (name = "auth", description = "Login"),
        (name = "stepup", description = "Step-up re-authentication (face recognition, HKID chip read)"),
        (name = "bdss", description = "Bulk signing"),
        (name = "sandbox", description = "Sandbox-only automation for an RP's CI; the real iAM Smart has none of these"),
    )
)]
struct ApiDoc;

/// The document as a value.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as the committed file holds it: pretty JSON with a final newline.
pub fn document_json() -> Result<String, serde_json::Error> {
    let mut json = ApiDoc::openapi().to_pretty_json()?;
    json.push('\n');
    Ok(json)
}
