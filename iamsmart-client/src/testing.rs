//! Test support (feature `testing`): an in-process iAM Smart API on `127.0.0.1:0`, backed by the
//! protocol core and a [`MemoryHost`], so the client and the RPs built on it are tested against the
//! real protocol logic over real HTTP without the portal or Wasmtime.
//!
//! It serves `POST /api/v1/*` through `mock_iamsmart::handle`, and `GET /api/v1/auth/getQR` with the
//! portal's JSON answer for `Accept: application/json` (anything else gets a placeholder broker page).
//! The host's real clock follows the machine's on every call, so the client's timestamps pass; time
//! travel moves only the sandbox clock, as in the portal. It must only ever listen on loopback, and
//! it is never compiled into a production build (only dev-dependencies enable the feature).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mock_iamsmart::{
    ApiRequest, Call, Callback, GetQrParams, LoginStarted, MemoryHost, Outcome, SandboxConfig,
    TicketState, handle,
};
use serde_json::json;

use crate::config::{ClientConfig, Secret};
use crate::login::CallbackParams;

pub use mock_iamsmart::persona::{IAMSMART_PLUS_USER, IAMSMART_USER, SUSPENDED_USER};

/// The fixture client ID.
pub const CLIENT_ID: &str = "0123456789abcdef0123456789abcdef";
/// The fixture client secret.
pub const CLIENT_SECRET: &str = "test-client-secret";
/// The redirect URI on the fixture sandbox's allow-list unless the test sets its own.
pub const REDIRECT_URI: &str = "https://rp.example/callback";
/// The fixture RP's encipherment private key (test data of the protocol core).
pub const RP_PRIVATE_KEY_PEM: &str =
    include_str!("../../mock-iamsmart/src/testdata/rp_private_key.pem");
/// Its public half, registered with the fixture sandbox.
pub const RP_PUBLIC_KEY_PEM: &str =
    include_str!("../../mock-iamsmart/src/testdata/rp_public_key.pem");
/// The fixed seed of the sandbox's randomness, so ids and keys repeat from run to run.
const SEED: u64 = 2024;

/// The sandbox's state behind the server.
struct Sandbox {
    host: MemoryHost,
    config: SandboxConfig,
    /// The path of every API call in arrival order, so tests can check what an RP called.
    api_paths: Vec<String>,
    /// Callbacks the sandbox asked its host to POST, kept for the test instead of delivered.
    callbacks: Vec<Callback>,
}

type Shared = Arc<Mutex<Sandbox>>;

/// A running in-process iAM Smart API. The server stops when this is dropped.
pub struct TestSandbox {
    base_url: String,
    sandbox: Shared,
    server: tokio::task::JoinHandle<()>,
}

/// The fixture sandbox: strict mode, [`REDIRECT_URI`] allowed, login, profile and form-filling
/// scopes granted.
pub fn fixture_config() -> SandboxConfig {
    let mut config = SandboxConfig::new(
        CLIENT_ID,
        Secret::new(CLIENT_SECRET),
        RP_PUBLIC_KEY_PEM,
        Secret::new("test-pseudonym-key"),
    );
    config.redirect_uris = vec![REDIRECT_URI.to_owned()];
    config.granted_scopes = vec![
        "eidapi_auth".into(),
        "eidapi_profiles".into(),
        "eidapi_formFilling".into(),
    ];
    config
}

impl TestSandbox {
    /// Starts the fixture sandbox.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(|_| {}).await
    }

    /// Starts a sandbox whose fixture configuration `configure` has adjusted (redirect URIs, an
    /// auto-responder, lifetimes, …).
    pub async fn start_with(configure: impl FnOnce(&mut SandboxConfig)) -> anyhow::Result<Self> {
        let mut config = fixture_config();
        configure(&mut config);
        let sandbox: Shared = Arc::new(Mutex::new(Sandbox {
            host: MemoryHost::new(SEED),
            config,
            api_paths: Vec::new(),
            callbacks: Vec::new(),
        }));
        let app = Router::new()
            .route("/api/v1/auth/getQR", get(get_qr))
            .route("/api/v1/{*rest}", post(api))
            .with_state(Arc::clone(&sandbox));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the test sandbox to 127.0.0.1:0")?;
        let address = listener.local_addr().context("reading the bound address")?;
        let server = tokio::spawn(async move {
            // The server runs until the test drops the sandbox and aborts it.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            base_url: format!("http://{address}"),
            sandbox,
            server,
        })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A client configuration for this sandbox with the fixture credentials.
    pub fn client_config(&self) -> ClientConfig {
        ClientConfig {
            api_base_url: self.base_url.clone(),
            browser_base_url: self.base_url.clone(),
            client_id: CLIENT_ID.to_owned(),
            client_secret: Secret::new(CLIENT_SECRET),
            private_key_pem: Secret::new(RP_PRIVATE_KEY_PEM),
        }
    }

    /// Runs one call against the sandbox, as the portal's pages and virtual phone do.
    pub fn call(&self, call: Call) -> Outcome {
        run(&mut lock(&self.sandbox), call)
    }

    /// Moves the sandbox clock (not the real one), as the portal's time-travel control does.
    pub fn travel_ms(&self, offset_delta_ms: i64) {
        lock(&self.sandbox).host.travel_ms(offset_delta_ms);
    }

    /// The callbacks the sandbox produced since the last call of this method (the portal would have
    /// POSTed them to the RP), oldest first.
    pub fn take_callbacks(&self) -> Vec<Callback> {
        std::mem::take(&mut lock(&self.sandbox).callbacks)
    }

    /// The paths of the API calls so far, in order.
    pub fn api_paths(&self) -> Vec<String> {
        lock(&self.sandbox).api_paths.clone()
    }

    /// Starts the login a browser sent to `get_qr_url` would start. Panics if the sandbox refuses.
    pub fn begin_login(&self, get_qr_url: &str) -> LoginStarted {
        let query = get_qr_url.split_once('?').map_or("", |(_, query)| query);
        match self.call(Call::BeginLogin(GetQrParams::from_query(query))) {
            Outcome::LoginStarted(started) => started,
            other => panic!("the sandbox refused the login: {other:?}"),
        }
    }

    /// Approves a ticket as `persona_id` on the virtual phone; returns the redirect URL.
    pub fn approve(&self, ticket_id: &str, persona_id: &str) -> String {
        self.settled_redirect(Call::ApproveTicket {
            ticket_id: ticket_id.to_owned(),
            persona_id: persona_id.to_owned(),
        })
    }

    /// Rejects a ticket on the virtual phone; returns the redirect URL (`error_code=D40001`).
    pub fn reject(&self, ticket_id: &str) -> String {
        self.settled_redirect(Call::RejectTicket {
            ticket_id: ticket_id.to_owned(),
        })
    }

    /// Cancels a ticket on the virtual phone; returns the redirect URL (`error_code=D40000`).
    pub fn cancel(&self, ticket_id: &str) -> String {
        self.settled_redirect(Call::CancelTicket {
            ticket_id: ticket_id.to_owned(),
        })
    }

    /// The whole browser-and-phone part of a login: start it from `get_qr_url` and approve it as
    /// `persona_id`. Returns the redirect URL carrying `code` and `state`.
    pub fn approve_login(&self, get_qr_url: &str, persona_id: &str) -> String {
        let started = self.begin_login(get_qr_url);
        self.approve(&started.ticket_id, persona_id)
    }

    /// An authorisation code for a fresh login to [`REDIRECT_URI`] as `persona_id`.
    pub fn login_code(&self, persona_id: &str) -> String {
        let request = crate::LoginRequest::new(REDIRECT_URI, "test-state");
        let url = crate::login::get_qr_url(&self.base_url, CLIENT_ID, &request);
        CallbackParams::from_url(&self.approve_login(&url, persona_id))
            .code
            .unwrap_or_else(|| panic!("an approved login redirects with a code"))
    }

    fn settled_redirect(&self, call: Call) -> String {
        match self.call(call) {
            Outcome::Ticket(status) if status.state != TicketState::Pending => status
                .redirect_url
                .unwrap_or_else(|| panic!("a settled ticket with a browser has a redirect URL")),
            other => panic!("the ticket was not settled: {other:?}"),
        }
    }
}

impl Drop for TestSandbox {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The sandbox, even if a panicking test poisoned the lock: its state is still consistent, since
/// every call runs to completion under the lock.
fn lock(sandbox: &Shared) -> MutexGuard<'_, Sandbox> {
    sandbox.lock().unwrap_or_else(PoisonError::into_inner)
}

fn run(sandbox: &mut Sandbox, call: Call) -> Outcome {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        });
    sandbox.host.set_real_now_ms(now);
    let outcome = handle(&mut sandbox.host, &sandbox.config, call);
    match &outcome {
        Outcome::Api(response) => sandbox.callbacks.extend(response.callbacks.iter().cloned()),
        Outcome::Ticket(status) => sandbox.callbacks.extend(status.callbacks.iter().cloned()),
        _ => {}
    }
    outcome
}

async fn api(State(sandbox): State<Shared>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let request = ApiRequest {
        method: "POST".into(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or_default().to_owned(),
        headers: headers
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect(),
        body: body.to_vec(),
    };
    let outcome = {
        let mut sandbox = lock(&sandbox);
        sandbox.api_paths.push(request.path.clone());
        run(&mut sandbox, Call::Api(request))
    };
    match outcome {
        Outcome::Api(response) => {
            let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK);
            (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                response.body,
            )
                .into_response()
        }
        other => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("an API call answered {other:?}"),
        )
            .into_response(),
    }
}

async fn get_qr(
    State(sandbox): State<Shared>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"));
    let params = GetQrParams::from_query(query.as_deref().unwrap_or_default());
    let outcome = {
        let mut sandbox = lock(&sandbox);
        sandbox.api_paths.push("/api/v1/auth/getQR".into());
        run(&mut sandbox, Call::BeginLogin(params))
    };
    match (outcome, wants_json) {
        (Outcome::LoginStarted(started), true) => axum::Json(json!({
            "ticketID": started.ticket_id,
            "expiresInMs": started.expires_in_ms,
            "appLink": started.app_link,
            "phoneURL": format!("/sandbox/phone?ticketID={}", started.ticket_id),
            "statusURL": format!("/sandbox/ticketStatus?ticketID={}", started.ticket_id),
            "redirectURL": started.redirect_url,
        }))
        .into_response(),
        (Outcome::LoginStarted(_), false) => {
            "the broker page would show a QR code here".into_response()
        }
        (Outcome::Error { code, message }, _) => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "txID": "test", "code": code.code(), "message": message })),
        )
            .into_response(),
        (other, _) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("getQR answered {other:?}"),
        )
            .into_response(),
    }
}
