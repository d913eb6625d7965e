//! The sandbox-only automation API: signed POSTs under `/api/v1/sandbox/` that answer a pending login
//! as a persona, so a relying party's own CI can finish a login with no browser and no phone.
//!
//! These routes do not exist in the real iAM Smart. They are authenticated exactly like the real APIs
//! (the five signed headers, nonce and timestamp checks), but their bodies and `content` are plain JSON
//! rather than AES-GCM ciphertext, so a test can call them with nothing more than the client secret:
//! - `approveTicket` `{"ticketID","personaID"}` → `{"ticketID","state":"approved","redirectURL"}`;
//!   for a profile or form-filling request an optional `"fields":[…]` releases only those fields (the
//!   user unticked the others; mandatory ones must stay), and the answer adds `"kind"` and
//!   `"businessID"`; the relying party's callback is delivered as the phone's would be;
//!   a request that asks for step-up (a signing request's `stepupAuthMethod`, a step-up request)
//!   takes `"stepUp":["FR","NFC"]` to complete those factors first, as the phone's simulated face
//!   recognition and chip read would; approving a bulk-signing request answers at once and the
//!   signatures follow as callbacks;
//! - `completeStepup` `{"ticketID","personaID","method":"FR"|"NFC"}` → `{"ticketID","stepUp":{
//!   "combination","methods","periodSeconds","done","missing","satisfied"}}`: one factor on its own,
//!   for a CI that wants to check the refusal (`D80002`) before the step;
//! - `rejectTicket` `{"ticketID"}` → `{"ticketID","state":"rejected","redirectURL"}` (`D40001`);
//! - `pendingTickets` `{}` → `{"tickets":[{"ticketID","scope","source","expiresInMs","kind","businessID"}]}`.
//!
//! Errors are the login state machine's D-codes. This module never logs ticket IDs, codes or URLs.

use serde_json::{Map, Value, json};

use crate::api::Answer;
use crate::codes::ProtocolError;
use crate::config::SandboxConfig;
use crate::host::Host;
use crate::login::{self, TicketStatus};

pub const APPROVE_TICKET_PATH: &str = "/api/v1/sandbox/approveTicket";
pub const REJECT_TICKET_PATH: &str = "/api/v1/sandbox/rejectTicket";
pub const PENDING_TICKETS_PATH: &str = "/api/v1/sandbox/pendingTickets";
pub const COMPLETE_STEP_UP_PATH: &str = "/api/v1/sandbox/completeStepup";

/// The request body as a JSON object; an absent or empty body counts as `{}`.
fn body_object(body: &[u8]) -> Result<Map<String, Value>, ProtocolError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(ProtocolError::invalid("body")),
    }
}

fn string_field(object: &Map<String, Value>, name: &str) -> Result<String, ProtocolError> {
    match object.get(name) {
        None | Some(Value::Null) => Err(ProtocolError::missing(name)),
        Some(Value::String(text)) if text.is_empty() => Err(ProtocolError::empty(name)),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(ProtocolError::invalid(name)),
    }
}

fn answered(status: TicketStatus) -> Answer {
    let mut content = json!({
        "ticketID": status.ticket_id,
        "state": status.state.as_str(),
        "redirectURL": status.redirect_url,
    });
    if let Some(business_id) = &status.business_id {
        content["kind"] = status.kind.as_str().into();
        content["businessID"] = business_id.clone().into();
    }
    Answer {
        content: Some(content),
        continue_bulk_signing: status.signing_continues.then(|| status.ticket_id.clone()),
        callbacks: status.callbacks,
    }
}

/// An optional list of field names.
fn field_list(
    object: &Map<String, Value>,
    name: &str,
) -> Result<Option<Vec<String>>, ProtocolError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| ProtocolError::invalid(name))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(ProtocolError::invalid(name)),
    }
}

/// `approveTicket`: the persona approves on the (virtual) phone.
pub(crate) fn approve_ticket(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Answer, ProtocolError> {
    let object = body_object(body)?;
    let ticket_id = string_field(&object, "ticketID")?;
    let persona_id = string_field(&object, "personaID")?;
    for method in field_list(&object, "stepUp")?.unwrap_or_default() {
        login::complete_step_up(host, config, &ticket_id, &persona_id, &method)?;
    }
    let status = match field_list(&object, "fields")? {
        Some(fields) => {
            login::approve_ticket_with_fields(host, config, &ticket_id, &persona_id, &fields)?
        }
        None => login::approve_ticket(host, config, &ticket_id, &persona_id)?,
    };
    Ok(answered(status))
}

/// `completeStepup`: the persona passes one step-up factor.
pub(crate) fn complete_step_up(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Answer, ProtocolError> {
    let object = body_object(body)?;
    let ticket_id = string_field(&object, "ticketID")?;
    let persona_id = string_field(&object, "personaID")?;
    let method = string_field(&object, "method")?;
    let details = login::complete_step_up(host, config, &ticket_id, &persona_id, &method)?;
    let step_up = details.step_up.map(|status| {
        json!({
            "combination": status.combination,
            "methods": status.methods,
            "periodSeconds": status.period_seconds,
            "done": status.done,
            "missing": status.missing,
            "satisfied": status.satisfied,
        })
    });
    Ok(Answer::content(
        json!({"ticketID": ticket_id, "stepUp": step_up}),
    ))
}

/// `rejectTicket`: the user rejects the request (`D40001`).
pub(crate) fn reject_ticket(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Answer, ProtocolError> {
    let object = body_object(body)?;
    let ticket_id = string_field(&object, "ticketID")?;
    login::reject_ticket(host, config, &ticket_id).map(answered)
}

/// `pendingTickets`: what is waiting for an answer, newest first.
pub(crate) fn pending_tickets(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Value, ProtocolError> {
    body_object(body)?;
    let tickets: Vec<Value> = login::pending_tickets(host, config)?
        .into_iter()
        .map(|ticket| {
            json!({
                "ticketID": ticket.ticket_id,
                "scope": ticket.scope.join(" "),
                "source": ticket.source,
                "expiresInMs": ticket.expires_in_ms,
                "kind": ticket.kind.as_str(),
                "businessID": ticket.business_id,
            })
        })
        .collect();
    Ok(json!({ "tickets": tickets }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persona::{IAMSMART_USER, SUSPENDED_USER};
    use crate::testkit::{REDIRECT_URI, Rp};

    fn start_login(rp: &mut Rp) -> String {
        let params = crate::GetQrParams {
            client_id: Some(rp.config.client_id.clone()),
            response_type: Some("code".into()),
            source: Some("PC_Browser".into()),
            redirect_uri: Some(REDIRECT_URI.into()),
            scope: Some("eidapi_auth".into()),
            state: Some("ci-run-7".into()),
            ..crate::GetQrParams::default()
        };
        match crate::handle(&mut rp.host, &rp.config, crate::Call::BeginLogin(params)) {
            crate::Outcome::LoginStarted(started) => started.ticket_id,
            other => panic!("login did not start: {other:?}"),
        }
    }

    fn post(rp: &mut Rp, path: &str, body: Value) -> crate::ResponseEnvelope {
        rp.post(path, body.to_string().as_bytes())
    }

    #[test]
    fn approving_over_the_api_returns_the_redirect_with_a_code_that_get_token_accepts() {
        let mut rp = Rp::strict();
        let ticket = start_login(&mut rp);
        let listed = post(&mut rp, PENDING_TICKETS_PATH, json!({}));
        assert_eq!(listed.code, "D00000");
        let tickets = listed.content.expect("content")["tickets"].clone();
        assert_eq!(tickets[0]["ticketID"], ticket.as_str());
        assert_eq!(tickets[0]["scope"], "eidapi_auth");

        let envelope = post(
            &mut rp,
            APPROVE_TICKET_PATH,
            json!({"ticketID": ticket, "personaID": IAMSMART_USER}),
        );
        assert_eq!(
            (envelope.code.as_str(), envelope.message.as_str()),
            ("D00000", "SUCCESS")
        );
        let content = envelope.content.expect("plain content");
        assert_eq!(content["state"], "approved");
        let url = content["redirectURL"].as_str().expect("redirect URL");
        let code = url
            .strip_prefix(&format!("{REDIRECT_URI}?code="))
            .and_then(|rest| rest.strip_suffix("&state=ci-run-7"))
            .expect("code and state");
        rp.get_key();
        let token = rp.get_token_content(code);
        assert_eq!(token.token_type, "Bearer");
    }

    #[test]
    fn rejecting_over_the_api_redirects_with_d40001() {
        let mut rp = Rp::strict();
        let ticket = start_login(&mut rp);
        let envelope = post(&mut rp, REJECT_TICKET_PATH, json!({"ticketID": ticket}));
        let content = envelope.content.expect("content");
        assert_eq!(content["state"], "rejected");
        assert_eq!(
            content["redirectURL"],
            format!("{REDIRECT_URI}?error_code=D40001&state=ci-run-7")
        );
        let again = post(&mut rp, REJECT_TICKET_PATH, json!({"ticketID": ticket}));
        assert_eq!(again.code, "D20004");
    }

    #[test]
    fn bad_automation_requests_get_d_codes_and_unsigned_ones_are_refused() {
        let mut rp = Rp::strict();
        let ticket = start_login(&mut rp);
        let cases = [
            (json!({"personaID": IAMSMART_USER}), "D20001"),
            (
                json!({"ticketID": "", "personaID": IAMSMART_USER}),
                "D20002",
            ),
            (json!({"ticketID": 7, "personaID": IAMSMART_USER}), "D20003"),
            (
                json!({"ticketID": "nope", "personaID": IAMSMART_USER}),
                "D20003",
            ),
            // IDs the host could never have stored under (a NUL, or longer than its keys) are unknown
            // tickets too, not a broken sandbox.
            (
                json!({"ticketID": "a\u{0}b", "personaID": IAMSMART_USER}),
                "D20003",
            ),
            (
                json!({"ticketID": "t".repeat(600), "personaID": IAMSMART_USER}),
                "D20003",
            ),
            (json!({"ticketID": ticket, "personaID": "nobody"}), "D20003"),
            (
                json!({"ticketID": ticket, "personaID": SUSPENDED_USER}),
                "D10001",
            ),
        ];
        for (body, code) in cases {
            assert_eq!(
                post(&mut rp, APPROVE_TICKET_PATH, body.clone()).code,
                code,
                "{body}"
            );
        }
        assert_eq!(rp.post(APPROVE_TICKET_PATH, b"[1,2]").code, "D20003");

        let mut request = rp.signed_request(APPROVE_TICKET_PATH, b"{}");
        request.body = json!({"ticketID": ticket, "personaID": IAMSMART_USER})
            .to_string()
            .into_bytes();
        let envelope = rp.send(&request).envelope().expect("envelope");
        assert_eq!(envelope.code, "D20006");
    }
}
