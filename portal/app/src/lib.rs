//! The developer portal as a Leptos application, shared by the server (rendering) and the browser (hydration).
//!
//! Server-only code sits behind the `ssr` feature and browser-only code behind `hydrate`; this crate must never
//! depend on Wasmtime, sqlx or tokio, because it is compiled into the browser bundle.

pub mod console;
pub mod console_changes;
pub mod console_inspector;
pub mod console_words;
pub mod i18n;
mod lang;
mod pages;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    components::{A, Route, Router, Routes},
    path,
};

use console::{ConsolePage, CsrfToken, SandboxPage, SignInPage, SignUpPage};
pub use lang::{LANG_COOKIE, UiLang, cookie_value};
use pages::{Landing, NotFound};

/// The name wasm-bindgen gives the hydrate bundle: the server links `/pkg/portal.js` and `/pkg/portal_bg.wasm`.
pub const BUNDLE_NAME: &str = "portal";

/// The HTML document around the application, rendered on the server only.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::MetaTags;
    set_content_security_policy();
    let lang = lang::initial_lang();
    let csrf = console::page_csrf_token();
    provide_context(CsrfToken(csrf.clone()));
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <meta name="csrf-token" content=csrf />
                <link rel="stylesheet" href="/pkg/portal.css" />
                <link rel="icon" href="/pkg/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Sends a Content-Security-Policy that allows exactly the hydration script of this response (by its nonce),
/// our own scripts, styles and WebAssembly, and nothing else: no inline styles, no other origins, no framing.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use http::{HeaderValue, header::CONTENT_SECURITY_POLICY};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// The whole portal: header with navigation and language switcher, the routed page, footer.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "hydrate")]
    provide_context(CsrfToken(csrf_from_document()));
    let ui_lang = UiLang::new(lang::initial_lang());
    provide_context(ui_lang);
    let text = move || ui_lang.get().text();

    view! {
        <Title text=move || text().product_name />
        <Router>
            <header class="site-header">
                <a class="skip-link" href="#main">
                    "Skip to content"
                </a>
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">
                        "iAM"
                    </span>
                    <span class="brand-name">{move || text().product_name}</span>
                </A>
                <nav class="site-nav" aria-label="Main">
                    <A href="/">{move || text().nav_home}</A>
                    // The guides are server-rendered pages outside this app (no hydrate code for reading), so the
                    // link loads them in full instead of routing in the browser.
                    <a href="/guides" rel="external">
                        {move || text().nav_guides}
                    </a>
                    <A href="/console">{move || text().console.nav_console}</A>
                    <A href="/sign-in">{move || text().nav_sign_in}</A>
                    <A href="/sign-up" attr:class="nav-cta">
                        {move || text().nav_sign_up}
                    </A>
                </nav>
                <LanguageSwitcher />
            </header>
            <main id="main">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=Landing />
                    <Route path=path!("/sign-in") view=SignInPage />
                    <Route path=path!("/sign-up") view=SignUpPage />
                    <Route path=path!("/console") view=ConsolePage />
                    <Route path=path!("/console/sandboxes/:id") view=SandboxPage />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>{move || text().footer}</p>
            </footer>
        </Router>
    }
}

/// The CSRF token the server wrote into `<meta name="csrf-token">`, so hydrated forms carry the same value the
/// server rendered.
#[cfg(feature = "hydrate")]
fn csrf_from_document() -> String {
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| {
            document
                .query_selector("meta[name='csrf-token']")
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"))
        .unwrap_or_default()
}

/// Links to each language. Without JavaScript they reload the page with `?lang=`; once hydrated they switch the
/// text in place, remember the choice in a cookie and leave the page where it is.
#[component]
fn LanguageSwitcher() -> impl IntoView {
    let ui_lang = expect_context::<UiLang>();
    view! {
        <div class="lang-switcher" role="group" aria-label=move || ui_lang.get().text().language_label>
            {i18n::Lang::ALL
                .into_iter()
                .map(|choice| {
                    view! {
                        <a
                            href=format!("?lang={}", choice.tag())
                            hreflang=choice.tag()
                            lang=choice.tag()
                            data-lang=choice.tag()
                            aria-current=move || (ui_lang.get() == choice).then_some("true")
                            on:click=move |event| {
                                event.prevent_default();
                                ui_lang.switch_to(choice);
                            }
                        >
                            {choice.native_name()}
                        </a>
                    }
                })
                .collect_view()}
        </div>
    }
}
