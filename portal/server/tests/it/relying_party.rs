//! A relying party for tests, written as a real one is: it signs requests with its client secret, unwraps the
//! CEK from getKey with its own RSA private key, encrypts getToken and decrypts answers — over real HTTP to a
//! running portal. Only `mock_iamsmart::client` (the RP side of the envelope) is shared with the server.

use std::sync::OnceLock;

use anyhow::Context;
use mock_iamsmart::{
    SandboxConfig, Secret,
    client::{self, RsaPrivateKey, SignedHeaders},
};
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use sandbox_runtime::SandboxId;

use crate::support::TestPortal;

/// One RSA-2048 key pair for every test: generating one takes long enough to matter.
pub fn rp_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)
            .unwrap_or_else(|error| panic!("generating the test RP key pair failed: {error}"))
    })
}

pub const REDIRECT_URI: &str = "https://rp.example/callback";

/// The test RP's private key as PKCS#8 PEM, for tests that drive the sandbox with `iamsmart-client`.
pub fn rp_private_key_pem() -> anyhow::Result<String> {
    use rsa::pkcs8::EncodePrivateKey;
    Ok(rp_key()
        .to_pkcs8_pem(LineEnding::LF)
        .context("encoding the RP private key")?
        .to_string())
}

/// A test relying party with a sandbox of its own.
pub struct RelyingParty {
    pub base_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub sandbox_id: SandboxId,
    http: reqwest::Client,
}

/// An answer: the envelope's code and message, and the raw body for decrypting.
pub struct Answer {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub body: Vec<u8>,
}

impl RelyingParty {
    /// Creates a sandbox for a new client and returns an RP that uses it.
    pub async fn register(portal: &TestPortal) -> anyhow::Result<RelyingParty> {
        Self::register_with(portal, |_| {}).await
    }

    /// Like `register`, with the sandbox configuration adjusted by `adjust` first.
    pub async fn register_with(
        portal: &TestPortal,
        adjust: impl FnOnce(&mut SandboxConfig),
    ) -> anyhow::Result<RelyingParty> {
        let client_id = random_hex(16);
        let client_secret = random_hex(24);
        let public_key = rp_key()
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .context("encoding the RP public key")?;
        let mut config = SandboxConfig::new(
            client_id.clone(),
            Secret::new(client_secret.clone()),
            public_key,
            Secret::new(random_hex(32)),
        );
        config.redirect_uris = vec![REDIRECT_URI.to_owned()];
        adjust(&mut config);
        let sandbox_id = portal.runtime.create_sandbox(&config).await?;
        Ok(RelyingParty {
            base_url: portal.base_url.clone(),
            client_id,
            client_secret,
            sandbox_id,
            http: reqwest::Client::new(),
        })
    }

    /// Fresh envelope parameters for a body: the current time and a new 32-character nonce.
    pub fn sign(&self, body: &[u8]) -> SignedHeaders {
        SignedHeaders::sign(
            &self.client_id,
            &self.client_secret,
            &now_ms().to_string(),
            &random_hex(16),
            body,
        )
    }

    /// POSTs `body` with exactly these headers.
    pub async fn post(
        &self,
        path: &str,
        headers: SignedHeaders,
        body: Vec<u8>,
    ) -> anyhow::Result<Answer> {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base_url))
            .body(body);
        for (name, value) in headers.into_headers() {
            request = request.header(name, value);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let body = response.bytes().await?.to_vec();
        let envelope = client::parse_envelope(&body)
            .with_context(|| format!("not an envelope: {}", String::from_utf8_lossy(&body)))?;
        Ok(Answer {
            status,
            code: envelope.code,
            message: envelope.message,
            body,
        })
    }

    /// getKey signed as the .NET sample does (`{}` as the body), returning the unwrapped CEK.
    pub async fn get_key(&self) -> anyhow::Result<[u8; 32]> {
        let body = b"{}".to_vec();
        let answer = self
            .post("/api/v1/security/getKey", self.sign(&body), body)
            .await?;
        anyhow::ensure!(
            answer.code == "D00000",
            "getKey failed: {} {}",
            answer.code,
            answer.message
        );
        let content = client::read_get_key_response(&answer.body)?;
        Ok(client::unwrap_cek(rp_key(), &content.secret_key)?)
    }

    /// POSTs `plaintext` encrypted with `cek`, signed; returns the code, message and the decrypted
    /// `content` of a success.
    pub async fn post_encrypted(
        &self,
        cek: &[u8; 32],
        path: &str,
        plaintext: &serde_json::Value,
    ) -> anyhow::Result<(String, String, Option<serde_json::Value>)> {
        let mut iv = [0u8; 12];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut iv);
        let body = client::encrypted_body(cek, &iv, plaintext.to_string().as_bytes())?;
        let answer = self.post(path, self.sign(&body), body).await?;
        let content = if answer.code == "D00000" {
            Some(client::read_encrypted_response(cek, &answer.body)?)
        } else {
            None
        };
        Ok((answer.code, answer.message, content))
    }

    /// POSTs a plain JSON body (the sandbox's automation API), signed; returns the envelope.
    pub async fn post_plain(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> anyhow::Result<mock_iamsmart::ResponseEnvelope> {
        let body = body.to_string().into_bytes();
        let answer = self.post(path, self.sign(&body), body).await?;
        Ok(client::parse_envelope(&answer.body)?)
    }

    /// The encrypted getToken body for `code`.
    pub fn get_token_body(&self, cek: &[u8; 32], code: &str) -> anyhow::Result<Vec<u8>> {
        let mut iv = [0u8; 12];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut iv);
        let plaintext =
            serde_json::json!({ "code": code, "grantType": "authorization_code" }).to_string();
        Ok(client::encrypted_body(cek, &iv, plaintext.as_bytes())?)
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut buffer);
    hex::encode(buffer)
}
