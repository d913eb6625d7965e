//! Headless login automation, a sandbox-only extension for an RP's CI: start a login without a browser,
//! then approve or reject it as a persona, and follow the redirect URL iAM Smart would have sent the
//! browser to. The real iAM Smart has none of these routes; an RP's production code never calls them.
//!
//! `approveTicket` and `rejectTicket` are signed like `getKey` and carry plain JSON (not encrypted).
//! This module must never log ticket ids, redirect URLs (they carry the code) or bodies.

use reqwest::header::ACCEPT;
use serde::Deserialize;

use crate::client::Client;
use crate::error::{Error, SUCCESS_CODE};
use crate::login::{LoginRequest, get_qr_url};

pub const APPROVE_TICKET_PATH: &str = "/api/v1/sandbox/approveTicket";
pub const REJECT_TICKET_PATH: &str = "/api/v1/sandbox/rejectTicket";

/// A login started headlessly: the sandbox's JSON answer to `getQR` with `Accept: application/json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StartedLogin {
    #[serde(rename = "ticketID")]
    pub ticket_id: String,
    /// How long the ticket waits for an answer.
    #[serde(rename = "expiresInMs")]
    pub expires_in_ms: i64,
    /// The test app's deep link, which a phone would open.
    #[serde(rename = "appLink")]
    pub app_link: String,
    /// The sandbox's virtual phone for this ticket.
    #[serde(rename = "phoneURL")]
    pub phone_url: String,
    /// Where a browser would poll the ticket.
    #[serde(rename = "statusURL")]
    pub status_url: String,
    /// Set when the sandbox's auto-responder has already answered: where the browser goes next.
    #[serde(rename = "redirectURL", default)]
    pub redirect_url: Option<String>,
}

/// The error body of a refused `getQR`.
#[derive(Deserialize)]
struct RefusedLogin {
    code: String,
    message: String,
}

/// The `content` of an `approveTicket` or `rejectTicket` answer.
#[derive(Deserialize)]
struct AnsweredTicket {
    #[serde(rename = "redirectURL")]
    redirect_url: Option<String>,
}

impl Client {
    /// Starts a login the way a browser would, but asks for JSON instead of the broker page. The
    /// URL is built on `api_base_url`, since the caller is a server or a CI job, not a browser.
    pub async fn start_login(&self, request: &LoginRequest) -> Result<StartedLogin, Error> {
        let config = self.config();
        let url = get_qr_url(&config.api_base_url, &config.client_id, request);
        let response = self
            .http()
            .get(url)
            .header(ACCEPT, "application/json")
            .send()
            .await?;
        let status = response.status();
        let body = response.bytes().await?;
        if status.is_success() {
            return serde_json::from_slice(&body)
                .map_err(|_| Error::UnexpectedResponse("getQR did not answer a started login"));
        }
        match serde_json::from_slice::<RefusedLogin>(&body) {
            Ok(refused) => Err(Error::Protocol {
                code: refused.code,
                message: refused.message,
            }),
            Err(_) => Err(Error::HttpStatus {
                status: status.as_u16(),
            }),
        }
    }

    /// Approves a pending login as the persona `persona_id`; returns the redirect URL carrying the
    /// authorisation code (read it with [`crate::CallbackParams::from_url`]).
    pub async fn approve_ticket(&self, ticket_id: &str, persona_id: &str) -> Result<String, Error> {
        let body = serde_json::json!({ "ticketID": ticket_id, "personaID": persona_id });
        self.answer_ticket(APPROVE_TICKET_PATH, &body).await
    }

    /// Approves a pending profile or form-filling request as `persona_id`, releasing only `fields`
    /// (wire names; the mandatory ones must be among them). The sandbox delivers the callback to the
    /// RP; the returned redirect URL carries `businessID` and `state` (and `code` for an anonymous
    /// request).
    pub async fn approve_ticket_with_fields(
        &self,
        ticket_id: &str,
        persona_id: &str,
        fields: &[&str],
    ) -> Result<String, Error> {
        let body = serde_json::json!({
            "ticketID": ticket_id, "personaID": persona_id, "fields": fields,
        });
        self.answer_ticket(APPROVE_TICKET_PATH, &body).await
    }

    /// Rejects a pending login as its user would; returns the redirect URL carrying
    /// `error_code=D40001`.
    pub async fn reject_ticket(&self, ticket_id: &str) -> Result<String, Error> {
        let body = serde_json::json!({ "ticketID": ticket_id });
        self.answer_ticket(REJECT_TICKET_PATH, &body).await
    }

    async fn answer_ticket(&self, path: &str, body: &serde_json::Value) -> Result<String, Error> {
        let answer = self
            .post_signed(path, body.to_string().into_bytes())
            .await?;
        let envelope = mock_iamsmart::client::parse_envelope(&answer)?;
        if envelope.code != SUCCESS_CODE {
            return Err(Error::Protocol {
                code: envelope.code,
                message: envelope.message,
            });
        }
        let content = envelope.content.ok_or(Error::UnexpectedResponse(
            "the ticket answer has no content",
        ))?;
        let answered: AnsweredTicket = serde_json::from_value(content)
            .map_err(|_| Error::UnexpectedResponse("the ticket answer has an unexpected shape"))?;
        answered.redirect_url.ok_or(Error::UnexpectedResponse(
            "the ticket answer has no redirectURL",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_started_login_reads_the_sandbox_json_with_or_without_a_redirect() {
        let json = r#"{"ticketID":"t","expiresInMs":1080000,"appLink":"hk.gov.iamsmart.testapp://auth?ticketID=t",
            "phoneURL":"http://x/phone","statusURL":"http://x/status","redirectURL":null}"#;
        let started: StartedLogin = serde_json::from_str(json).expect("parses");
        assert_eq!(started.ticket_id, "t");
        assert_eq!(started.expires_in_ms, 1_080_000);
        assert_eq!(started.redirect_url, None);
        let json = json.replace("null", r#""https://rp/cb?code=c&state=s""#);
        let started: StartedLogin = serde_json::from_str(&json).expect("parses");
        assert_eq!(
            started.redirect_url.as_deref(),
            Some("https://rp/cb?code=c&state=s")
        );
    }
}
