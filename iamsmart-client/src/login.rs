//! The browser side of a login (PROTOCOL §2.1): the `getQR` URL an RP sends the browser to, a fresh
//! random `state`, and reading `code`, `state` or `error_code` back from the redirect.
//!
//! Everything here is pure apart from [`random_state`], which draws from the operating system. This
//! module must never log or print an authorisation code: [`CallbackParams`] hides it from `Debug`.

use std::fmt;

use mock_iamsmart::crypto::url_encode;
use percent_encoding::percent_decode_str;
use rand::Rng;
use rand::distributions::Alphanumeric;
use rand::rngs::OsRng;

use crate::config::trimmed_base;

/// The path of the login entry point below a base URL.
pub const GET_QR_PATH: &str = "/api/v1/auth/getQR";
/// The login scope every onboarded service has.
pub const AUTH_SCOPE: &str = "eidapi_auth";
/// The `source` for a desktop browser, which is shown a QR code.
pub const PC_BROWSER_SOURCE: &str = "PC_Browser";
/// The length of states made by [`random_state`]: well inside the protocol's 36 characters.
const RANDOM_STATE_LENGTH: usize = 32;

/// The language of the broker page and the app (`lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// `en-US`.
    EnUs,
    /// `zh-HK`, traditional Chinese; iAM Smart's default.
    ZhHk,
    /// `zh-CN`, simplified Chinese.
    ZhCn,
}

impl Lang {
    /// Every language, in the order iAM Smart lists them.
    pub const ALL: [Lang; 3] = [Lang::EnUs, Lang::ZhHk, Lang::ZhCn];

    /// The value on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::EnUs => "en-US",
            Lang::ZhHk => "zh-HK",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language for a wire value; `None` for anything the protocol does not define.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.as_str() == code)
    }
}

/// What to ask for when sending a browser to log in.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginRequest {
    /// Where iAM Smart sends the browser back; must be on the RP's allow-list, exactly.
    pub redirect_uri: String,
    /// Scope names, sent space-delimited.
    pub scopes: Vec<String>,
    /// The RP's anti-forgery value, echoed back on the redirect: at most 36 characters of
    /// `[A-Za-z0-9_-]`. [`random_state`] makes a suitable one.
    pub state: String,
    /// How the user is browsing (PROTOCOL §7); `PC_Browser` shows a QR code.
    pub source: String,
    /// The broker page's language; iAM Smart defaults to `zh-HK` when it is absent.
    pub lang: Option<Lang>,
    /// `brokerPage=true`: on mobile web, open the app by its link instead of showing a QR code.
    pub broker_page: bool,
    /// `ticketID`: show an anonymous request (form filling, signing) instead of a plain login.
    pub ticket_id: Option<String>,
}

impl LoginRequest {
    /// A plain login (`eidapi_auth`) from a desktop browser.
    pub fn new(redirect_uri: impl Into<String>, state: impl Into<String>) -> Self {
        Self {
            redirect_uri: redirect_uri.into(),
            scopes: vec![AUTH_SCOPE.to_owned()],
            state: state.into(),
            source: PC_BROWSER_SOURCE.to_owned(),
            lang: None,
            broker_page: false,
            ticket_id: None,
        }
    }
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The state protects the user's session, so it is as private as a cookie.
        f.debug_struct("LoginRequest")
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .field("state", &"<redacted>")
            .field("source", &self.source)
            .field("lang", &self.lang)
            .field("broker_page", &self.broker_page)
            .field("ticket_id", &self.ticket_id.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// `{base}/api/v1/auth/getQR?clientID=…&responseType=code&…`, every value percent-encoded with
/// uppercase escapes and a space as `%20`.
pub(crate) fn get_qr_url(base: &str, client_id: &str, request: &LoginRequest) -> String {
    let scope = request.scopes.join(" ");
    let mut pairs: Vec<(&str, &str)> = vec![
        ("clientID", client_id),
        ("responseType", "code"),
        ("source", &request.source),
        ("redirectURI", &request.redirect_uri),
        ("scope", &scope),
    ];
    if let Some(lang) = request.lang {
        pairs.push(("lang", lang.as_str()));
    }
    pairs.push(("state", &request.state));
    if request.broker_page {
        pairs.push(("brokerPage", "true"));
    }
    if let Some(ticket_id) = &request.ticket_id {
        pairs.push(("ticketID", ticket_id));
    }
    let query: Vec<String> = pairs
        .into_iter()
        .map(|(name, value)| format!("{name}={}", url_encode(value)))
        .collect();
    format!("{}{GET_QR_PATH}?{}", trimmed_base(base), query.join("&"))
}

/// A fresh `state` of 32 random letters and digits from the operating system's generator.
pub fn random_state() -> String {
    OsRng
        .sample_iter(&Alphanumeric)
        .take(RANDOM_STATE_LENGTH)
        .map(char::from)
        .collect()
}

/// The query parameters iAM Smart puts on the redirect back to the RP. Empty values count as absent.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CallbackParams {
    /// The single-use authorisation code, on success.
    pub code: Option<String>,
    /// The `state` the RP sent.
    pub state: Option<String>,
    /// `D40000` cancelled, `D40001` rejected, `D40003` timed out, …, on failure.
    pub error_code: Option<String>,
    /// Set in anonymous flows.
    pub business_id: Option<String>,
}

impl CallbackParams {
    /// Reads a raw query string (with or without the leading `?`); the first of repeated names wins.
    pub fn from_query(query: &str) -> Self {
        let mut params = CallbackParams::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match form_decode(name).as_str() {
                "code" => &mut params.code,
                "state" => &mut params.state,
                "error_code" => &mut params.error_code,
                "businessID" => &mut params.business_id,
                _ => continue,
            };
            let value = form_decode(value);
            if slot.is_none() && !value.is_empty() {
                *slot = Some(value);
            }
        }
        params
    }

    /// Reads the query of a full redirect URL such as `https://rp.example/cb?code=…&state=…`.
    pub fn from_url(url: &str) -> Self {
        let without_fragment = url.split_once('#').map_or(url, |(head, _)| head);
        match without_fragment.split_once('?') {
            Some((_, query)) => Self::from_query(query),
            None => Self::default(),
        }
    }
}

impl fmt::Debug for CallbackParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |value: &Option<String>| value.as_ref().map(|_| "<redacted>");
        f.debug_struct("CallbackParams")
            .field("code", &shown(&self.code))
            .field("state", &shown(&self.state))
            .field("error_code", &self.error_code)
            .field("business_id", &self.business_id)
            .finish()
    }
}

/// `application/x-www-form-urlencoded` decoding of one name or value: `+` is a space.
fn form_decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT_ID: &str = "0123456789abcdef0123456789abcdef";

    fn check_url(request: &LoginRequest, expected: &str) {
        assert_eq!(
            get_qr_url("https://sandbox.example/", CLIENT_ID, request),
            expected
        );
    }

    #[test]
    fn a_plain_login_url_lists_the_parameters_in_the_documented_order() {
        check_url(
            &LoginRequest::new("https://rp.example/callback", "abc"),
            "https://sandbox.example/api/v1/auth/getQR?clientID=0123456789abcdef0123456789abcdef\
             &responseType=code&source=PC_Browser\
             &redirectURI=https%3A%2F%2Frp.example%2Fcallback&scope=eidapi_auth&state=abc",
        );
    }

    #[test]
    fn scopes_are_space_delimited_and_every_value_is_percent_encoded() {
        let mut request = LoginRequest::new("https://rp.example/cb?x=1&y=2", "s_1-2");
        request.scopes = vec!["eidapi_auth".into(), "eidapi_profiles".into()];
        request.lang = Some(Lang::ZhHk);
        request.broker_page = true;
        request.source = "iOS_Safari".into();
        check_url(
            &request,
            "https://sandbox.example/api/v1/auth/getQR?clientID=0123456789abcdef0123456789abcdef\
             &responseType=code&source=iOS_Safari\
             &redirectURI=https%3A%2F%2Frp.example%2Fcb%3Fx%3D1%26y%3D2\
             &scope=eidapi_auth%20eidapi_profiles&lang=zh-HK&state=s_1-2&brokerPage=true",
        );
    }

    #[test]
    fn the_core_reads_back_what_the_url_says() {
        let mut request = LoginRequest::new("https://rp.example/cb?x=1", "st");
        request.scopes = vec!["eidapi_auth".into(), "eidapi_sign".into()];
        request.lang = Some(Lang::ZhCn);
        let url = get_qr_url("http://127.0.0.1:1", CLIENT_ID, &request);
        let (_, query) = url.split_once('?').expect("a query");
        let params = mock_iamsmart::GetQrParams::from_query(query);
        assert_eq!(params.client_id.as_deref(), Some(CLIENT_ID));
        assert_eq!(
            params.redirect_uri.as_deref(),
            Some("https://rp.example/cb?x=1")
        );
        assert_eq!(params.scope.as_deref(), Some("eidapi_auth eidapi_sign"));
        assert_eq!(params.lang.as_deref(), Some("zh-CN"));
        assert_eq!(params.state.as_deref(), Some("st"));
        assert_eq!(params.broker_page, None);
    }

    #[test]
    fn languages_round_trip_through_their_wire_names() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.as_str()), Some(lang));
        }
        assert_eq!(Lang::from_code("en"), None);
    }

    #[test]
    fn random_states_are_32_letters_and_digits_and_differ() {
        let first = random_state();
        assert_eq!(first.len(), 32);
        assert!(first.bytes().all(|byte| byte.is_ascii_alphanumeric()));
        assert_ne!(first, random_state());
    }

    #[test]
    fn callback_parameters_are_read_from_a_successful_redirect() {
        let params = CallbackParams::from_url("https://rp.example/cb?code=a%2Bb%3D&state=xyz#top");
        assert_eq!(params.code.as_deref(), Some("a+b="));
        assert_eq!(params.state.as_deref(), Some("xyz"));
        assert_eq!(params.error_code, None);
    }

    #[test]
    fn callback_parameters_are_read_from_a_failed_redirect_with_extra_names() {
        let params = CallbackParams::from_query(
            "?x=1&error_code=D40001&state=s+t&state=second&businessID=b",
        );
        assert_eq!(params.error_code.as_deref(), Some("D40001"));
        assert_eq!(params.state.as_deref(), Some("s t"));
        assert_eq!(params.business_id.as_deref(), Some("b"));
        assert_eq!(params.code, None);
    }

    #[test]
    fn empty_or_missing_callback_parameters_are_absent() {
        assert_eq!(
            CallbackParams::from_url("https://rp.example/cb"),
            CallbackParams::default()
        );
        assert_eq!(
            CallbackParams::from_query("code=&state"),
            CallbackParams::default()
        );
    }

    #[test]
    fn debug_output_hides_the_code_and_the_state() {
        let params = CallbackParams::from_query("code=secret-code&state=secret-state");
        let debug = format!("{params:?}");
        assert!(!debug.contains("secret"), "{debug}");
        let debug = format!(
            "{:?}",
            LoginRequest::new("https://rp.example/cb", "secret-state")
        );
        assert!(!debug.contains("secret"), "{debug}");
    }
}
