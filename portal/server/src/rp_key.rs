//! Reading a relying party's RP encipherment key as a developer uploads it: a PEM public key
//! (`PUBLIC KEY` or `RSA PUBLIC KEY`) or an X.509 certificate (`CERTIFICATE`), which must hold an RSA-2048 key —
//! the size the protocol's wrapped content keys assume (PROTOCOL §11.4).
//!
//! Whatever was uploaded, the sandbox stores only the public key, as a SubjectPublicKeyInfo PEM. Every refusal
//! says what was wrong and what to upload instead. This module never accepts, stores or echoes a private key.

use rsa::{
    RsaPublicKey,
    pkcs8::{DecodePublicKey, EncodePublicKey, LineEnding},
    traits::PublicKeyParts,
};
use sha2::{Digest, Sha256};
use x509_cert::der::{DecodePem, Encode};

/// The longest upload read; a PEM certificate of an RSA-2048 key is far smaller.
pub const MAX_UPLOAD_BYTES: usize = 16 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RpKeyError {
    #[error(
        "paste a PEM public key (-----BEGIN PUBLIC KEY-----) or an X.509 certificate (-----BEGIN CERTIFICATE-----)"
    )]
    NotPem,
    #[error(
        "this is a private key: upload only the public key or the certificate, and keep the private key to yourself"
    )]
    PrivateKey,
    #[error("the certificate could not be read as a PEM-encoded X.509 certificate")]
    BadCertificate,
    #[error("the key is not an RSA public key; iAM Smart wraps content keys with RSA-2048")]
    NotRsa,
    #[error("the key is RSA-{0}; iAM Smart needs an RSA-2048 key")]
    WrongSize(usize),
    #[error("the upload is larger than 16 KiB")]
    TooLarge,
}

/// An accepted RP key: the public key as SubjectPublicKeyInfo PEM, and its fingerprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpKey {
    pub public_key_pem: String,
    pub fingerprint: String,
}

/// Reads an uploaded public key or certificate.
pub fn parse_upload(upload: &str) -> Result<RpKey, RpKeyError> {
    if upload.len() > MAX_UPLOAD_BYTES {
        return Err(RpKeyError::TooLarge);
    }
    let text = upload.trim();
    let key = if text.starts_with("-----BEGIN CERTIFICATE-----") {
        let certificate =
            x509_cert::Certificate::from_pem(text).map_err(|_| RpKeyError::BadCertificate)?;
        let spki = certificate
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|_| RpKeyError::BadCertificate)?;
        RsaPublicKey::from_public_key_der(&spki).map_err(|_| RpKeyError::NotRsa)?
    } else if text.starts_with("-----BEGIN PUBLIC KEY-----") {
        RsaPublicKey::from_public_key_pem(text).map_err(|_| RpKeyError::NotRsa)?
    } else if text.starts_with("-----BEGIN RSA PUBLIC KEY-----") {
        use rsa::pkcs1::DecodeRsaPublicKey;
        RsaPublicKey::from_pkcs1_pem(text).map_err(|_| RpKeyError::NotRsa)?
    } else if text.starts_with("-----BEGIN")
        && text
            .lines()
            .next()
            .is_some_and(|line| line.contains("PRIVATE KEY"))
    {
        return Err(RpKeyError::PrivateKey);
    } else {
        return Err(RpKeyError::NotPem);
    };
    let bits = key.n().bits();
    if bits != 2048 {
        return Err(RpKeyError::WrongSize(bits));
    }
    let public_key_pem = key
        .to_public_key_pem(LineEnding::LF)
        .map_err(|_| RpKeyError::NotRsa)?;
    Ok(RpKey {
        fingerprint: fingerprint(&public_key_pem).unwrap_or_default(),
        public_key_pem,
    })
}

/// The SHA-256 of a stored key's DER SubjectPublicKeyInfo, as the first 16 bytes in colon-separated hex — what
/// `openssl pkey -pubin -outform DER | sha256sum` starts with. `None` for a key that does not parse.
pub fn fingerprint(stored_key: &str) -> Option<String> {
    let key = mock_iamsmart::crypto::parse_rsa_public_key(stored_key).ok()?;
    let der = key.to_public_key_der().ok()?;
    let digest = Sha256::digest(der.as_bytes());
    Some(
        digest[..16]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::{RsaPrivateKey, pkcs1::EncodeRsaPublicKey, pkcs8::EncodePrivateKey};

    fn key(bits: usize) -> RsaPrivateKey {
        RsaPrivateKey::new(&mut rand::rngs::OsRng, bits).expect("a key")
    }

    #[test]
    fn rsa_2048_public_keys_are_accepted_in_both_pem_forms_and_stored_as_spki() {
        let private = key(2048);
        let public = private.to_public_key();
        let spki = public.to_public_key_pem(LineEnding::LF).expect("pem");
        let pkcs1 = public.to_pkcs1_pem(LineEnding::LF).expect("pem");
        let from_spki = parse_upload(&spki).expect("accepted");
        let from_pkcs1 = parse_upload(&format!("\n  {pkcs1}  \n")).expect("accepted");
        assert_eq!(from_spki, from_pkcs1);
        assert!(
            from_spki
                .public_key_pem
                .starts_with("-----BEGIN PUBLIC KEY-----")
        );
        assert_eq!(from_spki.fingerprint.len(), 16 * 3 - 1);
    }

    /// Self-signed test certificates made with `openssl req -x509 -newkey rsa:2048` (and `-newkey ec`).
    const RSA_CERTIFICATE: &str = include_str!("../tests/fixtures/rp-rsa2048-cert.pem");
    const RSA_CERTIFICATE_KEY: &str = include_str!("../tests/fixtures/rp-rsa2048-cert.pub.pem");
    const EC_CERTIFICATE: &str = include_str!("../tests/fixtures/rp-ec-p256-cert.pem");

    #[test]
    fn a_certificate_gives_its_rsa_public_key_and_a_non_rsa_one_is_refused() {
        let from_certificate = parse_upload(RSA_CERTIFICATE).expect("accepted");
        assert_eq!(
            from_certificate,
            parse_upload(RSA_CERTIFICATE_KEY).expect("accepted")
        );
        assert_eq!(parse_upload(EC_CERTIFICATE), Err(RpKeyError::NotRsa));
    }

    #[test]
    fn other_sizes_private_keys_and_garbage_get_a_clear_refusal() {
        let small = key(1024)
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("pem");
        assert_eq!(parse_upload(&small), Err(RpKeyError::WrongSize(1024)));
        let private = key(2048).to_pkcs8_pem(LineEnding::LF).expect("pem");
        assert_eq!(parse_upload(&private), Err(RpKeyError::PrivateKey));
        assert_eq!(parse_upload("hello"), Err(RpKeyError::NotPem));
        assert_eq!(
            parse_upload("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
            Err(RpKeyError::BadCertificate)
        );
        assert_eq!(
            parse_upload("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
            Err(RpKeyError::NotRsa)
        );
        assert_eq!(
            parse_upload(&"x".repeat(MAX_UPLOAD_BYTES + 1)),
            Err(RpKeyError::TooLarge)
        );
    }
}
