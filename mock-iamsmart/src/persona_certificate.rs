//! The signing certificates of a sandbox's iAM Smart+ personas, as the signing flows read them.
//!
//! The portal's sandbox CA issues each persona's key and certificate on first use (RSA key generation
//! is too slow for the guest's deadline) and installs them with the host-only call
//! [`crate::Call::InstallSigningCertificates`] before any call that may approve a signing request;
//! the flows then find them here in the sandbox's own storage, whichever path approves a request
//! (the virtual phone, automation, an auto-responder answering inside an API call). Installing an
//! unchanged certificate writes nothing, so repeated installs cost one read each.
//! A revoked certificate, or one outside its validity on the sandbox clock, does not sign: that is
//! `D70002`. This module never logs a key or a persona's data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::codes::{DCode, ProtocolError};
use crate::host::Host;
use crate::signer::SigningCredential;
use crate::store;

/// A persona's certificate as the sandbox stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonaCertificate {
    pub credential: SigningCredential,
    /// Lowercase hex, as on the CRL.
    pub serial_hex: String,
    pub not_before_ms: i64,
    pub not_after_ms: i64,
    /// When the CA revoked it, if it did.
    #[serde(default)]
    pub revoked_at_ms: Option<i64>,
}

fn key(persona_id: &str) -> String {
    format!("signing-certificate/{persona_id}")
}

/// Stores (or replaces) the persona's certificate.
pub fn install(
    host: &mut dyn Host,
    persona_id: &str,
    certificate: &PersonaCertificate,
) -> Result<(), ProtocolError> {
    if persona_id.is_empty() || persona_id.len() > 64 {
        return Err(ProtocolError::invalid("personaID"));
    }
    certificate
        .credential
        .chain_der()
        .map_err(|_| ProtocolError::invalid("certificate"))?;
    store::put(host, &key(persona_id), certificate, None)
}

/// The most certificates one install may carry (the catalogue has a handful of iAM Smart+ personas).
pub const MAX_INSTALLED: usize = 64;

/// Installs every certificate that is new or changed; returns how many were written.
pub fn install_all(
    host: &mut dyn Host,
    certificates: &BTreeMap<String, PersonaCertificate>,
) -> Result<usize, ProtocolError> {
    if certificates.len() > MAX_INSTALLED {
        return Err(ProtocolError::invalid("certificates"));
    }
    let mut written = 0;
    for (persona_id, certificate) in certificates {
        if find(host, persona_id)?.as_ref() != Some(certificate) {
            install(host, persona_id, certificate)?;
            written += 1;
        }
    }
    Ok(written)
}

/// The persona's certificate, if the CA installed one.
pub fn find(
    host: &mut dyn Host,
    persona_id: &str,
) -> Result<Option<PersonaCertificate>, ProtocolError> {
    store::get(host, &key(persona_id))
}

/// The credential the persona signs with now, or `D70002` saying why it cannot sign.
pub fn usable_credential(
    host: &mut dyn Host,
    persona_id: &str,
) -> Result<SigningCredential, ProtocolError> {
    let Some(certificate) = find(host, persona_id)? else {
        return Err(ProtocolError::with_message(
            DCode::SigningFailed,
            "signing failed: the persona has no signing certificate yet",
        ));
    };
    let now = host.sandbox_now_ms();
    if certificate
        .revoked_at_ms
        .is_some_and(|revoked_at| revoked_at <= now)
    {
        return Err(ProtocolError::with_message(
            DCode::SigningFailed,
            "signing failed: the signing certificate is revoked",
        ));
    }
    if now > certificate.not_after_ms {
        return Err(ProtocolError::with_message(
            DCode::SigningFailed,
            "signing failed: the signing certificate has expired",
        ));
    }
    if now < certificate.not_before_ms {
        return Err(ProtocolError::with_message(
            DCode::SigningFailed,
            "signing failed: the signing certificate is not valid yet",
        ));
    }
    Ok(certificate.credential)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory_host::MemoryHost;
    use crate::signer::PrivateKeyDer;

    fn certificate(revoked_at_ms: Option<i64>, not_after_ms: i64) -> PersonaCertificate {
        PersonaCertificate {
            credential: SigningCredential {
                private_key: PrivateKeyDer::new(vec![1, 2, 3]),
                certificate_chain: vec!["MAA=".into()],
            },
            serial_hex: "01".into(),
            not_before_ms: 0,
            not_after_ms,
            revoked_at_ms,
        }
    }

    #[test]
    fn an_installed_valid_certificate_gives_its_credential() {
        let mut host = MemoryHost::new(1);
        let now = host.sandbox_now_ms();
        install(&mut host, "p", &certificate(None, now + 1000)).expect("installs");
        assert_eq!(
            usable_credential(&mut host, "p"),
            Ok(certificate(None, 0).credential)
        );
    }

    #[test]
    fn missing_revoked_and_expired_certificates_do_not_sign() {
        let mut host = MemoryHost::new(1);
        let now = host.sandbox_now_ms();
        let message = |host: &mut MemoryHost, id: &str| {
            usable_credential(host, id).map_err(|error| (error.code, error.message))
        };
        assert!(matches!(
            message(&mut host, "absent"),
            Err((DCode::SigningFailed, m)) if m.contains("no signing certificate")
        ));
        install(
            &mut host,
            "revoked",
            &certificate(Some(now - 1), now + 1000),
        )
        .expect("installs");
        assert!(matches!(
            message(&mut host, "revoked"),
            Err((DCode::SigningFailed, m)) if m.contains("revoked")
        ));
        install(&mut host, "expired", &certificate(None, now - 1)).expect("installs");
        assert!(matches!(
            message(&mut host, "expired"),
            Err((DCode::SigningFailed, m)) if m.contains("expired")
        ));
    }

    #[test]
    fn installing_the_same_certificates_again_writes_nothing() {
        let mut host = MemoryHost::new(1);
        let all: BTreeMap<String, PersonaCertificate> = [
            ("a".to_owned(), certificate(None, 5)),
            ("b".to_owned(), certificate(Some(1), 5)),
        ]
        .into();
        assert_eq!(install_all(&mut host, &all), Ok(2));
        assert_eq!(install_all(&mut host, &all), Ok(0));
        let mut changed = all.clone();
        changed.insert("b".into(), certificate(None, 6));
        assert_eq!(install_all(&mut host, &changed), Ok(1));
    }

    #[test]
    fn a_certificate_without_a_chain_or_a_persona_id_is_refused() {
        let mut host = MemoryHost::new(1);
        let mut broken = certificate(None, 1);
        broken.credential.certificate_chain.clear();
        assert!(install(&mut host, "p", &broken).is_err());
        assert!(install(&mut host, "", &certificate(None, 1)).is_err());
    }
}
