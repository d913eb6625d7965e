//! The browser entry point of the portal: wasm-bindgen calls `hydrate()` once the server-rendered page and
//! `/pkg/portal.js` have loaded, and Leptos attaches the reactive app to the existing DOM.
//!
//! This crate is only ever built for `wasm32-unknown-unknown`; it must stay a thin shim over `portal-app`.

use wasm_bindgen::prelude::wasm_bindgen;

/// Attaches the portal to the server-rendered `<body>`, then marks `<html data-hydrated="true">` so tests and
/// curious developers can tell a live page from a static one.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(portal_app::App);
    if let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    {
        // Only a marker for observers; a failure changes nothing for the visitor.
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
