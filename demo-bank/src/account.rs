//! `GET /account`: the signed-in page. A visitor who is not signed in, or whose login has expired,
//! goes back to the home page.
//!
//! It shows the customer their own openID (that is the point of the demo) but never logs it.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::failure::{Failure, Problem};
use crate::{Bank, pages, session};

pub(crate) async fn show(State(bank): State<Bank>, session: Session) -> Result<Response, Failure> {
    let lang = session::lang(&session).await;
    let signed_in = session::signed_in(&session)
        .await
        .map_err(|error| Problem::Session(error).page(&bank, lang))?;
    match signed_in {
        Some(signed_in) if now_ms() < signed_in.expires_at_ms => {
            Ok(pages::account(lang, &bank.config.mount_path, &signed_in).into_response())
        }
        Some(_) => {
            // There is no refresh token in iAM Smart: an expired login means logging in again.
            session::sign_out(&session)
                .await
                .map_err(|error| Problem::Session(error).page(&bank, lang))?;
            Ok(Redirect::to(&bank.home(lang)).into_response())
        }
        None => Ok(Redirect::to(&bank.home(lang)).into_response()),
    }
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}
