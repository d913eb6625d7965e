//! The security headers on every Demo Bank response: its own Content-Security-Policy (the portal only
//! adds `default-src 'none'` to responses that have none), no referrer (callback URLs carry the
//! authorisation code), no MIME sniffing, and no caching of pages.
//!
//! The policy must never allow inline scripts or styles. `form-action` names the origin of iAM Smart's
//! browser base URL because browsers apply it to the redirect that follows a form submission: the
//! login form's 303 to `getQR` would be blocked otherwise whenever the sandbox is on another origin.

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderValue, header::X_FRAME_OPTIONS};
use axum::response::Response;

/// The policy for every Demo Bank response, given iAM Smart's browser base URL.
pub(crate) fn content_security_policy(browser_base_url: &str) -> HeaderValue {
    let policy = |form_action: &str| {
        format!(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action {form_action}; \
             frame-ancestors 'none'; base-uri 'none'"
        )
    };
    let with_origin = origin(browser_base_url).map(|origin| policy(&format!("'self' {origin}")));
    with_origin
        .and_then(|text| HeaderValue::from_str(&text).ok())
        // Only an origin with characters a header cannot hold gets here; the bank then still works
        // whenever the sandbox shares its origin.
        .unwrap_or_else(|| HeaderValue::from_static(FALLBACK_POLICY))
}

const FALLBACK_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                               form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// `scheme://host[:port]` of an absolute URL, without any user information.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_and_port = authority.rsplit('@').next()?;
    if host_and_port.is_empty() {
        return None;
    }
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host_and_port.to_ascii_lowercase()
    ))
}

/// Adds the security headers; a response's own `Cache-Control` (the stylesheet's) is kept.
pub(crate) fn secure(mut response: Response, content_security_policy: HeaderValue) -> Response {
    let headers = response.headers_mut();
    headers.insert(CONTENT_SECURITY_POLICY, content_security_policy);
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_drops_the_path_and_user_information() {
        assert_eq!(
            origin("https://user:pw@Sandbox.Example:8443/base/?x#y").as_deref(),
            Some("https://sandbox.example:8443")
        );
        assert_eq!(
            origin("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin("no-scheme"), None);
        assert_eq!(origin("http:///path"), None);
    }

    #[test]
    fn the_policy_lets_forms_go_to_the_sandbox_and_nothing_inline() {
        let policy = content_security_policy("http://127.0.0.1:9000/");
        let policy = policy.to_str().expect("ASCII");
        assert!(
            policy.contains("form-action 'self' http://127.0.0.1:9000;"),
            "{policy}"
        );
        assert!(policy.starts_with("default-src 'none'; style-src 'self';"));
        assert!(!policy.contains("unsafe-inline"));
        let fallback = content_security_policy("not a url");
        assert_eq!(fallback, FALLBACK_POLICY);
    }
}
