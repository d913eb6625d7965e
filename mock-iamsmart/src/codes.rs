//! The iAM Smart return codes ("D-codes", PROTOCOL §8) and the error type that carries one.
//!
//! Every failure a client can cause ends as a [`ProtocolError`]: a D-code plus an English message that
//! says which parameter was wrong. This module must never put secrets, tokens or request bodies into a
//! message, because messages go back to clients and into logs.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One of the ten bulk-signing codes `D71000`–`D71009`.
///
/// Their individual meanings are not published (PROTOCOL §6 infers the range from the CorpID clone), so
/// the sandbox keeps only the number instead of inventing names for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BulkSigningCode(u8);

impl BulkSigningCode {
    /// The code `D7100{n}`, or `None` when `n` is outside 0–9.
    pub fn new(n: u8) -> Option<Self> {
        (n <= 9).then_some(Self(n))
    }

    /// The last digit of the code.
    pub fn number(self) -> u8 {
        self.0
    }
}

/// A D-code from PROTOCOL §8. Variants documented as "inferred" are marked \[I\] in the protocol: numbered
/// by analogy with the CorpID clone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DCode {
    /// `D00000`: success.
    Success,
    /// `D10001`: the app (here: the persona's iAM Smart account) is suspended.
    AccountSuspended,
    /// `D20000`: unknown exception; the sandbox uses it for its own configuration faults.
    UnknownException,
    /// `D20001`: parameter {x} missing.
    ParameterMissing,
    /// `D20002`: empty parameter {x}.
    EmptyParameter,
    /// `D20003`: invalid parameter {x}.
    InvalidParameter,
    /// `D20004`: duplicated request (nonce reuse, stale timestamp, a ticket answered twice).
    DuplicatedRequest,
    /// `D20005`: unsupported signature method.
    UnsupportedSignatureMethod,
    /// `D20006`: signature verification failed.
    SignatureVerificationFailed,
    /// `D20007`: unsupported source.
    UnsupportedSource,
    /// `D20008`: invalid e-service (redirect) URL.
    InvalidServiceUrl,
    /// `D20009`: accessToken does not exist or has expired.
    AccessTokenInvalid,
    /// `D20010`: openID does not exist.
    OpenIdNotFound,
    /// `D20011`: duplicated businessID.
    DuplicatedBusinessId,
    /// `D20012`: insufficient permission.
    InsufficientPermission,
    /// `D20015`: requested scope is not granted to the client.
    ScopeMismatch,
    /// `D30001`: key-encryption-key (the RP's RSA key) problem.
    KekError,
    /// `D30002`: content encryption key does not exist or has expired.
    CekNotFound,
    /// `D30003`: encryption failed.
    EncryptionFailed,
    /// `D30004`: decryption failed.
    DecryptionFailed,
    /// `D40000`: the user cancelled.
    UserCancelled,
    /// `D40001`: the user rejected.
    UserRejected,
    /// `D40002`: authentication failed (inferred).
    AuthenticationFailed,
    /// `D40003`: the user did not answer in time.
    AuthenticationTimeout,
    /// `D40004`: authorisation code does not exist or has expired.
    AuthorisationCodeInvalid,
    /// `D50001`: profile request rejected (inferred).
    ProfileRejected,
    /// `D50002`: profile request failed (inferred).
    ProfileFailed,
    /// `D50003`: profile request timed out (inferred).
    ProfileTimeout,
    /// `D60000`: form filling cancelled (inferred).
    FormFillingCancelled,
    /// `D60001`: form filling rejected (inferred).
    FormFillingRejected,
    /// `D60002`: form filling failed (inferred).
    FormFillingFailed,
    /// `D60003`: form filling timed out (inferred).
    FormFillingTimeout,
    /// `D70000`: signing cancelled (inferred).
    SigningCancelled,
    /// `D70001`: signing rejected (inferred).
    SigningRejected,
    /// `D70002`: signing failed (inferred).
    SigningFailed,
    /// `D70003`: signing timed out (inferred).
    SigningTimeout,
    /// `D70004`: the user is not allowed to sign (not iAM Smart+) (inferred).
    SigningNotAllowed,
    /// `D70005`: HKICHash does not match the signer (inferred).
    InconsistentHkic,
    /// `D70006`: signing acknowledgement failed (inferred).
    SigningAckFailed,
    /// `D71000`–`D71009`: bulk signing (inferred).
    BulkSigning(BulkSigningCode),
    /// `D80001`: re-authentication rejected (inferred).
    ReauthenticationRejected,
    /// `D80002`: re-authentication failed (inferred).
    ReauthenticationFailed,
    /// `D80003`: re-authentication timed out (inferred).
    ReauthenticationTimeout,
    /// `D99990`: unhandled request or error.
    Unhandled,
    /// `D99992`: authorisation failed (unknown client).
    AuthorisationFailed,
}

/// The ten bulk-signing code strings, indexed by their last digit, so `code()` can stay `&'static str`.
const BULK_SIGNING_CODES: [&str; 10] = [
    "D71000", "D71001", "D71002", "D71003", "D71004", "D71005", "D71006", "D71007", "D71008",
    "D71009",
];

impl DCode {
    /// Every code once, in numeric order; tests and documentation generators iterate over it.
    pub fn all() -> Vec<DCode> {
        let mut all = vec![
            DCode::Success,
            DCode::AccountSuspended,
            DCode::UnknownException,
            DCode::ParameterMissing,
            DCode::EmptyParameter,
            DCode::InvalidParameter,
            DCode::DuplicatedRequest,
            DCode::UnsupportedSignatureMethod,
            DCode::SignatureVerificationFailed,
            DCode::UnsupportedSource,
            DCode::InvalidServiceUrl,
            DCode::AccessTokenInvalid,
            DCode::OpenIdNotFound,
            DCode::DuplicatedBusinessId,
            DCode::InsufficientPermission,
            DCode::ScopeMismatch,
            DCode::KekError,
            DCode::CekNotFound,
            DCode::EncryptionFailed,
            DCode::DecryptionFailed,
            DCode::UserCancelled,
            DCode::UserRejected,
            DCode::AuthenticationFailed,
            DCode::AuthenticationTimeout,
            DCode::AuthorisationCodeInvalid,
            DCode::ProfileRejected,
            DCode::ProfileFailed,
            DCode::ProfileTimeout,
            DCode::FormFillingCancelled,
            DCode::FormFillingRejected,
            DCode::FormFillingFailed,
            DCode::FormFillingTimeout,
            DCode::SigningCancelled,
            DCode::SigningRejected,
            DCode::SigningFailed,
            DCode::SigningTimeout,
            DCode::SigningNotAllowed,
            DCode::InconsistentHkic,
            DCode::SigningAckFailed,
        ];
        all.extend(
            (0..=9)
                .filter_map(BulkSigningCode::new)
                .map(DCode::BulkSigning),
        );
        all.extend([
            DCode::ReauthenticationRejected,
            DCode::ReauthenticationFailed,
            DCode::ReauthenticationTimeout,
            DCode::Unhandled,
            DCode::AuthorisationFailed,
        ]);
        all
    }

    /// The wire form, for example `"D20006"`.
    pub fn code(self) -> &'static str {
        match self {
            DCode::Success => "D00000",
            DCode::AccountSuspended => "D10001",
            DCode::UnknownException => "D20000",
            DCode::ParameterMissing => "D20001",
            DCode::EmptyParameter => "D20002",
            DCode::InvalidParameter => "D20003",
            DCode::DuplicatedRequest => "D20004",
            DCode::UnsupportedSignatureMethod => "D20005",
            DCode::SignatureVerificationFailed => "D20006",
            DCode::UnsupportedSource => "D20007",
            DCode::InvalidServiceUrl => "D20008",
            DCode::AccessTokenInvalid => "D20009",
            DCode::OpenIdNotFound => "D20010",
            DCode::DuplicatedBusinessId => "D20011",
            DCode::InsufficientPermission => "D20012",
            DCode::ScopeMismatch => "D20015",
            DCode::KekError => "D30001",
            DCode::CekNotFound => "D30002",
            DCode::EncryptionFailed => "D30003",
            DCode::DecryptionFailed => "D30004",
            DCode::UserCancelled => "D40000",
            DCode::UserRejected => "D40001",
            DCode::AuthenticationFailed => "D40002",
            DCode::AuthenticationTimeout => "D40003",
            DCode::AuthorisationCodeInvalid => "D40004",
            DCode::ProfileRejected => "D50001",
            DCode::ProfileFailed => "D50002",
            DCode::ProfileTimeout => "D50003",
            DCode::FormFillingCancelled => "D60000",
            DCode::FormFillingRejected => "D60001",
            DCode::FormFillingFailed => "D60002",
            DCode::FormFillingTimeout => "D60003",
            DCode::SigningCancelled => "D70000",
            DCode::SigningRejected => "D70001",
            DCode::SigningFailed => "D70002",
            DCode::SigningTimeout => "D70003",
            DCode::SigningNotAllowed => "D70004",
            DCode::InconsistentHkic => "D70005",
            DCode::SigningAckFailed => "D70006",
            DCode::BulkSigning(code) => BULK_SIGNING_CODES
                .get(usize::from(code.number()))
                .copied()
                // The constructor keeps the number below ten, so this fallback is unreachable; it exists
                // only so that no index can panic.
                .unwrap_or("D71000"),
            DCode::ReauthenticationRejected => "D80001",
            DCode::ReauthenticationFailed => "D80002",
            DCode::ReauthenticationTimeout => "D80003",
            DCode::Unhandled => "D99990",
            DCode::AuthorisationFailed => "D99992",
        }
    }

    /// The generic English message; [`ProtocolError`] constructors add the parameter name where the
    /// real service does ("parameter nonce missing").
    pub fn message(self) -> &'static str {
        match self {
            // Clients compare this exact string (PROTOCOL §11.5).
            DCode::Success => "SUCCESS",
            DCode::AccountSuspended => "iAM Smart account suspended",
            DCode::UnknownException => "unknown exception",
            DCode::ParameterMissing => "parameter missing",
            DCode::EmptyParameter => "empty parameter",
            DCode::InvalidParameter => "invalid parameter",
            DCode::DuplicatedRequest => "duplicated request",
            DCode::UnsupportedSignatureMethod => "unsupported signature method",
            DCode::SignatureVerificationFailed => "signature verification failed",
            DCode::UnsupportedSource => "unsupported source",
            DCode::InvalidServiceUrl => "invalid e-service URL",
            DCode::AccessTokenInvalid => "accessToken not exist or expired",
            DCode::OpenIdNotFound => "openID not exist",
            DCode::DuplicatedBusinessId => "duplicated businessID",
            DCode::InsufficientPermission => "insufficient permission",
            DCode::ScopeMismatch => "scope mismatch",
            DCode::KekError => "key encryption key error",
            DCode::CekNotFound => "CEK not exist or expired",
            DCode::EncryptionFailed => "encryption error",
            DCode::DecryptionFailed => "decryption error",
            DCode::UserCancelled => "user cancelled",
            DCode::UserRejected => "user rejected",
            DCode::AuthenticationFailed => "authentication failed",
            DCode::AuthenticationTimeout => "authentication timeout",
            DCode::AuthorisationCodeInvalid => "auth code not exist or expired",
            DCode::ProfileRejected => "profile request rejected",
            DCode::ProfileFailed => "profile request failed",
            DCode::ProfileTimeout => "profile request timeout",
            DCode::FormFillingCancelled => "form filling cancelled",
            DCode::FormFillingRejected => "form filling rejected",
            DCode::FormFillingFailed => "form filling failed",
            DCode::FormFillingTimeout => "form filling timeout",
            DCode::SigningCancelled => "signing cancelled",
            DCode::SigningRejected => "signing rejected",
            DCode::SigningFailed => "signing failed",
            DCode::SigningTimeout => "signing timeout",
            DCode::SigningNotAllowed => "user not allowed to sign",
            DCode::InconsistentHkic => "inconsistent HKIC",
            DCode::SigningAckFailed => "signing acknowledgement failed",
            DCode::BulkSigning(_) => "bulk signing error",
            DCode::ReauthenticationRejected => "re-authentication rejected",
            DCode::ReauthenticationFailed => "re-authentication failed",
            DCode::ReauthenticationTimeout => "re-authentication timeout",
            DCode::Unhandled => "unhandled request",
            DCode::AuthorisationFailed => "authorisation failed",
        }
    }

    /// Parses the wire form back; unknown codes give `None`.
    pub fn from_code(code: &str) -> Option<DCode> {
        DCode::all()
            .into_iter()
            .find(|candidate| candidate.code() == code)
    }
}

impl fmt::Display for DCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

// D-codes cross the wasm boundary and reach the portal as their wire strings, so serde uses `code()`
// rather than the Rust variant names.
impl Serialize for DCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for DCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DCode::from_code(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown D-code {text:?}")))
    }
}

/// A failure to report to the client: a D-code and the message to send with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ProtocolError {
    pub code: DCode,
    pub message: String,
}

impl ProtocolError {
    /// The code with its generic message.
    pub fn new(code: DCode) -> Self {
        Self {
            code,
            message: code.message().to_owned(),
        }
    }

    /// The code with a more specific message.
    pub fn with_message(code: DCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// `D20001 parameter {name} missing`.
    pub fn missing(name: &str) -> Self {
        Self::with_message(DCode::ParameterMissing, format!("parameter {name} missing"))
    }

    /// `D20002 empty parameter {name}`.
    pub fn empty(name: &str) -> Self {
        Self::with_message(DCode::EmptyParameter, format!("empty parameter {name}"))
    }

    /// `D20003 invalid parameter {name}`.
    pub fn invalid(name: &str) -> Self {
        Self::with_message(DCode::InvalidParameter, format!("invalid parameter {name}"))
    }
}

impl From<DCode> for ProtocolError {
    fn from(code: DCode) -> Self {
        Self::new(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_a_d_followed_by_five_digits_and_unique() {
        let all = DCode::all();
        let mut seen = std::collections::BTreeSet::new();
        for code in &all {
            let text = code.code();
            assert_eq!(text.len(), 6, "{text}");
            assert!(text.starts_with('D'), "{text}");
            assert!(text[1..].bytes().all(|b| b.is_ascii_digit()), "{text}");
            assert!(seen.insert(text), "{text} appears twice");
            assert!(!code.message().is_empty());
        }
        assert_eq!(all.len(), 54);
    }

    #[test]
    fn codes_parse_back_from_their_wire_form() {
        for code in DCode::all() {
            assert_eq!(DCode::from_code(code.code()), Some(code));
        }
        assert_eq!(DCode::from_code("D12345"), None);
        assert_eq!(DCode::from_code(""), None);
    }

    #[test]
    fn the_protocol_codes_have_their_documented_numbers() {
        assert_eq!(DCode::Success.code(), "D00000");
        assert_eq!(DCode::Success.message(), "SUCCESS");
        assert_eq!(DCode::SignatureVerificationFailed.code(), "D20006");
        assert_eq!(DCode::CekNotFound.code(), "D30002");
        assert_eq!(DCode::AuthorisationCodeInvalid.code(), "D40004");
        assert_eq!(DCode::ScopeMismatch.code(), "D20015");
        assert_eq!(DCode::AuthorisationFailed.code(), "D99992");
        let seen_in_the_wild = BulkSigningCode::new(2).map(DCode::BulkSigning);
        assert_eq!(seen_in_the_wild.map(DCode::code), Some("D71002"));
    }

    #[test]
    fn bulk_signing_codes_stop_at_nine() {
        assert!(BulkSigningCode::new(9).is_some());
        assert!(BulkSigningCode::new(10).is_none());
    }

    #[test]
    fn codes_serialise_as_their_wire_strings() {
        let json = serde_json::to_string(&DCode::UnsupportedSource).expect("a code serialises");
        assert_eq!(json, "\"D20007\"");
        let parsed: Result<DCode, _> = serde_json::from_str("\"D40003\"");
        assert_eq!(parsed.ok(), Some(DCode::AuthenticationTimeout));
        assert!(serde_json::from_str::<DCode>("\"Success\"").is_err());
    }

    #[test]
    fn error_constructors_name_the_parameter() {
        assert_eq!(
            ProtocolError::missing("nonce"),
            ProtocolError {
                code: DCode::ParameterMissing,
                message: "parameter nonce missing".into()
            }
        );
        assert_eq!(
            ProtocolError::empty("scope").message,
            "empty parameter scope"
        );
        assert_eq!(ProtocolError::invalid("state").code.code(), "D20003");
        assert_eq!(
            ProtocolError::invalid("state").to_string(),
            "D20003: invalid parameter state"
        );
    }
}
