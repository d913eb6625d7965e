//! The public face of the crate: [`Runtime`] (the mock in a Wasmtime sandbox, for production) and
//! [`NativeRuntime`] (the same core linked natively against the same storage, for the benchmark
//! baseline only), with sandbox administration and the request loop they share.
//!
//! How a tenant's requests are serialised: every request reads the tenant's `generation`, runs the
//! guest without holding any database lock, and commits its buffered writes in one transaction that
//! first bumps the generation *if it is still the one the request started from*. A request that lost
//! the race commits nothing and runs again from the new state, so two requests can never both accept
//! the same nonce or redeem the same code — on SQLite or PostgreSQL, in one process or several.
//! Within one process, requests for a tenant also take turns on an in-memory lock, so they do not
//! race at all. Weighed against holding a lock while the guest runs (`pg_advisory_xact_lock`, or
//! SQLite's write lock from `BEGIN IMMEDIATE`): SQLite's write lock is database-wide, so a runaway
//! guest would stall every tenant's writes for its whole deadline; the optimistic check holds the
//! lock only for the commit itself.
//!
//! Nothing here may block an async worker: guests and their storage reads run on blocking threads.

use std::path::PathBuf;
use std::sync::Arc;

use mock_iamsmart::{Call, Outcome, SandboxConfig};
use sqlx::AnyPool;
use tokio::runtime::Handle;
use tokio::sync::Semaphore;

use crate::contract;
use crate::engine::GuestEngine;
use crate::error::SandboxError;
use crate::limits::Limits;
use crate::locks::TenantLocks;
use crate::sealing::ConfigKey;
use crate::session::{self, Session};
use crate::storage::{self, Commit, SandboxId, SandboxInfo};

/// How often a request runs again after losing the commit race before giving up with
/// [`SandboxError::Contention`]. Only requests from other processes can make it lose.
const MAX_ATTEMPTS: u32 = 8;

/// Where the runtime finds its guest and keeps its compile cache, and the limits it enforces.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// The guest component (`cargo xtask` builds it as `<target>/guest/mock_iamsmart.wasm`).
    pub guest_path: PathBuf,
    /// A directory this runtime owns for precompiled guests; created when missing.
    pub cache_dir: PathBuf,
    pub limits: Limits,
    /// Seals every sandbox configuration at rest; the same key must be given on every start (and to every
    /// process sharing the database).
    pub config_key: ConfigKey,
}

/// Runs tenants' requests in a fresh Wasmtime instance each. Cheap to clone; clones share the engine,
/// the instance pool and the database pool.
#[derive(Clone)]
pub struct Runtime {
    shared: Arc<Shared>,
    engine: Arc<GuestEngine>,
}

/// The same request loop and storage as [`Runtime`], with the core called natively instead of in a
/// sandbox. It exists only as the benchmark's baseline: it isolates nothing and must never serve
/// tenants.
#[derive(Clone)]
pub struct NativeRuntime {
    shared: Arc<Shared>,
}

/// What both runtimes share.
struct Shared {
    pool: AnyPool,
    limits: Limits,
    config_key: ConfigKey,
    locks: TenantLocks,
    /// Bounds the instances running at once to the pooling allocator's size, so a burst waits for a
    /// slot instead of failing.
    slots: Semaphore,
}

impl Shared {
    fn new(pool: AnyPool, limits: Limits, config_key: ConfigKey) -> Shared {
        let slots = usize::try_from(limits.max_concurrent_instances.max(1)).unwrap_or(1);
        Shared {
            pool,
            limits,
            config_key,
            locks: TenantLocks::default(),
            slots: Semaphore::new(slots),
        }
    }
}

/// How a request's guest runs, given its session and the call JSON.
enum Executor<'a> {
    Sandboxed(&'a Arc<GuestEngine>),
    Native,
}

impl Runtime {
    /// Prepares the guest (from the compile cache when possible) and starts the epoch ticker. Compiling
    /// takes a fraction of a second the first time, so call this at start-up, not per request. The
    /// database must already be migrated ([`crate::migrate`] or the portal's migrator).
    pub fn new(config: RuntimeConfig, pool: AnyPool) -> Result<Runtime, SandboxError> {
        let engine = GuestEngine::new(&config.guest_path, &config.cache_dir, &config.limits)?;
        Ok(Runtime {
            shared: Arc::new(Shared::new(pool, config.limits, config.config_key)),
            engine: Arc::new(engine),
        })
    }

    /// Creates a sandbox with this configuration and returns its id.
    pub async fn create_sandbox(&self, config: &SandboxConfig) -> Result<SandboxId, SandboxError> {
        create_sandbox(&self.shared, config).await
    }

    /// Seals the configurations still stored in clear (rows from before sealing existed) and answers how
    /// many it sealed; call it once at start-up, before serving. Fails with
    /// [`SandboxError::ConfigKeyMismatch`], sealing nothing, when the database holds sandboxes sealed under
    /// another key. Idempotent.
    pub async fn seal_stored_configs(&self) -> Result<u64, SandboxError> {
        storage::seal_stored_configs(&self.shared.pool, &self.shared.config_key).await
    }

    /// The sandbox a client id belongs to: how the API finds the tenant of a request.
    pub async fn sandbox_for_client(
        &self,
        client_id: &str,
    ) -> Result<Option<SandboxId>, SandboxError> {
        storage::sandbox_for_client(&self.shared.pool, client_id).await
    }

    /// The sandbox's client id, time-travel offset and creation time.
    pub async fn sandbox_info(&self, sandbox_id: &SandboxId) -> Result<SandboxInfo, SandboxError> {
        storage::info(&self.shared.pool, sandbox_id).await
    }

    /// The sandbox's configuration, secrets included (the console needs it to edit settings).
    pub async fn sandbox_config(
        &self,
        sandbox_id: &SandboxId,
    ) -> Result<SandboxConfig, SandboxError> {
        storage::config(&self.shared.pool, &self.shared.config_key, sandbox_id).await
    }

    /// Replaces the sandbox's configuration (rotated credentials, allow-lists, lifetimes). Stored
    /// state is kept; a request in flight under the old configuration does not commit.
    pub async fn update_config(
        &self,
        sandbox_id: &SandboxId,
        config: &SandboxConfig,
    ) -> Result<(), SandboxError> {
        validate(config)?;
        storage::update_config(
            &self.shared.pool,
            &self.shared.config_key,
            sandbox_id,
            &config.client_id,
            &config.to_guest_json(),
        )
        .await
    }

    /// Sets the time-travel offset: the sandbox clock becomes real time plus `offset_ms`.
    pub async fn set_time_offset(
        &self,
        sandbox_id: &SandboxId,
        offset_ms: i64,
    ) -> Result<(), SandboxError> {
        storage::set_time_offset(&self.shared.pool, sandbox_id, offset_ms).await
    }

    /// Forgets everything the sandbox stored (keys, logins, codes, tokens, nonces), keeping its
    /// configuration.
    pub async fn reset_sandbox(&self, sandbox_id: &SandboxId) -> Result<(), SandboxError> {
        storage::reset(&self.shared.pool, sandbox_id).await
    }

    /// Deletes the sandbox and everything it stored.
    pub async fn delete_sandbox(&self, sandbox_id: &SandboxId) -> Result<(), SandboxError> {
        storage::delete(&self.shared.pool, sandbox_id).await
    }

    /// Runs one call against one sandbox in a fresh instance. Its writes commit together with the
    /// answer, or not at all.
    pub async fn call(&self, sandbox_id: &SandboxId, call: &Call) -> Result<Outcome, SandboxError> {
        serve(
            &self.shared,
            Executor::Sandboxed(&self.engine),
            sandbox_id,
            call,
        )
        .await
    }

    /// Creates a fresh store and instance from the pool and drops them: a readiness probe for the
    /// server, and what the instantiation benchmark times. Blocks for a few microseconds.
    pub fn probe_instance(&self) -> Result<(), SandboxError> {
        self.engine.probe_instance()
    }
}

impl NativeRuntime {
    /// The baseline over `pool`, with the same storage limits and sealing as a [`Runtime`] with `limits`
    /// and `config_key`.
    pub fn new(pool: AnyPool, limits: Limits, config_key: ConfigKey) -> NativeRuntime {
        NativeRuntime {
            shared: Arc::new(Shared::new(pool, limits, config_key)),
        }
    }

    /// As [`Runtime::create_sandbox`].
    pub async fn create_sandbox(&self, config: &SandboxConfig) -> Result<SandboxId, SandboxError> {
        create_sandbox(&self.shared, config).await
    }

    /// As [`Runtime::call`], with the core linked natively: the same entry point
    /// (`mock_iamsmart::handle_json`), the same storage session, the same outcome checks and commit.
    pub async fn call(&self, sandbox_id: &SandboxId, call: &Call) -> Result<Outcome, SandboxError> {
        serve(&self.shared, Executor::Native, sandbox_id, call).await
    }
}

fn validate(config: &SandboxConfig) -> Result<(), SandboxError> {
    config
        .validate()
        .map_err(|error| SandboxError::InvalidConfig {
            reason: error.message,
        })
}

async fn create_sandbox(
    shared: &Shared,
    config: &SandboxConfig,
) -> Result<SandboxId, SandboxError> {
    validate(config)?;
    let sandbox_id = SandboxId::generate();
    storage::insert_sandbox(
        &shared.pool,
        &shared.config_key,
        &sandbox_id,
        &config.client_id,
        &config.to_guest_json(),
        session::real_now_ms(),
    )
    .await?;
    Ok(sandbox_id)
}

/// The request loop: take the tenant's turn, then run and commit, again from fresh state if another
/// process committed first.
async fn serve(
    shared: &Shared,
    executor: Executor<'_>,
    sandbox_id: &SandboxId,
    call: &Call,
) -> Result<Outcome, SandboxError> {
    let call_json: Arc<str> = serde_json::to_string(call)
        .map_err(|error| SandboxError::InvalidCall {
            reason: error.to_string(),
        })?
        .into();
    let _turn = shared.locks.lock(sandbox_id).await;
    for attempt in 1..=MAX_ATTEMPTS {
        let (outcome_json, session) = {
            // The semaphore is never closed, so acquiring only fails if it were; treat that as busy.
            let _slot = shared
                .slots
                .acquire()
                .await
                .map_err(|_| SandboxError::instantiate("the instance pool is shut down"))?;
            let mut connection = shared.pool.acquire().await?;
            let tenant =
                storage::load_tenant(&mut connection, &shared.config_key, sandbox_id).await?;
            let session = Session::new(
                sandbox_id.clone(),
                connection,
                tenant,
                shared.limits.clone(),
                Handle::current(),
            );
            run_blocking(&executor, session, Arc::clone(&call_json)).await?
        };
        let outcome = contract::accept_outcome(call, &outcome_json)?;
        match session.commit().await? {
            Commit::Committed => return Ok(outcome),
            Commit::Conflict => {
                tracing::debug!(sandbox = %sandbox_id, attempt, "another request committed first; running again");
            }
        }
    }
    Err(SandboxError::Contention)
}

/// Runs the guest (sandboxed or native) on a blocking thread.
async fn run_blocking(
    executor: &Executor<'_>,
    session: Session,
    call_json: Arc<str>,
) -> Result<(String, Session), SandboxError> {
    let task = match executor {
        Executor::Sandboxed(engine) => {
            let engine = Arc::clone(engine);
            tokio::task::spawn_blocking(move || engine.run(session, &call_json))
        }
        Executor::Native => tokio::task::spawn_blocking(move || run_native(session, &call_json)),
    };
    task.await.map_err(|_| {
        // A panic here would be a bug in the host (the guest cannot panic the host); the request
        // fails and its session, with its writes, is gone.
        SandboxError::trap("the request's worker thread panicked")
    })?
}

fn run_native(mut session: Session, call_json: &str) -> Result<(String, Session), SandboxError> {
    let config_json = session.take_config_json();
    let outcome_json = mock_iamsmart::handle_json(&mut session, &config_json, call_json);
    if let Some(fault) = session.take_fault() {
        return Err(fault.into());
    }
    Ok((outcome_json, session))
}
