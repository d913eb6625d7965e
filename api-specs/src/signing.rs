//! The digital-signing operations (PROTOCOL §4): hash and PDF signing for a logged-in iAM Smart+ user,
//! their anonymous forms with `getResult`, and `account/signing/ackResult`.
//!
//! The mock reads these bodies field by field (`mock_iamsmart::signing`, `signing_api`), so their
//! decrypted shapes are typed here, with the mock's own `SignatureAlgorithm` for `sigAlgo`. This module
//! only describes; it never serves or calls anything.

use mock_iamsmart::{client::SignedHeaders, signer::SignatureAlgorithm};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::form_filling::{AnonymousInitiateAnswer, AnonymousResultRequest, InitiateAnswer};
use crate::{EncryptedBody, EncryptedEnvelope};

/// The decrypted `content` of `account/signing/initiateRequest`: sign a digest. Checked, in order:
/// `businessID`, `accessToken` (`D20009`), `openID` (`D20010`), a suspended user (`D10001`), `source`
/// (`D20007`), `redirectURI` when given (`D20008`), `state`, the scope `eidapi_sign` (`D20015`),
/// `hashCode`/`sigAlgo` and the other signing fields (`D20003`), whether the user may sign (`D70004`
/// not iAM Smart+, `D70005` `HKICHash` of someone else), a reused `businessID` (`D20011`).
///
/// The RP shows the identification code the app shows: `d = SHA-256(hashCode)`, `u = SHA-256(openID)`,
/// `m = MD5(SHA-512(d ‖ u))`, digit i = `((m[4i] >> 4) & 0xF) mod 10` for i = 0..3.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "businessID": "db-sign-0001", "accessToken": "5d41402abc4b2a76b9719d911017c592",
    "openID": "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5", "source": "PC_Browser",
    "redirectURI": "http://localhost:3000/callback", "state": "sign-1",
    "hashCode": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", "sigAlgo": "SHA256withRSA",
    "department": "Demo Bank", "serviceName": "Account opening", "documentName": "Account agreement"}))]
pub struct HashSigningInitiateRequest {
    /// At most 36 printable characters, unique per client (else `D20011`).
    #[serde(rename = "businessID")]
    pub business_id: String,
    #[serde(rename = "accessToken")]
    pub access_token: String,
    #[serde(rename = "openID")]
    pub open_id: String,
    pub source: String,
    /// Where the result callback goes when no callback URL is registered; must be registered.
    #[serde(rename = "redirectURI", skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Base64: the SHA-256 of the document (32 bytes) for `SHA256withRSA`, at most 245 bytes for
    /// `NONEwithRSA`.
    #[serde(rename = "hashCode")]
    pub hash_code: String,
    /// `SHA256withRSA` when absent. The SM2 algorithms are named by the protocol and answered `D20003`
    /// "not supported in the sandbox".
    #[serde(rename = "sigAlgo", skip_serializing_if = "Option::is_none")]
    pub sig_algo: Option<SignatureAlgorithm>,
    /// Base64 SHA-256 of the signer's HKID number without its check digit; `D70005` when it is not the
    /// logged-in user's.
    #[serde(rename = "HKICHash", skip_serializing_if = "Option::is_none")]
    pub hkic_hash: Option<String>,
    /// At most 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// At most 255 characters.
    #[serde(rename = "serviceName", skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// At most 255 characters.
    #[serde(rename = "documentName", skip_serializing_if = "Option::is_none")]
    pub document_name: Option<String>,
    /// `{"unary":["FR"]}`, `{"unary":["NFC"]}` or `{"and":["FR","NFC"]}`, as an object or its JSON text:
    /// the re-authentication the user passes before signing.
    #[serde(rename = "stepupAuthMethod", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub stepup_auth_method: Option<serde_json::Value>,
    /// Seconds, non-negative: a factor passed that recently counts.
    #[serde(rename = "stepupAuthPeriod", skip_serializing_if = "Option::is_none")]
    pub stepup_auth_period: Option<i64>,
    /// Sandbox only: the virtual phone's language, `en-US`, `zh-HK` (the default) or `zh-CN`; ignored
    /// when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The decrypted `content` of `account/pdfsigning/initiateRequest`: sign a PDF's byte range. Checked
/// like [`HashSigningInitiateRequest`], with `docDigest` in place of `hashCode` and `sigAlgo`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "businessID": "db-pdf-0001", "accessToken": "5d41402abc4b2a76b9719d911017c592",
    "openID": "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5", "source": "PC_Browser",
    "redirectURI": "http://localhost:3000/callback", "state": "pdf-1",
    "docDigest": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", "documentName": "Account agreement.pdf"}))]
pub struct PdfSigningInitiateRequest {
    #[serde(rename = "businessID")]
    pub business_id: String,
    #[serde(rename = "accessToken")]
    pub access_token: String,
    #[serde(rename = "openID")]
    pub open_id: String,
    pub source: String,
    #[serde(rename = "redirectURI", skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Base64 SHA-256 (32 bytes) of the PDF's signed byte range, for an `adbe.pkcs7.detached` signature.
    #[serde(rename = "docDigest")]
    pub doc_digest: String,
    #[serde(rename = "HKICHash", skip_serializing_if = "Option::is_none")]
    pub hkic_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(rename = "serviceName", skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(rename = "documentName", skip_serializing_if = "Option::is_none")]
    pub document_name: Option<String>,
    #[serde(rename = "stepupAuthMethod", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub stepup_auth_method: Option<serde_json::Value>,
    #[serde(rename = "stepupAuthPeriod", skip_serializing_if = "Option::is_none")]
    pub stepup_auth_period: Option<i64>,
    /// Sandbox only: the virtual phone's language, `en-US`, `zh-HK` (the default) or `zh-CN`; ignored
    /// when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The decrypted `content` of `anonymous/signing/initiateRequest`: hash signing without a login.
/// `HKICHash` is mandatory and names who must sign. The identification code is
/// `m = MD5(SHA-512(SHA-256(hashCode) ‖ HKICHash ‖ clientID))`, digits as for an authenticated request.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "businessID": "db-anon-sign-0001", "source": "PC_Browser", "state": "anon-sign",
    "hashCode": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", "sigAlgo": "SHA256withRSA",
    "HKICHash": "8Ts1c0pN3m2T2q0TGmWc8mD4JdN1V7w9m3a1QmAfQ7E=", "documentName": "Consent form"}))]
pub struct AnonymousHashSigningInitiateRequest {
    #[serde(rename = "businessID")]
    pub business_id: String,
    pub source: String,
    #[serde(rename = "redirectURI", skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(rename = "hashCode")]
    pub hash_code: String,
    #[serde(rename = "sigAlgo", skip_serializing_if = "Option::is_none")]
    pub sig_algo: Option<SignatureAlgorithm>,
    /// Base64 SHA-256 of the signer's HKID number without its check digit (32 bytes, else `D20003`).
    #[serde(rename = "HKICHash")]
    pub hkic_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(rename = "serviceName", skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(rename = "documentName", skip_serializing_if = "Option::is_none")]
    pub document_name: Option<String>,
    #[serde(rename = "stepupAuthMethod", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub stepup_auth_method: Option<serde_json::Value>,
    #[serde(rename = "stepupAuthPeriod", skip_serializing_if = "Option::is_none")]
    pub stepup_auth_period: Option<i64>,
    /// Sandbox only: the virtual phone's language, `en-US`, `zh-HK` (the default) or `zh-CN`; ignored
    /// when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The decrypted `content` of `anonymous/pdfsigning/initiateRequest`: PDF signing without a login.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "businessID": "db-anon-pdf-0001", "source": "PC_Browser",
    "docDigest": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
    "HKICHash": "8Ts1c0pN3m2T2q0TGmWc8mD4JdN1V7w9m3a1QmAfQ7E="}))]
pub struct AnonymousPdfSigningInitiateRequest {
    #[serde(rename = "businessID")]
    pub business_id: String,
    pub source: String,
    #[serde(rename = "redirectURI", skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(rename = "docDigest")]
    pub doc_digest: String,
    #[serde(rename = "HKICHash")]
    pub hkic_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(rename = "serviceName", skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(rename = "documentName", skip_serializing_if = "Option::is_none")]
    pub document_name: Option<String>,
    #[serde(rename = "stepupAuthMethod", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub stepup_auth_method: Option<serde_json::Value>,
    #[serde(rename = "stepupAuthPeriod", skip_serializing_if = "Option::is_none")]
    pub stepup_auth_period: Option<i64>,
    /// Sandbox only: the virtual phone's language, `en-US`, `zh-HK` (the default) or `zh-CN`; ignored
    /// when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The decrypted `content` of `account/signing/ackResult`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"businessID": "db-sign-0001", "signingResult": "SR001"}))]
pub struct SigningAck {
    /// A hash- or PDF-signing request of this client, approved and signed (else `D70006`).
    #[serde(rename = "businessID")]
    pub business_id: String,
    /// `SR001` accepted, `SR002` rejected, `SR003` none received (anything else `D20003`).
    #[serde(rename = "signingResult")]
    pub signing_result: String,
}

/// What `ackResult`'s `content` decrypts to.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"businessID": "db-sign-0001"}))]
pub struct SigningAckAnswer {
    #[serde(rename = "businessID")]
    pub business_id: String,
}

/// A hash signature: the decrypted `content` of the hash-signing callback and of
/// `anonymous/signing/getResult`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"businessID": "db-sign-0001", "state": "sign-1",
    "hashCode": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", "sigAlgo": "SHA256withRSA",
    "timestamp": 1_764_579_660_000_i64, "signature": "Base64 of the 256-byte RSA signature", "cert": "MIIDdzCCAl+gAwIBAgIU…"}))]
pub struct HashSigningResult {
    #[serde(rename = "businessID")]
    pub business_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub state: Option<String>,
    /// The digest as the request sent it.
    #[serde(rename = "hashCode")]
    pub hash_code: String,
    #[serde(rename = "sigAlgo")]
    pub sig_algo: SignatureAlgorithm,
    /// Epoch ms (sandbox clock) of the signature.
    pub timestamp: i64,
    /// Base64 RSA PKCS#1 v1.5 signature.
    pub signature: String,
    /// Base64 DER of the signer's certificate (issued by the sandbox CA to the persona).
    pub cert: String,
}

/// A PDF signature: the decrypted `content` of the PDF-signing callback and of
/// `anonymous/pdfsigning/getResult`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"businessID": "db-pdf-0001", "state": "pdf-1",
    "docDigest": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", "timestamp": 1_764_579_660_000_i64,
    "pdfSignature": "MIAGCSqGSIb3DQEHAqCAMIACAQEx…", "cert": "MIIDdzCCAl+gAwIBAgIU…"}))]
pub struct PdfSigningResult {
    #[serde(rename = "businessID")]
    pub business_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub state: Option<String>,
    #[serde(rename = "docDigest")]
    pub doc_digest: String,
    pub timestamp: i64,
    /// Base64 detached PKCS#7 (CMS SignedData) with the certificate chain, ready to embed in the PDF.
    #[serde(rename = "pdfSignature")]
    pub pdf_signature: String,
    pub cert: String,
}

/// Examples, shared by the path annotations and the test that runs them through the mock.
pub mod examples {
    use serde_json::{Value, json};

    pub fn started() -> Value {
        json!({"txID": "d8b2e4f6a0c1", "code": "D00000", "message": "SUCCESS",
            "content": "AAAADGZha2UtaXYtMTIzNHRoZSBjaXBoZXJ0ZXh0IGFuZCB0YWc="})
    }

    pub fn not_allowed_to_sign() -> Value {
        json!({"txID": "d8b2e4f6a0c2", "code": "D70004",
            "message": "not allowed to sign: the user is not an iAM Smart+ user"})
    }

    pub fn inconsistent_hkic() -> Value {
        json!({"txID": "d8b2e4f6a0c3", "code": "D70005",
            "message": "inconsistent HKIC: HKICHash does not match the signer"})
    }

    pub fn bad_hash() -> Value {
        json!({"txID": "d8b2e4f6a0c4", "code": "D20003",
            "message": "invalid parameter hashCode: SHA256withRSA expects the Base64 SHA-256 (32 bytes) of the document"})
    }

    pub fn bad_digest() -> Value {
        json!({"txID": "d8b2e4f6a0c5", "code": "D20003",
            "message": "invalid parameter docDigest: expected the Base64 SHA-256 (32 bytes) of the PDF's byte range"})
    }

    pub fn scope_mismatch() -> Value {
        json!({"txID": "d8b2e4f6a0c6", "code": "D20015", "message": "scope mismatch: eidapi_sign not granted"})
    }

    pub fn signing_rejected() -> Value {
        json!({"txID": "d8b2e4f6a0c7", "code": "D70001", "message": "signing rejected"})
    }

    pub fn ack_failed() -> Value {
        json!({"txID": "d8b2e4f6a0c8", "code": "D70006",
            "message": "signing acknowledgement failed: the request has not been signed"})
    }

    pub fn bad_signing_result() -> Value {
        json!({"txID": "d8b2e4f6a0c9", "code": "D20003", "message": "invalid parameter signingResult"})
    }

    pub fn hkic_missing() -> Value {
        json!({"txID": "d8b2e4f6a0ca", "code": "D20001", "message": "parameter HKICHash missing"})
    }
}

/// `POST /api/v1/account/signing/initiateRequest`: asks the logged-in iAM Smart+ user to sign a digest
/// (scope `eidapi_sign`).
///
/// After the user approves on the phone (and passes any step-up), the signature is POSTed to the
/// callback (the `hashSigningResult` webhook): `D00000` with a `HashSigningResult`, or `D70000`
/// cancelled, `D70001` rejected, `D70002` failed (for instance a revoked or expired persona
/// certificate), `D70003` timed out. The RP then calls `account/signing/ackResult`.
#[utoipa::path(
    post, path = "/api/v1/account/signing/initiateRequest", tag = "signing",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `HashSigningInitiateRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `InitiateAnswer`; errors carry no content: `D20001`/`D20002`/`D20003` a missing, empty or invalid field (`hashCode`, `sigAlgo`, lengths, `stepupAuthMethod`), `D20007`, `D20008`, `D20009`, `D20010`, `D10001`, `D20011`, `D20015`, `D70004` not an iAM Smart+ user, `D70005` `HKICHash` of another person, `D30002`.",
            body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "A ticket for the signer (content encrypted)", value = json!(examples::started()))),
                ("D20003" = (summary = "hashCode is not a SHA-256", value = json!(examples::bad_hash()))),
                ("D20015" = (summary = "eidapi_sign is not granted", value = json!(examples::scope_mismatch()))),
                ("D70004" = (summary = "The user cannot sign (not iAM Smart+)", value = json!(examples::not_allowed_to_sign()))),
                ("D70005" = (summary = "HKICHash names someone else", value = json!(examples::inconsistent_hkic()))),
            )),
        crate::HostAnswers,
    )
)]
pub fn hash_signing_request() {}

/// `POST /api/v1/account/pdfsigning/initiateRequest`: asks the logged-in iAM Smart+ user to sign a PDF
/// (scope `eidapi_sign`).
///
/// The callback (the `pdfSigningResult` webhook) carries a `PdfSigningResult`, or `D70000`–`D70003`.
#[utoipa::path(
    post, path = "/api/v1/account/pdfsigning/initiateRequest", tag = "signing",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `PdfSigningInitiateRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `InitiateAnswer`; errors as for hash signing, with `D20003` for a `docDigest` that is not a Base64 SHA-256.",
            body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "A ticket for the signer (content encrypted)", value = json!(examples::started()))),
                ("D20003" = (summary = "docDigest is not a SHA-256", value = json!(examples::bad_digest()))),
                ("D70004" = (summary = "The user cannot sign (not iAM Smart+)", value = json!(examples::not_allowed_to_sign()))),
            )),
        crate::HostAnswers,
    )
)]
pub fn pdf_signing_request() {}

/// `POST /api/v1/anonymous/signing/initiateRequest`: hash signing without a login.
///
/// The flow: this call → the browser opens `getQR?…&ticketID=` → the signer approves in the app →
/// the browser returns to `redirectURI?code=…&businessID=…` (or `error_code=D70000`–`D70003`) →
/// `getToken` → `anonymous/signing/getResult`. The signer must be iAM Smart+ and match `HKICHash`
/// (else the approval fails with `D70004` or `D70005`). No callback is POSTed.
#[utoipa::path(
    post, path = "/api/v1/anonymous/signing/initiateRequest", tag = "signing",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `AnonymousHashSigningInitiateRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `AnonymousInitiateAnswer`. Errors: `D20001` `HKICHash` missing, `D20003` an invalid field, `D20007`, `D20008`, `D20011`, `D20015` the client lacks `eidapi_sign`.",
            body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "A ticket for the browser (content encrypted)", value = json!(examples::started()))),
                ("D20001" = (summary = "HKICHash is mandatory here", value = json!(examples::hkic_missing()))),
                ("D20003" = (summary = "hashCode is not a SHA-256", value = json!(examples::bad_hash()))),
            )),
        crate::HostAnswers,
    )
)]
pub fn anonymous_hash_signing_request() {}

/// `POST /api/v1/anonymous/pdfsigning/initiateRequest`: PDF signing without a login; the flow of
/// `anonymous/signing/initiateRequest`, ending with `anonymous/pdfsigning/getResult`.
#[utoipa::path(
    post, path = "/api/v1/anonymous/pdfsigning/initiateRequest", tag = "signing",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `AnonymousPdfSigningInitiateRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `AnonymousInitiateAnswer`. Errors as for anonymous hash signing, `D20003` for a bad `docDigest`.",
            body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "A ticket for the browser (content encrypted)", value = json!(examples::started()))),
                ("D20003" = (summary = "docDigest is not a SHA-256", value = json!(examples::bad_digest()))),
            )),
        crate::HostAnswers,
    )
)]
pub fn anonymous_pdf_signing_request() {}

/// `POST /api/v1/anonymous/signing/getResult`: the signature of an anonymous hash-signing request, for
/// the token the browser's code was exchanged for.
#[utoipa::path(
    post, path = "/api/v1/anonymous/signing/getResult", tag = "signing",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `AnonymousResultRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `HashSigningResult`. Errors: `D20003` an unknown `businessID`, one of another kind (not anonymous, or PDF), one signed by another user, or one not answered yet; `D70000`–`D70003` the request ended without a signature; `D20009`, `D20010`.",
            body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "The signature (content encrypted)", value = json!(examples::started()))),
                ("D20003" = (summary = "Not answered yet", value = json!(crate::form_filling::examples::not_answered()))),
                ("D70001" = (summary = "The signer rejected the request", value = json!(examples::signing_rejected()))),
            )),
        crate::HostAnswers,
    )
)]
pub fn anonymous_hash_signing_result() {}

/// `POST /api/v1/anonymous/pdfsigning/getResult`: the signature of an anonymous PDF-signing request.
#[utoipa::path(
    post, path = "/api/v1/anonymous/pdfsigning/getResult", tag = "signing",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `AnonymousResultRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `PdfSigningResult`. Errors as for `anonymous/signing/getResult` (a hash-signing `businessID` is `D20003` here).",
            body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "The signature (content encrypted)", value = json!(examples::started()))),
                ("D70001" = (summary = "The signer rejected the request", value = json!(examples::signing_rejected()))),
            )),
        crate::HostAnswers,
    )
)]
pub fn anonymous_pdf_signing_result() {}

/// `POST /api/v1/account/signing/ackResult`: the RP says what it did with a hash or PDF signature.
#[utoipa::path(
    post, path = "/api/v1/account/signing/ackResult", tag = "signing",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `SigningAck`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `SigningAckAnswer`. Errors: `D20003` a `signingResult` other than `SR001`–`SR003`; `D70006` no signing request has this `businessID`, or it has not been signed.",
            body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "Acknowledged (content encrypted)", value = json!(examples::started()))),
                ("D20003" = (summary = "An unknown signingResult", value = json!(examples::bad_signing_result()))),
                ("D70006" = (summary = "Nothing signed under this businessID", value = json!(examples::ack_failed()))),
            )),
        crate::HostAnswers,
    )
)]
pub fn signing_ack_result() {}

/// The signing operations and their schemas, merged into the document by `crate::document`.
#[derive(OpenApi)]
#[openapi(
    paths(
        hash_signing_request, pdf_signing_request, anonymous_hash_signing_request, anonymous_pdf_signing_request,
        anonymous_hash_signing_result, anonymous_pdf_signing_result, signing_ack_result,
    ),
    components(schemas(
        HashSigningInitiateRequest, PdfSigningInitiateRequest, AnonymousHashSigningInitiateRequest,
        AnonymousPdfSigningInitiateRequest, AnonymousResultRequest, SigningAck, SigningAckAnswer,
        HashSigningResult, PdfSigningResult, SignatureAlgorithm, InitiateAnswer, AnonymousInitiateAnswer,
    )),
    tags((name = "signing", description = "Digital signing of a digest or a PDF, authenticated and anonymous")),
)]
pub(crate) struct SigningDoc;
