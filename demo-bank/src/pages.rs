//! Demo Bank's pages as maud templates: the layout, the home page with the official "Login with iAM
//! Smart" button, the signed-in page and the failure pages.
//!
//! maud escapes every interpolation, so nothing from a URL or from iAM Smart can inject markup. Pages
//! must never contain inline scripts, inline styles or `style` attributes (the CSP forbids them);
//! visible text comes from `words`. Element ids and `data-*` attributes here are what the end-to-end
//! tests and the guides refer to, so they are part of the page's contract.

use axum::response::Html;
use iamsmart_client::Lang;
use maud::{DOCTYPE, Markup, html};
use tower_sessions::cookie::time::{OffsetDateTime, UtcOffset};

use crate::assets::STYLESHEET_PATH;
use crate::session::SignedIn;
use crate::words::{Words, words};

/// Hong Kong Time, UTC+8 all year round.
const HONG_KONG_OFFSET_SECONDS: i32 = 8 * 60 * 60;

/// The home page in `lang`. The home page is the mount path itself (`/demo-bank`, not
/// `/demo-bank/`): that is what a router nested at the mount path serves for its `/` route.
pub(crate) fn home_link(mount_path: &str, lang: Lang) -> String {
    let home = if mount_path.is_empty() {
        "/"
    } else {
        mount_path
    };
    format!("{home}?lang={}", lang.as_str())
}

pub(crate) fn layout(lang: Lang, mount_path: &str, title: &str, main: Markup) -> Html<String> {
    page(lang, mount_path, title, None, main)
}

/// [`layout`] for a page that reloads itself every `seconds` (a `<meta http-equiv="refresh">`: no
/// script, so the CSP stays strict).
pub(crate) fn layout_refreshing(
    lang: Lang,
    mount_path: &str,
    title: &str,
    seconds: u32,
    main: Markup,
) -> Html<String> {
    page(lang, mount_path, title, Some(seconds), main)
}

fn page(
    lang: Lang,
    mount_path: &str,
    title: &str,
    refresh_seconds: Option<u32>,
    main: Markup,
) -> Html<String> {
    let words = words(lang);
    let document = html! {
        (DOCTYPE)
        html lang=(words.html_lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(seconds) = refresh_seconds {
                    meta http-equiv="refresh" content=(seconds);
                }
                title { (title) " · " (words.bank_name) }
                link rel="stylesheet" href={ (mount_path) (STYLESHEET_PATH) };
            }
            body {
                header.bank-header {
                    a.bank-name href=(home_link(mount_path, lang)) { (words.bank_name) }
                }
                main.bank-main { (main) }
                footer.bank-footer { p { (words.footer) } }
            }
        }
    };
    Html(document.into_string())
}

/// The landing page: a welcome, the language choice and the login button.
pub(crate) fn home(lang: Lang, mount_path: &str) -> Html<String> {
    let words = words(lang);
    let main = html! {
        nav.language-switcher aria-label=(words.languages_label) {
            @for other in Lang::ALL {
                @if other == lang {
                    span.current-language aria-current="true" { (self::words(other).language_name) }
                } @else {
                    a lang=(self::words(other).html_lang) href=(home_link(mount_path, other)) {
                        (self::words(other).language_name)
                    }
                }
            }
        }
        section.welcome {
            h1 { (words.welcome_heading) }
            p { (words.welcome_body) }
            form.iamsmart-login method="post" action={ (mount_path) "/login" } {
                input type="hidden" name="lang" value=(lang.as_str());
                button.iamsmart-button type="submit" id="login-with-iamsmart" {
                    (words.login_button)
                }
                a.iamsmart-more-info href=(words.more_info_url) target="_blank"
                    rel="noopener noreferrer" { (words.more_info) }
            }
            p { a.button-link #open-account href={ (mount_path) "/open-account" } { (words.open_account) } }
            p.demo-notice { (words.demo_notice) }
        }
    };
    layout(lang, mount_path, words.welcome_heading, main)
}

/// The signed-in page.
pub(crate) fn account(lang: Lang, mount_path: &str, signed_in: &SignedIn) -> Html<String> {
    let words = words(lang);
    let product = match signed_in.user_type.as_str() {
        "sign" => words.iamsmart_plus_name,
        _ => words.iamsmart_name,
    };
    let main = html! {
        section.account {
            h1 { (words.signed_in_heading) }
            p { (words.signed_in_body) }
            dl.account-details {
                dt { (words.open_id_label) }
                dd { code id="signed-in-openid" { (signed_in.open_id) } }
                dt { (words.account_type_label) }
                dd {
                    span.product-name { (product) }
                    " "
                    code id="signed-in-user-type" { (signed_in.user_type) }
                }
                dt { (words.scope_label) }
                dd id="signed-in-scope" { (signed_in.scopes.join(" ")) }
                dt { (words.token_expiry_label) }
                dd id="signed-in-expiry" { (hong_kong_time(signed_in.expires_at_ms)) }
            }
            p { a.button-link #open-account href={ (mount_path) "/open-account" } { (words.open_account) } }
            p {
                a.button-link id="sign-agreement" href={ (mount_path) "/agreement" } {
                    (words.agreement_link)
                }
            }
            form method="post" action={ (mount_path) "/logout" } {
                button.secondary-button type="submit" id="log-out" { (words.log_out) }
            }
        }
    };
    layout(lang, mount_path, words.signed_in_heading, main)
}

/// Why a failure page is shown; decides its message, `data-reason` and `data-error-code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failed {
    StateMismatch,
    MissingParameters,
    /// `D40000`.
    Cancelled,
    /// `D40001`.
    Rejected,
    /// `D40003`.
    TimedOut,
    /// Any other D-code, from the redirect or from getToken.
    OtherCode(String),
    /// An `error_code` that is not a D-code.
    UnknownCode,
    /// getToken's `D40004`.
    CodeExpired,
    Unreachable,
    Internal,
}

impl Failed {
    /// The page for a redirect's `error_code` (already checked to be a D-code, or `None`).
    pub fn by_error_code(code: Option<&str>) -> Failed {
        match code {
            Some("D40000") => Failed::Cancelled,
            Some("D40001") => Failed::Rejected,
            Some("D40003") => Failed::TimedOut,
            Some(other) => Failed::OtherCode(other.to_owned()),
            None => Failed::UnknownCode,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Failed::StateMismatch => "state-mismatch",
            Failed::MissingParameters => "missing-parameters",
            Failed::Cancelled => "cancelled",
            Failed::Rejected => "rejected",
            Failed::TimedOut => "timed-out",
            Failed::OtherCode(_) | Failed::UnknownCode => "failed",
            Failed::CodeExpired => "code-expired",
            Failed::Unreachable => "unreachable",
            Failed::Internal => "internal",
        }
    }

    fn error_code(&self) -> Option<&str> {
        match self {
            Failed::Cancelled => Some("D40000"),
            Failed::Rejected => Some("D40001"),
            Failed::TimedOut => Some("D40003"),
            Failed::CodeExpired => Some("D40004"),
            Failed::OtherCode(code) => Some(code),
            _ => None,
        }
    }

    fn message(&self, words: &Words) -> String {
        match self {
            Failed::StateMismatch => words.state_mismatch.to_owned(),
            Failed::MissingParameters => words.missing_parameters.to_owned(),
            Failed::Cancelled => words.cancelled.to_owned(),
            Failed::Rejected => words.rejected.to_owned(),
            Failed::TimedOut => words.timed_out.to_owned(),
            Failed::OtherCode(code) => format!("{} ({code})", words.login_failed_with_code),
            Failed::UnknownCode => words.login_failed_with_code.to_owned(),
            Failed::CodeExpired => words.code_expired.to_owned(),
            Failed::Unreachable => words.unreachable.to_owned(),
            Failed::Internal => words.something_went_wrong.to_owned(),
        }
    }
}

/// A failure page with a "Try again" link to the home page.
pub(crate) fn failure(lang: Lang, mount_path: &str, failed: &Failed) -> Html<String> {
    let words = words(lang);
    let main = html! {
        section.login-error id="login-error" data-reason=(failed.reason())
            data-error-code=[failed.error_code()] {
            h1 { (words.error_heading) }
            p { (failed.message(words)) }
            a.button-link id="try-again" href=(home_link(mount_path, lang)) { (words.try_again) }
        }
    };
    layout(lang, mount_path, words.error_heading, main)
}

/// `YYYY-MM-DD HH:MM HKT` for epoch milliseconds.
fn hong_kong_time(epoch_ms: i64) -> String {
    let offset = UtcOffset::from_whole_seconds(HONG_KONG_OFFSET_SECONDS).unwrap_or(UtcOffset::UTC);
    match OffsetDateTime::from_unix_timestamp(epoch_ms.div_euclid(1000)) {
        Ok(time) => {
            let time = time.to_offset(offset);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02} HKT",
                time.year(),
                u8::from(time.month()),
                time.day(),
                time.hour(),
                time.minute()
            )
        }
        Err(_) => "—".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_hong_kong_time() {
        // 2024-01-02T03:04:05Z is 11:04 in Hong Kong.
        assert_eq!(hong_kong_time(1_704_164_645_000), "2024-01-02 11:04 HKT");
        assert_eq!(hong_kong_time(i64::MAX), "—");
    }

    #[test]
    fn failure_pages_carry_the_reason_and_code_and_escape_what_they_show() {
        let Html(page) = failure(Lang::EnUs, "/demo-bank", &Failed::OtherCode("D<b>".into()));
        assert!(page.contains(r#"id="login-error""#));
        assert!(page.contains(r#"data-error-code="D&lt;b&gt;""#), "{page}");
        assert!(!page.contains("<b>"));
        let Html(page) = failure(Lang::ZhHk, "/demo-bank", &Failed::StateMismatch);
        assert!(page.contains(r#"data-reason="state-mismatch""#));
        assert!(!page.contains("data-error-code"));
        assert!(page.contains(r#"href="/demo-bank?lang=zh-HK""#));
    }

    #[test]
    fn pages_have_no_inline_style_or_script() {
        let signed_in = SignedIn {
            open_id: "o".into(),
            user_type: "sign".into(),
            scopes: vec!["eidapi_auth".into()],
            expires_at_ms: 0,
            access_token: String::new(),
            issued_at_ms: 0,
        };
        for Html(page) in [
            home(Lang::ZhCn, "/demo-bank"),
            account(Lang::EnUs, "/demo-bank", &signed_in),
            failure(Lang::EnUs, "/demo-bank", &Failed::Internal),
        ] {
            assert!(!page.contains("<script"));
            assert!(!page.contains("<style"));
            assert!(!page.contains("style="));
        }
    }
}
