//! The try-it console's envelope code, compiled to wasm for the browser: it signs a request the way a relying party
//! does, encrypts its content with the content key (CEK), unwraps the CEK of a `getKey` answer with the RP's private
//! key, and decrypts answers — all through `mock_iamsmart::client` and `mock_iamsmart::crypto`, the code the
//! mock itself and the reference client use, so the console cannot drift from what the sandbox checks.
//!
//! The page's script (`js/try-it.js`) owns everything else: it reads the form, draws the nonce and IV from
//! `crypto.getRandomValues`, sends the request with `fetch` and shows the results. This crate never reaches for a
//! clock, an RNG or the network, never stores a secret beyond the call that received it, and never sends the
//! private key anywhere: it stays in the developer's browser.
//!
//! The two exports take and return JSON text, so the module needs no JavaScript bindings beyond strings and
//! errors (which keeps it small); the same functions, without the wasm wrapper, are what the native tests call.

use mock_iamsmart::{
    cek::GetKeyContent,
    client::{self, ClientError, SignedHeaders},
    crypto::{self, CEK_LENGTH, IV_LENGTH},
    envelope::ResponseEnvelope,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use wasm_bindgen::prelude::{JsError, wasm_bindgen};

/// What the page asks for: one request to sign (and, unless `encrypt` is false, to encrypt).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestInput {
    pub client_id: String,
    pub client_secret: String,
    /// Epoch milliseconds as text, from the browser's clock.
    pub timestamp: String,
    /// A fresh random nonce (the page draws 16 random bytes and writes them as hex).
    pub nonce: String,
    /// The request content as the developer typed it: a JSON object.
    pub content: String,
    /// Whether the API takes encrypted content: every API except `getKey`, `revokeKey` and the sandbox's own
    /// automation calls, which are signed but plain.
    pub encrypt: bool,
    /// The current CEK as Base64 of its 32 bytes, from an earlier `getKey` in this page.
    #[serde(default)]
    pub cek: Option<String>,
    /// A fresh 12-byte IV for the content encryption.
    #[serde(default)]
    pub iv: Vec<u8>,
}

/// The request as it goes on the wire: the signed headers in the official sample's order, and the exact body
/// that was signed.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct WireRequest {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What the page hands back after the answer arrived.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResponseInput {
    /// The raw response body.
    pub body: String,
    /// The CEK the request was encrypted with, if any.
    #[serde(default)]
    pub cek: Option<String>,
    /// The RP's private key (PEM), to unwrap the CEK a `getKey` answer carries; optional.
    #[serde(default)]
    pub private_key_pem: Option<String>,
}

/// How the answer's `content` was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContentState {
    /// The answer had no content (errors, `revokeKey`).
    None,
    /// Plain JSON content (`getKey`, the automation calls).
    Plain,
    /// Encrypted content, decrypted with the CEK.
    Decrypted,
    /// Encrypted content, but this page holds no CEK: call `getKey` with the private key first.
    NoKey,
    /// Encrypted content the CEK does not open.
    Undecryptable,
}

/// A CEK unwrapped from a `getKey` answer.
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnwrappedKey {
    /// Base64 of the 32 key bytes, kept by the page for later requests (never sent anywhere but back here).
    pub cek: String,
    /// The first 16 hex digits of the key's SHA-256, which the page shows instead of the key.
    pub fingerprint: String,
    /// When the key expires, epoch milliseconds (`issueAt + expiresIn`).
    pub expires_at_ms: i64,
}

/// The answer as a relying party reads it.
#[derive(Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenedResponse {
    #[serde(rename = "txID")]
    pub tx_id: String,
    pub code: String,
    pub message: String,
    pub content_state: ContentState,
    /// The plain content, or the decrypted one parsed as JSON (or as a JSON string when it is not JSON).
    pub content: Option<Value>,
    /// The CEK a successful `getKey` answer carried, when the private key was given and opened it.
    pub key: Option<UnwrappedKey>,
    /// Why the content or the key could not be read, in words the page shows as they are.
    pub note: Option<String>,
}

/// Every refusal, worded for a developer at the console.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TryItError {
    #[error("enter the sandbox's client ID")]
    NoClientId,
    #[error("enter the sandbox's client secret")]
    NoClientSecret,
    #[error("the content is not JSON: {0}")]
    ContentNotJson(String),
    #[error("the content must be a JSON object, like {{\"code\":\"…\"}}")]
    ContentNotObject,
    #[error(
        "this API takes encrypted content, and there is no content key yet: call security/getKey first, with \
         your private key filled in"
    )]
    NoContentKey,
    #[error("the content key is not Base64 of 32 bytes")]
    BadContentKey,
    #[error("the IV must be 12 bytes")]
    BadIv,
    #[error("the response is not a protocol envelope (txID, code, message, content)")]
    NotAnEnvelope,
    #[error("the input from the page is not what this module expects: {0}")]
    BadInput(String),
    #[error("{0}")]
    Crypto(String),
}

impl From<ClientError> for TryItError {
    fn from(error: ClientError) -> Self {
        TryItError::Crypto(error.to_string())
    }
}

/// Builds the wire request: the content compacted (as real clients send it), encrypted when the API wants it,
/// and the exact body signed.
pub fn prepare(input: &RequestInput) -> Result<WireRequest, TryItError> {
    if input.client_id.trim().is_empty() {
        return Err(TryItError::NoClientId);
    }
    if input.client_secret.is_empty() {
        return Err(TryItError::NoClientSecret);
    }
    let content: Value = serde_json::from_str(&input.content)
        .map_err(|error| TryItError::ContentNotJson(error.to_string()))?;
    if !content.is_object() {
        return Err(TryItError::ContentNotObject);
    }
    let plaintext = content.to_string().into_bytes();
    let body = if input.encrypt {
        let cek = decode_cek(input.cek.as_deref().ok_or(TryItError::NoContentKey)?)?;
        let iv: [u8; IV_LENGTH] = input
            .iv
            .as_slice()
            .try_into()
            .map_err(|_| TryItError::BadIv)?;
        client::encrypted_body(&cek, &iv, &plaintext)?
    } else {
        plaintext
    };
    let headers = SignedHeaders::sign(
        input.client_id.trim(),
        &input.client_secret,
        &input.timestamp,
        &input.nonce,
        &body,
    )
    .into_headers();
    // Both bodies are JSON text built above, so they are UTF-8.
    let body = String::from_utf8(body).map_err(|_| TryItError::NotAnEnvelope)?;
    Ok(WireRequest { headers, body })
}

/// Reads an answer: the envelope, its content (plain or decrypted), and the CEK of a `getKey` answer.
pub fn open(input: &ResponseInput) -> Result<OpenedResponse, TryItError> {
    let envelope: ResponseEnvelope =
        client::parse_envelope(input.body.as_bytes()).map_err(|_| TryItError::NotAnEnvelope)?;
    let mut opened = OpenedResponse {
        tx_id: envelope.tx_id,
        code: envelope.code,
        message: envelope.message,
        content_state: ContentState::None,
        content: None,
        key: None,
        note: None,
    };
    match envelope.content {
        None | Some(Value::Null) => {}
        Some(Value::String(text)) if text.is_empty() => {}
        Some(Value::String(text)) => match input.cek.as_deref() {
            None => {
                opened.content_state = ContentState::NoKey;
                opened.note = Some(
                    "the content is encrypted; call security/getKey with your private key filled in to read it"
                        .to_owned(),
                );
                opened.content = Some(Value::String(text));
            }
            Some(cek) => match client::decrypt_content(&decode_cek(cek)?, &text) {
                Ok(plaintext) => {
                    opened.content_state = ContentState::Decrypted;
                    opened.content =
                        Some(serde_json::from_slice(&plaintext).unwrap_or_else(|_| {
                            Value::String(String::from_utf8_lossy(&plaintext).into_owned())
                        }));
                }
                Err(error) => {
                    opened.content_state = ContentState::Undecryptable;
                    opened.note = Some(format!(
                        "the content does not open with the current content key ({error}); \
                         call security/getKey again"
                    ));
                    opened.content = Some(Value::String(text));
                }
            },
        },
        Some(plain) => {
            opened.content_state = ContentState::Plain;
            if opened.code == "D00000"
                && let Ok(get_key) = serde_json::from_value::<GetKeyContent>(plain.clone())
            {
                match input
                    .private_key_pem
                    .as_deref()
                    .filter(|pem| !pem.trim().is_empty())
                {
                    Some(pem) => match unwrap_key(pem, &get_key) {
                        Ok(key) => opened.key = Some(key),
                        Err(note) => opened.note = Some(note),
                    },
                    None => {
                        opened.note = Some(
                            "fill in your private key to unwrap secretKey; without it the encrypted APIs \
                             cannot be tried"
                                .to_owned(),
                        );
                    }
                }
            }
            opened.content = Some(plain);
        }
    }
    Ok(opened)
}

/// Unwraps `secretKey` with the RP's private key, checking first that the sandbox wrapped it for this key's
/// public half (the mistake behind most `D30004`s).
fn unwrap_key(private_key_pem: &str, content: &GetKeyContent) -> Result<UnwrappedKey, String> {
    let private_key = client::parse_rsa_private_key(private_key_pem.trim()).map_err(|_| {
        "the private key is not an RSA private key in PEM (-----BEGIN PRIVATE KEY----- or \
         -----BEGIN RSA PRIVATE KEY-----)"
            .to_owned()
    })?;
    let own_public = crypto::public_key_spki_der(&private_key.to_public_key())
        .map_err(|error| error.to_string())?;
    let wrapped_for = crypto::base64_decode(&content.pub_key).map_err(|error| error.to_string())?;
    if wrapped_for != own_public {
        return Err(
            "the sandbox wrapped the key for a different public key (pubKey) than this private key's: upload \
             the matching public key in the console, or paste the private key that belongs to the uploaded one"
                .to_owned(),
        );
    }
    let cek = client::unwrap_cek(&private_key, &content.secret_key)
        .map_err(|error| format!("secretKey could not be unwrapped: {error}"))?;
    Ok(UnwrappedKey {
        cek: crypto::base64_encode(&cek),
        fingerprint: fingerprint(&cek),
        expires_at_ms: content.issue_at.saturating_add(content.expires_in),
    })
}

fn decode_cek(text: &str) -> Result<[u8; CEK_LENGTH], TryItError> {
    crypto::base64_decode(text)
        .ok()
        .and_then(|bytes| <[u8; CEK_LENGTH]>::try_from(bytes.as_slice()).ok())
        .ok_or(TryItError::BadContentKey)
}

/// The first 16 hex digits of SHA-256 over the key: enough to tell two keys apart, useless to an onlooker.
fn fingerprint(cek: &[u8; CEK_LENGTH]) -> String {
    hex::encode(Sha256::digest(cek)).chars().take(16).collect()
}

/// `prepareRequest(inputJson) -> wireRequestJson`, for the page.
#[wasm_bindgen(js_name = prepareRequest)]
pub fn prepare_request(input: &str) -> Result<String, JsError> {
    let input: RequestInput = serde_json::from_str(input)
        .map_err(|error| JsError::from(TryItError::BadInput(error.to_string())))?;
    let wire = prepare(&input).map_err(JsError::from)?;
    serde_json::to_string(&wire).map_err(|error| JsError::new(&error.to_string()))
}

/// `openResponse(inputJson) -> openedResponseJson`, for the page.
#[wasm_bindgen(js_name = openResponse)]
pub fn open_response(input: &str) -> Result<String, JsError> {
    let input: ResponseInput = serde_json::from_str(input)
        .map_err(|error| JsError::from(TryItError::BadInput(error.to_string())))?;
    let opened = open(&input).map_err(JsError::from)?;
    serde_json::to_string(&opened).map_err(|error| JsError::new(&error.to_string()))
}

#[cfg(test)]
mod tests {
    //! The console's code against the real protocol core, in memory: what the browser would send is handed to
    //! `mock_iamsmart::call::handle` exactly as the portal would hand it over.

    use mock_iamsmart::{
        api::{ApiRequest, GET_KEY_PATH, GET_TOKEN_PATH},
        call::{Call, Outcome, handle},
        config::SandboxConfig,
        memory_host::{DEFAULT_START_MS, MemoryHost},
    };

    use super::*;

    const CLIENT_ID: &str = "0123456789abcdef0123456789abcdef";
    const CLIENT_SECRET: &str = "try-it-client-secret";
    const RP_PRIVATE_KEY_PEM: &str =
        include_str!("../../../mock-iamsmart/src/testdata/rp_private_key.pem");
    const RP_PUBLIC_KEY_PEM: &str =
        include_str!("../../../mock-iamsmart/src/testdata/rp_public_key.pem");
    /// Another RSA-2048 key, which the fixture private key does not belong to.
    const OTHER_PUBLIC_KEY_PEM: &str =
        include_str!("../../server/tests/fixtures/rp-rsa2048-cert.pub.pem");

    struct Sandbox {
        host: MemoryHost,
        config: SandboxConfig,
        requests: u64,
    }

    impl Sandbox {
        fn new(rp_public_key: &str) -> Self {
            Self {
                host: MemoryHost::new(7),
                config: SandboxConfig::new(
                    CLIENT_ID,
                    CLIENT_SECRET.into(),
                    rp_public_key,
                    "try-it-pseudonym-key".into(),
                ),
                requests: 0,
            }
        }

        fn input(&mut self, content: &str, encrypt: bool, cek: Option<&str>) -> RequestInput {
            self.requests += 1;
            RequestInput {
                client_id: CLIENT_ID.to_owned(),
                client_secret: CLIENT_SECRET.to_owned(),
                timestamp: (DEFAULT_START_MS + i64::try_from(self.requests).unwrap_or(0))
                    .to_string(),
                nonce: format!("try-it-nonce-{:04}", self.requests),
                content: content.to_owned(),
                encrypt,
                cek: cek.map(str::to_owned),
                iv: vec![u8::try_from(self.requests % 200).unwrap_or(0); IV_LENGTH],
            }
        }

        /// Sends a prepared request through the protocol core and returns the raw body.
        fn send(&mut self, path: &str, wire: &WireRequest) -> String {
            let request = ApiRequest {
                method: "POST".to_owned(),
                path: path.to_owned(),
                query: String::new(),
                headers: wire.headers.clone(),
                body: wire.body.clone().into_bytes(),
            };
            match handle(&mut self.host, &self.config, Call::Api(request)) {
                Outcome::Api(response) => {
                    String::from_utf8(response.body).expect("the mock answers UTF-8")
                }
                other => panic!("an API call answered {other:?}"),
            }
        }
    }

    fn opened(body: String, cek: Option<&str>, private_key_pem: Option<&str>) -> OpenedResponse {
        open(&ResponseInput {
            body,
            cek: cek.map(str::to_owned),
            private_key_pem: private_key_pem.map(str::to_owned),
        })
        .expect("an envelope")
    }

    #[test]
    fn get_key_from_the_console_succeeds_and_unwraps_the_content_key() {
        let mut sandbox = Sandbox::new(RP_PUBLIC_KEY_PEM);
        let input = sandbox.input("{}", false, None);
        let wire = prepare(&input).expect("prepares");
        let names: Vec<&str> = wire.headers.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "clientID",
                "signatureMethod",
                "timestamp",
                "nonce",
                "signature",
                "Content-Type"
            ]
        );
        assert_eq!(wire.body, "{}");

        let answer = opened(
            sandbox.send(GET_KEY_PATH, &wire),
            None,
            Some(RP_PRIVATE_KEY_PEM),
        );
        assert_eq!(answer.code, "D00000", "{answer:?}");
        assert_eq!(answer.content_state, ContentState::Plain);
        let key = answer.key.expect("the private key unwraps secretKey");
        assert_eq!(key.fingerprint.len(), 16);
        assert_eq!(decode_cek(&key.cek).map(|cek| cek.len()), Ok(CEK_LENGTH));
        assert!(key.expires_at_ms > DEFAULT_START_MS);
        assert_eq!(answer.note, None);
    }

    #[test]
    fn encrypted_requests_from_the_console_open_in_the_mock() {
        let mut sandbox = Sandbox::new(RP_PUBLIC_KEY_PEM);
        let input = sandbox.input("{}", false, None);
        let get_key = prepare(&input).expect("prepares");
        let key = opened(
            sandbox.send(GET_KEY_PATH, &get_key),
            None,
            Some(RP_PRIVATE_KEY_PEM),
        )
        .key
        .expect("a key");

        // A made-up code: the mock must decrypt the content to tell that the code is unknown, so D40004 (and
        // not D30004, a decryption failure) proves the console's encryption is what the sandbox expects.
        let content = r#"{ "code": "not-a-real-code", "grantType": "authorization_code" }"#;
        let input = sandbox.input(content, true, Some(&key.cek));
        let wire = prepare(&input).expect("prepares");
        let body: Value = serde_json::from_str(&wire.body).expect("JSON body");
        assert!(
            body["content"].is_string(),
            "the body is {{\"content\":…}}: {body}"
        );
        let answer = opened(sandbox.send(GET_TOKEN_PATH, &wire), Some(&key.cek), None);
        assert_eq!(answer.code, "D40004", "{answer:?}");
    }

    #[test]
    fn a_wrong_secret_is_refused_by_the_mock_with_d20006() {
        let mut sandbox = Sandbox::new(RP_PUBLIC_KEY_PEM);
        let mut input = sandbox.input("{}", false, None);
        input.client_secret = "not-the-secret".to_owned();
        let wire = prepare(&input).expect("prepares");
        let answer = opened(sandbox.send(GET_KEY_PATH, &wire), None, None);
        assert_eq!(answer.code, "D20006");
        assert_eq!(answer.content_state, ContentState::None);
    }

    #[test]
    fn a_private_key_that_does_not_match_the_uploaded_public_key_is_explained() {
        let mut sandbox = Sandbox::new(OTHER_PUBLIC_KEY_PEM);
        let input = sandbox.input("{}", false, None);
        let wire = prepare(&input).expect("prepares");
        let answer = opened(
            sandbox.send(GET_KEY_PATH, &wire),
            None,
            Some(RP_PRIVATE_KEY_PEM),
        );
        assert_eq!(answer.code, "D00000", "{answer:?}");
        assert_eq!(answer.key, None);
        assert!(
            answer
                .note
                .as_deref()
                .is_some_and(|note| note.contains("different public key")),
            "{answer:?}"
        );
    }

    #[test]
    fn get_key_without_a_private_key_says_what_is_missing() {
        let mut sandbox = Sandbox::new(RP_PUBLIC_KEY_PEM);
        let input = sandbox.input("{}", false, None);
        let wire = prepare(&input).expect("prepares");
        let answer = opened(sandbox.send(GET_KEY_PATH, &wire), None, None);
        assert_eq!(answer.code, "D00000");
        assert_eq!(answer.key, None);
        assert!(
            answer
                .note
                .as_deref()
                .is_some_and(|note| note.contains("private key"))
        );
        let input = sandbox.input("{}", false, None);
        let wire = prepare(&input).expect("prepares");
        let garbled = opened(
            sandbox.send(GET_KEY_PATH, &wire),
            None,
            Some("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----"),
        );
        assert!(
            garbled
                .note
                .as_deref()
                .is_some_and(|note| note.contains("not an RSA private key"))
        );
    }

    #[test]
    fn encrypted_content_without_a_key_or_with_the_wrong_key_is_shown_as_such() {
        let cek = [9_u8; CEK_LENGTH];
        let content = client::encrypt_content(&cek, &[1; IV_LENGTH], br#"{"accessToken":"x"}"#)
            .expect("encrypts");
        let body = serde_json::json!({"txID": "t", "code": "D00000", "message": "SUCCESS", "content": content}).to_string();
        let right = crypto::base64_encode(&cek);
        let wrong = crypto::base64_encode(&[8_u8; CEK_LENGTH]);

        let decrypted = opened(body.clone(), Some(&right), None);
        assert_eq!(decrypted.content_state, ContentState::Decrypted);
        assert_eq!(
            decrypted.content,
            Some(serde_json::json!({"accessToken": "x"}))
        );
        assert_eq!(
            opened(body.clone(), None, None).content_state,
            ContentState::NoKey
        );
        let undecryptable = opened(body, Some(&wrong), None);
        assert_eq!(undecryptable.content_state, ContentState::Undecryptable);
        assert!(undecryptable.note.is_some());
    }

    #[test]
    fn bad_input_is_refused_in_words() {
        let mut sandbox = Sandbox::new(RP_PUBLIC_KEY_PEM);
        let check =
            |input: &RequestInput, expected: TryItError| assert_eq!(prepare(input), Err(expected));
        let mut input = sandbox.input("{}", false, None);
        input.client_id = " ".to_owned();
        check(&input, TryItError::NoClientId);
        let mut input = sandbox.input("{}", false, None);
        input.client_secret = String::new();
        check(&input, TryItError::NoClientSecret);
        check(
            &sandbox.input("[1]", false, None),
            TryItError::ContentNotObject,
        );
        assert!(matches!(
            prepare(&sandbox.input("{", false, None)),
            Err(TryItError::ContentNotJson(_))
        ));
        check(&sandbox.input("{}", true, None), TryItError::NoContentKey);
        check(
            &sandbox.input("{}", true, Some("c2hvcnQ=")),
            TryItError::BadContentKey,
        );
        let mut input = sandbox.input("{}", true, Some(&crypto::base64_encode(&[1; CEK_LENGTH])));
        input.iv = vec![0; 16];
        check(&input, TryItError::BadIv);
        assert_eq!(
            open(&ResponseInput {
                body: "<html>".to_owned(),
                cek: None,
                private_key_pem: None
            }),
            Err(TryItError::NotAnEnvelope)
        );
    }
}
