//! The frame shared by the server-rendered login pages (the broker page and the virtual phone): the
//! document shell, their stylesheet and scripts, their Content-Security-Policy, and the choice of
//! language.
//!
//! These pages are plain server-rendered HTML (maud) with two small scripts, not Leptos pages: the
//! broker page stands in for a government page outside the portal, and both must load fast on a real
//! phone over the local network without the portal's hydrate bundle. maud escapes every value it
//! interpolates, so a query parameter can never inject markup. Nothing here may inline a script or a
//! style: the policy below forbids both.

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use maud::{DOCTYPE, Markup, html};
use mock_iamsmart::Lang;

use crate::words::Words;

/// Scripts and styles from this origin only; polling talks to this origin only; forms post here only.
pub const LOGIN_PAGE_CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub const STYLESHEET_PATH: &str = "/assets/login-pages.css";
pub const BROKER_SCRIPT_PATH: &str = "/assets/broker.js";
pub const PHONE_SCRIPT_PATH: &str = "/assets/phone.js";

const STYLESHEET: &str = include_str!("../assets/login-pages.css");
const BROKER_SCRIPT: &str = include_str!("../assets/broker.js");
const PHONE_SCRIPT: &str = include_str!("../assets/phone.js");

/// A whole document around `body`.
pub fn document(words: &Words, title: &str, script: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(words.html_lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) }
                link rel="stylesheet" href=(STYLESHEET_PATH);
                link rel="icon" href="/pkg/favicon.svg" type="image/svg+xml";
                @if let Some(script) = script {
                    script src=(script) defer {}
                }
            }
            body { (body) }
        }
    }
}

/// An HTML response with the login pages' policy; never cached, because every page shows live state.
pub fn html_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(LOGIN_PAGE_CSP),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        markup.into_string(),
    )
        .into_response()
}

/// `GET /assets/{name}` for the login pages' stylesheet and scripts.
pub fn asset(path: &str) -> Response {
    let (body, content_type) = match path {
        STYLESHEET_PATH => (STYLESHEET, "text/css; charset=utf-8"),
        BROKER_SCRIPT_PATH => (BROKER_SCRIPT, "text/javascript; charset=utf-8"),
        PHONE_SCRIPT_PATH => (PHONE_SCRIPT, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// The protocol's name for a language (`en-US`, `zh-HK`, `zh-CN`), if it is one.
pub fn lang_from_protocol_name(name: &str) -> Option<Lang> {
    [Lang::EnUs, Lang::ZhHk, Lang::ZhCn]
        .into_iter()
        .find(|lang| lang.as_str().eq_ignore_ascii_case(name.trim()))
}

/// The language of a portal-side page (the virtual phone): `?lang=`, then the portal's `lang` cookie,
/// then `Accept-Language`, then English. Both the protocol's tags and the portal's own (`en`,
/// `zh-HK`, `zh-CN`) are understood.
pub fn visitor_lang(query_lang: Option<&str>, headers: &HeaderMap) -> Lang {
    let from_tag = |tag: &str| -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        if tag.starts_with("en") {
            Some(Lang::EnUs)
        } else if tag == "zh-cn" || tag.starts_with("zh-hans") || tag == "zh-sg" {
            Some(Lang::ZhCn)
        } else if tag.starts_with("zh") {
            Some(Lang::ZhHk)
        } else {
            None
        }
    };
    let from_cookie = || cookie(headers, "lang").and_then(|value| from_tag(&value));
    let from_accept_language = || {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                value
                    .split(',')
                    .filter_map(|entry| entry.split(';').next())
                    .find_map(from_tag)
            })
    };
    query_lang
        .and_then(from_tag)
        .or_else(from_cookie)
        .or_else(from_accept_language)
        .unwrap_or(Lang::EnUs)
}

/// The value of the request's cookie called `name`, if it sent one.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie_name, _)| *cookie_name == name)
        .map(|(_, value)| value.to_owned())
}

/// The base URL browsers and phones reach this server at: the configured public URL, else the
/// `Host` the request came in on (so a phone on the same network gets a QR code it can open).
pub fn browser_base_url(public_base_url: Option<&str>, headers: &HeaderMap) -> String {
    if let Some(base) = public_base_url {
        return base.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// `m:ss` for a countdown.
pub fn minutes_seconds(milliseconds: i64) -> String {
    let seconds = milliseconds.max(0) / 1000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_visitor_language_comes_from_the_query_then_the_cookie_then_accept_language() {
        let mut headers = HeaderMap::new();
        assert_eq!(visitor_lang(None, &headers), Lang::EnUs);
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("fr, zh-Hans-CN;q=0.8"),
        );
        assert_eq!(visitor_lang(None, &headers), Lang::ZhCn);
        headers.insert(header::COOKIE, HeaderValue::from_static("a=b; lang=zh-HK"));
        assert_eq!(visitor_lang(None, &headers), Lang::ZhHk);
        assert_eq!(visitor_lang(Some("en-US"), &headers), Lang::EnUs);
    }

    #[test]
    fn the_browser_base_url_prefers_the_configured_url_and_refuses_odd_hosts() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("192.168.1.20:8080"));
        assert_eq!(browser_base_url(None, &headers), "http://192.168.1.20:8080");
        assert_eq!(
            browser_base_url(Some("https://sandbox.example/"), &headers),
            "https://sandbox.example"
        );
        headers.insert(header::HOST, HeaderValue::from_static("evil\"host"));
        assert_eq!(browser_base_url(None, &headers), "http://127.0.0.1");
    }

    #[test]
    fn countdowns_show_minutes_and_seconds() {
        assert_eq!(minutes_seconds(18 * 60_000), "18:00");
        assert_eq!(minutes_seconds(61_999), "1:01");
        assert_eq!(minutes_seconds(-5), "0:00");
    }
}
