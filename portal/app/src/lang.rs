//! Which language a page is shown in, and how a choice is remembered.
//!
//! On the server the language comes from `?lang=`, then the `lang` cookie, then `Accept-Language`; in the browser
//! it is read back from `<html lang>`, which the server wrote, so hydration starts from exactly the server's state.
//! This module must never decide what the words are (that is `i18n.rs`).

use leptos::prelude::*;

use crate::i18n::Lang;

/// The cookie that remembers the visitor's language for a year.
pub const LANG_COOKIE: &str = "lang";

/// The page's current language as a reactive value shared through context.
#[derive(Clone, Copy)]
pub struct UiLang(RwSignal<Lang>);

impl UiLang {
    pub fn new(lang: Lang) -> Self {
        UiLang(RwSignal::new(lang))
    }

    /// The current language, tracked by the reactive system.
    pub fn get(&self) -> Lang {
        self.0.get()
    }

    /// Changes the language in place: the text updates, `<html lang>` follows and the choice is remembered.
    pub fn switch_to(&self, lang: Lang) {
        self.0.set(lang);
        remember_in_browser(lang);
    }
}

/// The language the page starts in.
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        server_lang()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        browser_lang()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::En
    }
}

#[cfg(feature = "ssr")]
fn server_lang() -> Lang {
    use http::{HeaderValue, header};
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Lang::En;
    };
    let from_query = parts
        .uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.strip_prefix("lang="))
        .find_map(Lang::from_tag);
    if let Some(lang) = from_query {
        // A `?lang=` link is also how the switcher works without JavaScript, so remember the choice.
        if let (Some(response), Ok(cookie)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            HeaderValue::from_str(&cookie_value(lang)),
        ) {
            response.append_header(header::SET_COOKIE, cookie);
        }
        return lang;
    }
    let from_cookie = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix("lang="))
        .find_map(Lang::from_tag);
    from_cookie
        .or_else(|| {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(Lang::En)
}

/// The `Set-Cookie` value (or `document.cookie` assignment) that remembers a language. The cookie carries no
/// secret, so it is readable by scripts; `SameSite=Lax` keeps it off cross-site subrequests.
pub fn cookie_value(lang: Lang) -> String {
    format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.tag()
    )
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn browser_lang() -> Lang {
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
        .and_then(|root| root.get_attribute("lang"))
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or(Lang::En)
}

fn remember_in_browser(lang: Lang) {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use wasm_bindgen::JsCast;
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        if let Some(root) = document.document_element() {
            // Failing to set an attribute only affects fonts and screen-reader pronunciation; the text has
            // already changed, so there is nothing useful to report to the visitor.
            let _ = root.set_attribute("lang", lang.tag());
        }
        if let Ok(html) = document.dyn_into::<web_sys::HtmlDocument>() {
            let _ = html.set_cookie(&cookie_value(lang));
        }
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        let _ = lang;
    }
}
