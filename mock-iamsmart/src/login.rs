//! The ticket state machine behind `GET /api/v1/auth/getQR` (PROTOCOL §2.1, §7, §11.9) and every
//! request that waits for the user's answer on the phone: parameter validation, tickets, the user's
//! answer on the (virtual) phone, and single-use authorisation codes.
//!
//! A ticket is a login, a profile request, or an authenticated or anonymous form-filling request
//! ([`crate::request::TicketKind`]); they share one life cycle and differ in what approval produces
//! (a code for the browser, or a callback to the relying party) and in their ending D-codes. Tickets
//! of data requests are created by `form_filling.rs`; the rest of this documentation describes a
//! login, and the other kinds follow it with their own codes (`D5000x`, `D6000x`).
//!
//! A ticket is pending until the user approves, rejects or cancels it, or until it times out on the
//! sandbox clock; the browser is then sent to `redirectURI?code=…&state=…` or
//! `redirectURI?error_code=D40001|D40000|D40003&state=…`. getQR checks, in this order:
//! - a mandatory parameter absent → `D20001`, present but empty → `D20002`;
//! - `clientID` not this sandbox's → `D99992` (the API's answer for an unknown client);
//! - `responseType` not `code` → `D20003`;
//! - `source` not in §7 → `D20007`;
//! - `redirectURI` not on the allow-list (exact match) → `D20008`;
//! - a scope name the protocol does not define → `D20003`; a scope not granted → `D20015`;
//! - a bad `lang`, `state` or `brokerPage`, or a `ticketID` that names no attachable ticket →
//!   `D20003` (an anonymous ticket that has already expired → `D40003`).
//!
//! Answering a ticket: an unknown ticket → `D20003 invalid parameter ticketID`; one already answered →
//! `D20004`; one past its lifetime → `D40003`; an unknown persona → `D20003 invalid parameter
//! personaID`; a suspended persona → `D10001`, and the ticket stays pending so another persona can
//! still answer. This module never logs codes, states or persona data.

use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};

use crate::callback::{self, Callback, CallbackMessage};
use crate::codes::{DCode, ProtocolError};
use crate::config::SandboxConfig;
use crate::consent::{self, TicketDetails};
use crate::crypto::url_encode;
use crate::host::{self, Host, LogLevel};
use crate::identity::date::CivilDate;
use crate::persona::{self, PersonaStatus, StandingAnswer};
use crate::request::{Ending, TicketKind, TicketRequest};
use crate::scope;
use crate::signing::StepUpFactor;
use crate::step_up::{self, PerformedStep};
use crate::store;

/// The `source` values of PROTOCOL §7.
pub const SOURCES: [&str; 16] = [
    "Android_Chrome",
    "Android_Firefox",
    "Android_Edge",
    "Android_Samsung",
    "Android_Huawei",
    "Android_Xiaomi",
    "iOS_Safari",
    "iOS_Chrome",
    "iOS_Firefox",
    "iOS_Edge",
    "PC_Browser",
    "App_Link",
    "App_Package",
    "App_Scheme",
    "Android_IMS_InAppBrowser",
    "iOS_IMS_InAppBrowser",
];

/// The longest `state` the protocol allows.
pub const MAX_STATE_LENGTH: usize = 36;
/// How long a settled or timed-out ticket stays readable after its expiry, so a late status poll
/// still learns "timed out" rather than "unknown ticket".
pub(crate) const TICKET_RETENTION_MS: i64 = 60 * 60_000;
/// How many pending tickets the virtual phone's list remembers; older ones drop off the list but stay
/// answerable by their ticket ID.
pub const MAX_LISTED_PENDING: usize = 50;
/// The test app's scheme (PROTOCOL §11.12); the path names the kind of request.
const APP_LINK_SCHEME: &str = "hk.gov.iamsmart.testapp://";

/// The test app's deep link for a ticket of this kind.
pub fn app_link(kind: TicketKind, ticket_id: &str) -> String {
    format!(
        "{APP_LINK_SCHEME}{}?ticketID={}",
        kind.app_link_path(),
        url_encode(ticket_id)
    )
}

/// Display language of the broker page and the app.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[serde(rename = "en-US")]
    EnUs,
    #[default]
    #[serde(rename = "zh-HK")]
    ZhHk,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::EnUs => "en-US",
            Lang::ZhHk => "zh-HK",
            Lang::ZhCn => "zh-CN",
        }
    }

    pub fn from_name(name: &str) -> Option<Lang> {
        [Lang::EnUs, Lang::ZhHk, Lang::ZhCn]
            .into_iter()
            .find(|lang| lang.as_str() == name)
    }
}

/// The query parameters of `getQR`, already form-decoded. `None` means absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetQrParams {
    pub client_id: Option<String>,
    pub response_type: Option<String>,
    pub source: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub lang: Option<String>,
    pub state: Option<String>,
    pub broker_page: Option<String>,
    pub ticket_id: Option<String>,
}

impl GetQrParams {
    /// Reads a raw query string: parameters in any order, `+` as space, percent-escapes decoded, the
    /// first of repeated names kept, unknown names such as `cScope` ignored (PROTOCOL §11.9).
    pub fn from_query(query: &str) -> Self {
        let mut params = GetQrParams::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = form_decode(value);
            let slot = match form_decode(name).as_str() {
                "clientID" => &mut params.client_id,
                "responseType" => &mut params.response_type,
                "source" => &mut params.source,
                "redirectURI" => &mut params.redirect_uri,
                "scope" => &mut params.scope,
                "lang" => &mut params.lang,
                "state" => &mut params.state,
                "brokerPage" => &mut params.broker_page,
                "ticketID" => &mut params.ticket_id,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value);
            }
        }
        params
    }
}

/// `application/x-www-form-urlencoded` decoding of one name or value.
fn form_decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// What the broker page needs once a login has started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginStarted {
    pub ticket_id: String,
    /// Expiry on the sandbox clock.
    pub expires_at_ms: i64,
    /// The ticket's lifetime, for countdowns on a browser that runs on real time.
    pub expires_in_ms: i64,
    pub lang: Lang,
    pub source: String,
    /// Whether to show the open-the-app button instead of a QR code.
    pub broker_page: bool,
    pub scope: Vec<String>,
    pub redirect_uri: String,
    pub state: Option<String>,
    /// The test app's deep link for this ticket.
    pub app_link: String,
    /// Set when the ticket was settled at once (the sandbox's auto-responder answered): where to send
    /// the browser instead of showing the broker page.
    pub redirect_url: Option<String>,
}

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    Pending,
    Approved,
    Rejected,
    Cancelled,
    /// The app reported a failure (the virtual phone can simulate one).
    Failed,
    TimedOut,
}

impl TicketState {
    /// The state's name on the wire (`pending`, `approved`, `rejected`, `cancelled`, `timed_out`).
    pub fn as_str(self) -> &'static str {
        match self {
            TicketState::Pending => "pending",
            TicketState::Approved => "approved",
            TicketState::Rejected => "rejected",
            TicketState::Cancelled => "cancelled",
            TicketState::Failed => "failed",
            TicketState::TimedOut => "timed_out",
        }
    }
}

/// A ticket as the browser, the virtual phone and automation see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketStatus {
    pub ticket_id: String,
    pub state: TicketState,
    /// Expiry on the sandbox clock.
    pub expires_at_ms: i64,
    /// Milliseconds left before the ticket times out (0 once settled or expired), for countdowns on
    /// devices that run on real time while the sandbox may travel in time.
    pub expires_in_ms: i64,
    /// Who is asking: the online service's name from the sandbox configuration.
    pub service_name: String,
    /// The `source` the browser declared, once a browser is attached.
    pub source: Option<String>,
    pub scope: Vec<String>,
    pub lang: Lang,
    /// Where to send the browser once the ticket is settled; `None` while pending or when no browser
    /// is attached.
    pub redirect_url: Option<String>,
    /// What the ticket asks for.
    #[serde(default)]
    pub kind: TicketKind,
    /// The user an authenticated data request is for (the persona logged in to the relying party);
    /// `None` for logins and anonymous requests, which any persona may answer.
    #[serde(default)]
    pub persona_id: Option<String>,
    /// The relying party's `businessID`, for data requests.
    #[serde(default)]
    pub business_id: Option<String>,
    /// Callbacks the host must POST to the relying party, present only in the answer to the call that
    /// settled the ticket (never in a later status poll).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub callbacks: Vec<Callback>,
    /// Set in the answer that approved a bulk-signing request, and in each `continue_bulk_signing`
    /// answer until every document is signed: the host must call `continue_bulk_signing` again
    /// (after delivering `callbacks`, in order).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub signing_continues: bool,
}

/// One entry of the list of tickets waiting for an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PendingEntry {
    ticket_id: String,
    expires_at_ms: i64,
}

/// The user's answer so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Decision {
    Pending,
    Approved {
        persona_id: String,
        /// The authorisation code for the browser: logins and anonymous requests only.
        #[serde(default)]
        code: Option<String>,
        /// The fields the user released, for data requests.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        released: Option<Vec<String>>,
    },
    Rejected,
    Cancelled,
    Failed,
}

/// A stored ticket.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TicketRecord {
    ticket_id: String,
    client_id: String,
    /// `None` until a browser attaches through getQR (anonymous requests create tickets first).
    redirect_uri: Option<String>,
    state: Option<String>,
    scope: Vec<String>,
    lang: Lang,
    source: Option<String>,
    broker_page: bool,
    created_at_ms: i64,
    expires_at_ms: i64,
    decision: Decision,
    /// What the ticket asks for; tickets stored before kinds existed are logins.
    #[serde(default)]
    request: TicketRequest,
    /// The step-up factors personas completed for this ticket.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    step_ups: Vec<PerformedStep>,
}

/// A stored, unused authorisation code; getToken consumes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CodeRecord {
    pub client_id: String,
    pub ticket_id: String,
    pub persona_id: String,
    pub scope: Vec<String>,
    /// Sandbox-clock expiry.
    pub expires_at_ms: i64,
}

fn required(value: &Option<String>, name: &str) -> Result<String, ProtocolError> {
    match value {
        None => Err(ProtocolError::missing(name)),
        Some(value) if value.is_empty() => Err(ProtocolError::empty(name)),
        Some(value) => Ok(value.clone()),
    }
}

/// An optional parameter, with an empty value treated as absent.
fn optional(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|value| !value.is_empty())
}

pub(crate) fn parse_state(value: &Option<String>) -> Result<Option<String>, ProtocolError> {
    let Some(state) = optional(value) else {
        return Ok(None);
    };
    let well_formed = state.len() <= MAX_STATE_LENGTH
        && state
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if well_formed {
        Ok(Some(state.to_owned()))
    } else {
        Err(ProtocolError::invalid("state"))
    }
}

/// `brokerPage` arrives as `true`, `True` (§11.9) or `false`; any casing is accepted because no client
/// means anything else by it.
fn parse_broker_page(value: &Option<String>) -> Result<bool, ProtocolError> {
    match optional(value) {
        None => Ok(false),
        Some(text) if text.eq_ignore_ascii_case("true") => Ok(true),
        Some(text) if text.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(ProtocolError::invalid("brokerPage")),
    }
}

fn load_ticket(host: &mut dyn Host, ticket_id: &str) -> Result<TicketRecord, ProtocolError> {
    store::get::<TicketRecord>(host, &store::ticket_key(ticket_id))?
        .ok_or_else(|| ProtocolError::invalid("ticketID"))
}

fn save_ticket(host: &mut dyn Host, record: &TicketRecord) -> Result<(), ProtocolError> {
    let keep_until = record.expires_at_ms.saturating_add(TICKET_RETENTION_MS);
    store::put(
        host,
        &store::ticket_key(&record.ticket_id),
        record,
        Some(keep_until),
    )
}

/// Puts a new ticket on the pending list, dropping entries that can no longer be answered and, past
/// [`MAX_LISTED_PENDING`], the oldest ones. Only ticket creation writes the list, so the phone's
/// frequent reads never make concurrent answers retry.
fn list_as_pending(host: &mut dyn Host, record: &TicketRecord) -> Result<(), ProtocolError> {
    let now = host.sandbox_now_ms();
    let mut entries: Vec<PendingEntry> =
        store::get(host, store::PENDING_TICKETS_KEY)?.unwrap_or_default();
    entries.retain(|entry| entry.expires_at_ms > now && entry.ticket_id != record.ticket_id);
    entries.push(PendingEntry {
        ticket_id: record.ticket_id.clone(),
        expires_at_ms: record.expires_at_ms,
    });
    let surplus = entries.len().saturating_sub(MAX_LISTED_PENDING);
    entries.drain(..surplus);
    let keep_until = entries.iter().map(|entry| entry.expires_at_ms).max();
    store::put(host, store::PENDING_TICKETS_KEY, &entries, keep_until)
}

/// The tickets still waiting for an answer, newest first, as the virtual phone lists them.
pub(crate) fn pending_tickets(
    host: &mut dyn Host,
    config: &SandboxConfig,
) -> Result<Vec<TicketStatus>, ProtocolError> {
    let now = host.sandbox_now_ms();
    let entries: Vec<PendingEntry> =
        store::get(host, store::PENDING_TICKETS_KEY)?.unwrap_or_default();
    let mut pending = Vec::new();
    for entry in entries.iter().rev() {
        if entry.expires_at_ms <= now {
            continue;
        }
        let Some(record) = store::get::<TicketRecord>(host, &store::ticket_key(&entry.ticket_id))?
        else {
            continue;
        };
        let status = status_of(&record, config, now);
        if status.state == TicketState::Pending {
            pending.push(status);
        }
    }
    Ok(pending)
}

/// Answers a fresh ticket as the configured auto-responder persona would. An authenticated data
/// request is for the user logged in to the relying party, so the auto-responder only decides
/// whether it is approved; that user approves it.
pub(crate) fn auto_respond(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
    persona_id: &str,
) -> Result<Option<TicketStatus>, ProtocolError> {
    let persona = persona::find_persona(config, persona_id)
        .ok_or_else(|| ProtocolError::invalid("personaID"))?;
    match persona.answers {
        StandingAnswer::Manual | StandingAnswer::AlwaysApprove => {
            let record = load_ticket(host, ticket_id)?;
            let approver = record
                .request
                .owner()
                .map(str::to_owned)
                .unwrap_or_else(|| persona_id.to_owned());
            // A persona that always approves also passes any step-up the request asks for.
            let factors = record
                .request
                .step_up()
                .map(|step_up| step_up.factors.clone())
                .unwrap_or_default();
            for factor in factors {
                complete_step_up(host, config, ticket_id, &approver, factor.as_str())?;
            }
            approve_ticket(host, config, ticket_id, &approver).map(Some)
        }
        StandingAnswer::AlwaysReject => reject_ticket(host, config, ticket_id).map(Some),
        StandingAnswer::NeverAnswer => Ok(None),
    }
}

/// Validates a getQR request and starts (or attaches the browser to) a login ticket.
pub(crate) fn begin_login(
    host: &mut dyn Host,
    config: &SandboxConfig,
    params: &GetQrParams,
) -> Result<LoginStarted, ProtocolError> {
    let client_id = required(&params.client_id, "clientID")?;
    let response_type = required(&params.response_type, "responseType")?;
    let source = required(&params.source, "source")?;
    let redirect_uri = required(&params.redirect_uri, "redirectURI")?;
    let requested_scope = required(&params.scope, "scope")?;

    if client_id != config.client_id {
        return Err(ProtocolError::new(DCode::AuthorisationFailed));
    }
    if response_type != "code" {
        return Err(ProtocolError::invalid("responseType"));
    }
    if !SOURCES.contains(&source.as_str()) {
        return Err(ProtocolError::new(DCode::UnsupportedSource));
    }
    if !config.redirect_uris.contains(&redirect_uri) {
        return Err(ProtocolError::new(DCode::InvalidServiceUrl));
    }
    let scopes = scope::parse_scope_list(&requested_scope)?;
    if let Some(missing) = scopes.iter().find(|scope| !config.is_granted(**scope)) {
        return Err(ProtocolError::with_message(
            DCode::ScopeMismatch,
            format!("scope mismatch: {} not granted", missing.as_str()),
        ));
    }
    let lang = match optional(&params.lang) {
        None => Lang::default(),
        Some(name) => Lang::from_name(name).ok_or_else(|| ProtocolError::invalid("lang"))?,
    };
    let state = parse_state(&params.state)?;
    let broker_page = parse_broker_page(&params.broker_page)?;
    let scope_names: Vec<String> = scopes
        .iter()
        .map(|scope| scope.as_str().to_owned())
        .collect();

    let now = host.sandbox_now_ms();
    let record = match optional(&params.ticket_id) {
        Some(ticket_id) => {
            // An anonymous request made the ticket; getQR only attaches this browser to it.
            let mut record = load_ticket(host, ticket_id)?;
            if record.client_id != config.client_id || record.redirect_uri.is_some() {
                return Err(ProtocolError::invalid("ticketID"));
            }
            if now >= record.expires_at_ms {
                return Err(ProtocolError::new(DCode::AuthenticationTimeout));
            }
            if record.decision != Decision::Pending {
                return Err(ProtocolError::invalid("ticketID"));
            }
            record.redirect_uri = Some(redirect_uri.clone());
            // The browser's `state` wins; without one, the state the request was created with stays.
            record.state = state.clone().or(record.state.take());
            record.scope = scope_names.clone();
            record.lang = lang;
            record.source = Some(source.clone());
            record.broker_page = broker_page;
            record
        }
        None => TicketRecord {
            ticket_id: host::random_uuid(host),
            client_id: config.client_id.clone(),
            redirect_uri: Some(redirect_uri.clone()),
            state: state.clone(),
            scope: scope_names.clone(),
            lang,
            source: Some(source.clone()),
            broker_page,
            created_at_ms: now,
            expires_at_ms: now.saturating_add(config.ticket_lifetime_ms),
            decision: Decision::Pending,
            request: TicketRequest::Login,
            step_ups: Vec::new(),
        },
    };
    save_ticket(host, &record)?;
    // An anonymous ticket joins the phone's list once a browser shows it, not before.
    list_as_pending(host, &record)?;

    let mut redirect_url = None;
    if let Some(persona_id) = &config.auto_responder {
        match auto_respond(host, config, &record.ticket_id, persona_id) {
            Ok(status) => redirect_url = status.and_then(|status| status.redirect_url),
            Err(error) => {
                // The ticket stays pending, as it would if the user never answered; the sandbox
                // owner sees why in the log.
                host.log(
                    LogLevel::Warn,
                    &format!("auto-responder could not answer a login: {}", error.code),
                );
            }
        }
    }

    Ok(LoginStarted {
        app_link: app_link(record.request.kind(), &record.ticket_id),
        ticket_id: record.ticket_id,
        expires_at_ms: record.expires_at_ms,
        expires_in_ms: record.expires_at_ms.saturating_sub(now),
        lang,
        source,
        broker_page,
        scope: scope_names,
        redirect_uri,
        state,
        redirect_url,
    })
}

/// `base?name=value&…`, with `&` when `base` already has a query and any fragment kept last.
fn append_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let (without_fragment, fragment) = match base.split_once('#') {
        Some((head, fragment)) => (head, Some(fragment)),
        None => (base, None),
    };
    let mut url = without_fragment.to_owned();
    let mut separator = if without_fragment.contains('?') {
        '&'
    } else {
        '?'
    };
    for (name, value) in pairs {
        url.push(separator);
        url.push_str(name);
        url.push('=');
        url.push_str(&url_encode(value));
        separator = '&';
    }
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

fn state_of(record: &TicketRecord, now: i64) -> TicketState {
    match record.decision {
        Decision::Approved { .. } => TicketState::Approved,
        Decision::Rejected => TicketState::Rejected,
        Decision::Cancelled => TicketState::Cancelled,
        Decision::Failed => TicketState::Failed,
        Decision::Pending if now >= record.expires_at_ms => TicketState::TimedOut,
        Decision::Pending => TicketState::Pending,
    }
}

fn status_of(record: &TicketRecord, config: &SandboxConfig, now: i64) -> TicketStatus {
    let state = state_of(record, now);
    let kind = record.request.kind();
    let ending = match state {
        TicketState::Rejected => Some(Ending::Rejected),
        TicketState::Cancelled => Some(Ending::Cancelled),
        TicketState::Failed => Some(Ending::Failed),
        TicketState::TimedOut => Some(Ending::TimedOut),
        TicketState::Pending | TicketState::Approved => None,
    };
    let first: Option<(&str, &str)> = match (&record.decision, ending) {
        (
            Decision::Approved {
                code: Some(code), ..
            },
            _,
        ) => Some(("code", code.as_str())),
        (_, Some(ending)) => Some(("error_code", kind.ending_code(ending).code())),
        _ => None,
    };
    let settled = state != TicketState::Pending;
    let redirect_url = match &record.redirect_uri {
        Some(base) if settled => {
            let mut pairs: Vec<(&str, &str)> = first.into_iter().collect();
            if let Some(business_id) = record.request.business_id() {
                pairs.push(("businessID", business_id));
            }
            if let Some(state) = &record.state {
                pairs.push(("state", state.as_str()));
            }
            Some(append_query(base, &pairs))
        }
        _ => None,
    };
    let expires_in_ms = match state {
        TicketState::Pending => record.expires_at_ms.saturating_sub(now).max(0),
        _ => 0,
    };
    TicketStatus {
        ticket_id: record.ticket_id.clone(),
        state,
        expires_at_ms: record.expires_at_ms,
        expires_in_ms,
        service_name: config.service_name.clone(),
        source: record.source.clone(),
        scope: record.scope.clone(),
        lang: record.lang,
        redirect_url,
        kind,
        persona_id: record.request.owner().map(str::to_owned),
        business_id: record.request.business_id().map(str::to_owned),
        callbacks: Vec::new(),
        signing_continues: false,
    }
}

/// Where the ticket stands now, judged on the sandbox clock.
pub(crate) fn ticket_status(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
) -> Result<TicketStatus, ProtocolError> {
    let record = load_ticket(host, ticket_id)?;
    Ok(status_of(&record, config, host.sandbox_now_ms()))
}

/// Loads a ticket that can still be answered.
fn load_pending_ticket(
    host: &mut dyn Host,
    ticket_id: &str,
) -> Result<TicketRecord, ProtocolError> {
    let record = load_ticket(host, ticket_id)?;
    match state_of(&record, host.sandbox_now_ms()) {
        TicketState::Pending => Ok(record),
        TicketState::TimedOut => Err(ProtocolError::new(DCode::AuthenticationTimeout)),
        TicketState::Approved
        | TicketState::Rejected
        | TicketState::Cancelled
        | TicketState::Failed => Err(ProtocolError::with_message(
            DCode::DuplicatedRequest,
            "duplicated request: ticket already answered",
        )),
    }
}

/// The persona approves: a login or an anonymous request gets a single-use authorisation code, an
/// authenticated data request a callback with every requested field.
pub(crate) fn approve_ticket(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
    persona_id: &str,
) -> Result<TicketStatus, ProtocolError> {
    approve(host, config, ticket_id, persona_id, None)
}

/// The persona approves a data request releasing only `fields` (the user unticked optional ones).
pub(crate) fn approve_ticket_with_fields(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
    persona_id: &str,
    fields: &[String],
) -> Result<TicketStatus, ProtocolError> {
    approve(host, config, ticket_id, persona_id, Some(fields))
}

fn issue_code(
    host: &mut dyn Host,
    config: &SandboxConfig,
    record: &TicketRecord,
    persona_id: &str,
) -> Result<String, ProtocolError> {
    let code = host::random_hex32(host);
    let code_record = CodeRecord {
        client_id: record.client_id.clone(),
        ticket_id: record.ticket_id.clone(),
        persona_id: persona_id.to_owned(),
        scope: record.scope.clone(),
        expires_at_ms: host
            .sandbox_now_ms()
            .saturating_add(config.code_lifetime_ms),
    };
    store::put(
        host,
        &store::code_key(&code),
        &code_record,
        Some(code_record.expires_at_ms),
    )?;
    Ok(code)
}

/// The sandbox's date in Hong Kong, which pins ages and e-bill dates in released profiles.
pub(crate) fn sandbox_today(host: &dyn Host) -> CivilDate {
    CivilDate::from_epoch_ms_hong_kong(host.sandbox_now_ms())
}

fn approve(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
    persona_id: &str,
    chosen: Option<&[String]>,
) -> Result<TicketStatus, ProtocolError> {
    let mut record = load_pending_ticket(host, ticket_id)?;
    let persona = persona::find_persona(config, persona_id)
        .ok_or_else(|| ProtocolError::invalid("personaID"))?;
    if persona.status == PersonaStatus::Suspended {
        return Err(ProtocolError::new(DCode::AccountSuspended));
    }
    let kind = record.request.kind();
    if record.request.signing().is_some() {
        if chosen.is_some() {
            return Err(ProtocolError::invalid("fields"));
        }
        return approve_signing(host, config, record, &persona.id);
    }
    if matches!(kind, TicketKind::StepUp | TicketKind::BulkSigning) {
        if chosen.is_some() {
            return Err(ProtocolError::invalid("fields"));
        }
        if record
            .request
            .owner()
            .is_some_and(|owner| owner != persona.id)
        {
            return Err(not_the_owner());
        }
        return match kind {
            TicketKind::StepUp => approve_step_up(host, config, record, &persona.id),
            _ => approve_bulk(host, config, record, &persona.id),
        };
    }
    let released = match record.request.data() {
        None if chosen.is_some() => return Err(ProtocolError::invalid("fields")),
        None => None,
        Some(data) => {
            if data
                .persona_id
                .as_ref()
                .is_some_and(|owner| *owner != persona.id)
            {
                return Err(ProtocolError::with_message(
                    DCode::InvalidParameter,
                    "invalid parameter personaID: the request is for the user logged in to the online service",
                ));
            }
            Some(consent::approved_fields(data, chosen)?)
        }
    };
    // The callback is built before anything is stored, so a failure (an unusable RP key) leaves the
    // ticket pending rather than approved without a result.
    let callbacks = match (&released, kind.has_callback()) {
        (Some(fields), true) => {
            let today = sandbox_today(host);
            let (profile_values, eme_values) =
                consent::released_values(config, &persona.id, today, fields)?;
            let mut content = data_identifiers(&record);
            content.insert("profileFields".into(), profile_values.into());
            if kind != TicketKind::Profile {
                content.insert("eMEFields".into(), eme_values.into());
            }
            vec![callback_for(
                host,
                config,
                &record,
                DCode::Success,
                content,
            )?]
        }
        _ => Vec::new(),
    };
    let code = match kind {
        TicketKind::Login | TicketKind::AnonymousFormFilling => {
            Some(issue_code(host, config, &record, &persona.id)?)
        }
        TicketKind::Profile
        | TicketKind::FormFilling
        | TicketKind::Signing
        | TicketKind::AnonymousSigning
        | TicketKind::StepUp
        | TicketKind::BulkSigning => None,
    };
    record.decision = Decision::Approved {
        persona_id: persona.id,
        code,
        released,
    };
    save_ticket(host, &record)?;
    let mut status = status_of(&record, config, host.sandbox_now_ms());
    status.callbacks = callbacks;
    Ok(status)
}

/// The signer approves a signing request: only the logged-in user of an authenticated request may
/// (`D20003` for another persona), only an iAM Smart+ user (`D70004`) whose HKID matches `HKICHash`
/// (`D70005`); those refusals leave the ticket pending. A persona without an installed certificate is
/// refused with `D70002` and the ticket stays pending (the host issues one and tries again). A
/// revoked or expired certificate cannot sign: the ticket fails with `D70002`, and an authenticated
/// request's relying party gets that callback. Otherwise the signature is made, stored with the
/// ticket, and sent in the callback (authenticated) or kept for `getResult` behind a code (anonymous).
fn approve_signing(
    host: &mut dyn Host,
    config: &SandboxConfig,
    mut record: TicketRecord,
    persona_id: &str,
) -> Result<TicketStatus, ProtocolError> {
    let kind = record.request.kind();
    let Some(signing) = record.request.signing().cloned() else {
        return Err(ProtocolError::invalid("ticketID"));
    };
    if signing
        .persona_id
        .as_deref()
        .is_some_and(|owner| owner != persona_id)
    {
        return Err(ProtocolError::with_message(
            DCode::InvalidParameter,
            "invalid parameter personaID: the request is for the user logged in to the online service",
        ));
    }
    crate::signing::check_signer(config, persona_id, sandbox_today(host), &signing.details)?;
    require_step_up(host, &record, persona_id)?;
    let certificate = crate::persona_certificate::find(host, persona_id)?;
    if certificate.is_none() {
        return Err(ProtocolError::with_message(
            DCode::SigningFailed,
            format!(
                "signing failed: {}",
                crate::persona_certificate::NO_CERTIFICATE
            ),
        ));
    }
    let result = match crate::signing::sign(host, persona_id, &signing.details.document) {
        Ok(result) => result,
        Err(error) if error.code == DCode::SigningFailed => {
            // The certificate cannot sign (revoked, expired): the request fails for the RP.
            host.log(LogLevel::Info, "signing refused by the certificate's state");
            let callbacks = ending_callbacks(host, config, &record, Ending::Failed)?;
            record.decision = Decision::Failed;
            save_ticket(host, &record)?;
            let mut status = status_of(&record, config, host.sandbox_now_ms());
            status.callbacks = callbacks;
            return Ok(status);
        }
        Err(error) => return Err(error),
    };
    let callbacks = if kind.has_callback() {
        let mut content = data_identifiers(&record);
        content.extend(crate::signing::result_fields(
            &signing.details.document,
            &result,
        ));
        vec![callback_for(
            host,
            config,
            &record,
            DCode::Success,
            content,
        )?]
    } else {
        Vec::new()
    };
    let code = if kind.is_anonymous() {
        Some(issue_code(host, config, &record, persona_id)?)
    } else {
        None
    };
    if let Some(stored) = record.request.signing_mut() {
        stored.result = Some(result);
    }
    record.decision = Decision::Approved {
        persona_id: persona_id.to_owned(),
        code,
        released: None,
    };
    save_ticket(host, &record)?;
    let mut status = status_of(&record, config, host.sandbox_now_ms());
    status.callbacks = callbacks;
    Ok(status)
}

fn not_the_owner() -> ProtocolError {
    ProtocolError::with_message(
        DCode::InvalidParameter,
        "invalid parameter personaID: the request is for the user logged in to the online service",
    )
}

/// `Ok` unless the ticket asks for a step-up this persona has not completed (`D80002`).
fn require_step_up(
    host: &mut dyn Host,
    record: &TicketRecord,
    persona_id: &str,
) -> Result<(), ProtocolError> {
    match record.request.step_up() {
        None => Ok(()),
        Some(wanted) => {
            let status = step_up::status(host, wanted, &record.step_ups, Some(persona_id))?;
            step_up::require(&status)
        }
    }
}

/// The persona records a step-up factor (`FR` face recognition, `NFC` chip read) for a pending
/// ticket that asks for it, at sandbox time. Only the request's owner may (`D20003`); a method the
/// ticket does not ask for, or a ticket that asks for none, is `D20003`; a suspended persona
/// `D10001`. Answers the ticket's details as that persona sees them, with the step-up status.
pub(crate) fn complete_step_up(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
    persona_id: &str,
    method: &str,
) -> Result<TicketDetails, ProtocolError> {
    let mut record = load_pending_ticket(host, ticket_id)?;
    let method = StepUpFactor::parse(method).ok_or_else(|| ProtocolError::invalid("method"))?;
    let persona = persona::find_persona(config, persona_id)
        .ok_or_else(|| ProtocolError::invalid("personaID"))?;
    if persona.status == PersonaStatus::Suspended {
        return Err(ProtocolError::new(DCode::AccountSuspended));
    }
    if record
        .request
        .owner()
        .is_some_and(|owner| owner != persona.id)
    {
        return Err(not_the_owner());
    }
    let Some(wanted) = record.request.step_up() else {
        return Err(ProtocolError::with_message(
            DCode::InvalidParameter,
            "invalid parameter ticketID: the request asks for no step-up",
        ));
    };
    if !wanted.factors.contains(&method) {
        return Err(ProtocolError::with_message(
            DCode::InvalidParameter,
            format!(
                "invalid parameter method: the request does not ask for {}",
                method.as_str()
            ),
        ));
    }
    let at_ms = step_up::remember(host, &persona.id, method)?;
    record
        .step_ups
        .retain(|step| !(step.persona_id == persona.id && step.method == method));
    record.step_ups.push(PerformedStep {
        persona_id: persona.id.clone(),
        method,
        at_ms,
    });
    save_ticket(host, &record)?;
    ticket_details(host, config, ticket_id, Some(&persona.id))
}

/// The user re-authenticated: the step-up request's relying party gets the success callback.
fn approve_step_up(
    host: &mut dyn Host,
    config: &SandboxConfig,
    mut record: TicketRecord,
    persona_id: &str,
) -> Result<TicketStatus, ProtocolError> {
    require_step_up(host, &record, persona_id)?;
    let Some(wanted) = record.request.step_up().cloned() else {
        return Err(ProtocolError::invalid("ticketID"));
    };
    let mut content = data_identifiers(&record);
    content.insert("stepupAuthMethod".into(), wanted.method_json());
    content.insert("timestamp".into(), host.sandbox_now_ms().into());
    let callbacks = vec![callback_for(
        host,
        config,
        &record,
        DCode::Success,
        content,
    )?];
    record.decision = Decision::Approved {
        persona_id: persona_id.to_owned(),
        code: None,
        released: None,
    };
    save_ticket(host, &record)?;
    let mut status = status_of(&record, config, host.sandbox_now_ms());
    status.callbacks = callbacks;
    Ok(status)
}

/// The signer approves a bulk-signing request. As for single signing: only an iAM Smart+ user whose
/// HKID matches (`D70004`, `D70005`) with an installed certificate (`D70002`, the ticket waits);
/// a revoked or expired certificate fails the request (`D71002` callback). Otherwise the ticket is
/// approved with nothing signed yet and `signing_continues` set: the host carries on with
/// `continue_bulk_signing`.
fn approve_bulk(
    host: &mut dyn Host,
    config: &SandboxConfig,
    mut record: TicketRecord,
    persona_id: &str,
) -> Result<TicketStatus, ProtocolError> {
    let Some(bulk) = record.request.bulk().cloned() else {
        return Err(ProtocolError::invalid("ticketID"));
    };
    crate::signing::check_signer_identity(
        config,
        persona_id,
        sandbox_today(host),
        bulk.hkic_hash.as_deref(),
    )?;
    if crate::persona_certificate::find(host, persona_id)?.is_none() {
        return Err(ProtocolError::with_message(
            DCode::SigningFailed,
            format!(
                "signing failed: {}",
                crate::persona_certificate::NO_CERTIFICATE
            ),
        ));
    }
    if crate::persona_certificate::usable_credential(host, persona_id).is_err() {
        host.log(
            LogLevel::Info,
            "bulk signing refused by the certificate's state",
        );
        let callbacks = ending_callbacks(host, config, &record, Ending::Failed)?;
        record.decision = Decision::Failed;
        save_ticket(host, &record)?;
        let mut status = status_of(&record, config, host.sandbox_now_ms());
        status.callbacks = callbacks;
        return Ok(status);
    }
    record.decision = Decision::Approved {
        persona_id: persona_id.to_owned(),
        code: None,
        released: None,
    };
    save_ticket(host, &record)?;
    let mut status = status_of(&record, config, host.sandbox_now_ms());
    status.signing_continues = !bulk.is_finished();
    Ok(status)
}

/// Signs the next piece of an approved bulk-signing request and returns the result callbacks that
/// piece finished, in order, with `signing_continues` while documents remain. A ticket that is not
/// approved (or whose signing is done or was cancelled) answers its status with nothing to do; a
/// ticket of another kind is `D20003`.
pub(crate) fn continue_bulk_signing(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
) -> Result<TicketStatus, ProtocolError> {
    let mut record = load_ticket(host, ticket_id)?;
    let Some(mut bulk) = record.request.bulk().cloned() else {
        return Err(ProtocolError::invalid("ticketID"));
    };
    let Decision::Approved { persona_id, .. } = record.decision.clone() else {
        return Ok(status_of(&record, config, host.sandbox_now_ms()));
    };
    let parts = crate::bulk_signing::sign_next(host, ticket_id, &persona_id, &mut bulk)?;
    let mut callbacks = Vec::with_capacity(parts.len());
    for part in parts {
        let mut content = data_identifiers(&record);
        content.extend(part);
        callbacks.push(callback_for(
            host,
            config,
            &record,
            DCode::Success,
            content,
        )?);
    }
    let more = !bulk.is_finished();
    if let Some(stored) = record.request.bulk_mut() {
        *stored = bulk;
    }
    save_ticket(host, &record)?;
    let mut status = status_of(&record, config, host.sandbox_now_ms());
    status.callbacks = callbacks;
    status.signing_continues = more;
    Ok(status)
}

/// A bulk-signing ticket's state and request; `None` for a ticket of another kind.
pub(crate) fn bulk_request(
    host: &mut dyn Host,
    ticket_id: &str,
) -> Result<Option<(TicketState, crate::request::BulkSigningRequest)>, ProtocolError> {
    let record = load_ticket(host, ticket_id)?;
    let state = state_of(&record, host.sandbox_now_ms());
    Ok(record.request.bulk().cloned().map(|bulk| (state, bulk)))
}

/// Changes a bulk-signing ticket's stored request.
pub(crate) fn update_bulk(
    host: &mut dyn Host,
    ticket_id: &str,
    change: impl FnOnce(&mut crate::request::BulkSigningRequest),
) -> Result<(), ProtocolError> {
    let mut record = load_ticket(host, ticket_id)?;
    if let Some(bulk) = record.request.bulk_mut() {
        change(bulk);
    }
    save_ticket(host, &record)
}

/// The relying party withdraws a pending request: it ends cancelled, with no callback (the relying
/// party asked).
pub(crate) fn cancel_by_relying_party(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
) -> Result<TicketStatus, ProtocolError> {
    let mut record = load_pending_ticket(host, ticket_id)?;
    record.decision = Decision::Cancelled;
    save_ticket(host, &record)?;
    Ok(status_of(&record, config, host.sandbox_now_ms()))
}

/// A signing ticket's state and request; `None` for a ticket of another kind.
pub(crate) fn signing_request(
    host: &mut dyn Host,
    ticket_id: &str,
) -> Result<Option<(TicketState, crate::request::SigningRequest)>, ProtocolError> {
    let record = load_ticket(host, ticket_id)?;
    let state = state_of(&record, host.sandbox_now_ms());
    Ok(record
        .request
        .signing()
        .cloned()
        .map(|signing| (state, signing)))
}

/// The persona who approved the ticket, if it is approved.
pub(crate) fn approver(
    host: &mut dyn Host,
    ticket_id: &str,
) -> Result<Option<String>, ProtocolError> {
    Ok(match load_ticket(host, ticket_id)?.decision {
        Decision::Approved { persona_id, .. } => Some(persona_id),
        _ => None,
    })
}

/// `businessID` and `state` of a ticket.
pub(crate) fn identifiers(
    host: &mut dyn Host,
    ticket_id: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, ProtocolError> {
    Ok(data_identifiers(&load_ticket(host, ticket_id)?))
}

/// Records the relying party's `ackResult` on the signing ticket.
pub(crate) fn acknowledge_signing(
    host: &mut dyn Host,
    ticket_id: &str,
    signing_result: &str,
) -> Result<(), ProtocolError> {
    let mut record = load_ticket(host, ticket_id)?;
    if let Some(signing) = record.request.signing_mut() {
        signing.acknowledged = Some(signing_result.to_owned());
    }
    save_ticket(host, &record)
}

/// `businessID` and `state` of a data request's ticket, the identifiers every result and callback
/// carries.
fn data_identifiers(record: &TicketRecord) -> serde_json::Map<String, serde_json::Value> {
    let mut content = serde_json::Map::new();
    if let Some(business_id) = record.request.business_id() {
        content.insert("businessID".into(), business_id.into());
    }
    if let Some(state) = &record.state {
        content.insert("state".into(), state.clone().into());
    }
    content
}

/// The callback announcing `code` for this ticket, to the registered callback URL or, without one,
/// to the request's `redirectURI`.
fn callback_for(
    host: &mut dyn Host,
    config: &SandboxConfig,
    record: &TicketRecord,
    code: DCode,
    content: serde_json::Map<String, serde_json::Value>,
) -> Result<Callback, ProtocolError> {
    let bulk_url = record
        .request
        .bulk()
        .and_then(|bulk| bulk.callback_url.clone());
    let url = bulk_url
        .or_else(|| config.callback_url.clone())
        .or_else(|| record.redirect_uri.clone())
        .ok_or_else(|| ProtocolError::with_message(DCode::UnknownException, "no callback URL"))?;
    // Bulk-signing results are multipart (PROTOCOL §6); data requests say what they want.
    let content_type = match (&record.request.data(), record.request.kind()) {
        (Some(data), _) => data.callback_content_type,
        (None, TicketKind::BulkSigning) => crate::request::CallbackContentType::Multipart,
        (None, _) => crate::request::CallbackContentType::default(),
    };
    callback::build(
        host,
        config,
        CallbackMessage {
            ticket_id: &record.ticket_id,
            url,
            content_type,
            code,
            content: content.into(),
        },
    )
}

/// The failure callback for a data request that ended without approval; none for other kinds.
fn ending_callbacks(
    host: &mut dyn Host,
    config: &SandboxConfig,
    record: &TicketRecord,
    ending: Ending,
) -> Result<Vec<Callback>, ProtocolError> {
    let kind = record.request.kind();
    if !kind.has_callback() {
        return Ok(Vec::new());
    }
    let content = data_identifiers(record);
    Ok(vec![callback_for(
        host,
        config,
        record,
        kind.ending_code(ending),
        content,
    )?])
}

/// The user rejects, cancels or the app fails: the ticket ends with that kind's D-code.
fn settle(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
    decision: Decision,
    ending: Ending,
) -> Result<TicketStatus, ProtocolError> {
    let mut record = load_pending_ticket(host, ticket_id)?;
    let callbacks = ending_callbacks(host, config, &record, ending)?;
    record.decision = decision;
    save_ticket(host, &record)?;
    let mut status = status_of(&record, config, host.sandbox_now_ms());
    status.callbacks = callbacks;
    Ok(status)
}

pub(crate) fn reject_ticket(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
) -> Result<TicketStatus, ProtocolError> {
    settle(
        host,
        config,
        ticket_id,
        Decision::Rejected,
        Ending::Rejected,
    )
}

pub(crate) fn cancel_ticket(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
) -> Result<TicketStatus, ProtocolError> {
    settle(
        host,
        config,
        ticket_id,
        Decision::Cancelled,
        Ending::Cancelled,
    )
}

/// The app fails while answering (`D40002`, `D50002`, `D60002` by kind).
pub(crate) fn fail_ticket(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
) -> Result<TicketStatus, ProtocolError> {
    settle(host, config, ticket_id, Decision::Failed, Ending::Failed)
}

/// Ends the wait at once, as if the user had let the request time out (`D40003`, `D50003`,
/// `D60003` by kind): the virtual phone's "skip to the timeout" for developers who do not want to
/// wait 18 minutes. The ticket's expiry moves to now; nothing else in the sandbox changes. A data
/// request's relying party gets its timeout callback; one that times out by itself gets none, as
/// the protocol expects RPs to give up after 18 minutes without a callback.
pub(crate) fn expire_ticket(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
) -> Result<TicketStatus, ProtocolError> {
    let mut record = load_pending_ticket(host, ticket_id)?;
    let callbacks = ending_callbacks(host, config, &record, Ending::TimedOut)?;
    let now = host.sandbox_now_ms();
    record.expires_at_ms = now;
    save_ticket(host, &record)?;
    let mut status = status_of(&record, config, now);
    status.callbacks = callbacks;
    Ok(status)
}

/// What the phone shows before the user answers: the status, and for data requests the form and
/// every requested field with the values of the persona the request is for (authenticated) or of
/// `persona_id` (anonymous, once the user picked one).
pub(crate) fn ticket_details(
    host: &mut dyn Host,
    config: &SandboxConfig,
    ticket_id: &str,
    persona_id: Option<&str>,
) -> Result<TicketDetails, ProtocolError> {
    let record = load_ticket(host, ticket_id)?;
    let status = status_of(&record, config, host.sandbox_now_ms());
    let data = record.request.data();
    let shown = record
        .request
        .owner()
        .map(str::to_owned)
        .or_else(|| persona_id.map(str::to_owned));
    let profile = match (&shown, data) {
        (Some(id), Some(_)) => Some(persona::require_profile(config, id, sandbox_today(host))?),
        _ => None,
    };
    let step_up = match record.request.step_up() {
        Some(wanted) => Some(Box::new(step_up::status(
            host,
            wanted,
            &record.step_ups,
            shown.as_deref(),
        )?)),
        None => None,
    };
    Ok(TicketDetails {
        status,
        business_id: record.request.business_id().map(str::to_owned),
        persona_id: shown,
        form: data.and_then(|data| data.form.clone()),
        fields: data
            .map(|data| consent::requested_fields(data, profile.as_ref()))
            .unwrap_or_default(),
        signing: record
            .request
            .signing()
            .map(|signing| Box::new(crate::signing_api::SigningView::of(signing))),
        step_up,
        bulk_signing: match record.request.bulk() {
            Some(bulk) => Some(Box::new(crate::bulk_signing::view(host, ticket_id, bulk)?)),
            None => None,
        },
    })
}

/// A data request's ticket: created by an initiateRequest API, answered on the phone. Authenticated
/// requests (with a `redirect_uri`) join the phone's pending list at once; anonymous ones wait for a
/// browser to attach through getQR.
pub(crate) struct NewTicket {
    pub request: TicketRequest,
    pub redirect_uri: Option<String>,
    pub state: Option<String>,
    pub source: Option<String>,
    pub scope: Vec<String>,
    pub lang: Lang,
}

pub(crate) fn create_ticket(
    host: &mut dyn Host,
    config: &SandboxConfig,
    new: NewTicket,
) -> Result<TicketStatus, ProtocolError> {
    let now = host.sandbox_now_ms();
    let listed = !new.request.kind().is_anonymous();
    let record = TicketRecord {
        ticket_id: host::random_uuid(host),
        client_id: config.client_id.clone(),
        redirect_uri: new.redirect_uri,
        state: new.state,
        scope: new.scope,
        lang: new.lang,
        source: new.source,
        broker_page: false,
        created_at_ms: now,
        expires_at_ms: now.saturating_add(config.ticket_lifetime_ms),
        decision: Decision::Pending,
        request: new.request,
        step_ups: Vec::new(),
    };
    save_ticket(host, &record)?;
    if listed {
        list_as_pending(host, &record)?;
    }
    Ok(status_of(&record, config, now))
}

/// An approved anonymous ticket's result for getResult: who approved, which fields, and the
/// identifiers; `None` while it is not approved.
pub(crate) struct ApprovedData {
    pub persona_id: String,
    pub released: Vec<String>,
    pub identifiers: serde_json::Map<String, serde_json::Value>,
    pub state: TicketState,
}

pub(crate) fn approved_data(
    host: &mut dyn Host,
    ticket_id: &str,
) -> Result<ApprovedData, ProtocolError> {
    let record = load_ticket(host, ticket_id)?;
    let state = state_of(&record, host.sandbox_now_ms());
    let (persona_id, released) = match &record.decision {
        Decision::Approved {
            persona_id,
            released,
            ..
        } => (persona_id.clone(), released.clone().unwrap_or_default()),
        _ => (String::new(), Vec::new()),
    };
    Ok(ApprovedData {
        persona_id,
        released,
        identifiers: data_identifiers(&record),
        state,
    })
}

/// The kind of a stored ticket.
pub(crate) fn ticket_kind(
    host: &mut dyn Host,
    ticket_id: &str,
) -> Result<TicketKind, ProtocolError> {
    load_ticket(host, ticket_id).map(|record| record.request.kind())
}

/// Takes an authorisation code out of the store: it works once, for this client, before it expires
/// on the sandbox clock; anything else is `D40004`.
pub(crate) fn redeem_code(
    host: &mut dyn Host,
    config: &SandboxConfig,
    code: &str,
) -> Result<CodeRecord, ProtocolError> {
    let key = store::code_key(code);
    let record: Option<CodeRecord> = store::get(host, &key)?;
    store::delete(host, &key);
    match record {
        Some(record)
            if record.client_id == config.client_id
                && host.sandbox_now_ms() < record.expires_at_ms =>
        {
            Ok(record)
        }
        _ => Err(ProtocolError::new(DCode::AuthorisationCodeInvalid)),
    }
}

/// A ticket waiting for a browser, as anonymous requests will create them. Only tests use it until
/// those flows exist.
#[cfg(test)]
pub(crate) fn create_unattached_ticket(
    host: &mut dyn Host,
    config: &SandboxConfig,
) -> Result<String, ProtocolError> {
    let now = host.sandbox_now_ms();
    let record = TicketRecord {
        ticket_id: host::random_uuid(host),
        client_id: config.client_id.clone(),
        redirect_uri: None,
        state: None,
        scope: Vec::new(),
        lang: Lang::default(),
        source: None,
        broker_page: false,
        created_at_ms: now,
        expires_at_ms: now.saturating_add(config.ticket_lifetime_ms),
        decision: Decision::Pending,
        request: TicketRequest::Login,
        step_ups: Vec::new(),
    };
    save_ticket(host, &record)?;
    Ok(record.ticket_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory_host::MemoryHost;
    use crate::persona::{IAMSMART_PLUS_USER, IAMSMART_USER, SUSPENDED_USER};
    use crate::testkit::{self, CLIENT_ID, REDIRECT_URI};

    fn params() -> GetQrParams {
        GetQrParams {
            client_id: Some(CLIENT_ID.into()),
            response_type: Some("code".into()),
            source: Some("PC_Browser".into()),
            redirect_uri: Some(REDIRECT_URI.into()),
            scope: Some("eidapi_auth".into()),
            lang: None,
            state: Some("abc_DEF-123".into()),
            broker_page: None,
            ticket_id: None,
        }
    }

    fn start(host: &mut MemoryHost, params: &GetQrParams) -> Result<LoginStarted, ProtocolError> {
        begin_login(host, &testkit::config(), params)
    }

    fn error_for(change: impl FnOnce(&mut GetQrParams)) -> ProtocolError {
        let mut params = params();
        change(&mut params);
        start(&mut MemoryHost::new(1), &params).expect_err("should be rejected")
    }

    #[test]
    fn a_valid_get_qr_starts_a_pending_ticket_with_the_ticket_lifetime() {
        let mut host = MemoryHost::new(1);
        let started = start(&mut host, &params()).expect("starts");
        assert_eq!(started.expires_in_ms, 18 * 60_000);
        assert_eq!(started.expires_at_ms, host.sandbox_now_ms() + 18 * 60_000);
        assert_eq!(started.lang, Lang::ZhHk);
        assert!(!started.broker_page);
        assert_eq!(started.scope, ["eidapi_auth"]);
        assert_eq!(
            started.app_link,
            format!(
                "hk.gov.iamsmart.testapp://auth?ticketID={}",
                started.ticket_id
            )
        );
        let status =
            ticket_status(&mut host, &testkit::config(), &started.ticket_id).expect("status");
        assert_eq!(status.state, TicketState::Pending);
        assert_eq!(status.redirect_url, None);
    }

    #[test]
    fn the_query_parser_accepts_capitalised_broker_page_plus_signs_extra_params_and_any_order() {
        let query = "cScope=whatever&brokerPage=True&state=s1&scope=eidapi_auth+eidapi_profiles\
            &redirectURI=https%3A%2F%2Frp.example%2Fcallback&source=iOS_Safari&responseType=code\
            &lang=en-US&clientID=0123456789abcdef0123456789abcdef";
        let params = GetQrParams::from_query(query);
        assert_eq!(params.scope.as_deref(), Some("eidapi_auth eidapi_profiles"));
        assert_eq!(params.redirect_uri.as_deref(), Some(REDIRECT_URI));
        let mut host = MemoryHost::new(1);
        let started = start(&mut host, &params).expect("starts");
        assert!(started.broker_page);
        assert_eq!(started.lang, Lang::EnUs);
        assert_eq!(started.scope, ["eidapi_auth", "eidapi_profiles"]);
        assert_eq!(started.state.as_deref(), Some("s1"));
    }

    #[test]
    fn the_query_parser_keeps_the_first_of_repeated_names_and_tolerates_junk() {
        let params = GetQrParams::from_query("?state=one&state=two&&=x&novalue&lang");
        assert_eq!(params.state.as_deref(), Some("one"));
        assert_eq!(params.lang.as_deref(), Some(""));
        assert_eq!(params.client_id, None);
    }

    #[test]
    fn each_missing_mandatory_parameter_is_a_d20001_naming_it() {
        type Change = fn(&mut GetQrParams);
        let cases: [(&str, Change); 5] = [
            ("clientID", |p| p.client_id = None),
            ("responseType", |p| p.response_type = None),
            ("source", |p| p.source = None),
            ("redirectURI", |p| p.redirect_uri = None),
            ("scope", |p| p.scope = None),
        ];
        for (name, change) in cases {
            let error = error_for(change);
            assert_eq!(error, ProtocolError::missing(name));
        }
    }

    #[test]
    fn an_empty_mandatory_parameter_is_a_d20002() {
        let error = error_for(|p| p.source = Some(String::new()));
        assert_eq!(error, ProtocolError::empty("source"));
    }

    #[test]
    fn parameter_values_map_to_their_d_codes() {
        assert_eq!(
            error_for(|p| p.client_id = Some("ffffffffffffffffffffffffffffffff".into())).code,
            DCode::AuthorisationFailed
        );
        assert_eq!(
            error_for(|p| p.response_type = Some("token".into())),
            ProtocolError::invalid("responseType")
        );
        assert_eq!(
            error_for(|p| p.source = Some("Windows_Phone".into())).code,
            DCode::UnsupportedSource
        );
        assert_eq!(
            error_for(|p| p.redirect_uri = Some("https://rp.example/callback/".into())).code,
            DCode::InvalidServiceUrl
        );
        assert_eq!(
            error_for(|p| p.scope = Some("eidapi_auth eidapi_unknown".into())),
            ProtocolError::invalid("scope")
        );
        assert_eq!(
            error_for(|p| p.scope = Some("eidapi_auth eidapi_bulksign".into())).code,
            DCode::ScopeMismatch
        );
        assert_eq!(
            error_for(|p| p.lang = Some("fr-FR".into())),
            ProtocolError::invalid("lang")
        );
        assert_eq!(
            error_for(|p| p.broker_page = Some("yes".into())),
            ProtocolError::invalid("brokerPage")
        );
        assert_eq!(
            error_for(|p| p.ticket_id = Some("no-such-ticket".into())),
            ProtocolError::invalid("ticketID")
        );
    }

    #[test]
    fn state_must_be_at_most_36_safe_characters() {
        assert_eq!(
            error_for(|p| p.state = Some("a".repeat(37))),
            ProtocolError::invalid("state")
        );
        assert_eq!(
            error_for(|p| p.state = Some("a b".into())),
            ProtocolError::invalid("state")
        );
        let mut params = params();
        params.state = Some("a".repeat(36));
        assert!(start(&mut MemoryHost::new(1), &params).is_ok());
        params.state = Some(String::new());
        let started = start(&mut MemoryHost::new(1), &params).expect("empty state is absent");
        assert_eq!(started.state, None);
    }

    #[test]
    fn every_documented_source_is_accepted() {
        for source in SOURCES {
            let mut params = params();
            params.source = Some(source.into());
            assert!(start(&mut MemoryHost::new(1), &params).is_ok(), "{source}");
        }
    }

    #[test]
    fn approving_issues_a_code_and_redirects_with_code_and_state() {
        let mut host = MemoryHost::new(1);
        let config = testkit::config();
        let started = start(&mut host, &params()).expect("starts");
        let status = approve_ticket(&mut host, &config, &started.ticket_id, IAMSMART_USER)
            .expect("approves");
        assert_eq!(status.state, TicketState::Approved);
        let url = status.redirect_url.expect("redirect");
        let code = url
            .strip_prefix(&format!("{REDIRECT_URI}?code="))
            .and_then(|rest| rest.strip_suffix("&state=abc_DEF-123"))
            .expect("code=…&state=…")
            .to_owned();
        assert_eq!(code.len(), 32);
        let stored = host
            .entries()
            .get(&store::code_key(&code))
            .cloned()
            .expect("code stored");
        assert_eq!(stored.expires_at_ms, Some(host.sandbox_now_ms() + 60_000));
        assert_eq!(
            ticket_status(&mut host, &testkit::config(), &started.ticket_id)
                .expect("status")
                .redirect_url,
            Some(url)
        );
    }

    #[test]
    fn rejecting_cancelling_and_timing_out_redirect_with_their_error_codes() {
        let config = testkit::config();
        let mut host = MemoryHost::new(1);
        let rejected = start(&mut host, &params()).expect("starts").ticket_id;
        let cancelled = start(&mut host, &params()).expect("starts").ticket_id;
        let ignored = start(&mut host, &params()).expect("starts").ticket_id;
        let status = reject_ticket(&mut host, &testkit::config(), &rejected).expect("rejects");
        assert_eq!(status.state, TicketState::Rejected);
        assert_eq!(
            status.redirect_url.as_deref(),
            Some("https://rp.example/callback?error_code=D40001&state=abc_DEF-123")
        );
        let status = cancel_ticket(&mut host, &testkit::config(), &cancelled).expect("cancels");
        assert_eq!(
            status.redirect_url.as_deref(),
            Some("https://rp.example/callback?error_code=D40000&state=abc_DEF-123")
        );
        host.travel_ms(config.ticket_lifetime_ms);
        let status = ticket_status(&mut host, &testkit::config(), &ignored).expect("status");
        assert_eq!(status.state, TicketState::TimedOut);
        assert_eq!(
            status.redirect_url.as_deref(),
            Some("https://rp.example/callback?error_code=D40003&state=abc_DEF-123")
        );
    }

    #[test]
    fn a_timed_out_ticket_cannot_be_answered() {
        let config = testkit::config();
        let mut host = MemoryHost::new(1);
        let ticket = start(&mut host, &params()).expect("starts").ticket_id;
        host.travel_ms(config.ticket_lifetime_ms - 1);
        assert_eq!(
            ticket_status(&mut host, &testkit::config(), &ticket).map(|s| s.state),
            Ok(TicketState::Pending)
        );
        host.travel_ms(1);
        let error = approve_ticket(&mut host, &config, &ticket, IAMSMART_USER).expect_err("late");
        assert_eq!(error.code, DCode::AuthenticationTimeout);
        assert_eq!(
            reject_ticket(&mut host, &testkit::config(), &ticket).map_err(|e| e.code),
            Err(DCode::AuthenticationTimeout)
        );
    }

    #[test]
    fn a_ticket_answered_once_cannot_be_answered_again() {
        let config = testkit::config();
        let mut host = MemoryHost::new(1);
        let ticket = start(&mut host, &params()).expect("starts").ticket_id;
        approve_ticket(&mut host, &config, &ticket, IAMSMART_USER).expect("approves");
        for result in [
            approve_ticket(&mut host, &config, &ticket, IAMSMART_PLUS_USER),
            reject_ticket(&mut host, &testkit::config(), &ticket),
            cancel_ticket(&mut host, &testkit::config(), &ticket),
        ] {
            assert_eq!(result.map_err(|e| e.code), Err(DCode::DuplicatedRequest));
        }
    }

    #[test]
    fn a_suspended_persona_cannot_approve_and_the_ticket_stays_pending() {
        let config = testkit::config();
        let mut host = MemoryHost::new(1);
        let ticket = start(&mut host, &params()).expect("starts").ticket_id;
        let error =
            approve_ticket(&mut host, &config, &ticket, SUSPENDED_USER).expect_err("suspended");
        assert_eq!(error.code, DCode::AccountSuspended);
        assert_eq!(error.code.code(), "D10001");
        assert_eq!(
            ticket_status(&mut host, &testkit::config(), &ticket).map(|s| s.state),
            Ok(TicketState::Pending)
        );
        assert!(host.entries().keys().all(|key| !key.starts_with("code/")));
        let error = approve_ticket(&mut host, &config, &ticket, "nobody").expect_err("unknown");
        assert_eq!(error, ProtocolError::invalid("personaID"));
        assert!(approve_ticket(&mut host, &config, &ticket, IAMSMART_PLUS_USER).is_ok());
    }

    #[test]
    fn unknown_tickets_are_invalid_parameters() {
        let mut host = MemoryHost::new(1);
        let config = testkit::config();
        assert_eq!(
            ticket_status(&mut host, &testkit::config(), "nope"),
            Err(ProtocolError::invalid("ticketID"))
        );
        assert_eq!(
            approve_ticket(&mut host, &config, "nope", IAMSMART_USER),
            Err(ProtocolError::invalid("ticketID"))
        );
        assert_eq!(
            cancel_ticket(&mut host, &testkit::config(), "nope"),
            Err(ProtocolError::invalid("ticketID"))
        );
    }

    #[test]
    fn the_auto_responder_approves_a_login_at_once() {
        let mut config = testkit::config();
        config.auto_responder = Some(IAMSMART_PLUS_USER.into());
        let mut host = MemoryHost::new(1);
        let started = begin_login(&mut host, &config, &params()).expect("starts");
        let status =
            ticket_status(&mut host, &testkit::config(), &started.ticket_id).expect("status");
        assert_eq!(status.state, TicketState::Approved);
        assert!(
            status
                .redirect_url
                .is_some_and(|url| url.contains("?code="))
        );
    }

    #[test]
    fn an_auto_responder_that_cannot_approve_leaves_the_ticket_pending_and_logs_why() {
        let mut config = testkit::config();
        config.auto_responder = Some(SUSPENDED_USER.into());
        let mut host = MemoryHost::new(1);
        let started = begin_login(&mut host, &config, &params()).expect("starts");
        let status =
            ticket_status(&mut host, &testkit::config(), &started.ticket_id).expect("status");
        assert_eq!(status.state, TicketState::Pending);
        assert!(
            host.logs()
                .iter()
                .any(|(level, line)| *level == LogLevel::Warn && line.contains("D10001"))
        );
    }

    #[test]
    fn auto_responder_personas_approve_reject_or_never_answer_and_say_where_to_go() {
        let mut config = testkit::config();
        let mut host = MemoryHost::new(1);
        config.auto_responder = Some(persona::AUTO_APPROVE.into());
        let approved = begin_login(&mut host, &config, &params()).expect("starts");
        assert!(
            approved
                .redirect_url
                .is_some_and(|url| url.starts_with(&format!("{REDIRECT_URI}?code=")))
        );
        config.auto_responder = Some(persona::AUTO_REJECT.into());
        let rejected = begin_login(&mut host, &config, &params()).expect("starts");
        assert_eq!(
            rejected.redirect_url.as_deref(),
            Some("https://rp.example/callback?error_code=D40001&state=abc_DEF-123")
        );
        config.auto_responder = Some(persona::NO_ANSWER.into());
        let silent = begin_login(&mut host, &config, &params()).expect("starts");
        assert_eq!(silent.redirect_url, None);
        host.travel_ms(config.ticket_lifetime_ms);
        let status = ticket_status(&mut host, &config, &silent.ticket_id).expect("status");
        assert_eq!(status.state, TicketState::TimedOut);
    }

    #[test]
    fn the_pending_list_shows_unanswered_live_tickets_newest_first_with_who_is_asking() {
        let mut config = testkit::config();
        config.service_name = "Demo Bank".into();
        let mut host = MemoryHost::new(1);
        let older = start(&mut host, &params()).expect("starts").ticket_id;
        let answered = start(&mut host, &params()).expect("starts").ticket_id;
        let newer = start(&mut host, &params()).expect("starts").ticket_id;
        approve_ticket(&mut host, &config, &answered, IAMSMART_USER).expect("approves");
        let pending = pending_tickets(&mut host, &config).expect("lists");
        let ids: Vec<&str> = pending.iter().map(|t| t.ticket_id.as_str()).collect();
        assert_eq!(ids, [newer.as_str(), older.as_str()]);
        assert_eq!(pending[0].service_name, "Demo Bank");
        assert_eq!(pending[0].source.as_deref(), Some("PC_Browser"));
        assert_eq!(pending[0].expires_in_ms, config.ticket_lifetime_ms);
        host.travel_ms(config.ticket_lifetime_ms);
        assert_eq!(pending_tickets(&mut host, &config), Ok(Vec::new()));
    }

    #[test]
    fn the_pending_list_keeps_only_the_newest_tickets() {
        let config = testkit::config();
        let mut host = MemoryHost::new(1);
        let first = start(&mut host, &params()).expect("starts").ticket_id;
        for _ in 0..MAX_LISTED_PENDING {
            start(&mut host, &params()).expect("starts");
        }
        let pending = pending_tickets(&mut host, &config).expect("lists");
        assert_eq!(pending.len(), MAX_LISTED_PENDING);
        assert!(pending.iter().all(|ticket| ticket.ticket_id != first));
        // Off the list is not forgotten: the ticket can still be answered by its ID.
        assert!(approve_ticket(&mut host, &config, &first, IAMSMART_USER).is_ok());
    }

    #[test]
    fn expiring_a_ticket_times_it_out_now_without_moving_the_sandbox_clock() {
        let config = testkit::config();
        let mut host = MemoryHost::new(1);
        let before = host.sandbox_now_ms();
        let ticket = start(&mut host, &params()).expect("starts").ticket_id;
        let other = start(&mut host, &params()).expect("starts").ticket_id;
        let status = expire_ticket(&mut host, &config, &ticket).expect("expires");
        assert_eq!(status.state, TicketState::TimedOut);
        assert_eq!(status.expires_in_ms, 0);
        assert_eq!(
            status.redirect_url.as_deref(),
            Some("https://rp.example/callback?error_code=D40003&state=abc_DEF-123")
        );
        assert_eq!(host.sandbox_now_ms(), before);
        assert_eq!(
            ticket_status(&mut host, &config, &other).map(|s| s.state),
            Ok(TicketState::Pending)
        );
        assert_eq!(
            expire_ticket(&mut host, &config, &ticket).map_err(|e| e.code),
            Err(DCode::AuthenticationTimeout)
        );
    }

    #[test]
    fn get_qr_with_a_ticket_id_attaches_the_browser_to_an_anonymous_ticket_once() {
        let config = testkit::config();
        let mut host = MemoryHost::new(1);
        let ticket = create_unattached_ticket(&mut host, &config).expect("created");
        let mut with_ticket = params();
        with_ticket.ticket_id = Some(ticket.clone());
        let started = begin_login(&mut host, &config, &with_ticket).expect("attaches");
        assert_eq!(started.ticket_id, ticket);
        let again = begin_login(&mut host, &config, &with_ticket).expect_err("already attached");
        assert_eq!(again, ProtocolError::invalid("ticketID"));
        let status = reject_ticket(&mut host, &testkit::config(), &ticket).expect("rejects");
        assert!(
            status
                .redirect_url
                .is_some_and(|url| url.contains("error_code=D40001"))
        );
    }

    #[test]
    fn an_unattached_ticket_past_its_lifetime_cannot_be_attached() {
        let config = testkit::config();
        let mut host = MemoryHost::new(1);
        let ticket = create_unattached_ticket(&mut host, &config).expect("created");
        host.travel_ms(config.ticket_lifetime_ms);
        let mut with_ticket = params();
        with_ticket.ticket_id = Some(ticket);
        let error = begin_login(&mut host, &config, &with_ticket).expect_err("expired");
        assert_eq!(error.code, DCode::AuthenticationTimeout);
    }

    #[test]
    fn redirects_keep_an_existing_query_and_fragment_in_place() {
        assert_eq!(
            append_query(
                "https://rp.example/cb?x=1#top",
                &[("code", "a+b"), ("state", "s")]
            ),
            "https://rp.example/cb?x=1&code=a%2Bb&state=s#top"
        );
        assert_eq!(
            append_query("https://rp.example/cb", &[("code", "c")]),
            "https://rp.example/cb?code=c"
        );
    }

    #[test]
    fn a_code_is_redeemed_once_and_not_after_it_expires() {
        let config = testkit::config();
        let mut host = MemoryHost::new(1);
        let first = start(&mut host, &params()).expect("starts").ticket_id;
        let second = start(&mut host, &params()).expect("starts").ticket_id;
        let code_of = |status: TicketStatus| {
            status
                .redirect_url
                .and_then(|url| url.split("code=").nth(1).map(|rest| rest[..32].to_owned()))
                .expect("code in redirect")
        };
        let code = code_of(approve_ticket(&mut host, &config, &first, IAMSMART_USER).expect("ok"));
        let record = redeem_code(&mut host, &config, &code).expect("first use");
        assert_eq!(record.persona_id, IAMSMART_USER);
        assert_eq!(record.ticket_id, first);
        assert_eq!(
            redeem_code(&mut host, &config, &code).map_err(|e| e.code),
            Err(DCode::AuthorisationCodeInvalid)
        );
        let code = code_of(approve_ticket(&mut host, &config, &second, IAMSMART_USER).expect("ok"));
        host.travel_ms(config.code_lifetime_ms);
        assert_eq!(
            redeem_code(&mut host, &config, &code).map_err(|e| e.code),
            Err(DCode::AuthorisationCodeInvalid)
        );
    }

    #[test]
    fn tickets_are_kept_for_an_hour_after_they_expire() {
        let mut host = MemoryHost::new(1);
        let started = start(&mut host, &params()).expect("starts");
        let entry = host
            .entries()
            .get(&store::ticket_key(&started.ticket_id))
            .cloned()
            .expect("stored");
        assert_eq!(
            entry.expires_at_ms,
            Some(started.expires_at_ms + TICKET_RETENTION_MS)
        );
    }
}
