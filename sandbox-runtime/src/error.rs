//! What can go wrong running a sandbox, as variants a caller acts on: a runaway guest (deadline,
//! memory), a broken guest (trap, contract violation), the database, or the caller's own mistake.
//!
//! Messages are safe to log and to show an operator: they never carry configuration, secrets, stored
//! values or bodies, and text that came from a guest (trap messages name guest functions) is truncated.

use std::time::Duration;

/// The longest guest-derived text kept in an error message.
const MAX_GUEST_TEXT: usize = 300;

/// Why a sandbox call (or a sandbox administration step) failed.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The guest ran past its deadline and was stopped; nothing it wrote was committed.
    #[error("the sandbox guest ran past its {deadline:?} deadline and was stopped")]
    OutOfTime { deadline: Duration },
    /// The guest tried to grow its memory past the limit and was stopped; nothing was committed.
    #[error(
        "the sandbox guest tried to use more than {limit_bytes} bytes of memory and was stopped"
    )]
    MemoryLimit { limit_bytes: usize },
    /// The guest trapped (an `unreachable`, a stack overflow, a division by zero...).
    #[error("the sandbox guest trapped: {reason}")]
    Trap { reason: String },
    /// The guest answered something the contract does not allow (an outcome that does not parse or
    /// does not fit the call, an oversized key, a value that cannot cross the boundary...).
    #[error("the sandbox guest broke the host contract: {reason}")]
    GuestContract { reason: String },
    /// The database failed.
    #[error("sandbox storage failed: {0}")]
    Storage(#[from] sqlx::Error),
    /// Concurrent requests for the same tenant kept committing first; the caller may retry.
    #[error("concurrent requests for this sandbox kept conflicting; try again")]
    Contention,
    /// No sandbox has this id.
    #[error("no such sandbox")]
    UnknownSandbox,
    /// Another sandbox already uses this client id.
    #[error("another sandbox already uses this client id")]
    DuplicateClientId,
    /// The sandbox configuration is not valid (the message names the field, never its value).
    #[error("invalid sandbox configuration: {reason}")]
    InvalidConfig { reason: String },
    /// The sandboxes in the database were sealed under another configuration key than this runtime's
    /// (`PORTAL_CONFIG_KEY` or the key file changed): nothing can be opened, so the portal must not start.
    #[error("the configuration key does not match the one that sealed these sandboxes")]
    ConfigKeyMismatch,
    /// A sealed configuration is damaged or was moved from another row; the message names the sandbox,
    /// never the configuration.
    #[error("a sealed sandbox configuration could not be opened: {reason}")]
    SealedConfig { reason: String },
    /// The call could not be encoded for the guest.
    #[error("the call could not be encoded: {reason}")]
    InvalidCall { reason: String },
    /// The guest could not be loaded, compiled or linked, or the compile cache could not be used.
    #[error("the sandbox guest could not be prepared: {reason}")]
    Compile { reason: String },
    /// A fresh instance could not be created for a reason other than the guest's limits.
    #[error("a sandbox instance could not be created: {reason}")]
    Instantiate { reason: String },
}

impl SandboxError {
    pub(crate) fn trap(reason: impl std::fmt::Display) -> Self {
        SandboxError::Trap {
            reason: guest_text(reason),
        }
    }

    pub(crate) fn contract(reason: impl std::fmt::Display) -> Self {
        SandboxError::GuestContract {
            reason: guest_text(reason),
        }
    }

    pub(crate) fn compile(reason: impl std::fmt::Display) -> Self {
        SandboxError::Compile {
            reason: guest_text(reason),
        }
    }

    pub(crate) fn instantiate(reason: impl std::fmt::Display) -> Self {
        SandboxError::Instantiate {
            reason: guest_text(reason),
        }
    }

    /// True when the guest itself is at fault (it misbehaved or exceeded a limit), as opposed to the
    /// host, the database or the caller. A portal answers these with a sandbox error page or D-code
    /// and keeps serving.
    pub fn is_guest_fault(&self) -> bool {
        matches!(
            self,
            SandboxError::OutOfTime { .. }
                | SandboxError::MemoryLimit { .. }
                | SandboxError::Trap { .. }
                | SandboxError::GuestContract { .. }
        )
    }
}

/// Guest-derived text, on one line and cut to a bounded length.
fn guest_text(text: impl std::fmt::Display) -> String {
    let text = text.to_string();
    let mut kept: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_GUEST_TEXT)
        .collect();
    if text.chars().count() > MAX_GUEST_TEXT {
        kept.push('…');
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_text_is_cut_to_one_bounded_line() {
        let error = SandboxError::trap(format!("bad\nthing {}", "x".repeat(10_000)));
        let message = error.to_string();
        assert!(message.len() < 400, "{message}");
        assert!(!message.contains('\n'));
        assert!(message.ends_with('…'));
    }

    #[test]
    fn only_guest_misbehaviour_counts_as_a_guest_fault() {
        assert!(
            SandboxError::OutOfTime {
                deadline: Duration::from_millis(5)
            }
            .is_guest_fault()
        );
        assert!(SandboxError::contract("garbage").is_guest_fault());
        assert!(!SandboxError::UnknownSandbox.is_guest_fault());
        assert!(!SandboxError::Contention.is_guest_fault());
    }
}
