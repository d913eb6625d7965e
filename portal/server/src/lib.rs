//! The portal server as a library: configuration, the axum router (`app`), and `serve`, so that the binary and
//! the tests start exactly the same thing.
//!
//! Only the binary reads the environment; everything here takes a `PortalConfig`. Nothing here may log request
//! bodies, cookies, query strings or database URLs with passwords.

mod accounts;
mod api;
mod broker;
pub mod ca;
mod callbacks;
mod changes;
pub mod config_key;
mod console_backend;
mod console_pages;
pub mod db;
pub mod demo;
mod faults;
mod guides;
mod inspector;
mod live;
mod maker_checker;
mod orgs;
mod page;
mod personas;
mod phone;
mod phone_consent;
mod phone_signing;
mod phone_step_up;
mod reference;
mod refusals;
mod request_detail;
mod rp_key;
mod security;
mod tenant;
mod try_it;
mod words;

use std::{net::SocketAddr, path::PathBuf, time::Instant};

use axum::{
    Json, Router,
    body::Bytes,
    extract::DefaultBodyLimit,
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    response::IntoResponse,
    routing::{any, get, post},
};
use leptos::prelude::LeptosOptions;
use leptos_axum::{LeptosRoutes, generate_route_list};
use portal_app::{App, BUNDLE_NAME, shell};
use sandbox_runtime::{ConfigKey, Limits, Runtime, RuntimeConfig, SandboxError};
use tokio::net::TcpListener;
use tower_http::{
    compression::CompressionLayer, services::ServeDir, set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

pub use db::{Database, DatabaseError, Engine};

/// Everything the server needs to start; built by the binary from flags and environment, or by tests directly.
#[derive(Clone, Debug)]
pub struct PortalConfig {
    /// The address to listen on, e.g. `127.0.0.1:8080`; port 0 picks a free port.
    pub listen_addr: SocketAddr,
    /// `sqlite://path/to/file.db` or `postgres://user@host:port/database`.
    pub database_url: String,
    /// The directory holding `pkg/` (the hydrate bundle, stylesheet and icons) as built by `cargo xtask`.
    pub site_root: PathBuf,
    /// The sandbox guest component (`cargo xtask` builds it as `<target>/guest/mock_iamsmart.wasm`).
    pub guest_path: PathBuf,
    /// A directory the server owns for the precompiled guest, so restarts do not recompile it.
    pub cache_dir: PathBuf,
    /// Where to write (or find) the demo sandbox's credentials; `None` seeds no demo sandbox.
    pub demo_file: Option<PathBuf>,
    /// The address developers reach this server at, for the demo file and messages; defaults to the
    /// listening address.
    pub public_base_url: Option<String>,
    /// Seals every sandbox configuration at rest (`config_key::resolve` finds it for the binary). Every start,
    /// and every process sharing the database, must use the same key.
    pub config_key: ConfigKey,
}

/// A server that is bound and ready: its address, and the future that runs it until shutdown.
pub struct RunningPortal {
    pub local_addr: SocketAddr,
    pub database: Database,
    pub runtime: Runtime,
    /// The demo sandbox, when the configuration asked for one.
    pub demo: Option<demo::DemoSandbox>,
    /// The deployment's sandbox CA.
    pub signing_authority: ca::SigningAuthority,
    router: Router,
    listener: TcpListener,
}

impl RunningPortal {
    /// Serves requests until `shutdown` resolves, then finishes the requests in flight.
    pub async fn serve_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// Why the portal could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] DatabaseError),
    #[error(
        "could not prepare the sandbox runtime (is the guest built? `cargo xtask build` builds it)"
    )]
    Runtime(#[source] SandboxError),
    #[error(
        "the configuration key does not match the one that sealed these sandboxes; start with the key they were \
         sealed with (PORTAL_CONFIG_KEY, or config.key in the data directory)"
    )]
    ConfigKeyMismatch,
    #[error("could not seal the stored sandbox configurations")]
    Sealing(#[source] SandboxError),
    #[error("could not seed the demo sandbox")]
    Demo(#[source] anyhow::Error),
    #[error("could not listen on {addr}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// Connects to the database, applies migrations, records the deployment, builds the router and binds the
/// listener. After this returns the server answers as soon as `serve_until` is polled.
pub async fn start(config: &PortalConfig) -> Result<RunningPortal, StartError> {
    guides::render_in_background();
    let database = Database::connect(&config.database_url).await?;
    database.migrate().await?;
    let deployment = database
        .ensure_deployment(&new_deployment_id(), unix_time_ms())
        .await?;
    tracing::info!(deployment_id = %deployment.deployment_id, engine = database.engine().name(), "database ready");
    let runtime = Runtime::new(
        RuntimeConfig {
            guest_path: config.guest_path.clone(),
            cache_dir: config.cache_dir.clone(),
            limits: Limits::default(),
            config_key: config.config_key.clone(),
        },
        database.pool().clone(),
    )
    .map_err(StartError::Runtime)?;
    // Before anything reads a configuration: refuse a key that cannot open them, and seal any row still stored
    // in clear (written before sealing existed).
    let sealed = runtime
        .seal_stored_configs()
        .await
        .map_err(|error| match error {
            SandboxError::ConfigKeyMismatch => StartError::ConfigKeyMismatch,
            other => StartError::Sealing(other),
        })?;
    if sealed > 0 {
        tracing::info!(sealed, "sealed sandbox configurations stored in clear");
    }
    let listener = TcpListener::bind(config.listen_addr)
        .await
        .map_err(|source| StartError::Bind {
            addr: config.listen_addr,
            source,
        })?;
    let local_addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: config.listen_addr,
        source,
    })?;
    let base_url = config
        .public_base_url
        .clone()
        .unwrap_or_else(|| format!("http://{local_addr}"));
    let demo = match &config.demo_file {
        Some(file) => {
            let mut demo = demo::ensure(&runtime, file, &base_url)
                .await
                .map_err(StartError::Demo)?;
            demo::ensure_accounts(
                &accounts::Accounts::new(database.pool().clone()),
                &orgs::Orgs::new(
                    database.pool().clone(),
                    runtime.clone(),
                    config.public_base_url.clone(),
                ),
                file,
                &mut demo,
            )
            .await
            .map_err(StartError::Demo)?;
            Some(demo)
        }
        None => None,
    };
    let demo_bank = match &demo {
        Some(demo) => Some(demo_bank_router(demo, local_addr).map_err(StartError::Demo)?),
        None => None,
    };
    let signing_authority = ca::SigningAuthority::new(
        database.pool().clone(),
        runtime.clone(),
        deployment.deployment_id.clone(),
        base_url.clone(),
    );
    let router = app(
        config,
        database.clone(),
        runtime.clone(),
        signing_authority.clone(),
        demo_bank,
    );
    Ok(RunningPortal {
        local_addr,
        database,
        runtime,
        demo,
        signing_authority,
        router,
        listener,
    })
}

/// Demo Bank, the reference relying party, set up with the demo sandbox's credentials. Its browser
/// redirects use the public base URL; its own API calls go to this server over loopback, as an RP on
/// the same machine would.
fn demo_bank_router(demo: &demo::DemoSandbox, local_addr: SocketAddr) -> anyhow::Result<Router> {
    let loopback = if local_addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], local_addr.port()))
    } else {
        local_addr
    };
    let router = demo_bank::router(demo_bank::DemoBankConfig {
        client: iamsmart_client::ClientConfig {
            api_base_url: format!("http://{loopback}"),
            browser_base_url: demo.base_url.clone(),
            client_id: demo.client_id.clone(),
            client_secret: iamsmart_client::Secret::new(demo.client_secret.clone()),
            private_key_pem: iamsmart_client::Secret::new(demo.rp_private_key_pem.clone()),
        },
        mount_path: DEMO_BANK_PATH.to_owned(),
        redirect_uri: format!("{}{DEMO_BANK_PATH}/callback", demo.base_url),
        // Everything the demo sandbox grants that Demo Bank's pages use.
        login_scopes: [
            "eidapi_auth",
            "eidapi_profiles",
            "eidapi_formFilling",
            "eidapi_sign",
        ]
        .into_iter()
        .filter(|scope| demo.scopes.iter().any(|granted| granted == scope))
        .map(str::to_owned)
        .collect(),
    })
    .map_err(|error| anyhow::anyhow!("configuring Demo Bank: {error}"))?;
    Ok(router)
}

/// Where Demo Bank is mounted.
pub const DEMO_BANK_PATH: &str = "/demo-bank";

/// The whole HTTP surface of the portal. `demo_bank` is mounted at [`DEMO_BANK_PATH`] when given.
pub fn app(
    config: &PortalConfig,
    database: Database,
    runtime: Runtime,
    signing_authority: ca::SigningAuthority,
    demo_bank: Option<Router>,
) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name(BUNDLE_NAME)
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.listen_addr)
        .build();
    let routes = generate_route_list(App);
    let static_files = Router::new()
        // `cargo xtask` writes `.br` and `.gz` beside each file at the best levels; they are sent as they are.
        .fallback_service(
            ServeDir::new(config.site_root.join("pkg"))
                .precompressed_br()
                .precompressed_gzip(),
        )
        // File names are not content-hashed yet, so browsers must revalidate; ServeDir answers 304s cheaply.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));

    let console = console_backend::context(console_backend::PortalConsole {
        pool: database.pool().clone(),
        accounts: accounts::Accounts::new(database.pool().clone()),
        orgs: orgs::Orgs::new(
            database.pool().clone(),
            runtime.clone(),
            config.public_base_url.clone(),
        ),
        secure_cookies: config
            .public_base_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://")),
    });
    let console_pages = Router::new()
        .route("/console/sandboxes/{id}/changes", get(changes::page))
        .route(
            "/console/sandboxes/{id}/changes/pre-production",
            post(changes::post_pre_production),
        )
        .route(
            "/console/sandboxes/{id}/changes/scopes",
            post(changes::post_scopes),
        )
        .route(
            "/console/sandboxes/{id}/changes/rp-key",
            post(changes::post_rp_key),
        )
        .route(
            "/console/sandboxes/{id}/changes/decide",
            post(changes::post_decide),
        )
        .route(
            "/console/orgs/{id}/members",
            get(changes::members).post(changes::add_member),
        )
        .route(
            "/console/sandboxes/{id}/requests/{request_id}",
            get(request_detail::page),
        )
        .with_state(console_pages::ConsolePages {
            backend: console.clone(),
            secure_cookies: config
                .public_base_url
                .as_deref()
                .is_some_and(|url| url.starts_with("https://")),
        });
    let inspector = inspector::Inspector {
        pool: database.pool().clone(),
        live: live::LiveFeed::start(database.engine(), &config.database_url),
    };
    let live_stream = Router::new()
        .route("/console/sandboxes/{sandbox_id}/live", get(live::stream))
        .with_state(live::LiveState {
            feed: inspector.live.clone(),
            accounts: accounts::Accounts::new(database.pool().clone()),
            orgs: orgs::Orgs::new(
                database.pool().clone(),
                runtime.clone(),
                config.public_base_url.clone(),
            ),
        });
    let persona_pages = Router::new()
        .route("/console/sandboxes/{id}/personas", get(personas::list))
        .route("/console/sandboxes/{id}/personas/edit", get(personas::edit))
        .route(
            "/console/sandboxes/{id}/personas/save",
            post(personas::save),
        )
        .route(
            "/console/sandboxes/{id}/personas/delete",
            post(personas::delete),
        )
        .route(
            "/console/sandboxes/{id}/personas/import",
            post(personas::import),
        )
        .route("/console/sandboxes/{id}/personas/set", post(personas::set))
        .route(
            "/console/sandboxes/{id}/personas/reset",
            post(personas::reset),
        )
        .route(
            "/console/sandboxes/{id}/personas.json",
            get(personas::export),
        )
        .with_state(personas::PortalPersonas {
            accounts: accounts::Accounts::new(database.pool().clone()),
            orgs: orgs::Orgs::new(
                database.pool().clone(),
                runtime.clone(),
                config.public_base_url.clone(),
            ),
            runtime: runtime.clone(),
            secure_cookies: config
                .public_base_url
                .as_deref()
                .is_some_and(|url| url.starts_with("https://")),
        });
    let api_signing = signing_authority.clone();
    let health_database = database;
    let login_pages = Router::new()
        // Non-GET requests here are API calls (see `broker::get_qr`): the same 10 MB limit as the rest of /api/v1.
        .route(
            "/api/v1/auth/getQR",
            any(broker::get_qr).layer(DefaultBodyLimit::max(api::MAX_BODY_BYTES)),
        )
        .route(
            "/broker/{client_id}/tickets/{ticket_id}",
            get(broker::ticket_status),
        )
        .route("/phone/{client_id}", get(phone::home))
        .route("/phone/{client_id}/pending", get(phone::pending_ids))
        .route("/phone/{client_id}/persona", post(phone::choose_persona))
        .route("/phone/{client_id}/signout", post(phone::sign_out))
        .route("/phone/{client_id}/tickets/{ticket_id}", get(phone::ticket))
        .route(
            "/phone/{client_id}/tickets/{ticket_id}/confirm",
            get(phone::confirm),
        )
        .route(
            "/phone/{client_id}/tickets/{ticket_id}/approve",
            post(phone::approve),
        )
        .route(
            "/phone/{client_id}/tickets/{ticket_id}/step-up",
            post(phone::step_up),
        )
        .route(
            "/phone/{client_id}/tickets/{ticket_id}/reject",
            post(phone::reject),
        )
        .route(
            "/phone/{client_id}/tickets/{ticket_id}/cancel",
            post(phone::cancel),
        )
        .route(
            "/phone/{client_id}/tickets/{ticket_id}/expire",
            post(phone::expire),
        )
        // Browsers ask for /favicon.ico on pages that name no icon; the portal has one, as SVG.
        .route(
            "/favicon.ico",
            get(|| async { axum::response::Redirect::permanent("/pkg/favicon.svg") }),
        )
        .route(
            "/assets/{name}",
            get(|uri: Uri| async move { page::asset(uri.path()) }),
        )
        .with_state(tenant::LoginPages {
            runtime: runtime.clone(),
            signing_authority: Some(signing_authority.clone()),
            public_base_url: config.public_base_url.clone(),
            inspector: Some(inspector.clone()),
        });
    let mut router = Router::new()
        .route("/healthz", get(move || healthz(health_database.clone())))
        .route(
            "/api/v1/{*path}",
            any(
                move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                    api::handle(
                        runtime.clone(),
                        Some(inspector.clone()),
                        Some(api_signing.clone()),
                        method,
                        uri,
                        headers,
                        body,
                    )
                },
            )
            .layer(DefaultBodyLimit::max(api::MAX_BODY_BYTES)),
        )
        .nest("/pkg", static_files)
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            move || leptos::prelude::provide_context(console.clone()),
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(leptos_options)
        .merge(login_pages)
        .merge(live_stream)
        .merge(persona_pages)
        .merge(console_pages)
        .merge(signing_authority.router())
        .merge(guides::router())
        .route("/reference", get(reference::page))
        .route("/reference/openapi.json", get(reference::document))
        .route("/reference/try", get(try_it::page));
    if let Some(demo_bank) = demo_bank {
        router = router.nest(DEMO_BANK_PATH, demo_bank).route(
            "/demo-bank/",
            get(|| async { axum::response::Redirect::permanent(DEMO_BANK_PATH) }),
        );
    }
    let router = router.layer(CompressionLayer::new());
    security::with_headers(router).layer(TraceLayer::new_for_http().make_span_with(
        |request: &axum::http::Request<_>| {
            // The path only: query strings can carry codes and states that must not reach the logs.
            tracing::info_span!("http", method = %request.method(), path = %request.uri().path())
        },
    ))
}

/// `GET /healthz`: 200 with `{"status":"ok"}` when the database answers, 503 otherwise.
async fn healthz(database: Database) -> impl IntoResponse {
    let started = Instant::now();
    match database.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({
                "status": "ok",
                "database": database.engine().name(),
                "databaseLatencyMs": started.elapsed().as_secs_f64() * 1000.0,
            })),
        ),
        Err(error) => {
            tracing::warn!(error = %error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(
                    serde_json::json!({ "status": "unavailable", "database": database.engine().name() }),
                ),
            )
        }
    }
}

fn new_deployment_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Milliseconds since the Unix epoch on the wall clock.
pub fn unix_time_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}
