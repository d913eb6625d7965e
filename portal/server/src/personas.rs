//! The console's persona pages, `/console/sandboxes/{id}/personas…`: a sandbox's personas with its persona set
//! (catalogue, custom, or both), a form to create or edit one, JSON import, export (`personas.json`) and reset to
//! the catalogue.
//!
//! They are server-rendered with maud and plain form posts rather than Leptos pages: the hydrate bundle is over
//! its size budget, and these pages need no client-side behaviour. They keep the console's rules: the session
//! cookie names the developer, every post carries the CSRF token (double submit against the `portal_csrf`
//! cookie, compared in constant time), members read, Creators change, everyone else gets "not found".
//!
//! A sandbox's custom personas and persona set live in its `SandboxConfig`, so a change reaches the phone, the
//! API and automation with the next request. Every change is checked with `mock_iamsmart::persona::custom` (the
//! identity generator's own rules) and must leave the sandbox consistent: at most 50 personas, unique ids, and an
//! auto-responder that still exists. Persona data is synthetic, but nothing here logs it.

use std::collections::BTreeMap;

use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use mock_iamsmart::{
    FieldError, Lang, SandboxConfig,
    identity::CivilDate,
    persona::{self, CustomPersona, PersonaSet, catalogue, custom},
};
use sandbox_runtime::{Runtime, SandboxId};
use serde::Deserialize;

use crate::accounts::{Accounts, SessionToken};
use crate::orgs::{OrgError, Orgs, SandboxSummary};
use crate::words::personas::PersonaText;

mod pages;

/// The cookie the console's session token travels in.
const SESSION_COOKIE: &str = "portal_session";
/// The cookie a form's CSRF token is compared against.
const CSRF_COOKIE: &str = "portal_csrf";

/// A rule a field broke: `field` is the JSON path (`profile.idNo.CheckDigit`), `message` the rule, never the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblemView {
    pub field: String,
    pub message: String,
}

/// One persona in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonaRow {
    pub id: String,
    pub display_name: String,
    pub user_type: String,
    pub status: String,
    pub answers: String,
    pub scenario: String,
    /// `catalogue`, `custom` (the developer's own) or `customised` (a catalogue persona they edited).
    pub origin: String,
}

/// Why a page cannot be shown or a change made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    SignInFirst,
    NotFound,
    Forbidden,
    ExpiredForm,
    Unavailable,
}

impl Refusal {
    fn status(self) -> StatusCode {
        match self {
            Refusal::SignInFirst => StatusCode::UNAUTHORIZED,
            Refusal::NotFound => StatusCode::NOT_FOUND,
            Refusal::Forbidden | Refusal::ExpiredForm => StatusCode::FORBIDDEN,
            Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn message(self, words: &PersonaText) -> &'static str {
        match self {
            Refusal::SignInFirst => words.sign_in_first,
            Refusal::NotFound => words.not_found,
            Refusal::Forbidden => words.read_only,
            Refusal::ExpiredForm => words.expired_form,
            Refusal::Unavailable => words.unavailable,
        }
    }
}

/// The persona pages' state: accounts for sessions, organisations for roles, the runtime for configurations.
#[derive(Clone)]
pub struct PortalPersonas {
    pub accounts: Accounts,
    pub orgs: Orgs,
    pub runtime: Runtime,
    /// Whether cookies this module sets must be `Secure`.
    pub secure_cookies: bool,
}

/// A sandbox opened for the caller: what it is, whether they may change it, and its configuration.
struct Opened {
    summary: SandboxSummary,
    can_edit: bool,
    config: SandboxConfig,
}

fn unavailable(error: impl std::fmt::Display) -> Refusal {
    tracing::error!(error = %error, "persona operation failed");
    Refusal::Unavailable
}

fn org_refusal(error: OrgError) -> Refusal {
    match error {
        OrgError::NotFound | OrgError::InvalidName => Refusal::NotFound,
        OrgError::Forbidden => Refusal::Forbidden,
        OrgError::Unavailable => Refusal::Unavailable,
    }
}

fn problem_views(errors: Vec<FieldError>) -> Vec<FieldProblemView> {
    errors
        .into_iter()
        .map(|error| FieldProblemView {
            field: error.field,
            message: error.message,
        })
        .collect()
}

fn problem(field: &str, message: &str) -> Vec<FieldProblemView> {
    vec![FieldProblemView {
        field: field.to_owned(),
        message: message.to_owned(),
    }]
}

/// Whether the changed configuration still holds together: the custom set fits and the auto-responder exists.
fn consistency_problems(config: &SandboxConfig) -> Vec<FieldProblemView> {
    if let Err(error) = custom::check_set(&config.custom_personas) {
        return problem_views(vec![error]);
    }
    match &config.auto_responder {
        Some(id) if persona::find_persona(config, id).is_none() => problem(
            "",
            &format!(
                "the change would remove the sandbox's auto-responder ({id}); choose another one in the settings first"
            ),
        ),
        _ => Vec::new(),
    }
}

/// `catalogue`, `custom` or `customised`, for a persona id.
fn origin(config: &SandboxConfig, id: &str) -> &'static str {
    let is_custom = config.custom_personas.iter().any(|own| own.id == id);
    match (is_custom, catalogue::scenario(id).is_some()) {
        (true, true) => "customised",
        (true, false) => "custom",
        _ => "catalogue",
    }
}

fn code_name<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn row(persona: persona::Persona, origin: &str) -> PersonaRow {
    PersonaRow {
        user_type: persona.user_type.as_str().to_owned(),
        status: code_name(persona.status),
        answers: code_name(persona.answers),
        scenario: persona.scenario,
        display_name: persona.display_name,
        id: persona.id,
        origin: origin.to_owned(),
    }
}

/// The personas the sandbox offers, then any custom ones its set leaves out (so they can still be edited).
fn rows(config: &SandboxConfig) -> Vec<PersonaRow> {
    let mut rows: Vec<PersonaRow> = persona::personas(config)
        .into_iter()
        .map(|offered| {
            let origin = if config.persona_set.offers_custom() {
                origin(config, &offered.id)
            } else {
                "catalogue"
            };
            row(offered, origin)
        })
        .collect();
    for own in &config.custom_personas {
        let listed = rows
            .iter()
            .any(|listed| listed.id == own.id && listed.origin != "catalogue");
        if !listed {
            let summary = persona::Persona {
                id: own.id.clone(),
                display_name: own.display_name(),
                user_type: own.user_type,
                status: own.status,
                answers: own.answers,
                last_modified_ms: own.last_modified_date,
                scenario: own.scenario.clone(),
                needs_guardian: own.needs_guardian(),
                certificate: persona::CertificateLifecycle::Valid,
            };
            rows.push(row(summary, origin(config, &own.id)));
        }
    }
    rows
}

/// Puts `own` in place of the custom persona with its id, or adds it at the end.
fn upsert(config: &mut SandboxConfig, own: CustomPersona) {
    match config
        .custom_personas
        .iter()
        .position(|stored| stored.id == own.id)
    {
        Some(index) => config.custom_personas[index] = own,
        None => config.custom_personas.push(own),
    }
}

impl PortalPersonas {
    /// Opens a sandbox for the caller: outsiders get `NotFound`; a change asked of a member who is not a
    /// Creator gets `Forbidden`.
    async fn open(
        &self,
        session: Option<&str>,
        sandbox_id: &str,
        change: bool,
    ) -> Result<Opened, Refusal> {
        let session = session.ok_or(Refusal::SignInFirst)?;
        let account = self
            .accounts
            .account_for(&SessionToken::new(session))
            .await
            .map_err(unavailable)?
            .ok_or(Refusal::SignInFirst)?;
        let summary = self
            .orgs
            .sandbox(&account, sandbox_id)
            .await
            .map_err(org_refusal)?;
        let can_edit = self.orgs.is_creator(&account, &summary.org_id).await;
        if change && !can_edit {
            return Err(Refusal::Forbidden);
        }
        let config = self
            .runtime
            .sandbox_config(&SandboxId::new(sandbox_id))
            .await
            .map_err(unavailable)?;
        Ok(Opened {
            summary,
            can_edit,
            config,
        })
    }

    async fn store(&self, opened: &Opened) -> Result<(), Refusal> {
        self.runtime
            .update_config(&SandboxId::new(&opened.summary.sandbox_id), &opened.config)
            .await
            .map_err(unavailable)
    }

    /// The sandbox's date in Hong Kong (time travel included), for generated catalogue profiles.
    async fn sandbox_today(&self, sandbox_id: &str) -> CivilDate {
        let offset = self
            .runtime
            .sandbox_info(&SandboxId::new(sandbox_id))
            .await
            .map(|info| info.time_offset_ms)
            .unwrap_or_default();
        CivilDate::from_epoch_ms_hong_kong(crate::unix_time_ms().saturating_add(offset))
    }

    /// The form's fields for `persona_id` (custom or catalogue), or the defaults of a new persona.
    async fn form_fields(
        &self,
        opened: &Opened,
        persona_id: &str,
    ) -> Result<BTreeMap<String, String>, Refusal> {
        let config = &opened.config;
        if persona_id.is_empty() {
            return Ok([
                ("userType", "default"),
                ("status", "active"),
                ("answers", "manual"),
            ]
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect());
        }
        if let Some(own) = config
            .custom_personas
            .iter()
            .find(|own| own.id == persona_id)
        {
            return Ok(custom::to_form(own));
        }
        let (_, scenario) = catalogue::scenario(persona_id).ok_or(Refusal::NotFound)?;
        let today = self.sandbox_today(&opened.summary.sandbox_id).await;
        let profile =
            persona::catalogue_profile_on(config, persona_id, today).ok_or(Refusal::NotFound)?;
        Ok(custom::to_form(&CustomPersona {
            id: persona_id.to_owned(),
            user_type: scenario.user_type,
            status: scenario.status,
            answers: scenario.answers,
            scenario: scenario.tests.to_owned(),
            last_modified_date: 1,
            profile,
        }))
    }
}

/// Saves the form as the custom persona `fields["id"]`, replacing `original_id` (a custom persona being edited
/// or renamed, or the catalogue persona being customised). Nothing changes when a problem is found.
fn save_form(
    config: &mut SandboxConfig,
    original_id: &str,
    fields: &BTreeMap<String, String>,
) -> Result<(), Vec<FieldProblemView>> {
    let value = custom::form_to_json(fields).map_err(problem_views)?;
    let own =
        CustomPersona::from_json_value(value, crate::unix_time_ms()).map_err(problem_views)?;
    let existing = config
        .custom_personas
        .iter()
        .position(|stored| stored.id == own.id);
    if original_id != own.id {
        if existing.is_some() {
            return Err(problem("id", "is already used by another of your personas"));
        }
        if catalogue::scenario(&own.id).is_some() {
            return Err(problem(
                "id",
                "is a catalogue persona's id; choose Customise on that persona to change it",
            ));
        }
    }
    let renamed_from = config
        .custom_personas
        .iter()
        .position(|stored| !original_id.is_empty() && stored.id == original_id);
    match existing.or(renamed_from) {
        Some(index) => config.custom_personas[index] = own,
        None => config.custom_personas.push(own),
    }
    let problems = consistency_problems(config);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// `?lang=` and the other query parameters of the persona pages.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    lang: Option<String>,
    persona: Option<String>,
    done: Option<String>,
}

/// Everything a page needs about the visitor: language, session and the CSRF token its forms carry.
struct Visitor {
    lang: Lang,
    session: Option<String>,
    csrf: String,
    /// Set when the token is new and the response must set its cookie.
    new_csrf_cookie: Option<String>,
}

impl Visitor {
    fn new(headers: &HeaderMap, lang: Option<&str>, secure: bool) -> Visitor {
        let session =
            crate::page::cookie(headers, SESSION_COOKIE).filter(|value| !value.is_empty());
        let (csrf, new_csrf_cookie) =
            match crate::page::cookie(headers, CSRF_COOKIE).filter(|value| !value.is_empty()) {
                Some(token) => (token, None),
                None => {
                    let token = crate::accounts::new_csrf_token();
                    let secure = if secure { "; Secure" } else { "" };
                    let cookie =
                        format!("{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}");
                    (token, Some(cookie))
                }
            };
        Visitor {
            lang: crate::page::visitor_lang(lang, headers),
            session,
            csrf,
            new_csrf_cookie,
        }
    }

    fn words(&self) -> &'static PersonaText {
        PersonaText::of(self.lang)
    }

    fn respond(&self, status: StatusCode, markup: maud::Markup) -> Response {
        let mut response = crate::page::html_response(status, markup);
        if let Some(cookie) = self
            .new_csrf_cookie
            .as_deref()
            .and_then(|cookie| HeaderValue::from_str(cookie).ok())
        {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        response
    }

    fn refuse(&self, refusal: Refusal) -> Response {
        self.respond(refusal.status(), pages::refusal(self, refusal))
    }
}

/// A posted form's fields, the CSRF token checked first.
fn checked_form(
    headers: &HeaderMap,
    form: Vec<(String, String)>,
) -> Result<BTreeMap<String, String>, Refusal> {
    let fields: BTreeMap<String, String> = form.into_iter().collect();
    let cookie = crate::page::cookie(headers, CSRF_COOKIE).unwrap_or_default();
    let sent = fields.get("csrf").map(String::as_str).unwrap_or_default();
    let equal = !cookie.is_empty()
        && cookie.len() == sent.len()
        && cookie
            .bytes()
            .zip(sent.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0;
    if equal {
        Ok(fields)
    } else {
        Err(Refusal::ExpiredForm)
    }
}

fn list_path(sandbox_id: &str, done: &str) -> String {
    format!(
        "/console/sandboxes/{}/personas?done={done}",
        mock_iamsmart::crypto::url_encode(sandbox_id)
    )
}

fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// `GET /console/sandboxes/{id}/personas`: the list, the persona set, import, export and reset.
pub async fn list(
    State(personas): State<PortalPersonas>,
    Path(sandbox_id): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let visitor = Visitor::new(&headers, query.lang.as_deref(), personas.secure_cookies);
    match personas
        .open(visitor.session.as_deref(), &sandbox_id, false)
        .await
    {
        Ok(opened) => visitor.respond(
            StatusCode::OK,
            pages::list(&visitor, &opened, query.done.as_deref(), &[]),
        ),
        Err(refusal) => visitor.refuse(refusal),
    }
}

/// `GET /console/sandboxes/{id}/personas/edit?persona=ID`: the persona form, blank without `persona`.
pub async fn edit(
    State(personas): State<PortalPersonas>,
    Path(sandbox_id): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let visitor = Visitor::new(&headers, query.lang.as_deref(), personas.secure_cookies);
    let persona_id = query.persona.unwrap_or_default();
    let opened = match personas
        .open(visitor.session.as_deref(), &sandbox_id, false)
        .await
    {
        Ok(opened) => opened,
        Err(refusal) => return visitor.refuse(refusal),
    };
    match personas.form_fields(&opened, &persona_id).await {
        Ok(fields) => visitor.respond(
            StatusCode::OK,
            pages::form(&visitor, &opened, &persona_id, &fields, &[]),
        ),
        Err(refusal) => visitor.refuse(refusal),
    }
}

/// `POST /console/sandboxes/{id}/personas/save`: saves the form; problems come back on the form, field by field.
pub async fn save(
    State(personas): State<PortalPersonas>,
    Path(sandbox_id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let visitor = Visitor::new(&headers, None, personas.secure_cookies);
    let mut fields = match checked_form(&headers, form) {
        Ok(fields) => fields,
        Err(refusal) => return visitor.refuse(refusal),
    };
    let mut opened = match personas
        .open(visitor.session.as_deref(), &sandbox_id, true)
        .await
    {
        Ok(opened) => opened,
        Err(refusal) => return visitor.refuse(refusal),
    };
    fields.remove("csrf");
    let original_id = fields.remove("original_id").unwrap_or_default();
    match save_form(&mut opened.config, &original_id, &fields) {
        Ok(()) => match personas.store(&opened).await {
            Ok(()) => see_other(&list_path(&sandbox_id, "saved")),
            Err(refusal) => visitor.refuse(refusal),
        },
        Err(problems) => visitor.respond(
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::form(&visitor, &opened, &original_id, &fields, &problems),
        ),
    }
}

/// The change a list-page form asks for.
enum ListChange {
    Delete,
    Import,
    Set,
    Reset,
}

async fn change_list(
    personas: PortalPersonas,
    sandbox_id: String,
    headers: HeaderMap,
    form: Vec<(String, String)>,
    change: ListChange,
) -> Response {
    let visitor = Visitor::new(&headers, None, personas.secure_cookies);
    let fields = match checked_form(&headers, form) {
        Ok(fields) => fields,
        Err(refusal) => return visitor.refuse(refusal),
    };
    let mut opened = match personas
        .open(visitor.session.as_deref(), &sandbox_id, true)
        .await
    {
        Ok(opened) => opened,
        Err(refusal) => return visitor.refuse(refusal),
    };
    let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or_default();
    let config = &mut opened.config;
    let (done, problems) = match change {
        ListChange::Delete => {
            let before = config.custom_personas.len();
            config
                .custom_personas
                .retain(|own| own.id != field("persona_id"));
            if config.custom_personas.len() == before {
                return visitor.refuse(Refusal::NotFound);
            }
            ("deleted", Vec::new())
        }
        ListChange::Import => match custom::parse_import(field("json"), crate::unix_time_ms()) {
            Ok(imported) => {
                for own in imported {
                    upsert(config, own);
                }
                ("imported", Vec::new())
            }
            Err(errors) => ("", problem_views(errors)),
        },
        ListChange::Set => match PersonaSet::from_name(field("persona_set")) {
            Some(set) => {
                config.persona_set = set;
                ("set", Vec::new())
            }
            None => (
                "",
                problem(
                    "persona_set",
                    "must be catalogue, catalogue_and_custom or custom_only",
                ),
            ),
        },
        ListChange::Reset => {
            config.custom_personas.clear();
            config.persona_set = PersonaSet::default();
            ("reset", Vec::new())
        }
    };
    let problems = if problems.is_empty() {
        consistency_problems(config)
    } else {
        problems
    };
    if !problems.is_empty() {
        // Show the sandbox as it still is, with what was wrong.
        let unchanged = match personas
            .open(visitor.session.as_deref(), &sandbox_id, true)
            .await
        {
            Ok(unchanged) => unchanged,
            Err(refusal) => return visitor.refuse(refusal),
        };
        return visitor.respond(
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::list(&visitor, &unchanged, None, &problems),
        );
    }
    match personas.store(&opened).await {
        Ok(()) => see_other(&list_path(&sandbox_id, done)),
        Err(refusal) => visitor.refuse(refusal),
    }
}

/// `POST /console/sandboxes/{id}/personas/delete` (`persona_id`).
pub async fn delete(
    State(personas): State<PortalPersonas>,
    Path(sandbox_id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    change_list(personas, sandbox_id, headers, form, ListChange::Delete).await
}

/// `POST /console/sandboxes/{id}/personas/import` (`json`): adds or replaces personas, all or none.
pub async fn import(
    State(personas): State<PortalPersonas>,
    Path(sandbox_id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    change_list(personas, sandbox_id, headers, form, ListChange::Import).await
}

/// `POST /console/sandboxes/{id}/personas/set` (`persona_set`).
pub async fn set(
    State(personas): State<PortalPersonas>,
    Path(sandbox_id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    change_list(personas, sandbox_id, headers, form, ListChange::Set).await
}

/// `POST /console/sandboxes/{id}/personas/reset`: deletes every custom persona and offers the catalogue again.
pub async fn reset(
    State(personas): State<PortalPersonas>,
    Path(sandbox_id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    change_list(personas, sandbox_id, headers, form, ListChange::Reset).await
}

/// `GET /console/sandboxes/{id}/personas.json`: the sandbox's custom personas as a download, for members.
pub async fn export(
    State(personas): State<PortalPersonas>,
    Path(sandbox_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let visitor = Visitor::new(&headers, None, personas.secure_cookies);
    match personas
        .open(visitor.session.as_deref(), &sandbox_id, false)
        .await
    {
        Ok(opened) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"personas.json\""),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            custom::export(&opened.config.custom_personas),
        )
            .into_response(),
        Err(refusal) => (refusal.status(), refusal.message(visitor.words())).into_response(),
    }
}
