//! Step-up re-authentication (PROTOCOL §4 `stepupAuthMethod` / `stepupAuthPeriod`, §5): the simulated
//! face recognition (`FR`) and HKID chip read (`NFC`) a persona performs on the phone, when they
//! count, and `account/stepup/initiateRequest`, the re-authentication request of its own.
//!
//! A step is recorded at sandbox time by the call `complete_stepup {ticket_id, persona_id, method}`
//! (the virtual phone, or automation), both on the ticket and on the persona. A ticket that asks for
//! step-up cannot be approved until every factor it names is done (`and` needs all, `unary` its
//! one) — approving earlier is refused with `D80002` and the ticket stays pending, so the user can
//! still do the step. When a factor counts:
//! - with `stepupAuthPeriod` = P > 0 seconds: the persona did it at most P seconds before now on the
//!   sandbox clock, for this request or an earlier one (time travel moves both ends alike);
//! - without a period (or with 0): the persona did it for this request.
//!
//! The protocol publishes no code for "step-up still missing"; `D80002` (re-authentication failed) is
//! the closest in the re-authentication range, and the message names the missing factors.
//!
//! `account/stepup/initiateRequest` takes, after the envelope: `businessID`, the access token and
//! `openID` (`D20009`, `D20010`, suspended `D10001`), `source` (`D20007`), `redirectURI` when given
//! (`D20008`), `state` (`D20003`), the scope `eidapi_fr` on the client and the token (`D20015`), and
//! `stepupAuthMethod` / `stepupAuthPeriod` as for signing (default `{"unary":["FR"]}`), then a reused
//! `businessID` (`D20011`). It answers `{authByQR, ticketID}`; the phone's approval (after the
//! steps) calls back with `{businessID, state, stepupAuthMethod, timestamp}`; rejected or cancelled
//! `D80001`, failed `D80002`, timed out `D80003`.
//!
//! This module never logs persona ids or anything the user did.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::api::Answer;
use crate::codes::{DCode, ProtocolError};
use crate::config::SandboxConfig;
use crate::form_filling;
use crate::host::Host;
use crate::login::{self, NewTicket};
use crate::request::TicketRequest;
use crate::scope::Scope;
use crate::signing::{self, StepUp, StepUpCombination, StepUpFactor};
use crate::store;
use crate::token;

pub const STEP_UP_REQUEST_PATH: &str = "/api/v1/account/stepup/initiateRequest";

/// How long a persona's last steps are remembered; periods longer than this are not meaningful for a
/// re-authentication.
const PERSONA_STEP_MEMORY_MS: i64 = 30 * 24 * 60 * 60_000;

/// A step-up request as its ticket stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepUpRequest {
    pub business_id: String,
    /// The logged-in user who must re-authenticate.
    pub persona_id: Option<String>,
    pub step_up: StepUp,
}

/// A step a persona did for a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerformedStep {
    pub persona_id: String,
    pub method: StepUpFactor,
    /// Sandbox clock.
    pub at_ms: i64,
}

/// What `ticket_details` reports about the step-up a ticket asks for, for one persona.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepUpStatus {
    /// `unary` (one factor) or `and` (every factor).
    pub combination: StepUpCombination,
    /// The factors asked for, in the request's order: `FR`, `NFC`.
    pub methods: Vec<StepUpFactor>,
    /// `stepupAuthPeriod` in seconds, when the request gave one.
    pub period_seconds: Option<i64>,
    /// The factors that count now for the persona shown (empty when none is known yet).
    pub done: Vec<StepUpFactor>,
    /// The factors still to do before the ticket can be approved.
    pub missing: Vec<StepUpFactor>,
    /// Whether approval is allowed as far as step-up goes.
    pub satisfied: bool,
}

fn persona_key(persona_id: &str) -> String {
    format!("step-up/{persona_id}")
}

/// The persona's last time for each factor, by wire name.
fn last_steps(
    host: &mut dyn Host,
    persona_id: &str,
) -> Result<BTreeMap<String, i64>, ProtocolError> {
    Ok(store::get(host, &persona_key(persona_id))?.unwrap_or_default())
}

/// Records that the persona did `method` now; returns the time.
pub(crate) fn remember(
    host: &mut dyn Host,
    persona_id: &str,
    method: StepUpFactor,
) -> Result<i64, ProtocolError> {
    let now = host.sandbox_now_ms();
    let mut steps = last_steps(host, persona_id)?;
    steps.insert(method.as_str().to_owned(), now);
    store::put(
        host,
        &persona_key(persona_id),
        &steps,
        Some(now.saturating_add(PERSONA_STEP_MEMORY_MS)),
    )?;
    Ok(now)
}

/// Where the step-up of a ticket stands for `persona_id` (`None`: nobody picked yet, nothing done).
pub(crate) fn status(
    host: &mut dyn Host,
    step_up: &StepUp,
    performed: &[PerformedStep],
    persona_id: Option<&str>,
) -> Result<StepUpStatus, ProtocolError> {
    let now = host.sandbox_now_ms();
    let period = step_up.period.filter(|seconds| *seconds > 0);
    let remembered = match (persona_id, period) {
        (Some(persona_id), Some(_)) => last_steps(host, persona_id)?,
        _ => BTreeMap::new(),
    };
    let mut done = Vec::new();
    let mut missing = Vec::new();
    for factor in &step_up.factors {
        let counts = match (persona_id, period) {
            (None, _) => false,
            (Some(_), Some(seconds)) => remembered.get(factor.as_str()).is_some_and(|at| {
                *at <= now && now.saturating_sub(*at) <= seconds.saturating_mul(1000)
            }),
            (Some(persona_id), None) => performed
                .iter()
                .any(|step| step.persona_id == persona_id && step.method == *factor),
        };
        if counts {
            done.push(*factor);
        } else {
            missing.push(*factor);
        }
    }
    Ok(StepUpStatus {
        combination: step_up.combination(),
        methods: step_up.factors.clone(),
        period_seconds: step_up.period,
        satisfied: missing.is_empty(),
        done,
        missing,
    })
}

/// `Ok` when the step-up is satisfied, else `D80002` naming what is missing.
pub(crate) fn require(status: &StepUpStatus) -> Result<(), ProtocolError> {
    if status.satisfied {
        return Ok(());
    }
    let missing: Vec<&str> = status.missing.iter().map(|f| f.as_str()).collect();
    let within = match status.period_seconds.filter(|seconds| *seconds > 0) {
        Some(seconds) => format!(" within the last {seconds} s"),
        None => " for this request".to_owned(),
    };
    Err(ProtocolError::with_message(
        DCode::ReauthenticationFailed,
        format!(
            "re-authentication failed: step-up {} not completed{within}",
            missing.join(" and ")
        ),
    ))
}

/// `account/stepup/initiateRequest`.
pub(crate) fn step_up_request(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Answer, ProtocolError> {
    let (cek, fields) = form_filling::decrypt(host, body)?;
    let business_id = form_filling::business_id(&fields)?;
    let token = form_filling::authenticate(host, config, &fields)?;
    let source = form_filling::source(&fields)?;
    let redirect_uri = form_filling::redirect_uri(config, &fields, false)?;
    let state = form_filling::state(&fields)?;
    form_filling::check_scopes(config, Some(&token.scope), &[Scope::FaceRecognition])?;
    let step_up = signing::step_up(&fields)?.unwrap_or(StepUp {
        factors: vec![StepUpFactor::FaceRecognition],
        period: None,
    });
    form_filling::ensure_new_business_id(host, &business_id)?;
    let status = login::create_ticket(
        host,
        config,
        NewTicket {
            request: TicketRequest::StepUp(StepUpRequest {
                business_id: business_id.clone(),
                persona_id: Some(token.persona_id.clone()),
                step_up,
            }),
            redirect_uri,
            state,
            source: Some(source.clone()),
            scope: vec![Scope::FaceRecognition.as_str().to_owned()],
            lang: form_filling::lang(&fields),
        },
    )?;
    form_filling::remember_business_id(host, &business_id, &status.ticket_id)?;
    let content = json!({"authByQR": source == "PC_Browser", "ticketID": status.ticket_id});
    let callbacks = form_filling::auto_answer(host, config, &status.ticket_id);
    Ok(Answer {
        content: Some(token::encrypt_response_content(host, &cek, &content)?),
        callbacks,
        ..Answer::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory_host::MemoryHost;

    fn step_up(factors: &[StepUpFactor], period: Option<i64>) -> StepUp {
        StepUp {
            factors: factors.to_vec(),
            period,
        }
    }

    const FR: StepUpFactor = StepUpFactor::FaceRecognition;
    const NFC: StepUpFactor = StepUpFactor::ChipRead;

    #[test]
    fn without_a_period_only_steps_done_for_the_ticket_by_that_persona_count() {
        let mut host = MemoryHost::new(1);
        let wanted = step_up(&[FR, NFC], None);
        remember(&mut host, "p", FR).expect("remembers");
        let performed = vec![PerformedStep {
            persona_id: "p".into(),
            method: NFC,
            at_ms: host.sandbox_now_ms(),
        }];
        let status = status(&mut host, &wanted, &performed, Some("p")).expect("status");
        assert_eq!(status.combination, StepUpCombination::And);
        assert_eq!((status.done, status.missing), (vec![NFC], vec![FR]));
        assert!(!status.satisfied);
        let other = super::status(&mut host, &wanted, &performed, Some("q")).expect("status");
        assert_eq!(other.missing, vec![FR, NFC]);
        let nobody = super::status(&mut host, &wanted, &performed, None).expect("status");
        assert_eq!(nobody.done, Vec::new());
    }

    #[test]
    fn with_a_period_a_recent_step_counts_until_the_period_passes_on_the_sandbox_clock() {
        let mut host = MemoryHost::new(1);
        let wanted = step_up(&[FR], Some(60));
        remember(&mut host, "p", FR).expect("remembers");
        host.travel_ms(60_000);
        let status = status(&mut host, &wanted, &[], Some("p")).expect("status");
        assert!(status.satisfied);
        assert_eq!(require(&status), Ok(()));
        host.travel_ms(1);
        let status = super::status(&mut host, &wanted, &[], Some("p")).expect("status");
        assert!(!status.satisfied);
        let error = require(&status).expect_err("stale");
        assert_eq!(error.code, DCode::ReauthenticationFailed);
        assert_eq!(
            error.message,
            "re-authentication failed: step-up FR not completed within the last 60 s"
        );
    }

    #[test]
    fn the_method_is_reported_as_the_request_wrote_it() {
        assert_eq!(
            step_up(&[FR, NFC], None).method_json(),
            json!({"and": ["FR", "NFC"]})
        );
        assert_eq!(
            step_up(&[NFC], Some(5)).method_json(),
            json!({"unary": ["NFC"]})
        );
    }

    mod flow {
        use super::*;
        use crate::call::{Call, Outcome, handle};
        use crate::client;
        use crate::crypto::tests::rp_private_key;
        use crate::login::TicketStatus;
        use crate::persona::{IAMSMART_PLUS_USER, IAMSMART_USER};
        use crate::testkit::{REDIRECT_URI, Rp};

        fn rp() -> Rp {
            let mut rp = Rp::strict();
            rp.config.granted_scopes.push("eidapi_fr".into());
            rp
        }

        fn start(rp: &mut Rp, persona_id: &str, business_id: &str) -> String {
            let token = rp.token(persona_id, "eidapi_auth eidapi_fr");
            let envelope = rp.post_encrypted(
                STEP_UP_REQUEST_PATH,
                &json!({"businessID": business_id, "accessToken": token.access_token,
                    "openID": token.open_id, "source": "PC_Browser", "redirectURI": REDIRECT_URI,
                    "state": "re-auth", "stepupAuthMethod": {"unary": ["NFC"]}}),
            );
            assert_eq!(envelope.code, "D00000", "{}", envelope.message);
            rp.decrypted(&envelope)["ticketID"]
                .as_str()
                .expect("ticketID")
                .to_owned()
        }

        fn settled(rp: &mut Rp, call: Call) -> TicketStatus {
            match handle(&mut rp.host, &rp.config, call) {
                Outcome::Ticket(status) => status,
                other => panic!("expected a ticket, got {other:?}"),
            }
        }

        fn callback(status: &TicketStatus) -> client::OpenedCallback {
            let callback = status.callbacks.first().expect("a callback");
            let content_type = callback.header("Content-Type").expect("content type");
            client::open_callback(rp_private_key(), &callback.body, content_type).expect("opens")
        }

        #[test]
        fn a_step_up_request_calls_back_once_the_chip_was_read() {
            let mut rp = rp();
            let ticket_id = start(&mut rp, IAMSMART_USER, "re-1");
            let approve = Call::ApproveTicket {
                ticket_id: ticket_id.clone(),
                persona_id: IAMSMART_USER.into(),
            };
            assert!(matches!(
                handle(&mut rp.host, &rp.config, approve.clone()),
                Outcome::Error {
                    code: DCode::ReauthenticationFailed,
                    ..
                }
            ));
            let stepped = handle(
                &mut rp.host,
                &rp.config,
                Call::CompleteStepup {
                    ticket_id: ticket_id.clone(),
                    persona_id: IAMSMART_USER.into(),
                    method: "NFC".into(),
                },
            );
            assert!(matches!(stepped, Outcome::TicketDetails(_)));
            let status = settled(&mut rp, approve);
            assert_eq!(status.kind, crate::TicketKind::StepUp);
            let opened = callback(&status);
            assert_eq!(opened.code, "D00000");
            assert_eq!(opened.content["businessID"], "re-1");
            assert_eq!(opened.content["state"], "re-auth");
            assert_eq!(
                opened.content["stepupAuthMethod"],
                json!({"unary": ["NFC"]})
            );
        }

        #[test]
        fn a_step_up_request_ends_with_the_re_authentication_codes() {
            let mut rp = rp();
            let ticket_id = start(&mut rp, IAMSMART_PLUS_USER, "re-2");
            let status = settled(&mut rp, Call::RejectTicket { ticket_id });
            assert_eq!(callback(&status).code, "D80001");
            let ticket_id = start(&mut rp, IAMSMART_PLUS_USER, "re-3");
            let status = settled(&mut rp, Call::FailTicket { ticket_id });
            assert_eq!(callback(&status).code, "D80002");
            let ticket_id = start(&mut rp, IAMSMART_PLUS_USER, "re-4");
            let status = settled(&mut rp, Call::ExpireTicket { ticket_id });
            assert_eq!(callback(&status).code, "D80003");
            assert_eq!(
                crate::login::app_link(crate::TicketKind::StepUp, "t"),
                "hk.gov.iamsmart.testapp://re-auth?ticketID=t"
            );
        }

        #[test]
        fn a_step_up_request_needs_the_fr_scope() {
            let mut rp = Rp::strict();
            let token = rp.token(IAMSMART_USER, "eidapi_auth");
            let envelope = rp.post_encrypted(
                STEP_UP_REQUEST_PATH,
                &json!({"businessID": "re-5", "accessToken": token.access_token,
                    "openID": token.open_id, "source": "PC_Browser"}),
            );
            assert_eq!(envelope.code, "D20015");
        }
    }
}
