//! `/phone/{clientID}/…`: the virtual iAM Smart phone, a portal page shaped like a phone that stands in for
//! the test app. The visitor picks a persona of the sandbox (the app's signed-in user), sees the requests
//! waiting for an answer (or opens one from the broker page's QR code), sees who is asking and for which
//! scopes, and approves (after a simulated PIN or biometric step), rejects, cancels, or lets it time out.
//!
//! It works without JavaScript (plain links and forms; `phone.js` only refreshes lists and countdowns) and
//! on a real phone on the same network, since the QR code carries this server's address. The persona choice
//! lives in a cookie scoped to the sandbox's phone path. Actions need no other credential: a ticket ID is
//! an unguessable capability handed out by getQR, just as the real app only needs to scan the QR code.
//!
//! This module never logs ticket IDs, persona choices or PINs, and never stores a PIN.

use axum::{
    Form, Json,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use maud::{Markup, html};
use mock_iamsmart::{
    Call, Lang, Outcome, Persona, PersonaStatus, StandingAnswer, TicketDetails, TicketState,
    TicketStatus, UserType,
};
use serde::Deserialize;
use serde_json::json;

use crate::page::{self, PHONE_SCRIPT_PATH, document, html_response, visitor_lang};
use crate::phone_consent::{self, ConsentWords};
use crate::phone_signing;
use crate::phone_step_up;
use crate::tenant::{LoginPages, PageFailure, unexpected_outcome};
use crate::words::Words;

/// The cookie holding the persona the phone is signed in as.
const PERSONA_COOKIE: &str = "iams_phone_persona";
/// How long the phone stays signed in.
const PERSONA_COOKIE_MAX_AGE_S: u32 = 30 * 24 * 60 * 60;

/// `?lang=` on any phone page.
#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// The persona picker's form.
#[derive(Debug, Deserialize)]
pub struct PersonaForm {
    persona_id: String,
    /// The ticket to go back to after choosing.
    #[serde(default)]
    ticket_id: Option<String>,
}

/// Everything a phone page needs to know about the visitor.
struct Visit {
    client_id: String,
    lang: Lang,
    persona_id: Option<String>,
}

impl Visit {
    fn new(client_id: String, query: &LangQuery, headers: &HeaderMap) -> Visit {
        Visit {
            lang: visitor_lang(query.lang.as_deref(), headers),
            persona_id: persona_cookie(headers),
            client_id,
        }
    }

    fn words(&self) -> &'static Words {
        Words::of(self.lang)
    }

    fn home(&self) -> String {
        format!("/phone/{}", segment(&self.client_id))
    }

    fn ticket(&self, ticket_id: &str) -> String {
        format!("{}/tickets/{}", self.home(), segment(ticket_id))
    }
}

fn segment(text: &str) -> String {
    mock_iamsmart::crypto::url_encode(text)
}

/// A persona ID as stored in the cookie: short and plain, or ignored.
fn well_formed_persona_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn persona_cookie(headers: &HeaderMap) -> Option<String> {
    page::cookie(headers, PERSONA_COOKIE).filter(|value| well_formed_persona_id(value))
}

/// `GET /phone/{clientID}`: the persona picker, or the list of requests waiting.
pub async fn home(
    State(pages): State<LoginPages>,
    Path(client_id): Path<String>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let visit = Visit::new(client_id, &query, &headers);
    let persona = match signed_in_persona(&pages, &visit, None).await {
        Ok(persona) => persona,
        Err(page) => return with_lang_cookie(&query, page),
    };
    let pending = match pages.call(&visit.client_id, Call::PendingTickets).await {
        Ok(Outcome::Tickets(tickets)) => tickets,
        Ok(_) => return failure_page(&visit, &unexpected_outcome()),
        Err(failure) => return failure_page(&visit, &failure),
    };
    let words = visit.words();
    let content = html! {
        h2 { (words.phone_pending_title) }
        @if pending.is_empty() {
            p.hint #no-pending { (words.phone_no_pending) }
        } @else {
            ul.pending-list #pending-list {
                @for ticket in &pending {
                    li {
                        a.pending-item href=(visit.ticket(&ticket.ticket_id)) data-ticket-id=(ticket.ticket_id) {
                            strong { (ticket.service_name) }
                            span.hint { (scope_summary(words, &ticket.scope)) }
                            span.hint { (page::minutes_seconds(ticket.expires_in_ms)) }
                        }
                    }
                }
            }
        }
    };
    let ids: Vec<&str> = pending.iter().map(|t| t.ticket_id.as_str()).collect();
    let page = phone_frame(
        &visit,
        Some(&persona),
        html! {
            div #phone-home data-pending-url={ (visit.home()) "/pending" } data-pending-ids=(ids.join(",")) {
                (content)
            }
        },
    );
    with_lang_cookie(&query, html_response(StatusCode::OK, page))
}

/// `GET /phone/{clientID}/pending`: the IDs waiting, so `phone.js` reloads the list only when it changes.
pub async fn pending_ids(
    State(pages): State<LoginPages>,
    Path(client_id): Path<String>,
) -> Response {
    match pages.call(&client_id, Call::PendingTickets).await {
        Ok(Outcome::Tickets(tickets)) => {
            let ids: Vec<String> = tickets.into_iter().map(|t| t.ticket_id).collect();
            Json(json!({ "ticketIDs": ids })).into_response()
        }
        Ok(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        Err(PageFailure::Unavailable) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `POST /phone/{clientID}/persona`: signs the phone in as a persona.
pub async fn choose_persona(
    State(pages): State<LoginPages>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<PersonaForm>,
) -> Response {
    let visit = Visit::new(client_id, &LangQuery::default(), &headers);
    let personas = match personas(&pages, &visit).await {
        Ok(personas) => personas,
        Err(failure) => return failure_page(&visit, &failure),
    };
    if !personas.iter().any(|persona| persona.id == form.persona_id) {
        return picker(&visit, &personas, form.ticket_id.as_deref());
    }
    let next = match form.ticket_id.as_deref().filter(|id| !id.is_empty()) {
        Some(ticket_id) => visit.ticket(ticket_id),
        None => visit.home(),
    };
    let cookie = format!(
        "{PERSONA_COOKIE}={}; Path={}; Max-Age={PERSONA_COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Lax",
        form.persona_id,
        visit.home()
    );
    see_other(&next, Some(cookie))
}

/// `POST /phone/{clientID}/signout`: back to the persona picker.
pub async fn sign_out(Path(client_id): Path<String>) -> Response {
    let home = format!("/phone/{}", segment(&client_id));
    let cookie = format!("{PERSONA_COOKIE}=; Path={home}; Max-Age=0; HttpOnly; SameSite=Lax");
    see_other(&home, Some(cookie))
}

/// `GET /phone/{clientID}/tickets/{ticketID}`: who is asking, for what, and the answers.
pub async fn ticket(
    State(pages): State<LoginPages>,
    Path((client_id, ticket_id)): Path<(String, String)>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let visit = Visit::new(client_id, &query, &headers);
    let persona = match signed_in_persona(&pages, &visit, Some(&ticket_id)).await {
        Ok(persona) => persona,
        Err(page) => return with_lang_cookie(&query, page),
    };
    let status = match status(&pages, &visit, &ticket_id).await {
        Ok(status) => status,
        Err(failure) => return failure_page(&visit, &failure),
    };
    let page = if status.state == TicketState::Pending {
        request_screen(&pages, &visit, &persona, &status).await
    } else {
        outcome_screen(&visit, &persona, &status, None)
    };
    with_lang_cookie(&query, page)
}

/// `GET /phone/{clientID}/tickets/{ticketID}/confirm`: the simulated PIN or biometric step. For a data
/// request it carries the fields ticked on the consent screen (`consent=1&field=…`) on to the approval.
pub async fn confirm(
    State(pages): State<LoginPages>,
    Path((client_id, ticket_id)): Path<(String, String)>,
    Query(query): Query<LangQuery>,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let chosen = phone_consent::chosen_fields(&pairs);
    let visit = Visit::new(client_id, &query, &headers);
    let persona = match signed_in_persona(&pages, &visit, Some(&ticket_id)).await {
        Ok(persona) => persona,
        Err(page) => return with_lang_cookie(&query, page),
    };
    match status(&pages, &visit, &ticket_id).await {
        Ok(status) if status.state == TicketState::Pending => {
            confirm_screen(&pages, &visit, &persona, &status, chosen.as_deref(), false).await
        }
        Ok(status) => outcome_screen(&visit, &persona, &status, None),
        Err(failure) => failure_page(&visit, &failure),
    }
}

/// `POST /phone/{clientID}/tickets/{ticketID}/approve`: approves as the signed-in persona once the PIN
/// (any six digits, `pin`) or the biometric step (`method=biometric`) is given; a consent's ticked
/// fields (`consent=1&field=…`) are approved as that subset.
pub async fn approve(
    State(pages): State<LoginPages>,
    Path((client_id, ticket_id)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let value = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let chosen = phone_consent::chosen_fields(&form);
    let visit = Visit::new(client_id, &LangQuery::default(), &headers);
    let persona = match signed_in_persona(&pages, &visit, Some(&ticket_id)).await {
        Ok(persona) => persona,
        Err(page) => return with_lang_cookie(&LangQuery::default(), page),
    };
    let biometric = value("method") == Some("biometric");
    let pin_ok =
        value("pin").is_some_and(|pin| pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()));
    if !biometric && !pin_ok {
        return match status(&pages, &visit, &ticket_id).await {
            Ok(status) => {
                confirm_screen(&pages, &visit, &persona, &status, chosen.as_deref(), true).await
            }
            Err(failure) => failure_page(&visit, &failure),
        };
    }
    let call = match chosen {
        Some(fields) => Call::ApproveTicketWithFields {
            ticket_id: ticket_id.clone(),
            persona_id: persona.id.clone(),
            fields,
        },
        None => Call::ApproveTicket {
            ticket_id: ticket_id.clone(),
            persona_id: persona.id.clone(),
        },
    };
    answer(&pages, &visit, &persona, &ticket_id, call).await
}

/// The step-up form: `method=FR` (face recognition) or `method=NFC` (the HKID card's chip).
#[derive(Debug, Deserialize)]
pub struct StepUpForm {
    method: String,
}

/// `POST /phone/{clientID}/tickets/{ticketID}/step-up`: performs one simulated step-up factor as the
/// signed-in persona, then back to the request; the core refuses a factor the ticket does not ask for
/// (`D20003`), shown on the request screen.
pub async fn step_up(
    State(pages): State<LoginPages>,
    Path((client_id, ticket_id)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<StepUpForm>,
) -> Response {
    let visit = Visit::new(client_id, &LangQuery::default(), &headers);
    let persona = match signed_in_persona(&pages, &visit, Some(&ticket_id)).await {
        Ok(persona) => persona,
        Err(page) => return with_lang_cookie(&LangQuery::default(), page),
    };
    let call = Call::CompleteStepup {
        ticket_id: ticket_id.clone(),
        persona_id: persona.id.clone(),
        method: form.method,
    };
    answer(&pages, &visit, &persona, &ticket_id, call).await
}

/// `POST /phone/{clientID}/tickets/{ticketID}/reject`: the user says no (`D40001`).
pub async fn reject(
    state: State<LoginPages>,
    path: Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    settle(state, path, headers, |ticket_id| Call::RejectTicket {
        ticket_id,
    })
    .await
}

/// `POST /phone/{clientID}/tickets/{ticketID}/cancel`: the user backs out (`D40000`).
pub async fn cancel(
    state: State<LoginPages>,
    path: Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    settle(state, path, headers, |ticket_id| Call::CancelTicket {
        ticket_id,
    })
    .await
}

/// `POST /phone/{clientID}/tickets/{ticketID}/expire`: skips to the timeout (`D40003`).
pub async fn expire(
    state: State<LoginPages>,
    path: Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    settle(state, path, headers, |ticket_id| Call::ExpireTicket {
        ticket_id,
    })
    .await
}

async fn settle(
    State(pages): State<LoginPages>,
    Path((client_id, ticket_id)): Path<(String, String)>,
    headers: HeaderMap,
    make_call: impl FnOnce(String) -> Call,
) -> Response {
    let visit = Visit::new(client_id, &LangQuery::default(), &headers);
    let persona = match signed_in_persona(&pages, &visit, Some(&ticket_id)).await {
        Ok(persona) => persona,
        Err(page) => return with_lang_cookie(&LangQuery::default(), page),
    };
    answer(
        &pages,
        &visit,
        &persona,
        &ticket_id,
        make_call(ticket_id.clone()),
    )
    .await
}

/// Sends the user's answer and shows how it went; an answer the protocol refuses (a suspended
/// account, an answered or expired ticket) is shown on the phone with its D-code.
async fn answer(
    pages: &LoginPages,
    visit: &Visit,
    persona: &Persona,
    ticket_id: &str,
    call: Call,
) -> Response {
    match pages.call(&visit.client_id, call).await {
        Ok(Outcome::Ticket(status)) => outcome_screen(visit, persona, &status, None),
        // A step of the request (a step-up factor) is done: back to the request.
        Ok(Outcome::TicketDetails(_)) => see_other(&visit.ticket(ticket_id), None),
        Ok(_) => failure_page(visit, &unexpected_outcome()),
        Err(PageFailure::Protocol { code, message }) => {
            let refusal = PageFailure::Protocol { code, message };
            match status(pages, visit, ticket_id).await {
                Ok(status) if status.state == TicketState::Pending => {
                    let screen = match pending_markup(
                        pages,
                        visit,
                        persona,
                        &status,
                        Some(&refusal),
                    )
                    .await
                    {
                        Ok(screen) => screen,
                        Err(failure) => return failure_page(visit, &failure),
                    };
                    html_response(
                        StatusCode::CONFLICT,
                        phone_frame(visit, Some(persona), screen),
                    )
                }
                Ok(status) => outcome_screen(visit, persona, &status, Some(&refusal)),
                Err(failure) => failure_page(visit, &failure),
            }
        }
        Err(failure) => failure_page(visit, &failure),
    }
}

/// The persona the phone is signed in as, or the page to show instead: the persona picker (which comes back to
/// `ticket_id`) or a failure page.
async fn signed_in_persona(
    pages: &LoginPages,
    visit: &Visit,
    ticket_id: Option<&str>,
) -> Result<Persona, Response> {
    let personas = personas(pages, visit)
        .await
        .map_err(|failure| failure_page(visit, &failure))?;
    signed_in(visit, &personas).ok_or_else(|| picker(visit, &personas, ticket_id))
}

async fn personas(pages: &LoginPages, visit: &Visit) -> Result<Vec<Persona>, PageFailure> {
    match pages.call(&visit.client_id, Call::ListPersonas).await? {
        Outcome::Personas(personas) => Ok(personas),
        _ => Err(unexpected_outcome()),
    }
}

async fn status(
    pages: &LoginPages,
    visit: &Visit,
    ticket_id: &str,
) -> Result<TicketStatus, PageFailure> {
    let call = Call::TicketStatus {
        ticket_id: ticket_id.to_owned(),
    };
    match pages.call(&visit.client_id, call).await? {
        Outcome::Ticket(status) => Ok(status),
        _ => Err(unexpected_outcome()),
    }
}

/// The consent screen's form and fields for a pending data request the phone's persona may answer;
/// `None` for other tickets (a login shows its scopes instead).
async fn consent_details(
    pages: &LoginPages,
    visit: &Visit,
    persona: &Persona,
    status: &TicketStatus,
) -> Result<Option<TicketDetails>, PageFailure> {
    if !phone_consent::is_data_request(status.kind) || !phone_consent::is_for(status, &persona.id) {
        return Ok(None);
    }
    phone_consent::details(pages, &visit.client_id, &status.ticket_id, &persona.id)
        .await
        .map(Some)
}

fn signed_in(visit: &Visit, personas: &[Persona]) -> Option<Persona> {
    let persona_id = visit.persona_id.as_deref()?;
    personas
        .iter()
        .find(|persona| persona.id == persona_id)
        .cloned()
}

fn user_type_label(words: &Words, user_type: UserType) -> &'static str {
    match user_type {
        UserType::Default => words.user_type_default,
        UserType::Sign => words.user_type_sign,
    }
}

fn persona_note(words: &Words, persona: &Persona) -> Option<&'static str> {
    if persona.status == PersonaStatus::Suspended {
        return Some(words.persona_suspended);
    }
    match persona.answers {
        StandingAnswer::Manual => None,
        StandingAnswer::AlwaysApprove => Some(words.persona_auto_approve),
        StandingAnswer::AlwaysReject => Some(words.persona_auto_reject),
        StandingAnswer::NeverAnswer => Some(words.persona_no_answer),
    }
}

fn scope_summary(words: &Words, scopes: &[String]) -> String {
    scopes
        .iter()
        .map(|scope| words.scope_description(scope))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The phone: status bar, screen, and the signed-in persona with a way to switch.
fn phone_frame(visit: &Visit, persona: Option<&Persona>, screen: Markup) -> Markup {
    let words = visit.words();
    let body = html! {
        main.phone-stage {
            p.sandbox-notice { (words.sandbox_notice) }
            div.phone #virtual-phone data-client-id=(visit.client_id) {
                div.phone-screen {
                    header.phone-bar {
                        span.brand-mark aria-hidden="true" { "iAM" }
                        span.brand-name { (words.brand) }
                        nav.lang-links aria-label="Language" {
                            @for (lang, label) in [(Lang::EnUs, "EN"), (Lang::ZhHk, "繁"), (Lang::ZhCn, "简")] {
                                @if lang == visit.lang {
                                    span aria-current="true" { (label) }
                                } @else {
                                    a href={ "?lang=" (lang.as_str()) } hreflang=(lang.as_str()) { (label) }
                                }
                            }
                        }
                    }
                    @if let Some(persona) = persona {
                        div.phone-user #signed-in-persona data-persona-id=(persona.id) {
                            span.hint { (words.phone_signed_in_as) " " }
                            strong { (persona.display_name) }
                            span.hint { " · " (user_type_label(words, persona.user_type)) }
                            form method="post" action={ (visit.home()) "/signout" } {
                                button.link-button type="submit" { (words.phone_switch_persona) }
                            }
                        }
                    }
                    div.phone-content { (screen) }
                }
            }
            p.hint.phone-caption { (words.phone_title) }
        }
    };
    document(words, words.phone_title, Some(PHONE_SCRIPT_PATH), body)
}

fn picker(visit: &Visit, personas: &[Persona], ticket_id: Option<&str>) -> Response {
    let words = visit.words();
    let screen = html! {
        h2 { (words.phone_pick_persona) }
        p.hint { (words.phone_pick_hint) }
        ul.persona-list {
            @for persona in personas {
                li {
                    form method="post" action={ (visit.home()) "/persona" } {
                        input type="hidden" name="persona_id" value=(persona.id);
                        @if let Some(ticket_id) = ticket_id {
                            input type="hidden" name="ticket_id" value=(ticket_id);
                        }
                        button.persona-button type="submit" data-persona-id=(persona.id) {
                            strong { (persona.display_name) }
                            span.hint { (user_type_label(words, persona.user_type)) }
                            @if let Some(note) = persona_note(words, persona) {
                                span.persona-note { (note) }
                            }
                        }
                    }
                }
            }
        }
    };
    html_response(StatusCode::OK, phone_frame(visit, None, screen))
}

async fn request_screen(
    pages: &LoginPages,
    visit: &Visit,
    persona: &Persona,
    status: &TicketStatus,
) -> Response {
    match pending_markup(pages, visit, persona, status, None).await {
        Ok(screen) => html_response(StatusCode::OK, phone_frame(visit, Some(persona), screen)),
        Err(failure) => failure_page(visit, &failure),
    }
}

/// What the phone needs to hand a signing ticket to `phone_signing`.
fn signing_screen<'a>(
    visit: &Visit,
    persona: &'a Persona,
    ticket_url: &'a str,
    status_url: &'a str,
) -> phone_signing::Screen<'a> {
    phone_signing::Screen {
        lang: visit.lang,
        ticket_url,
        status_url,
        persona_id: &persona.id,
    }
}

/// A pending ticket's screen: the signing screen for signing tickets, the login's otherwise.
async fn pending_markup(
    pages: &LoginPages,
    visit: &Visit,
    persona: &Persona,
    status: &TicketStatus,
    refusal: Option<&PageFailure>,
) -> Result<Markup, PageFailure> {
    let screen = pending_screen(pages, visit, persona, status, refusal).await?;
    let step_up =
        phone_step_up::status(pages, &visit.client_id, &status.ticket_id, &persona.id).await?;
    Ok(match step_up {
        Some(step_up) => html! {
            (phone_step_up::markup(visit.lang, &visit.ticket(&status.ticket_id), &step_up))
            (screen)
        },
        None => screen,
    })
}

/// [`pending_markup`] without the step-up section.
async fn pending_screen(
    pages: &LoginPages,
    visit: &Visit,
    persona: &Persona,
    status: &TicketStatus,
    refusal: Option<&PageFailure>,
) -> Result<Markup, PageFailure> {
    if !phone_signing::is_signing(status.kind) {
        let consent = consent_details(pages, visit, persona, status).await?;
        return Ok(request_screen_markup(
            visit,
            persona,
            status,
            consent.as_ref(),
            refusal,
        ));
    }
    let view = phone_signing::view(pages, &visit.client_id, &status.ticket_id).await?;
    let ticket_url = visit.ticket(&status.ticket_id);
    let status_url = crate::broker::status_path(&visit.client_id, &status.ticket_id);
    let refusal = refusal.map(|refusal| refusal_notice(visit.words(), refusal));
    Ok(phone_signing::request_markup(
        &signing_screen(visit, persona, &ticket_url, &status_url),
        status,
        &view,
        refusal,
    ))
}

/// The request: who asks and for what — scopes for a login, the form and its fields (with tick boxes) for
/// a data request — and the answers.
fn request_screen_markup(
    visit: &Visit,
    persona: &Persona,
    status: &TicketStatus,
    consent: Option<&TicketDetails>,
    refusal: Option<&PageFailure>,
) -> Markup {
    let words = visit.words();
    let ticket_url = visit.ticket(&status.ticket_id);
    let confirm_url = format!("{ticket_url}/confirm");
    let for_someone_else =
        phone_consent::is_data_request(status.kind) && !phone_consent::is_for(status, &persona.id);
    html! {
        section.request #request
            data-ticket-id=(status.ticket_id)
            data-status-url=(crate::broker::status_path(&visit.client_id, &status.ticket_id))
            data-expires-in-ms=(status.expires_in_ms)
        {
            p.hint { (words.requested_by) }
            h2 #requesting-service { (status.service_name) }
            @if consent.is_none() {
                p { (words.phone_scopes_title) ":" }
                ul.scope-list {
                    @for scope in &status.scope {
                        li data-scope=(scope) { (words.scope_description(scope)) }
                    }
                }
            }
            p.countdown { span #countdown { (page::minutes_seconds(status.expires_in_ms)) } }
            @if let Some(refusal) = refusal {
                (refusal_notice(words, refusal))
            }
            @if let Some(details) = consent {
                (phone_consent::consent_form(visit.lang, details, &confirm_url))
            } @else if for_someone_else {
                p.error #other-user role="alert" { (ConsentWords::of(visit.lang).other_user) }
            } @else {
                a.iams-button #approve-request href=(confirm_url) { (words.phone_approve) }
            }
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

async fn confirm_screen(
    pages: &LoginPages,
    visit: &Visit,
    persona: &Persona,
    status: &TicketStatus,
    consent: Option<&[String]>,
    pin_invalid: bool,
) -> Response {
    let words = visit.words();
    let ticket_url = visit.ticket(&status.ticket_id);
    let status_code = if pin_invalid {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    if phone_signing::is_signing(status.kind) {
        let view = match phone_signing::view(pages, &visit.client_id, &status.ticket_id).await {
            Ok(view) => view,
            Err(failure) => return failure_page(visit, &failure),
        };
        let status_url = crate::broker::status_path(&visit.client_id, &status.ticket_id);
        let screen = phone_signing::confirm_markup(
            &signing_screen(visit, persona, &ticket_url, &status_url),
            status,
            &view,
            pin_invalid,
        );
        return html_response(status_code, phone_frame(visit, Some(persona), screen));
    }
    let screen = html! {
        section.confirm #confirm data-ticket-id=(status.ticket_id) {
            h2 { (words.phone_confirm_title) }
            p { (status.service_name) }
            form method="post" action={ (ticket_url) "/approve" } {
                (phone_consent::hidden_consent(consent))
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
                (phone_consent::hidden_consent(consent))
                input type="hidden" name="method" value="biometric";
                button.secondary-button #use-biometrics type="submit" { (words.phone_use_biometrics) }
            }
            a href=(ticket_url) { (words.phone_back_home) }
        }
    };
    html_response(status_code, phone_frame(visit, Some(persona), screen))
}

fn refusal_notice(words: &Words, refusal: &PageFailure) -> Markup {
    html! {
        p.error #phone-error role="alert" data-error-code=(refusal.code().code()) {
            (words.code_title(refusal.code())) " (" (refusal.code().code()) ")"
        }
    }
}

fn outcome_screen(
    visit: &Visit,
    persona: &Persona,
    status: &TicketStatus,
    refusal: Option<&PageFailure>,
) -> Response {
    let words = visit.words();
    let message = match status.state {
        _ if phone_signing::is_signing(status.kind) => {
            phone_signing::outcome_message(visit.lang, status.state).to_owned()
        }
        TicketState::Approved if phone_consent::is_data_request(status.kind) => {
            phone_consent::approved_message(visit.lang, status)
        }
        state => outcome_message(words, state).to_owned(),
    };
    let screen = html! {
        section.outcome #outcome data-state=(status.state.as_str()) {
            @if let Some(refusal) = refusal {
                (refusal_notice(words, refusal))
            }
            p.outcome-message { (message) }
            p.hint { (words.phone_return_to_browser) }
            a.secondary-button href=(visit.home()) { (words.phone_back_home) }
        }
    };
    html_response(StatusCode::OK, phone_frame(visit, Some(persona), screen))
}

fn outcome_message(words: &Words, state: TicketState) -> &'static str {
    match state {
        TicketState::Approved => words.phone_done_approved,
        TicketState::Rejected => words.phone_done_rejected,
        TicketState::Cancelled => words.phone_done_cancelled,
        TicketState::Failed => words.phone_done_failed,
        TicketState::TimedOut | TicketState::Pending => words.phone_done_timed_out,
    }
}

fn failure_page(visit: &Visit, failure: &PageFailure) -> Response {
    let words = visit.words();
    let (status, text) = match failure {
        PageFailure::UnknownClient => (StatusCode::NOT_FOUND, words.phone_unknown_sandbox),
        PageFailure::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            words.code_title(failure.code()),
        ),
        PageFailure::Protocol { code, .. } => (StatusCode::NOT_FOUND, words.code_title(*code)),
    };
    let screen = html! {
        p.error #phone-error role="alert" data-error-code=(failure.code().code()) {
            (text) " (" (failure.code().code()) ")"
        }
        a.secondary-button href=(visit.home()) { (words.phone_back_home) }
    };
    html_response(status, phone_frame(visit, None, screen))
}

fn see_other(location: &str, cookie: Option<String>) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    if let Some(cookie) = cookie.and_then(|cookie| HeaderValue::from_str(&cookie).ok()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// Remembers a language picked with `?lang=` in the portal's own `lang` cookie, so the next page
/// (and the portal) speak it too.
fn with_lang_cookie(query: &LangQuery, mut response: Response) -> Response {
    let Some(lang) = query
        .lang
        .as_deref()
        .and_then(page::lang_from_protocol_name)
    else {
        return response;
    };
    let tag = match lang {
        Lang::EnUs => "en",
        Lang::ZhHk => "zh-HK",
        Lang::ZhCn => "zh-CN",
    };
    let cookie = format!("lang={tag}; Path=/; Max-Age=31536000; SameSite=Lax");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_persona_cookie_is_read_only_when_well_formed() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=en; iams_phone_persona=iamsmart-plus-user"),
        );
        assert_eq!(
            persona_cookie(&headers).as_deref(),
            Some("iamsmart-plus-user")
        );
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("iams_phone_persona=<script>"),
        );
        assert_eq!(persona_cookie(&headers), None);
    }
}
