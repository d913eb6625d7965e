//! Test support shared by the unit tests: a fixture sandbox and an [`Rp`] that acts as a real relying
//! party through the public `client` helpers and `handle`.
//!
//! It exists only under `cfg(test)` and must stay deterministic: fixed seeds, fixed keys, counters
//! instead of randomness.

use serde_json::Value;

use crate::api::{ApiRequest, ApiResponse, GET_KEY_PATH, GET_TOKEN_PATH};
use crate::call::{Call, Outcome, handle};
use crate::cek::GetKeyContent;
use crate::client::{self, SignedHeaders};
use crate::config::{ProtocolMode, SandboxConfig};
use crate::crypto::tests::{RP_PUBLIC_KEY_PEM, rp_private_key};
use crate::envelope::ResponseEnvelope;
use crate::host::Host;
use crate::login::{GetQrParams, TicketState};
use crate::memory_host::MemoryHost;
use crate::token::TokenContent;

pub(crate) const CLIENT_ID: &str = "0123456789abcdef0123456789abcdef";
pub(crate) const CLIENT_SECRET: &str = "test-client-secret";
pub(crate) const PSEUDONYM_KEY: &str = "test-pseudonym-key";
pub(crate) const REDIRECT_URI: &str = "https://rp.example/callback";

/// The fixture sandbox: strict, one redirect URI, login, profile, form-filling and signing granted.
pub(crate) fn config() -> SandboxConfig {
    let mut config = SandboxConfig::new(
        CLIENT_ID,
        CLIENT_SECRET.into(),
        RP_PUBLIC_KEY_PEM,
        PSEUDONYM_KEY.into(),
    );
    config.redirect_uris = vec![REDIRECT_URI.into()];
    config.granted_scopes = [
        "eidapi_auth",
        "eidapi_profiles",
        "eidapi_formFilling",
        "eidapi_sign",
    ]
    .map(String::from)
    .to_vec();
    config
}

/// A relying party talking to one in-memory sandbox.
pub(crate) struct Rp {
    pub host: MemoryHost,
    pub config: SandboxConfig,
    nonce_counter: u64,
    iv_counter: u8,
    cek: Option<[u8; 32]>,
}

impl Rp {
    pub fn strict() -> Self {
        Self {
            host: MemoryHost::new(11),
            config: config(),
            nonce_counter: 0,
            iv_counter: 0,
            cek: None,
        }
    }

    pub fn lenient() -> Self {
        let mut rp = Self::strict();
        rp.config.protocol_mode = ProtocolMode::Lenient;
        rp
    }

    pub fn host_real_now(&self) -> i64 {
        self.host.real_now_ms()
    }

    /// A fresh 36-character nonce.
    pub fn next_nonce(&mut self) -> String {
        self.nonce_counter += 1;
        format!("nonce-{:030}", self.nonce_counter)
    }

    pub fn signed_request_with(
        &self,
        path: &str,
        body: &[u8],
        nonce: &str,
        timestamp: i64,
    ) -> ApiRequest {
        let headers = SignedHeaders::sign(
            &self.config.client_id,
            self.config.client_secret.expose(),
            &timestamp.to_string(),
            nonce,
            body,
        );
        ApiRequest {
            method: "POST".into(),
            path: path.into(),
            query: String::new(),
            headers: headers.into_headers(),
            body: body.to_vec(),
        }
    }

    /// A request signed now with a fresh nonce.
    pub fn signed_request(&mut self, path: &str, body: &[u8]) -> ApiRequest {
        let nonce = self.next_nonce();
        self.signed_request_with(path, body, &nonce, self.host.real_now_ms())
    }

    pub fn send(&mut self, request: &ApiRequest) -> ApiResponse {
        match handle(&mut self.host, &self.config, Call::Api(request.clone())) {
            Outcome::Api(response) => response,
            other => panic!("an API call answered {other:?}"),
        }
    }

    pub fn post(&mut self, path: &str, body: &[u8]) -> ResponseEnvelope {
        let request = self.signed_request(path, body);
        client::parse_envelope(&self.send(&request).body).expect("an envelope")
    }

    pub fn get_key_content(&mut self) -> GetKeyContent {
        let request = self.signed_request(GET_KEY_PATH, b"");
        let response = self.send(&request);
        client::read_get_key_response(&response.body).expect("getKey succeeds")
    }

    /// Calls getKey and unwraps the CEK as the RP would; later encrypted calls use it.
    pub fn get_key(&mut self) -> [u8; 32] {
        let content = self.get_key_content();
        let cek = client::unwrap_cek(rp_private_key(), &content.secret_key).expect("unwraps");
        self.cek = Some(cek);
        cek
    }

    /// Starts a login and approves it as `persona_id`; returns the authorisation code.
    pub fn login(&mut self, persona_id: &str, scope: &str) -> String {
        let params = GetQrParams {
            client_id: Some(CLIENT_ID.into()),
            response_type: Some("code".into()),
            source: Some("PC_Browser".into()),
            redirect_uri: Some(REDIRECT_URI.into()),
            scope: Some(scope.into()),
            state: Some("st".into()),
            ..GetQrParams::default()
        };
        let Outcome::LoginStarted(started) =
            handle(&mut self.host, &self.config, Call::BeginLogin(params))
        else {
            panic!("login did not start");
        };
        let approve = Call::ApproveTicket {
            ticket_id: started.ticket_id,
            persona_id: persona_id.into(),
        };
        let Outcome::Ticket(status) = handle(&mut self.host, &self.config, approve) else {
            panic!("approval failed");
        };
        assert_eq!(status.state, TicketState::Approved);
        status
            .redirect_url
            .as_deref()
            .and_then(|url| url.split_once("?code="))
            .and_then(|(_, rest)| rest.split_once("&state=st"))
            .map(|(code, _)| code.to_owned())
            .expect("redirect carries the code")
    }

    /// The CEK of the last getKey.
    pub fn get_key_for_tests(&self) -> [u8; 32] {
        self.current_cek()
    }

    fn current_cek(&self) -> [u8; 32] {
        self.cek.expect("call get_key first")
    }

    pub fn signed_encrypted_request(&mut self, path: &str, plaintext: &Value) -> ApiRequest {
        self.iv_counter = self.iv_counter.wrapping_add(1);
        let body = client::encrypted_body(
            &self.current_cek(),
            &[self.iv_counter; 12],
            plaintext.to_string().as_bytes(),
        )
        .expect("encrypts");
        self.signed_request(path, &body)
    }

    pub fn post_encrypted(&mut self, path: &str, plaintext: &Value) -> ResponseEnvelope {
        let request = self.signed_encrypted_request(path, plaintext);
        client::parse_envelope(&self.send(&request).body).expect("an envelope")
    }

    pub fn get_token(&mut self, code: &str) -> ResponseEnvelope {
        let plaintext = serde_json::json!({"code": code, "grantType": "authorization_code"});
        self.post_encrypted(GET_TOKEN_PATH, &plaintext)
    }

    pub fn get_token_raw_json(&mut self, code: &str) -> Value {
        let envelope = self.get_token(code);
        assert_eq!(envelope.code, "D00000", "{}", envelope.message);
        let content = envelope
            .content
            .as_ref()
            .and_then(Value::as_str)
            .expect("encrypted content");
        let plaintext = client::decrypt_content(&self.current_cek(), content).expect("decrypts");
        serde_json::from_slice(&plaintext).expect("json")
    }

    pub fn get_token_content(&mut self, code: &str) -> TokenContent {
        serde_json::from_value(self.get_token_raw_json(code)).expect("token content")
    }

    /// Logs `persona_id` in with `scope` and returns the token (getKey first if needed).
    pub fn token(&mut self, persona_id: &str, scope: &str) -> TokenContent {
        if self.cek.is_none() {
            self.get_key();
        }
        let code = self.login(persona_id, scope);
        self.get_token_content(&code)
    }

    /// The decrypted `content` of a successful envelope.
    pub fn decrypted(&self, envelope: &ResponseEnvelope) -> Value {
        assert_eq!(envelope.code, "D00000", "{}", envelope.message);
        let content = envelope
            .content
            .as_ref()
            .and_then(Value::as_str)
            .expect("encrypted content");
        let plaintext = client::decrypt_content(&self.current_cek(), content).expect("decrypts");
        serde_json::from_slice(&plaintext).expect("json")
    }

    /// An encrypted API call answered with its full response (callbacks included).
    pub fn send_encrypted(&mut self, path: &str, plaintext: &Value) -> ApiResponse {
        let request = self.signed_encrypted_request(path, plaintext);
        self.send(&request)
    }
}
