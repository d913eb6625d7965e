//! Where the identity generator's randomness comes from: a 32-byte seed per persona (derived by the
//! caller from the sandbox's pseudonym key and the persona id), split into one ChaCha20 stream per
//! facet (name, address, phones, …) so that changing or dropping one field never shifts the others.
//!
//! This module must never draw on ambient randomness (no `getrandom`, no `thread_rng`): the same seed
//! always yields the same people.

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};

/// The root of one persona's synthetic data. It is derived from a secret, so it never prints itself.
#[derive(Clone, PartialEq, Eq)]
pub struct IdentitySeed([u8; 32]);

impl std::fmt::Debug for IdentitySeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentitySeed(<redacted>)")
    }
}

impl IdentitySeed {
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The random stream for one facet: `ChaCha20(SHA-256(seed ‖ NUL ‖ facet))`.
    pub fn draw(&self, facet: &str) -> Draw {
        let digest = Sha256::new()
            .chain_update(self.0)
            .chain_update([0u8])
            .chain_update(facet.as_bytes())
            .finalize();
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&digest);
        Draw(ChaCha20Rng::from_seed(seed))
    }
}

/// A deterministic stream of choices.
pub struct Draw(ChaCha20Rng);

impl Draw {
    /// A number in `0..bound`; 0 when `bound` is 0. The modulo bias is below 2⁻⁴⁰ for the small
    /// bounds used here, far under anything a test could notice.
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        self.0.next_u64() % bound
    }

    /// A number in `low..=high` (or `low` when the range is empty).
    pub fn between(&mut self, low: u32, high: u32) -> u32 {
        let span = u64::from(high.saturating_sub(low)) + 1;
        // `below(span)` is at most `high - low`, so the sum fits in u32.
        low + u32::try_from(self.below(span)).unwrap_or(0)
    }

    /// An index into a collection of `len` items.
    pub fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.below(len as u64)).unwrap_or(0)
    }

    /// One item of a non-empty slice (`None` for an empty one).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let index = self.index(items.len());
        items.get(index)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// `count` decimal digits.
    pub fn digits(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| char::from(b'0' + (self.below(10) as u8)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facets_are_independent_and_reproducible() {
        let seed = IdentitySeed::new([7; 32]);
        let first: Vec<u64> = (0..4).map(|_| seed.draw("name").below(1 << 40)).collect();
        let again: Vec<u64> = (0..4).map(|_| seed.draw("name").below(1 << 40)).collect();
        assert_eq!(first, again);
        assert_ne!(
            seed.draw("name").below(1 << 40),
            seed.draw("address").below(1 << 40)
        );
        assert_ne!(
            seed.draw("name").below(1 << 40),
            IdentitySeed::new([8; 32]).draw("name").below(1 << 40)
        );
    }

    #[test]
    fn draws_stay_in_range_and_never_panic_on_empty_ranges() {
        let mut draw = IdentitySeed::new([1; 32]).draw("test");
        for _ in 0..1000 {
            assert!((5..=9).contains(&draw.between(5, 9)));
            assert!(draw.below(3) < 3);
        }
        assert_eq!(draw.below(0), 0);
        assert_eq!(draw.between(9, 5), 9);
        assert_eq!(draw.pick::<u8>(&[]), None);
        let digits = draw.digits(8);
        assert_eq!(digits.len(), 8);
        assert!(digits.bytes().all(|byte| byte.is_ascii_digit()));
    }

    #[test]
    fn seeds_do_not_print_themselves() {
        assert_eq!(
            format!("{:?}", IdentitySeed::new([42; 32])),
            "IdentitySeed(<redacted>)"
        );
    }
}
