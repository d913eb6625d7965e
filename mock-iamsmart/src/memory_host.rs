//! An in-memory [`Host`] with settable clocks and seeded randomness, for tests, benchmarks and the
//! native baseline.
//!
//! It must stay deterministic: the same seed and the same calls give the same bytes, ids and logs. It
//! never purges expired entries on its own, so the core's own expiry checks are what tests exercise;
//! call [`MemoryHost::purge_expired`] to imitate a host that does purge.
//!
//! It holds the core to the runtime's storage contract: a key the runtime would refuse (empty, longer
//! than 512 bytes, or holding a NUL) panics here, so a core test catches what a
//! sandbox would answer with `D20000`.

use std::collections::BTreeMap;

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

use crate::host::{Host, LogLevel};

/// A stored value and its expiry on the sandbox clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub value: Vec<u8>,
    pub expires_at_ms: Option<i64>,
}

/// A deterministic host kept entirely in memory.
#[derive(Debug, Clone)]
pub struct MemoryHost {
    real_now_ms: i64,
    sandbox_offset_ms: i64,
    rng: ChaCha20Rng,
    entries: BTreeMap<String, StoredEntry>,
    logs: Vec<(LogLevel, String)>,
}

/// 2024-01-02T03:04:05Z: an arbitrary fixed starting point so tests never depend on the real date.
pub const DEFAULT_START_MS: i64 = 1_704_164_645_000;

impl MemoryHost {
    /// A host whose real clock starts at [`DEFAULT_START_MS`], with no time travel and randomness from
    /// `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            real_now_ms: DEFAULT_START_MS,
            sandbox_offset_ms: 0,
            rng: ChaCha20Rng::seed_from_u64(seed),
            entries: BTreeMap::new(),
            logs: Vec::new(),
        }
    }

    /// Sets the real clock; the sandbox clock keeps its offset from it.
    pub fn set_real_now_ms(&mut self, now_ms: i64) {
        self.real_now_ms = now_ms;
    }

    /// Lets real time pass; the sandbox clock moves with it.
    pub fn advance_ms(&mut self, duration_ms: i64) {
        self.real_now_ms = self.real_now_ms.saturating_add(duration_ms);
    }

    /// Moves only the sandbox clock, as the portal's time-travel control does.
    pub fn travel_ms(&mut self, offset_delta_ms: i64) {
        self.sandbox_offset_ms = self.sandbox_offset_ms.saturating_add(offset_delta_ms);
    }

    /// The current time-travel offset.
    pub fn sandbox_offset_ms(&self) -> i64 {
        self.sandbox_offset_ms
    }

    /// All stored entries, in key order.
    pub fn entries(&self) -> &BTreeMap<String, StoredEntry> {
        &self.entries
    }

    /// Drops every entry whose expiry has passed on the sandbox clock, like a purging host would.
    pub fn purge_expired(&mut self) {
        let now = self.sandbox_now_ms();
        self.entries
            .retain(|_, entry| entry.expires_at_ms.is_none_or(|expires| expires > now));
    }

    /// Every log line so far.
    pub fn logs(&self) -> &[(LogLevel, String)] {
        &self.logs
    }
}

/// Panics on a key the sandbox runtime would refuse (see the module doc).
fn check_key(key: &str) {
    assert!(
        crate::store::is_storable(key),
        "the core used a storage key the sandbox runtime refuses ({} bytes, NUL: {})",
        key.len(),
        key.contains('\0')
    );
}

impl Host for MemoryHost {
    fn real_now_ms(&self) -> i64 {
        self.real_now_ms
    }

    fn sandbox_now_ms(&self) -> i64 {
        self.real_now_ms.saturating_add(self.sandbox_offset_ms)
    }

    fn fill_random(&mut self, buf: &mut [u8]) {
        self.rng.fill_bytes(buf);
    }

    fn kv_get(&mut self, key: &str) -> Option<Vec<u8>> {
        check_key(key);
        self.entries.get(key).map(|entry| entry.value.clone())
    }

    fn kv_put(&mut self, key: &str, value: &[u8], expires_at_ms: Option<i64>) {
        check_key(key);
        self.entries.insert(
            key.to_owned(),
            StoredEntry {
                value: value.to_vec(),
                expires_at_ms,
            },
        );
    }

    fn kv_delete(&mut self, key: &str) {
        check_key(key);
        self.entries.remove(key);
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        self.logs.push((level, message.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_travel_moves_the_sandbox_clock_but_not_the_real_one() {
        let mut host = MemoryHost::new(1);
        host.travel_ms(86_400_000);
        assert_eq!(host.real_now_ms(), DEFAULT_START_MS);
        assert_eq!(host.sandbox_now_ms(), DEFAULT_START_MS + 86_400_000);
        host.advance_ms(1_000);
        assert_eq!(host.real_now_ms(), DEFAULT_START_MS + 1_000);
        assert_eq!(host.sandbox_now_ms(), DEFAULT_START_MS + 86_401_000);
    }

    #[test]
    fn purging_drops_only_entries_expired_on_the_sandbox_clock() {
        let mut host = MemoryHost::new(1);
        host.kv_put("forever", b"a", None);
        host.kv_put("soon", b"b", Some(DEFAULT_START_MS + 10));
        host.kv_put("later", b"c", Some(DEFAULT_START_MS + 1_000));
        host.purge_expired();
        assert_eq!(host.entries().len(), 3);
        host.travel_ms(10);
        host.purge_expired();
        assert_eq!(host.kv_get("soon"), None);
        assert_eq!(host.kv_get("forever"), Some(b"a".to_vec()));
        assert_eq!(host.kv_get("later"), Some(b"c".to_vec()));
    }

    #[test]
    fn deleting_and_logging_are_recorded() {
        let mut host = MemoryHost::new(1);
        host.kv_put("k", b"v", None);
        host.kv_delete("k");
        host.kv_delete("absent");
        assert!(host.entries().is_empty());
        host.log(LogLevel::Info, "hello");
        assert_eq!(host.logs(), &[(LogLevel::Info, "hello".to_owned())]);
    }
}
