//! The sandbox runtime: runs one tenant's mock iAM Smart (the `mock-iamsmart` core compiled to a
//! WebAssembly component) in a fresh Wasmtime instance per request, with the tenant's state in the
//! database behind a narrow host interface (`wit/sandbox.wit`).
//!
//! A request goes like this ([`Runtime::call`]): the tenant's row is read (configuration, time-travel
//! offset, generation); a fresh store and instance come from the pooling allocator with an epoch
//! deadline and memory limits; the guest's `handle` runs, reading storage through the host and
//! buffering its writes in an overlay; the outcome JSON is checked against the call; then the overlay
//! commits in one transaction that also bumps the tenant's generation, or nothing commits at all.
//!
//! Architecture invariants:
//! - This crate knows nothing about HTTP, Leptos or accounts; it takes config structs and a pool and
//!   never reads the environment.
//! - It never trusts a value returned by a guest: every import argument is bounded and every outcome
//!   is parsed and checked ([`SandboxError::GuestContract`] otherwise). A trap, a deadline or a memory
//!   limit is a typed error, never a panic, and never touches another tenant.
//! - All writes of one request commit together or not at all, and two requests for the same tenant
//!   are serialised (see `runtime.rs` for how, on both SQLite and PostgreSQL).
//! - It never logs configuration, secrets, stored values or bodies; guest log lines are forwarded
//!   truncated and counted.
//! - It never stores a configuration in clear: every one is sealed with the deployment's [`ConfigKey`]
//!   (`sealing.rs`), and a database sealed under another key is refused, never read as garbage.
//!
//! Unsafe code is denied rather than forbidden in this crate: loading the on-disk compile cache
//! (`Component::deserialize_file`) is an unsafe call, allowed in exactly one function in `engine.rs`
//! with a `// SAFETY:` comment.

#![deny(unsafe_code)]

mod contract;
mod engine;
mod error;
mod limits;
mod locks;
mod runtime;
mod sealing;
mod session;
mod storage;

pub use error::SandboxError;
pub use limits::Limits;
pub use runtime::{NativeRuntime, Runtime, RuntimeConfig};
pub use sealing::{CONFIG_KEY_BYTES, ConfigKey, ConfigKeyError};
pub use storage::{SandboxId, SandboxInfo};

/// The database migrations, shared with the portal (`/migrations`); they run on SQLite and PostgreSQL
/// through sqlx's `Any` driver.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Applies every migration not yet applied; for tests and tools that own their database. The portal
/// applies the same files with its own migrator.
pub async fn migrate(pool: &sqlx::AnyPool) -> Result<(), SandboxError> {
    MIGRATOR
        .run(pool)
        .await
        .map_err(|error| SandboxError::Storage(error.into()))
}
