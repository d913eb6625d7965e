//! The one error type of the client, with variants a relying party acts on: a D-code from iAM Smart,
//! a transport failure, a response the protocol does not describe, a cryptographic failure, or a bad
//! configuration.
//!
//! Messages must never carry secrets, tokens, authorisation codes, openIDs, request URLs or bodies:
//! RPs log these errors, so whatever goes into a message ends up in someone's log files.

use mock_iamsmart::client::ClientError;
use mock_iamsmart::crypto::CryptoError;

/// The code of a successful envelope.
pub const SUCCESS_CODE: &str = "D00000";
/// "CEK not exist or expired": the RP must call `getKey` again (PROTOCOL §1.3).
pub const CEK_EXPIRED_CODE: &str = "D30002";

/// What can go wrong when talking to iAM Smart.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// iAM Smart answered with a D-code other than `D00000`.
    #[error("iAM Smart answered {code}: {message}")]
    Protocol { code: String, message: String },
    /// The request did not get an HTTP answer (connection refused, timeout, …). The URL is stripped.
    #[error("the HTTP request to iAM Smart failed")]
    Http(#[source] reqwest::Error),
    /// The server answered with an HTTP error status and no protocol envelope.
    #[error("iAM Smart answered HTTP {status} without a protocol envelope")]
    HttpStatus { status: u16 },
    /// The answer was not what the protocol describes (not JSON, a missing field, …).
    #[error("iAM Smart's answer has an unexpected shape: {0}")]
    UnexpectedResponse(&'static str),
    /// A content key or content did not decrypt or encrypt.
    #[error("content encryption failed: {0}")]
    Crypto(#[from] CryptoError),
    /// The [`crate::ClientConfig`] cannot work; the message names the field, never its value.
    #[error("the iAM Smart client configuration is invalid: {0}")]
    BadConfig(String),
}

impl Error {
    /// The D-code when iAM Smart answered with one.
    pub fn protocol_code(&self) -> Option<&str> {
        match self {
            Error::Protocol { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether iAM Smart answered with exactly this D-code, for example `D40004`.
    pub fn is_protocol_code(&self, code: &str) -> bool {
        self.protocol_code() == Some(code)
    }
}

impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        // Request URLs can carry a login's state or a client ID, so they stay out of messages.
        Error::Http(error.without_url())
    }
}

impl From<ClientError> for Error {
    fn from(error: ClientError) -> Self {
        match error {
            ClientError::Failed { code, message } => Error::Protocol { code, message },
            ClientError::Crypto(error) => Error::Crypto(error),
            ClientError::NotAnEnvelope => Error::UnexpectedResponse("not a protocol envelope"),
            ClientError::UnexpectedContent => {
                Error::UnexpectedResponse("the content is not what the API returns")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_errors_expose_their_d_code() {
        let error: Error = ClientError::Failed {
            code: "D40004".into(),
            message: "auth code not exist or expired".into(),
        }
        .into();
        assert_eq!(error.protocol_code(), Some("D40004"));
        assert!(error.is_protocol_code("D40004"));
        assert!(!error.is_protocol_code("D30002"));
        assert_eq!(
            error.to_string(),
            "iAM Smart answered D40004: auth code not exist or expired"
        );
        assert_eq!(Error::HttpStatus { status: 502 }.protocol_code(), None);
    }

    #[test]
    fn envelope_problems_become_unexpected_responses() {
        let error: Error = ClientError::NotAnEnvelope.into();
        assert!(matches!(error, Error::UnexpectedResponse(_)));
        let error: Error = ClientError::Crypto(CryptoError::AuthenticationFailed).into();
        assert!(matches!(error, Error::Crypto(_)));
    }
}
