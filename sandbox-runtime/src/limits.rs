//! The limits every request runs under: how long a guest may run, how much memory it may use, how
//! many instances run at once, and how much a single request may read, write and log.
//!
//! Defaults are generous for the real guest (a getKey uses well under a megabyte and a millisecond of
//! guest time) and tight enough that a runaway guest costs its tenant one slot for one deadline, never
//! the whole node. This module must never read the environment: the server decides and passes them in.

use std::time::Duration;

/// Per-request and per-runtime limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time a guest may run, host calls included, before it is stopped.
    pub deadline: Duration,
    /// How often the epoch ticker advances; the deadline is rounded up to whole ticks.
    pub epoch_tick: Duration,
    /// The largest linear memory a guest may grow to, in bytes.
    pub max_memory_bytes: usize,
    /// The most wasm stack a guest may use; deeper recursion traps.
    pub max_wasm_stack_bytes: usize,
    /// Instances running at once; further requests wait for a slot. It also sizes the pooling
    /// allocator.
    pub max_concurrent_instances: u32,
    /// Bytes (keys plus values) one request may write to storage.
    pub max_request_write_bytes: usize,
    /// Storage operations (gets, puts, deletes) one request may make.
    pub max_request_storage_ops: u32,
    /// Log lines one request may write; later lines are dropped.
    pub max_request_log_lines: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            deadline: Duration::from_secs(1),
            epoch_tick: Duration::from_millis(10),
            max_memory_bytes: 64 << 20,
            max_wasm_stack_bytes: 1 << 20,
            max_concurrent_instances: 64,
            max_request_write_bytes: 8 << 20,
            max_request_storage_ops: 10_000,
            max_request_log_lines: 256,
        }
    }
}

impl Limits {
    /// The deadline in epoch ticks, at least one.
    pub(crate) fn deadline_ticks(&self) -> u64 {
        let tick = self.epoch_tick.as_nanos().max(1);
        let ticks = self.deadline.as_nanos().div_ceil(tick);
        u64::try_from(ticks).unwrap_or(u64::MAX).max(1)
    }
}

/// The longest storage key a guest may use, in bytes. The core's keys are short prefixes plus ids
/// and nonces of at most a few dozen characters.
pub(crate) const MAX_KEY_BYTES: usize = 512;
/// The largest single value a guest may store.
pub(crate) const MAX_VALUE_BYTES: usize = 1 << 20;
/// The most random bytes one `random.fill` call may ask for.
pub(crate) const MAX_RANDOM_BYTES: u32 = 64 << 10;
/// Log lines longer than this are cut.
pub(crate) const MAX_LOG_LINE_CHARS: usize = 512;
/// The largest outcome JSON accepted from a guest.
pub(crate) const MAX_OUTCOME_BYTES: usize = 8 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_rounds_up_to_whole_ticks_and_never_to_zero() {
        let mut limits = Limits::default();
        assert_eq!(limits.deadline_ticks(), 100);
        limits.deadline = Duration::from_millis(15);
        assert_eq!(limits.deadline_ticks(), 2);
        limits.deadline = Duration::ZERO;
        assert_eq!(limits.deadline_ticks(), 1);
    }
}
