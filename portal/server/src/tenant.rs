//! How the login pages reach a sandbox: find it by client ID, run one call, and sort what comes back
//! into the outcome the page wanted, a protocol error (a D-code the page shows), or a failure of the
//! sandbox itself (logged once here, shown to the visitor without internals).
//!
//! This module must never log ticket IDs, codes, persona data or query strings.

use mock_iamsmart::{Call, DCode, Outcome};
use sandbox_runtime::{Runtime, SandboxError, SandboxId};

/// What the broker page and the virtual phone share: the runtime, and the address browsers use.
#[derive(Clone)]
pub struct LoginPages {
    pub runtime: Runtime,
    /// The configured public URL, if any; otherwise pages use the request's `Host`.
    pub public_base_url: Option<String>,
    /// The sandbox CA, which installs persona certificates before a page call that may sign.
    pub signing_authority: Option<crate::ca::SigningAuthority>,
    /// Where callback deliveries are recorded for the request inspector.
    pub inspector: Option<crate::inspector::Inspector>,
}

/// Why a page could not get what it asked a sandbox for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageFailure {
    /// The protocol said no: the D-code and the protocol's own message.
    Protocol { code: DCode, message: String },
    /// No sandbox has this client ID.
    UnknownClient,
    /// The sandbox could not answer (storage down, guest stopped); already logged.
    Unavailable,
}

impl PageFailure {
    /// The D-code a page or a JSON answer reports for this failure.
    pub fn code(&self) -> DCode {
        match self {
            PageFailure::Protocol { code, .. } => *code,
            PageFailure::UnknownClient => DCode::AuthorisationFailed,
            PageFailure::Unavailable => DCode::UnknownException,
        }
    }

    pub fn message(&self) -> String {
        match self {
            PageFailure::Protocol { message, .. } => message.clone(),
            PageFailure::UnknownClient => {
                "authorisation failed: no sandbox has this clientID".to_owned()
            }
            PageFailure::Unavailable => {
                "the sandbox is unavailable at the moment; try again shortly".to_owned()
            }
        }
    }
}

fn unavailable(error: &SandboxError) -> PageFailure {
    if error.is_guest_fault() {
        tracing::warn!(error = %error, "sandbox guest stopped while serving a login page");
    } else {
        tracing::error!(error = %error, "sandbox failed while serving a login page");
    }
    PageFailure::Unavailable
}

impl LoginPages {
    /// The sandbox that owns `client_id`.
    pub async fn sandbox(&self, client_id: &str) -> Result<SandboxId, PageFailure> {
        match self.runtime.sandbox_for_client(client_id).await {
            Ok(Some(sandbox_id)) => Ok(sandbox_id),
            Ok(None) => Err(PageFailure::UnknownClient),
            Err(error) => Err(unavailable(&error)),
        }
    }

    /// Runs `call` in the sandbox of `client_id`; an `Error` outcome becomes `PageFailure::Protocol`.
    /// An answer that settled a data request has its callbacks POSTed to the relying party first
    /// (waiting a bounded time, see `callbacks.rs`), and an approved bulk-signing request is signed
    /// on in the background; the outcome is returned without the callbacks.
    pub async fn call(&self, client_id: &str, call: Call) -> Result<Outcome, PageFailure> {
        let sandbox_id = self.sandbox(client_id).await?;
        // A browser attaching to an anonymous request may let the auto-responder sign at once.
        if let (Call::BeginLogin(params), Some(signing)) = (&call, &self.signing_authority)
            && params.ticket_id.is_some()
        {
            signing.prepare_for_signing(&sandbox_id, None).await;
        }
        let outcome = self.runtime.call(&sandbox_id, &call).await;
        // An approval of a signing request by a persona whose certificate is not issued yet: issue
        // it and approve again (the refused call changed nothing). Logins never pay for this.
        let outcome = match (&outcome, &call, &self.signing_authority) {
            (
                Ok(Outcome::Error { message, .. }),
                Call::ApproveTicket { persona_id, .. },
                Some(signing),
            ) if crate::ca::lacks_certificate(message) => {
                if let Err(error) = signing
                    .ensure_certificates(&sandbox_id, Some(persona_id))
                    .await
                {
                    tracing::warn!(error = %error, "could not issue a persona's signing certificate");
                }
                self.runtime.call(&sandbox_id, &call).await
            }
            _ => outcome,
        };
        match outcome {
            Ok(Outcome::Ticket(mut status))
                if !status.callbacks.is_empty() || status.signing_continues =>
            {
                let callbacks = std::mem::take(&mut status.callbacks);
                // An approved bulk-signing request is signed piece by piece after this answer.
                let continuation = status.signing_continues.then(|| status.ticket_id.clone());
                crate::callbacks::deliver_and_continue(
                    &self.runtime,
                    self.inspector.as_ref(),
                    &sandbox_id,
                    callbacks,
                    continuation,
                )
                .await;
                Ok(Outcome::Ticket(status))
            }
            Ok(Outcome::Error { code, message }) => Err(PageFailure::Protocol { code, message }),
            Ok(outcome) => Ok(outcome),
            Err(error) => Err(unavailable(&error)),
        }
    }
}

/// A call answered with an outcome of the wrong kind: the runtime's contract check makes this
/// unreachable in practice, and it is reported like any other sandbox failure.
pub fn unexpected_outcome() -> PageFailure {
    tracing::error!("a sandbox answered a login page call with an outcome of the wrong kind");
    PageFailure::Unavailable
}
