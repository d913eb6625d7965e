//! The sandbox's test certificate authority: one self-signed root and one issuing CA per deployment,
//! an X.509 signing certificate (and its RSA-2048 key) for each iAM Smart+ persona of each sandbox, and
//! the issuing CA's certificate revocation list.
//!
//! Every name says "iAM Smart Sandbox TEST — not trusted", so nobody mistakes a sandbox certificate for a
//! real one. Everything is built from RustCrypto's typed ASN.1 (`x509-cert` and its builder), never by
//! hand. The crate is pure: time and randomness are arguments, storage is the caller's (the portal keeps
//! the material in its database). It must never log or print a private key.

use std::fmt;
use std::time::Duration;

use rand_core::CryptoRngCore;
use rsa::pkcs1v15::{Signature, SigningKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use x509_cert::Certificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::der::asn1::{
    Any, BitString, GeneralizedTime, Ia5String, PrintableStringRef, SetOfVec, UtcTime,
    Utf8StringRef,
};
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::der::oid::db::{rfc4519, rfc5912};
use x509_cert::der::referenced::OwnedToRef;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, CrlDistributionPoints,
    CrlNumber,
};
use x509_cert::ext::{AsExtension, Extension};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};

/// The words every name in the sandbox's PKI carries.
pub const NOT_TRUSTED: &str = "iAM Smart Sandbox TEST \u{2014} not trusted";
/// RSA modulus size of every key the CA makes (what iAM Smart+ certificates use).
pub const KEY_BITS: usize = 2048;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// The root lives 20 years, the issuing CA 10, from the deployment's first start.
const ROOT_LIFETIME_MS: i64 = 20 * 365 * DAY_MS;
const ISSUING_LIFETIME_MS: i64 = 10 * 365 * DAY_MS;
/// CA certificates start a day early, so a clock a little behind still accepts them.
const BACKDATE_MS: i64 = DAY_MS;
/// 2050-01-01T00:00:00Z: X.509 times from here on are GeneralizedTime (RFC 5280 §4.1.2.5).
const UTC_TIME_END_SECONDS: u64 = 2_524_608_000;

/// What can go wrong; none of it is a reason to panic, and no message carries key material.
#[derive(Debug, thiserror::Error)]
pub enum CaError {
    #[error("could not generate an RSA key")]
    KeyGeneration(#[source] rsa::Error),
    #[error("stored CA material does not parse: {0}")]
    Material(&'static str),
    #[error("a time is outside what X.509 can express")]
    Time,
    #[error("a name or URL is not valid in a certificate: {0}")]
    Name(&'static str),
    #[error("could not build or encode a certificate or CRL")]
    Encoding,
}

impl From<x509_cert::der::Error> for CaError {
    fn from(_: x509_cert::der::Error) -> Self {
        CaError::Encoding
    }
}

impl From<x509_cert::builder::Error> for CaError {
    fn from(_: x509_cert::builder::Error) -> Self {
        CaError::Encoding
    }
}

/// A PKCS#8 DER private key; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyDer(pub Vec<u8>);

impl fmt::Debug for KeyDer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyDer(<redacted>)")
    }
}

/// The CA as it is stored: both certificates and both keys, DER.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaMaterial {
    pub root_certificate_der: Vec<u8>,
    pub root_key: KeyDer,
    pub issuing_certificate_der: Vec<u8>,
    pub issuing_key: KeyDer,
}

/// A persona's certificate as issued: what the portal stores and hands to the guest when it signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonaCertificate {
    /// The serial number in lowercase hex, as `openssl x509 -serial` and `openssl crl` print it.
    pub serial_hex: String,
    pub certificate_der: Vec<u8>,
    pub private_key: KeyDer,
    pub not_before_ms: i64,
    pub not_after_ms: i64,
}

/// What goes into a persona's certificate.
#[derive(Debug, Clone)]
pub struct PersonaCertificateRequest<'a> {
    /// The persona's English name, the certificate's common name (what `pdfsig` shows as the signer).
    pub common_name: &'a str,
    /// The persona's id and its sandbox, so a certificate says whose test persona it is.
    pub persona_id: &'a str,
    pub sandbox_id: &'a str,
    pub not_before_ms: i64,
    pub not_after_ms: i64,
    /// Where the issuing CA's CRL is served (`http://…/ca/issuing-ca.crl`).
    pub crl_url: &'a str,
    /// Where the issuing CA's certificate is served, for the Authority Information Access extension.
    pub issuer_certificate_url: &'a str,
}

/// A revoked persona certificate, as the CRL lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub serial_hex: String,
    pub revoked_at_ms: i64,
}

/// The deployment's CA, ready to issue.
pub struct SandboxCa {
    material: CaMaterial,
    issuing_certificate: Certificate,
    issuing_key: RsaPrivateKey,
}

impl fmt::Debug for SandboxCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxCa").finish_non_exhaustive()
    }
}

/// An X.509 time: UTCTime before 2050, GeneralizedTime from then on.
pub fn x509_time(epoch_ms: i64) -> Result<Time, CaError> {
    let seconds = u64::try_from(epoch_ms.div_euclid(1000)).map_err(|_| CaError::Time)?;
    let duration = Duration::from_secs(seconds);
    if seconds < UTC_TIME_END_SECONDS {
        UtcTime::from_unix_duration(duration)
            .map(Time::UtcTime)
            .map_err(|_| CaError::Time)
    } else {
        GeneralizedTime::from_unix_duration(duration)
            .map(Time::GeneralTime)
            .map_err(|_| CaError::Time)
    }
}

fn rdn(oid: ObjectIdentifier, value: Any) -> Result<RelativeDistinguishedName, CaError> {
    let mut set = SetOfVec::new();
    set.insert(AttributeTypeAndValue { oid, value })?;
    Ok(RelativeDistinguishedName(set))
}

fn utf8(text: &str) -> Result<Any, CaError> {
    Ok(Any::encode_from(&Utf8StringRef::new(text)?)?)
}

/// `C=HK, O=<not trusted>, OU=<unit>, CN=<common name>`, built attribute by attribute so a name with a
/// comma (`CHAN, Tai Man`) needs no escaping.
fn name(unit: &str, common_name: &str) -> Result<Name, CaError> {
    Ok(RdnSequence(vec![
        rdn(
            rfc4519::C,
            Any::encode_from(&PrintableStringRef::new("HK")?)?,
        )?,
        rdn(rfc4519::O, utf8(NOT_TRUSTED)?)?,
        rdn(rfc4519::OU, utf8(unit)?)?,
        rdn(rfc4519::CN, utf8(common_name)?)?,
    ]))
}

/// A random, positive 16-byte serial number (RFC 5280 asks for at most 20 octets, unpredictable).
fn random_serial(rng: &mut impl CryptoRngCore) -> Result<(SerialNumber, String), CaError> {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    // A first byte of 0x01..=0x7f keeps the INTEGER positive and its length fixed.
    bytes[0] = (bytes[0] & 0x7f).max(1);
    let hex = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok((SerialNumber::new(&bytes)?, hex))
}

fn serial_from_hex(hex: &str) -> Result<SerialNumber, CaError> {
    if !hex.len().is_multiple_of(2) || hex.is_empty() {
        return Err(CaError::Material("serial number is not hex"));
    }
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|_| CaError::Material("serial number is not hex"))?;
    Ok(SerialNumber::new(&bytes)?)
}

fn spki(key: &RsaPrivateKey) -> Result<SubjectPublicKeyInfoOwned, CaError> {
    let der = RsaPublicKey::from(key)
        .to_public_key_der()
        .map_err(|_| CaError::Encoding)?;
    Ok(SubjectPublicKeyInfoOwned::from_der(der.as_bytes())?)
}

fn key_der(key: &RsaPrivateKey) -> Result<KeyDer, CaError> {
    Ok(KeyDer(
        key.to_pkcs8_der()
            .map_err(|_| CaError::Encoding)?
            .as_bytes()
            .to_vec(),
    ))
}

fn uri(url: &str) -> Result<GeneralName, CaError> {
    Ok(GeneralName::UniformResourceIdentifier(
        Ia5String::new(url).map_err(|_| CaError::Name("URL is not ASCII"))?,
    ))
}

/// A fresh RSA-2048 key. Slow (a few hundred milliseconds): callers run it off the async threads.
pub fn generate_key(rng: &mut impl CryptoRngCore) -> Result<RsaPrivateKey, CaError> {
    RsaPrivateKey::new(rng, KEY_BITS).map_err(CaError::KeyGeneration)
}

impl SandboxCa {
    /// Makes a new root and issuing CA for the deployment `deployment_id`, valid from `now_ms`.
    pub fn generate(
        rng: &mut impl CryptoRngCore,
        deployment_id: &str,
        now_ms: i64,
    ) -> Result<SandboxCa, CaError> {
        let root_key = generate_key(rng)?;
        let issuing_key = generate_key(rng)?;
        let unit = format!("deployment {deployment_id}");
        let root_name = name(&unit, "iAM Smart Sandbox TEST Root CA \u{2014} not trusted")?;
        let issuing_name = name(
            &unit,
            "iAM Smart Sandbox TEST Signing CA \u{2014} not trusted",
        )?;
        let root_signer = SigningKey::<Sha256>::new(root_key.clone());

        let (serial, _) = random_serial(rng)?;
        let root_certificate = CertificateBuilder::new(
            Profile::Root,
            serial,
            Validity {
                not_before: x509_time(now_ms - BACKDATE_MS)?,
                not_after: x509_time(now_ms + ROOT_LIFETIME_MS)?,
            },
            root_name.clone(),
            spki(&root_key)?,
            &root_signer,
        )?
        .build_with_rng::<Signature>(rng)?;

        let (serial, _) = random_serial(rng)?;
        let issuing_certificate = CertificateBuilder::new(
            Profile::SubCA {
                issuer: root_name,
                path_len_constraint: Some(0),
            },
            serial,
            Validity {
                not_before: x509_time(now_ms - BACKDATE_MS)?,
                not_after: x509_time(now_ms + ISSUING_LIFETIME_MS)?,
            },
            issuing_name,
            spki(&issuing_key)?,
            &root_signer,
        )?
        .build_with_rng::<Signature>(rng)?;

        let material = CaMaterial {
            root_certificate_der: root_certificate.to_der()?,
            root_key: key_der(&root_key)?,
            issuing_certificate_der: issuing_certificate.to_der()?,
            issuing_key: key_der(&issuing_key)?,
        };
        Ok(SandboxCa {
            material,
            issuing_certificate,
            issuing_key,
        })
    }

    /// The CA from stored material.
    pub fn from_material(material: CaMaterial) -> Result<SandboxCa, CaError> {
        Certificate::from_der(&material.root_certificate_der)
            .map_err(|_| CaError::Material("root certificate"))?;
        let issuing_certificate = Certificate::from_der(&material.issuing_certificate_der)
            .map_err(|_| CaError::Material("issuing certificate"))?;
        let issuing_key = RsaPrivateKey::from_pkcs8_der(&material.issuing_key.0)
            .map_err(|_| CaError::Material("issuing key"))?;
        Ok(SandboxCa {
            material,
            issuing_certificate,
            issuing_key,
        })
    }

    pub fn material(&self) -> &CaMaterial {
        &self.material
    }

    pub fn root_certificate_der(&self) -> &[u8] {
        &self.material.root_certificate_der
    }

    pub fn issuing_certificate_der(&self) -> &[u8] {
        &self.material.issuing_certificate_der
    }

    /// Generates a key for a persona and issues its signing certificate: digital signature and
    /// non-repudiation key usage, the CRL distribution point and the issuer's certificate URL.
    pub fn issue_persona_certificate(
        &self,
        rng: &mut impl CryptoRngCore,
        request: &PersonaCertificateRequest<'_>,
    ) -> Result<PersonaCertificate, CaError> {
        let key = generate_key(rng)?;
        self.issue_persona_certificate_for_key(rng, request, &key)
    }

    /// [`SandboxCa::issue_persona_certificate`] for a key the caller already has.
    pub fn issue_persona_certificate_for_key(
        &self,
        rng: &mut impl CryptoRngCore,
        request: &PersonaCertificateRequest<'_>,
        key: &RsaPrivateKey,
    ) -> Result<PersonaCertificate, CaError> {
        if request.not_after_ms <= request.not_before_ms {
            return Err(CaError::Time);
        }
        let issuer_signer = SigningKey::<Sha256>::new(self.issuing_key.clone());
        let (serial, serial_hex) = random_serial(rng)?;
        let unit = format!(
            "persona {} of sandbox {} \u{2014} TEST",
            request.persona_id, request.sandbox_id
        );
        let mut builder = CertificateBuilder::new(
            Profile::Leaf {
                issuer: self.issuing_certificate.tbs_certificate.subject.clone(),
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
            serial,
            Validity {
                not_before: x509_time(request.not_before_ms)?,
                not_after: x509_time(request.not_after_ms)?,
            },
            name(&unit, request.common_name)?,
            spki(key)?,
            &issuer_signer,
        )?;
        builder.add_extension(&CrlDistributionPoints(vec![DistributionPoint {
            distribution_point: Some(DistributionPointName::FullName(vec![uri(request.crl_url)?])),
            reasons: None,
            crl_issuer: None,
        }]))?;
        builder.add_extension(&AuthorityInfoAccessSyntax(vec![AccessDescription {
            access_method: rfc5912::ID_AD_CA_ISSUERS,
            access_location: uri(request.issuer_certificate_url)?,
        }]))?;
        let certificate = builder.build_with_rng::<Signature>(rng)?;
        Ok(PersonaCertificate {
            serial_hex,
            certificate_der: certificate.to_der()?,
            private_key: key_der(key)?,
            not_before_ms: request.not_before_ms,
            not_after_ms: request.not_after_ms,
        })
    }

    /// The issuing CA's CRL (DER), version 2 with a CRL number and the authority key identifier,
    /// listing `revoked`.
    pub fn crl(
        &self,
        rng: &mut impl CryptoRngCore,
        revoked: &[Revocation],
        this_update_ms: i64,
        next_update_ms: i64,
        crl_number: u64,
    ) -> Result<Vec<u8>, CaError> {
        let entries = revoked
            .iter()
            .map(|revocation| {
                Ok(RevokedCert {
                    serial_number: serial_from_hex(&revocation.serial_hex)?,
                    revocation_date: x509_time(revocation.revoked_at_ms)?,
                    crl_entry_extensions: None,
                })
            })
            .collect::<Result<Vec<_>, CaError>>()?;
        let issuer = self.issuing_certificate.tbs_certificate.subject.clone();
        let issuer_spki = &self
            .issuing_certificate
            .tbs_certificate
            .subject_public_key_info;
        let authority_key_identifier =
            AuthorityKeyIdentifier::try_from(issuer_spki.owned_to_ref())?;
        let extensions: Vec<Extension> = vec![
            authority_key_identifier.to_extension(&issuer, &[])?,
            CrlNumber(x509_cert::der::asn1::Uint::new(&crl_number.to_be_bytes())?)
                .to_extension(&issuer, &[])?,
        ];
        let signature_algorithm = x509_cert::spki::AlgorithmIdentifierOwned {
            oid: rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
            parameters: Some(Any::null()),
        };
        let tbs_cert_list = TbsCertList {
            version: x509_cert::Version::V2,
            signature: signature_algorithm.clone(),
            issuer,
            this_update: x509_time(this_update_ms)?,
            next_update: Some(x509_time(next_update_ms)?),
            revoked_certificates: (!entries.is_empty()).then_some(entries),
            crl_extensions: Some(extensions),
        };
        let signer = SigningKey::<Sha256>::new(self.issuing_key.clone());
        let signature = signer
            .try_sign_with_rng(rng, &tbs_cert_list.to_der()?)
            .map_err(|_| CaError::Encoding)?;
        Ok(CertificateList {
            tbs_cert_list,
            signature_algorithm,
            signature: BitString::from_bytes(&signature.to_vec())?,
        }
        .to_der()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_never_prints_itself() {
        assert_eq!(format!("{:?}", KeyDer(vec![1])), "KeyDer(<redacted>)");
    }

    #[test]
    fn x509_times_switch_to_generalized_time_in_2050() {
        assert!(matches!(x509_time(0), Ok(Time::UtcTime(_))));
        assert!(matches!(
            x509_time(2_524_608_000_000),
            Ok(Time::GeneralTime(_))
        ));
        assert!(matches!(x509_time(-1), Err(CaError::Time)));
    }

    #[test]
    fn serial_numbers_round_trip_through_hex() {
        let serial = serial_from_hex("0102ff").expect("hex");
        assert_eq!(serial.as_bytes(), [1, 2, 255]);
        assert!(serial_from_hex("xyz").is_err());
        assert!(serial_from_hex("").is_err());
    }
}
