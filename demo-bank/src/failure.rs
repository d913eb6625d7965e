//! The one error type of Demo Bank's handlers: every way a login can fail becomes a friendly page in
//! the customer's language, with an HTTP status that says whose fault it was, logged once here.
//!
//! A failure page must never show or log internals: no secrets, states, codes, tokens, openIDs,
//! response bodies or error chains from iAM Smart beyond the D-code.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use iamsmart_client::Lang;

use crate::Bank;
use crate::pages;

/// Why a login or a page failed.
#[derive(Debug)]
pub(crate) enum Problem {
    /// The callback's `state` is not the one this session sent (or the session has none).
    StateMismatch,
    /// The callback carries neither a code nor an error code.
    MissingParameters,
    /// iAM Smart redirected back with `error_code` (the user cancelled, rejected, timed out, …).
    LoginFailed { error_code: String },
    /// getToken answered `D40004`: the code expired or was used (a reload of the callback, say).
    CodeExpired,
    /// iAM Smart answered another D-code, or could not be reached or understood.
    IamSmart(iamsmart_client::Error),
    /// The session store failed.
    Session(tower_sessions::session::Error),
    /// The customer's login did not grant a scope the page needs (the bank's client lacks it).
    MissingScope,
}

/// A [`Problem`], the language to explain it in, and where "Try again" leads.
#[derive(Debug)]
pub(crate) struct Failure {
    lang: Lang,
    mount_path: String,
    problem: Problem,
}

impl Problem {
    /// The failure page of this bank, in `lang`.
    pub fn page(self, bank: &Bank, lang: Lang) -> Failure {
        Failure {
            lang,
            mount_path: bank.config.mount_path.clone(),
            problem: self,
        }
    }
}

/// The code to show and put in `data-error-code`: a D-code as iAM Smart writes them, or `None` for
/// anything else a browser might have typed into the URL.
pub(crate) fn displayable_code(code: &str) -> Option<&str> {
    let digits = code.strip_prefix('D')?;
    (digits.len() == 5 && digits.bytes().all(|byte| byte.is_ascii_digit())).then_some(code)
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let (status, page) = match &self.problem {
            Problem::StateMismatch => {
                tracing::info!("refused a login callback whose state does not match the session");
                (StatusCode::BAD_REQUEST, pages::Failed::StateMismatch)
            }
            Problem::MissingParameters => {
                tracing::info!("refused a login callback with neither code nor error_code");
                (StatusCode::BAD_REQUEST, pages::Failed::MissingParameters)
            }
            Problem::LoginFailed { error_code } => {
                let code = displayable_code(error_code);
                tracing::info!(
                    error_code = code.unwrap_or("malformed"),
                    "login did not complete"
                );
                // The user's own answer (or their phone's silence) is not a server error.
                (StatusCode::OK, pages::Failed::by_error_code(code))
            }
            Problem::CodeExpired => {
                tracing::info!("getToken refused the authorisation code as expired or used");
                (StatusCode::BAD_REQUEST, pages::Failed::CodeExpired)
            }
            Problem::IamSmart(error) => {
                tracing::warn!(error = %error, "the token exchange with iAM Smart failed");
                let page = match error.protocol_code().and_then(displayable_code) {
                    Some(code) => pages::Failed::OtherCode(code.to_owned()),
                    None => pages::Failed::Unreachable,
                };
                (StatusCode::BAD_GATEWAY, page)
            }
            Problem::MissingScope => {
                tracing::info!("the login lacks the scopes form filling needs");
                (
                    StatusCode::FORBIDDEN,
                    pages::Failed::OtherCode("D20015".to_owned()),
                )
            }
            Problem::Session(error) => {
                tracing::error!(error = %error, "the session store failed");
                (StatusCode::INTERNAL_SERVER_ERROR, pages::Failed::Internal)
            }
        };
        (status, pages::failure(self.lang, &self.mount_path, &page)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_d_codes_are_displayed() {
        assert_eq!(displayable_code("D40001"), Some("D40001"));
        assert_eq!(displayable_code("D4000"), None);
        assert_eq!(displayable_code("X40001"), None);
        assert_eq!(displayable_code("D4000<"), None);
        assert_eq!(displayable_code("D400011"), None);
    }
}
