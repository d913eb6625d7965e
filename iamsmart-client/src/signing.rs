//! Digital signing as a relying party asks for it (PROTOCOL §4): a hash (`account/signing/…`) or a
//! PDF's byte-range digest (`account/pdfsigning/…`) signed by the logged-in iAM Smart+ user, the
//! 4-digit identification code the RP shows beside its request, the signature read from the
//! callback, and `ackResult`. See [`crate::pdf`] for preparing the PDF and embedding the signature.
//! This module never logs digests, signatures or identifiers.

use mock_iamsmart::client as protocol;
use serde_json::{Map, Value, json};

use crate::client::Client;
use crate::error::Error;
use crate::form_filling::{InitiatedRequest, new_business_id};
use crate::token::Token;

/// The scope a login asks for so that the user can sign later (PROTOCOL §4).
pub const SIGNING_SCOPE: &str = "eidapi_sign";
pub const HASH_SIGNING_PATH: &str = "/api/v1/account/signing/initiateRequest";
pub const PDF_SIGNING_PATH: &str = "/api/v1/account/pdfsigning/initiateRequest";
pub const ACK_RESULT_PATH: &str = "/api/v1/account/signing/ackResult";

/// What to sign and how the app describes it.
#[derive(Debug, Clone)]
pub struct SigningRequest {
    pub business_id: String,
    pub redirect_uri: String,
    pub source: String,
    pub state: Option<String>,
    /// Base64 of the SHA-256 of the document (`hashCode`), or of the PDF's byte range (`docDigest`).
    pub digest_base64: String,
    /// `true` for PDF signing.
    pub pdf: bool,
    pub department: String,
    pub service_name: String,
    pub document_name: String,
}

impl SigningRequest {
    /// A request with a fresh `businessID`, from a desktop browser (`PC_Browser`).
    pub fn new(
        redirect_uri: impl Into<String>,
        digest_base64: impl Into<String>,
        pdf: bool,
    ) -> Self {
        SigningRequest {
            business_id: new_business_id(),
            redirect_uri: redirect_uri.into(),
            source: "PC_Browser".into(),
            state: None,
            digest_base64: digest_base64.into(),
            pdf,
            department: String::new(),
            service_name: String::new(),
            document_name: String::new(),
        }
    }

    fn body(&self, token: &Token) -> Value {
        let mut body = Map::new();
        body.insert("businessID".into(), self.business_id.clone().into());
        body.insert("accessToken".into(), token.access_token.expose().into());
        body.insert("openID".into(), token.open_id.clone().into());
        body.insert("source".into(), self.source.clone().into());
        body.insert("redirectURI".into(), self.redirect_uri.clone().into());
        if let Some(state) = &self.state {
            body.insert("state".into(), state.clone().into());
        }
        if self.pdf {
            body.insert("docDigest".into(), self.digest_base64.clone().into());
        } else {
            body.insert("hashCode".into(), self.digest_base64.clone().into());
            body.insert("sigAlgo".into(), "SHA256withRSA".into());
        }
        for (name, value) in [
            ("department", &self.department),
            ("serviceName", &self.service_name),
            ("documentName", &self.document_name),
        ] {
            if !value.is_empty() {
                body.insert(name.into(), value.clone().into());
            }
        }
        Value::Object(body)
    }

    /// The code to show beside the request, which the app shows too (PROTOCOL §4).
    pub fn identification_code(&self, token: &Token) -> String {
        mock_iamsmart::identification_code::identification_code(&self.digest_base64, &token.open_id)
    }
}

/// A signing callback, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningResult {
    /// `D00000`, or the request's ending code (`D70001` rejected, `D70002` failed, …).
    pub code: String,
    pub business_id: Option<String>,
    /// Base64: the raw signature (hash signing) or the detached PKCS#7 (`pdfSignature`).
    pub signature: Option<String>,
    /// Base64 DER of the signer's certificate.
    pub cert: Option<String>,
}

impl Client {
    /// Asks the logged-in user to sign (`account/signing/…` or `account/pdfsigning/…`).
    pub async fn initiate_signing(
        &self,
        token: &Token,
        request: &SigningRequest,
    ) -> Result<InitiatedRequest, Error> {
        let path = if request.pdf {
            PDF_SIGNING_PATH
        } else {
            HASH_SIGNING_PATH
        };
        self.post_encrypted(path, &request.body(token)).await
    }

    /// Tells iAM Smart what became of the signature: `SR001` accepted, `SR002` rejected, `SR003`
    /// none received.
    pub async fn ack_signing_result(
        &self,
        business_id: &str,
        signing_result: &str,
    ) -> Result<(), Error> {
        let body = json!({"businessID": business_id, "signingResult": signing_result});
        let _: Value = self.post_encrypted(ACK_RESULT_PATH, &body).await?;
        Ok(())
    }

    /// Opens a signing callback exactly as received.
    pub fn open_signing_callback(
        &self,
        body: &[u8],
        content_type: &str,
    ) -> Result<SigningResult, Error> {
        let opened = protocol::open_callback(self.private_key(), body, content_type)?;
        let text = |name: &str| opened.content[name].as_str().map(str::to_owned);
        Ok(SigningResult {
            code: opened.code,
            business_id: text("businessID"),
            signature: text("signature").or_else(|| text("pdfSignature")),
            cert: text("cert"),
        })
    }
}
