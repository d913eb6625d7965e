//! Tiny guests written in WAT for the tests the real guest cannot play: runaway loops, memory bombs,
//! garbage answers, writes followed by failure. Each is a core module that the test support turns
//! into a component of the sandbox world, so it goes through exactly the runtime path the real
//! guest does.
//!
//! Every guest answers `list_personas` well (with an empty cast), so in one runtime a well-behaved
//! tenant can be served by the same component while another tenant's call misbehaves. No guest here
//! may import anything outside the sandbox world.

use std::path::PathBuf;

use crate::support;

/// What the guest does for any call other than `list_personas`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Spins forever.
    EndlessLoop,
    /// Writes an entry, then spins forever.
    WriteThenLoop,
    /// Grows its memory until it cannot.
    MemoryBomb,
    /// Recurses without end.
    DeepRecursion,
    /// Answers with text that is not an outcome.
    Garbage,
    /// Writes an entry, then answers with garbage.
    WriteThenGarbage,
    /// Writes an entry, then traps (`unreachable`).
    WriteThenTrap,
    /// Answers with a string that points outside its memory.
    OutOfBoundsAnswer,
    /// Answers with bytes that are not UTF-8.
    InvalidUtf8Answer,
    /// Tries to store under a 60,000-byte key.
    OversizedKey,
    /// Asks the host for a megabyte of randomness in one call.
    GreedyRandomness,
}

/// `{"call":"list_personas"}` is 24 bytes; it is how the guest tells the well-behaved call apart.
const LIST_PERSONAS_CALL_LEN: usize = 24;
/// The entry every writing guest stores.
pub const WRITTEN_KEY: &str = "atomic/key";

impl Behaviour {
    fn body(self) -> &'static str {
        match self {
            Behaviour::EndlessLoop => "(loop $spin (br $spin)) (unreachable)",
            Behaviour::WriteThenLoop => "(call $write) (loop $spin (br $spin)) (unreachable)",
            Behaviour::MemoryBomb => {
                "(loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) \
                 (unreachable)"
            }
            Behaviour::DeepRecursion => "(drop (call $recurse (i32.const 0))) (unreachable)",
            Behaviour::Garbage => "(call $answer (i32.const 192) (i32.const 22))",
            Behaviour::WriteThenGarbage => {
                "(call $write) (call $answer (i32.const 192) (i32.const 22))"
            }
            Behaviour::WriteThenTrap => "(call $write) (unreachable)",
            Behaviour::OutOfBoundsAnswer => {
                "(call $answer (i32.const 2147418112) (i32.const 1000))"
            }
            Behaviour::InvalidUtf8Answer => "(call $answer (i32.const 224) (i32.const 4))",
            Behaviour::OversizedKey => {
                "(call $put (i32.const 4096) (i32.const 60000) (i32.const 160) (i32.const 5) \
                 (i32.const 0) (i64.const 0)) (unreachable)"
            }
            Behaviour::GreedyRandomness => {
                "(call $fill (i32.const 1048576) (i32.const 0)) (unreachable)"
            }
        }
    }

    /// The guest as WAT text. When `write_on_success`, the well-behaved `list_personas` path also
    /// stores [`WRITTEN_KEY`], as a control that writes of a clean call do commit.
    pub fn wat(self, write_on_success: bool) -> String {
        let write_if = if write_on_success {
            "(call $write)"
        } else {
            ""
        };
        let body = self.body();
        format!(
            r#"(module
  (import "iamsmart:sandbox/kv@0.1.0" "put" (func $put (param i32 i32 i32 i32 i32 i64)))
  (import "iamsmart:sandbox/random@0.1.0" "fill" (func $fill (param i32 i32)))
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 65536))
  (data (i32.const 64) "{{\"outcome\":\"personas\",\"data\":[]}}")
  (data (i32.const 128) "{WRITTEN_KEY}")
  (data (i32.const 160) "value")
  (data (i32.const 192) "this is not an outcome")
  (data (i32.const 224) "\ff\fe\fd\fc")
  (func $realloc (export "cabi_realloc")
    (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $ptr i32) (local $end i32)
    (local.set $ptr
      (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $ptr) (local.get $size)))
    (block $enough
      (loop $more
        (br_if $enough (i32.le_u (local.get $end) (i32.shl (memory.size) (i32.const 16))))
        (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then (unreachable)))
        (br $more)))
    (global.set $heap (local.get $end))
    (local.get $ptr))
  (func $answer (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (i32.const 0))
  (func $write
    (call $put (i32.const 128) (i32.const {key_len}) (i32.const 160) (i32.const 5)
      (i32.const 0) (i64.const 0)))
  (func $recurse (param $depth i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get $depth) (i32.const 1))) (i32.const 1)))
  (func (export "iamsmart:sandbox/handler@0.1.0#handle")
    (param $config i32) (param $config_len i32) (param $call i32) (param $call_len i32) (result i32)
    (if (i32.eq (local.get $call_len) (i32.const {LIST_PERSONAS_CALL_LEN}))
      (then
        {write_if}
        (return (call $answer (i32.const 64) (i32.const 32)))))
    {body})
)"#,
            key_len = WRITTEN_KEY.len(),
        )
    }

    /// The guest as a component file.
    pub fn component(self, write_on_success: bool) -> PathBuf {
        let name = format!("{self:?}").to_lowercase();
        match support::wat_guest(&name, &self.wat(write_on_success)) {
            Ok(path) => path,
            Err(error) => panic!("building the {self:?} guest failed: {error:#}"),
        }
    }
}
