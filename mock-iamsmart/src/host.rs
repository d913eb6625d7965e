//! The host interface: the only way the protocol core reaches time, randomness, storage and logs.
//!
//! In production the Wasmtime runtime implements [`Host`] with WIT imports; in tests and benchmarks
//! [`crate::memory_host::MemoryHost`] does. Nothing in this crate may read a clock, draw randomness or
//! touch storage except through this trait, so every run is reproducible from the host's answers.

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

/// How loud a log line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
}

/// Everything the protocol core needs from the world outside it.
pub trait Host {
    /// Real wall-clock epoch ms (used for request timestamp windows and for `issueAt` values reported to
    /// clients, PROTOCOL §11.4).
    fn real_now_ms(&self) -> i64;
    /// The sandbox clock: real time plus the sandbox's time-travel offset. Expiry of codes, tickets,
    /// tokens and CEKs is judged on this clock.
    fn sandbox_now_ms(&self) -> i64;
    /// Fills `buf` with cryptographically strong random bytes (deterministic ones in tests).
    fn fill_random(&mut self, buf: &mut [u8]);
    /// Tenant-scoped key-value store. Writes of one call are committed together by the host, or not at
    /// all.
    fn kv_get(&mut self, key: &str) -> Option<Vec<u8>>;
    /// Stores `value`; `expires_at_ms` is on the sandbox clock and the host may purge the entry after
    /// it. The core still checks expiry itself, so purging is an optimisation, never a requirement.
    fn kv_put(&mut self, key: &str, value: &[u8], expires_at_ms: Option<i64>);
    /// Removes the entry if present.
    fn kv_delete(&mut self, key: &str);
    /// Records a log line. Callers never pass secrets, tokens, identity numbers or bodies.
    fn log(&mut self, level: LogLevel, message: &str);
}

/// `N` random bytes from the host.
pub(crate) fn random_array<const N: usize>(host: &mut dyn Host) -> [u8; N] {
    let mut bytes = [0u8; N];
    host.fill_random(&mut bytes);
    bytes
}

/// A cryptographic RNG for libraries that want one (RSA padding), seeded from host randomness so the
/// crate never asks the platform for entropy.
pub(crate) fn seeded_rng(host: &mut dyn Host) -> ChaCha20Rng {
    ChaCha20Rng::from_seed(random_array::<32>(host))
}

/// A fresh random identifier shaped like a version-4 UUID, used for ticket and transaction ids.
pub(crate) fn random_uuid(host: &mut dyn Host) -> String {
    let mut bytes = random_array::<16>(host);
    // Setting the version and variant bits makes the id a well-formed UUID for clients that parse it.
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A fresh random token of 32 lowercase hex characters, the shape of `accessToken` (PROTOCOL §2.2).
pub(crate) fn random_hex32(host: &mut dyn Host) -> String {
    hex::encode(random_array::<16>(host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory_host::MemoryHost;

    #[test]
    fn random_uuids_are_version_four_and_well_formed() {
        let mut host = MemoryHost::new(7);
        let id = random_uuid(&mut host);
        assert_eq!(id.len(), 36);
        let groups: Vec<&str> = id.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(groups[2].starts_with('4'));
        assert!(matches!(
            groups[3].chars().next(),
            Some('8' | '9' | 'a' | 'b')
        ));
        assert_ne!(id, random_uuid(&mut host));
    }

    #[test]
    fn random_hex_tokens_are_32_lowercase_hex_characters() {
        let mut host = MemoryHost::new(7);
        let token = random_hex32(&mut host);
        assert_eq!(token.len(), 32);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    }

    #[test]
    fn randomness_comes_only_from_the_host_seed() {
        let mut first = MemoryHost::new(42);
        let mut second = MemoryHost::new(42);
        let mut third = MemoryHost::new(43);
        let a = random_hex32(&mut first);
        assert_eq!(a, random_hex32(&mut second));
        assert_ne!(a, random_hex32(&mut third));
    }
}
