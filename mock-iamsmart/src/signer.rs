//! The signatures an iAM Smart+ persona makes: a raw RSA signature over a relying party's hash
//! (`SHA256withRSA`, `NONEwithRSA`) and a detached PKCS#7 (CMS `SignedData`) over a PDF's byte-range
//! digest, ready for a PDF's `/Contents` (`adbe.pkcs7.detached`, PROTOCOL §4).
//!
//! The persona's key and certificate chain arrive as a [`SigningCredential`] from the host (the portal's
//! sandbox CA issues and stores them; RSA key generation is too slow for the guest's deadline). This
//! module builds the CMS structures from the RustCrypto `cms` and `x509-cert` types, never by hand, and
//! draws the RSA blinding randomness from the RNG it is given, never from the platform.
//!
//! It must never log or echo a key, a digest or a signature.

use std::fmt;

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use rand_core::CryptoRngCore;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::attr::{Attribute, AttributeValue};
use x509_cert::der::asn1::{Any, GeneralizedTime, OctetString, SetOfVec, UtcTime};
use x509_cert::der::oid::db::{rfc5911, rfc5912};
use x509_cert::der::{Decode, Encode};
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::time::Time;

use crate::crypto::{base64_decode, base64_encode};

/// The length of a SHA-256 digest.
pub const SHA256_LENGTH: usize = 32;
/// The bytes PKCS#1 v1.5 padding needs around the data it signs (RFC 8017 §9.2).
const PKCS1_V15_OVERHEAD: usize = 11;
/// 2050-01-01T00:00:00Z: X.509 and CMS times from here on must be GeneralizedTime (RFC 5280 §4.1.2.5).
const UTC_TIME_END_SECONDS: u64 = 2_524_608_000;

/// `sigAlgo` of a hash-signing request (PROTOCOL §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SignatureAlgorithm {
    /// PKCS#1 v1.5 over a SHA-256 `DigestInfo`: `hashCode` is the 32-byte SHA-256 of the document.
    #[serde(rename = "SHA256withRSA")]
    Sha256WithRsa,
    /// PKCS#1 v1.5 over the bytes as given, with no `DigestInfo` added (Java's `NONEwithRSA`).
    #[serde(rename = "NONEwithRSA")]
    NoneWithRsa,
    /// SM2 with SM3: named by the protocol, not offered by the sandbox.
    #[serde(rename = "SM3withSM2")]
    Sm3WithSm2,
    /// SM2 over the bytes as given: named by the protocol, not offered by the sandbox.
    #[serde(rename = "NONEwithSM2")]
    NoneWithSm2,
}

impl SignatureAlgorithm {
    /// Reads a wire name; `None` for a name the protocol does not define.
    pub fn parse(name: &str) -> Option<SignatureAlgorithm> {
        match name {
            "SHA256withRSA" => Some(SignatureAlgorithm::Sha256WithRsa),
            "NONEwithRSA" => Some(SignatureAlgorithm::NoneWithRsa),
            "SM3withSM2" => Some(SignatureAlgorithm::Sm3WithSm2),
            "NONEwithSM2" => Some(SignatureAlgorithm::NoneWithSm2),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SignatureAlgorithm::Sha256WithRsa => "SHA256withRSA",
            SignatureAlgorithm::NoneWithRsa => "NONEwithRSA",
            SignatureAlgorithm::Sm3WithSm2 => "SM3withSM2",
            SignatureAlgorithm::NoneWithSm2 => "NONEwithSM2",
        }
    }

    /// Whether the sandbox can make this signature. SM2 needs SM2 keys and an SM2 CA, which no
    /// well-kept Rust crate offers alongside `rsa` 0.9 here; the sandbox says so instead of faking one.
    pub fn is_supported(self) -> bool {
        matches!(
            self,
            SignatureAlgorithm::Sha256WithRsa | SignatureAlgorithm::NoneWithRsa
        )
    }
}

/// A persona's PKCS#8 DER private key. It never prints itself; it serialises (as Base64) only because
/// the host must hand it to the guest for the one call that signs.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKeyDer(Vec<u8>);

impl PrivateKeyDer {
    pub fn new(der: Vec<u8>) -> Self {
        Self(der)
    }

    /// The key itself; call sites are easy to find by this name.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for PrivateKeyDer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKeyDer(<redacted>)")
    }
}

impl Serialize for PrivateKeyDer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64_encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for PrivateKeyDer {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        base64_decode(&text)
            .map(PrivateKeyDer)
            .map_err(|_| serde::de::Error::custom("private key is not Base64"))
    }
}

/// What a persona signs with: its key and its certificate chain, signer first, then the issuing CA,
/// then the root, each as Base64 DER.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningCredential {
    pub private_key: PrivateKeyDer,
    pub certificate_chain: Vec<String>,
}

/// Why a signature could not be made. Every variant is the host's or the relying party's input, never
/// a reason to panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningError {
    #[error("the signing key is not an RSA PKCS#8 key")]
    Key,
    #[error("the signing certificate chain is empty or not DER certificates")]
    Certificate,
    #[error("the digest must be {expected} bytes, got {actual}")]
    DigestLength { expected: usize, actual: usize },
    #[error(
        "the data to sign is {actual} bytes, more than the {limit} an RSA key of this size signs"
    )]
    TooLong { actual: usize, limit: usize },
    #[error("{0} is not supported in the sandbox")]
    Unsupported(&'static str),
    #[error("the signature could not be made or encoded")]
    Encoding,
}

impl SigningCredential {
    fn key(&self) -> Result<RsaPrivateKey, SigningError> {
        RsaPrivateKey::from_pkcs8_der(self.private_key.expose()).map_err(|_| SigningError::Key)
    }

    /// The chain as DER bytes, signer first.
    pub fn chain_der(&self) -> Result<Vec<Vec<u8>>, SigningError> {
        if self.certificate_chain.is_empty() {
            return Err(SigningError::Certificate);
        }
        self.certificate_chain
            .iter()
            .map(|text| base64_decode(text).map_err(|_| SigningError::Certificate))
            .collect()
    }

    /// The signer's certificate, Base64 DER: the callback's `cert`.
    pub fn signer_certificate_base64(&self) -> Result<&str, SigningError> {
        self.certificate_chain
            .first()
            .map(String::as_str)
            .ok_or(SigningError::Certificate)
    }

    fn certificates(&self) -> Result<Vec<Certificate>, SigningError> {
        self.chain_der()?
            .iter()
            .map(|der| Certificate::from_der(der).map_err(|_| SigningError::Certificate))
            .collect()
    }
}

/// Signs a relying party's `hashCode` as `sigAlgo` asks: for `SHA256withRSA` the 32-byte SHA-256 of the
/// document (verifiable with `openssl dgst -sha256 -verify` against the document), for `NONEwithRSA`
/// the bytes as given (verifiable with `openssl pkeyutl -verify`).
pub fn sign_hash(
    rng: &mut impl CryptoRngCore,
    credential: &SigningCredential,
    algorithm: SignatureAlgorithm,
    hash: &[u8],
) -> Result<Vec<u8>, SigningError> {
    let key = credential.key()?;
    let padding = match algorithm {
        SignatureAlgorithm::Sha256WithRsa => {
            if hash.len() != SHA256_LENGTH {
                return Err(SigningError::DigestLength {
                    expected: SHA256_LENGTH,
                    actual: hash.len(),
                });
            }
            Pkcs1v15Sign::new::<Sha256>()
        }
        SignatureAlgorithm::NoneWithRsa => {
            let limit = key.size().saturating_sub(PKCS1_V15_OVERHEAD);
            if hash.is_empty() || hash.len() > limit {
                return Err(SigningError::TooLong {
                    actual: hash.len(),
                    limit,
                });
            }
            Pkcs1v15Sign::new_unprefixed()
        }
        unsupported => return Err(SigningError::Unsupported(unsupported.as_str())),
    };
    key.sign_with_rng(rng, padding, hash)
        .map_err(|_| SigningError::Encoding)
}

/// A CMS time: UTCTime before 2050, GeneralizedTime from then on, as RFC 5652 §11.3 asks.
pub fn cms_time(epoch_ms: i64) -> Result<Time, SigningError> {
    let seconds = u64::try_from(epoch_ms.div_euclid(1000)).map_err(|_| SigningError::Encoding)?;
    let duration = core::time::Duration::from_secs(seconds);
    if seconds < UTC_TIME_END_SECONDS {
        UtcTime::from_unix_duration(duration)
            .map(Time::UtcTime)
            .map_err(|_| SigningError::Encoding)
    } else {
        GeneralizedTime::from_unix_duration(duration)
            .map(Time::GeneralTime)
            .map_err(|_| SigningError::Encoding)
    }
}

fn attribute(
    oid: x509_cert::der::oid::ObjectIdentifier,
    value: Any,
) -> Result<Attribute, SigningError> {
    let mut values: SetOfVec<AttributeValue> = SetOfVec::new();
    values.insert(value).map_err(|_| SigningError::Encoding)?;
    Ok(Attribute { oid, values })
}

fn encoded<T: Encode>(value: &T) -> Result<Any, SigningError> {
    let der = value.to_der().map_err(|_| SigningError::Encoding)?;
    Any::from_der(&der).map_err(|_| SigningError::Encoding)
}

/// Builds the detached PKCS#7 signature of a PDF: a CMS `SignedData` with no content, whose one signer
/// signs the attributes content type (`id-data`), signing time and message digest (`doc_digest`, the
/// SHA-256 of the PDF's `/ByteRange`), and which carries the whole certificate chain. The result is the
/// DER `ContentInfo` a PDF embeds in `/Contents` and poppler's `pdfsig` checks.
pub fn detached_pkcs7(
    rng: &mut impl CryptoRngCore,
    credential: &SigningCredential,
    doc_digest: &[u8],
    signing_time_ms: i64,
) -> Result<Vec<u8>, SigningError> {
    if doc_digest.len() != SHA256_LENGTH {
        return Err(SigningError::DigestLength {
            expected: SHA256_LENGTH,
            actual: doc_digest.len(),
        });
    }
    let key = credential.key()?;
    let certificates = credential.certificates()?;
    let signer = certificates.first().ok_or(SigningError::Certificate)?;

    let sha256 = AlgorithmIdentifierOwned {
        oid: rfc5912::ID_SHA_256,
        parameters: None,
    };
    let mut signed_attributes: SetOfVec<Attribute> = SetOfVec::new();
    for attribute in [
        attribute(rfc5911::ID_CONTENT_TYPE, encoded(&rfc5911::ID_DATA)?)?,
        attribute(
            rfc5911::ID_SIGNING_TIME,
            encoded(&cms_time(signing_time_ms)?)?,
        )?,
        attribute(
            rfc5911::ID_MESSAGE_DIGEST,
            encoded(&OctetString::new(doc_digest).map_err(|_| SigningError::Encoding)?)?,
        )?,
    ] {
        signed_attributes
            .insert(attribute)
            .map_err(|_| SigningError::Encoding)?;
    }
    // The signature covers the DER of the attributes as a SET OF (RFC 5652 §5.4), not their
    // [0] IMPLICIT form inside SignerInfo.
    let signed_attributes_der = signed_attributes
        .to_der()
        .map_err(|_| SigningError::Encoding)?;
    let signature = key
        .sign_with_rng(
            rng,
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(&signed_attributes_der),
        )
        .map_err(|_| SigningError::Encoding)?;

    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: signer.tbs_certificate.issuer.clone(),
            serial_number: signer.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256.clone(),
        signed_attrs: Some(signed_attributes),
        signature_algorithm: AlgorithmIdentifierOwned {
            oid: rfc5912::RSA_ENCRYPTION,
            parameters: Some(Any::null()),
        },
        signature: OctetString::new(signature).map_err(|_| SigningError::Encoding)?,
        unsigned_attrs: None,
    };
    let mut digest_algorithms = SetOfVec::new();
    digest_algorithms
        .insert(sha256)
        .map_err(|_| SigningError::Encoding)?;
    let mut certificate_set = SetOfVec::new();
    for certificate in certificates {
        certificate_set
            .insert(CertificateChoices::Certificate(certificate))
            .map_err(|_| SigningError::Encoding)?;
    }
    let mut signer_infos = SetOfVec::new();
    signer_infos
        .insert(signer_info)
        .map_err(|_| SigningError::Encoding)?;
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: rfc5911::ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(certificate_set)),
        crls: None,
        signer_infos: SignerInfos(signer_infos),
    };
    ContentInfo {
        content_type: rfc5911::ID_SIGNED_DATA,
        content: encoded(&signed_data)?,
    }
    .to_der()
    .map_err(|_| SigningError::Encoding)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::str::FromStr;
    use std::time::Duration;

    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;
    use rsa::RsaPublicKey;
    use rsa::pkcs1v15::SigningKey;
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::der::asn1::ObjectIdentifier;
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::SubjectPublicKeyInfoOwned;
    use x509_cert::time::Validity;

    use super::*;
    use crate::crypto::tests as testkeys;

    /// A self-signed certificate over the test RP key, which is enough for the structure checks here;
    /// the sandbox CA's tests check real chains with openssl and pdfsig.
    pub(crate) fn credential() -> SigningCredential {
        let key = testkeys::rp_private_key().clone();
        let public_der = RsaPublicKey::from(&key)
            .to_public_key_der()
            .expect("public key encodes");
        let signer = SigningKey::<Sha256>::new(key.clone());
        let certificate = CertificateBuilder::new(
            Profile::Root,
            SerialNumber::from(7u32),
            Validity::from_now(Duration::from_secs(3600)).expect("validity"),
            Name::from_str("CN=Signer test").expect("name"),
            SubjectPublicKeyInfoOwned::from_der(public_der.as_bytes()).expect("spki"),
            &signer,
        )
        .expect("builder")
        .build::<rsa::pkcs1v15::Signature>()
        .expect("certificate");
        SigningCredential {
            private_key: PrivateKeyDer::new(key.to_pkcs8_der().expect("pkcs8").as_bytes().to_vec()),
            certificate_chain: vec![base64_encode(&certificate.to_der().expect("der"))],
        }
    }

    fn public_key() -> RsaPublicKey {
        RsaPublicKey::from(testkeys::rp_private_key())
    }

    #[test]
    fn a_sha256_with_rsa_signature_verifies_against_the_document_hash() {
        let hash = Sha256::digest(b"the document");
        let signature = sign_hash(
            &mut ChaCha20Rng::seed_from_u64(1),
            &credential(),
            SignatureAlgorithm::Sha256WithRsa,
            &hash,
        )
        .expect("signs");
        assert_eq!(signature.len(), 256);
        public_key()
            .verify(Pkcs1v15Sign::new::<Sha256>(), &hash, &signature)
            .expect("verifies");
    }

    #[test]
    fn a_none_with_rsa_signature_covers_the_bytes_as_given() {
        let data = b"any bytes, a DigestInfo if the RP wants one";
        let signature = sign_hash(
            &mut ChaCha20Rng::seed_from_u64(1),
            &credential(),
            SignatureAlgorithm::NoneWithRsa,
            data,
        )
        .expect("signs");
        public_key()
            .verify(Pkcs1v15Sign::new_unprefixed(), data, &signature)
            .expect("verifies");
    }

    #[test]
    fn wrong_lengths_sm2_and_bad_keys_are_errors_not_panics() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let credential = credential();
        assert_eq!(
            sign_hash(
                &mut rng,
                &credential,
                SignatureAlgorithm::Sha256WithRsa,
                b"short"
            ),
            Err(SigningError::DigestLength {
                expected: 32,
                actual: 5
            })
        );
        assert!(matches!(
            sign_hash(
                &mut rng,
                &credential,
                SignatureAlgorithm::NoneWithRsa,
                &[0; 246]
            ),
            Err(SigningError::TooLong { limit: 245, .. })
        ));
        assert_eq!(
            sign_hash(
                &mut rng,
                &credential,
                SignatureAlgorithm::Sm3WithSm2,
                &[0; 32]
            ),
            Err(SigningError::Unsupported("SM3withSM2"))
        );
        let broken = SigningCredential {
            private_key: PrivateKeyDer::new(vec![1, 2, 3]),
            ..credential.clone()
        };
        assert_eq!(
            sign_hash(
                &mut rng,
                &broken,
                SignatureAlgorithm::Sha256WithRsa,
                &[0; 32]
            ),
            Err(SigningError::Key)
        );
        let no_chain = SigningCredential {
            certificate_chain: vec![],
            ..credential
        };
        assert_eq!(
            detached_pkcs7(&mut rng, &no_chain, &[0; 32], 0),
            Err(SigningError::Certificate)
        );
    }

    #[test]
    fn a_detached_pkcs7_signs_the_digest_as_its_message_digest_attribute() {
        let digest = Sha256::digest(b"the byte range of a PDF");
        let der = detached_pkcs7(
            &mut ChaCha20Rng::seed_from_u64(1),
            &credential(),
            &digest,
            1_764_547_200_000,
        )
        .expect("builds");
        let info = ContentInfo::from_der(&der).expect("a ContentInfo");
        assert_eq!(info.content_type, rfc5911::ID_SIGNED_DATA);
        let signed: SignedData = info.content.decode_as().expect("SignedData");
        assert!(signed.encap_content_info.econtent.is_none(), "detached");
        assert_eq!(signed.certificates.expect("certificates").0.len(), 1);
        let signer = signed.signer_infos.0.get(0).expect("one signer").clone();
        let attributes = signer.signed_attrs.expect("signed attributes");
        let find = |oid: ObjectIdentifier| {
            attributes
                .iter()
                .find(|attribute| attribute.oid == oid)
                .and_then(|attribute| attribute.values.get(0))
                .expect("attribute present")
                .clone()
        };
        let message_digest: OctetString = find(rfc5911::ID_MESSAGE_DIGEST)
            .decode_as()
            .expect("octets");
        assert_eq!(message_digest.as_bytes(), digest.as_slice());
        let signing_time =
            Time::from_der(&find(rfc5911::ID_SIGNING_TIME).to_der().expect("der")).expect("time");
        assert_eq!(signing_time.to_unix_duration().as_secs(), 1_764_547_200);
        let content_type: ObjectIdentifier =
            find(rfc5911::ID_CONTENT_TYPE).decode_as().expect("oid");
        assert_eq!(content_type, rfc5911::ID_DATA);
        public_key()
            .verify(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(attributes.to_der().expect("der")),
                signer.signature.as_bytes(),
            )
            .expect("the signature covers the signed attributes");
    }

    #[test]
    fn cms_times_switch_to_generalized_time_in_2050() {
        assert!(matches!(cms_time(0), Ok(Time::UtcTime(_))));
        assert!(matches!(
            cms_time(2_524_608_000_000),
            Ok(Time::GeneralTime(_))
        ));
        assert_eq!(cms_time(-1), Err(SigningError::Encoding));
    }

    #[test]
    fn a_private_key_never_prints_itself() {
        assert_eq!(
            format!("{:?}", PrivateKeyDer::new(vec![1, 2, 3])),
            "PrivateKeyDer(<redacted>)"
        );
    }
}
