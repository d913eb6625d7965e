//! Digital signing (PROTOCOL §4): what a hash-signing or PDF-signing request asks for, how its fields
//! are checked, and the signature the persona makes when the user approves.
//!
//! Fields of `account/signing/initiateRequest` and `account/pdfsigning/initiateRequest` (after the
//! envelope, `businessID`, the access token and `source`/`redirectURI`/`state`, which the ticket
//! machinery checks as for every request), in this order:
//! 1. hash signing: `hashCode` mandatory, Base64 (`D20003` otherwise); `sigAlgo` one of
//!    `SHA256withRSA` (the default), `NONEwithRSA`, `SM3withSM2`, `NONEwithSM2` (`D20003` otherwise);
//!    SM2 is answered `D20003` "not supported in the sandbox"; a `SHA256withRSA` hash must be 32
//!    bytes, a `NONEwithRSA` one at most 245. PDF signing: `docDigest` mandatory, Base64 of 32 bytes;
//! 2. `department` ≤ 100, `serviceName` ≤ 255, `documentName` ≤ 255 characters (`D20003`);
//! 3. `stepupAuthMethod` `{"unary":["FR"]}`, `{"unary":["NFC"]}` or `{"and":["FR","NFC"]}` (as an
//!    object or as its JSON text), `stepupAuthPeriod` a non-negative number (`D20003` otherwise);
//! 4. `HKICHash` (Base64 SHA-256 of the signer's HKID number without its check digit) mandatory for
//!    anonymous requests; when present it must match the signer, else `D70005`. Only iAM Smart+
//!    users sign (`D70004`).
//!
//! The signer's key and certificate come from [`crate::persona_certificate`]; a revoked or expired
//! certificate does not sign (`D70002`). This module never logs a hash, a signature, an HKID or a
//! persona's data.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::codes::{DCode, ProtocolError};
use crate::config::SandboxConfig;
use crate::crypto::{base64_decode, base64_encode};
use crate::host::{self, Host};
use crate::identification_code::{anonymous_identification_code, identification_code};
use crate::identity::date::CivilDate;
use crate::persona::{self, UserType};
use crate::persona_certificate;
use crate::signer::{self, SHA256_LENGTH, SignatureAlgorithm};

pub const HASH_SIGNING_PATH: &str = "/api/v1/account/signing/initiateRequest";
pub const PDF_SIGNING_PATH: &str = "/api/v1/account/pdfsigning/initiateRequest";
pub const ACK_RESULT_PATH: &str = "/api/v1/account/signing/ackResult";
pub const ANONYMOUS_HASH_SIGNING_PATH: &str = "/api/v1/anonymous/signing/initiateRequest";
pub const ANONYMOUS_PDF_SIGNING_PATH: &str = "/api/v1/anonymous/pdfsigning/initiateRequest";
pub const ANONYMOUS_HASH_SIGNING_RESULT_PATH: &str = "/api/v1/anonymous/signing/getResult";
pub const ANONYMOUS_PDF_SIGNING_RESULT_PATH: &str = "/api/v1/anonymous/pdfsigning/getResult";

pub const MAX_DEPARTMENT_LENGTH: usize = 100;
pub const MAX_SERVICE_NAME_LENGTH: usize = 255;
pub const MAX_DOCUMENT_NAME_LENGTH: usize = 255;
/// The most a `NONEwithRSA` request may ask to sign: an RSA-2048 block less PKCS#1 v1.5 padding.
pub const MAX_RAW_SIGNING_BYTES: usize = 245;

type Fields = Map<String, Value>;

/// What is signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SignedDocument {
    /// Hash signing: `hashCode` as sent (Base64) and `sigAlgo`.
    Hash {
        hash_code: String,
        algorithm: SignatureAlgorithm,
    },
    /// PDF signing: `docDigest` as sent (Base64 SHA-256 of the PDF's byte range).
    Pdf { doc_digest: String },
}

impl SignedDocument {
    /// The digest as the relying party sent it, which the identification code is computed from.
    pub fn digest_text(&self) -> &str {
        match self {
            SignedDocument::Hash { hash_code, .. } => hash_code,
            SignedDocument::Pdf { doc_digest } => doc_digest,
        }
    }
}

/// One factor of a step-up re-authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StepUpFactor {
    /// Face recognition.
    #[serde(rename = "FR")]
    FaceRecognition,
    /// Reading the HKID card's chip.
    #[serde(rename = "NFC")]
    ChipRead,
}

impl StepUpFactor {
    /// Reads a wire name (`FR`, `NFC`); `None` for anything else.
    pub fn parse(name: &str) -> Option<StepUpFactor> {
        match name {
            "FR" => Some(StepUpFactor::FaceRecognition),
            "NFC" => Some(StepUpFactor::ChipRead),
            _ => None,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            StepUpFactor::FaceRecognition => "FR",
            StepUpFactor::ChipRead => "NFC",
        }
    }
}

/// How the factors of `stepupAuthMethod` combine: one factor (`unary`), or all of them (`and`). The
/// protocol documents no `or`, so the sandbox refuses one (strict by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepUpCombination {
    Unary,
    And,
}

/// `stepupAuthMethod` and `stepupAuthPeriod`: what the app asks of the user before signing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepUp {
    /// Every factor the user must pass, in the request's order.
    pub factors: Vec<StepUpFactor>,
    /// `stepupAuthPeriod` as sent, when given: seconds.
    #[serde(default)]
    pub period: Option<i64>,
}

impl StepUp {
    /// `unary` for one factor, `and` for several.
    pub fn combination(&self) -> StepUpCombination {
        if self.factors.len() > 1 {
            StepUpCombination::And
        } else {
            StepUpCombination::Unary
        }
    }

    /// The method as the request's JSON object (`{"unary":["FR"]}`, `{"and":["FR","NFC"]}`).
    pub fn method_json(&self) -> Value {
        let names: Vec<Value> = self.factors.iter().map(|f| f.as_str().into()).collect();
        let operator = match self.combination() {
            StepUpCombination::Unary => "unary",
            StepUpCombination::And => "and",
        };
        let mut object = Map::new();
        object.insert(operator.into(), names.into());
        Value::Object(object)
    }
}

/// The fields of a signing request, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningDetails {
    pub document: SignedDocument,
    pub hkic_hash: Option<String>,
    pub department: Option<String>,
    pub service_name: Option<String>,
    pub document_name: Option<String>,
    pub step_up: Option<StepUp>,
}

/// The persona's signature, ready for the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureResult {
    /// Hash signing: Base64 of the raw RSA signature. PDF signing: Base64 DER of the detached PKCS#7.
    pub signature: String,
    /// Base64 DER of the signer's certificate.
    pub cert: String,
    /// When it was signed, epoch ms on the sandbox clock.
    pub timestamp_ms: i64,
}

fn optional_string(fields: &Fields, name: &str) -> Result<Option<String>, ProtocolError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.is_empty() => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(ProtocolError::invalid(name)),
    }
}

fn required_string(fields: &Fields, name: &str) -> Result<String, ProtocolError> {
    match fields.get(name) {
        None | Some(Value::Null) => Err(ProtocolError::missing(name)),
        Some(Value::String(text)) if text.is_empty() => Err(ProtocolError::empty(name)),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(ProtocolError::invalid(name)),
    }
}

fn limited(fields: &Fields, name: &str, limit: usize) -> Result<Option<String>, ProtocolError> {
    match optional_string(fields, name)? {
        Some(text) if text.chars().count() > limit => Err(ProtocolError::invalid(name)),
        other => Ok(other),
    }
}

fn base64_field(fields: &Fields, name: &str) -> Result<(String, Vec<u8>), ProtocolError> {
    let text = required_string(fields, name)?;
    let bytes = base64_decode(&text).map_err(|_| ProtocolError::invalid(name))?;
    Ok((text, bytes))
}

/// `hashCode` and `sigAlgo`, or `docDigest`.
pub(crate) fn document(fields: &Fields, pdf: bool) -> Result<SignedDocument, ProtocolError> {
    if pdf {
        let (doc_digest, bytes) = base64_field(fields, "docDigest")?;
        if bytes.len() != SHA256_LENGTH {
            return Err(ProtocolError::with_message(
                DCode::InvalidParameter,
                "invalid parameter docDigest: expected the Base64 SHA-256 (32 bytes) of the PDF's byte range",
            ));
        }
        return Ok(SignedDocument::Pdf { doc_digest });
    }
    let (hash_code, bytes) = base64_field(fields, "hashCode")?;
    let algorithm = match optional_string(fields, "sigAlgo")? {
        None => SignatureAlgorithm::Sha256WithRsa,
        Some(name) => {
            SignatureAlgorithm::parse(&name).ok_or_else(|| ProtocolError::invalid("sigAlgo"))?
        }
    };
    if !algorithm.is_supported() {
        return Err(ProtocolError::with_message(
            DCode::InvalidParameter,
            format!(
                "invalid parameter sigAlgo: {} is not supported in the sandbox (use SHA256withRSA or NONEwithRSA)",
                algorithm.as_str()
            ),
        ));
    }
    let length_ok = match algorithm {
        SignatureAlgorithm::Sha256WithRsa => bytes.len() == SHA256_LENGTH,
        _ => !bytes.is_empty() && bytes.len() <= MAX_RAW_SIGNING_BYTES,
    };
    if !length_ok {
        return Err(ProtocolError::with_message(
            DCode::InvalidParameter,
            match algorithm {
                SignatureAlgorithm::Sha256WithRsa => {
                    "invalid parameter hashCode: SHA256withRSA expects the Base64 SHA-256 (32 bytes) of the document"
                }
                _ => "invalid parameter hashCode: NONEwithRSA signs at most 245 bytes",
            },
        ));
    }
    Ok(SignedDocument::Hash {
        hash_code,
        algorithm,
    })
}

/// `stepupAuthMethod` (an object or its JSON text) and `stepupAuthPeriod`.
pub(crate) fn step_up(fields: &Fields) -> Result<Option<StepUp>, ProtocolError> {
    let method = match fields.get("stepupAuthMethod") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) if text.is_empty() => None,
        Some(Value::String(text)) => Some(
            serde_json::from_str::<Value>(text)
                .map_err(|_| ProtocolError::invalid("stepupAuthMethod"))?,
        ),
        Some(value) => Some(value.clone()),
    };
    let period = match fields.get("stepupAuthPeriod") {
        None | Some(Value::Null) => None,
        Some(Value::Number(number)) => Some(
            number
                .as_i64()
                .filter(|period| *period >= 0)
                .ok_or_else(|| ProtocolError::invalid("stepupAuthPeriod"))?,
        ),
        Some(Value::String(text)) if text.is_empty() => None,
        Some(Value::String(text)) => Some(
            text.parse::<i64>()
                .ok()
                .filter(|period| *period >= 0)
                .ok_or_else(|| ProtocolError::invalid("stepupAuthPeriod"))?,
        ),
        Some(_) => return Err(ProtocolError::invalid("stepupAuthPeriod")),
    };
    let Some(method) = method else {
        return Ok(None);
    };
    let invalid = || ProtocolError::invalid("stepupAuthMethod");
    let object = method
        .as_object()
        .filter(|object| object.len() == 1)
        .ok_or_else(invalid)?;
    let (operator, operands) = object.iter().next().ok_or_else(invalid)?;
    let names = operands.as_array().ok_or_else(invalid)?;
    let factors = names
        .iter()
        .map(|name| {
            name.as_str()
                .and_then(StepUpFactor::parse)
                .ok_or_else(invalid)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let well_formed = match operator.as_str() {
        "unary" => factors.len() == 1,
        "and" => factors.len() >= 2 && factors.windows(2).all(|pair| pair[0] != pair[1]),
        _ => false,
    };
    if !well_formed {
        return Err(invalid());
    }
    Ok(Some(StepUp { factors, period }))
}

/// Checks the signing fields of a request; `anonymous` makes `HKICHash` mandatory.
pub fn details(
    fields: &Fields,
    pdf: bool,
    anonymous: bool,
) -> Result<SigningDetails, ProtocolError> {
    let document = document(fields, pdf)?;
    let department = limited(fields, "department", MAX_DEPARTMENT_LENGTH)?;
    let service_name = limited(fields, "serviceName", MAX_SERVICE_NAME_LENGTH)?;
    let document_name = limited(fields, "documentName", MAX_DOCUMENT_NAME_LENGTH)?;
    let step_up = step_up(fields)?;
    let hkic_hash = if anonymous {
        Some(required_string(fields, "HKICHash")?)
    } else {
        optional_string(fields, "HKICHash")?
    };
    if let Some(hash) = &hkic_hash
        && base64_decode(hash).map(|bytes| bytes.len()) != Ok(SHA256_LENGTH)
    {
        return Err(ProtocolError::invalid("HKICHash"));
    }
    Ok(SigningDetails {
        document,
        hkic_hash,
        department,
        service_name,
        document_name,
        step_up,
    })
}

/// `HKICHash` of an HKID number without its check digit (`A123456` → Base64 of its SHA-256).
pub fn hkic_hash(identification: &str) -> String {
    base64_encode(&Sha256::digest(identification.as_bytes()))
}

/// The identification code the app shows for this request: from the digest and the `openID` as
/// sent for an authenticated request, from the digest, `HKICHash` and `clientID` for an anonymous one.
pub fn code_for(details: &SigningDetails, open_id: Option<&str>, client_id: &str) -> String {
    match open_id {
        Some(open_id) => identification_code(details.document.digest_text(), open_id),
        None => anonymous_identification_code(
            details.document.digest_text(),
            details.hkic_hash.as_deref().unwrap_or_default(),
            client_id,
        ),
    }
}

/// Whether this persona may sign this request: an iAM Smart+ user (`D70004` otherwise) whose HKID
/// matches `HKICHash` when one was sent (`D70005` otherwise).
pub fn check_signer(
    config: &SandboxConfig,
    persona_id: &str,
    today: CivilDate,
    details: &SigningDetails,
) -> Result<(), ProtocolError> {
    check_signer_identity(config, persona_id, today, details.hkic_hash.as_deref())
}

/// [`check_signer`] for any request that names the signer's `HKICHash` (or not).
pub fn check_signer_identity(
    config: &SandboxConfig,
    persona_id: &str,
    today: CivilDate,
    expected_hkic_hash: Option<&str>,
) -> Result<(), ProtocolError> {
    let persona = persona::find_persona(config, persona_id)
        .ok_or_else(|| ProtocolError::invalid("personaID"))?;
    if persona.user_type != UserType::Sign {
        return Err(ProtocolError::with_message(
            DCode::SigningNotAllowed,
            "not allowed to sign: the user is not an iAM Smart+ user",
        ));
    }
    if let Some(expected) = expected_hkic_hash {
        let actual = persona::profile_on(config, persona_id, today)
            .and_then(|profile| profile.id_no)
            .map(|id| hkic_hash(&id.identification));
        if actual.as_deref() != Some(expected) {
            return Err(ProtocolError::with_message(
                DCode::InconsistentHkic,
                "inconsistent HKIC: HKICHash does not match the signer",
            ));
        }
    }
    Ok(())
}

/// The persona signs: the raw RSA signature of the hash, or the detached PKCS#7 of the PDF digest,
/// with the persona's installed certificate (`D70002` if it has none usable).
pub fn sign(
    host: &mut dyn Host,
    persona_id: &str,
    document: &SignedDocument,
) -> Result<SignatureResult, ProtocolError> {
    let credential = persona_certificate::usable_credential(host, persona_id)?;
    let cert = credential
        .signer_certificate_base64()
        .map_err(|_| ProtocolError::new(DCode::SigningFailed))?
        .to_owned();
    let timestamp_ms = host.sandbox_now_ms();
    let mut rng = host::seeded_rng(host);
    let failed = |_| {
        ProtocolError::with_message(
            DCode::SigningFailed,
            "signing failed: the signature could not be made",
        )
    };
    let signature = match document {
        SignedDocument::Hash {
            hash_code,
            algorithm,
        } => {
            let hash = base64_decode(hash_code).map_err(|_| ProtocolError::invalid("hashCode"))?;
            signer::sign_hash(&mut rng, &credential, *algorithm, &hash).map_err(failed)?
        }
        SignedDocument::Pdf { doc_digest } => {
            let digest =
                base64_decode(doc_digest).map_err(|_| ProtocolError::invalid("docDigest"))?;
            signer::detached_pkcs7(&mut rng, &credential, &digest, timestamp_ms).map_err(failed)?
        }
    };
    Ok(SignatureResult {
        signature: base64_encode(&signature),
        cert,
        timestamp_ms,
    })
}

/// The result fields a callback or `getResult` carries after `businessID` and `state`: for hash
/// signing `hashCode`, `sigAlgo`, `timestamp`, `signature`, `cert`; for PDF signing `docDigest`,
/// `timestamp`, `pdfSignature`, `cert`.
pub fn result_fields(document: &SignedDocument, result: &SignatureResult) -> Fields {
    let mut content = Fields::new();
    match document {
        SignedDocument::Hash {
            hash_code,
            algorithm,
        } => {
            content.insert("hashCode".into(), hash_code.clone().into());
            content.insert("sigAlgo".into(), algorithm.as_str().into());
            content.insert("timestamp".into(), result.timestamp_ms.into());
            content.insert("signature".into(), result.signature.clone().into());
        }
        SignedDocument::Pdf { doc_digest } => {
            content.insert("docDigest".into(), doc_digest.clone().into());
            content.insert("timestamp".into(), result.timestamp_ms.into());
            content.insert("pdfSignature".into(), result.signature.clone().into());
        }
    }
    content.insert("cert".into(), result.cert.clone().into());
    content
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: Value) -> Fields {
        value.as_object().cloned().expect("an object")
    }

    fn hash_b64() -> String {
        base64_encode(&Sha256::digest(b"doc"))
    }

    fn code(result: Result<SigningDetails, ProtocolError>) -> (String, String) {
        let error = result.expect_err("an error");
        (error.code.code().to_owned(), error.message)
    }

    #[test]
    fn a_hash_request_defaults_to_sha256_with_rsa_and_keeps_the_display_fields() {
        let parsed = details(
            &fields(
                json!({"hashCode": hash_b64(), "department": "Dept", "serviceName": "Svc",
                "documentName": "Agreement.pdf"}),
            ),
            false,
            false,
        )
        .expect("parses");
        assert_eq!(
            parsed.document,
            SignedDocument::Hash {
                hash_code: hash_b64(),
                algorithm: SignatureAlgorithm::Sha256WithRsa
            }
        );
        assert_eq!(parsed.document_name.as_deref(), Some("Agreement.pdf"));
        assert_eq!(parsed.step_up, None);
    }

    #[test]
    fn bad_hashes_algorithms_and_lengths_are_invalid_parameters() {
        let check = |value: Value| code(details(&fields(value), false, false));
        assert_eq!(check(json!({})).0, "D20001");
        assert_eq!(check(json!({"hashCode": ""})).0, "D20002");
        assert_eq!(check(json!({"hashCode": "not base64!"})).0, "D20003");
        assert!(
            check(json!({"hashCode": base64_encode(b"short")}))
                .1
                .contains("32 bytes")
        );
        assert!(
            check(json!({"hashCode": hash_b64(), "sigAlgo": "SM3withSM2"}))
                .1
                .contains("not supported in the sandbox")
        );
        assert_eq!(
            check(json!({"hashCode": hash_b64(), "sigAlgo": "MD5withRSA"})).0,
            "D20003"
        );
        assert!(
            check(json!({"hashCode": base64_encode(&[1; 246]), "sigAlgo": "NONEwithRSA"}))
                .1
                .contains("245")
        );
        assert_eq!(
            check(json!({"hashCode": hash_b64(), "department": "d".repeat(101)})).1,
            "invalid parameter department"
        );
        let pdf = |value: Value| code(details(&fields(value), true, false));
        assert_eq!(pdf(json!({"hashCode": hash_b64()})).0, "D20001");
        assert!(
            pdf(json!({"docDigest": base64_encode(b"x")}))
                .1
                .contains("byte range")
        );
    }

    #[test]
    fn step_up_methods_are_read_from_objects_or_their_json_text() {
        let read = |method: Value, period: Value| {
            details(
                &fields(json!({"hashCode": hash_b64(), "stepupAuthMethod": method,
                    "stepupAuthPeriod": period})),
                false,
                false,
            )
            .map(|parsed| parsed.step_up)
        };
        assert_eq!(
            read(json!({"unary": ["FR"]}), json!(300)),
            Ok(Some(StepUp {
                factors: vec![StepUpFactor::FaceRecognition],
                period: Some(300)
            }))
        );
        assert_eq!(
            read(json!(r#"{"and":["FR","NFC"]}"#), Value::Null),
            Ok(Some(StepUp {
                factors: vec![StepUpFactor::FaceRecognition, StepUpFactor::ChipRead],
                period: None
            }))
        );
        for bad in [
            json!({"unary": ["FR", "NFC"]}),
            json!({"and": ["FR"]}),
            json!({"or": ["FR", "NFC"]}),
            json!({"unary": ["IRIS"]}),
            json!("{not json"),
        ] {
            assert!(read(bad, Value::Null).is_err());
        }
        assert!(read(json!({"unary": ["NFC"]}), json!(-1)).is_err());
    }

    #[test]
    fn anonymous_requests_need_a_well_formed_hkic_hash() {
        assert_eq!(
            code(details(
                &fields(json!({"hashCode": hash_b64()})),
                false,
                true
            ))
            .0,
            "D20001"
        );
        assert_eq!(
            code(details(
                &fields(json!({"hashCode": hash_b64(), "HKICHash": "abc"})),
                false,
                true
            ))
            .0,
            "D20003"
        );
        let parsed = details(
            &fields(json!({"hashCode": hash_b64(), "HKICHash": hkic_hash("A123456")})),
            false,
            true,
        )
        .expect("parses");
        assert_eq!(parsed.hkic_hash, Some(hkic_hash("A123456")));
    }

    #[test]
    fn the_hkic_hash_is_the_base64_sha256_of_the_number_without_check_digit() {
        // printf 'A123456' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            hkic_hash("A123456"),
            base64_encode(&Sha256::digest(b"A123456"))
        );
        assert_eq!(hkic_hash("A123456").len(), 44);
    }

    #[test]
    fn only_iam_smart_plus_users_with_a_matching_hkid_may_sign() {
        let config = crate::testkit::config();
        let today = CivilDate::new(2026, 12, 1).expect("date");
        let plain =
            details(&fields(json!({"hashCode": hash_b64()})), false, false).expect("parses");
        assert_eq!(
            check_signer(&config, persona::IAMSMART_USER, today, &plain).map_err(|e| e.code),
            Err(DCode::SigningNotAllowed)
        );
        assert_eq!(
            check_signer(&config, persona::IAMSMART_PLUS_USER, today, &plain),
            Ok(())
        );
        let identification = persona::profile_on(&config, persona::IAMSMART_PLUS_USER, today)
            .and_then(|profile| profile.id_no)
            .expect("an HKID")
            .identification;
        let mut matching = plain.clone();
        matching.hkic_hash = Some(hkic_hash(&identification));
        assert_eq!(
            check_signer(&config, persona::IAMSMART_PLUS_USER, today, &matching),
            Ok(())
        );
        let mut other = plain;
        other.hkic_hash = Some(hkic_hash("Z999999"));
        assert_eq!(
            check_signer(&config, persona::IAMSMART_PLUS_USER, today, &other).map_err(|e| e.code),
            Err(DCode::InconsistentHkic)
        );
    }

    #[test]
    fn result_fields_name_the_signature_as_each_api_does() {
        let result = SignatureResult {
            signature: "sig".into(),
            cert: "cert".into(),
            timestamp_ms: 5,
        };
        let hash = result_fields(
            &SignedDocument::Hash {
                hash_code: "h".into(),
                algorithm: SignatureAlgorithm::NoneWithRsa,
            },
            &result,
        );
        assert_eq!(
            Value::Object(hash),
            json!({"hashCode": "h", "sigAlgo": "NONEwithRSA", "timestamp": 5, "signature": "sig", "cert": "cert"})
        );
        let pdf = result_fields(
            &SignedDocument::Pdf {
                doc_digest: "d".into(),
            },
            &result,
        );
        assert_eq!(
            Value::Object(pdf),
            json!({"docDigest": "d", "timestamp": 5, "pdfSignature": "sig", "cert": "cert"})
        );
    }
}
