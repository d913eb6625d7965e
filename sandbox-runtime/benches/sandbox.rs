//! The sandbox runtime's benchmark (`harness = false`, plain std timing): (a) the cost of a fresh
//! instance per request, as p50/p99 over 10,000 instantiations from the pooling allocator; (b) getKey
//! throughput through the Wasmtime sandbox against the same core linked natively on the same storage
//! (`NativeRuntime`), side by side as a ratio (DESIGN §4: p50 ≤ 10 µs, p99 ≤ 50 µs, ratio ≥ 85 %).
//!
//! It needs the guest component in `MOCK_IAMSMART_GUEST` (`cargo xtask bench` builds it) and uses a
//! temporary SQLite file, plus PostgreSQL at `TEST_POSTGRES_URL` when reachable. It prints a table and
//! asserts nothing: numbers are for people and for the record, never a pass/fail gate.
//!
//! (c) Bulk signing inside the guest: 1000 RSA-2048 `SHA256withRSA` signatures through
//! `continue_bulk_signing`, as the portal runs them after an approval — calls, per-call time and
//! signatures per second. `cargo bench -p sandbox-runtime --bench sandbox -- bulk` runs only (c).

use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use mock_iamsmart::api::GET_KEY_PATH;
use mock_iamsmart::client::SignedHeaders;
use mock_iamsmart::{ApiRequest, Call, Outcome, SandboxConfig};
use rand::RngCore;
use sandbox_runtime::{Limits, NativeRuntime, Runtime, RuntimeConfig, SandboxId};
use sqlx::AnyPool;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};

const INSTANTIATIONS: usize = 10_000;
const WARM_UP: usize = 10_000;
/// getKey requests per measured round and rounds per engine; rounds alternate sandbox and native so
/// drift (thermal, page cache, WAL growth) hits both alike.
const REQUESTS_PER_ROUND: usize = 250;
const ROUNDS: usize = 6;
/// Tenants served at once in the concurrent row.
const CONCURRENT_TENANTS: usize = 4;
const RP_PUBLIC_KEY_PEM: &str = include_str!("../../mock-iamsmart/src/testdata/rp_public_key.pem");
/// The RP test key; it doubles as the signing persona's key in (c).
const RP_PRIVATE_KEY_PEM: &str =
    include_str!("../../mock-iamsmart/src/testdata/rp_private_key.pem");
const BULK_DOCUMENTS: usize = 1000;
const BULK_REDIRECT_URI: &str = "https://rp.example/callback";

fn main() {
    if let Err(error) = run() {
        eprintln!("bench: error: {error}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let guest_path = match std::env::var_os("MOCK_IAMSMART_GUEST") {
        Some(path) => PathBuf::from(path),
        None => {
            return Err(
                "MOCK_IAMSMART_GUEST is not set; run `cargo xtask bench`, which builds the \
                 guest component and sets it"
                    .to_owned(),
            );
        }
    };
    sqlx::any::install_default_drivers();
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|error| error.to_string())?;
    tokio.block_on(async move {
        let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sandbox-bench");
        std::fs::create_dir_all(&scratch).map_err(|error| error.to_string())?;
        let limits = Limits::default();
        let config = |pool: &AnyPool| {
            let config = RuntimeConfig {
                guest_path: guest_path.clone(),
                cache_dir: scratch.join("guest-cache"),
                limits: limits.clone(),
                config_key: sandbox_runtime::ConfigKey::from_bytes([0x5a; sandbox_runtime::CONFIG_KEY_BYTES]),
            };
            Runtime::new(config, pool.clone()).map_err(|error| error.to_string())
        };

        let durable = sqlite_pool(&scratch, "durable", true).await?;
        let runtime = config(&durable)?;
        if std::env::args().any(|arg| arg == "bulk") {
            return bulk_signing(&runtime).await;
        }
        instantiation(&runtime)?;
        bulk_signing(&runtime).await?;

        println!("\n(b) getKey throughput, sandbox vs the same core linked natively, same storage");
        println!(
            "{:<44} {:>12} {:>12} {:>8}",
            "storage / clients", "sandbox/s", "native/s", "ratio"
        );
        throughput("SQLite WAL, synchronous=FULL, 1 client", &durable, &runtime, 1).await?;
        throughput(
            &format!("SQLite WAL, synchronous=FULL, {CONCURRENT_TENANTS} tenants"),
            &durable,
            &runtime,
            CONCURRENT_TENANTS,
        )
        .await?;
        let fast = sqlite_pool(&scratch, "unsynced", false).await?;
        let fast_runtime = config(&fast)?;
        throughput("SQLite WAL, synchronous=OFF, 1 client", &fast, &fast_runtime, 1).await?;
        match postgres_pool().await {
            Some(pool) => {
                let pg_runtime = config(&pool)?;
                throughput("PostgreSQL (local), 1 client", &pool, &pg_runtime, 1).await?;
                throughput(
                    &format!("PostgreSQL (local), {CONCURRENT_TENANTS} tenants"),
                    &pool,
                    &pg_runtime,
                    CONCURRENT_TENANTS,
                )
                .await?;
                clear_postgres(&pool).await;
            }
            None => println!("{:<44} skipped: PostgreSQL unreachable", "PostgreSQL"),
        }
        println!(
            "\nratio = sandbox throughput / native throughput (target >= 85 %); each row is {ROUNDS} \
             alternating rounds of {REQUESTS_PER_ROUND} getKey requests per engine"
        );
        for name in ["durable", "unsynced"] {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(scratch.join(format!("bench-{name}.db{suffix}")));
            }
        }
        Ok(())
    })
}

/// (a) Creating and dropping a fresh store and instance, 10,000 times.
fn instantiation(runtime: &Runtime) -> Result<(), String> {
    for _ in 0..WARM_UP {
        runtime
            .probe_instance()
            .map_err(|error| error.to_string())?;
    }
    let mut samples = Vec::with_capacity(INSTANTIATIONS);
    for _ in 0..INSTANTIATIONS {
        let started = Instant::now();
        runtime
            .probe_instance()
            .map_err(|error| error.to_string())?;
        samples.push(started.elapsed());
    }
    samples.sort();
    let at = |quantile: f64| samples[((samples.len() as f64 - 1.0) * quantile).round() as usize];
    println!(
        "(a) fresh store + instance from the pooling allocator, {INSTANTIATIONS} instantiations"
    );
    println!(
        "{:<12} {:>10} {:>10} {:>10} {:>10}",
        "", "p50", "p99", "max", "target"
    );
    println!(
        "{:<12} {:>10} {:>10} {:>10} {:>10}",
        "instantiate",
        micros(at(0.50)),
        micros(at(0.99)),
        micros(at(1.0)),
        "10/50 µs"
    );
    Ok(())
}

fn micros(duration: Duration) -> String {
    format!("{:.1} µs", duration.as_secs_f64() * 1e6)
}

/// A relying party for one tenant: its configuration and signed getKey requests.
struct Client {
    client_id: String,
    client_secret: String,
}

impl Client {
    fn new() -> Client {
        Client {
            client_id: random_hex(16),
            client_secret: random_hex(16),
        }
    }

    fn config(&self) -> Result<SandboxConfig, String> {
        serde_json::from_value(serde_json::json!({
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "rp_public_key": RP_PUBLIC_KEY_PEM,
            "pseudonym_key": "bench",
        }))
        .map_err(|error| error.to_string())
    }

    fn get_key(&self) -> Call {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_millis())
            .unwrap_or(0);
        let headers = SignedHeaders::sign(
            &self.client_id,
            &self.client_secret,
            &now.to_string(),
            &random_hex(16),
            b"",
        );
        Call::Api(ApiRequest {
            method: "POST".into(),
            path: GET_KEY_PATH.into(),
            query: String::new(),
            headers: headers.into_headers(),
            body: Vec::new(),
        })
    }
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// Either runtime, for the measuring loop.
#[derive(Clone)]
enum Engine {
    Sandbox(Runtime),
    Native(NativeRuntime),
}

impl Engine {
    async fn create(&self, config: &SandboxConfig) -> Result<SandboxId, String> {
        match self {
            Engine::Sandbox(runtime) => runtime.create_sandbox(config).await,
            Engine::Native(runtime) => runtime.create_sandbox(config).await,
        }
        .map_err(|error| error.to_string())
    }

    async fn get_key(&self, sandbox: &SandboxId, client: &Client) -> Result<(), String> {
        let call = client.get_key();
        let outcome = match self {
            Engine::Sandbox(runtime) => runtime.call(sandbox, &call).await,
            Engine::Native(runtime) => runtime.call(sandbox, &call).await,
        }
        .map_err(|error| error.to_string())?;
        match outcome {
            Outcome::Api(response)
                if response
                    .envelope()
                    .is_some_and(|envelope| envelope.code == "D00000") =>
            {
                Ok(())
            }
            other => Err(format!("getKey did not succeed: {other:?}")),
        }
    }
}

/// (b) One row: getKey requests per second through each engine, with `tenants` clients in parallel.
async fn throughput(
    label: &str,
    pool: &AnyPool,
    runtime: &Runtime,
    tenants: usize,
) -> Result<(), String> {
    let sandbox = Engine::Sandbox(runtime.clone());
    let native = Engine::Native(NativeRuntime::new(
        pool.clone(),
        Limits::default(),
        sandbox_runtime::ConfigKey::from_bytes([0x5a; sandbox_runtime::CONFIG_KEY_BYTES]),
    ));
    let mut sandbox_tenants = Vec::new();
    let mut native_tenants = Vec::new();
    for _ in 0..tenants {
        let client = Client::new();
        sandbox_tenants.push((sandbox.create(&client.config()?).await?, client));
        let client = Client::new();
        native_tenants.push((native.create(&client.config()?).await?, client));
    }
    let sandbox_tenants = std::sync::Arc::new(sandbox_tenants);
    let native_tenants = std::sync::Arc::new(native_tenants);
    // Warm both paths (connections, caches, the instance pool).
    round(&sandbox, &sandbox_tenants, 50).await?;
    round(&native, &native_tenants, 50).await?;
    let mut sandbox_time = Duration::ZERO;
    let mut native_time = Duration::ZERO;
    for _ in 0..ROUNDS {
        sandbox_time += round(&sandbox, &sandbox_tenants, REQUESTS_PER_ROUND).await?;
        native_time += round(&native, &native_tenants, REQUESTS_PER_ROUND).await?;
    }
    let requests = (ROUNDS * REQUESTS_PER_ROUND) as f64;
    let sandbox_rate = requests / sandbox_time.as_secs_f64();
    let native_rate = requests / native_time.as_secs_f64();
    println!(
        "{:<44} {:>12.0} {:>12.0} {:>7.1}%",
        label,
        sandbox_rate,
        native_rate,
        100.0 * sandbox_rate / native_rate
    );
    Ok(())
}

/// `requests` getKeys spread over the tenants, each tenant's requests in sequence, tenants in
/// parallel; returns the wall time.
async fn round(
    engine: &Engine,
    tenants: &std::sync::Arc<Vec<(SandboxId, Client)>>,
    requests: usize,
) -> Result<Duration, String> {
    let started = Instant::now();
    let per_tenant = requests.div_ceil(tenants.len());
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..tenants.len() {
        let engine = engine.clone();
        let tenants = std::sync::Arc::clone(tenants);
        tasks.spawn(async move {
            let (sandbox, client) = &tenants[index];
            for _ in 0..per_tenant {
                engine.get_key(sandbox, client).await?;
            }
            Ok::<(), String>(())
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.map_err(|error| error.to_string())??;
    }
    Ok(started.elapsed())
}

async fn sqlite_pool(
    scratch: &std::path::Path,
    name: &str,
    durable: bool,
) -> Result<AnyPool, String> {
    let path = scratch.join(format!("bench-{name}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(scratch.join(format!("bench-{name}.db{suffix}")));
    }
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let options = AnyConnectOptions::from_str(&url).map_err(|error| error.to_string())?;
    let synchronous = if durable { "FULL" } else { "OFF" };
    let pool = AnyPoolOptions::new()
        .max_connections(4)
        .after_connect(move |connection, _| {
            Box::pin(async move {
                sqlx::Executor::execute(
                    &mut *connection,
                    sqlx::AssertSqlSafe(format!("PRAGMA synchronous = {synchronous}")),
                )
                .await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(|error| error.to_string())?;
    sqlx::query("PRAGMA journal_mode = WAL")
        .execute(&pool)
        .await
        .map_err(|error| error.to_string())?;
    sandbox_runtime::migrate(&pool)
        .await
        .map_err(|error| error.to_string())?;
    Ok(pool)
}

/// A fresh database on the test PostgreSQL server, or `None` when it is unreachable.
async fn postgres_pool() -> Option<AnyPool> {
    let admin_url = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let options = AnyConnectOptions::from_str(&admin_url).ok()?;
    let admin = AnyPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(3))
        .connect_with(options)
        .await
        .ok()?;
    let name = format!("bench_{}", random_hex(6));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&admin)
        .await
        .ok()?;
    admin.close().await;
    let (base, _) = admin_url.rsplit_once('/')?;
    let url = format!("{base}/{name}");
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .connect_with(AnyConnectOptions::from_str(&url).ok()?)
        .await
        .ok()?;
    sandbox_runtime::migrate(&pool).await.ok()?;
    Some(pool)
}

/// Drops the benchmark's PostgreSQL database.
async fn clear_postgres(pool: &AnyPool) {
    let name: Option<String> = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .ok();
    pool.close().await;
    let admin_url = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let (Some(name), Ok(options)) = (name, AnyConnectOptions::from_str(&admin_url)) else {
        return;
    };
    if let Ok(admin) = AnyPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
    {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
        )))
        .execute(&admin)
        .await;
        admin.close().await;
    }
}

/// A signed API request from `client`.
fn api(client: &Client, path: &str, body: Vec<u8>) -> Call {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis())
        .unwrap_or(0);
    let headers = SignedHeaders::sign(
        &client.client_id,
        &client.client_secret,
        &now.to_string(),
        &random_hex(16),
        &body,
    );
    Call::Api(ApiRequest {
        method: "POST".into(),
        path: path.into(),
        query: String::new(),
        headers: headers.into_headers(),
        body,
    })
}

async fn api_body(runtime: &Runtime, sandbox: &SandboxId, call: Call) -> Result<Vec<u8>, String> {
    match runtime.call(sandbox, &call).await {
        Ok(Outcome::Api(response)) => Ok(response.body),
        other => Err(format!("an API call failed: {other:?}")),
    }
}

fn encrypted(cek: &[u8; 32], value: &serde_json::Value) -> Result<Vec<u8>, String> {
    let mut iv = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut iv);
    mock_iamsmart::client::encrypted_body(cek, &iv, value.to_string().as_bytes())
        .map_err(|error| error.to_string())
}

/// (c) 1000 signatures through `continue_bulk_signing` in the guest.
async fn bulk_signing(runtime: &Runtime) -> Result<(), String> {
    use mock_iamsmart::client;
    use mock_iamsmart::persona_certificate::PersonaCertificate;
    use mock_iamsmart::signer::{PrivateKeyDer, SigningCredential};
    let text = |error: &dyn std::fmt::Display| error.to_string();
    let persona = "iamsmart-plus-user";
    let client = Client::new();
    let mut config = client.config()?;
    config.redirect_uris = vec![BULK_REDIRECT_URI.into()];
    config.granted_scopes = vec!["eidapi_auth".into(), "eidapi_bulksign".into()];
    let sandbox = runtime
        .create_sandbox(&config)
        .await
        .map_err(|e| text(&e))?;
    let rp_key = client::parse_rsa_private_key(RP_PRIVATE_KEY_PEM).map_err(|e| text(&e))?;
    let pem_body: String = RP_PRIVATE_KEY_PEM
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let key_der = mock_iamsmart::crypto::base64_decode(&pem_body).map_err(|e| text(&e))?;
    let certificate = PersonaCertificate {
        credential: SigningCredential {
            private_key: PrivateKeyDer::new(key_der),
            certificate_chain: vec!["MAA=".into()],
        },
        serial_hex: "01".into(),
        not_before_ms: 0,
        not_after_ms: i64::MAX,
        revoked_at_ms: None,
    };
    let install = Call::InstallSigningCertificates {
        certificates: [(persona.to_owned(), certificate)].into(),
    };
    runtime
        .call(&sandbox, &install)
        .await
        .map_err(|e| text(&e))?;

    let body = api_body(runtime, &sandbox, api(&client, GET_KEY_PATH, Vec::new())).await?;
    let key = client::read_get_key_response(&body).map_err(|e| text(&e))?;
    let cek = client::unwrap_cek(&rp_key, &key.secret_key).map_err(|e| text(&e))?;
    let query = format!(
        "clientID={}&responseType=code&source=PC_Browser&redirectURI={}&scope=eidapi_auth+eidapi_bulksign",
        client.client_id,
        mock_iamsmart::crypto::url_encode(BULK_REDIRECT_URI)
    );
    let started = match runtime
        .call(
            &sandbox,
            &Call::BeginLogin(mock_iamsmart::GetQrParams::from_query(&query)),
        )
        .await
    {
        Ok(Outcome::LoginStarted(started)) => started,
        other => return Err(format!("the login did not start: {other:?}")),
    };
    let approve = |ticket_id: String| Call::ApproveTicket {
        ticket_id,
        persona_id: persona.to_owned(),
    };
    let redirect = match runtime.call(&sandbox, &approve(started.ticket_id)).await {
        Ok(Outcome::Ticket(status)) => status.redirect_url.unwrap_or_default(),
        other => return Err(format!("the login was not approved: {other:?}")),
    };
    let code = redirect
        .split("code=")
        .nth(1)
        .map(|rest| rest.chars().take(32).collect::<String>())
        .ok_or("no code in the redirect")?;
    let body = encrypted(
        &cek,
        &serde_json::json!({"code": code, "grantType": "authorization_code"}),
    )?;
    let body = api_body(
        runtime,
        &sandbox,
        api(&client, "/api/v1/auth/getToken", body),
    )
    .await?;
    let token = client::read_get_token_response(&cek, &body).map_err(|e| text(&e))?;
    let documents: Vec<serde_json::Value> = (0..BULK_DOCUMENTS)
        .map(|index| {
            let mut digest = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut digest);
            serde_json::json!({"id": format!("doc-{index}"), "documentName": format!("Document {index}"),
                "hashCode": mock_iamsmart::crypto::base64_encode(&digest), "sigAlgo": "SHA256withRSA"})
        })
        .collect();
    let request = serde_json::json!({"businessID": random_hex(8), "accessToken": token.access_token,
        "openID": token.open_id, "source": "PC_Browser", "redirectURI": BULK_REDIRECT_URI,
        "maxCallbackSigs": 100, "documents": documents});
    let started_at = Instant::now();
    let body = encrypted(&cek, &request)?;
    let body = api_body(
        runtime,
        &sandbox,
        api(&client, "/api/v1/bdss/initiateRequest", body),
    )
    .await?;
    let initiated: serde_json::Value =
        client::read_encrypted_response(&cek, &body).map_err(|e| text(&e))?;
    let initiate_time = started_at.elapsed();
    let ticket_id = initiated["ticketID"]
        .as_str()
        .ok_or("no ticketID")?
        .to_owned();
    match runtime.call(&sandbox, &approve(ticket_id.clone())).await {
        Ok(Outcome::Ticket(status)) if status.signing_continues => {}
        other => return Err(format!("the bulk request was not approved: {other:?}")),
    }
    let mut call_times = Vec::new();
    let mut callbacks = 0;
    let signing_started = Instant::now();
    loop {
        let started = Instant::now();
        let outcome = runtime
            .call(
                &sandbox,
                &Call::ContinueBulkSigning {
                    ticket_id: ticket_id.clone(),
                },
            )
            .await
            .map_err(|e| text(&e))?;
        call_times.push(started.elapsed());
        let Outcome::Ticket(status) = outcome else {
            return Err(format!("continue_bulk_signing answered {outcome:?}"));
        };
        callbacks += status.callbacks.len();
        if !status.signing_continues {
            break;
        }
    }
    let total = signing_started.elapsed();
    call_times.sort();
    let percentile = |p: f64| {
        call_times
            .get(((call_times.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    println!(
        "\n(c) bulk signing in the guest: {BULK_DOCUMENTS} RSA-2048 SHA256withRSA signatures, \
         {} per continue_bulk_signing call",
        mock_iamsmart::bulk_signing::SIGNATURES_PER_CALL
    );
    println!(
        "{:<44} {:>12.1} ms",
        "initiateRequest (1000 documents)",
        initiate_time.as_secs_f64() * 1e3
    );
    println!(
        "{:<44} {:>12} (callbacks {callbacks})",
        "continue_bulk_signing calls",
        call_times.len()
    );
    println!(
        "{:<44} {:>12.1} ms",
        "per call, median",
        percentile(0.5).as_secs_f64() * 1e3
    );
    println!(
        "{:<44} {:>12.1} ms",
        "per call, slowest",
        percentile(1.0).as_secs_f64() * 1e3
    );
    println!(
        "{:<44} {:>12.2} s",
        "all 1000 signatures",
        total.as_secs_f64()
    );
    println!(
        "{:<44} {:>12.0}",
        "signatures per second",
        BULK_DOCUMENTS as f64 / total.as_secs_f64()
    );
    Ok(())
}
