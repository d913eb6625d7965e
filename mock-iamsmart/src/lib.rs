//! The iAM Smart relying-party protocol as pure logic: the signed envelope, content encryption, the
//! login state machine, tokens, personas with their synthetic identities, and D-codes of a faithful
//! mock of Hong Kong's iAM Smart (see `PROTOCOL.md` in the shared documents).
//!
//! Architecture invariants:
//! - No I/O, no ambient clock, no ambient randomness: time, randomness and storage arrive only through
//!   [`Host`], so a run is reproducible from the host's answers and the crate builds for
//!   `wasm32-unknown-unknown`.
//! - Ordered maps only, so output never depends on hash order.
//! - No panics on input: every bad input becomes a D-code.
//! - Secrets, tokens, codes, identity data and bodies are never logged.
//!
//! The one entry point is [`handle`]: a [`Call`] in, an [`Outcome`] out.

pub mod api;
pub mod automation;
pub mod bulk_signing;
pub mod call;
pub mod callback;
pub mod cek;
pub mod client;
pub mod codes;
pub mod config;
pub mod consent;
pub mod crypto;
pub mod envelope;
pub mod form_filling;
pub mod host;
pub mod identification_code;
pub mod identity;
pub mod inspect;
pub mod login;
pub mod memory_host;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod persona;
pub mod persona_certificate;
pub mod request;
pub mod scope;
pub mod signer;
pub mod signing;
pub mod signing_api;
pub mod step_up;
mod store;
pub mod token;

#[cfg(test)]
mod testkit;

pub use api::{ApiRequest, ApiResponse};
pub use call::{Call, Outcome, handle, handle_json};
pub use callback::Callback;
pub use codes::{DCode, ProtocolError};
pub use config::{ProtocolMode, SandboxConfig, Secret};
pub use consent::{FieldGroup, RequestedField, TicketDetails};
pub use envelope::ResponseEnvelope;
pub use host::{Host, LogLevel};
pub use identity::{FieldError, PersonaProfile, validate_profile};
pub use login::{GetQrParams, Lang, LoginStarted, TicketState, TicketStatus};
pub use memory_host::MemoryHost;
pub use persona::{CertificateLifecycle, Persona, PersonaStatus, StandingAnswer, UserType};
pub use request::{CallbackContentType, FormInfo, TicketKind};
