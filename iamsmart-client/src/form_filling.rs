//! The relying party's side of profile requests and e-ME form filling (PROTOCOL §3): start an
//! authenticated request for the logged-in user, read its callback, ask `/profiles` synchronously,
//! and run anonymous form filling (start, send the browser to getQR with the ticket, exchange the
//! code, fetch the result).
//!
//! Results carry personal data, so [`DataResult`]'s `Debug` shows field names only, and nothing here
//! logs a business ID, token, openID or value.

use std::fmt;

use mock_iamsmart::client as protocol;
use rand::Rng;
use rand::distributions::Alphanumeric;
use rand::rngs::OsRng;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::client::Client;
use crate::error::Error;
use crate::login::{LoginRequest, get_qr_url};
use crate::token::Token;

pub const EME_REQUEST_PATH: &str = "/api/v1/account/eme/initiateRequest";
pub const PROFILE_REQUEST_PATH: &str = "/api/v1/account/profile/initiateRequest";
pub const PROFILES_PATH: &str = "/api/v1/profiles";
pub const ANONYMOUS_EME_REQUEST_PATH: &str = "/api/v1/anonymous/eme/initiateRequest";
pub const ANONYMOUS_EME_RESULT_PATH: &str = "/api/v1/anonymous/eme/getResult";
/// The scope of e-ME form filling.
pub const FORM_FILLING_SCOPE: &str = "eidapi_formFilling";
/// The scope of profile requests.
pub const PROFILES_SCOPE: &str = "eidapi_profiles";

/// A fresh `businessID`: 32 random letters and digits (the protocol allows 36), unique in practice.
pub fn new_business_id() -> String {
    OsRng
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

/// An e-ME (form-filling) request, authenticated or anonymous.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormFillingRequest {
    /// Unique per client; see [`new_business_id`].
    pub business_id: String,
    /// How the user is browsing (PROTOCOL §7).
    pub source: String,
    /// Where the browser returns; must be on the allow-list.
    pub redirect_uri: String,
    /// Echoed back in the result and the redirect.
    pub state: Option<String>,
    pub form_name: String,
    pub form_num: Option<String>,
    pub form_desc: Option<String>,
    /// `eMEFields` wire names, for example `emailAddress`.
    pub eme_fields: Vec<String>,
    /// `profileFields` wire names, for example `idNo`.
    pub profile_fields: Vec<String>,
    /// Ask for `multipart/form-data` callbacks instead of JSON.
    pub multipart_callback: bool,
}

impl FormFillingRequest {
    /// A request from a desktop browser for `eme_fields` on the form `form_name`.
    pub fn new(
        redirect_uri: impl Into<String>,
        form_name: impl Into<String>,
        eme_fields: &[&str],
    ) -> Self {
        Self {
            business_id: new_business_id(),
            source: crate::login::PC_BROWSER_SOURCE.to_owned(),
            redirect_uri: redirect_uri.into(),
            state: None,
            form_name: form_name.into(),
            form_num: None,
            form_desc: None,
            eme_fields: eme_fields.iter().map(|name| (*name).to_owned()).collect(),
            profile_fields: Vec::new(),
            multipart_callback: false,
        }
    }

    fn body(&self) -> Map<String, Value> {
        let mut body = Map::new();
        body.insert("businessID".into(), self.business_id.clone().into());
        body.insert("source".into(), self.source.clone().into());
        body.insert("redirectURI".into(), self.redirect_uri.clone().into());
        if let Some(state) = &self.state {
            body.insert("state".into(), state.clone().into());
        }
        body.insert("formName".into(), self.form_name.clone().into());
        if let Some(form_num) = &self.form_num {
            body.insert("formNum".into(), form_num.clone().into());
        }
        if let Some(form_desc) = &self.form_desc {
            body.insert("formDesc".into(), form_desc.clone().into());
        }
        body.insert("eMEFields".into(), json!(self.eme_fields));
        body.insert("profileFields".into(), json!(self.profile_fields));
        if self.multipart_callback {
            body.insert("callbackContentType".into(), "multipart/form-data".into());
        }
        body
    }
}

/// A profile request for the logged-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRequest {
    pub business_id: String,
    pub source: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    /// `profileFields` wire names.
    pub profile_fields: Vec<String>,
}

impl ProfileRequest {
    pub fn new(redirect_uri: impl Into<String>, profile_fields: &[&str]) -> Self {
        Self {
            business_id: new_business_id(),
            source: crate::login::PC_BROWSER_SOURCE.to_owned(),
            redirect_uri: redirect_uri.into(),
            state: None,
            profile_fields: profile_fields
                .iter()
                .map(|name| (*name).to_owned())
                .collect(),
        }
    }
}

/// iAM Smart's answer to an authenticated initiateRequest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InitiatedRequest {
    /// `true` when the user logged in by QR code: the request was pushed to their phone. `false`:
    /// open the app with [`InitiatedRequest::app_link`].
    #[serde(rename = "authByQR")]
    pub auth_by_qr: bool,
    #[serde(rename = "ticketID")]
    pub ticket_id: String,
}

impl InitiatedRequest {
    /// The test app's link for this request (`…://eme?ticketID=` or `…://profile?ticketID=`).
    pub fn app_link(&self, profile: bool) -> String {
        format!(
            "hk.gov.iamsmart.testapp://{}?ticketID={}",
            if profile { "profile" } else { "eme" },
            mock_iamsmart::crypto::url_encode(&self.ticket_id)
        )
    }
}

/// Released fields: a callback's or getResult's content, or `/profiles`' answer.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct DataResult {
    pub business_id: Option<String>,
    pub state: Option<String>,
    /// Released `profileFields`, keyed by wire name, in PROTOCOL §3.1 shapes.
    pub profile_fields: Map<String, Value>,
    /// Released `eMEFields`, keyed by wire name, in PROTOCOL §3.1 shapes.
    pub eme_fields: Map<String, Value>,
}

impl DataResult {
    fn from_content(content: Value) -> Result<Self, Error> {
        let Value::Object(mut content) = content else {
            return Err(Error::UnexpectedResponse("the result is not a JSON object"));
        };
        let text = |value: Option<Value>| value.and_then(|value| value.as_str().map(str::to_owned));
        let object = |value: Option<Value>| match value {
            Some(Value::Object(fields)) => fields,
            _ => Map::new(),
        };
        Ok(Self {
            business_id: text(content.remove("businessID")),
            state: text(content.remove("state")),
            profile_fields: object(content.remove("profileFields")),
            eme_fields: object(content.remove("eMEFields")),
        })
    }

    /// A released field by wire name, from either group.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.profile_fields
            .get(name)
            .or_else(|| self.eme_fields.get(name))
    }
}

impl fmt::Debug for DataResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataResult")
            .field(
                "profile_fields",
                &self.profile_fields.keys().collect::<Vec<_>>(),
            )
            .field("eme_fields", &self.eme_fields.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// A callback iAM Smart POSTed to the RP, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackResult {
    /// `<T={ticketID}>`.
    pub tx_id: String,
    /// `D00000`, or the request's ending code (`D60001` rejected, …).
    pub code: String,
    pub message: String,
    /// `businessID` and `state` always; the released fields on success.
    pub result: DataResult,
}

impl CallbackResult {
    pub fn is_success(&self) -> bool {
        self.code == crate::error::SUCCESS_CODE
    }
}

fn with_token(mut body: Map<String, Value>, token: &Token) -> Value {
    body.insert("accessToken".into(), token.access_token.expose().into());
    body.insert("openID".into(), token.open_id.clone().into());
    Value::Object(body)
}

impl Client {
    /// Asks the logged-in user (`token`) to fill `request`'s form from e-ME
    /// (`account/eme/initiateRequest`). The answer arrives later as a callback; see
    /// [`Client::open_callback`].
    pub async fn initiate_form_filling(
        &self,
        token: &Token,
        request: &FormFillingRequest,
    ) -> Result<InitiatedRequest, Error> {
        let body = with_token(request.body(), token);
        self.post_encrypted(EME_REQUEST_PATH, &body).await
    }

    /// Asks the logged-in user for profile fields (`account/profile/initiateRequest`).
    pub async fn initiate_profile_request(
        &self,
        token: &Token,
        request: &ProfileRequest,
    ) -> Result<InitiatedRequest, Error> {
        let mut body = Map::new();
        body.insert("businessID".into(), request.business_id.clone().into());
        body.insert("source".into(), request.source.clone().into());
        body.insert("redirectURI".into(), request.redirect_uri.clone().into());
        if let Some(state) = &request.state {
            body.insert("state".into(), state.clone().into());
        }
        body.insert("profileFields".into(), json!(request.profile_fields));
        self.post_encrypted(PROFILE_REQUEST_PATH, &with_token(body, token))
            .await
    }

    /// The logged-in user's fields at once (`POST /api/v1/profiles`); either list may be empty.
    pub async fn profiles(
        &self,
        token: &Token,
        profile_fields: &[&str],
        eme_fields: &[&str],
    ) -> Result<DataResult, Error> {
        let mut body = Map::new();
        body.insert("profileFields".into(), json!(profile_fields));
        body.insert("eMEFields".into(), json!(eme_fields));
        let content: Value = self
            .post_encrypted(PROFILES_PATH, &with_token(body, token))
            .await?;
        DataResult::from_content(content)
    }

    /// Starts anonymous form filling (`anonymous/eme/initiateRequest`): no login needed. Send the
    /// browser to [`Client::anonymous_form_filling_url`] with the returned ticket ID.
    pub async fn initiate_anonymous_form_filling(
        &self,
        request: &FormFillingRequest,
    ) -> Result<String, Error> {
        #[derive(Deserialize)]
        struct Started {
            #[serde(rename = "ticketID")]
            ticket_id: String,
        }
        let started: Started = self
            .post_encrypted(ANONYMOUS_EME_REQUEST_PATH, &Value::Object(request.body()))
            .await?;
        Ok(started.ticket_id)
    }

    /// The getQR URL that shows an anonymous request's ticket to the user; the browser comes back
    /// with `code`, `businessID` and `state`.
    pub fn anonymous_form_filling_url(&self, login: &LoginRequest, ticket_id: &str) -> String {
        let mut login = login.clone();
        login.ticket_id = Some(ticket_id.to_owned());
        get_qr_url(
            &self.config().browser_base_url,
            &self.config().client_id,
            &login,
        )
    }

    /// The fields the user released in an anonymous request, once the code from the redirect has
    /// been exchanged for `token` (`anonymous/eme/getResult`).
    pub async fn anonymous_form_filling_result(
        &self,
        business_id: &str,
        token: &Token,
    ) -> Result<DataResult, Error> {
        let mut body = Map::new();
        body.insert("businessID".into(), business_id.into());
        let content: Value = self
            .post_encrypted(ANONYMOUS_EME_RESULT_PATH, &with_token(body, token))
            .await?;
        DataResult::from_content(content)
    }

    /// Opens a callback body exactly as received (`content_type` is its `Content-Type` header):
    /// the CEK comes from the callback's own `secretKey`, unwrapped with this RP's private key, so
    /// no current CEK is needed.
    pub fn open_callback(&self, body: &[u8], content_type: &str) -> Result<CallbackResult, Error> {
        let opened = protocol::open_callback(self.private_key(), body, content_type)?;
        Ok(CallbackResult {
            tx_id: opened.tx_id,
            code: opened.code,
            message: opened.message,
            result: DataResult::from_content(opened.content)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_ids_are_fresh_and_fit_the_protocol_limit() {
        let id = new_business_id();
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(id, new_business_id());
    }

    #[test]
    fn a_form_filling_body_names_every_field_as_the_protocol_spells_it() {
        let mut request = FormFillingRequest::new("https://rp/cb", "Form", &["emailAddress"]);
        request.business_id = "b".into();
        request.form_num = Some("F-1".into());
        request.multipart_callback = true;
        let body = Value::Object(request.body());
        assert_eq!(
            body,
            json!({
                "businessID": "b", "source": "PC_Browser", "redirectURI": "https://rp/cb",
                "formName": "Form", "formNum": "F-1", "eMEFields": ["emailAddress"],
                "profileFields": [], "callbackContentType": "multipart/form-data",
            })
        );
    }

    #[test]
    fn results_show_field_names_but_never_values_in_debug_output() {
        let result = DataResult::from_content(json!({
            "businessID": "b", "eMEFields": {"emailAddress": "chan@example.com"}
        }))
        .expect("reads");
        assert_eq!(result.business_id.as_deref(), Some("b"));
        assert_eq!(
            result.field("emailAddress"),
            Some(&json!("chan@example.com"))
        );
        let shown = format!("{result:?}");
        assert!(shown.contains("emailAddress"));
        assert!(!shown.contains("chan@example.com"));
        assert!(DataResult::from_content(json!([1])).is_err());
    }
}
