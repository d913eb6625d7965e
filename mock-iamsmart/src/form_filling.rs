//! Profile and e-ME form-filling APIs (PROTOCOL §3, §11.8): the authenticated requests that become a
//! ticket for the logged-in user to answer on the phone, the synchronous `POST /api/v1/profiles`,
//! and anonymous form filling (`anonymous/eme/initiateRequest` → getQR with `ticketID` → code →
//! getToken → `anonymous/eme/getResult`).
//!
//! Every body is `{"content": …}` encrypted with the current CEK (`D30002` without one, `D30004` if it
//! does not decrypt). The decrypted fields are checked in this order, and the first failure answers:
//! 1. `businessID` present (`D20001`), non-empty (`D20002`), at most 36 printable characters (`D20003`);
//! 2. for authenticated APIs, `accessToken` unknown, expired or another client's → `D20009`;
//!    `openID` not the token's user → `D20010`; that user suspended since → `D10001`;
//! 3. `source` not in §7 → `D20007`; `redirectURI` (mandatory except for anonymous requests) not on
//!    the allow-list → `D20008`; `state` longer than 36 or not `[A-Za-z0-9_-]` → `D20003`;
//! 4. e-ME requests: `formName` mandatory and ≤ 255 characters, `formNum` ≤ 20, `formDesc` ≤ 255
//!    (`D20003` when longer);
//! 5. field lists: not an array of known field names → `D20003 invalid parameter eMEFields` (or
//!    `profileFields`); both lists absent → `D20001`; nothing requested → `D20002`;
//! 6. scopes: `eidapi_formFilling` for e-ME fields, `eidapi_profiles` for profile fields (in an e-ME
//!    request, for the profile fields it adds), granted to the client and to the access token →
//!    else `D20015`;
//! 7. `callbackContentType` other than `application/json` / `multipart/form-data` → `D20003`;
//! 8. a `businessID` this client already used (kept for 30 days) → `D20011`.
//!
//! Results are `{"businessID","state","profileFields":{…},"eMEFields":{…}}` with each released field
//! in its §3.1 shape (profile requests carry only `profileFields`; `/profiles` carries only the two
//! field objects). This module never logs tokens, openIDs, business IDs or field values.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::api::Answer;
use crate::cek;
use crate::codes::{DCode, ProtocolError};
use crate::config::SandboxConfig;
use crate::consent;
use crate::crypto::CEK_LENGTH;
use crate::host::{Host, LogLevel};
use crate::identity::profile::{EmeField, ProfileField};
use crate::login::{self, Lang, NewTicket, SOURCES, TicketState};
use crate::persona::{self, PersonaStatus};
use crate::request::{
    CallbackContentType, DataRequest, FormInfo, MAX_BUSINESS_ID_LENGTH, MAX_FORM_DESC_LENGTH,
    MAX_FORM_NAME_LENGTH, MAX_FORM_NUM_LENGTH, TicketKind, TicketRequest,
};
use crate::scope::Scope;
use crate::store;
use crate::token::{self, AccessTokenRecord};

pub const EME_REQUEST_PATH: &str = "/api/v1/account/eme/initiateRequest";
/// The path one Java client uses for the same API (PROTOCOL §3).
pub const EME_REQUEST_ALIAS_PATH: &str = "/api/v1/account/auth/eme/initiateRequest";
pub const PROFILE_REQUEST_PATH: &str = "/api/v1/account/profile/initiateRequest";
pub const PROFILE_REQUEST_ALIAS_PATH: &str = "/api/v1/account/auth/profile/initiateRequest";
pub const PROFILES_PATH: &str = "/api/v1/profiles";
pub const ANONYMOUS_EME_REQUEST_PATH: &str = "/api/v1/anonymous/eme/initiateRequest";
pub const ANONYMOUS_EME_RESULT_PATH: &str = "/api/v1/anonymous/eme/getResult";

/// How long a used `businessID` is remembered, on the sandbox clock. The protocol says only "unique
/// per client"; a month covers any flow's retries while keeping the store bounded.
const BUSINESS_ID_MEMORY_MS: i64 = 30 * 24 * 60 * 60_000;

pub(crate) type Fields = Map<String, Value>;

/// What `business/{businessID}` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct BusinessRecord {
    ticket_id: String,
}

pub(crate) fn decrypt(
    host: &mut dyn Host,
    body: &[u8],
) -> Result<([u8; CEK_LENGTH], Fields), ProtocolError> {
    let cek = cek::current_cek(host)?;
    let fields = token::decrypt_request_body(&cek, body)?;
    Ok((cek, fields))
}

pub(crate) fn required_string(fields: &Fields, name: &str) -> Result<String, ProtocolError> {
    match fields.get(name) {
        None | Some(Value::Null) => Err(ProtocolError::missing(name)),
        Some(Value::String(text)) if text.is_empty() => Err(ProtocolError::empty(name)),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(ProtocolError::invalid(name)),
    }
}

/// An optional string; an empty one counts as absent.
fn optional_string(fields: &Fields, name: &str) -> Result<Option<String>, ProtocolError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.is_empty() => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(ProtocolError::invalid(name)),
    }
}

pub(crate) fn business_id(fields: &Fields) -> Result<String, ProtocolError> {
    let business_id = required_string(fields, "businessID")?;
    let well_formed = business_id.len() <= MAX_BUSINESS_ID_LENGTH
        && business_id.bytes().all(|b| b.is_ascii_graphic());
    if well_formed {
        Ok(business_id)
    } else {
        Err(ProtocolError::invalid("businessID"))
    }
}

/// The access token and openID of an authenticated request, and the user they name.
pub(crate) fn authenticate(
    host: &mut dyn Host,
    config: &SandboxConfig,
    fields: &Fields,
) -> Result<AccessTokenRecord, ProtocolError> {
    let access_token = required_string(fields, "accessToken")?;
    let open_id = required_string(fields, "openID")?;
    let record = token::find_access_token(host, config, &access_token)?;
    if !persona::open_id_matches(config, &record.persona_id, &open_id) {
        return Err(ProtocolError::new(DCode::OpenIdNotFound));
    }
    match persona::find_persona(config, &record.persona_id) {
        None => Err(ProtocolError::new(DCode::OpenIdNotFound)),
        Some(persona) if persona.status == PersonaStatus::Suspended => {
            Err(ProtocolError::new(DCode::AccountSuspended))
        }
        Some(_) => Ok(record),
    }
}

pub(crate) fn source(fields: &Fields) -> Result<String, ProtocolError> {
    let source = required_string(fields, "source")?;
    if SOURCES.contains(&source.as_str()) {
        Ok(source)
    } else {
        Err(ProtocolError::new(DCode::UnsupportedSource))
    }
}

pub(crate) fn redirect_uri(
    config: &SandboxConfig,
    fields: &Fields,
    mandatory: bool,
) -> Result<Option<String>, ProtocolError> {
    let redirect_uri = if mandatory {
        Some(required_string(fields, "redirectURI")?)
    } else {
        optional_string(fields, "redirectURI")?
    };
    match redirect_uri {
        Some(uri) if !config.redirect_uris.contains(&uri) => {
            Err(ProtocolError::new(DCode::InvalidServiceUrl))
        }
        other => Ok(other),
    }
}

pub(crate) fn state(fields: &Fields) -> Result<Option<String>, ProtocolError> {
    login::parse_state(&optional_string(fields, "state")?)
}

fn limited(fields: &Fields, name: &str, limit: usize) -> Result<Option<String>, ProtocolError> {
    match optional_string(fields, name)? {
        Some(text) if text.chars().count() > limit => Err(ProtocolError::invalid(name)),
        other => Ok(other),
    }
}

fn form_info(fields: &Fields) -> Result<FormInfo, ProtocolError> {
    let form_name = required_string(fields, "formName")?;
    if form_name.chars().count() > MAX_FORM_NAME_LENGTH {
        return Err(ProtocolError::invalid("formName"));
    }
    Ok(FormInfo {
        form_name,
        form_num: limited(fields, "formNum", MAX_FORM_NUM_LENGTH)?,
        form_desc: limited(fields, "formDesc", MAX_FORM_DESC_LENGTH)?,
    })
}

/// A list of field names, each known to `is_known`, without repeats; `None` when absent.
fn field_list(
    fields: &Fields,
    name: &str,
    is_known: fn(&str) -> bool,
) -> Result<Option<Vec<String>>, ProtocolError> {
    let items = match fields.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ProtocolError::invalid(name)),
    };
    let mut names: Vec<String> = Vec::new();
    for item in items {
        match item.as_str() {
            Some(field) if is_known(field) => {
                if !names.iter().any(|seen| seen == field) {
                    names.push(field.to_owned());
                }
            }
            _ => return Err(ProtocolError::invalid(name)),
        }
    }
    Ok(Some(names))
}

fn is_profile_field(name: &str) -> bool {
    ProfileField::from_name(name).is_some()
}

fn is_eme_field(name: &str) -> bool {
    EmeField::from_name(name).is_some()
}

/// `eMEFields` and `profileFields` of a request that may carry both.
fn both_field_lists(fields: &Fields) -> Result<(Vec<String>, Vec<String>), ProtocolError> {
    let eme = field_list(fields, "eMEFields", is_eme_field)?;
    let profile = field_list(fields, "profileFields", is_profile_field)?;
    if eme.is_none() && profile.is_none() {
        return Err(ProtocolError::missing("eMEFields"));
    }
    let (eme, profile) = (eme.unwrap_or_default(), profile.unwrap_or_default());
    if eme.is_empty() && profile.is_empty() {
        return Err(ProtocolError::empty("eMEFields"));
    }
    Ok((profile, eme))
}

/// The scopes needed to ask for these fields.
fn scopes_for(profile: &[String], eme: &[String]) -> Vec<Scope> {
    let mut scopes = Vec::new();
    if !eme.is_empty() {
        scopes.push(Scope::FormFilling);
    }
    if !profile.is_empty() {
        scopes.push(Scope::Profiles);
    }
    scopes
}

/// Each scope must be granted to the client and, for authenticated requests, to the access token.
pub(crate) fn check_scopes(
    config: &SandboxConfig,
    token_scope: Option<&[String]>,
    needed: &[Scope],
) -> Result<(), ProtocolError> {
    for scope in needed {
        let on_token =
            token_scope.is_none_or(|granted| granted.iter().any(|name| name == scope.as_str()));
        if !config.is_granted(*scope) || !on_token {
            return Err(ProtocolError::with_message(
                DCode::ScopeMismatch,
                format!("scope mismatch: {} not granted", scope.as_str()),
            ));
        }
    }
    Ok(())
}

fn callback_content_type(fields: &Fields) -> Result<CallbackContentType, ProtocolError> {
    match optional_string(fields, "callbackContentType")? {
        None => Ok(CallbackContentType::Json),
        Some(name) => CallbackContentType::from_name(&name)
            .ok_or_else(|| ProtocolError::invalid("callbackContentType")),
    }
}

/// The display language the request asks for, if any (not a documented field; ignored when unknown).
pub(crate) fn lang(fields: &Fields) -> Lang {
    fields
        .get("lang")
        .and_then(Value::as_str)
        .and_then(Lang::from_name)
        .unwrap_or_default()
}

/// The ticket a `businessID` of this client started, if any.
pub(crate) fn ticket_of_business(
    host: &mut dyn Host,
    business_id: &str,
) -> Result<Option<String>, ProtocolError> {
    Ok(
        store::get::<BusinessRecord>(host, &store::business_key(business_id))?
            .map(|business| business.ticket_id),
    )
}

pub(crate) fn ensure_new_business_id(
    host: &mut dyn Host,
    business_id: &str,
) -> Result<(), ProtocolError> {
    if store::exists(host, &store::business_key(business_id)) {
        return Err(ProtocolError::new(DCode::DuplicatedBusinessId));
    }
    Ok(())
}

pub(crate) fn remember_business_id(
    host: &mut dyn Host,
    business_id: &str,
    ticket_id: &str,
) -> Result<(), ProtocolError> {
    let keep_until = host.sandbox_now_ms().saturating_add(BUSINESS_ID_MEMORY_MS);
    store::put(
        host,
        &store::business_key(business_id),
        &BusinessRecord {
            ticket_id: ticket_id.to_owned(),
        },
        Some(keep_until),
    )
}

/// Lets the sandbox's auto-responder answer a fresh authenticated request; the callbacks it produces
/// travel with the API response.
pub(crate) fn auto_answer(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
) -> Vec<crate::callback::Callback> {
    let Some(persona_id) = &config.auto_responder else {
        return Vec::new();
    };
    match login::auto_respond(host, config, ticket_id, persona_id) {
        Ok(status) => status.map(|status| status.callbacks).unwrap_or_default(),
        Err(error) => {
            host.log(
                LogLevel::Warn,
                &format!(
                    "auto-responder could not answer a data request: {}",
                    error.code
                ),
            );
            Vec::new()
        }
    }
}

/// An authenticated profile or e-ME request becomes a ticket for the logged-in user.
struct Authenticated {
    kind: TicketKind,
    business_id: String,
    token: AccessTokenRecord,
    source: String,
    redirect_uri: String,
    state: Option<String>,
    form: Option<FormInfo>,
    profile_fields: Vec<String>,
    eme_fields: Vec<String>,
    callback_content_type: CallbackContentType,
    lang: Lang,
}

fn start_authenticated(
    host: &mut dyn Host,
    config: &SandboxConfig,
    cek: &[u8; CEK_LENGTH],
    request: Authenticated,
) -> Result<Answer, ProtocolError> {
    ensure_new_business_id(host, &request.business_id)?;
    let data = DataRequest {
        business_id: request.business_id.clone(),
        persona_id: Some(request.token.persona_id.clone()),
        profile_fields: request.profile_fields,
        eme_fields: request.eme_fields,
        form: request.form,
        callback_content_type: request.callback_content_type,
    };
    let scope = scopes_for(&data.profile_fields, &data.eme_fields)
        .iter()
        .map(|scope| scope.as_str().to_owned())
        .collect();
    let ticket_request = match request.kind {
        TicketKind::Profile => TicketRequest::Profile(data),
        _ => TicketRequest::FormFilling(data),
    };
    // On a desktop browser the user logged in by scanning a QR code, so the request is pushed to
    // their phone (`authByQR: true`); on a mobile browser the RP opens the app by its link instead.
    let auth_by_qr = request.source == "PC_Browser";
    let status = login::create_ticket(
        host,
        config,
        NewTicket {
            request: ticket_request,
            redirect_uri: Some(request.redirect_uri),
            state: request.state,
            source: Some(request.source),
            scope,
            lang: request.lang,
        },
    )?;
    remember_business_id(host, &request.business_id, &status.ticket_id)?;
    let content = json!({"authByQR": auth_by_qr, "ticketID": status.ticket_id});
    let callbacks = auto_answer(host, config, &status.ticket_id);
    Ok(Answer {
        content: Some(token::encrypt_response_content(host, cek, &content)?),
        callbacks,
        ..Answer::default()
    })
}

/// `account/eme/initiateRequest` (and its alias).
pub(crate) fn eme_request(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Answer, ProtocolError> {
    let (cek, fields) = decrypt(host, body)?;
    let business_id = business_id(&fields)?;
    let token = authenticate(host, config, &fields)?;
    let source = source(&fields)?;
    let redirect_uri = redirect_uri(config, &fields, true)?.unwrap_or_default();
    let state = state(&fields)?;
    let form = form_info(&fields)?;
    let (profile_fields, eme_fields) = both_field_lists(&fields)?;
    let mut needed = vec![Scope::FormFilling];
    if !profile_fields.is_empty() {
        needed.push(Scope::Profiles);
    }
    check_scopes(config, Some(&token.scope), &needed)?;
    let callback_content_type = callback_content_type(&fields)?;
    let request = Authenticated {
        kind: TicketKind::FormFilling,
        business_id,
        token,
        source,
        redirect_uri,
        state,
        form: Some(form),
        profile_fields,
        eme_fields,
        callback_content_type,
        lang: lang(&fields),
    };
    start_authenticated(host, config, &cek, request)
}

/// `account/profile/initiateRequest` (and its alias): `profileFields` only.
pub(crate) fn profile_request(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Answer, ProtocolError> {
    let (cek, fields) = decrypt(host, body)?;
    let business_id = business_id(&fields)?;
    let token = authenticate(host, config, &fields)?;
    let source = source(&fields)?;
    let redirect_uri = redirect_uri(config, &fields, true)?.unwrap_or_default();
    let state = state(&fields)?;
    let profile_fields = field_list(&fields, "profileFields", is_profile_field)?
        .ok_or_else(|| ProtocolError::missing("profileFields"))?;
    if profile_fields.is_empty() {
        return Err(ProtocolError::empty("profileFields"));
    }
    check_scopes(config, Some(&token.scope), &[Scope::Profiles])?;
    let callback_content_type = callback_content_type(&fields)?;
    let request = Authenticated {
        kind: TicketKind::Profile,
        business_id,
        token,
        source,
        redirect_uri,
        state,
        form: None,
        profile_fields,
        eme_fields: Vec::new(),
        callback_content_type,
        lang: lang(&fields),
    };
    start_authenticated(host, config, &cek, request)
}

/// The released fields as `{"profileFields": {...}, "eMEFields": {...}}`.
fn field_values(
    host: &dyn Host,
    config: &SandboxConfig,
    persona_id: &str,
    released: &[String],
) -> Result<Fields, ProtocolError> {
    let (profile, eme) =
        consent::released_values(config, persona_id, login::sandbox_today(host), released)?;
    let mut values = Fields::new();
    values.insert("profileFields".into(), profile.into());
    values.insert("eMEFields".into(), eme.into());
    Ok(values)
}

/// `POST /api/v1/profiles`: the requested fields at once, without asking the user (either list may
/// be `[]`, PROTOCOL §11.8, but not both).
pub(crate) fn profiles(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Value, ProtocolError> {
    let (cek, fields) = decrypt(host, body)?;
    let token = authenticate(host, config, &fields)?;
    let profile_fields =
        field_list(&fields, "profileFields", is_profile_field)?.unwrap_or_default();
    let eme_fields = field_list(&fields, "eMEFields", is_eme_field)?.unwrap_or_default();
    if profile_fields.is_empty() && eme_fields.is_empty() {
        return Err(ProtocolError::empty("profileFields"));
    }
    check_scopes(
        config,
        Some(&token.scope),
        &scopes_for(&profile_fields, &eme_fields),
    )?;
    let requested: Vec<String> = profile_fields.into_iter().chain(eme_fields).collect();
    let values = field_values(host, config, &token.persona_id, &requested)?;
    token::encrypt_response_content(host, &cek, &values)
}

/// `anonymous/eme/initiateRequest`: a ticket any persona may answer once a browser shows it through
/// `getQR?…&ticketID=`.
pub(crate) fn anonymous_eme_request(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Value, ProtocolError> {
    let (cek, fields) = decrypt(host, body)?;
    let business_id = business_id(&fields)?;
    let source = source(&fields)?;
    // The browser's getQR names the redirect URI the code goes to; one given here must still be
    // registered.
    redirect_uri(config, &fields, false)?;
    let state = state(&fields)?;
    let form = form_info(&fields)?;
    let (profile_fields, eme_fields) = both_field_lists(&fields)?;
    let mut needed = vec![Scope::FormFilling];
    if !profile_fields.is_empty() {
        needed.push(Scope::Profiles);
    }
    check_scopes(config, None, &needed)?;
    let callback_content_type = callback_content_type(&fields)?;
    ensure_new_business_id(host, &business_id)?;
    let status = login::create_ticket(
        host,
        config,
        NewTicket {
            request: TicketRequest::AnonymousFormFilling(DataRequest {
                business_id: business_id.clone(),
                persona_id: None,
                profile_fields,
                eme_fields,
                form: Some(form),
                callback_content_type,
            }),
            redirect_uri: None,
            state,
            source: Some(source),
            scope: needed
                .iter()
                .map(|scope| scope.as_str().to_owned())
                .collect(),
            lang: lang(&fields),
        },
    )?;
    remember_business_id(host, &business_id, &status.ticket_id)?;
    token::encrypt_response_content(host, &cek, &json!({"ticketID": status.ticket_id}))
}

/// `anonymous/eme/getResult`: the fields the user released, for the token the approval's code was
/// exchanged for. A `businessID` that is unknown, not anonymous, or approved by another user is
/// `D20003`; one still pending is `D20003` too; one that ended without approval answers its ending
/// code (`D60000`–`D60003`).
pub(crate) fn anonymous_eme_result(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Value, ProtocolError> {
    let (cek, fields) = decrypt(host, body)?;
    let business_id = business_id(&fields)?;
    let token = authenticate(host, config, &fields)?;
    let unknown = || ProtocolError::invalid("businessID");
    let business: BusinessRecord =
        store::get(host, &store::business_key(&business_id))?.ok_or_else(unknown)?;
    let kind = login::ticket_kind(host, &business.ticket_id).map_err(|_| unknown())?;
    if kind != TicketKind::AnonymousFormFilling {
        return Err(unknown());
    }
    let approved = login::approved_data(host, &business.ticket_id)?;
    let ending = match approved.state {
        TicketState::Approved => None,
        TicketState::Pending => {
            return Err(ProtocolError::with_message(
                DCode::InvalidParameter,
                "invalid parameter businessID: the request has not been answered",
            ));
        }
        TicketState::Rejected => Some(crate::request::Ending::Rejected),
        TicketState::Cancelled => Some(crate::request::Ending::Cancelled),
        TicketState::Failed => Some(crate::request::Ending::Failed),
        TicketState::TimedOut => Some(crate::request::Ending::TimedOut),
    };
    if let Some(ending) = ending {
        return Err(ProtocolError::new(kind.ending_code(ending)));
    }
    if approved.persona_id != token.persona_id {
        return Err(unknown());
    }
    let mut content = approved.identifiers;
    content.extend(field_values(
        host,
        config,
        &approved.persona_id,
        &approved.released,
    )?);
    token::encrypt_response_content(host, &cek, &content)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{Call, Outcome, handle};
    use crate::callback::Callback;
    use crate::client;
    use crate::crypto::tests::rp_private_key;
    use crate::envelope::ResponseEnvelope;
    use crate::persona::{IAMSMART_PLUS_USER, IAMSMART_USER, SUSPENDED_USER};
    use crate::testkit::{REDIRECT_URI, Rp};
    use crate::token::TokenContent;

    const ALL_SCOPES: &str = "eidapi_auth eidapi_profiles eidapi_formFilling";

    fn eme_body(token: &TokenContent, business_id: &str) -> Value {
        json!({
            "businessID": business_id,
            "accessToken": token.access_token,
            "openID": token.open_id,
            "source": "PC_Browser",
            "redirectURI": REDIRECT_URI,
            "state": "form-state",
            "formName": "Open an account",
            "formNum": "DB-001",
            "formDesc": "Demo Bank account opening",
            "eMEFields": ["emailAddress", "mobileNumber", "prefix", "educationLevel"],
            "profileFields": ["enName", "idNo"],
        })
    }

    fn profile_body(token: &TokenContent, business_id: &str) -> Value {
        json!({
            "businessID": business_id,
            "accessToken": token.access_token,
            "openID": token.open_id,
            "source": "iOS_Safari",
            "redirectURI": REDIRECT_URI,
            "profileFields": ["idNo", "birthDate"],
        })
    }

    fn post(rp: &mut Rp, path: &str, body: &Value) -> ResponseEnvelope {
        rp.post_encrypted(path, body)
    }

    fn post_decrypted(rp: &mut Rp, path: &str, body: &Value) -> Value {
        let envelope = post(rp, path, body);
        rp.decrypted(&envelope)
    }

    fn code(rp: &mut Rp, path: &str, body: &Value) -> String {
        post(rp, path, body).code
    }

    /// Starts an e-ME request and returns its ticket ID.
    fn start(rp: &mut Rp, path: &str, body: &Value) -> String {
        let envelope = post(rp, path, body);
        let content = rp.decrypted(&envelope);
        content["ticketID"].as_str().expect("ticketID").to_owned()
    }

    fn call(rp: &mut Rp, call: Call) -> Outcome {
        handle(&mut rp.host, &rp.config, call)
    }

    fn settled(outcome: Outcome) -> crate::login::TicketStatus {
        match outcome {
            Outcome::Ticket(status) => status,
            other => panic!("expected a ticket, got {other:?}"),
        }
    }

    fn open(callback: &Callback) -> client::OpenedCallback {
        let content_type = callback.header("Content-Type").expect("content type");
        client::open_callback(rp_private_key(), &callback.body, content_type).expect("opens")
    }

    #[test]
    fn an_authenticated_form_filling_request_answers_auth_by_qr_and_a_pending_ticket() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        let envelope = post(&mut rp, EME_REQUEST_PATH, &eme_body(&token, "b-1"));
        let content = rp.decrypted(&envelope);
        assert_eq!(content["authByQR"], true);
        let ticket_id = content["ticketID"].as_str().expect("ticket").to_owned();
        let Outcome::Tickets(pending) = call(&mut rp, Call::PendingTickets) else {
            panic!("expected the pending list");
        };
        let listed = pending
            .iter()
            .find(|ticket| ticket.ticket_id == ticket_id)
            .expect("listed for the phone");
        assert_eq!(listed.kind, TicketKind::FormFilling);
        assert_eq!(listed.persona_id.as_deref(), Some(IAMSMART_USER));
        assert_eq!(listed.business_id.as_deref(), Some("b-1"));
        assert_eq!(listed.state, TicketState::Pending);
        // A mobile browser's RP opens the app instead.
        let mut body = eme_body(&token, "b-2");
        body["source"] = "Android_Chrome".into();
        let content = post_decrypted(&mut rp, EME_REQUEST_ALIAS_PATH, &body);
        assert_eq!(content["authByQR"], false);
    }

    #[test]
    fn the_phone_sees_each_requested_field_with_the_persona_value_and_the_form() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        let ticket_id = start(&mut rp, EME_REQUEST_PATH, &eme_body(&token, "b-1"));
        let Outcome::TicketDetails(details) = call(
            &mut rp,
            Call::TicketDetails {
                ticket_id,
                persona_id: None,
            },
        ) else {
            panic!("expected details");
        };
        assert_eq!(details.persona_id.as_deref(), Some(IAMSMART_USER));
        let form = details.form.expect("form");
        assert_eq!(form.form_name, "Open an account");
        assert_eq!(form.form_num.as_deref(), Some("DB-001"));
        let names: Vec<(&str, bool)> = details
            .fields
            .iter()
            .map(|field| (field.name.as_str(), field.optional))
            .collect();
        assert_eq!(
            names,
            [
                ("enName", false),
                ("idNo", false),
                ("emailAddress", false),
                ("mobileNumber", false),
                ("prefix", true),
                ("educationLevel", true)
            ]
        );
        let profile =
            persona::profile_on(&rp.config, IAMSMART_USER, login::sandbox_today(&rp.host))
                .expect("profile");
        let id_no = details.fields[1].value.clone().expect("idNo value");
        assert_eq!(Some(id_no), serde_json::to_value(&profile.id_no).ok());
    }

    #[test]
    fn approving_with_unticked_optional_fields_posts_a_callback_with_only_the_chosen_ones() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        let ticket_id = start(&mut rp, EME_REQUEST_PATH, &eme_body(&token, "b-1"));
        let fields: Vec<String> = ["enName", "idNo", "emailAddress", "mobileNumber", "prefix"]
            .map(String::from)
            .to_vec();
        let status = settled(call(
            &mut rp,
            Call::ApproveTicketWithFields {
                ticket_id: ticket_id.clone(),
                persona_id: IAMSMART_USER.into(),
                fields,
            },
        ));
        assert_eq!(status.state, TicketState::Approved);
        assert_eq!(
            status.redirect_url.as_deref(),
            Some("https://rp.example/callback?businessID=b-1&state=form-state")
        );
        let [callback] = status.callbacks.as_slice() else {
            panic!("one callback expected");
        };
        assert_eq!(callback.url, REDIRECT_URI);
        let opened = open(callback);
        assert_eq!(opened.tx_id, format!("<T={ticket_id}>"));
        assert_eq!(
            (opened.code.as_str(), opened.message.as_str()),
            ("D00000", "SUCCESS")
        );
        assert_eq!(opened.content["businessID"], "b-1");
        assert_eq!(opened.content["state"], "form-state");
        let profile =
            persona::profile_on(&rp.config, IAMSMART_USER, login::sandbox_today(&rp.host))
                .expect("profile");
        assert_eq!(
            opened.content["profileFields"],
            serde_json::to_value(profile.select(&[ProfileField::EnName, ProfileField::IdNo], &[]))
                .expect("json")
        );
        let eme = opened.content["eMEFields"].as_object().expect("eMEFields");
        let mut released: Vec<&str> = eme.keys().map(String::as_str).collect();
        released.sort_unstable();
        let mut expected: Vec<&str> = ["emailAddress", "mobileNumber", "prefix"]
            .into_iter()
            .filter(|name| EmeField::from_name(name).is_some_and(|field| profile.has(field)))
            .collect();
        expected.sort_unstable();
        assert_eq!(released, expected);
        // A later poll does not hand the callback out again.
        let polled = settled(call(&mut rp, Call::TicketStatus { ticket_id }));
        assert!(polled.callbacks.is_empty());
    }

    #[test]
    fn the_user_cannot_untick_a_mandatory_field_and_another_persona_cannot_answer() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        let ticket_id = start(&mut rp, EME_REQUEST_PATH, &eme_body(&token, "b-1"));
        let Outcome::Error { code, message } = call(
            &mut rp,
            Call::ApproveTicketWithFields {
                ticket_id: ticket_id.clone(),
                persona_id: IAMSMART_USER.into(),
                fields: vec!["enName".into(), "idNo".into(), "emailAddress".into()],
            },
        ) else {
            panic!("expected an error");
        };
        assert_eq!(code, DCode::InvalidParameter);
        assert!(message.contains("mobileNumber is mandatory"), "{message}");
        let Outcome::Error { code, .. } = call(
            &mut rp,
            Call::ApproveTicket {
                ticket_id: ticket_id.clone(),
                persona_id: IAMSMART_PLUS_USER.into(),
            },
        ) else {
            panic!("expected an error");
        };
        assert_eq!(code, DCode::InvalidParameter);
        // The ticket is still pending; the right user approves everything.
        let status = settled(call(
            &mut rp,
            Call::ApproveTicket {
                ticket_id,
                persona_id: IAMSMART_USER.into(),
            },
        ));
        assert_eq!(status.state, TicketState::Approved);
        assert_eq!(status.callbacks.len(), 1);
    }

    #[test]
    fn rejecting_cancelling_failing_and_timing_out_call_back_with_d6000x() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        type Answer = fn(String) -> Call;
        let cases: [(&str, Answer, &str); 4] = [
            (
                "c-0",
                |ticket_id| Call::CancelTicket { ticket_id },
                "D60000",
            ),
            (
                "c-1",
                |ticket_id| Call::RejectTicket { ticket_id },
                "D60001",
            ),
            ("c-2", |ticket_id| Call::FailTicket { ticket_id }, "D60002"),
            (
                "c-3",
                |ticket_id| Call::ExpireTicket { ticket_id },
                "D60003",
            ),
        ];
        for (business_id, answer, expected) in cases {
            let ticket_id = start(&mut rp, EME_REQUEST_PATH, &eme_body(&token, business_id));
            let status = settled(call(&mut rp, answer(ticket_id)));
            assert_eq!(
                status.redirect_url,
                Some(format!(
                    "{REDIRECT_URI}?error_code={expected}&businessID={business_id}&state=form-state"
                ))
            );
            let opened = open(&status.callbacks[0]);
            assert_eq!(opened.code, expected);
            assert_eq!(
                opened.content,
                json!({"businessID": business_id, "state": "form-state"})
            );
        }
    }

    #[test]
    fn a_profile_request_calls_back_with_profile_fields_or_d5000x() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_PLUS_USER, "eidapi_auth eidapi_profiles");
        let ticket_id = start(&mut rp, PROFILE_REQUEST_PATH, &profile_body(&token, "p-1"));
        let status = settled(call(
            &mut rp,
            Call::ApproveTicket {
                ticket_id,
                persona_id: IAMSMART_PLUS_USER.into(),
            },
        ));
        assert_eq!(status.kind, TicketKind::Profile);
        let opened = open(&status.callbacks[0]);
        assert_eq!(opened.code, "D00000");
        let content = opened.content.as_object().expect("object");
        let keys: Vec<&str> = content.keys().map(String::as_str).collect();
        assert_eq!(keys, ["businessID", "profileFields"]);
        let profile = &opened.content["profileFields"];
        assert!(profile["idNo"]["Identification"].is_string());
        assert!(
            profile["birthDate"]
                .as_str()
                .is_some_and(|date| date.len() == 8)
        );
        type Answer = fn(String) -> Call;
        let cases: [(&str, Answer, &str); 4] = [
            (
                "p-2",
                |ticket_id| Call::RejectTicket { ticket_id },
                "D50001",
            ),
            (
                "p-3",
                |ticket_id| Call::CancelTicket { ticket_id },
                "D50001",
            ),
            ("p-4", |ticket_id| Call::FailTicket { ticket_id }, "D50002"),
            (
                "p-5",
                |ticket_id| Call::ExpireTicket { ticket_id },
                "D50003",
            ),
        ];
        for (business_id, answer, expected) in cases {
            let ticket_id = start(
                &mut rp,
                PROFILE_REQUEST_ALIAS_PATH,
                &profile_body(&token, business_id),
            );
            let status = settled(call(&mut rp, answer(ticket_id)));
            assert_eq!(open(&status.callbacks[0]).code, expected);
        }
    }

    #[test]
    fn a_reused_business_id_is_d20011_across_every_data_request() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        start(&mut rp, EME_REQUEST_PATH, &eme_body(&token, "same"));
        assert_eq!(
            code(&mut rp, EME_REQUEST_ALIAS_PATH, &eme_body(&token, "same")),
            "D20011"
        );
        assert_eq!(
            code(&mut rp, PROFILE_REQUEST_PATH, &profile_body(&token, "same")),
            "D20011"
        );
        let mut anonymous = eme_body(&token, "same");
        anonymous
            .as_object_mut()
            .map(|body| body.remove("accessToken"));
        assert_eq!(
            code(&mut rp, ANONYMOUS_EME_REQUEST_PATH, &anonymous),
            "D20011"
        );
    }

    #[test]
    fn request_parameters_map_to_their_d_codes() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        type Change = fn(&mut Value);
        let cases: [(Change, &str, &str); 21] = [
            (
                |b| drop(b.as_object_mut().map(|o| o.remove("businessID"))),
                "D20001",
                "parameter businessID missing",
            ),
            (
                |b| b["businessID"] = "".into(),
                "D20002",
                "empty parameter businessID",
            ),
            (
                |b| b["businessID"] = "x".repeat(37).into(),
                "D20003",
                "invalid parameter businessID",
            ),
            (
                |b| b["accessToken"] = "0".repeat(32).into(),
                "D20009",
                "accessToken not exist or expired",
            ),
            (
                |b| b["openID"] = "someone-else".into(),
                "D20010",
                "openID not exist",
            ),
            (|b| b["source"] = "Windows_Phone".into(), "D20007", ""),
            (
                |b| b["redirectURI"] = "https://evil.example/cb".into(),
                "D20008",
                "",
            ),
            (
                |b| drop(b.as_object_mut().map(|o| o.remove("redirectURI"))),
                "D20001",
                "parameter redirectURI missing",
            ),
            (
                |b| b["state"] = "no spaces please".into(),
                "D20003",
                "invalid parameter state",
            ),
            (
                |b| drop(b.as_object_mut().map(|o| o.remove("formName"))),
                "D20001",
                "parameter formName missing",
            ),
            (
                |b| b["formName"] = "n".repeat(256).into(),
                "D20003",
                "invalid parameter formName",
            ),
            (
                |b| b["formNum"] = "1".repeat(21).into(),
                "D20003",
                "invalid parameter formNum",
            ),
            (
                |b| b["formDesc"] = "d".repeat(256).into(),
                "D20003",
                "invalid parameter formDesc",
            ),
            (
                |b| b["eMEFields"] = json!(["emailAddress", "shoeSize"]),
                "D20003",
                "invalid parameter eMEFields",
            ),
            (
                |b| b["profileFields"] = json!("idNo"),
                "D20003",
                "invalid parameter profileFields",
            ),
            (
                |b| {
                    b["eMEFields"] = json!([]);
                    b["profileFields"] = json!([]);
                },
                "D20002",
                "empty parameter eMEFields",
            ),
            (
                |b| {
                    drop(b.as_object_mut().map(|o| {
                        o.remove("eMEFields");
                        o.remove("profileFields")
                    }))
                },
                "D20001",
                "parameter eMEFields missing",
            ),
            (
                |b| b["callbackContentType"] = "text/plain".into(),
                "D20003",
                "invalid parameter callbackContentType",
            ),
            (
                |b| b["eMEFields"] = json!(["emailAddress", 7]),
                "D20003",
                "invalid parameter eMEFields",
            ),
            (
                |b| b["formName"] = "表".repeat(255).into(),
                "D00000",
                "SUCCESS",
            ),
            (
                |b| b["businessID"] = "x".repeat(36).into(),
                "D00000",
                "SUCCESS",
            ),
        ];
        for (index, (change, expected_code, expected_message)) in cases.into_iter().enumerate() {
            let mut body = eme_body(&token, &format!("case-{index}"));
            change(&mut body);
            let envelope = post(&mut rp, EME_REQUEST_PATH, &body);
            assert_eq!(
                envelope.code, expected_code,
                "case {index}: {}",
                envelope.message
            );
            if !expected_message.is_empty() {
                assert_eq!(envelope.message, expected_message, "case {index}");
            }
        }
    }

    #[test]
    fn a_token_without_the_scope_or_an_expired_one_cannot_ask_for_data() {
        let mut rp = Rp::strict();
        let login_only = rp.token(IAMSMART_USER, "eidapi_auth");
        let envelope = post(&mut rp, EME_REQUEST_PATH, &eme_body(&login_only, "s-1"));
        assert_eq!(
            (envelope.code.as_str(), envelope.message.as_str()),
            ("D20015", "scope mismatch: eidapi_formFilling not granted")
        );
        let form_only = rp.token(IAMSMART_USER, "eidapi_auth eidapi_formFilling");
        let envelope = post(&mut rp, EME_REQUEST_PATH, &eme_body(&form_only, "s-2"));
        assert_eq!(
            envelope.message,
            "scope mismatch: eidapi_profiles not granted"
        );
        let mut eme_only = eme_body(&form_only, "s-3");
        eme_only["profileFields"] = json!([]);
        assert_eq!(code(&mut rp, EME_REQUEST_PATH, &eme_only), "D00000");
        assert_eq!(
            code(
                &mut rp,
                PROFILE_REQUEST_PATH,
                &profile_body(&form_only, "s-4")
            ),
            "D20015"
        );
        // The sandbox withdrew the grant after login.
        let full = rp.token(IAMSMART_USER, ALL_SCOPES);
        rp.config
            .granted_scopes
            .retain(|scope| scope != "eidapi_formFilling");
        assert_eq!(
            code(&mut rp, EME_REQUEST_PATH, &eme_body(&full, "s-5")),
            "D20015"
        );
        rp.config = crate::testkit::config();
        rp.host.travel_ms(rp.config.token_lifetime_ms);
        rp.get_key();
        assert_eq!(
            code(&mut rp, EME_REQUEST_PATH, &eme_body(&full, "s-6")),
            "D20009"
        );
    }

    #[test]
    fn without_a_cek_data_requests_are_d30002() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        rp.host.travel_ms(rp.config.cek_lifetime_ms);
        assert_eq!(
            code(&mut rp, EME_REQUEST_PATH, &eme_body(&token, "k-1")),
            "D30002"
        );
        assert_eq!(rp.post(PROFILES_PATH, br#"{"content":"x"}"#).code, "D30002");
    }

    #[test]
    fn a_suspended_user_is_d10001() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        // The same openID stops working once the persona is suspended in the catalogue; here the
        // token is edited to name the suspended persona, as if the account had been suspended since.
        let key = store::token_key(&token.access_token);
        let mut record: AccessTokenRecord = store::get(&mut rp.host, &key)
            .expect("get")
            .expect("stored");
        record.persona_id = SUSPENDED_USER.into();
        store::put(&mut rp.host, &key, &record, None).expect("put");
        let mut body = eme_body(&token, "susp");
        body["openID"] = persona::open_id(&rp.config, SUSPENDED_USER).into();
        assert_eq!(code(&mut rp, EME_REQUEST_PATH, &body), "D10001");
    }

    #[test]
    fn a_multipart_callback_is_sent_when_asked_for() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        let mut body = eme_body(&token, "m-1");
        body["callbackContentType"] = "multipart/form-data".into();
        let ticket_id = start(&mut rp, EME_REQUEST_PATH, &body);
        let status = settled(call(
            &mut rp,
            Call::ApproveTicket {
                ticket_id,
                persona_id: IAMSMART_USER.into(),
            },
        ));
        let callback = &status.callbacks[0];
        assert!(
            callback
                .header("content-type")
                .is_some_and(|value| value.starts_with("multipart/form-data; boundary="))
        );
        assert_eq!(open(callback).content["businessID"], "m-1");
    }

    #[test]
    fn a_registered_callback_url_receives_the_callback_instead_of_the_redirect_uri() {
        let mut rp = Rp::strict();
        rp.config.callback_url = Some("https://rp.example/iamsmart/callback".into());
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        let ticket_id = start(&mut rp, EME_REQUEST_PATH, &eme_body(&token, "u-1"));
        let status = settled(call(&mut rp, Call::RejectTicket { ticket_id }));
        assert_eq!(
            status.callbacks[0].url,
            "https://rp.example/iamsmart/callback"
        );
    }

    #[test]
    fn the_auto_responder_answers_a_data_request_in_the_api_response() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        rp.config.auto_responder = Some(persona::AUTO_APPROVE.into());
        let response = rp.send_encrypted(EME_REQUEST_PATH, &eme_body(&token, "a-1"));
        let [callback] = response.callbacks.as_slice() else {
            panic!("the auto-responder's callback travels with the response");
        };
        let opened = open(callback);
        assert_eq!(opened.code, "D00000");
        // The logged-in user's data is released, not the auto-responder persona's.
        let profile =
            persona::profile_on(&rp.config, IAMSMART_USER, login::sandbox_today(&rp.host))
                .expect("profile");
        assert_eq!(
            opened.content["profileFields"]["enName"],
            serde_json::to_value(&profile.en_name).expect("json")
        );
        rp.config.auto_responder = Some(persona::AUTO_REJECT.into());
        let response = rp.send_encrypted(EME_REQUEST_PATH, &eme_body(&token, "a-2"));
        assert_eq!(open(&response.callbacks[0]).code, "D60001");
        rp.config.auto_responder = Some(persona::NO_ANSWER.into());
        let response = rp.send_encrypted(EME_REQUEST_PATH, &eme_body(&token, "a-3"));
        assert!(response.callbacks.is_empty());
    }

    #[test]
    fn the_synchronous_profiles_api_returns_the_fields_and_accepts_an_empty_list() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        let profile =
            persona::profile_on(&rp.config, IAMSMART_USER, login::sandbox_today(&rp.host))
                .expect("profile");
        let body = |profile_fields: Value, eme_fields: Value| {
            json!({
                "accessToken": token.access_token, "openID": token.open_id,
                "profileFields": profile_fields, "eMEFields": eme_fields,
            })
        };
        let content = post_decrypted(
            &mut rp,
            PROFILES_PATH,
            &body(json!(["enName", "gender"]), json!([])),
        );
        assert_eq!(
            content,
            json!({
                "profileFields": profile.select(&[ProfileField::EnName, ProfileField::Gender], &[]),
                "eMEFields": {},
            })
        );
        let content = post_decrypted(
            &mut rp,
            PROFILES_PATH,
            &body(json!([]), json!(["emailAddress"])),
        );
        assert_eq!(
            content["eMEFields"]["emailAddress"].as_str(),
            profile.email_address.as_deref()
        );
        assert_eq!(content["profileFields"], json!({}));
        let envelope = post(&mut rp, PROFILES_PATH, &body(json!([]), json!([])));
        assert_eq!(envelope.code, "D20002");
        let envelope = post(
            &mut rp,
            PROFILES_PATH,
            &body(json!(["passport"]), json!([])),
        );
        assert_eq!(envelope.message, "invalid parameter profileFields");
        let login_only = rp.token(IAMSMART_USER, "eidapi_auth eidapi_profiles");
        let envelope = post(
            &mut rp,
            PROFILES_PATH,
            &json!({"accessToken": login_only.access_token, "openID": login_only.open_id,
                    "profileFields": [], "eMEFields": ["emailAddress"]}),
        );
        assert_eq!(envelope.code, "D20015");
        // openID as issued (URL-encoded) and decoded both work (PROTOCOL §11.7).
        let decoded = persona::normalise_open_id(&token.open_id);
        let envelope = post(
            &mut rp,
            PROFILES_PATH,
            &json!({"accessToken": token.access_token, "openID": decoded, "profileFields": ["gender"]}),
        );
        assert_eq!(envelope.code, "D00000");
    }

    fn anonymous_body(business_id: &str) -> Value {
        json!({
            "businessID": business_id,
            "source": "PC_Browser",
            "redirectURI": REDIRECT_URI,
            "state": "anon-state",
            "formName": "Remote onboarding",
            "eMEFields": ["emailAddress", "residentialAddress"],
            "profileFields": ["enName"],
        })
    }

    fn attach(rp: &mut Rp, ticket_id: &str) -> crate::login::LoginStarted {
        let params = crate::login::GetQrParams {
            client_id: Some(rp.config.client_id.clone()),
            response_type: Some("code".into()),
            source: Some("PC_Browser".into()),
            redirect_uri: Some(REDIRECT_URI.into()),
            scope: Some("eidapi_formFilling".into()),
            ticket_id: Some(ticket_id.into()),
            ..crate::login::GetQrParams::default()
        };
        match call(rp, Call::BeginLogin(params)) {
            Outcome::LoginStarted(started) => started,
            other => panic!("getQR answered {other:?}"),
        }
    }

    fn query_value(url: &str, name: &str) -> Option<String> {
        url.split_once('?')?
            .1
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_owned())
    }

    #[test]
    fn anonymous_form_filling_runs_from_initiate_to_get_result() {
        let mut rp = Rp::strict();
        rp.get_key();
        let envelope = post(
            &mut rp,
            ANONYMOUS_EME_REQUEST_PATH,
            &anonymous_body("anon-1"),
        );
        let content = rp.decrypted(&envelope);
        let keys: Vec<&str> = content
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(keys, ["ticketID"]);
        let ticket_id = content["ticketID"].as_str().expect("ticket").to_owned();
        // Not on the phone's list until a browser shows it.
        let Outcome::Tickets(pending) = call(&mut rp, Call::PendingTickets) else {
            panic!("list");
        };
        assert!(pending.iter().all(|ticket| ticket.ticket_id != ticket_id));
        let started = attach(&mut rp, &ticket_id);
        assert_eq!(
            started.app_link,
            format!("hk.gov.iamsmart.testapp://eme?ticketID={ticket_id}")
        );
        let Outcome::TicketDetails(details) = call(
            &mut rp,
            Call::TicketDetails {
                ticket_id: ticket_id.clone(),
                persona_id: Some(IAMSMART_PLUS_USER.into()),
            },
        ) else {
            panic!("details");
        };
        assert_eq!(details.status.kind, TicketKind::AnonymousFormFilling);
        assert!(details.fields.iter().all(|field| field.value.is_some()));
        let status = settled(call(
            &mut rp,
            Call::ApproveTicket {
                ticket_id: ticket_id.clone(),
                persona_id: IAMSMART_PLUS_USER.into(),
            },
        ));
        assert!(status.callbacks.is_empty());
        let url = status.redirect_url.expect("redirect");
        assert_eq!(query_value(&url, "businessID").as_deref(), Some("anon-1"));
        assert_eq!(query_value(&url, "state").as_deref(), Some("anon-state"));
        let code = query_value(&url, "code").expect("code");
        let token = rp.get_token_content(&code);
        let result_body = json!({"businessID": "anon-1", "accessToken": token.access_token, "openID": token.open_id});
        let result = post_decrypted(&mut rp, ANONYMOUS_EME_RESULT_PATH, &result_body);
        let profile = persona::profile_on(
            &rp.config,
            IAMSMART_PLUS_USER,
            login::sandbox_today(&rp.host),
        )
        .expect("profile");
        assert_eq!(result["businessID"], "anon-1");
        assert_eq!(result["state"], "anon-state");
        assert_eq!(
            result["profileFields"],
            serde_json::to_value(profile.select(&[ProfileField::EnName], &[])).expect("json")
        );
        assert_eq!(
            result["eMEFields"],
            serde_json::to_value(
                profile.select(&[], &[EmeField::EmailAddress, EmeField::ResidentialAddress])
            )
            .expect("json")
        );
        // Another user's token cannot read it; an unknown businessID is invalid.
        let other = rp.token(IAMSMART_USER, "eidapi_auth");
        let other_body = json!({"businessID": "anon-1", "accessToken": other.access_token, "openID": other.open_id});
        assert_eq!(
            post(&mut rp, ANONYMOUS_EME_RESULT_PATH, &other_body).message,
            "invalid parameter businessID"
        );
        let unknown = json!({"businessID": "nope", "accessToken": token.access_token, "openID": token.open_id});
        assert_eq!(
            post(&mut rp, ANONYMOUS_EME_RESULT_PATH, &unknown).code,
            "D20003"
        );
    }

    #[test]
    fn an_anonymous_request_that_is_rejected_or_unanswered_has_no_result() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, "eidapi_auth");
        let result_of = |rp: &mut Rp, business_id: &str| {
            let body = json!({"businessID": business_id, "accessToken": token.access_token, "openID": token.open_id});
            post(rp, ANONYMOUS_EME_RESULT_PATH, &body)
        };
        let pending = start(
            &mut rp,
            ANONYMOUS_EME_REQUEST_PATH,
            &anonymous_body("anon-p"),
        );
        attach(&mut rp, &pending);
        assert_eq!(
            result_of(&mut rp, "anon-p").message,
            "invalid parameter businessID: the request has not been answered"
        );
        let rejected = start(
            &mut rp,
            ANONYMOUS_EME_REQUEST_PATH,
            &anonymous_body("anon-r"),
        );
        attach(&mut rp, &rejected);
        let status = settled(call(
            &mut rp,
            Call::RejectTicket {
                ticket_id: rejected,
            },
        ));
        let url = status.redirect_url.expect("redirect");
        assert_eq!(query_value(&url, "error_code").as_deref(), Some("D60001"));
        assert_eq!(query_value(&url, "businessID").as_deref(), Some("anon-r"));
        assert_eq!(result_of(&mut rp, "anon-r").code, "D60001");
        // An authenticated request's businessID is not an anonymous result.
        let full = rp.token(IAMSMART_USER, ALL_SCOPES);
        start(&mut rp, EME_REQUEST_PATH, &eme_body(&full, "auth-1"));
        assert_eq!(result_of(&mut rp, "auth-1").code, "D20003");
    }

    #[test]
    fn anonymous_requests_need_the_form_filling_grant_and_a_registered_redirect() {
        let mut rp = Rp::strict();
        rp.get_key();
        let mut body = anonymous_body("g-1");
        body["redirectURI"] = "https://elsewhere.example/cb".into();
        assert_eq!(code(&mut rp, ANONYMOUS_EME_REQUEST_PATH, &body), "D20008");
        let mut body = anonymous_body("g-2");
        body.as_object_mut().map(|o| o.remove("redirectURI"));
        assert_eq!(code(&mut rp, ANONYMOUS_EME_REQUEST_PATH, &body), "D00000");
        rp.config.granted_scopes = vec!["eidapi_auth".into()];
        assert_eq!(
            code(&mut rp, ANONYMOUS_EME_REQUEST_PATH, &anonymous_body("g-3")),
            "D20015"
        );
    }

    #[test]
    fn the_automation_api_approves_a_form_filling_request_with_a_field_subset() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        let ticket_id = start(&mut rp, EME_REQUEST_PATH, &eme_body(&token, "ci-1"));
        let listed = rp.post(crate::automation::PENDING_TICKETS_PATH, b"{}");
        let tickets = listed.content.expect("content")["tickets"].clone();
        assert_eq!(tickets[0]["kind"], "form_filling");
        assert_eq!(tickets[0]["businessID"], "ci-1");
        let body = json!({
            "ticketID": ticket_id, "personaID": IAMSMART_USER,
            "fields": ["enName", "idNo", "emailAddress", "mobileNumber"],
        });
        let request = rp.signed_request(
            crate::automation::APPROVE_TICKET_PATH,
            body.to_string().as_bytes(),
        );
        let response = rp.send(&request);
        let envelope = response.envelope().expect("envelope");
        assert_eq!(envelope.code, "D00000", "{}", envelope.message);
        let content = envelope.content.expect("content");
        assert_eq!(content["state"], "approved");
        assert_eq!(content["kind"], "form_filling");
        assert_eq!(content["businessID"], "ci-1");
        let opened = open(&response.callbacks[0]);
        let eme = opened.content["eMEFields"].as_object().expect("eMEFields");
        assert!(
            eme.keys()
                .all(|name| name == "emailAddress" || name == "mobileNumber")
        );
        let bad = json!({"ticketID": "x", "personaID": IAMSMART_USER, "fields": "enName"});
        assert_eq!(
            rp.post(
                crate::automation::APPROVE_TICKET_PATH,
                bad.to_string().as_bytes()
            )
            .message,
            "invalid parameter fields"
        );
    }

    #[test]
    fn logs_never_carry_business_ids_tokens_or_field_values() {
        let mut rp = Rp::strict();
        let token = rp.token(IAMSMART_USER, ALL_SCOPES);
        let ticket_id = start(
            &mut rp,
            EME_REQUEST_PATH,
            &eme_body(&token, "secret-business"),
        );
        call(
            &mut rp,
            Call::ApproveTicket {
                ticket_id,
                persona_id: IAMSMART_USER.into(),
            },
        );
        let profile = persona::profile(&rp.config, IAMSMART_USER).expect("profile");
        let email = profile.email_address.unwrap_or_default();
        for (_, line) in rp.host.logs() {
            assert!(!line.contains("secret-business"), "{line}");
            assert!(!line.contains(&token.access_token), "{line}");
            assert!(email.is_empty() || !line.contains(&email), "{line}");
        }
        assert!(
            rp.host
                .logs()
                .iter()
                .any(|(_, line)| line == "eme/initiateRequest D00000")
        );
    }
}
