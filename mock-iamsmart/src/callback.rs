//! Server-to-RP POST callbacks (PROTOCOL §1.3, §3, §11.10): the answer to a profile or form-filling
//! request, built here and delivered by the host, because the core does no I/O.
//!
//! A callback is the response envelope `{"txID","code","message","content"}` plus a top-level
//! `secretKey`: `content` is encrypted with the RP's current CEK (a fresh one-off key when the RP
//! has none), and `secretKey` is that CEK wrapped for the RP with RSA PKCS#1 v1.5, so an RP can decrypt
//! with its current CEK or with `secretKey` alone. `txID` is `<T={ticketID}>`. With the sandbox's
//! `callback_cek_as_base64_text` setting (off by default) the wrapped secret is the 44-character
//! Base64 text of the CEK rather than its 32 bytes, a quirk seen in a CorpID sandbox.
//! The body is JSON, or `multipart/form-data` with one text part per envelope field, as the request's
//! `callbackContentType` asked.
//!
//! A callback's body holds personal data (encrypted) and key material: this module never logs, and
//! [`Callback`]'s `Debug` shows only the URL and the body's size.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::cek;
use crate::codes::{DCode, ProtocolError};
use crate::config::SandboxConfig;
use crate::crypto::{self, CEK_LENGTH, IV_LENGTH};
use crate::host::{self, Host};
use crate::request::CallbackContentType;

/// One POST the host must deliver to the relying party once the call's writes are committed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    /// The RP's registered callback URL (`http` or `https`).
    pub url: String,
    /// Request headers, `Content-Type` included.
    pub headers: Vec<(String, String)>,
    /// The exact body to send.
    #[serde(with = "crate::api::base64_body")]
    pub body: Vec<u8>,
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callback")
            .field("url", &self.url)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl Callback {
    /// The first header with this name, ignoring ASCII case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// What a callback says: the result code and the plaintext `content`.
pub(crate) struct CallbackMessage<'a> {
    pub ticket_id: &'a str,
    pub url: String,
    pub content_type: CallbackContentType,
    pub code: DCode,
    pub content: Value,
}

/// The CEK to encrypt with: the RP's current one, or a fresh one-off key when it has none (the
/// callback's `secretKey` carries it either way).
fn callback_cek(host: &mut dyn Host) -> Result<[u8; CEK_LENGTH], ProtocolError> {
    match cek::current_cek(host) {
        Ok(cek) => Ok(cek),
        Err(error) if error.code == DCode::CekNotFound => {
            Ok(host::random_array::<CEK_LENGTH>(host))
        }
        Err(error) => Err(error),
    }
}

/// Builds the callback: encrypts `content`, wraps the CEK for the RP and frames the body.
pub(crate) fn build(
    host: &mut dyn Host,
    config: &SandboxConfig,
    message: CallbackMessage<'_>,
) -> Result<Callback, ProtocolError> {
    let kek_error = |error: crypto::CryptoError| ProtocolError::new(error.d_code());
    let rp_public_key = crypto::parse_rsa_public_key(&config.rp_public_key).map_err(kek_error)?;
    let cek = callback_cek(host)?;
    let plaintext = serde_json::to_vec(&message.content)
        .map_err(|_| ProtocolError::new(DCode::EncryptionFailed))?;
    let iv = host::random_array::<IV_LENGTH>(host);
    let content = crypto::encrypt_content(&cek, &iv, &plaintext).map_err(kek_error)?;
    let material = if config.callback_cek_as_base64_text {
        crypto::base64_encode(&cek).into_bytes()
    } else {
        cek.to_vec()
    };
    let mut rng = host::seeded_rng(host);
    let wrapped =
        crypto::wrap_key_material(&rp_public_key, &mut rng, &material).map_err(kek_error)?;
    let fields = [
        ("txID", format!("<T={}>", message.ticket_id)),
        ("code", message.code.code().to_owned()),
        ("message", message.code.message().to_owned()),
        ("content", content),
        ("secretKey", crypto::base64_encode(&wrapped)),
    ];
    let (content_type, body) = match message.content_type {
        CallbackContentType::Json => {
            let object: serde_json::Map<String, Value> = fields
                .iter()
                .map(|(name, value)| ((*name).to_owned(), json!(value)))
                .collect();
            (
                "application/json".to_owned(),
                serde_json::to_vec(&Value::Object(object))
                    .map_err(|_| ProtocolError::new(DCode::EncryptionFailed))?,
            )
        }
        CallbackContentType::Multipart => {
            let boundary = format!("iamsmart-{}", host::random_hex32(host));
            let mut body = String::new();
            for (name, value) in &fields {
                body.push_str(&format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                ));
            }
            body.push_str(&format!("--{boundary}--\r\n"));
            (
                format!("multipart/form-data; boundary={boundary}"),
                body.into_bytes(),
            )
        }
    };
    Ok(Callback {
        url: message.url,
        headers: vec![("Content-Type".to_owned(), content_type)],
        body,
    })
}

/// The envelope fields of a callback body, JSON or multipart, as an RP reads them.
pub fn read_fields(
    callback_body: &[u8],
    content_type: &str,
) -> Option<serde_json::Map<String, Value>> {
    if content_type.starts_with("multipart/form-data") {
        let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
        let text = std::str::from_utf8(callback_body).ok()?;
        let mut fields = serde_json::Map::new();
        for part in text.split(&format!("--{boundary}")) {
            let Some((head, value)) = part.split_once("\r\n\r\n") else {
                continue;
            };
            let Some(name) = head
                .split("name=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
            else {
                continue;
            };
            let value = value.strip_suffix("\r\n").unwrap_or(value);
            fields.insert(name.to_owned(), Value::String(value.to_owned()));
        }
        return Some(fields);
    }
    match serde_json::from_slice(callback_body).ok()? {
        Value::Object(fields) => Some(fields),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::tests::rp_private_key;
    use crate::memory_host::MemoryHost;

    fn message(content_type: CallbackContentType) -> CallbackMessage<'static> {
        CallbackMessage {
            ticket_id: "t-1",
            url: "https://rp.example/iamsmart/callback".into(),
            content_type,
            code: DCode::Success,
            content: json!({"businessID": "b-1"}),
        }
    }

    fn open(callback: &Callback) -> (serde_json::Map<String, Value>, Value) {
        let fields = read_fields(
            &callback.body,
            callback.header("Content-Type").expect("content type"),
        )
        .expect("fields");
        let wrapped = crypto::base64_decode(fields["secretKey"].as_str().expect("secretKey"))
            .expect("base64");
        let cek = crypto::unwrap_callback_cek(rp_private_key(), &wrapped).expect("unwraps");
        let plaintext = crypto::decrypt_content(&cek, fields["content"].as_str().expect("content"))
            .expect("decrypts");
        (fields, serde_json::from_slice(&plaintext).expect("json"))
    }

    #[test]
    fn a_json_callback_decrypts_from_its_secret_key_alone() {
        let mut host = MemoryHost::new(5);
        let config = crate::testkit::config();
        let callback =
            build(&mut host, &config, message(CallbackContentType::Json)).expect("builds");
        assert_eq!(callback.header("content-type"), Some("application/json"));
        let (fields, content) = open(&callback);
        assert_eq!(fields["txID"], "<T=t-1>");
        assert_eq!(fields["code"], "D00000");
        assert_eq!(fields["message"], "SUCCESS");
        assert_eq!(content, json!({"businessID": "b-1"}));
        let wrapped = crypto::base64_decode(fields["secretKey"].as_str().unwrap_or_default())
            .expect("base64");
        assert_eq!(wrapped.len(), 256);
    }

    #[test]
    fn a_callback_uses_the_current_cek_so_rps_that_ignore_secret_key_can_decrypt() {
        let mut rp = crate::testkit::Rp::strict();
        let cek = rp.get_key();
        let config = rp.config.clone();
        let callback =
            build(&mut rp.host, &config, message(CallbackContentType::Json)).expect("builds");
        let fields = read_fields(&callback.body, "application/json").expect("fields");
        let plaintext = crypto::decrypt_content(&cek, fields["content"].as_str().expect("content"))
            .expect("decrypts with the current CEK");
        assert_eq!(plaintext, br#"{"businessID":"b-1"}"#);
    }

    #[test]
    fn a_multipart_callback_carries_the_same_fields_as_text_parts() {
        let mut host = MemoryHost::new(5);
        let config = crate::testkit::config();
        let callback =
            build(&mut host, &config, message(CallbackContentType::Multipart)).expect("builds");
        let content_type = callback.header("Content-Type").expect("content type");
        assert!(content_type.starts_with("multipart/form-data; boundary=iamsmart-"));
        let (fields, content) = open(&callback);
        let mut names: Vec<&str> = fields.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["code", "content", "message", "secretKey", "txID"]);
        assert_eq!(content["businessID"], "b-1");
    }

    #[test]
    fn the_base64_text_quirk_wraps_44_characters_and_still_decrypts() {
        let mut host = MemoryHost::new(5);
        let mut config = crate::testkit::config();
        config.callback_cek_as_base64_text = true;
        let callback =
            build(&mut host, &config, message(CallbackContentType::Json)).expect("builds");
        let fields = read_fields(&callback.body, "application/json").expect("fields");
        let wrapped = crypto::base64_decode(fields["secretKey"].as_str().unwrap_or_default())
            .expect("base64");
        let material = rp_private_key()
            .decrypt(rsa::Pkcs1v15Encrypt, &wrapped)
            .expect("unwraps");
        assert_eq!(material.len(), 44);
        let (_, content) = open(&callback);
        assert_eq!(content["businessID"], "b-1");
    }

    #[test]
    fn debug_output_never_shows_the_body() {
        let callback = Callback {
            url: "https://rp.example/cb".into(),
            headers: Vec::new(),
            body: b"secret-body".to_vec(),
        };
        let shown = format!("{callback:?}");
        assert!(!shown.contains("secret-body"));
        assert!(shown.contains("body_bytes: 11"));
    }
}
