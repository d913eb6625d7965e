//! `GET /`: the landing page in the language of `?lang=` (English when absent or unknown).
//!
//! It only renders; a login starts only when the customer clicks the button (branding guideline), so
//! this handler must never contact iAM Smart or touch the session.

use axum::extract::{Query, State};
use axum::response::Html;
use iamsmart_client::Lang;
use serde::Deserialize;

use crate::{Bank, pages};

#[derive(Deserialize)]
pub(crate) struct HomeQuery {
    lang: Option<String>,
}

/// The language a query or form asked for, English when it named none the protocol knows.
pub(crate) fn chosen_lang(requested: Option<&str>) -> Lang {
    requested.and_then(Lang::from_code).unwrap_or(Lang::EnUs)
}

pub(crate) async fn show(State(bank): State<Bank>, Query(query): Query<HomeQuery>) -> Html<String> {
    pages::home(chosen_lang(query.lang.as_deref()), &bank.config.mount_path)
}
