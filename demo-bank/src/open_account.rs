//! "Open an account": Demo Bank's account application, pre-filled through iAM Smart's e-ME.
//!
//! Two ways in, as in the real programme:
//! - a signed-in customer asks for their details (`account/eme/initiateRequest` with the login's
//!   token); they consent on the phone, field by field, and the result arrives as an encrypted callback
//!   at `/iamsmart/callback` (see `inbox`), which this page collects while it waits;
//! - a visitor without a Demo Bank login onboards anonymously (`anonymous/eme/initiateRequest`): the
//!   browser goes to getQR with the ticket, comes back to `/callback` with `code`, `businessID` and
//!   `state`, and the bank exchanges the code and fetches the result with `anonymous/eme/getResult`.
//!
//! Either way the customer sees the application form filled in, may correct it, and submits it. The
//! draft lives in the server-side session only; nothing here logs a value, business ID or ticket ID.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use iamsmart_client::{
    CallbackParams, DataResult, FORM_FILLING_SCOPE, FormFillingRequest, LoginRequest,
    PROFILES_SCOPE, field_text, random_state,
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::failure::{Failure, Problem};
use crate::open_account_pages::{self as pages, Outcome};
use crate::session::{self, SignedIn};
use crate::{Bank, account};

/// The pending e-ME request of this session.
const PENDING_KEY: &str = "eme_pending";
/// The application being filled in.
const DRAFT_KEY: &str = "eme_draft";

/// What Demo Bank asks for from the HKID profile.
pub(crate) const PROFILE_FIELDS: [&str; 5] = ["idNo", "enName", "chName", "birthDate", "gender"];
/// What Demo Bank asks for from e-ME. `prefix`, `postalAddress`, `maritalStatus` and `educationLevel`
/// are optional on the phone.
pub(crate) const EME_FIELDS: [&str; 7] = [
    "prefix",
    "emailAddress",
    "mobileNumber",
    "residentialAddress",
    "postalAddress",
    "maritalStatus",
    "educationLevel",
];

/// The application form's inputs, each with the released field it is filled from.
pub(crate) const INPUTS: [(&str, &str); 12] = [
    ("prefix", "prefix"),
    ("en_name", "enName"),
    ("ch_name", "chName"),
    ("id_no", "idNo"),
    ("birth_date", "birthDate"),
    ("gender", "gender"),
    ("email", "emailAddress"),
    ("mobile", "mobileNumber"),
    ("residential_address", "residentialAddress"),
    ("postal_address", "postalAddress"),
    ("marital_status", "maritalStatus"),
    ("education_level", "educationLevel"),
];

/// The inputs an application cannot go without.
pub(crate) const REQUIRED: [&str; 6] = [
    "en_name",
    "id_no",
    "birth_date",
    "email",
    "mobile",
    "residential_address",
];

/// The longest value an input takes.
const MAX_INPUT_CHARS: usize = 300;

/// An e-ME request waiting for the customer's answer.
#[derive(Clone, Serialize, Deserialize)]
struct Pending {
    business_id: String,
    ticket_id: String,
    anonymous: bool,
    /// The app link to open when the customer did not log in by QR code.
    app_link: Option<String>,
}

/// The application as filled in so far: input name → value.
#[derive(Clone, Default, Serialize, Deserialize)]
pub(crate) struct Draft {
    pub values: BTreeMap<String, String>,
    /// Whether the values came from iAM Smart (the page says so).
    pub from_iamsmart: bool,
}

impl Draft {
    /// The released fields, each in the input it fills.
    pub fn from_result(result: &DataResult) -> Draft {
        let values = INPUTS
            .iter()
            .filter_map(|(input, field)| {
                let value = result.field(field)?;
                Some(((*input).to_owned(), field_text(field, value)))
            })
            .collect();
        Draft {
            values,
            from_iamsmart: true,
        }
    }

    pub fn value(&self, input: &str) -> &str {
        self.values.get(input).map_or("", String::as_str)
    }
}

/// The customer, when signed in and still within the login's lifetime.
async fn signed_in(session: &Session) -> Result<Option<SignedIn>, tower_sessions::session::Error> {
    Ok(session::signed_in(session)
        .await?
        .filter(|signed_in| account::now_ms() < signed_in.expires_at_ms))
}

/// `GET /open-account`: the application form, or the wait for the phone's answer.
pub(crate) async fn show(State(bank): State<Bank>, session: Session) -> Result<Response, Failure> {
    let lang = session::lang(&session).await;
    let fail = |error| Problem::Session(error).page(&bank, lang);
    let customer = signed_in(&session).await.map_err(fail)?;
    let pending: Option<Pending> = session.get(PENDING_KEY).await.map_err(fail)?;
    let mut outcome = None;
    if let Some(pending) = pending {
        if pending.anonymous {
            // The browser came back without finishing the anonymous journey; start afresh.
            session.remove::<Pending>(PENDING_KEY).await.map_err(fail)?;
        } else {
            let Some(delivered) = bank.inbox.take(&pending.ticket_id) else {
                let phone = bank.phone_link(&pending.ticket_id);
                return Ok(pages::waiting(
                    lang,
                    &bank.config.mount_path,
                    pending.app_link.as_deref(),
                    &phone,
                )
                .into_response());
            };
            session.remove::<Pending>(PENDING_KEY).await.map_err(fail)?;
            let opened = bank
                .client
                .open_callback(&delivered.body, &delivered.content_type)
                .map_err(|error| Problem::IamSmart(error).page(&bank, lang))?;
            if opened.is_success() {
                let draft = Draft::from_result(&opened.result);
                session.insert(DRAFT_KEY, &draft).await.map_err(fail)?;
                outcome = Some(Outcome::Filled);
            } else {
                tracing::info!(code = opened.code.as_str(), "form filling did not complete");
                outcome = Some(Outcome::NotFilled(opened.code));
            }
        }
    }
    let draft: Draft = session
        .get(DRAFT_KEY)
        .await
        .map_err(fail)?
        .unwrap_or_default();
    if draft.from_iamsmart && outcome.is_none() {
        outcome = Some(Outcome::Filled);
    }
    let page = pages::application(
        lang,
        &bank.config.mount_path,
        customer.is_some(),
        &draft,
        outcome.as_ref(),
        &[],
    );
    Ok(page.into_response())
}

/// `POST /open-account/eme`: a signed-in customer asks iAM Smart to fill the form.
pub(crate) async fn fill_with_eme(
    State(bank): State<Bank>,
    session: Session,
) -> Result<Response, Failure> {
    let lang = session::lang(&session).await;
    let fail = |error| Problem::Session(error).page(&bank, lang);
    let Some(customer) = signed_in(&session).await.map_err(fail)? else {
        return Ok(Redirect::to(&bank.home(lang)).into_response());
    };
    if !customer.has_scope(FORM_FILLING_SCOPE) || !customer.has_scope(PROFILES_SCOPE) {
        return Err(Problem::MissingScope.page(&bank, lang));
    }
    // ANCHOR: eme_request
    let mut request = FormFillingRequest::new(
        bank.config.redirect_uri.clone(),
        pages::form_name(lang),
        &EME_FIELDS,
    );
    request.profile_fields = PROFILE_FIELDS.map(str::to_owned).to_vec();
    request.form_num = Some(pages::FORM_NUMBER.to_owned());
    request.form_desc = Some(pages::form_description(lang).to_owned());
    request.state = Some(random_state());
    let initiated = bank
        .client
        .initiate_form_filling(&customer.token(), &request)
        .await
        .map_err(|error| Problem::IamSmart(error).page(&bank, lang))?;
    // ANCHOR_END: eme_request
    let pending = Pending {
        business_id: request.business_id,
        app_link: (!initiated.auth_by_qr).then(|| initiated.app_link(false)),
        ticket_id: initiated.ticket_id,
        anonymous: false,
    };
    session.insert(PENDING_KEY, &pending).await.map_err(fail)?;
    session.remove::<Draft>(DRAFT_KEY).await.map_err(fail)?;
    Ok(Redirect::to(&bank.path("/open-account")).into_response())
}

/// `POST /open-account/anonymous`: a visitor onboards without logging in to Demo Bank.
pub(crate) async fn onboard_anonymously(
    State(bank): State<Bank>,
    session: Session,
) -> Result<Response, Failure> {
    let lang = session::lang(&session).await;
    let fail = |error| Problem::Session(error).page(&bank, lang);
    // ANCHOR: anonymous_request
    let state = random_state();
    let mut request = FormFillingRequest::new(
        bank.config.redirect_uri.clone(),
        pages::form_name(lang),
        &EME_FIELDS,
    );
    request.profile_fields = PROFILE_FIELDS.map(str::to_owned).to_vec();
    request.form_num = Some(pages::FORM_NUMBER.to_owned());
    request.form_desc = Some(pages::form_description(lang).to_owned());
    request.state = Some(state.clone());
    let ticket_id = bank
        .client
        .initiate_anonymous_form_filling(&request)
        .await
        .map_err(|error| Problem::IamSmart(error).page(&bank, lang))?;
    let mut login = LoginRequest::new(bank.config.redirect_uri.clone(), state.clone());
    login.lang = Some(lang);
    let url = bank.client.anonymous_form_filling_url(&login, &ticket_id);
    // ANCHOR_END: anonymous_request
    session::remember_login(&session, &state, lang)
        .await
        .map_err(fail)?;
    let pending = Pending {
        business_id: request.business_id,
        ticket_id,
        anonymous: true,
        app_link: None,
    };
    session.insert(PENDING_KEY, &pending).await.map_err(fail)?;
    session.remove::<Draft>(DRAFT_KEY).await.map_err(fail)?;
    Ok(Redirect::to(&url).into_response())
}

/// Called by `/callback` once the state matched: when the browser is back from an anonymous e-ME
/// request of this session (its `businessID` is ours), exchanges the code, fetches the result and
/// answers with the way to the filled-in form. `None` means this callback belongs to a login.
pub(crate) async fn finish_anonymous(
    bank: &Bank,
    session: &Session,
    params: &CallbackParams,
) -> Option<Result<Response, Failure>> {
    let lang = session::lang(session).await;
    let pending: Pending = session.get(PENDING_KEY).await.ok().flatten()?;
    if !pending.anonymous || params.business_id.as_deref() != Some(pending.business_id.as_str()) {
        return None;
    }
    Some(
        async {
            let fail = |error| Problem::Session(error).page(bank, lang);
            session.remove::<Pending>(PENDING_KEY).await.map_err(fail)?;
            if let Some(error_code) = &params.error_code {
                let draft = Draft::default();
                let outcome = Outcome::NotFilled(error_code.clone());
                let page = pages::application(
                    lang,
                    &bank.config.mount_path,
                    false,
                    &draft,
                    Some(&outcome),
                    &[],
                );
                return Ok(page.into_response());
            }
            let Some(code) = &params.code else {
                return Err(Problem::MissingParameters.page(bank, lang));
            };
            // ANCHOR: anonymous_result
            let token = bank
                .client
                .get_token(code)
                .await
                .map_err(|error| Problem::IamSmart(error).page(bank, lang))?;
            let result = bank
                .client
                .anonymous_form_filling_result(&pending.business_id, &token)
                .await
                .map_err(|error| Problem::IamSmart(error).page(bank, lang))?;
            // ANCHOR_END: anonymous_result
            session
                .insert(DRAFT_KEY, &Draft::from_result(&result))
                .await
                .map_err(fail)?;
            tracing::info!("a visitor onboarded anonymously with iAM Smart");
            Ok(Redirect::to(&bank.path("/open-account")).into_response())
        }
        .await,
    )
}

/// The submitted application.
#[derive(Deserialize)]
pub(crate) struct Application {
    #[serde(flatten)]
    values: BTreeMap<String, String>,
}

/// `POST /open-account`: submits the application. Missing required inputs or over-long values send
/// the form back with the problems marked.
pub(crate) async fn submit(
    State(bank): State<Bank>,
    session: Session,
    Form(form): Form<Application>,
) -> Result<Response, Failure> {
    let lang = session::lang(&session).await;
    let fail = |error| Problem::Session(error).page(&bank, lang);
    let values: BTreeMap<String, String> = INPUTS
        .iter()
        .map(|(input, _)| {
            let value = form.values.get(*input).map_or("", |value| value.trim());
            ((*input).to_owned(), value.to_owned())
        })
        .collect();
    let problems: Vec<&'static str> = INPUTS
        .iter()
        .map(|(input, _)| *input)
        .filter(|input| {
            let value = values.get(*input).map_or("", String::as_str);
            (REQUIRED.contains(input) && value.is_empty())
                || value.chars().count() > MAX_INPUT_CHARS
        })
        .collect();
    let from_iamsmart = session
        .get::<Draft>(DRAFT_KEY)
        .await
        .map_err(fail)?
        .is_some_and(|draft| draft.from_iamsmart);
    let draft = Draft {
        values,
        from_iamsmart,
    };
    let customer = signed_in(&session).await.map_err(fail)?;
    if !problems.is_empty() {
        let page = pages::application(
            lang,
            &bank.config.mount_path,
            customer.is_some(),
            &draft,
            None,
            &problems,
        );
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    session.remove::<Draft>(DRAFT_KEY).await.map_err(fail)?;
    let reference = format!("DB-{}", &random_state()[..8].to_ascii_uppercase());
    tracing::info!(
        from_iamsmart = draft.from_iamsmart,
        "received an account application"
    );
    Ok(pages::received(lang, &bank.config.mount_path, &reference, &draft).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_result_fills_the_inputs_it_has() {
        let mut result = DataResult::default();
        result.profile_fields.insert(
            "idNo".into(),
            json!({"Identification": "A123456", "CheckDigit": "3"}),
        );
        result
            .eme_fields
            .insert("emailAddress".into(), json!("chan@example.com"));
        let draft = Draft::from_result(&result);
        assert_eq!(draft.value("id_no"), "A123456(3)");
        assert_eq!(draft.value("email"), "chan@example.com");
        assert_eq!(draft.value("mobile"), "");
        assert!(draft.from_iamsmart);
    }

    #[test]
    fn every_requested_field_has_an_input() {
        for field in PROFILE_FIELDS.iter().chain(EME_FIELDS.iter()) {
            assert!(INPUTS.iter().any(|(_, wire)| wire == field), "{field}");
        }
        for input in REQUIRED {
            assert!(INPUTS.iter().any(|(name, _)| *name == input), "{input}");
        }
    }
}
