//! `POST /logout`: forgets the session (cookie included) and returns to the home page.
//!
//! A POST, so a link or an image on another site cannot sign a customer out; it must never need
//! anything but the session.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::failure::{Failure, Problem};
use crate::{Bank, session};

pub(crate) async fn end(State(bank): State<Bank>, session: Session) -> Result<Response, Failure> {
    let lang = session::lang(&session).await;
    session::sign_out(&session)
        .await
        .map_err(|error| Problem::Session(error).page(&bank, lang))?;
    Ok(Redirect::to(&bank.home(lang)).into_response())
}
