//! A small relying-party client for iAM Smart, Hong Kong's digital identity: the login URL, signed
//! requests, content keys (CEK) and the token exchange, as a conforming RP does them. It is the
//! reference integration the sandbox's guides quote; against the real integration test environment it
//! needs only another base URL, client ID and secret, and key pair (plus a TLS feature for reqwest).
//!
//! ```no_run
//! use iamsmart_client::{CallbackParams, Client, ClientConfig, LoginRequest, Secret, random_state};
//!
//! # async fn example(private_key_pem: String) -> Result<(), iamsmart_client::Error> {
//! let client = Client::new(ClientConfig {
//!     api_base_url: "http://127.0.0.1:8080".into(),
//!     browser_base_url: "http://127.0.0.1:8080".into(),
//!     client_id: "0123456789abcdef0123456789abcdef".into(),
//!     client_secret: Secret::new("from-your-secret-store"),
//!     private_key_pem: Secret::new(private_key_pem),
//! })?;
//!
//! // 1. The user clicked "Login with iAM Smart": remember a fresh state, redirect the browser.
//! let state = random_state();
//! let url = client.login_url(&LoginRequest::new("https://rp.example/callback", state.clone()));
//!
//! // 2. The browser comes back to the redirect URI; check the state, then exchange the code.
//! let callback = CallbackParams::from_url("https://rp.example/callback?code=…&state=…");
//! if callback.state.as_deref() == Some(state.as_str()) {
//!     if let Some(code) = &callback.code {
//!         let token = client.get_token(code).await?;
//!         println!("logged in with {}", token.user_type.product_name());
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Profile requests and e-ME form filling: [`Client::initiate_form_filling`] and
//! [`Client::initiate_profile_request`] for a logged-in user (the answer arrives as a callback,
//! read with [`Client::open_callback`]), [`Client::profiles`] synchronously, and anonymous form
//! filling with [`Client::initiate_anonymous_form_filling`], [`Client::anonymous_form_filling_url`]
//! and [`Client::anonymous_form_filling_result`].
//!
//! The sandbox also offers headless automation for an RP's CI ([`Client::start_login`],
//! [`Client::approve_ticket`], [`Client::reject_ticket`]); production code never calls those.
//!
//! Architecture invariants: the library reads no environment or files (it takes a [`ClientConfig`]),
//! and never logs or puts into an error message a secret, key, token, authorisation code, openID,
//! state or body.

#![forbid(unsafe_code)]

mod automation;
mod client;
mod config;
mod error;
mod form_filling;
mod login;
pub mod pdf;
mod signing;
mod token;

#[cfg(feature = "testing")]
pub mod testing;

pub use automation::{APPROVE_TICKET_PATH, REJECT_TICKET_PATH, StartedLogin};
pub use client::{Client, GET_KEY_PATH, GET_TOKEN_PATH, REVOKE_KEY_PATH};
pub use config::{ClientConfig, Secret};
pub use error::{CEK_EXPIRED_CODE, Error, SUCCESS_CODE};
pub use form_filling::{
    ANONYMOUS_EME_REQUEST_PATH, ANONYMOUS_EME_RESULT_PATH, CallbackResult, DataResult,
    EME_REQUEST_PATH, FORM_FILLING_SCOPE, FormFillingRequest, InitiatedRequest,
    PROFILE_REQUEST_PATH, PROFILES_PATH, PROFILES_SCOPE, ProfileRequest, new_business_id,
};
pub use login::{
    AUTH_SCOPE, CallbackParams, GET_QR_PATH, Lang, LoginRequest, PC_BROWSER_SOURCE, random_state,
};
/// Percent-encoding as iAM Smart's signature base string and links use it.
pub use mock_iamsmart::crypto::url_encode;
/// A released field's value as one line of text for pre-filling a form (`A123456(3)`, `1990-01-02`,
/// `+852 91234567`, an address as its lines); coded values (`gender`, …) stay codes.
pub use mock_iamsmart::identity::plain_text::plain_text as field_text;
pub use signing::{PDF_SIGNING_PATH, SIGNING_SCOPE, SigningRequest, SigningResult};
pub use token::{Token, UserType};
