//! The Wasmtime side: one engine with a pooling allocator and epoch interruption, the guest component
//! compiled once (and cached on disk, so a restart does not recompile), prepared as an `InstancePre`,
//! and a fresh store and instance for every request under a deadline and memory limits.
//!
//! The story of one request ([`GuestEngine::run`]): a store is created around the request's
//! [`Session`] with `StoreLimits` and an epoch deadline; the component is instantiated from the
//! pool (copy-on-write memory images make this a few microseconds); the guest's `handle` export runs
//! and reaches the world only through the imports implemented below; whatever happens, the store is
//! dropped and its slot returns to the pool. Every failure is classified into a [`SandboxError`]:
//! the session's own fault first (storage, a broken bound), then the memory limit, then the deadline,
//! then any other trap; an error that is none of those is the guest breaking the canonical ABI.
//!
//! This module must never panic on anything a guest does, and it contains the crate's only unsafe
//! call (loading the compile cache), in [`deserialize_cached`].

use std::fs;
use std::hash::Hasher;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, ResourceLimiter, Store,
    StoreLimits, StoreLimitsBuilder, Trap,
};

use crate::error::SandboxError;
use crate::limits::Limits;
use crate::session::{Failed, Session};

mod bindings {
    //! Host bindings generated from `wit/sandbox.wit`. Every import is trappable: a host function that
    //! refuses a guest's request stops the guest instead of answering.
    wasmtime::component::bindgen!({
        world: "sandbox",
        path: "wit",
        imports: { default: trappable },
    });
}

use bindings::iamsmart::sandbox::{clock, kv, log, random};

/// Core instances, memories and tables one component may use. The real guest needs one memory and a
/// handful of core instances and tables (the module plus wit-component's adapter shims).
const MAX_CORE_INSTANCES_PER_COMPONENT: u32 = 8;
const MAX_MEMORIES_PER_COMPONENT: u32 = 1;
const MAX_TABLES_PER_COMPONENT: u32 = 4;
const MAX_TABLE_ELEMENTS: usize = 20_000;
/// Table memory a pooled slot keeps resident and zeroes with `memset` on reuse, instead of handing it
/// back to the kernel with `madvise` and faulting it in again. The guest's tables are a few kilobytes,
/// so this covers them whole; measured, it halves the cost of a fresh instance (about 11 µs to 6 µs
/// p50). Linear memory is left to `madvise`: a request touches a megabyte or more of it, and zeroing
/// that much with `memset` cost more than it saved.
const TABLE_KEEP_RESIDENT_BYTES: usize = 64 << 10;

/// The engine, the prepared component and the epoch ticker.
pub(crate) struct GuestEngine {
    engine: Engine,
    pre: bindings::SandboxPre<StoreState>,
    limits: Limits,
    _ticker: EpochTicker,
}

impl GuestEngine {
    /// Loads the guest from `guest_path`, compiling it only when `cache_dir` holds no artifact for
    /// these exact bytes and this engine configuration.
    pub(crate) fn new(
        guest_path: &Path,
        cache_dir: &Path,
        limits: &Limits,
    ) -> Result<GuestEngine, SandboxError> {
        let engine = Engine::new(&engine_config(limits)).map_err(SandboxError::compile)?;
        let component = load_component(&engine, guest_path, cache_dir)?;
        let mut linker = Linker::<StoreState>::new(&engine);
        bindings::Sandbox::add_to_linker::<StoreState, HasSelf<StoreState>>(&mut linker, |state| {
            state
        })
        .map_err(SandboxError::compile)?;
        let instance_pre = linker
            .instantiate_pre(&component)
            .map_err(|error| SandboxError::compile(format!("linking the guest: {error}")))?;
        let pre = bindings::SandboxPre::new(instance_pre).map_err(|error| {
            SandboxError::compile(format!("the guest does not export the handler: {error}"))
        })?;
        let ticker = EpochTicker::start(engine.clone(), limits.epoch_tick).map_err(|error| {
            SandboxError::compile(format!("starting the epoch ticker: {error}"))
        })?;
        Ok(GuestEngine {
            engine,
            pre,
            limits: limits.clone(),
            _ticker: ticker,
        })
    }

    fn new_store(&self, session: Option<Session>) -> Store<StoreState> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(self.limits.max_memory_bytes)
            .table_elements(MAX_TABLE_ELEMENTS)
            .instances(MAX_CORE_INSTANCES_PER_COMPONENT as usize)
            .memories(MAX_MEMORIES_PER_COMPONENT as usize)
            .tables(MAX_TABLES_PER_COMPONENT as usize)
            // A failed growth traps instead of returning -1, so a memory bomb stops at once and is
            // reported as such rather than as whatever the guest does next.
            .trap_on_grow_failure(true)
            .build();
        let mut store = Store::new(
            &self.engine,
            StoreState {
                session,
                limiter: WatchedLimits {
                    limits,
                    memory_limit_hit: false,
                },
            },
        );
        store.limiter(|state| &mut state.limiter);
        store.set_epoch_deadline(self.limits.deadline_ticks());
        store.epoch_deadline_trap();
        store
    }

    /// Runs one call in a fresh instance and returns the outcome JSON with the session, ready to
    /// commit. Blocks (the guest, and its storage reads), so it runs on a blocking thread. On failure
    /// the session is dropped with its buffered writes: nothing of the request is committed.
    pub(crate) fn run(
        &self,
        mut session: Session,
        call_json: &str,
    ) -> Result<(String, Session), SandboxError> {
        let config_json = session.take_config_json();
        let mut store = self.new_store(Some(session));
        let result = self
            .pre
            .instantiate(&mut store)
            .map_err(Stage::Instantiate)
            .and_then(|sandbox| {
                sandbox
                    .iamsmart_sandbox_handler()
                    .call_handle(&mut store, &config_json, call_json)
                    .map_err(Stage::Call)
            });
        let mut state = store.into_data();
        let outcome_json = result.map_err(|error| self.classify(error, &mut state))?;
        let mut session = state
            .session
            .ok_or_else(|| SandboxError::instantiate("the request's session was lost"))?;
        // Every refused import traps the guest, so a fault with a normal return cannot happen; the
        // check keeps that an invariant of this function rather than of the guest.
        if let Some(fault) = session.take_fault() {
            return Err(fault.into());
        }
        Ok((outcome_json, session))
    }

    /// Creates a fresh store and instance and drops them, without calling the guest: a readiness
    /// probe, and what the benchmark times.
    pub(crate) fn probe_instance(&self) -> Result<(), SandboxError> {
        let mut store = self.new_store(None);
        match self.pre.instantiate(&mut store) {
            Ok(_) => Ok(()),
            Err(error) => {
                let mut state = store.into_data();
                Err(self.classify(Stage::Instantiate(error), &mut state))
            }
        }
    }

    fn classify(&self, error: Stage, state: &mut StoreState) -> SandboxError {
        if let Some(fault) = state.session.as_mut().and_then(Session::take_fault) {
            return fault.into();
        }
        if state.limiter.memory_limit_hit {
            return SandboxError::MemoryLimit {
                limit_bytes: self.limits.max_memory_bytes,
            };
        }
        let (error, instantiating) = match error {
            Stage::Instantiate(error) => (error, true),
            Stage::Call(error) => (error, false),
        };
        match error.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => SandboxError::OutOfTime {
                deadline: self.limits.deadline,
            },
            Some(trap) => SandboxError::trap(trap),
            // Instantiation failing without a trap is the host's problem (for example the pool is
            // exhausted); a call failing without a trap is the guest breaking the canonical ABI (an
            // out-of-bounds string, invalid UTF-8, a bad `realloc` answer).
            None if instantiating => SandboxError::instantiate(error),
            None => SandboxError::contract(error),
        }
    }
}

/// Where a wasmtime error came from.
enum Stage {
    Instantiate(wasmtime::Error),
    Call(wasmtime::Error),
}

fn engine_config(limits: &Limits) -> Config {
    let mut pooling = PoolingAllocationConfig::new();
    let slots = limits.max_concurrent_instances.max(1);
    pooling
        .total_component_instances(slots)
        .total_core_instances(slots.saturating_mul(MAX_CORE_INSTANCES_PER_COMPONENT))
        .max_core_instances_per_component(MAX_CORE_INSTANCES_PER_COMPONENT)
        .total_memories(slots.saturating_mul(MAX_MEMORIES_PER_COMPONENT))
        .max_memories_per_component(MAX_MEMORIES_PER_COMPONENT)
        .total_tables(slots.saturating_mul(MAX_TABLES_PER_COMPONENT))
        .max_tables_per_component(MAX_TABLES_PER_COMPONENT)
        .table_elements(MAX_TABLE_ELEMENTS)
        .max_memory_size(limits.max_memory_bytes)
        .table_keep_resident(TABLE_KEEP_RESIDENT_BYTES);
    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .epoch_interruption(true)
        .max_wasm_stack(limits.max_wasm_stack_bytes)
        .memory_init_cow(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    config
}

/// The compile cache's file name for these guest bytes under this engine: a SHA-256 over the bytes,
/// Wasmtime's compatibility hash of the engine configuration, and the Wasmtime version.
fn cache_file_name(engine: &Engine, guest_bytes: &[u8]) -> String {
    let mut hasher = Sha256Hasher(Sha256::new());
    hasher.0.update(b"mock-iamsmart guest\0");
    hasher.0.update(guest_bytes);
    std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut hasher);
    let digest = hasher.0.finalize();
    format!("mock-iamsmart-{}.cwasm", hex::encode(&digest[..16]))
}

/// Feeds `std::hash::Hash` output into SHA-256, so the compatibility hash is stable across runs
/// (unlike `DefaultHasher`, whose output may change between Rust releases).
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_le_bytes(first)
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// The component for the guest at `guest_path`: from the cache when it holds an artifact for these
/// bytes and this engine, else compiled, written to the cache and loaded from there.
fn load_component(
    engine: &Engine,
    guest_path: &Path,
    cache_dir: &Path,
) -> Result<Component, SandboxError> {
    let guest_bytes = fs::read(guest_path).map_err(|error| {
        SandboxError::compile(format!(
            "reading the guest {}: {error}",
            guest_path.display()
        ))
    })?;
    let cached = cache_dir.join(cache_file_name(engine, &guest_bytes));
    if cached.is_file() {
        match deserialize_cached(engine, &cached) {
            Ok(component) => return Ok(component),
            Err(error) => tracing::warn!(
                path = %cached.display(),
                "the cached guest artifact could not be loaded; recompiling: {error}"
            ),
        }
    }
    let started = std::time::Instant::now();
    let artifact = engine
        .precompile_component(&guest_bytes)
        .map_err(|error| SandboxError::compile(format!("compiling the guest: {error}")))?;
    write_atomically(cache_dir, &cached, &artifact).map_err(|error| {
        SandboxError::compile(format!(
            "writing the compile cache {}: {error}",
            cached.display()
        ))
    })?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        path = %cached.display(),
        "compiled the sandbox guest and cached it"
    );
    deserialize_cached(engine, &cached)
        .map_err(|error| SandboxError::compile(format!("loading the fresh artifact: {error}")))
}

/// Writes `bytes` to a unique temporary file in `dir` and renames it over `path`, so a concurrent
/// reader (another server process) sees either no file or a whole one.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let mut nonce = [0u8; 8];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut nonce);
    let partial: PathBuf = dir.join(format!(
        ".partial-{}-{}",
        std::process::id(),
        hex::encode(nonce)
    ));
    let result = (|| {
        let mut file = fs::File::create(&partial)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&partial, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&partial);
    }
    result
}

/// Loads a precompiled component from the cache.
#[allow(
    unsafe_code,
    reason = "Component::deserialize_file trusts its input; see the SAFETY comment"
)]
fn deserialize_cached(engine: &Engine, path: &Path) -> wasmtime::Result<Component> {
    // SAFETY: `deserialize_file` requires a file produced by `Engine::precompile_component` of a
    // compatible engine, not modified since. The file lives in the cache directory this runtime owns
    // and was written only by `load_component` above from `precompile_component` output (atomically,
    // by rename); its name includes the engine's compatibility hash, so an incompatible engine looks
    // for a different file, and Wasmtime still checks the artifact's header and version on load. The
    // guest itself never sees this path.
    unsafe { Component::deserialize_file(engine, path) }
}

/// A thread that advances the engine's epoch every tick; stores trap when their deadline (in ticks)
/// has passed. It stops when the engine is dropped.
struct EpochTicker {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    fn start(engine: Engine, tick: Duration) -> std::io::Result<EpochTicker> {
        let (stop, stopped) = mpsc::channel::<()>();
        let tick = tick.max(Duration::from_millis(1));
        let thread = std::thread::Builder::new()
            .name("sandbox-epoch".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(tick) {
                    engine.increment_epoch();
                }
            })?;
        Ok(EpochTicker {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        // Dropping the sender wakes the thread at once.
        self.stop.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `StoreLimits`, plus a note of whether the memory limit was what stopped the guest.
struct WatchedLimits {
    limits: StoreLimits,
    memory_limit_hit: bool,
}

impl ResourceLimiter for WatchedLimits {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = self.limits.memory_growing(current, desired, maximum);
        if !matches!(allowed, Ok(true)) {
            self.memory_limit_hit = true;
        }
        allowed
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.memory_limit_hit = true;
        self.limits.memory_grow_failed(error)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.limits.table_growing(current, desired, maximum)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.table_grow_failed(error)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}

/// A store's data: the request's session (absent for a probe) and its limits.
pub(crate) struct StoreState {
    session: Option<Session>,
    limiter: WatchedLimits,
}

impl StoreState {
    fn session(&mut self) -> wasmtime::Result<&mut Session> {
        self.session
            .as_mut()
            .ok_or_else(|| wasmtime::Error::msg("this instance serves no request"))
    }
}

/// The guest sees only that the host refused; the reason stays in the session for classification.
fn refused(_: Failed) -> wasmtime::Error {
    wasmtime::Error::msg("the host refused the guest's request")
}

impl kv::Host for StoreState {
    fn get(&mut self, key: String) -> wasmtime::Result<Option<Vec<u8>>> {
        self.session()?.get(&key).map_err(refused)
    }

    fn put(
        &mut self,
        key: String,
        value: Vec<u8>,
        expires_at_ms: Option<i64>,
    ) -> wasmtime::Result<()> {
        self.session()?
            .put(&key, value, expires_at_ms)
            .map_err(refused)
    }

    fn delete(&mut self, key: String) -> wasmtime::Result<()> {
        self.session()?.delete(&key).map_err(refused)
    }
}

impl clock::Host for StoreState {
    fn real_now_ms(&mut self) -> wasmtime::Result<i64> {
        Ok(crate::session::real_now_ms())
    }

    fn sandbox_now_ms(&mut self) -> wasmtime::Result<i64> {
        Ok(self.session()?.sandbox_now_ms())
    }
}

impl random::Host for StoreState {
    fn fill(&mut self, len: u32) -> wasmtime::Result<Vec<u8>> {
        self.session()?.random(len).map_err(refused)
    }
}

impl log::Host for StoreState {
    fn write(&mut self, level: log::Level, message: String) -> wasmtime::Result<()> {
        let level = match level {
            log::Level::Debug => mock_iamsmart::LogLevel::Debug,
            log::Level::Info => mock_iamsmart::LogLevel::Info,
            log::Level::Warn => mock_iamsmart::LogLevel::Warn,
            log::Level::Error => mock_iamsmart::LogLevel::Error,
        };
        self.session()?.log(level, &message);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_name_depends_on_the_guest_bytes_and_is_stable() {
        let engine = Engine::new(&engine_config(&Limits {
            max_concurrent_instances: 1,
            ..Limits::default()
        }))
        .expect("engine");
        let first = cache_file_name(&engine, b"guest one");
        assert_eq!(first, cache_file_name(&engine, b"guest one"));
        assert_ne!(first, cache_file_name(&engine, b"guest two"));
        assert!(first.starts_with("mock-iamsmart-") && first.ends_with(".cwasm"));
    }
}
