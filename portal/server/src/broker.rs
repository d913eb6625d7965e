//! `GET /api/v1/auth/getQR`, the broker page (PROTOCOL §2.1), and `GET /broker/{clientID}/tickets/{ticketID}`,
//! the status the page polls until the user has answered on the phone.
//!
//! The sandbox validates every parameter and starts the ticket; this module only renders. A bad request
//! gets a clear error page in the requested language (HTTP 400, with the D-code and the protocol's
//! message for the developer) and is never redirected anywhere, because an unvalidated redirect URI must
//! not receive anything. With `Accept: application/json` the same answers come as JSON, for CI that
//! drives logins without a browser. When the sandbox's auto-responder has already answered, the browser
//! is sent straight on to the redirect URI, as in the silent logins of other national-ID mocks.
//!
//! This module never logs ticket IDs, codes, states or query strings.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use maud::{Markup, PreEscaped, html};
use mock_iamsmart::{Call, DCode, GetQrParams, Lang, LoginStarted, Outcome, TicketStatus};
use qrcode::{QrCode, render::svg};
use serde_json::json;

use crate::api;
use crate::page::{self, BROKER_SCRIPT_PATH, browser_base_url, document, html_response};
use crate::tenant::{LoginPages, PageFailure, unexpected_outcome};
use crate::words::Words;

/// The protocol's source for desktop browsers; every other source is a phone or an app.
const DESKTOP_SOURCE: &str = "PC_Browser";
/// How often the broker page asks whether the user has answered.
pub const POLL_INTERVAL_MS: u32 = 1500;

/// The virtual phone's page for one ticket, which the QR code opens.
pub fn phone_ticket_url(base_url: &str, client_id: &str, ticket_id: &str) -> String {
    format!(
        "{base_url}/phone/{}/tickets/{}",
        path_segment(client_id),
        path_segment(ticket_id)
    )
}

/// Where the broker page polls the ticket.
pub fn status_path(client_id: &str, ticket_id: &str) -> String {
    format!(
        "/broker/{}/tickets/{}",
        path_segment(client_id),
        path_segment(ticket_id)
    )
}

/// Percent-encodes one path segment.
fn path_segment(text: &str) -> String {
    mock_iamsmart::crypto::url_encode(text)
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"))
}

/// `GET /api/v1/auth/getQR`. Any other method is an API call like the rest of `/api/v1`.
pub async fn get_qr(
    State(pages): State<LoginPages>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return api::handle(
            pages.runtime.clone(),
            None,
            pages.signing_authority.clone(),
            method,
            uri,
            headers,
            body,
        )
        .await;
    }
    let query = uri.query().unwrap_or_default();
    let params = GetQrParams::from_query(query);
    // The error page speaks the requested language when it is a valid one, else the protocol default.
    let lang = params
        .lang
        .as_deref()
        .and_then(page::lang_from_protocol_name)
        .unwrap_or_default();
    let json = wants_json(&headers);
    let client_id = match params.client_id.as_deref() {
        None => {
            let failure = PageFailure::Protocol {
                code: DCode::ParameterMissing,
                message: "parameter clientID missing".to_owned(),
            };
            return failure_response(json, lang, &failure);
        }
        Some("") => {
            let failure = PageFailure::Protocol {
                code: DCode::EmptyParameter,
                message: "empty parameter clientID".to_owned(),
            };
            return failure_response(json, lang, &failure);
        }
        Some(client_id) => client_id.to_owned(),
    };
    let started = match pages.call(&client_id, Call::BeginLogin(params)).await {
        Ok(Outcome::LoginStarted(started)) => started,
        Ok(_) => return failure_response(json, lang, &unexpected_outcome()),
        Err(failure) => return failure_response(json, lang, &failure),
    };
    let base_url = browser_base_url(pages.public_base_url.as_deref(), &headers);
    let phone_url = phone_ticket_url(&base_url, &client_id, &started.ticket_id);
    let status_url = format!("{base_url}{}", status_path(&client_id, &started.ticket_id));
    if json {
        return Json(json!({
            "ticketID": started.ticket_id,
            "expiresInMs": started.expires_in_ms,
            "appLink": started.app_link,
            "phoneURL": phone_url,
            "statusURL": status_url,
            "redirectURL": started.redirect_url,
        }))
        .into_response();
    }
    if let Some(redirect_url) = &started.redirect_url {
        return redirect(redirect_url);
    }
    let qr_svg = match qr_svg(&phone_url) {
        Ok(svg) => svg,
        Err(error) => {
            tracing::error!(error = %error, "could not encode the broker page's QR code");
            return failure_response(json, lang, &PageFailure::Unavailable);
        }
    };
    let view = BrokerView {
        words: Words::of(started.lang),
        started: &started,
        query,
        client_id: &client_id,
        phone_url: &phone_url,
        qr_svg: &qr_svg,
    };
    html_response(StatusCode::OK, view.render())
}

fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(location) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, location),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response(),
        // The sandbox builds redirect URLs from allow-listed URIs and percent-encoded values, so this
        // cannot happen; if it did, the visitor gets a clear page rather than a broken redirect.
        Err(_) => failure_response(false, Lang::default(), &PageFailure::Unavailable),
    }
}

/// The QR code for `payload` as an inline SVG element.
pub fn qr_svg(payload: &str) -> Result<String, qrcode::types::QrError> {
    let code = QrCode::new(payload.as_bytes())?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(232, 232)
        .dark_color(svg::Color("#1c2422"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Inline SVG needs no XML declaration.
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    })
}

/// The query string with `lang` set to `lang` and everything else kept as sent.
fn query_with_lang(query: &str, lang: Lang) -> String {
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some("lang"))
        .map(str::to_owned)
        .collect();
    pairs.push(format!("lang={}", lang.as_str()));
    pairs.join("&")
}

struct BrokerView<'a> {
    words: &'static Words,
    started: &'a LoginStarted,
    query: &'a str,
    client_id: &'a str,
    phone_url: &'a str,
    qr_svg: &'a str,
}

impl BrokerView<'_> {
    fn render(&self) -> Markup {
        let words = self.words;
        let started = self.started;
        let on_phone = started.broker_page && started.source != DESKTOP_SOURCE;
        let body = html! {
            main.broker
                data-ticket-id=(started.ticket_id)
                data-status-url=(status_path(self.client_id, &started.ticket_id))
                data-expires-in-ms=(started.expires_in_ms)
                data-poll-interval-ms=(POLL_INTERVAL_MS)
                data-text-waiting=(words.waiting)
                data-text-redirecting=(words.redirecting)
                data-text-expired=(words.expired)
                data-text-trouble=(words.poll_trouble)
            {
                (brand_header(words, started.lang, self.query))
                p.sandbox-notice { (words.sandbox_notice) }
                section.broker-card {
                    h1 { (words.login_title) }
                    @if on_phone {
                        p { (words.open_app_instruction) }
                        a.iams-button #open-iamsmart href=(started.app_link) { (words.open_app_button) }
                        p.hint {
                            (words.no_app_hint) " "
                            a #virtual-phone-link href=(self.phone_url) { (words.open_virtual_phone) }
                        }
                    } @else {
                        p { (words.scan_instruction) }
                        div.qr #qr-code role="img" aria-label=(words.scan_instruction) data-payload=(self.phone_url) {
                            (PreEscaped(self.qr_svg))
                        }
                        p.hint {
                            a #virtual-phone-link href=(self.phone_url) target="_blank" rel="noopener" {
                                (words.open_virtual_phone)
                            }
                        }
                    }
                    p.countdown {
                        (words.expires_in) " "
                        span #countdown { (page::minutes_seconds(started.expires_in_ms)) }
                    }
                    p.status #broker-status role="status" aria-live="polite" { (words.waiting) }
                    p {
                        a.secondary-button #refresh-qr href={ "/api/v1/auth/getQR?" (self.query) } {
                            (words.refresh_qr)
                        }
                    }
                    noscript { p.hint { (words.noscript) } }
                    p.ticket {
                        (words.ticket_label) ": "
                        code #ticket-id { (started.ticket_id) }
                    }
                }
                footer.broker-footer {
                    a href=(words.more_info_url) rel="noopener" { (words.more_info) }
                }
            }
        };
        document(words, words.login_title, Some(BROKER_SCRIPT_PATH), body)
    }
}

/// The iAM Smart mark and the language links (each reloads getQR in that language).
fn brand_header(words: &Words, current: Lang, query: &str) -> Markup {
    html! {
        header.brand-bar {
            span.brand-mark aria-hidden="true" { "iAM" }
            span.brand-name { (words.brand) }
            nav.lang-links aria-label="Language" {
                @for (lang, label) in [(Lang::EnUs, "English"), (Lang::ZhHk, "繁體中文"), (Lang::ZhCn, "简体中文")] {
                    @if lang == current {
                        span aria-current="true" { (label) }
                    } @else {
                        a href={ "/api/v1/auth/getQR?" (query_with_lang(query, lang)) } hreflang=(lang.as_str()) { (label) }
                    }
                }
            }
        }
    }
}

/// The error page, or the JSON error, for a getQR that could not start.
fn failure_response(json: bool, lang: Lang, failure: &PageFailure) -> Response {
    let status = match failure {
        PageFailure::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_REQUEST,
    };
    let code = failure.code();
    let message = failure.message();
    if json {
        return (
            status,
            Json(json!({ "txID": "", "code": code.code(), "message": message })),
        )
            .into_response();
    }
    let words = Words::of(lang);
    let body = html! {
        main.broker {
            header.brand-bar {
                span.brand-mark aria-hidden="true" { "iAM" }
                span.brand-name { (words.brand) }
            }
            p.sandbox-notice { (words.sandbox_notice) }
            section.broker-card.error-card #login-error data-error-code=(code.code()) {
                h1 { (words.error_title) }
                p.error-title { (words.code_title(code)) }
                p { (words.error_hint) }
                details open {
                    summary { (words.error_detail) }
                    p { code { (code.code()) } " " (message) }
                }
            }
            footer.broker-footer {
                a href=(words.more_info_url) rel="noopener" { (words.more_info) }
            }
        }
    };
    html_response(status, document(words, words.error_title, None, body))
}

/// `GET /broker/{clientID}/tickets/{ticketID}`: `{"state","expiresInMs","redirectURL"}` for the page's
/// polling; an unknown ticket or client is 404 with the D-code.
pub async fn ticket_status(
    State(pages): State<LoginPages>,
    Path((client_id, ticket_id)): Path<(String, String)>,
) -> Response {
    let answer = pages
        .call(&client_id, Call::TicketStatus { ticket_id })
        .await;
    let failure = match answer {
        Ok(Outcome::Ticket(status)) => return Json(status_json(&status)).into_response(),
        Ok(_) => unexpected_outcome(),
        Err(failure) => failure,
    };
    let status = match failure {
        PageFailure::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::NOT_FOUND,
    };
    (
        status,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(json!({ "code": failure.code().code(), "message": failure.message() })),
    )
        .into_response()
}

/// The polling answer. `redirectURL` is there once the ticket is settled.
pub fn status_json(status: &TicketStatus) -> serde_json::Value {
    json!({
        "ticketID": status.ticket_id,
        "state": status.state,
        "expiresInMs": status.expires_in_ms,
        "redirectURL": status.redirect_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changing_the_language_keeps_every_other_parameter_as_sent() {
        assert_eq!(
            query_with_lang(
                "clientID=a&lang=zh-HK&scope=eidapi_auth+eidapi_sign",
                Lang::ZhCn
            ),
            "clientID=a&scope=eidapi_auth+eidapi_sign&lang=zh-CN"
        );
        assert_eq!(query_with_lang("", Lang::EnUs), "lang=en-US");
    }

    #[test]
    fn the_qr_code_is_an_inline_svg_element() {
        let svg = qr_svg("http://127.0.0.1:8080/phone/abc/tickets/def").expect("encodes");
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("<path"));
    }

    #[test]
    fn ticket_urls_escape_their_segments() {
        assert_eq!(
            phone_ticket_url("http://h", "c/1", "t 2"),
            "http://h/phone/c%2F1/tickets/t%202"
        );
        assert_eq!(status_path("c", "t"), "/broker/c/tickets/t");
    }
}
