//! Bulk signing (PROTOCOL §6, scope `eidapi_bulksign`): `bdss/initiateRequest`, `bdss/enquireStatus`,
//! `bdss/cancelRequest` and `bdss/ackResult`. The logged-in iAM Smart+ user approves once on the
//! phone, and every document is then signed with the persona's own key (`signer.rs`); the results
//! reach the relying party as multipart callbacks of at most `maxCallbackSigs` signatures each, in
//! order.
//!
//! **Signing in chunks (a decision).** One RSA-2048 signature costs milliseconds inside the guest,
//! whose deadline is one second, so 1000 of them never fit in one call. Approval therefore signs
//! nothing: it checks the signer and marks the ticket approved with `signing_continues`, and the
//! host then calls `continue_bulk_signing {ticket_id}` until that flag is false. Each such call signs
//! at most [`SIGNATURES_PER_CALL`] documents and emits at most [`MAX_CALLBACKS_PER_CALL`] callbacks
//! (the runtime's bound), keeping the signatures of an unfinished callback in the sandbox's storage
//! (`bulk/{ticketID}/signature/{index}`) until its last document is signed. Any caller may continue
//! (it only ever does the next piece of work), and a lost race re-runs like any other call.
//! A PDF signature carries the certificate chain (about 4.5 KB in Base64), so a request with PDF
//! documents packs at most [`MAX_PDF_SIGNATURES_PER_CALLBACK`] signatures per callback whatever
//! `maxCallbackSigs` says; `sigMetada.totalCallbacks` always tells the truth.
//!
//! Request fields after the envelope, checked in this order: `businessID` (as for every request);
//! the access token (`D20009`), `openID` (`D20010`), a suspended user (`D10001`); `source`
//! (`D20007`); `redirectURI` and `callbackResultURI` when given (registered redirect URI or callback
//! URL, else `D20008`); `state` (`D20003`); the scope `eidapi_bulksign` on the client and the token
//! (`D20015`); `requestName`, `department`, `serviceName` (≤ 255, 100, 255 characters, `D20003`);
//! `maxCallbackSigs` (1–1000, default 1000, `D20003`); `documents` (missing `D20001`, not an array
//! `D20003`, fewer than 1 or more than 1000 → `D71004`), each `{id, documentName, hashCode + sigAlgo |
//! docDigest}` checked as for single signing (`D20003 invalid parameter documents[i].hashCode`), ids
//! unique and at most 64 printable characters; `HKICHash` when given (`D70005` on mismatch); only an
//! iAM Smart+ user (`D70004`); a reused `businessID` (`D20011`).
//!
//! The bulk codes' individual meanings are not published; the sandbox reads them as:
//! `D71000` cancelled by the user, `D71001` rejected, `D71002` failed (e.g. a revoked certificate),
//! `D71003` timed out, `D71004` number of documents outside 1–1000, `D71005` no bulk-signing request
//! has this `businessID`, `D71006` the request was cancelled by the relying party, `D71007` the
//! request can no longer be cancelled, `D71008` acknowledgement failed (signing not finished).
//! Status codes of `enquireStatus`: `SS001` waiting for the user, `SS002` signing, `SS003` completed,
//! `SS004` cancelled (by the user or the relying party), `SS005` rejected, failed or timed out,
//! `SS006` no record.
//!
//! A result callback's encrypted `content` is `{"businessID","state","sigFile":[…],"sigMetada":{"cert",
//! "totalCallbacks","callbackSeq","totalSignNum","failSignNum"}}`; each `sigFile` entry is
//! `{"id","documentName","hashCode","sigAlgo","timestamp","signature"}` (PDF: `"docDigest",
//! "timestamp","pdfSignature"`) or `{"id","documentName","error":"D70002"}` for a document that could
//! not be signed; `failSignNum` counts those in this callback. This module never logs hashes,
//! signatures or identifiers.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::api::Answer;
use crate::codes::{BulkSigningCode, DCode, ProtocolError};
use crate::config::SandboxConfig;
use crate::form_filling::{self, Fields};
use crate::host::Host;
use crate::login::{self, NewTicket, TicketState};
use crate::request::{Ending, TicketRequest};
use crate::scope::Scope;
use crate::signing::{self, SignedDocument};
use crate::store;
use crate::token;

pub const BULK_REQUEST_PATH: &str = "/api/v1/bdss/initiateRequest";
pub const BULK_ENQUIRE_STATUS_PATH: &str = "/api/v1/bdss/enquireStatus";
pub const BULK_CANCEL_PATH: &str = "/api/v1/bdss/cancelRequest";
pub const BULK_ACK_RESULT_PATH: &str = "/api/v1/bdss/ackResult";

/// The most documents one request may carry.
pub const MAX_DOCUMENTS: usize = 1000;
/// Signatures one `continue_bulk_signing` call makes: a conservative estimate, to be checked against
/// section (c) of the sandbox benchmark (see ARCHITECTURE.md); the HTTP tests sign 25 in one call.
pub const SIGNATURES_PER_CALL: usize = 25;
/// Callbacks one call may return; the runtime accepts no more (`sandbox-runtime`'s contract).
pub const MAX_CALLBACKS_PER_CALL: usize = 4;
/// The most PDF signatures one callback carries, so a callback stays well under a megabyte.
pub const MAX_PDF_SIGNATURES_PER_CALLBACK: usize = 100;
/// The longest document `id`.
pub const MAX_DOCUMENT_ID_LENGTH: usize = 64;
const MAX_REQUEST_NAME_LENGTH: usize = 255;

fn bulk_code(number: u8) -> DCode {
    BulkSigningCode::new(number)
        .map(DCode::BulkSigning)
        .unwrap_or(DCode::Unhandled)
}

fn bulk_error(number: u8, reason: &str) -> ProtocolError {
    ProtocolError::with_message(bulk_code(number), format!("bulk signing error: {reason}"))
}

/// The code a bulk-signing ticket that ended this way reports.
pub(crate) fn ending_code(ending: Ending) -> DCode {
    bulk_code(match ending {
        Ending::Cancelled => 0,
        Ending::Rejected => 1,
        Ending::Failed => 2,
        Ending::TimedOut => 3,
    })
}

/// One document of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkDocument {
    pub id: String,
    pub document_name: Option<String>,
    pub document: SignedDocument,
}

/// How far signing has got.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkProgress {
    /// Documents signed.
    pub signed: usize,
    /// Documents that could not be signed.
    pub failed: usize,
    /// Result callbacks produced.
    pub callbacks_sent: usize,
    /// The relying party cancelled while signing was under way.
    pub cancelled_by_relying_party: bool,
}

/// A bulk-signing request as its ticket stores it (the documents live under their own key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkSigningRequest {
    pub business_id: String,
    /// The logged-in signer.
    pub persona_id: String,
    pub request_name: Option<String>,
    pub department: Option<String>,
    pub service_name: Option<String>,
    pub hkic_hash: Option<String>,
    /// `callbackResultURI`, when the request named one.
    pub callback_url: Option<String>,
    /// `maxCallbackSigs` as requested.
    pub max_callback_sigs: usize,
    /// Signatures per callback after the PDF cap.
    pub signatures_per_callback: usize,
    pub total: usize,
    #[serde(default)]
    pub progress: BulkProgress,
    #[serde(default)]
    pub acknowledged: Option<String>,
}

impl BulkSigningRequest {
    /// Documents processed so far (signed or failed).
    pub fn processed(&self) -> usize {
        self.progress.signed + self.progress.failed
    }

    /// Whether nothing is left to sign.
    pub fn is_finished(&self) -> bool {
        self.processed() >= self.total || self.progress.cancelled_by_relying_party
    }

    pub fn total_callbacks(&self) -> usize {
        self.total.div_ceil(self.signatures_per_callback.max(1))
    }
}

/// What the phone's bulk-signing screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkSigningView {
    pub request_name: Option<String>,
    pub department: Option<String>,
    pub service_name: Option<String>,
    /// `id` and `documentName` of every document, in request order.
    pub documents: Vec<BulkDocumentView>,
    pub signed: usize,
    pub failed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkDocumentView {
    pub id: String,
    pub document_name: Option<String>,
    /// `true` for a PDF digest, `false` for a hash.
    pub pdf: bool,
}

fn documents_key(ticket_id: &str) -> String {
    format!("bulk/{ticket_id}/documents")
}

fn signature_key(ticket_id: &str, index: usize) -> String {
    format!("bulk/{ticket_id}/signature/{index}")
}

pub(crate) fn documents(
    host: &mut dyn Host,
    ticket_id: &str,
) -> Result<Vec<BulkDocument>, ProtocolError> {
    Ok(store::get(host, &documents_key(ticket_id))?.unwrap_or_default())
}

pub(crate) fn view(
    host: &mut dyn Host,
    ticket_id: &str,
    bulk: &BulkSigningRequest,
) -> Result<BulkSigningView, ProtocolError> {
    let documents = documents(host, ticket_id)?
        .into_iter()
        .map(|document| BulkDocumentView {
            pdf: matches!(document.document, SignedDocument::Pdf { .. }),
            id: document.id,
            document_name: document.document_name,
        })
        .collect();
    Ok(BulkSigningView {
        request_name: bulk.request_name.clone(),
        department: bulk.department.clone(),
        service_name: bulk.service_name.clone(),
        documents,
        signed: bulk.progress.signed,
        failed: bulk.progress.failed,
    })
}

fn limited(fields: &Fields, name: &str, limit: usize) -> Result<Option<String>, ProtocolError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.is_empty() => Ok(None),
        Some(Value::String(text)) if text.chars().count() <= limit => Ok(Some(text.clone())),
        Some(_) => Err(ProtocolError::invalid(name)),
    }
}

fn max_callback_sigs(fields: &Fields) -> Result<usize, ProtocolError> {
    let invalid = || ProtocolError::invalid("maxCallbackSigs");
    let value = match fields.get("maxCallbackSigs") {
        None | Some(Value::Null) => return Ok(MAX_DOCUMENTS),
        Some(Value::String(text)) if text.is_empty() => return Ok(MAX_DOCUMENTS),
        Some(Value::Number(number)) => number.as_u64().ok_or_else(invalid)?,
        Some(Value::String(text)) => text.parse::<u64>().map_err(|_| invalid())?,
        Some(_) => return Err(invalid()),
    };
    usize::try_from(value)
        .ok()
        .filter(|value| (1..=MAX_DOCUMENTS).contains(value))
        .ok_or_else(invalid)
}

/// A parameter error about one document, naming it as `documents[i].name`.
fn in_document(index: usize, error: ProtocolError) -> ProtocolError {
    let message =
        error
            .message
            .replacen("parameter ", &format!("parameter documents[{index}]."), 1);
    ProtocolError::with_message(error.code, message)
}

fn parse_documents(fields: &Fields) -> Result<Vec<BulkDocument>, ProtocolError> {
    let items = match fields.get("documents") {
        None | Some(Value::Null) => return Err(ProtocolError::missing("documents")),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ProtocolError::invalid("documents")),
    };
    if items.is_empty() || items.len() > MAX_DOCUMENTS {
        return Err(bulk_error(
            4,
            &format!(
                "a request carries 1 to {MAX_DOCUMENTS} documents, this one {}",
                items.len()
            ),
        ));
    }
    let mut documents: Vec<BulkDocument> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let Some(object) = item.as_object() else {
            return Err(ProtocolError::invalid(&format!("documents[{index}]")));
        };
        let id = form_filling::required_string(object, "id").map_err(|e| in_document(index, e))?;
        let id_ok = id.chars().count() <= MAX_DOCUMENT_ID_LENGTH
            && id.chars().all(|c| !c.is_control())
            && !documents.iter().any(|seen| seen.id == id);
        if !id_ok {
            return Err(ProtocolError::invalid(&format!("documents[{index}].id")));
        }
        let document_name = limited(object, "documentName", signing::MAX_DOCUMENT_NAME_LENGTH)
            .map_err(|e| in_document(index, e))?;
        let pdf = object.contains_key("docDigest");
        let document = signing::document(object, pdf).map_err(|e| in_document(index, e))?;
        documents.push(BulkDocument {
            id,
            document_name,
            document,
        });
    }
    Ok(documents)
}

/// `callbackResultURI`: where the results go; it must be the registered callback URL or a redirect
/// URI, the only places the host delivers to.
fn callback_result_uri(
    config: &SandboxConfig,
    fields: &Fields,
) -> Result<Option<String>, ProtocolError> {
    match limited(fields, "callbackResultURI", 2048)? {
        Some(uri)
            if config.callback_url.as_deref() != Some(uri.as_str())
                && !config.redirect_uris.contains(&uri) =>
        {
            Err(ProtocolError::new(DCode::InvalidServiceUrl))
        }
        other => Ok(other),
    }
}

/// `bdss/initiateRequest`.
pub(crate) fn bulk_request(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Answer, ProtocolError> {
    let (cek, fields) = form_filling::decrypt(host, body)?;
    let business_id = form_filling::business_id(&fields)?;
    let token = form_filling::authenticate(host, config, &fields)?;
    let source = form_filling::source(&fields)?;
    let redirect_uri = form_filling::redirect_uri(config, &fields, false)?;
    let callback_url = callback_result_uri(config, &fields)?;
    let state = form_filling::state(&fields)?;
    form_filling::check_scopes(config, Some(&token.scope), &[Scope::BulkSign])?;
    let request_name = limited(&fields, "requestName", MAX_REQUEST_NAME_LENGTH)?;
    let department = limited(&fields, "department", signing::MAX_DEPARTMENT_LENGTH)?;
    let service_name = limited(&fields, "serviceName", signing::MAX_SERVICE_NAME_LENGTH)?;
    let max_callback_sigs = max_callback_sigs(&fields)?;
    let documents = parse_documents(&fields)?;
    let hkic_hash = limited(&fields, "HKICHash", 64)?;
    if let Some(hash) = &hkic_hash
        && crate::crypto::base64_decode(hash).map(|bytes| bytes.len())
            != Ok(crate::signer::SHA256_LENGTH)
    {
        return Err(ProtocolError::invalid("HKICHash"));
    }
    signing::check_signer_identity(
        config,
        &token.persona_id,
        login::sandbox_today(host),
        hkic_hash.as_deref(),
    )?;
    form_filling::ensure_new_business_id(host, &business_id)?;
    let has_pdf = documents
        .iter()
        .any(|document| matches!(document.document, SignedDocument::Pdf { .. }));
    let signatures_per_callback = if has_pdf {
        max_callback_sigs.min(MAX_PDF_SIGNATURES_PER_CALLBACK)
    } else {
        max_callback_sigs
    };
    let status = login::create_ticket(
        host,
        config,
        NewTicket {
            request: TicketRequest::BulkSigning(BulkSigningRequest {
                business_id: business_id.clone(),
                persona_id: token.persona_id.clone(),
                request_name,
                department,
                service_name,
                hkic_hash,
                callback_url,
                max_callback_sigs,
                signatures_per_callback,
                total: documents.len(),
                progress: BulkProgress::default(),
                acknowledged: None,
            }),
            redirect_uri,
            state,
            source: Some(source.clone()),
            scope: vec![Scope::BulkSign.as_str().to_owned()],
            lang: form_filling::lang(&fields),
        },
    )?;
    let keep_until = status
        .expires_at_ms
        .saturating_add(crate::login::TICKET_RETENTION_MS);
    store::put(
        host,
        &documents_key(&status.ticket_id),
        &documents,
        Some(keep_until),
    )?;
    form_filling::remember_business_id(host, &business_id, &status.ticket_id)?;
    let content = json!({"authByQR": source == "PC_Browser", "ticketID": status.ticket_id});
    let mut answer = Answer {
        content: Some(token::encrypt_response_content(host, &cek, &content)?),
        ..Answer::default()
    };
    if let Some(persona_id) = &config.auto_responder {
        match login::auto_respond(host, config, &status.ticket_id, persona_id) {
            Ok(Some(answered)) => {
                answer.continue_bulk_signing = answered
                    .signing_continues
                    .then(|| answered.ticket_id.clone());
                answer.callbacks = answered.callbacks;
            }
            Ok(None) => {}
            Err(error) => host.log(
                crate::host::LogLevel::Warn,
                &format!(
                    "auto-responder could not answer a bulk-signing request: {}",
                    error.code
                ),
            ),
        }
    }
    Ok(answer)
}

/// Signs the next piece of an approved request as `persona_id`: at most [`SIGNATURES_PER_CALL`]
/// documents and [`MAX_CALLBACKS_PER_CALL`] finished callbacks. Returns the content of each finished
/// callback (before `businessID` and `state` are added), in order.
pub(crate) fn sign_next(
    host: &mut dyn Host,
    ticket_id: &str,
    persona_id: &str,
    bulk: &mut BulkSigningRequest,
) -> Result<Vec<Map<String, Value>>, ProtocolError> {
    if bulk.is_finished() {
        return Ok(Vec::new());
    }
    let documents = documents(host, ticket_id)?;
    if documents.len() != bulk.total {
        return Err(ProtocolError::with_message(
            DCode::UnknownException,
            "bulk signing documents are missing from storage",
        ));
    }
    let per_callback = bulk.signatures_per_callback.max(1);
    let start = bulk.processed();
    let callback_limit = (start / per_callback + MAX_CALLBACKS_PER_CALL) * per_callback;
    let end = bulk
        .total
        .min(start + SIGNATURES_PER_CALL)
        .min(callback_limit);
    let mut finished = Vec::new();
    for index in start..end {
        let Some(document) = documents.get(index) else {
            break;
        };
        let mut entry = Map::new();
        entry.insert("id".into(), document.id.clone().into());
        if let Some(name) = &document.document_name {
            entry.insert("documentName".into(), name.clone().into());
        }
        match signing::sign(host, persona_id, &document.document) {
            Ok(result) => {
                let mut fields = signing::result_fields(&document.document, &result);
                // The certificate is sent once per callback, in `sigMetada`.
                fields.remove("cert");
                entry.extend(fields);
                bulk.progress.signed += 1;
            }
            Err(error) => {
                entry.insert("error".into(), error.code.code().into());
                bulk.progress.failed += 1;
            }
        }
        store::put(
            host,
            &signature_key(ticket_id, index),
            &Value::Object(entry),
            None,
        )?;
        let chunk_ends = (index + 1) % per_callback == 0 || index + 1 == bulk.total;
        if chunk_ends {
            let chunk_start = index - index % per_callback;
            finished.push(chunk_content(
                host,
                ticket_id,
                persona_id,
                bulk,
                chunk_start,
                index + 1,
            )?);
        }
    }
    Ok(finished)
}

/// The `sigFile` and `sigMetada` of the callback covering documents `from..to`, whose stored
/// signatures it takes out of storage.
fn chunk_content(
    host: &mut dyn Host,
    ticket_id: &str,
    persona_id: &str,
    bulk: &mut BulkSigningRequest,
    from: usize,
    to: usize,
) -> Result<Map<String, Value>, ProtocolError> {
    let mut entries = Vec::with_capacity(to - from);
    let mut failed = 0;
    for index in from..to {
        let key = signature_key(ticket_id, index);
        let entry: Value = store::get(host, &key)?.unwrap_or(Value::Null);
        host.kv_delete(&key);
        if entry.get("error").is_some() {
            failed += 1;
        }
        entries.push(entry);
    }
    let cert = crate::persona_certificate::find(host, persona_id)?
        .and_then(|certificate| certificate.credential.certificate_chain.first().cloned());
    bulk.progress.callbacks_sent += 1;
    let mut content = Map::new();
    content.insert("sigFile".into(), entries.into());
    content.insert(
        "sigMetada".into(),
        json!({
            "cert": cert,
            "totalCallbacks": bulk.total_callbacks(),
            "callbackSeq": bulk.progress.callbacks_sent,
            "totalSignNum": bulk.total,
            "failSignNum": failed,
        }),
    );
    Ok(content)
}

/// The `SS00x` status of a bulk-signing ticket.
fn status_code(state: TicketState, bulk: &BulkSigningRequest) -> &'static str {
    match state {
        TicketState::Pending => "SS001",
        TicketState::Approved if bulk.progress.cancelled_by_relying_party => "SS004",
        TicketState::Approved if bulk.is_finished() => "SS003",
        TicketState::Approved => "SS002",
        TicketState::Cancelled => "SS004",
        TicketState::Rejected | TicketState::Failed | TicketState::TimedOut => "SS005",
    }
}

/// The bulk-signing request behind a `businessID` of this client.
fn bulk_of(
    host: &mut dyn Host,
    business_id: &str,
) -> Result<Option<(String, TicketState, BulkSigningRequest)>, ProtocolError> {
    let Some(ticket_id) = form_filling::ticket_of_business(host, business_id)? else {
        return Ok(None);
    };
    login::bulk_request(host, &ticket_id)
        .map(|found| found.map(|(state, bulk)| (ticket_id, state, bulk)))
}

fn no_record() -> ProtocolError {
    bulk_error(5, "no bulk signing request has this businessID")
}

/// `bdss/enquireStatus`: where a request stands.
pub(crate) fn enquire_status(host: &mut dyn Host, body: &[u8]) -> Result<Value, ProtocolError> {
    let (cek, fields) = form_filling::decrypt(host, body)?;
    let business_id = form_filling::business_id(&fields)?;
    let content = match bulk_of(host, &business_id)? {
        None => json!({"businessID": business_id, "status": "SS006"}),
        Some((_, state, bulk)) => json!({
            "businessID": business_id,
            "status": status_code(state, &bulk),
            "totalSignNum": bulk.total,
            "signedNum": bulk.progress.signed,
            "failSignNum": bulk.progress.failed,
            "totalCallbacks": bulk.total_callbacks(),
            "sentCallbacks": bulk.progress.callbacks_sent,
        }),
    };
    token::encrypt_response_content(host, &cek, &content)
}

/// `bdss/cancelRequest`: the relying party withdraws a request that is waiting for the user or
/// still signing; signing stops before the next document.
pub(crate) fn cancel_request(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Value, ProtocolError> {
    let (cek, fields) = form_filling::decrypt(host, body)?;
    let business_id = form_filling::business_id(&fields)?;
    let (ticket_id, state, bulk) = bulk_of(host, &business_id)?.ok_or_else(no_record)?;
    match state {
        TicketState::Pending => {
            login::cancel_by_relying_party(host, config, &ticket_id)?;
        }
        TicketState::Approved if !bulk.is_finished() => {
            login::update_bulk(host, &ticket_id, |bulk| {
                bulk.progress.cancelled_by_relying_party = true;
            })?;
        }
        _ => return Err(bulk_error(7, "the request can no longer be cancelled")),
    }
    token::encrypt_response_content(
        host,
        &cek,
        &json!({"businessID": business_id, "status": "SS004"}),
    )
}

/// `bdss/ackResult`: the relying party says what it did with the signatures (`SR001`–`SR003`).
pub(crate) fn ack_result(host: &mut dyn Host, body: &[u8]) -> Result<Value, ProtocolError> {
    let (cek, fields) = form_filling::decrypt(host, body)?;
    let business_id = form_filling::business_id(&fields)?;
    let signing_result = form_filling::required_string(&fields, "signingResult")?;
    if !matches!(signing_result.as_str(), "SR001" | "SR002" | "SR003") {
        return Err(ProtocolError::invalid("signingResult"));
    }
    let (ticket_id, state, bulk) = bulk_of(host, &business_id)?.ok_or_else(no_record)?;
    if state != TicketState::Approved || !bulk.is_finished() {
        return Err(bulk_error(
            8,
            "acknowledgement failed: signing has not finished",
        ));
    }
    login::update_bulk(host, &ticket_id, |bulk| {
        bulk.acknowledged = Some(signing_result.clone());
    })?;
    token::encrypt_response_content(host, &cek, &json!({"businessID": business_id}))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use rsa::{Pkcs1v15Sign, RsaPublicKey};
    use sha2::{Digest, Sha256};

    use super::*;
    use crate::call::{Call, Outcome, handle};
    use crate::client;
    use crate::crypto::tests::rp_private_key;
    use crate::crypto::{base64_decode, base64_encode};
    use crate::login::TicketStatus;
    use crate::persona::{IAMSMART_PLUS_USER, IAMSMART_USER};
    use crate::persona_certificate::PersonaCertificate;
    use crate::testkit::{REDIRECT_URI, Rp};

    fn rp() -> Rp {
        let mut rp = Rp::strict();
        rp.config.granted_scopes.push("eidapi_bulksign".into());
        let certificate = PersonaCertificate {
            credential: crate::signer::tests::credential(),
            serial_hex: "09".into(),
            not_before_ms: 0,
            not_after_ms: i64::MAX,
            revoked_at_ms: None,
        };
        let certificates: BTreeMap<String, PersonaCertificate> =
            [(IAMSMART_PLUS_USER.to_owned(), certificate)].into();
        handle(
            &mut rp.host,
            &rp.config,
            Call::InstallSigningCertificates { certificates },
        );
        rp
    }

    fn document(index: usize) -> Value {
        let digest = Sha256::digest(format!("document {index}").as_bytes());
        json!({"id": format!("doc-{index}"), "documentName": format!("Statement {index}"),
            "hashCode": base64_encode(&digest), "sigAlgo": "SHA256withRSA"})
    }

    fn request(
        rp: &mut Rp,
        persona_id: &str,
        business_id: &str,
        count: usize,
        max: usize,
    ) -> Value {
        let token = rp.token(persona_id, "eidapi_auth eidapi_bulksign");
        json!({"businessID": business_id, "accessToken": token.access_token,
            "openID": token.open_id, "source": "PC_Browser", "redirectURI": REDIRECT_URI,
            "state": "bulk", "requestName": "Monthly statements", "maxCallbackSigs": max,
            "documents": (0..count).map(document).collect::<Vec<_>>()})
    }

    fn start(rp: &mut Rp, business_id: &str, count: usize, max: usize) -> String {
        let body = request(rp, IAMSMART_PLUS_USER, business_id, count, max);
        let envelope = rp.post_encrypted(BULK_REQUEST_PATH, &body);
        assert_eq!(envelope.code, "D00000", "{}", envelope.message);
        rp.decrypted(&envelope)["ticketID"]
            .as_str()
            .expect("ticketID")
            .to_owned()
    }

    fn ticket(rp: &mut Rp, call: Call) -> TicketStatus {
        match handle(&mut rp.host, &rp.config, call) {
            Outcome::Ticket(status) => status,
            other => panic!("expected a ticket, got {other:?}"),
        }
    }

    fn status_of(rp: &mut Rp, business_id: &str) -> Value {
        let envelope = rp.post_encrypted(
            BULK_ENQUIRE_STATUS_PATH,
            &json!({"businessID": business_id}),
        );
        assert_eq!(envelope.code, "D00000", "{}", envelope.message);
        rp.decrypted(&envelope)
    }

    fn opened(callback: &crate::Callback) -> client::OpenedCallback {
        let content_type = callback.header("Content-Type").expect("content type");
        assert!(content_type.starts_with("multipart/form-data"));
        client::open_callback(rp_private_key(), &callback.body, content_type).expect("opens")
    }

    #[test]
    fn twenty_five_documents_by_ten_arrive_as_three_callbacks_in_order_with_valid_signatures() {
        let mut rp = rp();
        let ticket_id = start(&mut rp, "bulk-1", 25, 10);
        assert_eq!(status_of(&mut rp, "bulk-1")["status"], "SS001");
        let details = match handle(
            &mut rp.host,
            &rp.config,
            Call::TicketDetails {
                ticket_id: ticket_id.clone(),
                persona_id: None,
            },
        ) {
            Outcome::TicketDetails(details) => details,
            other => panic!("expected details, got {other:?}"),
        };
        let view = details.bulk_signing.expect("a bulk view");
        assert_eq!(view.documents.len(), 25);
        assert_eq!(view.documents[3].id, "doc-3");

        let approved = ticket(
            &mut rp,
            Call::ApproveTicket {
                ticket_id: ticket_id.clone(),
                persona_id: IAMSMART_PLUS_USER.into(),
            },
        );
        assert!(approved.signing_continues);
        assert!(approved.callbacks.is_empty());
        assert_eq!(status_of(&mut rp, "bulk-1")["status"], "SS002");

        let mut callbacks = Vec::new();
        let mut calls = 0;
        loop {
            let next = ticket(
                &mut rp,
                Call::ContinueBulkSigning {
                    ticket_id: ticket_id.clone(),
                },
            );
            calls += 1;
            callbacks.extend(next.callbacks);
            if !next.signing_continues {
                break;
            }
        }
        assert_eq!(calls, 25usize.div_ceil(SIGNATURES_PER_CALL));
        assert_eq!(callbacks.len(), 3);
        let key = RsaPublicKey::from(rp_private_key());
        for (seq, callback) in callbacks.iter().enumerate() {
            let opened = opened(callback);
            assert_eq!(opened.code, "D00000");
            assert_eq!(opened.content["businessID"], "bulk-1");
            let metadata = &opened.content["sigMetada"];
            assert_eq!(metadata["callbackSeq"], seq + 1);
            assert_eq!(metadata["totalCallbacks"], 3);
            assert_eq!(metadata["totalSignNum"], 25);
            assert_eq!(metadata["failSignNum"], 0);
            assert!(metadata["cert"].is_string());
            let entries = opened.content["sigFile"].as_array().expect("sigFile");
            assert_eq!(entries.len(), if seq < 2 { 10 } else { 5 });
            for (offset, entry) in entries.iter().enumerate() {
                let index = seq * 10 + offset;
                assert_eq!(entry["id"], format!("doc-{index}"));
                let signature =
                    base64_decode(entry["signature"].as_str().expect("signature")).expect("base64");
                key.verify(
                    Pkcs1v15Sign::new::<Sha256>(),
                    &Sha256::digest(format!("document {index}").as_bytes()),
                    &signature,
                )
                .expect("each signature verifies");
            }
        }
        let done = status_of(&mut rp, "bulk-1");
        assert_eq!(done["status"], "SS003");
        assert_eq!(done["signedNum"], 25);
        assert_eq!(done["sentCallbacks"], 3);
        assert!(
            rp.host
                .entries()
                .keys()
                .all(|key| !key.contains("/signature/"))
        );
        // Nothing more to do, and the relying party acknowledges.
        let again = ticket(&mut rp, Call::ContinueBulkSigning { ticket_id });
        assert!(again.callbacks.is_empty() && !again.signing_continues);
        let ack = rp.post_encrypted(
            BULK_ACK_RESULT_PATH,
            &json!({"businessID": "bulk-1", "signingResult": "SR001"}),
        );
        assert_eq!(ack.code, "D00000");
    }

    #[test]
    fn one_signature_per_callback_is_spread_over_calls_of_at_most_four_callbacks() {
        let mut rp = rp();
        let ticket_id = start(&mut rp, "bulk-2", 9, 1);
        ticket(
            &mut rp,
            Call::ApproveTicket {
                ticket_id: ticket_id.clone(),
                persona_id: IAMSMART_PLUS_USER.into(),
            },
        );
        let mut sizes = Vec::new();
        loop {
            let next = ticket(
                &mut rp,
                Call::ContinueBulkSigning {
                    ticket_id: ticket_id.clone(),
                },
            );
            sizes.push(next.callbacks.len());
            if !next.signing_continues {
                break;
            }
        }
        assert_eq!(sizes, [4, 4, 1]);
    }

    #[test]
    fn the_number_of_documents_and_the_signer_are_checked() {
        let mut rp = rp();
        let body = request(&mut rp, IAMSMART_PLUS_USER, "bulk-3", 1001, 10);
        let refused = rp.post_encrypted(BULK_REQUEST_PATH, &body);
        assert_eq!(refused.code, "D71004");
        assert!(refused.message.contains("1001"), "{}", refused.message);
        let body = request(&mut rp, IAMSMART_PLUS_USER, "bulk-4", 0, 10);
        assert_eq!(rp.post_encrypted(BULK_REQUEST_PATH, &body).code, "D71004");
        let body = request(&mut rp, IAMSMART_PLUS_USER, "bulk-5", 2, 1001);
        assert_eq!(rp.post_encrypted(BULK_REQUEST_PATH, &body).code, "D20003");
        let mut body = request(&mut rp, IAMSMART_PLUS_USER, "bulk-6", 2, 10);
        body["documents"][1]["hashCode"] = "short".into();
        let bad = rp.post_encrypted(BULK_REQUEST_PATH, &body);
        assert_eq!(bad.code, "D20003");
        assert!(
            bad.message.contains("documents[1].hashCode"),
            "{}",
            bad.message
        );
        let mut body = request(&mut rp, IAMSMART_PLUS_USER, "bulk-7", 2, 10);
        body["documents"][1]["id"] = "doc-0".into();
        assert_eq!(rp.post_encrypted(BULK_REQUEST_PATH, &body).code, "D20003");
        let body = request(&mut rp, IAMSMART_USER, "bulk-8", 2, 10);
        assert_eq!(rp.post_encrypted(BULK_REQUEST_PATH, &body).code, "D70004");
        let mut body = request(&mut rp, IAMSMART_PLUS_USER, "bulk-9", 2, 10);
        body["callbackResultURI"] = "https://elsewhere.example/cb".into();
        assert_eq!(rp.post_encrypted(BULK_REQUEST_PATH, &body).code, "D20008");
    }

    #[test]
    fn the_relying_party_cancels_before_or_during_signing_and_cannot_after() {
        let mut rp = rp();
        start(&mut rp, "bulk-10", 3, 10);
        let cancel = |rp: &mut Rp, business_id: &str| {
            rp.post_encrypted(BULK_CANCEL_PATH, &json!({"businessID": business_id}))
        };
        assert_eq!(cancel(&mut rp, "bulk-10").code, "D00000");
        assert_eq!(status_of(&mut rp, "bulk-10")["status"], "SS004");
        assert_eq!(cancel(&mut rp, "bulk-10").code, "D71007");

        let ticket_id = start(&mut rp, "bulk-11", 40, 10);
        ticket(
            &mut rp,
            Call::ApproveTicket {
                ticket_id: ticket_id.clone(),
                persona_id: IAMSMART_PLUS_USER.into(),
            },
        );
        let first = ticket(
            &mut rp,
            Call::ContinueBulkSigning {
                ticket_id: ticket_id.clone(),
            },
        );
        assert!(first.signing_continues);
        let early_ack = rp.post_encrypted(
            BULK_ACK_RESULT_PATH,
            &json!({"businessID": "bulk-11", "signingResult": "SR001"}),
        );
        assert_eq!(early_ack.code, "D71008");
        assert_eq!(cancel(&mut rp, "bulk-11").code, "D00000");
        let after = ticket(&mut rp, Call::ContinueBulkSigning { ticket_id });
        assert!(after.callbacks.is_empty() && !after.signing_continues);
        assert_eq!(status_of(&mut rp, "bulk-11")["status"], "SS004");
        assert_eq!(cancel(&mut rp, "nobody").code, "D71005");
        assert_eq!(status_of(&mut rp, "nobody")["status"], "SS006");
    }

    #[test]
    fn a_rejected_bulk_request_calls_back_with_d71001() {
        let mut rp = rp();
        let ticket_id = start(&mut rp, "bulk-12", 2, 10);
        let rejected = ticket(&mut rp, Call::RejectTicket { ticket_id });
        assert_eq!(opened(&rejected.callbacks[0]).code, "D71001");
        assert_eq!(status_of(&mut rp, "bulk-12")["status"], "SS005");
    }
}
