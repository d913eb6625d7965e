//! "Sign the account agreement": a signed-in iAM Smart+ customer signs a real PDF with iAM Smart, as an
//! online service does it — `GET /agreement` (the page in every state), `POST /agreement/sign` (prepare the
//! PDF with a signature field, compute the `/ByteRange` digest, call `account/pdfsigning/initiateRequest`,
//! show the identification code), `POST /iamsmart/callback` (iAM Smart's encrypted callback: embed the
//! returned PKCS#7, then `ackResult`), and `GET /agreement/signed.pdf` (the signed document).
//!
//! A customer who is not iAM Smart+ is told why they cannot sign, and Demo Bank never asks iAM Smart.
//! Agreements in progress live in the server's memory, keyed by the unguessable `businessID` that only the
//! customer's session and iAM Smart know; the callback arrives without a session, so that key is what
//! joins the two. The store is bounded and forgets agreements after the session lifetime.
//!
//! Never logs or shows businessIDs, digests, signatures, tokens or openIDs; the pending page's
//! identification code is the only value of the request it shows, as the protocol asks.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use iamsmart_client::pdf::{DocumentText, PreparedPdf};
use iamsmart_client::{Lang, Secret, SigningRequest, SigningResult, Token, UserType};
use maud::html;
use tower_sessions::Session;
use tower_sessions::cookie::time::OffsetDateTime;

use crate::failure::{Problem, displayable_code};
use crate::pages::layout;
use crate::session::{self, SignedIn};
use crate::words::{Words, words};
use crate::{Bank, account};

/// The session key naming the customer's current agreement (its `businessID`).
const AGREEMENT_KEY: &str = "agreement_business_id";
/// At most this many agreements are kept at once; a full store refuses new ones.
const MAX_AGREEMENTS: usize = 256;
/// Agreements are forgotten after this long, as sessions are.
const AGREEMENT_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// How often the waiting page reloads itself (the `Refresh` header; the pages run no script).
const PENDING_REFRESH: HeaderValue = HeaderValue::from_static("2");
/// The file name the signed agreement downloads as.
pub(crate) const SIGNED_FILE_NAME: &str = "demo-bank-account-agreement-signed.pdf";
const SUCCESS_CODE: &str = "D00000";

/// The agreement's text. It is in English in every language because the PDF uses a standard PDF font
/// (Helvetica), which has no Chinese characters; embedding a CJK font would add megabytes to the bank for
/// a demo document. The pages say so in the customer's language.
const DOCUMENT_TITLE: &str = "Demo Bank account agreement (TEST)";
const DOCUMENT_PARAGRAPHS: &[&str] = &[
    "This is a synthetic document of the iAM Smart Sandbox. Demo Bank is a fictional bank, and this \
     agreement has no legal effect.",
    "1. The customer asks Demo Bank to open a savings account in the customer's name and agrees to the \
     bank's general terms for accounts and services.",
    "2. The customer confirms that the personal data given to Demo Bank is true, complete and up to date, \
     and will tell the bank of any change.",
    "3. Demo Bank may use the customer's data to operate the account and to meet its legal duties.",
    "4. The customer signs this agreement electronically with iAM Smart+. The signature is embedded in this \
     PDF and can be checked with any PDF reader.",
];
const DOCUMENT_REASON: &str = "Account agreement";

/// How far an agreement has got.
enum Progress {
    /// Sent to iAM Smart; the prepared PDF waits for its signature.
    Pending {
        prepared: Box<PreparedPdf>,
    },
    Signed {
        pdf: Vec<u8>,
    },
    /// Ended without a signature: iAM Smart's D-code, or `None` when the signature could not be embedded.
    Failed {
        code: Option<String>,
    },
}

struct Agreement {
    /// The customer who asked, so another session cannot read it.
    open_id: String,
    identification_code: String,
    progress: Progress,
    started: Instant,
}

/// What a page shows about an agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shown {
    Pending {
        identification_code: String,
    },
    Signed,
    Failed {
        code: Option<String>,
    },
    /// Something failed on the bank's side (the PDF could not be built).
    Broken,
}

/// What the callback did to an agreement, and the `ackResult` it owes iAM Smart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settled {
    /// Signed and embedded: `SR001`.
    Accepted,
    /// A signature that could not be embedded: `SR002`.
    Refused,
    /// An ending without a signature (rejected, cancelled, timed out, failed): nothing to acknowledge.
    Ended,
    /// The agreement was already settled; a repeated callback changes nothing.
    Repeated,
}

/// The agreements in progress, shared by every request.
#[derive(Clone, Default)]
pub(crate) struct Agreements(Arc<Mutex<BTreeMap<String, Agreement>>>);

/// The store is full.
struct Busy;

impl Agreements {
    /// The map, even after a panic elsewhere poisoned the lock: every change is a single insert or
    /// update, so the map is consistent.
    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Agreement>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn insert(&self, business_id: String, agreement: Agreement) -> Result<(), Busy> {
        let mut agreements = self.lock();
        agreements.retain(|_, kept| kept.started.elapsed() < AGREEMENT_LIFETIME);
        if agreements.len() >= MAX_AGREEMENTS {
            return Err(Busy);
        }
        agreements.insert(business_id, agreement);
        Ok(())
    }

    /// Whether an agreement with this `businessID` is in progress.
    pub(crate) fn contains(&self, business_id: &str) -> bool {
        self.lock().contains_key(business_id)
    }

    fn remove(&self, business_id: &str) {
        self.lock().remove(business_id);
    }

    fn shown(&self, business_id: &str, open_id: &str) -> Option<Shown> {
        let agreements = self.lock();
        let agreement = agreements
            .get(business_id)
            .filter(|agreement| agreement.open_id == open_id)?;
        Some(match &agreement.progress {
            Progress::Pending { .. } => Shown::Pending {
                identification_code: agreement.identification_code.clone(),
            },
            Progress::Signed { .. } => Shown::Signed,
            Progress::Failed { code } => Shown::Failed { code: code.clone() },
        })
    }

    fn signed_pdf(&self, business_id: &str, open_id: &str) -> Option<Vec<u8>> {
        match self.lock().get(business_id) {
            Some(Agreement {
                open_id: owner,
                progress: Progress::Signed { pdf },
                ..
            }) if owner == open_id => Some(pdf.clone()),
            _ => None,
        }
    }

    /// Records iAM Smart's answer; `None` when no agreement has this `businessID`.
    fn settle(&self, business_id: &str, result: &SigningResult) -> Option<Settled> {
        let mut agreements = self.lock();
        let agreement = agreements.get_mut(business_id)?;
        let Progress::Pending { prepared } = &agreement.progress else {
            return Some(Settled::Repeated);
        };
        let (progress, settled) = match (&result.code, &result.signature) {
            (code, Some(signature)) if code == SUCCESS_CODE => {
                match prepared.as_ref().clone().embed_base64(signature) {
                    Ok(pdf) => (Progress::Signed { pdf }, Settled::Accepted),
                    Err(error) => {
                        tracing::warn!(error = %error, "a signature from iAM Smart could not be embedded");
                        (Progress::Failed { code: None }, Settled::Refused)
                    }
                }
            }
            (code, _) => (
                Progress::Failed {
                    code: Some(code.clone()),
                },
                Settled::Ended,
            ),
        };
        agreement.progress = progress;
        Some(settled)
    }
}

/// The signed-in customer and their language, or where to send a visitor who is not signed in.
async fn customer(session: &Session, bank: &Bank) -> Result<(Lang, SignedIn), Response> {
    let lang = session::lang(session).await;
    let home = || Redirect::to(&bank.home(lang)).into_response();
    match session::signed_in(session).await {
        Ok(Some(signed_in)) if account::now_ms() < signed_in.expires_at_ms => Ok((lang, signed_in)),
        Ok(_) => Err(home()),
        Err(error) => Err(Problem::Session(error).page(bank, lang).into_response()),
    }
}

fn is_plus(signed_in: &SignedIn) -> bool {
    signed_in.user_type == UserType::IamSmartPlus.as_str()
}

/// The token the client needs, rebuilt from what the session keeps. The session keeps the expiry rather
/// than the issue time, so the issue time is zero and the lifetime runs to that expiry.
fn token(signed_in: &SignedIn, access_token: Secret) -> Token {
    Token {
        access_token,
        token_type: "Bearer".to_owned(),
        issue_at_ms: 0,
        expires_in_ms: signed_in.expires_at_ms,
        open_id: signed_in.open_id.clone(),
        last_modified_date_ms: 0,
        user_type: UserType::IamSmartPlus,
        scopes: signed_in.scopes.clone(),
    }
}

/// `GET /agreement`.
pub(crate) async fn show(State(bank): State<Bank>, session: Session) -> Response {
    let (lang, signed_in) = match customer(&session, &bank).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    if !is_plus(&signed_in) {
        return not_plus(StatusCode::OK, lang, &bank);
    }
    let business_id = session.get::<String>(AGREEMENT_KEY).await.ok().flatten();
    let shown = business_id.and_then(|id| bank.agreements.shown(&id, &signed_in.open_id));
    match shown {
        None => ready(lang, &bank),
        Some(shown) => page(StatusCode::OK, lang, &bank, &shown),
    }
}

/// `POST /agreement/sign`.
pub(crate) async fn sign(State(bank): State<Bank>, session: Session) -> Response {
    let (lang, signed_in) = match customer(&session, &bank).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    if !is_plus(&signed_in) {
        return not_plus(StatusCode::FORBIDDEN, lang, &bank);
    }
    let failed = |status: StatusCode, code: Option<String>| {
        page(status, lang, &bank, &Shown::Failed { code })
    };
    let access_token = match session::access_token(&session).await {
        Ok(Some(access_token)) => access_token,
        Ok(None) => return Redirect::to(&bank.home(lang)).into_response(),
        Err(error) => return Problem::Session(error).page(&bank, lang).into_response(),
    };
    let prepared = match prepare(OffsetDateTime::now_utc()) {
        Ok(prepared) => prepared,
        Err(error) => {
            tracing::error!(error = %error, "could not prepare the agreement PDF");
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                lang,
                &bank,
                &Shown::Broken,
            );
        }
    };
    let text = words(lang);
    // ANCHOR: pdf_signing_request
    let mut request = SigningRequest::new(
        bank.config.redirect_uri.clone(),
        prepared.digest_base64(),
        true,
    );
    request.department = text.bank_name.to_owned();
    request.service_name = text.agreement_service_name.to_owned();
    request.document_name = text.agreement_document_name.to_owned();
    let token = token(&signed_in, access_token);
    // The same code the app shows beside the document, so the customer can tell it is this one.
    let identification_code = request.identification_code(&token);
    // ANCHOR_END: pdf_signing_request
    let business_id = request.business_id.clone();
    let agreement = Agreement {
        open_id: signed_in.open_id.clone(),
        identification_code,
        progress: Progress::Pending {
            prepared: Box::new(prepared),
        },
        started: Instant::now(),
    };
    // Stored before asking: an auto-answering persona's callback can arrive before the answer does.
    if bank
        .agreements
        .insert(business_id.clone(), agreement)
        .is_err()
    {
        tracing::warn!("refused an agreement signing: too many in progress");
        return busy(lang, &bank);
    }
    if let Err(error) = bank.client.initiate_signing(&token, &request).await {
        bank.agreements.remove(&business_id);
        tracing::warn!(error = %error, "iAM Smart refused the agreement's signing request");
        if error.is_protocol_code("D70004") {
            return not_plus(StatusCode::FORBIDDEN, lang, &bank);
        }
        let code = error
            .protocol_code()
            .and_then(displayable_code)
            .map(str::to_owned);
        return failed(StatusCode::BAD_GATEWAY, code);
    }
    if let Err(error) = session.insert(AGREEMENT_KEY, &business_id).await {
        bank.agreements.remove(&business_id);
        return Problem::Session(error).page(&bank, lang).into_response();
    }
    tracing::info!("sent the account agreement to iAM Smart for signing");
    Redirect::to(&bank.path("/agreement")).into_response()
}

/// `GET /agreement/signed.pdf`: the signed agreement of this session's customer, else back to the page.
pub(crate) async fn signed_pdf(State(bank): State<Bank>, session: Session) -> Response {
    let (_, signed_in) = match customer(&session, &bank).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let business_id = session.get::<String>(AGREEMENT_KEY).await.ok().flatten();
    let pdf = business_id.and_then(|id| bank.agreements.signed_pdf(&id, &signed_in.open_id));
    let Some(pdf) = pdf else {
        return Redirect::to(&bank.path("/agreement")).into_response();
    };
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{SIGNED_FILE_NAME}\""),
            ),
        ],
        pdf,
    )
        .into_response()
}

/// `POST /iamsmart/callback`: iAM Smart's encrypted answer to a signing request. It is opened with the
/// bank's private key, joined to its agreement by `businessID`, and acknowledged with `ackResult` once
/// the signature is embedded (or found unusable).
pub(crate) async fn receive_callback(
    State(bank): State<Bank>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("application/json");
    // ANCHOR: signing_callback
    let result = match bank.client.open_signing_callback(&body, content_type) {
        Ok(result) => result,
        Err(error) => {
            tracing::info!(error = %error, "refused a callback that does not open with the bank's key");
            return (StatusCode::BAD_REQUEST, "the callback could not be opened").into_response();
        }
    };
    let Some(business_id) = result.business_id.clone() else {
        tracing::info!("refused a callback without a businessID");
        return (StatusCode::BAD_REQUEST, "the callback names no businessID").into_response();
    };
    let Some(settled) = bank.agreements.settle(&business_id, &result) else {
        tracing::info!("a callback named no agreement in progress");
        return (StatusCode::NOT_FOUND, "no such request").into_response();
    };
    tracing::info!(
        code = displayable_code(&result.code).unwrap_or("malformed"),
        "iAM Smart answered an agreement signing request"
    );
    let acknowledgement = match settled {
        Settled::Accepted => Some("SR001"),
        Settled::Refused => Some("SR002"),
        Settled::Ended | Settled::Repeated => None,
    };
    if let Some(signing_result) = acknowledgement
        && let Err(error) = bank
            .client
            .ack_signing_result(&business_id, signing_result)
            .await
    {
        // The signature is kept either way; iAM Smart only loses the acknowledgement.
        tracing::warn!(error = %error, "ackResult failed");
    }
    // ANCHOR_END: signing_callback
    (StatusCode::OK, "received").into_response()
}

/// A PDF date (`D:YYYYMMDDHHmmSSZ`) for `/M`.
fn pdf_date(time: OffsetDateTime) -> String {
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}Z",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    )
}

/// The agreement as a one-page PDF with an empty signature field, signed "now".
fn prepare(now: OffsetDateTime) -> Result<PreparedPdf, iamsmart_client::pdf::PdfError> {
    let signing_date = pdf_date(now);
    PreparedPdf::new(&DocumentText {
        title: DOCUMENT_TITLE,
        paragraphs: DOCUMENT_PARAGRAPHS,
        reason: DOCUMENT_REASON,
        signing_date: &signing_date,
    })
}

fn html_page(status: StatusCode, page: Html<String>) -> Response {
    (status, page).into_response()
}

fn back_to_account(words: &Words, bank: &Bank) -> maud::Markup {
    html! {
        p { a id="back-to-account" href=(bank.path("/account")) { (words.back_to_account) } }
    }
}

fn sign_form(words: &Words, bank: &Bank, label: &str, id: &str) -> maud::Markup {
    html! {
        form.iamsmart-login method="post" action=(bank.path("/agreement/sign")) {
            button.iamsmart-button type="submit" id=(id) { (label) }
            a.iamsmart-more-info href=(words.more_info_url) target="_blank"
                rel="noopener noreferrer" { (words.more_info) }
        }
    }
}

/// The first visit: what the agreement is, and the signing button.
fn ready(lang: Lang, bank: &Bank) -> Response {
    let words = words(lang);
    let main = html! {
        section.agreement id="agreement" data-state="ready" {
            h1 { (words.agreement_heading) }
            p { (words.agreement_intro) }
            p.hint { (words.agreement_document_language) }
            (sign_form(words, bank, words.sign_button, "sign-agreement-with-iamsmart"))
            (back_to_account(words, bank))
        }
    };
    html_page(
        StatusCode::OK,
        layout(lang, &bank.config.mount_path, words.agreement_heading, main),
    )
}

/// Why a customer without iAM Smart+ cannot sign.
fn not_plus(status: StatusCode, lang: Lang, bank: &Bank) -> Response {
    let words = words(lang);
    let main = html! {
        section.agreement id="agreement" data-state="not-plus" {
            h1 { (words.not_plus_heading) }
            p id="not-plus-explanation" { (words.not_plus_body) }
            p { (words.not_plus_upgrade) }
            (back_to_account(words, bank))
        }
    };
    html_page(
        status,
        layout(lang, &bank.config.mount_path, words.not_plus_heading, main),
    )
}

fn busy(lang: Lang, bank: &Bank) -> Response {
    let words = words(lang);
    let main = html! {
        section.agreement id="agreement" data-state="busy" {
            h1 { (words.agreement_failed_heading) }
            p { (words.agreement_busy) }
            (back_to_account(words, bank))
        }
    };
    html_page(
        StatusCode::SERVICE_UNAVAILABLE,
        layout(lang, &bank.config.mount_path, words.agreement_heading, main),
    )
}

/// Why a signing ended without a signature, in the customer's words.
fn failure_message(words: &Words, code: Option<&str>) -> String {
    match code {
        Some("D70000") => words.agreement_cancelled.to_owned(),
        Some("D70001") => words.agreement_rejected.to_owned(),
        Some("D70003") => words.agreement_timed_out.to_owned(),
        Some(code) => format!("{} ({code})", words.agreement_failed_with_code),
        None => words.agreement_unusable_signature.to_owned(),
    }
}

/// The page for an agreement that is waiting, signed or failed.
fn page(status: StatusCode, lang: Lang, bank: &Bank, shown: &Shown) -> Response {
    let words = words(lang);
    let (title, main) = match shown {
        Shown::Pending {
            identification_code,
        } => (
            words.agreement_pending_heading,
            html! {
                section.agreement id="agreement" data-state="pending" {
                    h1 { (words.agreement_pending_heading) }
                    p { (words.agreement_pending_body) }
                    div.identification-code-box {
                        p { (words.identification_code_label) }
                        p.identification-code id="identification-code" { (identification_code) }
                    }
                    p.hint {
                        (words.agreement_pending_refresh) " "
                        a id="check-agreement" href=(bank.path("/agreement")) { (words.agreement_check_now) }
                    }
                }
            },
        ),
        Shown::Signed => (
            words.agreement_signed_heading,
            html! {
                section.agreement id="agreement" data-state="signed" {
                    h1 { (words.agreement_signed_heading) }
                    p { (words.agreement_signed_body) }
                    p {
                        a.button-link id="download-signed-agreement"
                            href=(bank.path("/agreement/signed.pdf")) download=(SIGNED_FILE_NAME) {
                            (words.agreement_download)
                        }
                    }
                    (back_to_account(words, bank))
                }
            },
        ),
        Shown::Broken => (
            words.agreement_failed_heading,
            html! {
                section.agreement id="agreement" data-state="broken" {
                    h1 { (words.agreement_failed_heading) }
                    p id="agreement-failure" { (words.something_went_wrong) }
                    (back_to_account(words, bank))
                }
            },
        ),
        Shown::Failed { code } => {
            let shown_code = code.as_deref().and_then(displayable_code);
            (
                words.agreement_failed_heading,
                html! {
                    section.agreement id="agreement" data-state="failed" data-error-code=[shown_code] {
                        h1 { (words.agreement_failed_heading) }
                        p id="agreement-failure" { (failure_message(words, shown_code)) }
                        (sign_form(words, bank, words.agreement_sign_again, "sign-agreement-again"))
                        (back_to_account(words, bank))
                    }
                },
            )
        }
    };
    let mut response = html_page(status, layout(lang, &bank.config.mount_path, title, main));
    if matches!(shown, Shown::Pending { .. }) {
        response
            .headers_mut()
            .insert(header::REFRESH, PENDING_REFRESH);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agreement(open_id: &str) -> Agreement {
        static PREPARED: std::sync::OnceLock<PreparedPdf> = std::sync::OnceLock::new();
        let prepared = PREPARED
            .get_or_init(|| prepare(OffsetDateTime::UNIX_EPOCH).expect("prepares"))
            .clone();
        Agreement {
            open_id: open_id.to_owned(),
            identification_code: "0427".to_owned(),
            progress: Progress::Pending {
                prepared: Box::new(prepared),
            },
            started: Instant::now(),
        }
    }

    fn result(code: &str, signature: Option<&str>) -> SigningResult {
        SigningResult {
            code: code.to_owned(),
            business_id: Some("b-1".to_owned()),
            signature: signature.map(str::to_owned),
            cert: None,
        }
    }

    #[test]
    fn pdf_dates_are_utc_with_seconds() {
        let time = OffsetDateTime::from_unix_timestamp(1_764_581_405).expect("a time");
        assert_eq!(pdf_date(time), "D:20251201093005Z");
    }

    #[test]
    fn an_agreement_is_shown_only_to_its_customer_and_settles_once() {
        let agreements = Agreements::default();
        assert!(agreements.insert("b-1".into(), agreement("alice")).is_ok());
        assert_eq!(agreements.shown("b-1", "mallory"), None);
        assert_eq!(
            agreements.shown("b-1", "alice"),
            Some(Shown::Pending {
                identification_code: "0427".into()
            })
        );
        assert_eq!(
            agreements.settle("b-1", &result(SUCCESS_CODE, Some("q80="))),
            Some(Settled::Accepted)
        );
        assert_eq!(agreements.shown("b-1", "alice"), Some(Shown::Signed));
        assert!(agreements.signed_pdf("b-1", "mallory").is_none());
        let pdf = agreements.signed_pdf("b-1", "alice").expect("signed");
        assert!(pdf.starts_with(b"%PDF-1.7"));
        assert!(String::from_utf8_lossy(&pdf).contains("<ABCD00"));
        assert_eq!(
            agreements.settle("b-1", &result("D70001", None)),
            Some(Settled::Repeated)
        );
        assert_eq!(agreements.settle("nobody", &result("D70001", None)), None);
    }

    #[test]
    fn endings_and_unusable_signatures_fail_the_agreement() {
        let agreements = Agreements::default();
        assert!(agreements.insert("b-1".into(), agreement("alice")).is_ok());
        assert!(agreements.insert("b-2".into(), agreement("alice")).is_ok());
        assert_eq!(
            agreements.settle("b-1", &result("D70001", None)),
            Some(Settled::Ended)
        );
        assert_eq!(
            agreements.shown("b-1", "alice"),
            Some(Shown::Failed {
                code: Some("D70001".into())
            })
        );
        assert_eq!(
            agreements.settle("b-2", &result(SUCCESS_CODE, Some("not base64!"))),
            Some(Settled::Refused)
        );
        assert_eq!(
            agreements.shown("b-2", "alice"),
            Some(Shown::Failed { code: None })
        );
    }

    #[test]
    fn the_store_is_bounded() {
        let agreements = Agreements::default();
        for index in 0..MAX_AGREEMENTS {
            assert!(
                agreements
                    .insert(format!("b-{index}"), agreement("alice"))
                    .is_ok()
            );
        }
        assert!(
            agreements
                .insert("one-more".into(), agreement("alice"))
                .is_err()
        );
    }

    #[test]
    fn failure_messages_name_the_ending() {
        let english = words(Lang::EnUs);
        assert_eq!(
            failure_message(english, Some("D70001")),
            english.agreement_rejected
        );
        assert_eq!(
            failure_message(english, Some("D70002")),
            "iAM Smart could not sign the agreement (D70002)"
        );
        assert_eq!(
            failure_message(english, None),
            english.agreement_unusable_signature
        );
    }
}
