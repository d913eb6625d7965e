//! Relying-party helpers: what a real RP does to talk to iAM Smart (sign the envelope, unwrap the CEK,
//! encrypt request content, decrypt response content). Integration tests and the demo RP use them to
//! act as a client.
//!
//! They are built on the same primitives as the server, so the server's tests also check these
//! helpers against independently computed known answers; the server never calls into this module.
//! Like the rest of the crate they take time and randomness (timestamp, nonce, IV) as arguments and
//! must never reach for a clock or an RNG themselves.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::cek::GetKeyContent;
use crate::crypto::{self, CEK_LENGTH, CryptoError, IV_LENGTH, SIGNATURE_METHOD};
use crate::envelope::ResponseEnvelope;
use crate::token::TokenContent;

pub use crate::crypto::parse_rsa_private_key;
/// Re-exported so an RP can hold its key without depending on `rsa` itself.
pub use rsa::RsaPrivateKey;

/// What can go wrong on the RP side.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("the response is not a protocol envelope")]
    NotAnEnvelope,
    #[error("the server answered {code}: {message}")]
    Failed { code: String, message: String },
    #[error("the response content has an unexpected shape")]
    UnexpectedContent,
}

/// The five signed envelope parameters, ready to send as headers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Header))]
pub struct SignedHeaders {
    /// The RP's client ID.
    #[cfg_attr(
        feature = "openapi",
        param(rename = "clientID", example = "3f0c5f0e8d8b4a7c9c1e2d3b4a5f6e7d")
    )]
    pub client_id: String,
    /// `HmacSHA256`, the only method (anything else is `D20005`).
    #[cfg_attr(
        feature = "openapi",
        param(rename = "signatureMethod", example = "HmacSHA256")
    )]
    pub signature_method: String,
    /// Epoch milliseconds, within 5 minutes of real time and never earlier than the previous request's.
    #[cfg_attr(feature = "openapi", param(example = "1764579600000"))]
    pub timestamp: String,
    /// 1–36 printable ASCII characters, never reused by the same client (`D20004`).
    #[cfg_attr(
        feature = "openapi",
        param(example = "6f1d2c3b4a5968778695a4b3c2d1e0f1")
    )]
    pub nonce: String,
    /// URL-encoded Base64, as real clients send it:
    /// `URLEncode(Base64(HMAC-SHA256(clientSecret, clientID + signatureMethod + timestamp + nonce + body)))`.
    #[cfg_attr(
        feature = "openapi",
        param(example = "k1n6Qx0%2B2m7aQyTn0vZC8l9bW3Ud4rFh1sXo5pYcJeA%3D")
    )]
    pub signature: String,
}

impl SignedHeaders {
    /// Signs `body` (the exact bytes that will be sent) with `HmacSHA256`.
    pub fn sign(
        client_id: &str,
        client_secret: &str,
        timestamp: &str,
        nonce: &str,
        body: &[u8],
    ) -> Self {
        Self {
            client_id: client_id.to_owned(),
            signature_method: SIGNATURE_METHOD.to_owned(),
            timestamp: timestamp.to_owned(),
            nonce: nonce.to_owned(),
            signature: signature(
                client_id,
                client_secret,
                SIGNATURE_METHOD,
                timestamp,
                nonce,
                body,
            ),
        }
    }

    /// The headers in the order the official sample sends them, plus `Content-Type`.
    pub fn into_headers(self) -> Vec<(String, String)> {
        vec![
            ("clientID".to_owned(), self.client_id),
            ("signatureMethod".to_owned(), self.signature_method),
            ("timestamp".to_owned(), self.timestamp),
            ("nonce".to_owned(), self.nonce),
            ("signature".to_owned(), self.signature),
            ("Content-Type".to_owned(), "application/json".to_owned()),
        ]
    }
}

/// `URLEncode(Base64(HMAC-SHA256(clientSecret, clientID + signatureMethod + timestamp + nonce + body)))`.
pub fn signature(
    client_id: &str,
    client_secret: &str,
    signature_method: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> String {
    crypto::url_encode(&crypto::signature_base64(
        client_secret,
        client_id,
        signature_method,
        timestamp,
        nonce,
        body,
    ))
}

/// Encrypts request content; the caller supplies a fresh random IV.
pub fn encrypt_content(
    cek: &[u8; CEK_LENGTH],
    iv: &[u8; IV_LENGTH],
    plaintext: &[u8],
) -> Result<String, ClientError> {
    Ok(crypto::encrypt_content(cek, iv, plaintext)?)
}

/// The complete encrypted request body `{"content":"…"}`.
pub fn encrypted_body(
    cek: &[u8; CEK_LENGTH],
    iv: &[u8; IV_LENGTH],
    plaintext: &[u8],
) -> Result<Vec<u8>, ClientError> {
    let content = encrypt_content(cek, iv, plaintext)?;
    Ok(serde_json::json!({ "content": content })
        .to_string()
        .into_bytes())
}

/// Decrypts a response `content` string.
pub fn decrypt_content(cek: &[u8; CEK_LENGTH], content: &str) -> Result<Vec<u8>, ClientError> {
    Ok(crypto::decrypt_content(cek, content)?)
}

/// Unwraps the `secretKey` of a getKey response with the RP's private key.
pub fn unwrap_cek(
    rp_private_key: &RsaPrivateKey,
    secret_key_base64: &str,
) -> Result<[u8; CEK_LENGTH], ClientError> {
    let wrapped = crypto::base64_decode(secret_key_base64)?;
    Ok(crypto::unwrap_cek(rp_private_key, &wrapped)?)
}

/// Parses a response body as the protocol envelope.
pub fn parse_envelope(body: &[u8]) -> Result<ResponseEnvelope, ClientError> {
    serde_json::from_slice(body).map_err(|_| ClientError::NotAnEnvelope)
}

/// The envelope's content on success (`code` `D00000`), or the server's error.
fn successful_content(envelope: ResponseEnvelope) -> Result<Value, ClientError> {
    if envelope.code != "D00000" {
        return Err(ClientError::Failed {
            code: envelope.code,
            message: envelope.message,
        });
    }
    envelope.content.ok_or(ClientError::UnexpectedContent)
}

/// Reads a getKey response: its plain JSON content.
pub fn read_get_key_response(body: &[u8]) -> Result<GetKeyContent, ClientError> {
    let content = successful_content(parse_envelope(body)?)?;
    serde_json::from_value(content).map_err(|_| ClientError::UnexpectedContent)
}

/// Reads an encrypted response and decodes its JSON content as `T`.
pub fn read_encrypted_response<T: DeserializeOwned>(
    cek: &[u8; CEK_LENGTH],
    body: &[u8],
) -> Result<T, ClientError> {
    let Value::String(content) = successful_content(parse_envelope(body)?)? else {
        return Err(ClientError::UnexpectedContent);
    };
    let plaintext = decrypt_content(cek, &content)?;
    serde_json::from_slice(&plaintext).map_err(|_| ClientError::UnexpectedContent)
}

/// Reads a getToken response.
pub fn read_get_token_response(
    cek: &[u8; CEK_LENGTH],
    body: &[u8],
) -> Result<TokenContent, ClientError> {
    read_encrypted_response(cek, body)
}

/// A callback as the RP reads it: the envelope fields and the decrypted `content`.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedCallback {
    /// `<T={ticketID}>`.
    pub tx_id: String,
    pub code: String,
    pub message: String,
    /// The decrypted content: `businessID`, `state` and, on success, the released fields.
    pub content: Value,
}

/// Reads a callback body (`application/json` or `multipart/form-data`, as `content_type` says) and
/// decrypts its `content` with the CEK from its own `secretKey`, unwrapped with the RP's private key
/// — no current CEK needed. Accepts both the 32-byte CEK and its 44-character Base64 text.
pub fn open_callback(
    rp_private_key: &RsaPrivateKey,
    body: &[u8],
    content_type: &str,
) -> Result<OpenedCallback, ClientError> {
    let fields =
        crate::callback::read_fields(body, content_type).ok_or(ClientError::NotAnEnvelope)?;
    let text = |name: &str| -> Result<String, ClientError> {
        fields
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or(ClientError::UnexpectedContent)
    };
    let wrapped = crypto::base64_decode(&text("secretKey")?)?;
    let cek = crypto::unwrap_callback_cek(rp_private_key, &wrapped)?;
    let plaintext = decrypt_content(&cek, &text("content")?)?;
    Ok(OpenedCallback {
        tx_id: text("txID")?,
        code: text("code")?,
        message: text("message")?,
        content: serde_json::from_slice(&plaintext).map_err(|_| ClientError::UnexpectedContent)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::tests::rp_private_key;

    #[test]
    fn signed_headers_carry_the_url_encoded_openssl_known_answer() {
        let headers = SignedHeaders::sign(
            "0123456789abcdef0123456789abcdef",
            "test-client-secret",
            "1700000000000",
            "nonce-0123456789abcdef0123456789ab",
            br#"{"content":"abc"}"#,
        );
        assert_eq!(
            headers.signature,
            "FWWpK39N0HycZDR4vQ%2FZlGbSCBjfdzhurNLLh46AjGo%3D"
        );
        let names: Vec<String> = headers
            .into_headers()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
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
    }

    #[test]
    fn encrypted_bodies_decrypt_back_to_the_plaintext() {
        let cek = [5u8; 32];
        let body = encrypted_body(&cek, &[6u8; 12], b"{\"a\":1}").expect("encrypts");
        let json: Value = serde_json::from_slice(&body).expect("json");
        let content = json["content"].as_str().expect("content string");
        assert_eq!(decrypt_content(&cek, content), Ok(b"{\"a\":1}".to_vec()));
        assert!(matches!(
            decrypt_content(&[0u8; 32], content),
            Err(ClientError::Crypto(CryptoError::AuthenticationFailed))
        ));
    }

    #[test]
    fn unwrapping_rejects_bad_base64_and_foreign_ciphertext() {
        assert!(matches!(
            unwrap_cek(rp_private_key(), "!!"),
            Err(ClientError::Crypto(CryptoError::InvalidBase64))
        ));
        let garbage = crypto::base64_encode(&[7u8; 256]);
        assert!(unwrap_cek(rp_private_key(), &garbage).is_err());
    }

    #[test]
    fn error_envelopes_become_failed_errors_with_the_code() {
        let body = br#"{"txID":"t","code":"D30002","message":"CEK not exist or expired"}"#;
        assert_eq!(
            read_get_key_response(body),
            Err(ClientError::Failed {
                code: "D30002".into(),
                message: "CEK not exist or expired".into()
            })
        );
        assert_eq!(
            read_get_key_response(b"<html>"),
            Err(ClientError::NotAnEnvelope)
        );
        let plain_content =
            br#"{"txID":"t","code":"D00000","message":"SUCCESS","content":{"a":1}}"#;
        assert_eq!(
            read_get_token_response(&[0u8; 32], plain_content),
            Err(ClientError::UnexpectedContent)
        );
    }
}
