//! What the console's server-rendered pages share (the maker/checker pages in `changes.rs`, the request detail
//! page in `request_detail.rs`): the portal's header with the language switcher around a page, the visitor's
//! language, session and CSRF token, the double-submit CSRF check of a posted form, and the page that says why
//! something was refused.
//!
//! These pages are maud with plain form posts, not Leptos, so they add nothing to the hydrate bundle (its size is
//! budgeted; see ARCHITECTURE.md). Their words come from `portal_app::i18n` and `portal_app::console_words`, the
//! same tables the Leptos console uses, and every refusal comes from the console backend in three languages. They
//! run no script (the policy below has no `script-src`) and never show a secret.

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use maud::{DOCTYPE, Markup, html};
use portal_app::{
    console::backend::{Backend, ConsoleError, Localised},
    i18n::Lang,
};

/// No scripts at all; styles, images and form posts from this origin only.
const CONSOLE_PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// The cookie the console's session token travels in.
const SESSION_COOKIE: &str = portal_app::console::SESSION_COOKIE;
/// The cookie a form's CSRF token is compared against.
const CSRF_COOKIE: &str = portal_app::console::CSRF_COOKIE;

/// The pages' state: the console backend (which resolves sessions and checks roles) and the cookie policy.
#[derive(Clone)]
pub struct ConsolePages {
    pub backend: Backend,
    /// Whether cookies these pages set must be `Secure`.
    pub secure_cookies: bool,
}

/// Everything a page needs about the visitor: language, session and the CSRF token its forms carry.
pub(crate) struct Visitor {
    pub(crate) lang: Lang,
    /// Whether `?lang=` chose the language (then the response remembers it in the `lang` cookie).
    remember_lang: bool,
    pub(crate) session: Option<String>,
    pub(crate) csrf: String,
    /// Set when the token is new and the response must set its cookie.
    new_csrf_cookie: Option<String>,
}

impl Visitor {
    pub(crate) fn new(
        pages: &ConsolePages,
        headers: &HeaderMap,
        query_lang: Option<&str>,
    ) -> Visitor {
        let (lang, remember_lang) = crate::guides::visitor_lang(query_lang, headers);
        let session =
            crate::page::cookie(headers, SESSION_COOKIE).filter(|value| !value.is_empty());
        let (csrf, new_csrf_cookie) =
            match crate::page::cookie(headers, CSRF_COOKIE).filter(|value| !value.is_empty()) {
                Some(token) => (token, None),
                None => {
                    let token = pages.backend.0.new_csrf_token();
                    let secure = if pages.secure_cookies { "; Secure" } else { "" };
                    let cookie =
                        format!("{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}");
                    (token, Some(cookie))
                }
            };
        Visitor {
            lang,
            remember_lang,
            session,
            csrf,
            new_csrf_cookie,
        }
    }

    /// The session, or the refusal a visitor without one gets.
    pub(crate) fn session(&self) -> Result<String, ConsoleError> {
        self.session
            .clone()
            .ok_or_else(|| ConsoleError::new(401, Localised::sign_in_first()))
    }

    /// An HTML response with the pages' policy, setting the cookies this visit needs.
    pub(crate) fn respond(&self, status: StatusCode, markup: Markup) -> Response {
        let mut response = (
            status,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CONSOLE_PAGE_CSP),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            markup.into_string(),
        )
            .into_response();
        let lang_cookie = self
            .remember_lang
            .then(|| portal_app::cookie_value(self.lang));
        for cookie in [self.new_csrf_cookie.clone(), lang_cookie]
            .into_iter()
            .flatten()
        {
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }

    /// The page that says why `error` refused the visit, with its status.
    pub(crate) fn refuse(&self, title: &str, error: &ConsoleError) -> Response {
        let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
        let text = &self.lang.text().console;
        let body = html! {
            p.form-error #console-error role="alert" data-status=(error.status) {
                (error.message.in_lang(self.lang))
            }
            @if error.status == 401 {
                a.button.primary href="/sign-in" { (self.lang.text().nav_sign_in) }
            }
            p { a href="/console" { (text.console_title) } }
        };
        self.respond(status, frame(self, title, "", body))
    }

    /// The hidden field that carries this visitor's CSRF token in a form.
    pub(crate) fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.csrf); }
    }
}

/// A posted form's fields, after the CSRF token matched the cookie (compared in constant time).
pub(crate) fn checked_form(
    headers: &HeaderMap,
    form: Vec<(String, String)>,
) -> Result<std::collections::BTreeMap<String, String>, ConsoleError> {
    let fields: std::collections::BTreeMap<String, String> = form.into_iter().collect();
    let cookie = crate::page::cookie(headers, CSRF_COOKIE).unwrap_or_default();
    let sent = fields.get("csrf").map(String::as_str).unwrap_or_default();
    let equal = !cookie.is_empty()
        && cookie.len() == sent.len()
        && cookie
            .bytes()
            .zip(sent.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0;
    if equal {
        Ok(fields)
    } else {
        Err(ConsoleError::new(403, Localised::expired_form()))
    }
}

/// A `303 See Other` to `location`, where a form post lands.
pub(crate) fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// A path segment (an ID from the URL) made safe to put back into a link.
pub(crate) fn segment(id: &str) -> String {
    mock_iamsmart::crypto::url_encode(id)
}

/// The portal's header, navigation and language switcher around `body`. `switch_query` is appended to the
/// language links (`&done=…` keeps a notice).
pub(crate) fn frame(visitor: &Visitor, title: &str, switch_query: &str, body: Markup) -> Markup {
    let lang = visitor.lang;
    let text = lang.text();
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light";
                title { (title) " — " (text.product_name) }
                link rel="stylesheet" href="/pkg/portal.css";
                link rel="icon" href="/pkg/favicon.svg" type="image/svg+xml";
            }
            body {
                header.site-header {
                    a.brand href="/" {
                        span.brand-mark aria-hidden="true" { "iAM" }
                        span.brand-name { (text.product_name) }
                    }
                    nav.site-nav aria-label="Main" {
                        a href="/" { (text.nav_home) }
                        a href="/guides" { (text.nav_guides) }
                        a href="/console" aria-current="page" { (text.console.nav_console) }
                        a href="/sign-in" { (text.nav_sign_in) }
                        a.nav-cta href="/sign-up" { (text.nav_sign_up) }
                    }
                    div.lang-switcher role="group" aria-label=(text.language_label) {
                        @for choice in Lang::ALL {
                            a href={ "?lang=" (choice.tag()) (switch_query) }
                                hreflang=(choice.tag())
                                lang=(choice.tag())
                                data-lang=(choice.tag())
                                aria-current=[(choice == lang).then_some("true")]
                            { (choice.native_name()) }
                        }
                    }
                }
                main #main { (body) }
                footer.site-footer { p { (text.footer) } }
            }
        }
    }
}
