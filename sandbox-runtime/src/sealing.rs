//! Sandbox configurations sealed at rest: each row's configuration JSON (which holds the client secret and the
//! pseudonym key) is stored encrypted with AES-256-GCM under the deployment's configuration key, next to the
//! key's ID, so a database dump or backup alone gives away no sandbox's credentials.
//!
//! The sealed unit is the whole configuration JSON, not its secret fields (a decision, written down in
//! ARCHITECTURE.md): one AEAD operation per row, no knowledge here of which fields are secret, and a secret
//! field added to `SandboxConfig` later is sealed without anyone remembering to. Nothing reads the settings
//! of a sandbox with SQL, so nothing is lost by making the column opaque.
//!
//! The row's `sandbox_id` is the additional authenticated data, so a sealed configuration copied into another
//! row does not open. The key ID is a one-way digest of the key: it tells a wrong key apart from a damaged
//! row, and gives away nothing about the key.
//!
//! This module must never log, print or return a key or an opened configuration in an error; the key type
//! does not implement `Serialize` and its `Debug` shows the ID only.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::SandboxError;

/// Length of the configuration key (AES-256).
pub const CONFIG_KEY_BYTES: usize = 32;
/// Length of an AES-GCM nonce; a fresh random one per sealing.
const NONCE_BYTES: usize = 12;
/// Marks a sealed value's format, so a later format can be told apart from this one.
const SEALED_PREFIX: &str = "aes256gcm.v1.";
/// Domain separation for the key ID digest.
const KEY_ID_CONTEXT: &[u8] = b"iamsmart-sandbox config key id v1\0";

/// The deployment's key for sandbox configurations at rest: 32 random bytes and the ID stored beside every
/// value sealed with it.
#[derive(Clone)]
pub struct ConfigKey {
    key: [u8; CONFIG_KEY_BYTES],
    id: String,
}

/// Why a configuration key could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigKeyError {
    /// Neither 64 hex digits nor Base64 of 32 bytes (the message never repeats the text).
    #[error(
        "the configuration key must be 32 bytes written as 64 hex digits or as Base64 (`openssl rand -base64 32` makes one)"
    )]
    Malformed,
}

impl ConfigKey {
    /// The key made of these bytes.
    pub fn from_bytes(key: [u8; CONFIG_KEY_BYTES]) -> ConfigKey {
        let mut digest = Sha256::new();
        digest.update(KEY_ID_CONTEXT);
        digest.update(key);
        let id = hex::encode(&digest.finalize()[..8]);
        ConfigKey { key, id }
    }

    /// A fresh random key.
    pub fn generate() -> ConfigKey {
        let mut key = [0u8; CONFIG_KEY_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut key);
        ConfigKey::from_bytes(key)
    }

    /// Reads a key written as 64 hex digits or as Base64 (standard, padded or not) of 32 bytes; surrounding
    /// white space is ignored, so a key file may end with a newline.
    pub fn parse(text: &str) -> Result<ConfigKey, ConfigKeyError> {
        let text = text.trim();
        let bytes =
            if text.len() == 2 * CONFIG_KEY_BYTES && text.bytes().all(|b| b.is_ascii_hexdigit()) {
                hex::decode(text).map_err(|_| ConfigKeyError::Malformed)?
            } else {
                STANDARD
                    .decode(text)
                    .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text))
                    .map_err(|_| ConfigKeyError::Malformed)?
            };
        let key: [u8; CONFIG_KEY_BYTES] =
            bytes.try_into().map_err(|_| ConfigKeyError::Malformed)?;
        Ok(ConfigKey::from_bytes(key))
    }

    /// The key as 64 hex digits, for writing the deployment's key file. The name makes call sites easy to find.
    pub fn expose_hex(&self) -> String {
        hex::encode(self.key)
    }

    /// The ID stored beside every value sealed with this key: 16 hex digits of a digest of the key.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Seals `config_json` for the row of `sandbox_id`.
    pub(crate) fn seal(&self, sandbox_id: &str, config_json: &str) -> Result<String, SandboxError> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher()
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: config_json.as_bytes(),
                    aad: sandbox_id.as_bytes(),
                },
            )
            .map_err(|_| SandboxError::SealedConfig {
                reason: "the configuration could not be sealed".to_owned(),
            })?;
        let mut sealed = Vec::with_capacity(NONCE_BYTES + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(format!("{SEALED_PREFIX}{}", STANDARD.encode(sealed)))
    }

    /// Opens the stored configuration of `sandbox_id`, sealed under the key with `key_id`. A row sealed under
    /// another key is [`SandboxError::ConfigKeyMismatch`]; a row that does not open under this key (altered,
    /// or moved from another row) is [`SandboxError::SealedConfig`]. Never garbage, never a panic.
    pub(crate) fn open(
        &self,
        sandbox_id: &str,
        key_id: &str,
        stored: &str,
    ) -> Result<String, SandboxError> {
        if key_id != self.id {
            return Err(SandboxError::ConfigKeyMismatch);
        }
        let damaged = |reason: &str| SandboxError::SealedConfig {
            reason: format!("the stored configuration of sandbox {sandbox_id} {reason}"),
        };
        let encoded = stored
            .strip_prefix(SEALED_PREFIX)
            .ok_or_else(|| damaged("is not in the sealed format"))?;
        let sealed = STANDARD
            .decode(encoded)
            .map_err(|_| damaged("is not valid Base64"))?;
        if sealed.len() < NONCE_BYTES {
            return Err(damaged("is too short"));
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        let opened = self
            .cipher()
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: sandbox_id.as_bytes(),
                },
            )
            .map_err(|_| {
                damaged("does not open with the configuration key (it was altered or moved)")
            })?;
        String::from_utf8(opened).map_err(|_| damaged("is not UTF-8 once opened"))
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&self.key.into())
    }
}

impl fmt::Debug for ConfigKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> ConfigKey {
        ConfigKey::from_bytes([byte; CONFIG_KEY_BYTES])
    }

    #[test]
    fn a_sealed_configuration_opens_with_its_key_and_hides_its_text() {
        let key = key(7);
        let sealed = key
            .seal("sbx_1", r#"{"client_secret":"s3cr3t"}"#)
            .expect("sealing works");
        assert!(!sealed.contains("s3cr3t"), "{sealed}");
        assert!(sealed.starts_with(SEALED_PREFIX));
        let opened = key.open("sbx_1", key.id(), &sealed).expect("it opens");
        assert_eq!(opened, r#"{"client_secret":"s3cr3t"}"#);
    }

    #[test]
    fn sealing_twice_gives_different_values() {
        let key = key(7);
        let first = key.seal("sbx_1", "{}").expect("sealing works");
        let second = key.seal("sbx_1", "{}").expect("sealing works");
        assert_ne!(first, second, "every sealing draws a fresh nonce");
    }

    #[test]
    fn a_value_sealed_under_another_key_is_a_key_mismatch() {
        let sealed = key(1).seal("sbx_1", "{}").expect("sealing works");
        let error = key(2)
            .open("sbx_1", key(1).id(), &sealed)
            .expect_err("another key must not open it");
        assert!(matches!(error, SandboxError::ConfigKeyMismatch), "{error}");
        assert_eq!(
            error.to_string(),
            "the configuration key does not match the one that sealed these sandboxes"
        );
    }

    #[test]
    fn a_value_moved_to_another_row_or_altered_does_not_open() {
        let key = key(3);
        let sealed = key.seal("sbx_1", "{}").expect("sealing works");
        let moved = key.open("sbx_2", key.id(), &sealed);
        assert!(matches!(moved, Err(SandboxError::SealedConfig { .. })));

        let mut altered = sealed.into_bytes();
        let last = altered.len() - 3;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).expect("still ASCII");
        let opened = key.open("sbx_1", key.id(), &altered);
        assert!(matches!(opened, Err(SandboxError::SealedConfig { .. })));

        for garbage in [
            "",
            "{}",
            "aes256gcm.v1.",
            "aes256gcm.v1.!!!",
            "aes256gcm.v1.AAAA",
        ] {
            let opened = key.open("sbx_1", key.id(), garbage);
            assert!(
                matches!(opened, Err(SandboxError::SealedConfig { .. })),
                "{garbage:?} gave {opened:?}"
            );
        }
    }

    #[test]
    fn keys_parse_from_hex_and_base64_and_refuse_anything_else() {
        let key = key(0xab);
        let hex = key.expose_hex();
        assert_eq!(
            ConfigKey::parse(&hex).map(|k| k.id().to_owned()),
            Ok(key.id().to_owned())
        );
        assert_eq!(
            ConfigKey::parse(&format!("{hex}\n")).map(|k| k.id().to_owned()),
            Ok(key.id().to_owned())
        );
        let base64 = STANDARD.encode([0xab; CONFIG_KEY_BYTES]);
        assert_eq!(
            ConfigKey::parse(&base64).map(|k| k.id().to_owned()),
            Ok(key.id().to_owned())
        );
        let unpadded = base64.trim_end_matches('=');
        assert_eq!(
            ConfigKey::parse(unpadded).map(|k| k.id().to_owned()),
            Ok(key.id().to_owned())
        );
        let short = STANDARD.encode([1u8; 16]);
        for bad in ["", "abc", &hex[..62], short.as_str(), "not a key at all"] {
            assert_eq!(
                ConfigKey::parse(bad).map(|k| k.id().to_owned()),
                Err(ConfigKeyError::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_key_prints_its_id_only() {
        let key = key(9);
        let printed = format!("{key:?}");
        assert!(printed.contains(key.id()));
        assert!(!printed.contains(&key.expose_hex()));
        assert_eq!(key.id().len(), 16);
    }
}
