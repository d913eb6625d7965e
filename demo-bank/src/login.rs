//! `POST /login`: the customer clicked "Login with iAM Smart". Draws a fresh `state`, keeps it in the
//! session, and sends the browser to iAM Smart's `getQR` with a 303.
//!
//! A POST rather than a link, so nothing prefetches or crawls a login into existence. The state is
//! never logged or shown.

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use iamsmart_client::{LoginRequest, random_state};
use serde::Deserialize;
use tower_sessions::Session;

use crate::failure::{Failure, Problem};
use crate::home::chosen_lang;
use crate::{Bank, session};

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    lang: Option<String>,
}

pub(crate) async fn start(
    State(bank): State<Bank>,
    session: Session,
    Form(form): Form<LoginForm>,
) -> Result<Response, Failure> {
    // ANCHOR: login_redirect
    let lang = chosen_lang(form.lang.as_deref());
    let state = random_state();
    session::remember_login(&session, &state, lang)
        .await
        .map_err(|error| Problem::Session(error).page(&bank, lang))?;
    let mut request = LoginRequest::new(bank.config.redirect_uri.clone(), state);
    request.lang = Some(lang);
    // The configured scopes: form filling and signing need theirs on the login's token.
    request.scopes = bank.config.login_scopes.clone();
    tracing::info!(
        lang = lang.as_str(),
        "sending a customer to log in with iAM Smart"
    );
    Ok(Redirect::to(&bank.client.login_url(&request)).into_response())
    // ANCHOR_END: login_redirect
}
