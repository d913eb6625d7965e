//! The single entry point: a [`Call`] from the host (an API request, a browser or phone action) goes in,
//! an [`Outcome`] comes out. Both are serde enums because they cross the wasm boundary as JSON.
//!
//! `handle` never panics and never fails: every problem becomes an `Outcome` carrying a D-code. It
//! logs one line per call with the kind of call and its result code, never its payload.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::{self, ApiRequest, ApiResponse};
use crate::codes::{DCode, ProtocolError};
use crate::config::SandboxConfig;
use crate::consent::TicketDetails;
use crate::envelope;
use crate::host::{Host, LogLevel};
use crate::login::{self, GetQrParams, LoginStarted, TicketStatus};
use crate::persona::{self, Persona};
use crate::persona_certificate::{self, PersonaCertificate};

/// Something the host asks the sandbox to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "call", content = "args", rename_all = "snake_case")]
pub enum Call {
    /// A signed POST to `/api/v1/...`.
    Api(ApiRequest),
    /// `GET /api/v1/auth/getQR`: validate and start a login.
    BeginLogin(GetQrParams),
    /// The browser polls its ticket.
    TicketStatus { ticket_id: String },
    /// The virtual phone (or automation) approves as a persona.
    ApproveTicket {
        ticket_id: String,
        persona_id: String,
    },
    /// The user rejects the request (`D40001`).
    RejectTicket { ticket_id: String },
    /// The user cancels the request (`D40000`).
    CancelTicket { ticket_id: String },
    /// The virtual phone skips to the timeout (`D40003`) instead of waiting for it.
    ExpireTicket { ticket_id: String },
    /// The tickets waiting for an answer, for the virtual phone's list.
    PendingTickets,
    /// The personas the virtual phone offers.
    ListPersonas,
    /// Host only (never built from a request): the portal's sandbox CA installs the signing keys and
    /// certificate chains of the sandbox's iAM Smart+ personas, issued on first use, before a
    /// signing request can be approved. Keyed by persona id.
    InstallSigningCertificates {
        certificates: BTreeMap<String, PersonaCertificate>,
    },
    /// What the phone shows before the user answers: the status, and for profile and form-filling
    /// requests the form and each requested field with the persona's value and whether it may be
    /// unticked. `persona_id` picks whose values to show for an anonymous request (an authenticated
    /// one always shows the logged-in user's).
    TicketDetails {
        ticket_id: String,
        #[serde(default)]
        persona_id: Option<String>,
    },
    /// The user approves a profile or form-filling request releasing only `fields` (wire names);
    /// unticking a mandatory field, or naming one not requested, is `D20003`.
    ApproveTicketWithFields {
        ticket_id: String,
        persona_id: String,
        fields: Vec<String>,
    },
    /// The app fails while answering (`D40002` / `D50002` / `D60002` / `D70002` / `D80002` /
    /// `D71002` by kind).
    FailTicket { ticket_id: String },
    /// The persona completed a simulated step-up factor on the phone: `method` is `FR` (face
    /// recognition) or `NFC` (HKID chip read), recorded at sandbox time. Answers the ticket's
    /// details (with `step_up` showing what is still missing) as that persona sees them.
    CompleteStepup {
        ticket_id: String,
        persona_id: String,
        method: String,
    },
    /// Host only, after an answer with `signing_continues` (or `continue_bulk_signing`): sign the
    /// next piece of an approved bulk-signing request; repeat while the answer says
    /// `signing_continues`, delivering each answer's callbacks in order.
    ContinueBulkSigning { ticket_id: String },
}

impl Call {
    /// A short name for the kind of call (`api`, `begin_login`, …), for messages and outcome checks.
    pub fn kind(&self) -> &'static str {
        match self {
            Call::Api(_) => "api",
            Call::BeginLogin(_) => "begin_login",
            Call::TicketStatus { .. } => "ticket_status",
            Call::ApproveTicket { .. } => "approve_ticket",
            Call::RejectTicket { .. } => "reject_ticket",
            Call::CancelTicket { .. } => "cancel_ticket",
            Call::ExpireTicket { .. } => "expire_ticket",
            Call::PendingTickets => "pending_tickets",
            Call::ListPersonas => "list_personas",
            Call::InstallSigningCertificates { .. } => "install_signing_certificates",
            Call::TicketDetails { .. } => "ticket_details",
            Call::ApproveTicketWithFields { .. } => "approve_ticket_with_fields",
            Call::FailTicket { .. } => "fail_ticket",
            Call::CompleteStepup { .. } => "complete_stepup",
            Call::ContinueBulkSigning { .. } => "continue_bulk_signing",
        }
    }
}

/// What the sandbox answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", content = "data", rename_all = "snake_case")]
pub enum Outcome {
    /// The HTTP response to an API call (D-code errors included, with HTTP 200).
    Api(ApiResponse),
    /// A login ticket exists and the broker page can show it.
    LoginStarted(LoginStarted),
    /// A ticket's status after a poll or an answer.
    Ticket(TicketStatus),
    /// Tickets waiting for an answer, newest first.
    Tickets(Vec<TicketStatus>),
    Personas(Vec<Persona>),
    /// The signing certificates are installed; `written` counts those that were new or changed.
    SigningCertificatesInstalled {
        written: usize,
    },
    /// A ticket with the details the consent screen shows.
    TicketDetails(TicketDetails),
    /// A non-API call failed; `code` is the D-code to show or to put in `error_code`.
    Error {
        code: DCode,
        message: String,
    },
}

impl From<ProtocolError> for Outcome {
    fn from(error: ProtocolError) -> Self {
        Outcome::Error {
            code: error.code,
            message: error.message,
        }
    }
}

fn outcome_code(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Api(response) => response
            .envelope()
            .map(|envelope| envelope.code)
            .unwrap_or_default(),
        Outcome::Error { code, .. } => code.code().to_owned(),
        _ => DCode::Success.code().to_owned(),
    }
}

/// Runs one call against one sandbox.
pub fn handle(host: &mut dyn Host, config: &SandboxConfig, call: Call) -> Outcome {
    if let Err(error) = config.validate() {
        host.log(LogLevel::Error, &error.message);
        return match call {
            Call::Api(_) => Outcome::Api(envelope::failure(host, &error)),
            _ => error.into(),
        };
    }
    let kind = call.kind();
    let outcome = match call {
        // API calls log their own route and code in more detail.
        Call::Api(request) => return Outcome::Api(api::serve(host, config, &request)),
        Call::BeginLogin(params) => {
            login::begin_login(host, config, &params).map(Outcome::LoginStarted)
        }
        Call::TicketStatus { ticket_id } => {
            login::ticket_status(host, config, &ticket_id).map(Outcome::Ticket)
        }
        Call::ApproveTicket {
            ticket_id,
            persona_id,
        } => login::approve_ticket(host, config, &ticket_id, &persona_id).map(Outcome::Ticket),
        Call::RejectTicket { ticket_id } => {
            login::reject_ticket(host, config, &ticket_id).map(Outcome::Ticket)
        }
        Call::CancelTicket { ticket_id } => {
            login::cancel_ticket(host, config, &ticket_id).map(Outcome::Ticket)
        }
        Call::ExpireTicket { ticket_id } => {
            login::expire_ticket(host, config, &ticket_id).map(Outcome::Ticket)
        }
        Call::PendingTickets => login::pending_tickets(host, config).map(Outcome::Tickets),
        Call::ListPersonas => Ok(Outcome::Personas(persona::personas(config))),
        Call::InstallSigningCertificates { certificates } => {
            persona_certificate::install_all(host, &certificates)
                .map(|written| Outcome::SigningCertificatesInstalled { written })
        }
        Call::TicketDetails {
            ticket_id,
            persona_id,
        } => login::ticket_details(host, config, &ticket_id, persona_id.as_deref())
            .map(Outcome::TicketDetails),
        Call::ApproveTicketWithFields {
            ticket_id,
            persona_id,
            fields,
        } => login::approve_ticket_with_fields(host, config, &ticket_id, &persona_id, &fields)
            .map(Outcome::Ticket),
        Call::FailTicket { ticket_id } => {
            login::fail_ticket(host, config, &ticket_id).map(Outcome::Ticket)
        }
        Call::CompleteStepup {
            ticket_id,
            persona_id,
            method,
        } => login::complete_step_up(host, config, &ticket_id, &persona_id, &method)
            .map(Outcome::TicketDetails),
        Call::ContinueBulkSigning { ticket_id } => {
            login::continue_bulk_signing(host, config, &ticket_id).map(Outcome::Ticket)
        }
    }
    .unwrap_or_else(Outcome::from);
    let code = outcome_code(&outcome);
    host.log(LogLevel::Info, &format!("{kind} {code}"));
    outcome
}

/// [`handle`] for a guest that receives JSON: the configuration and the call in, the outcome out.
/// JSON that does not parse gives an `Error` outcome: `D20000` for a configuration (the host's
/// fault), `D20003` for a call.
pub fn handle_json(host: &mut dyn Host, config_json: &str, call_json: &str) -> String {
    let outcome = match serde_json::from_str::<SandboxConfig>(config_json) {
        Err(_) => {
            host.log(LogLevel::Error, "sandbox configuration JSON did not parse");
            ProtocolError::with_message(
                DCode::UnknownException,
                "sandbox misconfigured: configuration did not parse",
            )
            .into()
        }
        Ok(config) => match serde_json::from_str::<Call>(call_json) {
            Ok(call) => handle(host, &config, call),
            Err(_) => ProtocolError::invalid("call").into(),
        },
    };
    // Serialising the outcome cannot fail; the fallback is still a well-formed outcome.
    serde_json::to_string(&outcome).unwrap_or_else(|_| {
        r#"{"outcome":"error","data":{"code":"D99990","message":"unhandled request"}}"#.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::login::TicketState;
    use crate::memory_host::MemoryHost;
    use crate::persona::{IAMSMART_USER, SUSPENDED_USER};
    use crate::testkit::{self, CLIENT_ID, REDIRECT_URI};

    fn begin(host: &mut MemoryHost) -> Outcome {
        let params = GetQrParams::from_query(&format!(
            "clientID={CLIENT_ID}&responseType=code&source=PC_Browser&redirectURI={}&scope=eidapi_auth&state=xyz",
            crate::crypto::url_encode(REDIRECT_URI)
        ));
        handle(host, &testkit::config(), Call::BeginLogin(params))
    }

    fn started_ticket(outcome: Outcome) -> String {
        match outcome {
            Outcome::LoginStarted(started) => started.ticket_id,
            other => panic!("expected a started login, got {other:?}"),
        }
    }

    #[test]
    fn a_login_runs_through_handle_from_get_qr_to_an_approved_ticket() {
        let mut host = MemoryHost::new(3);
        let ticket_id = started_ticket(begin(&mut host));
        let config = testkit::config();
        let polled = handle(
            &mut host,
            &config,
            Call::TicketStatus {
                ticket_id: ticket_id.clone(),
            },
        );
        assert!(matches!(
            polled,
            Outcome::Ticket(TicketStatus {
                state: TicketState::Pending,
                ..
            })
        ));
        let approved = handle(
            &mut host,
            &config,
            Call::ApproveTicket {
                ticket_id,
                persona_id: IAMSMART_USER.into(),
            },
        );
        let Outcome::Ticket(status) = approved else {
            panic!("expected a ticket, got {approved:?}");
        };
        assert_eq!(status.state, TicketState::Approved);
        assert!(
            status
                .redirect_url
                .is_some_and(|url| url.ends_with("&state=xyz"))
        );
        assert!(
            host.logs()
                .iter()
                .any(|(_, line)| line == "approve_ticket D00000")
        );
    }

    #[test]
    fn failures_become_error_outcomes_with_their_d_code() {
        let mut host = MemoryHost::new(3);
        let ticket_id = started_ticket(begin(&mut host));
        let outcome = handle(
            &mut host,
            &testkit::config(),
            Call::ApproveTicket {
                ticket_id,
                persona_id: SUSPENDED_USER.into(),
            },
        );
        assert_eq!(
            outcome,
            Outcome::Error {
                code: DCode::AccountSuspended,
                message: "iAM Smart account suspended".into()
            }
        );
        let outcome = handle(
            &mut host,
            &testkit::config(),
            Call::CancelTicket {
                ticket_id: "x".into(),
            },
        );
        assert!(matches!(
            outcome,
            Outcome::Error {
                code: DCode::InvalidParameter,
                ..
            }
        ));
        assert!(
            host.logs()
                .iter()
                .any(|(_, line)| line == "cancel_ticket D20003")
        );
    }

    #[test]
    fn list_personas_returns_the_cast() {
        let mut host = MemoryHost::new(3);
        let Outcome::Personas(cast) = handle(&mut host, &testkit::config(), Call::ListPersonas)
        else {
            panic!("expected personas");
        };
        assert_eq!(cast, persona::personas(&testkit::config()));
    }

    #[test]
    fn a_misconfigured_sandbox_answers_d20000_in_either_shape() {
        let mut host = MemoryHost::new(3);
        let mut config = testkit::config();
        config.token_lifetime_ms = -1;
        let outcome = handle(&mut host, &config, Call::ListPersonas);
        assert!(matches!(
            outcome,
            Outcome::Error {
                code: DCode::UnknownException,
                ..
            }
        ));
        let outcome = handle(&mut host, &config, Call::Api(ApiRequest::default()));
        let Outcome::Api(response) = outcome else {
            panic!("expected an API response");
        };
        assert_eq!(response.status, 200);
        assert_eq!(
            response.envelope().map(|e| e.code).as_deref(),
            Some("D20000")
        );
    }

    #[test]
    fn calls_and_outcomes_use_a_stable_tagged_json_shape() {
        let call = Call::ApproveTicket {
            ticket_id: "t".into(),
            persona_id: "p".into(),
        };
        assert_eq!(
            serde_json::to_value(&call).expect("serialises"),
            serde_json::json!({"call": "approve_ticket", "args": {"ticket_id": "t", "persona_id": "p"}})
        );
        assert_eq!(
            serde_json::to_value(Call::ListPersonas).expect("serialises"),
            serde_json::json!({"call": "list_personas"})
        );
        let error = Outcome::Error {
            code: DCode::UserRejected,
            message: "user rejected".into(),
        };
        assert_eq!(
            serde_json::to_value(&error).expect("serialises"),
            serde_json::json!({"outcome": "error", "data": {"code": "D40001", "message": "user rejected"}})
        );
        let back: Outcome =
            serde_json::from_value(serde_json::to_value(&error).expect("json")).expect("parses");
        assert_eq!(back, error);
    }

    #[test]
    fn handle_json_round_trips_and_reports_unparseable_input() {
        let mut host = MemoryHost::new(3);
        let config_json = testkit::config().to_guest_json();
        let answer = handle_json(&mut host, &config_json, r#"{"call":"list_personas"}"#);
        let outcome: Outcome = serde_json::from_str(&answer).expect("outcome json");
        assert!(
            matches!(outcome, Outcome::Personas(cast) if cast.len() == persona::CATALOGUE.len())
        );
        let answer = handle_json(&mut host, &config_json, "{not json");
        let outcome: Outcome = serde_json::from_str(&answer).expect("outcome json");
        assert_eq!(outcome, ProtocolError::invalid("call").into());
        let answer = handle_json(&mut host, "{}", r#"{"call":"list_personas"}"#);
        let outcome: Outcome = serde_json::from_str(&answer).expect("outcome json");
        assert!(matches!(
            outcome,
            Outcome::Error {
                code: DCode::UnknownException,
                ..
            }
        ));
    }

    #[test]
    fn the_same_seed_and_calls_give_byte_identical_outcomes() {
        let run = || {
            let mut rp = testkit::Rp::strict();
            rp.get_key();
            let code = rp.login(IAMSMART_USER, "eidapi_auth");
            let request = rp.signed_encrypted_request(
                crate::api::GET_TOKEN_PATH,
                &serde_json::json!({"code": code, "grantType": "authorization_code"}),
            );
            let response = handle(&mut rp.host, &rp.config, Call::Api(request));
            (
                serde_json::to_string(&response).expect("json"),
                rp.host.entries().clone(),
                rp.host.logs().to_vec(),
            )
        };
        assert_eq!(run(), run());
    }
}
