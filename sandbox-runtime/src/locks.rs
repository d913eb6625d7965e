//! In-process, per-tenant request locks: requests for the same sandbox in one process take turns, so
//! they do not race each other to commit and retry. Requests for different sandboxes never wait on
//! each other here.
//!
//! This is an optimisation, not the correctness mechanism: across processes the generation check in
//! `storage::commit` serialises a tenant's requests. The map holds only weak references, so an idle
//! sandbox costs nothing here once its last request is done; it must never hold a tenant's lock
//! beyond one request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use crate::storage::SandboxId;

/// Entries are swept of dead weak references whenever the map grows past this many since the last
/// sweep, so its size stays proportional to the sandboxes with requests in flight.
const SWEEP_EVERY: usize = 1024;

#[derive(Default)]
pub(crate) struct TenantLocks {
    inner: Mutex<LockMap>,
}

#[derive(Default)]
struct LockMap {
    locks: HashMap<SandboxId, Weak<AsyncMutex<()>>>,
    sweep_at: usize,
}

impl TenantLocks {
    /// Waits for this tenant's turn; the turn lasts as long as the guard lives.
    pub(crate) async fn lock(&self, sandbox_id: &SandboxId) -> OwnedMutexGuard<()> {
        let mutex = {
            // A panic while holding this short critical section cannot leave the map inconsistent,
            // so a poisoned lock is still usable.
            let mut map = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            map.mutex_for(sandbox_id)
        };
        mutex.lock_owned().await
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .locks
            .len()
    }
}

impl LockMap {
    fn mutex_for(&mut self, sandbox_id: &SandboxId) -> Arc<AsyncMutex<()>> {
        if let Some(mutex) = self.locks.get(sandbox_id).and_then(Weak::upgrade) {
            return mutex;
        }
        let mutex = Arc::new(AsyncMutex::new(()));
        self.locks
            .insert(sandbox_id.clone(), Arc::downgrade(&mutex));
        if self.locks.len() >= self.sweep_at.saturating_add(SWEEP_EVERY) {
            self.locks.retain(|_, weak| weak.strong_count() > 0);
            self.sweep_at = self.locks.len();
        }
        mutex
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_same_tenant_waits_and_another_tenant_does_not() {
        let locks = TenantLocks::default();
        let a = SandboxId::new("a");
        let held = locks.lock(&a).await;
        let blocked =
            tokio::time::timeout(std::time::Duration::from_millis(20), locks.lock(&a)).await;
        assert!(blocked.is_err(), "a second request for a waited");
        let _b = locks.lock(&SandboxId::new("b")).await;
        drop(held);
        let _again = locks.lock(&a).await;
    }

    #[tokio::test]
    async fn idle_tenants_are_swept_from_the_map() {
        let locks = TenantLocks::default();
        for n in 0..(3 * SWEEP_EVERY) {
            let _guard = locks.lock(&SandboxId::new(format!("t{n}"))).await;
        }
        assert!(locks.tracked() <= SWEEP_EVERY + 1, "{}", locks.tracked());
    }
}
