//! Demo Bank, the sandbox's reference relying party: a small online bank that logs its customers in
//! with iAM Smart exactly as a real online service would — a branded button, a random `state` kept in
//! the session, the redirect to `getQR`, a callback that checks the state before anything else, the
//! token exchange through [`iamsmart_client`], and a signed-in page.
//!
//! The portal mounts [`router`] with `nest("/demo-bank", …)`; Demo Bank talks to the sandbox over HTTP
//! like any outside RP and never through the runtime. Every response carries its own
//! Content-Security-Policy, and pages are maud templates, so every interpolation is escaped.
//!
//! Architecture invariants: no inline scripts or styles; no panic on anything a browser sends; never
//! logs the client secret, states, codes, tokens, openIDs or cookies.

#![forbid(unsafe_code)]

mod account;
mod agreement;
mod assets;
mod callback;
mod failure;
mod headers;
mod home;
mod inbox;
mod login;
mod logout;
mod open_account;
mod open_account_pages;
mod pages;
mod session;
mod words;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use iamsmart_client::{Client, ClientConfig, Lang};
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, MemoryStore, SessionManagerLayer};

/// The session cookie's name.
pub const SESSION_COOKIE_NAME: &str = "demo_bank_session";
/// A session nobody uses for this long is forgotten.
const SESSION_IDLE_LIFETIME: Duration = Duration::minutes(30);

/// How Demo Bank is set up.
#[derive(Debug, Clone)]
pub struct DemoBankConfig {
    /// The bank's credentials and where iAM Smart is.
    pub client: ClientConfig,
    /// The path the router is mounted at, for example `/demo-bank`: links, redirects and the session
    /// cookie's path are built on it.
    pub mount_path: String,
    /// The redirect URI registered with iAM Smart: `{public base URL}{mount_path}/callback`. Its
    /// scheme decides whether the session cookie is `Secure`.
    pub redirect_uri: String,
    /// The scopes Demo Bank asks for at login; they must be granted to its client. `eidapi_auth`
    /// alone logs in; "open an account" also needs `eidapi_profiles` and `eidapi_formFilling`.
    pub login_scopes: Vec<String>,
}

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct Bank {
    pub client: Client,
    pub config: Arc<DemoBankConfig>,
    /// Callbacks iAM Smart POSTed, waiting for the customer's page.
    pub inbox: Arc<inbox::CallbackInbox>,
    /// Account agreements being signed, joined to iAM Smart's callbacks by `businessID`.
    pub agreements: agreement::Agreements,
}

impl Bank {
    /// An absolute path below the mount point: `path("/account")` is `/demo-bank/account`.
    pub fn path(&self, path: &str) -> String {
        format!("{}{path}", self.config.mount_path)
    }

    /// The sandbox's virtual phone showing `ticket_id`: a sandbox-only convenience, since a real
    /// customer's phone receives the request by itself.
    pub fn phone_link(&self, ticket_id: &str) -> String {
        let encode = iamsmart_client::url_encode;
        format!(
            "{}/phone/{}/tickets/{}",
            self.config.client.browser_base_url.trim_end_matches('/'),
            encode(&self.config.client.client_id),
            encode(ticket_id)
        )
    }

    /// The home page in `lang`, for `Location` headers.
    pub fn home(&self, lang: Lang) -> String {
        pages::home_link(&self.config.mount_path, lang)
    }
}

/// Demo Bank's routes, relative to its mount point: `GET /`, `POST /login`, `GET /callback`,
/// `GET /account`, `POST /logout`, the account application (`GET`/`POST /open-account`,
/// `POST /open-account/eme`, `POST /open-account/anonymous`), signing the account agreement
/// (`GET /agreement`, `POST /agreement/sign`, `GET /agreement/signed.pdf`), iAM Smart's callbacks
/// (`POST /iamsmart/callback`) and `GET /assets/demo-bank.css`. Fails only on a client
/// configuration that cannot work, so a misconfigured portal stops at start-up.
///
/// The home page is the mount path itself (`/demo-bank`); a router nested there does not serve
/// `/demo-bank/`.
///
/// ```no_run
/// # fn mount(client: iamsmart_client::ClientConfig) -> Result<axum::Router, iamsmart_client::Error> {
/// let bank = demo_bank::router(demo_bank::DemoBankConfig {
///     client,
///     mount_path: "/demo-bank".into(),
///     redirect_uri: "http://127.0.0.1:8080/demo-bank/callback".into(),
///     login_scopes: vec!["eidapi_auth".into()],
/// })?;
/// Ok(axum::Router::new().nest("/demo-bank", bank))
/// # }
/// ```
pub fn router(mut config: DemoBankConfig) -> Result<Router, iamsmart_client::Error> {
    config.mount_path = config.mount_path.trim_end_matches('/').to_owned();
    let client = Client::new(config.client.clone())?;
    let content_security_policy = headers::content_security_policy(&config.client.browser_base_url);
    let sessions = SessionManagerLayer::new(MemoryStore::default())
        .with_name(SESSION_COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.redirect_uri.starts_with("https://"))
        .with_path(if config.mount_path.is_empty() {
            "/".to_owned()
        } else {
            config.mount_path.clone()
        })
        .with_expiry(Expiry::OnInactivity(SESSION_IDLE_LIFETIME));
    let bank = Bank {
        client,
        config: Arc::new(config),
        inbox: Arc::default(),
        agreements: agreement::Agreements::default(),
    };
    Ok(Router::new()
        .route("/", get(home::show))
        .route("/login", post(login::start))
        .route("/callback", get(callback::finish))
        .route("/account", get(account::show))
        .route("/logout", post(logout::end))
        .route(
            "/open-account",
            get(open_account::show).post(open_account::submit),
        )
        .route("/open-account/eme", post(open_account::fill_with_eme))
        .route(
            "/open-account/anonymous",
            post(open_account::onboard_anonymously),
        )
        .route(
            "/iamsmart/callback",
            post(inbox::receive).layer(axum::extract::DefaultBodyLimit::max(
                inbox::MAX_CALLBACK_BYTES,
            )),
        )
        .route("/agreement", get(agreement::show))
        .route("/agreement/sign", post(agreement::sign))
        .route("/agreement/signed.pdf", get(agreement::signed_pdf))
        .route(assets::STYLESHEET_PATH, get(assets::stylesheet))
        .with_state(bank)
        .layer(sessions)
        .layer(axum::middleware::map_response(
            move |response: axum::response::Response| {
                let policy = content_security_policy.clone();
                async move { headers::secure(response, policy) }
            },
        )))
}
