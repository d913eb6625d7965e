//! The HTTP client: signed POSTs with a real clock and OS randomness, the content key (CEK) cache, and
//! the token exchange, built on the pure helpers of `mock_iamsmart::client`.
//!
//! How a conforming RP behaves, and so how this client behaves:
//! - every POST carries the five signed headers over the exact body bytes sent, a fresh nonce of 32
//!   random hex characters, and a timestamp never earlier than the previous request's;
//! - a CEK is fetched with `getKey` when there is none or it is about to expire on the RP's own clock,
//!   and one task fetches at a time, so concurrent logins of one process do not replace each other's
//!   key;
//! - an encrypted call answered `D30002` (CEK missing or expired) fetches a new CEK and is retried once.
//!
//! This module must never log or put into an error the client secret, the CEK, the private key,
//! tokens, codes, openIDs or bodies; it logs the API path and the D-code only.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mock_iamsmart::client::{self as protocol, RsaPrivateKey, SignedHeaders};
use mock_iamsmart::crypto::{self, CEK_LENGTH, IV_LENGTH};
use rand::RngCore;
use rand::rngs::OsRng;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::{ClientConfig, trimmed_base};
use crate::error::{CEK_EXPIRED_CODE, Error};
use crate::login::{LoginRequest, get_qr_url};
use crate::token::Token;

pub const GET_KEY_PATH: &str = "/api/v1/security/getKey";
pub const REVOKE_KEY_PATH: &str = "/api/v1/security/revokeKey";
pub const GET_TOKEN_PATH: &str = "/api/v1/auth/getToken";

/// A CEK this close to its expiry is replaced before use, so a request never races the expiry.
const CEK_RENEWAL_MARGIN_MS: i64 = 60_000;
/// How long one HTTP exchange may take before it fails.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Random bytes in a nonce; as hex they make 32 characters (PROTOCOL §11.3: 32–36).
const NONCE_BYTES: usize = 16;

/// A relying party's connection to iAM Smart. Cheap to clone; clones share the CEK cache.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    private_key: RsaPrivateKey,
    /// DER SubjectPublicKeyInfo of the public half, to recognise a CEK wrapped for another key.
    public_key_der: Vec<u8>,
    http: reqwest::Client,
    /// An async lock, held across `getKey`, so one task at a time fetches a key.
    cek: tokio::sync::Mutex<Option<CachedCek>>,
    last_timestamp_ms: Mutex<i64>,
}

/// The current CEK and when it expires on the RP's clock.
#[derive(Clone, Copy)]
struct CachedCek {
    key: [u8; CEK_LENGTH],
    expires_at_ms: i64,
}

impl Client {
    /// Checks the configuration and parses the private key once.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        config.validate()?;
        let private_key = protocol::parse_rsa_private_key(config.private_key_pem.expose())
            .map_err(|_| Error::BadConfig("private_key_pem is not an RSA private key".into()))?;
        let public_key_der = crypto::public_key_spki_der(&private_key.to_public_key())
            .map_err(|_| Error::BadConfig("private_key_pem has no usable public key".into()))?;
        let http = reqwest::Client::builder()
            // API calls never redirect; a redirect from getQR would lead a headless caller into the
            // RP's own callback, so it is returned to the caller instead of followed.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                private_key,
                public_key_der,
                http,
                cek: tokio::sync::Mutex::new(None),
                last_timestamp_ms: Mutex::new(0),
            }),
        })
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The RP's private key, for unwrapping callbacks' `secretKey`.
    pub(crate) fn private_key(&self) -> &RsaPrivateKey {
        &self.inner.private_key
    }

    /// The `getQR` URL to send a browser to (a 302 or 303 from the RP's login route).
    pub fn login_url(&self, request: &LoginRequest) -> String {
        get_qr_url(
            &self.inner.config.browser_base_url,
            &self.inner.config.client_id,
            request,
        )
    }

    /// Fetches a new CEK with `getKey` and makes it the one later calls use. Calling this is
    /// optional: encrypted calls fetch a key when they need one.
    pub async fn get_key(&self) -> Result<(), Error> {
        let mut cached = self.inner.cek.lock().await;
        *cached = Some(self.fetch_cek().await?);
        Ok(())
    }

    /// Revokes the current CEK on the server (`revokeKey`) and forgets it here.
    pub async fn revoke_key(&self) -> Result<(), Error> {
        let mut cached = self.inner.cek.lock().await;
        let body = self.post_signed(REVOKE_KEY_PATH, b"{}".to_vec()).await?;
        let envelope = protocol::parse_envelope(&body)?;
        if envelope.code != crate::error::SUCCESS_CODE {
            return Err(Error::Protocol {
                code: envelope.code,
                message: envelope.message,
            });
        }
        *cached = None;
        Ok(())
    }

    /// Exchanges an authorisation code from the login redirect for a token (`getToken`).
    ///
    /// A used, unknown or expired code fails with `D40004`; the user then has to log in again.
    pub async fn get_token(&self, code: &str) -> Result<Token, Error> {
        let request = serde_json::json!({
            "code": code,
            "grantType": "authorization_code",
        });
        let content: mock_iamsmart::token::TokenContent =
            self.post_encrypted(GET_TOKEN_PATH, &request).await?;
        Ok(content.into())
    }

    /// POSTs `plaintext` encrypted with the current CEK and decrypts the answer as `T`; on `D30002`
    /// fetches a new CEK and tries once more.
    pub(crate) async fn post_encrypted<T: DeserializeOwned>(
        &self,
        path: &str,
        plaintext: &Value,
    ) -> Result<T, Error> {
        let cek = self.current_cek().await?;
        // ANCHOR: cek_refresh
        match self.post_encrypted_with(&cek, path, plaintext).await {
            Err(error) if error.is_protocol_code(CEK_EXPIRED_CODE) => {
                tracing::info!(
                    path,
                    "iAM Smart no longer holds the CEK; fetching a new one"
                );
                let cek = self.renewed_cek(&cek).await?;
                self.post_encrypted_with(&cek, path, plaintext).await
            }
            result => result,
        }
        // ANCHOR_END: cek_refresh
    }

    async fn post_encrypted_with<T: DeserializeOwned>(
        &self,
        cek: &[u8; CEK_LENGTH],
        path: &str,
        plaintext: &Value,
    ) -> Result<T, Error> {
        let body = protocol::encrypted_body(cek, &random_iv(), plaintext.to_string().as_bytes())?;
        let answer = self.post_signed(path, body).await?;
        Ok(protocol::read_encrypted_response(cek, &answer)?)
    }

    /// The cached CEK, or a fresh one when there is none or it is about to expire.
    async fn current_cek(&self) -> Result<[u8; CEK_LENGTH], Error> {
        let mut cached = self.inner.cek.lock().await;
        if let Some(cek) = *cached
            && now_ms().saturating_add(CEK_RENEWAL_MARGIN_MS) < cek.expires_at_ms
        {
            return Ok(cek.key);
        }
        let cek = self.fetch_cek().await?;
        *cached = Some(cek);
        Ok(cek.key)
    }

    /// A CEK other than `stale`: the one another task fetched meanwhile, or a fresh one.
    async fn renewed_cek(&self, stale: &[u8; CEK_LENGTH]) -> Result<[u8; CEK_LENGTH], Error> {
        let mut cached = self.inner.cek.lock().await;
        if let Some(cek) = *cached
            && cek.key != *stale
        {
            return Ok(cek.key);
        }
        let cek = self.fetch_cek().await?;
        *cached = Some(cek);
        Ok(cek.key)
    }

    /// Calls `getKey` (signed body `{}`, as the official sample sends it) and unwraps the CEK.
    async fn fetch_cek(&self) -> Result<CachedCek, Error> {
        let answer = self.post_signed(GET_KEY_PATH, b"{}".to_vec()).await?;
        let content = protocol::read_get_key_response(&answer)?;
        let wrapped_for = crypto::base64_decode(&content.pub_key)
            .map_err(|_| Error::UnexpectedResponse("getKey's pubKey is not Base64"))?;
        if wrapped_for != self.inner.public_key_der {
            return Err(Error::BadConfig(
                "iAM Smart holds a different encipherment public key than the one of \
                 private_key_pem; upload the matching public key"
                    .into(),
            ));
        }
        let key = protocol::unwrap_cek(&self.inner.private_key, &content.secret_key)?;
        Ok(CachedCek {
            key,
            expires_at_ms: content.issue_at.saturating_add(content.expires_in),
        })
    }

    /// `{api_base_url}{path}`.
    pub(crate) fn api_url(&self, path: &str) -> String {
        format!("{}{path}", trimmed_base(&self.inner.config.api_base_url))
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// POSTs `body` with the five signed headers and returns the answer's bytes. An HTTP error
    /// status without a protocol envelope becomes [`Error::HttpStatus`]; envelopes, D-code errors
    /// included, are returned for the caller to read.
    pub(crate) async fn post_signed(&self, path: &str, body: Vec<u8>) -> Result<Vec<u8>, Error> {
        // ANCHOR: post_signed
        let config = &self.inner.config;
        let headers = SignedHeaders::sign(
            &config.client_id,
            config.client_secret.expose(),
            &self.next_timestamp_ms().to_string(),
            &random_nonce(),
            &body,
        );
        let mut request = self.inner.http.post(self.api_url(path));
        for (name, value) in headers.into_headers() {
            request = request.header(name, value);
        }
        let response = request.body(body).send().await?;
        // ANCHOR_END: post_signed
        let status = response.status();
        let answer = response.bytes().await?.to_vec();
        match protocol::parse_envelope(&answer) {
            Ok(envelope) => {
                tracing::debug!(path, code = %envelope.code, "iAM Smart answered");
                Ok(answer)
            }
            Err(_) if !status.is_success() => {
                tracing::warn!(
                    path,
                    status = status.as_u16(),
                    "iAM Smart answered an HTTP error"
                );
                Err(Error::HttpStatus {
                    status: status.as_u16(),
                })
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Now, or the previous request's timestamp if the clock went back: iAM Smart refuses a
    /// timestamp earlier than the last one it accepted (`D20004`).
    fn next_timestamp_ms(&self) -> i64 {
        let mut last = self
            .inner
            .last_timestamp_ms
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *last = now_ms().max(*last);
        *last
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_base_url", &self.inner.config.api_base_url)
            .field("browser_base_url", &self.inner.config.browser_base_url)
            .field("client_id", &self.inner.config.client_id)
            .finish_non_exhaustive()
    }
}

/// Epoch milliseconds on the RP's clock. A clock before 1970 reads as 0, which iAM Smart then
/// refuses as a skewed timestamp rather than this client panicking.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

fn random_nonce() -> String {
    let mut bytes = [0u8; NONCE_BYTES];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn random_iv() -> [u8; IV_LENGTH] {
    let mut iv = [0u8; IV_LENGTH];
    OsRng.fill_bytes(&mut iv);
    iv
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use crate::config::tests::sample;

    const PRIVATE_KEY_PEM: &str =
        include_str!("../../mock-iamsmart/src/testdata/rp_private_key.pem");

    fn client() -> Client {
        let mut config = sample();
        config.private_key_pem = Secret::new(PRIVATE_KEY_PEM);
        Client::new(config).expect("the sample configuration is valid")
    }

    #[test]
    fn nonces_are_32_random_hex_characters() {
        let nonce = random_nonce();
        assert_eq!(nonce.len(), 32);
        assert!(nonce.bytes().all(|byte| byte.is_ascii_hexdigit()));
        assert_ne!(nonce, random_nonce());
    }

    #[test]
    fn timestamps_never_go_backwards() {
        let client = client();
        let far_future = now_ms() + 3_600_000;
        *client.inner.last_timestamp_ms.lock().expect("not poisoned") = far_future;
        assert_eq!(client.next_timestamp_ms(), far_future);
        assert!(client.next_timestamp_ms() >= far_future);
    }

    #[test]
    fn a_key_that_is_not_rsa_is_a_configuration_error() {
        let error = Client::new(sample()).expect_err("the sample key is a stub");
        assert!(matches!(error, Error::BadConfig(message) if message.contains("private_key_pem")));
    }

    #[test]
    fn login_urls_use_the_browser_base_and_api_urls_the_api_base() {
        let client = client();
        let url = client.login_url(&LoginRequest::new("https://rp.example/cb", "s"));
        assert!(url.starts_with("https://sandbox.example/api/v1/auth/getQR?clientID="));
        assert_eq!(
            client.api_url(GET_KEY_PATH),
            "http://127.0.0.1:8080/api/v1/security/getKey"
        );
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let debug = format!("{:?}", client());
        assert!(!debug.contains("test-client-secret"));
        assert!(!debug.contains("PRIVATE KEY"));
    }
}
