//! Content encryption keys: `POST /api/v1/security/getKey` issues one wrapped for the RP,
//! `POST /api/v1/security/revokeKey` revokes it, and encrypted APIs look it up (PROTOCOL §1.3, §11.4).
//!
//! A sandbox has one current CEK; a new getKey replaces it. `issueAt` is real time because clients
//! check expiry on their own clocks (§11.4), while the stored expiry is on the sandbox clock so time
//! travel can expire keys. This module must never log or return the CEK in the clear.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::codes::{DCode, ProtocolError};
use crate::config::SandboxConfig;
use crate::crypto::{self, CEK_LENGTH};
use crate::host::{self, Host};
use crate::store;

/// The plain-JSON `content` of a getKey response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GetKeyContent {
    /// Base64 of the CEK encrypted with the RP's public key (RSA PKCS#1 v1.5, 256 bytes).
    pub secret_key: String,
    /// Base64 DER SubjectPublicKeyInfo of the key used to wrap it.
    pub pub_key: String,
    /// Real epoch ms when the key was issued.
    pub issue_at: i64,
    /// Lifetime in ms.
    pub expires_in: i64,
}

/// The stored CEK. It is kept in the clear because the server must use it; the store is the tenant's
/// own and never leaves the host.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CekRecord {
    /// Base64 of the 32 key bytes.
    key: String,
    /// Sandbox-clock expiry.
    expires_at_ms: i64,
}

/// Issues a fresh CEK for the RP and makes it current.
pub(crate) fn get_key(host: &mut dyn Host, config: &SandboxConfig) -> Result<Value, ProtocolError> {
    let kek_error = |error: crypto::CryptoError| {
        ProtocolError::with_message(
            error.d_code(),
            format!("{}: {error}", error.d_code().message()),
        )
    };
    let rp_public_key = crypto::parse_rsa_public_key(&config.rp_public_key).map_err(kek_error)?;
    let public_key_der = crypto::public_key_spki_der(&rp_public_key).map_err(kek_error)?;

    let cek = host::random_array::<CEK_LENGTH>(host);
    let mut rng = host::seeded_rng(host);
    let wrapped = crypto::wrap_cek(&rp_public_key, &mut rng, &cek).map_err(kek_error)?;

    let expires_at_ms = host.sandbox_now_ms().saturating_add(config.cek_lifetime_ms);
    let record = CekRecord {
        key: crypto::base64_encode(&cek),
        expires_at_ms,
    };
    store::put(host, store::CURRENT_CEK_KEY, &record, Some(expires_at_ms))?;

    let content = GetKeyContent {
        secret_key: crypto::base64_encode(&wrapped),
        pub_key: crypto::base64_encode(&public_key_der),
        issue_at: host.real_now_ms(),
        expires_in: config.cek_lifetime_ms,
    };
    serde_json::to_value(content).map_err(|_| ProtocolError::new(DCode::UnknownException))
}

/// Revokes the current CEK. Revoking when there is none answers `D30002`, which tells the RP its key
/// state the same way an encrypted API would; the protocol does not say, and an idempotent success
/// would hide a client that revokes keys it never fetched.
pub(crate) fn revoke_key(host: &mut dyn Host) -> Result<(), ProtocolError> {
    current_cek(host)?;
    host.kv_delete(store::CURRENT_CEK_KEY);
    Ok(())
}

/// The current CEK, or `D30002` when there is none or it has expired on the sandbox clock.
pub(crate) fn current_cek(host: &mut dyn Host) -> Result<[u8; CEK_LENGTH], ProtocolError> {
    let record: CekRecord = store::get(host, store::CURRENT_CEK_KEY)?
        .ok_or_else(|| ProtocolError::new(DCode::CekNotFound))?;
    if host.sandbox_now_ms() >= record.expires_at_ms {
        host.kv_delete(store::CURRENT_CEK_KEY);
        return Err(ProtocolError::new(DCode::CekNotFound));
    }
    crypto::base64_decode(&record.key)
        .ok()
        .and_then(|bytes| <[u8; CEK_LENGTH]>::try_from(bytes.as_slice()).ok())
        .ok_or_else(|| ProtocolError::new(DCode::UnknownException))
}

/// The current CEK without any side effect (an expired one is not deleted), for the request inspector, which
/// must never change a sandbox's state.
pub(crate) fn peek_current_cek(host: &mut dyn Host) -> Option<[u8; CEK_LENGTH]> {
    let record: CekRecord = store::get(host, store::CURRENT_CEK_KEY).ok()??;
    if host.sandbox_now_ms() >= record.expires_at_ms {
        return None;
    }
    crypto::base64_decode(&record.key)
        .ok()
        .and_then(|bytes| <[u8; CEK_LENGTH]>::try_from(bytes.as_slice()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{GET_KEY_PATH, REVOKE_KEY_PATH};
    use crate::crypto::tests::{RP_PUBLIC_KEY_PEM, rp_private_key};
    use crate::host::Host;
    use crate::testkit::Rp;

    #[test]
    fn get_key_wraps_a_fresh_cek_that_the_rp_private_key_unwraps() {
        let mut rp = Rp::strict();
        let content = rp.get_key_content();
        let wrapped = crypto::base64_decode(&content.secret_key).expect("base64");
        assert_eq!(wrapped.len(), 256);
        let cek = crypto::unwrap_cek(rp_private_key(), &wrapped).expect("unwraps");
        assert_eq!(current_cek(&mut rp.host), Ok(cek));
    }

    #[test]
    fn get_key_reports_the_spki_of_the_configured_key_and_real_time_numbers() {
        let mut rp = Rp::strict();
        rp.host.travel_ms(3 * 24 * 60 * 60_000);
        let content = rp.get_key_content();
        let pem_body: String = RP_PUBLIC_KEY_PEM
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .collect();
        assert_eq!(content.pub_key, pem_body);
        assert_eq!(content.issue_at, rp.host.real_now_ms());
        assert_eq!(content.expires_in, 86_400_000);
    }

    #[test]
    fn a_new_get_key_replaces_the_current_cek() {
        let mut rp = Rp::strict();
        let first = rp.get_key();
        let second = rp.get_key();
        assert_ne!(first, second);
        assert_eq!(current_cek(&mut rp.host), Ok(second));
    }

    #[test]
    fn the_cek_expires_on_the_sandbox_clock() {
        let mut rp = Rp::strict();
        rp.get_key();
        rp.host.travel_ms(86_400_000 - 1);
        assert!(current_cek(&mut rp.host).is_ok());
        rp.host.travel_ms(1);
        assert_eq!(
            current_cek(&mut rp.host).map_err(|e| e.code),
            Err(DCode::CekNotFound)
        );
        assert!(!rp.host.entries().contains_key(store::CURRENT_CEK_KEY));
    }

    #[test]
    fn the_stored_cek_carries_a_sandbox_clock_expiry_for_the_host() {
        let mut rp = Rp::strict();
        rp.host.travel_ms(5_000);
        rp.get_key();
        let entry = rp
            .host
            .entries()
            .get(store::CURRENT_CEK_KEY)
            .cloned()
            .expect("stored");
        assert_eq!(
            entry.expires_at_ms,
            Some(rp.host.sandbox_now_ms() + 86_400_000)
        );
    }

    #[test]
    fn revoke_key_removes_the_cek_and_a_second_revoke_reports_d30002() {
        let mut rp = Rp::strict();
        rp.get_key();
        assert_eq!(rp.post(REVOKE_KEY_PATH, b"{}").code, "D00000");
        assert_eq!(
            current_cek(&mut rp.host).map_err(|e| e.code),
            Err(DCode::CekNotFound)
        );
        let again = rp.post(REVOKE_KEY_PATH, b"{}");
        assert_eq!(again.code, "D30002");
        assert_eq!(again.content, None);
    }

    #[test]
    fn a_key_that_is_not_rsa_2048_is_a_kek_error() {
        let mut rp = Rp::strict();
        rp.config.rp_public_key = include_str!("testdata/small_public_key.pem").into();
        let envelope = rp.post(GET_KEY_PATH, b"");
        assert_eq!(envelope.code, "D30001");
        assert!(envelope.message.contains("2048"));
        rp.config.rp_public_key = "garbage".into();
        assert_eq!(rp.post(GET_KEY_PATH, b"").code, "D30001");
        assert!(!rp.host.entries().contains_key(store::CURRENT_CEK_KEY));
    }

    #[test]
    fn a_base64_der_key_in_the_config_works_like_pem() {
        let mut rp = Rp::strict();
        rp.config.rp_public_key = RP_PUBLIC_KEY_PEM
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .collect();
        let content = rp.get_key_content();
        let wrapped = crypto::base64_decode(&content.secret_key).expect("base64");
        assert!(crypto::unwrap_cek(rp_private_key(), &wrapped).is_ok());
    }

    #[test]
    fn get_key_is_deterministic_for_a_given_host_seed() {
        let mut first = Rp::strict();
        let mut second = Rp::strict();
        assert_eq!(first.get_key_content(), second.get_key_content());
    }
}
