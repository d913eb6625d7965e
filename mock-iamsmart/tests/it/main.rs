//! Integration tests for `mock-iamsmart`: the crate driven only through its public API, by a test that
//! behaves like a real relying party (it signs, encrypts and decrypts with the `client` helpers and
//! holds its own RSA private key).
//!
//! These tests must stay deterministic (seeded `MemoryHost`, fixed keys) and must never reach the
//! network or the real clock.

mod catalogue;
mod form_filling_flow;
mod login_flow;
