//! Security headers on every response. Pages rendered by Leptos set their own Content-Security-Policy with a
//! per-response nonce; everything else (static files, JSON, errors) gets the strict default below.
//!
//! HSTS is left to the TLS listener (PROTOCOL §11.11) because sending it over plain HTTP on 127.0.0.1 would pin
//! browsers to HTTPS for localhost.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// The default policy for responses that are not pages: nothing may load, nothing may frame them.
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Adds each header to every response of `router` unless the handler already chose one.
pub fn with_headers(router: Router) -> Router {
    router
        .layer(default_header(header::CONTENT_SECURITY_POLICY, DEFAULT_CSP))
        .layer(default_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(default_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(default_header(header::REFERRER_POLICY, "no-referrer"))
        .layer(default_header(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ))
        .layer(default_header(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(default_header(
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ))
}

fn default_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
