//! The virtual phone's signing screens: what a pending hash- or PDF-signing ticket (authenticated or
//! anonymous) shows before the user answers — who asks, the document name and description the relying
//! party sent, the hash being signed (abbreviated), and the 4-digit identification code in large type so
//! the user can compare it with the one on the relying party's page — and the confirm step (the same
//! six-digit PIN or biometric step as a login) before the signature is made.
//!
//! `phone.rs` owns the routes, the frame and the answers; it hands signing tickets to this module for
//! their markup. The signing facts come from the core's `ticket_details` call, so this module never
//! computes a code or touches a signature. It never logs digests, codes, ticket IDs or persona choices.

use maud::{Markup, html};
use mock_iamsmart::signing_api::SigningView;
use mock_iamsmart::{Call, Lang, Outcome, TicketKind, TicketState, TicketStatus};

use crate::page;
use crate::tenant::{LoginPages, PageFailure, unexpected_outcome};
use crate::words::Words;
use crate::words::signing::SigningText;

/// The longest digest shown in full; longer ones keep their first and last characters.
const DIGEST_SHOWN_IN_FULL: usize = 20;
const DIGEST_HEAD: usize = 10;
const DIGEST_TAIL: usize = 6;

/// Whether the phone shows this ticket with the signing screens.
pub(crate) fn is_signing(kind: TicketKind) -> bool {
    matches!(kind, TicketKind::Signing | TicketKind::AnonymousSigning)
}

/// The signing facts of a ticket, from the core's `ticket_details`.
pub(crate) async fn view(
    pages: &LoginPages,
    client_id: &str,
    ticket_id: &str,
) -> Result<SigningView, PageFailure> {
    let call = Call::TicketDetails {
        ticket_id: ticket_id.to_owned(),
        persona_id: None,
    };
    match pages.call(client_id, call).await? {
        Outcome::TicketDetails(details) => details
            .signing
            .map(|view| *view)
            .ok_or_else(unexpected_outcome),
        _ => Err(unexpected_outcome()),
    }
}

/// Where the screens link and post to, and who holds the phone.
pub(crate) struct Screen<'a> {
    pub lang: Lang,
    /// `/phone/{clientID}/tickets/{ticketID}`.
    pub ticket_url: &'a str,
    /// The broker's status URL that `phone.js` polls.
    pub status_url: &'a str,
    /// The persona the phone is signed in as.
    pub persona_id: &'a str,
}

/// A long digest as its first and last characters around an ellipsis; a short one in full.
fn abbreviated(digest: &str) -> String {
    let count = digest.chars().count();
    if count <= DIGEST_SHOWN_IN_FULL {
        return digest.to_owned();
    }
    let head: String = digest.chars().take(DIGEST_HEAD).collect();
    let tail: String = digest.chars().skip(count - DIGEST_TAIL).collect();
    format!("{head}…{tail}")
}

/// What is signed, for whom and what the app shows beside it.
fn details(text: &SigningText, view: &SigningView) -> Markup {
    html! {
        dl.signing-details #signing-details {
            dt { (text.kind_label) }
            dd #signing-kind data-pdf=(if view.pdf { "true" } else { "false" }) {
                @if view.pdf {
                    (text.kind_pdf)
                } @else {
                    (text.kind_hash)
                    @if let Some(algorithm) = &view.algorithm {
                        " (" (algorithm) ")"
                    }
                }
            }
            dt { (text.document_label) }
            dd #signing-document {
                @match &view.document_name {
                    Some(name) => (name),
                    None => span.hint { (text.document_unnamed) },
                }
            }
            @if let Some(department) = &view.department {
                dt { (text.department_label) }
                dd #signing-department { (department) }
            }
            @if let Some(service) = &view.service_name {
                dt { (text.service_label) }
                dd #signing-service { (service) }
            }
            dt { (text.digest_label) }
            dd { code #signing-digest title=(view.digest) { (abbreviated(&view.digest)) } }
        }
    }
}

fn identification_code(text: &SigningText, view: &SigningView, id: &str) -> Markup {
    html! {
        div.identification-code-box {
            p.hint { (text.code_label) }
            p.identification-code id=(id) { (view.identification_code) }
            p.hint { (text.code_hint) }
        }
    }
}

/// Whether the phone's persona is not the signer an authenticated request is for.
fn for_someone_else(screen: &Screen<'_>, status: &TicketStatus) -> bool {
    status
        .persona_id
        .as_deref()
        .is_some_and(|owner| owner != screen.persona_id)
}

/// The pending signing request, with Approve (to the confirm step), Reject, Cancel and the timeout.
pub(crate) fn request_markup(
    screen: &Screen<'_>,
    status: &TicketStatus,
    view: &SigningView,
    refusal: Option<Markup>,
) -> Markup {
    let words = Words::of(screen.lang);
    let text = SigningText::of(screen.lang);
    let ticket_url = screen.ticket_url;
    html! {
        section.request.signing-request #request
            data-ticket-id=(status.ticket_id)
            data-kind=(status.kind.as_str())
            data-status-url=(screen.status_url)
            data-expires-in-ms=(status.expires_in_ms)
        {
            p.hint { (words.requested_by) }
            h2 #requesting-service { (status.service_name) }
            p.signing-title { (text.title) }
            (details(text, view))
            (identification_code(text, view, "identification-code"))
            @if status.kind.is_anonymous() {
                p.hint #anonymous-signing { (text.anonymous_note) }
            }
            @if for_someone_else(screen, status) {
                p.error #not-your-request role="alert" { (text.not_your_request) }
            }
            p.countdown { span #countdown { (page::minutes_seconds(status.expires_in_ms)) } }
            @if let Some(refusal) = refusal {
                (refusal)
            }
            a.iams-button #approve-request href={ (ticket_url) "/confirm" } { (text.approve) }
            div.answer-row {
                form method="post" action={ (ticket_url) "/reject" } {
                    button.secondary-button #reject-request type="submit" { (words.phone_reject) }
                }
                form method="post" action={ (ticket_url) "/cancel" } {
                    button.secondary-button #cancel-request type="submit" { (words.phone_cancel) }
                }
            }
            form.skip method="post" action={ (ticket_url) "/expire" } {
                span.hint { (words.phone_skip_hint) " " }
                button.link-button #skip-timeout type="submit" { (words.phone_skip_timeout) }
            }
        }
    }
}

/// The confirm step: the document and its code once more, then the PIN (any six digits) or biometrics,
/// posted to the same approve route as a login's.
pub(crate) fn confirm_markup(
    screen: &Screen<'_>,
    status: &TicketStatus,
    view: &SigningView,
    pin_invalid: bool,
) -> Markup {
    let words = Words::of(screen.lang);
    let text = SigningText::of(screen.lang);
    let ticket_url = screen.ticket_url;
    html! {
        section.confirm.signing-confirm #confirm data-ticket-id=(status.ticket_id) {
            h2 { (text.confirm_title) }
            p { (status.service_name) }
            @if let Some(name) = &view.document_name {
                p #confirm-document { (name) }
            }
            (identification_code(text, view, "confirm-identification-code"))
            form method="post" action={ (ticket_url) "/approve" } {
                label for="pin" { (words.phone_pin_label) }
                input #pin name="pin" type="password" inputmode="numeric" autocomplete="off"
                    pattern="[0-9]{6}" maxlength="6" required;
                p.hint { (words.phone_pin_hint) }
                @if pin_invalid {
                    p.error #pin-error role="alert" { (words.phone_pin_invalid) }
                }
                button.iams-button #confirm-pin type="submit" { (words.phone_confirm_pin) }
            }
            form method="post" action={ (ticket_url) "/approve" } {
                input type="hidden" name="method" value="biometric";
                button.secondary-button #use-biometrics type="submit" { (words.phone_use_biometrics) }
            }
            a href=(ticket_url) { (words.phone_back_home) }
        }
    }
}

/// What the outcome screen says once a signing ticket is settled.
pub(crate) fn outcome_message(lang: Lang, state: TicketState) -> &'static str {
    let text = SigningText::of(lang);
    match state {
        TicketState::Approved => text.done_signed,
        TicketState::Rejected => text.done_rejected,
        TicketState::Cancelled => text.done_cancelled,
        TicketState::Failed => text.done_failed,
        TicketState::TimedOut | TicketState::Pending => text.done_timed_out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(kind: TicketKind, owner: Option<&str>) -> TicketStatus {
        TicketStatus {
            ticket_id: "t-1".into(),
            state: TicketState::Pending,
            expires_at_ms: 0,
            expires_in_ms: 61_000,
            service_name: "Demo Bank".into(),
            source: Some("PC_Browser".into()),
            scope: vec!["eidapi_sign".into()],
            lang: Lang::EnUs,
            redirect_url: None,
            kind,
            persona_id: owner.map(str::to_owned),
            business_id: Some("b-1".into()),
            callbacks: Vec::new(),
            signing_continues: false,
        }
    }

    fn view(pdf: bool) -> SigningView {
        SigningView {
            document_name: Some("Account agreement <v3>".into()),
            department: Some("Retail banking".into()),
            service_name: None,
            identification_code: "0427".into(),
            digest: "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=".into(),
            pdf,
            algorithm: (!pdf).then(|| "SHA256withRSA".to_owned()),
            step_up: None,
        }
    }

    fn screen(lang: Lang) -> Screen<'static> {
        Screen {
            lang,
            ticket_url: "/phone/c/tickets/t-1",
            status_url: "/broker/c/tickets/t-1",
            persona_id: "iamsmart-plus-user",
        }
    }

    #[test]
    fn long_digests_are_abbreviated_and_short_ones_shown_whole() {
        assert_eq!(
            abbreviated("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="),
            "q83vEjRWeJ…RWeJA="
        );
        assert_eq!(abbreviated("AAECAw=="), "AAECAw==");
    }

    #[test]
    fn the_request_screen_shows_the_code_the_document_and_the_abbreviated_hash() {
        let markup = request_markup(
            &screen(Lang::EnUs),
            &status(TicketKind::Signing, Some("iamsmart-plus-user")),
            &view(true),
            None,
        )
        .into_string();
        assert!(
            markup.contains(r#"<p class="identification-code" id="identification-code">0427</p>"#),
            "{markup}"
        );
        assert!(markup.contains("Account agreement &lt;v3&gt;"), "escaped");
        assert!(markup.contains(">q83vEjRWeJ…RWeJA=<"), "{markup}");
        assert!(markup.contains("A PDF document"));
        assert!(markup.contains("Retail banking"));
        assert!(markup.contains(r#"href="/phone/c/tickets/t-1/confirm""#));
        assert!(markup.contains(r#"data-kind="signing""#));
        assert!(!markup.contains("not-your-request"));
        assert!(!markup.contains("anonymous-signing"));
    }

    #[test]
    fn another_persona_is_told_the_request_is_not_theirs_and_anonymous_requests_say_so() {
        let markup = request_markup(
            &screen(Lang::ZhHk),
            &status(TicketKind::Signing, Some("someone-else")),
            &view(false),
            None,
        )
        .into_string();
        assert!(markup.contains("not-your-request"));
        assert!(markup.contains("文件的雜湊值 (SHA256withRSA)"), "{markup}");
        assert!(markup.contains("智方便數碼簽署"));
        let markup = request_markup(
            &screen(Lang::ZhCn),
            &status(TicketKind::AnonymousSigning, None),
            &view(true),
            None,
        )
        .into_string();
        assert!(markup.contains("anonymous-signing"));
        assert!(!markup.contains("not-your-request"));
        assert!(markup.contains("识别码"));
    }

    #[test]
    fn the_confirm_step_asks_for_the_pin_beside_the_code() {
        let markup = confirm_markup(
            &screen(Lang::EnUs),
            &status(TicketKind::Signing, None),
            &view(true),
            true,
        )
        .into_string();
        assert!(markup.contains(r#"id="confirm-identification-code">0427<"#));
        assert!(markup.contains(r#"action="/phone/c/tickets/t-1/approve""#));
        assert!(markup.contains(r#"id="pin-error""#));
        assert!(markup.contains(r#"name="method" value="biometric""#));
    }

    #[test]
    fn outcomes_speak_of_signing() {
        assert_eq!(
            outcome_message(Lang::EnUs, TicketState::Approved),
            "Signed. The online service has received your signature."
        );
        assert_eq!(
            outcome_message(Lang::ZhHk, TicketState::Rejected),
            "已拒絕，沒有簽署任何內容，網上服務已獲通知。"
        );
        assert!(is_signing(TicketKind::AnonymousSigning));
        assert!(!is_signing(TicketKind::FormFilling));
    }
}
