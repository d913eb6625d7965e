//! The developer console: sign-up, sign-in, organisations and self-service sandboxes, as Leptos pages whose forms
//! call server functions (they work before hydration too, as plain form posts).
//!
//! The server functions only check the request (CSRF token, session cookie) and hand over to a
//! [`backend::ConsoleBackend`] that the server provides as context; this crate never touches the database, so it
//! stays free of sqlx and tokio for the browser build. Every state-changing server function takes the CSRF token
//! (double-submit: the form field must equal the `portal_csrf` cookie, compared in constant time) and every
//! backend call checks the caller's role. Nothing here logs, and no secret is kept in the page after it is shown.

use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use crate::console_inspector::RequestLog;
use crate::lang::UiLang;

/// The cookie that carries the session token (HttpOnly, SameSite=Lax).
pub const SESSION_COOKIE: &str = "portal_session";
/// The cookie the CSRF token is compared against (HttpOnly, SameSite=Strict).
pub const CSRF_COOKIE: &str = "portal_csrf";
/// Where the console's server functions are served.
pub const SERVER_FN_PREFIX: &str = "/_console";

/// The signed-in person's console: who they are, their organisations and each one's sandboxes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleOverview {
    pub display_name: String,
    pub orgs: Vec<OrgView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgView {
    pub org_id: String,
    pub name: String,
    /// `creator`, `approver`.
    pub roles: Vec<String>,
    pub sandboxes: Vec<SandboxView>,
    pub members: Vec<MemberView>,
}

/// A member of an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub display_name: String,
    pub email: String,
    /// `creator`, `approver`.
    pub roles: Vec<String>,
}

/// A proposed change of a pre-production sandbox, and its decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    pub proposal_id: String,
    /// `redirect_uris`, `granted_scopes`, `rp_key` or `leave_pre_production`.
    pub kind: String,
    pub proposed_by: String,
    pub proposed_by_you: bool,
    pub proposed_at_ms: i64,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    /// Empty while pending.
    pub decided_by: String,
    pub decided_at_ms: i64,
    /// `+ added` and `- removed` lines.
    pub diff: Vec<String>,
}

/// One request in the inspector's detail view: the row, and the masked, decrypted bodies as pretty JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetailView {
    pub request: RequestView,
    /// Empty when nothing was recorded.
    pub request_json: String,
    pub response_json: String,
}

/// The scopes a sandbox may be granted.
pub const GRANTABLE_SCOPES: [&str; 6] = [
    "eidapi_auth",
    "eidapi_profiles",
    "eidapi_formFilling",
    "eidapi_sign",
    "eidapi_fr",
    "eidapi_bulksign",
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxView {
    pub sandbox_id: String,
    pub name: String,
    pub client_id: String,
}

/// A sandbox just created, with the credentials shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSandboxView {
    pub sandbox: SandboxView,
    pub client_secret: String,
    pub rp_private_key_pem: String,
}

impl std::fmt::Debug for NewSandboxView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSandboxView")
            .field("sandbox", &self.sandbox)
            .finish_non_exhaustive()
    }
}

/// A sandbox's settings page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxSettingsView {
    pub sandbox: SandboxView,
    pub can_edit: bool,
    pub redirect_uris: Vec<String>,
    pub granted_scopes: Vec<String>,
    pub lenient: bool,
    pub code_lifetime_s: i64,
    /// Empty when no auto-responder is set.
    pub auto_responder: String,
    pub time_offset_minutes: i64,
    pub faults: Vec<FaultView>,
    pub pre_production: bool,
    /// Whether the viewer holds the Approver role in the sandbox's organisation.
    pub can_approve: bool,
    pub rp_key_fingerprint: String,
    /// Newest first.
    pub proposals: Vec<ProposalView>,
}

/// An injected fault that still has requests to affect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultView {
    pub path: String,
    /// Empty for a delay alone.
    pub code: String,
    pub delay_ms: i64,
    pub remaining: i64,
}

/// The APIs a fault can target (`*` is any), and the codes the form offers (empty: a delay alone).
pub const FAULT_PATHS: [&str; 4] = [
    "/api/v1/security/getKey",
    "/api/v1/auth/getToken",
    "/api/v1/security/revokeKey",
    "*",
];
pub const FAULT_CODES: [&str; 7] = [
    "D30002", "D40004", "D20006", "D20004", "D99990", "D20000", "",
];

/// One request in the inspector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    /// Empty for requests recorded before requests had IDs (they have no detail view).
    pub request_id: String,
    pub logged_at_ms: i64,
    pub method: String,
    pub path: String,
    pub http_status: i64,
    pub code: String,
    pub message: String,
    /// What the code usually means, in plain words.
    pub explanation: String,
    pub latency_us: i64,
}

/// The personas the settings page offers as auto-responders.
pub const AUTO_RESPONDER_CHOICES: [&str; 5] = [
    "auto-approve",
    "auto-reject",
    "no-answer",
    "iamsmart-user",
    "iamsmart-plus-user",
];

/// The CSRF token of this page, rendered into every form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsrfToken(pub String);

fn csrf_value() -> String {
    use_context::<CsrfToken>()
        .map(|token| token.0)
        .unwrap_or_default()
}

/// What the server plugs in behind the console's server functions.
#[cfg(feature = "ssr")]
pub mod backend {
    use std::{future::Future, pin::Pin, sync::Arc};

    use super::{
        ConsoleOverview, NewSandboxView, RequestDetailView, RequestView, SandboxSettingsView,
    };

    pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

    /// A message in the portal's three languages; a server function answers with the one the visitor reads.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Localised {
        pub en: String,
        pub zh_hk: String,
        pub zh_cn: String,
    }

    impl Localised {
        pub fn new(
            en: impl Into<String>,
            zh_hk: impl Into<String>,
            zh_cn: impl Into<String>,
        ) -> Localised {
            Localised {
                en: en.into(),
                zh_hk: zh_hk.into(),
                zh_cn: zh_cn.into(),
            }
        }

        /// The message in `lang`.
        pub fn in_lang(&self, lang: crate::i18n::Lang) -> &str {
            match lang {
                crate::i18n::Lang::En => &self.en,
                crate::i18n::Lang::ZhHk => &self.zh_hk,
                crate::i18n::Lang::ZhCn => &self.zh_cn,
            }
        }

        pub fn sign_in_first() -> Localised {
            Localised::new("sign in first", "請先登入", "请先登录")
        }

        pub fn expired_form() -> Localised {
            Localised::new(
                "this form has expired; reload the page and try again",
                "此表格已過期，請重新載入頁面再試",
                "此表单已过期，请重新加载页面再试",
            )
        }

        pub fn console_unavailable() -> Localised {
            Localised::new(
                "the console is not available",
                "控制台暫時無法使用",
                "控制台暂时无法使用",
            )
        }

        pub fn approve_or_reject() -> Localised {
            Localised::new(
                "decide with approve or reject",
                "請選擇批准或拒絕",
                "请选择批准或拒绝",
            )
        }
    }

    /// A refusal the visitor can act on: the HTTP status the server function answers with and a message fit to
    /// show, in each language. Server functions never answer 500 for these.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ConsoleError {
        pub status: u16,
        pub message: Localised,
    }

    impl ConsoleError {
        pub fn new(status: u16, message: Localised) -> ConsoleError {
            ConsoleError { status, message }
        }
    }

    /// Accounts, organisations and sandboxes. Errors are messages fit to show the visitor; every method that
    /// takes a session checks it, and every organisation or sandbox method checks the caller's role.
    pub trait ConsoleBackend: Send + Sync {
        /// Creates an account and returns a new session token.
        fn sign_up(
            &self,
            email: String,
            display_name: String,
            password: String,
        ) -> BoxFuture<'_, Result<String, ConsoleError>>;
        /// Checks credentials (rate-limited) and returns a new session token.
        fn sign_in(
            &self,
            email: String,
            password: String,
        ) -> BoxFuture<'_, Result<String, ConsoleError>>;
        fn sign_out(&self, session: String) -> BoxFuture<'_, ()>;
        /// `None` when the session is not live.
        fn overview(
            &self,
            session: String,
        ) -> BoxFuture<'_, Result<Option<ConsoleOverview>, ConsoleError>>;
        fn create_org(
            &self,
            session: String,
            name: String,
        ) -> BoxFuture<'_, Result<(), ConsoleError>>;
        fn create_sandbox(
            &self,
            session: String,
            org_id: String,
            name: String,
        ) -> BoxFuture<'_, Result<NewSandboxView, ConsoleError>>;
        fn reset_sandbox(
            &self,
            session: String,
            sandbox_id: String,
        ) -> BoxFuture<'_, Result<(), ConsoleError>>;
        /// `None` when the session is not live.
        fn sandbox_settings(
            &self,
            session: String,
            sandbox_id: String,
        ) -> BoxFuture<'_, Result<Option<SandboxSettingsView>, ConsoleError>>;
        /// Redirect URIs one per line; `auto_responder` empty for none. Answers the proposal's ID when the new
        /// redirect URIs wait for an Approver (pre-production sandboxes).
        #[allow(clippy::too_many_arguments)] // reason: one argument per form field keeps the call sites readable.
        fn update_sandbox(
            &self,
            session: String,
            sandbox_id: String,
            redirect_uris: String,
            lenient: bool,
            code_lifetime_s: i64,
            auto_responder: String,
        ) -> BoxFuture<'_, Result<Option<String>, ConsoleError>>;
        /// Space-separated scopes. Answers the proposal's ID when the change waits for an Approver.
        fn update_scopes(
            &self,
            session: String,
            sandbox_id: String,
            scopes: String,
        ) -> BoxFuture<'_, Result<Option<String>, ConsoleError>>;
        /// A PEM public key or X.509 certificate. Answers the proposal's ID when the change waits for an Approver.
        fn upload_rp_key(
            &self,
            session: String,
            sandbox_id: String,
            pem: String,
        ) -> BoxFuture<'_, Result<Option<String>, ConsoleError>>;
        /// Marking is immediate; leaving is a proposal (its ID is answered).
        fn set_pre_production(
            &self,
            session: String,
            sandbox_id: String,
            on: bool,
        ) -> BoxFuture<'_, Result<Option<String>, ConsoleError>>;
        /// Approves (`true`) or rejects a proposal: Approvers other than the proposer only.
        fn decide_proposal(
            &self,
            session: String,
            sandbox_id: String,
            proposal_id: String,
            approve: bool,
        ) -> BoxFuture<'_, Result<(), ConsoleError>>;
        /// Gives an existing account (by e-mail address) a role (`creator` or `approver`): Approvers only.
        fn add_member(
            &self,
            session: String,
            org_id: String,
            email: String,
            role: String,
        ) -> BoxFuture<'_, Result<(), ConsoleError>>;
        /// One request's detail view; `None` when the session is not live.
        fn request_detail(
            &self,
            session: String,
            sandbox_id: String,
            request_id: String,
        ) -> BoxFuture<'_, Result<Option<RequestDetailView>, ConsoleError>>;
        fn travel_in_time(
            &self,
            session: String,
            sandbox_id: String,
            minutes: i64,
        ) -> BoxFuture<'_, Result<(), ConsoleError>>;
        /// The sandbox's newest requests matching the filter (path, D-code, HTTP status; empty or 0 for any);
        /// `None` when the session is not live.
        fn requests(
            &self,
            session: String,
            sandbox_id: String,
            filter: (String, String, i64),
        ) -> BoxFuture<'_, Result<Option<Vec<RequestView>>, ConsoleError>>;
        fn inject_fault(
            &self,
            session: String,
            sandbox_id: String,
            fault: (String, String, i64, i64),
        ) -> BoxFuture<'_, Result<(), ConsoleError>>;
        fn clear_faults(
            &self,
            session: String,
            sandbox_id: String,
        ) -> BoxFuture<'_, Result<(), ConsoleError>>;
        /// Returns the new secret, shown once.
        fn rotate_secret(
            &self,
            session: String,
            sandbox_id: String,
        ) -> BoxFuture<'_, Result<String, ConsoleError>>;
        fn delete_sandbox(
            &self,
            session: String,
            sandbox_id: String,
        ) -> BoxFuture<'_, Result<(), ConsoleError>>;
        /// A fresh random CSRF token.
        fn new_csrf_token(&self) -> String;
        /// Whether cookies must be `Secure` (the portal is served over HTTPS).
        fn secure_cookies(&self) -> bool;
    }

    /// The backend as Leptos context.
    #[derive(Clone)]
    pub struct Backend(pub Arc<dyn ConsoleBackend>);
}

#[cfg(feature = "ssr")]
pub(crate) mod request {
    use http::{HeaderValue, header};
    use leptos::prelude::*;

    use super::backend::Backend;

    /// A cookie of the request being served.
    pub fn cookie(name: &str) -> Option<String> {
        let parts = use_context::<http::request::Parts>()?;
        parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(cookie_name, _)| *cookie_name == name)
            .map(|(_, value)| value.to_owned())
    }

    pub fn backend() -> Result<Backend, ServerFnError> {
        use_context::<Backend>().ok_or_else(|| {
            refuse(super::backend::ConsoleError::new(
                503,
                super::backend::Localised::console_unavailable(),
            ))
        })
    }

    /// Refuses a state-changing call whose form token does not match the CSRF cookie.
    pub fn check_csrf(form_token: &str) -> Result<(), ServerFnError> {
        let cookie = cookie(super::CSRF_COOKIE).unwrap_or_default();
        let equal = !cookie.is_empty()
            && cookie.len() == form_token.len()
            && cookie
                .bytes()
                .zip(form_token.bytes())
                .fold(0u8, |diff, (a, b)| diff | (a ^ b))
                == 0;
        if equal {
            Ok(())
        } else {
            Err(refuse(super::backend::ConsoleError::new(
                403,
                super::backend::Localised::expired_form(),
            )))
        }
    }

    /// Answers with the refusal's status and its message in the visitor's language (`?lang=`, the `lang`
    /// cookie, then `Accept-Language`, as for pages).
    pub fn refuse(error: super::backend::ConsoleError) -> ServerFnError {
        if let (Some(response), Ok(status)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(error.status),
        ) {
            response.set_status(status);
        }
        ServerFnError::new(error.message.in_lang(crate::lang::initial_lang()))
    }

    pub fn session() -> Option<String> {
        cookie(super::SESSION_COOKIE).filter(|token| !token.is_empty())
    }

    pub fn set_cookie(value: String) {
        if let (Some(response), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            HeaderValue::from_str(&value),
        ) {
            response.append_header(header::SET_COOKIE, value);
        }
    }

    /// Sets (or, with `None`, clears) the session cookie.
    pub fn set_session_cookie(token: Option<&str>, secure: bool) {
        let secure = if secure { "; Secure" } else { "" };
        let cookie = match token {
            Some(token) => format!(
                "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200{secure}",
                super::SESSION_COOKIE
            ),
            None => format!(
                "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
                super::SESSION_COOKIE
            ),
        };
        set_cookie(cookie);
    }

    /// The page's CSRF token: the request's cookie, or a new one that this response sets.
    pub fn csrf_token_for_page() -> String {
        if let Some(token) = cookie(super::CSRF_COOKIE).filter(|token| !token.is_empty()) {
            return token;
        }
        let Some(Backend(backend)) = use_context::<Backend>() else {
            return String::new();
        };
        let token = backend.new_csrf_token();
        let secure = if backend.secure_cookies() {
            "; Secure"
        } else {
            ""
        };
        set_cookie(format!(
            "{}={token}; Path=/; HttpOnly; SameSite=Strict{secure}",
            super::CSRF_COOKIE
        ));
        token
    }
}

/// The CSRF token for the page being rendered on the server (the shell puts it in a `<meta>` for hydration).
#[cfg(feature = "ssr")]
pub fn page_csrf_token() -> String {
    request::csrf_token_for_page()
}

#[server(prefix = "/_console", endpoint = "sign_up")]
pub async fn sign_up(
    csrf: String,
    email: String,
    display_name: String,
    password: String,
) -> Result<(), ServerFnError> {
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    let token = backend
        .sign_up(email, display_name, password)
        .await
        .map_err(request::refuse)?;
    request::set_session_cookie(Some(&token), backend.secure_cookies());
    leptos_axum::redirect("/console");
    Ok(())
}

#[server(prefix = "/_console", endpoint = "sign_in")]
pub async fn sign_in(csrf: String, email: String, password: String) -> Result<(), ServerFnError> {
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    if let Some(old) = request::session() {
        // A session that existed before sign-in is ended, never promoted.
        backend.sign_out(old).await;
    }
    let token = backend
        .sign_in(email, password)
        .await
        .map_err(request::refuse)?;
    request::set_session_cookie(Some(&token), backend.secure_cookies());
    leptos_axum::redirect("/console");
    Ok(())
}

#[server(prefix = "/_console", endpoint = "sign_out")]
pub async fn sign_out(csrf: String) -> Result<(), ServerFnError> {
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    if let Some(session) = request::session() {
        backend.sign_out(session).await;
    }
    request::set_session_cookie(None, backend.secure_cookies());
    leptos_axum::redirect("/sign-in");
    Ok(())
}

#[server(prefix = "/_console", endpoint = "load_console")]
pub async fn load_console() -> Result<Option<ConsoleOverview>, ServerFnError> {
    let backend::Backend(backend) = request::backend()?;
    let Some(session) = request::session() else {
        return Ok(None);
    };
    backend.overview(session).await.map_err(request::refuse)
}

#[cfg(feature = "ssr")]
pub(crate) fn signed_in_session() -> Result<String, ServerFnError> {
    request::session().ok_or_else(|| {
        request::refuse(backend::ConsoleError::new(
            401,
            backend::Localised::sign_in_first(),
        ))
    })
}

#[server(prefix = "/_console", endpoint = "create_org")]
pub async fn create_org(csrf: String, name: String) -> Result<(), ServerFnError> {
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .create_org(signed_in_session()?, name)
        .await
        .map_err(request::refuse)
}

#[server(prefix = "/_console", endpoint = "create_sandbox")]
pub async fn create_sandbox(
    csrf: String,
    org_id: String,
    name: String,
) -> Result<NewSandboxView, ServerFnError> {
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .create_sandbox(signed_in_session()?, org_id, name)
        .await
        .map_err(request::refuse)
}

#[server(prefix = "/_console", endpoint = "reset_sandbox")]
pub async fn reset_sandbox(csrf: String, sandbox_id: String) -> Result<(), ServerFnError> {
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .reset_sandbox(signed_in_session()?, sandbox_id)
        .await
        .map_err(request::refuse)
}

#[server(prefix = "/_console", endpoint = "delete_sandbox")]
pub async fn delete_sandbox(csrf: String, sandbox_id: String) -> Result<(), ServerFnError> {
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .delete_sandbox(signed_in_session()?, sandbox_id)
        .await
        .map_err(request::refuse)
}

#[server(prefix = "/_console", endpoint = "load_sandbox")]
pub async fn load_sandbox(
    sandbox_id: String,
) -> Result<Option<SandboxSettingsView>, ServerFnError> {
    let backend::Backend(backend) = request::backend()?;
    let Some(session) = request::session() else {
        return Ok(None);
    };
    backend
        .sandbox_settings(session, sandbox_id)
        .await
        .map_err(request::refuse)
}

/// The sandbox's newest requests; the filters are optional (absent or empty: any).
#[server(prefix = "/_console", endpoint = "load_requests")]
pub async fn load_requests(
    sandbox_id: String,
    path: Option<String>,
    code: Option<String>,
    status: Option<i64>,
) -> Result<Option<Vec<RequestView>>, ServerFnError> {
    let backend::Backend(backend) = request::backend()?;
    let Some(session) = request::session() else {
        return Ok(None);
    };
    let filter = (
        path.unwrap_or_default(),
        code.unwrap_or_default(),
        status.unwrap_or_default(),
    );
    backend
        .requests(session, sandbox_id, filter)
        .await
        .map_err(request::refuse)
}

#[server(prefix = "/_console", endpoint = "update_sandbox")]
pub async fn update_sandbox(
    csrf: String,
    sandbox_id: String,
    redirect_uris: String,
    protocol_mode: String,
    code_lifetime_s: i64,
    auto_responder: String,
) -> Result<Option<String>, ServerFnError> {
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .update_sandbox(
            signed_in_session()?,
            sandbox_id,
            redirect_uris,
            protocol_mode == "lenient",
            code_lifetime_s,
            auto_responder,
        )
        .await
        .map_err(request::refuse)
}

#[server(prefix = "/_console", endpoint = "travel_in_time")]
pub async fn travel_in_time(
    csrf: String,
    sandbox_id: String,
    minutes: i64,
) -> Result<(), ServerFnError> {
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .travel_in_time(signed_in_session()?, sandbox_id, minutes)
        .await
        .map_err(request::refuse)
}

#[server(prefix = "/_console", endpoint = "inject_fault")]
pub async fn inject_fault(
    csrf: String,
    sandbox_id: String,
    path: String,
    code: String,
    count: i64,
    delay_ms: i64,
) -> Result<(), ServerFnError> {
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .inject_fault(
            signed_in_session()?,
            sandbox_id,
            (path, code, count, delay_ms),
        )
        .await
        .map_err(request::refuse)
}

#[server(prefix = "/_console", endpoint = "clear_faults")]
pub async fn clear_faults(csrf: String, sandbox_id: String) -> Result<(), ServerFnError> {
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .clear_faults(signed_in_session()?, sandbox_id)
        .await
        .map_err(request::refuse)
}

#[server(prefix = "/_console", endpoint = "rotate_secret")]
pub async fn rotate_secret(csrf: String, sandbox_id: String) -> Result<String, ServerFnError> {
    request::check_csrf(&csrf)?;
    let backend::Backend(backend) = request::backend()?;
    backend
        .rotate_secret(signed_in_session()?, sandbox_id)
        .await
        .map_err(request::refuse)
}

/// The visitor-facing text of a server function error.
pub(crate) fn error_text(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn action_error<T, S>(value: S) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, ServerFnError>>> + Send + Sync + 'static,
{
    move || {
        value.get().and_then(Result::err).map(|error| {
            view! {
                <p class="form-error" role="alert">
                    {error_text(&error)}
                </p>
            }
        })
    }
}

#[component]
pub(crate) fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name="csrf" value=csrf_value() /> }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let ui_lang = expect_context::<UiLang>();
    let text = move || &ui_lang.get().text().console;
    let action = ServerAction::<SignUp>::new();
    view! {
        <section class="auth">
            <h1>{move || ui_lang.get().text().sign_up_title}</h1>
            <p class="notice" role="note">{move || text().synthetic_only}</p>
            <ActionForm action=action attr:id="sign-up-form">
                <CsrfField />
                <label>{move || text().display_name}<input name="display_name" required autocomplete="name" /></label>
                <label>{move || text().email}<input name="email" type="email" required autocomplete="email" /></label>
                <label>
                    {move || text().password}
                    <input name="password" type="password" required minlength="10" autocomplete="new-password" />
                    <small>{move || text().password_hint}</small>
                </label>
                <button type="submit" class="button primary">{move || text().sign_up_button}</button>
            </ActionForm>
            {action_error(action.value())}
            <p><A href="/sign-in">{move || text().have_account}</A></p>
        </section>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let ui_lang = expect_context::<UiLang>();
    let text = move || &ui_lang.get().text().console;
    let action = ServerAction::<SignIn>::new();
    view! {
        <section class="auth">
            <h1>{move || ui_lang.get().text().sign_in_title}</h1>
            <ActionForm action=action attr:id="sign-in-form">
                <CsrfField />
                <label>{move || text().email}<input name="email" type="email" required autocomplete="email" /></label>
                <label>{move || text().password}<input name="password" type="password" required autocomplete="current-password" /></label>
                <button type="submit" class="button primary">{move || text().sign_in_button}</button>
            </ActionForm>
            {action_error(action.value())}
            <p><A href="/sign-up">{move || text().no_account}</A></p>
        </section>
    }
}

#[component]
pub fn ConsolePage() -> impl IntoView {
    let ui_lang = expect_context::<UiLang>();
    let text = move || &ui_lang.get().text().console;
    let create_org_action = ServerAction::<CreateOrg>::new();
    let create_sandbox_action = ServerAction::<CreateSandbox>::new();
    let reset_action = ServerAction::<ResetSandbox>::new();
    let delete_action = ServerAction::<DeleteSandbox>::new();
    let sign_out_action = ServerAction::<SignOut>::new();
    let overview = Resource::new(
        move || {
            (
                create_org_action.version().get(),
                create_sandbox_action.version().get(),
                delete_action.version().get(),
            )
        },
        |_| load_console(),
    );
    let new_sandbox = move || {
        create_sandbox_action
            .value()
            .get()
            .and_then(Result::ok)
            .map(|created| {
                view! {
                    <section class="card new-sandbox" id="new-sandbox" data-sandbox-id=created.sandbox.sandbox_id.clone()>
                        <h3>{created.sandbox.name.clone()}</h3>
                        <p class="notice" role="note">{move || text().shown_once}</p>
                        <dl>
                            <dt>{move || text().client_id}</dt>
                            <dd><code id="new-client-id">{created.sandbox.client_id.clone()}</code></dd>
                            <dt>{move || text().client_secret}</dt>
                            <dd><code id="new-client-secret">{created.client_secret.clone()}</code></dd>
                            <dt>{move || text().rp_private_key}</dt>
                            <dd><pre id="new-private-key">{created.rp_private_key_pem.clone()}</pre></dd>
                        </dl>
                    </section>
                }
            })
    };
    let org_card = move |org: OrgView| {
        let is_creator = org.roles.iter().any(|role| role == "creator");
        // The members page is server-rendered (no bundle cost), so the router must not take this link.
        let members_href = format!("/console/orgs/{}/members", org.org_id);
        let member_count = org.members.len();
        let roles = org
            .roles
            .iter()
            .map(|role| match role.as_str() {
                "creator" => text().role_creator,
                "approver" => text().role_approver,
                _ => "",
            })
            .collect::<Vec<_>>()
            .join(", ");
        let org_id = org.org_id.clone();
        view! {
            <article class="card org" data-org-id=org.org_id.clone()>
                <h3>{org.name.clone()}</h3>
                <p class="muted">{move || text().your_roles} ": " {roles}</p>
                <p>
                    <a class="members-link" rel="external" href=members_href>
                        {move || crate::console_words::words(ui_lang.get()).members_link}
                    </a>
                    " (" {member_count} ")"
                </p>
                <h4>{move || text().sandboxes}</h4>
                {if org.sandboxes.is_empty() {
                    view! { <p class="muted">{move || text().no_sandboxes}</p> }.into_any()
                } else {
                    view! {
                        <ul class="sandbox-list">
                            {org
                                .sandboxes
                                .into_iter()
                                .map(|sandbox| {
                                    let phone = format!("/phone/{}", sandbox.client_id);
                                    let sandbox_id = sandbox.sandbox_id.clone();
                                    let delete_id = sandbox.sandbox_id.clone();
                                    view! {
                                        <li class="sandbox" data-sandbox-id=sandbox.sandbox_id.clone()>
                                            <A href=format!("/console/sandboxes/{}", sandbox.sandbox_id)>
                                                <strong>{sandbox.name.clone()}</strong>
                                            </A>
                                            " "
                                            <code class="client-id">{sandbox.client_id.clone()}</code>
                                            " "
                                            <a href=phone>{move || text().open_phone}</a>
                                            {is_creator
                                                .then(|| {
                                                    view! {
                                                        <ActionForm action=reset_action attr:class="inline-form">
                                                            <CsrfField />
                                                            <input type="hidden" name="sandbox_id" value=sandbox_id.clone() />
                                                            <button type="submit" class="button secondary">{move || text().reset_sandbox}</button>
                                                        </ActionForm>
                                                        <ActionForm action=delete_action attr:class="inline-form">
                                                            <CsrfField />
                                                            <input type="hidden" name="sandbox_id" value=delete_id.clone() />
                                                            <button type="submit" class="button secondary">{move || text().delete_sandbox}</button>
                                                        </ActionForm>
                                                    }
                                                })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
                {is_creator
                    .then(|| {
                        view! {
                            <ActionForm action=create_sandbox_action attr:class="create-sandbox">
                                <CsrfField />
                                <input type="hidden" name="org_id" value=org_id.clone() />
                                <label>{move || text().sandbox_name}<input name="name" required maxlength="100" /></label>
                                <button type="submit" class="button primary">{move || text().create_sandbox}</button>
                            </ActionForm>
                        }
                    })}
            </article>
        }
    };
    view! {
        <section class="console">
            <h1>{move || text().console_title}</h1>
            <Transition fallback=move || view! { <p>{move || text().loading}</p> }>
                {move || {
                    overview
                        .get()
                        .map(|answer| match answer {
                            Ok(Some(overview)) => {
                                view! {
                                    <p id="signed-in-as">{move || text().signed_in_as} " " {overview.display_name.clone()}</p>
                                    <ActionForm action=sign_out_action attr:class="inline-form">
                                        <CsrfField />
                                        <button type="submit" class="button secondary">{move || text().sign_out_button}</button>
                                    </ActionForm>
                                    <h2>{move || text().organisations}</h2>
                                    {overview
                                        .orgs
                                        .is_empty()
                                        .then(|| view! { <p class="muted">{move || text().no_organisations}</p> })}
                                    <div class="cards">{overview.orgs.into_iter().map(org_card).collect_view()}</div>
                                    <h2>{move || text().new_organisation}</h2>
                                    <ActionForm action=create_org_action attr:id="create-org-form">
                                        <CsrfField />
                                        <label>{move || text().organisation_name}<input name="name" required maxlength="100" /></label>
                                        <button type="submit" class="button primary">{move || text().create_organisation}</button>
                                    </ActionForm>
                                }
                                    .into_any()
                            }
                            Ok(None) => {
                                view! {
                                    <p id="sign-in-needed">{move || text().sign_in_needed}</p>
                                    <A href="/sign-in" attr:class="button primary">{move || ui_lang.get().text().nav_sign_in}</A>
                                }
                                    .into_any()
                            }
                            Err(error) => view! { <p class="form-error" role="alert">{error_text(&error)}</p> }.into_any(),
                        })
                }}
            </Transition>
            {action_error(create_org_action.value())}
            {action_error(create_sandbox_action.value())}
            {action_error(reset_action.value())}
            {action_error(delete_action.value())}
            {new_sandbox}
        </section>
    }
}

/// `/console/sandboxes/:id`: a sandbox's settings, time travel and secret rotation.
#[component]
pub fn SandboxPage() -> impl IntoView {
    let ui_lang = expect_context::<UiLang>();
    let text = move || &ui_lang.get().text().console;
    let params = leptos_router::hooks::use_params_map();
    let sandbox_id = move || params.read().get("id").unwrap_or_default();
    let update_action = ServerAction::<UpdateSandbox>::new();
    let travel_action = ServerAction::<TravelInTime>::new();
    let rotate_action = ServerAction::<RotateSecret>::new();
    let inject_action = ServerAction::<InjectFault>::new();
    let clear_action = ServerAction::<ClearFaults>::new();
    let settings = Resource::new(
        move || {
            (
                sandbox_id(),
                update_action.version().get(),
                travel_action.version().get(),
                inject_action.version().get(),
                clear_action.version().get(),
            )
        },
        |(id, ..)| load_sandbox(id),
    );
    let settings_proposed = Signal::derive(move || {
        update_action
            .value()
            .get()
            .map(|answer| matches!(answer, Ok(Some(_))))
    });
    let settings_view = move |view: SandboxSettingsView| {
        let pre_production = view.pre_production;
        let id = view.sandbox.sandbox_id.clone();
        let uris = view.redirect_uris.join("\n");
        let chosen = view.auto_responder.clone();
        let lenient = view.lenient;
        let (update_id, travel_id, rotate_id) = (id.clone(), id.clone(), id.clone());
        let (inject_id, clear_id) = (id.clone(), id);
        let faults = view.faults.clone();
        let fault_forms = view.can_edit.then(|| {
            view! {
                <h2>{move || text().faults_title}</h2>
                {if faults.is_empty() {
                    view! { <p class="muted" id="no-faults">{move || text().no_faults}</p> }.into_any()
                } else {
                    view! {
                        <ul id="fault-list">
                            {faults
                                .into_iter()
                                .map(|fault| {
                                    let code = fault.code.clone();
                                    view! {
                                        <li data-fault-code=code>
                                            <code>{fault.path}</code> " → "
                                            <code>{fault.code}</code> " +" {fault.delay_ms} " ms × "
                                            {fault.remaining}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
                <ActionForm action=inject_action attr:id="fault-form">
                    <CsrfField />
                    <input type="hidden" name="sandbox_id" value=inject_id.clone() />
                    <label>
                        {move || text().fault_path}
                        <select name="path">
                            {FAULT_PATHS
                                .iter()
                                .map(|path| view! { <option value=*path>{*path}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        {move || text().fault_code}
                        <select name="code">
                            {FAULT_CODES
                                .iter()
                                .map(|code| {
                                    view! {
                                        <option value=*code>
                                            {if code.is_empty() { text().delay_only } else { *code }}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        {move || text().fault_count}
                        <input name="count" type="number" min="1" max="100" value="1" />
                    </label>
                    <label>
                        {move || text().fault_delay}
                        <input name="delay_ms" type="number" min="0" max="30000" value="0" />
                    </label>
                    <button type="submit" class="button primary">{move || text().inject}</button>
                </ActionForm>
                <ActionForm action=clear_action attr:class="inline-form">
                    <CsrfField />
                    <input type="hidden" name="sandbox_id" value=clear_id.clone() />
                    <button type="submit" class="button secondary">{move || text().clear_faults}</button>
                </ActionForm>
            }
        });
        let edit_forms = view.can_edit.then(|| {
            view! {
                <ActionForm action=update_action attr:id="settings-form">
                    <CsrfField />
                    <input type="hidden" name="sandbox_id" value=update_id.clone() />
                    <label>
                        {move || text().redirect_uris}
                        <textarea name="redirect_uris" rows="4">{uris.clone()}</textarea>
                    </label>
                    <label>
                        {move || text().protocol_mode}
                        <select name="protocol_mode">
                            <option value="strict" selected=!lenient>{move || text().strict}</option>
                            <option value="lenient" selected=lenient>{move || text().lenient}</option>
                        </select>
                    </label>
                    <label>
                        {move || text().code_lifetime}
                        <input name="code_lifetime_s" type="number" min="5" max="600" value=view.code_lifetime_s />
                    </label>
                    <label>
                        {move || text().auto_responder}
                        <select name="auto_responder">
                            <option value="" selected=chosen.is_empty()>{move || text().none}</option>
                            {AUTO_RESPONDER_CHOICES
                                .iter()
                                .map(|persona| {
                                    view! { <option value=*persona selected=chosen == *persona>{*persona}</option> }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="button primary">{move || text().save}</button>
                </ActionForm>
                <ActionForm action=travel_action attr:id="time-travel-form" attr:class="inline-form">
                    <CsrfField />
                    <input type="hidden" name="sandbox_id" value=travel_id.clone() />
                    <label>
                        {move || text().time_offset}
                        <input name="minutes" type="number" min="0" value=view.time_offset_minutes />
                    </label>
                    <button type="submit" class="button secondary">{move || text().travel}</button>
                </ActionForm>
                <ActionForm action=rotate_action attr:id="rotate-form" attr:class="inline-form">
                    <CsrfField />
                    <input type="hidden" name="sandbox_id" value=rotate_id.clone() />
                    <button type="submit" class="button secondary">{move || text().rotate_secret}</button>
                </ActionForm>
            }
        });
        view! {
            <h1 id="sandbox-name">{view.sandbox.name.clone()}</h1>
            <dl>
                <dt>{move || text().client_id}</dt>
                <dd><code id="sandbox-client-id">{view.sandbox.client_id.clone()}</code></dd>
                <dt>{move || text().scopes}</dt>
                <dd>{view.granted_scopes.join(" ")}</dd>
                <dt>{move || text().redirect_uris}</dt>
                <dd id="redirect-uris">{view.redirect_uris.join(" ")}</dd>
                <dt>{move || text().time_offset}</dt>
                <dd id="time-offset">{view.time_offset_minutes}</dd>
                <dt>{move || crate::console_words::words(ui_lang.get()).pre_production}</dt>
                <dd id="pre-production" data-pre-production=pre_production.to_string()>
                    {move || {
                        let words = crate::console_words::words(ui_lang.get());
                        if pre_production { words.yes } else { words.no }
                    }}
                </dd>
            </dl>
            <p><a href=format!("/phone/{}", view.sandbox.client_id)>{move || text().open_phone}</a></p>
            // The persona pages are server-rendered (no bundle cost), so the router must not take this link.
            <p><a id="open-personas" rel="external" href=format!("/console/sandboxes/{}/personas", view.sandbox.sandbox_id)>{move || text().personas_link}</a></p>
            // The maker/checker page is server-rendered (no bundle cost), so the router must not take this link.
            <p><a id="open-changes" rel="external" href=format!("/console/sandboxes/{}/changes", view.sandbox.sandbox_id)>{move || crate::console_words::words(ui_lang.get()).changes_link}</a></p>
            {edit_forms}
            {fault_forms}
        }
    };
    view! {
        <section class="console sandbox-settings">
            <Transition fallback=move || view! { <p>{move || text().loading}</p> }>
                {move || {
                    settings
                        .get()
                        .map(|answer| match answer {
                            Ok(Some(view)) => settings_view(view).into_any(),
                            Ok(None) => {
                                view! { <p id="sign-in-needed">{move || text().sign_in_needed}</p> }
                                    .into_any()
                            }
                            Err(error) => {
                                view! {
                                    <p class="form-error" role="alert" id="sandbox-error">
                                        {error_text(&error)}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
            {action_error(update_action.value())}
            {action_error(travel_action.value())}
            {action_error(rotate_action.value())}
            {action_error(inject_action.value())}
            {action_error(clear_action.value())}
            {move || {
                (settings_proposed.get() == Some(true))
                    .then(|| {
                        view! {
                            <p class="notice" role="status" id="proposed-notice">
                                {move || crate::console_words::words(ui_lang.get()).proposed_notice}
                            </p>
                        }
                    })
            }}
            {move || {
                rotate_action
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|secret| {
                        view! {
                            <section class="card new-sandbox">
                                <p class="notice" role="note">{move || text().shown_once}</p>
                                <code id="rotated-secret">{secret}</code>
                            </section>
                        }
                    })
            }}
            <RequestLog sandbox_id=Signal::derive(sandbox_id) />
            <p><A href="/console">{move || text().console_title}</A></p>
        </section>
    }
}
