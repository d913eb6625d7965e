//! The callbacks a sandbox POSTs to the relying party (PROTOCOL §1.3, §11.10), as OpenAPI 3.1
//! `webhooks`: one per kind of result, each naming the decrypted `content` it carries.
//!
//! utoipa 5 has no `webhooks` field, so the operations are written with `#[utoipa::path]` like every
//! other (the "path" being the webhook's name), collected by [`CallbacksDoc`], and placed under the
//! document's top-level `webhooks` key by [`add_webhooks`] through the document's flattened extension
//! map — the one place utoipa lets a top-level key through unchanged. The rest of the document is untouched.
//! This module only describes; it never serves or calls anything.

use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use mock_iamsmart::DCode;

/// A callback's body: the response envelope plus `secretKey`. JSON by default; with
/// `callbackContentType: multipart/form-data` the same five fields travel as text parts. Bulk-signing
/// results are always multipart.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"txID": "<T=a1b2c3d4e5f60718293a4b5c6d7e8f90>", "code": "D00000", "message": "SUCCESS",
    "content": "AAAADGZha2UtaXYtMTIzNHRoZSBjaXBoZXJ0ZXh0IGFuZCB0YWc=",
    "secretKey": "Base64 of 256 bytes: the CEK wrapped with RSA PKCS#1 v1.5"}))]
pub struct CallbackEnvelope {
    /// `<T={ticketID}>`.
    #[serde(rename = "txID")]
    pub tx_id: String,
    /// `D00000`, or the code the request ended with (cancelled, rejected, failed, timed out).
    pub code: DCode,
    pub message: String,
    /// Base64 AES-256-GCM, laid out like `EncryptedBody`, under the RP's current CEK (a one-off key when
    /// it has none); decrypts to the webhook's result, or on an error code to `{businessID, state}` only.
    pub content: String,
    /// The CEK that encrypts `content`, wrapped for the RP's public key (RSA PKCS#1 v1.5), so the RP can
    /// decrypt without a current CEK. With the sandbox's `callback_cek_as_base64_text` setting (off by
    /// default) it unwraps to the 44-character Base64 text of the key rather than its 32 bytes.
    #[serde(rename = "secretKey")]
    pub secret_key: String,
}

/// The decrypted `content` of a step-up callback.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"businessID": "db-stepup-0001", "state": "re-auth",
    "stepupAuthMethod": {"unary": ["FR"]}, "timestamp": 1_764_579_660_000_i64}))]
pub struct StepUpResult {
    #[serde(rename = "businessID")]
    pub business_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub state: Option<String>,
    /// The factors the user passed, as the request asked for them (`{"unary":["FR"]}`, …).
    #[serde(rename = "stepupAuthMethod")]
    #[schema(value_type = Object)]
    pub stepup_auth_method: serde_json::Value,
    /// Epoch ms (sandbox clock) when the user passed.
    pub timestamp: i64,
}

/// `formFillingResult`: the answer to `account/eme/initiateRequest`.
#[utoipa::path(
    post, path = "formFillingResult", tag = "callbacks",
    request_body(description = "POSTed to the registered callback URL, or the request's `redirectURI` without one. `code` is `D00000` and `content` decrypts to `FormFillingResult`; or `D60000` cancelled, `D60001` rejected, `D60002` failed, `D60003` timed out, with `{businessID, state}`.",
        content(
            (CallbackEnvelope = "application/json"),
            (CallbackEnvelope = "multipart/form-data"),
        )),
    responses((status = 200, description = "Any 2xx; the body is ignored. The sandbox makes one attempt (10 s timeout) and records it in the request inspector."))
)]
pub fn form_filling_result() {}

/// `profileResult`: the answer to `account/profile/initiateRequest`.
#[utoipa::path(
    post, path = "profileResult", tag = "callbacks",
    request_body(description = "`code` is `D00000` and `content` decrypts to `ProfileResult`; or `D50001` rejected or cancelled, `D50002` failed, `D50003` timed out, with `{businessID, state}`.",
        content(
            (CallbackEnvelope = "application/json"),
            (CallbackEnvelope = "multipart/form-data"),
        )),
    responses((status = 200, description = "Any 2xx; the body is ignored."))
)]
pub fn profile_result() {}

/// `hashSigningResult`: the signature for `account/signing/initiateRequest`.
#[utoipa::path(
    post, path = "hashSigningResult", tag = "callbacks",
    request_body(description = "JSON. `code` is `D00000` and `content` decrypts to `HashSigningResult`; or `D70000` cancelled, `D70001` rejected, `D70002` failed, `D70003` timed out, with `{businessID, state}`. Acknowledge with `account/signing/ackResult`.",
        content((CallbackEnvelope = "application/json"))),
    responses((status = 200, description = "Any 2xx; the body is ignored."))
)]
pub fn hash_signing_result() {}

/// `pdfSigningResult`: the signature for `account/pdfsigning/initiateRequest`.
#[utoipa::path(
    post, path = "pdfSigningResult", tag = "callbacks",
    request_body(description = "JSON. `code` is `D00000` and `content` decrypts to `PdfSigningResult`; or `D70000`–`D70003` with `{businessID, state}`.",
        content((CallbackEnvelope = "application/json"))),
    responses((status = 200, description = "Any 2xx; the body is ignored."))
)]
pub fn pdf_signing_result() {}

/// `stepUpResult`: the answer to `account/stepup/initiateRequest`.
#[utoipa::path(
    post, path = "stepUpResult", tag = "callbacks",
    request_body(description = "JSON. `code` is `D00000` and `content` decrypts to `StepUpResult`; or `D80001` rejected or cancelled, `D80002` failed, `D80003` timed out, with `{businessID, state}`.",
        content((CallbackEnvelope = "application/json"))),
    responses((status = 200, description = "Any 2xx; the body is ignored."))
)]
pub fn step_up_result() {}

/// `bulkSigningResult`: the signatures for `bdss/initiateRequest`, in order, as many callbacks as
/// `sigMetada.totalCallbacks` says.
#[utoipa::path(
    post, path = "bulkSigningResult", tag = "callbacks",
    request_body(description = "Always `multipart/form-data`, to the request's `callbackResultURI`. `content` decrypts to `{businessID, state, sigFile: [{id, documentName, hashCode, sigAlgo, timestamp, signature} | {id, documentName, docDigest, timestamp, pdfSignature} | {id, documentName, error}], sigMetada: {cert, totalCallbacks, callbackSeq, totalSignNum, failSignNum}}`; a refusal calls back `D71000` cancelled, `D71001` rejected, `D71002` failed, `D71003` timed out.",
        content((CallbackEnvelope = "multipart/form-data"))),
    responses((status = 200, description = "Any 2xx; the body is ignored."))
)]
pub fn bulk_signing_result() {}

/// The callbacks, written as paths so utoipa builds their operations; [`add_webhooks`] moves them.
#[derive(OpenApi)]
#[openapi(
    paths(form_filling_result, profile_result, hash_signing_result, pdf_signing_result, step_up_result, bulk_signing_result),
    components(schemas(CallbackEnvelope, StepUpResult, DCode)),
    tags((name = "callbacks", description = "What the sandbox POSTs to the relying party (OpenAPI `webhooks`)")),
)]
pub(crate) struct CallbacksDoc;

/// Adds the callbacks to `document`: their operations under the top-level `webhooks` key, their
/// schemas and tag alongside the others.
pub(crate) fn add_webhooks(document: &mut utoipa::openapi::OpenApi) {
    let mut callbacks = CallbacksDoc::openapi();
    let webhooks = std::mem::take(&mut callbacks.paths.paths);
    document.merge(callbacks);
    // A `PathItem` always serialises; should it ever fail, the document goes without webhooks and the
    // test that looks for them says so.
    if let Ok(webhooks) = serde_json::to_value(webhooks) {
        document
            .extensions
            .get_or_insert_with(Default::default)
            .insert("webhooks".to_owned(), webhooks);
    }
}
