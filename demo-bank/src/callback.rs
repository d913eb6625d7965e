//! `GET /callback`: iAM Smart sends the browser back with `code` and `state`, or `error_code` and
//! `state`. The state is checked against the session first, and nothing else happens when it does
//! not match; then an error code becomes a friendly page, and a code is exchanged for a token.
//!
//! This handler must never log or show the code, the state, the token or the openID, and must never
//! exchange a code whose state it has not matched.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use iamsmart_client::CallbackParams;
use tower_sessions::Session;

use crate::failure::{Failure, Problem};
use crate::session;
use crate::{Bank, open_account};

pub(crate) async fn finish(
    State(bank): State<Bank>,
    session: Session,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let lang = session::lang(&session).await;
    let fail = |problem: Problem| problem.page(&bank, lang);
    let params = CallbackParams::from_query(query.as_deref().unwrap_or_default());

    // ANCHOR: callback
    // Taking the state makes it single use: a replayed or reloaded callback finds none.
    let expected = session::take_state(&session)
        .await
        .map_err(|error| fail(Problem::Session(error)))?;
    let state_matches = matches!(
        (&expected, &params.state),
        (Some(expected), Some(received)) if expected == received
    );
    if !state_matches {
        return Err(fail(Problem::StateMismatch));
    }
    // The browser may be back from anonymous onboarding rather than from a login.
    if let Some(onboarded) = open_account::finish_anonymous(&bank, &session, &params).await {
        return onboarded;
    }

    if let Some(error_code) = params.error_code {
        return Err(fail(Problem::LoginFailed { error_code }));
    }
    let Some(code) = params.code else {
        return Err(fail(Problem::MissingParameters));
    };

    let token = match bank.client.get_token(&code).await {
        Ok(token) => token,
        Err(error) if error.is_protocol_code("D40004") => {
            return Err(fail(Problem::CodeExpired));
        }
        Err(error) => return Err(fail(Problem::IamSmart(error))),
    };
    session::sign_in(&session, &token)
        .await
        .map_err(|error| fail(Problem::Session(error)))?;
    tracing::info!(
        user_type = token.user_type.as_str(),
        "a customer signed in with iAM Smart"
    );
    Ok(Redirect::to(&bank.path("/account")).into_response())
    // ANCHOR_END: callback
}
