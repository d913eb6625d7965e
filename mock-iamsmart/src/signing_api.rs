//! The signing APIs (PROTOCOL §4): `account/signing/initiateRequest` (hash signing),
//! `account/pdfsigning/initiateRequest` (PDF signing), their anonymous forms with `getResult`, and
//! `account/signing/ackResult`. Each request becomes a ticket (the shared life cycle of `login.rs`)
//! that the signer answers on the phone; approval makes the signature (`signing.rs`) and, for an
//! authenticated request, the encrypted callback `{"businessID","state","hashCode","sigAlgo",
//! "timestamp","signature","cert"}` (or `"docDigest","timestamp","pdfSignature","cert"`); an anonymous
//! one keeps the result for `getResult` after the browser's code was exchanged for a token.
//!
//! Checks, after the envelope and in this order: `businessID` (as for form filling); for authenticated
//! requests the access token (`D20009`), `openID` (`D20010`), a suspended user (`D10001`); `source`
//! (`D20007`); `redirectURI` when given (`D20008`); `state` (`D20003`); the scope `eidapi_sign`
//! granted to the client and the token (`D20015`); the signing fields (`signing::details`); for an
//! authenticated request whether the user may sign (`D70004`, `D70005`); a reused `businessID`
//! (`D20011`). `ackResult` takes `businessID` and `signingResult` (`SR001` accepted, `SR002` rejected,
//! `SR003` none received; anything else `D20003`); a `businessID` that names no signing request of
//! this client, or one not approved yet, is `D70006`. This module never logs hashes, signatures or
//! identifiers.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::api::Answer;
use crate::codes::{DCode, ProtocolError};
use crate::config::SandboxConfig;
use crate::form_filling::{self, Fields};
use crate::host::Host;
use crate::login::{self, NewTicket, TicketState};
use crate::request::{Ending, TicketKind, TicketRequest};
use crate::scope::Scope;
use crate::signing::{self, SignatureResult, SigningDetails};
use crate::token;

/// A signing request as its ticket stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningRequest {
    pub business_id: String,
    /// The logged-in signer of an authenticated request; `None` for anonymous ones.
    pub persona_id: Option<String>,
    pub details: SigningDetails,
    /// The 4-digit code the RP shows and the phone shows beside the document.
    pub identification_code: String,
    /// The signature, once made (kept for an anonymous request's `getResult`).
    #[serde(default)]
    pub result: Option<SignatureResult>,
    /// What the relying party acknowledged with `ackResult` (`SR001`–`SR003`).
    #[serde(default)]
    pub acknowledged: Option<String>,
}

/// What the phone's signing screen shows about a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningView {
    pub document_name: Option<String>,
    pub department: Option<String>,
    pub service_name: Option<String>,
    pub identification_code: String,
    /// What is signed, as the relying party sent it: `hashCode` (hash signing) or `docDigest` (PDF
    /// signing), Base64. The phone shows it abbreviated beside the identification code.
    #[serde(default)]
    pub digest: String,
    /// `true` for PDF signing, `false` for hash signing.
    pub pdf: bool,
    /// `sigAlgo` of a hash-signing request.
    pub algorithm: Option<String>,
    /// The re-authentication the request asks for before signing.
    pub step_up: Option<signing::StepUp>,
}

impl SigningView {
    pub fn of(request: &SigningRequest) -> SigningView {
        let (pdf, algorithm) = match &request.details.document {
            signing::SignedDocument::Hash { algorithm, .. } => {
                (false, Some(algorithm.as_str().to_owned()))
            }
            signing::SignedDocument::Pdf { .. } => (true, None),
        };
        SigningView {
            document_name: request.details.document_name.clone(),
            department: request.details.department.clone(),
            service_name: request.details.service_name.clone(),
            identification_code: request.identification_code.clone(),
            digest: request.details.document.digest_text().to_owned(),
            pdf,
            algorithm,
            step_up: request.details.step_up.clone(),
        }
    }
}

fn sign_scope(config: &SandboxConfig, token_scope: Option<&[String]>) -> Result<(), ProtocolError> {
    form_filling::check_scopes(config, token_scope, &[Scope::Sign])
}

fn start(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
    pdf: bool,
) -> Result<Answer, ProtocolError> {
    let (cek, fields) = form_filling::decrypt(host, body)?;
    let business_id = form_filling::business_id(&fields)?;
    let token = form_filling::authenticate(host, config, &fields)?;
    let open_id = form_filling::required_string(&fields, "openID")?;
    let source = form_filling::source(&fields)?;
    let redirect_uri = form_filling::redirect_uri(config, &fields, false)?;
    let state = form_filling::state(&fields)?;
    sign_scope(config, Some(&token.scope))?;
    let details = signing::details(&fields, pdf, false)?;
    signing::check_signer(
        config,
        &token.persona_id,
        login::sandbox_today(host),
        &details,
    )?;
    form_filling::ensure_new_business_id(host, &business_id)?;
    let identification_code = signing::code_for(&details, Some(&open_id), &config.client_id);
    let auth_by_qr = source == "PC_Browser";
    let status = login::create_ticket(
        host,
        config,
        NewTicket {
            request: TicketRequest::Signing(SigningRequest {
                business_id: business_id.clone(),
                persona_id: Some(token.persona_id.clone()),
                details,
                identification_code,
                result: None,
                acknowledged: None,
            }),
            redirect_uri,
            state,
            source: Some(source),
            scope: vec![Scope::Sign.as_str().to_owned()],
            lang: form_filling::lang(&fields),
        },
    )?;
    form_filling::remember_business_id(host, &business_id, &status.ticket_id)?;
    let content = json!({"authByQR": auth_by_qr, "ticketID": status.ticket_id});
    let callbacks = form_filling::auto_answer(host, config, &status.ticket_id);
    Ok(Answer {
        content: Some(token::encrypt_response_content(host, &cek, &content)?),
        callbacks,
        ..Answer::default()
    })
}

/// `account/signing/initiateRequest`.
pub(crate) fn hash_signing_request(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Answer, ProtocolError> {
    start(host, config, body, false)
}

/// `account/pdfsigning/initiateRequest`.
pub(crate) fn pdf_signing_request(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Answer, ProtocolError> {
    start(host, config, body, true)
}

fn start_anonymous(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
    pdf: bool,
) -> Result<Value, ProtocolError> {
    let (cek, fields) = form_filling::decrypt(host, body)?;
    let business_id = form_filling::business_id(&fields)?;
    let source = form_filling::source(&fields)?;
    form_filling::redirect_uri(config, &fields, false)?;
    let state = form_filling::state(&fields)?;
    sign_scope(config, None)?;
    let details = signing::details(&fields, pdf, true)?;
    form_filling::ensure_new_business_id(host, &business_id)?;
    let identification_code = signing::code_for(&details, None, &config.client_id);
    let status = login::create_ticket(
        host,
        config,
        NewTicket {
            request: TicketRequest::AnonymousSigning(SigningRequest {
                business_id: business_id.clone(),
                persona_id: None,
                details,
                identification_code,
                result: None,
                acknowledged: None,
            }),
            redirect_uri: None,
            state,
            source: Some(source),
            scope: vec![Scope::Sign.as_str().to_owned()],
            lang: form_filling::lang(&fields),
        },
    )?;
    form_filling::remember_business_id(host, &business_id, &status.ticket_id)?;
    token::encrypt_response_content(host, &cek, &json!({"ticketID": status.ticket_id}))
}

/// `anonymous/signing/initiateRequest`.
pub(crate) fn anonymous_hash_signing_request(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Value, ProtocolError> {
    start_anonymous(host, config, body, false)
}

/// `anonymous/pdfsigning/initiateRequest`.
pub(crate) fn anonymous_pdf_signing_request(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Value, ProtocolError> {
    start_anonymous(host, config, body, true)
}

/// The signing request behind a `businessID` of this client, with its ticket's state.
fn signing_of(
    host: &mut dyn Host,
    business_id: &str,
) -> Result<Option<(String, TicketState, SigningRequest)>, ProtocolError> {
    let Some(ticket_id) = form_filling::ticket_of_business(host, business_id)? else {
        return Ok(None);
    };
    login::signing_request(host, &ticket_id)
        .map(|found| found.map(|(state, request)| (ticket_id, state, request)))
}

/// `anonymous/signing/getResult` and `anonymous/pdfsigning/getResult`: the signature, for the token
/// the approval's code was exchanged for. Unknown or not anonymous → `D20003`; still pending →
/// `D20003`; ended without approval → its ending code (`D70000`–`D70003`).
pub(crate) fn anonymous_result(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
    pdf: bool,
) -> Result<Value, ProtocolError> {
    let (cek, fields) = form_filling::decrypt(host, body)?;
    let business_id = form_filling::business_id(&fields)?;
    let token = form_filling::authenticate(host, config, &fields)?;
    let unknown = || ProtocolError::invalid("businessID");
    let (ticket_id, state, request) = signing_of(host, &business_id)?.ok_or_else(unknown)?;
    let kind = login::ticket_kind(host, &ticket_id)?;
    let is_pdf = matches!(
        request.details.document,
        signing::SignedDocument::Pdf { .. }
    );
    if kind != TicketKind::AnonymousSigning || is_pdf != pdf {
        return Err(unknown());
    }
    let ending = match state {
        TicketState::Approved => None,
        TicketState::Pending => {
            return Err(ProtocolError::with_message(
                DCode::InvalidParameter,
                "invalid parameter businessID: the request has not been answered",
            ));
        }
        TicketState::Rejected => Some(Ending::Rejected),
        TicketState::Cancelled => Some(Ending::Cancelled),
        TicketState::Failed => Some(Ending::Failed),
        TicketState::TimedOut => Some(Ending::TimedOut),
    };
    if let Some(ending) = ending {
        return Err(ProtocolError::new(kind.ending_code(ending)));
    }
    let signer = login::approver(host, &ticket_id)?;
    let result = request.result.as_ref().ok_or_else(unknown)?;
    if signer.as_deref() != Some(token.persona_id.as_str()) {
        return Err(unknown());
    }
    let mut content: Fields = login::identifiers(host, &ticket_id)?;
    content.extend(signing::result_fields(&request.details.document, result));
    token::encrypt_response_content(host, &cek, &Value::Object(content))
}

/// `account/signing/ackResult`: the relying party says what it did with the signature.
pub(crate) fn ack_result(host: &mut dyn Host, body: &[u8]) -> Result<Value, ProtocolError> {
    let (cek, fields) = form_filling::decrypt(host, body)?;
    let business_id = form_filling::business_id(&fields)?;
    let signing_result = form_filling::required_string(&fields, "signingResult")?;
    if !matches!(signing_result.as_str(), "SR001" | "SR002" | "SR003") {
        return Err(ProtocolError::invalid("signingResult"));
    }
    let ack_failed = |reason: &str| {
        ProtocolError::with_message(
            DCode::SigningAckFailed,
            format!("signing acknowledgement failed: {reason}"),
        )
    };
    let Some((ticket_id, state, _)) = signing_of(host, &business_id)? else {
        return Err(ack_failed("no signing request has this businessID"));
    };
    if state != TicketState::Approved {
        return Err(ack_failed("the request has not been signed"));
    }
    login::acknowledge_signing(host, &ticket_id, &signing_result)?;
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
    use crate::crypto::base64_encode;
    use crate::crypto::tests::rp_private_key;
    use crate::identification_code::identification_code;
    use crate::login::TicketStatus;
    use crate::persona::{IAMSMART_PLUS_USER, IAMSMART_USER};
    use crate::persona_certificate::PersonaCertificate;
    use crate::signing::{ACK_RESULT_PATH, HASH_SIGNING_PATH, PDF_SIGNING_PATH};
    use crate::testkit::{REDIRECT_URI, Rp};

    const SCOPES: &str = "eidapi_auth eidapi_sign";
    const REVOKED: &str = "revoked-certificate-user";

    fn install(rp: &mut Rp, persona_id: &str, revoked_at_ms: Option<i64>) {
        let certificate = PersonaCertificate {
            credential: crate::signer::tests::credential(),
            serial_hex: "07".into(),
            not_before_ms: 0,
            not_after_ms: i64::MAX,
            revoked_at_ms,
        };
        let certificates: BTreeMap<String, PersonaCertificate> =
            [(persona_id.to_owned(), certificate)].into();
        let outcome = handle(
            &mut rp.host,
            &rp.config,
            Call::InstallSigningCertificates { certificates },
        );
        assert!(matches!(
            outcome,
            Outcome::SigningCertificatesInstalled { written: 1 }
        ));
    }

    fn hash_code() -> String {
        base64_encode(&Sha256::digest(b"the account agreement"))
    }

    fn body(token: &token::TokenContent, business_id: &str) -> Value {
        json!({
            "businessID": business_id,
            "accessToken": token.access_token,
            "openID": token.open_id,
            "source": "PC_Browser",
            "redirectURI": REDIRECT_URI,
            "state": "sign-state",
            "hashCode": hash_code(),
            "sigAlgo": "SHA256withRSA",
            "department": "Demo Bank",
            "serviceName": "Account opening",
            "documentName": "Account agreement",
        })
    }

    fn start(rp: &mut Rp, path: &str, body: &Value) -> String {
        let envelope = rp.post_encrypted(path, body);
        assert_eq!(envelope.code, "D00000", "{}", envelope.message);
        rp.decrypted(&envelope)["ticketID"]
            .as_str()
            .expect("ticketID")
            .to_owned()
    }

    fn answer(rp: &mut Rp, call: Call) -> TicketStatus {
        match handle(&mut rp.host, &rp.config, call) {
            Outcome::Ticket(status) => status,
            other => panic!("expected a ticket, got {other:?}"),
        }
    }

    fn approve(rp: &mut Rp, ticket_id: &str, persona_id: &str) -> Outcome {
        handle(
            &mut rp.host,
            &rp.config,
            Call::ApproveTicket {
                ticket_id: ticket_id.to_owned(),
                persona_id: persona_id.to_owned(),
            },
        )
    }

    fn opened(status: &TicketStatus) -> client::OpenedCallback {
        let callback = status.callbacks.first().expect("a callback");
        let content_type = callback.header("Content-Type").expect("content type");
        client::open_callback(rp_private_key(), &callback.body, content_type).expect("opens")
    }

    #[test]
    fn a_hash_signed_on_the_phone_comes_back_in_the_callback_with_the_signer_certificate() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_PLUS_USER, SCOPES);
        install(&mut rp, IAMSMART_PLUS_USER, None);
        let ticket_id = start(&mut rp, HASH_SIGNING_PATH, &body(&token, "sign-1"));
        let Outcome::TicketDetails(details) = handle(
            &mut rp.host,
            &rp.config,
            Call::TicketDetails {
                ticket_id: ticket_id.clone(),
                persona_id: None,
            },
        ) else {
            panic!("expected details");
        };
        let view = details.signing.expect("a signing view");
        assert_eq!(
            view.identification_code,
            identification_code(&hash_code(), &token.open_id)
        );
        assert_eq!(view.document_name.as_deref(), Some("Account agreement"));
        assert_eq!(view.department.as_deref(), Some("Demo Bank"));
        assert_eq!(view.digest, hash_code());
        assert!(!view.pdf);
        assert_eq!(view.algorithm.as_deref(), Some("SHA256withRSA"));
        assert_eq!(details.status.kind, TicketKind::Signing);

        let Outcome::Ticket(status) = approve(&mut rp, &ticket_id, IAMSMART_PLUS_USER) else {
            panic!("expected the approved ticket");
        };
        assert_eq!(status.state, TicketState::Approved);
        let callback = opened(&status);
        assert_eq!(callback.code, "D00000");
        assert_eq!(callback.content["businessID"], "sign-1");
        assert_eq!(callback.content["state"], "sign-state");
        assert_eq!(callback.content["hashCode"], hash_code());
        let signature = crate::crypto::base64_decode(
            callback.content["signature"].as_str().expect("signature"),
        )
        .expect("base64");
        RsaPublicKey::from(rp_private_key())
            .verify(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(b"the account agreement"),
                &signature,
            )
            .expect("the signature verifies with the signer's key");
        assert_eq!(
            callback.content["cert"].as_str(),
            crate::signer::tests::credential()
                .certificate_chain
                .first()
                .map(String::as_str)
        );

        let ack = rp.post_encrypted(
            ACK_RESULT_PATH,
            &json!({"businessID": "sign-1", "signingResult": "SR001"}),
        );
        assert_eq!(ack.code, "D00000");
        let bad = rp.post_encrypted(
            ACK_RESULT_PATH,
            &json!({"businessID": "sign-1", "signingResult": "SR009"}),
        );
        assert_eq!(bad.code, "D20003");
        let unknown = rp.post_encrypted(
            ACK_RESULT_PATH,
            &json!({"businessID": "nobody", "signingResult": "SR001"}),
        );
        assert_eq!(unknown.code, "D70006");
    }

    #[test]
    fn a_pdf_digest_is_signed_as_a_detached_pkcs7() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_PLUS_USER, SCOPES);
        install(&mut rp, IAMSMART_PLUS_USER, None);
        let mut request = body(&token, "pdf-1");
        request.as_object_mut().map(|o| o.remove("hashCode"));
        request["docDigest"] = hash_code().into();
        let ticket_id = start(&mut rp, PDF_SIGNING_PATH, &request);
        let Outcome::TicketDetails(details) = handle(
            &mut rp.host,
            &rp.config,
            Call::TicketDetails {
                ticket_id: ticket_id.clone(),
                persona_id: None,
            },
        ) else {
            panic!("expected details");
        };
        let view = details.signing.expect("a signing view");
        assert!(view.pdf);
        assert_eq!(view.digest, hash_code());
        assert_eq!(view.algorithm, None);
        let Outcome::Ticket(status) = approve(&mut rp, &ticket_id, IAMSMART_PLUS_USER) else {
            panic!("expected the approved ticket");
        };
        let callback = opened(&status);
        let pkcs7 = crate::crypto::base64_decode(
            callback.content["pdfSignature"]
                .as_str()
                .expect("pdfSignature"),
        )
        .expect("base64");
        use x509_cert::der::Decode;
        let info = cms::content_info::ContentInfo::from_der(&pkcs7).expect("a ContentInfo");
        assert_eq!(
            info.content_type,
            x509_cert::der::oid::db::rfc5911::ID_SIGNED_DATA
        );
        assert_eq!(callback.content["docDigest"], hash_code());
    }

    #[test]
    fn an_iam_smart_user_without_plus_and_a_mismatched_hkid_cannot_start_signing() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, SCOPES);
        assert_eq!(
            rp.post_encrypted(HASH_SIGNING_PATH, &body(&token, "b-1"))
                .code,
            "D70004"
        );
        let token = rp.token(IAMSMART_PLUS_USER, SCOPES);
        let mut request = body(&token, "b-2");
        request["HKICHash"] = signing::hkic_hash("Z999999").into();
        assert_eq!(
            rp.post_encrypted(HASH_SIGNING_PATH, &request).code,
            "D70005"
        );
        let mut request = body(&token, "b-3");
        request["sigAlgo"] = "SM3withSM2".into();
        let envelope = rp.post_encrypted(HASH_SIGNING_PATH, &request);
        assert_eq!(envelope.code, "D20003");
        assert!(envelope.message.contains("not supported in the sandbox"));
        let token = rp.token(IAMSMART_PLUS_USER, "eidapi_auth");
        assert_eq!(
            rp.post_encrypted(HASH_SIGNING_PATH, &body(&token, "b-4"))
                .code,
            "D20015"
        );
    }

    #[test]
    fn a_revoked_certificate_fails_the_request_with_d70002_for_the_relying_party() {
        let mut rp = Rp::strict();
        let token = rp.token(REVOKED, SCOPES);
        let ticket_id = start(&mut rp, HASH_SIGNING_PATH, &body(&token, "r-1"));
        // Before the CA installed anything the phone is told, and the request waits.
        let Outcome::Error { code, message } = approve(&mut rp, &ticket_id, REVOKED) else {
            panic!("expected a refusal");
        };
        assert_eq!(code, DCode::SigningFailed);
        assert!(message.contains(crate::persona_certificate::NO_CERTIFICATE));
        install(&mut rp, REVOKED, Some(0));
        let Outcome::Ticket(status) = approve(&mut rp, &ticket_id, REVOKED) else {
            panic!("expected the failed ticket");
        };
        assert_eq!(status.state, TicketState::Failed);
        assert_eq!(opened(&status).code, "D70002");
    }

    #[test]
    fn a_rejected_or_timed_out_signing_request_calls_back_with_its_code() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_PLUS_USER, SCOPES);
        let ticket_id = start(&mut rp, HASH_SIGNING_PATH, &body(&token, "x-1"));
        let status = answer(&mut rp, Call::RejectTicket { ticket_id });
        assert_eq!(opened(&status).code, "D70001");
        let ticket_id = start(&mut rp, HASH_SIGNING_PATH, &body(&token, "x-2"));
        let status = answer(&mut rp, Call::ExpireTicket { ticket_id });
        assert_eq!(opened(&status).code, "D70003");
        assert_eq!(
            rp.post_encrypted(HASH_SIGNING_PATH, &body(&token, "x-2"))
                .code,
            "D20011"
        );
    }

    fn details(rp: &mut Rp, ticket_id: &str) -> crate::TicketDetails {
        match handle(
            &mut rp.host,
            &rp.config,
            Call::TicketDetails {
                ticket_id: ticket_id.to_owned(),
                persona_id: None,
            },
        ) {
            Outcome::TicketDetails(details) => details,
            other => panic!("expected details, got {other:?}"),
        }
    }

    fn step(rp: &mut Rp, ticket_id: &str, persona_id: &str, method: &str) -> Outcome {
        handle(
            &mut rp.host,
            &rp.config,
            Call::CompleteStepup {
                ticket_id: ticket_id.to_owned(),
                persona_id: persona_id.to_owned(),
                method: method.to_owned(),
            },
        )
    }

    fn refusal(outcome: Outcome) -> (DCode, String) {
        match outcome {
            Outcome::Error { code, message } => (code, message),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_signing_request_with_step_up_cannot_be_approved_until_every_factor_is_done() {
        use crate::signing::{StepUpCombination, StepUpFactor};
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_PLUS_USER, SCOPES);
        install(&mut rp, IAMSMART_PLUS_USER, None);
        let mut request = body(&token, "step-1");
        request["stepupAuthMethod"] = json!({"and": ["FR", "NFC"]});
        let ticket_id = start(&mut rp, HASH_SIGNING_PATH, &request);
        let wanted = details(&mut rp, &ticket_id).step_up.expect("a step-up");
        assert_eq!(wanted.combination, StepUpCombination::And);
        assert_eq!(
            wanted.methods,
            [StepUpFactor::FaceRecognition, StepUpFactor::ChipRead]
        );
        assert_eq!(wanted.missing, wanted.methods);
        assert!(!wanted.satisfied);
        assert_eq!(
            serde_json::to_value(&wanted).expect("json"),
            json!({"combination": "and", "methods": ["FR", "NFC"], "period_seconds": null,
                "done": [], "missing": ["FR", "NFC"], "satisfied": false})
        );

        let (code, message) = refusal(approve(&mut rp, &ticket_id, IAMSMART_PLUS_USER));
        assert_eq!(code, DCode::ReauthenticationFailed);
        assert!(message.contains("FR and NFC"), "{message}");
        let Outcome::TicketDetails(after_fr) = step(&mut rp, &ticket_id, IAMSMART_PLUS_USER, "FR")
        else {
            panic!("expected details");
        };
        let status = after_fr.step_up.expect("a step-up");
        assert_eq!(status.done, [StepUpFactor::FaceRecognition]);
        assert_eq!(status.missing, [StepUpFactor::ChipRead]);
        assert_eq!(
            refusal(step(&mut rp, &ticket_id, IAMSMART_PLUS_USER, "IRIS")).0,
            DCode::InvalidParameter
        );
        assert_eq!(
            refusal(step(&mut rp, &ticket_id, IAMSMART_USER, "NFC")).0,
            DCode::InvalidParameter
        );
        assert_eq!(
            refusal(approve(&mut rp, &ticket_id, IAMSMART_PLUS_USER)).0,
            DCode::ReauthenticationFailed
        );
        assert!(matches!(
            step(&mut rp, &ticket_id, IAMSMART_PLUS_USER, "NFC"),
            Outcome::TicketDetails(done) if done.step_up.as_ref().is_some_and(|s| s.satisfied)
        ));
        let Outcome::Ticket(status) = approve(&mut rp, &ticket_id, IAMSMART_PLUS_USER) else {
            panic!("expected the approved ticket");
        };
        assert_eq!(opened(&status).code, "D00000");
        // A ticket that asks for no step-up takes none.
        let plain = start(&mut rp, HASH_SIGNING_PATH, &body(&token, "step-2"));
        assert!(details(&mut rp, &plain).step_up.is_none());
        assert_eq!(
            refusal(step(&mut rp, &plain, IAMSMART_PLUS_USER, "FR")).0,
            DCode::InvalidParameter
        );
    }

    #[test]
    fn a_step_done_within_the_step_up_period_counts_for_a_later_request_until_it_lapses() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_PLUS_USER, SCOPES);
        install(&mut rp, IAMSMART_PLUS_USER, None);
        let with_period = |business_id: &str| {
            let mut request = body(&token, business_id);
            request["stepupAuthMethod"] = json!(r#"{"unary":["FR"]}"#);
            request["stepupAuthPeriod"] = json!(120);
            request
        };
        let first = start(&mut rp, HASH_SIGNING_PATH, &with_period("p-1"));
        step(&mut rp, &first, IAMSMART_PLUS_USER, "FR");
        assert!(matches!(
            approve(&mut rp, &first, IAMSMART_PLUS_USER),
            Outcome::Ticket(status) if status.state == TicketState::Approved
        ));
        rp.host.travel_ms(60_000);
        let second = start(&mut rp, HASH_SIGNING_PATH, &with_period("p-2"));
        assert!(
            details(&mut rp, &second)
                .step_up
                .is_some_and(|status| status.satisfied && status.period_seconds == Some(120))
        );
        rp.host.travel_ms(60_001);
        let (code, message) = refusal(approve(&mut rp, &second, IAMSMART_PLUS_USER));
        assert_eq!(code, DCode::ReauthenticationFailed);
        assert!(message.contains("within the last 120 s"), "{message}");
    }
}
