//! Test support: the real guest (found through `MOCK_IAMSMART_GUEST`), tiny adversarial guests built
//! from WAT text, a database per test (a temporary SQLite file, or a fresh PostgreSQL database that is
//! dropped afterwards), and a relying party that signs and encrypts like a real client.
//!
//! Everything here stays on loopback and in the target's temporary directory; nothing may depend on
//! another test's state.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use mock_iamsmart::api::{GET_KEY_PATH, GET_TOKEN_PATH};
use mock_iamsmart::client::{self, RsaPrivateKey, SignedHeaders};
use mock_iamsmart::{ApiRequest, ApiResponse, Call, Outcome, SandboxConfig};
use rand::RngCore;
use sandbox_runtime::{
    CONFIG_KEY_BYTES, ConfigKey, Limits, Runtime, RuntimeConfig, SandboxError, SandboxId,
};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Row};

pub const GUEST_ENV: &str = "MOCK_IAMSMART_GUEST";
const RP_PRIVATE_KEY_PEM: &str =
    include_str!("../../../mock-iamsmart/src/testdata/rp_private_key.pem");
const RP_PUBLIC_KEY_PEM: &str =
    include_str!("../../../mock-iamsmart/src/testdata/rp_public_key.pem");
pub const REDIRECT_URI: &str = "https://rp.example/login/callback";

/// The real guest component, built by `cargo xtask test`.
pub fn real_guest() -> PathBuf {
    match std::env::var_os(GUEST_ENV) {
        Some(path) if Path::new(&path).is_file() => PathBuf::from(path),
        Some(path) => panic!(
            "{GUEST_ENV}={} does not name a file; run `cargo xtask test`, which builds the guest \
             component and sets {GUEST_ENV}",
            Path::new(&path).display()
        ),
        None => panic!(
            "{GUEST_ENV} is not set; run `cargo xtask test`, which builds the guest component \
             (<target>/guest/mock_iamsmart.wasm) and sets {GUEST_ENV} for the tests"
        ),
    }
}

/// The test binary's scratch directory (inside the target directory).
pub fn scratch_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sandbox-runtime-it")
}

/// A compile cache shared by the tests of this run; entries are keyed by the guest's hash, so sharing
/// is safe and saves compiling the real guest for every test.
pub fn shared_cache_dir() -> PathBuf {
    scratch_dir().join("guest-cache")
}

pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// Limits for tests: a short deadline so runaway guests are stopped quickly.
pub fn test_limits() -> Limits {
    Limits {
        deadline: Duration::from_millis(500),
        max_memory_bytes: 32 << 20,
        max_concurrent_instances: 8,
        ..Limits::default()
    }
}

/// A runtime over `pool` with the real guest.
pub fn real_runtime(pool: &AnyPool) -> Runtime {
    runtime_with(pool, real_guest(), test_limits())
}

/// The configuration key of every test runtime: fixed, so several runtimes on one database agree.
pub fn test_config_key() -> ConfigKey {
    ConfigKey::from_bytes([0x5a; CONFIG_KEY_BYTES])
}

pub fn runtime_with(pool: &AnyPool, guest_path: PathBuf, limits: Limits) -> Runtime {
    let config = RuntimeConfig {
        guest_path,
        cache_dir: shared_cache_dir(),
        limits,
        config_key: test_config_key(),
    };
    match Runtime::new(config, pool.clone()) {
        Ok(runtime) => runtime,
        Err(error) => panic!("the runtime did not start: {error}"),
    }
}

/// Which database engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database of the test's own, removed when dropped.
pub struct TestDb {
    pub pool: AnyPool,
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh database on `backend`, migrated; `None` when PostgreSQL is unreachable and not
    /// required (the test then returns early, having said so loudly).
    pub async fn new(backend: Backend) -> Option<TestDb> {
        sqlx::any::install_default_drivers();
        let db = match backend {
            Backend::Sqlite => Some(sqlite().await),
            Backend::Postgres => postgres().await,
        }?;
        if let Err(error) = sandbox_runtime::migrate(&db.pool).await {
            panic!("migrating the test database failed: {error}");
        }
        Some(db)
    }

    /// Another pool on the same database: what a second server process would have.
    pub async fn another_pool(&self) -> AnyPool {
        connect(&self.url, 4).await
    }

    /// How many key-value entries a sandbox has in the database.
    pub async fn entry_count(&self, sandbox_id: &SandboxId) -> i64 {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM sandbox_kv WHERE sandbox_id = $1")
            .bind(sandbox_id.as_str())
            .fetch_one(&self.pool)
            .await
            .expect("counting entries");
        row.try_get::<i64, _>("n").expect("a count")
    }

    /// The keys a sandbox has stored, in order.
    pub async fn keys(&self, sandbox_id: &SandboxId) -> Vec<String> {
        sqlx::query("SELECT entry_key FROM sandbox_kv WHERE sandbox_id = $1 ORDER BY entry_key")
            .bind(sandbox_id.as_str())
            .fetch_all(&self.pool)
            .await
            .expect("listing keys")
            .iter()
            .map(|row| row.try_get("entry_key").expect("a key"))
            .collect()
    }
}

async fn connect(url: &str, max_connections: u32) -> AnyPool {
    let options = AnyConnectOptions::from_str(url).expect("a database URL");
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
        .expect("connecting to the test database")
}

async fn sqlite() -> TestDb {
    let dir = scratch_dir().join("sqlite");
    std::fs::create_dir_all(&dir).expect("creating the SQLite scratch directory");
    let path = dir.join(format!("rt_{}.db", random_hex(8)));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let pool = connect(&url, 4).await;
    // As the portal does: WAL lets readers run while a writer commits.
    sqlx::query("PRAGMA journal_mode = WAL")
        .execute(&pool)
        .await
        .expect("switching to WAL");
    TestDb {
        pool,
        url,
        cleanup: Cleanup::SqliteFile(path),
    }
}

/// The PostgreSQL server the tests use (`TEST_POSTGRES_URL`, default the local `test` database).
fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

async fn postgres() -> Option<TestDb> {
    let admin_url = postgres_admin_url();
    let admin = match try_connect(&admin_url).await {
        Ok(admin) => admin,
        Err(error) => {
            if std::env::var("REQUIRE_POSTGRES").is_ok_and(|value| value == "1") {
                panic!(
                    "PostgreSQL is required (REQUIRE_POSTGRES=1) but unreachable at \
                     TEST_POSTGRES_URL: {error:#}"
                );
            }
            eprintln!(
                "SKIPPED: PostgreSQL is unreachable ({error:#}); start it or set TEST_POSTGRES_URL, \
                 and set REQUIRE_POSTGRES=1 to make this a failure"
            );
            return None;
        }
    };
    let name = format!("rt_{}", random_hex(8));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&admin)
        .await
        .expect("creating the test database");
    admin.close().await;
    let url = replace_database(&admin_url, &name);
    let pool = connect(&url, 8).await;
    Some(TestDb {
        pool,
        url,
        cleanup: Cleanup::Postgres { admin_url, name },
    })
}

async fn try_connect(url: &str) -> anyhow::Result<AnyPool> {
    let options = AnyConnectOptions::from_str(url).context("parsing TEST_POSTGRES_URL")?;
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(3))
        .connect_with(options)
        .await
        .context("connecting")?;
    Ok(pool)
}

/// `url` with its database name replaced by `name`.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let base = match base.rfind('/') {
        Some(slash) if slash > "postgres://".len() => &base[..slash],
        _ => base,
    };
    if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                // Dropping runs outside any async context of ours: a thread of its own with a small
                // runtime, so it works whether or not the test body panicked.
                let admin_url = admin_url.clone();
                let database = name.clone();
                let dropped = std::thread::spawn(move || -> anyhow::Result<()> {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    runtime.block_on(async {
                        let admin = try_connect(&admin_url).await?;
                        sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)"
                        )))
                        .execute(&admin)
                        .await?;
                        admin.close().await;
                        anyhow::Ok(())
                    })
                })
                .join();
                if !matches!(dropped, Ok(Ok(()))) {
                    eprintln!("warning: could not drop the test database {name}");
                }
            }
        }
    }
}

/// A relying party with its own key pair: signs, encrypts and decrypts like a real client.
pub struct Rp {
    pub client_id: String,
    pub client_secret: String,
    private_key: RsaPrivateKey,
    iv_counter: u8,
}

impl Rp {
    /// A relying party with fresh random credentials.
    pub fn new() -> Rp {
        Rp {
            client_id: random_hex(16),
            client_secret: format!("secret-{}", random_hex(12)),
            private_key: client::parse_rsa_private_key(RP_PRIVATE_KEY_PEM).expect("fixture key"),
            iv_counter: 0,
        }
    }

    /// The sandbox configuration this RP registers.
    pub fn config(&self) -> SandboxConfig {
        let json = serde_json::json!({
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "rp_public_key": RP_PUBLIC_KEY_PEM,
            "redirect_uris": [REDIRECT_URI],
            "granted_scopes": ["eidapi_auth", "eidapi_sign"],
            "pseudonym_key": format!("pseudonyms-{}", self.client_id),
        });
        serde_json::from_value(json).expect("the configuration parses")
    }

    pub fn fresh_nonce() -> String {
        random_hex(16)
    }

    pub fn now_ms() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_millis() as i64)
            .unwrap_or(0)
    }

    /// A request signed with this RP's credentials, nonce and timestamp.
    pub fn signed_with(&self, path: &str, body: Vec<u8>, nonce: &str, timestamp: i64) -> Call {
        let headers = SignedHeaders::sign(
            &self.client_id,
            &self.client_secret,
            &timestamp.to_string(),
            nonce,
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

    /// A getKey request signed now with a fresh nonce.
    pub fn get_key_call(&self) -> Call {
        self.signed_with(
            GET_KEY_PATH,
            Vec::new(),
            &Self::fresh_nonce(),
            Self::now_ms(),
        )
    }

    /// The CEK from a getKey response.
    pub fn cek(&self, response: &ApiResponse) -> [u8; 32] {
        let content = client::read_get_key_response(&response.body).expect("getKey succeeds");
        client::unwrap_cek(&self.private_key, &content.secret_key).expect("the CEK unwraps")
    }

    /// An encrypted getToken request for `code`.
    pub fn get_token_call(&mut self, cek: &[u8; 32], code: &str) -> Call {
        self.iv_counter = self.iv_counter.wrapping_add(1);
        let plaintext = serde_json::json!({"code": code, "grantType": "authorization_code"});
        let body = client::encrypted_body(
            cek,
            &[self.iv_counter; 12],
            plaintext.to_string().as_bytes(),
        )
        .expect("encrypts");
        self.signed_with(GET_TOKEN_PATH, body, &Self::fresh_nonce(), Self::now_ms())
    }

    /// The `getQR` parameters of a desktop login.
    pub fn begin_login_call(&self) -> Call {
        let query = format!(
            "clientID={}&responseType=code&source=PC_Browser&redirectURI={}&scope=eidapi_auth&state=st-1",
            self.client_id,
            mock_iamsmart::crypto::url_encode(REDIRECT_URI)
        );
        Call::BeginLogin(mock_iamsmart::GetQrParams::from_query(&query))
    }
}

/// The HTTP response of an API outcome.
pub fn api_response(outcome: Result<Outcome, SandboxError>) -> ApiResponse {
    match outcome {
        Ok(Outcome::Api(response)) => response,
        other => panic!("expected an API response, got {other:?}"),
    }
}

/// The D-code of an API outcome.
pub fn api_code(outcome: Result<Outcome, SandboxError>) -> String {
    let response = api_response(outcome);
    client::parse_envelope(&response.body)
        .expect("an envelope")
        .code
}

/// The authorisation code in a redirect URL.
pub fn code_from_redirect(url: &str) -> String {
    url.split_once("code=")
        .map(|(_, rest)| rest.split('&').next().unwrap_or_default().to_owned())
        .expect("the redirect carries a code")
}

/// Builds a component for the sandbox world from a core module in WAT, the way `cargo xtask` builds
/// the real guest (the world's metadata embedded, then `ComponentEncoder`), and writes it to a file.
pub fn wat_guest(name: &str, core_wat: &str) -> anyhow::Result<PathBuf> {
    let mut module = wat::parse_str(core_wat).context("parsing the guest's WAT")?;
    let mut resolve = wit_parser::Resolve::default();
    let (package, _) = resolve
        .push_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("wit"))
        .context("reading the sandbox WIT")?;
    let world = resolve.select_world(&[package], Some("sandbox"))?;
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
    )?;
    let component = wit_component::ComponentEncoder::default()
        .module(&module)?
        .validate(true)
        .encode()?;
    let dir = scratch_dir().join("wat-guests");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}-{}.wasm", random_hex(4)));
    std::fs::write(&path, component)?;
    if !path.is_file() {
        bail!("the guest was not written");
    }
    Ok(path)
}
