//! The sandbox guest: the `mock-iamsmart` protocol core behind the WIT world in
//! `sandbox-runtime/wit/sandbox.wit`, built for `wasm32-unknown-unknown` and turned into a component
//! by `cargo xtask` (`xtask/src/guest.rs`).
//!
//! It is deliberately thin: the exported `handle` forwards to [`mock_iamsmart::handle_json`], and
//! [`WitHost`] implements [`mock_iamsmart::Host`] over the four imports (key-value storage, clock,
//! randomness, log). It must never reach anything but those imports (no WASI, no ambient clock or
//! entropy), never keep state between calls, and never panic on input: the core turns every bad
//! input into a D-code, and this file adds no fallible step of its own.

mod bindings {
    //! The code wit-bindgen generates for the `sandbox` world, and the export of [`super::Guest`].
    #![allow(
        unsafe_code,
        reason = "wit-bindgen's generated canonical-ABI glue and export shims are unsafe by nature"
    )]

    wit_bindgen::generate!({
        world: "sandbox",
        path: "../../sandbox-runtime/wit",
    });

    use super::Guest;
    export!(Guest);
}

use bindings::exports::iamsmart::sandbox::handler;
use bindings::iamsmart::sandbox::{clock, kv, log, random};
use mock_iamsmart::{Host, LogLevel};

/// The component's export.
struct Guest;

impl handler::Guest for Guest {
    fn handle(config_json: String, call_json: String) -> String {
        mock_iamsmart::handle_json(&mut WitHost, &config_json, &call_json)
    }
}

/// The host's randomness is asked for in chunks no larger than this, well under the host's per-call
/// bound, so no request size the core makes can trip it.
const RANDOM_CHUNK_BYTES: usize = 4096;

/// [`Host`] over the WIT imports. It holds nothing: all state lives on the host side of the boundary.
struct WitHost;

impl Host for WitHost {
    fn real_now_ms(&self) -> i64 {
        clock::real_now_ms()
    }

    fn sandbox_now_ms(&self) -> i64 {
        clock::sandbox_now_ms()
    }

    fn fill_random(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(RANDOM_CHUNK_BYTES) {
            // The chunk length is at most RANDOM_CHUNK_BYTES, so it always fits in a u32.
            let wanted = u32::try_from(chunk.len()).unwrap_or(u32::MAX);
            let bytes = random::fill(wanted);
            // Zipping rather than `copy_from_slice` keeps a short answer from panicking; the host
            // always answers with exactly `wanted` bytes.
            for (slot, byte) in chunk.iter_mut().zip(bytes) {
                *slot = byte;
            }
        }
    }

    fn kv_get(&mut self, key: &str) -> Option<Vec<u8>> {
        kv::get(key)
    }

    fn kv_put(&mut self, key: &str, value: &[u8], expires_at_ms: Option<i64>) {
        kv::put(key, value, expires_at_ms);
    }

    fn kv_delete(&mut self, key: &str) {
        kv::delete(key);
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        let level = match level {
            LogLevel::Debug => log::Level::Debug,
            LogLevel::Info => log::Level::Info,
            LogLevel::Warn => log::Level::Warn,
            LogLevel::Error => log::Level::Error,
        };
        log::write(level, message);
    }
}
